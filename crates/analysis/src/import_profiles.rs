//! Imports of one mineral for every importer at once: the import side of
//! [`Query::dependence`] computed in a single pass over the year's flows, for maps and
//! rankings of all countries (and groups) rather than one importer at a time.

use crate::codes::{dense, CODES};
use crate::dependence::{Importer, IntraGroup, IntraGroupRule, SideAcc, TradeSide};
use crate::engine::Query;
use crate::error::{AnalysisError, Result};
use derisk_model::{CountryCode, Stage, Year};
use serde::{Deserialize, Serialize};

/// A group's members as bits indexed by [`dense`].
struct Members(Vec<u64>);

impl Members {
    fn of(g: &Importer) -> Members {
        let mut bits = vec![0u64; CODES.div_ceil(64)];
        for &c in &g.members {
            let d = dense(c);
            bits[d / 64] |= 1 << (d % 64);
        }
        Members(bits)
    }
    fn contains(&self, d: usize) -> bool {
        self.0[d / 64] >> (d % 64) & 1 == 1
    }
}

/// One importing country's accumulator, and whether it is a member of any group.
struct Country {
    code: CountryCode,
    acc: SideAcc,
    member: bool,
}

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
        // Countries are found by their position among all three-letter codes (`dense`),
        // not through a map: this loop runs once per flow. Each group's members are a set
        // of bits over the same positions.
        let members: Vec<Members> = groups.iter().map(Members::of).collect();
        let in_a_group = |d: usize| members.iter().any(|m| m.contains(d));
        let mut slot = vec![u16::MAX; CODES];
        let mut countries: Vec<Country> = Vec::new();
        let mut group_acc: Vec<(SideAcc, usize, f64)> = (0..groups.len())
            .map(|_| (SideAcc::default(), 0, 0.0))
            .collect();
        // For a group, `dependence` visits carriers, then members in code order, then each
        // member's imports in exporter order. Within a carrier, the flows of group members
        // are therefore collected and replayed by (member, flow) for each group.
        let overlay = self.overlay();
        let no_rows: Vec<_> = carriers
            .iter()
            .filter(|c| self.trade().flows(year, c.key()).is_empty())
            .map(|c| c.key())
            .collect();
        // (importer, flow, exporter, what `read` made of the flow) for flows to members.
        let mut grouped = Vec::new();
        for c in &carriers {
            let flows = self.trade().flows(year, c.key());
            grouped.clear();
            for (k, f) in flows.iter().enumerate() {
                let f = &overlay.flow(mineral, c, f);
                let d = dense(f.importer);
                let s = match slot[d] {
                    u16::MAX => {
                        slot[d] = countries.len() as u16;
                        countries.push(Country {
                            code: f.importer,
                            acc: SideAcc::default(),
                            member: in_a_group(d),
                        });
                        countries.len() - 1
                    }
                    s => s as usize,
                };
                let country = &mut countries[s];
                let read = c.read(f)?;
                match read {
                    Ok(q) => country.acc.add(f.exporter, f, q),
                    Err(form) => country.acc.leave_out(f, form),
                }
                if country.member {
                    grouped.push((d, k, dense(f.exporter), read));
                }
            }
            // By (member, flow): the order `dependence` visits a group's imports in.
            grouped.sort_unstable_by_key(|&(d, k, _, _)| (d, k));
            for (g, members) in members.iter().enumerate() {
                let (acc, intra_n, intra_v) = &mut group_acc[g];
                for &(_, k, e, read) in grouped.iter().filter(|t| members.contains(t.0)) {
                    let f = &overlay.flow(mineral, c, &flows[k]);
                    let intra = members.contains(e);
                    match read {
                        Err(form) => {
                            if !intra {
                                acc.leave_out(f, form);
                            }
                        }
                        Ok(_) if intra => {
                            *intra_n += 1;
                            *intra_v += f.value_kusd;
                        }
                        Ok(q) => acc.add(f.exporter, f, q),
                    }
                }
            }
        }
        countries.sort_unstable_by_key(|c| dense(c.code));
        let mut out: Vec<ImportProfile> = countries
            .into_iter()
            .map(|c| ImportProfile {
                importer: c.code.to_string(),
                imports: c.acc.finish(&no_rows),
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
