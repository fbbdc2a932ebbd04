//! GeoPolRisk: the import-based geopolitical supply risk of Gemechu et al. (2016), as
//! implemented by geopolrisk-py (Koyamparambath et al. 2024).

use crate::concentration::Thresholds;
use crate::dependence::{Importer, NirNote};
use crate::engine::Query;
use crate::error::{in_range, non_negative, AnalysisError, Result};
use crate::governance::{GovernanceGap, GovernanceScore, Scale};
use crate::production::ProductionBasis;
use derisk_model::{CountryCode, HsKey, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Citation of the method.
pub const GEOPOLRISK_CITATION: &str = "Gemechu, Helbig, Sonnemann, Thorenz & Tuma (2016), Import-based indicator for the geopolitical supply risk of raw materials in life cycle sustainability assessments, J. Ind. Ecol. 20(1); Koyamparambath et al. (2024), geopolrisk-py";

/// One supplier of the importer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GprsSupplier {
    pub country: CountryCode,
    /// Imports from this supplier, tonnes (contained, in derisk's dataset layer).
    pub imports_t: f64,
    /// Political instability, 0 (stable) … 1: see [`pv_normalised`](crate::pv_normalised).
    pub g: f64,
}

/// Inputs of [`geopolrisk`], as plain numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeoPolRiskInput {
    /// Production HHI as a fraction, 0–1 (the 0–10,000 HHI divided by 10,000).
    pub hhi: f64,
    pub imports: Vec<GprsSupplier>,
    /// The importer's own production, same unit as the imports.
    pub domestic_production_t: f64,
}

/// GeoPolRisk score and its parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeoPolRisk {
    pub hhi: f64,
    /// `Σ_i g_i · f_i / (p + F)`: the import risk (geopolrisk-py's "WTA").
    pub import_risk: f64,
    /// `HHI · import_risk`.
    pub score: f64,
    pub total_imports_t: f64,
    pub domestic_production_t: f64,
}

/// GeoPolRisk score (Gemechu et al. 2016, J. Ind. Ecol.; Koyamparambath et al. 2024,
/// geopolrisk-py):
///
/// `GPRS = HHI · Σ_i (g_i · f_i) / (p + F)`
///
/// with `HHI` the production HHI as a fraction (0–1), `g_i` the supplier's political
/// instability `(2.5 − PV_i)/5` clamped to 0–1, `f_i` the imports from supplier `i`, `p`
/// the importer's production and `F = Σ f_i`. Domestic production dilutes the import risk
/// (it enters the denominator only). Range 0–1.
///
/// Errors: `hhi` or a `g` outside [0, 1]; negative or non-finite quantities; a supplier
/// listed twice; no imports and no production (`p + F = 0`).
pub fn geopolrisk(input: &GeoPolRiskInput) -> Result<GeoPolRisk> {
    let hhi = in_range(
        "HHI (fraction)",
        input.hhi,
        0.0,
        1.0,
        "a fraction in [0, 1]",
    )?;
    let p = non_negative("domestic production", input.domestic_production_t)?;
    let mut seen = BTreeSet::new();
    let (mut total, mut weighted) = (0.0, 0.0);
    for s in &input.imports {
        if !seen.insert(s.country) {
            return Err(AnalysisError::DuplicateCountry {
                country: s.country.to_string(),
                context: "the GeoPolRisk suppliers".into(),
            });
        }
        let f = non_negative(format!("imports from {}", s.country), s.imports_t)?;
        let g = in_range(
            format!("g of {}", s.country),
            s.g,
            0.0,
            1.0,
            "a fraction in [0, 1]",
        )?;
        total += f;
        weighted += g * f;
    }
    if p + total <= 0.0 {
        return Err(AnalysisError::NoSupply(
            "no imports and no domestic production: GeoPolRisk is undefined".into(),
        ));
    }
    let import_risk = weighted / (p + total);
    Ok(GeoPolRisk {
        hhi,
        import_risk,
        score: hhi * import_risk,
        total_imports_t: total,
        domestic_production_t: p,
    })
}

/// A supplier as the dataset layer scored it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GprsSupplierScored {
    pub country: CountryCode,
    pub imports_t: f64,
    pub g: GovernanceScore,
}

/// GeoPolRisk of an importer on a dataset, or why it could not be computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeoPolRiskAssessment {
    pub importer: String,
    pub mineral: String,
    pub stage: Stage,
    pub year: Year,
    pub hhi_source: SourceId,
    /// World supply the production source does not itemise; the HHI is then a lower bound.
    pub hhi_unlisted_share: f64,
    pub suppliers: Vec<GprsSupplierScored>,
    pub governance_gap: GovernanceGap,
    pub result: Option<GeoPolRisk>,
    pub reason: Option<GprsGap>,
    pub citation: String,
}

/// Why a GeoPolRisk score could not be computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum GprsGap {
    /// The importer's own production is unknown.
    ProductionUnknown { basis: ProductionBasis },
    /// No imports and no domestic production: the score is undefined.
    NoSupply,
    /// The importer's flows under these carriers have values but no quantity (a value-only
    /// year): imports in tonnes are unknown, never zero.
    TonnageUnknown { carriers: Vec<HsKey> },
    /// These carriers have no trade rows at all in the year: imports are unknown.
    NoTradeRows { carriers: Vec<HsKey> },
}

impl Query<'_> {
    /// GeoPolRisk of `importer` for `mineral` at `stage` in `year` (see [`geopolrisk`]).
    ///
    /// `HHI` from [`Self::stage_concentration`] (default source) divided by 10,000; `f_i`
    /// the contained-tonne imports by supplier and `p` the members' contained production
    /// from [`Self::dependence`] at that stage (trade between members of a group is
    /// excluded); `g_i` from [`Scale::GeoPolRiskPv`]. Unlike geopolrisk-py, which weighs
    /// gross product tonnes, flows are converted to contained tonnes.
    ///
    /// Errors: those of the concentration and dependence queries, missing governance under
    /// [`GovernanceGap::Refuse`]. Unknown domestic production is an answer with `result:
    /// None` and the reason.
    pub fn geopolrisk(
        &self,
        importer: &Importer,
        mineral: &str,
        stage: &Stage,
        year: Year,
        gap: GovernanceGap,
    ) -> Result<GeoPolRiskAssessment> {
        let gs = self.shares(mineral, stage, year, None, Thresholds::Doj2010)?;
        let dep = self.dependence_once(importer, mineral, year, Some(stage), None)?;
        let mut suppliers = Vec::new();
        for p in dep.imports.partners.iter().filter(|p| p.contained_t > 0.0) {
            suppliers.push(GprsSupplierScored {
                country: p.country,
                imports_t: p.contained_t,
                g: self
                    .governance()
                    .score(p.country, year, Scale::GeoPolRiskPv, gap)?,
            });
        }
        // `dependence` at one stage always has that stage's balance.
        let production = dep.balances.first().map(|b| &b.production);
        let trade_unknown = dep.balances.first().and_then(|b| match &b.note {
            NirNote::TonnageUnknown { carriers } => Some(GprsGap::TonnageUnknown {
                carriers: carriers.clone(),
            }),
            NirNote::NoTradeRows { carriers } => Some(GprsGap::NoTradeRows {
                carriers: carriers.clone(),
            }),
            _ => None,
        });
        let (result, reason) = match production.and_then(|p| p.tonnes.map(|t| (t, p))) {
            _ if trade_unknown.is_some() => (None, trade_unknown),
            None => (
                None,
                Some(GprsGap::ProductionUnknown {
                    basis: production
                        .map_or(ProductionBasis::NoProductionTable, |p| p.basis.clone()),
                }),
            ),
            Some((p, _)) => {
                let input = GeoPolRiskInput {
                    hhi: (gs.concentration.hhi / 10_000.0).min(1.0),
                    imports: suppliers
                        .iter()
                        .map(|s| GprsSupplier {
                            country: s.country,
                            imports_t: s.imports_t,
                            g: s.g.value,
                        })
                        .collect(),
                    domestic_production_t: p,
                };
                match geopolrisk(&input) {
                    Ok(r) => (Some(r), None),
                    Err(AnalysisError::NoSupply(_)) => (None, Some(GprsGap::NoSupply)),
                    Err(e) => return Err(e),
                }
            }
        };
        Ok(GeoPolRiskAssessment {
            importer: importer.label.clone(),
            mineral: mineral.to_string(),
            stage: stage.clone(),
            year,
            hhi_source: gs.source.clone(),
            hhi_unlisted_share: gs.concentration.unlisted_share,
            suppliers,
            governance_gap: gap,
            result,
            reason,
            citation: GEOPOLRISK_CITATION.to_string(),
        })
    }
}
