//! What the optimiser needs from the data, for one importer, mineral, year and network
//! layer: each exporter's shipments to the importer and to the world (contained tonnes and
//! their value, over flows with a quantity, read as the network reads them) and its output.

use crate::dependence::Importer;
use crate::engine::Query;
use crate::error::Result;
use crate::network::LayerId;
use derisk_model::{CountryCode, HsKey, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One exporter at the layer (outside the importer's members).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupplierBase {
    pub country: CountryCode,
    /// Contained tonnes shipped to the importer's members.
    pub to_importer_t: f64,
    /// Their value, thousand US dollars.
    pub to_importer_value_kusd: f64,
    /// Contained tonnes shipped to every destination.
    pub exports_t: f64,
    /// Their value, thousand US dollars.
    pub exports_value_kusd: f64,
    /// Output at the layer's stage, contained tonnes, as the network holds it; `None` when
    /// unknown.
    pub output_t: Option<f64>,
}

/// Where a unit value comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitValueBasis {
    /// The importer's own imports from the supplier.
    Importer,
    /// The supplier's exports to every destination (it does not ship to the importer).
    World,
}

impl SupplierBase {
    /// Unit value in USD per kg contained (thousand USD per tonne): value over contained
    /// tonnes of the importer's imports from the supplier, else of the supplier's exports
    /// to the world; `None` when neither has both a value and tonnes above 0.
    pub fn unit_value(&self) -> Option<(f64, UnitValueBasis)> {
        let ratio = |v: f64, t: f64| (v > 0.0 && t > 0.0).then(|| v / t);
        ratio(self.to_importer_value_kusd, self.to_importer_t)
            .map(|u| (u, UnitValueBasis::Importer))
            .or_else(|| {
                ratio(self.exports_value_kusd, self.exports_t).map(|u| (u, UnitValueBasis::World))
            })
    }

    /// Exportable surplus, contained tonnes: the larger of what the supplier exports and
    /// what it produces, less what it already ships to the importer (never below 0).
    pub fn surplus_t(&self) -> f64 {
        (self.exports_t.max(self.output_t.unwrap_or(0.0)) - self.to_importer_t).max(0.0)
    }

    /// The most the supplier could ship to the importer within a year, contained tonnes:
    /// today's shipments plus `headroom` × its exportable surplus ([`Self::surplus_t`]).
    pub fn capacity_t(&self, headroom: f64) -> f64 {
        self.to_importer_t + headroom * self.surplus_t()
    }
}

/// An importer's suppliers of a mineral at one layer in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourcingBase {
    pub layer: LayerId,
    /// The importer's imports from non-members at the layer, contained tonnes (its demand
    /// for the optimiser).
    pub demand_t: f64,
    /// Every exporter at the layer outside the importer, by tonnes to the importer, then
    /// exports, then code.
    pub suppliers: Vec<SupplierBase>,
    /// The importer's import flows at the layer without a quantity: not in `demand_t`.
    pub flows_without_quantity: usize,
    pub value_without_quantity_kusd: f64,
    pub carriers: Vec<HsKey>,
}

impl Query<'_> {
    /// The suppliers of `importer` for `mineral` at `layer` in `year` (see
    /// [`SourcingBase`]): flows read through the overlay and the carriers' unit-value bands
    /// as [`Query::network`] reads them (flows of another product or at an impossible unit
    /// value left out; flows without a quantity counted apart).
    ///
    /// Errors: unknown mineral, no HS carriers, no trade in `year`, invalid trade figures.
    pub fn sourcing_base(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        layer: LayerId,
    ) -> Result<SourcingBase> {
        let network = self.network(mineral, year)?;
        let carriers = self.carriers(mineral, None)?;
        let overlay = self.overlay();
        let mut by: BTreeMap<CountryCode, SupplierBase> = BTreeMap::new();
        let mut without = (0usize, 0.0f64);
        let mut keys = Vec::new();
        for c in carriers
            .iter()
            .filter(|c| LayerId::of_carrier_stage(&c.stage) == Some(layer))
        {
            keys.push(c.key());
            for f in self.trade().flows(year, c.key()) {
                if f.exporter == f.importer || importer.contains(f.exporter) {
                    continue;
                }
                let f = &overlay.flow(mineral, c, f);
                let to_importer = importer.contains(f.importer);
                match c.read(f)? {
                    Ok(Some(t)) if t > 0.0 => {
                        let s = by.entry(f.exporter).or_insert_with(|| SupplierBase {
                            country: f.exporter,
                            to_importer_t: 0.0,
                            to_importer_value_kusd: 0.0,
                            exports_t: 0.0,
                            exports_value_kusd: 0.0,
                            output_t: None,
                        });
                        s.exports_t += t;
                        s.exports_value_kusd += f.value_kusd;
                        if to_importer {
                            s.to_importer_t += t;
                            s.to_importer_value_kusd += f.value_kusd;
                        }
                    }
                    Ok(None) if to_importer => {
                        without.0 += 1;
                        without.1 += f.value_kusd;
                    }
                    _ => {}
                }
            }
        }
        let l = network.layer(layer);
        let mut suppliers: Vec<SupplierBase> = by
            .into_values()
            .map(|mut s| {
                s.output_t = network
                    .index(s.country)
                    .and_then(|i| l.production[i])
                    .map(|p| p.tonnes());
                s
            })
            .collect();
        suppliers.sort_by(|a, b| {
            b.to_importer_t
                .total_cmp(&a.to_importer_t)
                .then(b.exports_t.total_cmp(&a.exports_t))
                .then(a.country.cmp(&b.country))
        });
        let demand_t = suppliers
            .iter()
            .map(|s| s.to_importer_t)
            .fold(0.0, |a, b| a + b);
        Ok(SourcingBase {
            layer,
            demand_t,
            suppliers,
            flows_without_quantity: without.0,
            value_without_quantity_kusd: without.1,
            carriers: keys,
        })
    }
}
