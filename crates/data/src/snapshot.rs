//! The project's compact snapshot: the whole [`Dataset`] serialised with postcard and
//! gzip-compressed, committed as `data/snapshot.postcard.gz` and embedded in the binary so a
//! fresh install works offline. A magic header and format version guard against loading a
//! snapshot written by an incompatible build.

use crate::error::{ImportError, Result};
use derisk_model::Dataset;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{Read, Write};

/// Bumped whenever the model's serialised shape changes.
pub const FORMAT_VERSION: u32 = 10;
const MAGIC: &[u8; 8] = b"DERISKDS";
/// Path of the committed snapshot, relative to the repository root.
pub const PATH: &str = "data/snapshot.postcard.gz";

static EMBEDDED: &[u8] = include_bytes!("../../../data/snapshot.postcard.gz");

/// Serialise and compress. Deterministic: the same dataset gives the same bytes (gzip
/// header without timestamp or file name).
pub fn encode(ds: &Dataset) -> Result<Vec<u8>> {
    let body = postcard::to_allocvec(ds).map_err(|e| ImportError::Snapshot(e.to_string()))?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(9));
    let io = |e: std::io::Error| ImportError::Snapshot(e.to_string());
    gz.write_all(MAGIC).map_err(io)?;
    gz.write_all(&FORMAT_VERSION.to_le_bytes()).map_err(io)?;
    gz.write_all(&body).map_err(io)?;
    gz.finish().map_err(io)
}

/// Decompress and deserialise a snapshot.
pub fn decode(bytes: &[u8]) -> Result<Dataset> {
    let mut raw = Vec::with_capacity(bytes.len() * 4);
    GzDecoder::new(bytes)
        .read_to_end(&mut raw)
        .map_err(|e| ImportError::Snapshot(format!("cannot decompress: {e}")))?;
    if raw.len() < 12 || &raw[..8] != MAGIC {
        return Err(ImportError::Snapshot(
            "not a derisk snapshot (bad magic)".into(),
        ));
    }
    let version = u32::from_le_bytes([raw[8], raw[9], raw[10], raw[11]]);
    if version != FORMAT_VERSION {
        return Err(ImportError::Snapshot(format!(
            "format version {version}, this build reads {FORMAT_VERSION}: run `derisk data build`"
        )));
    }
    postcard::from_bytes(&raw[12..]).map_err(|e| ImportError::Snapshot(format!("corrupt: {e}")))
}

/// The snapshot embedded in this binary.
pub fn embedded() -> Result<Dataset> {
    if EMBEDDED.is_empty() {
        return Err(ImportError::Snapshot(format!(
            "no embedded snapshot: run `derisk data build --from <raw dir>` to write {PATH}, then rebuild"
        )));
    }
    decode(EMBEDDED)
}
