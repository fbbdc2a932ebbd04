pub mod brief;
pub mod concentration;
pub mod criticality;
