//! Every route, declared once in [`ROUTES`]: the router and the OpenAPI document are both built from this
//! table, so they cannot disagree.

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use zairyu_domain::form::ApplicationInput;
use zairyu_domain::photo::MAX_PHOTO_BYTES;
use zairyu_domain::status::ReceiptMethod;

use crate::extract::{Authenticated, ClientIp, JsonBody, read_body};
use crate::views::{
    ApplicationDetailView, ApplicationView, ForeignNationalView, PageView, UserView, decode_cursor, encode_cursor,
};
use crate::{ApiResult, AppState, Problem, SESSION_COOKIE};

/// The Lambda function that serves a route in AWS (the local server serves them all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Login,
    Submit,
    Status,
    Office,
}

impl Function {
    pub const ALL: [Function; 4] = [Self::Login, Self::Submit, Self::Status, Self::Office];

    /// The crate under `functions/`.
    pub fn crate_dir(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Submit => "submit",
            Self::Status => "status",
            Self::Office => "office",
        }
    }
}

/// What a route expects in its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json(&'static str),
    Jpeg,
}

pub struct RouteSpec {
    pub function: Function,
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Needs a session (and, for methods other than GET, the CSRF header).
    pub session: bool,
    pub body: BodyKind,
    /// Successful status and the error statuses it can answer with.
    pub responses: &'static [u16],
    pub handler: fn() -> MethodRouter<AppState>,
}

use BodyKind as B;
use Function as F;

pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/login",
        summary: "Log in (Q88, Q96, Q97)",
        session: false,
        body: B::Json("LoginBody"),
        responses: &[200, 400, 401, 403, 415],
        handler: || post(login),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/logout",
        summary: "Log out",
        session: true,
        body: B::None,
        responses: &[204, 401, 403],
        handler: || post(logout),
    },
    RouteSpec {
        function: F::Login,
        method: "GET",
        path: "/api/me",
        summary: "Own user information (Q77)",
        session: true,
        body: B::None,
        responses: &[200, 401],
        handler: || get(me),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/me/password",
        summary: "Change the password (Q90)",
        session: true,
        body: B::Json("ChangePasswordBody"),
        responses: &[204, 400, 401, 403, 415, 422],
        handler: || post(change_password),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/me/email",
        summary: "Change the e-mail address (Q89)",
        session: true,
        body: B::Json("ChangeEmailBody"),
        responses: &[200, 400, 401, 403, 415, 422],
        handler: || post(change_email),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/password-reset/request",
        summary: "If you have forgotten your password: e-mail a reset link (Q92)",
        session: false,
        body: B::Json("ResetRequestBody"),
        responses: &[202, 400, 415],
        handler: || post(request_reset),
    },
    RouteSpec {
        function: F::Login,
        method: "POST",
        path: "/api/password-reset",
        summary: "Set a password from a one-time link (Q88, Q92)",
        session: false,
        body: B::Json("ResetBody"),
        responses: &[204, 400, 415, 422],
        handler: || post(reset),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations",
        summary: "Counter: register an organization of affiliation (Q1–Q3, Q15)",
        session: true,
        body: B::Json("OrganizationInput"),
        responses: &[201, 400, 401, 403, 415, 422],
        handler: || post(register_organization),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/organizations/{org}",
        summary: "Counter: one organization",
        session: true,
        body: B::None,
        responses: &[200, 401, 403, 404],
        handler: || get(office_organization),
    },
    RouteSpec {
        function: F::Office,
        method: "PUT",
        path: "/api/office/organizations/{org}",
        summary: "Counter: record a change of name or location (Q78)",
        session: true,
        body: B::Json("OrganizationChange"),
        responses: &[200, 400, 401, 403, 404, 415, 422],
        handler: || put(change_organization),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations/{org}/requests-for-use",
        summary: "Counter: record a new or additional request for use (Q3, Q10, Q16–Q20)",
        session: true,
        body: B::Json("RequestForUseInput"),
        responses: &[201, 400, 401, 403, 404, 415, 422],
        handler: || post(record_request_for_use),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations/{org}/requests-for-use/{id}/decision",
        summary: "Counter: approve (user ID, approval dates, password link e-mail) or deny a request for use (Q12–Q14, Q88)",
        session: true,
        body: B::Json("Decision"),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(decide_request_for_use),
    },
    RouteSpec {
        function: F::Office,
        method: "PUT",
        path: "/api/office/organizations/{org}/foreign-nationals/{card}",
        summary: "Counter: add or update a person on the List of Affiliated Foreign Nationals (Q80)",
        session: true,
        body: B::Json("ForeignNationalInput"),
        responses: &[200, 400, 401, 403, 404, 415, 422],
        handler: || put(put_foreign_national),
    },
    RouteSpec {
        function: F::Office,
        method: "DELETE",
        path: "/api/office/organizations/{org}/foreign-nationals/{card}",
        summary: "Counter: remove a person from the list (Q80)",
        session: true,
        body: B::None,
        responses: &[204, 401, 403, 404],
        handler: || delete(remove_foreign_national),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations/{org}/periodic-reports",
        summary: "Counter: approve (old expiry + 1 year, resumes use) or deny a periodic report (Q72–Q76)",
        session: true,
        body: B::Json("Decision"),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(decide_periodic_report),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/users/{user}",
        summary: "Counter: confirm a user (Q93)",
        session: true,
        body: B::None,
        responses: &[200, 401, 403, 404],
        handler: || get(office_user),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/users/{user}/actions",
        summary: "Counter: suspend, resume, cancel, delete an agent, reset a password, lift a lockout (Q79, Q92–Q96)",
        session: true,
        body: B::Json("UserAction"),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(office_user_action),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/template",
        summary: "The blanket input template of one input-screen group, xlsx (Q40, Q41)",
        session: true,
        body: B::None,
        responses: &[200, 401, 422],
        handler: || get(blanket_template),
    },
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/blanket/uploads",
        summary: "Start a blanket upload: its ID and the link its file goes to (Q40)",
        session: true,
        body: B::None,
        responses: &[201, 401, 403],
        handler: || post(begin_blanket_upload),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}",
        summary: "A blanket upload: its state, counts and error list (Q42)",
        session: true,
        body: B::None,
        responses: &[200, 401, 404],
        handler: || get(blanket_upload),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}/errors.csv",
        summary: "The error list of a blanket upload, printable (Q43)",
        session: true,
        body: B::None,
        responses: &[200, 401, 404],
        handler: || get(blanket_errors_csv),
    },
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/submit-bulk",
        summary: "File many applications at once; a result for each",
        session: true,
        body: B::Json("SubmitBulkBody"),
        responses: &[200, 400, 401, 403, 415],
        handler: || post(submit_bulk),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/foreign-nationals",
        summary: "List of Affiliated Foreign Nationals with their filing windows (Q80)",
        session: true,
        body: B::None,
        responses: &[200, 401],
        handler: || get(foreign_nationals),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/applications",
        summary: "Application information list, newest first (Q50, Q51)",
        session: true,
        body: B::None,
        responses: &[200, 401],
        handler: || get(applications),
    },
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications",
        summary: "Enter an application: Input completed (Q4, Q21–Q35)",
        session: true,
        body: B::Json("ApplicationInput"),
        responses: &[201, 400, 401, 403, 413, 415, 422],
        handler: || post(create_application),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/applications/{id}",
        summary: "One application in full, for review before submitting (Q45), and its status",
        session: true,
        body: B::None,
        responses: &[200, 401, 404],
        handler: || get(application),
    },
    RouteSpec {
        function: F::Submit,
        method: "PUT",
        path: "/api/applications/{id}/photo",
        summary: "Attach the facial photo: JPEG, at most 50 KB (Q23)",
        session: true,
        body: B::Jpeg,
        responses: &[200, 401, 403, 404, 409, 413, 415, 422],
        handler: || put(attach_photo),
    },
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/{id}/submit",
        summary: "File the application: temporary receipt number (Q32, Q33)",
        session: true,
        body: B::None,
        responses: &[200, 401, 403, 404, 409, 422],
        handler: || post(submit),
    },
    RouteSpec {
        function: F::Submit,
        method: "PUT",
        path: "/api/applications/{id}/receipt-method",
        summary: "Change how the residence card is received (Q53)",
        session: true,
        body: B::Json("ReceiptMethodBody"),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || put(change_receipt_method),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications",
        summary: "Officers: the office's applications in one status, newest receipt first",
        session: true,
        body: B::None,
        responses: &[200, 400, 401, 403],
        handler: || get(office_queue),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications/{id}",
        summary: "Officers: one application of the office's jurisdiction",
        session: true,
        body: B::None,
        responses: &[200, 401, 403, 404],
        handler: || get(office_application),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/applications/{id}/actions",
        summary: "Officers: examine, permit or deny, residence card, withdrawal (Q22, Q34, Q46–Q49, Q53–Q71)",
        session: true,
        body: B::Json("OfficeAction"),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(office_act),
    },
    RouteSpec {
        function: F::Office,
        method: "PUT",
        path: "/api/office/applications/{id}/photo",
        summary: "Officers: replace a wrongly attached facial photo (Q63)",
        session: true,
        body: B::Jpeg,
        responses: &[200, 401, 403, 404, 409, 413, 415, 422],
        handler: || put(office_replace_photo),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/openapi.json",
        summary: "This API's OpenAPI 3.1 document",
        session: false,
        body: B::None,
        responses: &[200],
        handler: || get(openapi),
    },
];

/// The router of the given functions' routes, with the Japan-only layer (Q52).
pub fn router(state: AppState, functions: &[Function]) -> Router {
    let mut r: Router<AppState> = Router::new();
    let mut seen = std::collections::HashSet::new();
    for spec in ROUTES.iter().filter(|s| functions.contains(&s.function)) {
        // Each (path, method) once; several methods on one path merge into one route.
        if seen.insert((spec.path, spec.method)) {
            r = r.route(spec.path, (spec.handler)());
        }
    }
    r.fallback(|| async { Problem::not_found() })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "http.method",
                "this path does not take that method".into(),
                "このパスはそのメソッドを受け付けません。".into(),
            )
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::geo::japan_only))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------------
// Bodies

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    user_id: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangePasswordBody {
    current_password: String,
    new_password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeEmailBody {
    email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequestBody {
    user_id: String,
    email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetBody {
    token: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptMethodBody {
    receipt_method: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

fn page_args(q: &PageQuery) -> (Option<zairyu_app::ports::Cursor>, u32) {
    (decode_cursor(q.cursor.as_deref()), q.limit.unwrap_or(50).clamp(1, 100))
}

// ---------------------------------------------------------------------------------------------------
// Handlers: parse, authorize, call the service, render.

fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(b): JsonBody<LoginBody>,
) -> ApiResult<Response> {
    let login = s.services.accounts.login(&b.user_id, &b.password, ip.map(|i| i.to_string())).await?;
    let body = serde_json::json!({ "user": UserView::from(&login.user), "csrf_token": login.csrf_token });
    let mut res = Json(body).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&login.session_token, s.config.secure_cookies));
    Ok(res)
}

async fn logout(State(s): State<AppState>, auth: Authenticated) -> ApiResult<Response> {
    s.services.accounts.logout(&auth.session_token, &auth.caller).await?;
    let secure = if s.config.secure_cookies { "; Secure" } else { "" };
    let clear = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}");
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_str(&clear).unwrap_or_else(|_| HeaderValue::from_static("")));
    Ok(res)
}

async fn me(State(s): State<AppState>, auth: Authenticated) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&s.services.accounts.me(&auth.caller).await?)))
}

async fn change_password(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<ChangePasswordBody>,
) -> ApiResult<StatusCode> {
    s.services.accounts.change_password(&auth.caller, &b.current_password, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_email(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<ChangeEmailBody>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&s.services.accounts.change_email(&auth.caller, &b.email).await?)))
}

async fn request_reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(b): JsonBody<ResetRequestBody>,
) -> ApiResult<StatusCode> {
    s.services.accounts.request_password_reset(&b.user_id, &b.email, ip.map(|i| i.to_string())).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(b): JsonBody<ResetBody>,
) -> ApiResult<StatusCode> {
    s.services.accounts.set_password_from_link(&b.token, &b.password, ip.map(|i| i.to_string())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn foreign_nationals(
    State(s): State<AppState>,
    auth: Authenticated,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<PageView<ForeignNationalView>>> {
    let (after, limit) = page_args(&q);
    let page = s.services.applications.foreign_nationals(&auth.caller, after, limit).await?;
    Ok(Json(PageView {
        items: page.items.iter().map(ForeignNationalView::from).collect(),
        next_cursor: encode_cursor(page.next),
    }))
}

async fn applications(
    State(s): State<AppState>,
    auth: Authenticated,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<PageView<ApplicationView>>> {
    let (after, limit) = page_args(&q);
    let page = s.services.applications.applications(&auth.caller, after, limit).await?;
    Ok(Json(PageView {
        items: page.items.iter().map(ApplicationView::from).collect(),
        next_cursor: encode_cursor(page.next),
    }))
}

async fn create_application(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(input): JsonBody<ApplicationInput>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let app = s.services.applications.create_application(&auth.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(ApplicationView::from(&app))))
}

async fn application(State(s): State<AppState>, auth: Authenticated, Path(id): Path<String>) -> ApiResult<Response> {
    let app = s.services.applications.application(&auth.caller, &id).await?;
    Ok(Json(ApplicationDetailView::from(&app)).into_response())
}

async fn attach_photo(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    req: Request,
) -> ApiResult<Json<ApplicationView>> {
    let jpeg = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("image/jpeg"));
    if !jpeg {
        return Err(Problem::unsupported_media_type("image/jpeg").into());
    }
    let name = headers.get("x-file-name").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = read_body(req, MAX_PHOTO_BYTES, "photo.too_large").await?;
    let app = s.services.applications.attach_photo(&auth.caller, &id, bytes.to_vec(), name.as_deref()).await?;
    Ok(Json(ApplicationView::from(&app)))
}

async fn submit(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&s.services.applications.submit(&auth.caller, &id).await?)))
}

async fn change_receipt_method(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ReceiptMethodBody>,
) -> ApiResult<Json<ApplicationView>> {
    let method = ReceiptMethod::parse(&b.receipt_method).ok_or_else(|| {
        zairyu_app::ServiceError::Invalid(zairyu_domain::error::Violations(vec![zairyu_domain::error::Violation::new(
            "receipt_method",
            &zairyu_domain::form::ChoiceError::ReceiptMethod,
        )]))
    })?;
    Ok(Json(ApplicationView::from(&s.services.applications.change_receipt_method(&auth.caller, &id, method).await?)))
}

async fn openapi() -> Response {
    let mut res = Json(crate::openapi::document()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res
}

// ---------------------------------------------------------------------------------------------------
// Office

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueQuery {
    status: String,
    office: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// A status code in a query that is not one of the statuses (Q51).
#[derive(Debug)]
struct UnknownStatus(String);

impl std::fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not an application status (e.g. application_completed, under_examination)", self.0)
    }
}

impl zairyu_domain::error::Localized for UnknownStatus {
    fn rule(&self) -> &'static str {
        "status.unknown"
    }
    fn message_ja(&self) -> String {
        format!("「{}」は申請状況として認識できません。", self.0)
    }
}

fn query_problem(field: &str, e: &dyn zairyu_domain::error::Localized) -> crate::ApiError {
    zairyu_app::ServiceError::Invalid(zairyu_domain::error::Violations(vec![zairyu_domain::error::Violation::new(
        field, e,
    )]))
    .into()
}

async fn office_queue(
    State(s): State<AppState>,
    auth: Authenticated,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<PageView<ApplicationView>>> {
    let status = zairyu_domain::status::ApplicationStatus::ALL
        .into_iter()
        .find(|st| st.code() == q.status)
        .ok_or_else(|| query_problem("status", &UnknownStatus(q.status.clone())))?;
    let office = match q.office.as_deref() {
        None => None,
        Some(o) => Some(zairyu_domain::office::Office::parse(o).map_err(|e| query_problem("office", &e))?),
    };
    let page = s
        .services
        .examination
        .office_queue(
            &auth.caller,
            office,
            status,
            decode_cursor(q.cursor.as_deref()),
            q.limit.unwrap_or(50).clamp(1, 100),
        )
        .await?;
    Ok(Json(PageView {
        items: page.items.iter().map(ApplicationView::from).collect(),
        next_cursor: encode_cursor(page.next),
    }))
}

async fn office_application(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let app = s.services.examination.office_view(&auth.caller, &id).await?;
    Ok(Json(ApplicationDetailView::from(&app)).into_response())
}

async fn office_act(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(action): JsonBody<zairyu_app::services::examination::OfficeAction>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&s.services.examination.office_act(&auth.caller, &id, action).await?)))
}

async fn office_replace_photo(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    req: Request,
) -> ApiResult<Json<ApplicationView>> {
    let jpeg = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("image/jpeg"));
    if !jpeg {
        return Err(Problem::unsupported_media_type("image/jpeg").into());
    }
    let bytes = read_body(req, MAX_PHOTO_BYTES, "photo.too_large").await?;
    Ok(Json(ApplicationView::from(
        &s.services.examination.office_replace_photo(&auth.caller, &id, bytes.to_vec()).await?,
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationChange {
    name: Option<String>,
    location: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    approve: bool,
}

fn organization_view(o: &zairyu_domain::organization::Organization) -> serde_json::Value {
    serde_json::json!({
        "id": o.id.to_string(),
        "profile": o.profile,
        "approval": o.approval,
        "use_state": o.use_state,
    })
}

async fn register_organization(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<zairyu_app::services::counter::OrganizationInput>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let org = s.services.counter.register_organization(&auth.caller, &b).await?;
    Ok((StatusCode::CREATED, Json(organization_view(&org))))
}

async fn office_organization(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(org): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(organization_view(&s.services.counter.office_organization(&auth.caller, &org).await?)))
}

async fn change_organization(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(org): Path<String>,
    JsonBody(b): JsonBody<OrganizationChange>,
) -> ApiResult<Json<serde_json::Value>> {
    let org =
        s.services.counter.change_organization(&auth.caller, &org, b.name.as_deref(), b.location.as_deref()).await?;
    Ok(Json(organization_view(&org)))
}

async fn record_request_for_use(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(org): Path<String>,
    JsonBody(b): JsonBody<zairyu_app::services::counter::RequestForUseInput>,
) -> ApiResult<(StatusCode, Json<zairyu_domain::request_for_use::RequestForUse>)> {
    Ok((StatusCode::CREATED, Json(s.services.counter.record_request_for_use(&auth.caller, &org, &b).await?)))
}

async fn decide_request_for_use(
    State(s): State<AppState>,
    auth: Authenticated,
    Path((org, id)): Path<(String, String)>,
    JsonBody(b): JsonBody<Decision>,
) -> ApiResult<Json<zairyu_domain::request_for_use::RequestForUse>> {
    Ok(Json(s.services.counter.decide_request_for_use(&auth.caller, &org, &id, b.approve).await?))
}

async fn put_foreign_national(
    State(s): State<AppState>,
    auth: Authenticated,
    Path((org, card)): Path<(String, String)>,
    JsonBody(mut b): JsonBody<zairyu_app::services::counter::ForeignNationalInput>,
) -> ApiResult<Json<ForeignNationalView>> {
    b.residence_card_number = card;
    Ok(Json(ForeignNationalView::from(&s.services.counter.put_foreign_national(&auth.caller, &org, &b).await?)))
}

async fn remove_foreign_national(
    State(s): State<AppState>,
    auth: Authenticated,
    Path((org, card)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.services.counter.remove_foreign_national(&auth.caller, &org, &card).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn decide_periodic_report(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(org): Path<String>,
    JsonBody(b): JsonBody<Decision>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(organization_view(&s.services.counter.decide_periodic_report(&auth.caller, &org, b.approve).await?)))
}

async fn office_user(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(user): Path<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&s.services.counter.office_user(&auth.caller, &user).await?)))
}

async fn office_user_action(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(user): Path<String>,
    JsonBody(b): JsonBody<zairyu_app::services::counter::UserAction>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&s.services.counter.office_user_action(&auth.caller, &user, b).await?)))
}

// ---------------------------------------------------------------------------------------------------
// Blanket input

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateQuery {
    screen_group: String,
}

async fn blanket_template(
    State(s): State<AppState>,
    _auth: Authenticated,
    Query(q): Query<TemplateQuery>,
) -> ApiResult<Response> {
    let group = zairyu_domain::status_of_residence::ScreenGroup::ALL
        .into_iter()
        .find(|g| g.code() == q.screen_group)
        .ok_or_else(|| query_problem("screen_group", &UnknownStatus(q.screen_group.clone())))?;
    let bytes = s
        .services
        .blanket
        .template(group, zairyu_blanket::template::TEMPLATE_VERSION, zairyu_blanket::template)
        .await?;
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(zairyu_app::services::blanket::XLSX_CONTENT_TYPE));
    let name = format!("attachment; filename=\"zairyu-blanket-{}.xlsx\"", group.code());
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    Ok(res)
}

async fn begin_blanket_upload(
    State(s): State<AppState>,
    auth: Authenticated,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let (upload, link) = s.services.blanket.begin_blanket_upload(&auth.caller).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "upload_id": upload.id, "state": upload.state, "upload": link })),
    ))
}

async fn blanket_upload(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let (upload, errors) = s.services.blanket.blanket_upload(&auth.caller, &id).await?;
    let status = if upload.state == zairyu_domain::blanket::UploadState::RowErrors {
        Some(crate::views::StatusView::from(zairyu_domain::status::ApplicationStatus::ErrorBlanketRegistration))
    } else {
        None
    };
    Ok(Json(serde_json::json!({ "upload": upload, "status": status, "errors": errors })))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

async fn blanket_errors_csv(
    State(s): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (_, errors) = s.services.blanket.blanket_upload(&auth.caller, &id).await?;
    // A byte-order mark, so that Excel opens the Japanese text as UTF-8.
    let mut csv = String::from("\u{feff}sheet,row,column,value,rule,message_ja,message_en\r\n");
    for e in &errors {
        let fields = [
            e.sheet.clone(),
            e.row.to_string(),
            e.column.clone(),
            e.value.clone(),
            e.rule.clone(),
            e.message_ja.clone(),
            e.message_en.clone(),
        ];
        csv.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    let mut res = csv.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    Ok(res)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmitBulkBody {
    application_ids: Vec<String>,
}

async fn submit_bulk(
    State(s): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<SubmitBulkBody>,
) -> ApiResult<Json<serde_json::Value>> {
    if b.application_ids.len() > zairyu_domain::blanket::MAX_ROWS {
        return Err(Problem::too_large(zairyu_domain::blanket::MAX_ROWS, "submit_bulk.too_many").into());
    }
    let results: Vec<serde_json::Value> = s
        .services
        .applications
        .submit_many(&auth.caller, &b.application_ids)
        .await
        .into_iter()
        .map(|(id, r)| match r {
            Ok(app) => serde_json::json!({ "id": id, "ok": true, "application": ApplicationView::from(&app) }),
            Err(e) => serde_json::json!({ "id": id, "ok": false, "problem": Problem::from(e) }),
        })
        .collect();
    Ok(Json(serde_json::json!({ "results": results })))
}
