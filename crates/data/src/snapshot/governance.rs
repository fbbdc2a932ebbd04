//! Governance records in the snapshot, stored column by column as raw little-endian bytes
//! in a plain (not deflated) section: every criticality request reads the estimates, which
//! are then read in place, without decoding 30,000 records or copying a byte.

use super::container::corrupt;
use crate::error::Result;
use derisk_model::{CountryCode, GovernanceDimension, GovernanceRecord, Year};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Columns {
    /// Three ASCII letters per record.
    #[serde(with = "serde_bytes_compat")]
    countries: Vec<u8>,
    /// u16 little-endian per record.
    #[serde(with = "serde_bytes_compat")]
    years: Vec<u8>,
    /// Index into [`GovernanceDimension::ALL`] per record.
    #[serde(with = "serde_bytes_compat")]
    dimensions: Vec<u8>,
    /// f64 little-endian per record.
    #[serde(with = "serde_bytes_compat")]
    estimates: Vec<u8>,
    /// f64 little-endian per record; NaN where the source has none.
    #[serde(with = "serde_bytes_compat")]
    std_errs: Vec<u8>,
    #[serde(with = "serde_bytes_compat")]
    percentile_ranks: Vec<u8>,
}

/// The same columns borrowed from the section's bytes.
#[derive(Deserialize)]
struct ColumnsRef<'a> {
    countries: &'a [u8],
    years: &'a [u8],
    dimensions: &'a [u8],
    estimates: &'a [u8],
    std_errs: &'a [u8],
    percentile_ranks: &'a [u8],
}

/// postcard writes a `Vec<u8>` element by element unless told it is bytes.
mod serde_bytes_compat {
    use serde::Serializer;
    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

fn opt(v: Option<f64>) -> Result<[u8; 8]> {
    match v {
        Some(x) if x.is_nan() => Err(corrupt("a governance figure is NaN")),
        Some(x) => Ok(x.to_le_bytes()),
        None => Ok(f64::NAN.to_le_bytes()),
    }
}

pub(crate) fn encode(records: &[GovernanceRecord]) -> Result<Vec<u8>> {
    let mut c = Columns {
        countries: Vec::new(),
        years: Vec::new(),
        dimensions: Vec::new(),
        estimates: Vec::new(),
        std_errs: Vec::new(),
        percentile_ranks: Vec::new(),
    };
    for r in records {
        c.countries.extend(r.country.bytes());
        c.years.extend(r.year.get().to_le_bytes());
        let d = GovernanceDimension::ALL
            .iter()
            .position(|d| *d == r.dimension);
        c.dimensions.push(d.unwrap_or(0) as u8);
        c.estimates.extend(r.estimate.to_le_bytes());
        c.std_errs.extend(opt(r.std_err)?);
        c.percentile_ranks.extend(opt(r.percentile_rank)?);
    }
    postcard::to_allocvec(&c).map_err(|e| corrupt(&e.to_string()))
}

impl<'a> ColumnsRef<'a> {
    fn read(raw: &'a [u8]) -> Result<ColumnsRef<'a>> {
        let c: ColumnsRef =
            postcard::from_bytes(raw).map_err(|e| corrupt(&format!("governance: {e}")))?;
        let n = c.dimensions.len();
        if c.countries.len() != 3 * n
            || c.years.len() != 2 * n
            || [c.estimates, c.std_errs, c.percentile_ranks]
                .iter()
                .any(|v| v.len() != 8 * n)
        {
            return Err(corrupt("governance columns of different lengths"));
        }
        Ok(c)
    }

    fn len(&self) -> usize {
        self.dimensions.len()
    }

    fn key(&self, i: usize) -> Result<(CountryCode, Year, GovernanceDimension)> {
        let cc = &self.countries[3 * i..3 * i + 3];
        Ok((
            CountryCode::from_bytes([cc[0], cc[1], cc[2]])
                .ok_or_else(|| corrupt("governance: invalid country code"))?,
            Year::try_from(u16::from_le_bytes([
                self.years[2 * i],
                self.years[2 * i + 1],
            ]))
            .map_err(|_| corrupt("governance: invalid year"))?,
            *GovernanceDimension::ALL
                .get(self.dimensions[i] as usize)
                .ok_or_else(|| corrupt("governance: invalid dimension"))?,
        ))
    }
}

fn f64_at(v: &[u8], i: usize) -> f64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&v[8 * i..8 * i + 8]);
    f64::from_le_bytes(b)
}

/// The whole records.
pub(crate) fn decode(raw: &[u8]) -> Result<Vec<GovernanceRecord>> {
    let c = ColumnsRef::read(raw)?;
    let nan_none = |x: f64| (!x.is_nan()).then_some(x);
    (0..c.len())
        .map(|i| {
            let (country, year, dimension) = c.key(i)?;
            Ok(GovernanceRecord {
                country,
                year,
                dimension,
                estimate: f64_at(c.estimates, i),
                std_err: nan_none(f64_at(c.std_errs, i)),
                percentile_rank: nan_none(f64_at(c.percentile_ranks, i)),
            })
        })
        .collect()
}

/// Each record's estimate, in order, without building the records.
pub(crate) fn visit_estimates(
    raw: &[u8],
    visit: &mut dyn FnMut(CountryCode, Year, GovernanceDimension, f64),
) -> Result<()> {
    let c = ColumnsRef::read(raw)?;
    for i in 0..c.len() {
        let (country, year, dimension) = c.key(i)?;
        visit(country, year, dimension, f64_at(c.estimates, i));
    }
    Ok(())
}
