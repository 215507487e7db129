//! The counter of a regional immigration office: organizations, requests for use, the List of Affiliated Foreign Nationals, periodic reports and users (Q1–Q20, Q72–Q80, Q92–Q96).
use crate::ApiResult;
use crate::RouteSpec;
use crate::Wired;
use crate::cursor::Pages;
use crate::extract::Authenticated;
use crate::extract::JsonBody;
use crate::extract::QueryArgs;
use crate::routes::B;
use crate::routes::F;
use crate::routes::Json;
use crate::routes::R;
use crate::routes::query_schema;
use crate::routes::schema;
use crate::views::ForeignNationalView;
use crate::views::OrganizationView;
use crate::views::PageView;
use crate::views::UserView;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::delete;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde::Deserialize;
use zairyu_app::Counter;

pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations",
        summary: "Counter: register an organization of affiliation",
        session: true,
        body: B::Json(schema::<zairyu_app::services::counter::OrganizationInput>),
        query: None,
        reply: R::Json(schema::<OrganizationView>),
        responses: &[201, 400, 401, 403, 415, 422],
        handler: || post(register_organization),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/organizations/{org}",
        summary: "Counter: one organization",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<OrganizationView>),
        responses: &[200, 401, 403, 404],
        handler: || get(office_organization),
    },
    RouteSpec {
        function: F::Office,
        method: "PUT",
        path: "/api/office/organizations/{org}",
        summary: "Counter: record a change of name or location",
        session: true,
        body: B::Json(schema::<OrganizationChange>),
        query: None,
        reply: R::Json(schema::<OrganizationView>),
        responses: &[200, 400, 401, 403, 404, 415, 422],
        handler: || put(change_organization),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations/{org}/requests-for-use",
        summary: "Counter: record a new or additional request for use",
        session: true,
        body: B::Json(schema::<zairyu_app::services::counter::RequestForUseInput>),
        query: None,
        reply: R::Json(schema::<zairyu_domain::request_for_use::RequestForUse>),
        responses: &[201, 400, 401, 403, 404, 415, 422],
        handler: || post(record_request_for_use),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations/{org}/requests-for-use/{id}/decision",
        summary: "Counter: approve (user ID, approval dates, password link e-mail) or deny a request for use",
        session: true,
        body: B::Json(schema::<Decision>),
        query: None,
        reply: R::Json(schema::<zairyu_domain::request_for_use::RequestForUse>),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(decide_request_for_use),
    },
    RouteSpec {
        function: F::Office,
        method: "PUT",
        path: "/api/office/organizations/{org}/foreign-nationals/{card}",
        summary: "Counter: add or update a person on the List of Affiliated Foreign Nationals",
        session: true,
        body: B::Json(schema::<zairyu_app::services::counter::ForeignNationalInput>),
        query: None,
        reply: R::Json(schema::<ForeignNationalView>),
        responses: &[200, 400, 401, 403, 404, 415, 422],
        handler: || put(put_foreign_national),
    },
    RouteSpec {
        function: F::Office,
        method: "DELETE",
        path: "/api/office/organizations/{org}/foreign-nationals/{card}",
        summary: "Counter: remove a person from the list",
        session: true,
        body: B::None,
        query: None,
        reply: R::Empty,
        responses: &[204, 401, 403, 404],
        handler: || delete(remove_foreign_national),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/organizations/{org}/periodic-reports",
        summary: "Counter: approve (old expiry + 1 year, resumes use) or deny a periodic report",
        session: true,
        body: B::Json(schema::<Decision>),
        query: None,
        reply: R::Json(schema::<OrganizationView>),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(decide_periodic_report),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/notices",
        summary: "Admins: publish a notice on the top screen, with a planned maintenance window if any",
        session: true,
        body: B::Json(schema::<zairyu_domain::notice::NoticeInput>),
        query: None,
        reply: R::Json(schema::<zairyu_domain::notice::Notice>),
        responses: &[201, 400, 401, 403, 415, 422],
        handler: || post(publish_notice),
    },
    RouteSpec {
        function: F::Office,
        method: "DELETE",
        path: "/api/office/notices/{id}",
        summary: "Admins: withdraw a notice",
        session: true,
        body: B::None,
        query: None,
        reply: R::Empty,
        responses: &[204, 401, 403, 404],
        handler: || delete(withdraw_notice),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/users/search",
        summary: "Counter: the users with this e-mail address that the office serves, to tell a forgotten user ID; the address in the body, never in a URL",
        session: true,
        body: B::Json(schema::<EmailSearch>),
        query: None,
        reply: R::Json(schema::<PageView<UserView>>),
        responses: &[200, 400, 401, 403, 422],
        handler: || post(users_by_email),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/organizations/{org}/users",
        summary: "Counter: an organization's users, by a part of the name when given",
        session: true,
        body: B::None,
        query: Some(query_schema::<NameQuery>),
        reply: R::Json(schema::<PageView<UserView>>),
        responses: &[200, 400, 401, 403, 404],
        handler: || get(organization_users),
    },
    RouteSpec {
        function: F::Office,
        method: "GET",
        path: "/api/office/users/{user}",
        summary: "Counter: confirm a user",
        session: true,
        body: B::None,
        query: None,
        reply: R::Json(schema::<UserView>),
        responses: &[200, 401, 403, 404],
        handler: || get(office_user),
    },
    RouteSpec {
        function: F::Office,
        method: "POST",
        path: "/api/office/users/{user}/actions",
        summary: "Counter: suspend, resume, cancel, delete an agent, reset a password, lift a lockout",
        session: true,
        body: B::Json(schema::<zairyu_app::services::counter::UserAction>),
        query: None,
        reply: R::Json(schema::<UserView>),
        responses: &[200, 400, 401, 403, 404, 409, 415, 422],
        handler: || post(office_user_action),
    },
];

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OrganizationChange {
    name: Option<String>,
    location: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Decision {
    approve: bool,
}

async fn register_organization(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    JsonBody(b): JsonBody<zairyu_app::services::counter::OrganizationInput>,
) -> ApiResult<(StatusCode, Json<OrganizationView>)> {
    let org = counter.register_organization(&auth.caller, &b).await?;
    Ok((StatusCode::CREATED, Json(OrganizationView::from(&org))))
}

async fn office_organization(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(org): Path<String>,
) -> ApiResult<Json<OrganizationView>> {
    Ok(Json(OrganizationView::from(&counter.office_organization(&auth.caller, &org).await?)))
}

async fn change_organization(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(org): Path<String>,
    JsonBody(b): JsonBody<OrganizationChange>,
) -> ApiResult<Json<OrganizationView>> {
    let org = counter.change_organization(&auth.caller, &org, b.name.as_deref(), b.location.as_deref()).await?;
    Ok(Json(OrganizationView::from(&org)))
}

async fn record_request_for_use(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(org): Path<String>,
    JsonBody(b): JsonBody<zairyu_app::services::counter::RequestForUseInput>,
) -> ApiResult<(StatusCode, Json<zairyu_domain::request_for_use::RequestForUse>)> {
    Ok((StatusCode::CREATED, Json(counter.record_request_for_use(&auth.caller, &org, &b).await?)))
}

async fn decide_request_for_use(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path((org, id)): Path<(String, String)>,
    JsonBody(b): JsonBody<Decision>,
) -> ApiResult<Json<zairyu_domain::request_for_use::RequestForUse>> {
    Ok(Json(counter.decide_request_for_use(&auth.caller, &org, &id, b.approve).await?))
}

async fn put_foreign_national(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path((org, card)): Path<(String, String)>,
    JsonBody(mut b): JsonBody<zairyu_app::services::counter::ForeignNationalInput>,
) -> ApiResult<Json<ForeignNationalView>> {
    b.residence_card_number = card;
    Ok(Json(ForeignNationalView::from(&counter.put_foreign_national(&auth.caller, &org, &b).await?)))
}

async fn remove_foreign_national(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path((org, card)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    counter.remove_foreign_national(&auth.caller, &org, &card).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn decide_periodic_report(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(org): Path<String>,
    JsonBody(b): JsonBody<Decision>,
) -> ApiResult<Json<OrganizationView>> {
    Ok(Json(OrganizationView::from(&counter.decide_periodic_report(&auth.caller, &org, b.approve).await?)))
}

async fn publish_notice(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    JsonBody(input): JsonBody<zairyu_domain::notice::NoticeInput>,
) -> ApiResult<(StatusCode, Json<zairyu_domain::notice::Notice>)> {
    Ok((StatusCode::CREATED, Json(counter.publish_notice(&auth.caller, &input).await?)))
}

async fn withdraw_notice(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    counter.withdraw_notice(&auth.caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A search by e-mail address: in a body, so the address is in no URL (and no log of URLs).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct EmailSearch {
    email: String,
    cursor: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::optional_whole_u32")]
    limit: Option<u32>,
}

async fn users_by_email(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    pages: Pages,
    JsonBody(q): JsonBody<EmailSearch>,
) -> ApiResult<Json<PageView<UserView>>> {
    let pages = pages.filtered(&q.email);
    let (after, limit) = pages.args(q.cursor.as_deref(), q.limit)?;
    let page = counter.users_by_email(&auth.caller, &q.email, after, limit).await?;
    Ok(Json(pages.view(page.items.iter().map(UserView::from).collect(), page.next)?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct NameQuery {
    name: Option<String>,
}

async fn organization_users(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(org): Path<String>,
    QueryArgs(q): QueryArgs<NameQuery>,
) -> ApiResult<Json<PageView<UserView>>> {
    let users = counter.organization_users(&auth.caller, &org, q.name.as_deref()).await?;
    Ok(Json(PageView { items: users.iter().map(UserView::from).collect(), next_cursor: None }))
}

async fn office_user(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(user): Path<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&counter.office_user(&auth.caller, &user).await?.user)))
}

async fn office_user_action(
    Wired(counter): Wired<Counter>,
    auth: Authenticated,
    Path(user): Path<String>,
    JsonBody(b): JsonBody<zairyu_app::services::counter::UserAction>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::from(&counter.office_user_action(&auth.caller, &user, b).await?)))
}
