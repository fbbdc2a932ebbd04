//! Reading `--params FILE` of `derisk criticality`: EU supply-risk parameters per mineral,
//! from JSON (`{"lithium": {"si_sr": 0.9, …}}`) or CSV (a `mineral` column and one column
//! per parameter). Strict: the file's structure is checked here, its values by the service
//! ([`check_override`]); every error names the file, the place (the mineral of a JSON
//! entry, the line of a CSV row), the field and the value.

use derisk_analysis::Engine;
use derisk_service::criticality::{check_override, OverrideError, OverrideField, ParamOverride};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A parameter file that cannot be used as it is (a usage mistake: exit code 2).
#[derive(Debug)]
pub enum ParamsFileError {
    Read {
        file: String,
        error: String,
    },
    /// The file as a whole: not JSON or CSV, not an object, no `mineral` column.
    Format {
        file: String,
        problem: String,
    },
    /// One value.
    Field {
        file: String,
        place: String,
        field: String,
        value: String,
        expected: String,
    },
}

impl fmt::Display for ParamsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamsFileError::Read { file, error } => {
                write!(f, "cannot read parameter file {file}: {error}")
            }
            ParamsFileError::Format { file, problem } => write!(f, "{file}: {problem}"),
            ParamsFileError::Field {
                file,
                place,
                field,
                value,
                expected,
            } => write!(
                f,
                "{file}: {place}: field {field} = {value}: expected {expected}"
            ),
        }
    }
}

impl std::error::Error for ParamsFileError {}

type Overrides = BTreeMap<String, ParamOverride>;

/// Where the file is and what went wrong where.
struct Reader<'a> {
    engine: &'a Engine,
    file: String,
}

impl Reader<'_> {
    fn format(&self, problem: String) -> ParamsFileError {
        ParamsFileError::Format {
            file: self.file.clone(),
            problem,
        }
    }

    fn field(&self, place: &str, field: &str, value: String, expected: &str) -> ParamsFileError {
        ParamsFileError::Field {
            file: self.file.clone(),
            place: place.to_string(),
            field: field.to_string(),
            value,
            expected: expected.to_string(),
        }
    }

    /// The service's check of one mineral's values, placed in the file.
    fn check(&self, place: &str, mineral: &str, o: &ParamOverride) -> Result<(), ParamsFileError> {
        check_override(self.engine, mineral, o)
            .map_err(|e: OverrideError| self.field(place, e.field_name(), e.given(), &e.expected()))
    }
}

fn known_fields() -> String {
    OverrideField::ALL.map(OverrideField::name).join(", ")
}

fn set_number(o: &mut ParamOverride, field: OverrideField, v: f64) {
    match field {
        OverrideField::SiSr => o.si_sr = Some(v),
        OverrideField::EolRir => o.eol_rir = Some(v),
        OverrideField::TAgreement => o.t_agreement = Some(v),
        OverrideField::Ei => o.ei = Some(v),
        OverrideField::TradeAgreementPartners => {}
    }
}

/// Read the file: JSON when it ends in `.json` or its first character is `{`, else CSV.
pub fn read(engine: &Engine, path: &Path) -> Result<Overrides, ParamsFileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ParamsFileError::Read {
        file: file.clone(),
        error: e.to_string(),
    })?;
    let reader = Reader { engine, file };
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().as_bytes().first() == Some(&b'{');
    if is_json {
        reader.json(&text)
    } else {
        reader.csv(&text)
    }
}

impl Reader<'_> {
    fn json(&self, text: &str) -> Result<Overrides, ParamsFileError> {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| self.format(format!("invalid JSON: {e}")))?;
        let Value::Object(top) = doc else {
            return Err(self.format(
                "expected an object keyed by mineral id, e.g. {\"lithium\": {\"si_sr\": 0.9}}"
                    .into(),
            ));
        };
        let mut out = Overrides::new();
        for (mineral, v) in top {
            let place = mineral.as_str();
            let Value::Object(fields) = v else {
                return Err(self.field(place, "(entry)", v.to_string(), "an object of parameters"));
            };
            let mut o = ParamOverride::default();
            for (name, v) in fields {
                let Some(field) = OverrideField::from_name(&name) else {
                    let expected = format!("a known field: {}", known_fields());
                    return Err(self.field(place, &name, v.to_string(), &expected));
                };
                if field == OverrideField::TradeAgreementPartners {
                    o.trade_agreement_partners = Some(self.json_codes(place, &name, &v)?);
                    continue;
                }
                match v.as_f64() {
                    Some(x) => set_number(&mut o, field, x),
                    None => return Err(self.field(place, &name, v.to_string(), field.expected())),
                }
            }
            self.check(place, &mineral, &o)?;
            out.insert(mineral, o);
        }
        Ok(out)
    }

    fn json_codes(
        &self,
        place: &str,
        name: &str,
        v: &Value,
    ) -> Result<Vec<String>, ParamsFileError> {
        let Value::Array(items) = v else {
            return Err(self.field(place, name, v.to_string(), "a list of ISO3 codes"));
        };
        items
            .iter()
            .map(|it| match it.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(self.field(place, name, it.to_string(), "an ISO3 code string")),
            })
            .collect()
    }

    fn csv(&self, text: &str) -> Result<Overrides, ParamsFileError> {
        let mut rd = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = rd
            .headers()
            .map_err(|e| self.format(format!("invalid CSV: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut columns: Vec<Option<OverrideField>> = Vec::with_capacity(header.len());
        for h in &header {
            if h == "mineral" {
                columns.push(None);
                continue;
            }
            match OverrideField::from_name(h) {
                Some(f) => columns.push(Some(f)),
                None => {
                    let expected = format!("columns mineral, {}", known_fields());
                    return Err(self.field("header", h, format!("{h:?}"), &expected));
                }
            }
        }
        if !header.iter().any(|h| h == "mineral") {
            return Err(self.format("header: missing column mineral".into()));
        }
        let mut out = Overrides::new();
        for rec in rd.records() {
            let rec = rec.map_err(|e| self.format(format!("invalid CSV: {e}")))?;
            let place = format!("line {}", rec.position().map_or(0, |p| p.line()));
            let mut o = ParamOverride::default();
            let mut mineral = String::new();
            for ((h, column), cell) in header.iter().zip(&columns).zip(rec.iter()) {
                if cell.is_empty() {
                    continue; // not set: the request-wide value or the default applies
                }
                match column {
                    None => mineral = cell.to_string(),
                    Some(OverrideField::TradeAgreementPartners) => {
                        let codes = cell
                            .split(|c: char| c == ';' || c.is_whitespace())
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect();
                        o.trade_agreement_partners = Some(codes);
                    }
                    Some(field) => match cell.parse::<f64>() {
                        Ok(x) => set_number(&mut o, *field, x),
                        Err(_) => {
                            return Err(self.field(
                                &place,
                                h,
                                format!("{cell:?}"),
                                field.expected(),
                            ))
                        }
                    },
                }
            }
            self.check(&place, &mineral, &o)?;
            if out.insert(mineral.clone(), o).is_some() {
                return Err(self.field(
                    &place,
                    "mineral",
                    format!("{mineral:?}"),
                    "each mineral once",
                ));
            }
        }
        Ok(out)
    }
}
