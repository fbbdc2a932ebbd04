//! Command-line choices shared by several commands.

use clap::ValueEnum;
use derisk_analysis::Thresholds;

/// The HHI threshold sets offered on the command line.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThresholdSet {
    /// DOJ/FTC 2010: unconcentrated < 1,500, moderately 1,500–2,500, highly > 2,500.
    Doj2010,
    /// DOJ/FTC 2023: highly concentrated > 1,800, moderately 1,000–1,800.
    Doj2023,
}

impl From<ThresholdSet> for Thresholds {
    fn from(t: ThresholdSet) -> Thresholds {
        match t {
            ThresholdSet::Doj2010 => Thresholds::Doj2010,
            ThresholdSet::Doj2023 => Thresholds::Doj2023,
        }
    }
}
