//! Writes seed workbooks for the fuzzer: an empty template and a filled one per input-screen group.

use zairyu_blanket::columns::columns;
use zairyu_blanket::template::workbook;
use zairyu_domain::status_of_residence::ScreenGroup;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: seed_corpus DIR")?;
    let row: Vec<String> = columns().iter().map(|c| format!("{}-value", c.field)).collect();
    for group in ScreenGroup::ALL {
        std::fs::write(format!("{dir}/empty-{}.xlsx", group.code()), workbook(group, &[])?)?;
        std::fs::write(format!("{dir}/filled-{}.xlsx", group.code()), workbook(group, &[row.clone(), row.clone()])?)?;
    }
    Ok(())
}
