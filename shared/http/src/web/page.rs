use crate::Problem;
use crate::web::PageCtx;
use crate::web::visit::PageError;
use crate::web::visit::PageResult;
use crate::web::visit::Visit;
use crate::web::visit::encode;
use crate::web::visit::problem;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use zairyu_app::ServiceError;
use zairyu_domain::error::Language as Lang;

/// A table of data in its own scrolling region (so a narrow screen scrolls the table, not the page), with
/// its caption and column headers.
pub fn data_table(ctx: &PageCtx, caption: &str, headers: &[(&'static str, &'static str)], rows: Markup) -> Markup {
    let labels: Vec<&str> = headers.iter().map(|(ja, en)| ctx.tr(ja, en)).collect();
    let rows = maud::PreEscaped(for_phones(&rows.into_string(), &labels));
    html! {
        div.table-wrap role="region" tabindex="0" aria-label=(caption) {
            table {
                caption { (caption) }
                thead { tr { @for label in &labels { th scope="col" { (label) } } } }
                tbody { (rows) }
            }
        }
    }
}

/// A table's rows made ready for a phone's width (#32 item 6), where each row is shown stacked, one cell a
/// line: each cell carries its column's header (`data-label`, which the style sheet prints before it), and
/// a name may wrap after each comma (`NGUYEN,VAN,AN`), never inside a word. The rows are our own markup: a
/// cell starts `<td` or `<th` followed by a space or `>`; text is what stands between `>` and `<`.
fn for_phones(rows: &str, labels: &[&str]) -> String {
    let mut out = String::with_capacity(rows.len() + rows.len() / 4);
    let (mut column, mut in_tag) = (0usize, false);
    let mut rest = rows;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            in_tag = true;
            let cell = ["<td", "<th"].iter().any(|t| rest.starts_with(t) && rest[3..].starts_with([' ', '>']));
            if rest.starts_with("<tr") && rest[3..].starts_with([' ', '>']) {
                column = 0;
            } else if cell {
                out.push_str(&rest[..3]);
                if let Some(label) = labels.get(column) {
                    out.push_str(" data-label=\"");
                    out.push_str(&maud::html! { (label) }.into_string());
                    out.push('"');
                }
                column += 1;
                rest = &rest[3..];
                continue;
            }
        } else if c == '>' {
            in_tag = false;
        }
        out.push(c);
        if c == ',' && !in_tag {
            out.push_str("<wbr>");
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Lines per page of a list page.
#[cfg(any(feature = "status", feature = "submit", feature = "office"))]
pub const PER_PAGE: u32 = 50;

/// An API-side refusal (a bad cursor, say) as the page shows it.
#[cfg(any(feature = "status", feature = "submit", feature = "office"))]
pub fn api(lang: Lang) -> impl Fn(crate::ApiError) -> PageError {
    move |e| PageError::Problem(lang, e.0)
}

#[cfg(any(feature = "status", feature = "submit", feature = "office"))]
/// The link to the next page, when there is one (`path` may hold a query of its own, e.g. a filter).
pub fn pager(ctx: &PageCtx, path: &str, next: Option<&str>, first: bool) -> Markup {
    pager_of(ctx, path, "cursor", next, first)
}

/// The pager of one of several paged lists on a page, whose cursor is the query parameter `param`.
pub fn pager_of(ctx: &PageCtx, path: &str, param: &str, next: Option<&str>, first: bool) -> Markup {
    let join = if path.contains('?') { '&' } else { '?' };
    html! {
        nav.pager aria-label=(ctx.tr("ページ送り", "Pages")) {
            @if !first { a href=(path) { (ctx.tr("最初のページ", "First page")) } }
            @if let Some(next) = next {
                a href=(format!("{path}{join}{param}={}", encode(next))) { (ctx.tr("次のページ", "Next page")) }
            }
        }
    }
}

/// A file posted with a page's multipart form: the form's CSRF token, and the file chosen (with its name)
/// unless none was.
#[cfg(any(feature = "submit", feature = "office"))]
pub struct Upload {
    pub csrf: String,
    pub file: Option<Vec<u8>>,
    pub name: Option<String>,
}

/// A page's multipart form as it arrived: a body that is not one is answered with a page, not axum's text.
#[cfg(any(feature = "submit", feature = "office"))]
pub type MultipartResult = Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>;

/// Reads a file form posted from a page of `v`: its form token (the first field of every file form of
/// ours) is checked before anything else is read, then `allowed` (whose application or organization it is:
/// another's is not found, whatever the body holds), then the file in the field `field_name`, at most `limit`
/// bytes. A body that is not such a form is answered with a page, never the framework's text.
#[cfg(any(feature = "submit", feature = "office"))]
pub async fn file_upload<T>(
    v: &Visit,
    multipart: MultipartResult,
    field_name: &str,
    limit: usize,
    allowed: impl Future<Output = Result<T, PageError>>,
) -> Result<(Upload, T), PageError> {
    let refused = |p: Problem| PageError::Problem(v.lang(), Box::new(p));
    // Not a multipart form (no boundary, another type): a form no page of ours sends.
    let mut multipart = multipart.map_err(|_| refused(Problem::malformed_form()))?;
    // A part cut short or over the route's limit: too large, or not a form of ours.
    let bad = |e: axum::extract::multipart::MultipartError| match e.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => refused(Problem::too_large(limit, "form.too_large")),
        _ => refused(Problem::malformed_form()),
    };
    let mut upload = Upload { csrf: String::new(), file: None, name: None };
    if let Some(first) = multipart.next_field().await.map_err(bad)?
        && first.name() == Some("csrf")
    {
        upload.csrf = first.text().await.map_err(bad)?;
    }
    v.check_form(&upload.csrf)?;
    let allowed = allowed.await?;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() == Some(field_name) {
            upload.name = field.file_name().map(str::to_owned);
            upload.file = Some(field.bytes().await.map_err(bad)?.to_vec()).filter(|b| !b.is_empty());
        }
    }
    Ok((upload, allowed))
}

/// A facial photo posted from a page (the file in `photo`), once `allowed`.
#[cfg(any(feature = "submit", feature = "office"))]
pub async fn photo_upload<T>(
    v: &Visit,
    multipart: MultipartResult,
    allowed: impl Future<Output = Result<T, PageError>>,
) -> Result<(Upload, T), PageError> {
    file_upload(v, multipart, "photo", crate::limits::PHOTO, allowed).await
}

/// A stored facial photo as its page's image (never cached: it is personal data); none is a 404.
#[cfg(any(feature = "submit", feature = "office"))]
pub fn photo_response(lang: Lang, photo: Result<Option<Vec<u8>>, ServiceError>) -> PageResult {
    let bytes = photo.map_err(problem(lang))?.ok_or_else(|| problem(lang)(ServiceError::NotFound))?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, no-store")], bytes).into_response())
}

/// A moment as Japan's clocks show it.
#[cfg(any(feature = "login", feature = "submit", feature = "office"))]
pub fn jst(t: chrono::DateTime<chrono::Utc>) -> String {
    zairyu_domain::jst::minute(t)
}

/// A page's query string read into `T` (none: `T`'s default); one that does not read is a 400 page.
pub fn query<T: serde::de::DeserializeOwned + Default>(uri: &axum::http::Uri, lang: Lang) -> Result<T, PageError> {
    match uri.query() {
        None => Ok(T::default()),
        Some(_) => axum::extract::Query::<T>::try_from_uri(uri)
            .map(|q| q.0)
            .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text())))),
    }
}

/// The text of `lang` of a pair known only at run time (a stored message, a label read from a record).
pub fn tr_owned(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// After a post: on to the next page (303, so a reload reads it again instead of posting again).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// `scheme://host[:port]` of an absolute URL.
#[cfg(any(feature = "status", feature = "submit"))]
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// A page whose form posts a file straight to the object store: its policy lets the form go there, and
/// only there (`form` is `None` when the page shows no such form).
#[cfg(any(feature = "status", feature = "submit"))]
pub fn posting_to_store(mut res: Response, form: Option<&zairyu_app::ports::PresignedForm>) -> Response {
    if let Some(origin) = form.and_then(|f| origin_of(&f.url)) {
        let policy = crate::trace::content_security_policy_posting_to(&origin);
        if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
            res.headers_mut().insert(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    res
}

#[cfg(test)]
mod phone_tests {
    #[test]
    fn each_cell_carries_its_column_s_header_and_names_wrap_at_commas() {
        let rows = r#"<tr id="a"><th scope="row"><a href="/x?a=1,2">NGUYEN,VAN,AN</a></th><td>1, 2</td><td class="t">x</td></tr><tr><td>y</td></tr>"#;
        let out = super::for_phones(rows, &["Name", "Count", "A \"B\""]);
        assert_eq!(
            out,
            r#"<tr id="a"><th data-label="Name" scope="row"><a href="/x?a=1,2">NGUYEN,<wbr>VAN,<wbr>AN</a></th><td data-label="Count">1,<wbr> 2</td><td data-label="A &quot;B&quot;" class="t">x</td></tr><tr><td data-label="Name">y</td></tr>"#
        );
    }
}
