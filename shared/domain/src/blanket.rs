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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BlanketUpload {
    pub id: String,
    pub organization_id: OrganizationId,
    pub uploaded_by: UserId,
    pub screen_group: Option<ScreenGroup>,
    pub state: UploadState,
    pub created_at: DateTime<Utc>,
    pub rows_registered: u32,
    pub rows_failed: u32,
    /// The file-level refusal, as a stable rule code.
    pub refusal: Option<String>,
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
