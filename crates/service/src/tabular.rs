//! The flat view of a response: one record per row, the same fields whatever the output
//! format (CSV writes them all; a terminal table may abbreviate).

use serde::Serialize;

/// A response that can be shown as rows.
pub trait Tabular {
    type Row: Serialize;
    /// The rows, in display order.
    fn rows(&self) -> Vec<Self::Row>;
}
