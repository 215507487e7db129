//! Who may take which office step, and when (Q22, Q46–Q49, Q53–Q71): one decision, from the officer's
//! roles, the office's relation to the application, its status and each step's own condition. The office's
//! pages offer exactly the steps it allows ([`Application::office_steps`]) and the examination service
//! accepts a posted step only through it ([`Application::office_step`]); the aggregate's own methods check
//! the same conditions ([`Application::step_condition`]) before the values posted with the step.

use crate::eligibility::check_post_receipt;
use crate::form::Attachment;
use crate::jst::JstDate;
use crate::office::Office;
use crate::status::{Actor, ApplicationStatus, OfficerRole, Transition, TransitionError};

use super::{Application, ApplicationError};

/// A step an officer can take with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfficeStep {
    StartExamination,
    /// Q22: more documents are asked for.
    RequestDocuments,
    /// Permit with the new period, or deny.
    Decide,
    /// Q55, Q58, Q65: the fee notice and the old card as they arrived by post.
    RecordPostDocuments,
    /// Q55, Q69: the card issued and posted.
    IssueCardByPost,
    /// Q53: post is no longer possible on the day of issuance; the card waits at the counter.
    RedirectToCounter,
    /// Q71: the posted card's delivery day.
    RecordDelivery,
    /// Q54, Q67: handed over at the counter.
    HandOverAtCounter,
    /// Q63.
    ReplacePhoto,
    /// Q49: only the re-entry or activity permission.
    WithdrawAttachment(Attachment),
    /// Q47, Q48.
    Withdraw,
}

impl OfficeStep {
    /// Every step, in the order the office's pages offer them.
    pub const ALL: [OfficeStep; 12] = [
        Self::StartExamination,
        Self::RequestDocuments,
        Self::Decide,
        Self::RecordPostDocuments,
        Self::IssueCardByPost,
        Self::RedirectToCounter,
        Self::RecordDelivery,
        Self::HandOverAtCounter,
        Self::ReplacePhoto,
        Self::WithdrawAttachment(Attachment::ReEntry),
        Self::WithdrawAttachment(Attachment::ActivityOutsideStatus),
        Self::Withdraw,
    ];

    /// The step's stable code, as a posted form names it.
    pub fn code(self) -> &'static str {
        match self {
            Self::StartExamination => "start_examination",
            Self::RequestDocuments => "request_documents",
            Self::Decide => "decide",
            Self::RecordPostDocuments => "record_post_documents",
            Self::IssueCardByPost => "issue_card_by_post",
            Self::RedirectToCounter => "redirect_to_counter",
            Self::RecordDelivery => "record_delivery",
            Self::HandOverAtCounter => "hand_over_at_counter",
            Self::ReplacePhoto => "replace_photo",
            Self::WithdrawAttachment(Attachment::ReEntry) => "withdraw_re_entry",
            Self::WithdrawAttachment(Attachment::ActivityOutsideStatus) => "withdraw_activity",
            Self::Withdraw => "withdraw",
        }
    }

    /// The step a code names, or `None`: never a default.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The transition whose roles may take the step (the records of what arrived by post and of the
    /// delivery belong to the card's issuance by post).
    pub fn transition(self) -> Transition {
        match self {
            Self::StartExamination => Transition::StartExamination,
            Self::RequestDocuments => Transition::RequestDocuments,
            Self::Decide => Transition::Permit,
            Self::RecordPostDocuments | Self::IssueCardByPost | Self::RecordDelivery => Transition::IssueCardByPost,
            Self::RedirectToCounter => Transition::RedirectToCounter,
            Self::HandOverAtCounter => Transition::HandOverAtCounter,
            Self::ReplacePhoto => Transition::ReplacePhoto,
            Self::WithdrawAttachment(_) => Transition::WithdrawAttached,
            Self::Withdraw => Transition::Withdraw,
        }
    }

    /// Whether the step may be taken where the office stands to the application: the office where the card
    /// is collected only hands it over.
    fn at(self, relation: OfficeRelation) -> bool {
        match relation {
            OfficeRelation::Jurisdiction => true,
            OfficeRelation::CardCollectedHere => self == Self::HandOverAtCounter,
        }
    }
}

/// How an officer's office stands to an application (Q46–Q49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfficeRelation {
    /// The office with jurisdiction over the applicant's area of residence (an admin acts as one everywhere).
    Jurisdiction,
    /// Only the office where the card is collected: it sees the application and hands the card over.
    CardCollectedHere,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefused {
    /// The step is not this office's: an application of another office reads as missing.
    NotThisOffice,
    /// None of the officer's roles may take the step.
    Role,
    /// Not now: the application's status, or the step's own condition.
    Now(ApplicationError),
}

/// A step the organization's user can take with its application, as its pages offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStep {
    /// Change what was entered (the check page's "change").
    ChangeEntry,
    /// Attach or replace the facial photo (Q23).
    AttachPhoto,
    /// File it (Q32), once the photo is attached.
    Submit,
    /// Discard what was entered.
    Discard,
    /// Change how the card is received (Q53).
    ChangeReceiptMethod,
}

impl UserStep {
    pub const ALL: [UserStep; 5] =
        [Self::ChangeEntry, Self::AttachPhoto, Self::Submit, Self::Discard, Self::ChangeReceiptMethod];

    /// The transition whose status decides the step (a photo goes with the entry's change).
    fn transition(self) -> Transition {
        match self {
            Self::ChangeEntry | Self::AttachPhoto => Transition::ChangeEntry,
            Self::Submit => Transition::Submit,
            Self::Discard => Transition::Discard,
            Self::ChangeReceiptMethod => Transition::ChangeReceiptMethod,
        }
    }
}

impl Application {
    /// What the organization's user can do with the application as it stands: each step whose transition
    /// the state machine allows a user from the status (filing once the photo is attached). The one
    /// decision the pages offer by; the aggregate's methods refuse the rest by the same transitions.
    pub fn user_steps(&self) -> Vec<UserStep> {
        let user = Actor::OrganizationUser;
        UserStep::ALL
            .into_iter()
            .filter(|s| s.transition().apply(user, self.status, self.form.receipt_method).is_ok())
            .filter(|s| *s != UserStep::Submit || self.photo_in_order())
            // A certificate's application carries no photo.
            .filter(|s| *s != UserStep::AttachPhoto || self.form.procedure.needs_photo())
            .collect()
    }

    /// How the office stands to the application, for an officer of these roles; `None` where the
    /// application is none of its business (it then reads as missing).
    pub fn office_relation(&self, office: Office, roles: &[OfficerRole]) -> Option<OfficeRelation> {
        if self.jurisdiction() == office || roles.contains(&OfficerRole::Admin) {
            Some(OfficeRelation::Jurisdiction)
        } else if self.form.receiving_office == office {
            Some(OfficeRelation::CardCollectedHere)
        } else {
            None
        }
    }

    /// Whether an officer of these roles, at an office of this relation, may take `step` on `today`: the
    /// actor to take it as, or why not. The one decision both the offer and the acceptance of a step read.
    pub fn office_step(
        &self,
        step: OfficeStep,
        roles: &[OfficerRole],
        relation: OfficeRelation,
        today: JstDate,
    ) -> Result<Actor, StepRefused> {
        if !step.at(relation) {
            return Err(StepRefused::NotThisOffice);
        }
        let actor = roles
            .iter()
            .map(|r| Actor::Officer(*r))
            .find(|a| step.transition().permits(*a))
            .ok_or(StepRefused::Role)?;
        self.step_condition(step, actor).map_err(StepRefused::Now)?;
        match step {
            // Q53: whether post is still possible is decided on the day (of dispatch, when it is posted).
            OfficeStep::IssueCardByPost => self.post_possible_on(today),
            OfficeStep::RedirectToCounter => self.post_impossible_on(today),
            _ => Ok(()),
        }
        .map_err(StepRefused::Now)?;
        Ok(actor)
    }

    /// What an officer of these roles, at an office of this relation, can do next with the application on
    /// `today`: every step [`Self::office_step`] allows, in the order of [`OfficeStep::ALL`].
    pub fn office_steps(&self, roles: &[OfficerRole], relation: OfficeRelation, today: JstDate) -> Vec<OfficeStep> {
        OfficeStep::ALL.into_iter().filter(|s| self.office_step(*s, roles, relation, today).is_ok()).collect()
    }

    /// The step's condition for `actor` whatever the day: the actor may take it, the status allows it, and
    /// what the step needs beyond the values posted with it holds (the fee notice for a posted card, a
    /// dispatched card for its delivery, a permission still attached for its withdrawal).
    pub(super) fn step_condition(&self, step: OfficeStep, actor: Actor) -> Result<(), ApplicationError> {
        let t = step.transition();
        if !t.permits(actor) {
            return Err(TransitionError::ActorNotPermitted { op: t, actor }.into());
        }
        let from_status = || -> Result<(), ApplicationError> {
            match t.target(self.status, self.form.receipt_method) {
                Some(_) => Ok(()),
                None => Err(TransitionError::NotFromStatus { op: t, from: self.status }.into()),
            }
        };
        match step {
            OfficeStep::StartExamination
            | OfficeStep::RequestDocuments
            | OfficeStep::Decide
            | OfficeStep::RedirectToCounter
            | OfficeStep::HandOverAtCounter
            | OfficeStep::ReplacePhoto
            | OfficeStep::Withdraw => from_status(),
            OfficeStep::RecordPostDocuments => match self.status {
                ApplicationStatus::WaitingForIssuance => Ok(()),
                from => Err(TransitionError::NotFromStatus { op: t, from }.into()),
            },
            OfficeStep::IssueCardByPost => {
                from_status()?;
                let docs = self.post_documents;
                // A free application (an acquisition, a certificate of eligibility on paper) has no fee notice.
                if docs.fee_notice_received && docs.fee_notice_signed || self.fee_due().is_none() {
                    Ok(())
                } else {
                    Err(ApplicationError::FeeNoticeMissing)
                }
            }
            OfficeStep::RecordDelivery => match (self.status, self.card_dispatched_on, self.card_delivered_on) {
                (ApplicationStatus::Completed, Some(_), None) => Ok(()),
                _ => Err(ApplicationError::NotAwaitingDelivery),
            },
            OfficeStep::WithdrawAttachment(attachment) => {
                from_status()?;
                let attached = match attachment {
                    Attachment::ReEntry => self.re_entry().is_some(),
                    Attachment::ActivityOutsideStatus => self.activity_outside_status(),
                };
                if attached { Ok(()) } else { Err(ApplicationError::NotAttached(attachment)) }
            }
        }
    }

    /// Q53: the card can still be received by post on `day`.
    pub(super) fn post_possible_on(&self, day: JstDate) -> Result<(), ApplicationError> {
        Ok(check_post_receipt(self.post_facts()?, day)?)
    }

    /// Q53: the card can no longer be received by post on `day` (the office then redirects it to the counter).
    fn post_impossible_on(&self, day: JstDate) -> Result<(), ApplicationError> {
        match check_post_receipt(self.post_facts()?, day) {
            Ok(()) => Err(ApplicationError::PostStillPossible),
            Err(_) => Ok(()),
        }
    }
}
