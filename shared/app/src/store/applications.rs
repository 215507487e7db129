//! Applications: by ID; an organization's newest first (Q50); the office's queue by status (a sparse index
//! holding an application only while an office has to act on it).

use chrono::{DateTime, Utc};
use zairyu_domain::application::{Application, ApplicationId, OrganizationId};
use zairyu_domain::office::Office;
use zairyu_domain::status::ApplicationStatus;

use super::{Record, Records, Store, Stored, s};
use crate::ports::{Attr, Cursor, Index, Key, Query, SortKey, StoreError, Table, attr};

pub struct Applications<'a>(pub(super) &'a dyn Table);

fn key(id: &ApplicationId) -> Key {
    Key::new(format!("APP#{id}"), "APP")
}

fn queue_partition(office: Office, status: ApplicationStatus) -> String {
    format!("QUEUE#{}#{}", office.code(), status.code())
}

/// The statuses in which an office has something to do (the sparse queue index holds only these).
pub fn office_acts_on(status: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        status,
        ApplicationCompleted | ErrorReceiptNumber | UnderExamination | WaitingForIssuance | ExaminationCompleted
    )
}

impl Record for Application {
    fn key(&self) -> Key {
        key(self.id())
    }

    fn index(&self, created_at: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
        let mut extra = vec![
            (attr::GSI1_PK, s(format!("ORG#{}", self.organization_id()))),
            (attr::GSI1_SK, s(format!("APP#{}#{}", created_at.to_rfc3339(), self.id()))),
        ];
        if office_acts_on(self.status()) {
            let day = self.receipt_date().map(|d| d.to_string()).unwrap_or_default();
            extra.push((attr::GSI2_PK, s(queue_partition(self.form().receiving_office, self.status()))));
            extra.push((attr::GSI2_SK, s(format!("{day}#{}", self.id()))));
        }
        extra
    }
}

impl Applications<'_> {
    pub async fn get(&self, id: &ApplicationId) -> Result<Option<Stored<Application>>, StoreError> {
        Store::get_stored(self.0, &key(id)).await
    }

    /// An organization's applications, newest first (Q50).
    pub async fn of_organization(
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
        super::decode_page(self.0.query(&q).await?)
    }

    /// An office's applications in one status, newest receipt first.
    pub async fn office_queue(
        &self,
        office: Office,
        status: ApplicationStatus,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, StoreError> {
        let q = Query::partition(Index::Gsi2, queue_partition(office, status)).descending().limit(limit).after(after);
        super::decode_page(self.0.query(&q).await?)
    }

    /// Stores a new application unless one with its ID exists; `false` when it existed (the blanket rows of
    /// one file, however often they come, are one application each).
    pub async fn add_if_absent(&self, app: &Application, now: DateTime<Utc>) -> Result<bool, StoreError> {
        match self.0.put(super::new_item(app, now)?, crate::ports::Condition::Absent).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
