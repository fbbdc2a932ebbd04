//! `derisk groups`: the country groups a request may name (`eu27`, `quad`, `msp`…), with
//! their members as of a date and on whose authority.

use crate::render::{self, paragraph, Footnotes, Format};
use anyhow::Result;
use derisk_model::MembershipStatus;
use derisk_service::resolve::GroupsResponse;
use derisk_service::Service;
use std::io::Write;

pub fn run(service: &Service, format: Format, out: &mut dyn Write) -> Result<()> {
    let r = service.groups();
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

fn table(out: &mut dyn Write, r: &GroupsResponse) -> Result<()> {
    paragraph(
        out,
        &format!(
            "{} country groups (name one wherever a country is asked for)",
            r.groups.len()
        ),
    )?;
    let mut notes = Footnotes::default();
    let mut t = render::table(["group", "name", "members"].map(String::from).to_vec());
    let mut uncertain = false;
    for g in &r.groups {
        let members: Vec<String> = g
            .members
            .iter()
            .map(|m| match m.status {
                MembershipStatus::Member => m.code.to_string(),
                MembershipStatus::Uncertain => {
                    uncertain = true;
                    format!("{}?", m.code)
                }
            })
            .collect();
        let source = notes.mark(format!(
            "{}: {} Members as of {}; {}",
            g.id, g.description, g.as_of, g.source_url
        ));
        t.add_row(vec![
            g.id.clone(),
            format!("{} {source}", g.name),
            format!("{} ({})", members.join(" "), g.members.len()),
        ]);
    }
    writeln!(out, "{t}")?;
    if uncertain {
        paragraph(
            out,
            "?: membership reported but not confirmed by the group's own publication; \
             --format json gives each member's status, year joined and the member it \
             belongs through.",
        )?;
    }
    notes.write(out)?;
    Ok(())
}
