//! Writes seed workbooks for the fuzzer: an empty template and a filled one per input-screen group, and
//! files as other programs leave them — a stray value in the sheet's last cell (XFD1048576) and one far down
//! a template column (BW1048576) — so the fuzzer starts from the far-away cells that once crashed the reader.

use rust_xlsxwriter::Workbook;
use zairyu_blanket::columns::columns;
use zairyu_blanket::template::{DATA_SHEET, META_SHEET, rule, workbook};
use zairyu_domain::status_of_residence::ScreenGroup;

/// The template's header rows and `meta` sheet, written cell by cell, with one stray value at (`row`, `col`).
fn with_stray_cell(row: u32, col: u16) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let data = wb.add_worksheet();
    data.set_name(DATA_SHEET)?;
    for (c, column) in columns().iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        data.write_string(0, c, column.ja.as_str())?;
        data.write_string(1, c, column.en.as_str())?;
        data.write_string(2, c, rule(column.kind))?;
    }
    data.write_string(row, col, "x")?;
    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET)?;
    meta.write_string(0, 0, "procedure")?;
    meta.write_string(0, 1, "extension")?;
    meta.write_string(1, 0, "screen_group")?;
    meta.write_string(1, 1, ScreenGroup::Work.code())?;
    wb.save_to_buffer()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: seed_corpus DIR")?;
    let row: Vec<String> = columns().iter().map(|c| format!("{}-value", c.field)).collect();
    for group in ScreenGroup::ALL {
        std::fs::write(format!("{dir}/empty-{}.xlsx", group.code()), workbook(group, &[])?)?;
        std::fs::write(format!("{dir}/filled-{}.xlsx", group.code()), workbook(group, &[row.clone(), row.clone()])?)?;
    }
    std::fs::write(format!("{dir}/stray-XFD1048576.xlsx"), with_stray_cell(1_048_575, 16_383)?)?;
    std::fs::write(format!("{dir}/stray-BW1048576.xlsx"), with_stray_cell(1_048_575, 74)?)?;
    Ok(())
}
