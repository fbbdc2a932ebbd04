//! Importer for the EU's 2023 criticality-assessment parameters
//! (`eu/eu_crm2023_assessment_parameters.csv`: per material the stages assessed, the stage
//! reported, SI_SR, SI_EI and the end-of-life recycling input rate in percent), tied to
//! derisk's minerals by `data/reference/eu_crm2023_materials.csv`.

use crate::error::{ImportError, Result};
use crate::reference::fields::{list, Seen};
use crate::table::{CsvTable, Row};
use crate::ImportContext;
use derisk_model::{EuCrmParams, MineralId, Stage};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Path of the file inside a raw data directory.
pub const RAW_PATH: &str = "eu/eu_crm2023_assessment_parameters.csv";
/// The material → minerals table.
pub const MATERIALS_FILE: &str = "data/reference/eu_crm2023_materials.csv";
const MATERIALS_CSV: &str = include_str!("../../../data/reference/eu_crm2023_materials.csv");

/// How one EU material maps onto derisk's minerals.
#[derive(Clone, Debug, PartialEq)]
pub struct MaterialMap {
    pub minerals: Vec<MineralId>,
    pub note: Option<String>,
}

/// The embedded material table, checked against the catalogue.
pub fn materials(ctx: &ImportContext) -> Result<BTreeMap<String, MaterialMap>> {
    materials_from_reader(MATERIALS_FILE, MATERIALS_CSV.as_bytes(), ctx)
}

/// [`materials`] from any reader: `material,minerals,note`. Materials are unique; every
/// mineral is known and mapped once; a material without minerals needs a note saying why.
pub fn materials_from_reader<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
) -> Result<BTreeMap<String, MaterialMap>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&["material", "minerals", "note"])?;
    let (mut seen, mut seen_mineral) = (Seen::default(), Seen::default());
    let mut out = BTreeMap::new();
    t.for_each(|row| {
        let material = row.text("material")?;
        seen.check(row, material.to_string())?;
        let mut minerals = Vec::new();
        for m in list(row, "minerals", true)? {
            if !ctx.knows_mineral(m) {
                return Err(row.error(
                    "minerals",
                    "minerals of data/reference/minerals.csv, ;-separated",
                ));
            }
            seen_mineral.check(row, format!("mineral {m}"))?;
            minerals
                .push(MineralId::try_from(m).map_err(|_| row.error("minerals", "mineral slugs"))?);
        }
        let note = Some(row.get("note").to_string()).filter(|n| !n.is_empty());
        if minerals.is_empty() && note.is_none() {
            return Err(row.error("note", "why the material maps to no mineral"));
        }
        out.insert(material.to_string(), MaterialMap { minerals, note });
        Ok(())
    })?;
    Ok(out)
}

/// Import from a path.
pub fn import_path(path: &Path, map: &BTreeMap<String, MaterialMap>) -> Result<Vec<EuCrmParams>> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import(&file, std::io::BufReader::new(f), map)
}

fn fraction(row: &Row, column: &str) -> Result<Option<f64>> {
    match row.opt_number(column, &[])? {
        Some(v) if !(0.0..=1.0).contains(&v) => Err(row.error(column, "a number in [0, 1]")),
        v => Ok(v),
    }
}

fn stage(row: &Row, column: &str, letter: &str) -> Result<Stage> {
    match letter {
        "E" | "Extraction" => Ok(Stage::Mining),
        "P" | "Processing" => Ok(Stage::Refining),
        _ => Err(row.error(column, "E or P (Extraction or Processing)")),
    }
}

/// Import the parameters, in the file's order. Every material must be in the material
/// table (and every material of the table in the file); the reported stage must be one
/// of those assessed. Errors name file, line, field and value.
pub fn import<R: Read>(
    file: &str,
    input: R,
    map: &BTreeMap<String, MaterialMap>,
) -> Result<Vec<EuCrmParams>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "material",
        "stages_assessed",
        "stage_reported",
        "si_sr",
        "si_ei",
        "eol_rir_pct",
    ])?;
    let mut seen = Seen::default();
    let mut out = Vec::new();
    t.for_each(|row| {
        let material = row.text("material")?;
        seen.check(row, material.to_string())?;
        let m = map.get(material).ok_or_else(|| {
            row.error("material", format!("a material listed in {MATERIALS_FILE}"))
        })?;
        let stages_assessed = row
            .text("stages_assessed")?
            .split('+')
            .map(|s| stage(row, "stages_assessed", s.trim()))
            .collect::<Result<Vec<Stage>>>()?;
        let stage_reported = stage(row, "stage_reported", row.text("stage_reported")?)?;
        if !stages_assessed.contains(&stage_reported) {
            return Err(row.error("stage_reported", "one of the stages assessed"));
        }
        let eol = row.number("eol_rir_pct")?;
        if !(0.0..=100.0).contains(&eol) {
            return Err(row.error("eol_rir_pct", "a percentage 0–100"));
        }
        out.push(EuCrmParams {
            material: material.to_string(),
            minerals: m.minerals.clone(),
            stages_assessed,
            stage_reported,
            si_sr: fraction(row, "si_sr")?,
            si_ei: fraction(row, "si_ei")?,
            eol_rir: eol / 100.0,
            note: m.note.clone(),
        });
        Ok(())
    })?;
    if let Some(missing) = map.keys().find(|k| !out.iter().any(|p| &p.material == *k)) {
        return Err(ImportError::Format {
            file: file.to_string(),
            message: format!("material {missing:?} of {MATERIALS_FILE} has no row"),
        });
    }
    Ok(out)
}
