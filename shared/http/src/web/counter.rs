//! The counter's pages for organizations (#18 item 3): registering an organization and changing its name or
//! location (Q1–Q3, Q15, Q78); its requests for use, recorded, approved (the user ID and the link to set a
//! password e-mailed) or denied (Q1–Q20); its periodic report approved or not (Q72–Q76, suspension and
//! resumption); its List of Affiliated Foreign Nationals, added to, corrected and removed from (Q80); and
//! its users, found by name (Q93, Q94). The same services as `/api/office/organizations/*` decide what an
//! officer may see and do: another office's organization is not found, a role that may not act is refused.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::{ForeignNationalInput, OrganizationInput, RequestForUseInput};
use zairyu_app::services::list_file::{self, COLUMNS};
use zairyu_domain::form::Sex;
use zairyu_domain::office::OFFICE_TABLE;
use zairyu_domain::organization::{OrganizationKind, UseState};
use zairyu_domain::request_for_use::{RequestForUse, RequestKind, RequestState};
use zairyu_domain::status_of_residence::StatusOfResidence;

use super::Audience;
use super::office::{OfficerVisit, office_name, refused_by, users_table};
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::cursor::Pages;
use crate::function::Function;
use crate::web::Field;
use crate::web::Fields;
use crate::web::Form;
use crate::web::FormResult;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::file_upload;
use crate::web::jst;
use crate::web::layout;
use crate::web::messages;
use crate::web::pager;
use crate::web::person_context;
use crate::web::query;
use crate::web::sealed_person;
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
        path: "/office/organizations",
        handler: || get(organizations),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations",
        handler: || post(register),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/organizations/{org}",
        handler: || get(organization),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations/{org}",
        handler: || post(organization_act),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/organizations/{org}/foreign-nationals",
        handler: || get(people),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations/{org}/foreign-nationals",
        handler: || post(people_act),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations/{org}/foreign-nationals/file",
        handler: || post(list_file),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/foreign-nationals-template.csv",
        handler: || get(list_template),
    },
];

/// What a page says was just done (`?done=…`, after a post's redirect), and the users' name filter.
#[derive(Deserialize, Default)]
struct OrgArgs {
    #[serde(default)]
    done: String,
    #[serde(default)]
    user_name: String,
}

fn done_notice(ctx: &PageCtx, done: &str) -> Markup {
    let text = match done {
        "" => return html! {},
        "registered" => ctx.tr("所属機関を登録しました。", "The organization is registered."),
        "changed" => ctx.tr("名称・所在地の変更を記録しました。", "The change of name or location is recorded."),
        "recorded" => ctx.tr("利用申出を記録しました。", "The request for use is recorded."),
        "approved" => ctx.tr(
            "利用申出を承認しました。利用者IDとパスワード設定のリンクを申出者にメールで送りました。",
            "The request for use is approved; the user ID and the link to set a password were e-mailed to the requester.",
        ),
        "denied" => {
            ctx.tr("利用申出を承認しないことを記録し、申出者に通知しました。", "The request for use is denied; the requester is told.")
        }
        "report_approved" => ctx.tr(
            "定期報告を承認しました。利用承認の期限を1年延長し、全利用者に通知しました。",
            "The periodic report is approved: the approval runs a year longer, and every user is told.",
        ),
        "report_denied" => ctx.tr(
            "定期報告を承認しないことを記録し、全利用者に通知しました。",
            "The periodic report is not approved; every user is told.",
        ),
        "saved" => ctx.tr("一覧に登録しました。", "The list is updated."),
        "removed" => ctx.tr("一覧から削除しました。", "The person is removed from the list."),
        "file" => ctx.tr("ファイルの全員を一覧に登録しました。", "Everyone in the file is on the list."),
        _ => ctx.tr("処理を記録しました。", "Done: the step is recorded."),
    };
    html! { div.notice role="status" { p { (text) } } }
}

fn kind_label(ctx: &PageCtx, k: OrganizationKind) -> &'static str {
    match k {
        OrganizationKind::Corporation => ctx.tr("法人", "Corporation"),
        OrganizationKind::SupervisingOrganization => ctx.tr("監理団体", "Supervising organization"),
        OrganizationKind::IndividualBusiness => ctx.tr("個人事業主", "Individual business"),
    }
}

fn request_kind_label(ctx: &PageCtx, k: RequestKind) -> &'static str {
    match k {
        RequestKind::New => ctx.tr("新規利用申出", "New request"),
        RequestKind::Additional => ctx.tr("追加利用申出", "Additional request"),
    }
}

fn request_state_label(ctx: &PageCtx, s: RequestState) -> &'static str {
    match s {
        RequestState::Pending => ctx.tr("未処理", "Waiting for a decision"),
        RequestState::Approved => ctx.tr("承認", "Approved"),
        RequestState::Denied => ctx.tr("不承認", "Denied"),
    }
}

/// A refusal's messages, each under a field the page has (`anchor` for those about no field of its form).
fn refusal(lang: Lang, e: ServiceError, fields: &[&str], anchor: &str) -> Vec<(String, String)> {
    messages(lang, &Problem::from(e))
        .into_iter()
        .map(|(f, m)| (if fields.contains(&f.as_str()) { f } else { anchor.to_owned() }, m))
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Organizations: the office's requests waiting, and registering one (Q1–Q3, Q15)

/// The office's organizations: its requests for use waiting for a decision, an organization found by its
/// ID, and the form that registers a new one.
async fn organizations(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    uri: Uri,
) -> PageResult {
    organizations_page(&s, &counter, &v, &uri, StatusCode::OK, &Fields::default(), &[]).await
}

async fn organizations_page(
    s: &AppState,
    counter: &Counter,
    v: &Visit,
    uri: &Uri,
    status: StatusCode,
    typed: &Fields,
    errors: &[(String, String)],
) -> PageResult {
    #[derive(Deserialize, Default)]
    struct Args {
        #[serde(default)]
        cursor: Option<String>,
    }
    let (ctx, lang) = (&v.page, v.lang());
    let args: Args = query(uri, lang)?;
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), "/office/organizations");
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let pending = counter.pending_requests(&v.caller, after, limit).await.map_err(refused_by(v))?;
    let next = pages.view(Vec::<()>::new(), pending.next).map_err(api(lang))?.next_cursor;
    let (own, _) = v.caller.officer().map_err(refused_by(v))?;
    let admin = Counter::is_admin(&v.caller);
    let f = Form { ctx, errors };
    let kind = typed.get("kind");
    let office = match typed.get("office") {
        "" => own.code(),
        o => o,
    };
    let body = html! {
        (error_summary(lang, errors))
        (super::office::search_form(ctx, ""))
        h2 #pending { (ctx.tr("処理を待つ利用申出", "Requests for use waiting for a decision")) }
        @if pending.items.is_empty() {
            p { (ctx.tr("処理を待つ利用申出はありません。", "No request for use is waiting.")) }
        } @else {
            (data_table(ctx, ctx.tr("処理を待つ利用申出（新しい順）", "Requests for use waiting, newest first"),
                &[("受付日時", "Recorded"), ("所属機関", "Organization"), ("申出者", "Requester"), ("種別", "Kind"), ("取次者", "Agent")],
                html! {
                    @for r in &pending.items {
                        tr {
                            td { (jst(r.recorded_at())) }
                            th scope="row" { a href=(format!("/office/organizations/{}#requests", r.organization_id())) { (r.organization_id().as_str()) } }
                            td { (r.requester_name().as_str()) }
                            td { (request_kind_label(ctx, r.kind())) }
                            td { (if r.is_agent() { ctx.tr("はい", "Yes") } else { ctx.tr("いいえ", "No") }) }
                        }
                    }
                }))
            (pager(ctx, "/office/organizations", next.as_deref(), args.cursor.is_none()))
        }
        h2 #register { (ctx.tr("所属機関を登録する", "Register an organization")) }
        form method="post" action="/office/organizations" novalidate {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            (f.choice("kind", ("種別", "Kind"), kind,
                &[("corporation", "法人", "Corporation"), ("supervising_organization", "監理団体", "Supervising organization"),
                  ("individual_business", "個人事業主", "Individual business")], None))
            (f.text("name", "名称", "Name", typed.get("name"), true, None))
            (f.text("location", "所在地", "Location", typed.get("location"), true, None))
            (f.text("corporate_number", "法人番号", "Corporate number", typed.get("corporate_number"), false,
                Some(("13桁。法人と監理団体は必須、個人事業主は入力しません。", "13 digits: required for a corporation or supervising organization, none for an individual business."))))
            @if admin {
                div.field.invalid[f.error("office").is_some()] {
                    label for="office" { (ctx.tr("管轄官署", "Office with jurisdiction")) span.req { (ctx.tr("必須", "Required")) } }
                    @if let Some(e) = f.error("office") { span.field-error { (e) } }
                    select id="office" name="office" {
                        @for o in OFFICE_TABLE {
                            option value=(o.code) selected[office == o.code] { (tr(lang, o.name_ja, o.name_en)) }
                        }
                    }
                }
            } @else {
                input type="hidden" name="office" value=(own.code());
                p { (ctx.tr("管轄官署：", "Office with jurisdiction: ")) (office_name(lang, own)) }
            }
            div.actions { button type="submit" { (ctx.tr("所属機関を登録する", "Register the organization")) } }
        }
    };
    Ok(Page(status, layout(ctx, ctx.tr("所属機関", "Organizations"), body)).into_response())
}

async fn register(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    uri: Uri,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let kind = match fields.get("kind") {
        "corporation" => Some(OrganizationKind::Corporation),
        "supervising_organization" => Some(OrganizationKind::SupervisingOrganization),
        "individual_business" => Some(OrganizationKind::IndividualBusiness),
        _ => None,
    };
    let Some(kind) = kind else {
        let errors = vec![("kind".to_owned(), tr_owned(lang, "種別を選んでください。", "Choose the kind."))];
        return organizations_page(&s, &counter, &v, &uri, StatusCode::UNPROCESSABLE_ENTITY, &fields, &errors).await;
    };
    let input = OrganizationInput {
        kind,
        name: fields.get("name").to_owned(),
        location: fields.get("location").to_owned(),
        corporate_number: fields.get("corporate_number").to_owned(),
        office: fields.get("office").to_owned(),
    };
    match counter.register_organization(&v.caller, &input).await {
        Ok(org) => Ok(see_other(&format!("/office/organizations/{}?done=registered", org.id()))),
        Err(e @ ServiceError::Invalid(_)) => {
            let errors = refusal(lang, e, &["kind", "name", "location", "corporate_number", "office"], "register");
            organizations_page(&s, &counter, &v, &uri, StatusCode::UNPROCESSABLE_ENTITY, &fields, &errors).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------
// One organization (Q3, Q7, Q14, Q72–Q78, Q93)

async fn organization(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    uri: Uri,
) -> PageResult {
    let args: OrgArgs = query(&uri, v.lang())?;
    organization_page(&counter, &v, &org, StatusCode::OK, &args, &Fields::default(), &[]).await
}

/// The organization's page: its profile (and its change, Q78), its approval of use and periodic report
/// (Q72–Q76), its requests for use (recorded and decided here), its list, its users.
async fn organization_page(
    counter: &Counter,
    v: &Visit,
    org: &str,
    status: StatusCode,
    args: &OrgArgs,
    typed: &Fields,
    errors: &[(String, String)],
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let file = counter.organization_file(&v.caller, org, Some(&args.user_name)).await.map_err(refused_by(v))?;
    let (found, requests, users) = (&file.organization, &file.requests, &file.users);
    let p = found.profile();
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let action = format!("/office/organizations/{}", found.id());
    let f = Form { ctx, errors };
    let typed_or = |id: &str, stored: &str| -> String {
        match (typed.get("step"), typed.get(id)) {
            ("change", t) => t.to_owned(),
            _ => stored.to_owned(),
        }
    };
    let state = match found.use_state() {
        UseState::Active => ctx.tr("利用中", "In use"),
        UseState::Suspended => ctx.tr("利用停止中", "Suspended"),
        UseState::Cancelled => ctx.tr("利用取消し", "Cancelled"),
    };
    let record_kind = match typed.get("kind") {
        "" if found.approval().is_some() => "additional",
        "" => "new",
        k => k,
    };
    let body = html! {
        (error_summary(lang, errors))
        @if errors.is_empty() { (done_notice(ctx, &args.done)) }
        dl.facts {
            dt { (ctx.tr("所属機関ID", "Organization ID")) } dd { (found.id().as_str()) }
            dt { (ctx.tr("名称", "Name")) } dd { (p.name.as_str()) }
            dt { (ctx.tr("種別", "Kind")) } dd { (kind_label(ctx, p.kind)) }
            dt { (ctx.tr("所在地", "Location")) } dd { (p.location.as_str()) }
            dt { (ctx.tr("法人番号", "Corporate number")) } dd { (p.corporate_number.as_ref().map_or_else(|| "—".to_owned(), ToString::to_string)) }
            dt { (ctx.tr("管轄官署", "Office with jurisdiction")) } dd { (office_name(lang, p.office)) }
            dt { (ctx.tr("利用承認", "Approval of use")) }
            dd {
                @match found.approval() {
                    Some(a) => { (a.approved_on.to_string()) (ctx.tr(" 承認、", " approved, until ")) (a.expires_on.to_string()) (ctx.tr(" まで", "")) },
                    None => { (ctx.tr("未承認", "Not approved")) },
                }
            }
            dt { (ctx.tr("利用の状態", "State of use")) } dd #use-state { (state) }
        }
        p { a href=(format!("{action}/foreign-nationals")) { (ctx.tr("所属機関等に所属する外国人一覧", "List of Affiliated Foreign Nationals")) } }

        h2 #requests { (ctx.tr("利用申出", "Requests for use")) }
        @if requests.is_empty() {
            p { (ctx.tr("記録された利用申出はありません。", "No request for use is recorded.")) }
        } @else {
            (data_table(ctx, ctx.tr("利用申出（新しい順）", "Requests for use, newest first"),
                &[("受付日時", "Recorded"), ("申出者", "Requester"), ("種別", "Kind"), ("取次者", "Agent"), ("状態", "State"), ("利用者ID", "User ID")],
                html! {
                    @for r in requests {
                        tr {
                            td { (jst(r.recorded_at())) }
                            th scope="row" { (r.requester_name().as_str()) }
                            td { (request_kind_label(ctx, r.kind())) }
                            td { (if r.is_agent() { ctx.tr("はい", "Yes") } else { ctx.tr("いいえ", "No") }) }
                            td { (request_state_label(ctx, r.state())) }
                            td {
                                @match r.issued_user_id() {
                                    Some(u) => a href=(format!("/office/users/{}", encode(u.as_str()))) { (u.as_str()) },
                                    None => "—",
                                }
                            }
                        }
                    }
                }))
        }
        @for r in requests.iter().filter(|r| r.state() == RequestState::Pending) {
            (decide_request_form(ctx, csrf, &action, r))
        }
        form.panel method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="step" value="record_request";
            h3 { (ctx.tr("利用申出を記録する", "Record a request for use")) }
            (f.choice("kind", ("申出の種別", "Kind of request"), record_kind,
                &[("new", "新規利用申出（初めて利用する所属機関）", "New (an organization using the system for the first time)"),
                  ("additional", "追加利用申出（承認済みの所属機関の利用者を増やす）", "Additional (another user of an approved organization)")], None))
            (f.text("requester_name", "申出者の氏名", "Requester's name", typed.get("requester_name"), true, None))
            (f.text("requester_email", "申出者のメールアドレス", "Requester's e-mail address", typed.get("requester_email"), true,
                Some(("承認すると、利用者IDとパスワードを設定するリンクがこのアドレスに送られます。", "On approval, the user ID and a link to set a password are sent here."))))
            (f.choice("is_agent", ("取次者（弁護士・行政書士）の申出ですか", "Is the requester an agent (attorney or gyoseishoshi)"),
                if typed.get("is_agent") == "yes" { "yes" } else { "no" }, &[("yes", "はい", "Yes"), ("no", "いいえ（所属機関の職員）", "No (the organization's staff)")], None))
            div.field.invalid[f.error("written_request_on_file").is_some()] id="written_request_on_file" tabindex="-1" {
                @if let Some(e) = f.error("written_request_on_file") { span.field-error { (e) } }
                div.choice {
                    input type="checkbox" id="written_request" name="written_request_on_file" value="yes" checked[typed.get("written_request_on_file") == "yes"];
                    label for="written_request" { (ctx.tr("取次者の場合：所属機関の代表者印のある依頼書を受け取った", "For an agent: the organization's written request, stamped by its representative, was handed in")) }
                }
            }
            (f.text("office_address", "取次者の事務所の所在地", "Agent's office address", typed.get("office_address"), false,
                Some(("取次者のみ。郵送の在留カードはここへ送られます。", "Agents only: cards received by post are sent here."))))
            div.actions { button type="submit" { (ctx.tr("利用申出を記録する", "Record the request")) } }
        }

        h2 #periodic-report { (ctx.tr("定期報告", "Periodic report")) }
        @match found.approval() {
            None => p { (ctx.tr("利用承認の後に、毎年の定期報告を受け付けます。", "A periodic report is made each year once the use is approved.")) },
            Some(a) => {
                p {
                    (ctx.tr("報告期限：", "Report due by: ")) (a.report_due_by().to_string())
                    (ctx.tr("。利用承認の期限（", ". Unless a report is approved by the approval's expiry ("))
                    (a.expires_on.to_string())
                    (ctx.tr("）までに承認されないと、翌日から利用が停止されます。承認すると期限は1年延び、停止中の利用は再開します。",
                            "), use is suspended from the day after. Approval extends it by a year and resumes a suspended use."))
                }
                form.panel.step method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="step" value="periodic_report";
                    h3 { (ctx.tr("定期報告を処理する", "Decide on the periodic report")) }
                    p.hint { (ctx.tr("送られるメール：定期報告の承認または不承認のお知らせ（所属機関の全利用者あて）", "E-mail sent: the report approved or not, to every user of the organization")) }
                    div.choice {
                        input type="checkbox" id="confirm-periodic_report" name="confirm" value="yes";
                        label for="confirm-periodic_report" { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
                    }
                    div.actions {
                        button type="submit" name="decision" value="approve" { (ctx.tr("定期報告を承認する", "Approve the report")) }
                        " "
                        button.secondary type="submit" name="decision" value="deny" { (ctx.tr("承認しない", "Do not approve")) }
                    }
                }
            },
        }

        h2 #change { (ctx.tr("名称・所在地の変更", "Change of name or location")) }
        form.panel method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="step" value="change";
            (f.text("name", "名称", "Name", &typed_or("name", p.name.as_str()), true, None))
            (f.text("location", "所在地", "Location", &typed_or("location", p.location.as_str()), true, None))
            div.actions { button.secondary type="submit" { (ctx.tr("変更を記録する", "Record the change")) } }
        }

        h2 #users { (ctx.tr("利用者", "Users")) }
        form.filter role="search" method="get" action=(action) {
            (Field { id: "user_name", label: ctx.tr("氏名で絞り込む", "Filter by name"), kind: "text",
                     value: &args.user_name, required: false, hint: None, error: None, autocomplete: "off" }.render(lang))
            button.secondary type="submit" { (ctx.tr("絞り込む", "Filter")) }
        }
        @if users.is_empty() {
            @if args.user_name.trim().is_empty() { p { (ctx.tr("利用者はいません。", "There is no user yet.")) } }
            @else { p { (ctx.tr("該当する利用者はいません。", "No user matches.")) } }
        } @else { (users_table(ctx, users)) }
    };
    Ok(Page(status, layout(ctx, p.name.as_str(), body)).into_response())
}

/// A pending request's decision: approve (the user ID and the link e-mailed) or deny, confirmed.
fn decide_request_form(ctx: &PageCtx, csrf: &str, action: &str, r: &RequestForUse) -> Markup {
    let confirm = format!("confirm-request-{}", r.id());
    html! {
        form.panel.step method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="step" value="decide_request";
            input type="hidden" name="request" value=(r.id());
            h3 { (ctx.tr("利用申出を処理する：", "Decide on the request of ")) (r.requester_name().as_str()) }
            p.hint {
                (ctx.tr("送られるメール（申出者あて）：承認の場合は利用者IDとパスワード設定のリンク、不承認の場合はそのお知らせ",
                        "E-mail sent to the requester: on approval the user ID and the link to set a password; otherwise the denial"))
            }
            div.choice {
                input type="checkbox" id=(confirm) name="confirm" value="yes";
                label for=(confirm) { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
            }
            div.actions {
                button type="submit" name="decision" value="approve" { (ctx.tr("承認する", "Approve")) }
                " "
                button.secondary type="submit" name="decision" value="deny" { (ctx.tr("承認しない", "Deny")) }
            }
        }
    }
}

/// One step on the organization's page, by its `step`: done, the page again (303); refused, the page
/// with why (422).
async fn organization_act(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let confirm_error = |field: String| {
        vec![(
            field,
            tr_owned(
                lang,
                "取り消せない処理です。確認の欄にチェックを入れてください。",
                "This cannot be undone: tick the box to confirm it.",
            ),
        )]
    };
    let approve = fields.get("decision") == "approve";
    let (result, done, known, anchor): (Result<(), ServiceError>, &str, &[&str], &str) = match fields.get("step") {
        "change" => (
            counter
                .change_organization(&v.caller, &org, Some(fields.get("name")), Some(fields.get("location")))
                .await
                .map(drop),
            "changed",
            &["name", "location"],
            "change",
        ),
        "record_request" => {
            let kind = match fields.get("kind") {
                "new" => RequestKind::New,
                "additional" => RequestKind::Additional,
                _ => {
                    let errors = vec![(
                        "kind".to_owned(),
                        tr_owned(lang, "申出の種別を選んでください。", "Choose the kind of request."),
                    )];
                    return refused(&counter, &v, &org, &fields, &errors).await;
                }
            };
            let input = RequestForUseInput {
                kind,
                requester_name: fields.get("requester_name").to_owned(),
                requester_email: fields.get("requester_email").to_owned(),
                is_agent: fields.get("is_agent") == "yes",
                written_request_on_file: fields.get("written_request_on_file") == "yes",
                office_address: fields.get("office_address").to_owned(),
            };
            (
                counter.record_request_for_use(&v.caller, &org, &input).await.map(drop),
                "recorded",
                &["kind", "requester_name", "requester_email", "written_request_on_file", "office_address"],
                "requests",
            )
        }
        "decide_request" => {
            let request = fields.get("request");
            if fields.get("confirm") != "yes" {
                return refused(
                    &counter,
                    &v,
                    &org,
                    &Fields::default(),
                    &confirm_error(format!("confirm-request-{request}")),
                )
                .await;
            }
            (
                counter.decide_request_for_use(&v.caller, &org, request, approve).await.map(drop),
                if approve { "approved" } else { "denied" },
                &[],
                "requests",
            )
        }
        "periodic_report" => {
            if fields.get("confirm") != "yes" {
                return refused(
                    &counter,
                    &v,
                    &org,
                    &Fields::default(),
                    &confirm_error("confirm-periodic_report".into()),
                )
                .await;
            }
            (
                counter.decide_periodic_report(&v.caller, &org, approve).await.map(drop),
                if approve { "report_approved" } else { "report_denied" },
                &[],
                "periodic-report",
            )
        }
        _ => {
            let errors =
                vec![("requests".to_owned(), tr_owned(lang, "処理が選ばれていません。", "No step was chosen."))];
            return refused(&counter, &v, &org, &fields, &errors).await;
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/office/organizations/{}?done={done}#{anchor}", encode(&org)))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict)) => {
            refused(&counter, &v, &org, &fields, &refusal(lang, e, known, anchor)).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

async fn refused(counter: &Counter, v: &Visit, org: &str, typed: &Fields, errors: &[(String, String)]) -> PageResult {
    organization_page(counter, v, org, StatusCode::UNPROCESSABLE_ENTITY, &OrgArgs::default(), typed, errors).await
}

// ---------------------------------------------------------------------------------------------------
// The List of Affiliated Foreign Nationals (Q80)

#[derive(Deserialize, Default)]
struct PeopleArgs {
    #[serde(default)]
    done: String,
    #[serde(default)]
    cursor: Option<String>,
    /// The person to correct: a card number sealed for this officer (no personal data in the URL).
    #[serde(default)]
    person: Option<String>,
}

async fn people(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    uri: Uri,
) -> PageResult {
    let lang = v.lang();
    let args: PeopleArgs = query(&uri, lang)?;
    let editing = match &args.person {
        None => None,
        Some(sealed) => {
            let card = s
                .config
                .cursor_key
                .open(Some(sealed), &person_context(v.caller.user_id.as_str()))
                .map_err(|_| refused_by(&v)(ServiceError::NotFound))?
                .ok_or_else(|| refused_by(&v)(ServiceError::NotFound))?;
            Some(counter.organization_person(&v.caller, &org, &card.0).await.map_err(refused_by(&v))?)
        }
    };
    let typed = editing.as_ref().map(ForeignNationalInput::from).unwrap_or_default();
    people_page(&s, &counter, &v, &org, &args, StatusCode::OK, editing.is_some(), &typed, &[], &[]).await
}

#[allow(clippy::too_many_arguments)]
async fn people_page(
    s: &AppState,
    counter: &Counter,
    v: &Visit,
    org: &str,
    args: &PeopleArgs,
    status: StatusCode,
    correcting: bool,
    typed: &ForeignNationalInput,
    errors: &[(String, String)],
    row_errors: &[RowError],
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let path = format!("/office/organizations/{}/foreign-nationals", encode(org));
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), &path);
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let (found, listed) = counter.organization_people(&v.caller, org, after, limit).await.map_err(refused_by(v))?;
    let next = pages.view(Vec::<()>::new(), listed.next).map_err(api(lang))?.next_cursor;
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let user = v.caller.user_id.as_str();
    let body = html! {
        (error_summary(lang, errors))
        @if errors.is_empty() { (done_notice(ctx, &args.done)) }
        p { a href=(format!("/office/organizations/{}", found.id())) { (found.profile().name.as_str()) (ctx.tr("の所属機関情報へ戻る", ": back to the organization")) } }
        @if listed.items.is_empty() {
            p { (ctx.tr("一覧に登録された外国人はいません。", "Nobody is on the list yet.")) }
        } @else {
            (data_table(ctx, ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals"),
                &[("氏名", "Name"), ("在留カード番号", "Residence card number"), ("国籍・地域", "Nationality"), ("在留資格", "Status of residence"),
                  ("在留期間", "Period"), ("在留期間満了日", "Expiry date"), ("訂正", "Correct")],
                html! {
                    @for p in &listed.items {
                        tr {
                            th scope="row" { (p.name.to_string()) }
                            td { (p.card_number.to_string()) }
                            td { (p.nationality.as_str()) }
                            td { (tr(lang, p.status.info().name_ja, p.status.info().name_en)) }
                            td { (p.period_of_stay.to_string()) }
                            td { (p.expiry.to_string()) }
                            td {
                                @if let Some(token) = sealed_person(s, user, &p.card_number.to_string()) {
                                    @let link = format!("{path}?person={}#person", encode(&token));
                                    a href=(link) { (ctx.tr("訂正・削除", "Correct or remove")) span.visually-hidden { "（" (p.name.to_string()) "）" } }
                                }
                            }
                        }
                    }
                }))
        }
        (pager(ctx, &path, next.as_deref(), args.cursor.is_none()))
        (person_form(ctx, csrf, &path, correcting, typed, errors))
        @if !correcting { (list_file_form(ctx, csrf, &path, errors, row_errors)) }
        @if correcting {
            form.panel.step method="post" action=(path) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="step" value="remove";
                input type="hidden" name="residence_card_number" value=(typed.residence_card_number);
                h2 { (ctx.tr("一覧から削除する", "Remove from the list")) }
                p { (ctx.tr("所属しなくなった方を一覧から削除します。この方の申請はできなくなります。", "For someone no longer affiliated: no application can be filed for them any more.")) }
                div.choice {
                    input type="checkbox" id="confirm-remove" name="confirm" value="yes";
                    label for="confirm-remove" { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
                }
                div.actions { button.secondary type="submit" { (ctx.tr("一覧から削除する", "Remove from the list")) } }
            }
        }
    };
    let title = ctx.tr("所属機関等に所属する外国人一覧", "List of Affiliated Foreign Nationals");
    Ok(Page(status, layout(ctx, title, body)).into_response())
}

/// The form that adds a person to the list, or corrects one (its card number then fixed: another card is
/// another entry).
fn person_form(
    ctx: &PageCtx,
    csrf: &str,
    path: &str,
    correcting: bool,
    typed: &ForeignNationalInput,
    errors: &[(String, String)],
) -> Markup {
    let f = Form { ctx, errors };
    let sex = match Sex::parse(&typed.sex) {
        Ok(Sex::Male) => "male",
        Ok(Sex::Female) => "female",
        Err(_) => "",
    };
    let status = StatusOfResidence::parse(&typed.status_of_residence).ok();
    html! {
        form.panel #person method="post" action=(path) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="step" value="put";
            h2 {
                @if correcting { (ctx.tr("一覧の記載を訂正する", "Correct the entry")) } @else { (ctx.tr("一覧に追加する", "Add a person to the list")) }
            }
            p { (ctx.tr("在留カードの記載のとおりに入力してください。", "Enter everything as the residence card shows it.")) }
            @if correcting {
                input type="hidden" name="residence_card_number" value=(typed.residence_card_number);
                p { (ctx.tr("在留カード番号：", "Residence card number: ")) strong { (typed.residence_card_number) } }
            } @else {
                (f.text("residence_card_number", "在留カード番号", "Residence card number", &typed.residence_card_number, true, Some(("例：AB12345678CD", "e.g. AB12345678CD"))))
            }
            (f.text("name", "氏名（ローマ字）", "Name (in Roman letters)", &typed.name, true, Some(("例：NGUYEN,VAN,AN", "e.g. NGUYEN,VAN,AN"))))
            (f.text("nationality", "国籍・地域", "Nationality", &typed.nationality, true, None))
            (f.text("birth_date", "生年月日", "Date of birth", &typed.birth_date, true, Some(("例：1995-04-12", "e.g. 1995-04-12"))))
            (f.choice("sex", ("性別", "Sex"), sex, &[("male", "男", "Male"), ("female", "女", "Female")], None))
            div.field.invalid[f.error("status_of_residence").is_some()] {
                label for="status_of_residence" { (ctx.tr("在留資格", "Status of residence")) span.req { (ctx.tr("必須", "Required")) } }
                @if let Some(e) = f.error("status_of_residence") { span.field-error { (e) } }
                select id="status_of_residence" name="status_of_residence" {
                    option value="" { (ctx.tr("選んでください", "Choose")) }
                    @for st in StatusOfResidence::ALL {
                        option value=(st.code()) selected[status == Some(st)] { (tr(ctx.lang, st.info().name_ja, st.info().name_en)) }
                    }
                }
            }
            (f.text("period_of_stay", "在留期間", "Period of stay", &typed.period_of_stay, true, Some(("例：3Y（3年）、6M（6か月）", "e.g. 3Y (three years), 6M (six months)"))))
            (f.text("expiry_date", "在留期間の満了日", "Expiry date", &typed.expiry_date, true, Some(("例：2027-03-31", "e.g. 2027-03-31"))))
            (f.text("passport_number", "旅券番号", "Passport number", &typed.passport_number, false, None))
            (f.text("passport_expiry", "旅券の有効期限", "Passport expiry date", &typed.passport_expiry, false, None))
            (f.text("email", "メールアドレス", "E-mail address", &typed.email, false, None))
            div.choice {
                input type="checkbox" id="kanji_name_on_card" name="kanji_name_on_card" value="yes" checked[typed.kanji_name_on_card];
                label for="kanji_name_on_card" { (ctx.tr("在留カードに漢字氏名が併記されている", "The card shows the name in kanji too")) }
            }
            div.actions {
                button type="submit" { @if correcting { (ctx.tr("訂正を保存する", "Save the correction")) } @else { (ctx.tr("一覧に追加する", "Add to the list")) } }
            }
        }
    }
}

async fn people_act(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let path = format!("/office/organizations/{}/foreign-nationals", encode(&org));
    let args = PeopleArgs::default();
    let card = fields.get("residence_card_number");
    if fields.get("step") == "remove" {
        let refuse = async |errors: Vec<(String, String)>| -> PageResult {
            let person = counter.organization_person(&v.caller, &org, card).await.map_err(refused_by(&v))?;
            let typed = ForeignNationalInput::from(&person);
            people_page(&s, &counter, &v, &org, &args, StatusCode::UNPROCESSABLE_ENTITY, true, &typed, &errors, &[])
                .await
        };
        if fields.get("confirm") != "yes" {
            return refuse(vec![(
                "confirm-remove".into(),
                tr_owned(
                    lang,
                    "取り消せない処理です。確認の欄にチェックを入れてください。",
                    "This cannot be undone: tick the box to confirm it.",
                ),
            )])
            .await;
        }
        return match counter.remove_foreign_national(&v.caller, &org, card).await {
            // Removed now, or already (another tab): the list as it stands.
            Ok(()) | Err(ServiceError::NotFound) => Ok(see_other(&format!("{path}?done=removed"))),
            Err(e) => Err(refused_by(&v)(e)),
        };
    }
    let typed = ForeignNationalInput {
        residence_card_number: card.to_owned(),
        name: fields.get("name").to_owned(),
        nationality: fields.get("nationality").to_owned(),
        birth_date: fields.get("birth_date").to_owned(),
        sex: fields.get("sex").to_owned(),
        status_of_residence: fields.get("status_of_residence").to_owned(),
        period_of_stay: fields.get("period_of_stay").to_owned(),
        expiry_date: fields.get("expiry_date").to_owned(),
        passport_number: fields.get("passport_number").to_owned(),
        passport_expiry: fields.get("passport_expiry").to_owned(),
        email: fields.get("email").to_owned(),
        kanji_name_on_card: fields.get("kanji_name_on_card") == "yes",
    };
    match counter.put_foreign_national(&v.caller, &org, &typed).await {
        Ok(_) => Ok(see_other(&format!("{path}?done=saved"))),
        Err(e @ ServiceError::Invalid(_)) => {
            let fields: Vec<&str> = COLUMNS.iter().map(|(field, ..)| *field).collect();
            let errors = refusal(lang, e, &fields, "person");
            // A correction keeps its card number: a person already listed is corrected, not added.
            let correcting = counter.organization_person(&v.caller, &org, card).await.is_ok();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            people_page(&s, &counter, &v, &org, &args, status, correcting, &typed, &errors, &[]).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------
// The list as a file (Q80): the office's spreadsheet, saved as CSV UTF-8

/// One error of a row of a list file: the row, the column's header, what is wrong.
struct RowError {
    row: String,
    column: &'static str,
    message: String,
}

fn list_file_form(
    ctx: &PageCtx,
    csrf: &str,
    path: &str,
    errors: &[(String, String)],
    row_errors: &[RowError],
) -> Markup {
    let error = errors.iter().find(|(f, _)| f == "list-file").map(|(_, m)| m.as_str());
    let header = match ctx.lang {
        Lang::Ja => COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>().join("、"),
        Lang::En => COLUMNS.iter().map(|c| c.2).collect::<Vec<_>>().join(", "),
    };
    html! {
        form.panel #list-form method="post" action=(format!("{path}/file")) enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf);
            h2 { (ctx.tr("ファイルでまとめて登録する", "Add or correct many from a file")) }
            p {
                (ctx.tr("官署で表計算ソフトの一覧を管理している場合は、「CSV UTF-8（コンマ区切り）」で保存して登録できます。1行目は列名（",
                        "Where the office keeps the list in a spreadsheet, save it as \"CSV UTF-8\" and send it here. The first row names the columns ("))
                (header)
                (ctx.tr("）、2行目から1行に1人です。在留カード番号が一覧にある人は訂正され、ない人は追加されます。1つでも誤りがあれば何も登録されません。",
                        "); each row after it is one person. A person whose card number is listed is corrected, anyone else added. Nothing is stored while any row has an error."))
                " "
                a href="/office/foreign-nationals-template.csv" download { (ctx.tr("列名だけのファイル（CSV）", "The file with the column names only (CSV)")) }
            }
            div.field.invalid[error.is_some()] {
                label for="list-file" { (ctx.tr("一覧のファイル（CSV UTF-8、1MB・1,000人まで）", "The list file (CSV UTF-8, at most 1 MB and 1,000 people)")) }
                @if let Some(e) = error { span.field-error id="list-file-error" { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) } }
                input type="file" id="list-file" name="file" accept=".csv,text/csv" aria-describedby=[error.map(|_| "list-file-error")];
            }
            @if !row_errors.is_empty() {
                (data_table(ctx, ctx.tr("ファイルの誤り", "Errors in the file"), &[("行", "Row"), ("列", "Column"), ("内容", "What is wrong")], html! {
                    @for e in row_errors {
                        tr { th scope="row" { (e.row) } td { (e.column) } td { (e.message) } }
                    }
                }))
            }
            div.actions { button.secondary type="submit" { (ctx.tr("ファイルを登録する", "Send the file")) } }
        }
    }
}

/// The header row of the list file, to fill in.
async fn list_template(OfficerVisit(_): OfficerVisit) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"foreign-nationals.csv\""),
        ],
        list_file::template(),
    )
        .into_response()
}

async fn list_file(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let lang = v.lang();
    let upload = file_upload(&v, multipart, "file").await?;
    let refuse = async |errors: Vec<(String, String)>, rows: Vec<RowError>| -> PageResult {
        let (args, typed) = (PeopleArgs::default(), ForeignNationalInput::default());
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        people_page(&s, &counter, &v, &org, &args, status, false, &typed, &errors, &rows).await
    };
    let Some(bytes) = upload.file else {
        let message = tr_owned(lang, "ファイルを選んでください。", "Choose a file.");
        return refuse(vec![("list-file".into(), message)], Vec::new()).await;
    };
    match counter.import_list_file(&v.caller, &org, &bytes).await {
        Ok(_) => Ok(see_other(&format!("/office/organizations/{}/foreign-nationals?done=file", encode(&org)))),
        Err(e @ ServiceError::Invalid(_)) => {
            let mut rows = Vec::new();
            let mut file = Vec::new();
            for (field, message) in messages(lang, &Problem::from(e)) {
                match field.strip_prefix("row ").and_then(|r| r.split_once(": ")) {
                    Some((row, name)) => {
                        let column = COLUMNS.iter().find(|c| c.0 == name).map_or("", |c| tr(lang, c.1, c.2));
                        rows.push(RowError { row: row.to_owned(), column, message });
                    }
                    None => file.push(message),
                }
            }
            let summary = match (file.is_empty(), rows.len()) {
                (false, _) => file.join(" "),
                (true, n) => match lang {
                    Lang::Ja => format!("ファイルに{n}件の誤りがあります。何も登録していません。"),
                    Lang::En => format!("The file has {n} errors; nothing is stored."),
                },
            };
            refuse(vec![("list-file".into(), summary)], rows).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}
