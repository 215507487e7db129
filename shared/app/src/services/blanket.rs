//! Registering the rows of a blanket file (Q40–Q42): every row through the same parser and eligibility
//! checks as single entry; rows that pass become applications in "Input completed", rows that fail become
//! items of the application list in "Error (blanket registration)" with their cells (corrected later on
//! the single-entry path), and the upload reads "Error (blanket registration)" when any failed.
//!
//! Processing the same file again — the same S3 event delivered twice, or the same file uploaded anew —
//! creates nothing twice: each row's application ID is derived from the organization, the file's content
//! and the row, and written only if absent.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use zairyu_domain::account::UserKind;
use zairyu_domain::application::{Application, ApplicationError, ApplicationId, OrganizationId};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::blanket::{
    BlanketEntry, BlanketUpload, FileSize, FileSizeError, FileTooLarge, NoFileArrived, RowError, UploadFileName,
    UploadState,
};
use zairyu_domain::eligibility::{Filer, check_eligibility, with_eligibility};
use zairyu_domain::error::{Localized, Violation};
use zairyu_domain::form::{ApplicationForm, ApplicationInput, PersonKey};
use zairyu_domain::job::NotificationJob;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::organization::Organization;
use zairyu_domain::status::ApplicationStatus;
use zairyu_domain::status_of_residence::ScreenGroup;
use zairyu_domain::values::{ResidenceCardNumber, UserId};

use super::{Caller, Core, user_addressee};
use crate::error::{ServiceError, invalid};
use crate::ports::{BlobStore, Cursor, PresignedForm, PresignedUpload};
use crate::store::{Records, Stored, UnitOfWork};

/// One row of a blanket file: its Excel row number and the input its cells make.
pub struct BlanketRow {
    pub number: u32,
    pub input: ApplicationInput,
}

/// What became of a valid row.
enum RowOutcome {
    Added,
    Updated,
    Refused(ApplicationError),
}

/// How a row's violations become row errors with their cells (the reader knows the columns).
pub type RowErrorMapper<'a> = &'a (dyn Fn(&BlanketRow, &[Violation]) -> Vec<RowError> + Send + Sync);

/// The file, as far as the reader got: refused whole, or its rows.
pub enum BlanketContent {
    /// Refused whole, for `reason`, about `row` if it is about one.
    Refused {
        reason: Box<dyn Localized + Send + Sync>,
        row: Option<u32>,
    },
    Rows {
        screen_group: ScreenGroup,
        rows: Vec<BlanketRow>,
    },
}

/// One person on several rows of one file: each of the rows is refused, naming the others (which of them
/// is meant is the clerk's to say).
#[derive(Debug, thiserror::Error)]
#[error("This person is on row {} of the file too: keep one row per person.", rows_text(.0, ", "))]
struct OnOtherRows(Vec<u32>);

fn rows_text(rows: &[u32], sep: &str) -> String {
    rows.iter().map(u32::to_string).collect::<Vec<_>>().join(sep)
}

/// The field a person is named by on a row: a resident by the card, a person on no list by the passport.
fn person_field(person: &PersonKey) -> &'static str {
    match person {
        PersonKey::Card(_) => "residence_card_number",
        PersonKey::Passport { .. } => "passport_number",
    }
}

impl Localized for OnOtherRows {
    fn rule(&self) -> &'static str {
        "blanket.person_on_two_rows"
    }
    fn message_ja(&self) -> String {
        format!("この外国人はファイルの{}行目にもあります。1人につき1行にしてください。", rows_text(&self.0, "・"))
    }
}

/// The counts of a registration and the row errors not yet written.
struct Tally {
    registered: u32,
    updated: u32,
    failed: u32,
    errors: UnitOfWork,
    now: chrono::DateTime<chrono::Utc>,
    /// The people whose rows registered: an error item of theirs from an earlier upload is closed.
    registered_cards: Vec<PersonKey>,
    /// Each person's error item as it stood when the registration began (one batched read).
    earlier: std::collections::HashMap<PersonKey, Stored<BlanketEntry>>,
}

impl Tally {
    fn new(now: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            registered: 0,
            updated: 0,
            failed: 0,
            errors: UnitOfWork::new(now),
            now,
            registered_cards: Vec::new(),
            earlier: Default::default(),
        }
    }

    /// A row that failed: its errors (written in batches), and Q42's item of the application list in
    /// "Error (blanket registration)" with the row as typed.
    #[allow(clippy::too_many_arguments)]
    async fn fail(
        &mut self,
        blanket: &Blanket,
        upload: &BlanketUpload,
        row: &BlanketRow,
        id: ApplicationId,
        card: Option<&PersonKey>,
        violations: &[Violation],
        to_errors: RowErrorMapper<'_>,
    ) -> Result<(), ServiceError> {
        let store = blanket.core.store();
        self.failed += 1;
        let row_errors = to_errors(row, violations);
        for e in &row_errors {
            self.errors.put_row_error(upload.id(), e)?;
            if self.errors.write_count() >= 90 {
                store.commit(std::mem::replace(&mut self.errors, UnitOfWork::new(self.now))).await?;
            }
        }
        // One error item per person and organization: a person's row that fails again replaces the item of
        // an earlier upload (a row without a readable card or passport number has an item of its own).
        let person = card.map(|c| (person_entry_id(upload.organization_id(), c), c));
        if let Some((person_id, card)) = person {
            let person_id = person_id?;
            let entry = BlanketEntry::new(person_id.clone(), upload, row.number, row.input.clone(), row_errors.clone());
            let placed = match self.earlier.get(card) {
                // This very row, registered before a crash: done.
                Some(old) if old.upload_id() == upload.id() && old.row() == row.number => true,
                // Another row of this upload holds it (the person on two rows): this row has its own.
                Some(old) if old.upload_id() == upload.id() => false,
                Some(old) => {
                    let mut change = UnitOfWork::new(self.now);
                    change.replace(old, &entry)?;
                    match store.commit(change).await {
                        Ok(_) => true,
                        Err(crate::ports::StoreError::ConditionFailed) => false,
                        Err(e) => return Err(e.into()),
                    }
                }
                None => store.applications().add_if_absent(&entry, self.now).await?,
            };
            if placed {
                return Ok(());
            }
        }
        // The row's own item (its ID the row's: the same row of the same file is one item).
        let entry = BlanketEntry::new(id, upload, row.number, row.input.clone(), row_errors);
        store.applications().add_if_absent(&entry, self.now).await?;
        Ok(())
    }

    /// The error items of earlier uploads of the people whose rows registered now, closed: removed, unless
    /// corrected meanwhile (then they are applications, and stay).
    async fn close_resolved(&mut self, blanket: &Blanket, upload: &BlanketUpload) -> Result<(), ServiceError> {
        let store = blanket.core.store();
        let mut change = UnitOfWork::new(self.now);
        for card in std::mem::take(&mut self.registered_cards) {
            let Some(old) = self.earlier.get(&card) else { continue };
            if old.upload_id() == upload.id() {
                continue;
            }
            change.remove(old)?;
            if change.write_count() >= 90 {
                commit_ignoring_raced(store, std::mem::replace(&mut change, UnitOfWork::new(self.now))).await?;
            }
        }
        commit_ignoring_raced(store, change).await
    }
}

/// Commits a change whose condition may have been undone meanwhile (an item corrected in another tab):
/// then nothing of it is written, which is what closing it wanted.
async fn commit_ignoring_raced(store: &crate::store::Store, change: UnitOfWork) -> Result<(), ServiceError> {
    if change.write_count() == 0 {
        return Ok(());
    }
    match store.commit(change).await {
        Ok(_) | Err(crate::ports::StoreError::ConditionFailed) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The ID of a person's error item in an organization: the same for every upload, so that the next upload
/// of the person replaces it (or, once the person's row registers, closes it).
/// (A card holder's key is the card number, as every stored item of theirs was named.)
fn person_entry_id(org: &OrganizationId, person: &PersonKey) -> Result<ApplicationId, ServiceError> {
    let digest = Sha256::digest(format!("{org}\nperson\n{person}").as_bytes());
    let hex = crate::hex(&digest[..13]);
    ApplicationId::parse(&format!("bl-{hex}")).map_err(|e| invalid("id", &e))
}

/// New applications of a file waiting to be written together, with the cards they claim.
struct NewRows<'a> {
    change: UnitOfWork,
    pending: Vec<(&'a BlanketRow, Application, PersonKey)>,
    cards: std::collections::HashSet<PersonKey>,
    now: chrono::DateTime<chrono::Utc>,
}

impl<'a> NewRows<'a> {
    /// Room is kept for one more application's writes under DynamoDB's 100 per transaction.
    const FULL_AT: usize = 80;

    fn new(now: chrono::DateTime<chrono::Utc>) -> Self {
        Self { change: UnitOfWork::new(now), pending: Vec::new(), cards: Default::default(), now }
    }
    fn has(&self, card: &PersonKey) -> bool {
        self.cards.contains(card)
    }
    fn is_full(&self) -> bool {
        self.change.write_count() >= Self::FULL_AT
    }
    fn push(&mut self, row: &'a BlanketRow, app: Application, card: PersonKey) -> Result<(), ServiceError> {
        self.change.add(&app)?;
        self.cards.insert(card.clone());
        self.pending.push((row, app, card));
        Ok(())
    }
    fn take(&mut self) -> (UnitOfWork, Vec<(&'a BlanketRow, Application, PersonKey)>) {
        self.cards.clear();
        (std::mem::replace(&mut self.change, UnitOfWork::new(self.now)), std::mem::take(&mut self.pending))
    }
}

fn row_application_id(org: &OrganizationId, file_hash: &str, row: u32) -> Result<ApplicationId, ServiceError> {
    let digest = Sha256::digest(format!("{org}\n{file_hash}\n{row}").as_bytes());
    let hex = crate::hex(&digest[..13]);
    ApplicationId::parse(&format!("bl-{hex}")).map_err(|e| invalid("id", &e))
}

/// The SHA-256 of a file, hex.
pub fn file_hash(bytes: &[u8]) -> String {
    crate::hex(&Sha256::digest(bytes))
}

/// Blanket input for an organization's users, and the registration of the uploaded files.
#[derive(Clone)]
pub struct Blanket {
    core: Core,
    /// Blanket files, uploaded by presigned link.
    uploads: Arc<dyn BlobStore>,
    /// Generated blanket templates, kept once per version.
    templates: Arc<dyn BlobStore>,
}

impl Blanket {
    pub fn new(core: Core, uploads: Arc<dyn BlobStore>, templates: Arc<dyn BlobStore>) -> Self {
        Self { core, uploads, templates }
    }

    /// A new upload awaiting its file, for the organization's user.
    pub async fn start_blanket_upload(
        &self,
        organization_id: &OrganizationId,
        user: &UserId,
    ) -> Result<BlanketUpload, ServiceError> {
        self.start_named_upload(organization_id, user, None).await
    }

    /// A new upload awaiting the file the user's computer calls `file_name`.
    #[tracing::instrument(skip_all)]
    pub async fn start_named_upload(
        &self,
        organization_id: &OrganizationId,
        user: &UserId,
        file_name: Option<UploadFileName>,
    ) -> Result<BlanketUpload, ServiceError> {
        let upload = BlanketUpload::start(self.core.new_id(), organization_id.clone(), user.clone(), self.core.now())
            .named(file_name);
        let event = self.core.event(
            user.as_str(),
            AuditAction::BlanketStart,
            format!("upload:{}", upload.id()),
            None,
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        change.add(&upload)?;
        // Open until it ends: a registration cut off is finished, an upload that gets no file is ended.
        change.mark_open_upload(&upload);
        self.core.commit(change).await?;
        Ok(upload)
    }

    /// The upload's file arrived: it is being registered and its link takes no other file. Whether this call
    /// took it (false when the upload already had its file, or ended).
    #[tracing::instrument(skip_all)]
    pub async fn receive_file(&self, organization_id: &OrganizationId, upload_id: &str) -> Result<bool, ServiceError> {
        let store = self.core.store();
        let Some(mut upload) = store.uploads().get(organization_id, upload_id).await? else {
            return Err(ServiceError::NotFound);
        };
        if !upload.receive() {
            return Ok(false);
        }
        let mut change = UnitOfWork::new(self.core.now());
        change.save(&upload)?;
        match store.commit(change).await {
            Ok(_) => Ok(true),
            // Another request took the file meanwhile.
            Err(crate::ports::StoreError::Conflict) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The name of the file a page's upload is about to receive (the page's script tells it before the
    /// browser sends the file to the object store): the upload list and the result e-mail then name the file
    /// as the clerk knows it. Taken only while the upload of the caller's organization waits for its file and
    /// has no name; otherwise nothing changes (a name told late, or twice, is not an error).
    #[tracing::instrument(skip_all)]
    pub async fn name_form_upload(&self, caller: &Caller, upload_id: &str, name: &str) -> Result<(), ServiceError> {
        let org = uploader(caller)?;
        let name = UploadFileName::parse(name).map_err(|e| invalid("name", &e))?;
        let store = self.core.store();
        let Some(mut upload) = store.uploads().get(&org, upload_id).await? else {
            return Err(ServiceError::NotFound);
        };
        if !upload.name_file(name) {
            return Ok(());
        }
        let mut change = UnitOfWork::new(self.core.now());
        change.save(&upload)?;
        match store.commit(change).await {
            // The file arrived meanwhile: it keeps its state, unnamed.
            Ok(_) | Err(crate::ports::StoreError::Conflict | crate::ports::StoreError::ConditionFailed) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Uploads not yet ended that were started more than `older_than` ago (a registration that was cut off,
    /// or an upload still waiting for its file), oldest first. Marks of uploads that ended are removed here.
    #[tracing::instrument(skip_all)]
    pub async fn unfinished_uploads(&self, older_than: std::time::Duration) -> Result<Vec<Unfinished>, ServiceError> {
        let now = self.core.now();
        let started_by = now - chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::zero());
        let store = self.core.store();
        let mut unfinished = Vec::new();
        for open in store.uploads().open(started_by, 100).await? {
            match store.uploads().get(&open.organization_id, &open.upload_id).await? {
                Some(upload) if upload.is_open() => {
                    let link_expired = upload.created_at()
                        + chrono::Duration::from_std(UPLOAD_LINK_VALIDITY + FILE_ARRIVAL_GRACE)
                            .unwrap_or(chrono::Duration::zero())
                        <= now;
                    unfinished.push(Unfinished { upload, link_expired });
                }
                _ => store.uploads().settled(&open).await?,
            }
        }
        Ok(unfinished)
    }

    /// Ends an upload whose link expired with no file stored: refused, "no file arrived". No e-mail: the
    /// user sent nothing, and the upload list says what became of it.
    #[tracing::instrument(skip_all)]
    pub async fn end_without_file(&self, unfinished: &Unfinished) -> Result<(), ServiceError> {
        let mut upload = unfinished.upload.clone();
        upload.expire();
        let change = self.refused_change(&upload, NoFileArrived.rule())?;
        self.core.commit(change).await?;
        Ok(())
    }

    /// The change that ends an upload refused for `rule` (its state already set): the upload saved (only if
    /// unchanged since read), its open mark gone, the refusal audited.
    fn refused_change(&self, upload: &Stored<BlanketUpload>, rule: &str) -> Result<UnitOfWork, ServiceError> {
        let event = self.core.event(
            "system",
            AuditAction::BlanketRefused,
            format!("upload:{}", upload.id()),
            None,
            Outcome::Refused(rule.into()),
        );
        let mut change = self.core.change(&event)?;
        change.save(upload)?;
        change.settle_upload(upload);
        Ok(change)
    }

    /// Registers a blanket file's content into its upload. Harmless to run twice for one upload.
    #[tracing::instrument(skip_all)]
    pub async fn register_blanket(
        &self,
        organization_id: &OrganizationId,
        upload_id: &str,
        file_hash: &str,
        content: BlanketContent,
        to_errors: RowErrorMapper<'_>,
    ) -> Result<BlanketUpload, ServiceError> {
        let store = self.core.store();
        let mut upload = store.uploads().get(organization_id, upload_id).await?.ok_or(ServiceError::NotFound)?;
        if !upload.is_open() {
            return Ok(upload.into_inner());
        }
        let org = store.organizations().get(organization_id).await?.ok_or(ServiceError::NotFound)?;
        let uploader = store.users().get(upload.uploaded_by()).await?;
        let today = self.core.today();
        let now = self.core.now();
        let (group, rows) = match content {
            BlanketContent::Refused { reason, row } => {
                upload.refuse(reason.as_ref(), row);
                let mut change = self.refused_change(&upload, reason.rule())?;
                if let Some(u) = &uploader {
                    // Its own e-mail, saying why (and where), never "0 registered, 0 errors".
                    let job = NotificationJob::new(
                        NotificationKind::BlanketUploadRefused,
                        format!("blanket_upload:{}", upload.id()),
                        vec![user_addressee(u)],
                    )
                    .with("upload_id", upload.id())
                    .with("file_name", shown_name(&upload))
                    .with("reason_ja", reason.message_ja())
                    .with("reason_en", reason.to_string());
                    self.core.enqueue(&mut change, &job)?;
                }
                self.core.commit(change).await?;
                return Ok(upload.into_inner());
            }
            BlanketContent::Rows { screen_group, rows } => (screen_group, rows),
        };
        let mut tally = Tally::new(now);
        // New applications go in batched transactions; a person already in the batch (the same card twice
        // in one file) or one with an open application goes the one-row way, after the batch is written.
        let mut batch = NewRows::new(now);
        // Every row parsed first, then the people of the organization's list they name read in one go.
        let parsed: Vec<_> = rows.iter().map(|row| ApplicationForm::parse_with_facts(&row.input, today)).collect();
        // Who each row is for, whole or not (a row with errors is checked against the list too): a resident by
        // the card, a person on no list by the passport.
        let person_of = |p: &Result<ApplicationForm, Box<(_, zairyu_domain::form::FormFacts)>>| match p {
            Ok(form) => Some(form.person_key()),
            Err(rejected) => rejected.1.person_key(),
        };
        let persons: Vec<PersonKey> = parsed.iter().filter_map(person_of).collect();
        // The rows of each person: one person on two rows is an error of each, naming the other.
        let mut rows_of: std::collections::HashMap<_, Vec<u32>> = std::collections::HashMap::new();
        for (row, p) in rows.iter().zip(&parsed) {
            if let Some(person) = person_of(p) {
                rows_of.entry(person).or_default().push(row.number);
            }
        }
        let listed = Self::listed(store, org.id(), &persons).await?;
        // Each person's error item of an earlier upload, if any, in one batched read.
        let named: Vec<PersonKey> = rows_of.keys().cloned().collect();
        let ids = named.iter().map(|c| person_entry_id(org.id(), c)).collect::<Result<Vec<_>, _>>()?;
        let found = store.applications().entries(&ids).await?;
        tally.earlier = named.into_iter().zip(found).filter_map(|(c, e)| e.map(|e| (c, e))).collect();
        for (row, parsed) in rows.iter().zip(parsed) {
            let card = person_of(&parsed);
            let others: Vec<u32> = card
                .as_ref()
                .and_then(|card| rows_of.get(card))
                .map(|r| r.iter().copied().filter(|n| *n != row.number).collect())
                .unwrap_or_default();
            let outcome = match parsed {
                // Q42: every error of the row at once, the eligibility rules on what did read with its own.
                Err(rejected) => {
                    let (v, facts) = *rejected;
                    let person = facts.person_key().and_then(|p| listed.get(&p).cloned()).flatten();
                    let person = person.as_ref();
                    Err(with_eligibility(v, Filer::of(&org), person, &facts, today).0)
                }
                Ok(form) => {
                    let person = form.person_key();
                    match check_eligibility(Filer::of(&org), listed.get(&person).and_then(Option::as_ref), &form, today)
                    {
                        Ok(_) => Ok((form, person)),
                        Err(v) => Err(v.0),
                    }
                }
            };
            let named_by = card.as_ref().map_or("residence_card_number", person_field);
            let outcome = match outcome {
                _ if others.is_empty() => outcome,
                Ok(_) => Err(vec![Violation::new(named_by, &OnOtherRows(others))]),
                Err(mut v) => {
                    v.insert(0, Violation::new(named_by, &OnOtherRows(others)));
                    Err(v)
                }
            };
            let id = row_application_id(org.id(), file_hash, row.number)?;
            let (form, card) = match outcome {
                Ok(read) => read,
                Err(violations) => {
                    tally.fail(self, &upload, row, id, card.as_ref(), &violations, to_errors).await?;
                    continue;
                }
            };
            if !batch.has(&card) && store.applications().open_for(&card, form.procedure).await?.is_none() {
                if batch.is_full() {
                    self.write_batch(&org, &upload, &mut batch, &mut tally, to_errors).await?;
                }
                let app = Application::new(id, org.id().clone(), upload.uploaded_by().clone(), form);
                batch.push(row, app, card)?;
                continue;
            }
            self.write_batch(&org, &upload, &mut batch, &mut tally, to_errors).await?;
            self.register_one(&org, &upload, row, &id, form, card, &mut tally, to_errors).await?;
        }
        self.write_batch(&org, &upload, &mut batch, &mut tally, to_errors).await?;
        tally.close_resolved(self, &upload).await?;
        let Tally { registered, updated, failed, errors, .. } = tally;
        store.commit(errors).await?;
        upload.register(group, registered, updated, failed);
        let kind =
            if failed == 0 { NotificationKind::BlanketUploadCompleted } else { NotificationKind::BlanketUploadFailed };
        let event = self.core.event(
            "system",
            AuditAction::BlanketRegistered,
            format!("upload:{}", upload.id()),
            None,
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        change.save(&upload)?;
        change.settle_upload(&upload);
        if let Some(u) = &uploader {
            let job = NotificationJob::new(kind, format!("blanket_upload:{}", upload.id()), vec![user_addressee(u)])
                .with("upload_id", upload.id())
                .with("file_name", shown_name(&upload))
                .with("rows_registered", registered.to_string())
                .with("rows_updated", upload.rows_updated().to_string())
                .with("rows_failed", failed.to_string());
            self.core.enqueue(&mut change, &job)?;
        }
        self.core.commit(change).await?;
        Ok(upload.into_inner())
    }

    /// Writes the batch of new applications in one transaction. If any was taken meanwhile (a registration
    /// run again after a crash, or another upload of the same person), each goes the one-row way instead.
    async fn write_batch(
        &self,
        org: &Organization,
        upload: &BlanketUpload,
        batch: &mut NewRows<'_>,
        tally: &mut Tally,
        to_errors: RowErrorMapper<'_>,
    ) -> Result<(), ServiceError> {
        let (change, pending) = batch.take();
        if pending.is_empty() {
            return Ok(());
        }
        match self.core.store().commit(change).await {
            Ok(_) => {
                tally.registered += u32::try_from(pending.len()).unwrap_or(u32::MAX);
                tally.registered_cards.extend(pending.into_iter().map(|(_, _, card)| card));
                Ok(())
            }
            Err(crate::ports::StoreError::ConditionFailed) => {
                for (row, app, card) in pending {
                    let id = app.id().clone();
                    self.register_one(org, upload, row, &id, app.form().clone(), card, tally, to_errors).await?;
                }
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// One valid row the one-row way ([`Blanket::register_row`]), counted.
    #[allow(clippy::too_many_arguments)]
    async fn register_one(
        &self,
        org: &Organization,
        upload: &BlanketUpload,
        row: &BlanketRow,
        id: &ApplicationId,
        form: ApplicationForm,
        card: PersonKey,
        tally: &mut Tally,
        to_errors: RowErrorMapper<'_>,
    ) -> Result<(), ServiceError> {
        match self.register_row(org, upload, id, form, tally.now).await? {
            RowOutcome::Added => {
                tally.registered += 1;
                tally.registered_cards.push(card);
            }
            RowOutcome::Updated => {
                tally.registered += 1;
                tally.updated += 1;
                tally.registered_cards.push(card);
            }
            RowOutcome::Refused(e) => {
                let violations = [Violation::new(person_field(&card), &e)];
                tally.fail(self, upload, row, id.clone(), Some(&card), &violations, to_errors).await?;
            }
        }
        Ok(())
    }

    /// The list entry each person of a file is checked against: the organization's own, by card, in one
    /// batched read; a passport's on any list (one query each: a file holds one procedure, so it holds
    /// cards or passports).
    async fn listed(
        store: &crate::store::Store,
        org: &OrganizationId,
        persons: &[PersonKey],
    ) -> Result<std::collections::HashMap<PersonKey, Option<zairyu_domain::organization::ForeignNational>>, ServiceError>
    {
        let cards: Vec<ResidenceCardNumber> = persons
            .iter()
            .filter_map(|p| match p {
                PersonKey::Card(card) => Some(card.clone()),
                PersonKey::Passport { .. } => None,
            })
            .collect();
        let people = store.organizations().people_by_card(org, &cards).await?;
        let mut listed: std::collections::HashMap<_, _> = cards.into_iter().map(PersonKey::Card).zip(people).collect();
        for person in persons.iter().filter(|p| matches!(p, PersonKey::Passport { .. })) {
            if !listed.contains_key(person) {
                let found = store.organizations().listed(org, person).await?;
                listed.insert(person.clone(), found);
            }
        }
        Ok(listed)
    }

    /// One valid row: a new application, unless the foreign national already has an open one — then this
    /// organization's entered one ("Input completed") takes the row's input, and any other refuses the row.
    /// The same row of the same file is one application however often it comes (its ID is the row's).
    async fn register_row(
        &self,
        org: &Organization,
        upload: &BlanketUpload,
        id: &ApplicationId,
        form: ApplicationForm,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<RowOutcome, ServiceError> {
        let store = self.core.store();
        let open = store.applications().open_for(&form.person_key(), form.procedure).await?;
        match open {
            Some(open) if open.id() == id => Ok(RowOutcome::Added),
            Some(mut open)
                if open.organization_id() == org.id() && open.status() == ApplicationStatus::InputCompleted =>
            {
                if open.form() == &form {
                    return Ok(RowOutcome::Updated);
                }
                open.update_form(form)?;
                let event = self.core.event(
                    upload.uploaded_by().as_str(),
                    AuditAction::ApplicationCorrect,
                    format!("application:{}", open.id()),
                    None,
                    Outcome::Success,
                );
                let mut change = self.core.change(&event)?;
                change.save(&open)?;
                self.core.commit(change).await?;
                Ok(RowOutcome::Updated)
            }
            Some(open) => Ok(RowOutcome::Refused(open.refuses_another_for(org.id()))),
            None => {
                let app = Application::new(id.clone(), org.id().clone(), upload.uploaded_by().clone(), form);
                if store.applications().add_if_absent(&app, now).await? || store.applications().get(id).await?.is_some()
                {
                    Ok(RowOutcome::Added)
                } else {
                    // The open claim was taken meanwhile by another application for the same person.
                    let open = store.applications().open_for(&app.form().person_key(), app.procedure()).await?;
                    let refusal = open.map_or(ApplicationError::AlreadyOpen(None), |o| o.refuses_another_for(org.id()));
                    Ok(RowOutcome::Refused(refusal))
                }
            }
        }
    }

    /// Whether an upload still takes its file: a link works once — after its file was registered or refused,
    /// another PUT to it is turned away and the stored file stays as it was.
    pub async fn takes_file(&self, organization_id: &OrganizationId, upload_id: &str) -> Result<bool, ServiceError> {
        let upload = self.core.store().uploads().get(organization_id, upload_id).await?;
        Ok(upload.is_some_and(|u| u.state() == UploadState::AwaitingFile))
    }

    /// Q40: a new upload for the caller's organization and the link its file goes to (straight to the
    /// object store, valid 15 minutes).
    #[tracing::instrument(skip_all)]
    pub async fn begin_blanket_upload(
        &self,
        caller: &Caller,
        file_name: Option<UploadFileName>,
        size: u64,
    ) -> Result<(BlanketUpload, PresignedUpload), ServiceError> {
        let org = uploader(caller)?;
        let size = match FileSize::parse(size) {
            Ok(size) => Ok(size),
            Err(FileSizeError::Empty) => return Err(invalid("size", &FileSizeError::Empty)),
            Err(too_large) => Err(too_large),
        };
        let upload = self.start_named_upload(&org, &caller.user_id, file_name).await?;
        let size = match size {
            Ok(size) => size,
            Err(too_large) => {
                // Ends at once, refused, with its e-mail; no link is given.
                let refused = BlanketContent::Refused { reason: Box::new(too_large), row: None };
                self.register_blanket(&org, upload.id(), "", refused, &|_, _| Vec::new()).await?;
                return Err(FileTooLarge { upload_id: upload.id().to_owned() }.into());
            }
        };
        let key = upload_key(&org, upload.id());
        let link = self.uploads.presign_put(&key, XLSX_CONTENT_TYPE, size.bytes(), UPLOAD_LINK_VALIDITY).await?;
        Ok((upload, link))
    }

    /// Q40: an upload started from a page. Its file comes from the browser through [`Self::upload_form`],
    /// whose size is not known until it arrives (the store takes up to [`FORM_MAX_BYTES`], processing refuses
    /// what is over the limit with its reason).
    #[tracing::instrument(skip_all)]
    pub async fn begin_form_upload(&self, caller: &Caller) -> Result<BlanketUpload, ServiceError> {
        let org = uploader(caller)?;
        self.start_named_upload(&org, &caller.user_id, None).await
    }

    /// The form that sends the file of `upload` (one of the caller's organization's) while it waits for one
    /// and its time to take a file lasts ([`UPLOAD_LINK_VALIDITY`] from its start, as an upload link's: after
    /// that the sweep ends it): `None` otherwise. Once the file is stored, the browser goes to `redirect`.
    #[tracing::instrument(skip_all)]
    pub async fn upload_form(
        &self,
        caller: &Caller,
        upload: &BlanketUpload,
        redirect: &str,
    ) -> Result<Option<PresignedForm>, ServiceError> {
        let org = uploader(caller)?;
        if upload.organization_id() != &org {
            return Err(ServiceError::NotFound);
        }
        if upload.state() != UploadState::AwaitingFile {
            return Ok(None);
        }
        let validity = chrono::TimeDelta::from_std(UPLOAD_LINK_VALIDITY).unwrap_or_default();
        // Negative once the time is over: no form.
        let Ok(left) = (upload.created_at() + validity - self.core.now()).to_std() else { return Ok(None) };
        if left.is_zero() {
            return Ok(None);
        }
        let key = upload_key(&org, upload.id());
        Ok(Some(self.uploads.presign_form(&key, XLSX_CONTENT_TYPE, FORM_MAX_BYTES, left, redirect).await?))
    }

    /// Q42: the caller's organization's uploads, newest first, to find an upload's errors again later.
    #[tracing::instrument(skip_all)]
    pub async fn blanket_uploads(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<BlanketUpload>, ServiceError> {
        let org = caller.organization_id.clone().ok_or(ServiceError::Forbidden)?;
        Ok(self.core.store().uploads().of_organization(&org, after, limit).await?)
    }

    /// Q42, Q43: an upload of the caller's organization and its row errors.
    #[tracing::instrument(skip_all)]
    pub async fn blanket_upload(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(BlanketUpload, Vec<RowError>), ServiceError> {
        let org = caller.organization_id.clone().ok_or(ServiceError::Forbidden)?;
        let store = self.core.store();
        let upload = store.uploads().get(&org, id).await?.ok_or(ServiceError::NotFound)?.into_inner();
        let errors = store.uploads().all_row_errors(upload.id()).await?;
        Ok((upload, errors))
    }

    /// The file stored under an upload key, if it is there.
    #[tracing::instrument(skip_all)]
    pub async fn uploaded_file(&self, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        Ok(self.uploads.get(key).await?)
    }

    /// Q40, Q41: the template of one procedure and input-screen group, made by `make` once per template
    /// version and kept
    /// in the templates store (a template that cannot be kept is served anyway, and logged).
    #[tracing::instrument(skip_all)]
    pub async fn template<E: std::error::Error>(
        &self,
        procedure: zairyu_domain::procedure::Procedure,
        group: ScreenGroup,
        version: &str,
        make: impl FnOnce(zairyu_domain::procedure::Procedure, ScreenGroup) -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, ServiceError> {
        let key = format!("templates/{}-{}-v{version}.xlsx", procedure.template_code(), group.code());
        match self.templates.get(&key).await {
            Ok(Some(bytes)) => return Ok(bytes),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %ServiceError::from(e).log_chain(), "the kept template could not be read; made anew")
            }
        }
        let bytes = make(procedure, group).map_err(|e| {
            tracing::error!(error = %e, "the blanket template could not be made");
            ServiceError::Store(crate::ports::StoreError::Invalid("the blanket template could not be made".into()))
        })?;
        if let Err(e) = self.templates.put(&key, bytes.clone(), XLSX_CONTENT_TYPE).await {
            tracing::warn!(error = %ServiceError::from(e).log_chain(), "the template could not be kept; served anyway");
        }
        Ok(bytes)
    }
}

/// The name an e-mail gives an upload's file: the name the user's computer gave it, else the upload's ID.
fn shown_name(upload: &BlanketUpload) -> String {
    // A file whose name was not told: named by when its upload started, as the uploads list shows it.
    upload.file_name().map_or_else(|| zairyu_domain::jst::minute(upload.created_at()), |n| n.as_str().to_owned())
}

/// The largest file a page's form sends to the store: twice the limit, so that a file somewhat over 5 MB
/// still arrives and is refused with its reason on the upload's page (Q41), not with the store's bare
/// error; the store refuses anything larger.
pub const FORM_MAX_BYTES: u64 = 2 * zairyu_domain::blanket::MAX_FILE_BYTES as u64;

/// The organization an upload of the caller's belongs to: organizations' users upload, officers do not.
fn uploader(caller: &Caller) -> Result<OrganizationId, ServiceError> {
    let org = caller.organization_id.clone().ok_or(ServiceError::Forbidden)?;
    if matches!(caller.kind, UserKind::Officer { .. }) {
        return Err(ServiceError::Forbidden);
    }
    Ok(org)
}

/// How long an upload link takes its file.
pub const UPLOAD_LINK_VALIDITY: std::time::Duration = std::time::Duration::from_secs(900);
/// After the link expired, how long a file sent at its last moment may take to be stored and reported.
pub const FILE_ARRIVAL_GRACE: std::time::Duration = std::time::Duration::from_secs(300);

/// An upload that has not ended: its registration was cut off, or it is still waiting for its file.
pub struct Unfinished {
    /// As read, with its version: ending it is refused if anything changed it meanwhile.
    pub upload: Stored<BlanketUpload>,
    /// Its link expired (with the grace for a late file): with no file stored, it ends.
    pub link_expired: bool,
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
