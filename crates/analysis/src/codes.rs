//! Country codes as integers for the hot loops of the trade computations: compared with
//! one instruction where `CountryCode`'s derived `Ord` compares three bytes one by one, and
//! usable as an array index.

use derisk_model::CountryCode;
use std::hash::{Hash, Hasher};

/// How many three-letter codes there are: the range of [`dense`].
pub(crate) const CODES: usize = 26 * 26 * 26;

/// Collects the bytes a value feeds to a hasher, ignoring length prefixes.
struct Bytes(u32);

impl Hasher for Bytes {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u32::from(b);
        }
    }
    fn write_usize(&mut self, _: usize) {}
    fn finish(&self) -> u64 {
        u64::from(self.0)
    }
}

/// The code's three bytes, big-endian in one integer, so integers order like codes. Read
/// through `Hash`, which feeds exactly those bytes: `CountryCode::as_str` checks UTF-8 on
/// every call, which showed in profiles of the per-flow loops. (The test below holds this
/// to `as_str` for every code.)
#[inline]
pub(crate) fn key(c: CountryCode) -> u32 {
    let mut h = Bytes(0);
    c.hash(&mut h);
    h.0
}

/// The code's position among all three-letter codes, in code order: `0..CODES`.
#[inline]
pub(crate) fn dense(c: CountryCode) -> usize {
    let k = key(c).to_be_bytes();
    k[1..].iter().fold(0, |acc, &b| {
        acc * 26 + usize::from(b.wrapping_sub(b'A') % 26)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_positions_follow_the_codes() {
        let mut all = Vec::new();
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let s = String::from_utf8(vec![a, b, c]).unwrap();
                    all.push(CountryCode::try_from(s.as_str()).unwrap());
                }
            }
        }
        for (i, &c) in all.iter().enumerate() {
            let bytes = c.as_str().as_bytes();
            assert_eq!(
                key(c),
                u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]])
            );
            assert_eq!(dense(c), i);
        }
        assert_eq!(all.len(), CODES);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
    }
}
