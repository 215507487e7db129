//! `Table` on SQLite: one row per item, the key and index attributes in columns of their own so that
//! queries use indexes, never scans; the record's document (`doc`, itself JSON) and its list line
//! (`summary`) in columns of their own, so each is stored and read once as the text it is, not escaped inside
//! the JSON of the item's other attributes, and a query that asks for the summary alone reads that column
//! alone.
//! Pages of 16 KiB keep a whole row (a ~2 KB application) on its page, with no overflow pages; statements are
//! prepared once per connection and cached.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use zairyu_app::ports::{
    Attr, Condition, Cursor, Index, Item, Key, Page, Query, SortKey, StoreError, Table, Write, attr,
};

/// The embedded `Table`. Cheap to clone; clones share one connection.
#[derive(Clone)]
pub struct SqliteTable {
    conn: Arc<Mutex<Connection>>,
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::unavailable(e.to_string())
}

impl SqliteTable {
    /// Opens (creating if needed) the table in a SQLite file, in WAL mode.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(unavailable)?;
        Self::init(conn)
    }

    /// A table in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(unavailable)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.set_prepared_statement_cache_capacity(64);
        Self::plan_once(&conn)?;
        // The page size of a new file; one made with smaller pages is rewritten once (`VACUUM`, which a file
        // in WAL mode needs to leave first).
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(unavailable)?;
        if page_size != PAGE_SIZE {
            let empty: bool =
                conn.query_row("SELECT count(*) = 0 FROM sqlite_schema", [], |r| r.get(0)).map_err(unavailable)?;
            if empty {
                conn.execute_batch(&format!("PRAGMA page_size = {PAGE_SIZE};")).map_err(unavailable)?;
            } else {
                conn.execute_batch(&format!("PRAGMA journal_mode = DELETE; PRAGMA page_size = {PAGE_SIZE}; VACUUM;"))
                    .map_err(unavailable)?;
            }
        }
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS items (
                 pk TEXT NOT NULL, sk TEXT NOT NULL,
                 gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT,
                 item TEXT NOT NULL,
                 PRIMARY KEY (pk, sk)
             ) WITHOUT ROWID;
             CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
             CREATE INDEX IF NOT EXISTS items_gsi2 ON items (gsi2pk, gsi2sk, pk, sk) WHERE gsi2pk IS NOT NULL;",
        )
        .map_err(unavailable)?;
        // Files from before an attribute had its column get it (empty: their rows keep it in `item`).
        for name in TEXT_COLUMNS {
            let has: bool = conn
                .query_row("SELECT count(*) > 0 FROM pragma_table_info('items') WHERE name = ?1", [name], |r| r.get(0))
                .map_err(unavailable)?;
            if !has {
                conn.execute_batch(&format!("ALTER TABLE items ADD COLUMN {name} TEXT;")).map_err(unavailable)?;
            }
        }
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Keeps each statement's query plan for every run (SQLite's query planner stability guarantee). Without
    /// it, a statement over a partial index (the secondary indexes are `WHERE gsi1pk IS NOT NULL`) depends on
    /// the value bound to its partition key, and SQLite prepares it again at every run with new values
    /// (measured: a tenth of a list request). Public for the list bench, whose floor runs the same way.
    pub fn plan_once(conn: &Connection) -> Result<(), StoreError> {
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(unavailable)?;
        Ok(())
    }

    /// The file's page size (for tests of the layout).
    pub fn page_size(&self) -> Result<i64, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::unavailable("the table's lock was poisoned"))?;
        conn.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(unavailable)
    }

    /// Runs the read `f` at once on this thread when the connection is free: reading a few rows of a local
    /// file takes less than handing the work to a blocking thread and waking this task again (two context
    /// switches per read, measured as most of an authenticated request's CPU). When the connection is busy
    /// (a write holds it), the read waits in a blocking thread instead, so no async worker ever waits on it.
    async fn read_now<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        if let Ok(mut guard) = self.conn.try_lock() {
            return f(&mut guard);
        }
        self.with(f).await
    }

    /// Runs `f` on the connection in a blocking thread.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::unavailable("the table's lock was poisoned"))?;
            f(&mut guard)
        })
        .await
        .map_err(unavailable)?
    }
}

fn key_columns(item: &Item) -> Result<(String, String), StoreError> {
    Key::of(item).map(|k| (k.pk, k.sk)).ok_or_else(|| StoreError::Invalid("an item needs string pk and sk".into()))
}

/// An index's key pair, present only when both attributes are strings (as DynamoDB indexes them).
fn index_columns(item: &Item, index: Index) -> (Option<String>, Option<String>) {
    let (p, s) = index.key_attributes();
    match (item.get(p).and_then(Attr::as_s), item.get(s).and_then(Attr::as_s)) {
        (Some(p), Some(s)) => (Some(p.to_owned()), Some(s.to_owned())),
        _ => (None, None),
    }
}

/// Bytes per page of a table file.
const PAGE_SIZE: i64 = 16_384;

/// The string attributes kept in columns of their own, under their own names.
const TEXT_COLUMNS: [&str; 2] = ["doc", "summary"];

/// What a row holds: the other attributes' JSON (`None` when not read), and the text columns' values.
type Row = (Option<String>, [Option<String>; 2]);

/// An item from its row.
fn item_of((json, texts): Row) -> Result<Item, StoreError> {
    let mut item: Item = match json {
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::corrupt(e.to_string()))?,
        None => Item::new(),
    };
    for (name, text) in TEXT_COLUMNS.into_iter().zip(texts) {
        if let Some(text) = text {
            item.insert(name.to_owned(), Attr::S(text));
        }
    }
    Ok(item)
}

/// The row's columns from `first` on: item, doc, summary.
fn row_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Row> {
    Ok((r.get(first)?, [r.get(first + 1)?, r.get(first + 2)?]))
}

fn read(tx: &Connection, key: &Key) -> Result<Option<Item>, StoreError> {
    let mut stmt =
        tx.prepare_cached("SELECT item, doc, summary FROM items WHERE pk = ?1 AND sk = ?2").map_err(unavailable)?;
    let row = stmt.query_row(params![key.pk, key.sk], |r| row_at(r, 0)).optional().map_err(unavailable)?;
    row.map(item_of).transpose()
}

fn holds(current: Option<&Item>, condition: Condition) -> bool {
    match condition {
        Condition::None => true,
        Condition::Absent => current.is_none(),
        Condition::Exists => current.is_some(),
        Condition::Version(v) => current.and_then(|i| i.get(attr::VERSION)).and_then(Attr::as_n) == Some(v),
    }
}

fn check(tx: &Connection, key: &Key, condition: Condition) -> Result<(), StoreError> {
    if condition == Condition::None {
        return Ok(());
    }
    if holds(read(tx, key)?.as_ref(), condition) { Ok(()) } else { Err(StoreError::ConditionFailed) }
}

fn write_item(tx: &Connection, item: &Item) -> Result<(), StoreError> {
    let (pk, sk) = key_columns(item)?;
    let (g1p, g1s) = index_columns(item, Index::Gsi1);
    let (g2p, g2s) = index_columns(item, Index::Gsi2);
    // The text columns' attributes (when strings) in their columns; every other attribute in the item's JSON.
    let text = |name: &str| match item.get(name) {
        Some(Attr::S(text)) => Some(text.as_str()),
        _ => None,
    };
    let [doc, summary] = TEXT_COLUMNS.map(text);
    let in_column = |name: &str| TEXT_COLUMNS.contains(&name) && text(name).is_some();
    let rest: std::collections::BTreeMap<&String, &Attr> = item.iter().filter(|(k, _)| !in_column(k)).collect();
    let json = serde_json::to_string(&rest).map_err(|e| StoreError::Invalid(e.to_string()))?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, item, doc, summary) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut stmt| stmt.execute(params![pk, sk, g1p, g1s, g2p, g2s, json, doc, summary]))
    .map_err(unavailable)?;
    Ok(())
}

fn delete_item(tx: &Connection, key: &Key) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM items WHERE pk = ?1 AND sk = ?2")
        .and_then(|mut stmt| stmt.execute(params![key.pk, key.sk]))
        .map_err(unavailable)?;
    Ok(())
}

fn begin(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(unavailable)
}

fn column(index: Index) -> (&'static str, &'static str) {
    match index {
        Index::Primary => ("pk", "sk"),
        Index::Gsi1 => ("gsi1pk", "gsi1sk"),
        Index::Gsi2 => ("gsi2pk", "gsi2sk"),
    }
}

/// The SQL a query runs and its arguments (public for the list bench, whose floor runs the very same
/// statement without the table around it).
pub fn query_statement(q: &Query) -> Result<(String, Vec<rusqlite::types::Value>), StoreError> {
    let (pcol, scol) = column(q.index);
    // The sort key and the primary key always (the cursor is made of them); the item's JSON and each text
    // column only when the projection asks for what is in them. A text column asked for alone is empty in a
    // row written before it existed (the attribute is then in the JSON, read for that row only).
    let wants = |name: &str| q.attributes.is_none_or(|a| a.contains(&name));
    let [doc, summary] = TEXT_COLUMNS.map(|name| if wants(name) { name } else { "NULL" });
    let item = match q.attributes {
        Some(a) if a.iter().all(|n| TEXT_COLUMNS.contains(n) || [attr::PK, attr::SK].contains(n)) => {
            let empty: Vec<String> = TEXT_COLUMNS.iter().filter(|n| wants(n)).map(|n| format!("{n} IS NULL")).collect();
            if empty.is_empty() { "NULL".to_owned() } else { format!("CASE WHEN {} THEN item END", empty.join(" OR ")) }
        }
        _ => "item".to_owned(),
    };
    let mut sql = format!("SELECT {scol}, pk, sk, {item}, {doc}, {summary} FROM items WHERE {pcol} = ?1");
    let mut args: Vec<rusqlite::types::Value> = vec![q.partition.clone().into()];
    match &q.sort {
        SortKey::Any => {}
        SortKey::Prefix(p) => {
            args.push(p.clone().into());
            args.push(i64::try_from(p.chars().count()).unwrap_or(i64::MAX).into());
            sql.push_str(&format!(" AND {scol} >= ?2 AND substr({scol}, 1, ?3) = ?2"));
        }
        SortKey::Between(a, b) => {
            args.push(a.clone().into());
            args.push(b.clone().into());
            sql.push_str(&format!(" AND {scol} BETWEEN ?2 AND ?3"));
        }
    }
    if let Some(Cursor(c)) = &q.after {
        let (s, pk, sk): (String, String, String) = serde_json::from_str(c).map_err(|_| StoreError::BadCursor)?;
        let n = args.len();
        let op = if q.descending { "<" } else { ">" };
        sql.push_str(&format!(" AND ({scol}, pk, sk) {op} (?{}, ?{}, ?{})", n + 1, n + 2, n + 3));
        args.extend([s.into(), pk.into(), sk.into()]);
    }
    let dir = if q.descending { "DESC" } else { "ASC" };
    sql.push_str(&format!(" ORDER BY {scol} {dir}, pk {dir}, sk {dir} LIMIT {}", u64::from(q.limit) + 1));
    Ok((sql, args))
}

fn run_query(conn: &Connection, q: &Query) -> Result<Page, StoreError> {
    let (sql, args) = query_statement(q)?;
    let mut stmt = conn.prepare_cached(&sql).map_err(unavailable)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(unavailable)?;
    let mut items = Vec::new();
    // The sort key, pk and sk of the last row taken (the next page's cursor), copied into the same three
    // buffers row after row rather than allocated for each.
    let mut last = [String::new(), String::new(), String::new()];
    let mut more = false;
    while let Some(r) = rows.next().map_err(unavailable)? {
        if items.len() == q.limit as usize {
            more = true;
            break;
        }
        for (i, buffer) in last.iter_mut().enumerate() {
            buffer.clear();
            buffer.push_str(r.get_ref(i).and_then(|v| Ok(v.as_str()?)).map_err(unavailable)?);
        }
        let mut item = item_of(row_at(r, 3).map_err(unavailable)?)?;
        if let Some(attributes) = q.attributes {
            item.retain(|name, _| attributes.contains(&name.as_str()));
            for (name, value) in [(attr::PK, &last[1]), (attr::SK, &last[2])] {
                if attributes.contains(&name) {
                    item.insert(name.to_owned(), Attr::S(value.clone()));
                }
            }
        }
        items.push(item);
    }
    let next = match more && !items.is_empty() {
        true => Some(Cursor(serde_json::to_string(&last).map_err(|e| StoreError::corrupt(e.to_string()))?)),
        false => None,
    };
    Ok(Page { items, next })
}

#[async_trait]
impl Table for SqliteTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let key = key.clone();
        self.read_now(move |c| read(c, &key)).await
    }

    /// All of them on the connection at once, in one read transaction: one snapshot (a session and its user
    /// as they were together) and one lock of the file's shared memory, not one per key.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        let keys = keys.to_vec();
        self.read_now(move |c| {
            if let [key] = keys.as_slice() {
                return Ok(vec![read(c, key)?]);
            }
            // BEGIN and COMMIT from the statement cache: a transaction opened the usual way parses both again
            // each time, which costs what the second lock saves.
            let run = |sql: &str| c.prepare_cached(sql).and_then(|mut stmt| stmt.execute([])).map_err(unavailable);
            run("BEGIN")?;
            match keys.iter().map(|k| read(c, k)).collect::<Result<Vec<_>, _>>() {
                Ok(items) => run("COMMIT").map(|_| items),
                // The read's own error is the one to report; a connection left in a transaction would refuse
                // every later BEGIN, so a failed rollback is reported instead.
                Err(e) => run("ROLLBACK").and(Err(e)),
            }
        })
        .await
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        let key = Key::of(&item).ok_or_else(|| StoreError::Invalid("an item needs string pk and sk".into()))?;
        self.with(move |c| {
            let tx = begin(c)?;
            check(&tx, &key, condition)?;
            write_item(&tx, &item)?;
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        let key = key.clone();
        self.with(move |c| {
            let tx = begin(c)?;
            check(&tx, &key, condition)?;
            delete_item(&tx, &key)?;
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let q = query.clone();
        self.read_now(move |c| run_query(c, &q)).await
    }

    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        if [attr::PK, attr::SK, attr::TTL].contains(&attribute) {
            return Err(StoreError::Invalid("the key or the expiry cannot be incremented".into()));
        }
        let (key, attribute) = (key.clone(), attribute.to_owned());
        self.with(move |c| {
            let tx = begin(c)?;
            let mut item = read(&tx, &key)?.unwrap_or_else(|| {
                let mut new = Item::from([
                    (attr::PK.into(), Attr::S(key.pk.clone())),
                    (attr::SK.into(), Attr::S(key.sk.clone())),
                ]);
                if let Some(at) = expires_at {
                    new.insert(attr::TTL.into(), Attr::N(at));
                }
                new
            });
            let current = match item.get(&attribute) {
                None => 0,
                Some(Attr::N(n)) => *n,
                Some(_) => return Err(StoreError::Invalid(format!("{attribute} is not a number"))),
            };
            let next = current.checked_add(by).ok_or_else(|| StoreError::Invalid("counter overflow".into()))?;
            item.insert(attribute, Attr::N(next));
            write_item(&tx, &item)?;
            tx.commit().map_err(unavailable)?;
            Ok(next)
        })
        .await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        zairyu_app::ports::check_transaction(&writes)?;
        self.with(move |c| {
            let tx = begin(c)?;
            for w in &writes {
                match w {
                    Write::Put { item, condition } => {
                        let (pk, sk) = key_columns(item)?;
                        check(&tx, &Key::new(pk, sk), *condition)?;
                    }
                    Write::Delete { key, condition } | Write::Check { key, condition } => check(&tx, key, *condition)?,
                }
            }
            for w in &writes {
                match w {
                    Write::Put { item, .. } => write_item(&tx, item)?,
                    Write::Delete { key, .. } => delete_item(&tx, key)?,
                    Write::Check { .. } => {}
                }
            }
            // Dropping `tx` on an early return above rolls everything back.
            tx.commit().map_err(unavailable)
        })
        .await
    }
}
