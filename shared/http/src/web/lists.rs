//! The List of Affiliated Foreign Nationals (Q21, Q26–Q29, Q80) and the application information list
//! (Q50, Q51), a page of 50 at a time.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use maud::html;
use serde::Deserialize;
use zairyu_domain::error::Localized;

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::cursor::Pages;
use crate::function::Function;
use crate::web::OrgVisit;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::error_summary;
use crate::web::layout;
use crate::web::new_application_link;
use crate::web::pager;
use crate::web::problem;
use crate::web::query;
use crate::web::row::{Row, rows_of};
use crate::web::tr_owned;
use zairyu_app::Applications;
use zairyu_domain::error::Language as Lang;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/foreign-nationals",
        handler: || get(affiliated),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/foreign-nationals.csv",
        handler: || get(affiliated_file),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications",
        handler: || get(applications),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}",
        handler: || get(application),
    },
];

#[derive(Deserialize, Default)]
struct PageArgs {
    #[serde(default)]
    cursor: Option<String>,
    /// The application list's filter: a status code (empty: every status).
    #[serde(default)]
    status: Option<String>,
    /// A refusal of the filing form to show again (`none`: nothing was selected).
    #[serde(default)]
    error: Option<String>,
    /// What was just done (`discarded`: an entry).
    #[serde(default)]
    done: Option<String>,
}

/// A list page's paging for this visit: its cursors sealed for the user and the path, where the page asked
/// for starts, and how long it is.
fn paging(
    s: &AppState,
    v: &Visit,
    uri: &Uri,
) -> Result<(Pages, PageArgs, Option<zairyu_app::ports::Cursor>, u32), PageError> {
    let args = query::<PageArgs>(uri, v.lang())?;
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), uri.path());
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(v.lang()))?;
    Ok((pages, args, after, limit))
}

async fn affiliated(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let (pages, args, after, limit) = paging(&s, &v, &uri)?;
    let page = applications.affiliated(&v.caller, after, limit).await.map_err(problem(lang))?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let body = html! {
        p {
            (ctx.tr("在留期間更新許可申請は、在留期間満了日の3か月前から満了日の前日まで、オンラインで申請できます（在留期間が3か月以下の場合は、おおむね在留期間の半分が経過した日から）。在留資格変更許可申請は、在留期間中いつでも（満了日当日を除く）オンラインで申請できます。",
                    "An extension of the period of stay can be filed online from 3 months before the expiry date to the day before it (for a period of stay of 3 months or less, from about halfway through it). A change of status of residence can be filed online any day of the period of stay but its last."))
        }
        // A person abroad is on no list: their certificate of eligibility starts here, by their passport.
        p.panel {
            (ctx.tr("日本国外にいる方を受け入れる場合は、この一覧に登録せずに在留資格認定証明書交付申請をします。",
                    "For a person abroad who is coming to join you, file a certificate of eligibility: they are not on this list. "))
            a href=(format!("/applications/new?procedure={}", zairyu_domain::procedure::Procedure::CertificateOfEligibility.code())) {
                (ctx.tr("在留資格認定証明書交付申請を入力する", "Enter an application for a certificate of eligibility"))
            }
        }
        // Nor is a person in Japan without a status yet (a child born here): their acquisition, within 30 days.
        p.panel {
            (ctx.tr("日本で出生した方など、在留資格をまだ有していない方は、事由の生じた日から30日以内に在留資格取得許可申請をします。",
                    "For a person in Japan with no status of residence yet (a child born here, say), file an acquisition within 30 days of the event. "))
            a href=(format!("/applications/new?procedure={}", zairyu_domain::procedure::Procedure::Acquisition.code())) {
                (ctx.tr("在留資格取得許可申請を入力する", "Enter an application for acquisition of status of residence"))
            }
        }
        @if page.items.is_empty() {
            p.panel { (ctx.tr("所属する外国人の方はまだ登録されていません。", "No affiliated foreign national is listed yet.")) }
        } @else {
            p {
                (ctx.tr("申請の内容（一括入力の行も）は、この一覧の在留カードの情報と一致する必要があります。",
                        "An application (a blanket row too) must match the card data this list holds. "))
                a href="/foreign-nationals.csv" download { (ctx.tr("一覧の全項目をCSVでダウンロードする", "Download every field of the list (CSV)")) }
            }
            (data_table(ctx, ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals"),
                &[("氏名", "Name"), ("在留カード番号", "Residence card number"), ("在留資格", "Status of residence"),
                  ("在留期間満了日", "Expiry date"), ("申請できる期間", "Filing window"), ("本日の申請", "Filing today")],
                html! {
                        @for a in &page.items {
                            @let several = a.filings.len() > 1;
                            tr {
                                th scope="row" { (a.person.name.to_string()) }
                                td { (a.person.card_number.to_string()) }
                                td { (match lang { Lang::Ja => a.person.status.info().name_ja, Lang::En => a.person.status.info().name_en }) }
                                td { (a.person.expiry.to_string()) }
                                td {
                                    @for f in &a.filings {
                                        div {
                                            @if several { (f.procedure.label(lang)) (ctx.tr("：", ": ")) }
                                            (f.window.opens.to_string()) " – " (f.window.closes.to_string())
                                        }
                                    }
                                }
                                td {
                                    @for f in &a.filings {
                                        div {
                                            @if several { (f.procedure.label(lang)) (ctx.tr("：", ": ")) }
                                            @if let Some((ja, en)) = f.procedure.why_not_online(a.person.status) {
                                                span.tag.error { (ctx.tr("対象外", "Not online")) }
                                                " " (match lang { Lang::Ja => ja, Lang::En => en })
                                            } @else {
                                                @match &f.today {
                                                    Ok(()) => {
                                                        span.tag.ok { (ctx.tr("申請できます", "Can be filed")) }
                                                        @if let Some(link) = new_application_link(&s, v.caller.user_id.as_str(), &a.person.card_number.to_string(), f.procedure) {
                                                            " " a href=(link) { (ctx.tr("申請する", "Apply")) span.visually-hidden { (ctx.tr("（", " (")) (a.person.name.to_string()) @if several { (ctx.tr("、", ", ")) (f.procedure.label(lang)) } (ctx.tr("）", ")")) } }
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
                }))
        }
        (pager(ctx, "/foreign-nationals", next.as_deref(), args.cursor.is_none()))
    };
    Ok(Page(
        StatusCode::OK,
        layout(ctx, ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals"), body),
    )
    .into_response())
}

/// The whole list as a CSV file, every field of the card as the list holds it: what a blanket row must
/// match, to compare with the HR department's own data (in the reader's language; read back by the
/// office's list-file reader).
async fn affiliated_file(Wired(applications): Wired<Applications>, OrgVisit(v): OrgVisit) -> PageResult {
    // No organization's list is longer than this many pages of the largest page the store gives.
    const MAX_PAGES: usize = 200;
    let lang = v.lang();
    let mut people = Vec::new();
    let mut after = None;
    for _ in 0..MAX_PAGES {
        let page = applications.foreign_nationals(&v.caller, after, 500).await.map_err(problem(lang))?;
        people.extend(page.items);
        after = page.next;
        if after.is_none() {
            break;
        }
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"foreign-nationals.csv\""),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        zairyu_app::services::list_file::file(&people, lang),
    )
        .into_response())
}

async fn applications(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    use zairyu_domain::status::ApplicationStatus;
    let (ctx, lang) = (&v.page, v.lang());
    let (pages, args, after, limit) = paging(&s, &v, &uri)?;
    let filter = match args.status.as_deref().unwrap_or_default() {
        "" => None,
        code => Some(ApplicationStatus::parse(code).ok_or_else(|| {
            PageError::Problem(lang, Box::new(Problem::malformed_query(format!("status: unknown status {code:?}"))))
        })?),
    };
    let page = match filter {
        None => applications.applications(&v.caller, after, limit).await,
        Some(status) => applications.applications_in(&v.caller, status, after, limit).await,
    }
    .map_err(problem(lang))?;
    // Q51's statuses as the list names them, each name once (two states are both "Completed").
    let shown: Vec<ApplicationStatus> = ApplicationStatus::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, s)| !ApplicationStatus::ALL[..*i].iter().any(|earlier| earlier.shown_alike(*s)))
        .map(|(_, s)| s)
        .collect();
    let label = |s: ApplicationStatus| if lang == Lang::Ja { s.label_ja() } else { s.label_en() };
    // Applications entered and not yet filed can be filed together (those from a blanket file, say, once
    // each has its photo).
    let filing = filter == Some(ApplicationStatus::InputCompleted);
    let path = filter.map_or_else(|| "/applications".to_owned(), |s| format!("/applications?status={}", s.code()));
    let rows = rows_of(&page.items, lang)?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let dash = "—";
    let table = |rows: &[Row]| {
        let mut headers = vec![
            ("氏名", "Name"),
            ("在留カード番号", "Residence card number"),
            ("申請状況", "Status"),
            ("仮受付番号", "Temporary receipt number"),
            ("受付番号", "Receipt number"),
            ("申請日", "Date of application"),
        ];
        if filing {
            headers.insert(0, ("申請する", "File"));
            headers.push(("顔写真", "Photo"));
        }
        data_table(
            ctx,
            ctx.tr("申請情報一覧（新しい順）", "Applications, newest first"),
            &headers,
            html! {
                    @for r in rows {
                        tr id=(format!("application-{}", r.id)) {
                            @if filing {
                                td {
                                    input type="checkbox" name="id" value=(r.id) id=(format!("file-{}", r.id)) ;
                                    label.visually-hidden for=(format!("file-{}", r.id)) { (ctx.tr("申請する：", "File: ")) (r.name) }
                                }
                            }
                            th scope="row" { a href=(format!("/applications/{}", r.id)) { (r.name) } }
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
                            td {
                                @match (&r.official_receipt_number, r.status.code == ApplicationStatus::ApplicationCompleted.code()) {
                                    (Some(number), _) => (number),
                                    (None, true) => (ctx.tr("翌日お知らせします", "Given the next day")),
                                    (None, false) => (dash),
                                }
                            }
                            td { (r.receipt_date.as_deref().unwrap_or(dash)) }
                            @if filing {
                                td {
                                    @if r.photo_attached { (ctx.tr("添付済み", "Attached")) }
                                    @else if !r.photo_waiting() { (ctx.tr("不要", "Not needed")) }
                                    @else { a href=(format!("/applications/{}/check", r.id)) { (ctx.tr("顔写真を添付する", "Attach the photo")) } }
                                }
                            }
                        }
                    }
            },
        )
    };
    let body = html! {
        @if args.done.as_deref() == Some("discarded") {
            div.notice role="status" { p { (ctx.tr("入力を破棄しました。", "The entry was discarded.")) } }
        }
        @if args.error.as_deref() == Some("none") {
            (error_summary(lang, &[("file-all".to_owned(), ctx.tr("申請する申請情報を1件以上選んでください。", "Select at least one application to file.").to_owned())]))
        }
        form.filter method="get" action="/applications" {
            label.label for="status" { (ctx.tr("申請状況で絞り込む", "Show applications in status")) }
            select #status name="status" {
                option value="" selected[filter.is_none()] { (ctx.tr("すべて", "All")) }
                @for s in &shown {
                    option value=(s.code()) selected[filter.is_some_and(|f| f.shown_alike(*s))] { (label(*s)) }
                }
            }
            " "
            button.secondary type="submit" { (ctx.tr("表示する", "Show")) }
        }
        @if rows.is_empty() {
            p.panel {
                @if filter.is_some() { (ctx.tr("この申請状況の申請情報はありません。", "There is no application in this status.")) }
                @else { (ctx.tr("申請情報はまだありません。", "There is no application yet.")) }
            }
        } @else if filing {
            p { (ctx.tr("入力が完了した申請情報を、まとめて申請できます。顔写真が添付されていない申請は、先に顔写真を添付してください。",
                        "Applications entered and not yet filed can be filed together. Attach the photo to any that has none first.")) }
            @if rows.iter().any(Row::photo_waiting) {
                p { a href="/applications/photos" { (ctx.tr("顔写真をまとめて添付する（一つのページで複数の人に）", "Attach photos for several people on one page")) } }
            }
            form method="post" action="/applications/file" {
                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                (table(&rows))
                div.actions { button #file-all type="submit" { (ctx.tr("選択した申請情報をまとめて申請する", "File the selected applications")) } }
            }
        } @else {
            (table(&rows))
        }
        (pager(ctx, &path, next.as_deref(), args.cursor.is_none()))
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請情報一覧", "Applications"), body)).into_response())
}

#[derive(Deserialize, Default)]
struct DoneArgs {
    #[serde(default)]
    done: String,
}

/// One application of the list (Q50–Q53): where it stands and what may still be done with it; for a row of
/// a blanket file that could not be registered, its errors (Q42).
async fn application(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    axum::extract::Path(id): axum::extract::Path<String>,
    uri: Uri,
) -> PageResult {
    use zairyu_app::lines::ApplicationView;
    use zairyu_app::store::Listed;
    use zairyu_domain::status::{Actor, ApplicationStatus, Transition};
    let (ctx, lang) = (&v.page, v.lang());
    let done = axum::extract::Query::<DoneArgs>::try_from_uri(&uri).map(|q| q.0.done).unwrap_or_default();
    let item = applications.list_item(&v.caller, &id).await.map_err(problem(lang))?;
    let view = match &item {
        Listed::Application(app) => ApplicationView::from(app.as_ref()),
        Listed::BlanketEntry(entry) => ApplicationView::from(entry.as_ref()),
    };
    let pick = |ja: &str, en: &str| tr_owned(lang, ja, en);
    let dash = "—".to_owned();
    let body = html! {
        @if done == "receipt_method" {
            div.notice role="status" { p { (ctx.tr("受領方法を変更しました。", "The way the card is received has been changed.")) } }
        }
        dl.facts {
            dt { (ctx.tr("氏名", "Name")) } dd { (view.name) }
            // A person abroad has no card: their passport says who they are.
            @match &item {
                Listed::Application(app) if app.form().card().is_none() => {
                    dt { (ctx.tr("旅券番号", "Passport number")) } dd { (app.form().passport_number.to_string()) }
                }
                _ => { dt { (ctx.tr("在留カード番号", "Residence card number")) } dd { (view.residence_card_number) } }
            }
            dt { (ctx.tr("申請状況", "Status")) } dd { (pick(view.status.label_ja, view.status.label_en)) }
            dt { (ctx.tr("仮受付番号", "Temporary receipt number")) } dd { (view.temporary_receipt_number.clone().unwrap_or_else(|| dash.clone())) }
            dt { (ctx.tr("受付番号", "Receipt number")) }
            dd {
                @match (&view.official_receipt_number, view.status.code == ApplicationStatus::ApplicationCompleted.code()) {
                    (Some(number), _) => (number),
                    // Q33: numbers are given the day after filing, by e-mail too.
                    (None, true) => (ctx.tr("申請の翌日にお知らせします（メールでもお知らせします）。", "Given the day after filing (by e-mail too).")),
                    (None, false) => (dash),
                }
            }
            dt { (ctx.tr("申請日", "Date of application")) } dd { (view.receipt_date.clone().unwrap_or_else(|| dash.clone())) }
            @if let Some(method) = view.receipt_method {
                dt { (ctx.tr("受領方法", "How it is received")) }
                dd { (method.short_words(ctx.lang)) }
            }
            @if let Some(address) = &view.return_address {
                dt { (ctx.tr("送付先", "Where it is sent")) } dd { (address) }
            }
            // Only an application has fees (a blanket entry is never permitted).
            @if let Listed::Application(app) = &item && let Some(fees) = app.fees_due() {
                dt { (ctx.tr("手数料", "Fee")) } dd { (fees.words(lang)) }
            }
        }
        @for n in &view.notices {
            div.notice { p { (pick(&n.message_ja, &n.message_en)) } }
        }
        // The electronic certificate issued (by e-mail too): its code, the signed PDF, the page that checks it.
        @if let Listed::Application(app) = &item && let Some(code) = app.electronic_certificate() {
            h2 { (ctx.tr("電子の在留資格認定証明書", "The electronic certificate of eligibility")) }
            dl.facts {
                dt { (ctx.tr("証明書番号", "Certificate code")) } dd { (code.grouped()) }
            }
            ul {
                li { a href=(zairyu_app::services::certificates::pdf_url("", code)) { (ctx.tr("証明書（PDF）を開く", "Open the certificate (PDF)")) } }
                li { a href=(zairyu_app::services::certificates::verify_url("", code)) { (ctx.tr("証明書が有効か確認する", "Check that the certificate is valid")) } }
            }
            p { (ctx.tr("通知先メールアドレスにも送られています。申請人に転送してください。", "It was e-mailed to the notice address too: forward it to the applicant.")) }
        }
        @if let Some(b) = &view.blanket {
            h2 { (ctx.tr("一括入力のエラー", "Errors of the blanket file")) }
            p { (ctx.tr("一括入力ファイルの次の行は登録できませんでした。内容を修正して、あらためて入力してください。", "This row of the blanket file could not be registered. Correct it and enter it again.")) }
            p { a.button href=(format!("/applications/{id}/correct")) { (ctx.tr("この行を修正する", "Correct this row")) } }
            (data_table(ctx, &format!("{}{}", ctx.tr("エラーの行 ", "Errors of row "), b.row),
                &[("シート", "Sheet"), ("行", "Row"), ("列", "Column"), ("入力値", "Value"), ("内容", "What is wrong")],
                html! {
                        @for e in &b.errors {
                            tr {
                                td { (e.sheet) }
                                td { (e.row) }
                                td { (e.column) " " (pick(&e.header_ja, &e.header_en)) }
                                td { (e.value) }
                                td { (pick(&e.message_ja, &e.message_en)) }
                            }
                        }
                }))
        }
        @if let Listed::Application(app) = &item {
            h2 { (ctx.tr("この申請でできること", "What you can do with this application")) }
            @let method = app.form().receipt_method;
            @let can_change = Transition::ChangeReceiptMethod.apply(Actor::OrganizationUser, app.status(), method).is_ok();
            @let takes_documents = app.takes_documents(Actor::OrganizationUser).is_ok();
            @if app.documents().count > 0 || takes_documents {
                dl.facts {
                    dt { (ctx.tr("立証資料", "Documents of proof")) }
                    dd { (app.documents().count) (ctx.tr(" 件受付済み", " received")) }
                }
            }
            ul {
                @if app.status() == ApplicationStatus::AwaitingDocuments {
                    li { strong { a href=(format!("/applications/{id}/documents")) { (ctx.tr("求められた資料を提出する（追完待ち）", "Submit the documents asked for (awaiting documents)")) } } }
                } @else if takes_documents {
                    li { a href=(format!("/applications/{id}/documents")) { (ctx.tr("立証資料を提出する", "Submit documents of proof")) } }
                } @else if app.documents().count > 0 {
                    li { a href=(format!("/applications/{id}/documents")) { (ctx.tr("提出した立証資料を見る", "See the documents submitted")) } }
                }
                @if app.status() == ApplicationStatus::InputCompleted && app.procedure().needs_photo() {
                    li { a href=(format!("/applications/{id}/check")) { (ctx.tr("顔写真を添付して申請する", "Attach the photo and file it")) } }
                } @else if app.status() == ApplicationStatus::InputCompleted {
                    li { a href=(format!("/applications/{id}/check")) { (ctx.tr("内容を確認して申請する", "Check it and file it")) } }
                }
                @if can_change {
                    li { (ctx.tr("受領方法を変更する（下記）", "Change how it is received (below)")) }
                }
                @if app.status() != ApplicationStatus::InputCompleted && !can_change && !takes_documents && app.documents().count == 0 {
                    li { (ctx.tr("現在、この申請で行える操作はありません。", "There is nothing to do with this application now.")) }
                }
            }
            @if can_change {
                form method="post" action=(format!("/applications/{id}/receipt-method")) {
                    input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                    fieldset {
                        legend.label { (ctx.tr("受領方法の変更", "Change how it is received")) }
                        @for c in zairyu_domain::status::ReceiptMethod::choices(app.procedure()) {
                            div.choice {
                                input type="radio" id=(format!("receipt_method-{}", c.code)) name="receipt_method" value=(c.code) checked[method.code() == c.code];
                                label for=(format!("receipt_method-{}", c.code)) { (c.words(lang)) }
                            }
                        }
                    }
                    div.actions { button.secondary type="submit" { (ctx.tr("受領方法を変更する", "Change it")) } }
                }
            }
        }
        p { a href="/applications" { (ctx.tr("申請情報一覧へ戻る", "Back to the applications")) } }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請情報", "Application"), body)).into_response())
}
