//! The signing key of the embedded run: an ECDSA P-256 key in a PKCS #8 file (made at the first start,
//! readable by its owner only), or in memory for tests. AWS's twin is a KMS asymmetric key.

use std::path::Path;

use async_trait::async_trait;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use zairyu_app::ports::{MAX_SEAL_MESSAGE, Seal, SealError};

pub struct LocalSeal {
    key: EcdsaKeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for LocalSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalSeal")
    }
}

fn invalid(e: impl std::fmt::Display) -> SealError {
    SealError::unavailable(e.to_string())
}

impl LocalSeal {
    /// A new key held in memory only.
    pub fn generate() -> Result<Self, SealError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).map_err(invalid)?;
        Self::from_pkcs8(pkcs8.as_ref(), rng)
    }

    /// The key in `path` (PKCS #8 DER), made there first if there is none.
    pub fn open(path: &Path) -> Result<Self, SealError> {
        let rng = SystemRandom::new();
        match std::fs::read(path) {
            Ok(bytes) => Self::from_pkcs8(&bytes, rng),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).map_err(invalid)?;
                write_private(path, pkcs8.as_ref()).map_err(SealError::unavailable)?;
                // Read back what is on disk: two processes starting at once both use the one that won.
                Self::from_pkcs8(&std::fs::read(path).map_err(SealError::unavailable)?, rng)
            }
            Err(e) => Err(SealError::unavailable(e)),
        }
    }

    fn from_pkcs8(bytes: &[u8], rng: SystemRandom) -> Result<Self, SealError> {
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, bytes, &rng).map_err(invalid)?;
        Ok(Self { key, rng })
    }
}

/// Writes `bytes` to a new file at `path` that only its owner may read; a file already there is kept.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(bytes)?;
            file.sync_all()
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[async_trait]
impl Seal for LocalSeal {
    async fn public_key_info(&self) -> Result<Vec<u8>, SealError> {
        Ok(zairyu_domain::certificate::cms::p256_public_key_info(self.key.public_key().as_ref()))
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError> {
        if message.len() > MAX_SEAL_MESSAGE {
            return Err(SealError::TooLong(message.len()));
        }
        Ok(self.key.sign(&self.rng, message).map_err(invalid)?.as_ref().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_local_key_keeps_the_seal_s_contract() {
        zairyu_contract::seal_signs_verifiably(std::sync::Arc::new(LocalSeal::generate().unwrap())).await;
    }

    #[tokio::test]
    async fn the_key_file_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seal.p8");
        let first = LocalSeal::open(&path).unwrap().public_key_info().await.unwrap();
        let again = LocalSeal::open(&path).unwrap().public_key_info().await.unwrap();
        assert_eq!(first, again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, b"not a key").unwrap();
        assert!(LocalSeal::open(&path).is_err(), "a damaged key file is an error, not a new key");
    }
}
