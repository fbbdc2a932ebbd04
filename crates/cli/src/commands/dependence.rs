//! `derisk dependence`: how much a country or group relies on each supplier of a mineral
//! (shares by contained quantity and by value, import HHI, net import reliance, transit
//! hubs); without a mineral, one summary row per mineral traded under HS codes; with
//! `--all-importers`, every importer of the mineral, ranked.

mod look_through;
mod tables;

use crate::render::{self, number, paragraph, pct, Footnotes, Format};
use anyhow::Result;
use clap::Args;
use derisk_analysis::{IntraGroupRule, MemberProduction};
use derisk_model::Flag;
use derisk_service::defaults::YearBasis;
use derisk_service::dependence::{
    AllImportersRequest, DependenceRequest, DependenceResponse, DependenceSummaryRequest,
};
use derisk_service::Service;
use std::io::Write;

#[derive(Args)]
pub struct DependenceArgs {
    /// Importer: a country (ISO3, ISO2, numeric code or English name), a group (eu27,
    /// quad, msp…, or its name) or a comma-separated list of them.
    #[arg(long, required_unless_present = "all_importers")]
    pub importer: Option<String>,
    /// Every importing country and every group at once (needs --mineral): one row each,
    /// ranked by imports.
    #[arg(long, conflicts_with_all = ["importer", "focus"], requires = "mineral")]
    pub all_importers: bool,
    /// Mineral (id, name, symbol or alias; see `derisk minerals`); without it, one
    /// summary row per mineral traded under HS codes.
    #[arg(long)]
    pub mineral: Option<String>,
    /// Trade year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// Read only the HS codes of this stage (mining, refining…); by default all of them.
    #[arg(long)]
    pub stage: Option<String>,
    /// Also report the share of imports from this country, group or comma list.
    #[arg(long)]
    pub focus: Option<String>,
    /// Also trace the imports (every stage) back to the mines they came from, through the
    /// refiners' feed mixes (needs --importer and --mineral).
    #[arg(long, requires_all = ["importer", "mineral"])]
    pub look_through: bool,
}

pub fn run(
    service: &Service,
    args: &DependenceArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    match (&args.importer, &args.mineral) {
        (None, Some(mineral)) => {
            let mut req = AllImportersRequest::new(mineral.clone());
            req.year = args.year;
            req.stage = args.stage.clone();
            let r = service.all_importers(&req)?;
            match format {
                Format::Json => render::json(out, &r),
                Format::Csv => render::csv(out, &r),
                Format::Table => tables::all_importers(out, &r),
            }
        }
        (Some(importer), Some(mineral)) => {
            let mut req = DependenceRequest::new(importer.clone(), mineral.clone());
            req.year = args.year;
            req.stage = args.stage.clone();
            req.focus = args.focus.clone();
            req.look_through = args.look_through;
            let r = service.dependence(&req)?;
            match format {
                Format::Json => render::json(out, &r),
                Format::Csv => render::csv(out, &r),
                Format::Table => detail(out, &r),
            }
        }
        (Some(importer), None) => {
            let mut req = DependenceSummaryRequest::new(importer.clone());
            req.year = args.year;
            req.stage = args.stage.clone();
            req.focus = args.focus.clone();
            let r = service.dependence_summary(&req)?;
            match format {
                Format::Json => render::json(out, &r),
                Format::Csv => render::csv(out, &r),
                Format::Table => tables::summary(out, &r),
            }
        }
        // clap requires --importer unless --all-importers, which requires --mineral.
        (None, None) => anyhow::bail!("--importer or --mineral with --all-importers is needed"),
    }
}

/// The year with how it was chosen.
fn year_words(year: derisk_model::Year, basis: YearBasis) -> String {
    match basis {
        YearBasis::Requested => format!("{year}"),
        _ => format!("{year} (latest in the trade table; --year to choose)"),
    }
}

fn detail(out: &mut dyn Write, r: &DependenceResponse) -> Result<()> {
    let d = &r.dependence;
    let im = &d.imports;
    paragraph(
        out,
        &format!(
            "{} ({}) imports of {}, {}, by supplier",
            r.importer.name,
            r.importer.label,
            r.mineral.name,
            year_words(d.year, r.year_basis)
        ),
    )?;
    let wide = render::width() >= 100;
    let mut header = vec!["supplier"];
    if wide {
        header.push("name");
    }
    header.extend(["share (qty)", "share (value)", "contained t", "value kUSD"]);
    if wide {
        header.push("flows");
    }
    let mut t = render::table(header.into_iter().map(String::from).collect());
    for s in &r.suppliers {
        let mut row = vec![s.country.to_string()];
        if wide {
            row.push(s.name.clone());
        }
        row.extend([
            pct(s.share),
            pct(s.value_share),
            number(Some(s.contained_t)),
            number(Some(s.value_kusd)),
        ]);
        if wide {
            row.push(match s.flows_without_quantity {
                0 => s.flows.to_string(),
                n => format!("{} ({n} without quantity)", s.flows),
            });
        }
        t.add_row(row);
    }
    writeln!(out, "{t}")?;
    let mut notes = Footnotes::default();
    let mut lines = Vec::new();
    match &r.largest_supplier {
        Some(l) => lines.push(format!(
            "Largest supplier: {} ({}) with {} of imports {}.",
            l.country,
            l.name,
            pct(Some(l.share)),
            l.basis
        )),
        None if im.carriers_without_rows.is_empty() => {
            lines.push("No imports recorded.".to_string())
        }
        None => {}
    }
    match (im.contained_t, im.value_kusd) {
        (Some(t), Some(v)) => lines.push(format!(
            "Imports: {} t contained, {} kUSD in {} flows; import HHI (0–10,000) {} by quantity, {} by value.",
            number(Some(t)),
            number(Some(v)),
            im.flows,
            number(im.hhi_quantity),
            number(im.hhi_value)
        )),
        _ => lines.push(format!(
            "Imports: unknown — {} (a gap in the data, not zero){}.",
            without_rows(&im.carriers_without_rows),
            if im.flows > 0 {
                format!("; the table lists the {} flows of the other HS codes", im.flows)
            } else {
                String::new()
            }
        )),
    }
    if im.flows_without_quantity > 0 {
        lines.push(format!(
            "{} flows without a quantity ({} kUSD) count in the value shares only.",
            im.flows_without_quantity,
            number(Some(im.value_without_quantity_kusd))
        ));
    }
    match (d.exports.contained_t, d.exports.value_kusd) {
        (Some(t), Some(v)) => lines.push(format!(
            "Exports: {} t contained, {} kUSD to {} partners.",
            number(Some(t)),
            number(Some(v)),
            d.exports.partners.len()
        )),
        _ => lines.push(format!(
            "Exports: unknown — {} (a gap in the data, not zero).",
            without_rows(&d.exports.carriers_without_rows)
        )),
    }
    for b in &d.balances {
        let note = notes.mark(match &b.production.bounds {
            Some(bo) => format!(
                "{}; bounded: {} absent from the year's tables produce at most the {} t that {} leaves to the rest of the world",
                b.note,
                bo.absent
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                number(Some(bo.rest_of_world_t)),
                bo.rest_of_world_source
            ),
            None => b.note.to_string(),
        });
        // Members whose figure was published on another basis say how it was converted.
        let converted: Vec<String> = b
            .production
            .members
            .iter()
            .filter(|m| {
                matches!(
                    &m.production,
                    MemberProduction::Tonnes {
                        converted: Some(_),
                        ..
                    }
                )
            })
            .map(|m| format!("{} {}", m.country, m.production))
            .collect();
        let production = match b.production.tonnes {
            None => match &b.production.bounds {
                Some(bo) => format!("{}–{} t", number(Some(bo.low_t)), number(Some(bo.high_t))),
                None => "unknown".to_string(),
            },
            Some(t) if converted.is_empty() => format!("{} t", number(Some(t))),
            Some(t) => format!("{} t {}", number(Some(t)), notes.mark(converted.join("; "))),
        };
        lines.push(format!(
            "NIR ({}): {} {} — imports {}, exports {}, production {}.",
            b.stage,
            match (b.nir, &b.nir_range) {
                (Some(n), _) => pct(Some(n)),
                (None, Some(r)) => format!(
                    "unknown, between {} and {}",
                    pct(Some(r.low)),
                    pct(Some(r.high))
                ),
                (None, None) => "unknown".to_string(),
            },
            note,
            b.imports_t
                .map_or("unknown".into(), |t| format!("{} t", number(Some(t)))),
            b.exports_t
                .map_or("unknown".into(), |t| format!("{} t", number(Some(t)))),
            production
        ));
    }
    if let Some(p) = &r.published_nir {
        let derisk = match (&p.derisk_stage, p.derisk_nir) {
            (Some(s), Some(n)) => format!("derisk ({s}) {}", pct(Some(n))),
            (Some(s), None) => match &p.derisk_nir_range {
                Some(r) => format!("derisk ({s}) {}–{}", pct(Some(r.low)), pct(Some(r.high))),
                None => format!("derisk ({s}) unknown"),
            },
            (None, _) => "derisk none at that stage".to_string(),
        };
        lines.push(format!(
            "USGS net import reliance {}{} ({}; compared at the {} stage): {}; {}: {}.",
            p.year,
            if p.flag == Flag::Estimated {
                " (estimate)"
            } else {
                ""
            },
            p.scope,
            p.stage.as_ref().map_or("(none)", |s| s.slug()),
            p.figure,
            derisk,
            p.comparison
        ));
    }
    if let Some(f) = &d.focus {
        lines.push(format!(
            "From {}: {} of contained quantity, {} of value.",
            f.label,
            pct(f.quantity_share),
            pct(f.value_share)
        ));
    }
    if d.intra_group.rule == IntraGroupRule::MembersExcluded {
        lines.push(format!(
            "Trade between the {} members left out: {} flows, {} kUSD.",
            d.members.len(),
            d.intra_group.flows,
            number(Some(d.intra_group.value_kusd))
        ));
    }
    if !d.transit.hubs.is_empty() {
        let h: Vec<String> = d
            .transit
            .hubs
            .iter()
            .map(|h| {
                format!(
                    "{} ({}, {} t)",
                    h.country,
                    h.stage,
                    number(Some(h.excess_t))
                )
            })
            .collect();
        lines.push(format!(
            "Transit hubs (exports exceed production + imports by the tonnes shown: the real origin lies elsewhere): {}.",
            h.join(", ")
        ));
    }
    if !d.transit.unassessed.is_empty() {
        let u: Vec<String> = d
            .transit
            .unassessed
            .iter()
            .map(|u| format!("{} ({}: {})", u.country, u.stage, u.production))
            .collect();
        lines.push(format!(
            "Transit check not possible: {}.",
            notes.mark(u.join(", "))
        ));
    }
    let hs: Vec<String> = d
        .carriers
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} ({})",
                c.nomenclature, c.hs, c.description, c, c.stage
            )
        })
        .collect();
    lines.push(format!("HS codes: {}.", hs.join("; ")));
    lines.push(format!(
        "Shares are fractions of imports; contained t: {}; kUSD: {}.",
        r.units.contained_t, r.units.value_kusd
    ));
    for l in lines {
        paragraph(out, &l)?;
    }
    if let Some(lt) = &r.look_through {
        look_through::render(out, lt, &mut notes)?;
    }
    notes.write(out)?;
    if let (Some(s), Some(t)) = (&r.trade_source, &r.trade_table) {
        paragraph(out, &format!("Trade: {s} — {t}."))?;
    }
    render::sources(out, &r.attribution)
}

/// "HS 1992 811230 has no trade rows in the year", for one or more carriers.
fn without_rows(carriers: &[derisk_model::HsKey]) -> String {
    let list: Vec<String> = carriers.iter().map(|c| c.to_string()).collect();
    let verb = if list.len() == 1 { "has" } else { "have" };
    format!("{} {verb} no trade rows in the year", list.join(", "))
}
