use super::organizations_table;
use super::refusal;
use super::request_kind_label;
use crate::AppState;
use crate::Wired;
use crate::cursor::Pages;
use crate::web::Field;
use crate::web::Fields;
use crate::web::Form;
use crate::web::FormResult;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::error_summary;
use crate::web::jst;
use crate::web::layout;
use crate::web::office::{OfficerVisit, office_name, refused_by};
use crate::web::page::pager_of;
use crate::web::pager;
use crate::web::query;
use crate::web::see_other;
use crate::web::tr;
use crate::web::tr_owned;
use crate::web::visit::encode;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::OrganizationInput;
use zairyu_domain::office::OFFICE_TABLE;
use zairyu_domain::organization::OrganizationKind;

/// The office's organizations: its requests for use waiting for a decision, its organizations by name (found
/// by the beginning of one), and the form that registers a new one.
pub(super) async fn organizations(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    uri: Uri,
) -> PageResult {
    organizations_page(&s, &counter, &v, &uri, StatusCode::OK, &Fields::default(), &[]).await
}

pub(super) async fn organizations_page(
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
        /// The list of the office's organizations: the beginning of a name (`find`: the registration form
        /// below has its own `name`), and its own page cursor.
        #[serde(default)]
        find: String,
        #[serde(default)]
        from: Option<String>,
    }
    let (ctx, lang) = (&v.page, v.lang());
    let args: Args = query(uri, lang)?;
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), "/office/organizations");
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let pending = counter.pending_requests(&v.caller, after, limit).await.map_err(refused_by(v))?;
    let next = pages.view(Vec::<()>::new(), pending.next).map_err(api(lang))?.next_cursor;
    let ids: Vec<_> = pending.items.iter().map(|r| r.organization_id().clone()).collect();
    let names = counter.organization_names(&v.caller, &ids).await.map_err(refused_by(v))?;
    // The list's cursor is bound to the name it lists by.
    let list_scope = format!("/office/organizations?find={}", args.find.trim());
    let list_pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), &list_scope);
    let (list_after, list_limit) = list_pages.args(args.from.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let listed =
        counter.office_organizations(&v.caller, &args.find, list_after, list_limit).await.map_err(refused_by(v))?;
    let list_next = list_pages.view(Vec::<()>::new(), listed.next).map_err(api(lang))?.next_cursor;
    let list_path = match args.find.trim() {
        "" => "/office/organizations#list".to_owned(),
        name => format!("/office/organizations?find={}#list", encode(name)),
    };
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
        (crate::web::office::search_form(ctx, ""))
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
                            th scope="row" { a href=(format!("/office/organizations/{}#requests", r.organization_id())) { (names.get(r.organization_id()).map_or("—", String::as_str)) } }
                            td { (r.requester_name().as_str()) }
                            td { (request_kind_label(ctx, r.kind())) }
                            td { (if r.is_agent() { ctx.tr("はい", "Yes") } else { ctx.tr("いいえ", "No") }) }
                        }
                    }
                }))
            (pager(ctx, "/office/organizations", next.as_deref(), args.cursor.is_none()))
        }
        h2 #list { (ctx.tr("この官署の所属機関", "This office's organizations")) }
        form.filter role="search" method="get" action="/office/organizations#list" {
            (Field { id: "find", label: ctx.tr("名称で探す（先頭の文字から。株式会社などは除いて）", "Find by name (its beginning; without K.K., Inc. and the like)"), kind: "search",
                     value: &args.find, required: false, hint: None, error: None, autocomplete: "off" }.render(lang))
            button.secondary type="submit" { (ctx.tr("探す", "Find")) }
        }
        @if listed.items.is_empty() {
            @if args.find.trim().is_empty() { p { (ctx.tr("この官署の所属機関はまだありません。", "This office has no organization yet.")) } }
            @else { p { (ctx.tr("この名称で始まる所属機関はありません。", "No organization's name begins so.")) } }
        } @else {
            (organizations_table(ctx, ctx.tr("この官署の所属機関（名称順）", "This office's organizations, by name"), &listed.items))
            (pager_of(ctx, &list_path, "from", list_next.as_deref(), args.from.is_none()))
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

pub(super) async fn register(
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
