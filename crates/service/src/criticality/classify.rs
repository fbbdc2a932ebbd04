//! The EU list's rule: a raw material is critical when its supply risk SR ≥ 1 and its
//! economic importance EI ≥ 2.8 (European Commission 2017 guidelines). derisk computes SR;
//! EI is given with the request (derisk does not compute it).

use serde::{Deserialize, Serialize};

/// Supply-risk threshold of the EU list.
pub const SR_THRESHOLD: f64 = 1.0;
/// Economic-importance threshold of the EU list.
pub const EI_THRESHOLD: f64 = 2.8;
/// The rule in words.
pub const EU_RULE: &str = "critical if SR ≥ 1 and EI ≥ 2.8 (European Commission 2017 CRM \
                           guidelines); derisk computes SR, EI is given with the request \
                           (--ei or --params)";

/// Why the classification came out as it did.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClassificationBasis {
    /// SR ≥ 1 and EI ≥ 2.8: critical.
    BothThresholdsMet,
    /// SR < 1: not critical, whatever EI is.
    SrBelowThreshold,
    /// SR ≥ 1 but EI < 2.8: not critical.
    EiBelowThreshold,
    /// SR ≥ 1 and no EI given: undecidable.
    EiNotGiven,
    /// No SR (neither stage could be assessed): undecidable.
    SrUnknown,
    /// SR is known only as a range that spans 1: undecidable.
    SrRangeSpansThreshold,
}

/// The EU classification of one mineral for the importer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuClassification {
    pub sr: Option<f64>,
    pub ei: Option<f64>,
    /// `Some(true)` iff SR ≥ 1 and EI ≥ 2.8; `Some(false)` when SR < 1 (even without EI)
    /// or EI < 2.8; `None` when it cannot be decided.
    pub critical: Option<bool>,
    pub basis: ClassificationBasis,
    pub rule: String,
}

impl EuClassification {
    /// The rule on SR, or on SR's range when only a range is known (its high end below 1:
    /// not critical; its low end at 1 or more: as for a point; otherwise undecidable).
    pub fn with_range(
        sr: Option<f64>,
        range: Option<(f64, f64)>,
        ei: Option<f64>,
    ) -> EuClassification {
        match (sr, range) {
            (None, Some((_, high))) if high < SR_THRESHOLD => {
                EuClassification::new(Some(high), ei).keeping_sr(None)
            }
            (None, Some((low, _))) if low >= SR_THRESHOLD => {
                EuClassification::new(Some(low), ei).keeping_sr(None)
            }
            (None, Some(_)) => EuClassification {
                sr: None,
                ei,
                critical: None,
                basis: ClassificationBasis::SrRangeSpansThreshold,
                rule: EU_RULE.to_string(),
            },
            _ => EuClassification::new(sr, ei),
        }
    }

    fn keeping_sr(mut self, sr: Option<f64>) -> EuClassification {
        self.sr = sr;
        self
    }

    pub fn new(sr: Option<f64>, ei: Option<f64>) -> EuClassification {
        let basis = match (sr, ei) {
            (None, _) => ClassificationBasis::SrUnknown,
            (Some(s), _) if s < SR_THRESHOLD => ClassificationBasis::SrBelowThreshold,
            (Some(_), None) => ClassificationBasis::EiNotGiven,
            (Some(_), Some(e)) if e < EI_THRESHOLD => ClassificationBasis::EiBelowThreshold,
            (Some(_), Some(_)) => ClassificationBasis::BothThresholdsMet,
        };
        let critical = match basis {
            ClassificationBasis::BothThresholdsMet => Some(true),
            ClassificationBasis::SrBelowThreshold | ClassificationBasis::EiBelowThreshold => {
                Some(false)
            }
            ClassificationBasis::EiNotGiven
            | ClassificationBasis::SrUnknown
            | ClassificationBasis::SrRangeSpansThreshold => None,
        };
        EuClassification {
            sr,
            ei,
            critical,
            basis,
            rule: EU_RULE.to_string(),
        }
    }
}
