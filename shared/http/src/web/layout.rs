use super::code;
use super::css_path;
use super::local_path;
use super::tr;
use super::visitor_lang;
use crate::Problem;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use zairyu_domain::error::Language as Lang;
use zairyu_domain::status::OfficerRole;

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
                // The service's own name once: the top page is titled by it alone.
                @if title == service_name(lang) { title { (title) } } @else { title { (title) " | " (service_name(lang)) } }
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
                                    li { a href="/office/certificates" { (tr(lang, "認定証明書", "Certificates")) } }
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
                            span.help-desk { (help_desk()) } " "
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
    // The input's errors by their messages alone (the API's detail names each field by its key); an address
    // a page does not understand in words, without the parameter's name the API's detail gives.
    let detail = if p.rule == Problem::malformed_query(String::new()).rule {
        ctx.tr(
            "このページのアドレスの一部が正しくありません（リンクが途中で切れたか、書き換えられた可能性があります）。リンクをもう一度たどってください。",
            "Part of this page's address is not one it understands (a link cut short or edited, perhaps). Follow the link again.",
        )
        .to_owned()
    } else if p.errors.is_empty() {
        match lang {
            Lang::Ja => p.detail_ja.clone(),
            Lang::En => p.detail.clone(),
        }
    } else {
        let messages: Vec<&str> = p
            .errors
            .iter()
            .map(|v| match lang {
                Lang::Ja => v.message_ja.as_str(),
                Lang::En => v.message_en.as_str(),
            })
            .collect();
        messages.join(" ")
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

/// A rendered page and its status.
pub struct Page(pub StatusCode, pub Markup);

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (self.0, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], self.1.into_string()).into_response()
    }
}

/// The name of the service.
pub fn service_name(lang: Lang) -> &'static str {
    tr(lang, "在留申請オンラインシステム", "Online Residence Application System")
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
        Self::visitor_at(&parts.headers, local_path(parts.uri.path()))
    }

    /// A visitor not logged in, on the page at `path`, in the language their browser asks for.
    pub fn visitor_at(headers: &axum::http::HeaderMap, path: &str) -> Self {
        Self {
            lang: visitor_lang(headers),
            user_name: None,
            organization_user: false,
            officer_roles: Vec::new(),
            csrf: None,
            path: path.to_owned(),
        }
    }

    pub fn tr(&self, ja: &'static str, en: &'static str) -> &'static str {
        tr(self.lang, ja, en)
    }
}

static HELP_DESK: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Names the help desk's contact every page shows: the process's configuration, set once when its router
/// is built (every router of a process serves the one deployment).
pub fn set_help_desk(contact: &str) {
    let _ = HELP_DESK.set(contact.to_owned());
}

/// The help desk's contact on every page's foot.
fn help_desk() -> &'static str {
    HELP_DESK.get().map_or(crate::DEFAULT_HELP_DESK, String::as_str)
}
