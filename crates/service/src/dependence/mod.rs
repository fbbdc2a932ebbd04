//! `dependence`: how much a country or group relies on each supplier of a mineral (shares
//! by contained quantity and by value, import HHI, net import reliance, transit hubs); one
//! summary row per mineral traded under HS codes; or every importer of one mineral, ranked.
//!
//! The rules live here, once: which stages a request may name (the stages of the mineral's
//! HS carriers), the order of suppliers, and which supplier is the largest (by contained
//! quantity, else by value when no flow has a quantity).

mod all_importers;
mod summary;

pub use all_importers::{AllImportersRequest, AllImportersResponse, ImporterKind, ImporterRow};
pub use summary::{
    DependenceSummaryRequest, DependenceSummaryResponse, StageNir, SummaryNote, SummaryRow,
    SummaryTableRow,
};

use crate::defaults::{trade_year, YearBasis};
use crate::error::{ServiceError, UsageError};
use crate::meta::{
    attributions, country_name, trade_source, trade_sources, Attribution, MineralRef,
};
use crate::published_nir::{published_nir, PublishedNirComparison};
use crate::resolve::{resolve_country_set, resolve_mineral, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::network::{LookThrough, NetworkAssumption};
use derisk_analysis::{Dependence, Engine, Importer, MemberProduction, TradeSide};
use derisk_model::{CountryCode, Mineral, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The dependence of one importer on its suppliers of one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependenceRequest {
    /// A country (ISO3, ISO2, numeric or English name), a group, or a comma list.
    pub importer: String,
    /// Mineral id, name or alias; it must be traded under HS codes derisk reads.
    pub mineral: String,
    /// Trade year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Read only the HS codes of this stage (a stage of the mineral's HS codes); by
    /// default all of them.
    #[serde(default)]
    pub stage: Option<String>,
    /// Also report the share of imports from this country, group or comma list.
    #[serde(default)]
    pub focus: Option<String>,
    /// Also trace the imports back to the mines they came from, through the refiners'
    /// feed mixes (see [`derisk_analysis::network`]).
    #[serde(default)]
    pub look_through: bool,
}

impl DependenceRequest {
    pub fn new(importer: impl Into<String>, mineral: impl Into<String>) -> DependenceRequest {
        DependenceRequest {
            importer: importer.into(),
            mineral: mineral.into(),
            year: None,
            stage: None,
            focus: None,
            look_through: false,
        }
    }
}

/// What the shares of a largest supplier are fractions of.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShareBasis {
    /// Contained tonnes (HS quantity × content factor), over flows with a quantity.
    ContainedQuantity,
    /// Value: no import flow has a quantity.
    Value,
}

/// The largest supplier and its share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LargestSupplier {
    pub country: CountryCode,
    pub name: String,
    pub basis: ShareBasis,
    /// Fraction (0–1) of imports on `basis`.
    pub share: f64,
    /// Fraction (0–1) of imports by contained quantity; empty when no flow has a quantity.
    pub quantity_share: Option<f64>,
    /// Fraction (0–1) of imports by value.
    pub value_share: Option<f64>,
}

/// The largest supplier of one side of trade: the largest by contained quantity when any
/// flow has a quantity, else the largest by value; `None` without imports. Ties go to the
/// lower country code (as the engine breaks them).
pub fn largest_supplier(engine: &Engine, side: &TradeSide) -> Option<LargestSupplier> {
    let (country, basis) = match (side.largest_by_quantity, side.largest_by_value) {
        (Some(c), _) => (c, ShareBasis::ContainedQuantity),
        (None, Some(c)) => (c, ShareBasis::Value),
        (None, None) => return None,
    };
    let p = side.partners.iter().find(|p| p.country == country)?;
    let share = match basis {
        ShareBasis::ContainedQuantity => p.quantity_share,
        ShareBasis::Value => p.value_share,
    }?;
    Some(LargestSupplier {
        country,
        name: country_name(engine, country),
        basis,
        share,
        quantity_share: p.quantity_share,
        value_share: p.value_share,
    })
}

/// One supplier of the importer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupplierRow {
    pub country: CountryCode,
    pub name: String,
    /// Fraction (0–1) of imports by contained quantity; empty when no flow has a quantity.
    pub share: Option<f64>,
    /// Fraction (0–1) of imports by value.
    pub value_share: Option<f64>,
    /// Thousand current US dollars.
    pub value_kusd: f64,
    /// Tonnes of contained mineral, over flows with a quantity.
    pub contained_t: f64,
    pub flows: usize,
    pub flows_without_quantity: usize,
}

/// What each figure of a dependence answer is measured in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependenceUnits {
    pub share: String,
    pub value_share: String,
    pub value_kusd: String,
    pub contained_t: String,
    pub import_hhi: String,
    pub nir: String,
}

impl DependenceUnits {
    /// The units, contained tonnes named by the mineral's symbol (`Li`), or "element"
    /// when an answer covers several minerals.
    pub fn new(symbol: Option<&str>) -> DependenceUnits {
        DependenceUnits {
            share: "fraction (0–1) of imports by contained quantity".into(),
            value_share: "fraction (0–1) of imports by value".into(),
            value_kusd: "thousand current US dollars".into(),
            contained_t: format!(
                "tonnes of contained {} (HS quantity × content factor)",
                symbol.unwrap_or("element")
            ),
            import_hhi: "Herfindahl-Hirschman index of import shares, 0–10,000".into(),
            nir: "net import reliance (imports − exports) / (production + imports − exports), \
                  contained tonnes; negative for a net exporter"
                .into(),
        }
    }
}

/// The dependence of one importer on its suppliers of one mineral in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependenceResponse {
    pub importer: CountrySet,
    pub mineral: MineralRef,
    pub year: Year,
    pub year_basis: YearBasis,
    pub focus: Option<CountrySet>,
    /// The analysis: HS carriers, imports and exports by partner, balances and NIR per
    /// stage, transit hubs, intra-group trade left out, the focus share.
    pub dependence: Dependence,
    /// Largest contained quantity first, then value, then code.
    pub suppliers: Vec<SupplierRow>,
    pub largest_supplier: Option<LargestSupplier>,
    pub units: DependenceUnits,
    pub trade_source: Option<SourceId>,
    /// The trade table the flows come from.
    pub trade_table: Option<String>,
    /// The production sources the NIR rests on.
    pub production_sources: Vec<SourceId>,
    /// When the importer is one country with a published net import reliance for the
    /// mineral (USGS for the United States): the publisher's figure for the year (else its
    /// latest) beside derisk's NIR at the stage the figure is tied to, compared.
    pub published_nir: Option<PublishedNirComparison>,
    /// With `look_through`: the imports of every stage traced to their mine origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look_through: Option<LookThroughReport>,
    pub attribution: Vec<Attribution>,
}

/// An importer's imports of a mineral at every stage (not only the stage asked), by direct
/// supplier and by mine origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LookThroughReport {
    /// `None` when the importer imports nothing with a known tonnage.
    pub imports: Option<LookThrough>,
    /// What the data forced the network to assume.
    pub assumptions: Vec<NetworkAssumption>,
}

impl Service {
    /// The dependence of an importer on its suppliers of one mineral.
    pub fn dependence(&self, req: &DependenceRequest) -> Result<DependenceResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let importer = resolve_country_set(ds, &req.importer)?;
        let mineral = resolve_mineral(ds, &req.mineral)?;
        require_hs_codes(engine, mineral)?;
        let stage = carrier_stage(std::iter::once(mineral), req.stage.as_deref(), |stages| {
            format!("a stage of the {} HS codes: {stages}", mineral.id)
        })?;
        let focus = req
            .focus
            .as_deref()
            .map(|f| resolve_country_set(ds, f))
            .transpose()?;
        let (year, year_basis) = trade_year(engine, req.year)?;
        let dependence = engine
            .query()
            .dependence(
                &as_importer(&importer),
                mineral.id.as_str(),
                year,
                stage.as_ref(),
                focus.as_ref().map(as_importer).as_ref(),
            )
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let look_through = if req.look_through {
            let n = engine
                .query()
                .network(mineral.id.as_str(), year)
                .map_err(|e| ServiceError::from_analysis(engine, e))?;
            let imports = n.origins().look_through(&n, &importer.members);
            Some(LookThroughReport {
                imports,
                assumptions: n.assumptions,
            })
        } else {
            None
        };
        let suppliers = supplier_rows(engine, &dependence.imports);
        let largest_supplier = largest_supplier(engine, &dependence.imports);
        let production_sources = production_sources(std::iter::once(&dependence));
        let trade_source = trade_source(engine);
        let published_nir = published_nir(engine, &importer, mineral, year, Some(&dependence));
        let attribution = attributions(
            engine,
            trade_sources(engine)
                .iter()
                .chain(&production_sources)
                .chain(published_nir.as_ref().map(|p| &p.source)),
        );
        Ok(DependenceResponse {
            importer,
            mineral: mineral.into(),
            year,
            year_basis,
            focus,
            suppliers,
            largest_supplier,
            units: DependenceUnits::new(Some(&mineral.symbol)),
            trade_source,
            trade_table: trade_table(engine),
            production_sources,
            published_nir,
            look_through,
            attribution,
            dependence,
        })
    }
}

impl Tabular for DependenceResponse {
    type Row = SupplierRow;
    fn rows(&self) -> Vec<SupplierRow> {
        self.suppliers.clone()
    }
}

/// The engine's view of a resolved set of countries.
fn as_importer(set: &CountrySet) -> Importer {
    Importer {
        label: set.label.clone(),
        members: set.members.clone(),
    }
}

/// Suppliers, largest contained quantity first, then value, then code.
fn supplier_rows(engine: &Engine, imports: &TradeSide) -> Vec<SupplierRow> {
    let mut rows: Vec<SupplierRow> = imports
        .partners
        .iter()
        .map(|p| SupplierRow {
            country: p.country,
            name: country_name(engine, p.country),
            share: p.quantity_share,
            value_share: p.value_share,
            value_kusd: p.value_kusd,
            contained_t: p.contained_t,
            flows: p.flows,
            flows_without_quantity: p.flows_without_quantity,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.contained_t
            .total_cmp(&a.contained_t)
            .then(b.value_kusd.total_cmp(&a.value_kusd))
            .then(a.country.cmp(&b.country))
    });
    rows
}

/// The minerals traded under HS codes derisk reads, in catalogue order.
fn traded(engine: &Engine) -> Vec<&Mineral> {
    engine
        .minerals()
        .iter()
        .filter(|m| !m.hs.is_empty())
        .collect()
}

/// A usage error unless the mineral has HS carriers.
pub(crate) fn require_hs_codes(engine: &Engine, mineral: &Mineral) -> Result<(), UsageError> {
    if !mineral.hs.is_empty() {
        return Ok(());
    }
    Err(UsageError::Invalid {
        field: "mineral".into(),
        given: format!("{} (traded under no HS code derisk reads)", mineral.id),
        expected: format!(
            "a mineral with HS codes: {}",
            traded(engine)
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// The requested stage, which must be a stage of the HS codes of `minerals` (`mining`,
/// `refining` or another slug, any case; `extraction` and `processing` as aliases), or
/// `None` when none was requested. `expected` words the valid stages for the error.
fn carrier_stage<'a>(
    minerals: impl IntoIterator<Item = &'a Mineral>,
    requested: Option<&str>,
    expected: impl FnOnce(&str) -> String,
) -> Result<Option<Stage>, UsageError> {
    let Some(given) = requested else {
        return Ok(None);
    };
    let stages: BTreeSet<&Stage> = minerals
        .into_iter()
        .flat_map(|m| m.hs.iter().map(|c| &c.stage))
        .collect();
    match Stage::try_from(given.trim().to_ascii_lowercase().as_str()) {
        Ok(s) if stages.contains(&s) => Ok(Some(s)),
        _ => Err(UsageError::Invalid {
            field: "stage".into(),
            given: given.to_string(),
            expected: expected(
                &stages
                    .iter()
                    .map(|s| s.slug())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }),
    }
}

/// The production sources whose figures the balances rest on, in id order.
fn production_sources<'a>(deps: impl IntoIterator<Item = &'a Dependence>) -> Vec<SourceId> {
    let ids: BTreeSet<SourceId> =
        deps.into_iter()
            .flat_map(|d| &d.balances)
            .flat_map(|b| &b.production.members)
            .filter_map(|m| match &m.production {
                MemberProduction::Tonnes { source, .. }
                | MemberProduction::Withheld { source, .. } => Some(source.clone()),
                _ => None,
            })
            .collect();
    ids.into_iter().collect()
}

/// The loaded trade table's name, if its provenance gives one.
fn trade_table(engine: &Engine) -> Option<String> {
    engine
        .dataset()
        .trade
        .provenance
        .as_ref()
        .map(|p| p.table.clone())
}
