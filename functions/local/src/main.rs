//! `cargo run -p zairyu-local`: the whole system on this machine, on the embedded adapters.
//!
//! Serves every route of the API on `ZAIRYU_ADDR` (default `127.0.0.1:8080`), keeps all data in
//! `ZAIRYU_DATA_DIR` (default `.data`), runs the notification worker in-process (e-mails land as `.eml`
//! files in the outbox, listed at `/local/outbox`), and seeds a demo on first start. Ctrl-C stops it.

mod pause;
mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::routing::get;
use chrono::Timelike;
use zairyu_app::ports::{BlobStore, Clock};
use zairyu_app::{Notifications, Services, Wiring};
use zairyu_domain::jst::{JST, JstDate};
use zairyu_domain::schedule::ScheduledJob;
use zairyu_domain::values::EmailAddress;
use zairyu_embedded::{FolderBlobs, OutboxMailer, SqliteQueue, SqliteTable};
use zairyu_http::{AppState, Function, GeoPolicy, HttpConfig};
use zairyu_runtime::{Argon2Hasher, RandomIds, SystemClock};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Queue deliveries before a notification job is dead-lettered (as the SQS redrive policy).
const MAX_ATTEMPTS: u32 = zairyu_app::ports::NOTIFICATION_ATTEMPTS;

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_owned())
}

/// A secret kept in the data folder, made on first start (signs local upload links).
fn secret(dir: &std::path::Path, ids: &RandomIds) -> Result<Vec<u8>, Error> {
    use zairyu_app::ports::Ids;
    let path = dir.join("secret");
    if let Ok(s) = std::fs::read(&path) {
        return Ok(s);
    }
    let s = ids.token().into_bytes();
    std::fs::write(&path, &s)?;
    Ok(s)
}

/// The local stand-in for S3's presigned PUT: checks the signed link before reading anything (a link whose
/// object is stored is turned away, as S3 does with `If-None-Match: *`); reads no more than the length the
/// link was made for, and refuses a body of another length, as S3 does with the signed `Content-Length`
/// (nothing is stored, the upload still waits for its file); stores the file, the upload takes it
/// ("processing"), and it goes through the same processing the batch-upload function runs on S3's event.
/// Stopped at any point, the upload is finished by the sweep when the server starts again.
async fn local_upload(
    blanket: &zairyu_app::Blanket,
    blobs: &FolderBlobs<SystemClock>,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use zairyu_embedded::UploadError;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let link = match blobs.check_upload(path, content_type) {
        Ok(link) => link,
        Err(UploadError::Used) => return upload_used(),
        Err(e) => {
            let problem = zairyu_http::Problem::new(
                StatusCode::FORBIDDEN,
                "upload-refused",
                "Upload refused",
                "upload.link",
                e.to_string(),
                "アップロードのリンクが無効です。".into(),
            );
            return problem.into_response();
        }
    };
    let wrong_length = || {
        zairyu_http::Problem::new(
            StatusCode::BAD_REQUEST,
            "upload-length",
            "Not the file the link was made for",
            "upload.length",
            format!("the link takes a file of exactly {} bytes; start a new upload for another file", link.length),
            format!("このリンクには{}バイトのファイルのみアップロードできます。別のファイルは新しくアップロードしてください。", link.length),
        )
        .into_response()
    };
    let limit = usize::try_from(link.length).unwrap_or(usize::MAX);
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) if bytes.len() == limit => bytes.to_vec(),
        _ => return wrong_length(),
    };
    match store_file(blanket, blobs, &link.key, bytes, content_type).await {
        Ok(Some(done)) => Json(done).into_response(),
        Ok(None) => StatusCode::OK.into_response(),
        Err(refused) => refused,
    }
}

/// What S3 and the batch-upload function do with a file that arrived, as the local server does it: a file of
/// a blanket upload is stored, taken by its upload ("processing") and processed (`Some` of the upload as it
/// ended); any other object just stored (`None`). The refusal as the answer to give.
async fn store_file(
    blanket: &zairyu_app::Blanket,
    blobs: &FolderBlobs<SystemClock>,
    key: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> Result<Option<zairyu_domain::blanket::BlanketUpload>, axum::response::Response> {
    use axum::response::IntoResponse;
    let stored =
        |e: zairyu_app::ports::BlobError| zairyu_http::Problem::from(zairyu_app::ServiceError::from(e)).into_response();
    let Some((org, upload)) = zairyu_app::services::blanket::parse_upload_key(key) else {
        return blobs.put(key, bytes, content_type).await.map(|()| None).map_err(stored);
    };
    match blanket.takes_file(&org, &upload).await {
        Ok(true) => {}
        Ok(false) => return Err(upload_used()),
        Err(e) => return Err(zairyu_http::Problem::from(e).into_response()),
    }
    // Stored before the upload takes it: whatever stops the server after this, the sweep finds the file.
    blobs.put(key, bytes.clone(), content_type).await.map_err(stored)?;
    match blanket.receive_file(&org, &upload).await {
        Ok(true) => {}
        Ok(false) => return Err(upload_used()),
        Err(e) => return Err(zairyu_http::Problem::from(e).into_response()),
    }
    zairyu_blanket::process(blanket, &org, &upload, &bytes)
        .await
        .map(Some)
        .map_err(|e| zairyu_http::Problem::from(e).into_response())
}

/// The local stand-in for S3's POST of a presigned form: the fields before the file are checked as the form
/// signed them (nothing of the file is read before); the file, the last part, is read up to the form's limit
/// and refused past it or empty, as S3 holds a POST policy's length range; then it goes where a PUT's file
/// goes (`store_file`), and the browser is sent on to the form's redirect (303).
async fn local_form(
    blanket: &zairyu_app::Blanket,
    uploads: &FolderBlobs<SystemClock>,
    photos: &FolderBlobs<SystemClock>,
    mut parts: axum::extract::Multipart,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use zairyu_app::ports::PresignedForm;
    use zairyu_embedded::UploadError;
    let refused = |status: StatusCode, kind: &'static str, en: String, ja: &str| {
        zairyu_http::Problem::new(status, kind, "Upload refused", "upload.form", en, ja.to_owned()).into_response()
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    loop {
        let mut part = match parts.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "upload-form",
                    "the form has no file".into(),
                    "ファイルがありません。",
                );
            }
            Err(e) => {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "upload-form",
                    e.body_text(),
                    "フォームを読み取れませんでした。",
                );
            }
        };
        let name = part.name().unwrap_or_default().to_owned();
        if name != PresignedForm::FILE_FIELD {
            // A form has a handful of short fields; anything else is not one of ours.
            if fields.len() >= 32 {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "upload-form",
                    "too many fields".into(),
                    "フォームの項目が多すぎます。",
                );
            }
            match part.text().await {
                Ok(text) if text.len() <= 4096 => fields.push((name, text)),
                _ => {
                    return refused(
                        StatusCode::BAD_REQUEST,
                        "upload-form",
                        format!("field {name:?} unreadable"),
                        "フォームを読み取れませんでした。",
                    );
                }
            }
            continue;
        }
        // Documents of proof go beside the photos (in AWS, the photos bucket); blanket files to the uploads.
        let is_document =
            fields.iter().any(|(n, v)| n == "key" && v.starts_with(zairyu_app::services::documents::DOCUMENTS_PREFIX));
        let blobs = if is_document { photos } else { uploads };
        let checked = match blobs.check_form(&fields) {
            Ok(checked) => checked,
            Err(UploadError::Used) => return upload_used(),
            Err(e) => {
                return refused(
                    StatusCode::FORBIDDEN,
                    "upload-refused",
                    e.to_string(),
                    "アップロードのフォームが無効です。",
                );
            }
        };
        let limit = usize::try_from(checked.max_length).unwrap_or(usize::MAX);
        let mut bytes = Vec::new();
        loop {
            match part.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() <= limit => bytes.extend_from_slice(&chunk),
                Ok(Some(_)) => {
                    return refused(
                        StatusCode::BAD_REQUEST,
                        "upload-length",
                        format!("the file is over {limit} bytes"),
                        "ファイルが大きすぎます。",
                    );
                }
                Ok(None) => break,
                Err(e) => {
                    return refused(
                        StatusCode::BAD_REQUEST,
                        "upload-form",
                        e.body_text(),
                        "ファイルを読み取れませんでした。",
                    );
                }
            }
        }
        if bytes.is_empty() {
            return refused(StatusCode::BAD_REQUEST, "upload-length", "the file is empty".into(), "ファイルが空です。");
        }
        return match store_file(blanket, blobs, &checked.key, bytes, &checked.content_type).await {
            Ok(_) => axum::response::Redirect::to(&checked.redirect).into_response(),
            Err(refusal) => refusal,
        };
    }
}

/// The local stand-in for S3's presigned GET: the link checked (signature, expiry), then the object answered
/// with the type and the attachment name the link was made for.
async fn local_download(photos: &FolderBlobs<SystemClock>, uri: &axum::http::Uri) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let checked = match photos.check_download(path) {
        Ok(checked) => checked,
        Err(e) => {
            return zairyu_http::Problem::new(
                StatusCode::FORBIDDEN,
                "download-refused",
                "Download refused",
                "download.link",
                e.to_string(),
                "ダウンロードのリンクが無効か、期限が切れています。".into(),
            )
            .into_response();
        }
    };
    match photos.get(&checked.key).await {
        Ok(Some(bytes)) => {
            let mut res = bytes.into_response();
            for (name, value) in
                [(header::CONTENT_TYPE, checked.content_type), (header::CONTENT_DISPOSITION, checked.disposition)]
            {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    res.headers_mut().insert(name, v);
                }
            }
            res
        }
        Ok(None) => zairyu_http::Problem::not_found().into_response(),
        Err(e) => zairyu_http::Problem::from(zairyu_app::ServiceError::from(e)).into_response(),
    }
}

/// 409: the upload already has its file.
fn upload_used() -> axum::response::Response {
    use axum::response::IntoResponse;
    zairyu_http::Problem::new(
        axum::http::StatusCode::CONFLICT,
        "upload-used",
        "Upload link already used",
        "upload.used",
        "this upload already has its file; start a new upload for another file".into(),
        "このアップロードには既にファイルが登録されています。別のファイルは新しくアップロードしてください。".into(),
    )
    .into_response()
}

/// Runs one daily job on demand (`POST /local/jobs/official_receipt_numbers`), local server only.
async fn run_job_now(daily: &zairyu_app::DailyJobs, job: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some(job) = ScheduledJob::parse(job) else {
        return zairyu_http::Problem::not_found().into_response();
    };
    match daily.run_scheduled(job).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => zairyu_http::Problem::from(e).into_response(),
    }
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Every port on the embedded adapters, all in `data`; the outbox mailer; the uploads folder (which takes the
/// local upload links) and the photos folder (which takes documents of proof and gives their download links).
type Embedded = (Wiring, OutboxMailer<SystemClock, Arc<RandomIds>>, FolderBlobs<SystemClock>, FolderBlobs<SystemClock>);

fn embedded(data: &std::path::Path, public_url: &str) -> Result<Embedded, Error> {
    let ids = Arc::new(RandomIds::<SystemClock>::default());
    let table = SqliteTable::open(&data.join("zairyu.db"))?;
    let queue =
        SqliteQueue::open(&data.join("queue.db"), "notifications", MAX_ATTEMPTS, Duration::from_secs(60), SystemClock)?;
    let key = secret(data, &ids)?;
    let blobs = FolderBlobs::new(&data.join("blobs/photos"), public_url, &key, SystemClock)?;
    let uploads = FolderBlobs::new(&data.join("blobs/uploads"), public_url, &key, SystemClock)?;
    let templates = FolderBlobs::new(&data.join("blobs/templates"), public_url, &key, SystemClock)?;
    let mailer = OutboxMailer::new(&data.join("outbox"), SystemClock, Arc::clone(&ids))?;
    let ports = Wiring {
        table: pause::PauseAtRow::wrap(Arc::new(table), data),
        photos: Arc::new(blobs.clone()) as Arc<dyn BlobStore>,
        uploads: Arc::new(uploads.clone()),
        templates: Arc::new(templates),
        queue: Arc::new(queue),
        clock: Arc::new(SystemClock),
        ids,
        hasher: Arc::new(Argon2Hasher::new()?),
        public_url: public_url.to_owned(),
    };
    Ok((ports, mailer, uploads, blobs))
}

/// `zairyu-local create-officer --user-id ADMIN01 --name "…" --email … --office tokyo --roles admin`:
/// creates an officer (the first admin, say) in the local data folder, or in AWS with `--aws` (the
/// DynamoDB table and queue named by the environment, as the functions read it), and prints the one-time
/// link that sets its password.
async fn create_officer(args: &[String]) -> Result<(), Error> {
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let need = |flag: &str| value(flag).ok_or_else(|| format!("create-officer needs {flag}"));
    let office = zairyu_domain::office::Office::parse(&need("--office")?)?;
    let roles = need("--roles")?
        .split(',')
        .map(zairyu_domain::status::OfficerRole::parse)
        .collect::<Option<Vec<_>>>()
        .ok_or("--roles takes a comma-separated list of counter, examiner, issuance, admin")?;
    let public_url = setting("ZAIRYU_PUBLIC_URL", "http://127.0.0.1:8080");
    // The counter alone: in AWS only its own clients are built.
    let counter = if args.iter().any(|a| a == "--aws") {
        zairyu_app::ServiceSource::counter(&zairyu_aws::AwsPorts::with_config(zairyu_aws::profile_config().await))?
    } else {
        let data = PathBuf::from(setting("ZAIRYU_DATA_DIR", ".data"));
        std::fs::create_dir_all(&data)?;
        Services::new(embedded(&data, &public_url)?.0).counter
    };
    let link = counter
        .create_officer("create-officer", &need("--user-id")?, &need("--name")?, &need("--email")?, office, roles)
        .await?;
    println!("officer created; set its password within 24 hours (POST /api/password-reset with this token):\n{link}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("create-officer") {
        return create_officer(&args[2..]).await;
    }
    let addr: SocketAddr = setting("ZAIRYU_ADDR", "127.0.0.1:8080").parse()?;
    let data = PathBuf::from(setting("ZAIRYU_DATA_DIR", ".data"));
    std::fs::create_dir_all(&data)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let public_url = setting("ZAIRYU_PUBLIC_URL", &format!("http://{addr}"));

    let (ports, mailer, blobs, photos) = embedded(&data, &public_url)?;
    let queue = Arc::clone(&ports.queue);
    let mut services = Services::new(ports.clone());
    // Only for a load bench on this machine (scripts/bench-http.sh): one address and one user ID would hit
    // the flood limits at once.
    if setting("ZAIRYU_FLOOD_LIMITS", "on") == "off" {
        eprintln!("flood limits are off (ZAIRYU_FLOOD_LIMITS=off): for a load bench only");
        services.accounts = services.accounts.without_flood_limits();
    }

    // The key electronic certificates are signed with: made in the data folder at the first start.
    let seal = Arc::new(zairyu_embedded::LocalSeal::open(&data.join("seal.p8"))?);
    let sealing = zairyu_app::services::certificates::Sealing::new(services.core.clone(), seal, public_url.clone());
    let seeded = seed::demo(&ports, &services.core, &sealing, &data, &public_url).await?;
    println!("zairyu local server: http://{addr}  (data in {})", data.display());
    println!("{seeded}");
    // Uploads the last run left unfinished (stopped during a registration): finished before serving.
    let resumed = zairyu_blanket::sweep(&services.blanket, Duration::ZERO).await?;
    if resumed.completed > 0 {
        println!("finished {} blanket registration(s) the last run left unfinished", resumed.completed);
    }

    // The help desk's contact: on every page and in every e-mail.
    let help_desk_contact = setting("ZAIRYU_HELP_DESK", zairyu_http::DEFAULT_HELP_DESK);
    let mut config = HttpConfig::new(false, GeoPolicy::Off)?;
    config.public_url = public_url.trim_end_matches('/').to_owned();
    config.help_desk = help_desk_contact.clone();
    let state = AppState::full(&services, config);
    let outbox = mailer.clone();
    let jobs = services.daily.clone();
    let upload_blanket = services.blanket.clone();
    let (form_blanket, form_blobs, form_photos) = (services.blanket.clone(), blobs.clone(), photos.clone());
    let app = zairyu_http::router(state, &Function::ALL)
        .route(
            "/local-upload/{*key}",
            axum::routing::put(move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Body| {
                let (blanket, blobs) = (upload_blanket.clone(), blobs.clone());
                async move { local_upload(&blanket, &blobs, &uri, &headers, body).await }
            }),
        )
        .route(
            zairyu_embedded::blobs::FORM_ROUTE,
            axum::routing::post(move |parts: axum::extract::Multipart| {
                let (blanket, blobs, photos) = (form_blanket.clone(), form_blobs.clone(), form_photos.clone());
                async move { local_form(&blanket, &blobs, &photos, parts).await }
            })
            // A file of the forms' largest size (a document of 25 MB) and its fields (axum's default body limit
            // is 2 MB).
            .layer(axum::extract::DefaultBodyLimit::max(
                usize::try_from(zairyu_domain::document::MAX_TOTAL_BYTES).unwrap_or(usize::MAX) + 64 * 1024,
            )),
        )
        .route(
            "/local-download/{*key}",
            get(move |uri: axum::http::Uri| {
                let photos = photos.clone();
                async move { local_download(&photos, &uri).await }
            }),
        )
        .route(
            "/local/jobs/{job}",
            axum::routing::post(move |axum::extract::Path(job): axum::extract::Path<String>| {
                let daily = jobs.clone();
                async move { run_job_now(&daily, &job).await }
            }),
        )
        .route(
            "/local/outbox",
            get(move || {
                let outbox = outbox.clone();
                async move {
                    let messages = outbox.messages().unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "the mail outbox could not be read");
                        Vec::new()
                    });
                    let list: Vec<_> = messages
                        .into_iter()
                        .map(
                            |m| serde_json::json!({ "to": m.to, "subject": m.subject, "text": m.text, "file": m.file }),
                        )
                        .collect();
                    Json(list)
                }
            }),
        )
        // Nothing stands in front of the local server: the address a client is counted by (the log-in limits,
        // the audit trail) is the socket's peer, never an `X-Forwarded-For` the client wrote itself.
        .layer(axum::middleware::map_request(|mut req: axum::extract::Request| async move {
            req.headers_mut().remove("x-forwarded-for");
            req
        }));

    // The notification worker: the outbox of jobs to the queue, the queue to the mail outbox.
    let core = services.core.clone();
    let from = EmailAddress::parse(&setting("ZAIRYU_SENDER", "no-reply@oras.localhost.example"))?;
    // Electronic certificates are sealed with the local key, into the documents' folder, before their e-mail.
    let notifications = Notifications::new(core.clone(), Arc::new(mailer), from, help_desk_contact)
        .with_sealing(sealing.clone(), Arc::clone(&ports.photos));
    let sweeps = services.daily.clone();
    let uploads = services.blanket.clone();
    let worker = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        for n in 0u64.. {
            tick.tick().await;
            // The outbox sweep every 10 s, as the AWS `outbox` function's schedule does every minute.
            if n % 20 == 0 {
                if let Err(e) = sweeps.sweep_outbox().await {
                    tracing::warn!(error = %e.log_chain(), "job outbox sweep failed");
                }
                if let Err(e) = sweeps.sweep_photos().await {
                    tracing::warn!(error = %e.log_chain(), "photo sweep failed");
                }
                // Uploads a request left unfinished (long past any registration still running), and
                // uploads whose link expired with no file.
                if let Err(e) = zairyu_blanket::sweep(&uploads, Duration::from_secs(120)).await {
                    tracing::warn!(error = %e.log_chain(), "upload sweep failed");
                }
            }
            if let Err(e) = notifications.deliver(queue.as_ref(), 10).await {
                tracing::warn!(error = %e.log_chain(), "notification delivery failed");
            }
        }
    });

    // The daily jobs: each runs once a day (JST) from its hour on, as the EventBridge schedules do.
    let daily = services.daily.clone();
    let runs = services.core.clone();
    let scheduler = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let now = SystemClock.now();
            let today = JstDate::of_instant(now);
            let hour = now.with_timezone(&JST).hour();
            for job in ScheduledJob::ALL {
                let done = runs.store().job_runs().last(job).await.ok().flatten() == Some(today);
                if !done
                    && hour >= job.hour_jst()
                    && let Err(e) = daily.run_scheduled(job).await
                {
                    tracing::warn!(job = %job, error = %e.log_chain(), "scheduled job failed");
                }
            }
        }
    });

    let started = SystemClock.now();
    serve(listener, app, header_read_timeout()?).await;
    worker.abort();
    scheduler.abort();
    println!("zairyu local server stopped after {} s", (SystemClock.now() - started).num_seconds());
    Ok(())
}

/// How long a client may take to send a request's headers (`ZAIRYU_HEADER_READ_TIMEOUT_MS`, 10 s): a
/// connection that sends half a request and waits is closed, not kept open.
fn header_read_timeout() -> Result<Duration, std::num::ParseIntError> {
    let ms: u64 = setting("ZAIRYU_HEADER_READ_TIMEOUT_MS", "10000").parse()?;
    Ok(Duration::from_millis(ms))
}

/// Serves HTTP/1.1 on `listener` until interrupted: each connection with the header-read timeout, the
/// peer's address for the handlers (`ConnectInfo`), and every open connection finished gracefully on the
/// way out.
async fn serve(listener: tokio::net::TcpListener, app: axum::Router, header_timeout: Duration) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(shutdown());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "a connection could not be accepted");
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service =
            tower::ServiceExt::map_request(app.clone(), move |req: axum::http::Request<hyper::body::Incoming>| {
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                req
            });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            // Room for the router to refuse too many headers itself, as a problem or a page.
            .max_headers(4 * zairyu_http::limits::HEADER_COUNT)
            .serve_connection(TokioIo::new(stream), hyper_util::service::TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a connection ended with an error");
            }
        });
    }
    // Requests under way are answered; nothing new is taken.
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("connections still open at shutdown were closed"),
    }
}
