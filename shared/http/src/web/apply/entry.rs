use super::RELATIVE_ROWS;
use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::web::Fields;
use crate::web::FormResult;
use crate::web::OrgVisit;
use crate::web::PageError;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::apply::check::check_page;
use crate::web::apply::check::refused;
use crate::web::apply::form::Target;
use crate::web::apply::form::form_page;
use crate::web::apply::own;
use crate::web::messages;
use crate::web::person_context;
use crate::web::problem;
use crate::web::see_other;
use crate::web::tr_owned;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use zairyu_app::Applications;
use zairyu_app::ServiceError;
use zairyu_app::store::Listed;
use zairyu_domain::application::{Application, UserStep};
use zairyu_domain::form::ApplicationInput;

#[derive(serde::Deserialize)]
pub(super) struct NewArgs {
    /// The listed person (sealed): none for a procedure of a person abroad.
    #[serde(default)]
    pub(super) person: String,
    /// The procedure applied for (none: an extension, the link every page made before procedures had a
    /// name).
    #[serde(default)]
    pub(super) procedure: String,
}

pub(super) async fn new_form(
    State(s): State<AppState>,
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    uri: Uri,
) -> PageResult {
    let lang = v.lang();
    let args = axum::extract::Query::<NewArgs>::try_from_uri(&uri)
        .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(e.body_text()))))?;
    let procedure = zairyu_domain::procedure::Procedure::parse(&args.procedure)
        .map_err(|e| PageError::Problem(lang, Box::new(Problem::malformed_query(format!("procedure: {e}")))))?;
    // A person abroad, or without a status yet, is on no list: the form starts empty (their passport says who
    // they are).
    if !procedure.applicant().is_listed() {
        let input = ApplicationInput { procedure: procedure.code().to_owned(), ..ApplicationInput::default() };
        return Ok(form_page(&v.page, StatusCode::OK, Target::New, &input, &[]));
    }
    let card = s
        .config
        .cursor_key
        .open(Some(&args.person), &person_context(v.caller.user_id.as_str()))
        .map_err(problem(lang))?
        .ok_or_else(|| problem(lang)(ServiceError::NotFound))?;
    // Entered already (browser back after saving, a second tab): that entry, every answer kept.
    if let Some(entry) = applications.open_entry_for(&v.caller, &card.0, procedure).await.map_err(problem(lang))? {
        return Ok(see_other(&format!("/applications/{}/change", entry.id())));
    }
    let person = applications.listed_person(&v.caller, &card.0).await.map_err(problem(lang))?;
    let input = ApplicationInput { procedure: procedure.code().to_owned(), ..person.application_input() };
    Ok(form_page(&v.page, StatusCode::OK, Target::New, &input, &[]))
}

/// The check page's "change": the form with every answer as entered; saved, the check page again. Once
/// filed (another tab), the check page says so.
pub(super) async fn change_form(
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

pub(super) async fn change(
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
pub(super) fn after_saving(
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
pub(super) async fn discard(
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
pub(super) fn input_of(fields: &Fields) -> ApplicationInput {
    ApplicationInput::from_entered(|key| fields.get(key).to_owned(), RELATIVE_ROWS)
}

pub(super) async fn create(
    Wired(applications): Wired<Applications>,
    OrgVisit(v): OrgVisit,
    form: FormResult,
) -> PageResult {
    let input = input_of(&v.posted(form)?);
    let saved = applications.create_application(&v.caller, &input).await;
    after_saving(&v, saved, Target::New, &input)
}

/// Q42: a row of a blanket file that could not be registered, corrected on the form: the row as typed,
/// each of its errors beside its field. Once corrected (a second tab, the back button), its check page.
pub(super) async fn correction_form(
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

pub(super) async fn correct(
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
