//! Charts as inline SVG, drawn here so the report needs no script: each has a `<title>`
//! and `<desc>` for screen readers, and the report puts a table with the same numbers
//! beside it.

use super::esc;
use std::fmt::Write;

/// One bar: a label, a value and an optional second value drawn beside it.
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub second: Option<f64>,
}

/// Horizontal bars of fractions (0–1), with up to two series; `None` is drawn as "no figure".
pub fn bars(id: &str, title: &str, desc: &str, names: [&str; 2], rows: &[Bar]) -> String {
    let (left, width, row_h) = (150.0, 420.0, 26.0);
    let height = 40.0 + row_h * rows.len() as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 {height}" width="700" role="img" aria-labelledby="{id}-t {id}-d" class="chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"##,
        esc(title),
        esc(desc)
    );
    for (i, name) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        let color = COLORS[i];
        let x = left + i as f64 * 160.0;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="4" width="12" height="12" fill="{color}"/><text x="{}" y="14">{}</text>"#,
            x + 16.0,
            esc(name)
        );
    }
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let x = left + tick * width;
        let _ = write!(
            s,
            r##"<line x1="{x}" x2="{x}" y1="26" y2="{}" stroke="#d0d4da"/><text x="{x}" y="{}" text-anchor="middle" class="axis">{:.0} %</text>"##,
            height - 12.0,
            height - 1.0,
            tick * 100.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = 30.0 + row_h * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 15.0,
            esc(&r.label)
        );
        for (k, v) in [r.value, r.second].iter().enumerate() {
            if k == 1 && names[1].is_empty() {
                continue;
            }
            let yy = y + 2.0 + k as f64 * 10.0;
            match v {
                Some(v) => {
                    let _ = write!(
                        s,
                        r#"<rect x="{left}" y="{yy}" width="{:.1}" height="9" fill="{}"><title>{}: {:.1} %</title></rect>"#,
                        (v.clamp(0.0, 1.0) * width).max(0.5),
                        COLORS[k],
                        esc(&r.label),
                        v * 100.0
                    );
                }
                None => {
                    let _ = write!(
                        s,
                        r##"<text x="{}" y="{}" class="axis">no figure</text>"##,
                        left + 4.0,
                        yy + 8.0
                    );
                }
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// Heatmap of shares: rows × columns; `None` cells are "no recorded flow".
pub fn heatmap(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[String],
    cols: &[String],
    value: impl Fn(usize, usize) -> Option<f64>,
) -> String {
    let (left, top, cw, rh) = (140.0, 70.0, 40.0, 24.0);
    let w = left + cw * cols.len() as f64 + 10.0;
    let h = top + rh * rows.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" role="img" aria-labelledby="{id}-t {id}-d" class="chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"##,
        esc(title),
        esc(desc)
    );
    for (j, c) in cols.iter().enumerate() {
        let x = left + cw * j as f64 + cw / 2.0;
        let _ = write!(
            s,
            r#"<text transform="translate({x},{}) rotate(-50)">{}</text>"#,
            top - 6.0,
            esc(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + rh * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 16.0,
            esc(r)
        );
        for (j, col) in cols.iter().enumerate() {
            let x = left + cw * j as f64;
            let v = value(i, j);
            let fill = v.map_or_else(|| "#f4f5f7".to_string(), ramp);
            let tip = v.map_or_else(
                || "no recorded flow".to_string(),
                |v| format!("{:.1} %", v * 100.0),
            );
            let _ = write!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#d0d4da"><title>{} from {}: {tip}</title></rect>"##,
                x + 1.0,
                y + 1.0,
                cw - 2.0,
                rh - 2.0,
                esc(r),
                esc(col)
            );
            if let Some(v) = v.filter(|v| *v >= 0.05) {
                let fg = if v > 0.55 { "#ffffff" } else { "#1a1a1a" };
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{}" text-anchor="middle" fill="{fg}" style="fill:{fg}">{:.0}</text>"#,
                    x + cw / 2.0,
                    y + 16.0,
                    v * 100.0
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

const COLORS: [&str; 2] = ["#0b5394", "#b45309"];

/// White → dark red for 0 → 1.
fn ramp(v: f64) -> String {
    let t = v.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        lerp(254.0, 127.0),
        lerp(240.0, 0.0),
        lerp(217.0, 0.0)
    )
}
