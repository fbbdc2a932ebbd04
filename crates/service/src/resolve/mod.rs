//! Resolving the names a person types: countries, groups and minerals.
