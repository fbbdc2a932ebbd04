//! The dependence summary: one row per mineral traded under HS codes, for one importer.

use super::{
    as_importer, carrier_stage, largest_supplier, production_sources, trade_year, traded,
    DependenceUnits, ShareBasis,
};
use crate::defaults::YearBasis;
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, trade_source, trade_sources, Attribution};
use crate::resolve::{resolve_country_set, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::{Dependence, IntraGroupRule, NirNote};
use derisk_model::{CountryCode, HsKey, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One importer's dependence on every mineral traded under HS codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependenceSummaryRequest {
    /// A country (ISO3, ISO2, numeric or English name), a group, or a comma list.
    pub importer: String,
    /// Trade year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Only the HS codes of this stage (a stage of some mineral's HS codes), and only the
    /// minerals with HS codes at it; by default every HS code.
    #[serde(default)]
    pub stage: Option<String>,
    /// Also report the share of imports from this country, group or comma list.
    #[serde(default)]
    pub focus: Option<String>,
}

impl DependenceSummaryRequest {
    pub fn new(importer: impl Into<String>) -> DependenceSummaryRequest {
        DependenceSummaryRequest {
            importer: importer.into(),
            year: None,
            stage: None,
            focus: None,
        }
    }
}

/// The NIR of one stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StageNir {
    pub stage: Stage,
    /// `None` when unknown (see the detail answer for why).
    pub nir: Option<f64>,
}

/// What a summary row's figures leave out or cannot say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SummaryNote {
    /// No import flow of the mineral's HS codes.
    NoImports,
    /// These carriers have no trade rows at all in the year (a gap in the data, not zero
    /// trade): the import totals are unknown.
    TradeRowsMissing { carriers: Vec<HsKey> },
    /// Imports, but no flow has a quantity: the shares are by value.
    NoQuantity,
    /// The HS codes are of one stage and its NIR is unknown, for this reason.
    NirUnknown { note: NirNote },
    /// The HS codes span several stages: one NIR per stage, none overall.
    NirByStage { stages: Vec<StageNir> },
}

/// One mineral of the summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SummaryRow {
    pub mineral: String,
    /// The stages of the HS codes read.
    pub hs_stages: Vec<Stage>,
    pub suppliers: usize,
    pub largest_supplier: Option<CountryCode>,
    /// Its fraction (0–1) of imports on `largest_basis`.
    pub largest_share: Option<f64>,
    pub largest_basis: Option<ShareBasis>,
    /// Import HHI (0–10,000) by contained quantity.
    pub import_hhi: Option<f64>,
    /// `None` when a carrier has no trade rows in the year (see the notes).
    pub imports_contained_t: Option<f64>,
    pub imports_value_kusd: Option<f64>,
    /// When the HS codes are of one stage (always so when a stage is requested).
    pub nir: Option<f64>,
    /// Fraction (0–1) of imports by contained quantity from the focus.
    pub focus_share: Option<f64>,
    pub intra_group_flows: usize,
    pub notes: Vec<SummaryNote>,
}

/// An importer's dependence, one row per mineral traded under HS codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependenceSummaryResponse {
    pub importer: CountrySet,
    pub year: Year,
    pub year_basis: YearBasis,
    pub stage: Option<Stage>,
    pub focus: Option<CountrySet>,
    /// Whether trade between the importer's members was left out.
    pub intra_group: IntraGroupRule,
    /// In catalogue order.
    pub rows: Vec<SummaryRow>,
    pub units: DependenceUnits,
    pub trade_source: Option<SourceId>,
    pub production_sources: Vec<SourceId>,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// One importer's dependence on every mineral traded under HS codes (those with HS
    /// codes at the requested stage), over one query.
    pub fn dependence_summary(
        &self,
        req: &DependenceSummaryRequest,
    ) -> Result<DependenceSummaryResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let importer = resolve_country_set(ds, &req.importer)?;
        let minerals = traded(engine);
        let stage = carrier_stage(minerals.iter().copied(), req.stage.as_deref(), |s| {
            format!("a stage of some mineral's HS codes: {s}")
        })?;
        let focus = req
            .focus
            .as_deref()
            .map(|f| resolve_country_set(ds, f))
            .transpose()?;
        let (year, year_basis) = trade_year(engine, req.year)?;
        let who = as_importer(&importer);
        let focus_importer = focus.as_ref().map(as_importer);
        let query = engine.query();
        let deps: Vec<Dependence> = minerals
            .iter()
            .filter(|m| {
                stage
                    .as_ref()
                    .is_none_or(|s| m.hs.iter().any(|c| &c.stage == s))
            })
            .map(|m| {
                query.dependence(
                    &who,
                    m.id.as_str(),
                    year,
                    stage.as_ref(),
                    focus_importer.as_ref(),
                )
            })
            .collect::<Result<_, _>>()
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let intra_group =
            deps.first()
                .map(|d| d.intra_group.rule)
                .ok_or_else(|| UsageError::Invalid {
                    field: "mineral".into(),
                    given: "(any)".into(),
                    expected:
                        "a catalogue with minerals traded under HS codes; the loaded one has none"
                            .into(),
                })?;
        let production_sources = production_sources(&deps);
        let rows = deps.iter().map(|d| summary_row(self, d)).collect();
        let trade_source = trade_source(engine);
        let attribution = attributions(
            engine,
            trade_sources(engine).iter().chain(&production_sources),
        );
        Ok(DependenceSummaryResponse {
            importer,
            year,
            year_basis,
            stage,
            focus,
            intra_group,
            rows,
            units: DependenceUnits::new(None),
            trade_source,
            production_sources,
            attribution,
        })
    }
}

fn summary_row(service: &Service, dep: &Dependence) -> SummaryRow {
    let im = &dep.imports;
    let hs_stages: BTreeSet<&Stage> = dep.carriers.iter().map(|c| &c.stage).collect();
    let largest = largest_supplier(service.engine(), im);
    let mut notes = Vec::new();
    if !im.carriers_without_rows.is_empty() {
        notes.push(SummaryNote::TradeRowsMissing {
            carriers: im.carriers_without_rows.clone(),
        });
    }
    if im.flows == 0 {
        if im.carriers_without_rows.is_empty() {
            notes.push(SummaryNote::NoImports);
        }
    } else if im.hhi_quantity.is_none() {
        notes.push(SummaryNote::NoQuantity);
    }
    match dep.balances.as_slice() {
        [one] if one.nir.is_none() => notes.push(SummaryNote::NirUnknown {
            note: one.note.clone(),
        }),
        [_] | [] => {}
        many => notes.push(SummaryNote::NirByStage {
            stages: many
                .iter()
                .map(|b| StageNir {
                    stage: b.stage.clone(),
                    nir: b.nir,
                })
                .collect(),
        }),
    }
    SummaryRow {
        mineral: dep.mineral.clone(),
        hs_stages: hs_stages.into_iter().cloned().collect(),
        suppliers: im.partners.len(),
        largest_supplier: largest.as_ref().map(|l| l.country),
        largest_share: largest.as_ref().map(|l| l.share),
        largest_basis: largest.as_ref().map(|l| l.basis),
        import_hhi: im.hhi_quantity,
        imports_contained_t: im.contained_t,
        imports_value_kusd: im.value_kusd,
        nir: dep.nir,
        focus_share: dep.focus.as_ref().and_then(|f| f.quantity_share),
        intra_group_flows: dep.intra_group.flows,
        notes,
    }
}

/// A summary row, flat: the stages space-separated and the notes in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SummaryTableRow {
    pub mineral: String,
    pub hs_stages: String,
    pub suppliers: usize,
    pub largest_supplier: Option<CountryCode>,
    pub largest_share: Option<f64>,
    pub largest_basis: Option<ShareBasis>,
    pub import_hhi: Option<f64>,
    /// `None` when a carrier has no trade rows in the year (see the notes).
    pub imports_contained_t: Option<f64>,
    pub imports_value_kusd: Option<f64>,
    pub nir: Option<f64>,
    pub focus_share: Option<f64>,
    pub intra_group_flows: usize,
    pub notes: Option<String>,
}

impl From<&SummaryRow> for SummaryTableRow {
    fn from(r: &SummaryRow) -> SummaryTableRow {
        SummaryTableRow {
            mineral: r.mineral.clone(),
            hs_stages: r
                .hs_stages
                .iter()
                .map(Stage::slug)
                .collect::<Vec<_>>()
                .join(" "),
            suppliers: r.suppliers,
            largest_supplier: r.largest_supplier,
            largest_share: r.largest_share,
            largest_basis: r.largest_basis,
            import_hhi: r.import_hhi,
            imports_contained_t: r.imports_contained_t,
            imports_value_kusd: r.imports_value_kusd,
            nir: r.nir,
            focus_share: r.focus_share,
            intra_group_flows: r.intra_group_flows,
            notes: (!r.notes.is_empty()).then(|| {
                r.notes
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        }
    }
}

impl Tabular for DependenceSummaryResponse {
    type Row = SummaryTableRow;
    fn rows(&self) -> Vec<SummaryTableRow> {
        self.rows.iter().map(SummaryTableRow::from).collect()
    }
}
