//! The blanket input template (Q40, Q41): one workbook per procedure type and input-screen group, with a
//! header row in Japanese and in English, a row stating each column's rule, lists where Excel offers them,
//! and room for exactly 300 applicants.

use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};
use zairyu_domain::blanket::MAX_ROWS;
use zairyu_domain::office::OFFICE_TABLE;
use zairyu_domain::status_of_residence::ScreenGroup;

use crate::columns::{Kind, columns};

pub const DATA_SHEET: &str = "申請 Applications";
pub const LISTS_SHEET: &str = "lists";
pub const META_SHEET: &str = "meta";
/// Rows 1–3 (1-based) are the headers and the rules; applicants start on row 4.
pub const FIRST_DATA_ROW: u32 = 3;
pub const PROCEDURE: &str = "extension";
pub const TEMPLATE_VERSION: &str = "1";

/// The rule of a column as the template's third header row states it.
pub fn rule(kind: Kind) -> String {
    match kind {
        Kind::Text(n) => format!("{n}文字以内 / up to {n} characters"),
        Kind::Date => "例 1995/02/18、平成7年2月18日 / e.g. 1995/02/18".into(),
        Kind::YesNo => "有 / 無".into(),
        Kind::Sex => "男 / 女".into(),
        Kind::Status => "一覧から選択 / choose from the list".into(),
        Kind::Period => "例 1年6月、3年、90日 / e.g. 1年6月 (1Y6M)".into(),
        Kind::Office => "一覧から選択 / choose from the list".into(),
        Kind::ReceiptMethod => "窓口 / 郵送".into(),
        Kind::ReEntry => "なし / 一回限り / 数次".into(),
        Kind::CardNumber => "英字2桁+数字8桁+英字2桁 / AB12345678CD".into(),
        Kind::Email => "半角 / half-width".into(),
        Kind::Phone => "半角数字10〜11桁 / 10-11 digits".into(),
        Kind::Postcode => "半角数字7桁 / 7 digits".into(),
        Kind::Prefecture => "例 東京都 / e.g. 東京都".into(),
    }
}

/// The rule the first templates stated where it differs from today's: files made from them are still read.
pub fn earlier_rule(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Date => Some("YYYYMMDD"),
        Kind::Period => Some("例 1Y, 6M, 90D / e.g. 1Y, 6M, 90D"),
        _ => None,
    }
}

/// The template for extensions of period of stay of one input-screen group, as xlsx bytes.
pub fn template(group: ScreenGroup) -> Result<Vec<u8>, XlsxError> {
    workbook(group, &[])
}

/// The template with applicant rows already in it (cells in column order): what a user saves after
/// filling it in, and how a list of applications is handed back as a blanket file.
pub fn workbook(group: ScreenGroup, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let cols = columns();
    let last_row = FIRST_DATA_ROW + MAX_ROWS as u32 - 1;

    let statuses: Vec<&str> = group.statuses().map(|s| s.info().name_ja).collect();
    let offices: Vec<&str> = OFFICE_TABLE.iter().map(|o| o.name_ja).collect();
    {
        let lists = wb.add_worksheet();
        lists.set_name(LISTS_SHEET)?;
        for (i, s) in statuses.iter().enumerate() {
            lists.write_string(i as u32, 0, *s)?;
        }
        for (i, o) in offices.iter().enumerate() {
            lists.write_string(i as u32, 1, *o)?;
        }
        lists.set_hidden(true);
    }
    {
        let meta = wb.add_worksheet();
        meta.set_name(META_SHEET)?;
        for (i, (k, v)) in
            [("procedure", PROCEDURE), ("screen_group", group.code()), ("version", TEMPLATE_VERSION)].iter().enumerate()
        {
            meta.write_string(i as u32, 0, *k)?;
            meta.write_string(i as u32, 1, *v)?;
        }
        meta.set_hidden(true);
    }
    let ws = wb.add_worksheet();
    ws.set_name(DATA_SHEET)?;
    for (c, column) in cols.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
        ws.write_string_with_format(0, c, &column.ja, &bold)?;
        ws.write_string_with_format(1, c, &column.en, &bold)?;
        ws.write_string(2, c, rule(column.kind))?;
        ws.set_column_width(c, 18)?;
        let list = |items: &[&str]| DataValidation::new().allow_list_strings(items);
        let validation = match column.kind {
            Kind::YesNo => Some(list(&["有", "無"])?),
            Kind::Sex => Some(list(&["男", "女"])?),
            Kind::ReceiptMethod => Some(list(&["窓口", "郵送"])?),
            Kind::ReEntry => Some(list(&["なし", "一回限り", "数次"])?),
            Kind::Status => Some(
                DataValidation::new()
                    .allow_list_formula(Formula::new(format!("={LISTS_SHEET}!$A$1:$A${}", statuses.len()))),
            ),
            Kind::Office => Some(
                DataValidation::new()
                    .allow_list_formula(Formula::new(format!("={LISTS_SHEET}!$B$1:$B${}", offices.len()))),
            ),
            _ => None,
        };
        if let Some(v) = validation {
            ws.add_data_validation(FIRST_DATA_ROW, c, last_row, c, &v)?;
        }
    }
    for (r, cells) in rows.iter().enumerate() {
        let r = FIRST_DATA_ROW + u32::try_from(r).map_err(|_| XlsxError::ParameterError("too many rows".into()))?;
        for (c, value) in cells.iter().enumerate() {
            if !value.is_empty() {
                ws.write_string(
                    r,
                    u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))?,
                    value,
                )?;
            }
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    ws.set_active(true);
    wb.save_to_buffer()
}
