//! One CSV stream read on several threads, with the result and the first error that a
//! single pass of one csv reader gives.
//!
//! A decoder thread inflates the input (gzip or plain) and cuts the text into chunks;
//! worker threads parse chunks into parts; the calling thread merges the parts in input
//! order and calls `progress`. Why the result cannot differ from one pass:
//!
//! - A cut is made only right after a record terminator (`\r` or `\n`) that follows a byte
//!   of the record ([`cut`]), and only while no quote has been seen since the start. csv
//!   has just ended a record there and reads what follows exactly as a fresh reader does.
//!   From the first quote on, or from a read error, the rest of the stream goes to one
//!   reader on the calling thread, as in a single pass.
//! - A chunk has no quote, so its records are read by [`split`], which follows csv's rules
//!   for such text (`crate::csv_split` states them, and its tests hold it to csv on every
//!   short text); the rest of the stream by csv itself.
//! - csv numbers a record by the newlines it consumed before it; a chunk is read from line
//!   1, so the newlines before the chunk are added.
//! - A chunk's records are checked against the header's field count here, failing as csv
//!   would ([`unequal_lengths`]).
//! - Parts are merged in input order and the first failed part ends the read: every chunk
//!   before it succeeded, so its first error is the single pass's first error.

use crate::csv_split::{split, Fields};
use crate::error::{ImportError, Result};
use crate::table::unequal_lengths;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Decoded bytes per chunk: small enough to spread the work over the workers, large
/// enough that a chunk's fixed costs (resolving country codes afresh, sorting its keys) do
/// not show.
const CHUNK: usize = 1 << 20;
/// Bytes per piece of a stream read on the calling thread.
const PIECE: usize = 256 * 1024;

/// The rows of one stretch of the input, as a reader accumulates them.
pub(crate) trait Part: Send + Sized {
    /// One record; `csv_line` is the line a single csv pass gives it (its position).
    fn row(&mut self, rec: &impl Fields, csv_line: u64) -> Result<()>;
    /// Append `next`, the part that follows this one in the input.
    fn absorb(&mut self, next: Self);
    /// Work a finished part can do on its own thread before it is absorbed.
    fn seal(&mut self) {}
}

/// How a reader reads: the file label, whether the input was gzip (that decides how read
/// errors read), csv's buffer size, and what it makes of the header and of the records.
pub(crate) struct Plan<'f, H, P> {
    pub file: &'f str,
    pub gzip: bool,
    pub buffer: usize,
    /// The header record and csv's line after it → what every part needs to know.
    pub header: &'f (dyn Fn(&csv::ByteRecord, u64) -> Result<H> + Sync),
    /// An empty part.
    pub part: &'f (dyn Fn(&H) -> P + Sync),
}

impl<H, P: Part> Plan<'_, H, P> {
    fn reader<R: Read>(&self, headers: bool, input: R) -> csv::Reader<R> {
        // A chunk's reader leaves the length check to `records`: it has no header.
        csv::ReaderBuilder::new()
            .has_headers(headers)
            .flexible(!headers)
            .buffer_capacity(self.buffer)
            .from_reader(input)
    }

    fn csv_error(&self, e: csv::Error) -> ImportError {
        crate::baci::read_error(self.file, self.gzip, e)
    }

    fn stopped(&self) -> ImportError {
        ImportError::Format {
            file: self.file.to_string(),
            message: "a reader thread stopped unexpectedly".into(),
        }
    }

    /// Read the header; returns what it tells the parts, its field count and the bytes
    /// it took (terminator included).
    fn header<R: Read>(&self, rdr: &mut csv::Reader<R>) -> Result<(H, usize, u64)> {
        let header = rdr.byte_headers().map_err(|e| self.csv_error(e))?.clone();
        let pos = rdr.position();
        let h = (self.header)(&header, pos.line())?;
        Ok((h, header.len(), pos.byte()))
    }

    /// One pass of one reader over `input`, csv checking the field counts: the reader as
    /// it was before it had threads, and the fallback for quoted input.
    pub(crate) fn sequential(&self, input: impl Read) -> Result<P> {
        let mut rdr = self.reader(true, input);
        let (h, _, _) = self.header(&mut rdr)?;
        let mut acc = (self.part)(&h);
        let mut rec = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(false) => return Ok(acc),
                Ok(true) => acc.row(&rec, rec.position().map_or(0, |p| p.line()))?,
                Err(e) => return Err(self.csv_error(e)),
            }
        }
    }

    /// The records of a csv reader that starts between records (after the header, or at a
    /// cut) into `acc`; `base` newlines came before its input.
    fn records<R: Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        base: u64,
        fields: usize,
        acc: &mut P,
    ) -> Result<()> {
        let mut rec = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| p.line()) + base;
                    if rec.len() != fields {
                        return Err(unequal_lengths(self.file, line, rec.len(), fields));
                    }
                    acc.row(&rec, line)?;
                }
                Err(e) => return Err(self.csv_error(e)),
            }
        }
    }

    /// A chunk (text without quotes, read by [`split`]) into a part, sealed.
    fn chunk(&self, h: &H, text: &[u8], base: u64, fields: usize) -> Result<P> {
        debug_assert!(!text.contains(&b'"'));
        let mut acc = (self.part)(h);
        split(text, |rec, line| {
            let line = line + base;
            if rec.len() != fields {
                return Err(unequal_lengths(self.file, line, rec.len(), fields));
            }
            acc.row(&rec, line)
        })?;
        acc.seal();
        Ok(acc)
    }
}

/// From the decoder thread, in input order; `consumed` is the raw input bytes read so far.
enum Item {
    /// Text to parse; `base` newlines came before it.
    Chunk {
        text: Vec<u8>,
        base: u64,
        consumed: u64,
    },
    /// The rest of the input comes as [`Piece`]s, for one reader on the calling thread.
    Rest { base: u64 },
    /// End of input.
    End { consumed: u64 },
}

/// The stream after [`Item::Rest`].
enum Piece {
    Data(Vec<u8>, u64),
    Fail(io::Error),
    End(u64),
}

/// Item `seq` as the calling thread merges it: a chunk parsed, or a marker.
enum Done<P> {
    Parsed(Result<P>, u64),
    Marker(Item),
}

fn is_term(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// The last place in `text[..limit]` where a chunk may end, looking at terminators from
/// `from` on: just after a terminator that follows a byte of its record (not another
/// terminator, so csv has just ended a record and consumed every newline before the cut;
/// the `\n` of a CRLF after it is skipped as a fresh reader skips it). 0 when there is none.
pub(crate) fn cut(text: &[u8], from: usize, limit: usize) -> usize {
    (from.max(1)..limit.min(text.len()))
        .rev()
        .find(|&i| is_term(text[i]) && !is_term(text[i - 1]))
        .map_or(0, |i| i + 1)
}

fn newlines(text: &[u8]) -> u64 {
    // Summing 0s and 1s in blocks vectorises; `filter().count()` did not.
    text.chunks(4096)
        .map(|c| c.iter().map(|&b| u32::from(b == b'\n')).sum::<u32>())
        .map(u64::from)
        .sum()
}

/// Read `input`, decoded text, with `workers` parsing threads besides the decoder and the
/// calling thread. `consumed` holds the raw bytes read so far (the raw reader updates it);
/// `progress` is called with it on the calling thread as parts are merged.
pub(crate) fn read<H: Send + Sync, P: Part>(
    plan: &Plan<'_, H, P>,
    input: impl Read + Send,
    consumed: &AtomicU64,
    workers: usize,
    progress: &mut dyn FnMut(u64),
) -> Result<P> {
    let stop = AtomicBool::new(false);
    // Outlives the scope, so the workers may borrow it.
    let header = OnceLock::new();
    std::thread::scope(|s| {
        let (first_tx, first_rx) = sync_channel::<Item>(1);
        let (jobs_tx, jobs_rx) = sync_channel::<Job>(workers * 2);
        let (done_tx, done_rx) = channel::<(u64, Done<P>)>();
        let (rest_tx, rest_rx) = sync_channel::<Piece>(4);
        let out = Out {
            first: Some(first_tx),
            jobs: jobs_tx,
            done: done_tx.clone(),
            seq: 0,
        };
        let stop = &stop;
        s.spawn(move || decode(input, consumed, stop, out, rest_tx));
        // However this returns, the other threads stop at their next step.
        let _stop = StopOnDrop(stop);
        let (text, consumed) = match first_rx.recv().map_err(|_| plan.stopped())? {
            Item::Chunk { text, consumed, .. } => (text, consumed),
            Item::Rest { .. } => return plan.sequential(Stream::new(&rest_rx, progress)),
            Item::End { consumed } => {
                progress(consumed);
                return plan.sequential(io::empty());
            }
        };
        let mut rdr = plan.reader(true, text.as_slice());
        let (h, fields, after) = plan.header(&mut rdr)?;
        let h = header.get_or_init(|| h);
        let jobs = Arc::new(Mutex::new(jobs_rx));
        for _ in 0..workers {
            let (jobs, done) = (Arc::clone(&jobs), done_tx.clone());
            s.spawn(move || work(plan, h, fields, &jobs, &done, stop));
        }
        drop((jobs, done_tx));
        let after = after as usize;
        let mut acc = plan.chunk(h, &text[after..], newlines(&text[..after]), fields)?;
        progress(consumed);
        let mut waiting = BTreeMap::new();
        for seq in 1.. {
            let done = loop {
                if let Some(d) = waiting.remove(&seq) {
                    break d;
                }
                let (k, d) = done_rx.recv().map_err(|_| plan.stopped())?;
                waiting.insert(k, d);
            };
            match done {
                Done::Parsed(part, consumed) => {
                    acc.absorb(part?);
                    progress(consumed);
                }
                Done::Marker(Item::Rest { base }) => {
                    let mut rest = (plan.part)(h);
                    let mut rdr = plan.reader(false, Stream::new(&rest_rx, progress));
                    plan.records(&mut rdr, base, fields, &mut rest)?;
                    rest.seal();
                    acc.absorb(rest);
                    break;
                }
                Done::Marker(Item::End { consumed }) => {
                    progress(consumed);
                    break;
                }
                Done::Marker(Item::Chunk { .. }) => return Err(plan.stopped()),
            }
        }
        Ok(acc)
    })
}

struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A chunk for the workers: item `seq`.
struct Job {
    seq: u64,
    text: Vec<u8>,
    base: u64,
    consumed: u64,
}

fn work<H, P: Part>(
    plan: &Plan<'_, H, P>,
    h: &H,
    fields: usize,
    jobs: &Mutex<Receiver<Job>>,
    done: &Sender<(u64, Done<P>)>,
    stop: &AtomicBool,
) {
    loop {
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else { return };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let part = plan.chunk(h, &job.text, job.base, fields);
        if done
            .send((job.seq, Done::Parsed(part, job.consumed)))
            .is_err()
        {
            return;
        }
    }
}

/// Where the decoder sends items: the first to the calling thread directly (it reads the
/// header before the workers start), chunks to the workers, markers past them.
struct Out<P> {
    first: Option<SyncSender<Item>>,
    jobs: SyncSender<Job>,
    done: Sender<(u64, Done<P>)>,
    seq: u64,
}

impl<P> Out<P> {
    /// False when nobody listens any more.
    fn send(&mut self, item: Item) -> bool {
        let seq = self.seq;
        self.seq += 1;
        if let Some(first) = self.first.take() {
            return first.send(item).is_ok();
        }
        match item {
            Item::Chunk {
                text,
                base,
                consumed,
            } => self
                .jobs
                .send(Job {
                    seq,
                    text,
                    base,
                    consumed,
                })
                .is_ok(),
            marker => self.done.send((seq, Done::Marker(marker))).is_ok(),
        }
    }
}

/// Fill `buf` up to `target` bytes from `input`: Ok(true) at end of input.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, target: usize) -> io::Result<bool> {
    let mut filled = buf.len();
    buf.resize(target, 0);
    let result = loop {
        if filled == target {
            break Ok(false);
        }
        match input.read(&mut buf[filled..]) {
            Ok(0) => break Ok(true),
            Ok(n) => filled += n,
            Err(e) => break Err(e),
        }
    };
    buf.truncate(filled);
    result
}

/// The decoder thread: cut `input` into chunks while that is safe, then stream the rest.
fn decode<P>(
    mut input: impl Read,
    consumed: &AtomicU64,
    stop: &AtomicBool,
    mut out: Out<P>,
    rest: SyncSender<Piece>,
) {
    let raw = || consumed.load(Ordering::Relaxed);
    let mut buf = Vec::new();
    let mut base = 0;
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let scanned = buf.len();
        let status = fill(&mut input, &mut buf, scanned + CHUNK);
        // Earlier bytes were scanned already and hold no quote and no place to cut.
        let quote = buf[scanned..]
            .contains(&b'"')
            .then(|| buf[scanned..].iter().position(|&b| b == b'"'))
            .flatten()
            .map(|q| q + scanned);
        match (&status, quote) {
            (Ok(false), None) => {
                let c = cut(&buf, scanned, buf.len());
                if c > 0 {
                    let tail = buf.split_off(c);
                    let n = newlines(&buf);
                    let text = std::mem::replace(&mut buf, tail);
                    if !out.send(Item::Chunk {
                        text,
                        base,
                        consumed: raw(),
                    }) {
                        return;
                    }
                    base += n;
                }
            }
            (Ok(true), None) => {
                let text = std::mem::take(&mut buf);
                let _ = out.send(Item::Chunk {
                    text,
                    base,
                    consumed: raw(),
                }) && out.send(Item::End { consumed: raw() });
                return;
            }
            _ => {
                let c = cut(&buf, scanned, quote.unwrap_or(buf.len()));
                let tail = buf.split_off(c);
                let n = newlines(&buf);
                if c > 0
                    && !out.send(Item::Chunk {
                        text: buf,
                        base,
                        consumed: raw(),
                    })
                {
                    return;
                }
                if !out.send(Item::Rest { base: base + n }) {
                    return;
                }
                drop(out);
                stream(input, tail, status, raw, &rest);
                return;
            }
        }
    }
}

/// Send `head`, then the rest of `input` as pieces, then how it ended.
fn stream(
    mut input: impl Read,
    head: Vec<u8>,
    mut status: io::Result<bool>,
    raw: impl Fn() -> u64,
    rest: &SyncSender<Piece>,
) {
    let mut piece = head;
    loop {
        if !piece.is_empty() && rest.send(Piece::Data(piece, raw())).is_err() {
            return;
        }
        let end = match status {
            Ok(false) => {
                piece = Vec::new();
                status = fill(&mut input, &mut piece, PIECE);
                continue;
            }
            Ok(true) => Piece::End(raw()),
            Err(e) => Piece::Fail(e),
        };
        let _ = rest.send(end);
        return;
    }
}

/// The pieces after [`Item::Rest`] as one byte stream; `progress` hears of each as it comes.
struct Stream<'a> {
    rx: &'a Receiver<Piece>,
    data: Vec<u8>,
    pos: usize,
    progress: &'a mut dyn FnMut(u64),
    ended: bool,
}

impl<'a> Stream<'a> {
    fn new(rx: &'a Receiver<Piece>, progress: &'a mut dyn FnMut(u64)) -> Stream<'a> {
        Stream {
            rx,
            data: Vec::new(),
            pos: 0,
            progress,
            ended: false,
        }
    }
}

impl Read for Stream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.data.len() {
            if self.ended {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Piece::Data(data, consumed)) => {
                    (self.progress)(consumed);
                    self.data = data;
                    self.pos = 0;
                }
                Ok(Piece::Fail(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                Ok(Piece::End(consumed)) => {
                    (self.progress)(consumed);
                    self.ended = true;
                }
                Err(_) => return Err(io::Error::other("the decoder thread stopped")),
            }
        }
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn cuts_only_after_a_record_terminator() {
        assert_eq!(cut(b"a,b\n1,2\n3", 0, 9), 8);
        // CRLF: after the CR, which ends the record.
        assert_eq!(cut(b"a,b\r\n1,2\r\n3", 0, 11), 9);
        // After a blank line csv has not consumed the newline yet: cut before it.
        assert_eq!(cut(b"a\n1\n\n\n", 0, 6), 4);
        assert_eq!(cut(b"\n\n\n", 0, 3), 0);
        assert_eq!(cut(b"a,b\n1,2\n3", 0, 5), 4);
        assert_eq!(cut(b"a,b\n1,2\n3", 5, 9), 8);
        assert_eq!(cut(b"a,b\n1,2\n3", 8, 9), 0);
        assert_eq!(cut(b"abc", 0, 3), 0);
    }
}
