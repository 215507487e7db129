use super::OrgArgs;
use super::done_notice;
use super::kind_label;
use super::refusal;
use super::request_kind_label;
use super::request_state_label;
use super::use_state_label;
use crate::Wired;
use crate::web::Field;
use crate::web::Fields;
use crate::web::Form;
use crate::web::FormResult;
use crate::web::Page;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::data_table;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::form::confirm_missing;
use crate::web::jst;
use crate::web::layout;
use crate::web::office::{OfficerVisit, office_name, refused_by, users_table};
use crate::web::query;
use crate::web::see_other;
use crate::web::tr_owned;
use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::{Markup, html};
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::RequestForUseInput;
use zairyu_domain::error::Language as Lang;
use zairyu_domain::request_for_use::{RequestForUse, RequestKind, RequestState};

pub(super) async fn organization(
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
pub(super) async fn organization_page(
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
    // Its users are its own: named by its name.
    let names = std::collections::HashMap::from([(found.id().clone(), p.name.to_string())]);
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let action = format!("/office/organizations/{}", found.id());
    let f = Form { ctx, errors };
    let typed_or = |id: &str, stored: &str| -> String {
        match (typed.get("step"), typed.get(id)) {
            ("change", t) => t.to_owned(),
            _ => stored.to_owned(),
        }
    };
    let state = use_state_label(ctx, found.use_state());
    let record_kind = match typed.get("kind") {
        "" if found.approval().is_some() => "additional",
        "" => "new",
        k => k,
    };
    let body = html! {
        (error_summary(lang, errors))
        @if errors.is_empty() { (done_notice(ctx, &args.done)) }
        dl.facts {
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
            (decide_request_form(&f, csrf, &action, r))
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
            // The requester's language: as the request was written (this page's, unless chosen otherwise).
            (f.choice("language", ("申出者が読む言語", "The language the requester reads"),
                match typed.get("language") { "en" => "en", "ja" => "ja", _ => if ctx.lang == Lang::En { "en" } else { "ja" } },
                &[("ja", "日本語", "Japanese"), ("en", "英語", "English")],
                Some(("承認・不承認のメールと、利用者の画面はこの言語になります。", "The e-mail about the decision and the user's pages are in this language."))))
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
                    (Form { ctx, errors }.confirm("confirm-periodic_report", false))
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
        } @else { (users_table(ctx, users, &names)) }
    };
    Ok(Page(status, layout(ctx, p.name.as_str(), body)).into_response())
}

/// A pending request's decision: approve (the user ID and the link e-mailed) or deny, confirmed.
pub(super) fn decide_request_form(f: &Form, csrf: &str, action: &str, r: &RequestForUse) -> Markup {
    let ctx = f.ctx;
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
            (f.confirm(&confirm, false))
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
pub(super) async fn organization_act(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let confirm_error = |field: String| vec![confirm_missing(lang, field)];
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
                language: if fields.get("language") == "en" { Lang::En } else { Lang::Ja },
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

pub(super) async fn refused(
    counter: &Counter,
    v: &Visit,
    org: &str,
    typed: &Fields,
    errors: &[(String, String)],
) -> PageResult {
    organization_page(counter, v, org, StatusCode::UNPROCESSABLE_ENTITY, &OrgArgs::default(), typed, errors).await
}

// ---------------------------------------------------------------------------------------------------
// The List of Affiliated Foreign Nationals (Q80)
