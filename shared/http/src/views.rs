//! What the API shows of the domain's records.

use serde::Serialize;
use zairyu_app::store::Listed;
use zairyu_domain::account::{User, UserKind};
use zairyu_domain::application::Application;
use zairyu_domain::blanket::BlanketEntry;
use zairyu_domain::organization::ForeignNational;
use zairyu_domain::period::FilingWindow;
use zairyu_domain::status::ApplicationStatus;

/// A page of a list and where the next one starts (`?cursor=`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "PageOf{T}")]
pub struct PageView<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// An application's status: its stable code, the label the application information list shows (Q51) and
/// the office's finer label (which tells Q51's two "Completed" apart).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StatusView {
    pub code: &'static str,
    pub label_en: &'static str,
    pub label_ja: &'static str,
    pub office_label_en: &'static str,
    pub office_label_ja: &'static str,
}

impl From<ApplicationStatus> for StatusView {
    fn from(s: ApplicationStatus) -> Self {
        Self {
            code: s.code(),
            label_en: s.label_en(),
            label_ja: s.label_ja(),
            office_label_en: s.office_label_en(),
            office_label_ja: s.office_label_ja(),
        }
    }
}

/// Q77: user name, user ID, e-mail address.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UserView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub kind: &'static str,
    pub organization_id: Option<String>,
    pub language: zairyu_domain::error::Language,
    /// Q97: the first day the password no longer works.
    pub password_expires_on: Option<String>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            user_id: u.id().to_string(),
            name: u.name().to_string(),
            email: u.email().to_string(),
            kind: match u.kind() {
                UserKind::OrganizationStaff => "organization_staff",
                UserKind::Agent => "agent",
                UserKind::Officer { .. } => "officer",
            },
            organization_id: u.organization_id().as_ref().map(ToString::to_string),
            language: u.language(),
            password_expires_on: u.password().map(|p| p.expires_on().to_string()),
        }
    }
}

/// One line of the application information list (Q50, Q51) and its details.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ApplicationView {
    pub id: String,
    pub status: StatusView,
    pub name: String,
    pub residence_card_number: String,
    pub status_of_residence: String,
    pub expiry_date: String,
    pub procedures: Vec<&'static str>,
    pub withdrawn_attachments: Vec<zairyu_domain::form::Attachment>,
    /// `null` only for a blanket entry whose row gives none that reads.
    pub receipt_method: Option<zairyu_domain::status::ReceiptMethod>,
    pub receiving_office: String,
    pub photo_attached: bool,
    pub temporary_receipt_number: Option<String>,
    pub official_receipt_number: Option<String>,
    /// Q32: the day it was filed.
    pub receipt_date: Option<String>,
    pub entered_by: String,
    /// Q55, Q69: the day the card was posted.
    pub card_dispatched_on: Option<String>,
    /// Q71: the day the posted card was delivered.
    pub card_delivered_on: Option<String>,
    /// Q71: the day the permission took effect (delivery by post, hand-over at the counter).
    pub permission_effective_on: Option<String>,
    /// What the user should know about this application now (e.g. Q53: post decided on the day of issuance).
    pub notices: Vec<NoticeView>,
    /// Q55, Q56: where the card is sent when received by post (shown when post is chosen); fixed by who
    /// filed: the organization's location for its staff, the agent's office for an agent.
    pub return_address: Option<String>,
    /// Q55: the fee in yen, once permitted and while the card awaits issuance.
    pub fee_yen: Option<u32>,
    /// For a row of a blanket file that could not be registered (status "Error (blanket registration)",
    /// Q42): where it came from and what is wrong; corrected with `POST /api/applications/{id}/correction`.
    pub blanket: Option<BlanketEntryView>,
}

/// A blanket entry's origin and errors (Q42).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BlanketEntryView {
    pub upload_id: String,
    /// The row's number in the file, as Excel shows it.
    pub row: u32,
    pub errors: Vec<zairyu_domain::blanket::RowError>,
    /// The row as typed, to start the correction from.
    pub input: zairyu_domain::form::ApplicationInput,
}

impl From<&BlanketEntry> for ApplicationView {
    fn from(e: &BlanketEntry) -> Self {
        let input = e.input();
        Self {
            id: e.id().to_string(),
            status: e.status().into(),
            name: input.name.clone(),
            residence_card_number: input.residence_card_number.clone(),
            status_of_residence: input.status_of_residence.clone(),
            expiry_date: input.expiry_date.clone(),
            procedures: zairyu_domain::form::Procedures::parse(&input.procedures)
                .map(zairyu_domain::form::Procedures::names)
                .unwrap_or_default(),
            withdrawn_attachments: Vec::new(),
            receipt_method: zairyu_domain::status::ReceiptMethod::parse(&input.receipt_method),
            receiving_office: input.receiving_office.clone(),
            photo_attached: false,
            temporary_receipt_number: None,
            official_receipt_number: None,
            receipt_date: None,
            entered_by: e.created_by().to_string(),
            card_dispatched_on: None,
            card_delivered_on: None,
            permission_effective_on: None,
            notices: Vec::new(),
            return_address: None,
            fee_yen: None,
            blanket: Some(BlanketEntryView {
                upload_id: e.upload_id().to_owned(),
                row: e.row(),
                errors: e.errors().to_vec(),
                input: input.clone(),
            }),
        }
    }
}

impl From<&Listed> for ApplicationView {
    fn from(l: &Listed) -> Self {
        match l {
            Listed::Application(a) => a.into(),
            Listed::BlanketEntry(e) => e.into(),
        }
    }
}

/// Something the user should know, in English and Japanese, with a stable code.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NoticeView {
    pub code: &'static str,
    pub message_en: String,
    pub message_ja: String,
}

impl NoticeView {
    /// Q53: post is accepted for an applicant under 16 but decided on the day of issuance.
    fn post_decided_at_issuance() -> Self {
        Self {
            code: "receipt_method.post_decided_at_issuance",
            message_en: "The applicant is under 16: the card can be received by post only if six months or more \
                         remain until the 16th birthday on the day it is issued; otherwise the office will ask for it \
                         to be collected at the counter (Q53)."
                .into(),
            message_ja: "申請人は16歳未満です。在留カードの交付日に16歳の誕生日まで6か月以上ある場合に限り郵送で受領\
                         できます。6か月未満となった場合は窓口での受領となります（Q53）。"
                .into(),
        }
    }
}

impl From<&Application> for ApplicationView {
    fn from(a: &Application) -> Self {
        Self {
            id: a.id().to_string(),
            status: a.status().into(),
            name: a.form().name.to_string(),
            residence_card_number: a.form().stay.card_number.to_string(),
            status_of_residence: a.form().stay.status.code().to_owned(),
            expiry_date: a.form().stay.expiry.to_string(),
            procedures: a.form().procedures.names(),
            withdrawn_attachments: a.withdrawn_attachments().to_vec(),
            receipt_method: Some(a.form().receipt_method),
            receiving_office: a.form().receiving_office.code().to_owned(),
            photo_attached: a.photo().is_some(),
            temporary_receipt_number: a.temporary_receipt_number().as_ref().map(ToString::to_string),
            official_receipt_number: a.official_receipt_number().map(|n| n.to_string()),
            receipt_date: a.receipt_date().map(|d| d.to_string()),
            entered_by: a.created_by().to_string(),
            card_dispatched_on: a.card_dispatched_on().map(|d| d.to_string()),
            card_delivered_on: a.card_delivered_on().map(|d| d.to_string()),
            permission_effective_on: a.permission_effective_on().map(|d| d.to_string()),
            notices: a.post_caveat().map(|_| NoticeView::post_decided_at_issuance()).into_iter().collect(),
            return_address: match a.form().receipt_method {
                zairyu_domain::status::ReceiptMethod::Post => a.return_address().map(ToString::to_string),
                zairyu_domain::status::ReceiptMethod::Counter => None,
            },
            fee_yen: a.fee_due(),
            blanket: None,
        }
    }
}

/// One person of the List of Affiliated Foreign Nationals (Q80), with the days an extension can be filed.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ForeignNationalView {
    pub residence_card_number: String,
    pub name: String,
    pub nationality: String,
    pub birth_date: String,
    pub sex: zairyu_domain::form::Sex,
    pub status_of_residence: String,
    pub online: bool,
    pub period_of_stay: String,
    pub expiry_date: String,
    pub filing_window: FilingWindow,
    /// The card already shows the name in kanji (Q53, Q57).
    pub kanji_name_on_card: bool,
}

impl From<&ForeignNational> for ForeignNationalView {
    fn from(p: &ForeignNational) -> Self {
        Self {
            residence_card_number: p.card_number.to_string(),
            name: p.name.to_string(),
            nationality: p.nationality.to_string(),
            birth_date: p.birth_date.to_string(),
            sex: p.sex,
            status_of_residence: p.status.code().to_owned(),
            online: p.status.is_online(),
            period_of_stay: p.period_of_stay.to_string(),
            expiry_date: p.expiry.to_string(),
            filing_window: FilingWindow::for_stay(p.expiry, p.period_of_stay),
            kanji_name_on_card: p.kanji_name_on_card,
        }
    }
}

/// One application in full, for review before submitting (what the agency's confirmation screen shows,
/// and what it cannot show after filing, Q45).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ApplicationDetailView<'a> {
    #[serde(flatten)]
    pub summary: ApplicationView,
    /// `null` for a blanket entry: its row as typed is `blanket.input`.
    pub form: Option<&'a zairyu_domain::form::ApplicationForm>,
    pub photo: Option<zairyu_domain::photo::PhotoInfo>,
    /// The List of Affiliated Foreign Nationals entry the application was checked against when filed.
    pub checked_against: Option<&'a ForeignNational>,
}

impl<'a> From<&'a Application> for ApplicationDetailView<'a> {
    fn from(a: &'a Application) -> Self {
        Self {
            summary: ApplicationView::from(a),
            form: Some(a.form()),
            photo: a.photo().as_ref().map(|p| p.info),
            checked_against: a.checked_against(),
        }
    }
}

impl<'a> From<&'a Listed> for ApplicationDetailView<'a> {
    fn from(l: &'a Listed) -> Self {
        match l {
            Listed::Application(a) => a.into(),
            Listed::BlanketEntry(e) => Self { summary: e.into(), form: None, photo: None, checked_against: None },
        }
    }
}

/// What a successful log-in returns; the session itself is in the `Set-Cookie` header.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LoginView {
    pub user: UserView,
    /// Send back in the `X-CSRF-Token` header of every request that changes something.
    pub csrf_token: String,
}

/// An organization of affiliation as the counter sees it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct OrganizationView {
    pub id: String,
    pub profile: zairyu_domain::organization::OrganizationProfile,
    /// `null` until a request for use is approved.
    pub approval: Option<zairyu_domain::organization::ApprovalOfUse>,
    pub use_state: zairyu_domain::organization::UseState,
}

impl From<&zairyu_domain::organization::Organization> for OrganizationView {
    fn from(o: &zairyu_domain::organization::Organization) -> Self {
        Self { id: o.id().to_string(), profile: o.profile().clone(), approval: o.approval(), use_state: o.use_state() }
    }
}

/// A new blanket upload and the link its file goes to (Q40).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UploadStartedView {
    pub upload_id: String,
    pub state: zairyu_domain::blanket::UploadState,
    /// PUT the xlsx file here, with these headers, before it expires.
    pub upload: zairyu_app::ports::PresignedUpload,
}

/// A blanket upload, its counts and its error list (Q42).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UploadView {
    pub upload: zairyu_domain::blanket::BlanketUpload,
    /// "Error (blanket registration)" when some rows failed; `null` otherwise.
    pub status: Option<StatusView>,
    pub errors: Vec<zairyu_domain::blanket::RowError>,
}

/// The result of filing many applications at once: one per ID, in the order given.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SubmitBulkView {
    pub results: Vec<SubmitResult>,
}

/// The result of filing one application of a bulk submission.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SubmitResult {
    pub id: String,
    pub ok: bool,
    /// The filed application, when `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationView>,
    /// Why it was not filed, when not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<crate::Problem>,
}
