use crate::output::{emit, Format, Report};
use anyhow::Result;
use derisk_model::Dataset;
use serde::Serialize;

#[derive(Serialize)]
struct MineralRow {
    id: String,
    name: String,
    symbol: String,
    stages: String,
    hs92: String,
    eol_rir: Option<f64>,
    figures: usize,
}

pub fn run(ds: &Dataset, format: Format) -> Result<()> {
    let rows: Vec<MineralRow> = ds
        .minerals
        .iter()
        .map(|m| MineralRow {
            id: m.id.to_string(),
            name: m.name.clone(),
            symbol: m.symbol.clone(),
            stages: m
                .stages
                .iter()
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(" "),
            hs92: m
                .hs
                .iter()
                .map(|h| format!("{}×{}", h.hs, h.content_factor))
                .collect::<Vec<_>>()
                .join(" "),
            eol_rir: m.eol_rir,
            figures: ds.observations.iter().filter(|o| o.mineral == m.id).count(),
        })
        .collect();
    emit(
        format,
        &Report {
            title: format!("{} minerals", rows.len()),
            records: &rows,
            notes: vec![
                "hs92: HS 1992 code × mass fraction of contained element per tonne of product"
                    .into(),
                "eol_rir: end-of-life recycling input rate (EU 2023 factsheets)".into(),
            ],
            json: None,
        },
    )
}
