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

    /// A body that is not the JSON of this request, said in our words with where it went wrong (never
    /// the JSON library's own message).
    pub fn malformed_json_at(path: Option<String>, e: &serde_json::Error) -> Self {
        let (en, ja) = json_mistake(path, e);
        Self::new(StatusCode::BAD_REQUEST, "malformed-body", "Malformed request body", "body.malformed", en, ja)
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

    /// A query string that is not this request's: said in our words (never the decoder's own message).
    pub fn malformed_query(detail: String) -> Self {
        let (en, ja) = query_mistake(&detail);
        Self::new(StatusCode::BAD_REQUEST, "malformed-query", "Malformed query string", "query.malformed", en, ja)
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
            ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry) => {
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
                    ApplicationError::PhotoMissing | ApplicationError::PhotoNotAsked(_) => "photo",
                    ApplicationError::Post(_)
                    | ApplicationError::SameReceiptMethod(_)
                    | ApplicationError::ReceiptMethodNotOffered(..) => "receipt_method",
                    ApplicationError::PermittedExpiryDiffers { .. } => "expiry_date",
                    ApplicationError::DeliveredBeforeDispatch => "delivered_on",
                    ApplicationError::ThirdPartyCollector => "collector",
                    ApplicationError::Document(_) | ApplicationError::TooManyDocuments => "file",
                    _ => "",
                };
                p.errors = vec![Violation::new(field, inner)];
                p
            }
            // A well-formed value that names nothing usable: the request is understood and refused (422).
            ServiceError::InvalidLink => {
                Self::from_error(StatusCode::UNPROCESSABLE_ENTITY, "link-invalid", "Invalid link", &e)
            }
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
                Self::from_error(StatusCode::UNPROCESSABLE_ENTITY, "bad-cursor", "Invalid page cursor", &e)
            }
            ServiceError::Store(_)
            | ServiceError::Blob(_)
            | ServiceError::Queue(_)
            | ServiceError::Hash(_)
            | ServiceError::Seal(_)
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
/// What is wrong with a JSON body, in English and Japanese: the field (as a path: `relatives[0].name`) and
/// what it should have been.
fn json_mistake(path: Option<String>, inner: &serde_json::Error) -> (String, String) {
    let field = path.filter(|p| !p.is_empty() && p != ".");
    if inner.is_syntax() || inner.is_eof() {
        return (
            format!("the body is not JSON (line {}, column {})", inner.line(), inner.column()),
            format!("本文がJSONとして読めません（{}行目{}文字目）。", inner.line(), inner.column()),
        );
    }
    let message = inner.to_string();
    // The name serde puts between backticks: the field or value it is about.
    let quoted = || message.split('`').nth(1).unwrap_or_default().to_owned();
    let within = |name: String| match &field {
        Some(f) if f.ends_with(&name) => f.clone(),
        Some(f) => format!("{f}.{name}"),
        None => name,
    };
    if message.starts_with("unknown field") {
        let name = within(quoted());
        return (
            format!("\"{name}\" is not a field of this request"),
            format!("「{name}」はこの操作の項目ではありません。"),
        );
    }
    if message.starts_with("missing field") {
        let name = within(quoted());
        return (format!("\"{name}\" is required"), format!("「{name}」を指定してください。"));
    }
    let name = field.unwrap_or_else(|| "the body".to_owned());
    if message.starts_with("unknown variant") {
        return (
            format!("\"{name}\": \"{}\" is not one of its values", quoted()),
            format!("「{name}」の値「{}」は使えません。", quoted()),
        );
    }
    let expected = message.split("expected ").nth(1).map(|x| x.split(" at line").next().unwrap_or(x)).unwrap_or("");
    let kind = if expected.contains("string") || expected.contains("Text") {
        ("text", "文字列")
    } else if expected.contains("bool") {
        ("true or false", "true または false")
    } else if expected.contains("sequence") || expected.contains("Vec") {
        ("a list", "配列")
    } else if ["integer", "u8", "u16", "u32", "u64", "i32", "i64", "usize"].iter().any(|t| expected.contains(t)) {
        ("a whole number", "整数")
    } else if expected.contains("map") || expected.contains("struct") {
        ("an object", "オブジェクト")
    } else {
        ("another kind of value", "別の種類の値")
    };
    (format!("\"{name}\" must be {}", kind.0), format!("「{name}」は{}で指定してください。", kind.1))
}

/// What is wrong with a query string, from the decoder's message: the parameter and the kind of mistake.
fn query_mistake(message: &str) -> (String, String) {
    let message = message.strip_prefix("Failed to deserialize query string: ").unwrap_or(message);
    // "limit: invalid digit found in string": the parameter, then what was wrong with it.
    let (field, what) = match message.split_once(": ") {
        Some((f, rest)) if !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => (Some(f), rest),
        _ => (None, message),
    };
    let quoted = what.split('`').nth(1).map(str::to_owned);
    let name = quoted.clone().or(field.map(str::to_owned)).unwrap_or_default();
    if what.starts_with("unknown field") {
        return (
            format!("\"{name}\" is not a parameter of this request"),
            format!("「{name}」はこの操作のパラメータではありません。"),
        );
    }
    if what.starts_with("missing field") {
        return (format!("the parameter \"{name}\" is required"), format!("パラメータ「{name}」を指定してください。"));
    }
    if what.starts_with("duplicate field") {
        return (format!("\"{name}\" is given more than once"), format!("「{name}」が複数指定されています。"));
    }
    let number = ["digit", "number", "integer"].iter().any(|w| what.contains(w));
    match field {
        Some(f) if number => (format!("\"{f}\" must be a whole number"), format!("「{f}」は整数で指定してください。")),
        Some(f) => {
            (format!("\"{f}\" has a value this request does not take"), format!("「{f}」の値が正しくありません。"))
        }
        None if number => ("a parameter must be a whole number".into(), "整数のパラメータが正しくありません。".into()),
        None => (
            "the query string is not one this request takes".into(),
            "クエリ文字列がこの操作に対して正しくありません。".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::json_mistake;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: u32,
        #[serde(default)]
        rows: Vec<Row>,
        #[serde(default)]
        kind: Option<Kind>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Row {
        ok: bool,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        New,
    }

    fn mistake(json: &str) -> (String, String) {
        let mut de = serde_json::Deserializer::from_str(json);
        match serde_path_to_error::deserialize::<_, Body>(&mut de) {
            Err(e) => json_mistake(Some(e.path().to_string()), e.inner()),
            Ok(_) => match de.end() {
                Err(e) => json_mistake(None, &e),
                Ok(()) => panic!("{json} read"),
            },
        }
    }

    #[test]
    fn query_mistakes_are_said_in_our_words() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Q {
            limit: Option<u32>,
            cursor: Option<String>,
        }
        for (query, en) in [
            ("colour=red", "\"colour\" is not a parameter of this request"),
            ("limit=many", "\"limit\" must be a whole number"),
            ("limit=-1", "\"limit\" must be a whole number"),
            ("limit=1&limit=2", "\"limit\""),
        ] {
            let uri: axum::http::Uri = format!("/x?{query}").parse().unwrap();
            let e = axum::extract::Query::<Q>::try_from_uri(&uri).unwrap_err();
            let (got_en, got_ja) = super::query_mistake(&e.body_text());
            assert!(got_en.contains(en), "{query}: {got_en} (from {})", e.body_text());
            assert!(!got_ja.is_ascii());
            assert!(!got_en.contains('`') && !got_en.contains("Failed"), "{got_en}");
        }
    }

    /// Each mistake is said in our words, in both languages, with the field it is about; never serde's.
    #[test]
    fn json_mistakes_are_said_in_our_words() {
        for (json, en, ja) in [
            ("{\"name\": \"a\", ", "the body is not JSON (line 1, column 14)", "1行目14文字目"),
            ("{\"name\": \"a\", \"count\": 1} x", "the body is not JSON", "JSONとして読めません"),
            (
                "{\"name\": \"a\", \"count\": 1, \"colour\": 2}",
                "\"colour\" is not a field of this request",
                "「colour」はこの操作の項目ではありません。",
            ),
            ("{\"name\": \"a\"}", "\"count\" is required", "「count」を指定してください。"),
            ("{\"name\": 7, \"count\": 1}", "\"name\" must be text", "「name」は文字列で指定してください。"),
            ("{\"name\": \"a\", \"count\": \"many\"}", "\"count\" must be a whole number", "整数"),
            (
                "{\"name\": \"a\", \"count\": 1, \"rows\": [{\"ok\": \"yes\"}]}",
                "\"rows[0].ok\" must be true or false",
                "「rows[0].ok」",
            ),
            (
                "{\"name\": \"a\", \"count\": 1, \"rows\": [{\"ok\": true, \"x\": 1}]}",
                "\"rows[0].x\" is not a field",
                "「rows[0].x」",
            ),
            ("{\"name\": \"a\", \"count\": 1, \"rows\": {}}", "\"rows\" must be a list", "配列"),
            (
                "{\"name\": \"a\", \"count\": 1, \"kind\": \"old\"}",
                "\"kind\": \"old\" is not one of its values",
                "「kind」の値「old」は使えません。",
            ),
            ("[]", "\"the body\" must be an object", "オブジェクト"),
        ] {
            let (got_en, got_ja) = mistake(json);
            assert!(got_en.contains(en), "{json}: {got_en}");
            assert!(got_ja.contains(ja), "{json}: {got_ja}");
            for serde_word in ["invalid type", "expected", "unknown field", "at line", "`"] {
                assert!(!got_en.contains(serde_word), "{json}: {got_en}");
            }
        }
    }
}
