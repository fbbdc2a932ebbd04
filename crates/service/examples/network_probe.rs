//! Print a mineral's network, an importer's look-through and the chokepoints (a probe).
//! usage: cargo run --release -p derisk-service --example network_probe -- cobalt 2023 KOR
use derisk_analysis::Engine;
use std::collections::BTreeSet;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = Engine::new(derisk_data::snapshot::embedded().unwrap());
    let year = derisk_model::Year::try_from(args[2].parse::<u16>().unwrap()).unwrap();
    let q = engine.query();
    let t = std::time::Instant::now();
    let n = q.network(&args[1], year).unwrap();
    let built = t.elapsed();
    let t = std::time::Instant::now();
    let o = n.origins();
    let solved = t.elapsed();
    println!(
        "{} countries; built {built:?}, origins {solved:?}",
        n.countries.len()
    );
    for a in &n.assumptions {
        println!("assumption: {a:?}");
    }
    let members: BTreeSet<_> =
        [derisk_model::CountryCode::try_from(args[3].as_str()).unwrap()].into();
    if let Some(l) = o.look_through(&n, &members) {
        println!(
            "imports {:.0} t; unattributed {:.3}",
            l.imports_t, l.unattributed_share
        );
        for la in &l.layers {
            println!(
                " layer {:?} {:.0} t: {:?}",
                la.layer,
                la.imports_t,
                la.direct
                    .iter()
                    .take(3)
                    .map(|d| (d.country.to_string(), (d.share * 1000.0).round() / 10.0))
                    .collect::<Vec<_>>()
            );
        }
        for d in l.direct.iter().take(5) {
            println!("  direct {} {:.3}", d.country, d.share);
        }
        for d in l.origin.iter().take(5) {
            println!("  origin {} {:.3}", d.country, d.share);
        }
    }
    let c = n.chokepoints(&o, Some(&members));
    println!(
        "measured at {:?}, world supply {:.0}",
        c.measured_at, c.world.supply_t
    );
    for k in c.world.nodes.iter().take(6) {
        println!(
            "  {} {} cut {:.3}",
            k.node.country, k.node.stage, k.cut_share
        );
    }
    for k in c.world.pairs.iter().take(3) {
        println!(
            "  pair {} {} + {} {} cut {:.3}",
            k.first.country, k.first.stage, k.second.country, k.second.stage, k.cut_share
        );
    }
    for h in &c.hidden {
        println!("  hidden {h:?}");
    }
    if let Some(i) = &c.importer {
        for k in i.nodes.iter().take(5) {
            println!(
                "  importer {} {} cut {:.3}",
                k.node.country, k.node.stage, k.cut_share
            );
        }
    }
}
