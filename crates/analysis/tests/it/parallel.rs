//! Questions answered on several threads (`map_queries`) equal, bit for bit, the same
//! questions on one: the import profiles of every mineral and year, and the peer-scope rows
//! the benchmark writes (`benches/support/full.rs`), on the embedded data and (ignored
//! without DERISK_RAW_DATA) on the full BACI history.

#[path = "../../benches/support/full.rs"]
mod full;

use derisk_analysis::{map_queries, Engine, Importer};
use derisk_model::Year;

/// Debug text keeps every bit of a float (shortest round-trip form), so equal text is
/// equal results.
fn text<T: std::fmt::Debug>(v: &T) -> String {
    format!("{v:?}")
}

#[test]
fn import_profiles_are_the_same_on_any_number_of_threads() {
    let engine = Engine::new(derisk_data::snapshot::embedded().unwrap());
    let groups: Vec<Importer> = engine
        .groups()
        .iter()
        .map(Importer::group)
        .filter(|g| !g.members.is_empty())
        .collect();
    let mut tasks: Vec<(String, Year)> = Vec::new();
    for m in engine.minerals().iter().filter(|m| !m.hs.is_empty()) {
        tasks.extend(engine.trade().years().map(|y| (m.id.to_string(), y)));
    }
    assert!(tasks.len() > 100, "{} tasks", tasks.len());
    let ask = |threads| {
        map_queries(&engine, &tasks, threads, |q, (m, y)| {
            q.import_profiles(m, *y, None, &groups)
        })
    };
    let one = ask(1);
    assert!(one.iter().filter(|r| r.is_ok()).count() > 100);
    let one_text = text(&one);
    for threads in [2, 3, 8] {
        assert_eq!(text(&ask(threads)), one_text, "{threads} threads");
    }
}

#[test]
fn answers_come_back_in_the_order_asked() {
    let engine = Engine::new(derisk_data::snapshot::embedded().unwrap());
    let items: Vec<usize> = (0..1000).collect();
    for threads in [1, 2, 5] {
        let back = map_queries(&engine, &items, threads, |_, &i| i * 2);
        assert_eq!(back, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }
    assert!(map_queries(&engine, &[] as &[u8], 4, |_, _| 0).is_empty());
}

#[test]
fn peer_scope_rows_are_the_same_on_any_number_of_threads() {
    let ds = derisk_data::snapshot::embedded().unwrap();
    let importers = full::importers(&ds);
    let engine = Engine::new(ds);
    let one = full::peer_scope(&engine, &importers);
    assert!(one.0.len() > 100 && one.1.len() > 1000);
    let one_text = text(&one);
    for threads in [2, 3] {
        let many = full::peer_scope_threads(&engine, &importers, threads);
        assert_eq!(text(&many), one_text, "{threads} threads");
    }
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn full_history_peer_scope_is_the_same_on_any_number_of_threads() {
    assert!(
        std::env::var_os("DERISK_RAW_DATA").is_some(),
        "DERISK_RAW_DATA is not set: this test reads the full BACI history"
    );
    let path = full::baci_path().unwrap();
    let mut ds = derisk_data::snapshot::embedded().unwrap();
    let (one_thread, _) = full::full_baci_threads(&ds, &path, 1).unwrap();
    let (two_threads, _) = full::full_baci_threads(&ds, &path, 2).unwrap();
    assert_eq!(one_thread, two_threads);
    ds.trade = one_thread;
    let importers = full::importers(&ds);
    let engine = Engine::new(ds);
    let one = full::peer_scope(&engine, &importers);
    assert_eq!(one.1.len(), 119_823);
    let one_text = text(&one);
    for threads in [2, 4] {
        let many = full::peer_scope_threads(&engine, &importers, threads);
        assert_eq!(text(&many), one_text, "{threads} threads");
    }
}
