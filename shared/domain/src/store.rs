//! The repositories, written once over the [`Table`] port, and the single-table key design they share.
//!
//! # Key design
//!
//! One table; every item has `pk` and `sk`; two overloaded global secondary indexes (`gsi1`, `gsi2`); `ttl`
//! expires short-lived items. Records are stored as a JSON document in `doc`, with `version` beside it for
//! optimistic concurrency. No request path scans the table: every access below is a `GetItem` or a `Query`
//! of one partition.
//!
//! | record | pk | sk | gsi1pk / gsi1sk | gsi2pk / gsi2sk | serves |
//! |---|---|---|---|---|---|
//! | organization | `ORG#{org}` | `ORG` | | | an organization by ID |
//! | foreign national on the list | `ORG#{org}` | `FN#{card}` | | | the List of Affiliated Foreign Nationals (Q80), one person by card number |
//! | request for use | `ORG#{org}` | `RFU#{id}` | | `RFU#{office}#{state}` / `{recorded_at}#{id}` | an organization's requests; the office's pending requests |
//! | blanket upload | `ORG#{org}` | `UPLOAD#{id}` | | | an organization's uploads |
//! | blanket row error | `UPLOAD#{id}` | `ROW#{row:04}#{column}` | | | the error list of one upload (Q42) |
//! | user | `USER#{user}` | `USER` | `ORG#{org}` / `USER#{user}` | | log-in by user ID; every user of an organization (Q73) |
//! | application | `APP#{id}` | `APP` | `ORG#{org}` / `APP#{created_at}#{id}` | `QUEUE#{office}#{status}` / `{receipt_date}#{id}` (only while an office has to act) | by ID; an organization's applications newest first (Q50); the office's queue by status |
//! | session | `SESSION#{sha256(token)}` | `SESSION` | | | the session of a cookie (token stored only as a hash); `ttl` |
//! | one-time link | `LINK#{sha256(token)}` | `LINK` | | | password set / reset links (Q88, Q92); `ttl` |
//! | counter | `COUNTER#{name}` | `COUNTER` | | | receipt-number series per office and year (Q33) |
//! | due task | `DUE#{yyyy-mm-dd}` | `{task}#{ref}` | | | what a daily job has to look at on a day (reminders, suspensions, receipt numbers) |
//! | audit event | `AUDIT#{subject}` | `{at}#{id}` | `AUDIT#{yyyy-mm-dd}` / `{at}#{id}` | | the trail of one record; the trail of one day (Q102) |
//! | notification sent | `SENT#{idempotency key}` | `SENT` | | | a job is sent once (de-duplication); `ttl` |
//! | job outbox | `OUTBOX` | `{id}` | | | jobs written with the change that caused them, until the queue has them |

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::account::{PasswordReminder, User};
use crate::application::{Application, ApplicationId, OrganizationId};
use crate::audit::AuditEvent;
use crate::blanket::{BlanketUpload, RowError};
use crate::jst::JstDate;
use crate::office::Office;
use crate::organization::{ForeignNational, Organization};
use crate::ports::{Attr, Condition, Cursor, Index, Item, Key, Page, Query, SortKey, StoreError, Table, Write, attr};
use crate::request_for_use::{RequestForUse, RequestState};
use crate::status::ApplicationStatus;
use crate::values::{ResidenceCardNumber, UserId};

const DOC: &str = "doc";

/// SHA-256 of a secret token, hex: what the store keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An item holding `doc` under `key`, with the record's `version` and any index or TTL attributes.
pub fn encode<T: Serialize>(key: Key, doc: &T, version: i64, extra: Vec<(&str, Attr)>) -> Result<Item, StoreError> {
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

pub fn decode<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let json = item.get(DOC).and_then(Attr::as_s).ok_or_else(|| StoreError::Corrupt("an item without doc".into()))?;
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn s(v: impl Into<String>) -> Attr {
    Attr::S(v.into())
}

/// The condition and the next version for saving a record read at `version` (0: a new record).
fn save_condition(version: i64) -> (Condition, i64) {
    if version == 0 { (Condition::Absent, 1) } else { (Condition::Version(version), version + 1) }
}

/// One page of records of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

fn decode_page<T: DeserializeOwned>(page: Page) -> Result<Records<T>, StoreError> {
    Ok(Records { items: page.items.iter().map(decode).collect::<Result<_, _>>()?, next: page.next })
}

/// Every repository over one table.
#[derive(Clone)]
pub struct Store {
    pub table: Arc<dyn Table>,
}

impl Store {
    pub fn new(table: Arc<dyn Table>) -> Self {
        Self { table }
    }

    async fn get_doc<T: DeserializeOwned>(&self, key: Key) -> Result<Option<T>, StoreError> {
        self.table.get(&key).await?.as_ref().map(decode).transpose()
    }

    // --- organizations and their lists -------------------------------------------------------------

    pub fn organization_key(id: &OrganizationId) -> Key {
        Key::new(format!("ORG#{id}"), "ORG")
    }

    pub async fn organization(&self, id: &OrganizationId) -> Result<Option<Organization>, StoreError> {
        self.get_doc(Self::organization_key(id)).await
    }

    /// The write that saves `org` (read at `org.version`; 0 for a new one) as version + 1.
    pub fn organization_write(org: &Organization) -> Result<Write, StoreError> {
        let (condition, version) = save_condition(org.version);
        let doc = Organization { version, ..org.clone() };
        Ok(Write::Put { item: encode(Self::organization_key(&org.id), &doc, version, vec![])?, condition })
    }

    /// The organization's record and the days its approval's reminder (Q73) and suspension check (Q76)
    /// fall due, for a new or changed approval.
    pub fn organization_writes_with_reminders(org: &Organization) -> Result<Vec<Write>, StoreError> {
        let mut writes = vec![Self::organization_write(org)?];
        if let Some(approval) = org.approval {
            writes.push(Self::due_write(approval.reminder_on(), "REPORT_REMINDER", org.id.as_str()));
            writes.push(Self::due_write(approval.expires_on.succ(), "SUSPEND", org.id.as_str()));
        }
        Ok(writes)
    }

    /// A person on the list, and the day the passport-expiry notice falls due (Q86).
    pub fn foreign_national_writes_with_reminders(
        org: &OrganizationId,
        person: &ForeignNational,
    ) -> Result<Vec<Write>, StoreError> {
        let mut writes = vec![Self::foreign_national_write(org, person)?];
        if let Some(expiry) = person.passport_expiry {
            let reference = format!("{org}#{}", person.card_number);
            writes.push(Self::due_write(crate::schedule::passport_notice_on(expiry), "PASSPORT", &reference));
        }
        Ok(writes)
    }

    fn person_key(org: &OrganizationId, card: &ResidenceCardNumber) -> Key {
        Key::new(format!("ORG#{org}"), format!("FN#{card}"))
    }

    pub async fn foreign_national(
        &self,
        org: &OrganizationId,
        card: &ResidenceCardNumber,
    ) -> Result<Option<ForeignNational>, StoreError> {
        self.get_doc(Self::person_key(org, card)).await
    }

    /// Adds or updates a person on the organization's list (Q80).
    pub fn foreign_national_write(org: &OrganizationId, person: &ForeignNational) -> Result<Write, StoreError> {
        Ok(Write::Put {
            item: encode(Self::person_key(org, &person.card_number), person, 1, vec![])?,
            condition: Condition::None,
        })
    }

    pub fn foreign_national_removal(org: &OrganizationId, card: &ResidenceCardNumber) -> Write {
        Write::Delete { key: Self::person_key(org, card), condition: Condition::Exists }
    }

    pub async fn foreign_nationals(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<ForeignNational>, StoreError> {
        let q = Query::partition(Index::Primary, format!("ORG#{org}"))
            .sort(SortKey::Prefix("FN#".into()))
            .limit(limit)
            .after(after);
        decode_page(self.table.query(&q).await?)
    }

    // --- requests for use ----------------------------------------------------------------------------

    pub fn request_for_use_write(req: &RequestForUse, office: Office) -> Result<Write, StoreError> {
        let (condition, version) = save_condition(req.version);
        let doc = RequestForUse { version, ..req.clone() };
        let state = match req.state {
            RequestState::Pending => "pending",
            RequestState::Approved => "approved",
            RequestState::Denied => "denied",
        };
        let extra = vec![
            (attr::GSI2_PK, s(format!("RFU#{}#{state}", office.code()))),
            (attr::GSI2_SK, s(format!("{}#{}", req.recorded_at.to_rfc3339(), req.id))),
        ];
        Ok(Write::Put {
            item: encode(
                Key::new(format!("ORG#{}", req.organization_id), format!("RFU#{}", req.id)),
                &doc,
                version,
                extra,
            )?,
            condition,
        })
    }

    pub async fn request_for_use(&self, org: &OrganizationId, id: &str) -> Result<Option<RequestForUse>, StoreError> {
        self.get_doc(Key::new(format!("ORG#{org}"), format!("RFU#{id}"))).await
    }

    pub async fn requests_for_use_of_office(
        &self,
        office: Office,
        state: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<RequestForUse>, StoreError> {
        let q = Query::partition(Index::Gsi2, format!("RFU#{}#{state}", office.code()))
            .descending()
            .limit(limit)
            .after(after);
        decode_page(self.table.query(&q).await?)
    }

    // --- users ---------------------------------------------------------------------------------------

    pub fn user_key(id: &UserId) -> Key {
        Key::new(format!("USER#{id}"), "USER")
    }

    pub async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.get_doc(Self::user_key(id)).await
    }

    pub fn user_write(user: &User) -> Result<Write, StoreError> {
        let (condition, version) = save_condition(user.version);
        let doc = User { version, ..user.clone() };
        let mut extra = vec![];
        if let Some(org) = &user.organization_id {
            extra.push((attr::GSI1_PK, s(format!("ORG#{org}"))));
            extra.push((attr::GSI1_SK, s(format!("USER#{}", user.id))));
        }
        Ok(Write::Put { item: encode(Self::user_key(&user.id), &doc, version, extra)?, condition })
    }

    /// The user's record and the days its password-expiry reminders fall due (Q97), for a change of password.
    pub fn user_writes_with_reminders(user: &User) -> Result<Vec<Write>, StoreError> {
        let mut writes = vec![Self::user_write(user)?];
        if let Some(age) = user.password {
            for (task, r) in [("PWD30", PasswordReminder::ThirtyDays), ("PWD7", PasswordReminder::SevenDays)] {
                writes.push(Self::due_write(age.reminder_on(r), task, user.id.as_str()));
            }
        }
        Ok(writes)
    }

    pub async fn users_of_organization(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<User>, StoreError> {
        let q = Query::partition(Index::Gsi1, format!("ORG#{org}"))
            .sort(SortKey::Prefix("USER#".into()))
            .limit(limit)
            .after(after);
        decode_page(self.table.query(&q).await?)
    }

    // --- applications --------------------------------------------------------------------------------

    pub fn application_key(id: &ApplicationId) -> Key {
        Key::new(format!("APP#{id}"), "APP")
    }

    pub async fn application(&self, id: &ApplicationId) -> Result<Option<Application>, StoreError> {
        self.get_doc(Self::application_key(id)).await
    }

    /// Saves `app` (read at `app.version`) as version + 1, indexed for its organization (newest first) and,
    /// while an office has to act on it, for that office's queue.
    pub fn application_write(app: &Application, created_at: DateTime<Utc>) -> Result<Write, StoreError> {
        let (condition, version) = save_condition(app.version);
        let doc = Application { version, ..app.clone() };
        let mut extra = vec![
            (attr::GSI1_PK, s(format!("ORG#{}", app.organization_id))),
            (attr::GSI1_SK, s(format!("APP#{}#{}", created_at.to_rfc3339(), app.id))),
            ("created_at", s(created_at.to_rfc3339())),
        ];
        if Self::office_acts_on(app.status) {
            let day = app.receipt_date.map(|d| d.to_string()).unwrap_or_default();
            extra.push((attr::GSI2_PK, s(Self::queue_partition(app.form.receiving_office, app.status))));
            extra.push((attr::GSI2_SK, s(format!("{day}#{}", app.id))));
        }
        Ok(Write::Put { item: encode(Self::application_key(&app.id), &doc, version, extra)?, condition })
    }

    /// The statuses in which an office has something to do (the sparse queue index holds only these).
    pub fn office_acts_on(status: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        matches!(
            status,
            ApplicationCompleted | ErrorReceiptNumber | UnderExamination | WaitingForIssuance | ExaminationCompleted
        )
    }

    fn queue_partition(office: Office, status: ApplicationStatus) -> String {
        format!("QUEUE#{}#{}", office.code(), status.code())
    }

    /// When an application was created, kept beside the record so that saving it again keeps its place in
    /// the organization's list.
    pub async fn application_with_created_at(
        &self,
        id: &ApplicationId,
    ) -> Result<Option<(Application, DateTime<Utc>)>, StoreError> {
        let Some(item) = self.table.get(&Self::application_key(id)).await? else {
            return Ok(None);
        };
        let created = item
            .get("created_at")
            .and_then(Attr::as_s)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| StoreError::Corrupt("an application without created_at".into()))?;
        Ok(Some((decode(&item)?, created)))
    }

    /// An organization's applications, newest first (Q50).
    pub async fn applications_of_organization(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, StoreError> {
        let q = Query::partition(Index::Gsi1, format!("ORG#{org}"))
            .sort(SortKey::Prefix("APP#".into()))
            .descending()
            .limit(limit)
            .after(after);
        decode_page(self.table.query(&q).await?)
    }

    /// An office's applications in one status, newest receipt first.
    pub async fn office_queue(
        &self,
        office: Office,
        status: ApplicationStatus,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, StoreError> {
        let q =
            Query::partition(Index::Gsi2, Self::queue_partition(office, status)).descending().limit(limit).after(after);
        decode_page(self.table.query(&q).await?)
    }

    // --- sessions and one-time links -----------------------------------------------------------------

    pub fn session_key(token: &str) -> Key {
        Key::new(format!("SESSION#{}", token_hash(token)), "SESSION")
    }

    pub fn link_key(token: &str) -> Key {
        Key::new(format!("LINK#{}", token_hash(token)), "LINK")
    }

    // --- counters ------------------------------------------------------------------------------------

    pub fn counter_key(name: &str) -> Key {
        Key::new(format!("COUNTER#{name}"), "COUNTER")
    }

    /// The counter's current value and version (0, 0 for a counter never used).
    pub async fn counter(&self, name: &str) -> Result<(i64, i64), StoreError> {
        Ok(match self.table.get(&Self::counter_key(name)).await? {
            None => (0, 0),
            Some(item) => (
                item.get("value").and_then(Attr::as_n).unwrap_or(0),
                item.get(attr::VERSION).and_then(Attr::as_n).unwrap_or(0),
            ),
        })
    }

    /// The write that moves a counter read at (`value`, `version`) to `value + 1`; it fails if anyone moved
    /// it meanwhile, which keeps the series free of gaps when written with the record that uses the value.
    pub fn counter_advance(name: &str, value: i64, version: i64) -> Write {
        let (condition, next_version) = save_condition(version);
        let key = Self::counter_key(name);
        Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), Attr::S(key.pk)),
                (attr::SK.to_owned(), Attr::S(key.sk)),
                ("value".to_owned(), Attr::N(value + 1)),
                (attr::VERSION.to_owned(), Attr::N(next_version)),
            ]),
            condition,
        }
    }

    // --- due tasks -----------------------------------------------------------------------------------

    pub fn due_write(day: JstDate, task: &str, reference: &str) -> Write {
        Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), s(format!("DUE#{day}"))),
                (attr::SK.to_owned(), s(format!("{task}#{reference}"))),
            ]),
            condition: Condition::None,
        }
    }

    /// The references of one task due on a day.
    pub async fn due(
        &self,
        day: JstDate,
        task: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<(Vec<String>, Option<Cursor>), StoreError> {
        let q = Query::partition(Index::Primary, format!("DUE#{day}"))
            .sort(SortKey::Prefix(format!("{task}#")))
            .limit(limit)
            .after(after);
        let page = self.table.query(&q).await?;
        let refs = page
            .items
            .iter()
            .filter_map(|i| {
                i.get(attr::SK)
                    .and_then(Attr::as_s)
                    .and_then(|sk| sk.strip_prefix(&format!("{task}#")))
                    .map(str::to_owned)
            })
            .collect();
        Ok((refs, page.next))
    }

    // --- scheduled job runs ---------------------------------------------------------------------------

    fn job_run_key(job: &str) -> Key {
        Key::new(format!("JOBRUN#{job}"), "JOBRUN")
    }

    /// The last day a scheduled job ran to its end.
    pub async fn last_run(&self, job: &str) -> Result<Option<JstDate>, StoreError> {
        let item = self.table.get(&Self::job_run_key(job)).await?;
        Ok(item.and_then(|i| i.get("day").and_then(Attr::as_s).and_then(|d| JstDate::parse(d).ok())))
    }

    pub async fn set_last_run(&self, job: &str, day: JstDate) -> Result<(), StoreError> {
        let key = Self::job_run_key(job);
        let item = Item::from([
            (attr::PK.to_owned(), Attr::S(key.pk)),
            (attr::SK.to_owned(), Attr::S(key.sk)),
            ("day".to_owned(), Attr::S(day.to_string())),
        ]);
        self.table.put(item, Condition::None).await
    }

    // --- audit ---------------------------------------------------------------------------------------

    /// The write that appends `event` (never overwrites).
    pub fn audit_write(event: &AuditEvent) -> Result<Write, StoreError> {
        let sk = format!("{}#{}", event.at.to_rfc3339(), event.id);
        let extra = vec![
            (attr::GSI1_PK, s(format!("AUDIT#{}", JstDate::of_instant(event.at)))),
            (attr::GSI1_SK, s(sk.clone())),
        ];
        Ok(Write::Put {
            item: encode(Key::new(format!("AUDIT#{}", event.subject), sk), event, 1, extra)?,
            condition: Condition::Absent,
        })
    }

    pub async fn audit_trail(
        &self,
        subject: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<AuditEvent>, StoreError> {
        let q = Query::partition(Index::Primary, format!("AUDIT#{subject}")).limit(limit).after(after);
        decode_page(self.table.query(&q).await?)
    }

    pub async fn audit_of_day(
        &self,
        day: JstDate,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<AuditEvent>, StoreError> {
        let q = Query::partition(Index::Gsi1, format!("AUDIT#{day}")).limit(limit).after(after);
        decode_page(self.table.query(&q).await?)
    }

    // --- notification de-duplication -----------------------------------------------------------------

    /// Records that the job with this key was sent; `false` if it already was (send nothing then).
    pub async fn mark_sent(&self, idempotency_key: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let expires = (now + chrono::Duration::days(30)).timestamp();
        let item = Item::from([
            (attr::PK.to_owned(), s(format!("SENT#{idempotency_key}"))),
            (attr::SK.to_owned(), s("SENT")),
            (attr::TTL.to_owned(), Attr::N(expires)),
        ]);
        match self.table.put(item, Condition::Absent).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Forgets a sending mark, when the send failed after marking (so that a retry sends).
    pub async fn unmark_sent(&self, idempotency_key: &str) -> Result<(), StoreError> {
        self.table.delete(&Key::new(format!("SENT#{idempotency_key}"), "SENT"), Condition::None).await
    }

    // --- blanket uploads -----------------------------------------------------------------------------

    pub fn upload_key(org: &OrganizationId, id: &str) -> Key {
        Key::new(format!("ORG#{org}"), format!("UPLOAD#{id}"))
    }

    pub fn upload_write(upload: &BlanketUpload) -> Result<Write, StoreError> {
        let (condition, version) = save_condition(upload.version);
        let doc = BlanketUpload { version, ..upload.clone() };
        Ok(Write::Put {
            item: encode(Self::upload_key(&upload.organization_id, &upload.id), &doc, version, vec![])?,
            condition,
        })
    }

    pub async fn upload(&self, org: &OrganizationId, id: &str) -> Result<Option<BlanketUpload>, StoreError> {
        self.get_doc(Self::upload_key(org, id)).await
    }

    pub fn row_error_write(upload_id: &str, error: &RowError) -> Result<Write, StoreError> {
        let key = Key::new(format!("UPLOAD#{upload_id}"), format!("ROW#{:04}#{}", error.row, error.column));
        Ok(Write::Put { item: encode(key, error, 1, vec![])?, condition: Condition::None })
    }

    pub async fn row_errors(
        &self,
        upload_id: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<RowError>, StoreError> {
        let q = Query::partition(Index::Primary, format!("UPLOAD#{upload_id}"))
            .sort(SortKey::Prefix("ROW#".into()))
            .limit(limit)
            .after(after);
        decode_page(self.table.query(&q).await?)
    }

    // --- job outbox ----------------------------------------------------------------------------------

    pub fn outbox_write(id: &str, body: &str) -> Write {
        Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), s("OUTBOX")),
                (attr::SK.to_owned(), s(id)),
                ("body".to_owned(), s(body)),
            ]),
            condition: Condition::Absent,
        }
    }

    /// Jobs written but not yet handed to the queue: (id, body).
    pub async fn outbox(&self, limit: u32) -> Result<Vec<(String, String)>, StoreError> {
        let page = self.table.query(&Query::partition(Index::Primary, "OUTBOX").limit(limit)).await?;
        Ok(page
            .items
            .iter()
            .filter_map(|i| Some((i.get(attr::SK)?.as_s()?.to_owned(), i.get("body")?.as_s()?.to_owned())))
            .collect())
    }

    pub async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        self.table.delete(&Key::new("OUTBOX", id), Condition::None).await
    }
}
