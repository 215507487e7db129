//! Blanket (batch) uploads as stored: one xlsx file of one procedure type and one input-screen group
//! (Q40), at most 300 rows (Q41), each row an application or a row error with its cell (Q42).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::application::OrganizationId;
use crate::status_of_residence::ScreenGroup;
use crate::values::UserId;

/// Q41: applicants in one file.
pub const MAX_ROWS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    /// The upload link was handed out; no file yet.
    AwaitingFile,
    Processing,
    /// Every row became an application.
    Registered,
    /// Some rows failed: shown as "Error (blanket registration)" (Q42).
    RowErrors,
    /// The whole file was refused (not xlsx, too large, over 300 rows, mixed groups…).
    Refused,
}

/// One upload of a blanket file. Its fields are read through the accessors; it ends once, registered,
/// with row errors, or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BlanketUpload {
    id: String,
    organization_id: OrganizationId,
    uploaded_by: UserId,
    screen_group: Option<ScreenGroup>,
    state: UploadState,
    created_at: DateTime<Utc>,
    rows_registered: u32,
    rows_failed: u32,
    /// The file-level refusal, as a stable rule code.
    refusal: Option<String>,
}

impl BlanketUpload {
    /// Q40: a new upload awaiting its file.
    pub fn start(id: String, organization_id: OrganizationId, uploaded_by: UserId, now: DateTime<Utc>) -> Self {
        Self {
            id,
            organization_id,
            uploaded_by,
            screen_group: None,
            state: UploadState::AwaitingFile,
            created_at: now,
            rows_registered: 0,
            rows_failed: 0,
            refusal: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }
    pub fn uploaded_by(&self) -> &UserId {
        &self.uploaded_by
    }
    pub fn screen_group(&self) -> Option<ScreenGroup> {
        self.screen_group
    }
    pub fn state(&self) -> UploadState {
        self.state
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    pub fn rows_registered(&self) -> u32 {
        self.rows_registered
    }
    pub fn rows_failed(&self) -> u32 {
        self.rows_failed
    }
    pub fn refusal(&self) -> Option<&str> {
        self.refusal.as_deref()
    }

    /// Whether the file is still to be processed (it is processed once; a second delivery changes nothing).
    pub fn is_open(&self) -> bool {
        matches!(self.state, UploadState::AwaitingFile | UploadState::Processing)
    }

    /// The whole file was refused, for the rule `rule`.
    pub fn refuse(&mut self, rule: &str) {
        self.state = UploadState::Refused;
        self.refusal = Some(rule.to_owned());
    }

    /// Q42: the rows were read as `group`; `registered` became applications and `failed` have row errors
    /// ("Error (blanket registration)" when any failed).
    pub fn register(&mut self, group: ScreenGroup, registered: u32, failed: u32) {
        self.screen_group = Some(group);
        self.rows_registered = registered;
        self.rows_failed = failed;
        self.state = if failed == 0 { UploadState::Registered } else { UploadState::RowErrors };
    }
}

/// One failing cell of a blanket file (Q42).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowError {
    pub sheet: String,
    /// 1-based row number as Excel shows it.
    pub row: u32,
    /// Column letter(s) as Excel shows them.
    pub column: String,
    pub value: String,
    pub rule: String,
    pub message_en: String,
    pub message_ja: String,
}
