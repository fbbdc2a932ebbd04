//! Records of CSV text that holds no quote, read as csv reads them, in about a third of the
//! instructions of csv's general state machine (which quotes make necessary).
//!
//! Without quotes csv's rules are these: `\r`, `\n` or both end a record; terminators
//! where a record would start (blank lines, the `\n` of a CRLF) are skipped; a comma ends a
//! field; the end of the text ends the last record. csv gives a record the line it is on
//! when the record is asked for: 1 plus the newlines consumed up to the terminator of the
//! record before, so a record after blank lines is numbered by the first blank line.

use crate::error::Result;

/// A record's fields by position: from csv, or from [`split`].
pub(crate) trait Fields {
    /// Field `i`; empty past the last.
    fn field(&self, i: usize) -> &[u8];
}

impl Fields for csv::ByteRecord {
    fn field(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or(b"")
    }
}

/// One record: its bytes and where each field ends.
pub(crate) struct Split<'t> {
    text: &'t [u8],
    ends: &'t [usize],
}

impl Split<'_> {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

impl Fields for Split<'_> {
    fn field(&self, i: usize) -> &[u8] {
        match self.ends.get(i) {
            Some(&end) => &self.text[if i == 0 { 0 } else { self.ends[i - 1] + 1 }..end],
            None => b"",
        }
    }
}

fn is_term(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `w` that equals `b` (exact: no carry crosses bytes).
fn bytes_equal(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Push the offsets (from `start`) of the bytes marked in `mask` of the word at `at`.
fn push_marked(ends: &mut Vec<usize>, mut mask: u64, at: usize, start: usize) {
    while mask != 0 {
        ends.push(at + (mask.trailing_zeros() / 8) as usize - start);
        mask &= mask - 1;
    }
}

/// Where the record starting at `start` ends (its terminator, or the end of the text),
/// with the offsets of its commas pushed to `ends`. Eight bytes at a time: commas are a
/// sixth of BACI's bytes, and a byte-by-byte loop mispredicted a branch on each.
fn record_end(text: &[u8], start: usize, ends: &mut Vec<usize>) -> usize {
    let mut at = start;
    while let Some(word) = text.get(at..at + 8) {
        let w = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        let commas = bytes_equal(w, b',');
        let terms = bytes_equal(w, b'\n') | bytes_equal(w, b'\r');
        if terms != 0 {
            // Marks are the bytes' high bits: keep the commas below the first terminator.
            let first = terms.trailing_zeros();
            push_marked(ends, commas & ((1 << first) - 1), at, start);
            return at + (first / 8) as usize;
        }
        push_marked(ends, commas, at, start);
        at += 8;
    }
    for (i, &b) in text[at..].iter().enumerate() {
        if b == b',' {
            ends.push(at + i - start);
        } else if is_term(b) {
            return at + i;
        }
    }
    text.len()
}

/// Calls `each` with every record of `text` (which must hold no quote) and csv's line for
/// it.
pub(crate) fn split(text: &[u8], mut each: impl FnMut(Split<'_>, u64) -> Result<()>) -> Result<()> {
    let mut ends = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    loop {
        let record_line = line;
        while let Some(&b) = text.get(pos).filter(|&&b| is_term(b)) {
            line += u64::from(b == b'\n');
            pos += 1;
        }
        if pos == text.len() {
            return Ok(());
        }
        ends.clear();
        let end = record_end(text, pos, &mut ends);
        ends.push(end - pos);
        let record = &text[pos..end];
        pos = end;
        if let Some(&b) = text.get(pos) {
            line += u64::from(b == b'\n');
            pos += 1;
        }
        each(
            Split {
                text: record,
                ends: &ends,
            },
            record_line,
        )?;
    }
}

#[cfg(test)]
mod tests {
    use super::{split, Fields};

    /// (fields, line) of each record, as csv reads `text` and as [`split`] does.
    type Records = Vec<(Vec<Vec<u8>>, u64)>;

    fn both(text: &[u8]) -> (Records, Records) {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let by_csv = rdr
            .byte_records()
            .map(|r| {
                let r = r.unwrap();
                let line = r.position().unwrap().line();
                (r.iter().map(<[u8]>::to_vec).collect(), line)
            })
            .collect();
        let mut by_split = Vec::new();
        split(text, |rec, line| {
            let fields = (0..rec.len()).map(|i| rec.field(i).to_vec()).collect();
            by_split.push((fields, line));
            Ok(())
        })
        .unwrap();
        (by_csv, by_split)
    }

    const ALPHABET: [u8; 5] = [b'a', b',', b'\r', b'\n', b' '];

    #[test]
    fn every_short_text_reads_as_csv_reads_it() {
        // Every text of up to 7 bytes over the alphabet.
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..7 {
            let next: Vec<Vec<u8>> = last
                .iter()
                .flat_map(|t| {
                    ALPHABET.iter().map(move |&b| {
                        let mut t = t.clone();
                        t.push(b);
                        t
                    })
                })
                .collect();
            texts.extend(next.iter().cloned());
            last = next;
        }
        assert!(texts.len() > 90_000);
        for t in &texts {
            let (a, b) = both(t);
            assert_eq!(a, b, "{:?}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn long_texts_read_as_csv_reads_them() {
        // Random texts up to 100 bytes, so records and fields cross the 8-byte words, and
        // rows like BACI's.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for k in 0..30_000 {
            let len = (next() % 100) as usize;
            // Every other text mostly letters, so records span several words.
            let t: Vec<u8> = (0..len)
                .map(|_| match next() % 20 {
                    n if k % 2 == 0 && n > 3 => b'a',
                    n => ALPHABET[(n % 5) as usize],
                })
                .collect();
            let (a, b) = both(&t);
            assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&t));
        }
        let rows = b"year,a,b\r\n\r\n1995,124,CAN,152,CHL,250310,5713.892,84951\n\n\n\
            1995,124,CAN,156,CHN,250310,4656.111,\r2024,,,,\n x ,y";
        let (a, b) = both(rows);
        assert_eq!(a, b);
    }
}
