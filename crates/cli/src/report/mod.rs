//! `derisk report <ISO3|group> --out report.html`: one self-contained HTML page — the
//! briefing, dependence by mineral and supplier, criticality, and every source with its
//! licence — with charts drawn here as inline SVG. No script, font, image or style is
//! fetched: the page reads offline and sends no request.
//!
//! The numbers, rankings and defaults are the service's; this module only lays them out.
//! It reads the responses as JSON values (the same documents `--format json` and the API
//! give), so it renders exactly what a client of the API would see.

mod svg;

use anyhow::{Context, Result};
use derisk_service::brief::BriefRequest;
use derisk_service::criticality::CriticalityRequest;
use derisk_service::dependence::{DependenceRequest, DependenceSummaryRequest};
use derisk_service::Service;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The page for a country or group.
pub fn render(service: &Service, target: &str) -> Result<String> {
    let brief = to_value(service.brief(&BriefRequest::new(target))?)?;
    let label = brief["target"]["label"]
        .as_str()
        .unwrap_or(target)
        .to_string();
    let summary = to_value(service.dependence_summary(&DependenceSummaryRequest::new(&label))?)?;
    // Criticality needs importers the method covers; a target it cannot score gets a note.
    let criticality = service
        .criticality_summary(&CriticalityRequest::new(&label))
        .map_err(|e| e.to_string())
        .and_then(|r| serde_json::to_value(r).map_err(|e| e.to_string()));
    let mut deps = Vec::new();
    for m in brief["brief"]["minerals"].as_array().into_iter().flatten() {
        let id = m["mineral"].as_str().unwrap_or_default();
        let name = m["name"].as_str().unwrap_or(id).to_string();
        let d = service
            .dependence(&DependenceRequest::new(&label, id))
            .map_err(|e| e.to_string())
            .and_then(|r| serde_json::to_value(r).map_err(|e| e.to_string()));
        deps.push((name, d));
    }
    let mut attributions = BTreeMap::new();
    for v in [&brief, &summary]
        .into_iter()
        .chain(criticality.as_ref().ok())
        .chain(deps.iter().filter_map(|(_, d)| d.as_ref().ok()))
    {
        for a in v["attribution"].as_array().into_iter().flatten() {
            let key = a["source"].as_str().unwrap_or_default().to_string();
            attributions.insert(key, a.clone());
        }
    }
    Ok(page(&brief, &summary, &criticality, &deps, &attributions))
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).context("serialising a response for the report")
}

/// HTML-escape text.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "—".into(), |x| format!("{:.1} %", x * 100.0))
}

fn num(v: &Value) -> String {
    v.as_f64().map_or_else(|| "—".into(), |x| format!("{x:.0}"))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => esc(&s.replace('_', " ")),
        Value::Null => "—".into(),
        other => esc(&other.to_string()),
    }
}

fn table(out: &mut String, caption: &str, head: &[&str], rows: &[Vec<String>], numeric: &[usize]) {
    let _ = write!(out, "<table><caption>{}</caption><thead><tr>", esc(caption));
    for (i, h) in head.iter().enumerate() {
        let class = if numeric.contains(&i) {
            r#" class="num""#
        } else {
            ""
        };
        let _ = write!(out, r#"<th scope="col"{class}>{}</th>"#, esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric.contains(&i) {
                r#" class="num""#
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{c}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

const STYLE: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;max-width:1000px;margin:24px auto;padding:0 16px}h1{margin-bottom:0}.sub{color:#4a4a4a;margin-top:4px}table{border-collapse:collapse;margin:8px 0 18px;font-size:.9rem}th,td{border-bottom:1px solid #c8ccd2;padding:3px 8px;text-align:left;vertical-align:top}.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:4px 0}svg.chart{max-width:100%;height:auto;display:block;margin:8px 0}svg text{font-size:11px;fill:#1a1a1a}svg text.axis{fill:#4a4a4a}.note{color:#4a4a4a;font-size:.9rem;max-width:80ch}@media print{section{break-inside:avoid}}";

fn page(
    brief: &Value,
    summary: &Value,
    criticality: &Result<Value, String>,
    deps: &[(String, Result<Value, String>)],
    attributions: &BTreeMap<String, Value>,
) -> String {
    let name = brief["target"]["name"].as_str().unwrap_or("?");
    let b = &brief["brief"];
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>derisk report: {n}</title><style>{STYLE}</style></head><body><header><h1>{n}: critical-mineral supply risk</h1><p class="sub">Members: {members}. Trade year {ty}; export restrictions as of {asof}; HHI bands {th}. Produced by derisk {v}.</p></header><main>"#,
        n = esc(name),
        members = esc(&join(&b["members"])),
        ty = text(&b["trade_year"]),
        asof = text(&b["restrictions_as_of"]),
        th = text(&b["thresholds"]),
        v = env!("CARGO_PKG_VERSION"),
    );
    risks(&mut o, b);
    concentration(&mut o, b, name);
    dependence(&mut o, summary, deps, name);
    match criticality {
        Ok(c) => criticality_section(&mut o, c),
        Err(e) => {
            let _ = write!(
                o,
                r#"<section><h2>Criticality</h2><p class="note">Not computed for this target: {}</p></section>"#,
                esc(e)
            );
        }
    }
    o.push_str("<section><h2>Sources and attribution</h2><ul>");
    for a in attributions.values() {
        let _ = write!(
            o,
            "<li><strong>{}</strong>: {} — licence: {}</li>",
            text(&a["source"]),
            esc(a["attribution"].as_str().unwrap_or_default()),
            esc(a["licence"].as_str().unwrap_or_default())
        );
    }
    o.push_str("</ul><p class=\"note\">Missing figures are shown as “—” or “no figure”, never as zero. Every number above can be reproduced with the derisk command line or API on the same snapshot.</p></section></main></body></html>\n");
    o
}

fn join(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn risks(o: &mut String, b: &Value) {
    let rows: Vec<Vec<String>> = b["risks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let f = &r["fact"];
            vec![
                text(&f["mineral_name"]),
                text(&r["driver"]),
                text(&f["producer"]),
                pct(&f["share"]),
                text(&f["stage"]),
                pct(&r["reliance"]),
            ]
        })
        .collect();
    o.push_str("<section><h2>The largest risks</h2>");
    if rows.is_empty() {
        o.push_str("<p>The briefing names no risk above its thresholds.</p>");
    } else {
        table(
            o,
            "Ranked by the briefing's score",
            &[
                "Mineral",
                "Driver",
                "Producer",
                "Share",
                "Stage",
                "Import reliance",
            ],
            &rows,
            &[3, 5],
        );
    }
    o.push_str("</section>");
}

fn top_share(stage: &Value) -> (Option<f64>, String) {
    let t = &stage["top"][0];
    (
        t["share"].as_f64(),
        t["country"].as_str().unwrap_or("—").to_string(),
    )
}

fn concentration(o: &mut String, b: &Value, name: &str) {
    let minerals: Vec<&Value> = b["minerals"].as_array().into_iter().flatten().collect();
    let bars: Vec<svg::Bar> = minerals
        .iter()
        .map(|m| svg::Bar {
            label: m["name"].as_str().unwrap_or("?").to_string(),
            value: top_share(&m["mining"]).0,
            second: top_share(&m["refining"]).0,
        })
        .collect();
    o.push_str("<section><h2>How concentrated the world's supply is</h2><figure>");
    o.push_str(&svg::bars(
        "conc",
        &format!("Share of the largest producer, mining and refining, for the minerals in {name}'s briefing"),
        "One row per mineral: the top producer's share of world mine output and of refinery output; the table below gives the same figures with the country and HHI.",
        ["mining: largest producer", "refining: largest producer"],
        &bars,
    ));
    o.push_str("</figure>");
    let rows: Vec<Vec<String>> = minerals
        .iter()
        .map(|m| {
            let (ms, mc) = top_share(&m["mining"]);
            let (rs, rc) = top_share(&m["refining"]);
            let p =
                |x: Option<f64>| x.map_or_else(|| "—".into(), |x| format!("{:.1} %", x * 100.0));
            vec![
                text(&m["name"]),
                format!("{} {}", esc(&mc), p(ms)),
                num(&m["mining"]["hhi"]),
                text(&m["mining"]["band"]),
                format!("{} {}", esc(&rc), p(rs)),
                num(&m["refining"]["hhi"]),
                text(&m["refining"]["band"]),
            ]
        })
        .collect();
    table(
        o,
        "Largest producer and HHI (0–10,000) by stage",
        &[
            "Mineral",
            "Mining: largest",
            "HHI",
            "Band",
            "Refining: largest",
            "HHI",
            "Band",
        ],
        &rows,
        &[2, 5],
    );
    o.push_str("</section>");
}

fn dependence(
    o: &mut String,
    summary: &Value,
    deps: &[(String, Result<Value, String>)],
    name: &str,
) {
    o.push_str("<section><h2>Who it depends on</h2>");
    // Heatmap: minerals of the briefing × their largest suppliers.
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    let mut cells: BTreeMap<(usize, String), f64> = BTreeMap::new();
    let mut rows = Vec::new();
    for (name, d) in deps {
        let Ok(d) = d else { continue };
        let i = rows.len();
        rows.push(name.clone());
        for s in d["suppliers"].as_array().into_iter().flatten() {
            let (Some(c), Some(v)) = (s["country"].as_str(), s["share"].as_f64()) else {
                continue;
            };
            *totals.entry(c.to_string()).or_default() += v;
            cells.insert((i, c.to_string()), v);
        }
    }
    let mut cols: Vec<(String, f64)> = totals.into_iter().collect();
    cols.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let cols: Vec<String> = cols.into_iter().take(14).map(|c| c.0).collect();
    o.push_str("<figure>");
    o.push_str(&svg::heatmap(
        "heat",
        &format!("{name}: share of each mineral's imports by supplier"),
        "Rows are the briefing's minerals, columns the largest suppliers over them; a cell is the supplier's share of the mineral's imports by contained tonnes (blank: no recorded flow).",
        &rows,
        &cols,
        |i, j| cells.get(&(i, cols[j].clone())).copied(),
    ));
    o.push_str("</figure>");
    for (name, d) in deps {
        if let Err(e) = d {
            let _ = write!(o, r#"<p class="note">{}: {}</p>"#, esc(name), esc(e));
        }
    }
    let rows: Vec<Vec<String>> = summary["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            vec![
                text(&r["mineral"]),
                text(&r["largest_supplier"]),
                pct(&r["largest_share"]),
                num(&r["import_hhi"]),
                pct(&r["nir"]),
                r["suppliers"].to_string(),
            ]
        })
        .collect();
    table(
        o,
        &format!(
            "Every mineral: largest supplier, import HHI and net import reliance ({} trade)",
            summary["year"]
        ),
        &[
            "Mineral",
            "Largest supplier",
            "Its share",
            "Import HHI",
            "Net import reliance",
            "Suppliers",
        ],
        &rows,
        &[2, 3, 4, 5],
    );
    o.push_str("</section>");
}

fn criticality_section(o: &mut String, c: &Value) {
    o.push_str("<section><h2>Criticality</h2>");
    let rows: Vec<Vec<String>> = c["minerals"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            vec![
                text(&r["mineral"]["name"]),
                num2(&r["eu_sr"]),
                text(&r["eu_sr_stage"]),
                text(&r["critical"]),
                num2(&r["geopolrisk_mining"]),
                num2(&r["geopolrisk_refining"]),
                num2(&r["dp_mining"]),
                num2(&r["dp_refining"]),
            ]
        })
        .collect();
    table(
        o,
        &format!(
            "EU supply risk, GeoPolRisk and disruption potential by mineral ({} figures; {})",
            c["year"],
            c["classification_rule"].as_str().unwrap_or_default()
        ),
        &[
            "Mineral",
            "EU SR",
            "SR stage",
            "Critical",
            "GeoPolRisk mining",
            "GeoPolRisk refining",
            "DP mining",
            "DP refining",
        ],
        &rows,
        &[1, 4, 5, 6, 7],
    );
    o.push_str("</section>");
}

fn num2(v: &Value) -> String {
    v.as_f64().map_or_else(|| "—".into(), |x| format!("{x:.2}"))
}
