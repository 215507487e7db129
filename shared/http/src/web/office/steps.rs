use crate::web::Fields;
use crate::web::PageCtx;
use crate::web::form::{Form, confirm_missing};
use crate::web::tr_owned;
use maud::{Markup, html};
use zairyu_app::services::examination::OfficeAction;
use zairyu_domain::application::{Application, Collector, OfficeStep};
use zairyu_domain::error::Language as Lang;
use zairyu_domain::form::Attachment;
use zairyu_domain::jst::JstDate;
use zairyu_domain::period::PeriodOfStay;

/// A step the office posted and the page shows again, refused: what was typed, and why.
pub(super) struct Posted<'a> {
    /// The step posted (none when the form named no step it knows).
    pub step: Option<OfficeStep>,
    pub fields: &'a Fields,
    pub errors: &'a [(String, String)],
}

impl Posted<'_> {
    /// The anchor of a step's form, where an error about the step as a whole is shown.
    pub fn anchor(step: OfficeStep) -> String {
        format!("step-{}", step.code())
    }
}

/// The form of one step: its fields, the e-mail it sends, and for a step that cannot be undone a box to
/// tick that says so. A refused post of this step shows again what was typed, each error beside its field.
pub(super) fn step_form(
    ctx: &PageCtx,
    app: &Application,
    step: OfficeStep,
    posted: Option<&Posted>,
    today: JstDate,
) -> Markup {
    let code = step.code();
    let here = posted.filter(|p| p.step == Some(step));
    let f = Form { ctx, errors: here.map_or(&[], |p| p.errors) };
    let typed = |name: &str| here.map_or("", |p| p.fields.get(name)).to_owned();
    let anchor = Posted::anchor(step);
    let (title, mail) = step_text(ctx, step, app.procedure().issues_card());
    let step_error = html! {
        @if let Some(e) = f.error(&anchor) {
            p.field-error { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) }
        }
    };
    if step == OfficeStep::ReplacePhoto {
        let error = f.error("photo-file");
        return html! {
            form.panel.step #(anchor) method="post" action=(format!("/office/applications/{}/photo", app.id())) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                h3 { (title) }
                (step_error)
                div.field.invalid[error.is_some()] {
                    label for="photo-file" { (ctx.tr("差し替える写真（JPEG、50KB以下）", "The new photo (JPEG, at most 50 KB)")) }
                    span.hint id="photo-file-hint" { (ctx.tr("誤って添付された顔写真を差し替えます。", "Replaces a wrongly attached photo.")) }
                    @if let Some(e) = error {
                        span.field-error id="photo-file-error" { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) }
                    }
                    input type="file" id="photo-file" name="photo" accept="image/jpeg" aria-describedby="photo-file-hint"
                        aria-invalid=[error.map(|_| "true")];
                }
                div.actions { button.secondary type="submit" { (ctx.tr("写真を差し替える", "Replace the photo")) } }
            }
        };
    }
    let confirm_id = format!("confirm-{code}");
    html! {
        form.panel.step #(anchor) method="post" action=(format!("/office/applications/{}", app.id())) {
            input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
            input type="hidden" name="step" value=(code);
            h3 { (title) }
            (step_error)
            @match step {
                OfficeStep::Decide if !app.procedure().issues_card() => {
                    p { (ctx.tr("証明書を交付する場合は「交付する」を押してください。在留期間は変わりません。",
                                "To issue the certificate, press Issue. The period of stay does not change.")) }
                },
                OfficeStep::Decide => {
                    p { (ctx.tr("許可する場合は、新しい在留期間を選んでください。満了日は現在の満了日の翌日から数えて決まります。",
                                "To permit, choose the new period of stay. Its expiry follows from it, counted from the day after the current expiry.")) }
                    @let other = typed("period_other");
                    @let (options, chosen) = period_options(ctx, app, &typed("period"), &other, today);
                    (f.options("period", ctx.tr("新しい在留期間", "New period of stay"), false, &chosen, &options, None))
                    (f.text("period_other", "その他の期間", "Another period", &other, false, Some(("「その他の期間」を選んだときに入力します（例：2年、1年6か月）。押すと満了日を示しますので、確かめてからもう一度押してください。",
                        "When you choose another period (e.g. 2 years, 1 year 6 months). You are shown its expiry to check before you permit."))))
                },
                OfficeStep::RecordPostDocuments => {
                    @let docs = app.post_documents();
                    fieldset {
                        legend.label { (ctx.tr("届いたもの", "What arrived")) }
                        @let card = app.procedure().issues_card();
                        @for (name, recorded, ja, en) in [("fee_notice_received", docs.fee_notice_received, "手数料納付書（収入印紙）", "The fee payment notice (revenue stamps)"),
                                                          ("fee_notice_signed", docs.fee_notice_signed, "申請人の署名", "The applicant's signature on it"),
                                                          ("old_card_returned", docs.old_card_returned, "現在の在留カード", "The current residence card")].into_iter().filter(|(name, ..)| card || *name != "old_card_returned") {
                            @let checked = if here.is_some() { typed(name) == "yes" } else { recorded };
                            div.choice {
                                input type="checkbox" id=(name) name=(name) value="yes" checked[checked];
                                label for=(name) { (ctx.tr(ja, en)) }
                            }
                        }
                    }
                },
                OfficeStep::IssueCardByPost => {
                    (f.text("dispatched_on", "発送日", "Posted on", &typed("dispatched_on"), true, Some(("例：2026-12-10", "e.g. 2026-12-10"))))
                },
                OfficeStep::RecordDelivery => {
                    // A permission takes effect on delivery; a certificate permits nothing.
                    @let hint = if app.procedure().issues_card() {
                        ("郵便の記録の日付（例：2026-12-12）。この日に許可の効力が生じます。", "The day on the postal record (e.g. 2026-12-12): the permission took effect that day.")
                    } else {
                        ("郵便の記録の日付（例：2026-12-12）。", "The day on the postal record (e.g. 2026-12-12).")
                    };
                    (f.text("delivered_on", "配達日", "Delivered on", &typed("delivered_on"), true, Some(hint)))
                },
                OfficeStep::HandOverAtCounter => {
                    (f.choice("collector", ("受け取った人", "Collected by"), &typed("collector"),
                        &[("applicant", "申請人本人", "The applicant"), ("user", "申請した利用者", "The user who filed"),
                          ("third_party", "それ以外の人（交付できません）", "Someone else (it cannot be handed over)")], None))
                    div.choice {
                        input type="checkbox" id="fee_notice_signed" name="fee_notice_signed" value="yes" checked[typed("fee_notice_signed") == "yes"];
                        label for="fee_notice_signed" { (ctx.tr("署名のある手数料納付書を受け取った", "A signed fee payment notice was handed in")) }
                    }
                },
                _ => {}
            }
            @if let Some(mail) = mail { p.hint { (ctx.tr("送られるメール：", "E-mail sent: ")) (mail) } }
            @if cannot_be_undone(step) { (f.confirm(&confirm_id, typed("confirm") == "yes")) }
            @match step {
                OfficeStep::Decide if !app.procedure().issues_card() => div.actions {
                    button type="submit" name="decision" value="issue" { (ctx.tr("交付する", "Issue")) }
                    " "
                    button.warning type="submit" name="decision" value="deny" { (ctx.tr("交付しない", "Refuse")) }
                },
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

/// The periods the office chooses from, each with the expiry it gives: the one asked for first, then the
/// commonly granted ones, and another period typed earlier (to be checked before permitting). Which is
/// chosen: the one posted, or the typed one once it is listed.
fn period_options(
    ctx: &PageCtx,
    app: &Application,
    chosen: &str,
    other: &str,
    today: JstDate,
) -> (Vec<(String, String)>, String) {
    let asked = app.form().desired_period();
    let typed = (chosen == "other").then(|| PeriodOfStay::parse(other).ok()).flatten();
    let mut periods: Vec<PeriodOfStay> = asked.into_iter().collect();
    for p in PeriodOfStay::commonly_granted().into_iter().chain(typed) {
        if !periods.contains(&p) {
            periods.push(p);
        }
    }
    let mut options: Vec<(String, String)> = periods
        .iter()
        .filter_map(|p| {
            // A person abroad has no stay to give a period (their certificate is issued, not permitted).
            let until = app.permitted_expiry(*p, today)?;
            let words = match ctx.lang {
                Lang::Ja => format!("{}（満了日 {until}）", p.words(ctx.lang)),
                Lang::En => format!("{} (until {until})", p.words(ctx.lang)),
            };
            let words = if Some(*p) == asked {
                format!("{words}{}", ctx.tr("：申請人の希望", ": as asked for"))
            } else {
                words
            };
            Some((p.to_string(), words))
        })
        .collect();
    options.push(("other".to_owned(), ctx.tr("その他の期間", "Another period").to_owned()));
    let chosen = typed.map_or_else(|| chosen.to_owned(), |p| p.to_string());
    (options, chosen)
}

/// A step's name and the e-mail it sends the filing user (if any).
pub(super) fn step_text(ctx: &PageCtx, step: OfficeStep, card: bool) -> (&'static str, Option<&'static str>) {
    let t = |ja, en| ctx.tr(ja, en);
    let certificate_issued = Some(t("証明書交付のお知らせ", "certificate issued"));
    match step {
        // A certificate's steps: what is decided, posted and handed over is the certificate.
        OfficeStep::Decide if !card => (
            t("交付・不交付を決定する", "Decide: issue or refuse"),
            Some(t(
                "審査完了のお知らせ（交付の場合は手数料と受領の方法を含む）",
                "examination completed (when issued, with the fee and how the certificate is received)",
            )),
        ),
        OfficeStep::IssueCardByPost if !card => (t("証明書を発送する", "Post the certificate"), certificate_issued),
        OfficeStep::HandOverAtCounter if !card => {
            (t("窓口で証明書を交付する", "Hand over the certificate at the counter"), certificate_issued)
        }
        OfficeStep::StartExamination => (t("審査を開始する", "Start the examination"), None),
        OfficeStep::RequestDocuments => (
            t("資料の提出を求める", "Ask for documents"),
            Some(t("資料の提出のお願い（申請した利用者あて）", "a request for documents, to the user who filed")),
        ),
        OfficeStep::Decide => (
            t("許可・不許可を決定する", "Decide: permit or deny"),
            Some(t(
                "審査完了のお知らせ（許可の場合は手数料と受領の方法を含む）",
                "examination completed (when permitted, with the fee and how the card is received)",
            )),
        ),
        OfficeStep::RecordPostDocuments => (t("郵送で届いたものを記録する", "Record what arrived by post"), None),
        OfficeStep::IssueCardByPost => (
            t("在留カードを発送する", "Post the residence card"),
            Some(t("在留カード交付のお知らせ", "residence card issued")),
        ),
        OfficeStep::RedirectToCounter => (
            t("窓口での受領に切り替える", "Switch to collection at the counter"),
            Some(t("受領方法変更のお知らせ", "receipt method changed")),
        ),
        OfficeStep::RecordDelivery => (t("配達日を記録する", "Record the delivery day"), None),
        OfficeStep::HandOverAtCounter => (
            t("窓口で在留カードを交付する", "Hand over the card at the counter"),
            Some(t("在留カード交付のお知らせ", "residence card issued")),
        ),
        OfficeStep::ReplacePhoto => (t("顔写真を差し替える", "Replace the photo"), None),
        OfficeStep::WithdrawAttachment(Attachment::ReEntry) => (
            t("再入国許可申請だけを取り下げる", "Withdraw only the re-entry permission"),
            Some(t("取下げのお知らせ", "withdrawal")),
        ),
        OfficeStep::WithdrawAttachment(Attachment::ActivityOutsideStatus) => (
            t("資格外活動許可申請だけを取り下げる", "Withdraw only the activity permission"),
            Some(t("取下げのお知らせ", "withdrawal")),
        ),
        OfficeStep::Withdraw => {
            (t("申請を取り下げる", "Withdraw the application"), Some(t("取下げのお知らせ", "withdrawal")))
        }
    }
}

/// Whether a step cannot be undone: its form asks the officer to confirm that.
pub(super) fn cannot_be_undone(step: OfficeStep) -> bool {
    match step {
        OfficeStep::Decide
        | OfficeStep::IssueCardByPost
        | OfficeStep::RedirectToCounter
        | OfficeStep::HandOverAtCounter
        | OfficeStep::WithdrawAttachment(_)
        | OfficeStep::Withdraw => true,
        OfficeStep::StartExamination
        | OfficeStep::RequestDocuments
        | OfficeStep::RecordPostDocuments
        | OfficeStep::RecordDelivery
        | OfficeStep::ReplacePhoto => false,
    }
}

/// The office action a step's posted form asks for, or the fields' errors (field, message). Another period
/// of stay typed for a permission is first shown with its expiry to check (an error on the period).
pub(super) fn action_of(
    fields: &Fields,
    lang: Lang,
    app: &Application,
    today: JstDate,
) -> Result<OfficeAction, Vec<(String, String)>> {
    let err = |field: &str, ja: &str, en: &str| vec![(field.to_owned(), tr_owned(lang, ja, en))];
    let Some(step) = OfficeStep::parse(fields.get("step")) else {
        return Err(err("actions", "処理が選ばれていません。", "No step was chosen."));
    };
    let mut errors = Vec::new();
    if cannot_be_undone(step) && fields.get("confirm") != "yes" {
        errors.push(confirm_missing(lang, format!("confirm-{}", step.code())));
    }
    let mut date = |name: &str| match JstDate::parse(fields.get(name)) {
        Ok(d) => Some(d),
        Err(_) => {
            let (ja, en) = if fields.get(name).is_empty() {
                ("日付を入力してください。", "Enter the date.")
            } else {
                ("日付を 2026-12-10 のように入力してください。", "Enter the date like 2026-12-10.")
            };
            errors.extend(err(name, ja, en));
            None
        }
    };
    let flag = |name: &str| fields.get(name) == "yes";
    let action = match step {
        OfficeStep::StartExamination => Some(OfficeAction::StartExamination),
        OfficeStep::RequestDocuments => Some(OfficeAction::RequestDocuments),
        OfficeStep::Decide => match fields.get("decision") {
            "deny" => Some(OfficeAction::Deny),
            "issue" if !app.procedure().issues_card() => Some(OfficeAction::IssueCertificate),
            "permit" => permit_of(fields, lang, app, today).map_err(|e| errors.extend(e)).ok(),
            _ => {
                errors.extend(err(
                    &Posted::anchor(step),
                    "「許可する」又は「不許可にする」のどちらかを押してください。",
                    "Press either Permit or Deny.",
                ));
                None
            }
        },
        OfficeStep::RecordPostDocuments => Some(OfficeAction::RecordPostDocuments {
            fee_notice_received: flag("fee_notice_received"),
            fee_notice_signed: flag("fee_notice_signed"),
            old_card_returned: flag("old_card_returned"),
        }),
        OfficeStep::IssueCardByPost => {
            date("dispatched_on").map(|dispatched_on| OfficeAction::IssueCardByPost { dispatched_on })
        }
        OfficeStep::RedirectToCounter => Some(OfficeAction::RedirectToCounter),
        OfficeStep::RecordDelivery => {
            date("delivered_on").map(|delivered_on| OfficeAction::RecordDelivery { delivered_on })
        }
        OfficeStep::HandOverAtCounter => {
            let collector = match fields.get("collector") {
                "applicant" => Some(Collector::Applicant),
                "user" => Some(Collector::User),
                "third_party" => Some(Collector::ThirdParty),
                _ => {
                    errors.extend(err("collector", "受け取った人を選んでください。", "Choose who collected the card."));
                    None
                }
            };
            collector.map(|collector| OfficeAction::HandOverAtCounter {
                collector,
                fee_notice_signed: flag("fee_notice_signed"),
            })
        }
        OfficeStep::WithdrawAttachment(attachment) => Some(OfficeAction::WithdrawAttachment { attachment }),
        OfficeStep::Withdraw => Some(OfficeAction::Withdraw),
        // Its own multipart form (`replace_photo`).
        OfficeStep::ReplacePhoto => {
            errors.extend(err("photo-file", "写真ファイルを選んでください。", "Choose a photo file."));
            None
        }
    };
    match action {
        Some(action) if errors.is_empty() => Ok(action),
        _ => Err(errors),
    }
}

/// A permission as posted: the period chosen, or another period typed — shown first with its expiry.
fn permit_of(
    fields: &Fields,
    lang: Lang,
    app: &Application,
    today: JstDate,
) -> Result<OfficeAction, Vec<(String, String)>> {
    let one = |field: &str, message: String| vec![(field.to_owned(), message)];
    let period = match fields.get("period") {
        "" => {
            return Err(one(
                "period",
                tr_owned(lang, "新しい在留期間を選んでください。", "Choose the new period of stay."),
            ));
        }
        "other" => {
            let typed = fields.get("period_other");
            let period = PeriodOfStay::parse(typed).map_err(|e| {
                let message = if typed.is_empty() {
                    tr_owned(lang, "その他の期間を入力してください。", "Enter the other period.")
                } else {
                    named_period_error(lang, &e)
                };
                one("period_other", message)
            })?;
            let until = app.permitted_expiry(period, today).ok_or_else(|| {
                one(
                    "period",
                    tr_owned(
                        lang,
                        "この申請は許可ではなく交付で決定します。",
                        "This application is decided by issuing, not by permitting.",
                    ),
                )
            })?;
            let message = match lang {
                Lang::Ja => format!(
                    "在留期間{}の満了日は {until} です。確かめて、よければもう一度「許可する」を押してください。",
                    period.words(lang)
                ),
                Lang::En => {
                    format!("A period of {} ends on {until}. Check it, then press Permit again.", period.words(lang))
                }
            };
            return Err(one("period", message));
        }
        code => PeriodOfStay::parse(code).map_err(|e| one("period", named_period_error(lang, &e)))?,
    };
    Ok(OfficeAction::Permit { period_of_stay: period, expiry_date: None })
}

/// A period's refusal in the reader's language, in the period type's own words ("The period must be …").
fn named_period_error(lang: Lang, e: &zairyu_domain::period::PeriodError) -> String {
    match lang {
        Lang::Ja => zairyu_domain::error::Localized::message_ja(e),
        Lang::En => format!("The period {e}."),
    }
}
