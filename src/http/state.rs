//! Shared application state: the gazetteer, the store and the current catalogue snapshot.
//!
//! Reads take a snapshot of the catalogue (an `Arc`) and never wait for writers. Writes
//! (ingest, import, patch, delete) hold the store's lock, write SQLite in one transaction, then
//! derive the next catalogue from the current one by the change alone ([`Catalog::apply`]:
//! each new incident serialised once, for the store and the catalogue together) and swap it
//! in, so every endpoint sees the change at once and never half of it.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use crate::extract::ingest::{self, ArticleInput, IngestAnswer};
use crate::extract::{ExtractError, Extractor};
use crate::gazetteer::{Gazetteer, GazetteerError};
use crate::incidents::seed::{self, SeedError};
use crate::incidents::store::ArticleRow;
use crate::incidents::{Catalog, Encoded, Incident, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Gazetteer(#[from] GazetteerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Seed(#[from] SeedError),
}

/// Why a write was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("no incident with id {0:?}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored answer of article {0} is unreadable")]
    Answer(String),
}

/// Cheap to clone: every handler gets one (axum clones state per request).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// bearer token that allows writes; `None` refuses every write
    token: Option<Arc<str>>,
}

struct Inner {
    gazetteer: Gazetteer,
    extractor: Extractor,
    /// Writers build a new catalogue and swap the Arc; readers clone it and never wait long.
    catalog: RwLock<Arc<Catalog>>,
    /// The only writer; held from the SQLite write until the new catalogue is in place.
    store: Mutex<Store>,
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
        let catalog = Catalog::from_store(&store)?;
        let regions_json = super::regions::collection(&gazetteer);
        let extractor = Extractor::new(&gazetteer);
        Ok(AppState {
            inner: Arc::new(Inner {
                gazetteer,
                extractor,
                catalog: RwLock::new(Arc::new(catalog)),
                store: Mutex::new(store),
                regions_json,
            }),
            token: None,
        })
    }

    /// Allows writes to requests bearing `token` (none, or an empty one: writes are refused).
    pub fn with_token(mut self, token: Option<String>) -> AppState {
        self.token = token.filter(|t| !t.is_empty()).map(Arc::from);
        self
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// True when a token is set, so writes with it are allowed.
    pub fn writes_enabled(&self) -> bool {
        self.token.is_some()
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.inner.gazetteer
    }

    pub fn extractor(&self) -> &Extractor {
        &self.inner.extractor
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

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A writer that panicked left SQLite consistent (its transaction rolled back).
        self.inner.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the next catalogue from the current one and the change, and swaps it in. Called
    /// with the store's lock held, so changes never cross.
    fn commit(&self, upserts: &[Encoded], deletes: &[&str]) {
        let next = Arc::new(self.catalog().apply(upserts, deletes));
        match self.inner.catalog.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    /// Stores incidents by id — new ones added, known ones replaced — in one transaction (all
    /// or nothing), and updates the catalogue. Answers (inserted, updated).
    pub fn import(&self, incidents: Vec<Incident>) -> Result<(usize, usize), WriteError> {
        for inc in &incidents {
            inc.validate().map_err(WriteError::Invalid)?;
        }
        let rows: Vec<Encoded> = incidents.into_iter().map(Encoded::new).collect();
        let mut store = self.store();
        let counts = store.import(&rows)?;
        self.commit(&rows, &[]);
        Ok(counts)
    }

    /// Reads an article, stores its proposed incidents (`review = extracted`) and the article
    /// in one transaction, and answers with the evidence. The same text a second time creates
    /// nothing and answers what was answered the first time (`article.new = false`).
    pub fn ingest(&self, input: ArticleInput) -> Result<IngestAnswer, WriteError> {
        let id = ingest::article_id(&input.text);
        let mut store = self.store();
        if let Some(stored) = store.article_answer(&id)? {
            let mut answer: IngestAnswer =
                serde_json::from_str(&stored).map_err(|_| WriteError::Answer(id.clone()))?;
            answer.article.new = false;
            return Ok(answer);
        }
        let catalog = self.catalog();
        let (incidents, answer) =
            ingest::plan(&self.inner.extractor, self.gazetteer(), &catalog, &input)?;
        let row = ArticleRow {
            id,
            title: input.title.clone(),
            source: input.source.clone(),
            url: input.url.clone(),
            published: input.published.map(|d| d.to_string()),
            text: input.text,
            answer: serde_json::to_string(&answer)
                .map_err(|e| WriteError::Invalid(e.to_string()))?,
        };
        let rows: Vec<Encoded> = incidents.into_iter().map(Encoded::new).collect();
        if store.ingest_encoded(&row, &rows)? {
            tracing::info!(
                article = %row.id,
                stored = rows.len(),
                proposed = answer.incidents.len(),
                "ingested an article"
            );
            self.commit(&rows, &[]);
        }
        Ok(answer)
    }

    /// Changes an incident with `edit` (which may refuse with a message), validates it and
    /// stores it; the id cannot change.
    pub fn patch(
        &self,
        id: &str,
        edit: impl FnOnce(&mut Incident, &Gazetteer) -> Result<(), String>,
    ) -> Result<Incident, WriteError> {
        let mut store = self.store();
        let catalog = self.catalog();
        let idx = catalog
            .position(id)
            .ok_or_else(|| WriteError::NotFound(id.to_string()))?;
        let mut inc = catalog.get(idx);
        edit(&mut inc, self.gazetteer()).map_err(WriteError::Invalid)?;
        inc.id = id.to_string();
        inc.validate().map_err(WriteError::Invalid)?;
        let row = Encoded::new(inc);
        if !store.replace_encoded(&row)? {
            return Err(WriteError::NotFound(id.to_string()));
        }
        self.commit(std::slice::from_ref(&row), &[]);
        Ok(row.incident)
    }

    /// Deletes an incident from the store and the catalogue.
    pub fn delete(&self, id: &str) -> Result<(), WriteError> {
        let mut store = self.store();
        if !store.delete(id)? {
            return Err(WriteError::NotFound(id.to_string()));
        }
        self.commit(&[], &[id]);
        Ok(())
    }
}
