//! The trade proxy for refining, for minerals whose refining stage has no production
//! statistics: each country's share of world NET exports of the mineral's refined products,
//! in contained-element terms.
//!
//! This is the weakest evidence derisk uses and every figure says so
//! ([`Evidence::TradeInference`], [`Flag::Derived`], a provenance note naming the HS codes,
//! and a [`TradeProxy`] record of what the figures rest on and what limited them).

use crate::Imported;
use derisk_model::{
    form_of, Area, CountryCode, Evidence, Flag, FlowForm, FormBand, HsKey, ImportReport, Measure,
    Mineral, Observation, Provenance, ProxyCarrier, ProxyMeasure, SourceId, Stage, TradeFlow,
    TradeProxy, TradeTable, Unit, Year,
};
use std::collections::BTreeMap;

/// Source slug of figures derisk derives itself.
pub const SOURCE: &str = "derisk-inference";

/// The unit-value band: a flow is plausible for its product when its unit value lies within
/// this factor of the code's value-weighted median unit value in the year.
///
/// The median is the price at which half the code's traded value changes hands, so it
/// follows the market price of the product year by year without a hand-kept price table.
/// A factor of 4 keeps the normal spread of one refined product across partners and
/// months (lithium carbonate moved about 5× within 2023, annual flow averages far less)
/// and leaves out flows that cannot be the product: in BACI HS92 2024, 711011 (platinum,
/// unwrought) shipped from the United Arab Emirates to India at 176 t for USD 1.06 bn,
/// USD 6,037/kg against a median of USD 33,029/kg (0.18×; 176 t is about the world's
/// yearly mine output of platinum); 811211 (beryllium metal) carries beryl ore at under
/// USD 1/kg against a median near USD 1,000/kg. On 2022–2024 refined-product codes the band
/// leaves out 0–8 % of value (up to 20 % for beryllium and selenium) and the tonnage that
/// value cannot explain.
pub const UNIT_VALUE_BAND: f64 = 4.0;

/// Infer each country's share of refining for every mineral that has HS carriers at the
/// refining stage, from one year of bilateral trade.
///
/// For a mineral with refining carriers `h` (content factor `f_h`, the mass fraction of
/// the element in the traded product), country `c`'s net exports are
///
/// ```text
/// N_c = Σ_h f_h · ( Σ_{flows c→*, hs=h} quantity_t  −  Σ_{flows *→c, hs=h} quantity_t )
/// share_c = N_c / Σ_{c': N_c' > 0} N_c'        for N_c > 0
/// ```
///
/// over the flows with a quantity whose unit value lies within [`UNIT_VALUE_BAND`] of the
/// code's value-weighted median unit value in the year (others are left out of exports and
/// imports alike, and counted). Countries with `N_c ≤ 0` get no figure: the source lists
/// every net exporter, so on this basis they count as 0 (the dataset's coverage of
/// [`SOURCE`] is comprehensive, and the record says how many they are). Netting keeps
/// traders and transit hubs, which import what they export, from being counted as
/// refiners.
///
/// When no flow of any carrier has a quantity in the year, shares are of net exports by
/// value ([`ProxyMeasure::NetExportsValue`]) and tonnage is unavailable. When some carriers
/// have quantities and others none, the others are left out and counted.
///
/// Caveats, which is why the figures carry [`Evidence::TradeInference`]: refined output
/// consumed at home never crosses a border, so large users of their own refining (China
/// above all) are under-represented; stock movements and re-exports within a year blur net
/// exports; content factors are typical grades, not measured ones. Treat these as a proxy
/// for where refining happens, never as production.
pub fn infer_refining_shares(trade: &TradeTable, minerals: &[Mineral], year: Year) -> Imported {
    let trade_source = trade
        .provenance
        .as_ref()
        .map(|p| p.source.to_string())
        .unwrap_or_else(|| "the trade table".into());
    let label = trade
        .provenance
        .as_ref()
        .map(|p| format!("{} ({}), {year}", p.table, p.source))
        .unwrap_or_else(|| format!("trade table, {year}"));
    let mut report = ImportReport::new(SOURCE, &label);
    let mut by_hs: BTreeMap<HsKey, Vec<&TradeFlow>> = BTreeMap::new();
    for f in trade.flows.iter().filter(|f| f.year == year) {
        by_hs.entry(f.key()).or_default().push(f);
    }
    let mut observations = Vec::new();
    let mut proxies = Vec::new();
    let (mut no_quantity, mut implausible) = (0usize, 0usize);
    for mineral in minerals {
        let Some(factors) = refining_factors(mineral, &mut report) else {
            continue;
        };
        let (proxy, net) = net_exports(mineral, &factors, &by_hs, year);
        for c in &proxy.carriers {
            report.rows_read += c.flows;
            report.rows_kept += c.used;
            implausible += c.implausible_unit_value;
            if proxy.measure == Some(ProxyMeasure::NetExportsContained) {
                no_quantity += c.without_quantity;
            }
        }
        let codes: Vec<String> = factors.keys().map(HsKey::to_string).collect();
        let codes = codes.join(";");
        let total = proxy.total;
        let Some(measure) = proxy.measure.filter(|_| total > 0.0 && total.is_finite()) else {
            report.notes.push(format!(
                "{}: no positive net exports under {codes} in {year}: no shares inferred",
                mineral.id
            ));
            proxies.push(proxy);
            continue;
        };
        let element = mineral.name.to_lowercase();
        let used: usize = proxy.carriers.iter().map(|c| c.used).sum();
        let what = match measure {
            ProxyMeasure::NetExportsContained => format!(
                "world net exports {total:.1} t contained, from {used} flows with a quantity \
                 and a unit value within {UNIT_VALUE_BAND}× of the code's median"
            ),
            ProxyMeasure::NetExportsValue => format!(
                "by value: no flow has a quantity, tonnage unavailable; world net exports \
                 {total:.1} thousand USD from {used} flows"
            ),
        };
        let note = format!(
            "share of world net exports (exports − imports) of contained {element} under \
             {codes} in {year} — a proxy for refining location, not production; {} countries \
             with net exports of 0 or less count as 0 ({what})",
            proxy.not_net_exporters
        );
        for (&country, &n) in net.iter().filter(|(_, n)| **n > 0.0) {
            observations.push(Observation {
                mineral: mineral.id.clone(),
                stage: Stage::Refining,
                measure: Measure::Production,
                area: Area::Country(country),
                year,
                value: Some(n / total),
                unit: Unit::ShareOfWorld,
                flag: Flag::Derived,
                evidence: Evidence::TradeInference,
                provenance: Provenance {
                    source: SourceId::new(SOURCE),
                    table: format!("net-exporter shares of refined products in {trade_source}"),
                    note: Some(note.clone()),
                },
            });
        }
        report.notes.push(format!(
            "{}: {} net exporters, {} countries at 0 under {codes} in {year}",
            mineral.id, proxy.net_exporters, proxy.not_net_exporters
        ));
        proxies.push(proxy);
    }
    if no_quantity > 0 {
        report.not_kept.push((
            "flow has no quantity: cannot be converted to contained mass".into(),
            no_quantity,
        ));
    }
    if implausible > 0 {
        report.not_kept.push((
            format!(
                "flow's unit value is not within {UNIT_VALUE_BAND}× of the code's median: \
                 not the product"
            ),
            implausible,
        ));
    }
    observations.sort_by(|a, b| (&a.mineral, a.area).cmp(&(&b.mineral, b.area)));
    proxies.sort_by(|a, b| (&a.mineral, &a.stage, a.year).cmp(&(&b.mineral, &b.stage, b.year)));
    Imported {
        observations,
        demand: Vec::new(),
        report,
        trade_proxies: proxies,
    }
}

/// Net exports per country of one mineral's carriers in one year, with the record of how
/// they were obtained. Countries are those of the used flows; amounts are in the record's
/// measure.
/// A carrier's single content factor and its unit-value bands (empty: the factor applies).
type Factor<'m> = (f64, &'m [FormBand]);

fn net_exports(
    mineral: &Mineral,
    factors: &BTreeMap<HsKey, Factor<'_>>,
    by_hs: &BTreeMap<HsKey, Vec<&TradeFlow>>,
    year: Year,
) -> (TradeProxy, BTreeMap<CountryCode, f64>) {
    let flows_of = |hs: &HsKey| by_hs.get(hs).map(Vec::as_slice).unwrap_or_default();
    let any_quantity = factors
        .keys()
        .any(|h| flows_of(h).iter().any(|f| f.quantity_t.is_some()));
    let any_flow = factors.keys().any(|h| !flows_of(h).is_empty());
    let measure = match (any_quantity, any_flow) {
        (true, _) => Some(ProxyMeasure::NetExportsContained),
        (false, true) => Some(ProxyMeasure::NetExportsValue),
        (false, false) => None,
    };
    let mut net: BTreeMap<CountryCode, f64> = BTreeMap::new();
    let mut carriers = Vec::with_capacity(factors.len());
    for (&hs, &(factor, forms)) in factors {
        let flows = flows_of(&hs);
        let median = median_unit_value(flows);
        let mut c = ProxyCarrier {
            hs,
            content_factor: factor,
            flows: flows.len(),
            used: 0,
            without_quantity: flows.iter().filter(|f| f.quantity_t.is_none()).count(),
            implausible_unit_value: 0,
            median_unit_value_usd_per_kg: median,
        };
        for f in flows {
            let amount = match measure {
                Some(ProxyMeasure::NetExportsValue) => f.value_kusd,
                Some(ProxyMeasure::NetExportsContained) => {
                    let Some(q) = f.quantity_t else { continue };
                    if !plausible(f.value_kusd, q, median) {
                        c.implausible_unit_value += 1;
                        continue;
                    }
                    // A banded carrier: the factor of the band holding the unit value; a
                    // flow of another product or in no band is left out like one far from
                    // the median.
                    match form_of(forms, factor, f.value_kusd, Some(q)) {
                        FlowForm::Counted { factor, .. } => q * factor,
                        _ => {
                            c.implausible_unit_value += 1;
                            continue;
                        }
                    }
                }
                None => continue,
            };
            c.used += 1;
            *net.entry(f.exporter).or_default() += amount;
            *net.entry(f.importer).or_default() -= amount;
        }
        carriers.push(c);
    }
    // Sorted positive amounts, so the total does not depend on the order of the flows.
    let mut positive: Vec<f64> = net.values().copied().filter(|n| *n > 0.0).collect();
    positive.sort_by(f64::total_cmp);
    let total = positive.iter().fold(0.0, |a, b| a + b);
    let proxy = TradeProxy {
        mineral: mineral.id.clone(),
        stage: Stage::Refining,
        year,
        measure,
        unit_value_band: UNIT_VALUE_BAND,
        carriers,
        net_exporters: positive.len(),
        not_net_exporters: net.len() - positive.len(),
        total,
    };
    (proxy, net)
}

/// The value-weighted median unit value (thousand USD per tonne = USD per kg) of the flows
/// with a positive quantity: the smallest unit value at which the cumulated value of the
/// flows, in ascending unit value, reaches half the total. `None` without such flows or
/// without value.
fn median_unit_value(flows: &[&TradeFlow]) -> Option<f64> {
    let mut uv: Vec<(f64, f64)> = flows
        .iter()
        .filter_map(|f| {
            let q = f.quantity_t.filter(|q| *q > 0.0)?;
            Some((f.value_kusd / q, f.value_kusd))
        })
        .filter(|(u, v)| u.is_finite() && v.is_finite())
        .collect();
    uv.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let total = uv.iter().map(|x| x.1).fold(0.0, |a, b| a + b);
    if total <= 0.0 {
        return None;
    }
    let mut acc = 0.0;
    uv.into_iter().find_map(|(u, v)| {
        acc += v;
        (acc >= total / 2.0).then_some(u)
    })
}

/// Whether a flow's unit value is within the band around the median. Without a median (no
/// flow with value and quantity) nothing can be judged and the flow is kept; a zero
/// quantity is plausible only with a zero value.
fn plausible(value_kusd: f64, quantity_t: f64, median: Option<f64>) -> bool {
    if quantity_t <= 0.0 {
        return value_kusd <= 0.0;
    }
    match median {
        None => true,
        Some(m) => {
            let u = value_kusd / quantity_t;
            u >= m / UNIT_VALUE_BAND && u <= m * UNIT_VALUE_BAND
        }
    }
}

/// The refining carriers of a mineral with their content factors, or `None` when it has
/// none. A carrier with an impossible factor or a repeated HS code is left out with a note.
fn refining_factors<'m>(
    mineral: &'m Mineral,
    report: &mut ImportReport,
) -> Option<BTreeMap<HsKey, Factor<'m>>> {
    let mut factors = BTreeMap::new();
    for c in mineral.hs.iter().filter(|c| c.stage == Stage::Refining) {
        let f = c.content_factor;
        if !(f.is_finite() && f > 0.0 && f <= 1.0) {
            report.notes.push(format!(
                "{}: {} left out: content factor {f} is not in (0, 1]",
                mineral.id,
                c.key()
            ));
            continue;
        }
        if factors.insert(c.key(), (f, c.forms.as_slice())).is_some() {
            report.notes.push(format!(
                "{}: {} listed twice as a refining carrier: last factor used",
                mineral.id,
                c.key()
            ));
        }
    }
    (!factors.is_empty()).then_some(factors)
}
