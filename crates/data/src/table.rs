//! Strict CSV reading shared by the importers: columns found by header name, every field
//! access says which file, line and column it came from.

use crate::error::{ImportError, Result};
use derisk_model::{CountryCode, HsCode, Year};
use std::collections::HashMap;
use std::io::Read;

/// A CSV source with its header indexed by name.
pub struct CsvTable<R: Read> {
    pub file: String,
    reader: csv::Reader<R>,
    columns: HashMap<String, usize>,
    header: Vec<String>,
    /// Added to the reader's line numbers: csv counts CRLF files' lines one short.
    line_offset: u64,
}

/// One record with the context needed for precise errors.
pub struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl<R: Read> CsvTable<R> {
    /// Read the header. A UTF-8 byte-order mark before the first column is removed.
    pub fn new(file: &str, input: R) -> Result<CsvTable<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(input);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(file, e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        // After the header the reader sits on line 2; csv reports 1 for CRLF files.
        let line_offset = 2u64.saturating_sub(reader.position().line());
        Ok(CsvTable {
            file: file.to_string(),
            reader,
            columns,
            header,
            line_offset,
        })
    }

    /// Fail unless every named column is present.
    pub fn require(&self, names: &[&str]) -> Result<()> {
        for n in names {
            if !self.columns.contains_key(*n) {
                return Err(ImportError::MissingColumn {
                    file: self.file.clone(),
                    column: n.to_string(),
                    header: self.header.join(","),
                });
            }
        }
        Ok(())
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Call `f` for each record, stopping at the first error.
    pub fn for_each(&mut self, mut f: impl FnMut(&Row) -> Result<()>) -> Result<usize> {
        let mut record = csv::StringRecord::new();
        let mut n = 0;
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(n),
                Ok(true) => {
                    n += 1;
                    let line = record.position().map(|p| p.line()).unwrap_or(0) + self.line_offset;
                    let row = Row {
                        file: &self.file,
                        line,
                        record: &record,
                        columns: &self.columns,
                    };
                    f(&row)?;
                }
                Err(e) => return Err(csv_error(&self.file, e)),
            }
        }
    }
}

/// Turn a csv error into one naming the file and line.
pub fn csv_error(file: &str, e: csv::Error) -> ImportError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ImportError::io(file, io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => unequal_lengths(file, line, len as usize, expected_len as usize),
        csv::ErrorKind::Utf8 { err, .. } => ImportError::Row {
            file: file.to_string(),
            line,
            message: format!("invalid UTF-8 in field {}", err.field() + 1),
        },
        other => ImportError::Row {
            file: file.to_string(),
            line,
            message: format!("{other:?}"),
        },
    }
}

/// A record whose field count differs from the header's, as csv reports it (`line` is
/// the record's position).
pub(crate) fn unequal_lengths(file: &str, line: u64, len: usize, expected: usize) -> ImportError {
    ImportError::Row {
        file: file.to_string(),
        line,
        message: format!("has {len} fields, expected {expected} like the header"),
    }
}

impl Row<'_> {
    /// The raw text of a column (trimmed). The column must have been `require`d.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    pub fn error(&self, column: &str, expected: impl Into<String>) -> ImportError {
        ImportError::field(self.file, self.line, column, self.get(column), expected)
    }

    /// A non-empty text field.
    pub fn text(&self, column: &str) -> Result<&str> {
        let v = self.get(column);
        if v.is_empty() {
            Err(self.error(column, "a non-empty value"))
        } else {
            Ok(v)
        }
    }

    /// A finite number; empty is an error.
    pub fn number(&self, column: &str) -> Result<f64> {
        parse_number(self.get(column)).ok_or_else(|| self.error(column, "a finite number"))
    }

    /// A finite number, or `None` when the cell is empty (or one of `missing` markers).
    pub fn opt_number(&self, column: &str, missing: &[&str]) -> Result<Option<f64>> {
        let v = self.get(column);
        if v.is_empty() || missing.contains(&v) {
            return Ok(None);
        }
        parse_number(v)
            .map(Some)
            .ok_or_else(|| self.error(column, "a finite number or an empty cell"))
    }

    pub fn year(&self, column: &str) -> Result<Year> {
        Year::try_from(self.get(column)).map_err(|_| self.error(column, "a year 1900–2100"))
    }

    pub fn country_code(&self, column: &str) -> Result<CountryCode> {
        CountryCode::try_from(self.get(column)).map_err(|_| {
            self.error(
                column,
                "an ISO 3166 alpha-3 code (three upper-case letters)",
            )
        })
    }

    pub fn hs(&self, column: &str) -> Result<HsCode> {
        HsCode::try_from(self.get(column)).map_err(|_| self.error(column, "a six-digit HS code"))
    }
}

/// Parse a finite number, tolerating thousands separators as printed ("4,400,000").
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let v: f64 = if s.contains(',') {
        s.replace(',', "").parse().ok()?
    } else {
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}
