//! The look-through table of `dependence --look-through`: direct suppliers beside the mines
//! their shipments came from.

use crate::render::{self, number, paragraph, pct, Footnotes};
use anyhow::Result;
use derisk_analysis::network::LayerId;
use derisk_service::dependence::LookThroughReport;
use std::io::Write;

/// Rows shown of each side before "others".
const ROWS: usize = 12;

pub fn render(out: &mut dyn Write, r: &LookThroughReport, notes: &mut Footnotes) -> Result<()> {
    let Some(l) = &r.imports else {
        return paragraph(
            out,
            "Look-through: no imports with a known tonnage to trace to their mines.",
        );
    };
    paragraph(
        out,
        &format!(
            "Look-through: {} t contained imported at every stage ({}), by direct supplier and by mine origin",
            number(Some(l.imports_t)),
            l.layers
                .iter()
                .map(|x| format!(
                    "{} t of {}",
                    number(Some(x.imports_t)),
                    match x.layer {
                        LayerId::Upstream => "ores and intermediates",
                        LayerId::Refined => "refined products",
                    }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )?;
    let refined = l.layers.iter().find(|x| x.layer == LayerId::Refined);
    let mut header = vec!["direct supplier", "share"];
    if refined.is_some() {
        header.extend(["refined supplier", "share"]);
    }
    header.extend(["mine origin", "share"]);
    let mut t = render::table(header.into_iter().map(String::from).collect());
    let cell = |v: &[derisk_analysis::network::OriginShare], i: usize| -> [String; 2] {
        v.get(i).map_or([String::new(), String::new()], |o| {
            [o.country.to_string(), pct(Some(o.share))]
        })
    };
    let rows = [
        l.direct.len(),
        refined.map_or(0, |x| x.direct.len()),
        l.origin.len() + 1,
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
    .min(ROWS);
    for i in 0..rows {
        let mut row = cell(&l.direct, i).to_vec();
        if let Some(x) = refined {
            row.extend(cell(&x.direct, i));
        }
        if i < l.origin.len() {
            row.extend(cell(&l.origin, i));
        } else if i == l.origin.len() && l.unattributed_t > 0.0 {
            row.extend(["unattributed".to_string(), pct(Some(l.unattributed_share))]);
        } else {
            row.extend([String::new(), String::new()]);
        }
        t.add_row(row);
    }
    writeln!(out, "{t}")?;
    if l.origin.len() >= ROWS {
        paragraph(
            out,
            &format!(
                "Unattributed (no data traces it to a mine): {} t, {}.",
                number(Some(l.unattributed_t)),
                pct(Some(l.unattributed_share))
            ),
        )?;
    }
    let marks = notes.marks(&r.assumptions);
    paragraph(
        out,
        &format!(
            "Mine origin passes each refiner's output back through its feed (own mines, then \
             upstream imports less upstream exports) and each hub's re-exports back through \
             its imports, in proportion; what no data explains stays unattributed{}.",
            marks
        ),
    )
}
