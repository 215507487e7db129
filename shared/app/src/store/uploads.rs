//! Blanket uploads of an organization, and the row errors of each (Q42).

use chrono::{DateTime, Utc};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::blanket::{BlanketUpload, RowError};

use super::{Record, Records, Store, Stored, UnitOfWork, encode, s};
use crate::ports::{Attr, Condition, Cursor, Index, Item, Key, Query, SortKey, StoreError, Table, Write, attr};

/// The partitions of the open-upload marks (by upload ID).
const OPEN_UPLOAD_SHARDS: u32 = 4;

/// An upload that has not ended yet, as its mark names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenUpload {
    pub organization_id: OrganizationId,
    pub upload_id: String,
    key: Key,
}

fn open_key(upload: &BlanketUpload) -> Key {
    Key::new(
        format!("OPENUPLOAD#{}", super::shard_of(upload.id(), OPEN_UPLOAD_SHARDS)),
        format!("{}#{}#{}", super::sort_time(upload.created_at()), upload.organization_id(), upload.id()),
    )
}

pub struct Uploads<'a>(pub(super) &'a dyn Table);

/// #34: an upload's record and its row errors expire at `at` (seconds since the epoch), set again at every
/// change of the upload, so they are kept a retention period after its last (the table's TTL deletes them).
pub(super) fn expire_upload(item: &mut Item, at: i64) {
    let text = |name: &str| item.get(name).and_then(Attr::as_s).unwrap_or_default();
    let upload = text(attr::PK).starts_with("ORG#") && text(attr::SK).starts_with("UPLOAD#");
    let row_error = text(attr::PK).starts_with("UPLOAD#") && text(attr::SK).starts_with("ROW#");
    if upload || row_error {
        item.insert(attr::TTL.to_owned(), Attr::N(at));
    }
}

fn key(org: &OrganizationId, id: &str) -> Key {
    Key::new(format!("ORG#{org}"), format!("UPLOAD#{id}"))
}

impl Record for BlanketUpload {
    fn key(&self) -> Key {
        key(self.organization_id(), self.id())
    }
}

impl Uploads<'_> {
    pub async fn get(&self, org: &OrganizationId, id: &str) -> Result<Option<Stored<BlanketUpload>>, StoreError> {
        Store::get_stored(self.0, &key(org, id)).await
    }

    /// An organization's uploads, newest first (upload IDs sort by time).
    pub async fn of_organization(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<BlanketUpload>, StoreError> {
        let q = Query::partition(Index::Primary, format!("ORG#{org}"))
            .sort(SortKey::Prefix("UPLOAD#".into()))
            .descending()
            .limit(limit)
            .after(after);
        super::decode_page(self.0.query(&q).await?)
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
        super::decode_page(self.0.query(&q).await?)
    }

    /// Uploads not yet ended that were started at or before `started_by`, up to `limit` from each shard,
    /// oldest first.
    pub async fn open(&self, started_by: DateTime<Utc>, limit: u32) -> Result<Vec<OpenUpload>, StoreError> {
        let upto = format!("{}~", super::sort_time(started_by));
        let mut open = Vec::new();
        for n in 0..OPEN_UPLOAD_SHARDS {
            let q = Query::partition(Index::Primary, format!("OPENUPLOAD#{n}"))
                .sort(SortKey::Between("0".into(), upto.clone()))
                .limit(limit);
            for i in self.0.query(&q).await?.items {
                let field = |name: &str| i.get(name).and_then(Attr::as_s).map(str::to_owned);
                if let (Some(pk), Some(sk), Some(org), Some(upload_id)) =
                    (field(attr::PK), field(attr::SK), field("organization"), field("upload"))
                    && let Ok(organization_id) = OrganizationId::parse(&org)
                {
                    open.push(OpenUpload { organization_id, upload_id, key: Key::new(pk, sk) });
                }
            }
        }
        Ok(open)
    }

    /// Removes the mark of an upload that ended (or is gone).
    pub async fn settled(&self, open: &OpenUpload) -> Result<(), StoreError> {
        self.0.delete(&open.key, Condition::None).await
    }

    /// Every row error of an upload, all pages.
    pub async fn all_row_errors(&self, upload_id: &str) -> Result<Vec<RowError>, StoreError> {
        let mut errors = Vec::new();
        let mut after = None;
        loop {
            let page = self.row_errors(upload_id, after, 500).await?;
            errors.extend(page.items);
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok(errors),
            }
        }
    }
}

impl UnitOfWork {
    /// Marks a new upload as open, until [`UnitOfWork::settle_upload`] in the change that ends it.
    pub fn mark_open_upload(&mut self, upload: &BlanketUpload) {
        let key = open_key(upload);
        self.push(Write::Put {
            item: Item::from([
                (attr::PK.to_owned(), s(&key.pk)),
                (attr::SK.to_owned(), s(&key.sk)),
                ("organization".to_owned(), s(upload.organization_id().as_str())),
                ("upload".to_owned(), s(upload.id())),
            ]),
            condition: Condition::None,
        });
    }

    /// The upload ended: its open mark goes.
    pub fn settle_upload(&mut self, upload: &BlanketUpload) {
        self.push(Write::Delete { key: open_key(upload), condition: Condition::None });
    }

    /// One failing cell of an upload (written again unchanged when the same file comes twice).
    pub fn put_row_error(&mut self, upload_id: &str, error: &RowError) -> Result<(), StoreError> {
        let key = Key::new(format!("UPLOAD#{upload_id}"), format!("ROW#{:04}#{}", error.row, error.column));
        self.push(Write::Put { item: encode(key, error, 1, vec![])?, condition: Condition::None });
        Ok(())
    }
}
