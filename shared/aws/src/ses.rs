//! `Mailer` on SES v2 `SendEmail` with simple content, UTF-8 subject and body.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use zairyu_app::ports::{Email, MailError, Mailer};

#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
}

/// Refusals of this message or its address, for which sending it again cannot help: SES rejected the
/// message (`MessageRejected`) or a parameter of it such as a malformed address (`BadRequestException`).
/// Everything else — `SendingPausedException`, `AccountSuspendedException`,
/// `MailFromDomainNotVerifiedException`, throttling (`TooManyRequestsException`, `LimitExceededException`),
/// a missing configuration set (`NotFoundException`), a network failure — is the service's problem, not the
/// address's: the job goes back to the queue, is tried again, and ends in the dead-letter queue (which has
/// an alarm) if the service stays unable.
const REFUSES_THE_MESSAGE: &[&str] = &["MessageRejected", "BadRequestException"];

/// The error for SES's error `code`. Only the code is kept (as the source, and in the log line): SES's
/// message text can quote the addresses.
fn refusal(code: &str) -> MailError {
    let code = if code.chars().all(|c| c.is_ascii_alphanumeric()) && !code.is_empty() { code } else { "Unknown" };
    if REFUSES_THE_MESSAGE.contains(&code) {
        tracing::warn!(code, "SES refused the message; it is not sent again");
        MailError::rejected(format!("SES {code}"))
    } else {
        tracing::warn!(code, "SES could not send now; the job will be tried again");
        MailError::unavailable(format!("SES {code}"))
    }
}

impl SesMailer {
    pub fn new(client: Client) -> Self {
        Self { client }
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
            .await
            .map_err(|e| match &e {
                SdkError::ServiceError(s) => refusal(s.err().code().unwrap_or("Unknown")),
                SdkError::TimeoutError(_) => MailError::unavailable("SES timeout"),
                SdkError::DispatchFailure(_) => MailError::unavailable("SES dispatch failure"),
                _ => MailError::unavailable("SES response or request failure"),
            })?;
        Ok(out.message_id().unwrap_or_default().to_owned())
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
            assert!(is_permanent(&refusal(code)), "{code}");
        }
        for code in [
            "SendingPausedException",
            "AccountSuspendedException",
            "MailFromDomainNotVerifiedException",
            "TooManyRequestsException",
            "LimitExceededException",
            "NotFoundException",
            "InternalFailure",
            "Unknown",
            "",
        ] {
            assert!(!is_permanent(&refusal(code)), "{code}");
        }
    }

    #[test]
    fn nothing_but_the_code_is_kept() {
        use std::error::Error;
        let e = refusal("SendingPausedException");
        assert_eq!(e.source().unwrap().to_string(), "SES SendingPausedException");
        // A code that is not a code (it could be anything the service sent) is not kept either.
        let odd = refusal("Rejected: to tanaka@sakura.example.jp");
        assert_eq!(odd.source().unwrap().to_string(), "SES Unknown");
    }
}
