//! EU supply risk (European Commission 2017 guidelines): kernel on numbers and the dataset
//! layer.

use super::params::{EuSrParams, TradeFactor, TradeFactorBasis};
use super::weighted_hhi::weighted_hhi;
use crate::concentration::Thresholds;
use crate::dependence::Importer;
use crate::dependence::NirNote;
use crate::engine::Query;
use crate::error::{in_range, AnalysisError, Result};
use crate::governance::{GovernanceScore, Scale};
use crate::production::MemberProduction;
use derisk_model::{CountryCode, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Citation of the method.
pub const EU_SR_CITATION: &str = "European Commission (2017), Methodology for establishing the EU list of critical raw materials: guidelines (Blengini et al.), Publications Office of the European Union";

/// One supplier in an `HHI_WGI,t` sum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupplierInput {
    pub country: CountryCode,
    /// Share of supply, a fraction (0–1).
    pub share: f64,
    /// Scaled WGI, 0 (best) … 10 (worst): see [`wgi_scaled`](crate::wgi_scaled).
    pub wgi_scaled: f64,
    /// Trade parameter `t_c` (> 0).
    pub t: f64,
}

/// Inputs of [`eu_supply_risk`], as plain numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSrInput {
    /// Global supply (GS): world production shares.
    pub global_supply: Vec<SupplierInput>,
    /// The importer's actual sourcing: domestic production and imports by country.
    pub sourcing: Vec<SupplierInput>,
    /// Import reliance as computed (may be negative for a net exporter, or above 1).
    pub import_reliance: f64,
    /// End-of-life recycling input rate (0–1).
    pub eol_rir: f64,
    /// Substitution index for supply risk (0–1).
    pub si_sr: f64,
}

/// EU supply risk and its parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSr {
    pub hhi_wgi_t_global: f64,
    pub hhi_wgi_t_sourcing: f64,
    /// Import reliance as given.
    pub import_reliance: f64,
    /// Import reliance clamped to [0, 1], as the guidelines use it.
    pub import_reliance_used: f64,
    /// `IR/2`: weight of global supply.
    pub weight_global: f64,
    /// `1 − IR/2`: weight of actual sourcing.
    pub weight_sourcing: f64,
    pub eol_rir: f64,
    pub si_sr: f64,
    pub sr: f64,
}

/// Governance-and-trade-weighted concentration `HHI_WGI,t = Σ_c s_c² · WGI_c · t_c`, shares
/// as fractions, WGI scaled 0–10 (European Commission 2017 guidelines, supply risk). Range
/// 0 … 10 · max t.
///
/// Errors: a share outside [0, 1] or shares summing above 1, a WGI outside [0, 10], a
/// non-positive or non-finite `t`, a country listed twice.
pub fn hhi_wgi_t(suppliers: &[SupplierInput]) -> Result<f64> {
    for s in suppliers {
        in_range(
            format!("scaled WGI of {}", s.country),
            s.wgi_scaled,
            0.0,
            10.0,
            "a score in [0, 10]",
        )?;
        if !(s.t.is_finite() && s.t > 0.0) {
            return Err(AnalysisError::InvalidValue {
                what: format!("trade parameter t of {}", s.country),
                value: s.t,
                expected: "a positive number".into(),
            });
        }
    }
    weighted_hhi(
        suppliers
            .iter()
            .map(|s| (s.country, s.share, s.wgi_scaled * s.t)),
        "the HHI_WGI,t suppliers",
    )
}

/// EU supply risk (European Commission 2017, "Methodology for establishing the EU list of
/// critical raw materials: guidelines", Blengini et al.):
///
/// `SR = [HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(sourcing) · (1 − IR/2)] · (1 − EoL_RIR) · SI_SR`
///
/// where GS is global supply, sourcing the importer's actual supply mix (domestic
/// production plus imports by country) and `IR` the import reliance clamped to [0, 1] as
/// the guidelines do: a net exporter has `IR = 0`, so its risk rests entirely on its own
/// sourcing, and a fully import-reliant importer weighs global supply and sourcing equally
/// (`IR/2 = 0.5`). Both `HHI_WGI,t` terms are from [`hhi_wgi_t`].
///
/// Errors: invalid supplier inputs, `IR` not finite, `EoL_RIR` or `SI_SR` outside [0, 1].
pub fn eu_supply_risk(input: &EuSrInput) -> Result<EuSr> {
    let g = hhi_wgi_t(&input.global_supply)?;
    let s = hhi_wgi_t(&input.sourcing)?;
    if !input.import_reliance.is_finite() {
        return Err(AnalysisError::InvalidValue {
            what: "import reliance".into(),
            value: input.import_reliance,
            expected: "a finite number".into(),
        });
    }
    let eol = in_range("EoL-RIR", input.eol_rir, 0.0, 1.0, "a fraction in [0, 1]")?;
    let si = in_range("SI_SR", input.si_sr, 0.0, 1.0, "a number in [0, 1]")?;
    let ir = input.import_reliance.clamp(0.0, 1.0);
    let wg = ir / 2.0;
    let ws = 1.0 - wg;
    Ok(EuSr {
        hhi_wgi_t_global: g,
        hhi_wgi_t_sourcing: s,
        import_reliance: input.import_reliance,
        import_reliance_used: ir,
        weight_global: wg,
        weight_sourcing: ws,
        eol_rir: eol,
        si_sr: si,
        sr: (g * wg + s * ws) * (1.0 - eol) * si,
    })
}

/// One supplier as the dataset layer scored it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupplierRisk {
    pub country: CountryCode,
    pub share: f64,
    pub wgi: GovernanceScore,
    pub trade: TradeFactor,
    /// Production of the importer's own members (t = 1: not traded).
    pub domestic: bool,
}

/// EU supply risk at one stage, or why it could not be computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSrStage {
    pub stage: Stage,
    pub global_source: Option<SourceId>,
    /// Share of world supply the source does not itemise (left out of `HHI_WGI,t(GS)`,
    /// which is then a lower bound).
    pub global_unlisted_share: Option<f64>,
    /// The years whose shares were averaged (the year asked for first; one year unless
    /// [`EuSrParams::average_years`] asks for more and tables exist).
    pub global_years: Vec<Year>,
    pub global: Vec<SupplierRisk>,
    pub sourcing: Vec<SupplierRisk>,
    pub result: Option<EuSr>,
    pub reason: Option<EuSrGap>,
    /// When `result` is missing only because the importer's production is known within
    /// bounds ([`crate::ProductionBounds`]): the range the stage's SR lies in.
    pub range: Option<EuSrRange>,
    /// The importer's exports exceed its production plus imports: the NIR ratio is
    /// undefined, but it is a net exporter, so `IR = 0` as the guidelines set it.
    pub net_exporter_without_ratio: bool,
}

/// Bounds on a stage's EU SR when the importer's production is known only within bounds.
///
/// `IR` ranges over [`crate::NirRange`]. The sourcing term `HHI_WGI,t` takes the absent
/// members' unknown production `x ∈ [0, U]` (any split among them, `t = 1`):
/// `(K + Σ x_a² w_a) / (T + x)²` with `K = Σ q² w t` over the known sources and `T` their
/// tonnes. It is at least `K / (T + U)²` (absent share 0, largest dilution) and at most
/// `max(K / T², (K + U² w_max) / (T + U)²)` (all of `x` in the worst-governed absent
/// member; the function of `x` is convex with its minimum inside). SR is bilinear in
/// `IR` and the sourcing term, so its extremes are at the corners.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSrRange {
    pub low: f64,
    pub high: f64,
    pub import_reliance_low: f64,
    pub import_reliance_high: f64,
    pub hhi_wgi_t_sourcing_low: f64,
    pub hhi_wgi_t_sourcing_high: f64,
}

/// Why a stage's EU supply risk could not be computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum EuSrGap {
    /// No world production shares (no production table, incompatible units…).
    GlobalSupply { error: AnalysisError },
    /// No sourcing (no HS codes at the stage, no trade in the year…).
    Sourcing { error: AnalysisError },
    /// The importer's import reliance at the stage is unknown.
    ImportRelianceUnknown { note: NirNote },
    /// Neither production nor imports with a quantity.
    NoSourcingQuantity,
    /// The stage is not among those the parameters assess (the EU assesses some materials
    /// at extraction or processing only).
    NotAssessed,
}

/// Where the end-of-life recycling input rate came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EolRirBasis {
    /// Given by the caller.
    Override,
    /// The mineral's record (EU 2023 factsheets).
    MineralRecord,
    /// Not known: 0 assumed (no recycling credit, the conservative choice).
    NotKnown,
}

/// EU supply risk of an importer for a mineral and year, at extraction and processing;
/// the higher is kept, as the guidelines do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSrAssessment {
    pub importer: String,
    pub mineral: String,
    pub year: Year,
    pub params: EuSrParams,
    pub eol_rir: f64,
    pub eol_rir_basis: EolRirBasis,
    pub extraction: EuSrStage,
    pub processing: EuSrStage,
    /// The stage whose SR is kept (the higher; extraction on a tie).
    pub kept: Option<Stage>,
    pub sr: Option<f64>,
    /// When neither stage has an SR but some stage has a range: the range of the higher
    /// stage's SR (`max` of the stages' lows … `max` of their highs).
    pub sr_range: Option<(f64, f64)>,
    pub citation: String,
}

impl Query<'_> {
    /// EU supply risk of `importer` for `mineral` in `year` (see [`eu_supply_risk`]).
    ///
    /// Per stage (extraction = [`Stage::Mining`], processing = [`Stage::Refining`]): GS
    /// shares from [`Self::stage_concentration`] (default source); sourcing from the
    /// members' contained production plus imports by supplier in contained tonnes, and `IR`
    /// the net import reliance, both from [`Self::dependence`] at that stage; WGI from
    /// [`Scale::EuWgi`]; `t` from [`EuSrParams::trade_factor`] (members' own production
    /// has `t = 1`). `EoL_RIR`: the override, else the mineral's record, else 0 (no
    /// recycling credit: conservative, stated in `eol_rir_basis`). A stage whose inputs
    /// are missing (no production table, unknown production, no HS codes) has `result:
    /// None` and the reason.
    ///
    /// Errors: unknown mineral, importer without members, missing governance under
    /// [`GovernanceGap::Refuse`](crate::GovernanceGap::Refuse).
    pub fn eu_supply_risk(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        params: &EuSrParams,
    ) -> Result<EuSrAssessment> {
        let m = self
            .ds()
            .mineral(mineral)
            .ok_or_else(|| AnalysisError::UnknownMineral(mineral.to_string()))?;
        if importer.members.is_empty() {
            return Err(AnalysisError::InvalidImporter(importer.label.clone()));
        }
        let (eol, eol_basis) = match (params.eol_rir(), m.eol_rir) {
            (Some(e), _) => (e, EolRirBasis::Override),
            (None, Some(e)) => (e, EolRirBasis::MineralRecord),
            (None, None) => (0.0, EolRirBasis::NotKnown),
        };
        let stage_sr = |stage: Stage| self.eu_sr_stage(importer, mineral, year, params, eol, stage);
        let extraction = stage_sr(Stage::Mining)?;
        let processing = stage_sr(Stage::Refining)?;
        let kept = match (&extraction.result, &processing.result) {
            (Some(a), Some(b)) if b.sr > a.sr => Some(&processing),
            (Some(_), _) => Some(&extraction),
            (None, Some(_)) => Some(&processing),
            (None, None) => None,
        };
        let (kept, sr) = match kept {
            Some(k) => (Some(k.stage.clone()), k.result.as_ref().map(|r| r.sr)),
            None => (None, None),
        };
        let sr_range = match (&sr, &extraction.range, &processing.range) {
            (Some(_), _, _) | (None, None, None) => None,
            (None, a, b) => {
                let ends = [a, b].into_iter().flatten();
                let low = ends
                    .clone()
                    .map(|r| r.low)
                    .fold(f64::NEG_INFINITY, f64::max);
                let high = ends.map(|r| r.high).fold(f64::NEG_INFINITY, f64::max);
                Some((low, high))
            }
        };
        Ok(EuSrAssessment {
            importer: importer.label.clone(),
            mineral: mineral.to_string(),
            year,
            params: params.clone(),
            eol_rir: eol,
            eol_rir_basis: eol_basis,
            extraction,
            processing,
            kept,
            sr,
            sr_range,
            citation: EU_SR_CITATION.to_string(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn eu_sr_stage(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        params: &EuSrParams,
        eol: f64,
        stage: Stage,
    ) -> Result<EuSrStage> {
        let mut out = EuSrStage {
            stage: stage.clone(),
            global_source: None,
            global_unlisted_share: None,
            global_years: Vec::new(),
            global: Vec::new(),
            sourcing: Vec::new(),
            result: None,
            reason: None,
            range: None,
            net_exporter_without_ratio: false,
        };
        if !params.assesses(&stage) {
            out.reason = Some(EuSrGap::NotAssessed);
            return Ok(out);
        }
        let members: Vec<CountryCode> = importer.members.iter().copied().collect();
        let score = |c: CountryCode, share: f64, domestic: bool| -> Result<SupplierRisk> {
            let wgi = self
                .governance()
                .score(c, year, Scale::EuWgi, params.governance_gap())?;
            let trade = if domestic {
                TradeFactor {
                    t: 1.0,
                    basis: TradeFactorBasis::DomesticProduction,
                }
            } else {
                params.trade_factor(&self.ds().restrictions, mineral, &stage, &members, c, year)
            };
            Ok(SupplierRisk {
                country: c,
                share,
                wgi,
                trade,
                domestic,
            })
        };
        let gs = match self.shares(mineral, &stage, year, None, Thresholds::Doj2010) {
            Ok(gs) => gs,
            Err(error) => {
                out.reason = Some(EuSrGap::GlobalSupply { error });
                return Ok(out);
            }
        };
        out.global_source = Some(gs.source.clone());
        // The EU averages supply shares over several years: each year's shares from its own
        // default table, a country absent from a year's table counting 0 that year (its
        // output sits in that year's unlisted rest); years without a table are skipped.
        let mut sums: BTreeMap<CountryCode, f64> = BTreeMap::new();
        let mut unlisted = 0.0;
        for k in 0..params.average_years().max(1) {
            let Some(y) = year
                .get()
                .checked_sub(u16::from(k))
                .and_then(|y| Year::try_from(y).ok())
            else {
                break;
            };
            let shares = if k == 0 {
                gs.clone()
            } else {
                match self.shares(mineral, &stage, y, None, Thresholds::Doj2010) {
                    Ok(s) => s,
                    Err(_) => continue,
                }
            };
            out.global_years.push(y);
            unlisted += shares.concentration.unlisted_share;
            for s in &shares.concentration.shares {
                *sums.entry(s.country).or_default() += s.share;
            }
        }
        let n = out.global_years.len() as f64;
        out.global_unlisted_share = Some(unlisted / n);
        for (c, sum) in sums {
            out.global.push(score(c, sum / n, false)?);
        }
        out.global
            .sort_by(|a, b| b.share.total_cmp(&a.share).then(a.country.cmp(&b.country)));
        let dep = match self.dependence_once(importer, mineral, year, Some(&stage), None) {
            Ok(d) => d,
            Err(error) => {
                out.reason = Some(EuSrGap::Sourcing { error });
                return Ok(out);
            }
        };
        // `dependence` at one stage always has that stage's balance.
        let Some(balance) = dep.balances.first() else {
            out.reason = Some(EuSrGap::NoSourcingQuantity);
            return Ok(out);
        };
        let net_exporter_without_ratio = balance.nir.is_none()
            && matches!(balance.note, NirNote::ApparentConsumptionNotPositive { .. })
            && matches!((balance.imports_t, balance.exports_t), (Some(i), Some(e)) if i < e);
        // Exports beyond production plus imports leave the ratio undefined, but the
        // importer is a net exporter, whose IR the guidelines set to 0.
        let ir = if net_exporter_without_ratio {
            out.net_exporter_without_ratio = true;
            Some(0.0)
        } else {
            balance.nir
        };
        let Some(ir) = ir else {
            out.reason = Some(EuSrGap::ImportRelianceUnknown {
                note: balance.note.clone(),
            });
            if let (Some(nir), Some(b)) = (&balance.nir_range, &balance.production.bounds) {
                out.range =
                    self.eu_sr_range(&out, &dep, &members, balance, nir, b, year, params, eol)?;
            }
            return Ok(out);
        };
        let mut quantities: Vec<(CountryCode, f64, bool)> = Vec::new();
        for m in &balance.production.members {
            if let MemberProduction::Tonnes { tonnes, .. } = m.production {
                quantities.push((m.country, tonnes, true));
            }
        }
        for p in &dep.imports.partners {
            quantities.push((p.country, p.contained_t, false));
        }
        let total: f64 = quantities.iter().map(|q| q.1).fold(0.0, |a, b| a + b);
        if total <= 0.0 {
            out.reason = Some(EuSrGap::NoSourcingQuantity);
            return Ok(out);
        }
        for (c, q, domestic) in quantities.into_iter().filter(|q| q.1 > 0.0) {
            out.sourcing.push(score(c, q / total, domestic)?);
        }
        let input = |v: &[SupplierRisk]| -> Vec<SupplierInput> {
            v.iter()
                .map(|s| SupplierInput {
                    country: s.country,
                    share: s.share,
                    wgi_scaled: s.wgi.value,
                    t: s.trade.t,
                })
                .collect()
        };
        out.result = Some(eu_supply_risk(&EuSrInput {
            global_supply: input(&out.global),
            sourcing: input(&out.sourcing),
            import_reliance: ir,
            eol_rir: eol,
            si_sr: params.si_sr(),
        })?);
        Ok(out)
    }
}

impl Query<'_> {
    /// [`EuSrRange`] of a stage whose production is bounded (see there for the rule).
    #[allow(clippy::too_many_arguments)]
    fn eu_sr_range(
        &self,
        out: &EuSrStage,
        dep: &crate::Dependence,
        members: &[CountryCode],
        balance: &crate::StageBalance,
        nir: &crate::NirRange,
        bounds: &crate::ProductionBounds,
        year: Year,
        params: &EuSrParams,
        eol: f64,
    ) -> Result<Option<EuSrRange>> {
        let wgi = |c: CountryCode| -> Result<f64> {
            Ok(self
                .governance()
                .score(c, year, Scale::EuWgi, params.governance_gap())?
                .value)
        };
        let mut known: Vec<(f64, f64)> = Vec::new(); // (tonnes, w · t)
        for m in &balance.production.members {
            if let MemberProduction::Tonnes { tonnes, .. } = m.production {
                known.push((tonnes, wgi(m.country)?));
            }
        }
        for p in &dep.imports.partners {
            let t = params
                .trade_factor(
                    &self.ds().restrictions,
                    &dep.mineral,
                    &out.stage,
                    members,
                    p.country,
                    year,
                )
                .t;
            known.push((p.contained_t, wgi(p.country)? * t));
        }
        let total: f64 = known.iter().map(|k| k.0).fold(0.0, |a, b| a + b);
        let k: f64 = known.iter().map(|(q, w)| q * q * w).fold(0.0, |a, b| a + b);
        let u = bounds.rest_of_world_t;
        let mut w_max = 0.0f64;
        for &c in &bounds.absent {
            w_max = w_max.max(wgi(c)?);
        }
        if total <= 0.0 {
            return Ok(None);
        }
        let (t, tu) = (total, total + u);
        let s_low = k / (tu * tu);
        let s_high = (k / (t * t)).max((k + u * u * w_max) / (tu * tu));
        let global: Vec<SupplierInput> = out
            .global
            .iter()
            .map(|s| SupplierInput {
                country: s.country,
                share: s.share,
                wgi_scaled: s.wgi.value,
                t: s.trade.t,
            })
            .collect();
        let g = hhi_wgi_t(&global)?;
        let (si, eol_factor) = (params.si_sr(), 1.0 - eol);
        let sr = |ir: f64, s: f64| {
            let ir = ir.clamp(0.0, 1.0);
            (g * ir / 2.0 + s * (1.0 - ir / 2.0)) * eol_factor * si
        };
        let corners = [
            sr(nir.low, s_low),
            sr(nir.low, s_high),
            sr(nir.high, s_low),
            sr(nir.high, s_high),
        ];
        Ok(Some(EuSrRange {
            low: corners.iter().copied().fold(f64::INFINITY, f64::min),
            high: corners.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            import_reliance_low: nir.low,
            import_reliance_high: nir.high,
            hhi_wgi_t_sourcing_low: s_low,
            hhi_wgi_t_sourcing_high: s_high,
        }))
    }
}
