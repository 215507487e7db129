//! The electronic certificate as a PDF: one A4 page in Japanese and English with what it certifies, its
//! code and a QR code of its verification address, carrying a detached CMS signature (`adbe.pkcs7.detached`)
//! over every byte of the file but the signature itself — what any standard PDF reader checks.
//!
//! Written in one pass with room for the signature: [`prepare`] lays the file out and reports the digest
//! of its signed bytes; [`Prepared::finish`] writes the CMS into the room left for it.

use chrono::{DateTime, Utc};

use super::Certificate;
use crate::error::Language;
use crate::jst::JST;

/// Room for the CMS `SignedData` (certificate, attributes, an ECDSA signature: about 1.2 KB).
const SIGNATURE_ROOM: usize = 8192;
/// The `/ByteRange` array's room: four numbers of up to ten digits.
const BYTE_RANGE_ROOM: usize = 48;

/// A laid-out certificate waiting for its signature.
#[derive(Debug, Clone)]
pub struct Prepared {
    bytes: Vec<u8>,
    /// The offset of the `<` that opens `/Contents`, and the `>` after its room.
    contents: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the signature of {0} bytes does not fit the room of {SIGNATURE_ROOM} bytes left for it")]
pub struct SignatureTooLarge(pub usize);

impl Prepared {
    /// The SHA-256 of every byte the signature covers: all but `/Contents`' value.
    pub fn signed_digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(&self.bytes[..self.contents.0]);
        hasher.update(&self.bytes[self.contents.1 + 1..]);
        hasher.finalize().into()
    }

    /// The file with `cms` (DER) as its signature.
    pub fn finish(mut self, cms: &[u8]) -> Result<Vec<u8>, SignatureTooLarge> {
        if cms.len() > SIGNATURE_ROOM {
            return Err(SignatureTooLarge(cms.len()));
        }
        let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
        let start = self.contents.0 + 1;
        self.bytes[start..start + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.bytes)
    }
}

/// What the page says beyond the certificate itself.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    /// The verification page's address for this certificate (the QR code's contents).
    pub verify_url: &'a str,
    /// The verification page's address without the code (where the code is typed).
    pub verify_page: &'a str,
}

/// Lays out `certificate`, with `issuer`'s addresses, signed at `signed_at`.
pub fn prepare(certificate: &Certificate, issuer: Issuer<'_>, signed_at: DateTime<Utc>) -> Prepared {
    let content = page_content(certificate, issuer);
    let signed_local = signed_at.with_timezone(&JST).format("D:%Y%m%d%H%M%S+09'00'").to_string();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> /Lang (ja) >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R /F2 7 0 R >> >> /Contents 4 0 R /Annots [5 0 R 11 0 R] >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(), &content, b"\nendstream"].concat(),
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 8 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5 /Encoding /UniJIS-UCS2-H /DescendantFonts [9 0 R] >>".to_vec(),
        format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange {}\n/Contents <{}>\n/M ({signed_local}) /Reason (Certificate of Eligibility issued) >>",
            " ".repeat(BYTE_RANGE_ROOM),
            "0".repeat(SIGNATURE_ROOM * 2)
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 5 >> /FontDescriptor 10 0 R /DW 1000 >>".to_vec(),
        b"<< /Type /FontDescriptor /FontName /HeiseiKakuGo-W5 /Flags 4 /FontBBox [-92 -250 1010 922] /ItalicAngle 0 /Ascent 882 /Descent -120 /CapHeight 718 /StemV 93 >>".to_vec(),
        // The address under the QR code is a link too: tapped on the phone that shows the certificate.
        format!(
            "<< /Type /Annot /Subtype /Link /Rect [56 308 540 322] /Border [0 0 0] /P 3 0 R /A << /S /URI /URI ({}) >> >>",
            literal(issuer.verify_url)
        )
        .into_bytes(),
    ];
    let mut bytes = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    let mut byte_range_at = 0;
    let mut contents_at = 0;
    for (i, body) in objects.iter().enumerate() {
        offsets.push(bytes.len());
        bytes.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        if i == 7 {
            let at = |needle: &[u8]| body.windows(needle.len()).position(|w| w == needle).unwrap_or(0);
            byte_range_at = bytes.len() + at(b"/ByteRange ") + b"/ByteRange ".len();
            contents_at = bytes.len() + at(b"/Contents <") + b"/Contents ".len();
        }
        bytes.extend_from_slice(body);
        bytes.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = bytes.len();
    let id: String =
        super::cms::sha256(certificate.code().as_str().as_bytes())[..16].iter().map(|b| format!("{b:02X}")).collect();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in &offsets {
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    xref.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    ));
    bytes.extend_from_slice(xref.as_bytes());
    let contents_end = contents_at + 1 + SIGNATURE_ROOM * 2;
    let range = format!("[0 {contents_at} {} {}]", contents_end + 1, bytes.len() - contents_end - 1);
    let padded = format!("{range:<BYTE_RANGE_ROOM$}");
    bytes[byte_range_at..byte_range_at + BYTE_RANGE_ROOM].copy_from_slice(padded.as_bytes());
    Prepared { bytes, contents: (contents_at, contents_end) }
}

/// The page's drawing: text and the QR code's modules.
fn page_content(certificate: &Certificate, issuer: Issuer<'_>) -> Vec<u8> {
    let c = certificate.certified();
    let mut out = String::new();
    let mut text = |x: u32, y: u32, size: u32, s: &str| out.push_str(&show(x, y, size, s));
    text(56, 780, 18, "在留資格認定証明書（電子）");
    text(56, 758, 13, "Certificate of Eligibility (electronic)");
    let date = |d: crate::jst::JstDate| d.to_string();
    let status = c.status.info();
    let office = certificate.issued_by().info();
    let rows: [(&str, &str, String, Option<&str>); 8] = [
        ("氏名", "Name", c.name.to_string(), None),
        ("国籍・地域", "Nationality / Region", crate::nationality::shown(c.nationality.as_str(), Language::En), None),
        ("生年月日", "Date of birth", date(c.birth_date), None),
        ("在留資格", "Status of residence", status.name_ja.to_owned(), Some(status.name_en)),
        ("交付年月日", "Date of issue", date(c.issued_on), None),
        ("有効期限", "Valid until", date(c.valid_until), None),
        ("交付官署", "Issued by", office.name_ja.to_owned(), Some(office.name_en)),
        ("証明書番号", "Certificate code", certificate.code().grouped(), None),
    ];
    for (i, (ja, en, value, in_english)) in rows.iter().enumerate() {
        let y = 710 - 42 * i as u32;
        text(56, y + 8, 9, ja);
        text(56, y - 3, 8, en);
        match in_english {
            Some(english) => {
                text(190, y + 6, 12, value);
                text(190, y - 8, 9, english);
            }
            None => text(190, y, 12, value),
        }
    }
    text(
        56,
        340,
        9,
        "この証明書が有効かどうかは、QRコードの読み取り先、または次のページで証明書番号を入力して確認できます。",
    );
    text(56, 326, 9, "Whether this certificate is valid: scan the QR code, or open");
    text(56, 312, 9, issuer.verify_url);
    text(56, 298, 8, &format!("(or enter the certificate code at {})", issuer.verify_page));
    text(56, 280, 8, "この文書には電子署名が付されています。署名が有効でない場合、この文書は改ざんされています。");
    text(56, 268, 8, "This document is signed electronically; if its signature is not valid, it has been altered.");
    out.push_str(&qr(issuer.verify_url, 56.0, 100.0, 160.0));
    out.into_bytes()
}

/// A PDF literal string's contents: `(`, `)` and `\\` escaped.
fn literal(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// One line of text, in runs: Helvetica for printable ASCII, the Japanese font (UCS-2 codes) for any other
/// character (its Latin letters are full-width); each run goes on where the one before ended.
fn show(x: u32, y: u32, size: u32, s: &str) -> String {
    let mut out = format!("BT {x} {y} Td ");
    let mut rest = s;
    while let Some(first) = rest.chars().next() {
        let latin = |c: char| (' '..='~').contains(&c);
        let is_latin = latin(first);
        let end = rest.find(|c: char| latin(c) != is_latin).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        if is_latin {
            out.push_str(&format!("/F1 {size} Tf ({}) Tj ", literal(run)));
        } else {
            // The font's encoding takes the Basic Multilingual Plane: a character beyond it is shown as 〓.
            let hex: String = run
                .chars()
                .map(|c| u16::try_from(u32::from(c)).unwrap_or(0x3013))
                .map(|u| format!("{u:04X}"))
                .collect();
            out.push_str(&format!("/F2 {size} Tf <{hex}> Tj "));
        }
        rest = after;
    }
    out.push_str("ET\n");
    out
}

/// The QR code of `data` as filled squares, `size` points wide with its lower left corner at (`x`, `y`).
fn qr(data: &str, x: f64, y: f64, size: f64) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M) else {
        return String::new();
    };
    let width = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on each side (ISO/IEC 18004).
    let module = size / (width + 8) as f64;
    let mut out = String::from("0 g\n");
    for (row, line) in colors.chunks(width).enumerate() {
        let mut col = 0;
        while col < width {
            if line[col] == qrcode::Color::Dark {
                let run = line[col..].iter().take_while(|c| **c == qrcode::Color::Dark).count();
                let left = x + (col + 4) as f64 * module;
                let bottom = y + size - (row + 5) as f64 * module;
                out.push_str(&format!("{left:.3} {bottom:.3} {:.3} {module:.3} re\n", run as f64 * module));
                col += run;
            } else {
                col += 1;
            }
        }
    }
    out.push_str("f\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::{CertificateCode, cms};
    use crate::jst::d;
    use crate::office::Office;

    fn certificate() -> Certificate {
        Certificate::issue(
            CertificateCode::from_random(42),
            Office::Sapporo,
            crate::values::NameOnCard::parse("NGUYEN,VAN,AN").unwrap(),
            crate::error::Text::parse("Viet Nam").unwrap(),
            d("2001-04-02"),
            crate::status_of_residence::StatusOfResidence::EngineerHumanitiesInternational,
            d("2026-12-07"),
        )
    }

    fn issuer(url: &str) -> Issuer<'_> {
        Issuer { verify_url: url, verify_page: "https://example.jp/verify" }
    }

    /// The byte range covers the whole file but the signature's hex string, and names itself correctly;
    /// the xref points at every object; the signature lands where the range leaves room for it.
    #[test]
    fn the_byte_range_covers_everything_but_the_signature() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T01:00:00Z").unwrap().to_utc();
        let prepared = prepare(&certificate(), issuer("https://example.jp/verify/ABCD"), at);
        let digest = prepared.signed_digest();
        let text = String::from_utf8_lossy(&prepared.bytes).into_owned();
        let range_text = text.split("/ByteRange [").nth(1).unwrap().split(']').next().unwrap();
        let range: Vec<usize> = range_text.split_whitespace().map(|n| n.parse().unwrap()).collect();
        assert_eq!(range.len(), 4);
        assert_eq!(range[0], 0);
        assert_eq!(prepared.bytes[range[1]], b'<');
        assert_eq!(prepared.bytes[range[2] - 1], b'>');
        assert_eq!(range[2] + range[3], prepared.bytes.len());
        let covered = [&prepared.bytes[..range[1]], &prepared.bytes[range[2]..]].concat();
        assert_eq!(cms::sha256(&covered), digest);
        for (i, line) in text.split("xref\n").nth(1).unwrap().lines().skip(2).take(11).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(prepared.bytes[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        let signed = prepared.clone().finish(&[0xAB; 10]).unwrap();
        assert_eq!(signed.len(), prepared.bytes.len());
        assert_eq!(&signed[range[1]..range[1] + 21], b"<ABABABABABABABABABAB");
        let covered_after = [&signed[..range[1]], &signed[range[2]..]].concat();
        assert_eq!(cms::sha256(&covered_after), digest, "the signature changes no signed byte");
        assert_eq!(prepared.clone().finish(&[0; SIGNATURE_ROOM + 1]), Err(SignatureTooLarge(SIGNATURE_ROOM + 1)));
        assert!(prepared.finish(&[0xFF; SIGNATURE_ROOM]).is_ok(), "the room is filled to its last byte");
    }

    /// The squares drawn are exactly the code's dark modules, each a module wide and high, row by row from the
    /// top, inside a quiet zone of four modules within the square given.
    #[test]
    fn the_qr_code_is_drawn_module_for_module() {
        let data = "https://oras.example.jp/verify/390Y-Y6FN-9WSA-MH40";
        let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).unwrap();
        let width = code.width();
        let (x0, y0, size) = (56.0, 100.0, 160.0);
        let module = size / (width + 8) as f64;
        let drawn = qr(data, x0, y0, size);
        assert!(drawn.starts_with("0 g\n") && drawn.ends_with("f\n"));
        let mut dark = vec![false; width * width];
        for line in drawn.lines().filter(|l| l.ends_with(" re")) {
            let n: Vec<f64> = line.split_whitespace().take(4).map(|v| v.parse().unwrap()).collect();
            let (left, bottom, w, h) = (n[0], n[1], n[2], n[3]);
            assert!((h - module).abs() < 0.001, "{line}");
            assert!(left >= x0 + 4.0 * module - 0.001 && left + w <= x0 + size - 4.0 * module + 0.001, "{line}");
            assert!(bottom >= y0 + 4.0 * module - 0.001 && bottom + h <= y0 + size - 4.0 * module + 0.001, "{line}");
            let col = ((left - x0) / module).round() as usize - 4;
            let row = ((y0 + size - bottom) / module).round() as usize - 5;
            let run = (w / module).round() as usize;
            for c in col..col + run {
                assert!(!dark[row * width + c], "drawn twice: {line}");
                dark[row * width + c] = true;
            }
        }
        let expected: Vec<bool> = code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
        assert_eq!(dark, expected);
    }

    #[test]
    fn the_page_says_what_it_certifies_in_both_languages() {
        let content = String::from_utf8(page_content(&certificate(), issuer("https://example.jp/verify/X"))).unwrap();
        for seen in [
            "(NGUYEN,VAN,AN)",
            "(2001-04-02)",
            "(2027-03-07)",
            "(Valid until)",
            "(Certificate of Eligibility \\(electronic\\))",
        ] {
            assert!(content.contains(seen), "{seen} in {content}");
        }
        assert!(content.contains("<5728"), "在 in the Japanese font");
        assert!(content.contains(&format!("({})", certificate().code().grouped())));
        assert!(content.contains(" re\n"), "the QR code's modules");
        assert_eq!(show(0, 0, 9, "𠮷"), "BT 0 0 Td /F2 9 Tf <3013> Tj ET\n", "beyond the BMP");
        assert_eq!(
            show(5, 6, 9, "QRコード (x)"),
            "BT 5 6 Td /F1 9 Tf (QR) Tj /F2 9 Tf <30B330FC30C9> Tj /F1 9 Tf ( \\(x\\)) Tj ET\n",
            "runs of each font, one after the other"
        );
    }
}
