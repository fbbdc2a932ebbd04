//! The committed JSON Schema (`schema/*.json`) is the one the types generate, and real
//! responses validate against it.
//!
//! After changing a request or response type, regenerate with
//! `DERISK_WRITE_SCHEMA=1 cargo test -p derisk-service --test it schema` and commit `schema/`.

use derisk_analysis::Engine;
use derisk_service::brief::BriefRequest;
use derisk_service::concentration::ConcentrationRequest;
use derisk_service::coverage::CoverageRequest;
use derisk_service::dependence::DependenceRequest;
use derisk_service::published_nir::PublishedNirCheckRequest;
use derisk_service::Service;
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema"))
}

fn text(schema: &schemars::Schema) -> String {
    serde_json::to_string_pretty(schema).unwrap() + "\n"
}

#[test]
fn committed_schemas_match_the_types() {
    let write = std::env::var_os("DERISK_WRITE_SCHEMA").is_some();
    let all = derisk_service::schema::all();
    let mut stale = Vec::new();
    for (name, schema) in &all {
        let path = dir().join(format!("{name}.json"));
        let want = text(schema);
        if write {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &want).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(name.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "schema/ differs from the types for {stale:?}: regenerate with DERISK_WRITE_SCHEMA=1"
    );
    // No file in schema/ without a type behind it.
    let names: Vec<String> = all.iter().map(|(n, _)| format!("{n}.json")).collect();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let f = entry.unwrap().file_name().into_string().unwrap();
        assert!(names.contains(&f), "schema/{f} has no type");
    }
}

/// A small structural validator: types, required properties, no unknown properties where
/// the schema closes the object, enum values, `$ref`, `oneOf`/`anyOf`. Enough to catch a
/// response that drifted from its schema.
fn validate(v: &Value, s: &Value, root: &Value, path: &str) -> Result<(), String> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(v, &root["$defs"][name], root, path);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            let ok = alts
                .iter()
                .filter(|a| validate(v, a, root, path).is_ok())
                .count();
            let fine = if key == "oneOf" { ok == 1 } else { ok >= 1 };
            if !fine {
                return Err(format!("{path}: {ok} of the {key} alternatives match {v}"));
            }
        }
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for a in all {
            validate(v, a, root, path)?;
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return Err(format!("{path}: {v} is not {c}"));
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            return Err(format!("{path}: {v} not in {e:?}"));
        }
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "string" => v.is_string(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        });
        if !ok {
            return Err(format!("{path}: {v} is not {types:?}"));
        }
    }
    if let (Some(o), Some(props)) = (
        v.as_object(),
        s.get("properties").and_then(Value::as_object),
    ) {
        for req in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = req.as_str().unwrap();
            if !o.contains_key(k) {
                return Err(format!("{path}: missing {k}"));
            }
        }
        for (k, x) in o {
            match props.get(k) {
                Some(ps) => validate(x, ps, root, &format!("{path}.{k}"))?,
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{path}: unexpected {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(a), Some(items)) = (v.as_array(), s.get("items")) {
        for (i, x) in a.iter().enumerate() {
            validate(x, items, root, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn real_responses_validate_against_their_schema() {
    let service = Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap()));
    let schemas: std::collections::BTreeMap<&str, Value> = derisk_service::schema::all()
        .into_iter()
        .map(|(n, s)| (n, serde_json::to_value(s).unwrap()))
        .collect();
    let check = |name: &str, v: Value| {
        let s = &schemas[name];
        validate(&v, s, s, name).unwrap();
    };
    check(
        "brief.response",
        serde_json::to_value(service.brief(&BriefRequest::new("eu27")).unwrap()).unwrap(),
    );
    check(
        "concentration.response",
        serde_json::to_value(
            service
                .concentration(&ConcentrationRequest::new("boron"))
                .unwrap(),
        )
        .unwrap(),
    );
    check(
        "minerals.response",
        serde_json::to_value(service.minerals()).unwrap(),
    );
    check(
        "groups.response",
        serde_json::to_value(service.groups()).unwrap(),
    );
    check(
        "dependence.response",
        serde_json::to_value(
            service
                .dependence(&DependenceRequest::new("USA", "graphite"))
                .unwrap(),
        )
        .unwrap(),
    );
    check(
        "published-nir-check.response",
        serde_json::to_value(
            service
                .published_nir_check(&PublishedNirCheckRequest::new("USA"))
                .unwrap(),
        )
        .unwrap(),
    );
    check(
        "data-coverage.response",
        serde_json::to_value(
            service
                .coverage(&CoverageRequest {
                    mineral: Some("cobalt".into()),
                    ..CoverageRequest::default()
                })
                .unwrap(),
        )
        .unwrap(),
    );
    // And a response that drifted does not.
    let mut bad = serde_json::to_value(service.groups()).unwrap();
    bad["groups"][0]["members"] = Value::String("all".into());
    let s = &schemas["groups.response"];
    assert!(validate(&bad, s, s, "groups").is_err());
}
