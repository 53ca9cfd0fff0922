//! Shared application state: the gazetteer, the store and the current catalogue snapshot.

use std::path::Path;
use std::sync::{Arc, RwLock};

use crate::gazetteer::{Gazetteer, GazetteerError};
use crate::incidents::seed::{self, SeedError};
use crate::incidents::{Catalog, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Gazetteer(#[from] GazetteerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Seed(#[from] SeedError),
}

/// Cheap to clone: every handler gets one (axum clones state per request).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    gazetteer: Gazetteer,
    /// Writers build a new catalogue and swap the Arc; readers clone it and never wait long.
    catalog: RwLock<Arc<Catalog>>,
    regions_json: Vec<u8>,
}

impl AppState {
    /// Opens the store in `data_dir`; on the first start imports the curated seed incidents
    /// (geocoded with the embedded gazetteer); builds the catalogue and R-tree from the store.
    pub fn open(data_dir: &Path) -> Result<AppState, StateError> {
        let gazetteer = Gazetteer::embedded()?;
        let store = Store::open(data_dir)?;
        AppState::with_store(gazetteer, store)
    }

    /// Like [`AppState::open`] on a given store (an in-memory one in tests).
    pub fn with_store(gazetteer: Gazetteer, mut store: Store) -> Result<AppState, StateError> {
        if store.meta(seed::SEED_META_KEY)?.is_none() {
            let incidents = seed::load(seed::SEED_TOML, &gazetteer)?;
            store.upsert(&incidents, &[(seed::SEED_META_KEY, "imported")])?;
            tracing::info!(
                count = incidents.len(),
                "imported the curated seed incidents"
            );
        }
        let catalog = Catalog::new(store.load_all()?);
        let regions_json = super::regions::collection(&gazetteer);
        Ok(AppState {
            inner: Arc::new(Inner {
                gazetteer,
                catalog: RwLock::new(Arc::new(catalog)),
                regions_json,
            }),
        })
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.inner.gazetteer
    }

    /// The current catalogue snapshot.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.inner.catalog.read() {
            Ok(guard) => Arc::clone(&guard),
            // A writer panicked mid-swap; the Arc inside is still a complete catalogue.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub(crate) fn regions_json(&self) -> &[u8] {
        &self.inner.regions_json
    }
}
