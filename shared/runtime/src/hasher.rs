//! argon2id password hashing with the OWASP minimum parameters (19 MiB, t=2, p=1: the argon2 crate's
//! defaults), run on tokio's blocking pool.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use async_trait::async_trait;
use zairyu_app::ports::{HashError, PasswordHasher};
use zairyu_domain::values::Password;

#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    /// A hash of a random password, verified against when the user does not exist.
    dummy: String,
}

impl Argon2Hasher {
    pub fn new() -> Result<Self, HashError> {
        let dummy_password = format!("{:032x}", u128::from_le_bytes(crate::random_bytes()));
        let dummy = Argon2::default()
            .hash_password(dummy_password.as_bytes())
            .map_err(|e| HashError(e.to_string().into()))?
            .to_string();
        Ok(Self { dummy })
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<String, HashError> {
        let text = password.expose().to_owned();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(text.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| HashError(e.to_string().into()))
        })
        .await
        .map_err(|e| HashError(e.to_string().into()))?
    }

    async fn verify(&self, candidate: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy).to_owned();
        let candidate = candidate.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&hash).map_err(|e| HashError(e.to_string().into()))?;
            Ok::<_, HashError>(Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok())
        })
        .await
        .map_err(|e| HashError(e.to_string().into()))??;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zairyu_domain::values::UserId;

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let h = Argon2Hasher::new().unwrap();
        let p = Password::parse(&UserId::parse("TANAKA01").unwrap(), "Sakura#2026").unwrap();
        let hash = h.hash(&p).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(h.verify("Sakura#2026", Some(&hash)).await.unwrap());
        assert!(!h.verify("sakura#2026", Some(&hash)).await.unwrap());
        assert!(!h.verify("Sakura#2026", None).await.unwrap());
        assert_ne!(hash, h.hash(&p).await.unwrap(), "salted");
    }
}
