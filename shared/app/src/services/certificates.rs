//! Electronic certificates: the public verification page's answer (whoever holds a code), and a certificate
//! signed as a PDF with the service's key (the function that issues certificates, which alone holds the
//! key).

use std::sync::Arc;

use zairyu_domain::certificate::cms::{self, KeyHolder};
use zairyu_domain::certificate::pdf::{self, Issuer};
use zairyu_domain::certificate::{Certificate, CertificateCode, Certified, Validity};
use zairyu_domain::flood::Flood;

use super::Core;
use crate::error::{ServiceError, invalid};
use crate::ports::{Seal, SealError};

/// The path of the verification page; a certificate's own page is this, a slash, and its code.
pub const VERIFY_PATH: &str = "/verify";

/// How long the key's self-signed certificate is valid: the key signs certificates valid three months, and
/// a reader checks a signature against the certificate's validity at the time of signing.
const KEY_CERTIFICATE_YEARS: i64 = 20;

/// The address of one certificate's verification page (its QR code, the e-mail's link).
pub fn verify_url(public_url: &str, code: &CertificateCode) -> String {
    format!("{}{VERIFY_PATH}/{}", public_url.trim_end_matches('/'), code.grouped())
}

/// The address of one certificate's signed PDF (the e-mail's link): beside its verification page.
pub fn pdf_url(public_url: &str, code: &CertificateCode) -> String {
    format!("{}/{PDF_NAME}", verify_url(public_url, code))
}

/// The name of a certificate's PDF under its verification page.
pub const PDF_NAME: &str = "certificate.pdf";

/// Where a certificate's signed PDF is kept (in the documents' store), from its issue e-mail on.
pub fn pdf_key(code: &CertificateCode) -> String {
    format!("certificates/{code}.pdf")
}

/// A certificate's PDF as the page hands it out: refused once the office withdrew it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this certificate was withdrawn by the immigration office: it is no longer valid")]
pub struct WithdrawnCertificate;

impl zairyu_domain::error::Localized for WithdrawnCertificate {
    fn rule(&self) -> &'static str {
        "certificate.withdrawn"
    }
    fn message_ja(&self) -> String {
        "この証明書は出入国在留管理官署により取り消されており、有効ではありません。".into()
    }
}

/// What the verification page shows of a certificate: what it certifies and whether it is valid today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The code as read (typed in any case, with or without its dashes).
    pub code: CertificateCode,
    pub certified: Certified,
    pub validity: Validity,
}

/// The verification page's service: it reads certificates by code, and hands out their signed PDFs.
#[derive(Clone)]
pub struct Verification {
    core: Core,
    /// Where the signed PDFs are kept.
    blobs: Arc<dyn crate::ports::BlobStore>,
}

impl Verification {
    pub fn new(core: Core, blobs: Arc<dyn crate::ports::BlobStore>) -> Self {
        Self { core, blobs }
    }

    /// The signed PDF of the certificate a code names, as e-mailed: counted as the page counts a code
    /// (an unknown one against the address); a withdrawn certificate's is not handed out, and one not yet
    /// sealed (its e-mail not yet sent) is not found.
    pub async fn pdf(&self, typed: &str, from: Option<&str>) -> Result<Vec<u8>, ServiceError> {
        let verified = self.verify(typed, from).await?;
        if let Validity::Withdrawn { .. } = verified.validity {
            return Err(invalid("code", &WithdrawnCertificate));
        }
        self.blobs.get(&pdf_key(&verified.code)).await?.ok_or(ServiceError::NotFound)
    }

    /// The certificate a code names, as of today in Japan. Codes that name none (mistyped, or guessed) count
    /// against the client's address; past the limit even a good code waits for the window to end.
    pub async fn verify(&self, typed: &str, from: Option<&str>) -> Result<Verified, ServiceError> {
        let subject = from.unwrap_or("unknown");
        self.core.limit(Flood::VerifyPerAddress, subject).await?;
        let code = match CertificateCode::parse(typed) {
            Ok(code) => code,
            Err(e) => {
                self.core.count_failure(Flood::VerifyPerAddress, subject).await?;
                return Err(invalid("code", &e));
            }
        };
        match self.core.store().certificates().find(&code).await? {
            Some(found) => {
                Ok(Verified { certified: found.certified().clone(), validity: found.validity(self.core.today()), code })
            }
            None => {
                self.core.count_failure(Flood::VerifyPerAddress, subject).await?;
                Err(ServiceError::NotFound)
            }
        }
    }
}

/// Signs certificates as PDFs with the service's key.
#[derive(Clone)]
pub struct Sealing {
    core: Core,
    seal: Arc<dyn Seal>,
    holder: KeyHolder,
    public_url: String,
}

impl Sealing {
    pub fn new(core: Core, seal: Arc<dyn Seal>, public_url: String) -> Self {
        let holder = KeyHolder {
            organization: "Online Residence Application System".into(),
            common_name: "Electronic certificates of eligibility".into(),
        };
        Self { core, seal, holder, public_url: public_url.trim_end_matches('/').to_owned() }
    }

    /// The verification page's address.
    pub fn verify_page(&self) -> String {
        format!("{}{VERIFY_PATH}", self.public_url)
    }

    /// The address of one certificate's verification (its QR code).
    pub fn verify_url(&self, code: &CertificateCode) -> String {
        verify_url(&self.public_url, code)
    }

    /// The key's X.509 certificate (DER): made and kept the first time, the one kept ever after (so that every
    /// PDF signed with the key carries the same certificate, which a reader can be told to trust).
    pub async fn key_certificate(&self) -> Result<Vec<u8>, ServiceError> {
        let spki = self.seal.public_key_info().await?;
        let digest = cms::sha256(&spki);
        let fingerprint = crate::hex(&digest);
        let certificates = self.core.store().certificates();
        if let Some(der) = certificates.seal_certificate(&fingerprint).await? {
            return Ok(der);
        }
        let now = self.core.now();
        let mut serial = digest[..16].to_vec();
        serial[0] &= 0x7F;
        let tbs = cms::tbs_certificate(
            &self.holder,
            &spki,
            &serial,
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(365 * KEY_CERTIFICATE_YEARS),
        );
        let signature = self.seal.sign(&tbs).await?;
        Ok(certificates.keep_seal_certificate(&fingerprint, &cms::certificate(&tbs, &signature)).await?)
    }

    /// Keeps the signed PDF of the certificate with `code` in `blobs` (its e-mail links to it), unless it
    /// is kept already: sealing once, whatever the number of deliveries of the e-mail's job.
    pub async fn seal_into(
        &self,
        blobs: &dyn crate::ports::BlobStore,
        code: &CertificateCode,
    ) -> Result<(), ServiceError> {
        let key = pdf_key(code);
        if blobs.get(&key).await?.is_some() {
            return Ok(());
        }
        let found = self.core.store().certificates().find(code).await?.ok_or(ServiceError::NotFound)?;
        let pdf = self.signed_pdf(&found).await?;
        blobs.put(&key, pdf, "application/pdf").await?;
        Ok(())
    }

    /// `certificate` as a PDF signed now.
    pub async fn signed_pdf(&self, certificate: &Certificate) -> Result<Vec<u8>, ServiceError> {
        let key_certificate = self.key_certificate().await?;
        let now = self.core.now();
        let url = self.verify_url(certificate.code());
        let page = self.verify_page();
        let prepared = pdf::prepare(certificate, Issuer { verify_url: &url, verify_page: &page }, now);
        let attributes = cms::signed_attributes(&prepared.signed_digest(), now);
        let signature = self.seal.sign(&attributes).await?;
        let assembly = |e: String| ServiceError::Seal(SealError::Assembly(e));
        let signed = cms::signed_data(&key_certificate, &attributes, &signature)
            .ok_or_else(|| assembly("the key's certificate does not read as one".into()))?;
        prepared.finish(&signed).map_err(|e| assembly(e.to_string()))
    }
}
