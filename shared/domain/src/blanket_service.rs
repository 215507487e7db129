//! Registering the rows of a blanket file (Q40–Q42): every row through the same parser and eligibility
//! checks as single entry; rows that pass become applications in "Input completed", rows that fail are
//! recorded with their cells, and the upload reads "Error (blanket registration)" when any failed.
//!
//! Processing the same file again — the same S3 event delivered twice, or the same file uploaded anew —
//! creates nothing twice: each row's application ID is derived from the organization, the file's content
//! and the row, and written only if absent.

use sha2::{Digest, Sha256};

use crate::application::{Application, ApplicationId, OrganizationId};
use crate::audit::Outcome;
use crate::blanket::{BlanketUpload, RowError, UploadState};
use crate::eligibility::check_eligibility;
use crate::error::{Localized, Violation};
use crate::form::{ApplicationForm, ApplicationInput};
use crate::job::NotificationJob;
use crate::notification::NotificationKind;
use crate::ports::{Condition, StoreError, Write};
use crate::service::{Ports, ServiceError};
use crate::status_of_residence::ScreenGroup;
use crate::store::Store;
use crate::values::UserId;

/// One row of a blanket file: its Excel row number and the input its cells make.
pub struct BlanketRow {
    pub number: u32,
    pub input: ApplicationInput,
}

/// How a row's violations become row errors with their cells (the reader knows the columns).
pub type RowErrorMapper<'a> = &'a (dyn Fn(&BlanketRow, &[Violation]) -> Vec<RowError> + Send + Sync);

/// The file, as far as the reader got: refused whole, or its rows.
pub enum BlanketContent {
    Refused(Box<dyn Localized + Send + Sync>),
    Rows { screen_group: ScreenGroup, rows: Vec<BlanketRow> },
}

fn row_application_id(org: &OrganizationId, file_hash: &str, row: u32) -> Result<ApplicationId, ServiceError> {
    let digest = Sha256::digest(format!("{org}\n{file_hash}\n{row}").as_bytes());
    let hex: String = digest.iter().take(13).map(|b| format!("{b:02x}")).collect();
    ApplicationId::parse(&format!("bl-{hex}")).map_err(|e| crate::service::invalid("id", &e))
}

/// The SHA-256 of a file, hex.
pub fn file_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Ports {
    /// A new upload awaiting its file, for the organization's user.
    pub async fn start_blanket_upload(
        &self,
        organization_id: &OrganizationId,
        user: &UserId,
    ) -> Result<BlanketUpload, ServiceError> {
        let upload = BlanketUpload {
            id: self.ids.id(),
            organization_id: organization_id.clone(),
            uploaded_by: user.clone(),
            screen_group: None,
            state: UploadState::AwaitingFile,
            created_at: self.now(),
            rows_registered: 0,
            rows_failed: 0,
            refusal: None,
            version: 0,
        };
        let event = self.audit(user.as_str(), "blanket.start", format!("upload:{}", upload.id), None, Outcome::Success);
        let change = self.change(vec![Store::upload_write(&upload)?], &event, vec![])?;
        self.commit(change).await?;
        Ok(BlanketUpload { version: 1, ..upload })
    }

    /// Registers a blanket file's content into its upload. Harmless to run twice for one upload.
    pub async fn register_blanket(
        &self,
        organization_id: &OrganizationId,
        upload_id: &str,
        file_hash: &str,
        content: BlanketContent,
        to_errors: RowErrorMapper<'_>,
    ) -> Result<BlanketUpload, ServiceError> {
        let mut upload = self.store.upload(organization_id, upload_id).await?.ok_or(ServiceError::NotFound)?;
        if !matches!(upload.state, UploadState::AwaitingFile | UploadState::Processing) {
            return Ok(upload);
        }
        let org = self.store.organization(organization_id).await?.ok_or(ServiceError::NotFound)?;
        let uploader = self.store.user(&upload.uploaded_by).await?;
        let today = self.today();
        let now = self.now();
        let (group, rows) = match content {
            BlanketContent::Refused(reason) => {
                upload.state = UploadState::Refused;
                upload.refusal = Some(reason.rule().to_owned());
                let event = self.audit(
                    "system",
                    "blanket.refused",
                    format!("upload:{}", upload.id),
                    None,
                    Outcome::Refused(reason.rule().into()),
                );
                let job = uploader.as_ref().map(|u| {
                    NotificationJob::new(
                        NotificationKind::BlanketUploadFailed,
                        format!("blanket_upload:{}", upload.id),
                        vec![Self::user_addressee(u)],
                    )
                    .with("rows_registered", "0")
                    .with("rows_failed", "0")
                });
                let change = self.change(vec![Store::upload_write(&upload)?], &event, job.into_iter().collect())?;
                self.commit(change).await?;
                upload.version += 1;
                return Ok(upload);
            }
            BlanketContent::Rows { screen_group, rows } => (screen_group, rows),
        };
        upload.screen_group = Some(group);
        let (mut registered, mut failed) = (0u32, 0u32);
        let mut batch: Vec<Write> = Vec::new();
        for row in &rows {
            let outcome = match ApplicationForm::parse(&row.input, today) {
                Err(v) => Err(v.0),
                Ok(form) => {
                    let listed = self.store.foreign_national(&org.id, &form.stay.card_number).await?;
                    match check_eligibility(org.use_state, listed.as_ref(), &form, today) {
                        Ok(()) => Ok(form),
                        Err(v) => Err(v.0),
                    }
                }
            };
            match outcome {
                Ok(form) => {
                    let id = row_application_id(&org.id, file_hash, row.number)?;
                    let app = Application::new(id, org.id.clone(), upload.uploaded_by.clone(), form);
                    let Write::Put { item, .. } = Store::application_write(&app, now)? else { continue };
                    // Only if absent: the same row of the same file is one application, however often it comes.
                    match self.store.table.put(item, Condition::Absent).await {
                        Ok(()) | Err(StoreError::ConditionFailed) => registered += 1,
                        Err(e) => return Err(e.into()),
                    }
                }
                Err(violations) => {
                    failed += 1;
                    for e in to_errors(row, &violations) {
                        batch.push(Store::row_error_write(&upload.id, &e)?);
                        if batch.len() >= 90 {
                            self.store.table.transact(std::mem::take(&mut batch)).await?;
                        }
                    }
                }
            }
        }
        if !batch.is_empty() {
            self.store.table.transact(batch).await?;
        }
        upload.rows_registered = registered;
        upload.rows_failed = failed;
        upload.state = if failed == 0 { UploadState::Registered } else { UploadState::RowErrors };
        let kind =
            if failed == 0 { NotificationKind::BlanketUploadCompleted } else { NotificationKind::BlanketUploadFailed };
        let event = self.audit("system", "blanket.registered", format!("upload:{}", upload.id), None, Outcome::Success);
        let job = uploader.as_ref().map(|u| {
            NotificationJob::new(kind, format!("blanket_upload:{}", upload.id), vec![Self::user_addressee(u)])
                .with("rows_registered", registered.to_string())
                .with("rows_failed", failed.to_string())
        });
        let change = self.change(vec![Store::upload_write(&upload)?], &event, job.into_iter().collect())?;
        self.commit(change).await?;
        upload.version += 1;
        Ok(upload)
    }
}

/// Where an upload's file is stored: the organization and the upload in the key, so a file can never be
/// attributed to another organization.
pub fn upload_key(org: &OrganizationId, upload_id: &str) -> String {
    format!("uploads/{org}/{upload_id}.xlsx")
}

/// The organization and upload a stored key names (the inverse of [`upload_key`]).
pub fn parse_upload_key(key: &str) -> Option<(OrganizationId, String)> {
    let rest = key.strip_prefix("uploads/")?.strip_suffix(".xlsx")?;
    let (org, upload) = rest.split_once('/')?;
    if upload.contains('/') {
        return None;
    }
    Some((OrganizationId::parse(org).ok()?, upload.to_owned()))
}

pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Ports {
    /// Q40: a new upload for the caller's organization and the link its file goes to (straight to the
    /// object store, valid 15 minutes).
    pub async fn begin_blanket_upload(
        &self,
        caller: &crate::service::Caller,
    ) -> Result<(BlanketUpload, crate::ports::PresignedUpload), ServiceError> {
        let org = caller.organization_id.clone().ok_or(ServiceError::Forbidden)?;
        if matches!(caller.kind, crate::account::UserKind::Officer { .. }) {
            return Err(ServiceError::Forbidden);
        }
        let upload = self.start_blanket_upload(&org, &caller.user_id).await?;
        let link = self
            .uploads
            .presign_put(&upload_key(&org, &upload.id), XLSX_CONTENT_TYPE, std::time::Duration::from_secs(900))
            .await?;
        Ok((upload, link))
    }

    /// Q42, Q43: an upload of the caller's organization and its row errors.
    pub async fn blanket_upload(
        &self,
        caller: &crate::service::Caller,
        id: &str,
    ) -> Result<(BlanketUpload, Vec<RowError>), ServiceError> {
        let org = caller.organization_id.clone().ok_or(ServiceError::Forbidden)?;
        let upload = self.store.upload(&org, id).await?.ok_or(ServiceError::NotFound)?;
        let mut errors = Vec::new();
        let mut after = None;
        loop {
            let page = self.store.row_errors(&upload.id, after, 500).await?;
            errors.extend(page.items);
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok((upload, errors)),
            }
        }
    }

    /// Submits many applications in one request: each gets its own result, and one failure does not stop
    /// the others.
    pub async fn submit_many(
        &self,
        caller: &crate::service::Caller,
        ids: &[String],
    ) -> Vec<(String, Result<Application, ServiceError>)> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push((id.clone(), self.submit(caller, id).await));
        }
        out
    }
}
