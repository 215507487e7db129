//! Sending the e-mails of queued notification jobs, each once (Q86): by the `notify` function per SQS
//! batch in AWS, by the local server's worker on the embedded queue.

use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::job::{Email, MalformedJob, NotificationJob};
use zairyu_domain::values::EmailAddress;

use super::Core;
use crate::error::{ServiceError, invalid};
use crate::ports::{BlobStore, JobQueue, MailError, Mailer};
use std::sync::Arc;

/// What sending one job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Already sent by an earlier delivery of the same job.
    pub duplicates: usize,
    /// Refused for good by the mail service; recorded, not retried.
    pub rejected: usize,
}

#[derive(Clone)]
pub struct Notifications {
    core: Core,
    mailer: Arc<dyn Mailer>,
    /// The no-reply sender (Q100).
    from: EmailAddress,
    /// Where the help desk is, printed in every e-mail (Q99).
    help_desk: String,
    /// The key that signs electronic certificates and where their PDFs are kept: sealed before the e-mail
    /// that links to one is sent.
    sealing: Option<(super::certificates::Sealing, Arc<dyn BlobStore>)>,
}

impl Notifications {
    pub fn new(core: Core, mailer: Arc<dyn Mailer>, from: EmailAddress, help_desk: impl Into<String>) -> Self {
        Self { core, mailer, from, help_desk: help_desk.into(), sealing: None }
    }

    /// With the key and the store of electronic certificates' PDFs (the process that sends their e-mails).
    pub fn with_sealing(mut self, sealing: super::certificates::Sealing, blobs: Arc<dyn BlobStore>) -> Self {
        self.sealing = Some((sealing, blobs));
        self
    }

    /// An electronic certificate's PDF, signed and kept before its e-mail goes: the e-mail links to it.
    async fn seal_linked(&self, job: &NotificationJob) -> Result<(), ServiceError> {
        if job.kind != zairyu_domain::notification::NotificationKind::ElectronicCertificateIssued {
            return Ok(());
        }
        let code = job.data.get("code").map(String::as_str).unwrap_or_default();
        let code = zairyu_domain::certificate::CertificateCode::parse(code).map_err(|e| invalid("job", &e))?;
        let (sealing, blobs) = self.sealing.as_ref().ok_or_else(|| {
            ServiceError::Seal(crate::ports::SealError::unavailable("this process holds no key to sign certificates"))
        })?;
        sealing.seal_into(blobs.as_ref(), &code).await
    }

    /// Sends `email` unless a job with the same idempotency key was sent before; `true` when it sent. The
    /// key is recorded first with a conditional write, and forgotten again if the send fails, so a retry
    /// sends and a duplicate delivery does not.
    #[tracing::instrument(skip_all)]
    pub async fn send_once(&self, idempotency_key: &str, email: &Email) -> Result<bool, ServiceError> {
        let marks = self.core.store().sent_marks();
        if !marks.mark(idempotency_key, self.core.now()).await? {
            return Ok(false);
        }
        match self.mailer.send(email).await {
            Ok(_) => Ok(true),
            Err(e) => {
                marks.unmark(idempotency_key).await?;
                Err(e.into())
            }
        }
    }

    /// Sends one queued notification job: each of its e-mails once (by idempotency key). A permanent
    /// refusal by the mail service (a bad address) is recorded in the audit trail and not retried; any other
    /// failure is an error, so the queue delivers the job again (and dead-letters it in the end). A body
    /// that is not a job is an error too: it can only end in the dead-letter queue.
    #[tracing::instrument(skip_all)]
    pub async fn send_job(&self, body: &str) -> Result<Delivered, ServiceError> {
        let job: NotificationJob =
            serde_json::from_str(body).map_err(|e| invalid("job", &MalformedJob(e.to_string())))?;
        let mut delivered = Delivered::default();
        self.seal_linked(&job).await?;
        let emails = zairyu_domain::job::render(&job, &self.from, &self.help_desk).map_err(|e| invalid("job", &e))?;
        for (i, email) in emails.iter().enumerate() {
            let key = format!("{}#{i}", job.idempotency_key);
            match self.send_once(&key, email).await {
                Ok(true) => delivered.sent += 1,
                Ok(false) => delivered.duplicates += 1,
                Err(ServiceError::Mail(MailError::Rejected(_))) => {
                    // Never retried: marked as done, and recorded without the address.
                    self.core.store().sent_marks().mark(&key, self.core.now()).await?;
                    let event = self.core.event(
                        "system",
                        AuditAction::NotificationRejected,
                        format!("notification:{key}"),
                        None,
                        Outcome::Refused(job.kind.code().into()),
                    );
                    self.core.audit_only(event).await?;
                    delivered.rejected += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(delivered)
    }

    /// Takes up to `max` notification jobs from `queue` and sends each (the embedded worker; in AWS the
    /// notify function does the same per SQS batch). Returns how many e-mails went out.
    #[tracing::instrument(skip_all)]
    pub async fn deliver(&self, queue: &dyn JobQueue, max: u32) -> Result<usize, ServiceError> {
        let mut sent = 0;
        for delivery in queue.receive(max).await? {
            match self.send_job(&delivery.body).await {
                Ok(d) => {
                    sent += d.sent;
                    queue.ack(&delivery.receipt).await?;
                }
                Err(e) => {
                    tracing::warn!(error = %e.log_chain(), attempt = delivery.attempt, "a notification job failed; it will be delivered again");
                    queue.release(&delivery.receipt).await?;
                }
            }
        }
        Ok(sent)
    }
}
