//! Passwords and the own user information: the page an e-mailed link opens to set a first password (Q88) or
//! a new one (Q92, Q97), the "forgotten password" request, and the user information with the changes of
//! password and e-mail address (Q77, Q89, Q90).

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::extract::ClientIp;
use crate::extract::set_cookie_at;
use crate::function::Function;
use crate::web::Field;
use crate::web::LINK_COOKIE;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::error_summary;
use crate::web::layout;
use crate::web::messages;
use crate::web::refuse_cross_site;
use crate::web::see_other;
use axum::response::Response;
use zairyu_app::ServiceError;
use zairyu_domain::error::Language as Lang;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "GET",
        path: "/password",
        handler: || get(link_page),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "POST",
        path: "/password",
        handler: || post(set_from_link),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "GET",
        path: "/password/forgotten",
        handler: || get(forgotten_page),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::Public,
        method: "POST",
        path: "/password/forgotten",
        handler: || post(forgotten),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::AnyUser,
        method: "GET",
        path: "/account",
        handler: || get(account),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::AnyUser,
        method: "POST",
        path: "/account/password",
        handler: || post(change_password),
    },
    PageSpec {
        function: Function::Login,
        audience: Audience::AnyUser,
        method: "POST",
        path: "/account/email",
        handler: || post(change_email),
    },
];

/// Q88's rules, shown before a password is typed.
fn password_rules(ctx: &PageCtx) -> Markup {
    html! {
        div.hint #password-rules {
            p { (ctx.tr("パスワードは次のとおり設定してください。", "Choose a password that:")) }
            ul {
                li { (ctx.tr("8文字以上32文字以内", "has 8 to 32 characters")) }
                li { (ctx.tr("半角英字・半角数字・半角記号（. ! # $ % & ? など）をそれぞれ1文字以上含む", "mixes half-width letters, digits and symbols (such as . ! # $ % & ?), at least one of each")) }
                li { (ctx.tr("利用者IDを含まない", "does not contain your user ID")) }
                li { (ctx.tr("英字の大文字と小文字は区別されます", "is case-sensitive")) }
            }
        }
    }
}

fn visitor(headers: &axum::http::HeaderMap, path: &str) -> PageCtx {
    PageCtx::visitor_at(headers, path)
}

fn form_error(lang: Lang) -> impl Fn(axum::extract::rejection::FormRejection) -> PageError {
    move |_| PageError::Problem(lang, Box::new(Problem::malformed_form()))
}

fn field_error<'a>(errors: &'a [(String, String)], id: &str) -> Option<&'a str> {
    errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
}

fn secret(
    ctx: &PageCtx,
    id: &str,
    ja: &'static str,
    en: &'static str,
    errors: &[(String, String)],
    autocomplete: &str,
) -> Markup {
    Field {
        id,
        label: ctx.tr(ja, en),
        kind: "password",
        value: "",
        required: true,
        hint: None,
        error: field_error(errors, id),
        autocomplete,
    }
    .render(ctx.lang)
}

#[derive(Deserialize, Default)]
struct LinkArgs {
    #[serde(default)]
    token: String,
}

/// How long the page of an opened link keeps its token: time to choose a password (the link's own 24 hours
/// still bound it).
const LINK_COOKIE_SECONDS: i64 = 3600;

/// Whether `token` looks like one of our link tokens (URL-safe base64): anything else is not put in a cookie.
fn token_shaped(token: &str) -> bool {
    (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The page an e-mailed link opens. The link (`/password?token=…`) hands its token over once, to a cookie of
/// this page alone, and sends the browser on to `/password`: from then on the live token is in no address —
/// not in the address bar, the history, a `Referer` or any log of URLs. `/password` shows the form, or why the
/// link no longer works.
async fn link_page(State(s): State<AppState>, headers: axum::http::HeaderMap, uri: Uri) -> PageResult {
    let ctx = visitor(&headers, "/password");
    let args = axum::extract::Query::<LinkArgs>::try_from_uri(&uri).map(|q| q.0).unwrap_or_default();
    if !args.token.is_empty() {
        let mut to_page = see_other("/password");
        if token_shaped(&args.token) {
            let cookie = set_cookie_at(
                LINK_COOKIE,
                &args.token,
                "/password",
                Some(LINK_COOKIE_SECONDS),
                s.config.secure_cookies,
            );
            to_page.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
        }
        return Ok(to_page);
    }
    let token = crate::extract::cookie(&headers, LINK_COOKIE).unwrap_or_default();
    let valid = token_shaped(&token)
        && s.accounts.link_is_valid(&token).await.map_err(|e| PageError::Problem(ctx.lang, Box::new(e.into())))?;
    if !valid {
        return Ok(expired_link(&ctx));
    }
    Ok(link_form(&ctx, StatusCode::OK, &token, &[]))
}

fn expired_link(ctx: &PageCtx) -> Response {
    let body = html! {
        p.lead { (ctx.tr("このリンクは無効か、有効期限（24時間）が過ぎています。", "This link is not valid, or its 24 hours have passed.")) }
        p { a href="/password/forgotten" { (ctx.tr("パスワード再設定のリンクを送り直す", "Send a new link to set the password")) } }
    };
    Page(StatusCode::GONE, layout(ctx, ctx.tr("リンクが無効です", "The link no longer works"), body)).into_response()
}

fn link_form(ctx: &PageCtx, status: StatusCode, token: &str, errors: &[(String, String)]) -> Response {
    let body = html! {
        (error_summary(ctx.lang, errors))
        (password_rules(ctx))
        form method="post" action="/password" novalidate {
            input type="hidden" name="token" value=(token);
            (secret(ctx, "password", "新しいパスワード", "New password", errors, "new-password"))
            (secret(ctx, "confirm", "新しいパスワード（確認）", "New password again", errors, "new-password"))
            div.actions { button type="submit" { (ctx.tr("パスワードを設定する", "Set the password")) } }
        }
    };
    Page(status, layout(ctx, ctx.tr("パスワードの設定", "Set your password"), body)).into_response()
}

#[derive(Deserialize)]
struct LinkForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn mismatch(ctx: &PageCtx) -> Vec<(String, String)> {
    vec![("confirm".into(), ctx.tr("確認のパスワードが一致しません。", "The two passwords differ.").into())]
}

async fn set_from_link(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<LinkForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let ctx = visitor(&headers, "/password");
    refuse_cross_site(&headers, ctx.lang)?;
    let axum::Form(f) = form.map_err(form_error(ctx.lang))?;
    if f.password != f.confirm {
        return Ok(link_form(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &f.token, &mismatch(&ctx)));
    }
    match s.accounts.set_password_from_link(&f.token, &f.password, ip.map(|i| i.to_string())).await {
        Ok(()) => {
            let mut done = see_other("/login?reason=password_set");
            let forget = set_cookie_at(LINK_COOKIE, "", "/password", Some(0), s.config.secure_cookies);
            done.headers_mut().append(axum::http::header::SET_COOKIE, forget);
            Ok(done)
        }
        Err(ServiceError::InvalidLink) => Ok(expired_link(&ctx)),
        Err(e @ ServiceError::Invalid(_)) => {
            let p = Problem::from(e);
            Ok(link_form(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &f.token, &messages(ctx.lang, &p)))
        }
        Err(e) => Err(PageError::Problem(ctx.lang, Box::new(e.into()))),
    }
}

#[derive(Deserialize, Default)]
struct SentArgs {
    #[serde(default)]
    sent: String,
}

async fn forgotten_page(headers: axum::http::HeaderMap, uri: Uri) -> PageResult {
    let ctx = visitor(&headers, "/password/forgotten");
    let sent = axum::extract::Query::<SentArgs>::try_from_uri(&uri).map(|q| q.0.sent == "1").unwrap_or(false);
    Ok(forgotten_form(&ctx, StatusCode::OK, "", "", sent, &[]))
}

fn forgotten_form(
    ctx: &PageCtx,
    status: StatusCode,
    user_id: &str,
    email: &str,
    sent: bool,
    errors: &[(String, String)],
) -> Response {
    let body = html! {
        (error_summary(ctx.lang, errors))
        @if sent {
            div.notice role="status" {
                p { (ctx.tr("利用者IDとメールアドレスが登録内容と一致した場合は、パスワード再設定のリンクをお送りしました。リンクの有効期限は24時間です。",
                            "If the user ID and the e-mail address match what is registered, a link to set a new password has been sent. It works for 24 hours.")) }
            }
        }
        p { (ctx.tr("利用者IDと登録したメールアドレスを入力してください。利用者IDを忘れた場合は、最寄りの地方出入国在留管理官署の窓口で確認できます。",
                    "Enter your user ID and the e-mail address you registered. If you have forgotten your user ID, ask at the counter of the nearest regional immigration office.")) }
        form method="post" action="/password/forgotten" novalidate {
            (Field { id: "user_id", label: ctx.tr("利用者ID", "User ID"), kind: "text", value: user_id, required: true,
                     hint: None, error: field_error(errors, "user_id"), autocomplete: "username" }.render(ctx.lang))
            (Field { id: "email", label: ctx.tr("メールアドレス", "E-mail address"), kind: "email", value: email, required: true,
                     hint: None, error: field_error(errors, "email"), autocomplete: "email" }.render(ctx.lang))
            div.actions { button type="submit" { (ctx.tr("再設定のリンクを送る", "Send the link")) } }
        }
    };
    Page(status, layout(ctx, ctx.tr("パスワードを忘れた場合", "If you have forgotten your password"), body))
        .into_response()
}

#[derive(Deserialize)]
struct ForgottenForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    email: String,
}

async fn forgotten(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<ForgottenForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let ctx = visitor(&headers, "/password/forgotten");
    refuse_cross_site(&headers, ctx.lang)?;
    let axum::Form(f) = form.map_err(form_error(ctx.lang))?;
    match s.accounts.request_password_reset(&f.user_id, &f.email, ip.map(|i| i.to_string())).await {
        Ok(()) => Ok(see_other("/password/forgotten?sent=1")),
        Err(e @ ServiceError::Invalid(_)) => {
            let p = Problem::from(e);
            Ok(forgotten_form(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &f.user_id,
                &f.email,
                false,
                &messages(ctx.lang, &p),
            ))
        }
        Err(e) => Err(PageError::Problem(ctx.lang, Box::new(e.into()))),
    }
}

#[derive(Deserialize, Default)]
struct DoneArgs {
    #[serde(default)]
    done: String,
}

/// Q77: the own user information (user name, user ID, e-mail address), and the changes of Q89 and Q90.
async fn account(visit: Visit, uri: Uri) -> PageResult {
    let done = axum::extract::Query::<DoneArgs>::try_from_uri(&uri).map(|q| q.0.done).unwrap_or_default();
    Ok(account_page(&visit, StatusCode::OK, &done, "", &[]))
}

fn account_page(v: &Visit, status: StatusCode, done: &str, email: &str, errors: &[(String, String)]) -> Response {
    let ctx = &v.page;
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let notice = match done {
        "password" => Some(ctx.tr("パスワードを変更しました。", "Your password has been changed.")),
        "email" => Some(ctx.tr(
            "メールアドレスを変更しました。新旧のアドレスにお知らせを送りました。",
            "Your e-mail address has been changed; both addresses were told.",
        )),
        _ => None,
    };
    let password_errors: Vec<(String, String)> = errors
        .iter()
        .filter(|(f, _)| ["current_password", "new_password", "confirm"].contains(&f.as_str()))
        .cloned()
        .collect();
    let email_errors: Vec<(String, String)> =
        errors.iter().filter(|(f, _)| ["email_current_password", "email"].contains(&f.as_str())).cloned().collect();
    let u = &v.user;
    let body = html! {
        (error_summary(ctx.lang, errors))
        @if let Some(n) = notice { div.notice role="status" { p { (n) } } }
        dl.facts {
            dt { (ctx.tr("利用者名", "User name")) } dd { (u.name().to_string()) }
            dt { (ctx.tr("利用者ID", "User ID")) } dd { (u.id().to_string()) }
            dt { (ctx.tr("メールアドレス", "E-mail address")) } dd { (u.email().to_string()) }
            @if let Some(p) = u.password() {
                dt { (ctx.tr("パスワードの有効期限", "Password valid until")) } dd { (p.expires_on().pred().to_string()) }
            }
        }
        h2 #change-password { (ctx.tr("パスワードの変更", "Change your password")) }
        (password_rules(ctx))
        form method="post" action="/account/password" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            (secret(ctx, "current_password", "現在のパスワード", "Current password", &password_errors, "current-password"))
            (secret(ctx, "new_password", "新しいパスワード", "New password", &password_errors, "new-password"))
            (secret(ctx, "confirm", "新しいパスワード（確認）", "New password again", &password_errors, "new-password"))
            div.actions { button type="submit" { (ctx.tr("パスワードを変更する", "Change the password")) } }
        }
        h2 #change-email { (ctx.tr("メールアドレスの変更", "Change your e-mail address")) }
        form method="post" action="/account/email" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            (Field { id: "email", label: ctx.tr("新しいメールアドレス", "New e-mail address"), kind: "email", value: email, required: true,
                     hint: None, error: field_error(&email_errors, "email"), autocomplete: "email" }.render(ctx.lang))
            (secret(ctx, "email_current_password", "現在のパスワード", "Current password", &email_errors, "current-password"))
            div.actions { button type="submit" { (ctx.tr("メールアドレスを変更する", "Change the e-mail address")) } }
        }
    };
    Page(status, layout(ctx, ctx.tr("利用者情報", "Your user information"), body)).into_response()
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(s): State<AppState>,
    v: Visit,
    form: Result<axum::Form<PasswordForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let axum::Form(f) = form.map_err(form_error(v.lang()))?;
    v.check_form(&f.csrf)?;
    if f.new_password != f.confirm {
        return Ok(account_page(&v, StatusCode::UNPROCESSABLE_ENTITY, "", "", &mismatch(&v.page)));
    }
    match s.accounts.change_password(&v.caller, &v.session_token, &f.current_password, &f.new_password).await {
        Ok(()) => Ok(see_other("/account?done=password")),
        Err(e @ ServiceError::Invalid(_)) => {
            let p = Problem::from(e);
            Ok(account_page(&v, StatusCode::UNPROCESSABLE_ENTITY, "", "", &messages(v.lang(), &p)))
        }
        Err(e) => Err(PageError::Problem(v.lang(), Box::new(e.into()))),
    }
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    email_current_password: String,
}

async fn change_email(
    State(s): State<AppState>,
    v: Visit,
    form: Result<axum::Form<EmailForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let axum::Form(f) = form.map_err(form_error(v.lang()))?;
    v.check_form(&f.csrf)?;
    match s.accounts.change_email(&v.caller, &f.email_current_password, &f.email).await {
        Ok(_) => Ok(see_other("/account?done=email")),
        Err(e @ ServiceError::Invalid(_)) => {
            let p = Problem::from(e);
            let errors = messages(v.lang(), &p)
                .into_iter()
                .map(|(f, m)| {
                    (
                        if f == "current_password" {
                            "email_current_password".into()
                        } else if f.is_empty() {
                            "email".into()
                        } else {
                            f
                        },
                        m,
                    )
                })
                .collect::<Vec<_>>();
            Ok(account_page(&v, StatusCode::UNPROCESSABLE_ENTITY, "", &f.email, &errors))
        }
        Err(e) => Err(PageError::Problem(v.lang(), Box::new(e.into()))),
    }
}
