//! Reading a filled blanket file: whole-file checks first (size, xlsx by content, zip bomb, our template,
//! at most 300 rows, one procedure type, one input-screen group — Q40, Q41), then each row as the input of
//! single entry, so that every rule is the domain's one copy.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use zairyu_domain::blanket::{MAX_ROWS, RowError};
use zairyu_domain::choice::listed_template;
use zairyu_domain::error::{Language, Localized, Violation};
use zairyu_domain::form::ApplicationInput;
use zairyu_domain::form::field::Kind;
use zairyu_domain::status_of_residence::{ScreenGroup, StatusOfResidence};

use crate::columns::{columns_of, letters, row_input_of};
use crate::template::{DATA_SHEET, FIRST_DATA_ROW, META_SHEET, PROCEDURE};
use zairyu_domain::procedure::Procedure;

/// Largest file accepted (a full template is well under 200 KB).
pub use zairyu_domain::blanket::MAX_FILE_BYTES;
/// Largest total the file may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than 5 MB")]
    TooLarge,
    #[error("the file is not an Excel workbook (.xlsx); use the template from the menu")]
    NotXlsx,
    #[error(
        "the workbook is protected by a password, which keeps it from being read: open it, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it) and save it as .xlsx"
    )]
    Encrypted,
    #[error(
        "the file is an OpenDocument spreadsheet (.ods): open it and save it as an Excel workbook (.xlsx, \"Excel 2007-365\" in LibreOffice), keeping the template's sheets"
    )]
    OpenDocument,
    #[error("the file unpacks to more than 50 MB and is refused as a zip bomb")]
    ZipBomb,
    #[error("the workbook cannot be read: {0}")]
    Corrupt(String),
    #[error(
        "the workbook is not the blanket input template (sheet or header missing or changed); download the template again"
    )]
    NotOurTemplate,
    #[error("the template is for a procedure not filed in blanket; download the template again")]
    OtherProcedure(String),
    #[error("the file has no applicants")]
    Empty,
    #[error(
        "row {0} is past the template's last applicant row ({LAST_ROW}): at most 300 applicants fit in one file, so divide it"
    )]
    PastLastRow(u32),
    #[error("cell {0} is outside the template's columns; remove what is there (the last column is {1})")]
    OutsideColumns(String, String),
    #[error(
        "row {0} of the headers was changed or deleted; download the template again and copy the applicants into it"
    )]
    HeaderChanged(u32),
    #[error(
        "row {row} has status \"{status}\", which is entered on another screen: one file holds one input-screen group"
    )]
    MixedScreenGroups { row: u32, status: String },
}

impl Localized for FileError {
    fn rule(&self) -> &'static str {
        match self {
            Self::TooLarge => "blanket.too_large",
            Self::NotXlsx => "blanket.not_xlsx",
            Self::Encrypted => "blanket.encrypted",
            Self::OpenDocument => "blanket.open_document",
            Self::ZipBomb => "blanket.zip_bomb",
            Self::Corrupt(_) => "blanket.corrupt",
            Self::NotOurTemplate => "blanket.not_template",
            Self::OtherProcedure(_) => "blanket.other_procedure",
            Self::Empty => "blanket.empty",
            Self::PastLastRow(_) => "blanket.too_many_rows",
            Self::OutsideColumns(..) => "blanket.outside_columns",
            Self::HeaderChanged(_) => "blanket.header_changed",
            Self::MixedScreenGroups { .. } => "blanket.mixed_screen_groups",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::TooLarge => "ファイルが5MBを超えています。".into(),
            Self::NotXlsx => "Excelブック（.xlsx）ではありません。メニューからダウンロードしたテンプレートを使用してください。".into(),
            Self::Encrypted => "パスワードで保護されたブックは読み取れません。ブックを開いてパスワードを解除し（ファイル ＞ 情報 ＞ ブックの保護 ＞ パスワードを使用して暗号化 で空欄にする）、.xlsx形式で保存してください。".into(),
            Self::OpenDocument => "OpenDocument形式（.ods）のファイルです。開いて「Excel 2007-365（.xlsx）」形式で保存し直してください（テンプレートのシートはそのままにしてください）。".into(),
            Self::ZipBomb => "展開後の大きさが50MBを超えるため受け付けられません。".into(),
            Self::Corrupt(_) => "ブックを読み取れません。".into(),
            Self::NotOurTemplate => "一括入力テンプレートではありません（シートや見出しが変更されています）。テンプレートをダウンロードし直してください。".into(),
            Self::OtherProcedure(_) => "一括入力できない申請種別のテンプレートです。テンプレートをダウンロードし直してください。".into(),
            Self::Empty => "申請人が入力されていません。".into(),
            Self::PastLastRow(row) => format!(
                "{row}行目はテンプレートの最終行（{LAST_ROW}行目）より後です。1ファイル300名までですので分割してください。"
            ),
            Self::OutsideColumns(cell, last) => {
                format!("セル{cell}はテンプレートの列の外です（最後の列は{last}列）。その内容を削除してください。")
            }
            Self::HeaderChanged(row) => format!(
                "見出しの{row}行目が変更または削除されています。テンプレートをダウンロードし直し、申請人の行を貼り付けてください。"
            ),
            Self::MixedScreenGroups { row, status } => {
                format!("{row}行目の在留資格「{status}」は別の入力画面の在留資格です。1ファイルには同じ入力画面の在留資格のみ入力できます。")
            }
        }
    }
}

impl FileError {
    /// The row (1-based) a refusal is about, if it is about one.
    pub fn row(&self) -> Option<u32> {
        match self {
            Self::PastLastRow(row) | Self::HeaderChanged(row) => Some(*row),
            Self::MixedScreenGroups { row, .. } => Some(*row),
            _ => None,
        }
    }
}

/// One applicant row: its Excel row number, its cells as typed, and the input they make.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<String>,
    pub input: ApplicationInput,
}

#[derive(Debug, Clone)]
pub struct Blanket {
    /// What its rows apply for (the template's).
    pub procedure: Procedure,
    pub screen_group: ScreenGroup,
    pub rows: Vec<Row>,
}

/// Checks the archive before anything parses it: every entry is actually unpacked, counting bytes, so a
/// lying header cannot hide a bomb.
fn check_archive(bytes: &[u8]) -> Result<(), FileError> {
    // An encrypted workbook is an OLE compound file holding the encrypted package, whatever its name.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(if is_encrypted_package(bytes) { FileError::Encrypted } else { FileError::NotXlsx });
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(FileError::NotXlsx);
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::NotXlsx)?;
    if archive.len() > 1000 {
        return Err(FileError::ZipBomb);
    }
    // An OpenDocument file names its type in its first entry, `mimetype`, stored as it is.
    if let Ok(mut entry) = archive.by_name("mimetype") {
        let mut kind = Vec::new();
        let _ = (&mut entry).take(100).read_to_end(&mut kind);
        if kind.starts_with(b"application/vnd.oasis.opendocument") {
            return Err(FileError::OpenDocument);
        }
    }
    let mut total: u64 = 0;
    let mut sink = [0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| FileError::Corrupt(e.to_string()))?;
        loop {
            let n = entry.read(&mut sink).map_err(|e| FileError::Corrupt(e.to_string()))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_UNPACKED_BYTES {
                return Err(FileError::ZipBomb);
            }
        }
    }
    Ok(())
}

/// Whether an OLE compound file holds an encrypted Office package: its directory names the stream
/// `EncryptedPackage` (in UTF-16), which no legacy `.xls` workbook has.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// A number cell of a column whose values begin with 0 when typed as digits, as the clerk typed it: a
/// spreadsheet keeps `09012345678` typed in a "General" cell as the number 9012345678 (and `0600001` as
/// 600001, shown `060-0001` under a `000-0000` format). A telephone number begins with 0; a postcode has
/// 7 digits.
fn as_typed(kind: Kind, cell: &DataRef<'_>, value: String) -> String {
    let number = matches!(cell, DataRef::Float(_) | DataRef::Int(_));
    if !number || value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return value;
    }
    match kind {
        Kind::Phone if !value.starts_with('0') => format!("0{value}"),
        Kind::Postcode if value.len() < 7 => format!("{value:0>7}"),
        _ => value,
    }
}

/// A cell's value as the user sees it: whole numbers without a decimal point, dates as `YYYY/MM/DD` (never
/// Excel's serial number), booleans as 有 / 無.
fn text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "有" } else { "無" }.into(),
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}/{m:02}/{day:02}")
        }
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::DateTimeIso(s) => s.get(..10).unwrap_or(s).replace('-', "/"),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// The last row (1-based) an applicant may be on: the template's 300 rows after its three header rows.
pub const LAST_ROW: u32 = FIRST_DATA_ROW + MAX_ROWS as u32;

/// The `meta` sheet is a handful of key–value rows; anything far beyond is not our template.
const META_ROWS: u32 = 64;

/// Reads a filled template, cell by cell as the file lists them: nothing is allocated from the sheet's
/// declared or implied size, and a value outside the template's columns or past its last row refuses the
/// file at once, so any file up to the size limit is read or refused in time and memory bounded by its size.
pub fn read(bytes: &[u8]) -> Result<Blanket, FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    check_archive(bytes)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::Corrupt(e.to_string()))?;
    let corrupt = |e: calamine::XlsxError| FileError::Corrupt(e.to_string());

    let mut meta: Vec<(String, String)> = Vec::new();
    {
        let mut cells = wb.worksheet_cells_reader(META_SHEET).map_err(|_| FileError::NotOurTemplate)?;
        while let Some(cell) = cells.next_cell().map_err(corrupt)? {
            let ((row, col), value) = (cell.get_position(), text(cell.get_value()));
            if value.is_empty() {
                continue;
            }
            if row >= META_ROWS || col > 1 {
                return Err(FileError::NotOurTemplate);
            }
            let index = row as usize;
            if meta.len() <= index {
                meta.resize(index + 1, (String::new(), String::new()));
            }
            if col == 0 {
                meta[index].0 = value;
            } else {
                meta[index].1 = value;
            }
        }
    }
    let value = |key: &str| meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let code = value("procedure").ok_or(FileError::NotOurTemplate)?;
    let procedure = Procedure::ALL
        .into_iter()
        .find(|p| p.template_code() == code && Procedure::by_blanket().any(|b| b == *p))
        .ok_or(FileError::OtherProcedure(code))?;
    let group_code = value("screen_group").ok_or(FileError::NotOurTemplate)?;
    let group = ScreenGroup::ALL.into_iter().find(|g| g.code() == group_code).ok_or(FileError::NotOurTemplate)?;

    let cols = columns_of(procedure);
    let width = cols.len();
    let mut header = vec![vec![String::new(); width]; FIRST_DATA_ROW as usize];
    let mut data: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    {
        let mut cells = wb.worksheet_cells_reader(DATA_SHEET).map_err(|_| FileError::NotOurTemplate)?;
        while let Some(cell) = cells.next_cell().map_err(corrupt)? {
            let ((row, col), value) = (cell.get_position(), text(cell.get_value()));
            if value.trim().is_empty() {
                continue;
            }
            let col = col as usize;
            let value = match cols.get(col) {
                Some(c) if row >= FIRST_DATA_ROW => as_typed(c.kind, cell.get_value(), value),
                _ => value,
            };
            if col >= width {
                return Err(FileError::OutsideColumns(
                    format!("{}{}", letters(col), u64::from(row) + 1),
                    letters(width - 1),
                ));
            }
            if row >= LAST_ROW {
                return Err(FileError::PastLastRow(row.saturating_add(1)));
            }
            match header.get_mut(row as usize) {
                Some(h) => h[col] = value,
                None => data.entry(row).or_insert_with(|| vec![String::new(); width])[col] = value,
            }
        }
    }
    let expected: [Vec<String>; 3] = [
        cols.iter().map(|c| c.ja.clone()).collect(),
        cols.iter().map(|c| c.en.clone()).collect(),
        cols.iter().map(crate::template::rules_row_text).collect(),
    ];
    // The rules row of a template made before a rule's text changed is as good as today's.
    let earlier: Vec<Option<&str>> = cols.iter().map(|c| crate::template::earlier_rule(c.kind)).collect();
    // Templates before version 2 had no required marks in it.
    let unmarked: Vec<String> = cols.iter().map(|c| crate::template::rule(c.kind)).collect();
    // Templates before version 3 had some other labels.
    let earlier_header: Vec<Option<(&str, &str)>> =
        cols.iter().map(|c| crate::template::earlier_header(&c.field)).collect();
    let same = |i: usize, c: usize, got: &str, want: &str| {
        got.trim() == want.trim()
            || (i == 0 && earlier_header[c].is_some_and(|(ja, _)| ja == got.trim()))
            || (i == 1 && earlier_header[c].is_some_and(|(_, en)| en == got.trim()))
            || (i == 2 && (got.trim() == unmarked[c] || earlier[c].is_some_and(|e| e == got.trim())))
    };
    for (i, (got, want)) in header.iter().zip(&expected).enumerate() {
        if !got.iter().zip(want).enumerate().all(|(c, (g, w))| same(i, c, g, w)) {
            // A first header row unlike ours in every column is another workbook, not an edited template.
            if i == 0 && got.iter().zip(want).all(|(g, w)| g.trim() != w.trim()) {
                return Err(FileError::NotOurTemplate);
            }
            return Err(FileError::HeaderChanged(i as u32 + 1));
        }
    }
    let rows: Vec<Row> = data
        .into_iter()
        .map(|(row, cells)| Row { number: row + 1, input: row_input_of(procedure, &cells), cells })
        .collect();
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    // The status that decides the input screen: an extension's held, a change's asked for.
    let screen = zairyu_domain::form::Field::deciding_screen(procedure);
    for row in &rows {
        let typed = row.input.value(screen);
        if let Ok(status) = StatusOfResidence::parse(&typed)
            && status.is_online()
            && status.screen_group() != Some(group)
        {
            return Err(FileError::MixedScreenGroups { row: row.number, status: typed });
        }
    }
    Ok(Blanket { procedure, screen_group: group, rows })
}

/// The row errors of one row's violations, each with its sheet, row, column and value (Q42).
pub fn row_errors(row: &Row, violations: &[Violation]) -> Vec<RowError> {
    // The row's columns are those of its template's procedure, which its input carries.
    let procedure = Procedure::parse(&row.input.procedure).unwrap_or(PROCEDURE);
    let cols = columns_of(procedure);
    violations
        .iter()
        .map(|v| {
            // Violations name fields; "procedures" is the re-entry column's, a relative's own field its own.
            let index = crate::columns::Column::of_violation_in(procedure, &v.field);
            // An answer none of its choices: the choices as the template's list words them (有/無, 窓口/郵送).
            let choices =
                index.map(|i| cols[i].kind.choices()).filter(|c| !c.is_empty() && v.rule.starts_with("choice."));
            let (message_ja, message_en) = match (choices, index) {
                (Some(choices), Some(i)) => (
                    format!("{}：{}から選んでください。", cols[i].ja, listed_template(choices, Language::Ja)),
                    format!("{}: choose {}.", cols[i].en, listed_template(choices, Language::En)),
                ),
                _ => (v.message_ja.clone(), v.message_en.clone()),
            };
            RowError {
                sheet: DATA_SHEET.into(),
                row: row.number,
                column: index.map(letters).unwrap_or_default(),
                header_ja: index.map(|i| cols[i].ja.clone()).unwrap_or_default(),
                header_en: index.map(|i| cols[i].en.clone()).unwrap_or_default(),
                value: index.and_then(|i| row.cells.get(i)).cloned().unwrap_or_default(),
                rule: v.rule.into(),
                message_en,
                message_ja,
                field: v.field.clone(),
                applicant_name: row.input.name.clone(),
                card_number: row.input.residence_card_number.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod typed_tests {
    use super::*;

    #[test]
    fn digits_a_spreadsheet_took_for_a_number_read_as_typed() {
        let f = |x: f64| DataRef::Float(x);
        let read = |kind, cell: DataRef<'_>| as_typed(kind, &cell, text(&cell));
        assert_eq!(read(Kind::Phone, f(9012345678.0)), "09012345678");
        assert_eq!(read(Kind::Phone, f(312345678.0)), "0312345678");
        assert_eq!(read(Kind::Phone, DataRef::Int(9012345678)), "09012345678");
        assert_eq!(read(Kind::Postcode, f(600001.0)), "0600001");
        assert_eq!(read(Kind::Postcode, f(1000013.0)), "1000013");
        // Typed as text, it is as typed; other columns are not touched.
        assert_eq!(read(Kind::Phone, DataRef::String("9012345678".into())), "9012345678");
        assert_eq!(read(Kind::Text(20), f(600001.0)), "600001");
        assert_eq!(read(Kind::Phone, f(3.5)), "3.5");
    }
}
