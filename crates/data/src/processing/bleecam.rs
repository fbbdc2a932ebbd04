//! BLEECAM capacity by stage and country (rare earths, gallium): planning allocations,
//! kept as [`Evidence::CapacityAllocation`] and flagged as estimates.

use super::input::{duplicate, file_name, format_error, read_lf};
use super::Alpha2Map;
use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use crate::{ImportContext, Imported};
use derisk_model::{
    Area, Basis, CountryCode, Evidence, Flag, ImportReport, MassUnit, Measure, MineralId,
    Observation, Provenance, SourceId, Stage, Unit, Year,
};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Source slug of the BLEECAM capacity tables.
pub const SOURCE_BLEECAM: &str = "bleecam";
/// The year BLEECAM's present period (`time_period` 0) describes.
pub const BLEECAM_PRESENT_YEAR: u16 = 2025;

/// BLEECAM process → derisk stage slug. `None`: a model node (market mix, use phase, demand
/// sink) that holds no production capacity.
///
/// Rare earths: ore and clay mining → `mining`; concentrate → `beneficiation`; acid digestion
/// and clay refining (to Nd/Dy oxides) → `separation`; electrolysis and reduction → `metal`;
/// NdDyFe alloy → `alloy`; NdFeB magnets → `magnet`; magnet and alloy recovery → `recycling`.
/// Gallium: feedstock stages keep their own slugs (`bauxite-mining`, `alumina`,
/// `zinc-mining`, `zinc-concentration`, `zinc-smelting`) so that their masses, which are not
/// gallium, never read as gallium mining; primary 4N gallium → `refining`; 6N → `high-purity`;
/// scrap recovery → `recycling`; trimethylgallium → `tmg`; GaAs/GaN wafers → `wafer`.
const PROCESS_STAGES: &[(&str, Option<&str>)] = &[
    ("mining", Some("mining")),
    ("clay mining", Some("mining")),
    ("beneficiation", Some("beneficiation")),
    ("hydrochloric acid digestion", Some("separation")),
    ("sulfuric acid digestion", Some("separation")),
    ("clay refining", Some("separation")),
    ("molten_salt electrolysis", Some("metal")),
    ("metallothermic reduction", Some("metal")),
    ("chemical transformation", Some("alloy")),
    ("magnet manufacturing", Some("magnet")),
    ("direct reuse", Some("recycling")),
    ("magnet-to-magnet recycling", Some("recycling")),
    ("cryogenic", Some("recycling")),
    ("hydrometallurgical", Some("recycling")),
    ("pyrometallurgical", Some("recycling")),
    ("magnet_market_mix", None),
    ("use phase", None),
    ("Bauxite mining", Some("bauxite-mining")),
    ("Bayer process / alumina refining", Some("alumina")),
    ("Bayer liquor refining", Some("refining")),
    ("ZLR refining", Some("refining")),
    ("High-purity gallium refining", Some("high-purity")),
    ("New manufacturing scrap recovery", Some("recycling")),
    ("ZS mining", Some("zinc-mining")),
    ("Zinc concentration", Some("zinc-concentration")),
    ("Zinc smelting/refining", Some("zinc-smelting")),
    ("TMG synthesis", Some("tmg")),
    ("Wafer manufacturing", Some("wafer")),
    ("wafer_market_mix", None),
    ("wafer_demand", None),
];

/// BLEECAM material → the mass basis of its capacity (kg/yr of that material). `None` means
/// contained gallium. Spellings are the source's; the basis names are corrected.
#[rustfmt::skip]
const MATERIAL_BASES: &[(&str, Option<&str>)] = &[
    ("bastnasite", Some("bastnasite ore")),
    ("monazaite", Some("monazite ore")),
    ("ion adsorption clay", Some("ion-adsorption clay")),
    ("flurocarbonate", Some("fluorocarbonate concentrate")),
    ("phosphate", Some("phosphate concentrate")),
    ("neodynium_oxide", Some("neodymium oxide")),
    ("dysprosium_oxide", Some("dysprosium oxide")),
    ("neodynium", Some("neodymium metal")),
    ("dysprosium", Some("dysprosium metal")),
    ("neodynium dysprosium iron alloy", Some("NdDyFe alloy")),
    ("hp_magnet", Some("NdFeB magnet")),
    ("bauxite", Some("bauxite")),
    ("Bayer_liquor", Some("alumina (Bayer liquor proxy)")),
    ("4N_Ga", None),
    ("6N_Ga", None),
    ("Zn_sphalerite_concentrate", Some("zinc in concentrate")),
    ("ZLR_Zn_residue", Some("refined zinc throughput")),
    ("TMG", Some("trimethylgallium")),
    ("GaAs_wafer", Some("GaAs wafer")),
    ("GaN_wafer", Some("GaN wafer")),
    ("Ga_manufacturing_scrap", Some("gallium manufacturing scrap")),
];

/// Notes wording that states there is no capacity now; a zero with such a note is a reported
/// zero, any other zero is kept as given and said to be so.
#[rustfmt::skip]
const NONE_PHRASES: &[&str] = &[
    "no commercial", "not yet commercial", "not at commercial scale", "not exploited",
    "no domestic",
];

#[rustfmt::skip]
const BLEECAM_COLUMNS: [&str; 6] =
    ["time_period", "process", "location", "material", "capacity", "notes"];
const ZERO_NONE: &str = "zero: the row states there is no capacity now; ";
const ZERO_AS_GIVEN: &str = "zero as given; the row does not state that there is none; ";

/// One kept BLEECAM row before rows of the same stage, country and material are summed.
struct Part {
    line: u64,
    process: String,
    material: String,
    value: f64,
    flag: Flag,
    note: String,
}

/// Import a BLEECAM capacity-by-stage-and-country table for one mineral (`rare-earths`,
/// `gallium`) as capacity observations for 2025 (the present period); rows of other periods
/// are counted as not kept. Routes into the same stage, country and material are summed.
pub fn import_bleecam_capacity<R: Read>(
    file: &str,
    input: R,
    mineral: &str,
    alpha2: &Alpha2Map,
    ctx: &ImportContext,
) -> Result<Imported> {
    let mineral_id = MineralId::try_from(mineral).map_err(|e| format_error(file, e))?;
    if !ctx.knows_mineral(mineral) {
        return Err(format_error(
            file,
            format!("{mineral:?} is not in the minerals table"),
        ));
    }
    let mut report = ImportReport::new(SOURCE_BLEECAM, file);
    let bytes = read_lf(file, input)?;
    let mut t = CsvTable::new(file, bytes.as_slice())?;
    t.require(&BLEECAM_COLUMNS)?;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown = UnknownNames::default();
    let mut groups: BTreeMap<(Stage, CountryCode, Basis), Vec<Part>> = BTreeMap::new();
    t.for_each(|row| {
        report.rows_read += 1;
        let period = row.get("time_period");
        let (process, location, material) = (
            row.text("process")?,
            row.text("location")?,
            row.text("material")?,
        );
        let key = format!("{period}|{process}|{location}|{material}");
        if let Some(first) = seen.insert(key.clone(), row.line) {
            return Err(duplicate(row, &key, first));
        }
        match period.parse::<u32>() {
            Ok(0) => {}
            Ok(_) => {
                report.skip("future period (time_period above 0); only the present is imported");
                return Ok(());
            }
            Err(_) => return Err(row.error("time_period", "a whole number (0 = present)")),
        }
        let stage = match PROCESS_STAGES.iter().find(|(p, _)| *p == process) {
            Some((_, Some(s))) => {
                Stage::try_from(*s).map_err(|_| row.error("process", "a mapped process"))?
            }
            Some((_, None)) => {
                report.skip("model node (market mix, use phase or demand sink), not a capacity");
                return Ok(());
            }
            None => return Err(row.error("process", "a process listed in the stage table")),
        };
        let basis = match MATERIAL_BASES.iter().find(|(m, _)| *m == material) {
            Some((_, Some(b))) => Basis::Gross(b.to_string()),
            Some((_, None)) => Basis::Content,
            None => return Err(row.error("material", "a material listed in the basis table")),
        };
        let value = row.number("capacity")?;
        if value < 0.0 {
            return Err(row.error("capacity", "a capacity of zero or more"));
        }
        let Some(country) = alpha2.get(location) else {
            unknown.add(location, row.line);
            report.skip(&format!("unknown country code {location:?}"));
            return Ok(());
        };
        let notes = row.get("notes");
        let (flag, zero_note) = if value == 0.0 {
            let lower = notes.to_lowercase();
            if NONE_PHRASES.iter().any(|p| lower.contains(p)) {
                (Flag::Reported, ZERO_NONE)
            } else {
                (Flag::Estimated, ZERO_AS_GIVEN)
            }
        } else {
            (Flag::Estimated, "")
        };
        let note = format!("{zero_note}{}", trim_notes(notes));
        groups
            .entry((stage, country, basis))
            .or_default()
            .push(Part {
                line: row.line,
                process: process.to_string(),
                material: material.to_string(),
                value,
                flag,
                note,
            });
        report.rows_kept += 1;
        Ok(())
    })?;
    if !ctx.options.skip_unknown_countries {
        unknown.into_result(file)?;
    }
    let table = file_name(file);
    let year = Year::try_from(BLEECAM_PRESENT_YEAR).map_err(|e| format_error(file, e))?;
    let mut observations = Vec::new();
    for ((stage, country, basis), parts) in groups {
        let value: f64 = parts.iter().map(|p| p.value).fold(0.0, |a, b| a + b);
        let describe = |p: &Part| {
            format!(
                "line {}: process {:?}, material {:?}, {} kg/yr; {}",
                p.line, p.process, p.material, p.value, p.note
            )
        };
        let (flag, body) = match parts.as_slice() {
            [one] => (one.flag, describe(one)),
            many => (
                Flag::Derived,
                format!(
                    "sum of {} routes into this stage: {}",
                    many.len(),
                    many.iter().map(describe).collect::<Vec<_>>().join(" | ")
                ),
            ),
        };
        observations.push(Observation {
            mineral: mineral_id.clone(),
            stage,
            measure: Measure::Capacity,
            area: Area::Country(country),
            year,
            value: Some(value),
            unit: Unit::mass(MassUnit::Kilogram, basis),
            flag,
            evidence: Evidence::CapacityAllocation,
            provenance: Provenance {
                source: SourceId::new(SOURCE_BLEECAM),
                table: table.clone(),
                note: Some(format!(
                    "present period (time_period 0) taken as {BLEECAM_PRESENT_YEAR}; \
                     low-confidence allocation; {body}"
                )),
            },
        });
    }
    Ok(Imported {
        observations,
        report,
        ..Imported::default()
    })
}

/// Path wrapper of [`import_bleecam_capacity`].
pub fn import_bleecam_capacity_path(
    path: &Path,
    mineral: &str,
    alpha2: &Alpha2Map,
    ctx: &ImportContext,
) -> Result<Imported> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import_bleecam_capacity(&file, input, mineral, alpha2, ctx)
}

/// Keep only the source URLs and the confidence words of a BLEECAM notes cell (the rest is
/// the package's own prose). URL text fragments (`#:~:text=`) are dropped: they quote pages.
pub fn trim_notes(notes: &str) -> String {
    let mut urls: Vec<String> = Vec::new();
    for (i, _) in notes.match_indices("http") {
        let rest = &notes[i..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ';' || c == ')')
            .unwrap_or(rest.len());
        let mut url = &rest[..end];
        if let Some(frag) = url.find("#:~:") {
            url = &url[..frag];
        }
        let url = url.trim_end_matches(['.', ',']);
        if !urls.iter().any(|u| u == url) {
            urls.push(url.to_string());
        }
    }
    let confidence = notes.find("confidence=").map(|i| {
        let rest = &notes[i + "confidence=".len()..];
        let end = rest.find(';').unwrap_or(rest.len());
        rest[..end].trim().trim_end_matches('.').to_string()
    });
    let source = match (urls.is_empty(), notes.contains("TEA file")) {
        (false, _) => format!("source={}", urls.join(" ")),
        (true, true) => "source: the package's techno-economic assessment (TEA) file".into(),
        (true, false) => "no source URL in the row".into(),
    };
    match confidence {
        Some(c) => format!("{source}; confidence={c}"),
        None => source,
    }
}
