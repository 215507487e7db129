//! The use-case services: each a short story over the ports — read, apply the domain's rules, write the
//! change with its audit event (and the jobs it causes) in one transaction, then hand the jobs to the
//! queue. HTTP and event handlers call these and nothing else.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::account::{
    LoginFacts, LoginGuard, LoginRefusal, PasswordAge, User, UserKind, UserState, check_login_allowed,
    check_not_locked, password_link_validity, session_is_alive,
};
use crate::application::{Application, ApplicationError, ApplicationId, OrganizationId, PhotoRef};
use crate::audit::{AuditEvent, Outcome};
use crate::eligibility::check_eligibility;
use crate::error::{Language, Localized, Violation, Violations};
use crate::form::{ApplicationForm, ApplicationInput};
use crate::job::{Addressee, NotificationJob};
use crate::jst::JstDate;
use crate::notification::NotificationKind;
use crate::organization::Organization;
use crate::photo::check_photo;
use crate::ports::{
    Attr, BlobError, BlobStore, Clock, Condition, Cursor, Email, HashError, Ids, JobQueue, MailError, Mailer,
    PasswordHasher, QueueError, StoreError, Write, attr,
};
use crate::receipt_number::{OfficialReceiptNumber, ReceiptSeries, TemporaryReceiptNumber};
use crate::status::{Actor, ReceiptMethod};
use crate::store::{Records, Store, encode};
use crate::values::{EmailAddress, Password, UserId};

/// Everything a service needs from the world.
#[derive(Clone)]
pub struct Ports {
    pub store: Store,
    /// Facial photos.
    pub blobs: Arc<dyn BlobStore>,
    /// Blanket files, uploaded by presigned link.
    pub uploads: Arc<dyn BlobStore>,
    /// Generated blanket templates.
    pub templates: Arc<dyn BlobStore>,
    pub queue: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub hasher: Arc<dyn PasswordHasher>,
    /// Where users open links from e-mails (e.g. `https://oras.example.jp`).
    pub public_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Missing, or not the caller's to see: the two read the same (no record of another organization is
    /// ever confirmed to exist).
    #[error("not found")]
    NotFound,
    #[error("log in first, or again: the session is missing or ended after 30 minutes without use (Q44)")]
    Unauthenticated,
    #[error("this user may not do that")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] Violations),
    #[error(transparent)]
    Login(#[from] LoginRefusal),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error("the link is invalid or has expired; ask for a new one")]
    InvalidLink,
    #[error("the record was changed by someone else meanwhile; reload and try again")]
    Conflict,
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ConditionFailed | StoreError::Conflict => Self::Conflict,
            other => Self::Store(other),
        }
    }
}

impl Localized for ServiceError {
    fn rule(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthenticated => "session.required",
            Self::Forbidden => "forbidden",
            Self::Invalid(v) => v.0.first().map(|v| v.rule).unwrap_or("invalid"),
            Self::Login(e) => e.rule(),
            Self::Application(e) => e.rule(),
            Self::InvalidLink => "link.invalid",
            Self::Conflict => "conflict",
            Self::Store(_) | Self::Blob(_) | Self::Queue(_) | Self::Hash(_) | Self::Mail(_) => "unavailable",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::NotFound => "見つかりません。".into(),
            Self::Unauthenticated => "ログインしてください（30分間操作がない場合はログアウトされます。Q44）。".into(),
            Self::Forbidden => "この操作を行う権限がありません。".into(),
            Self::Invalid(v) => v.0.first().map(|v| v.message_ja.clone()).unwrap_or_default(),
            Self::Login(e) => e.message_ja(),
            Self::Application(e) => e.message_ja(),
            Self::InvalidLink => "リンクが無効か期限切れです。改めて発行を依頼してください。".into(),
            Self::Conflict => "他の操作により更新されました。再読み込みしてからやり直してください。".into(),
            Self::Store(_) | Self::Blob(_) | Self::Queue(_) | Self::Hash(_) | Self::Mail(_) => {
                "一時的に処理できません。しばらくしてから再度お試しください。".into()
            }
        }
    }
}

pub(crate) fn invalid(field: &str, error: &dyn Localized) -> ServiceError {
    ServiceError::Invalid(Violations(vec![Violation::new(field, error)]))
}

/// Who is asking, once the session is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caller {
    pub user_id: UserId,
    pub kind: UserKind,
    pub organization_id: Option<OrganizationId>,
    /// The client's address, for the audit trail.
    pub from: Option<String>,
}

impl Caller {
    fn organization(&self) -> Result<&OrganizationId, ServiceError> {
        match self.kind {
            UserKind::OrganizationStaff | UserKind::Agent => {
                self.organization_id.as_ref().ok_or(ServiceError::Forbidden)
            }
            UserKind::Officer { .. } => Err(ServiceError::Forbidden),
        }
    }
}

/// A session as stored: the token and the CSRF token only as hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: UserId,
    pub csrf_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// What a successful log-in hands to the client. The tokens exist only here and in the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub session_token: String,
    pub csrf_token: String,
    pub user: User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LinkPurpose {
    SetPassword,
    ResetPassword,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Link {
    user_id: UserId,
    purpose: LinkPurpose,
    expires_at: DateTime<Utc>,
}

/// Writes a change: the record writes, an audit event and the jobs, in one transaction; then hands the jobs
/// to the queue (any the queue did not take stay in the outbox for `flush_outbox`).
pub(crate) struct Change {
    writes: Vec<Write>,
    jobs: Vec<(String, String)>,
}

impl Ports {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn today(&self) -> JstDate {
        JstDate::of_instant(self.now())
    }

    pub(crate) fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: String,
        from: Option<String>,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent {
            id: self.ids.id(),
            at: self.now(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject,
            from,
            outcome,
        }
    }

    pub(crate) fn change(
        &self,
        writes: Vec<Write>,
        event: &AuditEvent,
        jobs: Vec<NotificationJob>,
    ) -> Result<Change, ServiceError> {
        let mut all = writes;
        all.push(Store::audit_write(event)?);
        let mut queued = Vec::new();
        for job in jobs {
            let id = self.ids.id();
            let body =
                serde_json::to_string(&job).map_err(|e| ServiceError::Store(StoreError::Invalid(e.to_string())))?;
            all.push(Store::outbox_write(&id, &body));
            queued.push((id, body));
        }
        Ok(Change { writes: all, jobs: queued })
    }

    pub(crate) async fn commit(&self, change: Change) -> Result<(), ServiceError> {
        self.store.table.transact(change.writes).await?;
        for (id, body) in change.jobs {
            // The change is committed: a queue failure leaves the job in the outbox, sent by the next flush.
            if self.queue.send(&body).await.is_ok() {
                let _ = self.store.outbox_done(&id).await;
            }
        }
        Ok(())
    }

    /// Records a refusal or an attempt that changes nothing else.
    pub(crate) async fn audit_only(&self, event: AuditEvent) -> Result<(), ServiceError> {
        self.store.table.transact(vec![Store::audit_write(&event)?]).await?;
        Ok(())
    }

    /// Hands every job left in the outbox to the queue. Run by the workers; harmless to run twice (a job
    /// sent twice is sent once, by its idempotency key).
    pub async fn flush_outbox(&self) -> Result<usize, ServiceError> {
        let mut sent = 0;
        for (id, body) in self.store.outbox(100).await? {
            self.queue.send(&body).await?;
            self.store.outbox_done(&id).await?;
            sent += 1;
        }
        Ok(sent)
    }

    pub(crate) fn user_addressee(user: &User) -> Addressee {
        Addressee { email: user.email.clone(), language: user.language }
    }

    // ---------------------------------------------------------------------------------------------
    // Log-in and sessions (Q44, Q88–Q97)

    /// Q96, Q97: logs a user in, or says honestly why not. Every attempt is audited.
    pub async fn login(&self, user_id: &str, password: &str, from: Option<String>) -> Result<Login, ServiceError> {
        let now = self.now();
        let refuse = |actor: &str, subject: String, e: LoginRefusal| {
            (self.audit(actor, "login", subject, from.clone(), Outcome::Refused(e.rule().into())), e)
        };
        let user = match UserId::parse(user_id) {
            Ok(id) => self.store.user(&id).await?,
            Err(_) => None,
        };
        let Some(mut user) = user else {
            self.hasher.verify(password, None).await?;
            let (event, e) = refuse("anonymous", "login".into(), LoginRefusal::InvalidCredentials);
            self.audit_only(event).await?;
            return Err(e.into());
        };
        let subject = format!("user:{}", user.id);
        if let Err(e) = check_not_locked(user.guard, now) {
            let (event, e) = refuse(user.id.as_str(), subject, e);
            self.audit_only(event).await?;
            return Err(e.into());
        }
        if !self.hasher.verify(password, user.password_hash.as_deref()).await? {
            user.guard = user.guard.after_failure(now);
            let e = match user.guard.locked_until {
                Some(until) if user.guard.is_locked(now) => LoginRefusal::Locked { until },
                _ => LoginRefusal::InvalidCredentials,
            };
            let (event, e) = refuse(user.id.as_str(), subject, e);
            let change = self.change(vec![Store::user_write(&user)?], &event, vec![])?;
            self.commit(change).await?;
            return Err(e.into());
        }
        let organization = match &user.organization_id {
            Some(org) => Some(self.store.organization(org).await?.ok_or(ServiceError::NotFound)?.use_state),
            None => None,
        };
        let password_age = user.password.ok_or(LoginRefusal::InvalidCredentials)?;
        let facts = LoginFacts { user_state: user.state, password: password_age, organization };
        // A right password clears earlier failures; the user record is written only when there were any,
        // so that concurrent log-ins of one user do not contend for it.
        let mut user_writes = Vec::new();
        if user.guard != LoginGuard::cleared() {
            user.guard = LoginGuard::cleared();
            user_writes.push(Store::user_write(&user)?);
        }
        if let Err(e) = check_login_allowed(facts, now) {
            let (event, e) = refuse(user.id.as_str(), subject, e);
            let change = self.change(user_writes, &event, vec![])?;
            self.commit(change).await?;
            return Err(e.into());
        }
        let (session_token, csrf_token) = (self.ids.token(), self.ids.token());
        let session = Session {
            user_id: user.id.clone(),
            csrf_hash: crate::store::token_hash(&csrf_token),
            created_at: now,
            last_seen_at: now,
        };
        let event = self.audit(user.id.as_str(), "login", subject, from, Outcome::Success);
        let wrote_user = !user_writes.is_empty();
        user_writes.push(self.session_write(&session_token, &session)?);
        let change = self.change(user_writes, &event, vec![])?;
        self.commit(change).await?;
        if wrote_user {
            user.version += 1;
        }
        Ok(Login { session_token, csrf_token, user })
    }

    fn session_write(&self, token: &str, session: &Session) -> Result<Write, StoreError> {
        let expires = (session.last_seen_at + crate::account::session_idle_limit()).timestamp();
        Ok(Write::Put {
            item: encode(Store::session_key(token), session, 1, vec![(attr::TTL, Attr::N(expires))])?,
            condition: Condition::None,
        })
    }

    /// Q44: the caller behind a session token; the session ends after 30 idle minutes.
    pub async fn authenticate(&self, token: &str, from: Option<String>) -> Result<(Caller, Session), ServiceError> {
        let key = Store::session_key(token);
        let Some(item) = self.store.table.get(&key).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let mut session: Session = crate::store::decode(&item)?;
        let now = self.now();
        if !session_is_alive(session.last_seen_at, now) {
            self.store.table.delete(&key, Condition::None).await?;
            return Err(ServiceError::Unauthenticated);
        }
        let user = self.store.user(&session.user_id).await?.ok_or(ServiceError::Unauthenticated)?;
        if user.state != UserState::Active {
            return Err(ServiceError::Unauthenticated);
        }
        // Refresh the idle clock at most once a minute, to spare writes.
        if now - session.last_seen_at >= Duration::minutes(1) {
            session.last_seen_at = now;
            self.store.table.transact(vec![self.session_write(token, &session)?]).await?;
        }
        Ok((Caller { user_id: user.id, kind: user.kind, organization_id: user.organization_id, from }, session))
    }

    pub async fn logout(&self, token: &str, caller: &Caller) -> Result<(), ServiceError> {
        let event = self.audit(
            caller.user_id.as_str(),
            "logout",
            format!("user:{}", caller.user_id),
            caller.from.clone(),
            Outcome::Success,
        );
        let writes = vec![Write::Delete { key: Store::session_key(token), condition: Condition::None }];
        let change = self.change(writes, &event, vec![])?;
        self.commit(change).await
    }

    /// Q77: the caller's own user information.
    pub async fn me(&self, caller: &Caller) -> Result<User, ServiceError> {
        self.store.user(&caller.user_id).await?.ok_or(ServiceError::NotFound)
    }

    /// Q90, Q95: changes the password after checking the current one.
    pub async fn change_password(&self, caller: &Caller, current: &str, new: &str) -> Result<(), ServiceError> {
        let mut user = self.me(caller).await?;
        if !self.hasher.verify(current, user.password_hash.as_deref()).await? {
            let event = self.audit(
                user.id.as_str(),
                "password.change",
                format!("user:{}", user.id),
                caller.from.clone(),
                Outcome::Refused("password.current_wrong".into()),
            );
            self.audit_only(event).await?;
            return Err(invalid("current_password", &LoginRefusal::InvalidCredentials));
        }
        let password = Password::parse(&user.id, new).map_err(|e| invalid("new_password", &e))?;
        user.password_hash = Some(self.hasher.hash(&password).await?);
        user.password = Some(PasswordAge { set_on: self.today() });
        let event = self.audit(
            user.id.as_str(),
            "password.change",
            format!("user:{}", user.id),
            caller.from.clone(),
            Outcome::Success,
        );
        let job = NotificationJob::new(
            NotificationKind::PasswordChanged,
            format!("password_changed:{}:{}", user.id, event.id),
            vec![Self::user_addressee(&user)],
        )
        .with("user_id", user.id.as_str());
        let change = self.change(Store::user_writes_with_reminders(&user)?, &event, vec![job])?;
        self.commit(change).await
    }

    /// Q89: registers a new e-mail address; the notice goes to the new address.
    pub async fn change_email(&self, caller: &Caller, new: &str) -> Result<User, ServiceError> {
        let mut user = self.me(caller).await?;
        user.email = EmailAddress::parse(new).map_err(|e| invalid("email", &e))?;
        let event = self.audit(
            user.id.as_str(),
            "email.change",
            format!("user:{}", user.id),
            caller.from.clone(),
            Outcome::Success,
        );
        let job = NotificationJob::new(
            NotificationKind::EmailAddressChanged,
            format!("email_changed:{}:{}", user.id, event.id),
            vec![Self::user_addressee(&user)],
        )
        .with("user_id", user.id.as_str());
        let change = self.change(vec![Store::user_write(&user)?], &event, vec![job])?;
        self.commit(change).await?;
        user.version += 1;
        Ok(user)
    }

    /// Issues a one-time link to set (Q88) or reset (Q92) a password and queues its e-mail.
    async fn issue_link(
        &self,
        user: &User,
        purpose: LinkPurpose,
        actor: &str,
        from: Option<String>,
    ) -> Result<(), ServiceError> {
        let (token, expires_at, write) = self.new_link(&user.id, purpose)?;
        let kind = match purpose {
            LinkPurpose::SetPassword => NotificationKind::PasswordSetupLink,
            LinkPurpose::ResetPassword => NotificationKind::PasswordResetLink,
        };
        let event = self.audit(actor, "password.link", format!("user:{}", user.id), from, Outcome::Success);
        let job = NotificationJob::new(
            kind,
            format!("{}:{}:{}", kind.code(), user.id, event.id),
            vec![Self::user_addressee(user)],
        )
        .with("user_id", user.id.as_str())
        .with("link", self.link_url(&token))
        .with("expires_at", expires_at.with_timezone(&crate::jst::JST).format("%Y-%m-%d %H:%M").to_string());
        let change = self.change(vec![write], &event, vec![job])?;
        self.commit(change).await
    }

    /// A new one-time link: its token (for the e-mail only), its expiry, and the write that stores it (by
    /// the token's hash).
    pub(crate) fn new_link(
        &self,
        user: &UserId,
        purpose: LinkPurpose,
    ) -> Result<(String, DateTime<Utc>, Write), StoreError> {
        let token = self.ids.token();
        let expires_at = self.now() + password_link_validity();
        let link = Link { user_id: user.clone(), purpose, expires_at };
        let item = encode(Store::link_key(&token), &link, 1, vec![(attr::TTL, Attr::N(expires_at.timestamp()))])?;
        Ok((token, expires_at, Write::Put { item, condition: Condition::Absent }))
    }

    pub(crate) fn link_url(&self, token: &str) -> String {
        format!("{}/password?token={token}", self.public_url.trim_end_matches('/'))
    }

    /// Q92: "If you have forgotten your password". Answers the same whether or not the user ID and the
    /// address match, so the form reveals nothing; a match gets the e-mailed link.
    pub async fn request_password_reset(
        &self,
        user_id: &str,
        email: &str,
        from: Option<String>,
    ) -> Result<(), ServiceError> {
        let user = match UserId::parse(user_id) {
            Ok(id) => self.store.user(&id).await?,
            Err(_) => None,
        };
        let matches =
            |u: &User| EmailAddress::parse(email).is_ok_and(|e| e.as_str().eq_ignore_ascii_case(u.email.as_str()));
        match user {
            Some(u) if matches(&u) && u.state == UserState::Active => {
                self.issue_link(&u, LinkPurpose::ResetPassword, u.id.as_str(), from).await
            }
            _ => {
                self.audit_only(self.audit(
                    "anonymous",
                    "password.reset_request",
                    "login".into(),
                    from,
                    Outcome::Refused("no_match".into()),
                ))
                .await
            }
        }
    }

    /// Q88, Q92, Q96: sets a new password from a one-time link; the link is used up, a lock is lifted.
    pub async fn set_password_from_link(
        &self,
        token: &str,
        new: &str,
        from: Option<String>,
    ) -> Result<(), ServiceError> {
        let key = Store::link_key(token);
        let Some(item) = self.store.table.get(&key).await? else {
            return Err(ServiceError::InvalidLink);
        };
        let link: Link = crate::store::decode(&item)?;
        if link.expires_at <= self.now() {
            return Err(ServiceError::InvalidLink);
        }
        let mut user = self.store.user(&link.user_id).await?.ok_or(ServiceError::InvalidLink)?;
        let password = Password::parse(&user.id, new).map_err(|e| invalid("password", &e))?;
        let first = user.password_hash.is_none();
        user.password_hash = Some(self.hasher.hash(&password).await?);
        user.password = Some(PasswordAge { set_on: self.today() });
        user.guard = LoginGuard::cleared();
        let kind = if first { NotificationKind::PasswordRegistered } else { NotificationKind::PasswordReset };
        let event =
            self.audit(user.id.as_str(), "password.set_from_link", format!("user:{}", user.id), from, Outcome::Success);
        let job = NotificationJob::new(
            kind,
            format!("{}:{}:{}", kind.code(), user.id, event.id),
            vec![Self::user_addressee(&user)],
        )
        .with("user_id", user.id.as_str());
        // Deleting the link on the condition that it still exists makes it usable once, even when two
        // requests race.
        let mut writes = vec![Write::Delete { key, condition: Condition::Exists }];
        writes.extend(Store::user_writes_with_reminders(&user)?);
        let change = self.change(writes, &event, vec![job])?;
        match self.commit(change).await {
            Err(ServiceError::Conflict) => Err(ServiceError::InvalidLink),
            other => other,
        }
    }

    /// Q88: the link sent with the approval of a request for use (used by the office actions).
    pub async fn send_password_setup_link(&self, user: &User, actor: &str) -> Result<(), ServiceError> {
        self.issue_link(user, LinkPurpose::SetPassword, actor, None).await
    }

    // ---------------------------------------------------------------------------------------------
    // Applications

    async fn own_application(&self, caller: &Caller, id: &str) -> Result<(Application, DateTime<Utc>), ServiceError> {
        let org = caller.organization()?;
        let id = ApplicationId::parse(id).map_err(|_| ServiceError::NotFound)?;
        match self.store.application_with_created_at(&id).await? {
            Some((app, created)) if &app.organization_id == org => Ok((app, created)),
            Some((app, _)) => {
                // Another organization's record: answered as missing, and kept in the trail (Q102).
                let subject = format!("application:{}", app.id);
                let event = self.audit(
                    caller.user_id.as_str(),
                    "access",
                    subject,
                    caller.from.clone(),
                    Outcome::Refused("not_found".into()),
                );
                self.audit_only(event).await?;
                Err(ServiceError::NotFound)
            }
            None => Err(ServiceError::NotFound),
        }
    }

    async fn own_organization(&self, caller: &Caller) -> Result<Organization, ServiceError> {
        let org = caller.organization()?;
        self.store.organization(org).await?.ok_or(ServiceError::NotFound)
    }

    /// Parses and checks an application against the organization's list, the window and every rule.
    async fn checked_form(
        &self,
        org: &Organization,
        input: &ApplicationInput,
    ) -> Result<ApplicationForm, ServiceError> {
        let today = self.today();
        let form = ApplicationForm::parse(input, today)?;
        let listed = self.store.foreign_national(&org.id, &form.stay.card_number).await?;
        check_eligibility(org.use_state, listed.as_ref(), &form, today)?;
        Ok(form)
    }

    /// Enters an application ("Input completed") for a foreign national on the organization's list.
    pub async fn create_application(
        &self,
        caller: &Caller,
        input: &ApplicationInput,
    ) -> Result<Application, ServiceError> {
        let org = self.own_organization(caller).await?;
        let form = match self.checked_form(&org, input).await {
            Ok(f) => f,
            Err(e) => {
                let event = self.audit(
                    caller.user_id.as_str(),
                    "application.create",
                    format!("organization:{}", org.id),
                    caller.from.clone(),
                    Outcome::Refused(e.rule().into()),
                );
                self.audit_only(event).await?;
                return Err(e);
            }
        };
        let id = ApplicationId::parse(&self.ids.id()).map_err(|e| invalid("id", &e))?;
        let app = Application::new(id, org.id.clone(), caller.user_id.clone(), form);
        let event = self.audit(
            caller.user_id.as_str(),
            "application.create",
            format!("application:{}", app.id),
            caller.from.clone(),
            Outcome::Success,
        );
        let change = self.change(vec![Store::application_write(&app, self.now())?], &event, vec![])?;
        self.commit(change).await?;
        Ok(Application { version: 1, ..app })
    }

    /// Q23: attaches the facial photo (JPEG by content, ≤ 50 KB) to an application not yet filed.
    pub async fn attach_photo(
        &self,
        caller: &Caller,
        id: &str,
        bytes: Vec<u8>,
        file_name: Option<&str>,
    ) -> Result<Application, ServiceError> {
        let loaded = self.own_application(caller, id).await?;
        self.save_with_photo(caller, loaded, bytes, file_name, "application.photo", |app, photo| {
            app.attach_photo(Actor::OrganizationUser, photo)
        })
        .await
    }

    /// Stores a new photo (checked: JPEG by content, ≤ 50 KB, Q23), sets it with `set`, and saves the
    /// application with its audit event; the new object is removed if the save fails, the old one once it
    /// succeeds. Shared by the user's attaching and the office's replacing (Q63).
    pub(crate) async fn save_with_photo(
        &self,
        caller: &Caller,
        (mut app, created): (Application, DateTime<Utc>),
        bytes: Vec<u8>,
        file_name: Option<&str>,
        action: &str,
        set: impl FnOnce(&mut Application, PhotoRef) -> Result<(), ApplicationError>,
    ) -> Result<Application, ServiceError> {
        let info = check_photo(&bytes, file_name).map_err(|e| invalid("photo", &e))?;
        let key = format!("photos/{}/{}/{}.jpg", app.organization_id, app.id, self.ids.id());
        let old = app.photo.clone();
        set(&mut app, PhotoRef { key: key.clone(), info })?;
        self.blobs.put(&key, bytes, "image/jpeg").await?;
        let subject = format!("application:{}", app.id);
        let event = self.audit(caller.user_id.as_str(), action, subject, caller.from.clone(), Outcome::Success);
        let change = self.change(vec![Store::application_write(&app, created)?], &event, vec![])?;
        if let Err(e) = self.commit(change).await {
            let _ = self.blobs.delete(&key).await;
            return Err(e);
        }
        if let Some(old) = old {
            let _ = self.blobs.delete(&old.key).await;
        }
        app.version += 1;
        Ok(app)
    }

    /// Q32, Q33: files the application: "Application completed", receipt date today, a temporary receipt
    /// number e-mailed to the user and the applicant. Submitting twice (a double click, a retry after a
    /// time-out) gives the one application and its one number.
    pub async fn submit(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        let (mut app, created) = self.own_application(caller, id).await?;
        if app.temporary_receipt_number.is_some() {
            return Ok(app);
        }
        let org = self.own_organization(caller).await?;
        let today = self.today();
        let listed = self.store.foreign_national(&org.id, &app.form.stay.card_number).await?;
        check_eligibility(org.use_state, listed.as_ref(), &app.form, today)?;
        let number = TemporaryReceiptNumber::new(today, self.ids.random());
        app.submit(Actor::OrganizationUser, today, number.clone())?;
        let user = self.me(caller).await?;
        let event = self.audit(
            caller.user_id.as_str(),
            "application.submit",
            format!("application:{}", app.id),
            caller.from.clone(),
            Outcome::Success,
        );
        let received = NotificationJob::new(
            NotificationKind::ApplicationReceived,
            format!("application_received:{}", app.id),
            vec![Self::user_addressee(&user)],
        )
        .with("receipt_date", today.to_string());
        let applicant = Addressee { email: app.form.notice_email.clone(), language: Language::En };
        let numbered = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            format!("temporary_receipt_number:{}", app.id),
            vec![Self::user_addressee(&user), applicant],
        )
        .with("receipt_number", number.as_str())
        .with("receipt_date", today.to_string());
        // The official number comes the next day (Q33).
        let writes =
            vec![Store::application_write(&app, created)?, Store::due_write(today.succ(), "RECEIPT", app.id.as_str())];
        let change = self.change(writes, &event, vec![received, numbered])?;
        match self.commit(change).await {
            Ok(()) => {
                app.version += 1;
                Ok(app)
            }
            // A concurrent submit of the same application won: answer with its result.
            Err(ServiceError::Conflict) => match self.own_application(caller, id).await? {
                (stored, _) if stored.temporary_receipt_number.is_some() => Ok(stored),
                _ => Err(ServiceError::Conflict),
            },
            Err(e) => Err(e),
        }
    }

    /// Q50, Q51: the organization's applications with status, receipt numbers and dates, newest first.
    pub async fn applications(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, ServiceError> {
        let org = caller.organization()?;
        Ok(self.store.applications_of_organization(org, after, limit).await?)
    }

    pub async fn application(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        Ok(self.own_application(caller, id).await?.0)
    }

    /// Q53: changes how the card is received, while "Application completed" or "Under examination".
    pub async fn change_receipt_method(
        &self,
        caller: &Caller,
        id: &str,
        method: ReceiptMethod,
    ) -> Result<Application, ServiceError> {
        let (mut app, created) = self.own_application(caller, id).await?;
        app.change_receipt_method(Actor::OrganizationUser, method, self.today())?;
        let user = self.me(caller).await?;
        let event = self.audit(
            caller.user_id.as_str(),
            "application.receipt_method",
            format!("application:{}", app.id),
            caller.from.clone(),
            Outcome::Success,
        );
        let job = NotificationJob::new(
            NotificationKind::ReceiptMethodChanged,
            format!("receipt_method_changed:{}:{}", app.id, event.id),
            vec![Self::user_addressee(&user)],
        )
        .with("receipt_method", format!("{method:?}").to_lowercase());
        let change = self.change(vec![Store::application_write(&app, created)?], &event, vec![job])?;
        self.commit(change).await?;
        app.version += 1;
        Ok(app)
    }

    // ---------------------------------------------------------------------------------------------
    // Receipt numbers (Q33)

    /// Gives a filed application its official receipt number from its office's counter for the year of
    /// receipt. The counter and the application are written in one transaction conditioned on both being
    /// unchanged since read, so concurrent runs never skip or repeat a number; a run that loses the race
    /// reads again. Calling it again for a numbered application returns its number.
    pub async fn assign_official_receipt_number(
        &self,
        id: &ApplicationId,
    ) -> Result<OfficialReceiptNumber, ServiceError> {
        const ATTEMPTS: usize = 200;
        for _ in 0..ATTEMPTS {
            let (mut app, created) = self.store.application_with_created_at(id).await?.ok_or(ServiceError::NotFound)?;
            if let Some(n) = app.official_receipt_number {
                return Ok(n);
            }
            let Some(receipt_date) = app.receipt_date else {
                return Err(ApplicationError::from(crate::status::TransitionError::NotFromStatus {
                    op: crate::status::Transition::AssignOfficialReceiptNumber,
                    from: app.status,
                })
                .into());
            };
            let series = ReceiptSeries::for_receipt(app.form.receiving_office, receipt_date);
            let name = series.counter_name();
            let (value, version) = self.store.counter(&name).await?;
            let number = match series.number(u64::try_from(value + 1).unwrap_or(0)) {
                Ok(n) => n,
                Err(e) => {
                    // Q51: "Error (application receipt number acquisition error)"; a later run retries.
                    app.record_receipt_number_error()?;
                    let event = self.audit(
                        "system",
                        "application.receipt_number",
                        format!("application:{}", app.id),
                        None,
                        Outcome::Refused(e.rule().into()),
                    );
                    let change = self.change(vec![Store::application_write(&app, created)?], &event, vec![])?;
                    self.commit(change).await?;
                    return Err(invalid("official_receipt_number", &e));
                }
            };
            app.assign_official_receipt_number(number)?;
            let user = self.store.user(&app.created_by).await?;
            let mut to: Vec<Addressee> = user.iter().map(Self::user_addressee).collect();
            to.push(Addressee { email: app.form.notice_email.clone(), language: Language::En });
            let job = NotificationJob::new(
                NotificationKind::OfficialReceiptNumber,
                format!("official_receipt_number:{}", app.id),
                to,
            )
            .with("receipt_number", number.to_string())
            .with("receipt_date", receipt_date.to_string());
            let event = self.audit(
                "system",
                "application.receipt_number",
                format!("application:{}", app.id),
                None,
                Outcome::Success,
            );
            let writes = vec![Store::counter_advance(&name, value, version), Store::application_write(&app, created)?];
            let change = self.change(writes, &event, vec![job])?;
            match self.commit(change).await {
                Ok(()) => return Ok(number),
                Err(ServiceError::Conflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict)
    }

    // ---------------------------------------------------------------------------------------------
    // Sending once

    /// Sends `email` unless a job with the same idempotency key was sent before; `true` when it sent. The
    /// key is recorded first with a conditional write, and forgotten again if the send fails, so a retry
    /// sends and a duplicate delivery does not.
    pub async fn send_once(
        &self,
        idempotency_key: &str,
        mailer: &dyn Mailer,
        email: &Email,
    ) -> Result<bool, ServiceError> {
        if !self.store.mark_sent(idempotency_key, self.now()).await? {
            return Ok(false);
        }
        match mailer.send(email).await {
            Ok(_) => Ok(true),
            Err(e) => {
                self.store.unmark_sent(idempotency_key).await?;
                Err(e.into())
            }
        }
    }

    /// Q80: the organization's List of Affiliated Foreign Nationals.
    pub async fn foreign_nationals(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<crate::organization::ForeignNational>, ServiceError> {
        let org = caller.organization()?;
        Ok(self.store.foreign_nationals(org, after, limit).await?)
    }

    /// Sends one queued notification job: each of its e-mails once (by idempotency key). A permanent
    /// refusal by the mail service (a bad address) is recorded in the audit trail and not retried; any other
    /// failure is an error, so the queue delivers the job again (and dead-letters it in the end). A body
    /// that is not a job is an error too: it can only end in the dead-letter queue.
    pub async fn send_job(
        &self,
        body: &str,
        mailer: &dyn Mailer,
        from: &EmailAddress,
        help_desk: &str,
    ) -> Result<Delivered, ServiceError> {
        let job: NotificationJob =
            serde_json::from_str(body).map_err(|e| invalid("job", &crate::job::MalformedJob(e.to_string())))?;
        let mut delivered = Delivered::default();
        let emails = crate::job::render(&job, from, help_desk).map_err(|e| invalid("job", &e))?;
        for (i, email) in emails.iter().enumerate() {
            let key = format!("{}#{i}", job.idempotency_key);
            match self.send_once(&key, mailer, email).await {
                Ok(true) => delivered.sent += 1,
                Ok(false) => delivered.duplicates += 1,
                Err(ServiceError::Mail(MailError::Rejected(_))) => {
                    // Never retried: marked as done, and recorded without the address.
                    self.store.mark_sent(&key, self.now()).await?;
                    let event = self.audit(
                        "system",
                        "notification.rejected",
                        format!("notification:{key}"),
                        None,
                        Outcome::Refused(job.kind.code().into()),
                    );
                    self.audit_only(event).await?;
                    delivered.rejected += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(delivered)
    }

    /// Takes up to `max` notification jobs from the queue and sends each (the embedded worker; in AWS the
    /// notify function does the same per SQS batch). Returns how many e-mails went out.
    pub async fn deliver_notifications(
        &self,
        mailer: &dyn Mailer,
        from: &EmailAddress,
        help_desk: &str,
        max: u32,
    ) -> Result<usize, ServiceError> {
        let mut sent = 0;
        for delivery in self.queue.receive(max).await? {
            match self.send_job(&delivery.body, mailer, from, help_desk).await {
                Ok(d) => {
                    sent += d.sent;
                    self.queue.ack(&delivery.receipt).await?;
                }
                Err(_) => self.queue.release(&delivery.receipt).await?,
            }
        }
        Ok(sent)
    }
}

/// What sending one job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Already sent by an earlier delivery of the same job.
    pub duplicates: usize,
    /// Refused for good by the mail service; recorded, not retried.
    pub rejected: usize,
}
