//! The few DER encodings a signature needs (ITU-T X.690): enough to write an X.509 certificate and a CMS
//! `SignedData`, nothing to read them. Every function returns one complete TLV.

/// A tag and its contents, with the length in DER's definite form.
pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(contents.len() + 6);
    out.push(tag);
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 + (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
    out
}

pub fn sequence(items: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

/// A SET OF: DER sorts its elements by their encodings.
pub fn set_of(items: &[&[u8]]) -> Vec<u8> {
    let mut sorted: Vec<&[u8]> = items.to_vec();
    sorted.sort();
    tlv(0x31, &sorted.concat())
}

/// A context-specific constructed tag `[n]` around `contents` (EXPLICIT, or an IMPLICIT SET/SEQUENCE).
pub fn context(n: u8, contents: &[u8]) -> Vec<u8> {
    tlv(0xA0 + n, contents)
}

/// A non-negative INTEGER from its big-endian magnitude.
pub fn unsigned(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match magnitude.iter().position(|b| *b != 0) {
        Some(i) => &magnitude[i..],
        None => &[0],
    };
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed[0] & 0x80 != 0 {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    tlv(0x02, &contents)
}

pub fn small(n: u8) -> Vec<u8> {
    unsigned(&[n])
}

pub fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// A BIT STRING of whole bytes.
pub fn bits(bytes: &[u8]) -> Vec<u8> {
    let mut contents = Vec::with_capacity(bytes.len() + 1);
    contents.push(0);
    contents.extend_from_slice(bytes);
    tlv(0x03, &contents)
}

pub fn boolean(value: bool) -> Vec<u8> {
    tlv(0x01, &[if value { 0xFF } else { 0 }])
}

pub fn utf8(text: &str) -> Vec<u8> {
    tlv(0x0C, text.as_bytes())
}

pub fn printable(text: &str) -> Vec<u8> {
    tlv(0x13, text.as_bytes())
}

/// UTCTime for years 1950–2049 and GeneralizedTime after, as RFC 5280 §4.1.2.5 asks (seconds, `Z`).
pub fn time(at: chrono::DateTime<chrono::Utc>) -> Vec<u8> {
    use chrono::Datelike;
    if (1950..2050).contains(&at.year()) {
        tlv(0x17, at.format("%y%m%d%H%M%SZ").to_string().as_bytes())
    } else {
        tlv(0x18, at.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
    }
}

/// An OBJECT IDENTIFIER from its dotted arcs.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut contents = Vec::new();
    // An identifier has two arcs at least (the ones below are all ours); fewer encode as the arc 0.
    let (first, rest) = match arcs {
        [a, b, rest @ ..] => (a * 40 + b, rest),
        _ => (0, &[][..]),
    };
    for arc in std::iter::once(first).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7F) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push(0x80 + (v & 0x7F) as u8);
            v >>= 7;
        }
        contents.extend(groups.iter().rev());
    }
    tlv(0x06, &contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodings checked against X.690's examples and `openssl asn1parse` of the same values.
    #[test]
    fn encodings_are_der() {
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 7, 2]),
            [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
        );
        assert_eq!(oid(&[2, 16, 840, 1, 101, 3, 4, 2, 1])[..4], [0x06, 0x09, 0x60, 0x86]);
        assert_eq!(unsigned(&[0x00, 0x00, 0x80]), [0x02, 0x02, 0x00, 0x80], "a leading zero keeps it positive");
        assert_eq!(unsigned(&[0, 0]), [0x02, 0x01, 0x00]);
        assert_eq!(small(3), [0x02, 0x01, 0x03]);
        let long = tlv(0x04, &[7; 300]);
        assert_eq!(long[..4], [0x04, 0x82, 0x01, 0x2C], "a long length in as few bytes as it needs");
        assert_eq!(tlv(0x04, &[1; 128])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(set_of(&[&[0x02, 0x01, 0x09], &[0x02, 0x01, 0x01]]), [0x31, 6, 0x02, 1, 1, 0x02, 1, 9], "sorted");
        assert_eq!(bits(&[0xAB]), [0x03, 2, 0, 0xAB]);
        assert_eq!(boolean(true), [0x01, 1, 0xFF]);
        assert_eq!(boolean(false), [0x01, 1, 0x00]);
        assert_eq!(octets(&[1, 2]), [0x04, 2, 1, 2]);
        assert_eq!(utf8("é"), [0x0C, 2, 0xC3, 0xA9]);
        assert_eq!(printable("JP"), [0x13, 2, b'J', b'P']);
        assert_eq!(context(3, &[5]), [0xA3, 1, 5]);
        assert_eq!(sequence(&[&[1], &[2]]), [0x30, 2, 1, 2], "in the order given");
        assert_eq!(oid(&[2, 5, 4, 3]), [0x06, 3, 0x55, 0x04, 0x03]);
        assert_eq!(oid(&[1, 2, 840, 10045, 2, 1])[2..5], [0x2A, 0x86, 0x48], "840 in two groups of seven bits");
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T01:02:03Z").unwrap().to_utc();
        assert_eq!(time(at), tlv(0x17, b"261207010203Z"));
        let later = chrono::DateTime::parse_from_rfc3339("2050-01-01T00:00:00Z").unwrap().to_utc();
        assert_eq!(time(later), tlv(0x18, b"20500101000000Z"));
    }
}
