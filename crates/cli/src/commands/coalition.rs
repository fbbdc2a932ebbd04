//! `derisk coalition`: what a group of countries controls of each mineral — pooled share
//! of mining, refining and reserves, self-sufficiency, the share of its consumption mined
//! inside it, the concentration outside it — and which country to add, against a target.

use crate::render::{self, number, paragraph, pct, Footnotes, Format};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use derisk_analysis::coalition::{CoalitionMineral, CoalitionStage, Estimate, PooledShare};
use derisk_service::coalition::{
    parse_member_list, CoalitionRequest, CoalitionResponse, CoalitionTarget, MineralCoalition,
    ViaMembers,
};
use derisk_service::Service;
use std::io::Write;
use std::path::PathBuf;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Via {
    Include,
    Exclude,
}

#[derive(Args)]
pub struct CoalitionArgs {
    /// The coalition: a group (msp, forge, quad, eu27…; see `derisk groups`), a country, or
    /// a comma list of them.
    #[arg(long)]
    pub group: Option<String>,
    /// Countries added to the coalition, a comma list (IND,IDN).
    #[arg(long)]
    pub add: Option<String>,
    /// A file of members to add: names or codes, one a line or comma-separated; `#`
    /// starts a comment.
    #[arg(long, value_name = "FILE")]
    pub members_file: Option<PathBuf>,
    /// Whether members that belong only through another member (EU states in the MSP,
    /// through the EU) count [default: include].
    #[arg(long, value_enum)]
    pub via_members: Option<Via>,
    /// One mineral in detail; by default one row per tracked mineral.
    #[arg(long)]
    pub mineral: Option<String>,
    /// Production and trade year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// A target to reach, and the smallest addition that reaches it: refining:0.6,
    /// mining:60%, reserves:0.3, self-sufficiency:refining:0.5.
    #[arg(long)]
    pub target: Option<String>,
}

pub fn run(
    service: &Service,
    args: &CoalitionArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let mut add: Vec<String> = args.add.iter().cloned().collect();
    if let Some(path) = &args.members_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the member file {}", path.display()))?;
        add.extend(parse_member_list(&text));
    }
    let target = args
        .target
        .as_deref()
        .map(str::parse::<CoalitionTarget>)
        .transpose()
        .map_err(derisk_service::ServiceError::from)?;
    let mut req = CoalitionRequest::group(String::new());
    req.group = args.group.clone();
    req.add = add;
    req.via_members = match args.via_members {
        Some(Via::Exclude) => ViaMembers::Exclude,
        Some(Via::Include) => ViaMembers::Include,
        None => ViaMembers::default(),
    };
    req.mineral = args.mineral.clone();
    req.year = args.year;
    req.target = target;
    let r = service.coalition(&req)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

/// A range as percentages, `8%–12%`, or one when exact; `unknown` with a footnote.
fn share(e: &Estimate, notes: &mut Footnotes) -> String {
    match e {
        Estimate::Known { low, high } if pct(Some(*low)) == pct(Some(*high)) => pct(Some(*low)),
        Estimate::Known { low, high } => format!("{}–{}", pct(Some(*low)), pct(Some(*high))),
        Estimate::Unknown { reason } => format!("unknown {}", notes.mark(reason.to_string())),
    }
}

fn tonnes(e: &Estimate, notes: &mut Footnotes) -> String {
    match e {
        Estimate::Known { low, high } if low == high => number(Some(*low)),
        Estimate::Known { low, high } => {
            format!("{}–{}", number(Some(*low)), number(Some(*high)))
        }
        Estimate::Unknown { reason } => format!("unknown {}", notes.mark(reason.to_string())),
    }
}

fn pooled(p: &PooledShare, notes: &mut Footnotes) -> String {
    let s = share(&p.share, notes);
    if p.unaccounted.is_empty() || matches!(p.share, Estimate::Unknown { .. }) {
        return s;
    }
    let n = p.unaccounted.len();
    format!(
        "{s} {}",
        notes.mark(format!(
            "{n} member{} not listed by the table (or withheld): their output lies in its \
             unlisted rest, so the share runs from the listed members up to them plus that rest",
            if n == 1 { " is" } else { "s are" }
        ))
    )
}

fn outside(s: &CoalitionStage) -> String {
    match &s.remainder {
        Some(r) => match &r.largest {
            Some(l) => format!(
                "{} {} (HHI {}–{})",
                l.country,
                pct(Some(l.share)),
                number(Some(r.hhi.round())),
                number(Some(r.hhi_upper.round()))
            ),
            None => "–".into(),
        },
        None => "–".into(),
    }
}

fn header(out: &mut dyn Write, r: &CoalitionResponse) -> Result<()> {
    let c = &r.coalition;
    let mut line = format!(
        "{} ({}), {}: {} members",
        c.name,
        c.label,
        r.year,
        c.members.len()
    );
    if !c.through_other_member.is_empty() {
        let how = match c.via_members {
            ViaMembers::Include => "counted",
            ViaMembers::Exclude => "left out (--via-members exclude)",
        };
        line.push_str(&format!(
            "; {} belong only through another member (the EU), {how}",
            c.through_other_member.len()
        ));
    }
    if !c.uncertain.is_empty() {
        line.push_str(&format!(
            "; {} marked uncertain in the group table, counted",
            c.uncertain.len()
        ));
    }
    paragraph(out, &format!("{line}."))
}

fn detail(out: &mut dyn Write, m: &MineralCoalition, notes: &mut Footnotes) -> Result<()> {
    let f = &m.figures;
    let mut t = render::table(
        [
            "stage",
            "pooled share",
            "production t",
            "imports t",
            "exports t",
            "self-sufficiency",
            "mined inside",
            "refined inside",
            "largest outside (HHI outside)",
        ]
        .map(String::from)
        .to_vec(),
    );
    for s in &f.stages {
        t.add_row(vec![
            s.stage.to_string(),
            pooled(&s.pooled, notes),
            tonnes(&s.production_t, notes),
            number(s.balance.as_ref().map(|b| b.imports_t)),
            number(s.balance.as_ref().map(|b| b.exports_t)),
            share(&s.self_sufficiency, notes),
            pct(s.origin.as_ref().map(|o| o.mined_inside)),
            pct(s.origin.as_ref().and_then(|o| o.refined_inside)),
            outside(s),
        ]);
    }
    t.add_row(vec![
        "reserves".into(),
        pooled(&f.reserves.pooled, notes),
        "–".into(),
        "–".into(),
        "–".into(),
        "–".into(),
        "–".into(),
        "–".into(),
        "–".into(),
    ]);
    writeln!(out, "{t}")?;
    let tables: Vec<String> = f
        .stages
        .iter()
        .filter_map(|s| Some((s.stage.to_string(), s.table.as_ref()?)))
        .chain(
            f.reserves
                .table
                .as_ref()
                .map(|t| ("reserves".to_string(), t)),
        )
        .map(|(what, t)| {
            format!(
                "{what} {} {}{}",
                t.source,
                t.year,
                if t.trade_proxy {
                    " (trade proxy: shares of net exports, not production)"
                } else {
                    ""
                }
            )
        })
        .collect();
    paragraph(out, &format!("Shares from: {}.", tables.join("; ")))?;
    for s in &f.stages {
        if let Some(o) = &s.origin {
            if o.unattributed > 0.005 {
                paragraph(
                    out,
                    &format!(
                        "{}: {} of the coalition's consumption ({} t) is not traced to a mine.",
                        s.stage,
                        pct(Some(o.unattributed)),
                        number(Some(o.consumption_t))
                    ),
                )?;
            }
        }
    }
    if let Some(reason) = &f.network {
        paragraph(out, &format!("No trade figures: {reason}."))?;
    }
    candidates(out, f)?;
    search(out, f)
}

fn candidates(out: &mut dyn Write, f: &CoalitionMineral) -> Result<()> {
    if f.candidates.is_empty() {
        return Ok(());
    }
    paragraph(
        out,
        &format!("Countries to add, by gain in {}:", f.ranked_by),
    )?;
    let mut t = render::table(
        ["country", "gain", "mining share", "refining share"]
            .map(String::from)
            .to_vec(),
    );
    for c in &f.candidates {
        t.add_row(vec![
            c.country.to_string(),
            format!("+{}", pct(Some(c.gain))),
            pct(c.mining_share_gain),
            pct(c.refining_share_gain),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn search(out: &mut dyn Write, f: &CoalitionMineral) -> Result<()> {
    let Some(s) = &f.search else {
        return Ok(());
    };
    let what = format!("{} ≥ {}", f.ranked_by, pct(Some(s.target)));
    if s.reached_already {
        return paragraph(
            out,
            &format!("Target {what}: reached already ({}).", pct(Some(s.base))),
        );
    }
    let greedy: Vec<String> = s
        .greedy
        .iter()
        .map(|g| format!("+{} → {}", g.country, pct(Some(g.value))))
        .collect();
    let exact = match &s.smallest {
        Some(b) => format!(
            "the smallest set that reaches it is {} ({}), among {} sets tried",
            b.countries
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            pct(Some(b.value)),
            s.evaluated
        ),
        None => format!(
            "no set of up to 3 of the {} candidates reaches it (best of 3: {})",
            s.candidates,
            s.exact.last().map_or("–".into(), |b| pct(Some(b.value)))
        ),
    };
    paragraph(
        out,
        &format!(
            "Target {what}: now {}; greedy {} ({}); exactly, {exact}.",
            pct(Some(s.base)),
            if greedy.is_empty() {
                "adds nothing".to_string()
            } else {
                greedy.join(", ")
            },
            if s.greedy_reached {
                "reached"
            } else {
                "not reached"
            }
        ),
    )
}

fn summary(out: &mut dyn Write, r: &CoalitionResponse, notes: &mut Footnotes) -> Result<()> {
    let mut t = render::table(
        [
            "mineral",
            "mining share",
            "refining share",
            "reserves share",
            "refined self-sufficiency",
            "refined: mined inside",
            "largest outside (refining, else mining)",
            "best to add",
        ]
        .map(String::from)
        .to_vec(),
    );
    for m in &r.minerals {
        let f = &m.figures;
        let stage = |i: usize| f.stages.get(i);
        let refined = stage(1);
        let out_stage = refined
            .filter(|s| s.remainder.is_some())
            .or_else(|| stage(0));
        t.add_row(vec![
            m.mineral.id.clone(),
            stage(0).map_or("–".into(), |s| pooled(&s.pooled, notes)),
            refined.map_or("–".into(), |s| pooled(&s.pooled, notes)),
            pooled(&f.reserves.pooled, notes),
            refined.map_or("–".into(), |s| share(&s.self_sufficiency, notes)),
            pct(refined
                .and_then(|s| s.origin.as_ref())
                .map(|o| o.mined_inside)),
            out_stage.map_or("–".into(), outside),
            f.candidates.first().map_or("–".into(), |c| {
                format!("{} +{}", c.country, pct(Some(c.gain)))
            }),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

fn table(out: &mut dyn Write, r: &CoalitionResponse) -> Result<()> {
    header(out, r)?;
    let mut notes = Footnotes::default();
    match r.minerals.as_slice() {
        [m] => {
            paragraph(out, &format!("{} ({}):", m.mineral.name, m.mineral.symbol))?;
            detail(out, m, &mut notes)?;
        }
        _ => summary(out, r, &mut notes)?,
    }
    paragraph(
        out,
        &format!(
            "Shares: {}. Self-sufficiency: {}. Mined/refined inside: fractions of the \
             coalition's consumption by look-through origin. Tonnes: {}. HHI outside: {} ({}).",
            r.units.share,
            r.units.self_sufficiency,
            r.units.tonnes,
            r.units.hhi,
            r.thresholds.citation
        ),
    )?;
    notes.write(out)?;
    render::sources(out, &r.attribution)
}
