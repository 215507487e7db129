//! The List of Affiliated Foreign Nationals (Q21, Q26–Q29, Q80) and the application information list
//! (Q50, Q51), a page of 50 at a time.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_domain::error::Localized;

use super::*;
use crate::Wired;
use crate::cursor::Pages;
use zairyu_app::Applications;

pub const PAGES: &[PageSpec] = &[
    PageSpec { function: Function::Status, method: "GET", path: "/foreign-nationals", handler: || get(affiliated) },
    PageSpec { function: Function::Status, method: "GET", path: "/applications", handler: || get(applications) },
];

/// Lines per page.
const PER_PAGE: u32 = 50;

#[derive(Deserialize, Default)]
struct PageArgs {
    #[serde(default)]
    cursor: Option<String>,
}

fn page_args(uri: &Uri, lang: Lang) -> Result<PageArgs, PageError> {
    match uri.query() {
        None => Ok(PageArgs::default()),
        Some(_) => axum::extract::Query::<PageArgs>::try_from_uri(uri)
            .map(|q| q.0)
            .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text())))),
    }
}

fn problem(lang: Lang) -> impl Fn(ServiceError) -> PageError {
    move |e| PageError::Problem(lang, Box::new(Problem::from(e)))
}

fn api(lang: Lang) -> impl Fn(crate::ApiError) -> PageError {
    move |e| PageError::Problem(lang, e.0)
}

/// The link to the next page, when there is one.
fn pager(ctx: &PageCtx, path: &str, next: Option<&str>, first: bool) -> Markup {
    html! {
        nav.pager aria-label=(ctx.tr("ページ送り", "Pages")) {
            @if !first { a href=(path) { (ctx.tr("最初のページ", "First page")) } }
            @if let Some(next) = next {
                a href=(format!("{path}?cursor={}", encode(next))) { (ctx.tr("次のページ", "Next page")) }
            }
        }
    }
}

async fn affiliated(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let args = page_args(&uri, lang)?;
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), uri.path());
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let page = applications.affiliated(&v.caller, after, limit).await.map_err(problem(lang))?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let body = html! {
        p {
            (ctx.tr("在留期間更新許可申請は、在留期間満了日の3か月前から満了日の前日まで、オンラインで申請できます（在留期間が3か月以下の場合は、おおむね在留期間の半分が経過した日から）。",
                    "An extension of the period of stay can be filed online from 3 months before the expiry date to the day before it (for a period of stay of 3 months or less, from about halfway through it)."))
        }
        @if page.items.is_empty() {
            p.panel { (ctx.tr("所属する外国人の方はまだ登録されていません。", "No affiliated foreign national is listed yet.")) }
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals")) {
                table {
                    caption { (ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals")) }
                    thead { tr {
                        th scope="col" { (ctx.tr("氏名", "Name")) }
                        th scope="col" { (ctx.tr("在留カード番号", "Residence card number")) }
                        th scope="col" { (ctx.tr("在留資格", "Status of residence")) }
                        th scope="col" { (ctx.tr("在留期間満了日", "Expiry date")) }
                        th scope="col" { (ctx.tr("申請できる期間", "Filing window")) }
                        th scope="col" { (ctx.tr("本日の申請", "Filing today")) }
                    } }
                    tbody {
                        @for a in &page.items {
                            tr {
                                th scope="row" { (a.person.name.to_string()) }
                                td { (a.person.card_number.to_string()) }
                                td { (match lang { Lang::Ja => a.person.status.info().name_ja, Lang::En => a.person.status.info().name_en }) }
                                td { (a.person.expiry.to_string()) }
                                td { (a.window.opens.to_string()) " – " (a.window.closes.to_string()) }
                                td {
                                    @if !a.person.status.is_online() {
                                        span.tag.error { (ctx.tr("対象外", "Not online")) }
                                        " " (ctx.tr("この在留資格はオンライン申請の対象ではありません。", "This status of residence cannot be filed online."))
                                    } @else {
                                        @match &a.today {
                                            Ok(()) => {
                                                span.tag.ok { (ctx.tr("申請できます", "Can be filed")) }
                                                @if let Some(link) = new_application_link(&s, v.caller.user_id.as_str(), &a.person.card_number.to_string()) {
                                                    " " a href=(link) { (ctx.tr("申請する", "Apply")) span.visually-hidden { "（" (a.person.name.to_string()) "）" } }
                                                }
                                            },
                                            Err(why) => {
                                                span.tag.error { (ctx.tr("申請できません", "Cannot be filed")) }
                                                " " (match lang { Lang::Ja => why.message_ja(), Lang::En => why.to_string() })
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager(ctx, "/foreign-nationals", next.as_deref(), args.cursor.is_none()))
    };
    Ok(Page(
        StatusCode::OK,
        layout(ctx, ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals"), body),
    )
    .into_response())
}

/// What the list page shows of a stored line (the JSON of an `ApplicationView`).
#[derive(Deserialize)]
struct Row {
    id: String,
    status: RowStatus,
    name: String,
    residence_card_number: String,
    temporary_receipt_number: Option<String>,
    official_receipt_number: Option<String>,
    receipt_date: Option<String>,
    blanket: Option<RowBlanket>,
}

#[derive(Deserialize)]
struct RowStatus {
    code: String,
    label_en: String,
    label_ja: String,
}

#[derive(Deserialize)]
struct RowBlanket {
    row: u32,
}

async fn applications(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let args = page_args(&uri, lang)?;
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), uri.path());
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let page = applications.applications(&v.caller, after, limit).await.map_err(problem(lang))?;
    let rows =
        page.items.iter().map(|line| serde_json::from_str::<Row>(line.json())).collect::<Result<Vec<_>, _>>().map_err(
            |e| {
                tracing::error!(error = %e, "a stored line does not read as a line");
                PageError::Problem(lang, Box::new(Problem::internal()))
            },
        )?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let dash = "—";
    let body = html! {
        @if rows.is_empty() {
            p.panel { (ctx.tr("申請情報はまだありません。", "There is no application yet.")) }
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(ctx.tr("申請情報一覧", "Applications")) {
                table {
                    caption { (ctx.tr("申請情報一覧（新しい順）", "Applications, newest first")) }
                    thead { tr {
                        th scope="col" { (ctx.tr("氏名", "Name")) }
                        th scope="col" { (ctx.tr("在留カード番号", "Residence card number")) }
                        th scope="col" { (ctx.tr("申請状況", "Status")) }
                        th scope="col" { (ctx.tr("仮受付番号", "Temporary receipt number")) }
                        th scope="col" { (ctx.tr("受付番号", "Receipt number")) }
                        th scope="col" { (ctx.tr("申請日", "Date of application")) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr id=(format!("application-{}", r.id)) {
                                th scope="row" { (r.name) }
                                td { (r.residence_card_number) }
                                td {
                                    span.tag.error[r.status.code.contains("error")] {
                                        (match lang { Lang::Ja => &r.status.label_ja, Lang::En => &r.status.label_en })
                                    }
                                    @if let Some(b) = &r.blanket {
                                        " " (ctx.tr("一括入力の行 ", "Blanket file row ")) (b.row)
                                    }
                                }
                                td { (r.temporary_receipt_number.as_deref().unwrap_or(dash)) }
                                td { (r.official_receipt_number.as_deref().unwrap_or(dash)) }
                                td { (r.receipt_date.as_deref().unwrap_or(dash)) }
                            }
                        }
                    }
                }
            }
        }
        (pager(ctx, "/applications", next.as_deref(), args.cursor.is_none()))
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請情報一覧", "Applications"), body)).into_response())
}
