//! Lambda function `notify`: each SQS record is one notification job; each is rendered and sent once
//! through the mailer. The reply names only the records that must come again (`batchItemFailures`), so one
//! bad message does not re-send the others; after the queue's last attempt such a record goes to the
//! dead-letter queue.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use zairyu_app::Notifications;

pub struct Notifier {
    pub notifications: Notifications,
}

impl Notifier {
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut failures = Vec::new();
        for record in event.records {
            let id = record.message_id.clone().unwrap_or_default();
            let body = record.body.as_deref().unwrap_or_default();
            match self.notifications.send_job(body).await {
                Ok(d) => {
                    tracing::info!(message_id = %id, sent = d.sent, duplicates = d.duplicates, rejected = d.rejected, "job done")
                }
                Err(e) => {
                    tracing::warn!(message_id = %id, error = %e.log_chain(), "job failed; it will be delivered again");
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = id;
                    failures.push(failure);
                }
            }
        }
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = failures;
        response
    }
}
