//! The HTTP layer, built once and run twice: inside Lambda (through `lambda_http`, by the `login`, `submit`
//! and `status` functions) and in the local server over a real socket. Handlers stay thin: parse,
//! authorize, call a service of the domain, render.

pub mod extract;
pub mod geo;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod trace;
pub mod views;

use std::sync::Arc;

use zairyu_app::{ServiceError, Services};

pub use geo::GeoPolicy;
pub use problem::Problem;
pub use routes::{Function, RESOURCES, RouteSpec, router};

/// How the HTTP layer behaves where deployments differ.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `Secure` on the session cookie: on everywhere but the local server on plain HTTP.
    pub secure_cookies: bool,
    /// Q52: refuse requests from outside Japan.
    pub geo: GeoPolicy,
}

impl HttpConfig {
    /// For a deployed function: secure cookies always; the geo policy from `ZAIRYU_GEO` (`off` or `japan`)
    /// and `ZAIRYU_GEO_ALLOW` (CIDR networks).
    pub fn from_env() -> Result<Self, String> {
        let mode = std::env::var("ZAIRYU_GEO").unwrap_or_else(|_| "japan".into());
        let allow = std::env::var("ZAIRYU_GEO_ALLOW").unwrap_or_default();
        Ok(Self { secure_cookies: true, geo: GeoPolicy::from_config(&mode, &allow)? })
    }
}

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<HttpConfig>,
}

/// An error a handler returns: always rendered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub Problem);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        Self(Problem::from(e))
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        Self(p)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "zairyu_session";
/// The header that carries the CSRF token on every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// JSON bodies larger than this are refused.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
