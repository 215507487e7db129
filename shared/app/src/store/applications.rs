//! Applications: by ID; an organization's newest first (Q50); the office's queue by status (a sparse index
//! holding an application only while an office has to act on it).

use chrono::{DateTime, Utc};
use zairyu_domain::application::{Application, ApplicationId, OrganizationId};
use zairyu_domain::office::Office;
use zairyu_domain::status::ApplicationStatus;
use zairyu_domain::values::{ResidenceCardNumber, UserId};

use super::{Projection, Record, Records, Store, Stored, UnitOfWork, s};
use crate::ports::{Attr, Cursor, Index, Key, Query, SortKey, StoreError, Table, attr};

pub struct Applications<'a>(pub(super) &'a dyn Table);

fn key(id: &ApplicationId) -> Key {
    Key::new(format!("APP#{id}"), "APP")
}

/// The lookup of an application by its temporary or official receipt number (Q33).
fn receipt_number_key(number: &str) -> Key {
    Key::new(format!("RCPT#{number}"), "RCPT")
}

fn card_partition(card: &ResidenceCardNumber) -> String {
    format!("CARDAPP#{card}")
}

/// Sparse: an application of this author whose examination is pending (Q79).
fn pending_partition(author: &UserId) -> String {
    format!("PENDING#{author}")
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
            extra.push((attr::GSI2_PK, s(queue_partition(self.jurisdiction(), self.status()))));
            extra.push((attr::GSI2_SK, s(format!("{day}#{}", self.id()))));
        }
        extra
    }

    fn projections(&self) -> Vec<Projection> {
        let sk = format!("APP#{}", self.id());
        let mut out = vec![
            Projection::new(Key::new(card_partition(&self.form().stay.card_number), sk.clone()), true),
            Projection::new(
                Key::new(pending_partition(self.created_by()), sk),
                self.status().examination_pending(),
            ),
        ];
        if let Some(n) = self.temporary_receipt_number() {
            out.push(Projection::new(receipt_number_key(n.as_str()), true));
        }
        if let Some(n) = self.official_receipt_number() {
            out.push(Projection::new(receipt_number_key(&n.to_string()), true));
        }
        out
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

    /// Stores a new application (with its lookups) unless one with its ID exists; `false` when it existed (the
    /// blanket rows of one file, however often they come, are one application each).
    pub async fn add_if_absent(&self, app: &Application, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut change = UnitOfWork::new(now);
        change.add(app)?;
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

    /// The applications for the holder of this residence card, a page at a time (a page may hold fewer than
    /// `limit` when a lookup was left behind by a corrected entry).
    pub async fn by_card(
        &self,
        card: &ResidenceCardNumber,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, StoreError> {
        let q = Query::partition(Index::Primary, card_partition(card)).limit(limit).after(after);
        let page = self.0.query(&q).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for key in super::pointed(&page.items)? {
            // A lookup left behind by a corrected card number is verified away.
            if let Some(app) = Store::get_stored::<Application>(self.0, &key).await?
                && app.form().stay.card_number == *card
            {
                items.push(app.into_inner());
            }
        }
        Ok(Records { items, next: page.next })
    }

    /// Whether this user entered an application whose examination is pending (Q79), however many
    /// applications the organization has: one read of a sparse lookup.
    pub async fn has_pending_by(&self, author: &UserId) -> Result<bool, StoreError> {
        let q = Query::partition(Index::Primary, pending_partition(author)).limit(1);
        Ok(!self.0.query(&q).await?.items.is_empty())
    }
}
