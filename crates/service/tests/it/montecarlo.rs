//! Monte Carlo through the service on the embedded snapshot: shards merge into the whole
//! run's bytes, the calibration reproduces the events it was fitted on, probability files
//! override and are checked line by line, and bad requests are usage errors.

use derisk_analysis::Engine;
use derisk_service::montecarlo::calibration::ProbabilityBasis;
use derisk_service::montecarlo::{MonteCarloRequest, NamedText, Shard};
use derisk_service::{Service, ServiceError, UsageError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

fn req(minerals: &[&str], runs: u64, seed: u64) -> MonteCarloRequest {
    MonteCarloRequest::new(minerals.iter().map(|s| s.to_string()).collect(), runs, seed)
}

fn usage(e: ServiceError) -> UsageError {
    match e {
        ServiceError::Usage(u) => u,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

#[test]
fn shards_merge_into_the_whole_runs_bytes() {
    let mut r = req(&["gallium", "cobalt"], 12_000, 7);
    r.importer = Some("IND,JPN,USA".into());
    let whole = service().montecarlo(&r, 2, &|_, _| {}).unwrap();
    let shards: Vec<(String, _)> = (1..=4)
        .map(|i| {
            let mut s = r.clone();
            s.shard = Some(Shard { index: i, count: 4 });
            let out = service().montecarlo_shard(&s, 1, &|_, _| {}).unwrap();
            // Through JSON, as shard files travel.
            let text = serde_json::to_string(&out).unwrap();
            (
                format!("shard{i}.json"),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect();
    let merged = service().montecarlo_merge(&shards).unwrap();
    assert_eq!(
        serde_json::to_string(&merged).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
    // Three of four shards leave scenarios out; a shard twice covers some twice.
    let e = usage(service().montecarlo_merge(&shards[..3]).unwrap_err());
    assert!(e.to_string().contains("missing"), "{e}");
    let twice = vec![shards[0].clone(), shards[0].clone()];
    let e = usage(service().montecarlo_merge(&twice).unwrap_err());
    assert!(e.to_string().contains("covered twice"), "{e}");
    // A shard of another seed is refused by name.
    let mut other = r.clone();
    other.seed = 8;
    other.shard = Some(Shard { index: 2, count: 4 });
    let o = service().montecarlo_shard(&other, 1, &|_, _| {}).unwrap();
    let mixed = vec![shards[0].clone(), ("other.json".to_string(), o)];
    let e = usage(service().montecarlo_merge(&mixed).unwrap_err());
    assert!(e.to_string().contains("other.json"), "{e}");
}

#[test]
fn calibration_fits_the_events_it_counts_and_probabilities_follow_it() {
    let r = service()
        .montecarlo(&req(&["gallium"], 2_000, 1), 2, &|_, _| {})
        .unwrap();
    let c = &r.calibration;
    assert!(c.fit.observed > 10, "{c:?}");
    assert!((c.fit.fitted - c.fit.observed as f64).abs() < 1e-6 * c.fit.observed as f64);
    // Less stability and a history of restrictions both raise the rate.
    assert!(c.fit.coefficients[1] < 0.0, "{:?}", c.fit.coefficients);
    assert!(c.fit.coefficients[2] > 0.0, "{:?}", c.fit.coefficients);
    assert!(c.fit.coefficients[3] > 0.0, "{:?}", c.fit.coefficients);
    let m = &r.minerals[0];
    let chn = m
        .suppliers
        .iter()
        .find(|s| s.country.as_str() == "CHN")
        .unwrap();
    let deu = m
        .suppliers
        .iter()
        .find(|s| s.country.as_str() == "DEU")
        .unwrap();
    assert!(chn.annual_probability > deu.annual_probability);
    assert!(matches!(
        chn.basis,
        ProbabilityBasis::Fitted { history: true, .. }
    ));
}

#[test]
fn a_probability_file_overrides_and_is_checked_by_line() {
    let mut r = req(&["gallium"], 3_000, 3);
    r.importer = Some("JPN".into());
    r.probabilities = Some(NamedText {
        name: "p.toml".into(),
        text: "[severity]\ncut_min = 1.0\ncut_max = 1.0\nduration_min_months = 12\nduration_max_months = 12\n\n[[supplier]]\ncountry = \"CHN\"\nmineral = \"gallium\"\nannual_probability = 0.0\n".into(),
    });
    let none = service().montecarlo(&r, 1, &|_, _| {}).unwrap();
    let m = &none.minerals[0];
    assert!(m.suppliers.iter().all(|s| s.country.as_str() != "CHN"));
    let bad = |text: &str| {
        let mut b = r.clone();
        b.probabilities = Some(NamedText {
            name: "p.toml".into(),
            text: text.into(),
        });
        usage(service().montecarlo(&b, 1, &|_, _| {}).unwrap_err()).to_string()
    };
    let e = bad("[[supplier]]\ncountry = \"CHN\"\nannual_probability = 1.5\n");
    assert!(e.contains("p.toml, line 3, annual_probability"), "{e}");
    let e = bad("[[supplier]]\ncountry = \"Atlantis\"\nannual_probability = 0.5\n");
    assert!(e.contains("line 2, country"), "{e}");
    let e = bad("[[supplier]]\ncountry = \"CHN\"\nannual_probability = 0.5\ncolour = 1\n");
    assert!(e.contains("line 4"), "{e}");
    let e = bad("[severity]\ncut_min = 0.5\ncut_max = 0.2\nduration_min_months = 1\nduration_max_months = 2\n");
    assert!(e.contains("line 3, cut_max"), "{e}");
}

#[test]
fn bad_requests_are_usage_errors() {
    let check = |r: MonteCarloRequest, field: &str| {
        let e = usage(service().montecarlo(&r, 1, &|_, _| {}).unwrap_err());
        assert!(e.to_string().contains(field), "{field}: {e}");
    };
    check(req(&["gallium"], 0, 1), "runs");
    let mut r = req(&["gallium"], 10, 1);
    r.level = 0.9555;
    check(r, "level");
    let mut r = req(&["gallium"], 10, 1);
    r.horizon_months = 0;
    check(r, "horizon_months");
    let mut r = req(&["gallium"], 10, 1);
    r.stage = Some("smelting".into());
    check(r, "stage");
    let mut r = req(&["gallium"], 10, 1);
    r.shard = Some(Shard { index: 5, count: 4 });
    check(r, "shard");
    check(req(&["unobtainium"], 10, 1), "unobtainium");
}

#[test]
fn all_minerals_for_india_runs_every_traded_mineral_or_says_why_not() {
    let mut r = req(&["all"], 500, 7);
    r.importer = Some("IND".into());
    let out = service().montecarlo(&r, 2, &|_, _| {}).unwrap();
    let tracked = service()
        .engine()
        .minerals()
        .iter()
        .filter(|m| !m.hs.is_empty())
        .count();
    assert_eq!(out.minerals.len() + out.skipped.len(), tracked);
    assert!(out.minerals.len() >= 20, "{}", out.minerals.len());
    for m in &out.minerals {
        assert_eq!(m.importers.len(), 1);
        assert_eq!(m.importers[0].importer.as_str(), "IND");
        assert!(m.importers[0].demand_t > 0.0);
    }
    for s in &out.skipped {
        assert!(!s.reason.is_empty());
    }
}
