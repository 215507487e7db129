//! `JobQueue` on an SQS queue whose redrive policy moves a job to the dead-letter queue after the queue's
//! `maxReceiveCount` receives.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use zairyu_app::ports::{Delivery, JobQueue, QueueError};

#[derive(Clone, Debug)]
pub struct SqsQueue {
    client: Client,
    queue_url: String,
    dead_letter_url: String,
}

fn unavailable<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: &SdkError<E, R>) -> QueueError {
    match e {
        SdkError::ServiceError(s) => QueueError::unavailable(format!(
            "{}: {}",
            s.err().code().unwrap_or("Unknown"),
            s.err().message().unwrap_or_default()
        )),
        other => QueueError::unavailable(format!("{other:?}")),
    }
}

impl SqsQueue {
    pub fn new(client: Client, queue_url: impl Into<String>, dead_letter_url: impl Into<String>) -> Self {
        Self { client, queue_url: queue_url.into(), dead_letter_url: dead_letter_url.into() }
    }

    /// Creates a queue and its dead-letter queue with the template's redrive policy, for emulators and
    /// tests. Returns (queue URL, dead-letter queue URL).
    pub async fn create(
        client: &Client,
        name: &str,
        max_receives: u32,
        visibility_secs: u32,
    ) -> Result<(String, String), QueueError> {
        let dlq = client.create_queue().queue_name(format!("{name}-dlq")).send().await.map_err(|e| unavailable(&e))?;
        let dlq_url = dlq.queue_url().unwrap_or_default().to_owned();
        let attrs = client
            .get_queue_attributes()
            .queue_url(&dlq_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        let arn = attrs.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).cloned().unwrap_or_default();
        let redrive = format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"{max_receives}"}}"#);
        let q = client
            .create_queue()
            .queue_name(name)
            .attributes(QueueAttributeName::RedrivePolicy, redrive)
            .attributes(QueueAttributeName::VisibilityTimeout, visibility_secs.to_string())
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok((q.queue_url().unwrap_or_default().to_owned(), dlq_url))
    }
}

#[async_trait]
impl JobQueue for SqsQueue {
    async fn send(&self, body: &str) -> Result<(), QueueError> {
        if body.len() > 256 * 1024 {
            return Err(QueueError::Invalid("a job body is at most 256 KiB".into()));
        }
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn receive(&self, max: u32) -> Result<Vec<Delivery>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(i32::try_from(max.clamp(1, 10)).unwrap_or(10))
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .wait_time_seconds(0)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| {
                let attempt = m
                    .attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                Some(Delivery { receipt: m.receipt_handle()?.to_owned(), body: m.body()?.to_owned(), attempt })
            })
            .collect())
    }

    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn release(&self, receipt: &str) -> Result<(), QueueError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .visibility_timeout(0)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn dead_letters(&self, max: u32) -> Result<Vec<String>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.dead_letter_url)
            .max_number_of_messages(i32::try_from(max.clamp(1, 10)).unwrap_or(10))
            .visibility_timeout(0)
            .wait_time_seconds(0)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(out.messages().iter().filter_map(|m| m.body().map(str::to_owned)).collect())
    }
}
