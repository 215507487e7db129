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
    assert_eq!((errors[1].row, errors[1].value.as_str()), (11, "ab123"));
    assert!(!errors[1].message_ja.is_empty());
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

// ---------------------------------------------------------------------------------------------------------
// Files as other programs write them: built cell by cell with rust_xlsxwriter, not by the template code.

/// A workbook shaped like the template, written directly: the `meta` sheet, the header rows named by
/// `header_rows` (0 Japanese, 1 English, 2 today's rules, 3 the first template's rules), then `cells`
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
            let text = match which {
                0 => col.ja.clone(),
                1 => col.en.clone(),
                3 => zairyu_blanket::template::earlier_rule(col.kind)
                    .map(str::to_owned)
                    .unwrap_or_else(|| zairyu_blanket::template::rule(col.kind)),
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
}

#[test]
fn the_template_writes_periods_and_dates_the_way_japanese_forms_do() {
    let rules: Vec<String> = columns().iter().map(|c| zairyu_blanket::template::rule(c.kind)).collect();
    assert!(rules.iter().any(|r| r.contains("1年6月")), "{rules:?}");
    assert!(rules.iter().any(|r| r.contains("平成7年2月18日")), "{rules:?}");
    assert!(!rules.iter().any(|r| r.starts_with("例 1Y")), "{rules:?}");
}
