//! The real-data workload shared by the `metrics` bench and the one-shot examples
//! (`metrics_once`, `dump_production`): the embedded snapshot with its trade table replaced
//! by the full BACI 1995–2024 history, every importer, and two workloads: every metric
//! ([`all_metrics`]) and the subset a pandas peer reproduces ([`peer_scope`]).
//!
//! Everything here is deterministic: inputs are read in file order, importers and minerals
//! are iterated in sorted order, and results come out sorted.
#![allow(dead_code)]

use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::{map_queries, Engine, GovernanceGap, Importer, Query, Thresholds};
use derisk_data::{baci, CountryResolver, ImportContext, ImportOptions};
use derisk_model::{CountryCode, Dataset, ImportReport, Stage, TradeTable, Year};
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File name of the full history inside the raw data folder.
pub const FULL_HISTORY: &str = "baci/hs92_raw_materials_1995_2024.csv.gz";

/// The full BACI file: `DERISK_BACI_FULL`, else `$DERISK_RAW_DATA/baci/…1995_2024.csv.gz`.
pub fn baci_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DERISK_BACI_FULL") {
        return Some(p.into());
    }
    std::env::var_os("DERISK_RAW_DATA").map(|d| Path::new(&d).join(FULL_HISTORY))
}

/// Read the full BACI file strictly (unknown countries are an error: former territories
/// and BACI's own codes resolve through the dataset's country table and the embedded
/// aliases), keeping the HS codes that carry the dataset's minerals; as the engine reads a
/// path (`read_baci_path`: one decoding thread, one parsing thread per core).
pub fn full_baci(ds: &Dataset, path: &Path) -> Result<(TradeTable, ImportReport), String> {
    full_baci_threads(ds, path, baci::default_threads())
}

/// [`full_baci`] with `threads` parsing threads (1: the one-thread reader).
pub fn full_baci_threads(
    ds: &Dataset,
    path: &Path,
    threads: usize,
) -> Result<(TradeTable, ImportReport), String> {
    let resolver = CountryResolver::from_countries(&ds.countries).map_err(|e| e.to_string())?;
    let options = ImportOptions {
        skip_unknown_countries: false,
    };
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &ds.minerals,
        options: &options,
    };
    let filter = baci::BaciFilter {
        hs: Some(
            ds.minerals
                .iter()
                .flat_map(|m| &m.hs)
                .filter(|c| c.nomenclature == derisk_model::Nomenclature::Hs1992)
                .map(|c| c.hs)
                .collect(),
        ),
        years: None,
    };
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| format!("{label}: {e}"))?;
    baci::read_baci_parallel(&label, f, &ctx, &filter, &mut |_| {}, threads)
        .map_err(|e| e.to_string())
}

/// Every importing country of the trade table (sorted), then every group with members.
pub fn importers(ds: &Dataset) -> Vec<Importer> {
    // One flag per three-letter code, in code order: a set of 691,743 insertions is a
    // tenth of this pass's index time.
    let position = |c: CountryCode| {
        c.bytes()
            .iter()
            .fold(0, |i, &b| i * 26 + usize::from(b.wrapping_sub(b'A') % 26))
    };
    let mut seen = vec![None; 26 * 26 * 26];
    for f in &ds.trade.flows {
        seen[position(f.importer)] = Some(f.importer);
    }
    let mut v: Vec<Importer> = seen.into_iter().flatten().map(Importer::country).collect();
    v.extend(
        ds.groups
            .iter()
            .map(Importer::group)
            .filter(|g| !g.members.is_empty()),
    );
    v
}

/// Concentration and disruption potential for every mineral × stage × year with
/// production; dependence, EU supply risk and GeoPolRisk (mining) for every mineral with HS
/// carriers × trade year × importer. Returns the number of answers (errors are answers
/// too: "no figures" is a valid outcome), so the work cannot be optimised away.
///
/// One query per mineral for the production metrics and one per mineral × trade year for
/// the importers' metrics, as a request would: each building block (a stage's shares, an
/// importer's flows) is computed once within it and reused by the metrics that need it.
pub fn all_metrics(engine: &Engine, importers: &[Importer], params: &EuSrParams) -> usize {
    let mut n = 0;
    for m in engine.minerals() {
        let id = m.id.as_str();
        let q = engine.query();
        for stage in engine.production().stages(id) {
            for year in engine.production().years(id, &stage) {
                n += q
                    .stage_concentration(id, &stage, year, None, Thresholds::Doj2023)
                    .is_ok() as usize;
                n += q
                    .disruption_potential(id, &stage, year, None, GovernanceGap::Midpoint)
                    .is_ok() as usize;
            }
        }
        if m.hs.is_empty() {
            continue;
        }
        for year in engine.trade().years() {
            let q = engine.query();
            for imp in importers {
                n += black_box(q.dependence(imp, id, year, None, None)).is_ok() as usize;
                n += black_box(q.eu_supply_risk(imp, id, year, params)).is_ok() as usize;
                n += black_box(q.geopolrisk(imp, id, &Stage::Mining, year, GovernanceGap::Midpoint))
                    .is_ok() as usize;
            }
        }
    }
    n
}

/// One production concentration (mineral × stage × year, default source).
#[derive(Clone, Debug, PartialEq)]
pub struct ConcRow {
    pub mineral: String,
    pub stage: String,
    pub year: u16,
    pub source: String,
    pub supply: f64,
    pub hhi: f64,
    pub top1: f64,
    pub top3: f64,
    pub largest: String,
}

/// One import dependence (mineral × year × importer) with imports or intra-group trade.
#[derive(Clone, Debug, PartialEq)]
pub struct DepRow {
    pub mineral: String,
    pub year: u16,
    pub importer: String,
    pub flows: usize,
    pub flows_without_quantity: usize,
    pub value_kusd: f64,
    pub contained_t: f64,
    pub hhi_value: Option<f64>,
    pub hhi_quantity: Option<f64>,
    pub largest_value: Option<CountryCode>,
    pub largest_quantity: Option<CountryCode>,
    /// Value share of the largest supplier by value.
    pub top_value_share: Option<f64>,
    pub intra_flows: usize,
    pub intra_value_kusd: f64,
}

/// The computation the pandas peer reproduces: concentration (HHI, top-1, top-3) of
/// production for every mineral × stage × year, and import dependence (supplier shares by
/// value and contained quantity, import HHI on both, largest supplier, intra-group trade
/// excluded) for every mineral × trade year × importer. Uses the public API, so derisk
/// also computes what the peer does not (exports, net import reliance, transit hubs).
/// Rows: concentrations that succeed; dependences with any import or intra-group flow.
/// On one thread; [`peer_scope_threads`] gives the same rows on several.
pub fn peer_scope(engine: &Engine, importers: &[Importer]) -> (Vec<ConcRow>, Vec<DepRow>) {
    peer_scope_threads(engine, importers, 1)
}

/// One unit of [`peer_scope`]'s work, in the order the rows come out.
enum Task<'a> {
    /// Every stage and year of a mineral's production.
    Concentrations(&'a str),
    /// Every importer of a mineral in a year.
    Dependences(&'a str, Year),
}

/// [`peer_scope`] on `threads` threads (`derisk_analysis::map_queries`): the tasks are
/// answered in any order and their rows put back in task order, so the rows are the
/// same, bit for bit, for every thread count.
pub fn peer_scope_threads(
    engine: &Engine,
    importers: &[Importer],
    threads: usize,
) -> (Vec<ConcRow>, Vec<DepRow>) {
    // Countries come out of the one-pass profiles; groups are passed explicitly.
    let groups: Vec<Importer> = importers
        .iter()
        .filter(|i| CountryCode::try_from(i.label.as_str()).is_err())
        .cloned()
        .collect();
    let mut tasks = Vec::new();
    for m in engine.minerals() {
        let id = m.id.as_str();
        tasks.push(Task::Concentrations(id));
        if !m.hs.is_empty() {
            tasks.extend(engine.trade().years().map(|y| Task::Dependences(id, y)));
        }
    }
    let answers = map_queries(engine, &tasks, threads, |q, task| match *task {
        Task::Concentrations(id) => (concentrations(q, id), Vec::new()),
        Task::Dependences(id, year) => (Vec::new(), dependences(q, id, year, &groups)),
    });
    let mut conc = Vec::new();
    let mut dep = Vec::new();
    for (c, d) in answers {
        conc.extend(c);
        dep.extend(d);
    }
    (conc, dep)
}

fn concentrations(q: &Query, id: &str) -> Vec<ConcRow> {
    let engine = q.engine();
    let mut conc = Vec::new();
    for stage in engine.production().stages(id) {
        for year in engine.production().years(id, &stage) {
            let Ok(sc) = q.stage_concentration(id, &stage, year, None, Thresholds::Doj2023) else {
                continue;
            };
            let c = &sc.concentration;
            conc.push(ConcRow {
                mineral: id.to_string(),
                stage: stage.slug().to_string(),
                year: year.get(),
                source: sc.source.to_string(),
                supply: c.supply,
                hhi: c.hhi,
                top1: c.top1_share,
                top3: c.top3_share,
                largest: c.largest.to_string(),
            });
        }
    }
    conc
}

/// All importers of the mineral in one pass over the year's flows
/// (`Query::import_profiles`, bit-identical to one `dependence` query each).
fn dependences(q: &Query, id: &str, year: Year, groups: &[Importer]) -> Vec<DepRow> {
    let Ok(profiles) = q.import_profiles(id, year, None, groups) else {
        return Vec::new();
    };
    let mut dep = Vec::new();
    for p in profiles {
        let i = &p.imports;
        if i.flows == 0 && p.intra_group.flows == 0 {
            continue;
        }
        let top = i.largest_by_value.and_then(|c| {
            i.partners
                .iter()
                .find(|q| q.country == c)
                .and_then(|q| q.value_share)
        });
        dep.push(DepRow {
            mineral: id.to_string(),
            year: year.get(),
            importer: p.importer,
            flows: i.flows,
            flows_without_quantity: i.flows_without_quantity,
            // The peers sum the recorded flows; derisk leaves the totals unknown
            // when a carrier has no rows in the year, so compare recorded sums.
            value_kusd: i
                .value_kusd
                .unwrap_or_else(|| i.partners.iter().map(|p| p.value_kusd).sum()),
            contained_t: i
                .contained_t
                .unwrap_or_else(|| i.partners.iter().map(|p| p.contained_t).sum()),
            hhi_value: i.hhi_value,
            hhi_quantity: i.hhi_quantity,
            largest_value: i.largest_by_value,
            largest_quantity: i.largest_by_quantity,
            top_value_share: top,
            intra_flows: p.intra_group.flows,
            intra_value_kusd: p.intra_group.value_kusd,
        });
    }
    dep
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

/// Write `concentration.csv` and `dependence.csv` into `dir` (created if missing). Floats
/// are written in Rust's shortest round-trip form, so nothing is lost to formatting.
pub fn write_results(dir: &Path, conc: &[ConcRow], dep: &[DepRow]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("concentration.csv"))?);
    writeln!(w, "mineral,stage,year,source,supply,hhi,top1,top3,largest")?;
    for r in conc {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{}",
            r.mineral, r.stage, r.year, r.source, r.supply, r.hhi, r.top1, r.top3, r.largest
        )?;
    }
    w.flush()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("dependence.csv"))?);
    writeln!(
        w,
        "mineral,year,importer,flows,flows_without_quantity,value_kusd,contained_t,hhi_value,\
         hhi_quantity,largest_value,largest_quantity,top_value_share,intra_flows,intra_value_kusd"
    )?;
    for r in dep {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.mineral,
            r.year,
            r.importer,
            r.flows,
            r.flows_without_quantity,
            r.value_kusd,
            r.contained_t,
            opt(&r.hhi_value),
            opt(&r.hhi_quantity),
            opt(&r.largest_value),
            opt(&r.largest_quantity),
            opt(&r.top_value_share),
            r.intra_flows,
            r.intra_value_kusd
        )?;
    }
    w.flush()
}
