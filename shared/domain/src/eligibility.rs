//! Whether an application may be filed (Q21, Q26–Q29, Q35, Q39, Q80, Q76) and whether its residence card
//! may be received by post (Q53, Q57, Q70). The same checks run for single entry, for each blanket row,
//! and again at submission (an application entered inside the window may be submitted after it closed).

use crate::error::{Collector, Localized, Violations};
use crate::form::{ApplicationForm, Field, FormFacts, Procedures};
use crate::jst::JstDate;
use crate::organization::{ForeignNational, Organization, OrganizationKind, UseState};
use crate::period::PeriodOfStay;
use crate::procedure::Applicant;
use crate::status::ReceiptMethod;
use crate::status_of_residence::StatusOfResidence;

/// A field of the form that the residence card also shows (Q39).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardField {
    CardNumber,
    Name,
    Nationality,
    BirthDate,
    Sex,
    Status,
    Period,
    Expiry,
}

impl CardField {
    /// The form's field.
    pub fn field(self) -> Field {
        match self {
            Self::CardNumber => Field::ResidenceCardNumber,
            Self::Name => Field::Name,
            Self::Nationality => Field::Nationality,
            Self::BirthDate => Field::BirthDate,
            Self::Sex => Field::Sex,
            Self::Status => Field::StatusOfResidence,
            Self::Period => Field::PeriodOfStay,
            Self::Expiry => Field::ExpiryDate,
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::CardNumber => "residence card number",
            Self::Name => "name",
            Self::Nationality => "nationality/region",
            Self::BirthDate => "date of birth",
            Self::Sex => "sex",
            Self::Status => "status of residence",
            Self::Period => "period of stay",
            Self::Expiry => "date of expiration",
        }
    }

    pub fn name_ja(self) -> &'static str {
        match self {
            Self::CardNumber => "在留カード番号",
            Self::Name => "氏名",
            Self::Nationality => "国籍・地域",
            Self::BirthDate => "生年月日",
            Self::Sex => "性別",
            Self::Status => "在留資格",
            Self::Period => "在留期間",
            Self::Expiry => "在留期間の満了日",
        }
    }
}

impl std::fmt::Display for CardField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name_en())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EligibilityError {
    #[error("the organization's use of the system is suspended; submit a periodic report to resume it")]
    OrganizationSuspended,
    #[error("the organization's use of the system has been cancelled")]
    OrganizationCancelled,
    #[error(
        "this foreign national is not on the organization's List of Affiliated Foreign Nationals; ask the regional office to add them first"
    )]
    NotOnList,
    #[error(
        "Enter the {field} as the residence card shows it: the List of Affiliated Foreign Nationals has {}.", .listed.1
    )]
    DiffersFromCard { field: CardField, listed: (String, String) },
    #[error("the status of residence \"{0}\" cannot be extended online; please apply at a regional immigration office")]
    StatusNotCovered(&'static str),
    #[error("an online application cannot be made while the applicant is outside Japan")]
    OutsideJapan,
    #[error(
        "for supervising-organization type technical intern training only the supervising organization, not the implementing organization, may file"
    )]
    SupervisingOrganizationOnly,
    #[error(
        "the period of the work ends after the period of stay (which ends on {0}): a certificate certifies the work the stay allows; enter a last day no later than that, or extend the stay first"
    )]
    WorkBeyondStay(JstDate),
    #[error(transparent)]
    WorkCertificate(#[from] crate::work_certificate::WorkCertificateRefused),
    #[error(
        "a person with this passport is on a List of Affiliated Foreign Nationals: they are in Japan, and a certificate of eligibility is for a person abroad; for a resident, file a change of status or an extension"
    )]
    ListedInJapan,
    #[error(
        "a person with this passport is on a List of Affiliated Foreign Nationals: they hold a status of residence already; file an extension or a change of status for them"
    )]
    HasStatus,
}

impl Localized for EligibilityError {
    fn rule(&self) -> &'static str {
        match self {
            Self::OrganizationSuspended => "eligibility.organization_suspended",
            Self::OrganizationCancelled => "eligibility.organization_cancelled",
            Self::NotOnList => "eligibility.not_on_list",
            Self::DiffersFromCard { .. } => "eligibility.differs_from_card",
            Self::StatusNotCovered(_) => "eligibility.status_not_covered",
            Self::OutsideJapan => "eligibility.outside_japan",
            Self::SupervisingOrganizationOnly => "eligibility.supervising_organization_only",
            Self::WorkBeyondStay(_) => "work_period.beyond_stay",
            Self::WorkCertificate(e) => e.rule(),
            Self::ListedInJapan => "eligibility.listed_in_japan",
            Self::HasStatus => "eligibility.has_status",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::OrganizationSuspended => "所属機関のシステム利用が停止されています。利用を再開するには定期報告を提出してください。".into(),
            Self::OrganizationCancelled => "所属機関のシステム利用は取り消されています。".into(),
            Self::NotOnList => "この外国人は所属機関等に所属する外国人一覧に記載されていません。先に地方出入国在留管理官署へ追加を申し出てください。".into(),
            Self::DiffersFromCard { field, listed } => format!(
                "{}は在留カードのとおり入力してください。所属機関等に所属する外国人一覧では「{}」です。",
                field.name_ja(),
                listed.0
            ),
            Self::StatusNotCovered(name) => format!("在留資格「{name}」はオンライン申請の対象外です。地方出入国在留管理官署で申請してください。"),
            Self::OutsideJapan => "申請人が日本国外にいる間はオンライン申請できません。".into(),
            Self::SupervisingOrganizationOnly => "団体監理型技能実習の場合は、実施機関ではなく監理団体が申請してください。".into(),
            Self::WorkBeyondStay(expiry) => format!(
                "就労する期間の終了日が在留期間の満了日（{}）より後です。証明書は在留資格で認められる就労を証明するものです。満了日までの日付を入力するか、先に在留期間の更新を申請してください。",
                expiry
            ),
            Self::WorkCertificate(e) => e.message_ja(),
            Self::HasStatus => "この旅券の外国人は所属機関等に所属する外国人一覧に記載されており、既に在留資格を有しています。在留期間更新許可申請又は在留資格変更許可申請をしてください。".into(),
            Self::ListedInJapan => "この旅券の外国人は所属機関等に所属する外国人一覧に記載されており、日本に在留しています。在留資格認定証明書は日本国外にいる方のためのものです。在留中の方は在留資格変更許可申請又は在留期間更新許可申請をしてください。".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostRefusal {
    #[error(
        "with the status \"Official\" the card cannot be received by post: a seal must be affixed to the passport; choose the counter"
    )]
    Official,
    #[error(
        "re-entry or activity permission for a period of stay of 3 months or less is given by a seal in the passport, so the card cannot be received by post; choose the counter"
    )]
    PassportSeal,
    #[error("a petition to add the kanji name to the residence card cannot be received by post; choose the counter")]
    KanjiNamePetition,
    #[error(
        "less than six months remain until the applicant's 16th birthday, so the card is renewed with this application and cannot be received by post; choose the counter"
    )]
    SixteenthBirthday,
}

impl Localized for PostRefusal {
    fn rule(&self) -> &'static str {
        match self {
            Self::Official => "receipt_method.post_official",
            Self::PassportSeal => "receipt_method.post_passport_seal",
            Self::KanjiNamePetition => "receipt_method.post_kanji_name",
            Self::SixteenthBirthday => "receipt_method.post_sixteenth_birthday",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Official => "在留資格「公用」の方は旅券に証印が必要なため、郵送で受領できません。窓口を選択してください。".into(),
            Self::PassportSeal => "在留期間が3か月以下の方の再入国許可・資格外活動許可は旅券への証印で行うため、郵送で受領できません。窓口を選択してください。".into(),
            Self::KanjiNamePetition => "漢字氏名併記の申出がある場合は郵送で受領できません。窓口を選択してください。".into(),
            Self::SixteenthBirthday => "16歳の誕生日まで6か月未満のため在留カードの有効期間更新を伴い、郵送で受領できません。窓口を選択してください。".into(),
        }
    }
}

/// The facts the receipt-by-post rule depends on. The status, the birth date and the kanji name on the
/// card come from the List of Affiliated Foreign Nationals (what the card shows), never from the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostFacts {
    /// What is posted is a residence card (the rules below are the card's); a certificate goes by post
    /// whoever it is for.
    pub card: bool,
    /// The current status of residence (Q70).
    pub status: StatusOfResidence,
    /// The period of the permission being applied for (as asked, or as permitted once decided): a
    /// re-entry or activity permission given with a period of three months or less is a seal in the
    /// passport (Q53).
    pub period: PeriodOfStay,
    pub procedures: Procedures,
    pub kanji_name_petition: bool,
    /// The card held already shows the kanji name, so the petition needs no new card (Q53).
    pub kanji_name_on_card: bool,
    pub birth_date: JstDate,
}

impl PostFacts {
    /// The facts of an application for the person `listed`, or — for a person on no list (a first status,
    /// an acquisition's) — as the form gives them: the status asked for, no card held yet. `None` where
    /// the form holds no status at all.
    pub fn of(form: &ApplicationForm, listed: Option<&ForeignNational>) -> Option<Self> {
        Some(match listed {
            Some(listed) => Self {
                card: form.procedure.issues_card(),
                status: listed.status,
                period: form.desired_period().unwrap_or(listed.period_of_stay),
                procedures: form.procedures,
                kanji_name_petition: form.kanji_name_petition(),
                kanji_name_on_card: listed.kanji_name_on_card,
                birth_date: listed.birth_date,
            },
            None => Self {
                card: form.procedure.issues_card(),
                status: form.desired_status()?,
                period: form.desired_period()?,
                procedures: form.procedures,
                kanji_name_petition: form.kanji_name_petition(),
                kanji_name_on_card: false,
                birth_date: form.birth_date,
            },
        })
    }

    /// The 16th birthday falls after `day` (the card issued then is valid until it, Q53).
    fn under_sixteen_on(self, day: JstDate) -> bool {
        day < self.birth_date.add_years(16)
    }
}

/// Q53, Q57, Q70: may the residence card be received by post if it is issued on `issuance`? When the
/// method is chosen, the issuance day is not known yet and today stands for it: a refusal then only
/// becomes more certain (the birthday comes closer), and the rule is decided again on the day the card
/// is issued.
pub fn check_post_receipt(facts: PostFacts, issuance: JstDate) -> Result<(), PostRefusal> {
    if !facts.card {
        return Ok(());
    }
    if facts.status == StatusOfResidence::Official {
        return Err(PostRefusal::Official);
    }
    if facts.procedures.has_attachment() && facts.period.is_three_months_or_less() {
        return Err(PostRefusal::PassportSeal);
    }
    if facts.kanji_name_petition && !facts.kanji_name_on_card {
        return Err(PostRefusal::KanjiNamePetition);
    }
    // "Less than six months until the 16th birthday at the time of issuance": exactly six months is not.
    if facts.under_sixteen_on(issuance) && facts.birth_date.add_years(16) < issuance.add_months(6) {
        return Err(PostRefusal::SixteenthBirthday);
    }
    Ok(())
}

/// The checks of one receipt method choice, as a violation of the `receipt_method` field.
pub fn check_receipt_method(method: ReceiptMethod, facts: PostFacts, today: JstDate) -> Result<(), PostRefusal> {
    match method {
        // E-mail is a certificate's (the form offers it for nothing else): no card, none of a card's rules.
        ReceiptMethod::Counter | ReceiptMethod::Email => Ok(()),
        ReceiptMethod::Post => check_post_receipt(facts, today),
    }
}

/// Who files: the organization's use of the system (Q76) and its kind (Q1, Q17).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filer {
    pub use_state: UseState,
    pub kind: OrganizationKind,
}

impl Filer {
    pub fn of(org: &Organization) -> Self {
        Self { use_state: org.use_state(), kind: org.profile().kind }
    }
}

/// The proof that one foreign national's application passed every eligibility check on one day, with the
/// list entry it was checked against. Only [`check_eligibility`] makes one, and filing an application
/// needs it (`Application::submit`), so nothing can be filed unchecked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligible {
    person: crate::form::PersonKey,
    listed: Option<ForeignNational>,
    on: JstDate,
}

impl Eligible {
    /// The person the check was for: a resident's card, or the passport of a person abroad.
    pub fn person(&self) -> &crate::form::PersonKey {
        &self.person
    }

    /// The list entry a resident's application was checked against (a person abroad is on no list).
    pub fn listed(&self) -> Option<&ForeignNational> {
        self.listed.as_ref()
    }

    /// The day (JST) the check was made.
    pub fn on(&self) -> JstDate {
        self.on
    }
}

/// Nationality as the card writes it, or as commonly written in Japanese or English (the same country).
fn same_nationality(a: &str, b: &str) -> bool {
    crate::nationality::same(a, b)
}

/// What the list holds for a field of the card, in Japanese and English (a row that differs says it).
fn listed_value(listed: &ForeignNational, field: CardField) -> (String, String) {
    use crate::error::Language::{En, Ja};
    let both = |f: &dyn Fn(crate::error::Language) -> String| (f(Ja), f(En));
    match field {
        CardField::CardNumber => both(&|_| listed.card_number.to_string()),
        CardField::Name => both(&|_| listed.name.to_string()),
        CardField::Nationality => both(&|l| crate::nationality::shown(listed.nationality.as_str(), l)),
        CardField::BirthDate => both(&|_| listed.birth_date.to_string()),
        CardField::Sex => both(&|l| {
            let code = match listed.sex {
                crate::form::Sex::Male => "male",
                crate::form::Sex::Female => "female",
            };
            crate::form::field::Kind::Sex.answer(code, l)
        }),
        CardField::Status => both(&|l| crate::form::field::Kind::Status.answer(listed.status.code(), l)),
        CardField::Period => both(&|l| listed.period_of_stay.words(l)),
        CardField::Expiry => both(&|_| listed.expiry.to_string()),
    }
}

/// Q39: every field of the form that the residence card also shows must be as on the card, which the
/// List of Affiliated Foreign Nationals records; each differing field is named.
fn check_card_fields(c: &mut Collector, listed: &ForeignNational, form: &FormFacts) {
    // A value that does not read is not compared (the form reports its own error).
    fn differs<T>(typed: &Option<T>, same: impl FnOnce(&T) -> bool) -> bool {
        typed.as_ref().is_some_and(|t| !same(t))
    }
    let differs = [
        (CardField::CardNumber, differs(&form.card_number, |t| *t == listed.card_number)),
        (CardField::Name, differs(&form.name, |t| *t == listed.name)),
        (
            CardField::Nationality,
            differs(&form.nationality, |t| same_nationality(listed.nationality.as_str(), t.as_str())),
        ),
        (CardField::BirthDate, differs(&form.birth_date, |t| *t == listed.birth_date)),
        (CardField::Sex, differs(&form.sex, |t| *t == listed.sex)),
        (CardField::Status, differs(&form.status, |t| *t == listed.status)),
        (CardField::Period, differs(&form.period, |t| *t == listed.period_of_stay)),
        (CardField::Expiry, differs(&form.expiry, |t| *t == listed.expiry)),
    ];
    for (field, differs) in differs {
        if differs {
            c.push(field.field(), &EligibilityError::DiffersFromCard { field, listed: listed_value(listed, field) });
        }
    }
}

/// Every check of whether this application may be filed today by this organization, all reported at once:
/// the organization's use (Q76) and kind (Q1, Q17), the list (Q80) and the card data (Q39), the status
/// (Q21, Q29), presence in Japan (Q35), the filing window (Q26–Q28) and the receipt method (Q53, Q57,
/// Q70). The window, the status scope and the post rules read the list entry, never the typed values: a
/// false expiry date or status typed into the form is refused as differing from the card and cannot move
/// the window.
pub fn check_eligibility(
    filer: Filer,
    listed: Option<&ForeignNational>,
    form: &ApplicationForm,
    today: JstDate,
) -> Result<Eligible, Violations> {
    let mut c = Collector::new();
    check_facts(&mut c, filer, listed, &FormFacts::of(form), today);
    c.finish(|| match form.procedure.applicant() {
        Applicant::Resident => listed.map(|listed| Eligible {
            person: crate::form::PersonKey::Card(listed.card_number.clone()),
            listed: Some(listed.clone()),
            on: today,
        }),
        Applicant::Abroad | Applicant::WithoutStatus => {
            Some(Eligible { person: form.person_key(), listed: None, on: today })
        }
    })
}

/// Q36–Q39, Q42: every error of a form that did not read whole, at once: its own `violations`, and the
/// rules of [`check_eligibility`] on the values that did read ([`FormFacts`]); a field with an error of its
/// own is not also compared. `listed` is the list entry of the card number typed, if that reads (with none,
/// the list's rules wait for it).
pub fn with_eligibility(
    mut violations: Violations,
    filer: Filer,
    listed: Option<&ForeignNational>,
    facts: &FormFacts,
    today: JstDate,
) -> Violations {
    let mut c = Collector::new();
    check_facts(&mut c, filer, listed, facts, today);
    for v in c.finish(|| Some(())).err().map(|v| v.0).unwrap_or_default() {
        if violations.for_field(&v.field).next().is_none() {
            violations.0.push(v);
        }
    }
    violations
}

/// Every eligibility rule, each on the values it reads (a value that does not read skips its rules).
fn check_facts(c: &mut Collector, filer: Filer, listed: Option<&ForeignNational>, form: &FormFacts, today: JstDate) {
    match filer.use_state {
        UseState::Active => {}
        UseState::Suspended => c.push("organization", &EligibilityError::OrganizationSuspended),
        UseState::Cancelled => c.push("organization", &EligibilityError::OrganizationCancelled),
    }
    if form.in_japan == Some(false) {
        c.push(Field::InJapan, &EligibilityError::OutsideJapan);
    }
    // What is checked for a procedure not given (a form that did not read) is an extension's.
    let procedure = form.procedure.unwrap_or_default();
    match procedure.applicant() {
        Applicant::Resident => {}
        // `listed` is the entry of any list with the passport: a person on a list is in Japan, with a status.
        Applicant::Abroad => {
            if listed.is_some() {
                c.push(Field::PassportNumber, &EligibilityError::ListedInJapan);
            }
            return;
        }
        Applicant::WithoutStatus => {
            if listed.is_some() {
                c.push(Field::PassportNumber, &EligibilityError::HasStatus);
            }
            if let (Some(method), Some(post)) = (form.receipt_method, post_facts_unlisted(form)) {
                c.take(Field::ReceiptMethod, check_receipt_method(method, post, today));
            }
            return;
        }
    }
    let Some(listed) = listed else {
        if form.card_number.is_some() {
            c.push(Field::ResidenceCardNumber, &EligibilityError::NotOnList);
        }
        return;
    };
    check_card_fields(c, listed, form);
    let status = listed.status.info();
    match procedure {
        crate::procedure::Procedure::WorkCertificate => {
            // Why the status cannot have its work certified online, in the certificate's own words.
            c.take(
                Field::StatusOfResidence,
                crate::work_certificate::check_status(listed.status).map_err(EligibilityError::from),
            );
            if form.work_until.is_some_and(|until| until > listed.expiry) {
                c.push(Field::WorkUntil, &EligibilityError::WorkBeyondStay(listed.expiry));
            }
        }
        // (A person on no list returned above.)
        crate::procedure::Procedure::Extension
        | crate::procedure::Procedure::ChangeOfStatus
        | crate::procedure::Procedure::CertificateOfEligibility
        | crate::procedure::Procedure::Acquisition => {
            if !procedure.in_online_scope(listed.status) {
                c.push(Field::StatusOfResidence, &EligibilityError::StatusNotCovered(status.name_en));
            }
        }
    }
    if listed.status.is_supervised_intern_training() && filer.kind != OrganizationKind::SupervisingOrganization {
        c.push("organization", &EligibilityError::SupervisingOrganizationOnly);
    }
    c.take(Field::ExpiryDate, procedure.check_filing_window(listed.expiry, listed.period_of_stay, today));
    if let (Some(method), Some(post)) = (form.receipt_method, post_facts(form, listed)) {
        c.take(Field::ReceiptMethod, check_receipt_method(method, post, today));
    }
}

/// The facts the post rules read of a person on no list (a first status), when every one of them reads.
fn post_facts_unlisted(form: &FormFacts) -> Option<PostFacts> {
    if !form.procedure?.issues_card() {
        return None;
    }
    Some(PostFacts {
        card: true,
        status: form.desired_status?,
        period: form.desired_period?,
        procedures: form.procedures?,
        kanji_name_petition: form.kanji_name_petition?,
        kanji_name_on_card: false,
        birth_date: form.birth_date?,
    })
}

/// The facts the post rules read, when every one of them reads.
fn post_facts(form: &FormFacts, listed: &ForeignNational) -> Option<PostFacts> {
    if !form.procedure?.issues_card() {
        return None;
    }
    Some(PostFacts {
        card: true,
        status: listed.status,
        period: form.desired_period?,
        procedures: form.procedures?,
        kanji_name_petition: form.kanji_name_petition?,
        kanji_name_on_card: listed.kanji_name_on_card,
        birth_date: listed.birth_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{application_input, list_entry};
    use crate::form::{ApplicationInput, Flag, ReEntry};
    use crate::jst::d;

    fn today() -> JstDate {
        d("2026-11-27")
    }

    const CORPORATION: Filer = Filer { use_state: UseState::Active, kind: OrganizationKind::Corporation };
    const SUPERVISING: Filer = Filer { use_state: UseState::Active, kind: OrganizationKind::SupervisingOrganization };

    fn form(edit: impl FnOnce(&mut ApplicationInput)) -> ApplicationForm {
        let mut i = application_input();
        edit(&mut i);
        ApplicationForm::parse(&i, today()).unwrap()
    }

    /// #35 item 2: a person on no list asking for a card is held to the card's post rules on the form's facts
    /// (a petition for the kanji name is collected at the counter, Q57); by post without one, accepted.
    #[test]
    fn a_first_status_s_card_follows_the_post_rules_on_the_form_s_facts() {
        let all = crate::procedure::Procedure::ALL;
        let acquisition = |petition: bool, method: &str| {
            let mut i = crate::fixtures::acquisition_input();
            i.kanji_name_petition = Flag::Bool(petition);
            i.receipt_method = method.into();
            ApplicationForm::parse_offering(&i, today(), &all).unwrap()
        };
        let refused = check_eligibility(CORPORATION, None, &acquisition(true, "post"), today()).unwrap_err();
        assert_eq!(
            (refused.0[0].field.as_str(), refused.0[0].rule),
            ("receipt_method", "receipt_method.post_kanji_name")
        );
        assert!(check_eligibility(CORPORATION, None, &acquisition(true, "counter"), today()).is_ok());
        assert!(check_eligibility(CORPORATION, None, &acquisition(false, "post"), today()).is_ok());
    }

    /// #35 item 6, from the spec's side: a student (no work allowed) is refused a work certificate at the
    /// status, with why; an engineer is not; the work certified ends within the stay the list records.
    #[test]
    fn a_work_certificate_is_for_work_the_stay_allows() {
        let work = |edit: &dyn Fn(&mut ApplicationInput)| {
            let mut i = crate::fixtures::work_certificate_input();
            edit(&mut i);
            ApplicationForm::parse(&i, today()).unwrap()
        };
        assert_eq!(rules_for(CORPORATION, &list_entry(), &work(&|_| {})), vec![]);
        let student = person(|p| p.status = StatusOfResidence::Student);
        let form = work(&|i| i.status_of_residence = "留学".into());
        assert_eq!(
            rules_for(CORPORATION, &student, &form),
            vec![("status_of_residence".into(), "work_certificate.cannot_work")]
        );
        let beyond = work(&|i| i.work_until = "2027-01-21".into());
        assert_eq!(
            rules_for(CORPORATION, &list_entry(), &beyond),
            vec![("work_until".into(), "work_period.beyond_stay")]
        );
        let e = EligibilityError::WorkBeyondStay(d("2027-01-20"));
        assert!(e.message_ja().contains("2027-01-20") && e.to_string().contains("2027-01-20"));
        // Post takes a certificate whoever it is for: a card's rules (an applicant near 16) do not apply.
        let young = person(|p| p.birth_date = d("2011-01-01"));
        let form = work(&|i| i.birth_date = "2011-01-01".into());
        assert_eq!(rules_for(CORPORATION, &young, &form), vec![]);
        assert!(!PostFacts::of(&form, Some(&young)).unwrap().card);
    }

    fn person(edit: impl FnOnce(&mut ForeignNational)) -> ForeignNational {
        let mut p = list_entry();
        edit(&mut p);
        p
    }

    fn rules_for(filer: Filer, listed: &ForeignNational, f: &ApplicationForm) -> Vec<(String, &'static str)> {
        match check_eligibility(filer, Some(listed), f, today()) {
            Ok(_) => vec![],
            Err(v) => v.iter().map(|v| (v.field.clone(), v.rule)).collect(),
        }
    }

    /// The form and the list entry, each edited on its own.
    fn rules(
        edit_form: impl FnOnce(&mut ApplicationInput),
        edit_list: impl FnOnce(&mut ForeignNational),
    ) -> Vec<(String, &'static str)> {
        rules_for(CORPORATION, &person(edit_list), &form(edit_form))
    }

    fn one(field: &str, rule: &'static str) -> Vec<(String, &'static str)> {
        vec![(field.into(), rule)]
    }

    #[test]
    fn the_example_is_eligible() {
        assert_eq!(rules(|_| {}, |_| {}), vec![]);
    }

    /// The rules of a form with errors, reported with them (as the service and the blanket rows do).
    fn all_at_once(
        edit: impl FnOnce(&mut ApplicationInput),
        listed: Option<&ForeignNational>,
    ) -> Vec<(String, &'static str)> {
        let mut i = application_input();
        edit(&mut i);
        let (violations, facts) = *ApplicationForm::parse_with_facts(&i, today()).unwrap_err();
        let all = with_eligibility(violations, CORPORATION, listed, &facts, today());
        let mut got: Vec<_> = all.iter().map(|v| (v.field.clone(), v.rule)).collect();
        got.sort();
        got
    }

    #[test]
    fn q36_to_q39_a_form_with_errors_gets_its_eligibility_rules_at_the_same_time() {
        let listed = list_entry();
        // A postcode that does not read, and post chosen with a kanji-name petition (Q57): both at once.
        let got = all_at_once(
            |i| {
                i.postcode = "1000".into();
                i.kanji_name_petition = Flag::Text("有".into());
            },
            Some(&listed),
        );
        assert_eq!(
            got,
            vec![("postcode".into(), "postcode.format"), ("receipt_method".into(), "receipt_method.post_kanji_name")]
        );
        // A field with its own error is not also compared with the card; another that differs is.
        let got = all_at_once(
            |i| {
                i.name = "Nguyen Van An".into();
                i.sex = if listed.sex == crate::form::Sex::Male { "female".into() } else { "male".into() };
            },
            Some(&listed),
        );
        assert_eq!(
            got,
            vec![("name".into(), "name_on_card.lowercase"), ("sex".into(), "eligibility.differs_from_card")]
        );
        // A card number that does not read is not looked up: no "not on the list" beside its own error.
        let got = all_at_once(|i| i.residence_card_number = "12".into(), None);
        assert_eq!(got.iter().filter(|(f, _)| f == "residence_card_number").count(), 1, "{got:?}");
        // One that reads and is not on the list is said to be so, with the other errors.
        let got = all_at_once(|i| i.postcode = "1000".into(), None);
        assert!(got.contains(&("residence_card_number".into(), "eligibility.not_on_list")), "{got:?}");
    }

    #[test]
    fn q26_q27_q28_the_window_is_that_of_the_listed_expiry() {
        for (expiry, rule) in [
            ("20261127", "filing_window.expiry_day"),
            ("20261126", "filing_window.expired"),
            ("20270328", "filing_window.too_early"),
        ] {
            let got = rules(|i| i.expiry_date = expiry.into(), |p| p.expiry = JstDate::parse(expiry).unwrap());
            assert_eq!(got, one("expiry_date", rule), "{expiry}");
        }
    }

    #[test]
    fn q26_q39_a_typed_expiry_inside_the_window_does_not_open_it() {
        // Listed (as on the card): expires 2027-06-30, so the window opens on 2027-03-30. Typed: 2027-01-20.
        let got = rules(|_| {}, |p| p.expiry = d("2027-06-30"));
        assert_eq!(
            got,
            vec![
                ("expiry_date".into(), "eligibility.differs_from_card"),
                ("expiry_date".into(), "filing_window.too_early")
            ]
        );
        // And one listed as expired cannot file by typing a later date.
        let got = rules(|_| {}, |p| p.expiry = d("2026-11-20"));
        assert!(got.contains(&("expiry_date".into(), "filing_window.expired")), "{got:?}");
    }

    #[test]
    fn q29_q39_a_covered_status_typed_for_a_specified_skilled_worker_is_refused() {
        let got = rules(|_| {}, |p| p.status = StatusOfResidence::SpecifiedSkilledWorker1);
        assert_eq!(
            got,
            vec![
                ("status_of_residence".into(), "eligibility.differs_from_card"),
                ("status_of_residence".into(), "eligibility.status_not_covered")
            ]
        );
    }

    #[test]
    fn q29_specified_skilled_worker_is_refused() {
        let got = rules(
            |i| i.status_of_residence = "特定技能1号".into(),
            |p| p.status = StatusOfResidence::SpecifiedSkilledWorker1,
        );
        assert_eq!(got, one("status_of_residence", "eligibility.status_not_covered"));
    }

    #[test]
    fn q39_every_field_the_card_shows_must_be_as_on_the_card_and_is_named() {
        type Edit = fn(&mut ApplicationInput);
        let cases: [(&str, Edit); 7] = [
            ("name", |i| i.name = "NGUYEN,VAN,BINH".into()),
            ("nationality", |i| i.nationality = "Thailand".into()),
            ("birth_date", |i| i.birth_date = "19950413".into()),
            ("sex", |i| i.sex = "女".into()),
            ("status_of_residence", |i| i.status_of_residence = "技能".into()),
            ("period_of_stay", |i| i.period_of_stay = "3Y".into()),
            ("expiry_date", |i| i.expiry_date = "20270121".into()),
        ];
        for (field, edit) in cases {
            assert_eq!(rules(edit, |_| {}), one(field, "eligibility.differs_from_card"), "{field}");
        }
        // The card number found on the list must be the one typed (a list keyed otherwise would catch it).
        let other_card = person(|p| p.card_number = crate::values::ResidenceCardNumber::parse("ZZ11223344YY").unwrap());
        assert_eq!(
            rules_for(CORPORATION, &other_card, &form(|_| {})),
            one("residence_card_number", "eligibility.differs_from_card")
        );
    }

    #[test]
    fn q39_the_refusal_says_to_enter_the_card_information_and_names_the_field() {
        let v =
            check_eligibility(CORPORATION, Some(&list_entry()), &form(|i| i.sex = "女".into()), today()).unwrap_err();
        assert_eq!(v.0[0].field, "sex");
        // Saying what the list holds, in words.
        assert_eq!(
            v.0[0].message_en,
            "Enter the sex as the residence card shows it: the List of Affiliated Foreign Nationals has Male."
        );
        assert_eq!(
            v.0[0].message_ja,
            "性別は在留カードのとおり入力してください。所属機関等に所属する外国人一覧では「男」です。"
        );
    }

    #[test]
    fn q39_nationality_as_on_the_card_regardless_of_case_and_spacing() {
        assert_eq!(rules(|i| i.nationality = "viet  nam".into(), |_| {}), vec![]);
        // As HR departments write it: in Japanese, in one word, by its code.
        for written in ["ベトナム", "VIETNAM", "VNM"] {
            assert_eq!(rules(|i| i.nationality = written.into(), |_| {}), vec![], "{written}");
        }
        assert_eq!(
            rules(|i| i.nationality = "タイ".into(), |_| {}),
            one("nationality", "eligibility.differs_from_card")
        );
    }

    #[test]
    fn q35_an_applicant_outside_japan_is_refused() {
        assert_eq!(rules(|i| i.in_japan = Flag::Bool(false), |_| {}), one("in_japan", "eligibility.outside_japan"));
    }

    #[test]
    fn q80_a_person_not_on_the_list_is_refused() {
        let v = check_eligibility(CORPORATION, None, &form(|_| {}), today()).unwrap_err();
        assert_eq!(
            v.iter().map(|v| (v.field.as_str(), v.rule)).collect::<Vec<_>>(),
            [("residence_card_number", "eligibility.not_on_list")]
        );
    }

    #[test]
    fn q76_a_suspended_organization_cannot_file() {
        for (use_state, rule) in [
            (UseState::Suspended, "eligibility.organization_suspended"),
            (UseState::Cancelled, "eligibility.organization_cancelled"),
        ] {
            let filer = Filer { use_state, kind: OrganizationKind::Corporation };
            assert_eq!(rules_for(filer, &list_entry(), &form(|_| {})), one("organization", rule));
            assert_eq!(check_eligibility(filer, None, &form(|_| {}), today()).unwrap_err().iter().count(), 2);
        }
    }

    #[test]
    fn q1_q17_supervising_type_intern_training_is_filed_by_the_supervising_organization_only() {
        for (typed, status) in [
            ("技能実習1号ロ", StatusOfResidence::TechnicalInternTraining1b),
            ("技能実習2号ロ", StatusOfResidence::TechnicalInternTraining2b),
            ("技能実習3号ロ", StatusOfResidence::TechnicalInternTraining3b),
        ] {
            let f = form(|i| i.status_of_residence = typed.into());
            let p = person(|p| p.status = status);
            assert_eq!(
                rules_for(CORPORATION, &p, &f),
                one("organization", "eligibility.supervising_organization_only"),
                "{typed}"
            );
            assert_eq!(rules_for(SUPERVISING, &p, &f), vec![], "{typed}");
        }
        // Company-type training is filed by the company itself.
        let f = form(|i| i.status_of_residence = "技能実習2号イ".into());
        let p = person(|p| p.status = StatusOfResidence::TechnicalInternTraining2a);
        assert_eq!(rules_for(CORPORATION, &p, &f), vec![]);
    }

    #[test]
    fn all_refusals_are_reported_together() {
        let got = rules(
            |i| {
                i.in_japan = Flag::Bool(false);
                i.status_of_residence = "特定技能1号".into();
                i.expiry_date = "20261126".into();
            },
            |p| {
                p.status = StatusOfResidence::SpecifiedSkilledWorker1;
                p.expiry = d("2026-11-26");
            },
        );
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn q70_official_cannot_choose_post() {
        let official = |p: &mut ForeignNational| p.status = StatusOfResidence::Official;
        let got = rules(
            |i| {
                i.status_of_residence = "公用".into();
                i.procedures = vec!["extension".into(), "re_entry_single".into()];
            },
            official,
        );
        assert_eq!(got, one("receipt_method", "receipt_method.post_official"));
        let counter = rules(
            |i| {
                i.status_of_residence = "公用".into();
                i.receipt_method = "counter".into();
            },
            official,
        );
        assert_eq!(counter, vec![]);
    }

    fn facts(edit: impl FnOnce(&mut PostFacts)) -> PostFacts {
        let mut f = PostFacts {
            card: true,
            status: StatusOfResidence::Dependent,
            period: PeriodOfStay::parse("1Y").unwrap(),
            procedures: Procedures::EXTENSION_ONLY,
            kanji_name_petition: false,
            kanji_name_on_card: false,
            birth_date: d("1990-01-01"),
        };
        edit(&mut f);
        f
    }

    #[test]
    fn q53_short_period_applied_for_with_re_entry_cannot_choose_post() {
        let re_entry = Procedures { re_entry: Some(ReEntry::Single), activity_outside_status: false };
        let activity = Procedures { re_entry: None, activity_outside_status: true };
        let with = |procedures, period: &str| {
            facts(|f| {
                f.procedures = procedures;
                f.period = PeriodOfStay::parse(period).unwrap();
            })
        };
        assert_eq!(check_post_receipt(with(re_entry, "3M"), today()), Err(PostRefusal::PassportSeal));
        assert_eq!(check_post_receipt(with(activity, "90D"), today()), Err(PostRefusal::PassportSeal));
        assert_eq!(check_post_receipt(with(re_entry, "6M"), today()), Ok(()));
        assert_eq!(check_post_receipt(with(Procedures::EXTENSION_ONLY, "3M"), today()), Ok(()));
    }

    #[test]
    fn q53_the_seal_case_reads_the_period_applied_for_not_the_current_one() {
        // Current period (on the card) 3 months; 1 year asked for, with re-entry: post is possible.
        let re_entry = |i: &mut ApplicationInput| {
            i.procedures = vec!["extension".into(), "re_entry_multiple".into()];
            i.period_of_stay = "3M".into();
            i.desired_period_of_stay = "1Y".into();
            i.expiry_date = "20261215".into();
        };
        let three_months = |p: &mut ForeignNational| {
            p.period_of_stay = PeriodOfStay::parse("3M").unwrap();
            p.expiry = d("2026-12-15");
        };
        assert_eq!(rules(re_entry, three_months), vec![]);
        // Asking for 3 months with re-entry: a seal in the passport.
        let short = |i: &mut ApplicationInput| {
            re_entry(i);
            i.desired_period_of_stay = "3M".into();
        };
        assert_eq!(rules(short, three_months), one("receipt_method", "receipt_method.post_passport_seal"));
    }

    #[test]
    fn q57_kanji_name_petition_cannot_choose_post_unless_the_card_already_shows_kanji() {
        let petition = |i: &mut ApplicationInput| i.kanji_name_petition = Flag::Text("有".into());
        assert_eq!(rules(petition, |_| {}), one("receipt_method", "receipt_method.post_kanji_name"));
        assert_eq!(rules(petition, |p| p.kanji_name_on_card = true), vec![]);
    }

    #[test]
    fn q53_less_than_six_months_to_the_16th_birthday_at_issuance_cannot_choose_post() {
        let born = |birth: &str| facts(|f| f.birth_date = d(birth));
        // Turns 16 on 2027-05-27: exactly six months after the day of issuance is not "less than".
        assert_eq!(check_post_receipt(born("2011-05-27"), today()), Ok(()));
        assert_eq!(check_post_receipt(born("2011-05-26"), today()), Err(PostRefusal::SixteenthBirthday));
        // The same person issued one day later: less than six months remain.
        assert_eq!(check_post_receipt(born("2011-05-27"), d("2026-11-28")), Err(PostRefusal::SixteenthBirthday));
        // 16 tomorrow, and already 16.
        assert_eq!(check_post_receipt(born("2010-11-28"), today()), Err(PostRefusal::SixteenthBirthday));
        assert_eq!(check_post_receipt(born("2010-11-27"), today()), Ok(()));
    }

    #[test]
    fn q53_the_birth_date_is_the_card_s() {
        // Typed as 30 years old, listed as turning 16 within six months: post is refused.
        let got = rules(|_| {}, |p| p.birth_date = d("2011-02-01"));
        assert!(got.contains(&("receipt_method".into(), "receipt_method.post_sixteenth_birthday")), "{got:?}");
    }

    #[test]
    fn post_refusals_explain_themselves_in_japanese_and_name_the_counter() {
        for r in [
            PostRefusal::Official,
            PostRefusal::PassportSeal,
            PostRefusal::KanjiNamePetition,
            PostRefusal::SixteenthBirthday,
        ] {
            let ja = r.message_ja();
            assert!(ja.contains("郵送で受領できません") && ja.contains("窓口を選択してください"), "{r:?}: {ja}");
        }
    }
}
