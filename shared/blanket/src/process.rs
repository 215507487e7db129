//! Processing one uploaded blanket file into its upload: the reader's whole-file checks, then the
//! domain's registration of every row.

use zairyu_app::services::blanket::{BlanketContent, BlanketRow, file_hash};
use zairyu_app::{Blanket, ServiceError};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::blanket::BlanketUpload;

use crate::reader::{Row, read, row_errors};

/// Reads `bytes` and registers them into the organization's upload `upload_id`. Run again after a crash at
/// any point, it completes what the first run began (each row's application is written once, the upload
/// ends once with its one e-mail).
pub async fn process(
    blanket: &Blanket,
    org: &OrganizationId,
    upload_id: &str,
    bytes: &[u8],
) -> Result<BlanketUpload, ServiceError> {
    // "Processing" while the rows are registered (false when a first run had already said so).
    blanket.receive_file(org, upload_id).await?;
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

/// What a sweep of unfinished uploads did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    /// Registrations that had been cut off, completed from the stored file.
    pub completed: u32,
    /// Uploads whose link expired with no file, ended.
    pub ended_without_file: u32,
    /// Uploads that could not be handled this time (tried again by the next sweep).
    pub failed: u32,
}

/// Finishes every upload not ended that was started more than `older_than` ago: one whose file is stored is
/// registered from it (a registration cut off by a crash, or whose S3 event was lost); one whose link
/// expired with no file ends refused. Run by the local server at start and every few seconds, and by the
/// `batch-upload` function on its schedule.
pub async fn sweep(blanket: &Blanket, older_than: std::time::Duration) -> Result<Swept, ServiceError> {
    let mut swept = Swept::default();
    for unfinished in blanket.unfinished_uploads(older_than).await? {
        let upload = &unfinished.upload;
        let key = zairyu_app::services::blanket::upload_key(upload.organization_id(), upload.id());
        let done = match blanket.uploaded_file(&key).await {
            Ok(Some(bytes)) => process(blanket, upload.organization_id(), upload.id(), &bytes)
                .await
                .map(|_| Some(&mut swept.completed)),
            Ok(None) if unfinished.link_expired => {
                blanket.end_without_file(&unfinished).await.map(|()| Some(&mut swept.ended_without_file))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        match done {
            Ok(Some(count)) => *count += 1,
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(upload = %upload.id(), error = %e.log_chain(), "an unfinished upload could not be finished");
                swept.failed += 1;
            }
        }
    }
    Ok(swept)
}
