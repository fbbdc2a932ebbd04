use crate::{Basis, ModelError, Stage};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A mineral's lower-case slug, e.g. `lithium`, `rare-earths`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MineralId(String);

impl MineralId {
    /// The shape [`TryFrom<&str>`] accepts, as a regular expression (for the JSON Schema).
    pub const PATTERN: &'static str = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for MineralId {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        let ok = !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(MineralId(s.to_string()))
        } else {
            Err(ModelError::MineralId(s.to_string()))
        }
    }
}

impl fmt::Display for MineralId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for MineralId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MineralId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        MineralId::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

/// Serialised as the slug: lower-case letters, digits and inner hyphens.
impl JsonSchema for MineralId {
    fn schema_name() -> Cow<'static, str> {
        "MineralId".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::MineralId").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": MineralId::PATTERN,
            "description": "A mineral's lower-case slug, e.g. \"lithium\", \"rare-earths\"."
        })
    }
}

/// A six-digit HS 1992 subheading.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct HsCode(u32);

impl HsCode {
    /// Smallest and largest value (six digits, the first of which may be a zero).
    pub const MIN: u32 = 10_000;
    pub const MAX: u32 = 999_999;

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for HsCode {
    type Error = ModelError;
    fn try_from(v: u32) -> Result<Self, ModelError> {
        if (Self::MIN..=Self::MAX).contains(&v) {
            Ok(HsCode(v))
        } else {
            Err(ModelError::HsCode(v.to_string()))
        }
    }
}

impl TryFrom<&str> for HsCode {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        let t = s.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ModelError::HsCode(s.to_string()));
        }
        t.parse::<u32>()
            .map_err(|_| ModelError::HsCode(s.to_string()))
            .and_then(HsCode::try_from)
    }
}

impl From<HsCode> for u32 {
    fn from(h: HsCode) -> u32 {
        h.0
    }
}

/// Serialised as the integer, so a code with a leading zero loses it (081110 is 81110).
impl JsonSchema for HsCode {
    fn schema_name() -> Cow<'static, str> {
        "HsCode".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::HsCode").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": HsCode::MIN,
            "maximum": HsCode::MAX,
            "description": "A six-digit HS 1992 subheading, as an integer."
        })
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// Whether the mineral is a chemical element, a group of elements or a compound/mineral.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MineralForm {
    Element,
    ElementGroup,
    Compound,
}

/// An HS code that carries a mineral, with the mass fraction of the mineral's contained
/// element in the traded product (e.g. Li2CO3 → 0.188 Li), and why that factor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HsCarrier {
    pub hs: HsCode,
    pub description: String,
    /// The stage of the chain this product belongs to.
    pub stage: Stage,
    /// Mass fraction of contained element in one tonne of product (0 < f ≤ 1).
    pub content_factor: f64,
    /// How the factor is obtained (stoichiometry, typical grade) and its citation.
    pub factor_basis: String,
}

/// A mineral derisk tracks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mineral {
    pub id: MineralId,
    pub name: String,
    /// Chemical symbol or formula where one applies ("Li", "REE", "C").
    pub symbol: String,
    pub form: MineralForm,
    /// Stages at which the dataset holds figures for this mineral.
    pub stages: Vec<Stage>,
    pub hs: Vec<HsCarrier>,
    /// What one "contained tonne" of this mineral is: the basis the HS content factors
    /// convert trade to, and so the basis production must be on to be compared with
    /// trade (contained element for metals; gross natural graphite; REO for rare earths).
    pub contained_basis: Basis,
    /// End-of-life recycling input rate (fraction 0–1) from the EU 2023 factsheets, if known.
    pub eol_rir: Option<f64>,
    pub note: String,
}
