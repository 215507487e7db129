//! The counter's work (Q1–Q20, Q72–Q80, Q92–Q96): registering organizations, requests for use and their
//! approval, the List of Affiliated Foreign Nationals, periodic reports, and managing users. Counter
//! officers and admins of the organization's office act; an admin acts everywhere.

mod notices;
mod officers;
mod organizations;
mod people;
mod users;

pub use organizations::{OrganizationFile, OrganizationInput, RequestForUseInput};
pub use people::{ForeignNationalInput, list_file};
pub use users::{CounterReach, CounterUser, UserAction};

use zairyu_domain::account::UserState;
use zairyu_domain::application::OrganizationId;
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::error::Localized;
use zairyu_domain::job::Addressee;
use zairyu_domain::office::Office;
use zairyu_domain::organization::Organization;
use zairyu_domain::status::OfficerRole;

use crate::error::ServiceError;
use crate::services::accounts::PasswordLinks;
use crate::services::{Caller, Core, user_addressee};
use crate::store::Stored;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    #[error(
        "an agent's request for use needs the organization's written request, stamped by its representative, on file"
    )]
    WrittenRequestMissing,
    #[error("a new request for use is for an organization not yet approved; use an additional request")]
    AlreadyApproved,
    #[error("an additional request for use is for an organization already approved; use a new request")]
    NotYetApproved,
    #[error("only an agent gives an office of affiliation; a staff member's cards go to the organization's location")]
    OfficeAddressOfStaff,
}

impl Localized for CounterError {
    fn rule(&self) -> &'static str {
        match self {
            Self::WrittenRequestMissing => "request_for_use.written_request_missing",
            Self::AlreadyApproved => "request_for_use.already_approved",
            Self::NotYetApproved => "request_for_use.not_yet_approved",
            Self::OfficeAddressOfStaff => "request_for_use.office_address_of_staff",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::WrittenRequestMissing => {
                "取次者の利用申出には、所属機関の代表者印のある依頼書の提出が必要です。".into()
            }
            Self::AlreadyApproved => "既に承認されている所属機関です。追加利用申出を行ってください。".into(),
            Self::NotYetApproved => "まだ承認されていない所属機関です。新規利用申出を行ってください。".into(),
            Self::OfficeAddressOfStaff => {
                "事務所の所在地は取次者のみ入力します。職員の場合、在留カードは所属機関の所在地に送付されます。".into()
            }
        }
    }
}

/// The counter's work, for counter officers and admins.
#[derive(Clone)]
pub struct Counter {
    core: Core,
    links: PasswordLinks,
}

/// Whether the officer works at a counter (counter officers and admins).
fn counter_officer(caller: &Caller) -> Result<(Office, &[OfficerRole]), ServiceError> {
    let (own, roles) = caller.officer()?;
    if roles.contains(&OfficerRole::Counter) || roles.contains(&OfficerRole::Admin) {
        Ok((own, roles))
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The counter officer's office; admins may act for any.
fn at_counter(caller: &Caller, office: Office) -> Result<(), ServiceError> {
    let (own, roles) = caller.officer()?;
    if !(roles.contains(&OfficerRole::Counter) || roles.contains(&OfficerRole::Admin)) {
        return Err(ServiceError::Forbidden);
    }
    if own == office || roles.contains(&OfficerRole::Admin) { Ok(()) } else { Err(ServiceError::NotFound) }
}

impl Counter {
    pub fn new(core: Core, links: PasswordLinks) -> Self {
        Self { core, links }
    }

    async fn counter_organization(&self, caller: &Caller, id: &str) -> Result<Stored<Organization>, ServiceError> {
        caller.officer()?;
        let id = OrganizationId::parse(id).map_err(|_| ServiceError::NotFound)?;
        let org = self.core.store().organizations().get(&id).await?.ok_or(ServiceError::NotFound)?;
        at_counter(caller, org.profile().office)?;
        Ok(org)
    }

    async fn org_addressees(&self, org: &OrganizationId) -> Result<Vec<Addressee>, ServiceError> {
        let users = self.core.store().users().all_of_organization(org).await?;
        Ok(users.iter().filter(|u| u.state() == UserState::Active).map(user_addressee).collect())
    }

    /// The audit event of a counter's action, with the office that took it.
    fn counter_event(&self, caller: &Caller, action: AuditAction, subject: String) -> zairyu_domain::audit::AuditEvent {
        let mut event =
            self.core.event(caller.user_id.as_str(), action, subject, caller.from.clone(), Outcome::Success);
        event.office = caller.officer().ok().map(|(office, _)| office);
        event
    }

    /// The time by the service's clock (what a page shows as locked or not).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.core.now()
    }

    /// An admin: publishes and withdraws notices (Q25) and creates officers.
    pub fn is_admin(caller: &Caller) -> bool {
        caller.officer().is_ok_and(|(_, roles)| roles.contains(&OfficerRole::Admin))
    }
}
