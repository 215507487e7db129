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

/// Errors for which sending again cannot help.
const PERMANENT: &[&str] = &[
    "MessageRejected",
    "MailFromDomainNotVerifiedException",
    "AccountSuspendedException",
    "SendingPausedException",
    "BadRequestException",
    "NotFoundException",
];

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
                SdkError::ServiceError(s) => {
                    let code = s.err().code().unwrap_or("Unknown");
                    let msg = format!("{code}: {}", s.err().message().unwrap_or_default());
                    if PERMANENT.contains(&code) { MailError::rejected(msg) } else { MailError::unavailable(msg) }
                }
                other => MailError::unavailable(format!("{other:?}")),
            })?;
        Ok(out.message_id().unwrap_or_default().to_owned())
    }
}
