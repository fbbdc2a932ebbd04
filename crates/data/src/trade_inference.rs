//! Refining shares inferred from trade, for minerals whose refining stage has no production
//! statistics: who exports the refined products, in contained-element terms.
//!
//! This is the weakest evidence derisk uses and every figure says so
//! ([`Evidence::TradeInference`], [`Flag::Derived`], a provenance note naming the HS codes).

use crate::Imported;
use derisk_model::{
    Area, CountryCode, Evidence, Flag, HsKey, ImportReport, Measure, Mineral, Observation,
    Provenance, SourceId, Stage, TradeTable, Unit, Year,
};
use std::collections::BTreeMap;

/// Source slug of figures derisk derives itself.
pub const SOURCE: &str = "derisk-inference";

/// Infer each exporter's share of refining for every mineral that has HS carriers at the
/// refining stage, from one year of bilateral trade.
///
/// For a mineral with refining carriers `h` (content factor `f_h`, the mass fraction of
/// the element in the traded product), exporter `c`'s share is
///
/// ```text
/// share_c = Σ_h Σ_{flows c→*, hs=h} quantity_t × f_h  /  Σ_c' (same sum for c')
/// ```
///
/// i.e. the exporter's share of world exports of contained element. Flows without a
/// quantity cannot be converted to contained mass: they are left out and counted in the
/// report (never read as zero). Exporters whose contained total is zero get no figure.
///
/// Caveats, which is why the figures carry [`Evidence::TradeInference`]: re-exports and
/// transit hubs (e.g. Belgium, the Netherlands, Singapore) inflate their shares; refined
/// output that is consumed at home never crosses a border, so large domestic users of
/// their own refining (China above all) are under-represented; content factors are typical
/// grades, not measured ones. Treat these as a proxy for where refining happens, not as
/// production.
pub fn infer_refining_shares(trade: &TradeTable, minerals: &[Mineral], year: Year) -> Imported {
    let label = trade
        .provenance
        .as_ref()
        .map(|p| format!("{} ({}), {year}", p.table, p.source))
        .unwrap_or_else(|| format!("trade table, {year}"));
    let mut report = ImportReport::new(SOURCE, &label);
    let mut observations = Vec::new();
    let flows: Vec<_> = trade.flows.iter().filter(|f| f.year == year).collect();
    let mut no_quantity = 0usize;
    for mineral in minerals {
        let Some(factors) = refining_factors(mineral, &mut report) else {
            continue;
        };
        let mut by_exporter: BTreeMap<CountryCode, f64> = BTreeMap::new();
        let mut used = 0usize;
        for f in flows.iter().filter(|f| factors.contains_key(&f.key())) {
            report.rows_read += 1;
            let Some(q) = f.quantity_t else {
                no_quantity += 1;
                continue;
            };
            used += 1;
            *by_exporter.entry(f.exporter).or_default() += q * factors[&f.key()];
        }
        report.rows_kept += used;
        let world: f64 = by_exporter.values().fold(0.0, |a, b| a + b);
        let codes: Vec<String> = factors.keys().map(HsKey::to_string).collect();
        let codes = codes.join(";");
        if world <= 0.0 || !world.is_finite() {
            report.notes.push(format!(
                "{}: no exports with a quantity under {codes} in {year}: no shares inferred",
                mineral.id
            ));
            continue;
        }
        let element = mineral.name.to_lowercase();
        let note = format!(
            "share of world exports of contained {element} under {codes} in {year} — a \
             proxy for refining location, not production (world total {world:.1} t \
             contained, from {used} flows with a quantity)"
        );
        let exporters = by_exporter.len();
        for (country, contained) in by_exporter.into_iter().filter(|(_, c)| *c > 0.0) {
            observations.push(Observation {
                mineral: mineral.id.clone(),
                stage: Stage::Refining,
                measure: Measure::Production,
                area: Area::Country(country),
                year,
                value: Some(contained / world),
                unit: Unit::ShareOfWorld,
                flag: Flag::Derived,
                evidence: Evidence::TradeInference,
                provenance: Provenance {
                    source: SourceId::new(SOURCE),
                    table: "exporter shares of refined products in BACI".into(),
                    note: Some(note.clone()),
                },
            });
        }
        report.notes.push(format!(
            "{}: {exporters} exporters under {codes} in {year}",
            mineral.id
        ));
    }
    if no_quantity > 0 {
        report.not_kept.push((
            "flow has no quantity: cannot be converted to contained mass".into(),
            no_quantity,
        ));
    }
    observations.sort_by(|a, b| (&a.mineral, a.area).cmp(&(&b.mineral, b.area)));
    Imported {
        observations,
        demand: Vec::new(),
        report,
    }
}

/// The refining carriers of a mineral with their content factors, or `None` when it has
/// none. A carrier with an impossible factor or a repeated HS code is left out with a note.
fn refining_factors(mineral: &Mineral, report: &mut ImportReport) -> Option<BTreeMap<HsKey, f64>> {
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
        if factors.insert(c.key(), f).is_some() {
            report.notes.push(format!(
                "{}: {} listed twice as a refining carrier: last factor used",
                mineral.id,
                c.key()
            ));
        }
    }
    (!factors.is_empty()).then_some(factors)
}
