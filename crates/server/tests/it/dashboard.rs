//! The dashboard's routes: the page, its bundle and the scenario texts its editor opens.

use crate::common::{app, send, state, temp_db};
use axum::http::StatusCode;

#[tokio::test]
async fn the_page_and_its_assets_are_served_from_the_binary() {
    let app = app(state(&temp_db("dashboard"), 1));
    let (status, page) = send(&app, "GET", "/", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/assets/app.js") && page.contains("/assets/app.css"));
    assert!(page.contains("Natural Earth"), "the map data is credited");
    for asset in ["/assets/app.js", "/assets/app.css"] {
        let (status, body) = send(&app, "GET", asset, None, None).await;
        assert_eq!(status, StatusCode::OK, "{asset}");
        assert!(body.len() > 1000, "{asset}");
    }
    // The bundle fetches only the API it is served with: no absolute URL to load from.
    let (_, js) = send(&app, "GET", "/assets/app.js", None, None).await;
    assert!(
        !js.contains("fetch(\"http"),
        "the bundle fetches an absolute URL"
    );
    let (status, _) = send(&app, "GET", "/assets/nope.js", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_library_scenario_text_opens_for_editing() {
    let app = app(state(&temp_db("library-text"), 1));
    let (status, body) = send(&app, "GET", "/v1/shock-library/gallium-2023", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["name"], "gallium-2023");
    assert!(v["text"].as_str().unwrap().contains("[[events]]"));
    let (status, body) = send(&app, "GET", "/v1/shock-library/atlantis", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("/v1/shock-library"), "{body}");
}
