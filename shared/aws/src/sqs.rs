//! `JobQueue` on an SQS queue whose redrive policy moves a job to the dead-letter queue after the queue's
//! `maxReceiveCount` receives.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{
    MessageSystemAttributeName, MessageSystemAttributeNameForSends, MessageSystemAttributeValue, QueueAttributeName,
};
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

/// The X-Ray trace of the invocation that is running, as Lambda's runtime sets it for each invocation
/// (`_X_AMZN_TRACE_ID`, e.g. `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`).
fn current_trace() -> Option<String> {
    std::env::var("_X_AMZN_TRACE_ID").ok().filter(|t| t.starts_with("Root=") && t.len() <= 1024)
}

impl SqsQueue {
    /// Sends a job carrying `trace` as its `AWSTraceHeader`, so that the X-Ray trace of the request that
    /// made the job goes on through the queue into the `notify` invocation that sends its e-mail.
    pub async fn send_traced(&self, body: &str, trace: Option<&str>) -> Result<(), QueueError> {
        if body.len() > 256 * 1024 {
            return Err(QueueError::Invalid("a job body is at most 256 KiB".into()));
        }
        let mut send = self.client.send_message().queue_url(&self.queue_url).message_body(body);
        if let Some(trace) = trace {
            send = send.message_system_attributes(
                MessageSystemAttributeNameForSends::AwsTraceHeader,
                MessageSystemAttributeValue::builder()
                    .data_type("String")
                    .string_value(trace)
                    .build()
                    .map_err(|e| QueueError::Invalid(e.to_string()))?,
            );
        }
        send.send().await.map_err(|e| unavailable(&e))?;
        Ok(())
    }

    /// The trace header a job on the queue carries, if any (for tests: the receive of `notify` is Lambda's).
    pub async fn trace_of_next(&self) -> Result<Option<String>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .message_system_attribute_names(MessageSystemAttributeName::AwsTraceHeader)
            .visibility_timeout(0)
            .wait_time_seconds(0)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(out
            .messages()
            .first()
            .and_then(|m| m.attributes())
            .and_then(|a| a.get(&MessageSystemAttributeName::AwsTraceHeader))
            .cloned())
    }
}

#[async_trait]
impl JobQueue for SqsQueue {
    async fn send(&self, body: &str) -> Result<(), QueueError> {
        self.send_traced(body, current_trace().as_deref()).await
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
