use super::local_path;
use super::visitor_lang;
use crate::extract::cookie;
use crate::web::layout::PageCtx;
use crate::web::layout::error_page;
use crate::{AppState, Problem, SESSION_COOKIE};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use sha2::{Digest, Sha256};
use zairyu_app::{Caller, ServiceError};
use zairyu_domain::account::{User, UserKind};
use zairyu_domain::error::Language as Lang;

/// The CSRF token of a session's forms: derived from the session token (which only the browser holding the
/// session cookie has), so the server computes it again for every page instead of storing it.
pub fn form_token(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"zairyu form token v1\0");
    h.update(session_token.as_bytes());
    zairyu_app::hex(&h.finalize())
}

/// A logged-in user on a page: the caller for the services, the user as authentication read it, and what
/// every page needs to render.
pub struct Visit {
    pub caller: Caller,
    pub user: User,
    pub session_token: String,
    pub page: PageCtx,
}

impl Visit {
    /// Checks a posted form's CSRF token (`csrf`).
    pub fn check_form(&self, sent: &str) -> Result<(), PageError> {
        if crate::extract::same_secret(sent, &form_token(&self.session_token)) {
            Ok(())
        } else {
            Err(PageError::Problem(self.page.lang, Box::new(Problem::csrf())))
        }
    }

    pub fn lang(&self) -> Lang {
        self.page.lang
    }

    /// A form posted from a page of this visit: its fields, once its CSRF token is checked.
    pub fn posted(&self, form: FormResult) -> Result<Fields, PageError> {
        let fields = Fields::of(form, self.lang())?;
        self.check_form(fields.get("csrf"))?;
        Ok(fields)
    }
}

/// A form posted without a session (the log-in, a password set from a link, a forgotten password) has no
/// form token to check: it is refused when the browser says it comes from another site — `Sec-Fetch-Site`
/// other than `same-origin` (every current browser sends it with a post), or, from a browser too old for
/// that, an `Origin` of `null`. A cross-site log-in would sign the visitor in as someone else.
pub fn refuse_cross_site(headers: &axum::http::HeaderMap, lang: Lang) -> Result<(), PageError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let cross = match header("sec-fetch-site") {
        Some(site) => !site.eq_ignore_ascii_case("same-origin"),
        None => header("origin").is_some_and(|o| o.eq_ignore_ascii_case("null")),
    };
    if cross { Err(PageError::Problem(lang, Box::new(Problem::csrf()))) } else { Ok(()) }
}

/// Whether a path is a page's (everything outside the API's `/api/`).
pub fn is_page(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/"))
}

pub(super) async fn visit(parts: &mut Parts, state: &AppState) -> Result<Option<Visit>, PageError> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let from = crate::extract::client_ip(parts).map(|ip| ip.to_string());
    match state.accounts.authenticate(&token, from).await {
        Ok((caller, _, user)) => {
            let page = PageCtx {
                lang: user.language(),
                user_name: Some(user.name().to_string()),
                organization_user: matches!(user.kind(), UserKind::OrganizationStaff | UserKind::Agent),
                officer_roles: match user.kind() {
                    UserKind::Officer { roles, .. } => roles.clone(),
                    _ => Vec::new(),
                },
                csrf: Some(form_token(&token)),
                path: local_path(parts.uri.path()).to_owned(),
            };
            Ok(Some(Visit { caller, user, session_token: token, page }))
        }
        Err(ServiceError::Unauthenticated) => Ok(None),
        Err(e) => Err(PageError::Problem(visitor_lang(&parts.headers), Box::new(Problem::from(e)))),
    }
}

/// A page for a logged-in user: without a live session (none, or one that ended after 30 idle minutes,
/// Q44), the browser is sent to log in and brought back here afterwards.
impl FromRequestParts<AppState> for Visit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let had_session = cookie(&parts.headers, SESSION_COOKIE).is_some();
        match visit(parts, state).await? {
            Some(v) => Ok(v),
            None => {
                let path = local_path(parts.uri.path());
                let mut to = format!("/login?next={}", encode(path));
                if had_session {
                    to.push_str("&reason=ended");
                }
                Err(PageError::Redirect(to))
            }
        }
    }
}

/// A page for anyone: the visit if a session is live, else a visitor's context.
pub struct MaybeVisit(pub Option<Visit>, pub PageCtx);

impl FromRequestParts<AppState> for MaybeVisit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let visit = visit(parts, state).await?;
        let ctx = visit.as_ref().map_or_else(|| PageCtx::visitor(parts), |v| v.page.clone());
        Ok(Self(visit, ctx))
    }
}

/// A page of an organization's user: an officer is refused (403), anyone not logged in sent to log in.
pub struct OrgVisit(pub Visit);

impl FromRequestParts<AppState> for OrgVisit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let v = Visit::from_request_parts(parts, state).await?;
        if !v.page.organization_user {
            return Err(PageError::Problem(v.lang(), Box::new(Problem::from(ServiceError::Forbidden))));
        }
        Ok(Self(v))
    }
}

/// The link that starts an application for a listed person: the card number sealed for this user, so that
/// no personal data goes into the URL (and so into logs and browser history).
pub fn new_application_link(
    state: &AppState,
    user: &str,
    card: &str,
    procedure: zairyu_domain::procedure::Procedure,
) -> Option<String> {
    let procedure = match procedure {
        // The link every page made before procedures had a name.
        zairyu_domain::procedure::Procedure::Extension => String::new(),
        other => format!("&procedure={}", other.code()),
    };
    sealed_person(state, user, card).map(|t| format!("/applications/new?person={}{procedure}", encode(&t)))
}

/// A card number sealed for this user, to name a person in a link (opened with [`person_context`]).
pub fn sealed_person(state: &AppState, user: &str, card: &str) -> Option<String> {
    let sealed = state.config.cursor_key.seal(Some(zairyu_app::ports::Cursor(card.to_owned())), &person_context(user));
    sealed.ok().flatten()
}

/// What a person link is sealed for.
pub fn person_context(user: &str) -> String {
    format!("{user}\nperson")
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Rendering

/// Why a page is not shown: a redirect (to log in), or a problem shown as an error page in the visitor's
/// language.
#[derive(Debug)]
pub enum PageError {
    Redirect(String),
    Problem(Lang, Box<Problem>),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Redirect(to) => Redirect::to(&to).into_response(),
            Self::Problem(lang, p) => error_page(lang, &p),
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// A service's refusal as the page shows it, in `lang`.
pub fn problem(lang: Lang) -> impl Fn(ServiceError) -> PageError {
    move |e| PageError::Problem(lang, Box::new(Problem::from(e)))
}

/// A posted form's fields as sent (`application/x-www-form-urlencoded`), in their order.
#[derive(Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields of a posted form; a body that is not one is refused as a malformed form.
    pub fn of(
        form: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
        lang: Lang,
    ) -> Result<Self, PageError> {
        form.map(|f| Self(f.0)).map_err(|_| PageError::Problem(lang, Box::new(Problem::malformed_form())))
    }

    /// Every value of `name` (a group of checkboxes), trimmed, in their order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.trim())
    }

    /// The first value of `name`, trimmed (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default()
    }
}

/// A form as a handler receives it.
pub type FormResult = Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>;
