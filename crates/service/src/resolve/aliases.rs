//! The committed alias tables: common English names the data's own lists lack, each mapped to
//! the code it means. Two columns, a header line, no quoting (no alias contains a comma).
//! A target the dataset does not have is skipped when resolving; the tests check that every
//! target exists in the embedded snapshot.

/// Country names → ISO 3166-1 alpha-3 code.
pub(crate) const COUNTRY_ALIASES: &str = include_str!("country_aliases.csv");
/// Group names → group id.
pub(crate) const GROUP_ALIASES: &str = include_str!("group_aliases.csv");
/// Mineral names → mineral id.
pub(crate) const MINERAL_ALIASES: &str = include_str!("mineral_aliases.csv");

/// The `(alias, target)` rows of an alias table, in file order. Blank lines are skipped; a
/// line without exactly two non-empty fields is returned as `Err(line number)`.
pub(crate) fn rows(table: &str) -> impl Iterator<Item = Result<(&str, &str), usize>> {
    table
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let mut fields = line.split(',').map(str::trim);
            match (fields.next(), fields.next(), fields.next()) {
                (Some(alias), Some(target), None) if !alias.is_empty() && !target.is_empty() => {
                    Ok((alias, target))
                }
                _ => Err(i + 1),
            }
        })
}

/// The well-formed rows only (the tests check that there is no other kind).
pub(crate) fn pairs(table: &str) -> impl Iterator<Item = (&str, &str)> {
    rows(table).filter_map(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::normalize::key;
    use std::collections::BTreeMap;

    #[test]
    fn every_table_is_well_formed_with_distinct_aliases() {
        for (name, table, header) in [
            ("country", COUNTRY_ALIASES, "alias,iso3"),
            ("group", GROUP_ALIASES, "alias,group"),
            ("mineral", MINERAL_ALIASES, "alias,mineral"),
        ] {
            assert_eq!(table.lines().next(), Some(header), "{name} table header");
            let bad: Vec<usize> = rows(table).filter_map(Result::err).collect();
            assert!(bad.is_empty(), "{name} table: malformed lines {bad:?}");
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for (alias, target) in pairs(table) {
                if let Some(other) = seen.insert(key(alias), target) {
                    panic!("{name} alias {alias:?} listed twice (→ {other}, → {target})");
                }
            }
        }
    }

    #[test]
    fn malformed_lines_are_reported_by_number() {
        let t = "alias,iso3\nIndia,IND\n\nno target\n,IND\na,b,c\n";
        let got: Vec<Result<(&str, &str), usize>> = rows(t).collect();
        assert_eq!(got, vec![Ok(("India", "IND")), Err(4), Err(5), Err(6)]);
    }
}
