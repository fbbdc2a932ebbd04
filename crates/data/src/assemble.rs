//! Builds the whole [`Dataset`] from a raw data directory laid out like `../shared/data`:
//! runs every importer, adds the project's hand-encoded tables, and checks the result as a
//! whole (unique keys, known minerals, sorted order). `derisk data build` calls this and
//! writes the snapshot; a test proves it reproduces the committed snapshot.

use crate::commodities::CommodityMap;
use crate::error::{ImportError, RawDirProblem, Result};
use crate::{
    baci, baci_selected, countries, iea, processing, reference, trade_inference, usgs, usgs_nir,
    wgi, wmd,
};
use crate::{CountryResolver, ImportContext, ImportOptions, Imported};
use derisk_model::{
    Dataset, Evidence, HsKey, Measure, Mineral, Nomenclature, Observation, Provenance,
    QuantityCoverage, SourceId, Stage, TradeTable, Year,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Files read from the raw directory, relative to it.
pub mod layout {
    pub const ISO: &str = "countries/iso3166_countries.csv";
    pub const WORLD_COUNTRIES: &str = "countries/world_countries_subset.csv";
    pub const COMMODITY_MAP: &str = "wmd/commodity_hs_map.csv";
    pub const IEA_WORKBOOK: &str = "iea/CM_Data_Explorer_May2024.xlsx";
    pub const IEA_EXTRACT: &str = "iea/cm_dataset_may2025_extract.json";
    pub const BLEECAM_REE: &str = "processing/bleecam_rare_earth_capacity_by_stage_country.csv";
    pub const BLEECAM_GA: &str = "processing/bleecam_gallium_capacity_by_stage_country.csv";
    pub const EU_SHARES: &str = "processing/eu_crm2020_top10_producer_shares.csv";
    pub const BACI_RAW_MATERIALS: &str = "baci/hs92_raw_materials_1995_2024.csv.gz";
    pub const BACI_HS17_2024: &str = "baci_hs17/baci_v202601_hs17_selected_2024.csv.gz";
    pub const BACI_HS17_VALUE_ONLY: &str =
        "baci_hs17/baci_v202601_selected_value_only_2002_2023.csv.gz";
    pub const WGI_WIDE: &str = "wgi/WGIData_1996_2022.csv";
    pub const WGI_PV: &str = "wgi/political_stability_pv_1996_2024.csv";

    /// Every file [`build_from_dir`](super::build_from_dir) reads, in the order it reads them.
    pub const ALL: [&str; 17] = [
        ISO,
        WORLD_COUNTRIES,
        COMMODITY_MAP,
        crate::usgs::RAW_PATH,
        crate::usgs_nir::RAW_PATH,
        crate::wmd::RAW_PATH,
        IEA_WORKBOOK,
        IEA_EXTRACT,
        BLEECAM_REE,
        BLEECAM_GA,
        EU_SHARES,
        BACI_RAW_MATERIALS,
        BACI_HS17_2024,
        BACI_HS17_VALUE_ONLY,
        WGI_WIDE,
        WGI_PV,
        crate::eu_crm::RAW_PATH,
    ];
}

/// Check that `dir` is a directory holding every file in [`layout::ALL`]; if not, the
/// error says what is wrong and lists what a raw data directory must contain.
pub fn check_dir(dir: &Path) -> Result<()> {
    let label = dir.display().to_string();
    let problem = match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => RawDirProblem::NotFound,
        Err(e) => return Err(ImportError::io(&label, e)),
        Ok(m) if !m.is_dir() => RawDirProblem::NotADirectory,
        Ok(_) => {
            let missing: Vec<String> = layout::ALL
                .iter()
                .filter(|rel| !dir.join(rel).is_file())
                .map(|rel| rel.to_string())
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            RawDirProblem::Missing(missing)
        }
    };
    Err(ImportError::RawDataDir {
        dir: label,
        problem,
        expected: layout::ALL.iter().map(|p| p.to_string()).collect(),
    })
}

fn open(dir: &Path, rel: &str) -> Result<(String, BufReader<File>)> {
    let path = dir.join(rel);
    let label = path.display().to_string();
    let f = File::open(&path).map_err(|e| ImportError::io(&label, e))?;
    Ok((label, BufReader::new(f)))
}

/// Build the dataset from `dir`. `step` is called with a short description before each
/// import, for progress display. A missing directory, or one without every file of
/// [`layout::ALL`], is an [`ImportError::RawDataDir`] before anything is read.
pub fn build_from_dir(
    dir: &Path,
    options: &ImportOptions,
    step: &mut dyn FnMut(&str),
) -> Result<Dataset> {
    check_dir(dir)?;
    step("countries");
    let (label, iso) = open(dir, layout::ISO)?;
    let (resolver, mut country_list) = CountryResolver::from_iso_list(&label, iso)?;
    let (label, wc) = open(dir, layout::WORLD_COUNTRIES)?;
    countries::add_regions(&label, wc, &mut country_list)?;

    step("reference tables");
    let mut minerals = reference::minerals()?;
    let (label, cm) = open(dir, layout::COMMODITY_MAP)?;
    let eol = reference::eol_rir_from_commodity_map(&label, cm)?;
    for m in &mut minerals {
        m.eol_rir = eol.get(m.id.as_str()).copied();
    }
    let map = CommodityMap::embedded()?;
    for id in map.minerals() {
        if !minerals.iter().any(|m| &m.id == id) {
            return Err(ImportError::Format {
                file: crate::commodities::FILE.into(),
                message: format!("mineral {id:?} is not in data/reference/minerals.csv"),
            });
        }
    }
    let content_factors = map.content_factors();
    // A factor converts another basis into the mineral's contained basis; on the contained
    // basis itself it would be a second, silent conversion.
    for f in &content_factors {
        if minerals
            .iter()
            .any(|m| m.id == f.mineral && m.contained_basis == f.from)
        {
            return Err(ImportError::Format {
                file: crate::commodities::FILE.into(),
                message: format!(
                    "{} {} has a content factor on {:?}, which is already the mineral's \
                     contained basis in data/reference/minerals.csv",
                    f.source, f.mineral, f.from
                ),
            });
        }
    }
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &minerals,
        options,
    };

    let mut imports: Vec<Imported> = Vec::new();
    step("USGS MCS 2026");
    imports.push(usgs::import_path(&dir.join(usgs::RAW_PATH), &ctx, &map)?);
    step("USGS MCS 2026 US net import reliance");
    let nir_map = usgs_nir::commodities(&ctx)?;
    let (published_nir, nir_report) =
        usgs_nir::import_path(&dir.join(usgs_nir::RAW_PATH), &ctx, &nir_map)?;
    step("World Mining Data 2025");
    imports.push(wmd::import_path(&dir.join(wmd::RAW_PATH), &ctx, &map)?);
    step("IEA Critical Minerals Dataset 2024");
    imports.push(iea::import_iea_workbook(
        &dir.join(layout::IEA_WORKBOOK),
        &ctx,
    )?);
    step("IEA Critical Minerals Dataset 2025");
    imports.push(iea::import_iea_extract_path(
        &dir.join(layout::IEA_EXTRACT),
        &ctx,
    )?);
    step("processing-stage capacity and EU factsheet shares");
    let (label, iso) = open(dir, layout::ISO)?;
    let alpha2 = processing::Alpha2Map::from_iso_list(&label, iso)?;
    imports.push(processing::import_bleecam_capacity_path(
        &dir.join(layout::BLEECAM_REE),
        "rare-earths",
        &alpha2,
        &ctx,
    )?);
    imports.push(processing::import_bleecam_capacity_path(
        &dir.join(layout::BLEECAM_GA),
        "gallium",
        &alpha2,
        &ctx,
    )?);
    imports.push(processing::import_eu_factsheet_shares_path(
        &dir.join(layout::EU_SHARES),
        &ctx,
    )?);

    step("CEPII BACI trade 2017–2024");
    let (trade, trade_reports) = read_trade(dir, &ctx, &minerals)?;

    step("refining proxy from net exports of refined products where no statistics exist");
    let have_refining: BTreeSet<String> = imports
        .iter()
        .flat_map(|i| &i.observations)
        .filter(|o| o.stage == Stage::Refining && o.measure == Measure::Production)
        .map(|o| o.mineral.as_str().to_string())
        .collect();
    let lacking: Vec<_> = minerals
        .iter()
        .filter(|m| !have_refining.contains(m.id.as_str()))
        .cloned()
        .collect();
    if let Some((first, last)) = trade.years() {
        for y in first.get()..=last.get() {
            let year = Year::try_from(y).map_err(|e| ImportError::Snapshot(e.to_string()))?;
            imports.push(trade_inference::infer_refining_shares(
                &trade, &lacking, year,
            ));
        }
    }

    step("World Bank WGI");
    let (label, wide) = open(dir, layout::WGI_WIDE)?;
    let (mut governance, wgi_report) = wgi::read_wgi_wide(&label, wide, &ctx)?;
    let (label, pv) = open(dir, layout::WGI_PV)?;
    let (pv_records, mut pv_report) = wgi::read_political_stability(&label, pv, &ctx)?;
    // The bulk file ends in 2022; later political-stability estimates extend PV only.
    let last_wide = governance.iter().map(|g| g.year).max();
    let later: Vec<_> = pv_records
        .into_iter()
        .filter(|g| Some(g.year) > last_wide)
        .collect();
    pv_report.notes.push(format!(
        "{} estimates for years after the bulk file kept; earlier years come from the bulk file",
        later.len()
    ));
    governance.extend(later);
    governance.sort_by_key(|g| (g.country, g.year, g.dimension));

    step("export restrictions, groups, sources");
    let groups = reference::groups(&resolver)?;
    let restrictions = reference::restrictions(&resolver, &minerals, &groups)?;
    let trade_agreements = reference::trade_agreements(&resolver, &groups)?;
    let sources = reference::sources()?;

    step("EU 2023 criticality-assessment parameters");
    let eu_materials = crate::eu_crm::materials(&ctx)?;
    let eu_crm_params =
        crate::eu_crm::import_path(&dir.join(crate::eu_crm::RAW_PATH), &eu_materials)?;

    let mut ds = Dataset {
        sources,
        countries: country_list,
        minerals,
        trade,
        governance: governance.into(),
        restrictions,
        groups,
        published_nir,
        eu_crm_params,
        trade_agreements,
        content_factors,
        ..Dataset::default()
    };
    for i in imports {
        ds.observations.extend(i.observations);
        ds.demand.extend(i.demand);
        ds.trade_proxies.extend(i.trade_proxies);
        ds.reports.push(i.report);
    }
    ds.reports.push(nir_report);
    ds.reports.extend(trade_reports);
    ds.reports.push(wgi_report);
    ds.reports.push(pv_report);
    // Reports name files relative to the raw directory, so the snapshot does not depend
    // on where that directory sits.
    let prefix = format!("{}/", dir.display());
    for r in &mut ds.reports {
        if let Some(rel) = r.file.strip_prefix(&prefix) {
            r.file = rel.to_string();
        }
    }
    if let Some(p) = ds.trade.provenance.as_mut() {
        p.note = p.note.as_ref().map(|n| n.replace(&prefix, ""));
    }
    for part in &mut ds.trade.parts {
        if let Some(rel) = part.file.strip_prefix(&prefix) {
            part.file = rel.to_string();
        }
    }
    finish(&mut ds)?;
    Ok(ds)
}

/// First and last year of trade the snapshot embeds.
pub const TRADE_YEARS: (u16, u16) = (2017, 2024);

/// The trade table: the carriers' flows from the three BACI files, for [`TRADE_YEARS`].
///
/// - HS 1992 carriers from the raw-materials extract (quantities for every year).
/// - HS 2017 carriers from the 2024 file (quantities) for 2024, and from the value-only file
///   for the earlier years (its HS 2002 rows, 2002–2016, lie outside [`TRADE_YEARS`]).
///
/// Only codes of `minerals`' carriers are kept, so energy, gold and bulk industrial codes
/// stay out. Each file is one [`TradePart`](derisk_model::TradePart) of the table.
fn read_trade(
    dir: &Path,
    ctx: &ImportContext,
    minerals: &[Mineral],
) -> Result<(TradeTable, Vec<derisk_model::ImportReport>)> {
    let year = |y: u16| Year::try_from(y).map_err(|e| ImportError::Snapshot(e.to_string()));
    let (first, last) = (year(TRADE_YEARS.0)?, year(TRADE_YEARS.1)?);
    let keys = |n: Nomenclature| -> BTreeSet<HsKey> {
        minerals
            .iter()
            .flat_map(|m| &m.hs)
            .filter(|c| c.nomenclature == n)
            .map(|c| c.key())
            .collect()
    };
    let hs92 = baci::BaciFilter {
        hs: Some(keys(Nomenclature::Hs1992).iter().map(|k| k.hs).collect()),
        years: Some((first, last)),
    };
    let (mut raw, raw_report) = baci::read_baci_path(
        &dir.join(layout::BACI_RAW_MATERIALS),
        ctx,
        &hs92,
        &mut |_| {},
    )?;
    raw.parts = baci_selected::parts(
        baci::SOURCE,
        layout::BACI_RAW_MATERIALS,
        &raw.flows,
        QuantityCoverage::Reported,
    );
    let hs17 = keys(Nomenclature::Hs2017);
    let (with_quantities, q_report) = baci_selected::read_baci_selected_path(
        &dir.join(layout::BACI_HS17_2024),
        ctx,
        &baci_selected::SelectedFilter {
            keys: Some(hs17.clone()),
            years: Some((last, last)),
        },
    )?;
    let before_last = year(TRADE_YEARS.1 - 1)?;
    let (value_only, v_report) = baci_selected::read_baci_selected_path(
        &dir.join(layout::BACI_HS17_VALUE_ONLY),
        ctx,
        &baci_selected::SelectedFilter {
            keys: Some(hs17),
            years: Some((first, before_last)),
        },
    )?;
    let table = combine(
        Provenance {
            source: SourceId::new(baci::SOURCE),
            table: format!(
                "CEPII BACI bilateral flows {}–{}: HS 1992 carriers (value kUSD, quantity t of \
                 product) and HS 2017 carriers (quantities for {}, value only before)",
                TRADE_YEARS.0, TRADE_YEARS.1, TRADE_YEARS.1
            ),
            note: Some(format!(
                "read from {}, {} and {}",
                layout::BACI_RAW_MATERIALS,
                layout::BACI_HS17_2024,
                layout::BACI_HS17_VALUE_ONLY
            )),
        },
        vec![raw, with_quantities, value_only],
    )?;
    Ok((table, vec![raw_report, q_report, v_report]))
}

/// One table from several: flows merged and sorted by (year, nomenclature, hs, exporter,
/// importer), parts listed by (nomenclature, first year). A flow key present in two tables
/// is an error (the same trade would count twice).
pub fn combine(provenance: Provenance, tables: Vec<TradeTable>) -> Result<TradeTable> {
    let mut flows = Vec::new();
    let mut parts = Vec::new();
    for t in tables {
        flows.extend(t.flows);
        parts.extend(t.parts);
    }
    flows.sort_by_key(baci_selected::flow_key);
    if let Some(w) = flows
        .windows(2)
        .find(|w| baci_selected::flow_key(&w[0]) == baci_selected::flow_key(&w[1]))
    {
        let f = &w[0];
        return Err(ImportError::Format {
            file: provenance.note.clone().unwrap_or_default(),
            message: format!(
                "two files hold the flow of year {} exporter {} importer {} {}",
                f.year,
                f.exporter,
                f.importer,
                f.key()
            ),
        });
    }
    parts.sort_by_key(|p| (p.nomenclature, p.first_year));
    Ok(TradeTable {
        provenance: Some(provenance),
        flows,
        parts,
    })
}

/// Sort, check keys and cross-references, and record each mineral's stages. Every source
/// with production figures must be listed in `sources.csv` with its coverage, since what a
/// country's absence from its tables means depends on it.
pub fn finish(ds: &mut Dataset) -> Result<()> {
    let mut uncovered: BTreeSet<&str> = BTreeSet::new();
    for o in ds
        .observations
        .iter()
        .filter(|o| o.measure == Measure::Production)
    {
        let id = o.provenance.source.as_str();
        if ds.source(id).and_then(|s| s.coverage).is_none() {
            uncovered.insert(id);
        }
    }
    if !uncovered.is_empty() {
        return Err(ImportError::Format {
            file: crate::sources::SOURCES_FILE.into(),
            message: format!(
                "sources with production figures need a coverage (comprehensive or \
                 top_producers): {}",
                uncovered.into_iter().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    ds.trade_proxies
        .sort_by(|a, b| (&a.mineral, &a.stage, a.year).cmp(&(&b.mineral, &b.stage, b.year)));
    ds.observations
        .sort_by(|a, b| observation_key(a).cmp(&observation_key(b)));
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, o) in ds.observations.iter().enumerate() {
        let key = format!("{:?}", observation_key(o));
        if let Some(first) = seen.insert(key.clone(), i) {
            return Err(ImportError::Format {
                file: o.provenance.source.to_string(),
                message: format!(
                    "two figures for the same key {key}: {:?} and {:?}",
                    ds.observations[first].provenance, o.provenance
                ),
            });
        }
    }
    let known: BTreeSet<String> = ds.minerals.iter().map(|m| m.id.to_string()).collect();
    let mut stages: BTreeMap<String, BTreeSet<Stage>> = BTreeMap::new();
    for o in &ds.observations {
        if !known.contains(o.mineral.as_str()) {
            return Err(ImportError::Format {
                file: o.provenance.source.to_string(),
                message: format!("figure for unknown mineral {:?}", o.mineral.as_str()),
            });
        }
        stages
            .entry(o.mineral.to_string())
            .or_default()
            .insert(o.stage.clone());
    }
    for m in &mut ds.minerals {
        let mut s: BTreeSet<Stage> = m.stages.iter().cloned().collect();
        s.extend(stages.remove(m.id.as_str()).unwrap_or_default());
        m.stages = s.into_iter().collect();
    }
    ds.published_nir
        .sort_by(|a, b| (a.country, &a.commodity, a.year).cmp(&(b.country, &b.commodity, b.year)));
    ds.demand.sort_by(|a, b| {
        (&a.mineral, &a.scenario, &a.sector, a.year).cmp(&(
            &b.mineral,
            &b.scenario,
            &b.sector,
            b.year,
        ))
    });
    Ok(())
}

type ObsKey<'a> = (
    &'a str,
    &'a Stage,
    Measure,
    u16,
    derisk_model::Area,
    &'a str,
    Evidence,
    String,
);

fn observation_key(o: &Observation) -> ObsKey<'_> {
    (
        o.mineral.as_str(),
        &o.stage,
        o.measure,
        o.year.get(),
        o.area,
        o.provenance.source.as_str(),
        o.evidence,
        o.unit.to_string(),
    )
}
