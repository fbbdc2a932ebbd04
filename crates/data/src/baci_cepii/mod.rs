//! CEPII BACI exactly as CEPII distributes it: one file per year and HS revision
//! (`BACI_HS92_Y2022_V202401b.csv`) with columns `t,i,j,k,v,q` — year, exporter and importer
//! as CEPII's numeric country codes, the HS6 product code (written as a number, so codes of
//! chapters 01–09 may have lost their leading zero), value in thousand USD and quantity in
//! tonnes (blank or `NA` when unknown; some releases pad fields with spaces) — plus the
//! release's country-code file (`country_codes_V202401b.csv`:
//! `country_code,country_name,iso2,iso3`; V202601 spells the last two `country_iso2,
//! country_iso3`; older releases `iso_2digit_alpha,iso_3digit_alpha`).
//!
//! Numeric codes map through the country-code file to CEPII's three-letter code and then
//! through [`CountryResolver::by_code`](crate::CountryResolver::by_code), like the project's
//! own layout (so 490 "Other Asia, nes", `S19`, is Taiwan). Streamed like
//! [`read_baci`](crate::baci::read_baci), plain or gzip, with the same progress callback,
//! filter, sort order, duplicate check and report.

mod release;

use crate::baci::{self, BaciFilter};
use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::csv_error;
use crate::{CountryResolver, ImportContext};
use derisk_model::{
    CountryCode, HsCode, ImportReport, Provenance, QuantityCoverage, SourceId, TradeFlow,
    TradeTable, Year,
};
use std::io::Read;
use std::path::Path;

/// CEPII's trade columns, by header name, in the order the reader uses them.
pub const COLUMNS: [&str; 6] = ["t", "i", "j", "k", "v", "q"];

/// The column of the country-code file with the numeric code.
const CODE_COLUMN: &str = "country_code";
/// The column with the three-letter code, as each release spells it.
const ISO3_COLUMNS: [&str; 3] = ["iso3", "country_iso3", "iso_3digit_alpha"];
/// The column with the country's name (used in messages only), as each release spells it.
const NAME_COLUMNS: [&str; 3] = [
    "country_name",
    "country_name_abbreviation",
    "country_name_full",
];

/// CEPII's own three-letter codes for reporting units outside ISO 3166 that may be read
/// through the alias table (`data/reference/country_aliases.csv`): `S19` (490, Taiwan),
/// `PUS` (849, US Misc. Pacific Isds), `ZA1` (711, Southern African Customs Union). Any
/// other code must be one the country table knows as such: the alias table also holds
/// other sources' codes, and CEPII's `R20` (697, "Europe EFTA, nes", not a country) is
/// World Mining Data's code for Kosovo there.
const CEPII_ALIASED: [&str; 3] = ["S19", "PUS", "ZA1"];

pub use release::{FileName, HsRevision, Release, UnknownRevision};

/// One line of the country-code file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeEntry {
    pub numeric: u16,
    /// CEPII's three-letter code; `None` when the file leaves it blank.
    pub iso3: Option<String>,
    /// The name as the file gives it (messages only; some releases' names are mis-encoded).
    pub name: String,
    pub line: u64,
}

impl CodeEntry {
    /// `490 (S19, Other Asia, nes)`.
    fn label(&self) -> String {
        format!(
            "{} ({}, {})",
            self.numeric,
            self.iso3.as_deref().unwrap_or("no ISO3"),
            self.name
        )
    }
}

/// A BACI release's country-code file: numeric code → entry.
#[derive(Clone, Debug)]
pub struct CountryCodes {
    file: String,
    entries: Vec<CodeEntry>,
    /// Numeric code (0–999) → index into `entries`.
    index: Vec<Option<u16>>,
}

/// Codes are at most three digits.
const MAX_NUMERIC: usize = 999;

impl CountryCodes {
    /// Read the file. Strict: a numeric code must be a whole number 0–999 and appear once;
    /// a three-letter code, where given, is three upper-case letters or digits.
    pub fn read<R: Read>(file: &str, input: R) -> Result<CountryCodes> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(input);
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|e| csv_error(file, e))?
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        let missing = |column: &str| ImportError::MissingColumn {
            file: file.to_string(),
            column: column.to_string(),
            header: header.join(","),
        };
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| header.iter().position(|h| h == n))
        };
        let code_col = find(&[CODE_COLUMN]).ok_or_else(|| missing(CODE_COLUMN))?;
        let iso3_col = find(&ISO3_COLUMNS).ok_or_else(|| missing(&ISO3_COLUMNS.join(" or ")))?;
        let name_col = find(&NAME_COLUMNS);
        let line_offset = baci::line_offset(reader.position().line());
        let mut out = CountryCodes {
            file: file.to_string(),
            entries: Vec::new(),
            index: vec![None; MAX_NUMERIC + 1],
        };
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(file, e)),
            }
            let line = record.position().map_or(0, |p| p.line()) + line_offset;
            let field = |i: usize| record.get(i).unwrap_or(b"").trim_ascii();
            let err = |i: usize, expected: &str| {
                ImportError::field(
                    file,
                    line,
                    &header[i],
                    &String::from_utf8_lossy(field(i)),
                    expected,
                )
            };
            let numeric = baci::parse_uint(field(code_col), 3)
                .ok_or_else(|| err(code_col, "a numeric country code 0–999"))?;
            let iso3 = match field(iso3_col) {
                b"" => None,
                c if c.len() == 3
                    && c.iter()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
                {
                    Some(String::from_utf8_lossy(c).into_owned())
                }
                _ => {
                    return Err(err(
                        iso3_col,
                        "a three-letter code (upper-case letters or digits) or nothing",
                    ))
                }
            };
            let slot = &mut out.index[numeric as usize];
            if let Some(first) = *slot {
                return Err(ImportError::Duplicate {
                    file: file.to_string(),
                    line,
                    key: format!("country_code {numeric}"),
                    first_line: out.entries[first as usize].line,
                });
            }
            *slot = Some(out.entries.len() as u16);
            out.entries.push(CodeEntry {
                numeric: numeric as u16,
                iso3,
                name: name_col
                    .map(|i| String::from_utf8_lossy(field(i)).into_owned())
                    .unwrap_or_default(),
                line,
            });
        }
        Ok(out)
    }

    /// [`read`](Self::read) on a file path; the path is the file label in errors.
    pub fn read_path(path: &Path) -> Result<CountryCodes> {
        let label = path.display().to_string();
        let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
        CountryCodes::read(&label, f)
    }

    /// The file the codes came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn entries(&self) -> &[CodeEntry] {
        &self.entries
    }

    pub fn get(&self, numeric: u16) -> Option<&CodeEntry> {
        let i = (*self.index.get(numeric as usize)?)?;
        self.entries.get(i as usize)
    }

    /// The country an entry stands for in derisk's table: its three-letter code when the
    /// table knows it as a country, else one of CEPII's own codes the alias table maps
    /// (see [`CEPII_ALIASED`]); `None` otherwise.
    pub fn resolve(entry: &CodeEntry, resolver: &CountryResolver) -> Option<CountryCode> {
        let iso3 = entry.iso3.as_deref()?;
        let known = CountryCode::try_from(iso3).is_ok_and(|c| resolver.is_known(c));
        (known || CEPII_ALIASED.contains(&iso3))
            .then(|| resolver.by_code(iso3))
            .flatten()
    }
}

/// Read CEPII's layout from `input` (plain CSV or gzip, detected from the first bytes).
///
/// `progress` receives the raw input bytes consumed so far. Strict: a malformed field is an
/// error naming file, line, column and value; `t` a year; `i` and `j` numeric codes the
/// country-code file lists (else an error naming the field and value); `k` an HS6 code of
/// six digits, or five when its leading zero was lost; `v` a finite value ≥ 0; `q` a
/// quantity ≥ 0, or blank/`NA` (kept as `None`, never 0). Codes the country table does not
/// know are listed together in one [`ImportError::UnknownCountries`] (or counted as not
/// kept with `options.skip_unknown_countries`); a repeated (year, exporter, importer, hs)
/// key is an [`ImportError::Duplicate`]. Rows outside `filter` are checked for format and
/// for their codes in the country-code file, not for countries or duplicates. Flows are
/// sorted by (year, hs, exporter, importer).
pub fn read_cepii<R: Read>(
    file: &str,
    input: R,
    release: &Release,
    codes: &CountryCodes,
    ctx: &ImportContext,
    filter: &BaciFilter,
    progress: &mut dyn FnMut(u64),
) -> Result<(TradeTable, ImportReport)> {
    let (stream, gzip) = baci::open_input(file, input, progress)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(baci::BUFFER)
        .from_reader(stream);
    let idx = header_indices(
        file,
        reader
            .byte_headers()
            .map_err(|e| baci::read_error(file, gzip, e))?,
    )?;
    let offset = baci::line_offset(reader.position().line());
    let mut state = State::new(file, release, codes, ctx, filter);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => state.row(&record, &idx, offset)?,
            Err(e) => return Err(baci::read_error(file, gzip, e)),
        }
    }
    drop(reader);
    state.finish(gzip)
}

/// [`read_cepii`] on a file path; the path is the file label in errors.
pub fn read_cepii_path(
    path: &Path,
    release: &Release,
    codes: &CountryCodes,
    ctx: &ImportContext,
    filter: &BaciFilter,
    progress: &mut dyn FnMut(u64),
) -> Result<(TradeTable, ImportReport)> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
    read_cepii(&label, f, release, codes, ctx, filter, progress)
}

/// Whether a header is CEPII's layout: it has every one of [`COLUMNS`].
pub fn is_cepii_header(names: &[String]) -> bool {
    COLUMNS.iter().all(|c| names.iter().any(|n| n == c))
}

/// Column positions of [`COLUMNS`].
fn header_indices(file: &str, header: &csv::ByteRecord) -> Result<[usize; 6]> {
    baci::column_indices(file, header, COLUMNS)
}

/// How one entry of the country-code file resolved, and how it was used.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Resolved yet?
    done: bool,
    resolved: Option<CountryCode>,
    packed: u64,
    uses: usize,
    skipped_rows: usize,
}

/// Everything accumulated while rows stream past.
struct State<'a> {
    file: &'a str,
    release: &'a Release,
    codes: &'a CountryCodes,
    ctx: &'a ImportContext<'a>,
    filter: &'a BaciFilter,
    report: ImportReport,
    flows: Vec<TradeFlow>,
    keys: Vec<(u64, u32)>,
    lines: Vec<u64>,
    /// Per entry of `codes`.
    slots: Vec<Slot>,
    unknown: UnknownNames,
    outside_years: usize,
    outside_hs: usize,
    no_quantity: usize,
    lost_zero: usize,
}

impl<'a> State<'a> {
    fn new(
        file: &'a str,
        release: &'a Release,
        codes: &'a CountryCodes,
        ctx: &'a ImportContext<'a>,
        filter: &'a BaciFilter,
    ) -> State<'a> {
        State {
            file,
            release,
            codes,
            ctx,
            filter,
            report: ImportReport::new(&release.source(), file),
            flows: Vec::new(),
            keys: Vec::new(),
            lines: Vec::new(),
            slots: vec![Slot::default(); codes.entries.len()],
            unknown: UnknownNames::default(),
            outside_years: 0,
            outside_hs: 0,
            no_quantity: 0,
            lost_zero: 0,
        }
    }

    fn row(&mut self, rec: &csv::ByteRecord, idx: &[usize; 6], offset: u64) -> Result<()> {
        self.report.rows_read += 1;
        let line = rec.position().map_or(0, |p| p.line()) + offset;
        let field = |i: usize| rec.get(idx[i]).unwrap_or(b"").trim_ascii();
        let err = |i: usize, expected: &str| {
            ImportError::field(
                self.file,
                line,
                COLUMNS[i],
                &String::from_utf8_lossy(field(i)),
                expected,
            )
        };
        let year = baci::parse_uint(field(0), 4)
            .and_then(|y| Year::try_from(y as u16).ok())
            .ok_or_else(|| err(0, "a year 1900–2100"))?;
        let mut entry = [0usize; 2];
        for (slot, i) in entry.iter_mut().zip([1, 2]) {
            let numeric = baci::parse_uint(field(i), 3)
                .ok_or_else(|| err(i, "a numeric CEPII country code"))?;
            *slot = self.codes.index[numeric as usize]
                .ok_or_else(|| err(i, &format!("a country code listed in {}", self.codes.file)))?
                .into();
        }
        let k = field(3);
        let hs = baci::parse_uint(k, 6)
            .filter(|_| k.len() >= 5)
            .and_then(|v| HsCode::try_from(v).ok())
            .ok_or_else(|| {
                err(
                    3,
                    &format!(
                        "a six-digit {} code (five digits when its leading zero was lost)",
                        self.release.revision
                    ),
                )
            })?;
        let value_kusd = baci::parse_float(field(4))
            .filter(|v| *v >= 0.0)
            .ok_or_else(|| err(4, "a finite value in thousand USD, zero or more"))?;
        let quantity_t =
            match field(5) {
                b"" | b"NA" => None,
                q => Some(baci::parse_float(q).filter(|v| *v >= 0.0).ok_or_else(|| {
                    err(5, "a finite quantity in tonnes, zero or more, or blank/NA")
                })?),
            };
        if let Some((lo, hi)) = self.filter.years {
            if year < lo || year > hi {
                self.outside_years += 1;
                return Ok(());
            }
        }
        if let Some(set) = &self.filter.hs {
            if !set.contains(&hs) {
                self.outside_hs += 1;
                return Ok(());
            }
        }
        // A revision derisk keys no carrier by carries none of the minerals.
        let Some(nomenclature) = self.release.revision.nomenclature() else {
            self.outside_hs += 1;
            return Ok(());
        };
        let [e, i] = entry.map(|s| self.resolve(s));
        let (Some(exporter), Some(importer)) = (e, i) else {
            for (s, r) in entry.into_iter().zip([e, i]) {
                if r.is_none() {
                    if self.ctx.options.skip_unknown_countries {
                        self.slots[s].skipped_rows += 1;
                        return Ok(());
                    }
                    self.unknown.add(&self.codes.entries[s].label(), line);
                }
            }
            return Ok(());
        };
        for s in entry {
            self.slots[s].uses += 1;
        }
        if quantity_t.is_none() {
            self.no_quantity += 1;
        }
        if k.len() == 5 {
            self.lost_zero += 1;
        }
        let key = baci::sort_key(
            year,
            hs,
            self.slots[entry[0]].packed,
            self.slots[entry[1]].packed,
        );
        self.keys.push((key, self.flows.len() as u32));
        self.flows.push(TradeFlow {
            year,
            nomenclature,
            exporter,
            importer,
            hs,
            value_kusd,
            quantity_t,
        });
        self.lines.push(line);
        Ok(())
    }

    /// The country of entry `s`, resolved the first time it is used.
    fn resolve(&mut self, s: usize) -> Option<CountryCode> {
        let slot = &mut self.slots[s];
        if !slot.done {
            slot.done = true;
            slot.resolved = CountryCodes::resolve(&self.codes.entries[s], self.ctx.countries);
            slot.packed = slot.resolved.map_or(0, baci::pack_code);
        }
        slot.resolved
    }

    fn finish(self, gzip: bool) -> Result<(TradeTable, ImportReport)> {
        self.unknown.into_result(self.file)?;
        let mut keys = self.keys;
        keys.sort_unstable();
        if let Some((first, second)) = baci::first_duplicate(&keys) {
            let f = &self.flows[first];
            return Err(ImportError::Duplicate {
                file: self.file.to_string(),
                line: self.lines[second],
                key: format!(
                    "year {} exporter {} importer {} hs {}",
                    f.year, f.exporter, f.importer, f.hs
                ),
                first_line: self.lines[first],
            });
        }
        let flows: Vec<TradeFlow> = keys.iter().map(|&(_, i)| self.flows[i as usize]).collect();
        let mut report = self.report;
        report.rows_kept = flows.len();
        let filtered = [
            ("year outside the requested range", self.outside_years),
            ("HS code not requested", self.outside_hs),
        ];
        for (reason, n) in filtered.into_iter().filter(|(_, n)| *n > 0) {
            report.not_kept.push((reason.into(), n));
        }
        // Entries are in file order, which is by numeric code in CEPII's files; sort anyway.
        let mut used: Vec<(&CodeEntry, &Slot)> =
            self.codes.entries.iter().zip(&self.slots).collect();
        used.sort_by_key(|(e, _)| e.numeric);
        for (e, s) in used.iter().filter(|(_, s)| s.skipped_rows > 0) {
            report.not_kept.push((
                format!(
                    "CEPII country code {} has no country in derisk's table (skipped by option)",
                    e.label()
                ),
                s.skipped_rows,
            ));
        }
        report.notes.push(format!(
            "CEPII's layout (t,i,j,k,v,q), {}; numeric country codes read through {}",
            self.release.revision, self.codes.file
        ));
        for (e, s) in used.iter().filter(|(_, s)| s.uses > 0) {
            if let Some(code) = s.resolved.filter(|r| Some(r.as_str()) != e.iso3.as_deref()) {
                report.notes.push(format!(
                    "code {} read as {code} in {} exporter/importer fields",
                    e.label(),
                    s.uses
                ));
            }
        }
        if self.lost_zero > 0 {
            report.notes.push(format!(
                "{} kept flows had a five-digit product code (leading zero lost), read as 0 + the five digits",
                self.lost_zero
            ));
        }
        if gzip {
            report.notes.push("input was gzip-compressed".into());
        }
        if self.no_quantity > 0 {
            report.notes.push(format!(
                "{} kept flows have no quantity (blank or NA): quantity left absent, not zero",
                self.no_quantity
            ));
        }
        let version = self
            .release
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let table = TradeTable {
            provenance: Some(Provenance {
                source: SourceId::new(&report.source),
                table: format!(
                    "BACI {}{version} bilateral flows (value kUSD, quantity t of product)",
                    self.release.revision.tag()
                ),
                note: Some(format!("read from {}", self.file)),
            }),
            parts: crate::baci_selected::parts(
                &report.source,
                self.file,
                &flows,
                QuantityCoverage::Reported,
            ),
            flows,
        };
        Ok((table, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_parse_from_tags_and_years() {
        for r in HsRevision::ALL {
            assert_eq!(r.tag().parse::<HsRevision>(), Ok(r));
            assert_eq!(r.tag().to_lowercase().parse::<HsRevision>(), Ok(r));
            assert_eq!(r.year().to_string().parse::<HsRevision>(), Ok(r));
            assert_eq!(format!("HS{}", r.year()).parse::<HsRevision>(), Ok(r));
        }
        for bad in ["", "HS", "HS93", "H92", "1993"] {
            assert!(bad.parse::<HsRevision>().is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names_give_revision_year_and_version() {
        let n = FileName::parse("BACI_HS92_Y2022_V202401b.csv");
        assert_eq!(n.revision, Some(HsRevision::Hs1992));
        assert_eq!(n.year.map(Year::get), Some(2022));
        assert_eq!(n.version.as_deref(), Some("V202401b"));
        let n = FileName::parse("BACI_HS17_Y2024_V202601.csv.gz");
        assert_eq!(n.revision, Some(HsRevision::Hs2017));
        assert_eq!(n.version.as_deref(), Some("V202601"));
        let n = FileName::parse("baci_v202601_hs17_selected_2024.csv.gz");
        assert_eq!(n.revision, Some(HsRevision::Hs2017));
        assert_eq!(n.version.as_deref(), Some("v202601"));
        assert_eq!(FileName::parse("trade.csv"), FileName::default());
        // Two different revisions say nothing.
        assert_eq!(FileName::parse("BACI_HS92_HS17.csv").revision, None);
        assert_eq!(
            Release {
                revision: HsRevision::Hs1992,
                version: Some("V202401b".into())
            }
            .source(),
            "baci-hs92-v202401b"
        );
    }

    #[test]
    fn crlf_and_lf_files_number_lines_alike() {
        for eol in ["\n", "\r\n"] {
            let text = [
                "country_code,country_name,iso2,iso3",
                "4,A,AF,AFG",
                "4,B,BB,BBB",
            ]
            .join(eol);
            let Err(ImportError::Duplicate {
                line, first_line, ..
            }) = CountryCodes::read("c.csv", text.as_bytes())
            else {
                panic!("duplicate expected");
            };
            assert_eq!((first_line, line), (2, 3), "{eol:?}");
        }
    }
}
