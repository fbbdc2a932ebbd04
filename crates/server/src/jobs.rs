//! Long computations as jobs: started with `POST /v1/jobs`, run on a blocking thread with
//! their progress counted, polled (`GET /v1/jobs/{id}`) or streamed as server-sent events
//! (`GET /v1/jobs/{id}/events`). At most `max` run at once; beyond that a start is refused
//! with 429 rather than queued without bound. A finished job's result is also saved as a
//! run, so it outlives the server.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Where a job stands.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    Running,
    /// Finished; the result is saved as run `run_id`.
    Done {
        run_id: String,
    },
    Failed {
        status: u16,
        message: String,
    },
}

pub struct Job {
    pub id: String,
    pub kind: String,
    pub done: AtomicU64,
    pub total: AtomicU64,
    pub state: Mutex<JobState>,
}

/// A job as reported.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct JobStatus {
    pub id: String,
    pub kind: String,
    /// Work units done and in all (scenarios for a Monte Carlo); total 0 until known.
    pub done: u64,
    pub total: u64,
    #[serde(flatten)]
    pub state: JobState,
}

impl Job {
    pub fn status(&self) -> JobStatus {
        JobStatus {
            id: self.id.clone(),
            kind: self.kind.clone(),
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            state: self.state.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        }
    }

    pub fn finish(&self, state: JobState) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = state;
    }
}

pub struct Jobs {
    max: usize,
    running: Arc<AtomicUsize>,
    map: Mutex<HashMap<String, Arc<Job>>>,
}

/// Releases a job's slot when the job ends, however it ends.
pub struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Jobs {
    pub fn new(max: usize) -> Jobs {
        Jobs {
            max,
            running: Arc::new(AtomicUsize::new(0)),
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Register a job if a slot is free.
    pub fn start(&self, id: String, kind: &str) -> Option<(Arc<Job>, Slot)> {
        let taken = self
            .running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            });
        taken.ok()?;
        let job = Arc::new(Job {
            id: id.clone(),
            kind: kind.to_string(),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            state: Mutex::new(JobState::Running),
        });
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, job.clone());
        Some((job, Slot(self.running.clone())))
    }

    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }
}
