//! A third party's JSON extract of the IEA Critical Minerals Dataset, May 2025 edition (base
//! year 2024): `supply` (mining and refining by country, kt, base case) and `totalDemand` (by
//! scenario and sector). The other top-level entries (clean-technology splits) are not read.
//!
//! The JSON is parsed into a small tree that remembers the line of each object key and keeps
//! repeated keys, so that a malformed value or a duplicate key is reported with its line and
//! JSON path (plain `serde_json` maps would silently keep the last duplicate).

use super::{Builder, Cell, DemandRow, Edition, RowKind, SupplyRow, SupplyTable};
use crate::error::{ImportError, Result};
use crate::{ImportContext, Imported};
use derisk_model::Year;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell as Counter;
use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::Path;

const EDITION: Edition = Edition {
    source: super::SOURCE_2025,
    base_year: 2024,
};

/// Import the May 2025 extract from a file path. See [`import_iea_extract`].
pub fn import_iea_extract_path(path: &Path, ctx: &ImportContext) -> Result<Imported> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|e| ImportError::io(&file, e))?;
    import_iea_extract(&file, input, ctx)
}

/// Import supply by country (mining and refining, 2024 and projections) and total demand by
/// scenario and sector from the JSON extract of the IEA's May 2025 edition.
pub fn import_iea_extract<R: Read>(file: &str, input: R, ctx: &ImportContext) -> Result<Imported> {
    let root = parse(file, input)?;
    let j = Json { file };
    let top = j.object(&root, "", 1)?;
    let mut b = Builder::new(file, EDITION, ctx);
    for mineral in j.entries(top, "supply")? {
        let path = format!("supply.{}", mineral.key);
        let stages = j.object(&mineral.node, &path, mineral.line)?;
        j.check_unique(stages, &path)?;
        for stage in stages {
            let path = format!("{path}.{}", stage.key);
            b.supply(&j.supply_table(&mineral.key, stage, &path)?)?;
        }
    }
    for mineral in j.entries(top, "totalDemand")? {
        let path = format!("totalDemand.{}", mineral.key);
        let parts = j.object(&mineral.node, &path, mineral.line)?;
        j.check_unique(parts, &path)?;
        for part in parts {
            let p = format!("{path}.{}", part.key);
            let sector = match part.key.as_str() {
                "sectors" => {
                    let sectors = j.object(&part.node, &p, part.line)?;
                    j.check_unique(sectors, &p)?;
                    for s in sectors {
                        let sp = format!("{p}.{}", s.key);
                        b.demand(&j.demand_row(&mineral.key, Some(s.key.clone()), s, &sp)?)?;
                    }
                    continue;
                }
                "totalClean" => Some("Total clean technologies".to_string()),
                "otherUses" => Some("Other uses".to_string()),
                "totalDemand" => Some(super::SECTOR_TOTAL.to_string()),
                "cleanShare" => None,
                _ => {
                    return Err(j.field(
                        part.line,
                        &p,
                        &part.key,
                        "sectors, totalClean, otherUses, totalDemand or cleanShare",
                    ))
                }
            };
            b.demand(&j.demand_row(&mineral.key, sector, part, &p)?)?;
        }
    }
    b.out.report.notes.push(
        "the extract labels itself \"Data Explorer (2024)\"; its base year 2024 and totals \
         match the May 2025 edition"
            .to_string(),
    );
    b.finish()
}

/// A parsed JSON value. Objects keep their entries in order, with each key's line.
#[derive(Clone, Debug)]
enum Node {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<Entry>),
}

#[derive(Clone, Debug)]
struct Entry {
    key: String,
    line: u64,
    node: Node,
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Null => f.write_str("null"),
            Node::Bool(b) => write!(f, "{b}"),
            Node::Num(n) => write!(f, "{n}"),
            Node::Str(s) => write!(f, "{s:?}"),
            Node::Arr(a) => write!(f, "[{} items]", a.len()),
            Node::Obj(o) => write!(f, "{{{} entries}}", o.len()),
        }
    }
}

/// Counts newlines as the parser consumes bytes, so each key gets its line.
struct LineCounting<'a, R> {
    inner: R,
    newlines: &'a Counter<u64>,
}

impl<R: Read> Read for LineCounting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let lines = buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        self.newlines.set(self.newlines.get() + lines);
        Ok(n)
    }
}

struct Seed<'a>(&'a Counter<u64>);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Node, E> {
        Ok(Node::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Node, E> {
        Ok(Node::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Node, E> {
        Ok(Node::Num(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element_seed(Seed(self.0))? {
            items.push(n);
        }
        Ok(Node::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let line = self.0.get() + 1;
            let node = map.next_value_seed(Seed(self.0))?;
            entries.push(Entry { key, line, node });
        }
        Ok(Node::Obj(entries))
    }
}

fn parse<R: Read>(file: &str, input: R) -> Result<Node> {
    let newlines = Counter::new(0);
    let reader = LineCounting {
        inner: BufReader::new(input),
        newlines: &newlines,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let node = Seed(&newlines)
        .deserialize(&mut de)
        .and_then(|n| de.end().map(|_| n));
    node.map_err(|e| {
        if e.is_io() {
            ImportError::io(file, std::io::Error::other(e.to_string()))
        } else {
            ImportError::Row {
                file: file.to_string(),
                line: e.line() as u64,
                message: format!("not valid JSON: {e}"),
            }
        }
    })
}

/// Typed access to the tree with errors naming file, line and JSON path.
struct Json<'f> {
    file: &'f str,
}

impl Json<'_> {
    fn field(&self, line: u64, path: &str, value: &str, expected: &str) -> ImportError {
        ImportError::field(self.file, line, path, value, expected)
    }

    fn object<'n>(&self, n: &'n Node, path: &str, line: u64) -> Result<&'n [Entry]> {
        match n {
            Node::Obj(e) => Ok(e),
            other => Err(self.field(line, path, &other.to_string(), "a JSON object")),
        }
    }

    /// Reject a key repeated within one object, naming both lines.
    fn check_unique(&self, entries: &[Entry], path: &str) -> Result<()> {
        let mut seen: BTreeMap<&str, u64> = BTreeMap::new();
        for e in entries {
            if let Some(first) = seen.insert(&e.key, e.line) {
                return Err(ImportError::Duplicate {
                    file: self.file.to_string(),
                    line: e.line,
                    key: if path.is_empty() {
                        e.key.clone()
                    } else {
                        format!("{path}.{}", e.key)
                    },
                    first_line: first,
                });
            }
        }
        Ok(())
    }

    /// The entries of the object under the top-level `key`, checked for duplicates.
    fn entries<'n>(&self, top: &'n [Entry], key: &str) -> Result<&'n [Entry]> {
        self.check_unique(top, "")?;
        let e = top
            .iter()
            .find(|e| e.key == key)
            .ok_or_else(|| ImportError::Format {
                file: self.file.to_string(),
                message: format!("no top-level entry {key:?}"),
            })?;
        let node = self.object(&e.node, key, e.line)?;
        self.check_unique(node, key)?;
        Ok(node)
    }

    fn number(&self, e: &Entry, path: &str) -> Result<Option<f64>> {
        match &e.node {
            Node::Null => Ok(None),
            Node::Num(v) if v.is_finite() => Ok(Some(*v)),
            other => Err(self.field(e.line, path, &other.to_string(), "a number or null")),
        }
    }

    fn year(&self, e: &Entry, path: &str) -> Result<Year> {
        Year::try_from(e.key.as_str())
            .map_err(|_| self.field(e.line, path, &e.key, "a year 1900–2100 as the key"))
    }

    /// `{ "2024": v, "2030": v, … }` → cells.
    fn year_cells(&self, e: &Entry, path: &str) -> Result<Vec<Cell>> {
        let entries = self.object(&e.node, path, e.line)?;
        self.check_unique(entries, path)?;
        let mut cells = Vec::new();
        for y in entries {
            let p = format!("{path}.{}", y.key);
            cells.push(Cell {
                year: self.year(y, &p)?,
                value: self.number(y, &p)?,
                at: p,
            });
        }
        Ok(cells)
    }

    fn supply_table(&self, mineral: &str, stage: &Entry, path: &str) -> Result<SupplyTable> {
        let parts = self.object(&stage.node, path, stage.line)?;
        self.check_unique(parts, path)?;
        let mut rows = Vec::new();
        for part in parts {
            let p = format!("{path}.{}", part.key);
            match part.key.as_str() {
                "countries" => {
                    let countries = self.object(&part.node, &p, part.line)?;
                    self.check_unique(countries, &p)?;
                    for c in countries {
                        let cp = format!("{p}.{}", c.key);
                        let kind = match RowKind::of(&c.key) {
                            RowKind::Total | RowKind::Top3 => {
                                return Err(self.field(c.line, &cp, &c.key, "a country name"))
                            }
                            k => k,
                        };
                        rows.push(SupplyRow {
                            kind,
                            line: c.line,
                            cells: self.year_cells(c, &cp)?,
                        });
                    }
                }
                "total" | "top3Share" => rows.push(SupplyRow {
                    kind: if part.key == "total" {
                        RowKind::Total
                    } else {
                        RowKind::Top3
                    },
                    line: part.line,
                    cells: self.year_cells(part, &p)?,
                }),
                _ => {
                    return Err(self.field(
                        part.line,
                        &p,
                        &part.key,
                        "countries, total or top3Share",
                    ))
                }
            }
        }
        Ok(SupplyTable {
            table: path.to_string(),
            mineral: mineral.to_string(),
            stage: stage.key.clone(),
            line: stage.line,
            at: path.to_string(),
            rows,
        })
    }

    /// `{ "2024": v, "STEPS": {year: v}, "APS": {…}, "NZE": {…} }` → one demand row.
    fn demand_row(
        &self,
        mineral: &str,
        sector: Option<String>,
        e: &Entry,
        path: &str,
    ) -> Result<DemandRow> {
        let entries = self.object(&e.node, path, e.line)?;
        self.check_unique(entries, path)?;
        let mut cells = Vec::new();
        for s in entries {
            let p = format!("{path}.{}", s.key);
            match s.key.as_str() {
                "STEPS" | "APS" | "NZE" => {
                    for c in self.year_cells(s, &p)? {
                        cells.push((s.key.clone(), c));
                    }
                }
                _ => {
                    let year = self.year(s, &p)?;
                    if year.get() > EDITION.base_year {
                        return Err(self.field(
                            s.line,
                            &p,
                            &s.key,
                            "the base year or earlier (projections sit under a scenario)",
                        ));
                    }
                    let value = self.number(s, &p)?;
                    let cell = Cell { year, value, at: p };
                    cells.push((super::SCENARIO_HISTORICAL.to_string(), cell));
                }
            }
        }
        Ok(DemandRow {
            mineral: mineral.to_string(),
            sector,
            cells,
            table: "totalDemand".to_string(),
            line: e.line,
        })
    }
}
