//! Accounts and sessions (Q44, Q77, Q88–Q97): log-in with honest refusals, sessions that end after 30
//! idle minutes, passwords changed, set and reset by one-time links, and the user's own information.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use zairyu_domain::account::{
    LoginFacts, LoginGuard, LoginRefusal, User, UserState, check_login_allowed, check_not_locked,
    password_link_validity, session_idle_limit, session_is_alive,
};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::error::{Language, Localized};
use zairyu_domain::flood::Flood;
use zairyu_domain::job::NotificationJob;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::office::Office;
use zairyu_domain::values::{EmailAddress, Password, UserId};

use super::{Caller, Core, password_due, user_addressee};
use crate::error::{ServiceError, invalid};
use crate::ports::PasswordHasher;
use crate::store::{Link, LinkPurpose, Session, Stored, UnitOfWork, token_hash};

/// What a successful log-in hands to the client. The tokens exist only here and in the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub session_token: String,
    pub csrf_token: String,
    pub user: User,
}

/// One-time links to set (Q88) or reset (Q92) a password, e-mailed to the user. Shared by the accounts and
/// the counter (which sends the first link with an approval, or a new one on request).
#[derive(Clone)]
pub struct PasswordLinks {
    core: Core,
    /// Where users open links from e-mails (e.g. `https://oras.example.jp`).
    public_url: String,
}

/// A wrong password's refusal after `failures` in a row: with the warning on the last try before the lock.
fn wrong_password(failures: u32) -> LoginRefusal {
    if failures + 1 == zairyu_domain::account::LoginGuard::MAX_FAILED_ATTEMPTS {
        LoginRefusal::LastTry
    } else {
        LoginRefusal::InvalidCredentials
    }
}

impl PasswordLinks {
    pub fn new(core: Core, public_url: impl Into<String>) -> Self {
        Self { core, public_url: public_url.into() }
    }

    /// A new link for `user` added to `change`: its token (for the e-mail only) and its expiry.
    pub(crate) fn add(
        &self,
        change: &mut UnitOfWork,
        user: &User,
        purpose: LinkPurpose,
    ) -> Result<(String, DateTime<Utc>), ServiceError> {
        let token = self.core.token();
        let expires_at = self.core.now() + password_link_validity();
        let link =
            Link { user_id: user.id().clone(), purpose, expires_at, password_generation: user.password_generation() };
        change.add_link(&token, &link)?;
        Ok((token, expires_at))
    }

    pub(crate) fn url(&self, token: &str) -> String {
        format!("{}/password?token={token}", self.public_url.trim_end_matches('/'))
    }

    /// The job that e-mails a link, with its data.
    pub(crate) fn job(
        &self,
        kind: NotificationKind,
        key: String,
        to: Vec<zairyu_domain::job::Addressee>,
        user: &UserId,
        token: &str,
        expires_at: DateTime<Utc>,
    ) -> NotificationJob {
        NotificationJob::new(kind, key, to)
            .with("user_id", user.as_str())
            .with("link", self.url(token))
            .with("expires_at", zairyu_domain::jst::minute(expires_at))
    }

    /// Issues a link and queues its e-mail, audited.
    pub(crate) async fn issue(
        &self,
        user: &User,
        purpose: LinkPurpose,
        actor: &str,
        office: Option<Office>,
        from: Option<String>,
    ) -> Result<(), ServiceError> {
        let mut event =
            self.core.event(actor, AuditAction::PasswordLink, format!("user:{}", user.id()), from, Outcome::Success);
        event.office = office;
        let mut change = self.core.change(&event)?;
        let (token, expires_at) = self.add(&mut change, user, purpose)?;
        let kind = match purpose {
            LinkPurpose::SetPassword => NotificationKind::PasswordSetupLink,
            LinkPurpose::ResetPassword => NotificationKind::PasswordResetLink,
        };
        let key = format!("{}:{}:{}", kind.code(), user.id(), event.id);
        let job = self.job(kind, key, vec![user_addressee(user)], user.id(), &token, expires_at);
        self.core.enqueue(&mut change, &job)?;
        self.core.commit(change).await
    }
}

/// Log-in, sessions, passwords and the user's own information.
#[derive(Clone)]
pub struct Accounts {
    core: Core,
    hasher: Arc<dyn PasswordHasher>,
    links: PasswordLinks,
    flood_limits: bool,
}

impl Accounts {
    pub fn new(core: Core, hasher: Arc<dyn PasswordHasher>, links: PasswordLinks) -> Self {
        Self { core, hasher, links, flood_limits: true }
    }

    /// The same accounts without flood limits: for a load bench of the local server only (one client
    /// address, one user ID), never for a deployment.
    pub fn without_flood_limits(mut self) -> Self {
        self.flood_limits = false;
        self
    }

    /// [`Self::login_speaking`] without a language: the user's own setting stays (the API's log-in).
    pub async fn login(&self, user_id: &str, password: &str, from: Option<String>) -> Result<Login, ServiceError> {
        self.login_speaking(user_id, password, from, None).await
    }

    /// Q96, Q97: logs a user in, or says honestly why not. Every attempt is audited. From a page, the
    /// language the page was read in (chosen there, or the browser's) carries into the session and becomes
    /// the user's own setting (Q84), which pages and e-mails follow from then on.
    #[tracing::instrument(skip_all)]
    pub async fn login_speaking(
        &self,
        user_id: &str,
        password: &str,
        from: Option<String>,
        language: Option<Language>,
    ) -> Result<Login, ServiceError> {
        self.limit(Flood::LoginPerUser, Flood::LoginPerAddress, user_id, from.as_deref()).await?;
        let now = self.core.now();
        let users = self.core.store().users();
        let refused = |actor: &str, subject: String, e: &LoginRefusal| {
            self.core.event(actor, AuditAction::Login, subject, from.clone(), Outcome::Refused(e.rule().into()))
        };
        let id = UserId::parse(user_id).ok();
        let user = match &id {
            Some(id) => users.get(id).await?,
            None => None,
        };
        let Some(mut user) = user else {
            // An ID no one has is answered as a user's would be: wrong, then locked after five (Q96).
            let Some(id) = id else {
                self.hasher.verify(password, None).await?;
                self.failed_from(from.as_deref()).await?;
                let e = LoginRefusal::InvalidCredentials;
                self.core.audit_only(refused("anonymous", "login".into(), &e)).await?;
                return Err(e.into());
            };
            let guard = users.unknown_guard(&id).await?;
            if let Err(e) = check_not_locked(guard, now) {
                self.core.audit_only(refused("anonymous", "login".into(), &e)).await?;
                return Err(e.into());
            }
            self.hasher.verify(password, None).await?;
            self.failed_from(from.as_deref()).await?;
            let expires = (now + LoginGuard::lock_duration() + chrono::Duration::days(1)).timestamp();
            let failures = users.count_unknown_failure(&id, guard.round, expires).await?;
            let next = guard.after_failures(guard.round, failures, now);
            let e = match next.locked_until.filter(|_| next != guard) {
                Some(until) => LoginRefusal::Locked { until },
                None => wrong_password(failures),
            };
            let mut change = self.core.change(&refused("anonymous", "login".into(), &e))?;
            if next != guard {
                change.put_unknown_guard(&id, next, expires)?;
            }
            self.core.commit(change).await?;
            return Err(e.into());
        };
        let subject = format!("user:{}", user.id());
        if let Err(e) = check_not_locked(user.guard(), now) {
            self.core.audit_only(refused(user.id().as_str(), subject, &e)).await?;
            return Err(e.into());
        }
        let round = user.guard().round;
        if !self.hasher.verify(password, user.password_hash()).await? {
            self.failed_from(from.as_deref()).await?;
            // Counted atomically, apart from the user record: parallel guesses all count (Q96).
            let failures = users.count_failure(user.id(), round).await?;
            let e = match self.lock_after(user.clone(), round, failures, now).await? {
                Some(until) => LoginRefusal::Locked { until },
                None => wrong_password(failures),
            };
            self.core.audit_only(refused(user.id().as_str(), subject, &e)).await?;
            return Err(e.into());
        }
        let organization = match &user.organization_id() {
            Some(org) => {
                Some(self.core.store().organizations().get(org).await?.ok_or(ServiceError::NotFound)?.use_state())
            }
            None => None,
        };
        let password_age = user.password().ok_or(LoginRefusal::InvalidCredentials)?;
        let facts = LoginFacts { user_state: user.state(), password: password_age, organization };
        // A right password clears earlier failures; the user record is written only when there were any (or
        // its hash is re-made below), so that concurrent log-ins of one user do not contend for it.
        let failures = users.failures(user.id(), round).await?;
        let mut write_user = user.clear_failures(failures);
        if let Some(language) = language.filter(|l| *l != user.language()) {
            user.choose_language(language);
            write_user = true;
        }
        if let Err(e) = check_login_allowed(facts, now) {
            let mut change = self.core.change(&refused(user.id().as_str(), subject, &e))?;
            if write_user {
                change.save_user(&user, round)?;
            }
            self.core.commit(change).await?;
            return Err(e.into());
        }
        // A hash made with older parameters is replaced while the password is at hand.
        if user.password_hash().is_some_and(|h| self.hasher.needs_rehash(h))
            && let Ok(valid) = Password::parse(user.id(), password)
        {
            user.rehash_password(self.hasher.hash(&valid).await?);
            write_user = true;
        }
        let (session_token, csrf_token) =
            (crate::store::session_token(user.id(), &self.core.token()), self.core.token());
        let session = Session {
            user_id: user.id().clone(),
            generation: user.session_generation(),
            csrf_hash: token_hash(&csrf_token),
            created_at: now,
            last_seen_at: now,
        };
        let event = self.core.event(user.id().as_str(), AuditAction::Login, subject, from, Outcome::Success);
        let mut change = self.core.change(&event)?;
        if write_user {
            change.save_user(&user, round)?;
        }
        change.put_session(&session_token, &session, session_idle_limit())?;
        self.core.commit(change).await?;
        Ok(Login { session_token, csrf_token, user: user.into_inner() })
    }

    /// A wrong user ID or password counts against the client's address (its flood counts failures only: an
    /// office's staff behind one address do not use up one another's log-ins).
    async fn failed_from(&self, from: Option<&str>) -> Result<(), ServiceError> {
        match from {
            Some(address) if self.flood_limits => self.core.count_failure(Flood::LoginPerAddress, address).await,
            _ => Ok(()),
        }
    }

    /// Flood limits: an attempt counts against the user ID as typed (trimmed, upper-cased, so that spellings
    /// of one ID share a count) and against the client's address (for log-ins, once it has failed).
    async fn limit(
        &self,
        per_user: Flood,
        per_address: Flood,
        user_id: &str,
        from: Option<&str>,
    ) -> Result<(), ServiceError> {
        if !self.flood_limits {
            return Ok(());
        }
        self.core.limit(per_user, &user_id.trim().to_uppercase()).await?;
        if let Some(address) = from {
            self.core.limit(per_address, address).await?;
        }
        Ok(())
    }

    /// Q96: after the `failures`-th wrong password of `round`, locks the account if that count locks it; the
    /// lock's end if the account is locked now. The user record is written under its version: when a
    /// parallel request changed it first (another guess locked it, a right password cleared it), the newer
    /// record is read and decided again, so no count is lost and the account is locked once.
    async fn lock_after(
        &self,
        mut user: Stored<User>,
        round: u32,
        failures: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, ServiceError> {
        const ATTEMPTS: usize = 8;
        for _ in 0..ATTEMPTS {
            if !user.fail_login(round, failures, now) {
                let guard = user.guard();
                return Ok(guard.locked_until.filter(|_| guard.is_locked(now)));
            }
            let event =
                self.core.event("system", AuditAction::Lockout, format!("user:{}", user.id()), None, Outcome::Success);
            let mut change = self.core.change(&event)?;
            change.save_user(&user, round)?;
            match self.core.commit(change).await {
                Ok(()) => return Ok(user.guard().locked_until),
                Err(ServiceError::Conflict) => {
                    user = self.core.store().users().get(user.id()).await?.ok_or(ServiceError::NotFound)?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict)
    }

    /// Q44: the caller behind a session token; the session ends after 30 idle minutes.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(
        &self,
        token: &str,
        from: Option<String>,
    ) -> Result<(Caller, Session, User), ServiceError> {
        let users = self.core.store().users();
        // The session and its user in one read (the token names the user).
        let Some((mut session, user)) = users.session_and_user(token).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let now = self.core.now();
        if !session_is_alive(session.last_seen_at, now) {
            users.end_session(token).await?;
            return Err(ServiceError::Unauthenticated);
        }
        let user = user.ok_or(ServiceError::Unauthenticated)?.into_inner();
        // A new password, a suspension or a cancellation ended the sessions of earlier generations.
        if session.generation != user.session_generation() {
            users.end_session(token).await?;
            return Err(ServiceError::Unauthenticated);
        }
        if user.state() != UserState::Active {
            return Err(ServiceError::Unauthenticated);
        }
        // Refresh the idle clock at most once a minute, to spare writes; only while the session exists.
        if now - session.last_seen_at >= Duration::minutes(1) {
            session.last_seen_at = now;
            let mut change = UnitOfWork::new(now);
            change.refresh_session(token, &session, session_idle_limit())?;
            match self.core.store().commit(change).await {
                Err(crate::ports::StoreError::ConditionFailed) => return Err(ServiceError::Unauthenticated),
                // A parallel request refreshed it (or ended it) at the same moment: either way this one
                // need not write.
                Err(crate::ports::StoreError::Conflict) => {}
                other => {
                    other?;
                }
            }
        }
        Ok((
            Caller {
                user_id: user.id().clone(),
                kind: user.kind().clone(),
                organization_id: user.organization_id().cloned(),
                from,
            },
            session,
            user,
        ))
    }

    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, token: &str, caller: &Caller) -> Result<(), ServiceError> {
        let event = self.core.event(
            caller.user_id.as_str(),
            AuditAction::Logout,
            format!("user:{}", caller.user_id),
            caller.from.clone(),
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        change.end_session(token);
        self.core.commit(change).await
    }

    async fn stored_me(&self, caller: &Caller) -> Result<Stored<User>, ServiceError> {
        self.core.store().users().get(&caller.user_id).await?.ok_or(ServiceError::NotFound)
    }

    /// A change to the account itself (its password, its address) asks for the password in use: a session
    /// left open is not enough. A wrong one is audited under `action` and refused on `current_password`.
    async fn check_current_password(
        &self,
        caller: &Caller,
        user: &User,
        current: &str,
        action: AuditAction,
    ) -> Result<(), ServiceError> {
        if self.hasher.verify(current, user.password_hash()).await? {
            return Ok(());
        }
        let event = self.core.event(
            user.id().as_str(),
            action,
            format!("user:{}", user.id()),
            caller.from.clone(),
            Outcome::Refused("password.current_wrong".into()),
        );
        self.core.audit_only(event).await?;
        Err(invalid("current_password", &LoginRefusal::InvalidCredentials))
    }

    /// Q90, Q95: changes the password after checking the current one. Every other session of the user ends;
    /// the one it was changed in (`session_token`) goes on.
    #[tracing::instrument(skip_all)]
    pub async fn change_password(
        &self,
        caller: &Caller,
        session_token: &str,
        current: &str,
        new: &str,
    ) -> Result<(), ServiceError> {
        let mut user = self.stored_me(caller).await?;
        self.check_current_password(caller, &user, current, AuditAction::PasswordChange).await?;
        let subject = format!("user:{}", user.id());
        let password = Password::parse(user.id(), new).map_err(|e| invalid("new_password", &e))?;
        user.change_password(self.hasher.hash(&password).await?, self.core.today());
        let event = self.core.event(
            user.id().as_str(),
            AuditAction::PasswordChange,
            subject,
            caller.from.clone(),
            Outcome::Success,
        );
        let job = NotificationJob::new(
            NotificationKind::PasswordChanged,
            format!("password_changed:{}:{}", user.id(), event.id),
            vec![user_addressee(&user)],
        )
        .with("user_id", user.id().as_str());
        let mut change = self.core.change(&event)?;
        change.save(&user)?;
        password_due(&mut change, &user);
        self.core.enqueue(&mut change, &job)?;
        if let Some(mut session) = self.core.store().users().session(session_token).await?
            && session.user_id == *user.id()
        {
            session.generation = user.session_generation();
            change.refresh_session(session_token, &session, session_idle_limit())?;
        }
        self.core.commit(change).await
    }

    /// Q89: registers a new e-mail address after checking the current password (a session left open is not
    /// enough to take the account over through a reset link). The notice goes to the new address and to
    /// the old one, which can report a change it did not make; both outcomes are audited.
    #[tracing::instrument(skip_all)]
    pub async fn change_email(&self, caller: &Caller, current: &str, new: &str) -> Result<User, ServiceError> {
        let mut user = self.stored_me(caller).await?;
        self.check_current_password(caller, &user, current, AuditAction::EmailChange).await?;
        let subject = format!("user:{}", user.id());
        let email = EmailAddress::parse(new).map_err(|e| invalid("email", &e))?;
        let old = user_addressee(&user);
        user.change_email(email);
        let event = self.core.event(
            user.id().as_str(),
            AuditAction::EmailChange,
            subject,
            caller.from.clone(),
            Outcome::Success,
        );
        let mut to = vec![user_addressee(&user)];
        if !old.email.as_str().eq_ignore_ascii_case(user.email().as_str()) {
            to.push(old);
        }
        let job = NotificationJob::new(
            NotificationKind::EmailAddressChanged,
            format!("email_changed:{}:{}", user.id(), event.id),
            to,
        )
        .with("user_id", user.id().as_str());
        let mut change = self.core.change(&event)?;
        change.save(&user)?;
        self.core.enqueue(&mut change, &job)?;
        self.core.commit(change).await?;
        Ok(user.into_inner())
    }

    /// Q84: the caller's language, as the language switch of the pages chose it (kept with the user, so
    /// the next log-in and the e-mails use it too).
    #[tracing::instrument(skip_all)]
    pub async fn choose_language(&self, caller: &Caller, language: Language) -> Result<User, ServiceError> {
        let mut user = self.stored_me(caller).await?;
        if user.language() == language {
            return Ok(user.into_inner());
        }
        user.choose_language(language);
        let mut change = UnitOfWork::new(self.core.now());
        change.save(&user)?;
        self.core.commit(change).await?;
        Ok(user.into_inner())
    }

    /// Q25: the "Information for notification" of the top screen, for anyone (no log-in): what still
    /// matters now, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn notices(&self) -> Result<Vec<zairyu_domain::notice::Notice>, ServiceError> {
        self.core.current_notices().await
    }

    /// Q92: "If you have forgotten your password". Answers the same whether or not the user ID and the
    /// address match, so the form reveals nothing; a match gets the e-mailed link.
    #[tracing::instrument(skip_all)]
    pub async fn request_password_reset(
        &self,
        user_id: &str,
        email: &str,
        from: Option<String>,
    ) -> Result<(), ServiceError> {
        // Counted whether the user ID exists or not: the answer never tells.
        self.limit(Flood::ResetPerUser, Flood::ResetPerAddress, user_id, from.as_deref()).await?;
        let user = match UserId::parse(user_id) {
            Ok(id) => self.core.store().users().get(&id).await?,
            Err(_) => None,
        };
        let matches =
            |u: &User| EmailAddress::parse(email).is_ok_and(|e| e.as_str().eq_ignore_ascii_case(u.email().as_str()));
        match user {
            Some(u) if matches(&u) && u.state() == UserState::Active => {
                self.links.issue(&u, LinkPurpose::ResetPassword, u.id().as_str(), None, from).await
            }
            _ => {
                let event = self.core.event(
                    "anonymous",
                    AuditAction::PasswordResetRequest,
                    "login".into(),
                    from,
                    Outcome::Refused("no_match".into()),
                );
                self.core.audit_only(event).await
            }
        }
    }

    /// Whether a password link (Q88, Q92) still works ([`Link::works_for`]): its page says so before a
    /// password is typed.
    #[tracing::instrument(skip_all)]
    pub async fn link_is_valid(&self, token: &str) -> Result<bool, ServiceError> {
        let users = self.core.store().users();
        let Some(link) = users.link(token).await? else {
            return Ok(false);
        };
        let user = users.get(&link.user_id).await?;
        Ok(user.is_some_and(|u| link.works_for(&u, self.core.now())))
    }

    /// Q88, Q92, Q96: sets a new password from a one-time link; the link is used up, a lock is lifted.
    #[tracing::instrument(skip_all)]
    pub async fn set_password_from_link(
        &self,
        token: &str,
        new: &str,
        from: Option<String>,
    ) -> Result<(), ServiceError> {
        let users = self.core.store().users();
        let Some(link) = users.link(token).await? else {
            return Err(ServiceError::InvalidLink);
        };
        let mut user = users.get(&link.user_id).await?.ok_or(ServiceError::InvalidLink)?;
        if !link.works_for(&user, self.core.now()) {
            return Err(ServiceError::InvalidLink);
        }
        let password = Password::parse(user.id(), new).map_err(|e| invalid("password", &e))?;
        let first = user.password_hash().is_none();
        let round = user.guard().round;
        user.set_password_from_link(self.hasher.hash(&password).await?, self.core.today());
        let kind = if first { NotificationKind::PasswordRegistered } else { NotificationKind::PasswordReset };
        let event = self.core.event(
            user.id().as_str(),
            AuditAction::PasswordSetFromLink,
            format!("user:{}", user.id()),
            from,
            Outcome::Success,
        );
        let job = NotificationJob::new(
            kind,
            format!("{}:{}:{}", kind.code(), user.id(), event.id),
            vec![user_addressee(&user)],
        )
        .with("user_id", user.id().as_str());
        let mut change = self.core.change(&event)?;
        // Using the link up on the condition that it still exists makes it usable once, even when two
        // requests race.
        change.use_link(token);
        change.save_user(&user, round)?;
        password_due(&mut change, &user);
        self.core.enqueue(&mut change, &job)?;
        match self.core.commit(change).await {
            Err(ServiceError::Conflict) => Err(ServiceError::InvalidLink),
            other => other,
        }
    }
}
