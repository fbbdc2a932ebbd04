//! The tables of `derisk criticality`: one mineral's indicators by stage with their inputs,
//! or one row per mineral; long reasons as footnotes.

use crate::render::{self, number, paragraph, pct, Footnotes};
use anyhow::Result;
use derisk_service::criticality::{
    ClassificationBasis, CriticalityBatchResponse, CriticalityResponse, CriticalitySummaryResponse,
    ImputedGovernance, Indicator, IndicatorRow, ParamOrigin,
};
use derisk_service::defaults::YearBasis;
use std::io::Write;

fn year_words(b: YearBasis) -> &'static str {
    match b {
        YearBasis::Requested => "year requested",
        _ => "latest year in the trade table; --year to choose",
    }
}

fn origin_words(o: ParamOrigin) -> &'static str {
    match o {
        ParamOrigin::Default => "default",
        ParamOrigin::Eu2023 => "EU 2023 assessment",
        ParamOrigin::Request => "flag",
        ParamOrigin::Override => "--params",
    }
}

fn critical_words(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => "critical",
        Some(false) => "not critical",
        None => "undecided",
    }
}

fn basis_words(b: ClassificationBasis) -> &'static str {
    match b {
        ClassificationBasis::BothThresholdsMet => "SR ≥ 1 and EI ≥ 2.8",
        ClassificationBasis::SrBelowThreshold => "SR < 1",
        ClassificationBasis::EiBelowThreshold => "SR ≥ 1 but EI < 2.8",
        ClassificationBasis::EiNotGiven => "SR ≥ 1; give EI with --ei or --params to decide",
        ClassificationBasis::SrUnknown => "no EU SR at either stage",
        ClassificationBasis::SrRangeSpansThreshold => "SR known only as a range that spans 1",
    }
}

/// The inputs of one row, compactly.
fn inputs(r: &IndicatorRow) -> String {
    let n = number;
    let source = r.source.as_ref().map_or(String::new(), |s| s.to_string());
    match r.indicator {
        Indicator::EuSr if r.value.is_some() => format!(
            "HHI_WGI,t global {} ({source}), sourcing {}; IR {} (used {}); EoL-RIR {}; SI_SR {}",
            n(r.hhi_wgi_t_global),
            n(r.hhi_wgi_t_sourcing),
            n(r.import_reliance),
            n(r.import_reliance_used),
            n(r.eol_rir),
            n(r.si_sr)
        ),
        Indicator::Geopolrisk if r.value.is_some() => format!(
            "HHI {} ({source}) × import risk {}; imports {} t, production {} t contained",
            n(r.hhi),
            n(r.import_risk),
            n(r.imports_t),
            n(r.domestic_production_t)
        ),
        Indicator::GeopolriskPy if r.value.is_some() => format!(
            "HHI {} ({source}) × import risk {}; imports {} t gross, production {} t \
             (World Mining Data's unit)",
            n(r.hhi),
            n(r.import_risk),
            n(r.imports_t),
            n(r.domestic_production_t)
        ),
        Indicator::DisruptionPotential if r.value.is_some() => format!(
            "{} producers ({source}); unlisted share {}",
            r.producers.map_or("–".to_string(), |p| p.to_string()),
            pct(r.unlisted_share)
        ),
        _ if r.source.is_some() => format!("world shares from {source}"),
        _ => String::new(),
    }
}

pub fn detail(out: &mut dyn Write, r: &CriticalityResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "{} criticality for {} ({}), {} ({})",
            r.mineral.name,
            r.importer.name,
            r.importer.label,
            r.year,
            year_words(r.year_basis)
        ),
    )?;
    let mut notes = Footnotes::default();
    let mut t = render::table(
        ["indicator", "stage", "value", "upper bound", "inputs"]
            .map(String::from)
            .to_vec(),
    );
    for row in &r.rows {
        let mut value = match (row.value, row.value_low, row.value_high) {
            (None, Some(lo), Some(hi)) => {
                format!("{}–{} (range)", number(Some(lo)), number(Some(hi)))
            }
            (v, _, _) => number(v),
        };
        if row.kept == Some(true) {
            value.push_str(" (kept)");
        }
        if let Some(reason) = &row.reason {
            value = format!("{value} {}", notes.mark(reason.clone()));
        }
        t.add_row(vec![
            row.indicator.to_string(),
            row.stage.to_string(),
            value,
            row.value_upper.map_or(String::new(), |u| number(Some(u))),
            inputs(row),
        ]);
    }
    writeln!(out, "{t}")?;
    notes.write(out)?;
    let c = &r.eu_classification;
    paragraph(
        out,
        &format!(
            "EU classification: {} (SR {}, EI {}: {}). Rule: {}.",
            critical_words(c.critical),
            number(c.sr),
            c.ei.map_or("not given".into(), |e| number(Some(e))),
            basis_words(c.basis),
            c.rule
        ),
    )?;
    let p = &r.eu_sr.params;
    let o = &r.parameters;
    paragraph(
        out,
        &format!(
            "EU SR parameters: stages {} ({}), SI_SR {} ({}), EoL-RIR {} ({}), t agreement {} \
             ({}), {} trade-agreement partners ({}), EI {} ({}).",
            [derisk_model::Stage::Mining, derisk_model::Stage::Refining]
                .iter()
                .filter(|s| p.assesses(s))
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(" and "),
            origin_words(o.stages),
            number(Some(p.si_sr())),
            origin_words(o.si_sr),
            number(Some(r.eu_sr.eol_rir)),
            match o.eol_rir {
                // The method's default names the mineral record or its absence.
                ParamOrigin::Default => r.eu_sr.eol_rir_basis.to_string(),
                other => origin_words(other).to_string(),
            },
            number(Some(p.t_agreement())),
            origin_words(o.t_agreement),
            p.trade_agreement_partners().len(),
            origin_words(o.trade_agreement_partners),
            c.ei.map_or("not given".into(), |e| number(Some(e))),
            origin_words(o.ei)
        ),
    )?;
    paragraph(out, &format!("Governance: {}.", r.governance_gap.meaning))?;
    if let Some(line) = imputed_line(&r.imputed_governance) {
        paragraph(out, &line)?;
    }
    paragraph(
        out,
        &format!(
            "Units: {}; {}; {}.",
            r.units.eu_sr, r.units.geopolrisk, r.units.disruption_potential
        ),
    )?;
    paragraph(
        out,
        &format!(
            "Methods: EU SR — {}. GeoPolRisk — {}. Disruption potential — {}.",
            r.citations.eu_sr, r.citations.geopolrisk, r.citations.disruption_potential
        ),
    )?;
    render::sources(out, &r.attribution)
}

fn imputed_line(i: &ImputedGovernance) -> Option<String> {
    let parts: Vec<String> = [
        ("EU SR", &i.eu_sr),
        ("GeoPolRisk", &i.geopolrisk),
        ("disruption potential", &i.disruption_potential),
    ]
    .iter()
    .filter(|(_, cs)| !cs.is_empty())
    .map(|(m, cs)| {
        let cs: Vec<String> = cs.iter().map(|c| c.to_string()).collect();
        format!("{m}: {}", cs.join(" "))
    })
    .collect();
    (!parts.is_empty()).then(|| format!("Governance imputed for {}.", parts.join("; ")))
}

pub fn summary(out: &mut dyn Write, r: &CriticalitySummaryResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "Criticality by mineral for {} ({}), {} ({})",
            r.importer.name,
            r.importer.label,
            r.year,
            year_words(r.year_basis)
        ),
    )?;
    let mut notes = Footnotes::default();
    let mut t = render::table(
        [
            "mineral",
            "EU SR",
            "EI",
            "EU critical",
            "GPRS mining",
            "GPRS refining",
            "DP mining",
            "DP refining",
            "notes",
        ]
        .map(String::from)
        .to_vec(),
    );
    for m in &r.minerals {
        let eu = match (&m.eu_sr, &m.eu_sr_stage, m.eu_sr_low, m.eu_sr_high) {
            (Some(v), Some(s), _, _) => format!("{} ({s})", number(Some(*v))),
            (None, _, Some(lo), Some(hi)) => format!("{}–{}", number(Some(lo)), number(Some(hi))),
            (v, _, _, _) => number(*v),
        };
        // One footnote per mineral: its gaps, then its imputed countries.
        let mut why: Vec<String> = m.gaps.iter().map(|g| g.to_string()).collect();
        let imputed: Vec<String> = m
            .imputed_governance
            .all()
            .iter()
            .map(|c| c.to_string())
            .collect();
        if !imputed.is_empty() {
            why.push(format!("governance imputed for {}", imputed.join(" ")));
        }
        let mark = if why.is_empty() {
            String::new()
        } else {
            notes.mark(why.join("; "))
        };
        t.add_row(vec![
            m.mineral.id.clone(),
            eu,
            number(m.ei),
            critical_words(m.critical).to_string(),
            number(m.geopolrisk_mining),
            number(m.geopolrisk_refining),
            number(m.dp_mining),
            number(m.dp_refining),
            mark,
        ]);
    }
    writeln!(out, "{t}")?;
    notes.write(out)?;
    paragraph(
        out,
        &format!(
            "EU SR (stage kept: the higher; a range a–b where the importer's production is \
             known only within bounds: members absent from tables of the main producers, \
             bounded by the table's rest of world), EU classification ({}), GPRS = GeoPolRisk (0–1), \
             DP = USGS-style disruption potential (0–1). Governance: {}. Details per stage, \
             inputs and citations: --mineral M; every figure: --format json.",
            r.classification_rule, r.governance_gap.meaning
        ),
    )?;
    render::sources(out, &r.attribution)
}

/// The batch: one row per importer × mineral × year (× stage for derisk's method).
pub fn batch(out: &mut dyn Write, r: &CriticalityBatchResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "GeoPolRisk, {} importer(s) × {} mineral(s) × {}–{}: {}",
            r.importers,
            r.minerals.len(),
            r.from_year,
            r.to_year,
            r.method.summary
        ),
    )?;
    let mut notes = Footnotes::default();
    let mut t = render::table(
        [
            "importer",
            "mineral",
            "year",
            "stage",
            "GPRS",
            "HHI",
            "import risk",
            "imports t",
            "production t",
            "CF",
            "notes",
        ]
        .map(String::from)
        .to_vec(),
    );
    for row in &r.rows {
        t.add_row(vec![
            row.importer.clone(),
            row.mineral.clone(),
            row.year.to_string(),
            row.stage.as_ref().map_or("–".into(), |s| s.to_string()),
            number(row.score),
            number(row.hhi),
            number(row.import_risk),
            number(row.imports_t),
            number(row.production_t),
            number(row.cf),
            row.reason
                .clone()
                .map_or(String::new(), |why| notes.mark(why)),
        ]);
    }
    writeln!(out, "{t}")?;
    notes.write(out)?;
    for d in &r.method.differences {
        paragraph(out, &format!("  - {d}"))?;
    }
    paragraph(out, &format!("Method: {}", r.method.citation))?;
    render::sources(out, &r.attribution)
}
