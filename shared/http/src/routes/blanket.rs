//! Blanket input: the template, uploads and their error lists (Q40–Q43).
//! Each route is compiled into its function alone; the spreadsheet code (`zairyu-blanket`) is `status`'s.
use crate::ApiResult;
use crate::RouteSpec;
use crate::Wired;
use crate::cursor::Pages;
use crate::extract::Authenticated;
use crate::extract::JsonBody;
use crate::extract::QueryArgs;
use crate::routes::B;
use crate::routes::F;
use crate::routes::Json;
use crate::routes::PageQuery;
use crate::routes::R;
use crate::routes::UnknownCode;
use crate::routes::csv_field;
use crate::routes::inert;
use crate::routes::query_problem;
use crate::routes::query_schema;
use crate::routes::schema;
use crate::views::PageView;
use crate::views::UploadStartedView;
use crate::views::UploadView;
use axum::extract::Path;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde::Deserialize;
use zairyu_app::Blanket;

pub const ROUTES: &[RouteSpec] = &[
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/template",
        summary: "The blanket input template of one input-screen group, xlsx",
        session: true,
        body: B::None,
        query: Some(query_schema::<TemplateQuery>),
        reply: R::File(zairyu_app::services::blanket::XLSX_CONTENT_TYPE),
        responses: &[200, 401, 422],
        handler: || get(blanket_template),
    },
    #[cfg(feature = "submit")]
    RouteSpec {
        function: F::Submit,
        method: "POST",
        path: "/api/blanket/uploads",
        summary: "Start a blanket upload of the file the user chose (its name): the upload's ID and the link its file goes to",
        session: true,
        body: B::Json(schema::<StartUploadBody>),
        query: None,
        reply: R::Json(schema::<UploadStartedView>),
        responses: &[201, 400, 401, 403, 413, 415, 422],
        handler: || post(begin_blanket_upload),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads",
        summary: "The organization's blanket uploads, newest first",
        session: true,
        body: B::None,
        query: Some(query_schema::<PageQuery>),
        reply: R::Json(schema::<PageView<zairyu_domain::blanket::BlanketUpload>>),
        responses: &[200, 400, 401, 403],
        handler: || get(blanket_uploads),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}",
        summary: "A blanket upload: its state, counts and error list",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<UploadView>),
        responses: &[200, 401, 404],
        handler: || get(blanket_upload),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}/errors.csv",
        summary: "The error list of a blanket upload, printable",
        session: true,
        body: B::None,
        query: None,
        reply: R::File("text/csv"),
        responses: &[200, 401, 404],
        handler: || get(blanket_errors_csv),
    },
    #[cfg(feature = "status")]
    RouteSpec {
        function: F::Status,
        method: "GET",
        path: "/api/blanket/uploads/{id}/errors.html",
        summary: "The error list of a blanket upload as a page for printing, in Japanese and English",
        session: true,
        body: B::None,
        query: None,
        reply: R::File("text/html"),
        responses: &[200, 401, 404],
        handler: || get(blanket_errors_html),
    },
];

/// The file the user is about to upload.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StartUploadBody {
    /// The file's name on the user's computer (a path is cut to its last part); at most 200 characters.
    file_name: String,
    /// The file's size in bytes (1 to 5 MB): the link takes a body of exactly this size. Over the limit, the
    /// upload ends refused at once (413).
    #[serde(deserialize_with = "crate::extract::whole_number")]
    #[schemars(range(min = 1, max = zairyu_domain::blanket::MAX_FILE_BYTES))]
    size: u64,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TemplateQuery {
    screen_group: String,
    /// The procedure its rows apply for (`extension`, the default, or `change_of_status`).
    procedure: Option<String>,
}

#[cfg(feature = "status")]
async fn blanket_template(
    Wired(blanket): Wired<Blanket>,
    _auth: Authenticated,
    QueryArgs(q): QueryArgs<TemplateQuery>,
) -> ApiResult<Response> {
    template_file(&blanket, q.procedure.as_deref(), &q.screen_group).await
}

/// The template of the input-screen group with this code, as a download (the API's route and the blanket
/// page's link alike).
#[cfg(feature = "status")]
pub(crate) async fn template_file(
    blanket: &Blanket,
    procedure: Option<&str>,
    screen_group: &str,
) -> ApiResult<Response> {
    use zairyu_domain::procedure::Procedure;
    let procedure = match procedure.filter(|p| !p.is_empty()) {
        None => Procedure::Extension,
        Some(p) => Procedure::parse_among(p, &Procedure::by_blanket().collect::<Vec<_>>())
            .map_err(|e| query_problem("procedure", &e))?,
    };
    let group = zairyu_domain::status_of_residence::ScreenGroup::ALL
        .into_iter()
        .find(|g| g.code() == screen_group)
        .ok_or_else(|| query_problem("screen_group", &UnknownCode::ScreenGroup(screen_group.to_owned())))?;
    procedure.check_screen(group).map_err(|e| query_problem("screen_group", &e))?;
    let version = zairyu_blanket::template::TEMPLATE_VERSION;
    let bytes = blanket.template(procedure, group, version, zairyu_blanket::template::template_for).await?;
    let name = match procedure {
        Procedure::Extension => format!("zairyu-blanket-{}.xlsx", group.code()),
        Procedure::ChangeOfStatus => format!("zairyu-blanket-change-{}.xlsx", group.code()),
        Procedure::WorkCertificate => format!("zairyu-blanket-work-certificate-{}.xlsx", group.code()),
        Procedure::CertificateOfEligibility => {
            format!("zairyu-blanket-certificate-of-eligibility-{}.xlsx", group.code())
        }
        Procedure::Acquisition => format!("zairyu-blanket-acquisition-{}.xlsx", group.code()),
    };
    Ok(crate::download::xlsx(bytes, &name))
}

async fn begin_blanket_upload(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
    JsonBody(body): JsonBody<StartUploadBody>,
) -> ApiResult<(StatusCode, Json<UploadStartedView>)> {
    let name =
        zairyu_domain::blanket::UploadFileName::parse(&body.file_name).map_err(|e| query_problem("file_name", &e))?;
    let (upload, link) = blanket.begin_blanket_upload(&auth.caller, Some(name), body.size).await?;
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

#[cfg(feature = "status")]
async fn blanket_errors_csv(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (_, errors) = blanket.blanket_upload(&auth.caller, &id).await?;
    let cols = zairyu_blanket::columns::columns();
    // A byte-order mark, so that Excel opens the Japanese text as UTF-8.
    let mut csv =
        String::from("\u{feff}sheet,row,name,residence_card_number,column,header,value,rule,message_ja,message_en\r\n");
    for e in &errors {
        let header = if e.header_ja.is_empty() { header_of(cols, &e.column).0 } else { e.header_ja.clone() };
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
    disposition(&mut res, "attachment", &id, "csv");
    Ok(res)
}

#[cfg(feature = "status")]
/// The Japanese and English headers of the column with these letters.
fn header_of(cols: &[zairyu_blanket::columns::Column], letters: &str) -> (String, String) {
    (0..cols.len())
        .find(|&i| zairyu_blanket::columns::letters(i) == letters)
        .map(|i| (cols[i].ja.clone(), cols[i].en.clone()))
        .unwrap_or_default()
}

/// `Content-Disposition` with the list's file name. The upload ID is ours (letters, digits, hyphens); only
/// those are kept, so it is safe in the header.
fn disposition(res: &mut Response, how: &str, id: &str, extension: &str) {
    let name: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if let Ok(v) = HeaderValue::from_str(&format!("{how}; filename=\"blanket-errors-{name}.{extension}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
}

#[cfg(feature = "status")]
/// Q43: the error list as a page to print (A4 landscape), in Japanese with English beside: which upload and
/// file, then each error's row, applicant, cell, header, value as typed (inert) and message.
async fn blanket_errors_html(
    Wired(blanket): Wired<Blanket>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (upload, errors) = blanket.blanket_upload(&auth.caller, &id).await?;
    let cols = zairyu_blanket::columns::columns();
    let file = upload.file_name().map(|n| n.as_str().to_owned()).unwrap_or_default();
    // Rendered by the template engine, which escapes every value (the file name and the values typed come
    // from the user's file).
    const STYLE: &str = r#"
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif; color: #1a1a1c; font-size: 11pt; line-height: 1.5; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 4pt 0; }
th, td { border: 1px solid #767676; padding: 3pt 5pt; vertical-align: top; text-align: left; }
th { background: #f1f1f4; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
[lang="en"] { color: #4d4d4d; font-size: 9.5pt; }
"#;
    let (count, failed) = (errors.len(), upload.rows_failed());
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "一括入力エラー一覧 " (file) " / Blanket input errors" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { "一括入力エラー一覧 " span lang="en" { "Blanket input errors" } }
                    dl {
                        dt { "ファイル " span lang="en" { "File" } } dd { (file) }
                        dt { "アップロードの開始 " span lang="en" { "Upload started" } } dd { (zairyu_domain::jst::minute(upload.created_at())) }
                        dt { "登録 / エラー " span lang="en" { "Registered / failed" } }
                        dd { (upload.rows_registered()) " / " (failed) }
                    }
                    @if errors.is_empty() {
                        p { "エラーはありません。 " span lang="en" { "No errors." } }
                    } @else {
                        p {
                            "エラー " (count) " 件（" (failed) " 行）。申請情報一覧の「エラー（一括登録）」の申請を開いて修正してください。"
                            br;
                            span lang="en" { (count) " errors in " (failed) " rows. Open the applications in \"Error (blanket registration)\" in the application list and correct them." }
                        }
                    }
                    table {
                        caption { "エラーのあったセル " span lang="en" { "Cells with errors" } " — シート " span lang="en" { "sheet" } " " (zairyu_blanket::template::DATA_SHEET) }
                        thead {
                            tr {
                                th scope="col" { "行 " span lang="en" { "Row" } }
                                th scope="col" { "氏名 " span lang="en" { "Name" } }
                                th scope="col" { "在留カード番号 " span lang="en" { "Card number" } }
                                th scope="col" { "セル・見出し " span lang="en" { "Cell, header" } }
                                th scope="col" { "入力された値 " span lang="en" { "Value as typed" } }
                                th scope="col" { "内容 " span lang="en" { "Error" } }
                            }
                        }
                        tbody {
                            @for e in &errors {
                                @let (ja, en) = if e.header_ja.is_empty() { header_of(cols, &e.column) } else { (e.header_ja.clone(), e.header_en.clone()) };
                                tr {
                                    td { (e.row) }
                                    td { (e.applicant_name) }
                                    td { (e.card_number) }
                                    td { (e.column) (e.row) " " (ja) br; span lang="en" { (en) } }
                                    td { (inert(&e.value)) }
                                    td { (e.message_ja) br; span lang="en" { (e.message_en) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    .into_string();
    let mut res = page.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    disposition(&mut res, "inline", &id, "html");
    Ok(res)
}
