//! Small datasets built in code for the analysis tests.
#![allow(dead_code)]

use derisk_analysis::Engine;
use derisk_model::{
    Area, Basis, CountryCode, CountryGroup, Coverage, Dataset, Date, DemandRecord, Evidence,
    ExportRestriction, Flag, GovernanceDimension, GovernanceRecord, GroupMember, HsCarrier, HsCode,
    MassUnit, Measure, MeasureType, MembershipStatus, Mineral, MineralForm, MineralId,
    Nomenclature, Observation, Provenance, RestrictionTargets, Source, SourceId, Stage, TradeFlow,
    Unit, Year,
};

pub fn c(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

pub fn y(v: u16) -> Year {
    Year::try_from(v).unwrap()
}

pub fn hs(v: u32) -> HsCode {
    HsCode::try_from(v).unwrap()
}

pub fn tonnes() -> Unit {
    Unit::mass(MassUnit::Tonne, Basis::Content)
}

/// An engine over a copy of `ds` (tests keep their dataset to vary it).
pub fn engine(ds: &Dataset) -> Engine {
    Engine::new(ds.clone())
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[track_caller]
pub fn assert_close(a: f64, b: f64) {
    assert!(close(a, b), "{a} != {b}");
}

pub fn mineral(id: &str, carriers: &[(u32, Stage, f64)]) -> Mineral {
    Mineral {
        id: MineralId::try_from(id).unwrap(),
        name: id.to_string(),
        symbol: "X".into(),
        form: MineralForm::Element,
        stages: vec![Stage::Mining, Stage::Refining],
        hs: carriers
            .iter()
            .map(|(h, s, f)| HsCarrier {
                nomenclature: Nomenclature::Hs1992,
                hs: hs(*h),
                description: format!("product {h}"),
                stage: s.clone(),
                content_factor: *f,
                factor_basis: "test".into(),
                forms: Vec::new(),
            })
            .collect(),
        eol_rir: None,
        contained_basis: derisk_model::Basis::Content,
        note: String::new(),
    }
}

/// A source entry stating only what absence from its tables means.
pub fn source(id: &str, coverage: Option<Coverage>) -> Source {
    Source {
        id: SourceId::new(id),
        publisher: id.into(),
        title: id.into(),
        edition: "test".into(),
        licence: "test".into(),
        attribution: id.into(),
        url: String::new(),
        taken: String::new(),
        caveats: String::new(),
        coverage,
    }
}

/// A production observation. `area`: ISO3, "WORLD" or "OTHER"; `value` None = withheld.
#[allow(clippy::too_many_arguments)]
pub fn prod(
    mineral: &str,
    stage: Stage,
    area: &str,
    year: u16,
    value: Option<f64>,
    unit: Unit,
    evidence: Evidence,
    source: &str,
) -> Observation {
    let area = match area {
        "WORLD" => Area::World,
        "OTHER" => Area::Other,
        a => Area::Country(c(a)),
    };
    Observation {
        mineral: MineralId::try_from(mineral).unwrap(),
        stage,
        measure: Measure::Production,
        area,
        year: y(year),
        value,
        unit,
        flag: if value.is_some() {
            Flag::Reported
        } else {
            Flag::Withheld
        },
        evidence,
        provenance: Provenance {
            source: SourceId::new(source),
            table: "test".into(),
            note: None,
        },
    }
}

/// Production in contained tonnes from a statistical report `usgs`.
pub fn usgs(mineral: &str, stage: Stage, area: &str, year: u16, value: Option<f64>) -> Observation {
    prod(
        mineral,
        stage,
        area,
        year,
        value,
        tonnes(),
        Evidence::StatisticalReport,
        "usgs",
    )
}

pub fn flow(year: u16, exp: &str, imp: &str, code: u32, value: f64, qty: Option<f64>) -> TradeFlow {
    TradeFlow {
        year: y(year),
        exporter: c(exp),
        importer: c(imp),
        nomenclature: Nomenclature::Hs1992,
        hs: hs(code),
        value_kusd: value,
        quantity_t: qty,
    }
}

/// All six WGI estimates of a country and year set to `mean`.
pub fn wgi(country: &str, year: u16, mean: f64) -> Vec<GovernanceRecord> {
    GovernanceDimension::ALL
        .iter()
        .map(|d| GovernanceRecord {
            country: c(country),
            year: y(year),
            dimension: *d,
            estimate: mean,
            std_err: None,
            percentile_rank: None,
        })
        .collect()
}

pub fn group(id: &str, members: &[&str]) -> CountryGroup {
    CountryGroup {
        id: id.into(),
        name: id.into(),
        description: String::new(),
        as_of: "2024-01-01".into(),
        source_url: String::new(),
        members: members
            .iter()
            .map(|m| GroupMember {
                country: c(m),
                status: MembershipStatus::Member,
                since: None,
                via: None,
            })
            .collect(),
    }
}

pub fn restriction(
    id: &str,
    country: &str,
    mineral: &str,
    measure: MeasureType,
    start: &str,
    end: Option<&str>,
) -> ExportRestriction {
    ExportRestriction {
        id: id.into(),
        country: c(country),
        minerals: vec![MineralId::try_from(mineral).unwrap()],
        stages: HsCarrier::STAGES
            .iter()
            .map(|s| Stage::try_from(*s).unwrap())
            .collect(),
        hs: vec![],
        measure,
        targets: RestrictionTargets::everyone(),
        start: Date::parse(start).unwrap(),
        end: end.map(|e| Date::parse(e).unwrap()),
        suspensions: Vec::new(),
        summary: String::new(),
        source_url: String::new(),
    }
}

pub fn demand(mineral: &str, sector: &str, year: u16, kt: f64, source: &str) -> DemandRecord {
    DemandRecord {
        mineral: MineralId::try_from(mineral).unwrap(),
        scenario: "historical".into(),
        sector: sector.into(),
        year: y(year),
        value_kt: kt,
        provenance: Provenance {
            source: SourceId::new(source),
            table: "test".into(),
            note: None,
        },
    }
}
