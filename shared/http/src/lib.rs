//! The HTTP layer, built once and run twice: inside Lambda (through `lambda_http`, by the `login`, `submit`
//! and `status` functions) and in the local server over a real socket. Handlers stay thin: parse,
//! authorize, call a service of the domain, render.

// A function's build holds only some route modules (see `routes`): what only the others use is unused there.
// The full build, which clippy and the tests check, holds everything to the usual lints.
#![cfg_attr(not(feature = "full"), allow(unused_imports, dead_code))]

pub mod cursor;
pub mod download;
pub mod edge;
pub mod extract;
pub mod function;
pub mod geo;
pub mod limits;
pub mod problem;
pub mod routes;
pub mod service;
pub mod trace;
pub mod views;
pub mod web;

use std::sync::Arc;

use zairyu_app::ports::BoxError;
use zairyu_app::{
    Accounts, Applications, Blanket, Counter, Examination, ServiceError, ServiceSource, Services, Verification,
};

pub use cursor::CursorKey;
pub use edge::OriginCheck;
pub use function::Function;
pub use geo::GeoPolicy;
pub use problem::Problem;
#[cfg(feature = "openapi")]
pub use routes::openapi;
pub use routes::{RESOURCES, RouteSpec};
pub use service::router;

/// How the HTTP layer behaves where deployments differ.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `Secure` on the session cookie: on everywhere but the local server on plain HTTP.
    pub secure_cookies: bool,
    /// Q52: refuse requests from outside Japan.
    pub geo: GeoPolicy,
    /// Whether requests must prove they came through the edge (CloudFront), and with what.
    pub origin: OriginCheck,
    /// Seals the paging cursors.
    pub cursor_key: CursorKey,
    /// The service's own address as browsers reach it (`ZAIRYU_PUBLIC_URL`, no trailing slash): where the
    /// object store sends a browser back to after a form's upload.
    pub public_url: String,
    /// How to reach the help desk (`ZAIRYU_HELP_DESK`, the stack's `HelpDesk`): on every page's foot, as in
    /// every e-mail (Q99).
    pub help_desk: String,
}

/// The help desk's contact where no stack names one (the local server, tests).
pub const DEFAULT_HELP_DESK: &str = "0570-000-000";

impl HttpConfig {
    /// Where no edge stands in front (the local server, tests of the routes): no origin proof, a cursor
    /// key of this process's own.
    pub fn new(secure_cookies: bool, geo: GeoPolicy) -> Result<Self, String> {
        Ok(Self {
            secure_cookies,
            geo,
            origin: OriginCheck::Open,
            cursor_key: CursorKey::random()?,
            public_url: "http://127.0.0.1:8080".into(),
            help_desk: DEFAULT_HELP_DESK.into(),
        })
    }

    /// For a deployed function: secure cookies always; the geo policy from `ZAIRYU_GEO` (`off` or `japan`)
    /// and `ZAIRYU_GEO_ALLOW` (CIDR networks); the edge's origin secret from `ZAIRYU_ORIGIN_SECRET` (and
    /// `ZAIRYU_ORIGIN_SECRET_PREVIOUS` during a rotation); the cursor key from `ZAIRYU_CURSOR_KEY`; the public
    /// address from `ZAIRYU_PUBLIC_URL`. The origin secret and the cursor key are required: a deployed
    /// function never runs open.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        let mode = std::env::var("ZAIRYU_GEO").unwrap_or_else(|_| "japan".into());
        let allow = std::env::var("ZAIRYU_GEO_ALLOW").unwrap_or_default();
        let previous = std::env::var("ZAIRYU_ORIGIN_SECRET_PREVIOUS").ok();
        Ok(Self {
            secure_cookies: true,
            geo: GeoPolicy::from_config(&mode, &allow)?,
            origin: OriginCheck::from_config(&var("ZAIRYU_ORIGIN_SECRET")?, previous.as_deref())?,
            cursor_key: CursorKey::from_secret(&var("ZAIRYU_CURSOR_KEY")?)?,
            public_url: var("ZAIRYU_PUBLIC_URL")?.trim_end_matches('/').to_owned(),
            help_desk: var("ZAIRYU_HELP_DESK")?,
        })
    }
}

/// What the routes of a process use: the accounts always (every session is checked against them), and each
/// other service only if a route this process serves uses it — so a Lambda function builds only the
/// services, and the AWS clients, of its own routes ([`AppState::for_functions`]). A handler takes the
/// services it uses as [`Wired`] values. Every layer of every request clones the state, and building the
/// router clones it for every handler and layer (a cold start's share, #15), so the state is one `Arc`: a
/// clone is one count, not one per service (a clone of a service itself copies all its ports; measured as a
/// third of a request).
#[derive(Clone)]
pub struct AppState(Arc<StateParts>);

/// What the state holds, each service behind an `Arc` of its own (a handler takes it as [`Wired`]).
pub struct StateParts {
    pub accounts: Arc<Accounts>,
    applications: Option<Arc<Applications>>,
    blanket: Option<Arc<Blanket>>,
    examination: Option<Arc<Examination>>,
    counter: Option<Arc<Counter>>,
    verification: Option<Arc<Verification>>,
    pub config: Arc<HttpConfig>,
}

impl std::ops::Deref for AppState {
    type Target = StateParts;
    fn deref(&self) -> &StateParts {
        &self.0
    }
}

/// A service other than the accounts that a route may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    Applications,
    Blanket,
    Examination,
    Counter,
    Verification,
}

impl Function {
    /// The services this function's routes use besides the accounts (held to the handlers by a test that
    /// serves every route of every function from a state built by [`AppState::for_functions`]).
    pub fn uses(self) -> &'static [ServiceKind] {
        match self {
            Self::Login => &[],
            Self::Submit => &[ServiceKind::Applications, ServiceKind::Blanket],
            Self::Status => &[ServiceKind::Applications, ServiceKind::Blanket, ServiceKind::Verification],
            Self::Office => &[ServiceKind::Examination, ServiceKind::Counter],
        }
    }
}

impl AppState {
    /// The state for a process serving `functions`: the services their routes use, and no other.
    pub fn for_functions(
        functions: &[Function],
        source: &dyn ServiceSource,
        config: HttpConfig,
    ) -> Result<Self, BoxError> {
        let uses = |k: ServiceKind| functions.iter().any(|f| f.uses().contains(&k));
        Ok(Self(Arc::new(StateParts {
            accounts: Arc::new(source.accounts()?),
            applications: uses(ServiceKind::Applications).then(|| source.applications().map(Arc::new)).transpose()?,
            blanket: uses(ServiceKind::Blanket).then(|| source.blanket().map(Arc::new)).transpose()?,
            examination: uses(ServiceKind::Examination).then(|| source.examination().map(Arc::new)).transpose()?,
            counter: uses(ServiceKind::Counter).then(|| source.counter().map(Arc::new)).transpose()?,
            verification: uses(ServiceKind::Verification).then(|| source.verification().map(Arc::new)).transpose()?,
            config: Arc::new(config),
        })))
    }

    /// Every service: the local server, the tests.
    pub fn full(services: &Services, config: HttpConfig) -> Self {
        Self(Arc::new(StateParts {
            accounts: Arc::new(services.accounts.clone()),
            applications: Some(Arc::new(services.applications.clone())),
            blanket: Some(Arc::new(services.blanket.clone())),
            examination: Some(Arc::new(services.examination.clone())),
            counter: Some(Arc::new(services.counter.clone())),
            verification: Some(Arc::new(services.verification.clone())),
            config: Arc::new(config),
        }))
    }
}

/// A service a handler uses, from the state. A route whose function was built without it is our bug: it
/// answers 500 (and is logged) before any input is read; a test proves no route of any function does.
pub struct Wired<T>(pub Arc<T>);

/// The services a handler can take as [`Wired`].
pub trait Wirable: Clone + Send + Sync + 'static {
    const NAME: &'static str;
    fn from_state(state: &AppState) -> Option<&Arc<Self>>;
}

macro_rules! wirable {
    ($($t:ident => $field:ident),+) => {$(
        impl Wirable for $t {
            const NAME: &'static str = stringify!($field);
            fn from_state(state: &AppState) -> Option<&Arc<Self>> {
                state.$field.as_ref()
            }
        }
    )+};
}

wirable!(
    Applications => applications,
    Blanket => blanket,
    Examination => examination,
    Counter => counter,
    Verification => verification
);

impl<T: Wirable> axum::extract::FromRequestParts<AppState> for Wired<T> {
    type Rejection = ApiError;
    async fn from_request_parts(_: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, ApiError> {
        T::from_state(state).cloned().map(Wired).ok_or_else(|| {
            tracing::error!(service = T::NAME, "a route uses a service its function was not built with");
            ApiError::from(Problem::internal())
        })
    }
}

/// An error a handler returns: always rendered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        Self(Box::new(Problem::from(e)))
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        Self(Box::new(p))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "zairyu_session";
/// Every cookie the service reads: what the edge must forward to it (`ApiOriginRequestPolicy`).
pub const COOKIES: [&str; 3] = [SESSION_COOKIE, web::LANG_COOKIE, web::LINK_COOKIE];
/// Every request header the service reads that a browser sets and the edge must forward (beside the
/// viewer's country and address, which CloudFront adds).
pub const BROWSER_HEADERS: [&str; 8] = [
    "Accept",
    "Accept-Language",
    "Content-Type",
    "Origin",
    "Sec-Fetch-Site",
    "X-CSRF-Token",
    "Idempotency-Key",
    "X-File-Name",
];
/// The header that carries the CSRF token on every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// JSON bodies larger than this are refused (the limit of every route that takes no file).
pub const MAX_JSON_BYTES: usize = limits::DEFAULT;
