//! Import dependence of a country or group on its suppliers of one mineral: supplier
//! shares by value and contained quantity, import HHI, exports, net import reliance and
//! transit hubs.

use crate::codes;
use crate::engine::Query;
use crate::error::{non_negative, AnalysisError, Result};
use crate::production::ProductionBasis;
use crate::production::ProductionTotal;
use crate::transit::{transit_hubs, TransitCheck};
use derisk_model::{
    form_of, CountryCode, CountryGroup, FlowForm, FormBand, HsCode, HsKey, Nomenclature, Stage,
    TradeFlow, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// An importing country or group of countries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Importer {
    pub label: String,
    pub members: BTreeSet<CountryCode>,
}

impl Importer {
    /// One country, labelled by its code.
    pub fn country(c: CountryCode) -> Importer {
        Importer {
            label: c.to_string(),
            members: BTreeSet::from([c]),
        }
    }

    /// A group, labelled by its id, with all its listed members.
    pub fn group(g: &CountryGroup) -> Importer {
        Importer {
            label: g.id.clone(),
            members: g.codes().collect(),
        }
    }

    pub fn contains(&self, c: CountryCode) -> bool {
        self.members.contains(&c)
    }
}

/// Flows counted together: how many, their value and their quantity (tonnes of product,
/// over flows with one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlowTally {
    pub flows: usize,
    /// Thousand current US dollars.
    pub value_kusd: f64,
    /// Tonnes of product (not contained), over flows with a quantity.
    pub quantity_t: f64,
}

impl FlowTally {
    #[inline]
    pub(crate) fn add(&mut self, f: &TradeFlow) {
        self.flows += 1;
        self.value_kusd += f.value_kusd;
        self.quantity_t += f.quantity_t.unwrap_or(0.0);
    }
}

/// One unit-value band of a carrier (a form of its product) and the flows read for the
/// answer that fell in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FormUsed {
    pub band: FormBand,
    /// Flows read for this answer (imports and exports of the importer) in the band.
    pub read: FlowTally,
}

impl AsRef<FormBand> for FormUsed {
    fn as_ref(&self) -> &FormBand {
        &self.band
    }
}

/// An HS code read for the mineral (in its nomenclature), with its contained-element factor
/// or, when one code carries several forms, the unit-value bands that chose a factor per
/// flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CarrierUsed {
    pub nomenclature: Nomenclature,
    pub hs: HsCode,
    pub stage: Stage,
    /// The carrier's single factor: applied to every flow when `forms` is empty.
    pub content_factor: f64,
    pub description: String,
    /// The forms told apart by unit value (USD per kg of product), sorted by lower bound.
    /// Empty: one factor for every flow. Otherwise each flow with a quantity counts at the
    /// factor of the band holding its unit value; a band of factor 0 is another product of
    /// the code, left out of this mineral's values and tonnes.
    pub forms: Vec<FormUsed>,
    /// Flows read for this answer whose unit value lies in no band: impossible for the
    /// product, left out of values, tonnes and shares, and counted here (`derisk data
    /// check` lists them).
    pub impossible: FlowTally,
}

impl CarrierUsed {
    /// (nomenclature, code): what the carrier's flows are found by.
    pub fn key(&self) -> HsKey {
        HsKey::new(self.nomenclature, self.hs)
    }

    /// How one flow is read (see [`derisk_model::HsCarrier::form_of`]). Allocation-free.
    #[inline]
    pub fn form_of(&self, f: &TradeFlow) -> FlowForm {
        form_of(&self.forms, self.content_factor, f.value_kusd, f.quantity_t)
    }

    /// Contained tonnes of a flow at the factor its form gives (`None` without a
    /// quantity), or `Err(form)` for a flow left out (another product, impossible).
    #[inline]
    pub(crate) fn read(&self, f: &TradeFlow) -> Result<std::result::Result<Option<f64>, FlowForm>> {
        match self.form_of(f) {
            FlowForm::Counted { factor, .. } => contained(f, factor).map(Ok),
            other => {
                contained(f, 0.0)?;
                Ok(Err(other))
            }
        }
    }

    /// Count a flow read for the answer in its band, or as impossible.
    #[inline]
    pub(crate) fn tally(&mut self, f: &TradeFlow, form: FlowForm) {
        match form {
            FlowForm::Counted { band: Some(i), .. } | FlowForm::OtherProduct { band: i } => {
                self.forms[i].read.add(f)
            }
            FlowForm::Counted { band: None, .. } => {}
            FlowForm::Impossible => self.impossible.add(f),
        }
    }
}

/// One trading partner on one side (imports or exports).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Partner {
    pub country: CountryCode,
    /// Thousand current US dollars.
    pub value_kusd: f64,
    pub value_share: Option<f64>,
    /// Tonnes of contained mineral, over flows that have a quantity.
    pub contained_t: f64,
    pub quantity_share: Option<f64>,
    pub flows: usize,
    pub flows_without_quantity: usize,
}

/// Imports or exports of the importer, by partner.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TradeSide {
    /// Total value; `None` when a carrier read has no trade rows at all in the year (a gap
    /// in the data, never zero trade).
    pub value_kusd: Option<f64>,
    /// Contained tonnes over flows with a quantity; `None` likewise.
    pub contained_t: Option<f64>,
    /// Carriers read that have no trade rows at all in the year, for any country: the
    /// totals are unknown, and partners and shares cover the other carriers' flows only.
    pub carriers_without_rows: Vec<HsKey>,
    pub flows: usize,
    /// Flows without a quantity: in the value shares, not in the quantity shares.
    pub flows_without_quantity: usize,
    pub value_without_quantity_kusd: f64,
    /// Partners by value, largest first, ties by code.
    pub partners: Vec<Partner>,
    /// `10,000 · Σ v_i²` over value shares; `None` with no value.
    pub hhi_value: Option<f64>,
    /// `10,000 · Σ q_i²` over contained-quantity shares; `None` with no quantity.
    pub hhi_quantity: Option<f64>,
    pub largest_by_value: Option<CountryCode>,
    pub largest_by_quantity: Option<CountryCode>,
    /// Flows of a banded carrier whose unit value lies in no band (impossible for the
    /// product): in none of the figures above.
    pub impossible_unit_value: FlowTally,
    /// Flows in a band of factor 0 (another product of the code, not this mineral): in
    /// none of the figures above.
    pub other_product: FlowTally,
}

/// Trade between members of a group importer, left out of imports and exports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IntraGroup {
    pub flows: usize,
    pub value_kusd: f64,
    pub rule: IntraGroupRule,
}

/// Whether trade between members was left out.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntraGroupRule {
    /// One country: there is no intra-group trade.
    SingleCountry,
    /// Trade between members of the group is excluded from imports and exports.
    MembersExcluded,
}

impl IntraGroupRule {
    pub(crate) fn for_members(n: usize) -> IntraGroupRule {
        if n > 1 {
            IntraGroupRule::MembersExcluded
        } else {
            IntraGroupRule::SingleCountry
        }
    }
}

/// How a stage's net import reliance came out, or why it is unknown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum NirNote {
    /// Computed on the members' production as described.
    Computed { basis: ProductionBasis },
    /// Computed, negative: exports exceed imports.
    NetExporter,
    /// Unknown: the members' production is unknown.
    ProductionUnknown { basis: ProductionBasis },
    /// Unknown: production + imports − exports is zero or negative.
    ApparentConsumptionNotPositive { apparent_t: f64 },
    /// Unknown: the importer's flows under these carriers of the stage have values but no
    /// quantity at all (a value-only year or source), so the stage's contained tonnes are
    /// not known. Never read as zero trade.
    TonnageUnknown { carriers: Vec<HsKey> },
    /// Unknown: these carriers of the stage have no trade rows at all in the year (a gap in
    /// the trade data, not zero trade), so the stage's imports and exports are unknown.
    NoTradeRows { carriers: Vec<HsKey> },
}

/// Share of imports coming from a focus country or group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FocusShare {
    pub label: String,
    pub value_kusd: f64,
    pub value_share: Option<f64>,
    pub contained_t: f64,
    pub quantity_share: Option<f64>,
}

/// Trade balance and net import reliance at one stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StageBalance {
    pub stage: Stage,
    /// Imports at this stage, contained tonnes over flows with a quantity; `None` when a
    /// carrier's import flows have no quantity at all (a value-only year).
    pub imports_t: Option<f64>,
    /// Exports likewise.
    pub exports_t: Option<f64>,
    /// Members' production at this stage, contained tonnes, or why it is unknown.
    pub production: ProductionTotal,
    /// `NIR = (imports − exports) / (production + imports − exports)`, contained tonnes.
    /// Negative for a net exporter. `None` when imports or exports are unknown in tonnes,
    /// production is unknown or apparent consumption is not positive.
    pub nir: Option<f64>,
    pub note: NirNote,
    /// When `nir` is unknown only because production is (members absent from tables of
    /// the main producers) and [`ProductionTotal::bounds`] bounds it: the NIR at the two
    /// ends of that production range, lowest first.
    pub nir_range: Option<NirRange>,
}

/// The range a net import reliance lies in when production is known only within bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NirRange {
    pub low: f64,
    pub high: f64,
}

/// NIR over a production range: `N / (p + N)` is monotone in `p`, so its range is its
/// values at the two ends; `None` unless apparent consumption is positive at both.
pub fn nir_range(net_imports_t: f64, low_t: f64, high_t: f64) -> Option<NirRange> {
    let at = |p: f64| {
        let apparent = p + net_imports_t;
        (apparent > 0.0).then(|| net_imports_t / apparent)
    };
    let (a, b) = (at(low_t)?, at(high_t)?);
    Some(NirRange {
        low: a.min(b),
        high: a.max(b),
    })
}

/// Import dependence of an importer on its suppliers of one mineral in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dependence {
    pub importer: String,
    pub members: Vec<CountryCode>,
    pub mineral: String,
    pub year: Year,
    pub stage: Option<Stage>,
    pub carriers: Vec<CarrierUsed>,
    pub intra_group: IntraGroup,
    pub imports: TradeSide,
    pub exports: TradeSide,
    pub focus: Option<FocusShare>,
    /// One balance per stage among the carriers.
    pub balances: Vec<StageBalance>,
    /// The NIR when the carriers are of one stage (always so when `stage` is given).
    pub nir: Option<f64>,
    pub transit: TransitCheck,
}

/// One stage's trade while flows are read: contained tonnes each way, and the carriers
/// whose flows on a side all lack a quantity.
#[derive(Default)]
struct StageAcc {
    imports_t: f64,
    exports_t: f64,
    /// Carriers whose import flows, or export flows, all lack a quantity.
    imports_value_only: Vec<HsKey>,
    exports_value_only: Vec<HsKey>,
    /// Carriers with no trade rows at all in the year, for any country.
    no_rows: Vec<HsKey>,
}

/// Accumulates one side's flows by partner.
#[derive(Default)]
pub(crate) struct SideAcc {
    /// Partners in code order. A carrier's flows come sorted by exporter, then importer,
    /// so a partner is usually the last one or after it: no search, no map.
    by: Vec<Partner>,
    /// `codes::key` of each partner in `by`: compared as integers.
    keys: Vec<u32>,
    flows: usize,
    without_q: usize,
    value_without_q: f64,
    impossible: FlowTally,
    other_product: FlowTally,
}

impl SideAcc {
    /// Count a flow left out of the side's figures (another product, or impossible).
    pub(crate) fn leave_out(&mut self, f: &TradeFlow, form: FlowForm) {
        match form {
            FlowForm::OtherProduct { .. } => self.other_product.add(f),
            _ => self.impossible.add(f),
        }
    }

    pub(crate) fn add(&mut self, partner: CountryCode, f: &TradeFlow, contained: Option<f64>) {
        let new = || Partner {
            country: partner,
            value_kusd: 0.0,
            value_share: None,
            contained_t: 0.0,
            quantity_share: None,
            flows: 0,
            flows_without_quantity: 0,
        };
        let k = codes::key(partner);
        let i = match self.keys.last() {
            Some(&last) if last == k => self.keys.len() - 1,
            Some(&last) if last > k => match self.keys.binary_search(&k) {
                Ok(i) => i,
                Err(i) => {
                    self.keys.insert(i, k);
                    self.by.insert(i, new());
                    i
                }
            },
            _ => {
                self.keys.push(k);
                self.by.push(new());
                self.by.len() - 1
            }
        };
        let p = &mut self.by[i];
        p.value_kusd += f.value_kusd;
        p.flows += 1;
        self.flows += 1;
        match contained {
            Some(q) => p.contained_t += q,
            None => {
                p.flows_without_quantity += 1;
                self.without_q += 1;
                self.value_without_q += f.value_kusd;
            }
        }
    }

    /// The side's partners, shares and totals; `no_rows` lists the carriers with no trade
    /// rows in the year, which make the totals unknown.
    pub(crate) fn finish(self, no_rows: &[HsKey]) -> TradeSide {
        let mut partners = self.by;
        let value: f64 = partners
            .iter()
            .map(|p| p.value_kusd)
            .fold(0.0, |a, b| a + b);
        let qty: f64 = partners
            .iter()
            .map(|p| p.contained_t)
            .fold(0.0, |a, b| a + b);
        let mut hv = 0.0;
        let mut hq = 0.0;
        for p in &mut partners {
            if value > 0.0 {
                let s = p.value_kusd / value;
                hv += s * s;
                p.value_share = Some(s);
            }
            if qty > 0.0 {
                let s = p.contained_t / qty;
                hq += s * s;
                p.quantity_share = Some(s);
            }
        }
        let largest = |key: fn(&Partner) -> f64, total: f64| {
            (total > 0.0)
                .then(|| {
                    partners
                        .iter()
                        .max_by(|a, b| key(a).total_cmp(&key(b)).then(b.country.cmp(&a.country)))
                        .map(|p| p.country)
                })
                .flatten()
        };
        let largest_by_value = largest(|p| p.value_kusd, value);
        let largest_by_quantity = largest(|p| p.contained_t, qty);
        partners.sort_by(|a, b| {
            b.value_kusd
                .total_cmp(&a.value_kusd)
                .then(a.country.cmp(&b.country))
        });
        let known = no_rows.is_empty();
        TradeSide {
            value_kusd: known.then_some(value),
            contained_t: known.then_some(qty),
            carriers_without_rows: no_rows.to_vec(),
            flows: self.flows,
            flows_without_quantity: self.without_q,
            value_without_quantity_kusd: self.value_without_q,
            partners,
            hhi_value: (value > 0.0).then_some(10_000.0 * hv),
            hhi_quantity: (qty > 0.0).then_some(10_000.0 * hq),
            largest_by_value,
            largest_by_quantity,
            impossible_unit_value: self.impossible,
            other_product: self.other_product,
        }
    }
}

/// Contained tonnes of a flow (`quantity_t × content_factor`), `None` without a quantity.
/// Errors on a negative or non-finite value or quantity. (Hot path: the message is only
/// formatted on error.)
#[inline]
pub(crate) fn contained(f: &TradeFlow, factor: f64) -> Result<Option<f64>> {
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !ok(f.value_kusd) {
        non_negative(
            format!("trade value {}→{} {}", f.exporter, f.importer, f.hs),
            f.value_kusd,
        )?;
    }
    match f.quantity_t {
        Some(q) if ok(q) => Ok(Some(q * factor)),
        Some(q) => non_negative(
            format!("trade quantity {}→{} {}", f.exporter, f.importer, f.hs),
            q,
        )
        .map(|_| None),
        None => Ok(None),
    }
}

impl Query<'_> {
    /// The mineral's HS carriers, filtered by stage, validated.
    pub(crate) fn carriers(
        &self,
        mineral: &str,
        stage: Option<&Stage>,
    ) -> Result<Vec<CarrierUsed>> {
        let m = self
            .ds()
            .mineral(mineral)
            .ok_or_else(|| AnalysisError::UnknownMineral(mineral.to_string()))?;
        let mut v = Vec::new();
        for c in m.hs.iter().filter(|c| match stage {
            Some(s) => &c.stage == s,
            None => true,
        }) {
            if !(c.content_factor.is_finite() && c.content_factor > 0.0 && c.content_factor <= 1.0)
            {
                return Err(AnalysisError::InvalidValue {
                    what: format!("content factor of {mineral} HS {}", c.hs),
                    value: c.content_factor,
                    expected: "a fraction in (0, 1]".into(),
                });
            }
            if let Some(b) = c.forms.iter().find(|b| {
                !(b.content_factor.is_finite() && (0.0..=1.0).contains(&b.content_factor))
            }) {
                return Err(AnalysisError::InvalidValue {
                    what: format!("content factor of {mineral} HS {} form {}", c.hs, b.form),
                    value: b.content_factor,
                    expected: "a fraction in [0, 1]".into(),
                });
            }
            v.push(CarrierUsed {
                nomenclature: c.nomenclature,
                hs: c.hs,
                stage: c.stage.clone(),
                content_factor: c.content_factor,
                description: c.description.clone(),
                forms: c
                    .forms
                    .iter()
                    .map(|b| FormUsed {
                        band: b.clone(),
                        read: FlowTally::default(),
                    })
                    .collect(),
                impossible: FlowTally::default(),
            });
        }
        if v.is_empty() {
            return Err(AnalysisError::NoHsCarriers {
                mineral: mineral.to_string(),
                stage: stage
                    .map(|s| format!(" at the {s} stage"))
                    .unwrap_or_default(),
            });
        }
        v.sort_by_key(CarrierUsed::key);
        Ok(v)
    }

    /// Import dependence of `importer` on its suppliers of `mineral` in `year`.
    ///
    /// Reads the flows of the mineral's HS carriers (those of `stage` when given) with the
    /// importer among the members and the exporter outside them: trade between members of a
    /// group is excluded and counted in `intra_group`. Supplier shares are by value
    /// (`value_kusd`) and by contained quantity (`Σ quantity_t × content_factor`; flows
    /// without a quantity are left out of the quantity shares and counted). Where a carrier
    /// has unit-value bands ([`CarrierUsed::forms`]), the factor is the one of the band
    /// holding the flow's unit value (`value_kusd / quantity_t`, USD per kg); a flow in a
    /// band of factor 0 (another product) or in no band (impossible for the product) is
    /// left out of values, tonnes and shares and counted (`imports.other_product`,
    /// `imports.impossible_unit_value`, and per carrier). Import HHI =
    /// `10,000 · Σ s_i²` on both share bases. Exports (members → non-members) likewise.
    ///
    /// Net import reliance per stage (USGS Mineral Commodity Summaries definition, in
    /// contained tonnes): `NIR = (I − E) / (P + I − E)`, with `P` the members' production
    /// at that stage from figures on the contained basis (see
    /// [`ProductionIndex::production_contained`](crate::ProductionIndex::production_contained)
    /// for when `P` is unknown and when it is genuinely 0). A stage's NIR is also unknown
    /// ([`NirNote::TonnageUnknown`]) when one of its carriers has flows of the importer on a
    /// side but none with a quantity (a value-only year): its tonnes are not known, and are
    /// never read as zero. Carriers are matched on (nomenclature, code). Transit hubs: see
    /// [`TransitCheck`].
    ///
    /// Errors: unknown mineral; no HS carriers (for the stage); no trade at all in `year`;
    /// an importer without members; negative or non-finite trade figures.
    pub fn dependence(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        stage: Option<&Stage>,
        focus: Option<&Importer>,
    ) -> Result<Dependence> {
        self.dependence_once(importer, mineral, year, stage, focus)
            .map(Rc::unwrap_or_clone)
    }

    /// The computation behind [`Self::dependence`] (memoised by the query).
    pub(crate) fn compute_dependence(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        stage: Option<&Stage>,
        focus: Option<&Importer>,
    ) -> Result<Dependence> {
        if importer.members.is_empty() {
            return Err(AnalysisError::InvalidImporter(importer.label.clone()));
        }
        let mut carriers = self.carriers(mineral, stage)?;
        if !self.trade().has_year(year) {
            return Err(AnalysisError::NoTradeForYear(year.get()));
        }
        let mut imports = SideAcc::default();
        let mut exports = SideAcc::default();
        let mut intra = (0usize, 0.0f64);
        let mut focus_acc = (0.0f64, 0.0f64);
        let mut by_stage: BTreeMap<Stage, StageAcc> = BTreeMap::new();
        // Only the members' own flows are read: imports by importer, exports by exporter.
        let overlay = self.overlay();
        for c in carriers.iter_mut() {
            let bal = by_stage.entry(c.stage.clone()).or_default();
            if self.trade().flows(year, c.key()).is_empty() {
                bal.no_rows.push(c.key());
            }
            // Flows of this carrier on each side: (all, with a quantity).
            let mut seen = [(0usize, 0usize); 2];
            for &m in &importer.members {
                for f in self.trade().imports_of(year, c.key(), m) {
                    let f = &overlay.flow(mineral, c, f);
                    let form = c.form_of(f);
                    c.tally(f, form);
                    let q = match c.read(f)? {
                        Ok(q) => q,
                        Err(form) => {
                            if !importer.contains(f.exporter) {
                                imports.leave_out(f, form);
                            }
                            continue;
                        }
                    };
                    if importer.contains(f.exporter) {
                        intra.0 += 1;
                        intra.1 += f.value_kusd;
                        continue;
                    }
                    imports.add(f.exporter, f, q);
                    bal.imports_t += q.unwrap_or(0.0);
                    seen[0].0 += 1;
                    seen[0].1 += usize::from(q.is_some());
                    if focus.is_some_and(|fo| fo.contains(f.exporter)) {
                        focus_acc.0 += f.value_kusd;
                        focus_acc.1 += q.unwrap_or(0.0);
                    }
                }
                for f in self.trade().exports_of(year, c.key(), m) {
                    let f = &overlay.flow(mineral, c, f);
                    // Flows to other members were counted once, as intra-group, above.
                    if importer.contains(f.importer) {
                        continue;
                    }
                    let form = c.form_of(f);
                    c.tally(f, form);
                    let q = match c.read(f)? {
                        Ok(q) => q,
                        Err(form) => {
                            exports.leave_out(f, form);
                            continue;
                        }
                    };
                    {
                        exports.add(f.importer, f, q);
                        bal.exports_t += q.unwrap_or(0.0);
                        seen[1].0 += 1;
                        seen[1].1 += usize::from(q.is_some());
                    }
                }
            }
            let value_only = |(all, with_q): (usize, usize)| all > 0 && with_q == 0;
            if value_only(seen[0]) {
                bal.imports_value_only.push(c.key());
            }
            if value_only(seen[1]) {
                bal.exports_value_only.push(c.key());
            }
        }
        let no_rows: Vec<HsKey> = by_stage
            .values()
            .flat_map(|b| b.no_rows.iter().copied())
            .collect();
        let imports = imports.finish(&no_rows);
        let exports = exports.finish(&no_rows);
        let share = |part: f64, total: Option<f64>| total.filter(|&t| t > 0.0).map(|t| part / t);
        let focus = focus.map(|fo| FocusShare {
            label: fo.label.clone(),
            value_kusd: focus_acc.0,
            value_share: share(focus_acc.0, imports.value_kusd),
            contained_t: focus_acc.1,
            quantity_share: share(focus_acc.1, imports.contained_t),
        });
        let balances: Vec<StageBalance> = by_stage
            .into_iter()
            .map(|(st, acc)| self.balance(mineral, st, year, importer, acc))
            .collect();
        let nir = match balances.as_slice() {
            [one] => one.nir,
            _ => None,
        };
        let transit = transit_hubs(self, mineral, year, &carriers, &imports);
        Ok(Dependence {
            importer: importer.label.clone(),
            members: importer.members.iter().copied().collect(),
            mineral: mineral.to_string(),
            year,
            stage: stage.cloned(),
            carriers,
            intra_group: IntraGroup {
                flows: intra.0,
                value_kusd: intra.1,
                rule: IntraGroupRule::for_members(importer.members.len()),
            },
            imports,
            exports,
            focus,
            balances,
            nir,
            transit,
        })
    }

    fn balance(
        &self,
        mineral: &str,
        stage: Stage,
        year: Year,
        importer: &Importer,
        acc: StageAcc,
    ) -> StageBalance {
        let StageAcc {
            imports_t,
            exports_t,
            imports_value_only,
            exports_value_only,
            no_rows,
        } = acc;
        let mut value_only = imports_value_only.clone();
        value_only.extend(exports_value_only.iter().copied());
        value_only.sort();
        value_only.dedup();
        let production = self.production().production_contained(
            mineral,
            &stage,
            year,
            &importer.members,
            self.overlay(),
        );
        let trade_known = no_rows.is_empty();
        let (nir, note) = match production.tonnes {
            _ if !trade_known => (
                None,
                NirNote::NoTradeRows {
                    carriers: no_rows.clone(),
                },
            ),
            _ if !value_only.is_empty() => (
                None,
                NirNote::TonnageUnknown {
                    carriers: value_only,
                },
            ),
            None => (
                None,
                NirNote::ProductionUnknown {
                    basis: production.basis.clone(),
                },
            ),
            Some(p) => {
                let apparent = p + imports_t - exports_t;
                if apparent > 0.0 {
                    let nir = (imports_t - exports_t) / apparent;
                    let note = if nir < 0.0 {
                        NirNote::NetExporter
                    } else {
                        NirNote::Computed {
                            basis: production.basis.clone(),
                        }
                    };
                    (Some(nir), note)
                } else {
                    (
                        None,
                        NirNote::ApparentConsumptionNotPositive {
                            apparent_t: apparent,
                        },
                    )
                }
            }
        };
        let nir_range = match (&note, &production.bounds) {
            (NirNote::ProductionUnknown { .. }, Some(b)) => {
                nir_range(imports_t - exports_t, b.low_t, b.high_t)
            }
            _ => None,
        };
        StageBalance {
            stage,
            nir_range,
            imports_t: (trade_known && imports_value_only.is_empty()).then_some(imports_t),
            exports_t: (trade_known && exports_value_only.is_empty()).then_some(exports_t),
            production,
            nir,
            note,
        }
    }
}
