//! What the API shows of the domain's records.

use serde::Serialize;
pub use zairyu_app::lines::{ApplicationView, BlanketEntryView, NoticeView, StatusView};
use zairyu_app::store::Listed;
use zairyu_domain::account::{User, UserKind};
use zairyu_domain::application::Application;
use zairyu_domain::organization::ForeignNational;
use zairyu_domain::period::FilingWindow;
use zairyu_domain::procedure::Procedure;

/// A page of a list and where the next one starts (`?cursor=`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "PageOf{T}")]
pub struct PageView<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl PageView<zairyu_app::lines::Line> {
    /// The page's JSON with each stored line copied in as it is (lines are JSON already: serializing them
    /// through serde would parse each again).
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut body = Vec::with_capacity(self.items.iter().map(|l| l.json().len() + 1).sum::<usize>() + 64);
        body.extend_from_slice(b"{\"items\":[");
        for (n, line) in self.items.iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            body.extend_from_slice(line.json().as_bytes());
        }
        body.extend_from_slice(b"],\"next_cursor\":");
        serde_json::to_writer(&mut body, &self.next_cursor)?;
        body.push(b'}');
        Ok(body)
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

/// One person of the List of Affiliated Foreign Nationals (Q80), with the days each procedure offered can be
/// filed.
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
    /// The extension's window (what `filings` gives for each procedure).
    pub filing_window: FilingWindow,
    /// Each procedure offered (an extension, a change of status): whether the person's status may file it
    /// online and the days it can be filed.
    pub filings: Vec<FilingView>,
    /// The card already shows the name in kanji (Q53, Q57).
    pub kanji_name_on_card: bool,
}

/// One procedure for one listed person.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FilingView {
    /// `extension` or `change_of_status`.
    pub procedure: &'static str,
    /// The person's status may file it online.
    pub online: bool,
    pub filing_window: FilingWindow,
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
            // An extension's (what this field said before procedures had a name).
            filing_window: zairyu_domain::period::FilingWindow::for_stay(p.expiry, p.period_of_stay),
            filings: Procedure::for_residents()
                .filter_map(|procedure| {
                    Some(FilingView {
                        procedure: procedure.code(),
                        online: procedure.in_online_scope(p.status),
                        filing_window: procedure.filing_window(p.expiry, p.period_of_stay)?,
                    })
                })
                .collect(),
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
            Listed::Application(a) => a.as_ref().into(),
            Listed::BlanketEntry(e) => {
                Self { summary: e.as_ref().into(), form: None, photo: None, checked_against: None }
            }
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
