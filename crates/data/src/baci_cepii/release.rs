//! The names of CEPII's BACI releases: HS revisions and what a file's name says.

use crate::baci;
use derisk_model::{Nomenclature, Year};
use std::fmt;
use std::str::FromStr;

/// A revision of the Harmonized System, as CEPII tags BACI's files.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HsRevision {
    Hs1992,
    Hs1996,
    Hs2002,
    Hs2007,
    Hs2012,
    Hs2017,
    Hs2022,
}

impl HsRevision {
    /// The nomenclature derisk keys carriers by, for the revisions it has carriers in.
    pub fn nomenclature(self) -> Option<Nomenclature> {
        match self {
            HsRevision::Hs1992 => Some(Nomenclature::Hs1992),
            HsRevision::Hs2002 => Some(Nomenclature::Hs2002),
            HsRevision::Hs2017 => Some(Nomenclature::Hs2017),
            _ => None,
        }
    }

    pub const ALL: [HsRevision; 7] = [
        HsRevision::Hs1992,
        HsRevision::Hs1996,
        HsRevision::Hs2002,
        HsRevision::Hs2007,
        HsRevision::Hs2012,
        HsRevision::Hs2017,
        HsRevision::Hs2022,
    ];

    /// CEPII's tag: `HS92`, `HS17`…
    pub fn tag(self) -> &'static str {
        match self {
            HsRevision::Hs1992 => "HS92",
            HsRevision::Hs1996 => "HS96",
            HsRevision::Hs2002 => "HS02",
            HsRevision::Hs2007 => "HS07",
            HsRevision::Hs2012 => "HS12",
            HsRevision::Hs2017 => "HS17",
            HsRevision::Hs2022 => "HS22",
        }
    }

    /// The year the revision took effect.
    pub fn year(self) -> u16 {
        match self {
            HsRevision::Hs1992 => 1992,
            HsRevision::Hs1996 => 1996,
            HsRevision::Hs2002 => 2002,
            HsRevision::Hs2007 => 2007,
            HsRevision::Hs2012 => 2012,
            HsRevision::Hs2017 => 2017,
            HsRevision::Hs2022 => 2022,
        }
    }
}

/// "HS 1992".
impl fmt::Display for HsRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HS {}", self.year())
    }
}

/// A revision named by CEPII's tag (`HS92`, any case) or its year (`1992`, `HS1992`).
impl FromStr for HsRevision {
    type Err = UnknownRevision;
    fn from_str(s: &str) -> std::result::Result<Self, UnknownRevision> {
        let t = s.trim().to_ascii_uppercase();
        let digits = t.strip_prefix("HS").unwrap_or(&t).trim();
        HsRevision::ALL
            .into_iter()
            .find(|r| r.tag()[2..] == *digits || r.year().to_string() == digits)
            .ok_or_else(|| UnknownRevision(s.to_string()))
    }
}

/// A name that is no HS revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRevision(pub String);

impl fmt::Display for UnknownRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tags: Vec<&str> = HsRevision::ALL.iter().map(|r| r.tag()).collect();
        write!(
            f,
            "unknown HS revision {:?}: expected one of {}",
            self.0,
            tags.join(", ")
        )
    }
}

impl std::error::Error for UnknownRevision {}

/// What a BACI file's name says: `BACI_HS92_Y2022_V202401b.csv.gz` → HS 1992, 2022,
/// V202401b. Tokens are separated by `_`, `-` or `.`, in any case and order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileName {
    /// `None` when the name has no revision tag, or two different ones.
    pub revision: Option<HsRevision>,
    pub year: Option<Year>,
    /// The release as CEPII writes it (`V202401b`).
    pub version: Option<String>,
}

impl FileName {
    pub fn parse(name: &str) -> FileName {
        let mut out = FileName::default();
        let mut revisions = Vec::new();
        for token in name.split(['_', '-', '.']) {
            let upper = token.to_ascii_uppercase();
            let b = upper.as_bytes();
            let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
            match b {
                [b'H', b'S', rest @ ..] if digits(rest) && rest.len() == 2 => {
                    if let Ok(r) = upper.parse::<HsRevision>() {
                        revisions.push(r);
                    }
                }
                [b'Y', rest @ ..] if digits(rest) && rest.len() == 4 => {
                    out.year =
                        baci::parse_uint(rest, 4).and_then(|y| Year::try_from(y as u16).ok());
                }
                [b'V', rest @ ..]
                    if rest.len() >= 6
                        && digits(&rest[..6])
                        && rest[6..].iter().all(u8::is_ascii_alphabetic) =>
                {
                    out.version = Some(token.to_string());
                }
                _ => {}
            }
        }
        revisions.dedup();
        if let [r] = revisions[..] {
            out.revision = Some(r);
        }
        out
    }
}

/// The release a file belongs to: its HS revision and, if known, CEPII's version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub revision: HsRevision,
    pub version: Option<String>,
}

impl Release {
    /// The source id: `baci-hs92-v202401b`, the id `data/reference/sources.csv` gives that
    /// release; `baci-hs17` when the version is unknown.
    pub fn source(&self) -> String {
        let tag = self.revision.tag().to_ascii_lowercase();
        match &self.version {
            Some(v) => format!("baci-{tag}-{}", v.to_ascii_lowercase()),
            None => format!("baci-{tag}"),
        }
    }
}
