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
use zairyu_domain::form::field::{Kind, Need, Section, Spec};
use zairyu_domain::form::{ApplicationInput, Field as FormField, RelativeField};
use zairyu_domain::office::OFFICE_TABLE;

/// What the form enters: a new application, the change of an entry, or the correction of a blanket row (Q42).
#[derive(Clone, Copy)]
pub(super) enum Target<'a> {
    New,
    Change { id: &'a str },
    Correct { id: &'a str, row: Option<u32> },
}

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
    // A blanket row names the office as the template's list does (in Japanese): the same office.
    let office = zairyu_domain::office::Office::parse(&input.receiving_office).map_or("", |o| o.code());
    let procedure = zairyu_domain::procedure::Procedure::parse(&input.procedure).unwrap_or_default();
    // Dates and periods shown as every page shows them (what was not understood, as typed).
    let shown = |field: FormField| {
        let typed = input.value(field);
        match field.spec().kind {
            Kind::Date | Kind::Period | Kind::Status => field.spec().kind.answer(&typed, lang),
            _ => typed,
        }
    };
    let field_markup = |field: FormField| match field {
        FormField::ReceivingOffice => {
            let spec = field.spec_for(procedure);
            html! {
                div.field.invalid[f.error(spec.key).is_some()] {
                    label for=(spec.key) { (ctx.tr(spec.ja, spec.en)) span.req { (ctx.tr("必須", "Required")) } }
                    @if let Some((ja, en)) = spec.hint { span.hint { (ctx.tr(ja, en)) } }
                    @if let Some(e) = f.error(spec.key) { span.field-error { (e) } }
                    select id=(spec.key) name=(spec.key) {
                        option value="" { (ctx.tr("選んでください", "Choose")) }
                        @for o in OFFICE_TABLE {
                            option value=(o.code) selected[office == o.code] { (match lang { Lang::Ja => o.name_ja, Lang::En => o.name_en }) }
                        }
                    }
                }
            }
        }
        // No petition unless one is made.
        FormField::KanjiNamePetition => {
            let typed = input.value(field);
            f.pick(field.spec_for(procedure), if typed.trim().is_empty() { "no" } else { &typed })
        }
        // The statuses a change may ask for: those of the online scope it takes, but the one held.
        FormField::DesiredStatusOfResidence => {
            let spec = field.spec();
            let (ja, en) = field.label_for(procedure);
            let typed = input.value(field);
            let chosen = zairyu_domain::status_of_residence::StatusOfResidence::parse(&typed).map_or("", |s| s.code());
            let held = zairyu_domain::status_of_residence::StatusOfResidence::parse(&input.status_of_residence).ok();
            // What may be asked, as the parser accepts it (which checks the day's exclusions).
            let offered = |s| procedure.may_seek(held, s, None);
            html! {
                div.field.invalid[f.error(spec.key).is_some()] {
                    label for=(spec.key) { (ctx.tr(ja, en)) span.req { (ctx.tr("必須", "Required")) } }
                    @if let Some(e) = f.error(spec.key) { span.field-error { (e) } }
                    select id=(spec.key) name=(spec.key) {
                        option value="" { (ctx.tr("選んでください", "Choose")) }
                        @for s in zairyu_domain::status_of_residence::StatusOfResidence::ALL {
                            @if offered(s) {
                                option value=(s.code()) selected[chosen == s.code()] { (match lang { Lang::Ja => s.info().name_ja, Lang::En => s.info().name_en }) }
                            }
                        }
                    }
                }
            }
        }
        _ if !field.spec_for(procedure).kind.choices().is_empty() => {
            f.pick(field.spec_for(procedure), &input.value(field))
        }
        _ => f.entry(field.key(), field.spec_for(procedure), &shown(field)),
    };
    let body = html! {
        (error_summary(lang, errors))
        @match target {
            Target::New if procedure == zairyu_domain::procedure::Procedure::Acquisition => p {
                (match lang {
                    Lang::Ja => format!("{}の内容を入力してください。日本で出生した方や日本国籍を離脱した方など、在留資格をまだ有していない方の申請です（事由の生じた日から30日以内）。氏名等は旅券のとおり入力してください。", procedure.label_ja()),
                    Lang::En => format!("Enter the application ({}) for a person in Japan with no status of residence yet — born in Japan, or no longer Japanese — within 30 days of the event: their name and details as their passport shows them.", procedure.label_en().to_lowercase()),
                })
            },
            Target::New if procedure.applicant() == zairyu_domain::procedure::Applicant::Abroad => p {
                (match lang {
                    Lang::Ja => format!("{}の内容を入力してください。申請人は日本国外にいる方です。氏名等は旅券のとおり入力してください。", procedure.label_ja()),
                    Lang::En => format!("Enter the application ({}) for a person abroad: their name and details as their passport shows them.", procedure.label_en().to_lowercase()),
                })
            },
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
            input type="hidden" name="procedure" value=(procedure.code());
            @for section in Section::of_procedure(procedure) {
                @let (ja, en) = section.title_for(procedure);
                h2 id=(section.anchor()) { (ctx.tr(ja, en)) }
                @if section == Section::Procedures {
                    p { (procedure.label(lang)) }
                }
                @for field in section.fields_for(procedure) {
                    (field_markup(field))
                }
                @if section == Section::Relatives {
                    details open[!input.relatives.is_empty() || errors.iter().any(|(f, _)| f.starts_with("relatives"))] {
                    summary { (ctx.tr("在日親族・同居者を入力する（「はい」の場合）", "Enter the relatives and people living together (if yes)")) }
                    @for i in 0..RELATIVE_ROWS {
                        @let r = input.relatives.get(i).cloned().unwrap_or_default();
                        fieldset.panel {
                            legend.label { (ctx.tr("親族・同居者", "Relative or person living together")) " " (i + 1) }
                            @for field in RelativeField::ALL {
                                // Required only where relatives are answered yes: marked by the question, not here.
                                @let typed = r.value(field);
                                @let shown = if field.spec().kind == Kind::Date { field.spec().kind.answer(&typed, lang) } else { typed };
                                (f.entry(&field.key(i), Spec { need: Need::Optional, ..field.spec() }, &shown))
                            }
                        }
                    }
                    }
                }
            }
            div.actions { button type="submit" { (ctx.tr("入力内容を保存して確認へ進む", "Save and check the application")) } }
        }
    };
    Page(status, layout(ctx, procedure.label(lang), body)).into_response()
}
