//! Prints, as Markdown, USGS's published US net import reliance for 2024 against derisk's
//! NIR at the same stage, for every USGS commodity derisk tracks, with the agreement rate.
//! DATA.md carries this table; the test `usgs_nir_table` checks it is current.
//!
//! ```sh
//! cargo run -p derisk-service --example usgs_nir_table
//! ```

use derisk_analysis::explain::Percent;
use derisk_analysis::Engine;
use derisk_service::published_nir::{
    ComparisonGap, NirComparison, PublishedNirCheckRequest, PublishedNirCheckResponse,
};
use derisk_service::Service;
use std::fmt::Write;

/// The year compared: the latest with refined and ore quantities in the trade table.
pub const YEAR: u16 = 2024;

/// USGS's figures for the United States in [`YEAR`].
pub fn request() -> PublishedNirCheckRequest {
    let mut req = PublishedNirCheckRequest::new("USA");
    req.year = Some(YEAR);
    req
}

/// The table with a line of counts under it.
pub fn markdown(r: &PublishedNirCheckResponse) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| USGS commodity | USGS {} | what USGS covers | stage compared | derisk NIR | agrees | difference or missing input |",
        r.year
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for row in &r.rows {
        let p = &row.published;
        let detail = match &p.comparison {
            NirComparison::Agrees { points } | NirComparison::Disagrees { points } => {
                format!("{points:+.0} points")
            }
            NirComparison::InsideBound => "inside the bound".to_string(),
            NirComparison::OutsideBound => "outside the bound".to_string(),
            c @ NirComparison::Range { .. } => format!(
                "{c}; production bounded: {}",
                p.derisk_nir_range.as_ref().map_or(String::new(), |_| {
                    "the USA is absent from the year's tables, which leave a rest of world"
                        .to_string()
                })
            ),
            NirComparison::Unknown { why } => why.to_string(),
        };
        let stage = p
            .stage
            .as_ref()
            .map_or("—".to_string(), |s| s.slug().to_string());
        let _ = writeln!(
            s,
            "| {}{} | {} | {} | {} | {} | {} | {} |",
            p.commodity,
            if row.mineral == p.commodity {
                String::new()
            } else {
                format!(" (`{}`)", row.mineral)
            },
            p.figure,
            p.scope,
            stage,
            match (p.derisk_nir, &p.derisk_nir_range) {
                (Some(n), _) => Percent(n).to_string(),
                (None, Some(r)) => format!("{}–{}", Percent(r.low), Percent(r.high)),
                (None, None) if p.comparison.agrees() =>
                    "net exporter (ratio undefined)".to_string(),
                (None, None) => "unknown".to_string(),
            },
            if p.comparison.agrees() { "yes" } else { "no" },
            detail.replace('|', "/"),
        );
    }
    let count = |f: &dyn Fn(&ComparisonGap) -> bool| {
        r.rows
            .iter()
            .filter(
                |row| matches!(&row.published.comparison, NirComparison::Unknown { why } if f(why)),
            )
            .count()
    };
    let no_trade = count(&|w| {
        matches!(
            w,
            ComparisonGap::NoHsCarriers
                | ComparisonGap::NoCarriersAtStage { .. }
                | ComparisonGap::NoTradeRows { .. }
        )
    });
    let unknown_nir = count(&|w| matches!(w, ComparisonGap::NirUnknown { .. }));
    let ranges = r
        .rows
        .iter()
        .filter(|row| matches!(row.published.comparison, NirComparison::Range { .. }))
        .count();
    let answered = r
        .rows
        .iter()
        .filter(|row| !matches!(row.published.comparison, NirComparison::Unknown { .. }))
        .count();
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Agreement: {} of {} commodities ({}): within {} points of USGS's figure or inside its \
         bound. derisk answers {} of them ({} agree); it cannot answer {} for want of trade at \
         the stage USGS measures (no HS code, or no rows that year) and {} because its NIR \
         there is unknown; {} answers are ranges (US production bounded, not known), which \
         agree only when both ends do.",
        r.agree,
        r.compared,
        r.agreement
            .map_or("—".to_string(), |a| Percent(a).to_string()),
        r.tolerance_points,
        answered,
        r.agree,
        no_trade,
        unknown_nir,
        ranges,
    );
    s
}

#[allow(dead_code)]
fn main() {
    let ds = derisk_data::snapshot::embedded().expect("embedded snapshot");
    let service = Service::new(Engine::new(ds));
    let r = service
        .published_nir_check(&request())
        .expect("published NIR check");
    print!("{}", markdown(&r));
}
