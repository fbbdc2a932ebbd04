//! The snapshot's container: a fixed preamble, a header listing the sections, then the
//! sections, each deflated on its own and carrying a CRC-32 of its stored bytes, so a
//! reader can inflate only the sections a query needs and a flipped or missing byte is an
//! error before any figure is read.
//!
//! ```text
//! magic (8) | format version (u32 LE) | header length (u32 LE) | header CRC-32 (u32 LE)
//! header (postcard) | section bytes …
//! ```

use crate::error::{ImportError, Result};
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::{Read, Write};

pub(crate) const MAGIC: &[u8; 8] = b"DERISKDS";
const PREAMBLE: usize = 20;

/// Where a section sits (from the end of the header), its sizes and its checksum.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Section {
    pub offset: u64,
    pub stored_len: u32,
    pub raw_len: u32,
    /// CRC-32 of the stored bytes.
    pub crc32: u32,
    /// Whether the stored bytes are deflated; if not, they are read in place.
    pub deflated: bool,
}

/// Appends deflated sections to a body, recording each.
#[derive(Default)]
pub(crate) struct Writer {
    body: Vec<u8>,
}

impl Writer {
    /// Push a deflated section.
    pub fn push(&mut self, raw: &[u8]) -> Result<Section> {
        let mut z = DeflateEncoder::new(Vec::new(), Compression::new(9));
        z.write_all(raw).map_err(io_error)?;
        let stored = z.finish().map_err(io_error)?;
        self.append(&stored, raw.len(), true)
    }

    /// Push a section stored as is, to be read in place (for a section every request
    /// reads whole, where an inflate and a copy would cost more than the bytes saved).
    pub fn push_plain(&mut self, raw: &[u8]) -> Result<Section> {
        self.append(raw, raw.len(), false)
    }

    fn append(&mut self, stored: &[u8], raw_len: usize, deflated: bool) -> Result<Section> {
        let section = Section {
            offset: self.body.len() as u64,
            stored_len: len_u32(stored.len())?,
            raw_len: len_u32(raw_len)?,
            crc32: crc32fast::hash(stored),
            deflated,
        };
        self.body.extend_from_slice(stored);
        Ok(section)
    }

    /// The whole file: preamble, `header` (already serialised) and the sections.
    pub fn finish(self, version: u32, header: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(PREAMBLE + header.len() + self.body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&len_u32(header.len())?.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(header).to_le_bytes());
        out.extend_from_slice(header);
        out.extend_from_slice(&self.body);
        Ok(out)
    }
}

/// A snapshot's bytes split into header and body, the preamble checked.
pub(crate) struct Container<'a> {
    pub header: &'a [u8],
    pub body: &'a [u8],
}

impl<'a> Container<'a> {
    pub fn parse(bytes: &'a [u8], version: u32) -> Result<Container<'a>> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(corrupt(
                "a whole-file gzip snapshot of an older format: run `derisk data build`",
            ));
        }
        if bytes.len() < PREAMBLE || &bytes[..8] != MAGIC {
            return Err(corrupt("not a derisk snapshot (bad magic)"));
        }
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let found = word(8);
        if found != version {
            return Err(ImportError::Snapshot(format!(
                "format version {found}, this build reads {version}: run `derisk data build`"
            )));
        }
        let header_len = word(12) as usize;
        let header = bytes
            .get(PREAMBLE..PREAMBLE + header_len)
            .ok_or_else(|| corrupt("truncated: the header ends past the end of the file"))?;
        if crc32fast::hash(header) != word(16) {
            return Err(corrupt("header checksum mismatch"));
        }
        Ok(Container {
            header,
            body: &bytes[PREAMBLE + header_len..],
        })
    }

    /// A section's stored bytes, its checksum verified.
    pub fn stored(&self, s: &Section, what: &dyn std::fmt::Display) -> Result<&'a [u8]> {
        let start = usize::try_from(s.offset).map_err(|_| corrupt("section offset too large"))?;
        let bytes = start
            .checked_add(s.stored_len as usize)
            .and_then(|end| self.body.get(start..end))
            .ok_or_else(|| {
                corrupt(&format!(
                    "truncated: section {what} ends past the end of the file"
                ))
            })?;
        if crc32fast::hash(bytes) != s.crc32 {
            return Err(corrupt(&format!("section {what}: checksum mismatch")));
        }
        Ok(bytes)
    }

    /// Whether the sections, in the order given, tile the body exactly (no byte unread, none
    /// shared).
    pub fn check_tiling<'s>(&self, sections: impl Iterator<Item = &'s Section>) -> Result<()> {
        let mut at = 0u64;
        for s in sections {
            if s.offset != at {
                return Err(corrupt("sections do not follow one another"));
            }
            at += s.stored_len as u64;
        }
        if at != self.body.len() as u64 {
            return Err(corrupt("the file's length does not match its sections"));
        }
        Ok(())
    }
}

/// A section's bytes: borrowed if stored plain, else inflated.
pub(crate) fn inflate<'a>(stored: &'a [u8], s: &Section) -> Result<Cow<'a, [u8]>> {
    if !s.deflated {
        if stored.len() != s.raw_len as usize {
            return Err(corrupt("a section's length does not match its header"));
        }
        return Ok(Cow::Borrowed(stored));
    }
    let mut raw = Vec::with_capacity(s.raw_len as usize);
    DeflateDecoder::new(stored)
        .read_to_end(&mut raw)
        .map_err(|e| corrupt(&format!("cannot decompress: {e}")))?;
    if raw.len() != s.raw_len as usize {
        return Err(corrupt("a section's length does not match its header"));
    }
    Ok(Cow::Owned(raw))
}

pub(crate) fn corrupt(what: &str) -> ImportError {
    ImportError::Snapshot(format!("corrupt: {what}"))
}

fn io_error(e: std::io::Error) -> ImportError {
    ImportError::Snapshot(e.to_string())
}

fn len_u32(n: usize) -> Result<u32> {
    u32::try_from(n)
        .map_err(|_| ImportError::Snapshot(format!("section of {n} bytes is too large")))
}
