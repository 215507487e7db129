//! The AWS adapters against the ports' contract, over the wire to moto server.
//!
//! `scripts/test.sh` starts moto on a free port of 127.0.0.1 and exports its URL as `ZAIRYU_MOTO_URL`
//! (and stops it afterwards). Every test uses its own table, bucket and queue names, so tests run in
//! parallel on one server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use zairyu_app::ports::{BlobStore, JobQueue, Table};
use zairyu_aws::{DynamoTable, S3Blobs, SesMailer, SqsQueue};
use zairyu_contract as contract;

fn moto_url() -> String {
    std::env::var("ZAIRYU_MOTO_URL").unwrap_or_else(|_| {
        panic!("ZAIRYU_MOTO_URL is not set: run the suite with scripts/test.sh, which starts moto server")
    })
}

/// The configuration a function builds from what Lambda sets (`zairyu_aws::lambda_config`), pointed at moto.
async fn config() -> aws_config::SdkConfig {
    zairyu_aws::config_from(|name| match name {
        "AWS_REGION" => Some("ap-northeast-1".into()),
        "AWS_ACCESS_KEY_ID" => Some("AKIDCONTRACT".into()),
        "AWS_SECRET_ACCESS_KEY" => Some("contract-secret".into()),
        "AWS_SESSION_TOKEN" => Some("contract-token".into()),
        "AWS_ENDPOINT_URL" => Some(moto_url()),
        _ => None,
    })
    .unwrap()
}

fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

async fn table() -> Arc<dyn Table> {
    let client = aws_sdk_dynamodb::Client::new(&config().await);
    let name = unique("zairyu");
    DynamoTable::create(&client, &name).await.unwrap();
    Arc::new(DynamoTable::new(client, name))
}

async fn http(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> (u16, Vec<u8>) {
    let r = contract::http::request(method, url, headers, body).await;
    (r.status, r.body)
}

/// The KMS key of electronic certificates: ECC_NIST_P256 for signing, as the template makes it.
#[tokio::test]
async fn seal_signs_verifiably() {
    let client = aws_sdk_kms::Client::new(&config().await);
    let key = client
        .create_key()
        .key_spec(aws_sdk_kms::types::KeySpec::EccNistP256)
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .send()
        .await
        .unwrap();
    let id = key.key_metadata.unwrap().key_id;
    contract::seal_signs_verifiably(Arc::new(zairyu_aws::KmsSeal::new(client, id))).await;
}

#[tokio::test]
async fn table_get_put_delete() {
    contract::table_get_put_delete(table().await).await;
}

#[tokio::test]
async fn table_conditional_writes_that_must_fail() {
    contract::table_conditional_writes_that_must_fail(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn table_concurrent_version_checked_updates() {
    contract::table_concurrent_version_checked_updates(table().await).await;
}

#[tokio::test]
async fn table_transactions_are_all_or_nothing() {
    contract::table_transactions_are_all_or_nothing(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn table_counter_under_concurrency() {
    contract::table_counter_under_concurrency(table().await).await;
}

#[tokio::test]
async fn table_query_paging() {
    contract::table_query_paging(table().await).await;
}

#[tokio::test]
async fn table_secondary_indexes() {
    contract::table_secondary_indexes(table().await).await;
}

#[tokio::test]
async fn table_query_projection() {
    contract::table_query_projection(table().await).await;
}

#[tokio::test]
async fn table_get_many() {
    contract::table_get_many(table().await).await;
}

/// A bucket on a client built at its first use, as a function's ports hold it.
async fn blobs() -> Arc<S3Blobs> {
    let config = config().await;
    let bucket = unique("zairyu-photos").to_ascii_lowercase();
    S3Blobs::create(&zairyu_aws::s3_client(&config), &bucket).await.unwrap();
    Arc::new(S3Blobs::on(zairyu_aws::s3::lazy_client(config), bucket, None))
}

#[tokio::test]
async fn blobs_put_get_delete() {
    contract::blobs_put_get_delete(blobs().await).await;
}

#[tokio::test]
async fn blobs_presigned_form() {
    // moto does not verify the policy's signature or conditions; what S3 is held to is in the policy itself,
    // checked here: every field is a condition word for word, with the bucket and the length range.
    let b = blobs().await;
    let form = b
        .presign_form("uploads/o/f.xlsx", "application/x", 5000, Duration::from_secs(60), "http://127.0.0.1:8080/x")
        .await
        .unwrap();
    let field = |name: &str| form.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
    use base64::Engine;
    let policy: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(field("policy")).unwrap()).unwrap();
    let conditions = policy["conditions"].as_array().unwrap();
    for (name, value) in form.fields.iter().filter(|(n, _)| n != "policy" && n != "x-amz-signature") {
        assert!(conditions.contains(&serde_json::json!({ name: value })), "{name} is a condition: {policy}");
    }
    assert!(conditions.contains(&serde_json::json!(["content-length-range", 1, 5000])), "{policy}");
    assert!(conditions.iter().any(|c| c.get("bucket").is_some()), "{policy}");
    assert_eq!(field("x-amz-server-side-encryption"), "aws:kms");
    assert_eq!(field("x-amz-algorithm"), "AWS4-HMAC-SHA256");
    assert_eq!(field("x-amz-signature").len(), 64);
    contract::blobs_presigned_form(b, false, |form, body| async move {
        let (ct, bytes) = contract::http::multipart(&form.fields, "file", "f.xlsx", &body);
        Ok(contract::http::request("POST", &form.url, &[("content-type".into(), ct)], &bytes).await)
    })
    .await;
}

#[tokio::test]
async fn blobs_presigned_upload() {
    // moto does not verify signatures: the length is held by S3 through the signed `Content-Length`,
    // which is checked here on the link itself. moto does hold `If-None-Match: *` (the link works once).
    let b = blobs().await;
    let link =
        b.presign_put("uploads/o/x.xlsx", "application/octet-stream", 1234, Duration::from_secs(60)).await.unwrap();
    let signed = link.url.split("X-Amz-SignedHeaders=").nth(1).unwrap().split('&').next().unwrap().replace("%3B", ";");
    assert!(
        signed.split(';').any(|h| h == "content-length") && signed.split(';').any(|h| h == "if-none-match"),
        "{signed}"
    );
    assert!(link.headers.contains(&("content-length".into(), "1234".into())), "{:?}", link.headers);
    assert!(link.headers.contains(&("if-none-match".into(), "*".into())), "{:?}", link.headers);
    contract::blobs_presigned_upload(b, false, |link, body| async move {
        let (status, resp) = http(&link.method, &link.url, &link.headers, &body).await;
        if status == 200 { Ok(()) } else { Err(format!("{status}: {}", String::from_utf8_lossy(&resp))) }
    })
    .await;
}

#[tokio::test]
async fn blobs_presigned_download() {
    let b = blobs().await;
    let url = b.presign_get("documents/o/a/d", "application/pdf", "a.pdf", Duration::from_secs(60)).await.unwrap();
    // The answer's type and name are signed into the link (S3 holds them; moto answers with them).
    assert!(url.contains("response-content-type=application%2Fpdf"), "{url}");
    assert!(url.contains("response-content-disposition=attachment"), "{url}");
    contract::blobs_presigned_download(
        b,
        |url| async move { Ok(contract::http::request("GET", &url, &[], &[]).await) },
    )
    .await;
}

async fn queue(max_receives: u32) -> Arc<dyn JobQueue> {
    let client = aws_sdk_sqs::Client::new(&config().await);
    let (url, dlq) = SqsQueue::create(&client, &unique("zairyu-notifications"), max_receives, 60).await.unwrap();
    Arc::new(SqsQueue::new(client, url, dlq))
}

#[tokio::test]
async fn queue_send_receive_ack() {
    contract::queue_send_receive_ack(queue(3).await).await;
}

/// The X-Ray trace of the sending invocation goes on with the job (`AWSTraceHeader`), so a trace runs from
/// the API through the queue into `notify`; without one the job carries none.
#[tokio::test]
async fn a_job_carries_the_trace_of_the_invocation_that_sent_it() {
    let client = aws_sdk_sqs::Client::new(&config().await);
    let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    let (url, dlq) = SqsQueue::create(&client, &unique("zairyu-traced"), 3, 60).await.unwrap();
    let queue = SqsQueue::new(client.clone(), url, dlq);
    queue.send_traced(r#"{"job":1}"#, Some(trace)).await.unwrap();
    assert_eq!(queue.trace_of_next().await.unwrap().as_deref(), Some(trace));

    let (url, dlq) = SqsQueue::create(&client, &unique("zairyu-untraced"), 3, 60).await.unwrap();
    let queue = SqsQueue::new(client, url, dlq);
    queue.send_traced(r#"{"job":2}"#, None).await.unwrap();
    assert_eq!(queue.trace_of_next().await.unwrap(), None);
}

#[tokio::test]
async fn queue_failed_jobs_are_retried_then_dead_lettered() {
    contract::queue_failed_jobs_are_retried_then_dead_lettered(queue(3).await, 3).await;
}

/// moto's record of the e-mails SES sent, from its internal API.
async fn moto_sent_mail() -> Vec<contract::SentMail> {
    let (status, body) = http("GET", &format!("{}/moto-api/data.json", moto_url()), &[], &[]).await;
    assert_eq!(status, 200);
    let data: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let mut out = Vec::new();
    let Some(ses) = data.get("ses").and_then(|s| s.as_object()) else {
        return out;
    };
    // { "ses": { "<kind>": [ { ... }, ... ] } }, as moto lays its models out.
    for records in ses.values().filter_map(|v| v.as_array()) {
        for r in records {
            let to = r
                .get("destinations")
                .and_then(|d| d.get("ToAddresses"))
                .and_then(|t| t.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let field = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            out.push(contract::SentMail { to, subject: field("subject"), text: field("body") });
        }
    }
    out
}

#[tokio::test]
async fn mailer_sends_through_ses() {
    let client = aws_sdk_sesv2::Client::new(&config().await);
    let domain = format!("{}.example.jp", unique("mail").to_ascii_lowercase());
    SesMailer::create_identity(&client, &domain).await.unwrap();
    let from = format!("no-reply@{domain}");
    contract::mailer_sends(Arc::new(SesMailer::new(client, &domain)), &from, moto_sent_mail).await;
}
