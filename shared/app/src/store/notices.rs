//! "Information for notification" on the top screen (Q25): one partition, newest first.

use zairyu_domain::notice::Notice;

use super::{Record, Records, UnitOfWork};
use crate::ports::{Condition, Cursor, Index, Key, Query, StoreError, Table, Write};

pub struct Notices<'a>(pub(super) &'a dyn Table);

const PARTITION: &str = "NOTICE";

fn key_of(published_at: &chrono::DateTime<chrono::Utc>, id: &str) -> Key {
    Key::new(PARTITION, format!("{}#{id}", published_at.to_rfc3339()))
}

impl Record for Notice {
    fn key(&self) -> Key {
        key_of(&self.published_at, &self.id)
    }
}

impl Notices<'_> {
    /// The newest notices first.
    pub async fn newest(&self, after: Option<Cursor>, limit: u32) -> Result<Records<Notice>, StoreError> {
        let q = Query::partition(Index::Primary, PARTITION).descending().limit(limit).after(after);
        super::decode_page(self.0.query(&q).await?)
    }

    /// One notice by ID, among the newest `scan` (notices are few; the office withdraws recent ones).
    pub async fn find(&self, id: &str, scan: u32) -> Result<Option<Notice>, StoreError> {
        Ok(self.newest(None, scan).await?.items.into_iter().find(|n| n.id == id))
    }
}

impl UnitOfWork {
    /// Withdraws a notice; the change fails if it is already gone.
    pub fn remove_notice(&mut self, notice: &Notice) {
        self.push(Write::Delete { key: notice.key(), condition: Condition::Exists });
    }
}
