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
//!
//! A row on another basis than contained element (an oxide or other equivalent, the gross
//! weight of a product) may carry a `content_factor` with its `factor_basis`: contained
//! tonnes per tonne on that basis (stoichiometry, purity of a refined metal, or the grade
//! assumption of the HS carrier for the same product). The figures keep their published
//! unit; [`CommodityMap::content_factors`] gives the dataset the factors.

use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use derisk_model::{Basis, ContentFactor, MassUnit, MineralId, SourceId, Stage, Unit};
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

/// A row's factor to contained tonnes, as parsed (see [`ContentFactor`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    /// Contained tonnes per tonne on the row's basis, in (0, 1].
    pub factor: f64,
    /// How the factor is obtained and its citation (never empty).
    pub basis: String,
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
        /// Factor to contained tonnes, for a unit on another basis than content.
        factor: Option<Factor>,
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
            "content_factor",
            "factor_basis",
            "reserves",
            "note",
        ])?;
        let mut map = BTreeMap::new();
        let mut lines = BTreeMap::new();
        // (source, mineral, stage, basis) of rows on another basis than content: a factor
        // is looked up by that key, so two rows sharing it must not disagree about it.
        let mut factor_keys: BTreeMap<(String, MineralId, Stage, Basis), (u64, bool)> =
            BTreeMap::new();
        t.for_each(|row| {
            let key = (
                row.text("source")?.to_string(),
                row.text("commodity")?.to_string(),
                row.get("table").to_string(),
            );
            let mapping = if row.get("mineral").is_empty() {
                for column in ["content_factor", "factor_basis"] {
                    if !row.get(column).is_empty() {
                        return Err(
                            row.error(column, "empty: the commodity is outside the catalogue")
                        );
                    }
                }
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
                let factor = factor(row, &basis)?;
                if basis != Basis::Content {
                    let key = (
                        row.get("source").to_string(),
                        mineral.clone(),
                        stage.clone(),
                        basis.clone(),
                    );
                    let has = factor.is_some();
                    if let Some(&(first, had)) = factor_keys.get(&key) {
                        if has || had {
                            return Err(ImportError::Duplicate {
                                file: file.to_string(),
                                line: row.line,
                                key: format!(
                                    "content factor of {}/{}/{}/{}",
                                    key.0,
                                    key.1.as_str(),
                                    key.2.slug(),
                                    Unit::mass(scale, basis.clone())
                                ),
                                first_line: first,
                            });
                        }
                    }
                    factor_keys.insert(key, (row.line, has));
                }
                Mapping::Mineral {
                    mineral,
                    stage,
                    unit: Unit::mass(scale, basis),
                    reserves,
                    factor,
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

    /// The factors to contained tonnes, one per (source, mineral, stage, basis), sorted by
    /// that key (the order of [`Dataset::content_factors`](derisk_model::Dataset)).
    pub fn content_factors(&self) -> Vec<ContentFactor> {
        let mut out: Vec<ContentFactor> = self
            .0
            .iter()
            .filter_map(|((source, _, _), m)| match m {
                Mapping::Mineral {
                    mineral,
                    stage,
                    unit: Unit::Mass { basis, .. },
                    factor: Some(f),
                    ..
                } => Some(ContentFactor {
                    source: SourceId::new(source),
                    mineral: mineral.clone(),
                    stage: stage.clone(),
                    from: basis.clone(),
                    factor: f.factor,
                    factor_basis: f.basis.clone(),
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.source, &a.mineral, &a.stage, &a.from)
                .cmp(&(&b.source, &b.mineral, &b.stage, &b.from))
        });
        out
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

/// The row's `content_factor` and `factor_basis`: both empty (no factor), or a mass
/// fraction in (0, 1] with the text saying how it was chosen, on a row whose basis is not
/// already contained element.
fn factor(row: &crate::table::Row, basis: &Basis) -> Result<Option<Factor>> {
    let (value, text) = (row.get("content_factor"), row.get("factor_basis"));
    if value.is_empty() {
        if !text.is_empty() {
            return Err(row.error(
                "content_factor",
                "a factor for the factor_basis text (or both empty)",
            ));
        }
        return Ok(None);
    }
    if *basis == Basis::Content {
        return Err(row.error(
            "content_factor",
            "empty: the row is already on the content basis",
        ));
    }
    let factor = row.number("content_factor")?;
    if !(factor > 0.0 && factor <= 1.0) {
        return Err(row.error(
            "content_factor",
            "a mass fraction greater than 0 and at most 1",
        ));
    }
    let basis = row.text("factor_basis")?.to_string();
    Ok(Some(Factor { factor, basis }))
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

    const HEADER: &str = "source,commodity,table,mineral,stage,scale,basis,basis_of,\
                          content_factor,factor_basis,reserves,note\n";

    fn one_row(row: &str) -> Result<CommodityMap> {
        CommodityMap::from_reader("sc.csv", format!("{HEADER}{row}\n").as_bytes())
    }

    #[test]
    fn factor_errors_name_line_field_and_value() {
        let cases = [
            // Not a number.
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,about 0.46,x,,",
                "content_factor",
                "about 0.46",
            ),
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,NaN,x,,",
                "content_factor",
                "NaN",
            ),
            // Not a mass fraction.
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,0,x,,",
                "content_factor",
                "0",
            ),
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,-0.4645,x,,",
                "content_factor",
                "-0.4645",
            ),
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,1.2,x,,",
                "content_factor",
                "1.2",
            ),
            // A factor on a row already on the content basis.
            (
                "wmd-2025,Cobalt,,cobalt,mining,t,content,,0.5,x,,",
                "content_factor",
                "0.5",
            ),
            // A factor without the text saying how it was chosen, and the reverse.
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,0.4645,,,",
                "factor_basis",
                "",
            ),
            (
                "wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,,stoichiometry,,",
                "content_factor",
                "",
            ),
            // A factor on a commodity outside the catalogue.
            (
                "wmd-2025,Petroleum,,,,,,,0.5,x,,Outside the catalogue",
                "content_factor",
                "0.5",
            ),
        ];
        for (row, field, value) in cases {
            match one_row(row) {
                Err(ImportError::Field { at, value: v, .. }) => {
                    assert_eq!((at.file.as_str(), at.line), ("sc.csv", 2), "{row}");
                    assert_eq!((at.field.as_str(), v.as_str()), (field, value), "{row}");
                }
                other => panic!("{row}: expected a field error, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_valid_factor_is_kept_with_its_basis() {
        let m = one_row("wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,0.4645,x,,")
            .unwrap();
        let f = m.content_factors();
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].source.as_str(), f[0].mineral.as_str(), &f[0].stage),
            ("wmd-2025", "lithium", &Stage::Mining)
        );
        assert_eq!(f[0].from, Basis::Equivalent("Li2O".into()));
        assert_eq!((f[0].factor, f[0].factor_basis.as_str()), (0.4645, "x"));
        // No factor, no entry.
        let m =
            one_row("wmd-2025,Boron Minerals,,boron,mining,t,gross,boron minerals,,,,").unwrap();
        assert!(m.content_factors().is_empty());
    }

    /// Two tables of a source on the same (mineral, stage, basis) would share one factor:
    /// refused when either row carries one.
    #[test]
    fn one_factor_per_source_mineral_stage_and_basis() {
        let text = format!(
            "{HEADER}wmd-2025,Lithium (Li2O),,lithium,mining,t,equivalent,Li2O,0.4645,x,,\n\
             wmd-2025,Lithium again,,lithium,mining,t,equivalent,Li2O,,,,\n"
        );
        let r = CommodityMap::from_reader("sc.csv", text.as_bytes());
        assert!(
            matches!(
                r,
                Err(ImportError::Duplicate {
                    line: 3,
                    first_line: 2,
                    ..
                })
            ),
            "{r:?}"
        );
    }

    /// The embedded stoichiometric factors are what the atomic weights give (IUPAC abridged
    /// standard atomic weights), to the four decimals the table states.
    #[test]
    fn embedded_oxide_factors_follow_from_the_atomic_weights() {
        const O: f64 = 15.999;
        let oxides = [
            ("As2O3", 74.922, 2.0, 3.0),
            ("Li2O", 6.94, 2.0, 1.0),
            ("Nb2O5", 92.906, 2.0, 5.0),
            ("Ta2O5", 180.95, 2.0, 5.0),
            ("TiO2", 47.867, 1.0, 2.0),
            ("U3O8", 238.03, 3.0, 8.0),
            ("Cr2O3", 51.996, 2.0, 3.0),
        ];
        let factors = CommodityMap::embedded().unwrap().content_factors();
        let mut checked = 0;
        for f in &factors {
            let Basis::Equivalent(formula) = &f.from else {
                continue;
            };
            let (_, weight, n, m) = oxides
                .iter()
                .find(|o| o.0 == formula)
                .unwrap_or_else(|| panic!("{formula}: no atomic weights in this test"));
            let expected = n * weight / (n * weight + m * O);
            assert!(
                (f.factor - expected).abs() < 5e-5,
                "{} {formula}: {} against {expected:.5}",
                f.source,
                f.factor
            );
            checked += 1;
        }
        // USGS arsenic and World Mining Data's seven oxides.
        assert_eq!(checked, 8);
        // Refined metals count 1 t per t; concentrates use their HS carrier's grade.
        let get = |source: &str, mineral: &str| {
            factors
                .iter()
                .find(|f| f.source.as_str() == source && f.mineral.as_str() == mineral)
                .map(|f| f.factor)
        };
        for mineral in ["bismuth", "indium", "magnesium", "titanium"] {
            assert_eq!(get("usgs-mcs-2026", mineral), Some(1.0), "{mineral}");
        }
        assert_eq!(get("usgs-mcs-2026", "zirconium"), Some(0.48));
        assert_eq!(get("wmd-2025", "zirconium"), Some(0.48));
        assert_eq!(get("usgs-mcs-2026", "chromium"), Some(0.30));
        // No defensible factor: left absent.
        for mineral in [
            "boron",
            "barite",
            "fluorspar",
            "phosphate-rock",
            "rare-earths",
        ] {
            assert_eq!(get("usgs-mcs-2026", mineral), None, "{mineral}");
            assert_eq!(get("wmd-2025", mineral), None, "{mineral}");
        }
    }
}
