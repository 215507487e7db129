//! The signature of an electronic certificate: a self-signed X.509 certificate for the service's ECDSA
//! P-256 key (RFC 5280) and a detached CMS `SignedData` over a PDF's signed bytes (RFC 5652), as a PDF's
//! `adbe.pkcs7.detached` signature holds it. Building only: the key signs outside (a KMS key in AWS, a
//! local key in the embedded run), given the SHA-256 digests these functions name.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::der;

const ID_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 1];
const ID_SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
const ID_SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
const ECDSA_WITH_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const ID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const PRIME256V1: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const CONTENT_TYPE: &[u64] = &[1, 2, 840, 113549, 1, 9, 3];
const MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 4];
const SIGNING_TIME: &[u64] = &[1, 2, 840, 113549, 1, 9, 5];
const COUNTRY: &[u64] = &[2, 5, 4, 6];
const ORGANIZATION: &[u64] = &[2, 5, 4, 10];
const COMMON_NAME: &[u64] = &[2, 5, 4, 3];
const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn algorithm(arcs: &[u64]) -> Vec<u8> {
    der::sequence(&[&der::oid(arcs)])
}

/// The SubjectPublicKeyInfo of a P-256 public key given as its uncompressed SEC1 point (65 bytes, `04‖X‖Y`,
/// what a local key reports; KMS reports the SubjectPublicKeyInfo itself).
pub fn p256_public_key_info(point: &[u8]) -> Vec<u8> {
    der::sequence(&[&der::sequence(&[&der::oid(ID_EC_PUBLIC_KEY), &der::oid(PRIME256V1)]), &der::bits(point)])
}

/// Who holds the signing key, as its certificate names it (subject and issuer alike: it is self-signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHolder {
    pub organization: String,
    pub common_name: String,
}

impl KeyHolder {
    fn name(&self) -> Vec<u8> {
        let rdn = |arcs: &[u64], value: Vec<u8>| der::set_of(&[&der::sequence(&[&der::oid(arcs), &value])]);
        der::sequence(&[
            &rdn(COUNTRY, der::printable("JP")),
            &rdn(ORGANIZATION, der::utf8(&self.organization)),
            &rdn(COMMON_NAME, der::utf8(&self.common_name)),
        ])
    }
}

/// The part of a self-signed certificate its key signs: version 3, the serial, the holder as issuer and
/// subject, the validity, the key, and the extensions of a signing key (digital signature and
/// non-repudiation, a subject key identifier).
pub fn tbs_certificate(
    holder: &KeyHolder,
    public_key_info: &[u8],
    serial: &[u8],
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Vec<u8> {
    let extension = |arcs: &[u64], critical: bool, value: Vec<u8>| {
        let mut parts = vec![der::oid(arcs)];
        if critical {
            parts.push(der::boolean(true));
        }
        parts.push(der::octets(&value));
        der::sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
    };
    // The key identifier of RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the key's bits.
    let key_id = sha256(public_key_info);
    let extensions = der::sequence(&[
        &extension(BASIC_CONSTRAINTS, true, der::sequence(&[])),
        // digitalSignature and nonRepudiation: bits 0 and 1, six unused bits.
        &extension(KEY_USAGE, true, der::tlv(0x03, &[0x06, 0xC0])),
        &extension(SUBJECT_KEY_ID, false, der::octets(&key_id[..20])),
    ]);
    let name = holder.name();
    der::sequence(&[
        &der::context(0, &der::small(2)),
        &der::unsigned(serial),
        &algorithm(ECDSA_WITH_SHA256),
        &name,
        &der::sequence(&[&der::time(not_before), &der::time(not_after)]),
        &name,
        public_key_info,
        &der::context(3, &extensions),
    ])
}

/// The certificate of `tbs` with the key's DER-encoded ECDSA signature of `sha256(tbs)`.
pub fn certificate(tbs: &[u8], signature: &[u8]) -> Vec<u8> {
    der::sequence(&[tbs, &algorithm(ECDSA_WITH_SHA256), &der::bits(signature)])
}

/// The signed attributes of a PDF's signature: the content type (data), the digest of the PDF's signed
/// bytes, and the signing time. As a SET (the form whose SHA-256 the key signs, RFC 5652 §5.4); the
/// `SignerInfo` holds the same contents under `[0] IMPLICIT`.
pub fn signed_attributes(content_digest: &[u8; 32], signing_time: DateTime<Utc>) -> Vec<u8> {
    let attribute = |arcs: &[u64], value: Vec<u8>| der::sequence(&[&der::oid(arcs), &der::set_of(&[&value])]);
    der::set_of(&[
        &attribute(CONTENT_TYPE, der::oid(ID_DATA)),
        &attribute(SIGNING_TIME, der::time(signing_time)),
        &attribute(MESSAGE_DIGEST, der::octets(content_digest)),
    ])
}

/// The `ContentInfo` of a detached `SignedData`: the signer's certificate, the signed attributes (as
/// [`signed_attributes`] made them) and the key's DER-encoded ECDSA signature of their SHA-256.
/// `None` when `certificate` is not a DER certificate whose issuer and serial can be read.
pub fn signed_data(certificate: &[u8], attributes: &[u8], signature: &[u8]) -> Option<Vec<u8>> {
    let (issuer, serial) = issuer_and_serial(certificate)?;
    // `[0] IMPLICIT SET OF`: the SET's own encoding with its tag changed.
    if attributes.first() != Some(&0x31) {
        return None;
    }
    let mut implicit_attributes = attributes.to_vec();
    implicit_attributes[0] = 0xA0;
    let signer_info = der::sequence(&[
        &der::small(1),
        &der::sequence(&[issuer, serial]),
        &algorithm(ID_SHA256),
        &implicit_attributes,
        &algorithm(ECDSA_WITH_SHA256),
        &der::octets(signature),
    ]);
    let signed = der::sequence(&[
        &der::small(1),
        &der::set_of(&[&algorithm(ID_SHA256)]),
        &der::sequence(&[&der::oid(ID_DATA)]),
        &der::context(0, certificate),
        &der::set_of(&[&signer_info]),
    ]);
    Some(der::sequence(&[&der::oid(ID_SIGNED_DATA), &der::context(0, &signed)]))
}

/// One TLV at the start of `bytes`: (tag, header length, contents length).
fn header(bytes: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *bytes.first()?;
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 4 {
        return None;
    }
    let len = bytes.get(2..2 + n)?.iter().fold(0usize, |acc, b| acc * 256 + usize::from(*b));
    Some((tag, 2 + n, len))
}

/// The elements of a constructed TLV's contents.
fn elements(contents: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    let mut rest = contents;
    while !rest.is_empty() {
        let (_, h, len) = header(rest)?;
        let end = h.checked_add(len)?;
        out.push(rest.get(..end)?);
        rest = &rest[end..];
    }
    Some(out)
}

fn contents(tlv: &[u8]) -> Option<&[u8]> {
    let (_, h, len) = header(tlv)?;
    tlv.get(h..h.checked_add(len)?)
}

/// A certificate's issuer Name and serial INTEGER, as encoded in it.
fn issuer_and_serial(certificate: &[u8]) -> Option<(&[u8], &[u8])> {
    let cert = elements(contents(certificate)?)?;
    let tbs = elements(contents(cert.first()?)?)?;
    // version [0] is present in a v3 certificate; the fields after it are serial, signature, issuer.
    let offset = usize::from(tbs.first()?.first() == Some(&0xA0));
    Some((tbs.get(offset + 2)?, tbs.get(offset)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder() -> KeyHolder {
        KeyHolder { organization: "zairyu".into(), common_name: "Electronic certificates".into() }
    }

    /// DER's definite lengths, short and long, read back; an indefinite length (BER's `0x80`) or one of more
    /// than four bytes is not DER and reads as nothing; the SubjectPublicKeyInfo of a P-256 point is the
    /// 26-byte header of RFC 5480 and the point.
    #[test]
    fn lengths_read_back_as_der_writes_them() {
        assert_eq!(header(&[0x04, 0x05]), Some((0x04, 2, 5)));
        assert_eq!(header(&[0x04, 0x7F]), Some((0x04, 2, 127)));
        assert_eq!(header(&[0x04, 0x81, 0x80]), Some((0x04, 3, 128)));
        assert_eq!(header(&[0x30, 0x82, 0x01, 0x2C]), Some((0x30, 4, 300)));
        assert_eq!(header(&[0x30, 0x83, 0x01, 0x00, 0x02]), Some((0x30, 5, 65_538)));
        assert_eq!(header(&[0x30, 0x84, 0x00, 0x01, 0x00, 0x00]), Some((0x30, 6, 65_536)));
        assert_eq!(header(&[0x04, 0x80]), None, "indefinite");
        assert_eq!(header(&[0x04, 0x85, 0, 0, 0, 0, 1]), None, "more than four bytes of length");
        assert_eq!(header(&[0x04, 0x82, 0x01]), None, "cut short");
        assert_eq!(header(&[0x04]), None);
        for len in [0usize, 1, 127, 128, 255, 256, 300, 65_535, 65_536] {
            let tlv = der::tlv(0x04, &vec![7; len]);
            let (tag, h, n) = header(&tlv).unwrap();
            assert_eq!((tag, h + n), (0x04, tlv.len()), "{len}");
            assert_eq!(elements(&tlv).unwrap(), vec![&tlv[..]]);
        }
        let spki = p256_public_key_info(&[4; 65]);
        assert_eq!(spki.len(), 91);
        let prefix = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x86, 0x48,
            0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        assert_eq!(spki[..26], prefix);
    }

    #[test]
    fn the_signed_data_names_the_certificate_s_issuer_and_serial_and_holds_the_attributes() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T00:00:00Z").unwrap().to_utc();
        let spki = p256_public_key_info(&[4; 65]);
        let tbs = tbs_certificate(&holder(), &spki, &[0x81, 2, 3], at, at);
        let cert = certificate(&tbs, &[0x30, 0x02, 0x02, 0x00]);
        let (issuer, serial) = issuer_and_serial(&cert).unwrap();
        assert_eq!(serial, der::unsigned(&[0x81, 2, 3]));
        assert_eq!(issuer, holder().name());
        let attributes = signed_attributes(&[9; 32], at);
        assert_eq!(attributes[0], 0x31);
        let cms = signed_data(&cert, &attributes, &[0x30, 0]).unwrap();
        let window = |needle: &[u8]| cms.windows(needle.len()).any(|w| w == needle);
        assert!(window(&cert) && window(&attributes[2..]) && window(&der::octets(&[9; 32])));
        assert!(signed_data(b"not a certificate", &attributes, &[]).is_none());
        assert!(signed_data(&cert, b"\x30\x00", &[]).is_none(), "attributes must be a SET");
    }
}
