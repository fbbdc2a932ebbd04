//! The six IEA minerals and how their labels, stages and units map onto derisk.

use super::MAGNET_REE_BASIS;
use derisk_model::{Basis, Stage};

/// How a mass basis is written in the mineral table below.
#[derive(Clone, Copy)]
pub(crate) enum BasisRule {
    Content,
    Gross(&'static str),
    Equivalent(&'static str),
}

impl BasisRule {
    pub fn basis(self) -> Basis {
        match self {
            BasisRule::Content => Basis::Content,
            BasisRule::Gross(p) => Basis::Gross(p.to_string()),
            BasisRule::Equivalent(e) => Basis::Equivalent(e.to_string()),
        }
    }
}

/// An IEA mineral and how its figures map onto derisk.
pub(crate) struct MineralRule {
    /// Lower-case label prefixes the IEA uses (workbook and extract).
    pub labels: &'static [&'static str],
    pub id: &'static str,
    pub mining: BasisRule,
    pub refining: BasisRule,
    pub mining_note: Option<&'static str>,
    pub refining_note: Option<&'static str>,
    pub demand_note: Option<&'static str>,
}

/// The six IEA minerals. Graphite and rare earths are the two whose IEA scope differs from the
/// derisk mineral of the same name, so their notes say what the figures cover.
const MINERALS: &[MineralRule] = &[
    MineralRule {
        labels: &["copper"],
        id: "copper",
        mining: BasisRule::Content,
        refining: BasisRule::Content,
        mining_note: None,
        refining_note: None,
        demand_note: None,
    },
    MineralRule {
        labels: &["cobalt"],
        id: "cobalt",
        mining: BasisRule::Content,
        refining: BasisRule::Content,
        mining_note: None,
        refining_note: None,
        demand_note: None,
    },
    MineralRule {
        labels: &["lithium"],
        id: "lithium",
        mining: BasisRule::Content,
        refining: BasisRule::Content,
        mining_note: Some("kt lithium content (not carbonate equivalent)"),
        refining_note: Some(
            "IEA refining stage for lithium: lithium chemicals, kt lithium content",
        ),
        demand_note: Some("kt lithium content (not carbonate equivalent)"),
    },
    MineralRule {
        labels: &["nickel"],
        id: "nickel",
        mining: BasisRule::Content,
        refining: BasisRule::Content,
        mining_note: None,
        refining_note: None,
        demand_note: None,
    },
    MineralRule {
        labels: &["graphite"],
        id: "graphite",
        mining: BasisRule::Gross("natural graphite"),
        refining: BasisRule::Gross("battery-grade graphite"),
        mining_note: Some("natural graphite mining"),
        refining_note: Some("IEA refining stage for graphite: battery-grade (spherical) graphite"),
        demand_note: Some("graphite demand of all grades, natural and synthetic"),
    },
    MineralRule {
        labels: &["magnet rare earth", "rare earth"],
        id: "rare-earths",
        mining: BasisRule::Equivalent(MAGNET_REE_BASIS),
        refining: BasisRule::Equivalent(MAGNET_REE_BASIS),
        mining_note: Some(
            "magnet rare earths only (Nd, Pr, Dy, Tb); not comparable with total REO",
        ),
        refining_note: Some(
            "magnet rare earths only (Nd, Pr, Dy, Tb); not comparable with total REO",
        ),
        demand_note: Some("magnet rare earths only (Nd, Pr, Dy, Tb)"),
    },
];

pub(crate) fn mineral_rule(label: &str) -> Option<&'static MineralRule> {
    let l = label.trim().to_lowercase();
    MINERALS
        .iter()
        .find(|m| m.labels.iter().any(|p| l.starts_with(p)))
}

/// The stage an IEA stage label names: `Mining…` is mining; `Refining`, `Chemicals` (lithium)
/// and `Battery grade` (graphite) are the IEA's refining stage.
pub(crate) fn stage_of(label: &str) -> Option<Stage> {
    let l = label.trim().to_lowercase();
    if l.starts_with("mining") {
        Some(Stage::Mining)
    } else if l.starts_with("refining") || l.starts_with("chemicals") || l.starts_with("battery") {
        Some(Stage::Refining)
    } else {
        None
    }
}
