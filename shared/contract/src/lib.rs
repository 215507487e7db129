//! The contract of each port, as test functions every adapter runs: the embedded adapters in their crate's
//! tests, the AWS adapters against moto server in theirs. One behaviour, written once.
//!
//! Each function gets a fresh, empty instance and panics (as a test) when the adapter breaks the contract.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // this crate is test code

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use zairyu_app::ports::*;
use zairyu_domain::values::EmailAddress;

fn item(pk: &str, sk: &str, extra: &[(&str, Attr)]) -> Item {
    let mut i = Item::from([(attr::PK.into(), Attr::S(pk.into())), (attr::SK.into(), Attr::S(sk.into()))]);
    for (k, v) in extra {
        i.insert((*k).into(), v.clone());
    }
    i
}

fn s(v: &str) -> Attr {
    Attr::S(v.into())
}

// ---------------------------------------------------------------------------------------------------
// Seal

/// The key is an ECDSA P-256 key, the same at every call; each signature verifies over its message with
/// SHA-256 (as a PDF reader checks it) and over no other; a message past the limit is refused, not cut.
pub async fn seal_signs_verifiably(seal: Arc<dyn Seal>) {
    use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
    let spki = seal.public_key_info().await.unwrap();
    assert_eq!(seal.public_key_info().await.unwrap(), spki, "one key");
    assert_eq!(spki.len(), 91, "a P-256 SubjectPublicKeyInfo");
    let point = &spki[26..];
    assert_eq!(zairyu_domain::certificate::cms::p256_public_key_info(point), spki);
    let key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point);
    for message in [&b"certificate of eligibility"[..], &[0u8; MAX_SEAL_MESSAGE][..]] {
        let signature = seal.sign(message).await.unwrap();
        assert!(key.verify(message, &signature).is_ok(), "verifies over its message");
        assert!(key.verify(b"another message", &signature).is_err(), "and no other");
    }
    assert!(matches!(seal.sign(&[0u8; MAX_SEAL_MESSAGE + 1]).await, Err(SealError::TooLong(_))));
}

// ---------------------------------------------------------------------------------------------------
// Table

/// Items round-trip with every kind of attribute; delete removes; missing items read as `None`.
pub async fn table_get_put_delete(t: Arc<dyn Table>) {
    let key = Key::new("ORG#1", "PROFILE");
    assert_eq!(t.get(&key).await.unwrap(), None);
    let it = item(
        "ORG#1",
        "PROFILE",
        &[
            ("name", s("さくらシステムズ株式会社")),
            ("count", Attr::N(-42)),
            ("blob", Attr::B(vec![0, 1, 255])),
            ("ok", Attr::Bool(true)),
        ],
    );
    t.put(it.clone(), Condition::None).await.unwrap();
    assert_eq!(t.get(&key).await.unwrap(), Some(it.clone()));
    // An unconditional put replaces the whole item.
    let replaced = item("ORG#1", "PROFILE", &[("name", s("Sakura"))]);
    t.put(replaced.clone(), Condition::None).await.unwrap();
    assert_eq!(t.get(&key).await.unwrap(), Some(replaced));
    t.delete(&key, Condition::None).await.unwrap();
    assert_eq!(t.get(&key).await.unwrap(), None);
    // Deleting what is not there is not an error.
    t.delete(&key, Condition::None).await.unwrap();
}

/// A conditional write whose condition does not hold fails and changes nothing.
pub async fn table_conditional_writes_that_must_fail(t: Arc<dyn Table>) {
    let key = Key::new("USER#A", "PROFILE");
    let v1 = item("USER#A", "PROFILE", &[(attr::VERSION, Attr::N(1)), ("name", s("one"))]);
    t.put(v1.clone(), Condition::Absent).await.unwrap();
    let other = item("USER#A", "PROFILE", &[(attr::VERSION, Attr::N(2)), ("name", s("two"))]);
    assert!(matches!(t.put(other.clone(), Condition::Absent).await, Err(StoreError::ConditionFailed)));
    assert!(matches!(t.put(other.clone(), Condition::Version(7)).await, Err(StoreError::ConditionFailed)));
    assert!(matches!(t.delete(&key, Condition::Version(7)).await, Err(StoreError::ConditionFailed)));
    let missing = item("USER#B", "PROFILE", &[]);
    assert!(matches!(t.put(missing, Condition::Exists).await, Err(StoreError::ConditionFailed)));
    assert_eq!(t.get(&Key::new("USER#B", "PROFILE")).await.unwrap(), None);
    assert_eq!(t.get(&key).await.unwrap(), Some(v1));
    // The right version wins.
    t.put(other.clone(), Condition::Version(1)).await.unwrap();
    assert_eq!(t.get(&key).await.unwrap(), Some(other));
    t.delete(&key, Condition::Version(2)).await.unwrap();
    assert_eq!(t.get(&key).await.unwrap(), None);
}

/// Two concurrent updates checked against the same version: exactly one wins.
pub async fn table_concurrent_version_checked_updates(t: Arc<dyn Table>) {
    let key = Key::new("APP#1", "APP");
    t.put(item("APP#1", "APP", &[(attr::VERSION, Attr::N(1)), ("status", s("input_completed"))]), Condition::None)
        .await
        .unwrap();
    for round in 1..=5 {
        let a = item("APP#1", "APP", &[(attr::VERSION, Attr::N(round + 1)), ("by", s("a"))]);
        let b = item("APP#1", "APP", &[(attr::VERSION, Attr::N(round + 1)), ("by", s("b"))]);
        let (ta, tb) = (Arc::clone(&t), Arc::clone(&t));
        let (ra, rb) = tokio::join!(
            tokio::spawn(async move { ta.put(a, Condition::Version(round)).await }),
            tokio::spawn(async move { tb.put(b, Condition::Version(round)).await })
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(ra.is_ok() != rb.is_ok(), "exactly one must win: {ra:?} {rb:?}");
        let winner = if ra.is_ok() { "a" } else { "b" };
        let loser = if ra.is_ok() { rb } else { ra };
        assert!(matches!(loser, Err(StoreError::ConditionFailed | StoreError::Conflict)), "{loser:?}");
        let stored = t.get(&key).await.unwrap().unwrap();
        assert_eq!(stored.get(attr::VERSION), Some(&Attr::N(round + 1)));
        assert_eq!(stored.get("by"), Some(&s(winner)));
    }
}

/// A transaction whose one condition fails writes nothing; one whose conditions hold writes everything.
pub async fn table_transactions_are_all_or_nothing(t: Arc<dyn Table>) {
    t.put(item("GUARD#x", "GUARD", &[]), Condition::None).await.unwrap();
    t.put(item("OLD#1", "OLD", &[]), Condition::None).await.unwrap();
    let failing = vec![
        Write::Put { item: item("NEW#1", "NEW", &[("v", Attr::N(1))]), condition: Condition::Absent },
        Write::Delete { key: Key::new("OLD#1", "OLD"), condition: Condition::None },
        Write::Put { item: item("GUARD#x", "GUARD", &[]), condition: Condition::Absent },
    ];
    assert!(matches!(t.transact(failing).await, Err(StoreError::ConditionFailed)));
    assert_eq!(t.get(&Key::new("NEW#1", "NEW")).await.unwrap(), None, "nothing half-written");
    assert!(t.get(&Key::new("OLD#1", "OLD")).await.unwrap().is_some(), "nothing half-deleted");

    let check_fails = vec![
        Write::Put { item: item("NEW#1", "NEW", &[]), condition: Condition::None },
        Write::Check { key: Key::new("MISSING#1", "X"), condition: Condition::Exists },
    ];
    assert!(matches!(t.transact(check_fails).await, Err(StoreError::ConditionFailed)));
    assert_eq!(t.get(&Key::new("NEW#1", "NEW")).await.unwrap(), None);

    let ok = vec![
        Write::Put { item: item("NEW#1", "NEW", &[("v", Attr::N(1))]), condition: Condition::Absent },
        Write::Delete { key: Key::new("OLD#1", "OLD"), condition: Condition::Exists },
        Write::Check { key: Key::new("GUARD#x", "GUARD"), condition: Condition::Exists },
    ];
    t.transact(ok).await.unwrap();
    assert!(t.get(&Key::new("NEW#1", "NEW")).await.unwrap().is_some());
    assert_eq!(t.get(&Key::new("OLD#1", "OLD")).await.unwrap(), None);

    let twice = vec![
        Write::Put { item: item("NEW#2", "NEW", &[]), condition: Condition::None },
        Write::Check { key: Key::new("NEW#2", "NEW"), condition: Condition::None },
    ];
    assert!(matches!(t.transact(twice).await, Err(StoreError::Invalid(_))));
    assert!(matches!(t.transact(vec![]).await, Err(StoreError::Invalid(_))));
}

/// 20 concurrent increments give 20 distinct, consecutive values.
pub async fn table_counter_under_concurrency(t: Arc<dyn Table>) {
    let key = Key::new("COUNTER#receipt#tokyo#26", "COUNTER");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (t, key) = (Arc::clone(&t), key.clone());
            tokio::spawn(async move { t.increment(&key, "value", 1, None).await })
        })
        .collect();
    let mut values: Vec<i64> =
        futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap().unwrap()).collect();
    values.sort_unstable();
    assert_eq!(values, (1..=20).collect::<Vec<_>>());
    assert_eq!(t.increment(&key, "value", 5, None).await.unwrap(), 25);
    assert_eq!(t.get(&key).await.unwrap().unwrap().get("value"), Some(&Attr::N(25)));
    // A counter that expires: 20 concurrent hits all count, and the expiry is the one set when it was made.
    let window = Key::new("FLOOD#login#abc", "W#000001764200000");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (t, key) = (Arc::clone(&t), window.clone());
            tokio::spawn(async move { t.increment(&key, "n", 1, Some(1_764_200_600 + i)).await })
        })
        .collect();
    let mut values: Vec<i64> =
        futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap().unwrap()).collect();
    values.sort_unstable();
    assert_eq!(values, (1..=20).collect::<Vec<_>>());
    let stored = t.get(&window).await.unwrap().unwrap();
    let ttl = stored.get(attr::TTL).and_then(Attr::as_n).unwrap();
    assert!((1_764_200_600..1_764_200_620).contains(&ttl), "{ttl}");
    assert!(matches!(t.increment(&window, attr::TTL, 1, Some(0)).await, Err(StoreError::Invalid(_))));
}

async fn all_pages(t: &Arc<dyn Table>, q: Query) -> (Vec<Item>, usize) {
    let mut out = Vec::new();
    let mut pages = 0;
    let mut after = None;
    loop {
        let page = t.query(&q.clone().after(after)).await.unwrap();
        assert!(page.items.len() <= q.limit as usize);
        pages += 1;
        out.extend(page.items);
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
        assert!(pages < 100, "paging does not end");
    }
    (out, pages)
}

fn sks(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.get(attr::SK).and_then(Attr::as_s).unwrap_or_default().to_owned()).collect()
}

/// A partition is read in sort-key order across pages, forwards and backwards, by prefix and by range.
pub async fn table_query_paging(t: Arc<dyn Table>) {
    for n in 0..25 {
        t.put(item("ORG#p", &format!("APP#{n:03}"), &[("n", Attr::N(n))]), Condition::None).await.unwrap();
    }
    t.put(item("ORG#p", "PROFILE", &[]), Condition::None).await.unwrap();
    t.put(item("ORG#q", "APP#000", &[]), Condition::None).await.unwrap();

    let q = Query::partition(Index::Primary, "ORG#p").sort(SortKey::Prefix("APP#".into())).limit(10);
    let (items, pages) = all_pages(&t, q.clone()).await;
    let want: Vec<String> = (0..25).map(|n| format!("APP#{n:03}")).collect();
    assert_eq!(sks(&items), want);
    assert!(pages >= 3);

    let (desc, _) = all_pages(&t, q.descending()).await;
    let mut rev = want.clone();
    rev.reverse();
    assert_eq!(sks(&desc), rev);

    let between =
        Query::partition(Index::Primary, "ORG#p").sort(SortKey::Between("APP#005".into(), "APP#009".into())).limit(3);
    let (range, _) = all_pages(&t, between).await;
    assert_eq!(sks(&range), (5..=9).map(|n| format!("APP#{n:03}")).collect::<Vec<_>>());

    let (whole, _) = all_pages(&t, Query::partition(Index::Primary, "ORG#p").limit(1000)).await;
    assert_eq!(whole.len(), 26);
    let (none, _) = all_pages(&t, Query::partition(Index::Primary, "ORG#none")).await;
    assert!(none.is_empty());
}

/// Secondary indexes hold only the items that carry both their keys, ordered by the index's sort key.
pub async fn table_secondary_indexes(t: Arc<dyn Table>) {
    for n in 0..7 {
        let mut extra = vec![(attr::GSI1_PK, s("ORG#1")), (attr::GSI1_SK, s(&format!("2026-11-{:02}#{n}", 20 + n)))];
        if n % 2 == 0 {
            extra.push((attr::GSI2_PK, s("OFFICE#tokyo#application_completed")));
            extra.push((attr::GSI2_SK, s(&format!("{:02}", 10 - n))));
        }
        t.put(item(&format!("APP#{n}"), "APP", &extra), Condition::None).await.unwrap();
    }
    t.put(item("APP#x", "APP", &[(attr::GSI1_PK, s("ORG#2")), (attr::GSI1_SK, s("2026"))]), Condition::None)
        .await
        .unwrap();

    let newest = t.query(&Query::partition(Index::Gsi1, "ORG#1").descending().limit(3)).await.unwrap();
    let pks: Vec<_> = newest.items.iter().map(|i| i.get(attr::PK).cloned().unwrap()).collect();
    assert_eq!(pks, vec![s("APP#6"), s("APP#5"), s("APP#4")]);

    let mut got = Vec::new();
    let mut after = None;
    loop {
        let page = t
            .query(&Query::partition(Index::Gsi2, "OFFICE#tokyo#application_completed").limit(2).after(after))
            .await
            .unwrap();
        got.extend(page.items.iter().map(|i| i.get(attr::PK).cloned().unwrap()));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(got, vec![s("APP#6"), s("APP#4"), s("APP#2"), s("APP#0")]);

    // Taking an item out of a sparse index: put it again without the index keys.
    t.put(item("APP#6", "APP", &[]), Condition::None).await.unwrap();
    let after_removal =
        t.query(&Query::partition(Index::Gsi2, "OFFICE#tokyo#application_completed").limit(10)).await.unwrap();
    assert_eq!(after_removal.items.len(), 3);
}

/// A query that names attributes gets those and no others, whatever column or index holds them; an item
/// lacking one lacks it in the answer too; paging is unchanged.
pub async fn table_query_projection(t: Arc<dyn Table>) {
    for n in 0..5 {
        let mut extra = vec![
            (attr::GSI1_PK, s("ORG#r")),
            (attr::GSI1_SK, s(&format!("APP#{n}"))),
            ("doc", s(&format!("{{\"n\":{n}}}"))),
            ("kind", s("application")),
            ("n", Attr::N(n)),
        ];
        match n {
            // Without a summary; with one that is not a string.
            1 => {}
            3 => extra.push(("summary", Attr::N(7))),
            _ => extra.push(("summary", s(&format!("line {n}")))),
        }
        t.put(item(&format!("APP#{n}"), "APP", &extra), Condition::None).await.unwrap();
    }
    let lines = Query::partition(Index::Gsi1, "ORG#r").descending().limit(2).project(&[attr::PK, "summary"]);
    let (items, pages) = all_pages(&t, lines).await;
    assert_eq!(pages, 3);
    let want = |n: i64, summary: Option<Attr>| {
        let mut i = Item::from([(attr::PK.to_owned(), s(&format!("APP#{n}")))]);
        i.extend(summary.map(|v| ("summary".to_owned(), v)));
        i
    };
    assert_eq!(
        items,
        vec![
            want(4, Some(s("line 4"))),
            want(3, Some(Attr::N(7))),
            want(2, Some(s("line 2"))),
            want(1, None),
            want(0, Some(s("line 0"))),
        ]
    );
    let kinds = t.query(&Query::partition(Index::Gsi1, "ORG#r").limit(1).project(&["kind", "doc"])).await.unwrap();
    assert_eq!(
        kinds.items,
        vec![Item::from([("kind".to_owned(), s("application")), ("doc".to_owned(), s("{\"n\":0}"))])]
    );
    let numbers = t.query(&Query::partition(Index::Primary, "APP#2").project(&["n"])).await.unwrap();
    assert_eq!(numbers.items, vec![Item::from([("n".to_owned(), Attr::N(2))])]);
    let whole = t.query(&Query::partition(Index::Primary, "APP#2")).await.unwrap();
    assert_eq!(whole.items[0].len(), 8, "{:?}", whole.items[0]);
}

// ---------------------------------------------------------------------------------------------------
// BlobStore

/// Objects round-trip; missing objects read as `None`; bad keys are refused.
pub async fn blobs_put_get_delete(b: Arc<dyn BlobStore>) {
    let key = "photos/org-1/app-1.jpg";
    assert_eq!(b.get(key).await.unwrap(), None);
    let bytes: Vec<u8> = (0..=255).cycle().take(20_000).collect();
    b.put(key, bytes.clone(), "image/jpeg").await.unwrap();
    assert_eq!(b.get(key).await.unwrap(), Some(bytes));
    b.put(key, vec![1, 2, 3], "image/jpeg").await.unwrap();
    assert_eq!(b.get(key).await.unwrap(), Some(vec![1, 2, 3]));
    b.delete(key).await.unwrap();
    assert_eq!(b.get(key).await.unwrap(), None);
    b.delete(key).await.unwrap();
    assert!(matches!(b.put("../etc/passwd", vec![], "text/plain").await, Err(BlobError::InvalidKey(_))));
    assert!(matches!(b.get("a//b").await, Err(BlobError::InvalidKey(_))));
}

/// Many keys read at once come back in the order asked, `None` where absent, past 100 keys too.
pub async fn table_get_many(t: Arc<dyn Table>) {
    for i in 0..150 {
        t.put(item(&format!("MANY#{i}"), "X", &[]), Condition::None).await.unwrap();
    }
    let keys: Vec<Key> = [3, 1000, 149, 3, 0]
        .iter()
        .map(|i| Key::new(format!("MANY#{i}"), "X"))
        .chain((0..150).map(|i| Key::new(format!("MANY#{i}"), "X")))
        .collect();
    let got = t.get_many(&keys).await.unwrap();
    assert_eq!(got.len(), keys.len());
    for (key, item) in keys.iter().zip(&got) {
        match item {
            Some(item) => assert_eq!(Key::of(item).as_ref(), Some(key)),
            None => assert_eq!(key.pk, "MANY#1000"),
        }
    }
    assert_eq!(got.iter().filter(|i| i.is_none()).count(), 1);
    assert!(t.get_many(&[]).await.unwrap().is_empty());
}

/// A presigned upload, made by `upload` the way a browser would, lands at the key: once, and (where the store
/// verifies the link's signature, which moto does not) only with the length the link was made for.
pub async fn blobs_presigned_upload<F, Fut>(b: Arc<dyn BlobStore>, verifies_signatures: bool, upload: F)
where
    F: Fn(PresignedUpload, Vec<u8>) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let key = "uploads/org-1/upload-1.xlsx";
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let body = b"PK\x03\x04 a blanket file".to_vec();
    let link = b.presign_put(key, ct, body.len() as u64, Duration::from_secs(900)).await.unwrap();
    assert_eq!(link.method, "PUT");
    assert!(link.url.contains("upload-1.xlsx"));
    // A body of another length is refused, and nothing is stored.
    let longer = [body.clone(), b"!".to_vec()].concat();
    if verifies_signatures {
        assert!(upload(link.clone(), longer).await.is_err(), "a longer body");
    }
    assert_eq!(b.get(key).await.unwrap(), None);
    upload(link.clone(), body.clone()).await.unwrap();
    assert_eq!(b.get(key).await.unwrap(), Some(body.clone()));
    // The link works once: a second file of the same length is refused and the first stays.
    let other = vec![b'x'; body.len()];
    assert!(upload(link, other).await.is_err(), "a second upload to the same link");
    assert_eq!(b.get(key).await.unwrap(), Some(body));
}

/// A presigned form, posted by `post` as a browser posts it (its fields in order, the file last), stores the
/// file at its key and sends the browser on to the form's redirect (303); where the store verifies the
/// form's signature (moto does not), a form whose key was changed stores nothing, and a file over the form's
/// limit is refused.
pub async fn blobs_presigned_form<F, Fut>(b: Arc<dyn BlobStore>, verifies_signatures: bool, post: F)
where
    F: Fn(PresignedForm, Vec<u8>) -> Fut,
    Fut: Future<Output = Result<http::Response, String>>,
{
    let key = "uploads/org-1/form-1.xlsx";
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let redirect = "http://127.0.0.1:8080/blanket/uploads/form-1";
    let body = b"PK\x03\x04 a blanket file from a form".to_vec();
    let form = b.presign_form(key, ct, 100, Duration::from_secs(900), redirect).await.unwrap();
    let field = |name: &str| form.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(field("key").as_deref(), Some(key));
    assert_eq!(field("Content-Type").as_deref(), Some(ct));
    assert!(
        form.fields.iter().all(|(n, _)| n != PresignedForm::FILE_FIELD),
        "the file comes last, not among the fields"
    );
    if verifies_signatures {
        let mut forged = form.clone();
        for (n, v) in &mut forged.fields {
            if n == "key" {
                *v = "uploads/org-2/form-1.xlsx".into();
            }
        }
        let r = post(forged, body.clone()).await;
        assert!(r.as_ref().map_or(true, |r| r.status >= 400), "a changed key: {r:?}");
        assert_eq!(b.get("uploads/org-2/form-1.xlsx").await.unwrap(), None);
        let r = post(form.clone(), vec![b'x'; 101]).await;
        assert!(r.as_ref().map_or(true, |r| r.status >= 400), "a file over the limit: {r:?}");
        assert_eq!(b.get(key).await.unwrap(), None);
    }
    let answer = post(form.clone(), body.clone()).await.unwrap();
    assert_eq!(answer.status, 303, "{answer:?}");
    let location = answer.header("location").unwrap_or_default();
    assert!(location.starts_with(redirect), "on to the redirect: {location}");
    assert_eq!(b.get(key).await.unwrap(), Some(body));
}

/// A presigned download, fetched by `get` as a browser fetches it, answers the object's bytes as the type
/// and the named attachment the link was made for.
pub async fn blobs_presigned_download<F, Fut>(b: Arc<dyn BlobStore>, get: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<http::Response, String>>,
{
    let key = "documents/org-1/app-1/doc-1";
    let body = b"%PDF-1.7 a document of proof".to_vec();
    b.put(key, body.clone(), "application/octet-stream").await.unwrap();
    let url = b.presign_get(key, "application/pdf", "卒業証明書.pdf", Duration::from_secs(60)).await.unwrap();
    let answer = get(url).await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, body);
    assert_eq!(answer.header("content-type"), Some("application/pdf"));
    let disposition = answer.header("content-disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E5%8D%92%E6%A5%AD%E8%A8%BC%E6%98%8E%E6%9B%B8.pdf"),
        "{disposition}"
    );
    b.delete(key).await.unwrap();
}

// ---------------------------------------------------------------------------------------------------
// JobQueue

async fn receive_all(q: &Arc<dyn JobQueue>, want: usize) -> Vec<Delivery> {
    let mut out = Vec::new();
    for _ in 0..20 {
        out.extend(q.receive(10).await.unwrap());
        if out.len() >= want {
            break;
        }
    }
    out
}

/// Sent jobs are received, hidden while being worked on, and gone once acked.
pub async fn queue_send_receive_ack(q: Arc<dyn JobQueue>) {
    for n in 0..3 {
        q.send(&format!("{{\"job\":{n}}}")).await.unwrap();
    }
    let got = receive_all(&q, 3).await;
    let mut bodies: Vec<_> = got.iter().map(|d| d.body.clone()).collect();
    bodies.sort();
    assert_eq!(bodies, vec!["{\"job\":0}", "{\"job\":1}", "{\"job\":2}"]);
    assert!(got.iter().all(|d| d.attempt == 1));
    // In flight: not delivered again.
    assert!(q.receive(10).await.unwrap().is_empty());
    for d in &got {
        q.ack(&d.receipt).await.unwrap();
    }
    assert!(q.receive(10).await.unwrap().is_empty());
    assert!(q.dead_letters(10).await.unwrap().is_empty());
}

/// A released job comes again (at-least-once); after `max_attempts` failed attempts it is dead-lettered.
pub async fn queue_failed_jobs_are_retried_then_dead_lettered(q: Arc<dyn JobQueue>, max_attempts: u32) {
    q.send("poison").await.unwrap();
    for attempt in 1..=max_attempts {
        let got = receive_all(&q, 1).await;
        assert_eq!(got.len(), 1, "attempt {attempt}");
        assert_eq!(got[0].body, "poison");
        assert_eq!(got[0].attempt, attempt);
        q.release(&got[0].receipt).await.unwrap();
    }
    assert!(q.receive(10).await.unwrap().is_empty(), "not delivered after its last attempt");
    assert_eq!(q.dead_letters(10).await.unwrap(), vec!["poison".to_owned()]);
}

// ---------------------------------------------------------------------------------------------------
// Mailer

/// One e-mail as the mail service recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

/// An e-mail with a Japanese subject reaches the service's record; an e-mail to nobody is rejected.
pub async fn mailer_sends<F, Fut>(m: Arc<dyn Mailer>, from: &str, sent: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Vec<SentMail>>,
{
    let email = Email {
        from: EmailAddress::parse(from).unwrap(),
        to: vec![
            EmailAddress::parse("tanaka@sakura.example.jp").unwrap(),
            EmailAddress::parse("an.nguyen@example.com").unwrap(),
        ],
        subject: "仮受付番号のお知らせ / Temporary application receipt number".into(),
        text: "仮受付番号: TMP-20261127-0000000Z\nこのメールには返信できません。".into(),
        html: None,
    };
    let id = m.send(&email).await.unwrap();
    assert!(!id.is_empty());
    let records = sent().await;
    let found =
        records.iter().find(|r| r.subject == email.subject).unwrap_or_else(|| panic!("not recorded: {records:?}"));
    assert_eq!(found.to, vec!["tanaka@sakura.example.jp".to_owned(), "an.nguyen@example.com".to_owned()]);
    assert!(found.text.contains("TMP-20261127-0000000Z"));

    let nobody = Email { to: vec![], ..email };
    assert!(matches!(m.send(&nobody).await, Err(MailError::Rejected(_))));
}

// ---------------------------------------------------------------------------------------------------
// A small HTTP client for tests that talk to a server on 127.0.0.1 (moto, the local server).

pub mod http {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A response: status, headers (lower-case names) and body.
    #[derive(Debug, Clone)]
    pub struct Response {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Response {
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
        }

        pub fn json(&self) -> serde_json::Value {
            serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
        }
    }

    /// A browser's `multipart/form-data` body of `fields` and then a file (`file_field`, named `name`): its
    /// content type (with the boundary) and its bytes.
    pub fn multipart(fields: &[(String, String)], file_field: &str, name: &str, file: &[u8]) -> (String, Vec<u8>) {
        const BOUNDARY: &str = "----zairyu-contract-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
        }
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(file);
        body.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
        (format!("multipart/form-data; boundary={BOUNDARY}"), body)
    }

    /// One HTTP/1.1 exchange on a fresh connection (`Connection: close`), chunked bodies decoded.
    pub async fn request(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> Response {
        let rest = url.strip_prefix("http://").expect("an http URL");
        let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
        let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).await.expect("write");
        stream.write_all(body).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP response");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned())))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
            let mut out = Vec::new();
            let mut rest = &body[..];
            while let Some(pos) = rest.windows(2).position(|w| w == b"\r\n") {
                let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..pos]).trim(), 16).unwrap_or(0);
                if size == 0 || rest.len() < pos + 2 + size {
                    break;
                }
                out.extend_from_slice(&rest[pos + 2..pos + 2 + size]);
                rest = &rest[(pos + 4 + size).min(rest.len())..];
            }
            body = out;
        }
        Response { status, headers, body }
    }
}
