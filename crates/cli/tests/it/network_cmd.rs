//! `derisk chokepoints` and `derisk dependence --look-through` on the embedded data.

use crate::common::{json, table, usage_error};
use derisk_analysis::network::LayerId;
use derisk_model::Stage;
use derisk_service::chokepoints::ChokepointsResponse;
use derisk_service::dependence::DependenceResponse;

#[test]
fn graphite_chokepoints_rank_china_first_and_name_the_stage() {
    let r: ChokepointsResponse = json(&["chokepoints", "--mineral", "graphite"]);
    let first = &r.chokepoints.world.nodes[0];
    assert_eq!(first.node.country.as_str(), "CHN");
    assert_eq!(first.node.stage, Stage::Mining);
    assert!(first.cut_share > 0.6, "{}", first.cut_share);
    // Cuts are ranked, and a pair cuts at least its larger member.
    let cuts: Vec<f64> = r.chokepoints.world.nodes.iter().map(|n| n.cut_t).collect();
    assert!(cuts.windows(2).all(|w| w[0] >= w[1]));
    let pair = &r.chokepoints.world.pairs[0];
    assert!(pair.cut_t >= first.cut_t);
    let text = table(&["chokepoints", "--mineral", "graphite"]);
    assert!(text.contains("CHN") && text.contains("mining"));
}

#[test]
fn cobalt_chokepoints_for_korea_measure_its_imports() {
    let r: ChokepointsResponse = json(&[
        "chokepoints",
        "--mineral",
        "cobalt",
        "--year",
        "2023",
        "--importer",
        "KOR",
    ]);
    assert_eq!(r.chokepoints.measured_at, LayerId::Refined);
    let world = &r.chokepoints.world.nodes[0];
    assert_eq!(
        (world.node.country.as_str(), &world.node.stage),
        ("CHN", &Stage::Refining)
    );
    let korea = r.chokepoints.importer.as_ref().unwrap();
    assert_eq!(korea.nodes[0].node.country.as_str(), "COD");
    // Refining (China) is far more concentrated than mining (the DRC).
    let hidden = &r.chokepoints.hidden[0];
    assert_eq!(
        (hidden.stage.clone(), hidden.leader.as_str()),
        (Stage::Refining, "CHN")
    );
}

#[test]
fn korea_cobalt_look_through_shows_china_as_supplier_and_the_drc_as_origin() {
    let r: DependenceResponse = json(&[
        "dependence",
        "--importer",
        "KOR",
        "--mineral",
        "cobalt",
        "--look-through",
    ]);
    let l = r.look_through.unwrap().imports.unwrap();
    let refined = l
        .layers
        .iter()
        .find(|x| x.layer == LayerId::Refined)
        .unwrap();
    assert_eq!(refined.direct[0].country.as_str(), "CHN");
    assert_eq!(l.origin[0].country.as_str(), "COD");
    let sum: f64 = l.origin.iter().map(|o| o.share).sum::<f64>() + l.unattributed_share;
    assert!((sum - 1.0).abs() < 1e-9);
    let text = table(&[
        "dependence",
        "--importer",
        "KOR",
        "--mineral",
        "cobalt",
        "--look-through",
    ]);
    assert!(text.contains("mine origin") && text.contains("COD"));
}

#[test]
fn without_the_flag_the_dependence_json_has_no_look_through() {
    let r: DependenceResponse = json(&["dependence", "--importer", "KOR", "--mineral", "cobalt"]);
    assert!(r.look_through.is_none());
}

#[test]
fn look_through_needs_a_mineral_and_chokepoints_a_known_one() {
    usage_error(&["dependence", "--importer", "KOR", "--look-through"]);
    usage_error(&["chokepoints", "--mineral", "unobtainium"]);
}

/// World supply counts the output of countries the production table does not name, so a
/// refiner's share matches the publisher's: IEA puts China at 78 % of refined cobalt in
/// 2024 (Critical Minerals Data Explorer 2025); summing only the named refiners gave 87 %.
#[test]
fn china_cobalt_refining_share_matches_the_published_world_total() {
    let r: ChokepointsResponse = json(&["chokepoints", "--mineral", "cobalt", "--year", "2024"]);
    let w = &r.chokepoints.world;
    assert!(w.unnamed_t > 0.0, "{}", w.unnamed_t);
    let chn = w
        .nodes
        .iter()
        .find(|n| n.node.country.as_str() == "CHN" && n.node.stage == Stage::Refining)
        .unwrap();
    assert!((chn.cut_share - 0.78).abs() < 0.01, "{}", chn.cut_share);
}
