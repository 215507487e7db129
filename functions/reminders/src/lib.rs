//! Lambda function `reminders`: one EventBridge schedule per daily job, the job named in the event's
//! `detail` (`{"job": "official_receipt_numbers"}`, see `events/schedule/`).

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use zairyu_app::{DailyJobs, RunReport, ServiceError};
use zairyu_domain::schedule::ScheduledJobDetail;

/// Runs the job the event names; the report is the function's result (and its log line).
/// The event of an invocation: the schedule's, or the one a record from the on-failure queue carries
/// (a replay of a run that failed every retry).
pub fn event(payload: serde_json::Value) -> Result<EventBridgeEvent<ScheduledJobDetail>, serde_json::Error> {
    zairyu_runtime::replay::event_of(payload)
}

pub async fn handle(daily: &DailyJobs, event: EventBridgeEvent<ScheduledJobDetail>) -> Result<RunReport, ServiceError> {
    let job = event.detail.job;
    let report = daily.run_scheduled(job).await?;
    tracing::info!(job = %job, days = report.days.len(), tasks = report.tasks, acted = report.acted, retried = report.retried, "scheduled job done");
    Ok(report)
}
