//! The one weighted-concentration kernel behind EU supply risk's `HHI_WGI,t` and the
//! USGS-style disruption potential: `Σ_c s_c² · w_c`.

use crate::error::{in_range, AnalysisError, Result};
use derisk_model::CountryCode;
use std::collections::BTreeSet;

/// `Σ_c s_c² · w_c` over `(country, share, weight)`, shares as fractions.
///
/// Checks what every weighted HHI needs: each share in [0, 1], the shares summing to at
/// most 1, each country once, each weight finite and at least 0. The caller checks what is
/// particular to its weights (a WGI scale, a positive trade factor) before calling.
/// `context` names the sum in errors ("the HHI_WGI,t suppliers").
pub fn weighted_hhi(
    rows: impl IntoIterator<Item = (CountryCode, f64, f64)>,
    context: &str,
) -> Result<f64> {
    let mut seen = BTreeSet::new();
    let (mut sum, mut h) = (0.0, 0.0);
    for (country, share, weight) in rows {
        if !seen.insert(country) {
            return Err(AnalysisError::DuplicateCountry {
                country: country.to_string(),
                context: context.to_string(),
            });
        }
        in_range(
            format!("share of {country}"),
            share,
            0.0,
            1.0,
            "a fraction in [0, 1]",
        )?;
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(AnalysisError::InvalidValue {
                what: format!("weight of {country} in {context}"),
                value: weight,
                expected: "a finite number >= 0".into(),
            });
        }
        sum += share;
        h += share * share * weight;
    }
    if sum > 1.0 + 1e-6 {
        return Err(AnalysisError::InvalidValue {
            what: format!("sum of shares in {context}"),
            value: sum,
            expected: "at most 1".into(),
        });
    }
    Ok(h)
}
