//! Export restrictions on critical minerals, hand-encoded from the IEA policy tracker and
//! Global Trade Alert records (facts only, in derisk's words).

use super::fields::{country, date, list, parse_date, slug, url, Seen};
use crate::countries::{CountryResolver, UnknownNames};
use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use derisk_model::{ExportRestriction, HsCode, MeasureType, Mineral, MineralId};
use std::io::Read;

const COLUMNS: [&str; 9] = [
    "id",
    "country",
    "minerals",
    "hs",
    "measure",
    "start",
    "end",
    "summary",
    "source_url",
];

/// Parse `id,country,minerals,hs,measure,start,end,summary,source_url` against the
/// resolver and the catalogue. Output is sorted by id.
pub(crate) fn parse<R: Read>(
    file: &str,
    input: R,
    resolver: &CountryResolver,
    minerals: &[Mineral],
    minerals_label: &str,
) -> Result<Vec<ExportRestriction>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&COLUMNS)?;
    let mut seen = Seen::default();
    let mut unknown = UnknownNames::default();
    let mut out = Vec::new();
    t.for_each(|row| {
        let id = slug(row, "id")?;
        seen.check(row, id.to_string())?;
        let code = country(row, "country", resolver, &mut unknown)?;
        let mut ids = Vec::new();
        for item in list(row, "minerals", false)? {
            let known = minerals.iter().any(|m| m.id.as_str() == item);
            let id = MineralId::try_from(item).ok().filter(|_| known);
            match id {
                Some(id) => ids.push(id),
                None => {
                    return Err(ImportError::field(
                        row.file,
                        row.line,
                        "minerals",
                        item,
                        format!("a mineral id listed in {minerals_label}"),
                    ))
                }
            }
        }
        let mut hs = Vec::new();
        for item in list(row, "hs", true)? {
            let code = HsCode::try_from(item).map_err(|_| {
                ImportError::field(
                    row.file,
                    row.line,
                    "hs",
                    item,
                    "six-digit HS92 codes separated by ';'",
                )
            })?;
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
        let start = date(row, "start")?;
        let end = match row.get("end") {
            "" => None,
            e => match parse_date(e) {
                Some(d) if d >= start => Some(e.to_string()),
                Some(_) => return Err(row.error("end", "a date on or after `start`")),
                None => {
                    return Err(row.error(
                        "end",
                        "empty while in force, or a real date YYYY-MM-DD on or after `start`",
                    ))
                }
            },
        };
        let source_url = url(row, "source_url", true)?;
        if let Some(code) = code {
            out.push(ExportRestriction {
                id: id.to_string(),
                country: code,
                minerals: ids,
                hs,
                measure,
                start: row.get("start").to_string(),
                end,
                summary: row.text("summary")?.to_string(),
                source_url: source_url.to_string(),
            });
        }
        Ok(())
    })?;
    unknown.into_result(file)?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}
