//! Lambda function `outbox`: an EventBridge schedule every minute. A use case writes its notification jobs
//! to the outbox in the same transaction as its change and hands them to SQS right after; when that send
//! fails (or the function ends between the two), the job waits in the outbox and this sweep sends it.
//!
//! Why a scheduled sweep and not a DynamoDB Streams consumer: a stream would see every outbox record, so
//! either every job is sent twice (the commit's own send and the stream's) or the commit's send goes and
//! every e-mail waits for the stream; it would also need its own failure destination. The sweep reuses the
//! one code path the local server runs, sends only what is older than the grace period (so the usual
//! traffic is not doubled), and costs one query per outbox shard a minute. A job sent twice is still
//! e-mailed once: the notify function de-duplicates by the job's idempotency key.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use zairyu_app::{DailyJobs, ServiceError};

/// What one sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    /// Jobs handed to the queue.
    pub jobs: usize,
    /// Photo objects deleted that no application showed (a failed save, a replaced photo whose delete
    /// failed).
    pub photos: usize,
}

/// Sweeps the outbox, then the photo objects left unsettled; what it did is the function's result.
pub async fn handle(jobs: &DailyJobs, _event: EventBridgeEvent<serde_json::Value>) -> Result<Swept, ServiceError> {
    let swept = Swept { jobs: jobs.sweep_outbox().await?, photos: jobs.sweep_photos().await? };
    tracing::info!(jobs = swept.jobs, photos = swept.photos, "swept");
    Ok(swept)
}
