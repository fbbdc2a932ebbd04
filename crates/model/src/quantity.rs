use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a published figure is qualified. A figure that is withheld or not available carries
/// no value at all: it is never read as zero.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Reported by the source as a measured figure.
    Reported,
    /// An estimate by the source (USGS "e" years, World Mining Data "e").
    Estimated,
    /// Preliminary (World Mining Data "p").
    Preliminary,
    /// Withheld to avoid disclosing company data (USGS "W"). No value.
    Withheld,
    /// Not available (USGS "NA"). No value.
    NotAvailable,
    /// The true figure is at least the value (USGS ">").
    LowerBound,
    /// The true figure is at most the value (USGS "<").
    UpperBound,
    /// Derived by derisk from other figures; the provenance note says how.
    Derived,
}

impl Flag {
    /// Whether a figure with this flag carries a number.
    pub fn has_value(self) -> bool {
        !matches!(self, Flag::Withheld | Flag::NotAvailable)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Reported => "reported",
            Flag::Estimated => "estimated",
            Flag::Preliminary => "preliminary",
            Flag::Withheld => "withheld",
            Flag::NotAvailable => "not_available",
            Flag::LowerBound => "lower_bound",
            Flag::UpperBound => "upper_bound",
            Flag::Derived => "derived",
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Mass scale of a quantity.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MassUnit {
    Kilogram,
    Tonne,
    Kilotonne,
}

impl MassUnit {
    /// Tonnes per one of this unit.
    pub fn tonnes(self) -> f64 {
        match self {
            MassUnit::Kilogram => 1e-3,
            MassUnit::Tonne => 1.0,
            MassUnit::Kilotonne => 1e3,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            MassUnit::Kilogram => "kg",
            MassUnit::Tonne => "t",
            MassUnit::Kilotonne => "kt",
        }
    }
}

/// What the mass measures: the contained element, an oxide or other equivalent, or the gross
/// weight of a named product. Two figures compare only when their bases match.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Contained element (e.g. "lithium content").
    Content,
    /// Oxide or other chemical equivalent, e.g. "Li2O", "REO", "As2O3".
    Equivalent(String),
    /// Gross weight of a product, e.g. "natural graphite", "refined bismuth".
    Gross(String),
}

/// The unit of a quantity: a mass on a basis, or a share of the world total.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Mass {
        scale: MassUnit,
        basis: Basis,
    },
    /// A fraction (0–1) of the world total for that mineral, stage and year.
    ShareOfWorld,
}

impl Unit {
    pub fn mass(scale: MassUnit, basis: Basis) -> Unit {
        Unit::Mass { scale, basis }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Mass { scale, basis } => match basis {
                Basis::Content => write!(f, "{} contained", scale.symbol()),
                Basis::Equivalent(e) => write!(f, "{} {e}", scale.symbol()),
                Basis::Gross(p) => write!(f, "{} gross ({p})", scale.symbol()),
            },
            Unit::ShareOfWorld => f.write_str("share of world"),
        }
    }
}
