//! `JobQueue` on a SQLite table: durable across restarts, with a visibility timeout, an attempt count and a
//! dead-letter state after `max_attempts`, the way SQS with a redrive policy behaves.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, params};
use zairyu_app::ports::{Clock, Delivery, JobQueue, QueueError};

#[derive(Clone)]
pub struct SqliteQueue<C: Clock> {
    conn: Arc<Mutex<Connection>>,
    name: String,
    max_attempts: u32,
    visibility: Duration,
    clock: C,
}

fn unavailable(e: impl std::fmt::Display) -> QueueError {
    QueueError::unavailable(e.to_string())
}

impl<C: Clock + Clone + 'static> SqliteQueue<C> {
    /// Opens queue `name` in a SQLite file (several queues may share one file).
    pub fn open(
        path: &Path,
        name: &str,
        max_attempts: u32,
        visibility: Duration,
        clock: C,
    ) -> Result<Self, QueueError> {
        let conn = Connection::open(path).map_err(unavailable)?;
        Self::init(conn, name, max_attempts, visibility, clock)
    }

    pub fn in_memory(name: &str, max_attempts: u32, visibility: Duration, clock: C) -> Result<Self, QueueError> {
        Self::init(Connection::open_in_memory().map_err(unavailable)?, name, max_attempts, visibility, clock)
    }

    fn init(
        conn: Connection,
        name: &str,
        max_attempts: u32,
        visibility: Duration,
        clock: C,
    ) -> Result<Self, QueueError> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS jobs (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 queue TEXT NOT NULL,
                 body TEXT NOT NULL,
                 attempts INTEGER NOT NULL DEFAULT 0,
                 visible_at INTEGER NOT NULL,
                 dead INTEGER NOT NULL DEFAULT 0
             );
             CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (queue, dead, visible_at, id);",
        )
        .map_err(unavailable)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            name: name.to_owned(),
            max_attempts: max_attempts.max(1),
            visibility,
            clock,
        })
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection, &str, i64) -> Result<T, QueueError> + Send + 'static,
    ) -> Result<T, QueueError> {
        let conn = Arc::clone(&self.conn);
        let name = self.name.clone();
        let now = self.now_ms();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| QueueError::unavailable("the queue's lock was poisoned"))?;
            f(&mut guard, &name, now)
        })
        .await
        .map_err(unavailable)?
    }
}

fn parse_receipt(receipt: &str) -> Result<(i64, i64), QueueError> {
    let (id, attempt) =
        receipt.split_once('.').ok_or_else(|| QueueError::Invalid("not a receipt of this queue".into()))?;
    match (id.parse(), attempt.parse()) {
        (Ok(i), Ok(a)) => Ok((i, a)),
        _ => Err(QueueError::Invalid("not a receipt of this queue".into())),
    }
}

#[async_trait]
impl<C: Clock + Clone + 'static> JobQueue for SqliteQueue<C> {
    async fn send(&self, body: &str) -> Result<(), QueueError> {
        if body.len() > 256 * 1024 {
            return Err(QueueError::Invalid("a job body is at most 256 KiB".into()));
        }
        let body = body.to_owned();
        self.with(move |c, name, now| {
            c.execute("INSERT INTO jobs (queue, body, visible_at) VALUES (?1, ?2, ?3)", params![name, body, now])
                .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn receive(&self, max: u32) -> Result<Vec<Delivery>, QueueError> {
        let max_attempts = i64::from(self.max_attempts);
        let visibility = i64::try_from(self.visibility.as_millis()).unwrap_or(i64::MAX);
        self.with(move |c, name, now| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(unavailable)?;
            let ready: Vec<(i64, String, i64)> = {
                let mut stmt = tx
                    .prepare("SELECT id, body, attempts FROM jobs WHERE queue = ?1 AND dead = 0 AND visible_at <= ?2 ORDER BY id")
                    .map_err(unavailable)?;
                let rows = stmt
                    .query_map(params![name, now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<_, _>>().map_err(unavailable)?
            };
            let mut out = Vec::new();
            for (id, body, attempts) in ready {
                if out.len() >= max as usize {
                    break;
                }
                if attempts >= max_attempts {
                    // Delivered and failed as often as allowed: dead-letter it, as SQS does on the next receive.
                    tx.execute("UPDATE jobs SET dead = 1 WHERE id = ?1", params![id]).map_err(unavailable)?;
                    continue;
                }
                let attempt = attempts + 1;
                tx.execute(
                    "UPDATE jobs SET attempts = ?2, visible_at = ?3 WHERE id = ?1",
                    params![id, attempt, now.saturating_add(visibility)],
                )
                .map_err(unavailable)?;
                out.push(Delivery { receipt: format!("{id}.{attempt}"), body, attempt: u32::try_from(attempt).unwrap_or(u32::MAX) });
            }
            tx.commit().map_err(unavailable)?;
            Ok(out)
        })
        .await
    }

    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        let (id, attempt) = parse_receipt(receipt)?;
        self.with(move |c, name, _| {
            c.execute("DELETE FROM jobs WHERE queue = ?1 AND id = ?2 AND attempts = ?3", params![name, id, attempt])
                .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn release(&self, receipt: &str) -> Result<(), QueueError> {
        let (id, attempt) = parse_receipt(receipt)?;
        self.with(move |c, name, now| {
            c.execute(
                "UPDATE jobs SET visible_at = ?4 WHERE queue = ?1 AND id = ?2 AND attempts = ?3",
                params![name, id, attempt, now],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn dead_letters(&self, max: u32) -> Result<Vec<String>, QueueError> {
        self.with(move |c, name, _| {
            let mut stmt = c
                .prepare("SELECT body FROM jobs WHERE queue = ?1 AND dead = 1 ORDER BY id LIMIT ?2")
                .map_err(unavailable)?;
            let rows = stmt.query_map(params![name, max], |r| r.get(0)).map_err(unavailable)?;
            rows.collect::<Result<_, _>>().map_err(unavailable)
        })
        .await
    }
}
