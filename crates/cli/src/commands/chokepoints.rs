//! `derisk chokepoints`: the mines and refineries whose loss would cut the most supply of
//! a mineral, the worst pairs, for the world and for one importer, and hidden chokepoints.

use crate::render::{self, number, paragraph, pct, Footnotes, Format};
use anyhow::Result;
use clap::Args;
use derisk_analysis::network::{LayerId, NodeCut};
use derisk_service::chokepoints::{ChokepointsRequest, ChokepointsResponse};
use derisk_service::Service;
use std::io::Write;

/// Single cuts and pairs shown in the table (JSON and CSV carry them all).
const SHOWN: usize = 10;

#[derive(Args)]
pub struct ChokepointsArgs {
    /// Mineral (id, name, symbol or alias; see `derisk minerals`).
    #[arg(long)]
    pub mineral: String,
    /// Trade and production year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// Also rank what each cut takes from this importer (a country, group or comma list).
    #[arg(long)]
    pub importer: Option<String>,
}

pub fn run(
    service: &Service,
    args: &ChokepointsArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let req = ChokepointsRequest {
        mineral: args.mineral.clone(),
        year: args.year,
        importer: args.importer.clone(),
    };
    let r = service.chokepoints(&req)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

fn cuts(out: &mut dyn Write, title: &str, c: &NodeCut) -> Result<()> {
    paragraph(out, title)?;
    let named = c.nodes.iter().any(|k| !k.affected.is_empty());
    let mut header = vec!["rank", "country", "stage", "output t", "cut t", "cut"];
    if named {
        header.push("most affected importers (t lost, share of imports)");
    }
    let mut t = render::table(header.into_iter().map(String::from).collect());
    for (i, k) in c.nodes.iter().take(SHOWN).enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            k.node.country.to_string(),
            k.node.stage.to_string(),
            number(Some(k.output_t)),
            number(Some(k.cut_t)),
            pct(Some(k.cut_share)),
        ];
        if named {
            row.push(
                k.affected
                    .iter()
                    .take(3)
                    .map(|a| {
                        format!(
                            "{} {} t {}",
                            a.importer,
                            number(Some(a.cut_t)),
                            pct(Some(a.cut_share))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        t.add_row(row);
    }
    writeln!(out, "{t}")?;
    let pairs: Vec<String> = c
        .pairs
        .iter()
        .take(3)
        .map(|p| {
            format!(
                "{} {} + {} {}: {}",
                p.first.country,
                p.first.stage,
                p.second.country,
                p.second.stage,
                pct(Some(p.cut_share))
            )
        })
        .collect();
    if !pairs.is_empty() {
        paragraph(out, &format!("Worst pairs (N-2): {}.", pairs.join("; ")))?;
    }
    Ok(())
}

fn table(out: &mut dyn Write, r: &ChokepointsResponse) -> Result<()> {
    let c = &r.chokepoints;
    let measured = match c.measured_at {
        LayerId::Refined => "world refinery output",
        LayerId::Upstream => "world mine output (no refinery figures for the year)",
    };
    cuts(
        out,
        &format!(
            "{} {}: what losing each mine or refinery would cut from {measured}, {} t contained{}",
            r.mineral.name,
            r.year,
            number(Some(c.world.supply_t)),
            if c.world.unnamed_t > 0.0 {
                format!(
                    " ({} t of it from countries the production table does not name)",
                    number(Some(c.world.unnamed_t))
                )
            } else {
                String::new()
            }
        ),
        &c.world,
    )?;
    if let (Some(i), Some(cut)) = (&r.importer, &c.importer) {
        cuts(
            out,
            &format!(
                "For {} ({}): share of its imports ({} t contained) each cut would take",
                i.name,
                i.label,
                number(Some(cut.supply_t))
            ),
            cut,
        )?;
    }
    for h in &c.hidden {
        paragraph(
            out,
            &format!(
                "Hidden chokepoint: {} (HHI {}) is far more concentrated than {} (HHI {}); {} holds {} of it.",
                h.stage,
                number(Some(h.hhi)),
                h.previous_stage,
                number(Some(h.previous_hhi)),
                h.leader,
                pct(Some(h.leader_share))
            ),
        )?;
    }
    let mut notes = Footnotes::default();
    let marks = notes.marks(&r.assumptions);
    paragraph(
        out,
        &format!(
            "Losing a refinery cuts its output; losing a mine cuts what every refinery refined \
             of its ore (feed mixes in proportion); a pair counts shared tonnes once. Tonnes: {}{}.",
            r.units.tonnes,
            marks
        ),
    )?;
    notes.write(out)?;
    render::sources(out, &r.attribution)
}
