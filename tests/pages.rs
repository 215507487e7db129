//! The pages (#17), through the real router as a browser sends its requests: forms posted as
//! `application/x-www-form-urlencoded`, cookies carried by hand, redirects read from `Location`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http_support;
mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::TimeZone;
use http_support::*;
use support::*;
use zairyu_domain::notification::NotificationKind;
use zairyu_http::GeoPolicy;

/// A browser: the cookies it holds, and what it sends with each request.
#[derive(Default)]
struct Browser {
    cookies: Vec<(String, String)>,
    accept_language: Option<&'static str>,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    headers: axum::http::HeaderMap,
    html: String,
}

impl Browser {
    fn english() -> Self {
        Self { accept_language: Some("en-US,en;q=0.9"), ..Self::default() }
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            b = b.header(header::COOKIE, jar.join("; "));
        }
        if let Some(l) = self.accept_language {
            b = b.header(header::ACCEPT_LANGUAGE, l);
        }
        b
    }

    async fn take(&mut self, app: &axum::Router, req: Request<Body>) -> Page {
        let r = send(app, req).await;
        for c in r.headers.get_all(header::SET_COOKIE) {
            let pair = c.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() && !c.to_str().unwrap().contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let location = r.headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        // A name's break opportunities after its commas (`<wbr>`, #32 item 6) are read away, as a reader's eye
        // does: the tests look for names as typed.
        let html = String::from_utf8_lossy(&r.bytes).replace("<wbr>", "");
        Page { status: r.status, location, headers: r.headers, html }
    }

    async fn get(&mut self, app: &axum::Router, uri: &str) -> Page {
        let req = self.request("GET", uri).body(Body::empty()).unwrap();
        self.take(app, req).await
    }

    async fn post(&mut self, app: &axum::Router, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", zairyu_http::web::encode(v))).collect();
        let req = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .unwrap();
        self.take(app, req).await
    }

    /// Posts a form whose values were made at run time.
    async fn post_owned(&mut self, app: &axum::Router, uri: &str, fields: &[(&str, String)]) -> Page {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post(app, uri, &refs).await
    }

    /// Opens an e-mailed link (`/password?token=…`): it hands its token to a cookie of `/password` alone and
    /// sends the browser on to `/password`, so the live token is in no address from then on (#30 item 3).
    async fn open_link(&mut self, app: &axum::Router, path: &str) -> Page {
        let link = self.get(app, path).await;
        assert_eq!(link.status, StatusCode::SEE_OTHER, "{}", link.html);
        assert_eq!(link.location.as_deref(), Some("/password"), "the token leaves the address");
        let cookie = link.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(
            cookie.starts_with("zairyu_link=") && cookie.contains("HttpOnly") && cookie.contains("Path=/password;"),
            "{cookie}"
        );
        self.get(app, "/password").await
    }

    /// Posts the office's search form (#30: a card number is in no URL).
    async fn office_search(&mut self, app: &axum::Router, q: &str) -> Page {
        let token = self.get(app, "/office/search").await.hidden("csrf");
        self.post(app, "/office/search", &[("q", q), ("csrf", &token)]).await
    }

    /// Posts one of the users page's search forms (#30: an e-mail address is in no URL).
    async fn office_users(&mut self, app: &axum::Router, fields: &[(&str, &str)]) -> Page {
        let token = self.get(app, "/office/users").await.hidden("csrf");
        let mut all = fields.to_vec();
        all.push(("csrf", &token));
        self.post(app, "/office/users", &all).await
    }

    async fn log_in(&mut self, app: &axum::Router, user: &str, password: &str, next: &str) -> Page {
        self.post(app, "/login", &[("user_id", user), ("password", password), ("next", next)]).await
    }

    /// Logs in and switches to English (the user's own setting, which the seeded users have in Japanese).
    async fn log_in_in_english(&mut self, app: &axum::Router, user: &str) -> Page {
        let landed = self.log_in(app, user, PASSWORD, "").await;
        let token = self.get(app, "/account").await.hidden("csrf");
        self.post(app, "/language", &[("lang", "en"), ("back", "/"), ("csrf", &token)]).await;
        landed
    }
}

impl Page {
    /// The value of the first hidden field `name` of the page.
    fn hidden(&self, name: &str) -> String {
        let at =
            self.html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name}: {}", self.html));
        let rest = &self.html[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    fn lang(&self) -> &str {
        let at = self.html.find("<html lang=\"").unwrap();
        &self.html[at + 12..at + 14]
    }

    fn assert_html(&self, status: StatusCode) {
        assert_eq!(self.status, status, "{}", self.html);
        assert_eq!(self.headers.get(header::CONTENT_TYPE).unwrap(), "text/html; charset=utf-8");
        assert!(self.html.starts_with("<!DOCTYPE html>"));
    }
}

/// Item 1, 2: the top page answers in the visitor's language (Accept-Language before log-in), links one
/// style sheet of ours, and has the notices, the help desk and the no-reply notice (Q25, Q100).
#[tokio::test]
async fn the_top_page_speaks_the_visitor_s_language() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let ja = Browser::default().get(&app, "/").await;
    ja.assert_html(StatusCode::OK);
    assert_eq!(ja.lang(), "ja");
    assert!(ja.html.contains("在留申請オンラインシステム") && ja.html.contains("お知らせ"));
    assert!(ja.html.contains("送信専用") && ja.html.contains("ヘルプデスク"));
    let en = Browser::english().get(&app, "/").await;
    assert_eq!(en.lang(), "en");
    assert!(
        en.html.contains("Online Residence Application System") && en.html.contains("Information for notification")
    );
    assert!(en.html.contains("cannot receive replies"));
    // The help desk's contact (the stack's parameter) on every page's foot (#32 item 10).
    assert!(en.html.contains("<span class=\"help-desk\">0570-000-000</span>"), "{}", en.html);
    // One title: the service's name once on its top page, a page's own name before it elsewhere (#32 item 10).
    assert!(en.html.contains("<title>Online Residence Application System</title>"), "{}", en.html);
    assert!(ja.html.contains("<title>在留申請オンラインシステム</title>"));
    let login = Browser::english().get(&app, "/login").await;
    assert!(login.html.contains("<title>Log in | Online Residence Application System</title>"));
    // No script and no resource from anywhere else.
    assert!(!en.html.contains("<script") && !en.html.contains("http://") && !en.html.contains("https://"));
    let csp = en.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(en.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
}

/// Item 1: the style sheet is served under its content's hash, cached for a year; any other name is a 404
/// page.
#[tokio::test]
async fn the_style_sheet_is_cached_for_a_year_under_its_hash() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    let top = b.get(&app, "/").await;
    let marker = "rel=\"stylesheet\" href=\"";
    let at = top.html.find(marker).unwrap();
    let href = top.html[at + marker.len()..].split('"').next().unwrap().to_owned();
    let css = b.get(&app, &href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers.get(header::CONTENT_TYPE).unwrap(), "text/css; charset=utf-8");
    assert_eq!(css.headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=31536000, immutable");
    assert!(css.html.contains(":focus-visible") && css.html.len() < 30 * 1024);
    b.get(&app, "/static/site.0123456789abcdef.css").await.assert_html(StatusCode::NOT_FOUND);
    // The one script (the blanket upload page's file check), likewise.
    let js = b.get(&app, zairyu_http::web::js_path()).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.headers.get(header::CONTENT_TYPE).unwrap(), "text/javascript; charset=utf-8");
    assert_eq!(js.headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=31536000, immutable");
    assert!(js.html.contains("data-max-bytes"));
    b.get(&app, "/static/site.0123456789abcdef.js").await.assert_html(StatusCode::NOT_FOUND);
}

/// Item 2: an unknown page is a 404 page in the visitor's language; the API keeps answering problems.
#[tokio::test]
async fn an_unknown_page_is_a_page_and_an_unknown_api_path_a_problem() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let page = Browser::english().get(&app, "/no/such/page").await;
    page.assert_html(StatusCode::NOT_FOUND);
    assert!(page.html.contains("Page not found") && page.lang() == "en");
    let api = send(&app, Request::get("/api/no-such-route").body(Body::empty()).unwrap()).await;
    assert_problem(&api, StatusCode::NOT_FOUND, "not-found");
}

/// Items 2, 3: log-in from the form. A wrong password is refused in words beside the form (the user ID kept,
/// the password not); the right one sets an HttpOnly, SameSite=Lax session cookie and lands on the list of
/// affiliated foreign nationals, which shows the organization's person and whether they can file today.
#[tokio::test]
async fn logging_in_from_the_form_lands_on_the_list() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    let wrong = b.log_in(&app, "TANAKA01", "not-the-password", "").await;
    wrong.assert_html(StatusCode::UNAUTHORIZED);
    assert!(wrong.html.contains("There is a problem") && wrong.html.contains("href=\"#user_id\""));
    assert!(wrong.html.contains("value=\"TANAKA01\"") && !wrong.html.contains("not-the-password"));
    assert!(b.cookie("zairyu_session").is_none());

    let ok = b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location.as_deref(), Some("/foreign-nationals"));
    let set: Vec<_> = ok.headers.get_all(header::SET_COOKIE).iter().map(|c| c.to_str().unwrap().to_owned()).collect();
    let session = set.iter().find(|c| c.starts_with("zairyu_session=")).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"));
    // The language the log-in page was read in (the browser's English) is the user's from now on (#32 item 3).
    assert_eq!(b.cookie("zairyu_lang"), Some("en"));

    let list = b.get(&app, "/foreign-nationals").await;
    list.assert_html(StatusCode::OK);
    assert_eq!(list.lang(), "en");
    let person = zairyu_domain::fixtures::list_entry();
    assert!(list.html.contains(&person.card_number.to_string()), "{}", list.html);
    assert!(list.html.contains("Filing window") && list.html.contains("Tanaka Hanako"));
    // Every field a blanket row must match, as a file to compare with (#32 item 2).
    assert!(list.html.contains("href=\"/foreign-nationals.csv\""));
    let file = b.get(&app, "/foreign-nationals.csv").await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let line = format!(
        "{},{},{},{},Male,Engineer/Specialist in Humanities/International Services,1 year,{},",
        person.card_number,
        csv_quoted(&person.name.to_string()),
        person.nationality,
        person.birth_date,
        person.expiry
    );
    assert!(file.html.starts_with("\u{feff}Residence card number,Name,Nationality,Date of birth,"), "{}", file.html);
    assert!(file.html.contains(&line), "{line}: {}", file.html);
    let apps = b.get(&app, "/applications").await;
    apps.assert_html(StatusCode::OK);
    assert!(apps.html.contains("There is no application yet."));
}

/// Item 2, Q44: a page without a live session sends the browser to log in, saying why when the session
/// ended, and the log-in brings it back to that page.
#[tokio::test]
async fn a_page_without_a_session_returns_there_after_logging_in() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    let away = b.get(&app, "/applications").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.location.as_deref(), Some("/login?next=/applications"));
    b.cookies.push(("zairyu_session".into(), "a-session-that-ended".into()));
    let ended = b.get(&app, "/applications").await;
    assert_eq!(ended.location.as_deref(), Some("/login?next=/applications&reason=ended"));
    let login = b.get(&app, "/login?next=/applications&reason=ended").await;
    login.assert_html(StatusCode::OK);
    assert!(login.html.contains("30分間操作がなかったため"));
    assert_eq!(login.hidden("next"), "/applications");
    let back = b.log_in(&app, "TANAKA01", PASSWORD, &login.hidden("next")).await;
    assert_eq!(back.location.as_deref(), Some("/applications"));
    // Never to another site.
    let mut c = Browser::default();
    let elsewhere = c.log_in(&app, "TANAKA01", PASSWORD, "//evil.example/").await;
    assert_eq!(elsewhere.location.as_deref(), Some("/foreign-nationals"));
    // Not by a TAB or a line break the browser drops either (`/%09/evil.example` in the form's encoding):
    // after a real log-in, home; a line break is no 500.
    for next in ["/\t/evil.example", "/\r\n/evil.example", "/\\evil.example"] {
        let mut c = Browser::default();
        let r = c.log_in(&app, "TANAKA01", PASSWORD, next).await;
        assert_eq!(r.location.as_deref(), Some("/foreign-nationals"), "{next:?}");
        let token = c.get(&app, "/account").await.hidden("csrf");
        let r = c.post(&app, "/language", &[("lang", "en"), ("back", next), ("csrf", &token)]).await;
        assert_eq!(r.location.as_deref(), Some("/"), "{next:?}");
    }
}

/// Item 3: a post that changes something needs the form token of its session; log-out with it ends the
/// session.
#[tokio::test]
async fn a_post_without_its_form_token_is_refused() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let page = b.get(&app, "/applications").await;
    let token = page.hidden("csrf");
    let forged = b.post(&app, "/logout", &[("csrf", "0000")]).await;
    forged.assert_html(StatusCode::FORBIDDEN);
    let missing = b.post(&app, "/logout", &[]).await;
    missing.assert_html(StatusCode::FORBIDDEN);
    assert_eq!(b.get(&app, "/applications").await.status, StatusCode::OK, "still logged in");
    // Another session's token does not do either.
    let mut other = Browser::default();
    other.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let other_token = other.get(&app, "/applications").await.hidden("csrf");
    assert_ne!(other_token, token);
    b.post(&app, "/logout", &[("csrf", &other_token)]).await.assert_html(StatusCode::FORBIDDEN);

    let out = b.post(&app, "/logout", &[("csrf", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location.as_deref(), Some("/login?reason=logged_out"));
    assert!(b.cookie("zairyu_session").is_none());
    assert!(b.get(&app, "/login?reason=logged_out").await.html.contains("ログアウトしました"));
    assert_eq!(other.get(&app, "/applications").await.status, StatusCode::OK, "the other session lives on");
}

/// Item 2, Q84: the language switch is remembered — in a cookie before log-in, in the user's own setting
/// after (their next log-in, from any browser, follows it).
#[tokio::test]
async fn the_language_switch_is_remembered() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    let switched = b.post(&app, "/language", &[("lang", "en"), ("back", "/login")]).await;
    assert_eq!(switched.location.as_deref(), Some("/login"));
    assert_eq!(b.get(&app, "/login").await.lang(), "en");

    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let list = b.get(&app, "/applications").await;
    assert_eq!(list.lang(), "en", "the language chosen before log-in is kept, and becomes the user's (#32 item 3)");
    let token = list.hidden("csrf");
    let switched = b.post(&app, "/language", &[("lang", "en"), ("back", "/applications"), ("csrf", &token)]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get(&app, "/applications").await.lang(), "en");
    let mut elsewhere = Browser::default();
    elsewhere.log_in(&app, "TANAKA01", PASSWORD, "").await;
    assert_eq!(elsewhere.get(&app, "/applications").await.lang(), "en");
    // A logged-in switch without the form token changes nothing.
    let refused = elsewhere.post(&app, "/language", &[("lang", "ja"), ("back", "/applications")]).await;
    refused.assert_html(StatusCode::FORBIDDEN);
    assert_eq!(elsewhere.get(&app, "/applications").await.lang(), "en");
}

/// Item 2: an officer has no business on an organization's pages.
#[tokio::test]
async fn an_officer_is_refused_the_organization_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    let landed = b.log_in(&app, "OFFICER1", PASSWORD, "").await;
    assert_eq!(landed.location.as_deref(), Some("/office"));
    b.get(&app, "/applications").await.assert_html(StatusCode::FORBIDDEN);
    b.get(&app, "/foreign-nationals").await.assert_html(StatusCode::FORBIDDEN);
}

/// Item 2 (Q50, Q51): the application list shows each application with its status in the spec's words and
/// its temporary receipt number once filed.
#[tokio::test]
async fn the_application_list_page_shows_status_and_receipt_numbers() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let api = login(&app, "TANAKA01").await;
    let id = file(&app, &api, serde_json::to_value(w.another_person().await).unwrap()).await;
    let mut b = Browser::english();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let token = b.get(&app, "/").await.hidden("csrf");
    b.post(&app, "/language", &[("lang", "en"), ("back", "/"), ("csrf", &token)]).await;
    let list = b.get(&app, "/applications").await;
    list.assert_html(StatusCode::OK);
    let line = &w.lines(&w.login("TANAKA01").await.1, 10).await[0];
    assert_eq!(line.id, id);
    let row_at = list.html.find(&format!("id=\"application-{id}\"")).unwrap();
    let row = &list.html[row_at..row_at + list.html[row_at..].find("</tr>").unwrap()];
    assert!(row.contains("Application completed"), "{row}");
    assert!(row.contains(line.temporary_receipt_number.as_deref().unwrap()), "{row}");
    // #32 item 10: the official number not yet given says when it comes (Q33), on the list and the record.
    assert!(row.contains("Given the next day"), "{row}");
    let record = b.get(&app, &format!("/applications/{id}")).await;
    assert!(record.html.contains("Given the day after filing (by e-mail too)."), "{}", record.html);
}

/// Item 2, Q52: from outside Japan a browser gets the explanation as a page in its language; the API keeps
/// its problem.
#[tokio::test]
async fn from_outside_japan_a_page_explains_why() {
    let w = World::new().await;
    let app = router(&w, true, GeoPolicy::from_config("japan", "").unwrap());
    let mut b = Browser::english();
    let req = b.request("GET", "/").header("cloudfront-viewer-country", "US").body(Body::empty()).unwrap();
    let page = b.take(&app, req).await;
    page.assert_html(StatusCode::FORBIDDEN);
    assert!(page.html.contains("only be used from Japan") && !page.html.contains("Q52"), "{}", page.html);
    assert!(page.headers.get(header::STRICT_TRANSPORT_SECURITY).is_some());
    let from_japan = b.request("GET", "/").header("cloudfront-viewer-country", "JP").body(Body::empty()).unwrap();
    assert_eq!(b.take(&app, from_japan).await.status, StatusCode::OK);
    let api = Request::get("/api/notices").header("cloudfront-viewer-country", "US").body(Body::empty()).unwrap();
    assert_problem(&send(&app, api).await, StatusCode::FORBIDDEN, "outside-japan");
}

/// The form's fields for an application typed as `input` (flags as yes/no, no relatives).
fn form_fields(input: &zairyu_domain::form::ApplicationInput) -> Vec<(String, String)> {
    let json = serde_json::to_value(input).unwrap();
    let mut fields = Vec::new();
    for (k, v) in json.as_object().unwrap() {
        match v {
            serde_json::Value::String(s) => fields.push((k.clone(), s.clone())),
            serde_json::Value::Bool(b) => fields.push((k.clone(), if *b { "yes" } else { "no" }.to_owned())),
            _ => {}
        }
    }
    fields.push(("re_entry".into(), "none".into()));
    fields.push(("activity_outside_status".into(), "no".into()));
    fields
}

/// The fields a form of a person on no list (or a work certificate) is posted with: the fixture's typed
/// ones, without the re-entry and activity questions and the fields `not_asked` names (the form asks none of them).
fn fields_asked(input: &zairyu_domain::form::ApplicationInput, not_asked: &[&str]) -> Vec<(String, String)> {
    form_fields(input)
        .into_iter()
        .filter(|(k, v)| !v.is_empty() && !matches!(k.as_str(), "re_entry" | "activity_outside_status"))
        .filter(|(k, _)| !not_asked.contains(&k.as_str()))
        .collect()
}

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----zairyu-test-boundary-7MA4YWxk";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Item 2 (Q21, Q23, Q33, Q36–Q39): from the list to the temporary receipt number in pages — the form
/// filled in from the list, a wrong field shown beside itself and in the summary with everything typed
/// kept, a refused photo, the photo shown back, filing (twice: filed once), the confirmation.
#[tokio::test]
async fn a_new_application_from_the_list_to_its_temporary_receipt_number() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let token = b.get(&app, "/").await.hidden("csrf");
    b.post(&app, "/language", &[("lang", "en"), ("back", "/"), ("csrf", &token)]).await;
    let list = b.get(&app, "/foreign-nationals").await;
    let at = list.html.find("href=\"/applications/new?person=").expect("an apply link");
    let link = list.html[at + 6..].split('"').next().unwrap().replace("&amp;", "&");
    assert!(!link.contains("AB12345678CD"), "no card number in a URL: {link}");

    let form = b.get(&app, &link).await;
    form.assert_html(StatusCode::OK);
    assert!(form.html.len() < 50 * 1024, "item 6: a page is under 50 KB of HTML ({} bytes)", form.html.len());
    assert!(form.html.contains("value=\"NGUYEN,VAN,AN\"") && form.html.contains("value=\"AB12345678CD\""));
    let csrf = form.hidden("csrf");
    // Someone else's link (or a made-up one) opens nothing.
    b.get(&app, "/applications/new?person=bm90LWEtbGluaw").await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);

    let mut fields = form_fields(&zairyu_domain::fixtures::application_input());
    fields.push(("csrf".into(), csrf.clone()));
    // Two errors of different kinds: a postcode that does not read, and post chosen with a petition for the
    // name in kanji (Q57, an eligibility rule): both at once (Q36–Q39).
    let wrong: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| match k.as_str() {
            "postcode" => (k.clone(), "1000".into()),
            "kanji_name_petition" => (k.clone(), "yes".into()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
        f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    let refused = b.post(&app, "/applications/new", &pairs(&wrong)).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("href=\"#postcode\""), "the summary leads to the field");
    assert!(refused.html.contains("href=\"#receipt_method"), "and to the rule's field, at the same time");
    assert!(refused.html.contains("cannot be received by post; choose the counter"), "{}", refused.html);
    assert!(refused.html.contains("aria-invalid=\"true\"") && refused.html.contains("value=\"1000\""));
    assert!(refused.html.contains("value=\"Continuing employment with Sakura Systems K.K.\""), "the rest is kept");

    let created = b.post(&app, "/applications/new", &pairs(&fields)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let check = created.location.unwrap();
    let id = check.trim_start_matches("/applications/").trim_end_matches("/check").to_owned();
    let page = b.get(&app, &check).await;
    page.assert_html(StatusCode::OK);
    assert!(page.html.contains("Attach the photo") && !page.html.contains("File the application</button>"));

    fn upload(b: &Browser, id: &str, bytes: &[u8], token: &str) -> Request<Body> {
        let (ct, body) = multipart(&[("csrf", None, token.as_bytes()), ("photo", Some("me.jpg"), bytes)]);
        b.request("POST", &format!("/applications/{id}/photo"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    }
    let not_a_photo = upload(&b, &id, b"GIF89a not a jpeg", &csrf);
    let refused = b.take(&app, not_a_photo).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("href=\"#photo\""), "{}", refused.html);
    let forged = upload(&b, &id, &jpeg(), "0000");
    b.take(&app, forged).await.assert_html(StatusCode::FORBIDDEN);
    // #31 item 10: a body that is not a multipart form is answered with a page, not the framework's text;
    // a part over the route's limit is too large; and whose application it is is decided right after the
    // form token, before the file is read.
    let no_boundary = b
        .request("POST", &format!("/applications/{id}/photo"))
        .header(header::CONTENT_TYPE, "multipart/form-data")
        .body(Body::from("csrf=x"))
        .unwrap();
    b.take(&app, no_boundary).await.assert_html(StatusCode::BAD_REQUEST);
    let huge = upload(&b, &id, &vec![0xFF; zairyu_http::limits::PHOTO + 1], &csrf);
    b.take(&app, huge).await.assert_html(StatusCode::PAYLOAD_TOO_LARGE);
    // (A body over the limit is refused first, whoever it is for, as the edge refuses it.)
    let not_ours = upload(&b, "00000000000000000000000000", &jpeg(), &csrf);
    b.take(&app, not_ours).await.assert_html(StatusCode::NOT_FOUND);
    // The file is not even read: a form cut off in its file part is as not found (and, for one's own
    // application, malformed).
    let cut_off = |to: &str| {
        let (ct, body) = multipart(&[("csrf", None, csrf.as_bytes()), ("photo", Some("me.jpg"), &jpeg())]);
        b.request("POST", &format!("/applications/{to}/photo"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body[..body.len() - 40].to_vec()))
            .unwrap()
    };
    let (elsewhere, own) = (cut_off("00000000000000000000000000"), cut_off(&id));
    b.take(&app, elsewhere).await.assert_html(StatusCode::NOT_FOUND);
    b.take(&app, own).await.assert_html(StatusCode::BAD_REQUEST);
    let photo = upload(&b, &id, &jpeg(), &csrf);
    let attached = b.take(&app, photo).await;
    assert_eq!(attached.location.as_deref(), Some(format!("/applications/{id}/check#photo").as_str()));
    let page = b.get(&app, &check).await;
    assert!(page.html.contains(&format!("src=\"/applications/{id}/photo.jpg\"")));
    let shown =
        send(&app, b.request("GET", &format!("/applications/{id}/photo.jpg")).body(Body::empty()).unwrap()).await;
    assert_eq!(shown.headers.get(header::CONTENT_TYPE).unwrap(), "image/jpeg");
    assert_eq!(shown.bytes.to_vec(), jpeg());

    let filed = b.post(&app, &format!("/applications/{id}/submit"), &[("csrf", &csrf)]).await;
    assert_eq!(filed.location.as_deref(), Some(format!("/applications/{id}/filed").as_str()));
    let again = b.post(&app, &format!("/applications/{id}/submit"), &[("csrf", &csrf)]).await;
    assert_eq!(again.location, filed.location, "a second post files nothing more");
    let done = b.get(&app, filed.location.as_deref().unwrap()).await;
    done.assert_html(StatusCode::OK);
    let line = w.lines(&w.login("TANAKA01").await.1, 10).await.into_iter().find(|l| l.id == id).unwrap();
    let number = line.temporary_receipt_number.unwrap();
    assert!(done.html.contains(&number), "{}", done.html);
    assert_eq!(w.lines(&w.login("TANAKA01").await.1, 10).await.len(), 1);
}

/// #31 items 4 and 10: a form posted without a session (log-in, forgotten password, a password from a link)
/// has no form token, so a post the browser marks as coming from another site is refused before its fields
/// are read; the same post from the site's own page goes through.
#[tokio::test]
async fn a_log_in_posted_from_another_site_is_refused() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let body = "user_id=TANAKA01&password=Sakura%232026&next=";
    let post = |uri: &str, body: &str, header: Option<(&str, &str)>| {
        let mut r = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some((k, v)) = header {
            r = r.header(k, v);
        }
        r.body(Body::from(body.to_owned())).unwrap()
    };
    let mut b = Browser::default();
    for (uri, body) in [
        ("/login", body),
        ("/password/forgotten", "user_id=TANAKA01&email=tanaka%40sakura.example.jp"),
        ("/password", "password=Momiji%232027&confirm=Momiji%232027"),
    ] {
        for cross in [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site"), ("origin", "null")] {
            let r = b.take(&app, post(uri, body, Some(cross))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri} {cross:?}: {}", r.html);
        }
    }
    assert!(w.jobs().await.is_empty(), "no reset link went out");
    let own = b.take(&app, post("/login", body, Some(("sec-fetch-site", "same-origin")))).await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    let old_browser =
        Browser::default().take(&app, post("/login", body, Some(("origin", "https://oras.example.jp")))).await;
    assert_eq!(old_browser.status, StatusCode::SEE_OTHER);
}

/// #31 item 6: an entered application is the user's to change or discard. The check page offers "change",
/// back to the form with every answer kept; browser back to the new form after saving finds the entry again;
/// discarding needs a ticked box, ends the entry and frees the person for a new one.
#[tokio::test]
async fn an_entry_is_changed_from_its_check_page_and_discarded() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "TANAKA01").await;
    let list = b.get(&app, "/foreign-nationals").await;
    let at = list.html.find("href=\"/applications/new?person=").expect("an apply link");
    let link = list.html[at + 6..].split('"').next().unwrap().replace("&amp;", "&");
    let csrf = b.get(&app, &link).await.hidden("csrf");
    let mut input = zairyu_domain::fixtures::application_input();
    input.occupation = "Data engineer".into();
    input.telephone = "03-1234-5678".into();
    let mut fields: Vec<(String, String)> = form_fields(&input).into_iter().filter(|(k, _)| k != "re_entry").collect();
    fields.push(("re_entry".into(), "multiple".into()));
    fields.push(("csrf".into(), csrf.clone()));
    let typed: Vec<(&str, String)> = fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let created = b.post_owned(&app, "/applications/new", &typed).await;
    let check = created.location.clone().expect("saved");
    let id = check.trim_start_matches("/applications/").trim_end_matches("/check").to_owned();
    let page = b.get(&app, &check).await;
    // Check your answers: every part of the form, each with its "change" back to that part, every answer
    // in the words the form offered (dates in the one form pages show them).
    for section in zairyu_domain::form::field::Section::of_procedure(zairyu_domain::procedure::Procedure::Extension) {
        let link = format!("href=\"/applications/{id}/change#{}\"", section.anchor());
        assert!(page.html.contains(&link), "{link}: {}", page.html);
        assert!(page.html.contains(section.title().1), "{:?}", section.title());
    }
    for shown in [
        "<dd>Data engineer</dd>",
        "<dd>1995-04-12</dd>",
        "<dd>3 years</dd>",
        "<dd>1 year</dd>",
        "<dd>Multiple</dd>",
        "<dd>Receive it by post</dd>",
        "<dd>100-0013</dd>",
        "<dd>Not entered</dd>",
    ] {
        assert!(page.html.contains(shown), "{shown}: {}", page.html);
    }

    // Browser back after saving: the new form finds the entry, every answer kept.
    let back = b.get(&app, &link).await;
    assert_eq!(back.location.as_deref(), Some(format!("/applications/{id}/change").as_str()));
    let form = b.get(&app, &format!("/applications/{id}/change")).await;
    form.assert_html(StatusCode::OK);
    for kept in
        ["value=\"Data engineer\"", "value=\"0312345678\"", "value=\"Continuing employment with Sakura Systems K.K.\""]
    {
        assert!(form.html.contains(kept), "{kept}: {}", form.html);
    }
    assert!(form.html.contains("value=\"multiple\" checked"), "{}", form.html);
    // Changed and saved: the check page shows the change.
    let changed: Vec<(&str, String)> = typed
        .iter()
        .map(|(k, v)| (*k, if *k == "desired_period_of_stay" { "1Y".to_owned() } else { v.clone() }))
        .collect();
    let saved = b.post_owned(&app, &format!("/applications/{id}/change"), &changed).await;
    assert_eq!(saved.location.as_deref(), Some(check.as_str()));
    let application = w.svc.applications.application(&w.login("TANAKA01").await.1, &id).await.unwrap();
    assert_eq!(application.form().desired_period().unwrap().to_string(), "1Y");
    assert_eq!(application.form().stay_part().unwrap().occupation.to_string(), "Data engineer", "the rest as it was");
    // A change that does not read is refused beside its field, what was typed kept.
    let wrong: Vec<(&str, String)> =
        changed.iter().map(|(k, v)| (*k, if *k == "postcode" { "1000".to_owned() } else { v.clone() })).collect();
    let refused = b.post_owned(&app, &format!("/applications/{id}/change"), &wrong).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("href=\"#postcode\"") && refused.html.contains("value=\"1000\""));

    // Discarding: refused until the box is ticked; then the entry ends, and the person may be entered anew.
    let discard = format!("/applications/{id}/discard");
    b.post_owned(&app, &discard, &[("csrf", csrf.clone())]).await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    let gone = b.post_owned(&app, &discard, &[("csrf", csrf.clone()), ("confirm", "yes".to_owned())]).await;
    assert_eq!(gone.location.as_deref(), Some("/applications?done=discarded"));
    assert!(b.get(&app, "/applications?done=discarded").await.html.contains("The entry was discarded."));
    let ended = w.svc.applications.application(&w.login("TANAKA01").await.1, &id).await.unwrap();
    assert_eq!(ended.status(), zairyu_domain::status::ApplicationStatus::Withdrawn);
    let fresh = b.get(&app, &link).await;
    fresh.assert_html(StatusCode::OK);
    let again = b.post_owned(&app, "/applications/new", &changed).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
    assert_ne!(again.location.as_deref(), Some(check.as_str()), "a new entry");
    // The ended one is no longer changed.
    let late = b.get(&app, &format!("/applications/{id}/change")).await;
    assert_eq!(late.location.as_deref(), Some(check.as_str()));
}

/// Item 2 (Q88, Q92, Q97): the forgotten-password request answers the same whatever was typed; the e-mailed
/// link opens a page that states the rules before a password is typed, refuses a mismatch and a weak one
/// beside the field, sets a good one (the user logs in with it), and works once.
#[tokio::test]
async fn a_password_is_set_from_the_e_mailed_link() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    let form = b.get(&app, "/login").await;
    assert!(form.html.contains("href=\"/password/forgotten\""));
    b.get(&app, "/password/forgotten").await.assert_html(StatusCode::OK);
    let unknown = b.post(&app, "/password/forgotten", &[("user_id", "NOBODY99"), ("email", "x@example.jp")]).await;
    let known =
        b.post(&app, "/password/forgotten", &[("user_id", "TANAKA01"), ("email", "tanaka@sakura.example.jp")]).await;
    assert_eq!(unknown.location, known.location, "the answer never tells whether the user exists");
    assert!(
        b.get(&app, known.location.as_deref().unwrap())
            .await
            .html
            .contains("If the user ID and the e-mail address match")
    );
    let kind = zairyu_domain::notification::NotificationKind::PasswordResetLink;
    let job = w.jobs().await.into_iter().find(|j| j.kind == kind).expect("the link was e-mailed");
    let link = job.data["link"].clone();
    let path = link.trim_start_matches("https://oras.example.jp");
    assert!(path.starts_with("/password?token="), "{link}");
    let token = path.trim_start_matches("/password?token=");

    let page = b.open_link(&app, path).await;
    page.assert_html(StatusCode::OK);
    assert!(page.html.contains("has 8 to 32 characters") && page.html.contains("does not contain your user ID"));
    assert!(page.html.find("password-rules").unwrap() < page.html.find("id=\"password\"").unwrap(), "rules first");
    let post = |password: &'static str, confirm: &'static str| {
        [("token", token), ("password", password), ("confirm", confirm)]
    };
    let mismatch = b.post(&app, "/password", &post("Sakura#2027x", "Sakura#2027y")).await;
    mismatch.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.html.contains("href=\"#confirm\""));
    let weak = b.post(&app, "/password", &post("sakura2027", "sakura2027")).await;
    weak.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.html.contains("href=\"#password\"") && weak.html.contains("symbols"), "{}", weak.html);
    let set = b.post(&app, "/password", &post("Sakura#2027x", "Sakura#2027x")).await;
    assert_eq!(set.location.as_deref(), Some("/login?reason=password_set"));
    assert!(b.cookie("zairyu_link").is_none(), "the link's cookie is gone once the password is set");
    assert!(b.get(&app, "/login?reason=password_set").await.html.contains("Your password is set"));
    let in_ = b.log_in(&app, "TANAKA01", "Sakura#2027x", "").await;
    assert_eq!(in_.status, StatusCode::SEE_OTHER);
    // Used once.
    let again = Browser::english().open_link(&app, path).await;
    again.assert_html(StatusCode::GONE);
    // The page without a link's cookie (or with a forged one) says the same.
    Browser::english().get(&app, "/password").await.assert_html(StatusCode::GONE);
    let mut forged = Browser::english();
    forged.cookies.push(("zairyu_link".into(), "not-a-token!".into()));
    forged.get(&app, "/password").await.assert_html(StatusCode::GONE);
    assert!(again.html.contains("href=\"/password/forgotten\""));
}

/// Item 2 (Q77, Q89, Q90): the user information page shows who is logged in; the password and the e-mail
/// address change from it, each asking for the password in use.
#[tokio::test]
async fn the_user_information_page_changes_password_and_address() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let page = b.get(&app, "/account").await;
    page.assert_html(StatusCode::OK);
    assert!(
        page.html.contains("Tanaka Hanako")
            && page.html.contains("TANAKA01")
            && page.html.contains("tanaka@sakura.example.jp")
    );
    let csrf = page.hidden("csrf");
    let wrong = b
        .post(
            &app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", "nope"),
                ("new_password", "Kaede#2027x"),
                ("confirm", "Kaede#2027x"),
            ],
        )
        .await;
    wrong.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("href=\"#current_password\""), "{}", wrong.html);
    let changed = b
        .post(
            &app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "Kaede#2027x"),
                ("confirm", "Kaede#2027x"),
            ],
        )
        .await;
    assert_eq!(changed.location.as_deref(), Some("/account?done=password"));
    let page = b.get(&app, "/account?done=password").await;
    assert!(page.html.contains("パスワードを変更しました"), "still logged in, told in words");
    let csrf = page.hidden("csrf");
    let moved = b
        .post(
            &app,
            "/account/email",
            &[("csrf", &csrf), ("email", "hanako@sakura.example.jp"), ("email_current_password", "Kaede#2027x")],
        )
        .await;
    assert_eq!(moved.location.as_deref(), Some("/account?done=email"));
    assert!(b.get(&app, "/account").await.html.contains("hanako@sakura.example.jp"));
    let forged = b
        .post(
            &app,
            "/account/email",
            &[("csrf", "0"), ("email", "evil@example.jp"), ("email_current_password", "Kaede#2027x")],
        )
        .await;
    forged.assert_html(StatusCode::FORBIDDEN);
}

/// Item 2 (Q50–Q53): an application's page shows where it stands and what may still be done — here the
/// change of the way the card is received, which the page then shows.
#[tokio::test]
async fn an_application_s_page_offers_what_may_still_be_done() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let api = login(&app, "TANAKA01").await;
    let id = file(&app, &api, serde_json::to_value(w.another_person().await).unwrap()).await;
    let mut b = Browser::default();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let list = b.get(&app, "/applications").await;
    assert!(list.html.contains(&format!("href=\"/applications/{id}\"")));
    let page = b.get(&app, &format!("/applications/{id}")).await;
    page.assert_html(StatusCode::OK);
    assert!(page.html.contains("申請完了") || page.html.contains("申請状況"), "{}", page.html);
    assert!(page.html.contains(&format!("action=\"/applications/{id}/receipt-method\"")), "{}", page.html);
    let csrf = page.hidden("csrf");
    let changed = b
        .post(&app, &format!("/applications/{id}/receipt-method"), &[("csrf", &csrf), ("receipt_method", "counter")])
        .await;
    assert_eq!(changed.location, Some(format!("/applications/{id}?done=receipt_method")));
    let after = b.get(&app, changed.location.as_deref().unwrap()).await;
    assert!(after.html.contains("受領方法を変更しました") && after.html.contains("<dd>窓口</dd>"), "{}", after.html);
    // Someone else's application is not there.
    let mut other = Browser::default();
    other.log_in(&app, "SUZUKI02", PASSWORD, "").await;
    other.get(&app, &format!("/applications/{id}")).await.assert_html(StatusCode::NOT_FOUND);
}

/// Item 2 (Q17, Q88): the first password of a newly approved user is set on the page the approval e-mail's
/// link opens; the user then logs in on the log-in page.
#[tokio::test]
async fn a_first_password_is_set_from_the_approval_e_mail() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    let req = serde_json::json!({ "kind": "additional", "requester_name": "Gyosei Taro", "requester_email": "taro@gyosei.example.jp",
        "is_agent": true, "written_request_on_file": true, "office_address": "2-2-2 Kojimachi, Chiyoda-ku, Tokyo" });
    let r = send(&app, clerk.json("POST", "/api/office/organizations/org1/requests-for-use", req)).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/office/organizations/org1/requests-for-use/{id}/decision");
    let r = send(&app, clerk.json("POST", &uri, serde_json::json!({ "approve": true }))).await;
    let user = r.body["issued_user_id"].as_str().unwrap().to_owned();
    let approved = zairyu_domain::notification::NotificationKind::RequestForUseApproved;
    let job = w.jobs().await.into_iter().find(|j| j.kind == approved).unwrap();
    let path = job.data["link"].trim_start_matches("https://oras.example.jp").to_owned();
    let mut b = Browser::default();
    let page = b.open_link(&app, &path).await;
    page.assert_html(StatusCode::OK);
    assert!(page.html.contains("8文字以上32文字以内"));
    let token = page.hidden("token");
    let set =
        b.post(&app, "/password", &[("token", &token), ("password", "Gyosei#2026"), ("confirm", "Gyosei#2026")]).await;
    assert_eq!(set.location.as_deref(), Some("/login?reason=password_set"));
    let landed = b.log_in(&app, &user, "Gyosei#2026", "").await;
    assert_eq!(landed.location.as_deref(), Some("/foreign-nationals"));
}

/// Item 2 (Q26–Q29): the list page tells, person by person, who can file today — one whose stay expires
/// in seven months cannot yet (and is told from when), one whose stay has expired cannot online; only those
/// who can get the link to a new application.
#[tokio::test]
async fn the_list_page_tells_who_can_file_today() {
    use zairyu_domain::jst::JstDate;
    use zairyu_domain::organization::ForeignNational;
    use zairyu_domain::values::ResidenceCardNumber;
    let w = World::new().await;
    let today = JstDate::of_instant(start());
    let person = |card: &str, expiry: JstDate| ForeignNational {
        card_number: ResidenceCardNumber::parse(card).unwrap(),
        expiry,
        ..zairyu_domain::fixtures::list_entry()
    };
    let import = zairyu_app::services::import::Import {
        people: vec![
            (
                zairyu_domain::application::OrganizationId::parse("org1").unwrap(),
                person("EF23456789GH", today.add_months(7)),
            ),
            (
                zairyu_domain::application::OrganizationId::parse("org1").unwrap(),
                person("JK34567890LM", today.sub_days(3)),
            ),
        ],
        ..Default::default()
    };
    assert!(w.svc.core.import(import).await.unwrap());
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let page = b.get(&app, "/foreign-nationals").await;
    let row = |card: &str| {
        let at = page.html.find(&format!(">{card}</td>")).unwrap_or_else(|| panic!("{card} listed"));
        let start = page.html[..at].rfind("<tr>").unwrap();
        page.html[start..at + page.html[at..].find("</tr>").unwrap()].to_owned()
    };
    let early = row("EF23456789GH");
    assert!(early.contains("申請できません") && early.contains(&today.add_months(4).to_string()), "{early}");
    // Not yet an extension; a change of status and a work certificate any day of the stay (#33, #35).
    let links = early.matches("/applications/new").count();
    let (change, work) =
        (early.matches("procedure=change_of_status").count(), early.matches("procedure=work_certificate").count());
    assert_eq!((links, change, work), (2, 1, 1), "{early}");
    let expired = row("JK34567890LM");
    assert!(expired.contains("申請できません") && expired.contains("満了しています"), "{expired}");
    assert!(!expired.contains("/applications/new"));
    let open = row("AB12345678CD");
    assert!(open.contains("申請できます") && open.contains("/applications/new?person="), "{open}");
}

/// #33 item 1 through the pages: the list offers a change of status beside the extension; its form asks
/// the status wanted (those a change may go to, not the one held) and the reason for the change; saved, the
/// check page shows both under the change's words.
#[tokio::test]
async fn a_change_of_status_is_entered_from_the_list() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "TANAKA01").await;
    let list = b.get(&app, "/foreign-nationals").await;
    assert!(list.html.contains("Change of status of residence: "), "each procedure by name: {}", list.html);
    let at = list.html.find("&amp;procedure=change_of_status").expect("a change link");
    let start = list.html[..at].rfind("href=\"").unwrap() + 6;
    let link = list.html[start..].split('"').next().unwrap().replace("&amp;", "&");
    let form = b.get(&app, &link).await;
    form.assert_html(StatusCode::OK);
    assert!(form.html.contains("<select id=\"desired_status_of_residence\""), "{}", form.html);
    assert!(form.html.contains("<option value=\"business_manager\">Business Manager</option>"));
    assert!(!form.html.contains("<option value=\"engineer_humanities_international\""), "not the status held");
    assert!(!form.html.contains("<option value=\"temporary_visitor\""), "not an excluded one");
    assert!(form.html.contains("Reason for the change") && form.html.contains("value=\"change_of_status\""));
    let unknown = link.replace("change_of_status", "naturalisation");
    b.get(&app, &unknown).await.assert_html(StatusCode::BAD_REQUEST);

    let mut input = zairyu_domain::fixtures::application_input();
    input.procedure = "change_of_status".into();
    input.desired_status_of_residence = "business_manager".into();
    input.reason = "Opens a company of its own".into();
    let mut fields = form_fields(&input);
    fields.push(("csrf".into(), form.hidden("csrf")));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let created = b.post(&app, "/applications/new", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let check = b.get(&app, created.location.as_deref().unwrap()).await;
    for text in
        ["Change of status of residence", "Desired status of residence", "Business Manager", "Reason for the change"]
    {
        assert!(check.html.contains(text), "{text}: {}", check.html);
    }
}

/// #35 item 3 through the pages: the list offers a work certificate; its form asks the work, its period and
/// the purpose, under a certificate's headings, and nothing of a new stay, a card or the family; the check
/// page asks no photo and files it; the office's page decides it with Issue (no period of stay), says the
/// e-mail it sends, and after the decision offers the certificate's post, not a card's.
#[tokio::test]
async fn a_work_certificate_is_entered_filed_and_issued_in_pages() {
    let w = World::new().await;
    // A student on the list too: her row says why she cannot ask for one.
    let student = zairyu_domain::organization::ForeignNational {
        card_number: zairyu_domain::values::ResidenceCardNumber::parse("ST11223344UV").unwrap(),
        status: zairyu_domain::status_of_residence::StatusOfResidence::Student,
        ..zairyu_domain::fixtures::list_entry()
    };
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    let import = zairyu_app::services::import::Import { people: vec![(org, student)], ..Default::default() };
    assert!(w.svc.core.import(import).await.unwrap());
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "TANAKA01").await;
    let list = b.get(&app, "/foreign-nationals").await;
    assert!(list.html.contains("Certificate of authorized employment: "), "{}", list.html);
    assert!(list.html.contains("does not allow work, so there is no work to certify"), "{}", list.html);
    let at = list.html.find("&amp;procedure=work_certificate").expect("a work certificate link");
    let start = list.html[..at].rfind("href=\"").unwrap() + 6;
    let link = list.html[start..].split('"').next().unwrap().replace("&amp;", "&");
    let form = b.get(&app, &link).await;
    form.assert_html(StatusCode::OK);
    for text in [
        "The work to certify",
        "Period of the work: first day",
        "Purpose of use",
        "Receiving the certificate",
        "Receipt of the certificate",
        "the certificate is sent after the fee is paid",
    ] {
        assert!(form.html.contains(text), "{text}: {}", form.html);
    }
    // The status held shown by its name, never its code.
    assert!(form.html.contains("value=\"Engineer/Specialist in Humanities/International Services\""), "{}", form.html);
    assert!(!form.html.contains("value=\"engineer_humanities_international\""));
    for absent in [
        "name=\"desired_period_of_stay\"",
        "name=\"relatives_in_japan\"",
        "name=\"married\"",
        "name=\"kanji_name_petition\"",
        "name=\"re_entry\"",
        "Relatives in Japan",
        "Receiving the new residence card",
    ] {
        assert!(!form.html.contains(absent), "{absent} is not asked");
    }
    let input = zairyu_domain::fixtures::work_certificate_input();
    let mut fields = fields_asked(&input, &["married", "criminal_record", "relatives_in_japan", "kanji_name_petition"]);
    fields.push(("csrf".into(), form.hidden("csrf")));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let created = b.post(&app, "/applications/new", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let here = created.location.clone().unwrap();
    let check = b.get(&app, &here).await;
    for text in [
        "Certificate of authorized employment",
        "The work to certify",
        "System development at Sakura Systems",
        "Purpose of use",
        "File the application",
    ] {
        assert!(check.html.contains(text), "{text}: {}", check.html);
    }
    assert!(!check.html.contains("Facial photo") && !check.html.contains("id=\"photo-file\""), "no photo asked");
    let id = here.trim_start_matches("/applications/").trim_end_matches("/check").to_owned();
    let filed = b.post(&app, &format!("/applications/{id}/submit"), &[("csrf", &check.hidden("csrf"))]).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.html);

    let mut o = Browser::english();
    o.log_in_in_english(&app, "OFFICER1").await;
    // The queue by procedure (#35 item 4): the certificate under its own, not under the extensions.
    let own = o.get(&app, "/office?status=application_completed&procedure=work_certificate").await;
    own.assert_html(StatusCode::OK);
    assert!(own.html.contains(&format!("/office/applications/{id}")), "{}", own.html);
    assert!(own.html.contains("aria-current=\"page\">Certificate of authorized employment</a>"), "{}", own.html);
    let others = o.get(&app, "/office?status=application_completed&procedure=extension").await;
    assert!(!others.html.contains(&format!("/office/applications/{id}")));
    let malformed = o.get(&app, "/office?procedure=naturalisation").await;
    malformed.assert_html(StatusCode::BAD_REQUEST);
    assert!(
        malformed.html.contains("Follow the link again") && !malformed.html.contains("procedure"),
        "{}",
        malformed.html
    );
    let office = format!("/office/applications/{id}");
    let page = o.get(&app, &office).await;
    let csrf = page.hidden("csrf");
    let step = |s: &str| vec![("csrf", csrf.clone()), ("step", s.to_owned())];
    assert!(o.post_owned(&app, &office, &step("start_examination")).await.location.is_some());
    let under = o.get(&app, &office).await;
    assert!(under.html.contains("Decide: issue or refuse") && under.html.contains("value=\"issue\""), "{}", under.html);
    assert!(!under.html.contains("New period of stay") && !under.html.contains("value=\"permit\""));
    let mut issue = step("decide");
    issue.extend([("decision", "issue".to_owned()), ("confirm", "yes".to_owned())]);
    let issued = o.post_owned(&app, &office, &issue).await;
    assert!(issued.location.is_some(), "{}", issued.html);
    let decided = o.get(&app, &office).await;
    for text in ["Certificate to be issued", "1,600", "Record what arrived by post", "Waiting for issuance"] {
        assert!(decided.html.contains(text), "{text}: {}", decided.html);
    }
    assert!(!decided.html.contains("The current residence card"), "no card to return");
    let mut docs = step("record_post_documents");
    docs.extend([("fee_notice_received", "yes".to_owned()), ("fee_notice_signed", "yes".to_owned())]);
    assert!(o.post_owned(&app, &office, &docs).await.location.is_some());
    let ready = o.get(&app, &office).await;
    assert!(ready.html.contains("Post the certificate") && ready.html.contains("certificate issued"), "{}", ready.html);
    assert!(!ready.html.contains("Post the residence card"));
}

/// The clerk's browser, logged in, on the form the List page links for a person on no list (`procedure`):
/// the browser and the form.
async fn unlisted_form(app: &axum::Router, procedure: &str) -> (Browser, Page) {
    let mut b = Browser::english();
    b.log_in_in_english(app, "TANAKA01").await;
    let list = b.get(app, "/foreign-nationals").await;
    let link = format!("/applications/new?procedure={procedure}");
    assert!(list.html.contains(&format!("href=\"{link}\"")), "{}", list.html);
    let form = b.get(app, &link).await;
    form.assert_html(StatusCode::OK);
    (b, form)
}

/// An entry's photo attached and the entry filed from its check page (`check`): its ID.
async fn photo_and_file(b: &mut Browser, app: &axum::Router, check: &str) -> String {
    let page = b.get(app, check).await;
    let id = check.trim_start_matches("/applications/").trim_end_matches("/check").to_owned();
    let (ct, body) = multipart(&[("csrf", None, page.hidden("csrf").as_bytes()), ("photo", Some("me.jpg"), &jpeg())]);
    let photo = b
        .request("POST", &format!("/applications/{id}/photo"))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(b.take(app, photo).await.status, StatusCode::SEE_OTHER);
    let page = b.get(app, check).await;
    let filed = b.post(app, &format!("/applications/{id}/submit"), &[("csrf", &page.hidden("csrf"))]).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.html);
    id
}

/// #35 items 1 and 4, in pages: from the List page's link, a certificate of eligibility's form asks a person
/// abroad's passport, the status sought, the planned entry and how the certificate is received (e-mail or
/// post) — no card, no stay, no question whether they are in Japan; filed with a photo; the office issues it
/// and both sides see the electronic certificate's code, the organization with its PDF and check links.
#[tokio::test]
async fn a_certificate_of_eligibility_is_entered_from_the_list_page_filed_and_issued_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (mut b, form) = unlisted_form(&app, "certificate_of_eligibility").await;
    for text in [
        "for a person abroad",
        "Name (as in the passport)",
        "Status of residence sought",
        "The planned entry",
        "Date of entry",
        "Port of entry",
        "Where the visa will be applied for",
        "Intended length of stay",
        "Purpose of entry",
        "Activity in Japan (the organization's part)",
        "Receive it by e-mail (an electronic certificate)",
        "Receive it by post (on paper)",
    ] {
        assert!(form.html.contains(text), "{text}: {}", form.html);
    }
    for absent in [
        "name=\"residence_card_number\"",
        "name=\"expiry_date\"",
        "name=\"in_japan\"",
        "name=\"kanji_name_petition\"",
        "name=\"re_entry\"",
        "value=\"counter\"",
        "value=\"temporary_visitor\"",
    ] {
        assert!(!form.html.contains(absent), "{absent} is not asked");
    }
    let input = zairyu_domain::fixtures::eligibility_input();
    let mut fields = fields_asked(&input, &["in_japan", "kanji_name_petition"]);
    fields.push(("csrf".into(), form.hidden("csrf")));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let created = b.post(&app, "/applications/new", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let here = created.location.clone().unwrap();
    let check = b.get(&app, &here).await;
    for text in
        ["Certificate of eligibility", "TRAN,THI,BINH", "Narita Airport", "Receive it by e-mail", "Facial photo"]
    {
        assert!(check.html.contains(text), "{text}: {}", check.html);
    }
    let id = photo_and_file(&mut b, &app, &here).await;
    let mine = b.get(&app, &format!("/applications/{id}")).await;
    assert!(mine.html.contains("Passport number") && mine.html.contains("C7654321"), "{}", mine.html);

    let mut o = Browser::english();
    o.log_in_in_english(&app, "OFFICER1").await;
    let office = format!("/office/applications/{id}");
    let page = o.get(&app, &office).await;
    for text in ["Status of residence sought", "Date of entry", "Narita Airport", "Embassy of Japan in Viet Nam"] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    assert!(!page.html.contains("Current status of residence"), "no stay");
    let csrf = page.hidden("csrf");
    let step = |s: &str| vec![("csrf", csrf.clone()), ("step", s.to_owned())];
    assert!(o.post_owned(&app, &office, &step("start_examination")).await.location.is_some());
    let mut issue = step("decide");
    issue.extend([("decision", "issue".to_owned()), ("confirm", "yes".to_owned())]);
    let issued = o.post_owned(&app, &office, &issue).await;
    assert!(issued.location.is_some(), "{}", issued.html);
    let decided = o.get(&app, &office).await;
    decided.assert_html(StatusCode::OK);
    let code = w.svc.examination.office_view(&w.login("OFFICER1").await.1, &id).await.unwrap();
    let code = code.electronic_certificate().unwrap().grouped();
    assert!(decided.html.contains("Electronic certificate") && decided.html.contains(&code), "{}", decided.html);
    assert!(
        decided.html.contains("Issued (electronic)") && !decided.html.contains("Where it is sent"),
        "{}",
        decided.html
    );
    assert!(decided.html.contains("This person is on no list"), "{}", decided.html);
    assert!(!decided.html.contains("1,600") && !decided.html.contains("Record what arrived by post"));
    let shown = o.post_owned(&app, "/office/certificates", &[("csrf", csrf.clone()), ("code", code.clone())]).await;
    shown.assert_html(StatusCode::OK);
    assert!(shown.html.contains("TRAN,THI,BINH"), "{}", shown.html);
    let mine = b.get(&app, &format!("/applications/{id}")).await;
    mine.assert_html(StatusCode::OK);
    for text in [
        "The electronic certificate of eligibility",
        code.as_str(),
        &format!("href=\"/verify/{code}/certificate.pdf\""),
        &format!("href=\"/verify/{code}\""),
    ] {
        assert!(mine.html.contains(text), "{text}: {}", mine.html);
    }
}

/// #35 item 2, in pages: from the List page's link, an acquisition's form asks the cause and the day of the
/// event (within thirty days), the passport and the status sought — no card, no stay — and how the card is
/// received; filed with a photo; the office permits it with a period from the decision and sees the cause.
#[tokio::test]
async fn an_acquisition_is_entered_from_the_list_page_filed_and_permitted_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (mut b, form) = unlisted_form(&app, "acquisition").await;
    for text in [
        "within 30 days of the event",
        "Why a status of residence is needed",
        "Birth in Japan",
        "Day of the event",
        "Status of residence sought",
        "The applicant is in Japan",
        "value=\"counter\"",
    ] {
        assert!(form.html.contains(text), "{text}: {}", form.html);
    }
    for absent in
        ["name=\"residence_card_number\"", "name=\"expiry_date\"", "name=\"port_of_entry\"", "value=\"email\""]
    {
        assert!(!form.html.contains(absent), "{absent} is not asked");
    }
    let input = zairyu_domain::fixtures::acquisition_input();
    let mut fields = fields_asked(&input, &[]);
    // A day 31 first: refused beside its field, with the last day.
    let mut late = fields.clone();
    for (k, v) in &mut late {
        if k == "acquisition_date" || k == "birth_date" {
            *v = "2026-10-27".into();
        }
    }
    late.push(("csrf".into(), form.hidden("csrf")));
    let pairs: Vec<(&str, &str)> = late.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = b.post(&app, "/applications/new", &pairs).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("2026-11-26") && refused.html.contains("href=\"#acquisition_date\""),
        "{}",
        refused.html
    );
    fields.push(("csrf".into(), form.hidden("csrf")));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let created = b.post(&app, "/applications/new", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let here = created.location.clone().unwrap();
    let check = b.get(&app, &here).await;
    for text in ["Acquisition of status of residence", "NGUYEN,THI,MAI", "Birth in Japan", "2026-11-10", "Facial photo"]
    {
        assert!(check.html.contains(text), "{text}: {}", check.html);
    }
    let id = photo_and_file(&mut b, &app, &here).await;

    let mut o = Browser::english();
    o.log_in_in_english(&app, "OFFICER1").await;
    let office = format!("/office/applications/{id}");
    let page = o.get(&app, &office).await;
    for text in ["Cause", "Birth in Japan", "Day of the event", "2026-11-10", "Status of residence sought"] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    let csrf = page.hidden("csrf");
    let step = |s: &str| vec![("csrf", csrf.clone()), ("step", s.to_owned())];
    assert!(o.post_owned(&app, &office, &step("start_examination")).await.location.is_some());
    let under = o.get(&app, &office).await;
    assert!(under.html.contains("value=\"permit\"") && !under.html.contains("value=\"issue\""), "{}", under.html);
    let mut permit = step("decide");
    permit.extend([("decision", "permit".to_owned()), ("period", "1Y".to_owned()), ("confirm", "yes".to_owned())]);
    let permitted = o.post_owned(&app, &office, &permit).await;
    assert!(permitted.location.is_some(), "{}", permitted.html);
    let decided = o.get(&app, &office).await;
    for text in ["Permitted", "Dependent", "Waiting for issuance"] {
        assert!(decided.html.contains(text), "{text}: {}", decided.html);
    }
}

/// #32 item 8: photos for several people from one page — every entry without a photo with its own field; a
/// refused file is shown beside its person, the others untouched; each attached returns to the page, which
/// then lists only those still waiting; the filing check links to it.
#[tokio::test]
async fn photos_are_attached_for_several_people_from_one_page() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let api = login(&app, "TANAKA01").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r =
            send(&app, api.json("POST", "/api/applications", serde_json::to_value(w.another_person().await).unwrap()))
                .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let mut b = Browser::english();
    b.log_in_in_english(&app, "TANAKA01").await;
    let entered = b.get(&app, "/applications?status=input_completed").await;
    assert!(entered.html.contains("href=\"/applications/photos\""), "offered from the list");
    let page = b.get(&app, "/applications/photos").await;
    page.assert_html(StatusCode::OK);
    for id in &ids {
        assert!(page.html.contains(&format!("action=\"/applications/{id}/photo?back=photos\"")), "{}", page.html);
        assert!(page.html.contains(&format!("id=\"photo-{id}\"")));
    }
    let csrf = page.hidden("csrf");
    let attach = |id: &str, bytes: &[u8]| {
        let (ct, body) = multipart(&[("csrf", None, csrf.as_bytes()), ("photo", Some("face.jpg"), bytes)]);
        b.request("POST", &format!("/applications/{id}/photo?back=photos"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    let (not_jpeg, first, second) = (attach(&ids[0], b"GIF89a"), attach(&ids[0], &jpeg()), attach(&ids[1], &jpeg()));
    let refused = b.take(&app, not_jpeg).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains(&format!("href=\"#photo-{}\"", ids[0])), "{}", refused.html);
    assert!(refused.html.contains(&format!("id=\"photo-{}-error\"", ids[0])), "beside its person");
    assert!(refused.html.contains(&format!("id=\"photo-{}\"", ids[1])), "the other still offered");
    let done = b.take(&app, first).await;
    assert_eq!(done.location.as_deref(), Some("/applications/photos?done=attached"));
    let page = b.get(&app, "/applications/photos?done=attached").await;
    assert!(page.html.contains("The photo is attached."));
    assert!(
        !page.html.contains(&format!("id=\"photo-{}\"", ids[0]))
            && page.html.contains(&format!("id=\"photo-{}\"", ids[1]))
    );
    assert_eq!(b.take(&app, second).await.location.as_deref(), Some("/applications/photos?done=attached"));
    assert!(b.get(&app, "/applications/photos").await.html.contains("Every application on this page has its photo."));
    for id in &ids {
        let app_page = b.get(&app, &format!("/applications/{id}/check")).await;
        assert!(app_page.html.contains(&format!("/applications/{id}/photo.jpg")), "attached to its own application");
    }
}

/// Item 2 (Q50, Q51): the application list filtered by status shows only that status (both states Q51
/// calls "Completed" under the one name); in "Input completed" the entered applications can be filed
/// together: those with a photo are offered checked, each is filed as if alone, and the next page says which
/// were received (with their temporary receipt numbers, Q33) and what to do about the others (a photo, Q23).
#[tokio::test]
async fn the_list_filters_by_status_and_files_the_entered_together() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let api = login(&app, "TANAKA01").await;
    let filed_before = file(&app, &api, serde_json::to_value(w.another_person().await).unwrap()).await;
    let enter = |body: serde_json::Value| {
        let (app, api) = (app.clone(), &api);
        async move {
            let r = send(&app, api.json("POST", "/api/applications", body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let with_photo = enter(serde_json::to_value(w.another_person().await).unwrap()).await;
    assert_eq!(send(&app, photo_req(&api, &with_photo, jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    let without_photo = enter(serde_json::to_value(w.another_person().await).unwrap()).await;

    let mut b = Browser::english();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let token = b.get(&app, "/").await.hidden("csrf");
    b.post(&app, "/language", &[("lang", "en"), ("back", "/"), ("csrf", &token)]).await;
    let all = b.get(&app, "/applications").await;
    for id in [&filed_before, &with_photo, &without_photo] {
        assert!(all.html.contains(&format!("id=\"application-{id}\"")), "unfiltered, every one is listed");
    }
    assert!(!all.html.contains("name=\"id\""), "no filing form outside \"Input completed\"");

    let entered = b.get(&app, "/applications?status=input_completed").await;
    entered.assert_html(StatusCode::OK);
    assert!(!entered.html.contains(&format!("id=\"application-{filed_before}\"")), "a filed one is not entered");
    let checkbox = |id: &str| {
        let at = entered.html.find(&format!("value=\"{id}\" id=\"file-{id}\"")).expect("a checkbox");
        entered.html[at..at + entered.html[at..].find('>').unwrap()].to_owned()
    };
    // Filing is a choice (#32 item 8): nothing is ticked for the user.
    assert!(!checkbox(&with_photo).contains("checked") && !checkbox(&without_photo).contains("checked"));
    assert!(entered.html.contains(&format!("href=\"/applications/{without_photo}/check\"")), "where to attach it");
    assert!(entered.html.contains("<option value=\"input_completed\" selected"), "the filter shows itself");

    let csrf = entered.hidden("csrf");
    let none = b.post(&app, "/applications/file", &[("csrf", &csrf)]).await;
    assert_eq!(none.location.as_deref(), Some("/applications?status=input_completed&error=none"));
    let refused = b.get(&app, none.location.as_deref().unwrap()).await;
    assert!(refused.html.contains("Select at least one application to file."), "{}", refused.html);
    let forged = b.post(&app, "/applications/file", &[("csrf", "0000"), ("id", &with_photo)]).await;
    forged.assert_html(StatusCode::FORBIDDEN);

    // First the check: who will be filed, and that it cannot be undone; nothing is filed yet.
    let chosen = [("csrf", csrf.as_str()), ("id", with_photo.as_str()), ("id", without_photo.as_str())];
    let check = b.post(&app, "/applications/file", &chosen).await;
    check.assert_html(StatusCode::OK);
    assert!(check.html.contains("2 applications will be filed. Once filed, they cannot be changed."), "{}", check.html);
    assert!(check.html.contains("Not attached (it will not be filed)"));
    assert!(
        w.lines(&w.login("TANAKA01").await.1, 10)
            .await
            .iter()
            .all(|l| l.temporary_receipt_number.is_none() || l.id == filed_before)
    );
    // Filed without ticking the box: the check again, saying so.
    let mut confirmed = chosen.to_vec();
    confirmed.push(("step", "file"));
    let unticked = b.post(&app, "/applications/file", &confirmed).await;
    unticked.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.html.contains("href=\"#confirm-filing\""), "{}", unticked.html);
    confirmed.push(("confirm", "yes"));
    let posted = b.post(&app, "/applications/file", &confirmed).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.html);
    let result = b.get(&app, posted.location.as_deref().unwrap()).await;
    result.assert_html(StatusCode::OK);
    let lines = w.lines(&w.login("TANAKA01").await.1, 10).await;
    let line = |id: &str| lines.iter().find(|l| l.id == id).unwrap();
    let number = line(&with_photo).temporary_receipt_number.clone().expect("the one with a photo was filed");
    assert!(line(&without_photo).temporary_receipt_number.is_none(), "the one without a photo was not");
    assert!(result.html.contains(&number), "{}", result.html);
    assert!(result.html.contains("1 application has been received."));
    let not_filed = &result.html[result.html.find("Not filed").expect("the others, apart")..];
    assert!(
        not_filed.contains("No photo is attached.")
            && not_filed.contains(&format!("/applications/{without_photo}/check"))
    );
    // Reloading the result files nothing more; it reads where they stand.
    let again = b.get(&app, posted.location.as_deref().unwrap()).await;
    assert!(again.html.contains(&number));

    let completed = b.get(&app, "/applications?status=application_completed").await;
    assert!(completed.html.contains(&format!("id=\"application-{with_photo}\"")));
    assert!(completed.html.contains(&format!("id=\"application-{filed_before}\"")));
    assert!(!completed.html.contains(&format!("id=\"application-{without_photo}\"")));
    b.get(&app, "/applications?status=approved").await.assert_html(StatusCode::BAD_REQUEST);
}

/// Item 2 (Q40–Q43): blanket input from the pages. The menu offers each input screen's template and a new
/// upload; the upload's page holds a form that sends the file straight to the object store (no script; the
/// page's policy lets that one form post there and nowhere else); once the file is processed, the same page
/// gives the counts and each error with its sheet, row, column, value and rule, the printable list, and the
/// way on to filing the registered rows. An upload whose 15 minutes passed offers no form.
#[tokio::test]
async fn blanket_input_from_the_template_to_the_error_list() {
    use zairyu_blanket::columns::columns;
    use zairyu_domain::status_of_residence::ScreenGroup;
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let token = b.get(&app, "/").await.hidden("csrf");
    b.post(&app, "/language", &[("lang", "en"), ("back", "/"), ("csrf", &token)]).await;

    let menu = b.get(&app, "/blanket").await;
    menu.assert_html(StatusCode::OK);
    for g in ScreenGroup::ALL {
        assert!(menu.html.contains(&format!("<option value=\"{}\">{}</option>", g.code(), g.name_en())), "{g:?}");
    }
    assert!(menu.html.contains("300 people"), "Q41's limit is stated");
    let template = b.get(&app, "/blanket/template?screen_group=work").await;
    assert_eq!(template.status, StatusCode::OK);
    assert_eq!(
        template.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    b.get(&app, "/blanket/template?screen_group=nope").await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    let none = b.get(&app, "/blanket/template?screen_group=student&procedure=work_certificate").await;
    none.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.html.contains("choose another input screen"), "in the user's words: {}", none.html);
    assert!(!none.html.contains("screen_group"), "no key shown: {}", none.html);

    let csrf = menu.hidden("csrf");
    b.post(&app, "/blanket/uploads", &[("csrf", "0000")]).await.assert_html(StatusCode::FORBIDDEN);
    let started = b.post(&app, "/blanket/uploads", &[("csrf", &csrf)]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.html);
    let here = started.location.unwrap();
    let id = here.trim_start_matches("/blanket/uploads/").to_owned();
    let waiting = b.get(&app, &here).await;
    waiting.assert_html(StatusCode::OK);
    assert!(waiting.html.contains(&format!(
        "<form method=\"post\" action=\"http://127.0.0.1:8080/local-upload-form\" enctype=\"multipart/form-data\" data-name-to=\"{here}/name\" data-csrf=\"{csrf}\">"
    )), "{}", waiting.html);
    // #32 item 10: the page's script tells the file's name first (the form to the store cannot): only with
    // the form's token, only a name that can be shown, only once, and only while the upload waits for it.
    let name_to = format!("{here}/name");
    b.post(&app, &name_to, &[("csrf", "0000"), ("name", "x.xlsx")]).await.assert_html(StatusCode::FORBIDDEN);
    b.post(&app, &name_to, &[("csrf", &csrf), ("name", "")]).await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        b.post(&app, &name_to, &[("csrf", &csrf), ("name", "社員一覧.xlsx")]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(b.post(&app, &name_to, &[("csrf", &csrf), ("name", "other.xlsx")]).await.status, StatusCode::NO_CONTENT);
    let named = b.get(&app, &here).await;
    assert!(named.html.contains("<dd>社員一覧.xlsx</dd>") && !named.html.contains("other.xlsx"), "{}", named.html);
    assert!(waiting.html.contains(&format!("name=\"success_action_redirect\" value=\"http://127.0.0.1:8080{here}\"")));
    assert!(waiting.html.contains(&format!("name=\"key\" value=\"uploads/org1/{id}.xlsx\"")));
    assert!(waiting.html.contains("type=\"file\" name=\"file\" required"));
    let policy = waiting.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(policy.contains("form-action 'self' http://127.0.0.1:8080;"), "{policy}");
    let elsewhere = b.get(&app, "/blanket").await;
    let policy = elsewhere.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(policy.contains("form-action 'self';"), "other pages post to us only: {policy}");

    // The store took the file and the batch-upload function processed it (as S3's event makes it do).
    let mut rows = w.blanket_people(3).await;
    let postcode = columns().iter().position(|c| c.field == "postcode").unwrap();
    rows[1][postcode] = "12".into();
    // The office as the template's list names it, in Japanese.
    let office = columns().iter().position(|c| c.field == "receiving_office").unwrap();
    rows[1][office] = "東京出入国在留管理局".into();
    let bytes = zairyu_blanket::template::workbook(ScreenGroup::Work, &rows).unwrap();
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    zairyu_blanket::process(&w.svc.blanket, &org, &id, &bytes).await.unwrap();
    let done = b.get(&app, &here).await;
    done.assert_html(StatusCode::OK);
    assert!(!done.html.contains("enctype=\"multipart/form-data\""), "no form once the file is in");
    assert!(done.html.contains("2 registered.") && done.html.contains("1 could not be registered"), "{}", done.html);
    let body = &done.html[done.html.find("<tbody>").unwrap()..];
    let error_row = &body[..body.find("</tbody>").unwrap()];
    assert_eq!(error_row.matches("<tr>").count(), 1, "one error: {error_row}");
    // The second person's row is row 5 of the sheet (its header rows first); the postcode is column J.
    for cell in [">申請 Applications</td>", ">5</td>", ">J Postcode</td>", ">12</td>", "Postcode must be 7 digits"] {
        assert!(error_row.contains(cell), "{cell}: {error_row}");
    }
    assert!(!error_row.contains("postcode.format"), "no rule code before users: {error_row}");
    assert!(done.html.contains(&format!("href=\"/api/blanket/uploads/{id}/errors.html\"")), "printable (Q43)");
    assert!(done.html.contains("href=\"/applications?status=input_completed\""), "on to filing them");
    let listed = b.get(&app, "/blanket").await;
    assert!(listed.html.contains(&format!("href=\"/blanket/uploads/{id}\"")), "the menu lists the upload");
    assert!(listed.html.contains("社員一覧.xlsx"), "by the clerk's name for the file");
    let mail =
        w.jobs().await.into_iter().find(|j| j.kind == NotificationKind::BlanketUploadFailed).expect("the result");
    assert_eq!(mail.data["file_name"], "社員一覧.xlsx", "the e-mail names it too");
    let told_late = b.post(&app, &name_to, &[("csrf", &csrf), ("name", "late.xlsx")]).await;
    assert_eq!(told_late.status, StatusCode::NO_CONTENT);
    assert!(!b.get(&app, "/blanket").await.html.contains("late.xlsx"), "nothing changes once the file is in");

    // Q42: the row in error is an item of the list, which leads to its errors and to its correction: the
    // form with the row as typed and the error beside its field; corrected, it is Input completed.
    let in_error = b.get(&app, "/applications?status=error_blanket_registration").await;
    let marker = "scope=\"row\"><a href=\"/applications/";
    let at = in_error.html.find(marker).expect("the entry is listed");
    let entry = in_error.html[at + marker.len()..].split('"').next().unwrap().to_owned();
    let page = b.get(&app, &format!("/applications/{entry}")).await;
    assert!(page.html.contains(&format!("href=\"/applications/{entry}/correct\"")), "{}", page.html);
    let form = b.get(&app, &format!("/applications/{entry}/correct")).await;
    form.assert_html(StatusCode::OK);
    assert!(form.html.contains("Row 5 of the blanket file"), "{}", form.html);
    assert!(form.html.contains(&format!("action=\"/applications/{entry}/correct\"")));
    assert!(form.html.contains("href=\"#postcode\"") && form.html.contains("value=\"12\""), "beside its field");
    assert!(form.html.contains("aria-invalid=\"true\""));
    assert!(form.html.contains("<option value=\"tokyo\" selected>"), "the office the row named is chosen");
    let mut input = zairyu_domain::fixtures::application_input();
    input.residence_card_number = blanket_card(1);
    let mut fields = form_fields(&input);
    fields.push(("csrf".into(), form.hidden("csrf")));
    let mut wrong = fields.clone();
    wrong.iter_mut().filter(|(k, _)| k == "postcode").for_each(|(_, v)| *v = "1".into());
    fn pairs_ref(f: &[(String, String)]) -> Vec<(&str, &str)> {
        f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    let again = b.post(&app, &format!("/applications/{entry}/correct"), &pairs_ref(&wrong)).await;
    again.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.html.contains("Row 5 of the blanket file") && again.html.contains("href=\"#postcode\""));
    let corrected = b.post(&app, &format!("/applications/{entry}/correct"), &pairs_ref(&fields)).await;
    assert_eq!(
        corrected.location.as_deref(),
        Some(format!("/applications/{entry}/check").as_str()),
        "{}",
        corrected.html
    );
    let shown = b.get(&app, &format!("/applications/{entry}")).await;
    assert!(shown.html.contains("Input completed") && !shown.html.contains("/correct\""), "{}", shown.html);
    // Back to the form, or the same post again (a second tab): the application's check page, not a second one.
    let back = b.get(&app, &format!("/applications/{entry}/correct")).await;
    assert_eq!(back.location.as_deref(), Some(format!("/applications/{entry}/check").as_str()));
    let twice = b.post(&app, &format!("/applications/{entry}/correct"), &pairs_ref(&fields)).await;
    assert_eq!(twice.location.as_deref(), Some(format!("/applications/{entry}/check").as_str()), "{}", twice.html);

    // An upload whose time to take a file passed offers no form.
    let late = b.post(&app, "/blanket/uploads", &[("csrf", &csrf)]).await.location.unwrap();
    w.clock.advance(chrono::Duration::minutes(16));
    let expired = b.get(&app, &late).await;
    expired.assert_html(StatusCode::OK);
    assert!(expired.html.contains("(15 minutes) is over") && !expired.html.contains("multipart/form-data"));
    // Another organization's upload is not found.
    b.get(&app, "/blanket/uploads/not-an-upload").await.assert_html(StatusCode::NOT_FOUND);
}

/// The table as the services see it in `the_service_s_own_failures_are_pages_that_say_so`: queries fail
/// while `down` is set (the store cannot be reached); single reads, and so logging in, keep working.
struct QueriesDown {
    inner: std::sync::Arc<dyn zairyu_app::ports::Table>,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[async_trait::async_trait]
impl zairyu_app::ports::Table for QueriesDown {
    async fn get(
        &self,
        key: &zairyu_app::ports::Key,
    ) -> Result<Option<zairyu_app::ports::Item>, zairyu_app::ports::StoreError> {
        self.inner.get(key).await
    }
    async fn get_many(
        &self,
        keys: &[zairyu_app::ports::Key],
    ) -> Result<Vec<Option<zairyu_app::ports::Item>>, zairyu_app::ports::StoreError> {
        self.inner.get_many(keys).await
    }
    async fn put(
        &self,
        item: zairyu_app::ports::Item,
        c: zairyu_app::ports::Condition,
    ) -> Result<(), zairyu_app::ports::StoreError> {
        self.inner.put(item, c).await
    }
    async fn delete(
        &self,
        key: &zairyu_app::ports::Key,
        c: zairyu_app::ports::Condition,
    ) -> Result<(), zairyu_app::ports::StoreError> {
        self.inner.delete(key, c).await
    }
    async fn query(
        &self,
        q: &zairyu_app::ports::Query,
    ) -> Result<zairyu_app::ports::Page, zairyu_app::ports::StoreError> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(zairyu_app::ports::StoreError::unavailable("injected: the table cannot be reached"));
        }
        self.inner.query(q).await
    }
    async fn increment(
        &self,
        key: &zairyu_app::ports::Key,
        attribute: &str,
        by: i64,
        expires_at: Option<i64>,
    ) -> Result<i64, zairyu_app::ports::StoreError> {
        self.inner.increment(key, attribute, by, expires_at).await
    }
    async fn transact(&self, writes: Vec<zairyu_app::ports::Write>) -> Result<(), zairyu_app::ports::StoreError> {
        self.inner.transact(writes).await
    }
}

/// Item 2: what goes wrong on our side is a page in the user's language, never JSON or a bare status: a
/// store that cannot be reached is 503 ("unavailable, try again later"), a record that does not read (our
/// bug, or damage) is 500 ("a problem with the service; what you entered may not have been saved"). Neither
/// shows the dependency's own text.
#[tokio::test]
async fn the_service_s_own_failures_are_pages_that_say_so() {
    use zairyu_app::ports::{Attr, Condition, Item, Table};
    let table: std::sync::Arc<dyn Table> = std::sync::Arc::new(zairyu_embedded::SqliteTable::in_memory().unwrap());
    let down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = down.clone();
    let w = World::wrapped(table.clone(), move |mut wiring| {
        wiring.table = std::sync::Arc::new(QueriesDown { inner: wiring.table, down: flag });
        wiring
    })
    .await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    b.log_in(&app, "TANAKA01", PASSWORD, "").await;

    down.store(true, std::sync::atomic::Ordering::SeqCst);
    let unavailable = b.get(&app, "/applications").await;
    unavailable.assert_html(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(unavailable.lang(), "ja");
    assert!(unavailable.html.contains("ただいまご利用いただけません"), "{}", unavailable.html);
    assert!(!unavailable.html.contains("injected"), "the dependency's text stays in the log");
    down.store(false, std::sync::atomic::Ordering::SeqCst);
    b.get(&app, "/applications").await.assert_html(StatusCode::OK);

    // An application record that does not read as one.
    let item: Item = [
        ("pk".to_owned(), Attr::S("APP#broken".into())),
        ("sk".to_owned(), Attr::S("APP".into())),
        ("doc".to_owned(), Attr::S("{\"not\": \"an application\"}".into())),
        ("version".to_owned(), Attr::N(1)),
    ]
    .into_iter()
    .collect();
    table.put(item, Condition::None).await.unwrap();
    let broken = b.get(&app, "/applications/broken").await;
    broken.assert_html(StatusCode::INTERNAL_SERVER_ERROR);
    assert!(broken.html.contains("システムで問題が発生しました"), "{}", broken.html);
    assert!(broken.html.contains("保存されていない可能性があります"));
}

/// Item 2: each refusal of the log-in form says what happened and what to do, in the visitor's language,
/// on the form again with the user ID kept and no session: a wrong password; locked for 24 hours after five
/// in a row, even with the right one (Q96); a suspended user; a password a year old (Q97), with the way to
/// set a new one on the same page.
#[tokio::test]
async fn each_log_in_refusal_is_told_on_the_page() {
    use zairyu_app::services::counter::UserAction;
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::default();
    let wrong = b.log_in(&app, "TANAKA01", "Wrong#pass1", "").await;
    wrong.assert_html(StatusCode::UNAUTHORIZED);
    assert!(wrong.html.contains("利用者IDまたはパスワードが正しくありません。"), "{}", wrong.html);
    assert!(wrong.html.contains("value=\"TANAKA01\"") && wrong.html.contains("href=\"#user_id\""));
    assert!(wrong.html.contains("5回続けて間違えると、24時間"), "the rule is stated before it bites");
    for _ in 0..4 {
        b.log_in(&app, "TANAKA01", "Wrong#pass1", "").await;
    }
    let locked = b.log_in(&app, "TANAKA01", PASSWORD, "").await;
    locked.assert_html(StatusCode::FORBIDDEN);
    // Locked until 24 hours after the fifth guess, as Japan's clocks show it.
    assert!(locked.html.contains("2026-11-28 10:00までロックされています"), "{}", locked.html);
    assert!(b.cookie("zairyu_session").is_none());

    let (_, clerk) = w.login("CLERK01").await;
    w.svc.counter.office_user_action(&clerk, "SUZUKI02", UserAction::Suspend).await.unwrap();
    let mut en = Browser::english();
    let suspended = en.log_in(&app, "SUZUKI02", PASSWORD, "").await;
    suspended.assert_html(StatusCode::FORBIDDEN);
    assert_eq!(suspended.lang(), "en");
    assert!(suspended.html.contains("this user's use of the system is suspended"), "{}", suspended.html);
    assert!(en.cookie("zairyu_session").is_none());

    w.svc.counter.office_user_action(&clerk, "SUZUKI02", UserAction::Resume).await.unwrap();
    // SUZUKI02's password was set on 2026-06-01: a year on, it has expired.
    w.clock.advance(chrono::Duration::days(190));
    let expired = en.log_in(&app, "SUZUKI02", PASSWORD, "").await;
    expired.assert_html(StatusCode::FORBIDDEN);
    assert!(expired.html.contains("the password expired on 2027-06-01"), "{}", expired.html);
    assert!(expired.html.contains("href=\"/password/forgotten\""), "the way to a new one");
    assert!(en.cookie("zairyu_session").is_none());
}

/// #18 items 1, 2, 5: an officer logs in to the office's queue; the filed application waits in "Application
/// completed" with its count, oldest first; its page shows the form, the list entry, the steps the roles
/// allow and its history; each step posts and comes back (303), a step that cannot be undone is refused
/// until confirmed, a wrong period is refused beside its field; the card is posted and its delivery
/// recorded. Another office's officer is told the application does not exist; an organization's user is
/// refused the office's pages.
#[tokio::test]
async fn the_office_examines_an_application_to_its_card_by_post_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let id = file(&app, &tanaka, serde_json::to_value(zairyu_domain::fixtures::application_input()).unwrap()).await;
    let temporary = w.svc.applications.application(&w.login("TANAKA01").await.1, &id).await.unwrap();
    let temporary = temporary.temporary_receipt_number().unwrap().to_string();

    let mut b = Browser::english();
    let landed = b.log_in_in_english(&app, "OFFICER1").await;
    assert_eq!(landed.location.as_deref(), Some("/office"), "an officer lands on the queue");
    let queue = b.get(&app, "/office").await;
    queue.assert_html(StatusCode::OK);
    assert!(
        queue.html.contains("aria-current=\"page\">Application completed <span class=\"count\">1</span>"),
        "{}",
        queue.html
    );
    assert!(queue.html.contains("Under examination <span class=\"count\">0</span>"));
    assert!(queue.html.contains(">Extension of the period of stay</td>"), "the queue shows the procedure");
    assert!(queue.html.contains(&format!("href=\"/office/applications/{id}\">{temporary}</a>")));
    assert!(queue.html.contains("href=\"/office\">Applications to process</a>"), "the officers' navigation");
    // The organization by its name, not its ID (#32 item 5).
    assert!(queue.html.contains("href=\"/office/organizations/org1\">Sakura Systems K.K.</a>"), "{}", queue.html);
    b.get(&app, "/office?status=denied").await.assert_html(StatusCode::BAD_REQUEST);

    // Search: the temporary receipt number leads to the application; a card number lists its applications.
    let found = b.office_search(&app, &temporary.to_lowercase()).await;
    assert_eq!(found.location.as_deref(), Some(format!("/office/applications/{id}").as_str()));
    // In full-width letters too (#32 item 7).
    let wide: String = temporary
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    let found = b.office_search(&app, &wide).await;
    assert_eq!(found.location.as_deref(), Some(format!("/office/applications/{id}").as_str()));
    let by_card = b.office_search(&app, "AB12345678CD").await;
    assert!(by_card.html.contains(&format!("href=\"/office/applications/{id}\"")), "{}", by_card.html);
    let none = b.office_search(&app, "TMP-20260101-NOTHING1").await;
    assert!(none.html.contains("No application or organization of this office has this number or name."));

    let here = format!("/office/applications/{id}");
    let page = b.get(&app, &here).await;
    page.assert_html(StatusCode::OK);
    assert!(page.html.contains(">Sakura Systems K.K.</a>"), "the organization by its name");
    assert!(page.html.contains("<dd>Tanaka Hanako (TANAKA01)</dd>"), "who filed, by name: {}", page.html);
    assert!(page.html.contains("Extension of the period of stay"), "the procedure by its name");
    assert!(page.html.contains(">Tanaka Hanako (TANAKA01)</td>"), "the history names its users");
    for text in [
        "NGUYEN,VAN,AN",
        "The entry of the List of Affiliated Foreign Nationals it was checked against",
        "Start the examination",
        "History, oldest first",
        "filed",
        "photo.jpg",
    ] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    assert!(!page.html.contains("Decide: permit or deny"), "not before the examination has started");
    let csrf = page.hidden("csrf");
    let step = |s: &'static str| vec![("csrf", csrf.clone()), ("step", s.to_owned())];
    // Q63: a wrongly attached photo is replaced from the page (a JPEG only).
    let photo = |bytes: &[u8]| {
        let (ct, body) = multipart(&[("csrf", None, csrf.as_bytes()), ("photo", Some("new.jpg"), bytes)]);
        b.request("POST", &format!("{here}/photo")).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()
    };
    let (not_jpeg, jpeg_photo) = (photo(b"GIF89a not a jpeg"), photo(&jpeg()));
    let refused = b.take(&app, not_jpeg).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("href=\"#photo-file\""), "{}", refused.html);
    assert_eq!(b.take(&app, jpeg_photo).await.location.as_deref(), Some(format!("{here}?done=replace_photo").as_str()));
    let started = b.post_owned(&app, &here, &step("start_examination")).await;
    assert_eq!(started.location.as_deref(), Some(format!("{here}?done=start_examination").as_str()));
    let page = b.get(&app, started.location.as_deref().unwrap()).await;
    assert!(
        page.html.contains("<strong>Under examination</strong>") && page.html.contains("Done: the step is recorded.")
    );

    // #32 item 7: the periods offered each say the expiry they give, counted from the day after the current
    // expiry (2027-01-20); the one asked for is marked.
    let under = b.get(&app, &here).await;
    assert!(under.html.contains("3 years (until 2030-01-20)") && under.html.contains("1 year (until 2028-01-20)"));
    assert!(under.html.contains("6 months (until 2027-07-20)"), "{}", under.html);
    assert!(under.html.contains(": as asked for"));
    // Permission cannot be undone: refused until confirmed — the error beside the box, the period chosen kept.
    let mut permit = step("decide");
    permit.extend([("decision", "permit".to_owned()), ("period", "3Y".to_owned())]);
    let unconfirmed = b.post_owned(&app, &here, &permit).await;
    unconfirmed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.html.contains("href=\"#confirm-decide\""), "{}", unconfirmed.html);
    assert!(unconfirmed.html.contains("id=\"confirm-decide-error\""), "beside the box: {}", unconfirmed.html);
    assert!(unconfirmed.html.contains("value=\"3Y\" checked"), "the period chosen is kept");
    permit.push(("confirm", "yes".to_owned()));
    // Another period that does not read is refused beside its field, as typed, the box still ticked.
    let other = |typed: &str| {
        let mut p: Vec<_> = permit.iter().filter(|(k, _)| *k != "period").cloned().collect();
        p.extend([("period", "other".to_owned()), ("period_other", typed.to_owned())]);
        p
    };
    let refused = b.post_owned(&app, &here, &other("three yeers")).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("href=\"#period_other\"") && refused.html.contains("id=\"period_other-error\""));
    assert!(
        refused.html.contains("value=\"three yeers\"")
            && refused.html.contains("name=\"confirm\" value=\"yes\" checked")
    );
    // Another period that reads is shown with its expiry to check, listed and chosen; pressing Permit again
    // then permits it.
    let shown = b.post_owned(&app, &here, &other("2年")).await;
    shown.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shown.html.contains("A period of 2 years ends on 2029-01-20. Check it, then press Permit again."));
    assert!(shown.html.contains("value=\"2Y\" checked"), "{}", shown.html);
    let still = b.get(&app, &here).await;
    assert!(still.html.contains("<strong>Under examination</strong>"), "nothing decided yet");
    let mut two_years: Vec<_> = permit.iter().filter(|(k, _)| *k != "period").cloned().collect();
    two_years.push(("period", "2Y".to_owned()));
    // A decision posted without saying which is refused, never read as a permission.
    let undecided: Vec<_> = permit.iter().filter(|(k, _)| *k != "decision").cloned().collect();
    let refused = b.post_owned(&app, &here, &undecided).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("Press either Permit or Deny"), "{}", refused.html);
    assert!(refused.html.contains("<strong>Under examination</strong>"));
    assert!(b.post_owned(&app, &here, &two_years).await.location.is_some());
    let waiting = b.get(&app, &here).await;
    assert!(waiting.html.contains("period 2 years, until 2029-01-20"), "{}", waiting.html);
    assert!(
        waiting.html.contains("<strong>Waiting for issuance</strong>")
            && waiting.html.contains("Record what arrived by post")
            && !waiting.html.contains("Post the residence card"),
        "the card is offered to be posted once the signed fee notice is recorded"
    );

    // The card cannot go before the signed fee notice arrived (the domain's refusal, on the page).
    let mut issue = step("issue_card_by_post");
    issue.extend([("dispatched_on", "2026-11-30".to_owned()), ("confirm", "yes".to_owned())]);
    b.post_owned(&app, &here, &issue).await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    let mut docs = step("record_post_documents");
    docs.extend([
        ("fee_notice_received", "yes".into()),
        ("fee_notice_signed", "yes".into()),
        ("old_card_returned", "yes".into()),
    ]);
    assert!(b.post_owned(&app, &here, &docs).await.location.is_some());
    assert!(b.get(&app, &here).await.html.contains("Post the residence card"));
    assert!(b.post_owned(&app, &here, &issue).await.location.is_some());
    let mut delivered = step("record_delivery");
    delivered.push(("delivered_on", "2026-12-01".to_owned()));
    assert!(b.post_owned(&app, &here, &delivered).await.location.is_some());
    let done = b.get(&app, &here).await;
    assert!(done.html.contains("Delivered on") && done.html.contains("Your roles allow nothing more"));
    for what in [
        "photo replaced",
        "examination started",
        "permitted",
        "post received recorded",
        "card posted",
        "delivery recorded",
    ] {
        assert!(done.html.contains(what), "history: {what}");
    }

    // Another office's officer: not found; an organization's user: not the office's pages.
    let mut osaka = Browser::english();
    osaka.log_in_in_english(&app, "OSAKA01").await;
    osaka.get(&app, &here).await.assert_html(StatusCode::NOT_FOUND);
    osaka.get(&app, &format!("{here}/photo.jpg")).await.assert_html(StatusCode::NOT_FOUND);
    let mut staff = Browser::english();
    staff.log_in(&app, "TANAKA01", PASSWORD, "").await;
    staff.get(&app, "/office").await.assert_html(StatusCode::FORBIDDEN);
    staff.get(&app, &here).await.assert_html(StatusCode::FORBIDDEN);
}

/// #18 item 4 (Q25): an admin publishes a notice of a maintenance typed in Japan time, the top page shows
/// it, and withdraws it once confirmed; an officer without the admin role sees the notices and no form.
#[tokio::test]
async fn an_admin_publishes_and_withdraws_a_notice_in_pages() {
    use zairyu_domain::office::Office;
    use zairyu_domain::status::OfficerRole;
    let w = World::new().await;
    w.seed_officer("ADMIN01", Office::Tokyo, vec![OfficerRole::Admin]).await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "ADMIN01").await;
    let page = b.get(&app, "/office/notices").await;
    page.assert_html(StatusCode::OK);
    assert!(page.html.contains("No notice is shown now.") && page.html.contains("action=\"/office/notices\""));
    let csrf = page.hidden("csrf");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title_ja", "メンテナンスのお知らせ"),
        ("title_en", "Planned maintenance"),
        ("body_ja", "システムを停止します。"),
        ("body_en", "The system will be stopped."),
        ("maintenance_from", "2026-12-20 01:00"),
        ("maintenance_until", "2026-12-19 06:00"),
    ];
    let refused = b.post(&app, "/office/notices", &fields).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("href=\"#maintenance_until\"") && refused.html.contains("value=\"Planned maintenance\"")
    );
    fields[6].1 = "2026-12-20 06:00";
    let published = b.post(&app, "/office/notices", &fields).await;
    assert_eq!(published.location.as_deref(), Some("/office/notices?done=published"), "{}", published.html);
    // The top page is the log-in function's, whose instance reads the notices once a minute.
    w.clock.advance(zairyu_app::services::NOTICES_CACHED_FOR);
    let top = Browser::english().get(&app, "/").await;
    assert!(
        top.html.contains("Planned maintenance") && top.html.contains("2026-12-20 01:00 – 2026-12-20 06:00"),
        "{}",
        top.html
    );

    let listed = b.get(&app, "/office/notices").await;
    let marker = "action=\"/office/notices/";
    let at = listed.html.find(marker).unwrap();
    let withdraw = format!("/office/notices/{}", listed.html[at + marker.len()..].split('"').next().unwrap());
    b.post(&app, &withdraw, &[("csrf", &csrf)]).await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    let done = b.post(&app, &withdraw, &[("csrf", &csrf), ("confirm", "yes")]).await;
    assert_eq!(done.location.as_deref(), Some("/office/notices?done=withdrawn"));
    w.clock.advance(zairyu_app::services::NOTICES_CACHED_FOR);
    assert!(!Browser::english().get(&app, "/").await.html.contains("Planned maintenance"));

    let mut officer = Browser::english();
    officer.log_in_in_english(&app, "OFFICER1").await;
    let plain = officer.get(&app, "/office/notices").await;
    plain.assert_html(StatusCode::OK);
    assert!(
        plain.html.contains("by an officer with the admin role") && !plain.html.contains("action=\"/office/notices\"")
    );
}

/// #18 item 3 (Q79, Q92–Q96): the counter finds a user by e-mail address, sees the lock after five wrong
/// passwords and lifts it, suspends and resumes the use (the user is refused, then let in), and cancels it
/// only once confirmed; a cancelled user is offered nothing more.
#[tokio::test]
async fn the_counter_finds_a_user_and_acts_on_it_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut tanaka = Browser::default();
    for _ in 0..5 {
        tanaka.log_in(&app, "TANAKA01", "Wrong#pass1", "").await;
    }
    let mut b = Browser::english();
    b.log_in_in_english(&app, "CLERK01").await;
    let found = b.office_users(&app, &[("email", "tanaka@sakura.example.jp")]).await;
    found.assert_html(StatusCode::OK);
    assert!(found.html.contains("href=\"/office/users/TANAKA01\""), "{}", found.html);
    // The user's organization by its name, not its ID (#32 item 5).
    assert!(found.html.contains(">Sakura Systems K.K.</td>") && !found.html.contains(">org1</td>"), "{}", found.html);
    let bad = b.office_users(&app, &[("email", "not-an-address")]).await;
    assert!(bad.html.contains("href=\"#email\""), "{}", bad.html);
    // By organization and (part of) the name, too.
    let by_name = b.office_users(&app, &[("organization", "org1"), ("name", "hanako")]).await;
    assert!(by_name.html.contains("href=\"/office/users/TANAKA01\""), "{}", by_name.html);
    let nobody = b.office_users(&app, &[("organization", "org1"), ("name", "suzuki")]).await;
    assert!(nobody.html.contains("No user matches.") && !nobody.html.contains("TANAKA01\""));
    let unknown = b.office_users(&app, &[("organization", "no-such-org")]).await;
    assert!(unknown.html.contains("href=\"#organization\""), "{}", unknown.html);
    let page = b.get(&app, "/office/users/TANAKA01").await;
    assert!(page.html.contains("Lift the lock") && page.html.contains("(Japan time), until then"), "{}", page.html);
    assert!(page.html.contains("<dd>Sakura Systems K.K.</dd>"), "{}", page.html);
    let csrf = page.hidden("csrf");
    let act = |action: &'static str| vec![("csrf", csrf.clone()), ("action", action.to_owned())];
    assert!(b.post_owned(&app, "/office/users/TANAKA01", &act("lift_lockout")).await.location.is_some());
    assert_eq!(tanaka.log_in(&app, "TANAKA01", PASSWORD, "").await.status, StatusCode::SEE_OTHER, "the lock is lifted");
    assert!(b.post_owned(&app, "/office/users/TANAKA01", &act("suspend")).await.location.is_some());
    assert_eq!(Browser::default().log_in(&app, "TANAKA01", PASSWORD, "").await.status, StatusCode::FORBIDDEN);
    let suspended = b.get(&app, "/office/users/TANAKA01").await;
    assert!(suspended.html.contains("Suspended") && suspended.html.contains("Resume the use"));
    assert!(b.post_owned(&app, "/office/users/TANAKA01", &act("resume")).await.location.is_some());
    b.post_owned(&app, "/office/users/TANAKA01", &act("cancel")).await.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    let mut cancel = act("cancel");
    cancel.push(("confirm", "yes".to_owned()));
    assert!(b.post_owned(&app, "/office/users/TANAKA01", &cancel).await.location.is_some());
    let cancelled = b.get(&app, "/office/users/TANAKA01").await;
    assert!(cancelled.html.contains("There is nothing to do for this user."), "{}", cancelled.html);
    // Nor does a form kept open from before (Q95): a cancelled use is not resumed.
    let resumed = b.post_owned(&app, "/office/users/TANAKA01", &act("resume")).await;
    resumed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resumed.html.contains("has been cancelled"), "{}", resumed.html);
    assert_eq!(Browser::default().log_in(&app, "TANAKA01", PASSWORD, "").await.status, StatusCode::FORBIDDEN);
    // Another office's counter finds the user too (Q92–Q97: the nearest office), and may do what the user
    // came for there: not resume a use (the organization's office's), nothing at all for a cancelled one.
    let mut osaka = Browser::english();
    osaka.log_in_in_english(&app, "OSAKA01").await;
    let there = osaka.get(&app, "/office/users/TANAKA01").await;
    there.assert_html(StatusCode::OK);
    assert!(there.html.contains("There is nothing to do for this user."), "{}", there.html);
    let page = osaka.get(&app, "/office/users/SUZUKI02").await;
    assert!(
        page.html.contains("Send a link to set a new password") && !page.html.contains("Suspend the use"),
        "{}",
        page.html
    );
    let csrf = page.hidden("csrf");
    let suspend = vec![("csrf", csrf.clone()), ("action", "suspend".to_owned())];
    osaka.post_owned(&app, "/office/users/SUZUKI02", &suspend).await.assert_html(StatusCode::FORBIDDEN);
}

/// #18 item 7: an admin creates another officer of its office with roles; the officer is e-mailed the link,
/// sets a password with it and lands on the office's queue. An ID taken or no role is refused beside its
/// field; an officer without the admin role gets no form and is refused the post.
#[tokio::test]
async fn an_admin_creates_an_officer_who_sets_a_password_from_the_e_mail() {
    use zairyu_domain::office::Office;
    use zairyu_domain::status::OfficerRole;
    let w = World::new().await;
    w.seed_officer("ADMIN01", Office::Tokyo, vec![OfficerRole::Admin]).await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "ADMIN01").await;
    let page = b.get(&app, "/office/officers").await;
    page.assert_html(StatusCode::OK);
    let csrf = page.hidden("csrf");
    let base = [("csrf", csrf.as_str()), ("name", "Suzuki Ichiro"), ("email", "suzuki@tokyo.immi.example.jp")];
    let with = |id: &'static str, roles: &[&'static str]| {
        let mut f: Vec<(&str, &str)> = base.to_vec();
        f.push(("user_id", id));
        f.extend(roles.iter().map(|r| ("role", *r)));
        f
    };
    let no_role = b.post(&app, "/office/officers", &with("EXAM02", &[])).await;
    no_role.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_role.html.contains("href=\"#roles\""), "{}", no_role.html);
    let taken = b.post(&app, "/office/officers", &with("CLERK01", &["counter"])).await;
    taken.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.html.contains("href=\"#user_id\"") && taken.html.contains("this user ID is taken"));
    let created = b.post(&app, "/office/officers", &with("EXAM02", &["examiner", "issuance"])).await;
    assert_eq!(created.location.as_deref(), Some("/office/officers?created=EXAM02"), "{}", created.html);

    let setup = zairyu_domain::notification::NotificationKind::PasswordSetupLink;
    let job = w.jobs().await.into_iter().find(|j| j.kind == setup && j.data["user_id"] == "EXAM02").unwrap();
    let path = job.data["link"].trim_start_matches("https://oras.example.jp").to_owned();
    let mut officer = Browser::english();
    let token = officer.open_link(&app, &path).await.hidden("token");
    let set = officer
        .post(&app, "/password", &[("token", &token), ("password", "Exam#2026x"), ("confirm", "Exam#2026x")])
        .await;
    assert_eq!(set.location.as_deref(), Some("/login?reason=password_set"));
    assert_eq!(officer.log_in(&app, "EXAM02", "Exam#2026x", "").await.location.as_deref(), Some("/office"));
    let (_, admin) = w.login("ADMIN01").await;
    let roles = vec![OfficerRole::Examiner, OfficerRole::Issuance];
    let kind = zairyu_domain::account::UserKind::Officer { office: Office::Tokyo, roles };
    assert_eq!(w.svc.counter.office_user(&admin, "EXAM02").await.unwrap().user.kind(), &kind);

    let mut clerk = Browser::english();
    clerk.log_in_in_english(&app, "CLERK01").await;
    let plain = clerk.get(&app, "/office/officers").await;
    assert!(
        plain.html.contains("by an officer with the admin role") && !plain.html.contains("action=\"/office/officers\"")
    );
    let token = plain.hidden("csrf");
    let refused = clerk.post(&app, "/office/officers", &[("csrf", &token), ("user_id", "X1"), ("role", "admin")]).await;
    refused.assert_html(StatusCode::FORBIDDEN);
}

/// #18 item 3 (Q14, Q93): the counter opens an organization from its ID (searched, or from an application's
/// page): its profile, approval of use and state, and its users; another office's counter does not find it.
#[tokio::test]
async fn the_counter_opens_an_organization_with_its_users() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "CLERK01").await;
    let found = b.office_search(&app, "org1").await;
    assert_eq!(found.location.as_deref(), Some("/office/organizations/org1"));
    // By its corporate number, too (what the organization knows).
    let by_number = b.office_search(&app, "7000012050002").await;
    assert_eq!(by_number.location.as_deref(), Some("/office/organizations/org1"));
    let unknown = b.office_search(&app, "1010401089234").await;
    assert!(
        unknown.location.is_none()
            && unknown.html.contains("No application or organization of this office has this number or name.")
    );
    let page = b.get(&app, "/office/organizations/org1").await;
    page.assert_html(StatusCode::OK);
    for text in [
        "Sakura Systems K.K.",
        "Approval of use",
        "2026-06-01 approved, until 2027-05-31",
        "In use",
        "href=\"/office/users/TANAKA01\"",
    ] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    let mut osaka = Browser::english();
    osaka.log_in_in_english(&app, "OSAKA01").await;
    osaka.get(&app, "/office/organizations/org1").await.assert_html(StatusCode::NOT_FOUND);
    assert!(osaka.office_search(&app, "org1").await.location.is_none(), "not found by another office");
    assert!(osaka.office_search(&app, "7000012050002").await.location.is_none(), "nor by its number");
}

/// The first hidden `request` of a page (a pending request's decision form).
fn pending_request(page: &Page) -> String {
    page.hidden("request")
}

/// #18 item 3, scenario 1 through the counter's pages (Q1–Q3, Q14–Q20, Q78): an organization registered
/// (each mistake refused beside its field), a new request for use by its staff member recorded (an agent
/// without the written request and a staff member with an office address refused), approved only once
/// confirmed — the requester is e-mailed the user ID and the link — and the approval shown; a change of
/// name recorded. Another office's counter does not find the organization, nor post to it.
#[tokio::test]
async fn the_counter_registers_an_organization_and_approves_its_first_user_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "CLERK01").await;
    let home = b.get(&app, "/office/organizations").await;
    home.assert_html(StatusCode::OK);
    assert!(home.html.contains("No request for use is waiting.") && home.html.contains("Register an organization"));
    let csrf = home.hidden("csrf");
    let org = |kind: &'static str, number: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("kind", kind.to_owned()),
            ("name", "Ume Trading K.K.".to_owned()),
            ("location", "2-1-1 Marunouchi, Chiyoda-ku, Tokyo".to_owned()),
            ("corporate_number", number.to_owned()),
            ("office", "tokyo".to_owned()),
        ]
    };
    let no_kind = b.post_owned(&app, "/office/organizations", &org("", "1010401089234")).await;
    no_kind.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_kind.html.contains("href=\"#kind\"") && no_kind.html.contains("Ume Trading K.K."), "typed kept");
    let bad_number = b.post_owned(&app, "/office/organizations", &org("corporation", "1010401089235")).await;
    bad_number.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_number.html.contains("href=\"#corporate_number\""), "{}", bad_number.html);
    let taken = b.post_owned(&app, "/office/organizations", &org("corporation", "7000012050002")).await;
    taken.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.html.contains("href=\"#corporate_number\""), "org1's number: {}", taken.html);
    let registered = b.post_owned(&app, "/office/organizations", &org("corporation", "1010401089234")).await;
    let at = registered.location.clone().unwrap_or_else(|| panic!("{}", registered.html));
    let (path, _) = at.split_once('?').unwrap();
    let page = b.get(&app, &at).await;
    page.assert_html(StatusCode::OK);
    for text in ["The organization is registered.", "Ume Trading K.K.", "Not approved", "Record a request for use"] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    // The requester's language is asked, the page's own offered first.
    assert!(page.html.contains("id=\"language-en\" name=\"language\" value=\"en\" checked"), "{}", page.html);

    let request = |agent: bool, written: bool, office: &str| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("step", "record_request".to_owned()),
            ("kind", "new".to_owned()),
            ("requester_name", "Tanaka Ichiro".to_owned()),
            ("requester_email", "ichiro@ume.example.jp".to_owned()),
            ("is_agent", if agent { "yes" } else { "no" }.to_owned()),
            ("office_address", office.to_owned()),
            // The requester reads Japanese, though the officer's page is in English (#32 item 3).
            ("language", "ja".to_owned()),
        ];
        if written {
            f.push(("written_request_on_file", "yes".to_owned()));
        }
        f
    };
    let agent = b.post_owned(&app, path, &request(true, false, "2-2-2 Kojimachi")).await;
    agent.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        agent.html.contains("href=\"#written_request_on_file\"")
            && agent.html.contains("request for use needs the organization's written request")
    );
    let staff_office = b.post_owned(&app, path, &request(false, false, "2-2-2 Kojimachi")).await;
    staff_office.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(staff_office.html.contains("href=\"#office_address\""), "{}", staff_office.html);
    let recorded = b.post_owned(&app, path, &request(false, false, "")).await;
    assert!(recorded.location.as_deref().is_some_and(|l| l.contains("done=recorded")), "{}", recorded.html);
    let waiting = b.get(&app, "/office/organizations").await;
    assert!(waiting.html.contains(&format!("href=\"{path}#requests\">Ume Trading K.K.</a>")), "{}", waiting.html);
    // #32 item 7: the office's organizations by name with their state; found by the beginning of a name,
    // however typed (a legal form aside); one found from the search box leads to it.
    for text in ["This office's organizations", "Sakura Systems K.K.", "Ume Trading K.K.", "In use", "Not approved"] {
        assert!(waiting.html.contains(text), "{text}: {}", waiting.html);
    }
    let found = b.get(&app, "/office/organizations?find=%EF%BD%95%EF%BD%8D%EF%BD%85").await; // ｕｍｅ
    assert!(found.html.contains("Ume Trading K.K.") && !found.html.contains(">Sakura Systems K.K.<"), "{}", found.html);
    let none = b.get(&app, "/office/organizations?find=momiji").await;
    assert!(none.html.contains("No organization's name begins so."));
    let one = b.office_search(&app, "Ume").await;
    assert_eq!(one.location.as_deref(), Some(path), "{}", one.html);
    assert!(b.get(&app, "/office/search").await.html.contains("corporate number or organization name"));
    let page = b.get(&app, path).await;
    assert!(page.html.contains("Waiting for a decision") && page.html.contains("E-mail sent to the requester"));
    let id = pending_request(&page);
    let decide = |confirm: bool| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("step", "decide_request".to_owned()),
            ("request", id.clone()),
            ("decision", "approve".to_owned()),
        ];
        if confirm {
            f.push(("confirm", "yes".to_owned()));
        }
        f
    };
    let unconfirmed = b.post_owned(&app, path, &decide(false)).await;
    unconfirmed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.html.contains(&format!("href=\"#confirm-request-{id}\"")), "{}", unconfirmed.html);
    assert!(w.jobs().await.iter().all(|j| j.kind != NotificationKind::RequestForUseApproved), "nothing sent yet");
    let approved = b.post_owned(&app, path, &decide(true)).await;
    assert!(approved.location.as_deref().is_some_and(|l| l.contains("done=approved")), "{}", approved.html);
    let job = w.jobs().await.into_iter().find(|j| j.kind == NotificationKind::RequestForUseApproved).unwrap();
    assert_eq!(job.to[0].email.to_string(), "ichiro@ume.example.jp");
    assert_eq!(job.to[0].language, zairyu_domain::error::Language::Ja, "in the requester's language");
    let user = job.data["user_id"].clone();
    let page = b.get(&app, path).await;
    for text in ["2026-11-27 approved, until 2027-11-26", "Approved", &format!("href=\"/office/users/{user}\"")] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    assert!(!page.html.contains("name=\"request\""), "no decision offered twice");
    // Decided already (a second tab): refused, the page says why.
    let again = b.post_owned(&app, path, &decide(true)).await;
    again.assert_html(StatusCode::UNPROCESSABLE_ENTITY);

    let change = [
        ("csrf", csrf.clone()),
        ("step", "change".to_owned()),
        ("name", "Ume Holdings K.K.".to_owned()),
        ("location", String::new()),
    ];
    let refused = b.post_owned(&app, path, &change).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("href=\"#location\"") && refused.html.contains("Ume Holdings K.K."));
    let mut change = change.to_vec();
    change[3].1 = "3-3-3 Otemachi, Chiyoda-ku, Tokyo".into();
    assert!(b.post_owned(&app, path, &change).await.location.is_some());
    let page = b.get(&app, path).await;
    assert!(page.html.contains("<dd>Ume Holdings K.K.</dd>") && page.html.contains("3-3-3 Otemachi"));

    let mut osaka = Browser::english();
    osaka.log_in_in_english(&app, "OSAKA01").await;
    osaka.get(&app, path).await.assert_html(StatusCode::NOT_FOUND);
    let token = osaka.get(&app, "/office/organizations").await.hidden("csrf");
    let mut change = change.clone();
    change[0].1 = token;
    osaka.post_owned(&app, path, &change).await.assert_html(StatusCode::NOT_FOUND);
    assert!(!osaka.get(&app, "/office/organizations").await.html.contains(path), "not among Osaka's");
}

/// #18 item 3, scenario 11 through the counter's pages (Q72–Q76): no periodic report approved by the
/// expiry, the organization is suspended the day after and its page says so; the counter approves the
/// report only once confirmed: use resumes and the approval runs to the old expiry + 1 year; every user is
/// told.
#[tokio::test]
async fn the_counter_approves_a_periodic_report_and_use_resumes_in_pages() {
    use zairyu_domain::schedule::ScheduledJob;
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    // Tanaka's password is renewed today, so that only the suspension refuses the log-in on the day.
    let api = login(&app, "TANAKA01").await;
    let renewed = serde_json::json!({ "current_password": PASSWORD, "new_password": "Sakura#2027x" });
    assert!(send(&app, api.json("POST", "/api/me/password", renewed)).await.status.is_success());
    w.clock.set(chrono::Utc.with_ymd_and_hms(2027, 6, 1, 1, 0, 0).unwrap());
    w.svc.daily.run_scheduled(ScheduledJob::SuspendExpiredOrganizations).await.unwrap();
    let refused = Browser::english().log_in(&app, "TANAKA01", "Sakura#2027x", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.html.contains("periodic report"), "{}", refused.html);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "CLERK01").await;
    let page = b.get(&app, "/office/organizations/org1").await;
    for text in ["Suspended", "Report due by: ", "2027-05-31", "Approve the report"] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    let csrf = page.hidden("csrf");
    let report = |confirm: &'static str| {
        vec![("csrf", csrf.as_str()), ("step", "periodic_report"), ("decision", "approve"), ("confirm", confirm)]
    };
    let unconfirmed = b.post(&app, "/office/organizations/org1", &report("")).await;
    unconfirmed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.html.contains("href=\"#confirm-periodic_report\""), "{}", unconfirmed.html);
    let approved = b.post(&app, "/office/organizations/org1", &report("yes")).await;
    assert!(approved.location.as_deref().is_some_and(|l| l.contains("done=report_approved")), "{}", approved.html);
    let page = b.get(&app, "/office/organizations/org1").await;
    assert!(page.html.contains("until 2028-05-31") && page.html.contains("In use"), "{}", page.html);
    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind).collect();
    assert!(kinds.contains(&NotificationKind::PeriodicReportApproved) && kinds.contains(&NotificationKind::UseResumed));
    let back = Browser::default().log_in(&app, "TANAKA01", "Sakura#2027x", "").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.html);
}

/// #18 item 3 (Q80): the counter keeps an organization's List of Affiliated Foreign Nationals: a person
/// added (every mistake beside its field at once), corrected from the list's link (the card number sealed,
/// never in the URL), removed only once confirmed; the organization's own list follows; another office's
/// counter does not find the list.
#[tokio::test]
async fn the_counter_keeps_the_list_of_affiliated_foreign_nationals_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "CLERK01").await;
    let path = "/office/organizations/org1/foreign-nationals";
    let list = b.get(&app, path).await;
    list.assert_html(StatusCode::OK);
    assert!(list.html.contains("Add a person to the list"), "{}", list.html);
    let csrf = list.hidden("csrf");
    let person = |birth: &'static str, period: &'static str| {
        vec![
            ("csrf", csrf.as_str()),
            ("step", "put"),
            ("residence_card_number", "QR12345678ST"),
            ("name", "OKAFOR,CHIDI"),
            ("nationality", "Nigeria"),
            ("birth_date", birth),
            ("sex", "male"),
            ("status_of_residence", "engineer_humanities_international"),
            ("period_of_stay", period),
            ("expiry_date", "2027-01-31"),
        ]
    };
    let wrong = b.post(&app, path, &person("1990-02-30", "3 decades")).await;
    wrong.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    for anchor in ["href=\"#birth_date\"", "href=\"#period_of_stay\"", "value=\"OKAFOR,CHIDI\""] {
        assert!(wrong.html.contains(anchor), "{anchor}: {}", wrong.html);
    }
    let added = b.post(&app, path, &person("1990-02-28", "3Y")).await;
    assert_eq!(added.location.as_deref(), Some(&*format!("{path}?done=saved")), "{}", added.html);
    let list = b.get(&app, path).await;
    assert!(list.html.contains("OKAFOR,CHIDI") && list.html.contains("QR12345678ST"), "{}", list.html);
    let at = list.html.find("OKAFOR,CHIDI").unwrap();
    let link_at = at + list.html[at..].find("?person=").unwrap();
    let token = &list.html[link_at + 8..link_at + list.html[link_at..].find('#').unwrap()];
    assert!(!token.contains("QR12345678ST"));
    let edit = b.get(&app, &format!("{path}?person={token}")).await;
    edit.assert_html(StatusCode::OK);
    assert!(edit.html.contains("Correct the entry") && edit.html.contains("value=\"1990-02-28\""), "{}", edit.html);
    let mut corrected = person("1990-02-28", "5Y");
    corrected[8].1 = "5Y";
    assert!(b.post(&app, path, &corrected).await.location.is_some());
    let api = login(&app, "TANAKA01").await;
    let theirs = send(&app, api.req("GET", "/api/foreign-nationals?limit=100").body(Body::empty()).unwrap()).await;
    let text = theirs.body.to_string();
    assert!(text.contains("OKAFOR,CHIDI") && text.contains("\"5Y\""), "{text}");

    let remove = |confirm: &'static str| {
        vec![
            ("csrf", csrf.as_str()),
            ("step", "remove"),
            ("residence_card_number", "QR12345678ST"),
            ("confirm", confirm),
        ]
    };
    let unconfirmed = b.post(&app, path, &remove("")).await;
    unconfirmed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.html.contains("href=\"#confirm-remove\""), "{}", unconfirmed.html);
    assert_eq!(b.post(&app, path, &remove("yes")).await.location.as_deref(), Some(&*format!("{path}?done=removed")));
    assert!(!b.get(&app, path).await.html.contains("OKAFOR,CHIDI"));

    let mut osaka = Browser::english();
    osaka.log_in_in_english(&app, "OSAKA01").await;
    osaka.get(&app, path).await.assert_html(StatusCode::NOT_FOUND);
    osaka.get(&app, &format!("{path}?person={token}")).await.assert_html(StatusCode::NOT_FOUND);
}

/// #18 items 2 and 6, scenarios 9 and 10 through the office's pages (Q47–Q49, Q54, Q58, Q67): only the
/// re-entry permission of one application is withdrawn (once confirmed; the page then names it); that
/// application, permitted, is handed over at the counter — to a third party refused, without the signed
/// fee notice refused, to the applicant done; another application is withdrawn whole.
#[tokio::test]
async fn the_counter_hands_over_a_card_and_withdraws_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let mut input = serde_json::to_value(zairyu_domain::fixtures::application_input()).unwrap();
    input["receipt_method"] = "counter".into();
    input["procedures"] = serde_json::json!(["extension", "re_entry_multiple"]);
    let at_counter = file(&app, &tanaka, input).await;
    let other = file(&app, &tanaka, serde_json::to_value(w.another_person().await).unwrap()).await;

    let mut b = Browser::english();
    b.log_in_in_english(&app, "OFFICER1").await;
    let here = format!("/office/applications/{at_counter}");
    let page = b.get(&app, &here).await;
    assert!(page.html.contains("Withdraw only the re-entry permission"), "{}", page.html);
    let csrf = page.hidden("csrf");
    let unconfirmed = b.post(&app, &here, &[("csrf", &csrf), ("step", "withdraw_re_entry")]).await;
    unconfirmed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.html.contains("href=\"#confirm-withdraw_re_entry\""));
    let confirmed = [("csrf", csrf.as_str()), ("step", "withdraw_re_entry"), ("confirm", "yes")];
    assert!(b.post(&app, &here, &confirmed).await.location.is_some());
    let page = b.get(&app, &here).await;
    assert!(page.html.contains("Withdrawn with it") && page.html.contains("attached permission withdrawn"));
    assert!(!page.html.contains("Withdraw only the re-entry permission"), "not offered twice");

    assert!(b.post(&app, &here, &[("csrf", &csrf), ("step", "start_examination")]).await.location.is_some());
    let permit =
        [("csrf", csrf.as_str()), ("step", "decide"), ("decision", "permit"), ("period", "3Y"), ("confirm", "yes")];
    assert!(b.post(&app, &here, &permit).await.location.is_some());
    let page = b.get(&app, &here).await;
    assert!(page.html.contains("Hand over the card at the counter"), "{}", page.html);
    let hand_over = |collector: &'static str, signed: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("step", "hand_over_at_counter".to_owned()),
            ("collector", collector.to_owned()),
            ("fee_notice_signed", signed.to_owned()),
            ("confirm", "yes".to_owned()),
        ]
    };
    let third = b.post_owned(&app, &here, &hand_over("third_party", "yes")).await;
    third.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(third.html.contains("only the applicant or the user") && !third.html.contains("(Q67)"), "{}", third.html);
    // #32 item 7: the office's refusal beside the answer it is about, what was chosen kept.
    assert!(third.html.contains("href=\"#collector\"") && third.html.contains("value=\"third_party\" checked"));
    let unsigned = b.post_owned(&app, &here, &hand_over("applicant", "")).await;
    unsigned.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unsigned.html.contains("href=\"#step-hand_over_at_counter\""), "about the step: {}", unsigned.html);
    assert!(b.post_owned(&app, &here, &hand_over("applicant", "yes")).await.location.is_some());
    let done = b.get(&app, &here).await;
    assert!(
        done.html.contains("<strong>Completed (issued)</strong>") && done.html.contains("card handed over"),
        "{}",
        done.html
    );

    let there = format!("/office/applications/{other}");
    let whole = [("csrf", csrf.as_str()), ("step", "withdraw"), ("confirm", "yes")];
    assert!(b.post(&app, &there, &whole).await.location.is_some());
    let withdrawn = b.get(&app, &there).await;
    assert!(withdrawn.html.contains("<strong>Withdrawn</strong>"), "{}", withdrawn.html);
    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind).collect();
    assert!(kinds.contains(&NotificationKind::ApplicationWithdrawn), "{kinds:?}");
}

/// #18 item 3 (Q80): the office's own spreadsheet of the list, saved as CSV UTF-8, adds and corrects many
/// people at once: a file with an error in any row stores nothing and names each row and column; a file
/// saved in Shift_JIS is refused with what to do; the template is the header the reader asks for.
#[tokio::test]
async fn the_counter_adds_many_from_the_office_s_list_file_in_pages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut b = Browser::english();
    b.log_in_in_english(&app, "CLERK01").await;
    let path = "/office/organizations/org1/foreign-nationals";
    let list = b.get(&app, path).await;
    assert!(list.html.contains("Add or correct many from a file"), "{}", list.html);
    let csrf = list.hidden("csrf");
    let template = b.get(&app, "/office/foreign-nationals-template.csv").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.html.contains("在留カード番号,氏名,"), "{}", template.html);
    let header = template.html.trim_start_matches('\u{feff}').trim_end().to_owned();
    let send_file = |bytes: Vec<u8>| {
        let (ct, body) = multipart(&[("csrf", None, csrf.as_bytes()), ("file", Some("list.csv"), &bytes)]);
        b.request("POST", &format!("{path}/file")).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()
    };
    let okafor = "QR12345678ST,\"OKAFOR,CHIDI\",Nigeria,1990/02/28,男,技術・人文知識・国際業務,3Y,2027-01-31,,,,いいえ";
    let mensah = "UV23456789WX,\"MENSAH,AMA\",Ghana,1992-07-01,女,Engineer/Specialist in Humanities/International Services,1Y,2027-03-31,,,,";
    let wrong = "YZ34567890AB,\"DIALLO,SEKOU\",Senegal,1991-02-30,男,技術・人文知識・国際業務,3 decades,2027-01-31,,,,";
    let file = |rows: &[&str]| format!("\u{feff}{header}\r\n{}\r\n", rows.join("\r\n")).into_bytes();
    let (bad, sjis, good) = (
        send_file(file(&[okafor, wrong])),
        send_file(vec![0x8d, 0xdd, 0x97, 0xaf, b'\n']),
        send_file(file(&[okafor, mensah])),
    );
    // A form posted from another site (no token of this session) stores nothing.
    let (ct, body) = multipart(&[("csrf", None, b"forged".as_slice()), ("file", Some("list.csv"), &file(&[okafor]))]);
    let forged =
        b.request("POST", &format!("{path}/file")).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap();
    b.take(&app, forged).await.assert_html(StatusCode::FORBIDDEN);
    assert!(!b.get(&app, path).await.html.contains("OKAFOR,CHIDI"), "nothing stored");
    let refused = b.take(&app, bad).await;
    refused.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    for text in ["The file has 2 errors; nothing is stored.", "Date of birth", "Period of stay", "scope=\"row\">3</th>"]
    {
        assert!(refused.html.contains(text), "{text}: {}", refused.html);
    }
    assert!(!b.get(&app, path).await.html.contains("OKAFOR,CHIDI"), "nothing stored");
    let shift_jis = b.take(&app, sjis).await;
    shift_jis.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shift_jis.html.contains("CSV UTF-8") && shift_jis.html.contains("href=\"#list-file\""));
    assert_eq!(b.take(&app, good).await.location.as_deref(), Some(&*format!("{path}?done=file")));
    let list = b.get(&app, path).await;
    assert!(list.html.contains("OKAFOR,CHIDI") && list.html.contains("MENSAH,AMA"), "{}", list.html);

    let mut osaka = Browser::english();
    osaka.log_in_in_english(&app, "OSAKA01").await;
    let token = osaka.get(&app, "/office").await.hidden("csrf");
    let (ct, body) = multipart(&[("csrf", None, token.as_bytes()), ("file", Some("list.csv"), &file(&[okafor]))]);
    let req =
        osaka.request("POST", &format!("{path}/file")).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap();
    osaka.take(&app, req).await.assert_html(StatusCode::NOT_FOUND);
}

/// #18 item 5: the navigation offers an officer only the pages its roles allow, and a page its roles do not
/// allow says which roles it has and who can give another; a counter officer is offered the counter's pages
/// and not the admin's.
#[tokio::test]
async fn an_officer_is_offered_only_what_its_roles_allow_and_told_why_otherwise() {
    use zairyu_domain::office::Office;
    use zairyu_domain::status::OfficerRole;
    let w = World::new().await;
    w.seed_officer("EXAM01", Office::Tokyo, vec![OfficerRole::Examiner]).await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut examiner = Browser::english();
    examiner.log_in_in_english(&app, "EXAM01").await;
    let queue = examiner.get(&app, "/office").await;
    queue.assert_html(StatusCode::OK);
    for hidden in ["href=\"/office/organizations\"", "href=\"/office/users\"", "href=\"/office/officers\""] {
        assert!(!queue.html.contains(hidden), "{hidden}");
    }
    assert!(queue.html.contains("href=\"/office/notices\""));
    for path in ["/office/organizations", "/office/organizations/org1", "/office/users (search)"] {
        let refused = match path.strip_suffix(" (search)") {
            Some(_) => examiner.office_users(&app, &[("email", "tanaka@sakura.example.jp")]).await,
            None => examiner.get(&app, path).await,
        };
        refused.assert_html(StatusCode::FORBIDDEN);
        assert!(
            refused.html.contains("Your roles (examination) do not allow this. An admin of your office"),
            "{path}: {}",
            refused.html
        );
    }
    let mut clerk = Browser::english();
    clerk.log_in_in_english(&app, "CLERK01").await;
    let queue = clerk.get(&app, "/office").await;
    assert!(queue.html.contains("href=\"/office/organizations\"") && !queue.html.contains("href=\"/office/officers\""));
}

/// #31 item 4: generated from the page table, so that a page added tomorrow is held to it without anyone
/// remembering: every page that is not public sends a visitor without a session to the log-in (a post
/// too); a page of another audience is refused (403); a post without its form token is refused (403)
/// before anything of it is read — for every page.
#[tokio::test]
async fn every_page_keeps_its_audience_and_every_post_needs_its_form_token() {
    use zairyu_http::web::{Audience, pages};
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let mut org = Browser::english();
    org.log_in(&app, "TANAKA01", PASSWORD, "").await;
    let mut officer = Browser::english();
    officer.log_in(&app, "OFFICER1", PASSWORD, "").await;
    let placeholder = regex_lite::Regex::new(r"\{[a-z_]+\}").unwrap();
    let mut checked = 0;
    for spec in pages().filter(|p| p.audience != Audience::Public) {
        let uri = placeholder.replace_all(spec.path, "x1").into_owned();
        let what = format!("{} {}", spec.method, spec.path);
        let request = |b: &Browser| {
            let r = b.request(spec.method, &uri);
            if spec.method == "POST" {
                let (ct, body) = multipart(&[("name", None, b"x")]);
                // A page that takes a file (the body limits' table names them) reads a multipart form.
                let takes_a_file = zairyu_http::limits::UPLOADS.iter().any(|(m, p, _)| *m == "POST" && *p == spec.path);
                if takes_a_file {
                    return r.header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap();
                }
                return r
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("name=x"))
                    .unwrap();
            }
            r.body(Body::empty()).unwrap()
        };
        let anonymous = Browser::english().take(&app, request(&Browser::english())).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{what}: no session");
        assert!(
            anonymous.location.as_deref().is_some_and(|l| l.starts_with("/login")),
            "{what}: {:?}",
            anonymous.location
        );
        let other = match spec.audience {
            Audience::Organization => Some(&mut officer),
            Audience::Officer => Some(&mut org),
            Audience::AnyUser | Audience::Public => None,
        };
        if let Some(b) = other {
            let req = request(b);
            let refused = b.take(&app, req).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{what}: another audience: {}", refused.html);
        }
        if spec.method == "POST" {
            let b = if spec.audience == Audience::Officer { &mut officer } else { &mut org };
            let req = request(b);
            let refused = b.take(&app, req).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{what}: no form token: {}", refused.html);
        }
        checked += 1;
    }
    assert!(checked > 40, "{checked} pages");
}

/// #32 item 3: the language a visitor reads the log-in page in — chosen there, or the browser's — carries into
/// the session and becomes the user's own setting (which pages and e-mails follow); logging in from a page read
/// in Japanese brings it back.
#[tokio::test]
async fn the_language_of_the_log_in_page_is_kept_after_log_in() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let id = zairyu_domain::values::UserId::parse("TANAKA01").unwrap();
    let stored = || async { w.svc.core.store().users().get(&id).await.unwrap().unwrap().language() };
    assert_eq!(stored().await, zairyu_domain::error::Language::Ja, "seeded in Japanese");
    let mut english = Browser::english();
    let landed = english.log_in(&app, "TANAKA01", PASSWORD, "").await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER);
    assert_eq!(english.cookie("zairyu_lang"), Some("en"));
    let home = english.get(&app, landed.location.as_deref().unwrap()).await;
    assert_eq!(home.lang(), "en", "{}", home.html);
    assert_eq!(stored().await, zairyu_domain::error::Language::En);
    // Chosen on the log-in page, against the browser's own language.
    let mut chose = Browser::english();
    chose.get(&app, "/login").await.assert_html(StatusCode::OK);
    chose.post(&app, "/language", &[("lang", "ja"), ("back", "/login")]).await;
    chose.log_in(&app, "TANAKA01", PASSWORD, "").await;
    assert_eq!(stored().await, zairyu_domain::error::Language::Ja);
    assert_eq!(chose.get(&app, "/account").await.lang(), "ja");
}

/// A CSV cell as written where it holds a comma.
fn csv_quoted(text: &str) -> String {
    if text.contains(',') { format!("\"{text}\"") } else { text.to_owned() }
}

/// #35 item 1: the verification page, opened from a certificate's QR code or with its code typed, says in
/// the visitor's language whether it is valid, expired or withdrawn, with the facts to compare with the
/// passport and nothing else; a code that names nothing is a 404 page with the form, a malformed one a 422;
/// never cached, never indexed.
#[tokio::test]
async fn the_verification_page_says_valid_expired_or_withdrawn_in_the_visitor_s_language() {
    use zairyu_domain::certificate::{Certificate, CertificateCode};
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    w.clock.set(chrono::Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap());
    let code = CertificateCode::from_random(0x00C0_FFEE_0123_4567_89AB);
    let certificate = Certificate::issue(
        code.clone(),
        zairyu_domain::office::Office::Tokyo,
        zairyu_domain::values::NameOnCard::parse("NGUYEN,VAN,AN").unwrap(),
        zairyu_domain::error::Text::parse("VNM").unwrap(),
        zairyu_domain::jst::JstDate::parse("2001-04-02").unwrap(),
        zairyu_domain::status_of_residence::StatusOfResidence::EngineerHumanitiesInternational,
        zairyu_domain::jst::JstDate::parse("2026-12-07").unwrap(),
    );
    let import = zairyu_app::services::import::Import { certificates: vec![certificate], ..Default::default() };
    assert!(w.svc.core.import(import).await.unwrap());

    let linked = format!("/verify/{}", code.grouped());
    let en = Browser::english().get(&app, &linked).await;
    en.assert_html(StatusCode::OK);
    assert_eq!(en.lang(), "en");
    for seen in [
        "This certificate is valid",
        "NGUYEN,VAN,AN",
        "Viet Nam",
        "2 April 2001",
        "7 March 2027",
        "Engineer/Specialist",
    ] {
        assert!(en.html.contains(seen), "{seen}: {}", en.html);
    }
    assert_eq!(en.headers.get("x-robots-tag").unwrap(), "noindex, nofollow");
    assert_eq!(en.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(!en.html.contains(code.as_str()) && !en.html.contains(&code.grouped()), "the code is not repeated");
    let ja = Browser::default().get(&app, &format!("/verify?code={}", code.as_str().to_lowercase())).await;
    ja.assert_html(StatusCode::OK);
    assert!(
        ja.html.contains("この証明書は有効です") && ja.html.contains("2027年3月7日") && ja.html.contains("ベトナム"),
        "{}",
        ja.html
    );

    w.clock.set(chrono::Utc.with_ymd_and_hms(2027, 3, 7, 15, 0, 0).unwrap());
    let expired = Browser::english().get(&app, &linked).await;
    assert!(
        expired.html.contains("This certificate has expired")
            && expired.html.contains("It was valid until 7 March 2027")
    );

    w.clock.set(chrono::Utc.with_ymd_and_hms(2027, 3, 7, 16, 0, 0).unwrap());
    w.seed_officer("EXAM01", zairyu_domain::office::Office::Tokyo, vec![zairyu_domain::status::OfficerRole::Examiner])
        .await;
    let (_, examiner) = w.login("EXAM01").await;
    w.svc.examination.withdraw_certificate(&examiner, code.as_str()).await.unwrap();
    let withdrawn = Browser::default().get(&app, &linked).await;
    assert!(
        withdrawn.html.contains("この証明書は取り消されています") && withdrawn.html.contains("2027年3月8日"),
        "{}",
        withdrawn.html
    );

    let unknown = Browser::english().get(&app, "/verify?code=0000-0000-0000-0000").await;
    unknown.assert_html(StatusCode::NOT_FOUND);
    assert!(unknown.html.contains("No certificate has this code") && unknown.html.contains("name=\"code\""));
    assert!(!unknown.html.contains("NGUYEN"));
    let malformed = Browser::default().get(&app, "/verify/not-a-code").await;
    malformed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(malformed.html.contains("英数字16文字"), "{}", malformed.html);
    let form = Browser::default().get(&app, "/verify").await;
    form.assert_html(StatusCode::OK);
    assert!(form.html.contains("証明書番号") && form.html.contains("action=\"/verify\""));
}

/// #35 item 4: an officer of the issuing office finds an electronic certificate by its code (posted) and
/// withdraws it once confirmed; the verification page says so at once, and the office's history has it. An
/// officer of another office finds nothing; one whose roles do not examine may look but not withdraw.
#[tokio::test]
async fn the_issuing_office_withdraws_a_certificate_and_the_verification_page_says_so() {
    use zairyu_domain::certificate::{Certificate, CertificateCode};
    use zairyu_domain::office::Office;
    use zairyu_domain::status::OfficerRole;
    let w = World::new().await;
    w.seed_officer("EXAM01", Office::Tokyo, vec![OfficerRole::Examiner]).await;
    w.seed_officer("EXAM02", Office::Osaka, vec![OfficerRole::Examiner]).await;
    w.seed_officer("DESK01", Office::Tokyo, vec![OfficerRole::Counter]).await;
    let app = router(&w, false, GeoPolicy::Off);
    w.clock.set(chrono::Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap());
    let code = CertificateCode::from_random(0x0BAD_CAFE_0000_1234_5678);
    let certificate = Certificate::issue(
        code.clone(),
        Office::Tokyo,
        zairyu_domain::values::NameOnCard::parse("RIVERA,ANA,LUCIA").unwrap(),
        zairyu_domain::error::Text::parse("Mexico").unwrap(),
        zairyu_domain::jst::JstDate::parse("1997-06-14").unwrap(),
        zairyu_domain::status_of_residence::StatusOfResidence::EngineerHumanitiesInternational,
        zairyu_domain::jst::JstDate::parse("2026-12-07").unwrap(),
    );
    let import = zairyu_app::services::import::Import { certificates: vec![certificate], ..Default::default() };
    assert!(w.svc.core.import(import).await.unwrap());

    let mut other = Browser::english();
    other.log_in_in_english(&app, "EXAM02").await;
    let token = other.get(&app, "/office/certificates").await.hidden("csrf");
    let nothing = other.post(&app, "/office/certificates", &[("code", &code.grouped()), ("csrf", &token)]).await;
    nothing.assert_html(StatusCode::NOT_FOUND);
    assert!(
        nothing.html.contains("This office issued no certificate with this code") && !nothing.html.contains("RIVERA")
    );

    let mut desk = Browser::english();
    desk.log_in_in_english(&app, "DESK01").await;
    let token = desk.get(&app, "/office/certificates").await.hidden("csrf");
    let seen = desk.post(&app, "/office/certificates", &[("code", code.as_str()), ("csrf", &token)]).await;
    seen.assert_html(StatusCode::OK);
    assert!(seen.html.contains("RIVERA,ANA,LUCIA") && seen.html.contains("Valid"));
    let refused = desk
        .post(&app, "/office/certificates/withdraw", &[("code", code.as_str()), ("confirm", "yes"), ("csrf", &token)])
        .await;
    refused.assert_html(StatusCode::FORBIDDEN);

    let mut examiner = Browser::english();
    examiner.log_in_in_english(&app, "EXAM01").await;
    let page = examiner.get(&app, "/office/certificates").await;
    assert!(page.html.contains("href=\"/office/certificates\""), "in the office's menu");
    let token = page.hidden("csrf");
    let unconfirmed =
        examiner.post(&app, "/office/certificates/withdraw", &[("code", code.as_str()), ("csrf", &token)]).await;
    unconfirmed.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.html.contains("Tick the box to confirm the withdrawal"));
    assert_eq!(Browser::english().get(&app, &format!("/verify/{}", code.grouped())).await.status, StatusCode::OK);
    let withdrawn = examiner
        .post(&app, "/office/certificates/withdraw", &[("code", code.as_str()), ("confirm", "yes"), ("csrf", &token)])
        .await;
    withdrawn.assert_html(StatusCode::OK);
    assert!(
        withdrawn.html.contains("The certificate is withdrawn")
            && withdrawn.html.contains("<strong>Withdrawn</strong> (7 December 2026)"),
        "the state in the verification page's words, the day in words: {}",
        withdrawn.html
    );
    assert!(!withdrawn.html.contains("Withdraw this certificate"), "no second withdrawal offered");
    let verified = Browser::english().get(&app, &format!("/verify/{}", code.grouped())).await;
    assert!(verified.html.contains("This certificate was withdrawn") && verified.html.contains("7 December 2026"));
    let again = examiner
        .post(&app, "/office/certificates/withdraw", &[("code", code.as_str()), ("confirm", "yes"), ("csrf", &token)])
        .await;
    again.assert_html(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.html.contains("already withdrawn"), "{}", again.html);
    let trail = w.audit(&format!("certificate:{}", code.as_str())).await;
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, zairyu_domain::audit::AuditAction::WithdrawCertificate);
    assert_eq!(trail[0].actor, "EXAM01");
}
