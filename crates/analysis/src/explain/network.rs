//! The supply network's layers and assumptions, and the optimiser's conflicts, in words.

use super::{join, Percent, Tonnes};
use std::fmt;

impl fmt::Display for crate::network::LayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            crate::network::LayerId::Upstream => "ores, concentrates and intermediates",
            crate::network::LayerId::Refined => "refined products",
        })
    }
}

impl fmt::Display for crate::network::NetworkAssumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::network::NetworkAssumption as A;
        match self {
            A::NoProductionTable { stage } => {
                write!(f, "no {stage} production table has figures for the year")
            }
            A::OutputInferredFromNetExports { layer, countries } => write!(
                f,
                "with no production table for the year, the net exports of {} of {layer} are \
                 taken as their output, of unstated origin upstream",
                join(countries, ", ")
            ),
            A::RefiningFromTradeProxy => f.write_str(
                "refining figures of the year are the trade proxy (shares of world net \
                 exports of refined products), not production statistics",
            ),
            A::FeedNotCovered {
                countries,
                unexplained_t,
            } => write!(
                f,
                "{} refine more than their own mines and upstream imports (less upstream \
                 exports) supply: {} t of feed is unattributed",
                join(countries, ", "),
                Tonnes(*unexplained_t)
            ),
            A::FlowsWithoutQuantity {
                layer,
                flows,
                value_kusd,
            } => write!(
                f,
                "{flows} flows of {layer} without a quantity ({} kUSD) are not in the network",
                Tonnes(*value_kusd)
            ),
            A::FlowsLeftOut {
                layer,
                flows,
                value_kusd,
            } => write!(
                f,
                "{flows} flows of {layer} ({} kUSD) are another product of their code or at an \
                 impossible unit value, left out",
                Tonnes(*value_kusd)
            ),
            A::CarriersWithoutRows { layer, carriers } => write!(
                f,
                "no trade rows in the year for {layer} under HS {}",
                carriers
                    .iter()
                    .map(|k| k.hs.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl fmt::Display for crate::optimize::Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::optimize::Conflict as C;
        let p = |x: &f64| Percent(*x);
        match self {
            C::MaxShare {
                max_share,
                suppliers,
                reachable,
            } => write!(
                f,
                "max share {} × {suppliers} suppliers reaches only {} of imports",
                p(max_share),
                p(reachable)
            ),
            C::Capacity { total_capacity } => write!(
                f,
                "the suppliers' capacity covers only {} of the importer's demand",
                p(total_capacity)
            ),
            C::CapacityWithMaxShare { reachable } => write!(
                f,
                "capacity capped at the max share reaches only {} of imports",
                p(reachable)
            ),
            C::GroupMinimum {
                group,
                min_share,
                available,
            } => write!(
                f,
                "{group} must supply at least {} but its members can supply at most {}",
                p(min_share),
                p(available)
            ),
            C::MaxChange { max_change, needed } => write!(
                f,
                "the other constraints need {} of imports to change supplier; max change is {}",
                p(needed),
                p(max_change)
            ),
            C::Combined { groups } => write!(
                f,
                "the minimums of {} cannot hold together with the suppliers' capacity and \
                 max share",
                groups.join(", ")
            ),
        }
    }
}
