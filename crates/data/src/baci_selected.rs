//! CEPII BACI extracts of selected HS codes that name their nomenclature in a column:
//! `year, exporter_iso3, importer_iso3, hs6, hs_nomenclature, value_kusd[, quantity_t]`,
//! plain or gzip-compressed (detected by the magic bytes).
//!
//! These are the files of `baci_hs17/` in the raw data directory: 2024 in HS 2017 with
//! quantities, and 2002–2023 with values only (HS 2002 for 2002–2016, HS 2017 from 2017).
//! A file without a `quantity_t` column is *value only*: every flow's quantity is `None`
//! (unknown, never zero) and its [`TradePart`] says
//! [`QuantityCoverage::ValueOnly`]. Country codes go through
//! [`CountryResolver::by_code`](crate::CountryResolver::by_code), which reads BACI's `S19`
//! (the 2024 file's Taiwan) as `TWN` (the value-only file's spelling).

use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::{CsvTable, Row};
use crate::ImportContext;
use derisk_model::{
    CountryCode, HsKey, ImportReport, Nomenclature, Provenance, QuantityCoverage, SourceId,
    TradeFlow, TradePart, TradeTable, Year,
};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Source slug of the BACI release these files come from.
pub const SOURCE: &str = "baci-hs17-v202601";

/// Columns every file must have; `quantity_t` is optional (absent: value only).
const COLUMNS: [&str; 6] = [
    "year",
    "exporter_iso3",
    "importer_iso3",
    "hs6",
    "hs_nomenclature",
    "value_kusd",
];
const QUANTITY: &str = "quantity_t";

/// Which flows to keep; `None` keeps everything. Rows outside the filter are checked for
/// format, then counted in the report as not kept, with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectedFilter {
    /// Keep only these (nomenclature, code) pairs.
    pub keys: Option<BTreeSet<HsKey>>,
    /// Keep only years in this inclusive range.
    pub years: Option<(Year, Year)>,
}

/// Read a selected-codes BACI file. Strict: a malformed field is an error naming file, line,
/// column and value; `hs_nomenclature` must be `HS1992`, `HS2002` or `HS2017`;
/// `value_kusd` a finite number ≥ 0; `quantity_t` (when the column exists) empty, `NA` or
/// a finite number ≥ 0; a repeated (year, nomenclature, hs, exporter, importer) is a
/// [`ImportError::Duplicate`] naming both lines; unknown country codes of kept rows are
/// listed together in one [`ImportError::UnknownCountries`] (or counted as not kept with
/// `options.skip_unknown_countries`).
///
/// The table's flows are sorted by (year, nomenclature, hs, exporter, importer); it has one
/// [`TradePart`] per nomenclature kept, naming `file`.
pub fn read_baci_selected<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
    filter: &SelectedFilter,
) -> Result<(TradeTable, ImportReport)> {
    let mut buffered = BufReader::new(input);
    let gzip = buffered
        .fill_buf()
        .map_err(|e| ImportError::io(file, e))?
        .starts_with(&[0x1f, 0x8b]);
    let stream: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let mut t = CsvTable::new(file, stream)?;
    t.require(&COLUMNS)?;
    let quantities = if t.header().iter().any(|h| h == QUANTITY) {
        QuantityCoverage::Reported
    } else {
        QuantityCoverage::ValueOnly
    };
    let mut report = ImportReport::new(SOURCE, file);
    let mut kept: Vec<(TradeFlow, u64)> = Vec::new();
    let mut unknown = UnknownNames::default();
    let mut skipped_unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut aliased: BTreeMap<(String, CountryCode), usize> = BTreeMap::new();
    let (mut outside_years, mut outside_codes, mut no_quantity) = (0usize, 0usize, 0usize);
    t.for_each(|row| {
        report.rows_read += 1;
        let year = row.year("year")?;
        let nomenclature = Nomenclature::try_from(row.get("hs_nomenclature"))
            .map_err(|_| row.error("hs_nomenclature", Nomenclature::EXPECTED))?;
        let hs = row.hs("hs6")?;
        let value_kusd = row
            .number("value_kusd")
            .ok()
            .filter(|v| *v >= 0.0)
            .ok_or_else(|| {
                row.error("value_kusd", "a finite value in thousand USD, zero or more")
            })?;
        let quantity_t = match quantities {
            QuantityCoverage::ValueOnly => None,
            QuantityCoverage::Reported => quantity(row)?,
        };
        for column in ["exporter_iso3", "importer_iso3"] {
            if row.get(column).is_empty() {
                return Err(row.error(column, "a country code"));
            }
        }
        if filter.years.is_some_and(|(lo, hi)| year < lo || year > hi) {
            outside_years += 1;
            return Ok(());
        }
        let key = HsKey::new(nomenclature, hs);
        if filter.keys.as_ref().is_some_and(|k| !k.contains(&key)) {
            outside_codes += 1;
            return Ok(());
        }
        let mut resolve = |column: &str| -> Option<CountryCode> {
            let raw = row.get(column);
            let code = ctx.countries.by_code(raw);
            match code {
                Some(c) if c.as_str() != raw => {
                    *aliased.entry((raw.to_string(), c)).or_default() += 1;
                }
                Some(_) => {}
                None if ctx.options.skip_unknown_countries => {}
                None => unknown.add(raw, row.line),
            }
            code
        };
        let (exporter, importer) = (resolve("exporter_iso3"), resolve("importer_iso3"));
        let (Some(exporter), Some(importer)) = (exporter, importer) else {
            if ctx.options.skip_unknown_countries {
                let raw = [row.get("exporter_iso3"), row.get("importer_iso3")]
                    .into_iter()
                    .find(|c| ctx.countries.by_code(c).is_none())
                    .unwrap_or_default();
                *skipped_unknown.entry(raw.to_string()).or_default() += 1;
            }
            return Ok(());
        };
        if quantity_t.is_none() {
            no_quantity += 1;
        }
        let flow = TradeFlow {
            year,
            exporter,
            importer,
            nomenclature,
            hs,
            value_kusd,
            quantity_t,
        };
        kept.push((flow, row.line));
        Ok(())
    })?;
    unknown.into_result(file)?;
    kept.sort_by_key(|(f, line)| (flow_key(f), *line));
    if let Some(w) = kept
        .windows(2)
        .filter(|w| flow_key(&w[0].0) == flow_key(&w[1].0))
        .min_by_key(|w| w[1].1)
    {
        let f = &w[0].0;
        return Err(ImportError::Duplicate {
            file: file.to_string(),
            line: w[1].1,
            key: format!(
                "year {} exporter {} importer {} {}",
                f.year,
                f.exporter,
                f.importer,
                f.key()
            ),
            first_line: w[0].1,
        });
    }
    let flows: Vec<TradeFlow> = kept.into_iter().map(|(f, _)| f).collect();
    report.rows_kept = flows.len();
    let filtered = [
        ("year outside the requested range", outside_years),
        ("HS code not requested", outside_codes),
    ];
    for (reason, n) in filtered.into_iter().filter(|(_, n)| *n > 0) {
        report.not_kept.push((reason.into(), n));
    }
    for (raw, n) in skipped_unknown {
        report.not_kept.push((
            format!("country code {raw:?} not in the country table (skipped by option)"),
            n,
        ));
    }
    for ((raw, code), n) in aliased {
        report.notes.push(format!(
            "code {raw} read as {code} in {n} exporter/importer fields"
        ));
    }
    if gzip {
        report.notes.push("input was gzip-compressed".into());
    }
    match quantities {
        QuantityCoverage::ValueOnly => report.notes.push(
            "the file has no quantity column: values only, every quantity left absent (unknown), \
             never zero"
                .into(),
        ),
        QuantityCoverage::Reported if no_quantity > 0 => report.notes.push(format!(
            "{no_quantity} kept flows have no quantity (empty or NA): quantity left absent, not zero"
        )),
        QuantityCoverage::Reported => {}
    }
    let parts = parts(SOURCE, file, &flows, quantities);
    let table = TradeTable {
        provenance: Some(Provenance {
            source: SourceId::new(SOURCE),
            table: match quantities {
                QuantityCoverage::Reported => {
                    "BACI selected HS codes (value kUSD, quantity t of product)".into()
                }
                QuantityCoverage::ValueOnly => "BACI selected HS codes (value kUSD only)".into(),
            },
            note: Some(format!("read from {file}")),
        }),
        flows,
        parts,
    };
    Ok((table, report))
}

/// [`read_baci_selected`] on a file path; the path is the file label in errors.
pub fn read_baci_selected_path(
    path: &Path,
    ctx: &ImportContext,
    filter: &SelectedFilter,
) -> Result<(TradeTable, ImportReport)> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
    read_baci_selected(&label, f, ctx, filter)
}

/// The optional quantity: empty or `NA` is absent; anything else a finite number ≥ 0.
fn quantity(row: &Row) -> Result<Option<f64>> {
    match row.get(QUANTITY) {
        "" | "NA" => Ok(None),
        _ => row
            .number(QUANTITY)
            .ok()
            .filter(|q| *q >= 0.0)
            .map(Some)
            .ok_or_else(|| {
                row.error(
                    QUANTITY,
                    "a finite quantity in tonnes, zero or more, or empty/NA",
                )
            }),
    }
}

/// The order of a trade table: (year, nomenclature, hs, exporter, importer).
pub fn flow_key(
    f: &TradeFlow,
) -> (
    Year,
    Nomenclature,
    derisk_model::HsCode,
    CountryCode,
    CountryCode,
) {
    (f.year, f.nomenclature, f.hs, f.exporter, f.importer)
}

/// One [`TradePart`] per nomenclature among `flows`, in nomenclature order.
pub fn parts(
    source: &str,
    file: &str,
    flows: &[TradeFlow],
    quantities: QuantityCoverage,
) -> Vec<TradePart> {
    let mut by: BTreeMap<Nomenclature, (Year, Year, usize)> = BTreeMap::new();
    for f in flows {
        let e = by.entry(f.nomenclature).or_insert((f.year, f.year, 0));
        e.0 = e.0.min(f.year);
        e.1 = e.1.max(f.year);
        e.2 += 1;
    }
    by.into_iter()
        .map(|(nomenclature, (first_year, last_year, n))| TradePart {
            source: SourceId::new(source),
            file: file.to_string(),
            nomenclature,
            first_year,
            last_year,
            quantities,
            flows: n,
        })
        .collect()
}
