//! The audit trail (Q102): who did what, when, from where, and with what outcome. Every log-in attempt and
//! every change writes one event, in the same transaction as the change where the store allows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "result", content = "rule")]
pub enum Outcome {
    Success,
    /// Refused, with the stable rule code of the refusal.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    /// The user ID, or `system`, or `anonymous` for a log-in attempt with an unknown ID.
    pub actor: String,
    /// What was done.
    pub action: AuditAction,
    /// What was acted on, e.g. `application:01J…`; never personal data.
    pub subject: String,
    /// Where the request came from (IP address), when known.
    pub from: Option<String>,
    pub outcome: Outcome,
    /// The office of the officer who acted, where it matters which (Q92–Q97 at any office's counter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<crate::office::Office>,
    /// The part of the subject acted on, where there are several (a document of proof of the application).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

crate::codes! {
    /// What an audit event records (stable codes, stored).
    pub enum AuditAction {
        Login => "login",
        Logout => "logout",
        /// Five wrong passwords locked an account for 24 hours (Q96).
        Lockout => "login.lockout",
        PasswordChange => "password.change",
        EmailChange => "email.change",
        PasswordLink => "password.link",
        PasswordResetRequest => "password.reset_request",
        PasswordSetFromLink => "password.set_from_link",
        /// A record of another organization or office was asked for, and answered as missing.
        Access => "access",
        ApplicationCreate => "application.create",
        ApplicationCorrect => "application.correct",
        ApplicationChange => "application.change",
        ApplicationDiscard => "application.discard",
        ApplicationPhoto => "application.photo",
        ApplicationSubmit => "application.submit",
        ApplicationReceiptMethod => "application.receipt_method",
        ApplicationReceiptNumber => "application.receipt_number",
        /// A document of proof arrived: accepted, or refused with the rule (who uploaded it).
        ApplicationDocument => "application.document",
        /// An officer opened (downloaded) a document of proof.
        OpenDocument => "office.open_document",
        /// An application ended a retention period ago was deleted, with its photo and documents (#34).
        PurgeApplication => "application.purge",
        /// A user cancelled a retention period ago was erased (its ID kept taken) (#34).
        PurgeUser => "user.purge",
        NotificationRejected => "notification.rejected",
        BlanketStart => "blanket.start",
        BlanketRefused => "blanket.refused",
        BlanketRegistered => "blanket.registered",
        RegisterOrganization => "office.register_organization",
        ChangeOrganization => "office.change_organization",
        PublishNotice => "office.publish_notice",
        WithdrawNotice => "office.withdraw_notice",
        /// The office withdrew an electronic certificate of eligibility it issued (#35).
        WithdrawCertificate => "office.withdraw_certificate",
        RecordRequestForUse => "office.record_request_for_use",
        ApproveRequestForUse => "office.approve_request_for_use",
        DenyRequestForUse => "office.deny_request_for_use",
        PutForeignNational => "office.put_foreign_national",
        RemoveForeignNational => "office.remove_foreign_national",
        ApprovePeriodicReport => "office.approve_periodic_report",
        DenyPeriodicReport => "office.deny_periodic_report",
        SuspendUser => "office.user.suspend",
        ResumeUser => "office.user.resume",
        CancelUser => "office.user.cancel",
        DeleteAgent => "office.user.deleteagent",
        ResetPassword => "office.user.resetpassword",
        LiftLockout => "office.user.liftlockout",
        CreateOfficer => "office.create_officer",
        StartExamination => "office.start_examination",
        RequestDocuments => "office.request_documents",
        Permit => "office.permit",
        /// A certificate (of authorized employment) was issued (#35).
        IssueCertificate => "office.issue_certificate",
        Deny => "office.deny",
        RecordPostDocuments => "office.record_post_documents",
        IssueCardByPost => "office.issue_card_by_post",
        HandOverAtCounter => "office.hand_over_at_counter",
        RedirectToCounter => "office.redirect_to_counter",
        RecordDelivery => "office.record_delivery",
        Withdraw => "office.withdraw",
        WithdrawAttachment => "office.withdraw_attachment",
        ReplacePhoto => "office.replace_photo",
        PasswordReminder => "reminder.password",
        PeriodicReportReminder => "reminder.periodic_report_reminder",
        SuspendOrganization => "reminder.use_suspended",
        PassportReminder => "reminder.passport_expiry_imminent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_action_codes_are_unique_and_dotted_lowercase() {
        let codes: std::collections::HashSet<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        for c in codes {
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'), "{c}");
        }
    }
}
