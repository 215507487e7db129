//! Processing one uploaded blanket file into its upload: the reader's whole-file checks, then the
//! domain's registration of every row.

use zairyu_app::services::blanket::{BlanketContent, BlanketRow, file_hash};
use zairyu_app::{Blanket, ServiceError};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::blanket::BlanketUpload;

use crate::reader::{Row, read, row_errors};

/// Marks the upload refused because its file is larger than the limit (the file itself was never kept).
pub async fn refuse_too_large(
    blanket: &Blanket,
    org: &OrganizationId,
    upload_id: &str,
) -> Result<BlanketUpload, ServiceError> {
    let refused = BlanketContent::Refused { reason: Box::new(crate::reader::FileError::TooLarge), row: None };
    let mapper = |_: &BlanketRow, _: &[zairyu_domain::error::Violation]| Vec::new();
    blanket.register_blanket(org, upload_id, "", refused, &mapper).await
}

/// Reads `bytes` and registers them into the organization's upload `upload_id`.
pub async fn process(
    blanket: &Blanket,
    org: &OrganizationId,
    upload_id: &str,
    bytes: &[u8],
) -> Result<BlanketUpload, ServiceError> {
    let hash = file_hash(bytes);
    let (content, cells) = match read(bytes) {
        Err(e) => {
            let row = e.row();
            (BlanketContent::Refused { reason: Box::new(e), row }, Vec::new())
        }
        Ok(b) => {
            let cells: Vec<(u32, Vec<String>)> = b.rows.iter().map(|r| (r.number, r.cells.clone())).collect();
            let rows = b.rows.into_iter().map(|r| BlanketRow { number: r.number, input: r.input }).collect();
            (BlanketContent::Rows { screen_group: b.screen_group, rows }, cells)
        }
    };
    let mapper = move |row: &BlanketRow, violations: &[zairyu_domain::error::Violation]| {
        let cells = cells.iter().find(|(n, _)| *n == row.number).map(|(_, c)| c.clone()).unwrap_or_default();
        row_errors(&Row { number: row.number, cells, input: row.input.clone() }, violations)
    };
    blanket.register_blanket(org, upload_id, &hash, content, &mapper).await
}
