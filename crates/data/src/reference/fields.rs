//! Field parsers shared by the reference tables: calendar dates, slugs, `;`-separated lists,
//! URLs, known countries and duplicate keys. Each failure names file, line, field and value.

use crate::countries::{CountryResolver, UnknownNames};
use crate::error::{ImportError, Result};
use crate::table::Row;
use derisk_model::CountryCode;
use std::collections::HashMap;

/// What a slug must look like, for error messages.
pub(crate) const SLUG: &str = "a lower-case slug (letters, digits, inner hyphens)";

/// A calendar date that exists (month 1–12, day valid for the month, leap years counted).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Parse `YYYY-MM-DD` with a year from 1900 to 2100; `None` for any other shape or a day
/// that does not exist (2023-02-29, 2024-04-31).
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let part = |from: usize, to: usize| -> Option<u32> {
        let t = s.get(from..to)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (part(0, 4)?, part(5, 7)?, part(8, 10)?);
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

// `u32::is_multiple_of` needs Rust 1.87; the workspace promises 1.80.
#[allow(clippy::manual_is_multiple_of)]
fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

/// A required date column.
pub(crate) fn date(row: &Row, column: &str) -> Result<Date> {
    parse_date(row.get(column))
        .ok_or_else(|| row.error(column, "a real calendar date YYYY-MM-DD, year 1900–2100"))
}

/// Whether `s` is a lower-case slug: ASCII letters, digits and hyphens, no hyphen at an end.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A required slug column.
pub(crate) fn slug<'r>(row: &'r Row, column: &str) -> Result<&'r str> {
    let v = row.get(column);
    if is_slug(v) {
        Ok(v)
    } else {
        Err(row.error(column, SLUG))
    }
}

/// The items of a `;`-separated list, trimmed. Empty items and repeated items are errors;
/// an empty cell gives an empty list only when `allow_empty`.
pub(crate) fn list<'r>(row: &'r Row, column: &str, allow_empty: bool) -> Result<Vec<&'r str>> {
    let v = row.get(column);
    if v.is_empty() {
        return if allow_empty {
            Ok(Vec::new())
        } else {
            Err(row.error(column, "a non-empty ';'-separated list"))
        };
    }
    let items: Vec<&str> = v.split(';').map(str::trim).collect();
    if items.iter().any(|i| i.is_empty()) {
        return Err(row.error(column, "a ';'-separated list without empty items"));
    }
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            return Err(row.error(column, format!("a list without repeats ({item} repeats)")));
        }
    }
    Ok(items)
}

/// A URL column: `http://` or `https://` followed by a host. Empty is allowed only when
/// `required` is false.
pub(crate) fn url<'r>(row: &'r Row, column: &str, required: bool) -> Result<&'r str> {
    let v = row.get(column);
    if v.is_empty() && !required {
        return Ok(v);
    }
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !v.contains(char::is_whitespace) => Ok(v),
        _ => Err(row.error(column, "an http:// or https:// URL without spaces")),
    }
}

/// An ISO 3166 alpha-3 column. A malformed code is a field error; a well-formed code the
/// resolver does not know is collected in `unknown` (one error later lists them all) and
/// gives `None`.
pub(crate) fn country(
    row: &Row,
    column: &str,
    resolver: &CountryResolver,
    unknown: &mut UnknownNames,
) -> Result<Option<CountryCode>> {
    let code = row.country_code(column)?;
    if resolver.is_known(code) {
        Ok(Some(code))
    } else {
        unknown.add(row.get(column), row.line);
        Ok(None)
    }
}

/// Remembers where each key was first seen, so that a repeat is reported with both lines.
#[derive(Default)]
pub(crate) struct Seen {
    first: HashMap<String, u64>,
}

impl Seen {
    /// Record `key` at this row; a key already seen is an [`ImportError::Duplicate`].
    pub(crate) fn check(&mut self, row: &Row, key: String) -> Result<()> {
        if let Some(&first_line) = self.first.get(&key) {
            return Err(ImportError::Duplicate {
                file: row.file.to_string(),
                line: row.line,
                key,
                first_line,
            });
        }
        self.first.insert(key, row.line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert_eq!(
            parse_date("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-1-01",
            "20240101",
            "2024/01/01",
            "2024-01-0a",
            "1899-12-31",
            "+024-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(parse_date("2000-02-29").is_some());
        assert!(parse_date("2023-08-01") < parse_date("2023-12-01"));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("chn-gallium-2023"));
        for bad in ["", "-a", "a-", "A", "a_b", "a b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
