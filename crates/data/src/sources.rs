//! The sources derisk draws on, with licence and required attribution, from the embedded
//! `data/reference/sources.csv`. `derisk data sources` and the NOTICE show these rows.

use crate::error::Result;
use crate::reference::fields::{slug, url, Seen};
use crate::table::CsvTable;
use derisk_model::{Coverage, Source, SourceId};
use std::io::Read;

pub const SOURCES_FILE: &str = "data/reference/sources.csv";
pub const SOURCES_CSV: &str = include_str!("../../../data/reference/sources.csv");

/// Every source with its licence and attribution, sorted by id.
pub fn sources() -> Result<Vec<Source>> {
    sources_from_reader(SOURCES_FILE, SOURCES_CSV.as_bytes())
}

/// [`sources`] from any reader: `id,publisher,title,edition,licence,attribution,url,taken,
/// caveats,coverage`. Ids must be unique slugs; every column but `caveats` and `coverage`
/// must be filled, except that derisk's own sources (`derisk-*`) may leave `url` empty.
/// `coverage` is `comprehensive` (the source lists every producing country it covers),
/// `top_producers` (it lists the main ones) or empty for a source without production tables.
pub fn sources_from_reader<R: Read>(file: &str, input: R) -> Result<Vec<Source>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "id",
        "publisher",
        "title",
        "edition",
        "licence",
        "attribution",
        "url",
        "taken",
        "caveats",
        "coverage",
    ])?;
    let mut seen = Seen::default();
    let mut out = Vec::new();
    t.for_each(|row| {
        let id = slug(row, "id")?;
        seen.check(row, id.to_string())?;
        let own = id.starts_with("derisk-");
        out.push(Source {
            id: SourceId::new(id),
            publisher: row.text("publisher")?.to_string(),
            title: row.text("title")?.to_string(),
            edition: row.text("edition")?.to_string(),
            licence: row.text("licence")?.to_string(),
            attribution: row.text("attribution")?.to_string(),
            url: url(row, "url", !own)?.to_string(),
            taken: row.text("taken")?.to_string(),
            caveats: row.get("caveats").to_string(),
            coverage: match row.get("coverage") {
                "" => None,
                "comprehensive" => Some(Coverage::Comprehensive),
                "top_producers" => Some(Coverage::TopProducers),
                _ => {
                    return Err(row.error(
                        "coverage",
                        "comprehensive, top_producers or empty (no production tables)",
                    ))
                }
            },
        });
        Ok(())
    })?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}
