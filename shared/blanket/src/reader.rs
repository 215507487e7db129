//! Reading a filled blanket file: whole-file checks first (size, xlsx by content, zip bomb, our template,
//! at most 300 rows, one procedure type, one input-screen group — Q40, Q41), then each row as the input of
//! single entry, so that every rule is the domain's one copy.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use zairyu_domain::blanket::{MAX_ROWS, RowError};
use zairyu_domain::error::{Localized, Violation};
use zairyu_domain::form::ApplicationInput;
use zairyu_domain::status_of_residence::{ScreenGroup, StatusOfResidence};

use crate::columns::{columns, letters, row_input};
use crate::template::{DATA_SHEET, FIRST_DATA_ROW, META_SHEET, PROCEDURE};

/// Largest file accepted (a full template is well under 200 KB).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Largest total the file may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than 5 MB")]
    TooLarge,
    #[error("the file is not an Excel workbook (.xlsx); use the template from the menu")]
    NotXlsx,
    #[error("the file unpacks to more than 50 MB and is refused as a zip bomb")]
    ZipBomb,
    #[error("the workbook cannot be read: {0}")]
    Corrupt(String),
    #[error(
        "the workbook is not the blanket input template (sheet or header missing or changed); download the template again"
    )]
    NotOurTemplate,
    #[error("the template is for another procedure ({0}); only extensions of period of stay are filed in blanket")]
    OtherProcedure(String),
    #[error("the file has no applicants")]
    Empty,
    #[error("the file has {0} applicants; at most 300 fit in one file, so divide it (Q41)")]
    TooManyRows(usize),
    #[error(
        "row {row} has status \"{status}\", which is entered on another screen: one file holds one input-screen group (Q40)"
    )]
    MixedScreenGroups { row: u32, status: String },
}

impl Localized for FileError {
    fn rule(&self) -> &'static str {
        match self {
            Self::TooLarge => "blanket.too_large",
            Self::NotXlsx => "blanket.not_xlsx",
            Self::ZipBomb => "blanket.zip_bomb",
            Self::Corrupt(_) => "blanket.corrupt",
            Self::NotOurTemplate => "blanket.not_template",
            Self::OtherProcedure(_) => "blanket.other_procedure",
            Self::Empty => "blanket.empty",
            Self::TooManyRows(_) => "blanket.too_many_rows",
            Self::MixedScreenGroups { .. } => "blanket.mixed_screen_groups",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::TooLarge => "ファイルが5MBを超えています。".into(),
            Self::NotXlsx => "Excelブック（.xlsx）ではありません。メニューからダウンロードしたテンプレートを使用してください。".into(),
            Self::ZipBomb => "展開後の大きさが50MBを超えるため受け付けられません。".into(),
            Self::Corrupt(_) => "ブックを読み取れません。".into(),
            Self::NotOurTemplate => "一括入力テンプレートではありません（シートや見出しが変更されています）。テンプレートをダウンロードし直してください。".into(),
            Self::OtherProcedure(p) => format!("別の申請種別（{p}）のテンプレートです。一括入力できるのは在留期間更新許可申請のみです。"),
            Self::Empty => "申請人が入力されていません。".into(),
            Self::TooManyRows(n) => format!("申請人が{n}名入力されています。1ファイル300名までですので分割してください（Q41）。"),
            Self::MixedScreenGroups { row, status } => {
                format!("{row}行目の在留資格「{status}」は別の入力画面の在留資格です。1ファイルには同じ入力画面の在留資格のみ入力できます（Q40）。")
            }
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
    pub screen_group: ScreenGroup,
    pub rows: Vec<Row>,
}

/// Checks the archive before anything parses it: every entry is actually unpacked, counting bytes, so a
/// lying header cannot hide a bomb.
fn check_archive(bytes: &[u8]) -> Result<(), FileError> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(FileError::NotXlsx);
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::NotXlsx)?;
    if archive.len() > 1000 {
        return Err(FileError::ZipBomb);
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

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => {
            if *b {
                "有".into()
            } else {
                "無".into()
            }
        }
        other => other.to_string(),
    }
}

/// Reads and checks a filled template.
pub fn read(bytes: &[u8]) -> Result<Blanket, FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    check_archive(bytes)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::Corrupt(e.to_string()))?;
    let meta = wb.worksheet_range(META_SHEET).map_err(|_| FileError::NotOurTemplate)?;
    let value =
        |key: &str| meta.rows().find(|r| r.first().map(text).as_deref() == Some(key)).and_then(|r| r.get(1).map(text));
    let procedure = value("procedure").ok_or(FileError::NotOurTemplate)?;
    if procedure != PROCEDURE {
        return Err(FileError::OtherProcedure(procedure));
    }
    let group_code = value("screen_group").ok_or(FileError::NotOurTemplate)?;
    let group = ScreenGroup::ALL.into_iter().find(|g| g.code() == group_code).ok_or(FileError::NotOurTemplate)?;

    let sheet = wb.worksheet_range(DATA_SHEET).map_err(|_| FileError::NotOurTemplate)?;
    let cols = columns();
    let mut rows_iter = sheet.rows();
    let header: Vec<String> = rows_iter.next().map(|r| r.iter().map(text).collect()).unwrap_or_default();
    if header.len() < cols.len() || cols.iter().zip(&header).any(|(c, h)| c.ja != *h) {
        return Err(FileError::NotOurTemplate);
    }
    let start = sheet.start().map(|(r, _)| r).unwrap_or(0);
    let mut rows = Vec::new();
    for (i, r) in sheet.rows().enumerate() {
        let number = start + i as u32;
        if number < FIRST_DATA_ROW {
            continue;
        }
        let cells: Vec<String> = r.iter().take(cols.len()).map(text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row { number: number + 1, input: row_input(&cells), cells });
    }
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    if rows.len() > MAX_ROWS {
        return Err(FileError::TooManyRows(rows.len()));
    }
    for row in &rows {
        if let Ok(status) = StatusOfResidence::parse(&row.input.status_of_residence)
            && status.is_online()
            && status.screen_group() != Some(group)
        {
            return Err(FileError::MixedScreenGroups {
                row: row.number,
                status: row.input.status_of_residence.clone(),
            });
        }
    }
    Ok(Blanket { screen_group: group, rows })
}

/// The row errors of one row's violations, each with its sheet, row, column and value (Q42).
pub fn row_errors(row: &Row, violations: &[Violation]) -> Vec<RowError> {
    let cols = columns();
    violations
        .iter()
        .map(|v| {
            // Violations name fields; "procedures" is the re-entry column's, a relative's own field its own.
            let field = if v.field == "procedures" { "re_entry" } else { v.field.as_str() };
            let index = cols.iter().position(|c| c.field == field);
            RowError {
                sheet: DATA_SHEET.into(),
                row: row.number,
                column: index.map(letters).unwrap_or_default(),
                value: index.and_then(|i| row.cells.get(i)).cloned().unwrap_or_default(),
                rule: v.rule.into(),
                message_en: v.message_en.clone(),
                message_ja: v.message_ja.clone(),
            }
        })
        .collect()
}
