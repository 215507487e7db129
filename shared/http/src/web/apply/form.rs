use super::RELATIVE_ROWS;
use crate::web::Form;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::error_summary;
use crate::web::layout;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use maud::html;
use zairyu_domain::error::Language as Lang;
use zairyu_domain::form::field::{Need, Spec};
use zairyu_domain::form::{ApplicationInput, Field as FormField, Flag, RelativeField};
use zairyu_domain::office::OFFICE_TABLE;

/// What the form enters: a new application, the change of an entry, or the correction of a blanket row (Q42).
#[derive(Clone, Copy)]
pub(super) enum Target<'a> {
    New,
    Change { id: &'a str },
    Correct { id: &'a str, row: Option<u32> },
}

pub(super) const YES_NO: &[(&str, &str, &str)] = &[("yes", "はい", "Yes"), ("no", "いいえ", "No")];

pub(super) fn form_page(
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
    let procedure = zairyu_domain::procedure::Procedure::parse(&input.procedure).unwrap_or_default();
    let body = html! {
        (error_summary(lang, errors))
        @match target {
            Target::New => p {
                (match lang {
                    Lang::Ja => format!("{}の内容を入力してください。所属機関等に所属する外国人一覧にある情報は入力済みです。在留カードの記載と異なる場合は修正してください。", procedure.label_ja()),
                    Lang::En => format!("Enter the application ({}). What the list of affiliated foreign nationals shows is filled in already: correct it where it differs from the residence card.", procedure.label_en().to_lowercase()),
                })
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
    Page(
        status,
        layout(
            ctx,
            match lang {
                Lang::Ja => procedure.label_ja(),
                Lang::En => procedure.label_en(),
            },
            body,
        ),
    )
    .into_response()
}
