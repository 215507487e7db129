//! Paging cursors the client cannot read, change or carry elsewhere. A page's `next_cursor` is the store's
//! position (for some lists a key holding a residence card number), so it is sealed with XChaCha20-Poly1305
//! under the deployment's cursor key; the caller's user ID and the request path are bound in as associated
//! data, so a cursor works only for the user and the list that received it. Anything else is `400
//! bad-cursor`, never a first page in disguise.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zairyu_app::ServiceError;
use zairyu_app::ports::Cursor;

use axum::http::request::Parts;

use crate::extract::Authenticated;
use crate::views::PageView;
use crate::{ApiError, AppState, Problem};

const NONCE: usize = 24;

/// The key cursors are sealed with. In AWS every function derives it from the same secret (the stack's
/// `CursorKeySecret`); the local server draws one at start, so its cursors end with the process.
#[derive(Clone)]
pub struct CursorKey(XChaCha20Poly1305);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    /// A key from a secret of at least 32 characters (SHA-256 of it: any length of generated secret
    /// gives a full-strength key).
    pub fn from_secret(secret: &str) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("the cursor key secret must have at least 32 characters".into());
        }
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        Ok(Self::from_bytes(digest))
    }

    /// A fresh random key.
    pub fn random() -> Result<Self, String> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| format!("no randomness for the cursor key: {e}"))?;
        Ok(Self::from_bytes(key))
    }

    fn from_bytes(key: [u8; 32]) -> Self {
        Self(XChaCha20Poly1305::new(&key.into()))
    }

    /// The sealed form of the store's cursor, bound to `context`.
    pub fn seal(&self, cursor: Option<Cursor>, context: &str) -> Result<Option<String>, ApiError> {
        let Some(Cursor(plain)) = cursor else { return Ok(None) };
        let failed = |what: &str| {
            tracing::error!(what, "a page cursor could not be sealed");
            ApiError::from(Problem::internal())
        };
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|_| failed("no randomness"))?;
        let sealed = self
            .0
            .encrypt(&XNonce::from(nonce), Payload { msg: plain.as_bytes(), aad: context.as_bytes() })
            .map_err(|_| failed("encryption"))?;
        Ok(Some(URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())))
    }

    /// The store's cursor in a `?cursor=` this key sealed for `context`; anything else is `BadCursor`.
    pub fn open(&self, given: Option<&str>, context: &str) -> Result<Option<Cursor>, ServiceError> {
        let Some(given) = given else { return Ok(None) };
        let bytes = URL_SAFE_NO_PAD.decode(given).map_err(|_| ServiceError::BadCursor)?;
        if bytes.len() < NONCE {
            return Err(ServiceError::BadCursor);
        }
        let (nonce, sealed) = bytes.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| ServiceError::BadCursor)?;
        let plain = self
            .0
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: context.as_bytes() })
            .map_err(|_| ServiceError::BadCursor)?;
        String::from_utf8(plain).map(|s| Some(Cursor(s))).map_err(|_| ServiceError::BadCursor)
    }
}

/// The paging of a list route: its cursors sealed for the caller's user ID and the request's path (and,
/// where a list takes a filter, the filter: [`Pages::filtered`]).
pub struct Pages {
    key: CursorKey,
    context: String,
}

impl axum::extract::FromRequestParts<AppState> for Pages {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // The caller the session layer found, read where it lies (not cloned: only its ID is needed).
        let Some(auth) = parts.extensions.get::<Authenticated>() else {
            tracing::error!("a list route without the session layer");
            return Err(Problem::internal().into());
        };
        let context = format!("{}\n{}", auth.caller.user_id.as_str(), parts.uri.path());
        Ok(Self { key: state.config.cursor_key.clone(), context })
    }
}

impl Pages {
    /// The paging of a list at `path` for `user` (a page's own list, which has no session layer).
    pub fn new(key: CursorKey, user: &str, path: &str) -> Self {
        Self { key, context: format!("{user}\n{path}") }
    }

    /// Binds the cursors also to a filter of the list (a cursor of one status's queue is no cursor of
    /// another's).
    #[must_use]
    pub fn filtered(mut self, filter: &str) -> Self {
        self.context.push('\n');
        self.context.push_str(filter);
        self
    }

    /// Where the page starts and how long it is (1–100 items, 50 unless asked).
    pub fn args(&self, cursor: Option<&str>, limit: Option<u32>) -> Result<(Option<Cursor>, u32), ApiError> {
        Ok((self.key.open(cursor, &self.context)?, limit.unwrap_or(50).clamp(1, 100)))
    }

    /// A page to show, with its sealed next cursor.
    pub fn view<T>(&self, items: Vec<T>, next: Option<Cursor>) -> Result<PageView<T>, ApiError> {
        Ok(PageView { items, next_cursor: self.key.seal(next, &self.context)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CursorKey {
        CursorKey::from_secret("an example secret of at least 32 characters").unwrap()
    }

    #[test]
    fn a_sealed_cursor_opens_for_the_same_context_only() {
        let cursor = Cursor(r#"{"pk":"FN#AB12345678CD"}"#.into());
        let sealed = key().seal(Some(cursor.clone()), "TANAKA01 /api/applications").unwrap().unwrap();
        assert!(!sealed.contains("AB12345678CD"));
        let decoded = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        assert!(!String::from_utf8_lossy(&decoded).contains("AB12345678CD"), "encrypted, not only encoded");
        assert_eq!(key().open(Some(&sealed), "TANAKA01 /api/applications").unwrap(), Some(cursor.clone()));
        for other in ["SUZUKI02 /api/applications", "TANAKA01 /api/foreign-nationals", ""] {
            assert!(matches!(key().open(Some(&sealed), other), Err(ServiceError::BadCursor)), "{other}");
        }
        let other_key = CursorKey::from_secret("another secret of at least thirty-two chars").unwrap();
        assert!(matches!(other_key.open(Some(&sealed), "TANAKA01 /api/applications"), Err(ServiceError::BadCursor)));
        // Two seals of one cursor differ (a fresh nonce each), so a cursor tells nothing by its form.
        assert_ne!(
            key().seal(Some(cursor), "c").unwrap(),
            key().seal(Some(Cursor(r#"{"pk":"FN#AB12345678CD"}"#.into())), "c").unwrap()
        );
    }

    #[test]
    fn every_change_to_a_sealed_cursor_is_refused() {
        let sealed = key().seal(Some(Cursor("position".into())), "ctx").unwrap().unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 0x01;
            let given = URL_SAFE_NO_PAD.encode(&changed);
            assert!(matches!(key().open(Some(&given), "ctx"), Err(ServiceError::BadCursor)), "byte {i}");
        }
        for garbage in ["", "x", "!!!", &sealed[..sealed.len() - 1], &URL_SAFE_NO_PAD.encode([0u8; 23])] {
            assert!(matches!(key().open(Some(garbage), "ctx"), Err(ServiceError::BadCursor)), "{garbage:?}");
        }
        assert_eq!(key().open(None, "ctx").unwrap(), None);
        assert_eq!(key().seal(None, "ctx").unwrap(), None);
    }

    #[test]
    fn a_key_secret_is_long_enough() {
        assert!(CursorKey::from_secret("short").is_err());
        assert!(CursorKey::from_secret(&"x".repeat(32)).is_ok());
        let (a, b) = (CursorKey::random().unwrap(), CursorKey::random().unwrap());
        let sealed = a.seal(Some(Cursor("p".into())), "c").unwrap().unwrap();
        assert!(b.open(Some(&sealed), "c").is_err());
        assert_eq!(format!("{a:?}"), "CursorKey(..)");
    }
}
