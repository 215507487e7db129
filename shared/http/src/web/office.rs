//! The regional immigration offices' pages (#18): the queue of the office's applications by status, with
//! the count in each; search by receipt number or residence card number; an application's page with the
//! full form, the photo, the list entry it was checked against, its history from the audit trail, and the
//! steps the officer's roles allow next — each a form that posts, confirmed in words where it cannot be
//! undone, saying which e-mail it sends. The same services as `/api/office/*`: what an officer may see and
//! do is decided there (another office's application is not found, a role that may not act is refused).

use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::{CounterUser, UserAction};
use zairyu_app::services::examination::{Examination, OfficeAction};
use zairyu_app::store::QueueOrder;
use zairyu_domain::account::{User, UserKind, UserState};
use zairyu_domain::application::{Application, Collector, Decision, OfficeStep};
use zairyu_domain::audit::{AuditAction, AuditEvent};
use zairyu_domain::form::Attachment;
use zairyu_domain::jst::JstDate;
use zairyu_domain::notice::{Notice, NoticeInput};
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::status::{ApplicationStatus, OfficerRole, ReceiptMethod};

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::cursor::Pages;
use crate::function::Function;
use crate::web::Field;
use crate::web::Fields;
use crate::web::FormResult;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::jst;
use crate::web::layout;
use crate::web::messages;
use crate::web::pager;
use crate::web::photo_response;
use crate::web::photo_upload;
use crate::web::problem;
use crate::web::query;
use crate::web::see_other;
use crate::web::tr;
use crate::web::tr_owned;
use axum::response::Response;
use zairyu_domain::error::Language as Lang;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office",
        handler: || get(queue),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/search",
        handler: || get(search_page),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/search",
        handler: || post(search),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/applications/{id}",
        handler: || get(application),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/applications/{id}",
        handler: || post(act),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/applications/{id}/photo.jpg",
        handler: || get(photo_file),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/applications/{id}/photo",
        handler: || post(replace_photo),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/notices",
        handler: || get(notices),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/notices",
        handler: || post(publish),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/notices/{id}/withdraw",
        handler: || post(withdraw_notice),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/officers",
        handler: || get(officers),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/officers",
        handler: || post(create_officer),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/users",
        handler: || get(users_page),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/users",
        handler: || post(users),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/users/{user}",
        handler: || get(user_page),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/users/{user}",
        handler: || post(user_act),
    },
];

/// Applications counted per status at most (the count reads keys a page at a time): beyond, "10000+".
const COUNT_CAP: usize = 10_000;

/// A page of an officer: an organization's user is refused (403), anyone not logged in sent to log in.
pub struct OfficerVisit(pub Visit);

impl FromRequestParts<AppState> for OfficerVisit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let v = Visit::from_request_parts(parts, state).await?;
        if v.caller.officer().is_err() {
            return Err(PageError::Problem(v.lang(), Box::new(Problem::from(ServiceError::Forbidden))));
        }
        Ok(Self(v))
    }
}

/// A service's refusal as an officer's page shows it; a refusal for want of a role names the roles the
/// officer has and who can give another (item 5: every refused action explains why).
pub(super) fn refused_by(v: &Visit) -> impl Fn(ServiceError) -> PageError + '_ {
    move |e| match e {
        ServiceError::Forbidden => {
            let mut p = Problem::from(ServiceError::Forbidden);
            let roles = |lang| {
                let names: Vec<&str> = v.page.officer_roles.iter().map(|r| short_role(lang, *r)).collect();
                names.join(tr(lang, "、", ", "))
            };
            p.detail_ja = format!(
                "あなたの役割（{}）では、この処理はできません。役割の追加は、官署の管理者に依頼してください。",
                roles(Lang::Ja)
            );
            p.detail = format!(
                "Your roles ({}) do not allow this. An admin of your office can give you another role.",
                roles(Lang::En)
            );
            PageError::Problem(v.lang(), Box::new(p))
        }
        e => problem(v.lang())(e),
    }
}

fn short_role(lang: Lang, r: OfficerRole) -> &'static str {
    match r {
        OfficerRole::Counter => tr(lang, "窓口", "counter"),
        OfficerRole::Examiner => tr(lang, "審査", "examination"),
        OfficerRole::Issuance => tr(lang, "交付", "issuance"),
        OfficerRole::Admin => tr(lang, "管理者", "admin"),
    }
}

fn status_label(lang: Lang, s: ApplicationStatus) -> &'static str {
    tr(lang, s.office_label_ja(), s.office_label_en())
}

#[derive(Deserialize, Default)]
struct QueueArgs {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The queue: the count of each status the office acts in, and one status's applications, oldest receipt
/// first (who waited longest comes first), 50 to a page.
async fn queue(
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
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), "/office").filtered(status.code());
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let page = examination
        .office_queue(&v.caller, None, status, QueueOrder::OldestFirst, after, limit)
        .await
        .map_err(refused_by(&v))?;
    let next = pages.view(Vec::<()>::new(), page.next).map_err(api(lang))?.next_cursor;
    let path = format!("/office?status={}", status.code());
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
        @if page.items.is_empty() {
            p.panel { (ctx.tr("この申請状況の申請はありません。", "There is no application in this status.")) }
        } @else {
            (applications_table(ctx, ctx.tr("申請（受付の古い順）", "Applications, oldest receipt first"), &page.items))
        }
        (pager(ctx, &path, next.as_deref(), args.cursor.is_none()))
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請の処理", "Applications to process"), body)).into_response())
}

pub(super) fn search_form(ctx: &PageCtx, value: &str) -> Markup {
    html! {
        // Posted, not a query string: a card number is in no URL (and no log of URLs).
        form.filter role="search" method="post" action="/office/search" {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            label.label for="q" { (ctx.tr("仮受付番号・受付番号・在留カード番号・所属機関ID・法人番号で探す", "Find by temporary or official receipt number, residence card number, organization ID or corporate number")) }
            input #q type="search" name="q" value=(value) autocomplete="off";
            " "
            button.secondary type="submit" { (ctx.tr("探す", "Find")) }
        }
    }
}

fn applications_table(ctx: &PageCtx, caption: &str, apps: &[Application]) -> Markup {
    let dash = "—".to_owned();
    data_table(
        ctx,
        caption,
        &[
            ("仮受付番号", "Temporary receipt number"),
            ("受付番号", "Receipt number"),
            ("申請日", "Date of application"),
            ("氏名", "Name"),
            ("在留カード番号", "Residence card number"),
            ("所属機関", "Organization"),
            ("申請状況", "Status"),
            ("受領方法", "Receiving the card"),
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
                    td { (a.form().stay.card_number.to_string()) }
                    td { a href=(format!("/office/organizations/{}", a.organization_id().as_str())) { (a.organization_id().as_str()) } }
                    td { (status_label(ctx.lang, a.status())) }
                    td { (method_label(ctx, a.form().receipt_method)) }
                }
            }
        },
    )
}

fn method_label(ctx: &PageCtx, m: ReceiptMethod) -> &'static str {
    match m {
        ReceiptMethod::Post => ctx.tr("郵送", "By post"),
        ReceiptMethod::Counter => ctx.tr("窓口", "At the counter"),
    }
}

#[derive(Deserialize, Default)]
struct SearchArgs {
    #[serde(default)]
    q: String,
}

/// The search form alone.
async fn search_page(
    Wired(examination): Wired<Examination>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
) -> PageResult {
    find(&examination, &counter, &v, SearchArgs::default()).await
}

/// A search posted from the form (its token checked).
async fn search(
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
async fn find(examination: &Examination, counter: &Counter, v: &Visit, args: SearchArgs) -> PageResult {
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
    let body = html! {
        (search_form(ctx, &args.q))
        @if q.is_empty() {
            p { (ctx.tr("番号を入力してください。", "Enter a number to find.")) }
        } @else if by_card.is_empty() {
            div.notice role="status" {
                p { (ctx.tr("この番号の申請・所属機関は見つかりませんでした（この官署で扱うものに限ります）。", "No application or organization of this office has this number.")) }
            }
        } @else {
            (applications_table(ctx, ctx.tr("この在留カード番号の申請", "Applications for this residence card"), &by_card))
        }
        p { a href="/office" { (ctx.tr("申請の処理へ戻る", "Back to the applications to process")) } }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請を探す", "Find an application"), body)).into_response())
}

/// What a page says was just done (`?done=…`, after a post's redirect).
#[derive(Deserialize, Default)]
struct ShownArgs {
    #[serde(default)]
    done: String,
}

async fn application(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    uri: Uri,
) -> PageResult {
    let lang = v.lang();
    let done: ShownArgs = query(&uri, lang)?;
    let app = examination.office_view(&v.caller, &id).await.map_err(refused_by(&v))?;
    application_page(&examination, &v, StatusCode::OK, &app, &done.done, &[]).await
}

/// The application's page: what it is, what can be done next, what was done.
async fn application_page(
    examination: &Examination,
    v: &Visit,
    status: StatusCode,
    app: &Application,
    done: &str,
    errors: &[(String, String)],
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let history = examination.office_history(&v.caller, app).await.map_err(refused_by(v))?;
    let steps = examination.office_steps(&v.caller, app).map_err(refused_by(v))?;
    let form = app.form();
    let dash = "—".to_owned();
    let body = html! {
        (error_summary(lang, errors))
        @if !done.is_empty() && errors.is_empty() {
            div.notice role="status" { p { (ctx.tr("処理を記録しました。", "Done: the step is recorded.")) } }
        }
        dl.facts {
            dt { (ctx.tr("申請状況", "Status")) } dd { strong { (status_label(lang, app.status())) } }
            dt { (ctx.tr("仮受付番号", "Temporary receipt number")) } dd { (app.temporary_receipt_number().map_or_else(|| dash.clone(), ToString::to_string)) }
            dt { (ctx.tr("受付番号", "Receipt number")) } dd { (app.official_receipt_number().map_or_else(|| dash.clone(), |n| n.to_string())) }
            dt { (ctx.tr("申請日", "Date of application")) } dd { (app.receipt_date().map_or_else(|| dash.clone(), |d| d.to_string())) }
            dt { (ctx.tr("所属機関", "Organization")) } dd { a href=(format!("/office/organizations/{}", app.organization_id().as_str())) { (app.organization_id().as_str()) } }
            dt { (ctx.tr("申請した利用者", "Filed by")) } dd { (app.created_by().as_str()) }
            dt { (ctx.tr("管轄官署", "Office with jurisdiction")) } dd { (office_name(lang, app.jurisdiction())) }
            dt { (ctx.tr("受領方法", "Receiving the card")) } dd { (method_label(ctx, form.receipt_method)) " (" (office_name(lang, form.receiving_office)) ")" }
            @if let Some(address) = app.return_address() {
                dt { (ctx.tr("在留カードの送付先", "Where the card is sent")) } dd { (address.to_string()) }
            }
            @if app.documents_requested() > 0 {
                dt { (ctx.tr("資料提出の求め", "Documents requested")) } dd { (app.documents_requested()) (ctx.tr(" 回", " times")) }
            }
            @match app.decision() {
                Some(Decision::Permitted { period, expiry, decided_on }) => {
                    dt { (ctx.tr("結果", "Decision")) }
                    dd { (ctx.tr("許可", "Permitted")) " " (decided_on.to_string()) (ctx.tr("：在留期間 ", ": period ")) (period.to_string()) (ctx.tr("、満了日 ", ", until ")) (expiry.to_string()) }
                }
                Some(Decision::Denied { decided_on }) => {
                    dt { (ctx.tr("結果", "Decision")) } dd { (ctx.tr("不許可", "Denied")) " " (decided_on.to_string()) }
                }
                None => {}
            }
            @if let Some(fee) = app.fee_due() {
                dt { (ctx.tr("手数料", "Fee")) } dd { (fee) (ctx.tr("円", " yen")) }
            }
            @if app.status() == ApplicationStatus::WaitingForIssuance {
                @let docs = app.post_documents();
                dt { (ctx.tr("郵送で届いたもの", "Received by post")) }
                dd {
                    (yes_no(ctx, docs.fee_notice_received)) " " (ctx.tr("手数料納付書", "fee payment notice")) "、"
                    (yes_no(ctx, docs.fee_notice_signed)) " " (ctx.tr("申請人の署名", "signed by the applicant")) "、"
                    (yes_no(ctx, docs.old_card_returned)) " " (ctx.tr("在留カード", "the current card"))
                }
            }
            @if let Some(d) = app.card_dispatched_on() {
                dt { (ctx.tr("在留カードの発送日", "Card posted on")) } dd { (d.to_string()) }
            }
            @if let Some(d) = app.card_delivered_on() {
                dt { (ctx.tr("在留カードの配達日", "Card delivered on")) } dd { (d.to_string()) }
            }
            @if let Some(d) = app.card_handed_over_on() {
                dt { (ctx.tr("在留カードの交付日", "Card handed over on")) } dd { (d.to_string()) }
            }
            @if !app.withdrawn_attachments().is_empty() {
                dt { (ctx.tr("取り下げた申請", "Withdrawn with it")) }
                dd { (app.withdrawn_attachments().iter().map(|a| attachment_label(ctx, *a)).collect::<Vec<_>>().join(ctx.tr("、", ", "))) }
            }
        }

        h2 #actions { (ctx.tr("この申請で行える処理", "What you can do with this application")) }
        @if steps.is_empty() {
            p { (ctx.tr("あなたの役割で、この申請状況で行える処理はありません。", "Your roles allow nothing more with this application in this status.")) }
        }
        @for step in &steps { (step_form(ctx, app, *step)) }

        h2 { (ctx.tr("顔写真", "Facial photo")) }
        @if app.photo().is_some() {
            p { img src=(format!("/office/applications/{}/photo.jpg", app.id())) alt=(ctx.tr("申請人の顔写真", "The applicant's facial photo")) width="150"; }
        } @else {
            p { (ctx.tr("顔写真はありません。", "There is no photo.")) }
        }

        h2 { (ctx.tr("申請内容", "The application")) }
        (form_facts(ctx, app))

        h2 { (ctx.tr("照合した所属機関等に所属する外国人一覧の情報", "The entry of the List of Affiliated Foreign Nationals it was checked against")) }
        @if let Some(p) = app.checked_against() {
            dl.facts {
                dt { (ctx.tr("氏名", "Name")) } dd { (p.name.to_string()) }
                dt { (ctx.tr("在留カード番号", "Residence card number")) } dd { (p.card_number.to_string()) }
                dt { (ctx.tr("国籍・地域", "Nationality or region")) } dd { (p.nationality.to_string()) }
                dt { (ctx.tr("生年月日", "Date of birth")) } dd { (p.birth_date.to_string()) }
                dt { (ctx.tr("在留資格", "Status of residence")) } dd { (tr(lang, p.status.info().name_ja, p.status.info().name_en)) }
                dt { (ctx.tr("在留期間", "Period of stay")) } dd { (p.period_of_stay.to_string()) }
                dt { (ctx.tr("満了日", "Expiry date")) } dd { (p.expiry.to_string()) }
            }
        } @else {
            p { (ctx.tr("申請前のため、照合はまだ行われていません。", "Not yet filed: not yet checked.")) }
        }

        h2 { (ctx.tr("履歴", "History")) }
        (history_table(ctx, &history))
        p { a href=(format!("/office?status={}", app.status().code())) { (ctx.tr("申請の処理へ戻る", "Back to the applications to process")) } }
    };
    Ok(Page(status, layout(ctx, ctx.tr("申請", "Application"), body)).into_response())
}

pub(super) fn office_name(lang: Lang, o: zairyu_domain::office::Office) -> &'static str {
    tr(lang, o.info().name_ja, o.info().name_en)
}

fn yes_no(ctx: &PageCtx, b: bool) -> &'static str {
    if b { ctx.tr("あり", "Yes:") } else { ctx.tr("なし", "No:") }
}

fn attachment_label(ctx: &PageCtx, a: Attachment) -> &'static str {
    match a {
        Attachment::ReEntry => ctx.tr("再入国許可", "re-entry permission"),
        Attachment::ActivityOutsideStatus => ctx.tr("資格外活動許可", "permission for activity outside status"),
    }
}

/// The whole form as filed.
fn form_facts(ctx: &PageCtx, app: &Application) -> Markup {
    let (f, lang) = (app.form(), ctx.lang);
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    html! {
        dl.facts {
            dt { (ctx.tr("申請の種類", "Procedures")) }
            dd {
                (ctx.tr("在留期間更新", "Extension of stay"))
                @if app.re_entry().is_some() { (ctx.tr("、再入国許可", ", re-entry permission")) }
                @if app.activity_outside_status() { (ctx.tr("、資格外活動許可", ", activity permission")) }
            }
            dt { (ctx.tr("氏名", "Name")) } dd { (f.name.to_string()) }
            dt { (ctx.tr("国籍・地域", "Nationality or region")) } dd { (f.nationality.to_string()) }
            dt { (ctx.tr("生年月日", "Date of birth")) } dd { (f.birth_date.to_string()) }
            dt { (ctx.tr("性別", "Sex")) } dd { (match f.sex { zairyu_domain::form::Sex::Male => ctx.tr("男", "Male"), zairyu_domain::form::Sex::Female => ctx.tr("女", "Female") }) }
            dt { (ctx.tr("配偶者の有無", "Married")) } dd { (if f.married { ctx.tr("有", "Yes") } else { ctx.tr("無", "No") }) }
            dt { (ctx.tr("職業", "Occupation")) } dd { (f.occupation.to_string()) }
            dt { (ctx.tr("本国における居住地", "Address in the home country")) } dd { (f.home_country_address.to_string()) }
            dt { (ctx.tr("住居地", "Address in Japan")) } dd { (f.address.postcode.to_string()) " " (f.address.prefecture.as_str()) (f.address.city.to_string()) (f.address.street.to_string()) }
            dt { (ctx.tr("電話番号", "Telephone")) } dd { (opt(f.telephone.as_ref().map(|p| p.as_str().to_owned()))) }
            dt { (ctx.tr("携帯電話番号", "Mobile")) } dd { (opt(f.mobile.as_ref().map(|p| p.as_str().to_owned()))) }
            dt { (ctx.tr("旅券番号・有効期限", "Passport and its expiry")) } dd { (f.passport_number.to_string()) " / " (f.passport_expiry.to_string()) }
            dt { (ctx.tr("在留カード番号", "Residence card number")) } dd { (f.stay.card_number.to_string()) }
            dt { (ctx.tr("現に有する在留資格", "Current status of residence")) } dd { (tr(lang, f.stay.status.info().name_ja, f.stay.status.info().name_en)) }
            dt { (ctx.tr("在留期間・満了日", "Period of stay and expiry")) } dd { (f.stay.period.to_string()) " / " (f.stay.expiry.to_string()) }
            dt { (ctx.tr("希望する在留期間", "Desired period of stay")) } dd { (f.desired_period_of_stay.to_string()) }
            dt { (ctx.tr("更新の理由", "Reason for the extension")) } dd { (f.reason.to_string()) }
            dt { (ctx.tr("犯罪を理由とする処分", "Criminal record")) } dd { (opt(f.criminal_record.as_ref().map(ToString::to_string))) }
            dt { (ctx.tr("在日親族・同居者", "Relatives in Japan")) }
            dd {
                @if f.relatives.is_empty() { "—" }
                @for r in &f.relatives {
                    (r.relationship.to_string()) " " (r.name.to_string()) " (" (r.birth_date.to_string()) ", " (r.nationality.to_string()) ")" br;
                }
            }
            dt { (ctx.tr("通知先メールアドレス", "E-mail for the receipt numbers")) } dd { (f.notice_email.to_string()) }
            dt { (ctx.tr("漢字氏名の併記の申出", "Petition for the kanji name")) } dd { (if f.kanji_name_petition { ctx.tr("有", "Yes") } else { ctx.tr("無", "No") }) }
        }
    }
}

/// What one audit event says, in words where it is about an application.
fn action_label(lang: Lang, a: AuditAction) -> &'static str {
    use AuditAction as A;
    let (ja, en) = match a {
        A::ApplicationCreate => ("入力", "entered"),
        A::ApplicationCorrect => ("一括入力の行を修正", "blanket row corrected"),
        A::ApplicationChange => ("入力内容を変更", "entry changed"),
        A::ApplicationDiscard => ("入力を破棄", "entry discarded"),
        A::ApplicationPhoto => ("顔写真を添付", "photo attached"),
        A::ApplicationSubmit => ("申請", "filed"),
        A::ApplicationReceiptMethod => ("受領方法を変更", "receipt method changed"),
        A::ApplicationReceiptNumber => ("受付番号を取得", "receipt number given"),
        A::StartExamination => ("審査を開始", "examination started"),
        A::RequestDocuments => ("資料の提出を求めた", "documents requested"),
        A::Permit => ("許可", "permitted"),
        A::Deny => ("不許可", "denied"),
        A::RecordPostDocuments => ("郵送で届いたものを記録", "post received recorded"),
        A::IssueCardByPost => ("在留カードを発送", "card posted"),
        A::RedirectToCounter => ("窓口での受領に変更", "card redirected to the counter"),
        A::RecordDelivery => ("配達を記録", "delivery recorded"),
        A::HandOverAtCounter => ("窓口で在留カードを交付", "card handed over"),
        A::Withdraw => ("取下げ", "withdrawn"),
        A::WithdrawAttachment => ("同時申請を取下げ", "attached permission withdrawn"),
        A::ReplacePhoto => ("顔写真を差替え", "photo replaced"),
        A::Access => ("参照を拒否", "access refused"),
        other => return other.code(),
    };
    tr(lang, ja, en)
}

fn history_table(ctx: &PageCtx, events: &[AuditEvent]) -> Markup {
    data_table(
        ctx,
        ctx.tr("履歴（古い順）", "History, oldest first"),
        &[("日時（日本時間）", "When (Japan time)"), ("利用者", "Who"), ("処理", "What")],
        html! {
            @for e in events {
                tr {
                    td { (jst(e.at)) }
                    td { (e.actor) }
                    td { (action_label(ctx.lang, e.action)) }
                }
            }
        },
    )
}

/// The form of one step: its fields, the e-mail it sends, and for a step that cannot be undone a box to
/// tick that says so.
fn step_form(ctx: &PageCtx, app: &Application, step: OfficeStep) -> Markup {
    let code = step.code();
    let (title, mail, final_step) = step_text(ctx, step);
    if step == OfficeStep::ReplacePhoto {
        return html! {
            form.panel.step #photo-form method="post" action=(format!("/office/applications/{}/photo", app.id())) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                h3 { (title) }
                div.field {
                    label for="photo-file" { (ctx.tr("差し替える写真（JPEG、50KB以下）", "The new photo (JPEG, at most 50 KB)")) }
                    span.hint { (ctx.tr("誤って添付された顔写真を差し替えます。", "Replaces a wrongly attached photo.")) }
                    input type="file" id="photo-file" name="photo" accept="image/jpeg";
                }
                div.actions { button.secondary type="submit" { (ctx.tr("写真を差し替える", "Replace the photo")) } }
            }
        };
    }
    html! {
        form.panel.step method="post" action=(format!("/office/applications/{}", app.id())) {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            input type="hidden" name="step" value=(code);
            h3 { (title) }
            @match step {
                OfficeStep::Decide => {
                    p { (ctx.tr("許可する場合は、新しい在留期間と満了日を入力してください。", "To permit, enter the new period of stay and its expiry date.")) }
                    (Field { id: "period_of_stay", label: ctx.tr("在留期間", "Period of stay"), kind: "text", value: "", required: false,
                             hint: Some(ctx.tr("例：3Y（3年）、1Y6M", "e.g. 3Y (three years), 1Y6M")), error: None, autocomplete: "off" }.render(ctx.lang))
                    (Field { id: "expiry_date", label: ctx.tr("在留期間の満了日", "Expiry date of the new period"), kind: "text", value: "", required: false,
                             hint: Some(ctx.tr("例：2030-01-20", "e.g. 2030-01-20")), error: None, autocomplete: "off" }.render(ctx.lang))
                },
                OfficeStep::RecordPostDocuments => {
                    @let docs = app.post_documents();
                    fieldset {
                        legend.label { (ctx.tr("届いたもの", "What arrived")) }
                        @for (name, checked, ja, en) in [("fee_notice_received", docs.fee_notice_received, "手数料納付書（収入印紙）", "The fee payment notice (revenue stamps)"),
                                                          ("fee_notice_signed", docs.fee_notice_signed, "申請人の署名", "The applicant's signature on it"),
                                                          ("old_card_returned", docs.old_card_returned, "現在の在留カード", "The current residence card")] {
                            div.choice {
                                input type="checkbox" id=(name) name=(name) value="yes" checked[checked];
                                label for=(name) { (ctx.tr(ja, en)) }
                            }
                        }
                    }
                },
                OfficeStep::IssueCardByPost => {
                    (Field { id: "dispatched_on", label: ctx.tr("発送日", "Posted on"), kind: "text", value: "", required: true,
                             hint: Some(ctx.tr("例：2026-12-10", "e.g. 2026-12-10")), error: None, autocomplete: "off" }.render(ctx.lang))
                },
                OfficeStep::RecordDelivery => {
                    (Field { id: "delivered_on", label: ctx.tr("配達日", "Delivered on"), kind: "text", value: "", required: true,
                             hint: Some(ctx.tr("郵便の記録の日付（例：2026-12-12）。この日に許可の効力が生じます。", "The day on the postal record (e.g. 2026-12-12): the permission took effect that day.")), error: None, autocomplete: "off" }.render(ctx.lang))
                },
                OfficeStep::HandOverAtCounter => {
                    fieldset {
                        legend.label { (ctx.tr("受け取った人", "Collected by")) }
                        @for (value, ja, en) in [("applicant", "申請人本人", "The applicant"), ("user", "申請した利用者", "The user who filed"),
                                                  ("third_party", "それ以外の人（交付できません）", "Someone else (the card cannot be handed over)")] {
                            div.choice {
                                input type="radio" id=(format!("collector-{value}")) name="collector" value=(value);
                                label for=(format!("collector-{value}")) { (ctx.tr(ja, en)) }
                            }
                        }
                    }
                    div.choice {
                        input type="checkbox" id="fee_notice_signed" name="fee_notice_signed" value="yes";
                        label for="fee_notice_signed" { (ctx.tr("署名のある手数料納付書を受け取った", "A signed fee payment notice was handed in")) }
                    }
                },
                _ => {}
            }
            @if let Some(mail) = mail { p.hint { (ctx.tr("送られるメール：", "E-mail sent: ")) (mail) } }
            @if final_step {
                div.choice {
                    input type="checkbox" id=(format!("confirm-{code}")) name="confirm" value="yes";
                    label for=(format!("confirm-{code}")) { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
                }
            }
            @match step {
                OfficeStep::Decide => div.actions {
                    button type="submit" name="decision" value="permit" { (ctx.tr("許可する", "Permit")) }
                    " "
                    button.secondary type="submit" name="decision" value="deny" { (ctx.tr("不許可にする", "Deny")) }
                },
                _ => div.actions { button type="submit" { (title) } },
            }
        }
    }
}

/// A step's name, the e-mail it sends the filing user (if any), and whether it cannot be undone.
fn step_text(ctx: &PageCtx, step: OfficeStep) -> (&'static str, Option<&'static str>, bool) {
    let t = |ja, en| ctx.tr(ja, en);
    match step {
        OfficeStep::StartExamination => (t("審査を開始する", "Start the examination"), None, false),
        OfficeStep::RequestDocuments => (
            t("資料の提出を求める", "Ask for documents"),
            Some(t("資料の提出のお願い（申請した利用者あて）", "a request for documents, to the user who filed")),
            false,
        ),
        OfficeStep::Decide => (
            t("許可・不許可を決定する", "Decide: permit or deny"),
            Some(t(
                "審査完了のお知らせ（許可の場合は手数料と受領の方法を含む）",
                "examination completed (when permitted, with the fee and how the card is received)",
            )),
            true,
        ),
        OfficeStep::RecordPostDocuments => {
            (t("郵送で届いたものを記録する", "Record what arrived by post"), None, false)
        }
        OfficeStep::IssueCardByPost => (
            t("在留カードを発送する", "Post the residence card"),
            Some(t("在留カード交付のお知らせ", "residence card issued")),
            true,
        ),
        OfficeStep::RedirectToCounter => (
            t("窓口での受領に切り替える", "Switch to collection at the counter"),
            Some(t("受領方法変更のお知らせ", "receipt method changed")),
            true,
        ),
        OfficeStep::RecordDelivery => (t("配達日を記録する", "Record the delivery day"), None, false),
        OfficeStep::HandOverAtCounter => (
            t("窓口で在留カードを交付する", "Hand over the card at the counter"),
            Some(t("在留カード交付のお知らせ", "residence card issued")),
            true,
        ),
        OfficeStep::ReplacePhoto => (t("顔写真を差し替える", "Replace the photo"), None, false),
        OfficeStep::WithdrawAttachment(Attachment::ReEntry) => (
            t("再入国許可申請だけを取り下げる", "Withdraw only the re-entry permission"),
            Some(t("取下げのお知らせ", "withdrawal")),
            true,
        ),
        OfficeStep::WithdrawAttachment(Attachment::ActivityOutsideStatus) => (
            t("資格外活動許可申請だけを取り下げる", "Withdraw only the activity permission"),
            Some(t("取下げのお知らせ", "withdrawal")),
            true,
        ),
        OfficeStep::Withdraw => {
            (t("申請を取り下げる", "Withdraw the application"), Some(t("取下げのお知らせ", "withdrawal")), true)
        }
    }
}

/// The office action a step's posted form asks for, or the fields' errors (field, message).
fn action_of(fields: &Fields, lang: Lang) -> Result<OfficeAction, Vec<(String, String)>> {
    let err = |field: &str, ja: &str, en: &str| vec![(field.to_owned(), tr_owned(lang, ja, en))];
    let confirmed = || {
        if fields.get("confirm") == "yes" {
            Ok(())
        } else {
            let code = fields.get("step");
            Err(err(
                &format!("confirm-{code}"),
                "取り消せない処理です。確認の欄にチェックを入れてください。",
                "This cannot be undone: tick the box to confirm it.",
            ))
        }
    };
    let date = |name: &str| {
        JstDate::parse(fields.get(name))
            .map_err(|_| err(name, "日付を 2026-12-10 のように入力してください。", "Enter a date such as 2026-12-10."))
    };
    let flag = |name: &str| fields.get(name) == "yes";
    let Some(step) = OfficeStep::parse(fields.get("step")) else {
        return Err(err("actions", "処理が選ばれていません。", "No step was chosen."));
    };
    Ok(match step {
        OfficeStep::StartExamination => OfficeAction::StartExamination,
        OfficeStep::RequestDocuments => OfficeAction::RequestDocuments,
        OfficeStep::Decide => {
            confirmed()?;
            match fields.get("decision") {
                "deny" => OfficeAction::Deny,
                "permit" => {
                    let period = PeriodOfStay::parse(fields.get("period_of_stay"));
                    let expiry = date("expiry_date");
                    match (period, expiry) {
                        (Ok(period_of_stay), Ok(expiry_date)) => OfficeAction::Permit { period_of_stay, expiry_date },
                        (period, expiry) => {
                            let mut e = Vec::new();
                            if period.is_err() {
                                e.extend(err(
                                    "period_of_stay",
                                    "在留期間を 3Y のように入力してください。",
                                    "Enter the period such as 3Y.",
                                ));
                            }
                            if let Err(x) = expiry {
                                e.extend(x);
                            }
                            return Err(e);
                        }
                    }
                }
                _ => {
                    return Err(err(
                        "actions",
                        "「許可する」又は「不許可にする」のどちらかを押してください。",
                        "Press either Permit or Deny.",
                    ));
                }
            }
        }
        OfficeStep::RecordPostDocuments => OfficeAction::RecordPostDocuments {
            fee_notice_received: flag("fee_notice_received"),
            fee_notice_signed: flag("fee_notice_signed"),
            old_card_returned: flag("old_card_returned"),
        },
        OfficeStep::IssueCardByPost => {
            confirmed()?;
            OfficeAction::IssueCardByPost { dispatched_on: date("dispatched_on")? }
        }
        OfficeStep::RedirectToCounter => {
            confirmed()?;
            OfficeAction::RedirectToCounter
        }
        OfficeStep::RecordDelivery => OfficeAction::RecordDelivery { delivered_on: date("delivered_on")? },
        OfficeStep::HandOverAtCounter => {
            confirmed()?;
            let collector = match fields.get("collector") {
                "applicant" => Collector::Applicant,
                "user" => Collector::User,
                "third_party" => Collector::ThirdParty,
                _ => {
                    return Err(err(
                        "collector-applicant",
                        "受け取った人を選んでください。",
                        "Choose who collected the card.",
                    ));
                }
            };
            OfficeAction::HandOverAtCounter { collector, fee_notice_signed: flag("fee_notice_signed") }
        }
        OfficeStep::WithdrawAttachment(Attachment::ReEntry) => {
            confirmed()?;
            OfficeAction::WithdrawAttachment { attachment: Attachment::ReEntry }
        }
        OfficeStep::WithdrawAttachment(Attachment::ActivityOutsideStatus) => {
            confirmed()?;
            OfficeAction::WithdrawAttachment { attachment: Attachment::ActivityOutsideStatus }
        }
        OfficeStep::Withdraw => {
            confirmed()?;
            OfficeAction::Withdraw
        }
        // Its own multipart form (`replace_photo`).
        OfficeStep::ReplacePhoto => {
            return Err(err("photo-file", "写真ファイルを選んでください。", "Choose a photo file."));
        }
    })
}

/// One step posted: done, then the application's page again (303); refused, the page with the reason.
async fn act(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let action = match action_of(&fields, lang) {
        Ok(a) => a,
        Err(errors) => return refused(&examination, &v, &id, &errors).await,
    };
    match examination.office_act(&v.caller, &id, action).await {
        Ok(_) => Ok(see_other(&format!("/office/applications/{id}?done={}", encode(fields.get("step"))))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_) | ServiceError::Conflict)) => {
            let p = Problem::from(e);
            let errors: Vec<_> = messages(lang, &p)
                .into_iter()
                .map(|(f, m)| (if f.is_empty() { "actions".to_owned() } else { f }, m))
                .collect();
            refused(&examination, &v, &id, &errors).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

/// A refused step: the application's page again, with why (422).
async fn refused(examination: &Examination, v: &Visit, id: &str, errors: &[(String, String)]) -> PageResult {
    let app = examination.office_view(&v.caller, id).await.map_err(refused_by(v))?;
    application_page(examination, v, StatusCode::UNPROCESSABLE_ENTITY, &app, "", errors).await
}

async fn photo_file(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
) -> PageResult {
    photo_response(v.lang(), examination.office_photo(&v.caller, &id).await)
}

/// Q63: the office replaces a wrongly attached photo (a multipart form: the token, then the file).
async fn replace_photo(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let lang = v.lang();
    let upload = photo_upload(&v, multipart).await?;
    let Some(bytes) = upload.file else {
        let none =
            vec![("photo-file".to_owned(), tr_owned(lang, "写真ファイルを選んでください。", "Choose a photo file."))];
        return refused(&examination, &v, &id, &none).await;
    };
    match examination.office_replace_photo(&v.caller, &id, bytes).await {
        Ok(_) => Ok(see_other(&format!("/office/applications/{id}?done=replace_photo"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_) | ServiceError::Conflict)) => {
            let p = Problem::from(e);
            let errors: Vec<_> = messages(lang, &p).into_iter().map(|(_, m)| ("photo-file".to_owned(), m)).collect();
            refused(&examination, &v, &id, &errors).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------
// Notices (Q25)

/// Q25: the "Information for notification" the top page shows now; an admin publishes and withdraws them.
async fn notices(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit, uri: Uri) -> PageResult {
    let args: ShownArgs = query(&uri, v.lang())?;
    let shown = counter.office_notices(&v.caller).await.map_err(refused_by(&v))?;
    Ok(notices_page(&v, StatusCode::OK, &shown, &NoticeInput::default(), &args.done, &[]))
}

fn notices_page(
    v: &Visit,
    status: StatusCode,
    shown: &[Notice],
    input: &NoticeInput,
    done: &str,
    errors: &[(String, String)],
) -> Response {
    let (ctx, lang) = (&v.page, v.lang());
    let admin = Counter::is_admin(&v.caller);
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let error = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    let field = |id: &'static str,
                 ja: &'static str,
                 en: &'static str,
                 value: &str,
                 required: bool,
                 hint: Option<&'static str>| {
        Field { id, label: ctx.tr(ja, en), kind: "text", value, required, hint, error: error(id), autocomplete: "off" }
            .render(lang)
    };
    let body = html! {
        (error_summary(lang, errors))
        @match done {
            "published" => div.notice role="status" { p { (ctx.tr("お知らせを掲載しました。", "The notice is published.")) } },
            "withdrawn" => div.notice role="status" { p { (ctx.tr("お知らせを取り下げました。", "The notice is withdrawn.")) } },
            _ => {},
        }
        p { (ctx.tr("トップページの「お知らせ」に表示されます。メンテナンスの期間中は申請を受け付けません。",
                    "Shown under \"Information for notification\" on the top page. No application is accepted during a maintenance.")) }
        h2 { (ctx.tr("掲載中のお知らせ", "Notices shown now")) }
        @if shown.is_empty() { p.panel { (ctx.tr("掲載中のお知らせはありません。", "No notice is shown now.")) } }
        @for n in shown {
            section.panel {
                h3 { (if lang == Lang::Ja { n.title_ja.as_str() } else { n.title_en.as_str() }) }
                @if let Some(w) = &n.maintenance {
                    p { strong { (ctx.tr("メンテナンス：", "Maintenance: ")) } (jst(w.from)) " – " (jst(w.until)) " " (ctx.tr("（日本時間）", "(Japan time)")) }
                }
                p { (if lang == Lang::Ja { n.body_ja.as_str() } else { n.body_en.as_str() }) }
                @if admin {
                    form method="post" action=(format!("/office/notices/{}/withdraw", n.id)) {
                        input type="hidden" name="csrf" value=(csrf);
                        div.choice {
                            input type="checkbox" id=(format!("confirm-{}", n.id)) name="confirm" value="yes";
                            label for=(format!("confirm-{}", n.id)) { (ctx.tr("取り下げることを確認しました", "I confirm the withdrawal")) }
                        }
                        div.actions { button.secondary type="submit" { (ctx.tr("このお知らせを取り下げる", "Withdraw this notice")) } }
                    }
                }
            }
        }
        h2 { (ctx.tr("お知らせを掲載する", "Publish a notice")) }
        @if admin {
            form method="post" action="/office/notices" novalidate {
                input type="hidden" name="csrf" value=(csrf);
                (field("title_ja", "件名（日本語）", "Title (Japanese)", &input.title_ja, true, None))
                (field("title_en", "件名（英語）", "Title (English)", &input.title_en, true, None))
                (field("body_ja", "本文（日本語）", "Text (Japanese)", &input.body_ja, true, None))
                (field("body_en", "本文（英語）", "Text (English)", &input.body_en, true, None))
                (field("maintenance_from", "メンテナンスの開始（日本時間）", "Maintenance from (Japan time)", &input.maintenance_from, false,
                       Some(ctx.tr("メンテナンスのお知らせの場合だけ。例：2026-12-20 01:00", "Only for a maintenance, e.g. 2026-12-20 01:00"))))
                (field("maintenance_until", "メンテナンスの終了（日本時間）", "Maintenance until (Japan time)", &input.maintenance_until, false,
                       Some(ctx.tr("例：2026-12-20 06:00", "e.g. 2026-12-20 06:00"))))
                div.actions { button type="submit" { (ctx.tr("掲載する", "Publish")) } }
            }
        } @else {
            p { (ctx.tr("お知らせの掲載と取下げは、管理者の役割を持つ職員が行います。", "Notices are published and withdrawn by an officer with the admin role.")) }
        }
    };
    Page(status, layout(ctx, ctx.tr("お知らせの管理", "Notices"), body)).into_response()
}

async fn publish(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit, form: FormResult) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let input = NoticeInput {
        title_ja: fields.get("title_ja").to_owned(),
        title_en: fields.get("title_en").to_owned(),
        body_ja: fields.get("body_ja").to_owned(),
        body_en: fields.get("body_en").to_owned(),
        maintenance_from: fields.get("maintenance_from").to_owned(),
        maintenance_until: fields.get("maintenance_until").to_owned(),
    };
    match counter.publish_notice(&v.caller, &input).await {
        Ok(_) => Ok(see_other("/office/notices?done=published")),
        Err(e @ ServiceError::Invalid(_)) => {
            let shown = counter.office_notices(&v.caller).await.map_err(refused_by(&v))?;
            let p = Problem::from(e);
            Ok(notices_page(&v, StatusCode::UNPROCESSABLE_ENTITY, &shown, &input, "", &messages(lang, &p)))
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

async fn withdraw_notice(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    if fields.get("confirm") != "yes" {
        let shown = counter.office_notices(&v.caller).await.map_err(refused_by(&v))?;
        let errors = vec![(
            format!("confirm-{id}"),
            tr_owned(
                lang,
                "取り下げる場合は、確認の欄にチェックを入れてください。",
                "Tick the box to confirm the withdrawal.",
            ),
        )];
        return Ok(notices_page(&v, StatusCode::UNPROCESSABLE_ENTITY, &shown, &NoticeInput::default(), "", &errors));
    }
    match counter.withdraw_notice(&v.caller, &id).await {
        // Withdrawn now, or already (another tab): the list as it stands.
        Ok(()) | Err(ServiceError::NotFound) => Ok(see_other("/office/notices?done=withdrawn")),
        Err(e) => Err(refused_by(&v)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------
// Users at the counter (Q79, Q92–Q96)

#[derive(Deserialize, Default)]
struct UsersArgs {
    #[serde(default)]
    email: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    name: String,
}

/// The users page with its two search forms.
async fn users_page(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit) -> PageResult {
    find_users(&counter, &v, UsersArgs::default()).await
}

/// A search posted from one of the forms (its token checked): the e-mail address is in no URL.
async fn users(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit, form: FormResult) -> PageResult {
    let fields = v.posted(form)?;
    let args = UsersArgs {
        email: fields.get("email").to_owned(),
        organization: fields.get("organization").to_owned(),
        name: fields.get("name").to_owned(),
    };
    find_users(&counter, &v, args).await
}

/// Q93, Q94: the users whom the office serves, found by e-mail address, or by organization (and name), to
/// tell a forgotten user ID.
async fn find_users(counter: &Counter, v: &Visit, args: UsersArgs) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let (email, organization) = (args.email.trim(), args.organization.trim());
    let mut errors: Vec<(String, String)> = Vec::new();
    let found = if !email.is_empty() {
        match counter.users_by_email(&v.caller, email, None, PER_PAGE).await {
            Ok(page) => Some(page.items),
            Err(e @ ServiceError::Invalid(_)) => {
                errors.extend(messages(lang, &Problem::from(e)).into_iter().map(|(_, m)| ("email".to_owned(), m)));
                None
            }
            Err(e) => return Err(refused_by(v)(e)),
        }
    } else if !organization.is_empty() {
        match counter.organization_users(&v.caller, organization, Some(&args.name)).await {
            Ok(users) => Some(users),
            Err(ServiceError::NotFound) => {
                let message = tr_owned(lang, "この所属機関IDの所属機関はありません。", "No organization has this ID.");
                errors.push(("organization".to_owned(), message));
                None
            }
            Err(e) => return Err(refused_by(v)(e)),
        }
    } else {
        None
    };
    let error = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    let body = html! {
        (error_summary(lang, &errors))
        form.filter role="search" method="post" action="/office/users" {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            (Field { id: "email", label: ctx.tr("メールアドレスで利用者を探す", "Find users by e-mail address"), kind: "email",
                     value: &args.email, required: true, hint: None, error: error("email"), autocomplete: "off" }.render(lang))
            button.secondary type="submit" { (ctx.tr("メールアドレスで探す", "Find by e-mail address")) }
        }
        form.filter role="search" method="post" action="/office/users" {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            (Field { id: "organization", label: ctx.tr("所属機関IDで利用者を探す", "Find users by organization ID"), kind: "text",
                     value: &args.organization, required: true, hint: None, error: error("organization"), autocomplete: "off" }.render(lang))
            (Field { id: "name", label: ctx.tr("氏名（一部でも可）", "Name (or part of it)"), kind: "text",
                     value: &args.name, required: false, hint: None, error: None, autocomplete: "off" }.render(lang))
            button.secondary type="submit" { (ctx.tr("所属機関で探す", "Find by organization")) }
        }
        @if let Some(found) = &found {
            @if found.is_empty() {
                div.notice role="status" { p { (ctx.tr("該当する利用者はいません。", "No user matches.")) } }
            } @else {
                (users_table(ctx, found))
            }
        }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("利用者", "Users"), body)).into_response())
}

fn kind_label(ctx: &PageCtx, k: &UserKind) -> &'static str {
    match k {
        UserKind::OrganizationStaff => ctx.tr("所属機関の職員", "Organization staff"),
        UserKind::Agent => ctx.tr("取次者", "Agent"),
        UserKind::Officer { .. } => ctx.tr("職員（官署）", "Officer"),
    }
}

fn state_label(ctx: &PageCtx, s: UserState) -> &'static str {
    match s {
        UserState::Active => ctx.tr("利用中", "Active"),
        UserState::Suspended => ctx.tr("利用停止中", "Suspended"),
        UserState::Cancelled => ctx.tr("利用取消し", "Cancelled"),
    }
}

pub(super) fn users_table(ctx: &PageCtx, users: &[User]) -> Markup {
    data_table(
        ctx,
        ctx.tr("該当する利用者", "Users found"),
        &[("利用者ID", "User ID"), ("氏名", "Name"), ("所属機関", "Organization"), ("種別", "Kind"), ("状態", "State")],
        html! {
            @for u in users {
                tr {
                    th scope="row" { a href=(format!("/office/users/{}", u.id().as_str())) { (u.id().as_str()) } }
                    td { (u.name().as_str()) }
                    td { (u.organization_id().map_or("—", |o| o.as_str())) }
                    td { (kind_label(ctx, u.kind())) }
                    td { (state_label(ctx, u.state())) }
                }
            }
        },
    )
}

/// An action's name, what it does, and whether it cannot be undone.
fn user_action_text(ctx: &PageCtx, a: UserAction) -> (&'static str, &'static str, bool) {
    let t = |ja, en| ctx.tr(ja, en);
    match a {
        UserAction::LiftLockout => (
            t("ロックを解除する", "Lift the lock"),
            t(
                "パスワードの誤りで24時間ロックされた利用者IDを、すぐに使えるようにします。",
                "The user ID locked for 24 hours after wrong passwords can be used at once.",
            ),
            false,
        ),
        UserAction::ResetPassword => (
            t("パスワード再設定のリンクを送る", "Send a link to set a new password"),
            t(
                "利用者のメールアドレスに、新しいパスワードを設定するリンクを送ります。",
                "A link to set a new password is e-mailed to the user.",
            ),
            false,
        ),
        UserAction::Suspend => (
            t("利用を停止する", "Suspend the use"),
            t(
                "ログインできなくなり、ログイン中のセッションも終わります。",
                "The user can no longer log in; open sessions end.",
            ),
            false,
        ),
        UserAction::Resume => (
            t("利用を再開する", "Resume the use"),
            t("再びログインできるようにします。", "The user can log in again."),
            false,
        ),
        UserAction::Cancel => (
            t("利用を取り消す", "Cancel the use"),
            t("利用者情報を削除します。元に戻せません。", "The user information is deleted; this cannot be undone."),
            true,
        ),
        UserAction::DeleteAgent => (
            t("取次者の利用者情報を削除する", "Delete the agent's user information"),
            t(
                "審査中の申請がある間は削除できません。元に戻せません。",
                "Refused while an application it filed is being examined; this cannot be undone.",
            ),
            true,
        ),
    }
}

async fn user_page(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(user): Path<String>,
    uri: Uri,
) -> PageResult {
    let args: ShownArgs = query(&uri, v.lang())?;
    let found = counter.office_user(&v.caller, &user).await.map_err(refused_by(&v))?;
    Ok(user_view(&v, StatusCode::OK, &found, counter.now(), &args.done, &[]))
}

fn user_view(
    v: &Visit,
    status: StatusCode,
    found: &CounterUser,
    now: chrono::DateTime<chrono::Utc>,
    done: &str,
    errors: &[(String, String)],
) -> Response {
    let user = &found.user;
    let (ctx, lang) = (&v.page, v.lang());
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let id = user.id().as_str();
    let body = html! {
        (error_summary(lang, errors))
        @if !done.is_empty() && errors.is_empty() {
            div.notice role="status" { p { (ctx.tr("処理を記録しました。", "Done: the step is recorded.")) } }
        }
        dl.facts {
            dt { (ctx.tr("利用者ID", "User ID")) } dd { (id) }
            dt { (ctx.tr("氏名", "Name")) } dd { (user.name().as_str()) }
            dt { (ctx.tr("メールアドレス", "E-mail address")) } dd { (user.email().to_string()) }
            dt { (ctx.tr("所属機関", "Organization")) } dd { (user.organization_id().map_or("—", |o| o.as_str())) }
            dt { (ctx.tr("種別", "Kind")) } dd { (kind_label(ctx, user.kind())) }
            dt { (ctx.tr("状態", "State")) } dd { (state_label(ctx, user.state())) }
            @if let Some(until) = user.guard().locked_until.filter(|_| user.guard().is_locked(now)) {
                dt { (ctx.tr("ロック", "Locked")) } dd { (jst(until)) (ctx.tr(" まで（日本時間）", " (Japan time), until then")) }
            }
        }
        h2 #actions { (ctx.tr("行える処理", "What you can do")) }
        @let offered = &found.actions;
        @if offered.is_empty() { p { (ctx.tr("この利用者に行える処理はありません。", "There is nothing to do for this user.")) } }
        @for a in offered.iter().copied() {
            @let (title, what, final_step) = user_action_text(ctx, a);
            form.panel.step method="post" action=(format!("/office/users/{id}")) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value=(a.code());
                h3 { (title) }
                p { (what) }
                @if final_step {
                    div.choice {
                        input type="checkbox" id=(format!("confirm-{}", a.code())) name="confirm" value="yes";
                        label for=(format!("confirm-{}", a.code())) { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
                    }
                }
                div.actions { button type="submit" { (title) } }
            }
        }
        p { a href="/office/users" { (ctx.tr("利用者の検索へ戻る", "Back to finding users")) } }
    };
    Page(status, layout(ctx, ctx.tr("利用者", "User"), body)).into_response()
}

async fn user_act(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(user): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let refuse = async |errors: Vec<(String, String)>| -> PageResult {
        let found = counter.office_user(&v.caller, &user).await.map_err(refused_by(&v))?;
        Ok(user_view(&v, StatusCode::UNPROCESSABLE_ENTITY, &found, counter.now(), "", &errors))
    };
    let Some(action) = UserAction::parse(fields.get("action")) else {
        return refuse(vec![("actions".into(), tr_owned(lang, "処理が選ばれていません。", "No step was chosen."))])
            .await;
    };
    if user_action_text(&v.page, action).2 && fields.get("confirm") != "yes" {
        let field = format!("confirm-{}", action.code());
        let message = tr_owned(
            lang,
            "取り消せない処理です。確認の欄にチェックを入れてください。",
            "This cannot be undone: tick the box to confirm it.",
        );
        return refuse(vec![(field, message)]).await;
    }
    match counter.office_user_action(&v.caller, &user, action).await {
        Ok(_) => Ok(see_other(&format!("/office/users/{}?done={}", encode(&user), action.code()))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict)) => {
            let errors =
                messages(lang, &Problem::from(e)).into_iter().map(|(_, m)| ("actions".to_owned(), m)).collect();
            refuse(errors).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------
// Officers (#18 item 7)

fn role_label(ctx: &PageCtx, r: OfficerRole) -> &'static str {
    match r {
        OfficerRole::Counter => ctx.tr(
            "窓口（利用申出、定期報告、利用者、窓口での取下げ）",
            "Counter (requests for use, periodic reports, users, withdrawals)",
        ),
        OfficerRole::Examiner => ctx.tr("審査", "Examination"),
        OfficerRole::Issuance => ctx.tr("在留カードの交付", "Residence cards"),
        OfficerRole::Admin => {
            ctx.tr("管理者（すべての処理、職員の作成、お知らせ）", "Admin (every action, officers, notices)")
        }
    }
}

#[derive(Deserialize, Default)]
struct OfficerArgs {
    #[serde(default)]
    created: String,
}

/// An admin creates the other officers of its office, each with roles; the new officer is e-mailed the
/// link that sets a password.
async fn officers(OfficerVisit(v): OfficerVisit, uri: Uri) -> PageResult {
    let args: OfficerArgs = query(&uri, v.lang())?;
    Ok(officers_page(&v, StatusCode::OK, &args.created, &Fields::default(), &[]))
}

fn officers_page(
    v: &Visit,
    status: StatusCode,
    created: &str,
    typed: &Fields,
    errors: &[(String, String)],
) -> Response {
    let (ctx, lang) = (&v.page, v.lang());
    let admin = Counter::is_admin(&v.caller);
    let office = v.caller.officer().map(|(o, _)| office_name(lang, o)).unwrap_or_default();
    let error = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str());
    let text = |id: &'static str, ja: &'static str, en: &'static str, kind: &'static str| {
        Field {
            id,
            label: ctx.tr(ja, en),
            kind,
            value: typed.get(id),
            required: true,
            hint: None,
            error: error(id),
            autocomplete: "off",
        }
        .render(lang)
    };
    let body = html! {
        (error_summary(lang, errors))
        @if !created.is_empty() && errors.is_empty() {
            div.notice role="status" {
                p {
                    (ctx.tr("職員を作成しました。パスワードを設定するリンクを、その職員のメールアドレスに送りました：", "The officer is created; the link to set a password was e-mailed to them: "))
                    a href=(format!("/office/users/{}", encode(created))) { (created) }
                }
            }
        }
        @if admin {
            p { (office) (ctx.tr("の職員を作成します。", ": create an officer of this office.")) }
            form method="post" action="/office/officers" novalidate {
                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                (text("user_id", "利用者ID", "User ID", "text"))
                (text("name", "氏名", "Name", "text"))
                (text("email", "メールアドレス", "E-mail address", "email"))
                div.field.invalid[error("roles").is_some()] id="roles" tabindex="-1" {
                    fieldset {
                        legend.label { (ctx.tr("役割", "Roles")) span.req { (ctx.tr("必須", "Required")) } }
                        @if let Some(e) = error("roles") { span.field-error { (e) } }
                        @for r in OfficerRole::ALL {
                            div.choice {
                                input type="checkbox" id=(format!("role-{}", r.code())) name="role" value=(r.code()) checked[typed.all("role").any(|x| x == r.code())];
                                label for=(format!("role-{}", r.code())) { (role_label(ctx, r)) }
                            }
                        }
                    }
                }
                div.actions { button type="submit" { (ctx.tr("職員を作成する", "Create the officer")) } }
            }
        } @else {
            p { (ctx.tr("職員の作成は、管理者の役割を持つ職員が行います。", "Officers are created by an officer with the admin role.")) }
        }
    };
    Page(status, layout(ctx, ctx.tr("職員", "Officers"), body)).into_response()
}

async fn create_officer(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit, form: FormResult) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let roles = fields.all("role").map(OfficerRole::parse).collect::<Option<Vec<_>>>();
    let Some(roles) = roles else {
        return Err(PageError::Problem(lang, Box::new(Problem::malformed_form())));
    };
    let created = counter
        .office_create_officer(&v.caller, fields.get("user_id"), fields.get("name"), fields.get("email"), roles)
        .await;
    match created {
        Ok(user) => Ok(see_other(&format!("/office/officers?created={}", encode(user.id().as_str())))),
        Err(e @ ServiceError::Invalid(_)) => {
            Ok(officers_page(&v, StatusCode::UNPROCESSABLE_ENTITY, "", &fields, &messages(lang, &Problem::from(e))))
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}
