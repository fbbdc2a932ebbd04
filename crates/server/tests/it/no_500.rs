//! No input yields a 500: generated bodies (the real field names with values of every type,
//! unknown fields, truncated and non-JSON bytes) sent to every endpoint get 2xx or 4xx.

use crate::common::{app, send, state, temp_db, TOKEN};
use axum::Router;
use derisk_server::kinds;
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::sync::OnceLock;

fn app_and_runtime() -> &'static (Router, tokio::runtime::Runtime) {
    static A: OnceLock<(Router, tokio::runtime::Runtime)> = OnceLock::new();
    A.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        (app(state(&temp_db("no500"), 4)), rt)
    })
}

/// Field names of every request schema, and a few that exist nowhere.
fn field_names() -> Vec<String> {
    let mut names = vec![
        "colour".to_string(),
        "".into(),
        "kind".into(),
        "request".into(),
    ];
    for k in kinds::all() {
        let s = (k.request)().to_value();
        if let Some(p) = s["properties"].as_object() {
            names.extend(p.keys().cloned());
        }
    }
    names.sort();
    names.dedup();
    names
}

fn leaf() -> impl Strategy<Value = Value> {
    let words = [
        "IND",
        "USA",
        "eu27",
        "quad",
        "cobalt",
        "gallium",
        "rare-earths",
        "all",
        "refining",
        "mining",
        "Atlantis",
        "",
        "é",
        "2024",
        "0.95",
        "library:gallium-2023",
        "gallium-2023",
        "IND:rare-earths:refining:100",
        "-1",
    ];
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..5_000).prop_map(Value::from),
        (-2.0f64..2.0).prop_map(Value::from),
        prop::sample::select(words.to_vec()).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(field_names()), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec((prop::sample::select(field_names()), value()), 0..6)
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()).to_string().into_bytes()),
        1 => value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => value().prop_map(|v| { let s = v.to_string().into_bytes(); s[..s.len() / 2].to_vec() }),
    ]
}

fn paths() -> Vec<String> {
    let mut p: Vec<String> = kinds::all()
        .iter()
        .map(|k| format!("/v1/{}", k.name))
        .collect();
    p.extend(
        [
            "/v1/runs",
            "/v1/jobs",
            "/v1/scenarios",
            "/v1/shock",
            "/v1/nothing",
        ]
        .map(String::from),
    );
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn no_request_gets_a_500(
        path in prop::sample::select(paths()),
        body in body(),
        token in prop::sample::select(vec![None, Some(TOKEN), Some("x")]),
    ) {
        let (app, rt) = app_and_runtime();
        let (status, text) = rt.block_on(send(app, "POST", &path, Some(body), token));
        prop_assert!(!status.is_server_error(), "{path}: {status}: {text}");
    }

    #[test]
    fn no_get_gets_a_500(id in "\\PC{0,20}", which in 0usize..3) {
        let (app, rt) = app_and_runtime();
        let base = ["/v1/runs/", "/v1/jobs/", "/v1/scenarios/"][which];
        let path = format!("{base}{}", id.replace(|c: char| !c.is_ascii_alphanumeric(), "x"));
        let (status, text) = rt.block_on(send(app, "GET", &path, None, None));
        prop_assert!(!status.is_server_error(), "{path}: {status}: {text}");
    }
}
