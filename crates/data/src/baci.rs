//! CEPII BACI bilateral trade (HS 1992, version 202401b), as exported to CSV with columns
//! `year, exporter_m49, exporter_iso3, importer_m49, importer_iso3, hs92, value_kusd,
//! quantity_t`, plain or gzip-compressed.
//!
//! The full history is about 1.3 million rows, so the reader streams the input (never holding
//! the raw file), parses fields from bytes without allocating per row, and detects gzip by its
//! magic bytes rather than by file name. Country codes go through
//! [`CountryResolver::by_code`](crate::CountryResolver::by_code), which knows BACI's `S19`
//! (Taiwan, reported as "Other Asia, nes").

use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::table::csv_error;
use crate::ImportContext;
use derisk_model::{
    CountryCode, HsCode, ImportReport, Nomenclature, Provenance, SourceId, TradeFlow, TradeTable,
    Year,
};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

/// Source slug of the BACI release this reader targets.
pub const SOURCE: &str = "baci-hs92-v202401b";

/// Columns the file must have, by header name.
pub(crate) const COLUMNS: [&str; 8] = [
    "year",
    "exporter_m49",
    "exporter_iso3",
    "importer_m49",
    "importer_iso3",
    "hs92",
    "value_kusd",
    "quantity_t",
];

/// Read buffer size: large reads keep decompression and progress callbacks cheap.
pub(crate) const BUFFER: usize = 256 * 1024;

/// Which flows to keep. `None` keeps everything; rows outside the filter are counted in the
/// report as not kept, with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaciFilter {
    /// Keep only these HS codes.
    pub hs: Option<BTreeSet<HsCode>>,
    /// Keep only years in this inclusive range.
    pub years: Option<(Year, Year)>,
}

/// Counts bytes of the raw (possibly compressed) input and reports them to `progress`.
struct Counting<'p, R> {
    inner: R,
    consumed: u64,
    progress: &'p mut dyn FnMut(u64),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed += n as u64;
        (self.progress)(self.consumed);
        Ok(n)
    }
}

/// Read up to two bytes to look for the gzip magic number without losing them.
fn peek_magic<R: Read>(input: &mut R) -> std::io::Result<([u8; 2], usize)> {
    let mut magic = [0u8; 2];
    let mut n = 0;
    while n < 2 {
        match input.read(&mut magic[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((magic, n))
}

/// Map an error of the csv reader, telling gzip damage apart from other I/O failures.
pub(crate) fn read_error(file: &str, gzip: bool, e: csv::Error) -> ImportError {
    if !gzip || !e.is_io_error() {
        return csv_error(file, e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => gzip_error(file, io),
        other => ImportError::Format {
            file: file.to_string(),
            message: format!("{other:?}"),
        },
    }
}

/// A failure inside the gzip stream: truncation gets its own message because it is the
/// usual cause (an interrupted download or copy).
fn gzip_error(file: &str, io: std::io::Error) -> ImportError {
    let message = match io.kind() {
        std::io::ErrorKind::UnexpectedEof => "gzip stream ends early (truncated file?)".to_string(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
            format!("invalid gzip data ({io}); the file may be damaged")
        }
        _ => return ImportError::io(file, io),
    };
    ImportError::Format {
        file: file.to_string(),
        message,
    }
}

/// Read BACI flows from `input` (plain CSV or gzip, detected from the first bytes).
///
/// `progress` receives the number of raw input bytes consumed so far, so a caller can draw
/// a progress bar against the file size. Strict: a malformed field is an error naming file,
/// line, column and value; `value_kusd` must be a finite number ≥ 0; `quantity_t` may be
/// empty or `NA` (kept as `None`, counted in the notes) but never negative; a repeated
/// (year, exporter, importer, hs) key is a [`ImportError::Duplicate`] naming both lines;
/// unknown country codes of kept rows are listed together in one
/// [`ImportError::UnknownCountries`] (or counted as not kept with
/// `options.skip_unknown_countries`). Rows outside `filter` are still checked for format
/// but not for countries or duplicates. Flows are sorted by (year, hs, exporter, importer).
pub fn read_baci<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
    filter: &BaciFilter,
    progress: &mut dyn FnMut(u64),
) -> Result<(TradeTable, ImportReport)> {
    let (stream, gzip) = open_input(file, input, progress)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(BUFFER)
        .from_reader(stream);
    let idx = header_indices(
        file,
        reader
            .byte_headers()
            .map_err(|e| read_error(file, gzip, e))?,
    )?;

    let mut state = State::new(file, ctx, filter);
    state.line_offset = line_offset(reader.position().line());
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => state.row(&record, &idx)?,
            Err(e) => return Err(read_error(file, gzip, e)),
        }
    }
    drop(reader);
    state.finish(gzip)
}

/// The decoded text of `input` (gzip detected from its first bytes, not its name), and
/// whether it was gzip; `progress` receives the raw bytes consumed so far.
pub(crate) fn open_input<'a, R: Read + 'a>(
    file: &str,
    input: R,
    progress: &'a mut dyn FnMut(u64),
) -> Result<(Box<dyn Read + 'a>, bool)> {
    let mut counting = Counting {
        inner: input,
        consumed: 0,
        progress,
    };
    let (magic, n) = peek_magic(&mut counting).map_err(|e| ImportError::io(file, e))?;
    let gzip = n == 2 && magic == [0x1f, 0x8b];
    let raw = Cursor::new(magic).take(n as u64).chain(counting);
    let stream: Box<dyn Read + 'a> = if gzip {
        let buffered = BufReader::with_capacity(BUFFER, raw);
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(raw)
    };
    Ok((stream, gzip))
}

/// Added to csv's line numbers of records, given its line after the header: it reports
/// line 1 there for CRLF files, and counts one short from then on.
pub(crate) fn line_offset(after_header: u64) -> u64 {
    2u64.saturating_sub(after_header)
}

/// [`read_baci`] on a file path; the path is the file label in errors.
pub fn read_baci_path(
    path: &Path,
    ctx: &ImportContext,
    filter: &BaciFilter,
    progress: &mut dyn FnMut(u64),
) -> Result<(TradeTable, ImportReport)> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
    read_baci(&label, f, ctx, filter, progress)
}

/// Column positions of the required fields, in the order of [`COLUMNS`].
fn header_indices(file: &str, header: &csv::ByteRecord) -> Result<[usize; 8]> {
    column_indices(file, header, COLUMNS)
}

/// A header's trimmed names (byte-order mark removed).
pub(crate) fn header_names(header: &csv::ByteRecord) -> Vec<String> {
    header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect()
}

/// The position of each of `columns` in `header`; a missing one is an error naming the
/// file, the column and the header as read. Shared by both BACI layouts.
pub(crate) fn column_indices<const N: usize>(
    file: &str,
    header: &csv::ByteRecord,
    columns: [&str; N],
) -> Result<[usize; N]> {
    let names = header_names(header);
    let mut idx = [0usize; N];
    for (slot, column) in idx.iter_mut().zip(columns) {
        *slot =
            names
                .iter()
                .position(|n| n == column)
                .ok_or_else(|| ImportError::MissingColumn {
                    file: file.to_string(),
                    column: column.to_string(),
                    header: names.join(","),
                })?;
    }
    Ok(idx)
}

/// One distinct raw country code seen in the file, with how it resolved and how often it
/// was used in kept rows (there are only a few hundred, so rows only index into this).
struct Code {
    raw: String,
    resolved: Option<CountryCode>,
    /// The resolved code packed for the sort key.
    packed: u64,
    uses: usize,
    /// Rows skipped because this was their first unknown code (lenient mode only).
    skipped_rows: usize,
}

/// Everything accumulated while rows stream past.
struct State<'a> {
    file: &'a str,
    ctx: &'a ImportContext<'a>,
    filter: &'a BaciFilter,
    report: ImportReport,
    flows: Vec<TradeFlow>,
    /// (sort key, index into `flows`) for each kept flow; the index also orders by line.
    keys: Vec<(u64, u32)>,
    /// Line of each kept flow, for duplicate errors.
    lines: Vec<u64>,
    /// Raw code → index into `codes`.
    cache: HashMap<Box<[u8]>, usize, BuildHasherDefault<CodeHasher>>,
    codes: Vec<Code>,
    unknown: UnknownNames,
    outside_years: usize,
    outside_hs: usize,
    no_quantity: usize,
    /// Added to csv's line numbers (see [`line_offset`]).
    line_offset: u64,
}

impl<'a> State<'a> {
    fn new(file: &'a str, ctx: &'a ImportContext<'a>, filter: &'a BaciFilter) -> State<'a> {
        State {
            file,
            ctx,
            filter,
            report: ImportReport::new(SOURCE, file),
            flows: Vec::new(),
            keys: Vec::new(),
            lines: Vec::new(),
            cache: HashMap::default(),
            codes: Vec::new(),
            unknown: UnknownNames::default(),
            outside_years: 0,
            outside_hs: 0,
            no_quantity: 0,
            line_offset: 0,
        }
    }

    fn row(&mut self, rec: &csv::ByteRecord, idx: &[usize; 8]) -> Result<()> {
        self.report.rows_read += 1;
        let line = rec.position().map(|p| p.line()).unwrap_or(0) + self.line_offset;
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
        let year = parse_uint(field(0), 4)
            .and_then(|y| Year::try_from(y as u16).ok())
            .ok_or_else(|| err(0, "a year 1900–2100"))?;
        for i in [1, 3] {
            parse_uint(field(i), 3).ok_or_else(|| err(i, "a numeric UN M49 code"))?;
        }
        for i in [2, 4] {
            if field(i).is_empty() {
                return Err(err(i, "a country code"));
            }
        }
        let hs = parse_uint(field(5), 6)
            .filter(|_| field(5).len() >= 5)
            .and_then(|v| HsCode::try_from(v).ok())
            .ok_or_else(|| err(5, "a six-digit HS 1992 code"))?;
        let value_kusd = parse_float(field(6))
            .filter(|v| *v >= 0.0)
            .ok_or_else(|| err(6, "a finite value in thousand USD, zero or more"))?;
        let quantity_t =
            match field(7) {
                b"" | b"NA" => None,
                q => Some(parse_float(q).filter(|v| *v >= 0.0).ok_or_else(|| {
                    err(7, "a finite quantity in tonnes, zero or more, or empty/NA")
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
        let e = self.slot(field(2));
        let i = self.slot(field(4));
        let (Some(exporter), Some(importer)) = (self.codes[e].resolved, self.codes[i].resolved)
        else {
            for s in [e, i] {
                if self.codes[s].resolved.is_none() {
                    if self.ctx.options.skip_unknown_countries {
                        self.codes[s].skipped_rows += 1;
                        return Ok(());
                    }
                    self.unknown.add(&self.codes[s].raw, line);
                }
            }
            return Ok(());
        };
        self.codes[e].uses += 1;
        self.codes[i].uses += 1;
        if quantity_t.is_none() {
            self.no_quantity += 1;
        }
        let flow = TradeFlow {
            year,
            exporter,
            importer,
            nomenclature: Nomenclature::Hs1992,
            hs,
            value_kusd,
            quantity_t,
        };
        let key = sort_key(year, hs, self.codes[e].packed, self.codes[i].packed);
        self.keys.push((key, self.flows.len() as u32));
        self.flows.push(flow);
        self.lines.push(line);
        Ok(())
    }

    /// The index of a raw code in `codes`, resolving it the first time it is seen.
    fn slot(&mut self, raw: &[u8]) -> usize {
        if let Some(&s) = self.cache.get(raw) {
            return s;
        }
        let text = String::from_utf8_lossy(raw).into_owned();
        let resolved = self.ctx.countries.by_code(&text);
        self.codes.push(Code {
            raw: text,
            resolved,
            packed: resolved.map_or(0, pack_code),
            uses: 0,
            skipped_rows: 0,
        });
        self.cache.insert(raw.into(), self.codes.len() - 1);
        self.codes.len() - 1
    }

    fn finish(mut self, gzip: bool) -> Result<(TradeTable, ImportReport)> {
        self.unknown.into_result(self.file)?;
        // Sorting small (key, index) pairs is much cheaper than sorting flows; equal keys
        // end up adjacent with the earlier line first.
        self.keys.sort_unstable();
        if let Some((first, second)) = first_duplicate(&self.keys) {
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
        let flows: Vec<TradeFlow> = self
            .keys
            .iter()
            .map(|&(_, i)| self.flows[i as usize])
            .collect();
        let mut report = self.report;
        report.rows_kept = flows.len();
        let filtered = [
            ("year outside the requested range", self.outside_years),
            ("HS code not requested", self.outside_hs),
        ];
        for (reason, n) in filtered.into_iter().filter(|(_, n)| *n > 0) {
            report.not_kept.push((reason.into(), n));
        }
        // Codes in file order of first appearance would leak input order; sort by code.
        self.codes.sort_by(|a, b| a.raw.cmp(&b.raw));
        for c in self.codes.iter().filter(|c| c.skipped_rows > 0) {
            report.not_kept.push((
                format!(
                    "country code {:?} not in the country table (skipped by option)",
                    c.raw
                ),
                c.skipped_rows,
            ));
        }
        for c in &self.codes {
            if let Some(code) = c.resolved.filter(|r| r.as_str() != c.raw && c.uses > 0) {
                report.notes.push(format!(
                    "code {} read as {code} in {} exporter/importer fields",
                    c.raw, c.uses
                ));
            }
        }
        if gzip {
            report.notes.push("input was gzip-compressed".into());
        }
        if self.no_quantity > 0 {
            report.notes.push(format!(
                "{} kept flows have no quantity (empty or NA): quantity left absent, not zero",
                self.no_quantity
            ));
        }
        let table = TradeTable {
            provenance: Some(Provenance {
                source: SourceId::new(SOURCE),
                table: "BACI HS92 bilateral flows (value kUSD, quantity t of product)".into(),
                note: Some(format!("read from {}", self.file)),
            }),
            flows,
            parts: Vec::new(),
        };
        Ok((table, report))
    }
}

/// A country code packed into 15 bits (5 per upper-case letter), preserving order.
pub(crate) fn pack_code(c: CountryCode) -> u64 {
    c.as_str().bytes().fold(0, |acc, b| {
        (acc << 5) | u64::from(b.saturating_sub(b'A') & 31)
    })
}

/// (year, hs, exporter, importer) packed into one integer that orders the same way:
/// year in bits 50.., hs (< 2^20) in 30..50, the two packed codes below.
pub(crate) fn sort_key(year: Year, hs: HsCode, exporter: u64, importer: u64) -> u64 {
    (u64::from(year.get()) << 50) | (u64::from(hs.get()) << 30) | (exporter << 15) | importer
}

/// Indices (first, second) of the duplicate whose second occurrence comes earliest in
/// the file, given (key, index) pairs sorted.
pub(crate) fn first_duplicate(sorted: &[(u64, u32)]) -> Option<(usize, usize)> {
    sorted
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .min_by_key(|w| w[1].1)
        .map(|w| (w[0].1 as usize, w[1].1 as usize))
}

/// A whole number of at most `max_digits` ASCII digits.
pub(crate) fn parse_uint(s: &[u8], max_digits: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// A finite decimal number.
pub(crate) fn parse_float(s: &[u8]) -> Option<f64> {
    if let Some(v) = parse_plain_decimal(s) {
        return Some(v);
    }
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Fast path for the common `digits[.digits]` form: when the digits fit in 2^53 and there
/// are at most 22 decimals, `mantissa / 10^k` is one correctly rounded division of two
/// exact values, so the result equals what `str::parse` gives. Anything else → `None`.
fn parse_plain_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut decimals: Option<usize> = None;
    for &b in s {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                digits += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    let k = decimals.unwrap_or(0);
    if digits == 0 || mantissa >= 1 << 53 || k >= POW10.len() {
        return None;
    }
    Some(mantissa as f64 / POW10[k])
}

/// A multiplicative hash for the short raw codes (SipHash is overkill for a few hundred
/// keys looked up 2.5 million times).
#[derive(Default)]
struct CodeHasher(u64);

impl Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        // Fold high bits down: the table picks buckets by the low bits.
        self.0 ^ (self.0 >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_parsers_are_strict() {
        assert_eq!(parse_uint(b"2024", 4), Some(2024));
        for bad in [&b""[..], b"20245", b"12a", b"-1"] {
            assert_eq!(parse_uint(bad, 4), None);
        }
        assert_eq!(parse_float(b"1e5"), Some(1e5));
        for bad in [&b"NaN"[..], b"inf", b"1,5", b".", b"1.2.3"] {
            assert_eq!(parse_float(bad), None);
        }
    }

    #[test]
    fn fast_decimal_path_agrees_with_std_parse() {
        let fixed = [
            "0",
            "1.",
            ".5",
            "9007199254740993",
            "0.1234567890123456789012",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let random = (0..200_000).map(|_| {
            // xorshift: a fixed pseudo-random sequence of integer and decimal parts.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int = x % 10u64.pow((x >> 60) as u32 % 12);
            let dec = (x >> 20) % 1_000_000;
            format!("{int}.{dec:0width$}", width = (x >> 40) as usize % 7)
        });
        for s in fixed.into_iter().map(String::from).chain(random) {
            let std: f64 = s.parse().unwrap();
            let got = parse_float(s.as_bytes()).map(f64::to_bits);
            assert_eq!(got, Some(std.to_bits()), "{s}");
        }
    }

    #[test]
    fn sort_key_orders_like_the_tuple() {
        let rows = [
            (2020, 283691, "CHL", "CHN"),
            (2019, 999999, "ZWE", "ZWE"),
            (2020, 260500, "ZAF", "AUS"),
            (2020, 283691, "ARG", "USA"),
            (2020, 283691, "ARG", "CHN"),
        ];
        let key = |&(y, h, e, i): &(u16, u32, &str, &str)| {
            let c = |s: &str| pack_code(CountryCode::try_from(s).unwrap());
            sort_key(
                Year::try_from(y).unwrap(),
                HsCode::try_from(h).unwrap(),
                c(e),
                c(i),
            )
        };
        let mut by_key = rows;
        by_key.sort_by_key(key);
        let mut by_tuple = rows;
        by_tuple.sort();
        assert_eq!(by_key, by_tuple);
    }
}
