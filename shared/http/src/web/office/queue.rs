use super::COUNT_CAP;
use super::OfficerVisit;
use super::refused_by;
use super::status_label;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::cursor::Pages;
use crate::web::FormResult;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::encode;
use crate::web::layout;
use crate::web::office::organizations::organizations_table;
use crate::web::pager;
use crate::web::query;
use crate::web::see_other;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::examination::{Examination, QueueView};
use zairyu_app::store::QueueOrder;
use zairyu_domain::application::Application;
use zairyu_domain::application::OrganizationId;
use zairyu_domain::procedure::Procedure;
use zairyu_domain::status::{ApplicationStatus, ReceiptMethod};

#[derive(Deserialize, Default)]
pub(super) struct QueueArgs {
    #[serde(default)]
    status: Option<String>,
    /// One procedure's applications only (its code); all when absent.
    #[serde(default)]
    procedure: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The queue: the count of each status the office acts in, and one status's applications, oldest receipt
/// first (who waited longest comes first), 50 to a page.
pub(super) async fn queue(
    State(s): State<AppState>,
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    uri: Uri,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let args: QueueArgs = query(&uri, lang)?;
    let counts = examination.office_queue_counts(&v.caller, COUNT_CAP).await.map_err(refused_by(&v))?;
    let status = match args.status.as_deref().unwrap_or_default() {
        "" => ApplicationStatus::ApplicationCompleted,
        code => ApplicationStatus::parse(code).filter(|s| counts.iter().any(|(c, ..)| c == s)).ok_or_else(|| {
            PageError::Problem(lang, Box::new(Problem::malformed_query(format!("status: not a queue {code:?}"))))
        })?,
    };
    let procedure = match args.procedure.as_deref().unwrap_or_default() {
        "" => None,
        // Read as the API reads it: one parser of a procedure's code.
        code => Some(
            Procedure::parse_among(code, &Procedure::ALL)
                .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(format!("procedure: {e}")))))?,
        ),
    };
    let filter = format!("{}\n{}", status.code(), procedure.map_or("", Procedure::code));
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), "/office").filtered(&filter);
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let queue = QueueView { office: None, status, procedure, order: QueueOrder::OldestFirst };
    let page = examination.office_queue(&v.caller, queue, after, limit).await.map_err(refused_by(&v))?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let names = names_of(&examination, &v, &page.items).await?;
    let of = |p: Option<Procedure>| match p {
        Some(p) => format!("/office?status={}&procedure={}", status.code(), p.code()),
        None => format!("/office?status={}", status.code()),
    };
    let path = of(procedure);
    let body = html! {
        (search_form(ctx, ""))
        nav.queue aria-label=(ctx.tr("申請状況ごとの件数", "Applications by status")) {
            ul {
                @for (s, n, more) in &counts {
                    li {
                        a href=(format!("/office?status={}", s.code())) aria-current=[(*s == status).then_some("page")] {
                            (status_label(lang, *s)) " " span.count { (n) @if *more { "+" } }
                        }
                    }
                }
            }
        }
        h2 { (status_label(lang, status)) }
        nav.queue aria-label=(ctx.tr("申請の種類で絞り込む", "Filter by procedure")) {
            ul {
                li { a href=(of(None)) aria-current=[procedure.is_none().then_some("page")] { (ctx.tr("すべての申請", "All procedures")) } }
                @for p in Procedure::ALL {
                    li { a href=(of(Some(p))) aria-current=[(procedure == Some(p)).then_some("page")] { (p.label(lang)) } }
                }
            }
        }
        @if page.items.is_empty() && next.is_some() {
            p.panel { (ctx.tr("この種類の申請は、ここまでに読んだ申請の中にはありません。続きは「次のページ」で表示します。",
                              "None of this procedure among the applications read so far: the next page reads on.")) }
        } @else if page.items.is_empty() {
            p.panel { (ctx.tr("この申請状況の申請はありません。", "There is no application in this status.")) }
        } @else {
            (applications_table(ctx, ctx.tr("申請（受付の古い順）", "Applications, oldest receipt first"), &page.items, &names))
        }
        (pager(ctx, &path, next.as_deref(), args.cursor.is_none()))
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請の処理", "Applications to process"), body)).into_response())
}

pub(in crate::web) fn search_form(ctx: &PageCtx, value: &str) -> Markup {
    html! {
        // Posted, not a query string: a card number is in no URL (and no log of URLs).
        form.filter role="search" method="post" action="/office/search" {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            label.label for="q" { (ctx.tr("仮受付番号・受付番号・在留カード番号・法人番号・所属機関の名称で探す", "Find by temporary or official receipt number, residence card number, corporate number or organization name")) }
            input #q type="search" name="q" value=(value) autocomplete="off";
            " "
            button.secondary type="submit" { (ctx.tr("探す", "Find")) }
        }
    }
}

/// The names of the organizations of these applications (names, not IDs, before users).
async fn names_of(
    examination: &Examination,
    v: &Visit,
    apps: &[Application],
) -> Result<HashMap<OrganizationId, String>, PageError> {
    let ids: Vec<OrganizationId> = apps.iter().map(|a| a.organization_id().clone()).collect();
    examination.organization_names(&v.caller, &ids).await.map_err(refused_by(v))
}

pub(super) fn applications_table(
    ctx: &PageCtx,
    caption: &str,
    apps: &[Application],
    names: &HashMap<OrganizationId, String>,
) -> Markup {
    let dash = "—".to_owned();
    data_table(
        ctx,
        caption,
        &[
            ("仮受付番号", "Temporary receipt number"),
            ("受付番号", "Receipt number"),
            ("申請日", "Date of application"),
            ("氏名", "Name"),
            ("申請の種類", "Procedure"),
            ("在留カード番号", "Residence card number"),
            ("所属機関", "Organization"),
            ("申請状況", "Status"),
            ("受領方法", "How it is received"),
        ],
        html! {
            @for a in apps {
                tr {
                    th scope="row" {
                        a href=(format!("/office/applications/{}", a.id())) {
                            (a.temporary_receipt_number().map_or_else(|| dash.clone(), ToString::to_string))
                        }
                    }
                    td { (a.official_receipt_number().map_or_else(|| dash.clone(), |n| n.to_string())) }
                    td { (a.receipt_date().map_or_else(|| dash.clone(), |d| d.to_string())) }
                    td { (a.form().name.to_string()) }
                    td { (a.procedure().label(ctx.lang)) }
                    td { (a.form().card().map_or_else(|| dash.clone(), ToString::to_string)) }
                    td { a href=(format!("/office/organizations/{}", a.organization_id().as_str())) { (names.get(a.organization_id()).map_or("—", String::as_str)) } }
                    td { (status_label(ctx.lang, a.status())) }
                    td { (method_label(ctx, a.form().receipt_method)) }
                }
            }
        },
    )
}

pub(super) fn method_label(ctx: &PageCtx, m: ReceiptMethod) -> &'static str {
    m.short_words(ctx.lang)
}

#[derive(Deserialize, Default)]
pub(super) struct SearchArgs {
    #[serde(default)]
    q: String,
}

/// The search form alone.
pub(super) async fn search_page(
    Wired(examination): Wired<Examination>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
) -> PageResult {
    find(&examination, &counter, &v, SearchArgs::default()).await
}

/// A search posted from the form (its token checked).
pub(super) async fn search(
    Wired(examination): Wired<Examination>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    form: FormResult,
) -> PageResult {
    let fields = v.posted(form)?;
    find(&examination, &counter, &v, SearchArgs { q: fields.get("q").to_owned() }).await
}

/// A receipt number leads to its application; a residence card number to the applications for its holder
/// that the office may see; anything else is asked again.
pub(super) async fn find(examination: &Examination, counter: &Counter, v: &Visit, args: SearchArgs) -> PageResult {
    let ctx = &v.page;
    let q = args.q.trim().to_uppercase();
    let card = zairyu_domain::values::ResidenceCardNumber::parse(&q).is_ok();
    let found = if q.is_empty() || card {
        None
    } else {
        match examination.find_by_receipt_number(&v.caller, &q).await {
            Ok(app) => return Ok(see_other(&format!("/office/applications/{}", app.id()))),
            // Not a receipt number the office knows: an organization's ID or corporate number leads to the
            // organization.
            Err(ServiceError::NotFound) => {
                let by_id = counter.office_organization(&v.caller, args.q.trim()).await;
                let org = match by_id {
                    Ok(org) => Ok(org),
                    Err(_) => counter.office_organization_by_corporate_number(&v.caller, &q).await,
                };
                match org {
                    Ok(org) => return Ok(see_other(&format!("/office/organizations/{}", encode(org.id().as_str())))),
                    Err(_) => None,
                }
            }
            Err(e) => return Err(refused_by(v)(e)),
        }
    };
    let by_card = if card {
        examination.find_by_card(&v.caller, &q, None, PER_PAGE).await.map_err(refused_by(v))?.items
    } else {
        found.unwrap_or_default()
    };
    let names = names_of(examination, v, &by_card).await?;
    // Not a number: the office's organizations whose names begin so (for the counter, whose list it is);
    // one alone leads to it.
    let named = if q.is_empty() || card || !by_card.is_empty() {
        Vec::new()
    } else {
        match counter.office_organizations(&v.caller, args.q.trim(), None, PER_PAGE).await {
            Ok(page) => page.items,
            Err(ServiceError::Forbidden | ServiceError::NotFound) => Vec::new(),
            Err(e) => return Err(refused_by(v)(e)),
        }
    };
    if let [org] = named.as_slice() {
        return Ok(see_other(&format!("/office/organizations/{}", encode(org.id().as_str()))));
    }
    let body = html! {
        (search_form(ctx, &args.q))
        @if q.is_empty() {
            p { (ctx.tr("番号または名称を入力してください。", "Enter a number or a name to find.")) }
        } @else if !named.is_empty() {
            (organizations_table(ctx, ctx.tr("この名称で始まる所属機関", "Organizations whose names begin so"), &named))
        } @else if by_card.is_empty() {
            div.notice role="status" {
                p { (ctx.tr("この番号・名称の申請・所属機関は見つかりませんでした（この官署で扱うものに限ります）。", "No application or organization of this office has this number or name.")) }
            }
        } @else {
            (applications_table(ctx, ctx.tr("この在留カード番号の申請", "Applications for this residence card"), &by_card, &names))
        }
        p { a href="/office" { (ctx.tr("申請の処理へ戻る", "Back to the applications to process")) } }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請を探す", "Find an application"), body)).into_response())
}
