//! Export restrictions on the embedded snapshot: a measure reaches only the importers it
//! targets, suspensions take measures out of `--as-of` dates they cover, and a date outside
//! the table's range is a usage error.

use derisk_analysis::criticality::TradeFactorBasis;
use derisk_analysis::Engine;
use derisk_service::brief::{BriefRequest, MineralSelection};
use derisk_service::criticality::CriticalityRequest;
use derisk_service::{Service, ServiceError, UsageError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

/// China's `t` (and its basis) toward `importer` for antimony in 2024, at every stage
/// where China is among the world's suppliers.
fn china_antimony_t(importer: &str) -> Vec<(String, f64, TradeFactorBasis)> {
    let mut req = CriticalityRequest::new(importer);
    req.mineral = Some("antimony".into());
    req.year = Some(2024);
    let r = service().criticality(&req).expect("criticality");
    [&r.eu_sr.extraction, &r.eu_sr.processing]
        .into_iter()
        .flat_map(|st| {
            st.global
                .iter()
                .filter(|s| s.country.as_str() == "CHN")
                .map(|s| {
                    (
                        st.stage.slug().to_string(),
                        s.trade.t,
                        s.trade.basis.clone(),
                    )
                })
        })
        .collect()
}

#[test]
fn the_us_only_ban_raises_the_usa_antimony_t_and_not_the_eus() {
    let eu = china_antimony_t("eu27");
    let us = china_antimony_t("USA");
    assert!(!eu.is_empty());
    assert_eq!(eu.len(), us.len());
    for ((stage, t_eu, basis_eu), (_, t_us, basis_us)) in eu.iter().zip(&us) {
        // The EU's t comes from the all-destination licences (the 2023 catalogue, the
        // September 2024 licence): 1.1 on every day of 2024, never the US-only ban.
        assert!(
            matches!(basis_eu, TradeFactorBasis::ExportRestriction { id, days_in_force: 366, .. }
                if id != "chn-us-dual-use-ban-2024"),
            "{stage}: {basis_eu:?}"
        );
        assert!((t_eu - 1.1).abs() < 1e-12, "{stage}: {t_eu}");
        // The USA also has the ban from 3 December (29 days at 1.5 instead of 1.1).
        assert!(
            matches!(basis_us, TradeFactorBasis::ExportRestriction { id, .. }
                if id == "chn-us-dual-use-ban-2024"),
            "{stage}: {basis_us:?}"
        );
        let expected = (337.0 * 1.1 + 29.0 * 1.5) / 366.0;
        assert!(
            (t_us - expected).abs() < 1e-12,
            "{stage}: {t_us} vs {expected}"
        );
    }
}

fn restricted_ids(as_of: &str) -> Vec<String> {
    let mut req = BriefRequest::new("USA");
    req.minerals = MineralSelection::List(vec!["rare-earths".into()]);
    req.as_of = Some(as_of.into());
    let r = service().brief(&req).expect("brief");
    assert_eq!(r.brief.restrictions_as_of.to_string(), as_of);
    let m = &r.brief.minerals[0];
    let mut ids: Vec<String> = [&m.mining, &m.refining]
        .into_iter()
        .flatten()
        .flat_map(|s| s.restricted.iter())
        .chain(m.dependence.iter().flat_map(|d| d.restricted.iter()))
        .flat_map(|r| r.measures.iter().map(|(id, _)| id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn the_november_2025_suspension_removes_the_october_measures() {
    let oct = restricted_ids("2025-10-15");
    assert!(
        oct.iter()
            .any(|i| i == "chn-rare-earths-extraterritorial-2025"),
        "{oct:?}"
    );
    let jan = restricted_ids("2026-01-01");
    assert!(
        !jan.iter()
            .any(|i| i == "chn-rare-earths-extraterritorial-2025"),
        "{jan:?}"
    );
    // The April 2025 licences are not suspended.
    for ids in [&oct, &jan] {
        assert!(ids
            .iter()
            .any(|i| i == "chn-medium-heavy-rare-earths-licence-2025"));
    }
}

#[test]
fn as_of_outside_the_table_or_not_a_date_is_a_usage_error() {
    for given in ["2030-01-01", "2000-06-30", "2025-02-30", "2025"] {
        let mut req = BriefRequest::new("USA");
        req.minerals = MineralSelection::List(vec!["antimony".into()]);
        req.as_of = Some(given.into());
        match service().brief(&req) {
            Err(ServiceError::Usage(UsageError::Invalid {
                field, expected, ..
            })) => {
                assert_eq!(field, "as_of", "{given}");
                assert!(expected.contains("2009-01-01"), "{given}: {expected}");
            }
            other => panic!("{given}: expected a usage error, got {other:?}"),
        }
    }
}
