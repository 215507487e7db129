//! Extractors: the client's address, JSON bodies with limits and clear errors, the authenticated caller
//! with its CSRF check.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use zairyu_app::Caller;
use zairyu_app::store::{Session, token_hash};

use crate::{ApiError, AppState, CSRF_HEADER, MAX_JSON_BYTES, Problem, SESSION_COOKIE};

/// The client's IP address: behind the edge the viewer's address CloudFront saw; elsewhere the last
/// `X-Forwarded-For` entry (the one the nearest proxy saw), else the socket's peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

pub fn client_ip(parts: &Parts) -> Option<IpAddr> {
    if parts.extensions.get::<crate::edge::ViaEdge>().is_some() {
        let viewer = parts.headers.get("cloudfront-viewer-address").and_then(|v| v.to_str().ok());
        return viewer.and_then(crate::edge::viewer_address);
    }
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|ip| ip.trim().parse().ok());
    forwarded.or_else(|| parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()))
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}

/// A JSON body: `application/json`, at most 256 KiB, no unknown fields (where the type says so).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
                ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(Problem::unsupported_media_type("application/json").into());
        }
        let bytes = read_body(req, MAX_JSON_BYTES, "body.too_large").await?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            if is_value_rule(e.inner()) {
                return value_refused(&path, e.inner());
            }
            Problem::malformed_json_at(Some(path), e.inner()).into()
        })?;
        de.end().map_err(|e| Problem::malformed_json_at(None, &e))?;
        Ok(Self(value))
    }
}

/// Whether the JSON library's error is a value's own rule (a date that is no day of the calendar, a code
/// not of its set) rather than a body of another shape: it words shapes itself, a value's parser its own.
/// A body of the right shape with such a value is refused 422, like any other rule a value breaks.
fn is_value_rule(e: &serde_json::Error) -> bool {
    const SHAPES: [&str; 8] = [
        "invalid type",
        "invalid value",
        "invalid length",
        "unknown field",
        "missing field",
        "unknown variant",
        "duplicate field",
        "data did not match",
    ];
    e.classify() == serde_json::error::Category::Data && !SHAPES.iter().any(|s| e.to_string().starts_with(s))
}

/// A value that breaks its own rule, as a validation problem on its field.
fn value_refused(path: &str, e: &serde_json::Error) -> ApiError {
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or_default().to_owned();
    let field = if path == "." { String::new() } else { path.to_owned() };
    let message_ja = if field.is_empty() {
        format!("値が正しくありません（{message}）。")
    } else {
        format!("「{field}」の値が正しくありません（{message}）。")
    };
    let violation = zairyu_domain::error::Violation { field, rule: "value.invalid", message_en: message, message_ja };
    ApiError::from(zairyu_app::ServiceError::Invalid(zairyu_domain::error::Violations(vec![violation])))
}

/// An optional whole number of at most `u32::MAX`, written as `5` or `5.0`: see [`whole_number`].
pub fn optional_whole_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => whole_of(&n)
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected a whole number of at most 4294967295")),
    }
}

/// A whole number as JSON writes it: `5`, or `5.0` (JSON Schema's integers include numbers with a zero
/// fraction, so clients and their generators may send them so).
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    use serde::de::{Error, Unexpected};
    whole_of(&serde_json::Number::deserialize(d)?)
        .ok_or_else(|| D::Error::invalid_type(Unexpected::Other("a number that is not whole"), &"a whole number"))
}

fn whole_of(n: &serde_json::Number) -> Option<u64> {
    n.as_u64()
        .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(f)).map(|f| f as u64))
}

/// Reads a whole body of at most `limit` bytes.
pub async fn read_body(req: Request, limit: usize, rule: &str) -> Result<axum::body::Bytes, ApiError> {
    if let Some(len) =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
        && len > limit
    {
        return Err(Problem::too_large(limit, rule).into());
    }
    axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| Problem::too_large(limit, rule).into())
}

/// A cookie's value from the request's `Cookie` headers (the session's, the pages' language).
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name).and_then(|r| r.strip_prefix('=')).map(str::to_owned))
}

/// The logged-in caller, as the session layer ([`crate::routes::require_session`]) found it. A handler
/// takes it from the request; on a route without the layer it is missing, which is our bug (500), never a
/// way around the check.
#[derive(Clone)]
pub struct Authenticated {
    pub caller: Caller,
    pub session_token: String,
    pub session: Session,
    /// The caller's user record as authentication read it (so `GET /api/me` reads nothing more).
    pub user: zairyu_domain::account::User,
}

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Authenticated>().cloned().ok_or_else(|| {
            tracing::error!("a handler asked for the caller on a route without the session layer");
            ApiError::from(Problem::internal())
        })
    }
}

pub use zairyu_app::same_secret;

/// Checks the session cookie (Q44) and, for every method but GET and HEAD, the `X-CSRF-Token` header.
pub async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Authenticated, ApiError> {
    let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(zairyu_app::ServiceError::Unauthenticated)?;
    let from = client_ip(parts).map(|ip| ip.to_string());
    let (caller, session, user) = state.accounts.authenticate(&token, from).await?;
    if !matches!(parts.method, Method::GET | Method::HEAD) {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if sent.is_empty() || !same_secret(&token_hash(sent), &session.csrf_hash) {
            return Err(Problem::csrf().into());
        }
    }
    Ok(Authenticated { caller, session_token: token, session, user })
}

/// A facial photo as the body: `image/jpeg`, at most [`MAX_PHOTO_BYTES`](zairyu_domain::photo::MAX_PHOTO_BYTES)
/// (its content is checked by the domain, Q23), and the file name the client gave in `X-File-Name`, if any.
pub struct JpegBody {
    pub bytes: Vec<u8>,
    pub file_name: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for JpegBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let jpeg = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("image/jpeg"));
        if !jpeg {
            return Err(Problem::unsupported_media_type("image/jpeg").into());
        }
        let file_name = req.headers().get("x-file-name").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = read_body(req, zairyu_domain::photo::MAX_PHOTO_BYTES, "photo.too_large").await?;
        Ok(Self { bytes: bytes.to_vec(), file_name })
    }
}

/// The query string as a type: unknown parameters and malformed values are refused as a 400 problem (never
/// axum's plain-text rejection).
pub struct QueryArgs<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryArgs<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| Self(q.0))
            .map_err(|e| Problem::malformed_query(e.body_text()).into())
    }
}

/// A cookie's `Set-Cookie` value: `HttpOnly`, `SameSite=Lax` (a link from an e-mail still arrives with
/// it), `Secure` unless on the local server over plain HTTP.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    set_cookie_at(name, value, "/", max_age, secure)
}

/// [`set_cookie`] sent back only to the pages under `path`.
pub fn set_cookie_at(name: &str, value: &str, path: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let age = max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
    HeaderValue::from_str(&format!("{name}={value}; HttpOnly; SameSite=Lax; Path={path}{age}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug)]
    struct Sized {
        #[serde(deserialize_with = "super::whole_number")]
        size: u64,
    }

    #[test]
    fn a_whole_number_may_be_written_with_a_zero_fraction() {
        let read = |json: &str| serde_json::from_str::<Sized>(json).map(|s| s.size).ok();
        assert_eq!(read(r#"{"size": 5}"#), Some(5));
        assert_eq!(read(r#"{"size": 5.0}"#), Some(5));
        assert_eq!(read(r#"{"size": 0.0}"#), Some(0));
        for not_whole in
            [r#"{"size": 5.5}"#, r#"{"size": -1}"#, r#"{"size": -1.0}"#, r#"{"size": "5"}"#, r#"{"size": 1e40}"#]
        {
            assert_eq!(read(not_whole), None, "{not_whole}");
        }
    }
}
