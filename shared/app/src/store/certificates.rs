//! Electronic certificates by code (what the verification page reads), and the signing key's own X.509
//! certificate (made once per key, so every certificate signed with the key carries the same one).

use serde::{Deserialize, Serialize};
use zairyu_domain::certificate::{Certificate, CertificateCode};

use super::{Record, Stored, decode, decode_stored, encode};
use crate::ports::{Attr, Condition, Key, StoreError, Table, attr};

pub struct Certificates<'a>(pub(super) &'a dyn Table);

/// How long a certificate is kept after its last valid day, for the page to say "expired" rather than
/// "unknown" to someone checking one shown late (our decision; README's rule table): a year. Then the
/// table's TTL removes it.
pub const KEPT_AFTER_VALIDITY_DAYS: u64 = 365;

fn key_of(code: &CertificateCode) -> Key {
    Key::new(format!("CERT#{code}"), "CERT")
}

fn seal_key(fingerprint: &str) -> Key {
    Key::new(format!("SEAL#{fingerprint}"), "SEAL")
}

impl Record for Certificate {
    fn key(&self) -> Key {
        key_of(self.code())
    }
    fn index(&self, _created_at: chrono::DateTime<chrono::Utc>) -> Vec<(&'static str, Attr)> {
        let gone = self.certified().valid_until.add_days(KEPT_AFTER_VALIDITY_DAYS + 1).start_instant();
        vec![(attr::TTL, Attr::N(gone.timestamp()))]
    }
}

/// The signing key's certificate as stored: DER, in hex.
#[derive(Debug, Serialize, Deserialize)]
struct SealCertificate {
    der: String,
}

impl Certificates<'_> {
    /// The certificate with this code, if there is one.
    pub async fn find(&self, code: &CertificateCode) -> Result<Option<Stored<Certificate>>, StoreError> {
        self.0.get(&key_of(code)).await?.as_ref().map(decode_stored).transpose()
    }

    /// The stored certificate (DER) of the key whose public key has `fingerprint`.
    pub async fn seal_certificate(&self, fingerprint: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(item) = self.0.get(&seal_key(fingerprint)).await? else {
            return Ok(None);
        };
        let stored: SealCertificate = decode(&item)?;
        crate::unhex(&stored.der).map(Some).ok_or_else(|| StoreError::corrupt("a seal certificate that is not hex"))
    }

    /// Keeps `der` as the certificate of the key with `fingerprint`, unless one is kept already; the one kept
    /// (this or the earlier) is returned.
    pub async fn keep_seal_certificate(&self, fingerprint: &str, der: &[u8]) -> Result<Vec<u8>, StoreError> {
        let item = encode(seal_key(fingerprint), &SealCertificate { der: crate::hex(der) }, 1, vec![])?;
        match self.0.put(item, Condition::Absent).await {
            Ok(()) => Ok(der.to_vec()),
            Err(StoreError::ConditionFailed) => self
                .seal_certificate(fingerprint)
                .await?
                .ok_or_else(|| StoreError::corrupt("a seal certificate kept and then gone")),
            Err(e) => Err(e),
        }
    }
}
