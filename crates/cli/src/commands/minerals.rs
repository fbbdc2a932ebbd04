//! `derisk minerals`: the minerals derisk tracks, with their stages, the HS codes that carry
//! them and how many figures the data holds.

use crate::render::{self, number, paragraph, pct, Format};
use anyhow::Result;
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

fn table(out: &mut dyn Write, r: &MineralsResponse) -> Result<()> {
    paragraph(out, &format!("{} minerals", r.minerals.len()))?;
    let mut t = render::table(
        [
            "id", "name", "symbol", "stages", "HS 1992", "EoL-RIR", "figures",
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
            m.hs.iter()
                .map(|h| format!("{}×{}", h.hs, number(Some(h.content_factor))))
                .collect::<Vec<_>>()
                .join(" "),
            pct(m.eol_rir),
            m.figures.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    paragraph(
        out,
        "HS 1992: subheading × mass fraction of contained mineral per tonne of product \
         (descriptions, stages and the basis of each factor in --format json).",
    )?;
    paragraph(
        out,
        "EoL-RIR: end-of-life recycling input rate (EU 2023 factsheets). Figures: production, \
         reserves and capacity figures held, all sources.",
    )?;
    Ok(())
}
