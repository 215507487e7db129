//! The pages: server-rendered HTML in Japanese and English (Q84) from the same router and the same services
//! as the JSON API, which stays under `/api/`.
//!
//! Markup is written with `maud`: templates are Rust, checked by the compiler with the code that fills them,
//! every spliced value escaped unless wrapped in `PreEscaped` (used only for our own constants), and nothing
//! read from files at run time, so a Lambda binary carries its pages. Every page works without JavaScript:
//! forms post, and the server answers a post with a redirect (Post/Redirect/Get) or with the form again and
//! its errors, so a reload never posts twice. The one style sheet is ours, compiled in and served under a
//! name holding its content hash, cached for a year; no page loads anything from elsewhere.
//!
//! Forms that change something carry a CSRF token derived from the session ([`form_token`]): the server
//! computes it again for every page and checks it on every post, and a page of another site cannot read the
//! session cookie it is derived from.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use maud::{DOCTYPE, Markup, html};
use sha2::{Digest, Sha256};
use zairyu_app::{Caller, ServiceError};
use zairyu_domain::account::{User, UserKind};
pub use zairyu_domain::error::Language as Lang;
use zairyu_domain::status::OfficerRole;

use crate::extract::cookie;
pub use crate::extract::{set_cookie, set_cookie_at};
use crate::function::Function;
use crate::{AppState, Problem, SESSION_COOKIE};

#[cfg(feature = "login")]
mod account;
#[cfg(feature = "submit")]
mod apply;
#[cfg(feature = "status")]
mod blanket;
#[cfg(feature = "office")]
mod counter;
#[cfg(feature = "status")]
mod lists;
#[cfg(feature = "office")]
mod office;
#[cfg(feature = "login")]
mod password;

/// The cookie that remembers the language chosen before logging in (after, the user's own setting does).
pub const LANG_COOKIE: &str = "zairyu_lang";
/// The cookie that carries an e-mailed link's token from the link to its page, and nowhere else.
pub const LINK_COOKIE: &str = "zairyu_link";

/// One page route: the function that serves it in AWS, its method and path, and its handler.
pub struct PageSpec {
    pub function: Function,
    /// Who the page is for, as its extractor checks it (a test generated from this table holds every page
    /// to it).
    pub audience: Audience,
    pub method: &'static str,
    pub path: &'static str,
    pub handler: fn() -> MethodRouter<AppState>,
}

/// Who a page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: the top page, the log-in, the password pages, the language switch, the assets.
    Public,
    /// Any logged-in user (the account pages, the log-out).
    AnyUser,
    /// An organization's staff or agent (`OrgVisit`).
    Organization,
    /// An officer (`OfficerVisit`).
    Officer,
}

/// Every page route this build serves.
pub fn pages() -> impl Iterator<Item = &'static PageSpec> {
    let tables: &[&[PageSpec]] = &[
        ASSETS,
        #[cfg(feature = "login")]
        account::PAGES,
        #[cfg(feature = "login")]
        password::PAGES,
        #[cfg(feature = "status")]
        lists::PAGES,
        #[cfg(feature = "status")]
        blanket::PAGES,
        #[cfg(feature = "submit")]
        apply::PAGES,
        #[cfg(feature = "office")]
        office::PAGES,
        #[cfg(feature = "office")]
        counter::PAGES,
    ];
    tables.iter().flat_map(|t| t.iter())
}

const ASSETS: &[PageSpec] = &[PageSpec {
    function: Function::Login,
    audience: Audience::Public,
    method: "GET",
    path: "/static/{file}",
    handler: || get(asset),
}];

/// Adds the pages of the given functions to `r`.
pub fn add_pages(mut r: Router<AppState>, functions: &[Function]) -> Router<AppState> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for spec in pages().filter(|p| functions.contains(&p.function)) {
        if !seen.contains(&(spec.path, spec.method)) {
            seen.push((spec.path, spec.method));
            r = r.route(spec.path, crate::limits::route((spec.handler)(), spec.method, spec.path));
        }
    }
    r
}

// ---------------------------------------------------------------------------------------------------
// Languages

/// The text of `lang` of a pair.
pub fn tr(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    }
}

fn parse_lang(s: &str) -> Option<Lang> {
    match s.trim().to_ascii_lowercase().as_str() {
        "ja" => Some(Lang::Ja),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The language of a visitor not logged in: the one they chose (the language cookie), else the first of
/// Japanese and English in `Accept-Language` by its weight, else Japanese.
pub fn visitor_lang(headers: &HeaderMap) -> Lang {
    if let Some(lang) = cookie(headers, LANG_COOKIE).as_deref().and_then(parse_lang) {
        return lang;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut best: Option<(f32, Lang)> = None;
    for part in accept.split(',') {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let lang = match tag.split('-').next() {
            Some("ja") => Lang::Ja,
            Some("en") => Lang::En,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::Ja, |(_, l)| l)
}

// ---------------------------------------------------------------------------------------------------
// The style sheet

const CSS: &str = include_str!("site.css");

/// The style sheet's path, named by its content's hash: a changed sheet is a new URL, so it can be cached
/// for a year.
pub fn css_path() -> &'static str {
    static PATH: LazyLock<String> =
        LazyLock::new(|| format!("/static/site.{}.css", &zairyu_app::hex(&Sha256::digest(CSS.as_bytes()))[..16]));
    &PATH
}

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    if css_path().strip_prefix("/static/") == Some(file.as_str()) {
        return (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            CSS,
        )
            .into_response();
    }
    not_found_page(visitor_lang(&headers))
}

// ---------------------------------------------------------------------------------------------------
// Sessions and CSRF

/// The CSRF token of a session's forms: derived from the session token (which only the browser holding the
/// session cookie has), so the server computes it again for every page instead of storing it.
pub fn form_token(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"zairyu form token v1\0");
    h.update(session_token.as_bytes());
    zairyu_app::hex(&h.finalize())
}

/// A logged-in user on a page: the caller for the services, the user as authentication read it, and what
/// every page needs to render.
pub struct Visit {
    pub caller: Caller,
    pub user: User,
    pub session_token: String,
    pub page: PageCtx,
}

impl Visit {
    /// Checks a posted form's CSRF token (`csrf`).
    pub fn check_form(&self, sent: &str) -> Result<(), PageError> {
        if crate::extract::same_secret(sent, &form_token(&self.session_token)) {
            Ok(())
        } else {
            Err(PageError::Problem(self.page.lang, Box::new(Problem::csrf())))
        }
    }

    pub fn lang(&self) -> Lang {
        self.page.lang
    }

    /// A form posted from a page of this visit: its fields, once its CSRF token is checked.
    pub fn posted(&self, form: FormResult) -> Result<Fields, PageError> {
        let fields = Fields::of(form, self.lang())?;
        self.check_form(fields.get("csrf"))?;
        Ok(fields)
    }
}

/// What every page needs: its language, who is logged in (if anyone) and the CSRF token of its forms, and
/// its own path (where the language switch returns to).
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// The user's name, when logged in.
    pub user_name: Option<String>,
    pub organization_user: bool,
    /// An officer's roles (none for anyone else): the navigation offers only the pages they allow.
    pub officer_roles: Vec<OfficerRole>,
    pub csrf: Option<String>,
    pub path: String,
}

impl PageCtx {
    pub fn visitor(parts: &Parts) -> Self {
        Self {
            lang: visitor_lang(&parts.headers),
            user_name: None,
            organization_user: false,
            officer_roles: Vec::new(),
            csrf: None,
            path: local_path(parts.uri.path()).to_owned(),
        }
    }

    pub fn tr(&self, ja: &'static str, en: &'static str) -> &'static str {
        tr(self.lang, ja, en)
    }
}

/// A form posted without a session (the log-in, a password set from a link, a forgotten password) has no
/// form token to check: it is refused when the browser says it comes from another site — `Sec-Fetch-Site`
/// other than `same-origin` (every current browser sends it with a post), or, from a browser too old for
/// that, an `Origin` of `null`. A cross-site log-in would sign the visitor in as someone else.
pub fn refuse_cross_site(headers: &axum::http::HeaderMap, lang: Lang) -> Result<(), PageError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let cross = match header("sec-fetch-site") {
        Some(site) => !site.eq_ignore_ascii_case("same-origin"),
        None => header("origin").is_some_and(|o| o.eq_ignore_ascii_case("null")),
    };
    if cross { Err(PageError::Problem(lang, Box::new(Problem::csrf()))) } else { Ok(()) }
}

/// Whether a path is a page's (everything outside the API's `/api/`).
pub fn is_page(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/"))
}

/// A page of this site to return to after a step (`next=`, `back=`), decided here alone: a path that
/// starts with a single `/`, with its query, without its fragment; `/` for anything else. A browser drops
/// tabs and line breaks from an address and reads `\\` as `/`, so `/<TAB>/evil.example` would take the
/// user to another site: any control character, white space or backslash refuses the whole value (and a
/// line break never reaches a `Location` header).
pub fn local_path(p: &str) -> &str {
    let p = p.split_once('#').map_or(p, |(path, _)| path);
    let mut chars = p.chars();
    let single_slash = chars.next() == Some('/') && chars.next() != Some('/');
    let clean = !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if single_slash && clean && is_page(p.split_once('?').map_or(p, |(path, _)| path)) { p } else { "/" }
}

async fn visit(parts: &mut Parts, state: &AppState) -> Result<Option<Visit>, PageError> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let from = crate::extract::client_ip(parts).map(|ip| ip.to_string());
    match state.accounts.authenticate(&token, from).await {
        Ok((caller, _, user)) => {
            let page = PageCtx {
                lang: user.language(),
                user_name: Some(user.name().to_string()),
                organization_user: matches!(user.kind(), UserKind::OrganizationStaff | UserKind::Agent),
                officer_roles: match user.kind() {
                    UserKind::Officer { roles, .. } => roles.clone(),
                    _ => Vec::new(),
                },
                csrf: Some(form_token(&token)),
                path: local_path(parts.uri.path()).to_owned(),
            };
            Ok(Some(Visit { caller, user, session_token: token, page }))
        }
        Err(ServiceError::Unauthenticated) => Ok(None),
        Err(e) => Err(PageError::Problem(visitor_lang(&parts.headers), Box::new(Problem::from(e)))),
    }
}

/// A page for a logged-in user: without a live session (none, or one that ended after 30 idle minutes,
/// Q44), the browser is sent to log in and brought back here afterwards.
impl FromRequestParts<AppState> for Visit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let had_session = cookie(&parts.headers, SESSION_COOKIE).is_some();
        match visit(parts, state).await? {
            Some(v) => Ok(v),
            None => {
                let path = local_path(parts.uri.path());
                let mut to = format!("/login?next={}", encode(path));
                if had_session {
                    to.push_str("&reason=ended");
                }
                Err(PageError::Redirect(to))
            }
        }
    }
}

/// A page for anyone: the visit if a session is live, else a visitor's context.
pub struct MaybeVisit(pub Option<Visit>, pub PageCtx);

impl FromRequestParts<AppState> for MaybeVisit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let visit = visit(parts, state).await?;
        let ctx = visit.as_ref().map_or_else(|| PageCtx::visitor(parts), |v| v.page.clone());
        Ok(Self(visit, ctx))
    }
}

/// A page of an organization's user: an officer is refused (403), anyone not logged in sent to log in.
pub struct OrgVisit(pub Visit);

impl FromRequestParts<AppState> for OrgVisit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let v = Visit::from_request_parts(parts, state).await?;
        if !v.page.organization_user {
            return Err(PageError::Problem(v.lang(), Box::new(Problem::from(ServiceError::Forbidden))));
        }
        Ok(Self(v))
    }
}

/// The link that starts an application for a listed person: the card number sealed for this user, so that
/// no personal data goes into the URL (and so into logs and browser history).
pub fn new_application_link(state: &AppState, user: &str, card: &str) -> Option<String> {
    sealed_person(state, user, card).map(|t| format!("/applications/new?person={}", encode(&t)))
}

/// A card number sealed for this user, to name a person in a link (opened with [`person_context`]).
pub fn sealed_person(state: &AppState, user: &str, card: &str) -> Option<String> {
    let sealed = state.config.cursor_key.seal(Some(zairyu_app::ports::Cursor(card.to_owned())), &person_context(user));
    sealed.ok().flatten()
}

/// What a person link is sealed for.
pub fn person_context(user: &str) -> String {
    format!("{user}\nperson")
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Rendering

/// A rendered page and its status.
pub struct Page(pub StatusCode, pub Markup);

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (self.0, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], self.1.into_string()).into_response()
    }
}

/// Why a page is not shown: a redirect (to log in), or a problem shown as an error page in the visitor's
/// language.
#[derive(Debug)]
pub enum PageError {
    Redirect(String),
    Problem(Lang, Box<Problem>),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Redirect(to) => Redirect::to(&to).into_response(),
            Self::Problem(lang, p) => error_page(lang, &p),
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// A service's refusal as the page shows it, in `lang`.
pub fn problem(lang: Lang) -> impl Fn(ServiceError) -> PageError {
    move |e| PageError::Problem(lang, Box::new(Problem::from(e)))
}

/// A posted form's fields as sent (`application/x-www-form-urlencoded`), in their order.
#[derive(Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields of a posted form; a body that is not one is refused as a malformed form.
    pub fn of(
        form: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
        lang: Lang,
    ) -> Result<Self, PageError> {
        form.map(|f| Self(f.0)).map_err(|_| PageError::Problem(lang, Box::new(Problem::malformed_form())))
    }

    /// Every value of `name` (a group of checkboxes), trimmed, in their order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.trim())
    }

    /// The first value of `name`, trimmed (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default()
    }
}

/// A form as a handler receives it.
pub type FormResult = Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>;

/// A table of data in its own scrolling region (so a narrow screen scrolls the table, not the page), with
/// its caption and column headers.
pub fn data_table(ctx: &PageCtx, caption: &str, headers: &[(&'static str, &'static str)], rows: Markup) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-label=(caption) {
            table {
                caption { (caption) }
                thead { tr { @for (ja, en) in headers { th scope="col" { (ctx.tr(ja, en)) } } } }
                tbody { (rows) }
            }
        }
    }
}

/// Lines per page of a list page.
#[cfg(any(feature = "status", feature = "office"))]
pub const PER_PAGE: u32 = 50;

/// An API-side refusal (a bad cursor, say) as the page shows it.
#[cfg(any(feature = "status", feature = "office"))]
pub fn api(lang: Lang) -> impl Fn(crate::ApiError) -> PageError {
    move |e| PageError::Problem(lang, e.0)
}

#[cfg(any(feature = "status", feature = "office"))]
/// The link to the next page, when there is one (`path` may hold a query of its own, e.g. a filter).
pub fn pager(ctx: &PageCtx, path: &str, next: Option<&str>, first: bool) -> Markup {
    let join = if path.contains('?') { '&' } else { '?' };
    html! {
        nav.pager aria-label=(ctx.tr("ページ送り", "Pages")) {
            @if !first { a href=(path) { (ctx.tr("最初のページ", "First page")) } }
            @if let Some(next) = next {
                a href=(format!("{path}{join}cursor={}", encode(next))) { (ctx.tr("次のページ", "Next page")) }
            }
        }
    }
}

/// A file posted with a page's multipart form: the form's CSRF token, and the file chosen (with its name)
/// unless none was.
#[cfg(any(feature = "submit", feature = "office"))]
pub struct Upload {
    pub csrf: String,
    pub file: Option<Vec<u8>>,
    pub name: Option<String>,
}

/// Reads a file form posted from a page of `v` (`csrf`, then the file in the field `field`) and checks its
/// token; a body that is not such a form is refused as malformed.
#[cfg(any(feature = "submit", feature = "office"))]
pub async fn file_upload(
    v: &Visit,
    mut multipart: axum::extract::Multipart,
    field_name: &str,
) -> Result<Upload, PageError> {
    let bad = |_| PageError::Problem(v.lang(), Box::new(Problem::malformed_form()));
    let mut upload = Upload { csrf: String::new(), file: None, name: None };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => upload.csrf = field.text().await.map_err(bad)?,
            Some(name) if name == field_name => {
                upload.name = field.file_name().map(str::to_owned);
                upload.file = Some(field.bytes().await.map_err(bad)?.to_vec()).filter(|b| !b.is_empty());
            }
            _ => {}
        }
    }
    v.check_form(&upload.csrf)?;
    Ok(upload)
}

/// A facial photo posted from a page (the file in `photo`).
#[cfg(any(feature = "submit", feature = "office"))]
pub async fn photo_upload(v: &Visit, multipart: axum::extract::Multipart) -> Result<Upload, PageError> {
    file_upload(v, multipart, "photo").await
}

/// A stored facial photo as its page's image (never cached: it is personal data); none is a 404.
#[cfg(any(feature = "submit", feature = "office"))]
pub fn photo_response(lang: Lang, photo: Result<Option<Vec<u8>>, ServiceError>) -> PageResult {
    let bytes = photo.map_err(problem(lang))?.ok_or_else(|| problem(lang)(ServiceError::NotFound))?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, no-store")], bytes).into_response())
}

/// A moment as Japan's clocks show it.
#[cfg(any(feature = "login", feature = "office"))]
pub fn jst(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&zairyu_domain::jst::JST).format("%Y-%m-%d %H:%M").to_string()
}

/// A page's query string read into `T` (none: `T`'s default); one that does not read is a 400 page.
pub fn query<T: serde::de::DeserializeOwned + Default>(uri: &axum::http::Uri, lang: Lang) -> Result<T, PageError> {
    match uri.query() {
        None => Ok(T::default()),
        Some(_) => axum::extract::Query::<T>::try_from_uri(uri)
            .map(|q| q.0)
            .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text())))),
    }
}

/// The text of `lang` of a pair known only at run time (a stored message, a label read from a record).
pub fn tr_owned(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// After a post: on to the next page (303, so a reload reads it again instead of posting again).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The name of the service.
pub fn service_name(lang: Lang) -> &'static str {
    tr(lang, "在留申請オンラインシステム", "Online Residence Application System")
}

/// The frame of every page: the header with the service's name, the navigation and the language switch;
/// the page's own content under a heading; the footer with the help desk.
pub fn layout(ctx: &PageCtx, title: &str, content: Markup) -> Markup {
    let lang = ctx.lang;
    let other = match lang {
        Lang::Ja => Lang::En,
        Lang::En => Lang::Ja,
    };
    html! {
        (DOCTYPE)
        html lang=(code(lang)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | " (service_name(lang)) }
                link rel="stylesheet" href=(css_path());
            }
            body {
                a.skip href="#main" { (tr(lang, "本文へ移動", "Skip to main content")) }
                header.site {
                    div.wrap {
                        a.service href="/" { (service_name(lang)) }
                        nav.site aria-label=(tr(lang, "サイト内の移動", "Site")) {
                            ul {
                                @if ctx.organization_user {
                                    li { a href="/foreign-nationals" { (tr(lang, "所属機関等に所属する外国人一覧", "Affiliated foreign nationals")) } }
                                    li { a href="/applications" { (tr(lang, "申請情報一覧", "Applications")) } }
                                    li { a href="/blanket" { (tr(lang, "一括入力", "Blanket input")) } }
                                } @else if ctx.user_name.is_some() {
                                    li { a href="/office" { (tr(lang, "申請の処理", "Applications to process")) } }
                                    @let has = |r| ctx.officer_roles.contains(&r);
                                    @if has(OfficerRole::Counter) || has(OfficerRole::Admin) {
                                        li { a href="/office/organizations" { (tr(lang, "所属機関", "Organizations")) } }
                                        li { a href="/office/users" { (tr(lang, "利用者", "Users")) } }
                                    }
                                    li { a href="/office/notices" { (tr(lang, "お知らせ", "Notices")) } }
                                    @if has(OfficerRole::Admin) {
                                        li { a href="/office/officers" { (tr(lang, "職員", "Officers")) } }
                                    }
                                }
                                @if let Some(name) = &ctx.user_name {
                                    li { a href="/account" { (tr(lang, "利用者情報", "Your account")) span.visually-hidden { "（" (name) "）" } } }
                                    li {
                                        form method="post" action="/logout" {
                                            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                                            button.linkish type="submit" { (tr(lang, "ログアウト", "Log out")) }
                                        }
                                    }
                                }
                                li {
                                    form method="post" action="/language" {
                                        @if let Some(csrf) = &ctx.csrf {
                                            input type="hidden" name="csrf" value=(csrf);
                                        }
                                        input type="hidden" name="lang" value=(code(other));
                                        input type="hidden" name="back" value=(ctx.path);
                                        button.linkish type="submit" lang=(code(other)) {
                                            (tr(other, "日本語で表示", "Show in English"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main {
                    div.wrap {
                        h1 { (title) }
                        (content)
                    }
                }
                footer.site {
                    div.wrap {
                        p {
                            strong { (tr(lang, "ヘルプデスク", "Help desk")) } " "
                            (tr(lang, "システムの操作についてのお問い合わせは、平日9時から17時まで受け付けています。",
                                "Questions about using this system are answered on weekdays from 9:00 to 17:00 (Japan time)."))
                        }
                        p.muted {
                            (tr(lang, "このシステムから送られる電子メールは送信専用です。返信されても回答できません。",
                                "E-mails from this system are sent from an address that cannot receive replies."))
                        }
                    }
                }
            }
        }
    }
}

/// An error page in the visitor's language, with the problem's own message.
pub fn error_page(lang: Lang, p: &Problem) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let ctx = PageCtx {
        lang,
        user_name: None,
        organization_user: false,
        officer_roles: Vec::new(),
        csrf: None,
        path: "/".into(),
    };
    let (title, advice) = match status.as_u16() {
        404 => (
            ctx.tr("ページが見つかりません", "Page not found"),
            ctx.tr("アドレスに誤りがないか確かめてください。", "Check the address you typed or followed."),
        ),
        401 => (ctx.tr("ログインしてください", "Please log in"), ""),
        403 if p.rule == Problem::outside_japan().rule => (
            ctx.tr("日本国外からはご利用いただけません", "This service can only be used from Japan"),
            ctx.tr(
                "このシステムは、日本国内からのアクセスに限って利用できます。日本国内から、もう一度アクセスしてください。",
                "This system accepts access from within Japan only. Please access it again from Japan.",
            ),
        ),
        403 => (ctx.tr("この操作はできません", "You cannot do this"), ""),
        429 => (ctx.tr("しばらくしてからお試しください", "Please try again later"), ""),
        503 => (
            ctx.tr("ただいまご利用いただけません", "Sorry, the service is unavailable"),
            ctx.tr("時間をおいてから、もう一度お試しください。", "Please try again later."),
        ),
        s if s >= 500 => (
            ctx.tr("システムで問題が発生しました", "Sorry, there is a problem with the service"),
            ctx.tr(
                "入力した内容は保存されていない可能性があります。時間をおいてから、もう一度お試しください。",
                "What you entered may not have been saved. Please try again later.",
            ),
        ),
        _ => (ctx.tr("入力内容を確認してください", "Please check what you sent"), ""),
    };
    let detail = match lang {
        Lang::Ja => &p.detail_ja,
        Lang::En => &p.detail,
    };
    let body = html! {
        p.lead { (detail) }
        @if !advice.is_empty() { p { (advice) } }
        p { a href="/" { (ctx.tr("トップページへ戻る", "Go to the top page")) } }
    };
    let mut res = Page(status, layout(&ctx, title, body)).into_response();
    if let Some(after) = p.retry_after
        && let Ok(v) = HeaderValue::from_str(&after.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// The not-found page (the router's fallback for every path outside `/api/`).
pub fn not_found_page(lang: Lang) -> Response {
    let mut p = Problem::not_found();
    p.detail = "There is no page at this address.".into();
    p.detail_ja = "このアドレスのページはありません。".into();
    error_page(lang, &p)
}

/// The error summary at the top of a form: each message links to its field (Q36–Q39).
pub fn error_summary(lang: Lang, errors: &[(String, String)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (tr(lang, "入力内容に誤りがあります", "There is a problem")) }
                ul {
                    @for (field, message) in errors {
                        li { a href=(format!("#{field}")) { (message) } }
                    }
                }
            }
        }
    }
}

/// A labelled text field with its hint, its error and its required mark in words.
pub struct Field<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub autocomplete: &'a str,
}

impl Field<'_> {
    pub fn render(&self, lang: Lang) -> Markup {
        let hint_id = format!("{}-hint", self.id);
        let error_id = format!("{}-error", self.id);
        let mut described = Vec::new();
        if self.hint.is_some() {
            described.push(hint_id.as_str());
        }
        if self.error.is_some() {
            described.push(error_id.as_str());
        }
        let described = described.join(" ");
        html! {
            div.field.invalid[self.error.is_some()] {
                label for=(self.id) {
                    (self.label)
                    @if self.required { span.req { (tr(lang, "必須", "Required")) } }
                }
                @if let Some(hint) = self.hint { span.hint id=(hint_id) { (hint) } }
                @if let Some(error) = self.error {
                    span.field-error id=(error_id) {
                        span.visually-hidden { (tr(lang, "エラー：", "Error: ")) } (error)
                    }
                }
                input type=(self.kind) id=(self.id) name=(self.id) value=(self.value)
                    autocomplete=(self.autocomplete)
                    required[self.required]
                    aria-invalid=[self.error.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
            }
        }
    }
}

/// The questions of a form, with what the page knows of their errors: text fields and choices.
#[cfg(any(feature = "submit", feature = "office"))]
pub struct Form<'a> {
    pub ctx: &'a PageCtx,
    pub errors: &'a [(String, String)],
}

#[cfg(any(feature = "submit", feature = "office"))]
impl Form<'_> {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        id: &str,
        ja: &'static str,
        en: &'static str,
        value: &str,
        required: bool,
        hint: Option<(&'static str, &'static str)>,
    ) -> Markup {
        Field {
            id,
            label: self.ctx.tr(ja, en),
            kind: "text",
            value,
            required,
            hint: hint.map(|(ja, en)| self.ctx.tr(ja, en)),
            error: self.error(id),
            autocomplete: "off",
        }
        .render(self.ctx.lang)
    }

    /// A field of the application form as the form's registry describes it: label, hint, required mark.
    #[cfg(feature = "submit")]
    pub fn entry(&self, id: &str, spec: zairyu_domain::form::field::Spec, value: &str) -> Markup {
        Field {
            id,
            label: self.ctx.tr(spec.ja, spec.en),
            kind: "text",
            value,
            required: spec.required(),
            hint: spec.hint.map(|(ja, en)| self.ctx.tr(ja, en)),
            error: self.error(id),
            autocomplete: "off",
        }
        .render(self.ctx.lang)
    }

    /// A question of the application form answered by one of `options`, as the registry describes it.
    #[cfg(feature = "submit")]
    pub fn pick(
        &self,
        field: zairyu_domain::form::Field,
        value: &str,
        options: &[(&str, &'static str, &'static str)],
    ) -> Markup {
        let spec = field.spec();
        self.choice_with(spec.key, (spec.ja, spec.en), spec.required(), value, options, spec.hint)
    }

    /// A question answered by one of several choices (radio buttons in a fieldset).
    pub fn choice(
        &self,
        id: &str,
        legend: (&'static str, &'static str),
        value: &str,
        options: &[(&str, &'static str, &'static str)],
        hint: Option<(&'static str, &'static str)>,
    ) -> Markup {
        self.choice_with(id, legend, true, value, options, hint)
    }

    fn choice_with(
        &self,
        id: &str,
        legend: (&'static str, &'static str),
        required: bool,
        value: &str,
        options: &[(&str, &'static str, &'static str)],
        hint: Option<(&'static str, &'static str)>,
    ) -> Markup {
        let ctx = self.ctx;
        let error = self.error(id);
        html! {
            div.field.invalid[error.is_some()] id=(id) tabindex="-1" {
                fieldset {
                    legend.label {
                        (ctx.tr(legend.0, legend.1))
                        @if required { span.req { (ctx.tr("必須", "Required")) } }
                    }
                    @if let Some((ja, en)) = hint { span.hint { (ctx.tr(ja, en)) } }
                    @if let Some(e) = error { span.field-error { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) } }
                    @for (code, ja, en) in options {
                        @let option_id = format!("{id}-{code}");
                        div.choice {
                            input type="radio" id=(option_id) name=(id) value=(code) checked[value == *code];
                            label for=(option_id) { (ctx.tr(ja, en)) }
                        }
                    }
                }
            }
        }
    }
}

/// Messages of a problem by field, in `lang` (a problem about no one field goes under `""`).
pub fn messages(lang: Lang, p: &Problem) -> Vec<(String, String)> {
    if p.errors.is_empty() {
        let detail = match lang {
            Lang::Ja => p.detail_ja.clone(),
            Lang::En => p.detail.clone(),
        };
        return vec![(String::new(), detail)];
    }
    p.errors
        .iter()
        .map(|v| {
            let m = match lang {
                Lang::Ja => v.message_ja.clone(),
                Lang::En => v.message_en.clone(),
            };
            (v.field.clone(), m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_visitor_reads_the_language_they_chose_else_the_browser_s_else_japanese() {
        assert_eq!(visitor_lang(&headers(&[])), Lang::Ja);
        assert_eq!(visitor_lang(&headers(&[("accept-language", "en-US,en;q=0.9,ja;q=0.8")])), Lang::En);
        assert_eq!(visitor_lang(&headers(&[("accept-language", "fr-FR,ja;q=0.5,en;q=0.4")])), Lang::Ja);
        assert_eq!(visitor_lang(&headers(&[("accept-language", "ja;q=0.2, en-GB;q=0.7")])), Lang::En);
        assert_eq!(visitor_lang(&headers(&[("accept-language", "en;q=0, ja;q=0.1")])), Lang::Ja);
        assert_eq!(visitor_lang(&headers(&[("accept-language", "de, vi")])), Lang::Ja);
        let chosen = headers(&[("accept-language", "en"), ("cookie", "a=b; zairyu_lang=ja")]);
        assert_eq!(visitor_lang(&chosen), Lang::Ja);
    }

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(local_path("/applications"), "/applications");
        assert_eq!(local_path("/applications?status=denied&cursor=x"), "/applications?status=denied&cursor=x");
        assert_eq!(local_path("/applications#top"), "/applications");
        assert_eq!(local_path("/"), "/");
        for other in [
            "//evil.example/x",
            "https://evil.example",
            "/\\evil.example",
            "",
            "/api/me",
            "/api",
            "/api?x=1",
            // As a form's value arrives decoded: `/%09/evil.example` is a TAB the browser drops.
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: a=b",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/\u{7f}",
            "/\u{85}/evil.example",
            "/\u{0}",
            "#//evil.example",
            "?//evil.example",
            "applications",
        ] {
            assert_eq!(local_path(other), "/", "{other:?}");
        }
    }

    #[test]
    fn a_form_token_belongs_to_its_session() {
        let a = form_token("session-a");
        assert_eq!(a, form_token("session-a"));
        assert_ne!(a, form_token("session-b"));
        assert_eq!(a.len(), 64);
        assert!(crate::extract::same_secret(&a, &a) && !crate::extract::same_secret(&a, &form_token("session-b")));
    }

    #[test]
    fn the_style_sheet_is_named_by_its_content() {
        let p = css_path();
        assert!(p.starts_with("/static/site.") && p.ends_with(".css"), "{p}");
        assert_eq!(p.len(), "/static/site.".len() + 16 + ".css".len());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("/applications"), "/applications");
        assert_eq!(encode("/a?b=c&d"), "/a%3Fb%3Dc%26d");
        assert_eq!(encode("山"), "%E5%B1%B1");
    }
}
