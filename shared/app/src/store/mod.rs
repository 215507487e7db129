//! The repositories, one per aggregate, written once over the [`Table`] port, and the single-table key design
//! they share. Only this module touches the table: services read through a repository (which returns the
//! record with its version, [`Stored`]) and write through a [`UnitOfWork`] (which conditions every update on
//! the version read and bumps it), so no service can forget a version or write half a change.
//!
//! # Key design
//!
//! One table; every item has `pk` and `sk`; two overloaded global secondary indexes (`gsi1`, `gsi2`); `ttl`
//! expires short-lived items. Every time in a sort key is written by `sort_time` (UTC, microseconds, one
//! width), so keys order as times do; partitions every request would write to are spread over shards. Records are stored as a JSON document in `doc`, with `version` beside it for
//! optimistic concurrency (owned by this module: records carry no version of their own). No request path scans the table: every access below is a `GetItem` or a `Query`
//! of one partition.
//!
//! | record | pk | sk | gsi1pk / gsi1sk | gsi2pk / gsi2sk | serves |
//! |---|---|---|---|---|---|
//! | organization | `ORG#{org}` | `ORG` | | | an organization by ID |
//! | corporate number claim | `CORPNO#{number}` | `CORPNO` | | | one organization per corporate number (Q72) |
//! | foreign national on the list | `ORG#{org}` | `FN#{card}` | | | the List of Affiliated Foreign Nationals (Q80), one person by card number |
//! | request for use | `ORG#{org}` | `RFU#{id}` | | `RFU#{office}#{state}` / `{recorded_at}#{id}` | an organization's requests; the office's pending requests |
//! | blanket upload | `ORG#{org}` | `UPLOAD#{id}` | | | an organization's uploads |
//! | upload not yet ended | `OPENUPLOAD#{shard of id, 0–3}` | `{created_at}#{org}#{id}` | | | an upload from its start until it ends (registered, with errors, refused); the sweep finishes one whose registration was cut off and ends one that got no file |
//! | blanket row error | `UPLOAD#{id}` | `ROW#{row:04}#{column}` | | | the error list of one upload (Q42) |
//! | user | `USER#{user}` | `USER` | `ORG#{org}` / `USER#{user}` | | log-in by user ID; every user of an organization (Q73) |
//! | blanket entry (a failed row, Q42; `kind` = `blanket_entry`) | `APP#{id}` | `APP` | `ORG#{org}` / `APP#{created_at}#{id}` | | in the application list in "Error (blanket registration)"; replaced in place by its corrected application |
//! | application | `APP#{id}` | `APP` | `ORG#{org}` / `APP#{created_at}#{id}` | `QUEUE#{office}#{status}` / `{receipt_date}#{id}` (only while an office has to act; the office with jurisdiction over the applicant's residence) | by ID; an organization's applications newest first (Q50); the office's queue by status |
//! | user by e-mail (lookup) | `EMAIL#{lowercased address}` | `USER#{user}` | | | the users with an address, to tell a forgotten user ID at the counter (Q93, Q94); verified against the user, so one left by an old address finds nobody |
//! | session | `SESSION#{sha256(token)}` | `SESSION` | | | the session of a cookie (token stored only as a hash); `ttl` |
//! | one-time link | `LINK#{sha256(token)}` | `LINK` | | | password set / reset links (Q88, Q92); `ttl` |
//! | document of proof | `APP#{app}` | `DOC#{id}` | | | an application's documents, oldest first, in one query (at most 60 records) |
//! | application by receipt number (lookup) | `RCPT#{number}` | `RCPT` | | | an application by its temporary or official receipt number (Q33) |
//! | open application of a card holder (claim) | `OPENAPP#{card}#extension` | `OPENAPP` | | | one open application per foreign national and procedure: claimed when added, released when final |
//! | application by card (lookup) | `CARDAPP#{card}` | `APP#{id}` | | | every application for one residence card |
//! | pending application of an author (sparse lookup) | `PENDING#{user}` | `APP#{id}` | | | whether an agent has an application under examination (Q79), in one read |
//! | electronic certificate | `CERT#{code}` | `CERT` | | | a certificate of eligibility by its code: the verification page; `ttl` a year after its last valid day |
//! | signing key's certificate | `SEAL#{sha256(public key)}` | `SEAL` | | | the X.509 certificate of the key that signs electronic certificates, made once |
//! | notice | `NOTICE` | `{published_at}#{id}` | | | the "Information for notification" of the top screen, newest first; maintenance windows (Q25) |
//! | counter | `COUNTER#{name}` | `COUNTER` | | | receipt-number series per office and year (Q33) |
//! | due task | `DUE#{yyyy-mm-dd}` | `{task}#{ref}` | | | what a daily job has to look at on a day (reminders, suspensions, receipt numbers); `ttl` 92 days after the day |
//! | audit event | `AUDIT#{subject}` (`AUDIT#login#{shard of id, 0–15}` for anonymous log-in attempts) | `{at}#{id}` | | | the trail of one record (Q102); the shared `login` trail merged from its shards |
//! | notification sent | `SENT#{idempotency key}` | `SENT` | | | a job is sent once (de-duplication); `ttl` |
//! | photo object to settle | `PHOTOGC#{shard of object, 0–3}` | `{at}#{object}` | | | a photo being stored or replaced; the sweep deletes it unless its application shows it |
//! | job outbox | `OUTBOX#{shard of id, 0–7}` | `{at}#{id}` | | | jobs written with the change that caused them, until the queue has them; swept by age (records of the unsharded layout, `OUTBOX` / `{id}`, are swept too) |

mod applications;
mod certificates;
mod documents;
mod notices;
mod organizations;
mod system;
mod uploads;
mod users;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::lines::{ApplicationView, LINE_VERSION};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use zairyu_domain::audit::AuditEvent;
use zairyu_domain::job::NotificationJob;

pub use applications::{Applications, LIST_SHARDS, Listed, QueueOrder, list_queries, office_acts_on};
pub use certificates::{Certificates, KEPT_AFTER_VALIDITY_DAYS};
pub use documents::{Documents, MAX_DOCUMENT_RECORDS};
pub use notices::FoundNotice;
pub use notices::Notices;
pub use organizations::Organizations;
pub use system::{
    AUDIT_SHARDS, Audit, CounterValue, Counters, DUE_TASKS_KEPT_DAYS, DueTasks, Floods, JobRuns, OUTBOX_SHARDS, Outbox,
    PhotoMark, PhotoMarks, SentMarks,
};
pub use uploads::{OpenUpload, Uploads};
pub use users::{Link, LinkPurpose, Session, Users, session_token};

use crate::ports::{Attr, Condition, Cursor, Item, Key, Page, StoreError, Table, Write, attr};

const DOC: &str = "doc";
/// When a record was first stored (kept through every later save, so index sort keys built from it hold).
const CREATED_AT: &str = "created_at";
/// A record's line of a list ([`Record::line`]): the JSON a list answers with, beside the document, after
/// the [`LINE_VERSION`] it was rendered at and a colon (one text attribute, so a list reads one column).
const SUMMARY: &str = "summary";

/// The attributes besides the keys that a read through a secondary index uses: the document, its version,
/// when it was first stored, what kind of record it is, and its list line. The indexes project these and no
/// others (`infra/template.yaml`, and `DynamoTable::create` for emulators; a test holds the template to this
/// list).
pub const INDEX_PROJECTION: &[&str] = &[DOC, attr::VERSION, CREATED_AT, applications::KIND, SUMMARY];

/// SHA-256 of a secret token, hex: what the store keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    crate::hex(&Sha256::digest(token.as_bytes()))
}

/// An item holding `doc` under `key`, with the record's `version` and any index or TTL attributes.
fn encode<T: Serialize>(key: Key, doc: &T, version: i64, extra: Vec<(&str, Attr)>) -> Result<Item, StoreError> {
    let json = serde_json::to_string(doc).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut item = Item::from([
        (attr::PK.to_owned(), Attr::S(key.pk)),
        (attr::SK.to_owned(), Attr::S(key.sk)),
        (DOC.to_owned(), Attr::S(json)),
        (attr::VERSION.to_owned(), Attr::N(version)),
    ]);
    for (k, v) in extra {
        item.insert(k.to_owned(), v);
    }
    Ok(item)
}

fn decode<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let json = item.get(DOC).and_then(Attr::as_s).ok_or_else(|| StoreError::corrupt("an item without doc"))?;
    serde_json::from_str(json).map_err(StoreError::corrupt)
}

/// A record and the version it was read at.
fn decode_stored<T: DeserializeOwned>(item: &Item) -> Result<Stored<T>, StoreError> {
    let version = item.get(attr::VERSION).and_then(Attr::as_n).unwrap_or(1);
    let created_at = item
        .get(CREATED_AT)
        .and_then(Attr::as_s)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    Ok(Stored { record: decode(item)?, version, created_at })
}

fn s(v: impl Into<String>) -> Attr {
    Attr::S(v.into())
}

/// One page of records of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

/// The names of many records in one batched read, by the record's own key and name: each distinct key read
/// once, a key nobody has left out (the office's pages name organizations and users, never their IDs).
async fn names_of<T: DeserializeOwned, K: Clone + Eq + std::hash::Hash + Ord>(
    table: &dyn Table,
    ids: &[K],
    key: impl Fn(&K) -> Key,
    name: impl Fn(&T) -> (K, String),
) -> Result<std::collections::HashMap<K, String>, StoreError> {
    let mut unique: Vec<K> = ids.to_vec();
    unique.sort();
    unique.dedup();
    let keys: Vec<Key> = unique.iter().map(key).collect();
    let mut out = std::collections::HashMap::new();
    for item in table.get_many(&keys).await?.iter().flatten() {
        let (k, n) = name(&decode::<T>(item)?);
        out.insert(k, n);
    }
    Ok(out)
}

fn decode_page<T: DeserializeOwned>(page: Page) -> Result<Records<T>, StoreError> {
    Ok(Records { items: page.items.iter().map(decode).collect::<Result<_, _>>()?, next: page.next })
}

/// A record as read, with the version its next write is conditioned on. It reads and changes like the
/// record itself; only a [`UnitOfWork`] can write it back, and only over the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<T> {
    record: T,
    version: i64,
    /// When the record was first stored, for records whose index orders by it.
    created_at: Option<DateTime<Utc>>,
}

impl<T> Stored<T> {
    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn into_inner(self) -> T {
        self.record
    }
}

impl<T> Deref for Stored<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.record
    }
}

impl<T> DerefMut for Stored<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.record
    }
}

/// A record kind with a version: its key, and the index attributes it is stored with.
pub trait Record: Serialize + DeserializeOwned {
    fn key(&self) -> Key;
    /// Index (and other) attributes beside the document; `created_at` is when the record was first stored.
    fn index(&self, _created_at: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
        Vec::new()
    }
    /// Keys only this record may hold (a value that must be unique across records, e.g. an organization's
    /// corporate number): claimed with the record when it is added, so a second record with the same value
    /// fails the whole change.
    fn claims(&self) -> Vec<Key> {
        Vec::new()
    }
    /// Lookup items derived from the record (a receipt number, a card number, "pending for this author"):
    /// written with every add and save in the same transaction, so they never disagree with the record. A
    /// present one is put (pointing to the record), an absent one deleted, so a lookup that should hold only
    /// while a state lasts is sparse.
    fn projections(&self) -> Vec<Projection> {
        Vec::new()
    }
    /// The record's line of a list, rendered and stored beside it at every write so that a list reads
    /// lines, not records.
    fn line(&self) -> Option<ApplicationView> {
        None
    }
    /// Whether the record's life has ended (an application in a final status, a cancelled user), as the purge
    /// task that ends it: saved so, it is put on that task's list of the day, which the purge reads a retention
    /// period later (#34).
    fn ended(&self) -> Option<zairyu_domain::schedule::DueTask> {
        None
    }
}

/// The attributes a record is stored with besides its document: its index attributes, when it was first
/// stored, and its list line.
fn attributes<T: Record>(record: &T, created: DateTime<Utc>) -> Result<Vec<(&'static str, Attr)>, StoreError> {
    let mut extra = record.index(created);
    extra.push((CREATED_AT, s(created.to_rfc3339())));
    if let Some(view) = record.line() {
        let line = crate::lines::Line::render(&view).map_err(|e| StoreError::Invalid(e.to_string()))?;
        extra.push((SUMMARY, s(format!("{LINE_VERSION}:{}", line.json()))));
    }
    Ok(extra)
}

/// The item that claims `claim` for the record under `owner` (see [`Record::claims`]).
pub(super) fn claim_write(claim: Key, owner: &Key, condition: Condition) -> Result<Write, StoreError> {
    Ok(Write::Put { item: encode(claim, &format!("{}|{}", owner.pk, owner.sk), 1, vec![])?, condition })
}

/// A lookup item of a record (see [`Record::projections`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub key: Key,
    pub present: bool,
}

impl Projection {
    pub fn new(key: Key, present: bool) -> Self {
        Self { key, present }
    }
}

/// The record a lookup item points to.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Pointer {
    pk: String,
    sk: String,
}

/// The writes that bring a record's lookup items up to date.
fn projection_writes<T: Record>(record: &T) -> Result<Vec<Write>, StoreError> {
    let key = record.key();
    let pointer = Pointer { pk: key.pk, sk: key.sk };
    record
        .projections()
        .into_iter()
        .map(|p| {
            Ok(if p.present {
                Write::Put { item: encode(p.key, &pointer, 1, vec![])?, condition: Condition::None }
            } else {
                Write::Delete { key: p.key, condition: Condition::None }
            })
        })
        .collect()
}

/// The keys of the records that lookup items point to.
fn pointed(items: &[Item]) -> Result<Vec<Key>, StoreError> {
    items.iter().map(|i| decode::<Pointer>(i).map(|p| Key::new(p.pk, p.sk))).collect()
}

/// A new record as stored: version 1, its index attributes, and when it was first stored. It is written only
/// if no record has its key (`Condition::Absent`).
fn new_item<T: Record>(record: &T, now: DateTime<Utc>) -> Result<Item, StoreError> {
    encode(record.key(), record, 1, attributes(record, now)?)
}

/// A job handed to the outbox in a committed change, to be passed on to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outboxed {
    pub id: String,
    pub body: String,
    /// Where it waits in the outbox.
    pub key: Key,
}

/// A time in a sort key: UTC, microseconds, always the same width, so that keys order as times do.
pub(crate) fn sort_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The shard (0..`shards`) of a partition spread by an ID: FNV-1a of the ID, stable across processes and
/// versions.
pub(crate) fn shard_of(id: &str, shards: u32) -> u32 {
    let hash = id.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    hash % shards
}

/// One change: record writes, its audit event and the jobs it causes, committed in one transaction (the jobs
/// through the outbox, so none is lost if the queue is down and none is sent for a change that failed).
pub struct UnitOfWork {
    now: DateTime<Utc>,
    writes: Vec<Write>,
    jobs: Vec<Outboxed>,
}

impl UnitOfWork {
    /// A change made at `now` (the time new records are stored with).
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now, writes: Vec::new(), jobs: Vec::new() }
    }

    fn into_writes(self) -> Vec<Write> {
        self.writes
    }

    /// How many writes the change holds (a transaction takes at most 100).
    pub fn write_count(&self) -> usize {
        self.writes.len()
    }

    fn push(&mut self, write: Write) {
        self.writes.push(write);
    }

    fn put_record<T: Serialize>(
        &mut self,
        key: Key,
        doc: &T,
        read_at: i64,
        extra: Vec<(&str, Attr)>,
    ) -> Result<(), StoreError> {
        let condition = if read_at == 0 { Condition::Absent } else { Condition::Version(read_at) };
        self.push(Write::Put { item: encode(key, doc, read_at + 1, extra)?, condition });
        Ok(())
    }

    /// Stores a new record with its claims; the change fails if one with its key, or another record holding
    /// one of its claims, exists.
    pub fn add<T: Record>(&mut self, record: &T) -> Result<(), StoreError> {
        let key = record.key();
        for claim in record.claims() {
            self.push(claim_write(claim, &key, Condition::Absent)?);
        }
        self.push(Write::Put { item: new_item(record, self.now)?, condition: Condition::Absent });
        self.writes.extend(projection_writes(record)?);
        Ok(())
    }

    /// Writes a changed record back; the change fails if anyone wrote it since it was read.
    pub fn save<T: Record>(&mut self, stored: &Stored<T>) -> Result<(), StoreError> {
        let created = stored.created_at.unwrap_or(self.now);
        self.put_record(stored.record.key(), &stored.record, stored.version, attributes(&stored.record, created)?)?;
        self.writes.extend(projection_writes(&stored.record)?);
        if let Some(task) = stored.record.ended() {
            self.push(system::ended_write(self.now, task, &stored.record.key()));
        }
        Ok(())
    }

    /// Replaces a record by another under the same key (a blanket entry by its corrected application), if
    /// nobody wrote it since it was read; the new one keeps the old one's place (its creation time).
    pub fn replace<A: Record, B: Record>(&mut self, old: &Stored<A>, new: &B) -> Result<(), StoreError> {
        let key = new.key();
        if key != old.record.key() {
            return Err(StoreError::Invalid("a record is replaced only under its own key".into()));
        }
        let extra = attributes(new, old.created_at.unwrap_or(self.now))?;
        for claim in new.claims() {
            self.push(claim_write(claim, &key, Condition::Absent)?);
        }
        self.put_record(key, new, old.version, extra)?;
        self.writes.extend(projection_writes(new)?);
        Ok(())
    }

    /// Removes a record with its lookup items, if nobody wrote it since it was read.
    pub fn remove<T: Record>(&mut self, stored: &Stored<T>) -> Result<(), StoreError> {
        let key = stored.record.key();
        self.push(Write::Delete { key, condition: Condition::Version(stored.version) });
        for p in stored.record.projections() {
            self.push(Write::Delete { key: p.key, condition: Condition::None });
        }
        Ok(())
    }

    /// Takes another change's writes and jobs into this one (committed together, or neither).
    pub fn absorb(&mut self, other: UnitOfWork) {
        self.writes.extend(other.writes);
        self.jobs.extend(other.jobs);
    }

    /// The audit event of the change (appended, never overwritten).
    pub fn audit(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        self.push(system::audit_write(event)?);
        Ok(())
    }

    /// A notification job, written to the outbox with the change.
    pub fn job(&mut self, id: String, job: &NotificationJob) -> Result<(), StoreError> {
        let body = serde_json::to_string(job).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let key = system::outbox_key(&id, self.now);
        self.push(system::outbox_write(&key, &body));
        self.jobs.push(Outboxed { id, body, key });
        Ok(())
    }
}

/// Every repository over one table. The table itself is private to this module.
#[derive(Clone)]
pub struct Store {
    table: Arc<dyn Table>,
    retention: zairyu_domain::retention::Retention,
}

impl Store {
    pub fn new(table: Arc<dyn Table>) -> Self {
        Self { table, retention: zairyu_domain::retention::Retention::default() }
    }

    /// The same store keeping each class of record as long as `retention` says (the stack's parameters).
    pub fn with_retention(mut self, retention: zairyu_domain::retention::Retention) -> Self {
        self.retention = retention;
        self
    }

    pub fn retention(&self) -> zairyu_domain::retention::Retention {
        self.retention
    }

    /// Commits a change whole, or nothing of it; returns the jobs it put in the outbox. Its audit events
    /// expire the audit retention after the change, an upload's record and row errors the upload retention
    /// after it (the table's TTL deletes them).
    pub async fn commit(&self, mut change: UnitOfWork) -> Result<Vec<Outboxed>, StoreError> {
        if change.writes.is_empty() {
            return Ok(change.jobs);
        }
        let after = |days: zairyu_domain::retention::RetentionDays| {
            (change.now + chrono::Duration::days(i64::from(days.days()))).timestamp()
        };
        let (audit_expires, upload_expires) = (after(self.retention.audit), after(self.retention.uploads));
        for write in &mut change.writes {
            if let Write::Put { item, .. } = write {
                system::expire_audit(item, audit_expires);
                uploads::expire_upload(item, upload_expires);
            }
        }
        self.table.transact(change.writes).await?;
        Ok(change.jobs)
    }

    pub fn applications(&self) -> Applications<'_> {
        Applications(self.table.as_ref())
    }

    pub fn users(&self) -> Users<'_> {
        Users(self.table.as_ref())
    }

    pub fn documents(&self) -> Documents<'_> {
        Documents(self.table.as_ref())
    }

    pub fn organizations(&self) -> Organizations<'_> {
        Organizations(self.table.as_ref())
    }

    pub fn uploads(&self) -> Uploads<'_> {
        Uploads(self.table.as_ref())
    }

    pub fn certificates(&self) -> Certificates<'_> {
        Certificates(self.table.as_ref())
    }

    pub fn notices(&self) -> Notices<'_> {
        Notices(self.table.as_ref())
    }

    pub fn floods(&self) -> Floods<'_> {
        Floods(self.table.as_ref())
    }

    pub fn counters(&self) -> Counters<'_> {
        Counters(self.table.as_ref())
    }

    pub fn due_tasks(&self) -> DueTasks<'_> {
        DueTasks(self.table.as_ref())
    }

    pub fn job_runs(&self) -> JobRuns<'_> {
        JobRuns(self.table.as_ref())
    }

    pub fn audit(&self) -> Audit<'_> {
        Audit(self.table.as_ref())
    }

    pub fn sent_marks(&self) -> SentMarks<'_> {
        SentMarks(self.table.as_ref())
    }

    pub fn outbox(&self) -> Outbox<'_> {
        Outbox(self.table.as_ref())
    }

    pub fn photo_marks(&self) -> PhotoMarks<'_> {
        PhotoMarks(self.table.as_ref())
    }

    async fn get_stored<T: DeserializeOwned>(table: &dyn Table, key: &Key) -> Result<Option<Stored<T>>, StoreError> {
        table.get(key).await?.as_ref().map(decode_stored).transpose()
    }

    /// One page of a lookup partition: the records its items point to for which `still` holds (a lookup
    /// left behind by an earlier value is verified away, so a page may hold fewer than asked).
    async fn follow<T: DeserializeOwned>(
        table: &dyn Table,
        q: &crate::ports::Query,
        still: impl Fn(&T) -> bool,
    ) -> Result<Records<T>, StoreError> {
        let page = table.query(q).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for key in pointed(&page.items)? {
            if let Some(record) = Self::get_stored::<T>(table, &key).await?
                && still(&record)
            {
                items.push(record.into_inner());
            }
        }
        Ok(Records { items, next: page.next })
    }

    /// The record a lookup item points to.
    async fn via<T: DeserializeOwned>(table: &dyn Table, lookup: &Key) -> Result<Option<Stored<T>>, StoreError> {
        let Some(item) = table.get(lookup).await? else { return Ok(None) };
        let Some(key) = pointed(std::slice::from_ref(&item))?.pop() else { return Ok(None) };
        Self::get_stored(table, &key).await
    }
}
impl From<&Listed> for ApplicationView {
    fn from(l: &Listed) -> Self {
        match l {
            Listed::Application(a) => a.as_ref().into(),
            Listed::BlanketEntry(e) => e.as_ref().into(),
        }
    }
}
