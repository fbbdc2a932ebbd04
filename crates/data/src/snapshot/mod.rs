//! The project's compact snapshot, committed as `data/snapshot.postcard.gz` and embedded in
//! the binary so a fresh install works offline. It is sectioned: one section holds
//! everything but the trade flows (postcard), and each (year, nomenclature, HS code) group
//! of flows is a section of its own, so a query inflates only the groups it touches. Each
//! section is deflated and carries a CRC-32; opening the snapshot checks the preamble,
//! the format version and every checksum (about 1 ms), so a flipped or missing byte is an
//! error, never a different number. See [`container`] for the layout.
//!
//! The file name keeps its `.gz` ending from the whole-file gzip format it replaced; the
//! sections are raw deflate streams.

mod container;
mod governance;
mod store;
mod trade_groups;

use crate::error::{ImportError, Result};
use container::{corrupt, inflate, Container, Section, Writer};
use derisk_model::{Dataset, LazyVec, MineralId, Observation, TradeFlow, TradeGroupHeader};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
pub use store::SnapshotStore;

/// Bumped whenever the model's serialised shape or the container changes.
pub const FORMAT_VERSION: u32 = 11;
/// Path of the committed snapshot, relative to the repository root.
pub const PATH: &str = "data/snapshot.postcard.gz";

static EMBEDDED: &[u8] = include_bytes!("../../../../data/snapshot.postcard.gz");

/// An identifier of the embedded snapshot: its format version and an FNV-1a digest of its
/// bytes, e.g. `11-3f2a…`. Saved runs carry it so a result can be tied to its data.
pub fn embedded_id() -> String {
    id_of(EMBEDDED)
}

/// The identifier of a snapshot's bytes (see [`embedded_id`]).
pub fn id_of(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{FORMAT_VERSION}-{h:016x}")
}

/// What the header lists: the dataset without its large tables and flows (the core), the
/// large tables one section each, and each trade group.
#[derive(Serialize, Deserialize)]
struct Header {
    core: Section,
    /// Each mineral's observations, in the dataset's order (one run per mineral).
    observations: Vec<(MineralId, Section)>,
    /// The latest year of any production figure.
    latest_production_year: Option<derisk_model::Year>,
    governance: Section,
    demand: Section,
    trade: Vec<(TradeGroupHeader, Section)>,
}

impl Header {
    /// Every section in the order they are stored.
    fn sections(&self) -> impl Iterator<Item = &Section> {
        std::iter::once(&self.core)
            .chain(self.observations.iter().map(|(_, s)| s))
            .chain([&self.governance, &self.demand])
            .chain(self.trade.iter().map(|(_, s)| s))
    }
}

fn group_key(f: &TradeFlow) -> (derisk_model::Year, derisk_model::HsKey) {
    (f.year, f.key())
}

/// Serialise and compress. Deterministic: the same dataset gives the same bytes. The
/// trade flows are stored sorted by (year, nomenclature, hs, exporter, importer).
pub fn encode(ds: &Dataset) -> Result<Vec<u8>> {
    let mut flows = ds.trade.flows.clone();
    flows.sort_by_key(|f| (f.year, f.nomenclature, f.hs, f.exporter, f.importer));
    let mut core = ds.clone();
    core.trade.flows = Vec::new();
    core.observations = Default::default();
    core.governance = Default::default();
    core.demand = Default::default();
    let mut w = Writer::default();
    let core = w.push(&to_bytes(&core)?)?;
    let mut observations: Vec<(MineralId, Section)> = Vec::new();
    for run in ds.observations.chunk_by(|a, b| a.mineral == b.mineral) {
        let id = &run[0].mineral;
        if observations.iter().any(|(m, _)| m == id) {
            return Err(corrupt(&format!(
                "the observations of {id} are not in one run"
            )));
        }
        observations.push((id.clone(), w.push(&to_bytes(run)?)?));
    }
    let governance = w.push_plain(&governance::encode(&ds.governance)?)?;
    let demand = w.push(&to_bytes(&ds.demand)?)?;
    let mut trade = Vec::new();
    for group in flows.chunk_by(|a, b| group_key(a) == group_key(b)) {
        let (year, key) = group_key(&group[0]);
        let header = TradeGroupHeader {
            year,
            key,
            flows: u32::try_from(group.len()).map_err(|_| corrupt("trade group too large"))?,
            with_quantity: group.iter().filter(|f| f.quantity_t.is_some()).count() as u32,
        };
        trade.push((header, w.push(&trade_groups::encode_group(group)?)?));
    }
    let latest_production_year = ds
        .observations
        .iter()
        .filter(|o| o.measure == derisk_model::Measure::Production)
        .map(|o| o.year)
        .max();
    let header = to_bytes(&Header {
        core,
        observations,
        latest_production_year,
        governance,
        demand,
        trade,
    })?;
    w.finish(FORMAT_VERSION, &header)
}

fn to_bytes<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    postcard::to_allocvec(v).map_err(|e| corrupt(&e.to_string()))
}

/// Inflate and deserialise one section, its checksum verified.
pub(crate) fn section_in<T: serde::de::DeserializeOwned>(
    c: &Container,
    s: &Section,
    what: &str,
) -> Result<T> {
    let raw = inflate(c.stored(s, &what)?, s)?;
    postcard::from_bytes(&raw).map_err(|e| corrupt(&format!("{what}: {e}")))
}

fn governance_in(c: &Container, s: &Section) -> Result<Vec<derisk_model::GovernanceRecord>> {
    governance::decode(&inflate(c.stored(s, &"governance")?, s)?)
}

/// A list read from a section of a snapshot living as long as the program, on first use,
/// by `read`. The section's checksum was verified on opening, so a failure is a defect of
/// the build that wrote it.
fn deferred<T: Send + Sync + 'static>(
    bytes: &'static [u8],
    s: Section,
    what: &'static str,
    read: fn(&Container, &Section) -> Result<Vec<T>>,
) -> LazyVec<T> {
    LazyVec::deferred(Arc::new(move || {
        Container::parse(bytes, FORMAT_VERSION)
            .and_then(|c| read(&c, &s))
            .unwrap_or_else(|e| panic!("embedded snapshot, {what}: {e}"))
    }))
}

/// A snapshot opened: its core decoded, every checksum verified.
struct Opened<'a> {
    core: Dataset,
    container: Container<'a>,
    header: Header,
}

fn open(bytes: &[u8]) -> Result<Opened<'_>> {
    let container = Container::parse(bytes, FORMAT_VERSION)?;
    let header: Header =
        postcard::from_bytes(container.header).map_err(|e| corrupt(&format!("header: {e}")))?;
    container.check_tiling(header.sections())?;
    for (i, s) in header.sections().enumerate() {
        container.stored(s, &format_args!("{i}"))?;
    }
    let sorted = header
        .trade
        .windows(2)
        .all(|w| (w[0].0.year, w[0].0.key) < (w[1].0.year, w[1].0.key));
    let minerals_once = header
        .observations
        .iter()
        .enumerate()
        .all(|(i, (m, _))| header.observations[..i].iter().all(|(n, _)| n != m));
    if !minerals_once {
        return Err(corrupt("a mineral's observations are listed twice"));
    }
    if !sorted || header.trade.iter().any(|(h, _)| h.with_quantity > h.flows) {
        return Err(corrupt(
            "the trade groups' list is out of order or inconsistent",
        ));
    }
    let core: Dataset = section_in(&container, &header.core, "core")?;
    if !core.trade.flows.is_empty()
        || !core.observations.is_empty()
        || !core.governance.is_empty()
        || !core.demand.is_empty()
    {
        return Err(corrupt("the core section holds a table stored apart"));
    }
    Ok(Opened {
        core,
        container,
        header,
    })
}

/// Check a snapshot without decoding its tables: the preamble, the format version, the
/// header and every section's checksum, and decode the core.
pub fn verify(bytes: &[u8]) -> Result<()> {
    open(bytes).map(|_| ())
}

/// Decompress and deserialise a whole snapshot (every trade group read and checked).
pub fn decode(bytes: &[u8]) -> Result<Dataset> {
    let Opened {
        mut core,
        container,
        header,
    } = open(bytes)?;
    let mut observations = Vec::new();
    for (_, s) in &header.observations {
        observations.extend(section_in::<Vec<Observation>>(
            &container,
            s,
            "observations",
        )?);
    }
    core.observations = observations.into();
    core.governance = governance_in(&container, &header.governance)?.into();
    core.demand = section_in::<Vec<_>>(&container, &header.demand, "demand")?.into();
    let trade = header.trade;
    let mut flows = Vec::with_capacity(trade.iter().map(|(h, _)| h.flows as usize).sum());
    for (h, s) in &trade {
        let stored = container.stored(s, &format_args!("{} {:?}", h.year, h.key))?;
        flows.extend(trade_groups::decode_group(&inflate(stored, s)?, h)?);
    }
    core.trade.flows = flows;
    Ok(core)
}

/// Open a snapshot that lives as long as the program (the embedded one): the dataset
/// with its observations, governance and demand read on first use, and a store of the
/// trade groups and each mineral's observations, also read on first use. Every checksum is verified here;
/// the sections' contents are decoded when a request first reads them.
pub fn open_static(bytes: &'static [u8]) -> Result<(Dataset, SnapshotStore)> {
    let Opened {
        mut core, header, ..
    } = open(bytes)?;
    let sections: Vec<Section> = header.observations.iter().map(|(_, s)| *s).collect();
    core.observations = LazyVec::deferred(Arc::new(move || {
        let read = || -> Result<Vec<Observation>> {
            let c = Container::parse(bytes, FORMAT_VERSION)?;
            let mut all = Vec::new();
            for s in &sections {
                all.extend(section_in::<Vec<Observation>>(&c, s, "observations")?);
            }
            Ok(all)
        };
        read().unwrap_or_else(|e| panic!("embedded snapshot, observations: {e}"))
    }));
    core.governance = deferred(bytes, header.governance, "governance", governance_in);
    core.demand = deferred(bytes, header.demand, "demand", |c, s| {
        section_in(c, s, "demand")
    });
    let store = SnapshotStore::new(
        bytes,
        header.trade,
        header.observations,
        header.latest_production_year,
        header.governance,
    );
    Ok((core, store))
}

fn embedded_bytes() -> Result<&'static [u8]> {
    if EMBEDDED.is_empty() {
        return Err(ImportError::Snapshot(format!(
            "no embedded snapshot: run `derisk data build --from <raw dir>` to write {PATH}, then rebuild"
        )));
    }
    Ok(EMBEDDED)
}

/// The snapshot embedded in this binary, every trade flow read.
pub fn embedded() -> Result<Dataset> {
    decode(embedded_bytes()?)
}

/// The snapshot embedded in this binary, its trade flows left in their sections until a
/// query reads them (see [`open_static`]).
pub fn embedded_lazy() -> Result<(Dataset, SnapshotStore)> {
    open_static(embedded_bytes()?)
}
