//! The officers' side of applications: the office queue, examination, residence cards, withdrawals (Q22, Q34, Q46–Q71).

use crate::ApiResult;
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
use crate::routes::R;
use crate::routes::UnknownCode;
use crate::routes::query_problem;
use crate::routes::query_schema;
use crate::routes::schema;
use crate::views::ApplicationDetailView;
use crate::views::ApplicationView;
use crate::views::PageView;
use axum::extract::Path;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde::Deserialize;
use zairyu_app::Examination;
use zairyu_app::services::examination::QueueView;
use zairyu_app::store::QueueOrder;

pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications",
        summary: "Officers: the office's applications in one status, newest receipt first",
        session: true,
        body: B::None,
        query: Some(query_schema::<QueueQuery>),
        reply: R::Json(schema::<PageView<ApplicationView>>),
        responses: &[200, 400, 401, 403],
        handler: || get(office_queue),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications/{id}",
        summary: "Officers: one application of the office's jurisdiction",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<ApplicationDetailView<'static>>),
        responses: &[200, 401, 403, 404],
        handler: || get(office_application),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications/{id}/documents",
        summary: "Officers: the documents of proof an application's filer submitted, oldest first",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<OfficeDocumentsView>),
        responses: &[200, 401, 403, 404],
        handler: || get(office_documents),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications/{id}/documents/{document}",
        summary: "Officers: open one document of proof (303 to a link valid for a minute; the opening is in the audit trail)",
        session: true,
        body: B::None,
        query: None,
        reply: R::Empty,
        responses: &[303, 401, 403, 404],
        handler: || get(open_document),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/applications/by-receipt-number/{number}",
        summary: "Officers: the application with this temporary or official receipt number",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<ApplicationDetailView<'static>>),
        responses: &[200, 401, 403, 404],
        handler: || get(application_by_receipt_number),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/applications/by-card",
        summary: "Officers: the applications for the holder of this residence card that the office may see (the card number in the body: no card number in a URL)",
        session: true,
        body: B::Json(schema::<CardSearch>),
        query: None,
        reply: R::Json(schema::<PageView<ApplicationView>>),
        responses: &[200, 400, 401, 403, 422],
        handler: || post(applications_by_card),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/applications/{id}/actions",
        summary: "Officers: examine, permit or deny, residence card, withdrawal",
        session: true,
        body: B::Json(schema::<zairyu_app::services::examination::OfficeAction>),
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(office_act),
    },
    RouteSpec {
        function: F::Office,
        method: "PUT",
        path: "/api/office/applications/{id}/photo",
        summary: "Officers: replace a wrongly attached facial photo",
        session: true,
        body: B::Jpeg,
        query: None,
        reply: R::Json(schema::<ApplicationView>),
        responses: &[200, 401, 403, 404, 409, 413, 415, 422],
        handler: || put(office_replace_photo),
    },
];

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct QueueQuery {
    status: String,
    office: Option<String>,
    /// One procedure's applications only (its code); all when absent.
    procedure: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

async fn office_queue(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    pages: Pages,
    QueryArgs(q): QueryArgs<QueueQuery>,
) -> ApiResult<Json<PageView<ApplicationView>>> {
    let status = zairyu_domain::status::ApplicationStatus::ALL
        .into_iter()
        .find(|st| st.code() == q.status)
        .ok_or_else(|| query_problem("status", &UnknownCode::Status(q.status.clone())))?;
    let office = match q.office.as_deref() {
        None => None,
        Some(o) => Some(zairyu_domain::office::Office::parse(o).map_err(|e| query_problem("office", &e))?),
    };
    let procedure = match q.procedure.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            zairyu_domain::procedure::Procedure::parse_among(p, &zairyu_domain::procedure::Procedure::ALL)
                .map_err(|e| query_problem("procedure", &e))?,
        ),
    };
    let pages = pages.filtered(&format!(
        "{}\n{}\n{}",
        q.status,
        q.office.as_deref().unwrap_or(""),
        q.procedure.as_deref().unwrap_or("")
    ));
    let (after, limit) = pages.args(q.cursor.as_deref(), q.limit)?;
    let queue = QueueView { office, status, procedure, order: QueueOrder::NewestFirst };
    let page = examination.office_queue(&auth.caller, queue, after, limit).await?;
    Ok(Json(pages.view(page.items.iter().map(ApplicationView::from).collect(), page.next)?))
}

async fn office_application(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let app = examination.office_view(&auth.caller, &id).await?;
    Ok(Json(ApplicationDetailView::from(&app)).into_response())
}

/// The documents of proof of an application, as its office sees them.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct OfficeDocumentsView {
    /// The accepted documents, oldest first.
    documents: Vec<zairyu_domain::application::Document>,
}

async fn office_documents(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<OfficeDocumentsView>> {
    let app = examination.office_view(&auth.caller, &id).await?;
    Ok(Json(OfficeDocumentsView { documents: examination.office_documents(&auth.caller, &app).await? }))
}

async fn open_document(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    Path((id, document)): Path<(String, String)>,
) -> ApiResult<Response> {
    let url = examination.open_document(&auth.caller, &id, &document).await?;
    Ok(axum::response::Redirect::to(&url).into_response())
}

async fn application_by_receipt_number(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let app = examination.find_by_receipt_number(&auth.caller, &number).await?;
    Ok(Json(ApplicationDetailView::from(&app)).into_response())
}

/// A search by residence card number: in a body, so the number is in no URL (and no log of URLs).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CardSearch {
    residence_card_number: String,
    cursor: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::optional_whole_u32")]
    limit: Option<u32>,
}

async fn applications_by_card(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    pages: Pages,
    JsonBody(q): JsonBody<CardSearch>,
) -> ApiResult<Json<PageView<ApplicationView>>> {
    let pages = pages.filtered(&q.residence_card_number);
    let (after, limit) = pages.args(q.cursor.as_deref(), q.limit)?;
    let page = examination.find_by_card(&auth.caller, &q.residence_card_number, after, limit).await?;
    Ok(Json(pages.view(page.items.iter().map(ApplicationView::from).collect(), page.next)?))
}

async fn office_act(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(action): JsonBody<zairyu_app::services::examination::OfficeAction>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&examination.office_act(&auth.caller, &id, action).await?)))
}

async fn office_replace_photo(
    Wired(examination): Wired<Examination>,
    auth: Authenticated,
    Path(id): Path<String>,
    photo: JpegBody,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(ApplicationView::from(&examination.office_replace_photo(&auth.caller, &id, photo.bytes).await?)))
}
