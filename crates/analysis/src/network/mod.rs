//! The supply network of one mineral in one year: who mines, who refines, and who ships
//! what to whom at each stage, in contained tonnes, held in flat arrays that look-through
//! origin, chokepoints and (later) shocks and Monte Carlo read without rebuilding it.
//!
//! Two layers, each a production vector and a trade matrix over the same countries:
//! - **upstream**: mine production, and trade in ores, concentrates and intermediates (the
//!   carriers at the `mining` and `intermediate` stages);
//! - **refined**: refinery production, and trade in refined products (carriers at the
//!   `refining` and `sponge` stages).
//!
//! Carriers at later stages (semi-manufactures, downstream products such as magnets) are
//! outside the network and listed in [`Network::outside`]. Where the data forces an
//! assumption, the network states it in [`Network::assumptions`].

mod build;
mod chokepoints;
mod linear;
mod origin;

pub use chokepoints::{
    AffectedImporter, Chokepoint, ChokepointPair, Chokepoints, HiddenChokepoint, Node, NodeCut,
    AFFECTED_IMPORTERS, HIDDEN_HHI_GAP, PAIR_CANDIDATES,
};
pub use origin::{LayerImports, LookThrough, OriginShare, Origins};

use derisk_model::{CountryCode, HsKey, MineralId, Stage, Year};
use serde::{Deserialize, Serialize};

/// A layer of the network.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LayerId {
    /// Mines, and trade in ores, concentrates and intermediates.
    Upstream,
    /// Refineries, and trade in refined products.
    Refined,
}

impl LayerId {
    pub const ALL: [LayerId; 2] = [LayerId::Upstream, LayerId::Refined];

    /// The production stage of the layer's nodes.
    pub fn stage(self) -> Stage {
        match self {
            LayerId::Upstream => Stage::Mining,
            LayerId::Refined => Stage::Refining,
        }
    }

    /// The layer a carrier's stage belongs to, if any.
    pub fn of_carrier_stage(stage: &Stage) -> Option<LayerId> {
        match stage {
            Stage::Mining => Some(LayerId::Upstream),
            Stage::Refining => Some(LayerId::Refined),
            Stage::Intermediate(s) if s == "intermediate" => Some(LayerId::Upstream),
            Stage::Intermediate(s) if s == "sponge" => Some(LayerId::Refined),
            Stage::Intermediate(_) => None,
        }
    }

    fn index(self) -> usize {
        match self {
            LayerId::Upstream => 0,
            LayerId::Refined => 1,
        }
    }
}

/// A country's production at a layer, as the network uses it.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NodeProduction {
    /// Contained tonnes from a production table (0 when a comprehensive table leaves the
    /// country out).
    Reported { tonnes: f64 },
    /// No table of the stage has figures for the year; the country's net exports at the
    /// layer (contained tonnes, above 0) are taken as its output, whose origin stays
    /// unattributed on the upstream layer.
    InferredFromNetExports { tonnes: f64 },
}

impl NodeProduction {
    pub fn tonnes(self) -> f64 {
        match self {
            NodeProduction::Reported { tonnes }
            | NodeProduction::InferredFromNetExports { tonnes } => tonnes,
        }
    }
}

/// A shipment between two countries at a layer, contained tonnes (summed over the layer's
/// carriers).
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Edge {
    /// Index into [`Network::countries`].
    pub from: u32,
    pub to: u32,
    pub tonnes: f64,
}

/// One layer: production per country and the trade between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Layer {
    pub id: LayerId,
    /// Per country (same order as [`Network::countries`]); `None` where the output is
    /// unknown (what the country ships beyond its imports then has no stated origin).
    pub production: Vec<Option<NodeProduction>>,
    /// Sorted by (to, from); each pair once.
    pub edges: Vec<Edge>,
    /// `edges[in_start[c]..in_start[c + 1]]` are the shipments to country `c`.
    pub in_start: Vec<u32>,
    /// Contained tonnes per country.
    pub imports_t: Vec<f64>,
    pub exports_t: Vec<f64>,
    /// Apparent consumption per country: output + imports − exports, contained tonnes;
    /// `None` where the output is unknown.
    pub apparent_consumption_t: Vec<Option<f64>>,
    /// The carriers read for the layer.
    pub carriers: Vec<HsKey>,
    /// Output of countries the layer's production table does not name (its "other
    /// countries" line, or its world total less the countries it lists, less what the
    /// network already counts for unnamed countries from other tables), contained tonnes;
    /// `None` without such a line. World supply includes it; no node carries it.
    #[serde(default)]
    pub rest_of_world_t: Option<f64>,
}

impl Layer {
    /// A layer over `n` countries from its production and its shipments (from, to,
    /// tonnes), which must be sorted by (to, from) with each pair once.
    pub fn new(
        id: LayerId,
        production: Vec<Option<NodeProduction>>,
        edges: Vec<Edge>,
        carriers: Vec<HsKey>,
    ) -> Layer {
        let n = production.len();
        let mut in_start = vec![0u32; n + 1];
        let (mut imports_t, mut exports_t) = (vec![0.0; n], vec![0.0; n]);
        for e in &edges {
            in_start[e.to as usize + 1] += 1;
            imports_t[e.to as usize] += e.tonnes;
            exports_t[e.from as usize] += e.tonnes;
        }
        for i in 0..n {
            in_start[i + 1] += in_start[i];
        }
        let apparent_consumption_t = (0..n)
            .map(|c| production[c].map(|p| p.tonnes() + imports_t[c] - exports_t[c]))
            .collect();
        Layer {
            id,
            production,
            edges,
            in_start,
            imports_t,
            exports_t,
            apparent_consumption_t,
            carriers,
            rest_of_world_t: None,
        }
    }

    /// Shipments to country `c`.
    pub fn inflows(&self, c: usize) -> &[Edge] {
        &self.edges[self.in_start[c] as usize..self.in_start[c + 1] as usize]
    }

    /// Production in tonnes (0 where unknown and not inferred).
    pub fn output_t(&self, c: usize) -> f64 {
        self.production[c].map_or(0.0, NodeProduction::tonnes)
    }
}

/// What the data forced the network to assume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NetworkAssumption {
    /// No production table of the stage has figures for the year.
    NoProductionTable { stage: Stage },
    /// The stage has no table for the year; these net exporters' net exports at the layer
    /// are taken as their output (origin unattributed upstream; fed from their own
    /// upstream pool when they refine).
    OutputInferredFromNetExports {
        layer: LayerId,
        countries: Vec<CountryCode>,
    },
    /// The refining figures of the year are the trade proxy (shares of world net exports
    /// of refined products), not production statistics.
    RefiningFromTradeProxy,
    /// Refiners whose output exceeds what their own mines and upstream imports (less their
    /// upstream exports) supply: the rest of their feed is unattributed.
    FeedNotCovered {
        countries: Vec<CountryCode>,
        unexplained_t: f64,
    },
    /// Flows without a quantity (a value-only year or a missing figure): their tonnes are
    /// unknown and they are not in the network.
    FlowsWithoutQuantity {
        layer: LayerId,
        flows: usize,
        value_kusd: f64,
    },
    /// Flows of another product of the code, or at a unit value impossible for it, left
    /// out.
    FlowsLeftOut {
        layer: LayerId,
        flows: usize,
        value_kusd: f64,
    },
    /// The year has no trade rows for these carriers.
    CarriersWithoutRows {
        layer: LayerId,
        carriers: Vec<HsKey>,
    },
}

/// The supply network of one mineral in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Network {
    pub mineral: MineralId,
    pub year: Year,
    /// Every country with production or trade at either layer, sorted.
    pub countries: Vec<CountryCode>,
    pub upstream: Layer,
    pub refined: Layer,
    /// Per country: the refinery feed drawn from its own upstream pool (its mines and
    /// upstream imports, less upstream exports), contained tonnes: the domestic edge from
    /// the upstream layer to the refined layer. 0 where the country does not refine.
    pub domestic_feed_t: Vec<f64>,
    /// Carriers of the mineral at stages outside the network, not read.
    pub outside: Vec<HsKey>,
    pub assumptions: Vec<NetworkAssumption>,
}

impl Network {
    pub fn layer(&self, id: LayerId) -> &Layer {
        match id {
            LayerId::Upstream => &self.upstream,
            LayerId::Refined => &self.refined,
        }
    }

    /// The index of a country in [`Network::countries`].
    pub fn index(&self, c: CountryCode) -> Option<usize> {
        self.countries.binary_search(&c).ok()
    }
}
