//! One document of proof of an application: what it proves, who sent it, and what became of its file
//! (waiting, accepted with what the check measured, or refused with the reason). The file's own rules are
//! in [`crate::document`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ApplicationId, DocumentId, OrganizationId};
use crate::document::DocumentInfo;
use crate::error::{Localized, Text, TextError};
use crate::values::UserId;

/// What a document proves, as the user names it (e.g. 卒業証明書, "Certificate of graduation"): shown to
/// the officer and naming the file downloaded.
pub type DocumentTitle = Text<60>;

/// A title refused.
pub type DocumentTitleError = TextError;

/// Where a document is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DocumentState {
    /// Named, its upload link given, its file not yet arrived and checked.
    AwaitingFile {
        /// The most bytes the file may have (the room left when the link was made).
        max_bytes: u64,
        /// Until when the link takes the file.
        until: DateTime<Utc>,
    },
    /// Checked and kept: the officer sees it.
    Accepted { info: DocumentInfo, arrived_at: DateTime<Utc> },
    /// Checked and refused (the file deleted): the user sees why.
    Refused { rule: String, message_en: String, message_ja: String, arrived_at: DateTime<Utc> },
}

/// One document of proof of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Document {
    id: DocumentId,
    application_id: ApplicationId,
    organization_id: OrganizationId,
    title: DocumentTitle,
    /// The name of the file on the user's computer, when it was told (for the user's own list).
    file_name: Option<Text<200>>,
    uploaded_by: UserId,
    created_at: DateTime<Utc>,
    /// How many times the office had asked for documents when this one was started (0: with the filing).
    after_request: u32,
    state: DocumentState,
}

/// A document's file arrived too late, twice, or for a document no longer waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentStateError {
    #[error("the document's file has already been received")]
    NotAwaiting,
}

impl Document {
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        id: DocumentId,
        application_id: ApplicationId,
        organization_id: OrganizationId,
        title: DocumentTitle,
        file_name: Option<Text<200>>,
        uploaded_by: UserId,
        created_at: DateTime<Utc>,
        after_request: u32,
        max_bytes: u64,
        until: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            application_id,
            organization_id,
            title,
            file_name,
            uploaded_by,
            created_at,
            after_request,
            state: DocumentState::AwaitingFile { max_bytes, until },
        }
    }

    pub fn id(&self) -> &DocumentId {
        &self.id
    }
    pub fn application_id(&self) -> &ApplicationId {
        &self.application_id
    }
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }
    pub fn title(&self) -> &DocumentTitle {
        &self.title
    }
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_ref().map(Text::as_str)
    }
    pub fn uploaded_by(&self) -> &UserId {
        &self.uploaded_by
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    pub fn after_request(&self) -> u32 {
        self.after_request
    }
    pub fn state(&self) -> &DocumentState {
        &self.state
    }

    /// The accepted file's facts (`None` while it waits or when it was refused).
    pub fn accepted(&self) -> Option<&DocumentInfo> {
        match &self.state {
            DocumentState::Accepted { info, .. } => Some(info),
            _ => None,
        }
    }

    /// Whether the link still takes a file at `now`.
    pub fn takes_file(&self, now: DateTime<Utc>) -> bool {
        matches!(self.state, DocumentState::AwaitingFile { until, .. } if now <= until)
    }

    /// The name a download of it gets: its title, and the extension of its kind.
    pub fn download_name(&self) -> Option<String> {
        self.accepted().map(|info| format!("{}.{}", self.title.as_str(), info.kind.extension()))
    }

    /// The name of the file about to be sent, told by the page before the form goes to the store: once,
    /// while the document waits for its file.
    pub fn name_file(&mut self, name: Text<200>) -> Result<(), DocumentStateError> {
        self.awaiting()?;
        if self.file_name.is_some() {
            return Err(DocumentStateError::NotAwaiting);
        }
        self.file_name = Some(name);
        Ok(())
    }

    /// The file arrived and passed its check.
    pub fn accept(&mut self, info: DocumentInfo, now: DateTime<Utc>) -> Result<(), DocumentStateError> {
        self.awaiting()?;
        self.state = DocumentState::Accepted { info, arrived_at: now };
        Ok(())
    }

    /// The file arrived and was refused, for `why`.
    pub fn refuse(&mut self, why: &dyn Localized, now: DateTime<Utc>) -> Result<(), DocumentStateError> {
        self.awaiting()?;
        self.state = DocumentState::Refused {
            rule: why.rule().to_owned(),
            message_en: why.to_string(),
            message_ja: why.message_ja(),
            arrived_at: now,
        };
        Ok(())
    }

    fn awaiting(&self) -> Result<(), DocumentStateError> {
        match self.state {
            DocumentState::AwaitingFile { .. } => Ok(()),
            _ => Err(DocumentStateError::NotAwaiting),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentError, DocumentKind};

    #[test]
    fn a_document_waits_for_its_file_once() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T01:00:00Z").unwrap().with_timezone(&Utc);
        let mut d = Document::start(
            DocumentId::parse("D1").unwrap(),
            ApplicationId::parse("A1").unwrap(),
            OrganizationId::parse("O1").unwrap(),
            DocumentTitle::parse("卒業証明書").unwrap(),
            None,
            UserId::parse("CLERK01").unwrap(),
            at,
            0,
            1_000,
            at + chrono::Duration::minutes(15),
        );
        assert!(d.takes_file(at + chrono::Duration::minutes(15)));
        assert!(!d.takes_file(at + chrono::Duration::minutes(16)));
        assert_eq!(d.download_name(), None);
        let info = DocumentInfo { kind: DocumentKind::Pdf, bytes: 900, pages: 2, pixels: None };
        d.accept(info, at).unwrap();
        assert_eq!(d.accepted(), Some(&info));
        assert_eq!(d.download_name().as_deref(), Some("卒業証明書.pdf"));
        assert_eq!(d.accept(info, at), Err(DocumentStateError::NotAwaiting));
        assert_eq!(d.refuse(&DocumentError::Empty, at), Err(DocumentStateError::NotAwaiting));
        assert!(!d.takes_file(at));
    }

    #[test]
    fn a_document_keeps_its_file_s_name_told_once_and_the_request_it_answers() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T01:00:00Z").unwrap().with_timezone(&Utc);
        let start = |after: u32| {
            Document::start(
                DocumentId::parse("D2").unwrap(),
                ApplicationId::parse("A1").unwrap(),
                OrganizationId::parse("O1").unwrap(),
                DocumentTitle::parse("在職証明書").unwrap(),
                None,
                UserId::parse("CLERK01").unwrap(),
                at,
                after,
                1_000,
                at,
            )
        };
        let mut d = start(2);
        assert_eq!((d.after_request(), start(0).after_request()), (2, 0));
        assert_eq!(d.file_name(), None);
        d.name_file(Text::parse("certificate.pdf").unwrap()).unwrap();
        assert_eq!(d.file_name(), Some("certificate.pdf"));
        assert_eq!(d.name_file(Text::parse("other.pdf").unwrap()), Err(DocumentStateError::NotAwaiting));
        assert_eq!(d.file_name(), Some("certificate.pdf"));
        let mut done = start(0);
        done.refuse(&DocumentError::Empty, at).unwrap();
        assert_eq!(done.name_file(Text::parse("late.pdf").unwrap()), Err(DocumentStateError::NotAwaiting));
        assert!(matches!(done.state(), DocumentState::Refused { rule, .. } if rule == "document.empty"));
    }
}
