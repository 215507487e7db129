use super::OfficerVisit;
use super::refused_by;
use crate::Problem;
use crate::Wired;
use crate::web::Field;
use crate::web::FormResult;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::data_table;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::form::{Form, confirm_missing};
use crate::web::jst;
use crate::web::layout;
use crate::web::messages;
use crate::web::office::application::ShownArgs;
use crate::web::query;
use crate::web::see_other;
use crate::web::tr_owned;
use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::{CounterUser, UserAction};
use zairyu_domain::account::{User, UserKind, UserState};
use zairyu_domain::application::OrganizationId;

#[derive(Deserialize, Default)]
pub(super) struct UsersArgs {
    #[serde(default)]
    email: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    name: String,
}

/// The users page with its two search forms.
pub(super) async fn users_page(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit) -> PageResult {
    find_users(&counter, &v, UsersArgs::default()).await
}

/// A search posted from one of the forms (its token checked): the e-mail address is in no URL.
pub(super) async fn users(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    form: FormResult,
) -> PageResult {
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
pub(super) async fn find_users(counter: &Counter, v: &Visit, args: UsersArgs) -> PageResult {
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
    let names = match &found {
        Some(users) => organization_names(counter, v, users).await?,
        None => HashMap::new(),
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
                (users_table(ctx, found, &names))
            }
        }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("利用者", "Users"), body)).into_response())
}

pub(super) fn kind_label(ctx: &PageCtx, k: &UserKind) -> &'static str {
    match k {
        UserKind::OrganizationStaff => ctx.tr("所属機関の職員", "Organization staff"),
        UserKind::Agent => ctx.tr("取次者", "Agent"),
        UserKind::Officer { .. } => ctx.tr("職員（官署）", "Officer"),
    }
}

pub(super) fn state_label(ctx: &PageCtx, s: UserState) -> &'static str {
    match s {
        UserState::Active => ctx.tr("利用中", "Active"),
        UserState::Suspended => ctx.tr("利用停止中", "Suspended"),
        UserState::Cancelled => ctx.tr("利用取消し", "Cancelled"),
    }
}

/// The names of the users' organizations (names, not IDs, before users).
pub(in crate::web) async fn organization_names(
    counter: &Counter,
    v: &Visit,
    users: &[User],
) -> Result<HashMap<OrganizationId, String>, PageError> {
    let ids: Vec<OrganizationId> = users.iter().filter_map(|u| u.organization_id().cloned()).collect();
    counter.organization_names(&v.caller, &ids).await.map_err(refused_by(v))
}

pub(in crate::web) fn users_table(ctx: &PageCtx, users: &[User], names: &HashMap<OrganizationId, String>) -> Markup {
    data_table(
        ctx,
        ctx.tr("該当する利用者", "Users found"),
        &[("利用者ID", "User ID"), ("氏名", "Name"), ("所属機関", "Organization"), ("種別", "Kind"), ("状態", "State")],
        html! {
            @for u in users {
                tr {
                    th scope="row" { a href=(format!("/office/users/{}", u.id().as_str())) { (u.id().as_str()) } }
                    td { (u.name().as_str()) }
                    td { (u.organization_id().and_then(|o| names.get(o)).map_or("—", String::as_str)) }
                    td { (kind_label(ctx, u.kind())) }
                    td { (state_label(ctx, u.state())) }
                }
            }
        },
    )
}

/// An action's name, what it does, and whether it cannot be undone.
pub(super) fn user_action_text(ctx: &PageCtx, a: UserAction) -> (&'static str, &'static str, bool) {
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

pub(super) async fn user_page(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(user): Path<String>,
    uri: Uri,
) -> PageResult {
    let args: ShownArgs = query(&uri, v.lang())?;
    let found = counter.office_user(&v.caller, &user).await.map_err(refused_by(&v))?;
    let names = organization_names(&counter, &v, std::slice::from_ref(&found.user)).await?;
    Ok(user_view(&v, StatusCode::OK, &found, &names, counter.now(), &args.done, &[]))
}

pub(super) fn user_view(
    v: &Visit,
    status: StatusCode,
    found: &CounterUser,
    names: &HashMap<OrganizationId, String>,
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
            dt { (ctx.tr("所属機関", "Organization")) } dd { (user.organization_id().and_then(|o| names.get(o)).map_or("—", String::as_str)) }
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
                    (Form { ctx, errors }.confirm(&format!("confirm-{}", a.code()), false))
                }
                div.actions { button type="submit" { (title) } }
            }
        }
        p { a href="/office/users" { (ctx.tr("利用者の検索へ戻る", "Back to finding users")) } }
    };
    Page(status, layout(ctx, ctx.tr("利用者", "User"), body)).into_response()
}

pub(super) async fn user_act(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(user): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let refuse = async |errors: Vec<(String, String)>| -> PageResult {
        let found = counter.office_user(&v.caller, &user).await.map_err(refused_by(&v))?;
        let names = organization_names(&counter, &v, std::slice::from_ref(&found.user)).await?;
        Ok(user_view(&v, StatusCode::UNPROCESSABLE_ENTITY, &found, &names, counter.now(), "", &errors))
    };
    let Some(action) = UserAction::parse(fields.get("action")) else {
        return refuse(vec![("actions".into(), tr_owned(lang, "処理が選ばれていません。", "No step was chosen."))])
            .await;
    };
    if user_action_text(&v.page, action).2 && fields.get("confirm") != "yes" {
        return refuse(vec![confirm_missing(lang, format!("confirm-{}", action.code()))]).await;
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
