//! How large a request's body may be, by route: decided once here, applied by the router
//! ([`crate::routes::router`]) and matched by the edge's WAF (`infra/edge-waf.yaml`, held to these figures by
//! `tests/infra.rs`), so that the edge never refuses what the application takes, nor passes what it refuses.
//!
//! Files travel through the edge on two kinds of route only — a facial photo and the counter's list file;
//! blanket files go straight to the object store through a presigned form. Everything else is a form or
//! JSON, which stays far below [`DEFAULT`].

/// Room for a multipart form's envelope (boundaries, part headers, the form token) around its file.
pub const FORM_ENVELOPE: usize = 4096;

/// A form or JSON body (the largest a person types: a notice in Japanese and English, an application with
/// every relative — a few KB).
pub const DEFAULT: usize = 64 * 1024;

/// A facial photo: the JPEG itself (PUT) or the page's form carrying it.
pub const PHOTO: usize = zairyu_domain::photo::MAX_PHOTO_BYTES + FORM_ENVELOPE;

/// The counter's List of Affiliated Foreign Nationals as a CSV file, in the page's form.
pub const LIST_FILE: usize = zairyu_app::services::list_file::MAX_BYTES + FORM_ENVELOPE;

// A photo and its form fit the photo's limit, which stays below every other route's; the largest list file
// and its form fit the file's (held when compiling).
const _: () = assert!(
    PHOTO > zairyu_domain::photo::MAX_PHOTO_BYTES
        && PHOTO < DEFAULT
        && LIST_FILE > zairyu_app::services::list_file::MAX_BYTES
);

/// The most header bytes (names and values) a request may carry, and the most headers: far above what a
/// browser or client of ours sends (a session, a language, a token), refused as a problem or a page.
pub const HEADER_BYTES: usize = 16 * 1024;
pub const HEADER_COUNT: usize = 64;

/// The routes that take a file, with their limits; every other route takes at most [`DEFAULT`].
pub const UPLOADS: &[(&str, &str, usize)] = &[
    ("PUT", "/api/applications/{id}/photo", PHOTO),
    ("POST", "/applications/{id}/photo", PHOTO),
    ("PUT", "/api/office/applications/{id}/photo", PHOTO),
    ("POST", "/office/applications/{id}/photo", PHOTO),
    ("POST", "/office/organizations/{org}/foreign-nationals/file", LIST_FILE),
];

/// The most the body of `method path` (a route's template) may hold.
pub fn body(method: &str, path: &str) -> usize {
    UPLOADS.iter().find(|(m, p, _)| *m == method && *p == path).map_or(DEFAULT, |(_, _, limit)| *limit)
}

/// A route's handler with its body limit, where it differs from the router's [`DEFAULT`] (only the file
/// routes get a layer of their own: building the router is part of every cold start).
pub fn route<S: Clone + Send + Sync + 'static>(
    handler: axum::routing::MethodRouter<S>,
    method: &str,
    path: &str,
) -> axum::routing::MethodRouter<S> {
    match body(method, path) {
        DEFAULT => handler,
        limit => handler.layer(axum::extract::DefaultBodyLimit::max(limit)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_get_their_own_limit_and_everything_else_the_default() {
        assert_eq!(body("POST", "/applications/{id}/photo"), zairyu_domain::photo::MAX_PHOTO_BYTES + 4096);
        assert_eq!(body("POST", "/office/organizations/{org}/foreign-nationals/file"), 1_052_672);
        assert_eq!(body("GET", "/applications/{id}/photo"), 65_536);
        assert_eq!(body("POST", "/login"), 65_536);
    }
}
