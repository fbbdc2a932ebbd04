//! `data check`: the validation report of the loaded data (coverage of every production
//! table, flags, evidence, problems) with the import reports it rests on.

use crate::tabular::Tabular;
use crate::Service;
use derisk_data::check::{check, CheckReport, Coverage};
use derisk_model::ImportReport;
use serde::{Deserialize, Serialize};

/// The validation report of the engine's dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DataCheckResponse {
    /// Coverage by (mineral, stage, year, source), flag and evidence counts, and problems
    /// in words (empty when everything checks out).
    pub report: CheckReport,
    /// What each import read, kept and left out (with the reason), one per file.
    pub imports: Vec<ImportReport>,
    /// Relative gap between listed countries (with "other") and the world total beyond
    /// which a table counts as a problem (published totals are rounded).
    pub sum_tolerance: f64,
}

impl Service {
    /// Check the loaded data: [`derisk_data::check::check`] on the engine's dataset.
    pub fn data_check(&self) -> DataCheckResponse {
        let ds = self.engine().dataset_with_flows();
        DataCheckResponse {
            report: check(&ds),
            imports: ds.reports.clone(),
            sum_tolerance: derisk_data::check::SUM_TOLERANCE,
        }
    }
}

impl Tabular for DataCheckResponse {
    type Row = Coverage;
    fn rows(&self) -> Vec<Coverage> {
        self.report.coverage.clone()
    }
}
