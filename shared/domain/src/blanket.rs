//! Blanket (batch) uploads as stored: one xlsx file of one procedure type and one input-screen group
//! (Q40), at most 300 rows (Q41), each row an application or a row error with its cell (Q42).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Localized;

use crate::application::{Application, ApplicationError, ApplicationId, OrganizationId};
use crate::form::{ApplicationForm, ApplicationInput};
use crate::status::{Actor, ApplicationStatus, Transition};
use crate::status_of_residence::ScreenGroup;
use crate::values::UserId;

/// Q41: applicants in one file.
pub const MAX_ROWS: usize = 300;

/// The largest blanket file taken (300 filled rows of the template are about 100 KB).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The size of the file a user is about to upload, as the browser tells it: 1 byte up to the limit. The
/// upload link takes a body of exactly this size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSize(u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileSizeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 5 MB")]
    TooLarge,
}

impl Localized for FileSizeError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Empty => "blanket.empty_file",
            Self::TooLarge => "blanket.too_large",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Empty => "ファイルが空です。".into(),
            Self::TooLarge => "ファイルが5MBを超えています。".into(),
        }
    }
}

impl FileSize {
    pub fn parse(bytes: u64) -> Result<Self, FileSizeError> {
        match bytes {
            0 => Err(FileSizeError::Empty),
            n if n > MAX_FILE_BYTES as u64 => Err(FileSizeError::TooLarge),
            n => Ok(Self(n)),
        }
    }
    pub fn bytes(self) -> u64 {
        self.0
    }
}

/// A file over the limit was announced: its upload ended refused at once, and no link was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the file is larger than 5 MB: upload {upload_id} ended refused; divide the file")]
pub struct FileTooLarge {
    pub upload_id: String,
}

impl Localized for FileTooLarge {
    fn rule(&self) -> &'static str {
        FileSizeError::TooLarge.rule()
    }
    fn message_ja(&self) -> String {
        format!("ファイルが5MBを超えています（アップロード {}）。ファイルを分割してください。", self.upload_id)
    }
}

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
    /// Of the rows registered, those that changed an application already entered for the same foreign
    /// national instead of adding another.
    #[serde(default)]
    rows_updated: u32,
    rows_failed: u32,
    /// The file-level refusal, as a stable rule code.
    refusal: Option<String>,
    /// The refusal as the user reads it: its message in both languages and, where it applies, the row.
    #[serde(default)]
    refusal_detail: Option<FileRefusal>,
    /// The file's name on the user's computer, as told when the upload started: the upload list and the
    /// result e-mail name it.
    #[serde(default)]
    file_name: Option<UploadFileName>,
}

/// The name of an uploaded file as the user's computer called it: the last part of a path, without control
/// characters, at most 200 characters. Only ever shown back to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct UploadFileName(String);

/// A file name that cannot be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    #[error("the file name is empty")]
    Empty,
    #[error("the file name is longer than 200 characters")]
    TooLong,
}

impl Localized for FileNameError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Empty => "file_name.required",
            Self::TooLong => "file_name.length",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Empty => "ファイル名がありません。".into(),
            Self::TooLong => "ファイル名が200文字を超えています。".into(),
        }
    }
}

impl UploadFileName {
    /// Browsers send a bare name, some a whole path (`C:\fakepath\…`): the last part is kept.
    pub fn parse(raw: &str) -> Result<Self, FileNameError> {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        // Nothing that is not seen: controls, direction overrides, zero-width spaces (a name that reads
        // `xlsx.exe` shown backwards is another name).
        let name: String = last
            .chars()
            .filter(|c| !c.is_control() && !crate::error::is_invisible_format(*c))
            .collect::<String>()
            .trim()
            .to_owned();
        if name.is_empty() {
            return Err(FileNameError::Empty);
        }
        if name.chars().count() > 200 {
            return Err(FileNameError::TooLong);
        }
        Ok(Self(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UploadFileName {
    type Error = FileNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<UploadFileName> for String {
    fn from(n: UploadFileName) -> Self {
        n.0
    }
}

/// Why a whole file was refused, kept with its upload (Q42).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileRefusal {
    pub rule: String,
    pub message_en: String,
    pub message_ja: String,
    /// The row (1-based) the refusal is about, if it is about one.
    pub row: Option<u32>,
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
            rows_updated: 0,
            rows_failed: 0,
            refusal: None,
            refusal_detail: None,
            file_name: None,
        }
    }

    /// The new upload's file, by the name the user's computer gave it.
    pub fn named(mut self, file_name: Option<UploadFileName>) -> Self {
        self.file_name = file_name;
        self
    }

    pub fn file_name(&self) -> Option<&UploadFileName> {
        self.file_name.as_ref()
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
    pub fn rows_updated(&self) -> u32 {
        self.rows_updated
    }
    pub fn refusal(&self) -> Option<&str> {
        self.refusal.as_deref()
    }
    pub fn refusal_detail(&self) -> Option<&FileRefusal> {
        self.refusal_detail.as_ref()
    }

    /// Whether the file is still to be processed (it is processed once; a second delivery changes nothing).
    pub fn is_open(&self) -> bool {
        matches!(self.state, UploadState::AwaitingFile | UploadState::Processing)
    }

    /// The name of the file a page's form is about to send (told by the page's script just before, as a
    /// browser's form to the object store cannot): taken while the upload waits for its file and has none.
    /// Whether it changed.
    pub fn name_file(&mut self, name: UploadFileName) -> bool {
        if self.state != UploadState::AwaitingFile || self.file_name.is_some() {
            return false;
        }
        self.file_name = Some(name);
        true
    }

    /// The file arrived: the upload is being registered (its link takes no other file). Whether it changed.
    pub fn receive(&mut self) -> bool {
        if self.state != UploadState::AwaitingFile {
            return false;
        }
        self.state = UploadState::Processing;
        true
    }

    /// No file arrived while its link was valid (none is stored): the upload ends refused, saying so.
    pub fn expire(&mut self) {
        if self.is_open() {
            self.refuse(&NoFileArrived, None);
        }
    }

    /// The whole file is refused for `reason` (about `row`, if it is about one).
    pub fn refuse(&mut self, reason: &dyn Localized, row: Option<u32>) {
        self.state = UploadState::Refused;
        self.refusal = Some(reason.rule().to_owned());
        self.refusal_detail = Some(FileRefusal {
            rule: reason.rule().to_owned(),
            message_en: reason.to_string(),
            message_ja: reason.message_ja(),
            row,
        });
    }

    /// Q42: the rows were read as `group` ("Error (blanket registration)" when any failed). The file's rows are registered: `registered` of them (of which `updated` changed an application
    /// already entered), `failed` with errors.
    pub fn register(&mut self, group: ScreenGroup, registered: u32, updated: u32, failed: u32) {
        self.screen_group = Some(group);
        self.rows_registered = registered;
        self.rows_updated = updated.min(registered);
        self.rows_failed = failed;
        self.state = if failed == 0 { UploadState::Registered } else { UploadState::RowErrors };
    }
}

/// Why an upload whose link expired without a file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no file arrived while the upload link was valid (15 minutes); start a new upload")]
pub struct NoFileArrived;

impl Localized for NoFileArrived {
    fn rule(&self) -> &'static str {
        "blanket.no_file"
    }
    fn message_ja(&self) -> String {
        "アップロード用リンクの有効期間（15分）内にファイルが届きませんでした。改めてアップロードしてください。".into()
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
    /// The column's header as the template names it, in Japanese and in English (empty for errors
    /// recorded before these were kept).
    #[serde(default)]
    pub header_ja: String,
    #[serde(default)]
    pub header_en: String,
    pub value: String,
    pub rule: String,
    pub message_en: String,
    pub message_ja: String,
    /// The form's field the error is about, as the single entry's errors name it (`postcode`,
    /// `relatives[0].name`), so that the correction page shows it beside that field (empty for errors
    /// recorded before this was kept: those are shown in the page's summary only).
    #[serde(default)]
    pub field: String,
    /// Whose row it is, as typed in it: the applicant's name and residence card number, so that a clerk
    /// finds the person on a printed list (empty for errors recorded before these were kept).
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub card_number: String,
}

/// A row of a blanket file that could not be registered (Q42): an item of the organization's application
/// information list in "Error (blanket registration)", with the row as typed and its errors, until a user
/// corrects it on the single-entry path and it becomes an application ("Input completed") under the same
/// ID. It is never filed itself: only [`BlanketEntry::correct`] makes an application of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BlanketEntry {
    id: ApplicationId,
    organization_id: OrganizationId,
    upload_id: String,
    /// The row's number in the file, as Excel shows it.
    row: u32,
    created_by: UserId,
    input: ApplicationInput,
    errors: Vec<RowError>,
}

impl BlanketEntry {
    pub fn new(
        id: ApplicationId,
        upload: &BlanketUpload,
        row: u32,
        input: ApplicationInput,
        errors: Vec<RowError>,
    ) -> Self {
        Self {
            id,
            organization_id: upload.organization_id().clone(),
            upload_id: upload.id().to_owned(),
            row,
            created_by: upload.uploaded_by().clone(),
            input,
            errors,
        }
    }

    pub fn id(&self) -> &ApplicationId {
        &self.id
    }
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }
    pub fn row(&self) -> u32 {
        self.row
    }
    pub fn created_by(&self) -> &UserId {
        &self.created_by
    }
    /// The row as typed, to be corrected.
    pub fn input(&self) -> &ApplicationInput {
        &self.input
    }
    pub fn errors(&self) -> &[RowError] {
        &self.errors
    }

    /// Q51: always "Error (blanket registration)" while it is an entry.
    pub fn status(&self) -> ApplicationStatus {
        ApplicationStatus::ErrorBlanketRegistration
    }

    /// Q42: the user corrected the row on the single-entry path (`form` parsed and checked like any single
    /// entry): the application, "Input completed", under the entry's ID.
    pub fn correct(self, actor: Actor, form: ApplicationForm) -> Result<Application, ApplicationError> {
        Transition::CorrectBlanketEntry.apply(actor, self.status(), form.receipt_method)?;
        Ok(Application::new(self.id, self.organization_id, self.created_by, form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::application_input;
    use crate::jst::d;
    use crate::status::OfficerRole;

    /// An upload of TANAKA01's at org-1, just started.
    fn new_upload() -> BlanketUpload {
        BlanketUpload::start(
            "up-1".into(),
            OrganizationId::parse("org-1").unwrap(),
            UserId::parse("TANAKA01").unwrap(),
            d("2026-11-27").start_instant(),
        )
    }

    fn entry() -> BlanketEntry {
        let upload = new_upload();
        let mut input = application_input();
        input.name = "Nguyen Van An".into();
        let error = RowError {
            sheet: "申請".into(),
            row: 7,
            column: "D".into(),
            header_ja: "氏名".into(),
            header_en: "Name".into(),
            value: input.name.clone(),
            rule: "name_on_card.lowercase".into(),
            message_en: "capitals".into(),
            message_ja: "大文字".into(),
            field: "name".into(),
            applicant_name: String::new(),
            card_number: String::new(),
        };
        BlanketEntry::new(ApplicationId::parse("bl-1").unwrap(), &upload, 7, input, vec![error])
    }

    #[test]
    fn q42_an_entry_reads_error_blanket_registration_and_keeps_the_row_as_typed() {
        let e = entry();
        assert_eq!(e.status(), ApplicationStatus::ErrorBlanketRegistration);
        assert_eq!(e.input().name, "Nguyen Van An");
        assert_eq!((e.upload_id(), e.row(), e.errors().len()), ("up-1", 7, 1));
    }

    #[test]
    fn q42_corrected_by_the_user_it_becomes_the_application_under_the_same_id() {
        let form = ApplicationForm::parse(&application_input(), d("2026-11-27")).unwrap();
        let officer = Actor::Officer(OfficerRole::Admin);
        assert!(matches!(entry().correct(officer, form.clone()), Err(ApplicationError::Transition(_))));
        let app = entry().correct(Actor::OrganizationUser, form.clone()).unwrap();
        assert_eq!(app.id().as_str(), "bl-1");
        assert_eq!(app.status(), ApplicationStatus::InputCompleted);
        assert_eq!(app.created_by().as_str(), "TANAKA01");
        assert_eq!(app.form(), &form);
    }

    #[test]
    fn q42_an_upload_ends_once_registered_with_row_errors_or_refused() {
        let start = new_upload;
        let mut u = start();
        assert!(u.is_open());
        assert_eq!((u.screen_group(), u.rows_registered(), u.rows_failed(), u.refusal()), (None, 0, 0, None));
        u.register(ScreenGroup::Work, 297, 5, 3);
        assert_eq!(u.rows_updated(), 5);
        assert!(!u.is_open());
        assert_eq!(
            (u.state(), u.screen_group(), u.rows_registered(), u.rows_failed()),
            (UploadState::RowErrors, Some(ScreenGroup::Work), 297, 3)
        );
        let mut whole = start();
        whole.register(ScreenGroup::Student, 12, 20, 0);
        assert_eq!(whole.rows_updated(), 12, "never more updated than registered");
        assert_eq!(whole.state(), UploadState::Registered);
        let mut refused = start();
        assert_eq!(refused.refusal_detail(), None);
        refused.refuse(&crate::application::ApplicationError::PhotoMissing, Some(7));
        assert_eq!((refused.state(), refused.refusal()), (UploadState::Refused, Some("application.photo_missing")));
        let detail = refused.refusal_detail().unwrap();
        assert_eq!((detail.rule.as_str(), detail.row), ("application.photo_missing", Some(7)));
        assert!(detail.message_en.contains("photo") && detail.message_ja.contains("顔写真"));
        assert!(!refused.is_open());
    }

    #[test]
    fn a_file_size_is_one_byte_to_five_megabytes() {
        assert_eq!(FileSize::parse(0), Err(FileSizeError::Empty));
        assert_eq!(FileSize::parse(1).unwrap().bytes(), 1);
        assert_eq!(FileSize::parse(5 * 1024 * 1024).unwrap().bytes(), 5_242_880);
        assert_eq!(FileSize::parse(5 * 1024 * 1024 + 1), Err(FileSizeError::TooLarge));
        assert_eq!(FileSizeError::TooLarge.message_ja(), "ファイルが5MBを超えています。");
    }

    /// The rule codes are part of the API (a client tells refusals apart by them); the messages say what to do.
    #[test]
    fn refusals_of_a_file_have_stable_rules_and_messages_in_both_languages() {
        assert_eq!(FileSizeError::Empty.rule(), "blanket.empty_file");
        assert_eq!(FileSizeError::TooLarge.rule(), "blanket.too_large");
        assert_eq!(FileSizeError::Empty.message_ja(), "ファイルが空です。");
        let too_large = FileTooLarge { upload_id: "up-9".into() };
        assert_eq!(too_large.rule(), "blanket.too_large");
        assert!(too_large.message_ja().contains("up-9") && too_large.message_ja().contains("5MB"));
        assert!(too_large.to_string().contains("up-9"));
        assert_eq!(FileNameError::Empty.rule(), "file_name.required");
        assert_eq!(FileNameError::TooLong.rule(), "file_name.length");
        assert_eq!(FileNameError::Empty.message_ja(), "ファイル名がありません。");
        assert!(FileNameError::TooLong.message_ja().contains("200"));
        assert_eq!(NoFileArrived.rule(), "blanket.no_file");
    }

    #[test]
    fn an_upload_keeps_the_name_of_its_file_and_shows_it_as_a_string() {
        let name = UploadFileName::parse("社員一覧.xlsx").unwrap();
        let upload = new_upload().named(Some(name.clone()));
        assert_eq!(upload.file_name(), Some(&name));
        let json = serde_json::to_value(&upload).unwrap();
        assert_eq!(json["file_name"], "社員一覧.xlsx");
        let back: BlanketUpload = serde_json::from_value(json).unwrap();
        assert_eq!(back, upload);
    }

    #[test]
    fn a_file_name_is_its_last_part_without_control_characters() {
        assert_eq!(UploadFileName::parse("C:\\fakepath\\社員一覧 2026.xlsx").unwrap().as_str(), "社員一覧 2026.xlsx");
        assert_eq!(UploadFileName::parse("dir/sub/a.xlsx").unwrap().as_str(), "a.xlsx");
        assert_eq!(UploadFileName::parse(" a\u{7}b.xlsx\n").unwrap().as_str(), "ab.xlsx");
        assert_eq!(UploadFileName::parse("list\u{202E}xslx.exe").unwrap().as_str(), "listxslx.exe");
        assert_eq!(UploadFileName::parse("a\u{200B}b.xlsx").unwrap().as_str(), "ab.xlsx");
        assert_eq!(UploadFileName::parse("dir/"), Err(FileNameError::Empty));
        assert_eq!(UploadFileName::parse(&"あ".repeat(201)), Err(FileNameError::TooLong));
        assert!(UploadFileName::parse(&"あ".repeat(200)).is_ok());
        let json: Result<UploadFileName, _> = serde_json::from_str("\"  \"");
        assert!(json.is_err());
    }

    #[test]
    fn an_upload_takes_its_file_once_and_ends_refused_when_none_arrived() {
        let start = new_upload;
        let mut u = start();
        assert!(u.receive());
        assert_eq!(u.state(), UploadState::Processing);
        assert!(u.is_open(), "still to be registered");
        assert!(!u.receive(), "a second file is not received");
        u.register(ScreenGroup::Work, 1, 0, 0);
        assert!(!u.receive());
        u.expire();
        assert_eq!(u.state(), UploadState::Registered, "an upload that ended stays as it ended");

        let mut idle = start();
        idle.expire();
        assert_eq!((idle.state(), idle.refusal()), (UploadState::Refused, Some("blanket.no_file")));
        assert!(idle.refusal_detail().unwrap().message_ja.contains("15分"));
        assert!(!idle.receive());
    }
}
