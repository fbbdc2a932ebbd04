//! Byte-level pieces of the BACI reader: three-letter codes as table positions, packed
//! sort keys, the in-place reorder, duplicate detection, and number parsing without
//! allocation.

use derisk_model::{CountryCode, HsCode, TradeFlow, Year};
use std::hash::Hasher;

/// How many codes of three capital letters there are.
pub(crate) const LETTER_CODES: usize = 26 * 26 * 26;

/// The position of a code of three capital letters among all of them.
pub(crate) fn letter_code(raw: &[u8]) -> Option<usize> {
    match raw {
        &[a, b, c] if raw.iter().all(u8::is_ascii_uppercase) => Some(
            [a, b, c]
                .iter()
                .fold(0, |i, &x| i * 26 + usize::from(x - b'A')),
        ),
        _ => None,
    }
}

/// Put `flows` in the order of `keys` (`flows[j]` becomes the old `flows[keys[j].1]`), in
/// place: each cycle of the permutation is followed once, moving every flow once. A second
/// buffer of the same size (28 MB for the full history) cost more in fresh pages than the
/// moves. The keys' indices are used up.
pub(crate) fn permute(flows: &mut [TradeFlow], keys: &mut [(u64, u32)]) {
    const DONE: u32 = u32::MAX;
    for start in 0..flows.len() {
        if keys[start].1 == DONE {
            continue;
        }
        let held = flows[start];
        let mut at = start;
        loop {
            let from = keys[at].1 as usize;
            keys[at].1 = DONE;
            if from == start {
                flows[at] = held;
                break;
            }
            flows[at] = flows[from];
            at = from;
        }
    }
}

/// A country code packed into 15 bits (5 per upper-case letter), preserving order.
pub(crate) fn pack_code(c: CountryCode) -> u64 {
    c.as_str().bytes().fold(0, |acc, b| {
        (acc << 5) | u64::from(b.saturating_sub(b'A') & 31)
    })
}

/// (year, hs, exporter, importer) packed into one integer that orders the same way:
/// year in bits 50.., hs (< 2^20) in 30..50, the two packed codes below.
pub(crate) fn sort_key(year: Year, hs: HsCode, exporter: u64, importer: u64) -> u64 {
    (u64::from(year.get()) << 50) | (u64::from(hs.get()) << 30) | (exporter << 15) | importer
}

/// Indices (first, second) of the duplicate whose second occurrence comes earliest in
/// the file, given (key, index) pairs sorted, indices in file order.
pub(crate) fn first_duplicate(sorted: &[(u64, u32)]) -> Option<(usize, usize)> {
    first_duplicate_by(sorted, u64::from)
}

/// [`first_duplicate`] where `place` gives an index's place in the file (equal keys must
/// still be sorted in file order).
pub(crate) fn first_duplicate_by(
    sorted: &[(u64, u32)],
    place: impl Fn(u32) -> u64,
) -> Option<(usize, usize)> {
    sorted
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .min_by_key(|w| place(w[1].1))
        .map(|w| (w[0].1 as usize, w[1].1 as usize))
}

/// A whole number of at most `max_digits` ASCII digits.
pub(crate) fn parse_uint(s: &[u8], max_digits: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// A finite decimal number.
pub(crate) fn parse_float(s: &[u8]) -> Option<f64> {
    if let Some(v) = parse_plain_decimal(s) {
        return Some(v);
    }
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Fast path for the common `digits[.digits]` form: when the digits fit in 2^53 and there
/// are at most 22 decimals, `mantissa / 10^k` is one correctly rounded division of two
/// exact values, so the result equals what `str::parse` gives. Anything else → `None`.
pub(crate) fn parse_plain_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut decimals: Option<usize> = None;
    for &b in s {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                digits += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    let k = decimals.unwrap_or(0);
    if digits == 0 || mantissa >= 1 << 53 || k >= POW10.len() {
        return None;
    }
    Some(mantissa as f64 / POW10[k])
}

/// A multiplicative hash for the short raw codes (SipHash is overkill for a few hundred
/// keys looked up 2.5 million times).
#[derive(Default)]
pub(crate) struct CodeHasher(u64);

impl Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        // Fold high bits down: the table picks buckets by the low bits.
        self.0 ^ (self.0 >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}
