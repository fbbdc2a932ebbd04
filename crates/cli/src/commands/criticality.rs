//! `derisk criticality`: EU supply risk (both stages, the higher kept), GeoPolRisk and a
//! USGS-style disruption potential (mining and refining) for an importer, each with its
//! citation and the countries whose governance score was imputed.

use crate::output::{emit, readable, Format, Report};
use crate::target::importer;
use crate::usage;
use crate::usage::analysis_error;
use crate::usage::trade_year;
use anyhow::Result;
use clap::{Args, ValueEnum};
use derisk_analysis::criticality::{
    DisruptionPotential, EuSrAssessment, EuSrParams, EuSrStage, GeoPolRiskAssessment, DP_CITATION,
    EU_SR_CITATION, GEOPOLRISK_CITATION,
};
use derisk_analysis::{AnalysisError, GovernanceGap, Importer, Indexed};
use derisk_model::{CountryCode, Dataset, Mineral, Stage, Year};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

mod params;

use params::{ei_for, load_params, params_for, Override};

#[derive(Args)]
pub struct CriticalityArgs {
    /// Importer: an ISO3 code (IND), a group id (eu27, quad, msp…) or a comma list of codes.
    #[arg(long)]
    pub importer: String,
    /// Mineral id (see `derisk minerals`); without it, one row per mineral.
    #[arg(long)]
    pub mineral: Option<String>,
    /// Year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// EU substitution index SI_SR (0–1) for every mineral; default 1 (no substitute).
    #[arg(long, value_name = "F")]
    pub si_sr: Option<f64>,
    /// EU end-of-life recycling input rate (0–1) for every mineral; default the mineral's
    /// record.
    #[arg(long, value_name = "F")]
    pub eol_rir: Option<f64>,
    /// EU economic importance (EI) for every mineral, used only to classify: critical
    /// when SR ≥ 1 and EI ≥ 2.8 (2017 guidelines). derisk does not compute EI.
    #[arg(long, value_name = "F")]
    pub ei: Option<f64>,
    /// JSON or CSV file of EU SR parameters per mineral (si_sr, eol_rir, t_agreement,
    /// trade_agreement_partners, ei); its values win over --si-sr, --eol-rir and --ei.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Suppliers without a governance estimate: the middle of the scale, the worst score,
    /// or refuse to compute.
    #[arg(long, value_enum, default_value = "midpoint")]
    pub governance_gap: GapRule,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GapRule {
    Midpoint,
    Worst,
    Refuse,
}

impl From<GapRule> for GovernanceGap {
    fn from(g: GapRule) -> GovernanceGap {
        match g {
            GapRule::Midpoint => GovernanceGap::Midpoint,
            GapRule::Worst => GovernanceGap::Worst,
            GapRule::Refuse => GovernanceGap::Refuse,
        }
    }
}

/// A stage whose indicator could not be computed, and why.
#[derive(Serialize)]
struct Unavailable {
    stage: Stage,
    result: Option<()>,
    reason: String,
    citation: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outcome<T> {
    Done(T),
    Unavailable(Unavailable),
}

/// Gaps in coverage (no figures, no HS codes, no supply) make a stage unavailable; other
/// errors stop the command.
fn outcome<T>(
    r: derisk_analysis::Result<T>,
    stage: &Stage,
    citation: &'static str,
) -> Result<Outcome<T>, AnalysisError> {
    match r {
        Ok(v) => Ok(Outcome::Done(v)),
        Err(
            e @ (AnalysisError::NoFigures(_)
            | AnalysisError::NoHsCarriers { .. }
            | AnalysisError::NoTradeForYear(_)
            | AnalysisError::NoSupply(_)
            | AnalysisError::MixedUnits { .. }),
        ) => Ok(Outcome::Unavailable(Unavailable {
            stage: stage.clone(),
            result: None,
            reason: e.to_string(),
            citation,
        })),
        Err(e) => Err(e),
    }
}

/// All three indicators for one mineral.
struct Assessment {
    eu: EuSrAssessment,
    gpr: Vec<Outcome<GeoPolRiskAssessment>>,
    dp: Vec<Outcome<DisruptionPotential>>,
}

const STAGES: [Stage; 2] = [Stage::Mining, Stage::Refining];

fn assess(
    ix: &Indexed,
    imp: &Importer,
    mineral: &str,
    year: Year,
    params: &EuSrParams,
) -> Result<Assessment, AnalysisError> {
    let gap = params.governance_gap();
    let eu = ix.eu_supply_risk(imp, mineral, year, params)?;
    let mut gpr = Vec::new();
    let mut dp = Vec::new();
    for s in &STAGES {
        gpr.push(outcome(
            ix.geopolrisk(imp, mineral, s, year, gap),
            s,
            GEOPOLRISK_CITATION,
        )?);
        dp.push(outcome(
            ix.disruption_potential(mineral, s, year, None, gap),
            s,
            DP_CITATION,
        )?);
    }
    Ok(Assessment { eu, gpr, dp })
}

impl Assessment {
    /// Countries whose governance score was imputed, per method.
    fn imputed(&self) -> BTreeMap<&'static str, BTreeSet<CountryCode>> {
        let mut eu = BTreeSet::new();
        for st in [&self.eu.extraction, &self.eu.processing] {
            for s in st
                .global
                .iter()
                .chain(&st.sourcing)
                .filter(|s| s.wgi.imputed)
            {
                eu.insert(s.country);
            }
        }
        let mut gpr = BTreeSet::new();
        for a in self.gpr.iter().filter_map(done) {
            gpr.extend(
                a.suppliers
                    .iter()
                    .filter(|s| s.g.imputed)
                    .map(|s| s.country),
            );
        }
        let mut dp = BTreeSet::new();
        for a in self.dp.iter().filter_map(done) {
            dp.extend(
                a.producers
                    .iter()
                    .filter(|p| p.weight.imputed)
                    .map(|p| p.country),
            );
        }
        BTreeMap::from([
            ("eu_sr", eu),
            ("geopolrisk", gpr),
            ("disruption_potential", dp),
        ])
    }

    /// Production sources behind the global-supply shares and HHIs.
    fn sources_used(&self) -> BTreeSet<String> {
        let mut v: BTreeSet<String> = [&self.eu.extraction, &self.eu.processing]
            .iter()
            .filter_map(|st| st.global_source.as_ref().map(|s| s.to_string()))
            .collect();
        v.extend(
            self.gpr
                .iter()
                .filter_map(done)
                .map(|g| g.hhi_source.to_string()),
        );
        v.extend(
            self.dp
                .iter()
                .filter_map(done)
                .map(|d| d.source.to_string()),
        );
        v
    }
}

fn done<T>(o: &Outcome<T>) -> Option<&T> {
    match o {
        Outcome::Done(v) => Some(v),
        Outcome::Unavailable(_) => None,
    }
}

/// One indicator at one stage, for the table and CSV.
#[derive(Serialize)]
pub struct IndicatorRow {
    pub indicator: &'static str,
    pub stage: String,
    pub value: Option<f64>,
    /// Upper bound (disruption potential with the unlisted residual as one producer).
    pub value_upper: Option<f64>,
    /// EU SR: whether this stage's value is the one kept.
    pub kept: Option<bool>,
    pub inputs: String,
    pub reason: Option<String>,
}

fn eu_row(a: &EuSrAssessment, st: &EuSrStage) -> IndicatorRow {
    let inputs =
        match &st.result {
            Some(r) => format!(
            "HHI_WGI,t global {} (source {}), sourcing {}; IR {} (used {}); EoL-RIR {}; SI_SR {}",
            readable(r.hhi_wgi_t_global),
            st.global_source.as_ref().map_or(String::new(), |s| s.to_string()),
            readable(r.hhi_wgi_t_sourcing),
            readable(r.import_reliance),
            readable(r.import_reliance_used),
            readable(r.eol_rir),
            readable(r.si_sr)
        ),
            None => String::new(),
        };
    IndicatorRow {
        indicator: "eu_sr",
        stage: st.stage.to_string(),
        value: st.result.as_ref().map(|r| r.sr),
        value_upper: None,
        kept: Some(a.kept.as_ref() == Some(&st.stage)),
        inputs,
        reason: st.reason.clone(),
    }
}

fn rows(a: &Assessment) -> Vec<IndicatorRow> {
    let mut v = vec![
        eu_row(&a.eu, &a.eu.extraction),
        eu_row(&a.eu, &a.eu.processing),
    ];
    for o in &a.gpr {
        v.push(match o {
            Outcome::Done(g) => IndicatorRow {
                indicator: "geopolrisk",
                stage: g.stage.to_string(),
                value: g.result.as_ref().map(|r| r.score),
                value_upper: None,
                kept: None,
                inputs: g.result.as_ref().map_or(String::new(), |r| {
                    format!(
                        "HHI {} ({}) × import risk {}; imports {} t, production {} t contained",
                        readable(r.hhi),
                        g.hhi_source,
                        readable(r.import_risk),
                        readable(r.total_imports_t),
                        readable(r.domestic_production_t)
                    )
                }),
                reason: g.reason.clone(),
            },
            Outcome::Unavailable(u) => unavailable_row("geopolrisk", u),
        });
    }
    for o in &a.dp {
        v.push(match o {
            Outcome::Done(d) => IndicatorRow {
                indicator: "disruption_potential",
                stage: d.stage.to_string(),
                value: Some(d.dp),
                value_upper: Some(d.dp_upper),
                kept: None,
                inputs: format!(
                    "{} producers from {}; unlisted share {}",
                    d.producers.len(),
                    d.source,
                    readable(d.unlisted_share)
                ),
                reason: None,
            },
            Outcome::Unavailable(u) => unavailable_row("disruption_potential", u),
        });
    }
    v
}

fn unavailable_row(indicator: &'static str, u: &Unavailable) -> IndicatorRow {
    IndicatorRow {
        indicator,
        stage: u.stage.to_string(),
        value: None,
        value_upper: None,
        kept: None,
        inputs: String::new(),
        reason: Some(u.reason.clone()),
    }
}

/// The sources read: governance (WGI), trade, and the production sources `used`, with
/// their attribution.
fn sources(ds: &Dataset, used: &BTreeSet<String>) -> Vec<Value> {
    let trade = ds.trade.provenance.as_ref().map(|p| p.source.to_string());
    ds.sources
        .iter()
        .filter(|s| {
            s.id.as_str().starts_with("wgi")
                || Some(s.id.to_string()) == trade
                || used.contains(s.id.as_str())
        })
        .map(|s| json!({"source": s.id, "attribution": s.attribution}))
        .collect()
}

fn citations() -> Value {
    json!({
        "eu_sr": EU_SR_CITATION,
        "geopolrisk": GEOPOLRISK_CITATION,
        "disruption_potential": DP_CITATION,
    })
}

fn common_notes(
    ds: &Dataset,
    used: &BTreeSet<String>,
    year: Year,
    year_basis: &str,
    gap: GapRule,
) -> Vec<String> {
    let mut n = vec![
        format!("year: {year} ({year_basis})"),
        "eu_sr: EU supply risk (dimensionless; SR >= 1 is one of the two EU criticality conditions); geopolrisk: 0-1; disruption_potential: 0-1".into(),
        format!(
            "missing governance estimates: {} (imputed countries listed)",
            match gap {
                GapRule::Midpoint => "midpoint of each scale (5 on the EU 0-10 WGI scale, 0.5 on the 0-1 scales)",
                GapRule::Worst => "worst score of each scale",
                GapRule::Refuse => "refused",
            }
        ),
        format!("eu_sr: {EU_SR_CITATION}"),
        format!("geopolrisk: {GEOPOLRISK_CITATION}"),
        format!("disruption_potential: {DP_CITATION}"),
    ];
    for s in sources(ds, used) {
        n.push(format!(
            "{}: {}",
            s["source"].as_str().unwrap_or_default(),
            s["attribution"].as_str().unwrap_or_default()
        ));
    }
    n
}

/// What one run of the command asks for, shared by the one-mineral and summary views.
struct Request<'a> {
    ix: Indexed<'a>,
    imp: Importer,
    year: Year,
    year_basis: String,
    args: &'a CriticalityArgs,
    file: BTreeMap<String, Override>,
}

/// Run `derisk criticality`.
pub fn run(ds: &Dataset, args: &CriticalityArgs, format: Format) -> Result<()> {
    let (imp, _) = importer(ds, &args.importer)?;
    for (flag, v) in [("--si-sr", args.si_sr), ("--eol-rir", args.eol_rir)] {
        if let Some(x) = v.filter(|x| !(0.0..=1.0).contains(x)) {
            return usage::fail(format!("{flag} {x}: expected a number in [0, 1]"));
        }
    }
    if let Some(x) = args.ei.filter(|x| !(x.is_finite() && *x >= 0.0)) {
        return usage::fail(format!("--ei {x}: expected a non-negative number"));
    }
    let file = match &args.params {
        Some(p) => load_params(ds, p)?,
        None => BTreeMap::new(),
    };
    let mineral = match &args.mineral {
        Some(m) => Some(usage::mineral(ds, m)?),
        None => None,
    };
    let ix = Indexed::new(ds);
    let (year, year_basis) = trade_year(&ix, args.year)?;
    let req = Request {
        ix,
        imp,
        year,
        year_basis,
        args,
        file,
    };
    match mineral {
        Some(m) => one(&req, m, format),
        None => all(&req, format),
    }
}

impl Request<'_> {
    /// Every indicator for one mineral, with that mineral's EU SR parameters.
    fn assess(&self, m: &Mineral) -> Result<Assessment> {
        let params = params_for(self.args, &self.file, m.id.as_str())?;
        assess(&self.ix, &self.imp, m.id.as_str(), self.year, &params)
            .map_err(|e| analysis_error(&self.ix, e))
    }
}

fn one(req: &Request, m: &Mineral, format: Format) -> Result<()> {
    let Request {
        ix,
        imp,
        year,
        year_basis,
        args,
        file,
    } = req;
    let year = *year;
    let a = req.assess(m)?;
    let records = rows(&a);
    let imputed = a.imputed();
    let used = a.sources_used();
    let mut notes = common_notes(ix.ds, &used, year, year_basis, args.governance_gap);
    for (method, cs) in imputed.iter().filter(|(_, cs)| !cs.is_empty()) {
        let list: Vec<String> = cs.iter().map(|c| c.to_string()).collect();
        notes.push(format!(
            "{method}: governance imputed for {}",
            list.join(" ")
        ));
    }
    notes.push(format!(
        "EU SR parameters: SI_SR {}, EoL-RIR {} ({}), t agreement {}, partners {}",
        readable(a.eu.params.si_sr()),
        readable(a.eu.eol_rir),
        a.eu.eol_rir_basis,
        readable(a.eu.params.t_agreement()),
        a.eu.params.trade_agreement_partners().len()
    ));
    let stage_map = |v: &dyn Fn(&Stage) -> Value| -> Value {
        json!({"mining": v(&Stage::Mining), "refining": v(&Stage::Refining)})
    };
    let gpr = stage_map(&|s| serde_json::to_value(&a.gpr[stage_index(s)]).unwrap_or(Value::Null));
    let dp = stage_map(&|s| serde_json::to_value(&a.dp[stage_index(s)]).unwrap_or(Value::Null));
    let doc = json!({
        "importer": imp.label,
        "members": imp.members,
        "mineral": m.id.as_str(),
        "year": year,
        "year_basis": year_basis,
        "governance_gap": GovernanceGap::from(args.governance_gap),
        "params_file": args.params.as_ref().map(|p| p.display().to_string()),
        "eu_sr": a.eu,
        "eu_classification": EuClassification::new(a.eu.sr, ei_for(args, file, m.id.as_str())),
        "geopolrisk": gpr,
        "disruption_potential": dp,
        "imputed_governance": imputed,
        "citations": citations(),
        "records": records,
        "sources": sources(ix.ds, &used),
        "notes": notes,
    });
    emit(
        format,
        &Report {
            title: format!("{} criticality for {}, {year}", m.name, imp.label),
            records: &records,
            notes,
            json: Some(doc),
        },
    )
}

fn stage_index(s: &Stage) -> usize {
    STAGES.iter().position(|x| x == s).unwrap_or(0)
}

/// One mineral of the summary.
#[derive(Serialize)]
pub struct MineralRow {
    pub mineral: String,
    pub eu_sr: Option<f64>,
    pub eu_sr_stage: Option<String>,
    /// Economic importance given by the user, if any.
    pub ei: Option<f64>,
    /// EU classification (SR ≥ 1 and EI ≥ 2.8); empty when it cannot be decided.
    pub critical: Option<bool>,
    pub geopolrisk_mining: Option<f64>,
    pub geopolrisk_refining: Option<f64>,
    pub dp_mining: Option<f64>,
    pub dp_refining: Option<f64>,
    /// Countries whose governance was imputed (any method).
    pub imputed: String,
    pub note: Option<String>,
}

/// A reason shortened for a summary row (the full text is in the `--mineral` output).
fn short_reason(r: &str) -> String {
    if r.starts_with("global supply") {
        "no production figures".into()
    } else if r.contains("no HS codes") {
        "no HS codes at this stage".into()
    } else if r.starts_with("import reliance unknown") {
        "import reliance unknown (members' production unknown)".into()
    } else {
        let mut s: String = r.chars().take(80).collect();
        if s.len() < r.len() {
            s.push('…');
        }
        s
    }
}

/// The EU list's rule: a material is critical when SR ≥ 1 and EI ≥ 2.8 (European
/// Commission 2017 guidelines). derisk computes SR; EI is the user's input.
#[derive(Serialize)]
struct EuClassification {
    sr: Option<f64>,
    ei: Option<f64>,
    /// `None` when SR meets its threshold but EI is not given, or SR is unknown.
    critical: Option<bool>,
    rule: &'static str,
}

impl EuClassification {
    fn new(sr: Option<f64>, ei: Option<f64>) -> EuClassification {
        let critical = match (sr, ei) {
            (Some(s), Some(e)) => Some(s >= 1.0 && e >= 2.8),
            (Some(s), None) if s < 1.0 => Some(false),
            _ => None,
        };
        EuClassification {
            sr,
            ei,
            critical,
            rule: "critical if SR >= 1 and EI >= 2.8 (European Commission 2017 CRM guidelines); EI from --ei or --params",
        }
    }
}

fn all(req: &Request, format: Format) -> Result<()> {
    let Request {
        ix,
        imp,
        year,
        year_basis,
        args,
        file,
    } = req;
    let year = *year;
    let mut records = Vec::new();
    let mut used = BTreeSet::new();
    for m in &ix.ds.minerals {
        let a = req.assess(m)?;
        used.extend(a.sources_used());
        let gpr = |i: usize| done(&a.gpr[i]).and_then(|g| g.result.as_ref().map(|r| r.score));
        let dp = |i: usize| done(&a.dp[i]).map(|d| d.dp);
        let imputed: BTreeSet<String> = a
            .imputed()
            .values()
            .flatten()
            .map(|c| c.to_string())
            .collect();
        let mut why = Vec::new();
        if a.eu.sr.is_none() {
            for st in [&a.eu.extraction, &a.eu.processing] {
                if let Some(r) = &st.reason {
                    why.push(format!("EU SR {}: {}", st.stage, short_reason(r)));
                }
            }
        }
        records.push(MineralRow {
            mineral: m.id.to_string(),
            eu_sr: a.eu.sr,
            eu_sr_stage: a.eu.kept.as_ref().map(|s| s.to_string()),
            ei: ei_for(args, file, m.id.as_str()),
            critical: EuClassification::new(a.eu.sr, ei_for(args, file, m.id.as_str())).critical,
            geopolrisk_mining: gpr(0),
            geopolrisk_refining: gpr(1),
            dp_mining: dp(0),
            dp_refining: dp(1),
            imputed: imputed.into_iter().collect::<Vec<_>>().join(" "),
            note: (!why.is_empty()).then(|| why.join("; ")),
        });
    }
    let mut notes = common_notes(ix.ds, &used, year, year_basis, args.governance_gap);
    notes.push("details per stage, inputs and reasons: --mineral M".into());
    let doc = json!({
        "importer": imp.label,
        "members": imp.members,
        "year": year,
        "year_basis": year_basis,
        "governance_gap": GovernanceGap::from(args.governance_gap),
        "params_file": args.params.as_ref().map(|p| p.display().to_string()),
        "records": records,
        "citations": citations(),
        "sources": sources(ix.ds, &used),
        "notes": notes,
    });
    emit(
        format,
        &Report {
            title: format!("Criticality by mineral for {}, {year}", imp.label),
            records: &records,
            notes,
            json: Some(doc),
        },
    )
}
