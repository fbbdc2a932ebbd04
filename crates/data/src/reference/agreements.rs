//! Trade agreements of groups (the EU's), for the trade parameter `t` of EU supply risk.

use super::fields::{country, date, slug, url, Seen};
use crate::countries::{CountryResolver, UnknownNames};
use crate::error::Result;
use crate::table::CsvTable;
use derisk_model::{CountryGroup, TradeAgreement};
use std::io::Read;

/// Parse `party,partner,agreement,start,source_url`: the party a known group id, the partner
/// a known country outside it, one row per (party, partner), a real start date and a URL.
/// Sorted by (party, partner).
pub(crate) fn parse<R: Read>(
    file: &str,
    input: R,
    resolver: &CountryResolver,
    groups: &[CountryGroup],
) -> Result<Vec<TradeAgreement>> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&["party", "partner", "agreement", "start", "source_url"])?;
    let mut seen = Seen::default();
    let mut unknown = UnknownNames::default();
    let mut out = Vec::new();
    t.for_each(|row| {
        let party = slug(row, "party")?;
        let Some(group) = groups.iter().find(|g| g.id == party) else {
            return Err(row.error("party", "a group id of data/reference/groups.csv"));
        };
        let Some(partner) = country(row, "partner", resolver, &mut unknown)? else {
            return Ok(());
        };
        if group.members.iter().any(|m| m.country == partner) {
            return Err(row.error("partner", format!("a country outside {party}")));
        }
        seen.check(row, format!("{party} {partner}"))?;
        date(row, "start")?;
        out.push(TradeAgreement {
            party: party.to_string(),
            partner,
            agreement: row.text("agreement")?.to_string(),
            start: row.get("start").to_string(),
            source_url: url(row, "source_url", true)?.to_string(),
        });
        Ok(())
    })?;
    unknown.into_result(file)?;
    out.sort_by(|a, b| (&a.party, a.partner).cmp(&(&b.party, b.partner)));
    Ok(out)
}
