//! The counter's work for users: finding them by e-mail or by organization and name at any office, and
//! what it does to one (lift a lock, send a reset link, suspend, resume, cancel, delete an agent).

use serde::Deserialize;
use zairyu_domain::account::{AgentDeletionError, User, UserKind, UserState};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::audit::AuditAction;
use zairyu_domain::error::Localized;
use zairyu_domain::job::NotificationJob;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::status::OfficerRole;
use zairyu_domain::values::{EmailAddress, UserId};

use super::{Counter, counter_officer};
use crate::error::{ServiceError, invalid};
use crate::ports::Cursor;
use crate::services::{Caller, user_addressee};
use crate::store::{LinkPurpose, Records, Stored};

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

impl Counter {
    /// The names of these organizations, for an officer's lists of users (names, not IDs, before users).
    #[tracing::instrument(skip_all)]
    pub async fn organization_names(
        &self,
        caller: &Caller,
        ids: &[zairyu_domain::application::OrganizationId],
    ) -> Result<std::collections::HashMap<zairyu_domain::application::OrganizationId, String>, ServiceError> {
        self.core.organization_names(caller, ids).await
    }

    /// Where this counter stands to `user`: the office of its organization, or any other (officers'
    /// own accounts are an admin's alone, and read as missing to anyone else).
    pub(super) async fn reach(&self, caller: &Caller, user: &User) -> Result<CounterReach, ServiceError> {
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

    /// A user for any office's counter (Q92–Q97: the nearest office), with where the counter stands to it.
    pub(super) async fn stored_office_user(
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

    pub(super) async fn users_named(
        &self,
        org: &OrganizationId,
        name: Option<&str>,
    ) -> Result<Vec<User>, ServiceError> {
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
