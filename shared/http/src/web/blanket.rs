//! Blanket input (Q40–Q43): the template of an input-screen group, an upload whose file the browser sends
//! straight to the object store with a form (no script needed), the upload's progress and result, and its
//! error list, with a printable version. The rows registered are filed together from the application list
//! (in "Input completed"), once each has its photo.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_app::Blanket;
use zairyu_app::ports::PresignedForm;
use zairyu_domain::blanket::{BlanketUpload, MAX_ROWS, RowError, UploadState};
use zairyu_domain::status_of_residence::ScreenGroup;

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::function::Function;
use crate::web::FormResult;
use crate::web::OrgVisit;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::api;
use crate::web::data_table;
use crate::web::layout;
use crate::web::problem;
use crate::web::see_other;
use crate::web::tr;
use crate::web::tr_owned;
use zairyu_domain::error::Language as Lang;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/blanket",
        handler: || get(overview),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/blanket/template",
        handler: || get(template),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "POST",
        path: "/blanket/uploads",
        handler: || post(start),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/blanket/uploads/{id}",
        handler: || get(upload),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "POST",
        path: "/blanket/uploads/{id}/name",
        handler: || post(name_file),
    },
];

/// Uploads the overview lists (the newest).
const LISTED_UPLOADS: u32 = 20;

fn group_name(lang: Lang, g: ScreenGroup) -> &'static str {
    tr(lang, g.name_ja(), g.name_en())
}

fn state_label(ctx: &PageCtx, state: UploadState) -> &'static str {
    match state {
        UploadState::AwaitingFile => ctx.tr("ファイル待ち", "Waiting for the file"),
        UploadState::Processing => ctx.tr("確認中", "Being checked"),
        UploadState::Registered => ctx.tr("登録完了", "Registered"),
        UploadState::RowErrors => ctx.tr("エラー（一括登録）", "Error (blanket registration)"),
        UploadState::Refused => ctx.tr("受け付けられませんでした", "Refused"),
    }
}

fn started(upload: &BlanketUpload) -> String {
    zairyu_domain::jst::minute(upload.created_at())
}

/// The menu of blanket input (Q40): the template of a group, a new upload, and the uploads so far.
async fn overview(Wired(blanket): Wired<Blanket>, OrgVisit(v): OrgVisit) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let uploads = blanket.blanket_uploads(&v.caller, None, LISTED_UPLOADS).await.map_err(problem(lang))?;
    let body = html! {
        p { (ctx.tr("複数の外国人の方の申請情報を、テンプレートファイルにまとめて入力して登録できます。1つのファイルには、申請の種類が同じで、同じ入力画面を使う在留資格の方だけを入力できます（在留期間更新又は在留資格変更）。",
                    "Enter the applications of many foreign nationals in a template file and register them at once. One file holds only applications of the same procedure (an extension or a change of status) for statuses of residence that use the same input screen.")) }
        h2 { (ctx.tr("1. テンプレートファイルを取得する", "1. Get the template file")) }
        form.filter method="get" action="/blanket/template" {
            label.label for="procedure" { (ctx.tr("申請の種類", "Procedure")) }
            select #procedure name="procedure" {
                @for p in zairyu_domain::procedure::Procedure::by_blanket() { option value=(p.code()) { (p.label(lang)) } }
            }
            " "
            label.label for="screen_group" { (ctx.tr("入力画面（在留資格のグループ。在留資格変更は希望する在留資格の）", "Input screen (group of statuses of residence; for a change, of the status asked for)")) }
            select #screen_group name="screen_group" {
                @for g in ScreenGroup::ALL { option value=(g.code()) { (group_name(lang, g)) } }
            }
            " "
            button.secondary type="submit" { (ctx.tr("テンプレートをダウンロードする", "Download the template")) }
        }
        h2 { (ctx.tr("2. 入力したファイルをアップロードする", "2. Upload the filled-in file")) }
        p { (limits(lang)) }
        form method="post" action="/blanket/uploads" {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            div.actions { button #start type="submit" { (ctx.tr("アップロードを始める", "Start an upload")) } }
        }
        h2 { (ctx.tr("これまでのアップロード", "Uploads so far")) }
        @if uploads.items.is_empty() {
            p.panel { (ctx.tr("アップロードはまだありません。", "There is no upload yet.")) }
        } @else {
            (data_table(ctx, ctx.tr("アップロード（新しい順）", "Uploads, newest first"),
                &[("開始日時", "Started"), ("ファイル", "File"), ("状況", "State"), ("登録", "Registered"), ("エラー", "With errors")],
                html! {
                    @for u in &uploads.items {
                        tr {
                            th scope="row" { a href=(format!("/blanket/uploads/{}", u.id())) { (started(u)) } }
                            td { (u.file_name().map_or("—", |n| n.as_str())) }
                            td { (state_label(ctx, u.state())) }
                            td { (u.rows_registered()) }
                            td { (u.rows_failed()) }
                        }
                    }
                }))
        }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("一括入力", "Blanket input"), body)).into_response())
}

/// The limits of a file as the pages state them, from the rules themselves (Q41).
fn limits(lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "1つのファイルに入力できるのは{MAX_ROWS}人までです。それより多い場合は、ファイルを分けてください。ファイルは5MBまでです。"
        ),
        Lang::En => format!(
            "One file holds up to {MAX_ROWS} people; for more, divide them over several files. A file is at most 5 MB."
        ),
    }
}

#[derive(Deserialize)]
struct TemplateArgs {
    screen_group: String,
    #[serde(default)]
    procedure: Option<String>,
}

async fn template(Wired(blanket): Wired<Blanket>, OrgVisit(v): OrgVisit, uri: Uri) -> PageResult {
    let lang = v.lang();
    let args = axum::extract::Query::<TemplateArgs>::try_from_uri(&uri)
        .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text()))))?;
    // One answer for the API and the page: a group not of the list is refused as the API refuses it.
    crate::routes::blanket::template_file(&blanket, args.0.procedure.as_deref(), &args.0.screen_group)
        .await
        .map_err(api(lang))
}

/// A new upload; on to its page, where the file is chosen and sent.
async fn start(Wired(blanket): Wired<Blanket>, OrgVisit(v): OrgVisit, form: FormResult) -> PageResult {
    let lang = v.lang();
    v.posted(form)?;
    let upload = blanket.begin_form_upload(&v.caller).await.map_err(problem(lang))?;
    Ok(see_other(&format!("/blanket/uploads/{}", upload.id())))
}

/// The name of the file the upload's form is about to send, told by the page's script (a form to the object
/// store cannot tell us): 204, nothing to show. Without script the upload is named by its start.
async fn name_file(
    Wired(blanket): Wired<Blanket>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    blanket.name_form_upload(&v.caller, &id, fields.get("name")).await.map_err(problem(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// One upload: the form that sends its file while it waits for one; its progress; its result, with the
/// error list of the rows that could not be registered (Q42) and their printable version (Q43).
async fn upload(
    State(s): State<AppState>,
    Wired(blanket): Wired<Blanket>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let (upload, errors) = blanket.blanket_upload(&v.caller, &id).await.map_err(problem(lang))?;
    let here = format!("/blanket/uploads/{}", upload.id());
    let form = match upload.state() {
        UploadState::AwaitingFile => blanket
            .upload_form(&v.caller, &upload, &format!("{}{here}", s.config.public_url))
            .await
            .map_err(problem(lang))?,
        _ => None,
    };
    let body = html! {
        dl.facts {
            dt { (ctx.tr("開始日時", "Started")) } dd { (started(&upload)) }
            @if let Some(name) = upload.file_name() {
                dt { (ctx.tr("ファイル名", "File")) } dd { (name.as_str()) }
            }
            dt { (ctx.tr("状況", "State")) } dd { (state_label(ctx, upload.state())) }
            @if let Some(g) = upload.screen_group() {
                dt { (ctx.tr("入力画面", "Input screen")) } dd { (group_name(lang, g)) }
            }
        }
        @match upload.state() {
            UploadState::AwaitingFile => {
                @if let Some(form) = &form { (file_form(ctx, form, &format!("{here}/name"))) }
                @else {
                    div.notice role="status" {
                        p { (ctx.tr("このアップロードは受付時間（15分）を過ぎました。新しくアップロードを始めてください。",
                                    "This upload's time to take a file (15 minutes) is over. Start a new upload.")) }
                    }
                    p { a href="/blanket" { (ctx.tr("一括入力へ", "Go to blanket input")) } }
                }
            },
            UploadState::Processing => {
                div.notice role="status" {
                    p { (ctx.tr("ファイルを受け付けました。内容を確認しています。数分以内に終わり、結果はメールでもお知らせします。",
                                "The file has arrived and is being checked. This takes a few minutes at most; the result is also sent by e-mail.")) }
                }
                p { a href=(here) { (ctx.tr("状況をもう一度確かめる", "Check again")) } }
            },
            UploadState::Registered => {
                div.panel role="status" {
                    p.lead { (upload.rows_registered()) (ctx.tr(" 人分の申請情報を登録しました（入力完了）。", " applications were registered (input completed).")) }
                }
                (next_steps(ctx))
            },
            UploadState::RowErrors => {
                div.notice role="status" {
                    p { (upload.rows_registered()) (ctx.tr(" 人分を登録しました。", " registered. "))
                        (upload.rows_failed()) (ctx.tr(" 人分はエラーのため登録できませんでした（エラー（一括登録））。", " could not be registered (Error (blanket registration)).")) }
                }
                p {
                    (ctx.tr("エラーの内容を確かめて、申請情報一覧の「エラー（一括登録）」の申請から修正するか、ファイルを直して、エラーの行だけをあらためてアップロードしてください。",
                            "Check the errors below, then correct each in the application list (status \"Error (blanket registration)\"), or correct the file and upload only the rows with errors again."))
                }
                (error_table(ctx, &errors))
                ul {
                    li { a href=(format!("/api/blanket/uploads/{}/errors.html", upload.id())) { (ctx.tr("エラー一覧を印刷用に表示する", "Show the error list for printing")) } }
                    li { a href=(format!("/api/blanket/uploads/{}/errors.csv", upload.id())) { (ctx.tr("エラー一覧をCSVで保存する", "Save the error list as CSV")) } }
                    li { a href="/applications?status=error_blanket_registration" { (ctx.tr("エラー（一括登録）の申請情報を見る", "See the applications in Error (blanket registration)")) } }
                }
                @if upload.rows_registered() > 0 { (next_steps(ctx)) }
            },
            UploadState::Refused => {
                div.error-summary role="alert" {
                    h2 { (ctx.tr("ファイルを受け付けられませんでした", "The file was refused")) }
                    @if let Some(r) = upload.refusal_detail() {
                        p { (if lang == Lang::Ja { r.message_ja.as_str() } else { r.message_en.as_str() }) }
                        @if let Some(row) = r.row { p { (ctx.tr("行：", "Row: ")) (row) } }
                    }
                }
                p { (ctx.tr("ファイルを直して、新しくアップロードしてください。", "Correct the file and start a new upload.")) }
                p { a href="/blanket" { (ctx.tr("一括入力へ", "Go to blanket input")) } }
            },
        }
    };
    let res =
        Page(StatusCode::OK, layout(ctx, ctx.tr("一括入力のアップロード", "Blanket upload"), body)).into_response();
    Ok(crate::web::page::posting_to_store(res, form.as_ref()))
}

/// The form that sends the file to the object store (its fields as signed, the file last).
/// The form that sends the file to the object store; the page's script first tells `name_to` the file's
/// name, so the upload list and the e-mail name the file as the clerk knows it.
fn file_form(ctx: &PageCtx, form: &PresignedForm, name_to: &str) -> Markup {
    html! {
        form method="post" action=(form.url) enctype="multipart/form-data"
            data-name-to=(name_to) data-csrf=(ctx.csrf.as_deref().unwrap_or_default()) {
            @for (name, value) in &form.fields { input type="hidden" name=(name) value=(value); }
            div.field {
                label.label for="file" { (ctx.tr("入力したテンプレートファイル（.xlsx、必須）", "The filled-in template file (.xlsx, required)")) }
                p.hint #file-hint { (limits(ctx.lang)) }
                span.field-error #file-error role="alert" hidden {}
                input #file type="file" name=(PresignedForm::FILE_FIELD) required accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="file-hint file-error"
                    data-max-bytes=(zairyu_domain::blanket::MAX_FILE_BYTES)
                    data-empty=(ctx.tr("選んだファイルは空（0バイト）です。入力したテンプレートを選んでください。", "The file chosen is empty (0 bytes): choose the filled-in template."))
                    data-too-large=(ctx.tr("選んだファイルは5MBを超えています。5MBまでのファイルにしてください（300人分のテンプレートは通常200KB未満です）。", "The file chosen is larger than 5 MB: a file is at most 5 MB (a template of 300 people is usually under 200 KB)."));
            }
            div.actions { button #send type="submit" { (ctx.tr("アップロードする", "Upload")) } }
        }
        // The site's one script, on the one page that needs it: the file's size checked before it is sent,
        // and its name told.
        script src=(crate::web::js_path()) defer {}
    }
}

/// What to do with the registered rows: a photo each, then filing them together.
fn next_steps(ctx: &PageCtx) -> Markup {
    html! {
        p { (ctx.tr("登録した申請に顔写真を添付してから、申請情報一覧の「入力完了」からまとめて申請できます。顔写真は一つのページで複数の人に添付できます。",
                    "Attach a photo to each registered application (several on one page), then file them together from the application list, status \"Input completed\".")) }
        ul {
            li { a href="/applications/photos" { (ctx.tr("顔写真をまとめて添付する", "Attach the photos")) } }
            li { a href="/applications?status=input_completed" { (ctx.tr("入力完了の申請情報へ", "Go to the applications in Input completed")) } }
        }
    }
}

/// Q42: each error with its sheet, row, column, value and rule.
fn error_table(ctx: &PageCtx, errors: &[RowError]) -> Markup {
    let pick = |ja: &str, en: &str| tr_owned(ctx.lang, ja, en);
    data_table(
        ctx,
        ctx.tr("エラー一覧", "Errors"),
        &[
            ("シート", "Sheet"),
            ("行", "Row"),
            ("氏名", "Name"),
            ("列", "Column"),
            ("入力値", "Value"),
            ("内容", "What is wrong"),
        ],
        html! {
            @for e in errors {
                tr {
                    td { (e.sheet) }
                    td { (e.row) }
                    td { (e.applicant_name) }
                    td { (e.column) " " (pick(&e.header_ja, &e.header_en)) }
                    td { (e.value) }
                    td { (pick(&e.message_ja, &e.message_en)) }
                }
            }
        },
    )
}
