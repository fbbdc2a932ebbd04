//! What the loaded data holds: the minerals derisk tracks, the sources of its figures (with
//! their licences and import counts) and the country groups a request may name.

use crate::resolve::{groups, GroupsResponse};
use crate::tabular::Tabular;
use crate::Service;
use derisk_model::{
    Basis, Coverage, FormBand, HsCarrier, HsCode, HsKey, ImportReport, MembershipStatus,
    MineralForm, Nomenclature, Stage, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Every mineral of the catalogue, in the dataset's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralsResponse {
    pub minerals: Vec<MineralInfo>,
}

/// One mineral: its names, stages, the HS codes that carry it and how many figures the
/// data holds for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralInfo {
    /// The slug requests may name it by (`rare-earths`).
    pub id: String,
    pub name: String,
    /// Chemical symbol or short label (`Li`, `REE`).
    pub symbol: String,
    pub form: MineralForm,
    /// Stages at which the dataset holds figures for the mineral.
    pub stages: Vec<Stage>,
    /// The HS subheadings carrying the mineral, each in its nomenclature, with its stage,
    /// the mass fraction of contained mineral per tonne of product and the trade the loaded
    /// data holds under it. A stage without a carrier has no trade derisk can read.
    pub carriers: Vec<CarrierInfo>,
    /// Stages with production figures but no carrier: their trade is unknown.
    pub stages_without_carrier: Vec<Stage>,
    /// What one contained tonne is: element content, gross natural graphite, REO.
    pub contained_basis: Basis,
    /// End-of-life recycling input rate (fraction 0–1), EU 2023 factsheets, if known.
    pub eol_rir: Option<f64>,
    /// Production, reserves and capacity figures held for the mineral (all sources).
    pub figures: usize,
}

/// One HS carrier of a mineral and the trade the loaded data holds under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CarrierInfo {
    pub nomenclature: Nomenclature,
    pub hs: HsCode,
    pub description: String,
    /// Ore (`mining`), `intermediate`, `refining`, `sponge`, `semi-manufactured` or
    /// `downstream` (see `HsCarrier::STAGES` in the model).
    pub stage: Stage,
    /// Mass fraction of contained mineral per tonne of product (0 < f ≤ 1).
    pub content_factor: f64,
    /// How the factor is obtained, with its citation.
    pub factor_basis: String,
    /// Forms of the product told apart by unit value, each with its own factor (empty: one
    /// factor for every flow); a flow in no band is impossible for the product and left out.
    pub forms: Vec<FormBand>,
    /// Trade flows held under the carrier, all years.
    pub flows: usize,
    /// Years with flows, ascending; empty when the loaded trade has none (its trade is then
    /// unknown, not zero).
    pub years: Vec<Year>,
    /// Years whose flows under the carrier have values but no quantity at all (value
    /// shares only; tonnages unknown).
    pub value_only_years: Vec<Year>,
}

/// One mineral as a flat row: stages and HS carriers joined in one cell each.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MineralRow {
    pub id: String,
    pub name: String,
    pub symbol: String,
    /// Stage slugs separated by spaces.
    pub stages: String,
    /// `nomenclature:code×factor:stage` (e.g. `HS2017:740311×1:refining`), separated by
    /// spaces.
    pub carriers: String,
    /// Stages with production figures but no carrier, separated by spaces.
    pub stages_without_carrier: String,
    pub eol_rir: Option<f64>,
    pub figures: usize,
}

/// Every source of the loaded data, with what its importers read and kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourcesResponse {
    /// In the dataset's order.
    pub sources: Vec<SourceInfo>,
    /// Every import report (one per file read), in the dataset's order.
    pub imports: Vec<ImportReport>,
}

/// One source: who publishes it, under which licence, what a user must show when reusing
/// its figures, and how much of it was imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceInfo {
    pub id: String,
    pub publisher: String,
    pub title: String,
    pub edition: String,
    pub licence: String,
    /// The attribution the licence requires.
    pub attribution: String,
    pub url: String,
    /// What derisk takes from the source.
    pub taken: String,
    /// Caveats users should keep in mind.
    pub caveats: String,
    /// What a country's absence from the source's production tables means (comprehensive:
    /// 0; top producers: unknown); empty for a source without production tables.
    pub coverage: Option<Coverage>,
    /// Rows read, over the source's import reports.
    pub rows_read: usize,
    /// Rows kept, over the source's import reports.
    pub rows_kept: usize,
    /// Production, reserves and capacity figures kept from the source.
    pub figures: usize,
}

/// One source as a flat row (the caveats and what is taken stay in JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRow {
    pub id: String,
    pub publisher: String,
    pub edition: String,
    pub licence: String,
    pub attribution: String,
    pub url: String,
    pub coverage: Option<Coverage>,
    pub rows_read: usize,
    pub rows_kept: usize,
    pub figures: usize,
}

/// One member of one group, as a flat row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupMemberRow {
    pub group: String,
    pub group_name: String,
    pub country: String,
    /// Empty when the country table lacks the code.
    pub name: Option<String>,
    pub status: MembershipStatus,
    /// Reported participation not confirmed by the group's own list.
    pub uncertain: bool,
    pub since: Option<u16>,
    pub via: Option<String>,
    pub as_of: String,
}

impl Service {
    /// The minerals derisk tracks.
    pub fn minerals(&self) -> MineralsResponse {
        let engine = self.engine();
        let ds = engine.dataset();
        let mut figures: HashMap<&str, usize> = HashMap::new();
        for o in &ds.observations {
            *figures.entry(o.mineral.as_str()).or_default() += 1;
        }
        let mut trade: HashMap<HsKey, Vec<(Year, usize, usize)>> = HashMap::new();
        for g in engine.trade().groups() {
            trade
                .entry(g.key)
                .or_default()
                .push((g.year, g.flows, g.with_quantity));
        }
        let carrier = |c: &HsCarrier| {
            let groups = trade.get(&c.key()).map(Vec::as_slice).unwrap_or_default();
            CarrierInfo {
                nomenclature: c.nomenclature,
                hs: c.hs,
                description: c.description.clone(),
                stage: c.stage.clone(),
                content_factor: c.content_factor,
                factor_basis: c.factor_basis.clone(),
                forms: c.forms.clone(),
                flows: groups.iter().map(|g| g.1).sum(),
                years: groups.iter().map(|g| g.0).collect(),
                value_only_years: groups.iter().filter(|g| g.2 == 0).map(|g| g.0).collect(),
            }
        };
        let minerals = ds
            .minerals
            .iter()
            .map(|m| MineralInfo {
                id: m.id.to_string(),
                name: m.name.clone(),
                symbol: m.symbol.clone(),
                form: m.form,
                stages: m.stages.clone(),
                carriers: m.hs.iter().map(carrier).collect(),
                stages_without_carrier: engine
                    .production()
                    .stages(m.id.as_str())
                    .into_iter()
                    .filter(|s| !m.hs.iter().any(|c| &c.stage == s))
                    .collect(),
                contained_basis: m.contained_basis.clone(),
                eol_rir: m.eol_rir,
                figures: figures.get(m.id.as_str()).copied().unwrap_or(0),
            })
            .collect();
        MineralsResponse { minerals }
    }

    /// The sources of the loaded data, with their licences and import counts.
    pub fn sources(&self) -> SourcesResponse {
        let ds = self.engine().dataset();
        let mut figures: HashMap<&str, usize> = HashMap::new();
        for o in &ds.observations {
            *figures.entry(o.provenance.source.as_str()).or_default() += 1;
        }
        let sources = ds
            .sources
            .iter()
            .map(|s| {
                let (rows_read, rows_kept) = ds
                    .reports
                    .iter()
                    .filter(|r| r.source == s.id.as_str())
                    .fold((0, 0), |(a, b), r| (a + r.rows_read, b + r.rows_kept));
                SourceInfo {
                    id: s.id.to_string(),
                    publisher: s.publisher.clone(),
                    title: s.title.clone(),
                    edition: s.edition.clone(),
                    licence: s.licence.clone(),
                    attribution: s.attribution.clone(),
                    url: s.url.clone(),
                    taken: s.taken.clone(),
                    caveats: s.caveats.clone(),
                    coverage: s.coverage,
                    rows_read,
                    rows_kept,
                    figures: figures.get(s.id.as_str()).copied().unwrap_or(0),
                }
            })
            .collect();
        SourcesResponse {
            sources,
            imports: ds.reports.clone(),
        }
    }

    /// The country groups requests may name, with their members.
    pub fn groups(&self) -> GroupsResponse {
        groups(self.engine().dataset())
    }
}

impl Tabular for MineralsResponse {
    type Row = MineralRow;
    fn rows(&self) -> Vec<MineralRow> {
        self.minerals
            .iter()
            .map(|m| MineralRow {
                id: m.id.clone(),
                name: m.name.clone(),
                symbol: m.symbol.clone(),
                stages: m
                    .stages
                    .iter()
                    .map(Stage::slug)
                    .collect::<Vec<_>>()
                    .join(" "),
                carriers: m
                    .carriers
                    .iter()
                    .map(|c| {
                        format!(
                            "{}:{}×{}:{}",
                            c.nomenclature.code(),
                            c.hs,
                            c.content_factor,
                            c.stage
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                stages_without_carrier: m
                    .stages_without_carrier
                    .iter()
                    .map(Stage::slug)
                    .collect::<Vec<_>>()
                    .join(" "),
                eol_rir: m.eol_rir,
                figures: m.figures,
            })
            .collect()
    }
}

impl Tabular for SourcesResponse {
    type Row = SourceRow;
    fn rows(&self) -> Vec<SourceRow> {
        self.sources
            .iter()
            .map(|s| SourceRow {
                id: s.id.clone(),
                publisher: s.publisher.clone(),
                edition: s.edition.clone(),
                licence: s.licence.clone(),
                attribution: s.attribution.clone(),
                url: s.url.clone(),
                coverage: s.coverage,
                rows_read: s.rows_read,
                rows_kept: s.rows_kept,
                figures: s.figures,
            })
            .collect()
    }
}

impl Tabular for GroupsResponse {
    type Row = GroupMemberRow;
    fn rows(&self) -> Vec<GroupMemberRow> {
        self.groups
            .iter()
            .flat_map(|g| {
                g.members.iter().map(|m| GroupMemberRow {
                    group: g.id.clone(),
                    group_name: g.name.clone(),
                    country: m.code.to_string(),
                    name: m.name.clone(),
                    status: m.status,
                    uncertain: m.status == MembershipStatus::Uncertain,
                    since: m.since,
                    via: m.via.clone(),
                    as_of: g.as_of.clone(),
                })
            })
            .collect()
    }
}
