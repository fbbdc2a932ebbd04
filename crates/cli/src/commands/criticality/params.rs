//! `--params FILE` of `derisk criticality`: EU supply-risk parameters per mineral, from
//! JSON or CSV, checked strictly (errors name the file, the place, the field and the value).

use super::CriticalityArgs;
use crate::usage;
use anyhow::Result;
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::AnalysisError;
use derisk_model::{CountryCode, Dataset};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Per-mineral overrides of the EU SR parameters, from `--params`.
#[derive(Clone, Debug, Default)]
pub(super) struct Override {
    si_sr: Option<f64>,
    eol_rir: Option<f64>,
    t_agreement: Option<f64>,
    partners: Option<Vec<CountryCode>>,
    /// Economic importance (EU method), for the classification only.
    ei: Option<f64>,
}

const FIELDS: [&str; 5] = [
    "si_sr",
    "eol_rir",
    "t_agreement",
    "trade_agreement_partners",
    "ei",
];

fn bad<T>(file: &str, place: &str, field: &str, value: &str, expected: &str) -> Result<T> {
    usage::fail(format!(
        "{file}: {place}: field {field} = {value}: expected {expected}"
    ))
}

/// Check one numeric parameter: `si_sr` and `eol_rir` in [0, 1], `t_agreement` positive,
/// `ei` non-negative.
fn number(file: &str, place: &str, field: &str, text: &str, v: Option<f64>) -> Result<f64> {
    let (ok, expected) = match field {
        "ei" => (
            v.is_some_and(|x| x.is_finite() && x >= 0.0),
            "a non-negative number",
        ),
        "t_agreement" => (
            v.is_some_and(|x| x.is_finite() && x > 0.0),
            "a positive number",
        ),
        _ => (
            v.is_some_and(|x| (0.0..=1.0).contains(&x)),
            "a number in [0, 1]",
        ),
    };
    match v {
        Some(x) if ok => Ok(x),
        _ => bad(file, place, field, text, expected),
    }
}

fn partner(ds: &Dataset, file: &str, place: &str, code: &str) -> Result<CountryCode> {
    match CountryCode::try_from(code.trim().to_ascii_uppercase().as_str()) {
        Ok(c) if ds.country(c).is_some() => Ok(c),
        _ => bad(
            file,
            place,
            "trade_agreement_partners",
            &format!("{code:?}"),
            "ISO 3166 alpha-3 codes of known countries",
        ),
    }
}

fn known_mineral(ds: &Dataset, file: &str, place: &str, id: &str) -> Result<()> {
    if ds.mineral(id).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = ds.minerals.iter().map(|m| m.id.as_str()).collect();
    bad(
        file,
        place,
        "mineral",
        &format!("{id:?}"),
        &format!("a mineral id: {}", ids.join(", ")),
    )
}

/// Read `--params`: JSON `{"lithium": {"si_sr": 0.9, …}}` or CSV with a `mineral` column.
/// Every value is checked; an error names the file, the place, the field and the value.
pub(super) fn load_params(ds: &Dataset, path: &Path) -> Result<BTreeMap<String, Override>> {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return usage::fail(format!("cannot read parameter file {file}: {e}")),
    };
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    if is_json {
        params_json(ds, &file, &text)
    } else {
        params_csv(ds, &file, &text)
    }
}

fn params_json(ds: &Dataset, file: &str, text: &str) -> Result<BTreeMap<String, Override>> {
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return usage::fail(format!("{file}: invalid JSON: {e}")),
    };
    let Value::Object(top) = doc else {
        return usage::fail(format!(
            "{file}: expected an object keyed by mineral id, e.g. {{\"lithium\": {{\"si_sr\": 0.9}}}}"
        ));
    };
    let mut out = BTreeMap::new();
    for (mineral, v) in top {
        known_mineral(ds, file, &mineral, &mineral)?;
        let Value::Object(fields) = v else {
            return bad(
                file,
                &mineral,
                "(entry)",
                &v.to_string(),
                "an object of parameters",
            );
        };
        let mut o = Override::default();
        for (field, v) in fields {
            let place = mineral.as_str();
            let num = |f: &str| number(file, place, f, &v.to_string(), v.as_f64());
            match field.as_str() {
                "si_sr" => o.si_sr = Some(num("si_sr")?),
                "eol_rir" => o.eol_rir = Some(num("eol_rir")?),
                "t_agreement" => o.t_agreement = Some(num("t_agreement")?),
                "ei" => o.ei = Some(num("ei")?),
                "trade_agreement_partners" => {
                    let Value::Array(items) = &v else {
                        return bad(file, place, &field, &v.to_string(), "a list of ISO3 codes");
                    };
                    let mut cs = Vec::new();
                    for it in items {
                        match it.as_str() {
                            Some(s) => cs.push(partner(ds, file, place, s)?),
                            None => {
                                return bad(
                                    file,
                                    place,
                                    &field,
                                    &it.to_string(),
                                    "an ISO3 code string",
                                )
                            }
                        }
                    }
                    o.partners = Some(cs);
                }
                _ => {
                    return bad(
                        file,
                        place,
                        &field,
                        &v.to_string(),
                        &format!("a known field: {}", FIELDS.join(", ")),
                    )
                }
            }
        }
        out.insert(mineral, o);
    }
    Ok(out)
}

fn params_csv(ds: &Dataset, file: &str, text: &str) -> Result<BTreeMap<String, Override>> {
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match rd.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return usage::fail(format!("{file}: invalid CSV: {e}")),
    };
    for h in &header {
        if h != "mineral" && !FIELDS.contains(&h.as_str()) {
            return bad(
                file,
                "header",
                h,
                &format!("{h:?}"),
                &format!("columns mineral, {}", FIELDS.join(", ")),
            );
        }
    }
    if !header.iter().any(|h| h == "mineral") {
        return usage::fail(format!("{file}: header: missing column mineral"));
    }
    let mut out = BTreeMap::new();
    for rec in rd.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => return usage::fail(format!("{file}: invalid CSV: {e}")),
        };
        let line = rec.position().map_or(0, |p| p.line());
        let place = format!("line {line}");
        let mut o = Override::default();
        let mut mineral = String::new();
        for (h, cell) in header.iter().zip(rec.iter()) {
            if cell.is_empty() {
                continue; // not set: the default applies
            }
            let num = || {
                number(
                    file,
                    &place,
                    h,
                    &format!("{cell:?}"),
                    cell.parse::<f64>().ok(),
                )
            };
            match h.as_str() {
                "mineral" => mineral = cell.to_string(),
                "si_sr" => o.si_sr = Some(num()?),
                "eol_rir" => o.eol_rir = Some(num()?),
                "t_agreement" => o.t_agreement = Some(num()?),
                "ei" => o.ei = Some(num()?),
                _ => {
                    let cs: Result<Vec<CountryCode>> = cell
                        .split(|c: char| c == ';' || c.is_whitespace())
                        .filter(|s| !s.is_empty())
                        .map(|s| partner(ds, file, &place, s))
                        .collect();
                    o.partners = Some(cs?);
                }
            }
        }
        known_mineral(ds, file, &place, &mineral)?;
        if out.insert(mineral.clone(), o).is_some() {
            return bad(
                file,
                &place,
                "mineral",
                &format!("{mineral:?}"),
                "each mineral once",
            );
        }
    }
    Ok(out)
}

/// The parameters in force for one mineral: defaults, then the flags, then the file.
pub(super) fn params_for(
    args: &CriticalityArgs,
    file: &BTreeMap<String, Override>,
    mineral: &str,
) -> Result<EuSrParams> {
    let mut b = EuSrParams::builder().governance_gap(args.governance_gap.into());
    if let Some(v) = args.si_sr {
        b = b.si_sr(v);
    }
    if let Some(v) = args.eol_rir {
        b = b.eol_rir(v);
    }
    if let Some(o) = file.get(mineral) {
        if let Some(v) = o.si_sr {
            b = b.si_sr(v);
        }
        if let Some(v) = o.eol_rir {
            b = b.eol_rir(v);
        }
        if let Some(v) = o.t_agreement {
            b = b.t_agreement(v);
        }
        if let Some(p) = &o.partners {
            b = b.trade_agreement_partners(p.iter().copied());
        }
    }
    b.build().or_else(|e| match e {
        AnalysisError::InvalidParameter {
            name,
            value,
            expected,
        } => usage::fail(format!(
            "--{} {value}: expected {expected}",
            name.replace('_', "-")
        )),
        e => Err(e.into()),
    })
}

/// The economic importance for `mineral`: the file's value, else `--ei`, else unknown.
pub(super) fn ei_for(
    args: &CriticalityArgs,
    file: &BTreeMap<String, Override>,
    mineral: &str,
) -> Option<f64> {
    file.get(mineral).and_then(|o| o.ei).or(args.ei)
}
