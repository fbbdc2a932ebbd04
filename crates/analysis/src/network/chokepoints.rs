//! Chokepoints: the mines and refineries whose loss would cut the most supply (N-1), the
//! pairs among the largest that would cut the most together (N-2), overall and for one
//! importer, and the stages far more concentrated than the stage before them.
//!
//! Supply is measured at the refined layer when the network has refinery output (world
//! refined supply = Σ refinery output; an importer's supply = its imports), else at the
//! upstream layer. Removing a refinery removes its output; removing a mine removes the part
//! of every refinery's output fed from it (the refiner's feed mix, see [`super::origin`]).
//! Two mines, or two refineries, never share a tonne; a mine and a refinery share what the
//! refinery refined of that mine's ore, counted once in the pair.

use super::origin::Origins;
use super::{LayerId, Network, NodeProduction};
use derisk_model::{CountryCode, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How many of the largest single cuts are paired for N-2.
pub const PAIR_CANDIDATES: usize = 8;
/// A stage is a hidden chokepoint when its HHI exceeds the stage before it by this many
/// points (the width of the DOJ/FTC 2010 "moderately concentrated" band): concentration
/// that a look at mining alone would miss.
pub const HIDDEN_HHI_GAP: f64 = 1_000.0;

/// A node: a country at a stage.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Node {
    pub country: CountryCode,
    pub stage: Stage,
}

/// How many importers are named per chokepoint, and for how many of the largest world
/// chokepoints.
pub const AFFECTED_IMPORTERS: usize = 5;

/// An importer and what one cut takes from its imports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AffectedImporter {
    pub importer: CountryCode,
    /// Its imports (contained tonnes, every layer measured) and the part traced to the node.
    pub imports_t: f64,
    pub cut_t: f64,
    pub cut_share: f64,
}

/// What removing one node cuts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Chokepoint {
    pub node: Node,
    /// The node's reported output, contained tonnes.
    pub output_t: f64,
    /// Supply lost, contained tonnes, and as a fraction of the supply measured.
    pub cut_t: f64,
    pub cut_share: f64,
    /// For the largest world cuts: the importers losing the most tonnes, largest first
    /// (empty otherwise).
    pub affected: Vec<AffectedImporter>,
}

/// What removing two nodes together cuts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChokepointPair {
    pub first: Node,
    pub second: Node,
    pub cut_t: f64,
    pub cut_share: f64,
}

/// A stage much more concentrated than the stage before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HiddenChokepoint {
    pub stage: Stage,
    /// HHI (0–10,000) of the reported output at the stage and at the stage before it.
    pub hhi: f64,
    pub previous_stage: Stage,
    pub previous_hhi: f64,
    /// The stage's largest producer and its share of reported output.
    pub leader: CountryCode,
    pub leader_share: f64,
}

/// The cuts for one measure of supply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NodeCut {
    /// Contained tonnes the cuts are measured against.
    pub supply_t: f64,
    /// Of which output of countries the production table does not name (no node cuts
    /// it), contained tonnes; 0 for an importer's imports.
    #[serde(default)]
    pub unnamed_t: f64,
    /// Every node that cuts something, largest cut first.
    pub nodes: Vec<Chokepoint>,
    /// Pairs of the largest single cuts, largest first.
    pub pairs: Vec<ChokepointPair>,
}

/// Chokepoints of a network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Chokepoints {
    /// The layer supply is measured at.
    pub measured_at: LayerId,
    /// Against world supply.
    pub world: NodeCut,
    /// Against one importer's imports, when asked.
    pub importer: Option<NodeCut>,
    pub hidden: Vec<HiddenChokepoint>,
}

/// Per node: the tonnes of `supply` that trace to it, and per (mine, refiner) pair the
/// tonnes that trace to both.
struct Traced {
    nodes: Vec<(Node, f64, f64)>,
    /// (mine, refiner) → joint tonnes.
    joint: Vec<((CountryCode, CountryCode), f64)>,
}

fn hhi(layer: &super::Layer) -> Option<(f64, usize, f64)> {
    let reported: Vec<(usize, f64)> = layer
        .production
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Some(NodeProduction::Reported { tonnes }) if *tonnes > 0.0 => Some((i, *tonnes)),
            _ => None,
        })
        .collect();
    let total: f64 = reported.iter().map(|r| r.1).sum();
    if total <= 0.0 {
        return None;
    }
    let h = reported.iter().map(|r| (r.1 / total).powi(2)).sum::<f64>() * 10_000.0;
    let (leader, t) = reported
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    Some((h, leader, t / total))
}

impl Network {
    /// Chokepoints overall and, with `importer` (its members), for that importer.
    pub fn chokepoints(
        &self,
        origins: &Origins,
        importer: Option<&BTreeSet<CountryCode>>,
    ) -> Chokepoints {
        let refined_total: f64 = (0..self.countries.len())
            .map(|c| self.refined.output_t(c))
            .sum();
        let measured_at = if refined_total > 0.0 {
            LayerId::Refined
        } else {
            LayerId::Upstream
        };
        let mut world = cuts(self.world_traced(origins, measured_at));
        world.unnamed_t = self.layer(measured_at).rest_of_world_t.unwrap_or(0.0);
        self.name_affected(origins, measured_at, &mut world);
        let importer = importer.map(|m| cuts(self.importer_traced(origins, measured_at, m)));
        Chokepoints {
            measured_at,
            world,
            importer,
            hidden: self.hidden(),
        }
    }

    fn node(&self, c: usize, layer: LayerId) -> Node {
        Node {
            country: self.countries[c],
            stage: layer.stage(),
        }
    }

    /// World supply traced to each node.
    fn world_traced(&self, o: &Origins, at: LayerId) -> (f64, Traced) {
        let n = self.countries.len();
        let mut nodes = Vec::new();
        let mut joint = Vec::new();
        if at == LayerId::Upstream {
            let supply = (0..n).map(|c| self.upstream.output_t(c)).sum::<f64>()
                + self.upstream.rest_of_world_t.unwrap_or(0.0);
            for &m in &o.upstream.columns {
                let m = m as usize;
                let t = self.upstream.output_t(m);
                nodes.push((self.node(m, LayerId::Upstream), t, t));
            }
            return (supply, Traced { nodes, joint });
        }
        let supply: f64 = (0..n).map(|c| self.refined.output_t(c)).sum::<f64>()
            + self.refined.rest_of_world_t.unwrap_or(0.0);
        let mut mine_t = vec![0.0; n];
        for &r in &o.refiners.columns {
            let r = r as usize;
            let out = self.refined.output_t(r);
            nodes.push((self.node(r, LayerId::Refined), out, out));
            // The refiner's own output carries its feed mix (the refined pool's own part).
            let feed = self.feed_mix(o, r);
            for (m, share) in feed {
                mine_t[m] += out * share;
                joint.push(((self.countries[m], self.countries[r]), out * share));
            }
        }
        for &m in &o.upstream.columns {
            let m = m as usize;
            nodes.push((
                self.node(m, LayerId::Upstream),
                self.upstream.output_t(m),
                mine_t[m],
            ));
        }
        (supply, Traced { nodes, joint })
    }

    /// A refiner's feed by mine country: its fed fraction of its upstream pool's origin.
    fn feed_mix(&self, o: &Origins, r: usize) -> Vec<(usize, f64)> {
        let f = super::origin::fed_fraction(self, r);
        o.upstream
            .columns
            .iter()
            .zip(o.upstream.row(r))
            .filter(|(_, s)| **s > 0.0)
            .map(|(&m, s)| (m as usize, f * s))
            .collect()
    }

    /// One importer's imports traced to each node.
    fn importer_traced(
        &self,
        o: &Origins,
        at: LayerId,
        members: &BTreeSet<CountryCode>,
    ) -> (f64, Traced) {
        let n = self.countries.len();
        let mut supply = 0.0;
        let mut mine_t = vec![0.0; n];
        let mut refiner_t = vec![0.0; n];
        let mut joint_t: std::collections::BTreeMap<(CountryCode, CountryCode), f64> =
            Default::default();
        let layers: &[LayerId] = match at {
            LayerId::Upstream => &[LayerId::Upstream],
            LayerId::Refined => &[LayerId::Upstream, LayerId::Refined],
        };
        let feeds: Vec<Vec<(usize, f64)>> = if at == LayerId::Refined {
            (0..n).map(|r| self.feed_mix(o, r)).collect()
        } else {
            Vec::new()
        };
        for &id in layers {
            let layer = self.layer(id);
            for &m in members {
                let Some(mi) = self.index(m) else { continue };
                for e in layer.inflows(mi) {
                    let from = e.from as usize;
                    if members.contains(&self.countries[from]) {
                        continue;
                    }
                    supply += e.tonnes;
                    let mines = match id {
                        LayerId::Upstream => &o.upstream,
                        LayerId::Refined => &o.refined,
                    };
                    for (&c, s) in mines.columns.iter().zip(mines.row(from)) {
                        mine_t[c as usize] += e.tonnes * s;
                    }
                    if id == LayerId::Refined {
                        for (&r, s) in o.refiners.columns.iter().zip(o.refiners.row(from)) {
                            let r = r as usize;
                            let t = e.tonnes * s;
                            refiner_t[r] += t;
                            for &(m, f) in &feeds[r] {
                                *joint_t
                                    .entry((self.countries[m], self.countries[r]))
                                    .or_default() += t * f;
                            }
                        }
                    }
                }
            }
        }
        let mut nodes = Vec::new();
        for c in 0..n {
            if refiner_t[c] > 0.0 {
                nodes.push((
                    self.node(c, LayerId::Refined),
                    self.refined.output_t(c),
                    refiner_t[c],
                ));
            }
            if mine_t[c] > 0.0 {
                nodes.push((
                    self.node(c, LayerId::Upstream),
                    self.upstream.output_t(c),
                    mine_t[c],
                ));
            }
        }
        (
            supply,
            Traced {
                nodes,
                joint: joint_t.into_iter().collect(),
            },
        )
    }

    /// Fill `affected` for the largest world cuts: every importing country's imports traced
    /// to each of those nodes.
    fn name_affected(&self, o: &Origins, at: LayerId, world: &mut NodeCut) {
        let top = world.nodes.len().min(PAIR_CANDIDATES);
        let mut lists: Vec<Vec<AffectedImporter>> = vec![Vec::new(); top];
        for (i, &c) in self.countries.iter().enumerate() {
            let imports = self.upstream.imports_t[i]
                + if at == LayerId::Refined {
                    self.refined.imports_t[i]
                } else {
                    0.0
                };
            if imports <= 0.0 {
                continue;
            }
            let (supply, traced) = self.importer_traced(o, at, &[c].into());
            for (k, node) in world.nodes[..top].iter().enumerate() {
                let cut: f64 = traced
                    .nodes
                    .iter()
                    .filter(|(n, _, _)| *n == node.node)
                    .map(|(_, _, t)| t)
                    .sum();
                if cut > 0.0 {
                    lists[k].push(AffectedImporter {
                        importer: c,
                        imports_t: supply,
                        cut_t: cut,
                        cut_share: cut / supply,
                    });
                }
            }
        }
        for (node, mut list) in world.nodes.iter_mut().zip(lists) {
            list.sort_by(|a, b| {
                b.cut_t
                    .total_cmp(&a.cut_t)
                    .then(a.importer.cmp(&b.importer))
            });
            list.truncate(AFFECTED_IMPORTERS);
            node.affected = list;
        }
    }

    fn hidden(&self) -> Vec<HiddenChokepoint> {
        let (Some(up), Some(re)) = (hhi(&self.upstream), hhi(&self.refined)) else {
            return Vec::new();
        };
        if re.0 < up.0 + HIDDEN_HHI_GAP {
            return Vec::new();
        }
        vec![HiddenChokepoint {
            stage: LayerId::Refined.stage(),
            hhi: re.0,
            previous_stage: LayerId::Upstream.stage(),
            previous_hhi: up.0,
            leader: self.countries[re.1],
            leader_share: re.2,
        }]
    }
}

/// Rank single cuts and pair the largest.
fn cuts((supply, traced): (f64, Traced)) -> NodeCut {
    let share = |t: f64| if supply > 0.0 { t / supply } else { 0.0 };
    let mut nodes: Vec<Chokepoint> = traced
        .nodes
        .iter()
        .filter(|(_, _, cut)| *cut > 0.0)
        .map(|(node, out, cut)| Chokepoint {
            node: node.clone(),
            output_t: *out,
            cut_t: *cut,
            cut_share: share(*cut),
            affected: Vec::new(),
        })
        .collect();
    nodes.sort_by(|a, b| b.cut_t.total_cmp(&a.cut_t).then(a.node.cmp(&b.node)));
    let top = &nodes[..nodes.len().min(PAIR_CANDIDATES)];
    let joint = |a: &Node, b: &Node| -> f64 {
        let (mine, refiner) = match (&a.stage, &b.stage) {
            (Stage::Mining, Stage::Refining) => (a, b),
            (Stage::Refining, Stage::Mining) => (b, a),
            _ => return 0.0,
        };
        traced
            .joint
            .iter()
            .filter(|((m, r), _)| *m == mine.country && *r == refiner.country)
            .map(|(_, t)| t)
            .sum()
    };
    let mut pairs = Vec::new();
    for (i, a) in top.iter().enumerate() {
        for b in &top[i + 1..] {
            let cut = (a.cut_t + b.cut_t - joint(&a.node, &b.node)).max(0.0);
            pairs.push(ChokepointPair {
                first: a.node.clone(),
                second: b.node.clone(),
                cut_t: cut,
                cut_share: share(cut),
            });
        }
    }
    pairs.sort_by(|a, b| {
        b.cut_t
            .total_cmp(&a.cut_t)
            .then((&a.first, &a.second).cmp(&(&b.first, &b.second)))
    });
    NodeCut {
        supply_t: supply,
        unnamed_t: 0.0,
        nodes,
        pairs,
    }
}
