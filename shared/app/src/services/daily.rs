//! The daily duties (DESIGN §5, Q33, Q73, Q76, Q86, Q97), run by the `reminders` function on its
//! EventBridge schedules and by the local server's scheduler. Each reads the due tasks of a day — written
//! beside the records that make them due, so no job scans the table — and checks each against the current
//! record before acting (a task written for an old password or an old approval is simply stale).
//!
//! A run covers every day since the job's last completed run (at most 31), so a missed run is caught up;
//! and running twice sends nothing twice: every e-mail has an idempotency key.
//!
//! April (#34): a peak day files ~10,000 applications, ten times that is the ceiling we plan for. So each
//! task done is removed with what it did, in the same transaction (a run cut off by its timeout or a crash
//! and run again finds only what is left), each day is recorded done as it ends, and the work runs side by
//! side: the official numbers one series (office, procedure, year) per lane, each lane giving numbers in
//! blocks — the counter moved by a block's size in the transaction that writes the block's applications, so
//! a number is given with its application or not at all (no gap, no number twice) — and the reminders
//! several at once.

use std::sync::Arc;

use futures::StreamExt;

use serde::Serialize;
use zairyu_domain::account::{PasswordReminder, UserState};
use zairyu_domain::application::{Application, ApplicationId, OrganizationId};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::error::{Language, Localized};
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::jst::JstDate;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::organization::{Organization, UseState, is_due_for_suspension};
use zairyu_domain::receipt_number::{OfficialReceiptNumber, ReceiptSeries};
use zairyu_domain::retention::RecordClass;
use zairyu_domain::schedule::{DueTask, ScheduledJob, passport_notice_on};
use zairyu_domain::status::{Transition, TransitionError};
use zairyu_domain::values::{ResidenceCardNumber, UserId};

use super::{Core, user_addressee};
use crate::error::{ErrorKind, ServiceError, invalid};
use crate::ports::BlobStore;
use crate::ports::StoreError;
use crate::store::{CounterValue, Stored, UnitOfWork};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub days: Vec<JstDate>,
    /// Tasks looked at.
    pub tasks: usize,
    /// Tasks that led to an action (an e-mail queued, a number given, a suspension).
    pub acted: usize,
    /// Tasks that failed and were put on the next day's list.
    pub retried: usize,
}

const CATCH_UP_DAYS: u64 = 31;

/// Applications numbered in one transaction: each brings its record (with its lookups), its audit event, its
/// queued e-mail and its due task, the block the counter's move; DynamoDB takes 100 items in one.
const NUMBERING_BLOCK: usize = 20;
/// The most items one transaction may write (DynamoDB's limit).
const TRANSACTION_ITEMS: usize = 100;
/// Series numbered side by side (each series is one counter, so itself one block after another).
const SERIES_AT_ONCE: usize = 16;
/// Reminders sent side by side.
const REMINDERS_AT_ONCE: usize = 16;

/// The active users' addresses of each organization, as read once in a run over one day.
#[derive(Default)]
struct AddressBook(std::sync::Mutex<std::collections::HashMap<OrganizationId, Vec<Addressee>>>);

impl AddressBook {
    fn get(&self, org: &OrganizationId) -> Option<Vec<Addressee>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(org).cloned()
    }

    fn keep(&self, org: &OrganizationId, to: Vec<Addressee>) -> Vec<Addressee> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(org.clone(), to.clone());
        to
    }
}

#[derive(Clone)]
pub struct DailyJobs {
    core: Core,
    /// For the sweep of unused photo objects.
    photos: Arc<dyn BlobStore>,
}

impl DailyJobs {
    pub fn new(core: Core, photos: Arc<dyn BlobStore>) -> Self {
        Self { core, photos }
    }

    /// Deletes the photo objects no application shows (a failed save, a replaced photo whose delete
    /// failed); the number deleted.
    pub async fn sweep_photos(&self) -> Result<usize, ServiceError> {
        super::photos::sweep_photos(&self.core, self.photos.as_ref()).await
    }

    /// Hands the queue every job left in the outbox (see [`Core::sweep_outbox`]); the number sent.
    pub async fn sweep_outbox(&self) -> Result<usize, ServiceError> {
        self.core.sweep_outbox().await
    }

    /// Runs `job` for every day from the day after its last run up to today (JST).
    #[tracing::instrument(skip_all)]
    pub async fn run_scheduled(&self, job: ScheduledJob) -> Result<RunReport, ServiceError> {
        let today = self.core.today();
        let runs = self.core.store().job_runs();
        let first = match runs.last(job).await? {
            Some(last) if last >= today => today,
            Some(last) => last.succ().max(today.sub_days(CATCH_UP_DAYS)),
            None => today,
        };
        let mut report = RunReport::default();
        let mut day = first;
        while day <= today {
            self.run_day(job, day, &mut report).await?;
            report.days.push(day);
            // Each day done is on record at once: a run cut off later starts from the next.
            runs.set_last(job, day).await?;
            day = day.succ();
        }
        Ok(report)
    }

    async fn due(&self, day: JstDate, task: DueTask) -> Result<Vec<String>, ServiceError> {
        Ok(self.core.store().due_tasks().all(day, task).await?)
    }

    async fn run_day(&self, job: ScheduledJob, day: JstDate, report: &mut RunReport) -> Result<(), ServiceError> {
        match job {
            ScheduledJob::OfficialReceiptNumbers => self.number_day(day, report).await,
            ScheduledJob::PeriodicReportReminders => {
                self.each_task(day, DueTask::ReportReminder, report, |r| self.report_reminder(day, r)).await
            }
            ScheduledJob::SuspendExpiredOrganizations => {
                self.each_task(day, DueTask::Suspension, report, |r| self.suspension(r)).await
            }
            ScheduledJob::PasswordExpiryReminders => {
                for (task, reminder, kind) in [
                    (DueTask::Password30, PasswordReminder::ThirtyDays, NotificationKind::PasswordExpiry30Days),
                    (DueTask::Password7, PasswordReminder::SevenDays, NotificationKind::PasswordExpiry7Days),
                ] {
                    self.each_task(day, task, report, |r| self.password_reminder(day, r, reminder, kind)).await?;
                }
                Ok(())
            }
            ScheduledJob::PassportExpiryReminders => {
                // Many people of one organization fall due on one day: its users are read once.
                let book = AddressBook::default();
                self.each_task(day, DueTask::Passport, report, |r| self.passport_reminder(day, r, &book)).await
            }
            ScheduledJob::PurgeEndedRecords => {
                let retention = self.core.store().retention();
                let ended = retention.ended_on(RecordClass::Applications, day);
                self.each_task(ended, DueTask::Purge, report, |r| self.purge(r)).await?;
                let cancelled = retention.ended_on(RecordClass::Users, day);
                self.each_task(cancelled, DueTask::PurgeUser, report, |r| self.purge_user(r)).await
            }
        }
    }

    /// #34: deletes an application ended a retention period ago: its photo's and its documents' files
    /// first, then in one transaction its record, its documents' records and its lookups, with an audit
    /// event. Cut off between the two, the next run deletes the files again (a missing one is no error) and
    /// the records; so neither store keeps what the other lost. An application not ended (our bug) or gone
    /// is left as it is.
    async fn purge(&self, r: String) -> Result<Option<UnitOfWork>, ServiceError> {
        let store = self.core.store();
        let Some(id) = r.strip_prefix("APP#").and_then(|id| ApplicationId::parse(id).ok()) else { return Ok(None) };
        let Some(app) = store.applications().get(&id).await? else { return Ok(None) };
        if !app.status().is_final() {
            return Ok(None);
        }
        let documents = store.documents().of_application(&id).await?;
        for document in &documents {
            self.photos.delete(&super::documents::document_key(&app, document.id())).await?;
        }
        if let Some(photo) = app.photo() {
            self.photos.delete(&photo.key).await?;
        }
        let mut change = self.system_change(AuditAction::PurgeApplication, format!("application:{}", app.id()))?;
        for document in &documents {
            change.remove(document)?;
        }
        change.remove(&app)?;
        Ok(Some(change))
    }

    /// #34: erases a user cancelled a retention period ago (its record, e-mail lookup and counters; its ID
    /// stays taken), with an audit event. A user no longer cancelled (our bug) or gone is left as it is.
    async fn purge_user(&self, r: String) -> Result<Option<UnitOfWork>, ServiceError> {
        let users = self.core.store().users();
        let Some(id) = r.strip_prefix("USER#").and_then(|id| UserId::parse(id).ok()) else { return Ok(None) };
        let Some(user) = users.get(&id).await? else { return Ok(None) };
        if user.state() != UserState::Cancelled {
            return Ok(None);
        }
        let counters = users.failure_counters(&id).await?;
        let mut change = self.system_change(AuditAction::PurgeUser, format!("user:{id}"))?;
        change.erase_user(&user, counters)?;
        Ok(Some(change))
    }

    /// Runs `handle` for every task of `day`, several side by side, and commits what each returns with its
    /// task removed (a task that is stale — its record changed since it was written — is removed alone).
    /// Every task runs before an error of one is reported; the failed ones stay for the next run.
    async fn each_task<'a, F, Fut>(
        &'a self,
        day: JstDate,
        task: DueTask,
        report: &mut RunReport,
        handle: F,
    ) -> Result<(), ServiceError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<Option<UnitOfWork>, ServiceError>> + 'a,
    {
        let refs = self.due(day, task).await?;
        report.tasks += refs.len();
        let outcomes: Vec<Result<bool, ServiceError>> = futures::stream::iter(refs)
            .map(|r| {
                let handled = handle(r.clone());
                async move {
                    let change = handled.await?;
                    let acted = change.is_some();
                    let mut change = change.unwrap_or_else(|| UnitOfWork::new(self.core.now()));
                    change.due_done(day, task, &r);
                    self.core.commit(change).await?;
                    Ok(acted)
                }
            })
            .buffer_unordered(REMINDERS_AT_ONCE)
            .collect()
            .await;
        settle(outcomes, |acted| report.acted += usize::from(acted))
    }

    /// Q73: the periodic report's reminder to every active user of an organization whose approval makes it
    /// due today.
    async fn report_reminder(&self, day: JstDate, r: String) -> Result<Option<UnitOfWork>, ServiceError> {
        let Some(org) = self.organization_ref(&r).await? else { return Ok(None) };
        let Some(approval) = org.approval() else { return Ok(None) };
        if approval.reminder_on() != day || org.use_state() != UseState::Active {
            return Ok(None);
        }
        let key = format!("periodic_report_reminder:{}:{}", org.id(), approval.expires_on);
        let data =
            [("expires_on", approval.expires_on.to_string()), ("report_due_by", approval.report_due_by().to_string())];
        let to = self.active_addressees(org.id()).await?;
        Ok(Some(self.organization_notice(&org, NotificationKind::PeriodicReportReminder, &key, &data, to)?))
    }

    /// Q76: an organization whose approval expired is suspended, and its users told.
    async fn suspension(&self, r: String) -> Result<Option<UnitOfWork>, ServiceError> {
        let Some(mut org) = self.organization_ref(&r).await? else { return Ok(None) };
        let Some(approval) = org.approval() else { return Ok(None) };
        if !is_due_for_suspension(org.use_state(), approval, self.core.today()) {
            return Ok(None);
        }
        org.suspend_if_expired(self.core.today());
        let key = format!("use_suspended:{}:{}", org.id(), approval.expires_on);
        let to = self.active_addressees(org.id()).await?;
        let mut change = self.organization_notice(&org, NotificationKind::UseSuspended, &key, &[], to)?;
        change.save(&org)?;
        Ok(Some(change))
    }

    /// Q97: a password's expiry reminder, 30 and 7 days before.
    async fn password_reminder(
        &self,
        day: JstDate,
        r: String,
        reminder: PasswordReminder,
        kind: NotificationKind,
    ) -> Result<Option<UnitOfWork>, ServiceError> {
        let Ok(id) = UserId::parse(&r) else { return Ok(None) };
        let Some(user) = self.core.store().users().get(&id).await? else { return Ok(None) };
        let Some(age) = user.password() else { return Ok(None) };
        if user.state() != UserState::Active || age.reminder_on(reminder) != day {
            return Ok(None);
        }
        let key = format!("{}:{}:{}", kind.code(), user.id(), age.set_on);
        let job = NotificationJob::new(kind, key, vec![user_addressee(&user)])
            .with("user_id", user.id().as_str())
            .with("expires_on", age.expires_on().to_string());
        let mut change = self.system_change(AuditAction::PasswordReminder, format!("user:{}", user.id()))?;
        self.core.enqueue(&mut change, &job)?;
        Ok(Some(change))
    }

    /// Q86: a person's passport expires soon: the organization's users are told.
    async fn passport_reminder(
        &self,
        day: JstDate,
        r: String,
        book: &AddressBook,
    ) -> Result<Option<UnitOfWork>, ServiceError> {
        let Some((org_id, card)) = r.split_once('#') else { return Ok(None) };
        let (Ok(org_id), Ok(card)) = (OrganizationId::parse(org_id), ResidenceCardNumber::parse(card)) else {
            return Ok(None);
        };
        let store = self.core.store();
        let Some(person) = store.organizations().person(&org_id, &card).await? else { return Ok(None) };
        let Some(expiry) = person.passport_expiry else { return Ok(None) };
        let Some(org) = store.organizations().get(&org_id).await? else { return Ok(None) };
        if passport_notice_on(expiry) != day || org.use_state() != UseState::Active {
            return Ok(None);
        }
        let key = format!("passport_expiry:{org_id}:{card}:{expiry}");
        let data = [("name", person.name.to_string()), ("passport_expiry", expiry.to_string())];
        let to = match book.get(&org_id) {
            Some(to) => to,
            None => book.keep(&org_id, self.active_addressees(&org_id).await?),
        };
        Ok(Some(self.organization_notice(&org, NotificationKind::PassportExpiryImminent, &key, &data, to)?))
    }

    /// A change the system makes on its own, with its audit event.
    fn system_change(&self, action: AuditAction, subject: String) -> Result<UnitOfWork, ServiceError> {
        self.core.change(&self.core.event("system", action, subject, None, Outcome::Success))
    }

    async fn organization_ref(&self, r: &str) -> Result<Option<Stored<Organization>>, ServiceError> {
        match OrganizationId::parse(r) {
            Ok(id) => Ok(self.core.store().organizations().get(&id).await?),
            Err(_) => Ok(None),
        }
    }

    /// The addresses of the organization's active users.
    async fn active_addressees(&self, org: &OrganizationId) -> Result<Vec<Addressee>, ServiceError> {
        let users = self.core.store().users().all_of_organization(org).await?;
        Ok(users.iter().filter(|u| u.state() == UserState::Active).map(user_addressee).collect())
    }

    /// A change with one e-mail to `to`, every active user of the organization (Q73, Q74), and its audit event.
    fn organization_notice(
        &self,
        org: &Organization,
        kind: NotificationKind,
        key: &str,
        data: &[(&str, String)],
        to: Vec<Addressee>,
    ) -> Result<UnitOfWork, ServiceError> {
        let mut job = NotificationJob::new(kind, key, to);
        for (k, v) in data {
            job = job.with(k, v.clone());
        }
        let action = match kind {
            NotificationKind::UseSuspended => AuditAction::SuspendOrganization,
            NotificationKind::PassportExpiryImminent => AuditAction::PassportReminder,
            _ => AuditAction::PeriodicReportReminder,
        };
        let mut change = self.system_change(action, format!("organization:{}", org.id()))?;
        if !job.to.is_empty() {
            self.core.enqueue(&mut change, &job)?;
        }
        Ok(change)
    }

    /// Gives a filed application its official receipt number from its office's counter for the year of
    /// receipt. The counter and the application are written in one transaction conditioned on both being
    /// unchanged since read, so concurrent runs never skip or repeat a number; a run that loses the race
    /// reads again. Calling it again for a numbered application returns its number.
    #[tracing::instrument(skip_all)]
    pub async fn assign_official_receipt_number(
        &self,
        id: &ApplicationId,
    ) -> Result<OfficialReceiptNumber, ServiceError> {
        const ATTEMPTS: usize = 200;
        let store = self.core.store();
        for _ in 0..ATTEMPTS {
            let app = store.applications().get(id).await?.ok_or(ServiceError::NotFound)?;
            if let Some(n) = app.official_receipt_number() {
                return Ok(n);
            }
            let Some(receipt_date) = app.receipt_date() else {
                return Err(zairyu_domain::application::ApplicationError::from(TransitionError::NotFromStatus {
                    op: Transition::AssignOfficialReceiptNumber,
                    from: app.status(),
                })
                .into());
            };
            let series = ReceiptSeries::for_receipt(app.jurisdiction(), app.procedure(), receipt_date);
            let name = series.counter_name();
            let counter = store.counters().get(&name).await?;
            let number = match series.number(u64::try_from(counter.value + 1).unwrap_or(0)) {
                Ok(n) => n,
                Err(e) => {
                    // Q51: "Error (application receipt number acquisition error)"; a later run retries.
                    self.mark_receipt_number_error(id, e.rule()).await?;
                    return Err(invalid("official_receipt_number", &e));
                }
            };
            let user = store.users().get(app.created_by()).await?.map(Stored::into_inner);
            let mut change = self.numbered(app, number, user.as_ref(), None)?;
            change.advance_counter(&name, counter);
            match self.core.commit(change).await {
                Ok(()) => return Ok(number),
                Err(ServiceError::Conflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict)
    }

    /// The change that gives `app` its official `number`: the application, its audit event, the e-mail to
    /// the user who filed it and the notice address (Q33), and — when the job does it — its due task done.
    fn numbered(
        &self,
        mut app: Stored<Application>,
        number: OfficialReceiptNumber,
        user: Option<&zairyu_domain::account::User>,
        due: Option<JstDate>,
    ) -> Result<UnitOfWork, ServiceError> {
        app.assign_official_receipt_number(number)?;
        let receipt_date = app.receipt_date().map(|d| d.to_string()).unwrap_or_default();
        let mut to: Vec<Addressee> = user.iter().map(|u| user_addressee(u)).collect();
        to.push(Addressee { email: app.form().notice_email.clone(), language: Language::En });
        let job = NotificationJob::new(
            NotificationKind::OfficialReceiptNumber,
            format!("official_receipt_number:{}", app.id()),
            to,
        )
        .about(app.procedure())
        .with("receipt_number", number.to_string())
        .with("receipt_date", receipt_date)
        .with("applicant_name", app.form().name.to_string())
        .with(
            "temporary_receipt_number",
            app.temporary_receipt_number().as_ref().map(ToString::to_string).unwrap_or_default(),
        );
        let mut change =
            self.system_change(AuditAction::ApplicationReceiptNumber, format!("application:{}", app.id()))?;
        change.save(&app)?;
        self.core.enqueue(&mut change, &job)?;
        if let Some(day) = due {
            change.due_done(day, DueTask::ReceiptNumber, app.id().as_str());
        }
        Ok(change)
    }

    /// The official numbers of the applications received before `day` and due on it (Q33): read in
    /// batches, grouped by series in the order they fell due, and numbered series side by side. A task
    /// whose application is numbered already, gone, or no longer to be numbered is simply removed.
    async fn number_day(&self, day: JstDate, report: &mut RunReport) -> Result<(), ServiceError> {
        let store = self.core.store();
        let refs = self.due(day, DueTask::ReceiptNumber).await?;
        report.tasks += refs.len();
        // Each series' applications, in the order they fell due.
        let mut lanes: std::collections::BTreeMap<String, (ReceiptSeries, Vec<Stored<Application>>)> =
            std::collections::BTreeMap::new();
        let mut stale = UnitOfWork::new(self.core.now());
        for chunk in refs.chunks(100) {
            let ids: Vec<ApplicationId> = chunk.iter().filter_map(|r| ApplicationId::parse(r).ok()).collect();
            let read: std::collections::HashMap<ApplicationId, Stored<Application>> =
                store.applications().get_many(&ids).await?.into_iter().flatten().map(|a| (a.id().clone(), a)).collect();
            for r in chunk {
                let app = ApplicationId::parse(r).ok().and_then(|id| read.get(&id));
                match app.and_then(|a| numberable(a).map(|d| (a, d))) {
                    Some((app, receipt_date)) => {
                        let series = ReceiptSeries::for_receipt(app.jurisdiction(), app.procedure(), receipt_date);
                        lanes.entry(series.counter_name()).or_insert_with(|| (series, Vec::new())).1.push(app.clone());
                    }
                    None => stale.due_done(day, DueTask::ReceiptNumber, r),
                }
                if stale.write_count() == TRANSACTION_ITEMS {
                    store.commit(std::mem::replace(&mut stale, UnitOfWork::new(self.core.now()))).await?;
                }
            }
        }
        store.commit(stale).await?;
        let outcomes: Vec<Result<(usize, usize), ServiceError>> = futures::stream::iter(lanes.into_values())
            .map(|(series, apps)| self.number_series(day, series, apps))
            .buffer_unordered(SERIES_AT_ONCE)
            .collect()
            .await;
        settle(outcomes, |(acted, retried)| {
            report.acted += acted;
            report.retried += retried;
        })
    }

    /// One series' applications of a day, a block at a time; (numbered, put on the next day's list).
    async fn number_series(
        &self,
        day: JstDate,
        series: ReceiptSeries,
        apps: Vec<Stored<Application>>,
    ) -> Result<(usize, usize), ServiceError> {
        let mut users: std::collections::HashMap<UserId, Option<zairyu_domain::account::User>> =
            std::collections::HashMap::new();
        let (mut acted, mut retried) = (0, 0);
        let mut left: std::collections::VecDeque<Stored<Application>> = apps.into();
        // The counter as this lane left it (no read before each block), and the e-mails of the block before,
        // queued while the next block is written.
        let mut known: Option<CounterValue> = None;
        let mut unsent = Vec::new();
        while !left.is_empty() {
            let block: Vec<Stored<Application>> = left.drain(..left.len().min(NUMBERING_BLOCK)).collect();
            let ids: Vec<ApplicationId> = block.iter().map(|a| a.id().clone()).collect();
            let mut attempt = 1;
            let outcome = loop {
                let sending = self.core.send(std::mem::take(&mut unsent));
                let numbering = self.number_block(day, series, block.clone(), &mut users, known);
                match futures::join!(sending, numbering).1 {
                    Err(e) if e.kind() != ErrorKind::Client && attempt < 3 => {
                        tracing::warn!(error = %e.log_chain(), attempt, "a block of official receipt numbers failed; trying again");
                        known = None;
                        attempt += 1;
                    }
                    other => break other,
                }
            };
            match outcome {
                Ok(done) => {
                    acted += done.numbered;
                    known = done.counter;
                    unsent = done.jobs;
                    for app in done.rest.into_iter().rev() {
                        left.push_front(app);
                    }
                }
                Err(e) => {
                    known = None;
                    // Q51: shown as a receipt-number error; tomorrow's run retries each.
                    tracing::warn!(error = %e.log_chain(), applications = ids.len(), "no official receipt numbers yet; retried tomorrow");
                    let rule = match &e {
                        ServiceError::Invalid(_) => e.rule(),
                        _ => "receipt_number.unavailable",
                    };
                    for id in &ids {
                        if let Err(marking) = self.mark_receipt_number_error(id, rule).await {
                            tracing::warn!(error = %marking.log_chain(), application = %id, "the receipt-number error could not be shown");
                        }
                        let mut change = UnitOfWork::new(self.core.now());
                        change.due(self.core.today().succ(), DueTask::ReceiptNumber, id.as_str());
                        change.due_done(day, DueTask::ReceiptNumber, id.as_str());
                        self.core.store().commit(change).await?;
                        retried += 1;
                    }
                }
            }
        }
        self.core.send(unsent).await;
        Ok((acted, retried))
    }

    /// Numbers a block of one series' applications in one transaction: the counter moved by the block's
    /// size, conditioned on its value as read (or as this lane left it), with every application conditioned
    /// on its version as read. Losing a race (another run, an officer's action) reads the block and the
    /// counter again: what was numbered meanwhile or can no longer be leaves it. What did not fit one
    /// transaction is handed back, and the block's e-mails, committed in the outbox, for the caller to queue.
    async fn number_block(
        &self,
        day: JstDate,
        series: ReceiptSeries,
        mut apps: Vec<Stored<Application>>,
        users: &mut std::collections::HashMap<UserId, Option<zairyu_domain::account::User>>,
        known: Option<CounterValue>,
    ) -> Result<Block, ServiceError> {
        const ATTEMPTS: usize = 200;
        let store = self.core.store();
        let name = series.counter_name();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id().clone()).collect();
                apps = store
                    .applications()
                    .get_many(&ids)
                    .await?
                    .into_iter()
                    .flatten()
                    .filter(|a| numberable(a).is_some())
                    .collect();
            }
            if apps.is_empty() {
                return Ok(Block { numbered: 0, rest: Vec::new(), counter: None, jobs: Vec::new() });
            }
            let counter = match known {
                Some(counter) if attempt == 0 => counter,
                _ => store.counters().get(&name).await?,
            };
            let mut change = UnitOfWork::new(self.core.now());
            let mut taken: usize = 0;
            for app in &apps {
                let serial = counter.value + 1 + i64::try_from(taken).unwrap_or(i64::MAX - counter.value - 1);
                let number = match series.number(u64::try_from(serial).unwrap_or(0)) {
                    Ok(n) => n,
                    Err(e) if taken == 0 => return Err(invalid("official_receipt_number", &e)),
                    Err(_) => break,
                };
                let by = app.created_by().clone();
                if !users.contains_key(&by) {
                    let user = store.users().get(&by).await?.map(Stored::into_inner);
                    users.insert(by.clone(), user);
                }
                let one = self.numbered(app.clone(), number, users.get(&by).and_then(Option::as_ref), Some(day))?;
                // The counter's own write comes last.
                if change.write_count() + one.write_count() + 1 > TRANSACTION_ITEMS {
                    break;
                }
                change.absorb(one);
                taken += 1;
            }
            if taken == 0 {
                let too_large = StoreError::Invalid("one application's numbering does not fit a transaction".into());
                return Err(ServiceError::Store(too_large));
            }
            let by = i64::try_from(taken).unwrap_or(1);
            change.advance_counter_by(&name, counter, by);
            match store.commit(change).await.map_err(ServiceError::from) {
                Ok(jobs) => {
                    let rest = apps.split_off(taken);
                    return Ok(Block { numbered: taken, rest, counter: Some(counter.advanced(by)), jobs });
                }
                Err(ServiceError::Conflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict)
    }

    /// Q51, Q86: marks a filed application "Error (application receipt number acquisition error)" when its
    /// official number could not be had, and tells the user who filed it ("at the time of receipt of the
    /// application (receipt completion or error)"); the next run of the job retries it. An application
    /// already in error is left as it is (no second e-mail).
    #[tracing::instrument(skip_all)]
    pub async fn mark_receipt_number_error(&self, id: &ApplicationId, rule: &str) -> Result<(), ServiceError> {
        let store = self.core.store();
        let Some(mut app) = store.applications().get(id).await? else { return Ok(()) };
        if app.record_receipt_number_error().is_err() {
            return Ok(());
        }
        let event = self.core.event(
            "system",
            AuditAction::ApplicationReceiptNumber,
            format!("application:{}", app.id()),
            None,
            Outcome::Refused(rule.into()),
        );
        let user = store.users().get(app.created_by()).await?;
        let to: Vec<Addressee> = user.iter().map(|u| user_addressee(u)).collect();
        let job = NotificationJob::new(
            NotificationKind::ApplicationReceiptError,
            format!("application_receipt_error:{}:{}", app.id(), event.id),
            to,
        )
        .about(app.procedure())
        .with("receipt_date", app.receipt_date().map(|d| d.to_string()).unwrap_or_default());
        let mut change = self.core.change(&event)?;
        change.save(&app)?;
        if !job.to.is_empty() {
            self.core.enqueue(&mut change, &job)?;
        }
        self.core.commit(change).await
    }
}

/// The receipt date of an application the job is to number: received, not numbered yet, in a status the
/// number may be given in (Q33, Q51).
fn numberable(app: &Application) -> Option<JstDate> {
    let receipt_date = app.receipt_date()?;
    let allowed = Transition::AssignOfficialReceiptNumber
        .apply(zairyu_domain::status::Actor::System, app.status(), app.form().receipt_method)
        .is_ok();
    (app.official_receipt_number().is_none() && allowed).then_some(receipt_date)
}

/// What numbering a block did: how many it numbered, the applications that did not fit its transaction, the
/// series' counter as the block left it, and the block's e-mails (committed in the outbox) to queue.
struct Block {
    numbered: usize,
    rest: Vec<Stored<Application>>,
    counter: Option<CounterValue>,
    jobs: Vec<crate::store::Outboxed>,
}

/// What work run side by side did: each success told to `done`; then the first error, if any — reported only
/// once every piece ran to its end, so what the others did is done.
fn settle<T>(outcomes: Vec<Result<T, ServiceError>>, mut done: impl FnMut(T)) -> Result<(), ServiceError> {
    let mut failed = None;
    for outcome in outcomes {
        match outcome {
            Ok(v) => done(v),
            Err(e) => failed = failed.or(Some(e)),
        }
    }
    failed.map_or(Ok(()), Err)
}
