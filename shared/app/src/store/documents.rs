//! The documents of proof of an application, beside it in its partition.

use zairyu_domain::application::{ApplicationId, Document, DocumentId};

use super::{Record, Store, Stored};
use crate::ports::{Index, Key, Query, SortKey, StoreError, Table};

/// The most document records one application keeps, in any state (accepted, refused, waiting): twenty
/// accepted and the refusals and abandoned uploads of a clerk trying again. One query reads them all.
pub const MAX_DOCUMENT_RECORDS: u32 = 60;

pub struct Documents<'a>(pub(super) &'a dyn Table);

fn key(app: &ApplicationId, id: &DocumentId) -> Key {
    Key::new(format!("APP#{app}"), format!("DOC#{id}"))
}

impl Record for Document {
    fn key(&self) -> Key {
        key(self.application_id(), self.id())
    }
}

impl Documents<'_> {
    pub async fn get(&self, app: &ApplicationId, id: &DocumentId) -> Result<Option<Stored<Document>>, StoreError> {
        Store::get_stored(self.0, &key(app, id)).await
    }

    /// Every document record of an application, oldest first (document IDs sort by time), with their versions.
    pub async fn of_application(&self, app: &ApplicationId) -> Result<Vec<Stored<Document>>, StoreError> {
        let q = Query::partition(Index::Primary, format!("APP#{app}"))
            .sort(SortKey::Prefix("DOC#".into()))
            .limit(MAX_DOCUMENT_RECORDS);
        self.0.query(&q).await?.items.iter().map(super::decode_stored).collect()
    }
}
