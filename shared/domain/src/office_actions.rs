//! The immigration officers' side of an application (Q22, Q34, Q46–Q49, Q51, Q53–Q71): the office's queue,
//! examination, the residence card and withdrawals. An officer acts only on applications of the office's
//! own jurisdiction (the office the application names), unless an admin; another office's application
//! reads as missing, as another organization's does for users.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::account::UserKind;
use crate::application::{Application, ApplicationId, Collector, PostDocuments};
use crate::audit::Outcome;
use crate::form::Attachment;
use crate::job::NotificationJob;
use crate::jst::JstDate;
use crate::notification::NotificationKind;
use crate::office::Office;
use crate::period::PeriodOfStay;
use crate::ports::Cursor;
use crate::service::{Caller, Ports, ServiceError};
use crate::status::{Actor, ApplicationStatus, OfficerRole, Transition};
use crate::store::{Records, Store};

/// What an officer does to an application.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action", deny_unknown_fields)]
pub enum OfficeAction {
    StartExamination,
    /// Q22: documents of proof, asked for individually.
    RequestDocuments,
    Permit {
        period_of_stay: PeriodOfStay,
        expiry_date: JstDate,
    },
    Deny,
    /// Q55: what arrived by post for a card to be posted.
    RecordPostDocuments {
        fee_notice_received: bool,
        fee_notice_signed: bool,
        old_card_returned: bool,
    },
    /// Q69, Q71: the card is issued and posted on this day.
    IssueCardByPost {
        dispatched_on: JstDate,
    },
    /// Q54, Q58, Q67: handed over at the counter.
    HandOverAtCounter {
        collector: Collector,
        fee_notice_signed: bool,
    },
    /// Q47, Q48.
    Withdraw,
    /// Q49.
    WithdrawAttachment {
        attachment: Attachment,
    },
}

impl OfficeAction {
    fn transition(&self) -> Transition {
        match self {
            Self::StartExamination => Transition::StartExamination,
            Self::RequestDocuments => Transition::RequestDocuments,
            Self::Permit { .. } => Transition::Permit,
            Self::Deny => Transition::Deny,
            Self::RecordPostDocuments { .. } | Self::IssueCardByPost { .. } => Transition::IssueCardByPost,
            Self::HandOverAtCounter { .. } => Transition::HandOverAtCounter,
            Self::Withdraw => Transition::Withdraw,
            Self::WithdrawAttachment { .. } => Transition::WithdrawAttached,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::StartExamination => "start_examination",
            Self::RequestDocuments => "request_documents",
            Self::Permit { .. } => "permit",
            Self::Deny => "deny",
            Self::RecordPostDocuments { .. } => "record_post_documents",
            Self::IssueCardByPost { .. } => "issue_card_by_post",
            Self::HandOverAtCounter { .. } => "hand_over_at_counter",
            Self::Withdraw => "withdraw",
            Self::WithdrawAttachment { .. } => "withdraw_attachment",
        }
    }
}

impl Caller {
    /// The caller's office and roles; officers only.
    pub fn officer(&self) -> Result<(Office, &[OfficerRole]), ServiceError> {
        match &self.kind {
            UserKind::Officer { office, roles } => Ok((*office, roles)),
            _ => Err(ServiceError::Forbidden),
        }
    }
}

/// The first of the officer's roles that may make the transition.
fn actor_for(roles: &[OfficerRole], transition: Transition) -> Result<Actor, ServiceError> {
    roles.iter().map(|r| Actor::Officer(*r)).find(|a| transition.permits(*a)).ok_or(ServiceError::Forbidden)
}

impl Ports {
    async fn office_application(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(Application, DateTime<Utc>), ServiceError> {
        let (office, roles) = caller.officer()?;
        let id = ApplicationId::parse(id).map_err(|_| ServiceError::NotFound)?;
        let Some((app, created)) = self.store.application_with_created_at(&id).await? else {
            return Err(ServiceError::NotFound);
        };
        if app.form.receiving_office == office || roles.contains(&OfficerRole::Admin) {
            return Ok((app, created));
        }
        let event = self.audit(
            caller.user_id.as_str(),
            "access",
            format!("application:{}", app.id),
            caller.from.clone(),
            Outcome::Refused("jurisdiction".into()),
        );
        self.audit_only(event).await?;
        Err(ServiceError::NotFound)
    }

    /// The office's applications in one status, newest receipt first, a page at a time (no scans).
    pub async fn office_queue(
        &self,
        caller: &Caller,
        office: Option<Office>,
        status: ApplicationStatus,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, ServiceError> {
        let (own, roles) = caller.officer()?;
        let office = match office {
            Some(o) if o != own && !roles.contains(&OfficerRole::Admin) => return Err(ServiceError::Forbidden),
            Some(o) => o,
            None => own,
        };
        Ok(self.store.office_queue(office, status, after, limit).await?)
    }

    /// One application, for an officer of its office.
    pub async fn office_view(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        Ok(self.office_application(caller, id).await?.0)
    }

    /// Applies one office action, with its audit event and the e-mail it causes (Q86), in one transaction.
    pub async fn office_act(
        &self,
        caller: &Caller,
        id: &str,
        action: OfficeAction,
    ) -> Result<Application, ServiceError> {
        let (_, roles) = caller.officer()?;
        let actor = actor_for(roles, action.transition())?;
        let (mut app, created) = self.office_application(caller, id).await?;
        let today = self.today();
        let kind = match &action {
            OfficeAction::StartExamination => {
                app.start_examination(actor)?;
                None
            }
            OfficeAction::RequestDocuments => {
                app.request_documents(actor)?;
                Some(NotificationKind::DocumentsRequested)
            }
            OfficeAction::Permit { period_of_stay, expiry_date } => {
                app.permit(actor, *period_of_stay, *expiry_date, today)?;
                Some(NotificationKind::ExaminationCompleted)
            }
            OfficeAction::Deny => {
                app.deny(actor, today)?;
                Some(NotificationKind::ExaminationCompleted)
            }
            OfficeAction::RecordPostDocuments { fee_notice_received, fee_notice_signed, old_card_returned } => {
                let docs = PostDocuments {
                    fee_notice_received: *fee_notice_received,
                    fee_notice_signed: *fee_notice_signed,
                    old_card_returned: *old_card_returned,
                };
                app.record_post_documents(actor, docs)?;
                None
            }
            OfficeAction::IssueCardByPost { dispatched_on } => {
                app.issue_card_by_post(actor, *dispatched_on)?;
                Some(NotificationKind::ResidenceCardIssued)
            }
            OfficeAction::HandOverAtCounter { collector, fee_notice_signed } => {
                app.hand_over_at_counter(actor, *collector, *fee_notice_signed, today)?;
                Some(NotificationKind::ResidenceCardIssued)
            }
            OfficeAction::Withdraw => {
                app.withdraw(actor)?;
                Some(NotificationKind::ApplicationWithdrawn)
            }
            OfficeAction::WithdrawAttachment { attachment } => {
                app.withdraw_attachment(actor, *attachment)?;
                Some(NotificationKind::ApplicationWithdrawn)
            }
        };
        let subject = format!("application:{}", app.id);
        let event = self.audit(
            caller.user_id.as_str(),
            &format!("office.{}", action.name()),
            subject,
            caller.from.clone(),
            Outcome::Success,
        );
        let mut jobs = Vec::new();
        if let Some(kind) = kind {
            let user = self.store.user(&app.created_by).await?;
            let number = app
                .official_receipt_number
                .map(|n| n.to_string())
                .or_else(|| app.temporary_receipt_number.as_ref().map(ToString::to_string))
                .unwrap_or_default();
            let method = match app.form.receipt_method {
                crate::status::ReceiptMethod::Counter => "counter / 窓口",
                crate::status::ReceiptMethod::Post => "post / 郵送",
            };
            let to = user.iter().map(Self::user_addressee).collect();
            jobs.push(
                NotificationJob::new(kind, format!("{}:{}:{}", kind.code(), app.id, event.id), to)
                    .with("receipt_number", number)
                    .with("receipt_method", method),
            );
        }
        let change = self.change(vec![Store::application_write(&app, created)?], &event, jobs)?;
        self.commit(change).await?;
        app.version += 1;
        Ok(app)
    }

    /// Q63: the office replaces a wrongly attached photo.
    pub async fn office_replace_photo(
        &self,
        caller: &Caller,
        id: &str,
        bytes: Vec<u8>,
    ) -> Result<Application, ServiceError> {
        let (_, roles) = caller.officer()?;
        let actor = actor_for(roles, Transition::ReplacePhoto)?;
        let loaded = self.office_application(caller, id).await?;
        self.save_with_photo(caller, loaded, bytes, None, "office.replace_photo", |app, photo| {
            app.replace_photo(actor, photo)
        })
        .await
    }
}
