//! Many independent questions to one engine, spread over threads, answered in order.
//!
//! A [`Query`] is single-threaded, so each thread asks through its own. A query's memo
//! only saves recomputing a building block, which comes out the same either way, so an
//! answer does not depend on which thread computed it or what that thread asked before:
//! the results are the same, bit for bit, for any thread count.

use crate::engine::{Engine, Query};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f(query, item)` for every item, in the order of `items`, on up to `threads` threads
/// (1 or fewer: on the calling thread). Items are handed out one at a time, so a slow item
/// does not hold up a fixed share of the others.
pub fn map_queries<T, U, F>(engine: &Engine, items: &[T], threads: usize, f: F) -> Vec<U>
where
    T: Sync,
    U: Send,
    F: Fn(&Query<'_>, &T) -> U + Sync,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        let q = engine.query();
        return items.iter().map(|item| f(&q, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let q = engine.query();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(&q, item)));
        }
    };
    let mut answers: Vec<(usize, U)> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in others {
            // A panic in `f` is a bug; pass it on rather than lose answers.
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    });
    answers.sort_unstable_by_key(|&(i, _)| i);
    answers.into_iter().map(|(_, u)| u).collect()
}

/// Threads to use for a batch: one per core the system reports.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
