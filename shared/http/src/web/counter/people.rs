use super::done_notice;
use super::refusal;
use crate::AppState;
use crate::Wired;
use crate::cursor::Pages;
use crate::web::Form;
use crate::web::FormResult;
use crate::web::PER_PAGE;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::api;
use crate::web::data_table;
use crate::web::encode;
use crate::web::error_summary;
use crate::web::form::confirm_missing;
use crate::web::layout;
use crate::web::office::{OfficerVisit, refused_by};
use crate::web::pager;
use crate::web::person_context;
use crate::web::query;
use crate::web::sealed_person;
use crate::web::see_other;
use crate::web::tr;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::ForeignNationalInput;
use zairyu_app::services::list_file::COLUMNS;
use zairyu_domain::error::Language as Lang;
use zairyu_domain::form::Sex;
use zairyu_domain::status_of_residence::StatusOfResidence;

#[derive(Deserialize, Default)]
pub(super) struct PeopleArgs {
    #[serde(default)]
    pub(super) done: String,
    #[serde(default)]
    pub(super) cursor: Option<String>,
    /// The person to correct: a card number sealed for this officer (no personal data in the URL).
    #[serde(default)]
    pub(super) person: Option<String>,
}

pub(super) async fn people(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    uri: Uri,
) -> PageResult {
    let lang = v.lang();
    let args: PeopleArgs = query(&uri, lang)?;
    let editing = match &args.person {
        None => None,
        Some(sealed) => {
            let card = s
                .config
                .cursor_key
                .open(Some(sealed), &person_context(v.caller.user_id.as_str()))
                .map_err(|_| refused_by(&v)(ServiceError::NotFound))?
                .ok_or_else(|| refused_by(&v)(ServiceError::NotFound))?;
            Some(counter.organization_person(&v.caller, &org, &card.0).await.map_err(refused_by(&v))?)
        }
    };
    let typed = editing.as_ref().map(ForeignNationalInput::from).unwrap_or_default();
    people_page(&s, &counter, &v, &org, &args, StatusCode::OK, editing.is_some(), &typed, &[], &[]).await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn people_page(
    s: &AppState,
    counter: &Counter,
    v: &Visit,
    org: &str,
    args: &PeopleArgs,
    status: StatusCode,
    correcting: bool,
    typed: &ForeignNationalInput,
    errors: &[(String, String)],
    row_errors: &[RowError],
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let path = format!("/office/organizations/{}/foreign-nationals", encode(org));
    let pages = Pages::new(s.config.cursor_key.clone(), v.caller.user_id.as_str(), &path);
    let (after, limit) = pages.args(args.cursor.as_deref(), Some(PER_PAGE)).map_err(api(lang))?;
    let (found, listed) = counter.organization_people(&v.caller, org, after, limit).await.map_err(refused_by(v))?;
    let next = pages.view(Vec::<()>::new(), listed.next).map_err(api(lang))?.next_cursor;
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let user = v.caller.user_id.as_str();
    let body = html! {
        (error_summary(lang, errors))
        @if errors.is_empty() { (done_notice(ctx, &args.done)) }
        p { a href=(format!("/office/organizations/{}", found.id())) { (found.profile().name.as_str()) (ctx.tr("の所属機関情報へ戻る", ": back to the organization")) } }
        @if listed.items.is_empty() {
            p { (ctx.tr("一覧に登録された外国人はいません。", "Nobody is on the list yet.")) }
        } @else {
            (data_table(ctx, ctx.tr("所属機関等に所属する外国人一覧", "Affiliated foreign nationals"),
                &[("氏名", "Name"), ("在留カード番号", "Residence card number"), ("国籍・地域", "Nationality"), ("在留資格", "Status of residence"),
                  ("在留期間", "Period"), ("在留期間満了日", "Expiry date"), ("訂正", "Correct")],
                html! {
                    @for p in &listed.items {
                        tr {
                            th scope="row" { (p.name.to_string()) }
                            td { (p.card_number.to_string()) }
                            td { (p.nationality.as_str()) }
                            td { (tr(lang, p.status.info().name_ja, p.status.info().name_en)) }
                            td { (p.period_of_stay.words(ctx.lang)) }
                            td { (p.expiry.to_string()) }
                            td {
                                @if let Some(token) = sealed_person(s, user, &p.card_number.to_string()) {
                                    @let link = format!("{path}?person={}#person", encode(&token));
                                    a href=(link) { (ctx.tr("訂正・削除", "Correct or remove")) span.visually-hidden { "（" (p.name.to_string()) "）" } }
                                }
                            }
                        }
                    }
                }))
        }
        (pager(ctx, &path, next.as_deref(), args.cursor.is_none()))
        (person_form(ctx, csrf, &path, correcting, typed, errors))
        @if !correcting { (list_file_form(ctx, csrf, &path, errors, row_errors)) }
        @if correcting {
            form.panel.step method="post" action=(path) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="step" value="remove";
                input type="hidden" name="residence_card_number" value=(typed.residence_card_number);
                h2 { (ctx.tr("一覧から削除する", "Remove from the list")) }
                p { (ctx.tr("所属しなくなった方を一覧から削除します。この方の申請はできなくなります。", "For someone no longer affiliated: no application can be filed for them any more.")) }
                (Form { ctx, errors }.confirm("confirm-remove", false))
                div.actions { button.secondary type="submit" { (ctx.tr("一覧から削除する", "Remove from the list")) } }
            }
        }
    };
    let title = ctx.tr("所属機関等に所属する外国人一覧", "List of Affiliated Foreign Nationals");
    Ok(Page(status, layout(ctx, title, body)).into_response())
}

/// The form that adds a person to the list, or corrects one (its card number then fixed: another card is
/// another entry).
pub(super) fn person_form(
    ctx: &PageCtx,
    csrf: &str,
    path: &str,
    correcting: bool,
    typed: &ForeignNationalInput,
    errors: &[(String, String)],
) -> Markup {
    let f = Form { ctx, errors };
    let sex = match Sex::parse(&typed.sex) {
        Ok(Sex::Male) => "male",
        Ok(Sex::Female) => "female",
        Err(_) => "",
    };
    let status = StatusOfResidence::parse(&typed.status_of_residence).ok();
    html! {
        form.panel #person method="post" action=(path) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="step" value="put";
            h2 {
                @if correcting { (ctx.tr("一覧の記載を訂正する", "Correct the entry")) } @else { (ctx.tr("一覧に追加する", "Add a person to the list")) }
            }
            p { (ctx.tr("在留カードの記載のとおりに入力してください。", "Enter everything as the residence card shows it.")) }
            @if correcting {
                input type="hidden" name="residence_card_number" value=(typed.residence_card_number);
                p { (ctx.tr("在留カード番号：", "Residence card number: ")) strong { (typed.residence_card_number) } }
            } @else {
                (f.text("residence_card_number", "在留カード番号", "Residence card number", &typed.residence_card_number, true, Some(("例：AB12345678CD", "e.g. AB12345678CD"))))
            }
            (f.text("name", "氏名（ローマ字）", "Name (in Roman letters)", &typed.name, true, Some(("例：NGUYEN,VAN,AN", "e.g. NGUYEN,VAN,AN"))))
            (f.text("nationality", "国籍・地域", "Nationality", &typed.nationality, true, None))
            (f.text("birth_date", "生年月日", "Date of birth", &typed.birth_date, true, Some(("例：1995-04-12", "e.g. 1995-04-12"))))
            (f.choice("sex", ("性別", "Sex"), sex, &[("male", "男", "Male"), ("female", "女", "Female")], None))
            div.field.invalid[f.error("status_of_residence").is_some()] {
                label for="status_of_residence" { (ctx.tr("在留資格", "Status of residence")) span.req { (ctx.tr("必須", "Required")) } }
                @if let Some(e) = f.error("status_of_residence") { span.field-error { (e) } }
                select id="status_of_residence" name="status_of_residence" {
                    option value="" { (ctx.tr("選んでください", "Choose")) }
                    @for st in StatusOfResidence::ALL {
                        option value=(st.code()) selected[status == Some(st)] { (tr(ctx.lang, st.info().name_ja, st.info().name_en)) }
                    }
                }
            }
            (f.text("period_of_stay", "在留期間", "Period of stay", &typed.period_of_stay, true, Some(("例：1年、6か月、1年6か月", "e.g. 1 year, 6 months, 1 year 6 months"))))
            (f.text("expiry_date", "在留期間の満了日", "Expiry date", &typed.expiry_date, true, Some(("例：2027-03-31", "e.g. 2027-03-31"))))
            (f.text("passport_number", "旅券番号", "Passport number", &typed.passport_number, false, None))
            (f.text("passport_expiry", "旅券の有効期限", "Passport expiry date", &typed.passport_expiry, false, None))
            (f.text("email", "メールアドレス", "E-mail address", &typed.email, false, None))
            div.choice {
                input type="checkbox" id="kanji_name_on_card" name="kanji_name_on_card" value="yes" checked[typed.kanji_name_on_card];
                label for="kanji_name_on_card" { (ctx.tr("在留カードに漢字氏名が併記されている", "The card shows the name in kanji too")) }
            }
            div.actions {
                button type="submit" { @if correcting { (ctx.tr("訂正を保存する", "Save the correction")) } @else { (ctx.tr("一覧に追加する", "Add to the list")) } }
            }
        }
    }
}

pub(super) async fn people_act(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let path = format!("/office/organizations/{}/foreign-nationals", encode(&org));
    let args = PeopleArgs::default();
    let card = fields.get("residence_card_number");
    if fields.get("step") == "remove" {
        let refuse = async |errors: Vec<(String, String)>| -> PageResult {
            let person = counter.organization_person(&v.caller, &org, card).await.map_err(refused_by(&v))?;
            let typed = ForeignNationalInput::from(&person);
            people_page(&s, &counter, &v, &org, &args, StatusCode::UNPROCESSABLE_ENTITY, true, &typed, &errors, &[])
                .await
        };
        if fields.get("confirm") != "yes" {
            return refuse(vec![confirm_missing(lang, "confirm-remove".into())]).await;
        }
        return match counter.remove_foreign_national(&v.caller, &org, card).await {
            // Removed now, or already (another tab): the list as it stands.
            Ok(()) | Err(ServiceError::NotFound) => Ok(see_other(&format!("{path}?done=removed"))),
            Err(e) => Err(refused_by(&v)(e)),
        };
    }
    let typed = ForeignNationalInput {
        residence_card_number: card.to_owned(),
        name: fields.get("name").to_owned(),
        nationality: fields.get("nationality").to_owned(),
        birth_date: fields.get("birth_date").to_owned(),
        sex: fields.get("sex").to_owned(),
        status_of_residence: fields.get("status_of_residence").to_owned(),
        period_of_stay: fields.get("period_of_stay").to_owned(),
        expiry_date: fields.get("expiry_date").to_owned(),
        passport_number: fields.get("passport_number").to_owned(),
        passport_expiry: fields.get("passport_expiry").to_owned(),
        email: fields.get("email").to_owned(),
        kanji_name_on_card: fields.get("kanji_name_on_card") == "yes",
    };
    match counter.put_foreign_national(&v.caller, &org, &typed).await {
        Ok(_) => Ok(see_other(&format!("{path}?done=saved"))),
        Err(e @ ServiceError::Invalid(_)) => {
            let fields: Vec<&str> = COLUMNS.iter().map(|(field, ..)| *field).collect();
            let errors = refusal(lang, e, &fields, "person");
            // A correction keeps its card number: a person already listed is corrected, not added.
            let correcting = counter.organization_person(&v.caller, &org, card).await.is_ok();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            people_page(&s, &counter, &v, &org, &args, status, correcting, &typed, &errors, &[]).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------
// The list as a file (Q80): the office's spreadsheet, saved as CSV UTF-8

/// One error of a row of a list file: the row, the column's header, what is wrong.
pub(super) struct RowError {
    pub(super) row: String,
    pub(super) column: &'static str,
    pub(super) message: String,
}

pub(super) fn list_file_form(
    ctx: &PageCtx,
    csrf: &str,
    path: &str,
    errors: &[(String, String)],
    row_errors: &[RowError],
) -> Markup {
    let error = errors.iter().find(|(f, _)| f == "list-file").map(|(_, m)| m.as_str());
    let header = match ctx.lang {
        Lang::Ja => COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>().join("、"),
        Lang::En => COLUMNS.iter().map(|c| c.2).collect::<Vec<_>>().join(", "),
    };
    html! {
        form.panel #list-form method="post" action=(format!("{path}/file")) enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf);
            h2 { (ctx.tr("ファイルでまとめて登録する", "Add or correct many from a file")) }
            p {
                (ctx.tr("官署で表計算ソフトの一覧を管理している場合は、「CSV UTF-8（コンマ区切り）」で保存して登録できます。1行目は列名（",
                        "Where the office keeps the list in a spreadsheet, save it as \"CSV UTF-8\" and send it here. The first row names the columns ("))
                (header)
                (ctx.tr("）、2行目から1行に1人です。在留カード番号が一覧にある人は訂正され、ない人は追加されます。1つでも誤りがあれば何も登録されません。",
                        "); each row after it is one person. A person whose card number is listed is corrected, anyone else added. Nothing is stored while any row has an error."))
                " "
                a href="/office/foreign-nationals-template.csv" download { (ctx.tr("列名だけのファイル（CSV）", "The file with the column names only (CSV)")) }
            }
            div.field.invalid[error.is_some()] {
                label for="list-file" { (ctx.tr("一覧のファイル（CSV UTF-8、1MB・1,000人まで）", "The list file (CSV UTF-8, at most 1 MB and 1,000 people)")) }
                @if let Some(e) = error { span.field-error id="list-file-error" { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) } }
                input type="file" id="list-file" name="file" accept=".csv,text/csv" aria-describedby=[error.map(|_| "list-file-error")];
            }
            @if !row_errors.is_empty() {
                (data_table(ctx, ctx.tr("ファイルの誤り", "Errors in the file"), &[("行", "Row"), ("列", "Column"), ("内容", "What is wrong")], html! {
                    @for e in row_errors {
                        tr { th scope="row" { (e.row) } td { (e.column) } td { (e.message) } }
                    }
                }))
            }
            div.actions { button.secondary type="submit" { (ctx.tr("ファイルを登録する", "Send the file")) } }
        }
    }
}
