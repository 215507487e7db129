//! The form's fields, decided once: each field's key (as the API, the page's form and violations name it),
//! its label in Japanese and English, what it accepts (with its limit), whether it must be filled and the
//! hint a person entering it reads. The parser collects its errors under these keys, the page builds its
//! form from them, the blanket template's columns are these fields in this order, and the reader of a
//! blanket row and of a posted page fills [`ApplicationInput`] through [`ApplicationInput::set`], the one
//! map from a key to where its text goes.

use super::{ApplicationInput, Flag, RelativeInput};
use crate::choice::{self, Choice};
use crate::error::{Language, Violation, Violations};

/// What a field accepts: the page chooses its control by it, the blanket template its rule and list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text of at most this many characters.
    Text(usize),
    Date,
    YesNo,
    Sex,
    Status,
    Period,
    Office,
    ReceiptMethod,
    /// How a certificate of eligibility is received: by e-mail or by post.
    Delivery,
    /// An acquisition's cause.
    Cause,
    ReEntry,
    CardNumber,
    Email,
    Phone,
    Postcode,
    Prefecture,
    /// The procedure applied for (one of the procedures filed online).
    Procedure,
    /// The API's list of the permissions asked for together (entered as re-entry and activity).
    Procedures,
    /// The API's list of relatives in Japan (entered row by row, after the yes/no question).
    Relatives,
}

impl Kind {
    /// The answers a question of this kind offers (none for a field typed in).
    pub fn choices(self) -> &'static [Choice] {
        match self {
            Kind::YesNo => choice::YES_NO,
            Kind::Sex => choice::SEX,
            Kind::ReEntry => choice::RE_ENTRY,
            Kind::ReceiptMethod => choice::RECEIPT_METHOD,
            Kind::Delivery => choice::CERTIFICATE_DELIVERY,
            Kind::Cause => choice::ACQUISITION_CAUSE,
            _ => &[],
        }
    }

    /// Whether the field is answered by choosing (a list or buttons), not by typing.
    fn is_chosen(self) -> bool {
        !self.choices().is_empty() || matches!(self, Kind::Office | Kind::Status | Kind::Prefecture)
    }

    /// An answer of this kind in the words the pages show: a choice's words, an office's or a status's
    /// name, a period in words, a date in the one form dates are shown in; anything not understood as typed.
    pub fn answer(self, typed: &str, lang: Language) -> String {
        let named = |ja: &str, en: &str| match lang {
            Language::Ja => ja.to_owned(),
            Language::En => en.to_owned(),
        };
        if let Some(c) = choice::find(self.choices(), typed) {
            return c.words(lang).to_owned();
        }
        let shown = match self {
            Kind::Office => crate::office::Office::parse(typed).ok().map(|o| named(o.info().name_ja, o.info().name_en)),
            Kind::Status => crate::status_of_residence::StatusOfResidence::parse(typed)
                .ok()
                .map(|s| named(s.info().name_ja, s.info().name_en)),
            Kind::Period => crate::period::PeriodOfStay::parse(typed).ok().map(|p| p.words(lang)),
            Kind::Date => crate::jst::JstDate::parse(typed).ok().map(|d| d.to_string()),
            Kind::Procedure => crate::procedure::Procedure::parse(typed).ok().map(|p| p.label(lang).to_owned()),
            Kind::Postcode => super::Postcode::parse(typed).ok().map(|p| p.to_string()),
            _ => None,
        };
        shown.unwrap_or_else(|| typed.trim().to_owned())
    }
}

/// The parts of the form, in its order: each part's fields are entered, and shown for checking, together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Procedures,
    Applicant,
    Address,
    Stay,
    Entry,
    Relatives,
    Card,
    Confirmation,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Self::Procedures,
        Self::Applicant,
        Self::Address,
        Self::Stay,
        Self::Entry,
        Self::Relatives,
        Self::Card,
        Self::Confirmation,
    ];

    /// The parts a form of `procedure` has: the first, which names what is applied for, and those with a
    /// field it asks.
    pub fn of_procedure(procedure: crate::procedure::Procedure) -> impl Iterator<Item = Section> {
        Self::ALL.into_iter().filter(move |s| *s == Self::Procedures || s.fields_for(procedure).next().is_some())
    }

    /// The part's heading on a form of `procedure` (what is received is a card or a certificate).
    pub fn title_for(self, procedure: crate::procedure::Procedure) -> (&'static str, &'static str) {
        use crate::procedure::Applicant::Abroad;
        match self {
            Self::Card if !procedure.issues_card() => ("証明書の受領", "Receiving the certificate"),
            Self::Entry if procedure == crate::procedure::Procedure::Acquisition => {
                ("在留資格の取得の事由", "Why a status of residence is needed")
            }
            // A person on no list holds no card and no status: their passport, and what they seek.
            Self::Stay if !procedure.applicant().is_listed() => {
                ("旅券と申請する在留資格", "Passport and the status sought")
            }
            Self::Address if procedure.applicant() == Abroad => {
                ("日本における連絡先", "Where they will live in Japan, and contact")
            }
            other => other.title(),
        }
    }

    /// The part's heading, in Japanese and English.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Self::Procedures => ("申請の種類", "What is applied for"),
            Self::Applicant => ("申請人", "The applicant"),
            Self::Address => ("住居地と連絡先", "Address in Japan and contact"),
            Self::Stay => ("旅券と在留資格", "Passport and stay"),
            Self::Entry => ("入国の予定", "The planned entry"),
            Self::Relatives => ("在日親族及び同居者", "Relatives in Japan and people living with the applicant"),
            Self::Card => ("在留カードの受領", "Receiving the new residence card"),
            Self::Confirmation => ("確認", "Confirmation"),
        }
    }

    /// The part's anchor on the form (the check page's "change" links to it).
    pub fn anchor(self) -> &'static str {
        match self {
            Self::Procedures => "part-procedures",
            Self::Applicant => "part-applicant",
            Self::Address => "part-address",
            Self::Stay => "part-stay",
            Self::Entry => "part-entry",
            Self::Relatives => "part-relatives",
            Self::Card => "part-card",
            Self::Confirmation => "part-confirmation",
        }
    }

    /// The part's fields, in the form's order (the relatives' rows follow [`Field::RelativesInJapan`]).
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Self::Procedures => &[ReEntry, ActivityOutsideStatus],
            Self::Applicant => &[Name, Nationality, BirthDate, Sex, Married, Occupation, HomeCountryAddress],
            Self::Address => &[Postcode, Prefecture, City, Street, Telephone, Mobile, Email],
            Self::Stay => &[
                PassportNumber,
                PassportExpiry,
                ResidenceCardNumber,
                StatusOfResidence,
                PeriodOfStay,
                ExpiryDate,
                DesiredStatusOfResidence,
                DesiredPeriodOfStay,
                WorkActivity,
                WorkFrom,
                WorkUntil,
                Reason,
                CriminalRecord,
                CriminalRecordDetails,
            ],
            Self::Entry => {
                &[EntryDate, PortOfEntry, Companions, VisaPost, PastEntries, AcquisitionCause, AcquisitionDate]
            }
            Self::Relatives => &[RelativesInJapan],
            Self::Card => &[ReceiptMethod, ReceivingOffice, KanjiNamePetition, NoticeEmail],
            Self::Confirmation => &[InJapan, ApplicantRequested],
        }
    }

    /// The part's fields a form of `procedure` asks, in the form's order.
    pub fn fields_for(self, procedure: crate::procedure::Procedure) -> impl Iterator<Item = Field> {
        self.fields().iter().copied().filter(move |f| f.applies_to(procedure))
    }

    /// The part where a field is entered.
    pub fn of(field: Field) -> Option<Section> {
        let field = field.entered_as();
        Self::ALL.into_iter().find(|s| s.fields().contains(&field))
    }
}

/// The rules of the value types, which do not know which field they read: their messages are worded
/// again to name the field ("Enter the postcode", 「郵便番号を入力してください。」). The form's own rules
/// name their field already.
const NAMED_BY_THE_FORM: &[&str] = &[
    "text.",
    "choice.",
    "date.",
    "email.",
    "name_on_card.",
    "passport_number.",
    "residence_card_number.",
    "period_of_stay.",
    "status_of_residence.",
    "office.",
    "prefecture.",
];

/// A field's label in a message (on a form of `procedure`): the field's own, or a relative's field with the
/// row's number.
fn label_of(key: &str, procedure: crate::procedure::Procedure) -> Option<(Kind, String, String)> {
    if let Some(f) = Field::of_key(key) {
        let spec = f.spec_for(procedure);
        return Some((spec.kind, spec.ja.to_owned(), spec.en.to_owned()));
    }
    let (i, f) = RelativeField::of_key(key)?;
    let s = f.spec();
    Some((s.kind, format!("親族・同居者{}の{}", i + 1, s.ja), format!("{} of relative {}", s.en, i + 1)))
}

use crate::error::sentence;

/// The first letter of a label made small, as it reads inside a sentence (an acronym keeps its capitals).
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first.to_lowercase().chain(chars).collect(),
        _ => label.to_owned(),
    }
}

/// The violations of a form, each message naming its field and saying what to do (the same words beside
/// the field and in the summary): an empty field "Enter …" / "Choose …", a choice not made one of its
/// answers, any other rule of a value with the field's label before it. The rule code stays as it was.
pub fn named(violations: Violations, input: &ApplicationInput) -> Violations {
    Violations(violations.0.into_iter().map(|v| named_one(v, input)).collect())
}

fn named_one(v: Violation, input: &ApplicationInput) -> Violation {
    let of_a_value = NAMED_BY_THE_FORM.iter().any(|p| v.rule.starts_with(p));
    let procedure = crate::procedure::Procedure::parse(&input.procedure).unwrap_or_default();
    let Some((kind, ja, en)) = label_of(&v.field, procedure).filter(|_| of_a_value || v.rule.ends_with(".format"))
    else {
        return Violation { message_en: sentence(&v.message_en), ..v };
    };
    let typed = match (Field::of_key(&v.field), RelativeField::of_key(&v.field)) {
        (Some(f), _) => input.value(f),
        (None, Some((i, f))) => input.relatives.get(i).map(|r| r.value(f)).unwrap_or_default(),
        (None, None) => String::new(),
    };
    let (message_ja, message_en) = if !of_a_value && !typed.trim().is_empty() {
        // The form's own rule of a value typed: its message names the field already.
        (v.message_ja.clone(), sentence(&v.message_en))
    } else if !kind.choices().is_empty() {
        let (ja_words, en_words) =
            (choice::listed(kind.choices(), Language::Ja), choice::listed(kind.choices(), Language::En));
        (format!("{ja}：{ja_words}から選んでください。"), format!("{en}: choose {en_words}."))
    } else if typed.trim().is_empty() && kind.is_chosen() {
        (format!("{ja}を選んでください。"), format!("Choose the {}.", in_sentence(&en)))
    } else if typed.trim().is_empty() {
        (format!("{ja}を入力してください。"), format!("Enter the {}.", in_sentence(&en)))
    } else if v.message_en.starts_with("must ") {
        (format!("{ja}：{}", v.message_ja), sentence(&format!("{en} {}", v.message_en)))
    } else {
        (format!("{ja}：{}", v.message_ja), format!("{en}: {}", sentence(&v.message_en)))
    };
    Violation { message_ja, message_en, ..v }
}

/// Whether a field must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    /// Telephone or mobile: at least one of the two.
    OneOfPhones,
    /// Required when this yes/no field is answered yes (criminal record, relatives in Japan).
    IfYes(Field),
    Optional,
}

/// One field's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub key: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
    pub kind: Kind,
    pub need: Need,
    /// What the page says under the label, in Japanese and English.
    pub hint: Option<(&'static str, &'static str)>,
}

const fn spec(key: &'static str, ja: &'static str, en: &'static str, kind: Kind, need: Need) -> Spec {
    Spec { key, ja, en, kind, need, hint: None }
}

impl Spec {
    const fn hint(self, ja: &'static str, en: &'static str) -> Spec {
        Spec { hint: Some((ja, en)), ..self }
    }

    /// Whether the field is marked required where it is entered.
    pub fn required(self) -> bool {
        self.need == Need::Required
    }

    /// The most characters a free-text field takes.
    pub fn limit(self) -> Option<usize> {
        match self.kind {
            Kind::Text(n) => Some(n),
            _ => None,
        }
    }
}

/// A field of the application (a relative's own fields are [`RelativeField`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Procedure,
    Procedures,
    ReEntry,
    ActivityOutsideStatus,
    Nationality,
    BirthDate,
    Name,
    Sex,
    Married,
    Occupation,
    HomeCountryAddress,
    Postcode,
    Prefecture,
    City,
    Street,
    Telephone,
    Mobile,
    Email,
    PassportNumber,
    PassportExpiry,
    StatusOfResidence,
    PeriodOfStay,
    ExpiryDate,
    ResidenceCardNumber,
    /// A change of status's: the status asked for.
    DesiredStatusOfResidence,
    DesiredPeriodOfStay,
    /// A work certificate's: the activity to certify, and the period of the work.
    WorkActivity,
    WorkFrom,
    WorkUntil,
    /// A certificate of eligibility's planned entry.
    EntryDate,
    PortOfEntry,
    Companions,
    VisaPost,
    PastEntries,
    /// An acquisition's cause and the day of the event.
    AcquisitionCause,
    AcquisitionDate,
    Reason,
    CriminalRecord,
    CriminalRecordDetails,
    RelativesInJapan,
    Relatives,
    ReceiptMethod,
    ReceivingOffice,
    NoticeEmail,
    KanjiNamePetition,
    InJapan,
    ApplicantRequested,
}

impl Field {
    /// Every field, in the order of the agency's form.
    pub const ALL: [Field; 47] = [
        Self::Procedure,
        Self::Procedures,
        Self::ReEntry,
        Self::ActivityOutsideStatus,
        Self::Nationality,
        Self::BirthDate,
        Self::Name,
        Self::Sex,
        Self::Married,
        Self::Occupation,
        Self::HomeCountryAddress,
        Self::Postcode,
        Self::Prefecture,
        Self::City,
        Self::Street,
        Self::Telephone,
        Self::Mobile,
        Self::Email,
        Self::PassportNumber,
        Self::PassportExpiry,
        Self::StatusOfResidence,
        Self::PeriodOfStay,
        Self::ExpiryDate,
        Self::ResidenceCardNumber,
        Self::DesiredStatusOfResidence,
        Self::DesiredPeriodOfStay,
        Self::WorkActivity,
        Self::WorkFrom,
        Self::WorkUntil,
        Self::EntryDate,
        Self::PortOfEntry,
        Self::Companions,
        Self::VisaPost,
        Self::PastEntries,
        Self::AcquisitionCause,
        Self::AcquisitionDate,
        Self::Reason,
        Self::CriminalRecord,
        Self::CriminalRecordDetails,
        Self::RelativesInJapan,
        Self::Relatives,
        Self::ReceiptMethod,
        Self::ReceivingOffice,
        Self::NoticeEmail,
        Self::KanjiNamePetition,
        Self::InJapan,
        Self::ApplicantRequested,
    ];

    /// The fields a person enters one by one, on the page or in a blanket row, in the agency's order (the
    /// relatives' rows come after [`Field::RelativesInJapan`]). The procedure is chosen before the form
    /// (the template's own, the page's hidden field) and the API's list of permissions is entered as
    /// re-entry and activity.
    pub fn entered() -> impl Iterator<Item = Field> {
        Self::ALL.into_iter().filter(|f| !matches!(f, Self::Procedure | Self::Procedures | Self::Relatives))
    }

    /// The fields entered on a form of `procedure` ([`Self::entered`] that apply to it).
    pub fn entered_for(procedure: crate::procedure::Procedure) -> impl Iterator<Item = Field> {
        Self::entered().filter(move |f| f.applies_to(procedure))
    }

    /// The field whose status decides the input screen (and so the blanket template) of an application of
    /// `procedure`: an extension's the status held, a change's the status asked for (its activity is the
    /// one examined).
    pub fn deciding_screen(procedure: crate::procedure::Procedure) -> Field {
        match procedure {
            crate::procedure::Procedure::Extension => Self::StatusOfResidence,
            crate::procedure::Procedure::ChangeOfStatus => Self::DesiredStatusOfResidence,
            crate::procedure::Procedure::WorkCertificate => Self::StatusOfResidence,
            crate::procedure::Procedure::CertificateOfEligibility | crate::procedure::Procedure::Acquisition => {
                Self::DesiredStatusOfResidence
            }
        }
    }

    /// Whether a form of `procedure` asks this field: the status asked for is a change of status's alone;
    /// a work certificate's form asks who the person is, where they live, their stay, and the work to
    /// certify — nothing of a new stay, a card, or the person's record and family.
    pub fn applies_to(self, procedure: crate::procedure::Procedure) -> bool {
        use crate::procedure::{Applicant, Procedure as P};
        let abroad = procedure.applicant() == Applicant::Abroad;
        let listed = procedure.applicant().is_listed();
        match self {
            Self::DesiredStatusOfResidence => {
                matches!(procedure, P::ChangeOfStatus | P::CertificateOfEligibility | P::Acquisition)
            }
            Self::AcquisitionCause | Self::AcquisitionDate => procedure == P::Acquisition,
            // The work certified; a certificate of eligibility's activity in Japan (the organization's part).
            Self::WorkActivity => matches!(procedure, P::WorkCertificate | P::CertificateOfEligibility),
            Self::WorkFrom | Self::WorkUntil => procedure == P::WorkCertificate,
            Self::EntryDate | Self::PortOfEntry | Self::Companions | Self::VisaPost | Self::PastEntries => abroad,
            // A person on no list has no stay and no card; a person abroad is not in Japan (Q35 asks the others).
            Self::StatusOfResidence | Self::PeriodOfStay | Self::ExpiryDate | Self::ResidenceCardNumber => listed,
            Self::InJapan => procedure.applicant().in_japan(),
            // A person abroad is asked who they are, their record and their family as a stay's applicant is.
            Self::Married
            | Self::Occupation
            | Self::HomeCountryAddress
            | Self::DesiredPeriodOfStay
            | Self::CriminalRecord
            | Self::CriminalRecordDetails
            | Self::RelativesInJapan
            | Self::Relatives => procedure.issues_card() || abroad,
            Self::ReEntry | Self::ActivityOutsideStatus | Self::KanjiNamePetition => procedure.issues_card(),
            _ => true,
        }
    }

    /// The field's description on a form of `procedure`: its label and hint as that form words them.
    pub fn spec_for(self, procedure: crate::procedure::Procedure) -> Spec {
        let (ja, en) = self.label_for(procedure);
        // The ways what the procedure issues is received (`ReceiptMethod::choices`, the parser's too).
        let kind = match self {
            Self::ReceiptMethod if crate::status::ReceiptMethod::choices(procedure) == choice::CERTIFICATE_DELIVERY => {
                Kind::Delivery
            }
            _ => self.spec().kind,
        };
        Spec { ja, en, kind, hint: self.hint_for(procedure), ..self.spec() }
    }

    /// What the page says under the field's label on a form of `procedure`.
    pub fn hint_for(self, procedure: crate::procedure::Procedure) -> Option<(&'static str, &'static str)> {
        use crate::procedure::Procedure as P;
        match (self, procedure.issues_card()) {
            (Self::ReceiptMethod, false) if procedure == P::CertificateOfEligibility => Some((
                "メールの場合は、交付と同時に電子の証明書が通知先メールアドレスに送られます（査証申請と上陸の際に提示できます）。郵送の場合は、紙の証明書が所属機関（取次者の場合はその事務所）あてに送られます。",
                "By e-mail, the electronic certificate is sent to the notice address when it is issued (it is shown for the visa and at landing). By post, the paper certificate is sent to the organization (to the agent's office when an agent files).",
            )),
            (Self::NoticeEmail, _) if procedure == P::CertificateOfEligibility => Some((
                "仮受付番号と受付番号、電子の証明書（メールで受け取る場合）は、このアドレスにも送られます。",
                "The temporary and official receipt numbers, and the electronic certificate (received by e-mail), are sent to this address too.",
            )),
            (Self::WorkActivity, _) if procedure == P::CertificateOfEligibility => Some((
                "受入れ機関の名称と所在地、本邦で行う活動の内容を記入してください（例：株式会社〇〇（東京都千代田区）でシステム開発に従事）。",
                "The receiving organization's name and address, and the activity in Japan (e.g. software development at Example K.K., Chiyoda, Tokyo).",
            )),
            (Self::ReceiptMethod, false) => Some((
                "郵送の場合は、手数料の納付後に証明書が所属機関（取次者の場合はその事務所）あてに送られます。",
                "By post, the certificate is sent after the fee is paid, to the organization (to the agent's office when an agent files).",
            )),
            (Self::ReceivingOffice, false) => Some((
                "証明書を交付する地方出入国在留管理官署です。",
                "The regional immigration services office that issues the certificate.",
            )),
            _ => self.spec().hint,
        }
    }

    /// The field's label on a form of `procedure` (the reason is the extension's or the change's).
    pub fn label_for(self, procedure: crate::procedure::Procedure) -> (&'static str, &'static str) {
        use crate::procedure::Procedure as P;
        match (self, procedure) {
            (Self::Reason, P::ChangeOfStatus) => ("変更の理由", "Reason for the change"),
            (Self::ReEntry, P::ChangeOfStatus) => ("再入国許可（同時申請）", "Re-entry permission (with the change)"),
            (Self::Reason, P::WorkCertificate) => ("使用目的", "Purpose of use"),
            (Self::ReceiptMethod, P::WorkCertificate | P::CertificateOfEligibility) => {
                ("証明書の受領方法", "Receipt of the certificate")
            }
            (Self::Reason, P::CertificateOfEligibility) => ("入国目的", "Purpose of entry"),
            (Self::Name, P::CertificateOfEligibility) => ("氏名（旅券のとおり）", "Name (as in the passport)"),
            (Self::DesiredStatusOfResidence, P::CertificateOfEligibility) => {
                ("申請する在留資格", "Status of residence sought")
            }
            (Self::DesiredPeriodOfStay, P::CertificateOfEligibility) => ("滞在予定期間", "Intended length of stay"),
            (Self::WorkActivity, P::CertificateOfEligibility) => {
                ("本邦で行う活動（所属機関記入）", "Activity in Japan (the organization's part)")
            }
            (Self::ReceivingOffice, P::CertificateOfEligibility) => ("交付官署", "Issuing office"),
            (Self::DesiredStatusOfResidence, P::Acquisition) => {
                ("取得を希望する在留資格", "Status of residence sought")
            }
            (Self::Reason, P::Acquisition) => ("申請の理由", "Reason for the application"),
            (Self::Name, P::Acquisition) => ("氏名（旅券のとおり）", "Name (as in the passport)"),
            _ => {
                let s = self.spec();
                (s.ja, s.en)
            }
        }
    }

    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// Where a person enters what a violation of this field is about: the API's list of permissions is
    /// entered as the re-entry question, its list of relatives as the question whether there are any.
    pub fn entered_as(self) -> Field {
        match self {
            Self::Procedures => Self::ReEntry,
            Self::Relatives => Self::RelativesInJapan,
            other => other,
        }
    }

    /// The field a key names.
    pub fn of_key(key: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn spec(self) -> Spec {
        use Kind::*;
        use Need::*;
        match self {
            Self::Procedure => spec("procedure", "申請の種類", "What is applied for", Procedure, Optional),
            Self::Procedures => spec("procedures", "同時に申請する許可", "Permissions applied for with it", Procedures, Required),
            Self::ReEntry => spec("re_entry", "再入国許可（同時申請）", "Re-entry permission (with the extension)", ReEntry, Optional).hint(
                "再入国許可と資格外活動許可は、在留期間更新許可申請又は在留資格変更許可申請と同時に申請する場合に限り、オンラインで申請できます。",
                "Re-entry and activity permission can be filed online only together with an extension or a change of status.",
            ),
            Self::ActivityOutsideStatus => spec(
                "activity_outside_status",
                "資格外活動許可（同時申請）",
                "Permission for activity outside status",
                YesNo,
                Optional,
            ),
            Self::Nationality => spec("nationality", "国籍・地域", "Nationality/region", Text(60), Required),
            Self::BirthDate => spec("birth_date", "生年月日", "Date of birth", Date, Required).hint("例：1995-04-12", "e.g. 1995-04-12"),
            Self::Name => spec("name", "氏名（在留カードのとおり）", "Name (as on the residence card)", Text(80), Required).hint(
                "ローマ字の大文字で、姓・名をカンマで区切ります（例：NGUYEN,VAN,AN）。",
                "Capital letters, family and given names separated by commas (e.g. NGUYEN,VAN,AN).",
            ),
            Self::Sex => spec("sex", "性別", "Sex", Sex, Required),
            Self::Married => spec("married", "配偶者の有無", "Married", YesNo, Required),
            Self::Occupation => spec("occupation", "職業", "Occupation", Text(60), Required),
            Self::HomeCountryAddress => {
                spec("home_country_address", "本国における居住地", "Address in home country", Text(120), Required)
            }
            Self::Postcode => spec("postcode", "郵便番号", "Postcode", Postcode, Required).hint("例：100-0013", "e.g. 100-0013"),
            Self::Prefecture => {
                spec("prefecture", "都道府県", "Prefecture", Prefecture, Required).hint("例：東京都", "e.g. 東京都 or Tokyo")
            }
            Self::City => spec("city", "市区町村", "City", Text(120), Required),
            Self::Street => spec("street", "町名・番地・建物名", "Street, number and building", Text(120), Required),
            Self::Telephone => spec("telephone", "電話番号", "Telephone", Phone, OneOfPhones)
                .hint("電話番号か携帯電話番号のどちらかが必要です。", "A telephone or a mobile number is needed."),
            Self::Mobile => spec("mobile", "携帯電話番号", "Mobile", Phone, OneOfPhones),
            Self::Email => spec("email", "メールアドレス", "E-mail", Email, Optional),
            Self::PassportNumber => spec("passport_number", "旅券番号", "Passport number", Text(20), Required),
            Self::PassportExpiry => spec("passport_expiry", "旅券有効期限", "Passport expiry", Date, Required)
                .hint("例：2030-01-01", "e.g. 2030-01-01"),
            Self::StatusOfResidence => {
                spec("status_of_residence", "現に有する在留資格", "Current status of residence", Status, Required)
            }
            Self::PeriodOfStay => spec("period_of_stay", "在留期間", "Period of stay", Period, Required)
                .hint("例：1年、6か月、1年6か月", "e.g. 1 year, 6 months, 1 year 6 months"),
            Self::ExpiryDate => {
                spec("expiry_date", "在留期間の満了日", "Expiry of the period of stay", Date, Required)
            }
            Self::ResidenceCardNumber => {
                spec("residence_card_number", "在留カード番号", "Residence card number", CardNumber, Required)
            }
            Self::DesiredStatusOfResidence => {
                spec("desired_status_of_residence", "希望する在留資格", "Desired status of residence", Status, Required)
            }
            Self::DesiredPeriodOfStay => {
                spec("desired_period_of_stay", "希望する在留期間", "Desired period of stay", Period, Required)
                    .hint("例：3年", "e.g. 3 years")
            }
            Self::WorkActivity => spec("work_activity", "証明を希望する活動の内容", "The work to certify", Text(400), Required)
                .hint(
                    "勤務先の名称と所在地、職務の内容を記入してください（例：株式会社〇〇（東京都千代田区）でシステム開発に従事）。",
                    "The employer's name and address, and what the work is (e.g. software development at Example K.K., Chiyoda, Tokyo).",
                ),
            Self::WorkFrom => spec("work_from", "就労する期間（開始日）", "Period of the work: first day", Date, Required)
                .hint("例：2027-01-04", "e.g. 2027-01-04"),
            Self::WorkUntil => spec("work_until", "就労する期間（終了日）", "Period of the work: last day", Date, Required)
                .hint("在留期間の満了日までの日付です。", "A day no later than the expiry of the period of stay."),
            Self::EntryDate => spec("entry_date", "入国予定年月日", "Date of entry", Date, Required)
                .hint("例：2027-04-01", "e.g. 2027-04-01"),
            Self::PortOfEntry => spec("port_of_entry", "上陸予定港", "Port of entry", Text(60), Required)
                .hint("例：成田空港", "e.g. Narita Airport"),
            Self::Companions => spec("companions", "同伴者", "Accompanying persons", Text(400), Optional)
                .hint("同伴者がいる場合に、氏名と続柄を記入してください。", "Their names and relationship, if anyone comes with them."),
            Self::VisaPost => spec("visa_post", "査証申請予定地", "Where the visa will be applied for", Text(60), Required)
                .hint("例：在ベトナム日本国大使館", "e.g. Embassy of Japan in Viet Nam"),
            Self::PastEntries => spec("past_entries", "過去の出入国歴", "Past entries to Japan", Text(200), Optional)
                .hint("回数と直近の入国・出国の日を記入してください。なければ空欄です。", "How many times, and the dates of the latest entry and departure; empty if none."),
            Self::AcquisitionCause => spec("acquisition_cause", "在留資格の取得事由", "Cause", Cause, Required),
            Self::AcquisitionDate => spec("acquisition_date", "事由の生じた日", "Day of the event", Date, Required)
                .hint("出生の場合は生年月日です。この日から30日以内に申請します。", "For a birth, the date of birth. File within 30 days of it."),
            Self::Reason => spec("reason", "更新の理由", "Reason for the extension", Text(1000), Required),
            Self::CriminalRecord => spec(
                "criminal_record",
                "犯罪を理由とする処分の有無",
                "Criminal record",
                YesNo,
                Required,
            )
            .hint("日本国内外で犯罪を理由とする処分を受けたことがあるかを答えてください。", "Whether the applicant was ever punished for a crime, in Japan or abroad."),
            Self::CriminalRecordDetails => spec(
                "criminal_record_details",
                "犯罪を理由とする処分の内容",
                "Criminal record details",
                Text(400),
                IfYes(Self::CriminalRecord),
            )
            .hint("処分を受けたことが「有」の場合に記入してください。", "Fill in only if the answer above is yes."),
            Self::RelativesInJapan => spec(
                "relatives_in_japan",
                "在日親族及び同居者の有無",
                "Any relatives in Japan or people living together",
                YesNo,
                Required,
            ),
            Self::Relatives => spec("relatives", "在日親族及び同居者", "Relatives in Japan and people living together", Relatives, IfYes(Self::RelativesInJapan)),
            Self::ReceiptMethod => spec("receipt_method", "在留カードの受領方法", "Receipt of the residence card", ReceiptMethod, Required)
                .hint(
                    "郵送の場合は、手数料の納付後に在留カードが所属機関（取次者の場合はその事務所）あてに送られます。申請人が16歳未満の場合や、漢字氏名の併記を申し出る場合など、郵送を選べないことがあります。",
                    "By post, the card is sent after the fee is paid, to the organization (to the agent's office when an agent files). Post cannot be chosen in some cases, e.g. for an applicant under 16 or with a petition for the name in kanji.",
                ),
            Self::ReceivingOffice => spec(
                "receiving_office",
                "受領官署",
                "Receiving office",
                Office,
                Required,
            )
            .hint("在留カードを受け取る地方出入国在留管理官署です。", "The regional immigration services office where the card is collected."),
            Self::NoticeEmail => spec(
                "notice_email",
                "通知先メールアドレス（申請人）",
                "Applicant's e-mail for notices",
                Email,
                Required,
            )
            .hint("仮受付番号と受付番号は、このアドレスにも送られます。", "The temporary and official receipt numbers are sent to this address too."),
            Self::KanjiNamePetition => {
                spec("kanji_name_petition", "漢字氏名併記の申出", "Petition to add the kanji name", YesNo, Optional)
            }
            Self::InJapan => spec("in_japan", "申請人が日本に在留している", "The applicant is in Japan", YesNo, Required),
            Self::ApplicantRequested => spec(
                "applicant_requested",
                "申請人からの依頼",
                "Requested by the applicant",
                YesNo,
                Required,
            )
            .hint("申請人から申請の依頼を受けているかを答えてください。依頼の書面は所属機関で保管します。", "Whether the applicant asked for this application; the written request is kept by the organization."),
        }
    }
}

impl From<Field> for String {
    fn from(f: Field) -> String {
        f.key().to_owned()
    }
}

/// A field of one relative in Japan (row `i` of at most [`super::ApplicationForm::MAX_RELATIVES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelativeField {
    Relationship,
    Name,
    BirthDate,
    Nationality,
    LivingTogether,
    WorkplaceOrSchool,
    ResidenceCardNumber,
}

impl RelativeField {
    pub const ALL: [RelativeField; 7] = [
        Self::Relationship,
        Self::Name,
        Self::BirthDate,
        Self::Nationality,
        Self::LivingTogether,
        Self::WorkplaceOrSchool,
        Self::ResidenceCardNumber,
    ];

    /// The key of this field of row `i` (`relatives[0].name`).
    pub fn key(self, i: usize) -> String {
        format!("relatives[{i}].{}", self.spec().key)
    }

    /// The row and field a key names.
    pub fn of_key(key: &str) -> Option<(usize, RelativeField)> {
        let (i, name) = key.strip_prefix("relatives[")?.split_once("].")?;
        let i: usize = i.parse().ok()?;
        let field = Self::ALL.into_iter().find(|f| f.spec().key == name)?;
        (i < super::ApplicationForm::MAX_RELATIVES).then_some((i, field))
    }

    /// Within a relative's row (which is needed when relatives in Japan is answered yes).
    pub fn spec(self) -> Spec {
        use Kind::*;
        use Need::*;
        match self {
            Self::Relationship => spec("relationship", "続柄", "Relationship", Text(20), Required),
            Self::Name => spec("name", "氏名", "Name", Text(80), Required),
            Self::BirthDate => spec("birth_date", "生年月日", "Date of birth", Date, Required),
            Self::Nationality => spec("nationality", "国籍・地域", "Nationality/region", Text(60), Required),
            Self::LivingTogether => spec("living_together", "同居の有無", "Living together", YesNo, Required),
            Self::WorkplaceOrSchool => {
                spec("workplace_or_school", "勤務先・通学先", "Workplace or school", Text(120), Optional)
            }
            Self::ResidenceCardNumber => {
                spec("residence_card_number", "在留カード番号", "Residence card number", CardNumber, Optional)
            }
        }
    }
}

/// A yes/no answer as text: as typed, or `yes`/`no` for a JSON boolean.
fn flag_text(f: &Flag) -> String {
    match f {
        Flag::Bool(true) => "yes".into(),
        Flag::Bool(false) => "no".into(),
        Flag::Text(t) => t.clone(),
    }
}

/// An answer of the re-entry question, or of the activity question, that is none of its choices: kept in
/// the list of permissions under this mark, so that the parser names the question's own field.
pub(super) const RE_ENTRY_TYPED: &str = "re_entry=";
pub(super) const ACTIVITY_TYPED: &str = "activity_outside_status=";

/// The permission always in the API's list of an extension's permissions.
const BASE: &str = "extension";

impl ApplicationInput {
    /// What was typed for a field: yes/no answers as typed (`yes`/`no` for a JSON boolean), the re-entry
    /// question as `none`, `single` or `multiple`, the API's list of permissions joined by commas.
    pub fn value(&self, field: Field) -> String {
        let has = |p: &str| self.procedures.iter().any(|x| x == p);
        match field {
            Field::Procedure => self.procedure.clone(),
            Field::Procedures => self.procedures.join(","),
            Field::ReEntry => {
                if has("re_entry_multiple") {
                    "multiple".into()
                } else if has("re_entry_single") {
                    "single".into()
                } else {
                    "none".into()
                }
            }
            Field::ActivityOutsideStatus => if has("activity_outside_status") { "yes" } else { "no" }.into(),
            Field::Nationality => self.nationality.clone(),
            Field::BirthDate => self.birth_date.clone(),
            Field::Name => self.name.clone(),
            Field::Sex => self.sex.clone(),
            Field::Married => flag_text(&self.married),
            Field::Occupation => self.occupation.clone(),
            Field::HomeCountryAddress => self.home_country_address.clone(),
            Field::Postcode => self.postcode.clone(),
            Field::Prefecture => self.prefecture.clone(),
            Field::City => self.city.clone(),
            Field::Street => self.street.clone(),
            Field::Telephone => self.telephone.clone(),
            Field::Mobile => self.mobile.clone(),
            Field::Email => self.email.clone(),
            Field::PassportNumber => self.passport_number.clone(),
            Field::PassportExpiry => self.passport_expiry.clone(),
            Field::StatusOfResidence => self.status_of_residence.clone(),
            Field::PeriodOfStay => self.period_of_stay.clone(),
            Field::ExpiryDate => self.expiry_date.clone(),
            Field::ResidenceCardNumber => self.residence_card_number.clone(),
            Field::DesiredStatusOfResidence => self.desired_status_of_residence.clone(),
            Field::DesiredPeriodOfStay => self.desired_period_of_stay.clone(),
            Field::Reason => self.reason.clone(),
            Field::WorkActivity => self.work_activity.clone(),
            Field::WorkFrom => self.work_from.clone(),
            Field::WorkUntil => self.work_until.clone(),
            Field::EntryDate => self.entry_date.clone(),
            Field::PortOfEntry => self.port_of_entry.clone(),
            Field::Companions => self.companions.clone(),
            Field::VisaPost => self.visa_post.clone(),
            Field::PastEntries => self.past_entries.clone(),
            Field::AcquisitionCause => self.acquisition_cause.clone(),
            Field::AcquisitionDate => self.acquisition_date.clone(),
            Field::CriminalRecord => flag_text(&self.criminal_record),
            Field::CriminalRecordDetails => self.criminal_record_details.clone(),
            Field::RelativesInJapan => flag_text(&self.relatives_in_japan),
            // Row by row: [`RelativeInput::value`].
            Field::Relatives => String::new(),
            Field::ReceiptMethod => self.receipt_method.clone(),
            Field::ReceivingOffice => self.receiving_office.clone(),
            Field::NoticeEmail => self.notice_email.clone(),
            Field::KanjiNamePetition => flag_text(&self.kanji_name_petition),
            Field::InJapan => flag_text(&self.in_japan),
            Field::ApplicantRequested => flag_text(&self.applicant_requested),
        }
    }

    /// Puts what was typed for a field where the parser reads it. The re-entry question and the activity
    /// permission are entered one by one and join the list of permissions with the extension (a value not
    /// understood goes into the list as typed, so that the list's error names it).
    pub fn set(&mut self, field: Field, value: String) {
        let flag = |v: String| Flag::Text(v);
        let with_base = |list: &mut Vec<String>| {
            if !list.iter().any(|p| p == BASE) {
                list.insert(0, BASE.to_owned());
            }
        };
        match field {
            Field::Procedure => self.procedure = value,
            Field::Procedures => {
                self.procedures = value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
            Field::ReEntry => {
                with_base(&mut self.procedures);
                match choice::find(choice::RE_ENTRY, &value).map(|c| c.code) {
                    Some("single") => self.procedures.push("re_entry_single".into()),
                    Some("multiple") => self.procedures.push("re_entry_multiple".into()),
                    Some(_) => {}
                    None if value.trim().is_empty() => {}
                    // Named as typed, so the parser's error is the re-entry question's own.
                    None => self.procedures.push(format!("{RE_ENTRY_TYPED}{}", value.trim())),
                }
            }
            Field::ActivityOutsideStatus => {
                with_base(&mut self.procedures);
                match Flag::Text(value.clone()).parse() {
                    Ok(true) => self.procedures.push("activity_outside_status".into()),
                    Ok(false) => {}
                    Err(_) if value.trim().is_empty() => {}
                    // Named as typed, so the list's error says what was not understood.
                    Err(_) => self.procedures.push(format!("{ACTIVITY_TYPED}{}", value.trim())),
                }
            }
            Field::Nationality => self.nationality = value,
            Field::BirthDate => self.birth_date = value,
            Field::Name => self.name = value,
            Field::Sex => self.sex = value,
            Field::Married => self.married = flag(value),
            Field::Occupation => self.occupation = value,
            Field::HomeCountryAddress => self.home_country_address = value,
            Field::Postcode => self.postcode = value,
            Field::Prefecture => self.prefecture = value,
            Field::City => self.city = value,
            Field::Street => self.street = value,
            Field::Telephone => self.telephone = value,
            Field::Mobile => self.mobile = value,
            Field::Email => self.email = value,
            Field::PassportNumber => self.passport_number = value,
            Field::PassportExpiry => self.passport_expiry = value,
            Field::StatusOfResidence => self.status_of_residence = value,
            Field::PeriodOfStay => self.period_of_stay = value,
            Field::ExpiryDate => self.expiry_date = value,
            Field::ResidenceCardNumber => self.residence_card_number = value,
            Field::DesiredStatusOfResidence => self.desired_status_of_residence = value,
            Field::DesiredPeriodOfStay => self.desired_period_of_stay = value,
            Field::Reason => self.reason = value,
            Field::WorkActivity => self.work_activity = value,
            Field::WorkFrom => self.work_from = value,
            Field::WorkUntil => self.work_until = value,
            Field::EntryDate => self.entry_date = value,
            Field::PortOfEntry => self.port_of_entry = value,
            Field::Companions => self.companions = value,
            Field::VisaPost => self.visa_post = value,
            Field::PastEntries => self.past_entries = value,
            Field::AcquisitionCause => self.acquisition_cause = value,
            Field::AcquisitionDate => self.acquisition_date = value,
            Field::CriminalRecord => self.criminal_record = flag(value),
            Field::CriminalRecordDetails => self.criminal_record_details = value,
            Field::RelativesInJapan => self.relatives_in_japan = flag(value),
            // Row by row: [`RelativeInput::set`].
            Field::Relatives => {}
            Field::ReceiptMethod => self.receipt_method = value,
            Field::ReceivingOffice => self.receiving_office = value,
            Field::NoticeEmail => self.notice_email = value,
            Field::KanjiNamePetition => self.kanji_name_petition = flag(value),
            Field::InJapan => self.in_japan = flag(value),
            Field::ApplicantRequested => self.applicant_requested = flag(value),
        }
    }

    /// Fills an input from text by key (a posted page, a blanket row): every entered field, then the
    /// relatives' rows, `rows` of them, of which those left empty are left out.
    pub fn from_entered(value: impl Fn(&str) -> String, rows: usize) -> ApplicationInput {
        let mut input = ApplicationInput { procedure: value(Field::Procedure.key()), ..ApplicationInput::default() };
        for field in Field::entered() {
            input.set(field, value(field.key()));
        }
        input.relatives = (0..rows.min(super::ApplicationForm::MAX_RELATIVES))
            .map(|i| {
                let mut r = RelativeInput::default();
                for f in RelativeField::ALL {
                    r.set(f, value(&f.key(i)));
                }
                r
            })
            .filter(|r| !r.is_blank())
            .collect();
        input
    }
}

impl RelativeInput {
    pub fn value(&self, field: RelativeField) -> String {
        match field {
            RelativeField::Relationship => self.relationship.clone(),
            RelativeField::Name => self.name.clone(),
            RelativeField::BirthDate => self.birth_date.clone(),
            RelativeField::Nationality => self.nationality.clone(),
            RelativeField::LivingTogether => flag_text(&self.living_together),
            RelativeField::WorkplaceOrSchool => self.workplace_or_school.clone(),
            RelativeField::ResidenceCardNumber => self.residence_card_number.clone(),
        }
    }

    pub fn set(&mut self, field: RelativeField, value: String) {
        match field {
            RelativeField::Relationship => self.relationship = value,
            RelativeField::Name => self.name = value,
            RelativeField::BirthDate => self.birth_date = value,
            RelativeField::Nationality => self.nationality = value,
            RelativeField::LivingTogether => self.living_together = Flag::Text(value),
            RelativeField::WorkplaceOrSchool => self.workplace_or_school = value,
            RelativeField::ResidenceCardNumber => self.residence_card_number = value,
        }
    }

    /// A row where nothing was typed.
    pub fn is_blank(&self) -> bool {
        RelativeField::ALL.into_iter().all(|f| self.value(f).trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{application_input, relative_input};
    use crate::form::ApplicationForm;
    use crate::jst::d;

    fn messages(input: &ApplicationInput, field: &str) -> (String, String) {
        let v = ApplicationForm::parse(input, d("2026-11-27")).expect_err("refused");
        let v = v.for_field(field).next().unwrap_or_else(|| panic!("{field}: {v:?}")).clone();
        (v.message_ja, v.message_en)
    }

    /// Every field a person enters is in one part of the form, and the parts keep the agency's order.
    #[test]
    fn every_entered_field_is_in_one_part_in_order() {
        let in_parts: Vec<Field> = Section::ALL.iter().flat_map(|s| s.fields().iter().copied()).collect();
        let mut entered: Vec<Field> = Field::entered().collect();
        let mut sorted = in_parts.clone();
        entered.sort_by_key(|f| f.key());
        sorted.sort_by_key(|f| f.key());
        assert_eq!(sorted, entered, "each entered field once");
        assert_eq!(Section::of(Field::Relatives), Some(Section::Relatives));
        assert_eq!(Section::of(Field::Procedures), Some(Section::Procedures));
        assert_eq!(Section::of(Field::Procedure), None);
        let anchors: std::collections::HashSet<_> = Section::ALL.iter().map(|s| s.anchor()).collect();
        assert_eq!(anchors.len(), Section::ALL.len());
    }

    /// A message names its field and says what to do, in both languages; an English message is a sentence.
    #[test]
    fn messages_name_their_field_and_what_to_do() {
        let mut input = application_input();
        input.postcode = String::new();
        assert_eq!(messages(&input, "postcode").1, "Enter the postcode.");
        input.postcode = "1234".into();
        assert_eq!(messages(&input, "postcode").1, "Postcode must be 7 digits, like 1000013 or 100-0013.");
        assert!(messages(&input, "postcode").0.starts_with("郵便番号は7桁の数字"));
        input.city = String::new();
        assert_eq!(messages(&input, "city"), ("市区町村を入力してください。".into(), "Enter the city.".into()));
        input.married = Flag::Text("maybe".into());
        assert_eq!(
            messages(&input, "married"),
            ("配偶者の有無：「はい」か「いいえ」から選んでください。".into(), "Married: choose Yes or No.".into())
        );
        input.occupation = "x".repeat(61);
        assert_eq!(messages(&input, "occupation").1, "Occupation must be at most 60 characters (got 61).");
        assert!(messages(&input, "occupation").0.starts_with("職業：60文字以内"));
        input.status_of_residence = String::new();
        assert_eq!(messages(&input, "status_of_residence").1, "Choose the current status of residence.");
        input.relatives_in_japan = Flag::Text("有".into());
        input.relatives = vec![RelativeInput { name: String::new(), ..relative_input() }];
        assert_eq!(
            messages(&input, "relatives[0].name"),
            ("親族・同居者1の氏名を入力してください。".into(), "Enter the name of relative 1.".into())
        );
    }

    fn failing(input: &ApplicationInput) -> Vec<String> {
        match ApplicationForm::parse_offering(input, d("2026-11-27"), &crate::procedure::Procedure::ALL) {
            Ok(_) => Vec::new(),
            Err(v) => v.0.0.into_iter().map(|x| x.field).collect(),
        }
    }

    fn with_relative() -> ApplicationInput {
        let mut input = application_input();
        input.relatives_in_japan = Flag::Text("有".into());
        input.relatives = vec![relative_input()];
        input
    }

    #[test]
    fn keys_are_unique_and_read_back() {
        let mut keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Field::ALL.len());
        for f in Field::ALL {
            assert_eq!(Field::of_key(f.key()), Some(f));
        }
        for f in RelativeField::ALL {
            assert_eq!(RelativeField::of_key(&f.key(5)), Some((5, f)));
            assert_eq!(RelativeField::of_key(&f.key(6)), None, "six rows at most");
        }
        assert_eq!(Field::of_key("nationalty"), None);
    }

    /// Every free-text field takes exactly as many characters as the registry says: the parser's own limit.
    #[test]
    fn every_text_limit_is_the_parser_s() {
        assert!(failing(&with_relative()).is_empty(), "{:?}", failing(&with_relative()));
        let mut checked = 0;
        for field in Field::ALL {
            let Some(limit) = field.spec().limit() else { continue };
            for (n, fails) in [(limit, false), (limit + 1, true)] {
                // A work certificate's field on a work certificate's form.
                let mut input = if field.applies_to(crate::procedure::Procedure::Extension) {
                    with_relative()
                } else if field.applies_to(crate::procedure::Procedure::WorkCertificate) {
                    crate::fixtures::work_certificate_input()
                } else {
                    crate::fixtures::eligibility_input()
                };
                // Criminal details are read only when there is a record.
                if field == Field::CriminalRecordDetails {
                    input.criminal_record = Flag::Text("有".into());
                }
                input.set(field, "A".repeat(n));
                assert_eq!(failing(&input).contains(&field.key().to_owned()), fails, "{field:?} at {n}");
            }
            checked += 1;
        }
        for field in RelativeField::ALL {
            let Some(limit) = field.spec().limit() else { continue };
            for (n, fails) in [(limit, false), (limit + 1, true)] {
                let mut input = with_relative();
                input.relatives[0].set(field, "A".repeat(n));
                assert_eq!(failing(&input).contains(&field.key(0)), fails, "{field:?} at {n}");
            }
            checked += 1;
        }
        assert_eq!(checked, 18);
    }

    /// What the parser reports is always a field of the registry (or the organization, which no one types).
    #[test]
    fn the_parser_names_only_registry_fields() {
        let mut inputs = vec![ApplicationInput::default(), with_relative()];
        let mut bad = with_relative();
        for f in RelativeField::ALL {
            bad.relatives[0].set(f, "\u{202e}?".into());
        }
        for f in Field::ALL {
            bad.set(f, "\u{202e}?".into());
        }
        inputs.push(bad);
        let mut many = with_relative();
        many.relatives = vec![relative_input(); 7];
        inputs.push(many);
        let mut seen = 0;
        for input in &inputs {
            for key in failing(input) {
                assert!(
                    Field::of_key(&key).is_some() || RelativeField::of_key(&key).is_some(),
                    "{key} is not in the registry"
                );
                seen += 1;
            }
        }
        assert!(seen > 30, "{seen}");
    }

    /// Text read by key, as a page posts it or a blanket row holds it, makes the same input again.
    #[test]
    fn value_and_set_are_one_map() {
        let mut input = with_relative();
        input.procedures = vec!["extension".into(), "re_entry_multiple".into(), "activity_outside_status".into()];
        input.married = Flag::Bool(true);
        let by_key = |key: &str| {
            Field::of_key(key).map(|f| input.value(f)).unwrap_or_else(|| {
                let (i, f) = RelativeField::of_key(key).unwrap();
                input.relatives.get(i).map(|r| r.value(f)).unwrap_or_default()
            })
        };
        let again = ApplicationInput::from_entered(by_key, 3);
        for f in Field::ALL {
            assert_eq!(again.value(f), input.value(f), "{f:?}");
        }
        assert_eq!(again.relatives, input.relatives);
        let today = d("2026-11-27");
        assert_eq!(ApplicationForm::parse(&again, today), ApplicationForm::parse(&input, today));
        assert!(ApplicationForm::parse(&again, today).is_ok());
        // The re-entry question in the template's words and the page's codes.
        for (typed, list) in [
            ("一回限り", vec!["extension", "re_entry_single"]),
            ("multiple", vec!["extension", "re_entry_multiple"]),
            ("なし", vec!["extension"]),
            ("", vec!["extension"]),
            ("twice", vec!["extension", "re_entry=twice"]),
        ] {
            let mut i = ApplicationInput::default();
            i.set(Field::ReEntry, typed.into());
            assert_eq!(i.procedures, list, "{typed}");
        }
        let mut i = ApplicationInput::default();
        i.set(Field::ActivityOutsideStatus, "maybe".into());
        assert_eq!(i.procedures, ["extension", "activity_outside_status=maybe"]);
        // Each answer that is none of its choices is its own question's error, named as such.
        let mut wrong = application_input();
        wrong.set(Field::ReEntry, "twice".into());
        wrong.set(Field::ActivityOutsideStatus, "maybe".into());
        let v = ApplicationForm::parse(&wrong, d("2026-11-27")).unwrap_err();
        let fields: Vec<_> = v.iter().map(|x| (x.field.as_str(), x.rule)).collect();
        assert_eq!(fields, [("re_entry", "choice.re_entry"), ("activity_outside_status", "choice.yes_no")]);
        i.set(Field::Procedures, "extension, re_entry_single".into());
        assert_eq!(i.value(Field::Procedures), "extension,re_entry_single");
        assert_eq!(i.value(Field::ReEntry), "single");
        assert_eq!(i.value(Field::ActivityOutsideStatus), "no");
        // Blank rows are left out; a row with anything typed is kept.
        let rows =
            ApplicationInput::from_entered(|k| if k == "relatives[1].name" { "X".into() } else { String::new() }, 3);
        assert_eq!(rows.relatives.len(), 1);
        assert_eq!(rows.relatives[0].name, "X");
    }

    #[test]
    fn a_spec_says_whether_it_is_required_and_its_hint() {
        assert!(Field::Name.spec().required());
        assert!(!Field::Email.spec().required(), "optional");
        assert!(!Field::Telephone.spec().required(), "one of two phones: neither alone");
        assert!(!Field::CriminalRecordDetails.spec().required(), "only if yes");
        assert!(Field::Name.spec().hint.is_some_and(|(ja, en)| ja.contains("NGUYEN") && en.contains("commas")));
        assert_eq!(Field::Nationality.spec().hint, None);
        assert_eq!(Field::Reason.spec().limit(), Some(1000));
        assert_eq!(Field::BirthDate.spec().limit(), None);
    }

    #[test]
    fn the_permissions_are_entered_one_by_one_with_the_extension_once() {
        let mut i = ApplicationInput::default();
        i.set(Field::ReEntry, "single".into());
        i.set(Field::ActivityOutsideStatus, "yes".into());
        assert_eq!(i.procedures, ["extension", "re_entry_single", "activity_outside_status"]);
        let mut i = ApplicationInput::default();
        i.set(Field::ReEntry, "none".into());
        i.set(Field::ActivityOutsideStatus, "no".into());
        assert_eq!(i.procedures, ["extension"], "the extension once, however many questions are answered no");
        for blank in ["", "  "] {
            let mut i = ApplicationInput::default();
            i.set(Field::ActivityOutsideStatus, blank.into());
            assert_eq!(i.procedures, ["extension"], "{blank:?} is no answer, not a wrong one");
        }
    }

    #[test]
    fn the_api_s_lists_are_entered_as_their_questions() {
        assert_eq!(Field::Procedures.entered_as(), Field::ReEntry);
        assert_eq!(Field::Relatives.entered_as(), Field::RelativesInJapan);
        assert_eq!(Field::Name.entered_as(), Field::Name);
        let entered: Vec<Field> = Field::entered().collect();
        assert!(!entered.contains(&Field::Procedure) && !entered.contains(&Field::Procedures));
        assert!(!entered.contains(&Field::Relatives));
        assert_eq!(entered.len(), Field::ALL.len() - 3);
        assert_eq!(Field::Street.spec().ja, "町名・番地・建物名");
    }
}
