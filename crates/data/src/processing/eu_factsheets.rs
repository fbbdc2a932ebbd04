//! EU 2020 critical raw materials factsheets: top-10 producer shares.

use super::input::{duplicate, file_name, format_error, read_lf};
use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use crate::{ImportContext, Imported};
use derisk_model::{
    Area, Evidence, Flag, ImportReport, Measure, MineralId, Observation, Provenance, SourceId,
    Stage, Unit, Year,
};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Source slug of the EU 2020 factsheets.
pub const SOURCE_EU_CRM_2020: &str = "eu-crm-2020";
/// The year the EU factsheet shares are filed under (their edition year).
pub const EU_FACTSHEET_YEAR: u16 = 2020;

/// How an EU 2020 material maps onto derisk: a mineral id and stage, or why it is not kept.
/// Stage is `refining` where the factsheet's producers are refiners (Bi, Ga, Ge, In, Mg,
/// Si metal; Belgium, Japan, Korea and Finland do not mine these), else `mining`. Ids not in
/// the minerals table are counted as not kept, so adding a mineral later needs no code.
enum EuMaterial {
    Keep(&'static str, &'static str),
    Skip(&'static str),
}

use EuMaterial::{Keep, Skip};
const HREE_SKIP: &str =
    "heavy rare earths: same producers and shares as the light rare earths row (kept)";
const PGM_SKIP: &str = "platinum-group metals as one group; derisk keeps Pt, Pd and Rh apart";
const EU_MATERIALS: &[(&str, EuMaterial)] = &[
    ("Antimony", Keep("antimony", "mining")),
    ("Baryte", Keep("barite", "mining")),
    ("Bauxite", Keep("bauxite", "mining")),
    ("Beryllium", Keep("beryllium", "mining")),
    ("Bismuth", Keep("bismuth", "refining")),
    ("Borate", Keep("boron", "mining")),
    ("Cobalt", Keep("cobalt", "mining")),
    ("Coking Coal", Keep("coking-coal", "mining")),
    ("Fluorspar", Keep("fluorspar", "mining")),
    ("Gallium", Keep("gallium", "refining")),
    ("Germanium", Keep("germanium", "refining")),
    ("Hafnium", Keep("hafnium", "refining")),
    ("Heavy Rare Earth Elements", Skip(HREE_SKIP)),
    ("Light Rare Earth Elements", Keep("rare-earths", "mining")),
    ("Indium", Keep("indium", "refining")),
    ("Lithium", Keep("lithium", "mining")),
    ("Magnesium", Keep("magnesium", "refining")),
    ("Natural Graphite", Keep("graphite", "mining")),
    ("Natural Rubber", Keep("natural-rubber", "mining")),
    ("Niobium", Keep("niobium", "mining")),
    ("Phosphate rock", Keep("phosphate-rock", "mining")),
    ("Phosphorus", Keep("phosphorus", "refining")),
    ("Platinum Group Metals", Skip(PGM_SKIP)),
    ("Scandium", Keep("scandium", "refining")),
    ("Silicon metal", Keep("silicon", "refining")),
    ("Strontium", Keep("strontium", "mining")),
    ("Tantalum", Keep("tantalum", "mining")),
    ("Titanium", Keep("titanium", "mining")),
    ("Tungsten", Keep("tungsten", "mining")),
    ("Vanadium", Keep("vanadium", "mining")),
];

/// Import the EU 2020 factsheets' top-10 producer shares as share-of-world observations
/// (year 2020, fraction 0–1). The footnote lines under the table (empty `id`) are not data.
pub fn import_eu_factsheet_shares<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
) -> Result<Imported> {
    let bytes = read_lf(file, input)?;
    let (data_end, footnotes) = footnote_start(file, &bytes)?;
    let mut report = ImportReport::new(SOURCE_EU_CRM_2020, file);
    let mut t = CsvTable::new(file, &bytes[..data_end])?;
    let pcols: Vec<(String, String)> = (1..=10)
        .map(|k| (format!("producer_{k}"), format!("producer_{k}_percentage")))
        .collect();
    let mut required = vec!["id", "material", "cummulated_percentage"];
    required.extend(pcols.iter().flat_map(|(n, p)| [n.as_str(), p.as_str()]));
    t.require(&required)?;
    let year = Year::try_from(EU_FACTSHEET_YEAR).map_err(|e| format_error(file, e))?;
    let table = file_name(file);
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown = UnknownNames::default();
    let mut observations = Vec::new();
    t.for_each(|row| {
        report.rows_read += 1;
        let material = row.text("material")?;
        let mut slots = Vec::new();
        let mut sum = 0.0;
        for (n, p) in &pcols {
            let name = row.get(n);
            let pct = row.number(p)?;
            if !(0.0..=100.0).contains(&pct) {
                return Err(row.error(p, "a percentage 0–100"));
            }
            sum += pct;
            match (name.is_empty(), pct == 0.0) {
                (true, true) => {}
                (true, false) => return Err(row.error(n, "a producer name for this percentage")),
                (false, _) => slots.push((n.as_str(), name, pct)),
            }
        }
        if (sum - row.number("cummulated_percentage")?).abs() > 0.5 {
            return Err(row.error("cummulated_percentage", "the sum of the listed percentages"));
        }
        let (id, stage) = match EU_MATERIALS.iter().find(|(m, _)| *m == material) {
            Some((_, Keep(id, stage))) => (*id, *stage),
            Some((_, Skip(reason))) => {
                report.skip(reason);
                return Ok(());
            }
            None => return Err(row.error("material", "a material listed in the material table")),
        };
        if !ctx.knows_mineral(id) {
            report.skip("material not among derisk minerals");
            return Ok(());
        }
        let mineral = MineralId::try_from(id).map_err(|_| row.error("material", "a mineral id"))?;
        let stage = Stage::try_from(stage).map_err(|_| row.error("material", "a stage"))?;
        let mut kept = false;
        for (col, name, pct) in slots {
            let area = if name.to_lowercase().starts_with("other") {
                Area::Other
            } else {
                match ctx.countries.by_name(name) {
                    Some(c) => Area::Country(c),
                    None => {
                        unknown.add(name, row.line);
                        report.skip(&format!("unknown producer {name:?} (share left out)"));
                        continue;
                    }
                }
            };
            let key = format!("{mineral}|{stage}|{area}");
            if let Some(first) = seen.insert(key.clone(), row.line) {
                return Err(duplicate(row, &key, first));
            }
            observations.push(Observation {
                mineral: mineral.clone(),
                stage: stage.clone(),
                measure: Measure::Production,
                area,
                year,
                value: Some(pct / 100.0),
                unit: Unit::ShareOfWorld,
                flag: Flag::Reported,
                evidence: Evidence::FactsheetShare,
                provenance: Provenance {
                    source: SourceId::new(SOURCE_EU_CRM_2020),
                    table: table.clone(),
                    note: Some(format!(
                        "line {}, {col} ({material}: {name}); share of global supply averaged \
                         over the factsheet's reference period, whole percent; filed under \
                         {EU_FACTSHEET_YEAR}, the factsheet year; {stage} stage",
                        row.line
                    )),
                },
            });
            kept = true;
        }
        if kept {
            report.rows_kept += 1;
        }
        Ok(())
    })?;
    if !ctx.options.skip_unknown_countries {
        unknown.into_result(file)?;
    }
    if footnotes > 0 {
        let note = format!("{footnotes} footnote line(s) under the table not read as data");
        report.notes.push(note);
    }
    observations
        .sort_by(|a, b| (&a.mineral, &a.stage, a.area).cmp(&(&b.mineral, &b.stage, b.area)));
    Ok(Imported {
        observations,
        report,
        ..Imported::default()
    })
}

/// Path wrapper of [`import_eu_factsheet_shares`].
pub fn import_eu_factsheet_shares_path(path: &Path, ctx: &ImportContext) -> Result<Imported> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import_eu_factsheet_shares(&file, input, ctx)
}

/// Byte offset where the footnotes (records with an empty first field) begin, and how many
/// there are. A data record after a footnote is an error: the table would be cut short.
fn footnote_start(file: &str, bytes: &[u8]) -> Result<(usize, usize)> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let mut start = None;
    let mut count = 0;
    let mut rec = csv::StringRecord::new();
    loop {
        match r.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(crate::table::csv_error(file, e)),
        }
        let pos = rec
            .position()
            .map(|p| (p.byte() as usize, p.line()))
            .unwrap_or((0, 0));
        if rec.get(0).unwrap_or("").trim().is_empty() {
            start.get_or_insert(pos.0);
            count += 1;
        } else if start.is_some() {
            return Err(ImportError::Row {
                file: file.to_string(),
                line: pos.1,
                message: "data row after the footnotes".to_string(),
            });
        }
    }
    Ok((start.unwrap_or(bytes.len()), count))
}
