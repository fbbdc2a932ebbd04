//! Bilateral trade indexed by (year, nomenclature, HS code), then by exporter and by
//! importer. The grouping is built once; each group's importer order and country totals
//! are built the first time a query touches the group, and a stored table's flows are read
//! then too, so a query pays only for the groups it uses.

use derisk_model::{
    CountryCode, Dataset, HsCode, HsKey, Nomenclature, StoredTables, TradeFlow, TradeGroupHeader,
    Year,
};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// One country's total trade of one HS code (in one nomenclature) in one year, tonnes of
/// product, over flows with a valid quantity (flows without one are not counted).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct CountryTotal {
    pub country: CountryCode,
    pub exports_t: f64,
    pub imports_t: f64,
}

/// Trade flows grouped by (year, nomenclature, HS code) — the same six digits in two
/// nomenclatures are two groups; within a group, flows of one exporter are found by binary
/// search, and flows to one importer through a permutation sorted by importer. Each
/// country's world totals per group are computed with the permutation.
///
/// The flows are either held in the dataset's trade table, which [`crate::Engine::new`]
/// keeps sorted by (year, nomenclature, hs, exporter, importer), or kept in a
/// [`StoredTables`] store (the embedded snapshot) and read group by group.
#[derive(Debug)]
pub struct TradeIndex {
    storage: Storage,
    /// Sorted by (year, key).
    groups: Vec<Group>,
    lookup: HashMap<(Year, HsKey), usize>,
    years: BTreeSet<Year>,
    flows: usize,
}

#[derive(Debug)]
enum Storage {
    /// In the dataset's trade table (each group a range of its rows).
    Held(Arc<Dataset>),
    /// In a store, read on first use.
    Stored(Arc<dyn StoredTables>),
}

#[derive(Debug)]
struct Group {
    header: TradeGroupHeader,
    /// Rows of the dataset's table ([`Storage::Held`]); empty for a store.
    rows: Range<usize>,
    built: OnceLock<Built>,
}

/// What a group needs beyond its flows, built on first use.
#[derive(Debug)]
struct Built {
    /// The flows read from a store (empty when the dataset holds them).
    flows: Vec<TradeFlow>,
    /// Positions within the group, sorted by importer.
    by_importer: Vec<u32>,
    /// Totals by country, sorted by country.
    totals: Vec<CountryTotal>,
}

/// What a group of flows holds: one (year, nomenclature, code).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct GroupSummary {
    pub year: Year,
    pub key: HsKey,
    pub flows: usize,
    /// Flows with a quantity.
    pub with_quantity: usize,
}

pub(crate) fn full_key(f: &TradeFlow) -> (Year, Nomenclature, HsCode, CountryCode, CountryCode) {
    (f.year, f.nomenclature, f.hs, f.exporter, f.importer)
}

/// Whether the table is sorted as the index needs.
pub(crate) fn is_sorted(flows: &[TradeFlow]) -> bool {
    flows.windows(2).all(|w| full_key(&w[0]) <= full_key(&w[1]))
}

impl TradeIndex {
    /// Group the dataset's trade table, which must be sorted (see [`is_sorted`]): one pass.
    pub(crate) fn held(ds: Arc<Dataset>) -> TradeIndex {
        let flows = &ds.trade.flows;
        debug_assert!(is_sorted(flows));
        let mut groups = Vec::new();
        let mut start = 0;
        for i in 1..=flows.len() {
            let f = &flows[start];
            if i == flows.len() || (flows[i].year, flows[i].key()) != (f.year, f.key()) {
                let with_quantity = flows[start..i]
                    .iter()
                    .filter(|f| f.quantity_t.is_some())
                    .count();
                groups.push(Group {
                    header: TradeGroupHeader {
                        year: f.year,
                        key: f.key(),
                        flows: (i - start) as u32,
                        with_quantity: with_quantity as u32,
                    },
                    rows: start..i,
                    built: OnceLock::new(),
                });
                start = i;
            }
        }
        TradeIndex::from_groups(Storage::Held(ds), groups)
    }

    /// Index a store's groups without reading any flow.
    pub(crate) fn stored(store: Arc<dyn StoredTables>) -> TradeIndex {
        let groups = store
            .trade_headers()
            .iter()
            .map(|&header| Group {
                header,
                rows: 0..0,
                built: OnceLock::new(),
            })
            .collect();
        TradeIndex::from_groups(Storage::Stored(store), groups)
    }

    fn from_groups(storage: Storage, groups: Vec<Group>) -> TradeIndex {
        let lookup = groups
            .iter()
            .enumerate()
            .map(|(i, g)| ((g.header.year, g.header.key), i))
            .collect();
        let years = groups.iter().map(|g| g.header.year).collect();
        let flows = groups.iter().map(|g| g.header.flows as usize).sum();
        TradeIndex {
            storage,
            groups,
            lookup,
            years,
            flows,
        }
    }

    fn built(&self, i: usize) -> &Built {
        self.groups[i].built.get_or_init(|| match &self.storage {
            Storage::Held(ds) => {
                Built::new(Vec::new(), &ds.trade.flows[self.groups[i].rows.clone()])
            }
            Storage::Stored(store) => {
                let flows = store.load_trade(i);
                debug_assert_eq!(flows.len(), self.groups[i].header.flows as usize);
                Built::new_owned(flows)
            }
        })
    }

    /// The flows of group `i`.
    fn group_flows(&self, i: usize) -> &[TradeFlow] {
        match &self.storage {
            Storage::Held(ds) => &ds.trade.flows[self.groups[i].rows.clone()],
            Storage::Stored(_) => &self.built(i).flows,
        }
    }

    fn group(&self, year: Year, key: HsKey) -> Option<usize> {
        self.lookup.get(&(year, key)).copied()
    }

    /// Flows of one (nomenclature, code) in one year, sorted by (exporter, importer).
    pub fn flows(&self, year: Year, key: HsKey) -> &[TradeFlow] {
        self.group(year, key).map_or(&[], |i| self.group_flows(i))
    }

    /// Flows of one (nomenclature, code) in one year shipped by `exporter`.
    pub fn exports_of(&self, year: Year, key: HsKey, exporter: CountryCode) -> &[TradeFlow] {
        let g = self.flows(year, key);
        let lo = g.partition_point(|f| f.exporter < exporter);
        let hi = g.partition_point(|f| f.exporter <= exporter);
        &g[lo..hi]
    }

    /// Flows of one (nomenclature, code) in one year received by `importer`.
    pub fn imports_of(
        &self,
        year: Year,
        key: HsKey,
        importer: CountryCode,
    ) -> impl Iterator<Item = &TradeFlow> + '_ {
        let (flows, perm): (&[TradeFlow], &[u32]) = match self.group(year, key) {
            Some(i) => (self.group_flows(i), &self.built(i).by_importer),
            None => (&[], &[]),
        };
        let lo = perm.partition_point(|&j| flows[j as usize].importer < importer);
        let hi = perm.partition_point(|&j| flows[j as usize].importer <= importer);
        perm[lo..hi].iter().map(move |&j| &flows[j as usize])
    }

    /// A country's world exports and imports of one (nomenclature, code) in one year
    /// (product tonnes, flows with a valid quantity); `None` when it has no such flow.
    pub fn country_total(
        &self,
        year: Year,
        key: HsKey,
        country: CountryCode,
    ) -> Option<&CountryTotal> {
        let v = &self.built(self.group(year, key)?).totals;
        v.binary_search_by(|t| t.country.cmp(&country))
            .ok()
            .map(|i| &v[i])
    }

    /// Whether the table has any flow in `year`.
    pub fn has_year(&self, year: Year) -> bool {
        self.years.contains(&year)
    }

    /// Years with flows, ascending.
    pub fn years(&self) -> impl Iterator<Item = Year> + '_ {
        self.years.iter().copied()
    }

    /// Every (year, nomenclature, code) group with its flow counts, sorted by (key, year).
    /// Reads no flow.
    pub fn groups(&self) -> Vec<GroupSummary> {
        let mut v: Vec<GroupSummary> = self
            .groups
            .iter()
            .map(|g| GroupSummary {
                year: g.header.year,
                key: g.header.key,
                flows: g.header.flows as usize,
                with_quantity: g.header.with_quantity as usize,
            })
            .collect();
        v.sort_by_key(|g| (g.key, g.year));
        v
    }

    /// Every flow, sorted by (year, nomenclature, hs, exporter, importer); reads every
    /// group of a store.
    pub fn all_flows(&self) -> Vec<TradeFlow> {
        (0..self.groups.len())
            .flat_map(|i| self.group_flows(i).iter().copied())
            .collect()
    }

    /// Whether the flows are read from a store rather than held in the dataset.
    pub fn is_stored(&self) -> bool {
        matches!(self.storage, Storage::Stored(_))
    }

    /// Groups whose flows have been read or indexed so far (what a query touched).
    pub fn groups_built(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| g.built.get().is_some())
            .count()
    }

    /// Number of flows indexed.
    pub fn len(&self) -> usize {
        self.flows
    }

    /// Whether the index holds no flows.
    pub fn is_empty(&self) -> bool {
        self.flows == 0
    }
}

impl Built {
    fn new(flows: Vec<TradeFlow>, group: &[TradeFlow]) -> Built {
        // Keys are unique (the position breaks ties): an unstable sort is exact.
        let mut by_importer: Vec<u32> = (0..group.len() as u32).collect();
        by_importer.sort_unstable_by_key(|&j| (group[j as usize].importer, j));
        Built {
            totals: country_totals(group, &by_importer),
            by_importer,
            flows,
        }
    }

    fn new_owned(flows: Vec<TradeFlow>) -> Built {
        let Built {
            by_importer,
            totals,
            ..
        } = Built::new(Vec::new(), &flows);
        Built {
            flows,
            by_importer,
            totals,
        }
    }
}

/// Totals by country over one (year, hs) group, sorted by country: exports summed over
/// each exporter's run of flows, imports over each importer's run of `by_importer`, both
/// in flow order. A country appears when it has a flow with a valid quantity.
fn country_totals(flows: &[TradeFlow], by_importer: &[u32]) -> Vec<CountryTotal> {
    let valid = |f: &TradeFlow| f.quantity_t.filter(|q| q.is_finite() && *q >= 0.0);
    let sums = |items: &mut dyn Iterator<Item = &TradeFlow>,
                side: fn(&TradeFlow) -> CountryCode| {
        let mut v: Vec<(CountryCode, f64)> = Vec::new();
        for f in items {
            let Some(q) = valid(f) else { continue };
            match v.last_mut() {
                Some((c, sum)) if *c == side(f) => *sum += q,
                // From 0.0 as a running sum does (a -0.0 quantity totals 0.0).
                _ => v.push((side(f), 0.0 + q)),
            }
        }
        v
    };
    let exports = sums(&mut flows.iter(), |f| f.exporter);
    let imports = sums(&mut by_importer.iter().map(|&j| &flows[j as usize]), |f| {
        f.importer
    });
    // Merge the two sorted lists.
    let (mut e, mut i) = (
        exports.into_iter().peekable(),
        imports.into_iter().peekable(),
    );
    let mut v = Vec::new();
    loop {
        let next = match (e.peek(), i.peek()) {
            (None, None) => break,
            (Some(&(c, x)), None) => {
                e.next();
                (c, x, 0.0)
            }
            (None, Some(&(c, m))) => {
                i.next();
                (c, 0.0, m)
            }
            (Some(&(ce, x)), Some(&(ci, m))) => match ce.cmp(&ci) {
                std::cmp::Ordering::Less => {
                    e.next();
                    (ce, x, 0.0)
                }
                std::cmp::Ordering::Greater => {
                    i.next();
                    (ci, 0.0, m)
                }
                std::cmp::Ordering::Equal => {
                    e.next();
                    i.next();
                    (ce, x, m)
                }
            },
        };
        v.push(CountryTotal {
            country: next.0,
            exports_t: next.1,
            imports_t: next.2,
        });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(y: u16, e: &str, i: &str, hs: u32) -> TradeFlow {
        flow_in(Nomenclature::Hs1992, y, e, i, hs)
    }

    fn flow_in(n: Nomenclature, y: u16, e: &str, i: &str, hs: u32) -> TradeFlow {
        TradeFlow {
            year: Year::try_from(y).unwrap(),
            exporter: CountryCode::try_from(e).unwrap(),
            importer: CountryCode::try_from(i).unwrap(),
            nomenclature: n,
            hs: HsCode::try_from(hs).unwrap(),
            value_kusd: 1.0,
            quantity_t: Some(2.0),
        }
    }

    #[test]
    fn lookups_by_exporter_and_importer() {
        let mut flows = vec![
            flow(2020, "DEU", "FRA", 100_000),
            flow(2020, "CHN", "FRA", 100_000),
            flow(2020, "CHN", "USA", 100_000),
            flow(2021, "CHN", "FRA", 100_000),
            flow(2020, "CHN", "FRA", 200_000),
            // The same six digits in another nomenclature: another group.
            flow_in(Nomenclature::Hs2017, 2020, "CHN", "FRA", 100_000),
        ];
        flows.sort_by_key(full_key);
        let mut ds = Dataset::default();
        ds.trade.flows = flows;
        let ix = TradeIndex::held(Arc::new(ds));
        let code = HsCode::try_from(100_000).unwrap();
        let (y, hs) = (
            Year::try_from(2020u16).unwrap(),
            HsKey::new(Nomenclature::Hs1992, code),
        );
        let hs17 = HsKey::new(Nomenclature::Hs2017, code);
        let cc = |s| CountryCode::try_from(s).unwrap();
        assert_eq!(ix.flows(y, hs).len(), 3);
        assert_eq!(ix.flows(y, hs17).len(), 1);
        assert_eq!(ix.imports_of(y, hs17, cc("FRA")).count(), 1);
        let groups = ix.groups();
        assert_eq!(groups.len(), 4);
        assert_eq!((groups[3].key, groups[3].flows), (hs17, 1));
        assert_eq!(ix.exports_of(y, hs, cc("CHN")).len(), 2);
        assert_eq!(ix.imports_of(y, hs, cc("FRA")).count(), 2);
        assert_eq!(ix.imports_of(y, hs, cc("AUS")).count(), 0);
        let chn = ix.country_total(y, hs, cc("CHN")).unwrap();
        assert_eq!((chn.exports_t, chn.imports_t), (4.0, 0.0));
        assert!(ix.has_year(Year::try_from(2021u16).unwrap()));
        assert!(!ix.has_year(Year::try_from(2019u16).unwrap()));
    }
}
