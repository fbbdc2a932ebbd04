//! The mineral catalogue with its HS carriers, and end-of-life recycling input rates.

use super::fields::{slug, Seen, SLUG};
use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use derisk_model::{
    Basis, FormBand, HsCarrier, HsKey, Mineral, MineralForm, MineralId, Nomenclature, Stage,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// Parse the catalogue (`id,name,symbol,form,contained_basis,note`) and attach the carriers
/// (`mineral,nomenclature,hs,description,stage,content_factor,factor_basis`). A carrier's
/// nomenclature is one of `HS1992`, `HS2002`, `HS2017`; its stage one of
/// [`HsCarrier::STAGES`]; its content factor in (0, 1]. Minerals come out sorted by id, each
/// with its carriers sorted by (nomenclature, HS code) and `stages` set to the distinct
/// stages of those carriers; `eol_rir` is left `None`.
pub(crate) fn parse<M: Read, C: Read>(
    minerals_file: &str,
    minerals: M,
    carriers_file: &str,
    carriers: C,
) -> Result<Vec<Mineral>> {
    let mut by_id: BTreeMap<String, Mineral> = BTreeMap::new();
    let mut t = CsvTable::new(minerals_file, minerals)?;
    t.require(&["id", "name", "symbol", "form", "contained_basis", "note"])?;
    let mut seen = Seen::default();
    t.for_each(|row| {
        let id = slug(row, "id")?;
        seen.check(row, id.to_string())?;
        let mineral_id = MineralId::try_from(id).map_err(|_| row.error("id", SLUG))?;
        let form = match row.get("form") {
            "element" => MineralForm::Element,
            "element_group" => MineralForm::ElementGroup,
            "compound" => MineralForm::Compound,
            _ => return Err(row.error("form", "element, element_group or compound")),
        };
        let contained_basis = match row.get("contained_basis").split_once(':') {
            None if row.get("contained_basis") == "content" => Basis::Content,
            Some(("gross", what)) if !what.trim().is_empty() => Basis::Gross(what.trim().into()),
            Some(("equivalent", what)) if !what.trim().is_empty() => {
                Basis::Equivalent(what.trim().into())
            }
            _ => {
                return Err(row.error(
                    "contained_basis",
                    "content, gross:<product> or equivalent:<compound>",
                ))
            }
        };
        let mineral = Mineral {
            id: mineral_id,
            contained_basis,
            name: row.text("name")?.to_string(),
            symbol: row.text("symbol")?.to_string(),
            form,
            stages: Vec::new(),
            hs: Vec::new(),
            eol_rir: None,
            note: row.get("note").to_string(),
        };
        by_id.insert(id.to_string(), mineral);
        Ok(())
    })?;
    if by_id.is_empty() {
        return Err(ImportError::Format {
            file: minerals_file.to_string(),
            message: "no minerals listed".to_string(),
        });
    }

    let mut t = CsvTable::new(carriers_file, carriers)?;
    t.require(&[
        "mineral",
        "nomenclature",
        "hs",
        "description",
        "stage",
        "content_factor",
        "factor_basis",
    ])?;
    // One (nomenclature, code) carries one mineral: mapping it twice would count its trade
    // twice.
    let mut seen = Seen::default();
    let stages = format!("one of {}", HsCarrier::STAGES.join(", "));
    t.for_each(|row| {
        let id = row.get("mineral");
        let mineral = by_id.get_mut(id).ok_or_else(|| {
            row.error("mineral", format!("a mineral id listed in {minerals_file}"))
        })?;
        let nomenclature = Nomenclature::try_from(row.get("nomenclature"))
            .map_err(|_| row.error("nomenclature", Nomenclature::EXPECTED))?;
        let hs = row.hs("hs")?;
        seen.check(row, format!("{nomenclature} {hs}"))?;
        let stage = Stage::try_from(row.get("stage"))
            .ok()
            .filter(HsCarrier::is_carrier_stage)
            .ok_or_else(|| row.error("stage", stages.as_str()))?;
        let factor = row.number("content_factor")?;
        if !(factor > 0.0 && factor <= 1.0) {
            return Err(row.error(
                "content_factor",
                "a mass fraction greater than 0 and at most 1",
            ));
        }
        mineral.hs.push(HsCarrier {
            nomenclature,
            hs,
            description: row.text("description")?.to_string(),
            stage,
            content_factor: factor,
            factor_basis: row.text("factor_basis")?.to_string(),
            forms: Vec::new(),
        });
        Ok(())
    })?;

    let mut out: Vec<Mineral> = by_id.into_values().collect();
    for m in &mut out {
        m.hs.sort_by_key(HsCarrier::key);
        let mut stages: Vec<Stage> = m.hs.iter().map(|c| c.stage.clone()).collect();
        stages.sort();
        stages.dedup();
        m.stages = stages;
    }
    Ok(out)
}

/// Read the unit-value bands (`mineral,nomenclature,hs,form,lower_usd_per_kg,
/// upper_usd_per_kg,content_factor,basis`) and attach them to the carriers of `minerals`,
/// each carrier's bands sorted by lower bound. Rejects a mineral not in the catalogue, a
/// (nomenclature, code) that is not one of that mineral's carriers in `carriers_file`, a
/// bound that is not a finite number, a negative lower bound, an upper bound not above the
/// lower, a factor outside [0, 1], an empty form or basis, a form named twice for a code,
/// and a band that overlaps another band of the same code (naming its line).
pub(crate) fn attach_bands<R: Read>(
    file: &str,
    input: R,
    minerals: &mut [Mineral],
    carriers_file: &str,
) -> Result<()> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&[
        "mineral",
        "nomenclature",
        "hs",
        "form",
        "lower_usd_per_kg",
        "upper_usd_per_kg",
        "content_factor",
        "basis",
    ])?;
    let mut seen = Seen::default();
    // Bands read so far per code, to find overlaps.
    let mut read: BTreeMap<HsKey, Vec<FormBand>> = BTreeMap::new();
    t.for_each(|row| {
        let id = row.get("mineral");
        let m = minerals
            .iter_mut()
            .find(|m| m.id.as_str() == id)
            .ok_or_else(|| row.error("mineral", "a mineral id listed in the catalogue"))?;
        let nomenclature = Nomenclature::try_from(row.get("nomenclature"))
            .map_err(|_| row.error("nomenclature", Nomenclature::EXPECTED))?;
        let key = HsKey::new(nomenclature, row.hs("hs")?);
        let carrier = m.hs.iter_mut().find(|c| c.key() == key).ok_or_else(|| {
            row.error(
                "hs",
                format!("a code {carriers_file} maps to {id} in {nomenclature}"),
            )
        })?;
        let form = row.text("form")?;
        seen.check(row, format!("{key} form {form:?}"))?;
        let lower = row.number("lower_usd_per_kg")?;
        if lower < 0.0 {
            return Err(row.error("lower_usd_per_kg", "a unit value of at least 0 USD/kg"));
        }
        let upper = row.number("upper_usd_per_kg")?;
        if upper <= lower {
            return Err(row.error(
                "upper_usd_per_kg",
                format!("a unit value above lower_usd_per_kg ({lower} USD/kg)"),
            ));
        }
        let factor = row.number("content_factor")?;
        if !(0.0..=1.0).contains(&factor) {
            return Err(row.error(
                "content_factor",
                "a mass fraction from 0 (not this mineral) to 1",
            ));
        }
        let band = FormBand {
            form: form.to_string(),
            lower_usd_per_kg: lower,
            upper_usd_per_kg: upper,
            content_factor: factor,
            basis: row.text("basis")?.to_string(),
            line: u32::try_from(row.line).ok(),
        };
        let others = read.entry(key).or_default();
        if let Some(o) = others
            .iter()
            .find(|o| o.lower_usd_per_kg < upper && lower < o.upper_usd_per_kg)
        {
            let at = o.line.map(|l| format!("line {l}")).unwrap_or_default();
            return Err(row.error(
                "lower_usd_per_kg",
                format!(
                    "a band of {key} not overlapping {at} ({}–{} USD/kg)",
                    o.lower_usd_per_kg, o.upper_usd_per_kg
                ),
            ));
        }
        others.push(band.clone());
        carrier.forms.push(band);
        Ok(())
    })?;
    for c in minerals.iter_mut().flat_map(|m| m.hs.iter_mut()) {
        c.forms
            .sort_by(|a, b| a.lower_usd_per_kg.total_cmp(&b.lower_usd_per_kg));
    }
    Ok(())
}

/// World Mining Data commodity names → mineral id (`None` for commodities outside the
/// catalogue), from the `wmd-2025` rows of the source commodity table.
pub(crate) fn wmd_commodities<R: Read>(
    file: &str,
    input: R,
) -> Result<HashMap<String, Option<String>>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&["source", "commodity", "mineral"])?;
    let mut map = HashMap::new();
    let mut seen = Seen::default();
    t.for_each(|row| {
        if row.get("source") != "wmd-2025" {
            return Ok(());
        }
        let commodity = row.text("commodity")?;
        seen.check(row, commodity.to_string())?;
        let mineral = match row.get("mineral") {
            "" => None,
            m => Some(m.to_string()),
        };
        map.insert(commodity.to_string(), mineral);
        Ok(())
    })?;
    Ok(map)
}

/// Read `commodity,eol_recycling_input_rate_2023` rows and key the rates by mineral id
/// through `wmd` (see [`wmd_commodities`]). Commodities outside the catalogue and empty rates
/// are skipped (absent, not zero); a commodity the table does not know, a rate outside
/// 0–1, a repeated commodity or two commodities for one mineral are errors.
pub(crate) fn eol_rir<R: Read>(
    file: &str,
    input: R,
    wmd: &HashMap<String, Option<String>>,
    commodities_file: &str,
) -> Result<BTreeMap<String, f64>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&["commodity", "eol_recycling_input_rate_2023"])?;
    let mut out = BTreeMap::new();
    let mut seen_commodity = Seen::default();
    let mut seen_mineral = Seen::default();
    t.for_each(|row| {
        let commodity = row.text("commodity")?;
        seen_commodity.check(row, commodity.to_string())?;
        let mineral = wmd.get(commodity).ok_or_else(|| {
            row.error(
                "commodity",
                format!("a World Mining Data commodity listed in {commodities_file}"),
            )
        })?;
        let Some(mineral) = mineral else {
            return Ok(());
        };
        let column = "eol_recycling_input_rate_2023";
        let Some(rate) = row.opt_number(column, &[])? else {
            return Ok(());
        };
        if !(0.0..=1.0).contains(&rate) {
            return Err(row.error(column, "a rate between 0 and 1"));
        }
        seen_mineral.check(row, format!("mineral {mineral}"))?;
        out.insert(mineral.clone(), rate);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINERALS: &str =
        "id,name,symbol,form,contained_basis,note\nlithium,Lithium,Li,element,content,\ncobalt,Cobalt,Co,element,content,\n";
    const HEADER: &str = "mineral,nomenclature,hs,description,stage,content_factor,factor_basis\n";

    fn carriers(rows: &str) -> Result<Vec<Mineral>> {
        let text = format!("{HEADER}{rows}\n");
        parse("m.csv", MINERALS.as_bytes(), "c.csv", text.as_bytes())
    }

    #[test]
    fn carrier_field_errors_name_line_field_and_value() {
        let cases = [
            (
                "lithium,HS1992,283691,Li2CO3,refining,0,x",
                "content_factor",
                "0",
            ),
            (
                "lithium,HS1992,283691,Li2CO3,refining,1.2,x",
                "content_factor",
                "1.2",
            ),
            (
                "lithium,HS1992,283691,Li2CO3,refining,NaN,x",
                "content_factor",
                "NaN",
            ),
            (
                "lithium,HS1992,283691,Li2CO3,refining,about 0.2,x",
                "content_factor",
                "about 0.2",
            ),
            ("tin,HS1992,260900,x,mining,0.5,x", "mineral", "tin"),
            ("lithium,HS1992,28369,Li2CO3,refining,0.2,x", "hs", "28369"),
            (
                "lithium,HS1992,283691,Li2CO3,Refining!,0.2,x",
                "stage",
                "Refining!",
            ),
            // A valid slug, but not a stage a carrier may have.
            (
                "lithium,HS1992,283691,Li2CO3,smelting,0.2,x",
                "stage",
                "smelting",
            ),
            (
                "lithium,HS2012,283691,Li2CO3,refining,0.2,x",
                "nomenclature",
                "HS2012",
            ),
            (
                "lithium,hs92,283691,Li2CO3,refining,0.2,x",
                "nomenclature",
                "hs92",
            ),
            ("lithium,,283691,Li2CO3,refining,0.2,x", "nomenclature", ""),
            (
                "lithium,HS1992,283691,Li2CO3,refining,0.2,",
                "factor_basis",
                "",
            ),
        ];
        for (row, field, value) in cases {
            match carriers(row) {
                Err(ImportError::Field { at, value: v, .. }) => {
                    assert_eq!((at.file.as_str(), at.line), ("c.csv", 2), "{row}");
                    assert_eq!((at.field.as_str(), v.as_str()), (field, value), "{row}");
                }
                other => panic!("{row}: expected a field error, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_code_carries_one_mineral_per_nomenclature() {
        let r = carriers(
            "lithium,HS1992,283691,a,refining,0.2,x\ncobalt,HS1992,283691,b,refining,0.2,x",
        );
        assert!(
            matches!(
                r,
                Err(ImportError::Duplicate {
                    line: 3,
                    first_line: 2,
                    ..
                })
            ),
            "{r:?}"
        );
        // The same six digits in another nomenclature are another carrier.
        let m = carriers(
            "lithium,HS2017,283691,a,refining,0.2,x\nlithium,HS1992,283691,b,refining,0.2,x",
        )
        .expect("two nomenclatures");
        let keys: Vec<String> = m[1].hs.iter().map(|c| c.key().to_string()).collect();
        assert_eq!(keys, ["HS 1992 283691", "HS 2017 283691"]);
    }

    #[test]
    fn every_carrier_stage_is_accepted() {
        for stage in HsCarrier::STAGES {
            let m = carriers(&format!("lithium,HS2017,283691,a,{stage},0.2,x"))
                .unwrap_or_else(|e| panic!("{stage}: {e}"));
            assert_eq!(m[1].hs[0].stage.slug(), stage);
        }
    }

    #[test]
    fn bad_form_and_repeated_mineral() {
        let bad = "id,name,symbol,form,contained_basis,note\nlithium,Lithium,Li,metal,content,\n";
        let r = parse("m.csv", bad.as_bytes(), "c.csv", HEADER.as_bytes());
        assert!(matches!(r, Err(ImportError::Field { .. })), "{r:?}");
        let twice = format!("{MINERALS}lithium,Lithium again,Li,element,content,\n");
        let r = parse("m.csv", twice.as_bytes(), "c.csv", HEADER.as_bytes());
        assert!(
            matches!(r, Err(ImportError::Duplicate { line: 4, .. })),
            "{r:?}"
        );
    }

    #[test]
    fn contained_basis_is_parsed_and_checked() {
        let ok = "id,name,symbol,form,contained_basis,note\n\
                  graphite,Graphite,C,element,gross:natural graphite,\n\
                  rare-earths,Rare earths,REE,element_group,equivalent:REO,\n";
        let m = parse("m.csv", ok.as_bytes(), "c.csv", HEADER.as_bytes()).unwrap();
        assert_eq!(
            m[0].contained_basis,
            Basis::Gross("natural graphite".into())
        );
        assert_eq!(m[1].contained_basis, Basis::Equivalent("REO".into()));
        for bad in ["", "gross:", "oxide:REO", "Content"] {
            let text =
                format!("id,name,symbol,form,contained_basis,note\nlithium,L,Li,element,{bad},\n");
            let r = parse("m.csv", text.as_bytes(), "c.csv", HEADER.as_bytes());
            assert!(
                matches!(&r, Err(ImportError::Field { at, .. }) if at.field == "contained_basis"),
                "{bad:?}: {r:?}"
            );
        }
    }

    const BANDS: &str =
        "mineral,nomenclature,hs,form,lower_usd_per_kg,upper_usd_per_kg,content_factor,basis\n";

    fn bands(rows: &str) -> Result<Vec<Mineral>> {
        let mut m = carriers("lithium,HS1992,283691,Li2CO3,refining,0.1879,x")?;
        let text = format!("{BANDS}{rows}\n");
        attach_bands("b.csv", text.as_bytes(), &mut m, "c.csv")?;
        Ok(m)
    }

    #[test]
    fn bands_attach_sorted_by_lower_bound() {
        let m = bands(
            "lithium,HS1992,283691,carbonate,2,250,0.1879,USGS\n\
             lithium,HS1992,283691,not lithium,0.1,2,0,USGS",
        )
        .unwrap();
        let forms: Vec<&str> = m[1].hs[0].forms.iter().map(|b| b.form.as_str()).collect();
        assert_eq!(forms, ["not lithium", "carbonate"]);
        assert_eq!(m[1].hs[0].forms[1].line, Some(2));
    }

    #[test]
    fn band_errors_name_line_field_and_value() {
        let ok = "lithium,HS1992,283691,carbonate,2,250,0.1879,USGS";
        let cases = [
            ("tin,HS1992,283691,a,2,250,0.2,x", 2, "mineral", "tin"),
            ("lithium,HS1992,282520,a,2,250,0.2,x", 2, "hs", "282520"),
            ("lithium,HS2017,283691,a,2,250,0.2,x", 2, "hs", "283691"),
            (
                "lithium,HS92,283691,a,2,250,0.2,x",
                2,
                "nomenclature",
                "HS92",
            ),
            (
                "lithium,HS1992,283691,a,two,250,0.2,x",
                2,
                "lower_usd_per_kg",
                "two",
            ),
            (
                "lithium,HS1992,283691,a,-1,250,0.2,x",
                2,
                "lower_usd_per_kg",
                "-1",
            ),
            (
                "lithium,HS1992,283691,a,2,,0.2,x",
                2,
                "upper_usd_per_kg",
                "",
            ),
            (
                "lithium,HS1992,283691,a,5,5,0.2,x",
                2,
                "upper_usd_per_kg",
                "5",
            ),
            (
                "lithium,HS1992,283691,a,5,3,0.2,x",
                2,
                "upper_usd_per_kg",
                "3",
            ),
            (
                "lithium,HS1992,283691,a,2,250,1.5,x",
                2,
                "content_factor",
                "1.5",
            ),
            (
                "lithium,HS1992,283691,a,2,250,-0.1,x",
                2,
                "content_factor",
                "-0.1",
            ),
            (
                "lithium,HS1992,283691,a,2,250,NaN,x",
                2,
                "content_factor",
                "NaN",
            ),
            ("lithium,HS1992,283691,,2,250,0.2,x", 2, "form", ""),
            ("lithium,HS1992,283691,a,2,250,0.2,", 2, "basis", ""),
            // Overlaps the first band (2–250).
            (
                &*format!("{ok}\nlithium,HS1992,283691,b,100,300,0.2,x"),
                3,
                "lower_usd_per_kg",
                "100",
            ),
            (
                &*format!("{ok}\nlithium,HS1992,283691,b,1,3,0.2,x"),
                3,
                "lower_usd_per_kg",
                "1",
            ),
        ];
        for (rows, line, field, value) in cases {
            match bands(rows) {
                Err(ImportError::Field {
                    at,
                    value: v,
                    expected,
                }) => {
                    assert_eq!((at.file.as_str(), at.line), ("b.csv", line), "{rows}");
                    assert_eq!((at.field.as_str(), v.as_str()), (field, value), "{rows}");
                    assert!(!expected.is_empty());
                    if line == 3 {
                        assert!(expected.contains("line 2"), "{expected}");
                    }
                }
                other => panic!("{rows}: expected a field error, got {other:?}"),
            }
        }
        // Adjacent bands do not overlap; a form named twice for a code is a duplicate.
        assert!(bands(&format!("{ok}\nlithium,HS1992,283691,b,250,300,0.2,x")).is_ok());
        let r = bands(&format!(
            "{ok}\nlithium,HS1992,283691,carbonate,300,400,0.2,x"
        ));
        assert!(
            matches!(r, Err(ImportError::Duplicate { line: 3, .. })),
            "{r:?}"
        );
    }
}
