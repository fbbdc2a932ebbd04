//! A trade file a person names (the CLI's `--trade FILE`, or a server's upload): derisk's own
//! BACI extract (`year,exporter_m49,…`, [`baci`]) or BACI exactly as CEPII distributes it
//! (`t,i,j,k,v,q`, [`baci_cepii`]), told apart by the header. The rules for what is not
//! named live here, once: a CEPII file's country-code file is the one `country_codes_*.csv`
//! beside it, its HS revision comes from its name, and only the codes the dataset's minerals
//! carry are kept.

use crate::baci::{self, BaciFilter};
use crate::baci_cepii::{self, CountryCodes, FileName, HsRevision, Release};
use crate::error::ImportError;
use crate::ImportContext;
use derisk_model::{HsCode, ImportReport, Mineral, TradeTable};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The two layouts a trade file may have.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// derisk's own extract: `year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,
    /// hs92,value_kusd,quantity_t`, HS 1992.
    Derisk,
    /// CEPII's: `t,i,j,k,v,q` with a country-code file.
    Cepii,
}

/// What the person said beyond the file itself; `None` takes the rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TradeFileOptions {
    /// CEPII's country-code file. Default: the one `country_codes_*.csv` beside the trade
    /// file.
    pub countries: Option<PathBuf>,
    /// The HS revision of a CEPII file. Default: the one its name gives (`BACI_HS92_…`).
    pub revision: Option<HsRevision>,
}

/// A trade file that could not be loaded: the person's mistake, or the data's.
#[derive(Debug, Error)]
pub enum TradeFileError {
    #[error(transparent)]
    Usage(#[from] TradeFileUsage),
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl TradeFileError {
    /// A mistake in what was asked (fix the request), not in the data.
    pub fn is_usage(&self) -> bool {
        matches!(self, TradeFileError::Usage(_))
    }
}

/// Something the person must say, or said in contradiction.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TradeFileUsage {
    /// CEPII's layout, no country-code file named, and not exactly one beside it.
    #[error(
        "{trade} is BACI in CEPII's layout (t,i,j,k,v,q), which names countries by number: \
         name its country-code file (country_codes_V….csv of the same BACI release); {}",
        beside(.dir, .found)
    )]
    CountryFile {
        trade: String,
        dir: String,
        /// The `country_codes_*.csv` files beside it (none, or more than one).
        found: Vec<String>,
    },
    /// CEPII's layout and neither the name nor the person gives the HS revision.
    #[error(
        "{trade} is BACI in CEPII's layout and its name gives no HS revision (as in \
         BACI_HS92_Y2022_V202401b.csv): name the revision, one of {}",
        revision_tags()
    )]
    Revision { trade: String },
    /// The revision given contradicts the one the file declares.
    #[error("{trade} is {named}, yet {given} was given as its revision")]
    RevisionConflict {
        trade: String,
        named: HsRevision,
        given: HsRevision,
    },
    /// A country-code file given for derisk's own layout, which names countries itself.
    #[error(
        "{trade} is in derisk's own layout (year,exporter_m49,exporter_iso3,…), which names \
         countries itself: the country-code file {countries} applies to CEPII's layout only"
    )]
    CountriesNotNeeded { trade: String, countries: String },
    /// None of the file's codes could be kept: the dataset's minerals carry no code of its
    /// revision.
    #[error(
        "{trade} is {revision}, and the dataset's minerals carry no {revision} code (derisk's \
         carriers are HS 1992 subheadings), so none of its flows could be kept"
    )]
    NoCarriers { trade: String, revision: HsRevision },
}

fn beside(dir: &str, found: &[String]) -> String {
    match found {
        [] => format!("there is no country_codes_*.csv in {dir}"),
        _ => format!(
            "there are {} in {dir} ({}), so which one is not clear",
            found.len(),
            found.join(", ")
        ),
    }
}

fn revision_tags() -> String {
    let tags: Vec<&str> = HsRevision::ALL.iter().map(|r| r.tag()).collect();
    tags.join(", ")
}

/// The layout of a trade file, from its header (gzip or plain). A header with every column
/// of neither layout is an [`ImportError::Format`] that shows both and what it has.
pub fn detect_layout_path(path: &Path) -> Result<Layout, ImportError> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(&label, e))?;
    let mut ignore = |_| {};
    let (stream, gzip) = baci::open_input(&label, f, &mut ignore)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(stream);
    let header = reader
        .byte_headers()
        .map_err(|e| baci::read_error(&label, gzip, e))?;
    let names = crate::baci::header_names(header);
    if baci_cepii::is_cepii_header(&names) {
        return Ok(Layout::Cepii);
    }
    if baci::COLUMNS.iter().all(|c| names.iter().any(|n| n == c)) {
        return Ok(Layout::Derisk);
    }
    Err(ImportError::Format {
        file: label,
        message: format!(
            "the header is neither derisk's BACI layout ({}) nor CEPII's ({}); it has: {}",
            baci::COLUMNS.join(","),
            baci_cepii::COLUMNS.join(","),
            names.join(",")
        ),
    })
}

/// The country-code file of a CEPII trade file: the one `country_codes_*.csv` in the same
/// directory; none or several is a [`TradeFileUsage::CountryFile`].
pub fn locate_country_codes(trade: &Path) -> Result<PathBuf, TradeFileError> {
    let dir = match trade.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let label = dir.display().to_string();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| ImportError::io(&label, e))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            lower.len() > "country_codes_.csv".len()
                && lower.starts_with("country_codes_")
                && lower.ends_with(".csv")
        })
        .collect();
    found.sort();
    match &found[..] {
        [one] => Ok(dir.join(one)),
        _ => Err(TradeFileUsage::CountryFile {
            trade: trade.display().to_string(),
            dir: label,
            found,
        }
        .into()),
    }
}

/// The codes of `revision` the minerals carry (carriers are keyed by nomenclature and
/// code); a revision derisk keys no carrier by carries none.
pub fn carried_codes(minerals: &[Mineral], revision: HsRevision) -> BTreeSet<HsCode> {
    let Some(nomenclature) = revision.nomenclature() else {
        return BTreeSet::new();
    };
    minerals
        .iter()
        .flat_map(|m| &m.hs)
        .filter(|c| c.nomenclature == nomenclature)
        .map(|c| c.hs)
        .collect()
}

/// Read the trade file at `path` in whichever layout it has.
///
/// derisk's own layout is read whole, as [`baci::read_baci_path`] does. CEPII's layout
/// takes its HS revision from `options` or else the file name (both given and different:
/// a usage error), its country-code file from `options` or else beside it
/// ([`locate_country_codes`]), and keeps only the codes the minerals of `ctx` carry
/// ([`carried_codes`]); the report counts the rest as not kept and notes each rule that
/// chose. `progress` receives the raw bytes read so far.
pub fn load_trade_path(
    path: &Path,
    options: &TradeFileOptions,
    ctx: &ImportContext,
    progress: &mut dyn FnMut(u64),
) -> Result<(TradeTable, ImportReport), TradeFileError> {
    let trade = path.display().to_string();
    match detect_layout_path(path)? {
        Layout::Derisk => {
            if let Some(c) = &options.countries {
                return Err(TradeFileUsage::CountriesNotNeeded {
                    trade,
                    countries: c.display().to_string(),
                }
                .into());
            }
            if let Some(given) = options.revision.filter(|r| *r != HsRevision::Hs1992) {
                return Err(TradeFileUsage::RevisionConflict {
                    trade,
                    named: HsRevision::Hs1992,
                    given,
                }
                .into());
            }
            Ok(baci::read_baci_path(
                path,
                ctx,
                &BaciFilter::default(),
                progress,
            )?)
        }
        Layout::Cepii => {
            let name = FileName::parse(
                &path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            let (revision, revision_basis) = match (options.revision, name.revision) {
                (Some(given), Some(named)) if given != named => {
                    return Err(TradeFileUsage::RevisionConflict {
                        trade,
                        named,
                        given,
                    }
                    .into())
                }
                (Some(given), _) => (given, "as given"),
                (None, Some(named)) => (named, "from the file name"),
                (None, None) => return Err(TradeFileUsage::Revision { trade }.into()),
            };
            let (countries, countries_basis) = match &options.countries {
                Some(c) => (c.clone(), "as given"),
                None => (locate_country_codes(path)?, "found beside the trade file"),
            };
            let hs = carried_codes(ctx.minerals, revision);
            if hs.is_empty() {
                return Err(TradeFileUsage::NoCarriers { trade, revision }.into());
            }
            let codes = CountryCodes::read_path(&countries)?;
            let release = Release {
                revision,
                version: name.version,
            };
            let filter = BaciFilter {
                hs: Some(hs),
                years: None,
            };
            let (table, mut report) =
                baci_cepii::read_cepii_path(path, &release, &codes, ctx, &filter, progress)?;
            report.notes.push(format!(
                "HS revision {revision} {revision_basis}; country-code file {countries_basis}"
            ));
            report.notes.push(format!(
                "only the {} {revision} codes the dataset's minerals carry are kept",
                filter.hs.as_ref().map_or(0, BTreeSet::len)
            ));
            Ok((table, report))
        }
    }
}
