//! The EU's conventions as data: the 2023 assessment parameters per material and the EU's
//! trade agreements, read strictly (errors name file, line, field and value).

use crate::common::fixture_resolver;
use derisk_data::error::ImportError;
use derisk_data::eu_crm::{self, MaterialMap};
use derisk_data::reference;
use derisk_model::{MineralId, Stage};
use std::collections::BTreeMap;

fn field_error(r: Result<impl std::fmt::Debug, ImportError>, line: u64, field: &str, value: &str) {
    match r {
        Err(ImportError::Field { at, value: v, .. }) => {
            assert_eq!(
                (at.line, at.field.as_str(), v.as_str()),
                (line, field, value)
            )
        }
        other => panic!("expected a field error at line {line} {field}={value:?}, got {other:?}"),
    }
}

const AGREEMENTS_HEADER: &str = "party,partner,agreement,start,source_url\n";

fn agreements(rows: &str) -> Result<Vec<derisk_model::TradeAgreement>, ImportError> {
    let resolver = fixture_resolver();
    let groups = reference::groups(&resolver).expect("embedded groups");
    reference::trade_agreements_from_reader(
        "agreements.csv",
        format!("{AGREEMENTS_HEADER}{rows}").as_bytes(),
        &resolver,
        &groups,
    )
}

#[test]
fn the_embedded_agreements_parse_and_name_only_non_members() {
    let resolver = fixture_resolver();
    let groups = reference::groups(&resolver).unwrap();
    let all = reference::trade_agreements(&resolver, &groups).unwrap();
    assert!(all.len() >= 40, "{}", all.len());
    let eu = groups.iter().find(|g| g.id == "eu27").unwrap();
    for a in &all {
        assert_eq!(a.party, "eu27");
        assert!(
            !eu.members.iter().any(|m| m.country == a.partner),
            "{}",
            a.partner
        );
    }
    let chl = all.iter().find(|a| a.partner.as_str() == "CHL").unwrap();
    assert_eq!(chl.start, "2003-02-01");
}

#[test]
fn agreement_errors_name_line_field_and_value() {
    let ok = "eu27,CHL,EU–Chile,2003-02-01,https://x.org\n";
    assert_eq!(agreements(ok).unwrap().len(), 1);
    field_error(
        agreements("nato,CHL,x,2003-02-01,https://x.org\n"),
        2,
        "party",
        "nato",
    );
    // A member cannot be the EU's partner.
    field_error(
        agreements("eu27,DEU,x,2003-02-01,https://x.org\n"),
        2,
        "partner",
        "DEU",
    );
    field_error(
        agreements("eu27,CHL,x,2003-02-30,https://x.org\n"),
        2,
        "start",
        "2003-02-30",
    );
    field_error(
        agreements("eu27,CHL,x,2003-02-01,ftp://x.org\n"),
        2,
        "source_url",
        "ftp://x.org",
    );
    field_error(
        agreements("eu27,CHL,,2003-02-01,https://x.org\n"),
        2,
        "agreement",
        "",
    );
    match agreements(&format!("{ok}{ok}")) {
        Err(ImportError::Duplicate {
            line, first_line, ..
        }) => assert_eq!((line, first_line), (3, 2)),
        other => panic!("{other:?}"),
    }
    match agreements("eu27,ZZZ,x,2003-02-01,https://x.org\n") {
        Err(ImportError::UnknownCountries { names, .. }) => assert_eq!(names.len(), 1),
        other => panic!("{other:?}"),
    }
}

const PARAMS_HEADER: &str = "material,stages_assessed,stage_reported,si_sr,si_ei,eol_rir_pct\n";

fn params(rows: &str) -> Result<Vec<derisk_model::EuCrmParams>, ImportError> {
    let map = BTreeMap::from([
        (
            "Cobalt".to_string(),
            MaterialMap {
                minerals: vec![MineralId::try_from("cobalt").unwrap()],
                note: None,
            },
        ),
        (
            "Gallium".to_string(),
            MaterialMap {
                minerals: vec![MineralId::try_from("gallium").unwrap()],
                note: None,
            },
        ),
    ]);
    eu_crm::import("eu.csv", format!("{PARAMS_HEADER}{rows}").as_bytes(), &map)
}

#[test]
fn eu_parameters_parse_with_stages_and_fractions() {
    let p =
        params("Cobalt,E+P,Extraction,0.98,0.97,22\nGallium,P,Processing,0.98,0.98,0\n").unwrap();
    assert_eq!(p[0].stages_assessed, [Stage::Mining, Stage::Refining]);
    assert_eq!(p[0].stage_reported, Stage::Mining);
    assert_eq!((p[0].si_sr, p[0].eol_rir), (Some(0.98), 0.22));
    assert_eq!(p[1].stages_assessed, [Stage::Refining]);
}

#[test]
fn eu_parameter_errors_name_line_field_and_value() {
    let gallium = "Gallium,P,Processing,0.98,0.98,0\n";
    let cases = [
        ("Kobalt,E+P,Extraction,0.98,0.97,22\n", "material", "Kobalt"),
        (
            "Cobalt,E+X,Extraction,0.98,0.97,22\n",
            "stages_assessed",
            "E+X",
        ),
        (
            "Cobalt,P,Extraction,0.98,0.97,22\n",
            "stage_reported",
            "Extraction",
        ),
        ("Cobalt,E+P,Extraction,1.2,0.97,22\n", "si_sr", "1.2"),
        (
            "Cobalt,E+P,Extraction,0.98,0.97,120\n",
            "eol_rir_pct",
            "120",
        ),
        ("Cobalt,E+P,Extraction,0.98,0.97,\n", "eol_rir_pct", ""),
    ];
    for (row, field, value) in cases {
        field_error(params(&format!("{row}{gallium}")), 2, field, value);
    }
    // Every material of the map must have a row.
    match params("Cobalt,E+P,Extraction,0.98,0.97,22\n") {
        Err(ImportError::Format { message, .. }) => {
            assert!(message.contains("Gallium"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn material_table_errors_name_line_field_and_value() {
    let resolver = fixture_resolver();
    let minerals = crate::common::minerals(&["cobalt", "gallium"]);
    let options = derisk_data::ImportOptions::default();
    let ctx = crate::common::ctx(&resolver, &minerals, &options);
    let read = |rows: &str| {
        eu_crm::materials_from_reader(
            "materials.csv",
            format!("material,minerals,note\n{rows}").as_bytes(),
            &ctx,
        )
    };
    assert_eq!(read("Cobalt,cobalt,\n").unwrap().len(), 1);
    field_error(read("Cobalt,kobalt,\n"), 2, "minerals", "kobalt");
    // A material mapped to no mineral must say why.
    field_error(read("Neodymium,,\n"), 2, "note", "");
    assert!(read("Neodymium,,inside the rare-earth aggregate\n").is_ok());
    match read("Cobalt,cobalt,\nCobalt metal,cobalt,\n") {
        Err(ImportError::Duplicate {
            line, first_line, ..
        }) => assert_eq!((line, first_line), (3, 2)),
        other => panic!("{other:?}"),
    }
    // The embedded table maps onto the catalogue.
    let all = reference::minerals().unwrap();
    let ctx = crate::common::ctx(&resolver, &all, &options);
    let map = eu_crm::materials(&ctx).unwrap();
    assert_eq!(map.len(), 34);
    assert!(map["Neodymium"].minerals.is_empty());
}
