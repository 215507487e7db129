//! A crash point for the end-to-end test of crash-safe blanket registration (#14): with
//! `ZAIRYU_PAUSE_AT_BLANKET_ROW=N` the server stops in the middle of a registration, just before the
//! transaction that writes the N-th row's application (rows are written in batches, so the rows of earlier
//! transactions are stored and none after), writes `paused` into its data folder and waits there for ever,
//! so that the test can kill it at that exact point. Off unless the variable is set.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use zairyu_app::ports::{Item, Key, Page, Query, StoreError, Table, Write, attr};

pub struct PauseAtRow {
    inner: Arc<dyn Table>,
    at: u64,
    rows: AtomicU64,
    signal: PathBuf,
}

impl PauseAtRow {
    /// `inner` as it is, unless `ZAIRYU_PAUSE_AT_BLANKET_ROW` names a row.
    pub fn wrap(inner: Arc<dyn Table>, data: &std::path::Path) -> Arc<dyn Table> {
        match std::env::var("ZAIRYU_PAUSE_AT_BLANKET_ROW").ok().and_then(|v| v.parse::<u64>().ok()) {
            Some(at) if at > 0 => {
                eprintln!("zairyu-local: will pause before blanket row {at} (ZAIRYU_PAUSE_AT_BLANKET_ROW)");
                Arc::new(Self { inner, at, rows: AtomicU64::new(0), signal: data.join("paused") })
            }
            _ => inner,
        }
    }
}

/// How many blanket rows' applications (IDs `bl-…`) a transaction adds.
fn blanket_rows(writes: &[Write]) -> u64 {
    let rows = writes
        .iter()
        .filter(|w| match w {
            Write::Put { item, .. } => {
                item.get(attr::PK).and_then(|a| a.as_s()).is_some_and(|pk| pk.starts_with("APP#bl-"))
            }
            _ => false,
        })
        .count();
    u64::try_from(rows).unwrap_or(u64::MAX)
}

#[async_trait]
impl Table for PauseAtRow {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.inner.get_many(keys).await
    }
    async fn put(&self, item: Item, condition: zairyu_app::ports::Condition) -> Result<(), StoreError> {
        self.inner.put(item, condition).await
    }
    async fn delete(&self, key: &Key, condition: zairyu_app::ports::Condition) -> Result<(), StoreError> {
        self.inner.delete(key, condition).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.inner.query(query).await
    }
    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        self.inner.increment(key, attribute, by, expires_at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let rows = blanket_rows(&writes);
        if rows > 0 && self.rows.fetch_add(rows, Ordering::SeqCst) + rows >= self.at {
            if let Err(e) = std::fs::write(&self.signal, b"paused") {
                eprintln!("zairyu-local: the pause signal could not be written: {e}");
            }
            std::future::pending::<()>().await;
        }
        self.inner.transact(writes).await
    }
}
