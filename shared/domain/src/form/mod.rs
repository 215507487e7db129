//! The extension-of-period-of-stay application form, as the agency's form asks it (fields and limits in
//! the agency's order), and its parser.
//!
//! [`ApplicationInput`] is what a user typed, as text: the JSON API and the blanket Excel rows both fill it,
//! so single entry and blanket input share this one parser and its rules. [`ApplicationForm::parse`]
//! reports every failing field at once.

pub mod field;

use serde::{Deserialize, Serialize};

pub use crate::prefecture::{PREFECTURES, Prefecture};
pub use field::{Field, RelativeField};

use crate::choice;
use crate::error::{Collector, Language, Localized, Text, Violations};
use crate::jst::JstDate;
use crate::office::Office;
use crate::period::PeriodOfStay;
use crate::status::ReceiptMethod;
use crate::status_of_residence::StatusOfResidence;
use crate::values::{EmailAddress, NameOnCard, PassportNumber, ResidenceCardNumber};

/// A yes/no answer as typed: a JSON boolean, or 有/無, はい/いいえ, yes/no, true/false, 1/0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Flag {
    Bool(bool),
    Text(String),
}

impl Default for Flag {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

/// An answer that is none of a question's choices. The messages list the page's words; a blanket row's
/// error lists the template's (the reader words it so).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    #[error("Choose {}.", choice::listed(choice::YES_NO, Language::En))]
    YesNo,
    #[error("Choose {}.", choice::listed(choice::SEX, Language::En))]
    Sex,
    #[error("Choose how the residence card is received: at the counter or by post.")]
    ReceiptMethod,
    #[error("Choose {}.", choice::listed(choice::RE_ENTRY, Language::En))]
    ReEntry,
    #[error("Choose how the certificate is received: by e-mail or by post.")]
    CertificateDelivery,
    #[error("Choose {}.", choice::listed(choice::ACQUISITION_CAUSE, Language::En))]
    Cause,
}

impl ChoiceError {
    /// The answers of the question this error is about.
    pub fn choices(&self) -> &'static [choice::Choice] {
        match self {
            Self::YesNo => choice::YES_NO,
            Self::Sex => choice::SEX,
            Self::ReceiptMethod => choice::RECEIPT_METHOD,
            Self::ReEntry => choice::RE_ENTRY,
            Self::CertificateDelivery => choice::CERTIFICATE_DELIVERY,
            Self::Cause => choice::ACQUISITION_CAUSE,
        }
    }
}

impl Localized for ChoiceError {
    fn rule(&self) -> &'static str {
        match self {
            Self::YesNo => "choice.yes_no",
            Self::Sex => "choice.sex",
            Self::ReceiptMethod => "choice.receipt_method",
            Self::ReEntry => "choice.re_entry",
            Self::CertificateDelivery => "choice.certificate_delivery",
            Self::Cause => "choice.acquisition_cause",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::ReceiptMethod => "在留カードの受け取り方（窓口か郵送）を選んでください。".into(),
            Self::CertificateDelivery => "証明書の受け取り方（メールか郵送）を選んでください。".into(),
            other => format!("{}から選んでください。", choice::listed(other.choices(), Language::Ja)),
        }
    }
}

impl Flag {
    pub fn parse(&self) -> Result<bool, ChoiceError> {
        match self {
            Self::Bool(b) => Ok(*b),
            Self::Text(t) => match choice::find(choice::YES_NO, t) {
                Some(c) => Ok(c.code == "yes"),
                None => Err(ChoiceError::YesNo),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn parse(input: &str) -> Result<Self, ChoiceError> {
        match choice::find(choice::SEX, input).map(|c| c.code) {
            Some("male") => Ok(Self::Male),
            Some("female") => Ok(Self::Female),
            _ => Err(ChoiceError::Sex),
        }
    }
}

/// Re-entry permission filed together with the extension (Q4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReEntry {
    Single,
    Multiple,
}

/// The permissions asked for in one application. The extension of the period of stay is always there:
/// re-entry permission and permission for activity outside status are accepted online only together with
/// it (Q4, Q24), so a value of this type cannot represent them alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Procedures {
    pub re_entry: Option<ReEntry>,
    pub activity_outside_status: bool,
}

impl Procedures {
    pub const EXTENSION_ONLY: Self = Self { re_entry: None, activity_outside_status: false };

    /// Whether a re-entry or activity permission is attached to the extension.
    pub fn has_attachment(self) -> bool {
        self.re_entry.is_some() || self.activity_outside_status
    }
}

/// A permission attached to the extension, which can be withdrawn on its own (Q49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attachment {
    ReEntry,
    ActivityOutsideStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    #[error(
        "re-entry permission and permission for activity outside status can be filed online only together with an extension of the period of stay"
    )]
    WithoutExtension,
    #[error("{0:?} is not a procedure: use extension, re_entry_single, re_entry_multiple or activity_outside_status")]
    Unknown(String),
    #[error("name the procedures: at least the extension of the period of stay")]
    Required,
    #[error("choose single or multiple re-entry permission, not both")]
    TwoReEntries,
}

impl Localized for ProcedureError {
    fn rule(&self) -> &'static str {
        match self {
            Self::WithoutExtension => "procedures.without_extension",
            Self::Unknown(_) => "procedures.unknown",
            Self::Required => "procedures.required",
            Self::TwoReEntries => "procedures.two_re_entries",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::WithoutExtension => "再入国許可申請及び資格外活動許可申請は、在留期間更新許可申請と同時に行う場合に限りオンラインで受け付けます。".into(),
            Self::Unknown(s) => format!("「{s}」は申請の種類として認識できません。"),
            Self::Required => "申請の種類（少なくとも在留期間更新許可申請）を指定してください。".into(),
            Self::TwoReEntries => "再入国許可は一回限りか数次のどちらか一方を選択してください。".into(),
        }
    }
}

impl Procedures {
    /// Reads the list of procedures asked for: `extension`, `re_entry_single`, `re_entry_multiple`,
    /// `activity_outside_status`.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, ProcedureError> {
        if names.is_empty() {
            return Err(ProcedureError::Required);
        }
        let mut extension = false;
        let mut p = Self::EXTENSION_ONLY;
        for name in names {
            let re_entry = |p: &mut Self, r| {
                if p.re_entry.is_some_and(|x| x != r) {
                    return Err(ProcedureError::TwoReEntries);
                }
                p.re_entry = Some(r);
                Ok(())
            };
            match name.as_ref().trim() {
                "extension" => extension = true,
                "re_entry_single" => re_entry(&mut p, ReEntry::Single)?,
                "re_entry_multiple" => re_entry(&mut p, ReEntry::Multiple)?,
                "activity_outside_status" => p.activity_outside_status = true,
                other => return Err(ProcedureError::Unknown(other.to_owned())),
            }
        }
        if !extension {
            return Err(ProcedureError::WithoutExtension);
        }
        Ok(p)
    }

    /// What is applied for, in words (Japanese, English): the procedure, then each permission filed with it.
    pub fn labels(self, procedure: crate::procedure::Procedure) -> Vec<(&'static str, &'static str)> {
        let mut v = vec![(procedure.label_ja(), procedure.label_en())];
        match self.re_entry {
            Some(ReEntry::Single) => v.push(("再入国許可（1回限り）", "Re-entry permission (single)")),
            Some(ReEntry::Multiple) => v.push(("再入国許可（数次）", "Re-entry permission (multiple)")),
            None => {}
        }
        if self.activity_outside_status {
            v.push(("資格外活動許可", "Permission for activity outside status"));
        }
        v
    }

    pub fn names(self) -> Vec<&'static str> {
        let mut v = vec!["extension"];
        match self.re_entry {
            Some(ReEntry::Single) => v.push("re_entry_single"),
            Some(ReEntry::Multiple) => v.push("re_entry_multiple"),
            None => {}
        }
        if self.activity_outside_status {
            v.push("activity_outside_status");
        }
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("Postcode must be 7 digits, like 1000013 or 100-0013.")]
    Postcode,
    #[error("A telephone number must be 10 or 11 digits starting with 0, like 0312345678 or 090-1234-5678.")]
    Phone,
    #[error("Enter a telephone or a mobile number.")]
    PhoneRequired,
    #[error("Date of birth must be before today.")]
    BirthDateInFuture,
    #[error("The passport has expired: enter the expiry date of a valid passport.")]
    PassportExpired,
    #[error("Enter the details of the criminal record.")]
    CriminalDetailsRequired,
    #[error(
        "Details of a criminal record are entered, but the answer to the criminal record is No: clear the details or answer Yes."
    )]
    CriminalDetailsWithoutRecord,
    #[error("Enter the relatives in Japan and people living together (up to 6).")]
    RelativesRequired,
    #[error("Relatives are entered, but the answer to relatives in Japan is No: clear them or answer Yes.")]
    RelativesWithoutAnswer,
    #[error("Enter at most 6 relatives ({0} are entered).")]
    TooManyRelatives(usize),
    #[error(
        "Answer Yes only if the applicant asked for this application (the written request is kept by the organization); otherwise it cannot be filed."
    )]
    RequestNotConfirmed,
    #[error("A desired status of residence is asked only for a change of status: clear it for an extension.")]
    DesiredStatusForChangeOnly,
    #[error("This is not asked in an application of this kind: clear it.")]
    NotAsked(crate::procedure::Procedure),
    #[error("The period of the work ends before it begins: enter the last day after the first.")]
    WorkPeriodReversed,
    #[error("The period of the work has ended: a certificate is for work done from now on or still going on.")]
    WorkPeriodOver,
    #[error("The date of entry must be after today: the person is to come to Japan.")]
    EntryDateNotAhead,
    #[error(
        "A certificate of eligibility for this status cannot be filed online; file it at the regional immigration office."
    )]
    StatusSoughtExcluded(StatusOfResidence),
}

impl Localized for FormError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Postcode => "postcode.format",
            Self::Phone => "phone.format",
            Self::PhoneRequired => "phone.required",
            Self::BirthDateInFuture => "birth_date.future",
            Self::PassportExpired => "passport.expired",
            Self::CriminalDetailsRequired => "criminal_record.details_required",
            Self::CriminalDetailsWithoutRecord => "criminal_record.details_without_record",
            Self::RelativesRequired => "relatives.required",
            Self::RelativesWithoutAnswer => "relatives.without_answer",
            Self::TooManyRelatives(_) => "relatives.too_many",
            Self::RequestNotConfirmed => "applicant_request.not_confirmed",
            Self::DesiredStatusForChangeOnly => "desired_status_of_residence.change_only",
            Self::NotAsked(_) => "form.not_asked",
            Self::WorkPeriodReversed => "work_period.reversed",
            Self::WorkPeriodOver => "work_period.over",
            Self::EntryDateNotAhead => "entry_date.not_ahead",
            Self::StatusSoughtExcluded(_) => "certificate_of_eligibility.status_excluded",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Postcode => "郵便番号は7桁の数字で入力してください（例：1000013 または 100-0013）。".into(),
            Self::Phone => {
                "電話番号は0で始まる10桁か11桁の数字で入力してください（例：0312345678、090-1234-5678）。".into()
            }
            Self::PhoneRequired => "電話番号または携帯電話番号を入力してください。".into(),
            Self::BirthDateInFuture => "生年月日は本日より前の日付を入力してください。".into(),
            Self::PassportExpired => "旅券の有効期限が切れています。有効な旅券の有効期限を入力してください。".into(),
            Self::CriminalDetailsRequired => "犯罪を理由とする処分の内容を入力してください。".into(),
            Self::CriminalDetailsWithoutRecord => {
                "犯罪を理由とする処分の有無が「いいえ」のときは、内容を消すか「はい」を選んでください。".into()
            }
            Self::RelativesRequired => "在日親族・同居者を入力してください（6名まで）。".into(),
            Self::RelativesWithoutAnswer => {
                "在日親族及び同居者の有無が「いいえ」のときは、入力した親族を消すか「はい」を選んでください。".into()
            }
            Self::TooManyRelatives(n) => {
                format!("在日親族・同居者は6名まで入力してください（{n}名入力されています）。")
            }
            Self::RequestNotConfirmed => {
                "申請人から依頼を受けている場合に限り「はい」を選んでください。依頼がなければ申請できません。".into()
            }
            Self::DesiredStatusForChangeOnly => {
                "希望する在留資格は在留資格変更許可申請でのみ入力します。在留期間更新許可申請では消してください。"
                    .into()
            }
            Self::NotAsked(p) => format!("{}では入力しません。消してください。", p.label_ja()),
            Self::WorkPeriodReversed => {
                "就労する期間の終了日が開始日より前です。開始日以後の日付を入力してください。".into()
            }
            Self::WorkPeriodOver => {
                "就労する期間が既に終わっています。これからの就労又は続いている就労について申請してください。".into()
            }
            Self::EntryDateNotAhead => "入国予定年月日は本日より後の日付を入力してください。".into(),
            Self::StatusSoughtExcluded(s) => format!(
                "在留資格「{}」の在留資格認定証明書交付申請はオンラインでできません。地方出入国在留管理官署で申請してください。",
                s.info().name_ja
            ),
        }
    }
}

/// A Japanese postcode, kept as 7 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Postcode(String);

impl Postcode {
    /// Seven digits, with or without the hyphen after the third (`100-0013`, `1000013`).
    pub fn parse(input: &str) -> Result<Self, FormError> {
        let s = crate::jst::half_width(input.trim());
        let s = s.as_str();
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        let hyphen_ok = !s.contains('-') || (s.len() == 8 && s.as_bytes().get(3) == Some(&b'-'));
        if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) || !hyphen_ok {
            return Err(FormError::Postcode);
        }
        Ok(Self(digits))
    }
}

/// As written on mail: `100-0013`.
impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b) = self.0.split_at(3.min(self.0.len()));
        write!(f, "{a}-{b}")
    }
}

/// A Japanese telephone number, kept as digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, FormError> {
        let s = crate::jst::half_width(input.trim());
        let s = s.as_str();
        if !s.bytes().all(|b| b.is_ascii_digit() || b == b'-') || s.starts_with('-') || s.ends_with('-') {
            return Err(FormError::Phone);
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if !(10..=11).contains(&digits.len()) || !digits.starts_with('0') {
            return Err(FormError::Phone);
        }
        Ok(Self(digits))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One relative in Japan, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RelativeInput {
    pub relationship: String,
    pub name: String,
    pub birth_date: String,
    pub nationality: String,
    pub living_together: Flag,
    pub workplace_or_school: String,
    pub residence_card_number: String,
}

/// The application as typed. Every field is text (or a yes/no flag) so that a JSON body and a row of a
/// blanket file fill it alike; an empty text means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationInput {
    /// The procedure (`extension`; empty: an extension, as before procedures had a name).
    pub procedure: String,
    /// The procedures filed with it: `extension`, and `re_entry_single`, `re_entry_multiple`,
    /// `activity_outside_status` alongside.
    pub procedures: Vec<String>,
    pub nationality: String,
    pub birth_date: String,
    pub name: String,
    pub sex: String,
    pub married: Flag,
    pub occupation: String,
    pub home_country_address: String,
    pub postcode: String,
    pub prefecture: String,
    pub city: String,
    pub street: String,
    pub telephone: String,
    pub mobile: String,
    pub email: String,
    pub passport_number: String,
    pub passport_expiry: String,
    pub status_of_residence: String,
    pub period_of_stay: String,
    pub expiry_date: String,
    pub residence_card_number: String,
    /// A change of status's: the status asked for (by its code or its name); empty for an extension.
    pub desired_status_of_residence: String,
    pub desired_period_of_stay: String,
    pub reason: String,
    /// A work certificate's: the activity to certify and the period of the work.
    pub work_activity: String,
    pub work_from: String,
    pub work_until: String,
    /// A certificate of eligibility's planned entry.
    pub entry_date: String,
    pub port_of_entry: String,
    pub companions: String,
    pub visa_post: String,
    pub past_entries: String,
    /// An acquisition's cause and the day of the event.
    pub acquisition_cause: String,
    pub acquisition_date: String,
    pub criminal_record: Flag,
    pub criminal_record_details: String,
    pub relatives_in_japan: Flag,
    pub relatives: Vec<RelativeInput>,
    pub receipt_method: String,
    pub receiving_office: String,
    pub notice_email: String,
    pub kanji_name_petition: Flag,
    pub in_japan: Flag,
    pub applicant_requested: Flag,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AddressInJapan {
    pub postcode: Postcode,
    pub prefecture: Prefecture,
    pub city: Text<120>,
    pub street: Text<120>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Relative {
    pub relationship: Text<20>,
    pub name: Text<80>,
    pub birth_date: JstDate,
    pub nationality: Text<60>,
    pub living_together: bool,
    pub workplace_or_school: Option<Text<120>>,
    pub residence_card_number: Option<ResidenceCardNumber>,
}

/// The applicant's stay as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CurrentStay {
    pub status: StatusOfResidence,
    pub period: PeriodOfStay,
    pub expiry: JstDate,
    pub card_number: ResidenceCardNumber,
}

/// A parsed, consistent application form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApplicationForm {
    /// What is applied for (stored forms from before procedures had a name are extensions).
    #[serde(default)]
    pub procedure: crate::procedure::Procedure,
    pub procedures: Procedures,
    pub nationality: Text<60>,
    pub birth_date: JstDate,
    pub name: NameOnCard,
    pub sex: Sex,
    pub address: AddressInJapan,
    pub telephone: Option<PhoneNumber>,
    pub mobile: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub passport_number: PassportNumber,
    pub passport_expiry: JstDate,
    /// The stay of a resident (a card holder on the List); `None` for a person abroad, who has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stay: Option<CurrentStay>,
    /// An extension's or a change's reason; a work certificate's purpose of use.
    pub reason: Text<1000>,
    /// How what is issued (a card, a certificate) is received.
    pub receipt_method: ReceiptMethod,
    pub receiving_office: Office,
    /// Where the applicant receives the receipt numbers (Q33).
    pub notice_email: EmailAddress,
    /// The applicant is in Japan (Q35).
    pub in_japan: bool,
    /// The procedure's own part (stored forms of before it had a name are a stay's: its fields were the
    /// form's own, and still sit beside them).
    #[serde(flatten)]
    pub part: ProcedurePart,
}

/// The part of the form only some procedures ask: a stay's (an extension, a change of status) or a work
/// certificate's. A form holds the part of its own procedure, the parser sees to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ProcedurePart {
    Stay(StayPart),
    Work(WorkPart),
}

/// What an application for a stay asks beyond the common part (the agency's forms for an extension and a
/// change of status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StayPart {
    pub married: bool,
    pub occupation: Text<60>,
    pub home_country_address: Text<120>,
    /// A change of status's or a certificate of eligibility's: the status asked for (`None` for an
    /// extension).
    #[serde(default)]
    pub desired_status: Option<StatusOfResidence>,
    /// The period asked for; a certificate of eligibility's intended length of stay.
    pub desired_period_of_stay: PeriodOfStay,
    /// `None`: no criminal record.
    pub criminal_record: Option<Text<400>>,
    /// Empty: no relatives in Japan.
    pub relatives: Vec<Relative>,
    /// The applicant asks for the kanji name to be added to the card (Q57).
    pub kanji_name_petition: bool,
    /// A certificate of eligibility's: the entry planned (`None` for a resident's stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<Box<EntryPlan>>,
    /// An acquisition's: why a status is needed now, and since when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquisition: Option<Acquired>,
}

/// What makes an acquisition of status: the cause (birth in Japan, loss of Japanese nationality, another
/// cause of the article) and the day of the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Acquired {
    pub cause: crate::acquisition::AcquisitionCause,
    pub event_date: JstDate,
}

/// The entry a person abroad plans, as the certificate of eligibility's form asks it (`oras-today.md` §2,
/// P16), with the organization's part: the activity they come for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EntryPlan {
    /// After the filing day.
    pub entry_date: JstDate,
    pub port_of_entry: Text<60>,
    /// `None`: no one comes with them.
    pub companions: Option<Text<400>>,
    /// Where the visa will be applied for (a Japanese embassy or consulate).
    pub visa_post: Text<60>,
    /// `None`: never in Japan before; else how many times and the latest.
    pub past_entries: Option<Text<200>>,
    /// The organization's part: the activity in Japan (the work or study, and where).
    pub activity: Text<400>,
}

/// Who an application is for, as the store keeps one person's applications together and allows one open at a
/// time: a resident by the residence card, a person abroad by the passport (its number with the
/// nationality, as passports are numbered by each country).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersonKey {
    Card(ResidenceCardNumber),
    Passport { nationality: String, number: PassportNumber },
}

impl PersonKey {
    /// A passport's key: the nationality by its code where known (so 「ベトナム」 and "Viet Nam" are one), else
    /// as written, in capitals without spaces.
    pub fn passport(nationality: &str, number: &PassportNumber) -> Self {
        let nationality = match crate::nationality::find(nationality) {
            Some(c) => c.code.to_owned(),
            None => nationality.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect(),
        };
        Self::Passport { nationality, number: number.clone() }
    }
}

impl std::fmt::Display for PersonKey {
    /// A card's key is the card number (as every key of it already stored is); a passport's cannot be
    /// taken for one (a card number has no `-`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Card(card) => write!(f, "{card}"),
            Self::Passport { nationality, number } => write!(f, "PASSPORT-{nationality}-{number}"),
        }
    }
}

/// What a certificate of authorized employment is asked to certify (the agency's form: the activity, the
/// period of the work; its purpose of use is the form's reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WorkPart {
    /// The work to certify: the employer and what the work is.
    pub work_activity: Text<400>,
    pub work_from: JstDate,
    /// Within the period of stay (the certificate certifies what the stay allows).
    pub work_until: JstDate,
}

fn optional<T, E>(input: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if input.trim().is_empty() { Ok(None) } else { parse(input).map(Some) }
}

impl ApplicationForm {
    pub const MAX_RELATIVES: usize = 6;

    /// The stay's part, for an extension or a change of status.
    pub fn stay_part(&self) -> Option<&StayPart> {
        match &self.part {
            ProcedurePart::Stay(s) => Some(s),
            ProcedurePart::Work(_) => None,
        }
    }

    /// The work certificate's part.
    pub fn work_part(&self) -> Option<&WorkPart> {
        match &self.part {
            ProcedurePart::Work(w) => Some(w),
            ProcedurePart::Stay(_) => None,
        }
    }

    /// Who the application is for: the resident's card, or the passport of a person abroad.
    pub fn person_key(&self) -> PersonKey {
        match &self.stay {
            Some(stay) => PersonKey::Card(stay.card_number.clone()),
            None => PersonKey::passport(self.nationality.as_str(), &self.passport_number),
        }
    }

    /// A resident's residence card number (a person abroad has none).
    pub fn card(&self) -> Option<&ResidenceCardNumber> {
        self.stay.as_ref().map(|s| &s.card_number)
    }

    /// A certificate of eligibility's planned entry.
    pub fn entry(&self) -> Option<&EntryPlan> {
        self.stay_part().and_then(|s| s.entry.as_deref())
    }

    /// The period of stay asked for (none for a certificate).
    pub fn desired_period(&self) -> Option<PeriodOfStay> {
        self.stay_part().map(|s| s.desired_period_of_stay)
    }

    /// The status asked for by a change of status.
    pub fn desired_status(&self) -> Option<StatusOfResidence> {
        self.stay_part().and_then(|s| s.desired_status)
    }

    /// Whether the applicant asks for the kanji name on the new card (Q57; no card, no petition).
    pub fn kanji_name_petition(&self) -> bool {
        self.stay_part().is_some_and(|s| s.kanji_name_petition)
    }

    /// Parses every field and checks the fields against each other; `today` is the filing day in Japan.
    pub fn parse(input: &ApplicationInput, today: JstDate) -> Result<Self, Violations> {
        Self::parse_with_facts(input, today).map_err(|rejected| rejected.0)
    }

    /// [`Self::parse`]; with its errors, the values the eligibility rules read that did read, so that those
    /// rules are reported with the form's errors, all at once (Q36–Q39).
    pub fn parse_with_facts(input: &ApplicationInput, today: JstDate) -> Result<Self, Box<(Violations, FormFacts)>> {
        Self::parse_offering(input, today, &crate::procedure::Procedure::OFFERED)
    }

    /// [`Self::parse_with_facts`] of a form whose procedure is one of `offered` (a procedure's rules are
    /// tested so before it is offered to filers).
    pub fn parse_offering(
        input: &ApplicationInput,
        today: JstDate,
        offered: &[crate::procedure::Procedure],
    ) -> Result<Self, Box<(Violations, FormFacts)>> {
        let mut c = Collector::new();
        let procedure = c.take(Field::Procedure, crate::procedure::Procedure::parse_among(&input.procedure, offered));
        // An answer of the re-entry or the activity question that is none of its choices is that question's
        // error (the page's radio buttons, a blanket row's cell), not the API list's.
        let mut answered_wrong = false;
        for name in &input.procedures {
            if name.starts_with(field::RE_ENTRY_TYPED) {
                c.push(Field::ReEntry, &ChoiceError::ReEntry);
                answered_wrong = true;
            } else if name.starts_with(field::ACTIVITY_TYPED) {
                c.push(Field::ActivityOutsideStatus, &ChoiceError::YesNo);
                answered_wrong = true;
            }
        }
        // A certificate is filed alone: its list of permissions may be left empty (re-entry and activity go
        // with a stay's application only, and are refused on another's by `refuse_not_asked`).
        let alone = procedure.is_some_and(|p| !p.issues_card()) && input.procedures.is_empty();
        let procedures = if answered_wrong {
            None
        } else if alone {
            Some(Procedures::EXTENSION_ONLY)
        } else {
            c.take(Field::Procedures, Procedures::parse(&input.procedures))
        };
        let nationality = c.take(Field::Nationality, Text::<60>::parse(&input.nationality));
        let birth_date = c.take(Field::BirthDate, JstDate::parse(&input.birth_date));
        if birth_date.is_some_and(|b| b >= today) {
            c.push(Field::BirthDate, &FormError::BirthDateInFuture);
        }
        let name = c.take(Field::Name, NameOnCard::parse(&input.name));
        let sex = c.take(Field::Sex, Sex::parse(&input.sex));
        let postcode = c.take(Field::Postcode, Postcode::parse(&input.postcode));
        let prefecture = c.take(Field::Prefecture, Prefecture::parse(&input.prefecture));
        let city = c.take(Field::City, Text::<120>::parse(&input.city));
        let street = c.take(Field::Street, Text::<120>::parse(&input.street));
        let telephone = c.take(Field::Telephone, optional(&input.telephone, PhoneNumber::parse));
        let mobile = c.take(Field::Mobile, optional(&input.mobile, PhoneNumber::parse));
        if input.telephone.trim().is_empty() && input.mobile.trim().is_empty() {
            c.push(Field::Telephone, &FormError::PhoneRequired);
        }
        let email = c.take(Field::Email, optional(&input.email, EmailAddress::parse));
        let passport_number = c.take(Field::PassportNumber, PassportNumber::parse(&input.passport_number));
        let passport_expiry = c.take(Field::PassportExpiry, JstDate::parse(&input.passport_expiry));
        if passport_expiry.is_some_and(|e| e < today) {
            c.push(Field::PassportExpiry, &FormError::PassportExpired);
        }
        // What a form that did not name its procedure reads is an extension's.
        let kind = procedure.unwrap_or_default();
        let applicant = kind.applicant();
        let resident = applicant.is_listed();
        // A resident's stay as the card shows it; a person on no list has none (said by `refuse_not_asked`).
        let (mut status, mut period, mut expiry, mut card_number) = (None, None, None, None);
        if resident {
            status = c.take(Field::StatusOfResidence, StatusOfResidence::parse(&input.status_of_residence));
            period = c.take(Field::PeriodOfStay, PeriodOfStay::parse(&input.period_of_stay));
            expiry = c.take(Field::ExpiryDate, JstDate::parse(&input.expiry_date));
            card_number = c.take(Field::ResidenceCardNumber, ResidenceCardNumber::parse(&input.residence_card_number));
        }
        let reason = c.take(Field::Reason, Text::<1000>::parse(&input.reason));
        let method = ReceiptMethod::parse_for(&input.receipt_method, kind);
        let receipt_method = c.take(
            Field::ReceiptMethod,
            // The error of the list the procedure offers (`ReceiptMethod::choices`, as the page offers it).
            method.ok_or(if ReceiptMethod::choices(kind) == choice::CERTIFICATE_DELIVERY {
                ChoiceError::CertificateDelivery
            } else {
                ChoiceError::ReceiptMethod
            }),
        );
        let receiving_office = c.take(Field::ReceivingOffice, Office::parse(&input.receiving_office));
        let notice_email = c.take(Field::NoticeEmail, EmailAddress::parse(&input.notice_email));
        // Q35 asks a person in Japan; a person abroad is, by the procedure, not in Japan.
        let in_japan = if applicant.in_japan() { c.take(Field::InJapan, input.in_japan.parse()) } else { Some(false) };
        if c.take(Field::ApplicantRequested, input.applicant_requested.parse()) == Some(false) {
            c.push(Field::ApplicantRequested, &FormError::RequestNotConfirmed);
        }

        // The procedure's own part.
        Self::refuse_not_asked(&mut c, input, kind);
        let mut facts = FormFacts {
            procedure,
            in_japan: in_japan.filter(|_| applicant.in_japan()),
            card_number: card_number.clone(),
            name: name.clone(),
            nationality: nationality.clone(),
            birth_date,
            sex,
            status,
            period,
            expiry,
            receipt_method,
            desired_period: None,
            procedures,
            kanji_name_petition: None,
            work_until: None,
            passport_number: passport_number.clone(),
            desired_status: None,
        };
        let part = match kind {
            crate::procedure::Procedure::WorkCertificate => {
                Self::parse_work_part(&mut c, input, today, &mut facts).map(ProcedurePart::Work)
            }
            crate::procedure::Procedure::Extension
            | crate::procedure::Procedure::ChangeOfStatus
            | crate::procedure::Procedure::CertificateOfEligibility
            | crate::procedure::Procedure::Acquisition => {
                Self::parse_stay_part(&mut c, input, kind, status, today, &mut facts).map(ProcedurePart::Stay)
            }
        };
        c.finish(|| {
            Some(Self {
                procedure: procedure?,
                procedures: procedures?,
                nationality: nationality?,
                birth_date: birth_date?,
                name: name?,
                sex: sex?,
                address: AddressInJapan { postcode: postcode?, prefecture: prefecture?, city: city?, street: street? },
                telephone: telephone?,
                mobile: mobile?,
                email: email?,
                passport_number: passport_number?,
                passport_expiry: passport_expiry?,
                stay: if resident {
                    Some(CurrentStay { status: status?, period: period?, expiry: expiry?, card_number: card_number? })
                } else {
                    None
                },
                reason: reason?,
                receipt_method: receipt_method?,
                receiving_office: receiving_office?,
                notice_email: notice_email?,
                in_japan: in_japan?,
                part: part?,
            })
        })
        .map_err(|violations| Box::new((field::named(violations, input), facts)))
    }

    /// A field the form of `procedure` does not ask, answered: said at the field (an answer of "no" or
    /// "none" is no answer; a blanket template or page of the procedure has no such field at all).
    fn refuse_not_asked(c: &mut Collector, input: &ApplicationInput, procedure: crate::procedure::Procedure) {
        for f in Field::entered().filter(|f| !f.applies_to(procedure)) {
            let typed = input.value(f);
            let answered = match f.spec().kind {
                field::Kind::YesNo => !typed.trim().is_empty() && Flag::Text(typed).parse().unwrap_or(true),
                field::Kind::ReEntry => !matches!(typed.as_str(), "none" | ""),
                _ => !typed.trim().is_empty(),
            };
            if !answered {
                continue;
            }
            if f == Field::DesiredStatusOfResidence && procedure == crate::procedure::Procedure::Extension {
                c.push(f, &FormError::DesiredStatusForChangeOnly);
            } else {
                c.push(f, &FormError::NotAsked(procedure));
            }
        }
        if !field::Field::RelativesInJapan.applies_to(procedure) && !input.relatives.is_empty() {
            c.push(Field::Relatives, &FormError::NotAsked(procedure));
        }
    }

    /// An extension's or a change of status's own part.
    fn parse_stay_part(
        c: &mut Collector,
        input: &ApplicationInput,
        procedure: crate::procedure::Procedure,
        status: Option<StatusOfResidence>,
        today: JstDate,
        facts: &mut FormFacts,
    ) -> Option<StayPart> {
        let married = c.take(Field::Married, input.married.parse());
        let occupation = c.take(Field::Occupation, Text::<60>::parse(&input.occupation));
        let home_country_address = c.take(Field::HomeCountryAddress, Text::<120>::parse(&input.home_country_address));
        let desired_status = match procedure {
            crate::procedure::Procedure::CertificateOfEligibility | crate::procedure::Procedure::Acquisition => {
                let sought = c.take(
                    Field::DesiredStatusOfResidence,
                    StatusOfResidence::parse(&input.desired_status_of_residence),
                );
                if let Some(s) = sought
                    && !procedure.may_seek(None, s, Some(today))
                {
                    c.push(Field::DesiredStatusOfResidence, &FormError::StatusSoughtExcluded(s));
                }
                sought.map(Some)
            }
            crate::procedure::Procedure::ChangeOfStatus => {
                let asked = c.take(
                    Field::DesiredStatusOfResidence,
                    StatusOfResidence::parse(&input.desired_status_of_residence),
                );
                // The status held out of a change's scope is the eligibility check's to say, once, at the
                // status held (`Procedure::in_online_scope`, as the list records it); here what is asked.
                if let (Some(held), Some(asked)) = (status, asked)
                    && let Err(e) = crate::procedure::Procedure::check_change(held, asked, today)
                    && !matches!(e, crate::procedure::ChangeScopeError::HeldExcluded(_))
                {
                    c.push(Field::DesiredStatusOfResidence, &e);
                }
                asked.map(Some)
            }
            // Said by `refuse_not_asked` when typed.
            _ => Some(None),
        };
        let desired = c.take(Field::DesiredPeriodOfStay, PeriodOfStay::parse(&input.desired_period_of_stay));

        let criminal_record = match c.take(Field::CriminalRecord, input.criminal_record.parse()) {
            Some(true) if input.criminal_record_details.trim().is_empty() => {
                c.push(Field::CriminalRecordDetails, &FormError::CriminalDetailsRequired);
                None
            }
            Some(true) => {
                c.take(Field::CriminalRecordDetails, Text::<400>::parse(&input.criminal_record_details)).map(Some)
            }
            Some(false) => {
                if !input.criminal_record_details.trim().is_empty() {
                    c.push(Field::CriminalRecordDetails, &FormError::CriminalDetailsWithoutRecord);
                }
                Some(None)
            }
            None => None,
        };
        let relatives = Self::parse_relatives(c, input, today);
        let kanji_name_petition = c.take(Field::KanjiNamePetition, Self::flag_default_no(&input.kanji_name_petition));
        let entry = match procedure.applicant() {
            crate::procedure::Applicant::Abroad => Self::parse_entry(c, input, today).map(|e| Some(Box::new(e))),
            crate::procedure::Applicant::Resident | crate::procedure::Applicant::WithoutStatus => Some(None),
        };
        let acquisition = match procedure.applicant() {
            crate::procedure::Applicant::WithoutStatus => Self::parse_acquisition(c, input, today).map(Some),
            crate::procedure::Applicant::Resident | crate::procedure::Applicant::Abroad => Some(None),
        };
        facts.desired_status = desired_status.flatten();
        facts.desired_period = desired;
        facts.kanji_name_petition = kanji_name_petition;
        Some(StayPart {
            married: married?,
            occupation: occupation?,
            home_country_address: home_country_address?,
            desired_status: desired_status?,
            desired_period_of_stay: desired?,
            criminal_record: criminal_record?,
            relatives: relatives?,
            kanji_name_petition: kanji_name_petition?,
            entry: entry?,
            acquisition: acquisition?,
        })
    }

    /// An acquisition's cause and the day of the event, filed within thirty days of it (art. 22-2).
    fn parse_acquisition(c: &mut Collector, input: &ApplicationInput, today: JstDate) -> Option<Acquired> {
        let cause = c.take(
            Field::AcquisitionCause,
            crate::acquisition::AcquisitionCause::parse_typed(&input.acquisition_cause).ok_or(ChoiceError::Cause),
        );
        let event = c.take(Field::AcquisitionDate, JstDate::parse(&input.acquisition_date));
        if let Some(event) = event {
            c.take(Field::AcquisitionDate, crate::acquisition::check_filing(event, today))?;
        }
        Some(Acquired { cause: cause?, event_date: event? })
    }

    /// A certificate of eligibility's planned entry, on a day after `today`.
    fn parse_entry(c: &mut Collector, input: &ApplicationInput, today: JstDate) -> Option<EntryPlan> {
        let typed = c.take(Field::EntryDate, JstDate::parse(&input.entry_date));
        // Refused beside its field, the other fields' errors said with it.
        let entry_date = typed.filter(|d| *d > today);
        if typed.is_some() && entry_date.is_none() {
            c.push(Field::EntryDate, &FormError::EntryDateNotAhead);
        }
        let port = c.take(Field::PortOfEntry, Text::<60>::parse(&input.port_of_entry));
        let companions = c.take(Field::Companions, optional(&input.companions, Text::<400>::parse));
        let visa_post = c.take(Field::VisaPost, Text::<60>::parse(&input.visa_post));
        let past_entries = c.take(Field::PastEntries, optional(&input.past_entries, Text::<200>::parse));
        let activity = c.take(Field::WorkActivity, Text::<400>::parse(&input.work_activity));
        Some(EntryPlan {
            entry_date: entry_date?,
            port_of_entry: port?,
            companions: companions?,
            visa_post: visa_post?,
            past_entries: past_entries?,
            activity: activity?,
        })
    }

    /// A work certificate's own part: the activity, and a period of work that ends no earlier than today.
    fn parse_work_part(
        c: &mut Collector,
        input: &ApplicationInput,
        today: JstDate,
        facts: &mut FormFacts,
    ) -> Option<WorkPart> {
        let activity = c.take(Field::WorkActivity, Text::<400>::parse(&input.work_activity));
        let from = c.take(Field::WorkFrom, JstDate::parse(&input.work_from));
        let until = c.take(Field::WorkUntil, JstDate::parse(&input.work_until));
        match (from, until) {
            (Some(from), Some(until)) if until < from => {
                c.push(Field::WorkUntil, &FormError::WorkPeriodReversed);
                return None;
            }
            (_, Some(until)) if until < today => {
                c.push(Field::WorkUntil, &FormError::WorkPeriodOver);
                return None;
            }
            _ => {}
        }
        facts.work_until = until;
        Some(WorkPart { work_activity: activity?, work_from: from?, work_until: until? })
    }

    /// The form as typed again: what [`Self::parse`] reads back to this same form (the check page's
    /// "change" opens the form with every answer kept).
    pub fn input(&self) -> ApplicationInput {
        let text = |o: Option<&dyn std::fmt::Display>| o.map_or_else(String::new, |v| v.to_string());
        let sex = match self.sex {
            Sex::Male => "male",
            Sex::Female => "female",
        };
        let mut input = ApplicationInput {
            procedure: self.procedure.code().to_owned(),
            procedures: self.procedures.names().into_iter().map(str::to_owned).collect(),
            nationality: self.nationality.to_string(),
            birth_date: self.birth_date.to_string(),
            name: self.name.to_string(),
            sex: sex.to_owned(),
            postcode: self.address.postcode.to_string(),
            prefecture: self.address.prefecture.as_str().to_owned(),
            city: self.address.city.to_string(),
            street: self.address.street.to_string(),
            telephone: self.telephone.as_ref().map_or_else(String::new, |p| p.as_str().to_owned()),
            mobile: self.mobile.as_ref().map_or_else(String::new, |p| p.as_str().to_owned()),
            email: text(self.email.as_ref().map(|e| e as &dyn std::fmt::Display)),
            passport_number: self.passport_number.to_string(),
            passport_expiry: self.passport_expiry.to_string(),
            reason: self.reason.to_string(),
            receipt_method: self.receipt_method.code().to_owned(),
            receiving_office: self.receiving_office.code().to_owned(),
            notice_email: self.notice_email.to_string(),
            in_japan: Flag::Bool(self.in_japan),
            // Confirmed when it was entered: a form that parsed had it.
            applicant_requested: Flag::Bool(true),
            ..ApplicationInput::default()
        };
        if let Some(stay) = &self.stay {
            input.status_of_residence = stay.status.code().to_owned();
            input.period_of_stay = stay.period.to_string();
            input.expiry_date = stay.expiry.to_string();
            input.residence_card_number = stay.card_number.to_string();
        }
        if !self.procedure.applicant().in_japan() {
            // Not asked of a person abroad (what the parser reads back).
            input.in_japan = Flag::default();
        }
        match &self.part {
            ProcedurePart::Stay(p) => {
                input.married = Flag::Bool(p.married);
                input.occupation = p.occupation.to_string();
                input.home_country_address = p.home_country_address.to_string();
                input.desired_status_of_residence = p.desired_status.map(|s| s.code().to_owned()).unwrap_or_default();
                input.desired_period_of_stay = p.desired_period_of_stay.to_string();
                input.criminal_record = Flag::Bool(p.criminal_record.is_some());
                input.criminal_record_details = text(p.criminal_record.as_ref().map(|t| t as &dyn std::fmt::Display));
                input.relatives_in_japan = Flag::Bool(!p.relatives.is_empty());
                input.relatives = p
                    .relatives
                    .iter()
                    .map(|r| RelativeInput {
                        relationship: r.relationship.to_string(),
                        name: r.name.to_string(),
                        birth_date: r.birth_date.to_string(),
                        nationality: r.nationality.to_string(),
                        living_together: Flag::Bool(r.living_together),
                        workplace_or_school: text(r.workplace_or_school.as_ref().map(|t| t as &dyn std::fmt::Display)),
                        residence_card_number: text(
                            r.residence_card_number.as_ref().map(|c| c as &dyn std::fmt::Display),
                        ),
                    })
                    .collect();
                input.kanji_name_petition = Flag::Bool(p.kanji_name_petition);
                if let Some(a) = &p.acquisition {
                    input.acquisition_cause = a.cause.code().to_owned();
                    input.acquisition_date = a.event_date.to_string();
                }
                if let Some(e) = &p.entry {
                    input.entry_date = e.entry_date.to_string();
                    input.port_of_entry = e.port_of_entry.to_string();
                    input.companions = text(e.companions.as_ref().map(|t| t as &dyn std::fmt::Display));
                    input.visa_post = e.visa_post.to_string();
                    input.past_entries = text(e.past_entries.as_ref().map(|t| t as &dyn std::fmt::Display));
                    input.work_activity = e.activity.to_string();
                }
            }
            ProcedurePart::Work(w) => {
                input.work_activity = w.work_activity.to_string();
                input.work_from = w.work_from.to_string();
                input.work_until = w.work_until.to_string();
            }
        }
        input
    }

    /// An unanswered kanji-name petition means "no petition".
    fn flag_default_no(flag: &Flag) -> Result<bool, ChoiceError> {
        match flag {
            Flag::Text(t) if t.trim().is_empty() => Ok(false),
            other => other.parse(),
        }
    }

    fn parse_relatives(c: &mut Collector, input: &ApplicationInput, today: JstDate) -> Option<Vec<Relative>> {
        let answer = c.take(Field::RelativesInJapan, input.relatives_in_japan.parse())?;
        let n = input.relatives.len();
        if !answer {
            if n > 0 {
                c.push(Field::Relatives, &FormError::RelativesWithoutAnswer);
                return None;
            }
            return Some(Vec::new());
        }
        if n == 0 {
            c.push(Field::Relatives, &FormError::RelativesRequired);
            return None;
        }
        if n > Self::MAX_RELATIVES {
            c.push(Field::Relatives, &FormError::TooManyRelatives(n));
            return None;
        }
        let mut out = Vec::with_capacity(n);
        let mut ok = true;
        for (i, r) in input.relatives.iter().enumerate() {
            let relationship = c.take(RelativeField::Relationship.key(i), Text::<20>::parse(&r.relationship));
            let name = c.take(RelativeField::Name.key(i), Text::<80>::parse(&r.name));
            let birth_date = c.take(RelativeField::BirthDate.key(i), JstDate::parse(&r.birth_date));
            if birth_date.is_some_and(|b| b >= today) {
                c.push(RelativeField::BirthDate.key(i), &FormError::BirthDateInFuture);
            }
            let nationality = c.take(RelativeField::Nationality.key(i), Text::<60>::parse(&r.nationality));
            let living_together = c.take(RelativeField::LivingTogether.key(i), r.living_together.parse());
            let workplace =
                c.take(RelativeField::WorkplaceOrSchool.key(i), optional(&r.workplace_or_school, Text::<120>::parse));
            let card = c.take(
                RelativeField::ResidenceCardNumber.key(i),
                optional(&r.residence_card_number, ResidenceCardNumber::parse),
            );
            match (relationship, name, birth_date, nationality, living_together, workplace, card) {
                (
                    Some(relationship),
                    Some(name),
                    Some(birth_date),
                    Some(nationality),
                    Some(living_together),
                    Some(workplace_or_school),
                    Some(residence_card_number),
                ) => {
                    out.push(Relative {
                        relationship,
                        name,
                        birth_date,
                        nationality,
                        living_together,
                        workplace_or_school,
                        residence_card_number,
                    });
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// What the eligibility rules read of an application: each value as typed and understood, `None` where it
/// does not read. Of a whole form, every value; of a form with errors, those that read, so that the rules
/// on them are reported together with the form's own errors, all at once (Q36–Q39), instead of only once
/// the rest is corrected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormFacts {
    pub procedure: Option<crate::procedure::Procedure>,
    pub in_japan: Option<bool>,
    pub card_number: Option<ResidenceCardNumber>,
    pub name: Option<crate::values::NameOnCard>,
    pub nationality: Option<crate::error::Text<60>>,
    pub birth_date: Option<JstDate>,
    pub sex: Option<Sex>,
    pub status: Option<StatusOfResidence>,
    pub period: Option<PeriodOfStay>,
    pub expiry: Option<JstDate>,
    pub receipt_method: Option<ReceiptMethod>,
    pub desired_period: Option<PeriodOfStay>,
    pub procedures: Option<Procedures>,
    pub kanji_name_petition: Option<bool>,
    /// A work certificate's last day of work.
    pub work_until: Option<JstDate>,
    pub passport_number: Option<PassportNumber>,
    /// The status asked for (a change's, or a first status's).
    pub desired_status: Option<StatusOfResidence>,
}

impl FormFacts {
    /// Who the form is for, where that reads: a resident's card, or a passport (with the nationality).
    pub fn person_key(&self) -> Option<PersonKey> {
        match self.procedure.unwrap_or_default().applicant() {
            crate::procedure::Applicant::Resident => self.card_number.clone().map(PersonKey::Card),
            crate::procedure::Applicant::Abroad | crate::procedure::Applicant::WithoutStatus => {
                Some(PersonKey::passport(self.nationality.as_ref()?.as_str(), self.passport_number.as_ref()?))
            }
        }
    }
}

impl FormFacts {
    /// Every value of a whole form.
    pub fn of(form: &ApplicationForm) -> Self {
        Self {
            procedure: Some(form.procedure),
            // Asked of a person in Japan only (Q35).
            in_japan: form.procedure.applicant().in_japan().then_some(form.in_japan),
            card_number: form.stay.as_ref().map(|s| s.card_number.clone()),
            name: Some(form.name.clone()),
            nationality: Some(form.nationality.clone()),
            birth_date: Some(form.birth_date),
            sex: Some(form.sex),
            status: form.stay.as_ref().map(|s| s.status),
            period: form.stay.as_ref().map(|s| s.period),
            expiry: form.stay.as_ref().map(|s| s.expiry),
            receipt_method: Some(form.receipt_method),
            desired_period: form.desired_period(),
            procedures: Some(form.procedures),
            kanji_name_petition: form.stay_part().map(|s| s.kanji_name_petition),
            work_until: form.work_part().map(|w| w.work_until),
            passport_number: Some(form.passport_number.clone()),
            desired_status: form.desired_status(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{application_input, relative_input};
    use crate::jst::d;

    const TODAY: &str = "2026-11-27";

    fn parse(input: &ApplicationInput) -> Result<ApplicationForm, Violations> {
        ApplicationForm::parse(input, d(TODAY))
    }

    fn rules_of(input: &ApplicationInput) -> Vec<(String, &'static str)> {
        parse(input).unwrap_err().iter().map(|v| (v.field.clone(), v.rule)).collect()
    }

    /// A change of status's form, as its rules read it before it is offered to filers.
    fn parse_change(input: &ApplicationInput) -> Result<ApplicationForm, Violations> {
        ApplicationForm::parse_offering(input, d(TODAY), &crate::procedure::Procedure::ALL).map_err(|e| e.0)
    }

    fn change_to(status: &str) -> ApplicationInput {
        ApplicationInput {
            procedure: "change_of_status".into(),
            status_of_residence: "student".into(),
            desired_status_of_residence: status.into(),
            reason: "Graduating in March; employed by Sakura Systems from April".into(),
            ..application_input()
        }
    }

    /// #35: who a form that did not read whole is for, as far as it read: a resident's card, or a passport
    /// with its nationality; nobody where those did not read.
    #[test]
    fn a_form_with_errors_still_names_its_person_where_that_read() {
        let facts = |input: ApplicationInput| {
            ApplicationForm::parse_offering(&input, d(TODAY), &crate::procedure::Procedure::ALL).unwrap_err().1
        };
        let broken = |mut i: ApplicationInput| {
            i.postcode = "1".into();
            i
        };
        let card = ResidenceCardNumber::parse("AB12345678CD").unwrap();
        assert_eq!(facts(broken(application_input())).person_key(), Some(PersonKey::Card(card)));
        let abroad = facts(broken(crate::fixtures::eligibility_input()));
        assert_eq!(abroad.person_key().map(|p| p.to_string()), Some("PASSPORT-VNM-C7654321".into()));
        let unread = facts(ApplicationInput { passport_number: "?".into(), ..crate::fixtures::eligibility_input() });
        assert_eq!(unread.person_key(), None);
    }

    /// #35 item 2: an acquisition is for a person in Japan with no status yet: no stay, no card, asked whether
    /// they are in Japan; the cause and the day of the event, filed within thirty days of it (day 31
    /// refused, naming the last day); the status sought in the scope; a card, at the counter or by post;
    /// known by the passport.
    #[test]
    fn an_acquisition_asks_the_cause_and_its_day_within_thirty_days() {
        use crate::fixtures::acquisition_input;
        use crate::procedure::Procedure;
        let form = parse_change(&acquisition_input()).unwrap();
        assert_eq!(form.procedure, Procedure::Acquisition);
        assert_eq!(form.stay, None, "no card yet");
        assert!(form.in_japan);
        let acquired = form.stay_part().unwrap().acquisition.unwrap();
        assert_eq!(acquired.cause, crate::acquisition::AcquisitionCause::Birth);
        assert_eq!(acquired.event_date, d("2026-11-10"));
        assert_eq!(form.desired_status(), Some(StatusOfResidence::Dependent));
        assert!(matches!(form.person_key(), PersonKey::Passport { .. }));
        assert_eq!(parse_change(&form.input()).unwrap(), form, "typed back as it reads");
        let json = serde_json::to_string(&form).unwrap();
        assert_eq!(serde_json::from_str::<ApplicationForm>(&json).unwrap(), form, "stored and read back");
        let rules = |input: ApplicationInput| -> Vec<(String, &'static str)> {
            parse_change(&input).unwrap_err().iter().map(|v| (v.field.clone(), v.rule)).collect()
        };
        // Today is 2026-11-27: an event on 2026-10-28 is day 30, on 2026-10-27 day 31.
        assert!(
            parse_change(&ApplicationInput { acquisition_date: "2026-10-28".into(), ..acquisition_input() }).is_ok()
        );
        let late = parse_change(&ApplicationInput { acquisition_date: "2026-10-27".into(), ..acquisition_input() })
            .unwrap_err();
        assert_eq!(late.0[0].rule, "acquisition.too_late");
        assert!(late.0[0].message_en.contains("2026-11-26"), "{:?}", late.0[0]);
        assert_eq!(
            rules(ApplicationInput { acquisition_date: "2026-11-28".into(), ..acquisition_input() }),
            [("acquisition_date".into(), "acquisition.event_in_future")]
        );
        assert_eq!(
            rules(ApplicationInput { acquisition_cause: "marriage".into(), ..acquisition_input() }),
            [("acquisition_cause".into(), "choice.acquisition_cause")]
        );
        // The cause as the page's words or the template's read as its code.
        for typed in ["出生", "Birth in Japan", "birth"] {
            let f = parse_change(&ApplicationInput { acquisition_cause: typed.into(), ..acquisition_input() });
            assert_eq!(f.unwrap().stay_part().unwrap().acquisition.unwrap().cause, acquired.cause, "{typed}");
        }
        // A card: at the counter or by post, not by e-mail; Q35 is asked.
        assert_eq!(
            rules(ApplicationInput { receipt_method: "email".into(), ..acquisition_input() }),
            [("receipt_method".into(), "choice.receipt_method")]
        );
        let outside = parse_change(&ApplicationInput { in_japan: Flag::Bool(false), ..acquisition_input() });
        assert!(!outside.unwrap().in_japan, "the form reads it; the eligibility check refuses it");
        // No stay's fields, nor an entry's; the status sought in the scope.
        assert_eq!(
            rules(ApplicationInput { expiry_date: "2027-01-20".into(), ..acquisition_input() }),
            [("expiry_date".into(), "form.not_asked")]
        );
        assert_eq!(
            rules(ApplicationInput { port_of_entry: "Narita".into(), ..acquisition_input() }),
            [("port_of_entry".into(), "form.not_asked")]
        );
        assert_eq!(
            rules(ApplicationInput { desired_status_of_residence: "temporary_visitor".into(), ..acquisition_input() }),
            [("desired_status_of_residence".into(), "certificate_of_eligibility.status_excluded")]
        );
        // Its cause on another procedure's form is not asked.
        assert_eq!(
            rules(ApplicationInput { acquisition_cause: "birth".into(), ..application_input() }),
            [("acquisition_cause".into(), "form.not_asked")]
        );
    }

    /// #35 item 1: a certificate of eligibility is for a person abroad: no stay, no card, not asked whether
    /// they are in Japan; the status sought (in the online scope), the planned entry (after today) and the
    /// organization's part; received by e-mail or by post, never at a counter; known by the passport.
    #[test]
    fn a_certificate_of_eligibility_asks_the_entry_and_no_stay() {
        use crate::fixtures::eligibility_input;
        use crate::procedure::Procedure;
        let form = parse_change(&eligibility_input()).unwrap();
        assert_eq!(form.procedure, Procedure::CertificateOfEligibility);
        assert_eq!(form.stay, None, "no stay, no card");
        assert!(!form.in_japan);
        assert_eq!(form.desired_status(), Some(StatusOfResidence::EngineerHumanitiesInternational));
        assert_eq!(form.receipt_method, ReceiptMethod::Email);
        let entry = form.entry().unwrap();
        assert_eq!(entry.entry_date, d("2027-04-01"));
        assert_eq!((entry.port_of_entry.as_str(), entry.companions.as_ref()), ("Narita Airport", None));
        assert!(entry.activity.as_str().contains("Sakura Systems"));
        assert_eq!(
            form.person_key(),
            PersonKey::Passport { nationality: "VNM".into(), number: PassportNumber::parse("C7654321").unwrap() }
        );
        assert_eq!(form.person_key().to_string(), "PASSPORT-VNM-C7654321");
        assert_eq!(parse_change(&form.input()).unwrap(), form, "typed back as it reads");
        let json = serde_json::to_string(&form).unwrap();
        assert!(!json.contains("\"stay\""), "{json}");
        assert_eq!(serde_json::from_str::<ApplicationForm>(&json).unwrap(), form, "stored and read back");
        let rules = |input: ApplicationInput| -> Vec<(String, &'static str)> {
            parse_change(&input).unwrap_err().iter().map(|v| (v.field.clone(), v.rule)).collect()
        };
        // A stay's fields, and the question whether they are in Japan, are not asked.
        let with_card = ApplicationInput {
            residence_card_number: "AB12345678CD".into(),
            in_japan: Flag::Bool(true),
            ..eligibility_input()
        };
        assert_eq!(
            rules(with_card),
            [("residence_card_number".into(), "form.not_asked"), ("in_japan".into(), "form.not_asked")]
        );
        // The entry is ahead; today is not.
        assert_eq!(
            rules(ApplicationInput { entry_date: TODAY.into(), ..eligibility_input() }),
            [("entry_date".into(), "entry_date.not_ahead")]
        );
        assert!(parse_change(&ApplicationInput { entry_date: "2026-11-28".into(), ..eligibility_input() }).is_ok());
        // Every error at once (Q36): a past entry and an empty port together.
        assert_eq!(
            rules(ApplicationInput {
                entry_date: "2026-11-01".into(),
                port_of_entry: String::new(),
                ..eligibility_input()
            }),
            [("entry_date".into(), "entry_date.not_ahead"), ("port_of_entry".into(), "text.required")]
        );
        // A status outside the scope, or none.
        assert_eq!(
            rules(ApplicationInput { desired_status_of_residence: "temporary_visitor".into(), ..eligibility_input() }),
            [("desired_status_of_residence".into(), "certificate_of_eligibility.status_excluded")]
        );
        assert_eq!(
            rules(ApplicationInput { desired_status_of_residence: String::new(), ..eligibility_input() })[0].0,
            "desired_status_of_residence"
        );
        // No counter abroad; by post is paper. E-mail is a certificate of eligibility's alone.
        assert_eq!(
            rules(ApplicationInput { receipt_method: "counter".into(), ..eligibility_input() }),
            [("receipt_method".into(), "choice.certificate_delivery")]
        );
        let by_post = parse_change(&ApplicationInput { receipt_method: "郵送".into(), ..eligibility_input() }).unwrap();
        assert_eq!(by_post.receipt_method, ReceiptMethod::Post);
        assert_eq!(
            rules(ApplicationInput { receipt_method: "email".into(), ..application_input() }),
            [("receipt_method".into(), "choice.receipt_method")]
        );
        // The entry's questions on a stay's form are not asked.
        assert_eq!(
            rules(ApplicationInput { port_of_entry: "Narita".into(), ..application_input() }),
            [("port_of_entry".into(), "form.not_asked")]
        );
        // Optional answers read as given; the key of a passport of a country not in the table.
        let with = parse_change(&ApplicationInput {
            companions: "TRAN,VAN,CUONG (husband)".into(),
            past_entries: "Once, 2019-07-01 to 2019-07-10".into(),
            nationality: "Atlantis Republic".into(),
            ..eligibility_input()
        })
        .unwrap();
        assert!(with.entry().unwrap().companions.is_some() && with.entry().unwrap().past_entries.is_some());
        assert_eq!(with.person_key().to_string(), "PASSPORT-ATLANTISREPUBLIC-C7654321");
        // The person's own questions are the stay's: the record and the family.
        assert_eq!(
            rules(ApplicationInput { criminal_record: Flag::Text("有".into()), ..eligibility_input() }),
            [("criminal_record_details".into(), "criminal_record.details_required")]
        );
    }

    /// #35 item 3: a work certificate asks the work to certify, its period and the purpose; nothing of a new
    /// stay, a card, the person's record or family — answered, those are refused at their field; the period
    /// runs forwards and has not ended; the form types back to itself and is stored as it reads.
    #[test]
    fn a_work_certificate_asks_the_work_its_period_and_purpose() {
        use crate::fixtures::work_certificate_input;
        use crate::procedure::Procedure;
        let form = parse(&work_certificate_input()).unwrap();
        assert_eq!(form.procedure, Procedure::WorkCertificate);
        let work = form.work_part().unwrap();
        assert_eq!((work.work_from, work.work_until), (d("2027-01-04"), d("2027-01-20")));
        assert!(form.stay_part().is_none() && form.desired_period().is_none() && !form.kanji_name_petition());
        assert_eq!(parse(&form.input()).unwrap(), form, "typed back as it reads");
        let json = serde_json::to_string(&form).unwrap();
        assert_eq!(serde_json::from_str::<ApplicationForm>(&json).unwrap(), form, "stored and read back");
        // A stay's form stored before the part had a name reads as it did.
        let stay = parse(&application_input()).unwrap();
        let stored = serde_json::to_value(&stay).unwrap();
        assert!(stored.get("occupation").is_some() && stored.get("part").is_none(), "the stay's fields sit flat");
        assert_eq!(serde_json::from_value::<ApplicationForm>(stored).unwrap(), stay);

        let rules = |edit: &dyn Fn(&mut ApplicationInput)| {
            let mut i = work_certificate_input();
            edit(&mut i);
            rules_of(&i)
        };
        assert_eq!(rules(&|i| i.work_until = "2027-01-03".into()), vec![("work_until".into(), "work_period.reversed")]);
        assert_eq!(
            rules(&|i| {
                i.work_from = "2026-01-04".into();
                i.work_until = "2026-11-26".into();
            }),
            vec![("work_until".into(), "work_period.over")],
            "ended the day before today"
        );
        assert!(rules(&|i| i.work_until = TODAY.into()).iter().any(|(f, _)| f == "work_until"), "before its start");
        assert_eq!(rules(&|i| i.work_activity = String::new()), vec![("work_activity".into(), "text.required")]);
        for (field, edit) in [
            (
                "occupation",
                &(|i: &mut ApplicationInput| i.occupation = "Engineer".into()) as &dyn Fn(&mut ApplicationInput),
            ),
            ("desired_period_of_stay", &|i| i.desired_period_of_stay = "3Y".into()),
            ("kanji_name_petition", &|i| i.kanji_name_petition = Flag::Bool(true)),
            ("re_entry", &|i| i.procedures.push("re_entry_single".into())),
            ("relatives", &|i| i.relatives.push(crate::fixtures::relative_input())),
        ] {
            assert_eq!(rules(edit), vec![(field.to_owned(), "form.not_asked")], "{field}");
        }
        // The last day may be the first (one day of work), and today (the work still going on).
        let reads = |edit: &dyn Fn(&mut ApplicationInput)| {
            let mut i = work_certificate_input();
            edit(&mut i);
            parse(&i).is_ok()
        };
        assert!(reads(&|i| i.work_from = i.work_until.clone()));
        assert!(reads(&|i| {
            i.work_from = "2026-11-01".into();
            i.work_until = TODAY.into();
        }));
        // What one procedure alone asks is refused on another's form in the same words.
        assert_eq!(
            rules(&|i| i.desired_status_of_residence = "business_manager".into()),
            vec![("desired_status_of_residence".into(), "form.not_asked")]
        );
        let extension = ApplicationInput { work_activity: "x".into(), ..application_input() };
        assert_eq!(rules_of(&extension), vec![("work_activity".into(), "form.not_asked")]);
        // An answer of "no" to a question not asked is no answer.
        assert!(parse(&ApplicationInput { married: Flag::Bool(false), ..work_certificate_input() }).is_ok());
        let not_asked = parse(&ApplicationInput { occupation: "x".into(), ..work_certificate_input() }).unwrap_err();
        assert!(not_asked.iter().any(|v| v.message_ja.contains("就労資格証明書交付申請では入力しません")));
        // The purpose's label and what the form asks.
        use field::{Field, Section};
        assert_eq!(Field::Reason.label_for(Procedure::WorkCertificate), ("使用目的", "Purpose of use"));
        assert_eq!(
            Section::of_procedure(Procedure::WorkCertificate).collect::<Vec<_>>(),
            [
                Section::Procedures,
                Section::Applicant,
                Section::Address,
                Section::Stay,
                Section::Card,
                Section::Confirmation
            ],
            "the first names the procedure; no family asked"
        );
        assert_eq!(
            Section::of_procedure(Procedure::Extension).collect::<Vec<_>>(),
            Section::ALL.into_iter().filter(|s| *s != Section::Entry).collect::<Vec<_>>(),
            "every part but a person abroad's entry"
        );
        assert!(Section::Stay.fields_for(Procedure::WorkCertificate).any(|f| f == Field::WorkActivity));
        assert!(!Section::Stay.fields_for(Procedure::Extension).any(|f| f == Field::WorkActivity));
        assert_eq!(Section::Card.title_for(Procedure::WorkCertificate), ("証明書の受領", "Receiving the certificate"));
        assert_eq!(Section::Card.title_for(Procedure::Extension), Section::Card.title());
        assert!(Field::ReceiptMethod.hint_for(Procedure::WorkCertificate).unwrap().1.contains("certificate"));
        assert_eq!(Field::ReceiptMethod.hint_for(Procedure::Extension), Field::ReceiptMethod.spec().hint);
        assert!(
            Field::ReceivingOffice.hint_for(Procedure::WorkCertificate).unwrap().1.contains("issues the certificate")
        );
        // The description the pages build a field from: the procedure's label and hint.
        let purpose = Field::Reason.spec_for(Procedure::WorkCertificate);
        assert_eq!((purpose.ja, purpose.en, purpose.key), ("使用目的", "Purpose of use", "reason"));
        let receipt = Field::ReceiptMethod.spec_for(Procedure::WorkCertificate);
        assert_eq!(receipt.hint, Field::ReceiptMethod.hint_for(Procedure::WorkCertificate));
        assert_eq!(receipt.en, "Receipt of the certificate");
    }

    /// #33 item 1: a change of status asks the status wanted, in the online scope and not the one held; an
    /// extension does not ask it; the form keeps it and types it back; the reason is the change's.
    #[test]
    fn a_change_of_status_asks_the_status_wanted() {
        use crate::procedure::Procedure;
        let form = parse_change(&change_to("技術・人文知識・国際業務")).unwrap();
        assert_eq!(form.procedure, Procedure::ChangeOfStatus);
        assert_eq!(form.desired_status(), Some(StatusOfResidence::EngineerHumanitiesInternational));
        assert_eq!(parse_change(&form.input()).unwrap(), form, "typed back as it reads");
        let rules = |input: &ApplicationInput| -> Vec<(String, &'static str)> {
            parse_change(input).unwrap_err().iter().map(|v| (v.field.clone(), v.rule)).collect()
        };
        assert!(rules(&change_to("")).iter().any(|(f, _)| f == "desired_status_of_residence"));
        assert_eq!(
            rules(&change_to("student")),
            vec![("desired_status_of_residence".into(), "change_of_status.same_status")]
        );
        assert_eq!(
            rules(&change_to("temporary_visitor")),
            vec![("desired_status_of_residence".into(), "change_of_status.asked_excluded")]
        );
        let named = parse_change(&change_to("")).unwrap_err();
        assert!(named.iter().any(|v| v.message_en == "Choose the desired status of residence."), "{named:?}");
        // An extension neither asks it nor takes it.
        let extension = parse(&application_input()).unwrap();
        assert_eq!(extension.desired_status(), None);
        let given = ApplicationInput { desired_status_of_residence: "student".into(), ..application_input() };
        assert_eq!(
            rules_of(&given),
            vec![("desired_status_of_residence".into(), "desired_status_of_residence.change_only")]
        );
        // Offered to filers.
        assert_eq!(parse(&change_to("business_manager")).unwrap().procedure, Procedure::ChangeOfStatus);
        // The fields each form asks, and the reason's label.
        use field::{Field, Section};
        assert!(Section::Stay.fields_for(Procedure::ChangeOfStatus).any(|f| f == Field::DesiredStatusOfResidence));
        assert!(!Section::Stay.fields_for(Procedure::Extension).any(|f| f == Field::DesiredStatusOfResidence));
        assert_eq!(Field::Reason.label_for(Procedure::ChangeOfStatus), ("変更の理由", "Reason for the change"));
        assert_eq!(Field::Reason.label_for(Procedure::Extension), ("更新の理由", "Reason for the extension"));
    }

    #[test]
    fn what_is_applied_for_reads_in_words() {
        let p = Procedures { re_entry: Some(ReEntry::Multiple), activity_outside_status: true };
        let labels = p.labels(crate::procedure::Procedure::Extension);
        assert_eq!(labels.len(), 3);
        assert_eq!(labels[0], ("在留期間更新許可申請", "Extension of the period of stay"));
        assert_eq!(labels[1].1, "Re-entry permission (multiple)");
        assert_eq!(
            Procedures { re_entry: Some(ReEntry::Single), ..Procedures::EXTENSION_ONLY }
                .labels(crate::procedure::Procedure::Extension)[1]
                .1,
            "Re-entry permission (single)"
        );
        assert_eq!(Procedures::EXTENSION_ONLY.labels(crate::procedure::Procedure::Extension).len(), 1);
    }

    #[test]
    fn the_example_parses() {
        let f = parse(&application_input()).unwrap();
        assert_eq!(f.name.as_str(), "NGUYEN,VAN,AN");
        assert_eq!(f.stay.as_ref().unwrap().status, StatusOfResidence::EngineerHumanitiesInternational);
        assert_eq!(f.procedures, Procedures::EXTENSION_ONLY);
        assert_eq!(f.receipt_method, ReceiptMethod::Post);
        let p = f.stay_part().unwrap();
        assert!(p.relatives.is_empty() && p.criminal_record.is_none());
    }

    #[test]
    fn every_failing_field_is_reported_at_once() {
        let mut i = application_input();
        i.name = "Nguyen Van An".into();
        i.postcode = "1000".into();
        i.residence_card_number = "ab12".into();
        i.sex = "x".into();
        let rules = rules_of(&i);
        assert_eq!(rules.len(), 4, "{rules:?}");
        assert!(rules.contains(&("name".into(), "name_on_card.lowercase")));
        assert!(rules.contains(&("postcode".into(), "postcode.format")));
        assert!(rules.contains(&("residence_card_number".into(), "residence_card_number.length")));
        assert!(rules.contains(&("sex".into(), "choice.sex")));
    }

    #[test]
    fn q4_q24_re_entry_alone_is_refused() {
        let mut i = application_input();
        i.procedures = vec!["re_entry_single".into()];
        assert_eq!(rules_of(&i), vec![("procedures".into(), "procedures.without_extension")]);
        // A rule's own words, as a sentence: a capital first and a full stop.
        let words = parse(&i).unwrap_err().0[0].message_en.clone();
        assert!(words.starts_with("Re-entry permission") && words.ends_with("period of stay."), "{words}");
        i.procedures = vec!["activity_outside_status".into()];
        assert_eq!(rules_of(&i), vec![("procedures".into(), "procedures.without_extension")]);
        i.procedures = vec![];
        assert_eq!(rules_of(&i), vec![("procedures".into(), "procedures.required")]);
    }

    #[test]
    fn q4_attachments_with_the_extension_are_accepted() {
        let mut i = application_input();
        i.procedures = vec!["extension".into(), "re_entry_multiple".into(), "activity_outside_status".into()];
        let p = parse(&i).unwrap().procedures;
        assert_eq!(p.re_entry, Some(ReEntry::Multiple));
        assert!(p.activity_outside_status && p.has_attachment());
        assert_eq!(p.names(), vec!["extension", "re_entry_multiple", "activity_outside_status"]);
        assert_eq!(
            Procedures::parse(&["extension", "re_entry_single", "re_entry_multiple"]),
            Err(ProcedureError::TwoReEntries)
        );
        assert!(matches!(Procedures::parse(&["extension", "visa"]), Err(ProcedureError::Unknown(_))));
    }

    #[test]
    fn yes_no_and_sex_accept_japanese_and_english() {
        for (t, want) in [("有", true), ("無", false), ("yes", true), ("No", false), ("1", true), ("false", false)] {
            assert_eq!(Flag::Text(t.into()).parse(), Ok(want), "{t}");
        }
        assert_eq!(Flag::Text("maybe".into()).parse(), Err(ChoiceError::YesNo));
        assert_eq!(Sex::parse("女"), Ok(Sex::Female));
        assert_eq!(Sex::parse("M"), Ok(Sex::Male));
    }

    #[test]
    fn phone_postcode_prefecture() {
        assert!(PhoneNumber::parse("03-1234-5678").is_ok());
        assert!(PhoneNumber::parse("09012345678").is_ok());
        // As people type it: full-width digits and hyphens are the same number.
        assert_eq!(PhoneNumber::parse("０３－１２３４－５６７８"), PhoneNumber::parse("0312345678"));
        assert_eq!(Postcode::parse("１００－００１３"), Postcode::parse("1000013"));
        for bad in ["1234567890", "03-1234-567", "+81-3-1234-5678", "０３１２３４５６７", "-0312345678"] {
            assert_eq!(PhoneNumber::parse(bad), Err(FormError::Phone), "{bad}");
        }
        assert!(Postcode::parse("100-0013").is_ok() && Postcode::parse("1000013").is_ok());
        assert_eq!(Postcode::parse("1000013").unwrap().to_string(), "100-0013");
        assert_eq!(Postcode::parse("10-00013"), Err(FormError::Postcode));
        assert_eq!(Prefecture::parse("osaka").unwrap().as_str(), "大阪府");
        assert!(Prefecture::parse("Kansai").is_err());
        let mut i = application_input();
        i.mobile.clear();
        assert_eq!(rules_of(&i), vec![("telephone".into(), "phone.required")]);
    }

    #[test]
    fn dates_are_checked_against_today() {
        let mut i = application_input();
        i.birth_date = "20261127".into();
        i.passport_expiry = "20261126".into();
        let rules = rules_of(&i);
        assert!(rules.contains(&("birth_date".into(), "birth_date.future")));
        assert!(rules.contains(&("passport_expiry".into(), "passport.expired")));
    }

    #[test]
    fn criminal_record_details_follow_the_answer() {
        let mut i = application_input();
        i.criminal_record = Flag::Bool(true);
        assert_eq!(rules_of(&i), vec![("criminal_record_details".into(), "criminal_record.details_required")]);
        i.criminal_record_details = "Fine for a traffic violation, 2021".into();
        assert!(parse(&i).unwrap().stay_part().unwrap().criminal_record.is_some());
        i.criminal_record = Flag::Bool(false);
        assert_eq!(rules_of(&i), vec![("criminal_record_details".into(), "criminal_record.details_without_record")]);
    }

    #[test]
    fn relatives_up_to_six_with_their_own_field_paths() {
        let mut i = application_input();
        i.relatives_in_japan = Flag::Bool(true);
        assert_eq!(rules_of(&i), vec![("relatives".into(), "relatives.required")]);
        i.relatives = vec![relative_input(); 6];
        assert_eq!(parse(&i).unwrap().stay_part().unwrap().relatives.len(), 6);
        i.relatives.push(relative_input());
        assert_eq!(rules_of(&i), vec![("relatives".into(), "relatives.too_many")]);
        i.relatives = vec![relative_input(), RelativeInput { name: String::new(), ..relative_input() }];
        assert_eq!(rules_of(&i), vec![("relatives[1].name".into(), "text.required")]);
        i.relatives_in_japan = Flag::Bool(false);
        i.relatives = vec![relative_input()];
        assert_eq!(rules_of(&i), vec![("relatives".into(), "relatives.without_answer")]);
    }

    #[test]
    fn q30_the_applicants_request_must_be_confirmed() {
        let mut i = application_input();
        i.applicant_requested = Flag::Bool(false);
        assert_eq!(rules_of(&i), vec![("applicant_requested".into(), "applicant_request.not_confirmed")]);
        i.applicant_requested = Flag::default();
        assert_eq!(rules_of(&i), vec![("applicant_requested".into(), "choice.yes_no")]);
    }

    #[test]
    fn limits_on_lengths() {
        let mut i = application_input();
        i.reason = "x".repeat(1001);
        i.city = "市".repeat(121);
        let rules = rules_of(&i);
        assert!(rules.contains(&("reason".into(), "text.too_long")));
        assert!(rules.contains(&("city".into(), "text.too_long")));
    }

    #[test]
    fn json_input_refuses_unknown_fields_and_accepts_booleans() {
        let mut v = serde_json::to_value(application_input()).unwrap();
        assert!(serde_json::from_value::<ApplicationInput>(v.clone()).is_ok());
        v["in_japan"] = serde_json::json!("有");
        assert!(parse(&serde_json::from_value(v.clone()).unwrap()).unwrap().in_japan);
        v["favourite_colour"] = serde_json::json!("blue");
        assert!(serde_json::from_value::<ApplicationInput>(v).is_err());
    }

    #[test]
    fn optional_fields_given_are_kept_and_blank_ones_are_none() {
        let mut i = application_input();
        i.telephone = "03-1234-5678".into();
        i.email = String::new();
        let f = parse(&i).unwrap();
        assert_eq!(f.telephone, Some(PhoneNumber::parse("0312345678").unwrap()));
        assert_eq!(f.email, None);
    }

    #[test]
    fn a_passport_expiring_today_is_still_valid_and_a_blank_kanji_petition_is_no() {
        let mut i = application_input();
        i.passport_expiry = TODAY.into();
        i.kanji_name_petition = Flag::Text("  ".into());
        let f = parse(&i).unwrap();
        assert!(!f.kanji_name_petition());
        i.passport_expiry = "2026-11-26".into();
        assert_eq!(rules_of(&i), vec![("passport_expiry".into(), "passport.expired")]);
    }

    #[test]
    fn form_refusals_explain_themselves_in_japanese() {
        let errors: Vec<Box<dyn Localized>> = vec![
            Box::new(ChoiceError::YesNo),
            Box::new(ChoiceError::Sex),
            Box::new(ChoiceError::ReceiptMethod),
            Box::new(ChoiceError::ReEntry),
            Box::new(ProcedureError::WithoutExtension),
            Box::new(ProcedureError::Unknown("x".into())),
            Box::new(ProcedureError::Required),
            Box::new(ProcedureError::TwoReEntries),
            Box::new(FormError::Postcode),
            Box::new(crate::prefecture::PrefectureError("x".into())),
            Box::new(FormError::Phone),
            Box::new(FormError::PhoneRequired),
            Box::new(FormError::BirthDateInFuture),
            Box::new(FormError::PassportExpired),
            Box::new(FormError::CriminalDetailsRequired),
            Box::new(FormError::CriminalDetailsWithoutRecord),
            Box::new(FormError::RelativesRequired),
            Box::new(FormError::RelativesWithoutAnswer),
            Box::new(FormError::TooManyRelatives(7)),
            Box::new(FormError::RequestNotConfirmed),
        ];
        let mut seen = std::collections::HashSet::new();
        for e in &errors {
            let ja = e.message_ja();
            assert!(!ja.is_ascii() && ja.ends_with('。'), "{}: {ja}", e.rule());
            assert!(seen.insert(ja), "{}: the same text as another", e.rule());
        }
    }

    /// The check page's "change" opens the form with every answer kept: the form typed again reads back to
    /// the very same form, whatever was answered.
    #[test]
    fn a_form_typed_again_reads_back_to_itself() {
        let today = d("2026-11-27");
        let mut full = application_input();
        full.procedures = vec!["extension".into(), "re_entry_multiple".into(), "activity_outside_status".into()];
        full.criminal_record = Flag::Text("yes".into());
        full.criminal_record_details = "Fine for a traffic violation, 2021".into();
        full.relatives_in_japan = Flag::Text("はい".into());
        full.relatives =
            vec![relative_input(), RelativeInput { residence_card_number: String::new(), ..relative_input() }];
        full.telephone = "03-1234-5678".into();
        full.email = "an.nguyen@example.com".into();
        full.kanji_name_petition = Flag::Text("yes".into());
        full.postcode = "100-0013".into();
        full.sex = "女".into();
        full.receipt_method = "counter".into();
        for input in [application_input(), full] {
            let form = ApplicationForm::parse(&input, today).unwrap();
            assert_eq!(ApplicationForm::parse(&form.input(), today).unwrap(), form, "{input:?}");
        }
    }
}
