//! Export restrictions on critical minerals, hand-encoded from government announcements,
//! the IEA policy tracker and Global Trade Alert records (facts only, in derisk's words),
//! and the suspensions that pause them.
//!
//! Two tables:
//! - measures: `id,country,minerals,stages,hs,measure,targets,except,start,end,summary,source_url`;
//! - suspensions: `id,measures,start,end,summary,source_url`, each naming the measure ids it
//!   pauses.

use super::fields::{country, list, slug, url, Seen};
use crate::countries::{CountryResolver, UnknownNames};
use crate::error::{ImportError, Result};
use crate::table::{CsvTable, Row};
use derisk_model::{
    CountryCode, CountryGroup, Date, ExportRestriction, HsCarrier, HsCode, MeasureSuspension,
    MeasureType, Mineral, MineralId, Nomenclature, RestrictionTargets, Stage,
};
use std::collections::BTreeMap;
use std::io::Read;

pub(crate) const COLUMNS: [&str; 12] = [
    "id",
    "country",
    "minerals",
    "stages",
    "hs",
    "measure",
    "targets",
    "except",
    "start",
    "end",
    "summary",
    "source_url",
];

pub(crate) const SUSPENSION_COLUMNS: [&str; 6] =
    ["id", "measures", "start", "end", "summary", "source_url"];

/// What the catalogue and the groups give the parser to check against, with the labels of
/// their files for messages.
pub(crate) struct Context<'a> {
    pub resolver: &'a CountryResolver,
    pub minerals: &'a [Mineral],
    pub minerals_label: &'a str,
    pub groups: &'a [CountryGroup],
    pub groups_label: &'a str,
}

fn date(row: &Row, column: &str) -> Result<Date> {
    Date::parse(row.get(column)).ok_or_else(|| row.error(column, Date::EXPECTED))
}

/// An optional end date on or after `start`.
fn end_date(row: &Row, start: Date) -> Result<Option<Date>> {
    match row.get("end") {
        "" => Ok(None),
        e => match Date::parse(e) {
            Some(d) if d >= start => Ok(Some(d)),
            Some(_) => Err(row.error("end", format!("a date on or after `start` ({start})"))),
            None => Err(row.error(
                "end",
                "empty while in force, or a real date YYYY-MM-DD on or after `start`",
            )),
        },
    }
}

/// A `targets` or `except` cell: ISO3 codes (upper case) and group ids (lower case), as
/// written and expanded to countries (sorted, without repeats).
fn destinations(
    row: &Row,
    column: &str,
    cx: &Context,
    unknown: &mut UnknownNames,
) -> Result<(Vec<String>, Vec<CountryCode>)> {
    let mut listed = Vec::new();
    let mut codes = Vec::new();
    for item in list(row, column, true)? {
        listed.push(item.to_string());
        if item.bytes().all(|b| b.is_ascii_uppercase()) {
            let code = CountryCode::try_from(item).map_err(|_| {
                ImportError::field(
                    row.file,
                    row.line,
                    column,
                    item,
                    "ISO 3166 alpha-3 codes or group ids separated by ';'",
                )
            })?;
            if cx.resolver.is_known(code) {
                codes.push(code);
            } else {
                unknown.add(item, row.line);
            }
        } else {
            let Some(g) = cx.groups.iter().find(|g| g.id == item) else {
                let ids: Vec<&str> = cx.groups.iter().map(|g| g.id.as_str()).collect();
                return Err(ImportError::field(
                    row.file,
                    row.line,
                    column,
                    item,
                    format!(
                        "an ISO 3166 alpha-3 code or a group id listed in {} ({})",
                        cx.groups_label,
                        ids.join(", ")
                    ),
                ));
            };
            codes.extend(g.codes());
        }
    }
    codes.sort();
    codes.dedup();
    Ok((listed, codes))
}

/// Parse the measures and the suspensions against the resolver, the catalogue and the
/// groups. Output is sorted by id; each measure's suspensions are sorted by start.
pub(crate) fn parse<R: Read, S: Read>(
    file: &str,
    input: R,
    suspensions_file: &str,
    suspensions: S,
    cx: &Context,
) -> Result<Vec<ExportRestriction>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&COLUMNS)?;
    let mut seen = Seen::default();
    let mut unknown = UnknownNames::default();
    let mut out = Vec::new();
    t.for_each(|row| {
        let id = slug(row, "id")?;
        seen.check(row, id.to_string())?;
        let code = country(row, "country", cx.resolver, &mut unknown)?;
        let mut ids: Vec<&Mineral> = Vec::new();
        for item in list(row, "minerals", false)? {
            match cx.minerals.iter().find(|m| m.id.as_str() == item) {
                Some(m) => ids.push(m),
                None => {
                    return Err(ImportError::field(
                        row.file,
                        row.line,
                        "minerals",
                        item,
                        format!("a mineral id listed in {}", cx.minerals_label),
                    ))
                }
            }
        }
        let mut stages = Vec::new();
        for item in list(row, "stages", false)? {
            if !HsCarrier::STAGES.contains(&item) {
                return Err(ImportError::field(
                    row.file,
                    row.line,
                    "stages",
                    item,
                    format!("one of {} separated by ';'", HsCarrier::STAGES.join(", ")),
                ));
            }
            stages.push(Stage::try_from(item).map_err(|_| row.error("stages", "a stage"))?);
        }
        let mut hs = Vec::new();
        for item in list(row, "hs", true)? {
            let code = HsCode::try_from(item).map_err(|_| {
                ImportError::field(
                    row.file,
                    row.line,
                    "hs",
                    item,
                    "six-digit HS 1992 codes separated by ';'",
                )
            })?;
            // A code that carries a mineral in HS 1992 must carry one of the measure's
            // minerals at one of its stages: else the row contradicts itself.
            let carriers: Vec<(&Mineral, &HsCarrier)> = cx
                .minerals
                .iter()
                .flat_map(|m| m.hs.iter().map(move |c| (m, c)))
                .filter(|(_, c)| c.nomenclature == Nomenclature::Hs1992 && c.hs == code)
                .collect();
            let consistent = carriers.is_empty()
                || carriers
                    .iter()
                    .any(|(m, c)| ids.iter().any(|i| i.id == m.id) && stages.contains(&c.stage));
            if !consistent {
                let what: Vec<String> = carriers
                    .iter()
                    .map(|(m, c)| format!("{} at {}", m.id.as_str(), c.stage.slug()))
                    .collect();
                return Err(ImportError::field(
                    row.file,
                    row.line,
                    "hs",
                    item,
                    format!(
                        "a code of one of the row's minerals at one of its stages (this code \
                         carries {})",
                        what.join(", ")
                    ),
                ));
            }
            hs.push(code);
        }
        let measure = match row.get("measure") {
            "ban" => MeasureType::Ban,
            "quota" => MeasureType::Quota,
            "licence" => MeasureType::Licence,
            "tax" => MeasureType::Tax,
            "suspension" => MeasureType::Suspension,
            _ => return Err(row.error("measure", "ban, quota, licence, tax or suspension")),
        };
        let targets = if row.get("targets") == "all" {
            RestrictionTargets::everyone()
        } else {
            let (listed, countries) = destinations(row, "targets", cx, &mut unknown)?;
            if listed.is_empty() {
                return Err(row.error(
                    "targets",
                    "`all`, or ISO 3166 alpha-3 codes and group ids separated by ';'",
                ));
            }
            RestrictionTargets {
                all: false,
                listed,
                countries,
                ..RestrictionTargets::default()
            }
        };
        let (except_listed, except) = destinations(row, "except", cx, &mut unknown)?;
        let targets = RestrictionTargets {
            except_listed,
            except,
            ..targets
        };
        let start = date(row, "start")?;
        let end = end_date(row, start)?;
        let source_url = url(row, "source_url", true)?;
        if let Some(code) = code {
            out.push(ExportRestriction {
                id: id.to_string(),
                country: code,
                minerals: ids.iter().map(|m| m.id.clone()).collect::<Vec<MineralId>>(),
                stages,
                hs,
                measure,
                targets,
                start,
                end,
                suspensions: Vec::new(),
                summary: row.text("summary")?.to_string(),
                source_url: source_url.to_string(),
            });
        }
        Ok(())
    })?;
    unknown.into_result(file)?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    attach_suspensions(suspensions_file, suspensions, file, &mut out)?;
    Ok(out)
}

/// Read the suspensions and attach each to the measures it names. A suspension must name
/// known measures and overlap each one's period; two suspensions of one measure must not
/// overlap.
fn attach_suspensions<S: Read>(
    file: &str,
    input: S,
    measures_file: &str,
    measures: &mut [ExportRestriction],
) -> Result<()> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&SUSPENSION_COLUMNS)?;
    let mut seen = Seen::default();
    // measure index → (line, suspension)
    let mut by_measure: BTreeMap<usize, Vec<(u64, MeasureSuspension)>> = BTreeMap::new();
    t.for_each(|row| {
        let id = slug(row, "id")?;
        seen.check(row, id.to_string())?;
        let start = date(row, "start")?;
        let end = end_date(row, start)?;
        let s = MeasureSuspension {
            id: id.to_string(),
            start,
            end,
            summary: row.text("summary")?.to_string(),
            source_url: url(row, "source_url", true)?.to_string(),
        };
        for item in list(row, "measures", false)? {
            let Some(i) = measures.iter().position(|m| m.id == item) else {
                return Err(ImportError::field(
                    row.file,
                    row.line,
                    "measures",
                    item,
                    format!("the id of a measure in {measures_file}"),
                ));
            };
            let m = &measures[i];
            let before = m.end.is_some_and(|e| s.start > e);
            let after = s.end.is_some_and(|e| e < m.start);
            if before || after {
                let until = m.end.map_or("in force".to_string(), |e| e.to_string());
                return Err(ImportError::field(
                    row.file,
                    row.line,
                    "start",
                    &s.start.to_string(),
                    format!(
                        "a period that overlaps measure {item}'s ({} … {until})",
                        m.start
                    ),
                ));
            }
            let list = by_measure.entry(i).or_default();
            let last_day = |x: &MeasureSuspension| x.end.map_or(i64::MAX, |e| e.day_number());
            if let Some((line, other)) = list.iter().find(|(_, o)| {
                o.start.day_number() <= last_day(&s) && s.start.day_number() <= last_day(o)
            }) {
                return Err(ImportError::Row {
                    file: row.file.to_string(),
                    line: row.line,
                    message: format!(
                        "suspension {id} of measure {item} overlaps suspension {} (line {line}): \
                         expected one suspension per period",
                        other.id
                    ),
                });
            }
            list.push((row.line, s.clone()));
        }
        Ok(())
    })?;
    for (i, mut list) in by_measure {
        list.sort_by_key(|(_, s)| s.start);
        measures[i].suspensions = list.into_iter().map(|(_, s)| s).collect();
    }
    Ok(())
}
