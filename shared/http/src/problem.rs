//! RFC 9457 problem details: every error response is `application/problem+json` with a stable `type`,
//! the rule that failed, the fields that failed, and messages in English and Japanese (Q84).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use zairyu_app::{ErrorKind, ServiceError};
use zairyu_domain::error::{Localized, Violation};

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem, e.g. `urn:zairyu:problem:validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in English.
    pub detail: String,
    /// The same, in Japanese.
    pub detail_ja: String,
    /// The stable code of the rule that failed.
    pub rule: String,
    /// Every failing field, when the problem is about the input (absent otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Violation>,
    /// Seconds after which to try again (sent as `Retry-After`), for a refusal that passes.
    #[serde(skip)]
    #[schemars(skip)]
    pub retry_after: Option<u32>,
}

/// How long a client refused as busy waits before it tries again.
pub const BUSY_RETRY_AFTER_SECONDS: u32 = 2;

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, rule: &str, detail: String, detail_ja: String) -> Self {
        Self {
            kind: format!("urn:zairyu:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            detail_ja,
            rule: rule.to_owned(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn from_error(status: StatusCode, slug: &str, title: &str, e: &dyn Localized) -> Self {
        Self::new(status, slug, title, e.rule(), e.to_string(), e.message_ja())
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "not_found",
            "there is nothing here, or it is not yours to see".into(),
            "見つかりません。".into(),
        )
    }

    pub fn malformed_json(detail: String) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-body",
            "Malformed request body",
            "body.malformed",
            format!("the request body is not valid JSON for this request: {detail}"),
            "リクエストの内容がこの操作のJSONとして正しくありません（不明な項目を含む場合を含みます）。".into(),
        )
    }

    /// A page's form that is not one of ours (fields missing or not text).
    pub fn malformed_form() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-form",
            "Malformed form",
            "form.malformed",
            "the form sent is not one this page shows; open the page again and send it from there".into(),
            "送信されたフォームの内容が正しくありません。ページを開き直してから送信してください。".into(),
        )
    }

    pub fn malformed_query(detail: String) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-query",
            "Malformed query string",
            "query.malformed",
            format!("the query string is not valid for this request: {detail}"),
            "クエリ文字列がこの操作に対して正しくありません（不明な項目を含む場合を含みます）。".into(),
        )
    }

    pub fn unsupported_media_type(expected: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "body.content_type",
            format!("send the body as {expected}"),
            format!("本文は {expected} で送信してください。"),
        )
    }

    pub fn too_large(limit: usize, rule: &str) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            rule,
            format!("the request body is larger than {limit} bytes"),
            format!("リクエストの本文が上限（{limit}バイト）を超えています。"),
        )
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "Missing or wrong CSRF token",
            "csrf.token",
            "a request that changes something must carry the X-CSRF-Token header given at log-in".into(),
            "変更を伴うリクエストには、ログイン時に発行された X-CSRF-Token ヘッダーが必要です。".into(),
        )
    }

    pub fn outside_japan() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "outside-japan",
            "Access from outside Japan",
            "access.outside_japan",
            "the system cannot be used from outside Japan or through a foreign IP address".into(),
            "日本国外から、または海外のIPアドレスを経由して本システムを利用することはできません。".into(),
        )
    }

    pub fn not_via_edge() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "not-via-edge",
            "Not through the service's address",
            "access.not_via_edge",
            "the API is used only through the service's published address".into(),
            "本システムは公開されているアドレスからのみ利用できます。".into(),
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "internal",
            "something went wrong on our side; the failed step changed nothing".into(),
            "システム内部でエラーが発生しました。".into(),
        )
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        use zairyu_domain::account::LoginRefusal;
        use zairyu_domain::application::ApplicationError;
        match &e {
            ServiceError::NotFound => Self::not_found(),
            ServiceError::Unauthenticated => {
                Self::from_error(StatusCode::UNAUTHORIZED, "unauthenticated", "Log in", &e)
            }
            ServiceError::Forbidden => Self::from_error(StatusCode::FORBIDDEN, "forbidden", "Forbidden", &e),
            ServiceError::Invalid(v) => {
                let mut p = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "The input breaks a rule",
                    v.0.first().map(|x| x.rule).unwrap_or("invalid"),
                    v.0.iter().map(|x| format!("{}: {}", x.field, x.message_en)).collect::<Vec<_>>().join("; "),
                    v.0.iter().map(|x| format!("{}: {}", x.field, x.message_ja)).collect::<Vec<_>>().join(" "),
                );
                p.errors = v.0.clone();
                p
            }
            ServiceError::Login(LoginRefusal::InvalidCredentials) => {
                Self::from_error(StatusCode::UNAUTHORIZED, "login-refused", "Log-in refused", &e)
            }
            ServiceError::Login(_) => Self::from_error(StatusCode::FORBIDDEN, "login-refused", "Log-in refused", &e),
            ServiceError::Application(ApplicationError::AlreadyOpen(_)) => Self::from_error(
                StatusCode::CONFLICT,
                "application-open",
                "An application for this foreign national is in process",
                &e,
            ),
            ServiceError::Application(ApplicationError::Transition(_) | ApplicationError::FiledCannotChange) => {
                Self::from_error(StatusCode::CONFLICT, "application-state", "Not possible in this status", &e)
            }
            ServiceError::Application(inner) => {
                let mut p =
                    Self::from_error(StatusCode::UNPROCESSABLE_ENTITY, "validation", "The input breaks a rule", &e);
                let field = match inner {
                    ApplicationError::PhotoMissing => "photo",
                    ApplicationError::Post(_) | ApplicationError::SameReceiptMethod(_) => "receipt_method",
                    _ => "",
                };
                p.errors = vec![Violation::new(field, inner)];
                p
            }
            ServiceError::InvalidLink => Self::from_error(StatusCode::BAD_REQUEST, "link-invalid", "Invalid link", &e),
            ServiceError::Conflict => Self::from_error(StatusCode::CONFLICT, "conflict", "Changed meanwhile", &e),
            ServiceError::Maintenance(_) => Self::from_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "maintenance",
                "Planned maintenance: applications are not accepted now",
                &e,
            ),
            ServiceError::FileTooLarge(_) => {
                Self::from_error(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "File too large", &e)
            }
            ServiceError::Busy => {
                let mut p = Self::from_error(StatusCode::TOO_MANY_REQUESTS, "busy", "Too many log-ins at once", &e);
                p.retry_after = Some(BUSY_RETRY_AFTER_SECONDS);
                p
            }
            ServiceError::TooManyAttempts(t) => {
                let mut p =
                    Self::from_error(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "Too many attempts", &e);
                p.retry_after = Some(t.retry_after_seconds);
                p
            }
            ServiceError::BadCursor => {
                Self::from_error(StatusCode::BAD_REQUEST, "bad-cursor", "Invalid page cursor", &e)
            }
            ServiceError::Store(_)
            | ServiceError::Blob(_)
            | ServiceError::Queue(_)
            | ServiceError::Hash(_)
            | ServiceError::Mail(_) => {
                // The failure and its sources go to the log, never to the client.
                if e.kind() == ErrorKind::Internal {
                    tracing::error!(error = %e.log_chain(), "internal error");
                    Self::internal()
                } else {
                    tracing::error!(error = %e.log_chain(), "a backing service failed");
                    Self::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "Temporarily unavailable",
                        "unavailable",
                        "the service cannot answer right now; nothing was changed, please try again shortly".into(),
                        "一時的に処理できません。しばらくしてから再度お試しください。".into(),
                    )
                }
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        res
    }
}

impl IntoResponse for crate::ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}
