//! End to end over a real socket: the local server binary started on a free port with its own data
//! folder; log in → enter an application → attach the photo → submit → list; the e-mails in the outbox;
//! a clean stop on SIGINT, and the data still there after a restart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use zairyu_contract::http::{Response, request};

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data: &std::path::Path) -> Self {
        Self::start_with(data, &[])
    }

    fn start_with(data: &std::path::Path, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zairyu-local"))
            .envs(env.iter().copied())
            .env("ZAIRYU_ADDR", "127.0.0.1:0")
            .env("ZAIRYU_DATA_DIR", data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, url }
    }

    fn interrupt(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.child.kill().unwrap();
        panic!("the server did not stop on SIGINT");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn password(data: &std::path::Path, user: &str) -> String {
    let creds = std::fs::read_to_string(data.join("demo-credentials.txt")).unwrap();
    let line = creds.lines().find(|l| l.contains(user)).unwrap();
    line.split_whitespace().skip_while(|w| *w != "password").nth(1).unwrap().to_owned()
}

struct Session {
    url: String,
    cookie: String,
    csrf: String,
}

impl Session {
    async fn call(&self, method: &str, path: &str, ct: Option<&str>, body: &[u8]) -> Response {
        let mut headers =
            vec![("cookie".to_owned(), self.cookie.clone()), ("x-csrf-token".to_owned(), self.csrf.clone())];
        if let Some(ct) = ct {
            headers.push(("content-type".to_owned(), ct.to_owned()));
        }
        request(method, &format!("{}{path}", self.url), &headers, body).await
    }

    async fn json(&self, method: &str, path: &str, body: Value) -> Response {
        self.call(method, path, Some("application/json"), body.to_string().as_bytes()).await
    }
}

async fn login(url: &str, user: &str, password: &str) -> Session {
    let body = json!({ "user_id": user, "password": password }).to_string();
    let r = request(
        "POST",
        &format!("{url}/api/login"),
        &[("content-type".into(), "application/json".into())],
        body.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let cookie = r.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    Session { url: url.to_owned(), cookie, csrf: r.json()["csrf_token"].as_str().unwrap().to_owned() }
}

/// A PUT that announces the whole file and sends half of it before the connection is closed.
async fn truncated_put(url: &str, headers: &[(String, String)], file: &[u8]) {
    use tokio::io::AsyncWriteExt;
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut head = format!("PUT /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n", file.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&file[..file.len() / 2]).await.unwrap();
    stream.shutdown().await.unwrap();
    drop(stream);
    // The server gives up on the body; give it a moment before looking.
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// The headers an upload link asks for.
fn link_headers(link: &Value) -> Vec<(String, String)> {
    link["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap().to_owned(), h[1].as_str().unwrap().to_owned()))
        .collect()
}

fn jpeg() -> Vec<u8> {
    zairyu_domain::fixtures::jpeg(240, 320, 0)
}

#[tokio::test]
async fn a_user_files_an_application_through_the_local_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let s = login(&url, "TANAKA01", &password(dir.path(), "TANAKA01")).await;

    // The list of affiliated foreign nationals, with who can file today.
    let people = s.call("GET", "/api/foreign-nationals", None, b"").await.json();
    let items = people["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    let nguyen = items.iter().find(|p| p["name"] == "NGUYEN,VAN,AN").unwrap();

    let mut input = serde_json::to_value(zairyu_domain::fixtures::application_input()).unwrap();
    input["expiry_date"] = nguyen["expiry_date"].clone();
    let created = s.json("POST", "/api/applications", input).await;
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let photo = s.call("PUT", &format!("/api/applications/{id}/photo"), Some("image/jpeg"), &jpeg()).await;
    assert_eq!(photo.status, 200, "{}", String::from_utf8_lossy(&photo.body));
    let filed = s.call("POST", &format!("/api/applications/{id}/submit"), None, b"").await;
    assert_eq!(filed.status, 200, "{}", String::from_utf8_lossy(&filed.body));
    let number = filed.json()["temporary_receipt_number"].as_str().unwrap().to_owned();

    let list = s.call("GET", "/api/applications", None, b"").await.json();
    assert_eq!(list["items"][0]["status"]["code"], "application_completed");
    assert_eq!(list["items"][0]["temporary_receipt_number"], number.as_str());

    // The worker sends the e-mails: the receipt to the user, the number to the user and the applicant.
    let mut mails = Value::Null;
    for _ in 0..50 {
        mails = request("GET", &format!("{url}/local/outbox"), &[], b"").await.json();
        if mails.as_array().is_some_and(|m| m.len() >= 3) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mails = mails.as_array().unwrap();
    let numbered: Vec<_> = mails.iter().filter(|m| m["text"].as_str().unwrap().contains(&number)).collect();
    assert_eq!(numbered.len(), 2, "{mails:?}");
    assert!(
        numbered
            .iter()
            .any(|m| m["to"][0] == "an.nguyen@example.com" && m["subject"] == "Temporary application receipt number"),
        "{numbered:?}"
    );

    // A daily job on demand: the receipt numbers of today's applications come tomorrow, so none today.
    let run = request("POST", &format!("{url}/local/jobs/official_receipt_numbers"), &[], b"").await;
    assert_eq!(run.status, 200, "{}", String::from_utf8_lossy(&run.body));
    assert_eq!(run.json()["acted"], 0);
    assert_eq!(request("POST", &format!("{url}/local/jobs/feed_the_cat"), &[], b"").await.status, 404);

    // Ctrl-C stops it cleanly; the data survives a restart.
    assert!(server.interrupt().success());
    let again = Server::start(dir.path());
    let s = login(&again.url, "TANAKA01", &password(dir.path(), "TANAKA01")).await;
    let list = s.call("GET", "/api/applications", None, b"").await.json();
    assert_eq!(list["items"][0]["temporary_receipt_number"], number.as_str());
    assert!(again.interrupt().success());
}

#[tokio::test]
async fn the_first_admin_is_made_by_a_command_and_sets_its_own_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zairyu-local"))
        .args([
            "create-officer",
            "--user-id",
            "ADMIN01",
            "--name",
            "First Admin",
            "--email",
            "admin@tokyo.immi.example.jp",
        ])
        .args(["--office", "tokyo", "--roles", "admin"])
        .env("ZAIRYU_DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let token = text.split("token=").nth(1).unwrap().trim().to_owned();
    let bad = Command::new(env!("CARGO_BIN_EXE_zairyu-local"))
        .args(["create-officer", "--user-id", "ADMIN02", "--office", "tokyo", "--roles", "wizard"])
        .env("ZAIRYU_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());

    let server = Server::start(dir.path());
    let body = json!({ "token": token, "password": "Kasumi#2026z" }).to_string();
    let r = request(
        "POST",
        &format!("{}/api/password-reset", server.url),
        &[("content-type".into(), "application/json".into())],
        body.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    let admin = login(&server.url, "ADMIN01", "Kasumi#2026z").await;
    let queue = admin.call("GET", "/api/office/applications?status=application_completed", None, b"").await;
    assert_eq!(queue.status, 200, "{}", String::from_utf8_lossy(&queue.body));
    assert!(server.interrupt().success());
}

#[tokio::test]
async fn a_blanket_file_goes_up_by_its_link_and_registers() {
    use zairyu_blanket::columns::input_cells;
    use zairyu_domain::status_of_residence::ScreenGroup;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let s = login(&server.url, "TANAKA01", &password(dir.path(), "TANAKA01")).await;

    let template = s.call("GET", "/api/blanket/template?screen_group=work", None, b"").await;
    assert_eq!(template.status, 200);
    assert!(template.body.starts_with(b"PK"));
    assert!(zairyu_blanket::read(&template.body).is_err(), "an empty template has no applicants");

    let people = s.call("GET", "/api/foreign-nationals", None, b"").await.json();
    let nguyen = people["items"].as_array().unwrap().iter().find(|p| p["name"] == "NGUYEN,VAN,AN").unwrap().clone();
    let mut input = zairyu_domain::fixtures::application_input();
    input.expiry_date = nguyen["expiry_date"].as_str().unwrap().replace('-', "");
    let file = zairyu_blanket::template::workbook(ScreenGroup::Work, &[input_cells(&input)]).unwrap();

    let refused = s.call("POST", "/api/blanket/uploads", None, b"").await;
    assert_eq!(refused.status, 415, "the file's name and size are asked for");
    let body = json!({ "file_name": "C:\\fakepath\\社員一覧.xlsx", "size": file.len() });
    let started = s.json("POST", "/api/blanket/uploads", body).await;
    assert_eq!(started.status, 201, "{}", String::from_utf8_lossy(&started.body));
    let started = started.json();
    let id = started["upload_id"].as_str().unwrap().to_owned();
    let link = &started["upload"];
    let headers = link_headers(link);
    // Not the file announced (another length): refused, nothing stored, the link still takes the right one.
    let longer = [file.clone(), b"x".to_vec()].concat();
    let put = request("PUT", link["url"].as_str().unwrap(), &headers, &longer).await;
    assert_eq!(put.status, 400, "{}", String::from_utf8_lossy(&put.body));
    assert_eq!(put.json()["rule"], "upload.length");
    let status = s.call("GET", &format!("/api/blanket/uploads/{id}"), None, b"").await.json();
    assert_eq!(status["upload"]["state"], "awaiting_file");
    // A shorter file than announced (another file chosen meanwhile): refused the same way.
    let put = request("PUT", link["url"].as_str().unwrap(), &headers, &file[..file.len() - 1]).await;
    assert_eq!(put.status, 400, "{}", String::from_utf8_lossy(&put.body));
    // A transfer cut off halfway (the connection dropped after half the announced bytes): nothing stored.
    truncated_put(link["url"].as_str().unwrap(), &headers, &file).await;
    let status = s.call("GET", &format!("/api/blanket/uploads/{id}"), None, b"").await.json();
    assert_eq!(status["upload"]["state"], "awaiting_file", "{status}");
    let put = request("PUT", link["url"].as_str().unwrap(), &headers, &file).await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));

    let status = s.call("GET", &format!("/api/blanket/uploads/{id}"), None, b"").await.json();
    assert_eq!(status["upload"]["state"], "registered");
    assert_eq!(status["upload"]["rows_registered"], 1);
    assert_eq!(status["upload"]["file_name"], "社員一覧.xlsx", "the last part of the path the browser sent");
    let csv = s.call("GET", &format!("/api/blanket/uploads/{id}/errors.csv"), None, b"").await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let list = s.call("GET", "/api/applications", None, b"").await.json();
    let app_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list["items"][0]["status"]["code"], "input_completed");
    // Tampering with the link is refused.
    let forged = link["url"].as_str().unwrap().replace("signature=", "signature=0");
    assert_eq!(request("PUT", &forged, &headers, &file).await.status, 403);
    // The link works once: a second PUT is turned away and the file registered stays as it was.
    let again = request("PUT", link["url"].as_str().unwrap(), &headers, &vec![b'x'; file.len()]).await;
    assert_eq!(again.status, 409, "{}", String::from_utf8_lossy(&again.body));
    assert_eq!(again.json()["type"], "urn:zairyu:problem:upload-used");
    let status = s.call("GET", &format!("/api/blanket/uploads/{id}"), None, b"").await.json();
    assert_eq!(status["upload"]["state"], "registered");

    // A file over the limit: no link, a problem in both languages, and the upload ends refused at once.
    let body = json!({ "file_name": "大きい.xlsx", "size": zairyu_blanket::reader::MAX_FILE_BYTES + 1 });
    let put = s.json("POST", "/api/blanket/uploads", body).await;
    assert_eq!(put.status, 413, "{}", String::from_utf8_lossy(&put.body));
    let problem = put.json();
    assert_eq!(problem["rule"], "blanket.too_large");
    assert!(problem["detail_ja"].as_str().unwrap().contains("5MB"), "{problem}");
    let uploads = s.call("GET", "/api/blanket/uploads", None, b"").await.json();
    let big = uploads["items"].as_array().unwrap().iter().find(|u| u["file_name"] == "大きい.xlsx").unwrap();
    assert_eq!(big["state"], "refused", "{big}");
    assert_eq!(big["refusal"], "blanket.too_large");

    // Submitting in bulk: each its own result.
    let body = json!({ "application_ids": [app_id, "no-such-application"] });
    let r = s.json("POST", "/api/applications/submit-bulk", body).await.json();
    assert_eq!(r["results"][0]["ok"], false, "no photo yet: {r}");
    assert_eq!(r["results"][0]["problem"]["rule"], "application.photo_missing");
    assert_eq!(r["results"][1]["problem"]["status"], 404);
    assert!(server.interrupt().success());
}

/// #14 item 3: the server killed in the middle of a 300-row registration (SIGKILL: no clean-up of any
/// kind), then started again, finishes it: 300 applications, the upload registered, one e-mail.
#[tokio::test]
async fn a_blanket_registration_killed_halfway_is_finished_when_the_server_starts_again() {
    use zairyu_blanket::columns::input_cells;
    use zairyu_domain::status_of_residence::ScreenGroup;
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_with(dir.path(), &[("ZAIRYU_PAUSE_AT_BLANKET_ROW", "151")]);
    let s = login(&server.url, "TANAKA01", &password(dir.path(), "TANAKA01")).await;
    let officer = login(&server.url, "OFFICER01", &password(dir.path(), "OFFICER01")).await;
    let people = s.call("GET", "/api/foreign-nationals", None, b"").await.json();
    let nguyen = people["items"].as_array().unwrap().iter().find(|p| p["name"] == "NGUYEN,VAN,AN").unwrap().clone();
    let org = "sakura-systems";

    // 300 foreign nationals on the organization's list, as the counter puts them there (Q80).
    let mut rows = Vec::new();
    for i in 0..300 {
        let card = format!("KL{i:08}KT");
        let person = json!({
            "residence_card_number": card, "name": "NGUYEN,VAN,AN", "nationality": "Viet Nam",
            "birth_date": "19950412", "sex": "男", "status_of_residence": "技術・人文知識・国際業務",
            "period_of_stay": "1Y", "expiry_date": nguyen["expiry_date"], "passport_number": "C1234567",
            "passport_expiry": "20300101", "email": "an.nguyen@example.com", "kanji_name_on_card": false
        });
        let r = officer.json("PUT", &format!("/api/office/organizations/{org}/foreign-nationals/{card}"), person).await;
        assert!(r.status == 200 || r.status == 201, "{}", String::from_utf8_lossy(&r.body));
        let mut input = zairyu_domain::fixtures::application_input();
        input.expiry_date = nguyen["expiry_date"].as_str().unwrap().replace('-', "");
        input.residence_card_number = card;
        rows.push(input_cells(&input));
    }
    let file = zairyu_blanket::template::workbook(ScreenGroup::Work, &rows).unwrap();

    let body = json!({ "file_name": "社員一覧.xlsx", "size": file.len() });
    let started = s.json("POST", "/api/blanket/uploads", body).await.json();
    let id = started["upload_id"].as_str().unwrap().to_owned();
    let link = started["upload"].clone();
    let headers = link_headers(&link);
    let url = link["url"].as_str().unwrap().to_owned();
    let put = tokio::spawn(async move { request("PUT", &url, &headers, &file).await });
    // Halfway: the transaction with row 151 about to be written, the rows before it stored. Killed there.
    for _ in 0..600 {
        if dir.path().join("paused").exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(dir.path().join("paused").exists(), "the registration never reached row 151");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    put.abort();

    let server = Server::start(dir.path());
    let s = login(&server.url, "TANAKA01", &password(dir.path(), "TANAKA01")).await;
    let status = s.call("GET", &format!("/api/blanket/uploads/{id}"), None, b"").await.json();
    assert_eq!(status["upload"]["state"], "registered", "{status}");
    assert_eq!(
        (status["upload"]["rows_registered"].as_u64(), status["upload"]["rows_failed"].as_u64()),
        (Some(300), Some(0))
    );
    let mut cards = std::collections::BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/applications?limit=100&cursor={c}"),
            None => "/api/applications?limit=100".to_owned(),
        };
        let page = s.call("GET", &path, None, b"").await.json();
        for item in page["items"].as_array().unwrap() {
            let card = item["residence_card_number"].as_str().unwrap_or_default().to_owned();
            if card.starts_with("KL") {
                assert!(cards.insert(card), "one application per person");
            }
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(cards.len(), 300);

    // One e-mail about the upload, however long the worker runs.
    let blanket_mails = || async {
        let mails = request("GET", &format!("{}/local/outbox", server.url), &[], b"").await.json();
        let about = |m: &&serde_json::Value| m["text"].as_str().unwrap_or_default().contains("「社員一覧.xlsx」");
        mails.as_array().unwrap().iter().filter(about).count()
    };
    for _ in 0..50 {
        if blanket_mails().await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(blanket_mails().await, 1);
    assert!(server.interrupt().success());
}

/// #31 item 10: a client that sends half a request's headers and waits is cut off once the header-read
/// timeout passes, instead of holding a connection open; a whole request on the next connection is served.
#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_read_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_with(data.path(), &[("ZAIRYU_HEADER_READ_TIMEOUT_MS", "300")]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut half = tokio::net::TcpStream::connect(&address).await.unwrap();
    half.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), half.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the half-sent request was still open after 10 s");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250), "closed only once the timeout passed ({waited:?})");
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"), "nothing was served: {rest:?}");

    let mut whole = tokio::net::TcpStream::connect(&address).await.unwrap();
    whole.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), whole.read_to_end(&mut answer)).await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    assert!(server.interrupt().success());
}
