//! Bilateral trade indexed by (year, nomenclature, HS code), then by exporter and by
//! importer, built once and reused by every query.

use derisk_model::{CountryCode, Dataset, HsCode, HsKey, Nomenclature, TradeFlow, Year};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

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
/// country's world totals per group are precomputed. The index holds row numbers into the
/// dataset's trade table, which [`crate::Engine::new`] keeps sorted by
/// (year, nomenclature, hs, exporter, importer).
#[derive(Debug)]
pub struct TradeIndex {
    ds: Arc<Dataset>,
    /// Within each group's range, row numbers sorted by importer.
    by_importer: Vec<u32>,
    ranges: HashMap<(Year, HsKey), Range<usize>>,
    /// Per (year, key): totals by country, sorted by country.
    totals: HashMap<(Year, HsKey), Vec<CountryTotal>>,
    years: BTreeSet<Year>,
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
    /// Index the dataset's trade table, which must be sorted (see [`is_sorted`]): one pass
    /// and a sort by importer within each (year, nomenclature, hs) group.
    pub(crate) fn new(ds: Arc<Dataset>) -> TradeIndex {
        let flows = &ds.trade.flows;
        debug_assert!(is_sorted(flows));
        let group = |f: &TradeFlow| (f.year, f.key());
        let mut ranges = HashMap::new();
        let mut totals = HashMap::new();
        let mut years = BTreeSet::new();
        let mut by_importer: Vec<u32> = (0..flows.len() as u32).collect();
        let mut start = 0;
        for i in 1..=flows.len() {
            if i == flows.len() || group(&flows[i]) != group(&flows[start]) {
                let k = group(&flows[start]);
                years.insert(k.0);
                totals.insert(k, country_totals(&flows[start..i]));
                // Keys are unique (the row number breaks ties): an unstable sort is exact.
                by_importer[start..i].sort_unstable_by_key(|&j| (flows[j as usize].importer, j));
                ranges.insert(k, start..i);
                start = i;
            }
        }
        TradeIndex {
            ds,
            by_importer,
            ranges,
            totals,
            years,
        }
    }

    fn all(&self) -> &[TradeFlow] {
        &self.ds.trade.flows
    }

    fn range(&self, year: Year, key: HsKey) -> Range<usize> {
        self.ranges.get(&(year, key)).cloned().unwrap_or(0..0)
    }

    /// Flows of one (nomenclature, code) in one year, sorted by (exporter, importer).
    pub fn flows(&self, year: Year, key: HsKey) -> &[TradeFlow] {
        &self.all()[self.range(year, key)]
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
        let flows = self.all();
        let perm = &self.by_importer[self.range(year, key)];
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
        let v = self.totals.get(&(year, key))?;
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
    pub fn groups(&self) -> Vec<GroupSummary> {
        let flows = self.all();
        let mut v: Vec<GroupSummary> = self
            .ranges
            .iter()
            .map(|(&(year, key), r)| GroupSummary {
                year,
                key,
                flows: r.len(),
                with_quantity: flows[r.clone()]
                    .iter()
                    .filter(|f| f.quantity_t.is_some())
                    .count(),
            })
            .collect();
        v.sort_by_key(|g| (g.key, g.year));
        v
    }

    /// Number of flows indexed.
    pub fn len(&self) -> usize {
        self.all().len()
    }

    /// Whether the index holds no flows.
    pub fn is_empty(&self) -> bool {
        self.all().is_empty()
    }
}

/// Totals by country over one (year, hs) group, sorted by country.
fn country_totals(flows: &[TradeFlow]) -> Vec<CountryTotal> {
    let mut by: HashMap<CountryCode, (f64, f64)> = HashMap::new();
    for f in flows {
        let Some(q) = f.quantity_t.filter(|q| q.is_finite() && *q >= 0.0) else {
            continue;
        };
        by.entry(f.exporter).or_default().0 += q;
        by.entry(f.importer).or_default().1 += q;
    }
    let mut v: Vec<CountryTotal> = by
        .into_iter()
        .map(|(country, (exports_t, imports_t))| CountryTotal {
            country,
            exports_t,
            imports_t,
        })
        .collect();
    v.sort_by_key(|a| a.country);
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
        let ix = TradeIndex::new(Arc::new(ds));
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
