//! The audit trail (Q102): who did what, when, from where, and with what outcome. Every log-in attempt and
//! every change writes one event, in the same transaction as the change where the store allows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "rule")]
pub enum Outcome {
    Success,
    /// Refused, with the stable rule code of the refusal.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    /// The user ID, or `system`, or `anonymous` for a log-in attempt with an unknown ID.
    pub actor: String,
    /// A stable verb, e.g. `login`, `application.submit`.
    pub action: String,
    /// What was acted on, e.g. `application:01J…`; never personal data.
    pub subject: String,
    /// Where the request came from (IP address), when known.
    pub from: Option<String>,
    pub outcome: Outcome,
}
