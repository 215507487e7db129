//! Q52 made unforgeable: in AWS the API is reached only through CloudFront, which restricts viewers to Japan
//! and adds a secret origin header (`X-Origin-Verify`, from the stack's Secrets Manager secret) to every
//! request it forwards. A request without it came straight to the `execute-api` endpoint — where any
//! client can write `CloudFront-Viewer-Country: JP` itself — and is refused before anything else is read.
//! Behind the edge, the client's address is the one CloudFront saw (`CloudFront-Viewer-Address`), not
//! CloudFront's own, for the audit trail and the flood limits.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{AppState, Problem};

/// The header CloudFront adds with the origin secret.
pub const ORIGIN_HEADER: &str = "x-origin-verify";

/// Whether a request must prove that it came through the edge.
#[derive(Clone, Default)]
pub enum OriginCheck {
    /// No proof asked (the local server; tests of the routes).
    #[default]
    Open,
    /// The request must carry [`ORIGIN_HEADER`] with one of these values: the current secret and, while a
    /// rotation is rolling out, the previous one.
    Secret(Vec<String>),
}

impl std::fmt::Debug for OriginCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Open => f.write_str("Open"),
            Self::Secret(v) => write!(f, "Secret({} values)", v.len()),
        }
    }
}

impl OriginCheck {
    /// From configuration: the current secret (at least 32 characters) and an optional previous one.
    pub fn from_config(current: &str, previous: Option<&str>) -> Result<Self, String> {
        let mut values = vec![current.to_owned()];
        values.extend(previous.filter(|p| !p.is_empty()).map(str::to_owned));
        if values.iter().any(|v| v.len() < 32) {
            return Err("an origin secret must have at least 32 characters".into());
        }
        Ok(Self::Secret(values))
    }

    fn admits(&self, given: Option<&[u8]>) -> bool {
        match self {
            Self::Open => true,
            Self::Secret(values) => given.is_some_and(|g| {
                // Every value compared in full, in time that does not depend on where they differ.
                values.iter().fold(false, |found, v| found | same_bytes(v.as_bytes(), g))
            }),
        }
    }
}

fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A request that proved it came through the edge: its viewer headers are CloudFront's.
#[derive(Debug, Clone, Copy)]
pub struct ViaEdge;

/// The middleware: refuses a request that did not come through the edge, and marks one that did.
pub async fn through_the_edge(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let OriginCheck::Secret(_) = state.config.origin {
        let given = req.headers().get(ORIGIN_HEADER).map(|v| v.as_bytes().to_vec());
        if !state.config.origin.admits(given.as_deref()) {
            tracing::warn!("a request without the edge's origin header was refused");
            return Problem::not_via_edge().into_response();
        }
        req.headers_mut().remove(ORIGIN_HEADER);
        req.extensions_mut().insert(ViaEdge);
    }
    next.run(req).await
}

/// The viewer's address from `CloudFront-Viewer-Address` (`198.51.100.10:46532`, or an IPv6 address
/// followed by `:port`).
pub fn viewer_address(value: &str) -> Option<IpAddr> {
    let (ip, port) = value.trim().rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    ip.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewer_address_as_cloudfront_writes_it() {
        assert_eq!(viewer_address("198.51.100.10:46532"), Some("198.51.100.10".parse().unwrap()));
        assert_eq!(viewer_address("2001:db8::1:443"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(viewer_address("[2001:db8::1]:443"), Some("2001:db8::1".parse().unwrap()));
        for bad in ["198.51.100.10", "198.51.100.10:port", "nonsense:80", ""] {
            assert_eq!(viewer_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_secret_or_its_predecessor_is_admitted() {
        let current = "c".repeat(40);
        let previous = "p".repeat(40);
        let check = OriginCheck::from_config(&current, Some(&previous)).unwrap();
        assert!(check.admits(Some(current.as_bytes())));
        assert!(check.admits(Some(previous.as_bytes())));
        for bad in
            [&b""[..], b"c", &current.as_bytes()[..39], format!("{current}c").as_bytes(), "d".repeat(40).as_bytes()]
        {
            assert!(!check.admits(Some(bad)), "{}", String::from_utf8_lossy(bad));
        }
        assert!(!check.admits(None));
        assert!(OriginCheck::Open.admits(None));
        let single = OriginCheck::from_config(&current, Some("")).unwrap();
        assert!(!single.admits(Some(b"")));
        assert!(OriginCheck::from_config("short", None).is_err());
        assert!(OriginCheck::from_config(&current, Some("short")).is_err());
        assert_eq!(format!("{check:?}"), "Secret(2 values)", "the secret is never printed");
    }

    #[test]
    fn bytes_compare_in_full() {
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"xbc"));
        assert!(!same_bytes(b"abc", b"ab"));
    }
}
