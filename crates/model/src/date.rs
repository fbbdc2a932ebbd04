use crate::{ModelError, Year};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// A calendar day that exists (1900-01-01 … 2100-12-31), written `YYYY-MM-DD`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

// `u32::is_multiple_of` needs Rust 1.87; the workspace promises 1.80.
#[allow(clippy::manual_is_multiple_of)]
fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// The shape of a date, as a regular expression (for the JSON Schema).
    pub const PATTERN: &'static str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
    /// What a date must look like, for messages.
    pub const EXPECTED: &'static str = "a real calendar date YYYY-MM-DD, year 1900–2100";

    /// A date from its parts; `None` when the day does not exist or the year is outside
    /// 1900–2100.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(Year::MIN..=Year::MAX).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parse exactly `YYYY-MM-DD`; `None` for any other shape or a day that does not exist
    /// (2023-02-29, 2024-04-31).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let part = |from: usize, to: usize| -> Option<u16> {
            let t = s.get(from..to)?;
            if t.bytes().all(|c| c.is_ascii_digit()) {
                t.parse().ok()
            } else {
                None
            }
        };
        let (y, m, d) = (part(0, 4)?, part(5, 7)?, part(8, 10)?);
        Date::new(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// 1 January of `year`.
    pub fn first_of(year: Year) -> Date {
        Date {
            year: year.get(),
            month: 1,
            day: 1,
        }
    }

    /// 31 December of `year`.
    pub fn last_of(year: Year) -> Date {
        Date {
            year: year.get(),
            month: 12,
            day: 31,
        }
    }

    /// The number of days in `year` (365 or 366).
    pub fn days_in_year(year: Year) -> u16 {
        if is_leap(year.get()) {
            366
        } else {
            365
        }
    }

    /// Days since 1970-01-01 (negative before), so that differences count days.
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl TryFrom<&str> for Date {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        Date::parse(s).ok_or_else(|| ModelError::Date(s.to_string()))
    }
}

impl TryFrom<String> for Date {
    type Error = ModelError;
    fn try_from(s: String) -> Result<Self, ModelError> {
        Date::try_from(s.as_str())
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Serialised as the string `YYYY-MM-DD`.
impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Date").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": Date::PATTERN,
            "description": "A calendar day, YYYY-MM-DD, 1900–2100."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_days_only_and_counts_days() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-4-01").is_none());
        assert!(Date::parse("1899-12-31").is_none());
        let d = |s| Date::parse(s).unwrap().day_number();
        assert_eq!(d("1970-01-01"), 0);
        assert_eq!(d("2025-01-01") - d("2024-01-01"), 366);
        assert_eq!(d("2000-03-01") - d("2000-02-28"), 2);
        assert_eq!(Date::parse("2025-10-09").unwrap().to_string(), "2025-10-09");
        let y = Year::try_from(2024u16).unwrap();
        assert_eq!(Date::days_in_year(y), 366);
    }
}
