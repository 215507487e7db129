//! Photos for several people from one page (#32 item 8): every application entered and not yet filed that
//! has no facial photo, each with its own file field and button, so a clerk attaches one after another
//! without leaving the page, then files them together.

use crate::AppState;
use crate::Wired;
use crate::cursor::Pages;
use crate::web::OrgVisit;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::error_summary;
use crate::web::layout;
use crate::web::pager;
use crate::web::problem;

use crate::web::row::rows_of;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;
use zairyu_app::Applications;
use zairyu_domain::status::ApplicationStatus;

/// Where the photo form of this page sends the browser back to (`/applications/{id}/photo?back=photos`).
pub(super) const BACK: &str = "photos";

#[derive(Deserialize, Default)]
struct Args {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    done: String,
}

pub(super) async fn photos(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    let args: Args = crate::web::query(&uri, v.lang())?;
    photos_page(&s, &applications, &v, &args.cursor, &args.done, StatusCode::OK, None).await
}

/// The page; `refused`: the application whose photo was just refused, and why (shown beside its field).
pub(super) async fn photos_page(
    s: &AppState,
    applications: &Applications,
    v: &Visit,
    cursor: &Option<String>,
    done: &str,
    status: StatusCode,
    refused: Option<(&str, &str)>,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), "/applications/photos");
    let (after, limit) = pages.args(cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let page = applications
        .applications_in(&v.caller, ApplicationStatus::InputCompleted, after, limit)
        .await
        .map_err(problem(lang))?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let waiting: Vec<_> = rows_of(&page.items, lang)?.into_iter().filter(|r| r.photo_waiting()).collect();
    let errors: Vec<(String, String)> =
        refused.iter().map(|(id, message)| (format!("photo-{id}"), (*message).to_owned())).collect();
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let body = html! {
        (error_summary(lang, &errors))
        @if done == "attached" && errors.is_empty() {
            div.notice role="status" { p { (ctx.tr("顔写真を添付しました。", "The photo is attached.")) } }
        }
        p { (ctx.tr("入力が完了し、顔写真がまだ添付されていない申請情報です。一人ずつ写真を選んで「添付する」を押してください（JPEG、50KB以下）。",
                    "Applications entered and not yet filed that have no photo. Choose each person's photo and press Attach (JPEG, at most 50 KB).")) }
        @if waiting.is_empty() {
            p.panel { (ctx.tr("このページの申請情報には、すべて顔写真が添付されています。", "Every application on this page has its photo.")) }
        } @else {
            (data_table(ctx, ctx.tr("顔写真を待つ申請情報", "Applications waiting for a photo"),
                &[("氏名", "Name"), ("在留カード番号", "Residence card number"), ("顔写真", "Photo")],
                html! {
                    @for r in &waiting {
                        @let field = format!("photo-{}", r.id);
                        @let error = refused.filter(|(id, _)| *id == r.id).map(|(_, m)| m);
                        tr {
                            th scope="row" { a href=(format!("/applications/{}/check", r.id)) { (r.name) } }
                            td { (r.residence_card_number) }
                            td {
                                form.inline-upload method="post" action=(format!("/applications/{}/photo?back={BACK}", r.id)) enctype="multipart/form-data" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    div.field.invalid[error.is_some()] {
                                        label.visually-hidden for=(field) { (ctx.tr("顔写真：", "Photo of ")) (r.name) }
                                        @if let Some(e) = error {
                                            span.field-error id=(format!("{field}-error")) { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) }
                                        }
                                        input type="file" id=(field) name="photo" accept="image/jpeg"
                                            aria-invalid=[error.map(|_| "true")];
                                    }
                                    button.secondary type="submit" { (ctx.tr("添付する", "Attach")) span.visually-hidden { (ctx.tr("：", ": ")) (r.name) } }
                                }
                            }
                        }
                    }
                }))
        }
        (pager(ctx, "/applications/photos", next.as_deref(), cursor.is_none()))
        p { a href="/applications?status=input_completed" { (ctx.tr("まとめて申請する申請情報を選ぶ", "Choose the applications to file together")) } }
    };
    Ok(Page(status, layout(ctx, ctx.tr("顔写真をまとめて添付する", "Attach photos for several people"), body))
        .into_response())
}
