//! Every e-mail the service promises (Q86), the password-expiry reminders (Q97) and the receipt numbers
//! (Q33). Who receives each is the flow's to decide, and `tests/emails.rs` holds every flow to its
//! recipients (the applicant too for receipt numbers, every user of the organization for its reports).

use serde::{Deserialize, Serialize};

macro_rules! kinds {
    ($($variant:ident => $code:literal, $q:literal, $en:literal, $ja:literal;)+) => {
        /// A kind of notification e-mail.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(try_from = "String", into = "String")]
        pub enum NotificationKind { $($variant),+ }

        impl NotificationKind {
            pub const ALL: [NotificationKind; [$($code),+].len()] = [$(Self::$variant),+];

            /// Stable code, used in job bodies, template names and idempotency keys.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The part of the spec that promises it.
            pub fn source(self) -> &'static str {
                match self { $(Self::$variant => $q),+ }
            }

            /// What the e-mail is about, as its subject says.
            pub fn subject_en(self) -> &'static str {
                match self { $(Self::$variant => $en),+ }
            }

            pub fn subject_ja(self) -> &'static str {
                match self { $(Self::$variant => $ja),+ }
            }
        }
    };
}

kinds! {
    RequestForUseApproved => "request_for_use_approved", "Q12, Q86, Q88", "Your request for use has been approved", "利用申出の承認について";
    RequestForUseDenied => "request_for_use_denied", "Q12, Q86", "Result of your request for use", "利用申出の結果について";
    ApplicationReceiptError => "application_receipt_error", "Q51, Q86", "The receipt number of your application could not be acquired", "受付番号取得エラーのお知らせ";
    BlanketUploadCompleted => "blanket_upload_completed", "Q42, Q86", "Blanket input completed", "一括入力の完了について";
    BlanketUploadFailed => "blanket_upload_failed", "Q42, Q86", "Blanket input has errors", "一括入力エラーのお知らせ";
    BlanketUploadRefused => "blanket_upload_refused", "Q40, Q41, Q86", "Your blanket input file was not accepted", "一括入力ファイルを受け付けられませんでした";
    TemporaryReceiptNumber => "temporary_receipt_number", "Q33, Q86", "Temporary application receipt number", "仮受付番号のお知らせ";
    OfficialReceiptNumber => "official_receipt_number", "Q33, Q86", "Application receipt number", "申請受付番号のお知らせ";
    DocumentsRequested => "documents_requested", "Q22, Q86", "Please submit additional documents", "資料提出のお願い";
    ExaminationCompleted => "examination_completed", "Q54, Q86", "Notification on examination completion", "審査完了のお知らせ";
    ApplicationDenied => "application_denied", "Q86", "Result of the examination", "審査結果のお知らせ";
    ResidenceCardIssued => "residence_card_issued", "Q69, Q86", "Your residence card has been issued", "在留カード交付のお知らせ";
    CertificateIssued => "certificate_issued", "Q86", "Your certificate has been issued", "証明書交付のお知らせ";
    ElectronicCertificateIssued => "electronic_certificate_issued", "oras-today §2 (S12)", "Your electronic certificate of eligibility", "在留資格認定証明書（電子）交付のお知らせ";
    ReceiptMethodChanged => "receipt_method_changed", "Q53, Q86", "The receipt method of the residence card was changed", "在留カード受領方法の変更について";
    ApplicationWithdrawn => "application_withdrawn", "Q48, Q49, Q86", "An application was withdrawn", "申請の取下げについて";
    PeriodicReportReminder => "periodic_report_reminder", "Q14, Q73, Q86", "Periodic report: your approval of use expires in two months", "定期報告のお知らせ（有効期限の2か月前）";
    PeriodicReportApproved => "periodic_report_approved", "Q74, Q86", "Periodic report approved", "定期報告の確認結果（承認）";
    PeriodicReportDenied => "periodic_report_denied", "Q74, Q86", "Result of your periodic report", "定期報告の確認結果";
    EmailAddressChanged => "email_address_changed", "Q86, Q89", "Your e-mail address was changed", "メールアドレス変更完了のお知らせ";
    PasswordSetupLink => "password_setup_link", "Q88", "Set your password", "パスワード設定のご案内";
    PasswordResetLink => "password_reset_link", "Q92", "Reset your password", "パスワード再設定のご案内";
    PasswordRegistered => "password_registered", "Q86", "Your password was registered", "パスワード登録完了のお知らせ";
    PasswordChanged => "password_changed", "Q86, Q90", "Your password was changed", "パスワード変更完了のお知らせ";
    PasswordReset => "password_reset", "Q86, Q92", "Your password was reset", "パスワード再設定完了のお知らせ";
    PasswordExpiry30Days => "password_expiry_30_days", "Q97", "Your password expires in 30 days", "パスワード有効期限のお知らせ（30日前）";
    PasswordExpiry7Days => "password_expiry_7_days", "Q97", "Your password expires in 7 days", "パスワード有効期限のお知らせ（7日前）";
    PassportExpiryImminent => "passport_expiry_imminent", "Q86", "A passport expires soon", "旅券の有効期限が近づいています";
    UseSuspended => "use_suspended", "Q76, Q86", "Use of the system has been suspended", "システム利用停止のお知らせ";
    UseResumed => "use_resumed", "Q86", "Use of the system has been resumed", "システム利用再開のお知らせ";
    UserUseSuspended => "user_use_suspended", "Q86, Q95", "Your use of the system has been suspended", "利用者のシステム利用停止のお知らせ";
    UserUseResumed => "user_use_resumed", "Q86, Q95", "Your use of the system has been resumed", "利用者のシステム利用再開のお知らせ";
    UserUseCancelled => "user_use_cancelled", "Q79, Q86, Q95", "Your use of the system has been cancelled", "利用者のシステム利用取消しのお知らせ";
}

/// Q86: a notice goes out when a passport is this many months from its expiry.
pub const PASSPORT_NOTICE_MONTHS: u32 = 3;

impl NotificationKind {
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl TryFrom<String> for NotificationKind {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::from_code(&value).ok_or_else(|| format!("{value:?} is not a kind of notification"))
    }
}

impl From<NotificationKind> for String {
    fn from(value: NotificationKind) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let codes: HashSet<_> = NotificationKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), NotificationKind::ALL.len());
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(k.code()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.code()));
            assert!(!k.subject_en().is_empty() && !k.subject_ja().is_empty() && !k.source().is_empty());
        }
    }
}
