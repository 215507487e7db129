use super::own;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::web::FormResult;
use crate::web::MultipartResult;
use crate::web::OrgVisit;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::error_summary;
use crate::web::layout;
use crate::web::messages;
use crate::web::photo_response;
use crate::web::photo_upload;
use crate::web::problem;
use crate::web::see_other;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::response::Response;
use maud::html;
use zairyu_app::Applications;
use zairyu_app::ServiceError;
use zairyu_domain::application::{Application, UserStep};
use zairyu_domain::error::Language as Lang;
use zairyu_domain::form::RelativeField;
use zairyu_domain::form::field::{Kind, Section};
use zairyu_domain::status::ReceiptMethod;

/// An answer as the check page shows it: in words, or "not entered".
fn answer(lang: Lang, kind: Kind, typed: &str) -> String {
    if typed.trim().is_empty() {
        return crate::web::tr_owned(lang, "（入力なし）", "Not entered");
    }
    kind.answer(typed, lang)
}

/// A refusal of the photo or of the filing: the check page again with what was wrong (a refusal of the input
/// or of the application's rules), or the error page (anything else).
pub(super) async fn refused(applications: &Applications, v: &Visit, id: &str, e: ServiceError) -> PageResult {
    match e {
        e @ (ServiceError::Invalid(_) | ServiceError::Application(_)) => {
            let app = own(applications, v, id).await?;
            let p = Problem::from(e);
            Ok(check_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, &app, &messages(v.lang(), &p)))
        }
        e => Err(problem(v.lang())(e)),
    }
}

pub(super) async fn check(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    let app = own(&applications, &v, &id).await?;
    Ok(check_page(&v.page, StatusCode::OK, &app, &[]))
}

pub(super) fn check_page(
    ctx: &PageCtx,
    status: StatusCode,
    app: &Application,
    errors: &[(String, String)],
) -> Response {
    let lang = ctx.lang;
    let form = app.form();
    let input = form.input();
    let id = app.id().to_string();
    let filed = app.temporary_receipt_number().is_some();
    // What the user may do now: the one decision of the application's state machine.
    let steps = app.user_steps();
    let can = |s: UserStep| steps.contains(&s);
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let photo_error = errors.iter().find(|(f, _)| f == "photo" || f.is_empty()).map(|(_, m)| m.as_str());
    let body = html! {
        (error_summary(lang, &errors.iter().map(|(f, m)| (if f.is_empty() { "photo".to_owned() } else { f.clone() }, m.clone())).collect::<Vec<_>>()))
        @if filed {
            p.notice { (ctx.tr("この申請は申請済みです。", "This application has been filed.")) }
        }
        p.print-hint { (ctx.tr("このページは、申請内容の控えとして印刷できます。", "You can print this page as a record of the application.")) }
        dl.facts {
            dt { (ctx.tr("申請の種類", "Procedures")) } dd { (form.procedures.labels(form.procedure).into_iter().map(|(ja, en)| ctx.tr(ja, en)).collect::<Vec<_>>().join(ctx.tr("、", ", "))) }
        }
        // The parts with an answer to check (the procedure is named above).
        @for section in Section::of_procedure(form.procedure).filter(|s| s.fields_for(form.procedure).next().is_some()) {
            @let (ja, en) = section.title_for(form.procedure);
            section.answers aria-labelledby=(format!("check-{}", section.anchor())) {
                div.answers-head {
                    h2 id=(format!("check-{}", section.anchor())) { (ctx.tr(ja, en)) }
                    @if can(UserStep::ChangeEntry) {
                        a.change href=(format!("/applications/{id}/change#{}", section.anchor())) {
                            (ctx.tr("変更する", "Change")) span.visually-hidden { "（" (ctx.tr(ja, en)) "）" }
                        }
                    }
                }
                dl.facts {
                    @for field in section.fields_for(form.procedure) {
                        @let spec = field.spec_for(form.procedure);
                        dt { (ctx.tr(spec.ja, spec.en)) }
                        dd { (answer(lang, spec.kind, &input.value(field))) }
                    }
                    @if section == Section::Relatives {
                        @for (i, r) in input.relatives.iter().enumerate() {
                            dt { (ctx.tr("親族・同居者", "Relative or person living together")) " " (i + 1) }
                            dd {
                                ul.plain {
                                    @for f in RelativeField::ALL {
                                        @let typed = r.value(f);
                                        @if !typed.trim().is_empty() {
                                            li { (ctx.tr(f.spec().ja, f.spec().en)) (ctx.tr("：", ": ")) (answer(lang, f.spec().kind, &typed)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if section == Section::Card && form.receipt_method == ReceiptMethod::Post {
                        @if let Some(address) = app.return_address() {
                            dt { (ctx.tr("送付先", "Where it is sent")) }
                            dd {
                                (address.to_string())
                                br;
                                span.hint { (ctx.tr("送付先は申請した利用者の所属機関（取次者の場合はその事務所）の所在地に決まっており、変更できません。",
                                                    "It goes to the filing user's organization (an agent's office when an agent files); it cannot be changed.")) }
                            }
                        }
                    }
                }
            }
        }
        // A certificate carries no photo: none is asked for.
        @let needs_photo = app.procedure().needs_photo();
        @if needs_photo {
            h2 #photo { (ctx.tr("顔写真", "Facial photo")) }
            p { (ctx.tr("JPEG形式、50KB以下の、申請前3か月以内に撮影した写真（縦4cm×横3cm相当）を添付してください。",
                        "Attach a JPEG photo of at most 50 KB, taken within the last 3 months (4 cm high by 3 cm wide).")) }
        }
        @if app.photo().is_some() {
            p { img src=(format!("/applications/{id}/photo.jpg")) alt=(ctx.tr("添付した顔写真", "The attached facial photo")) width="150"; }
        }
        @if can(UserStep::AttachPhoto) && needs_photo {
            form method="post" action=(format!("/applications/{id}/photo")) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(csrf);
                div.field.invalid[photo_error.is_some()] {
                    label for="photo-file" { (ctx.tr("写真ファイル", "Photo file")) span.req { (ctx.tr("必須", "Required")) } }
                    @if let Some(e) = photo_error { span.field-error id="photo-file-error" { (e) } }
                    input type="file" id="photo-file" name="photo" accept="image/jpeg";
                }
                div.actions { button.secondary type="submit" { (if app.photo().is_some() { ctx.tr("写真を差し替える", "Replace the photo") } else { ctx.tr("写真を添付する", "Attach the photo") }) } }
            }
            @if app.photo().is_none() {
                p { a href="/applications/photos" { (ctx.tr("ほかの人の顔写真とまとめて添付する", "Attach it with other people's photos on one page")) } }
            }
        }
        // Entered, not filed: what may still be added, and the filing.
        @if can(UserStep::ChangeEntry) {
            h2 #documents { (ctx.tr("立証資料（任意）", "Documents of proof (optional)")) }
            p {
                (ctx.tr("立証資料をオンラインで提出できます（PDF、JPEG又はPNG、顔写真と合わせて25MBまで）。",
                        "Documents of proof can be submitted online (PDF, JPEG or PNG, 25 MB in all with the photo)."))
                " "
                @if app.documents().count > 0 {
                    (app.documents().count) (ctx.tr("件を受け付けています。", " received so far."))
                    " "
                }
                a href=(format!("/applications/{id}/documents")) { (ctx.tr("立証資料を提出する", "Submit documents of proof")) }
            }
            h2 { (ctx.tr("申請", "Filing")) }
            @if can(UserStep::Submit) {
                form method="post" action=(format!("/applications/{id}/submit")) {
                    input type="hidden" name="csrf" value=(csrf);
                    p { (ctx.tr("入力内容を確認し、申請してください。申請後は内容を変更できません。", "Check what you entered, then file the application. It cannot be changed once filed.")) }
                    div.actions { button type="submit" { (ctx.tr("申請する", "File the application")) } }
                }
            } @else {
                p { (ctx.tr("顔写真を添付すると申請できます。", "You can file the application once the photo is attached.")) }
            }
            @if can(UserStep::Discard) {
                h2 { (ctx.tr("入力の破棄", "Discarding the entry")) }
                form method="post" action=(format!("/applications/{id}/discard")) {
                    input type="hidden" name="csrf" value=(csrf);
                    p { (ctx.tr("申請しない場合は、この入力を破棄できます。破棄した後、この外国人の申請を新たに入力できます。",
                                "If you will not file it, you can discard this entry; the person's application can then be entered again.")) }
                    div.choice {
                        input type="checkbox" id="confirm-discard" name="confirm" value="yes";
                        label for="confirm-discard" { (ctx.tr("この入力を破棄することを確認しました", "I confirm that this entry is discarded")) }
                    }
                    div.actions { button.secondary type="submit" { (ctx.tr("入力を破棄する", "Discard the entry")) } }
                }
            }
        }
    };
    Page(status, layout(ctx, ctx.tr("申請内容の確認", "Check the application"), body)).into_response()
}

#[derive(serde::Deserialize, Default)]
pub(super) struct PhotoArgs {
    /// The page the form was on when it is not the check page (`photos`: the page for several people).
    #[serde(default)]
    back: String,
}

pub(super) async fn photo(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    uri: Uri,
    multipart: MultipartResult,
) -> PageResult {
    let args: PhotoArgs = crate::web::query(&uri, v.lang())?;
    let from_photos = args.back == super::photos::BACK;
    // After the form token, whose application it is: another's is not found, whatever the body.
    let (upload, app) = photo_upload(&v, multipart, own(&applications, &v, &id)).await?;
    let refused_here = async |message: String| {
        let none = None;
        super::photos::photos_page(
            &s,
            &applications,
            &v,
            &none,
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((&id, &message)),
        )
        .await
    };
    let result = match upload.file {
        Some(bytes) => applications.attach_photo(&v.caller, &id, bytes, upload.name.as_deref()).await,
        None => {
            let message = v.page.tr("写真ファイルを選んでください。", "Choose a photo file.").to_owned();
            if from_photos {
                return refused_here(message).await;
            }
            return Ok(check_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, &app, &[("photo".to_owned(), message)]));
        }
    };
    match result {
        Ok(_) if from_photos => Ok(see_other("/applications/photos?done=attached")),
        Ok(_) => Ok(see_other(&format!("/applications/{id}/check#photo"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_))) if from_photos => {
            let message =
                messages(v.lang(), &Problem::from(e)).into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ");
            refused_here(message).await
        }
        Err(e) => refused(&applications, &v, &id, e).await,
    }
}

pub(super) async fn photo_file(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    photo_response(v.lang(), applications.photo(&v.caller, &id).await)
}

pub(super) async fn submit(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    v.posted(form)?;
    match applications.submit(&v.caller, &id).await {
        // Filing twice (a second click, a reload) files once: the service answers the filed application.
        Ok(_) => Ok(see_other(&format!("/applications/{id}/filed"))),
        Err(e) => refused(&applications, &v, &id, e).await,
    }
}
