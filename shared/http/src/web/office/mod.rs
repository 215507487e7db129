//! The regional immigration offices' pages (#18): the queue of the office's applications by status, with
//! the count in each; search by receipt number or residence card number; an application's page with the
//! full form, the photo, the list entry it was checked against, its history from the audit trail, and the
//! steps the officer's roles allow next — each a form that posts, confirmed in words where it cannot be
//! undone, saying which e-mail it sends. The same services as `/api/office/*`: what an officer may see and
//! do is decided there (another office's application is not found, a role that may not act is refused).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};
use zairyu_app::ServiceError;
use zairyu_domain::status::{ApplicationStatus, OfficerRole};

use super::Audience;
use crate::AppState;
use crate::Problem;
use crate::function::Function;
use crate::web::PageError;
use crate::web::PageSpec;
use crate::web::Visit;
use crate::web::office::application::act;
use crate::web::office::application::application;
use crate::web::office::application::photo_file;
use crate::web::office::application::replace_photo;
use crate::web::office::notices::notices;
use crate::web::office::notices::publish;
use crate::web::office::notices::withdraw_notice;
use crate::web::office::officers::create_officer;
use crate::web::office::officers::officers;
use crate::web::office::queue::queue;
use crate::web::office::queue::search;
use crate::web::office::queue::search_page;
use crate::web::office::users::user_act;
use crate::web::office::users::user_page;
use crate::web::office::users::users;
use crate::web::office::users::users_page;
use crate::web::problem;
use crate::web::tr;
use zairyu_domain::error::Language as Lang;

mod application;
mod certificates;
mod form_facts;
mod notices;
mod officers;
pub(in crate::web) mod organizations;
mod queue;
mod steps;
mod users;

pub(in crate::web) use application::office_name;
pub(in crate::web) use queue::search_form;
pub(in crate::web) use users::users_table;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office",
        handler: || get(queue),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/search",
        handler: || get(search_page),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/search",
        handler: || post(search),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/applications/{id}",
        handler: || get(application),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/applications/{id}",
        handler: || post(act),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/applications/{id}/documents/{document}",
        handler: || get(application::open_document),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/applications/{id}/photo.jpg",
        handler: || get(photo_file),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/applications/{id}/photo",
        handler: || post(replace_photo),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/certificates",
        handler: || get(certificates::certificates),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/certificates",
        handler: || post(certificates::find),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/certificates/withdraw",
        handler: || post(certificates::withdraw),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/notices",
        handler: || get(notices),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/notices",
        handler: || post(publish),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/notices/{id}/withdraw",
        handler: || post(withdraw_notice),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/officers",
        handler: || get(officers),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/officers",
        handler: || post(create_officer),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/users",
        handler: || get(users_page),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/users",
        handler: || post(users),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/users/{user}",
        handler: || get(user_page),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/users/{user}",
        handler: || post(user_act),
    },
];

/// Applications counted per status at most (the count reads keys a page at a time): beyond, "10000+".
const COUNT_CAP: usize = 10_000;

/// A page of an officer: an organization's user is refused (403), anyone not logged in sent to log in.
pub struct OfficerVisit(pub Visit);

impl FromRequestParts<AppState> for OfficerVisit {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let v = Visit::from_request_parts(parts, state).await?;
        if v.caller.officer().is_err() {
            return Err(PageError::Problem(v.lang(), Box::new(Problem::from(ServiceError::Forbidden))));
        }
        Ok(Self(v))
    }
}

/// A service's refusal as an officer's page shows it; a refusal for want of a role names the roles the
/// officer has and who can give another (item 5: every refused action explains why).
pub(super) fn refused_by(v: &Visit) -> impl Fn(ServiceError) -> PageError + '_ {
    move |e| match e {
        ServiceError::Forbidden => {
            let mut p = Problem::from(ServiceError::Forbidden);
            let roles = |lang| {
                let names: Vec<&str> = v.page.officer_roles.iter().map(|r| short_role(lang, *r)).collect();
                names.join(tr(lang, "、", ", "))
            };
            p.detail_ja = format!(
                "あなたの役割（{}）では、この処理はできません。役割の追加は、官署の管理者に依頼してください。",
                roles(Lang::Ja)
            );
            p.detail = format!(
                "Your roles ({}) do not allow this. An admin of your office can give you another role.",
                roles(Lang::En)
            );
            PageError::Problem(v.lang(), Box::new(p))
        }
        e => problem(v.lang())(e),
    }
}

fn short_role(lang: Lang, r: OfficerRole) -> &'static str {
    match r {
        OfficerRole::Counter => tr(lang, "窓口", "counter"),
        OfficerRole::Examiner => tr(lang, "審査", "examination"),
        OfficerRole::Issuance => tr(lang, "交付", "issuance"),
        OfficerRole::Admin => tr(lang, "管理者", "admin"),
    }
}

fn status_label(lang: Lang, s: ApplicationStatus) -> &'static str {
    tr(lang, s.office_label_ja(), s.office_label_en())
}
