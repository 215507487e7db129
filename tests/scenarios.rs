//! The scenarios of the acceptance suite, as far as the parts they need have landed. Today that is the
//! domain: each story is played through the domain's public API with the clock fixed. As the services,
//! the HTTP layer and the local server land, each scenario moves up to run over a real socket.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

use zairyu_domain::account::{
    LoginFacts, LoginGuard, PasswordAge, PasswordReminder, UserState, check_login_allowed, check_not_locked,
};
use zairyu_domain::application::{Application, ApplicationError, ApplicationId, OrganizationId, PhotoRef};
use zairyu_domain::eligibility::{Filer, check_eligibility};
use zairyu_domain::error::Violations;
use zairyu_domain::fixtures::{application_input, list_entry};
use zairyu_domain::form::{ApplicationForm, ApplicationInput, Flag};
use zairyu_domain::jst::JstDate;
use zairyu_domain::organization::{
    ApprovalOfUse, ForeignNational, OrganizationKind, UseState, after_periodic_report_approved, is_due_for_suspension,
};
use zairyu_domain::photo::check_photo;
use zairyu_domain::receipt_number::TemporaryReceiptNumber;
use zairyu_domain::status::{Actor, ApplicationStatus, OfficerRole, ReceiptMethod};
use zairyu_domain::status_of_residence::StatusOfResidence;
use zairyu_domain::values::UserId;

fn day(s: &str) -> JstDate {
    JstDate::parse(s).unwrap()
}

const TODAY: &str = "2026-11-27";

const FILER: Filer = Filer { use_state: UseState::Active, kind: OrganizationKind::Corporation };

/// The organization's list entry of the example's person (as the card shows it), edited on its own.
fn listed(edit: impl FnOnce(&mut ForeignNational)) -> ForeignNational {
    let mut p = list_entry();
    edit(&mut p);
    p
}

/// Parses and checks an application as filing does: form first, then eligibility against the list entry
/// (`None`: not on the list). Returns the violations.
fn file_against(
    edit: impl FnOnce(&mut ApplicationInput),
    on_list: Option<ForeignNational>,
) -> Result<ApplicationForm, Violations> {
    let mut input = application_input();
    edit(&mut input);
    let form = ApplicationForm::parse(&input, day(TODAY))?;
    check_eligibility(FILER, on_list.as_ref(), &form, day(TODAY))?;
    Ok(form)
}

fn file(edit: impl FnOnce(&mut ApplicationInput), on_list: bool) -> Result<ApplicationForm, Violations> {
    file_against(edit, on_list.then(list_entry))
}

/// The card (and so the list) and the form both say the stay expires on `expiry`.
fn expiring(expiry: &str) -> Result<ApplicationForm, Violations> {
    file_against(|i| i.expiry_date = expiry.into(), Some(listed(|p| p.expiry = day(expiry))))
}

fn refused_with(result: Result<ApplicationForm, Violations>, field: &str, rule: &str) {
    let v = result.expect_err("must be refused");
    assert!(
        v.iter().any(|x| x.field == field && x.rule == rule && !x.message_en.is_empty() && !x.message_ja.is_empty()),
        "expected {field}/{rule}, got {v:?}"
    );
}

/// Scenario 4: refusals that explain themselves (Q24, Q26–Q28, Q29, Q35, Q80, Q23).
#[test]
fn scenario_4_refusals_that_explain_themselves() {
    refused_with(expiring("20261127"), "expiry_date", "filing_window.expiry_day");
    refused_with(expiring("20261120"), "expiry_date", "filing_window.expired");
    refused_with(expiring("20270327"), "expiry_date", "filing_window.too_early");
    // What was typed cannot move the window or the scope: the list (the card) decides (Q39).
    let listed_late = listed(|p| p.expiry = day("2027-06-30"));
    refused_with(file_against(|_| {}, Some(listed_late.clone())), "expiry_date", "filing_window.too_early");
    refused_with(file_against(|_| {}, Some(listed_late)), "expiry_date", "eligibility.differs_from_card");
    let listed_ssw = listed(|p| p.status = StatusOfResidence::SpecifiedSkilledWorker1);
    refused_with(
        file_against(|_| {}, Some(listed_ssw.clone())),
        "status_of_residence",
        "eligibility.status_not_covered",
    );
    refused_with(file_against(|_| {}, Some(listed_ssw)), "status_of_residence", "eligibility.differs_from_card");
    refused_with(
        file(|i| i.procedures = vec!["re_entry_single".into()], true),
        "procedures",
        "procedures.without_extension",
    );
    refused_with(
        file_against(
            |i| i.status_of_residence = "specified_skilled_worker_1".into(),
            Some(listed(|p| p.status = StatusOfResidence::SpecifiedSkilledWorker1)),
        ),
        "status_of_residence",
        "eligibility.status_not_covered",
    );
    refused_with(file(|_| {}, false), "residence_card_number", "eligibility.not_on_list");
    refused_with(file(|i| i.in_japan = Flag::Bool(false), true), "in_japan", "eligibility.outside_japan");

    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    big.resize(51 * 1024, 0);
    assert_eq!(
        zairyu_domain::error::Violation::new("photo", &check_photo(&big, Some("a.jpg")).unwrap_err()).rule,
        "photo.too_large"
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    assert_eq!(
        zairyu_domain::error::Violation::new("photo", &check_photo(&png, Some("face.jpg")).unwrap_err()).rule,
        "photo.not_jpeg"
    );
}

/// Scenario 5: a 3-month stay can be extended from halfway, not a day before; the window still closes
/// the day before expiry (Q27).
#[test]
fn scenario_5_short_stay() {
    // A 3-month stay from 2026-10-01 to 2026-12-31 (92 days): halfway is 2026-11-16.
    let short = |today: &str| {
        let mut input = application_input();
        input.period_of_stay = "3M".into();
        input.expiry_date = "20261231".into();
        let form = ApplicationForm::parse(&input, day(today)).unwrap();
        let on_card = listed(|p| {
            p.period_of_stay = form.stay.as_ref().unwrap().period;
            p.expiry = day("2026-12-31");
        });
        check_eligibility(FILER, Some(&on_card), &form, day(today))
    };
    assert!(short("2026-11-15").is_err());
    assert!(short("2026-11-16").is_ok());
    assert!(short("2026-12-30").is_ok());
    assert!(short("2026-12-31").is_err());
}

fn submitted(edit: impl FnOnce(&mut ApplicationInput)) -> Result<Application, ApplicationError> {
    let form = match file(edit, true) {
        Ok(form) => form,
        Err(v) => panic!("{v:?}"),
    };
    let mut app = Application::new(
        ApplicationId::parse("a1").unwrap(),
        OrganizationId::parse("o1").unwrap(),
        UserId::parse("TANAKA01").unwrap(),
        form,
    );
    let jpeg = PhotoRef {
        key: "photos/o1/a1.jpg".into(),
        info: zairyu_domain::photo::PhotoInfo { width: 240, height: 320, bytes: 8000 },
    };
    app.attach_photo(Actor::OrganizationUser, jpeg)?;
    let eligible = check_eligibility(FILER, Some(&list_entry()), app.form(), day(TODAY)).unwrap();
    app.submit(Actor::OrganizationUser, &eligible, TemporaryReceiptNumber::new(day(TODAY), 42), None)?;
    Ok(app)
}

/// Scenario 6: receipt method rules (Q53, Q57, Q70).
#[test]
fn scenario_6_receipt_method_rules() {
    refused_with(
        file_against(
            |i| {
                i.status_of_residence = "公用".into();
                i.procedures = vec!["extension".into(), "re_entry_single".into()];
            },
            Some(listed(|p| p.status = StatusOfResidence::Official)),
        ),
        "receipt_method",
        "receipt_method.post_official",
    );
    refused_with(
        file(|i| i.kanji_name_petition = Flag::Text("有".into()), true),
        "receipt_method",
        "receipt_method.post_kanji_name",
    );
    // Q53: a card that already shows the kanji name may go by post with the petition.
    assert!(
        file_against(
            |i| i.kanji_name_petition = Flag::Text("有".into()),
            Some(listed(|p| p.kanji_name_on_card = true))
        )
        .is_ok()
    );

    let mut app = submitted(|_| {}).unwrap();
    app.start_examination(Actor::Officer(OfficerRole::Examiner)).unwrap();
    app.change_receipt_method(Actor::OrganizationUser, ReceiptMethod::Counter, day(TODAY)).unwrap();
    app.change_receipt_method(Actor::OrganizationUser, ReceiptMethod::Post, day(TODAY)).unwrap();
    let period = zairyu_domain::period::PeriodOfStay::parse("3Y").unwrap();
    app.permit(Actor::Officer(OfficerRole::Examiner), period, Some(day("2030-01-20")), day(TODAY)).unwrap();
    assert_eq!(app.status(), ApplicationStatus::WaitingForIssuance);
    assert!(app.change_receipt_method(Actor::OrganizationUser, ReceiptMethod::Counter, day(TODAY)).is_err());
}

/// Scenario 11, the dates: reminder two months before, suspension the day after expiry, resumption with
/// expiry + 1 year (Q72–Q76).
#[test]
fn scenario_11_periodic_report_dates() {
    let approval = ApprovalOfUse::granted(day("2025-12-01"));
    assert_eq!(approval.expires_on, day("2026-11-30"));
    assert_eq!(approval.reminder_on(), day("2026-09-30"));
    assert!(!is_due_for_suspension(UseState::Active, approval, day("2026-11-30")));
    assert!(is_due_for_suspension(UseState::Active, approval, day("2026-12-01")));
    let (state, extended) = after_periodic_report_approved(UseState::Suspended, approval);
    assert_eq!(state, UseState::Active);
    assert_eq!(extended.expires_on, day("2027-11-30"));
}

/// Scenario 12, the rules: five wrong passwords lock for 24 hours; reminders 30 and 7 days before the
/// anniversary; refused on the anniversary (Q96, Q97).
#[test]
fn scenario_12_password_rules() {
    let now = day(TODAY).start_instant();
    let guard = (1..=5).fold(LoginGuard::default(), |g, n| g.after_failures(0, n, now));
    assert!(check_not_locked(guard, now + chrono::Duration::hours(23)).is_err());
    assert!(check_not_locked(guard, now + chrono::Duration::hours(24)).is_ok());

    let age = PasswordAge { set_on: day("2025-12-27") };
    assert_eq!(age.reminder_on(PasswordReminder::ThirtyDays), day(TODAY));
    assert_eq!(age.reminder_on(PasswordReminder::SevenDays), day("2026-12-20"));
    let facts = LoginFacts { user_state: UserState::Active, password: age, organization: Some(UseState::Active) };
    assert!(check_login_allowed(facts, day("2026-12-26").start_instant()).is_ok());
    assert!(check_login_allowed(facts, day("2026-12-27").start_instant()).is_err());
}
