//! The use-case services, grouped by who uses them. Each is a short story over the ports it holds — read
//! through a repository, apply the domain's rules, and commit the change with its audit event and the jobs
//! it causes in one [`UnitOfWork`] — and each holds only the ports it needs, so a function wires only what
//! it uses.

pub mod accounts;
pub mod applications;
pub mod blanket;
pub mod certificates;
pub mod counter;
pub mod daily;
pub mod documents;
pub mod examination;
pub mod import;
pub use counter::list_file;
pub mod notifications;
mod photos;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use zairyu_domain::account::{PasswordReminder, User, UserKind};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::audit::{AuditAction, AuditEvent, Outcome};
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::jst::JstDate;
use zairyu_domain::office::Office;
use zairyu_domain::organization::{ForeignNational, Organization};
use zairyu_domain::schedule::{DueTask, passport_notice_on};
use zairyu_domain::status::OfficerRole;
use zairyu_domain::values::UserId;

use crate::error::ServiceError;
use crate::ports::{Clock, Ids, JobQueue};
use crate::store::{Store, UnitOfWork};

/// How many of the newest notices are read for the top screen and for maintenance windows.
const NOTICES_KEPT: u32 = 50;

/// How long an instance keeps the notices it read (#34: the one `NOTICE` partition is read by every top page
/// and every filing; at April's peak that is a hot key). A notice published or withdrawn reaches the
/// instance that did it at once and every other within this time; a maintenance window is announced hours
/// ahead, so a minute changes nothing.
pub const NOTICES_CACHED_FOR: chrono::Duration = chrono::Duration::seconds(60);

/// The notices an instance read, and when (by the service's clock).
type NoticeCache = Arc<std::sync::Mutex<Option<(DateTime<Utc>, Vec<zairyu_domain::notice::Notice>)>>>;

/// What every service shares: the store, the queue its changes' jobs go to, the clock and the IDs.
#[derive(Clone)]
pub struct Core {
    store: Store,
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
    notices: NoticeCache,
}

impl Core {
    pub fn new(store: Store, queue: Arc<dyn JobQueue>, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Self {
        Self { store, queue, clock, ids, notices: NoticeCache::default() }
    }

    /// The names of these organizations, for an officer's lists (names, not IDs, before users): the one read
    /// behind the services' `organization_names`.
    pub(crate) async fn organization_names(
        &self,
        caller: &Caller,
        ids: &[zairyu_domain::application::OrganizationId],
    ) -> Result<std::collections::HashMap<zairyu_domain::application::OrganizationId, String>, ServiceError> {
        caller.officer()?;
        Ok(self.store.organizations().names(ids).await?)
    }

    /// The names of these users, for an officer's pages (names, not IDs), in one batched read.
    pub(crate) async fn user_names(
        &self,
        caller: &Caller,
        ids: &[zairyu_domain::values::UserId],
    ) -> Result<std::collections::HashMap<zairyu_domain::values::UserId, String>, ServiceError> {
        caller.officer()?;
        Ok(self.store.users().names(ids).await?)
    }

    /// The repositories, for reading.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn today(&self) -> JstDate {
        JstDate::of_instant(self.now())
    }

    /// The notices of the top screen that still matter now, newest first (Q25): read from the table at most
    /// once per [`NOTICES_CACHED_FOR`] by this instance (whether each still matters is decided at every call).
    pub(crate) async fn current_notices(&self) -> Result<Vec<zairyu_domain::notice::Notice>, ServiceError> {
        let now = self.now();
        let cached = self.notices.lock().ok().and_then(|c| {
            c.as_ref().filter(|(at, _)| *at <= now && now - *at < NOTICES_CACHED_FOR).map(|(_, n)| n.clone())
        });
        let notices = match cached {
            Some(notices) => notices,
            None => {
                let page = self.store.notices().newest(None, NOTICES_KEPT).await?;
                if let Ok(mut cache) = self.notices.lock() {
                    *cache = Some((now, page.items.clone()));
                }
                page.items
            }
        };
        Ok(notices.into_iter().filter(|n| n.is_current(now)).collect())
    }

    /// Forgets the notices this instance read: it published or withdrew one, and shows it at once.
    pub(crate) fn forget_notices(&self) {
        if let Ok(mut cache) = self.notices.lock() {
            *cache = None;
        }
    }

    /// Q25: applications are not accepted during a planned maintenance announced on the top screen.
    pub(crate) async fn accepting_applications(&self) -> Result<(), ServiceError> {
        let notices = self.current_notices().await?;
        zairyu_domain::notice::check_not_under_maintenance(&notices, self.now()).map_err(ServiceError::Maintenance)
    }

    /// Counts an attempt of `flood` by `subject` and refuses it once the window is full (flood limits).
    pub(crate) async fn limit(&self, flood: zairyu_domain::flood::Flood, subject: &str) -> Result<(), ServiceError> {
        let now = self.now();
        // A flood of failures only: this attempt is counted once it has failed (`count_failure`); here, only
        // whether the window is already full.
        let count = if flood.counts_failures_only() {
            self.store.floods().count(flood, subject, now).await?.saturating_add(1)
        } else {
            self.store.floods().hit(flood, subject, now).await?
        };
        flood.check(count, now).map_err(|e| {
            tracing::warn!(flood = flood.code(), "flood limit reached");
            ServiceError::from(e)
        })
    }

    /// Counts a failed attempt against a flood of failures only ([`Flood::counts_failures_only`]).
    pub(crate) async fn count_failure(
        &self,
        flood: zairyu_domain::flood::Flood,
        subject: &str,
    ) -> Result<(), ServiceError> {
        if flood.counts_failures_only() {
            self.store.floods().hit(flood, subject, self.now()).await?;
        }
        Ok(())
    }

    pub(crate) fn new_id(&self) -> String {
        self.ids.id()
    }

    pub(crate) fn token(&self) -> String {
        self.ids.token()
    }

    pub(crate) fn random(&self) -> u64 {
        self.ids.random()
    }

    pub(crate) fn event(
        &self,
        actor: &str,
        action: AuditAction,
        subject: String,
        from: Option<String>,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent {
            id: self.ids.id(),
            at: self.now(),
            actor: actor.to_owned(),
            action,
            subject,
            from,
            outcome,
            office: None,
            part: None,
        }
    }

    /// A change with its audit event.
    pub(crate) fn change(&self, event: &AuditEvent) -> Result<UnitOfWork, ServiceError> {
        let mut change = UnitOfWork::new(self.now());
        change.audit(event)?;
        Ok(change)
    }

    /// Adds a notification job to a change (it goes to the outbox with it).
    pub(crate) fn enqueue(&self, change: &mut UnitOfWork, job: &NotificationJob) -> Result<(), ServiceError> {
        change.job(self.ids.id(), job)?;
        Ok(())
    }

    /// Commits a change; then hands its jobs to the queue. A job the queue does not take stays in the
    /// outbox for [`Core::sweep_outbox`]: the change is committed either way.
    pub(crate) async fn commit(&self, change: UnitOfWork) -> Result<(), ServiceError> {
        let jobs = self.store.commit(change).await?;
        self.send(jobs).await;
        Ok(())
    }

    /// Hands a committed change's jobs to the queue, side by side (a block of official numbers queues a dozen),
    /// each taken out of the outbox once sent; one the queue does not take waits there for the sweep.
    pub(crate) async fn send(&self, jobs: Vec<crate::store::Outboxed>) {
        futures::future::join_all(jobs.iter().map(|job| async move {
            match self.queue.send(&job.body).await {
                Ok(()) => {
                    if let Err(e) = self.store.outbox().done(job).await {
                        tracing::warn!(error = %ServiceError::from(e).log_chain(), "a sent job stays in the outbox; it will be sent again and de-duplicated");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %ServiceError::from(e).log_chain(), "the queue did not take a job; it waits in the outbox");
                }
            }
        }))
        .await;
    }

    /// One application of the caller's organization, to change: another organization's reads as missing
    /// (and the attempt is kept in the trail), a missing one is missing.
    pub(crate) async fn own_application(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<crate::store::Stored<zairyu_domain::application::Application>, ServiceError> {
        let org = caller.organization()?;
        let id = zairyu_domain::application::ApplicationId::parse(id).map_err(|_| ServiceError::NotFound)?;
        match self.store.applications().get(&id).await? {
            Some(app) if app.organization_id() == org => Ok(app),
            Some(app) => Err(self.refuse_as_missing(caller, format!("application:{}", app.id()), "not_found").await?),
            None => Err(ServiceError::NotFound),
        }
    }

    /// Another organization's or office's record was asked for: it is answered as missing (never confirmed to
    /// exist), and the attempt is kept in the trail (Q102) with `rule`.
    pub(crate) async fn refuse_as_missing(
        &self,
        caller: &Caller,
        subject: String,
        rule: &str,
    ) -> Result<ServiceError, ServiceError> {
        let event = self.event(
            caller.user_id.as_str(),
            AuditAction::Access,
            subject,
            caller.from.clone(),
            Outcome::Refused(rule.into()),
        );
        self.audit_only(event).await?;
        Ok(ServiceError::NotFound)
    }

    /// Records a refusal or an attempt that changes nothing else.
    pub(crate) async fn audit_only(&self, event: AuditEvent) -> Result<(), ServiceError> {
        let change = self.change(&event)?;
        self.commit(change).await
    }

    /// Hands to the queue every job left in the outbox for at least [`OUTBOX_GRACE`] — one whose send
    /// right after its commit failed, or whose process ended between the two — up to 100 per shard a
    /// run. Harmless to run twice or beside a commit's own send: a job sent twice is e-mailed once (by its
    /// idempotency key). The AWS `outbox` function runs it every minute; the local server in its worker.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_outbox(&self) -> Result<usize, ServiceError> {
        let mut sent = 0;
        for job in self.store.outbox().pending(self.now() - OUTBOX_GRACE, 100).await? {
            self.queue.send(&job.body).await?;
            self.store.outbox().done(&job).await?;
            sent += 1;
        }
        if sent > 0 {
            tracing::info!(sent, "jobs left in the outbox were handed to the queue");
        }
        Ok(sent)
    }
}

/// How long a job may wait in the outbox before the sweep sends it: the commit's own send normally takes it
/// within milliseconds, so the sweep does not double the usual traffic.
pub const OUTBOX_GRACE: chrono::Duration = chrono::Duration::seconds(60);

pub(crate) fn user_addressee(user: &User) -> Addressee {
    Addressee { email: user.email().clone(), language: user.language() }
}

/// The days an organization's approval makes a periodic-report reminder (Q73) and a suspension check (Q76)
/// due, for a new or changed approval.
pub(crate) fn approval_due(change: &mut UnitOfWork, org: &Organization) {
    if let Some(approval) = org.approval() {
        change.due(approval.reminder_on(), DueTask::ReportReminder, org.id().as_str());
        change.due(approval.expires_on.succ(), DueTask::Suspension, org.id().as_str());
    }
}

/// The days a new password makes its expiry reminders due (Q97).
pub(crate) fn password_due(change: &mut UnitOfWork, user: &User) {
    if let Some(age) = user.password() {
        change.due(age.reminder_on(PasswordReminder::ThirtyDays), DueTask::Password30, user.id().as_str());
        change.due(age.reminder_on(PasswordReminder::SevenDays), DueTask::Password7, user.id().as_str());
    }
}

/// The day a person's passport-expiry notice falls due (Q86).
pub(crate) fn passport_due(change: &mut UnitOfWork, org: &OrganizationId, person: &ForeignNational) {
    if let Some(expiry) = person.passport_expiry {
        change.due(passport_notice_on(expiry), DueTask::Passport, &format!("{org}#{}", person.card_number));
    }
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
    /// The organization a staff member or agent acts for; officers have none.
    pub fn organization(&self) -> Result<&OrganizationId, ServiceError> {
        match self.kind {
            UserKind::OrganizationStaff | UserKind::Agent => {
                self.organization_id.as_ref().ok_or(ServiceError::Forbidden)
            }
            UserKind::Officer { .. } => Err(ServiceError::Forbidden),
        }
    }

    /// The caller's office and roles; officers only.
    pub fn officer(&self) -> Result<(Office, &[OfficerRole]), ServiceError> {
        match &self.kind {
            UserKind::Officer { office, roles } => Ok((*office, roles)),
            _ => Err(ServiceError::Forbidden),
        }
    }
}
