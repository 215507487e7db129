//! An organization's applications and its List of Affiliated Foreign Nationals (Q4, Q21–Q35, Q45, Q50–Q53, Q80).
use crate::ApiResult;
use crate::Problem;
use crate::RouteSpec;
use crate::Wired;
use crate::cursor::Pages;
use crate::extract::Authenticated;
use crate::extract::JpegBody;
use crate::extract::JsonBody;
use crate::extract::QueryArgs;
use crate::routes::B;
use crate::routes::F;
use crate::routes::Json;
use crate::routes::PageQuery;
use crate::routes::R;
use crate::routes::query_schema;
use crate::routes::schema;
use crate::views::ApplicationDetailView;
use crate::views::ApplicationView;
use crate::views::ForeignNationalView;
use crate::views::PageView;
use crate::views::SubmitBulkView;
use crate::views::SubmitResult;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde::Deserialize;
use zairyu_app::Applications;
use zairyu_domain::form::ApplicationInput;
use zairyu_domain::status::ReceiptMethod;

pub const ROUTES: &[RouteSpec] = &[
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/submit-bulk",
        summary: "File many applications at once; a result for each",
        session: true,
        body: B::Json(schema::<SubmitBulkBody>),
        query: None,
        reply: R::Json(schema::<SubmitBulkView>),
        responses: &[200, 400, 401, 403, 415],
        handler: || post(submit_bulk),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/foreign-nationals",
        summary: "List of Affiliated Foreign Nationals with their filing windows",
        session: true,
        body: B::None,
        query: Some(query_schema::<PageQuery>),
        reply: R::Json(schema::<PageView<ForeignNationalView>>),
        responses: &[200, 401],
        handler: || get(foreign_nationals),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/applications",
        summary: "Application information list, newest first",
        session: true,
        body: B::None,
        query: Some(query_schema::<PageQuery>),
        reply: R::Json(schema::<PageView<ApplicationView>>),
        responses: &[200, 401],
        handler: || get(applications),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications",
        summary: "Enter an application: Input completed",
        session: true,
        body: B::Json(schema::<ApplicationInput>),
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[201, 400, 401, 403, 413, 415, 422],
        handler: || post(create_application),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/{id}/correction",
        summary: "Correct a row of a blanket file in Error (blanket registration): Input completed",
        session: true,
        body: B::Json(schema::<ApplicationInput>),
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 400, 401, 403, 404, 409, 413, 415, 422],
        handler: || post(correct_blanket_entry),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "PUT",
        path: "/api/applications/{id}/entry",
        summary: "Change what was entered, before filing: the same person, checked as a new entry",
        session: true,
        body: B::Json(schema::<ApplicationInput>),
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 400, 401, 403, 404, 409, 413, 415, 422],
        handler: || put(change_entry),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/{id}/discard",
        summary: "Discard what was entered, before filing: the entry ends and the person is free for another",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 401, 403, 404, 409],
        handler: || post(discard),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/applications/{id}",
        summary: "One application in full, for review before submitting, and its status",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<ApplicationDetailView<'static>>),
        responses: &[200, 401, 404],
        handler: || get(application),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "PUT",
        path: "/api/applications/{id}/photo",
        summary: "Attach the facial photo: JPEG, at most 50 KB",
        session: true,
        body: B::Jpeg,
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 401, 403, 404, 409, 413, 415, 422],
        handler: || put(attach_photo),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/{id}/documents",
        summary: "Start a document of proof (PDF, JPEG or PNG; 25 MB in all with the photo): named with what it proves, its size; the link its file goes to",
        session: true,
        body: B::Json(schema::<StartDocumentBody>),
        query: None,
        reply: R::Json(schema::<DocumentStartedView>),
        responses: &[201, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(start_document),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/{id}/documents/{document}/complete",
        summary: "The document's file was sent: it is checked by its content and accepted (200), refused with the reason (422), or not there yet (202)",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<zairyu_domain::application::Document>),
        responses: &[200, 202, 401, 403, 404, 409, 422],
        handler: || post(complete_document),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/applications/{id}/documents",
        summary: "The documents of proof of an application: accepted, refused with the reason, or waiting for their file (or for `complete`)",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<DocumentsView>),
        responses: &[200, 401, 404],
        handler: || get(documents),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/applications/{id}/submit",
        summary: "File the application: temporary receipt number",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 401, 403, 404, 409, 422],
        handler: || post(submit),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "PUT",
        path: "/api/applications/{id}/receipt-method",
        summary: "Change how the residence card is received",
        session: true,
        body: B::Json(schema::<ReceiptMethodBody>),
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || put(change_receipt_method),
    },
];

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StartDocumentBody {
    /// What the document proves, as the officer will read it (e.g. 卒業証明書), at most 60 characters.
    title: String,
    /// The file's name on the user's computer; its extension must agree with its content.
    #[serde(default)]
    file_name: Option<String>,
    /// The file's size in bytes: the link takes exactly this many (at most the room left of the 25 MB).
    #[serde(deserialize_with = "crate::extract::whole_number")]
    #[schemars(range(min = 1, max = zairyu_domain::document::MAX_TOTAL_BYTES))]
    size: u64,
}

/// A document started, and where its file goes.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct DocumentStartedView {
    document: zairyu_domain::application::Document,
    upload: zairyu_app::ports::PresignedUpload,
}

/// An application's documents, and the room left of its 25 MB.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct DocumentsView {
    documents: Vec<zairyu_domain::application::Document>,
    /// Bytes a further document may have.
    room_bytes: u64,
}

#[cfg(feature = "submit")]
async fn start_document(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<StartDocumentBody>,
) -> ApiResult<(StatusCode, Json<DocumentStartedView>)> {
    let documents = applications.documents();
    let document = documents.start_document(&auth.caller, &id, &b.title, b.file_name.as_deref(), Some(b.size)).await?;
    let upload = documents.upload_link(&auth.caller, &document).await?;
    Ok((StatusCode::CREATED, Json(DocumentStartedView { document, upload })))
}

#[cfg(feature = "submit")]
async fn complete_document(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path((id, document)): Path<(String, String)>,
) -> ApiResult<Response> {
    use zairyu_domain::application::DocumentState;
    let doc = applications.documents().document(&auth.caller, &id, &document).await?;
    Ok(match doc.state() {
        DocumentState::Accepted { .. } => Json(doc).into_response(),
        DocumentState::AwaitingFile { .. } => (StatusCode::ACCEPTED, Json(doc)).into_response(),
        DocumentState::Refused { rule, message_en, message_ja, .. } => {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "document-refused",
                "The document was refused",
                rule,
                message_en.clone(),
                message_ja.clone(),
            );
            p.errors = vec![zairyu_domain::error::Violation {
                field: "file".into(),
                rule: zairyu_domain::document::refusal_rule(rule),
                message_en: message_en.clone(),
                message_ja: message_ja.clone(),
            }];
            p.into_response()
        }
    })
}

#[cfg(feature = "status")]
async fn documents(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentsView>> {
    let (app, documents) = applications.documents().documents_as_they_stand(&auth.caller, &id).await?;
    Ok(Json(DocumentsView { documents, room_bytes: app.document_room() }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReceiptMethodBody {
    receipt_method: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SubmitBulkBody {
    application_ids: Vec<String>,
}

async fn submit_bulk(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    JsonBody(b): JsonBody<SubmitBulkBody>,
) -> ApiResult<Json<SubmitBulkView>> {
    if b.application_ids.len() > zairyu_domain::blanket::MAX_ROWS {
        return Err(Problem::too_large(zairyu_domain::blanket::MAX_ROWS, "submit_bulk.too_many").into());
    }
    let results = applications
        .submit_many(&auth.caller, &b.application_ids)
        .await
        .into_iter()
        .map(|(id, r)| match r {
            Ok(app) => SubmitResult { id, ok: true, application: Some(ApplicationView::from(&app)), problem: None },
            Err(e) => SubmitResult { id, ok: false, application: None, problem: Some(Problem::from(e)) },
        })
        .collect();
    Ok(Json(SubmitBulkView { results }))
}

async fn foreign_nationals(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    pages: Pages,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> ApiResult<Json<PageView<ForeignNationalView>>> {
    let (after, limit) = pages.args(q.cursor.as_deref(), q.limit)?;
    let page = applications.foreign_nationals(&auth.caller, after, limit).await?;
    Ok(Json(pages.view(page.items.iter().map(ForeignNationalView::from).collect(), page.next)?))
}

async fn applications(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    pages: Pages,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> ApiResult<PageView<zairyu_app::lines::Line>> {
    let (after, limit) = pages.args(q.cursor.as_deref(), q.limit)?;
    // The lines as stored: each is an `ApplicationView` (the schema this route declares).
    let page = applications.applications(&auth.caller, after, limit).await?;
    pages.view(page.items, page.next)
}

async fn create_application(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    JsonBody(input): JsonBody<ApplicationInput>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let app = applications.create_application(&auth.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(ApplicationView::from(&app))))
}

async fn application(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let item = applications.list_item(&auth.caller, &id).await?;
    Ok(Json(ApplicationDetailView::from(&item)).into_response())
}

async fn correct_blanket_entry(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ApplicationInput>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&applications.correct_blanket_entry(&auth.caller, &id, &input).await?)))
}

async fn change_entry(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ApplicationInput>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&applications.change_entry(&auth.caller, &id, &input).await?)))
}

async fn discard(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&applications.discard(&auth.caller, &id).await?)))
}

async fn attach_photo(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
    photo: JpegBody,
) -> ApiResult<Json<ApplicationView>> {
    let app = applications.attach_photo(&auth.caller, &id, photo.bytes, photo.file_name.as_deref()).await?;
    Ok(Json(ApplicationView::from(&app)))
}

async fn submit(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&applications.submit(&auth.caller, &id).await?)))
}

async fn change_receipt_method(
    Wired(applications): Wired<Applications>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ReceiptMethodBody>,
) -> ApiResult<Json<ApplicationView>> {
    let method = ReceiptMethod::parse(&b.receipt_method).ok_or_else(|| {
        zairyu_app::ServiceError::Invalid(zairyu_domain::error::Violations(vec![zairyu_domain::error::Violation::new(
            "receipt_method",
            &zairyu_domain::form::ChoiceError::ReceiptMethod,
        )]))
    })?;
    Ok(Json(ApplicationView::from(&applications.change_receipt_method(&auth.caller, &id, method).await?)))
}
