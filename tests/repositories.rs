//! Every repository owns the version of what it stores: two updates of one record read at the same version
//! give one success and one conflict — on the embedded table and on DynamoDB (moto) — so a concurrent change
//! can never be lost silently. A new record is added only if absent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zairyu_app::ports::StoreError;
use zairyu_app::store::{Record, Store, Stored, UnitOfWork};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::fixtures::application_input;
use zairyu_domain::jst::JstDate;
use zairyu_domain::office::Office;
use zairyu_domain::organization::UseState;
use zairyu_domain::request_for_use::{RequestKind, RequestState};
use zairyu_domain::values::UserId;

#[macro_use]
mod support;
use support::*;

on_both_tables!(
    organizations_two_concurrent_updates_one_wins,
    users_two_concurrent_updates_one_wins,
    applications_two_concurrent_updates_one_wins,
    requests_for_use_two_concurrent_updates_one_wins,
    uploads_two_concurrent_updates_one_wins,
    counters_two_concurrent_advances_one_wins,
    a_record_is_added_only_if_absent,
    two_organizations_with_one_corporate_number_cannot_both_be_added,
    an_application_s_lookups_follow_it_in_the_same_transaction,
    a_blanket_entry_is_replaced_in_place_by_its_corrected_application,
    the_outbox_is_spread_over_shards_by_time_and_its_old_layout_is_still_swept,
    anonymous_log_in_attempts_spread_over_shards_and_the_trail_reads_them_in_order,
    due_tasks_expire_and_time_sort_keys_have_one_width,
    a_notice_stored_under_the_old_key_form_is_still_withdrawn,
    an_upload_is_open_from_its_start_until_the_change_that_ends_it,
    a_blanket_file_registers_in_batches_on_either_table,
    the_list_shows_each_application_as_it_is_now,
    the_list_merges_its_shards_and_its_old_partition_newest_first_a_page_at_a_time,
    an_office_lists_its_organizations_by_name_and_finds_one_by_the_beginning_of_it,
);

/// #15 item 3: the application list (Q50) reads each record's stored line alone, and that line follows every
/// change of its record (it is what the record's own view shows); a record stored before records had lines,
/// or with a line of an older shape, is listed from the record itself.
async fn the_list_shows_each_application_as_it_is_now(w: World) {
    use zairyu_app::lines::ApplicationView;
    use zairyu_app::ports::{Attr, Condition, Key};
    let (_, caller) = w.login("TANAKA01").await;
    let apps = &w.svc.applications;
    let a = apps.create_application(&caller, &w.another_person().await).await.unwrap();
    let b = apps.create_application(&caller, &w.another_person().await).await.unwrap();
    apps.attach_photo(&caller, a.id().as_str(), jpeg(), None).await.unwrap();
    apps.submit(&caller, a.id().as_str()).await.unwrap();
    let raw = || async {
        let page = apps.applications(&caller, None, 10).await.unwrap().items;
        page.iter().map(|l| serde_json::from_str::<serde_json::Value>(l.json()).unwrap()).collect::<Vec<_>>()
    };
    let listed = raw().await;
    let ids: Vec<_> = listed.iter().map(|l| l["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, [b.id().to_string(), a.id().to_string()]);
    for (line, id) in listed.iter().zip(&ids) {
        let view = ApplicationView::from(&apps.application(&caller, id).await.unwrap());
        assert_eq!(line, &serde_json::to_value(view).unwrap());
    }
    let filed = &w.lines(&caller, 10).await[1];
    assert_eq!(filed.status.code, "application_completed");
    assert!(filed.photo_attached && filed.temporary_receipt_number.is_some() && filed.receipt_date.is_some());

    // b as stored before lines existed; a with a line of another shape; then a with a line cut short.
    let key = |id: &zairyu_domain::application::ApplicationId| Key::new(format!("APP#{id}"), "APP");
    let mut item = w.table.get(&key(b.id())).await.unwrap().unwrap();
    assert!(item.remove("summary").is_some(), "every write stores the line");
    w.table.put(item, Condition::None).await.unwrap();
    let mut item = w.table.get(&key(a.id())).await.unwrap().unwrap();
    let old = zairyu_app::lines::LINE_VERSION - 1;
    item.insert("summary".into(), Attr::S(format!("{old}:{{\"shape\":\"old\"}}")));
    w.table.put(item.clone(), Condition::None).await.unwrap();
    assert_eq!(raw().await, listed);
    let now = zairyu_app::lines::LINE_VERSION;
    item.insert("summary".into(), Attr::S(format!("{now}:{{\"id\":\"{}\",\"status\":{{", a.id())));
    w.table.put(item, Condition::None).await.unwrap();
    assert_eq!(raw().await, listed);
}

/// #34 item 2 on both tables: an organization's list is spread over shards by application ID and read back
/// merged, newest first, a page at a time — with the records of the partition it was kept in before (as a
/// table written by an earlier version holds them) in their place; a cursor not made by the list is refused.
async fn the_list_merges_its_shards_and_its_old_partition_newest_first_a_page_at_a_time(w: World) {
    use zairyu_app::ports::{Attr, Condition, Cursor, Key};
    let (_, caller) = w.login("TANAKA01").await;
    // At least 23, and until every shard holds one (IDs are random).
    let mut created = Vec::new();
    let mut shards = std::collections::BTreeSet::new();
    while created.len() < 23 || shards.len() < 4 {
        assert!(created.len() < 200, "four shards within 200 applications");
        w.clock.advance(chrono::Duration::seconds(1));
        let app = w.svc.applications.create_application(&caller, &w.another_person().await).await.unwrap();
        shards.insert(app_shard(app.id().as_str()));
        created.push(app.id().to_string());
    }
    // Three as an earlier version kept them: in the organization's one partition.
    for id in [&created[2], &created[11], &created[20]] {
        let mut item = w.table.get(&Key::new(format!("APP#{id}"), "APP")).await.unwrap().unwrap();
        item.insert("gsi1pk".into(), Attr::S("ORG#org1".into()));
        w.table.put(item, Condition::None).await.unwrap();
    }
    let org = OrganizationId::parse("org1").unwrap();
    let store = w.svc.core.store();
    let mut partitions = std::collections::BTreeSet::new();
    for id in &created {
        let item = w.table.get(&Key::new(format!("APP#{id}"), "APP")).await.unwrap().unwrap();
        partitions.insert(item.get("gsi1pk").and_then(Attr::as_s).unwrap().to_owned());
    }
    assert_eq!(partitions.len(), 5, "four shards and the old partition: {partitions:?}");
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    for size in [1, 4, 10, 23, 50, 1000] {
        let (mut seen, mut after) = (Vec::new(), None);
        loop {
            let page = store.applications().of_organization(&org, after, size).await.unwrap();
            assert!(page.items.len() <= usize::try_from(size).unwrap());
            seen.extend(page.items.iter().map(|l| {
                serde_json::from_str::<serde_json::Value>(l.json()).unwrap()["id"].as_str().unwrap().to_owned()
            }));
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        // The org's own records only (org1's other applications of the seeding come first or after).
        let ours: Vec<String> = seen.into_iter().filter(|id| created.contains(id)).collect();
        assert_eq!(ours, newest_first, "pages of {size}");
    }
    let forged = store.applications().of_organization(&org, Some(Cursor("anything".into())), 5).await;
    assert!(matches!(forged, Err(StoreError::BadCursor)), "{forged:?}");
}

/// #15 item 4 on both tables: 60 rows (one person twice: both rows refused, #32 item 11) read with one
/// batched read of the list and written in batched transactions within DynamoDB's limits; run again,
/// nothing is added twice.
async fn a_blanket_file_registers_in_batches_on_either_table(w: World) {
    use zairyu_blanket::template::workbook;
    use zairyu_domain::status_of_residence::ScreenGroup;
    let mut rows = w.blanket_people(59).await;
    rows.push(rows[7].clone());
    let bytes = workbook(ScreenGroup::Work, &rows).unwrap();
    let org = OrganizationId::parse("org1").unwrap();
    let tanaka = UserId::parse("TANAKA01").unwrap();
    let upload = w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap();
    let done = zairyu_blanket::process(&w.svc.blanket, &org, upload.id(), &bytes).await.unwrap();
    assert_eq!((done.rows_registered(), done.rows_updated(), done.rows_failed()), (58, 0, 2));
    let again = w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap();
    let twice = zairyu_blanket::process(&w.svc.blanket, &org, again.id(), &bytes).await.unwrap();
    assert_eq!((twice.rows_registered(), twice.rows_failed()), (58, 2));
    let (_, caller) = w.login("TANAKA01").await;
    // 58 applications, and the two rows of the person as errors (the same rows of the same file once).
    assert_eq!(w.lines(&caller, 100).await.len(), 60);
}

/// #14 item 3: a started upload is found among the open ones (by its start time, across the shards) until
/// the change that ends it removes its mark; a mark whose upload ended is removed by the listing.
async fn an_upload_is_open_from_its_start_until_the_change_that_ends_it(w: World) {
    let org = OrganizationId::parse("org1").unwrap();
    let tanaka = UserId::parse("TANAKA01").unwrap();
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap().id().to_owned());
        w.clock.advance(chrono::Duration::seconds(1));
    }
    let store = w.svc.core.store();
    let open = |by| async move {
        let mut found: Vec<String> =
            store.uploads().open(by, 10).await.unwrap().into_iter().map(|o| o.upload_id).collect();
        found.sort();
        found
    };
    let now = zairyu_app::ports::Clock::now(w.clock.as_ref());
    assert_eq!(open(now).await, ids);
    assert_eq!(open(now - chrono::Duration::milliseconds(2500)).await, ids[..4].to_vec(), "by start time");
    let unfinished = w.svc.blanket.unfinished_uploads(std::time::Duration::ZERO).await.unwrap();
    assert_eq!(unfinished.len(), 6);
    assert!(unfinished.iter().all(|u| !u.link_expired));
    // One ends through the service (its mark goes with it); one's mark is left after it ended elsewhere.
    let first = unfinished.iter().find(|u| u.upload.id() == ids[0]).unwrap();
    w.svc.blanket.end_without_file(first).await.unwrap();
    let mut ended = store.uploads().get(&org, &ids[1]).await.unwrap().unwrap();
    ended.register(zairyu_domain::status_of_residence::ScreenGroup::Work, 1, 0, 0);
    let mut change = zairyu_app::store::UnitOfWork::new(now);
    change.save(&ended).unwrap();
    store.commit(change).await.unwrap();
    assert_eq!(open(now).await.len(), 5, "a mark left behind is still listed");
    assert_eq!(w.svc.blanket.unfinished_uploads(std::time::Duration::ZERO).await.unwrap().len(), 4);
    assert_eq!(open(now).await, ids[2..].to_vec(), "and removed by the listing");
}

/// #13 item 9: every log-in with an unknown user ID is audited under the shared subject `login`; those events
/// go to 16 partitions (not one hot one), the trail reads them back merged in time order together with any
/// written before the sharding, and no audit item carries an index entry (nothing reads a trail by day).
async fn anonymous_log_in_attempts_spread_over_shards_and_the_trail_reads_them_in_order(w: World) {
    use zairyu_app::ports::{Attr, Clock, Condition, Index, Query, attr};
    // One written under the unsharded partition, as before.
    let old = zairyu_domain::audit::AuditEvent {
        id: "00OLDEVENT".into(),
        at: w.clock.now() - chrono::Duration::days(1),
        actor: "anonymous".into(),
        action: zairyu_domain::audit::AuditAction::Login,
        subject: "login".into(),
        from: None,
        outcome: zairyu_domain::audit::Outcome::Refused("login.unknown_user".into()),
        office: None,
        part: None,
    };
    let mut item = std::collections::BTreeMap::new();
    item.insert(attr::PK.to_owned(), Attr::S("AUDIT#login".into()));
    item.insert(attr::SK.to_owned(), Attr::S(format!("{}#{}", old.at.to_rfc3339(), old.id)));
    item.insert("doc".to_owned(), Attr::S(serde_json::to_string(&old).unwrap()));
    item.insert(attr::VERSION.to_owned(), Attr::N(1));
    w.table.put(item.into_iter().collect(), Condition::None).await.unwrap();

    for i in 0..40 {
        let id = format!("NOSUCH{i:02}");
        assert!(w.svc.accounts.login(&id, "wrong-password-1", None).await.is_err());
        w.clock.advance(chrono::Duration::milliseconds(1_500));
    }
    let trail = w.audit("login").await;
    assert_eq!(trail.len(), 41);
    assert_eq!(trail[0].id, "00OLDEVENT", "the old partition is read too");
    assert!(trail.windows(2).all(|p| p[0].at <= p[1].at), "in time order");
    let mut used = 0;
    for n in 0..zairyu_app::store::AUDIT_SHARDS {
        let page =
            w.table.query(&Query::partition(Index::Primary, format!("AUDIT#login#{n}")).limit(100)).await.unwrap();
        if !page.items.is_empty() {
            used += 1;
        }
        for item in &page.items {
            assert!(item.get(attr::GSI1_PK).is_none() && item.get(attr::GSI2_PK).is_none(), "no index entry");
            let sk = item.get(attr::SK).and_then(Attr::as_s).unwrap();
            assert_eq!(sk.find('#'), Some(27), "a fixed-width time: {sk}");
        }
    }
    assert!(used >= 8, "40 events over at least half of 16 shards, not one: {used}");
    assert_eq!(w.audit("user:TANAKA01").await.len(), 0, "a record's own trail is its own partition");
}

/// The list shard of an application ID (FNV-1a, as the store spreads the list).
fn app_shard(id: &str) -> u32 {
    id.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
        % zairyu_app::store::LIST_SHARDS
}

/// #13 item 9: a due task expires three months after its day; an application's list entry sorts by a time of
/// one width.
async fn due_tasks_expire_and_time_sort_keys_have_one_width(w: World) {
    use zairyu_app::ports::{Attr, Clock, Index, Query, attr};
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    w.svc.applications.attach_photo(&caller, app.id().as_str(), jpeg(), None).await.unwrap();
    w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
    let today = JstDate::of_instant(w.clock.now());
    // The official receipt number is due the next day (Q33).
    let day = today.succ();
    let page = w.table.query(&Query::partition(Index::Primary, format!("DUE#{day}")).limit(10)).await.unwrap();
    assert_eq!(page.items.len(), 1, "{page:?}");
    let ttl = page.items[0].get(attr::TTL).and_then(Attr::as_n).unwrap();
    assert_eq!(ttl, day.add_days(zairyu_app::store::DUE_TASKS_KEPT_DAYS).start_instant().timestamp());

    let shard = zairyu_app::store::list_queries(&OrganizationId::parse("org1").unwrap(), None, 10)
        .into_iter()
        .find(|q| q.partition.ends_with(&format!("#{}", app_shard(app.id().as_str()))))
        .unwrap();
    let page = w.table.query(&Query::partition(Index::Gsi1, shard.partition).limit(10)).await.unwrap();
    let sk = page
        .items
        .iter()
        .filter_map(|i| i.get(attr::GSI1_SK).and_then(Attr::as_s))
        .find(|k| k.starts_with("APP#"))
        .unwrap();
    // APP#2026-11-27T01:00:00.000000Z#{id}
    assert_eq!(sk.len(), 4 + 27 + 1 + app.id().as_str().len(), "{sk}");
}

/// A notice stored before sort keys had one width keeps its old key; it is still listed and withdrawn.
async fn a_notice_stored_under_the_old_key_form_is_still_withdrawn(w: World) {
    use zairyu_app::ports::{Attr, Condition, attr};
    w.seed_officer("ADMIN01", Office::Tokyo, vec![zairyu_domain::status::OfficerRole::Admin]).await;
    let (_, admin) = w.login("ADMIN01").await;
    let input = zairyu_domain::notice::NoticeInput {
        title_ja: "お知らせ".into(),
        title_en: "Notice".into(),
        body_ja: "本文".into(),
        body_en: "Body".into(),
        maintenance_from: String::new(),
        maintenance_until: String::new(),
    };
    let notice = w.svc.counter.publish_notice(&admin, &input).await.unwrap();
    // Moved to the key form of before: `{rfc3339 with nanoseconds}#{id}`.
    let store = w.svc.core.store();
    let found = store.notices().find(&notice.id, 10).await.unwrap().unwrap();
    let mut change = UnitOfWork::new(start());
    change.remove_notice(&found);
    store.commit(change).await.unwrap();
    let published = notice.published_at + chrono::Duration::nanoseconds(123_456_789);
    let mut old = notice.clone();
    old.published_at = published;
    let mut item = std::collections::BTreeMap::new();
    item.insert(attr::PK.to_owned(), Attr::S("NOTICE".into()));
    item.insert(attr::SK.to_owned(), Attr::S(format!("{}#{}", published.to_rfc3339(), old.id)));
    item.insert("doc".to_owned(), Attr::S(serde_json::to_string(&old).unwrap()));
    item.insert(attr::VERSION.to_owned(), Attr::N(1));
    w.table.put(item.into_iter().collect(), Condition::None).await.unwrap();

    assert_eq!(w.svc.accounts.notices().await.unwrap().len(), 1);
    w.svc.counter.withdraw_notice(&admin, &notice.id).await.unwrap();
    assert!(w.svc.accounts.notices().await.unwrap().is_empty());
    assert!(matches!(
        w.svc.counter.withdraw_notice(&admin, &notice.id).await.unwrap_err(),
        zairyu_app::ServiceError::NotFound
    ));
}

/// The outbox: jobs spread over its shards with a fixed-width time in the sort key, swept only once a minute
/// old, oldest first within a shard; a job of the unsharded layout (`OUTBOX` / `{id}`) is swept too.
async fn the_outbox_is_spread_over_shards_by_time_and_its_old_layout_is_still_swept(w: World) {
    use zairyu_app::ports::{Attr, Clock, Condition, Item, attr};
    w.queue_down.store(true, std::sync::atomic::Ordering::SeqCst);
    for _ in 0..12 {
        // 13 minutes apart: within the flood limit of five reset requests an hour.
        w.clock.advance(chrono::Duration::minutes(13));
        w.svc.accounts.request_password_reset("TANAKA01", "tanaka@sakura.example.jp", None).await.unwrap();
    }
    w.queue_down.store(false, std::sync::atomic::Ordering::SeqCst);
    let legacy = Item::from([
        (attr::PK.to_owned(), Attr::S("OUTBOX".into())),
        (attr::SK.to_owned(), Attr::S("01JOLDLAYOUTJOB".into())),
        ("body".to_owned(), Attr::S(r#"{"legacy":true}"#.into())),
    ]);
    w.table.put(legacy, Condition::None).await.unwrap();
    let store = w.svc.core.store();
    let pending = store.outbox().pending(w.clock.now(), 100).await.unwrap();
    assert_eq!(pending.len(), 13);
    let shards: std::collections::BTreeSet<_> = pending.iter().map(|j| j.key.pk.clone()).collect();
    assert!(shards.len() >= 3, "12 jobs in more than a couple of shards: {shards:?}");
    for job in pending.iter().filter(|j| j.key.pk != "OUTBOX") {
        // 2026-11-27T01:00:03.000000Z#{id}: the same width for every time.
        assert_eq!(job.key.sk.len(), 27 + 1 + job.id.len(), "{}", job.key.sk);
        assert!(job.key.sk.ends_with(&format!("#{}", job.id)));
    }
    // Only what was written a minute ago or earlier is swept: not the job written just now.
    assert_eq!(w.svc.core.sweep_outbox().await.unwrap(), 12);
    w.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(w.svc.core.sweep_outbox().await.unwrap(), 1);
    assert!(store.outbox().pending(w.clock.now(), 100).await.unwrap().is_empty());
    assert_eq!(w.queue.receive(10).await.unwrap().len() + w.queue.receive(10).await.unwrap().len(), 13);
}

/// Saves `a` and `b` (the same record, read at the same version, changed apart) at the same moment;
/// exactly one wins, the other gets `ConditionFailed`, and the stored version moved by one.
async fn race<T: Record + Send + Sync + 'static>(store: &Store, a: Stored<T>, b: Stored<T>) -> usize {
    assert_eq!(a.version(), b.version());
    let save = |s: Stored<T>| {
        let store = store.clone();
        async move {
            let mut change = UnitOfWork::new(start());
            change.save(&s).unwrap();
            store.commit(change).await
        }
    };
    let (ra, rb) = tokio::join!(save(a), save(b));
    let results = [ra, rb];
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::ConditionFailed))).count();
    assert_eq!((wins, conflicts), (1, 1), "{results:?}");
    results.iter().position(|r| r.is_ok()).unwrap()
}

async fn organizations_two_concurrent_updates_one_wins(w: World) {
    let store = w.svc.core.store();
    let id = OrganizationId::parse("org1").unwrap();
    let (mut a, mut b) = (
        store.organizations().get(&id).await.unwrap().unwrap(),
        store.organizations().get(&id).await.unwrap().unwrap(),
    );
    let before = a.version();
    assert!(a.suspend_if_expired(JstDate::parse("2027-06-01").unwrap()));
    b.rename(zairyu_domain::error::Text::parse("Renamed K.K.").unwrap());
    let winner = race(store, a, b).await;
    let now = store.organizations().get(&id).await.unwrap().unwrap();
    assert_eq!(now.version(), before + 1);
    // The winner's change is there whole; the loser's is not there at all.
    if winner == 0 {
        assert_eq!((now.use_state(), now.profile().name.as_str()), (UseState::Suspended, "Sakura Systems K.K."));
    } else {
        assert_eq!((now.use_state(), now.profile().name.as_str()), (UseState::Active, "Renamed K.K."));
    }
}

async fn users_two_concurrent_updates_one_wins(w: World) {
    let store = w.svc.core.store();
    let id = UserId::parse("TANAKA01").unwrap();
    let (mut a, mut b) =
        (store.users().get(&id).await.unwrap().unwrap(), store.users().get(&id).await.unwrap().unwrap());
    let before = a.version();
    a.suspend();
    b.change_email(zairyu_domain::values::EmailAddress::parse("new@sakura.example.jp").unwrap());
    race(store, a, b).await;
    assert_eq!(store.users().get(&id).await.unwrap().unwrap().version(), before + 1);
}

async fn applications_two_concurrent_updates_one_wins(w: World) {
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    let store = w.svc.core.store();
    let (mut a, mut b) = (
        store.applications().get(app.id()).await.unwrap().unwrap(),
        store.applications().get(app.id()).await.unwrap().unwrap(),
    );
    assert_eq!(a.version(), 1, "a new record is stored at version 1");
    a.attach_photo(zairyu_domain::status::Actor::OrganizationUser, photo("a")).unwrap();
    b.attach_photo(zairyu_domain::status::Actor::OrganizationUser, photo("b")).unwrap();
    race(store, a, b).await;
    let now = store.applications().get(app.id()).await.unwrap().unwrap();
    assert_eq!(now.version(), 2);
    // Saving keeps the application's place in the organization's list (its creation time).
    assert_eq!(w.lines(&caller, 10).await.len(), 1);
}

fn photo(name: &str) -> zairyu_domain::application::PhotoRef {
    let info = zairyu_domain::photo::check_photo(&jpeg(), None).unwrap();
    zairyu_domain::application::PhotoRef { key: format!("photos/{name}.jpg"), info }
}

async fn requests_for_use_two_concurrent_updates_one_wins(w: World) {
    let (_, officer) = w.login("OFFICER1").await;
    let input = zairyu_app::services::counter::RequestForUseInput {
        kind: RequestKind::Additional,
        requester_name: "Sato Jiro".into(),
        requester_email: "sato@sakura.example.jp".into(),
        is_agent: false,
        written_request_on_file: false,
        office_address: String::new(),
        language: Default::default(),
    };
    let req = w.svc.counter.record_request_for_use(&officer, "org1", &input).await.unwrap();
    let store = w.svc.core.store();
    let org = OrganizationId::parse("org1").unwrap();
    let (mut a, mut b) = (
        store.organizations().request_for_use(&org, req.id()).await.unwrap().unwrap(),
        store.organizations().request_for_use(&org, req.id()).await.unwrap().unwrap(),
    );
    a.approve(UserId::parse("U000000001").unwrap()).unwrap();
    b.deny().unwrap();
    let save = |s: Stored<zairyu_domain::request_for_use::RequestForUse>| {
        let store = store.clone();
        async move {
            let mut change = UnitOfWork::new(start());
            change.save_request_for_use(&s, Office::Tokyo).unwrap();
            store.commit(change).await
        }
    };
    let (ra, rb) = tokio::join!(save(a), save(b));
    assert_eq!(usize::from(ra.is_ok()) + usize::from(rb.is_ok()), 1, "{ra:?} {rb:?}");
    // The office's index holds the request once, under the winner's state.
    let pending =
        store.organizations().requests_of_office(Office::Tokyo, RequestState::Pending, None, 10).await.unwrap();
    assert!(pending.items.is_empty());
    let decided = store.organizations().request_for_use(&org, req.id()).await.unwrap().unwrap();
    let indexed = store.organizations().requests_of_office(Office::Tokyo, decided.state(), None, 10).await.unwrap();
    assert_eq!(indexed.items.len(), 1);
    // The organization's own requests: this one, and nothing of its list or its record.
    let own = store.organizations().requests_of_organization(&org, 10).await.unwrap();
    assert_eq!(own.iter().map(|r| (r.id(), r.state())).collect::<Vec<_>>(), [(req.id(), decided.state())]);
    let other = OrganizationId::parse("org2").unwrap();
    assert!(store.organizations().requests_of_organization(&other, 10).await.unwrap().is_empty());
}

async fn uploads_two_concurrent_updates_one_wins(w: World) {
    let org = OrganizationId::parse("org1").unwrap();
    let upload = w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap();
    let store = w.svc.core.store();
    let (mut a, mut b) = (
        store.uploads().get(&org, upload.id()).await.unwrap().unwrap(),
        store.uploads().get(&org, upload.id()).await.unwrap().unwrap(),
    );
    a.register(zairyu_domain::status_of_residence::ScreenGroup::Work, 300, 0, 0);
    b.refuse(&zairyu_blanket::FileError::NotXlsx, None);
    race(store, a, b).await;
}

async fn counters_two_concurrent_advances_one_wins(w: World) {
    let store = w.svc.core.store();
    let (a, b) =
        (store.counters().get("test-series").await.unwrap(), store.counters().get("test-series").await.unwrap());
    assert_eq!(a.value, 0);
    let advance = |read| {
        let store = store.clone();
        async move {
            let mut change = UnitOfWork::new(start());
            change.advance_counter("test-series", read);
            store.commit(change).await
        }
    };
    let (ra, rb) = tokio::join!(advance(a), advance(b));
    assert_eq!(usize::from(ra.is_ok()) + usize::from(rb.is_ok()), 1, "{ra:?} {rb:?}");
    assert_eq!(store.counters().get("test-series").await.unwrap().value, 1, "no number given twice");
}

async fn a_record_is_added_only_if_absent(w: World) {
    let store = w.svc.core.store();
    let org = store.organizations().get(&OrganizationId::parse("org1").unwrap()).await.unwrap().unwrap().into_inner();
    let mut change = UnitOfWork::new(start());
    change.add(&org).unwrap();
    assert!(matches!(store.commit(change).await, Err(StoreError::ConditionFailed)));
}

/// Q72: a second organization with a corporate number already held fails whole (its claim of the number),
/// added at the same moment or later; a third with another number is added.
async fn two_organizations_with_one_corporate_number_cannot_both_be_added(w: World) {
    use zairyu_domain::organization::{Organization, OrganizationKind, OrganizationProfile};
    let store = w.svc.core.store();
    let org = |id: &str, number: &str| {
        let profile =
            OrganizationProfile::parse(OrganizationKind::Corporation, "Kaede K.K.", "Tokyo", number, Office::Tokyo)
                .unwrap();
        Organization::register(OrganizationId::parse(id).unwrap(), profile)
    };
    let add = |o: Organization| {
        let store = store.clone();
        async move {
            let mut change = UnitOfWork::new(start());
            change.add(&o).unwrap();
            store.commit(change).await
        }
    };
    let (ra, rb) = tokio::join!(add(org("kaede-a", "1010401089234")), add(org("kaede-b", "1010401089234")));
    assert_eq!(usize::from(ra.is_ok()) + usize::from(rb.is_ok()), 1, "{ra:?} {rb:?}");
    let loser = if ra.is_ok() { "kaede-b" } else { "kaede-a" };
    assert!(store.organizations().get(&OrganizationId::parse(loser).unwrap()).await.unwrap().is_none());
    assert!(matches!(add(org("kaede-c", "1010401089234")).await, Err(StoreError::ConditionFailed)));
    add(org("kaede-d", "6011001021235")).await.unwrap();
    let number = zairyu_domain::values::CorporateNumber::parse("1010401089234").unwrap();
    assert!(store.organizations().corporate_number_registered(&number).await.unwrap());
    // The claim names its organization: the winner, found by its number.
    let winner = if ra.is_ok() { "kaede-a" } else { "kaede-b" };
    let found = store.organizations().by_corporate_number(&number).await.unwrap();
    assert_eq!(found.as_ref().map(OrganizationId::as_str), Some(winner));
    let free = zairyu_domain::values::CorporateNumber::parse("1180301018771").unwrap();
    assert_eq!(store.organizations().by_corporate_number(&free).await.unwrap(), None);
}

/// The lookups of an application (receipt numbers, card, "pending for this author") are written with it:
/// present while they hold, gone when they stop holding (Q33, Q79).
async fn an_application_s_lookups_follow_it_in_the_same_transaction(w: World) {
    use zairyu_domain::status::{Actor, OfficerRole};
    let (_, caller) = w.login("TANAKA01").await;
    let store = w.svc.core.store();
    let apps = store.applications();
    let author = UserId::parse("TANAKA01").unwrap();
    let card = zairyu_domain::form::PersonKey::Card(
        zairyu_domain::values::ResidenceCardNumber::parse("AB12345678CD").unwrap(),
    );
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    assert!(!apps.has_pending_by(&author).await.unwrap(), "entered is not pending");
    assert_eq!(apps.by_person(&card, None, 10).await.unwrap().items.len(), 1);
    w.svc.applications.attach_photo(&caller, app.id().as_str(), jpeg(), None).await.unwrap();
    let filed = w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
    assert!(apps.has_pending_by(&author).await.unwrap(), "filed is pending");
    let number = filed.temporary_receipt_number().unwrap().to_string();
    assert_eq!(apps.by_receipt_number(&number).await.unwrap().unwrap().id(), app.id());
    let mut stored = apps.get(app.id()).await.unwrap().unwrap();
    stored.start_examination(Actor::Officer(OfficerRole::Examiner)).unwrap();
    stored.deny(Actor::Officer(OfficerRole::Examiner), JstDate::parse("2026-11-27").unwrap()).unwrap();
    let mut change = UnitOfWork::new(start());
    change.save(&stored).unwrap();
    store.commit(change).await.unwrap();
    assert!(!apps.has_pending_by(&author).await.unwrap(), "decided is no longer pending");
    assert_eq!(apps.by_receipt_number(&number).await.unwrap().unwrap().status(), stored.status());
    assert!(apps.by_receipt_number("X20261127").await.unwrap().is_none());
}

/// Q42: a failed blanket row is stored under its application's key; corrected, the application replaces it
/// (conditioned on the entry's version), and the same row can never come back beside it.
async fn a_blanket_entry_is_replaced_in_place_by_its_corrected_application(w: World) {
    use zairyu_domain::application::{ApplicationId, OrganizationId};
    use zairyu_domain::blanket::{BlanketEntry, BlanketUpload};
    use zairyu_domain::status::Actor;
    let store = w.svc.core.store();
    let apps = store.applications();
    let org = OrganizationId::parse("org1").unwrap();
    let upload = BlanketUpload::start("up-1".into(), org.clone(), UserId::parse("TANAKA01").unwrap(), start());
    let id = ApplicationId::parse("bl-entry-1").unwrap();
    let entry = BlanketEntry::new(id.clone(), &upload, 7, application_input(), vec![]);
    assert!(apps.add_if_absent(&entry, start()).await.unwrap());
    assert!(!apps.add_if_absent(&entry, start()).await.unwrap(), "the same row once");
    assert!(apps.get(&id).await.unwrap().is_none(), "an entry is not an application");
    let stored = apps.entry(&id).await.unwrap().unwrap();
    let form = zairyu_domain::form::ApplicationForm::parse(&application_input(), JstDate::parse("2026-11-27").unwrap())
        .unwrap();
    let app = stored.clone().into_inner().correct(Actor::OrganizationUser, form).unwrap();
    // A stale entry (read before another write) cannot be replaced.
    let mut change = UnitOfWork::new(start());
    change.replace(&stored, &app).unwrap();
    store.commit(change).await.unwrap();
    let mut stale = UnitOfWork::new(start());
    stale.replace(&stored, &app).unwrap();
    assert!(matches!(store.commit(stale).await, Err(StoreError::ConditionFailed)));
    assert!(apps.entry(&id).await.unwrap().is_none());
    assert_eq!(
        apps.get(&id).await.unwrap().unwrap().status(),
        zairyu_domain::status::ApplicationStatus::InputCompleted
    );
    assert!(!apps.add_if_absent(&entry, start()).await.unwrap(), "never beside its application");
    let list = apps.of_organization(&org, None, 10).await.unwrap();
    assert_eq!(list.items.iter().filter(|l| l.json().contains(&format!("\"id\":\"{id}\""))).count(), 1);
}

/// #32 item 7: the office's organizations, listed by name (the key their names are found by), found by any
/// beginning of it however typed, paged; a renamed organization is found by its new name only; another
/// office's are not listed.
async fn an_office_lists_its_organizations_by_name_and_finds_one_by_the_beginning_of_it(w: World) {
    use zairyu_domain::organization::{Organization, OrganizationKind, OrganizationProfile};
    let store = w.svc.core.store();
    let add = async |id: &str, name: &str, office: Office| {
        let profile =
            OrganizationProfile::parse(OrganizationKind::IndividualBusiness, name, "Somewhere 1-1", "", office)
                .unwrap();
        let mut change = UnitOfWork::new(start());
        change.add(&Organization::register(OrganizationId::parse(id).unwrap(), profile)).unwrap();
        store.commit(change).await.unwrap();
    };
    add("o-kaede", "株式会社かえで", Office::Nagoya).await;
    add("o-kaede-2", "Kaede Foods", Office::Nagoya).await;
    add("o-sakura", "さくら商事", Office::Nagoya).await;
    add("o-osaka", "かえで食品", Office::Osaka).await;
    let orgs = store.organizations();
    let names = async |name: &str| -> Vec<String> {
        let page = orgs.of_office(Office::Nagoya, name, None, 10).await.unwrap();
        page.items.iter().map(|o| o.id().as_str().to_owned()).collect()
    };
    assert_eq!(names("").await, ["o-kaede-2", "o-kaede", "o-sakura"], "every one, by name (latin before kana)");
    assert_eq!(names("カエデ").await, ["o-kaede"], "kana either way; not the other office's");
    assert_eq!(names("ｋａｅ").await, ["o-kaede-2"]);
    assert_eq!(names("さくら商事株式会社").await, ["o-sakura"], "a legal form aside");
    assert!(names("もみじ").await.is_empty());
    let first = orgs.of_office(Office::Nagoya, "", None, 2).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let rest = orgs.of_office(Office::Nagoya, "", first.next, 2).await.unwrap();
    assert_eq!(rest.items.iter().map(|o| o.id().as_str()).collect::<Vec<_>>(), ["o-sakura"]);
    let mut renamed = orgs.get(&OrganizationId::parse("o-sakura").unwrap()).await.unwrap().unwrap();
    renamed.rename(zairyu_domain::error::Text::parse("もみじ商事").unwrap());
    let mut change = UnitOfWork::new(start());
    change.save(&renamed).unwrap();
    store.commit(change).await.unwrap();
    assert_eq!(names("もみじ").await, ["o-sakura"]);
    assert!(names("さくら").await.is_empty(), "not by the old name");
}
