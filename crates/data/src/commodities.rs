//! The project's map from each source's commodity names and tables to derisk minerals,
//! stages and units (`data/reference/source_commodities.csv`). Keeping it as data makes every
//! unit and stage decision visible in one table; a (commodity, table) missing from the map is
//! an import error.
//!
//! The key is (source, commodity, table): USGS prints one commodity in several tables (mine
//! production, refinery or smelter production), and the stage follows the table, not the
//! commodity. Every refinery, smelter, primary-metal and sponge table lands at the refining
//! stage in the unit its heading states. Sources without table names (World Mining Data)
//! leave `table` empty.

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

/// Map of (source slug, commodity name, table title) → [`Mapping`].
#[derive(Clone, Debug, Default)]
pub struct CommodityMap(BTreeMap<(String, String, String), Mapping>);

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
            "table",
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
                row.get("table").to_string(),
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
                    key: format!("{}/{}/{}", key.0, key.1, key.2),
                    first_line: first,
                });
            }
            map.insert(key, mapping);
            Ok(())
        })?;
        Ok(CommodityMap(map))
    }

    /// The mapping of a commodity as printed in one table of a source (`table` empty for
    /// sources without table names).
    pub fn get(&self, source: &str, commodity: &str, table: &str) -> Option<&Mapping> {
        self.0
            .get(&(source.to_string(), commodity.to_string(), table.to_string()))
    }

    /// The tables the map knows for a source's commodity, for error messages.
    pub fn tables(&self, source: &str, commodity: &str) -> Vec<&str> {
        self.0
            .keys()
            .filter(|(s, c, _)| s == source && c == commodity)
            .map(|(_, _, t)| t.as_str())
            .collect()
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
        match m.get("wmd-2025", "Lithium (Li2O)", "").unwrap() {
            Mapping::Mineral { mineral, unit, .. } => {
                assert_eq!(mineral.as_str(), "lithium");
                assert_eq!(unit.to_string(), "t Li2O");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            m.get("wmd-2025", "Petroleum", ""),
            Some(Mapping::OutOfScope { .. })
        ));
        assert!(m.get("wmd-2025", "Unobtainium", "").is_none());
    }

    /// Every USGS refinery, smelter, primary-metal and sponge table lands at the refining
    /// stage, in the unit of its heading; mine tables at mining.
    #[test]
    fn usgs_tables_land_at_the_stage_they_measure() {
        let m = CommodityMap::embedded().unwrap();
        let stage_unit = |commodity: &str, table: &str| match m
            .get("usgs-mcs-2026", commodity, table)
            .unwrap_or_else(|| panic!("{commodity} / {table} not mapped"))
        {
            Mapping::Mineral { stage, unit, .. } => (stage.clone(), unit.to_string()),
            other => panic!("unexpected {other:?}"),
        };
        let copper = "World REFINERY Production and Reserves (parser captured refinery \
                      columns; mine production not captured)";
        for (commodity, table, unit) in [
            ("copper", copper, "kt contained"),
            (
                "aluminum-smelter",
                "World Smelter Production and Capacity",
                "kt contained",
            ),
            (
                "bismuth",
                "World Refinery Production",
                "t gross (refined bismuth)",
            ),
            (
                "indium",
                "World Refinery Production and Capacity",
                "t gross (refined indium)",
            ),
            (
                "tellurium",
                "World Refinery Production and Capacity",
                "t contained",
            ),
            (
                "magnesium-metal",
                "World Primary Production and Capacity",
                "kt gross (primary magnesium metal)",
            ),
            (
                "titanium-sponge",
                "World Sponge Metal Production",
                "t gross (titanium sponge metal)",
            ),
            (
                "gallium",
                "World Low-Purity Production and Production Capacity",
                "kg contained",
            ),
        ] {
            assert_eq!(
                stage_unit(commodity, table),
                (Stage::Refining, unit.to_string()),
                "{commodity}"
            );
        }
        assert_eq!(
            stage_unit("cobalt", "World Mine Production and Reserves").0,
            Stage::Mining
        );
        // The same commodity under a table the map does not know is not guessed.
        assert!(m
            .get(
                "usgs-mcs-2026",
                "copper",
                "World Mine Production and Reserves"
            )
            .is_none());
    }
}
