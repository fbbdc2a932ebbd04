//! Importer for USGS's published US net import reliance
//! (`usgs/mcs2026_us_net_import_reliance.csv`, Mineral Commodity Summaries 2026): per
//! commodity, the figure for each year as printed (`73`, `>50`, `<25`, `E` for a net
//! exporter, `W`, `NA`) and the import sources as text. Bounds stay bounds.
//!
//! Each USGS commodity is tied to a mineral of derisk's catalogue, the stage derisk
//! compares it at and the scope of the figure in words by
//! `data/reference/usgs_nir_commodities.csv`. A commodity missing from that table is an
//! error; one the table leaves without a mineral is kept with none and named in the
//! import report.

use crate::error::{ImportError, Result};
use crate::reference::fields::{slug, Seen};
use crate::table::{CsvTable, Row};
use crate::ImportContext;
use derisk_model::{
    CountryCode, Flag, ImportReport, MineralId, NirFigure, Provenance, PublishedNir, SourceId,
    Stage, Year,
};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The source the figures are cited to: the same USGS publication as the world tables.
pub const SOURCE: &str = crate::usgs::SOURCE;
/// Path of the file inside a raw data directory.
pub const RAW_PATH: &str = "usgs/mcs2026_us_net_import_reliance.csv";
/// The commodity → mineral, stage and scope table.
pub const COMMODITIES_FILE: &str = "data/reference/usgs_nir_commodities.csv";
const COMMODITIES_CSV: &str = include_str!("../../../data/reference/usgs_nir_commodities.csv");

/// The table the figures come from, as provenance names it.
pub const TABLE: &str = "U.S. net import reliance as a percentage of apparent consumption";
/// The year columns are `nir_pct_<year>`, with `e` after the year for USGS estimates.
const YEAR_PREFIX: &str = "nir_pct_";
const FIGURE_FORMS: &str = "a percentage 0–100, >N, <N, E (net exporter), W (withheld) or NA";

/// How one USGS commodity is read.
#[derive(Clone, Debug, PartialEq)]
pub struct NirCommodity {
    /// `None`: outside derisk's catalogue; `note` says why.
    pub mineral: Option<MineralId>,
    pub stage: Option<Stage>,
    pub scope: String,
    pub note: String,
}

/// The embedded commodity table, checked against the mineral catalogue.
pub fn commodities(ctx: &ImportContext) -> Result<BTreeMap<String, NirCommodity>> {
    commodities_from_reader(COMMODITIES_FILE, COMMODITIES_CSV.as_bytes(), ctx)
}

/// [`commodities`] from any reader: `commodity,mineral,stage,scope,note`. A mapped row
/// needs a known mineral, a stage slug and a scope; a row without a mineral needs a note
/// (the reason) and no stage. Commodities are unique, and so are minerals (one published
/// figure per mineral and year).
pub fn commodities_from_reader<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
) -> Result<BTreeMap<String, NirCommodity>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&["commodity", "mineral", "stage", "scope", "note"])?;
    let mut seen = Seen::default();
    let mut minerals = Seen::default();
    let mut out = BTreeMap::new();
    t.for_each(|row| {
        let commodity = slug(row, "commodity")?;
        seen.check(row, commodity.to_string())?;
        let c = if row.get("mineral").is_empty() {
            if !row.get("stage").is_empty() {
                return Err(row.error("stage", "empty when no mineral is given"));
            }
            NirCommodity {
                mineral: None,
                stage: None,
                scope: row.text("scope")?.to_string(),
                note: row.text("note")?.to_string(),
            }
        } else {
            let m = slug(row, "mineral")?;
            if !ctx.knows_mineral(m) {
                return Err(row.error("mineral", "a mineral of data/reference/minerals.csv"));
            }
            minerals.check(row, m.to_string())?;
            let mineral =
                MineralId::try_from(m).map_err(|_| row.error("mineral", "a mineral slug"))?;
            let stage = Stage::try_from(slug(row, "stage")?)
                .map_err(|_| row.error("stage", "a stage slug"))?;
            NirCommodity {
                mineral: Some(mineral),
                stage: Some(stage),
                scope: row.text("scope")?.to_string(),
                note: row.get("note").to_string(),
            }
        };
        out.insert(commodity.to_string(), c);
        Ok(())
    })?;
    Ok(out)
}

/// Import from a path.
pub fn import_path(
    path: &Path,
    ctx: &ImportContext,
    map: &BTreeMap<String, NirCommodity>,
) -> Result<(Vec<PublishedNir>, ImportReport)> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import(&file, std::io::BufReader::new(f), ctx, map)
}

/// A year column: its year and whether USGS marks the year as estimated.
fn year_column(file: &str, name: &str) -> Result<Option<(Year, Flag)>> {
    let Some(rest) = name.strip_prefix(YEAR_PREFIX) else {
        return Ok(None);
    };
    let (digits, flag) = match rest.strip_suffix('e') {
        Some(d) => (d, Flag::Estimated),
        None => (rest, Flag::Reported),
    };
    let year = Year::try_from(digits).map_err(|_| ImportError::Format {
        file: file.to_string(),
        message: format!(
            "column `{name}`: expected {YEAR_PREFIX}<year> or {YEAR_PREFIX}<year>e, year 1900–2100"
        ),
    })?;
    Ok(Some((year, flag)))
}

/// Import USGS's US net import reliance: one [`PublishedNir`] per commodity and year
/// column, sorted by (commodity, year). Errors name file, line, field and value.
pub fn import<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
    map: &BTreeMap<String, NirCommodity>,
) -> Result<(Vec<PublishedNir>, ImportReport)> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "edition",
        "commodity",
        "import_sources_period",
        "import_sources_pct",
    ])?;
    let mut years: Vec<(String, Year, Flag)> = Vec::new();
    for h in t.header() {
        if let Some((y, f)) = year_column(file, h)? {
            if years.iter().any(|(_, seen, _)| *seen == y) {
                return Err(ImportError::Format {
                    file: file.to_string(),
                    message: format!("year {y} has two columns (the second is `{h}`)"),
                });
            }
            years.push((h.clone(), y, f));
        }
    }
    if years.is_empty() {
        return Err(ImportError::MissingColumn {
            file: file.to_string(),
            column: format!("{YEAR_PREFIX}<year>"),
            header: t.header().join(","),
        });
    }
    let usa = CountryCode::try_from("USA").expect("constant code");
    if !ctx.countries.is_known(usa) {
        return Err(ImportError::Format {
            file: file.to_string(),
            message: "the country list lacks USA, the country the figures are about".into(),
        });
    }
    let mut report = ImportReport::new(SOURCE, file);
    let mut out = Vec::new();
    let mut seen = Seen::default();
    let mut untracked: Vec<String> = Vec::new();
    let rows = t.for_each(|row| {
        if row.get("edition") != "MCS 2026" {
            return Err(row.error("edition", "MCS 2026"));
        }
        let commodity = row.text("commodity")?;
        seen.check(row, commodity.to_string())?;
        let c = map.get(commodity).ok_or_else(|| {
            row.error(
                "commodity",
                format!("a commodity listed in {COMMODITIES_FILE}"),
            )
        })?;
        if c.mineral.is_none() {
            untracked.push(format!("{commodity} ({})", c.note));
        }
        let period = row.text("import_sources_period")?;
        let sources = row.text("import_sources_pct")?;
        for (column, year, flag) in &years {
            let (value, printed) = figure(row, column)?;
            out.push(PublishedNir {
                commodity: commodity.to_string(),
                mineral: c.mineral.clone(),
                stage: c.stage.clone(),
                scope: c.scope.clone(),
                country: usa,
                year: *year,
                value,
                flag: *flag,
                sources_period: period.to_string(),
                import_sources: sources.to_string(),
                provenance: Provenance {
                    source: SourceId::new(SOURCE),
                    table: TABLE.to_string(),
                    note: Some(match flag {
                        Flag::Estimated => format!("printed \"{printed}\"; a USGS estimate"),
                        _ => format!("printed \"{printed}\""),
                    }),
                },
            });
        }
        report.rows_kept += 1;
        Ok(())
    })?;
    report.rows_read = rows;
    report.notes.push(format!(
        "{} figures: {} commodities × {} years ({})",
        out.len(),
        report.rows_kept,
        years.len(),
        years
            .iter()
            .map(|(c, _, _)| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if !untracked.is_empty() {
        report.notes.push(format!(
            "kept without a mineral (outside derisk's catalogue): {}",
            untracked.join(", ")
        ));
    }
    out.sort_by(|a, b| (&a.commodity, a.year).cmp(&(&b.commodity, b.year)));
    Ok((out, report))
}

/// One printed figure, with the text as printed.
fn figure<'r>(row: &'r Row, column: &str) -> Result<(NirFigure, &'r str)> {
    let v = row.get(column);
    let pct = |s: &str| -> Result<f64> {
        let p: f64 = s
            .trim()
            .parse()
            .map_err(|_| row.error(column, FIGURE_FORMS))?;
        if p.is_finite() && (0.0..=100.0).contains(&p) {
            Ok(p)
        } else {
            Err(row.error(column, FIGURE_FORMS))
        }
    };
    let f = match v {
        "E" => NirFigure::NetExporter,
        "W" => NirFigure::Withheld,
        "NA" => NirFigure::NotAvailable,
        _ => match (v.strip_prefix('>'), v.strip_prefix('<')) {
            (Some(b), _) => NirFigure::MoreThan(pct(b)?),
            (_, Some(b)) => NirFigure::LessThan(pct(b)?),
            _ => NirFigure::Percent(pct(v)?),
        },
    };
    Ok((f, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CountryResolver, ImportOptions};
    use derisk_model::{Basis, Mineral, MineralForm};

    fn mineral(id: &str) -> Mineral {
        Mineral {
            id: MineralId::try_from(id).unwrap(),
            name: id.into(),
            symbol: id.into(),
            form: MineralForm::Element,
            stages: vec![],
            hs: vec![],
            contained_basis: Basis::Content,
            eol_rir: None,
            note: String::new(),
        }
    }

    /// The test fixture's copy of the ISO list (MIT, npm i18n-iso-countries).
    fn resolver() -> (CountryResolver, Vec<derisk_model::Country>) {
        let iso = include_str!("../tests/fixtures/iso3166_countries.csv");
        CountryResolver::from_iso_list("iso3166_countries.csv", iso.as_bytes()).unwrap()
    }

    fn with_ctx<T>(f: impl FnOnce(&ImportContext) -> T) -> T {
        let (resolver, _) = resolver();
        let minerals = vec![mineral("copper"), mineral("molybdenum")];
        let options = ImportOptions::default();
        f(&ImportContext {
            countries: &resolver,
            minerals: &minerals,
            options: &options,
        })
    }

    const MAP: &str = "commodity,mineral,stage,scope,note\n\
        copper,copper,refining,refined copper,\n\
        molybdenum,molybdenum,mining,all forms,\n\
        helium,,,helium gas,outside the catalogue\n";

    const HEADER: &str = "edition,commodity,nir_pct_2023,nir_pct_2024,nir_pct_2025e,\
                          import_sources_period,import_sources_pct\n";

    fn run(body: &str) -> Result<(Vec<PublishedNir>, ImportReport)> {
        with_ctx(|ctx| {
            let map = commodities_from_reader("map.csv", MAP.as_bytes(), ctx)?;
            import("nir.csv", format!("{HEADER}{body}").as_bytes(), ctx, &map)
        })
    }

    fn err(body: &str) -> String {
        run(body).expect_err("should fail").to_string()
    }

    #[test]
    fn figures_keep_bounds_and_estimates() {
        let (v, report) = run("MCS 2026,copper,42,>50,E,2021-24,Chile 68; Canada 16\n\
                               MCS 2026,helium,<25,NA,W,2021-24,Qatar 50\n")
        .unwrap();
        assert_eq!(v.len(), 6);
        assert_eq!(report.rows_read, 2);
        assert_eq!(report.rows_kept, 2);
        let cu: Vec<&PublishedNir> = v.iter().filter(|p| p.commodity == "copper").collect();
        assert_eq!(cu[0].value, NirFigure::Percent(42.0));
        assert_eq!(cu[1].value, NirFigure::MoreThan(50.0));
        assert_eq!(cu[2].value, NirFigure::NetExporter);
        assert_eq!(cu[2].flag, Flag::Estimated);
        assert_eq!(cu[1].flag, Flag::Reported);
        assert_eq!(cu[0].stage, Some(Stage::Refining));
        assert_eq!(cu[0].country.as_str(), "USA");
        assert_eq!(cu[0].import_sources, "Chile 68; Canada 16");
        let he: Vec<&PublishedNir> = v.iter().filter(|p| p.commodity == "helium").collect();
        assert_eq!(he[0].value, NirFigure::LessThan(25.0));
        assert_eq!(he[1].value, NirFigure::NotAvailable);
        assert_eq!(he[2].value, NirFigure::Withheld);
        assert!(he.iter().all(|p| p.mineral.is_none() && p.stage.is_none()));
        // The commodity without a mineral is named in the report, not dropped.
        assert!(report.notes.iter().any(|n| n.contains("helium")));
    }

    #[test]
    fn a_bad_cell_names_file_line_field_and_value() {
        let e = err("MCS 2026,copper,42,>50,E,2021-24,x\nMCS 2026,molybdenum,42,about 50,E,p,x\n");
        assert!(e.contains("nir.csv:3"), "{e}");
        assert!(e.contains("nir_pct_2024"), "{e}");
        assert!(e.contains("about 50"), "{e}");
        assert!(e.contains(">N"), "{e}");
        for bad in ["101", ">", "-3", "", "e"] {
            let e = err(&format!("MCS 2026,copper,42,{bad},E,2021-24,x\n"));
            assert!(e.contains("nir_pct_2024"), "{bad}: {e}");
        }
    }

    #[test]
    fn unknown_commodities_duplicates_and_editions_are_errors() {
        let e = err("MCS 2026,unobtainium,1,2,3,2021-24,x\n");
        assert!(e.contains("commodity") && e.contains("unobtainium"), "{e}");
        let e = err("MCS 2026,copper,1,2,3,2021-24,x\nMCS 2026,copper,1,2,3,2021-24,x\n");
        assert!(e.contains("duplicate") && e.contains("line 2"), "{e}");
        let e = err("MCS 2025,copper,1,2,3,2021-24,x\n");
        assert!(e.contains("edition"), "{e}");
        let e = err("MCS 2026,copper,1,2,3,2021-24,\n");
        assert!(e.contains("import_sources_pct"), "{e}");
    }

    #[test]
    fn the_header_needs_year_columns() {
        let r = with_ctx(|ctx| {
            let map = commodities_from_reader("map.csv", MAP.as_bytes(), ctx).unwrap();
            import(
                "nir.csv",
                "edition,commodity,import_sources_period,import_sources_pct\n".as_bytes(),
                ctx,
                &map,
            )
        });
        assert!(r.unwrap_err().to_string().contains("nir_pct_<year>"));
        let r = with_ctx(|ctx| {
            let map = commodities_from_reader("map.csv", MAP.as_bytes(), ctx).unwrap();
            import(
                "nir.csv",
                "edition,commodity,nir_pct_20x4,import_sources_period,import_sources_pct\n"
                    .as_bytes(),
                ctx,
                &map,
            )
        });
        assert!(r.unwrap_err().to_string().contains("nir_pct_20x4"));
    }

    #[test]
    fn the_commodity_table_is_checked() {
        let bad = |body: &str| {
            with_ctx(|ctx| {
                commodities_from_reader(
                    "map.csv",
                    format!("commodity,mineral,stage,scope,note\n{body}").as_bytes(),
                    ctx,
                )
                .expect_err("should fail")
                .to_string()
            })
        };
        let e = bad("gold,gold,mining,gold,\n");
        assert!(e.contains("map.csv:2") && e.contains("mineral"), "{e}");
        let e = bad("copper,copper,,refined copper,\n");
        assert!(e.contains("stage"), "{e}");
        let e = bad("copper,copper,refining,refined copper,\ncopper-2,copper,mining,ore,\n");
        assert!(e.contains("duplicate"), "{e}");
        let e = bad("helium,,,helium gas,\n");
        assert!(e.contains("note"), "{e}");
        let e = bad("helium,,mining,helium gas,why\n");
        assert!(e.contains("stage"), "{e}");
    }

    #[test]
    fn the_embedded_table_maps_every_commodity_to_a_known_mineral() {
        let (resolver, _) = resolver();
        let minerals = crate::reference::minerals().unwrap();
        let options = ImportOptions::default();
        let ctx = ImportContext {
            countries: &resolver,
            minerals: &minerals,
            options: &options,
        };
        let map = commodities(&ctx).unwrap();
        assert_eq!(map.len(), 34);
        assert!(map.values().all(|c| c.mineral.is_some()));
        assert_eq!(
            map["pgm-platinum"].mineral.as_ref().map(|m| m.as_str()),
            Some("platinum")
        );
        assert_eq!(map["copper"].stage, Some(Stage::Refining));
    }
}
