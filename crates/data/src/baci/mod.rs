//! CEPII BACI bilateral trade (HS 1992, version 202401b), as exported to CSV with columns
//! `year, exporter_m49, exporter_iso3, importer_m49, importer_iso3, hs92, value_kusd,
//! quantity_t`, plain or gzip-compressed.
//!
//! The full history is about 1.3 million rows, so the reader streams the input (never holding
//! the raw file), parses fields from bytes without allocating per row, and detects gzip by its
//! magic bytes rather than by file name. Country codes go through
//! [`CountryResolver::by_code`](crate::CountryResolver::by_code), which knows BACI's `S19`
//! (Taiwan, reported as "Other Asia, nes").

mod fields;

use crate::chunked::{self, Part, Plan};
use crate::countries::UnknownNames;
use crate::csv_split::Fields;
use crate::error::{ImportError, Result};
use crate::table::csv_error;
use crate::ImportContext;
use derisk_model::{
    CountryCode, HsCode, ImportReport, Nomenclature, Provenance, SourceId, TradeFlow, TradeTable,
    Year,
};
pub(crate) use fields::{first_duplicate, pack_code, parse_float, parse_uint, sort_key};
use fields::{first_duplicate_by, letter_code, permute, CodeHasher, LETTER_CODES};
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::io::{BufReader, Chain, Cursor, Read, Take};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

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
struct Counting<R, P> {
    inner: R,
    consumed: u64,
    progress: P,
}

impl<R: Read, P: FnMut(u64)> Read for Counting<R, P> {
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

/// Read BACI flows from `input` (plain CSV or gzip, detected from the first bytes), on the
/// calling thread alone; [`read_baci_parallel`] gives the same result on several.
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
    let header = |h: &csv::ByteRecord, line: u64| header_plan(file, h, line);
    let part = |h: &Columns| State::new(file, ctx, filter, h);
    let plan = plan(file, gzip, &header, &part);
    plan.sequential(stream)?.finish(gzip)
}

/// [`read_baci`] with `threads` threads parsing (1: [`read_baci`] itself) besides one
/// decoding: the same flows, report and errors (file, line, field, value), and `progress`
/// still called on the calling thread. The decoder cuts the text into chunks at record
/// boundaries while the text has no quotes (`crate::chunked` says why that is exact);
/// quoted text is read on one thread.
pub fn read_baci_parallel<R: Read + Send>(
    file: &str,
    input: R,
    ctx: &ImportContext,
    filter: &BaciFilter,
    progress: &mut dyn FnMut(u64),
    threads: usize,
) -> Result<(TradeTable, ImportReport)> {
    if threads <= 1 {
        return read_baci(file, input, ctx, filter, progress);
    }
    let consumed = AtomicU64::new(0);
    let (stream, gzip) = decode(file, input, |n| consumed.store(n, Ordering::Relaxed))?;
    let header = |h: &csv::ByteRecord, line: u64| header_plan(file, h, line);
    let part = |h: &Columns| State::new(file, ctx, filter, h);
    let plan = plan(file, gzip, &header, &part);
    chunked::read(&plan, stream, &consumed, threads, progress)?.finish(gzip)
}

/// Threads a path read uses: one per core the system reports, at most 8.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Column positions (in the order of [`COLUMNS`]) and the line offset of the records.
type Columns = ([usize; 8], u64);

fn header_plan(file: &str, header: &csv::ByteRecord, line_after: u64) -> Result<Columns> {
    Ok((header_indices(file, header)?, line_offset(line_after)))
}

fn plan<'f, H, P>(
    file: &'f str,
    gzip: bool,
    header: &'f (dyn Fn(&csv::ByteRecord, u64) -> Result<H> + Sync),
    part: &'f (dyn Fn(&H) -> P + Sync),
) -> Plan<'f, H, P> {
    Plan {
        file,
        gzip,
        buffer: BUFFER,
        header,
        part,
    }
}

/// The raw input with its first bytes put back, counted for `progress`.
type Raw<R, P> = Chain<Take<Cursor<[u8; 2]>>, Counting<R, P>>;

/// Decoded text: gzip or plain.
pub(crate) enum Decoded<R> {
    Plain(R),
    Gzip(Box<flate2::bufread::MultiGzDecoder<BufReader<R>>>),
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Decoded::Plain(r) => r.read(buf),
            Decoded::Gzip(r) => r.read(buf),
        }
    }
}

/// The decoded text of `input` (gzip detected from its first bytes, not its name), and
/// whether it was gzip; `progress` receives the raw bytes consumed so far.
fn decode<R: Read, P: FnMut(u64)>(
    file: &str,
    input: R,
    progress: P,
) -> Result<(Decoded<Raw<R, P>>, bool)> {
    let mut counting = Counting {
        inner: input,
        consumed: 0,
        progress,
    };
    let (magic, n) = peek_magic(&mut counting).map_err(|e| ImportError::io(file, e))?;
    let gzip = n == 2 && magic == [0x1f, 0x8b];
    let raw = Cursor::new(magic).take(n as u64).chain(counting);
    let stream = if gzip {
        let buffered = BufReader::with_capacity(BUFFER, raw);
        Decoded::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(buffered)))
    } else {
        Decoded::Plain(raw)
    };
    Ok((stream, gzip))
}

/// The decoded text of `input` (gzip detected from its first bytes, not its name), and
/// whether it was gzip; `progress` receives the raw bytes consumed so far.
pub(crate) fn open_input<'a, R: Read + 'a>(
    file: &str,
    input: R,
    progress: &'a mut dyn FnMut(u64),
) -> Result<(Box<dyn Read + 'a>, bool)> {
    let (stream, gzip) = decode(file, input, progress)?;
    Ok((Box::new(stream), gzip))
}

/// Added to csv's line numbers of records, given its line after the header: it reports
/// line 1 there for CRLF files, and counts one short from then on.
pub(crate) fn line_offset(after_header: u64) -> u64 {
    2u64.saturating_sub(after_header)
}

/// [`read_baci_parallel`] on a file path with [`default_threads`]; the path is the file
/// label in errors.
pub fn read_baci_path(
    path: &Path,
    ctx: &ImportContext,
    filter: &BaciFilter,
    progress: &mut dyn FnMut(u64),
) -> Result<(TradeTable, ImportReport)> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
    read_baci_parallel(&label, f, ctx, filter, progress, default_threads())
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
    /// The bytes as read (the key of `State::cache`).
    key: Box<[u8]>,
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
    /// (sort key, index into `flows`) for each kept flow. Indices follow the file, except
    /// within a sealed part (see `seal`), which numbers its flows in key order.
    keys: Vec<(u64, u32)>,
    /// Line of each kept flow, for duplicate errors.
    lines: Vec<u64>,
    /// Raw code → index into `codes`.
    cache: HashMap<Box<[u8]>, usize, BuildHasherDefault<CodeHasher>>,
    /// The same for codes of three capital letters, by [`letter_code`] (`u32::MAX`: not
    /// seen yet): two lookups per row, no hashing. Empty until the first such code.
    by_letters: Vec<u32>,
    codes: Vec<Code>,
    unknown: UnknownNames,
    outside_years: usize,
    outside_hs: usize,
    no_quantity: usize,
    /// Whether `keys` are runs sorted by the parts that read them, one after the other.
    sorted_runs: bool,
    /// Column positions, in the order of [`COLUMNS`].
    idx: [usize; 8],
    /// Added to csv's line numbers (see [`line_offset`]).
    line_offset: u64,
}

impl<'a> State<'a> {
    fn new(
        file: &'a str,
        ctx: &'a ImportContext<'a>,
        filter: &'a BaciFilter,
        &(idx, line_offset): &Columns,
    ) -> State<'a> {
        State {
            file,
            ctx,
            filter,
            report: ImportReport::new(SOURCE, file),
            flows: Vec::new(),
            keys: Vec::new(),
            lines: Vec::new(),
            cache: HashMap::default(),
            by_letters: Vec::new(),
            codes: Vec::new(),
            unknown: UnknownNames::default(),
            outside_years: 0,
            outside_hs: 0,
            no_quantity: 0,
            sorted_runs: false,
            idx,
            line_offset,
        }
    }

    fn row(&mut self, rec: &impl Fields, csv_line: u64) -> Result<()> {
        self.report.rows_read += 1;
        let line = csv_line + self.line_offset;
        let idx = self.idx;
        let field = |i: usize| rec.field(idx[i]).trim_ascii();
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
        let letters = letter_code(raw);
        if let Some(&s) = letters.and_then(|i| self.by_letters.get(i)) {
            if s != u32::MAX {
                return s as usize;
            }
        }
        // Other codes (digits, lower case, other lengths) are looked up by their bytes.
        if let Some(&s) = self.cache.get(raw) {
            return s;
        }
        let text = String::from_utf8_lossy(raw).into_owned();
        let resolved = self.ctx.countries.by_code(&text);
        self.codes.push(Code {
            key: raw.into(),
            raw: text,
            resolved,
            packed: resolved.map_or(0, pack_code),
            uses: 0,
            skipped_rows: 0,
        });
        let s = self.codes.len() - 1;
        self.remember(raw, s);
        s
    }

    /// Note that raw code `raw` is `codes[s]`.
    fn remember(&mut self, raw: &[u8], s: usize) {
        self.cache.insert(raw.into(), s);
        if let Some(i) = letter_code(raw) {
            if self.by_letters.is_empty() {
                self.by_letters = vec![u32::MAX; LETTER_CODES];
            }
            self.by_letters[i] = s as u32;
        }
    }

    /// Append the rows of the stretch of the file after this one: flows keep file order,
    /// codes their order of first appearance, unknown names their lines in order.
    fn absorb_later(&mut self, next: State<'a>) {
        self.report.rows_read += next.report.rows_read;
        self.sorted_runs &= next.sorted_runs;
        let offset = self.flows.len() as u32;
        self.keys
            .extend(next.keys.iter().map(|&(k, i)| (k, i + offset)));
        self.flows.extend(next.flows);
        self.lines.extend(next.lines);
        for c in next.codes {
            match self.cache.get(&c.key) {
                Some(&s) => {
                    self.codes[s].uses += c.uses;
                    self.codes[s].skipped_rows += c.skipped_rows;
                }
                None => {
                    self.remember(&c.key, self.codes.len());
                    self.codes.push(c);
                }
            }
        }
        self.unknown.merge(next.unknown);
        self.outside_years += next.outside_years;
        self.outside_hs += next.outside_hs;
        self.no_quantity += next.no_quantity;
    }

    fn finish(mut self, gzip: bool) -> Result<(TradeTable, ImportReport)> {
        self.unknown.into_result(self.file)?;
        // Sorting small (key, index) pairs is much cheaper than sorting flows; equal keys
        // end up adjacent with the earlier line first. The pairs are unique, so every sort
        // gives the same order: parts sorted their own keys on their threads, and the stable
        // sort finds those runs and merges them.
        if self.sorted_runs {
            self.keys.sort();
        } else {
            self.keys.sort_unstable();
        }
        // A sealed part numbers its flows in key order, not file order: lines give the order.
        let lines = &self.lines;
        if let Some((first, second)) = first_duplicate_by(&self.keys, |i| lines[i as usize]) {
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
        let mut flows = std::mem::take(&mut self.flows);
        permute(&mut flows, &mut self.keys);
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

impl Part for State<'_> {
    fn row(&mut self, rec: &impl Fields, csv_line: u64) -> Result<()> {
        State::row(self, rec, csv_line)
    }
    fn absorb(&mut self, next: Self) {
        self.absorb_later(next);
    }
    /// Sort the part's keys, and put its flows and lines in that order (renumbering the
    /// keys), so that the final gather reads each part front to back instead of jumping
    /// about 28 MB. Equal keys stay in file order, which is all duplicates need.
    fn seal(&mut self) {
        self.keys.sort_unstable();
        self.flows = self
            .keys
            .iter()
            .map(|&(_, i)| self.flows[i as usize])
            .collect();
        self.lines = self
            .keys
            .iter()
            .map(|&(_, i)| self.lines[i as usize])
            .collect();
        for (n, k) in self.keys.iter_mut().enumerate() {
            k.1 = n as u32;
        }
        self.sorted_runs = true;
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
    fn permute_in_place_equals_a_gather() {
        let flow = |v: usize| TradeFlow {
            year: Year::try_from(2020u16).unwrap(),
            exporter: CountryCode::try_from("CHL").unwrap(),
            importer: CountryCode::try_from("CHN").unwrap(),
            nomenclature: Nomenclature::Hs1992,
            hs: HsCode::try_from(283691u32).unwrap(),
            value_kusd: v as f64,
            quantity_t: None,
        };
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [0, 1, 2, 7, 1000] {
            let flows: Vec<TradeFlow> = (0..n).map(flow).collect();
            // A shuffled order (Fisher–Yates with xorshift), as keys after sorting.
            let mut order: Vec<u32> = (0..n as u32).collect();
            for i in (1..order.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                order.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let want: Vec<TradeFlow> = order.iter().map(|&i| flows[i as usize]).collect();
            let mut keys: Vec<(u64, u32)> = order.iter().map(|&i| (0, i)).collect();
            let mut got = flows.clone();
            permute(&mut got, &mut keys);
            assert_eq!(got, want, "{n} flows");
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
