//! Production published on an oxide, other equivalent or gross basis, read as contained
//! tonnes through the dataset's content factors: value × scale × factor, a published 0 as
//! 0 on any basis, and no figure where there is no factor.

use crate::common::*;
use derisk_analysis::{Conversion, Importer, MemberProduction, Overlay, ProductionBasis};
use derisk_model::{
    Basis, ContentFactor, Coverage, Dataset, Evidence, MassUnit, MineralId, SourceId, Stage, Unit,
};
use std::collections::BTreeSet;

const METAL: u32 = 280_480; // refining stage, 1 t As per t

fn as2o3() -> Basis {
    Basis::Equivalent("As2O3".into())
}

fn unit(scale: MassUnit, basis: Basis) -> Unit {
    Unit::mass(scale, basis)
}

fn factor(source: &str, from: Basis, factor: f64) -> ContentFactor {
    ContentFactor {
        source: SourceId::new(source),
        mineral: MineralId::try_from("arsenic").unwrap(),
        stage: Stage::Refining,
        from,
        factor,
        factor_basis: "test".into(),
    }
}

/// Arsenic refining in 2024 from a table of the main producers ("usgs") printed in t As2O3,
/// with the stoichiometric factor 0.7574; the USA imports 600 t of metal and exports 100 t.
fn arsenic(usa: Option<f64>) -> Dataset {
    let r = Stage::Refining;
    let obs = |area: &str, v: Option<f64>| {
        prod(
            "arsenic",
            r.clone(),
            area,
            2024,
            v,
            unit(MassUnit::Tonne, as2o3()),
            Evidence::StatisticalReport,
            "usgs",
        )
    };
    Dataset {
        minerals: vec![mineral("arsenic", &[(METAL, r.clone(), 1.0)])],
        observations: vec![obs("CHN", Some(24_000.0)), obs("USA", usa)].into(),
        trade: derisk_model::TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows: vec![
                flow(2024, "CHN", "USA", METAL, 600.0, Some(600.0)),
                flow(2024, "USA", "MEX", METAL, 100.0, Some(100.0)),
            ],
        },
        sources: vec![source("usgs", Some(Coverage::TopProducers))],
        content_factors: vec![factor("usgs", as2o3(), 0.7574)],
        ..Dataset::default()
    }
}

fn member(ds: &Dataset, country: &str) -> MemberProduction {
    engine(ds).production().member_production(
        "arsenic",
        &Stage::Refining,
        y(2024),
        c(country),
        &Overlay::default(),
    )
}

#[test]
fn an_as2o3_figure_converts_at_the_stoichiometric_factor() {
    let ds = arsenic(Some(1_000.0));
    match member(&ds, "USA") {
        MemberProduction::Tonnes {
            tonnes,
            source,
            converted: Some(Conversion::Factor { from, factor, .. }),
            ..
        } => {
            assert_close(tonnes, 757.4);
            assert_eq!(source, SourceId::new("usgs"));
            assert_eq!((from, factor), (as2o3(), 0.7574));
        }
        other => panic!("expected converted tonnes, got {other:?}"),
    }
    // The same figure in kt: value × scale × factor.
    let mut kt = ds.clone();
    for o in &mut kt.observations {
        o.unit = unit(MassUnit::Kilotonne, as2o3());
        o.value = o.value.map(|v| v / 1_000.0);
    }
    assert_close(member(&kt, "USA").tonnes().unwrap(), 757.4);
    // It enters the NIR: (600 − 100) / (757.4 + 600 − 100).
    let usa = Importer::country(c("USA"));
    let d = engine(&ds)
        .query()
        .dependence(&usa, "arsenic", y(2024), Some(&Stage::Refining), None)
        .unwrap();
    assert_close(d.balances[0].production.tonnes.unwrap(), 757.4);
    assert_close(d.nir.unwrap(), 500.0 / 1_257.4);
}

#[test]
fn a_figure_without_a_factor_stays_not_comparable() {
    let mut ds = arsenic(Some(1_000.0));
    ds.content_factors.clear();
    assert_eq!(
        member(&ds, "USA"),
        MemberProduction::NotComparable {
            unit: unit(MassUnit::Tonne, as2o3())
        }
    );
    // A factor for another source, or another basis, does not apply.
    ds.content_factors = vec![
        factor("wmd", as2o3(), 0.7574),
        factor("usgs", Basis::Gross("arsenic trioxide".into()), 0.7574),
    ];
    assert!(matches!(
        member(&ds, "USA"),
        MemberProduction::NotComparable { .. }
    ));
    // And the total is unknown, never a partial sum.
    let p = engine(&ds).production().production_contained(
        "arsenic",
        &Stage::Refining,
        y(2024),
        &BTreeSet::from([c("CHN"), c("USA")]),
        &Overlay::default(),
    );
    assert_eq!(p.tonnes, None);
    assert!(matches!(p.basis, ProductionBasis::Unknown { .. }));
}

#[test]
fn a_factor_less_gross_figure_stays_not_comparable() {
    let mut ds = arsenic(None);
    let gross = Basis::Gross("arsenic concentrate".into());
    ds.observations = vec![prod(
        "arsenic",
        Stage::Refining,
        "USA",
        2024,
        Some(50.0),
        unit(MassUnit::Kilotonne, gross.clone()),
        Evidence::StatisticalReport,
        "usgs",
    )]
    .into();
    assert_eq!(
        member(&ds, "USA"),
        MemberProduction::NotComparable {
            unit: unit(MassUnit::Kilotonne, gross)
        }
    );
}

#[test]
fn zero_on_any_basis_is_zero_contained_tonnes() {
    // A 0 in gross weight of a product with no factor at all.
    let mut ds = arsenic(None);
    let gross = Basis::Gross("arsenic concentrate".into());
    ds.observations = vec![prod(
        "arsenic",
        Stage::Refining,
        "USA",
        2024,
        Some(0.0),
        unit(MassUnit::Kilotonne, gross.clone()),
        Evidence::StatisticalReport,
        "usgs",
    )]
    .into();
    let m = member(&ds, "USA");
    assert_eq!(
        m,
        MemberProduction::Tonnes {
            tonnes: 0.0,
            source: SourceId::new("usgs"),
            flag: derisk_model::Flag::Reported,
            converted: Some(Conversion::ZeroOnAnyBasis { from: gross }),
        }
    );
    assert_eq!(m.tonnes(), Some(0.0));
    // With a factor, the 0 is still read as a 0 of the product, not through the factor.
    let ds = arsenic(Some(0.0));
    assert!(matches!(
        member(&ds, "USA"),
        MemberProduction::Tonnes {
            tonnes,
            converted: Some(Conversion::ZeroOnAnyBasis { .. }),
            ..
        } if tonnes == 0.0
    ));
    // A withheld figure on a basis with a factor is withheld: unknown, never 0.
    let ds = arsenic(None);
    assert!(matches!(
        member(&ds, "USA"),
        MemberProduction::Withheld { .. }
    ));
}

#[test]
fn a_figure_on_the_contained_basis_wins_at_equal_evidence() {
    let mut ds = arsenic(Some(1_000.0));
    // "wmd" (sorted after "usgs") prints the USA in contained tonnes.
    ds.observations.push(prod(
        "arsenic",
        Stage::Refining,
        "USA",
        2024,
        Some(700.0),
        tonnes(),
        Evidence::StatisticalReport,
        "wmd",
    ));
    ds.sources
        .push(source("wmd", Some(Coverage::Comprehensive)));
    assert!(matches!(
        member(&ds, "USA"),
        MemberProduction::Tonnes { tonnes, converted: None, .. } if tonnes == 700.0
    ));
    // Weaker evidence on the contained basis loses to a converted statistical figure.
    for o in &mut ds.observations {
        if o.provenance.source.as_str() == "wmd" {
            o.evidence = Evidence::IeaDataset;
        }
    }
    assert!(matches!(
        member(&ds, "USA"),
        MemberProduction::Tonnes {
            converted: Some(Conversion::Factor { .. }),
            ..
        }
    ));
}

/// At equal evidence, a figure converted from a chemical equivalent (exact stoichiometry)
/// wins over one converted from a gross weight through a grade assumption, whatever the
/// source order.
#[test]
fn an_equivalent_wins_over_a_gross_weight_at_equal_evidence() {
    let mut ds = arsenic(None);
    let ore = Basis::Gross("arsenic ore".into());
    ds.observations = vec![
        prod(
            "arsenic",
            Stage::Refining,
            "USA",
            2024,
            Some(10.0),
            unit(MassUnit::Kilotonne, ore.clone()),
            Evidence::StatisticalReport,
            "a-gross",
        ),
        prod(
            "arsenic",
            Stage::Refining,
            "USA",
            2024,
            Some(1_000.0),
            unit(MassUnit::Tonne, as2o3()),
            Evidence::StatisticalReport,
            "usgs",
        ),
    ]
    .into();
    ds.content_factors.push(factor("a-gross", ore, 0.3));
    assert!(matches!(
        member(&ds, "USA"),
        MemberProduction::Tonnes { tonnes, source, .. }
            if close(tonnes, 757.4) && source.as_str() == "usgs"
    ));
}
