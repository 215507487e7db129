//! The system's own records: receipt-number counters (Q33), due tasks of the daily jobs, the jobs' last
//! runs, the audit trail (Q102), the marks of notifications sent, and the job outbox.

use chrono::{DateTime, Utc};
use zairyu_domain::audit::AuditEvent;
use zairyu_domain::jst::JstDate;
use zairyu_domain::schedule::{DueTask, ScheduledJob};

use super::{Records, UnitOfWork, encode, s};
use crate::ports::{Attr, Condition, Cursor, Index, Item, Key, Query, SortKey, StoreError, Table, Write, attr};

pub struct Counters<'a>(pub(super) &'a dyn Table);
pub struct DueTasks<'a>(pub(super) &'a dyn Table);
pub struct JobRuns<'a>(pub(super) &'a dyn Table);
pub struct Audit<'a>(pub(super) &'a dyn Table);
pub struct SentMarks<'a>(pub(super) &'a dyn Table);
pub struct Outbox<'a>(pub(super) &'a dyn Table);
pub struct Floods<'a>(pub(super) &'a dyn Table);
pub struct PhotoMarks<'a>(pub(super) &'a dyn Table);

// --- flood limits ----------------------------------------------------------------------------------------

impl Floods<'_> {
    /// Counts one attempt of `flood` by `subject` (a user ID as typed, a client address) in the window `now`
    /// falls in, atomically, and returns the window's count. The subject is kept only as its hash; the
    /// counter expires an hour after its window.
    pub async fn hit(
        &self,
        flood: zairyu_domain::flood::Flood,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let (key, end) = Self::key(flood, subject, now);
        let n = self.0.increment(&key, "n", 1, Some(end.timestamp() + 3600)).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The count of `flood` by `subject` in the window `now` falls in, without counting.
    pub async fn count(
        &self,
        flood: zairyu_domain::flood::Flood,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let (key, _) = Self::key(flood, subject, now);
        let Some(item) = self.0.get(&key).await? else {
            return Ok(0);
        };
        let n = item
            .get("n")
            .and_then(Attr::as_n)
            .ok_or_else(|| StoreError::corrupt("a flood counter without its count"))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    fn key(flood: zairyu_domain::flood::Flood, subject: &str, now: DateTime<Utc>) -> (Key, DateTime<Utc>) {
        let (start, end) = flood.window_of(now);
        let key = Key::new(
            format!("FLOOD#{}#{}", flood.code(), super::token_hash(subject)),
            format!("W#{:012}", start.timestamp()),
        );
        (key, end)
    }
}

// --- counters ------------------------------------------------------------------------------------------

fn counter_key(name: &str) -> Key {
    Key::new(format!("COUNTER#{name}"), "COUNTER")
}

/// A counter as read: its value and the version its advance is conditioned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterValue {
    pub value: i64,
    version: i64,
}

impl CounterValue {
    /// The counter as [`UnitOfWork::advance_counter_by`] leaves it once its change is committed: the next
    /// advance of a writer that moved it can be conditioned on that without reading it again.
    pub fn advanced(self, by: i64) -> Self {
        Self { value: self.value + by, version: self.version + 1 }
    }
}

impl Counters<'_> {
    /// The counter's current value (0 for a counter never used).
    pub async fn get(&self, name: &str) -> Result<CounterValue, StoreError> {
        Ok(match self.0.get(&counter_key(name)).await? {
            None => CounterValue { value: 0, version: 0 },
            Some(item) => CounterValue {
                value: item.get("value").and_then(Attr::as_n).unwrap_or(0),
                version: item.get(attr::VERSION).and_then(Attr::as_n).unwrap_or(0),
            },
        })
    }
}

impl UnitOfWork {
    /// Moves a counter read as `read` to its value + 1; the change fails if anyone moved it meanwhile, which
    /// keeps the series free of gaps when written with the record that uses the value.
    pub fn advance_counter(&mut self, name: &str, read: CounterValue) {
        self.advance_counter_by(name, read, 1);
    }

    /// Moves a counter read as `read` by `by` at once (a block of values, each written in this same change
    /// with the record that uses it); the change fails if anyone moved it meanwhile.
    pub fn advance_counter_by(&mut self, name: &str, read: CounterValue, by: i64) {
        let key = counter_key(name);
        let condition = if read.version == 0 { Condition::Absent } else { Condition::Version(read.version) };
        self.push(Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), Attr::S(key.pk)),
                (attr::SK.to_owned(), Attr::S(key.sk)),
                ("value".to_owned(), Attr::N(read.value + by)),
                (attr::VERSION.to_owned(), Attr::N(read.version + 1)),
            ]),
            condition,
        });
    }

    /// Fails the change if it was made before under `name` (for work done once, such as demo data).
    pub fn mark_once(&mut self, name: &str) {
        self.push(Write::Put {
            item: Item::from([(attr::PK.to_owned(), s(format!("SEED#{name}"))), (attr::SK.to_owned(), s("SEED"))]),
            condition: Condition::Absent,
        });
    }

    /// Removes a task of `day` that its job has done, with what it did (the job's checkpoint: a run cut off
    /// and run again finds only what is left).
    pub fn due_done(&mut self, day: JstDate, task: DueTask, reference: &str) {
        self.push(Write::Delete {
            key: Key::new(format!("DUE#{day}"), format!("{}#{reference}", task.code())),
            condition: Condition::None,
        });
    }

    /// A task falling due on `day`, for the daily job that handles it. It expires [`DUE_TASKS_KEPT_DAYS`]
    /// after its day: the daily jobs catch up at most a few missed days, so nothing reads it by then.
    pub fn due(&mut self, day: JstDate, task: DueTask, reference: &str) {
        let expires = day.add_days(DUE_TASKS_KEPT_DAYS).start_instant().timestamp();
        self.push(Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), s(format!("DUE#{day}"))),
                (attr::SK.to_owned(), s(format!("{}#{reference}", task.code()))),
                (attr::TTL.to_owned(), Attr::N(expires)),
            ]),
            condition: Condition::None,
        });
    }
}

// --- due tasks -----------------------------------------------------------------------------------------

/// Days a due task is kept after its day: three times as long as the daily jobs catch up missed days (31),
/// then it expires.
pub const DUE_TASKS_KEPT_DAYS: u64 = 92;

impl DueTasks<'_> {
    /// The references of one task due on a day, all pages.
    pub async fn all(&self, day: JstDate, task: DueTask) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{}#", task.code());
        let mut refs = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let q = Query::partition(Index::Primary, format!("DUE#{day}"))
                .sort(SortKey::Prefix(prefix.clone()))
                .limit(500)
                .after(after);
            let page = self.0.query(&q).await?;
            refs.extend(page.items.iter().filter_map(|i| {
                i.get(attr::SK).and_then(Attr::as_s).and_then(|sk| sk.strip_prefix(&prefix)).map(str::to_owned)
            }));
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok(refs),
            }
        }
    }
}

// --- scheduled job runs --------------------------------------------------------------------------------

fn job_run_key(job: ScheduledJob) -> Key {
    Key::new(format!("JOBRUN#{}", job.code()), "JOBRUN")
}

impl JobRuns<'_> {
    /// The last day a scheduled job ran to its end.
    pub async fn last(&self, job: ScheduledJob) -> Result<Option<JstDate>, StoreError> {
        let item = self.0.get(&job_run_key(job)).await?;
        Ok(item.and_then(|i| i.get("day").and_then(Attr::as_s).and_then(|d| JstDate::parse(d).ok())))
    }

    pub async fn set_last(&self, job: ScheduledJob, day: JstDate) -> Result<(), StoreError> {
        let key = job_run_key(job);
        let item = Item::from([
            (attr::PK.to_owned(), Attr::S(key.pk)),
            (attr::SK.to_owned(), Attr::S(key.sk)),
            ("day".to_owned(), Attr::S(day.to_string())),
        ]);
        self.0.put(item, Condition::None).await
    }
}

// --- audit ---------------------------------------------------------------------------------------------

/// Subjects that every anonymous attempt shares (a log-in with an unknown user ID is audited as `login`):
/// their trail is spread over [`AUDIT_SHARDS`] partitions by the event's ID, so a flood of guesses does not
/// make one hot partition. Every other subject is one record's trail, written as often as the record changes.
const SHARED_SUBJECTS: &[&str] = &["login"];

/// The partitions of a shared subject's trail.
pub const AUDIT_SHARDS: u32 = 16;

fn audit_partitions(subject: &str) -> Vec<String> {
    if SHARED_SUBJECTS.contains(&subject) {
        // The unsharded partition first: events written before the trail was sharded.
        std::iter::once(format!("AUDIT#{subject}"))
            .chain((0..AUDIT_SHARDS).map(|n| format!("AUDIT#{subject}#{n}")))
            .collect()
    } else {
        vec![format!("AUDIT#{subject}")]
    }
}

/// The write that appends `event` (never overwrites). The trail is read by subject only; there is no index
/// of the day (none read it, and it was one partition taking every write of the day).
/// The partitions of the audit trail begin so.
const AUDIT_PREFIX: &str = "AUDIT#";

/// An audit record expires at `at` (seconds since the epoch), unless it already has its expiry.
pub(super) fn expire_audit(item: &mut Item, at: i64) {
    let is_audit = item.get(attr::PK).and_then(Attr::as_s).is_some_and(|pk| pk.starts_with(AUDIT_PREFIX));
    if is_audit && !item.contains_key(attr::TTL) {
        item.insert(attr::TTL.to_owned(), Attr::N(at));
    }
}

/// The due task that puts a record ended at `now` on that day's list for the purge. It lives as long as the
/// longest retention allows (and a month more), so the purge reads it whatever the period is set to.
pub(super) fn ended_write(now: DateTime<Utc>, task: DueTask, record: &Key) -> Write {
    let day = JstDate::of_instant(now);
    let kept = u64::from(zairyu_domain::retention::RetentionDays::MAX) + 31;
    Write::Put {
        item: Item::from([
            (attr::PK.to_owned(), s(format!("DUE#{day}"))),
            (attr::SK.to_owned(), s(format!("{}#{}", task.code(), record.pk))),
            (attr::TTL.to_owned(), Attr::N(day.add_days(kept).start_instant().timestamp())),
        ]),
        condition: Condition::None,
    }
}

pub(super) fn audit_write(event: &AuditEvent) -> Result<Write, StoreError> {
    let sk = format!("{}#{}", super::sort_time(event.at), event.id);
    let pk = if SHARED_SUBJECTS.contains(&event.subject.as_str()) {
        format!("{AUDIT_PREFIX}{}#{}", event.subject, super::shard_of(&event.id, AUDIT_SHARDS))
    } else {
        format!("{AUDIT_PREFIX}{}", event.subject)
    };
    Ok(Write::Put { item: encode(Key::new(pk, sk), event, 1, Vec::new())?, condition: Condition::Absent })
}

impl Audit<'_> {
    /// The trail of one subject, oldest first, at most its first `limit` events (a shared subject's
    /// partitions merged by time).
    pub async fn trail(&self, subject: &str, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        let mut events = Vec::new();
        for partition in audit_partitions(subject) {
            let (mut taken, mut after) = (0usize, None::<Cursor>);
            loop {
                let q = Query::partition(Index::Primary, partition.clone()).limit(limit).after(after);
                let page: Records<AuditEvent> = super::decode_page(self.0.query(&q).await?)?;
                taken += page.items.len();
                events.extend(page.items);
                match page.next {
                    Some(c) if taken < limit as usize => after = Some(c),
                    _ => break,
                }
            }
        }
        events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        events.truncate(limit as usize);
        Ok(events)
    }
}

// --- notification de-duplication -----------------------------------------------------------------------

impl SentMarks<'_> {
    /// Records that the job with this key was sent; `false` if it already was (send nothing then).
    pub async fn mark(&self, idempotency_key: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let expires = (now + chrono::Duration::days(30)).timestamp();
        let item = Item::from([
            (attr::PK.to_owned(), s(format!("SENT#{idempotency_key}"))),
            (attr::SK.to_owned(), s("SENT")),
            (attr::TTL.to_owned(), Attr::N(expires)),
        ]);
        match self.0.put(item, Condition::Absent).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Forgets a sending mark, when the send failed after marking (so that a retry sends).
    pub async fn unmark(&self, idempotency_key: &str) -> Result<(), StoreError> {
        self.0.delete(&Key::new(format!("SENT#{idempotency_key}"), "SENT"), Condition::None).await
    }
}

// --- job outbox ----------------------------------------------------------------------------------------

/// The outbox is spread over this many partitions (by the job's ID), so that no single partition takes every
/// job of the day.
pub const OUTBOX_SHARDS: u32 = 8;

/// The partition every job went to before the outbox was sharded; still swept, so no old job is left.
const LEGACY_OUTBOX: &str = "OUTBOX";

/// Where a job waits: its shard, then the time it was written (fixed width, so the sort key orders by time)
/// and its ID.
pub(super) fn outbox_key(id: &str, at: DateTime<Utc>) -> Key {
    Key::new(format!("OUTBOX#{}", super::shard_of(id, OUTBOX_SHARDS)), format!("{}#{id}", super::sort_time(at)))
}

pub(super) fn outbox_write(key: &Key, body: &str) -> Write {
    Write::Put {
        item: Item::from([
            (attr::PK.to_owned(), s(&key.pk)),
            (attr::SK.to_owned(), s(&key.sk)),
            ("body".to_owned(), s(body)),
        ]),
        condition: Condition::Absent,
    }
}

impl Outbox<'_> {
    /// Jobs written at or before `written_by` and not yet handed to the queue, up to `limit` from each
    /// shard (and from the partition of the unsharded layout).
    pub async fn pending(&self, written_by: DateTime<Utc>, limit: u32) -> Result<Vec<super::Outboxed>, StoreError> {
        let upto = format!("{}~", super::sort_time(written_by));
        let mut queries: Vec<Query> = (0..OUTBOX_SHARDS)
            .map(|n| {
                Query::partition(Index::Primary, format!("OUTBOX#{n}"))
                    .sort(SortKey::Between("0".into(), upto.clone()))
                    .limit(limit)
            })
            .collect();
        queries.push(Query::partition(Index::Primary, LEGACY_OUTBOX).limit(limit));
        let mut jobs = Vec::new();
        for q in queries {
            let page = self.0.query(&q).await?;
            jobs.extend(page.items.iter().filter_map(|i| {
                let (pk, sk) = (i.get(attr::PK)?.as_s()?, i.get(attr::SK)?.as_s()?);
                Some(super::Outboxed {
                    id: sk.rsplit('#').next()?.to_owned(),
                    body: i.get("body")?.as_s()?.to_owned(),
                    key: Key::new(pk, sk),
                })
            }));
        }
        Ok(jobs)
    }

    /// The job is in the queue: its outbox record goes (deleted at once; nothing of it is kept to expire).
    pub async fn done(&self, job: &super::Outboxed) -> Result<(), StoreError> {
        self.0.delete(&job.key, Condition::None).await
    }
}

// --- photo objects to settle ---------------------------------------------------------------------------

/// The photo-mark partitions (by the object's key).
const PHOTO_MARK_SHARDS: u32 = 4;

/// A photo object that may be unused: one being stored (until the save that shows it commits) or one
/// replaced (until it is deleted). The sweep deletes the object unless its application shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoMark {
    pub application: String,
    pub object: String,
    key: Key,
}

fn photo_mark_key(object: &str, at: DateTime<Utc>) -> Key {
    Key::new(
        format!("PHOTOGC#{}", super::shard_of(object, PHOTO_MARK_SHARDS)),
        format!("{}#{object}", super::sort_time(at)),
    )
}

impl UnitOfWork {
    /// Marks `object` of `application` as possibly unused, to be settled by the sweep.
    pub fn mark_photo(&mut self, application: &str, object: &str) -> PhotoMark {
        let key = photo_mark_key(object, self.now);
        self.push(Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), s(&key.pk)),
                (attr::SK.to_owned(), s(&key.sk)),
                ("application".to_owned(), s(application)),
                ("object".to_owned(), s(object)),
            ]),
            condition: Condition::None,
        });
        PhotoMark { application: application.to_owned(), object: object.to_owned(), key }
    }

    /// The object is settled (shown by its application, or deleted).
    pub fn settle_photo(&mut self, mark: &PhotoMark) {
        self.push(Write::Delete { key: mark.key.clone(), condition: Condition::None });
    }
}

impl PhotoMarks<'_> {
    /// Marks written at or before `written_by`, up to `limit` from each shard.
    pub async fn due(&self, written_by: DateTime<Utc>, limit: u32) -> Result<Vec<PhotoMark>, StoreError> {
        let upto = format!("{}~", super::sort_time(written_by));
        let mut marks = Vec::new();
        for n in 0..PHOTO_MARK_SHARDS {
            let q = Query::partition(Index::Primary, format!("PHOTOGC#{n}"))
                .sort(SortKey::Between("0".into(), upto.clone()))
                .limit(limit);
            for i in self.0.query(&q).await?.items {
                let field = |name: &str| i.get(name).and_then(Attr::as_s).map(str::to_owned);
                if let (Some(pk), Some(sk), Some(application), Some(object)) =
                    (field(attr::PK), field(attr::SK), field("application"), field("object"))
                {
                    marks.push(PhotoMark { application, object, key: Key::new(pk, sk) });
                }
            }
        }
        Ok(marks)
    }

    pub async fn settled(&self, mark: &PhotoMark) -> Result<(), StoreError> {
        self.0.delete(&mark.key, Condition::None).await
    }
}
