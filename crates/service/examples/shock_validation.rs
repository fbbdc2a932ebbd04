//! Prints, as Markdown, the figures of docs/validation-shocks.md: the library's replays of
//! China's August-2023 gallium and December-2023 graphite controls beside China's recorded
//! monthly exports by partner (a UN Comtrade extract in the raw data directory, read here,
//! never shipped). The test `shock_validation` checks that the note is current; it needs
//! the raw data, so it is ignored unless run with `--ignored`.
//!
//! ```sh
//! DERISK_RAW_DATA=../shared/data cargo run -p derisk-service --example shock_validation
//! ```
//!
//! Without `DERISK_RAW_DATA` the directory is `../shared/data` beside the workspace.

use derisk_analysis::shock::ShockEvent;
use derisk_analysis::Engine;
use derisk_model::{CountryCode, Dataset};
use derisk_service::resolve::resolve_country_set;
use derisk_service::shock::ShockResponse;
use derisk_service::Service;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The extract, under the raw data directory.
pub const FILE: &str = "reference/china_exports_monthly_comtrade_deep_dive_hs6_monthly.csv";
/// Partners shown per control.
const PARTNERS: usize = 8;

/// A month as `year × 12 + month − 1`.
type Month = i32;

fn month(y: i32, m: i32) -> Month {
    y * 12 + m - 1
}

fn month_name(m: Month) -> String {
    format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// One of the two controls compared.
pub struct Control {
    /// The library scenario.
    pub scenario: &'static str,
    /// The HS 2017 subheading of the extract compared.
    pub hs: &'static str,
    /// The month the measure was announced: the twelve months before it are the baseline.
    pub announced: Month,
    /// Scenario-month windows compared, inclusive.
    pub windows: [(u32, u32); 2],
    /// A unit-value band (USD/kg) whose rows are shown apart, where the code mixes products.
    pub band: Option<(f64, f64)>,
}

pub fn controls() -> [Control; 2] {
    [
        Control {
            scenario: "gallium-2023",
            hs: "811292",
            announced: month(2023, 7),
            windows: [(1, 2), (3, 15)],
            band: Some((150.0, 1000.0)),
        },
        Control {
            scenario: "graphite-2023",
            hs: "250410",
            announced: month(2023, 10),
            windows: [(1, 3), (4, 12)],
            band: None,
        },
    ]
}

/// China's recorded exports: (hs, partner, month) → (tonnes, USD).
pub struct Recorded {
    flows: BTreeMap<(String, CountryCode, Month), (f64, f64)>,
    /// Rows with a value and no quantity, by HS code (not counted, reported).
    pub without_quantity: BTreeMap<String, usize>,
}

pub fn raw_dir() -> PathBuf {
    std::env::var_os("DERISK_RAW_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

/// Read the extract; an unknown partner name or a malformed row is an error naming the line.
pub fn read(ds: &Dataset, dir: &Path) -> Result<Recorded, String> {
    let path = dir.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    if header != "period_dt,partner_name,hs6,val,qty,uv" {
        return Err(format!("{}: unexpected header {header:?}", path.display()));
    }
    let mut flows = BTreeMap::new();
    let mut without_quantity = BTreeMap::new();
    for (i, line) in lines.enumerate() {
        let at = |what: &str| format!("{}, line {}: {what}", path.display(), i + 2);
        let f: Vec<&str> = line.split(',').collect();
        let [period, partner, hs, val, qty, _] = f[..] else {
            return Err(at("expected 6 fields"));
        };
        let (y, m) = (period.get(0..4), period.get(5..7));
        let mon = match (
            y.and_then(|y| y.parse().ok()),
            m.and_then(|m| m.parse().ok()),
        ) {
            (Some(y), Some(m)) if (1..=12).contains(&m) => month(y, m),
            _ => return Err(at(&format!("period_dt {period:?}"))),
        };
        let set = resolve_country_set(ds, partner).map_err(|e| at(&e.to_string()))?;
        let members: Vec<CountryCode> = set.members.into_iter().collect();
        let [c] = members[..] else {
            return Err(at(&format!("partner_name {partner:?} is not one country")));
        };
        let num = |s: &str, field: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| at(&format!("{field} {s:?}")))
        };
        let (usd, kg) = (num(val, "val")?, num(qty, "qty")?);
        if kg == 0.0 && usd > 0.0 {
            *without_quantity.entry(hs.to_string()).or_insert(0) += 1;
            continue;
        }
        let e = flows.entry((hs.to_string(), c, mon)).or_insert((0.0, 0.0));
        e.0 += kg / 1000.0;
        e.1 += usd;
    }
    Ok(Recorded {
        flows,
        without_quantity,
    })
}

impl Recorded {
    /// Tonnes in `hs` over the months `from..=to`, to `partner` (all when `None`), only rows
    /// whose unit value is in `band` when given; the monthly mean.
    fn mean(
        &self,
        hs: &str,
        partner: Option<CountryCode>,
        (from, to): (Month, Month),
        band: Option<(f64, f64)>,
    ) -> f64 {
        let t: f64 = self
            .flows
            .iter()
            .filter(|((h, c, m), (t, usd))| {
                h == hs
                    && partner.is_none_or(|p| p == *c)
                    && (from..=to).contains(m)
                    && band.is_none_or(|(lo, hi)| {
                        let uv = usd / (t * 1000.0);
                        uv >= lo && uv < hi
                    })
            })
            .map(|(_, (t, _))| t)
            .sum();
        t / f64::from(to - from + 1)
    }

    fn partners(&self, hs: &str) -> Vec<CountryCode> {
        let mut v: Vec<CountryCode> = self
            .flows
            .keys()
            .filter(|(h, _, _)| h == hs)
            .map(|(_, c, _)| *c)
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The share of China's exports an event leaves in month `m` (every library event of these
/// scenarios is China's, to every importer).
fn keep(events: &[ShockEvent], m: u32) -> f64 {
    events
        .iter()
        .filter(|e| m >= e.start_month && m < e.start_month + e.duration_months)
        .map(|e| 1.0 - e.cut)
        .product()
}

fn pct(x: f64) -> String {
    format!("{:+.0} %", x * 100.0)
}

fn t(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The section of one control.
pub fn section(service: &Service, rec: &Recorded, c: &Control) -> Result<String, String> {
    let scenario = service
        .library_scenario(c.scenario)
        .map_err(|e| e.to_string())?;
    let ds = service.engine().dataset();
    let factor = ds
        .minerals
        .iter()
        .find(|m| m.id.as_str() == scenario.mineral.id)
        .and_then(|m| m.hs.iter().find(|h| h.hs.to_string() == c.hs))
        .map(|h| h.content_factor)
        .ok_or_else(|| format!("{} is not a carrier of {}", c.hs, scenario.mineral.id))?;
    let layer_codes: Vec<String> = ds
        .minerals
        .iter()
        .filter(|m| m.id.as_str() == scenario.mineral.id)
        .flat_map(|m| m.hs.iter())
        .filter(|h| {
            derisk_analysis::network::LayerId::of_carrier_stage(&h.stage) == Some(scenario.layer)
        })
        .map(|h| format!("{} {}", h.nomenclature, h.hs))
        .collect();
    let r: ShockResponse = service.shock(scenario).map_err(|e| e.to_string())?;
    let s = &r.scenario;
    let start = s
        .start
        .map(|d| month(i32::from(d.year()), i32::from(d.month())))
        .ok_or("the scenario states no start")?;
    let before = (c.announced - 12, c.announced - 1);
    // The model's monthly flows from China by importer (gross tonnes of the code): what a
    // full stop takes in a month in which China keeps nothing.
    let full = (1..=s.horizon_months)
        .find(|&m| keep(&s.events, m) == 0.0)
        .ok_or("no month of full stop to read the base flows from")?;
    let base: BTreeMap<CountryCode, f64> = r.result.months[full as usize - 1]
        .importers
        .iter()
        .map(|i| (i.importer, (i.demand_t - i.delivered_t) / factor))
        .collect();
    let base_total: f64 = base.values().sum();
    let mut o = String::new();
    let w = &mut o;
    let rec_before = rec.mean(c.hs, None, before, None);
    let _ = writeln!(
        w,
        "Scenario `library:{}` ({}), month 1 = {}; base year {}; derisk counts {} t of {} per tonne of HS {}. \
         Baseline of the record: the monthly mean of {} to {}, the twelve months before the announcement: {} t a month. \
         The model's China exports in its base year: {} t a month of the layer's carriers ({}), gross tonnes at the factor of HS {}.",
        c.scenario,
        s.name,
        month_name(start),
        s.year,
        factor,
        s.mineral.name.to_lowercase(),
        c.hs,
        month_name(before.0),
        month_name(before.1),
        t(rec_before),
        t(base_total),
        layer_codes.join(", "),
        c.hs,
    );
    let _ = writeln!(w);
    let mut head = format!(
        "| month | scenario month | China's recorded exports, HS {} t |",
        c.hs
    );
    let mut rule = "|---|---|---|".to_string();
    if let Some((lo, hi)) = c.band {
        let _ = write!(head, " of which at {lo:.0}–{hi:.0} USD/kg, t |");
        rule.push_str("---|");
    }
    head.push_str(" recorded, against the baseline | simulated, China's exports | simulated world shortfall after rerouting, t |");
    rule.push_str("---|---|---|");
    let _ = writeln!(w, "{head}\n{rule}");
    let last = start + s.horizon_months as i32 - 1;
    for m in (start - 3)..=last {
        let sm = m - start + 1;
        let rec_m = rec.mean(c.hs, None, (m, m), None);
        let mut row = format!(
            "| {} | {} | {} |",
            month_name(m),
            if sm >= 1 {
                sm.to_string()
            } else {
                "—".into()
            },
            t(rec_m)
        );
        if let Some(b) = c.band {
            let _ = write!(row, " {} |", t(rec.mean(c.hs, None, (m, m), Some(b))));
        }
        let (sim, short) = if sm >= 1 {
            let k = keep(&s.events, sm as u32);
            (
                pct(k - 1.0),
                t(r.result.months[sm as usize - 1].shortfall_t),
            )
        } else {
            ("—".into(), "—".into())
        };
        let _ = writeln!(
            row,
            " {} | {sim} | {short} |",
            pct(rec_m / rec_before - 1.0)
        );
        w.push_str(&row);
    }
    let _ = writeln!(w);
    // By partner: the largest before the announcement.
    let mut partners: Vec<(CountryCode, f64)> = rec
        .partners(c.hs)
        .into_iter()
        .map(|p| (p, rec.mean(c.hs, Some(p), before, None)))
        .collect();
    partners.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let win = |(a, b): (u32, u32)| (start + a as i32 - 1, start + b as i32 - 1);
    let sim_win = |(a, b): (u32, u32)| -> f64 {
        (a..=b).map(|m| keep(&s.events, m)).sum::<f64>() / f64::from(b - a + 1) - 1.0
    };
    let [w1, w2] = c.windows;
    let _ = writeln!(
        w,
        "| partner | recorded before, t/month | model's base year, t/month | recorded, months {}–{} | simulated, months {}–{} | recorded, months {}–{} | simulated, months {}–{} | simulated shortfall after rerouting, share of its demand over the horizon |",
        w1.0, w1.1, w1.0, w1.1, w2.0, w2.1, w2.0, w2.1
    );
    let _ = writeln!(w, "|---|---|---|---|---|---|---|---|");
    for (p, before_p) in partners.iter().take(PARTNERS) {
        let change = |win: (Month, Month)| {
            if *before_p > 0.0 {
                pct(rec.mean(c.hs, Some(*p), win, None) / before_p - 1.0)
            } else {
                "—".into()
            }
        };
        let short = r
            .result
            .shortfall_by_importer
            .iter()
            .find(|x| x.0 == *p)
            .map_or("0 %".to_string(), |x| format!("{:.0} %", x.2 * 100.0));
        let _ = writeln!(
            w,
            "| {p} | {} | {} | {} | {} | {} | {} | {short} |",
            t(*before_p),
            base.get(p).map_or("0".to_string(), |v| t(*v)),
            change(win(w1)),
            pct(sim_win(w1)),
            change(win(w2)),
            pct(sim_win(w2)),
        );
    }
    let _ = writeln!(w);
    let total_change = |x: (u32, u32)| pct(rec.mean(c.hs, None, win(x), None) / rec_before - 1.0);
    let _ = writeln!(
        w,
        "All partners: recorded {} in months {}–{} and {} in months {}–{} against the baseline; simulated {} and {}. \
         Over the horizon the model reroutes {} t and leaves {} t short (contained).",
        total_change(w1),
        w1.0,
        w1.1,
        total_change(w2),
        w2.0,
        w2.1,
        pct(sim_win(w1)),
        pct(sim_win(w2)),
        t(r.result.months.iter().map(|m| m.rerouted_t).sum()),
        t(r.result.total_shortfall_t),
    );
    if let Some(n) = rec.without_quantity.get(c.hs) {
        let _ = writeln!(
            w,
            "\n{n} {} of the extract under HS {} {} a value and no quantity: not counted.",
            if *n == 1 { "row" } else { "rows" },
            c.hs,
            if *n == 1 { "has" } else { "have" }
        );
    }
    Ok(o)
}

/// Every section, with its heading.
pub fn markdown(service: &Service, rec: &Recorded) -> Result<String, String> {
    let mut o = String::new();
    for c in controls() {
        let _ = writeln!(o, "### HS {} — `library:{}`\n", c.hs, c.scenario);
        o.push_str(&section(service, rec, &c)?);
        o.push('\n');
    }
    Ok(o.trim_end().to_string() + "\n")
}

#[allow(dead_code)]
fn main() {
    let service = Service::new(Engine::new(
        derisk_data::snapshot::embedded().expect("embedded snapshot"),
    ));
    let rec = match read(service.engine().dataset(), &raw_dir()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    match markdown(&service, &rec) {
        Ok(s) => print!("{s}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
