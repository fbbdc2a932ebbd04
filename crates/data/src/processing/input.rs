//! Reading helpers shared by the processing-stage importers.

use crate::error::{ImportError, Result};
use crate::table::Row;
use std::io::Read;
use std::path::Path;

/// Read the whole input with CRLF line ends turned into LF: the csv reader numbers lines
/// one too low after CRLF ends, and errors must name the right line.
pub(super) fn read_lf<R: Read>(file: &str, mut input: R) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    input
        .read_to_end(&mut raw)
        .map_err(|e| ImportError::io(file, e))?;
    let mut out = Vec::with_capacity(raw.len());
    for (i, b) in raw.iter().enumerate() {
        if !(*b == b'\r' && raw.get(i + 1) == Some(&b'\n')) {
            out.push(*b);
        }
    }
    Ok(out)
}

/// A whole-file problem of `file`.
pub(super) fn format_error(file: &str, message: impl ToString) -> ImportError {
    ImportError::Format {
        file: file.to_string(),
        message: message.to_string(),
    }
}

/// The last component of a path, for provenance tables.
pub(super) fn file_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string())
}

/// A repeated key on `row`, first seen on `first_line`.
pub(super) fn duplicate(row: &Row, key: &str, first_line: u64) -> ImportError {
    ImportError::Duplicate {
        file: row.file.to_string(),
        line: row.line,
        key: key.to_string(),
        first_line,
    }
}
