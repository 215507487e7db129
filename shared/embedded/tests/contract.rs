//! The embedded adapters against the ports' contract.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use zairyu_app::ports::{BlobStore, JobQueue, Mailer, Table};
use zairyu_contract as contract;
use zairyu_embedded::{FolderBlobs, OutboxMailer, SqliteQueue, SqliteTable};
use zairyu_runtime::{RandomIds, SystemClock};

fn table() -> (Arc<dyn Table>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let t = SqliteTable::open(&dir.path().join("zairyu.db")).unwrap();
    (Arc::new(t), dir)
}

#[tokio::test]
async fn table_get_put_delete() {
    let (t, _d) = table();
    contract::table_get_put_delete(t).await;
}

#[tokio::test]
async fn table_conditional_writes_that_must_fail() {
    let (t, _d) = table();
    contract::table_conditional_writes_that_must_fail(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn table_concurrent_version_checked_updates() {
    let (t, _d) = table();
    contract::table_concurrent_version_checked_updates(t).await;
}

#[tokio::test]
async fn table_transactions_are_all_or_nothing() {
    let (t, _d) = table();
    contract::table_transactions_are_all_or_nothing(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn table_counter_under_concurrency() {
    let (t, _d) = table();
    contract::table_counter_under_concurrency(t).await;
}

#[tokio::test]
async fn table_query_paging() {
    let (t, _d) = table();
    contract::table_query_paging(t).await;
}

#[tokio::test]
async fn table_secondary_indexes() {
    let (t, _d) = table();
    contract::table_secondary_indexes(t).await;
}

#[tokio::test]
async fn table_query_projection() {
    let (t, _d) = table();
    contract::table_query_projection(t).await;
}

#[tokio::test]
async fn table_get_many() {
    let (t, _d) = table();
    contract::table_get_many(t).await;
}

#[tokio::test]
async fn table_data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zairyu.db");
    let t: Arc<dyn Table> = Arc::new(SqliteTable::open(&path).unwrap());
    t.increment(&zairyu_app::ports::Key::new("C", "C"), "v", 3, None).await.unwrap();
    drop(t);
    let again = SqliteTable::open(&path).unwrap();
    assert_eq!(again.increment(&zairyu_app::ports::Key::new("C", "C"), "v", 1, None).await.unwrap(), 4);
}

fn blobs(dir: &tempfile::TempDir) -> FolderBlobs<SystemClock> {
    FolderBlobs::new(&dir.path().join("blobs"), "http://127.0.0.1:8080", b"test secret", SystemClock).unwrap()
}

#[tokio::test]
async fn blobs_put_get_delete() {
    let dir = tempfile::tempdir().unwrap();
    contract::blobs_put_get_delete(Arc::new(blobs(&dir))).await;
}

#[tokio::test]
async fn blobs_presigned_form() {
    let dir = tempfile::tempdir().unwrap();
    let b = blobs(&dir);
    let receiver = b.clone();
    contract::blobs_presigned_form(Arc::new(b), true, move |form, file| {
        let receiver = receiver.clone();
        async move {
            // What the local server's form route does with the post: the fields checked before the file is
            // read, the file held to the form's limit, stored, and the browser sent on.
            assert_eq!(form.url, format!("http://127.0.0.1:8080{}", zairyu_embedded::blobs::FORM_ROUTE));
            let checked = receiver.check_form(&form.fields).map_err(|e| e.to_string())?;
            if file.is_empty() || file.len() as u64 > checked.max_length {
                return Err("the file is not within the form's limit".into());
            }
            receiver.put(&checked.key, file, &checked.content_type).await.map_err(|e| e.to_string())?;
            Ok(contract::http::Response {
                status: 303,
                headers: vec![("location".into(), checked.redirect)],
                body: Vec::new(),
            })
        }
    })
    .await;
}

#[tokio::test]
async fn a_presigned_form_is_refused_once_expired_or_used() {
    let dir = tempfile::tempdir().unwrap();
    let b = blobs(&dir);
    let ct = "application/x";
    let form = b.presign_form("uploads/o/a.xlsx", ct, 10, Duration::from_secs(60), "http://x/y").await.unwrap();
    assert!(b.check_form(&form.fields).is_ok());
    let mut later = form.clone();
    for (n, v) in &mut later.fields {
        if n == "expires" {
            *v = "1".into();
        }
    }
    assert!(matches!(b.check_form(&later.fields), Err(zairyu_embedded::UploadError::BadSignature)), "a changed expiry");
    let mut other_redirect = form.clone();
    for (n, v) in &mut other_redirect.fields {
        if n == "success_action_redirect" {
            *v = "https://evil.example/".into();
        }
    }
    assert!(matches!(b.check_form(&other_redirect.fields), Err(zairyu_embedded::UploadError::BadSignature)));
    let expired = b.presign_form("uploads/o/b.xlsx", ct, 10, Duration::ZERO, "http://x/y").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(matches!(b.check_form(&expired.fields), Err(zairyu_embedded::UploadError::Expired)));
    b.put("uploads/o/a.xlsx", b"1".to_vec(), ct).await.unwrap();
    assert!(matches!(b.check_form(&form.fields), Err(zairyu_embedded::UploadError::Used)), "its object is stored");
}

#[tokio::test]
async fn blobs_presigned_upload() {
    let dir = tempfile::tempdir().unwrap();
    let b = blobs(&dir);
    let receiver = b.clone();
    contract::blobs_presigned_upload(Arc::new(b), true, move |link, body| {
        let receiver = receiver.clone();
        async move {
            // What the local server's upload route does with the request.
            let path = link.url.strip_prefix("http://127.0.0.1:8080").ok_or("wrong base URL")?;
            let ct = &link.headers.iter().find(|(k, _)| k == "content-type").ok_or("no content type")?.1;
            receiver.accept_upload(path, ct, body).await.map(|_| ()).map_err(|e| e.to_string())
        }
    })
    .await;
}

#[tokio::test]
async fn blobs_presigned_upload_refuses_tampering_expiry_and_other_content_types() {
    use zairyu_embedded::UploadError;
    let dir = tempfile::tempdir().unwrap();
    let b = blobs(&dir);
    let link = b.presign_put("uploads/o/u.xlsx", "application/octet-stream", 1, Duration::from_secs(60)).await.unwrap();
    let path = link.url.strip_prefix("http://127.0.0.1:8080").unwrap().to_owned();
    let other_key = path.replace("uploads/o/u.xlsx", "uploads/x/u.xlsx");
    assert!(matches!(
        b.accept_upload(&other_key, "application/octet-stream", vec![1]).await,
        Err(UploadError::BadSignature)
    ));
    assert!(matches!(b.accept_upload(&path, "text/csv", vec![1]).await, Err(UploadError::ContentType)));
    assert!(matches!(b.accept_upload("/elsewhere", "text/csv", vec![1]).await, Err(UploadError::Malformed)));
    let old = b.presign_put("uploads/o/v.xlsx", "application/octet-stream", 1, Duration::from_secs(0)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let old_path = old.url.strip_prefix("http://127.0.0.1:8080").unwrap();
    assert!(matches!(b.accept_upload(old_path, "application/octet-stream", vec![1]).await, Err(UploadError::Expired)));
    assert_eq!(b.get("uploads/o/u.xlsx").await.unwrap(), None);
}

#[tokio::test]
async fn blobs_presigned_download() {
    let dir = tempfile::tempdir().unwrap();
    let b = blobs(&dir);
    let reader = b.clone();
    contract::blobs_presigned_download(Arc::new(b), move |url| {
        let reader = reader.clone();
        async move {
            // What the local server's download route does with the request.
            let path = url.strip_prefix("http://127.0.0.1:8080").ok_or("wrong base URL")?;
            let checked = reader.check_download(path).map_err(|e| e.to_string())?;
            let body = reader.get(&checked.key).await.map_err(|e| e.to_string())?.ok_or("no object")?;
            Ok(contract::http::Response {
                status: 200,
                headers: vec![
                    ("content-type".into(), checked.content_type),
                    ("content-disposition".into(), checked.disposition),
                ],
                body,
            })
        }
    })
    .await;
}

#[tokio::test]
async fn a_presigned_download_is_refused_tampered_or_expired() {
    use zairyu_embedded::UploadError;
    let dir = tempfile::tempdir().unwrap();
    let b = blobs(&dir);
    let url = b.presign_get("documents/o/a/d", "application/pdf", "a.pdf", Duration::from_secs(60)).await.unwrap();
    let path = url.strip_prefix("http://127.0.0.1:8080").unwrap().to_owned();
    assert!(b.check_download(&path).is_ok());
    for (from, to) in
        [("documents/o/a/d", "documents/x/a/d"), ("name=a.pdf", "name=b.pdf"), ("application%2Fpdf", "text%2Fhtml")]
    {
        assert!(path.contains(from), "{path}");
        assert!(matches!(b.check_download(&path.replace(from, to)), Err(UploadError::BadSignature)), "{to}");
    }
    assert!(matches!(b.check_download("/elsewhere"), Err(UploadError::Malformed)));
    let old = b.presign_get("documents/o/a/d", "application/pdf", "a.pdf", Duration::ZERO).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(matches!(b.check_download(old.strip_prefix("http://127.0.0.1:8080").unwrap()), Err(UploadError::Expired)));
}

fn queue(dir: &tempfile::TempDir, max_attempts: u32) -> Arc<dyn JobQueue> {
    Arc::new(
        SqliteQueue::open(
            &dir.path().join("queue.db"),
            "notifications",
            max_attempts,
            Duration::from_secs(60),
            SystemClock,
        )
        .unwrap(),
    )
}

#[tokio::test]
async fn queue_send_receive_ack() {
    let dir = tempfile::tempdir().unwrap();
    contract::queue_send_receive_ack(queue(&dir, 3)).await;
}

#[tokio::test]
async fn queue_failed_jobs_are_retried_then_dead_lettered() {
    let dir = tempfile::tempdir().unwrap();
    contract::queue_failed_jobs_are_retried_then_dead_lettered(queue(&dir, 3), 3).await;
}

#[tokio::test]
async fn queue_jobs_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    queue(&dir, 3).send("durable").await.unwrap();
    let again = queue(&dir, 3);
    assert_eq!(again.receive(10).await.unwrap()[0].body, "durable");
}

#[tokio::test]
async fn mailer_sends_to_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let outbox =
        OutboxMailer::new(&dir.path().join("outbox"), SystemClock, Arc::new(RandomIds::<SystemClock>::default()))
            .unwrap();
    let reader = outbox.clone();
    let m: Arc<dyn Mailer> = Arc::new(outbox);
    contract::mailer_sends(m, "no-reply@zairyu.example.jp", move || {
        let reader = reader.clone();
        async move {
            reader
                .messages()
                .unwrap()
                .into_iter()
                .map(|m| contract::SentMail { to: m.to, subject: m.subject, text: m.text })
                .collect()
        }
    })
    .await;
}

/// A file of the earlier layout (4 KiB pages, the document escaped inside the item's JSON) opens as it is:
/// its pages become 16 KiB, its rows read as they were written, and a row written now keeps its document in
/// a column of its own, never inside the item's JSON; no row spills onto overflow pages.
#[tokio::test]
async fn a_file_of_the_earlier_layout_is_carried_over_and_documents_get_their_column() {
    use zairyu_app::ports::{Attr, Condition, Index, Item, Key, Query};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let doc = format!(r#"{{"name":"NGUYEN,VAN,AN","note":"{}"}}"#, "長".repeat(600));
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;
             CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT,
                                 item TEXT NOT NULL, PRIMARY KEY (pk, sk)) WITHOUT ROWID;",
        )
        .unwrap();
        let item =
            serde_json::json!({ "pk": {"S": "APP#old"}, "sk": {"S": "APP"}, "doc": {"S": doc}, "version": {"N": 3} });
        old.execute("INSERT INTO items (pk, sk, item) VALUES ('APP#old', 'APP', ?1)", [item.to_string()]).unwrap();
    }
    let table = SqliteTable::open(&path).unwrap();
    assert_eq!(table.page_size().unwrap(), 16_384);
    let old = table.get(&Key::new("APP#old", "APP")).await.unwrap().unwrap();
    assert_eq!(old.get("doc"), Some(&Attr::S(doc.clone())), "{old:?}");
    assert_eq!(old.get("version"), Some(&Attr::N(3)));

    let new = Item::from([
        ("pk".to_owned(), Attr::S("APP#new".into())),
        ("sk".to_owned(), Attr::S("APP".into())),
        ("gsi1pk".to_owned(), Attr::S("ORG#org1".into())),
        ("gsi1sk".to_owned(), Attr::S("APP#1".into())),
        ("doc".to_owned(), Attr::S(doc.clone())),
        ("version".to_owned(), Attr::N(1)),
    ]);
    table.put(new.clone(), Condition::Absent).await.unwrap();
    assert_eq!(table.get(&Key::new("APP#new", "APP")).await.unwrap(), Some(new.clone()));
    let page = table.query(&Query::partition(Index::Gsi1, "ORG#org1".to_owned())).await.unwrap();
    assert_eq!(page.items, vec![new]);
    drop(table);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let (item, column): (String, String) =
        raw.query_row("SELECT item, doc FROM items WHERE pk = 'APP#new'", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(column, doc);
    assert!(!item.contains("NGUYEN"), "the document is not in the item's JSON: {item}");
    // Each row (about 2 KB) fits on its page: the file has no overflow pages.
    let pages: i64 = raw.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert_eq!(pages, 4, "the schema, the rows and the two indexes, a page each");
}
