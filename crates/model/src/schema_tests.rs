//! The JSON Schema of the model says what serde writes: the hand-written schemas match the
//! hand-written serialisations, and a dataset holding every kind of value, serialised to
//! JSON, validates against the schema generated for [`Dataset`].

use crate::*;
use schemars::{schema_for, JsonSchema};
use serde_json::{json, Value};

fn dataset_schema() -> Value {
    schema_for!(Dataset).to_value()
}

fn def<'a>(schema: &'a Value, name: &str) -> &'a Value {
    schema["$defs"]
        .get(name)
        .unwrap_or_else(|| panic!("no definition {name} in the Dataset schema"))
}

#[test]
fn dataset_schema_defines_every_model_type() {
    let schema = dataset_schema();
    assert_eq!(schema["title"], "Dataset");
    assert_eq!(schema["type"], "object");
    for name in [
        "Area",
        "Basis",
        "ContentFactor",
        "Country",
        "CountryCode",
        "CountryGroup",
        "EuCrmParams",
        "TradeAgreement",
        "Coverage",
        "Date",
        "DemandRecord",
        "Evidence",
        "ExportRestriction",
        "Flag",
        "GovernanceDimension",
        "GovernanceRecord",
        "GroupMember",
        "HsCarrier",
        "HsCode",
        "ImportReport",
        "MassUnit",
        "Measure",
        "MeasureSuspension",
        "MeasureType",
        "MembershipStatus",
        "Mineral",
        "MineralForm",
        "MineralId",
        "NirFigure",
        "Nomenclature",
        "Observation",
        "Provenance",
        "ProxyCarrier",
        "ProxyMeasure",
        "PublishedNir",
        "QuantityCoverage",
        "RestrictionTargets",
        "Source",
        "SourceId",
        "Stage",
        "TradeFlow",
        "TradePart",
        "TradeProxy",
        "TradeTable",
        "Unit",
        "Year",
    ] {
        def(&schema, name);
    }
}

#[test]
fn hand_written_schemas_state_the_serialised_shapes() {
    let schema = dataset_schema();
    let code = def(&schema, "CountryCode");
    assert_eq!(
        (&code["type"], &code["pattern"]),
        (&json!("string"), &json!("^[A-Z]{3}$"))
    );
    let mineral = def(&schema, "MineralId");
    assert_eq!(mineral["type"], "string");
    assert_eq!(mineral["pattern"], MineralId::PATTERN);
    let stage = def(&schema, "Stage");
    assert_eq!(
        (&stage["type"], &stage["pattern"]),
        (&json!("string"), &json!(Stage::PATTERN))
    );
    let year = def(&schema, "Year");
    assert_eq!(
        (&year["type"], &year["minimum"], &year["maximum"]),
        (&json!("integer"), &json!(1900), &json!(2100))
    );
    let hs = def(&schema, "HsCode");
    assert_eq!(
        (&hs["type"], &hs["minimum"], &hs["maximum"]),
        (&json!("integer"), &json!(10_000), &json!(999_999))
    );
    assert_eq!(def(&schema, "SourceId")["type"], "string");
    let nomenclatures: Vec<Value> = Nomenclature::ALL
        .iter()
        .map(|n| serde_json::to_value(n).unwrap())
        .collect();
    assert_eq!(
        nomenclatures,
        [json!("HS1992"), json!("HS2002"), json!("HS2017")]
    );
    for n in Nomenclature::ALL {
        assert_eq!(Nomenclature::try_from(n.code()), Ok(n));
    }
    assert!(Nomenclature::try_from("HS92").is_err());
    assert_eq!(
        def(&schema, "Country")["properties"]["code"]["$ref"],
        "#/$defs/CountryCode"
    );
}

#[test]
fn patterns_agree_with_the_parsers() {
    for (s, ok) in [
        ("IND", true),
        ("ind", false),
        ("INDI", false),
        ("I1D", false),
    ] {
        assert_eq!(matches(CountryCode::PATTERN, s), ok, "{s}");
        assert_eq!(CountryCode::try_from(s).is_ok(), ok, "{s}");
    }
    for (s, ok) in [
        ("lithium", true),
        ("rare-earths", true),
        ("pgm2", true),
        ("-cobalt", false),
        ("cobalt-", false),
        ("Cobalt", false),
        ("", false),
    ] {
        assert_eq!(matches(MineralId::PATTERN, s), ok, "{s}");
        assert_eq!(MineralId::try_from(s).is_ok(), ok, "{s}");
    }
    for (s, ok) in [
        ("mining", true),
        ("high-purity", true),
        ("", false),
        ("Magnet", false),
    ] {
        assert_eq!(matches(Stage::PATTERN, s), ok, "{s}");
        assert_eq!(Stage::try_from(s).is_ok(), ok, "{s}");
    }
}

/// The model's four patterns, checked by hand (the test has no regex engine).
fn matches(pattern: &str, s: &str) -> bool {
    let slug = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    match pattern {
        p if p == CountryCode::PATTERN => s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()),
        p if p == MineralId::PATTERN => {
            !s.is_empty() && !s.starts_with('-') && !s.ends_with('-') && s.bytes().all(slug)
        }
        p if p == Stage::PATTERN => !s.is_empty() && s.bytes().all(slug),
        p if p == Date::PATTERN => {
            s.len() == 10
                && s.bytes().enumerate().all(|(i, b)| match i {
                    4 | 7 => b == b'-',
                    _ => b.is_ascii_digit(),
                })
        }
        other => panic!("pattern {other:?} has no checker in this test"),
    }
}

/// A dataset with one value of every shape: each enum variant that serialises differently,
/// present and absent options.
fn sample() -> Dataset {
    let code = |s: &str| CountryCode::try_from(s).unwrap();
    let year = |y: u16| Year::try_from(y).unwrap();
    let hs = HsCode::try_from(283691).unwrap();
    let lithium = MineralId::try_from("lithium").unwrap();
    let provenance = Provenance {
        source: SourceId::new("usgs-mcs-2026"),
        table: "t1".into(),
        note: None,
    };
    let observation = |area, unit, stage, flag, value| Observation {
        mineral: lithium.clone(),
        stage,
        measure: Measure::Production,
        area,
        year: year(2024),
        value,
        unit,
        flag,
        evidence: Evidence::StatisticalReport,
        provenance: Provenance {
            note: Some("printed cell".into()),
            ..provenance.clone()
        },
    };
    Dataset {
        sources: vec![Source {
            id: SourceId::new("usgs-mcs-2026"),
            publisher: "USGS".into(),
            title: "Mineral Commodity Summaries".into(),
            edition: "2026".into(),
            licence: "public domain".into(),
            attribution: "U.S. Geological Survey".into(),
            url: "https://example.org".into(),
            taken: "production".into(),
            caveats: String::new(),
            coverage: Some(Coverage::TopProducers),
        }],
        countries: vec![Country {
            code: code("KOR"),
            name: "South Korea".into(),
            alpha2: Some("KR".into()),
            alt_names: vec!["Republic of Korea".into()],
            m49: Some(410),
            region: None,
            subregion: Some("Eastern Asia".into()),
        }],
        minerals: vec![Mineral {
            id: lithium.clone(),
            name: "Lithium".into(),
            symbol: "Li".into(),
            form: MineralForm::ElementGroup,
            stages: vec![
                Stage::Mining,
                Stage::Refining,
                Stage::Intermediate("magnet".into()),
            ],
            hs: vec![HsCarrier {
                nomenclature: Nomenclature::Hs2017,
                hs,
                description: "lithium carbonate".into(),
                stage: Stage::Refining,
                content_factor: 0.188,
                factor_basis: "stoichiometry".into(),
                forms: vec![FormBand {
                    form: "lithium carbonate".into(),
                    lower_usd_per_kg: 2.0,
                    upper_usd_per_kg: 250.0,
                    content_factor: 0.1879,
                    basis: "price series".into(),
                    line: Some(2),
                }],
            }],
            contained_basis: Basis::Content,
            eol_rir: None,
            note: String::new(),
        }],
        observations: vec![
            observation(
                Area::Country(code("CHL")),
                Unit::mass(MassUnit::Tonne, Basis::Gross("spodumene".into())),
                Stage::Mining,
                Flag::Estimated,
                Some(49_000.0),
            ),
            observation(
                Area::World,
                Unit::mass(MassUnit::Kilotonne, Basis::Equivalent("Li2O".into())),
                Stage::Refining,
                Flag::Withheld,
                None,
            ),
            observation(
                Area::Other,
                Unit::ShareOfWorld,
                Stage::Intermediate("high-purity".into()),
                Flag::Derived,
                Some(0.1),
            ),
        ]
        .into(),
        trade: TradeTable {
            provenance: Some(provenance.clone()),
            flows: vec![TradeFlow {
                year: year(2023),
                exporter: code("CHL"),
                importer: code("CHN"),
                nomenclature: Nomenclature::Hs1992,
                hs,
                value_kusd: 12.5,
                quantity_t: None,
            }],
            parts: vec![TradePart {
                source: SourceId::new("baci"),
                file: "baci.csv".into(),
                nomenclature: Nomenclature::Hs2002,
                first_year: year(2017),
                last_year: year(2023),
                quantities: QuantityCoverage::ValueOnly,
                flows: 1,
            }],
        },
        governance: vec![GovernanceRecord {
            country: code("KOR"),
            year: year(2022),
            dimension: GovernanceDimension::PV,
            estimate: 0.6,
            std_err: Some(0.2),
            percentile_rank: None,
        }]
        .into(),
        demand: vec![DemandRecord {
            mineral: lithium.clone(),
            scenario: "historical".into(),
            sector: "EV".into(),
            year: year(2023),
            value_kt: 100.0,
            provenance: provenance.clone(),
        }]
        .into(),
        restrictions: vec![ExportRestriction {
            id: "chn-lithium-2025".into(),
            country: code("CHN"),
            minerals: vec![lithium.clone()],
            stages: vec![Stage::Refining],
            hs: vec![hs],
            measure: MeasureType::Licence,
            targets: RestrictionTargets {
                all: false,
                listed: vec!["USA".into(), "quad".into()],
                countries: vec![code("USA")],
                except_listed: vec!["IND".into()],
                except: vec![code("IND")],
            },
            start: Date::parse("2025-01-01").unwrap(),
            end: Date::parse("2026-12-31"),
            suspensions: vec![MeasureSuspension {
                id: "chn-pause-2025".into(),
                start: Date::parse("2025-11-07").unwrap(),
                end: None,
                summary: "pause".into(),
                source_url: "https://example.org".into(),
            }],
            summary: "licence".into(),
            source_url: "https://example.org".into(),
        }],
        groups: vec![CountryGroup {
            id: "quad".into(),
            name: "Quad".into(),
            description: String::new(),
            as_of: "2025-01-01".into(),
            source_url: "https://example.org".into(),
            members: vec![GroupMember {
                country: code("IND"),
                status: MembershipStatus::Uncertain,
                since: Some(2007),
                via: None,
            }],
        }],
        published_nir: [
            NirFigure::Percent(45.0),
            NirFigure::MoreThan(50.0),
            NirFigure::NetExporter,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, value)| PublishedNir {
            commodity: "lithium".into(),
            mineral: (i > 0).then(|| lithium.clone()),
            stage: (i > 0).then_some(Stage::Refining),
            scope: "all forms".into(),
            country: code("USA"),
            year: year(2021 + i as u16),
            value,
            flag: Flag::Reported,
            sources_period: "2021-24".into(),
            import_sources: "Chile 54; Argentina 43; other 3".into(),
            provenance: provenance.clone(),
        })
        .collect(),
        reports: vec![ImportReport {
            source: "usgs-mcs-2026".into(),
            file: "usgs.csv".into(),
            rows_read: 3,
            rows_kept: 2,
            not_kept: vec![("no figure".into(), 1)],
            notes: vec!["note".into()],
        }],
        trade_proxies: vec![TradeProxy {
            mineral: MineralId::try_from("lithium").unwrap(),
            stage: Stage::Refining,
            year: year(2023),
            measure: Some(ProxyMeasure::NetExportsContained),
            unit_value_band: 4.0,
            carriers: vec![ProxyCarrier {
                hs: HsKey::new(Nomenclature::Hs1992, hs),
                content_factor: 0.188,
                flows: 3,
                used: 2,
                without_quantity: 1,
                implausible_unit_value: 0,
                median_unit_value_usd_per_kg: None,
            }],
            net_exporters: 1,
            not_net_exporters: 1,
            total: 2.5,
        }],
        content_factors: vec![ContentFactor {
            source: SourceId::new("wmd-2025"),
            mineral: MineralId::try_from("lithium").unwrap(),
            stage: Stage::Mining,
            from: Basis::Equivalent("Li2O".into()),
            factor: 0.4645,
            factor_basis: "stoichiometry".into(),
        }],
        eu_crm_params: vec![crate::EuCrmParams {
            material: "Lithium".into(),
            minerals: vec![MineralId::try_from("lithium").unwrap()],
            stages_assessed: vec![Stage::Mining, Stage::Refining],
            stage_reported: Stage::Refining,
            si_sr: Some(0.94),
            si_ei: None,
            eol_rir: 0.0,
            note: None,
        }],
        trade_agreements: vec![crate::TradeAgreement {
            party: "eu27".into(),
            partner: CountryCode::try_from("CHL").unwrap(),
            agreement: "EU–Chile".into(),
            start: "2003-02-01".into(),
            source_url: "https://example.org".into(),
        }],
    }
}

#[test]
fn a_serialised_dataset_validates_against_its_schema() {
    let schema = dataset_schema();
    let value = serde_json::to_value(sample()).unwrap();
    if let Err(e) = validate(&schema, &schema, &value, "$") {
        panic!("{e}");
    }
    // The validator is not vacuous: values serde would not write are rejected.
    let mut bad = value.clone();
    bad["observations"][0]["area"] = json!("country");
    assert!(validate(&schema, &schema, &bad, "$").is_err());
    let mut bad = value.clone();
    bad["trade"]["flows"][0]["year"] = json!(1850);
    assert!(validate(&schema, &schema, &bad, "$").is_err());
    let mut bad = value.clone();
    bad["countries"][0]["code"] = json!("KR");
    assert!(validate(&schema, &schema, &bad, "$").is_err());
    let mut bad = value;
    bad["minerals"][0]["form"] = json!("ElementGroup");
    assert!(validate(&schema, &schema, &bad, "$").is_err());
}

/// Enough of JSON Schema for the model's schema: `$ref`, `type`, `properties`, `required`,
/// `additionalProperties: false`, `items`, `prefixItems`, `oneOf`, `anyOf`, `enum`, `const`,
/// `minimum`, `maximum` and the model's patterns. An unknown keyword fails the test, so the
/// check cannot silently skip part of the schema.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{at}: {what} (value {value}, schema {schema})"));
    let Some(obj) = schema.as_object() else {
        return fail("schema is not an object");
    };
    for (key, rule) in obj {
        match key.as_str() {
            "description" | "title" | "$schema" | "$defs" | "format" | "minItems" | "maxItems" => {}
            "$ref" => {
                let name = rule.as_str().and_then(|r| r.strip_prefix("#/$defs/"));
                let Some(target) = name.and_then(|n| root["$defs"].get(n)) else {
                    return fail("unresolved $ref");
                };
                validate(root, target, value, at)?;
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => return fail("bad type keyword"),
                };
                let ok = types.iter().any(|t| match *t {
                    "string" => value.is_string(),
                    "integer" => value.is_i64() || value.is_u64(),
                    "number" => value.is_number(),
                    "boolean" => value.is_boolean(),
                    "array" => value.is_array(),
                    "object" => value.is_object(),
                    "null" => value.is_null(),
                    _ => false,
                });
                if !ok {
                    return fail("wrong type");
                }
            }
            "properties" => {
                let (Some(props), Some(fields)) = (rule.as_object(), value.as_object()) else {
                    continue;
                };
                for (name, sub) in props {
                    if let Some(v) = fields.get(name) {
                        validate(root, sub, v, &format!("{at}.{name}"))?;
                    }
                }
            }
            "required" => {
                let fields = value.as_object();
                for name in rule.as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default();
                    if !fields.is_some_and(|f| f.contains_key(name)) {
                        return fail(&format!("missing required {name}"));
                    }
                }
            }
            "additionalProperties" => {
                if rule != &json!(false) {
                    return fail("unsupported additionalProperties");
                }
                let known = obj.get("properties").and_then(Value::as_object);
                if let Some(fields) = value.as_object() {
                    if let Some(extra) = fields
                        .keys()
                        .find(|k| !known.is_some_and(|p| p.contains_key(*k)))
                    {
                        return fail(&format!("unexpected property {extra}"));
                    }
                }
            }
            "items" => {
                for (i, v) in value.as_array().into_iter().flatten().enumerate() {
                    validate(root, rule, v, &format!("{at}[{i}]"))?;
                }
            }
            "prefixItems" => {
                let (Some(subs), Some(vs)) = (rule.as_array(), value.as_array()) else {
                    continue;
                };
                if subs.len() != vs.len() {
                    return fail("wrong tuple length");
                }
                for (i, (sub, v)) in subs.iter().zip(vs).enumerate() {
                    validate(root, sub, v, &format!("{at}[{i}]"))?;
                }
            }
            "oneOf" => {
                let passing = rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|sub| validate(root, sub, value, at).is_ok())
                    .count();
                if passing != 1 {
                    return fail(&format!("{passing} alternatives of oneOf match, not 1"));
                }
            }
            "anyOf" => {
                let any = rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|sub| validate(root, sub, value, at).is_ok());
                if !any {
                    return fail("no alternative of anyOf matches");
                }
            }
            "enum" => {
                if !rule.as_array().is_some_and(|vs| vs.contains(value)) {
                    return fail("not in enum");
                }
            }
            "const" => {
                if rule != value {
                    return fail("not the const");
                }
            }
            "minimum" | "maximum" => {
                let (Some(bound), Some(x)) = (rule.as_f64(), value.as_f64()) else {
                    continue;
                };
                if (key == "minimum" && x < bound) || (key == "maximum" && x > bound) {
                    return fail(&format!("out of range ({key} {bound})"));
                }
            }
            "pattern" => {
                let Some(s) = value.as_str() else { continue };
                if !matches(rule.as_str().unwrap_or_default(), s) {
                    return fail("does not match the pattern");
                }
            }
            other => return fail(&format!("keyword {other} not understood by this test")),
        }
    }
    Ok(())
}

#[test]
fn schema_names_are_the_type_names() {
    let names: Vec<String> = vec![
        CountryCode::schema_name().into_owned(),
        MineralId::schema_name().into_owned(),
        Stage::schema_name().into_owned(),
        Year::schema_name().into_owned(),
        HsCode::schema_name().into_owned(),
    ];
    assert_eq!(
        names,
        ["CountryCode", "MineralId", "Stage", "Year", "HsCode"]
    );
    // Ids carry the module path, so they cannot clash with another crate's type of the
    // same name in a combined schema.
    assert!(CountryCode::schema_id().starts_with("derisk_model::"));
}
