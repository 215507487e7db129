//! The daily duties (DESIGN §5, Q33, Q73, Q76, Q86, Q97), run by the `reminders` function on its
//! EventBridge schedules and by the local server's scheduler. Each reads the due tasks of a day — written
//! beside the records that make them due, so no job scans the table — and checks each against the current
//! record before acting (a task written for an old password or an old approval is simply stale).
//!
//! A run covers every day since the job's last completed run (at most 31), so a missed run is caught up;
//! and running twice sends nothing twice: every e-mail has an idempotency key.

use serde::Serialize;

use crate::account::{PasswordReminder, UserState};
use crate::application::{ApplicationId, OrganizationId};
use crate::audit::Outcome;
use crate::job::NotificationJob;
use crate::jst::JstDate;
use crate::notification::NotificationKind;
use crate::organization::{Organization, UseState, is_due_for_suspension};
use crate::ports::Cursor;
use crate::schedule::{ScheduledJob, passport_notice_on};
use crate::service::{Ports, ServiceError};
use crate::store::Store;
use crate::values::ResidenceCardNumber;

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

const CATCH_UP_DAYS: i64 = 31;

impl Ports {
    /// Runs `job` for every day from the day after its last run up to today (JST).
    pub async fn run_scheduled(&self, job: ScheduledJob) -> Result<RunReport, ServiceError> {
        let today = self.today();
        let name = serde_json::to_value(job).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let first = match self.store.last_run(&name).await? {
            Some(last) if last >= today => today,
            Some(last) => last.succ().max(today.sub_days(CATCH_UP_DAYS as u64)),
            None => today,
        };
        let mut report = RunReport::default();
        let mut day = first;
        while day <= today {
            self.run_day(job, day, &mut report).await?;
            report.days.push(day);
            day = day.succ();
        }
        self.store.set_last_run(&name, today).await?;
        Ok(report)
    }

    async fn due_refs(&self, day: JstDate, task: &str) -> Result<Vec<String>, ServiceError> {
        let mut refs = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let (page, next) = self.store.due(day, task, after, 500).await?;
            refs.extend(page);
            match next {
                Some(c) => after = Some(c),
                None => return Ok(refs),
            }
        }
    }

    async fn run_day(&self, job: ScheduledJob, day: JstDate, report: &mut RunReport) -> Result<(), ServiceError> {
        match job {
            ScheduledJob::OfficialReceiptNumbers => {
                for r in self.due_refs(day, "RECEIPT").await? {
                    report.tasks += 1;
                    let Ok(id) = ApplicationId::parse(&r) else { continue };
                    match self.assign_official_receipt_number(&id).await {
                        Ok(_) => report.acted += 1,
                        Err(ServiceError::NotFound | ServiceError::Application(_)) => {}
                        Err(_) => {
                            // Q51: shown as a receipt-number error; a later run retries it.
                            let _ = self.mark_receipt_number_error(&id).await;
                            self.store
                                .table
                                .transact(vec![Store::due_write(self.today().succ(), "RECEIPT", &r)])
                                .await?;
                            report.retried += 1;
                        }
                    }
                }
            }
            ScheduledJob::PeriodicReportReminders => {
                for r in self.due_refs(day, "REPORT_REMINDER").await? {
                    report.tasks += 1;
                    let Some(org) = self.organization_ref(&r).await? else { continue };
                    let Some(approval) = org.approval else { continue };
                    if approval.reminder_on() != day || org.use_state != UseState::Active {
                        continue;
                    }
                    let key = format!("periodic_report_reminder:{}:{}", org.id, approval.expires_on);
                    let data = [
                        ("expires_on", approval.expires_on.to_string()),
                        ("report_due_by", approval.report_due_by().to_string()),
                    ];
                    self.notify_organization(&org, NotificationKind::PeriodicReportReminder, &key, &data, vec![])
                        .await?;
                    report.acted += 1;
                }
            }
            ScheduledJob::SuspendExpiredOrganizations => {
                for r in self.due_refs(day, "SUSPEND").await? {
                    report.tasks += 1;
                    let Some(mut org) = self.organization_ref(&r).await? else { continue };
                    let Some(approval) = org.approval else { continue };
                    if !is_due_for_suspension(org.use_state, approval, self.today()) {
                        continue;
                    }
                    org.use_state = UseState::Suspended;
                    let key = format!("use_suspended:{}:{}", org.id, approval.expires_on);
                    let writes = vec![Store::organization_write(&org)?];
                    self.notify_organization(&org, NotificationKind::UseSuspended, &key, &[], writes).await?;
                    report.acted += 1;
                }
            }
            ScheduledJob::PasswordExpiryReminders => {
                for (task, reminder, kind) in [
                    ("PWD30", PasswordReminder::ThirtyDays, NotificationKind::PasswordExpiry30Days),
                    ("PWD7", PasswordReminder::SevenDays, NotificationKind::PasswordExpiry7Days),
                ] {
                    for r in self.due_refs(day, task).await? {
                        report.tasks += 1;
                        let Ok(id) = crate::values::UserId::parse(&r) else { continue };
                        let Some(user) = self.store.user(&id).await? else { continue };
                        let Some(age) = user.password else { continue };
                        if user.state != UserState::Active || age.reminder_on(reminder) != day {
                            continue;
                        }
                        let key = format!("{}:{}:{}", kind.code(), user.id, age.set_on);
                        let job = NotificationJob::new(kind, key, vec![Self::user_addressee(&user)])
                            .with("user_id", user.id.as_str())
                            .with("expires_on", age.expires_on().to_string());
                        let event = self.audit(
                            "system",
                            "reminder.password",
                            format!("user:{}", user.id),
                            None,
                            Outcome::Success,
                        );
                        let change = self.change(vec![], &event, vec![job])?;
                        self.commit(change).await?;
                        report.acted += 1;
                    }
                }
            }
            ScheduledJob::PassportExpiryReminders => {
                for r in self.due_refs(day, "PASSPORT").await? {
                    report.tasks += 1;
                    let Some((org_id, card)) = r.split_once('#') else { continue };
                    let (Ok(org_id), Ok(card)) = (OrganizationId::parse(org_id), ResidenceCardNumber::parse(card))
                    else {
                        continue;
                    };
                    let Some(person) = self.store.foreign_national(&org_id, &card).await? else { continue };
                    let Some(expiry) = person.passport_expiry else { continue };
                    let Some(org) = self.store.organization(&org_id).await? else { continue };
                    if passport_notice_on(expiry) != day || org.use_state != UseState::Active {
                        continue;
                    }
                    let key = format!("passport_expiry:{org_id}:{card}:{expiry}");
                    let data = [("name", person.name.to_string()), ("passport_expiry", expiry.to_string())];
                    self.notify_organization(&org, NotificationKind::PassportExpiryImminent, &key, &data, vec![])
                        .await?;
                    report.acted += 1;
                }
            }
        }
        Ok(())
    }

    async fn organization_ref(&self, r: &str) -> Result<Option<Organization>, ServiceError> {
        match OrganizationId::parse(r) {
            Ok(id) => Ok(self.store.organization(&id).await?),
            Err(_) => Ok(None),
        }
    }

    /// One e-mail to every active user of the organization (Q73, Q74), written with `writes`.
    async fn notify_organization(
        &self,
        org: &Organization,
        kind: NotificationKind,
        key: &str,
        data: &[(&str, String)],
        writes: Vec<crate::ports::Write>,
    ) -> Result<(), ServiceError> {
        let mut to = Vec::new();
        let mut after = None;
        loop {
            let page = self.store.users_of_organization(&org.id, after, 100).await?;
            to.extend(page.items.iter().filter(|u| u.state == UserState::Active).map(Self::user_addressee));
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        let mut job = NotificationJob::new(kind, key, to);
        for (k, v) in data {
            job = job.with(k, v.clone());
        }
        let event = self.audit(
            "system",
            &format!("reminder.{}", kind.code()),
            format!("organization:{}", org.id),
            None,
            Outcome::Success,
        );
        let jobs = if job.to.is_empty() { vec![] } else { vec![job] };
        let change = self.change(writes, &event, jobs)?;
        self.commit(change).await
    }
}
