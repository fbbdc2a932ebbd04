//! The summary and all-importers tables of `derisk dependence`.

use super::year_words;
use crate::render::{self, number, paragraph, pct, Footnotes};
use anyhow::Result;
use derisk_analysis::IntraGroupRule;
use derisk_model::CountryCode;
use derisk_service::dependence::{AllImportersResponse, DependenceSummaryResponse, ShareBasis};
use std::io::Write;

/// The largest supplier with its share, marked when the share is by value.
fn largest_cell(
    country: Option<CountryCode>,
    share: Option<f64>,
    basis: Option<ShareBasis>,
) -> String {
    match (country, basis) {
        (Some(c), Some(ShareBasis::Value)) => format!("{c} {} (value)", pct(share)),
        (Some(c), _) => format!("{c} {}", pct(share)),
        (None, _) => "–".into(),
    }
}

pub fn summary(out: &mut dyn Write, r: &DependenceSummaryResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "{} ({}) import dependence by mineral, {}{}",
            r.importer.name,
            r.importer.label,
            year_words(r.year, r.year_basis),
            r.stage
                .as_ref()
                .map(|s| format!(", HS codes of the {s} stage"))
                .unwrap_or_default()
        ),
    )?;
    let wide = render::width() >= 100;
    let mut header = vec!["mineral"];
    if wide {
        header.extend(["HS stages", "suppliers"]);
    }
    header.extend(["largest supplier", "import HHI", "imports t"]);
    if wide {
        header.push("imports kUSD");
    }
    header.push("NIR");
    let focus = r.focus.as_ref();
    let focus_header = focus.map(|f| format!("from {}", f.label));
    let mut header: Vec<String> = header.into_iter().map(String::from).collect();
    header.extend(focus_header);
    header.push("notes".into());
    let mut t = render::table(header);
    let mut notes = Footnotes::default();
    for row in &r.rows {
        let mut cells = vec![row.mineral.clone()];
        if wide {
            cells.push(
                row.hs_stages
                    .iter()
                    .map(|s| s.slug())
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            cells.push(row.suppliers.to_string());
        }
        cells.extend([
            largest_cell(row.largest_supplier, row.largest_share, row.largest_basis),
            number(row.import_hhi),
            number(row.imports_contained_t),
        ]);
        if wide {
            cells.push(number(row.imports_value_kusd));
        }
        cells.push(pct(row.nir));
        if focus.is_some() {
            cells.push(pct(row.focus_share));
        }
        cells.push(
            row.notes
                .iter()
                .map(|n| notes.mark(n.to_string()))
                .collect::<Vec<_>>()
                .join(" "),
        );
        t.add_row(cells);
    }
    writeln!(out, "{t}")?;
    paragraph(
        out,
        &format!(
            "Largest supplier and focus shares: fractions of imports by contained quantity \
             (by value where marked: no flow has a quantity). Import HHI: {}, by contained \
             quantity. Imports t: {}. NIR, when the HS codes are of one stage: {}. \
             `--mineral` gives the detail.",
            r.units.import_hhi, r.units.contained_t, r.units.nir
        ),
    )?;
    if r.intra_group == IntraGroupRule::MembersExcluded {
        paragraph(
            out,
            &format!(
                "{}: trade between its {} members is left out of imports and exports.",
                r.importer.label,
                r.importer.members.len()
            ),
        )?;
    }
    notes.write(out)?;
    render::sources(out, &r.attribution)
}

pub fn all_importers(out: &mut dyn Write, r: &AllImportersResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "Importers of {}, {}{}: {} countries and groups, largest contained tonnes first",
            r.mineral.name,
            year_words(r.year, r.year_basis),
            r.stage
                .as_ref()
                .map(|s| format!(", HS codes of the {s} stage"))
                .unwrap_or_default(),
            r.rows.len()
        ),
    )?;
    let wide = render::width() >= 100;
    let mut header = vec!["#", "importer", "name", "contained t", "value kUSD"];
    if wide {
        header.push("suppliers");
    }
    header.extend(["largest supplier", "HHI (qty)"]);
    if wide {
        header.extend(["HHI (value)", "intra flows"]);
    }
    let mut t = render::table(header.into_iter().map(String::from).collect());
    for (i, row) in r.rows.iter().enumerate() {
        let mut cells = vec![
            (i + 1).to_string(),
            row.importer.clone(),
            row.name.clone(),
            number(row.contained_t),
            number(row.value_kusd),
        ];
        if wide {
            cells.push(row.suppliers.to_string());
        }
        cells.extend([
            largest_cell(row.largest_supplier, row.largest_share, row.largest_basis),
            number(row.import_hhi),
        ]);
        if wide {
            cells.extend([
                number(row.import_hhi_value),
                row.intra_group_flows.to_string(),
            ]);
        }
        t.add_row(cells);
    }
    writeln!(out, "{t}")?;
    paragraph(
        out,
        &format!(
            "Contained t: {}. Largest supplier: its fraction of imports by contained \
             quantity (by value where marked: no flow has a quantity). HHI: {}. Groups leave \
             out trade between their members (intra flows).",
            r.units.contained_t, r.units.import_hhi
        ),
    )?;
    if let (Some(s), Some(t)) = (&r.trade_source, &r.trade_table) {
        paragraph(out, &format!("Trade: {s} — {t}."))?;
    }
    render::sources(out, &r.attribution)
}
