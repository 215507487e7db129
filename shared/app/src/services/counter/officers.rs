//! Officers' own accounts, created by an admin.

use zairyu_domain::account::{User, UserKind};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::error::{Collector, Language, Localized, Text};
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::office::Office;
use zairyu_domain::status::OfficerRole;
use zairyu_domain::values::{EmailAddress, UserId};

use super::Counter;
use crate::error::{ServiceError, invalid};
use crate::services::{Caller, user_addressee};
use crate::store::LinkPurpose;

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

impl Counter {
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
        if self.core.store().users().is_taken(&id).await? {
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
