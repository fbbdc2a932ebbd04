//! The project's map from each source's commodity names to derisk minerals, stages and
//! units (`data/reference/source_commodities.csv`). Keeping it as data makes every unit
//! decision visible in one table; a commodity missing from the map is an import error.

use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use derisk_model::{Basis, MassUnit, MineralId, Stage, Unit};
use std::collections::BTreeMap;

pub const FILE: &str = "data/reference/source_commodities.csv";
const CSV: &str = include_str!("../../../data/reference/source_commodities.csv");

/// How a source's reserves figures relate to its production unit.
#[derive(Clone, Debug, PartialEq)]
pub enum ReservesRule {
    /// Same unit as production.
    Same,
    /// Printed in thousand tonnes while production is in tonnes.
    Kilotonnes,
    /// Measured on another basis (e.g. 100 % CaF2).
    Equivalent(String),
    /// Not comparable with the mineral (e.g. PGM reserves against palladium output).
    Excluded,
}

/// Where one source commodity goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapping {
    /// Kept as this mineral at this stage in this unit.
    Mineral {
        mineral: MineralId,
        stage: Stage,
        unit: Unit,
        reserves: ReservesRule,
        note: String,
    },
    /// Deliberately outside derisk's catalogue; the reason is reported.
    OutOfScope { reason: String },
}

/// Map of (source slug, commodity name) → [`Mapping`].
#[derive(Clone, Debug, Default)]
pub struct CommodityMap(BTreeMap<(String, String), Mapping>);

impl CommodityMap {
    /// The map embedded in the binary.
    pub fn embedded() -> Result<CommodityMap> {
        Self::from_reader(FILE, CSV.as_bytes())
    }

    pub fn from_reader<R: std::io::Read>(file: &str, input: R) -> Result<CommodityMap> {
        let mut t = CsvTable::new(file, input)?;
        t.require(&[
            "source",
            "commodity",
            "mineral",
            "stage",
            "scale",
            "basis",
            "basis_of",
            "reserves",
            "note",
        ])?;
        let mut map = BTreeMap::new();
        let mut lines = BTreeMap::new();
        t.for_each(|row| {
            let key = (
                row.text("source")?.to_string(),
                row.text("commodity")?.to_string(),
            );
            let mapping = if row.get("mineral").is_empty() {
                Mapping::OutOfScope {
                    reason: row.text("note")?.to_string(),
                }
            } else {
                let mineral = MineralId::try_from(row.get("mineral"))
                    .map_err(|_| row.error("mineral", "a mineral slug"))?;
                let stage = Stage::try_from(row.get("stage"))
                    .map_err(|_| row.error("stage", "a stage slug"))?;
                let scale = match row.get("scale") {
                    "kg" => MassUnit::Kilogram,
                    "t" => MassUnit::Tonne,
                    "kt" => MassUnit::Kilotonne,
                    _ => return Err(row.error("scale", "kg, t or kt")),
                };
                let basis = match row.get("basis") {
                    "content" => Basis::Content,
                    "equivalent" => Basis::Equivalent(row.text("basis_of")?.to_string()),
                    "gross" => Basis::Gross(row.text("basis_of")?.to_string()),
                    _ => return Err(row.error("basis", "content, equivalent or gross")),
                };
                let reserves = match row.get("reserves") {
                    "" | "same" => ReservesRule::Same,
                    "kt" => ReservesRule::Kilotonnes,
                    "excluded" => ReservesRule::Excluded,
                    r if r.starts_with("equivalent:") => {
                        ReservesRule::Equivalent(r["equivalent:".len()..].to_string())
                    }
                    _ => return Err(row.error("reserves", "same, kt, excluded or equivalent:X")),
                };
                Mapping::Mineral {
                    mineral,
                    stage,
                    unit: Unit::mass(scale, basis),
                    reserves,
                    note: row.get("note").to_string(),
                }
            };
            if let Some(first) = lines.insert(key.clone(), row.line) {
                return Err(ImportError::Duplicate {
                    file: file.to_string(),
                    line: row.line,
                    key: format!("{}/{}", key.0, key.1),
                    first_line: first,
                });
            }
            map.insert(key, mapping);
            Ok(())
        })?;
        Ok(CommodityMap(map))
    }

    pub fn get(&self, source: &str, commodity: &str) -> Option<&Mapping> {
        self.0.get(&(source.to_string(), commodity.to_string()))
    }

    /// Every mineral id the map refers to, for checking against the catalogue.
    pub fn minerals(&self) -> impl Iterator<Item = &MineralId> {
        self.0.values().filter_map(|m| match m {
            Mapping::Mineral { mineral, .. } => Some(mineral),
            Mapping::OutOfScope { .. } => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_map_parses_and_knows_units() {
        let m = CommodityMap::embedded().unwrap();
        match m.get("wmd-2025", "Lithium (Li2O)").unwrap() {
            Mapping::Mineral { mineral, unit, .. } => {
                assert_eq!(mineral.as_str(), "lithium");
                assert_eq!(unit.to_string(), "t Li2O");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            m.get("wmd-2025", "Petroleum"),
            Some(Mapping::OutOfScope { .. })
        ));
        assert!(m.get("wmd-2025", "Unobtainium").is_none());
    }
}
