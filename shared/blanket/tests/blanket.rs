//! The template and the reader: round trip, 300 and 301 rows, row errors with their cells, and every kind
//! of file refused whole (Q40–Q42).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;

use zairyu_blanket::columns::{columns, input_cells, letters};
use zairyu_blanket::template::workbook;
use zairyu_blanket::{FileError, read, row_errors, template};
use zairyu_domain::fixtures::application_input;
use zairyu_domain::form::ApplicationForm;
use zairyu_domain::jst::JstDate;
use zairyu_domain::status_of_residence::ScreenGroup;

fn today() -> JstDate {
    JstDate::parse("2026-11-27").unwrap()
}

fn valid_rows(n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let mut input = application_input();
            input.residence_card_number = format!("AB{:08}CD", i);
            input_cells(&input)
        })
        .collect()
}

#[test]
fn q40_q41_the_template_round_trips_through_calamine() {
    for group in ScreenGroup::ALL {
        let bytes = template(group).unwrap();
        assert_eq!(read(&bytes).unwrap_err(), FileError::Empty, "{group:?}");
    }
}

#[test]
fn q41_three_hundred_valid_rows_read_and_parse() {
    let bytes = workbook(ScreenGroup::Work, &valid_rows(300)).unwrap();
    let blanket = read(&bytes).unwrap();
    assert_eq!(blanket.screen_group, ScreenGroup::Work);
    assert_eq!(blanket.rows.len(), 300);
    assert_eq!(blanket.rows[0].number, 4);
    for row in &blanket.rows {
        ApplicationForm::parse(&row.input, today()).unwrap_or_else(|v| panic!("row {}: {v:?}", row.number));
    }
    assert_eq!(blanket.rows[299].input.residence_card_number, "AB00000299CD");
}

#[test]
fn q41_three_hundred_and_one_rows_are_refused_whole() {
    let bytes = workbook(ScreenGroup::Work, &valid_rows(301)).unwrap();
    assert_eq!(read(&bytes).unwrap_err(), FileError::PastLastRow(304));
}

#[test]
fn q42_bad_rows_give_exactly_their_errors_with_sheet_row_column_and_value() {
    let mut rows = valid_rows(10);
    let name_col = columns().iter().position(|c| c.field == "name").unwrap();
    let card_col = columns().iter().position(|c| c.field == "residence_card_number").unwrap();
    rows[2][name_col] = "Nguyen Van An".into();
    rows[7][card_col] = "ab123".into();
    let blanket = read(&workbook(ScreenGroup::Work, &rows).unwrap()).unwrap();
    let mut errors = Vec::new();
    for row in &blanket.rows {
        if let Err(v) = ApplicationForm::parse(&row.input, today()) {
            errors.extend(row_errors(row, &v.0));
        }
    }
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        (errors[0].row, errors[0].column.as_str(), errors[0].value.as_str()),
        (6, letters(name_col).as_str(), "Nguyen Van An")
    );
    assert_eq!(errors[0].rule, "name_on_card.lowercase");
    assert!(errors[0].sheet.contains("申請"));
    assert_eq!(
        (errors[0].header_ja.as_str(), errors[0].header_en.as_str()),
        ("氏名（在留カードのとおり）", "Name (as on the residence card)")
    );
    assert_eq!((errors[1].row, errors[1].value.as_str()), (11, "ab123"));
    assert!(!errors[1].message_ja.is_empty());
}

/// #32 item 11: a wrong answer in the activity column (B) is reported at B with its value, not at the re-entry
/// column (A); the message lists the template's own words for the answers.
#[test]
fn a_wrong_answer_is_reported_at_its_own_cell_in_the_template_s_words() {
    let mut rows = valid_rows(3);
    let col = |key: &str| columns().iter().position(|c| c.field == key).unwrap();
    rows[2][col("activity_outside_status")] = "たぶん".into();
    rows[1][col("re_entry")] = "二回".into();
    let blanket = read(&workbook(ScreenGroup::Work, &rows).unwrap()).unwrap();
    let mut errors = Vec::new();
    for row in &blanket.rows {
        if let Err(v) = ApplicationForm::parse(&row.input, today()) {
            errors.extend(row_errors(row, &v.0));
        }
    }
    let cells: Vec<_> = errors.iter().map(|e| (e.row, e.column.clone(), e.value.clone())).collect();
    assert_eq!(
        cells,
        [
            (5, letters(col("re_entry")), "二回".to_owned()),
            (6, letters(col("activity_outside_status")), "たぶん".to_owned())
        ]
    );
    assert!(errors[1].message_ja.contains("「有」か「無」"), "{}", errors[1].message_ja);
    assert!(errors[0].message_ja.contains("「なし」か「一回限り」か「数次」"), "{}", errors[0].message_ja);
    assert!(errors[1].message_en.ends_with("choose 有 or 無."), "{}", errors[1].message_en);
}

#[test]
fn q40_a_status_of_another_input_screen_refuses_the_file() {
    let mut rows = valid_rows(3);
    let status_col = columns().iter().position(|c| c.field == "status_of_residence").unwrap();
    rows[1][status_col] = "留学".into();
    let err = read(&workbook(ScreenGroup::Work, &rows).unwrap()).unwrap_err();
    assert_eq!(err, FileError::MixedScreenGroups { row: 5, status: "留学".into() });
}

#[test]
fn files_that_are_not_the_template_are_refused_with_clear_errors() {
    assert_eq!(read(b"name,card\nNGUYEN,AB12345678CD\n").unwrap_err(), FileError::NotXlsx);
    let mut corrupt = b"PK\x03\x04".to_vec();
    corrupt.extend(std::iter::repeat_n(7u8, 500));
    assert!(matches!(read(&corrupt).unwrap_err(), FileError::NotXlsx | FileError::Corrupt(_)));
    let mut empty = rust_xlsxwriter::Workbook::new();
    empty.add_worksheet();
    assert_eq!(read(&empty.save_to_buffer().unwrap()).unwrap_err(), FileError::NotOurTemplate);
    assert_eq!(read(&vec![0u8; 6 * 1024 * 1024]).unwrap_err(), FileError::TooLarge);
}

#[test]
fn a_zip_bomb_is_refused_before_anything_parses_it() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..60 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
    }
    let bytes = buf.into_inner();
    assert!(bytes.len() < 1024 * 1024, "small on disk");
    assert_eq!(read(&bytes).unwrap_err(), FileError::ZipBomb);
}

/// A workbook saved with a password, and the template saved by LibreOffice as .ods, each say what they are
/// and how to save the file so it is read (#32 item 11), not "not an Excel workbook".
#[test]
fn a_password_protected_workbook_and_an_ods_say_what_they_are() {
    use zairyu_domain::error::Localized;
    // Office's encrypted package: an OLE compound file whose directory names the `EncryptedPackage` stream.
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend(vec![0u8; 1000]);
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    encrypted.extend(vec![0u8; 1000]);
    let refused = read(&encrypted).unwrap_err();
    assert_eq!(refused, FileError::Encrypted);
    assert!(refused.to_string().contains("password") && refused.message_ja().contains("パスワード"));
    // An old .xls is an OLE file too, without the stream: not an Excel workbook (.xlsx).
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend(vec![0u8; 2000]);
    assert_eq!(read(&xls).unwrap_err(), FileError::NotXlsx);

    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("mimetype", stored).unwrap();
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        z.start_file("content.xml", stored).unwrap();
        z.write_all(b"<office:document-content/>").unwrap();
        z.finish().unwrap();
    }
    let refused = read(&buf.into_inner()).unwrap_err();
    assert_eq!(refused, FileError::OpenDocument);
    assert!(refused.to_string().contains(".xlsx") && refused.message_ja().contains(".xlsx"));
}

// ---------------------------------------------------------------------------------------------------------
// Files as other programs write them: built cell by cell with rust_xlsxwriter, not by the template code.

/// A workbook shaped like the template, written directly: the `meta` sheet, the header rows named by
/// `header_rows` (0 Japanese, 1 English, 2 the rules without required marks, 3 the first template's rules,
/// 4 today's rules row with its marks, 5 and 6 the Japanese and English rows of templates before version 3),
/// then `cells`
/// (0-based row, column, value) on the data sheet.
fn hand_made(header_rows: &[usize], cells: &[(u32, u16, Cell)]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let data = wb.add_worksheet();
    data.set_name(zairyu_blanket::template::DATA_SHEET).unwrap();
    let cols = columns();
    let date = Format::new().set_num_format("yyyy/mm/dd");
    for (r, which) in header_rows.iter().enumerate() {
        for (c, col) in cols.iter().enumerate() {
            let text =
                match which {
                    0 => col.ja.clone(),
                    1 => col.en.clone(),
                    3 => zairyu_blanket::template::earlier_rule(col.kind)
                        .map(str::to_owned)
                        .unwrap_or_else(|| zairyu_blanket::template::rule(col.kind)),
                    4 => zairyu_blanket::template::rules_row_text(col),
                    5 => zairyu_blanket::template::earlier_header(&col.field)
                        .map_or_else(|| col.ja.clone(), |h| h.0.into()),
                    6 => zairyu_blanket::template::earlier_header(&col.field)
                        .map_or_else(|| col.en.clone(), |h| h.1.into()),
                    _ => zairyu_blanket::template::rule(col.kind),
                };
            data.write_string(r as u32, c as u16, text).unwrap();
        }
    }
    for (r, c, v) in cells {
        match v {
            Cell::Text(t) => data.write_string(*r, *c, t.as_str()).unwrap(),
            Cell::Date(y, m, d) => {
                let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                data.write_datetime_with_format(*r, *c, &dt, &date).unwrap()
            }
            Cell::Number(n) => data.write_number(*r, *c, *n).unwrap(),
        };
    }
    let meta = wb.add_worksheet();
    meta.set_name(zairyu_blanket::template::META_SHEET).unwrap();
    meta.write_string(0, 0, "procedure").unwrap();
    meta.write_string(0, 1, "extension").unwrap();
    meta.write_string(1, 0, "screen_group").unwrap();
    meta.write_string(1, 1, ScreenGroup::Work.code()).unwrap();
    wb.save_to_buffer().unwrap()
}

enum Cell {
    Text(String),
    Date(u16, u8, u8),
    Number(f64),
}

/// One valid applicant on `row` (0-based), every cell as text.
fn applicant(row: u32) -> Vec<(u32, u16, Cell)> {
    valid_rows(1)[0].iter().enumerate().map(|(c, v)| (row, c as u16, Cell::Text(v.clone()))).collect()
}

#[test]
fn a_stray_value_in_the_last_cell_of_the_sheet_is_refused_at_once() {
    let mut cells = applicant(3);
    cells.push((1_048_575, 16_383, Cell::Text("x".into())));
    let bytes = hand_made(&[0, 1, 2], &cells);
    assert!(bytes.len() < 20_000, "a small file: {}", bytes.len());
    // (Before, the reader asked for the 550 GB range the cell implies and the process aborted.)
    assert_eq!(read(&bytes).unwrap_err(), FileError::OutsideColumns("XFD1048576".into(), letters(columns().len() - 1)));

    // Within the columns, far down: past the template's last row.
    let last = columns().len() as u16 - 1;
    let mut cells = applicant(3);
    cells.push((1_048_575, last, Cell::Text("x".into())));
    assert_eq!(read(&hand_made(&[0, 1, 2], &cells)).unwrap_err(), FileError::PastLastRow(1_048_576));

    // Row 304, the first after the template's 300 applicants.
    let mut cells = applicant(3);
    cells.extend(applicant(303));
    assert_eq!(read(&hand_made(&[0, 1, 2], &cells)).unwrap_err(), FileError::PastLastRow(304));
    // Row 303 is the last one allowed.
    let mut cells = applicant(3);
    cells.extend(applicant(302).into_iter().map(|(r, c, v)| match (c, v) {
        (c, Cell::Text(t)) if columns()[c as usize].field == "residence_card_number" => {
            (r, c, Cell::Text(t.replace("00000000", "00000302")))
        }
        (c, v) => (r, c, v),
    }));
    let blanket = read(&hand_made(&[0, 1, 2], &cells)).unwrap();
    assert_eq!(blanket.rows.iter().map(|r| r.number).collect::<Vec<_>>(), vec![4, 303]);
}

#[test]
fn a_file_whose_rules_row_was_deleted_is_refused_whole_naming_the_row() {
    // Rows shifted up by one: the first applicant sits where the rules were.
    let mut cells = applicant(2);
    cells.extend(applicant(3));
    let err = read(&hand_made(&[0, 1], &cells)).unwrap_err();
    assert_eq!(err, FileError::HeaderChanged(3));
    assert!(err.to_string().contains("row 3") && zairyu_domain::error::Localized::message_ja(&err).contains("3行目"));
    // The English header row changed.
    let err = read(&hand_made(&[0, 0, 2], &applicant(3))).unwrap_err();
    assert_eq!(err, FileError::HeaderChanged(2));
}

#[test]
fn dates_typed_as_excel_dates_are_read_as_the_user_sees_them() {
    let birth = columns().iter().position(|c| c.field == "birth_date").unwrap() as u16;
    let mut cells: Vec<_> = applicant(3).into_iter().filter(|(_, c, _)| *c != birth).collect();
    cells.push((3, birth, Cell::Date(1995, 2, 18)));
    let blanket = read(&hand_made(&[0, 1, 2], &cells)).unwrap();
    let birth_cell = &blanket.rows[0].cells[birth as usize];
    assert_eq!(birth_cell, "1995/02/18", "never the serial number 34748");
    // And the row is a valid application: the date parser reads the date as it is shown.
    let form = ApplicationForm::parse(&blanket.rows[0].input, today()).unwrap();
    assert_eq!(form.birth_date, JstDate::parse("1995-02-18").unwrap());
    // A plain number where a date belongs is shown as typed.
    let mut cells: Vec<_> = applicant(3).into_iter().filter(|(_, c, _)| *c != birth).collect();
    cells.push((3, birth, Cell::Number(34748.0)));
    assert_eq!(read(&hand_made(&[0, 1, 2], &cells)).unwrap().rows[0].cells[birth as usize], "34748");
}

#[test]
fn a_file_made_from_the_first_template_is_still_read() {
    // The first templates stated dates as YYYYMMDD and periods as 1Y, 6M, 90D in the rules row (row kind 3).
    assert_eq!(read(&hand_made(&[0, 1, 3], &applicant(3))).unwrap().rows.len(), 1);
    assert_eq!(read(&hand_made(&[0, 1, 2], &applicant(3))).unwrap().rows.len(), 1);
    assert_eq!(read(&hand_made(&[0, 1, 4], &applicant(3))).unwrap().rows.len(), 1);
    // Templates before version 3 named the street and the relatives' question otherwise.
    assert_eq!(read(&hand_made(&[5, 6, 4], &applicant(3))).unwrap().rows.len(), 1);
    assert_eq!(read(&hand_made(&[5, 6, 3], &applicant(3))).unwrap().rows.len(), 1);
    // An earlier label in the other language's row is still a changed header.
    assert_eq!(read(&hand_made(&[0, 5, 4], &applicant(3))).unwrap_err(), FileError::HeaderChanged(2));
}

/// The parts of an xlsx file, by name, as text.
fn parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        if f.read_to_string(&mut text).is_ok() {
            out.insert(name, text);
        }
    }
    out
}

/// #14 item 5: the template explains itself — read back by a general-purpose reader (calamine) and from
/// its XML: the instructions come first (Japanese and English, every column), required columns are marked
/// in the rules row, every applicant column has an input message with its rule, every closed list is a
/// dropdown (prefectures included), the header rows are protected while the applicant cells stay open, and
/// the example sheet holds a valid applicant the reader never reads.
#[test]
fn the_template_explains_itself() {
    use calamine::{Reader, Xlsx};
    use zairyu_blanket::columns::Need;
    use zairyu_blanket::template::{DATA_SHEET, EXAMPLE_SHEET, INSTRUCTIONS_SHEET};
    let bytes = template(ScreenGroup::Work).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[..3], [INSTRUCTIONS_SHEET, DATA_SHEET, EXAMPLE_SHEET], "{names:?}");
    let visible: Vec<_> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(visible, [INSTRUCTIONS_SHEET, DATA_SHEET, EXAMPLE_SHEET]);

    let cols = columns();
    let instructions = wb.worksheet_range(INSTRUCTIONS_SHEET).unwrap();
    let text: String = instructions.rows().flatten().map(|c| c.to_string() + "\n").collect();
    for needle in [
        "4行目",
        "row 4",
        "300",
        "見出し",
        "header rows",
        "必須",
        "required",
        "平成7年2月18日",
        "1年6月",
        "5MB",
        "記入例",
    ] {
        assert!(text.contains(needle), "instructions say {needle}");
    }
    for c in cols {
        assert!(text.contains(&c.ja) && text.contains(&c.en), "instructions list {}", c.field);
    }

    let data = wb.worksheet_range(DATA_SHEET).unwrap();
    let rules: Vec<String> = (0..cols.len()).map(|c| data.get_value((2, c as u32)).unwrap().to_string()).collect();
    for (c, rule) in cols.iter().zip(&rules) {
        assert_eq!(rule.starts_with("【必須"), c.need() == Need::Required, "{}: {rule}", c.field);
    }
    assert_eq!(
        rules.iter().filter(|r| r.contains("【")).count(),
        cols.iter().filter(|c| c.need() != Need::Optional).count()
    );

    // The example: a valid applicant, on a sheet the reader never reads.
    let example = wb.worksheet_range(EXAMPLE_SHEET).unwrap();
    let cells: Vec<String> =
        (0..cols.len()).map(|c| example.get_value((3, c as u32)).map(|v| v.to_string()).unwrap_or_default()).collect();
    let form =
        ApplicationForm::parse(&zairyu_blanket::columns::row_input(&cells), JstDate::parse("2026-11-27").unwrap());
    assert!(form.is_ok(), "{form:?}");
    assert_eq!(read(&bytes).unwrap_err(), FileError::Empty, "the example row is not an applicant");

    let xml = parts(&bytes);
    let sheet = &xml["xl/worksheets/sheet2.xml"];
    assert!(sheet.contains("<sheetProtection"), "the data sheet is protected");
    assert!(!sheet.contains("deleteRows=\"0\"") && !sheet.contains("insertRows=\"0\""), "rows cannot be deleted");
    assert_eq!(sheet.matches("<dataValidation ").count(), cols.len(), "one validation per column");
    assert_eq!(sheet.matches("promptTitle=").count(), cols.len(), "an input message on every column");
    let pref = letters(cols.iter().position(|c| c.field == "prefecture").unwrap());
    let pref_validation =
        sheet.split("<dataValidation ").find(|v| v.contains(&format!("sqref=\"{pref}4:{pref}303\""))).unwrap();
    assert!(
        pref_validation.contains("type=\"list\"") && pref_validation.contains("lists!$C$1:$C$47"),
        "{pref_validation}"
    );
    // The applicant cells are open: the columns' style is unlocked.
    let styles = &xml["xl/styles.xml"];
    assert!(styles.contains("locked=\"0\""), "an unlocked style");
    assert!(sheet.contains("<cols>"), "columns carry the unlocked style");
}

/// A filled example sheet and an applicant on the data sheet: only the applicant is read; a file of the
/// version 2 template with its rows is read back whole.
#[test]
fn only_the_data_sheet_is_read() {
    let rows = valid_rows(2);
    let blanket = read(&workbook(ScreenGroup::Work, &rows).unwrap()).unwrap();
    assert_eq!(blanket.rows.len(), 2);
    assert_eq!(blanket.rows[0].number, 4);
}

#[test]
fn the_template_writes_periods_and_dates_the_way_japanese_forms_do() {
    let rules: Vec<String> = columns().iter().map(|c| zairyu_blanket::template::rule(c.kind)).collect();
    assert!(rules.iter().any(|r| r.contains("1年6月")), "{rules:?}");
    assert!(rules.iter().any(|r| r.contains("平成7年2月18日")), "{rules:?}");
    assert!(!rules.iter().any(|r| r.starts_with("例 1Y")), "{rules:?}");
}
