//! The API without sockets: every documented example succeeds, the OpenAPI document lists
//! every route with its schemas, mistakes get the right 4xx with a helpful message, saved
//! runs come back byte for byte from a fresh server, and jobs report progress and refuse
//! beyond their limit.

use crate::common::{app, post, send, state, temp_db, TOKEN};
use axum::http::StatusCode;
use derisk_server::kinds;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_example_succeeds() {
    let app = app(state(&temp_db("examples"), 2));
    let doc: Value =
        serde_json::from_str(&send(&app, "GET", "/openapi.json", None, None).await.1).unwrap();
    for k in kinds::all() {
        let path = format!("/v1/{}", k.name);
        let op = &doc["paths"][&path]["post"];
        let example = &op["requestBody"]["content"]["application/json"]["example"];
        assert!(!example.is_null(), "{path}: no example");
        let (status, body) = post(&app, &path, &example.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body.starts_with('{'), "{path}");
    }
    // The write endpoints' examples, with the token.
    for (path, want) in [
        ("/v1/runs", StatusCode::CREATED),
        ("/v1/scenarios", StatusCode::CREATED),
        ("/v1/jobs", StatusCode::ACCEPTED),
    ] {
        let example =
            &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["example"];
        assert!(!example.is_null(), "{path}: no example");
        let body = Some(example.to_string().into_bytes());
        let (status, text) = send(&app, "POST", path, body, Some(TOKEN)).await;
        assert_eq!(status, want, "{path}: {text}");
    }
    for path in [
        "/health",
        "/v1/minerals",
        "/v1/groups",
        "/v1/sources",
        "/v1/shock-library",
    ] {
        let (status, body) = send(&app, "GET", path, None, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
}

#[tokio::test]
async fn openapi_lists_every_endpoint_with_its_schemas() {
    let doc = derisk_server::openapi::document();
    let paths = doc["paths"].as_object().unwrap();
    for k in kinds::all() {
        let op = &paths[&format!("/v1/{}", k.name)]["post"];
        let req = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let resp = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        for r in [req, resp] {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(doc["components"]["schemas"][name].is_object(), "{r}");
        }
    }
    for p in [
        "/v1/runs",
        "/v1/runs/{id}",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/jobs/{id}/events",
        "/v1/scenarios",
        "/v1/scenarios/{id}",
        "/health",
    ] {
        assert!(paths.contains_key(p), "{p}");
    }
    // Every reference resolves.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling {name}"
        );
    }
}

#[tokio::test]
async fn mistakes_get_the_right_4xx_with_a_message() {
    let app = app(state(&temp_db("mistakes"), 2));
    let check = |(status, body): (StatusCode, String), want: StatusCode, says: &str| {
        assert_eq!(status, want, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{msg}");
    };
    check(
        post(&app, "/v1/concentration", "{\"mineral\": ").await,
        StatusCode::BAD_REQUEST,
        "line 1",
    );
    check(
        post(
            &app,
            "/v1/concentration",
            "{\"mineral\": \"cobalt\", \"colour\": 1}",
        )
        .await,
        StatusCode::BAD_REQUEST,
        "unknown field `colour`",
    );
    check(
        post(&app, "/v1/concentration", "{\"mineral\": \"kryptonite\"}").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "valid minerals",
    );
    check(
        post(&app, "/v1/teleport", "{}").await,
        StatusCode::NOT_FOUND,
        "the analyses are",
    );
    let big = format!(
        "{{\"mineral\": \"{}\"}}",
        "x".repeat(derisk_server::MAX_BODY + 10)
    );
    let (status, _) = post(&app, "/v1/concentration", &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    check(
        send(&app, "GET", "/v1/runs/r0000", None, None).await,
        StatusCode::NOT_FOUND,
        "no saved run",
    );
    check(
        send(&app, "GET", "/v1/jobs/j0000", None, None).await,
        StatusCode::NOT_FOUND,
        "no job",
    );
    check(
        send(&app, "GET", "/v1/scenarios/s0", None, None).await,
        StatusCode::NOT_FOUND,
        "no saved scenario",
    );
    let run = br#"{"kind": "concentration", "request": {"mineral": "cobalt"}}"#.to_vec();
    check(
        send(&app, "POST", "/v1/runs", Some(run.clone()), None).await,
        StatusCode::UNAUTHORIZED,
        "token",
    );
    check(
        send(&app, "POST", "/v1/runs", Some(run), Some("nope")).await,
        StatusCode::FORBIDDEN,
        "wrong",
    );
    let job = br#"{"kind": "concentration", "request": {"mineral": "cobalt"}}"#.to_vec();
    check(
        send(&app, "POST", "/v1/jobs", Some(job), Some(TOKEN)).await,
        StatusCode::BAD_REQUEST,
        "long analyses",
    );
    let bad_scenario = br#"{"name": "s.toml", "text": "mineral = 3"}"#.to_vec();
    check(
        send(
            &app,
            "POST",
            "/v1/scenarios",
            Some(bad_scenario),
            Some(TOKEN),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "s.toml, line 1",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_run_comes_back_byte_for_byte_from_a_fresh_server() {
    let db = temp_db("runs");
    let saved = {
        let app = app(state(&db, 2));
        let body = br#"{"kind": "montecarlo", "request": {"importer": "IND", "minerals": ["gallium"], "runs": 5000, "seed": 9}}"#;
        let (status, text) = send(&app, "POST", "/v1/runs", Some(body.to_vec()), Some(TOKEN)).await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        text
    };
    let v: Value = serde_json::from_str(&saved).unwrap();
    let id = v["id"].as_str().unwrap();
    assert_eq!(v["seed"], 9);
    assert_eq!(v["snapshot"], "test-snapshot");
    // A new server on the same file.
    let app = app(state(&db, 2));
    let (status, fetched) = send(&app, "GET", &format!("/v1/runs/{id}"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, saved);
    // And the result is what the analysis computes now, byte for byte.
    let (_, again) = post(&app, "/v1/montecarlo", &v["request"].to_string()).await;
    assert_eq!(again, v["result"].to_string());
    let result_text = &saved[saved.find("\"result\":").unwrap() + 9..saved.len() - 1];
    assert_eq!(result_text, again);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_report_progress_and_refuse_beyond_the_limit() {
    let app = app(state(&temp_db("jobs"), 1));
    let start = |seed: u64| {
        format!(r#"{{"kind": "montecarlo", "request": {{"minerals": ["all"], "runs": 300000, "seed": {seed}}}}}"#)
            .into_bytes()
    };
    let (status, body) = send(&app, "POST", "/v1/jobs", Some(start(1)), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = send(&app, "POST", "/v1/jobs", Some(start(2)), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("retry"), "{body}");
    // Poll until done; progress only grows.
    let mut last = 0;
    let run_id = loop {
        let (_, s) = send(&app, "GET", &format!("/v1/jobs/{id}"), None, None).await;
        let v: Value = serde_json::from_str(&s).unwrap();
        let done = v["done"].as_u64().unwrap();
        assert!(done >= last);
        last = done;
        match v["state"].as_str().unwrap() {
            "running" => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            "done" => break v["run_id"].as_str().unwrap().to_string(),
            other => panic!("{other}: {s}"),
        }
    };
    assert!(last > 0);
    let (status, _) = send(&app, "GET", &format!("/v1/runs/{run_id}"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    // The slot is free again; the event stream of a finished job ends with `done`.
    let (status, body) = send(&app, "POST", "/v1/jobs", Some(start(3)), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let (status, events) = send(&app, "GET", &format!("/v1/jobs/{id}/events"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(events.contains("event: done"), "{events}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_scenario_runs_by_id() {
    let app = app(state(&temp_db("scenarios"), 2));
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/gallium-2023.toml"
    ))
    .unwrap();
    let body = serde_json::json!({"name": "gallium.toml", "text": text}).to_string();
    let (status, s) = send(
        &app,
        "POST",
        "/v1/scenarios",
        Some(body.into_bytes()),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let id = serde_json::from_str::<Value>(&s).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, by_id) = post(&app, "/v1/shock", &format!(r#"{{"saved": "{id}"}}"#)).await;
    assert_eq!(status, StatusCode::OK, "{by_id}");
    let (_, by_lib) = post(&app, "/v1/shock", r#"{"library": "gallium-2023"}"#).await;
    let total =
        |t: &str| serde_json::from_str::<Value>(t).unwrap()["result"]["total_shortfall_t"].clone();
    assert_eq!(total(&by_id), total(&by_lib));
}
