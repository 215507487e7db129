use super::OfficerVisit;
use super::refused_by;
use crate::Problem;
use crate::Wired;
use crate::web::Field;
use crate::web::Fields;
use crate::web::FormResult;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::layout;
use crate::web::messages;
use crate::web::office::application::office_name;
use crate::web::query;
use crate::web::see_other;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_domain::status::OfficerRole;

pub(super) fn role_label(ctx: &PageCtx, r: OfficerRole) -> &'static str {
    match r {
        OfficerRole::Counter => ctx.tr(
            "窓口（利用申出、定期報告、利用者、窓口での取下げ）",
            "Counter (requests for use, periodic reports, users, withdrawals)",
        ),
        OfficerRole::Examiner => ctx.tr("審査", "Examination"),
        OfficerRole::Issuance => ctx.tr("在留カード・証明書の交付", "Issuing cards and certificates"),
        OfficerRole::Admin => {
            ctx.tr("管理者（すべての処理、職員の作成、お知らせ）", "Admin (every action, officers, notices)")
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct OfficerArgs {
    #[serde(default)]
    created: String,
}

/// An admin creates the other officers of its office, each with roles; the new officer is e-mailed the
/// link that sets a password.
pub(super) async fn officers(OfficerVisit(v): OfficerVisit, uri: Uri) -> PageResult {
    let args: OfficerArgs = query(&uri, v.lang())?;
    Ok(officers_page(&v, StatusCode::OK, &args.created, &Fields::default(), &[]))
}

pub(super) fn officers_page(
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

pub(super) async fn create_officer(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    form: FormResult,
) -> PageResult {
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
