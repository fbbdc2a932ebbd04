use crate::{
    Basis, ContentFactor, Country, CountryCode, CountryGroup, EuCrmParams, ExportRestriction,
    LazyVec, Measure, Mineral, MineralId, Observation, Provenance, PublishedNir, Source, SourceId,
    Stage, TradeAgreement, TradeProxy, TradeTable, Year,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One of the six Worldwide Governance Indicators dimensions.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum GovernanceDimension {
    /// Voice and Accountability.
    VA,
    /// Political Stability and Absence of Violence/Terrorism.
    PV,
    /// Government Effectiveness.
    GE,
    /// Regulatory Quality.
    RQ,
    /// Rule of Law.
    RL,
    /// Control of Corruption.
    CC,
}

impl GovernanceDimension {
    pub const ALL: [GovernanceDimension; 6] = [
        GovernanceDimension::VA,
        GovernanceDimension::PV,
        GovernanceDimension::GE,
        GovernanceDimension::RQ,
        GovernanceDimension::RL,
        GovernanceDimension::CC,
    ];
    pub fn code(self) -> &'static str {
        match self {
            GovernanceDimension::VA => "VA",
            GovernanceDimension::PV => "PV",
            GovernanceDimension::GE => "GE",
            GovernanceDimension::RQ => "RQ",
            GovernanceDimension::RL => "RL",
            GovernanceDimension::CC => "CC",
        }
    }
    pub fn from_code(s: &str) -> Option<GovernanceDimension> {
        Self::ALL.into_iter().find(|d| d.code() == s)
    }
}

/// A WGI estimate (about −2.5 … 2.5, higher is better governance). Absent when the source
/// has no estimate: never zero.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GovernanceRecord {
    pub country: CountryCode,
    pub year: Year,
    pub dimension: GovernanceDimension,
    pub estimate: f64,
    pub std_err: Option<f64>,
    /// WGI percentile rank (0–100), where the source gives it.
    pub percentile_rank: Option<f64>,
}

/// Demand for a mineral by scenario and sector (IEA), kilotonnes of contained mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DemandRecord {
    pub mineral: MineralId,
    /// `historical` for observed years, else the IEA scenario (STEPS, APS, NZE).
    pub scenario: String,
    /// Sector or technology ("EV", "Solar PV", "Total"…).
    pub sector: String,
    pub year: Year,
    pub value_kt: f64,
    pub provenance: Provenance,
}

/// What one import read and kept, and why any rows were not kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportReport {
    pub source: String,
    pub file: String,
    pub rows_read: usize,
    pub rows_kept: usize,
    /// (reason, count) for rows read but not kept, each reason stated in words.
    pub not_kept: Vec<(String, usize)>,
    /// Notes on what the import did (harmonised names, derived figures).
    pub notes: Vec<String>,
}

impl ImportReport {
    pub fn new(source: &str, file: &str) -> ImportReport {
        ImportReport {
            source: source.to_string(),
            file: file.to_string(),
            ..ImportReport::default()
        }
    }
    /// Count a row not kept, with the reason in words.
    pub fn skip(&mut self, reason: &str) {
        match self.not_kept.iter_mut().find(|(r, _)| r == reason) {
            Some((_, n)) => *n += 1,
            None => self.not_kept.push((reason.to_string(), 1)),
        }
    }
}

/// Everything derisk knows, held in memory. Built by the importers or loaded from the
/// embedded snapshot; the analysis reads it and never changes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub countries: Vec<Country>,
    pub minerals: Vec<Mineral>,
    /// Production, reserves and capacity figures, sorted by (mineral, stage, measure, year, area, source).
    pub observations: LazyVec<Observation>,
    pub trade: TradeTable,
    pub governance: LazyVec<GovernanceRecord>,
    pub demand: LazyVec<DemandRecord>,
    pub restrictions: Vec<ExportRestriction>,
    pub groups: Vec<CountryGroup>,
    /// Net import reliance as publishers state it (USGS for the United States), sorted by
    /// (country, commodity, year); derisk's own NIR is held against it.
    pub published_nir: Vec<PublishedNir>,
    pub reports: Vec<ImportReport>,
    /// How each trade-proxy figure set was computed (one record per mineral, stage and
    /// year the proxy was run for), sorted by (mineral, stage, year).
    pub trade_proxies: Vec<TradeProxy>,
    /// Factors from a source's published basis (oxide, equivalent, gross product) to
    /// contained tonnes, sorted by (source, mineral, stage, basis); at most one per key.
    pub content_factors: Vec<ContentFactor>,
    /// The EU's 2023 assessment parameters per material, in the file's order.
    pub eu_crm_params: Vec<EuCrmParams>,
    /// Trade agreements of groups (the EU's), sorted by (party, partner).
    pub trade_agreements: Vec<TradeAgreement>,
}

impl Dataset {
    pub fn mineral(&self, id: &str) -> Option<&Mineral> {
        self.minerals.iter().find(|m| m.id.as_str() == id)
    }
    pub fn country(&self, code: CountryCode) -> Option<&Country> {
        self.countries.iter().find(|c| c.code == code)
    }
    pub fn group(&self, id: &str) -> Option<&CountryGroup> {
        self.groups.iter().find(|g| g.id == id)
    }
    /// The EU's 2023 parameters that apply to a mineral, if the EU assessed it.
    pub fn eu_crm_params(&self, mineral: &str) -> Option<&EuCrmParams> {
        self.eu_crm_params
            .iter()
            .find(|p| p.minerals.iter().any(|m| m.as_str() == mineral))
    }
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id.as_str() == id)
    }
    /// The factor that turns `source`'s figures of the mineral and stage published on
    /// `from` into contained tonnes, if the reference table gives one.
    pub fn content_factor(
        &self,
        source: &SourceId,
        mineral: &MineralId,
        stage: &Stage,
        from: &Basis,
    ) -> Option<&ContentFactor> {
        self.content_factors.iter().find(|f| {
            &f.source == source && &f.mineral == mineral && &f.stage == stage && &f.from == from
        })
    }
    /// How the trade proxy of a mineral's stage was computed for a year, if it was run.
    pub fn trade_proxy(&self, mineral: &str, stage: &Stage, year: Year) -> Option<&TradeProxy> {
        self.trade_proxies
            .iter()
            .find(|p| p.mineral.as_str() == mineral && &p.stage == stage && p.year == year)
    }

    /// Observations of one measure for a mineral, stage and year.
    pub fn observations_for<'a>(
        &'a self,
        mineral: &'a str,
        stage: &'a Stage,
        measure: Measure,
        year: Year,
    ) -> impl Iterator<Item = &'a Observation> + 'a {
        self.observations.iter().filter(move |o| {
            o.mineral.as_str() == mineral
                && &o.stage == stage
                && o.measure == measure
                && o.year == year
        })
    }

    /// Years with at least one observation of `measure` for the mineral and stage.
    pub fn years_for(&self, mineral: &str, stage: &Stage, measure: Measure) -> Vec<Year> {
        let mut ys: Vec<Year> = self
            .observations
            .iter()
            .filter(|o| o.mineral.as_str() == mineral && &o.stage == stage && o.measure == measure)
            .map(|o| o.year)
            .collect();
        ys.sort();
        ys.dedup();
        ys
    }
}
