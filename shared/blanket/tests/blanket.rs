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
    assert_eq!(read(&bytes).unwrap_err(), FileError::TooManyRows(301));
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
