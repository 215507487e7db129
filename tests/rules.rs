//! The spec's rules as a user meets them over HTTP (the rules issue): each test is written from the text of
//! the answer it names, through the real router, with the list entry built by the counter on its own (never
//! copied from the form being checked).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};
use zairyu_domain::fixtures::application_input;
use zairyu_http::GeoPolicy;

mod http_support;
mod support;
use http_support::*;
use support::*;

/// The counter puts a person on org1's list, as their residence card shows them.
async fn list(app: &Router, clerk: &Client, card: &str, edit: impl FnOnce(&mut Value)) {
    let mut person = json!({
        "name": "NGUYEN,VAN,AN", "nationality": "VIET NAM", "birth_date": "1995-04-12", "sex": "male",
        "status_of_residence": "engineer_humanities_international", "period_of_stay": "1Y",
        "expiry_date": "2027-01-20",
    });
    edit(&mut person);
    let uri = format!("/api/office/organizations/org1/foreign-nationals/{card}");
    let r = send(app, clerk.json("PUT", &uri, person)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

/// The example application for the person with card `card`, edited.
fn form(card: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = serde_json::to_value(application_input()).unwrap();
    v["residence_card_number"] = json!(card);
    edit(&mut v);
    v
}

fn rules_of(r: &Reply) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {:?}", r.body))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["rule"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(field: &str, rule: &str) -> (String, String) {
    (field.to_owned(), rule.to_owned())
}

/// The person on org1's list as `listed` edits their card, and the example form typed for them: the rules
/// the refusal gives.
async fn typed_for(listed: impl FnOnce(&mut Value)) -> Vec<(String, String)> {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    list(&app, &clerk, "ZZ11223344YY", listed).await;
    let r = send(&app, tanaka.json("POST", "/api/applications", form("ZZ11223344YY", |_| {}))).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    rules_of(&r)
}

#[tokio::test]
async fn q26_q39_a_typed_expiry_inside_the_window_does_not_file_a_person_listed_outside_it() {
    // The card says 2027-06-30: the window opens on 2027-03-30. The form says 2027-01-20 (inside today's).
    let got = typed_for(|p| p["expiry_date"] = json!("2027-06-30")).await;
    assert!(got.contains(&pair("expiry_date", "eligibility.differs_from_card")), "{got:?}");
    assert!(got.contains(&pair("expiry_date", "filing_window.too_early")), "{got:?}");
}

#[tokio::test]
async fn q29_q39_a_covered_status_typed_for_a_specified_skilled_worker_is_refused() {
    let got = typed_for(|p| p["status_of_residence"] = json!("specified_skilled_worker_1")).await;
    assert!(got.contains(&pair("status_of_residence", "eligibility.differs_from_card")), "{got:?}");
    assert!(got.contains(&pair("status_of_residence", "eligibility.status_not_covered")), "{got:?}");
}

#[tokio::test]
async fn q39_each_field_that_differs_from_the_card_is_named_in_both_languages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    for (field, value) in [
        ("nationality", "Thailand"),
        ("period_of_stay", "3Y"),
        ("sex", "女"),
        ("name", "NGUYEN,VAN,BINH"),
        ("birth_date", "1995-04-13"),
    ] {
        let r = send(&app, tanaka.json("POST", "/api/applications", form("AB12345678CD", |v| v[field] = json!(value))))
            .await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(rules_of(&r), vec![pair(field, "eligibility.differs_from_card")], "{field}");
        let e = &r.body["errors"][0];
        // Saying what the list holds (#32 item 2).
        assert!(
            e["message_en"]
                .as_str()
                .unwrap()
                .contains("as the residence card shows it: the List of Affiliated Foreign Nationals has "),
            "{e:?}"
        );
        assert!(
            e["message_ja"]
                .as_str()
                .unwrap()
                .contains("在留カードのとおり入力してください。所属機関等に所属する外国人一覧では「"),
            "{e:?}"
        );
    }
    // The same person typed as the card shows them is entered.
    let r = send(&app, tanaka.json("POST", "/api/applications", form("AB12345678CD", |_| {}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

#[tokio::test]
async fn q1_q17_supervising_type_interns_are_filed_by_the_supervising_organization_only() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    // org1 is a corporation (an implementing organization at most).
    list(&app, &clerk, "ZZ11223344YY", |p| p["status_of_residence"] = json!("technical_intern_training_2b")).await;
    let typed = form("ZZ11223344YY", |v| v["status_of_residence"] = json!("技能実習2号ロ"));
    let r = send(&app, tanaka.json("POST", "/api/applications", typed)).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(rules_of(&r), vec![pair("organization", "eligibility.supervising_organization_only")]);
}

async fn filed(app: &Router, c: &Client, body: Value) -> String {
    file(app, c, body).await
}

/// Examined, permitted and the fee notice received: the card waits for issuance by post.
async fn to_issuance(app: &Router, officer: &Client, id: &str) {
    for action in [
        json!({ "action": "start_examination" }),
        json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }),
        json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": true }),
    ] {
        let r = act(app, officer, id, action).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
}

#[tokio::test]
async fn q53_post_for_a_child_is_decided_on_the_day_of_issuance_and_redirected_to_the_counter() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk, officer) =
        (login(&app, "TANAKA01").await, login(&app, "CLERK01").await, login(&app, "OFFICER1").await);
    // 16 on 2027-06-10: more than six months away today (2026-11-27), so post is accepted, with a notice.
    list(&app, &clerk, "ZZ11223344YY", |p| p["birth_date"] = json!("2011-06-10")).await;
    let id = filed(&app, &tanaka, form("ZZ11223344YY", |v| v["birth_date"] = json!("2011-06-10"))).await;
    let r = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["notices"][0]["code"], "receipt_method.post_decided_at_issuance", "{:?}", r.body);
    assert_eq!(r.body["checked_against"]["birth_date"], "2011-06-10");
    to_issuance(&app, &officer, &id).await;
    // On 2026-12-11 less than six months remain: the card cannot be posted.
    w.clock.set(start() + Duration::days(14));
    let officer = login(&app, "OFFICER1").await;
    let r = act(&app, &officer, &id, json!({ "action": "issue_card_by_post", "dispatched_on": "2026-12-11" })).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["rule"], "receipt_method.post_sixteenth_birthday", "{:?}", r.body);
    let r = act(&app, &officer, &id, json!({ "action": "redirect_to_counter" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"]["code"], "examination_completed");
    assert_eq!(r.body["receipt_method"], "counter");
    let sent: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind.code()).collect();
    assert!(sent.contains(&"receipt_method_changed"), "the user is told: {sent:?}");
}

#[tokio::test]
async fn q71_the_permission_by_post_takes_effect_on_the_recorded_delivery_day() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, officer) = (login(&app, "TANAKA01").await, login(&app, "OFFICER1").await);
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    to_issuance(&app, &officer, &id).await;
    let r = act(&app, &officer, &id, json!({ "action": "issue_card_by_post", "dispatched_on": "2026-11-27" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["permission_effective_on"], Value::Null, "not yet delivered");
    let r = act(&app, &officer, &id, json!({ "action": "record_delivery", "delivered_on": "2026-11-26" })).await;
    assert_eq!(r.body["rule"], "application.delivered_before_dispatch", "{:?}", r.body);
    let r = act(&app, &officer, &id, json!({ "action": "record_delivery", "delivered_on": "2026-11-30" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["card_dispatched_on"], "2026-11-27");
    assert_eq!(r.body["card_delivered_on"], "2026-11-30");
    assert_eq!(r.body["permission_effective_on"], "2026-11-30", "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn q72_one_organization_per_corporate_number_even_when_registered_twice_at_once() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    let org = |name: &str| json!({ "kind": "corporation", "name": name, "location": "Chiyoda-ku, Tokyo", "corporate_number": "1010401089234", "office": "tokyo" });
    // Two counters register the same corporation at the same moment (an organization with two offices).
    let (a, b) = tokio::join!(
        send(&app, clerk.json("POST", "/api/office/organizations", org("Kaede K.K. Head Office"))),
        send(&app, clerk.json("POST", "/api/office/organizations", org("Kaede K.K. Osaka Branch"))),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY], "{:?} {:?}", a.body, b.body);
    let refused = if a.status == StatusCode::CREATED { b } else { a };
    assert_problem(&refused, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(refused.body["errors"][0]["field"], "corporate_number");
    assert_eq!(refused.body["errors"][0]["rule"], "organization.corporate_number_registered");
    // Later, too; and the seeded organizations' numbers are taken as well.
    let r = send(&app, clerk.json("POST", "/api/office/organizations", org("Kaede again"))).await;
    assert_eq!(r.body["errors"][0]["rule"], "organization.corporate_number_registered", "{:?}", r.body);
    let mut sakura = org("Sakura again");
    sakura["corporate_number"] = json!("7000012050002");
    let r = send(&app, clerk.json("POST", "/api/office/organizations", sakura)).await;
    assert_eq!(r.body["errors"][0]["rule"], "organization.corporate_number_registered", "{:?}", r.body);
    // An individual business owner has no number and is never refused for it.
    for name in ["Yamada Shoten", "Yamada Shoten"] {
        let sole = json!({ "kind": "individual_business", "name": name, "location": "Tokyo", "corporate_number": "", "office": "tokyo" });
        let r = send(&app, clerk.json("POST", "/api/office/organizations", sole)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
}

#[tokio::test]
async fn q51_a_card_awaiting_collection_at_the_counter_reads_completed_to_the_user() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, officer) = (login(&app, "TANAKA01").await, login(&app, "OFFICER1").await);
    let id = filed(&app, &tanaka, form("AB12345678CD", |v| v["receipt_method"] = json!("counter"))).await;
    for action in [
        json!({ "action": "start_examination" }),
        json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }),
    ] {
        assert_eq!(act(&app, &officer, &id, action).await.status, StatusCode::OK);
    }
    let r = send(&app, tanaka.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    let status = &r.body["items"][0]["status"];
    assert_eq!(status["code"], "examination_completed");
    assert_eq!((status["label_en"].as_str(), status["label_ja"].as_str()), (Some("Completed"), Some("完了")));
    assert!(status["office_label_en"].as_str().unwrap().contains("counter"), "{status:?}");
}

#[tokio::test]
async fn q46_q49_the_office_with_jurisdiction_over_the_residence_examines_whichever_office_the_card_is_collected_at() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, tokyo, osaka) =
        (login(&app, "TANAKA01").await, login(&app, "OFFICER1").await, login(&app, "OSAKA01").await);
    // Lives in Osaka; the card is to be collected at the Tokyo counter.
    let id = filed(
        &app,
        &tanaka,
        form("AB12345678CD", |v| {
            v["prefecture"] = json!("大阪府");
            v["receipt_method"] = json!("counter");
            v["receiving_office"] = json!("tokyo");
        }),
    )
    .await;
    let queue = |c: &Client| c.req("GET", "/api/office/applications?status=application_completed").body(Body::empty());
    let ids = |r: &Reply| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&send(&app, queue(&osaka).unwrap()).await), vec![id.clone()], "Osaka's queue has it");
    assert!(ids(&send(&app, queue(&tokyo).unwrap()).await).is_empty(), "Tokyo's does not");
    // Tokyo cannot examine or withdraw it; Osaka can.
    let r = act(&app, &tokyo, &id, json!({ "action": "start_examination" })).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = act(&app, &tokyo, &id, json!({ "action": "withdraw" })).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    for action in [
        json!({ "action": "start_examination" }),
        json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }),
    ] {
        let r = act(&app, &osaka, &id, action).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    // The Tokyo counter, where the card is collected, sees it and hands it over.
    let r = send(&app, tokyo.req("GET", &format!("/api/office/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = act(
        &app,
        &tokyo,
        &id,
        json!({ "action": "hand_over_at_counter", "collector": "applicant", "fee_notice_signed": true }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"]["code"], "completed");
}

#[tokio::test]
async fn q33_the_office_finds_an_application_by_either_receipt_number_or_by_card_number() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, tokyo, osaka) =
        (login(&app, "TANAKA01").await, login(&app, "OFFICER1").await, login(&app, "OSAKA01").await);
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    let detail = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    let temporary = detail.body["temporary_receipt_number"].as_str().unwrap().to_owned();
    let by_number = |c: &Client, n: &str| {
        c.req("GET", &format!("/api/office/applications/by-receipt-number/{}", urlencode(n)))
            .body(Body::empty())
            .unwrap()
    };
    let r = send(&app, by_number(&tokyo, &temporary)).await;
    assert_eq!((r.status, r.body["id"].as_str()), (StatusCode::OK, Some(id.as_str())), "{:?}", r.body);
    // Another office's officer does not find it; an unknown number is not found.
    assert_problem(&send(&app, by_number(&osaka, &temporary)).await, StatusCode::NOT_FOUND, "not-found");
    assert_problem(&send(&app, by_number(&tokyo, "X2026112700000000")).await, StatusCode::NOT_FOUND, "not-found");
    // The next day it has its official number, found as well.
    w.clock.set(start() + Duration::days(1));
    let official = w.svc.daily.assign_official_receipt_number(&id.parse_id()).await.unwrap().to_string();
    let (tokyo, osaka) = (login(&app, "OFFICER1").await, login(&app, "OSAKA01").await);
    let r = send(&app, by_number(&tokyo, &official)).await;
    assert_eq!((r.status, r.body["id"].as_str()), (StatusCode::OK, Some(id.as_str())), "{:?}", r.body);
    // By residence card number: every application for that card the office may see.
    // #30: the card number travels in the body, never in a URL.
    let by_card = |c: &Client, card: &str| {
        c.json("POST", "/api/office/applications/by-card", serde_json::json!({ "residence_card_number": card }))
    };
    let r = send(&app, by_card(&tokyo, "AB12345678CD")).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{:?}", r.body);
    assert_eq!(r.body["items"][0]["id"], id.as_str());
    let r = send(&app, by_card(&osaka, "AB12345678CD")).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 0, "{:?}", r.body);
    let r = send(&app, by_card(&tokyo, "not-a-card")).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

trait ParseId {
    fn parse_id(&self) -> zairyu_domain::application::ApplicationId;
}

impl ParseId for String {
    fn parse_id(&self) -> zairyu_domain::application::ApplicationId {
        zairyu_domain::application::ApplicationId::parse(self).unwrap()
    }
}

#[tokio::test]
async fn q93_q94_the_counter_of_any_office_finds_a_user_by_e_mail_or_by_name() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (clerk, osaka, tanaka) =
        (login(&app, "CLERK01").await, login(&app, "OSAKA01").await, login(&app, "TANAKA01").await);
    let get = |c: &Client, uri: &str| c.req("GET", uri).body(Body::empty()).unwrap();
    let users = |r: &Reply| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{:?}", r.body))
            .iter()
            .map(|u| u["user_id"].as_str().unwrap().to_owned())
            .collect()
    };
    // #30: the address travels in the body, never in a URL.
    let by_email =
        |c: &Client, email: &str| c.json("POST", "/api/office/users/search", serde_json::json!({ "email": email }));
    let r = send(&app, by_email(&clerk, "tanaka@sakura.example.jp")).await;
    assert_eq!(users(&r), ["TANAKA01"], "{:?}", r.body);
    let r = send(&app, by_email(&clerk, "TANAKA@Sakura.Example.JP")).await;
    assert_eq!(users(&r), ["TANAKA01"], "case does not matter: {:?}", r.body);
    // The counter of any office finds the user (Q93, Q94: the nearest office).
    let r = send(&app, by_email(&osaka, "tanaka@sakura.example.jp")).await;
    assert_eq!(users(&r), ["TANAKA01"], "{:?}", r.body);
    let r = send(&app, by_email(&clerk, "not-an-address")).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // By organization and a part of the name.
    let r = send(&app, get(&clerk, "/api/office/organizations/org1/users?name=tanaka")).await;
    assert_eq!(users(&r), ["TANAKA01"], "{:?}", r.body);
    let r = send(&app, get(&clerk, "/api/office/organizations/org1/users?name=suzuki")).await;
    assert!(users(&r).is_empty());
    let r = send(&app, get(&osaka, "/api/office/organizations/org1/users?name=tanaka")).await;
    assert_eq!(users(&r), ["TANAKA01"], "{:?}", r.body);
    let r = send(&app, get(&osaka, "/api/office/organizations/no-such-org/users")).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    // Not for users: the counter's lookups are the office's.
    let r = send(&app, by_email(&tanaka, "tanaka@sakura.example.jp")).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    // After an e-mail change the old address finds nobody and the new one finds the user.
    let r = change_email(&app, &tanaka, PASSWORD, "hanako@sakura.example.jp").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = send(&app, by_email(&clerk, "tanaka@sakura.example.jp")).await;
    assert!(users(&r).is_empty(), "{:?}", r.body);
    let r = send(&app, by_email(&clerk, "hanako@sakura.example.jp")).await;
    assert_eq!(users(&r), ["TANAKA01"], "{:?}", r.body);
}

#[tokio::test]
async fn q43_the_error_list_of_a_blanket_upload_is_printable() {
    use zairyu_blanket::columns::columns;
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let mut rows = w.blanket_people(3).await;
    let name = columns().iter().position(|c| c.field == "name").unwrap();
    rows[1][name] = "Nguyen Van An".into();
    // A value a spreadsheet would run as a formula, in a column that refuses it.
    let postcode = columns().iter().position(|c| c.field == "postcode").unwrap();
    rows[2][postcode] = "=HYPERLINK(\"http://evil.example\",\"1\")".into();
    let bytes =
        zairyu_blanket::template::workbook(zairyu_domain::status_of_residence::ScreenGroup::Work, &rows).unwrap();
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    // Started through the API, with the name of the file the user chose.
    let r = send(
        &app,
        tanaka.json("POST", "/api/blanket/uploads", json!({ "file_name": "4月<更新>.xlsx", "size": bytes.len() })),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let started = w.svc.core.store().uploads().get(&org, r.body["upload_id"].as_str().unwrap()).await.unwrap().unwrap();
    let r = send(&app, tanaka.json("POST", "/api/blanket/uploads", json!({ "file_name": " / ", "size": 10 }))).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["field"], "file_name", "{:?}", r.body);
    let done = zairyu_blanket::process(&w.svc.blanket, &org, started.id(), &bytes).await.unwrap();
    assert_eq!(done.file_name().unwrap().as_str(), "4月<更新>.xlsx");
    let uri = format!("/api/blanket/uploads/{}/errors.csv", started.id());
    let r = send(&app, tanaka.req("GET", &uri).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = String::from_utf8(r.bytes.to_vec()).unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "a header and the two wrong rows: {text}");
    assert!(lines[0].contains("row") && lines[0].contains("header") && lines[0].contains("message_ja"), "{text}");
    assert!(lines[1].contains("Nguyen Van An") && lines[1].contains("name_on_card.lowercase"), "{text}");
    assert!(lines[1].contains(&columns()[name].ja), "the column's header name: {text}");
    assert!(lines[1].contains(&blanket_card(1)), "the applicant's card number: {text}");
    assert!(lines[2].contains("NGUYEN,VAN,AN") && lines[2].contains(&blanket_card(2)), "name and card: {text}");
    // Neutralised: the formula opens as text, after an apostrophe.
    assert!(lines[2].contains("\"'=HYPERLINK("), "{text}");
    assert!(!lines[2].contains(",=HYPERLINK") && !lines[2].contains(",\"=HYPERLINK"), "{text}");
    let disposition = r.headers["content-disposition"].to_str().unwrap();
    assert_eq!(disposition, format!("attachment; filename=\"blanket-errors-{}.csv\"", started.id()));

    // The same list as a page to print: the file, each error with its applicant, cell, header and message in
    // both languages; markup in a value or the file name is text, a formula is inert.
    let page_uri = format!("/api/blanket/uploads/{}/errors.html", started.id());
    let r = send(&app, tanaka.req("GET", &page_uri).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(
        r.headers["content-disposition"].to_str().unwrap(),
        format!("inline; filename=\"blanket-errors-{}.html\"", started.id())
    );
    let html = String::from_utf8(r.bytes.to_vec()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"ja\">"), "{html}");
    assert!(html.contains("4月&lt;更新&gt;.xlsx") && !html.contains("<更新>"), "the file name, escaped");
    assert!(html.contains("'=HYPERLINK(&quot;http://evil.example&quot;"), "inert and escaped: {html}");
    assert!(html.contains(&blanket_card(1)) && html.contains("NGUYEN,VAN,AN"), "whose rows");
    assert!(html.contains(&columns()[name].ja) && html.contains(&columns()[name].en), "the header in both languages");
    assert_eq!(html.matches("<tr><td>").count(), 2, "one line per error");
    assert!(html.contains("<th scope=\"col\">"), "a table with headers");
    // Another organization's user cannot print it.
    let suzuki = login(&app, "SUZUKI02").await;
    for uri in [&uri, &page_uri] {
        let r = send(&app, suzuki.req("GET", uri).body(Body::empty()).unwrap()).await;
        assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    }
    // The e-mail names the upload and its file, in the user's language.
    let jobs = w.jobs().await;
    let mail =
        jobs.iter().find(|j| j.kind == zairyu_domain::notification::NotificationKind::BlanketUploadFailed).unwrap();
    assert_eq!(mail.data["file_name"], "4月<更新>.xlsx");
    assert_eq!((mail.data["rows_registered"].as_str(), mail.data["rows_updated"].as_str()), ("1", "0"));
}

#[tokio::test]
async fn q46_a_filed_application_cannot_be_changed_by_the_user() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    // No route changes an application's contents, filed or not.
    for method in ["PUT", "PATCH"] {
        let r = send(&app, tanaka.json(method, &format!("/api/applications/{id}"), form("AB12345678CD", |_| {}))).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    // The photo neither.
    let r = send(&app, photo_req(&tanaka, &id, jpeg(), "image/jpeg")).await;
    assert_problem(&r, StatusCode::CONFLICT, "application-state");
    assert_eq!(r.body["rule"], "application.filed_cannot_change", "{:?}", r.body);
    assert!(r.body["detail"].as_str().unwrap().contains("regional immigration"), "{:?}", r.body);
    let detail = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(detail.body["status"]["code"], "application_completed");
}

#[tokio::test]
async fn q78_the_counter_records_a_new_name_or_location_of_the_organization() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (clerk, osaka) = (login(&app, "CLERK01").await, login(&app, "OSAKA01").await);
    let change = json!({ "name": "Sakura Holdings K.K.", "location": "2-2-2 Marunouchi, Chiyoda-ku, Tokyo" });
    let r = send(&app, osaka.json("PUT", "/api/office/organizations/org1", change.clone())).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = send(&app, clerk.json("PUT", "/api/office/organizations/org1", change)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let org = w.organization("org1").await;
    assert_eq!(org.profile().name.as_str(), "Sakura Holdings K.K.");
    assert_eq!(org.profile().location.as_str(), "2-2-2 Marunouchi, Chiyoda-ku, Tokyo");
    assert_eq!(org.profile().corporate_number.as_ref().unwrap().as_str(), "7000012050002", "the number stays");
    let r = send(&app, clerk.json("PUT", "/api/office/organizations/org1", json!({ "name": "" }))).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(w.audit("organization:org1").await.iter().any(|e| e.action.code() == "office.change_organization"));
}

#[tokio::test]
async fn q91_the_user_id_never_changes() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let r = send(
        &app,
        tanaka.json(
            "POST",
            "/api/me/email",
            json!({ "current_password": PASSWORD, "email": "hanako@sakura.example.jp", "user_id": "HANAKO01" }),
        ),
    )
    .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "malformed-body");
    for method in ["PUT", "PATCH"] {
        let r = send(&app, tanaka.json(method, "/api/me", json!({ "user_id": "HANAKO01" }))).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let r = change_email(&app, &tanaka, PASSWORD, "hanako@sakura.example.jp").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let me = send(&app, tanaka.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(me.body["user_id"], "TANAKA01");
}

#[tokio::test]
async fn q89_q90_an_address_change_needs_the_password_and_a_new_password_ends_the_other_sessions() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let laptop = login(&app, "TANAKA01").await;
    let phone = login(&app, "TANAKA01").await;
    let me = |c: &Client| c.req("GET", "/api/me").body(Body::empty()).unwrap();
    // A session left open is not enough to move the account to another address.
    let r = change_email(&app, &phone, "Wrong#pass1", "thief@example.com").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert_eq!(r.body["errors"][0]["field"], "current_password", "{:?}", r.body);
    let r = send(&app, phone.json("POST", "/api/me/email", json!({ "email": "thief@example.com" }))).await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "malformed-body");
    assert_eq!(send(&app, me(&phone)).await.body["email"], "tanaka@sakura.example.jp");
    assert!(w.jobs().await.is_empty());
    let refused = w.audit("user:TANAKA01").await;
    assert!(
        refused
            .iter()
            .any(|e| e.action.code() == "email.change" && e.outcome != zairyu_domain::audit::Outcome::Success)
    );
    // With the password it changes, and both the new and the old address are told.
    assert_eq!(change_email(&app, &phone, PASSWORD, "hanako@sakura.example.jp").await.status, StatusCode::OK);
    let jobs = w.jobs().await;
    let to: Vec<&str> = jobs[0].to.iter().map(|a| a.email.as_str()).collect();
    assert_eq!((jobs.len(), to), (1, vec!["hanako@sakura.example.jp", "tanaka@sakura.example.jp"]));
    // Q90: a new password chosen on the laptop logs the phone out; the laptop goes on.
    let body = json!({ "current_password": PASSWORD, "new_password": "Kaede#2027x" });
    assert_eq!(send(&app, laptop.json("POST", "/api/me/password", body)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&app, me(&laptop)).await.status, StatusCode::OK);
    assert_problem(&send(&app, me(&phone)).await, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn q95_use_cancelled_at_the_counter_ends_log_in_for_good() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (clerk, tanaka) = (login(&app, "CLERK01").await, login(&app, "TANAKA01").await);
    let r = send(&app, clerk.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": "cancel" }))).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = send(&app, anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": PASSWORD }))).await;
    assert_eq!(r.body["rule"], "login.user_cancelled", "{:?}", r.body);
    let r = send(&app, tanaka.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the session ended with the use: {:?}", r.body);
    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind.code()).collect();
    assert!(kinds.contains(&"user_use_cancelled"), "{kinds:?}");
    // For good: the user information is deleted, so the use is not resumed (nor suspended, nor sent a link).
    for action in ["resume", "suspend", "reset_password", "lift_lockout"] {
        let r = send(&app, clerk.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": action }))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}: {:?}", r.body);
        assert_eq!(r.body["errors"][0]["rule"], "user.cancelled");
    }
    let r = send(&app, anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": PASSWORD }))).await;
    assert_eq!(r.body["rule"], "login.user_cancelled", "{:?}", r.body);
}

#[tokio::test]
async fn q42_failed_blanket_rows_are_corrected_from_the_application_list() {
    use zairyu_blanket::columns::columns;
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, suzuki) = (login(&app, "TANAKA01").await, login(&app, "SUZUKI02").await);
    let mut rows = w.blanket_people(3).await;
    let name = columns().iter().position(|c| c.field == "name").unwrap();
    rows[1][name] = "Nguyen Van An".into();
    let bytes =
        zairyu_blanket::template::workbook(zairyu_domain::status_of_residence::ScreenGroup::Work, &rows).unwrap();
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    let author = zairyu_domain::values::UserId::parse("TANAKA01").unwrap();
    let upload = |w: &World| {
        let (svc, org, author, bytes) = (w.svc.blanket.clone(), org.clone(), author.clone(), bytes.clone());
        async move {
            let started = svc.start_blanket_upload(&org, &author).await.unwrap();
            zairyu_blanket::process(&svc, &org, started.id(), &bytes).await.unwrap();
            started.id().to_owned()
        }
    };
    let first = upload(&w).await;
    let list = |c: &Client| c.req("GET", "/api/applications").body(Body::empty()).unwrap();
    let statuses = |r: &Reply| -> Vec<String> {
        let mut v: Vec<String> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["status"]["code"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let r = send(&app, list(&tanaka)).await;
    assert_eq!(statuses(&r), ["error_blanket_registration", "input_completed", "input_completed"], "{:?}", r.body);
    let item = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["status"]["code"] == "error_blanket_registration")
        .unwrap()
        .clone();
    assert_eq!(item["status"]["label_en"], "Error (blanket registration)");
    assert_eq!(item["blanket"]["upload_id"], first.as_str());
    assert_eq!(item["blanket"]["errors"][0]["rule"], "name_on_card.lowercase");
    assert_eq!(item["blanket"]["errors"][0]["value"], "Nguyen Van An");
    let id = item["id"].as_str().unwrap().to_owned();
    // Its page shows the row as typed; it cannot be filed as it is, nor seen by another organization.
    let r = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(
        (r.body["form"].clone(), r.body["blanket"]["input"]["name"].clone()),
        (Value::Null, json!("Nguyen Van An"))
    );
    let r =
        send(&app, tanaka.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = send(&app, suzuki.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    // The same file again creates nothing twice.
    let second = upload(&w).await;
    assert_eq!(statuses(&send(&app, list(&tanaka)).await).len(), 3);
    // Uploads are listed newest first.
    let r = send(&app, tanaka.req("GET", "/api/blanket/uploads").body(Body::empty()).unwrap()).await;
    let ids: Vec<&str> = r.body["items"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.as_str(), first.as_str()], "{:?}", r.body);
    // Corrected on the single-entry path: still wrong is refused; right, it is Input completed in place.
    let mut corrected: Value = item["blanket"]["input"].clone();
    let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/correction"), corrected.clone())).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["field"], "name");
    corrected["name"] = json!("NGUYEN,VAN,AN");
    let r = send(&app, suzuki.json("POST", &format!("/api/applications/{id}/correction"), corrected.clone())).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/correction"), corrected.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["id"].as_str(), r.body["status"]["code"].as_str()),
        (Some(id.as_str()), Some("input_completed"))
    );
    let r = send(&app, list(&tanaka)).await;
    assert_eq!(statuses(&r), ["input_completed", "input_completed", "input_completed"]);
    // Corrected once: a second correction finds no entry; the application is filed like any other.
    let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/correction"), corrected)).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    assert_eq!(send(&app, photo_req(&tanaka, &id, jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    let r =
        send(&app, tanaka.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The e-mail named the upload.
    let jobs = w.jobs().await;
    let failed =
        jobs.iter().find(|j| j.kind == zairyu_domain::notification::NotificationKind::BlanketUploadFailed).unwrap();
    assert_eq!(failed.data["upload_id"], first);
}

#[tokio::test]
async fn q25_notices_on_the_top_screen_and_no_filing_during_a_planned_maintenance() {
    let w = World::new().await;
    w.seed_officer("ADMIN01", zairyu_domain::office::Office::Tokyo, vec![zairyu_domain::status::OfficerRole::Admin])
        .await;
    let app = router(&w, false, GeoPolicy::Off);
    let (admin, clerk, tanaka) =
        (login(&app, "ADMIN01").await, login(&app, "CLERK01").await, login(&app, "TANAKA01").await);
    // Today is 2026-11-27 10:00 JST; the maintenance runs from 12:00 to 14:00 JST.
    let notice = json!({
        "title_ja": "システムメンテナンスのお知らせ", "title_en": "Planned maintenance",
        "body_ja": "11月27日12時から14時まで申請を受け付けません。", "body_en": "No applications from 12:00 to 14:00 on 27 November.",
        "maintenance_from": "2026-11-27T12:00:00+09:00", "maintenance_until": "2026-11-27T14:00:00+09:00",
    });
    let r = send(&app, clerk.json("POST", "/api/office/notices", notice.clone())).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(&app, admin.json("POST", "/api/office/notices", notice)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let notice_id = r.body["id"].as_str().unwrap().to_owned();
    let mut bad = json!({ "title_ja": "x", "title_en": "x", "body_ja": "x", "body_en": "x", "maintenance_from": "2026-11-27T12:00:00+09:00" });
    let r = send(&app, admin.json("POST", "/api/office/notices", bad.clone())).await;
    assert_eq!(r.body["errors"][0]["rule"], "notice.half_window", "{:?}", r.body);
    bad["maintenance_from"] = json!("");
    let r = send(&app, admin.json("POST", "/api/office/notices", bad)).await;
    assert_eq!(r.status, StatusCode::CREATED, "a notice without a window: {:?}", r.body);
    // Anyone sees the notices, without logging in.
    let r = send(&app, anon("GET", "/api/notices", &Value::Null)).await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{:?}", r.body);
    assert!(items.iter().any(|n| n["title_en"] == "Planned maintenance" && n["maintenance"]["from"].is_string()));
    // Before the window: filed. During it: refused, naming the window. After it: filed.
    let before = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    assert!(!before.is_empty());
    let card = w.another_person().await.residence_card_number;
    let entered = |tanaka: &Client| tanaka.json("POST", "/api/applications", form(&card, |_| {}));
    let r = send(&app, entered(&tanaka)).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(send(&app, photo_req(&tanaka, &id, jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    w.clock.set(start() + Duration::hours(2) + Duration::minutes(30));
    let tanaka = login(&app, "TANAKA01").await;
    let submit = |c: &Client| c.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap();
    let r = send(&app, submit(&tanaka)).await;
    assert_problem(&r, StatusCode::SERVICE_UNAVAILABLE, "maintenance");
    assert_eq!(r.body["rule"], "maintenance.in_progress");
    assert!(r.body["detail"].as_str().unwrap().contains("2026-11-27 12:00 to 2026-11-27 14:00"), "{:?}", r.body);
    assert!(r.body["detail_ja"].as_str().unwrap().contains("2026-11-27 12:00から2026-11-27 14:00まで"), "{:?}", r.body);
    w.clock.set(start() + Duration::hours(4));
    let tanaka = login(&app, "TANAKA01").await;
    let r = send(&app, submit(&tanaka)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The window has passed: the notice is off the top screen; withdrawn once, then gone.
    let r = send(&app, anon("GET", "/api/notices", &Value::Null)).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{:?}", r.body);
    let admin = login(&app, "ADMIN01").await;
    let uri = format!("/api/office/notices/{notice_id}");
    assert_eq!(send(&app, admin.req("DELETE", &uri).body(Body::empty()).unwrap()).await.status, StatusCode::NO_CONTENT);
    let r = send(&app, admin.req("DELETE", &uri).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
}

/// #34 item 2: each instance reads the notices once a minute at most; a notice published (or withdrawn) shows at
/// once on the instance that did it, and on every other within the minute.
#[tokio::test]
async fn q25_a_notice_reaches_every_other_instance_within_a_minute() {
    let w = World::new().await;
    w.seed_officer("ADMIN01", zairyu_domain::office::Office::Tokyo, vec![zairyu_domain::status::OfficerRole::Admin])
        .await;
    // One instance that publishes and shows the notices (the local server's one process).
    let office = one_instance(&w);
    // A second instance over the same table (another Lambda instance, another function).
    let other_services = zairyu_app::Services::new(w.wiring.clone());
    let other = zairyu_http::router(
        zairyu_http::AppState::full(&other_services, zairyu_http::HttpConfig::new(false, GeoPolicy::Off).unwrap()),
        &zairyu_http::Function::ALL,
    );
    let count = |app: &Router| {
        let app = app.clone();
        async move { send(&app, anon("GET", "/api/notices", &Value::Null)).await.body["items"].as_array().unwrap().len() }
    };
    assert_eq!((count(&office).await, count(&other).await), (0, 0));
    let admin = login(&office, "ADMIN01").await;
    let notice = json!({ "title_ja": "お知らせ", "title_en": "Notice", "body_ja": "本文", "body_en": "Body" });
    let r = send(&office, admin.json("POST", "/api/office/notices", notice)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(count(&office).await, 1, "at once where it was published");
    w.clock.advance(Duration::seconds(59));
    assert_eq!(count(&other).await, 0, "the other instance read the notices a minute ago");
    w.clock.advance(Duration::seconds(1));
    assert_eq!(count(&other).await, 1, "and reads them again after the minute");
    // Withdrawn: gone at once where withdrawn, within the minute elsewhere.
    let admin = login(&office, "ADMIN01").await;
    let r = send(&office, admin.req("DELETE", &format!("/api/office/notices/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(count(&office).await, 0);
    assert_eq!(count(&other).await, 1);
    w.clock.advance(Duration::seconds(60));
    assert_eq!(count(&other).await, 0);
}

#[tokio::test]
async fn q55_q56_the_card_goes_to_the_organization_or_the_agent_s_office_and_the_fee_is_told() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk, officer) =
        (login(&app, "TANAKA01").await, login(&app, "CLERK01").await, login(&app, "OFFICER1").await);
    // An agent's request for use gives the office of affiliation; a staff member's gives none.
    let no_office = json!({ "kind": "additional", "requester_name": "Gyosei Jiro", "requester_email": "jiro@gyosei.example.jp",
        "is_agent": true, "written_request_on_file": true });
    let r = send(&app, clerk.json("POST", "/api/office/organizations/org1/requests-for-use", no_office)).await;
    assert_eq!(r.body["errors"][0]["field"], "office_address", "{:?}", r.body);
    let staff_office = json!({ "kind": "additional", "requester_name": "Sato Jiro", "requester_email": "sato@sakura.example.jp",
        "office_address": "Somewhere" });
    let r = send(&app, clerk.json("POST", "/api/office/organizations/org1/requests-for-use", staff_office)).await;
    assert_eq!(r.body["errors"][0]["rule"], "request_for_use.office_address_of_staff", "{:?}", r.body);
    // Staff: the organization's location (as registered: "Tokyo"); shown only when post is chosen.
    let by_post = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    let view = |c: &Client, id: &str| c.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap();
    let r = send(&app, view(&tanaka, &by_post)).await;
    assert_eq!((r.body["return_address"].as_str(), r.body["fee_yen"].clone()), (Some("Tokyo"), Value::Null));
    // The agent: its office of affiliation (for another foreign national: one open application per person).
    let (gyosei, _) = agent_of_org1(&app, &w, &clerk, "3-3-3 Toranomon, Minato-ku, Tokyo").await;
    let card = w.another_person().await.residence_card_number;
    let r = send(&app, gyosei.json("POST", "/api/applications", form(&card, |v| v["receipt_method"] = json!("post"))))
        .await;
    let agents = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(send(&app, photo_req(&gyosei, &agents, jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    let r = send(&app, gyosei.req("POST", &format!("/api/applications/{agents}/submit")).body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["return_address"], "3-3-3 Toranomon, Minato-ku, Tokyo");
    // Permitted: the fee in force on the day of the decision (5,500 yen online since 2025-04-01), on the
    // application and in the e-mail with the return address.
    w.jobs().await;
    for action in [
        json!({ "action": "start_examination" }),
        json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }),
    ] {
        assert_eq!(act(&app, &officer, &by_post, action).await.status, StatusCode::OK);
    }
    let r = send(&app, view(&tanaka, &by_post)).await;
    assert_eq!(r.body["fee_yen"], 5500, "{:?}", r.body);
    let jobs = w.jobs().await;
    let done =
        jobs.iter().find(|j| j.kind == zairyu_domain::notification::NotificationKind::ExaminationCompleted).unwrap();
    assert!(
        done.data["details_en"].contains("5500 yen") && done.data["details_en"].contains("addressed to Tokyo"),
        "{:?}",
        done.data
    );
    assert!(
        done.data["details_ja"].contains("5500円") && done.data["details_ja"].contains("宛先: Tokyo"),
        "{:?}",
        done.data
    );
}

/// #33 item 1, from the spec's side: a change of status is filed any day while the stay runs — more than a
/// year before the expiry too (no three-month window) — but not to an excluded status nor to the one held;
/// not while another application for the same person is open; permitted, it gives the status asked for, a
/// period from the day of the decision, and its fee; every e-mail about it names it.
#[tokio::test]
async fn a_change_of_status_is_filed_while_the_stay_runs_and_permitted_in_the_status_asked_for() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk, officer_before) =
        (login(&app, "TANAKA01").await, login(&app, "CLERK01").await, login(&app, "OFFICER1").await);
    // A student whose stay ends in 2028: far outside an extension's window, inside a change's.
    list(&app, &clerk, "ST11223344UV", |p| {
        p["status_of_residence"] = json!("student");
        p["period_of_stay"] = json!("2Y");
        p["expiry_date"] = json!("2028-03-31");
    })
    .await;
    let stay = |v: &mut Value| {
        v["status_of_residence"] = json!("student");
        v["period_of_stay"] = json!("2Y");
        v["expiry_date"] = json!("2028-03-31");
    };
    let change = |asked: &str| {
        form("ST11223344UV", |v| {
            stay(v);
            v["procedure"] = json!("change_of_status");
            v["desired_status_of_residence"] = json!(asked);
            v["reason"] = json!("Graduates in March 2027 and joins Sakura Systems in April");
        })
    };
    // The API's list gives each procedure's window: the change's open now, the extension's not yet.
    let r = send(&app, tanaka.req("GET", "/api/foreign-nationals").body(Body::empty()).unwrap()).await;
    let student =
        r.body["items"].as_array().unwrap().iter().find(|p| p["residence_card_number"] == "ST11223344UV").unwrap();
    let filings = student["filings"].as_array().unwrap();
    assert_eq!(
        filings.iter().map(|f| f["procedure"].as_str().unwrap()).collect::<Vec<_>>(),
        ["extension", "change_of_status", "work_certificate"]
    );
    // A student has no work to certify (#35).
    assert_eq!(filings.iter().map(|f| f["online"] == true).collect::<Vec<_>>(), [true, true, false]);
    assert!(filings[1]["filing_window"]["opens"].as_str().unwrap() <= "2026-11-27", "{student}");
    assert!(filings[0]["filing_window"]["opens"].as_str().unwrap() > "2026-11-27", "{student}");
    let extension = form("ST11223344UV", stay);
    let r = send(&app, tanaka.json("POST", "/api/applications", extension.clone())).await;
    assert!(rules_of(&r).contains(&pair("expiry_date", "filing_window.too_early")), "an extension waits: {:?}", r.body);
    let r = send(&app, tanaka.json("POST", "/api/applications", change("temporary_visitor"))).await;
    assert_eq!(rules_of(&r), vec![pair("desired_status_of_residence", "change_of_status.asked_excluded")]);
    let r = send(&app, tanaka.json("POST", "/api/applications", change("student"))).await;
    assert_eq!(rules_of(&r), vec![pair("desired_status_of_residence", "change_of_status.same_status")]);
    let id = filed(&app, &tanaka, change("engineer_humanities_international")).await;
    // One open application per person: a person with an extension open cannot have a change filed.
    list(&app, &clerk, "ZZ11223344YY", |_| {}).await;
    filed(&app, &tanaka, form("ZZ11223344YY", |_| {})).await;
    let other_change = form("ZZ11223344YY", |v| {
        v["procedure"] = json!("change_of_status");
        v["desired_status_of_residence"] = json!("business_manager");
    });
    let r = send(&app, tanaka.json("POST", "/api/applications", other_change)).await;
    assert_problem(&r, StatusCode::CONFLICT, "application-open");
    drop(extension);
    // The next day its official number, in the change's own series (our letters ＣＨ).
    w.clock.set(start() + Duration::days(1));
    let official = w.svc.daily.assign_official_receipt_number(&id.parse_id()).await.unwrap().to_string();
    assert!(official.starts_with("東オンＣＨ26"), "{official}");
    let officer = login(&app, "OFFICER1").await;
    drop(officer_before);

    let r = act(&app, &officer, &id, json!({ "action": "start_examination" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "3Y" })).await;
    assert_eq!(r.body["procedure"], "change_of_status", "{:?}", r.body);
    assert_eq!(r.body["decision"]["status"], "engineer_humanities_international");
    assert_eq!(r.body["decision"]["expiry"], "2029-11-27", "three years from the decision on 2026-11-28");
    assert_eq!(r.body["fee_yen"], 5_500);
    let mails: Vec<_> = w.jobs().await.into_iter().filter(|j| j.idempotency_key.contains(&id)).collect();
    assert!(mails.len() >= 2, "{mails:?}");
    assert!(mails.iter().all(|j| j.data["procedure_en"] == "Change of status of residence"));
}

/// #35 item 3, from the spec's side and through the API: a certificate of authorized employment is refused
/// for a student (no work to certify) and for work beyond the stay; an engineer files it without a photo
/// while an extension of theirs is examined (another claim), in its own series of numbers (ＷＣ); the office
/// issues it (a permission it cannot give; the stay unchanged), its fee by the date (1,600 yen online), the
/// e-mails name the certificate, not a card; posted, the application is completed.
#[tokio::test]
async fn a_work_certificate_is_filed_without_a_photo_issued_with_its_fee_and_posted() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    // A work certificate for the person with card `card`, edited, entered through the API.
    let enter = |card: &str, edit: &dyn Fn(&mut Value)| {
        let mut v = serde_json::to_value(zairyu_domain::fixtures::work_certificate_input()).unwrap();
        v["residence_card_number"] = json!(card);
        edit(&mut v);
        send(&app, tanaka.json("POST", "/api/applications", v))
    };
    list(&app, &clerk, "ST11223344UV", |p| p["status_of_residence"] = json!("student")).await;
    let r = enter("ST11223344UV", &|v| v["status_of_residence"] = json!("student")).await;
    assert_eq!(rules_of(&r), vec![pair("status_of_residence", "work_certificate.cannot_work")]);
    assert!(r.body["errors"][0]["message_ja"].as_str().unwrap().contains("就労が認められていない"), "{:?}", r.body);
    list(&app, &clerk, "ZZ11223344YY", |_| {}).await;
    let r = enter("ZZ11223344YY", &|v| v["work_until"] = json!("2027-01-21")).await;
    assert_eq!(rules_of(&r), vec![pair("work_until", "work_period.beyond_stay")]);
    let r = enter("ZZ11223344YY", &|v| v["occupation"] = json!("Engineer")).await;
    assert_eq!(rules_of(&r), vec![pair("occupation", "form.not_asked")]);

    // An extension of theirs already filed: the certificate is another claim.
    filed(&app, &tanaka, form("ZZ11223344YY", |_| {})).await;
    let r = enter("ZZ11223344YY", &|_| {}).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let photo = send(&app, photo_req(&tanaka, &id, jpeg(), "image/jpeg")).await;
    assert!(photo.body.to_string().contains("application.photo_not_asked"), "{:?}", photo.body);
    let r =
        send(&app, tanaka.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "filed without a photo: {:?}", r.body);
    // A second certificate for the same person waits for the first.
    let r = enter("ZZ11223344YY", &|_| {}).await;
    assert_problem(&r, StatusCode::CONFLICT, "application-open");

    w.clock.set(start() + Duration::days(1));
    let official = w.svc.daily.assign_official_receipt_number(&id.parse_id()).await.unwrap().to_string();
    assert!(official.starts_with("東オンＷＣ26"), "{official}");
    let officer = login(&app, "OFFICER1").await;
    // The API's queue by procedure: the certificate under its own, not under the extensions.
    let queue = |p: &str| {
        let uri = format!("/api/office/applications?status=application_completed&procedure={p}");
        officer.req("GET", &uri).body(Body::empty()).unwrap()
    };
    let own = send(&app, queue("work_certificate")).await;
    let items = own.body["items"].as_array().unwrap();
    assert!(items.iter().all(|a| a["procedure"] == "work_certificate"), "{:?}", own.body);
    assert!(items.iter().any(|a| a["id"] == id.as_str()));
    let others = send(&app, queue("extension")).await;
    assert!(!others.body["items"].as_array().unwrap().iter().any(|a| a["id"] == id.as_str()));
    let bad = send(&app, queue("naturalisation")).await;
    assert_eq!((bad.status, bad.body["rule"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("procedure.unknown")));
    assert_eq!(act(&app, &officer, &id, json!({ "action": "start_examination" })).await.status, StatusCode::OK);
    let r = act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "3Y" })).await;
    assert!(r.body.to_string().contains("application.decision_of_another_procedure"), "{:?}", r.body);
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a certificate is not a permission: {:?}", r.body);
    let r = act(&app, &officer, &id, json!({ "action": "issue_certificate" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["decision"], json!({ "outcome": "issued", "decided_on": "2026-11-28" }));
    assert_eq!(
        (r.body["fee_yen"].clone(), r.body["status"]["code"].clone()),
        (json!(1_600), json!("waiting_for_issuance"))
    );
    assert_eq!(r.body["expiry_date"], "2027-01-20", "the stay as it was");
    let mails: Vec<_> = w.jobs().await.into_iter().filter(|j| j.idempotency_key.contains(&id)).collect();
    let completed =
        mails.iter().find(|j| j.kind == zairyu_domain::notification::NotificationKind::ExaminationCompleted).unwrap();
    assert_eq!(completed.data["issued_ja"], "就労資格証明書");
    assert!(
        !completed.data["details_ja"].contains("在留カード") && completed.data["details_ja"].contains("1,600"),
        "{:?}",
        completed.data
    );
    for action in [
        json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": false }),
        json!({ "action": "issue_card_by_post", "dispatched_on": "2026-11-30" }),
    ] {
        let r = act(&app, &officer, &id, action).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let tanaka = login(&app, "TANAKA01").await;
    let r = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["status"]["code"], "completed", "{:?}", r.body);
    assert!(r.body["permission_effective_on"].is_null(), "a certificate permits nothing");
    let kinds: Vec<_> =
        w.jobs().await.into_iter().filter(|j| j.idempotency_key.contains(&id)).map(|j| j.kind).collect();
    assert!(kinds.contains(&zairyu_domain::notification::NotificationKind::CertificateIssued), "{kinds:?}");
    assert!(!kinds.contains(&zairyu_domain::notification::NotificationKind::ResidenceCardIssued));
}

/// #35 item 1, from the spec's side and through the API: a certificate of eligibility is filed for a
/// person abroad, known by the passport — refused while that passport is on a List (they are in Japan) and
/// for a status outside the scope; no card, no stay, not asked whether they are in Japan; with a photo; one
/// open per passport; numbered in its own series (ＣＥ); the office issues it (never permits it), free;
/// asked by e-mail, it is an electronic certificate at once, e-mailed to the filer and the notice address
/// with its number and links, and the public verification page answers for it.
#[tokio::test]
async fn a_certificate_of_eligibility_is_filed_for_a_person_abroad_and_issued_electronically() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    let coe = |edit: &dyn Fn(&mut Value)| {
        let mut v = serde_json::to_value(zairyu_domain::fixtures::eligibility_input()).unwrap();
        edit(&mut v);
        v
    };
    let enter = |v: Value| send(&app, tanaka.json("POST", "/api/applications", v));
    // Her passport on a List (another person's entry, the nationality written in Japanese): in Japan.
    list(&app, &clerk, "ZZ11223344YY", |p| {
        p["passport_number"] = json!("C7654321");
        p["nationality"] = json!("ベトナム");
    })
    .await;
    let r = enter(coe(&|_| {})).await;
    assert_eq!(rules_of(&r), vec![pair("passport_number", "eligibility.listed_in_japan")]);
    assert!(r.body["errors"][0]["message_ja"].as_str().unwrap().contains("日本に在留しています"), "{:?}", r.body);
    let r = enter(coe(&|v| v["desired_status_of_residence"] = json!("temporary_visitor"))).await;
    assert!(
        rules_of(&r).contains(&pair("desired_status_of_residence", "certificate_of_eligibility.status_excluded")),
        "{:?}",
        r.body
    );
    let r = enter(coe(&|v| {
        v["passport_number"] = json!("C1111111");
        v["residence_card_number"] = json!("AB12345678CD");
    }))
    .await;
    assert_eq!(rules_of(&r), vec![pair("residence_card_number", "form.not_asked")]);

    // Another passport: entered, with a photo, filed.
    let abroad = coe(&|v| v["passport_number"] = json!("C1111111"));
    let r = enter(abroad.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (r.body["residence_card_number"].as_str(), r.body["procedure"].as_str()),
        (Some(""), Some("certificate_of_eligibility"))
    );
    let submit = |id: &str| tanaka.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap();
    let r = send(&app, submit(&id)).await;
    assert!(r.body.to_string().contains("photo"), "its photo is asked first: {:?}", r.body);
    assert_eq!(send(&app, photo_req(&tanaka, &id, jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    let r = send(&app, submit(&id)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // One open per passport.
    assert_problem(&enter(abroad).await, StatusCode::CONFLICT, "application-open");

    w.clock.set(start() + Duration::days(1));
    let official = w.svc.daily.assign_official_receipt_number(&id.parse_id()).await.unwrap().to_string();
    assert!(official.starts_with("東オンＣＥ26"), "{official}");
    let officer = login(&app, "OFFICER1").await;
    assert_eq!(act(&app, &officer, &id, json!({ "action": "start_examination" })).await.status, StatusCode::OK);
    let r = act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "1Y" })).await;
    assert!(r.body.to_string().contains("application.decision_of_another_procedure"), "{:?}", r.body);
    let r = act(&app, &officer, &id, json!({ "action": "issue_certificate" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!((r.body["status"]["code"].as_str(), r.body["fee_yen"].clone()), (Some("completed"), Value::Null));

    // The e-mail: to the filer and to the notice address, with the certificate's number and links.
    let mails: Vec<_> = w.jobs().await.into_iter().filter(|j| j.idempotency_key.contains(&id)).collect();
    let issued = mails
        .iter()
        .find(|j| j.kind == zairyu_domain::notification::NotificationKind::ElectronicCertificateIssued)
        .unwrap_or_else(|| panic!("{mails:?}"));
    assert!(issued.to.iter().any(|a| a.email.as_str() == "binh.tran@example.com"), "{:?}", issued.to);
    assert!(issued.to.len() >= 2, "the filer too: {:?}", issued.to);
    let code = issued.data["code"].clone();
    assert_eq!(issued.data["valid_until"], "2027-02-28", "three months from 2026-11-28");
    assert!(issued.data["verify_link"].ends_with(&format!("/verify/{code}")), "{:?}", issued.data);
    assert!(issued.data["certificate_link"].ends_with(&format!("/verify/{code}/certificate.pdf")), "{:?}", issued.data);
    // The verification page, for anyone: valid, with the person and the status sought.
    let page = send(&app, axum::http::Request::get(format!("/verify/{code}")).body(Body::empty()).unwrap()).await;
    let html = String::from_utf8_lossy(&page.bytes);
    assert_eq!(page.status, StatusCode::OK, "{html}");
    assert!(html.contains("TRAN,THI,BINH") && html.contains("1998"), "{html}");
    // The PDF at the e-mail's link: not there before its e-mail is sent (sealed then), a PDF after.
    let pdf_link = format!("/verify/{code}/certificate.pdf");
    let get = |uri: &str| axum::http::Request::get(uri.to_owned()).body(Body::empty()).unwrap();
    assert_eq!(send(&app, get(&pdf_link)).await.status, StatusCode::NOT_FOUND);
    let sealing = zairyu_app::services::certificates::Sealing::new(
        w.svc.core.clone(),
        std::sync::Arc::new(zairyu_embedded::LocalSeal::generate().unwrap()),
        "https://oras.example.jp".into(),
    );
    let parsed = zairyu_domain::certificate::CertificateCode::parse(&code).unwrap();
    sealing.seal_into(w.wiring.photos.as_ref(), &parsed).await.unwrap();
    let pdf = send(&app, get(&pdf_link)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"), "{:?}", &pdf.bytes[..8]);
    let unknown = send(&app, get("/verify/0000-0000-0000-0000/certificate.pdf")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// #35 item 2, from the spec's side and through the API: an acquisition for a child born in Japan, filed
/// within thirty days of the birth (day 31 refused with the last day), in Japan (Q35), known by the
/// passport — refused while that passport is on a List (they hold a status); with a photo; free; numbered ＡＱ;
/// the office permits it with a period running from the decision; the card is posted.
#[tokio::test]
async fn an_acquisition_is_filed_within_thirty_days_of_the_birth_and_permitted_with_a_card() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    let acquisition = |edit: &dyn Fn(&mut Value)| {
        let mut v = serde_json::to_value(zairyu_domain::fixtures::acquisition_input()).unwrap();
        edit(&mut v);
        v
    };
    let enter = |v: Value| send(&app, tanaka.json("POST", "/api/applications", v));
    // Today is 2026-11-27: born on 2026-10-27 is day 31.
    let r = enter(acquisition(&|v| {
        v["acquisition_date"] = json!("2026-10-27");
        v["birth_date"] = json!("2026-10-27");
    }))
    .await;
    assert_eq!(rules_of(&r), vec![pair("acquisition_date", "acquisition.too_late")]);
    assert!(r.body["errors"][0]["message_ja"].as_str().unwrap().contains("2026-11-26"), "{:?}", r.body);
    let r = enter(acquisition(&|v| v["in_japan"] = json!(false))).await;
    assert_eq!(rules_of(&r), vec![pair("in_japan", "eligibility.outside_japan")]);
    // A passport on a List: that person holds a status already.
    list(&app, &clerk, "ZZ11223344YY", |p| p["passport_number"] = json!("C9876543")).await;
    let r = enter(acquisition(&|_| {})).await;
    assert_eq!(rules_of(&r), vec![pair("passport_number", "eligibility.has_status")]);

    let id = filed(&app, &tanaka, acquisition(&|v| v["passport_number"] = json!("C1234000"))).await;
    let r = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["procedure"], "acquisition", "{:?}", r.body);
    assert_problem(
        &enter(acquisition(&|v| v["passport_number"] = json!("C1234000"))).await,
        StatusCode::CONFLICT,
        "application-open",
    );
    w.clock.set(start() + Duration::days(1));
    let official = w.svc.daily.assign_official_receipt_number(&id.parse_id()).await.unwrap().to_string();
    assert!(official.starts_with("東オンＡＱ26"), "{official}");
    let officer = login(&app, "OFFICER1").await;
    assert_eq!(act(&app, &officer, &id, json!({ "action": "start_examination" })).await.status, StatusCode::OK);
    let r = act(&app, &officer, &id, json!({ "action": "issue_certificate" })).await;
    assert!(
        r.body.to_string().contains("application.decision_of_another_procedure"),
        "a card, not a certificate: {:?}",
        r.body
    );
    let r = act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "1Y" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["decision"]["status"], "dependent");
    assert_eq!(r.body["decision"]["expiry"], "2027-11-27", "a year from the decision on 2026-11-28");
    assert_eq!(
        (r.body["fee_yen"].clone(), r.body["status"]["code"].clone()),
        (Value::Null, json!("waiting_for_issuance"))
    );
    // Its e-mail says no fee is due and what to send: the return envelope, no fee notice.
    let completed = w
        .jobs()
        .await
        .into_iter()
        .find(|j| {
            j.idempotency_key.contains(&id)
                && j.kind == zairyu_domain::notification::NotificationKind::ExaminationCompleted
        })
        .unwrap();
    let details = (&completed.data["details_en"], &completed.data["details_ja"]);
    assert!(details.0.contains("No fee is due") && details.0.contains("return envelope"), "{details:?}");
    assert!(!details.1.contains("収入印紙"), "{details:?}");
    for action in [
        json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": false }),
        json!({ "action": "issue_card_by_post", "dispatched_on": "2026-11-30" }),
    ] {
        let r = act(&app, &officer, &id, action).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let kinds: Vec<_> =
        w.jobs().await.into_iter().filter(|j| j.idempotency_key.contains(&id)).map(|j| j.kind).collect();
    assert!(kinds.contains(&zairyu_domain::notification::NotificationKind::ResidenceCardIssued), "{kinds:?}");
}

/// #33 item 1: online, never on the last day of the period of stay (the counter then).
#[tokio::test]
async fn a_change_of_status_is_not_filed_online_on_the_last_day_of_the_stay() {
    let got = async |expiry: &str| {
        let w = World::new().await;
        let app = router(&w, false, GeoPolicy::Off);
        let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
        list(&app, &clerk, "ZZ11223344YY", |p| p["expiry_date"] = json!(expiry)).await;
        let body = form("ZZ11223344YY", |v| {
            v["procedure"] = json!("change_of_status");
            v["expiry_date"] = json!(expiry);
            v["desired_status_of_residence"] = json!("business_manager");
        });
        send(&app, tanaka.json("POST", "/api/applications", body)).await
    };
    // Today is 2026-11-27.
    let last_day = got("2026-11-27").await;
    assert!(rules_of(&last_day).contains(&pair("expiry_date", "filing_window.expiry_day")), "{:?}", last_day.body);
    let day_before = got("2026-11-28").await;
    assert_eq!(day_before.status, StatusCode::CREATED, "{:?}", day_before.body);
}

// ---------------------------------------------------------------------------------------------------
// #33 item 2: documents of proof (立証資料), uploaded online at filing and when the office asks for more.

/// A file as pikepdf/qpdf or Chromium wrote it (`scripts/document-fixtures.py`): not ours.
fn pdf_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../shared/domain/tests/fixtures/documents/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the object store does with a PUT to an upload link (the local store's own check of its link: the
/// signature, the expiry, the exact length), as the local server's upload route does it.
async fn put_to(w: &World, link: &Value, bytes: Vec<u8>) -> Result<(), String> {
    let store = zairyu_embedded::FolderBlobs::new(
        &w.dir.path().join("photos"),
        "http://127.0.0.1:8080",
        b"k",
        SharedClock(std::sync::Arc::clone(&w.clock)),
    )
    .unwrap();
    let url = link["url"].as_str().unwrap();
    let path = url.strip_prefix("http://127.0.0.1:8080").ok_or("not the store's link")?;
    let ct = link["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "content-type")
        .and_then(|h| h[1].as_str())
        .unwrap_or_default()
        .to_owned();
    store.accept_upload(path, &ct, bytes).await.map(|_| ()).map_err(|e| e.to_string())
}

/// Starts a document, sends its file to the link and says it was sent: the answer of `complete` (or of the
/// start, when that was refused).
async fn submit_document(
    app: &Router,
    w: &World,
    c: &Client,
    id: &str,
    title: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Reply {
    let body = json!({ "title": title, "file_name": name, "size": bytes.len() });
    let r = send(app, c.json("POST", &format!("/api/applications/{id}/documents"), body)).await;
    if r.status != StatusCode::CREATED {
        return r;
    }
    let doc = r.body["document"]["id"].as_str().unwrap().to_owned();
    put_to(w, &r.body["upload"], bytes).await.unwrap();
    send(app, c.req("POST", &format!("/api/applications/{id}/documents/{doc}/complete")).body(Body::empty()).unwrap())
        .await
}

fn documents_folder(w: &World, id: &str) -> Vec<std::path::PathBuf> {
    let dir = w.dir.path().join("photos/documents/org1").join(id);
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn documents_of_proof_go_with_the_filing_and_when_the_office_asks_for_more_and_not_after_the_decision() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    // With the filing: a contract, as a PDF packed in compressed object streams.
    let r =
        submit_document(&app, &w, &tanaka, &id, "雇用契約書", "contract.pdf", pdf_fixture("object-streams.pdf")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["state"]["state"], "accepted");
    assert_eq!(r.body["state"]["info"]["kind"], "pdf");
    // The office sees it and opens it: a short link to the store, the opening in the trail.
    w.clock.set(start() + Duration::days(1));
    w.svc.daily.assign_official_receipt_number(&id.parse_id()).await.unwrap();
    let (tanaka, officer) = (login(&app, "TANAKA01").await, login(&app, "OFFICER1").await);
    let r = send(
        &app,
        officer.req("GET", &format!("/api/office/applications/{id}/documents")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let doc = r.body["documents"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["documents"][0]["title"], "雇用契約書");
    let r = send(
        &app,
        officer.req("GET", &format!("/api/office/applications/{id}/documents/{doc}")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.headers.get("location").unwrap().to_str().unwrap();
    assert!(
        location.contains("/local-download/documents/org1/") && location.contains("content_type=application%2Fpdf"),
        "{location}"
    );
    let trail = w.audit(&format!("application:{id}")).await;
    let opened: Vec<_> = trail.iter().filter(|e| e.action == zairyu_domain::audit::AuditAction::OpenDocument).collect();
    assert_eq!(opened.len(), 1);
    assert_eq!((opened[0].actor.as_str(), opened[0].part.clone()), ("OFFICER1", Some(format!("document:{doc}"))));
    let uploaded = trail.iter().find(|e| e.action == zairyu_domain::audit::AuditAction::ApplicationDocument).unwrap();
    assert_eq!(uploaded.actor, "TANAKA01");

    // The office asks for more: the list shows 追完待ち and the e-mail links the upload page.
    assert_eq!(act(&app, &officer, &id, json!({ "action": "start_examination" })).await.status, StatusCode::OK);
    let r = act(&app, &officer, &id, json!({ "action": "request_documents" })).await;
    assert_eq!(r.body["status"]["code"], "awaiting_documents", "{:?}", r.body);
    let line = send(&app, tanaka.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    let mine = line.body["items"].as_array().unwrap().iter().find(|l| l["id"] == id.as_str()).unwrap().clone();
    assert_eq!(
        (mine["status"]["label_ja"].as_str(), mine["status"]["label_en"].as_str()),
        (Some("追完待ち"), Some("Awaiting documents"))
    );
    let asked = w
        .jobs()
        .await
        .into_iter()
        .find(|j| j.kind == zairyu_domain::notification::NotificationKind::DocumentsRequested)
        .unwrap();
    assert_eq!(asked.data["link"], format!("https://oras.example.jp/applications/{id}/documents"));
    // The document asked for, a scan as PNG: the examination resumes.
    let r =
        submit_document(&app, &w, &tanaka, &id, "卒業証明書", "diploma.png", zairyu_domain::fixtures::png(400, 300))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["after_request"], 1);
    let r =
        send(&app, officer.req("GET", &format!("/api/office/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["status"]["code"], "under_examination", "{:?}", r.body);

    // A document started before the decision whose file arrives after it is refused; none starts after.
    let late = json!({ "title": "住民票", "file_name": "late.pdf", "size": pdf_fixture("plain.pdf").len() });
    let started = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/documents"), late.clone())).await;
    assert_eq!(started.status, StatusCode::CREATED, "{:?}", started.body);
    let r =
        act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    put_to(&w, &started.body["upload"], pdf_fixture("plain.pdf")).await.unwrap();
    let late_doc = started.body["document"]["id"].as_str().unwrap();
    let r = send(
        &app,
        tanaka
            .req("POST", &format!("/api/applications/{id}/documents/{late_doc}/complete"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "document-refused");
    assert_eq!(r.body["rule"], "status.not_from_status");
    let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/documents"), late)).await;
    assert_problem(&r, StatusCode::CONFLICT, "application-state");
    // Two kept, the refused file gone.
    assert_eq!(documents_folder(&w, &id).len(), 2);
    let r =
        send(&app, tanaka.req("GET", &format!("/api/applications/{id}/documents")).body(Body::empty()).unwrap()).await;
    let states: Vec<_> = r.body["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"]["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states, ["accepted", "accepted", "refused"]);
}

#[tokio::test]
async fn a_document_is_known_by_its_content_and_refused_with_the_reason() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    let cases = [
        ("encrypted.pdf", pdf_fixture("encrypted.pdf"), "document.encrypted", "パスワード"),
        ("with-script.pdf", pdf_fixture("javascript.pdf"), "document.scripted", "JavaScript"),
        ("attached.pdf", pdf_fixture("attachment.pdf"), "document.attachments", "添付"),
        ("photo.pdf", support::jpeg(), "document.name_differs", "JPEG"),
        ("cut.pdf", pdf_fixture("plain.pdf")[..500].to_vec(), "document.broken_pdf", "破損"),
        ("letter.docx", b"PK\x03\x04 a Word file".to_vec(), "document.kind", "Word"),
    ];
    for (name, bytes, rule, words) in cases {
        let r = submit_document(&app, &w, &tanaka, &id, "在職証明書", name, bytes).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "document-refused");
        assert_eq!(r.body["rule"], rule, "{name}");
        assert_eq!(r.body["errors"][0]["field"], "file");
        assert!(r.body["detail_ja"].as_str().unwrap().contains(words), "{name}: {:?}", r.body);
    }
    // Nothing of them is kept, and the application holds no document.
    assert!(documents_folder(&w, &id).is_empty());
    let r =
        send(&app, tanaka.req("GET", &format!("/api/applications/{id}/documents")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["documents"].as_array().unwrap().len(), 6);
    assert_eq!(r.body["room_bytes"], 25 * 1024 * 1024 - support::jpeg().len());
    // The same JPEG named as a JPEG is taken.
    let r = submit_document(&app, &w, &tanaka, &id, "在職証明書", "photo.jpg", support::jpeg()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn the_25_mb_of_documents_and_photo_are_held_to_the_byte() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    // 25 MB as a file dialog counts it: 25 × 1,024 × 1,024 bytes, the photo's among them.
    let all = 25 * 1024 * 1024 - support::jpeg().len();
    let big = zairyu_domain::fixtures::pdf_of_size(all - 1_000);
    let r = submit_document(&app, &w, &tanaka, &id, "給与明細", "pay.pdf", big).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body["rule"]);
    let r = submit_document(
        &app,
        &w,
        &tanaka,
        &id,
        "住民票",
        "one-too-many.pdf",
        zairyu_domain::fixtures::pdf_of_size(1_001),
    )
    .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["rule"], "document.too_large");
    assert!(r.body["detail_ja"].as_str().unwrap().contains("残りは1000バイト"), "{:?}", r.body);
    let r = submit_document(&app, &w, &tanaka, &id, "住民票", "exact.pdf", zairyu_domain::fixtures::pdf_of_size(1_000))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r =
        send(&app, tanaka.req("GET", &format!("/api/applications/{id}/documents")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["room_bytes"], 0);
    // A size written as a JSON number with a fraction of zero is the whole number it is (and is too large).
    let body = json!({ "title": "課税証明書", "size": 600.0 });
    let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/documents"), body)).await;
    assert_eq!(r.body["rule"], "document.too_large", "{:?}", r.body);
    let body = json!({ "title": "課税証明書", "size": 600.5 });
    let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/documents"), body)).await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "malformed-body");
    let r =
        submit_document(&app, &w, &tanaka, &id, "課税証明書", "more.pdf", zairyu_domain::fixtures::pdf_of_size(600))
            .await;
    assert_eq!(r.body["rule"], "document.too_large");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_documents_that_each_fit_but_not_both_are_taken_once() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    let all = 25 * 1024 * 1024 - support::jpeg().len();
    let r = submit_document(
        &app,
        &w,
        &tanaka,
        &id,
        "給与明細",
        "pay.pdf",
        zairyu_domain::fixtures::pdf_of_size(all - 1_500),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Two of 1,000 bytes, each within the 1,500 left when started, both sent, both said sent at once.
    let mut docs = Vec::new();
    for title in ["住民票", "課税証明書"] {
        let body = json!({ "title": title, "file_name": "a.pdf", "size": 1_000 });
        let r = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/documents"), body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        put_to(&w, &r.body["upload"], zairyu_domain::fixtures::pdf_of_size(1_000)).await.unwrap();
        docs.push(r.body["document"]["id"].as_str().unwrap().to_owned());
    }
    let complete = |doc: String| {
        let (app, uri) = (app.clone(), format!("/api/applications/{id}/documents/{doc}/complete"));
        let req = tanaka.req("POST", &uri).body(Body::empty()).unwrap();
        tokio::spawn(async move { send(&app, req).await })
    };
    let (a, b) = (complete(docs[0].clone()), complete(docs[1].clone()));
    let mut statuses = vec![a.await.unwrap().status, b.await.unwrap().status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY]);
    let r =
        send(&app, tanaka.req("GET", &format!("/api/applications/{id}/documents")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["room_bytes"], 500);
}

#[tokio::test]
async fn another_organizations_documents_and_another_offices_are_not_found() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, suzuki, osaka) =
        (login(&app, "TANAKA01").await, login(&app, "SUZUKI02").await, login(&app, "OSAKA01").await);
    let id = filed(&app, &tanaka, form("AB12345678CD", |_| {})).await;
    let body = json!({ "title": "雇用契約書", "file_name": "contract.pdf", "size": pdf_fixture("plain.pdf").len() });
    let started = send(&app, tanaka.json("POST", &format!("/api/applications/{id}/documents"), body.clone())).await;
    let doc = started.body["document"]["id"].as_str().unwrap().to_owned();
    // Another organization: not its application, not its document, not its list.
    let r = send(&app, suzuki.json("POST", &format!("/api/applications/{id}/documents"), body)).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    put_to(&w, &started.body["upload"], pdf_fixture("plain.pdf")).await.unwrap();
    let r = send(
        &app,
        suzuki.req("POST", &format!("/api/applications/{id}/documents/{doc}/complete")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r =
        send(&app, suzuki.req("GET", &format!("/api/applications/{id}/documents")).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    // Its own link made for its own application does not reach org1's document: the key is signed.
    let mut forged = started.body["upload"].clone();
    forged["url"] = json!(forged["url"].as_str().unwrap().replace("/org1/", "/org2/"));
    assert!(put_to(&w, &forged, pdf_fixture("plain.pdf")).await.unwrap_err().contains("signature"));
    // The office of another jurisdiction reads it as missing.
    let r = send(
        &app,
        tanaka.req("POST", &format!("/api/applications/{id}/documents/{doc}/complete")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = send(
        &app,
        osaka.req("GET", &format!("/api/office/applications/{id}/documents/{doc}")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
}

/// #33 item 3: the examination-completed e-mail and the page say the fee due for each permission granted,
/// for filing online.
#[tokio::test]
async fn the_fee_due_is_said_for_each_permission_granted_and_the_way_it_was_filed() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let body = form("AB12345678CD", |v| {
        v["procedures"] = json!(["extension", "re_entry_multiple", "activity_outside_status"]);
    });
    let id = filed(&app, &tanaka, body).await;
    let officer = login(&app, "OFFICER1").await;
    assert_eq!(act(&app, &officer, &id, json!({ "action": "start_examination" })).await.status, StatusCode::OK);
    let r = act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "3Y" })).await;
    assert_eq!(r.body["fee_yen"], 12_000, "{:?}", r.body);
    let mail = w
        .jobs()
        .await
        .into_iter()
        .find(|j| j.kind == zairyu_domain::notification::NotificationKind::ExaminationCompleted)
        .unwrap();
    let ja = mail.data["details_ja"].clone();
    for part in [
        "在留期間更新許可 5,500円",
        "再入国許可（数次） 6,500円",
        "資格外活動許可 無料",
        "合計12,000円（オンライン申請の手数料）",
    ] {
        assert!(ja.contains(part), "{part}: {ja}");
    }
    assert!(mail.data["details_en"].contains("in all 12,000 yen (the fee for filing online)"), "{:?}", mail.data);
    let page = send(&app, tanaka.req("GET", &format!("/applications/{id}")).body(Body::empty()).unwrap()).await;
    let html = String::from_utf8_lossy(&page.bytes);
    assert!(html.contains("合計12,000円（オンライン申請の手数料）"), "{html}");
}

/// #33 item 1: a change asked by a person whose status cannot be changed online is refused once, at the
/// status held (the list's), not again at the status asked for.
#[tokio::test]
async fn a_change_from_a_status_changed_only_at_the_counter_is_refused_once_at_the_status_held() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    list(&app, &clerk, "DA11223344ZZ", |p| {
        p["status_of_residence"] = json!("designated_activities");
        p["period_of_stay"] = json!("1Y");
        p["expiry_date"] = json!("2027-06-30");
    })
    .await;
    let body = form("DA11223344ZZ", |v| {
        v["status_of_residence"] = json!("designated_activities");
        v["period_of_stay"] = json!("1Y");
        v["expiry_date"] = json!("2027-06-30");
        v["procedure"] = json!("change_of_status");
        v["desired_status_of_residence"] = json!("engineer_humanities_international");
    });
    let r = send(&app, tanaka.json("POST", "/api/applications", body)).await;
    assert_eq!(rules_of(&r), vec![pair("status_of_residence", "eligibility.status_not_covered")], "{:?}", r.body);
}
