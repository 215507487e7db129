//! The daily duties (DESIGN §5, Q33, Q73, Q76, Q86, Q97), run by the `reminders` function on its
//! EventBridge schedules and by the local server's scheduler. Each reads the due tasks of a day — written
//! beside the records that make them due, so no job scans the table — and checks each against the current
//! record before acting (a task written for an old password or an old approval is simply stale).
//!
//! A run covers every day since the job's last completed run (at most 31), so a missed run is caught up;
//! and running twice sends nothing twice: every e-mail has an idempotency key.

use std::sync::Arc;

use serde::Serialize;
use zairyu_domain::account::{PasswordReminder, UserState};
use zairyu_domain::application::{ApplicationId, OrganizationId};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::error::{Language, Localized};
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::jst::JstDate;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::organization::{Organization, UseState, is_due_for_suspension};
use zairyu_domain::receipt_number::{OfficialReceiptNumber, ReceiptSeries};
use zairyu_domain::schedule::{DueTask, ScheduledJob, passport_notice_on};
use zairyu_domain::status::{Transition, TransitionError};
use zairyu_domain::values::{ResidenceCardNumber, UserId};

use super::{Core, user_addressee};
use crate::error::{ErrorKind, ServiceError, invalid};
use crate::ports::BlobStore;
use crate::store::{Stored, UnitOfWork};

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
            day = day.succ();
        }
        runs.set_last(job, today).await?;
        Ok(report)
    }

    async fn due(&self, day: JstDate, task: DueTask) -> Result<Vec<String>, ServiceError> {
        Ok(self.core.store().due_tasks().all(day, task).await?)
    }

    async fn run_day(&self, job: ScheduledJob, day: JstDate, report: &mut RunReport) -> Result<(), ServiceError> {
        match job {
            ScheduledJob::OfficialReceiptNumbers => {
                for r in self.due(day, DueTask::ReceiptNumber).await? {
                    report.tasks += 1;
                    let Ok(id) = ApplicationId::parse(&r) else { continue };
                    match self.assign_with_retries(&id).await {
                        Ok(_) => report.acted += 1,
                        Err(ServiceError::NotFound | ServiceError::Application(_)) => {}
                        Err(e) => {
                            // Q51: shown as a receipt-number error; a later run retries it.
                            tracing::warn!(error = %e.log_chain(), application = %id, "no official receipt number yet; retried tomorrow");
                            if let Err(marking) =
                                self.mark_receipt_number_error(&id, "receipt_number.unavailable").await
                            {
                                tracing::warn!(error = %marking.log_chain(), application = %id, "the receipt-number error could not be shown");
                            }
                            let mut change = UnitOfWork::new(self.core.now());
                            change.due(self.core.today().succ(), DueTask::ReceiptNumber, &r);
                            self.core.store().commit(change).await?;
                            report.retried += 1;
                        }
                    }
                }
            }
            ScheduledJob::PeriodicReportReminders => {
                for r in self.due(day, DueTask::ReportReminder).await? {
                    report.tasks += 1;
                    let Some(org) = self.organization_ref(&r).await? else { continue };
                    let Some(approval) = org.approval() else { continue };
                    if approval.reminder_on() != day || org.use_state() != UseState::Active {
                        continue;
                    }
                    let key = format!("periodic_report_reminder:{}:{}", org.id(), approval.expires_on);
                    let data = [
                        ("expires_on", approval.expires_on.to_string()),
                        ("report_due_by", approval.report_due_by().to_string()),
                    ];
                    let change =
                        self.organization_notice(&org, NotificationKind::PeriodicReportReminder, &key, &data).await?;
                    self.core.commit(change).await?;
                    report.acted += 1;
                }
            }
            ScheduledJob::SuspendExpiredOrganizations => {
                for r in self.due(day, DueTask::Suspension).await? {
                    report.tasks += 1;
                    let Some(mut org) = self.organization_ref(&r).await? else { continue };
                    let Some(approval) = org.approval() else { continue };
                    if !is_due_for_suspension(org.use_state(), approval, self.core.today()) {
                        continue;
                    }
                    org.suspend_if_expired(self.core.today());
                    let key = format!("use_suspended:{}:{}", org.id(), approval.expires_on);
                    let mut change = self.organization_notice(&org, NotificationKind::UseSuspended, &key, &[]).await?;
                    change.save(&org)?;
                    self.core.commit(change).await?;
                    report.acted += 1;
                }
            }
            ScheduledJob::PasswordExpiryReminders => {
                for (task, reminder, kind) in [
                    (DueTask::Password30, PasswordReminder::ThirtyDays, NotificationKind::PasswordExpiry30Days),
                    (DueTask::Password7, PasswordReminder::SevenDays, NotificationKind::PasswordExpiry7Days),
                ] {
                    for r in self.due(day, task).await? {
                        report.tasks += 1;
                        let Ok(id) = UserId::parse(&r) else { continue };
                        let Some(user) = self.core.store().users().get(&id).await? else { continue };
                        let Some(age) = user.password() else { continue };
                        if user.state() != UserState::Active || age.reminder_on(reminder) != day {
                            continue;
                        }
                        let key = format!("{}:{}:{}", kind.code(), user.id(), age.set_on);
                        let job = NotificationJob::new(kind, key, vec![user_addressee(&user)])
                            .with("user_id", user.id().as_str())
                            .with("expires_on", age.expires_on().to_string());
                        let event = self.core.event(
                            "system",
                            AuditAction::PasswordReminder,
                            format!("user:{}", user.id()),
                            None,
                            Outcome::Success,
                        );
                        let mut change = self.core.change(&event)?;
                        self.core.enqueue(&mut change, &job)?;
                        self.core.commit(change).await?;
                        report.acted += 1;
                    }
                }
            }
            ScheduledJob::PassportExpiryReminders => {
                for r in self.due(day, DueTask::Passport).await? {
                    report.tasks += 1;
                    let Some((org_id, card)) = r.split_once('#') else { continue };
                    let (Ok(org_id), Ok(card)) = (OrganizationId::parse(org_id), ResidenceCardNumber::parse(card))
                    else {
                        continue;
                    };
                    let store = self.core.store();
                    let Some(person) = store.organizations().person(&org_id, &card).await? else { continue };
                    let Some(expiry) = person.passport_expiry else { continue };
                    let Some(org) = store.organizations().get(&org_id).await? else { continue };
                    if passport_notice_on(expiry) != day || org.use_state() != UseState::Active {
                        continue;
                    }
                    let key = format!("passport_expiry:{org_id}:{card}:{expiry}");
                    let data = [("name", person.name.to_string()), ("passport_expiry", expiry.to_string())];
                    let change =
                        self.organization_notice(&org, NotificationKind::PassportExpiryImminent, &key, &data).await?;
                    self.core.commit(change).await?;
                    report.acted += 1;
                }
            }
        }
        Ok(())
    }

    async fn organization_ref(&self, r: &str) -> Result<Option<Stored<Organization>>, ServiceError> {
        match OrganizationId::parse(r) {
            Ok(id) => Ok(self.core.store().organizations().get(&id).await?),
            Err(_) => Ok(None),
        }
    }

    /// A change with one e-mail to every active user of the organization (Q73, Q74) and its audit event.
    async fn organization_notice(
        &self,
        org: &Organization,
        kind: NotificationKind,
        key: &str,
        data: &[(&str, String)],
    ) -> Result<UnitOfWork, ServiceError> {
        let users = self.core.store().users().all_of_organization(org.id()).await?;
        let to: Vec<Addressee> = users.iter().filter(|u| u.state() == UserState::Active).map(user_addressee).collect();
        let mut job = NotificationJob::new(kind, key, to);
        for (k, v) in data {
            job = job.with(k, v.clone());
        }
        let action = match kind {
            NotificationKind::UseSuspended => AuditAction::SuspendOrganization,
            NotificationKind::PassportExpiryImminent => AuditAction::PassportReminder,
            _ => AuditAction::PeriodicReportReminder,
        };
        let event = self.core.event("system", action, format!("organization:{}", org.id()), None, Outcome::Success);
        let mut change = self.core.change(&event)?;
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
            let mut app = store.applications().get(id).await?.ok_or(ServiceError::NotFound)?;
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
            app.assign_official_receipt_number(number)?;
            let user = store.users().get(app.created_by()).await?;
            let mut to: Vec<Addressee> = user.iter().map(|u| user_addressee(u)).collect();
            to.push(Addressee { email: app.form().notice_email.clone(), language: Language::En });
            let job = NotificationJob::new(
                NotificationKind::OfficialReceiptNumber,
                format!("official_receipt_number:{}", app.id()),
                to,
            )
            .about(app.procedure())
            .with("receipt_number", number.to_string())
            .with("receipt_date", receipt_date.to_string())
            .with("applicant_name", app.form().name.to_string())
            .with(
                "temporary_receipt_number",
                app.temporary_receipt_number().as_ref().map(ToString::to_string).unwrap_or_default(),
            );
            let event = self.core.event(
                "system",
                AuditAction::ApplicationReceiptNumber,
                format!("application:{}", app.id()),
                None,
                Outcome::Success,
            );
            let mut change = self.core.change(&event)?;
            change.advance_counter(&name, counter);
            change.save(&app)?;
            self.core.enqueue(&mut change, &job)?;
            match self.core.commit(change).await {
                Ok(()) => return Ok(number),
                Err(ServiceError::Conflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict)
    }

    /// The official number, tried again at once (up to three times in all) when a dependency failed: a
    /// passing fault should not show the application as a receipt-number error, nor e-mail its user.
    async fn assign_with_retries(&self, id: &ApplicationId) -> Result<OfficialReceiptNumber, ServiceError> {
        let mut attempt = 1;
        loop {
            match self.assign_official_receipt_number(id).await {
                Err(e) if e.kind() != ErrorKind::Client && attempt < 3 => {
                    tracing::warn!(error = %e.log_chain(), application = %id, attempt, "no official receipt number yet; trying again");
                    attempt += 1;
                }
                other => return other,
            }
        }
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
