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

/// A six-digit Harmonized System subheading. The same six digits can name different
/// products in different HS editions, so a code is always read together with its
/// [`Nomenclature`] (see [`HsKey`]).
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
            "description": "A six-digit HS subheading, as an integer (read with its nomenclature)."
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

/// An edition of the Harmonized System. Subheadings are revised every five years or so:
/// 811292 (gallium, germanium, indium and others) exists only from HS 2007 on, 810310 of
/// HS 1992 (tantalum, including waste) was split in 2007. Trade flows and carriers are
/// therefore keyed by (nomenclature, code).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Nomenclature {
    /// HS 1992 (H0), the nomenclature of BACI's longest series (1995 on).
    #[serde(rename = "HS1992")]
    Hs1992,
    /// HS 2002 (H2).
    #[serde(rename = "HS2002")]
    Hs2002,
    /// HS 2017 (H5).
    #[serde(rename = "HS2017")]
    Hs2017,
}

impl Nomenclature {
    pub const ALL: [Nomenclature; 3] = [
        Nomenclature::Hs1992,
        Nomenclature::Hs2002,
        Nomenclature::Hs2017,
    ];
    /// The expected spellings, for error messages.
    pub const EXPECTED: &'static str = "HS1992, HS2002 or HS2017";

    /// The code used in files and JSON: `HS1992`, `HS2002`, `HS2017`.
    pub fn code(self) -> &'static str {
        match self {
            Nomenclature::Hs1992 => "HS1992",
            Nomenclature::Hs2002 => "HS2002",
            Nomenclature::Hs2017 => "HS2017",
        }
    }
}

impl TryFrom<&str> for Nomenclature {
    type Error = ModelError;
    /// Exactly one of `HS1992`, `HS2002`, `HS2017` (the spelling of BACI's
    /// `hs_nomenclature` column).
    fn try_from(s: &str) -> Result<Self, ModelError> {
        Self::ALL
            .into_iter()
            .find(|n| n.code() == s)
            .ok_or_else(|| ModelError::Choice {
                what: "nomenclature",
                value: s.to_string(),
                expected: Self::EXPECTED,
            })
    }
}

/// Written `HS 1992`, `HS 2002`, `HS 2017`.
impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = match self {
            Nomenclature::Hs1992 => 1992,
            Nomenclature::Hs2002 => 2002,
            Nomenclature::Hs2017 => 2017,
        };
        write!(f, "HS {year}")
    }
}

/// A subheading in one nomenclature: what trade flows and carriers are matched on.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct HsKey {
    pub nomenclature: Nomenclature,
    pub hs: HsCode,
}

impl HsKey {
    pub fn new(nomenclature: Nomenclature, hs: HsCode) -> HsKey {
        HsKey { nomenclature, hs }
    }
}

/// Written `HS 2017 740311`.
impl fmt::Display for HsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.nomenclature, self.hs)
    }
}

/// An HS code that carries a mineral, in one nomenclature, with the stage of the chain the
/// product belongs to, the mass fraction of the mineral's contained element in the traded
/// product (e.g. Li2CO3 → 0.188 Li), and why that factor.
///
/// A carrier's stage is one of [`HsCarrier::STAGES`]: `mining` (ores and concentrates),
/// `intermediate` (mattes, hydroxides and other products between mine and refinery),
/// `refining` (refined metal and chemicals), `sponge` (titanium sponge and other
/// unwrought titanium, the stage at which USGS reports titanium metal),
/// `semi-manufactured` (fabricated forms of a refined metal) and `downstream` (products
/// made from the refined material, such as permanent magnets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HsCarrier {
    pub nomenclature: Nomenclature,
    pub hs: HsCode,
    pub description: String,
    /// The stage of the chain this product belongs to (one of [`HsCarrier::STAGES`]).
    pub stage: Stage,
    /// Mass fraction of contained element in one tonne of product (0 < f ≤ 1).
    pub content_factor: f64,
    /// How the factor is obtained (stoichiometry, typical grade) and its citation; where
    /// one code carries two minerals or several forms, which and how the factor treats them.
    pub factor_basis: String,
    /// The forms of the product told apart by unit value, sorted by lower bound, never
    /// overlapping (`data/reference/unit_value_bands.csv`). Empty: every flow counts at
    /// `content_factor`. Otherwise a flow with a quantity counts at the factor of the band
    /// holding its unit value, and a flow in no band is impossible for the product (see
    /// [`HsCarrier::form_of`]).
    pub forms: Vec<FormBand>,
}

/// One form of a carrier's product, told apart from the others by unit value (USD per kg
/// of product, `value_kusd / quantity_t`): flows whose unit value lies in
/// `[lower_usd_per_kg, upper_usd_per_kg)` count at `content_factor`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FormBand {
    /// The form, e.g. "unwrought cobalt metal and powders".
    pub form: String,
    /// Lowest unit value of the band, USD per kg of product (inclusive).
    pub lower_usd_per_kg: f64,
    /// Upper end of the band, USD per kg of product (exclusive).
    pub upper_usd_per_kg: f64,
    /// Mass fraction of the mineral in a tonne of this form (0 ≤ f ≤ 1); 0 means the
    /// form is another product of the same code, not this mineral (boron under HS 1992
    /// 280450 for tellurium): its flows are left out of the mineral's trade and counted.
    pub content_factor: f64,
    /// Why this band and factor: the price series it rests on, with its citation.
    pub basis: String,
    /// Line of `data/reference/unit_value_bands.csv` the band was read from, if it was.
    pub line: Option<u32>,
}

impl FormBand {
    /// Whether a unit value (USD per kg of product) lies in the band.
    #[inline]
    pub fn holds(&self, usd_per_kg: f64) -> bool {
        self.lower_usd_per_kg <= usd_per_kg && usd_per_kg < self.upper_usd_per_kg
    }
}

/// How one flow of a carrier is read, by its unit value (see [`HsCarrier::form_of`]).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum FlowForm {
    /// Counted at this content factor; `band` is the index of the band in
    /// [`HsCarrier::forms`] that chose it (`None`: the carrier's single factor, or a flow
    /// without a quantity, whose unit value is unknown).
    Counted { factor: f64, band: Option<usize> },
    /// In a band whose factor is 0: another product of the code, not this mineral.
    OtherProduct { band: usize },
    /// In no band of a banded carrier: impossible for the product, left out and counted.
    Impossible,
}

/// The unit value of a flow, USD per kg of product (thousand USD per tonne); `None`
/// without a quantity. A zero quantity with a positive value gives infinity (in no band).
#[inline]
pub fn unit_value_usd_per_kg(value_kusd: f64, quantity_t: Option<f64>) -> Option<f64> {
    let q = quantity_t?;
    if q > 0.0 {
        Some(value_kusd / q)
    } else if value_kusd > 0.0 {
        Some(f64::INFINITY)
    } else {
        None
    }
}

impl AsRef<FormBand> for FormBand {
    fn as_ref(&self) -> &FormBand {
        self
    }
}

/// [`HsCarrier::form_of`] over any band slice: the rule in one place, for carriers held
/// elsewhere (the engine's `CarrierUsed`).
#[inline]
pub fn form_of<B: AsRef<FormBand>>(
    forms: &[B],
    factor: f64,
    value_kusd: f64,
    quantity_t: Option<f64>,
) -> FlowForm {
    if forms.is_empty() {
        return FlowForm::Counted { factor, band: None };
    }
    let Some(uv) = unit_value_usd_per_kg(value_kusd, quantity_t) else {
        // Without a quantity (or an empty flow) no unit value can be judged: the flow
        // keeps its value and has no tonnes, whatever the factor.
        return FlowForm::Counted { factor, band: None };
    };
    match forms.iter().position(|b| b.as_ref().holds(uv)) {
        Some(i) if forms[i].as_ref().content_factor > 0.0 => FlowForm::Counted {
            factor: forms[i].as_ref().content_factor,
            band: Some(i),
        },
        Some(i) => FlowForm::OtherProduct { band: i },
        None => FlowForm::Impossible,
    }
}

impl HsCarrier {
    /// The stage slugs a carrier may have, from ore to downstream product.
    pub const STAGES: [&'static str; 6] = [
        "mining",
        "intermediate",
        "refining",
        "sponge",
        "semi-manufactured",
        "downstream",
    ];

    /// (nomenclature, code): what trade flows of this carrier are found by.
    pub fn key(&self) -> HsKey {
        HsKey::new(self.nomenclature, self.hs)
    }

    /// How a flow of this carrier is read: at the factor of the band holding its unit value
    /// (`value_kusd / quantity_t`, USD per kg), as another product (a band of factor 0), or
    /// impossible (in no band). A carrier without bands counts every flow at
    /// `content_factor`; a flow without a quantity has no unit value and is counted (its
    /// tonnes are unknown anyway). Allocation-free: a scan over a few bands.
    #[inline]
    pub fn form_of(&self, value_kusd: f64, quantity_t: Option<f64>) -> FlowForm {
        form_of(&self.forms, self.content_factor, value_kusd, quantity_t)
    }

    /// Whether `stage` is one of [`HsCarrier::STAGES`].
    pub fn is_carrier_stage(stage: &Stage) -> bool {
        Self::STAGES.contains(&stage.slug())
    }
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
