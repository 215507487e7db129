//! The counter's pages for organizations (#18 item 3): registering an organization and changing its name or
//! location (Q1–Q3, Q15, Q78); its requests for use, recorded, approved (the user ID and the link to set a
//! password e-mailed) or denied (Q1–Q20); its periodic report approved or not (Q72–Q76, suspension and
//! resumption); its List of Affiliated Foreign Nationals, added to, corrected and removed from (Q80); and
//! its users, found by name (Q93, Q94). The same services as `/api/office/organizations/*` decide what an
//! officer may see and do: another office's organization is not found, a role that may not act is refused.

use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_app::ServiceError;
use zairyu_domain::request_for_use::{RequestKind, RequestState};

use super::Audience;
use crate::Problem;
use crate::function::Function;
use crate::web::PageCtx;
use crate::web::PageSpec;
use crate::web::counter::list_upload::list_file;
use crate::web::counter::list_upload::list_template;
use crate::web::counter::organization::organization;
use crate::web::counter::organization::organization_act;
use crate::web::counter::organizations::organizations;
use crate::web::counter::organizations::register;
use crate::web::counter::people::people;
use crate::web::counter::people::people_act;
use crate::web::messages;
use zairyu_domain::error::Language as Lang;

mod list_upload;
mod organization;
mod organizations;
mod people;

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/organizations",
        handler: || get(organizations),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations",
        handler: || post(register),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/organizations/{org}",
        handler: || get(organization),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations/{org}",
        handler: || post(organization_act),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/organizations/{org}/foreign-nationals",
        handler: || get(people),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations/{org}/foreign-nationals",
        handler: || post(people_act),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "POST",
        path: "/office/organizations/{org}/foreign-nationals/file",
        handler: || post(list_file),
    },
    PageSpec {
        function: Function::Office,
        audience: Audience::Officer,
        method: "GET",
        path: "/office/foreign-nationals-template.csv",
        handler: || get(list_template),
    },
];

/// What a page says was just done (`?done=…`, after a post's redirect), and the users' name filter.
#[derive(Deserialize, Default)]
struct OrgArgs {
    #[serde(default)]
    done: String,
    #[serde(default)]
    user_name: String,
}

fn done_notice(ctx: &PageCtx, done: &str) -> Markup {
    let text = match done {
        "" => return html! {},
        "registered" => ctx.tr("所属機関を登録しました。", "The organization is registered."),
        "changed" => ctx.tr("名称・所在地の変更を記録しました。", "The change of name or location is recorded."),
        "recorded" => ctx.tr("利用申出を記録しました。", "The request for use is recorded."),
        "approved" => ctx.tr(
            "利用申出を承認しました。利用者IDとパスワード設定のリンクを申出者にメールで送りました。",
            "The request for use is approved; the user ID and the link to set a password were e-mailed to the requester.",
        ),
        "denied" => {
            ctx.tr("利用申出を承認しないことを記録し、申出者に通知しました。", "The request for use is denied; the requester is told.")
        }
        "report_approved" => ctx.tr(
            "定期報告を承認しました。利用承認の期限を1年延長し、全利用者に通知しました。",
            "The periodic report is approved: the approval runs a year longer, and every user is told.",
        ),
        "report_denied" => ctx.tr(
            "定期報告を承認しないことを記録し、全利用者に通知しました。",
            "The periodic report is not approved; every user is told.",
        ),
        "saved" => ctx.tr("一覧に登録しました。", "The list is updated."),
        "removed" => ctx.tr("一覧から削除しました。", "The person is removed from the list."),
        "file" => ctx.tr("ファイルの全員を一覧に登録しました。", "Everyone in the file is on the list."),
        _ => ctx.tr("処理を記録しました。", "Done: the step is recorded."),
    };
    html! { div.notice role="status" { p { (text) } } }
}

use crate::web::office::organizations::{kind_label, organizations_table, use_state_label};

fn request_kind_label(ctx: &PageCtx, k: RequestKind) -> &'static str {
    match k {
        RequestKind::New => ctx.tr("新規利用申出", "New request"),
        RequestKind::Additional => ctx.tr("追加利用申出", "Additional request"),
    }
}

fn request_state_label(ctx: &PageCtx, s: RequestState) -> &'static str {
    match s {
        RequestState::Pending => ctx.tr("未処理", "Waiting for a decision"),
        RequestState::Approved => ctx.tr("承認", "Approved"),
        RequestState::Denied => ctx.tr("不承認", "Denied"),
    }
}

/// A refusal's messages, each under a field the page has (`anchor` for those about no field of its form).
fn refusal(lang: Lang, e: ServiceError, fields: &[&str], anchor: &str) -> Vec<(String, String)> {
    messages(lang, &Problem::from(e))
        .into_iter()
        .map(|(f, m)| (if fields.contains(&f.as_str()) { f } else { anchor.to_owned() }, m))
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Organizations: the office's requests waiting, and registering one (Q1–Q3, Q15)
