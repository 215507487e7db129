//! Q86: every e-mail the spec lists is sent by the flow it belongs to — driven here flow by flow through the
//! services with the clock moved over a year — to its recipients, once. Each step asserts exactly the
//! e-mails it caused (kind and addresses), and at the end every kind of notification has been seen.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use zairyu_app::ports::{Attr, Condition, Item, attr};
use zairyu_app::services::counter::{RequestForUseInput, UserAction};
use zairyu_app::services::examination::OfficeAction;
use zairyu_blanket::columns::columns;
use zairyu_blanket::template::workbook;
use zairyu_domain::application::{ApplicationId, OrganizationId};
use zairyu_domain::fixtures::application_input;
use zairyu_domain::jst::JstDate;
use zairyu_domain::notification::NotificationKind as K;
use zairyu_domain::office::Office;
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::receipt_number::ReceiptSeries;
use zairyu_domain::request_for_use::RequestKind;
use zairyu_domain::schedule::ScheduledJob;
use zairyu_domain::status::ReceiptMethod;
use zairyu_domain::status_of_residence::ScreenGroup;
use zairyu_domain::values::UserId;

mod support;
use support::*;

/// 10:00 JST on the given day.
fn day(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

const TANAKA: &str = "tanaka@sakura.example.jp";
const APPLICANT: &str = "an.nguyen@example.com";
const SUZUKI: &str = "suzuki@kaede.example.jp";
const SATO: &str = "sato@sakura.example.jp";

/// What users must never read (#32 item 5), as the browser tests look for it on every page: the Q&A's
/// question numbers, rule codes (`postcode.format`), enum codes (`input_completed`), internal IDs (ULIDs,
/// blanket entries'). File names, addresses and links are words users handle.
fn codes_in(text: &str) -> Vec<String> {
    let patterns = [
        r"\bQ\d{1,3}\b",
        r"(^|[^@\w.-])[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*\b",
        r"\b[a-z]+(_[a-z]+)+\b",
        r"\b[0-9A-HJKMNP-TV-Z]{26}\b",
        r"\bbl-[0-9a-f]{10,}\b",
    ];
    let words_users_handle = regex_lite::Regex::new(r"\.(xlsx|csv|jpg|pdf|com|jp|example)$|^https?:").unwrap();
    let links = regex_lite::Regex::new(r"https?://\S+").unwrap();
    let text = links.replace_all(text, " ");
    let mut found = Vec::new();
    for p in patterns {
        let re = regex_lite::Regex::new(p).unwrap();
        for m in re.find_iter(&text) {
            let code = m.as_str().trim_start_matches(|c: char| !c.is_alphanumeric());
            let rest = &text[m.end()..];
            // Part of an address or a longer name (`an.nguyen@example.com`, `sakura.example.jp`).
            let part_of_more = rest.starts_with(['@', '-'])
                || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_alphanumeric()));
            if !part_of_more && !words_users_handle.is_match(code) {
                found.push(code.to_owned());
            }
        }
    }
    found
}

/// The e-mails one step caused: each job's kind and its addresses, in the order sent.
struct Step {
    seen: BTreeSet<K>,
}

impl Step {
    /// Takes every job queued since the last call and checks it is exactly `expected` (order-free), each
    /// rendering to one e-mail per addressee, and its addressees those the step names.
    async fn expect(&mut self, w: &World, what: &str, expected: &[(K, &[&str])]) {
        let jobs = w.jobs().await;
        let mut got: Vec<(K, Vec<String>)> = jobs
            .iter()
            .map(|j| {
                let from = zairyu_domain::values::EmailAddress::parse("no-reply@oras.example.jp").unwrap();
                let emails = zairyu_domain::job::render(j, &from, "0570-000-000").unwrap();
                assert_eq!(emails.len(), j.to.len(), "{what}: one e-mail per addressee of {:?}", j.kind);
                for e in &emails {
                    let found = codes_in(&format!("{}\n{}", e.subject, e.text));
                    assert!(found.is_empty(), "{what}: {:?} shows codes {found:?}: {}", j.kind, e.text);
                }
                let mut to: Vec<String> = j.to.iter().map(|a| a.email.to_string()).collect();
                to.sort();
                (j.kind, to)
            })
            .collect();
        got.sort();
        let mut want: Vec<(K, Vec<String>)> = expected
            .iter()
            .map(|(k, to)| {
                let mut to: Vec<String> = to.iter().map(|s| (*s).to_owned()).collect();
                to.sort();
                (*k, to)
            })
            .collect();
        want.sort();
        assert_eq!(got, want, "{what}");
        self.seen.extend(got.iter().map(|(k, _)| *k));
    }
}

#[tokio::test]
async fn q86_every_flow_sends_its_e_mails_to_their_recipients_once() {
    let w = World::new().await;
    let mut step = Step { seen: BTreeSet::new() };
    let (_, clerk) = w.login("CLERK01").await;
    let (_, officer) = w.login("OFFICER1").await;
    let (_, tanaka) = w.login("TANAKA01").await;
    let counter = &w.svc.counter;

    // The results of requests for use (Q12): approval with the link to set the first password, denial.
    // Each in the language the requester reads (#32 item 3).
    use zairyu_domain::error::Language;
    let ask = |name: &str, email: &str, language| RequestForUseInput {
        kind: RequestKind::Additional,
        requester_name: name.into(),
        requester_email: email.into(),
        is_agent: false,
        written_request_on_file: false,
        office_address: String::new(),
        language,
    };
    let approved = counter.record_request_for_use(&clerk, "org1", &ask("Sato Jiro", SATO, Language::En)).await.unwrap();
    counter.decide_request_for_use(&clerk, "org1", approved.id(), true).await.unwrap();
    let denied = counter
        .record_request_for_use(&clerk, "org1", &ask("Ito Mai", "ito@sakura.example.jp", Language::Ja))
        .await
        .unwrap();
    counter.decide_request_for_use(&clerk, "org1", denied.id(), false).await.unwrap();
    let jobs_before = w.jobs().await;
    let link = jobs_before.iter().find(|j| j.kind == K::RequestForUseApproved).unwrap().data["link"].clone();
    let sato = jobs_before.iter().find(|j| j.kind == K::RequestForUseApproved).unwrap().data["user_id"].clone();
    let kinds: Vec<(K, String)> = jobs_before.iter().map(|j| (j.kind, j.to[0].email.to_string())).collect();
    assert_eq!(
        kinds,
        vec![(K::RequestForUseApproved, SATO.to_owned()), (K::RequestForUseDenied, "ito@sakura.example.jp".to_owned())]
    );
    let languages: Vec<Language> = jobs_before.iter().map(|j| j.to[0].language).collect();
    assert_eq!(languages, [Language::En, Language::Ja]);
    step.seen.extend([K::RequestForUseApproved, K::RequestForUseDenied]);

    // A password newly registered from the approval's link.
    let token = link.split("token=").nth(1).unwrap();
    w.svc.accounts.set_password_from_link(token, "Sato#2026pw", None).await.unwrap();
    step.expect(&w, "first password", &[(K::PasswordRegistered, &[SATO])]).await;
    // The new user reads the pages and the e-mails in the request's language.
    let sato_user = w.svc.core.store().users().get(&UserId::parse(sato.as_str()).unwrap()).await.unwrap().unwrap();
    assert_eq!(sato_user.language(), Language::En);

    // Filing: receipt completion and the temporary number, to the user and the applicant (Q33).
    let filed = |input: zairyu_domain::form::ApplicationInput| {
        let (svc, tanaka) = (w.svc.applications.clone(), tanaka.clone());
        async move {
            let app = svc.create_application(&tanaka, &input).await.unwrap();
            svc.attach_photo(&tanaka, app.id().as_str(), jpeg(), None).await.unwrap();
            svc.submit(&tanaka, app.id().as_str()).await.unwrap();
            app.id().clone()
        }
    };
    let a = filed(application_input()).await;
    let received: &[(K, &[&str])] = &[(K::TemporaryReceiptNumber, &[TANAKA, APPLICANT])];
    step.expect(&w, "filing", received).await;
    // Two more foreign nationals (one open application per person).
    let mut in_osaka = w.another_person().await;
    in_osaka.prefecture = "大阪府".into();
    filed(in_osaka).await;
    step.expect(&w, "filing in Osaka", received).await;
    let c = filed(w.another_person().await).await;
    step.expect(&w, "filing a third", received).await;

    // The receipt method changed (Q53), twice: two e-mails.
    for method in [ReceiptMethod::Counter, ReceiptMethod::Post] {
        w.svc.applications.change_receipt_method(&tanaka, a.as_str(), method).await.unwrap();
    }
    step.expect(&w, "receipt method", &[(K::ReceiptMethodChanged, &[TANAKA]), (K::ReceiptMethodChanged, &[TANAKA])])
        .await;

    // The next day: the official number for A and C; B's office has no numbers left, a receipt error (Q51).
    w.clock.set(day(2026, 11, 28));
    let osaka = ReceiptSeries::for_receipt(
        Office::Osaka,
        zairyu_domain::procedure::Procedure::Extension,
        JstDate::parse("2026-11-27").unwrap(),
    )
    .counter_name();
    let exhausted = Item::from([
        (attr::PK.to_owned(), Attr::S(format!("COUNTER#{osaka}"))),
        (attr::SK.to_owned(), Attr::S("COUNTER".into())),
        ("value".to_owned(), Attr::N(i64::from(ReceiptSeries::MAX_SERIAL))),
        (attr::VERSION.to_owned(), Attr::N(1)),
    ]);
    w.table.put(exhausted, Condition::None).await.unwrap();
    w.svc.daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    step.expect(
        &w,
        "official numbers",
        &[
            (K::OfficialReceiptNumber, &[TANAKA, APPLICANT]),
            (K::OfficialReceiptNumber, &[TANAKA, APPLICANT]),
            (K::ApplicationReceiptError, &[TANAKA]),
        ],
    )
    .await;
    // Retried the next day, still failing: no second e-mail.
    w.clock.set(day(2026, 11, 29));
    w.svc.daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    step.expect(&w, "receipt error again", &[]).await;

    // Examination: documents asked for (Q22), completed (Q54), the card issued (Q69); C withdrawn (Q48).
    let act = |id: &ApplicationId, action: OfficeAction| {
        let (svc, officer, id) = (w.svc.examination.clone(), officer.clone(), id.clone());
        async move { svc.office_act(&officer, id.as_str(), action).await.unwrap() }
    };
    act(&a, OfficeAction::StartExamination).await;
    step.expect(&w, "examination started", &[]).await;
    act(&a, OfficeAction::RequestDocuments).await;
    step.expect(&w, "documents", &[(K::DocumentsRequested, &[TANAKA])]).await;
    let expiry = JstDate::parse("2030-01-20").unwrap();
    act(&a, OfficeAction::Permit { period_of_stay: PeriodOfStay::parse("3Y").unwrap(), expiry_date: Some(expiry) })
        .await;
    step.expect(&w, "permitted", &[(K::ExaminationCompleted, &[TANAKA])]).await;
    let docs = OfficeAction::RecordPostDocuments {
        fee_notice_received: true,
        fee_notice_signed: true,
        old_card_returned: true,
    };
    act(&a, docs).await;
    act(&a, OfficeAction::IssueCardByPost { dispatched_on: JstDate::parse("2026-11-29").unwrap() }).await;
    step.expect(&w, "card issued", &[(K::ResidenceCardIssued, &[TANAKA])]).await;
    act(&c, OfficeAction::Withdraw).await;
    step.expect(&w, "withdrawn", &[(K::ApplicationWithdrawn, &[TANAKA])]).await;
    // A denial: its own e-mail, without a fee or how a card is received.
    let d = filed(w.another_person().await).await;
    step.expect(&w, "filing a fourth", received).await;
    act(&d, OfficeAction::StartExamination).await;
    act(&d, OfficeAction::Deny).await;
    step.expect(&w, "denied", &[(K::ApplicationDenied, &[TANAKA])]).await;
    // A work certificate (#35): filed without a photo, issued (the fee and how it is received), handed over.
    let work = w.svc.applications.create_application(&tanaka, &w.another_work_certificate().await).await.unwrap();
    w.svc.applications.submit(&tanaka, work.id().as_str()).await.unwrap();
    step.expect(&w, "work certificate filed", received).await;
    act(work.id(), OfficeAction::StartExamination).await;
    act(work.id(), OfficeAction::IssueCertificate).await;
    step.expect(&w, "certificate to be issued", &[(K::ExaminationCompleted, &[TANAKA])]).await;
    act(
        work.id(),
        OfficeAction::RecordPostDocuments {
            fee_notice_received: true,
            fee_notice_signed: true,
            old_card_returned: false,
        },
    )
    .await;
    act(work.id(), OfficeAction::IssueCardByPost { dispatched_on: JstDate::parse("2026-11-29").unwrap() }).await;
    step.expect(&w, "certificate posted", &[(K::CertificateIssued, &[TANAKA])]).await;
    // A certificate of eligibility asked by e-mail (#35): filed for a person abroad with her passport, then
    // issued as an electronic certificate, e-mailed to the filer and the notice address at once.
    const ABROAD: &str = "binh.tran@example.com";
    let coe = filed(zairyu_domain::fixtures::eligibility_input()).await;
    step.expect(&w, "certificate of eligibility filed", &[(K::TemporaryReceiptNumber, &[TANAKA, ABROAD])]).await;
    act(&coe, OfficeAction::StartExamination).await;
    act(&coe, OfficeAction::IssueCertificate).await;
    step.expect(&w, "electronic certificate", &[(K::ElectronicCertificateIssued, &[TANAKA, ABROAD])]).await;

    // Blanket input (Q42): a file registered whole, and one with an error row.
    let org = OrganizationId::parse("org1").unwrap();
    let mut rows = w.blanket_people(2).await;
    for (i, errors) in [(0, false), (1, true)] {
        if errors {
            let name = columns().iter().position(|c| c.field == "name").unwrap();
            rows[1][name] = "Nguyen Van An".into();
        }
        let bytes = workbook(ScreenGroup::Work, &rows).unwrap();
        let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
        zairyu_blanket::process(&w.svc.blanket, &org, started.id(), &bytes).await.unwrap();
        let kind = if errors { K::BlanketUploadFailed } else { K::BlanketUploadCompleted };
        step.expect(&w, &format!("blanket upload {i}"), &[(kind, &[TANAKA])]).await;
        rows = w.blanket_people(2).await;
    }
    // A file refused whole: an e-mail of its own, saying why.
    let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    zairyu_blanket::process(&w.svc.blanket, &org, started.id(), b"name,card\n").await.unwrap();
    step.expect(&w, "blanket file refused", &[(K::BlanketUploadRefused, &[TANAKA])]).await;

    // The account's own changes (Q86, Q89, Q90, Q92): e-mail address, password, a reset.
    w.svc.accounts.change_password(&tanaka, "no-session", PASSWORD, "Kaede#2027x").await.unwrap();
    step.expect(&w, "password changed", &[(K::PasswordChanged, &[TANAKA])]).await;
    w.svc.accounts.change_email(&tanaka, "Kaede#2027x", "hanako@sakura.example.jp").await.unwrap();
    step.expect(&w, "e-mail changed", &[(K::EmailAddressChanged, &["hanako@sakura.example.jp", TANAKA])]).await;
    w.svc.accounts.request_password_reset("SUZUKI02", SUZUKI, None).await.unwrap();
    let reset = w.jobs().await;
    assert_eq!(reset.len(), 1);
    assert_eq!((reset[0].kind, reset[0].to[0].email.as_str()), (K::PasswordResetLink, SUZUKI));
    step.seen.insert(K::PasswordResetLink);
    let token = reset[0].data["link"].split("token=").nth(1).unwrap().to_owned();
    w.svc.accounts.set_password_from_link(&token, "Suzuki#2027x", None).await.unwrap();
    step.expect(&w, "password reset", &[(K::PasswordReset, &[SUZUKI])]).await;

    // The counter: a link to set a password (Q92, Q96), one user's use suspended, resumed, cancelled (Q95).
    counter.office_user_action(&clerk, &sato, UserAction::ResetPassword).await.unwrap();
    step.expect(&w, "counter reset", &[(K::PasswordSetupLink, &[SATO])]).await;
    for (action, kind) in [
        (UserAction::Suspend, K::UserUseSuspended),
        (UserAction::Resume, K::UserUseResumed),
        (UserAction::Cancel, K::UserUseCancelled),
    ] {
        counter.office_user_action(&clerk, &sato, action).await.unwrap();
        step.expect(&w, &format!("{action:?}"), &[(kind, &[SATO])]).await;
    }

    // A passport on the lists expiring (2027-03-15; each organization lists the person): three months
    // before, every active user of each organization (SATO01's use is cancelled).
    w.clock.set(day(2026, 12, 15));
    w.svc.daily.run_scheduled(ScheduledJob::PassportExpiryReminders).await.unwrap();
    step.expect(
        &w,
        "passport",
        &[(K::PassportExpiryImminent, &["hanako@sakura.example.jp"]), (K::PassportExpiryImminent, &[SUZUKI])],
    )
    .await;

    // Periodic reports (Q73–Q76): the reminder two months before the approval expires, to every user of
    // both organizations; org2's report denied; org1's approved.
    w.clock.set(day(2027, 3, 31));
    w.svc.daily.run_scheduled(ScheduledJob::PeriodicReportReminders).await.unwrap();
    step.expect(
        &w,
        "report reminders",
        &[(K::PeriodicReportReminder, &["hanako@sakura.example.jp"]), (K::PeriodicReportReminder, &[SUZUKI])],
    )
    .await;
    let (_, clerk) = w.login("CLERK01").await;
    counter.decide_periodic_report(&clerk, "org2", false).await.unwrap();
    step.expect(&w, "report denied", &[(K::PeriodicReportDenied, &[SUZUKI])]).await;
    counter.decide_periodic_report(&clerk, "org1", true).await.unwrap();
    step.expect(&w, "report approved", &[(K::PeriodicReportApproved, &["hanako@sakura.example.jp"])]).await;

    // org2's approval expired without an approved report: suspended, then resumed by one (Q76).
    w.clock.set(day(2027, 6, 1));
    w.svc.daily.run_scheduled(ScheduledJob::SuspendExpiredOrganizations).await.unwrap();
    step.expect(&w, "suspended", &[(K::UseSuspended, &[SUZUKI])]).await;
    let (_, clerk) = w.login("CLERK01").await;
    counter.decide_periodic_report(&clerk, "org2", true).await.unwrap();
    step.expect(&w, "resumed", &[(K::PeriodicReportApproved, &[SUZUKI]), (K::UseResumed, &[SUZUKI])]).await;

    // Password expiry (Q97): the officers' passwords were set on 2026-11-01: 30 and 7 days before a year.
    let officers: &[&str] = &["officer@immi.example.jp"];
    w.clock.set(day(2027, 10, 2));
    w.svc.daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    step.expect(
        &w,
        "30 days",
        &[
            (K::PasswordExpiry30Days, officers),
            (K::PasswordExpiry30Days, officers),
            (K::PasswordExpiry30Days, officers),
        ],
    )
    .await;
    w.clock.set(day(2027, 10, 25));
    w.svc.daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    step.expect(
        &w,
        "7 days",
        &[(K::PasswordExpiry7Days, officers), (K::PasswordExpiry7Days, officers), (K::PasswordExpiry7Days, officers)],
    )
    .await;

    // Every kind of notification came from a flow.
    let missing: Vec<K> = K::ALL.into_iter().filter(|k| !step.seen.contains(k)).collect();
    assert!(missing.is_empty(), "kinds no flow sent: {missing:?}");
}

/// The search for codes finds each kind of code, and not the words users handle.
#[test]
fn the_search_for_codes_finds_codes_and_only_codes() {
    assert_eq!(
        codes_in("(Q33) postcode.format input_completed 01M96S8ZA6A3DW6DRGSFQQB37X bl-0123456789abcdef"),
        ["Q33", "postcode.format", "input_completed", "01M96S8ZA6A3DW6DRGSFQQB37X", "bl-0123456789abcdef"]
    );
    let clean = "Mail an.nguyen@example.com about filled.xlsx at https://oras.example.jp/password?token=a_b_c. Done.";
    assert!(codes_in(clean).is_empty(), "{:?}", codes_in(clean));
}
