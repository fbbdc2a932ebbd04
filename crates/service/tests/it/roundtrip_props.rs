//! Every response type round-trips through JSON to identical bytes, not only for the
//! answers the embedded data happens to give: real responses have their numbers replaced
//! by arbitrary finite floats (extremes, subnormals, negative zero included) and must
//! still read back and write out unchanged.

use derisk_analysis::Engine;
use derisk_service::brief::{BriefRequest, BriefResponse};
use derisk_service::concentration::{ConcentrationRequest, ConcentrationResponse};
use derisk_service::criticality::{CriticalityRequest, CriticalityResponse};
use derisk_service::dependence::{DependenceRequest, DependenceResponse};
use derisk_service::production::{ProductionRequest, ProductionResponse};
use derisk_service::Service;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

/// Replace every float of `v` (in document order) by the next of `floats`, cycling.
fn replace_floats(v: &mut Value, floats: &[f64], i: &mut usize) {
    match v {
        Value::Number(n) if n.is_f64() && !floats.is_empty() => {
            let x = floats[*i % floats.len()];
            *i += 1;
            if let Some(num) = serde_json::Number::from_f64(x) {
                *v = Value::Number(num);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| replace_floats(x, floats, i)),
        Value::Object(o) => o.values_mut().for_each(|x| replace_floats(x, floats, i)),
        _ => {}
    }
}

/// The response with its floats replaced, read back as `T`, must write the same bytes.
fn check<T: Serialize + DeserializeOwned>(response: &T, floats: &[f64]) {
    let mut v = serde_json::to_value(response).unwrap();
    replace_floats(&mut v, floats, &mut 0);
    let text = serde_json::to_string(&v).unwrap();
    let typed: T = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&typed).unwrap(), text);
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE / 3.0),
        Just(f64::MAX),
        Just(1e-300),
        (0.0..1.0f64),
    ]
}

fn brief() -> &'static BriefResponse {
    static R: OnceLock<BriefResponse> = OnceLock::new();
    R.get_or_init(|| service().brief(&BriefRequest::new("eu27")).unwrap())
}

fn concentration() -> &'static ConcentrationResponse {
    static R: OnceLock<ConcentrationResponse> = OnceLock::new();
    R.get_or_init(|| {
        service()
            .concentration(&ConcentrationRequest::new("rare-earths"))
            .unwrap()
    })
}

fn dependence() -> &'static DependenceResponse {
    static R: OnceLock<DependenceResponse> = OnceLock::new();
    R.get_or_init(|| {
        service()
            .dependence(&DependenceRequest::new("eu27", "cobalt"))
            .unwrap()
    })
}

/// One country with a published NIR: the comparison is in the response.
fn dependence_usa() -> &'static DependenceResponse {
    static R: OnceLock<DependenceResponse> = OnceLock::new();
    R.get_or_init(|| {
        let r = service()
            .dependence(&DependenceRequest::new("USA", "graphite"))
            .unwrap();
        assert!(r.published_nir.is_some());
        r
    })
}

fn criticality() -> &'static CriticalityResponse {
    static R: OnceLock<CriticalityResponse> = OnceLock::new();
    R.get_or_init(|| {
        let mut req = CriticalityRequest::new("IND");
        req.mineral = Some("graphite".into());
        service().criticality(&req).unwrap()
    })
}

fn production() -> &'static ProductionResponse {
    static R: OnceLock<ProductionResponse> = OnceLock::new();
    R.get_or_init(|| {
        service()
            .production(&ProductionRequest::new("lithium"))
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn brief_responses_round_trip(floats in prop::collection::vec(finite(), 1..64)) {
        check(brief(), &floats);
    }

    #[test]
    fn concentration_responses_round_trip(floats in prop::collection::vec(finite(), 1..64)) {
        check(concentration(), &floats);
    }

    #[test]
    fn dependence_responses_round_trip(floats in prop::collection::vec(finite(), 1..64)) {
        check(dependence(), &floats);
    }

    #[test]
    fn dependence_responses_with_a_published_nir_round_trip(
        floats in prop::collection::vec(finite(), 1..64),
    ) {
        check(dependence_usa(), &floats);
    }

    #[test]
    fn criticality_responses_round_trip(floats in prop::collection::vec(finite(), 1..64)) {
        check(criticality(), &floats);
    }

    #[test]
    fn production_responses_round_trip(floats in prop::collection::vec(finite(), 1..64)) {
        check(production(), &floats);
    }
}
