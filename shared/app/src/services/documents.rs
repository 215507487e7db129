//! Documents of proof (立証資料), uploaded by the filer with an application or when the office asks for more:
//! each named with what it proves, sent straight to the object store (presigned, the functions never carry
//! the file), then read back and checked by its content before the application takes it; seen and opened
//! by the officers of the application's office, every upload and every opening in the audit trail.
//!
//! A document's life: started (named, its link given) → its file arrives → received: checked, and either
//! accepted with the application (in one transaction: the application's documents and status, the
//! document, the audit event) or refused with the reason (the file deleted). Receiving is idempotent:
//! whoever comes first (the browser sent on by the store, the API's `complete`, the list page) does it.

use std::time::Duration;

use zairyu_domain::application::{Application, ApplicationError, Document, DocumentId, DocumentState, DocumentTitle};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::document::{DocumentError, DocumentKind, check_document};
use zairyu_domain::error::{Localized, Text};
use zairyu_domain::status::Actor;

use super::{Caller, Core};
use crate::error::{ServiceError, invalid};
use crate::ports::{BlobStore, PresignedForm, PresignedUpload};
use crate::store::{MAX_DOCUMENT_RECORDS, Stored};

/// How long an upload link takes its file (as a blanket file's).
pub const DOCUMENT_LINK_VALIDITY: Duration = Duration::from_secs(15 * 60);

/// How long an officer's download link reads its file: long enough to start the download, not to share.
pub const DOWNLOAD_LINK_VALIDITY: Duration = Duration::from_secs(60);

/// Objects are stored as bytes; their kind is what the check found, given when they are read.
const STORED_TYPE: &str = "application/octet-stream";

/// Times a receipt is tried again when the application changed meanwhile (another document, an office step).
const RECEIVE_ATTEMPTS: u32 = 3;

/// The prefix of documents' objects in the photos' store.
pub const DOCUMENTS_PREFIX: &str = "documents/";

/// Where a document's file is kept: beside the application's photos, under its own prefix.
pub fn document_key(app: &Application, id: &DocumentId) -> String {
    format!("{DOCUMENTS_PREFIX}{}/{}/{}", app.organization_id(), app.id(), id)
}

/// The filer's side of documents of proof ([`crate::Applications::documents`]).
pub struct Documents<'a> {
    core: &'a Core,
    /// The store of the facial photos: encrypted, backed up, kept with the application.
    files: &'a dyn BlobStore,
}

impl<'a> Documents<'a> {
    pub(crate) fn new(core: &'a Core, files: &'a dyn BlobStore) -> Self {
        Self { core, files }
    }

    async fn own_application(&self, caller: &Caller, id: &str) -> Result<Stored<Application>, ServiceError> {
        self.core.own_application(caller, id).await
    }

    async fn own_document(
        &self,
        caller: &Caller,
        app_id: &str,
        doc_id: &str,
    ) -> Result<(Stored<Application>, Stored<Document>), ServiceError> {
        let app = self.own_application(caller, app_id).await?;
        let id = DocumentId::parse(doc_id).map_err(|_| ServiceError::NotFound)?;
        let doc = self.core.store().documents().get(app.id(), &id).await?.ok_or(ServiceError::NotFound)?;
        Ok((app, doc))
    }

    /// Starts a document of one of the organization's applications: named with what it proves, and (when the
    /// caller knows it) its file's name and size, refused at once if it cannot fit. The file is sent next, to
    /// a link of [`Self::upload_link`] or [`Self::upload_form`].
    #[tracing::instrument(skip_all)]
    pub async fn start_document(
        &self,
        caller: &Caller,
        app_id: &str,
        title: &str,
        file_name: Option<&str>,
        size: Option<u64>,
    ) -> Result<Document, ServiceError> {
        let app = self.own_application(caller, app_id).await?;
        let title = DocumentTitle::parse(title).map_err(|e| invalid("title", &e))?;
        let file_name = file_name
            .filter(|n| !n.trim().is_empty())
            .map(Text::<200>::parse)
            .transpose()
            .map_err(|e| invalid("file_name", &e))?;
        app.takes_documents(Actor::OrganizationUser)?;
        let room = app.document_room();
        if let Some(bytes) = size {
            if bytes == 0 {
                return Err(invalid("size", &DocumentError::Empty));
            }
            if bytes > room {
                return Err(invalid("size", &DocumentError::TooLarge { bytes, room }));
            }
        }
        if room == 0 {
            return Err(invalid("size", &DocumentError::TooLarge { bytes: 1, room }));
        }
        let records = self.core.store().documents().of_application(app.id()).await?;
        if records.len() >= MAX_DOCUMENT_RECORDS as usize {
            return Err(ApplicationError::TooManyDocuments.into());
        }
        let now = self.core.now();
        let validity = chrono::Duration::from_std(DOCUMENT_LINK_VALIDITY).unwrap_or_else(|_| chrono::Duration::zero());
        let id = DocumentId::parse(&self.core.new_id()).map_err(|e| ServiceError::Store(invalid_id(e)))?;
        let doc = Document::start(
            id,
            app.id().clone(),
            app.organization_id().clone(),
            title,
            file_name,
            caller.user_id.clone(),
            now,
            app.documents_requested(),
            size.unwrap_or(room),
            now + validity,
        );
        let mut change = crate::store::UnitOfWork::new(now);
        change.add(&doc)?;
        self.core.commit(change).await?;
        Ok(doc)
    }

    /// The name of the file a page's form is about to send (the page cannot send it with the file): once,
    /// while the document waits; its extension must then agree with the content.
    pub async fn name_document(
        &self,
        caller: &Caller,
        app_id: &str,
        doc_id: &str,
        name: &str,
    ) -> Result<(), ServiceError> {
        let name = Text::<200>::parse(name).map_err(|e| invalid("name", &e))?;
        let (_, mut doc) = self.own_document(caller, app_id, doc_id).await?;
        doc.name_file(name).map_err(|_| ServiceError::Conflict)?;
        let mut change = crate::store::UnitOfWork::new(self.core.now());
        change.save(&doc)?;
        self.core.commit(change).await
    }

    /// A link taking exactly the size the document was started with (for an API client, which knows it).
    pub async fn upload_link(&self, caller: &Caller, doc: &Document) -> Result<PresignedUpload, ServiceError> {
        let (app, doc) = self.own_document(caller, doc.application_id().as_str(), doc.id().as_str()).await?;
        let DocumentState::AwaitingFile { max_bytes, .. } = doc.state() else {
            return Err(ServiceError::Conflict);
        };
        Ok(self.files.presign_put(&document_key(&app, doc.id()), STORED_TYPE, *max_bytes, self.left(&doc)).await?)
    }

    /// A form a browser sends the file with, straight to the store, then on to `redirect`; `None` once the
    /// document no longer waits for a file (or its time is over).
    pub async fn upload_form(
        &self,
        caller: &Caller,
        doc: &Document,
        redirect: &str,
    ) -> Result<Option<PresignedForm>, ServiceError> {
        let app = self.own_application(caller, doc.application_id().as_str()).await?;
        let DocumentState::AwaitingFile { max_bytes, .. } = doc.state() else { return Ok(None) };
        if !doc.takes_file(self.core.now()) {
            return Ok(None);
        }
        let key = document_key(&app, doc.id());
        Ok(Some(self.files.presign_form(&key, STORED_TYPE, *max_bytes, self.left(doc), redirect).await?))
    }

    fn left(&self, doc: &Document) -> Duration {
        match doc.state() {
            DocumentState::AwaitingFile { until, .. } => {
                (*until - self.core.now()).to_std().unwrap_or(Duration::ZERO).max(Duration::from_secs(1))
            }
            _ => Duration::from_secs(1),
        }
    }

    /// Receives a document's file if it has arrived: checked by content, then accepted with the application
    /// or refused with the reason; the document as it stands (still waiting when no file came; gone, `None`,
    /// when its time ended without one).
    #[tracing::instrument(skip_all)]
    pub async fn receive_document(
        &self,
        caller: &Caller,
        app_id: &str,
        doc_id: &str,
    ) -> Result<Option<Document>, ServiceError> {
        for _ in 0..RECEIVE_ATTEMPTS {
            let (app, doc) = self.own_document(caller, app_id, doc_id).await?;
            match self.try_receive(caller, app, doc).await {
                Err(ServiceError::Conflict) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Conflict)
    }

    async fn try_receive(
        &self,
        caller: &Caller,
        mut app: Stored<Application>,
        mut doc: Stored<Document>,
    ) -> Result<Option<Document>, ServiceError> {
        if !matches!(doc.state(), DocumentState::AwaitingFile { .. }) {
            return Ok(Some(doc.into_inner()));
        }
        let key = document_key(&app, doc.id());
        let now = self.core.now();
        let Some(bytes) = self.files.get(&key).await? else {
            if doc.takes_file(now) {
                return Ok(Some(doc.into_inner()));
            }
            // Its time is over and nothing came: the document goes (a file arriving later is never taken).
            let mut change = crate::store::UnitOfWork::new(now);
            change.remove(&doc)?;
            self.core.commit(change).await?;
            return Ok(None);
        };
        let max = match doc.state() {
            DocumentState::AwaitingFile { max_bytes, .. } => *max_bytes,
            _ => 0,
        };
        let checked = check_document(&bytes, doc.file_name(), app.document_room().min(max));
        drop(bytes);
        let refusal: Option<Box<dyn Localized + Send>> = match checked {
            Ok(info) => match app.add_document(Actor::OrganizationUser, &info) {
                Ok(()) => {
                    doc.accept(info, now).map_err(|_| ServiceError::Conflict)?;
                    None
                }
                Err(e) => Some(Box::new(e)),
            },
            Err(e) => Some(Box::new(e)),
        };
        let outcome = match &refusal {
            None => Outcome::Success,
            Some(why) => Outcome::Refused(why.rule().to_owned()),
        };
        if let Some(why) = &refusal {
            doc.refuse(why.as_ref(), now).map_err(|_| ServiceError::Conflict)?;
        }
        let subject = format!("application:{}", app.id());
        let mut event = self.core.event(
            caller.user_id.as_str(),
            AuditAction::ApplicationDocument,
            subject,
            caller.from.clone(),
            outcome,
        );
        event.part = Some(format!("document:{}", doc.id()));
        let mut change = self.core.change(&event)?;
        if refusal.is_none() {
            change.save(&app)?;
        }
        change.save(&doc)?;
        self.core.commit(change).await?;
        if refusal.is_some() {
            // Refused: the file is not kept (a failed delete leaves an object no document shows; the
            // application's deletion removes its prefix whole).
            if let Err(e) = self.files.delete(&key).await {
                tracing::warn!(error = %ServiceError::from(e).log_chain(), "a refused document's file was not deleted");
            }
        }
        Ok(Some(doc.into_inner()))
    }

    /// The documents of one of the organization's applications, oldest first; those whose file has arrived
    /// are received first, so the list says what became of each.
    #[tracing::instrument(skip_all)]
    pub async fn documents(&self, caller: &Caller, app_id: &str) -> Result<(Application, Vec<Document>), ServiceError> {
        let app = self.own_application(caller, app_id).await?;
        let mut out = Vec::new();
        for doc in self.core.store().documents().of_application(app.id()).await? {
            if matches!(doc.state(), DocumentState::AwaitingFile { .. }) {
                if let Some(d) = self.receive_document(caller, app_id, doc.id().as_str()).await? {
                    out.push(d);
                }
            } else {
                out.push(doc.into_inner());
            }
        }
        let app = self.own_application(caller, app_id).await?.into_inner();
        Ok((app, out))
    }

    /// The documents of one of the organization's applications as they stand, oldest first: nothing is
    /// received here (the API's list, served where the files are never read).
    pub async fn documents_as_they_stand(
        &self,
        caller: &Caller,
        app_id: &str,
    ) -> Result<(Application, Vec<Document>), ServiceError> {
        let app = self.own_application(caller, app_id).await?;
        let docs = self.core.store().documents().of_application(app.id()).await?;
        Ok((app.into_inner(), docs.into_iter().map(Stored::into_inner).collect()))
    }

    /// One document of one of the organization's applications (received first if its file has arrived).
    pub async fn document(&self, caller: &Caller, app_id: &str, doc_id: &str) -> Result<Document, ServiceError> {
        self.receive_document(caller, app_id, doc_id).await?.ok_or(ServiceError::NotFound)
    }
}

/// An ID the `Ids` port issued that is not one: our bug.
fn invalid_id(e: zairyu_domain::application::IdError) -> crate::ports::StoreError {
    crate::ports::StoreError::Invalid(e.to_string())
}

/// The accepted documents of an application, for its office (waiting and refused ones are the filer's own
/// business).
pub(crate) async fn accepted_documents(core: &Core, app: &Application) -> Result<Vec<Document>, ServiceError> {
    Ok(core
        .store()
        .documents()
        .of_application(app.id())
        .await?
        .into_iter()
        .map(Stored::into_inner)
        .filter(|d| d.accepted().is_some())
        .collect())
}

/// A link an officer downloads one accepted document with, its opening first written to the trail.
pub(crate) async fn open_document(
    core: &Core,
    files: &dyn BlobStore,
    caller: &Caller,
    app: &Application,
    doc_id: &str,
) -> Result<String, ServiceError> {
    let id = DocumentId::parse(doc_id).map_err(|_| ServiceError::NotFound)?;
    let doc = core.store().documents().get(app.id(), &id).await?.ok_or(ServiceError::NotFound)?;
    let (Some(info), Some(name)) = (doc.accepted(), doc.download_name()) else {
        return Err(ServiceError::NotFound);
    };
    let mut event = core.event(
        caller.user_id.as_str(),
        AuditAction::OpenDocument,
        format!("application:{}", app.id()),
        caller.from.clone(),
        Outcome::Success,
    );
    event.part = Some(format!("document:{}", doc.id()));
    core.commit(core.change(&event)?).await?;
    let kind: DocumentKind = info.kind;
    Ok(files.presign_get(&document_key(app, doc.id()), kind.media_type(), &name, DOWNLOAD_LINK_VALIDITY).await?)
}
