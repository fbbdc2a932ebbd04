//! Importer for the USGS Mineral Commodity Summaries 2026 world tables
//! (`usgs/mcs2026_world_production_reserves.csv`): production 2024 and 2025e, capacity
//! 2025 and reserves by country, with USGS's withheld/NA/">" flags kept as [`Flag`]s.
//!
//! Each row's stage and unit come from its (commodity, table) in
//! `data/reference/source_commodities.csv`: refinery, smelter, primary-metal and sponge
//! tables (copper, aluminium, bismuth, indium, tellurium, gallium, magnesium, silicon,
//! arsenic, titanium sponge) land at the refining stage, mine tables at mining. A table the
//! map does not name for the commodity is an error naming the tables it does.

use crate::commodities::{CommodityMap, Mapping, ReservesRule};
use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::{CsvTable, Row};
use crate::{ImportContext, Imported};
use derisk_model::{
    Area, Basis, Evidence, Flag, ImportReport, MassUnit, Measure, Observation, Provenance,
    SourceId, Unit, Year,
};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

pub const SOURCE: &str = "usgs-mcs-2026";
/// Path of the file inside a raw data directory.
pub const RAW_PATH: &str = "usgs/mcs2026_world_production_reserves.csv";

const COLUMNS: [&str; 16] = [
    "edition",
    "commodity",
    "table",
    "units",
    "country",
    "is_aggregate",
    "prod_2024",
    "prod_2024_flag",
    "prod_2025e",
    "prod_2025e_flag",
    "capacity_2025",
    "reserves",
    "reserves_flag",
    "prod_2024_raw",
    "prod_2025e_raw",
    "note",
];

/// Import from a path.
pub fn import_path(path: &Path, ctx: &ImportContext, map: &CommodityMap) -> Result<Imported> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import(&file, std::io::BufReader::new(f), ctx, map)
}

/// Import the MCS 2026 world table. Each country row yields up to four observations
/// (production 2024, production 2025e, capacity 2025, reserves).
pub fn import<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
    map: &CommodityMap,
) -> Result<Imported> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&COLUMNS)?;
    let mut out = Imported {
        report: ImportReport::new(SOURCE, file),
        ..Imported::default()
    };
    let mut unknown = UnknownNames::default();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let (mut no_reserves, mut excluded_reserves) = (0usize, 0usize);
    let y2024 = Year::try_from(2024u16).expect("constant year");
    let y2025 = Year::try_from(2025u16).expect("constant year");
    let rows = t.for_each(|row| {
        if row.get("edition") != "MCS 2026" {
            return Err(row.error("edition", "MCS 2026"));
        }
        let commodity = row.text("commodity")?;
        let key = (commodity.to_string(), row.get("country").to_string());
        if let Some(first) = seen.insert(key, row.line) {
            return Err(ImportError::Duplicate {
                file: file.to_string(),
                line: row.line,
                key: format!("{commodity}/{}", row.get("country")),
                first_line: first,
            });
        }
        let table = row.get("table");
        let (mineral, stage, unit, reserves_rule, map_note) =
            match map.get(SOURCE, commodity, table) {
                Some(Mapping::Mineral {
                    mineral,
                    stage,
                    unit,
                    reserves,
                    note,
                    ..
                }) => (mineral, stage, unit, reserves, note),
                Some(Mapping::OutOfScope { reason }) => {
                    out.report.skip(reason);
                    return Ok(());
                }
                None => {
                    // The stage follows the table: a commodity the map knows under other
                    // tables is a table error, not a guess.
                    let known = map.tables(SOURCE, commodity);
                    return Err(if known.is_empty() {
                        row.error(
                            "commodity",
                            format!("a commodity listed in {}", crate::commodities::FILE),
                        )
                    } else {
                        row.error(
                            "table",
                            format!(
                                "a table {} maps for {commodity}: {}",
                                crate::commodities::FILE,
                                known.join(" | ")
                            ),
                        )
                    });
                }
            };
        let Some((area, qualifier)) = area_of(row, ctx, &mut unknown)? else {
            out.report.skip("unknown country name (skipped by option)");
            return Ok(());
        };
        // A per-country qualifier ("Chile, ulexite") names the product when the table's
        // unit says the form varies by country; otherwise it is kept as a note.
        let unit = match (unit, &qualifier) {
            (
                Unit::Mass {
                    scale,
                    basis: Basis::Gross(_),
                },
                Some(q),
            ) if commodity == "boron" => Unit::mass(*scale, Basis::Gross(q.clone())),
            _ => unit.clone(),
        };
        let note = |extra: &str| -> Option<String> {
            let parts: Vec<&str> = [
                extra,
                qualifier.as_deref().unwrap_or(""),
                row.get("note"),
                map_note.as_str(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        };
        let prov = |extra: &str| Provenance {
            source: SourceId::new(SOURCE),
            table: format!("{} ({})", row.get("table"), row.get("units")),
            note: note(extra),
        };
        let mut obs = Vec::with_capacity(4);
        let mut push = |measure, year, value: Option<f64>, flag, unit: Unit, extra: &str| {
            obs.push(Observation {
                mineral: mineral.clone(),
                stage: stage.clone(),
                measure,
                area,
                year,
                value,
                unit,
                flag,
                evidence: Evidence::StatisticalReport,
                provenance: prov(extra),
            });
        };
        let (v, f) = production(row, "prod_2024", "prod_2024_flag", Flag::Reported)?;
        push(Measure::Production, y2024, v, f, unit.clone(), "");
        let (v, f) = production(row, "prod_2025e", "prod_2025e_flag", Flag::Estimated)?;
        push(
            Measure::Production,
            y2025,
            v,
            f,
            unit.clone(),
            "2025 figures are USGS estimates",
        );
        if let Some(cap) = row.opt_number("capacity_2025", &[])? {
            push(
                Measure::Capacity,
                y2025,
                Some(cap),
                Flag::Reported,
                unit.clone(),
                "",
            );
        }
        match reserves(row)? {
            None => no_reserves += 1,
            Some(_) if *reserves_rule == ReservesRule::Excluded => excluded_reserves += 1,
            Some((v, f)) => {
                let (v, unit) = match (reserves_rule, &unit) {
                    (ReservesRule::Kilotonnes, Unit::Mass { basis, .. }) => {
                        (v, Unit::mass(MassUnit::Kilotonne, basis.clone()))
                    }
                    (ReservesRule::Equivalent(e), Unit::Mass { scale, .. }) => {
                        (v, Unit::mass(*scale, Basis::Equivalent(e.clone())))
                    }
                    _ => (v, unit.clone()),
                };
                push(
                    Measure::Reserves,
                    y2025,
                    v,
                    f,
                    unit,
                    "reserves as published in MCS 2026",
                );
            }
        }
        out.observations.extend(obs);
        out.report.rows_kept += 1;
        Ok(())
    })?;
    out.report.rows_read = rows;
    out.report
        .notes
        .push(format!("{no_reserves} rows print no reserves figure"));
    out.report.notes.push(format!(
        "{excluded_reserves} reserves figures not kept: measured on another basis than the production column"
    ));
    unknown.into_result(file)?;
    Ok(out)
}

/// The area of a row and any qualifier printed after the country name.
fn area_of(
    row: &Row,
    ctx: &ImportContext,
    unknown: &mut UnknownNames,
) -> Result<Option<(Area, Option<String>)>> {
    match row.get("is_aggregate") {
        "world" => return Ok(Some((Area::World, None))),
        "other" => return Ok(Some((Area::Other, None))),
        "" => {}
        _ => return Err(row.error("is_aggregate", "world, other or empty")),
    }
    let name = row.text("country")?;
    if let Some(c) = ctx.countries.by_name(name) {
        return Ok(Some((Area::Country(c), None)));
    }
    // "Chile, ulexite" / "Sweden (concentrate)": a country followed by a product qualifier.
    let split = name
        .split_once(" (")
        .map(|(n, q)| (n, q.trim_end_matches(')')))
        .or_else(|| name.split_once(", "));
    if let Some((n, q)) = split {
        if let Some(c) = ctx.countries.by_name(n) {
            return Ok(Some((Area::Country(c), Some(q.to_string()))));
        }
    }
    if ctx.options.skip_unknown_countries {
        return Ok(None);
    }
    unknown.add(name, row.line);
    Ok(Some((Area::Other, None)))
}

/// A production cell: a number, or empty with a withheld/NA flag. An empty cell without a
/// flag is an error: USGS prints zero as a number, so a blank is not zero.
fn production(row: &Row, value: &str, flag: &str, default: Flag) -> Result<(Option<f64>, Flag)> {
    let v = row.opt_number(value, &[])?;
    let f = match row.get(flag) {
        "" => default,
        "withheld" => Flag::Withheld,
        "not_available" => Flag::NotAvailable,
        "greater_than" => Flag::LowerBound,
        "less_than" => Flag::UpperBound,
        _ => {
            return Err(row.error(
                flag,
                "empty, withheld, not_available, greater_than or less_than",
            ))
        }
    };
    match (v, f.has_value()) {
        (Some(_), true) | (None, false) => Ok((v, f)),
        (None, true) => Err(row.error(value, "a number (or a withheld/not_available flag)")),
        (Some(_), false) => Err(row.error(flag, "no withheld/NA flag on a cell with a value")),
    }
}

/// A reserves cell; `None` when nothing is printed (flag `blank`).
fn reserves(row: &Row) -> Result<Option<(Option<f64>, Flag)>> {
    let v = row.opt_number("reserves", &[])?;
    let f = match row.get("reserves_flag") {
        "" => Flag::Reported,
        "blank" => return Ok(None),
        "not_available" => Flag::NotAvailable,
        "greater_than" => Flag::LowerBound,
        "less_than" => Flag::UpperBound,
        "withheld" => Flag::Withheld,
        _ => {
            return Err(row.error(
                "reserves_flag",
                "empty, blank, not_available, greater_than, less_than or withheld",
            ))
        }
    };
    match (v, f.has_value()) {
        (Some(_), true) | (None, false) => Ok(Some((v, f))),
        (None, true) => Err(row.error("reserves", "a number (or a blank/not_available flag)")),
        (Some(_), false) => Err(row.error("reserves_flag", "no NA flag on a cell with a value")),
    }
}
