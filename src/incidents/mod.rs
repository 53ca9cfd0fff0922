//! Incidents: the record (`model`), ACLED's taxonomy, durable storage (`store`, SQLite), the
//! in-memory R-tree catalogue (`index`), filters (`query`) and the curated seed (`seed`).
//!
//! Not for: HTTP (see `http`) or output formats (see `export`).

pub mod backup;
pub mod index;
pub mod model;
pub mod query;
pub mod seed;
pub mod store;
pub mod synthetic;
pub mod taxonomy;

pub use index::Catalog;
pub use model::{Encoded, Incident, Review};
pub use query::{Filter, QueryError};
pub use store::{Store, StoreError};
