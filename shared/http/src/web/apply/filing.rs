use crate::Problem;
use crate::Wired;
use crate::web::FormResult;
use crate::web::OrgVisit;
use crate::web::Page;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::apply::own;
use crate::web::data_table;
use crate::web::encode;
use crate::web::layout;
use crate::web::problem;
use crate::web::see_other;
use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::html;
use zairyu_app::Applications;
use zairyu_app::ServiceError;

pub(super) async fn filed(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    let app = own(&applications, &v, &id).await?;
    let ctx = &v.page;
    let Some(number) = app.temporary_receipt_number() else {
        return Ok(see_other(&format!("/applications/{id}/check")));
    };
    let body = html! {
        div.panel role="status" {
            p.lead { (ctx.tr("申請を受け付けました。仮受付番号：", "Your application has been received. Temporary receipt number: ")) }
            p { strong.receipt-number { (number.to_string()) } }
        }
        p { (ctx.tr("仮受付番号は、通知先のメールアドレスにも送りました。審査の状況は申請情報一覧で確かめられます。",
                    "The temporary receipt number has also been sent to the e-mail address given for notices. Follow the examination in the application list.")) }
        ul {
            li { a href=(format!("/applications/{id}/documents")) { (ctx.tr("立証資料を提出する", "Submit documents of proof")) } }
            li { a href="/applications" { (ctx.tr("申請情報一覧へ", "Go to the applications")) } }
        }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請が完了しました", "Application filed"), body)).into_response())
}

/// Many applications filed at once (those the application list shows as entered and not yet filed, e.g.
/// the rows of a blanket file once each has its photo): each is filed as if alone, and the browser is sent
/// on to the page that tells, for each, where it stands now.
pub(super) async fn file_many(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let mut ids: Vec<String> = Vec::new();
    for id in fields.all("id").filter(|id| !id.is_empty()) {
        if !ids.iter().any(|seen| seen == id) {
            ids.push(id.to_owned());
        }
    }
    if ids.is_empty() {
        return Ok(see_other("/applications?status=input_completed&error=none"));
    }
    if ids.len() > zairyu_domain::blanket::MAX_ROWS {
        return Err(PageError::Problem(
            lang,
            Box::new(Problem::too_large(zairyu_domain::blanket::MAX_ROWS, "submit_bulk.too_many")),
        ));
    }
    // Filing cannot be undone: first the page that lists who will be filed, and files them once confirmed.
    if fields.get("confirm") != "yes" {
        return confirm_filing(&applications, &v, &ids, fields.get("step") == "file").await;
    }
    // Each result is read again on the next page, from the applications as they now stand.
    applications.submit_many(&v.caller, &ids).await;
    Ok(see_other(&format!("/applications/filed?ids={}", encode(&ids.join(",")))))
}

/// The check before filing together: each selected application with its name and whether its photo is
/// attached, what filing means (no change afterwards), a box to tick, and the button that files them.
/// `unticked`: the box was not ticked when the button was pressed.
async fn confirm_filing(
    applications: &Applications,
    v: &crate::web::Visit,
    ids: &[String],
    unticked: bool,
) -> PageResult {
    use zairyu_app::store::Listed;
    let ctx = &v.page;
    let mut chosen = Vec::new();
    for id in ids {
        // An ID that is not the organization's own (or no longer an application) is not shown.
        if let Ok(Listed::Application(app)) = applications.list_item(&v.caller, id).await {
            chosen.push((app.id().to_string(), app.form().name.to_string(), app.photo_in_order()));
        }
    }
    let errors = if unticked {
        vec![(
            "confirm-filing".to_owned(),
            ctx.tr("申請する場合は、確認の欄にチェックを入れてください。", "Tick the box to confirm the filing.")
                .to_owned(),
        )]
    } else {
        Vec::new()
    };
    let body = html! {
        (crate::web::error_summary(ctx.lang, &errors))
        p { (chosen.len()) (ctx.tr(" 件の申請情報を申請します。申請した後は、内容を変更できません。", if chosen.len() == 1 { " application will be filed. Once filed, it cannot be changed." } else { " applications will be filed. Once filed, they cannot be changed." })) }
        (data_table(ctx, ctx.tr("申請する申請情報", "Applications to be filed"), &[("氏名", "Name"), ("顔写真", "Photo")], html! {
            @for (id, name, photo) in &chosen {
                tr {
                    th scope="row" { a href=(format!("/applications/{id}/check")) { (name) } }
                    td { @if *photo { (ctx.tr("添付済み", "Attached")) } @else { strong { (ctx.tr("未添付（申請されません）", "Not attached (it will not be filed)")) } } }
                }
            }
        }))
        @if chosen.iter().any(|(_, _, photo)| !photo) {
            p { a href="/applications/photos" { (ctx.tr("顔写真をまとめて添付する（一つのページで複数の人に）", "Attach photos for several people on one page")) } }
        }
        form method="post" action="/applications/file" {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            input type="hidden" name="step" value="file";
            @for (id, ..) in &chosen { input type="hidden" name="id" value=(id); }
            div.field.invalid[unticked] {
                @if unticked { span.field-error id="confirm-filing-error" { (errors[0].1) } }
                div.choice {
                    input type="checkbox" id="confirm-filing" name="confirm" value="yes";
                    label for="confirm-filing" { (ctx.tr("申請した後は変更できないことを確認しました", "I understand that filed applications cannot be changed")) }
                }
            }
            div.actions {
                button type="submit" { (ctx.tr("申請する", "File them")) }
            }
        }
        p { a href="/applications?status=input_completed" { (ctx.tr("選び直す", "Choose again")) } }
    };
    let status = if unticked { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(Page(status, layout(ctx, ctx.tr("まとめて申請する内容の確認", "Check before filing together"), body))
        .into_response())
}

#[derive(serde::Deserialize)]
pub(super) struct FiledArgs {
    pub(super) ids: String,
}

/// Where each of the applications just filed together stands: filed, with its temporary receipt number
/// (Q33), or not, with what to do about it.
pub(super) async fn filed_many(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    use zairyu_app::store::Listed;
    let (ctx, lang) = (&v.page, v.lang());
    let args = axum::extract::Query::<FiledArgs>::try_from_uri(&uri)
        .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text()))))?;
    let mut filed = Vec::new();
    let mut not_filed = Vec::new();
    for id in args.0.ids.split(',').filter(|id| !id.is_empty()).take(zairyu_domain::blanket::MAX_ROWS) {
        // An ID that is not the organization's own (or no longer an application) is not shown.
        let Ok(Listed::Application(app)) = applications.list_item(&v.caller, id).await else { continue };
        match app.temporary_receipt_number() {
            Some(number) => filed.push((app.id().to_string(), app.form().name.to_string(), number.to_string())),
            None => not_filed.push((app.id().to_string(), app.form().name.to_string(), app.photo_in_order())),
        }
    }
    let body = html! {
        @if !filed.is_empty() {
            div.panel role="status" {
                p.lead { (filed.len()) (ctx.tr(" 件の申請を受け付けました。", if filed.len() == 1 { " application has been received." } else { " applications have been received." })) }
            }
            (data_table(ctx, ctx.tr("受け付けた申請", "Received"), &[("氏名", "Name"), ("仮受付番号", "Temporary receipt number")], html! {
                @for (id, name, number) in &filed {
                    tr { th scope="row" { a href=(format!("/applications/{id}")) { (name) } } td { strong.receipt-number { (number) } } }
                }
            }))
            p { (ctx.tr("仮受付番号は、通知先のメールアドレスにも送りました。", "Each temporary receipt number has also been sent to the e-mail address given for notices.")) }
        }
        @if !not_filed.is_empty() {
            h2 { (ctx.tr("申請できなかったもの", "Not filed")) }
            (data_table(ctx, ctx.tr("申請できなかった申請情報", "Applications not filed"), &[("氏名", "Name"), ("すること", "What to do")], html! {
                @for (id, name, photo) in &not_filed {
                    tr {
                        th scope="row" { (name) }
                        td {
                            @if *photo {
                                a href=(format!("/applications/{id}/check")) { (ctx.tr("内容を確かめて、理由を見る", "Check it and see why")) }
                            } @else {
                                (ctx.tr("顔写真が添付されていません。", "No photo is attached. ")) " "
                                a href=(format!("/applications/{id}/check")) { (ctx.tr("顔写真を添付する", "Attach the photo")) }
                            }
                        }
                    }
                }
            }))
        }
        @if filed.is_empty() && not_filed.is_empty() {
            p.panel { (ctx.tr("表示できる申請情報はありません。", "There is no application to show.")) }
        }
        p { a href="/applications" { (ctx.tr("申請情報一覧へ", "Go to the applications")) } }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("まとめて申請した結果", "Filed together"), body)).into_response())
}

/// Q53: the way the card is received, changed while the application's status allows it.
pub(super) async fn receipt_method(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let method = zairyu_domain::status::ReceiptMethod::parse(fields.get("receipt_method")).ok_or_else(|| {
        PageError::Problem(
            lang,
            Box::new(Problem::from(ServiceError::Invalid(zairyu_domain::error::Violations(vec![
                zairyu_domain::error::Violation::new(
                    "receipt_method",
                    &zairyu_domain::form::ChoiceError::ReceiptMethod,
                ),
            ])))),
        )
    })?;
    applications.change_receipt_method(&v.caller, &id, method).await.map_err(problem(lang))?;
    Ok(see_other(&format!("/applications/{id}?done=receipt_method")))
}
