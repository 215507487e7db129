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
