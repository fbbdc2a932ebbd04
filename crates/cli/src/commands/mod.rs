pub mod brief;
pub mod concentration;
pub mod criticality;
pub mod data;
pub mod dependence;
pub mod groups;
pub mod minerals;
pub mod production;
