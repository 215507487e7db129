//! Whether an application may be filed (Q21, Q26–Q29, Q35, Q39, Q80, Q76) and whether its residence card
//! may be received by post (Q53, Q57, Q70). The same checks run for single entry, for each blanket row,
//! and again at submission (an application entered inside the window may be submitted after it closed).

use crate::error::{Collector, Localized, Violations};
use crate::form::{ApplicationForm, Procedures};
use crate::jst::JstDate;
use crate::organization::{ForeignNational, UseState};
use crate::period::{FilingWindow, PeriodOfStay};
use crate::status::ReceiptMethod;
use crate::status_of_residence::StatusOfResidence;
use crate::values::ResidenceCardNumber;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EligibilityError {
    #[error("the organization's use of the system is suspended; submit a periodic report to resume it (Q76)")]
    OrganizationSuspended,
    #[error("the organization's use of the system has been cancelled")]
    OrganizationCancelled,
    #[error(
        "this foreign national is not on the organization's List of Affiliated Foreign Nationals; ask the regional office to add them first (Q80)"
    )]
    NotOnList,
    #[error(
        "please enter the information as given in the residence card information: the {0} differs from the list of affiliated foreign nationals (Q39)"
    )]
    DiffersFromCard(&'static str),
    #[error(
        "the status of residence \"{0}\" cannot be extended online (Q21, Q29); please apply at a regional immigration office"
    )]
    StatusNotCovered(&'static str),
    #[error("an online application cannot be made while the applicant is outside Japan (Q35)")]
    OutsideJapan,
}

impl Localized for EligibilityError {
    fn rule(&self) -> &'static str {
        match self {
            Self::OrganizationSuspended => "eligibility.organization_suspended",
            Self::OrganizationCancelled => "eligibility.organization_cancelled",
            Self::NotOnList => "eligibility.not_on_list",
            Self::DiffersFromCard(_) => "eligibility.differs_from_card",
            Self::StatusNotCovered(_) => "eligibility.status_not_covered",
            Self::OutsideJapan => "eligibility.outside_japan",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::OrganizationSuspended => "所属機関のシステム利用が停止されています。利用を再開するには定期報告を提出してください（Q76）。".into(),
            Self::OrganizationCancelled => "所属機関のシステム利用は取り消されています。".into(),
            Self::NotOnList => "この外国人は所属外国人名簿に記載されていません。先に地方出入国在留管理官署へ追加を申し出てください（Q80）。".into(),
            Self::DiffersFromCard(what) => format!("在留カードの情報のとおり入力してください（所属外国人名簿と{what}が一致しません。Q39）。"),
            Self::StatusNotCovered(name) => format!("在留資格「{name}」はオンライン申請の対象外です（Q21、Q29）。地方出入国在留管理官署で申請してください。"),
            Self::OutsideJapan => "申請人が日本国外にいる間はオンライン申請できません（Q35）。".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostRefusal {
    #[error(
        "with the status \"Official\" the card cannot be received by post: a seal must be affixed to the passport (Q70); choose the counter"
    )]
    Official,
    #[error(
        "re-entry or activity permission for a period of stay of 3 months or less is given by a seal in the passport, so the card cannot be received by post (Q53); choose the counter"
    )]
    PassportSeal,
    #[error(
        "a petition to add the kanji name to the residence card cannot be received by post (Q53, Q57); choose the counter"
    )]
    KanjiNamePetition,
    #[error(
        "the applicant turns 16 within six months, so the card is renewed with this application and cannot be received by post (Q53); choose the counter"
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
            Self::Official => "在留資格「公用」の方は旅券に証印が必要なため、郵送で受領できません（Q70）。窓口を選択してください。".into(),
            Self::PassportSeal => "在留期間が3か月以下の方の再入国許可・資格外活動許可は旅券への証印で行うため、郵送で受領できません（Q53）。窓口を選択してください。".into(),
            Self::KanjiNamePetition => "漢字氏名併記の申出がある場合は郵送で受領できません（Q53、Q57）。窓口を選択してください。".into(),
            Self::SixteenthBirthday => "6か月以内に16歳の誕生日を迎えるため在留カードの有効期間更新を伴い、郵送で受領できません（Q53）。窓口を選択してください。".into(),
        }
    }
}

/// The facts the receipt-by-post rule depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostFacts {
    pub status: StatusOfResidence,
    pub period: PeriodOfStay,
    pub procedures: Procedures,
    pub kanji_name_petition: bool,
    pub birth_date: JstDate,
}

impl PostFacts {
    pub fn of(form: &ApplicationForm) -> Self {
        Self {
            status: form.stay.status,
            period: form.stay.period,
            procedures: form.procedures,
            kanji_name_petition: form.kanji_name_petition,
            birth_date: form.birth_date,
        }
    }
}

/// Q53, Q57, Q70: may the residence card be received by post? `today` stands for the day of issuance,
/// which is not known when the method is chosen.
pub fn check_post_receipt(facts: PostFacts, today: JstDate) -> Result<(), PostRefusal> {
    if facts.status == StatusOfResidence::Official {
        return Err(PostRefusal::Official);
    }
    if facts.procedures.has_attachment() && facts.period.is_three_months_or_less() {
        return Err(PostRefusal::PassportSeal);
    }
    if facts.kanji_name_petition {
        return Err(PostRefusal::KanjiNamePetition);
    }
    let sixteenth = facts.birth_date.add_years(16);
    if today < sixteenth && sixteenth <= today.add_months(6) {
        return Err(PostRefusal::SixteenthBirthday);
    }
    Ok(())
}

/// The checks of one receipt method choice, as a violation of the `receipt_method` field.
pub fn check_receipt_method(method: ReceiptMethod, facts: PostFacts, today: JstDate) -> Result<(), PostRefusal> {
    match method {
        ReceiptMethod::Counter => Ok(()),
        ReceiptMethod::Post => check_post_receipt(facts, today),
    }
}

/// The proof that one foreign national's application passed every eligibility check on one day. Only
/// [`check_eligibility`] makes one, and filing an application needs it (`Application::submit`), so nothing
/// can be filed unchecked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligible {
    card: ResidenceCardNumber,
    on: JstDate,
}

impl Eligible {
    /// The residence card of the foreign national the check was for.
    pub fn card(&self) -> &ResidenceCardNumber {
        &self.card
    }

    /// The day (JST) the check was made.
    pub fn on(&self) -> JstDate {
        self.on
    }
}

/// Every check of whether this application may be filed today by this organization, all reported at once:
/// the organization's use (Q76), the list (Q80) and the card data (Q39), the status (Q21, Q29), presence in
/// Japan (Q35), the filing window (Q26–Q28) and the receipt method (Q53, Q57, Q70).
pub fn check_eligibility(
    use_state: UseState,
    listed: Option<&ForeignNational>,
    form: &ApplicationForm,
    today: JstDate,
) -> Result<Eligible, Violations> {
    let mut c = Collector::new();
    match use_state {
        UseState::Active => {}
        UseState::Suspended => c.push("organization", &EligibilityError::OrganizationSuspended),
        UseState::Cancelled => c.push("organization", &EligibilityError::OrganizationCancelled),
    }
    match listed {
        None => c.push("residence_card_number", &EligibilityError::NotOnList),
        Some(person) => {
            if person.name != form.name {
                c.push("name", &EligibilityError::DiffersFromCard("name"));
            }
            if person.birth_date != form.birth_date {
                c.push("birth_date", &EligibilityError::DiffersFromCard("date of birth"));
            }
        }
    }
    let status = form.stay.status.info();
    if !status.online {
        c.push("status_of_residence", &EligibilityError::StatusNotCovered(status.name_en));
    }
    if !form.in_japan {
        c.push("in_japan", &EligibilityError::OutsideJapan);
    }
    c.take("expiry_date", FilingWindow::for_stay(form.stay.expiry, form.stay.period).check(today));
    c.take("receipt_method", check_receipt_method(form.receipt_method, PostFacts::of(form), today));
    c.finish(|| Some(Eligible { card: form.stay.card_number.clone(), on: today }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::application_input;
    use crate::form::{ApplicationInput, Flag, ReEntry};
    use crate::jst::d;
    use crate::values::NameOnCard;

    fn today() -> JstDate {
        d("2026-11-27")
    }

    fn form(edit: impl FnOnce(&mut ApplicationInput)) -> ApplicationForm {
        let mut i = application_input();
        edit(&mut i);
        ApplicationForm::parse(&i, today()).unwrap()
    }

    fn listed(f: &ApplicationForm) -> ForeignNational {
        crate::fixtures::listed_as(f)
    }

    fn rules(f: &ApplicationForm) -> Vec<(String, &'static str)> {
        match check_eligibility(UseState::Active, Some(&listed(f)), f, today()) {
            Ok(_) => vec![],
            Err(v) => v.iter().map(|v| (v.field.clone(), v.rule)).collect(),
        }
    }

    #[test]
    fn the_example_is_eligible() {
        assert_eq!(rules(&form(|_| {})), vec![]);
    }

    #[test]
    fn q26_q27_q28_window_refusals_name_the_expiry_date() {
        for (expiry, rule) in [
            ("20261127", "filing_window.expiry_day"),
            ("20261126", "filing_window.expired"),
            ("20270328", "filing_window.too_early"),
        ] {
            let f = form(|i| i.expiry_date = expiry.into());
            assert_eq!(rules(&f), vec![("expiry_date".into(), rule)], "{expiry}");
        }
    }

    #[test]
    fn q29_specified_skilled_worker_is_refused() {
        let f = form(|i| i.status_of_residence = "特定技能1号".into());
        assert_eq!(rules(&f), vec![("status_of_residence".into(), "eligibility.status_not_covered")]);
    }

    #[test]
    fn q35_an_applicant_outside_japan_is_refused() {
        let f = form(|i| i.in_japan = Flag::Bool(false));
        assert_eq!(rules(&f), vec![("in_japan".into(), "eligibility.outside_japan")]);
    }

    #[test]
    fn q80_a_person_not_on_the_list_is_refused() {
        let f = form(|_| {});
        let v = check_eligibility(UseState::Active, None, &f, today()).unwrap_err();
        assert_eq!(v.0[0].field, "residence_card_number");
        assert_eq!(v.0[0].rule, "eligibility.not_on_list");
    }

    #[test]
    fn q39_name_and_birth_date_must_match_the_card() {
        let f = form(|_| {});
        let mut person = listed(&f);
        person.name = NameOnCard::parse("NGUYEN,VAN,BINH").unwrap();
        person.card_number = ResidenceCardNumber::parse("AB12345678CD").unwrap();
        let v = check_eligibility(UseState::Active, Some(&person), &f, today()).unwrap_err();
        assert_eq!(v.0[0].rule, "eligibility.differs_from_card");
        assert_eq!(v.0[0].field, "name");
    }

    #[test]
    fn q76_a_suspended_organization_cannot_file() {
        let f = form(|_| {});
        for (state, rule) in [
            (UseState::Suspended, "eligibility.organization_suspended"),
            (UseState::Cancelled, "eligibility.organization_cancelled"),
        ] {
            let v = check_eligibility(state, Some(&listed(&f)), &f, today()).unwrap_err();
            assert_eq!(v.0[0].rule, rule);
        }
    }

    #[test]
    fn all_refusals_are_reported_together() {
        let f = form(|i| {
            i.in_japan = Flag::Bool(false);
            i.status_of_residence = "特定技能1号".into();
            i.expiry_date = "20261126".into();
        });
        assert_eq!(rules(&f).len(), 3);
    }

    #[test]
    fn q70_official_cannot_choose_post() {
        let f = form(|i| {
            i.status_of_residence = "公用".into();
            i.procedures = vec!["extension".into(), "re_entry_single".into()];
        });
        assert_eq!(rules(&f), vec![("receipt_method".into(), "receipt_method.post_official")]);
        let counter = form(|i| {
            i.status_of_residence = "公用".into();
            i.receipt_method = "counter".into();
        });
        assert_eq!(rules(&counter), vec![]);
    }

    #[test]
    fn q53_short_stay_with_re_entry_cannot_choose_post() {
        let facts = |procedures, period: &str| PostFacts {
            status: StatusOfResidence::Dependent,
            period: PeriodOfStay::parse(period).unwrap(),
            procedures,
            kanji_name_petition: false,
            birth_date: d("1990-01-01"),
        };
        let re_entry = Procedures { re_entry: Some(ReEntry::Single), activity_outside_status: false };
        let activity = Procedures { re_entry: None, activity_outside_status: true };
        assert_eq!(check_post_receipt(facts(re_entry, "3M"), today()), Err(PostRefusal::PassportSeal));
        assert_eq!(check_post_receipt(facts(activity, "90D"), today()), Err(PostRefusal::PassportSeal));
        assert_eq!(check_post_receipt(facts(re_entry, "6M"), today()), Ok(()));
        assert_eq!(check_post_receipt(facts(Procedures::EXTENSION_ONLY, "3M"), today()), Ok(()));
    }

    #[test]
    fn q57_kanji_name_petition_cannot_choose_post() {
        let f = form(|i| i.kanji_name_petition = Flag::Text("有".into()));
        assert_eq!(rules(&f), vec![("receipt_method".into(), "receipt_method.post_kanji_name")]);
    }

    #[test]
    fn q53_sixteenth_birthday_within_six_months_cannot_choose_post() {
        let facts = |birth: &str| PostFacts {
            status: StatusOfResidence::Dependent,
            period: PeriodOfStay::parse("1Y").unwrap(),
            procedures: Procedures::EXTENSION_ONLY,
            kanji_name_petition: false,
            birth_date: d(birth),
        };
        // Turns 16 on 2027-05-27: exactly six months after today.
        assert_eq!(check_post_receipt(facts("2011-05-27"), today()), Err(PostRefusal::SixteenthBirthday));
        assert_eq!(check_post_receipt(facts("2011-05-28"), today()), Ok(()));
        // Already 16.
        assert_eq!(check_post_receipt(facts("2010-11-27"), today()), Ok(()));
        assert_eq!(check_post_receipt(facts("2010-11-28"), today()), Err(PostRefusal::SixteenthBirthday));
    }
}
