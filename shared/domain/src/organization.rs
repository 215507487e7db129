//! Organizations of affiliation, their approval of use (Q14), periodic reports (Q72–Q76) and their List of
//! Affiliated Foreign Nationals (Q80).

use serde::{Deserialize, Serialize};

use crate::error::{Collector, Localized, Text, Violations};
use crate::form::Sex;
use crate::jst::JstDate;
use crate::office::Office;
use crate::period::PeriodOfStay;
use crate::status_of_residence::StatusOfResidence;
use crate::values::{CorporateNumber, EmailAddress, NameOnCard, PassportNumber, ResidenceCardNumber};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    /// A company or other corporation: employer or school.
    Corporation,
    /// A supervising organization for technical intern training (Q1, Q17).
    SupervisingOrganization,
    /// An individual business owner, who has no corporate number (Q15).
    IndividualBusiness,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganizationError {
    #[error("a corporation or supervising organization is registered with its corporate number")]
    CorporateNumberRequired,
    #[error("an individual business owner has no corporate number")]
    CorporateNumberNotApplicable,
    #[error(
        "requests for use are not accepted at {0}: use the regional office with jurisdiction over the organization's location"
    )]
    OfficeDoesNotAcceptRequests(&'static str),
    #[error(
        "an organization with this corporate number is already registered: an organization with several offices is one organization"
    )]
    CorporateNumberRegistered,
}

impl Localized for OrganizationError {
    fn rule(&self) -> &'static str {
        match self {
            Self::CorporateNumberRequired => "organization.corporate_number_required",
            Self::CorporateNumberNotApplicable => "organization.corporate_number_not_applicable",
            Self::OfficeDoesNotAcceptRequests(_) => "organization.office_does_not_accept_requests",
            Self::CorporateNumberRegistered => "organization.corporate_number_registered",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::CorporateNumberRequired => "法人・監理団体は法人番号を登録してください。".into(),
            Self::CorporateNumberNotApplicable => "個人事業主には法人番号はありません。".into(),
            Self::CorporateNumberRegistered => {
                "この法人番号の所属機関は既に登録されています。複数の事業所がある場合も一つの所属機関です。".into()
            }
            Self::OfficeDoesNotAcceptRequests(name) => {
                format!(
                    "{name}では利用申出を受け付けていません。所属機関の所在地を管轄する地方出入国在留管理官署で申し出てください。"
                )
            }
        }
    }
}

/// The registration data of an organization, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrganizationProfile {
    pub kind: OrganizationKind,
    pub name: Text<120>,
    pub location: Text<200>,
    pub corporate_number: Option<CorporateNumber>,
    /// The office with jurisdiction over the location (Q3, Q7).
    pub office: Office,
}

impl OrganizationProfile {
    pub fn parse(
        kind: OrganizationKind,
        name: &str,
        location: &str,
        corporate_number: &str,
        office: Office,
    ) -> Result<Self, Violations> {
        let mut c = Collector::new();
        let name = c.take("name", Text::<120>::parse(name));
        let location = c.take("location", Text::<200>::parse(location));
        let corporate_number = match (kind, corporate_number.trim().is_empty()) {
            (OrganizationKind::IndividualBusiness, true) => Some(None),
            (OrganizationKind::IndividualBusiness, false) => {
                c.push("corporate_number", &OrganizationError::CorporateNumberNotApplicable);
                None
            }
            (_, true) => {
                c.push("corporate_number", &OrganizationError::CorporateNumberRequired);
                None
            }
            (_, false) => c.take("corporate_number", CorporateNumber::parse(corporate_number)).map(Some),
        };
        if !office.info().accepts_requests_for_use {
            c.push("office", &OrganizationError::OfficeDoesNotAcceptRequests(office.info().name_en));
        }
        c.finish(|| Some(Self { kind, name: name?, location: location?, corporate_number: corporate_number?, office }))
    }
}

/// Whether the organization may use the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UseState {
    Active,
    /// Suspended, because no periodic report was approved by the expiry (Q76) or by the office.
    Suspended,
    Cancelled,
}

/// The approval of use and its valid period (Q14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalOfUse {
    pub approved_on: JstDate,
    /// The last day of use (inclusive).
    pub expires_on: JstDate,
}

impl ApprovalOfUse {
    /// Q14: valid for one year from the day of approval: approved 2019-07-25, expires 2020-07-24.
    pub fn granted(on: JstDate) -> Self {
        Self { approved_on: on, expires_on: on.period_end(12) }
    }

    /// Q75: an approved periodic report extends the valid period to one year from the existing expiry.
    pub fn extended_by_periodic_report(self) -> Self {
        Self { approved_on: self.approved_on, expires_on: self.expires_on.add_years(1) }
    }

    /// Q73, Q14: every user of the organization is e-mailed two months before the expiry.
    pub fn reminder_on(self) -> JstDate {
        self.expires_on.sub_months(2)
    }

    /// Q14: the report should reach the office at least one month before the expiry.
    pub fn report_due_by(self) -> JstDate {
        self.expires_on.sub_months(1)
    }

    pub fn is_expired(self, today: JstDate) -> bool {
        today > self.expires_on
    }
}

/// Q76: an active organization whose approval has expired without an approved periodic report is
/// suspended (from the day after the expiry).
pub fn is_due_for_suspension(state: UseState, approval: ApprovalOfUse, today: JstDate) -> bool {
    state == UseState::Active && approval.is_expired(today)
}

/// Q75, Q76: the approval and use state after an officer approves a periodic report. A suspension for a
/// missing report ends; a cancelled organization stays cancelled.
pub fn after_periodic_report_approved(state: UseState, approval: ApprovalOfUse) -> (UseState, ApprovalOfUse) {
    let state = match state {
        UseState::Suspended => UseState::Active,
        other => other,
    };
    (state, approval.extended_by_periodic_report())
}

/// One person on the organization's List of Affiliated Foreign Nationals (Q80): what their residence card
/// shows, which is what an application is checked against (Q39) and what the filing window, the status
/// scope and the receipt-by-post rules read (never the values typed into the form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForeignNational {
    pub card_number: ResidenceCardNumber,
    pub name: NameOnCard,
    pub nationality: Text<60>,
    pub birth_date: JstDate,
    pub sex: Sex,
    pub status: StatusOfResidence,
    pub period_of_stay: PeriodOfStay,
    pub expiry: JstDate,
    pub passport_number: Option<PassportNumber>,
    pub passport_expiry: Option<JstDate>,
    pub email: Option<EmailAddress>,
    /// The residence card already shows the name in kanji (Q53, Q57).
    pub kanji_name_on_card: bool,
}

impl ForeignNational {
    /// A new application for this person, filled in with what the list knows of them as their residence
    /// card shows it (Q37): name, nationality, birth date, sex, the stay, the passport, the e-mail address.
    /// The rest is the user's to type; every field stays editable (and is checked again when filed).
    pub fn application_input(&self) -> crate::form::ApplicationInput {
        let date = |d: JstDate| d.compact();
        crate::form::ApplicationInput {
            procedures: vec!["extension".into()],
            nationality: self.nationality.to_string(),
            birth_date: date(self.birth_date),
            name: self.name.to_string(),
            sex: match self.sex {
                Sex::Male => "male",
                Sex::Female => "female",
            }
            .into(),
            status_of_residence: self.status.code().into(),
            period_of_stay: self.period_of_stay.to_string(),
            expiry_date: date(self.expiry),
            residence_card_number: self.card_number.to_string(),
            passport_number: self.passport_number.as_ref().map(ToString::to_string).unwrap_or_default(),
            passport_expiry: self.passport_expiry.map(date).unwrap_or_default(),
            email: self.email.as_ref().map(ToString::to_string).unwrap_or_default(),
            notice_email: self.email.as_ref().map(ToString::to_string).unwrap_or_default(),
            ..Default::default()
        }
    }
}

/// The words of a legal form, which say what an organization is, not which: left out of the key its name
/// is found by, so 「さくら」 finds 「株式会社さくら」 and "Sakura" finds "Sakura Systems K.K.".
const LEGAL_FORMS: [&str; 24] = [
    "特定非営利活動法人",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "社会福祉法人",
    "事業協同組合",
    "協同組合",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "学校法人",
    "医療法人",
    "npo法人",
    "(株)",
    "(有)",
    "co.,ltd.",
    "co.,ltd",
    "k.k.",
    "inc.",
    "ltd.",
    "llc",
];

/// The key an organization's name is found by: either width and case alike (Ｓａｋｕｒａ = sakura),
/// hiragana as katakana (さくら = サクラ), spaces and punctuation left out, and no legal form at either
/// end. A name
/// is found by any beginning of its key; the office lists its organizations in the key's order.
pub fn name_search_key(name: &str) -> String {
    let mut key: String = name
        .replace('㈱', "(株)")
        .replace('㈲', "(有)")
        .chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
            '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60),
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .flat_map(char::to_lowercase)
        .collect();
    // At either end only (repeatedly: 「一般社団法人…協同組合」), never inside a word ("wellcare").
    while let Some(rest) = LEGAL_FORMS.iter().find_map(|form| key.strip_prefix(form).or_else(|| key.strip_suffix(form)))
    {
        key = rest.to_owned();
    }
    key.chars().filter(|c| c.is_alphanumeric() || matches!(c, 'ー' | '々')).collect()
}

#[cfg(test)]
mod tests {
    /// A name is found however it is typed: width, case, kana, spaces and legal forms aside.
    #[test]
    fn an_organization_s_name_is_found_however_typed() {
        use super::name_search_key as k;
        assert_eq!(k("Sakura Systems K.K."), "sakurasystems");
        assert_eq!(k("Ｓａｋｕｒａ　Ｓｙｓｔｅｍｓ"), "sakurasystems");
        assert_eq!(k("株式会社さくら"), k("サクラ"));
        assert_eq!(k("㈱サクラ"), "サクラ");
        assert_eq!(k("（株）サクラ"), "サクラ");
        assert_eq!(k("さくら商事株式会社"), "サクラ商事");
        assert_eq!(k("東海ビジネス協同組合"), "東海ビジネス");
        assert_eq!(k("Fuji Trading Co., Ltd."), "fujitrading");
        assert_eq!(k("ローソン・ジャパン"), "ローソンジャパン", "the long vowel kept, the dot left out");
        assert!(k("株式会社サクラシステムズ").starts_with(&k("さくら")));
        assert_eq!(k("株式会社"), "", "a legal form alone finds every organization");
        assert_eq!(k("Wellcare Inc."), "wellcare", "a legal form inside a word stays");
    }

    use super::*;
    use crate::jst::d;

    #[test]
    fn q37_a_new_application_starts_from_what_the_card_shows() {
        use crate::fixtures::{application_input, list_entry};
        let person = ForeignNational {
            passport_number: Some(PassportNumber::parse("C1234567").unwrap()),
            passport_expiry: Some(d("2030-01-01")),
            email: Some(EmailAddress::parse("an.nguyen@example.com").unwrap()),
            ..list_entry()
        };
        let typed = application_input();
        let prefilled = person.application_input();
        // What the list knows, as the form reads it; the rest as the user types it.
        let input = crate::form::ApplicationInput {
            married: typed.married.clone(),
            occupation: typed.occupation.clone(),
            home_country_address: typed.home_country_address.clone(),
            postcode: typed.postcode.clone(),
            prefecture: typed.prefecture.clone(),
            city: typed.city.clone(),
            street: typed.street.clone(),
            mobile: typed.mobile.clone(),
            desired_period_of_stay: typed.desired_period_of_stay.clone(),
            reason: typed.reason.clone(),
            criminal_record: typed.criminal_record.clone(),
            relatives_in_japan: typed.relatives_in_japan.clone(),
            receipt_method: typed.receipt_method.clone(),
            receiving_office: typed.receiving_office.clone(),
            kanji_name_petition: typed.kanji_name_petition.clone(),
            in_japan: typed.in_japan.clone(),
            applicant_requested: typed.applicant_requested.clone(),
            ..prefilled
        };
        let today = d("2026-11-01");
        let from_list = crate::form::ApplicationForm::parse(&input, today).unwrap();
        let from_typing = crate::form::ApplicationForm::parse(&typed, today).unwrap();
        assert_eq!(from_list.stay, from_typing.stay);
        assert_eq!(from_list.name, from_typing.name);
        assert_eq!(from_list.birth_date, from_typing.birth_date);
        assert_eq!(from_list.sex, from_typing.sex);
        assert_eq!(from_list.passport_number, from_typing.passport_number);
        assert_eq!(from_list.passport_expiry, from_typing.passport_expiry);
        assert_eq!(from_list.notice_email, from_typing.notice_email);
        // A person without a passport or an address on the list: those fields are left to type.
        let bare = list_entry().application_input();
        assert!(bare.passport_number.is_empty() && bare.email.is_empty() && bare.occupation.is_empty());
    }

    #[test]
    fn q14_approval_is_valid_one_year_less_a_day() {
        let a = ApprovalOfUse::granted(d("2019-07-25"));
        assert_eq!(a.expires_on, d("2020-07-24"));
        assert!(!a.is_expired(d("2020-07-24")));
        assert!(a.is_expired(d("2020-07-25")));
    }

    #[test]
    fn q73_reminder_two_months_before_and_report_due_one_month_before() {
        let a = ApprovalOfUse::granted(d("2019-07-25"));
        assert_eq!(a.reminder_on(), d("2020-05-24"));
        assert_eq!(a.report_due_by(), d("2020-06-24"));
    }

    #[test]
    fn q75_periodic_report_extends_from_the_old_expiry() {
        let a = ApprovalOfUse::granted(d("2019-07-25")).extended_by_periodic_report();
        assert_eq!(a.expires_on, d("2021-07-24"));
        assert_eq!(a.approved_on, d("2019-07-25"));
    }

    #[test]
    fn q76_suspended_the_day_after_expiry_and_resumed_by_an_approved_report() {
        let a = ApprovalOfUse::granted(d("2019-07-25"));
        assert!(!is_due_for_suspension(UseState::Active, a, d("2020-07-24")));
        assert!(is_due_for_suspension(UseState::Active, a, d("2020-07-25")));
        assert!(!is_due_for_suspension(UseState::Suspended, a, d("2020-07-26")));
        let (state, approval) = after_periodic_report_approved(UseState::Suspended, a);
        assert_eq!(state, UseState::Active);
        assert_eq!(approval.expires_on, d("2021-07-24"));
        assert!(!is_due_for_suspension(state, approval, d("2020-08-01")));
        assert_eq!(after_periodic_report_approved(UseState::Cancelled, a).0, UseState::Cancelled);
    }

    #[test]
    fn q15_corporate_number_by_kind() {
        let ok = OrganizationProfile::parse(
            OrganizationKind::Corporation,
            "Sakura Systems K.K.",
            "Tokyo",
            "7000012050002",
            Office::Tokyo,
        );
        assert!(ok.is_ok());
        let sole = OrganizationProfile::parse(
            OrganizationKind::IndividualBusiness,
            "Tanaka Shoten",
            "Osaka",
            "",
            Office::Osaka,
        );
        assert_eq!(sole.unwrap().corporate_number, None);
        let missing = OrganizationProfile::parse(
            OrganizationKind::SupervisingOrganization,
            "Kyodo Kumiai",
            "Nagoya",
            "",
            Office::Nagoya,
        );
        assert_eq!(missing.unwrap_err().0[0].rule, "organization.corporate_number_required");
        let extra = OrganizationProfile::parse(
            OrganizationKind::IndividualBusiness,
            "Tanaka Shoten",
            "Osaka",
            "7000012050002",
            Office::Osaka,
        );
        assert_eq!(extra.unwrap_err().0[0].rule, "organization.corporate_number_not_applicable");
        let bad = OrganizationProfile::parse(OrganizationKind::Corporation, "X", "Y", "7000012050003", Office::Tokyo);
        assert_eq!(bad.unwrap_err().0[0].rule, "corporate_number.check_digit");
    }

    #[test]
    fn q7_airport_offices_refuse_requests_for_use() {
        let r = OrganizationProfile::parse(
            OrganizationKind::Corporation,
            "Sakura",
            "Narita",
            "7000012050002",
            Office::NaritaAirport,
        );
        assert_eq!(r.unwrap_err().0[0].rule, "organization.office_does_not_accept_requests");
    }

    fn sakura() -> Organization {
        let profile = OrganizationProfile::parse(
            OrganizationKind::Corporation,
            "Sakura K.K.",
            "Tokyo",
            "7000012050002",
            Office::Tokyo,
        )
        .unwrap();
        Organization::register(crate::application::OrganizationId::parse("org-1").unwrap(), profile)
    }

    #[test]
    fn q12_q14_registered_without_approval_then_approved_for_a_year_less_a_day() {
        let mut o = sakura();
        assert_eq!((o.approval(), o.use_state()), (None, UseState::Active));
        assert_eq!(o.approve_periodic_report(), None, "never approved: no report to approve");
        assert!(!o.suspend_if_expired(d("2030-01-01")), "never approved: never suspended");
        o.grant_approval(d("2026-06-01"));
        assert_eq!(o.approval(), Some(ApprovalOfUse::granted(d("2026-06-01"))));
        assert_eq!(o.approval().unwrap().expires_on, d("2027-05-31"));
    }

    #[test]
    fn q76_suspended_the_day_after_expiry_and_resumed_by_a_report() {
        let mut o = sakura();
        o.grant_approval(d("2026-06-01"));
        assert!(!o.suspend_if_expired(d("2027-05-31")));
        assert_eq!(o.use_state(), UseState::Active);
        assert!(o.suspend_if_expired(d("2027-06-01")));
        assert_eq!(o.use_state(), UseState::Suspended);
        assert!(!o.suspend_if_expired(d("2027-06-02")), "once");
        assert_eq!(o.approve_periodic_report(), Some(UseState::Suspended));
        assert_eq!(o.use_state(), UseState::Active);
        assert_eq!(o.approval().unwrap().expires_on, d("2028-05-31"));
        assert_eq!(o.approve_periodic_report(), Some(UseState::Active));
    }

    #[test]
    fn q78_name_and_location_change_and_nothing_else() {
        let mut o = sakura();
        o.rename(Text::parse("Sakura Holdings K.K.").unwrap());
        o.relocate(Text::parse("Osaka").unwrap());
        assert_eq!(o.profile().name.as_str(), "Sakura Holdings K.K.");
        assert_eq!(o.profile().location.as_str(), "Osaka");
        assert_eq!(o.profile().corporate_number.as_ref().map(|n| n.as_str()), Some("7000012050002"));
        assert_eq!(o.profile().office, Office::Tokyo);
    }

    #[test]
    fn organization_errors_explain_themselves_in_japanese() {
        let cases: [(OrganizationError, &str); 4] = [
            (OrganizationError::CorporateNumberRequired, "法人番号"),
            (OrganizationError::CorporateNumberNotApplicable, "個人事業主"),
            (OrganizationError::OfficeDoesNotAcceptRequests("Narita"), "Narita"),
            (OrganizationError::CorporateNumberRegistered, "既に登録"),
        ];
        for (e, word) in cases {
            assert!(e.message_ja().contains(word), "{e:?}: {}", e.message_ja());
        }
    }
}

/// An organization of affiliation. Its fields are its own: read through the accessors, changed only by the
/// named methods below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Organization {
    id: crate::application::OrganizationId,
    profile: OrganizationProfile,
    /// `None` until a request for use is approved.
    approval: Option<ApprovalOfUse>,
    use_state: UseState,
}

impl Organization {
    /// Q1–Q3: registered at the counter, active, not yet approved for use.
    pub fn register(id: crate::application::OrganizationId, profile: OrganizationProfile) -> Self {
        Self { id, profile, approval: None, use_state: UseState::Active }
    }

    /// An organization approved on `approval` (as the counter's approval of its first request makes it).
    pub fn approved(
        id: crate::application::OrganizationId,
        profile: OrganizationProfile,
        approval: ApprovalOfUse,
    ) -> Self {
        Self { id, profile, approval: Some(approval), use_state: UseState::Active }
    }

    pub fn id(&self) -> &crate::application::OrganizationId {
        &self.id
    }

    pub fn profile(&self) -> &OrganizationProfile {
        &self.profile
    }

    pub fn approval(&self) -> Option<ApprovalOfUse> {
        self.approval
    }

    pub fn use_state(&self) -> UseState {
        self.use_state
    }

    /// Q12–Q14: the first request for use approved on `today`: valid one year less a day.
    pub fn grant_approval(&mut self, today: JstDate) {
        self.approval = Some(ApprovalOfUse::granted(today));
    }

    /// Q75, Q76: a periodic report approved: the approval runs a year further and a suspension for a missing
    /// report ends. Returns the use state before, or `None` if the organization was never approved.
    pub fn approve_periodic_report(&mut self) -> Option<UseState> {
        let approval = self.approval?;
        let was = self.use_state;
        let (state, extended) = after_periodic_report_approved(self.use_state, approval);
        self.use_state = state;
        self.approval = Some(extended);
        Some(was)
    }

    /// Q76: suspended the day after its approval expired without an approved periodic report; `false` (and
    /// nothing changes) if that is not so on `today`.
    pub fn suspend_if_expired(&mut self, today: JstDate) -> bool {
        match self.approval {
            Some(approval) if is_due_for_suspension(self.use_state, approval, today) => {
                self.use_state = UseState::Suspended;
                true
            }
            _ => false,
        }
    }

    /// Q78: a new name, recorded at the counter.
    pub fn rename(&mut self, name: Text<120>) {
        self.profile.name = name;
    }

    /// Q78: a new location, recorded at the counter.
    pub fn relocate(&mut self, location: Text<200>) {
        self.profile.location = location;
    }
}
