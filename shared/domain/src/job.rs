//! Notification jobs: what the services queue and the notify function renders and sends, once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Language;
use crate::notification::NotificationKind;
use crate::values::EmailAddress;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    pub email: EmailAddress,
    pub language: Language,
}

/// One e-mail to send. The JSON body of a queued job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationJob {
    /// Identifies the job; also the key under which its sending is recorded, so a second delivery of the
    /// same job sends nothing (SQS delivers at least once).
    pub idempotency_key: String,
    pub kind: NotificationKind,
    pub to: Vec<Addressee>,
    /// The values the template fills in (receipt numbers, dates, links). No more personal data than the
    /// e-mail needs.
    pub data: BTreeMap<String, String>,
}

impl NotificationJob {
    pub fn new(kind: NotificationKind, idempotency_key: impl Into<String>, to: Vec<Addressee>) -> Self {
        Self { idempotency_key: idempotency_key.into(), kind, to, data: BTreeMap::new() }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.data.insert(key.to_owned(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_body_round_trips_as_json() {
        let job = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            "application:1:temporary_receipt_number",
            vec![Addressee { email: EmailAddress::parse("tanaka@example.jp").unwrap(), language: Language::Ja }],
        )
        .with("receipt_number", "TMP-20261127-00000000");
        let json = serde_json::to_string(&job).unwrap();
        assert!(json.contains("\"kind\":\"temporary_receipt_number\""));
        assert_eq!(serde_json::from_str::<NotificationJob>(&json).unwrap(), job);
    }
}

/// A queued body that is not a notification job (it can only end in the dead-letter queue).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the queued body is not a notification job: {0}")]
pub struct MalformedJob(pub String);

impl crate::error::Localized for MalformedJob {
    fn rule(&self) -> &'static str {
        "job.malformed"
    }
    fn message_ja(&self) -> String {
        "キューの内容が通知ジョブとして読み取れません。".into()
    }
}

/// Labels of the template values, in both languages.
fn label(key: &str, language: Language) -> &str {
    let (ja, en) = match key {
        "receipt_number" => ("受付番号", "Receipt number"),
        "receipt_date" => ("受付日", "Date of receipt"),
        "receipt_method" => ("在留カードの受領方法", "Receipt method of the residence card"),
        "user_id" => ("利用者ID", "User ID"),
        "link" => ("リンク", "Link"),
        "expires_at" => ("有効期限", "Valid until"),
        other => (other, other),
    };
    match language {
        Language::Ja => ja,
        Language::En => en,
    }
}

/// The plain-text e-mails of a job: one per language among its addressees, each saying that replies are
/// not read (Q100) and where the help desk is (Q99).
pub fn render_plain(job: &NotificationJob, from: &EmailAddress, help_desk: &str) -> Vec<crate::ports::Email> {
    let mut out = Vec::new();
    for language in [Language::Ja, Language::En] {
        let to: Vec<EmailAddress> = job.to.iter().filter(|a| a.language == language).map(|a| a.email.clone()).collect();
        if to.is_empty() {
            continue;
        }
        let (subject, footer) = match language {
            Language::Ja => (
                job.kind.subject_ja(),
                format!(
                    "このメールは送信専用です。返信されても確認できません。\nお問い合わせは在留申請オンラインシステムヘルプデスク（{help_desk}）へお願いします。\n心当たりのないメールを受信した場合も、ヘルプデスクへご連絡ください。"
                ),
            ),
            Language::En => (
                job.kind.subject_en(),
                format!(
                    "This e-mail was sent from a no-reply address; replies are not read.\nFor inquiries, contact the Online Residence Application System help desk ({help_desk}).\nIf you did not expect this e-mail, please tell the help desk."
                ),
            ),
        };
        let mut text = format!("{subject}\n\n");
        for (k, v) in &job.data {
            text.push_str(&format!("{}: {v}\n", label(k, language)));
        }
        text.push_str(&format!("\n--\n{footer}\n"));
        out.push(crate::ports::Email { from: from.clone(), to, subject: subject.to_owned(), text, html: None });
    }
    out
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn q33_q100_one_mail_per_language_with_the_no_reply_footer() {
        let job = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            "k",
            vec![
                Addressee { email: EmailAddress::parse("tanaka@example.jp").unwrap(), language: Language::Ja },
                Addressee { email: EmailAddress::parse("an@example.com").unwrap(), language: Language::En },
            ],
        )
        .with("receipt_number", "TMP-20261127-00000000");
        let mails = render_plain(&job, &EmailAddress::parse("no-reply@oras.example.jp").unwrap(), "0570-000-000");
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[0].subject, "仮受付番号のお知らせ");
        assert!(
            mails[0].text.contains("受付番号: TMP-20261127-00000000")
                && mails[0].text.contains("返信されても確認できません")
        );
        assert!(
            mails[1].text.contains("Receipt number: TMP-20261127-00000000")
                && mails[1].text.contains("replies are not read")
        );
        assert_eq!(mails[1].to[0].as_str(), "an@example.com");
    }
}
