//! The ports: what the domain needs from the world, as traits. Each has an AWS adapter (`zairyu-aws`) and
//! an embedded one (`zairyu-embedded`), held to the same behaviour by the contract tests of
//! `zairyu-contract`.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------------
// Table

/// One attribute value. The narrow set the repositories use; numbers are whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attr {
    S(String),
    N(i64),
    B(Vec<u8>),
    Bool(bool),
}

impl Attr {
    pub fn as_s(&self) -> Option<&str> {
        match self {
            Self::S(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_n(&self) -> Option<i64> {
        match self {
            Self::N(n) => Some(*n),
            _ => None,
        }
    }
}

/// A record: attribute name → value. `pk` and `sk` are always present.
pub type Item = BTreeMap<String, Attr>;

/// The reserved attribute names of the single-table design.
pub mod attr {
    pub const PK: &str = "pk";
    pub const SK: &str = "sk";
    pub const GSI1_PK: &str = "gsi1pk";
    pub const GSI1_SK: &str = "gsi1sk";
    pub const GSI2_PK: &str = "gsi2pk";
    pub const GSI2_SK: &str = "gsi2sk";
    /// Optimistic-concurrency version of an item.
    pub const VERSION: &str = "version";
    /// Expiry as Unix seconds; the store may delete the item some time after.
    pub const TTL: &str = "ttl";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self { pk: pk.into(), sk: sk.into() }
    }

    /// The key of an item (both key attributes are strings).
    pub fn of(item: &Item) -> Option<Self> {
        Some(Self::new(item.get(attr::PK)?.as_s()?, item.get(attr::SK)?.as_s()?))
    }
}

/// The condition a write depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Unconditional.
    None,
    /// No item with this key exists.
    Absent,
    /// An item with this key exists.
    Exists,
    /// An item with this key exists and its `version` attribute equals this.
    Version(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Primary,
    Gsi1,
    Gsi2,
}

impl Index {
    /// The partition- and sort-key attributes of the index.
    pub fn key_attributes(self) -> (&'static str, &'static str) {
        match self {
            Self::Primary => (attr::PK, attr::SK),
            Self::Gsi1 => (attr::GSI1_PK, attr::GSI1_SK),
            Self::Gsi2 => (attr::GSI2_PK, attr::GSI2_SK),
        }
    }

    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::Primary => None,
            Self::Gsi1 => Some("gsi1"),
            Self::Gsi2 => Some("gsi2"),
        }
    }
}

/// Which sort keys of the partition a query wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Any,
    Prefix(String),
    /// Inclusive at both ends.
    Between(String, String),
}

/// Where the previous page ended; opaque outside the adapter that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub index: Index,
    pub partition: String,
    pub sort: SortKey,
    /// At most this many items in one page (1–1000).
    pub limit: u32,
    /// Descending sort-key order (newest first for time-ordered sort keys).
    pub descending: bool,
    pub after: Option<Cursor>,
    /// Only these attributes of each item (`None`: all of them). What an item lacks it lacks here too.
    pub attributes: Option<&'static [&'static str]>,
}

impl Query {
    pub fn partition(index: Index, partition: impl Into<String>) -> Self {
        Self {
            index,
            partition: partition.into(),
            sort: SortKey::Any,
            limit: 100,
            descending: false,
            after: None,
            attributes: None,
        }
    }

    /// Reads only these attributes of each item (DynamoDB's projection expression): a list that needs a
    /// small part of large items reads and decodes that part only.
    pub fn project(mut self, attributes: &'static [&'static str]) -> Self {
        self.attributes = Some(attributes);
        self
    }

    pub fn sort(mut self, sort: SortKey) -> Self {
        self.sort = sort;
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, 1000);
        self
    }

    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    pub fn after(mut self, cursor: Option<Cursor>) -> Self {
        self.after = cursor;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<Item>,
    /// `Some` when more items may follow.
    pub next: Option<Cursor>,
}

/// One write of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Put {
        item: Item,
        condition: Condition,
    },
    Delete {
        key: Key,
        condition: Condition,
    },
    /// Writes nothing; the transaction fails unless the condition holds.
    Check {
        key: Key,
        condition: Condition,
    },
}

/// An error of a dependency, kept whole as the source of ours: its text goes to the log (never to a client)
/// and its chain is walked there.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a condition of the write did not hold")]
    ConditionFailed,
    #[error("a concurrent change conflicted with this transaction; retry")]
    Conflict,
    /// Our bug: a request the store cannot take.
    #[error("the request to the store was invalid: {0}")]
    Invalid(String),
    /// The dependency's problem: retry later.
    #[error("the store could not be reached or failed")]
    Unavailable(#[source] BoxError),
    /// Our bug, or damage: a stored record that does not decode.
    #[error("a stored record could not be read")]
    Corrupt(#[source] BoxError),
    /// The client's mistake: a page cursor this store did not make.
    #[error("the page cursor is not one of ours")]
    BadCursor,
}

impl StoreError {
    pub fn unavailable(e: impl Into<BoxError>) -> Self {
        Self::Unavailable(e.into())
    }

    pub fn corrupt(e: impl Into<BoxError>) -> Self {
        Self::Corrupt(e.into())
    }
}

/// The rules every `Table` applies to a transaction, as DynamoDB does: 1 to 100 writes, each item once,
/// every item with string keys.
pub fn check_transaction(writes: &[Write]) -> Result<(), StoreError> {
    if writes.is_empty() || writes.len() > 100 {
        return Err(StoreError::Invalid("a transaction has 1 to 100 writes".into()));
    }
    let mut keys = std::collections::BTreeSet::new();
    for w in writes {
        let key = match w {
            Write::Put { item, .. } => {
                Key::of(item).ok_or_else(|| StoreError::Invalid("an item needs string pk and sk".into()))?
            }
            Write::Delete { key, .. } | Write::Check { key, .. } => key.clone(),
        };
        if !keys.insert(key) {
            return Err(StoreError::Invalid("a transaction touches each item once".into()));
        }
    }
    Ok(())
}

/// A DynamoDB-shaped record store: the narrowest set of operations the repositories need.
#[async_trait]
pub trait Table: Send + Sync {
    /// A strongly consistent read.
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError>;
    /// Strongly consistent reads of many keys at once, answered in the order asked (`None` where absent).
    /// The adapters read them in as few round trips as they can; this default reads one by one.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            out.push(self.get(key).await?);
        }
        Ok(out)
    }
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError>;
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError>;
    /// One page of a partition of the table or of a secondary index, in sort-key order.
    async fn query(&self, query: &Query) -> Result<Page, StoreError>;
    /// Adds `by` to a number attribute (created at 0) and returns the new value, atomically. With
    /// `expires_at` (seconds since the epoch) a counter made by this call expires then (the `ttl` attribute).
    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError>;
    /// All of the writes or none (at most 100).
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError>;
}

// ---------------------------------------------------------------------------------------------------
// BlobStore

/// A URL the client uploads one object to with an HTTP PUT, without passing through our functions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PresignedUpload {
    pub url: String,
    pub method: String,
    /// Headers the upload must carry.
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

/// A form a browser sends one file with, straight to the store and without any script:
/// `<form method="post" enctype="multipart/form-data" action="{url}">`, the `fields` as hidden inputs in
/// their order, then the file as the input named [`PresignedForm::FILE_FIELD`], last. The store keeps the
/// file at the form's key (1 byte up to the form's limit, of its content type) and answers the browser with a
/// redirect (303) to the address the form was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresignedForm {
    pub url: String,
    pub fields: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

impl PresignedForm {
    /// The name of the form's file input (S3's, for both stores).
    pub const FILE_FIELD: &'static str = "file";
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    #[error("the object store could not be reached or failed")]
    Unavailable(#[source] BoxError),
}

impl BlobError {
    pub fn unavailable(e: impl Into<BoxError>) -> Self {
        Self::Unavailable(e.into())
    }
}

/// Checks an object key: 1–512 characters of `A-Z a-z 0-9 / . _ -`, no empty, `.` or `..` segment.
pub fn check_blob_key(key: &str) -> Result<(), BlobError> {
    let ok = !key.is_empty()
        && key.len() <= 512
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
        && key.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    if ok { Ok(()) } else { Err(BlobError::InvalidKey(key.to_owned())) }
}

/// Photos, blanket files and templates.
#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError>;
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError>;
    /// Deleting a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// A link that stores one object of exactly `length` bytes at `key`, once: the store refuses a body of
    /// another length, and a second upload once the object is there (in S3, by the signed `Content-Length`
    /// and `If-None-Match: *` headers).
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: Duration,
    ) -> Result<PresignedUpload, BlobError>;
    /// A form that stores one object of 1 to `max_length` bytes at `key` from a browser, while it is valid
    /// (`expires_in`), and then sends the browser on to `redirect` (an absolute URL). For a browser without
    /// script, which cannot send a PUT with a length it does not know.
    async fn presign_form(
        &self,
        key: &str,
        content_type: &str,
        max_length: u64,
        expires_in: Duration,
        redirect: &str,
    ) -> Result<PresignedForm, BlobError>;
    /// A link that reads the object at `key` while it is valid (`expires_in`), answered as `content_type` and
    /// as an attachment named `file_name` ([`content_disposition`]): a file too large for a function's
    /// answer goes from the store to the browser.
    async fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        file_name: &str,
        expires_in: Duration,
    ) -> Result<String, BlobError>;
}

/// `attachment` named `file_name`: an ASCII stand-in for old browsers and the name itself, UTF-8 encoded
/// (RFC 6266, RFC 8187), so a Japanese title names the file downloaded.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

// ---------------------------------------------------------------------------------------------------
// Seal

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the signing key could not be reached or failed")]
    Unavailable(#[source] BoxError),
    #[error("a message to sign has at most {MAX_SEAL_MESSAGE} bytes (got {0})")]
    TooLong(usize),
    #[error("the signature could not be assembled: {0}")]
    Assembly(String),
}

impl SealError {
    pub fn unavailable(e: impl Into<BoxError>) -> Self {
        Self::Unavailable(e.into())
    }
}

/// The most a [`Seal`] signs in one message (what KMS signs as a raw message).
pub const MAX_SEAL_MESSAGE: usize = 4096;

/// The service's signing key, ECDSA on P-256 with SHA-256: what the electronic certificates are signed with
/// (a KMS asymmetric key in AWS, a key in a local file embedded). The private key never leaves it.
#[async_trait]
pub trait Seal: Send + Sync {
    /// The key's SubjectPublicKeyInfo (DER).
    async fn public_key_info(&self) -> Result<Vec<u8>, SealError>;
    /// The DER-encoded ECDSA signature of the SHA-256 of `message` (at most [`MAX_SEAL_MESSAGE`] bytes).
    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError>;
}

// ---------------------------------------------------------------------------------------------------
// JobQueue

/// One delivery of a job. The same job may be delivered more than once (at-least-once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Names this delivery for `ack` and `release`.
    pub receipt: String,
    pub body: String,
    /// 1 for the first delivery.
    pub attempt: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the queue could not be reached or failed")]
    Unavailable(#[source] BoxError),
    #[error("the job is too large or malformed: {0}")]
    Invalid(String),
}

impl QueueError {
    pub fn unavailable(e: impl Into<BoxError>) -> Self {
        Self::Unavailable(e.into())
    }
}

/// Deliveries of a notification job before it moves to the dead-letter queue: the SQS redrive policy's
/// `maxReceiveCount` (the template's `NotificationMaxReceives` default) and the local queue's limit alike.
pub const NOTIFICATION_ATTEMPTS: u32 = 5;

/// Jobs with at-least-once delivery; a job that fails `max_attempts` times moves to the dead-letter queue.
#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn send(&self, body: &str) -> Result<(), QueueError>;
    /// Up to `max` jobs, each hidden from other receivers until acked, released or its visibility ends.
    async fn receive(&self, max: u32) -> Result<Vec<Delivery>, QueueError>;
    /// The job is done: remove it.
    async fn ack(&self, receipt: &str) -> Result<(), QueueError>;
    /// The attempt failed: deliver the job again (or dead-letter it after the last attempt).
    async fn release(&self, receipt: &str) -> Result<(), QueueError>;
    /// Bodies of dead-lettered jobs (read without removing them), for operators and tests.
    async fn dead_letters(&self, max: u32) -> Result<Vec<String>, QueueError>;
}

// ---------------------------------------------------------------------------------------------------
// Mailer

pub use zairyu_domain::job::Email;

/// The mail service's text can hold addresses: it is kept as the source, and never logged.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Permanent: retrying will not help (the address itself was refused).
    #[error("the e-mail was rejected")]
    Rejected(#[source] BoxError),
    /// Temporary: retry later.
    #[error("the mail service could not be reached or failed")]
    Unavailable(#[source] BoxError),
    /// The service asks to slow down (its sending rate for the account was passed): retry after a pause.
    #[error("the mail service asked to slow down")]
    Throttled(#[source] BoxError),
}

impl MailError {
    pub fn rejected(e: impl Into<BoxError>) -> Self {
        Self::Rejected(e.into())
    }

    pub fn unavailable(e: impl Into<BoxError>) -> Self {
        Self::Unavailable(e.into())
    }

    pub fn throttled(e: impl Into<BoxError>) -> Self {
        Self::Throttled(e.into())
    }
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one e-mail; returns the service's message ID.
    async fn send(&self, email: &Email) -> Result<String, MailError>;
}

// ---------------------------------------------------------------------------------------------------
// Clock and Ids

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub trait Ids: Send + Sync {
    /// A new unique identifier: sortable by creation time, 26 characters of Crockford base 32.
    fn id(&self) -> String;
    /// A new secret token: 32 random bytes, URL-safe base 64.
    fn token(&self) -> String;
    /// 64 random bits.
    fn random(&self) -> u64;
}

/// A clock that says what it is told: tests travel in time with it.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_else(|p| *p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_keys() {
        assert!(check_blob_key("photos/org-1/app-1.jpg").is_ok());
        for bad in ["", "/a", "a//b", "a/../b", "a b", "a/./b", "写真.jpg"] {
            assert!(check_blob_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_download_is_named_in_ascii_and_in_utf8() {
        assert_eq!(
            content_disposition("卒業証明書.pdf"),
            "attachment; filename=\"_____.pdf\"; filename*=UTF-8''%E5%8D%92%E6%A5%AD%E8%A8%BC%E6%98%8E%E6%9B%B8.pdf"
        );
        assert_eq!(
            content_disposition("a \"b\".pdf"),
            "attachment; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf"
        );
    }

    #[test]
    fn manual_clock_travels() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-27T00:00:00Z").unwrap().with_timezone(&Utc);
        let c = ManualClock::new(t);
        c.advance(chrono::Duration::days(1));
        assert_eq!(c.now(), t + chrono::Duration::days(1));
    }

    #[test]
    fn key_of_an_item() {
        let mut item = Item::new();
        item.insert(attr::PK.into(), Attr::S("A".into()));
        item.insert(attr::SK.into(), Attr::S("B".into()));
        assert_eq!(Key::of(&item), Some(Key::new("A", "B")));
        item.insert(attr::SK.into(), Attr::N(1));
        assert_eq!(Key::of(&item), None);
    }
}

// ---------------------------------------------------------------------------------------------------
// PasswordHasher

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed")]
    Failed(#[source] BoxError),
    /// Too many password checks are running or waiting: refused at once, to be tried again shortly.
    #[error("too many password checks at once")]
    Busy,
}

impl HashError {
    pub fn failed(e: impl Into<BoxError>) -> Self {
        Self::Failed(e.into())
    }
}

/// Hashes and verifies passwords (argon2id in production). Slow on purpose, so implementations run it off
/// the async executor.
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &zairyu_domain::values::Password) -> Result<String, HashError>;
    /// Verifies `candidate` against `hash`; with `None` it verifies against a dummy hash and returns
    /// `false`, taking as long as a real check so that timing does not tell which user IDs exist.
    async fn verify(&self, candidate: &str, hash: Option<&str>) -> Result<bool, HashError>;
    /// Whether a stored hash was made with other parameters than new ones are: after a right password, it is
    /// replaced.
    fn needs_rehash(&self, _hash: &str) -> bool {
        false
    }
}

impl<T: Clock + ?Sized> Clock for std::sync::Arc<T> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<T: Ids + ?Sized> Ids for std::sync::Arc<T> {
    fn id(&self) -> String {
        (**self).id()
    }
    fn token(&self) -> String {
        (**self).token()
    }
    fn random(&self) -> u64 {
        (**self).random()
    }
}
