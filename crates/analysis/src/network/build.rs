//! Building a [`Network`] from the engine: one pass over the flows of the mineral's
//! carriers in the year, and one production lookup per country and layer.

use super::{Edge, Layer, LayerId, Network, NetworkAssumption, NodeProduction};
use crate::engine::Query;
use crate::error::{AnalysisError, Result};
use crate::production::MemberProduction;
use derisk_model::{CountryCode, Evidence, HsKey, MineralId, Stage, Year};
use std::collections::BTreeSet;

/// Flows of one layer read so far.
#[derive(Default)]
struct LayerAcc {
    /// (to, from, tonnes), merged after the pass.
    pairs: Vec<(CountryCode, CountryCode, f64)>,
    carriers: Vec<HsKey>,
    without_rows: Vec<HsKey>,
    without_quantity: (usize, f64),
    left_out: (usize, f64),
}

impl Query<'_> {
    /// The supply network of `mineral` in `year` (see [`Network`]), read through the
    /// engine's overlay.
    ///
    /// Errors: unknown mineral, no HS carriers, no trade in `year`, negative or
    /// non-finite trade figures.
    pub fn network(&self, mineral: &str, year: Year) -> Result<Network> {
        let id = MineralId::try_from(mineral)
            .map_err(|_| AnalysisError::UnknownMineral(mineral.to_string()))?;
        let carriers = self.carriers(mineral, None)?;
        if !self.trade().has_year(year) {
            return Err(AnalysisError::NoTradeForYear(year.get()));
        }
        let overlay = self.overlay();
        let mut acc = [LayerAcc::default(), LayerAcc::default()];
        let mut outside = Vec::new();
        for c in &carriers {
            let Some(layer) = LayerId::of_carrier_stage(&c.stage) else {
                outside.push(c.key());
                continue;
            };
            let a = &mut acc[layer.index()];
            a.carriers.push(c.key());
            let flows = self.trade().flows(year, c.key());
            if flows.is_empty() {
                a.without_rows.push(c.key());
            }
            for f in flows {
                let f = &overlay.flow(mineral, c, f);
                match c.read(f)? {
                    Ok(Some(t)) if t > 0.0 && f.exporter != f.importer => {
                        a.pairs.push((f.importer, f.exporter, t))
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        a.without_quantity.0 += 1;
                        a.without_quantity.1 += f.value_kusd;
                    }
                    Err(_) => {
                        a.left_out.0 += 1;
                        a.left_out.1 += f.value_kusd;
                    }
                }
            }
        }
        let mut countries: BTreeSet<CountryCode> = BTreeSet::new();
        for a in &acc {
            countries.extend(a.pairs.iter().flat_map(|p| [p.0, p.1]));
        }
        for layer in LayerId::ALL {
            if let Some(listed) = self.production().listed(mineral, &layer.stage()) {
                countries.extend(listed.iter().copied());
            }
        }
        let countries: Vec<CountryCode> = countries.into_iter().collect();
        let mut assumptions = Vec::new();
        let [up, refined] = acc;
        let upstream = self.layer(
            mineral,
            year,
            LayerId::Upstream,
            up,
            &countries,
            &mut assumptions,
        );
        let refined = self.layer(
            mineral,
            year,
            LayerId::Refined,
            refined,
            &countries,
            &mut assumptions,
        );
        let mut network = Network {
            mineral: id,
            year,
            domestic_feed_t: vec![0.0; countries.len()],
            countries,
            upstream,
            refined,
            outside,
            assumptions,
        };
        network.domestic_feed_t = (0..network.countries.len())
            .map(|c| super::origin::fed_fraction(&network, c) * network.refined.output_t(c))
            .collect();
        if let Some(a) = super::origin::feed_not_covered(&network) {
            network.assumptions.push(a);
        }
        Ok(network)
    }

    fn layer(
        &self,
        mineral: &str,
        year: Year,
        id: LayerId,
        mut acc: LayerAcc,
        countries: &[CountryCode],
        assumptions: &mut Vec<NetworkAssumption>,
    ) -> Layer {
        let index = |c: CountryCode| countries.binary_search(&c).map_or(0, |i| i as u32);
        // Sum each (to, from) pair in flow order: carriers by key, flows by exporter.
        acc.pairs.sort_by_key(|p| (p.0, p.1));
        let mut edges: Vec<Edge> = Vec::new();
        for (to, from, t) in acc.pairs {
            let (to, from) = (index(to), index(from));
            match edges.last_mut() {
                Some(e) if e.to == to && e.from == from => e.tonnes += t,
                _ => edges.push(Edge {
                    from,
                    to,
                    tonnes: t,
                }),
            }
        }
        let n = countries.len();
        let (mut imports_t, mut exports_t) = (vec![0.0; n], vec![0.0; n]);
        for e in &edges {
            imports_t[e.to as usize] += e.tonnes;
            exports_t[e.from as usize] += e.tonnes;
        }
        let stage = id.stage();
        let sources = self.production().sources(mineral, &stage, year);
        if sources.is_empty() {
            assumptions.push(NetworkAssumption::NoProductionTable {
                stage: stage.clone(),
            });
        } else if id == LayerId::Refined
            && sources
                .iter()
                .all(|s| s.evidence == Evidence::TradeInference)
        {
            assumptions.push(NetworkAssumption::RefiningFromTradeProxy);
        }
        let mut inferred = Vec::new();
        let production = countries
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let p =
                    self.production()
                        .member_production(mineral, &stage, year, c, self.overlay());
                match p {
                    MemberProduction::Tonnes { tonnes, .. } => {
                        Some(NodeProduction::Reported { tonnes })
                    }
                    MemberProduction::AbsentFromComprehensive { .. } => {
                        Some(NodeProduction::Reported { tonnes: 0.0 })
                    }
                    // With no table for the stage in the year, a net exporter's net exports
                    // are the best lower bound on its output; beside a table, an unknown
                    // country stays without output and what it ships beyond its imports
                    // stays unattributed.
                    _ if !sources.is_empty() => None,
                    _ => {
                        let net = exports_t[i] - imports_t[i];
                        (net > 0.0).then(|| {
                            inferred.push(c);
                            NodeProduction::InferredFromNetExports { tonnes: net }
                        })
                    }
                }
            })
            .collect();
        if !inferred.is_empty() {
            assumptions.push(NetworkAssumption::OutputInferredFromNetExports {
                layer: id,
                countries: inferred,
            });
        }
        if acc.without_quantity.0 > 0 {
            assumptions.push(NetworkAssumption::FlowsWithoutQuantity {
                layer: id,
                flows: acc.without_quantity.0,
                value_kusd: acc.without_quantity.1,
            });
        }
        if acc.left_out.0 > 0 {
            assumptions.push(NetworkAssumption::FlowsLeftOut {
                layer: id,
                flows: acc.left_out.0,
                value_kusd: acc.left_out.1,
            });
        }
        if !acc.without_rows.is_empty() {
            assumptions.push(NetworkAssumption::CarriersWithoutRows {
                layer: id,
                carriers: acc.without_rows,
            });
        }
        let mut layer = Layer::new(id, production, edges, acc.carriers);
        layer.rest_of_world_t =
            self.unnamed_output(mineral, &stage, year, &sources, countries, &layer);
        layer
    }

    /// What the layer's strongest production table leaves to countries it does not name,
    /// less the output the network already counts for such countries (from other tables).
    fn unnamed_output(
        &self,
        mineral: &str,
        stage: &Stage,
        year: Year,
        sources: &[crate::supply::SourceRank],
        countries: &[CountryCode],
        layer: &Layer,
    ) -> Option<f64> {
        let first = sources.first()?;
        if first.evidence == Evidence::TradeInference {
            return None;
        }
        let rest = self
            .production()
            .rest_of_world(mineral, stage, year, &first.source)?;
        let named: BTreeSet<CountryCode> = self
            .production()
            .year(mineral, stage, year)
            .into_iter()
            .filter(|o| o.provenance.source == first.source)
            .filter_map(|o| match o.area {
                derisk_model::Area::Country(c) => Some(c),
                _ => None,
            })
            .collect();
        let counted: f64 = countries
            .iter()
            .enumerate()
            .filter(|(_, c)| !named.contains(c))
            .map(|(i, _)| layer.output_t(i))
            .sum();
        let left = rest - counted;
        (left > 0.0).then_some(left)
    }
}
