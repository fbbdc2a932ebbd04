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
        let rest = &text[pos..];
        let mut len = rest.len();
        ends.clear();
        for (i, &b) in rest.iter().enumerate() {
            if b == b',' {
                ends.push(i);
            } else if is_term(b) {
                len = i;
                break;
            }
        }
        ends.push(len);
        pos += len;
        if let Some(&b) = text.get(pos) {
            line += u64::from(b == b'\n');
            pos += 1;
        }
        each(
            Split {
                text: &rest[..len],
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
        // Random texts up to 100 bytes, and rows like BACI's.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..30_000 {
            let len = (next() % 100) as usize;
            let t: Vec<u8> = (0..len).map(|_| ALPHABET[(next() % 5) as usize]).collect();
            let (a, b) = both(&t);
            assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&t));
        }
        let rows = b"year,a,b\r\n\r\n1995,124,CAN,152,CHL,250310,5713.892,84951\n\n\n\
            1995,124,CAN,156,CHN,250310,4656.111,\r2024,,,,\n x ,y";
        let (a, b) = both(rows);
        assert_eq!(a, b);
    }
}
