//! Trade flows in the snapshot: one section per (year, nomenclature, HS code) group, stored
//! column by column (codes, values, quantities compress better apart).

use super::container::corrupt;
use crate::error::Result;
use derisk_model::{CountryCode, TradeFlow, TradeGroupHeader};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One group's flows as columns of raw little-endian bytes (read in place, without
/// decoding element by element); year, nomenclature and code are the group's.
#[derive(Serialize, Deserialize)]
struct Columns<'a> {
    /// Exporter then importer, three ASCII letters each, per flow.
    #[serde(borrow, with = "bytes")]
    codes: Cow<'a, [u8]>,
    /// f64 per flow.
    #[serde(borrow, with = "bytes")]
    values_kusd: Cow<'a, [u8]>,
    /// f64 per flow; NaN where the source has no quantity.
    #[serde(borrow, with = "bytes")]
    quantities_t: Cow<'a, [u8]>,
}

/// postcard writes a byte list element by element unless told it is bytes.
mod bytes {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::borrow::Cow;
    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, [u8]>, D::Error> {
        <&'de [u8]>::deserialize(d).map(Cow::Borrowed)
    }
}

/// Serialise one group's flows (all of one year, nomenclature and code).
pub(crate) fn encode_group(flows: &[TradeFlow]) -> Result<Vec<u8>> {
    let mut quantities = Vec::with_capacity(8 * flows.len());
    for f in flows {
        let q = match f.quantity_t {
            Some(q) if q.is_nan() => return Err(corrupt("a trade quantity is NaN")),
            Some(q) => q,
            None => f64::NAN,
        };
        quantities.extend(q.to_le_bytes());
    }
    let cols = Columns {
        codes: flows
            .iter()
            .flat_map(|f| f.exporter.bytes().into_iter().chain(f.importer.bytes()))
            .collect(),
        values_kusd: flows
            .iter()
            .flat_map(|f| f.value_kusd.to_le_bytes())
            .collect(),
        quantities_t: quantities.into(),
    };
    postcard::to_allocvec(&cols).map_err(|e| corrupt(&e.to_string()))
}

fn f64_at(v: &[u8], i: usize) -> f64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&v[8 * i..8 * i + 8]);
    f64::from_le_bytes(b)
}

/// Read one group's flows back.
pub(crate) fn decode_group(raw: &[u8], h: &TradeGroupHeader) -> Result<Vec<TradeFlow>> {
    let cols: Columns = postcard::from_bytes(raw).map_err(|e| corrupt(&e.to_string()))?;
    let n = h.flows as usize;
    if cols.codes.len() != 6 * n
        || cols.values_kusd.len() != 8 * n
        || cols.quantities_t.len() != 8 * n
    {
        return Err(corrupt(
            "a trade group's columns disagree with its flow count",
        ));
    }
    let code = |b: &[u8]| {
        CountryCode::from_bytes([b[0], b[1], b[2]])
            .ok_or_else(|| corrupt("a trade group holds an invalid country code"))
    };
    let flows = (0..n)
        .map(|i| {
            let q = f64_at(&cols.quantities_t, i);
            Ok(TradeFlow {
                year: h.year,
                exporter: code(&cols.codes[6 * i..6 * i + 3])?,
                importer: code(&cols.codes[6 * i + 3..6 * i + 6])?,
                nomenclature: h.key.nomenclature,
                hs: h.key.hs,
                value_kusd: f64_at(&cols.values_kusd, i),
                quantity_t: (!q.is_nan()).then_some(q),
            })
        })
        .collect::<Result<Vec<TradeFlow>>>()?;
    if flows.iter().filter(|f| f.quantity_t.is_some()).count() != h.with_quantity as usize {
        return Err(corrupt(
            "a trade group's quantities disagree with its header",
        ));
    }
    Ok(flows)
}
