//! GeoPolRisk as geopolrisk-py 2.0.1 computes it (Koyamparambath et al. 2024), for
//! comparison with the published tool on its own inputs. derisk's default
//! ([`crate::criticality::geopolrisk`]) is stage-consistent; this variant is not, on
//! purpose. Reimplemented from the method's description and the tool's observed behaviour
//! (DATA.md, "GeoPolRisk: derisk and geopolrisk-py"); no code of the tool is used.
//!
//! What it takes, whatever the mineral's stage:
//! - the HS 1992 codes geopolrisk-py lists per material
//!   (`data/reference/geopolrisk_py_materials.csv`), summed in gross product tonnes;
//! - World Mining Data production of the material for the HHI and for the importer's
//!   own production (in that source's units: oxide tonnes for Li2O, REO…, kg → t for
//!   precious metals), even where the HS codes are refined products;
//! - Political Stability (PV) of the same year, normalised `(2.5 − PV)/5` clamped to 0–1,
//!   with the tool's rules for countries without a score (see [`PyGovernanceBasis`]);
//! - for a group, imports between members in the total but with weight 0 in the
//!   risk-weighted sum;
//! - the characterisation factor `score · price / CF_Cu`.

use crate::dependence::Importer;
use crate::engine::Query;
use crate::error::{non_negative, AnalysisError, Result};
use crate::governance::pv_normalised;
use derisk_model::{
    Area, CountryCode, GovernanceDimension, HsCode, HsKey, Measure, Nomenclature, SourceId, Stage,
    Unit, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Citation of the tool whose computation this variant reproduces.
pub const GEOPOLRISK_PY_CITATION: &str = "Koyamparambath, Helbig, Schraml et al. (2024), geopolrisk-py 2.0.1 (PyPI, GPL-3.0), implementing Gemechu et al. (2016), J. Ind. Ecol. 20(1); reproduced by derisk from the published method and the tool's observed behaviour";

/// The characterisation factor geopolrisk-py divides by: the average GeoPolRisk
/// characterisation factor of copper for OECD countries, 2017–2021 (its documented
/// constant), so that its CF reads in kg Cu-eq per kg.
pub const CF_COPPER_OECD: f64 = 0.409412948;

/// The production source geopolrisk-py reads (World Mining Data, BMF Austria).
pub const PY_PRODUCTION_SOURCE: &str = "wmd-2025";

/// Countries whose Political Stability score geopolrisk-py 2.0.1 never finds when it joins
/// trade partners to its WGI table: that table gives them no numeric country code (its
/// `country_code` is "NA"), so every partner among them gets the tool's default of 0.5.
/// Observed in the tool's `wgi.db` (Normalized table): Jersey, Liechtenstein, Monaco,
/// Martinique, Puerto Rico, Réunion and Taiwan.
pub const PY_UNMATCHED_WGI: [&str; 7] = ["JEY", "LIE", "MCO", "MTQ", "PRI", "REU", "TWN"];

const TABLE: &str = include_str!("../../../../data/reference/geopolrisk_py_materials.csv");

/// One material of geopolrisk-py's map, tied to a derisk mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PyMaterial {
    pub mineral: String,
    /// The material's name in geopolrisk-py ("Reference ID").
    pub peer_material: String,
    /// Its World Mining Data table in geopolrisk-py.
    pub peer_wmd_table: String,
    /// The stage label geopolrisk-py gives it ("Extraction" or "Processing"); not used by
    /// its computation, which reads mine production tables either way.
    pub peer_stage_label: String,
    /// HS 1992 codes whose imports are summed, in the tool's order.
    pub hs92: Vec<HsCode>,
}

fn parse_table(text: &str) -> std::result::Result<Vec<PyMaterial>, String> {
    let mut lines = text.lines();
    let header = lines.next().ok_or("empty table")?;
    if header != "mineral,peer_material,peer_wmd_table,peer_stage_label,hs92" {
        return Err(format!("unexpected header {header:?}"));
    }
    let mut out = Vec::new();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 5 {
            return Err(format!("line {}: expected 5 fields: {line:?}", i + 2));
        }
        let hs92 = f[4]
            .split(';')
            .map(|c| HsCode::try_from(c).map_err(|e| format!("line {}: {e}", i + 2)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        out.push(PyMaterial {
            mineral: f[0].into(),
            peer_material: f[1].into(),
            peer_wmd_table: f[2].into(),
            peer_stage_label: f[3].into(),
            hs92,
        });
    }
    Ok(out)
}

/// geopolrisk-py's materials that derisk covers, with their HS 1992 codes (from the
/// tool's "HS Code Map"; facts, attributed in DATA.md). The table is compiled in and
/// checked by a test.
pub fn py_materials() -> &'static [PyMaterial] {
    static MATERIALS: OnceLock<Vec<PyMaterial>> = OnceLock::new();
    MATERIALS.get_or_init(|| {
        parse_table(TABLE).expect("data/reference/geopolrisk_py_materials.csv is well formed")
    })
}

/// The material of a derisk mineral, if geopolrisk-py covers it.
pub fn py_material(mineral: &str) -> Option<&'static PyMaterial> {
    py_materials().iter().find(|m| m.mineral == mineral)
}

/// One import flow as the kernel sees it.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PyFlow {
    /// Gross product tonnes (a flow without a quantity counts 0 t, as in the tool).
    pub quantity_t: f64,
    /// Thousand US dollars.
    pub value_kusd: f64,
    /// Weight of the partner, 0–1 (0 for a partner inside the importing group).
    pub g: f64,
}

/// Inputs of [`geopolrisk_py`], as plain numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct PyInput<'a> {
    /// Production of every producer listed in the year, in the table's unit (the HHI is
    /// taken on these figures truncated to whole units, as the tool does).
    pub world_production: &'a [f64],
    /// The importer's own production (all members of a group), tonnes.
    pub importer_production_t: f64,
    pub flows: &'a [PyFlow],
}

/// The score and its parts, as geopolrisk-py reports them.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PyScore {
    /// `Σ p_c² / (Σ p_c)²` over whole-unit production figures, 0–1.
    pub hhi: f64,
    /// `Σ g_i · q_i`, tonnes.
    pub numerator_t: f64,
    /// `F = Σ q_i`, gross tonnes (intra-group imports included).
    pub total_imports_t: f64,
    pub importer_production_t: f64,
    /// `numerator / (F + p)`.
    pub import_risk: f64,
    /// `HHI · import_risk`, 0–1.
    pub score: f64,
    /// `Σ value / Σ q`, thousand USD per tonne (= USD/kg); 0 when `F = 0`, as in the tool.
    pub price_usd_per_kg: f64,
    /// `score · price / CF_Cu` ([`CF_COPPER_OECD`]), kg Cu-eq per kg.
    pub cf: f64,
}

/// GeoPolRisk the way geopolrisk-py 2.0.1 computes it:
///
/// `HHI = Σ ⌊p_c⌋² / (Σ ⌊p_c⌋)²`, `IR = Σ_i g_i q_i / (Σ_i q_i + p)`, `score = HHI · IR`,
/// `CF = score · (Σ v_i / Σ q_i) / 0.409412948`,
///
/// with `p_c` every producer's World Mining Data figure (whole units), `q_i` gross tonnes
/// of each import flow (0 when the flow has no quantity), `v_i` its value, `g_i` the
/// partner's normalised Political Stability (0 inside the importing group) and `p` the
/// importer's production in tonnes.
///
/// Errors: a negative or non-finite figure; [`AnalysisError::NoFigures`] when world
/// production is 0 (the HHI is undefined; the tool fails); [`AnalysisError::NoSupply`]
/// when there are neither imports nor production (the tool then reports 0).
pub fn geopolrisk_py(input: &PyInput) -> Result<PyScore> {
    let (mut sum, mut sq) = (0u128, 0u128);
    for &p in input.world_production {
        let p = non_negative("production", p)?;
        // Truncation to whole units is the tool's; u128 keeps the sums exact.
        let whole = p.trunc() as u128;
        sum += whole;
        sq += whole * whole;
    }
    if sum == 0 {
        return Err(AnalysisError::NoFigures(
            "world production is 0: the HHI is undefined".into(),
        ));
    }
    let hhi = sq as f64 / (sum * sum) as f64;
    let p = non_negative("importer production", input.importer_production_t)?;
    let (mut num, mut total, mut value) = (0.0, 0.0, 0.0);
    for f in input.flows {
        let q = non_negative("import quantity", f.quantity_t)?;
        let v = non_negative("import value", f.value_kusd)?;
        let g = crate::error::in_range("g", f.g, 0.0, 1.0, "a fraction in [0, 1]")?;
        num += q * g;
        total += q;
        value += v;
    }
    if total + p <= 0.0 {
        return Err(AnalysisError::NoSupply(
            "no imports and no production: the import risk is undefined".into(),
        ));
    }
    let price = if total > 0.0 { value / total } else { 0.0 };
    let import_risk = num / (total + p);
    let score = hhi * import_risk;
    Ok(PyScore {
        hhi,
        numerator_t: num,
        total_imports_t: total,
        importer_production_t: p,
        import_risk,
        score,
        price_usd_per_kg: price,
        cf: score * price / CF_COPPER_OECD,
    })
}

/// Where a partner's weight came from under geopolrisk-py's rules.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PyGovernanceBasis {
    /// `(2.5 − PV)/5` of the same year, clamped to 0–1.
    Estimate,
    /// A member of the importing group: weight 0 (its imports still count in the total).
    IntraGroup,
    /// The country is in the WGI table but has no estimate that year: the tool's table
    /// holds 0 there, so the weight is 0 (no carry-forward from earlier years).
    NoEstimateInYear,
    /// The country has no PV estimate at all: the tool's default, 0.5.
    NotInTable,
    /// One of [`PY_UNMATCHED_WGI`]: the tool never finds its score, so 0.5.
    UnmatchedCode,
}

/// One supplier, its flows summed over the material's codes (and the group's members).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PySupplier {
    pub country: CountryCode,
    /// Gross tonnes; flows without a quantity count 0.
    pub quantity_t: f64,
    pub value_kusd: f64,
    pub flows_without_quantity: usize,
    pub g: f64,
    pub basis: PyGovernanceBasis,
}

/// Why the geopolrisk-py variant has no score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum PyGap {
    /// geopolrisk-py lists no HS code for this mineral.
    NotCovered,
    /// None of the material's codes has a trade row in the year: imports are unknown (the
    /// tool counts them as 0 and reports a score of 0).
    NoTradeRows { carriers: Vec<HsKey> },
    /// World Mining Data has no table of the mineral for the year (the tool fails).
    NoProductionTable,
    /// World production is 0 (the tool fails).
    NoWorldProduction,
    /// No imports and no production: undefined (the tool reports 0).
    NoSupply,
}

/// The geopolrisk-py variant for one importer, mineral and year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeoPolRiskPyAssessment {
    pub importer: String,
    pub mineral: String,
    pub year: Year,
    pub peer_material: Option<String>,
    pub hs92: Vec<HsCode>,
    /// The stage under which the production table is filed in derisk (the HHI is that
    /// table's, whatever stage the HS codes belong to).
    pub production_stage: Option<Stage>,
    pub production_source: SourceId,
    /// Import flows read (every member, every code).
    pub flows: usize,
    /// Of which without a quantity (counted as 0 t).
    pub flows_without_quantity: usize,
    /// Imports from members of the importing group, gross tonnes (in the total, weight 0).
    pub intra_group_t: f64,
    /// Per supplier, sorted by country; empty in batch answers.
    pub suppliers: Vec<PySupplier>,
    pub result: Option<PyScore>,
    pub reason: Option<PyGap>,
    pub citation: String,
}

/// What every importer of one (mineral, year) shares: the material, its codes, whether
/// they have rows, and the World Mining Data table.
#[derive(Clone, Debug)]
pub struct PyContext {
    mineral: String,
    year: Year,
    material: Option<&'static PyMaterial>,
    keys: Vec<HsKey>,
    any_rows: bool,
    stage: Option<Stage>,
    /// (country, value in the table's unit, tonnes per unit), sorted by country.
    producers: Vec<(CountryCode, f64, f64)>,
    world: Vec<f64>,
}

impl Query<'_> {
    /// The shared part of the geopolrisk-py variant for one mineral and year.
    ///
    /// Errors: an unknown mineral; an overlay on the engine (the variant reads published
    /// figures as they are); a World Mining Data figure in a non-mass unit.
    pub fn geopolrisk_py_context(&self, mineral: &str, year: Year) -> Result<PyContext> {
        if self.engine().mineral(mineral).is_none() {
            return Err(AnalysisError::UnknownMineral(mineral.into()));
        }
        if !self.overlay().is_empty() {
            return Err(AnalysisError::OverlayNotApplicable(
                "the geopolrisk-py method reads the published figures as they are".into(),
            ));
        }
        let material = py_material(mineral);
        let keys: Vec<HsKey> = material
            .map(|m| {
                m.hs92
                    .iter()
                    .map(|&c| HsKey::new(Nomenclature::Hs1992, c))
                    .collect()
            })
            .unwrap_or_default();
        let trade = self.engine().trade();
        let any_rows = keys.iter().any(|&k| !trade.flows(year, k).is_empty());
        let mut stage = None;
        let mut producers = Vec::new();
        for st in self.production().stages(mineral) {
            for o in self.production().year(mineral, &st, year) {
                if o.measure != Measure::Production
                    || o.provenance.source.as_str() != PY_PRODUCTION_SOURCE
                {
                    continue;
                }
                let Area::Country(c) = o.area else { continue };
                let Unit::Mass { scale, .. } = &o.unit else {
                    return Err(AnalysisError::MixedUnits {
                        context: format!("{mineral} {year} in {PY_PRODUCTION_SOURCE}"),
                        units: o.unit.to_string(),
                    });
                };
                stage.get_or_insert_with(|| st.clone());
                producers.push((c, o.value.unwrap_or(0.0), scale.tonnes()));
            }
        }
        producers.sort_by_key(|p| p.0);
        let world = producers.iter().map(|p| p.1).collect();
        Ok(PyContext {
            mineral: mineral.into(),
            year,
            material,
            keys,
            any_rows,
            stage,
            producers,
            world,
        })
    }

    /// A partner's weight under geopolrisk-py's rules (see [`PyGovernanceBasis`]).
    fn py_weight(
        &self,
        partner: CountryCode,
        year: Year,
        importer: &Importer,
    ) -> (f64, PyGovernanceBasis) {
        let gov = self.governance();
        if importer.members.contains(&partner) {
            (0.0, PyGovernanceBasis::IntraGroup)
        } else if PY_UNMATCHED_WGI.contains(&partner.as_str()) {
            (0.5, PyGovernanceBasis::UnmatchedCode)
        } else if let Some(pv) = gov.estimate_in(partner, GovernanceDimension::PV, year) {
            (pv_normalised(pv), PyGovernanceBasis::Estimate)
        } else if gov.has_any(partner, GovernanceDimension::PV) {
            (0.0, PyGovernanceBasis::NoEstimateInYear)
        } else {
            (0.5, PyGovernanceBasis::NotInTable)
        }
    }

    /// The geopolrisk-py variant for `importer` on a context from
    /// [`Self::geopolrisk_py_context`]. With `detail` the suppliers are listed. The same
    /// computation serves one answer and a batch, so both are bit-identical.
    pub fn geopolrisk_py_with(
        &self,
        ctx: &PyContext,
        importer: &Importer,
        detail: bool,
    ) -> Result<GeoPolRiskPyAssessment> {
        let mut a = GeoPolRiskPyAssessment {
            importer: importer.label.clone(),
            mineral: ctx.mineral.clone(),
            year: ctx.year,
            peer_material: ctx.material.map(|m| m.peer_material.clone()),
            hs92: ctx.material.map(|m| m.hs92.clone()).unwrap_or_default(),
            production_stage: ctx.stage.clone(),
            production_source: SourceId::new(PY_PRODUCTION_SOURCE),
            flows: 0,
            flows_without_quantity: 0,
            intra_group_t: 0.0,
            suppliers: Vec::new(),
            result: None,
            reason: None,
            citation: GEOPOLRISK_PY_CITATION.into(),
        };
        if ctx.material.is_none() {
            a.reason = Some(PyGap::NotCovered);
            return Ok(a);
        }
        let trade = self.engine().trade();
        let mut flows = Vec::new();
        let mut by_partner: BTreeMap<CountryCode, PySupplier> = BTreeMap::new();
        for &m in &importer.members {
            for &k in &ctx.keys {
                for f in trade.imports_of(ctx.year, k, m) {
                    let (g, basis) = self.py_weight(f.exporter, ctx.year, importer);
                    let q = f.quantity_t.unwrap_or(0.0);
                    a.flows += 1;
                    a.flows_without_quantity += usize::from(f.quantity_t.is_none());
                    if basis == PyGovernanceBasis::IntraGroup {
                        a.intra_group_t += q;
                    }
                    flows.push(PyFlow {
                        quantity_t: q,
                        value_kusd: f.value_kusd,
                        g,
                    });
                    if detail {
                        let s = by_partner.entry(f.exporter).or_insert(PySupplier {
                            country: f.exporter,
                            quantity_t: 0.0,
                            value_kusd: 0.0,
                            flows_without_quantity: 0,
                            g,
                            basis,
                        });
                        s.quantity_t += q;
                        s.value_kusd += f.value_kusd;
                        s.flows_without_quantity += usize::from(f.quantity_t.is_none());
                    }
                }
            }
        }
        a.suppliers = by_partner.into_values().collect();
        if !ctx.any_rows {
            a.reason = Some(PyGap::NoTradeRows {
                carriers: ctx.keys.clone(),
            });
            return Ok(a);
        }
        if ctx.stage.is_none() {
            a.reason = Some(PyGap::NoProductionTable);
            return Ok(a);
        }
        let production: f64 = ctx
            .producers
            .iter()
            .filter(|p| importer.members.contains(&p.0))
            .fold(0.0, |s, p| s + p.1 * p.2);
        let input = PyInput {
            world_production: &ctx.world,
            importer_production_t: production,
            flows: &flows,
        };
        match geopolrisk_py(&input) {
            Ok(r) => a.result = Some(r),
            Err(AnalysisError::NoFigures(_)) => a.reason = Some(PyGap::NoWorldProduction),
            Err(AnalysisError::NoSupply(_)) => a.reason = Some(PyGap::NoSupply),
            Err(e) => return Err(e),
        }
        Ok(a)
    }

    /// The geopolrisk-py variant of one importer, mineral and year, with its suppliers.
    pub fn geopolrisk_py(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
    ) -> Result<GeoPolRiskPyAssessment> {
        let ctx = self.geopolrisk_py_context(mineral, year)?;
        self.geopolrisk_py_with(&ctx, importer, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_table_parses_and_names_each_mineral_once() {
        let t = py_materials();
        assert_eq!(t.len(), 39);
        let mut ids: Vec<&str> = t.iter().map(|m| m.mineral.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 39);
        let co = py_material("cobalt").unwrap();
        assert_eq!(co.hs92.len(), 2);
        assert!(py_material("gallium").is_none());
    }

    #[test]
    fn a_malformed_table_is_an_error() {
        assert!(parse_table(
            "mineral,peer_material,peer_wmd_table,peer_stage_label,hs92\nx,y,z,w,12ab\n"
        )
        .is_err());
        assert!(parse_table("wrong\n").is_err());
    }
}
