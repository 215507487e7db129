//! Every route, declared once per resource in its module's `ROUTES` table: the router and the OpenAPI
//! document are both built from these tables, so they cannot disagree. Each module's routes are served by
//! one router per resource; the routes that need a session get authentication and the CSRF check as a
//! layer over their whole group ([`require_session`]), so a handler cannot forget them, and a handler that
//! needs the caller takes the [`Authenticated`] the layer put in the request.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::Deserialize;

use crate::extract::Authenticated;
use crate::views::PageView;
use crate::{AppState, Problem, SESSION_COOKIE};

pub use crate::function::Function;

/// A JSON answer (200 unless a status goes with it). Unlike `axum::Json`, it writes into one buffer sized
/// by the first write and hands that over, instead of growing a `BytesMut` through a writer a few bytes at a
/// time: a page of 50 applications is most of a list request's work.
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
            Err(e) => {
                // Our own views always serialize; should one not, it is our bug.
                tracing::error!(error = %e, "a view could not be written as JSON");
                Problem::internal().into_response()
            }
        }
    }
}

/// A page of list lines, written as [`PageView::to_json`] writes it.
impl IntoResponse for PageView<zairyu_app::lines::Line> {
    fn into_response(self) -> Response {
        match self.to_json() {
            Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "a page of lines could not be written");
                Problem::internal().into_response()
            }
        }
    }
}

/// Writes the JSON Schema of a body into the generator's components and returns a reference to it.
#[cfg(feature = "openapi")]
pub type SchemaFn = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;
/// Without the feature `openapi` a table names its bodies' types and links none of their schemas.
#[cfg(not(feature = "openapi"))]
pub type SchemaFn = fn();

/// The schema of `T`, for a route table.
#[cfg(feature = "openapi")]
pub fn schema<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

/// The schema of `T`, for a route table: none without the feature `openapi`.
#[cfg(not(feature = "openapi"))]
pub fn schema<T: ?Sized>() {}

/// The schema of a query's type, inline (its properties become the route's query parameters).
#[cfg(feature = "openapi")]
pub fn query_schema<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    T::json_schema(generator)
}

/// The schema of a query's type: none without the feature `openapi`.
#[cfg(not(feature = "openapi"))]
pub fn query_schema<T: ?Sized>() {}

/// What a route expects in its body.
#[derive(Clone, Copy)]
pub enum BodyKind {
    None,
    /// `application/json` of the type whose schema this is.
    Json(SchemaFn),
    Jpeg,
}

/// What a route answers with when it succeeds.
#[derive(Clone, Copy)]
pub enum Reply {
    /// No body (204, 202).
    Empty,
    /// `application/json` of the type whose schema this is.
    Json(SchemaFn),
    /// A file of this media type.
    File(&'static str),
}

pub struct RouteSpec {
    pub function: Function,
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Needs a session (and, for methods other than GET, the CSRF header): served behind
    /// [`require_session`].
    pub session: bool,
    pub body: BodyKind,
    /// The query the handler reads (`QueryArgs<T>`): its fields are the route's query parameters.
    pub query: Option<SchemaFn>,
    /// The body of the successful answer.
    pub reply: Reply,
    /// Successful status and the error statuses it can answer with.
    pub responses: &'static [u16],
    pub handler: fn() -> MethodRouter<AppState>,
}

// A function's binary holds only the resources it serves (crate features named after the functions), so
// that `login`, say, links no spreadsheet code: the route tables hold their handlers, and whatever a table
// names is linked.
#[cfg(feature = "login")]
mod account;
#[cfg(any(feature = "submit", feature = "status"))]
mod applications;
#[cfg(any(feature = "submit", feature = "status"))]
pub(crate) mod blanket;
#[cfg(feature = "office")]
mod counter;
#[cfg(feature = "status")]
pub mod meta;
#[cfg(feature = "office")]
mod office;
#[cfg(feature = "openapi")]
pub mod openapi;

use BodyKind as B;
use Function as F;
use Reply as R;

/// Who a resource's session routes are for, decided by a layer before any input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every logged-in user (or, for its public routes, anyone).
    Anyone,
    /// Staff and agents of an organization.
    OrganizationUsers,
    /// Immigration officers.
    Officers,
}

/// One resource: its name (the OpenAPI tag), who it is for, and its routes.
pub struct Resource {
    pub name: &'static str,
    pub audience: Audience,
    pub routes: &'static [RouteSpec],
}

/// Every resource of the API that this build serves (all of them with every function's feature on).
pub const RESOURCES: &[Resource] = &[
    #[cfg(feature = "login")]
    Resource { name: "account", audience: Audience::Anyone, routes: account::ROUTES },
    #[cfg(any(feature = "submit", feature = "status"))]
    Resource { name: "applications", audience: Audience::OrganizationUsers, routes: applications::ROUTES },
    #[cfg(any(feature = "submit", feature = "status"))]
    Resource { name: "blanket", audience: Audience::OrganizationUsers, routes: blanket::ROUTES },
    #[cfg(feature = "office")]
    Resource { name: "office-applications", audience: Audience::Officers, routes: office::ROUTES },
    #[cfg(feature = "office")]
    Resource { name: "counter", audience: Audience::Officers, routes: counter::ROUTES },
    #[cfg(feature = "status")]
    Resource { name: "meta", audience: Audience::Anyone, routes: meta::ROUTES },
];

/// Every route of every resource.
pub fn all() -> impl Iterator<Item = &'static RouteSpec> {
    RESOURCES.iter().flat_map(|r| r.routes.iter())
}

impl Resource {
    /// Adds the resource's routes that the given functions serve: the public ones to `public` as they are;
    /// the others, behind the session layer, as a router of their own (merged by the caller). Each route is
    /// inserted as few times as it can be: building the router is part of every cold start (#15).
    pub fn add_to(
        &self,
        mut public: Router<AppState>,
        state: &AppState,
        functions: &[Function],
    ) -> (Router<AppState>, Option<Router<AppState>>) {
        let mut private = Router::new();
        let mut any_private = false;
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for spec in self.routes.iter().filter(|s| functions.contains(&s.function)) {
            // Each (path, method) once; several methods on one path merge into one route.
            if seen.contains(&(spec.path, spec.method)) {
                continue;
            }
            seen.push((spec.path, spec.method));
            let handler = crate::limits::route((spec.handler)(), spec.method, spec.path);
            if spec.session {
                any_private = true;
                private = private.route(spec.path, handler);
            } else {
                public = public.route(spec.path, handler);
            }
        }
        if !any_private {
            return (public, None);
        }
        // Layers run outermost first: the session, then the audience.
        let private = private
            .route_layer(axum::middleware::from_fn_with_state(self.audience, require_audience))
            .route_layer(axum::middleware::from_fn_with_state(state.clone(), require_session));
        (public, Some(private))
    }
}

/// The layer that keeps a resource to its audience: an officer on an organization's routes, or a staff user
/// on an office's, is refused (403) before anything of the request is read.
pub async fn require_audience(
    State(audience): State<Audience>,
    req: Request,
    next: axum::middleware::Next,
) -> Result<Response, crate::ApiError> {
    use zairyu_domain::account::UserKind;
    let allowed = matches!(
        (audience, req.extensions().get::<Authenticated>().map(|a| &a.caller.kind)),
        (Audience::Anyone, _)
            | (Audience::Officers, Some(UserKind::Officer { .. }))
            | (Audience::OrganizationUsers, Some(UserKind::OrganizationStaff | UserKind::Agent))
    );
    if !allowed {
        return Err(zairyu_app::ServiceError::Forbidden.into());
    }
    Ok(next.run(req).await)
}

/// The layer over every route that needs a session: the session cookie must name a live session (Q44) and,
/// for every method but GET and HEAD, the `X-CSRF-Token` header must match it. The caller goes into the
/// request for the handler ([`Authenticated`]); nothing of the request body is read before this passes.
pub async fn require_session(
    State(state): State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> Result<Response, crate::ApiError> {
    let (mut parts, body) = req.into_parts();
    let auth = crate::extract::authenticate(&mut parts, &state).await?;
    parts.extensions.insert(auth);
    Ok(next.run(Request::from_parts(parts, body)).await)
}

// ---------------------------------------------------------------------------------------------------
// Shared by the resources

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// The session cookie, as the pages set it too (`SameSite=Lax`: a link from an e-mail arrives logged in;
/// every state-changing request still needs its CSRF token).
fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    crate::extract::set_cookie(SESSION_COOKIE, token, None, secure)
}

/// A code in a query that is not one of its set: an application status (Q51) or an input-screen group (Q40).
#[derive(Debug)]
enum UnknownCode {
    Status(String),
    ScreenGroup(String),
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(v) => {
                write!(f, "{v:?} is not an application status (e.g. application_completed, under_examination)")
            }
            Self::ScreenGroup(v) => write!(
                f,
                "{v:?} is not an input-screen group (work, highly_skilled, technical_intern, student, dependent, official)"
            ),
        }
    }
}

impl zairyu_domain::error::Localized for UnknownCode {
    fn rule(&self) -> &'static str {
        match self {
            Self::Status(_) => "status.unknown",
            Self::ScreenGroup(_) => "screen_group.unknown",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Status(v) => format!("「{v}」は申請状況として認識できません。"),
            Self::ScreenGroup(v) => format!("「{v}」は入力画面の区分として認識できません。"),
        }
    }
}

fn query_problem(field: &str, e: &dyn zairyu_domain::error::Localized) -> crate::ApiError {
    zairyu_app::ServiceError::Invalid(zairyu_domain::error::Violations(vec![zairyu_domain::error::Violation::new(
        field, e,
    )]))
    .into()
}

/// One CSV field. A value a spreadsheet program would take for a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return first) is written with a leading apostrophe, so it opens as the text it was, never as a
/// live formula.
fn csv_field(s: &str) -> String {
    let s = inert(s);
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// A value as a printed list shows it: one a spreadsheet program would take for a formula gets a leading
/// apostrophe, so that copied from the list it stays the text it was.
fn inert(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

#[cfg(test)]
mod csv_tests {
    use super::{csv_field, inert};

    #[test]
    fn a_printed_value_that_reads_as_a_formula_stays_text() {
        assert_eq!(inert("=1+1"), "'=1+1");
        assert_eq!(inert("1+1"), "1+1");
    }

    #[test]
    fn formula_like_values_open_as_text() {
        for (value, written) in [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+81", "'+81"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("NGUYEN,VAN,AN", "\"NGUYEN,VAN,AN\""),
            ("1995/02/18", "1995/02/18"),
            ("", ""),
        ] {
            assert_eq!(csv_field(value), written, "{value:?}");
        }
    }
}
