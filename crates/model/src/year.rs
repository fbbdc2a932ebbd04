use crate::ModelError;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// A calendar year, 1900–2100.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Year(u16);

impl Year {
    pub const MIN: u16 = 1900;
    pub const MAX: u16 = 2100;
    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for Year {
    type Error = ModelError;
    fn try_from(y: u16) -> Result<Self, ModelError> {
        if (Self::MIN..=Self::MAX).contains(&y) {
            Ok(Year(y))
        } else {
            Err(ModelError::Year(y.to_string()))
        }
    }
}

impl TryFrom<i64> for Year {
    type Error = ModelError;
    fn try_from(y: i64) -> Result<Self, ModelError> {
        u16::try_from(y)
            .map_err(|_| ModelError::Year(y.to_string()))
            .and_then(Year::try_from)
    }
}

impl TryFrom<&str> for Year {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        s.trim()
            .parse::<u16>()
            .map_err(|_| ModelError::Year(s.to_string()))
            .and_then(Year::try_from)
    }
}

impl From<Year> for u16 {
    fn from(y: Year) -> u16 {
        y.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Serialised as the integer, 1900–2100.
impl JsonSchema for Year {
    fn schema_name() -> Cow<'static, str> {
        "Year".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Year").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": Year::MIN,
            "maximum": Year::MAX,
            "description": "A calendar year, 1900–2100."
        })
    }
}
