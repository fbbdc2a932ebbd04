//! Trade flows in the snapshot: one section per (year, nomenclature, HS code) group, stored
//! column by column (codes, values, quantities compress better apart).

use super::container::corrupt;
use crate::error::Result;
use derisk_model::{CountryCode, TradeFlow, TradeGroupHeader};
use serde::{Deserialize, Serialize};

/// One group's flows as columns; year, nomenclature and code are the group's.
#[derive(Serialize, Deserialize)]
struct Columns {
    /// Exporter then importer, three ASCII letters each, per flow.
    codes: Vec<u8>,
    values_kusd: Vec<f64>,
    quantities_t: Vec<Option<f64>>,
}

/// Serialise one group's flows (all of one year, nomenclature and code).
pub(crate) fn encode_group(flows: &[TradeFlow]) -> Result<Vec<u8>> {
    let cols = Columns {
        codes: flows
            .iter()
            .flat_map(|f| f.exporter.bytes().into_iter().chain(f.importer.bytes()))
            .collect(),
        values_kusd: flows.iter().map(|f| f.value_kusd).collect(),
        quantities_t: flows.iter().map(|f| f.quantity_t).collect(),
    };
    postcard::to_allocvec(&cols).map_err(|e| corrupt(&e.to_string()))
}

/// Read one group's flows back.
pub(crate) fn decode_group(raw: &[u8], h: &TradeGroupHeader) -> Result<Vec<TradeFlow>> {
    let cols: Columns = postcard::from_bytes(raw).map_err(|e| corrupt(&e.to_string()))?;
    let n = h.flows as usize;
    if cols.codes.len() != 6 * n || cols.values_kusd.len() != n || cols.quantities_t.len() != n {
        return Err(corrupt(
            "a trade group's columns disagree with its flow count",
        ));
    }
    if cols.quantities_t.iter().flatten().count() != h.with_quantity as usize {
        return Err(corrupt(
            "a trade group's quantities disagree with its header",
        ));
    }
    let code = |b: &[u8]| {
        CountryCode::from_bytes([b[0], b[1], b[2]])
            .ok_or_else(|| corrupt("a trade group holds an invalid country code"))
    };
    (0..n)
        .map(|i| {
            Ok(TradeFlow {
                year: h.year,
                exporter: code(&cols.codes[6 * i..6 * i + 3])?,
                importer: code(&cols.codes[6 * i + 3..6 * i + 6])?,
                nomenclature: h.key.nomenclature,
                hs: h.key.hs,
                value_kusd: cols.values_kusd[i],
                quantity_t: cols.quantities_t[i],
            })
        })
        .collect()
}
