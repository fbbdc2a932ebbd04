//! Importer for World Mining Data 2025 (Austrian Federal Ministry of Finance), long form
//! (`wmd/world_mining_production_2018_2024_long.csv`): mine and primary production by
//! country, 2018–2024, with the publication's own world totals.

use crate::commodities::{CommodityMap, Mapping};
use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use crate::{ImportContext, Imported};
use derisk_model::{
    Area, Evidence, Flag, ImportReport, MassUnit, Measure, Observation, Provenance, SourceId, Unit,
};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

pub const SOURCE: &str = "wmd-2025";
pub const RAW_PATH: &str = "wmd/world_mining_production_2018_2024_long.csv";
const WORLD: &str = "WORLD_TOTAL";

/// Import from a path.
pub fn import_path(path: &Path, ctx: &ImportContext, map: &CommodityMap) -> Result<Imported> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import(&file, std::io::BufReader::new(f), ctx, map)
}

/// Import the long CSV. The file's own unit column is checked against the commodity map, so
/// a change of unit in a new edition is an error rather than a silent factor of 1,000.
pub fn import<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
    map: &CommodityMap,
) -> Result<Imported> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "commodity",
        "country",
        "iso3",
        "year",
        "value",
        "unit",
        "data_quality",
    ])?;
    let mut out = Imported {
        report: ImportReport::new(SOURCE, file),
        ..Imported::default()
    };
    let mut unknown = UnknownNames::default();
    let mut seen: HashMap<(String, Area, u16), u64> = HashMap::new();
    let rows = t.for_each(|row| {
        let commodity = row.text("commodity")?;
        let (mineral, stage, unit) = match map.get(SOURCE, commodity, "") {
            Some(Mapping::Mineral {
                mineral,
                stage,
                unit,
                ..
            }) => (mineral, stage, unit),
            Some(Mapping::OutOfScope { reason }) => {
                out.report.skip(reason);
                return Ok(());
            }
            None => {
                return Err(row.error(
                    "commodity",
                    format!("a commodity listed in {}", crate::commodities::FILE),
                ))
            }
        };
        let file_scale = match row.get("unit") {
            "metr. t" => MassUnit::Tonne,
            "kg" => MassUnit::Kilogram,
            _ => return Err(row.error("unit", "`metr. t` or `kg`")),
        };
        if !matches!(unit, Unit::Mass { scale, .. } if *scale == file_scale) {
            return Err(row.error(
                "unit",
                format!("the unit in {} ({unit})", crate::commodities::FILE),
            ));
        }
        let year = row.year("year")?;
        let area = if row.get("country") == WORLD {
            Area::World
        } else {
            match ctx.countries.by_code(row.get("iso3")) {
                Some(c) => Area::Country(c),
                None if ctx.options.skip_unknown_countries => {
                    out.report.skip("unknown country code (skipped by option)");
                    return Ok(());
                }
                None => {
                    unknown.add(
                        &format!("{} ({})", row.get("country"), row.get("iso3")),
                        row.line,
                    );
                    return Ok(());
                }
            }
        };
        if let Some(first) = seen.insert((commodity.to_string(), area, year.get()), row.line) {
            return Err(ImportError::Duplicate {
                file: file.to_string(),
                line: row.line,
                key: format!("{commodity}/{area}/{year}"),
                first_line: first,
            });
        }
        let flag = match (row.get("data_quality"), area) {
            ("r", _) => Flag::Reported,
            ("e", _) => Flag::Estimated,
            ("p", _) => Flag::Preliminary,
            // World totals carry no quality code; they are the publication's own sums.
            ("nan" | "", Area::World) => Flag::Reported,
            _ => return Err(row.error("data_quality", "r, e or p (or nan on WORLD_TOTAL rows)")),
        };
        let value = match row.opt_number("value", &["nan"])? {
            Some(v) if v < 0.0 => return Err(row.error("value", "a non-negative number")),
            Some(v) => v,
            None => {
                return Err(row.error(
                    "value",
                    "a number (World Mining Data has no withheld cells)",
                ))
            }
        };
        out.observations.push(Observation {
            mineral: mineral.clone(),
            stage: stage.clone(),
            measure: Measure::Production,
            area,
            year,
            value: Some(value),
            unit: unit.clone(),
            flag,
            evidence: Evidence::StatisticalReport,
            provenance: Provenance {
                source: SourceId::new(SOURCE),
                table: format!("Production of mineral raw materials: {commodity}"),
                note: (area == Area::World).then(|| "world total as published".to_string()),
            },
        });
        out.report.rows_kept += 1;
        Ok(())
    })?;
    out.report.rows_read = rows;
    unknown.into_result(file)?;
    Ok(out)
}
