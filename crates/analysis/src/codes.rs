//! Country codes as integers for the hot loops of the trade computations: compared with
//! one instruction where `CountryCode`'s derived `Ord` compares three bytes one by one, and
//! usable as an array index.

use derisk_model::CountryCode;

/// How many three-letter codes there are: the range of [`dense`].
pub(crate) const CODES: usize = 26 * 26 * 26;

/// The code's three bytes, big-endian in one integer, so integers order like codes.
#[inline]
pub(crate) fn key(c: CountryCode) -> u32 {
    let [a, b, c] = c.bytes();
    u32::from_be_bytes([0, a, b, c])
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
