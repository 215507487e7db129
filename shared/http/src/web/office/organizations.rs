//! Organizations as the office's pages show them: their kind and state of use in words, and a table of them.

use crate::web::PageCtx;
use zairyu_domain::organization::OrganizationKind;

pub(in crate::web) fn kind_label(ctx: &PageCtx, k: OrganizationKind) -> &'static str {
    match k {
        OrganizationKind::Corporation => ctx.tr("法人", "Corporation"),
        OrganizationKind::SupervisingOrganization => ctx.tr("監理団体", "Supervising organization"),
        OrganizationKind::IndividualBusiness => ctx.tr("個人事業主", "Individual business"),
    }
}

pub(in crate::web) fn use_state_label(ctx: &PageCtx, s: zairyu_domain::organization::UseState) -> &'static str {
    use zairyu_domain::organization::UseState;
    match s {
        UseState::Active => ctx.tr("利用中", "In use"),
        UseState::Suspended => ctx.tr("利用停止中", "Suspended"),
        UseState::Cancelled => ctx.tr("利用取消し", "Cancelled"),
    }
}

/// Organizations in a table: each by name (to its page), its kind, its state of use and its approval.
pub(in crate::web) fn organizations_table(
    ctx: &PageCtx,
    caption: &str,
    orgs: &[zairyu_domain::organization::Organization],
) -> maud::Markup {
    crate::web::data_table(
        ctx,
        caption,
        &[("名称", "Name"), ("種別", "Kind"), ("利用の状態", "State of use"), ("利用承認の期限", "Approved until")],
        maud::html! {
            @for o in orgs {
                tr {
                    th scope="row" { a href=(format!("/office/organizations/{}", o.id())) { (o.profile().name.as_str()) } }
                    td { (kind_label(ctx, o.profile().kind)) }
                    td { (use_state_label(ctx, o.use_state())) }
                    td { (o.approval().map_or_else(|| ctx.tr("未承認", "Not approved").to_owned(), |a| a.expires_on.to_string())) }
                }
            }
        },
    )
}
