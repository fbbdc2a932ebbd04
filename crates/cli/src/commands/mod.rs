pub mod brief;
pub mod concentration;
