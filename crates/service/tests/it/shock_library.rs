//! The scenario library against the restrictions table: every library scenario agrees with
//! the records its events name (country, mineral, stage, kind, targets, exceptions, the
//! months in force with their suspensions), the check catches a scenario that departs from
//! them, and a `restriction` the table lacks or that does not fit its event is an error
//! naming the file, line and field.

use derisk_analysis::shock::EventKind;
use derisk_analysis::Engine;
use derisk_service::shock_library::{library_names, library_text};
use derisk_service::{Service, ServiceError, UsageError};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

#[test]
fn every_library_scenario_agrees_with_the_restrictions_table() {
    for name in library_names() {
        let s = service().library_scenario(name).unwrap();
        assert!(s.start.is_some(), "{name}: no start month");
        // Every export event replays a record.
        let linked: BTreeSet<usize> = s.restrictions.iter().map(|r| r.event).collect();
        for (i, e) in s.events.iter().enumerate() {
            if e.kind != EventKind::DemandSurge {
                assert!(
                    linked.contains(&i),
                    "{name}: event {} names no restriction",
                    i + 1
                );
            }
        }
        let d = service().scenario_agreement(&s);
        assert!(
            d.is_empty(),
            "{name} departs from the restrictions table:\n{}",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn the_library_replays_the_real_controls() {
    let r = service().shock_library().unwrap();
    let ids: BTreeSet<&str> = r
        .scenarios
        .iter()
        .flat_map(|s| s.restrictions.iter().map(String::as_str))
        .collect();
    for id in [
        "chn-gallium-germanium-licence-2023",
        "chn-graphite-licence-2023",
        "chn-antimony-licence-2024",
        "chn-us-dual-use-ban-2024",
        "chn-medium-heavy-rare-earths-licence-2025",
        "chn-rare-earths-extraterritorial-2025",
        "idn-nickel-ore-export-ban-2020",
        "cod-cobalt-export-suspension-2025",
        "cod-cobalt-export-quota-2025",
    ] {
        assert!(ids.contains(id), "no library scenario replays {id}");
    }
    // Each mineral of the US-only ban has its scenario.
    let us: BTreeSet<&str> = r
        .scenarios
        .iter()
        .filter(|s| {
            s.restrictions
                .iter()
                .any(|x| x == "chn-us-dual-use-ban-2024")
        })
        .map(|s| s.mineral.id.as_str())
        .collect();
    assert_eq!(us, BTreeSet::from(["antimony", "gallium", "germanium"]));
    // Every scenario runs; only germanium's layer has no trade (stated, not a zero).
    for s in &r.scenarios {
        let run = service()
            .shock(service().library_scenario(&s.name).unwrap())
            .unwrap();
        assert_eq!(
            run.layer_trade_t > 0.0,
            s.mineral.id != "germanium",
            "{}: layer trade {}",
            s.name,
            run.layer_trade_t
        );
    }
}

/// A library scenario's text with `from` replaced by `to`, checked against the table: the
/// fields that disagree.
fn disagreeing_fields(name: &str, from: &str, to: &str) -> Vec<String> {
    let text = library_text(name).unwrap();
    assert!(text.contains(from), "{name} has no {from:?}");
    let s = service()
        .scenario("mutated.toml", &text.replacen(from, to, 1))
        .unwrap();
    service()
        .scenario_agreement(&s)
        .into_iter()
        .map(|d| d.field)
        .collect()
}

#[test]
fn the_check_catches_a_scenario_that_departs_from_its_record() {
    // A month late: the first month has no event while the licence is in force.
    assert_eq!(
        disagreeing_fields(
            "graphite-2023",
            "start = \"2023-12\"",
            "start = \"2023-11\""
        ),
        ["start_month"]
    );
    // Past the suspension of November 2025.
    assert_eq!(
        disagreeing_fields(
            "us-ban-2024-gallium",
            "duration_months = 11",
            "duration_months = 13"
        ),
        ["start_month"]
    );
    // A horizon that stops before the suspension would not show it.
    assert!(disagreeing_fields(
        "us-ban-2024-gallium",
        "horizon_months = 14",
        "horizon_months = 11"
    )
    .contains(&"horizon_months".to_string()));
    // Other targets than the record's.
    assert_eq!(
        disagreeing_fields(
            "us-ban-2024-antimony",
            "targets = [\"USA\"]",
            "targets = [\"USA\", \"JPN\"]"
        ),
        ["targets"]
    );
    assert_eq!(
        disagreeing_fields(
            "nickel-2020",
            "duration_months = 12",
            "duration_months = 12\nexempt = [\"CHN\"]"
        ),
        ["exempt"]
    );
    // A ban is a full stop; a suspension's end is the quota's start.
    assert_eq!(
        disagreeing_fields("nickel-2020", "cut = 1.0", "cut = 0.9"),
        ["kind"]
    );
    assert_eq!(
        disagreeing_fields("cobalt-2025", "duration_months = 7", "duration_months = 8"),
        ["start_month"]
    );
}

/// The scenario error: file, line, field.
fn in_file(text: &str) -> (usize, String, String) {
    match service().scenario("s.toml", text) {
        Err(ServiceError::Usage(UsageError::InFile {
            file,
            line,
            field,
            message,
        })) => {
            assert_eq!(file, "s.toml");
            (line, field, message)
        }
        other => panic!("{other:?}"),
    }
}

const HEAD: &str = "name = \"t\"\nmineral = \"graphite\"\nbase_year = 2023\nstage = \"mining\"\nhorizon_months = 6\nstart = \"2023-12\"\n\n[[events]]\nkind = \"export_ban\"\ncut = 1.0\nstart_month = 1\nduration_months = 2\n";

#[test]
fn a_restriction_the_table_lacks_or_that_does_not_fit_is_an_error_at_its_line() {
    let ok = format!("{HEAD}country = \"CHN\"\nrestriction = \"chn-graphite-licence-2023\"\n");
    let s = service().scenario("s.toml", &ok).unwrap();
    assert_eq!(s.restrictions.len(), 1);
    assert_eq!(s.start.unwrap().to_string(), "2023-12-01");

    let (line, field, message) = in_file(&ok.replace("licence-2023", "licence-2022"));
    assert_eq!((line, field.as_str()), (14, "restriction"));
    assert!(message.contains("chn-graphite-licence-2023"), "{message}");
    // Another country's measure.
    let (line, field, message) = in_file(&ok.replace("\"CHN\"", "\"MOZ\""));
    assert_eq!((line, field.as_str()), (14, "restriction"));
    assert!(message.contains("CHN"), "{message}");
    // Another mineral's.
    let (_, field, message) =
        in_file(&ok.replace("chn-graphite-licence-2023", "chn-antimony-licence-2024"));
    assert_eq!(field, "restriction");
    assert!(message.contains("not graphite"), "{message}");
    // Another layer's: the graphite licence covers mining only.
    let (_, field, message) = in_file(&ok.replace("stage = \"mining\"", "stage = \"refining\""));
    assert_eq!(field, "restriction");
    assert!(message.contains("refining layer"), "{message}");
    // A malformed start.
    let (line, field, _) = in_file(&ok.replace("2023-12\"", "2023-13\""));
    assert_eq!((line, field.as_str()), (6, "start"));
    let (_, field, _) = in_file(&ok.replace("2023-12\"", "2023-12-01\""));
    assert_eq!(field, "start");
}

#[test]
fn an_unknown_library_name_lists_the_library() {
    let e = service().library_scenario("graphite-2032").unwrap_err();
    let text = e.to_string();
    assert!(text.contains("library:graphite-2023"), "{text}");
    assert!(matches!(e, ServiceError::Usage(_)));
}
