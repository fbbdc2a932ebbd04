//! Imports of one mineral for every importer at once: the import side of
//! [`Query::dependence`] computed in a single pass over the year's flows, for maps and
//! rankings of all countries (and groups) rather than one importer at a time.

use crate::dependence::{Importer, IntraGroup, IntraGroupRule, SideAcc, TradeSide};
use crate::engine::Query;
use crate::error::{AnalysisError, Result};
use derisk_model::{CountryCode, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What one importer imports of a mineral in a year, from whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportProfile {
    pub importer: String,
    /// Same figures as [`crate::Dependence::imports`] for this importer.
    pub imports: TradeSide,
    /// Trade between members of a group importer, left out of `imports`.
    pub intra_group: IntraGroup,
}

impl Query<'_> {
    /// Import profiles of every country that imports `mineral` in `year` (sorted by
    /// code), then of each of `groups` (in the order given), in one pass over the flows of
    /// the mineral's HS carriers (those of `stage` when given).
    ///
    /// Each profile equals, bit for bit, the `imports` and `intra_group` of
    /// [`Query::dependence`] for that importer: flows are visited in the same order, so
    /// the sums are the same. Cost: O(flows × groups containing the importer) instead of
    /// one indexed query per importer.
    ///
    /// Errors: unknown mineral, no HS carriers, no trade in `year`, a group without
    /// members, negative or non-finite trade figures.
    pub fn import_profiles(
        &self,
        mineral: &str,
        year: Year,
        stage: Option<&Stage>,
        groups: &[Importer],
    ) -> Result<Vec<ImportProfile>> {
        let carriers = self.carriers(mineral, stage)?;
        if !self.trade().has_year(year) {
            return Err(AnalysisError::NoTradeForYear(year.get()));
        }
        if let Some(g) = groups.iter().find(|g| g.members.is_empty()) {
            return Err(AnalysisError::InvalidImporter(g.label.clone()));
        }
        // Which groups each country belongs to.
        let mut member_of: HashMap<CountryCode, Vec<usize>> = HashMap::new();
        for (i, g) in groups.iter().enumerate() {
            for &c in &g.members {
                member_of.entry(c).or_default().push(i);
            }
        }
        let mut countries: BTreeMap<CountryCode, SideAcc> = BTreeMap::new();
        let mut group_acc: Vec<(SideAcc, usize, f64)> = (0..groups.len())
            .map(|_| (SideAcc::default(), 0, 0.0))
            .collect();
        // For a group, `dependence` visits carriers, then members in code order, then each
        // member's imports in exporter order. Within a carrier, a group's imports are
        // therefore buffered per member and replayed in member order.
        let overlay = self.overlay();
        let no_rows: Vec<_> = carriers
            .iter()
            .filter(|c| self.trade().flows(year, c.key()).is_empty())
            .map(|c| c.key())
            .collect();
        for c in &carriers {
            let flows = self.trade().flows(year, c.key());
            let mut per_group: Vec<BTreeMap<CountryCode, Vec<usize>>> =
                vec![BTreeMap::new(); groups.len()];
            for (k, f) in flows.iter().enumerate() {
                let f = &overlay.flow(mineral, c, f);
                let acc = countries.entry(f.importer).or_default();
                match c.read(f)? {
                    Ok(q) => acc.add(f.exporter, f, q),
                    Err(form) => acc.leave_out(f, form),
                }
                if let Some(gs) = member_of.get(&f.importer) {
                    for &g in gs {
                        per_group[g].entry(f.importer).or_default().push(k);
                    }
                }
            }
            for (g, by_member) in per_group.into_iter().enumerate() {
                let (acc, intra_n, intra_v) = &mut group_acc[g];
                for ks in by_member.values() {
                    for &k in ks {
                        let f = &overlay.flow(mineral, c, &flows[k]);
                        match c.read(f)? {
                            Err(form) => {
                                if !groups[g].contains(f.exporter) {
                                    acc.leave_out(f, form);
                                }
                            }
                            Ok(_) if groups[g].contains(f.exporter) => {
                                *intra_n += 1;
                                *intra_v += f.value_kusd;
                            }
                            Ok(q) => acc.add(f.exporter, f, q),
                        }
                    }
                }
            }
        }
        let mut out: Vec<ImportProfile> = countries
            .into_iter()
            .map(|(c, acc)| ImportProfile {
                importer: c.to_string(),
                imports: acc.finish(&no_rows),
                intra_group: IntraGroup {
                    flows: 0,
                    value_kusd: 0.0,
                    rule: IntraGroupRule::SingleCountry,
                },
            })
            .collect();
        for (g, (acc, n, v)) in groups.iter().zip(group_acc) {
            out.push(ImportProfile {
                importer: g.label.clone(),
                imports: acc.finish(&no_rows),
                intra_group: IntraGroup {
                    flows: n,
                    value_kusd: v,
                    rule: IntraGroupRule::for_members(g.members.len()),
                },
            });
        }
        Ok(out)
    }
}
