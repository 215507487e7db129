//! Blanket input: the template, uploads and their error lists (Q40–Q43).

use super::*;

pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/template",
        summary: "The blanket input template of one input-screen group, xlsx (Q40, Q41)",
        session: true,
        body: B::None,
        reply: R::File(zairyu_app::services::blanket::XLSX_CONTENT_TYPE),
        responses: &[200, 401, 422],
        handler: || get(blanket_template),
    },
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/blanket/uploads",
        summary: "Start a blanket upload: its ID and the link its file goes to (Q40)",
        session: true,
        body: B::None,
        reply: R::Json(schema::<UploadStartedView>),
        responses: &[201, 401, 403],
        handler: || post(begin_blanket_upload),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads",
        summary: "The organization's blanket uploads, newest first (Q42)",
        session: true,
        body: B::None,
        reply: R::Json(schema::<PageView<zairyu_domain::blanket::BlanketUpload>>),
        responses: &[200, 400, 401, 403],
        handler: || get(blanket_uploads),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}",
        summary: "A blanket upload: its state, counts and error list (Q42)",
        session: true,
        body: B::None,
        reply: R::Json(schema::<UploadView>),
        responses: &[200, 401, 404],
        handler: || get(blanket_upload),
    },
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}/errors.csv",
        summary: "The error list of a blanket upload, printable (Q43)",
        session: true,
        body: B::None,
        reply: R::File("text/csv"),
        responses: &[200, 401, 404],
        handler: || get(blanket_errors_csv),
    },
];

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TemplateQuery {
    screen_group: String,
}

async fn blanket_template(
    Wired(blanket): Wired<Blanket>,
    _auth: Authenticated,
    QueryArgs(q): QueryArgs<TemplateQuery>,
) -> ApiResult<Response> {
    let group = zairyu_domain::status_of_residence::ScreenGroup::ALL
        .into_iter()
        .find(|g| g.code() == q.screen_group)
        .ok_or_else(|| query_problem("screen_group", &UnknownCode::ScreenGroup(q.screen_group.clone())))?;
    let bytes = blanket.template(group, zairyu_blanket::template::TEMPLATE_VERSION, zairyu_blanket::template).await?;
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(zairyu_app::services::blanket::XLSX_CONTENT_TYPE));
    let name = format!("attachment; filename=\"zairyu-blanket-{}.xlsx\"", group.code());
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    Ok(res)
}

async fn begin_blanket_upload(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
) -> ApiResult<(StatusCode, Json<UploadStartedView>)> {
    let (upload, link) = blanket.begin_blanket_upload(&auth.caller).await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadStartedView { upload_id: upload.id().to_owned(), state: upload.state(), upload: link }),
    ))
}

async fn blanket_uploads(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
    pages: Pages,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> ApiResult<Json<PageView<zairyu_domain::blanket::BlanketUpload>>> {
    let (after, limit) = pages.args(q.cursor.as_deref(), q.limit)?;
    let page = blanket.blanket_uploads(&auth.caller, after, limit).await?;
    Ok(Json(pages.view(page.items, page.next)?))
}

async fn blanket_upload(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<UploadView>> {
    let (upload, errors) = blanket.blanket_upload(&auth.caller, &id).await?;
    let status = if upload.state() == zairyu_domain::blanket::UploadState::RowErrors {
        Some(crate::views::StatusView::from(zairyu_domain::status::ApplicationStatus::ErrorBlanketRegistration))
    } else {
        None
    };
    Ok(Json(UploadView { upload, status, errors }))
}

async fn blanket_errors_csv(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (_, errors) = blanket.blanket_upload(&auth.caller, &id).await?;
    // A byte-order mark, so that Excel opens the Japanese text as UTF-8.
    let mut csv =
        String::from("\u{feff}sheet,row,name,residence_card_number,column,header,value,rule,message_ja,message_en\r\n");
    let cols = zairyu_blanket::columns::columns();
    for e in &errors {
        let header = (0..cols.len())
            .find(|&i| zairyu_blanket::columns::letters(i) == e.column)
            .map(|i| cols[i].ja.clone())
            .unwrap_or_default();
        let fields = [
            e.sheet.clone(),
            e.row.to_string(),
            e.applicant_name.clone(),
            e.card_number.clone(),
            e.column.clone(),
            header,
            e.value.clone(),
            e.rule.clone(),
            e.message_ja.clone(),
            e.message_en.clone(),
        ];
        csv.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    let mut res = csv.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    // The upload ID is ours (letters, digits, hyphens), so it is safe in the header as it is.
    let name: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"blanket-errors-{name}.csv\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
