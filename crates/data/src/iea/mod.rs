//! The IEA Critical Minerals Dataset: mining and refining supply by country (base case, kt)
//! and total demand by scenario and sector, for copper, cobalt, lithium, nickel, graphite and
//! magnet rare earths.
//!
//! Two editions are read: the IEA's own May 2024 workbook (base year 2023, [`workbook`]) and a
//! third party's JSON extract of the May 2025 edition (base year 2024, [`extract`]). Both are
//! turned into the same intermediate tables here, so the rules below apply to both:
//!
//! - base-year (and earlier) columns are [`Measure::Production`], later ones
//!   [`Measure::ProjectedProduction`]; all carry [`Flag::Estimated`] (IEA compiles them);
//! - `Total` is [`Area::World`], `Rest of world` is [`Area::Other`], `Top 3 share` rows are
//!   derived aggregates and are counted as not kept;
//! - for nickel and graphite the IEA lists a sixth country that sits outside its `Total` and is
//!   also inside `Rest of world`. The importer detects this from the figures (country rows plus
//!   rest of world exceed the total by exactly that country), keeps the row and says in its
//!   note, and in the report, that it must not be added to the rest of world.

pub mod extract;
mod minerals;
pub mod workbook;

pub use extract::{import_iea_extract, import_iea_extract_path};
pub use workbook::{import_iea_workbook, import_iea_workbook_reader};

use crate::countries::UnknownNames;
use crate::error::{ImportError, Result};
use crate::{ImportContext, Imported};
use derisk_model::{
    Area, DemandRecord, Evidence, Flag, MassUnit, Measure, MineralId, Observation, Provenance,
    SourceId, Stage, Unit, Year,
};
use minerals::{mineral_rule, stage_of};
use std::collections::BTreeMap;

/// Source slug of the May 2024 workbook (base year 2023).
pub const SOURCE_2024: &str = "iea-cmd-2024";
/// Source slug of the May 2025 edition's extract (base year 2024).
pub const SOURCE_2025: &str = "iea-cmd-2025";
/// Basis of IEA rare-earth figures: the four magnet rare earths only, never total REO.
pub const MAGNET_REE_BASIS: &str = "magnet rare earths Nd+Pr+Dy+Tb";
/// Sector name given to each mineral's total demand line.
pub const SECTOR_TOTAL: &str = "Total";
/// Scenario name of observed (base-year) demand.
pub const SCENARIO_HISTORICAL: &str = "historical";

/// One IEA edition: its source slug and the last year with observed data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edition {
    pub source: &'static str,
    pub base_year: u16,
}

/// One cell of a supply or demand table.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub year: Year,
    pub value: Option<f64>,
    /// Where it is: a cell reference or a JSON path.
    pub at: String,
}

/// What a supply row is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RowKind {
    Country(String),
    Rest,
    Total,
    Top3,
}

impl RowKind {
    /// Classify a row label. The 2024 workbook labels cobalt refining's total
    /// "Total clean technologies"; its figures are the stage total.
    pub fn of(label: &str) -> RowKind {
        let l = label.trim().to_lowercase();
        if l == "total" || l == "total clean technologies" {
            RowKind::Total
        } else if l == "rest of world" {
            RowKind::Rest
        } else if l.starts_with("top 3") || l == "top3share" {
            RowKind::Top3
        } else {
            RowKind::Country(label.trim().to_string())
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct SupplyRow {
    pub kind: RowKind,
    pub line: u64,
    pub cells: Vec<Cell>,
}

/// One "Mineral - Stage" supply table.
#[derive(Clone, Debug)]
pub(crate) struct SupplyTable {
    /// Provenance table: sheet name or JSON path.
    pub table: String,
    pub mineral: String,
    pub stage: String,
    /// Line (workbook row) of the table's header, for errors.
    pub line: u64,
    /// Where the header is (cell or path), for errors.
    pub at: String,
    pub rows: Vec<SupplyRow>,
}

/// One demand row: a mineral's sector (or total) across scenario and year columns.
#[derive(Clone, Debug)]
pub(crate) struct DemandRow {
    pub mineral: String,
    /// Sector name as recorded; `None` for ratio rows (share of clean technologies).
    pub sector: Option<String>,
    /// (scenario, cell) pairs.
    pub cells: Vec<(String, Cell)>,
    /// Provenance table: sheet name or JSON path.
    pub table: String,
    pub line: u64,
}

/// Accumulates an import: observations, demand, duplicate keys and unknown names.
pub(crate) struct Builder<'c, 'a> {
    pub file: String,
    pub edition: Edition,
    pub ctx: &'c ImportContext<'a>,
    pub out: Imported,
    pub unknown: UnknownNames,
    seen_obs: BTreeMap<String, u64>,
    seen_demand: BTreeMap<String, u64>,
    /// Cells with no figure: not recorded, listed in the report.
    empty_cells: Vec<String>,
}

impl<'c, 'a> Builder<'c, 'a> {
    /// An empty import of `file` for one edition.
    pub fn new(file: &str, edition: Edition, ctx: &'c ImportContext<'a>) -> Self {
        let out = Imported {
            report: derisk_model::ImportReport::new(edition.source, file),
            ..Imported::default()
        };
        Builder {
            file: file.to_string(),
            edition,
            ctx,
            out,
            unknown: UnknownNames::default(),
            seen_obs: BTreeMap::new(),
            seen_demand: BTreeMap::new(),
            empty_cells: Vec::new(),
        }
    }

    fn provenance(&self, table: &str, note: String) -> Provenance {
        Provenance {
            source: SourceId::new(self.edition.source),
            table: table.to_string(),
            note: Some(note),
        }
    }

    fn check_unique(
        seen: &mut BTreeMap<String, u64>,
        file: &str,
        key: String,
        line: u64,
    ) -> Result<()> {
        if let Some(first) = seen.get(&key) {
            return Err(ImportError::Duplicate {
                file: file.to_string(),
                line,
                key,
                first_line: *first,
            });
        }
        seen.insert(key, line);
        Ok(())
    }

    /// Turn one supply table into observations.
    pub fn supply(&mut self, t: &SupplyTable) -> Result<()> {
        let rule = mineral_rule(&t.mineral).ok_or_else(|| {
            ImportError::field(
                &self.file,
                t.line,
                &t.at,
                &t.mineral,
                "one of the six IEA minerals",
            )
        })?;
        let stage = stage_of(&t.stage).ok_or_else(|| {
            ImportError::field(
                &self.file,
                t.line,
                &t.at,
                &t.stage,
                "a mining or refining stage",
            )
        })?;
        if !self.ctx.knows_mineral(rule.id) {
            for _ in &t.rows {
                self.out.report.rows_read += 1;
                self.out.report.skip("mineral not in the minerals table");
            }
            return Ok(());
        }
        let (basis, stage_note) = match stage {
            Stage::Mining => (rule.mining.basis(), rule.mining_note),
            _ => (rule.refining.basis(), rule.refining_note),
        };
        let outside = outside_total(t);
        if let Some(name) = &outside {
            self.out.report.notes.push(format!(
                "{} {}: {name} lies outside the IEA Total and is also inside Rest of world; \
                 kept, flagged in its note, not to be added to Rest of world",
                rule.id,
                stage.slug()
            ));
        }
        for row in &t.rows {
            self.out.report.rows_read += 1;
            if row.cells.iter().all(|c| c.value.is_none()) {
                self.out
                    .report
                    .skip("row without figures (note text carried as a row)");
                continue;
            }
            let mut row_note = String::new();
            let area = match &row.kind {
                RowKind::Top3 => {
                    self.out
                        .report
                        .skip("derived aggregate (IEA top-3 share row)");
                    continue;
                }
                RowKind::Total => Area::World,
                RowKind::Rest => {
                    if let Some(name) = &outside {
                        row_note = format!("; includes {name}, which is also listed as a row");
                    }
                    Area::Other
                }
                RowKind::Country(name) => match self.ctx.countries.by_name(name) {
                    Some(c) => {
                        if outside.as_deref() == Some(name.as_str()) {
                            row_note = "; outside the IEA Total and top-3 formulas and also \
                                        included in Rest of world: do not add to Rest of world"
                                .to_string();
                        }
                        Area::Country(c)
                    }
                    None => {
                        self.unknown.add(name, row.line);
                        self.out
                            .report
                            .skip(&format!("unknown country name {name:?}"));
                        continue;
                    }
                },
            };
            let mut kept = false;
            for cell in &row.cells {
                let Some(v) = cell.value else {
                    self.empty_cells.push(cell.at.clone());
                    continue;
                };
                let key = format!("{}|{}|{}|{}", rule.id, stage.slug(), area, cell.year);
                Self::check_unique(&mut self.seen_obs, &self.file, key, row.line)?;
                let measure = if cell.year.get() <= self.edition.base_year {
                    Measure::Production
                } else {
                    Measure::ProjectedProduction
                };
                let mut note = cell.at.clone();
                if measure == Measure::ProjectedProduction {
                    note.push_str("; base-case projection");
                }
                if let Some(n) = stage_note {
                    note.push_str("; ");
                    note.push_str(n);
                }
                note.push_str(&row_note);
                self.out.observations.push(Observation {
                    mineral: mineral_id(rule.id)?,
                    stage: stage.clone(),
                    measure,
                    area,
                    year: cell.year,
                    value: Some(v),
                    unit: Unit::mass(MassUnit::Kilotonne, basis.clone()),
                    flag: Flag::Estimated,
                    evidence: Evidence::IeaDataset,
                    provenance: self.provenance(&t.table, note),
                });
                kept = true;
            }
            if kept {
                self.out.report.rows_kept += 1;
            }
        }
        Ok(())
    }

    /// Turn one demand row into records.
    pub fn demand(&mut self, d: &DemandRow) -> Result<()> {
        self.out.report.rows_read += 1;
        let Some(sector) = &d.sector else {
            self.out
                .report
                .skip("ratio row (share of clean technologies), derivable from kt rows");
            return Ok(());
        };
        let Some(rule) = mineral_rule(&d.mineral) else {
            self.out
                .report
                .skip("demand for a mineral outside the six IEA minerals");
            return Ok(());
        };
        if !self.ctx.knows_mineral(rule.id) {
            self.out.report.skip("mineral not in the minerals table");
            return Ok(());
        }
        let mut kept = false;
        for (scenario, cell) in &d.cells {
            let Some(v) = cell.value else {
                self.empty_cells.push(cell.at.clone());
                continue;
            };
            let key = format!("{}|{scenario}|{sector}|{}", rule.id, cell.year);
            Self::check_unique(&mut self.seen_demand, &self.file, key, d.line)?;
            let mut note = cell.at.clone();
            if let Some(n) = rule.demand_note {
                note.push_str("; ");
                note.push_str(n);
            }
            self.out.demand.push(DemandRecord {
                mineral: mineral_id(rule.id)?,
                scenario: scenario.clone(),
                sector: sector.clone(),
                year: cell.year,
                value_kt: v,
                provenance: self.provenance(&d.table, note),
            });
            kept = true;
        }
        if kept {
            self.out.report.rows_kept += 1;
        }
        Ok(())
    }

    /// Fail on unknown names (unless lenient), then sort outputs deterministically.
    pub fn finish(mut self) -> Result<Imported> {
        if !self.ctx.options.skip_unknown_countries {
            self.unknown.into_result(&self.file)?;
        }
        if !self.empty_cells.is_empty() {
            let shown: Vec<&str> = self
                .empty_cells
                .iter()
                .take(12)
                .map(String::as_str)
                .collect();
            let more = if self.empty_cells.len() > 12 {
                ", …"
            } else {
                ""
            };
            self.out.report.notes.push(format!(
                "{} empty cell(s) not recorded (a missing figure is not zero): {}{more}",
                self.empty_cells.len(),
                shown.join(", ")
            ));
        }
        let o = &mut self.out;
        o.observations.sort_by(|a, b| {
            (&a.mineral, &a.stage, a.measure, a.year, a.area)
                .cmp(&(&b.mineral, &b.stage, b.measure, b.year, b.area))
        });
        o.demand.sort_by(|a, b| {
            (&a.mineral, &a.scenario, &a.sector, a.year).cmp(&(
                &b.mineral,
                &b.scenario,
                &b.sector,
                b.year,
            ))
        });
        Ok(self.out)
    }
}

fn mineral_id(id: &str) -> Result<MineralId> {
    MineralId::try_from(id).map_err(|e| ImportError::Format {
        file: "iea mineral table".to_string(),
        message: e.to_string(),
    })
}

/// The country the IEA left outside its `Total` while also counting it in `Rest of world`,
/// if any. Countries plus rest of world normally equal the total; when they exceed it by
/// exactly one listed country in every year with figures, that country is the one.
pub(crate) fn outside_total(t: &SupplyTable) -> Option<String> {
    let total = t.rows.iter().find(|r| r.kind == RowKind::Total)?;
    let parts: Vec<&SupplyRow> = t
        .rows
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Country(_) | RowKind::Rest))
        .collect();
    let adds_up = |skip: Option<&SupplyRow>| {
        total.cells.iter().all(|tc| {
            let Some(tv) = tc.value else { return true };
            let mut sum = 0.0;
            for r in &parts {
                if skip.is_some_and(|s| std::ptr::eq(s, *r)) {
                    continue;
                }
                match r
                    .cells
                    .iter()
                    .find(|c| c.year == tc.year)
                    .and_then(|c| c.value)
                {
                    Some(v) => sum += v,
                    None => return true,
                }
            }
            (sum - tv).abs() <= 1e-6 * tv.abs().max(1.0)
        })
    };
    if adds_up(None) {
        return None;
    }
    // Check the last-listed country first: that is where the IEA puts it.
    parts
        .iter()
        .rev()
        .filter(|r| matches!(r.kind, RowKind::Country(_)))
        .find(|r| adds_up(Some(r)))
        .and_then(|r| match &r.kind {
            RowKind::Country(n) => Some(n.clone()),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: RowKind, vals: &[f64]) -> SupplyRow {
        SupplyRow {
            kind,
            line: 1,
            cells: vals
                .iter()
                .zip([2023u16, 2030])
                .map(|(v, y)| Cell {
                    year: Year::try_from(y).unwrap(),
                    value: Some(*v),
                    at: String::new(),
                })
                .collect(),
        }
    }

    fn table(rows: Vec<SupplyRow>) -> SupplyTable {
        SupplyTable {
            table: "t".into(),
            mineral: "Nickel".into(),
            stage: "Refining".into(),
            line: 1,
            at: "A1".into(),
            rows,
        }
    }

    #[test]
    fn finds_the_country_outside_the_total() {
        let c = |n: &str| RowKind::Country(n.to_string());
        let t = table(vec![
            row(c("Indonesia"), &[10.0, 20.0]),
            row(c("China"), &[5.0, 6.0]),
            row(c("Canada"), &[1.0, 2.0]),
            row(RowKind::Rest, &[4.0, 5.0]),
            row(RowKind::Total, &[19.0, 31.0]),
        ]);
        assert_eq!(outside_total(&t).as_deref(), Some("Canada"));
        let ok = table(vec![
            row(c("Indonesia"), &[10.0, 20.0]),
            row(RowKind::Rest, &[4.0, 5.0]),
            row(RowKind::Total, &[14.0, 25.0]),
        ]);
        assert_eq!(outside_total(&ok), None);
    }

    #[test]
    fn maps_labels() {
        assert_eq!(
            mineral_rule("Magnet rare earth elements").unwrap().id,
            "rare-earths"
        );
        assert_eq!(
            mineral_rule("Rare Earth Elements").unwrap().id,
            "rare-earths"
        );
        assert_eq!(
            mineral_rule("Graphite (all grades: natural and synthetic)")
                .unwrap()
                .id,
            "graphite"
        );
        assert!(mineral_rule("Zinc").is_none());
        assert_eq!(stage_of("Mining (natural)"), Some(Stage::Mining));
        assert_eq!(stage_of("Battery grade"), Some(Stage::Refining));
        assert_eq!(stage_of("Chemicals"), Some(Stage::Refining));
        assert_eq!(stage_of("Smelting"), None);
        assert_eq!(RowKind::of("Total clean technologies"), RowKind::Total);
        assert_eq!(RowKind::of("Top 3 share"), RowKind::Top3);
    }
}
