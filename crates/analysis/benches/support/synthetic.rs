//! A deterministic synthetic dataset shaped like the real one (countries trading a few HS
//! codes per mineral every year, production tables, governance), for benchmarks that must
//! run without the embedded snapshot.

use derisk_model::{
    Area, Basis, CountryCode, CountryGroup, Dataset, Evidence, Flag, GovernanceDimension,
    GovernanceRecord, GroupMember, HsCarrier, HsCode, MassUnit, Measure, MembershipStatus, Mineral,
    MineralForm, MineralId, Nomenclature, Observation, Provenance, SourceId, Stage, TradeFlow,
    TradeTable, Unit, Year,
};

/// Size of the synthetic dataset.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub minerals: usize,
    pub countries: usize,
    pub years: u16,
    /// Exporters per (year, HS code); each ships to `partners` importers.
    pub exporters: usize,
    pub partners: usize,
    pub producers: usize,
}

impl Default for Shape {
    /// About the size of the critical-minerals BACI extract: 20 minerals × 2 codes × 8
    /// years × 600 flows ≈ 190,000 flows.
    fn default() -> Self {
        Shape {
            minerals: 20,
            countries: 150,
            years: 8,
            exporters: 40,
            partners: 15,
            producers: 15,
        }
    }
}

/// A small linear congruential generator: deterministic, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

fn code(i: usize) -> CountryCode {
    let b = |k: usize| (b'A' + (k % 26) as u8) as char;
    let s: String = [b(i / 676), b(i / 26), b(i)].iter().collect();
    CountryCode::try_from(s.as_str()).expect("three upper-case letters")
}

pub fn dataset(shape: Shape) -> Dataset {
    let mut rng = Lcg(42);
    let countries: Vec<CountryCode> = (0..shape.countries).map(code).collect();
    let years: Vec<Year> = (0..shape.years)
        .map(|k| Year::try_from(2015 + k).expect("valid year"))
        .collect();
    let prov = || Provenance {
        source: SourceId::new("synthetic"),
        table: "synthetic".into(),
        note: None,
    };
    let mut minerals = Vec::new();
    let mut observations = Vec::new();
    let mut flows = Vec::new();
    for m in 0..shape.minerals {
        let id = MineralId::try_from(format!("mineral-{m}").as_str()).expect("slug");
        let carriers = [(Stage::Mining, 0.1), (Stage::Refining, 0.5)];
        let hs: Vec<HsCarrier> = carriers
            .iter()
            .enumerate()
            .map(|(k, (stage, f))| HsCarrier {
                nomenclature: Nomenclature::Hs1992,
                hs: HsCode::try_from(100_000 + (m * 10 + k) as u32).expect("six digits"),
                description: format!("product {k}"),
                stage: stage.clone(),
                content_factor: *f,
                factor_basis: "synthetic".into(),
                forms: Vec::new(),
            })
            .collect();
        for &year in &years {
            for carrier in &hs {
                let mut total = 0.0;
                for p in 0..shape.producers {
                    let v = 1_000.0 * rng.unit() / (p + 1) as f64;
                    total += v;
                    observations.push(Observation {
                        mineral: id.clone(),
                        stage: carrier.stage.clone(),
                        measure: Measure::Production,
                        area: Area::Country(countries[rng.below(countries.len())]),
                        year,
                        value: Some(v),
                        unit: Unit::mass(MassUnit::Tonne, Basis::Content),
                        flag: Flag::Reported,
                        evidence: Evidence::StatisticalReport,
                        provenance: prov(),
                    });
                }
                observations.push(Observation {
                    mineral: id.clone(),
                    stage: carrier.stage.clone(),
                    measure: Measure::Production,
                    area: Area::World,
                    year,
                    value: Some(total * 1.1),
                    unit: Unit::mass(MassUnit::Tonne, Basis::Content),
                    flag: Flag::Reported,
                    evidence: Evidence::StatisticalReport,
                    provenance: prov(),
                });
                let mut pairs = std::collections::BTreeSet::new();
                for _ in 0..shape.exporters * shape.partners {
                    let e = countries[rng.below(countries.len())];
                    let i = countries[rng.below(countries.len())];
                    if e != i {
                        pairs.insert((e, i));
                    }
                }
                for (e, i) in pairs {
                    let q = 10.0 + 1_000.0 * rng.unit();
                    flows.push(TradeFlow {
                        year,
                        exporter: e,
                        importer: i,
                        nomenclature: carrier.nomenclature,
                        hs: carrier.hs,
                        value_kusd: q * 3.0,
                        quantity_t: (rng.below(20) != 0).then_some(q),
                    });
                }
            }
        }
        minerals.push(Mineral {
            id,
            name: format!("Mineral {m}"),
            symbol: "X".into(),
            form: MineralForm::Element,
            stages: vec![Stage::Mining, Stage::Refining],
            hs,
            eol_rir: Some(0.1),
            contained_basis: derisk_model::Basis::Content,
            note: String::new(),
        });
    }
    // Duplicate producers drawn at random would be duplicate figures: keep the first.
    observations.sort_by(|a, b| {
        (&a.mineral, &a.stage, a.year, a.area).cmp(&(&b.mineral, &b.stage, b.year, b.area))
    });
    observations.dedup_by(|a, b| {
        (&a.mineral, &a.stage, a.year, a.area) == (&b.mineral, &b.stage, b.year, b.area)
    });
    flows.sort_by_key(|f| (f.year, f.hs, f.exporter, f.importer));
    let governance = countries
        .iter()
        .flat_map(|&c| {
            let est = 2.0 - 4.0 * rng.unit();
            GovernanceDimension::ALL.map(|d| GovernanceRecord {
                country: c,
                year: years[0],
                dimension: d,
                estimate: est,
                std_err: None,
                percentile_rank: None,
            })
        })
        .collect();
    let groups = [("g-small", 5), ("g-mid", 15), ("g-large", 27)]
        .iter()
        .map(|(id, n)| CountryGroup {
            id: id.to_string(),
            name: id.to_string(),
            description: String::new(),
            as_of: "2024-01-01".into(),
            source_url: String::new(),
            members: countries[..*n]
                .iter()
                .map(|&c| GroupMember {
                    country: c,
                    status: MembershipStatus::Member,
                    since: None,
                    via: None,
                })
                .collect(),
        })
        .collect();
    Dataset {
        minerals,
        observations: observations.into(),
        trade: TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows,
        },
        governance,
        groups,
        ..Dataset::default()
    }
}
