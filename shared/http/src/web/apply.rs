//! A new application for a listed person (Q4, Q21–Q24, Q33, Q36–Q39, Q53–Q57): the form, filled in from
//! the list; every error shown beside its field and summarised at the top; then the check-your-answers page
//! with the photo (Q23) and the submission, which ends on the confirmation with the temporary receipt number.

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use maud::html;
use zairyu_app::Applications;
use zairyu_app::store::Listed;
use zairyu_domain::application::{Application, UserStep};
use zairyu_domain::form::field::{Need, Spec};
use zairyu_domain::form::{ApplicationInput, Field as FormField, Flag, RelativeField};
use zairyu_domain::office::OFFICE_TABLE;

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::function::Function;
use crate::web::Fields;
use crate::web::Form;
use crate::web::FormResult;
use crate::web::OrgVisit;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::data_table;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::layout;
use crate::web::messages;
use crate::web::person_context;
use crate::web::photo_response;
use crate::web::photo_upload;
use crate::web::problem;
use crate::web::see_other;
use crate::web::tr_owned;
use axum::response::Response;
use zairyu_app::ServiceError;
use zairyu_domain::error::Language as Lang;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/new",
        handler: || get(new_form),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/new",
        handler: || post(create),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/check",
        handler: || get(check),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/correct",
        handler: || get(correction_form),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/correct",
        handler: || post(correct),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/change",
        handler: || get(change_form),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/change",
        handler: || post(change),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/discard",
        handler: || post(discard),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/photo",
        handler: || post(photo),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/photo.jpg",
        handler: || get(photo_file),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/submit",
        handler: || post(submit),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/filed",
        handler: || get(filed),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/file",
        handler: || post(file_many),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/filed",
        handler: || get(filed_many),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/receipt-method",
        handler: || post(receipt_method),
    },
];

/// Relatives the form has rows for (the rule allows more; the API takes them all).
const RELATIVE_ROWS: usize = 3;

#[derive(serde::Deserialize)]
struct NewArgs {
    person: String,
}

async fn new_form(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    let lang = v.lang();
    let args = axum::extract::Query::<NewArgs>::try_from_uri(&uri)
        .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text()))))?;
    let card = s
        .config
        .cursor_key
        .open(Some(&args.person), &person_context(v.caller.user_id.as_str()))
        .map_err(problem(lang))?
        .ok_or_else(|| problem(lang)(ServiceError::NotFound))?;
    // Entered already (browser back after saving, a second tab): that entry, every answer kept.
    if let Some(entry) = applications.open_entry_for(&v.caller, &card.0).await.map_err(problem(lang))? {
        return Ok(see_other(&format!("/applications/{}/change", entry.id())));
    }
    let person = applications.listed_person(&v.caller, &card.0).await.map_err(problem(lang))?;
    Ok(form_page(&v.page, StatusCode::OK, Target::New, &person.application_input(), &[]))
}

/// The check page's "change": the form with every answer as entered; saved, the check page again. Once
/// filed (another tab), the check page says so.
async fn change_form(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    let app = own(&applications, &v, &id).await?;
    if !app.user_steps().contains(&UserStep::ChangeEntry) {
        return Ok(see_other(&format!("/applications/{id}/check")));
    }
    Ok(form_page(&v.page, StatusCode::OK, Target::Change { id: &id }, &app.form().input(), &[]))
}

async fn change(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let input = input_of(&v.posted(form)?);
    let saved = applications.change_entry(&v.caller, &id, &input).await;
    after_saving(&v, saved, Target::Change { id: &id }, &input)
}

/// A form saved: the check page of the application it made; refused for what was typed, the form again
/// with every error beside its field and what was typed kept.
fn after_saving(
    v: &Visit,
    saved: Result<Application, ServiceError>,
    target: Target,
    input: &ApplicationInput,
) -> PageResult {
    match saved {
        Ok(app) => Ok(see_other(&format!("/applications/{}/check", app.id()))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_))) => {
            let errors = messages(v.lang(), &Problem::from(e));
            Ok(form_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, target, input, &errors))
        }
        Err(e) => Err(problem(v.lang())(e)),
    }
}

/// Discards an entry not yet filed (the box ticked to confirm it): the list again, where it shows as ended.
async fn discard(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let fields = v.posted(form)?;
    if fields.get("confirm") != "yes" {
        let message = tr_owned(
            v.lang(),
            "破棄する場合は、確認の欄にチェックを入れてください。",
            "Tick the box to confirm the discarding.",
        );
        let app = own(&applications, &v, &id).await?;
        return Ok(check_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, &app, &[("confirm-discard".into(), message)]));
    }
    match applications.discard(&v.caller, &id).await {
        Ok(_) => Ok(see_other("/applications?done=discarded")),
        Err(e) => refused(&applications, &v, &id, e).await,
    }
}

/// The form's fields as typed, back into an application input through the form's registry
/// (`relatives[0].name` and so on for the relatives' rows; rows left empty are left out).
fn input_of(fields: &Fields) -> ApplicationInput {
    ApplicationInput::from_entered(|key| fields.get(key).to_owned(), RELATIVE_ROWS)
}

async fn create(Wired(applications): Wired<Applications>, OrgVisit(v): OrgVisit, form: FormResult) -> PageResult {
    let input = input_of(&v.posted(form)?);
    let saved = applications.create_application(&v.caller, &input).await;
    after_saving(&v, saved, Target::New, &input)
}

/// Q42: a row of a blanket file that could not be registered, corrected on the form: the row as typed,
/// each of its errors beside its field. Once corrected (a second tab, the back button), its check page.
async fn correction_form(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    let lang = v.lang();
    match applications.list_item(&v.caller, &id).await.map_err(problem(lang))? {
        Listed::BlanketEntry(entry) => {
            let errors: Vec<_> = entry
                .errors()
                .iter()
                .map(|e| (e.field.clone(), tr_owned(lang, &e.message_ja, &e.message_en)))
                .collect();
            let target = Target::Correct { id: &id, row: Some(entry.row()) };
            Ok(form_page(&v.page, StatusCode::OK, target, entry.input(), &errors))
        }
        Listed::Application(_) => Ok(see_other(&format!("/applications/{id}/check"))),
    }
}

async fn correct(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let input = input_of(&fields);
    match applications.correct_blanket_entry(&v.caller, &id, &input).await {
        Ok(app) => Ok(see_other(&format!("/applications/{}/check", app.id()))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_))) => {
            let p = Problem::from(e);
            let row = match applications.list_item(&v.caller, &id).await {
                Ok(Listed::BlanketEntry(entry)) => Some(entry.row()),
                _ => None,
            };
            let target = Target::Correct { id: &id, row };
            Ok(form_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, target, &input, &messages(lang, &p)))
        }
        // Corrected already, in another tab: where that correction went.
        Err(ServiceError::NotFound) => match applications.list_item(&v.caller, &id).await {
            Ok(Listed::Application(app)) => Ok(see_other(&format!("/applications/{}/check", app.id()))),
            _ => Err(problem(lang)(ServiceError::NotFound)),
        },
        Err(e) => Err(problem(lang)(e)),
    }
}

/// What the form enters: a new application, the change of an entry, or the correction of a blanket row (Q42).
#[derive(Clone, Copy)]
enum Target<'a> {
    New,
    Change { id: &'a str },
    Correct { id: &'a str, row: Option<u32> },
}

const YES_NO: &[(&str, &str, &str)] = &[("yes", "はい", "Yes"), ("no", "いいえ", "No")];

fn form_page(
    ctx: &PageCtx,
    status: StatusCode,
    target: Target,
    input: &ApplicationInput,
    errors: &[(String, String)],
) -> Response {
    // An error about one of the API's lists belongs to the question where it is answered.
    let errors: Vec<(String, String)> = errors
        .iter()
        .map(|(field, m)| {
            (FormField::of_key(field).map_or_else(|| field.clone(), |f| f.entered_as().key().to_owned()), m.clone())
        })
        .collect();
    let errors = errors.as_slice();
    let f = Form { ctx, errors };
    let action = match target {
        Target::New => "/applications/new".to_owned(),
        Target::Change { id } => format!("/applications/{id}/change"),
        Target::Correct { id, .. } => format!("/applications/{id}/correct"),
    };
    let lang = ctx.lang;
    // The choices as typed, read by the domain's own parsers (an answer it does not read checks nothing).
    let sex = match zairyu_domain::form::Sex::parse(&input.sex) {
        Ok(zairyu_domain::form::Sex::Male) => "male",
        Ok(zairyu_domain::form::Sex::Female) => "female",
        Err(_) => "",
    };
    let receipt = zairyu_domain::status::ReceiptMethod::parse(&input.receipt_method).map_or("", |m| m.code());
    // A blanket row names the office as the template's list does (in Japanese): the same office.
    let office = zairyu_domain::office::Office::parse(&input.receiving_office).map_or("", |o| o.code());
    let yes_no = |field: FormField| match Flag::Text(input.value(field)).parse() {
        Ok(true) => "yes",
        Ok(false) => "no",
        Err(_) => "",
    };
    let text = |field: FormField| f.entry(field.key(), field.spec(), &input.value(field));
    let question = |field: FormField| f.pick(field, yes_no(field), YES_NO);
    let body = html! {
        (error_summary(lang, errors))
        @match target {
            Target::New => p {
                (ctx.tr("在留期間更新許可申請の内容を入力してください。所属機関等に所属する外国人一覧にある情報は入力済みです。在留カードの記載と異なる場合は修正してください。",
                        "Enter the application for the extension of the period of stay. What the list of affiliated foreign nationals shows is filled in already: correct it where it differs from the residence card."))
            },
            Target::Change { .. } => p {
                (ctx.tr("入力した内容です。変更して保存すると、確認の画面に戻ります。",
                        "This is what you entered: change what you need and save it to return to the check page."))
            },
            Target::Correct { row, .. } => p {
                @if let Some(row) = row {
                    (ctx.tr("一括入力ファイルの", "Row ")) (row) (ctx.tr("行目は登録できませんでした（エラー（一括登録））。", " of the blanket file could not be registered (Error (blanket registration)). "))
                }
                (ctx.tr("ファイルに入力された内容です。誤りを修正して保存すると、入力完了になります。",
                        "This is what the file held: correct what is wrong and save it, and it becomes Input completed."))
            },
        }
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            h2 { (ctx.tr("申請の種類", "What is applied for")) }
            @let procedure = zairyu_domain::procedure::Procedure::parse(&input.procedure).unwrap_or_default();
            input type="hidden" name="procedure" value=(procedure.code());
            p { (match lang { Lang::Ja => procedure.label_ja(), Lang::En => procedure.label_en() }) }
            (f.pick(FormField::ReEntry, &input.value(FormField::ReEntry),
                &[("none", "申請しない", "Not applied for"), ("single", "1回限り", "Single"), ("multiple", "数次", "Multiple")]))
            (question(FormField::ActivityOutsideStatus))

            h2 { (ctx.tr("申請人", "The applicant")) }
            (text(FormField::Name))
            (text(FormField::Nationality))
            (text(FormField::BirthDate))
            (f.pick(FormField::Sex, sex, &[("male", "男", "Male"), ("female", "女", "Female")]))
            (question(FormField::Married))
            (text(FormField::Occupation))
            (text(FormField::HomeCountryAddress))

            h2 { (ctx.tr("住居地と連絡先", "Address in Japan and contact")) }
            @for field in [FormField::Postcode, FormField::Prefecture, FormField::City, FormField::Street, FormField::Telephone, FormField::Mobile, FormField::Email] {
                (text(field))
            }

            h2 { (ctx.tr("旅券と在留資格", "Passport and stay")) }
            @for field in [FormField::PassportNumber, FormField::PassportExpiry, FormField::ResidenceCardNumber, FormField::StatusOfResidence,
                           FormField::PeriodOfStay, FormField::ExpiryDate, FormField::DesiredPeriodOfStay, FormField::Reason] {
                (text(field))
            }
            (question(FormField::CriminalRecord))
            (text(FormField::CriminalRecordDetails))

            h2 { (ctx.tr("在日親族及び同居者", "Relatives in Japan and people living with the applicant")) }
            (question(FormField::RelativesInJapan))
            details open[!input.relatives.is_empty() || errors.iter().any(|(f, _)| f.starts_with("relatives"))] {
            summary { (ctx.tr("在日親族・同居者を入力する（「はい」の場合）", "Enter the relatives and people living together (if yes)")) }
            @for i in 0..RELATIVE_ROWS {
                @let r = input.relatives.get(i).cloned().unwrap_or_default();
                fieldset.panel {
                    legend.label { (ctx.tr("親族・同居者", "Relative or person living together")) " " (i + 1) }
                    @for field in RelativeField::ALL {
                        // Required only where relatives are answered yes: marked by the question, not here.
                        (f.entry(&field.key(i), Spec { need: Need::Optional, ..field.spec() }, &r.value(field)))
                    }
                }
            }
            }

            h2 { (ctx.tr("在留カードの受領", "Receiving the new residence card")) }
            (f.pick(FormField::ReceiptMethod, receipt,
                &[("counter", "地方出入国在留管理官署の窓口で受け取る", "Collect it at the regional immigration office's counter"),
                  ("post", "郵送で受け取る", "Receive it by post")]))
            @let office_spec = FormField::ReceivingOffice.spec();
            div.field.invalid[f.error(office_spec.key).is_some()] {
                label for=(office_spec.key) { (ctx.tr(office_spec.ja, office_spec.en)) span.req { (ctx.tr("必須", "Required")) } }
                @if let Some((ja, en)) = office_spec.hint { span.hint { (ctx.tr(ja, en)) } }
                @if let Some(e) = f.error(office_spec.key) { span.field-error { (e) } }
                select id=(office_spec.key) name=(office_spec.key) {
                    option value="" { (ctx.tr("選んでください", "Choose")) }
                    @for o in OFFICE_TABLE {
                        option value=(o.code) selected[office == o.code] { (match lang { Lang::Ja => o.name_ja, Lang::En => o.name_en }) }
                    }
                }
            }
            (f.pick(FormField::KanjiNamePetition, { let v = yes_no(FormField::KanjiNamePetition); if v.is_empty() { "no" } else { v } }, YES_NO))
            (text(FormField::NoticeEmail))

            h2 { (ctx.tr("確認", "Confirmation")) }
            (question(FormField::InJapan))
            (question(FormField::ApplicantRequested))
            div.actions { button type="submit" { (ctx.tr("入力内容を保存して確認へ進む", "Save and check the application")) } }
        }
    };
    Page(status, layout(ctx, ctx.tr("在留期間更新許可申請", "Application for extension of period of stay"), body))
        .into_response()
}

async fn own(applications: &Applications, v: &Visit, id: &str) -> Result<Application, PageError> {
    applications.application(&v.caller, id).await.map_err(problem(v.lang()))
}

/// A refusal of the photo or of the filing: the check page again with what was wrong (a refusal of the input
/// or of the application's rules), or the error page (anything else).
async fn refused(applications: &Applications, v: &Visit, id: &str, e: ServiceError) -> PageResult {
    match e {
        e @ (ServiceError::Invalid(_) | ServiceError::Application(_)) => {
            let app = own(applications, v, id).await?;
            let p = Problem::from(e);
            Ok(check_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, &app, &messages(v.lang(), &p)))
        }
        e => Err(problem(v.lang())(e)),
    }
}

async fn check(Wired(applications): Wired<Applications>, OrgVisit(v): OrgVisit, Path(id): Path<String>) -> PageResult {
    let app = own(&applications, &v, &id).await?;
    Ok(check_page(&v.page, StatusCode::OK, &app, &[]))
}

fn check_page(ctx: &PageCtx, status: StatusCode, app: &Application, errors: &[(String, String)]) -> Response {
    let lang = ctx.lang;
    let form = app.form();
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
        h2 { (ctx.tr("入力内容", "What you entered")) }
        @if can(UserStep::ChangeEntry) {
            p { a href=(format!("/applications/{id}/change")) { (ctx.tr("入力内容を変更する", "Change what you entered")) } }
        }
        dl.facts {
            dt { (ctx.tr("氏名", "Name")) } dd { (form.name.to_string()) }
            dt { (ctx.tr("在留カード番号", "Residence card number")) } dd { (form.stay.card_number.to_string()) }
            dt { (ctx.tr("現に有する在留資格", "Current status of residence")) } dd { (match lang { Lang::Ja => form.stay.status.info().name_ja, Lang::En => form.stay.status.info().name_en }) }
            dt { (ctx.tr("在留期間の満了日", "Expiry date")) } dd { (form.stay.expiry.to_string()) }
            dt { (ctx.tr("希望する在留期間", "Desired period of stay")) } dd { (form.desired_period_of_stay.to_string()) }
            dt { (ctx.tr("申請の種類", "Procedures")) } dd { (form.procedures.names().iter().map(|p| procedure_label(ctx, p)).collect::<Vec<_>>().join(ctx.tr("、", ", "))) }
            dt { (ctx.tr("住居地", "Address in Japan")) } dd { (form.address.postcode.to_string()) " " (form.address.prefecture.as_str()) (form.address.city.to_string()) (form.address.street.to_string()) }
            dt { (ctx.tr("受領方法", "Receiving the card")) } dd {
                (match form.receipt_method { zairyu_domain::status::ReceiptMethod::Post => ctx.tr("郵送", "By post"), zairyu_domain::status::ReceiptMethod::Counter => ctx.tr("窓口", "At the counter") })
            }
            dt { (ctx.tr("通知先メールアドレス", "E-mail for the receipt numbers")) } dd { (form.notice_email.to_string()) }
            @if form.receipt_method == zairyu_domain::status::ReceiptMethod::Post {
                @if let Some(address) = app.return_address() {
                    dt { (ctx.tr("在留カードの送付先", "Where the card is sent")) }
                    dd {
                        (address.to_string())
                        br;
                        span.hint { (ctx.tr("送付先は申請した利用者の所属機関（取次者の場合はその事務所）の所在地に決まっており、変更できません。",
                                            "The card goes to the filing user's organization (an agent's office when an agent files); it cannot be changed.")) }
                    }
                }
            }
        }
        h2 #photo { (ctx.tr("顔写真", "Facial photo")) }
        p { (ctx.tr("JPEG形式、50KB以下の、申請前3か月以内に撮影した写真（縦4cm×横3cm相当）を添付してください。",
                    "Attach a JPEG photo of at most 50 KB, taken within the last 3 months (4 cm high by 3 cm wide).")) }
        @if app.photo().is_some() {
            p { img src=(format!("/applications/{id}/photo.jpg")) alt=(ctx.tr("添付した顔写真", "The attached facial photo")) width="150"; }
        }
        @if can(UserStep::AttachPhoto) {
            form method="post" action=(format!("/applications/{id}/photo")) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(csrf);
                div.field.invalid[photo_error.is_some()] {
                    label for="photo-file" { (ctx.tr("写真ファイル", "Photo file")) span.req { (ctx.tr("必須", "Required")) } }
                    @if let Some(e) = photo_error { span.field-error id="photo-file-error" { (e) } }
                    input type="file" id="photo-file" name="photo" accept="image/jpeg";
                }
                div.actions { button.secondary type="submit" { (if app.photo().is_some() { ctx.tr("写真を差し替える", "Replace the photo") } else { ctx.tr("写真を添付する", "Attach the photo") }) } }
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

async fn photo(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let upload = photo_upload(&v, multipart).await?;
    let result = match upload.file {
        Some(bytes) => applications.attach_photo(&v.caller, &id, bytes, upload.name.as_deref()).await,
        None => {
            let app = own(&applications, &v, &id).await?;
            let none = vec![(
                "photo".to_owned(),
                v.page.tr("写真ファイルを選んでください。", "Choose a photo file.").to_owned(),
            )];
            return Ok(check_page(&v.page, StatusCode::UNPROCESSABLE_ENTITY, &app, &none));
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/applications/{id}/check#photo"))),
        Err(e) => refused(&applications, &v, &id, e).await,
    }
}

async fn photo_file(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    Path(id): Path<String>,
) -> PageResult {
    photo_response(v.lang(), applications.photo(&v.caller, &id).await)
}

async fn submit(
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

async fn filed(Wired(applications): Wired<Applications>, OrgVisit(v): OrgVisit, Path(id): Path<String>) -> PageResult {
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
        p { a href="/applications" { (ctx.tr("申請情報一覧へ", "Go to the applications")) } }
    };
    Ok(Page(StatusCode::OK, layout(ctx, ctx.tr("申請が完了しました", "Application filed"), body)).into_response())
}

/// Many applications filed at once (those the application list shows as entered and not yet filed, e.g.
/// the rows of a blanket file once each has its photo): each is filed as if alone, and the browser is sent
/// on to the page that tells, for each, where it stands now.
async fn file_many(Wired(applications): Wired<Applications>, OrgVisit(v): OrgVisit, form: FormResult) -> PageResult {
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
    // Each result is read again on the next page, from the applications as they now stand.
    applications.submit_many(&v.caller, &ids).await;
    Ok(see_other(&format!("/applications/filed?ids={}", encode(&ids.join(",")))))
}

#[derive(serde::Deserialize)]
struct FiledArgs {
    ids: String,
}

/// Where each of the applications just filed together stands: filed, with its temporary receipt number
/// (Q33), or not, with what to do about it.
async fn filed_many(Wired(applications): Wired<Applications>, OrgVisit(v): OrgVisit, uri: Uri) -> PageResult {
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
            None => not_filed.push((app.id().to_string(), app.form().name.to_string(), app.photo().is_some())),
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
async fn receipt_method(
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

/// A procedure's name as the pages say it (Q4, Q24).
fn procedure_label(ctx: &PageCtx, code: &str) -> &'static str {
    match code {
        "extension" => ctx.tr("在留期間更新許可申請", "Extension of the period of stay"),
        "re_entry_single" => ctx.tr("再入国許可（1回限り）", "Re-entry permission (single)"),
        "re_entry_multiple" => ctx.tr("再入国許可（数次）", "Re-entry permission (multiple)"),
        "activity_outside_status" => ctx.tr("資格外活動許可", "Permission for activity outside status"),
        _ => ctx.tr("その他", "Other"),
    }
}

#[cfg(test)]
mod tests {
    use super::{PageCtx, StatusCode, Target, form_page};
    use crate::web::Lang;
    use zairyu_domain::form::{Field as FormField, RelativeField};

    async fn names_on_the_form(lang: Lang, errors: &[(String, String)]) -> (Vec<String>, String) {
        let ctx = PageCtx {
            lang,
            user_name: Some("X".into()),
            organization_user: true,
            officer_roles: Vec::new(),
            csrf: Some("t".into()),
            path: "/applications/new".into(),
        };
        let input = zairyu_domain::fixtures::application_input();
        let page = form_page(&ctx, StatusCode::OK, Target::New, &input, errors);
        let body = axum::body::to_bytes(page.into_body(), usize::MAX).await.unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        // The application's form, not the layout's (the language switch has its own).
        let start = html.find("action=\"/applications/new\"").unwrap();
        let form = &html[start..start + html[start..].find("</form>").unwrap()];
        let mut names: Vec<String> =
            form.split(" name=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect();
        names.sort();
        names.dedup();
        (names, html)
    }

    /// Every field of the page's form is a field of the registry, and every field a person enters is on it.
    #[tokio::test]
    async fn every_field_on_the_form_is_a_registry_field() {
        let (names, html) = names_on_the_form(Lang::Ja, &[]).await;
        for name in &names {
            assert!(
                name == "csrf" || FormField::of_key(name).is_some() || RelativeField::of_key(name).is_some(),
                "{name} is not in the registry"
            );
        }
        for f in FormField::entered() {
            assert!(names.iter().any(|n| n == f.key()), "{f:?} is not on the form");
            // With the registry's own label.
            assert!(html.contains(f.spec().ja), "{f:?}'s label");
        }
        assert!(names.iter().any(|n| n == FormField::Procedure.key()));
        for f in RelativeField::ALL {
            assert!(names.contains(&f.key(0)), "{f:?}");
        }
    }

    /// An error of the API's list of permissions is shown at the re-entry question, where it is answered.
    #[tokio::test]
    async fn errors_of_the_api_s_lists_are_shown_where_they_are_answered() {
        let errors = [("procedures".to_owned(), "M1".to_owned()), ("relatives".to_owned(), "M2".to_owned())];
        let (_, html) = names_on_the_form(Lang::En, &errors).await;
        assert!(html.contains("href=\"#re_entry\">M1"), "{html}");
        assert!(html.contains("href=\"#relatives_in_japan\">M2"));
    }
}
