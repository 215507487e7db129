//! One error model for every use case. A client's mistake is a typed variant that explains itself in both
//! languages; a dependency's failure keeps the adapter's error as its source (for the log, never for a
//! client); [`ServiceError::kind`] says which of the three it is, so the HTTP layer answers 4xx, 503 or 500.

use std::error::Error;

use zairyu_domain::account::LoginRefusal;
use zairyu_domain::application::ApplicationError;
use zairyu_domain::error::{Localized, Violation, Violations};

use crate::ports::{BlobError, HashError, MailError, QueueError, SealError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Missing, or not the caller's to see: the two read the same (no record of another organization is
    /// ever confirmed to exist).
    #[error("not found")]
    NotFound,
    #[error("log in first, or again: the session is missing or ended after 30 minutes without use")]
    Unauthenticated,
    #[error("this user may not do that")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] Violations),
    #[error(transparent)]
    Login(#[from] LoginRefusal),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error("the link is invalid or has expired; ask for a new one")]
    InvalidLink,
    #[error("the record was changed by someone else meanwhile; reload and try again")]
    Conflict,
    #[error("the page cursor is not one this service gave out; start again from the first page")]
    BadCursor,
    #[error(transparent)]
    Maintenance(zairyu_domain::notice::UnderMaintenance),
    #[error("the record store failed")]
    Store(#[source] StoreError),
    #[error("the object store failed")]
    Blob(#[from] BlobError),
    #[error("the job queue failed")]
    Queue(#[from] QueueError),
    #[error("too many log-ins at once; try again in a few seconds")]
    Busy,
    #[error(transparent)]
    FileTooLarge(#[from] zairyu_domain::blanket::FileTooLarge),
    #[error(transparent)]
    TooManyAttempts(#[from] zairyu_domain::flood::TooManyAttempts),
    #[error("password hashing failed")]
    Hash(#[source] HashError),
    #[error("the mail service failed")]
    Mail(#[from] MailError),
    #[error("the signing key failed")]
    Seal(#[from] SealError),
}

/// Whose problem an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request breaks a rule, or is not allowed: 4xx.
    Client,
    /// A dependency could not be reached or failed: 503, retry later.
    Unavailable,
    /// Our own bug (an invalid request to a dependency, a stored record that does not decode): 500.
    Internal,
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ConditionFailed | StoreError::Conflict => Self::Conflict,
            StoreError::BadCursor => Self::BadCursor,
            other => Self::Store(other),
        }
    }
}

impl From<HashError> for ServiceError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => Self::Busy,
            other => Self::Hash(other),
        }
    }
}

impl ServiceError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(StoreError::Unavailable(_))
            | Self::Blob(BlobError::Unavailable(_))
            | Self::Queue(QueueError::Unavailable(_))
            | Self::Seal(SealError::Unavailable(_))
            | Self::Mail(_) => ErrorKind::Unavailable,
            Self::Store(_) | Self::Blob(_) | Self::Queue(_) | Self::Hash(_) | Self::Seal(_) => ErrorKind::Internal,
            _ => ErrorKind::Client,
        }
    }

    /// The error and its sources, one after the other, for the log. A mail service's text can hold
    /// addresses, so a mail error is logged by its own words alone.
    pub fn log_chain(&self) -> String {
        let mut out = self.to_string();
        if matches!(self, Self::Mail(_)) {
            return out;
        }
        let mut source = self.source();
        while let Some(e) = source {
            out.push_str(": ");
            out.push_str(&e.to_string());
            source = e.source();
        }
        out
    }
}

impl Localized for ServiceError {
    fn rule(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthenticated => "session.required",
            Self::Forbidden => "forbidden",
            Self::Invalid(v) => v.0.first().map(|v| v.rule).unwrap_or("invalid"),
            Self::Login(e) => e.rule(),
            Self::Application(e) => e.rule(),
            Self::InvalidLink => "link.invalid",
            Self::Conflict => "conflict",
            Self::BadCursor => "cursor.invalid",
            Self::Maintenance(e) => e.rule(),
            Self::Busy => "busy",
            Self::TooManyAttempts(e) => e.rule(),
            Self::FileTooLarge(e) => e.rule(),
            _ if self.kind() == ErrorKind::Internal => "internal",
            _ => "unavailable",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::NotFound => "見つかりません。".into(),
            Self::Unauthenticated => "ログインしてください（30分間操作がない場合はログアウトされます）。".into(),
            Self::Forbidden => "この操作を行う権限がありません。".into(),
            Self::Invalid(v) => v.0.first().map(|v| v.message_ja.clone()).unwrap_or_default(),
            Self::Login(e) => e.message_ja(),
            Self::Application(e) => e.message_ja(),
            Self::InvalidLink => "リンクが無効か期限切れです。改めて発行を依頼してください。".into(),
            Self::Conflict => "他の操作により更新されました。再読み込みしてからやり直してください。".into(),
            Self::BadCursor => "ページの指定が正しくありません。最初のページからやり直してください。".into(),
            Self::Maintenance(e) => e.message_ja(),
            Self::Busy => "ただいまログインが集中しています。数秒後にもう一度お試しください。".into(),
            Self::TooManyAttempts(e) => e.message_ja(),
            Self::FileTooLarge(e) => e.message_ja(),
            _ if self.kind() == ErrorKind::Internal => "システム内部でエラーが発生しました。".into(),
            _ => "一時的に処理できません。しばらくしてから再度お試しください。".into(),
        }
    }
}

/// One failed rule of one field, as an error.
pub fn invalid(field: &str, error: &dyn Localized) -> ServiceError {
    ServiceError::Invalid(Violations(vec![Violation::new(field, error)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_kinds() {
        assert_eq!(ServiceError::NotFound.kind(), ErrorKind::Client);
        assert_eq!(ServiceError::from(StoreError::ConditionFailed).kind(), ErrorKind::Client);
        assert_eq!(ServiceError::from(StoreError::unavailable("timed out")).kind(), ErrorKind::Unavailable);
        assert_eq!(ServiceError::from(StoreError::corrupt("bad json")).kind(), ErrorKind::Internal);
        assert_eq!(ServiceError::from(StoreError::Invalid("101 writes".into())).kind(), ErrorKind::Internal);
        assert_eq!(ServiceError::from(HashError::failed("params")).kind(), ErrorKind::Internal);
        let busy = ServiceError::from(HashError::Busy);
        assert_eq!((busy.kind(), busy.rule()), (ErrorKind::Client, "busy"));
    }

    #[test]
    fn the_chain_is_kept_for_the_log_but_not_for_mail() {
        let e = ServiceError::from(StoreError::unavailable("connection refused (os error 111)"));
        assert_eq!(e.to_string(), "the record store failed");
        assert!(e.log_chain().ends_with("connection refused (os error 111)"), "{}", e.log_chain());
        let m = ServiceError::from(MailError::rejected("address someone@example.jp is on the suppression list"));
        assert!(!m.log_chain().contains("someone@"), "{}", m.log_chain());
    }

    #[test]
    fn clients_never_read_a_dependency_in_the_message() {
        let e = ServiceError::from(StoreError::unavailable("ResourceNotFoundException: table zairyu-prod"));
        assert!(!e.to_string().contains("zairyu-prod") && !e.message_ja().contains("zairyu-prod"));
        assert_eq!(e.rule(), "unavailable");
    }
}
