use super::{
    DocumentError, DocumentInfo, DocumentKind, MAX_INFLATED_BYTES, MAX_TOTAL_BYTES, PdfProblem, check_document,
    pdf_problem, refusal_rule, within_bounds,
};
use crate::error::Localized;
use crate::fixtures::{PDF_PAGE, jpeg, pdf, pdf_of_bytes, pdf_of_size, pdf_with_trailer, png};
use proptest::prelude::*;

/// The files made by tools not ours (`scripts/document-fixtures.py`: pikepdf/qpdf, Chromium).
fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/documents/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(bytes: &[u8]) -> Result<DocumentInfo, DocumentError> {
    check_document(bytes, None, MAX_TOTAL_BYTES)
}

fn page_with(catalog: &str) -> Vec<u8> {
    let mut objects = PDF_PAGE.to_vec();
    objects[0] = catalog;
    pdf(&objects)
}

#[test]
fn pdfs_as_writers_write_them_are_accepted_with_their_pages() {
    for (name, pages) in [("plain.pdf", 1), ("object-streams.pdf", 1), ("chromium.pdf", 2)] {
        let bytes = fixture(name);
        let info = check(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((info.kind, info.pages, info.pixels), (DocumentKind::Pdf, pages, None), "{name}");
        assert_eq!(info.bytes, bytes.len() as u64);
    }
    assert_eq!(check(&pdf(&PDF_PAGE)).map(|i| i.pages), Ok(1));
}

#[test]
fn an_encrypted_pdf_is_refused_whether_it_asks_a_password_or_not() {
    assert_eq!(check(&fixture("encrypted.pdf")), Err(DocumentError::Encrypted));
    assert_eq!(check(&fixture("encrypted-owner-only.pdf")), Err(DocumentError::Encrypted));
    let enc = "<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>";
    let mut objects = PDF_PAGE.to_vec();
    objects.push(enc);
    assert_eq!(check(&pdf_with_trailer(&objects, "/Encrypt 5 0 R")), Err(DocumentError::Encrypted));
    // The same dictionary not named by the trailer encrypts nothing.
    assert!(check(&pdf(&objects)).is_ok());
}

#[test]
fn a_pdf_with_javascript_is_refused_even_packed_in_a_compressed_object_stream() {
    assert_eq!(check(&fixture("javascript.pdf")), Err(DocumentError::Scripted));
    let cases = [
        "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        // The name written with an escape is still /JS.
        "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /#4Aava#53cript /J#53 <616c657274> >> >>",
        "<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 9 0 R >> >>",
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 9 0 R >> >>",
        "<< /Type /Catalog /Pages 2 0 R /AA << /WC << /S /JavaScript >> >> >>",
    ];
    for catalog in cases {
        assert_eq!(check(&page_with(catalog)), Err(DocumentError::Scripted), "{catalog}");
    }
}

#[test]
fn a_pdf_that_starts_a_program_or_holds_files_is_refused() {
    assert_eq!(check(&fixture("launch.pdf")), Err(DocumentError::Scripted));
    assert_eq!(check(&fixture("attachment.pdf")), Err(DocumentError::Attachments));
    assert_eq!(
        check(&page_with("<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 9 0 R >> >>")),
        Err(DocumentError::Attachments)
    );
    let mut objects = PDF_PAGE.to_vec();
    objects.push("<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream");
    assert_eq!(check(&pdf(&objects)), Err(DocumentError::Attachments));
    // A link to a web page is no script.
    assert!(
        check(&page_with("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (https://example.jp) >> >>"))
            .is_ok()
    );
}

#[test]
fn a_damaged_pdf_is_refused() {
    let good = pdf(&PDF_PAGE);
    let broken = |bytes: &[u8]| pdf_problem(bytes).map(|p| matches!(p, PdfProblem::Broken(_)));
    // Cut short: no end marker.
    assert_eq!(broken(&good[..good.len() - 10]), Some(true));
    // No catalog, no pages.
    let mut no_catalog = PDF_PAGE.to_vec();
    no_catalog[0] = "<< /Pages 2 0 R >>";
    assert_eq!(pdf_problem(&pdf(&no_catalog)), Some(PdfProblem::Broken("no document catalog")));
    let mut no_pages = PDF_PAGE.to_vec();
    no_pages[1] = "<< /Type /Pages /Kids [] /Count 0 >>";
    assert_eq!(pdf_problem(&pdf(&no_pages)), Some(PdfProblem::Broken("no pages")));
    // The index pointing elsewhere.
    let text = String::from_utf8_lossy(&good).into_owned();
    let at = text.rfind("startxref\n").unwrap() + "startxref\n".len();
    let moved = format!("{}{}\n%%EOF\n", &text[..at], 20);
    assert_eq!(broken(moved.as_bytes()), Some(true));
    let past = format!("{}{}\n%%EOF\n", &text[..at], good.len() + 5);
    assert_eq!(broken(past.as_bytes()), Some(true));
    // Something that is not an object between objects; an object never ended; a string never closed.
    let junk = text.replacen("2 0 obj", "junk 2 0 obj", 1);
    assert_eq!(broken(junk.as_bytes()), Some(true));
    let unended = text.replacen("endobj\n2 0 obj", "\n2 0 obj", 1);
    assert_eq!(broken(unended.as_bytes()), Some(true));
    assert_eq!(
        check(&page_with("<< /Type /Catalog /Pages 2 0 R /Title (never closed >>")),
        Err(DocumentError::BrokenPdf)
    );
    // Nested deeper than any reader goes.
    let deep = format!("<< /Type /Catalog /Pages 2 0 R /X {}{} >>", "[".repeat(200), "]".repeat(200));
    assert_eq!(check(&page_with(&deep)), Err(DocumentError::BrokenPdf));
    // A header without its version; no header.
    assert_eq!(broken(&text.replacen("%PDF-1.7", "%PDF-x.7", 1).into_bytes()), Some(true));
    assert_eq!(check(b"%PDF"), Err(DocumentError::Kind("an unknown format")));
}

#[test]
fn a_stream_whose_length_is_wrong_is_read_to_its_end() {
    let mut objects = PDF_PAGE.to_vec();
    objects[3] = "<< /Length 5 0 R >>\nstream\nBT /F1 24 Tf 72 720 Td (Certificate) Tj ET\nendstream";
    assert!(check(&pdf(&objects)).is_ok());
    objects[3] = "<< /Length 3 >>\nstream\nBT /F1 24 Tf 72 720 Td (Certificate) Tj ET\nendstream";
    assert!(check(&pdf(&objects)).is_ok());
    objects[3] = "<< /Length 3 >>\nstream\nBT /F1 24 Tf 72 720 Td (Certificate) Tj ET\n";
    assert_eq!(check(&pdf(&objects)), Err(DocumentError::BrokenPdf));
}

/// Deflated bytes, as a PDF writer's /FlateDecode.
fn flate(parts: &[&[u8]], padding: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for p in parts {
        z.write_all(p).unwrap();
    }
    let spaces = vec![b' '; 1 << 20];
    let mut left = padding;
    while left > 0 {
        let n = left.min(spaces.len());
        z.write_all(&spaces[..n]).unwrap();
        left -= n;
    }
    z.finish().unwrap()
}

/// The header of an object stream holding object 1 alone.
const OBJSTM_HEADER: &str = "1 0 ";

/// A PDF whose catalog (object 1) lives only in object streams: each `(entries, data)` is one stream's
/// dictionary entries besides its type, count, start and length, and its data as stored.
fn object_streams_pdf(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let bodies: Vec<Vec<u8>> = streams
        .iter()
        .map(|(entries, data)| {
            let mut stream = format!(
                "<< /Type /ObjStm /N 1 /First {} {entries} /Length {} >>\nstream\n",
                OBJSTM_HEADER.len(),
                data.len()
            )
            .into_bytes();
            stream.extend_from_slice(data);
            stream.extend_from_slice(b"\nendstream");
            stream
        })
        .collect();
    let mut objects: Vec<&[u8]> = vec![
        b"<< /Kids [] /Count 0 /Parent 2 0 R >>",
        PDF_PAGE[1].as_bytes(),
        PDF_PAGE[2].as_bytes(),
        PDF_PAGE[3].as_bytes(),
    ];
    objects.extend(bodies.iter().map(Vec::as_slice));
    pdf_of_bytes(&objects, "")
}

/// A PDF whose catalog (object 1) lives only in a compressed object stream (object 5) holding `inner`
/// followed by `padding` spaces.
fn object_stream_pdf(inner: &str, padding: usize) -> Vec<u8> {
    let data = flate(&[OBJSTM_HEADER.as_bytes(), inner.as_bytes()], padding);
    object_streams_pdf(&[("/Filter /FlateDecode", data)])
}

#[test]
fn an_object_stream_is_read_within_a_budget() {
    let catalog = "<< /Type /Catalog /Pages 2 0 R >>";
    let small = object_stream_pdf(catalog, 0);
    assert_eq!(pdf_problem(&small), None, "{:?}", pdf_problem(&small));
    let scripted = object_stream_pdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>", 0);
    assert_eq!(pdf_problem(&scripted), Some(PdfProblem::Scripted));
    // A small file that inflates past the budget (a decompression bomb) is refused, not inflated.
    let bomb = object_stream_pdf(catalog, MAX_INFLATED_BYTES);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    assert!(matches!(pdf_problem(&bomb), Some(PdfProblem::Broken(_))));
}

#[test]
fn images_are_decoded_whole_within_bounds() {
    let jpg = jpeg(640, 480, 0);
    assert_eq!(check(&jpg).map(|i| (i.kind, i.pixels)), Ok((DocumentKind::Jpeg, Some((640, 480)))));
    let p = png(300, 200);
    assert_eq!(check(&p).map(|i| (i.kind, i.pixels, i.pages)), Ok((DocumentKind::Png, Some((300, 200)), 1)));
    // Cut short; a damaged checksum.
    assert_eq!(check(&p[..p.len() - 20]), Err(DocumentError::BrokenImage("PNG")));
    let mut crc = p.clone();
    let idat = crc.windows(4).position(|w| w == b"IDAT").unwrap();
    crc[idat + 6] ^= 0xFF;
    assert_eq!(check(&crc), Err(DocumentError::BrokenImage("PNG")));
    assert_eq!(check(&jpg[..jpg.len() - 2]), Err(DocumentError::BrokenImage("JPEG")));
    // A header claiming more pixels than any scan has is refused before decoding.
    let mut huge = p.clone();
    huge[16..24].copy_from_slice(&[0, 0, 0x4E, 0x21, 0, 0, 0x4E, 0x21]);
    assert!(matches!(
        check(&huge),
        Err(DocumentError::ImageDimensions { width: 20_001, .. } | DocumentError::BrokenImage(_))
    ));
    assert_eq!(within_bounds(20_000, 2_000), Ok((20_000, 2_000)));
    assert!(within_bounds(20_001, 10).is_err() && within_bounds(10, 20_001).is_err());
    assert!(within_bounds(8_000, 5_000).is_ok() && within_bounds(8_000, 5_001).is_err());
    assert!(within_bounds(0, 10).is_err() && within_bounds(10, 0).is_err());
}

#[test]
fn a_file_is_known_by_its_content_and_its_name_must_agree() {
    let jpg = jpeg(640, 480, 0);
    assert_eq!(
        check_document(&jpg, Some("passport.pdf"), MAX_TOTAL_BYTES),
        Err(DocumentError::NameDiffers { named: "PDF", content: "JPEG" })
    );
    assert!(check_document(&jpg, Some("passport.JPEG"), MAX_TOTAL_BYTES).is_ok());
    assert!(check_document(&jpg, Some("scan"), MAX_TOTAL_BYTES).is_ok());
    // Another extension says nothing we know: the content decides.
    assert!(check_document(&jpg, Some("scan.jfif"), MAX_TOTAL_BYTES).is_ok());
    assert_eq!(check(b"PK\x03\x04word"), Err(DocumentError::Kind("ZIP / Office (Word, Excel)")));
    assert_eq!(check(b"GIF89a"), Err(DocumentError::Kind("GIF")));
    assert_eq!(check(b"II*\0"), Err(DocumentError::Kind("TIFF")));
    assert_eq!(check(b"\0\0\0\x18ftypheic"), Err(DocumentError::Kind("HEIC/MP4")));
    assert_eq!(check(&[]), Err(DocumentError::Empty));
}

#[test]
fn the_room_left_is_a_files_limit_to_the_byte() {
    let doc = pdf_of_size(10_000);
    assert_eq!(doc.len(), 10_000);
    assert!(check_document(&doc, None, 10_000).is_ok());
    assert_eq!(check_document(&doc, None, 9_999), Err(DocumentError::TooLarge { bytes: 10_000, room: 9_999 }));
}

#[test]
fn refusals_have_stable_rules_and_japanese_texts() {
    let cases = [
        (DocumentError::Empty, "document.empty", "空"),
        (DocumentError::TooLarge { bytes: 30, room: 20 }, "document.too_large", "残りは20バイト"),
        (DocumentError::Kind("GIF"), "document.kind", "GIF"),
        (DocumentError::NameDiffers { named: "PDF", content: "JPEG" }, "document.name_differs", "内容はJPEG"),
        (DocumentError::Encrypted, "document.encrypted", "パスワード"),
        (DocumentError::Scripted, "document.scripted", "JavaScript"),
        (DocumentError::Attachments, "document.attachments", "添付"),
        (DocumentError::BrokenPdf, "document.broken_pdf", "破損"),
        (DocumentError::BrokenImage("PNG"), "document.broken_image", "PNG画像"),
        (DocumentError::ImageDimensions { width: 30_000, height: 2 }, "document.image_dimensions", "横30000"),
    ];
    for (e, rule, word) in cases.clone() {
        assert_eq!(e.rule(), rule);
        assert!(e.message_ja().contains(word), "{e:?}: {}", e.message_ja());
    }
    for (e, _, _) in &cases {
        assert_eq!(refusal_rule(e.rule()), e.rule(), "every refusal reads back as its rule");
    }
    assert_eq!(refusal_rule("application.too_many_documents"), "application.too_many_documents");
    assert_eq!(refusal_rule("something.else"), "document.refused");
    assert_eq!(DocumentKind::ALL.map(DocumentKind::extension), ["pdf", "jpg", "png"]);
    assert_eq!(DocumentKind::ALL.map(DocumentKind::media_type), ["application/pdf", "image/jpeg", "image/png"]);
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = check(&bytes);
        if bytes.len() > 8 {
            bytes[..8].copy_from_slice(b"%PDF-1.7");
            let _ = check(&bytes);
        }
    }

    #[test]
    fn every_cut_of_a_pdf_is_refused(cut in 0usize..2_000) {
        let good = pdf(&PDF_PAGE);
        let cut = cut % good.len();
        // Only the final end of line may go.
        prop_assume!(cut < good.len() - 1);
        prop_assert!(check(&good[..cut]).is_err());
    }

    #[test]
    fn any_byte_changed_in_a_pdf_is_refused_or_read_never_a_panic(at in 0usize..2_000, byte in any::<u8>()) {
        for name in ["plain.pdf", "object-streams.pdf", "javascript.pdf"] {
            let mut bytes = fixture(name);
            let at = at % bytes.len();
            bytes[at] = byte;
            let _ = check(&bytes);
        }
    }
}

#[test]
fn the_limits_are_the_agency_s_and_ours_to_the_byte() {
    assert_eq!(MAX_TOTAL_BYTES, 26_214_400);
    assert_eq!(MAX_INFLATED_BYTES, 67_108_864);
    // An object stream of 2 MB, well within the budget, is read.
    let big = object_stream_pdf("<< /Type /Catalog /Pages 2 0 R >>", 2_000_000);
    assert_eq!(pdf_problem(&big), None);
}

#[test]
fn the_header_may_follow_a_little_junk_and_must_give_its_version() {
    let good = pdf(&PDF_PAGE);
    // Some writers put bytes before the header; readers look for it in the first 1,024.
    let prefixed = [b"abc".as_slice(), &good].concat();
    assert_eq!(pdf_problem(&prefixed), None);
    for bad in ["%PDF-x.7", "%PDF-1x7", "%PDF-1.x"] {
        let text = latin1(&good).replacen("%PDF-1.7", bad, 1);
        let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
        assert!(matches!(pdf_problem(&bytes), Some(PdfProblem::Broken(_))), "{bad}");
    }
}

#[test]
fn every_object_and_stream_is_framed_as_the_format_says() {
    let good = latin1(&pdf(&PDF_PAGE));
    let bytes = |t: String| -> Vec<u8> { t.chars().map(|c| c as u8).collect() };
    // The index pointing at an entry of the table, not at an object or the table.
    let entry = good.find("0000000000 65535 f").unwrap();
    let at = good.rfind("startxref\n").unwrap() + "startxref\n".len();
    let pointed = format!("{}{entry}\n%%EOF\n", &good[..at]);
    assert_eq!(
        pdf_problem(&bytes(pointed)),
        Some(PdfProblem::Broken("startxref does not point at the cross-reference"))
    );
    // An object header that is not `obj`; a word after an object's value; one after its stream.
    assert_eq!(
        pdf_problem(&bytes(good.replacen("2 0 obj", "2 0 job", 1))),
        Some(PdfProblem::Broken("something other than an object between objects"))
    );
    assert_eq!(
        pdf_problem(&bytes(good.replacen("/Count 1 >>\nendobj", "/Count 1 >>\nendobjx", 1))),
        Some(PdfProblem::Broken("an object without endobj"))
    );
    assert_eq!(
        pdf_problem(&bytes(good.replacen("endstream\nendobj", "endstream\nendobjx", 1))),
        Some(PdfProblem::Broken("an object without endobj"))
    );
}

#[test]
fn a_stream_s_data_starts_after_cr_lf_as_after_lf() {
    let lf = object_stream_pdf("<< /Type /Catalog /Pages 2 0 R >>", 0);
    let text = latin1(&lf);
    // The object stream's line (the last stream of the file) ends CR LF; its offsets in the table move by
    // one byte after it, and nothing follows but the table.
    let at = text.rfind(">>\nstream\n").unwrap();
    let crlf_last = format!("{}>>\nstream\r\n{}", &text[..at], &text[at + ">>\nstream\n".len()..]);
    let bytes: Vec<u8> = crlf_last.chars().map(|c| c as u8).collect();
    assert_eq!(pdf_problem(&bytes), None);
}

#[test]
fn each_kind_s_name_and_content_must_agree_and_odd_sizes_are_decoded() {
    let jpg = jpeg(640, 480, 0);
    let p = png(60, 40);
    assert_eq!(
        check_document(&p, Some("scan.jpg"), MAX_TOTAL_BYTES),
        Err(DocumentError::NameDiffers { named: "JPEG", content: "PNG" })
    );
    assert_eq!(
        check_document(&jpg, Some("scan.png"), MAX_TOTAL_BYTES),
        Err(DocumentError::NameDiffers { named: "PNG", content: "JPEG" })
    );
    assert!(check_document(&p, Some("scan.PNG"), MAX_TOTAL_BYTES).is_ok());
    assert_eq!(check(b"RIFF\0\0\0\0WEBPVP8 "), Err(DocumentError::Kind("WebP")));
    assert_eq!(check(b"RIFF\0\0\0\0WAVEfmt "), Err(DocumentError::Kind("an unknown format")));
    assert_eq!(check(b"XIFF\0\0\0\0WEBPVP8 "), Err(DocumentError::Kind("an unknown format")));
    // Wider than a decoder's own default limit, within ours: decoded.
    let wide = jpeg(18_000, 16, 0);
    assert_eq!(check(&wide).map(|i| i.pixels), Ok(Some((18_000, 16))));
    assert_eq!(within_bounds(2_000, 20_000), Ok((2_000, 20_000)));
}

/// Bytes as text, one character per byte (so a PDF's binary parts survive a round trip).
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

const CATALOG: &str = "<< /Type /Catalog /Pages 2 0 R >>";

#[test]
fn an_object_stream_s_encoding_is_read_or_refused() {
    let data = || flate(&[OBJSTM_HEADER.as_bytes(), CATALOG.as_bytes()], 0);
    let twice = flate(&[&data()], 0);
    // One filter, as a name or in an array of one.
    assert_eq!(pdf_problem(&object_streams_pdf(&[("/Filter [/FlateDecode]", data())])), None);
    assert_eq!(pdf_problem(&object_streams_pdf(&[("/Filter /FlateDecode /DecodeParms null", data())])), None);
    // Two filters, a predictor, another filter: not read, so refused (a script could hide in them).
    for entries in [
        "/Filter [/FlateDecode /FlateDecode]",
        "/Filter [/ASCIIHexDecode /FlateDecode]",
        "/Filter /FlateDecode /DecodeParms << /Predictor 12 >>",
        "/Filter /LZWDecode",
    ] {
        let bytes = object_streams_pdf(&[(entries, data())]);
        assert!(matches!(pdf_problem(&bytes), Some(PdfProblem::Broken(_))), "{entries}");
    }
    // Compressed twice and said so is still two filters.
    assert!(pdf_problem(&object_streams_pdf(&[("/Filter [/FlateDecode /FlateDecode]", twice)])).is_some());
    // Stored plain: read as it is.
    let plain = [OBJSTM_HEADER.as_bytes(), CATALOG.as_bytes()].concat();
    assert_eq!(pdf_problem(&object_streams_pdf(&[("", plain)])), None);
}

#[test]
fn the_inflating_budget_is_the_whole_file_s_to_the_byte() {
    let fill = MAX_INFLATED_BYTES - OBJSTM_HEADER.len() - CATALOG.len();
    let exact = flate(&[OBJSTM_HEADER.as_bytes(), CATALOG.as_bytes()], fill);
    assert_eq!(pdf_problem(&object_streams_pdf(&[("/Filter /FlateDecode", exact)])), None);
    let over = flate(&[OBJSTM_HEADER.as_bytes(), CATALOG.as_bytes()], fill + 1);
    assert!(pdf_problem(&object_streams_pdf(&[("/Filter /FlateDecode", over)])).is_some());
    // Two streams each within it, not both.
    let half = flate(&[OBJSTM_HEADER.as_bytes(), CATALOG.as_bytes()], MAX_INFLATED_BYTES / 2 + 1);
    let two = object_streams_pdf(&[("/Filter /FlateDecode", half.clone()), ("/Filter /FlateDecode", half)]);
    assert!(matches!(pdf_problem(&two), Some(PdfProblem::Broken(_))));
}

#[test]
fn a_stream_is_read_to_its_length_even_when_its_data_holds_the_word_endstream() {
    let mut objects = PDF_PAGE.to_vec();
    let data = "BT (endstream endobj) Tj ET";
    let content = format!("<< /Length {} >>\nstream\n{data}\nendstream", data.len());
    objects[3] = &content;
    assert_eq!(pdf_problem(&pdf(&objects)), None);
}

#[test]
fn values_are_read_as_the_syntax_says() {
    let ok = |catalog: &str| pdf_problem(&page_with(catalog));
    assert_eq!(ok("<< /Type /Catalog /Pages 2 0 R /A true /B false /C null /D [1 2.5 -3 +4 .5] >>"), None);
    assert_eq!(
        ok("<< /Type /Catalog /Pages 2 0 R /A maybe >>"),
        Some(PdfProblem::Broken("an unexpected word inside an object"))
    );
    assert_eq!(ok("<< /Type /Catalog /Pages 2 0 R /A > >>"), Some(PdfProblem::Broken("a delimiter out of place")));
    assert_eq!(ok("<< /Type /Catalog /Pages 2 0 R /A ) >>"), Some(PdfProblem::Broken("a delimiter out of place")));
    assert_eq!(ok("<< /Type /Catalog /Pages 2 0 R /A } >>"), Some(PdfProblem::Broken("a delimiter out of place")));
    // A literal string holds escaped and balanced parentheses; a hexadecimal one only hex digits.
    assert_eq!(ok("<< /Type /Catalog /Pages 2 0 R /Title (a\\) (b) c) >>"), None);
    assert_eq!(ok("<< /Type /Catalog /Pages 2 0 R /Title <48656C6C6F> >>"), None);
    assert!(ok("<< /Type /Catalog /Pages 2 0 R /Title <48XX> >>").is_some());
    // Names up to the standard's 127 bytes.
    let name = |n: usize| format!("<< /Type /Catalog /Pages 2 0 R /{} 1 >>", "N".repeat(n));
    assert_eq!(ok(&name(127)), None);
    assert_eq!(ok(&name(128)), Some(PdfProblem::Broken("a name too long")));
    // Nested as deep as readers go, not deeper; dictionaries count as arrays do.
    let arrays = |n: usize| format!("<< /Type /Catalog /Pages 2 0 R /X {}{} >>", "[".repeat(n), "]".repeat(n));
    assert_eq!(ok(&arrays(64)), None);
    assert_eq!(ok(&arrays(65)), Some(PdfProblem::Broken("nested too deeply")));
    let dicts = |n: usize| format!("<< /Type /Catalog /Pages 2 0 R /X {}1 {} >>", "<< /A ".repeat(n), ">> ".repeat(n));
    assert_eq!(ok(&dicts(63)), None);
    assert_eq!(ok(&dicts(100)), Some(PdfProblem::Broken("nested too deeply")));
}

#[test]
fn the_pages_are_counted_at_the_root_of_the_page_tree() {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 3 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        "<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Certificate) Tj ET\nendstream",
        "<< /Type /Pages /Parent 2 0 R /Kids [6 0 R 7 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] >>",
    ];
    assert_eq!(check(&pdf(&objects)).map(|i| i.pages), Ok(3));
}

#[test]
fn the_cross_reference_table_holds_only_its_entries() {
    let text = latin1(&pdf(&PDF_PAGE)).replacen("0000000000 65535 f", "0000000000 65535 x", 1);
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    assert_eq!(pdf_problem(&bytes), Some(PdfProblem::Broken("a damaged cross-reference table")));
}
