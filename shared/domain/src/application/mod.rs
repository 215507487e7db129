//! The application aggregate: one extension of period of stay (with its attachments), its form, photo,
//! receipt numbers and status. Every change goes through a named [`Transition`] of the one state machine.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::eligibility::{Eligible, PostFacts, PostRefusal, check_post_receipt, check_receipt_method};
use crate::error::Localized;
use crate::form::{ApplicationForm, Attachment, ReEntry};
use crate::jst::JstDate;
use crate::organization::ForeignNational;
use crate::period::PeriodOfStay;
use crate::photo::PhotoInfo;
use crate::receipt_number::{OfficialReceiptNumber, TemporaryReceiptNumber};
use crate::status::{Actor, ApplicationStatus, ReceiptMethod, Transition, TransitionError};
use crate::values::UserId;

mod document;
mod steps;
pub use document::{Document, DocumentState, DocumentStateError, DocumentTitle, DocumentTitleError};
pub use steps::{OfficeRelation, OfficeStep, StepRefused, UserStep};

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// 1–64 characters of `A-Z a-z 0-9 _ -` (what the `Ids` port issues).
            pub fn parse(input: &str) -> Result<Self, IdError> {
                let ok = !input.is_empty()
                    && input.len() <= 64
                    && input.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if ok { Ok(Self(input.to_owned())) } else { Err(IdError(stringify!($name))) }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {0}")]
pub struct IdError(pub &'static str);

impl Localized for IdError {
    fn rule(&self) -> &'static str {
        "id.format"
    }
    fn message_ja(&self) -> String {
        "IDの形式が正しくありません。".into()
    }
}

opaque_id!(
    /// Identifies one application.
    ApplicationId
);
opaque_id!(
    /// Identifies one organization of affiliation.
    OrganizationId
);
opaque_id!(
    /// Identifies one document of proof of an application.
    DocumentId
);

/// The documents of proof an application holds: how many, and their bytes (the facial photo's apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentsHeld {
    pub count: u32,
    pub bytes: u64,
}

/// The stored facial photo: where it is and what its header says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhotoRef {
    pub key: String,
    pub info: PhotoInfo,
}

/// The result of the examination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Decision {
    Permitted {
        period: PeriodOfStay,
        expiry: JstDate,
        decided_on: JstDate,
        /// The status the new card shows: a change's status asked for, an extension's the one held (`None`
        /// only in decisions stored before it was recorded: the status held).
        #[serde(default)]
        status: Option<crate::status_of_residence::StatusOfResidence>,
    },
    Denied {
        decided_on: JstDate,
    },
    /// A certificate (of authorized employment) is issued: the stay is as it was.
    Issued {
        decided_on: JstDate,
    },
}

impl Decision {
    /// The day the office decided.
    pub fn decided_on(self) -> JstDate {
        match self {
            Self::Permitted { decided_on, .. } | Self::Denied { decided_on } | Self::Issued { decided_on } => {
                decided_on
            }
        }
    }
}

/// What the office has received by post for a card to be posted (Q55, Q58, Q65).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PostDocuments {
    pub fee_notice_received: bool,
    pub fee_notice_signed: bool,
    pub old_card_returned: bool,
}

/// Who collects a card at the counter (Q54, Q67).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Collector {
    Applicant,
    /// The user who filed (the organization's staff member or agent).
    User,
    ThirdParty,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Post(#[from] PostRefusal),
    #[error("attach the facial photo before submitting")]
    PhotoMissing,
    #[error("this kind of application is filed without a photo")]
    PhotoNotAsked(crate::procedure::Procedure),
    #[error("the receipt method is already {0:?}")]
    SameReceiptMethod(ReceiptMethod),
    #[error("what this application asks for cannot be received that way")]
    ReceiptMethodNotOffered(ReceiptMethod, crate::procedure::Procedure),
    #[error("no {0:?} permission is attached to this application, or it was already withdrawn")]
    NotAttached(Attachment),
    #[error("the fee payment notice with its revenue stamp, signed, must be received before the card is issued")]
    FeeNoticeMissing,
    #[error("only the applicant or the user may receive a card or a certificate at the counter")]
    ThirdPartyCollector,
    #[error("a new period of stay of {period} ends on {computed}, counted from the day after the current expiry")]
    PermittedExpiryDiffers { period: PeriodOfStay, computed: JstDate },
    #[error("the eligibility check was made for another foreign national")]
    EligibilityOfAnother,
    #[error("the application has not been filed yet")]
    NotFiled,
    #[error(
        "a filed application cannot be changed in the system; please contact the regional immigration office with jurisdiction over the applicant's area of residence"
    )]
    FiledCannotChange,
    #[error("the residence card can still be received by post; it is not redirected to the counter")]
    PostStillPossible,
    #[error("the card was not sent by post, or its delivery is already recorded")]
    NotAwaitingDelivery,
    #[error("the card cannot be delivered before it was dispatched")]
    DeliveredBeforeDispatch,
    /// One open application per foreign national: the one in process, when the caller may see it.
    #[error("{}", already_open_en(.0.as_ref()))]
    AlreadyOpen(Option<ApplicationId>),
    #[error("the application is for another foreign national; enter a new application for this one")]
    AnotherPerson,
    #[error("the application is of another kind; enter a new application for this one")]
    AnotherProcedure(crate::procedure::Procedure),
    #[error("this decision is not one this kind of application takes: a stay is permitted, a certificate issued")]
    DecisionOfAnotherProcedure(crate::procedure::Procedure),
    #[error(transparent)]
    Document(#[from] crate::document::DocumentError),
    #[error("an application holds at most {} documents", crate::document::MAX_DOCUMENTS)]
    TooManyDocuments,
}

fn already_open_en(existing: Option<&ApplicationId>) -> String {
    match existing {
        Some(id) => format!(
            "this foreign national already has an application in process ({id}); change or withdraw that one instead of entering another"
        ),
        None => "this foreign national already has an application in process with another organization".into(),
    }
}

impl Localized for ApplicationError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Transition(e) => e.rule(),
            Self::Post(e) => e.rule(),
            Self::PhotoMissing => "application.photo_missing",
            Self::PhotoNotAsked(_) => "application.photo_not_asked",
            Self::SameReceiptMethod(_) => "application.same_receipt_method",
            Self::ReceiptMethodNotOffered(..) => "application.receipt_method_not_offered",
            Self::NotAttached(_) => "application.not_attached",
            Self::FeeNoticeMissing => "application.fee_notice_missing",
            Self::ThirdPartyCollector => "application.third_party_collector",
            Self::PermittedExpiryDiffers { .. } => "application.permitted_expiry_differs",
            Self::EligibilityOfAnother => "application.eligibility_of_another",
            Self::NotFiled => "application.not_filed",
            Self::FiledCannotChange => "application.filed_cannot_change",
            Self::PostStillPossible => "application.post_still_possible",
            Self::NotAwaitingDelivery => "application.not_awaiting_delivery",
            Self::DeliveredBeforeDispatch => "application.delivered_before_dispatch",
            Self::AlreadyOpen(_) => "application.already_open",
            Self::AnotherPerson => "application.another_person",
            Self::DecisionOfAnotherProcedure(_) => "application.decision_of_another_procedure",
            Self::AnotherProcedure(_) => "application.another_procedure",
            Self::Document(e) => e.rule(),
            Self::TooManyDocuments => "application.too_many_documents",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Transition(e) => e.message_ja(),
            Self::Post(e) => e.message_ja(),
            Self::PhotoMissing => "申請の前に顔写真を添付してください。".into(),
            Self::PhotoNotAsked(p) => format!("{}には顔写真を添付しません。", p.label_ja()),
            Self::SameReceiptMethod(_) => "受領方法は既にその方法です。".into(),
            Self::ReceiptMethodNotOffered(m, p) => {
                format!("{}は「{}」では受け取れません。", p.label_ja(), m.short_words(crate::error::Language::Ja))
            }
            Self::NotAttached(_) => "その申請は同時申請されていないか、既に取り下げられています。".into(),
            Self::FeeNoticeMissing => {
                "在留カードの交付には、収入印紙を貼付し署名した手数料納付書の受領が必要です。".into()
            }
            Self::ThirdPartyCollector => "窓口で在留カード又は証明書を受領できるのは申請人又は利用者のみです。".into(),
            Self::PermittedExpiryDiffers { period, computed } => format!(
                "在留期間{}の満了日は{computed}です（現在の満了日の翌日から数えます）。",
                period.words(crate::error::Language::Ja)
            ),
            Self::EligibilityOfAnother => "申請資格の確認が別の外国人についてのものです。".into(),
            Self::NotFiled => "この申請はまだ申請されていません。".into(),
            Self::FiledCannotChange => {
                "申請後は内容を変更できません。申請人の住居地を管轄する地方出入国在留管理官署にお問い合わせください。"
                    .into()
            }
            Self::PostStillPossible => "在留カードは郵送で受領できるため、窓口受領に切り替えません。".into(),
            Self::NotAwaitingDelivery => "この在留カードは郵送されていないか、既に配達日が記録されています。".into(),
            Self::DeliveredBeforeDispatch => "配達日は発送日より前にできません。".into(),
            Self::AlreadyOpen(Some(id)) => format!(
                "この外国人には処理中の申請（{id}）があります。新たに入力せず、その申請を変更するか取り下げてください。"
            ),
            Self::AlreadyOpen(None) => "この外国人には他の機関による処理中の申請があります。".into(),
            Self::AnotherPerson => "この申請は別の外国人のものです。この外国人の申請は新たに入力してください。".into(),
            Self::AnotherProcedure(p) => {
                format!("この申請は{}です。別の種類の申請は新たに入力してください。", p.label_ja())
            }
            Self::DecisionOfAnotherProcedure(p) => {
                format!("{}にはこの処分をしません。在留の許可か証明書の交付かは申請の種類で決まります。", p.label_ja())
            }
            Self::Document(e) => e.message_ja(),
            Self::TooManyDocuments => {
                format!("一つの申請で提出できる立証資料は{}件までです。", crate::document::MAX_DOCUMENTS)
            }
        }
    }
}

/// One application. Its fields are its own: they are read through the accessors below and changed only by
/// the named transitions of the one state machine (and, while entered, by attaching a photo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Application {
    id: ApplicationId,
    organization_id: OrganizationId,
    /// The user who entered it; agents and staff see only their organization's applications.
    created_by: UserId,
    form: ApplicationForm,
    photo: Option<PhotoRef>,
    status: ApplicationStatus,
    temporary_receipt_number: Option<TemporaryReceiptNumber>,
    official_receipt_number: Option<OfficialReceiptNumber>,
    /// Q32: the day it was filed (JST).
    receipt_date: Option<JstDate>,
    withdrawn_attachments: Vec<Attachment>,
    documents_requested: u32,
    decision: Option<Decision>,
    post_documents: PostDocuments,
    card_dispatched_on: Option<JstDate>,
    /// Q71: the day the posted card was delivered, on which the permission took effect.
    card_delivered_on: Option<JstDate>,
    card_handed_over_on: Option<JstDate>,
    /// The List of Affiliated Foreign Nationals entry the application was checked against when it was
    /// filed (Q39, Q80): the post rules read it after filing, and the office sees it.
    checked_against: Option<ForeignNational>,
    /// Q55, Q56: where a card received by post is sent, fixed by who filed (the organization's location for
    /// its staff, the agent's office of affiliation for an agent).
    #[serde(default)]
    return_address: Option<crate::error::Text<200>>,
    /// The documents of proof accepted so far.
    #[serde(default)]
    documents: DocumentsHeld,
    /// The code of the electronic certificate issued for it (a certificate of eligibility received by
    /// e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    electronic_certificate: Option<crate::certificate::CertificateCode>,
}

impl Application {
    /// A new application in "Input completed" (entered, not yet filed).
    pub fn new(id: ApplicationId, organization_id: OrganizationId, created_by: UserId, form: ApplicationForm) -> Self {
        Self {
            id,
            organization_id,
            created_by,
            form,
            photo: None,
            status: ApplicationStatus::InputCompleted,
            temporary_receipt_number: None,
            official_receipt_number: None,
            receipt_date: None,
            withdrawn_attachments: Vec::new(),
            documents_requested: 0,
            decision: None,
            post_documents: PostDocuments::default(),
            card_dispatched_on: None,
            card_delivered_on: None,
            card_handed_over_on: None,
            checked_against: None,
            return_address: None,
            documents: DocumentsHeld::default(),
            electronic_certificate: None,
        }
    }

    /// The code of its electronic certificate, once issued.
    pub fn electronic_certificate(&self) -> Option<&crate::certificate::CertificateCode> {
        self.electronic_certificate.as_ref()
    }

    /// Whether what it asks for is issued as an electronic certificate: a certificate of eligibility the
    /// filer chose to receive by e-mail.
    pub fn issues_electronic_certificate(&self) -> bool {
        self.form.receipt_method == ReceiptMethod::Email
    }

    pub fn id(&self) -> &ApplicationId {
        &self.id
    }

    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }

    /// The user who entered it.
    pub fn created_by(&self) -> &UserId {
        &self.created_by
    }

    pub fn form(&self) -> &ApplicationForm {
        &self.form
    }

    pub fn photo(&self) -> Option<&PhotoRef> {
        self.photo.as_ref()
    }

    pub fn status(&self) -> ApplicationStatus {
        self.status
    }

    pub fn temporary_receipt_number(&self) -> Option<&TemporaryReceiptNumber> {
        self.temporary_receipt_number.as_ref()
    }

    pub fn official_receipt_number(&self) -> Option<OfficialReceiptNumber> {
        self.official_receipt_number
    }

    /// Q32: the day it was filed (JST).
    pub fn receipt_date(&self) -> Option<JstDate> {
        self.receipt_date
    }

    pub fn withdrawn_attachments(&self) -> &[Attachment] {
        &self.withdrawn_attachments
    }

    /// The documents of proof accepted so far.
    pub fn documents(&self) -> DocumentsHeld {
        self.documents
    }

    /// The bytes a further document may have: 25 MB in all with the photo, less what is held.
    pub fn document_room(&self) -> u64 {
        let photo = self.photo.as_ref().map_or(0, |p| u64::try_from(p.info.bytes).unwrap_or(u64::MAX));
        crate::document::MAX_TOTAL_BYTES.saturating_sub(photo).saturating_sub(self.documents.bytes)
    }

    /// Whether `actor` may add a document now: by the filer while the examination has not ended, never
    /// after (and not while the application holds the most documents it may).
    pub fn takes_documents(&self, actor: Actor) -> Result<(), ApplicationError> {
        Transition::SubmitDocument.apply(actor, self.status, self.form.receipt_method)?;
        if self.documents.count >= crate::document::MAX_DOCUMENTS {
            return Err(ApplicationError::TooManyDocuments);
        }
        Ok(())
    }

    /// A document checked and accepted is added: within the room left, and the documents asked for
    /// having come, the application is examined again.
    pub fn add_document(&mut self, actor: Actor, info: &crate::document::DocumentInfo) -> Result<(), ApplicationError> {
        self.takes_documents(actor)?;
        let room = self.document_room();
        if info.bytes > room {
            return Err(crate::document::DocumentError::TooLarge { bytes: info.bytes, room }.into());
        }
        self.transition(Transition::SubmitDocument, actor)?;
        self.documents.count += 1;
        self.documents.bytes += info.bytes;
        Ok(())
    }

    /// How many times documents of proof were asked for (Q22).
    pub fn documents_requested(&self) -> u32 {
        self.documents_requested
    }

    pub fn decision(&self) -> Option<Decision> {
        self.decision
    }

    pub fn post_documents(&self) -> PostDocuments {
        self.post_documents
    }

    pub fn card_dispatched_on(&self) -> Option<JstDate> {
        self.card_dispatched_on
    }

    pub fn card_handed_over_on(&self) -> Option<JstDate> {
        self.card_handed_over_on
    }

    /// Q71: the day the posted card was delivered.
    pub fn card_delivered_on(&self) -> Option<JstDate> {
        self.card_delivered_on
    }

    /// The day the permission took effect: on delivery of the card by post (Q71), on hand-over at the
    /// counter.
    pub fn permission_effective_on(&self) -> Option<JstDate> {
        match self.decision {
            Some(Decision::Permitted { .. }) => match self.form.receipt_method {
                ReceiptMethod::Post => self.card_delivered_on,
                ReceiptMethod::Counter => self.card_handed_over_on,
                // A permission of a stay is never e-mailed (the form offers e-mail for a certificate only).
                ReceiptMethod::Email => None,
            },
            _ => None,
        }
    }

    /// Q53: the card is to be posted to an applicant under 16, so post holds only if six months or more
    /// remain until the 16th birthday on the day of issuance, which is decided then (the office redirects
    /// the card to the counter otherwise). Told to the user from entry until the card is dispatched. Before
    /// filing, the first day the application could be filed stands for the filing day.
    pub fn post_caveat(&self) -> Option<PostRefusal> {
        let open = matches!(
            self.status,
            ApplicationStatus::InputCompleted
                | ApplicationStatus::ErrorBlanketRegistration
                | ApplicationStatus::ApplicationCompleted
                | ApplicationStatus::ErrorReceiptNumber
                | ApplicationStatus::UnderExamination
                | ApplicationStatus::AwaitingDocuments
                | ApplicationStatus::WaitingForIssuance
        );
        let birth = self.checked_against.as_ref().map_or(self.form.birth_date, |l| l.birth_date);
        let window = || {
            let stay = self.form.stay.as_ref()?;
            Some(self.form.procedure.filing_window(stay.expiry, stay.period)?.opens)
        };
        let day = self.receipt_date.or_else(window)?;
        (open
            && self.form.procedure.issues_card()
            && self.form.receipt_method == ReceiptMethod::Post
            && day < birth.add_years(16))
        .then_some(PostRefusal::SixteenthBirthday)
    }

    /// What is applied for.
    pub fn procedure(&self) -> crate::procedure::Procedure {
        self.form.procedure
    }

    /// The office with jurisdiction over the applicant's area of residence (the prefecture of the address
    /// on the form): it examines the application and acts on it (Q46–Q49), whichever office the card is
    /// collected at.
    pub fn jurisdiction(&self) -> crate::office::Office {
        crate::office::Office::with_jurisdiction_over(&self.form.address.prefecture)
    }

    /// Q55, Q56: where the card is sent if received by post.
    pub fn return_address(&self) -> Option<&crate::error::Text<200>> {
        self.return_address.as_ref()
    }

    /// Q55: the fees to be paid by revenue stamp on the fee payment notice, once permitted and while the card
    /// awaits issuance: the procedure's, and each permission filed with it and not withdrawn; as in force on
    /// the day the application was received (one received before new fees keeps the old, `fees.rs`), for
    /// filing online.
    pub fn fees_due(&self) -> Option<crate::fees::FeeDue> {
        use crate::fees::Charge;
        let awaiting =
            matches!(self.status, ApplicationStatus::WaitingForIssuance | ApplicationStatus::ExaminationCompleted);
        let decided_on = match self.decision {
            Some(Decision::Permitted { decided_on, .. } | Decision::Issued { decided_on }) => decided_on,
            Some(Decision::Denied { .. }) | None => return None,
        };
        if !awaiting {
            return None;
        }
        // A certificate of eligibility and an acquisition are free; a re-entry permit with an acquisition is not.
        let mut charges: Vec<Charge> = self.form.procedure.charge().into_iter().collect();
        charges.extend(self.re_entry().map(|r| match r {
            ReEntry::Single => Charge::ReEntrySingle,
            ReEntry::Multiple => Charge::ReEntryMultiple,
        }));
        if self.activity_outside_status() {
            charges.push(Charge::ActivityOutsideStatus);
        }
        let received = self.receipt_date.unwrap_or(decided_on);
        let due = crate::fees::FeeDue::of(&charges, received, crate::fees::Channel::Online);
        // Nothing to pay is no fee notice at all.
        (due.total() > 0).then_some(due)
    }

    /// [`Self::fees_due`] in all, in yen.
    pub fn fee_due(&self) -> Option<u32> {
        self.fees_due().map(|f| f.total())
    }

    /// The list entry the application was checked against when filed.
    pub fn checked_against(&self) -> Option<&ForeignNational> {
        self.checked_against.as_ref()
    }

    fn transition(&mut self, op: Transition, actor: Actor) -> Result<(), ApplicationError> {
        self.status = op.apply(actor, self.status, self.form.receipt_method)?;
        Ok(())
    }

    /// The re-entry permission still asked for (not withdrawn).
    pub fn re_entry(&self) -> Option<ReEntry> {
        self.form.procedures.re_entry.filter(|_| !self.withdrawn_attachments.contains(&Attachment::ReEntry))
    }

    /// Whether the activity permission is still asked for.
    pub fn activity_outside_status(&self) -> bool {
        self.form.procedures.activity_outside_status
            && !self.withdrawn_attachments.contains(&Attachment::ActivityOutsideStatus)
    }

    /// The post facts as they stand: the list entry checked at filing, the permissions still asked for and,
    /// once permitted, the period given.
    fn post_facts(&self) -> Result<PostFacts, ApplicationError> {
        if self.receipt_date.is_none() {
            return Err(ApplicationError::NotFiled);
        }
        let mut facts = PostFacts::of(&self.form, self.checked_against.as_ref()).ok_or(ApplicationError::NotFiled)?;
        facts.procedures.re_entry = self.re_entry();
        facts.procedures.activity_outside_status = self.activity_outside_status();
        if let Some(Decision::Permitted { period, .. }) = self.decision {
            facts.period = period;
        }
        Ok(facts)
    }

    /// The photo its procedure needs is attached (or it needs none): it can be filed.
    pub fn photo_in_order(&self) -> bool {
        self.photo.is_some() || !self.form.procedure.needs_photo()
    }

    /// The photo may be attached or replaced by the user while the application is only entered.
    pub fn attach_photo(&mut self, actor: Actor, photo: PhotoRef) -> Result<(), ApplicationError> {
        if !Transition::ChangeEntry.permits(actor) {
            return Err(TransitionError::ActorNotPermitted { op: Transition::ChangeEntry, actor }.into());
        }
        if Transition::ChangeEntry.target(self.status, self.form.receipt_method).is_none() {
            return Err(ApplicationError::FiledCannotChange);
        }
        if !self.form.procedure.needs_photo() {
            return Err(ApplicationError::PhotoNotAsked(self.form.procedure));
        }
        // The photo and the documents share the 25 MB: a new photo fits in the room left with the old one's.
        let bytes = u64::try_from(photo.info.bytes).unwrap_or(u64::MAX);
        let room = self.document_room() + self.photo.as_ref().map_or(0, |p| u64::try_from(p.info.bytes).unwrap_or(0));
        if bytes > room {
            return Err(crate::document::DocumentError::TooLarge { bytes, room }.into());
        }
        self.photo = Some(photo);
        Ok(())
    }

    /// The refusal of a second application for this one's foreign national, as `org` is told it: this
    /// application named when it is `org`'s own, never another organization's.
    pub fn refuses_another_for(&self, org: &OrganizationId) -> ApplicationError {
        ApplicationError::AlreadyOpen((self.organization_id == *org).then(|| self.id.clone()))
    }

    /// A blanket file's row for the same foreign national replaces what was entered, while the application
    /// is only entered ("Input completed"); the photo stays with the person.
    pub fn update_form(&mut self, form: ApplicationForm) -> Result<(), ApplicationError> {
        if self.status != ApplicationStatus::InputCompleted {
            return Err(ApplicationError::FiledCannotChange);
        }
        self.same_person_and_procedure(&form)?;
        self.form = form;
        Ok(())
    }

    /// A form that replaces this one's is for the same person and the same procedure (another procedure is
    /// another application, with its own claim on the person).
    fn same_person_and_procedure(&self, form: &ApplicationForm) -> Result<(), ApplicationError> {
        if form.person_key() != self.form.person_key() {
            return Err(ApplicationError::AnotherPerson);
        }
        if form.procedure != self.form.procedure {
            return Err(ApplicationError::AnotherProcedure(self.form.procedure));
        }
        Ok(())
    }

    /// The user changes what it entered, before filing (the check page's "change"): the same person (the
    /// open claim is the card's), another form.
    pub fn change_entry(&mut self, actor: Actor, form: ApplicationForm) -> Result<(), ApplicationError> {
        Transition::ChangeEntry.apply(actor, self.status, self.form.receipt_method)?;
        self.same_person_and_procedure(&form)?;
        self.transition(Transition::ChangeEntry, actor)?;
        self.form = form;
        Ok(())
    }

    /// The user discards what it entered, before filing: its life ends (and with it the claim on the
    /// person, so another entry, here or at another organization, may follow).
    pub fn discard(&mut self, actor: Actor) -> Result<(), ApplicationError> {
        self.transition(Transition::Discard, actor)
    }

    /// Q32, Q33: files the application; the receipt date is the day of its eligibility check (today) and a
    /// temporary number is given. Only a passed [`check_eligibility`](crate::eligibility::check_eligibility)
    /// for this foreign national makes the `eligible` it needs.
    pub fn submit(
        &mut self,
        actor: Actor,
        eligible: &Eligible,
        number: TemporaryReceiptNumber,
        return_address: Option<crate::error::Text<200>>,
    ) -> Result<(), ApplicationError> {
        if eligible.person() != &self.form.person_key() {
            return Err(ApplicationError::EligibilityOfAnother);
        }
        if !self.photo_in_order() && Transition::Submit.permits(actor) {
            return Err(ApplicationError::PhotoMissing);
        }
        self.transition(Transition::Submit, actor)?;
        self.receipt_date = Some(eligible.on());
        self.temporary_receipt_number = Some(number);
        self.checked_against = eligible.listed().cloned();
        self.return_address = return_address;
        Ok(())
    }

    /// Q33: the official number, the day after filing; also clears a receipt-number error.
    pub fn assign_official_receipt_number(&mut self, number: OfficialReceiptNumber) -> Result<(), ApplicationError> {
        self.transition(Transition::AssignOfficialReceiptNumber, Actor::System)?;
        self.official_receipt_number = Some(number);
        Ok(())
    }

    /// Q51: the official number could not be acquired; a later run retries.
    pub fn record_receipt_number_error(&mut self) -> Result<(), ApplicationError> {
        self.transition(Transition::FailReceiptNumber, Actor::System)
    }

    /// Q53: the receipt method may change while "Application completed" or "Under examination", and to
    /// post only where post is allowed.
    pub fn change_receipt_method(
        &mut self,
        actor: Actor,
        method: ReceiptMethod,
        today: JstDate,
    ) -> Result<(), ApplicationError> {
        Transition::ChangeReceiptMethod.apply(actor, self.status, self.form.receipt_method)?;
        if method == self.form.receipt_method {
            return Err(ApplicationError::SameReceiptMethod(method));
        }
        if !method.offered_for(self.procedure()) {
            return Err(ApplicationError::ReceiptMethodNotOffered(method, self.procedure()));
        }
        check_receipt_method(method, self.post_facts()?, today)?;
        self.form.receipt_method = method;
        Ok(())
    }

    pub fn start_examination(&mut self, actor: Actor) -> Result<(), ApplicationError> {
        self.transition(Transition::StartExamination, actor)
    }

    /// Q22: documents of proof are asked for individually.
    pub fn request_documents(&mut self, actor: Actor) -> Result<(), ApplicationError> {
        self.transition(Transition::RequestDocuments, actor)?;
        self.documents_requested += 1;
        Ok(())
    }

    /// The last day of a new period of stay of `period` if permitted on `decided_on`: the procedure's rule
    /// decides when the new period begins (an extension's runs on from the day after the current expiry).
    /// `None` where no card is issued (a certificate changes no stay).
    pub fn permitted_expiry(&self, period: PeriodOfStay, decided_on: JstDate) -> Option<JstDate> {
        if !self.procedure().issues_card() {
            return None;
        }
        self.procedure().permitted_expiry(self.form.stay.as_ref().map(|s| s.expiry), period, decided_on)
    }

    /// The status a permission gives: the one a change asks for, the one an extension keeps; a
    /// certificate's, the one it certifies (the status held, or sought from abroad).
    pub fn permitted_status(&self) -> Option<crate::status_of_residence::StatusOfResidence> {
        let held = self.form.stay.as_ref().map(|s| s.status);
        match self.procedure() {
            crate::procedure::Procedure::Extension | crate::procedure::Procedure::WorkCertificate => held,
            crate::procedure::Procedure::ChangeOfStatus
            | crate::procedure::Procedure::CertificateOfEligibility
            | crate::procedure::Procedure::Acquisition => self.form.desired_status().or(held),
        }
    }

    /// Permits with the new period of stay; its expiry is computed ([`Self::permitted_expiry`]), and an
    /// expiry the office also gives must be that one (the rule leaves it nothing to choose).
    pub fn permit(
        &mut self,
        actor: Actor,
        period: PeriodOfStay,
        expiry: Option<JstDate>,
        today: JstDate,
    ) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::Decide, actor)?;
        if !self.procedure().issues_card() {
            return Err(ApplicationError::DecisionOfAnotherProcedure(self.procedure()));
        }
        let computed = self
            .permitted_expiry(period, today)
            .ok_or(ApplicationError::DecisionOfAnotherProcedure(self.procedure()))?;
        if expiry.is_some_and(|given| given != computed) {
            return Err(ApplicationError::PermittedExpiryDiffers { period, computed });
        }
        let expiry = computed;
        self.transition(Transition::Permit, actor)?;
        let status = self.permitted_status();
        self.decision = Some(Decision::Permitted { period, expiry, decided_on: today, status });
        Ok(())
    }

    /// The certificate asked for is issued (a work certificate or a certificate of eligibility: it changes
    /// nothing of a stay); a fee, if any, is then due and a paper certificate waits for issuance as a card
    /// would, by post or at the counter. One received by e-mail is issued at once as the electronic
    /// certificate returned, with `code`, valid three months from today: nothing then waits.
    pub fn issue_certificate(
        &mut self,
        actor: Actor,
        today: JstDate,
        code: crate::certificate::CertificateCode,
    ) -> Result<Option<crate::certificate::Certificate>, ApplicationError> {
        self.step_condition(OfficeStep::Decide, actor)?;
        let another = ApplicationError::DecisionOfAnotherProcedure(self.procedure());
        if self.procedure().issues_card() {
            return Err(another);
        }
        let electronic = if self.issues_electronic_certificate() {
            let status = self.permitted_status().ok_or(another)?;
            let f = &self.form;
            Some(crate::certificate::Certificate::issue(
                code,
                self.jurisdiction(),
                f.name.clone(),
                f.nationality.clone(),
                f.birth_date,
                status,
                today,
            ))
        } else {
            None
        };
        self.transition(Transition::Permit, actor)?;
        self.decision = Some(Decision::Issued { decided_on: today });
        self.electronic_certificate = electronic.as_ref().map(|c| c.code().clone());
        Ok(electronic)
    }

    pub fn deny(&mut self, actor: Actor, today: JstDate) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::Decide, actor)?;
        self.transition(Transition::Deny, actor)?;
        self.decision = Some(Decision::Denied { decided_on: today });
        Ok(())
    }

    /// Q55: the office records what arrived by post while the card waits for issuance.
    pub fn record_post_documents(&mut self, actor: Actor, documents: PostDocuments) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::RecordPostDocuments, actor)?;
        self.post_documents = documents;
        Ok(())
    }

    /// Q55, Q69, Q71: the card is issued and posted; the permission takes effect on delivery.
    pub fn issue_card_by_post(&mut self, actor: Actor, dispatched_on: JstDate) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::IssueCardByPost, actor)?;
        // Q53: decided on the day of issuance (e.g. the 16th birthday has come within six months).
        self.post_possible_on(dispatched_on)?;
        self.transition(Transition::IssueCardByPost, actor)?;
        self.card_dispatched_on = Some(dispatched_on);
        Ok(())
    }

    /// Q53: on the day of issuance the card can no longer be received by post (the rule is decided then):
    /// the office switches it to collection at the counter, where it then waits.
    pub fn redirect_to_counter(&mut self, actor: Actor, today: JstDate) -> Result<PostRefusal, ApplicationError> {
        self.step_condition(OfficeStep::RedirectToCounter, actor)?;
        let refusal = match check_post_receipt(self.post_facts()?, today) {
            Ok(()) => return Err(ApplicationError::PostStillPossible),
            Err(refusal) => refusal,
        };
        self.transition(Transition::RedirectToCounter, actor)?;
        self.form.receipt_method = ReceiptMethod::Counter;
        Ok(refusal)
    }

    /// Q71: the posted card was delivered on `delivered_on` (entered by the office or from the postal
    /// record); the permission took effect that day.
    pub fn record_delivery(&mut self, actor: Actor, delivered_on: JstDate) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::RecordDelivery, actor)?;
        let dispatched = self.card_dispatched_on.ok_or(ApplicationError::NotAwaitingDelivery)?;
        if delivered_on < dispatched {
            return Err(ApplicationError::DeliveredBeforeDispatch);
        }
        self.card_delivered_on = Some(delivered_on);
        Ok(())
    }

    /// Q54, Q58, Q67: handed over at the counter to the applicant or the user, against a signed fee notice.
    pub fn hand_over_at_counter(
        &mut self,
        actor: Actor,
        collector: Collector,
        fee_notice_signed: bool,
        today: JstDate,
    ) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::HandOverAtCounter, actor)?;
        if collector == Collector::ThirdParty {
            return Err(ApplicationError::ThirdPartyCollector);
        }
        if !fee_notice_signed && self.fee_due().is_some() {
            return Err(ApplicationError::FeeNoticeMissing);
        }
        self.transition(Transition::HandOverAtCounter, actor)?;
        self.card_handed_over_on = Some(today);
        Ok(())
    }

    /// Q47, Q48: the whole application is withdrawn.
    pub fn withdraw(&mut self, actor: Actor) -> Result<(), ApplicationError> {
        self.transition(Transition::Withdraw, actor)
    }

    /// Q49: only the attached re-entry or activity permission is withdrawn; the extension goes on.
    pub fn withdraw_attachment(&mut self, actor: Actor, attachment: Attachment) -> Result<(), ApplicationError> {
        self.step_condition(OfficeStep::WithdrawAttachment(attachment), actor)?;
        self.transition(Transition::WithdrawAttached, actor)?;
        self.withdrawn_attachments.push(attachment);
        Ok(())
    }

    /// Q63: the office replaces a wrongly attached photo.
    pub fn replace_photo(&mut self, actor: Actor, photo: PhotoRef) -> Result<(), ApplicationError> {
        self.transition(Transition::ReplacePhoto, actor)?;
        self.photo = Some(photo);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::{Filer, check_eligibility};
    use crate::fixtures::{application_input, list_entry};
    use crate::form::Procedures;
    use crate::jst::d;
    use crate::office::Office;
    use crate::organization::{OrganizationKind, UseState};
    use crate::receipt_number::ReceiptSeries;
    use crate::status::OfficerRole;
    use crate::values::ResidenceCardNumber;

    const USER: Actor = Actor::OrganizationUser;
    const EXAMINER: Actor = Actor::Officer(OfficerRole::Examiner);
    const ISSUANCE: Actor = Actor::Officer(OfficerRole::Issuance);
    const COUNTER: Actor = Actor::Officer(OfficerRole::Counter);

    fn today() -> JstDate {
        d("2026-11-27")
    }

    fn photo() -> PhotoRef {
        PhotoRef { key: "photos/a.jpg".into(), info: PhotoInfo { width: 240, height: 320, bytes: 9000 } }
    }

    fn app(edit: impl FnOnce(&mut crate::form::ApplicationInput)) -> Application {
        let mut i = application_input();
        edit(&mut i);
        let form = ApplicationForm::parse(&i, today()).unwrap();
        Application::new(
            ApplicationId::parse("app-1").unwrap(),
            OrganizationId::parse("org-1").unwrap(),
            UserId::parse("TANAKA01").unwrap(),
            form,
        )
    }

    const FILER: Filer = Filer { use_state: UseState::Active, kind: OrganizationKind::Corporation };

    /// The proof that `a`'s foreign national, listed as the fixture's entry edited by `edit_list`, passed
    /// the checks today.
    fn eligible_as(a: &Application, edit_list: impl FnOnce(&mut ForeignNational)) -> Eligible {
        let mut listed = list_entry();
        edit_list(&mut listed);
        check_eligibility(FILER, Some(&listed), &a.form, today()).unwrap()
    }

    fn eligible(a: &Application) -> Eligible {
        eligible_as(a, |_| {})
    }

    fn submitted_as(
        edit: impl FnOnce(&mut crate::form::ApplicationInput),
        edit_list: impl FnOnce(&mut ForeignNational),
    ) -> Application {
        let mut a = app(edit);
        a.attach_photo(USER, photo()).unwrap();
        let e = eligible_as(&a, edit_list);
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 7), None).unwrap();
        a
    }

    fn submitted(edit: impl FnOnce(&mut crate::form::ApplicationInput)) -> Application {
        submitted_as(edit, |_| {})
    }

    fn code() -> crate::certificate::CertificateCode {
        crate::certificate::CertificateCode::from_random(0x5EED)
    }

    /// #35 item 1: a certificate of eligibility for a person abroad is filed with a photo and no list entry
    /// (a passport on a list is refused: they are in Japan), checked for the organization's use, issued —
    /// never permitted — free of charge; asked by e-mail, it is issued at once as an electronic certificate of
    /// the person and the status sought, valid three months, and nothing waits; by post, it waits as paper.
    #[test]
    fn a_certificate_of_eligibility_is_issued_as_an_electronic_certificate() {
        use crate::procedure::Procedure;
        let all = Procedure::ALL;
        let form = |edit: fn(&mut crate::form::ApplicationInput)| {
            let mut input = crate::fixtures::eligibility_input();
            edit(&mut input);
            ApplicationForm::parse_offering(&input, today(), &all).unwrap()
        };
        let new = |form| {
            Application::new(
                ApplicationId::parse("app-4").unwrap(),
                OrganizationId::parse("org-1").unwrap(),
                UserId::parse("TANAKA01").unwrap(),
                form,
            )
        };
        let mut a = new(form(|_| {}));
        assert!(!a.photo_in_order(), "the certificate's photo is asked");
        a.attach_photo(USER, photo()).unwrap();
        // On a list (any organization's) by the passport: in Japan.
        let listed = list_entry();
        let refused = check_eligibility(FILER, Some(&listed), &a.form, today()).unwrap_err();
        assert_eq!(refused.0[0].rule, "eligibility.listed_in_japan");
        assert_eq!(refused.0[0].field, "passport_number");
        // Suspended organizations do not file (Q76).
        let suspended = Filer { use_state: UseState::Suspended, ..FILER };
        assert!(check_eligibility(suspended, None, &a.form, today()).is_err());
        let e = check_eligibility(FILER, None, &a.form, today()).unwrap();
        assert_eq!((e.person(), e.listed()), (&a.form.person_key(), None));
        // The proof of another person's check is refused.
        let other = new(form(|i| i.passport_number = "C0000001".into()));
        let other_proof = check_eligibility(FILER, None, &other.form, today()).unwrap();
        assert_eq!(
            a.clone().submit(USER, &other_proof, TemporaryReceiptNumber::new(today(), 8), None),
            Err(ApplicationError::EligibilityOfAnother)
        );
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 8), None).unwrap();
        assert_eq!(a.checked_against(), None, "on no list");
        a.start_examination(EXAMINER).unwrap();
        assert_eq!(
            a.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), None, today()),
            Err(ApplicationError::DecisionOfAnotherProcedure(Procedure::CertificateOfEligibility))
        );
        assert_eq!(a.permitted_expiry(PeriodOfStay::parse("1Y").unwrap(), today()), None, "no stay to extend");
        let issued = a.issue_certificate(EXAMINER, today(), code()).unwrap().unwrap();
        assert_eq!(issued.code(), &code());
        assert_eq!(a.electronic_certificate(), Some(&code()));
        let c = issued.certified();
        assert_eq!((c.name.as_str(), c.birth_date), ("TRAN,THI,BINH", d("1998-07-05")));
        assert_eq!(
            c.status,
            crate::status_of_residence::StatusOfResidence::EngineerHumanitiesInternational,
            "the status sought"
        );
        assert_eq!((c.issued_on, c.valid_until), (today(), d("2027-02-27")));
        assert_eq!(issued.issued_by(), a.jurisdiction());
        assert_eq!((a.status(), a.fee_due()), (ApplicationStatus::Completed, None), "e-mailed at once, free");
        // By post: paper, waiting for issuance, still free.
        let mut paper = new(form(|i| i.receipt_method = "post".into()));
        paper.attach_photo(USER, photo()).unwrap();
        let e = check_eligibility(FILER, None, &paper.form, today()).unwrap();
        paper.submit(USER, &e, TemporaryReceiptNumber::new(today(), 9), None).unwrap();
        paper.start_examination(EXAMINER).unwrap();
        // A certificate is posted or e-mailed, never handed over at a counter.
        assert_eq!(
            paper.change_receipt_method(USER, ReceiptMethod::Counter, today()),
            Err(ApplicationError::ReceiptMethodNotOffered(ReceiptMethod::Counter, Procedure::CertificateOfEligibility))
        );
        assert_eq!(paper.form.receipt_method, ReceiptMethod::Post);
        assert_eq!(paper.issue_certificate(EXAMINER, today(), code()), Ok(None));
        assert_eq!((paper.status(), paper.fee_due()), (ApplicationStatus::WaitingForIssuance, None));
    }

    /// #35 item 2: an acquisition is free, and permitted with a period from the decision; a re-entry permit
    /// filed with it is not free (its own fee is due, and only it); checked against no list, posted by the
    /// card's rules on the form's facts.
    #[test]
    fn an_acquisition_is_free_but_its_re_entry_permit_is_not() {
        let all = crate::procedure::Procedure::ALL;
        let filed = |edit: fn(&mut crate::form::ApplicationInput)| {
            let mut input = crate::fixtures::acquisition_input();
            edit(&mut input);
            let form = ApplicationForm::parse_offering(&input, today(), &all).unwrap();
            let mut a = Application::new(
                ApplicationId::parse("app-5").unwrap(),
                OrganizationId::parse("org-1").unwrap(),
                UserId::parse("TANAKA01").unwrap(),
                form,
            );
            a.attach_photo(USER, photo()).unwrap();
            let e = check_eligibility(FILER, None, &a.form, today()).unwrap();
            a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 10), None).unwrap();
            a.start_examination(EXAMINER).unwrap();
            a
        };
        let year = PeriodOfStay::parse("1Y").unwrap();
        let mut a = filed(|_| {});
        assert_eq!(a.permitted_expiry(year, today()), Some(d("2027-11-26")), "a year from the decision day");
        a.permit(EXAMINER, year, None, today()).unwrap();
        assert_eq!((a.status(), a.fee_due()), (ApplicationStatus::WaitingForIssuance, None));
        assert_eq!(a.permitted_status(), Some(crate::status_of_residence::StatusOfResidence::Dependent));
        assert_eq!(a.checked_against(), None);
        let mut with_re_entry = filed(|i| i.procedures = vec!["extension".into(), "re_entry_multiple".into()]);
        with_re_entry.permit(EXAMINER, year, None, today()).unwrap();
        assert_eq!(with_re_entry.fee_due(), Some(6_500), "the multiple re-entry permit's fee, online");
        // Posted: the card's rules on the form's facts (a child of weeks is far from sixteen); free, it needs
        // no fee notice — the re-entry permit's does.
        a.issue_card_by_post(ISSUANCE, today().succ()).unwrap();
        assert_eq!(a.status(), ApplicationStatus::Completed);
        assert_eq!(with_re_entry.issue_card_by_post(ISSUANCE, today().succ()), Err(ApplicationError::FeeNoticeMissing));
    }

    /// #35 item 3: a work certificate is filed without a photo (one is refused), issued — never permitted, as
    /// a stay is never issued a certificate — with its fee by the day of receipt, posted without a card's
    /// rules; it stays a work certificate (another kind is another application) and permits nothing.
    #[test]
    fn a_work_certificate_is_filed_without_a_photo_and_issued() {
        let form = ApplicationForm::parse(&crate::fixtures::work_certificate_input(), today()).unwrap();
        let mut a = Application::new(
            ApplicationId::parse("app-3").unwrap(),
            OrganizationId::parse("org-1").unwrap(),
            UserId::parse("TANAKA01").unwrap(),
            form,
        );
        assert_eq!(a.attach_photo(USER, photo()), Err(ApplicationError::PhotoNotAsked(a.procedure())));
        assert!(a.photo_in_order() && !a.user_steps().contains(&UserStep::AttachPhoto));
        assert!(a.user_steps().contains(&UserStep::Submit));
        assert_eq!(
            a.change_entry(USER, app(|_| {}).form().clone()),
            Err(ApplicationError::AnotherProcedure(crate::procedure::Procedure::WorkCertificate))
        );
        let e = eligible(&a);
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 8), None).unwrap();
        assert_eq!(a.post_caveat(), None, "no card, no 16th birthday");
        a.start_examination(EXAMINER).unwrap();
        let period = PeriodOfStay::parse("1Y").unwrap();
        assert_eq!(
            a.permit(EXAMINER, period, None, today()),
            Err(ApplicationError::DecisionOfAnotherProcedure(crate::procedure::Procedure::WorkCertificate))
        );
        assert_eq!(a.issue_certificate(EXAMINER, today(), code()), Ok(None), "a paper certificate, by post");
        assert_eq!(a.electronic_certificate(), None);
        assert_eq!(a.decision(), Some(Decision::Issued { decided_on: today() }));
        assert_eq!(a.decision().map(Decision::decided_on), Some(today()));
        assert_eq!((a.status(), a.fee_due()), (ApplicationStatus::WaitingForIssuance, Some(1_600)));
        assert_eq!(a.permitted_status(), a.form().stay.as_ref().map(|s| s.status));
        // What arrived by post: the fee notice, no card to return.
        let docs = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: false };
        a.record_post_documents(ISSUANCE, docs).unwrap();
        a.issue_card_by_post(ISSUANCE, today().succ()).unwrap();
        a.record_delivery(ISSUANCE, today().succ().succ()).unwrap();
        assert_eq!((a.status(), a.permission_effective_on()), (ApplicationStatus::Completed, None));
        // A stay is not issued a certificate.
        let mut stay = submitted(|_| {});
        stay.start_examination(EXAMINER).unwrap();
        assert_eq!(
            stay.issue_certificate(EXAMINER, today(), code()),
            Err(ApplicationError::DecisionOfAnotherProcedure(crate::procedure::Procedure::Extension))
        );
        for e in [
            ApplicationError::PhotoNotAsked(crate::procedure::Procedure::WorkCertificate),
            ApplicationError::AnotherProcedure(crate::procedure::Procedure::WorkCertificate),
            ApplicationError::DecisionOfAnotherProcedure(crate::procedure::Procedure::Extension),
        ] {
            assert!(
                e.message_ja().ends_with('。') && e.rule().starts_with("application.") && !e.to_string().is_empty()
            );
        }
    }

    /// #33 item 1: a change of status permitted gives the status asked for, its period counted from the day
    /// of the decision; an extension keeps the status held.
    #[test]
    fn a_change_of_status_permitted_gives_the_status_asked_for() {
        use crate::status_of_residence::StatusOfResidence as S;
        let mut input = application_input();
        input.procedure = "change_of_status".into();
        input.desired_status_of_residence = "business_manager".into();
        let form = ApplicationForm::parse_offering(&input, today(), &crate::procedure::Procedure::ALL).unwrap();
        let mut a = Application::new(
            ApplicationId::parse("app-2").unwrap(),
            OrganizationId::parse("org-1").unwrap(),
            UserId::parse("TANAKA01").unwrap(),
            form,
        );
        a.attach_photo(USER, photo()).unwrap();
        let e = eligible(&a);
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 8), None).unwrap();
        a.start_examination(EXAMINER).unwrap();
        assert_eq!(a.permitted_status(), Some(S::BusinessManager));
        let one_year = PeriodOfStay::parse("1Y").unwrap();
        a.permit(EXAMINER, one_year, None, d("2026-12-10")).unwrap();
        assert_eq!(
            a.decision(),
            Some(Decision::Permitted {
                period: one_year,
                expiry: d("2027-12-09"),
                decided_on: d("2026-12-10"),
                status: Some(S::BusinessManager)
            }),
            "a year from the day of the decision, in the status asked for"
        );
        let extension = submitted(|_| {});
        assert_eq!(
            extension.permitted_status(),
            extension.form.stay.as_ref().map(|s| s.status),
            "an extension keeps it"
        );
    }

    #[test]
    fn submitting_needs_the_eligibility_of_this_foreign_national() {
        let mut other = app(|i| i.residence_card_number = "CD87654321EF".into());
        let proof_for_other =
            eligible_as(&other, |p| p.card_number = ResidenceCardNumber::parse("CD87654321EF").unwrap());
        let mut a = app(|_| {});
        a.attach_photo(USER, photo()).unwrap();
        assert_eq!(
            a.submit(USER, &proof_for_other, TemporaryReceiptNumber::new(today(), 1), None),
            Err(ApplicationError::EligibilityOfAnother)
        );
        assert_eq!(a.status, ApplicationStatus::InputCompleted);
        other.attach_photo(USER, photo()).unwrap();
        assert!(other.submit(USER, &proof_for_other, TemporaryReceiptNumber::new(today(), 1), None).is_ok());
        assert_eq!(other.receipt_date, Some(today()), "the receipt date is the day of the check (Q32)");
        assert_eq!(other.checked_against(), proof_for_other.listed(), "the entry checked is kept");
    }

    #[test]
    fn a_blanket_row_for_the_same_person_updates_an_entered_application_only() {
        let mut a = app(|_| {});
        a.attach_photo(USER, photo()).unwrap();
        let mut changed = application_input();
        changed.occupation = "Data engineer".into();
        let form = ApplicationForm::parse(&changed, today()).unwrap();
        a.update_form(form.clone()).unwrap();
        assert_eq!(a.form().stay_part().unwrap().occupation.as_str(), "Data engineer");
        assert_eq!(a.photo(), Some(&photo()), "the photo stays");
        let mut other = application_input();
        other.residence_card_number = "CD87654321EF".into();
        let other = ApplicationForm::parse(&other, today()).unwrap();
        assert_eq!(a.update_form(other), Err(ApplicationError::AnotherPerson));
        let mut filed = submitted(|_| {});
        assert_eq!(filed.update_form(form), Err(ApplicationError::FiledCannotChange));
        assert_eq!(filed.form().stay_part().unwrap().occupation.as_str(), "Software engineer");
    }

    #[test]
    fn a_second_application_is_refused_naming_the_open_one_only_to_its_own_organization() {
        let a = app(|_| {});
        assert_eq!(a.refuses_another_for(a.organization_id()), ApplicationError::AlreadyOpen(Some(a.id().clone())));
        let other = OrganizationId::parse("org-2").unwrap();
        assert_eq!(a.refuses_another_for(&other), ApplicationError::AlreadyOpen(None));
    }

    #[test]
    fn an_open_application_is_named_only_to_those_who_may_see_it() {
        let id = ApplicationId::parse("app-9").unwrap();
        let named = ApplicationError::AlreadyOpen(Some(id));
        assert!(named.to_string().contains("app-9") && named.message_ja().contains("app-9"));
        let other = ApplicationError::AlreadyOpen(None);
        assert!(other.to_string().contains("another organization") && other.message_ja().contains("他の機関"));
        assert_eq!((named.rule(), other.rule()), ("application.already_open", "application.already_open"));
        assert_eq!(ApplicationError::AnotherPerson.rule(), "application.another_person");
        assert!(ApplicationError::AnotherPerson.message_ja().contains("別の外国人"));
    }

    #[test]
    fn q23_submit_needs_a_photo() {
        let mut a = app(|_| {});
        let e = eligible(&a);
        assert_eq!(
            a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 1), None),
            Err(ApplicationError::PhotoMissing)
        );
        assert_eq!(a.status, ApplicationStatus::InputCompleted);
    }

    #[test]
    fn q32_q33_submit_sets_receipt_date_and_temporary_number() {
        let a = submitted(|_| {});
        assert_eq!(a.status, ApplicationStatus::ApplicationCompleted);
        assert_eq!(a.receipt_date, Some(today()));
        assert!(a.temporary_receipt_number.is_some());
    }

    #[test]
    fn a_submitted_application_cannot_be_submitted_again_or_get_a_new_photo_from_the_user() {
        let mut a = submitted(|_| {});
        let e = eligible(&a);
        let again = a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 8), None);
        assert!(matches!(again, Err(ApplicationError::Transition(TransitionError::NotFromStatus { .. }))));
        assert!(a.attach_photo(USER, photo()).is_err());
    }

    #[test]
    fn q33_official_number_and_its_error_path() {
        let mut a = submitted(|_| {});
        a.record_receipt_number_error().unwrap();
        assert_eq!(a.status, ApplicationStatus::ErrorReceiptNumber);
        let n = ReceiptSeries::for_receipt(Office::Tokyo, crate::procedure::Procedure::Extension, today())
            .number(1)
            .unwrap();
        a.assign_official_receipt_number(n).unwrap();
        assert_eq!(a.status, ApplicationStatus::ApplicationCompleted);
        assert_eq!(a.official_receipt_number, Some(n));
    }

    #[test]
    fn q51_q55_q71_life_by_post() {
        let mut a = submitted(|_| {});
        a.start_examination(EXAMINER).unwrap();
        a.request_documents(EXAMINER).unwrap();
        assert_eq!(a.documents_requested, 1);
        let three_years = PeriodOfStay::parse("3Y").unwrap();
        assert_eq!(a.permitted_expiry(three_years, today()), Some(d("2030-01-20")), "from the day after 2027-01-20");
        assert_eq!(
            a.permit(EXAMINER, three_years, Some(d("2030-01-21")), today()),
            Err(ApplicationError::PermittedExpiryDiffers { period: three_years, computed: d("2030-01-20") })
        );
        a.permit(EXAMINER, three_years, None, today()).unwrap();
        assert!(
            matches!(a.decision, Some(Decision::Permitted { expiry, .. }) if expiry == d("2030-01-20")),
            "the computed expiry is the one decided"
        );
        assert_eq!(a.status, ApplicationStatus::WaitingForIssuance);
        assert_eq!(a.issue_card_by_post(ISSUANCE, today()), Err(ApplicationError::FeeNoticeMissing));
        a.record_post_documents(
            ISSUANCE,
            PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true },
        )
        .unwrap();
        a.issue_card_by_post(ISSUANCE, d("2026-12-10")).unwrap();
        assert_eq!(a.status, ApplicationStatus::Completed);
        assert_eq!(a.card_dispatched_on, Some(d("2026-12-10")));
    }

    #[test]
    fn q54_q67_life_at_the_counter_and_no_third_party() {
        let mut a = submitted(|i| i.receipt_method = "counter".into());
        a.start_examination(EXAMINER).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        assert_eq!(a.status, ApplicationStatus::ExaminationCompleted);
        assert_eq!(
            a.hand_over_at_counter(COUNTER, Collector::ThirdParty, true, today()),
            Err(ApplicationError::ThirdPartyCollector)
        );
        assert_eq!(
            a.hand_over_at_counter(COUNTER, Collector::User, false, today()),
            Err(ApplicationError::FeeNoticeMissing)
        );
        a.hand_over_at_counter(COUNTER, Collector::Applicant, true, today()).unwrap();
        assert_eq!(a.status, ApplicationStatus::Completed);
    }

    #[test]
    fn q53_switching_post_to_counter_under_examination_and_not_after() {
        let mut a = submitted(|_| {});
        a.start_examination(EXAMINER).unwrap();
        a.change_receipt_method(USER, ReceiptMethod::Counter, today()).unwrap();
        assert_eq!(a.form.receipt_method, ReceiptMethod::Counter);
        assert_eq!(
            a.change_receipt_method(USER, ReceiptMethod::Counter, today()),
            Err(ApplicationError::SameReceiptMethod(ReceiptMethod::Counter))
        );
        a.change_receipt_method(USER, ReceiptMethod::Post, today()).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        assert_eq!(a.status, ApplicationStatus::WaitingForIssuance);
        assert!(matches!(
            a.change_receipt_method(USER, ReceiptMethod::Counter, today()),
            Err(ApplicationError::Transition(TransitionError::NotFromStatus { .. }))
        ));
    }

    #[test]
    fn q57_changing_to_post_is_refused_with_a_kanji_petition() {
        let petition = |i: &mut crate::form::ApplicationInput| {
            i.receipt_method = "counter".into();
            i.kanji_name_petition = crate::form::Flag::Bool(true);
        };
        let mut a = submitted(petition);
        assert_eq!(
            a.change_receipt_method(USER, ReceiptMethod::Post, today()),
            Err(ApplicationError::Post(PostRefusal::KanjiNamePetition))
        );
        // The list entry checked at filing says the card already shows the kanji name: post is possible.
        let mut b = submitted_as(petition, |p| p.kanji_name_on_card = true);
        b.change_receipt_method(USER, ReceiptMethod::Post, today()).unwrap();
    }

    /// Waiting for issuance by post, with the fee notice received: the state a card is issued from.
    fn waiting_for_issuance(born: &str) -> Application {
        let mut a = submitted_as(|i| i.birth_date = born.into(), |p| p.birth_date = d(born));
        a.start_examination(EXAMINER).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), Some(d("2030-01-20")), today()).unwrap();
        let received = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true };
        a.record_post_documents(ISSUANCE, received).unwrap();
        a
    }

    #[test]
    fn q53_the_16th_birthday_rule_is_decided_on_the_day_of_issuance() {
        // Listed (as on the card) born 2011-06-10: 16 on 2027-06-10. Post was accepted today (more than six
        // months remain); issued on 2026-12-11 fewer than six months remain, so post is refused then.
        let child = "2011-06-10";
        let mut child_card = waiting_for_issuance(child);
        assert_eq!(
            child_card.issue_card_by_post(ISSUANCE, d("2026-12-11")),
            Err(ApplicationError::Post(PostRefusal::SixteenthBirthday))
        );
        assert_eq!(child_card.status, ApplicationStatus::WaitingForIssuance);
        // Issued on 2026-12-10, six months remain exactly: post holds.
        let mut a = waiting_for_issuance(child);
        a.issue_card_by_post(ISSUANCE, d("2026-12-10")).unwrap();
        assert_eq!(a.status, ApplicationStatus::Completed);
    }

    #[test]
    fn q53_a_card_that_can_no_longer_be_posted_is_redirected_to_the_counter_by_the_office_only() {
        let mut a = waiting_for_issuance("2011-06-10");
        assert!(matches!(
            a.redirect_to_counter(USER, d("2026-12-11")),
            Err(ApplicationError::Transition(TransitionError::ActorNotPermitted { .. }))
        ));
        assert_eq!(a.redirect_to_counter(ISSUANCE, d("2026-12-10")), Err(ApplicationError::PostStillPossible));
        assert_eq!(a.redirect_to_counter(ISSUANCE, d("2026-12-11")), Ok(PostRefusal::SixteenthBirthday));
        assert_eq!(a.status, ApplicationStatus::ExaminationCompleted);
        assert_eq!(a.form.receipt_method, ReceiptMethod::Counter);
        a.hand_over_at_counter(COUNTER, Collector::Applicant, true, d("2026-12-14")).unwrap();
        assert_eq!(a.permission_effective_on(), Some(d("2026-12-14")));
        // An adult's card is never redirected.
        let mut adult = waiting_for_issuance("1995-04-12");
        assert_eq!(adult.redirect_to_counter(ISSUANCE, d("2026-12-10")), Err(ApplicationError::PostStillPossible));
    }

    #[test]
    fn q53_the_user_is_told_when_post_is_decided_only_at_issuance() {
        let child = waiting_for_issuance("2011-06-10");
        assert_eq!(child.post_caveat(), Some(PostRefusal::SixteenthBirthday));
        assert_eq!(waiting_for_issuance("1995-04-12").post_caveat(), None);
        let entered = app(|i| i.birth_date = "20120101".into());
        assert_eq!(entered.post_caveat(), Some(PostRefusal::SixteenthBirthday));
        let at_counter = app(|i| {
            i.birth_date = "20120101".into();
            i.receipt_method = "counter".into();
        });
        assert_eq!(at_counter.post_caveat(), None);
        let mut issued = waiting_for_issuance("2011-06-10");
        issued.issue_card_by_post(ISSUANCE, d("2026-12-01")).unwrap();
        assert_eq!(issued.post_caveat(), None, "nothing left to decide once dispatched");
    }

    #[test]
    fn q55_the_fee_is_due_from_the_permission_until_the_card_is_issued() {
        let mut a = submitted(|_| {});
        assert_eq!(a.fee_due(), None);
        a.start_examination(EXAMINER).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), Some(d("2030-01-20")), today()).unwrap();
        assert_eq!(a.fee_due(), Some(5_500), "online, decided 2026-11-27");
        let received = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true };
        a.record_post_documents(ISSUANCE, received).unwrap();
        a.issue_card_by_post(ISSUANCE, d("2026-12-01")).unwrap();
        assert_eq!(a.fee_due(), None, "paid with the card's issuance");
        let mut denied = submitted(|_| {});
        denied.start_examination(EXAMINER).unwrap();
        denied.deny(EXAMINER, today()).unwrap();
        assert_eq!(denied.fee_due(), None);
        let mut at_counter = submitted(|i| i.receipt_method = "counter".into());
        at_counter.start_examination(EXAMINER).unwrap();
        at_counter.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        assert_eq!(at_counter.fee_due(), Some(5_500));
    }

    /// #33 item 3: each permission granted with its fee, as in force on the day the application was received
    /// (one received before new fees keeps the old), a withdrawn one not charged.
    #[test]
    fn the_fees_due_are_each_permission_s_as_in_force_on_the_day_received() {
        use crate::fees::Charge;
        let both = |i: &mut crate::form::ApplicationInput| {
            i.procedures = vec!["extension".into(), "re_entry_multiple".into(), "activity_outside_status".into()];
        };
        let mut a = submitted(both);
        a.start_examination(EXAMINER).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), None, today()).unwrap();
        let due = a.fees_due().unwrap();
        assert_eq!(
            due.lines,
            vec![(Charge::Extension, 5_500), (Charge::ReEntryMultiple, 6_500), (Charge::ActivityOutsideStatus, 0)]
        );
        assert_eq!(a.fee_due(), Some(12_000));
        // Received on the last day of the old fees, decided under the new: the old fees.
        let received = d("2025-03-31");
        let mut i = application_input();
        both(&mut i);
        i.expiry_date = "2025-05-20".into();
        let form = ApplicationForm::parse(&i, received).unwrap();
        let mut old = Application::new(
            ApplicationId::parse("app-old").unwrap(),
            OrganizationId::parse("org-1").unwrap(),
            UserId::parse("TANAKA01").unwrap(),
            form,
        );
        old.attach_photo(USER, photo()).unwrap();
        let mut listed = list_entry();
        listed.expiry = d("2025-05-20");
        let e = check_eligibility(FILER, Some(&listed), &old.form, received).unwrap();
        old.submit(USER, &e, TemporaryReceiptNumber::new(received, 1), None).unwrap();
        old.start_examination(EXAMINER).unwrap();
        old.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), None, d("2025-04-02")).unwrap();
        assert_eq!(old.fee_due(), Some(4_000 + 6_000), "{:?}", old.fees_due());
        // The re-entry permission withdrawn: not charged.
        let mut withdrawn = submitted(both);
        withdrawn.start_examination(EXAMINER).unwrap();
        withdrawn.withdraw_attachment(EXAMINER, Attachment::ReEntry).unwrap();
        withdrawn.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), None, today()).unwrap();
        assert_eq!(withdrawn.fee_due(), Some(5_500));
    }

    #[test]
    fn the_accessors_read_what_the_transitions_wrote() {
        let mut a = submitted(|i| i.procedures = vec!["extension".into(), "activity_outside_status".into()]);
        assert_eq!(a.photo(), Some(&photo()));
        assert!(a.temporary_receipt_number().is_some());
        assert_eq!(a.receipt_date(), Some(today()));
        assert!(a.activity_outside_status());
        let n = ReceiptSeries::for_receipt(Office::Tokyo, crate::procedure::Procedure::Extension, today())
            .number(3)
            .unwrap();
        a.assign_official_receipt_number(n).unwrap();
        assert_eq!(a.official_receipt_number(), Some(n));
        a.withdraw_attachment(COUNTER, Attachment::ActivityOutsideStatus).unwrap();
        assert!(!a.activity_outside_status());
        assert_eq!(a.withdrawn_attachments(), &[Attachment::ActivityOutsideStatus]);
        a.start_examination(EXAMINER).unwrap();
        a.request_documents(EXAMINER).unwrap();
        a.request_documents(EXAMINER).unwrap();
        assert_eq!(a.documents_requested(), 2);
        let period = PeriodOfStay::parse("3Y").unwrap();
        a.permit(EXAMINER, period, Some(d("2030-01-20")), today()).unwrap();
        assert_eq!(
            a.decision(),
            Some(Decision::Permitted {
                period,
                expiry: d("2030-01-20"),
                decided_on: today(),
                status: a.form.stay.as_ref().map(|s| s.status)
            })
        );
        let docs = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: false };
        a.record_post_documents(ISSUANCE, docs).unwrap();
        assert_eq!(a.post_documents(), docs);
        a.issue_card_by_post(ISSUANCE, d("2026-12-01")).unwrap();
        assert_eq!(a.card_dispatched_on(), Some(d("2026-12-01")));
        let mut c = submitted(|i| i.receipt_method = "counter".into());
        c.start_examination(EXAMINER).unwrap();
        c.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        c.hand_over_at_counter(COUNTER, Collector::User, true, d("2026-12-03")).unwrap();
        assert_eq!(c.card_handed_over_on(), Some(d("2026-12-03")));
    }

    #[test]
    fn q34_denied_is_recorded_with_its_day() {
        let mut a = submitted(|_| {});
        assert!(a.deny(EXAMINER, today()).is_err(), "only under examination");
        a.start_examination(EXAMINER).unwrap();
        assert!(a.deny(USER, today()).is_err());
        a.deny(EXAMINER, d("2026-12-05")).unwrap();
        assert_eq!(
            (a.status(), a.decision()),
            (ApplicationStatus::Denied, Some(Decision::Denied { decided_on: d("2026-12-05") }))
        );
    }

    #[test]
    fn q55_q58_the_fee_notice_must_be_received_and_signed_and_recorded_by_the_office_while_waiting() {
        let mut a = submitted(|_| {});
        let docs = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true };
        assert!(a.record_post_documents(ISSUANCE, docs).is_err(), "not yet waiting for issuance");
        a.start_examination(EXAMINER).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), Some(d("2030-01-20")), today()).unwrap();
        assert!(a.record_post_documents(USER, docs).is_err(), "the office records it");
        assert!(a.record_post_documents(EXAMINER, docs).is_err(), "the card's issuance by post records it");
        assert!(a.record_post_documents(COUNTER, docs).is_err(), "the card's issuance by post records it");
        for (received, signed) in [(true, false), (false, true)] {
            let partial =
                PostDocuments { fee_notice_received: received, fee_notice_signed: signed, old_card_returned: true };
            a.record_post_documents(ISSUANCE, partial).unwrap();
            assert_eq!(a.issue_card_by_post(ISSUANCE, today()), Err(ApplicationError::FeeNoticeMissing), "{partial:?}");
        }
        a.record_post_documents(ISSUANCE, docs).unwrap();
        a.issue_card_by_post(ISSUANCE, today()).unwrap();
    }

    /// The steps the office's pages offer follow the status, the roles and each step's own condition, and
    /// each one offered is one the application then takes.
    #[test]
    fn the_office_steps_offered_are_the_ones_the_application_takes() {
        use OfficeStep as S;
        const ADMIN: OfficerRole = OfficerRole::Admin;
        let steps = |a: &Application, roles: &[OfficerRole], day: &str| {
            a.office_steps(roles, OfficeRelation::Jurisdiction, d(day))
        };
        let mut a = submitted(|i| i.procedures.push("re_entry_single".into()));
        assert_eq!(
            steps(&a, &[OfficerRole::Counter], "2026-11-27"),
            vec![S::WithdrawAttachment(Attachment::ReEntry), S::Withdraw]
        );
        assert_eq!(
            steps(&a, &[OfficerRole::Examiner], "2026-11-27"),
            vec![S::StartExamination, S::ReplacePhoto, S::WithdrawAttachment(Attachment::ReEntry), S::Withdraw]
        );
        assert!(steps(&a, &[OfficerRole::Issuance], "2026-11-27").is_empty());
        a.start_examination(EXAMINER).unwrap();
        let examining = steps(&a, &[OfficerRole::Examiner], "2026-11-27");
        assert_eq!(examining[..2], [S::RequestDocuments, S::Decide]);
        a.withdraw_attachment(EXAMINER, Attachment::ReEntry).unwrap();
        assert!(!steps(&a, &[ADMIN], "2026-11-27").contains(&S::WithdrawAttachment(Attachment::ReEntry)), "withdrawn");
        a.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), Some(d("2030-01-20")), today()).unwrap();
        // Post is the issuance's; a counter officer may still withdraw it (its life has not ended).
        assert_eq!(steps(&a, &[OfficerRole::Counter], "2026-11-27"), vec![S::Withdraw]);
        assert_eq!(steps(&a, &[OfficerRole::Issuance], "2026-11-27"), vec![S::RecordPostDocuments]);
        a.record_post_documents(
            ISSUANCE,
            PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true },
        )
        .unwrap();
        a.issue_card_by_post(ISSUANCE, d("2026-12-01")).unwrap();
        assert_eq!(steps(&a, &[OfficerRole::Issuance], "2026-12-02"), vec![S::RecordDelivery]);
        assert!(steps(&a, &[OfficerRole::Examiner], "2026-12-02").is_empty());
        a.record_delivery(ISSUANCE, d("2026-12-03")).unwrap();
        assert!(steps(&a, &[ADMIN], "2026-12-04").is_empty(), "nothing is left to do");

        // Q53: a child's card is offered the redirect only once post is no longer possible that day.
        let child = waiting_for_issuance("2011-06-10");
        assert!(!steps(&child, &[OfficerRole::Issuance], "2026-12-10").contains(&S::RedirectToCounter));
        assert!(steps(&child, &[OfficerRole::Issuance], "2026-12-11").contains(&S::RedirectToCounter));
        // At the counter: the hand-over.
        let mut c = submitted(|i| i.receipt_method = "counter".into());
        c.start_examination(EXAMINER).unwrap();
        c.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        assert_eq!(steps(&c, &[OfficerRole::Counter], "2026-11-27"), vec![S::HandOverAtCounter, S::Withdraw]);
    }

    /// Takes `step` as `actor` through the aggregate's own method, with values that are valid for it.
    fn take(a: &mut Application, step: OfficeStep, actor: Actor, day: JstDate) -> Result<(), ApplicationError> {
        let docs = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true };
        match step {
            OfficeStep::StartExamination => a.start_examination(actor),
            OfficeStep::RequestDocuments => a.request_documents(actor),
            OfficeStep::Decide => a.permit(actor, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), day),
            OfficeStep::RecordPostDocuments => a.record_post_documents(actor, docs),
            OfficeStep::IssueCardByPost => a.issue_card_by_post(actor, day),
            OfficeStep::RedirectToCounter => a.redirect_to_counter(actor, day).map(|_| ()),
            OfficeStep::RecordDelivery => a.record_delivery(actor, day),
            OfficeStep::HandOverAtCounter => a.hand_over_at_counter(actor, Collector::Applicant, true, day),
            OfficeStep::ReplacePhoto => a.replace_photo(actor, photo()),
            OfficeStep::WithdrawAttachment(x) => a.withdraw_attachment(actor, x),
            OfficeStep::Withdraw => a.withdraw(actor),
        }
    }

    /// Applications in every status an office meets, each with the day it is looked at.
    fn every_office_state() -> Vec<(&'static str, Application, JstDate)> {
        let both = |i: &mut crate::form::ApplicationInput| {
            i.procedures.push("re_entry_single".into());
            i.procedures.push("activity_outside_status".into());
        };
        let entered = {
            let mut a = app(both);
            a.attach_photo(USER, photo()).unwrap();
            a
        };
        let filed = submitted(both);
        let mut error = filed.clone();
        error.record_receipt_number_error().unwrap();
        let mut examining = filed.clone();
        examining.start_examination(EXAMINER).unwrap();
        let mut one_left = examining.clone();
        one_left.withdraw_attachment(EXAMINER, Attachment::ReEntry).unwrap();
        let mut permitted = examining.clone();
        permitted.permit(EXAMINER, PeriodOfStay::parse("3Y").unwrap(), Some(d("2030-01-20")), today()).unwrap();
        let waiting = waiting_for_issuance("1995-04-12");
        let mut posted = waiting.clone();
        posted.issue_card_by_post(ISSUANCE, d("2026-12-01")).unwrap();
        let mut delivered = posted.clone();
        delivered.record_delivery(ISSUANCE, d("2026-12-02")).unwrap();
        let mut at_counter = submitted(|i| i.receipt_method = "counter".into());
        at_counter.start_examination(EXAMINER).unwrap();
        at_counter.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        let mut handed = at_counter.clone();
        handed.hand_over_at_counter(COUNTER, Collector::User, true, today()).unwrap();
        let mut denied = examining.clone();
        denied.deny(EXAMINER, today()).unwrap();
        let mut withdrawn = filed.clone();
        withdrawn.withdraw(COUNTER).unwrap();
        vec![
            ("entered", entered, today()),
            ("filed", filed, today()),
            ("receipt-number error", error, today()),
            ("examining", examining, today()),
            ("one attachment withdrawn", one_left, today()),
            ("permitted, nothing arrived", permitted, today()),
            ("waiting with the fee notice", waiting, today()),
            // Q53: the child's 16th birthday is fewer than six months away on 2026-12-11.
            ("a child's card, post now impossible", waiting_for_issuance("2011-06-10"), d("2026-12-11")),
            ("posted", posted, d("2026-12-02")),
            ("delivered", delivered, d("2026-12-03")),
            ("at the counter", at_counter, today()),
            ("handed over", handed, today()),
            ("denied", denied, today()),
            ("withdrawn", withdrawn, today()),
        ]
    }

    /// One decision: for every application state, set of roles and office, every step offered is one the
    /// aggregate then takes, and every step refused for the roles or the moment is refused by the aggregate
    /// to each of the roles too; the office where the card is collected is offered the hand-over alone.
    #[test]
    fn every_step_offered_is_taken_and_every_step_refused_is_refused() {
        use OfficerRole::*;
        let role_sets: [&[OfficerRole]; 8] = [
            &[Counter],
            &[Examiner],
            &[Issuance],
            &[Admin],
            &[Counter, Issuance],
            &[Examiner, Issuance],
            &[Counter, Examiner],
            &[Counter, Examiner, Issuance],
        ];
        let mut offered_somewhere = std::collections::HashSet::new();
        for (name, app, day) in every_office_state() {
            for roles in role_sets {
                for relation in [OfficeRelation::Jurisdiction, OfficeRelation::CardCollectedHere] {
                    for step in OfficeStep::ALL {
                        let ctx = format!("{name}, {roles:?}, {relation:?}, {step:?}");
                        match app.office_step(step, roles, relation, day) {
                            Ok(actor) => {
                                let mut taken = app.clone();
                                take(&mut taken, step, actor, day).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                                assert!(app.office_steps(roles, relation, day).contains(&step), "{ctx}");
                                offered_somewhere.insert(step);
                            }
                            Err(StepRefused::NotThisOffice) => {
                                assert_eq!(relation, OfficeRelation::CardCollectedHere, "{ctx}");
                                assert_ne!(step, OfficeStep::HandOverAtCounter, "{ctx}");
                            }
                            Err(refused) => {
                                assert!(!app.office_steps(roles, relation, day).contains(&step), "{ctx}");
                                for role in roles {
                                    let mut tried = app.clone();
                                    let r = take(&mut tried, step, Actor::Officer(*role), day);
                                    assert!(r.is_err(), "{ctx} ({refused:?}) taken as {role:?}");
                                    assert_eq!(tried, app, "{ctx}: a refused step changes nothing");
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(offered_somewhere.len(), OfficeStep::ALL.len(), "every step is offered somewhere");
    }

    /// The user's steps follow the state machine: entered, it is changed, given a photo, discarded and
    /// (with the photo) filed; filed, only how the card is received changes; ended, nothing.
    #[test]
    fn the_user_s_steps_follow_the_status() {
        use UserStep as U;
        let mut a = app(|_| {});
        assert_eq!(a.user_steps(), vec![U::ChangeEntry, U::AttachPhoto, U::Discard]);
        a.attach_photo(USER, photo()).unwrap();
        assert_eq!(a.user_steps(), vec![U::ChangeEntry, U::AttachPhoto, U::Submit, U::Discard]);
        let e = eligible(&a);
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 7), None).unwrap();
        assert_eq!(a.user_steps(), vec![U::ChangeReceiptMethod]);
        a.withdraw(COUNTER).unwrap();
        assert!(a.user_steps().is_empty());
        let mut d = app(|_| {});
        d.discard(USER).unwrap();
        assert!(d.user_steps().is_empty(), "discarded");
        assert!(d.attach_photo(USER, photo()).is_err(), "no photo once it has ended");
    }

    #[test]
    fn office_steps_are_posted_by_their_own_codes_and_nothing_else() {
        for step in OfficeStep::ALL {
            assert_eq!(OfficeStep::parse(step.code()), Some(step));
        }
        for code in ["", "permit", "Decide", " decide", "withdraw_attachment"] {
            assert_eq!(OfficeStep::parse(code), None, "{code:?}");
        }
    }

    #[test]
    fn the_office_where_the_card_is_collected_hands_it_over_and_nothing_else() {
        let mut c = submitted(|i| i.receipt_method = "counter".into());
        let office = c.jurisdiction();
        let other = crate::office::Office::ALL.into_iter().find(|o| *o != office).unwrap();
        assert_eq!(c.office_relation(office, &[OfficerRole::Counter]), Some(OfficeRelation::Jurisdiction));
        assert_eq!(c.office_relation(other, &[OfficerRole::Counter]), None);
        assert_eq!(c.office_relation(other, &[OfficerRole::Admin]), Some(OfficeRelation::Jurisdiction));
        c.form.receiving_office = other;
        assert_eq!(c.office_relation(other, &[OfficerRole::Counter]), Some(OfficeRelation::CardCollectedHere));
        c.start_examination(EXAMINER).unwrap();
        c.permit(EXAMINER, PeriodOfStay::parse("1Y").unwrap(), Some(d("2028-01-20")), today()).unwrap();
        let roles = [OfficerRole::Counter, OfficerRole::Examiner, OfficerRole::Issuance];
        assert_eq!(
            c.office_steps(&roles, OfficeRelation::CardCollectedHere, today()),
            vec![OfficeStep::HandOverAtCounter]
        );
    }

    #[test]
    fn q71_a_card_may_be_delivered_on_the_day_it_was_posted() {
        let mut a = waiting_for_issuance("1995-04-12");
        a.issue_card_by_post(ISSUANCE, d("2026-12-10")).unwrap();
        a.record_delivery(ISSUANCE, d("2026-12-10")).unwrap();
        assert_eq!(a.permission_effective_on(), Some(d("2026-12-10")));
    }

    #[test]
    fn q53_no_caveat_on_the_16th_birthday_itself() {
        // Filed on 2026-11-27 (the receipt date) by someone turning 16 that day: already 16, nothing to decide.
        let mut a = app(|i| i.birth_date = "20101127".into());
        assert_eq!(a.post_caveat(), Some(PostRefusal::SixteenthBirthday), "before filing: the window's first day");
        a.attach_photo(USER, photo()).unwrap();
        let e = eligible_as(&a, |p| p.birth_date = d("2010-11-27"));
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 9), None).unwrap();
        assert_eq!(a.post_caveat(), None);
    }

    #[test]
    fn application_refusals_have_stable_rules_and_japanese_messages() {
        let errors = [
            ApplicationError::PhotoMissing,
            ApplicationError::FeeNoticeMissing,
            ApplicationError::ThirdPartyCollector,
            ApplicationError::PermittedExpiryDiffers {
                period: PeriodOfStay::parse("1Y").unwrap(),
                computed: JstDate::parse("2028-01-20").unwrap(),
            },
            ApplicationError::EligibilityOfAnother,
            ApplicationError::NotFiled,
            ApplicationError::FiledCannotChange,
            ApplicationError::PostStillPossible,
            ApplicationError::NotAwaitingDelivery,
            ApplicationError::DeliveredBeforeDispatch,
            ApplicationError::SameReceiptMethod(ReceiptMethod::Post),
            ApplicationError::NotAttached(Attachment::ReEntry),
        ];
        let rules: std::collections::HashSet<&str> = errors.iter().map(Localized::rule).collect();
        assert_eq!(rules.len(), errors.len());
        for e in &errors {
            assert!(e.rule().starts_with("application."), "{e:?}");
            assert!(!e.message_ja().is_ascii() && !e.message_ja().is_empty(), "{e:?}");
        }
        assert!(!ApplicationError::FiledCannotChange.message_ja().contains("Q46"), "words, not the Q&A's numbers");
        assert_eq!(IdError("application").rule(), "id.format");
        assert!(!IdError("application").message_ja().is_ascii());
    }

    #[test]
    fn q56_the_return_address_is_fixed_at_filing() {
        let mut a = app(|_| {});
        a.attach_photo(USER, photo()).unwrap();
        let e = eligible(&a);
        let address = crate::error::Text::parse("1-1-1 Kasumigaseki, Tokyo").unwrap();
        assert_eq!(a.return_address(), None);
        a.submit(USER, &e, TemporaryReceiptNumber::new(today(), 3), Some(address.clone())).unwrap();
        assert_eq!(a.return_address(), Some(&address));
    }

    #[test]
    fn q71_permission_by_post_takes_effect_on_delivery() {
        let mut a = waiting_for_issuance("1995-04-12");
        assert_eq!(a.record_delivery(ISSUANCE, d("2026-12-12")), Err(ApplicationError::NotAwaitingDelivery));
        a.issue_card_by_post(ISSUANCE, d("2026-12-10")).unwrap();
        assert_eq!(a.permission_effective_on(), None, "dispatched, not delivered");
        assert!(a.record_delivery(USER, d("2026-12-12")).is_err());
        assert_eq!(a.record_delivery(ISSUANCE, d("2026-12-09")), Err(ApplicationError::DeliveredBeforeDispatch));
        a.record_delivery(ISSUANCE, d("2026-12-12")).unwrap();
        assert_eq!(a.card_delivered_on(), Some(d("2026-12-12")));
        assert_eq!(a.permission_effective_on(), Some(d("2026-12-12")));
        assert_eq!(a.record_delivery(ISSUANCE, d("2026-12-13")), Err(ApplicationError::NotAwaitingDelivery));
    }

    #[test]
    fn q53_after_a_permit_of_three_months_with_re_entry_the_card_is_not_posted() {
        let mut a = submitted(|i| i.procedures = vec!["extension".into(), "re_entry_single".into()]);
        a.start_examination(EXAMINER).unwrap();
        a.permit(EXAMINER, PeriodOfStay::parse("3M").unwrap(), Some(d("2027-04-20")), today()).unwrap();
        let received = PostDocuments { fee_notice_received: true, fee_notice_signed: true, old_card_returned: true };
        a.record_post_documents(ISSUANCE, received).unwrap();
        assert_eq!(
            a.issue_card_by_post(ISSUANCE, d("2026-12-10")),
            Err(ApplicationError::Post(PostRefusal::PassportSeal))
        );
        assert_eq!(a.redirect_to_counter(ISSUANCE, d("2026-12-10")), Ok(PostRefusal::PassportSeal));
    }

    #[test]
    fn q49_withdrawing_only_the_re_entry_permission_then_post_becomes_possible() {
        let mut a = submitted(|i| {
            i.procedures = vec!["extension".into(), "re_entry_single".into()];
            i.desired_period_of_stay = "3M".into();
            i.receipt_method = "counter".into();
        });
        assert_eq!(a.form.procedures, Procedures { re_entry: Some(ReEntry::Single), activity_outside_status: false });
        assert!(a.change_receipt_method(USER, ReceiptMethod::Post, today()).is_err());
        a.withdraw_attachment(COUNTER, Attachment::ReEntry).unwrap();
        assert_eq!(a.re_entry(), None);
        assert_eq!(a.status, ApplicationStatus::ApplicationCompleted);
        assert_eq!(
            a.withdraw_attachment(COUNTER, Attachment::ReEntry),
            Err(ApplicationError::NotAttached(Attachment::ReEntry))
        );
        a.change_receipt_method(USER, ReceiptMethod::Post, today()).unwrap();
    }

    #[test]
    fn q48_withdraw_the_whole_application() {
        let mut a = submitted(|_| {});
        assert!(a.withdraw(USER).is_err());
        a.withdraw(COUNTER).unwrap();
        assert_eq!(a.status, ApplicationStatus::Withdrawn);
        assert!(a.start_examination(EXAMINER).is_err());
    }

    #[test]
    fn q63_the_office_replaces_a_wrong_photo() {
        let mut a = submitted(|_| {});
        let other = PhotoRef { key: "photos/b.jpg".into(), ..photo() };
        assert!(a.replace_photo(USER, other.clone()).is_err());
        a.replace_photo(EXAMINER, other.clone()).unwrap();
        assert_eq!(a.photo, Some(other));
    }

    #[test]
    fn ids_parse() {
        assert!(ApplicationId::parse("01JF8ZK3-abc_9").is_ok());
        assert!(ApplicationId::parse("").is_err());
        assert!(OrganizationId::parse("org/1").is_err());
        assert!(OrganizationId::parse(&"a".repeat(65)).is_err());
    }
}
