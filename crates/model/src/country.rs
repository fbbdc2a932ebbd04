use crate::ModelError;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// An ISO 3166-1 alpha-3 code, validated for shape (three ASCII upper-case letters).
///
/// Whether the code names a country the dataset knows is checked against the country table
/// by the importers, not here.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 3]);

impl CountryCode {
    /// The shape [`TryFrom<&str>`] accepts, as a regular expression (for the JSON Schema).
    pub const PATTERN: &'static str = "^[A-Z]{3}$";

    /// The code from its three bytes, if they are ASCII upper-case letters.
    pub fn from_bytes(b: [u8; 3]) -> Option<CountryCode> {
        b.iter()
            .all(u8::is_ascii_uppercase)
            .then_some(CountryCode(b))
    }

    /// The code's three bytes.
    pub fn bytes(&self) -> [u8; 3] {
        self.0
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(CountryCode([b[0], b[1], b[2]]))
        } else {
            Err(ModelError::CountryCode(s.to_string()))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor on `&str` avoids allocating a String per code: the snapshot holds
        // hundreds of thousands of them.
        struct Code;
        impl serde::de::Visitor<'_> for Code {
            type Value = CountryCode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an ISO 3166 alpha-3 code")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<CountryCode, E> {
                CountryCode::try_from(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Code)
    }
}

/// Serialised as the three-letter string.
impl JsonSchema for CountryCode {
    fn schema_name() -> Cow<'static, str> {
        "CountryCode".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::CountryCode").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": CountryCode::PATTERN,
            "description": "An ISO 3166-1 alpha-3 code."
        })
    }
}

/// Where a figure applies: one country, the world total as published, or the publisher's
/// residual "other countries" line (kept so that country sums can be checked against totals).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Country(CountryCode),
    World,
    Other,
}

impl Area {
    pub fn country(&self) -> Option<CountryCode> {
        match self {
            Area::Country(c) => Some(*c),
            _ => None,
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Area::Country(c) => write!(f, "{c}"),
            Area::World => f.write_str("WORLD"),
            Area::Other => f.write_str("OTHER"),
        }
    }
}

/// A country (or territory) known to the dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Country {
    pub code: CountryCode,
    /// English short name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code, where the territory has one.
    pub alpha2: Option<String>,
    /// Other English names a person may type ("Türkiye", "South Korea"), as the ISO list
    /// gives them; a name shared by two countries is kept here but resolves to neither.
    pub alt_names: Vec<String>,
    /// UN M49 numeric code, where the territory has one.
    pub m49: Option<u16>,
    pub region: Option<String>,
    pub subregion: Option<String>,
}
