//! Processing-stage figures beyond the IEA dataset: BLEECAM capacity by stage and country
//! (rare earths, gallium) and the EU 2020 critical raw materials factsheets' top-10 producer
//! shares.
//!
//! BLEECAM figures are planning allocations compiled from company and agency announcements:
//! they are kept as [`Evidence::CapacityAllocation`](derisk_model::Evidence), flagged as
//! estimates, with only the source URL and the confidence words of each row's notes carried
//! into the provenance.
//!
//! - `alpha2`: ISO alpha-2 → alpha-3 codes (BLEECAM names countries by two letters);
//! - `bleecam`: the capacity tables;
//! - `eu_factsheets`: the EU factsheets' producer shares;
//! - `input`: reading helpers both importers share.

mod alpha2;
mod bleecam;
mod eu_factsheets;
mod input;

pub use alpha2::Alpha2Map;
pub use bleecam::{
    import_bleecam_capacity, import_bleecam_capacity_path, trim_notes, BLEECAM_PRESENT_YEAR,
    SOURCE_BLEECAM,
};
pub use eu_factsheets::{
    import_eu_factsheet_shares, import_eu_factsheet_shares_path, EU_FACTSHEET_YEAR,
    SOURCE_EU_CRM_2020,
};
