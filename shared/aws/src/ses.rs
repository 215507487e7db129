//! `Mailer` on SES v2 `SendEmail` with simple content, UTF-8 subject and body.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, VerificationStatus};
use zairyu_app::ports::{Email, MailError, Mailer};

#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
    /// The sending domain, whose verification decides (with the account's state) what a refusal means.
    domain: String,
    /// Whether SES could send for the account and domain when last asked, and when that was.
    ready: Arc<Mutex<Option<(Instant, bool)>>>,
}

/// How long an answer about the account's readiness is believed.
const READINESS_KEPT: Duration = Duration::from_secs(300);

/// Refusals of this message or its address, for which sending it again cannot help — once the account can
/// send: SES rejected the message (`MessageRejected`) or a parameter of it such as a malformed address
/// (`BadRequestException`). But SES answers `MessageRejected` too while the account is in the sandbox (every
/// recipient not verified) or the sender's domain is not verified, so that refusal is taken as the message's
/// only once the account is out of the sandbox, sending is enabled and the domain verified
/// ([`SesMailer::ready`]); until then it is the account's, and the job is tried again.
/// Everything else — `SendingPausedException`, `AccountSuspendedException`,
/// `MailFromDomainNotVerifiedException`, a missing configuration set (`NotFoundException`), a network
/// failure — is the service's problem, not the address's: the job goes back to the queue, is tried again, and
/// ends in the dead-letter queue (which has an alarm) if the service stays unable.
const REFUSES_THE_MESSAGE: &[&str] = &["MessageRejected", "BadRequestException"];

/// SES's answers that ask to slow down: the account's sending rate was passed.
const SLOW_DOWN: &[&str] = &["TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException"];

/// The error for SES's error `code`, for an account that can send (`ready`) or not. Only the code is kept (as
/// the source, and in the log line): SES's message text can quote the addresses.
fn refusal(code: &str, ready: bool) -> MailError {
    let code = if code.chars().all(|c| c.is_ascii_alphanumeric()) && !code.is_empty() { code } else { "Unknown" };
    if SLOW_DOWN.contains(&code) {
        tracing::info!(code, "SES asked to slow down");
        MailError::throttled(format!("SES {code}"))
    } else if REFUSES_THE_MESSAGE.contains(&code) && ready {
        tracing::warn!(code, "SES refused the message; it is not sent again");
        MailError::rejected(format!("SES {code}"))
    } else if REFUSES_THE_MESSAGE.contains(&code) {
        tracing::warn!(
            code,
            "SES refused the message while the account cannot send (sandbox, sending disabled or the domain not verified); the job will be tried again"
        );
        MailError::unavailable(format!("SES {code} (account not ready)"))
    } else {
        tracing::warn!(code, "SES could not send now; the job will be tried again");
        MailError::unavailable(format!("SES {code}"))
    }
}

impl SesMailer {
    /// A mailer sending from addresses of `domain` (the verified identity).
    pub fn new(client: Client, domain: impl Into<String>) -> Self {
        Self { client, domain: domain.into(), ready: Arc::new(Mutex::new(None)) }
    }

    /// Whether SES can send for the account now: out of the sandbox, sending enabled, the sender's domain
    /// verified. Asked only when SES refuses a message (never at start: a cold start makes no call), and
    /// believed for five minutes. A question SES does not answer counts as "not ready": the job is kept.
    async fn ready(&self) -> bool {
        if let Ok(guard) = self.ready.lock()
            && let Some((at, ready)) = *guard
            && at.elapsed() < READINESS_KEPT
        {
            return ready;
        }
        let account = self.client.get_account().send().await;
        let identity = self.client.get_email_identity().email_identity(&self.domain).send().await;
        let ready = match (&account, &identity) {
            (Ok(a), Ok(i)) => {
                a.production_access_enabled()
                    && a.sending_enabled()
                    && i.verified_for_sending_status()
                    && i.verification_status() != Some(&VerificationStatus::Failed)
            }
            _ => false,
        };
        if !ready {
            tracing::warn!(
                account_answered = account.is_ok(),
                identity_answered = identity.is_ok(),
                "SES cannot send for this account yet (infra/README.md: leaving the sandbox)"
            );
        }
        if let Ok(mut guard) = self.ready.lock() {
            *guard = Some((Instant::now(), ready));
        }
        ready
    }

    /// Verifies a sending identity, for emulators and tests.
    pub async fn create_identity(client: &Client, identity: &str) -> Result<(), MailError> {
        client
            .create_email_identity()
            .email_identity(identity)
            .send()
            .await
            .map_err(|e| MailError::unavailable(format!("{e:?}")))?;
        Ok(())
    }
}

fn content(text: &str) -> Result<Content, MailError> {
    Content::builder().data(text).charset("UTF-8").build().map_err(|e| MailError::rejected(e.to_string()))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if email.to.is_empty() {
            return Err(MailError::rejected("an e-mail needs at least one recipient"));
        }
        let mut body = Body::builder().text(content(&email.text)?);
        if let Some(html) = &email.html {
            body = body.html(content(html)?);
        }
        let message = Message::builder().subject(content(&email.subject)?).body(body.build()).build();
        let destination =
            Destination::builder().set_to_addresses(Some(email.to.iter().map(|a| a.to_string()).collect())).build();
        let out = self
            .client
            .send_email()
            .from_email_address(email.from.as_str())
            .destination(destination)
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await;
        match out {
            Ok(out) => Ok(out.message_id().unwrap_or_default().to_owned()),
            Err(SdkError::ServiceError(s)) => {
                let code = s.err().code().unwrap_or("Unknown").to_owned();
                let ready = !REFUSES_THE_MESSAGE.contains(&code.as_str()) || self.ready().await;
                Err(refusal(&code, ready))
            }
            Err(SdkError::TimeoutError(_)) => Err(MailError::unavailable("SES timeout")),
            Err(SdkError::DispatchFailure(_)) => Err(MailError::unavailable("SES dispatch failure")),
            Err(_) => Err(MailError::unavailable("SES response or request failure")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn is_permanent(e: &MailError) -> bool {
        matches!(e, MailError::Rejected(_))
    }

    #[test]
    fn only_a_refusal_of_the_message_is_permanent_account_level_refusals_are_retried() {
        for code in ["MessageRejected", "BadRequestException"] {
            assert!(is_permanent(&refusal(code, true)), "{code}");
            // In the sandbox or with the domain unverified, SES refuses every message the same way: kept.
            assert!(matches!(refusal(code, false), MailError::Unavailable(_)), "{code} while not ready");
        }
        for code in [
            "SendingPausedException",
            "AccountSuspendedException",
            "MailFromDomainNotVerifiedException",
            "NotFoundException",
            "InternalFailure",
            "Unknown",
            "",
        ] {
            assert!(matches!(refusal(code, true), MailError::Unavailable(_)), "{code}");
        }
        for code in ["TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException"] {
            assert!(matches!(refusal(code, true), MailError::Throttled(_)), "{code}");
        }
    }

    #[test]
    fn nothing_but_the_code_is_kept() {
        use std::error::Error;
        let e = refusal("SendingPausedException", true);
        assert_eq!(e.source().unwrap().to_string(), "SES SendingPausedException");
        // A code that is not a code (it could be anything the service sent) is not kept either.
        let odd = refusal("Rejected: to tanaka@sakura.example.jp", true);
        assert_eq!(odd.source().unwrap().to_string(), "SES Unknown");
    }
}
