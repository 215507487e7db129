use super::OfficerVisit;
use super::refused_by;
use crate::Problem;
use crate::Wired;
use crate::web::Field;
use crate::web::FormResult;
use crate::web::Page;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::error_summary;
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
use maud::html;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_domain::error::Language as Lang;
use zairyu_domain::notice::{Notice, NoticeInput};

/// Q25: the "Information for notification" the top page shows now; an admin publishes and withdraws them.
pub(super) async fn notices(Wired(counter): Wired<Counter>, OfficerVisit(v): OfficerVisit, uri: Uri) -> PageResult {
    let args: ShownArgs = query(&uri, v.lang())?;
    let shown = counter.office_notices(&v.caller).await.map_err(refused_by(&v))?;
    Ok(notices_page(&v, StatusCode::OK, &shown, &NoticeInput::default(), &args.done, &[]))
}

pub(super) fn notices_page(
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

pub(super) async fn publish(
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    form: FormResult,
) -> PageResult {
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

pub(super) async fn withdraw_notice(
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
