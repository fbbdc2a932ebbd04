pub mod brief;
pub mod data;
pub mod minerals;
pub mod production;

// Analysis commands (concentration, dependence, criticality).
pub mod concentration;
pub mod criticality;
pub mod dependence;
