use crate::web::Field;
use crate::web::Fields;
use crate::web::PageCtx;
use crate::web::tr_owned;
use maud::{Markup, html};
use zairyu_app::services::examination::OfficeAction;
use zairyu_domain::application::{Application, Collector, OfficeStep};
use zairyu_domain::error::Language as Lang;
use zairyu_domain::form::Attachment;
use zairyu_domain::jst::JstDate;
use zairyu_domain::period::PeriodOfStay;

/// The form of one step: its fields, the e-mail it sends, and for a step that cannot be undone a box to
/// tick that says so.
pub(super) fn step_form(ctx: &PageCtx, app: &Application, step: OfficeStep) -> Markup {
    let code = step.code();
    let (title, mail, final_step) = step_text(ctx, step);
    if step == OfficeStep::ReplacePhoto {
        return html! {
            form.panel.step #photo-form method="post" action=(format!("/office/applications/{}/photo", app.id())) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                h3 { (title) }
                div.field {
                    label for="photo-file" { (ctx.tr("差し替える写真（JPEG、50KB以下）", "The new photo (JPEG, at most 50 KB)")) }
                    span.hint { (ctx.tr("誤って添付された顔写真を差し替えます。", "Replaces a wrongly attached photo.")) }
                    input type="file" id="photo-file" name="photo" accept="image/jpeg";
                }
                div.actions { button.secondary type="submit" { (ctx.tr("写真を差し替える", "Replace the photo")) } }
            }
        };
    }
    html! {
        form.panel.step method="post" action=(format!("/office/applications/{}", app.id())) {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            input type="hidden" name="step" value=(code);
            h3 { (title) }
            @match step {
                OfficeStep::Decide => {
                    p { (ctx.tr("許可する場合は、新しい在留期間と満了日を入力してください。", "To permit, enter the new period of stay and its expiry date.")) }
                    (Field { id: "period_of_stay", label: ctx.tr("在留期間", "Period of stay"), kind: "text", value: "", required: false,
                             hint: Some(ctx.tr("例：3年、1年6か月", "e.g. 3 years, 1 year 6 months")), error: None, autocomplete: "off" }.render(ctx.lang))
                    (Field { id: "expiry_date", label: ctx.tr("在留期間の満了日", "Expiry date of the new period"), kind: "text", value: "", required: false,
                             hint: Some(ctx.tr("例：2030-01-20", "e.g. 2030-01-20")), error: None, autocomplete: "off" }.render(ctx.lang))
                },
                OfficeStep::RecordPostDocuments => {
                    @let docs = app.post_documents();
                    fieldset {
                        legend.label { (ctx.tr("届いたもの", "What arrived")) }
                        @for (name, checked, ja, en) in [("fee_notice_received", docs.fee_notice_received, "手数料納付書（収入印紙）", "The fee payment notice (revenue stamps)"),
                                                          ("fee_notice_signed", docs.fee_notice_signed, "申請人の署名", "The applicant's signature on it"),
                                                          ("old_card_returned", docs.old_card_returned, "現在の在留カード", "The current residence card")] {
                            div.choice {
                                input type="checkbox" id=(name) name=(name) value="yes" checked[checked];
                                label for=(name) { (ctx.tr(ja, en)) }
                            }
                        }
                    }
                },
                OfficeStep::IssueCardByPost => {
                    (Field { id: "dispatched_on", label: ctx.tr("発送日", "Posted on"), kind: "text", value: "", required: true,
                             hint: Some(ctx.tr("例：2026-12-10", "e.g. 2026-12-10")), error: None, autocomplete: "off" }.render(ctx.lang))
                },
                OfficeStep::RecordDelivery => {
                    (Field { id: "delivered_on", label: ctx.tr("配達日", "Delivered on"), kind: "text", value: "", required: true,
                             hint: Some(ctx.tr("郵便の記録の日付（例：2026-12-12）。この日に許可の効力が生じます。", "The day on the postal record (e.g. 2026-12-12): the permission took effect that day.")), error: None, autocomplete: "off" }.render(ctx.lang))
                },
                OfficeStep::HandOverAtCounter => {
                    fieldset {
                        legend.label { (ctx.tr("受け取った人", "Collected by")) }
                        @for (value, ja, en) in [("applicant", "申請人本人", "The applicant"), ("user", "申請した利用者", "The user who filed"),
                                                  ("third_party", "それ以外の人（交付できません）", "Someone else (the card cannot be handed over)")] {
                            div.choice {
                                input type="radio" id=(format!("collector-{value}")) name="collector" value=(value);
                                label for=(format!("collector-{value}")) { (ctx.tr(ja, en)) }
                            }
                        }
                    }
                    div.choice {
                        input type="checkbox" id="fee_notice_signed" name="fee_notice_signed" value="yes";
                        label for="fee_notice_signed" { (ctx.tr("署名のある手数料納付書を受け取った", "A signed fee payment notice was handed in")) }
                    }
                },
                _ => {}
            }
            @if let Some(mail) = mail { p.hint { (ctx.tr("送られるメール：", "E-mail sent: ")) (mail) } }
            @if final_step {
                div.choice {
                    input type="checkbox" id=(format!("confirm-{code}")) name="confirm" value="yes";
                    label for=(format!("confirm-{code}")) { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
                }
            }
            @match step {
                OfficeStep::Decide => div.actions {
                    button type="submit" name="decision" value="permit" { (ctx.tr("許可する", "Permit")) }
                    " "
                    button.warning type="submit" name="decision" value="deny" { (ctx.tr("不許可にする", "Deny")) }
                },
                // A withdrawal ends what the applicant asked for: styled as the warning it is (#32 item 7).
                OfficeStep::Withdraw | OfficeStep::WithdrawAttachment(_) => div.actions { button.warning type="submit" { (title) } },
                _ => div.actions { button type="submit" { (title) } },
            }
        }
    }
}

/// A step's name, the e-mail it sends the filing user (if any), and whether it cannot be undone.
pub(super) fn step_text(ctx: &PageCtx, step: OfficeStep) -> (&'static str, Option<&'static str>, bool) {
    let t = |ja, en| ctx.tr(ja, en);
    match step {
        OfficeStep::StartExamination => (t("審査を開始する", "Start the examination"), None, false),
        OfficeStep::RequestDocuments => (
            t("資料の提出を求める", "Ask for documents"),
            Some(t("資料の提出のお願い（申請した利用者あて）", "a request for documents, to the user who filed")),
            false,
        ),
        OfficeStep::Decide => (
            t("許可・不許可を決定する", "Decide: permit or deny"),
            Some(t(
                "審査完了のお知らせ（許可の場合は手数料と受領の方法を含む）",
                "examination completed (when permitted, with the fee and how the card is received)",
            )),
            true,
        ),
        OfficeStep::RecordPostDocuments => {
            (t("郵送で届いたものを記録する", "Record what arrived by post"), None, false)
        }
        OfficeStep::IssueCardByPost => (
            t("在留カードを発送する", "Post the residence card"),
            Some(t("在留カード交付のお知らせ", "residence card issued")),
            true,
        ),
        OfficeStep::RedirectToCounter => (
            t("窓口での受領に切り替える", "Switch to collection at the counter"),
            Some(t("受領方法変更のお知らせ", "receipt method changed")),
            true,
        ),
        OfficeStep::RecordDelivery => (t("配達日を記録する", "Record the delivery day"), None, false),
        OfficeStep::HandOverAtCounter => (
            t("窓口で在留カードを交付する", "Hand over the card at the counter"),
            Some(t("在留カード交付のお知らせ", "residence card issued")),
            true,
        ),
        OfficeStep::ReplacePhoto => (t("顔写真を差し替える", "Replace the photo"), None, false),
        OfficeStep::WithdrawAttachment(Attachment::ReEntry) => (
            t("再入国許可申請だけを取り下げる", "Withdraw only the re-entry permission"),
            Some(t("取下げのお知らせ", "withdrawal")),
            true,
        ),
        OfficeStep::WithdrawAttachment(Attachment::ActivityOutsideStatus) => (
            t("資格外活動許可申請だけを取り下げる", "Withdraw only the activity permission"),
            Some(t("取下げのお知らせ", "withdrawal")),
            true,
        ),
        OfficeStep::Withdraw => {
            (t("申請を取り下げる", "Withdraw the application"), Some(t("取下げのお知らせ", "withdrawal")), true)
        }
    }
}

/// The office action a step's posted form asks for, or the fields' errors (field, message).
pub(super) fn action_of(fields: &Fields, lang: Lang) -> Result<OfficeAction, Vec<(String, String)>> {
    let err = |field: &str, ja: &str, en: &str| vec![(field.to_owned(), tr_owned(lang, ja, en))];
    let confirmed = || {
        if fields.get("confirm") == "yes" {
            Ok(())
        } else {
            let code = fields.get("step");
            Err(err(
                &format!("confirm-{code}"),
                "取り消せない処理です。確認の欄にチェックを入れてください。",
                "This cannot be undone: tick the box to confirm it.",
            ))
        }
    };
    let date = |name: &str| {
        JstDate::parse(fields.get(name))
            .map_err(|_| err(name, "日付を 2026-12-10 のように入力してください。", "Enter a date such as 2026-12-10."))
    };
    let flag = |name: &str| fields.get(name) == "yes";
    let Some(step) = OfficeStep::parse(fields.get("step")) else {
        return Err(err("actions", "処理が選ばれていません。", "No step was chosen."));
    };
    Ok(match step {
        OfficeStep::StartExamination => OfficeAction::StartExamination,
        OfficeStep::RequestDocuments => OfficeAction::RequestDocuments,
        OfficeStep::Decide => {
            confirmed()?;
            match fields.get("decision") {
                "deny" => OfficeAction::Deny,
                "permit" => {
                    let period = PeriodOfStay::parse(fields.get("period_of_stay"));
                    let expiry = date("expiry_date");
                    match (period, expiry) {
                        (Ok(period_of_stay), Ok(expiry_date)) => OfficeAction::Permit { period_of_stay, expiry_date },
                        (period, expiry) => {
                            let mut e = Vec::new();
                            if period.is_err() {
                                e.extend(err(
                                    "period_of_stay",
                                    "在留期間を 3Y のように入力してください。",
                                    "Enter the period such as 3Y.",
                                ));
                            }
                            if let Err(x) = expiry {
                                e.extend(x);
                            }
                            return Err(e);
                        }
                    }
                }
                _ => {
                    return Err(err(
                        "actions",
                        "「許可する」又は「不許可にする」のどちらかを押してください。",
                        "Press either Permit or Deny.",
                    ));
                }
            }
        }
        OfficeStep::RecordPostDocuments => OfficeAction::RecordPostDocuments {
            fee_notice_received: flag("fee_notice_received"),
            fee_notice_signed: flag("fee_notice_signed"),
            old_card_returned: flag("old_card_returned"),
        },
        OfficeStep::IssueCardByPost => {
            confirmed()?;
            OfficeAction::IssueCardByPost { dispatched_on: date("dispatched_on")? }
        }
        OfficeStep::RedirectToCounter => {
            confirmed()?;
            OfficeAction::RedirectToCounter
        }
        OfficeStep::RecordDelivery => OfficeAction::RecordDelivery { delivered_on: date("delivered_on")? },
        OfficeStep::HandOverAtCounter => {
            confirmed()?;
            let collector = match fields.get("collector") {
                "applicant" => Collector::Applicant,
                "user" => Collector::User,
                "third_party" => Collector::ThirdParty,
                _ => {
                    return Err(err(
                        "collector-applicant",
                        "受け取った人を選んでください。",
                        "Choose who collected the card.",
                    ));
                }
            };
            OfficeAction::HandOverAtCounter { collector, fee_notice_signed: flag("fee_notice_signed") }
        }
        OfficeStep::WithdrawAttachment(Attachment::ReEntry) => {
            confirmed()?;
            OfficeAction::WithdrawAttachment { attachment: Attachment::ReEntry }
        }
        OfficeStep::WithdrawAttachment(Attachment::ActivityOutsideStatus) => {
            confirmed()?;
            OfficeAction::WithdrawAttachment { attachment: Attachment::ActivityOutsideStatus }
        }
        OfficeStep::Withdraw => {
            confirmed()?;
            OfficeAction::Withdraw
        }
        // Its own multipart form (`replace_photo`).
        OfficeStep::ReplacePhoto => {
            return Err(err("photo-file", "写真ファイルを選んでください。", "Choose a photo file."));
        }
    })
}
