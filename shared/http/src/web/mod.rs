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
use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use sha2::{Digest, Sha256};
pub use zairyu_domain::error::Language as Lang;

use crate::AppState;
use crate::extract::cookie;
pub use crate::extract::{set_cookie, set_cookie_at};
use crate::function::Function;

mod form;
mod layout;
mod page;
mod visit;
#[cfg(any(feature = "submit", feature = "office"))]
pub use form::Form;
pub use form::{Field, error_summary, messages};
pub use layout::{Page, PageCtx, error_page, layout, not_found_page, service_name, set_help_desk};
#[cfg(any(feature = "login", feature = "submit", feature = "office"))]
pub use page::jst;
#[cfg(any(feature = "submit", feature = "office"))]
pub use page::{MultipartResult, Upload, file_upload, photo_response, photo_upload};
#[cfg(any(feature = "status", feature = "submit", feature = "office"))]
pub use page::{PER_PAGE, api, pager};
pub use page::{data_table, query, see_other, tr_owned};
pub use visit::{
    Fields, FormResult, MaybeVisit, OrgVisit, PageError, PageResult, Visit, encode, form_token, is_page,
    new_application_link, person_context, problem, refuse_cross_site, sealed_person,
};

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
#[cfg(any(feature = "status", feature = "submit"))]
mod row;
#[cfg(feature = "status")]
mod verify;

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
        #[cfg(feature = "status")]
        verify::PAGES,
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

/// A certificate's state in words, decided once for every page that shows it: the short label (the office's
/// page) and the sentence (the verification page's headline).
#[cfg(any(feature = "status", feature = "office"))]
pub(crate) fn certificate_state_words(
    validity: zairyu_domain::certificate::Validity,
    lang: Lang,
) -> (&'static str, &'static str) {
    let (ja, en) = match validity {
        zairyu_domain::certificate::Validity::Valid => {
            (("有効", "この証明書は有効です"), ("Valid", "This certificate is valid"))
        }
        zairyu_domain::certificate::Validity::Expired => {
            (("有効期限切れ", "この証明書は有効期限が過ぎています"), ("Expired", "This certificate has expired"))
        }
        zairyu_domain::certificate::Validity::Withdrawn { .. } => {
            (("取消し", "この証明書は取り消されています"), ("Withdrawn", "This certificate was withdrawn"))
        }
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// A day in the words of `lang`, as pages show a day to people who read it (7 December 2026, 2026年12月7日).
#[cfg(any(feature = "status", feature = "office"))]
pub fn date_words(lang: Lang, d: zairyu_domain::jst::JstDate) -> String {
    let n = d.naive();
    match lang {
        Lang::Ja => n.format("%Y年%-m月%-d日").to_string(),
        Lang::En => n.format("%-d %B %Y").to_string(),
    }
}

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
    visitor_choice(headers).unwrap_or(Lang::Ja)
}

/// The language a visitor asked for, if any: chosen (the language cookie), or their browser's
/// (`Accept-Language`, Japanese or English by weight). A log-in carries it into the user's setting.
pub fn visitor_choice(headers: &HeaderMap) -> Option<Lang> {
    if let Some(lang) = cookie(headers, LANG_COOKIE).as_deref().and_then(parse_lang) {
        return Some(lang);
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
    best.map(|(_, l)| l)
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

const JS: &str = include_str!("site.js");

/// The script's path, named by its content's hash as the style sheet's is.
pub fn js_path() -> &'static str {
    static PATH: LazyLock<String> =
        LazyLock::new(|| format!("/static/site.{}.js", &zairyu_app::hex(&Sha256::digest(JS.as_bytes()))[..16]));
    &PATH
}

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    // Each asset under its hashed name, cached for a year.
    let assets = [(css_path(), "text/css; charset=utf-8", CSS), (js_path(), "text/javascript; charset=utf-8", JS)];
    for (path, kind, content) in assets {
        if path.strip_prefix("/static/") == Some(file.as_str()) {
            return (
                [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")],
                content,
            )
                .into_response();
        }
    }
    not_found_page(visitor_lang(&headers))
}

// ---------------------------------------------------------------------------------------------------
// Sessions and CSRF

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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// #32 item 10: the pages' text is set in proportional fonts only; the fixed-width IPAGothic set every Latin
    /// letter monospaced where it was installed (its proportional sibling is IPAPGothic).
    #[test]
    fn the_font_stack_is_proportional() {
        let stack = CSS.lines().find(|l| l.trim_start().starts_with("font-family:")).unwrap_or_default();
        assert!(stack.trim_start().starts_with("font-family: system-ui,"), "{stack}");
        for fixed in ["\"IPAGothic\"", "MS Gothic", "Osaka-Mono", "monospace"] {
            assert!(!stack.contains(fixed), "{fixed} in {stack}");
        }
    }

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
