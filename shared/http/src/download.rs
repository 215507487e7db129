//! Files handed to the browser to keep: an attachment with its type and name.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A PDF shown in the browser (a phone opens it as it is), named `name` when kept (ASCII: our own names).
pub fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("inline; filename=\"{name}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("inline")),
    );
    res
}

/// An Excel workbook as a download named `name` (ASCII: our own names only).
pub fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(zairyu_app::services::blanket::XLSX_CONTENT_TYPE));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    res
}
