//! `brief`: the one-screen risk briefing for a country, group or list.

use crate::defaults::{trade_year, YearBasis};
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, Attribution};
use crate::resolve::{resolve_country_set, resolve_mineral, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::brief::{Brief, BriefOptions, MineralBrief, StageSummary, WATCH_LIST};
use derisk_analysis::{Importer, Thresholds};
use derisk_model::{Date, Stage, Year};
use serde::{Deserialize, Serialize};

/// Which minerals a briefing covers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MineralSelection {
    /// The battery minerals, rare earths and the minerals under recent export controls.
    #[default]
    WatchList,
    /// Every mineral in the catalogue.
    All,
    /// These minerals (ids, names or aliases).
    List(Vec<String>),
}

/// A briefing request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefRequest {
    /// A country (ISO3, ISO2, numeric or English name), a group, or a comma list.
    pub target: String,
    #[serde(default)]
    pub minerals: MineralSelection,
    /// Trade year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Export restrictions in force (and not suspended) on this day, `YYYY-MM-DD`, count;
    /// it must lie within the restriction table's range. By default 31 December of the
    /// latest year with production figures (the data's present, not today's date).
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default = "default_thresholds")]
    pub thresholds: Thresholds,
}

/// The HHI bands used unless a request names others.
pub fn default_thresholds() -> Thresholds {
    Thresholds::Doj2023
}

impl BriefRequest {
    pub fn new(target: impl Into<String>) -> BriefRequest {
        BriefRequest {
            target: target.into(),
            minerals: MineralSelection::default(),
            year: None,
            as_of: None,
            thresholds: default_thresholds(),
        }
    }
}

/// What each figure of a briefing is measured in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BriefUnits {
    pub hhi: String,
    pub share: String,
    pub import_shares: String,
    pub nir: String,
    pub eu_sr: String,
    pub geopolrisk: String,
}

impl Default for BriefUnits {
    fn default() -> BriefUnits {
        BriefUnits {
            hhi: "Herfindahl-Hirschman index of world production shares, 0–10,000".into(),
            share: "fraction 0–1".into(),
            import_shares: "by contained tonnes (HS codes × content factors), by value where no quantity".into(),
            nir: "net import reliance (imports − exports) / (production + imports − exports), contained tonnes".into(),
            eu_sr: "EU supply risk, European Commission 2017 CRM guidelines (critical if ≥ 1 with EI ≥ 2.8)".into(),
            geopolrisk: "GeoPolRisk score 0–1, Gemechu et al. 2016".into(),
        }
    }
}

/// A briefing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BriefResponse {
    pub target: CountrySet,
    pub trade_year_basis: YearBasis,
    pub brief: Brief,
    pub units: BriefUnits,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// Brief a country, group or list on the requested minerals.
    pub fn brief(&self, req: &BriefRequest) -> Result<BriefResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let target = resolve_country_set(ds, &req.target)?;
        let minerals: Vec<String> = match &req.minerals {
            MineralSelection::WatchList => WATCH_LIST.iter().map(|s| s.to_string()).collect(),
            MineralSelection::All => engine.minerals().iter().map(|m| m.id.to_string()).collect(),
            MineralSelection::List(names) => names
                .iter()
                .map(|n| resolve_mineral(ds, n).map(|m| m.id.to_string()))
                .collect::<Result<_, _>>()?,
        };
        let (year, trade_year_basis) = trade_year(engine, req.year)?;
        let as_of = match &req.as_of {
            Some(d) => Some(Date::parse(d).ok_or_else(|| {
                let range = engine
                    .restrictions_range()
                    .map(|(a, b)| format!(" within {a} … {b}"))
                    .unwrap_or_default();
                UsageError::Invalid {
                    field: "as_of".into(),
                    given: d.clone(),
                    expected: format!("a real calendar date YYYY-MM-DD{range}"),
                }
            })?),
            None => None,
        };
        let options = BriefOptions {
            minerals,
            thresholds: req.thresholds,
            trade_year: Some(year),
            as_of,
            ..BriefOptions::default()
        };
        let importer = Importer {
            label: target.label.clone(),
            members: target.members.clone(),
        };
        let brief = engine
            .query()
            .brief(&importer, &options)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let attribution = attributions(engine, &brief.sources);
        Ok(BriefResponse {
            target,
            trade_year_basis,
            brief,
            units: BriefUnits::default(),
            attribution,
        })
    }
}

/// One mineral of a briefing, flat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BriefRow {
    pub mineral: String,
    pub mining_year: Option<Year>,
    pub mining_source: Option<String>,
    pub mining_hhi: Option<f64>,
    pub mining_top: Option<String>,
    pub mining_top_share: Option<f64>,
    pub refining_year: Option<Year>,
    pub refining_source: Option<String>,
    pub refining_evidence: Option<String>,
    /// Whether the refining figures are derisk's trade proxy rather than statistics.
    pub refining_proxy: bool,
    pub refining_hhi: Option<f64>,
    pub refining_top: Option<String>,
    pub refining_top_share: Option<f64>,
    pub trade_year: Option<Year>,
    pub nir: Option<f64>,
    pub nir_stage: Option<Stage>,
    pub top_supplier: Option<String>,
    pub top_supplier_share: Option<f64>,
    pub import_hhi: Option<f64>,
    pub restricted_share: Option<f64>,
    pub eu_sr: Option<f64>,
    pub geopolrisk: Option<f64>,
}

/// The flat fields of one stage's summary.
#[derive(Default)]
struct StageFields {
    year: Option<Year>,
    source: Option<String>,
    hhi: Option<f64>,
    top: Option<String>,
    top_share: Option<f64>,
}

fn stage_fields(s: &Option<StageSummary>) -> StageFields {
    match s {
        None => StageFields::default(),
        Some(s) => StageFields {
            year: Some(s.year),
            source: Some(s.source.to_string()),
            hhi: Some(s.hhi),
            top: s.top.first().map(|t| t.country.to_string()),
            top_share: s.top.first().map(|t| t.share),
        },
    }
}

impl From<&MineralBrief> for BriefRow {
    fn from(m: &MineralBrief) -> BriefRow {
        let mining = stage_fields(&m.mining);
        let refining = stage_fields(&m.refining);
        let d = m.dependence.as_ref();
        BriefRow {
            mineral: m.mineral.clone(),
            mining_year: mining.year,
            mining_source: mining.source,
            mining_hhi: mining.hhi,
            mining_top: mining.top,
            mining_top_share: mining.top_share,
            refining_year: refining.year,
            refining_source: refining.source,
            refining_evidence: m.refining.as_ref().map(|s| s.evidence.as_str().to_string()),
            refining_proxy: m.refining.as_ref().is_some_and(|s| s.proxy.is_some()),
            refining_hhi: refining.hhi,
            refining_top: refining.top,
            refining_top_share: refining.top_share,
            trade_year: d.map(|d| d.year),
            nir: d.and_then(|d| d.nir),
            nir_stage: d.and_then(|d| d.nir_stage.clone()),
            top_supplier: d.and_then(|d| d.suppliers.first().map(|s| s.country.to_string())),
            top_supplier_share: d.and_then(|d| d.suppliers.first().map(|s| s.share)),
            import_hhi: d.and_then(|d| d.import_hhi),
            restricted_share: d.map(|d| d.restricted_share),
            eu_sr: m.criticality.eu_sr,
            geopolrisk: m.criticality.geopolrisk,
        }
    }
}

impl Tabular for BriefResponse {
    type Row = BriefRow;
    fn rows(&self) -> Vec<BriefRow> {
        self.brief.minerals.iter().map(BriefRow::from).collect()
    }
}
