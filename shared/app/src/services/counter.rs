//! The counter's work (Q1–Q20, Q72–Q80, Q92–Q96): registering organizations, requests for use and their
//! approval, the List of Affiliated Foreign Nationals, periodic reports, and managing users. Counter
//! officers and admins of the organization's office act; an admin acts everywhere.

use serde::Deserialize;
use zairyu_domain::account::{AgentDeletionError, User, UserKind, UserState};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::error::{Collector, Language, Localized, Text, Violations};
use zairyu_domain::form::Sex;
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::jst::JstDate;
use zairyu_domain::notice::{Notice, NoticeInput};
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::office::Office;
use zairyu_domain::organization::{
    ForeignNational, Organization, OrganizationError, OrganizationKind, OrganizationProfile, UseState,
};
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::request_for_use::{NewRequest, RequestForUse, RequestKind, RequestState};
use zairyu_domain::status::OfficerRole;
use zairyu_domain::status_of_residence::StatusOfResidence;
use zairyu_domain::values::{CorporateNumber, EmailAddress, NameOnCard, PassportNumber, ResidenceCardNumber, UserId};

use super::accounts::PasswordLinks;
use super::{Caller, Core, approval_due, passport_due, user_addressee};
use crate::error::{ServiceError, invalid};
use crate::ports::Cursor;
use crate::store::{LinkPurpose, Records, Stored};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    #[error(
        "an agent's request for use needs the organization's written request, stamped by its representative, on file (Q17, Q18)"
    )]
    WrittenRequestMissing,
    #[error("a new request for use is for an organization not yet approved; use an additional request (Q3)")]
    AlreadyApproved,
    #[error("an additional request for use is for an organization already approved; use a new request (Q3)")]
    NotYetApproved,
    #[error(
        "only an agent gives an office of affiliation; a staff member's cards go to the organization's location (Q56)"
    )]
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
                "取次者の利用申出には、所属機関の代表者印のある依頼書の提出が必要です（Q17、Q18）。".into()
            }
            Self::AlreadyApproved => "既に承認されている所属機関です。追加利用申出を行ってください（Q3）。".into(),
            Self::NotYetApproved => "まだ承認されていない所属機関です。新規利用申出を行ってください（Q3）。".into(),
            Self::OfficeAddressOfStaff => {
                "事務所の所在地は取次者のみ入力します。職員の場合、在留カードは所属機関の所在地に送付されます（Q56）。"
                    .into()
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    pub kind: OrganizationKind,
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub corporate_number: String,
    pub office: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestForUseInput {
    pub kind: RequestKind,
    pub requester_name: String,
    pub requester_email: String,
    #[serde(default)]
    pub is_agent: bool,
    #[serde(default)]
    pub written_request_on_file: bool,
    /// Q56: an agent's office of affiliation (where cards received by post are sent); required for an
    /// agent, not given for a staff member.
    #[serde(default)]
    pub office_address: String,
}

/// A person for the List of Affiliated Foreign Nationals, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ForeignNationalInput {
    pub residence_card_number: String,
    pub name: String,
    pub nationality: String,
    pub birth_date: String,
    /// 男/女 or male/female, as on the card.
    pub sex: String,
    pub status_of_residence: String,
    pub period_of_stay: String,
    pub expiry_date: String,
    pub passport_number: String,
    pub passport_expiry: String,
    pub email: String,
    pub kanji_name_on_card: bool,
}

fn opt<T, E: Localized>(
    c: &mut Collector,
    field: &str,
    s: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<Option<T>> {
    if s.trim().is_empty() { Some(None) } else { c.take(field, parse(s)).map(Some) }
}

impl ForeignNationalInput {
    pub fn parse(&self) -> Result<ForeignNational, Violations> {
        let mut c = Collector::new();
        let card = c.take("residence_card_number", ResidenceCardNumber::parse(&self.residence_card_number));
        let name = c.take("name", NameOnCard::parse(&self.name));
        let nationality = c.take("nationality", Text::<60>::parse(&self.nationality));
        let birth = c.take("birth_date", JstDate::parse(&self.birth_date));
        let sex = c.take("sex", Sex::parse(&self.sex));
        let status = c.take("status_of_residence", StatusOfResidence::parse(&self.status_of_residence));
        let period = c.take("period_of_stay", PeriodOfStay::parse(&self.period_of_stay));
        let expiry = c.take("expiry_date", JstDate::parse(&self.expiry_date));
        let passport = opt(&mut c, "passport_number", &self.passport_number, PassportNumber::parse);
        let passport_expiry = opt(&mut c, "passport_expiry", &self.passport_expiry, JstDate::parse);
        let email = opt(&mut c, "email", &self.email, EmailAddress::parse);
        c.finish(|| {
            Some(ForeignNational {
                card_number: card?,
                name: name?,
                nationality: nationality?,
                birth_date: birth?,
                sex: sex?,
                status: status?,
                period_of_stay: period?,
                expiry: expiry?,
                passport_number: passport?,
                passport_expiry: passport_expiry?,
                email: email?,
                kanji_name_on_card: self.kanji_name_on_card,
            })
        })
    }
}

impl From<&ForeignNational> for ForeignNationalInput {
    /// The person as the counter's correction form shows it, to be typed over.
    fn from(p: &ForeignNational) -> Self {
        Self {
            residence_card_number: p.card_number.to_string(),
            name: p.name.to_string(),
            nationality: p.nationality.as_str().to_owned(),
            birth_date: p.birth_date.to_string(),
            sex: match p.sex {
                Sex::Male => "male".into(),
                Sex::Female => "female".into(),
            },
            status_of_residence: p.status.code().to_owned(),
            period_of_stay: p.period_of_stay.to_string(),
            expiry_date: p.expiry.to_string(),
            passport_number: p.passport_number.as_ref().map(ToString::to_string).unwrap_or_default(),
            passport_expiry: p.passport_expiry.map(|d| d.to_string()).unwrap_or_default(),
            email: p.email.as_ref().map(ToString::to_string).unwrap_or_default(),
            kanji_name_on_card: p.kanji_name_on_card,
        }
    }
}

/// An officer is created with at least one role.
#[derive(Debug, thiserror::Error)]
#[error("choose at least one role")]
struct NoRole;

impl Localized for NoRole {
    fn rule(&self) -> &'static str {
        "officer.no_role"
    }
    fn message_ja(&self) -> String {
        "役割を1つ以上選んでください。".into()
    }
}

/// A user ID is one person's for good.
#[derive(Debug, thiserror::Error)]
#[error("this user ID is taken; choose another")]
struct TakenUserId;

impl Localized for TakenUserId {
    fn rule(&self) -> &'static str {
        "user_id.taken"
    }
    fn message_ja(&self) -> String {
        "この利用者IDは使われています。別のIDにしてください。".into()
    }
}

/// Q95: nothing more is done for a user whose use was cancelled.
#[derive(Debug, thiserror::Error)]
#[error("this user's use has been cancelled and the user information deleted; nothing more can be done")]
struct UseCancelled;

impl Localized for UseCancelled {
    fn rule(&self) -> &'static str {
        "user.cancelled"
    }
    fn message_ja(&self) -> String {
        "この利用者の利用は取り消され、利用者情報は削除されています。これ以上の処理はできません。".into()
    }
}

/// An action the user's state does not call for (a lock lifted that is not locked, a use resumed that
/// runs, an agent cancelled instead of deleted).
#[derive(Debug, thiserror::Error)]
#[error("this action does not apply to the user as the user stands now")]
struct NotForThisUser;

impl Localized for NotForThisUser {
    fn rule(&self) -> &'static str {
        "user.action_not_offered"
    }
    fn message_ja(&self) -> String {
        "この利用者の現在の状態では、この処理は行えません。".into()
    }
}

/// What the counter does to a user (Q79, Q92–Q96).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "action", deny_unknown_fields)]
pub enum UserAction {
    Suspend,
    Resume,
    Cancel,
    /// Q79: deleting an agent's user information.
    DeleteAgent,
    /// Q92, Q96, Q97: a one-time link to set a new password, e-mailed to the user.
    ResetPassword,
    /// Q96: lifting a lockout.
    LiftLockout,
}

/// Where an officer's counter stands to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterReach {
    /// The office of the user's organization (an admin acts as one everywhere).
    OwnOffice,
    /// Another office's counter: the nearest one the user came to (Q92–Q97).
    AnyOffice,
}

impl UserAction {
    pub const ALL: [UserAction; 6] =
        [Self::Suspend, Self::Resume, Self::Cancel, Self::DeleteAgent, Self::ResetPassword, Self::LiftLockout];

    /// Whether a counter of this reach takes the action: a user who comes to the nearest office's counter
    /// has a reset link sent, a lock lifted (Q92, Q94, Q96, Q97) and its use cancelled (Q95) there; a
    /// suspension, a resumption and an agent's deletion (Q79) stay with the organization's own office.
    pub fn at(self, reach: CounterReach) -> bool {
        match self {
            Self::ResetPassword | Self::LiftLockout | Self::Cancel => true,
            Self::Suspend | Self::Resume | Self::DeleteAgent => reach == CounterReach::OwnOffice,
        }
    }

    /// What a counter of this reach can do to `user` as it stands at `now`: the actions its page offers and
    /// the only ones [`Counter::office_user_action`] takes. A cancelled user's information is deleted (Q95):
    /// nothing more; an agent's is deleted by [`Self::DeleteAgent`] (Q79), another user's use cancelled.
    pub fn offered(user: &User, now: chrono::DateTime<chrono::Utc>, reach: CounterReach) -> Vec<UserAction> {
        let mut offered = Self::by_state(user, now);
        offered.retain(|a| a.at(reach));
        offered
    }

    fn by_state(user: &User, now: chrono::DateTime<chrono::Utc>) -> Vec<UserAction> {
        let mut offered = match user.state() {
            UserState::Active => vec![Self::ResetPassword, Self::Suspend],
            UserState::Suspended => vec![Self::Resume],
            UserState::Cancelled => return Vec::new(),
        };
        if user.guard().is_locked(now) {
            offered.insert(0, Self::LiftLockout);
        }
        offered.push(if matches!(user.kind(), UserKind::Agent) { Self::DeleteAgent } else { Self::Cancel });
        offered
    }

    /// The action of its code (`lift_lockout`, …), as the API's JSON names it.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Cancel => "cancel",
            Self::DeleteAgent => "delete_agent",
            Self::ResetPassword => "reset_password",
            Self::LiftLockout => "lift_lockout",
        }
    }

    fn audit_action(self) -> AuditAction {
        match self {
            Self::Suspend => AuditAction::SuspendUser,
            Self::Resume => AuditAction::ResumeUser,
            Self::Cancel => AuditAction::CancelUser,
            Self::DeleteAgent => AuditAction::DeleteAgent,
            Self::ResetPassword => AuditAction::ResetPassword,
            Self::LiftLockout => AuditAction::LiftLockout,
        }
    }
}

/// A user as the counter sees it, with what this counter can do to it ([`UserAction::offered`]).
#[derive(Debug, Clone)]
pub struct CounterUser {
    pub user: User,
    pub actions: Vec<UserAction>,
}

/// The counter's page of an organization: see [`Counter::organization_file`].
#[derive(Debug, Clone)]
pub struct OrganizationFile {
    pub organization: Organization,
    pub requests: Vec<RequestForUse>,
    pub users: Vec<User>,
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

    /// Where this counter stands to `user`: the office of its organization, or any other (officers'
    /// own accounts are an admin's alone, and read as missing to anyone else).
    async fn reach(&self, caller: &Caller, user: &User) -> Result<CounterReach, ServiceError> {
        let (own, roles) = counter_officer(caller)?;
        let Some(org) = user.organization_id() else {
            return if roles.contains(&OfficerRole::Admin) {
                Ok(CounterReach::OwnOffice)
            } else {
                Err(ServiceError::NotFound)
            };
        };
        if roles.contains(&OfficerRole::Admin) {
            return Ok(CounterReach::OwnOffice);
        }
        let org = self.core.store().organizations().get(org).await?.ok_or(ServiceError::NotFound)?;
        Ok(if org.profile().office == own { CounterReach::OwnOffice } else { CounterReach::AnyOffice })
    }

    /// Q1–Q3, Q15: registers an organization of affiliation at the office with jurisdiction over it.
    #[tracing::instrument(skip_all)]
    pub async fn register_organization(
        &self,
        caller: &Caller,
        input: &OrganizationInput,
    ) -> Result<Organization, ServiceError> {
        let office = Office::parse(&input.office).map_err(|e| invalid("office", &e))?;
        at_counter(caller, office).map_err(|e| match e {
            ServiceError::NotFound => ServiceError::Forbidden,
            e => e,
        })?;
        let profile =
            OrganizationProfile::parse(input.kind, &input.name, &input.location, &input.corporate_number, office)?;
        let id = OrganizationId::parse(&self.core.new_id()).map_err(|e| invalid("id", &e))?;
        let org = Organization::register(id, profile);
        let registered = || invalid("corporate_number", &OrganizationError::CorporateNumberRegistered);
        let organizations = self.core.store().organizations();
        if let Some(number) = &org.profile().corporate_number
            && organizations.corporate_number_registered(number).await?
        {
            return Err(registered());
        }
        let event = self.counter_event(caller, AuditAction::RegisterOrganization, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.add(&org)?;
        match self.core.commit(change).await {
            // Registered by someone else meanwhile: the claim of the number failed.
            Err(ServiceError::Conflict) => Err(registered()),
            other => other.map(|()| org),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn office_organization(&self, caller: &Caller, id: &str) -> Result<Organization, ServiceError> {
        Ok(self.counter_organization(caller, id).await?.into_inner())
    }

    /// The organization of the officer's office registered with this corporate number (what an
    /// organization tells the counter): not found when none is, or when it is another office's.
    #[tracing::instrument(skip_all)]
    pub async fn office_organization_by_corporate_number(
        &self,
        caller: &Caller,
        number: &str,
    ) -> Result<Organization, ServiceError> {
        caller.officer()?;
        let number = CorporateNumber::parse(number).map_err(|_| ServiceError::NotFound)?;
        let id = self.core.store().organizations().by_corporate_number(&number).await?.ok_or(ServiceError::NotFound)?;
        self.office_organization(caller, id.as_str()).await
    }

    /// Q78: a change of the organization's name or location.
    #[tracing::instrument(skip_all)]
    pub async fn change_organization(
        &self,
        caller: &Caller,
        id: &str,
        name: Option<&str>,
        location: Option<&str>,
    ) -> Result<Organization, ServiceError> {
        let mut org = self.counter_organization(caller, id).await?;
        let mut c = Collector::new();
        if let Some(n) = name
            && let Some(v) = c.take("name", Text::<120>::parse(n))
        {
            org.rename(v);
        }
        if let Some(l) = location
            && let Some(v) = c.take("location", Text::<200>::parse(l))
        {
            org.relocate(v);
        }
        c.finish(|| Some(()))?;
        let event = self.counter_event(caller, AuditAction::ChangeOrganization, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.save(&org)?;
        self.core.commit(change).await?;
        Ok(org.into_inner())
    }

    /// Q3, Q10, Q16–Q20: records a request for use made at the counter.
    #[tracing::instrument(skip_all)]
    pub async fn record_request_for_use(
        &self,
        caller: &Caller,
        org_id: &str,
        input: &RequestForUseInput,
    ) -> Result<RequestForUse, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let mut c = Collector::new();
        let name = c.take("requester_name", Text::<80>::parse(&input.requester_name));
        let email = c.take("requester_email", EmailAddress::parse(&input.requester_email));
        if input.is_agent && !input.written_request_on_file {
            c.push("written_request_on_file", &CounterError::WrittenRequestMissing);
        }
        let office_address = match (input.is_agent, input.office_address.trim().is_empty()) {
            (true, _) => c.take("office_address", Text::<200>::parse(&input.office_address)).map(Some),
            (false, true) => Some(None),
            (false, false) => {
                c.push("office_address", &CounterError::OfficeAddressOfStaff);
                None
            }
        };
        match (input.kind, org.approval().is_some()) {
            (RequestKind::New, true) => c.push("kind", &CounterError::AlreadyApproved),
            (RequestKind::Additional, false) => c.push("kind", &CounterError::NotYetApproved),
            _ => {}
        }
        let (name, email, agent_office_address) = c.finish(|| Some((name?, email?, office_address?)))?;
        let req = RequestForUse::record(NewRequest {
            id: self.core.new_id(),
            organization_id: org.id().clone(),
            kind: input.kind,
            requester_name: name,
            requester_email: email,
            is_agent: input.is_agent,
            agent_office_address,
            written_request_on_file: input.written_request_on_file,
            recorded_by: caller.user_id.clone(),
            recorded_at: self.core.now(),
        });
        let event = self.counter_event(caller, AuditAction::RecordRequestForUse, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.add_request_for_use(&req, org.profile().office)?;
        self.core.commit(change).await?;
        Ok(req)
    }

    /// Q12–Q14, Q88: approves (a user ID, the approval dates for a new request, an e-mail with the one-time
    /// link to set the password) or denies (an e-mail saying so) a request for use.
    #[tracing::instrument(skip_all)]
    pub async fn decide_request_for_use(
        &self,
        caller: &Caller,
        org_id: &str,
        request_id: &str,
        approve: bool,
    ) -> Result<RequestForUse, ServiceError> {
        let mut org = self.counter_organization(caller, org_id).await?;
        let mut req = self
            .core
            .store()
            .organizations()
            .request_for_use(org.id(), request_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let requester = vec![Addressee { email: req.requester_email().clone(), language: Language::Ja }];
        let subject = format!("organization:{}", org.id());
        if !approve {
            req.deny().map_err(|e| invalid("request", &e))?;
            let event = self.counter_event(caller, AuditAction::DenyRequestForUse, subject);
            let job = NotificationJob::new(
                NotificationKind::RequestForUseDenied,
                format!("request_for_use_denied:{}", req.id()),
                requester,
            );
            let mut change = self.core.change(&event)?;
            change.save_request_for_use(&req, org.profile().office)?;
            self.core.enqueue(&mut change, &job)?;
            self.core.commit(change).await?;
            return Ok(req.into_inner());
        }
        let event = self.counter_event(caller, AuditAction::ApproveRequestForUse, subject);
        let mut change = self.core.change(&event)?;
        if req.kind() == RequestKind::New {
            org.grant_approval(self.core.today());
            change.save(&org)?;
            approval_due(&mut change, &org);
        }
        // A user ID nobody has: guarded by the write's only-if-absent condition.
        let user_id = UserId::parse(&format!("U{:09}", self.core.random() % 1_000_000_000))
            .map_err(|e| invalid("user_id", &e))?;
        let user = match req.agent_office_address() {
            Some(office) if req.is_agent() => User::agent(
                user_id.clone(),
                org.id().clone(),
                req.requester_name().clone(),
                req.requester_email().clone(),
                office.clone(),
            ),
            _ => User::new(
                user_id.clone(),
                if req.is_agent() { UserKind::Agent } else { UserKind::OrganizationStaff },
                Some(org.id().clone()),
                req.requester_name().clone(),
                req.requester_email().clone(),
                Language::Ja,
            ),
        };
        change.add(&user)?;
        req.approve(user_id.clone()).map_err(|e| invalid("request", &e))?;
        change.save_request_for_use(&req, org.profile().office)?;
        let (token, expires_at) = self.links.add(&mut change, &user, LinkPurpose::SetPassword)?;
        let job = self.links.job(
            NotificationKind::RequestForUseApproved,
            format!("request_for_use_approved:{}", req.id()),
            requester,
            &user_id,
            &token,
            expires_at,
        );
        self.core.enqueue(&mut change, &job)?;
        self.core.commit(change).await?;
        Ok(req.into_inner())
    }

    /// What the counter's page of an organization shows, the organization read once: the organization, its
    /// requests for use (Q3, Q10; the newest first, its latest hundred) and its users (those whose name
    /// contains `user_name` when given, Q93).
    #[tracing::instrument(skip_all)]
    pub async fn organization_file(
        &self,
        caller: &Caller,
        org_id: &str,
        user_name: Option<&str>,
    ) -> Result<OrganizationFile, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let organizations = self.core.store().organizations();
        let mut requests = organizations.requests_of_organization(org.id(), 100).await?;
        requests.sort_by(|a, b| b.recorded_at().cmp(&a.recorded_at()).then_with(|| b.id().cmp(a.id())));
        let users = self.users_named(org.id(), user_name).await?;
        Ok(OrganizationFile { organization: org.into_inner(), requests, users })
    }

    /// Q12: the requests for use the officer's office has yet to decide, the newest first.
    #[tracing::instrument(skip_all)]
    pub async fn pending_requests(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<RequestForUse>, ServiceError> {
        let (office, _) = caller.officer()?;
        at_counter(caller, office)?;
        Ok(self.core.store().organizations().requests_of_office(office, RequestState::Pending, after, limit).await?)
    }

    /// Q80: the organization (read once) and a page of its List of Affiliated Foreign Nationals, by card
    /// number.
    #[tracing::instrument(skip_all)]
    pub async fn organization_people(
        &self,
        caller: &Caller,
        org_id: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<(Organization, Records<ForeignNational>), ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let people = self.core.store().organizations().people(org.id(), after, limit).await?;
        Ok((org.into_inner(), people))
    }

    /// Q80: one person on the organization's list.
    #[tracing::instrument(skip_all)]
    pub async fn organization_person(
        &self,
        caller: &Caller,
        org_id: &str,
        card: &str,
    ) -> Result<ForeignNational, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let card = ResidenceCardNumber::parse(card).map_err(|_| ServiceError::NotFound)?;
        self.core.store().organizations().person(org.id(), &card).await?.ok_or(ServiceError::NotFound)
    }

    /// Q80: adds or updates a person on the List of Affiliated Foreign Nationals.
    #[tracing::instrument(skip_all)]
    pub async fn put_foreign_national(
        &self,
        caller: &Caller,
        org_id: &str,
        input: &ForeignNationalInput,
    ) -> Result<ForeignNational, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let person = input.parse()?;
        let event = self.counter_event(caller, AuditAction::PutForeignNational, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.put_person(org.id(), &person)?;
        passport_due(&mut change, org.id(), &person);
        self.core.commit(change).await?;
        Ok(person)
    }

    /// Q80: the people of a list file the office keeps as a spreadsheet (see [`super::list_file`]), added
    /// or corrected on the organization's list; how many. Nothing is stored unless every row reads. The rows
    /// are written 40 to a transaction: were one to fail, the file sent again writes every row again (a
    /// person is put whole, so twice is once).
    #[tracing::instrument(skip_all)]
    pub async fn import_list_file(&self, caller: &Caller, org_id: &str, bytes: &[u8]) -> Result<usize, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let people = super::list_file::parse(bytes).map_err(|e| match e {
            Ok(rows) => ServiceError::Invalid(rows),
            Err(file) => invalid("file", &file),
        })?;
        for chunk in people.chunks(40) {
            let event =
                self.counter_event(caller, AuditAction::PutForeignNational, format!("organization:{}", org.id()));
            let mut change = self.core.change(&event)?;
            for person in chunk {
                change.put_person(org.id(), person)?;
                passport_due(&mut change, org.id(), person);
            }
            self.core.commit(change).await?;
        }
        Ok(people.len())
    }

    /// Q80: removes a person from the list.
    #[tracing::instrument(skip_all)]
    pub async fn remove_foreign_national(&self, caller: &Caller, org_id: &str, card: &str) -> Result<(), ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let card = ResidenceCardNumber::parse(card).map_err(|_| ServiceError::NotFound)?;
        let event =
            self.counter_event(caller, AuditAction::RemoveForeignNational, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.remove_person(org.id(), &card);
        match self.core.commit(change).await {
            Err(ServiceError::Conflict) => Err(ServiceError::NotFound),
            other => other,
        }
    }

    /// Q72–Q76: records the decision on a periodic report. Approval extends the approval to the old expiry
    /// + 1 year and resumes a suspended organization; every user is told (Q74).
    #[tracing::instrument(skip_all)]
    pub async fn decide_periodic_report(
        &self,
        caller: &Caller,
        org_id: &str,
        approve: bool,
    ) -> Result<Organization, ServiceError> {
        let mut org = self.counter_organization(caller, org_id).await?;
        let approval = org.approval().ok_or_else(|| invalid("organization", &CounterError::NotYetApproved))?;
        let to = self.org_addressees(org.id()).await?;
        let subject = format!("organization:{}", org.id());
        let mut jobs = Vec::new();
        let action = if approve { AuditAction::ApprovePeriodicReport } else { AuditAction::DenyPeriodicReport };
        let event = self.counter_event(caller, action, subject);
        let mut change = self.core.change(&event)?;
        if approve {
            let was = org.approve_periodic_report().unwrap_or(org.use_state());
            let (state, extended) = (org.use_state(), org.approval().unwrap_or(approval));
            approval_due(&mut change, &org);
            jobs.push(
                NotificationJob::new(
                    NotificationKind::PeriodicReportApproved,
                    format!("periodic_report_approved:{}:{}", org.id(), extended.expires_on),
                    to.clone(),
                )
                .with("expires_on", extended.expires_on.to_string()),
            );
            if was == UseState::Suspended && state == UseState::Active {
                jobs.push(NotificationJob::new(
                    NotificationKind::UseResumed,
                    format!("use_resumed:{}:{}", org.id(), extended.expires_on),
                    to,
                ));
            }
        } else {
            jobs.push(NotificationJob::new(
                NotificationKind::PeriodicReportDenied,
                format!("periodic_report_denied:{}:{}", org.id(), approval.expires_on),
                to,
            ));
        }
        change.save(&org)?;
        for job in jobs.iter().filter(|j| !j.to.is_empty()) {
            self.core.enqueue(&mut change, job)?;
        }
        self.core.commit(change).await?;
        Ok(org.into_inner())
    }

    /// A user for any office's counter (Q92–Q97: the nearest office), with where the counter stands to it.
    async fn stored_office_user(
        &self,
        caller: &Caller,
        user_id: &str,
    ) -> Result<(Stored<User>, CounterReach), ServiceError> {
        counter_officer(caller)?;
        let id = UserId::parse(user_id).map_err(|_| ServiceError::NotFound)?;
        let user = self.core.store().users().get(&id).await?.ok_or(ServiceError::NotFound)?;
        let reach = self.reach(caller, &user).await?;
        Ok((user, reach))
    }

    /// Q93, Q94: the users of an organization, those whose name contains `name` (ignoring case) when given,
    /// so that the counter of any office can tell a user its forgotten ID.
    #[tracing::instrument(skip_all)]
    pub async fn organization_users(
        &self,
        caller: &Caller,
        org_id: &str,
        name: Option<&str>,
    ) -> Result<Vec<User>, ServiceError> {
        counter_officer(caller)?;
        let id = OrganizationId::parse(org_id).map_err(|_| ServiceError::NotFound)?;
        let org = self.core.store().organizations().get(&id).await?.ok_or(ServiceError::NotFound)?;
        self.users_named(org.id(), name).await
    }

    async fn users_named(&self, org: &OrganizationId, name: Option<&str>) -> Result<Vec<User>, ServiceError> {
        let mut users = self.core.store().users().all_of_organization(org).await?;
        if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
            let name = name.to_lowercase();
            users.retain(|u| u.name().as_str().to_lowercase().contains(&name));
        }
        Ok(users)
    }

    /// Q93, Q94: the users with this e-mail address, for the counter of any office (officers' own accounts
    /// for admins alone), found by an index.
    #[tracing::instrument(skip_all)]
    pub async fn users_by_email(
        &self,
        caller: &Caller,
        email: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<User>, ServiceError> {
        let (_, roles) = counter_officer(caller)?;
        let email = EmailAddress::parse(email).map_err(|e| invalid("email", &e))?;
        let mut page = self.core.store().users().by_email(&email, after, limit).await?;
        let admin = roles.contains(&OfficerRole::Admin);
        page.items.retain(|user| admin || user.organization_id().is_some());
        Ok(page)
    }

    /// Q25: an admin publishes a notice for the top screen, with a planned maintenance window if it
    /// announces one (applications are not accepted during it).
    #[tracing::instrument(skip_all)]
    pub async fn publish_notice(&self, caller: &Caller, input: &NoticeInput) -> Result<Notice, ServiceError> {
        if !Self::is_admin(caller) {
            return Err(ServiceError::Forbidden);
        }
        let notice = Notice::parse(self.core.new_id(), input, self.core.now())?;
        let event = self.counter_event(caller, AuditAction::PublishNotice, format!("notice:{}", notice.id));
        let mut change = self.core.change(&event)?;
        change.add(&notice)?;
        self.core.commit(change).await?;
        Ok(notice)
    }

    /// The time by the service's clock (what a page shows as locked or not).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.core.now()
    }

    /// An admin: publishes and withdraws notices (Q25) and creates officers.
    pub fn is_admin(caller: &Caller) -> bool {
        caller.officer().is_ok_and(|(_, roles)| roles.contains(&OfficerRole::Admin))
    }

    /// Q25: the notices shown on the top page now, for the office's notices page.
    #[tracing::instrument(skip_all)]
    pub async fn office_notices(&self, caller: &Caller) -> Result<Vec<Notice>, ServiceError> {
        caller.officer()?;
        self.core.current_notices().await
    }

    /// Q25: an admin withdraws a notice (a maintenance called off ends its refusals).
    #[tracing::instrument(skip_all)]
    pub async fn withdraw_notice(&self, caller: &Caller, id: &str) -> Result<(), ServiceError> {
        if !Self::is_admin(caller) {
            return Err(ServiceError::Forbidden);
        }
        let found = self.core.store().notices().find(id, 200).await?.ok_or(ServiceError::NotFound)?;
        let event = self.counter_event(caller, AuditAction::WithdrawNotice, format!("notice:{}", found.notice.id));
        let mut change = self.core.change(&event)?;
        change.remove_notice(&found);
        self.core.commit(change).await.map_err(|e| match e {
            ServiceError::Conflict => ServiceError::NotFound,
            e => e,
        })
    }

    /// Q93: confirms a user (the counter looks up a user ID for its holder), with what this counter can
    /// do to it.
    #[tracing::instrument(skip_all)]
    pub async fn office_user(&self, caller: &Caller, user_id: &str) -> Result<CounterUser, ServiceError> {
        let (user, reach) = self.stored_office_user(caller, user_id).await?;
        let actions = UserAction::offered(&user, self.core.now(), reach);
        Ok(CounterUser { user: user.into_inner(), actions })
    }

    /// Q79, Q92–Q96: the counter's actions on a user.
    #[tracing::instrument(skip_all)]
    pub async fn office_user_action(
        &self,
        caller: &Caller,
        user_id: &str,
        action: UserAction,
    ) -> Result<User, ServiceError> {
        let (mut user, reach) = self.stored_office_user(caller, user_id).await?;
        // Only what the page offers ([`UserAction::offered`]): another office's matter is forbidden; a
        // cancelled user's information is deleted (Q95): it is not suspended, resumed or sent a link again.
        if !UserAction::offered(&user, self.core.now(), reach).contains(&action) {
            return Err(if !action.at(reach) {
                ServiceError::Forbidden
            } else if user.state() == UserState::Cancelled {
                invalid("action", &UseCancelled)
            } else {
                invalid("action", &NotForThisUser)
            });
        }
        let round = user.guard().round;
        let subject = format!("user:{}", user.id());
        let addressee = vec![user_addressee(&user)];
        match action {
            UserAction::Suspend => user.suspend(),
            UserAction::Resume => user.resume(),
            UserAction::Cancel => user.cancel(),
            UserAction::LiftLockout => user.lift_lockout(),
            UserAction::DeleteAgent => {
                let pending = self.core.store().applications().has_pending_by(user.id()).await?;
                user.delete_agent(pending).map_err(|e: AgentDeletionError| invalid("user", &e))?;
            }
            UserAction::ResetPassword => {
                let office = caller.officer().ok().map(|(office, _)| office);
                self.links.issue(&user, LinkPurpose::SetPassword, caller.user_id.as_str(), office, None).await?;
                return Ok(user.into_inner());
            }
        }
        let kind = match action {
            UserAction::Suspend => Some(NotificationKind::UserUseSuspended),
            UserAction::Resume => Some(NotificationKind::UserUseResumed),
            UserAction::Cancel | UserAction::DeleteAgent => Some(NotificationKind::UserUseCancelled),
            _ => None,
        };
        let event = self.counter_event(caller, action.audit_action(), subject);
        let mut change = self.core.change(&event)?;
        if let Some(kind) = kind {
            let job = NotificationJob::new(kind, format!("{}:{}:{}", kind.code(), user.id(), event.id), addressee)
                .with("user_id", user.id().as_str());
            self.core.enqueue(&mut change, &job)?;
        }
        change.save_user(&user, round)?;
        self.core.commit(change).await?;
        Ok(user.into_inner())
    }

    /// #18 item 7: an admin creates another officer of its own office with roles; the new officer is e-mailed
    /// the one-time link to set a password (nobody sees one). An ID already taken is refused beside it.
    #[tracing::instrument(skip_all)]
    pub async fn office_create_officer(
        &self,
        caller: &Caller,
        user_id: &str,
        name: &str,
        email: &str,
        roles: Vec<OfficerRole>,
    ) -> Result<User, ServiceError> {
        let (office, _) = caller.officer()?;
        if !Self::is_admin(caller) {
            return Err(ServiceError::Forbidden);
        }
        let mut c = Collector::new();
        let id = c.take("user_id", UserId::parse(user_id));
        let name = c.take("name", Text::<80>::parse(name));
        let email = c.take("email", EmailAddress::parse(email));
        if roles.is_empty() {
            c.push("roles", &NoRole);
        }
        let (id, name, email) = c.finish(|| Some((id?, name?, email?)))?;
        if self.core.store().users().get(&id).await?.is_some() {
            return Err(invalid("user_id", &TakenUserId));
        }
        let user = User::new(id.clone(), UserKind::Officer { office, roles }, None, name, email, Language::Ja);
        let event = self.counter_event(caller, AuditAction::CreateOfficer, format!("user:{id}"));
        let mut change = self.core.change(&event)?;
        change.add(&user)?;
        let (token, expires_at) = self.links.add(&mut change, &user, LinkPurpose::SetPassword)?;
        let kind = NotificationKind::PasswordSetupLink;
        let job = self.links.job(
            kind,
            format!("{}:{id}:{}", kind.code(), event.id),
            vec![user_addressee(&user)],
            &id,
            &token,
            expires_at,
        );
        self.core.enqueue(&mut change, &job)?;
        // Taken meanwhile by a parallel request: the same refusal.
        self.core.commit(change).await.map_err(|e| match e {
            ServiceError::Conflict => invalid("user_id", &TakenUserId),
            e => e,
        })?;
        Ok(user)
    }

    /// Creates an officer and returns the one-time link to set its password (Q88). Used by the
    /// `create-officer` command to make the first admin; nobody ever sees a password.
    #[tracing::instrument(skip_all)]
    pub async fn create_officer(
        &self,
        actor: &str,
        user_id: &str,
        name: &str,
        email: &str,
        office: Office,
        roles: Vec<OfficerRole>,
    ) -> Result<String, ServiceError> {
        let mut c = Collector::new();
        let id = c.take("user_id", UserId::parse(user_id));
        let name = c.take("name", Text::<80>::parse(name));
        let email = c.take("email", EmailAddress::parse(email));
        let (id, name, email) = c.finish(|| Some((id?, name?, email?)))?;
        let user = User::new(id.clone(), UserKind::Officer { office, roles }, None, name, email, Language::Ja);
        let event = self.core.event(actor, AuditAction::CreateOfficer, format!("user:{id}"), None, Outcome::Success);
        let mut change = self.core.change(&event)?;
        change.add(&user)?;
        let (token, _) = self.links.add(&mut change, &user, LinkPurpose::SetPassword)?;
        self.core.commit(change).await?;
        Ok(self.links.url(&token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use zairyu_domain::account::LoginGuard;
    use zairyu_domain::error::{Language, Text};
    use zairyu_domain::values::{EmailAddress, UserId};

    fn user(kind: UserKind) -> User {
        User::new(
            UserId::parse("SATO01").unwrap(),
            kind,
            None,
            Text::parse("Sato").unwrap(),
            EmailAddress::parse("sato@example.jp").unwrap(),
            Language::Ja,
        )
    }

    /// The counter's page offers what the user's state allows: a locked user's lock lifted first; a
    /// suspended user resumed; an agent deleted instead of cancelled (Q79); nothing for a cancelled one (Q95).
    #[test]
    fn the_actions_offered_follow_the_user_s_state() {
        use CounterReach::*;
        use UserAction::*;
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 1, 0, 0).unwrap();
        let mut staff = user(UserKind::OrganizationStaff);
        assert_eq!(UserAction::offered(&staff, now, OwnOffice), vec![ResetPassword, Suspend, Cancel]);
        assert!(staff.fail_login(0, LoginGuard::MAX_FAILED_ATTEMPTS, now));
        assert_eq!(UserAction::offered(&staff, now, OwnOffice), vec![LiftLockout, ResetPassword, Suspend, Cancel]);
        // Q92–Q97 at the nearest office: a lock lifted, a reset link, a cancellation; not a suspension.
        assert_eq!(UserAction::offered(&staff, now, AnyOffice), vec![LiftLockout, ResetPassword, Cancel]);
        let later = now + chrono::Duration::hours(25);
        assert_eq!(UserAction::offered(&staff, later, OwnOffice)[0], ResetPassword, "run out");
        staff.suspend();
        assert_eq!(UserAction::offered(&staff, later, OwnOffice), vec![Resume, Cancel]);
        assert_eq!(UserAction::offered(&staff, later, AnyOffice), vec![Cancel]);
        staff.cancel();
        assert!(UserAction::offered(&staff, now, OwnOffice).is_empty());
        let agent = user(UserKind::Agent);
        assert_eq!(UserAction::offered(&agent, now, OwnOffice), vec![ResetPassword, Suspend, DeleteAgent]);
        assert_eq!(UserAction::offered(&agent, now, AnyOffice), vec![ResetPassword], "Q79: at its own office");
        for a in UserAction::ALL {
            assert_eq!(UserAction::parse(a.code()), Some(a));
            let json = serde_json::json!({ "action": a.code() });
            assert_eq!(serde_json::from_value::<UserAction>(json).unwrap(), a, "the API's name");
        }
    }
}
