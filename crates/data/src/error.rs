use std::fmt;
use thiserror::Error;

/// Where in an input a problem is: file, line (1-based, header is line 1), field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub field: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: field `{}`", self.file, self.line, self.field)
    }
}

/// A name no harmonisation rule recognises, with the lines it appears on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    pub name: String,
    pub lines: Vec<u64>,
}

/// Everything that can go wrong while importing. Every variant names the file, and where it
/// applies the line, field, value and what was expected.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The OS error is the [`source`](std::error::Error::source), not part of this
    /// message, so that a chain of causes prints it once.
    #[error("{file}: cannot read")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: value {value:?} rejected: expected {expected}")]
    Field {
        at: Location,
        value: String,
        expected: String,
    },
    #[error("{file}:{line}: malformed row: {message}")]
    Row {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: missing column `{column}` (header has: {header})")]
    MissingColumn {
        file: String,
        column: String,
        header: String,
    },
    #[error("{file}:{line}: duplicate key {key} (first seen on line {first_line})")]
    Duplicate {
        file: String,
        line: u64,
        key: String,
        first_line: u64,
    },
    #[error("{file}: {} unknown country name(s), none dropped: {}", .names.len(), format_unknown(.names))]
    UnknownCountries {
        file: String,
        names: Vec<UnknownName>,
    },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
    #[error("snapshot: {0}")]
    Snapshot(String),
    /// A directory given as raw data is missing or lacks files the build reads.
    #[error("{dir}: {}", format_raw_dir(.problem, .expected))]
    RawDataDir {
        dir: String,
        problem: RawDirProblem,
        /// Every file the build reads, relative to the directory.
        expected: Vec<String>,
    },
}

/// What is wrong with a directory given as raw data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawDirProblem {
    /// Nothing exists at that path.
    NotFound,
    /// The path exists but is not a directory.
    NotADirectory,
    /// The directory lacks these files (relative to it; at least one).
    Missing(Vec<String>),
}

/// The problem, then what a raw data directory must contain, grouped by sub-folder:
/// `countries/ (iso3166_countries.csv, …), usgs/ (…)`.
fn format_raw_dir(problem: &RawDirProblem, expected: &[String]) -> String {
    let problem = match problem {
        RawDirProblem::NotFound => "no such directory".to_string(),
        RawDirProblem::NotADirectory => "not a directory".to_string(),
        RawDirProblem::Missing(m) if m.len() == expected.len() => {
            "none of the raw data files is there".to_string()
        }
        RawDirProblem::Missing(m) => format!("missing {}", m.join(", ")),
    };
    let mut folders: Vec<(&str, Vec<&str>)> = Vec::new();
    for path in expected {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        match folders.iter_mut().find(|(f, _)| *f == folder) {
            Some((_, names)) => names.push(name),
            None => folders.push((folder, vec![name])),
        }
    }
    let layout: Vec<String> = folders
        .iter()
        .map(|(folder, names)| format!("{folder}/ ({})", names.join(", ")))
        .collect();
    format!(
        "{problem}; a raw data directory must contain {}",
        layout.join(", ")
    )
}

fn format_unknown(names: &[UnknownName]) -> String {
    names
        .iter()
        .map(|u| {
            let lines: Vec<String> = u.lines.iter().take(5).map(u64::to_string).collect();
            let more = if u.lines.len() > 5 { ", …" } else { "" };
            format!("{:?} (line {}{more})", u.name, lines.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl ImportError {
    pub fn field(
        file: &str,
        line: u64,
        field: &str,
        value: &str,
        expected: impl Into<String>,
    ) -> ImportError {
        ImportError::Field {
            at: Location {
                file: file.to_string(),
                line,
                field: field.to_string(),
            },
            value: value.to_string(),
            expected: expected.into(),
        }
    }
    pub fn io(file: &str, source: std::io::Error) -> ImportError {
        ImportError::Io {
            file: file.to_string(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, ImportError>;
