//! incident-map: security incidents in Syria from news reports — geocoded with an offline
//! gazetteer, stored in SQLite, indexed in an R-tree and served as GeoJSON and a MapLibre map.
//!
//! `main.rs` is only the command line; everything else is here so tests can drive it.

pub mod export;
pub mod extract;
pub mod gazetteer;
pub mod http;
pub mod import;
pub mod incidents;
pub mod tiles;

pub use http::{app, AppState};
