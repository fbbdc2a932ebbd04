//! Country groups (partnerships, alliances, blocs) and their members.

use super::fields::{country, date, slug, url, Seen};
use crate::countries::{CountryResolver, UnknownNames};
use crate::error::{ImportError, Result};
use crate::table::CsvTable;
use derisk_model::{CountryGroup, GroupMember, MembershipStatus};
use std::collections::BTreeMap;
use std::io::Read;

/// A member row kept with its line until `via` can be checked against the other groups.
struct Pending {
    line: u64,
    member: GroupMember,
}

/// Parse `id,name,description,as_of,source_url` and `group,country,status,since,via,note`.
/// Groups come out sorted by id, members by country code.
pub(crate) fn parse<G: Read, M: Read>(
    groups_file: &str,
    groups: G,
    members_file: &str,
    members: M,
    resolver: &CountryResolver,
) -> Result<Vec<CountryGroup>> {
    let mut by_id: BTreeMap<String, (CountryGroup, u16)> = BTreeMap::new();
    let mut t = CsvTable::new(groups_file, groups)?;
    t.require(&["id", "name", "description", "as_of", "source_url"])?;
    let mut seen = Seen::default();
    t.for_each(|row| {
        let id = slug(row, "id")?;
        seen.check(row, id.to_string())?;
        let as_of = date(row, "as_of")?;
        let group = CountryGroup {
            id: id.to_string(),
            name: row.text("name")?.to_string(),
            description: row.text("description")?.to_string(),
            as_of: row.get("as_of").to_string(),
            source_url: url(row, "source_url", true)?.to_string(),
            members: Vec::new(),
        };
        by_id.insert(id.to_string(), (group, as_of.year));
        Ok(())
    })?;

    let mut t = CsvTable::new(members_file, members)?;
    t.require(&["group", "country", "status", "since", "via", "note"])?;
    let mut seen = Seen::default();
    let mut unknown = UnknownNames::default();
    let mut pending: BTreeMap<String, Vec<Pending>> = BTreeMap::new();
    t.for_each(|row| {
        let group = row.get("group");
        let Some((_, as_of_year)) = by_id.get(group) else {
            return Err(row.error("group", format!("a group id listed in {groups_file}")));
        };
        let status = match row.get("status") {
            "member" => MembershipStatus::Member,
            "uncertain" => MembershipStatus::Uncertain,
            _ => return Err(row.error("status", "member or uncertain")),
        };
        let since = match row.get("since") {
            "" => None,
            _ => {
                let y = row.year("since")?.get();
                if y > *as_of_year {
                    return Err(row.error("since", "a year no later than the group's as_of"));
                }
                Some(y)
            }
        };
        let via = match row.get("via") {
            "" => None,
            v if v != group && by_id.contains_key(v) => Some(v.to_string()),
            _ => {
                return Err(row.error(
                    "via",
                    format!("empty, or the id of another group listed in {groups_file}"),
                ))
            }
        };
        let Some(code) = country(row, "country", resolver, &mut unknown)? else {
            return Ok(());
        };
        seen.check(row, format!("{group} {code}"))?;
        let member = GroupMember {
            country: code,
            status,
            since,
            via,
        };
        let line = row.line;
        pending
            .entry(group.to_string())
            .or_default()
            .push(Pending { line, member });
        Ok(())
    })?;
    unknown.into_result(members_file)?;

    // A member through another group must belong to that group.
    for members in pending.values() {
        for p in members {
            let Some(via) = &p.member.via else { continue };
            let listed = pending
                .get(via)
                .is_some_and(|v| v.iter().any(|q| q.member.country == p.member.country));
            if !listed {
                return Err(ImportError::field(
                    members_file,
                    p.line,
                    "via",
                    via,
                    format!("a group that lists {} as a member", p.member.country),
                ));
            }
        }
    }

    let mut out = Vec::with_capacity(by_id.len());
    for (id, (mut group, _)) in by_id {
        let mut members: Vec<GroupMember> = pending
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.member)
            .collect();
        if members.is_empty() {
            return Err(ImportError::Format {
                file: members_file.to_string(),
                message: format!("group `{id}` has no members"),
            });
        }
        members.sort_by_key(|m| m.country);
        group.members = members;
        out.push(group);
    }
    Ok(out)
}
