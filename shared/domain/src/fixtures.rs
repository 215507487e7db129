//! Valid example inputs for tests across the workspace (enabled by the `fixtures` feature).

use crate::error::Text;
use crate::form::{ApplicationInput, Flag, RelativeInput, Sex};
use crate::jst::JstDate;
use crate::organization::ForeignNational;
use crate::period::PeriodOfStay;
use crate::status_of_residence::StatusOfResidence;
use crate::values::{NameOnCard, ResidenceCardNumber};

/// A complete, valid application for NGUYEN,VAN,AN (Engineer/Specialist in Humanities/International
/// Services, 1 year, expiring 2027-01-20): inside the filing window from 2026-10-20 to 2027-01-19.
pub fn application_input() -> ApplicationInput {
    ApplicationInput {
        procedure: "extension".into(),
        procedures: vec!["extension".into()],
        nationality: "Viet Nam".into(),
        birth_date: "19950412".into(),
        name: "NGUYEN,VAN,AN".into(),
        sex: "男".into(),
        married: Flag::Text("無".into()),
        occupation: "Software engineer".into(),
        home_country_address: "12 Tran Hung Dao, Hoan Kiem, Ha Noi".into(),
        postcode: "100-0013".into(),
        prefecture: "東京都".into(),
        city: "千代田区".into(),
        street: "霞が関1-1-1".into(),
        telephone: String::new(),
        mobile: "090-1234-5678".into(),
        email: "an.nguyen@example.com".into(),
        passport_number: "C1234567".into(),
        passport_expiry: "20300101".into(),
        status_of_residence: "技術・人文知識・国際業務".into(),
        period_of_stay: "1Y".into(),
        expiry_date: "20270120".into(),
        residence_card_number: "AB12345678CD".into(),
        desired_status_of_residence: String::new(),
        desired_period_of_stay: "3Y".into(),
        reason: "Continuing employment with Sakura Systems K.K.".into(),
        criminal_record: Flag::Bool(false),
        criminal_record_details: String::new(),
        relatives_in_japan: Flag::Bool(false),
        relatives: Vec::<RelativeInput>::new(),
        receipt_method: "post".into(),
        receiving_office: "tokyo".into(),
        notice_email: "an.nguyen@example.com".into(),
        kanji_name_petition: Flag::Bool(false),
        in_japan: Flag::Bool(true),
        applicant_requested: Flag::Bool(true),
        work_activity: String::new(),
        work_from: String::new(),
        work_until: String::new(),
        entry_date: String::new(),
        port_of_entry: String::new(),
        companions: String::new(),
        visa_post: String::new(),
        past_entries: String::new(),
        acquisition_cause: String::new(),
        acquisition_date: String::new(),
    }
}

/// Sakura Systems K.K. asks a certificate of eligibility for TRAN,THI,BINH, abroad in Ha Noi, to come as an
/// engineer in the spring: no card, no stay, not in Japan; known by her passport; the certificate e-mailed.
pub fn eligibility_input() -> ApplicationInput {
    ApplicationInput {
        procedure: "certificate_of_eligibility".into(),
        procedures: Vec::new(),
        name: "TRAN,THI,BINH".into(),
        birth_date: "19980705".into(),
        sex: "女".into(),
        passport_number: "C7654321".into(),
        email: "binh.tran@example.com".into(),
        notice_email: "binh.tran@example.com".into(),
        occupation: "Software engineer".into(),
        home_country_address: "45 Le Loi, Hoan Kiem, Ha Noi".into(),
        status_of_residence: String::new(),
        period_of_stay: String::new(),
        expiry_date: String::new(),
        residence_card_number: String::new(),
        in_japan: Flag::default(),
        kanji_name_petition: Flag::default(),
        desired_status_of_residence: "engineer_humanities_international".into(),
        desired_period_of_stay: "1Y".into(),
        reason: "To work as a software engineer at Sakura Systems K.K.".into(),
        work_activity: "Software development at Sakura Systems K.K. (Chiyoda, Tokyo)".into(),
        entry_date: "2027-04-01".into(),
        port_of_entry: "Narita Airport".into(),
        visa_post: "Embassy of Japan in Viet Nam".into(),
        receipt_method: "email".into(),
        ..application_input()
    }
}

/// NGUYEN,VAN,AN asks for a certificate of authorized employment: the work at a new employer, from the new
/// year to the end of the period of stay, for the employer to see.
pub fn work_certificate_input() -> ApplicationInput {
    ApplicationInput {
        procedure: "work_certificate".into(),
        married: Flag::default(),
        occupation: String::new(),
        home_country_address: String::new(),
        desired_period_of_stay: String::new(),
        criminal_record: Flag::default(),
        relatives_in_japan: Flag::default(),
        kanji_name_petition: Flag::default(),
        reason: "To show the new employer the work the stay allows".into(),
        work_activity: "System development at Sakura Systems K.K. (Chiyoda, Tokyo)".into(),
        work_from: "2027-01-04".into(),
        work_until: "2027-01-20".into(),
        ..application_input()
    }
}

/// NGUYEN,VAN,AN's daughter, born in Tokyo on 2026-11-10, asks for a first status (Dependent) within thirty
/// days of her birth: no card yet, on no list; known by the passport her embassy issued.
pub fn acquisition_input() -> ApplicationInput {
    ApplicationInput {
        procedure: "acquisition".into(),
        name: "NGUYEN,THI,MAI".into(),
        birth_date: "20261110".into(),
        sex: "女".into(),
        passport_number: "C9876543".into(),
        occupation: "None (infant)".into(),
        status_of_residence: String::new(),
        period_of_stay: String::new(),
        expiry_date: String::new(),
        residence_card_number: String::new(),
        desired_status_of_residence: "dependent".into(),
        desired_period_of_stay: "1Y".into(),
        reason: "Born in Japan to NGUYEN,VAN,AN, who stays as an engineer".into(),
        acquisition_cause: "birth".into(),
        acquisition_date: "2026-11-10".into(),
        notice_email: "an.nguyen@example.com".into(),
        ..application_input()
    }
}

/// The List of Affiliated Foreign Nationals entry of NGUYEN,VAN,AN as the residence card shows it, written
/// out on its own (not copied from a form), so that a test edits the form and the list independently and
/// catches a rule that reads the wrong one. It matches [`application_input`] field by field.
pub fn list_entry() -> ForeignNational {
    fn ok<T, E>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|_| unreachable!("the fixture's values are valid"))
    }
    ForeignNational {
        card_number: ok(ResidenceCardNumber::parse("AB12345678CD")),
        name: ok(NameOnCard::parse("NGUYEN,VAN,AN")),
        nationality: ok(Text::parse("VIET NAM")),
        birth_date: ok(JstDate::parse("1995-04-12")),
        sex: Sex::Male,
        status: StatusOfResidence::EngineerHumanitiesInternational,
        period_of_stay: ok(PeriodOfStay::parse("1年")),
        expiry: ok(JstDate::parse("2027-01-20")),
        passport_number: None,
        passport_expiry: None,
        email: None,
        kanji_name_on_card: false,
    }
}

/// A valid relative in Japan.
pub fn relative_input() -> RelativeInput {
    RelativeInput {
        relationship: "Spouse".into(),
        name: "TRAN,THI,BINH".into(),
        birth_date: "1996-03-02".into(),
        nationality: "Viet Nam".into(),
        living_together: Flag::Text("有".into()),
        workplace_or_school: String::new(),
        residence_card_number: "CD87654321EF".into(),
    }
}

/// A real baseline JPEG of the given size that any decoder shows as a flat grey picture (one grey component,
/// every 8 × 8 block coded as "no change, end of block"), with `pad` bytes of comment so tests can reach a
/// file size. It decodes whole, so it is what a photo check that decodes expects.
pub fn jpeg(width: u16, height: u16, pad: usize) -> Vec<u8> {
    let segment = |v: &mut Vec<u8>, marker: u8, body: &[u8]| {
        let len = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
        v.extend_from_slice(&[0xFF, marker]);
        v.extend_from_slice(&len.to_be_bytes());
        v.extend_from_slice(body);
    };
    let mut v = vec![0xFF, 0xD8];
    segment(&mut v, 0xE0, &[b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    let mut remaining = pad;
    while remaining > 0 {
        let chunk = remaining.min(60_000);
        segment(&mut v, 0xFE, &vec![b'x'; chunk]);
        remaining -= chunk;
    }
    // One quantisation table of ones.
    segment(&mut v, 0xDB, &[[0u8].as_slice(), &[1; 64]].concat());
    // Baseline frame: 8-bit, the size, one component (id 1, 1 × 1 sampling, table 0).
    let mut sof = vec![8];
    sof.extend_from_slice(&height.to_be_bytes());
    sof.extend_from_slice(&width.to_be_bytes());
    sof.extend_from_slice(&[1, 1, 0x11, 0]);
    segment(&mut v, 0xC0, &sof);
    // DC and AC tables with a single one-bit code "0": DC difference category 0, AC end of block.
    for class in [0x00, 0x10] {
        let mut dht = vec![class, 1];
        dht.extend_from_slice(&[0; 15]);
        dht.push(0);
        segment(&mut v, 0xC4, &dht);
    }
    segment(&mut v, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
    // Two zero bits per block; the last byte is padded with ones as the standard asks.
    let blocks = usize::from(width).div_ceil(8) * usize::from(height).div_ceil(8);
    let bits = 2 * blocks;
    v.extend(std::iter::repeat_n(0u8, bits / 8));
    if bits % 8 != 0 {
        v.push(0xFF >> (bits % 8));
    }
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

/// A PDF of the `objects` given (numbered from 1, the first the catalog), with its cross-reference table
/// and trailer written as a PDF writer writes them (offsets exact).
pub fn pdf(objects: &[&str]) -> Vec<u8> {
    pdf_with_trailer(objects, "")
}

/// [`pdf`] with more entries in the trailer dictionary (e.g. `/Encrypt 9 0 R`).
pub fn pdf_with_trailer(objects: &[&str], trailer: &str) -> Vec<u8> {
    let objects: Vec<&[u8]> = objects.iter().map(|o| o.as_bytes()).collect();
    pdf_of_bytes(&objects, trailer)
}

/// [`pdf_with_trailer`] of objects that are bytes (a compressed stream's data is no text).
pub fn pdf_of_bytes(objects: &[&[u8]], trailer: &str) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(v.len());
        v.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        v.extend_from_slice(body);
        v.extend_from_slice(b"\nendobj\n");
    }
    let xref = v.len();
    v.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        v.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    v.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    v
}

/// The objects of a one-page PDF (catalog, page tree, page, its content).
pub const PDF_PAGE: [&str; 4] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    "<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Certificate) Tj ET\nendstream",
];

/// A valid one-page PDF of exactly `bytes` bytes (at least ~600): the rest is an unused stream of padding.
pub fn pdf_of_size(bytes: usize) -> Vec<u8> {
    let build = |pad: usize| {
        let padding = format!("<< /Length {pad} >>\nstream\n{}\nendstream", "x".repeat(pad));
        let mut objects = PDF_PAGE.to_vec();
        objects.push(&padding);
        pdf(&objects)
    };
    // The length's digits change the size too: settle in two steps.
    let base = build(0).len();
    let mut pad = bytes.saturating_sub(base);
    for _ in 0..3 {
        let got = build(pad).len();
        pad = (pad + bytes).saturating_sub(got);
    }
    build(pad)
}

/// A PNG of `width` × `height` grey-blue pixels.
pub fn png(width: usize, height: usize) -> Vec<u8> {
    use zune_core::bit_depth::BitDepth;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::EncoderOptions;
    let pixels: Vec<u8> = (0..width * height).flat_map(|i| [100, 120, (i % 256) as u8]).collect();
    let mut out = Vec::new();
    let options = EncoderOptions::new(width, height, ColorSpace::RGB, BitDepth::Eight);
    match zune_png::PngEncoder::new(&pixels, options).encode(&mut out) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
