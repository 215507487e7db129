//! Applications: by ID; an organization's newest first (Q50); the office's queue by status (a sparse index
//! holding an application only while an office has to act on it).

use chrono::{DateTime, Utc};
use zairyu_domain::application::{Application, ApplicationId, OrganizationId};
use zairyu_domain::blanket::BlanketEntry;
use zairyu_domain::form::PersonKey;
use zairyu_domain::office::Office;
use zairyu_domain::procedure::Procedure;
use zairyu_domain::status::ApplicationStatus;
use zairyu_domain::values::UserId;

use super::{Projection, Record, Records, Store, Stored, UnitOfWork, s};

use crate::lines::{ApplicationView, LINE_VERSION, Line};
use crate::ports::{Attr, Cursor, Index, Key, Query, SortKey, StoreError, Table, attr};

pub struct Applications<'a>(pub(super) &'a dyn Table);

/// The attribute that tells a blanket entry (a failed row, Q42) from an application under the same key.
pub(super) const KIND: &str = "kind";
const BLANKET_ENTRY: &str = "blanket_entry";

fn is_entry(item: &crate::ports::Item) -> bool {
    item.get(KIND).and_then(Attr::as_s) == Some(BLANKET_ENTRY)
}

/// One item of an organization's application information list (Q50, Q51): an application, or a row of a
/// blanket file that could not be registered ("Error (blanket registration)", Q42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    Application(Box<Application>),
    BlanketEntry(Box<BlanketEntry>),
}

/// The partitions an organization's list is spread over (#34: a 300-row blanket file of a large supervising
/// organization wrote 300 index items to one partition within seconds — at ten times April, ten such files
/// at once, past what one partition takes). Each record goes to the shard of its ID; the list reads them all
/// side by side and merges them in order.
pub const LIST_SHARDS: u32 = 4;

fn list_partition(org: &OrganizationId, id: &ApplicationId) -> String {
    format!("ORG#{org}#{}", super::shard_of(id.as_str(), LIST_SHARDS))
}

fn list_index(org: &OrganizationId, id: &ApplicationId, created_at: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
    vec![
        (attr::GSI1_PK, s(list_partition(org, id))),
        (attr::GSI1_SK, s(format!("APP#{}#{}", super::sort_time(created_at), id))),
    ]
}

/// A blanket entry is stored under the key its application will have, so that correcting it replaces it in
/// place (keeping its place in the list) and the same row of the same file can never come back beside it.
impl Record for BlanketEntry {
    fn key(&self) -> Key {
        key(self.id())
    }

    fn index(&self, created_at: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
        let mut extra = list_index(self.organization_id(), self.id(), created_at);
        extra.push((KIND, s(BLANKET_ENTRY)));
        extra
    }

    fn line(&self) -> Option<ApplicationView> {
        Some(self.into())
    }
}

fn key(id: &ApplicationId) -> Key {
    Key::new(format!("APP#{id}"), "APP")
}

/// The lookup of an application by its temporary or official receipt number (Q33).
fn receipt_number_key(number: &str) -> Key {
    Key::new(format!("RCPT#{number}"), "RCPT")
}

/// Every application for one person: a card holder's (the key every stored one has), or the holder of a
/// passport abroad.
fn person_partition(person: &PersonKey) -> String {
    match person {
        PersonKey::Card(card) => format!("CARDAPP#{card}"),
        PersonKey::Passport { nationality, number } => format!("PASSAPP#{nationality}#{number}"),
    }
}

/// Held by the one open (not final) application for this person, claimed when it is added, so that two
/// cannot be added at once; released when it becomes final.
fn open_claim(person: &PersonKey, procedure: Procedure) -> Key {
    Key::new(format!("OPENAPP#{person}#{}", procedure.claim_scope()), "OPENAPP")
}

/// Sparse: an application of this author whose examination is pending (Q79).
fn pending_partition(author: &UserId) -> String {
    format!("PENDING#{author}")
}

fn queue_partition(office: Office, status: ApplicationStatus) -> String {
    format!("QUEUE#{}#{}", office.code(), status.code())
}

/// Which end of an office's queue comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    OldestFirst,
    NewestFirst,
}

/// The statuses in which an office has something to do (the sparse queue index holds only these).
pub fn office_acts_on(status: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        status,
        ApplicationCompleted
            | ErrorReceiptNumber
            | UnderExamination
            | AwaitingDocuments
            | WaitingForIssuance
            | ExaminationCompleted
    )
}

impl Record for Application {
    fn key(&self) -> Key {
        key(self.id())
    }

    fn index(&self, created_at: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
        let mut extra = list_index(self.organization_id(), self.id(), created_at);
        if office_acts_on(self.status()) {
            let day = self.receipt_date().map(|d| d.to_string()).unwrap_or_default();
            extra.push((attr::GSI2_PK, s(queue_partition(self.jurisdiction(), self.status()))));
            extra.push((attr::GSI2_SK, s(format!("{day}#{}", self.id()))));
        }
        extra
    }

    fn line(&self) -> Option<ApplicationView> {
        Some(self.into())
    }

    fn ended(&self) -> Option<zairyu_domain::schedule::DueTask> {
        self.status().is_final().then_some(zairyu_domain::schedule::DueTask::Purge)
    }

    fn claims(&self) -> Vec<Key> {
        if self.status().is_final() {
            Vec::new()
        } else {
            vec![open_claim(&self.form().person_key(), self.procedure())]
        }
    }

    fn projections(&self) -> Vec<Projection> {
        let sk = format!("APP#{}", self.id());
        let mut out = vec![
            Projection::new(Key::new(person_partition(&self.form().person_key()), sk.clone()), true),
            Projection::new(Key::new(pending_partition(self.created_by()), sk), self.status().examination_pending()),
        ];
        if let Some(n) = self.temporary_receipt_number() {
            out.push(Projection::new(receipt_number_key(n.as_str()), true));
        }
        if let Some(n) = self.official_receipt_number() {
            out.push(Projection::new(receipt_number_key(&n.to_string()), true));
        }
        // The claim goes when the application's life ends (no final application is changed again).
        if self.status().is_final() {
            out.push(Projection::new(open_claim(&self.form().person_key(), self.procedure()), false));
        }
        out
    }
}

/// The records stored under an application's key: the application, or the blanket entry it was before
/// it was corrected (Q42).
pub trait UnderApplicationKey: Record {}
impl UnderApplicationKey for Application {}
impl UnderApplicationKey for BlanketEntry {}

/// A stored line rendered at this version of [`ApplicationView`] (`"{LINE_VERSION}:{json}"`).
/// The line of a record read whole.
fn render(item: crate::ports::Item) -> Result<Line, StoreError> {
    let line = if is_entry(&item) {
        ApplicationView::from(&super::decode::<BlanketEntry>(&item)?)
    } else {
        ApplicationView::from(&super::decode::<Application>(&item)?)
    };
    Line::render(&line).map_err(StoreError::corrupt)
}

/// The line a summary holds, if it was rendered at this version (and is whole).
fn current_line(mut summary: String) -> Option<Line> {
    let (version, _) = summary.split_once(':')?;
    if version.parse::<i64>().ok()? != LINE_VERSION {
        return None;
    }
    summary.drain(..=version.len());
    Line::stored(summary)
}

/// Where a page of an organization's list ended: the sort key of its last line (every shard's next page
/// starts below it).
const LIST_CURSOR: &str = "list:";

/// The queries of a page of an organization's list, one per shard and one for the partition records were
/// kept in before the list was spread (public for the list bench, whose floor runs them without the rest).
/// Each asks for one more line than the page holds: the line the cursor names comes back again and is
/// dropped.
pub fn list_queries(org: &OrganizationId, below: Option<&str>, limit: u32) -> Vec<Query> {
    const LINE: &[&str] = &[attr::PK, attr::GSI1_SK, super::SUMMARY];
    let sort = match below {
        Some(sk) => SortKey::Between("APP#".into(), sk.to_owned()),
        None => SortKey::Prefix("APP#".into()),
    };
    (0..LIST_SHARDS)
        .map(|n| format!("ORG#{org}#{n}"))
        .chain([format!("ORG#{org}")])
        .map(|partition| {
            Query::partition(Index::Gsi1, partition)
                .sort(sort.clone())
                .descending()
                .limit(limit.saturating_add(1))
                .project(LINE)
        })
        .collect()
}

impl Applications<'_> {
    /// The application with this ID (`None` for a blanket entry not yet corrected).
    pub async fn get(&self, id: &ApplicationId) -> Result<Option<Stored<Application>>, StoreError> {
        match self.0.get(&key(id)).await? {
            Some(item) if !is_entry(&item) => super::decode_stored(&item).map(Some),
            _ => Ok(None),
        }
    }

    /// The applications with these IDs, in batched reads (`None` where there is none, or where the ID is a
    /// blanket entry's).
    pub async fn get_many(&self, ids: &[ApplicationId]) -> Result<Vec<Option<Stored<Application>>>, StoreError> {
        self.many_under_keys(ids, false).await
    }

    /// The records of one kind (blanket entries, or applications) stored under these IDs, in batched reads.
    async fn many_under_keys<R: UnderApplicationKey>(
        &self,
        ids: &[ApplicationId],
        entries: bool,
    ) -> Result<Vec<Option<Stored<R>>>, StoreError> {
        let keys: Vec<Key> = ids.iter().map(key).collect();
        self.0
            .get_many(&keys)
            .await?
            .iter()
            .map(|i| match i {
                Some(item) if is_entry(item) == entries => super::decode_stored(item).map(Some),
                _ => Ok(None),
            })
            .collect()
    }

    /// The blanket entry with this ID (`None` once corrected into an application).
    pub async fn entry(&self, id: &ApplicationId) -> Result<Option<Stored<BlanketEntry>>, StoreError> {
        match self.0.get(&key(id)).await? {
            Some(item) if is_entry(&item) => super::decode_stored(&item).map(Some),
            _ => Ok(None),
        }
    }

    /// The blanket entries with these IDs, in one batched read (`None` where there is none, or where the ID
    /// is an application's).
    pub async fn entries(&self, ids: &[ApplicationId]) -> Result<Vec<Option<Stored<BlanketEntry>>>, StoreError> {
        self.many_under_keys(ids, true).await
    }

    /// An organization's application information list, newest first (Q50): the lines of applications and
    /// blanket entries together, read from their summaries alone. A record stored before it had a summary is
    /// read whole and summarized.
    pub async fn of_organization(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Line>, StoreError> {
        let below = match &after {
            Some(c) => Some(c.0.strip_prefix(LIST_CURSOR).ok_or(StoreError::BadCursor)?.to_owned()),
            None => None,
        };
        let queries = list_queries(org, below.as_deref(), limit);
        let pages = futures::future::join_all(queries.iter().map(|q| self.0.query(q))).await;
        // The shards' lines merged newest first; the line the cursor named (read again) left out. A shard
        // whose page did not hold all its lines sets a boundary: nothing older than its last line read may be
        // listed (its next lines, unread, may come before them).
        let mut merged: Vec<(String, crate::ports::Item)> = Vec::new();
        let mut boundary: Option<String> = None;
        for page in pages {
            let page = page?;
            let sk_of = |item: &crate::ports::Item| item.get(attr::GSI1_SK).and_then(Attr::as_s).map(str::to_owned);
            if page.next.is_some() {
                let last = page.items.last().and_then(sk_of).unwrap_or_default();
                boundary = boundary.max(Some(last));
            }
            for item in page.items {
                let sk = sk_of(&item).unwrap_or_default();
                if below.as_deref() != Some(sk.as_str()) {
                    merged.push((sk, item));
                }
            }
        }
        merged.sort_by(|a, b| b.0.cmp(&a.0));
        let mut more = false;
        if let Some(boundary) = &boundary {
            more = true;
            merged.retain(|(sk, _)| sk >= boundary);
        }
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        more |= merged.len() > limit;
        merged.truncate(limit);
        let next = match merged.last() {
            Some((sk, _)) if more => Some(Cursor(format!("{LIST_CURSOR}{sk}"))),
            _ => None,
        };
        let page = crate::ports::Page { items: merged.into_iter().map(|(_, item)| item).collect(), next };
        // Each slot: its stored line, or the key of a record to render it from (stored before lines existed,
        // or with a line of another version), all of those read at once.
        let mut slots = Vec::with_capacity(page.items.len());
        let mut stale = Vec::new();
        for mut item in page.items {
            let line = match item.remove(super::SUMMARY) {
                Some(Attr::S(stored)) => current_line(stored),
                _ => None,
            };
            match line {
                Some(line) => slots.push(Some(line)),
                None => {
                    let pk = item.get(attr::PK).and_then(Attr::as_s);
                    stale.push(Key::new(pk.ok_or_else(|| StoreError::corrupt("a list line without pk"))?, "APP"));
                    slots.push(None);
                }
            }
        }
        let mut rendered = self.0.get_many(&stale).await?.into_iter().map(|item| item.map(render)).collect::<Vec<_>>();
        rendered.reverse();
        let mut items = Vec::with_capacity(slots.len());
        for slot in slots {
            match slot {
                Some(line) => items.push(line),
                // A record gone since it was listed is left out.
                None => items.extend(rendered.pop().flatten().transpose()?),
            }
        }
        Ok(Records { items, next: page.next })
    }

    /// An office's applications in one status, by receipt: the API's newest first, the officers' pages
    /// oldest first (who waited longest is examined first).
    pub async fn office_queue(
        &self,
        office: Office,
        status: ApplicationStatus,
        order: QueueOrder,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, StoreError> {
        let mut q = Query::partition(Index::Gsi2, queue_partition(office, status)).limit(limit).after(after);
        if order == QueueOrder::NewestFirst {
            q = q.descending();
        }
        super::decode_page(self.0.query(&q).await?)
    }

    /// How many applications of an office wait in one status: their keys read a page at a time, up to
    /// `cap` (`(cap, true)` when there are more), so that a count costs reads bounded by the cap.
    pub async fn office_queue_count(
        &self,
        office: Office,
        status: ApplicationStatus,
        cap: usize,
    ) -> Result<(usize, bool), StoreError> {
        const KEY: &[&str] = &[attr::PK];
        let (mut n, mut after) = (0, None);
        loop {
            // One more than the cap allows tells whether there are more.
            let room = u32::try_from(cap - n + 1).unwrap_or(1000).min(1000);
            let q =
                Query::partition(Index::Gsi2, queue_partition(office, status)).project(KEY).limit(room).after(after);
            let page = self.0.query(&q).await?;
            n += page.items.len();
            if n > cap {
                return Ok((cap, true));
            }
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok((n, false)),
            }
        }
    }

    /// Stores a new application (with its lookups) or blanket entry unless its key is taken — by either: an
    /// entry and its corrected application share one; `false` when it was (the blanket rows of one file,
    /// however often they come, are one record each).
    pub async fn add_if_absent<R: UnderApplicationKey>(
        &self,
        record: &R,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut change = UnitOfWork::new(now);
        change.add(record)?;
        match self.0.transact(change.into_writes()).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The application with this temporary or official receipt number (Q33).
    pub async fn by_receipt_number(&self, number: &str) -> Result<Option<Stored<Application>>, StoreError> {
        Store::via(self.0, &receipt_number_key(number.trim())).await
    }

    /// The applications for one person (a card holder, or a passport holder abroad), a page at a time (a
    /// page may hold fewer than `limit` when a lookup was left behind by a corrected entry).
    pub async fn by_person(
        &self,
        person: &PersonKey,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, StoreError> {
        let q = Query::partition(Index::Primary, person_partition(person)).limit(limit).after(after);
        // A lookup left behind by a corrected card or passport number is verified away.
        Store::follow(self.0, &q, |app: &Application| app.form().person_key() == *person).await
    }

    /// The open (not final) application for this person that excludes one of `procedure` (the same claim:
    /// `Procedure::claim_scope`), if there is one: read through every application for the person, so one
    /// entered before the open claim existed is found too.
    pub async fn open_for(
        &self,
        person: &PersonKey,
        procedure: Procedure,
    ) -> Result<Option<Stored<Application>>, StoreError> {
        let mut after = None;
        loop {
            let page = self.by_person(person, after, 100).await?;
            for app in page.items {
                if !app.status().is_final() && app.procedure().claim_scope() == procedure.claim_scope() {
                    return self.get(app.id()).await;
                }
            }
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok(None),
            }
        }
    }

    /// Whether this user entered an application whose examination is pending (Q79), however many
    /// applications the organization has: one read of a sparse lookup.
    pub async fn has_pending_by(&self, author: &UserId) -> Result<bool, StoreError> {
        let q = Query::partition(Index::Primary, pending_partition(author)).limit(1);
        Ok(!self.0.query(&q).await?.items.is_empty())
    }
}
