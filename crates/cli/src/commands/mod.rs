pub mod brief;
pub mod data;
pub mod minerals;
pub mod production;
