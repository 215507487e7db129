//! A new application for a listed person (Q4, Q21–Q24, Q33, Q36–Q39, Q53–Q57): the form, filled in from
//! the list; every error shown beside its field and summarised at the top; then the check-your-answers page
//! with the photo (Q23) and the submission, which ends on the confirmation with the temporary receipt number.

use axum::routing::{get, post};

use super::Audience;
use crate::function::Function;
use crate::web::PageSpec;
use crate::web::apply::check::check;
use crate::web::apply::check::photo;
use crate::web::apply::check::photo_file;
use crate::web::apply::check::submit;
use crate::web::apply::entry::change;
use crate::web::apply::entry::change_form;
use crate::web::apply::entry::correct;
use crate::web::apply::entry::correction_form;
use crate::web::apply::entry::create;
use crate::web::apply::entry::discard;
use crate::web::apply::entry::new_form;
use crate::web::apply::filing::file_many;
use crate::web::apply::filing::filed;
use crate::web::apply::filing::filed_many;
use crate::web::apply::filing::receipt_method;
use crate::web::apply::photos::photos;
use crate::web::visit::PageError;
use crate::web::visit::Visit;
use crate::web::visit::problem;
use zairyu_app::Applications;
use zairyu_domain::application::Application;

mod check;
mod documents;
mod entry;
mod filing;
mod form;
mod photos;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/documents",
        handler: || get(documents::documents),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/documents",
        handler: || post(documents::start),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "GET",
        path: "/applications/{id}/documents/{document}",
        handler: || get(documents::document),
    },
    PageSpec {
        function: Function::Submit,
        audience: Audience::Organization,
        method: "POST",
        path: "/applications/{id}/documents/{document}/name",
        handler: || post(documents::name_file),
    },
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
        path: "/applications/photos",
        handler: || get(photos),
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

/// Relatives the form has rows for: as many as the rule allows (and a blanket row holds), so that a row
/// corrected on the page keeps every relative it has.
const RELATIVE_ROWS: usize = zairyu_domain::form::ApplicationForm::MAX_RELATIVES;

pub(super) async fn own(applications: &Applications, v: &Visit, id: &str) -> Result<Application, PageError> {
    applications.application(&v.caller, id).await.map_err(problem(v.lang()))
}

#[cfg(test)]
mod tests {
    use super::form::{Target, form_page};
    use crate::web::Lang;
    use crate::web::PageCtx;
    use axum::http::StatusCode;
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
        for f in FormField::entered_for(zairyu_domain::procedure::Procedure::Extension) {
            assert!(names.iter().any(|n| n == f.key()), "{f:?} is not on the form");
            // With the registry's own label.
            assert!(html.contains(f.spec().ja), "{f:?}'s label");
        }
        assert!(names.iter().any(|n| n == FormField::Procedure.key()));
        // Every relative a row can hold (a blanket row's six), so a correction keeps them all.
        for i in 0..zairyu_domain::form::ApplicationForm::MAX_RELATIVES {
            for f in RelativeField::ALL {
                assert!(names.contains(&f.key(i)), "{f:?} of relative {i}");
            }
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
