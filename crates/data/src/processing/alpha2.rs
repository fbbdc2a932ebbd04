//! ISO 3166 alpha-2 → alpha-3, for sources that use two-letter codes.

use super::input::{duplicate, read_lf};
use crate::error::Result;
use crate::table::CsvTable;
use derisk_model::CountryCode;
use std::collections::BTreeMap;
use std::io::Read;

/// ISO 3166 alpha-2 → alpha-3, for sources that use two-letter codes.
#[derive(Clone, Debug, Default)]
pub struct Alpha2Map {
    map: BTreeMap<String, CountryCode>,
}

impl Alpha2Map {
    /// Build from the ISO 3166 list (`alpha2,alpha3,…`). A repeated alpha-2 code is an error.
    pub fn from_iso_list<R: Read>(file: &str, input: R) -> Result<Alpha2Map> {
        let bytes = read_lf(file, input)?;
        let mut t = CsvTable::new(file, bytes.as_slice())?;
        t.require(&["alpha2", "alpha3"])?;
        let mut map = BTreeMap::new();
        let mut lines: BTreeMap<String, u64> = BTreeMap::new();
        t.for_each(|row| {
            let a2 = row.text("alpha2")?;
            if a2.len() != 2 || !a2.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(row.error("alpha2", "two upper-case letters"));
            }
            if let Some(first) = lines.insert(a2.to_string(), row.line) {
                return Err(duplicate(row, a2, first));
            }
            map.insert(a2.to_string(), row.country_code("alpha3")?);
            Ok(())
        })?;
        Ok(Alpha2Map { map })
    }

    /// The alpha-3 code of a two-letter code, if the list has it.
    pub fn get(&self, alpha2: &str) -> Option<CountryCode> {
        self.map.get(alpha2).copied()
    }
}
