//! Blanket uploads of an organization, and the row errors of each (Q42).

use zairyu_domain::application::OrganizationId;
use zairyu_domain::blanket::{BlanketUpload, RowError};

use super::{Record, Records, Store, Stored, UnitOfWork, encode};
use crate::ports::{Condition, Cursor, Index, Key, Query, SortKey, StoreError, Table, Write};

pub struct Uploads<'a>(pub(super) &'a dyn Table);

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
    /// One failing cell of an upload (written again unchanged when the same file comes twice).
    pub fn put_row_error(&mut self, upload_id: &str, error: &RowError) -> Result<(), StoreError> {
        let key = Key::new(format!("UPLOAD#{upload_id}"), format!("ROW#{:04}#{}", error.row, error.column));
        self.push(Write::Put { item: encode(key, error, 1, vec![])?, condition: Condition::None });
        Ok(())
    }
}
