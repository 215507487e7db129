//! Log-in, log-out, the own user information and passwords (Q44, Q77, Q88–Q97).
use crate::ApiResult;
use crate::AppState;
use crate::RouteSpec;
use crate::SESSION_COOKIE;
use crate::extract::Authenticated;
use crate::extract::ClientIp;
use crate::extract::JsonBody;
use crate::routes::B;
use crate::routes::F;
use crate::routes::Json;
use crate::routes::R;
use crate::routes::schema;
use crate::routes::session_cookie;
use crate::views::LoginView;
use crate::views::UserView;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde::Deserialize;

pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/login",
        summary: "Log in",
        session: false,
        body: B::Json(schema::<LoginBody>),
        query: None,
        reply: R::Json(schema::<LoginView>),
        responses: &[200, 400, 401, 403, 415, 429],
        handler: || post(login),
    },
    RouteSpec {
        function: F::Login,
        method: "GET",
        path: "/api/notices",
        summary: "Information for notification on the top screen, maintenance windows included; no log-in",
        session: false,
        body: B::None,
        query: None,
        reply: R::Json(schema::<NoticesView>),
        responses: &[200],
        handler: || get(notices),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/logout",
        summary: "Log out",
        session: true,
        body: B::None,
        query: None,
        reply: R::Empty,
        responses: &[204, 401, 403],
        handler: || post(logout),
    },
    RouteSpec {
        function: F::Login,
        method: "GET",
        path: "/api/me",
        summary: "Own user information",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<UserView>),
        responses: &[200, 401],
        handler: || get(me),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/me/password",
        summary: "Change the password",
        session: true,
        body: B::Json(schema::<ChangePasswordBody>),
        query: None,
        reply: R::Empty,
        responses: &[204, 400, 401, 403, 415, 422, 429],
        handler: || post(change_password),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/me/email",
        summary: "Change the e-mail address",
        session: true,
        body: B::Json(schema::<ChangeEmailBody>),
        query: None,
        reply: R::Json(schema::<UserView>),
        responses: &[200, 400, 401, 403, 415, 422, 429],
        handler: || post(change_email),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/password-reset/request",
        summary: "If you have forgotten your password: e-mail a reset link",
        session: false,
        body: B::Json(schema::<ResetRequestBody>),
        query: None,
        reply: R::Empty,
        responses: &[202, 400, 415, 429],
        handler: || post(request_reset),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/password-reset",
        summary: "Set a password from a one-time link",
        session: false,
        body: B::Json(schema::<ResetBody>),
        query: None,
        reply: R::Empty,
        responses: &[204, 400, 415, 422, 429],
        handler: || post(reset),
    },
];

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    user_id: String,
    password: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ChangePasswordBody {
    current_password: String,
    new_password: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ChangeEmailBody {
    /// The password in use now: a change of address is a change of who can reset it (Q89).
    current_password: String,
    email: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResetRequestBody {
    user_id: String,
    email: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResetBody {
    token: String,
    password: String,
}

async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(b): JsonBody<LoginBody>,
) -> ApiResult<Response> {
    let login = s.accounts.login(&b.user_id, &b.password, ip.map(|i| i.to_string())).await?;
    let body = LoginView { user: UserView::from(&login.user), csrf_token: login.csrf_token };
    let mut res = Json(body).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&login.session_token, s.config.secure_cookies));
    Ok(res)
}

async fn logout(State(s): State<AppState>, auth: Authenticated) -> ApiResult<Response> {
    s.accounts.logout(&auth.session_token, &auth.caller).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, crate::extract::set_cookie(SESSION_COOKIE, "", Some(0), s.config.secure_cookies));
    Ok(res)
}

async fn me(auth: Authenticated) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&auth.user)))
}

async fn change_password(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<ChangePasswordBody>,
) -> ApiResult<StatusCode> {
    s.accounts.change_password(&auth.caller, &auth.session_token, &b.current_password, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_email(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<ChangeEmailBody>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&s.accounts.change_email(&auth.caller, &b.current_password, &b.email).await?)))
}

async fn request_reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(b): JsonBody<ResetRequestBody>,
) -> ApiResult<StatusCode> {
    s.accounts.request_password_reset(&b.user_id, &b.email, ip.map(|i| i.to_string())).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(b): JsonBody<ResetBody>,
) -> ApiResult<StatusCode> {
    s.accounts.set_password_from_link(&b.token, &b.password, ip.map(|i| i.to_string())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The top screen's notices (Q25).
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct NoticesView {
    items: Vec<zairyu_domain::notice::Notice>,
}

async fn notices(State(s): State<AppState>) -> ApiResult<Json<NoticesView>> {
    Ok(Json(NoticesView { items: s.accounts.notices().await? }))
}
