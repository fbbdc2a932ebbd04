//! The OpenAPI 3.1 document, generated from the same request and response types the
//! service layer and the CLI use (their JSON Schemas, whose `$defs` become shared
//! components), and from the table of analyses, so it cannot drift from the routes.

use crate::kinds;
use schemars::{schema_for, Schema};
use serde_json::{json, Map, Value};

/// Move a schema's `$defs` into `components` and point its references there.
fn register(components: &mut Map<String, Value>, name: &str, schema: Schema) -> Value {
    let mut v = schema.to_value();
    if let Some(Value::Object(defs)) = v.as_object_mut().and_then(|o| o.remove("$defs")) {
        for (k, mut d) in defs {
            relink(&mut d);
            components.entry(k).or_insert(d);
        }
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("$schema");
    }
    relink(&mut v);
    components.insert(name.to_string(), v);
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn relink(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                if let Some(rest) = r.strip_prefix("#/$defs/") {
                    *r = format!("#/components/schemas/{rest}");
                }
            }
            for x in o.values_mut() {
                relink(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(relink),
        _ => {}
    }
}

fn camel(name: &str) -> String {
    name.split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn error_responses(write: bool) -> Value {
    let e = json!({ "description": "", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } });
    let mut m = Map::new();
    for (code, what) in [
        ("400", "malformed JSON or an unknown field"),
        ("413", "request body over the size limit"),
        (
            "422",
            "a request the data cannot answer as asked (unknown mineral, country, year…)",
        ),
    ] {
        let mut x = e.clone();
        x["description"] = json!(what);
        m.insert(code.into(), x);
    }
    if write {
        for (code, what) in [
            ("401", "no API token (Authorization: Bearer …)"),
            ("403", "a wrong API token"),
        ] {
            let mut x = e.clone();
            x["description"] = json!(what);
            m.insert(code.into(), x);
        }
    }
    Value::Object(m)
}

/// The whole document.
pub fn document() -> Value {
    let mut components = Map::new();
    let mut paths = Map::new();
    register(
        &mut components,
        "ErrorBody",
        schema_for!(crate::error::ErrorBody),
    );
    let job_status = register(
        &mut components,
        "JobStatus",
        schema_for!(crate::jobs::JobStatus),
    );
    let saved_run = register(
        &mut components,
        "SavedRun",
        schema_for!(crate::api::SavedRunDoc),
    );
    let run_req = register(
        &mut components,
        "RunRequest",
        schema_for!(crate::api::RunRequest),
    );
    let scen_req = register(
        &mut components,
        "ScenarioSave",
        schema_for!(crate::api::ScenarioSave),
    );
    let scen = register(
        &mut components,
        "SavedScenarioDoc",
        schema_for!(crate::api::SavedScenarioDoc),
    );
    let health = register(&mut components, "Health", schema_for!(crate::api::Health));
    for k in kinds::all() {
        let base = camel(k.name);
        let req = register(&mut components, &format!("{base}Request"), (k.request)());
        let resp = register(&mut components, &format!("{base}Response"), (k.response)());
        let example: Value = serde_json::from_str(k.example).unwrap_or(Value::Null);
        let mut responses = error_responses(false);
        responses["200"] = json!({ "description": "the analysis", "content": { "application/json": { "schema": resp } } });
        paths.insert(
            format!("/v1/{}", k.name),
            json!({ "post": {
                "operationId": k.name,
                "summary": k.summary,
                "x-job": k.job,
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": req, "example": example } } },
                "responses": responses,
            }}),
        );
    }
    let get = |summary: &str, schema: Value| {
        let mut responses = error_responses(false);
        responses["200"] = json!({ "description": summary, "content": { "application/json": { "schema": schema } } });
        json!({ "get": { "summary": summary, "responses": responses } })
    };
    let minerals = register(
        &mut components,
        "MineralsResponse",
        schema_for!(derisk_service::catalog::MineralsResponse),
    );
    let groups = register(
        &mut components,
        "GroupsResponse",
        schema_for!(derisk_service::resolve::GroupsResponse),
    );
    let sources = register(
        &mut components,
        "SourcesResponse",
        schema_for!(derisk_service::catalog::SourcesResponse),
    );
    let library = register(
        &mut components,
        "LibraryResponse",
        schema_for!(derisk_service::shock_library::LibraryResponse),
    );
    paths.insert(
        "/health".into(),
        get("server, snapshot and database status", health),
    );
    paths.insert("/v1/minerals".into(), get("the minerals tracked", minerals));
    paths.insert(
        "/v1/groups".into(),
        get("country groups and their members", groups),
    );
    paths.insert(
        "/v1/sources".into(),
        get("data sources, licences and attribution", sources),
    );
    paths.insert(
        "/v1/shock-library".into(),
        get("the scenario library", library),
    );
    paths.insert("/v1/shock-library/{name}".into(), json!({ "get": {
        "summary": "a library scenario's TOML text (to edit and run as `{\"scenario\": {\"name\", \"text\"}}`)",
        "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string" } }],
        "responses": { "200": { "description": "the scenario's name and text", "content": { "application/json": { "schema": {
            "type": "object", "required": ["name", "text"],
            "properties": { "name": { "type": "string" }, "text": { "type": "string" } } } } } },
                       "404": { "description": "no such library scenario" } } } }));
    let mut id_get = |path: &str, summary: &str, schema: Value| {
        let mut g = get(summary, schema);
        g["get"]["parameters"] = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }]);
        g["get"]["responses"]["404"] = json!({ "description": "no such id", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } });
        paths.insert(path.into(), g);
    };
    id_get(
        "/v1/runs/{id}",
        "a saved run: request, snapshot, seed and result",
        saved_run.clone(),
    );
    id_get(
        "/v1/jobs/{id}",
        "a job's progress and state",
        job_status.clone(),
    );
    id_get("/v1/scenarios/{id}", "a saved scenario file", scen.clone());
    paths.insert("/v1/jobs/{id}/events".into(), json!({ "get": {
        "summary": "a job's progress as server-sent events (`progress`, then `done` or `failed`)",
        "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
        "responses": { "200": { "description": "an event stream", "content": { "text/event-stream": {} } },
                       "404": { "description": "no such job" } } } }));
    let write = |summary: &str, req: Value, status: &str, resp: Value, example: Value| {
        let mut responses = error_responses(true);
        responses[status] = json!({ "description": summary, "content": { "application/json": { "schema": resp } } });
        json!({ "post": { "summary": summary, "security": [{ "token": [] }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": req, "example": example } } },
            "responses": responses } })
    };
    let mut jobs = write(
        "start a long analysis as a job",
        run_req.clone(),
        "202",
        job_status,
        json!({ "kind": "montecarlo", "request": { "minerals": ["gallium"], "runs": 50000, "seed": 7 } }),
    );
    jobs["post"]["responses"]["429"] = json!({ "description": "too many jobs running", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } });
    paths.insert("/v1/jobs".into(), jobs);
    paths.insert(
        "/v1/runs".into(),
        write(
            "compute an analysis and save it as a run",
            run_req,
            "201",
            saved_run,
            json!({ "kind": "concentration", "request": { "mineral": "cobalt" } }),
        ),
    );
    paths.insert("/v1/scenarios".into(), write(
        "save a scenario file (checked first)",
        scen_req,
        "201",
        scen,
        json!({ "name": "my-scenario", "text": "name = \"test\"\nmineral = \"gallium\"\nstage = \"refining\"\nhorizon_months = 6\n" }),
    ));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "derisk API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Critical-mineral supply-chain risk: the service layer's typed requests and responses over HTTP.",
            "license": { "name": "Apache-2.0" },
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } },
        },
    })
}
