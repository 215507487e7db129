//! Read models: what the application information list shows of each application (Q50, Q51), in the shape the
//! API answers with. A line is a pure function of its record, rendered at every write of the record and
//! stored beside it (the store), so that a list reads stored lines and hands them on as they are: no
//! record is read, decoded or written out again per request. A record's page shows the same line.

use serde::Serialize;
use zairyu_domain::application::Application;
use zairyu_domain::blanket::BlanketEntry;
use zairyu_domain::form::Procedures;
use zairyu_domain::status::{ApplicationStatus, ReceiptMethod};

/// The version of the lines' shape: a stored line of another version is rendered again from its record when
/// it is read (raise it with every change of what a line holds).
pub const LINE_VERSION: i64 = 4;

/// A line as stored: the JSON of one [`ApplicationView`], written by [`Line::render`] and handed on as it is
/// (a list copies each line into its answer; nothing decodes it again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line(String);

impl Line {
    pub fn render(view: &ApplicationView) -> Result<Self, serde_json::Error> {
        serde_json::to_string(view).map(Self)
    }

    /// A line read back from where [`Line::render`] put it, if it has a line's outer shape (a JSON object).
    /// Only this crate's store reads lines, and it wrote each one whole; so the line is not parsed again at
    /// every read (that was a quarter of a list request's CPU, issue 15): a line that is not an object is read
    /// as missing, and rendered again from its record.
    pub(crate) fn stored(json: String) -> Option<Self> {
        (json.starts_with('{') && json.ends_with('}')).then_some(Self(json))
    }

    pub fn json(&self) -> &str {
        &self.0
    }

    /// The status the line shows (`None` for a line without a known status code: our bug).
    pub fn status(&self) -> Option<ApplicationStatus> {
        #[derive(serde::Deserialize)]
        struct Code<'a> {
            #[serde(borrow)]
            code: &'a str,
        }
        #[derive(serde::Deserialize)]
        struct Status<'a> {
            #[serde(borrow)]
            status: Code<'a>,
        }
        let status: Status<'_> = serde_json::from_str(&self.0).ok()?;
        ApplicationStatus::parse(status.status.code)
    }
}

/// An application's status: its stable code, the label the application information list shows (Q51) and
/// the office's finer label (which tells Q51's two "Completed" apart).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// One line of the application information list (Q50, Q51) and its details.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApplicationView {
    pub id: String,
    /// What is applied for.
    pub procedure: zairyu_domain::procedure::Procedure,
    pub status: StatusView,
    pub name: String,
    pub residence_card_number: String,
    pub status_of_residence: String,
    pub expiry_date: String,
    pub procedures: Vec<String>,
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
    /// The office's decision: permitted with the new period of stay and its expiry, or denied.
    pub decision: Option<zairyu_domain::application::Decision>,
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BlanketEntryView {
    pub upload_id: String,
    /// The row's number in the file, as Excel shows it.
    pub row: u32,
    pub errors: Vec<zairyu_domain::blanket::RowError>,
    /// The row as typed, to start the correction from.
    pub input: zairyu_domain::form::ApplicationInput,
}

/// Something the user should know, in English and Japanese, with a stable code.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NoticeView {
    pub code: &'static str,
    pub message_en: String,
    pub message_ja: String,
}

impl NoticeView {
    /// Q53: post is accepted for an applicant under 16 but decided on the day of issuance.
    pub fn post_decided_at_issuance() -> Self {
        Self {
            code: "receipt_method.post_decided_at_issuance",
            message_en: "The applicant is under 16: the card can be received by post only if six months or more \
                         remain until the 16th birthday on the day it is issued; otherwise the office will ask for it \
                         to be collected at the counter."
                .into(),
            message_ja: "申請人は16歳未満です。在留カードの交付日に16歳の誕生日まで6か月以上ある場合に限り郵送で受領\
                         できます。6か月未満となった場合は窓口での受領となります。"
                .into(),
        }
    }
}

fn names(procedures: Procedures) -> Vec<String> {
    procedures.names().into_iter().map(str::to_owned).collect()
}

impl From<&Application> for ApplicationView {
    fn from(a: &Application) -> Self {
        let form = a.form();
        Self {
            id: a.id().to_string(),
            procedure: a.procedure(),
            status: a.status().into(),
            name: form.name.to_string(),
            // A person abroad has no card and no stay: the line shows the status sought.
            residence_card_number: form.card().map(ToString::to_string).unwrap_or_default(),
            status_of_residence: form
                .stay
                .as_ref()
                .map(|s| s.status)
                .or(form.desired_status())
                .map(|s| s.code().to_owned())
                .unwrap_or_default(),
            expiry_date: form.stay.as_ref().map(|s| s.expiry.to_string()).unwrap_or_default(),
            procedures: names(form.procedures),
            withdrawn_attachments: a.withdrawn_attachments().to_vec(),
            receipt_method: Some(form.receipt_method),
            receiving_office: form.receiving_office.code().to_owned(),
            photo_attached: a.photo().is_some(),
            temporary_receipt_number: a.temporary_receipt_number().map(ToString::to_string),
            official_receipt_number: a.official_receipt_number().map(|n| n.to_string()),
            receipt_date: a.receipt_date().map(|d| d.to_string()),
            entered_by: a.created_by().to_string(),
            decision: a.decision(),
            card_dispatched_on: a.card_dispatched_on().map(|d| d.to_string()),
            card_delivered_on: a.card_delivered_on().map(|d| d.to_string()),
            permission_effective_on: a.permission_effective_on().map(|d| d.to_string()),
            notices: a.post_caveat().map(|_| NoticeView::post_decided_at_issuance()).into_iter().collect(),
            return_address: match form.receipt_method {
                ReceiptMethod::Post => a.return_address().map(ToString::to_string),
                ReceiptMethod::Counter | ReceiptMethod::Email => None,
            },
            fee_yen: a.fee_due(),
            blanket: None,
        }
    }
}

impl From<&BlanketEntry> for ApplicationView {
    fn from(e: &BlanketEntry) -> Self {
        let input = e.input();
        Self {
            id: e.id().to_string(),
            procedure: zairyu_domain::procedure::Procedure::parse(&input.procedure).unwrap_or_default(),
            status: e.status().into(),
            name: input.name.clone(),
            residence_card_number: input.residence_card_number.clone(),
            status_of_residence: input.status_of_residence.clone(),
            expiry_date: input.expiry_date.clone(),
            procedures: Procedures::parse(&input.procedures).map(names).unwrap_or_default(),
            withdrawn_attachments: Vec::new(),
            receipt_method: ReceiptMethod::parse(&input.receipt_method),
            receiving_office: input.receiving_office.clone(),
            photo_attached: false,
            temporary_receipt_number: None,
            official_receipt_number: None,
            receipt_date: None,
            entered_by: e.created_by().to_string(),
            decision: None,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use zairyu_domain::application::{ApplicationId, OrganizationId};
    use zairyu_domain::fixtures::application_input;
    use zairyu_domain::form::ApplicationForm;
    use zairyu_domain::jst::JstDate;
    use zairyu_domain::values::UserId;

    use super::*;

    /// Stored lines are rendered at the version they were written with; one of another version is rendered
    /// again from its record. So any change to what a line holds, its shape or its words, must raise
    /// `LINE_VERSION`: this test holds one line, written out, to the version it was written at.
    #[test]
    fn a_changed_line_raises_the_line_version() {
        let form = ApplicationForm::parse(&application_input(), JstDate::parse("2026-11-27").unwrap()).unwrap();
        let app = Application::new(
            ApplicationId::parse("app-1").unwrap(),
            OrganizationId::parse("org-1").unwrap(),
            UserId::parse("TANAKA01").unwrap(),
            form,
        );
        let line = serde_json::to_string(&ApplicationView::from(&app)).unwrap();
        assert_eq!((LINE_VERSION, line.as_str()), (4, LINE_AT_VERSION_4), "{line}");
    }

    const LINE_AT_VERSION_4: &str = r#"{"id":"app-1","procedure":"extension","status":{"code":"input_completed","label_en":"Input completed","label_ja":"入力完了","office_label_en":"Input completed","office_label_ja":"入力完了"},"name":"NGUYEN,VAN,AN","residence_card_number":"AB12345678CD","status_of_residence":"engineer_humanities_international","expiry_date":"2027-01-20","procedures":["extension"],"withdrawn_attachments":[],"receipt_method":"post","receiving_office":"tokyo","photo_attached":false,"temporary_receipt_number":null,"official_receipt_number":null,"receipt_date":null,"entered_by":"TANAKA01","decision":null,"card_dispatched_on":null,"card_delivered_on":null,"permission_effective_on":null,"notices":[],"return_address":null,"fee_yen":null,"blanket":null}"#;
}
