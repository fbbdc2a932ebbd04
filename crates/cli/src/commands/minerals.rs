//! `derisk minerals`: the minerals derisk tracks, with their stages, the HS codes that carry
//! them (nomenclature, stage, trade held) and how many figures the data holds.

use crate::render::{self, number, paragraph, pct, Format};
use anyhow::Result;
use derisk_model::Year;
use derisk_service::catalog::MineralsResponse;
use derisk_service::Service;
use std::io::Write;

pub fn run(service: &Service, format: Format, out: &mut dyn Write) -> Result<()> {
    let r = service.minerals();
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

/// Ascending years as `2017–2024` when consecutive, else listed; "no flows" when none.
fn span(years: &[Year]) -> String {
    let consecutive = years.windows(2).all(|w| w[1].get() == w[0].get() + 1);
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => format!("{a}"),
        (Some(a), Some(b)) if consecutive => format!("{a}–{b}"),
        (Some(_), Some(_)) => years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        _ => "no flows".to_string(),
    }
}

fn table(out: &mut dyn Write, r: &MineralsResponse) -> Result<()> {
    paragraph(out, &format!("{} minerals", r.minerals.len()))?;
    let mut t = render::table(
        [
            "id",
            "name",
            "symbol",
            "stages",
            "HS carriers",
            "no carrier",
            "EoL-RIR",
            "figures",
        ]
        .map(String::from)
        .to_vec(),
    );
    for m in &r.minerals {
        t.add_row(vec![
            m.id.clone(),
            m.name.clone(),
            m.symbol.clone(),
            m.stages
                .iter()
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(" "),
            m.carriers
                .iter()
                .map(|c| {
                    let mut held = span(&c.years);
                    if !c.value_only_years.is_empty() {
                        held.push_str(&format!("; value only {}", span(&c.value_only_years)));
                    }
                    format!(
                        "{} {}×{} {} ({held})",
                        c.nomenclature.code(),
                        c.hs,
                        number(Some(c.content_factor)),
                        c.stage,
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            m.stages_without_carrier
                .iter()
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(" "),
            pct(m.eol_rir),
            m.figures.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    paragraph(
        out,
        "HS carriers: nomenclature, subheading × mass fraction of contained mineral per tonne \
         of product, the stage the product belongs to, and the years with trade flows \
         (descriptions, value-only years and the basis of each factor in --format json). \
         No carrier: stages with production figures but no HS code derisk reads, whose trade \
         is unknown.",
    )?;
    paragraph(
        out,
        "EoL-RIR: end-of-life recycling input rate (EU 2023 factsheets). Figures: production, \
         reserves and capacity figures held, all sources.",
    )?;
    Ok(())
}
