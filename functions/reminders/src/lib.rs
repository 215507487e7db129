//! Lambda function `reminders`: one EventBridge schedule per daily job, the job named in the event's
//! `detail` (`{"job": "official_receipt_numbers"}`, see `events/schedule/`).

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use zairyu_domain::reminders::RunReport;
use zairyu_domain::schedule::ScheduledJobDetail;
use zairyu_domain::service::{Ports, ServiceError};

/// Runs the job the event names; the report is the function's result (and its log line).
pub async fn handle(ports: &Ports, event: EventBridgeEvent<ScheduledJobDetail>) -> Result<RunReport, ServiceError> {
    let job = event.detail.job;
    let report = ports.run_scheduled(job).await?;
    tracing::info!(job = ?job, days = report.days.len(), tasks = report.tasks, acted = report.acted, retried = report.retried, "scheduled job done");
    Ok(report)
}
