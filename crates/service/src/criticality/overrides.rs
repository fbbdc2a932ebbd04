//! Per-mineral overrides of the EU supply-risk parameters (a parameter file, or a server
//! request's `overrides`) and their validation: known mineral ids, values in range, partner
//! codes of known countries.

use crate::error::UsageError;
use derisk_analysis::Engine;
use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use thiserror::Error;

/// EU SR parameters for one mineral; every field is optional (absent: the request-wide
/// value, else the method's default).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamOverride {
    /// Substitution index SI_SR, 0–1 (1 = no substitute).
    #[serde(default)]
    pub si_sr: Option<f64>,
    /// End-of-life recycling input rate, 0–1.
    #[serde(default)]
    pub eol_rir: Option<f64>,
    /// Trade parameter `t` for trade-agreement partners, > 0 (default 0.8).
    #[serde(default)]
    pub t_agreement: Option<f64>,
    /// ISO 3166 alpha-3 codes of the importer's trade-agreement partners.
    #[serde(default)]
    pub trade_agreement_partners: Option<Vec<String>>,
    /// Economic importance (EU method), ≥ 0: used only to classify.
    #[serde(default)]
    pub ei: Option<f64>,
}

/// A field of [`ParamOverride`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverrideField {
    SiSr,
    EolRir,
    TAgreement,
    TradeAgreementPartners,
    Ei,
}

impl OverrideField {
    pub const ALL: [OverrideField; 5] = [
        OverrideField::SiSr,
        OverrideField::EolRir,
        OverrideField::TAgreement,
        OverrideField::TradeAgreementPartners,
        OverrideField::Ei,
    ];

    /// The field's name in requests and parameter files.
    pub fn name(self) -> &'static str {
        match self {
            OverrideField::SiSr => "si_sr",
            OverrideField::EolRir => "eol_rir",
            OverrideField::TAgreement => "t_agreement",
            OverrideField::TradeAgreementPartners => "trade_agreement_partners",
            OverrideField::Ei => "ei",
        }
    }

    /// The field named `name` exactly, if any.
    pub fn from_name(name: &str) -> Option<OverrideField> {
        OverrideField::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What a valid value is.
    pub fn expected(self) -> &'static str {
        match self {
            OverrideField::SiSr | OverrideField::EolRir => "a number in [0, 1]",
            OverrideField::TAgreement => "a positive number",
            OverrideField::TradeAgreementPartners => "ISO 3166 alpha-3 codes of known countries",
            OverrideField::Ei => "a non-negative number",
        }
    }

    /// Whether `x` is a valid value of this numeric field.
    pub(crate) fn accepts(self, x: f64) -> bool {
        match self {
            OverrideField::SiSr | OverrideField::EolRir => (0.0..=1.0).contains(&x),
            OverrideField::TAgreement => x.is_finite() && x > 0.0,
            OverrideField::Ei => x.is_finite() && x >= 0.0,
            OverrideField::TradeAgreementPartners => false,
        }
    }
}

/// A per-mineral override the data or the method does not accept.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum OverrideError {
    /// The key is not a mineral id of the dataset.
    #[error("overrides: mineral {given:?}: expected a mineral id: {}", valid.join(", "))]
    UnknownMineral { given: String, valid: Vec<String> },
    /// A value out of range, or a partner code naming no known country.
    #[error("overrides.{mineral}.{field} = {given}: expected {}", field.expected())]
    Value {
        mineral: String,
        field: OverrideField,
        given: String,
    },
}

impl OverrideError {
    /// The field at fault as a file names it (`mineral` for an unknown mineral).
    pub fn field_name(&self) -> &'static str {
        match self {
            OverrideError::UnknownMineral { .. } => "mineral",
            OverrideError::Value { field, .. } => field.name(),
        }
    }

    /// The value at fault (text values quoted).
    pub fn given(&self) -> String {
        match self {
            OverrideError::UnknownMineral { given, .. } => format!("{given:?}"),
            OverrideError::Value { given, .. } => given.clone(),
        }
    }

    /// What a valid value is.
    pub fn expected(&self) -> String {
        match self {
            OverrideError::UnknownMineral { valid, .. } => {
                format!("a mineral id: {}", valid.join(", "))
            }
            OverrideError::Value { field, .. } => field.expected().to_string(),
        }
    }
}

impl From<OverrideError> for UsageError {
    fn from(e: OverrideError) -> UsageError {
        let field = match &e {
            OverrideError::UnknownMineral { .. } => "overrides".to_string(),
            OverrideError::Value { mineral, field, .. } => format!("overrides.{mineral}.{field}"),
        };
        UsageError::Invalid {
            field,
            given: e.given(),
            expected: e.expected(),
        }
    }
}

/// An override whose values have been checked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Checked {
    pub si_sr: Option<f64>,
    pub eol_rir: Option<f64>,
    pub t_agreement: Option<f64>,
    pub partners: Option<BTreeSet<CountryCode>>,
    pub ei: Option<f64>,
}

/// Check one mineral's override: the mineral id is known, `si_sr` and `eol_rir` are in
/// [0, 1], `t_agreement` is positive, `ei` is non-negative and every partner is the ISO3
/// code (any case) of a known country.
pub fn check_override(
    engine: &Engine,
    mineral: &str,
    o: &ParamOverride,
) -> Result<(), OverrideError> {
    checked(engine, mineral, o).map(|_| ())
}

pub(crate) fn checked(
    engine: &Engine,
    mineral: &str,
    o: &ParamOverride,
) -> Result<Checked, OverrideError> {
    if engine.mineral(mineral).is_none() {
        let mut valid: Vec<String> = engine.minerals().iter().map(|m| m.id.to_string()).collect();
        valid.sort();
        return Err(OverrideError::UnknownMineral {
            given: mineral.to_string(),
            valid,
        });
    }
    let num = |field: OverrideField, v: Option<f64>| match v {
        Some(x) if !field.accepts(x) => Err(OverrideError::Value {
            mineral: mineral.to_string(),
            field,
            given: x.to_string(),
        }),
        v => Ok(v),
    };
    let partners = match &o.trade_agreement_partners {
        None => None,
        Some(codes) => Some(
            codes
                .iter()
                .map(|code| partner(engine, mineral, code))
                .collect::<Result<BTreeSet<_>, _>>()?,
        ),
    };
    Ok(Checked {
        si_sr: num(OverrideField::SiSr, o.si_sr)?,
        eol_rir: num(OverrideField::EolRir, o.eol_rir)?,
        t_agreement: num(OverrideField::TAgreement, o.t_agreement)?,
        partners,
        ei: num(OverrideField::Ei, o.ei)?,
    })
}

fn partner(engine: &Engine, mineral: &str, code: &str) -> Result<CountryCode, OverrideError> {
    match CountryCode::try_from(code.trim().to_ascii_uppercase().as_str()) {
        Ok(c) if engine.country(c).is_some() => Ok(c),
        _ => Err(OverrideError::Value {
            mineral: mineral.to_string(),
            field: OverrideField::TradeAgreementPartners,
            given: format!("{code:?}"),
        }),
    }
}
