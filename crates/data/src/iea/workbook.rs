//! The IEA's May 2024 Critical Minerals Data Explorer workbook (`.xlsx`, base year 2023).
//!
//! Two sheets are read: "Total supply for key minerals" (two side-by-side tables per row band:
//! mining on the left, refining on the right, each headed "Mineral - Stage") and "Total demand
//! for key minerals" (one block per mineral, sector rows, a base-year column then STEPS, APS
//! and NZE column groups). The clean-technology and per-technology sheets repeat the same
//! demand split finer and are not imported.

use super::{Builder, Cell, DemandRow, Edition, RowKind, SupplyRow, SupplyTable};
use crate::error::{ImportError, Result};
use crate::{ImportContext, Imported};
use calamine::{Data, Range, Reader, Xlsx};
use derisk_model::Year;
use std::io::{Cursor, Read};
use std::path::Path;

const EDITION: Edition = Edition {
    source: super::SOURCE_2024,
    base_year: 2023,
};

static EMPTY: Data = Data::Empty;

/// A run of consecutive year columns: (0-based column, year).
type YearRun = Vec<(u32, Year)>;

/// Import the May 2024 IEA workbook from a file path. See [`import_iea_workbook_reader`].
pub fn import_iea_workbook(path: &Path, ctx: &ImportContext) -> Result<Imported> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import_iea_workbook_reader(&file, input, ctx)
}

/// Import supply by country (mining and refining, kt, base case) and total demand by scenario
/// and sector from the IEA's May 2024 workbook. A file that is not a readable `.xlsx` (for
/// example truncated) is an [`ImportError::Format`] naming it.
pub fn import_iea_workbook_reader<R: Read>(
    file: &str,
    mut input: R,
    ctx: &ImportContext,
) -> Result<Imported> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::io(file, e))?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError::Format {
        file: file.to_string(),
        message: format!("not a readable .xlsx workbook: {e}"),
    })?;
    let names = wb.sheet_names();
    let supply = Sheet::load(&mut wb, &find_sheet(&names, "total supply", file)?, file)?;
    let demand = Sheet::load(&mut wb, &find_sheet(&names, "total demand", file)?, file)?;

    let mut b = Builder::new(file, EDITION, ctx);
    for t in supply_tables(&supply)? {
        b.supply(&t)?;
    }
    for row in demand_rows(&demand)? {
        b.demand(&row)?;
    }
    let other: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| *n != supply.name && *n != demand.name)
        .collect();
    b.out
        .report
        .notes
        .push(format!("sheets not imported: {}", other.join(", ")));
    b.finish()
}

fn find_sheet(names: &[String], needle: &str, file: &str) -> Result<String> {
    let found: Vec<&String> = names
        .iter()
        .filter(|n| n.to_lowercase().contains(needle))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(ImportError::Format {
            file: file.to_string(),
            message: format!(
                "expected exactly one sheet named like {needle:?}, found {} among: {}",
                found.len(),
                names.join(", ")
            ),
        }),
    }
}

/// One worksheet with its name, addressed by absolute (row, column), both 0-based.
struct Sheet {
    file: String,
    name: String,
    range: Range<Data>,
}

impl Sheet {
    fn load(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str, file: &str) -> Result<Sheet> {
        let range = wb.worksheet_range(name).map_err(|e| ImportError::Format {
            file: file.to_string(),
            message: format!("sheet {name:?} cannot be read: {e}"),
        })?;
        Ok(Sheet {
            file: file.to_string(),
            name: name.to_string(),
            range,
        })
    }

    fn get(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
    }

    fn last_row(&self) -> u32 {
        self.range.end().map(|(r, _)| r).unwrap_or(0)
    }

    fn last_col(&self) -> u32 {
        self.range.end().map(|(_, c)| c).unwrap_or(0)
    }

    /// A label: the trimmed text of a string cell; `None` when empty. Other kinds are errors.
    fn label(&self, row: u32, col: u32) -> Result<Option<String>> {
        match self.get(row, col) {
            Data::Empty => Ok(None),
            Data::String(s) if s.trim().is_empty() => Ok(None),
            Data::String(s) => Ok(Some(s.trim().to_string())),
            other => Err(self.error(row, col, other, "a text label or an empty cell")),
        }
    }

    /// A figure: a finite number, or `None` for an empty cell.
    fn number(&self, row: u32, col: u32) -> Result<Option<f64>> {
        match self.get(row, col) {
            Data::Empty => Ok(None),
            Data::String(s) if s.trim().is_empty() => Ok(None),
            Data::Float(f) if f.is_finite() => Ok(Some(*f)),
            Data::Int(i) => Ok(Some(*i as f64)),
            other => Err(self.error(row, col, other, "a finite number or an empty cell")),
        }
    }

    fn year(&self, row: u32, col: u32) -> Option<Year> {
        let y = match self.get(row, col) {
            Data::Int(i) => *i,
            Data::Float(f) if f.fract() == 0.0 && f.is_finite() => *f as i64,
            Data::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        Year::try_from(y).ok()
    }

    fn error(&self, row: u32, col: u32, value: &Data, expected: &str) -> ImportError {
        ImportError::field(
            &self.file,
            u64::from(row) + 1,
            &format!("{}!{}", self.name, cell_ref(row, col)),
            &value.to_string(),
            expected,
        )
    }

    /// The header row of years and its runs of consecutive year columns.
    fn year_header(&self) -> Result<(u32, Vec<YearRun>)> {
        for r in 0..=self.last_row() {
            let years: Vec<(u32, Year)> = (0..=self.last_col())
                .filter_map(|c| self.year(r, c).map(|y| (c, y)))
                .collect();
            if years.len() < 2 {
                continue;
            }
            self.require_kt(r)?;
            let mut groups: Vec<YearRun> = Vec::new();
            for (c, y) in years {
                match groups.last_mut() {
                    Some(g) if g.last().is_some_and(|(lc, _)| lc + 1 == c) => g.push((c, y)),
                    _ => groups.push(vec![(c, y)]),
                }
            }
            return Ok((r, groups));
        }
        Err(ImportError::Format {
            file: self.file.clone(),
            message: format!("sheet {:?} has no header row of years", self.name),
        })
    }

    /// The sheet's title (above the year header) must state kilotonnes.
    fn require_kt(&self, header: u32) -> Result<()> {
        for r in 0..header {
            for c in 0..=self.last_col() {
                if let Data::String(s) = self.get(r, c) {
                    if s.contains("(kt)") {
                        return Ok(());
                    }
                }
            }
        }
        Err(ImportError::Format {
            file: self.file.clone(),
            message: format!("sheet {:?}: title does not state the unit (kt)", self.name),
        })
    }

    fn cell(&self, row: u32, col: u32, year: Year, value: Option<f64>) -> Cell {
        Cell {
            year,
            value,
            at: format!("cell {}", cell_ref(row, col)),
        }
    }
}

/// Spreadsheet reference of a 0-based (row, column), e.g. (37, 7) → "H38".
fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Read the supply sheet into its "Mineral - Stage" tables. Each run of year columns is one
/// side-by-side table whose labels are in the column just before it; a table runs from its
/// header to its "Top 3 share" row (blank rows inside are padding where the table beside it
/// is longer).
fn supply_tables(s: &Sheet) -> Result<Vec<SupplyTable>> {
    let (header, groups) = s.year_header()?;
    if let Some((_, y)) = groups.first().and_then(|g| g.first()) {
        if y.get() != EDITION.base_year {
            return Err(ImportError::Format {
                file: s.file.clone(),
                message: format!(
                    "sheet {:?}: first year column is {y}, expected the base year {} of the \
                     May 2024 edition",
                    s.name, EDITION.base_year
                ),
            });
        }
    }
    let mut tables = Vec::new();
    for g in &groups {
        let first = g.first().map(|(c, _)| *c).unwrap_or(0);
        let Some(label_col) = first.checked_sub(1) else {
            return Err(ImportError::Format {
                file: s.file.clone(),
                message: format!("sheet {:?}: year columns start in column A", s.name),
            });
        };
        let mut current: Option<SupplyTable> = None;
        for r in header + 1..=s.last_row() {
            let label = s.label(r, label_col)?;
            let mut cells = Vec::new();
            for (c, y) in g {
                cells.push(s.cell(r, *c, *y, s.number(r, *c)?));
            }
            let has_values = cells.iter().any(|c| c.value.is_some());
            let Some(label) = label else {
                if has_values {
                    let c = g.first().map(|(c, _)| *c).unwrap_or(0);
                    return Err(s.error(
                        r,
                        label_col,
                        s.get(r, c),
                        "a row label for these figures",
                    ));
                }
                // A blank label: the other side's table may be longer, so keep this one open.
                continue;
            };
            if !has_values {
                if let Some((mineral, stage)) = label.split_once(" - ") {
                    tables.extend(current.take());
                    current = Some(SupplyTable {
                        table: s.name.clone(),
                        mineral: mineral.trim().to_string(),
                        stage: stage.trim().to_string(),
                        line: u64::from(r) + 1,
                        at: format!("{}!{}", s.name, cell_ref(r, label_col)),
                        rows: Vec::new(),
                    });
                    continue;
                }
                if current.is_none() {
                    // Title or notes text outside any table.
                    continue;
                }
            }
            let Some(t) = current.as_mut() else {
                return Err(s.error(
                    r,
                    label_col,
                    s.get(r, label_col),
                    "a \"Mineral - Stage\" table header above these figures",
                ));
            };
            let kind = RowKind::of(&label);
            let last = kind == RowKind::Top3;
            t.rows.push(SupplyRow {
                kind,
                line: u64::from(r) + 1,
                cells,
            });
            if last {
                // The top-3 share row closes each IEA table; text below it is notes.
                tables.extend(current.take());
            }
        }
        tables.extend(current.take());
    }
    Ok(tables)
}

/// Scenario code of a column group's header text.
fn scenario_code(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    if t.contains("stated policies") {
        Some("STEPS")
    } else if t.contains("announced pledges") {
        Some("APS")
    } else if t.contains("net zero") {
        Some("NZE")
    } else {
        None
    }
}

/// Read the demand sheet: per mineral block, one row per sector; the base-year group is
/// historical and each later group is headed by its scenario one row above the years.
fn demand_rows(s: &Sheet) -> Result<Vec<DemandRow>> {
    let (header, groups) = s.year_header()?;
    let mut columns: Vec<(u32, Year, String)> = Vec::new();
    for g in &groups {
        let heading = match header.checked_sub(1) {
            Some(hr) => {
                let mut found = None;
                for (c, _) in g {
                    if let Some(t) = s.label(hr, *c)? {
                        found = Some((hr, *c, t));
                        break;
                    }
                }
                found
            }
            None => None,
        };
        let scenario = match heading {
            Some((hr, c, text)) => match scenario_code(&text) {
                Some(code) => code.to_string(),
                None => {
                    return Err(s.error(hr, c, s.get(hr, c), "a STEPS, APS or NZE scenario name"))
                }
            },
            None if g.iter().all(|(_, y)| y.get() <= EDITION.base_year) => {
                super::SCENARIO_HISTORICAL.to_string()
            }
            None => {
                return Err(ImportError::Format {
                    file: s.file.clone(),
                    message: format!(
                        "sheet {:?}: projected year columns without a scenario heading",
                        s.name
                    ),
                })
            }
        };
        columns.extend(g.iter().map(|(c, y)| (*c, *y, scenario.clone())));
    }
    let mut rows = Vec::new();
    let mut mineral: Option<String> = None;
    for r in header + 1..=s.last_row() {
        let label = s.label(r, 0)?;
        let mut cells = Vec::new();
        for (c, y, scen) in &columns {
            cells.push((scen.clone(), s.cell(r, *c, *y, s.number(r, *c)?)));
        }
        let has_values = cells.iter().any(|(_, c)| c.value.is_some());
        let Some(label) = label else {
            if has_values {
                let c = columns.first().map(|(c, _, _)| *c).unwrap_or(0);
                return Err(s.error(r, 0, s.get(r, c), "a row label for these figures"));
            }
            continue;
        };
        if !has_values {
            if !label.to_lowercase().starts_with("notes") {
                mineral = Some(label);
            }
            continue;
        }
        let Some(m) = &mineral else {
            return Err(s.error(r, 0, s.get(r, 0), "a mineral heading above these figures"));
        };
        let sector = if label.to_lowercase().starts_with("share of") {
            None
        } else if label.eq_ignore_ascii_case("total demand") {
            Some(super::SECTOR_TOTAL.to_string())
        } else {
            Some(label)
        };
        rows.push(DemandRow {
            mineral: m.clone(),
            sector,
            cells,
            table: s.name.clone(),
            line: u64::from(r) + 1,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(37, 7), "H38");
        assert_eq!(cell_ref(4, 26), "AA5");
    }

    #[test]
    fn scenario_headings() {
        assert_eq!(scenario_code("Stated Policies scenario"), Some("STEPS"));
        assert_eq!(
            scenario_code("Net Zero Emissions by 2050 scenario"),
            Some("NZE")
        );
        assert_eq!(scenario_code("Sustainable Development"), None);
    }
}
