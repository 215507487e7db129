//! Scenario 7, the registration half: a filled template of 300 rows with 3 wrong, processed into an
//! upload: 297 applications in "Input completed", the 3 row errors with their cells, an e-mail; the same
//! file again creates nothing twice; a corrected file with only the 3 rows registers them; a refused file
//! stores nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zairyu_app::access::Role;
use zairyu_blanket::columns::columns;
use zairyu_blanket::template::workbook;
use zairyu_domain::application::OrganizationId;
use zairyu_domain::blanket::UploadState;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::status::ApplicationStatus;
use zairyu_domain::status_of_residence::ScreenGroup;
use zairyu_domain::values::UserId;

mod support;
use support::*;

fn card(i: usize) -> String {
    blanket_card(i)
}

async fn people_and_rows(w: &World) -> Vec<Vec<String>> {
    w.blanket_people(300).await
}

fn col(field: &str) -> usize {
    columns().iter().position(|c| c.field == field).unwrap()
}

async fn upload(w: &World, bytes: &[u8]) -> zairyu_domain::blanket::BlanketUpload {
    let org = OrganizationId::parse("org1").unwrap();
    let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    zairyu_blanket::process(&w.svc.blanket, &org, started.id(), bytes).await.unwrap()
}

#[tokio::test]
async fn scenario_7_three_hundred_rows_three_wrong() {
    let w = World::new().await;
    let mut rows = people_and_rows(&w).await;
    rows[10][col("name")] = "Nguyen Van An".into();
    rows[100][col("postcode")] = "12".into();
    rows[200][col("residence_card_number")] = "ZZ00000000ZZ".into();
    let bytes = workbook(ScreenGroup::Work, &rows).unwrap();

    let done = upload(&w, &bytes).await;
    assert_eq!(done.state(), UploadState::RowErrors);
    assert_eq!((done.rows_registered(), done.rows_failed()), (297, 3));
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    let cells: Vec<_> = errors.iter().map(|e| (e.row, e.rule.clone())).collect();
    assert_eq!(
        cells,
        vec![
            (14, "name_on_card.lowercase".to_owned()),
            (104, "postcode.format".to_owned()),
            (204, "eligibility.not_on_list".to_owned())
        ]
    );
    assert_eq!(errors[0].value, "Nguyen Van An");
    let (_, caller) = w.login("TANAKA01").await;
    let list = || async { w.lines(&caller, 1000).await };
    let count =
        |items: &[Line], status: ApplicationStatus| items.iter().filter(|a| a.status.code == status.code()).count();
    let items = list().await;
    // Q42: the three rows are items of the application list in "Error (blanket registration)".
    assert_eq!(items.len(), 300);
    assert_eq!(count(&items, ApplicationStatus::InputCompleted), 297);
    assert_eq!(count(&items, ApplicationStatus::ErrorBlanketRegistration), 3);
    let jobs = w.jobs().await;
    assert_eq!(jobs.iter().filter(|j| j.kind == NotificationKind::BlanketUploadFailed).count(), 1);

    // The same file again, as a new upload: nothing twice.
    upload(&w, &bytes).await;
    assert_eq!(list().await.len(), 300);

    // The three rows corrected on the single-entry path, each from its row as typed.
    for item in list().await {
        let Some(entry) = item.blanket else { continue };
        let mut input = entry.input.clone();
        match entry.row {
            14 => input.name = "NGUYEN,VAN,AN".into(),
            104 => input.postcode = "100-0013".into(),
            204 => input.residence_card_number = card(200),
            other => panic!("row {other}"),
        }
        w.svc.applications.correct_blanket_entry(&caller, &item.id, &input).await.unwrap();
    }
    let items = list().await;
    assert_eq!((items.len(), count(&items, ApplicationStatus::InputCompleted)), (300, 300));
}

#[tokio::test]
async fn the_same_event_twice_is_harmless_and_a_refused_file_stores_nothing() {
    let w = World::new().await;
    let rows = people_and_rows(&w).await;
    let bytes = workbook(ScreenGroup::Work, &rows[..5]).unwrap();
    let org = OrganizationId::parse("org1").unwrap();
    let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    let first = zairyu_blanket::process(&w.svc.blanket, &org, started.id(), &bytes).await.unwrap();
    let again = zairyu_blanket::process(&w.svc.blanket, &org, started.id(), &bytes).await.unwrap();
    assert_eq!((first.rows_registered(), again.rows_registered()), (5, 5));
    let (_, caller) = w.login("TANAKA01").await;
    assert_eq!(w.lines(&caller, 100).await.len(), 5);

    let refused = upload(&w, b"name,card\nNGUYEN,AB12345678CD\n").await;
    assert_eq!(refused.state(), UploadState::Refused);
    assert_eq!(refused.refusal(), Some("blanket.not_xlsx"));
    let too_many =
        upload(&w, &workbook(ScreenGroup::Work, &[rows.clone(), rows[..1].to_vec()].concat()).unwrap()).await;
    assert_eq!(too_many.refusal(), Some("blanket.too_many_rows"));
    assert_eq!(w.lines(&caller, 100).await.len(), 5);
}

#[tokio::test]
async fn the_batch_upload_function_handles_its_sample_s3_event_twice_harmlessly() {
    use aws_lambda_events::event::s3::S3Event;
    let w = World::new().await;
    let rows = people_and_rows(&w).await;
    let org = OrganizationId::parse("org1").unwrap();
    let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    let key = zairyu_app::services::blanket::upload_key(&org, started.id());
    let bytes = workbook(ScreenGroup::Work, &rows[..4]).unwrap();
    w.wiring.uploads.put(&key, bytes, zairyu_app::services::blanket::XLSX_CONTENT_TYPE).await.unwrap();

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/s3/blanket-upload.json");
    let mut event: S3Event = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(event.records[0].event_name.as_deref(), Some("ObjectCreated:Put"));
    event.records[0].s3.object.key = Some(key.clone());
    assert_eq!(zairyu_batch_upload::handle(&w.as_role(Role::BatchUpload).blanket, event.clone()).await.unwrap(), 1);
    assert_eq!(zairyu_batch_upload::handle(&w.as_role(Role::BatchUpload).blanket, event).await.unwrap(), 1);
    let (_, caller) = w.login("TANAKA01").await;
    assert_eq!(w.lines(&caller, 100).await.len(), 4);
    let jobs = w.jobs().await;
    assert_eq!(jobs.iter().filter(|j| j.kind == NotificationKind::BlanketUploadCompleted).count(), 1);
}

/// #14 item 2: the same rows saved again by another program (other bytes, same people) register nothing
/// twice — each person's entered application takes the row instead, and the upload says so; a person whose
/// application was already filed gets a row error naming it, never a second application.
#[tokio::test]
async fn the_same_people_in_a_re_saved_file_update_their_applications_and_add_none() {
    let w = World::new().await;
    let mut rows = w.blanket_people(5).await;
    let first = upload(&w, &workbook(ScreenGroup::Work, &rows).unwrap()).await;
    assert_eq!((first.rows_registered(), first.rows_updated(), first.rows_failed()), (5, 0, 0));
    let (_, caller) = w.login("TANAKA01").await;
    let list = || async { w.lines(&caller, 1000).await };
    assert_eq!(list().await.len(), 5);

    // File the first person's application; re-save the file with one occupation changed (other bytes).
    let filed = list().await.into_iter().find(|l| l.blanket.is_none() && l.residence_card_number == card(0));
    let filed = w.svc.applications.application(&caller, &filed.unwrap().id).await.unwrap();
    w.svc.applications.attach_photo(&caller, filed.id().as_str(), jpeg(), None).await.unwrap();
    w.svc.applications.submit(&caller, filed.id().as_str()).await.unwrap();
    rows[3][col("occupation")] = "Data engineer".into();
    let second = upload(&w, &workbook(ScreenGroup::Work, &rows).unwrap()).await;
    assert_eq!((second.rows_registered(), second.rows_updated(), second.rows_failed()), (4, 4, 1));
    let items = list().await;
    let mut applications = Vec::new();
    for line in items.iter().filter(|l| l.blanket.is_none()) {
        applications.push(w.svc.applications.application(&caller, &line.id).await.unwrap());
    }
    assert_eq!(applications.len(), 5, "no person twice");
    let changed = applications.iter().find(|a| a.form().card().unwrap().as_str() == card(3)).unwrap();
    assert_eq!(changed.form().stay_part().unwrap().occupation.as_str(), "Data engineer");
    let errors = w.svc.core.store().uploads().row_errors(second.id(), None, 100).await.unwrap().items;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].rule, "application.already_open");
    assert!(errors[0].message_en.contains(filed.id().as_str()), "{:?}", errors[0]);
    // The filed one got no second receipt number: one application for the person, one number.
    let for_card = w.svc.core.store().applications().by_person(&filed.form().person_key(), None, 10).await.unwrap();
    assert_eq!(for_card.items.len(), 1);
}

/// #14 item 6: a refused file keeps its message in both languages and the row it is about.
#[tokio::test]
async fn a_refused_file_keeps_its_message_and_its_row() {
    let w = World::new().await;
    let rows = w.blanket_people(301).await;
    let done = upload(&w, &workbook(ScreenGroup::Work, &rows).unwrap()).await;
    assert_eq!(done.state(), UploadState::Refused);
    let detail = done.refusal_detail().unwrap();
    assert_eq!((detail.rule.as_str(), detail.row), ("blanket.too_many_rows", Some(304)));
    assert!(detail.message_en.contains("row 304") && detail.message_ja.contains("304行目"), "{detail:?}");
    // Stored so: read back through the service.
    let org = OrganizationId::parse("org1").unwrap();
    let stored = w.svc.core.store().uploads().get(&org, done.id()).await.unwrap().unwrap();
    assert_eq!(stored.refusal_detail(), Some(detail));
    let (_, caller) = w.login("TANAKA01").await;
    assert!(w.lines(&caller, 10).await.is_empty(), "nothing stored");
    // Its e-mail says so and why — not "0 registered, 0 errors".
    let jobs = w.jobs().await;
    let refused: Vec<_> = jobs.iter().filter(|j| j.kind == NotificationKind::BlanketUploadRefused).collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].data["reason_ja"].contains("304行目"), "{:?}", refused[0].data);
    assert!(jobs.iter().all(|j| j.kind != NotificationKind::BlanketUploadFailed));
}

/// #14 item 3, in AWS: the batch-upload function's schedule (its sample event) finishes a registration cut
/// off past S3's retries from the stored file — once, with one e-mail — and ends an upload whose link
/// expired with no file; uploads younger than the sweep's age are left to S3's events.
#[tokio::test]
async fn the_batch_upload_schedule_finishes_cut_off_registrations_and_ends_uploads_without_a_file() {
    use zairyu_batch_upload::{Done, Invocation, run};
    let w = World::new().await;
    let rows = w.blanket_people(4).await;
    let org = OrganizationId::parse("org1").unwrap();
    let tanaka = UserId::parse("TANAKA01").unwrap();
    let cut_off = w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap();
    let idle = w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap();
    let key = zairyu_app::services::blanket::upload_key(&org, cut_off.id());
    let bytes = workbook(ScreenGroup::Work, &rows).unwrap();
    w.wiring.uploads.put(&key, bytes, zairyu_app::services::blanket::XLSX_CONTENT_TYPE).await.unwrap();
    // The file is taken, then the run stops (as a function timing out does): "processing", nothing else.
    assert!(w.svc.blanket.receive_file(&org, cut_off.id()).await.unwrap());

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/batch-upload/sweep.json");
    let sample: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let template =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml"))
            .unwrap();
    assert!(template.contains(&format!("Input: '{sample}'")), "the schedule's input is the sample event");
    let sweep = || async {
        run(&w.as_role(Role::BatchUpload).blanket, Invocation::parse(sample.clone()).unwrap()).await.unwrap()
    };
    let Done::Swept(young) = sweep().await else { panic!("a sweep") };
    assert_eq!((young.completed, young.ended_without_file), (0, 0), "too young: S3's retries may still come");
    let state = |id: String| {
        let org = org.clone();
        let w = &w;
        async move { w.svc.core.store().uploads().get(&org, &id).await.unwrap().unwrap().into_inner() }
    };
    assert_eq!(state(cut_off.id().to_owned()).await.state(), UploadState::Processing);

    w.clock.advance(chrono::Duration::minutes(31));
    let Done::Swept(swept) = sweep().await else { panic!("a sweep") };
    assert_eq!((swept.completed, swept.ended_without_file, swept.failed), (1, 1, 0));
    let done = state(cut_off.id().to_owned()).await;
    assert_eq!((done.state(), done.rows_registered()), (UploadState::Registered, 4));
    let ended = state(idle.id().to_owned()).await;
    assert_eq!((ended.state(), ended.refusal()), (UploadState::Refused, Some("blanket.no_file")));
    // Nothing left to sweep; the next sweep changes nothing.
    let Done::Swept(again) = sweep().await else { panic!("a sweep") };
    assert_eq!((again.completed, again.ended_without_file), (0, 0));
    let jobs = w.jobs().await;
    assert_eq!(jobs.iter().filter(|j| j.kind == NotificationKind::BlanketUploadCompleted).count(), 1);
    assert!(jobs.iter().all(|j| j.kind != NotificationKind::BlanketUploadRefused), "no e-mail for no file");
    // A failed S3 event replayed from the on-failure queue is S3's event again.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/replay/batch-upload-on-failure.json");
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    let Invocation::Stored(replayed) = Invocation::parse(record).unwrap() else { panic!("S3's event") };
    assert_eq!(replayed.records[0].event_name.as_deref(), Some("ObjectCreated:Put"));
    // S3's sample event is still S3's.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/s3/blanket-upload.json");
    let s3: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(matches!(Invocation::parse(s3).unwrap(), Invocation::Stored(_)));
}

/// #15 item 4 kept #14's rules: new rows are written in batched transactions, and two uploads of the same
/// people registered at the same moment make each person's application once (a batch that lost a race goes
/// row by row). The same person twice in one file (#32 item 11) is an error of both rows, each naming the
/// other: which one is meant is the clerk's to say, never the last row silently.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_rows_still_make_one_application_per_person() {
    let w = World::new().await;
    let mut rows = w.blanket_people(120).await;
    // Row 124 (the 121st applicant) repeats the first person, with another occupation.
    let mut again = rows[0].clone();
    again[col("occupation")] = "Data engineer".into();
    rows.push(again);
    let org = OrganizationId::parse("org1").unwrap();
    let tanaka = UserId::parse("TANAKA01").unwrap();
    let one = workbook(ScreenGroup::Work, &rows).unwrap();
    let done = upload(&w, &one).await;
    assert_eq!((done.rows_registered(), done.rows_updated(), done.rows_failed()), (119, 0, 2));
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    let card_column = zairyu_blanket::columns::letters(col("residence_card_number"));
    let named: Vec<_> = errors.iter().map(|e| (e.row, e.rule.as_str(), e.column.clone())).collect();
    let rule = "blanket.person_on_two_rows";
    assert_eq!(named, [(4, rule, card_column.clone()), (124, rule, card_column)]);
    assert!(errors[0].message_en.contains("row 124"), "{}", errors[0].message_en);
    assert!(errors[1].message_ja.contains("4行目"), "{}", errors[1].message_ja);
    let (_, caller) = w.login("TANAKA01").await;
    let items = w.lines(&caller, 1000).await;
    assert_eq!(items.len(), 121, "119 applications and the two rows as errors");
    assert!(!items.iter().any(|l| l.blanket.is_none() && l.residence_card_number == card(0)));

    // Two other files of the same 80 new people (other bytes: other row IDs), registered at once.
    let w = World::new().await;
    let rows = w.blanket_people(80).await;
    let a = workbook(ScreenGroup::Work, &rows).unwrap();
    let mut reordered = rows.clone();
    reordered.reverse();
    let b = workbook(ScreenGroup::Work, &reordered).unwrap();
    let (ua, ub) = (
        w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap(),
        w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap(),
    );
    let (ra, rb) = tokio::join!(
        zairyu_blanket::process(&w.svc.blanket, &org, ua.id(), &a),
        zairyu_blanket::process(&w.svc.blanket, &org, ub.id(), &b)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!((ra.rows_failed(), rb.rows_failed()), (0, 0), "{ra:?} {rb:?}");
    assert_eq!((ra.rows_registered(), rb.rows_registered()), (80, 80));
    let (_, caller) = w.login("TANAKA01").await;
    let items = w.lines(&caller, 1000).await;
    assert_eq!(items.len(), 80, "each person once");
    let mut cards: Vec<_> =
        items.iter().filter(|l| l.blanket.is_none()).map(|a| a.residence_card_number.clone()).collect();
    cards.sort();
    cards.dedup();
    assert_eq!(cards.len(), 80);
}

/// The template's own example is a row the reader accepts: the example sheet, read as data and put on the
/// applications sheet, registers (its nationality written in Japanese, its dates with slashes, its
/// periods as 1年 and 3年, its answers as the template's list words), as the person of the list it is.
#[tokio::test]
async fn the_template_s_example_row_registers() {
    use calamine::{Reader, Xlsx};
    let w = World::new().await;
    let template = zairyu_blanket::template::template(ScreenGroup::Work).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(template)).unwrap();
    let sheet = book.worksheet_range(zairyu_blanket::template::EXAMPLE_SHEET).unwrap();
    let first = zairyu_blanket::template::FIRST_DATA_ROW;
    let row: Vec<String> = (0..columns().len())
        .map(|c| sheet.get_value((first, c as u32)).map(|v| v.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(row[col("nationality")], "ベトナム");
    assert_eq!(row[col("period_of_stay")], "1年");
    let done = upload(&w, &workbook(ScreenGroup::Work, &[row]).unwrap()).await;
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((done.rows_registered(), done.rows_failed()), (1, 0));
}

/// #32 item 11: a person's "Error (blanket registration)" item is one: the next upload that still fails for
/// the person replaces it (with that upload's row), and an upload whose row for the person registers closes
/// it. Other people's items are left as they are.
#[tokio::test]
async fn a_person_s_error_item_is_replaced_by_the_next_upload_and_closed_once_the_row_registers() {
    let w = World::new().await;
    let rows = people_and_rows(&w).await;
    let (_, caller) = w.login("TANAKA01").await;
    let errors_of = |items: &[Line], card: &str| -> Vec<(u32, String)> {
        items
            .iter()
            .filter(|l| l.residence_card_number == card)
            .filter_map(|l| l.blanket.as_ref().map(|b| (b.row, b.upload_id.clone())))
            .collect()
    };
    // The first file: two people's rows wrong.
    let mut first = rows[..3].to_vec();
    first[1][col("postcode")] = "12".into();
    first[2][col("postcode")] = "34".into();
    let one = upload(&w, &workbook(ScreenGroup::Work, &first).unwrap()).await;
    let items = w.lines(&caller, 1000).await;
    assert_eq!(errors_of(&items, &card(1)), [(5, one.id().to_owned())]);
    // The next file holds the first wrong person only, on another row, still wrong (another mistake).
    let mut second = vec![rows[5].clone(), rows[1].clone()];
    second[1][col("mobile")] = "123".into();
    let two = upload(&w, &workbook(ScreenGroup::Work, &second).unwrap()).await;
    assert_eq!(two.rows_failed(), 1);
    let items = w.lines(&caller, 1000).await;
    assert_eq!(errors_of(&items, &card(1)), [(5, two.id().to_owned())], "replaced, not added");
    assert_eq!(errors_of(&items, &card(2)).len(), 1, "the other person's item stays");
    // Its row right at last: the item closes, the person's application is entered.
    let three = upload(&w, &workbook(ScreenGroup::Work, &[rows[1].clone()]).unwrap()).await;
    assert_eq!((three.rows_registered(), three.rows_failed()), (1, 0));
    let items = w.lines(&caller, 1000).await;
    assert!(errors_of(&items, &card(1)).is_empty(), "closed");
    assert!(items.iter().any(|l| l.residence_card_number == card(1) && l.blanket.is_none()));
    assert_eq!(errors_of(&items, &card(2)).len(), 1);
}

/// #33 item 1: a change of status entered in blanket from the change's own template (one per group of the
/// status asked for), read by the same reader: each row an application for a change; a row asking for its
/// own status is an error at the desired status's cell; a status asked for of another screen refuses the file.
#[tokio::test]
async fn a_change_of_status_is_entered_in_blanket_from_its_own_template() {
    use zairyu_blanket::columns::{columns_of, input_cells_of};
    use zairyu_blanket::template::workbook_for;
    use zairyu_domain::procedure::Procedure;
    let w = World::new().await;
    let _ = w.blanket_people(3).await;
    let change = |i: usize, asked: &str| {
        let mut input = zairyu_domain::fixtures::application_input();
        input.residence_card_number = card(i);
        input.procedure = "change_of_status".into();
        input.desired_status_of_residence = asked.into();
        input.reason = "Opens a branch of the company as its manager".into();
        input_cells_of(Procedure::ChangeOfStatus, &input)
    };
    let rows = vec![
        change(0, "business_manager"),
        change(1, "engineer_humanities_international"),
        change(2, "business_manager"),
    ];
    let done = upload(&w, &workbook_for(Procedure::ChangeOfStatus, ScreenGroup::Work, &rows).unwrap()).await;
    assert_eq!((done.rows_registered(), done.rows_failed()), (2, 1));
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    assert_eq!(errors.len(), 1);
    let desired =
        columns_of(Procedure::ChangeOfStatus).iter().position(|c| c.field == "desired_status_of_residence").unwrap();
    assert_eq!((errors[0].row, errors[0].rule.as_str()), (5, "change_of_status.same_status"));
    assert_eq!(errors[0].column, zairyu_blanket::columns::letters(desired));
    assert_eq!(errors[0].header_ja, "希望する在留資格");
    let (_, caller) = w.login("TANAKA01").await;
    let lines = w.lines(&caller, 10).await;
    let entered: Vec<_> = lines.iter().filter(|l| l.status.code == "input_completed").collect();
    assert_eq!(entered.len(), 2);
    for line in entered {
        let app = w.svc.applications.application(&caller, &line.id).await.unwrap();
        assert_eq!(app.procedure(), Procedure::ChangeOfStatus);
        assert_eq!(app.form().desired_status().map(|s| s.code()), Some("business_manager"));
    }
    // A status asked for of another input screen (Student) in the work template: the file is refused.
    let other = vec![change(0, "student")];
    let refused = upload(&w, &workbook_for(Procedure::ChangeOfStatus, ScreenGroup::Work, &other).unwrap()).await;
    assert_eq!(refused.state(), UploadState::Refused);
    assert_eq!(refused.refusal_detail().unwrap().rule, "blanket.mixed_screen_groups");
}

/// #35 item 5: a work certificate entered in blanket from its own template (its statuses: those that can
/// work), read by the same reader: the template has the work's columns and none of a stay's (no desired
/// period, no relatives); each row an application for a work certificate; a row whose work ends after the
/// stay is an error at that cell; the example row reads as an application.
#[tokio::test]
async fn a_work_certificate_is_entered_in_blanket_from_its_own_template() {
    use zairyu_blanket::columns::{columns_of, input_cells_of};
    use zairyu_blanket::template::workbook_for;
    use zairyu_domain::procedure::Procedure;
    let fields: Vec<&str> = columns_of(Procedure::WorkCertificate).iter().map(|c| c.field.as_str()).collect();
    for asked in ["work_activity", "work_from", "work_until", "reason", "receipt_method"] {
        assert!(fields.contains(&asked), "{asked} in {fields:?}");
    }
    for not_asked in ["desired_period_of_stay", "relatives_in_japan", "married", "kanji_name_petition", "re_entry"] {
        assert!(!fields.contains(&not_asked), "{not_asked} in {fields:?}");
    }
    let w = World::new().await;
    let _ = w.blanket_people(2).await;
    let work = |i: usize, until: &str| {
        let mut input = zairyu_domain::fixtures::work_certificate_input();
        input.residence_card_number = card(i);
        input.work_until = until.into();
        input_cells_of(Procedure::WorkCertificate, &input)
    };
    let rows = vec![work(0, "2027-01-20"), work(1, "2027-02-01")];
    let done = upload(&w, &workbook_for(Procedure::WorkCertificate, ScreenGroup::Work, &rows).unwrap()).await;
    assert_eq!((done.rows_registered(), done.rows_failed()), (1, 1));
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    let until = columns_of(Procedure::WorkCertificate).iter().position(|c| c.field == "work_until").unwrap();
    assert_eq!((errors[0].row, errors[0].rule.as_str()), (5, "work_period.beyond_stay"));
    assert_eq!(errors[0].column, zairyu_blanket::columns::letters(until));
    let (_, caller) = w.login("TANAKA01").await;
    let lines = w.lines(&caller, 10).await;
    let entered: Vec<_> = lines.iter().filter(|l| l.status.code == "input_completed").collect();
    assert_eq!(entered.len(), 1);
    let app = w.svc.applications.application(&caller, &entered[0].id).await.unwrap();
    assert_eq!(app.procedure(), Procedure::WorkCertificate);
    assert_eq!(app.form().work_part().unwrap().work_until.to_string(), "2027-01-20");
}

/// #34 item 2: a 300-row file writes its records' list index over the list's shards, not into one partition
/// (each partition takes about a quarter); the list reads them back merged, newest first, a page at a time,
/// each line once.
#[tokio::test]
async fn a_three_hundred_row_file_spreads_its_index_writes_and_the_list_reads_them_back_in_order() {
    let (w, observed) = ObservedTable::world().await;
    let rows = people_and_rows(&w).await;
    let before = observed.by_partition();
    let done = upload(&w, &workbook(ScreenGroup::Work, &rows).unwrap()).await;
    assert_eq!(done.rows_registered(), 300);
    let after = observed.by_partition();
    let grew = |pk: &str| after.get(pk).map_or(0, |e| e.1) - before.get(pk).map_or(0, |e| e.1);
    let list_partitions: Vec<(String, usize)> = after
        .keys()
        .filter(|pk| pk.starts_with("gsi1 ORG#org1"))
        .map(|pk| (pk.clone(), grew(pk)))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(list_partitions.len(), usize::try_from(zairyu_app::store::LIST_SHARDS).unwrap(), "{list_partitions:?}");
    let busiest = list_partitions.iter().map(|(_, n)| *n).max().unwrap();
    assert!((50..=110).contains(&busiest), "the busiest list partition took {busiest} writes: {list_partitions:?}");
    let hottest = after.keys().map(|pk| (grew(pk), pk)).max().unwrap();
    assert!(hottest.0 <= 310, "the partition written most: {hottest:?}");
    // For BENCHMARKS.md (scripts/bench.sh).
    let total: usize = list_partitions.iter().map(|(_, n)| n).sum();
    let shares: Vec<String> = list_partitions.iter().map(|(_, n)| n.to_string()).collect();
    println!(
        "300-row upload: list index writes per partition {} (busiest {busiest}; all {total} in one partition \
         before the shards); the key written most: {} writes ({})",
        shares.join(" / "),
        hottest.0,
        hottest.1.split('#').next().unwrap_or_default()
    );

    // Read back a page of 7 at a time: every line once, newest first.
    let (_, caller) = w.login("TANAKA01").await;
    let mut seen = Vec::new();
    let mut after_cursor = None;
    loop {
        let page = w
            .svc
            .core
            .store()
            .applications()
            .of_organization(caller.organization_id.as_ref().unwrap(), after_cursor, 7)
            .await
            .unwrap();
        seen.extend(
            page.items.iter().map(|l| {
                serde_json::from_str::<serde_json::Value>(l.json()).unwrap()["id"].as_str().unwrap().to_owned()
            }),
        );
        match page.next {
            Some(c) => after_cursor = Some(c),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (300, 300));
    let all = w.lines(&caller, 1000).await;
    assert_eq!(all.iter().map(|l| l.id.clone()).collect::<Vec<_>>(), seen, "pages in the order of the whole list");
}

/// #35 item 5: a certificate of eligibility is entered in blanket from its own template — the person abroad's
/// columns (passport, status sought, the planned entry; no card, no stay, no question whether they are in
/// Japan), e-mail or post — each row checked as a filing is: a passport on a List refused at its cell (they
/// are in Japan), one passport on two rows refused on both, the others entered; read under the batch
/// function's role.
#[tokio::test]
async fn a_certificate_of_eligibility_is_entered_in_blanket_from_its_own_template() {
    use zairyu_blanket::columns::{columns_of, input_cells_of};
    use zairyu_blanket::template::workbook_for;
    use zairyu_domain::procedure::Procedure;
    let p = Procedure::CertificateOfEligibility;
    let fields: Vec<&str> = columns_of(p).iter().map(|c| c.field.as_str()).collect();
    for asked in
        ["passport_number", "desired_status_of_residence", "entry_date", "port_of_entry", "visa_post", "work_activity"]
    {
        assert!(fields.contains(&asked), "{asked} in {fields:?}");
    }
    for not_asked in ["residence_card_number", "expiry_date", "status_of_residence", "in_japan", "kanji_name_petition"]
    {
        assert!(!fields.contains(&not_asked), "{not_asked} in {fields:?}");
    }
    let w = World::new().await;
    // A person on the List whose passport is C2222222.
    let listed = zairyu_domain::organization::ForeignNational {
        passport_number: Some(zairyu_domain::values::PassportNumber::parse("C2222222").unwrap()),
        ..zairyu_domain::fixtures::list_entry()
    };
    let org = OrganizationId::parse("org1").unwrap();
    let import = zairyu_app::services::import::Import { people: vec![(org.clone(), listed)], ..Default::default() };
    assert!(w.svc.core.import(import).await.unwrap());
    let abroad = |passport: &str| {
        let mut input = zairyu_domain::fixtures::eligibility_input();
        input.passport_number = passport.into();
        input.receipt_method = "メール".into();
        input_cells_of(p, &input)
    };
    let rows = vec![abroad("C7654321"), abroad("C2222222"), abroad("C3333333"), abroad("C3333333")];
    let bytes = workbook_for(p, ScreenGroup::Work, &rows).unwrap();
    let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    let done =
        zairyu_blanket::process(&w.as_role(Role::BatchUpload).blanket, &org, started.id(), &bytes).await.unwrap();
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    let all: Vec<_> = errors.iter().map(|e| (e.row, e.rule.clone(), e.column.clone(), e.value.clone())).collect();
    assert_eq!((done.rows_registered(), done.rows_failed()), (1, 3), "{all:?}");
    let passport =
        zairyu_blanket::columns::letters(columns_of(p).iter().position(|c| c.field == "passport_number").unwrap());
    let seen: Vec<_> = errors.iter().map(|e| (e.row, e.rule.as_str(), e.column.clone())).collect();
    assert!(seen.contains(&(5, "eligibility.listed_in_japan", passport.clone())), "{seen:?}");
    assert!(seen.contains(&(6, "blanket.person_on_two_rows", passport.clone())), "{seen:?}");
    assert!(seen.contains(&(7, "blanket.person_on_two_rows", passport)), "{seen:?}");
    assert_eq!(seen.len(), 3, "{seen:?}");
    let (_, caller) = w.login("TANAKA01").await;
    let lines = w.lines(&caller, 10).await;
    let entered: Vec<_> = lines.iter().filter(|l| l.status.code == "input_completed").collect();
    assert_eq!(entered.len(), 1);
    let app = w.svc.applications.application(&caller, &entered[0].id).await.unwrap();
    assert_eq!(app.procedure(), p);
    assert_eq!(app.form().passport_number.as_str(), "C7654321");
    assert_eq!(app.form().receipt_method, zairyu_domain::status::ReceiptMethod::Email);
    // The same file again: one application per passport, none twice.
    let started = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    let again =
        zairyu_blanket::process(&w.as_role(Role::BatchUpload).blanket, &org, started.id(), &bytes).await.unwrap();
    assert_eq!(again.rows_registered() + again.rows_failed(), 4);
    let lines = w.lines(&caller, 20).await;
    assert_eq!(lines.iter().filter(|l| l.status.code == "input_completed").count(), 1, "{lines:?}");
}

/// #35 items 2 and 5: an acquisition is entered in blanket from its own template — the cause and the day of
/// the event as its columns, a passport instead of a card — and a row filed on the 31st day after the event
/// is refused at that day's cell, naming the last day.
#[tokio::test]
async fn an_acquisition_is_entered_in_blanket_from_its_own_template() {
    use zairyu_blanket::columns::{columns_of, input_cells_of};
    use zairyu_blanket::template::workbook_for;
    use zairyu_domain::procedure::Procedure;
    let p = Procedure::Acquisition;
    let fields: Vec<&str> = columns_of(p).iter().map(|c| c.field.as_str()).collect();
    for asked in ["acquisition_cause", "acquisition_date", "passport_number", "desired_status_of_residence", "in_japan"]
    {
        assert!(fields.contains(&asked), "{asked} in {fields:?}");
    }
    assert!(!fields.contains(&"residence_card_number") && !fields.contains(&"entry_date"), "{fields:?}");
    let w = World::new().await;
    let born = |passport: &str, day: &str| {
        let mut input = zairyu_domain::fixtures::acquisition_input();
        input.passport_number = passport.into();
        input.acquisition_date = day.into();
        input.birth_date = day.into();
        input.acquisition_cause = "出生".into();
        input_cells_of(p, &input)
    };
    // Today is 2026-11-27: born on 2026-10-27 is day 31.
    let rows = vec![born("C1000001", "2026-11-10"), born("C1000002", "2026-10-27")];
    let done = upload(&w, &workbook_for(p, ScreenGroup::Dependent, &rows).unwrap()).await;
    let errors = w.svc.core.store().uploads().row_errors(done.id(), None, 100).await.unwrap().items;
    let seen: Vec<_> = errors.iter().map(|e| (e.row, e.rule.clone(), e.column.clone())).collect();
    assert_eq!((done.rows_registered(), done.rows_failed()), (1, 1), "{seen:?}");
    let day =
        zairyu_blanket::columns::letters(columns_of(p).iter().position(|c| c.field == "acquisition_date").unwrap());
    assert_eq!(seen, [(5, "acquisition.too_late".to_owned(), day)]);
    assert!(errors[0].message_en.contains("2026-11-26"), "{:?}", errors[0]);
}
