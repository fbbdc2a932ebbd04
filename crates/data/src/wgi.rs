//! Worldwide Governance Indicators (World Bank; Kaufmann & Kraay), two shapes:
//!
//! - the official bulk file `WGIData_*.csv`: wide, one row per (economy, indicator), one
//!   column per year;
//! - a Political Stability file (PV only) that runs two years further, through 2024.
//!
//! Both become [`GovernanceRecord`]s sorted by (country, year, dimension). A missing
//! cell (empty, `#N/A`, `..`, `None`) produces no record and is counted: a missing
//! governance score is never read as zero.

use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::{CsvTable, Row};
use crate::ImportContext;
use derisk_model::{CountryCode, GovernanceDimension, GovernanceRecord, ImportReport, Year};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

/// Source slug of the WGI 2023 release (data through 2022), the bulk file.
pub const SOURCE: &str = "wgi-2023";
/// Source slug of the Political Stability series through 2024.
pub const SOURCE_PV: &str = "wgi-pv-2024";

/// Cell contents that mean "no figure".
const MISSING: [&str; 5] = ["", "#N/A", "..", "None", "NA"];

/// Codes of the Political Stability file whose series belong to another economy: each was
/// found to repeat, value for value over 1996–2022, the official bulk file's series of the
/// economy named here. Their rows are not kept (a wrong score is worse than none). This is
/// a defect of that derived file, not of WGI.
pub const PV_MISATTRIBUTED: [(&str, &str); 3] = [
    ("R20", "Kosovo (XKX in the bulk file)"),
    ("PUS", "Jersey (JEY in the bulk file)"),
    ("VGB", "the US Virgin Islands (VIR in the bulk file)"),
];

/// One value read from a cell, with the counts the report needs.
#[derive(Default)]
struct Cells {
    empty_estimates: usize,
    orphans: usize,
}

/// A finite number, or `None` for a missing marker; anything else is an error naming the
/// file, line and column.
fn cell(row: &Row, column: &str) -> Result<Option<f64>> {
    let v = row.get(column);
    if MISSING.contains(&v) {
        return Ok(None);
    }
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or_else(|| row.error(column, "a finite number or an empty cell"))
}

/// Check a value against the range its kind can take, so that a shifted column shows up.
fn checked(row: &Row, column: &str, kind: Kind) -> Result<Option<f64>> {
    let v = cell(row, column)?;
    let ok = match (v, kind) {
        (None, _) => true,
        // WGI estimates are centred on 0 with unit spread; ±5 leaves ample margin.
        (Some(x), Kind::Estimate) => (-5.0..=5.0).contains(&x),
        (Some(x), Kind::StdErr) => x >= 0.0,
        (Some(x), Kind::Rank) => (0.0..=100.0).contains(&x),
    };
    if ok {
        Ok(v)
    } else {
        Err(row.error(column, kind.expected()))
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Estimate,
    StdErr,
    Rank,
}

impl Kind {
    fn expected(self) -> &'static str {
        match self {
            Kind::Estimate => "a WGI estimate between -5 and 5",
            Kind::StdErr => "a standard error of zero or more",
            Kind::Rank => "a percentile rank between 0 and 100",
        }
    }
}

/// Resolve a country code; unknown codes are collected (or counted with the lenient option).
fn country(
    ctx: &ImportContext,
    row: &Row,
    column: &str,
    unknown: &mut UnknownNames,
    report: &mut ImportReport,
) -> Result<Option<CountryCode>> {
    let raw = row.text(column)?;
    match ctx.countries.by_code(raw) {
        Some(c) => Ok(Some(c)),
        None if ctx.options.skip_unknown_countries => {
            report.skip(&format!(
                "country code {raw:?} not in the country table (skipped by option)"
            ));
            Ok(None)
        }
        None => {
            unknown.add(raw, row.line);
            Ok(None)
        }
    }
}

fn open(path: &Path) -> Result<(String, std::fs::File)> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
    Ok((label, f))
}

fn sort(records: &mut [GovernanceRecord]) {
    records.sort_by_key(|r| (r.country, r.year, r.dimension));
}

fn note_cells(report: &mut ImportReport, cells: &Cells) {
    if cells.empty_estimates > 0 {
        report.notes.push(format!(
            "{} estimate cells empty or marked missing: no record (absent, not zero)",
            cells.empty_estimates
        ));
    }
    if cells.orphans > 0 {
        report.notes.push(format!(
            "{} standard-error or rank cells without an estimate: dropped",
            cells.orphans
        ));
    }
}

/// Estimate, standard error and rank series of one (country, dimension) in the wide file,
/// each with the line it came from.
#[derive(Default)]
struct Series {
    est: Option<(u64, Vec<Option<f64>>)>,
    std_err: Option<(u64, Vec<Option<f64>>)>,
    rank: Option<(u64, Vec<Option<f64>>)>,
}

/// Read the official WGI bulk file (wide: `Country Name, Country Code, Indicator Name,
/// Indicator Code`, then one column per year; a trailing empty column from a trailing comma
/// is allowed but must stay empty).
///
/// Keeps the six `*.EST` estimates and attaches `*.STD.ERR` and `*.PER.RNK` of the same
/// economy and year; other indicators (number of sources, rank bounds) are counted as not
/// kept. A repeated (country, indicator) row is a [`ImportError::Duplicate`]; unknown
/// country codes are listed together in one [`ImportError::UnknownCountries`].
pub fn read_wgi_wide<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
) -> Result<(Vec<GovernanceRecord>, ImportReport)> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "Country Name",
        "Country Code",
        "Indicator Name",
        "Indicator Code",
    ])?;
    let mut years: Vec<(String, Year)> = Vec::new();
    let mut unnamed = false;
    for h in t.header().iter().skip(4) {
        match Year::try_from(h.as_str()) {
            Ok(y) if h.len() == 4 => years.push((h.clone(), y)),
            _ if h.is_empty() => unnamed = true,
            _ => {
                return Err(ImportError::Format {
                    file: file.to_string(),
                    message: format!(
                        "unexpected column {h:?}: expected a year after the first four"
                    ),
                })
            }
        }
    }
    let mut report = ImportReport::new(SOURCE, file);
    let mut unknown = UnknownNames::default();
    let mut series: BTreeMap<(CountryCode, GovernanceDimension), Series> = BTreeMap::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    t.for_each(|row| {
        report.rows_read += 1;
        if unnamed && !row.get("").is_empty() {
            return Err(row.error("", "an empty cell (unnamed column after a trailing comma)"));
        }
        let indicator = row.text("Indicator Code")?;
        let raw_code = row.text("Country Code")?;
        let key = (raw_code.to_string(), indicator.to_string());
        if let Some(first) = seen.insert(key, row.line) {
            return Err(ImportError::Duplicate {
                file: file.to_string(),
                line: row.line,
                key: format!("{raw_code} {indicator}"),
                first_line: first,
            });
        }
        let Some((dim, suffix)) = indicator.split_once('.') else {
            return Err(row.error("Indicator Code", "a WGI indicator code such as PV.EST"));
        };
        let Some(dim) = GovernanceDimension::from_code(dim) else {
            report.skip("indicator outside the six WGI dimensions");
            return Ok(());
        };
        let kind = match suffix {
            "EST" => Kind::Estimate,
            "STD.ERR" => Kind::StdErr,
            "PER.RNK" => Kind::Rank,
            other => {
                report.skip(&format!("indicator *.{other} not used"));
                return Ok(());
            }
        };
        let Some(code) = country(ctx, row, "Country Code", &mut unknown, &mut report)? else {
            return Ok(());
        };
        let values = years
            .iter()
            .map(|(col, _)| checked(row, col, kind))
            .collect::<Result<Vec<_>>>()?;
        let s = series.entry((code, dim)).or_default();
        let slot = match kind {
            Kind::Estimate => &mut s.est,
            Kind::StdErr => &mut s.std_err,
            Kind::Rank => &mut s.rank,
        };
        if let Some((first, _)) = slot {
            return Err(ImportError::Duplicate {
                file: file.to_string(),
                line: row.line,
                key: format!("{code} {indicator}"),
                first_line: *first,
            });
        }
        *slot = Some((row.line, values));
        report.rows_kept += 1;
        Ok(())
    })?;
    unknown.into_result(file)?;
    let mut cells = Cells::default();
    let mut records = Vec::new();
    for ((country, dimension), s) in series {
        let at = |v: &Option<(u64, Vec<Option<f64>>)>, i: usize| {
            v.as_ref().and_then(|(_, xs)| xs.get(i).copied().flatten())
        };
        for (i, (_, year)) in years.iter().enumerate() {
            let (std_err, percentile_rank) = (at(&s.std_err, i), at(&s.rank, i));
            match at(&s.est, i) {
                Some(estimate) => records.push(GovernanceRecord {
                    country,
                    year: *year,
                    dimension,
                    estimate,
                    std_err,
                    percentile_rank,
                }),
                None => {
                    cells.empty_estimates += usize::from(s.est.is_some());
                    cells.orphans +=
                        usize::from(std_err.is_some()) + usize::from(percentile_rank.is_some());
                }
            }
        }
    }
    note_cells(&mut report, &cells);
    sort(&mut records);
    Ok((records, report))
}

/// [`read_wgi_wide`] on a file path.
pub fn read_wgi_wide_path(
    path: &Path,
    ctx: &ImportContext,
) -> Result<(Vec<GovernanceRecord>, ImportReport)> {
    let (label, f) = open(path)?;
    read_wgi_wide(&label, f, ctx)
}

/// Read the Political Stability file (`iso3, country, un_m49, year, estimate, std_err,
/// num_sources, percentile_rank, …`), PV records through 2024 with standard error and
/// percentile rank. Rows of the codes in [`PV_MISATTRIBUTED`] are not kept, with the
/// reason. Caveat: the last two years come from a later WGI release, whose percentile ranks
/// sit on a different footing than earlier years'; compare estimates, not ranks, across
/// that seam.
pub fn read_political_stability<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
) -> Result<(Vec<GovernanceRecord>, ImportReport)> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "iso3",
        "country",
        "year",
        "estimate",
        "std_err",
        "percentile_rank",
    ])?;
    let mut report = ImportReport::new(SOURCE_PV, file);
    let mut unknown = UnknownNames::default();
    let mut seen: HashMap<(CountryCode, Year), u64> = HashMap::new();
    let mut cells = Cells::default();
    let mut records = Vec::new();
    t.for_each(|row| {
        report.rows_read += 1;
        let year = row.year("year")?;
        let estimate = checked(row, "estimate", Kind::Estimate)?;
        let std_err = checked(row, "std_err", Kind::StdErr)?;
        let percentile_rank = checked(row, "percentile_rank", Kind::Rank)?;
        let raw = row.text("iso3")?;
        if let Some((_, whose)) = PV_MISATTRIBUTED.iter().find(|(c, _)| *c == raw) {
            report.skip(&format!("code {raw}: series is that of {whose}"));
            return Ok(());
        }
        let Some(code) = country(ctx, row, "iso3", &mut unknown, &mut report)? else {
            return Ok(());
        };
        if let Some(first) = seen.insert((code, year), row.line) {
            return Err(ImportError::Duplicate {
                file: file.to_string(),
                line: row.line,
                key: format!("{code} {year}"),
                first_line: first,
            });
        }
        let Some(estimate) = estimate else {
            cells.empty_estimates += 1;
            cells.orphans +=
                usize::from(std_err.is_some()) + usize::from(percentile_rank.is_some());
            report.skip("no estimate for that year");
            return Ok(());
        };
        report.rows_kept += 1;
        records.push(GovernanceRecord {
            country: code,
            year,
            dimension: GovernanceDimension::PV,
            estimate,
            std_err,
            percentile_rank,
        });
        Ok(())
    })?;
    unknown.into_result(file)?;
    note_cells(&mut report, &cells);
    sort(&mut records);
    Ok((records, report))
}

/// [`read_political_stability`] on a file path.
pub fn read_political_stability_path(
    path: &Path,
    ctx: &ImportContext,
) -> Result<(Vec<GovernanceRecord>, ImportReport)> {
    let (label, f) = open(path)?;
    read_political_stability(&label, f, ctx)
}
