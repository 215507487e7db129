//! Documents of proof (立証資料) of one application: the list of what was sent and what became of it, the room
//! left of the 25 MB, and a new document: named first with what it proves, then its file chosen and sent
//! straight to the object store by a form (no script needed); the store sends the browser back to the
//! document's page, which checks the file and says whether it was received, or why not.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::{Markup, html};
use zairyu_app::Applications;
use zairyu_app::ports::PresignedForm;
use zairyu_domain::application::{Application, Document, DocumentState};
use zairyu_domain::error::Language as Lang;
use zairyu_domain::status::{Actor, ApplicationStatus};

use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::web::Form;
use crate::web::FormResult;
use crate::web::OrgVisit;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::data_table;
use crate::web::error_summary;
use crate::web::jst;
use crate::web::layout;
use crate::web::problem;
use crate::web::see_other;
use crate::web::tr_owned;

/// A size as people read it: MB with one decimal from 1 MB, else KB.
fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB { format!("{:.1} MB", bytes as f64 / MB as f64) } else { format!("{} KB", bytes.div_ceil(1024)) }
}

fn state_words(ctx: &PageCtx, doc: &Document) -> String {
    match doc.state() {
        DocumentState::AwaitingFile { .. } => ctx.tr("ファイル待ち", "Waiting for the file").to_owned(),
        DocumentState::Accepted { info, .. } => match ctx.lang {
            Lang::Ja => format!("受付済み（{}、{}ページ、{}）", info.kind.name(), info.pages, size(info.bytes)),
            Lang::En => {
                let pages = if info.pages == 1 { "1 page".to_owned() } else { format!("{} pages", info.pages) };
                format!("Received ({}, {pages}, {})", info.kind.name(), size(info.bytes))
            }
        },
        DocumentState::Refused { message_ja, message_en, .. } => {
            format!(
                "{}{}",
                ctx.tr("受け付けられませんでした：", "Refused: "),
                tr_owned(ctx.lang, message_ja, message_en)
            )
        }
    }
}

/// Why no document can be added now, in words; `None` when one can.
fn closed_because(ctx: &PageCtx, app: &Application) -> Option<&'static str> {
    match app.takes_documents(Actor::OrganizationUser) {
        Ok(()) if app.document_room() == 0 => Some(ctx.tr(
            "この申請の立証資料と顔写真は合計25MBに達しています。これ以上は提出できません。",
            "This application's documents and photo have reached 25 MB in all: nothing more can be added.",
        )),
        Ok(()) => None,
        Err(zairyu_domain::application::ApplicationError::TooManyDocuments) => Some(ctx.tr(
            "この申請には既に20件の立証資料があります。これ以上は提出できません。",
            "This application already has 20 documents: nothing more can be added.",
        )),
        Err(_) => Some(ctx.tr(
            "この申請の審査は終了しているため、立証資料は提出できません。",
            "This application's examination has ended: documents can no longer be added.",
        )),
    }
}

/// The application's documents, and the form that starts a new one.
pub(super) async fn documents(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    documents_page(&applications, &v, &id, StatusCode::OK, "", &[]).await
}

async fn documents_page(
    applications: &Applications,
    v: &Visit,
    id: &str,
    status: StatusCode,
    title: &str,
    errors: &[(String, String)],
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let (app, docs) = applications.documents().documents(&v.caller, id).await.map_err(problem(lang))?;
    let form = Form { ctx, errors };
    let closed = closed_because(ctx, &app);
    let body = html! {
        (error_summary(lang, errors))
        @if app.status() == ApplicationStatus::AwaitingDocuments {
            div.notice role="status" {
                p { (ctx.tr("地方出入国在留管理官署から資料の提出を求められています（追完待ち）。求められた資料をここから提出してください。資料が届くと審査が再開されます。",
                            "The regional immigration office has asked for more documents (awaiting documents). Submit them here: the examination resumes once one arrives.")) }
            }
        }
        dl.facts {
            dt { (ctx.tr("氏名", "Name")) } dd { (app.form().name.to_string()) }
            dt { (ctx.tr("申請の種類", "Procedure")) } dd { (app.procedure().label(lang)) }
            dt { (ctx.tr("申請状況", "Status")) } dd { (tr_owned(lang, app.status().label_ja(), app.status().label_en())) }
            dt { (ctx.tr("提出できる残りの容量", "Room left")) }
            dd { (size(app.document_room())) (ctx.tr("（顔写真と合わせて25MBまで）", " (25 MB in all with the photo)")) }
        }
        @if docs.is_empty() {
            p.panel { (ctx.tr("立証資料はまだ提出されていません。", "No document has been submitted yet.")) }
        } @else {
            (data_table(ctx, ctx.tr("提出した立証資料（古い順）", "Documents submitted, oldest first"),
                &[("資料の内容", "What it proves"), ("提出日時", "Started"), ("状況", "State")],
                html! {
                    @for d in &docs {
                        tr {
                            th scope="row" {
                                @if matches!(d.state(), DocumentState::AwaitingFile { .. }) {
                                    a href=(format!("/applications/{id}/documents/{}", d.id())) { (d.title().as_str()) }
                                } @else { (d.title().as_str()) }
                            }
                            td { (jst(d.created_at())) }
                            td { (state_words(ctx, d)) }
                        }
                    }
                }))
        }
        h2 { (ctx.tr("立証資料を追加する", "Add a document")) }
        @if let Some(why) = closed {
            p.panel { (why) }
        } @else {
            p { (ctx.tr("PDF、JPEG又はPNGのファイルを一件ずつ提出できます（一つの申請で20件まで、顔写真と合わせて25MBまで）。パスワード付きのPDFやスクリプトを含むPDFは受け付けられません。",
                        "Submit PDF, JPEG or PNG files one at a time (up to 20 per application, 25 MB in all with the photo). PDFs protected by a password or holding scripts are refused.")) }
            form method="post" action=(format!("/applications/{id}/documents")) {
                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                (form.text("title", "資料の内容（何を証明する資料か）", "What the document proves", title, true,
                    Some(("例：卒業証明書、雇用契約書（60文字まで）", "For example: certificate of graduation, employment contract (at most 60 characters)"))))
                div.actions { button #next type="submit" { (ctx.tr("次へ（ファイルを選ぶ）", "Next: choose the file")) } }
            }
        }
        p { a href=(format!("/applications/{id}")) { (ctx.tr("申請情報へ戻る", "Back to the application")) } }
    };
    Ok(Page(status, layout(ctx, ctx.tr("立証資料の提出", "Documents of proof"), body)).into_response())
}

/// Starts a document named with what it proves; on to its page, where its file is chosen.
pub(super) async fn start(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let title = fields.get("title");
    match applications.documents().start_document(&v.caller, &id, title, None, None).await {
        Ok(doc) => Ok(see_other(&format!("/applications/{id}/documents/{}", doc.id()))),
        Err(zairyu_app::ServiceError::NotFound) => Err(problem(lang)(zairyu_app::ServiceError::NotFound)),
        Err(e) => {
            let p = Problem::from(e);
            if p.status >= 500 {
                return Err(crate::web::PageError::Problem(lang, Box::new(p)));
            }
            let errors: Vec<(String, String)> = crate::web::messages(lang, &p)
                .into_iter()
                .map(|(field, m)| (if field.is_empty() || field == "size" { "title".into() } else { field }, m))
                .collect();
            documents_page(&applications, &v, &id, StatusCode::UNPROCESSABLE_ENTITY, title, &errors).await
        }
    }
}

/// One document: the form that sends its file while it waits for one; once the file is back from the store,
/// whether it was received, or why not.
pub(super) async fn document(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path((id, doc_id)): Path<(String, String)>,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let documents = applications.documents();
    let doc = documents.document(&v.caller, &id, &doc_id).await.map_err(problem(lang))?;
    let here = format!("/applications/{id}/documents/{doc_id}");
    let form = match doc.state() {
        DocumentState::AwaitingFile { .. } => documents
            .upload_form(&v.caller, &doc, &format!("{}{here}", s.config.public_url))
            .await
            .map_err(problem(lang))?,
        _ => None,
    };
    let list = format!("/applications/{id}/documents");
    let body = html! {
        dl.facts {
            dt { (ctx.tr("資料の内容", "What it proves")) } dd { (doc.title().as_str()) }
            @if let Some(name) = doc.file_name() {
                dt { (ctx.tr("ファイル名", "File")) } dd { (name) }
            }
        }
        @match doc.state() {
            DocumentState::AwaitingFile { max_bytes, .. } => {
                @if let Some(form) = &form { (file_form(ctx, form, *max_bytes, &format!("{here}/name"))) }
                @else {
                    div.notice role="status" {
                        p { (ctx.tr("このファイルの受付時間（15分）を過ぎました。もう一度、資料の追加から始めてください。",
                                    "This file's time to arrive (15 minutes) is over. Add the document again.")) }
                    }
                    p { a href=(list) { (ctx.tr("立証資料の提出へ", "Go to the documents")) } }
                }
            },
            DocumentState::Accepted { .. } => {
                div.panel role="status" {
                    p.lead { (ctx.tr("立証資料を受け付けました。", "The document has been received.")) }
                    p { (state_words(ctx, &doc)) }
                }
                ul {
                    li { a href=(list) { (ctx.tr("ほかの立証資料を追加する", "Add another document")) } }
                    li { a href=(format!("/applications/{id}")) { (ctx.tr("申請情報へ戻る", "Back to the application")) } }
                }
            },
            DocumentState::Refused { message_ja, message_en, .. } => {
                div.error-summary role="alert" {
                    h2 { (ctx.tr("ファイルを受け付けられませんでした", "The file was refused")) }
                    p { (tr_owned(lang, message_ja, message_en)) }
                }
                p { a href=(list) { (ctx.tr("ファイルを直して、もう一度追加する", "Correct the file and add it again")) } }
            },
        }
    };
    let res = Page(StatusCode::OK, layout(ctx, ctx.tr("立証資料のファイル", "Document file"), body)).into_response();
    Ok(crate::web::page::posting_to_store(res, form.as_ref()))
}

/// The name of the file the form is about to send, told by the page's script: 204.
pub(super) async fn name_file(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path((id, doc_id)): Path<(String, String)>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    applications.documents().name_document(&v.caller, &id, &doc_id, fields.get("name")).await.map_err(problem(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The form that sends the file to the object store (its fields as signed, the file last).
fn file_form(ctx: &PageCtx, form: &PresignedForm, max_bytes: u64, name_to: &str) -> Markup {
    let limit = size(max_bytes);
    let hint = match ctx.lang {
        Lang::Ja => format!("PDF、JPEG又はPNG。このファイルは{limit}までです。"),
        Lang::En => format!("PDF, JPEG or PNG, at most {limit} for this file."),
    };
    let too_large = match ctx.lang {
        Lang::Ja => format!("選んだファイルは{limit}を超えています。この申請に提出できる残りの容量は{limit}です。"),
        Lang::En => format!("The file chosen is larger than {limit}, the room this application has left."),
    };
    html! {
        form method="post" action=(form.url) enctype="multipart/form-data"
            data-name-to=(name_to) data-csrf=(ctx.csrf.as_deref().unwrap_or_default()) {
            @for (name, value) in &form.fields { input type="hidden" name=(name) value=(value); }
            div.field {
                label.label for="file" { (ctx.tr("ファイル（必須）", "The file (required)")) }
                p.hint #file-hint { (hint) }
                span.field-error #file-error role="alert" hidden {}
                input #file type="file" name=(PresignedForm::FILE_FIELD) required
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" aria-describedby="file-hint file-error"
                    data-max-bytes=(max_bytes)
                    data-empty=(ctx.tr("選んだファイルは空（0バイト）です。", "The file chosen is empty (0 bytes)."))
                    data-too-large=(too_large);
            }
            div.actions { button #send type="submit" { (ctx.tr("提出する", "Submit")) } }
        }
        script src=(crate::web::js_path()) defer {}
    }
}
