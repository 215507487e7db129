//! The top page (Q25), log-in with its refusals, log-out and the language switch (Q84).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::SESSION_COOKIE;
use crate::extract::ClientIp;
use crate::extract::set_cookie;
use crate::function::Function;
use crate::web::Field;
use crate::web::LANG_COOKIE;
use crate::web::MaybeVisit;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::code;
use crate::web::error_summary;
use crate::web::jst;
use crate::web::layout;
use crate::web::local_path;
use crate::web::messages;
use crate::web::parse_lang;
use crate::web::refuse_cross_site;
use crate::web::see_other;
use crate::web::service_name;
use crate::web::visitor_lang;
use axum::http::HeaderValue;
use zairyu_domain::error::Language as Lang;

pub const PAGES: &[PageSpec] = &[
    PageSpec { function: Function::Login, audience: Audience::Public, method: "GET", path: "/", handler: || get(top) },
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "GET",
        path: "/login",
        handler: || get(login_page),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "POST",
        path: "/login",
        handler: || post(login),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::AnyUser,
        method: "POST",
        path: "/logout",
        handler: || post(logout),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "POST",
        path: "/language",
        handler: || post(language),
    },
];

/// Where a user lands after logging in when they were not on their way somewhere.
fn home(v: &PageCtx) -> &'static str {
    match (v.organization_user, v.user_name.is_some()) {
        (true, _) => "/foreign-nationals",
        // An officer: the office's applications to process.
        (false, true) => "/office",
        (false, false) => "/",
    }
}

async fn top(State(s): State<AppState>, MaybeVisit(visit, ctx): MaybeVisit) -> PageResult {
    let notices = s.accounts.notices().await.map_err(|e| PageError::Problem(ctx.lang, Box::new(e.into())))?;
    let lang = ctx.lang;
    let body = html! {
        p.lead {
            (ctx.tr("在留申請オンラインシステムは、所属機関の職員や取次者の方が、所属する外国人の方の在留期間更新許可申請などを、地方出入国在留管理官署に行かなくてもオンラインで行えるシステムです。",
                "With this system, the staff of an organization — or an agent it appoints — files residence applications, such as the extension of a period of stay, for the foreign nationals it is responsible for, online instead of at a regional immigration office."))
        }
        @if let Some(v) = &visit {
            p { a.button href=(home(&v.page)) { (ctx.tr("業務を始める", "Continue to your work")) } }
        } @else {
            p { a.button href="/login" { (ctx.tr("ログイン", "Log in")) } }
            p.muted { (ctx.tr("利用者登録は、地方出入国在留管理官署の窓口で承認を受けた後に行えます。", "You can log in once your organization's registration has been approved at a regional immigration office.")) }
        }
        h2 { (ctx.tr("お知らせ", "Information for notification")) }
        @if notices.is_empty() {
            p.muted { (ctx.tr("現在、お知らせはありません。", "There is no notice at present.")) }
        }
        @for n in &notices {
            @let maintenance = n.maintenance.is_some();
            section.notice.maintenance[maintenance] {
                h3 {
                    (match lang { Lang::Ja => n.title_ja.to_string(), Lang::En => n.title_en.to_string() })
                }
                @if let Some(w) = &n.maintenance {
                    p {
                        strong { (ctx.tr("メンテナンス：", "Maintenance: ")) }
                        (jst(w.from)) " – " (jst(w.until)) " " (ctx.tr("（日本時間）", "(Japan time)"))
                    }
                }
                p { (match lang { Lang::Ja => n.body_ja.to_string(), Lang::En => n.body_en.to_string() }) }
            }
        }
    };
    Ok(Page(StatusCode::OK, layout(&ctx, service_name(lang), body)).into_response())
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_page(MaybeVisit(visit, ctx): MaybeVisit, uri: axum::http::Uri) -> PageResult {
    // A query it cannot read (a hand-edited link) is read as none.
    let q = axum::extract::Query::<LoginQuery>::try_from_uri(&uri).map(|q| q.0).unwrap_or_default();
    if let Some(v) = visit {
        return Ok(see_other(if q.next.is_empty() { home(&v.page) } else { local_path(&q.next) }));
    }
    let notice = match q.reason.as_str() {
        "ended" => Some(ctx.tr(
            "30分間操作がなかったため、ログアウトしました。もう一度ログインすると、元のページに戻ります。",
            "You were logged out after 30 minutes without activity. Log in again to return to the page you were on.",
        )),
        "logged_out" => Some(ctx.tr("ログアウトしました。", "You have logged out.")),
        "password_set" => Some(ctx.tr(
            "パスワードを設定しました。新しいパスワードでログインしてください。",
            "Your password is set. Log in with it.",
        )),
        _ => None,
    };
    Ok(login_form(&ctx, StatusCode::OK, "", &q.next, notice, &[]))
}

/// The log-in page with a refusal that is not about what was typed: told as a notice above the form.
fn login_refused(ctx: &PageCtx, status: StatusCode, user_id: &str, next: &str, why: &str) -> Response {
    let notice = html! {
        div.notice.warning role="alert" {
            h2 { (ctx.tr("ログインできません", "You cannot log in")) }
            p { (why) }
        }
    };
    login_page_with(ctx, status, user_id, next, Some(notice), &[])
}

fn login_form(
    ctx: &PageCtx,
    status: StatusCode,
    user_id: &str,
    next: &str,
    notice: Option<&str>,
    errors: &[(String, String)],
) -> Response {
    let notice = notice.map(|n| html! { div.notice role="status" { p { (n) } } });
    login_page_with(ctx, status, user_id, next, notice, errors)
}

fn login_page_with(
    ctx: &PageCtx,
    status: StatusCode,
    user_id: &str,
    next: &str,
    notice: Option<maud::Markup>,
    errors: &[(String, String)],
) -> Response {
    let lang = ctx.lang;
    let error_of = |f: &str| errors.iter().find(|(field, _)| field == f).map(|(_, m)| m.as_str());
    // A refusal about no one field (wrong ID or password, locked, expired, suspended) is shown on top and
    // points to the user ID.
    let summary: Vec<(String, String)> =
        errors.iter().map(|(f, m)| (if f.is_empty() { "user_id".to_owned() } else { f.clone() }, m.clone())).collect();
    let general = errors.iter().find(|(f, _)| f.is_empty()).map(|(_, m)| m.as_str());
    let body = html! {
        (error_summary(lang, &summary))
        @if let Some(n) = notice { (n) }
        form method="post" action="/login" novalidate {
            input type="hidden" name="next" value=(local_path(next));
            (Field { id: "user_id", label: ctx.tr("利用者ID", "User ID"), kind: "text", value: user_id, required: true,
                     hint: None, error: error_of("user_id").or(general), autocomplete: "username" }.render(lang))
            (Field { id: "password", label: ctx.tr("パスワード", "Password"), kind: "password", value: "", required: true,
                     hint: None, error: error_of("password"), autocomplete: "current-password" }.render(lang))
            div.actions { button type="submit" { (ctx.tr("ログイン", "Log in")) } }
        }
        p { a href="/password/forgotten" { (ctx.tr("パスワードを忘れた場合・有効期限が切れた場合", "If you have forgotten your password, or it has expired")) } }
        p.muted {
            (ctx.tr("パスワードを5回続けて間違えると、24時間ログインできなくなります。",
                    "After five wrong passwords in a row, the user ID is locked for 24 hours."))
        }
    };
    Page(status, layout(ctx, ctx.tr("ログイン", "Log in"), body)).into_response()
}

async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<axum::Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let ctx = PageCtx {
        lang: visitor_lang(&headers),
        user_name: None,
        organization_user: false,
        officer_roles: Vec::new(),
        csrf: None,
        path: "/login".into(),
    };
    refuse_cross_site(&headers, ctx.lang)?;
    let axum::Form(f) = form.map_err(|_| PageError::Problem(ctx.lang, Box::new(Problem::malformed_form())))?;
    // The language the visitor asked for on the log-in page (chosen, or the browser's) becomes the user's
    // (#32 item 3); a browser that asks for none leaves the user's own setting.
    let asked = crate::web::visitor_choice(&headers);
    match s.accounts.login_speaking(&f.user_id, &f.password, ip.map(|i| i.to_string()), asked).await {
        Ok(login) => {
            let organization_user = matches!(
                login.user.kind(),
                zairyu_domain::account::UserKind::OrganizationStaff | zairyu_domain::account::UserKind::Agent
            );
            let landing = PageCtx { organization_user, user_name: Some(login.user.name().to_string()), ..ctx };
            let to = if f.next.is_empty() || local_path(&f.next) == "/" { home(&landing) } else { local_path(&f.next) };
            let mut res = see_other(to);
            let secure = s.config.secure_cookies;
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &login.session_token, None, secure));
            h.append(
                header::SET_COOKIE,
                set_cookie(LANG_COOKIE, code(login.user.language()), Some(31_536_000), secure),
            );
            Ok(res)
        }
        Err(e) => {
            let p = Problem::from(e);
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
            let said = messages(ctx.lang, &p);
            // What was typed is wrong (401): beside the fields. Anything else (locked, suspended, cancelled,
            // expired) is no mistake of typing: a notice that says what happened and what to do (#32 item 10).
            let mut res = if status == StatusCode::UNAUTHORIZED || status == StatusCode::UNPROCESSABLE_ENTITY {
                login_form(&ctx, status, &f.user_id, &f.next, None, &said)
            } else {
                let why = said.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ");
                login_refused(&ctx, status, &f.user_id, &f.next, &why)
            };
            if let Some(after) = p.retry_after
                && let Ok(v) = HeaderValue::from_str(&after.to_string())
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(s): State<AppState>,
    visit: Visit,
    form: Result<axum::Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let axum::Form(f) = form.map_err(|_| PageError::Problem(visit.lang(), Box::new(Problem::malformed_form())))?;
    visit.check_form(&f.csrf)?;
    s.accounts
        .logout(&visit.session_token, &visit.caller)
        .await
        .map_err(|e| PageError::Problem(visit.lang(), Box::new(e.into())))?;
    let mut res = see_other("/login?reason=logged_out");
    res.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), s.config.secure_cookies));
    Ok(res)
}

#[derive(Deserialize)]
struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    csrf: String,
}

/// The language switch: remembered in a cookie, and for a logged-in user in their own setting (Q84), which
/// their next log-in and their e-mails follow.
async fn language(
    State(s): State<AppState>,
    MaybeVisit(visit, ctx): MaybeVisit,
    form: Result<axum::Form<LanguageForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let bad = || PageError::Problem(ctx.lang, Box::new(Problem::malformed_form()));
    let axum::Form(f) = form.map_err(|_| bad())?;
    let lang = parse_lang(&f.lang).ok_or_else(bad)?;
    if let Some(v) = &visit {
        v.check_form(&f.csrf)?;
        s.accounts
            .choose_language(&v.caller, lang)
            .await
            .map_err(|e| PageError::Problem(ctx.lang, Box::new(e.into())))?;
    }
    let mut res = see_other(local_path(&f.back));
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(LANG_COOKIE, code(lang), Some(31_536_000), s.config.secure_cookies));
    Ok(res)
}
