//! Production figures, the mineral catalogue, the sources, the country groups and the data
//! check on the embedded snapshot: figures against the published tables, the defaults shared
//! with `concentration`, typed usage errors and JSON round trips.

use derisk_analysis::Engine;
use derisk_model::{Flag, MembershipStatus, Nomenclature, Stage, Year};
use derisk_service::catalog::{MineralsResponse, SourcesResponse};
use derisk_service::check::DataCheckResponse;
use derisk_service::concentration::ConcentrationRequest;
use derisk_service::defaults::{SourceBasis, StageBasis, YearBasis};
use derisk_service::production::{ProductionRequest, ProductionResponse};
use derisk_service::resolve::GroupsResponse;
use derisk_service::tabular::Tabular;
use derisk_service::{Service, ServiceError, UsageError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        Service::new(Engine::new(
            derisk_data::snapshot::embedded().expect("embedded snapshot"),
        ))
    })
}

fn production(mineral: &str, stage: Option<&str>, year: Option<u16>) -> ProductionResponse {
    let req = ProductionRequest {
        mineral: mineral.into(),
        stage: stage.map(String::from),
        year,
        source: None,
    };
    service()
        .production(&req)
        .unwrap_or_else(|e| panic!("{req:?}: {e}"))
}

fn production_err(req: ProductionRequest) -> ServiceError {
    match service().production(&req) {
        Ok(r) => panic!("{req:?} should fail, got {} {}", r.stage, r.year),
        Err(e) => e,
    }
}

/// `to_string` → `from_str` → `to_string` gives the same bytes.
fn round_trip<T: Serialize + DeserializeOwned>(r: &T) {
    let a = serde_json::to_string(r).unwrap();
    let back: T = serde_json::from_str(&a).unwrap();
    assert_eq!(a, serde_json::to_string(&back).unwrap());
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn cobalt_mining_2025_is_the_usgs_table() {
    // USGS MCS 2026, cobalt, world mine production 2025 (estimated), t contained:
    // COD 230,000; IDN 44,000; RUS 7,700; …; world total 310,000.
    let r = production("cobalt", None, Some(2025));
    assert_eq!(r.stage, Stage::Mining);
    assert_eq!(r.stage_basis, StageBasis::FirstWithFigures);
    assert_eq!(r.year_basis, YearBasis::Requested);
    assert_eq!(r.source.as_str(), "usgs-mcs-2026");
    assert_eq!(r.source_basis, SourceBasis::StrongestEvidence);
    assert_eq!(r.unit, "t contained");
    assert_eq!(r.world_total, Some(310_000.0));
    let top: Vec<(&str, Option<f64>)> = r
        .rows
        .iter()
        .take(3)
        .map(|x| (x.country.as_str(), x.value))
        .collect();
    assert_eq!(
        top,
        [
            ("COD", Some(230_000.0)),
            ("IDN", Some(44_000.0)),
            ("RUS", Some(7_700.0))
        ]
    );
    let cod = &r.rows[0];
    assert_eq!(cod.name, "Democratic Republic of the Congo");
    assert_eq!(cod.flag, Flag::Estimated);
    assert!(close(cod.share_of_world.unwrap(), 230_000.0 / 310_000.0));
    assert!(r
        .attribution
        .iter()
        .any(|a| a.attribution.contains("U.S. Geological Survey")));
    // AUS and PHL both print 3,700 t: ties go by code.
    let aus = r.rows.iter().position(|x| x.country.as_str() == "AUS");
    let phl = r.rows.iter().position(|x| x.country.as_str() == "PHL");
    assert!(aus < phl, "{aus:?} {phl:?}");
}

#[test]
fn lithium_usa_2025_is_withheld_never_zero() {
    let r = production("lithium", Some("mining"), Some(2025));
    let usa = r.rows.last().expect("rows");
    assert_eq!(usa.country.as_str(), "USA");
    assert_eq!(usa.flag, Flag::Withheld);
    assert_eq!(usa.value, None);
    assert_eq!(usa.share_of_world, None);
    // USGS MCS 2026: Australia 92,000 t of a 290,000 t world total.
    assert_eq!(r.rows[0].country.as_str(), "AUS");
    assert_eq!(r.rows[0].value, Some(92_000.0));
    assert_eq!(r.world_total, Some(290_000.0));
}

#[test]
fn gallium_needs_no_stage_and_no_year() {
    // Gallium has no mining stage: the default is its first stage with figures, refining,
    // and the latest year with figures, 2025 (USGS MCS 2026: China 900,000 kg of low-purity
    // primary gallium, world 900,000 kg as rounded by USGS).
    let r = production("gallium", None, None);
    assert_eq!(r.stage, Stage::Refining);
    assert_eq!(r.stage_basis, StageBasis::FirstWithFigures);
    assert_eq!(r.year.get(), 2025);
    assert_eq!(r.year_basis, YearBasis::LatestWithFigures);
    assert_eq!(r.rows[0].country.as_str(), "CHN");
    assert_eq!(r.rows[0].value, Some(900_000.0));
    assert_eq!(r.unit, "kg contained");
}

#[test]
fn rare_earths_by_their_english_name() {
    // USGS MCS 2026, rare earths, mine production 2025, t REO: China 270,000; United States
    // 51,000; world 390,000.
    let r = production("rare earths", None, None);
    assert_eq!(r.mineral.id, "rare-earths");
    assert_eq!(r.year.get(), 2025);
    assert_eq!(r.unit, "t REO");
    assert_eq!(r.world_total, Some(390_000.0));
    assert_eq!(r.rows[0].value, Some(270_000.0));
    assert_eq!(r.rows[1].country.as_str(), "USA");
    assert_eq!(r.rows[1].value, Some(51_000.0));
}

#[test]
fn other_sources_are_those_with_country_figures_in_rank_order() {
    // Cobalt mining 2024: World Mining Data lists more countries than the USGS table, so it
    // is the default; USGS and then the IEA dataset are the other sources.
    let r = production("cobalt", Some("mining"), Some(2024));
    assert_eq!(r.source.as_str(), "wmd-2025");
    let others: Vec<&str> = r.other_sources.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(others, ["usgs-mcs-2026", "iea-cmd-2025"]);
    let req = ProductionRequest {
        source: Some("iea-cmd-2025".into()),
        ..ProductionRequest::new("cobalt")
    };
    let r = service().production(&req).unwrap();
    assert_eq!(r.source_basis, SourceBasis::Requested);
    assert_eq!(r.source.as_str(), "iea-cmd-2025");
    // The latest year with IEA figures, not the latest year overall.
    assert_eq!(r.year.get(), 2024);
    assert!(r.rows.iter().all(|x| x.source.as_str() == "iea-cmd-2025"));
}

#[test]
fn share_of_world_only_in_the_world_totals_unit() {
    // USGS boron: countries in different gross forms and no world total, so no share.
    let r = production("boron", Some("mining"), Some(2025));
    assert_eq!(r.world_total, None);
    assert!(r.rows.iter().all(|x| x.share_of_world.is_none()));
}

#[test]
fn production_and_concentration_choose_the_same_source_everywhere() {
    let s = service();
    let engine = s.engine();
    let mut compared = 0;
    // (mineral, stage, year) where production has figures but concentration errs.
    let mut only_production: Vec<String> = Vec::new();
    for m in engine.minerals() {
        let id = m.id.as_str();
        for stage in engine.production().stages(id) {
            for year in engine.production().years(id, &stage) {
                let p = s.production(&ProductionRequest {
                    mineral: id.into(),
                    stage: Some(stage.to_string()),
                    year: Some(year.get()),
                    source: None,
                });
                let mut creq = ConcentrationRequest::new(id);
                creq.stage = Some(stage.to_string());
                creq.year = Some(year.get());
                let c = s.concentration(&creq);
                match (p, c) {
                    (Ok(p), Ok(c)) => {
                        assert_eq!(p.source, c.result.source, "{id} {stage} {year}");
                        assert_eq!(p.source_basis, c.source_basis);
                        assert_eq!((p.stage, p.year), (c.result.stage, c.result.year));
                        compared += 1;
                    }
                    (Ok(_), Err(e)) => only_production.push(format!("{id} {stage} {year}: {e}")),
                    (Err(e), _) => {
                        // A year with production rows but no country figure: neither answers.
                        assert!(e.is_usage(), "{id} {stage} {year}: {e}");
                        assert!(s.concentration(&creq).is_err(), "{id} {stage} {year}");
                    }
                }
            }
        }
    }
    assert_eq!(compared, 430);
    // Every production table of the snapshot has a country figure with a positive value
    // in the figures' own unit, so concentration answers wherever production does: no
    // table is all zeros, all withheld, or only in incomparable units.
    assert!(only_production.is_empty(), "{only_production:#?}");
}

#[test]
fn production_and_concentration_default_to_the_same_year() {
    let s = service();
    let engine = s.engine();
    for m in engine.minerals() {
        let id = m.id.as_str();
        for stage in engine.production().stages(id) {
            let p = production(id, Some(stage.slug()), None);
            let mut creq = ConcentrationRequest::new(id);
            creq.stage = Some(stage.to_string());
            let c = s.concentration(&creq).unwrap();
            assert_eq!(p.year, c.result.year, "{id} {stage}");
            assert_eq!(p.year_basis, YearBasis::LatestWithFigures);
            assert_eq!(p.year_basis, c.year_basis);
            assert_eq!(p.source, c.result.source, "{id} {stage}");
        }
        // And with no stage either.
        if !engine.production().stages(id).is_empty() {
            let p = production(id, None, None);
            let c = s.concentration(&ConcentrationRequest::new(id)).unwrap();
            assert_eq!((&p.stage, p.year), (&c.result.stage, c.result.year), "{id}");
        }
    }
}

#[test]
fn every_production_answer_lists_rows_in_order_without_zero_for_missing() {
    let s = service();
    let engine = s.engine();
    for m in engine.minerals() {
        let id = m.id.as_str();
        for stage in engine.production().stages(id) {
            for year in engine.production().years(id, &stage) {
                let r = production(id, Some(stage.slug()), Some(year.get()));
                for x in &r.rows {
                    assert_eq!(x.value.is_some(), x.flag.has_value(), "{id} {year} {x:?}");
                    assert_eq!(x.source, r.source);
                    if let (Some(v), Some(share), Some(w)) =
                        (x.value, x.share_of_world, r.world_total)
                    {
                        assert!(close(share, v / w));
                    }
                }
                let first_gap = r.rows.iter().position(|x| x.value.is_none());
                if let Some(i) = first_gap {
                    assert!(r.rows[i..].iter().all(|x| x.value.is_none()));
                    assert!(r.rows[i..].windows(2).all(|w| w[0].country < w[1].country));
                }
                let valued = &r.rows[..first_gap.unwrap_or(r.rows.len())];
                assert!(
                    valued.windows(2).all(|w| w[0].value >= w[1].value),
                    "{id} {stage} {year}"
                );
                assert!(r.other_sources.iter().all(|o| o.source != r.source));
                assert_eq!(r.rows(), r.rows);
            }
        }
    }
}

#[test]
fn production_mistakes_are_usage_errors_with_the_choices() {
    let e = production_err(ProductionRequest::new("unobtainium"));
    assert!(
        matches!(e, ServiceError::Usage(UsageError::UnknownMineral { .. })),
        "{e}"
    );
    let e = production_err(ProductionRequest {
        year: Some(1850),
        ..ProductionRequest::new("cobalt")
    });
    match e {
        ServiceError::Usage(UsageError::Invalid {
            field, expected, ..
        }) => {
            assert_eq!(field, "year");
            assert!(expected.contains("2025"), "{expected}");
        }
        e => panic!("{e}"),
    }
    let e = production_err(ProductionRequest {
        stage: Some("mining".into()),
        ..ProductionRequest::new("gallium")
    });
    assert!(
        matches!(&e, ServiceError::Usage(UsageError::Invalid { field, expected, .. })
            if field == "stage" && expected.contains("refining")),
        "{e}"
    );
    let e = production_err(ProductionRequest {
        source: Some("no-such-source".into()),
        ..ProductionRequest::new("lithium")
    });
    // The source is named as the mistake, with the sources that have figures.
    assert!(
        matches!(&e, ServiceError::Usage(UsageError::Invalid { field, given, .. })
            if field == "source" && given == "no-such-source"),
        "{e}"
    );
    // Unknown request fields are refused.
    let bad = serde_json::from_str::<ProductionRequest>(r#"{"mineral":"cobalt","yaer":2025}"#);
    assert!(bad.is_err());
}

#[test]
fn minerals_list_the_catalogue_with_hs_carriers() {
    let r = service().minerals();
    let ds = service().engine().dataset();
    assert_eq!(r.minerals.len(), ds.minerals.len());
    let total: usize = r.minerals.iter().map(|m| m.figures).sum();
    assert_eq!(total, ds.observations.len());
    let li = r.minerals.iter().find(|m| m.id == "lithium").unwrap();
    assert_eq!(li.symbol, "Li");
    // Lithium carbonate, HS 283691: Li2CO3 is 2 × 6.94 / 73.89 = 18.8 % lithium.
    let carbonate = li.carriers.iter().find(|h| h.hs.get() == 283_691).unwrap();
    assert!((carbonate.content_factor - 0.188).abs() < 0.001);
    assert_eq!(
        (carbonate.nomenclature, &carbonate.stage),
        (Nomenclature::Hs1992, &Stage::Refining)
    );
    assert_eq!(carbonate.years.len(), 8, "2017–2024: {:?}", carbonate.years);
    assert!(carbonate.value_only_years.is_empty());
    let ga = r.minerals.iter().find(|m| m.id == "gallium").unwrap();
    assert!(!ga.stages.contains(&Stage::Mining));
    // Every carrier with its nomenclature and stage; HS 2017 flows before 2024 are value only.
    let cu = r.minerals.iter().find(|m| m.id == "copper").unwrap();
    let keys: Vec<(Nomenclature, u32, &str)> = cu
        .carriers
        .iter()
        .map(|c| (c.nomenclature, c.hs.get(), c.stage.slug()))
        .collect();
    assert_eq!(
        keys,
        [
            (Nomenclature::Hs1992, 260_300, "mining"),
            (Nomenclature::Hs2017, 740_311, "refining")
        ]
    );
    let year = |y: u16| Year::try_from(y).unwrap();
    let cathode = &cu.carriers[1];
    assert_eq!(cathode.years.last(), Some(&year(2024)));
    assert_eq!(
        cathode.value_only_years,
        (2017..=2023).map(year).collect::<Vec<_>>()
    );
    // Germanium's only carrier has no flows in the embedded years: its trade is unknown.
    let ge = r.minerals.iter().find(|m| m.id == "germanium").unwrap();
    assert!(ge
        .carriers
        .iter()
        .all(|c| c.flows == 0 && c.years.is_empty()));
    // Indium has production figures at the refining stage and no carrier at all.
    let ind = r.minerals.iter().find(|m| m.id == "indium").unwrap();
    assert!(ind.carriers.is_empty());
    assert_eq!(ind.stages_without_carrier, [Stage::Refining]);
    let rows = r.rows();
    assert_eq!(rows.len(), r.minerals.len());
    let li_row = rows.iter().find(|x| x.id == "lithium").unwrap();
    assert!(li_row
        .carriers
        .split(' ')
        .any(|c| c == "HS1992:283691×0.1879:refining"));
}

#[test]
fn sources_carry_licences_and_import_counts() {
    let r = service().sources();
    let ds = service().engine().dataset();
    let usgs = r.sources.iter().find(|s| s.id == "usgs-mcs-2026").unwrap();
    assert!(usgs.licence.to_lowercase().contains("public domain"));
    // The world tables (412 rows) and the US net import reliance (34 commodities).
    assert_eq!(usgs.rows_read, 412 + 34);
    assert!(usgs.figures > 0 && usgs.rows_kept <= usgs.rows_read);
    let baci = r
        .sources
        .iter()
        .find(|s| s.id == "baci-hs92-v202401b")
        .unwrap();
    assert!(baci.licence.contains("Etalab"));
    let hs17 = r
        .sources
        .iter()
        .find(|s| s.id == "baci-hs17-v202601")
        .unwrap();
    assert_eq!(baci.rows_kept + hs17.rows_kept, ds.trade.flows.len());
    // Every figure belongs to a listed source.
    let total: usize = r.sources.iter().map(|s| s.figures).sum();
    assert_eq!(total, ds.observations.len());
    assert_eq!(r.imports, ds.reports);
    assert_eq!(r.rows().len(), r.sources.len());
}

#[test]
fn groups_list_members_and_mark_the_uncertain() {
    let r = service().groups();
    let eu = r.groups.iter().find(|g| g.id == "eu27").unwrap();
    assert_eq!(eu.members.len(), 27);
    assert!(eu
        .members
        .iter()
        .all(|m| m.status == MembershipStatus::Member));
    let quad: Vec<&str> = r
        .groups
        .iter()
        .find(|g| g.id == "quad")
        .unwrap()
        .members
        .iter()
        .map(|m| m.code.as_str())
        .collect();
    assert_eq!(quad, ["AUS", "IND", "JPN", "USA"]);
    // Saudi Arabia's BRICS membership is reported but not confirmed by BRICS itself.
    let brics = r.groups.iter().find(|g| g.id == "brics").unwrap();
    let sau = brics
        .members
        .iter()
        .find(|m| m.code.as_str() == "SAU")
        .unwrap();
    assert_eq!(sau.status, MembershipStatus::Uncertain);
    let rows = r.rows();
    let members: usize = r.groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(rows.len(), members);
    assert!(rows
        .iter()
        .all(|x| x.uncertain == (x.status == MembershipStatus::Uncertain)));
    assert!(rows
        .iter()
        .any(|x| x.group == "brics" && x.country == "SAU" && x.uncertain));
}

#[test]
fn data_check_of_the_embedded_snapshot() {
    let r = service().data_check();
    let ds = service().engine().dataset();
    assert_eq!(r.report.observations, ds.observations.len());
    assert_eq!(r.report.trade_flows, ds.trade.flows.len());
    assert!(r.report.observations > 10_000);
    assert!(r.report.problems.is_empty(), "{:#?}", r.report.problems);
    let flagged: usize = r.report.flags.values().sum();
    assert_eq!(flagged, ds.observations.len());
    // Cobalt mining 2025 in USGS: 12 countries with a figure, 305,500 t listed plus 9,100 t
    // of "other countries", against a world total of 310,000 t.
    let co = r
        .report
        .coverage
        .iter()
        .find(|c| {
            c.mineral == "cobalt"
                && c.stage == "mining"
                && c.year == 2025
                && c.source == "usgs-mcs-2026"
        })
        .unwrap();
    assert_eq!(co.countries, 12);
    assert_eq!(co.world, Some(310_000.0));
    assert!(close(co.listed_sum, 305_500.0 + 9_100.0));
    assert_eq!(r.rows().len(), r.report.coverage.len());
}

#[test]
fn every_response_survives_a_json_round_trip() {
    let s = service();
    for m in ["cobalt", "lithium", "gallium", "rare earths", "boron"] {
        round_trip::<ProductionResponse>(&production(m, None, None));
    }
    round_trip::<MineralsResponse>(&s.minerals());
    round_trip::<SourcesResponse>(&s.sources());
    round_trip::<GroupsResponse>(&s.groups());
    round_trip::<DataCheckResponse>(&s.data_check());
    // And back into the same value.
    let g = s.groups();
    let back: GroupsResponse = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
    assert_eq!(back, g);
}
