//! "Information for notification" on the top screen (Q25): one partition, newest first.

use zairyu_domain::notice::Notice;

use super::{Record, Records, UnitOfWork};
use crate::ports::{Attr, Condition, Cursor, Index, Key, Query, StoreError, Table, Write, attr};

pub struct Notices<'a>(pub(super) &'a dyn Table);

const PARTITION: &str = "NOTICE";

fn key_of(published_at: &chrono::DateTime<chrono::Utc>, id: &str) -> Key {
    Key::new(PARTITION, format!("{}#{id}", super::sort_time(*published_at)))
}

/// A notice as found, with the key it is stored under (notices stored before sort keys had a fixed width
/// keep their old key, and are withdrawn by it).
#[derive(Debug, Clone)]
pub struct FoundNotice {
    pub notice: Notice,
    key: Key,
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
    pub async fn find(&self, id: &str, scan: u32) -> Result<Option<FoundNotice>, StoreError> {
        let page = self.0.query(&Query::partition(Index::Primary, PARTITION).descending().limit(scan)).await?;
        for item in &page.items {
            let notice: Notice = super::decode(item)?;
            if notice.id == id {
                let sk = item.get(attr::SK).and_then(Attr::as_s).unwrap_or_default();
                return Ok(Some(FoundNotice { notice, key: Key::new(PARTITION, sk) }));
            }
        }
        Ok(None)
    }
}

impl UnitOfWork {
    /// Withdraws a notice found by [`Notices::find`]; the change fails if it is already gone.
    pub fn remove_notice(&mut self, found: &FoundNotice) {
        self.push(Write::Delete { key: found.key.clone(), condition: Condition::Exists });
    }
}
