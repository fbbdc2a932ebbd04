//! derisk's hand-encoded reference tables, embedded from `data/reference/*.csv`: the mineral
//! catalogue with the HS codes that carry each mineral (and their content factors), export
//! restrictions, country groups and sources.
//!
//! The tables are parsed as strictly as any external file: every id, HS code, date, country
//! and list item is checked, duplicates are errors naming both lines, and unknown countries are
//! listed together. Each parser has a `_from_reader(s)` form that takes a file label and a
//! reader, so tests can feed malformed fixtures.
//!
//! ```
//! let minerals = derisk_data::reference::minerals().unwrap();
//! let lithium = minerals.iter().find(|m| m.id.as_str() == "lithium").unwrap();
//! let carbonate = lithium.hs.iter().find(|c| c.hs.get() == 283691).unwrap();
//! assert!((carbonate.content_factor - 0.1879).abs() < 5e-4);
//! ```

mod agreements;
pub(crate) mod fields;
mod groups;
mod minerals;
mod restrictions;

use crate::countries::CountryResolver;
use crate::error::Result;
use derisk_model::{CountryGroup, ExportRestriction, Mineral, TradeAgreement};
use std::collections::BTreeMap;
use std::io::Read;

pub use crate::sources::{sources, sources_from_reader, SOURCES_CSV, SOURCES_FILE};

pub const MINERALS_FILE: &str = "data/reference/minerals.csv";
pub const MINERALS_CSV: &str = include_str!("../../../data/reference/minerals.csv");
pub const HS_CARRIERS_FILE: &str = "data/reference/hs_carriers.csv";
pub const HS_CARRIERS_CSV: &str = include_str!("../../../data/reference/hs_carriers.csv");
pub const UNIT_VALUE_BANDS_FILE: &str = "data/reference/unit_value_bands.csv";
pub const UNIT_VALUE_BANDS_CSV: &str = include_str!("../../../data/reference/unit_value_bands.csv");
pub const RESTRICTIONS_FILE: &str = "data/reference/export_restrictions.csv";
pub const RESTRICTIONS_CSV: &str = include_str!("../../../data/reference/export_restrictions.csv");
pub const TRADE_AGREEMENTS_FILE: &str = "data/reference/trade_agreements.csv";
pub const TRADE_AGREEMENTS_CSV: &str = include_str!("../../../data/reference/trade_agreements.csv");
pub const SUSPENSIONS_FILE: &str = "data/reference/export_restriction_suspensions.csv";
pub const SUSPENSIONS_CSV: &str =
    include_str!("../../../data/reference/export_restriction_suspensions.csv");
pub const GROUPS_FILE: &str = "data/reference/groups.csv";
pub const GROUPS_CSV: &str = include_str!("../../../data/reference/groups.csv");
pub const GROUP_MEMBERS_FILE: &str = "data/reference/group_members.csv";
pub const GROUP_MEMBERS_CSV: &str = include_str!("../../../data/reference/group_members.csv");
pub const SOURCE_COMMODITIES_FILE: &str = "data/reference/source_commodities.csv";
pub const SOURCE_COMMODITIES_CSV: &str =
    include_str!("../../../data/reference/source_commodities.csv");

/// The mineral catalogue with its HS carriers, from the embedded `minerals.csv` and
/// `hs_carriers.csv`, with the unit-value bands of `unit_value_bands.csv` attached to their
/// carriers. Sorted by id; each mineral's `stages` are the stages of its carriers
/// (the assembler adds stages seen in observations) and `eol_rir` is `None` (see
/// [`eol_rir_from_commodity_map`]).
pub fn minerals() -> Result<Vec<Mineral>> {
    let mut m = minerals_from_readers(
        MINERALS_FILE,
        MINERALS_CSV.as_bytes(),
        HS_CARRIERS_FILE,
        HS_CARRIERS_CSV.as_bytes(),
    )?;
    unit_value_bands_from_reader(
        UNIT_VALUE_BANDS_FILE,
        UNIT_VALUE_BANDS_CSV.as_bytes(),
        &mut m,
    )?;
    Ok(m)
}

/// Attach the unit-value bands read from `input` (`unit_value_bands.csv` layout:
/// `mineral,nomenclature,hs,form,lower_usd_per_kg,upper_usd_per_kg,content_factor,basis`)
/// to the carriers of `minerals` ([`HsCarrier::forms`](derisk_model::HsCarrier::forms),
/// sorted by lower bound). Every error names file, line, field, value and what was
/// expected: a mineral not in `minerals`, a code that is not one of the mineral's carriers,
/// a non-numeric or negative bound, an upper bound not above the lower, a factor outside
/// [0, 1], an empty form or basis, a form repeated for a code, a band overlapping another
/// band of its code.
pub fn unit_value_bands_from_reader<R: Read>(
    file: &str,
    input: R,
    minerals: &mut [Mineral],
) -> Result<()> {
    minerals::attach_bands(file, input, minerals, HS_CARRIERS_FILE)
}

/// [`minerals`] from any two readers, each labelled for error messages. Rejects unknown
/// minerals in the carrier table, unknown nomenclatures, malformed HS codes, a
/// (nomenclature, code) mapped twice (its trade would count twice), stages outside
/// [`HsCarrier::STAGES`](derisk_model::HsCarrier::STAGES) and content factors outside
/// (0, 1].
pub fn minerals_from_readers<M: Read, C: Read>(
    minerals_file: &str,
    minerals: M,
    carriers_file: &str,
    carriers: C,
) -> Result<Vec<Mineral>> {
    minerals::parse(minerals_file, minerals, carriers_file, carriers)
}

/// End-of-life recycling input rates (fraction 0–1) by mineral id, read from the
/// `commodity,eol_recycling_input_rate_2023` columns of World Mining Data's commodity map
/// (`wmd/commodity_hs_map.csv`). Commodity names are mapped to minerals through the
/// `wmd-2025` rows of the embedded `source_commodities.csv`; commodities outside the
/// catalogue and empty rates are left out, an unmapped commodity name is an error.
pub fn eol_rir_from_commodity_map<R: Read>(file: &str, input: R) -> Result<BTreeMap<String, f64>> {
    let wmd =
        minerals::wmd_commodities(SOURCE_COMMODITIES_FILE, SOURCE_COMMODITIES_CSV.as_bytes())?;
    minerals::eol_rir(file, input, &wmd, SOURCE_COMMODITIES_FILE)
}

/// Export restrictions from the embedded `export_restrictions.csv` and
/// `export_restriction_suspensions.csv`, checked against the countries the resolver knows,
/// the catalogue `minerals` and the country `groups`. Sorted by id.
pub fn restrictions(
    resolver: &CountryResolver,
    minerals: &[Mineral],
    groups: &[CountryGroup],
) -> Result<Vec<ExportRestriction>> {
    restrictions_from_readers(
        RESTRICTIONS_FILE,
        RESTRICTIONS_CSV.as_bytes(),
        SUSPENSIONS_FILE,
        SUSPENSIONS_CSV.as_bytes(),
        resolver,
        minerals,
        groups,
    )
}

/// [`restrictions`] from any two readers (measures, suspensions). Rejects repeated ids,
/// unknown minerals, stages outside [`HsCarrier::STAGES`](derisk_model::HsCarrier::STAGES),
/// HS codes that are not six digits or that carry a mineral the row does not list at a
/// stage it does not list, a measure other than ban/quota/licence/tax/suspension, targets
/// that are neither `all` nor ISO3 codes and known group ids, dates that do not exist, an
/// end before the start, URLs that are not http(s); suspensions of unknown measure ids,
/// outside the measure's period, or overlapping another suspension of the same measure.
/// Unknown country codes (in `country`, `targets` and `except`) are listed together in one
/// [`ImportError::UnknownCountries`](crate::ImportError).
#[allow(clippy::too_many_arguments)]
pub fn restrictions_from_readers<R: Read, S: Read>(
    file: &str,
    input: R,
    suspensions_file: &str,
    suspensions: S,
    resolver: &CountryResolver,
    minerals: &[Mineral],
    groups: &[CountryGroup],
) -> Result<Vec<ExportRestriction>> {
    let cx = restrictions::Context {
        resolver,
        minerals,
        minerals_label: MINERALS_FILE,
        groups,
        groups_label: GROUPS_FILE,
    };
    restrictions::parse(file, input, suspensions_file, suspensions, &cx)
}

/// Trade agreements of groups from the embedded `trade_agreements.csv`, sorted by (party,
/// partner).
pub fn trade_agreements(
    resolver: &CountryResolver,
    groups: &[CountryGroup],
) -> Result<Vec<TradeAgreement>> {
    trade_agreements_from_reader(
        TRADE_AGREEMENTS_FILE,
        TRADE_AGREEMENTS_CSV.as_bytes(),
        resolver,
        groups,
    )
}

/// [`trade_agreements`] from any reader. Rejects an unknown party group, a partner inside
/// the party, a repeated (party, partner), a date that does not exist and a bad URL;
/// unknown country codes are listed together.
pub fn trade_agreements_from_reader<R: Read>(
    file: &str,
    input: R,
    resolver: &CountryResolver,
    groups: &[CountryGroup],
) -> Result<Vec<TradeAgreement>> {
    agreements::parse(file, input, resolver, groups)
}

/// Country groups from the embedded `groups.csv` and `group_members.csv`, sorted by id with
/// members sorted by country code.
pub fn groups(resolver: &CountryResolver) -> Result<Vec<CountryGroup>> {
    groups_from_readers(
        GROUPS_FILE,
        GROUPS_CSV.as_bytes(),
        GROUP_MEMBERS_FILE,
        GROUP_MEMBERS_CSV.as_bytes(),
        resolver,
    )
}

/// [`groups`] from any two readers. Rejects repeated group ids, members of groups that do
/// not exist, a country listed twice in one group, a `since` year after the group's
/// `as_of`, a `via` group that does not list the country, and groups without members.
pub fn groups_from_readers<G: Read, M: Read>(
    groups_file: &str,
    groups: G,
    members_file: &str,
    members: M,
    resolver: &CountryResolver,
) -> Result<Vec<CountryGroup>> {
    groups::parse(groups_file, groups, members_file, members, resolver)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISO: &str = include_str!("../tests/fixtures/iso3166_countries.csv");

    fn resolver() -> CountryResolver {
        CountryResolver::from_iso_list("iso3166_countries.csv", ISO.as_bytes())
            .map(|(r, _)| r)
            .expect("fixture ISO list parses")
    }

    #[test]
    fn embedded_tables_parse() {
        let minerals = minerals().expect("minerals");
        let resolver = resolver();
        let groups = groups(&resolver).expect("groups");
        assert!(!groups.is_empty());
        assert!(!restrictions(&resolver, &minerals, &groups)
            .expect("restrictions")
            .is_empty());
        assert!(!sources().expect("sources").is_empty());
    }

    #[test]
    fn stages_follow_carriers() {
        let minerals = minerals().expect("minerals");
        let cobalt = minerals.iter().find(|m| m.id.as_str() == "cobalt");
        let slugs: Vec<&str> = cobalt
            .map(|m| m.stages.iter().map(|s| s.slug()).collect())
            .unwrap_or_default();
        assert_eq!(slugs, ["refining", "intermediate"]);
        let indium = minerals.iter().find(|m| m.id.as_str() == "indium");
        assert!(indium.is_some_and(|m| m.hs.is_empty() && m.stages.is_empty()));
    }
}
