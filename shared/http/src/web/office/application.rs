use super::OfficerVisit;
use super::refused_by;
use super::status_label;
use crate::Problem;
use crate::Wired;
use crate::web::MultipartResult;
use crate::web::Page;
use crate::web::PageCtx;
use crate::web::PageResult;
use crate::web::Visit;
use crate::web::data_table;
use crate::web::error_summary;
use crate::web::form::messages;
use crate::web::jst;
use crate::web::layout;
use crate::web::office::queue::method_label;
use crate::web::office::steps::action_of;
use crate::web::office::steps::{Posted, step_form};
use crate::web::page::see_other;
use crate::web::photo_response;
use crate::web::photo_upload;
use crate::web::query;
use crate::web::tr;
use crate::web::tr_owned;
use crate::web::visit::encode;
use crate::web::visit::{Fields, FormResult};
use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use zairyu_app::ServiceError;
use zairyu_app::services::examination::Examination;
use zairyu_domain::application::{Application, Decision, OfficeStep};
use zairyu_domain::audit::{AuditAction, AuditEvent};
use zairyu_domain::error::Language as Lang;
use zairyu_domain::form::Attachment;
use zairyu_domain::status::ApplicationStatus;
use zairyu_domain::values::UserId;

/// What a page says was just done (`?done=…`, after a post's redirect).
#[derive(Deserialize, Default)]
pub(super) struct ShownArgs {
    #[serde(default)]
    pub(super) done: String,
}

pub(super) async fn application(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    uri: Uri,
) -> PageResult {
    let lang = v.lang();
    let done: ShownArgs = query(&uri, lang)?;
    let app = examination.office_view(&v.caller, &id).await.map_err(refused_by(&v))?;
    application_page(&examination, &v, StatusCode::OK, &app, &done.done, None).await
}

/// The application's page: what it is, what can be done next, what was done.
pub(super) async fn application_page(
    examination: &Examination,
    v: &Visit,
    status: StatusCode,
    app: &Application,
    done: &str,
    posted: Option<&Posted<'_>>,
) -> PageResult {
    let (ctx, lang) = (&v.page, v.lang());
    let errors = posted.map_or(&[][..], |p| p.errors);
    let history = examination.office_history(&v.caller, app).await.map_err(refused_by(v))?;
    let documents = examination.office_documents(&v.caller, app).await.map_err(refused_by(v))?;
    let steps = examination.office_steps(&v.caller, app).map_err(refused_by(v))?;
    let names = examination
        .organization_names(&v.caller, std::slice::from_ref(app.organization_id()))
        .await
        .map_err(refused_by(v))?;
    let organization = names.get(app.organization_id()).map_or("—", String::as_str);
    let people: Vec<UserId> = std::iter::once(app.created_by().clone())
        .chain(history.iter().filter_map(|e| UserId::parse(&e.actor).ok()))
        .chain(documents.iter().map(|d| d.uploaded_by().clone()))
        .collect();
    let people = examination.user_names(&v.caller, &people).await.map_err(refused_by(v))?;
    let form = app.form();
    let dash = "—".to_owned();
    let body = html! {
        (error_summary(lang, errors))
        @if !done.is_empty() && errors.is_empty() {
            div.notice role="status" { p { (ctx.tr("処理を記録しました。", "Done: the step is recorded.")) } }
        }
        dl.facts {
            dt { (ctx.tr("申請状況", "Status")) } dd { strong { (status_label(lang, app.status())) } }
            dt { (ctx.tr("仮受付番号", "Temporary receipt number")) } dd { (app.temporary_receipt_number().map_or_else(|| dash.clone(), ToString::to_string)) }
            dt { (ctx.tr("受付番号", "Receipt number")) } dd { (app.official_receipt_number().map_or_else(|| dash.clone(), |n| n.to_string())) }
            dt { (ctx.tr("申請日", "Date of application")) } dd { (app.receipt_date().map_or_else(|| dash.clone(), |d| d.to_string())) }
            dt { (ctx.tr("所属機関", "Organization")) } dd { a href=(format!("/office/organizations/{}", app.organization_id().as_str())) { (organization) } }
            dt { (ctx.tr("申請した利用者", "Filed by")) } dd { (who(ctx, app.created_by().as_str(), &people)) }
            dt { (ctx.tr("管轄官署", "Office with jurisdiction")) } dd { (office_name(lang, app.jurisdiction())) }
            dt { (ctx.tr("受領方法", "How it is received")) } dd { (method_label(ctx, form.receipt_method)) " (" (office_name(lang, form.receiving_office)) ")" }
            // Where what is posted goes (nothing is posted of an electronic certificate).
            @if let Some(address) = app.return_address().filter(|_| form.receipt_method != zairyu_domain::status::ReceiptMethod::Email) {
                dt { (ctx.tr("送付先", "Where it is sent")) } dd { (address.to_string()) }
            }
            @if app.documents_requested() > 0 {
                dt { (ctx.tr("資料提出の求め", "Documents requested")) } dd { (app.documents_requested()) (ctx.tr(" 回", " times")) }
            }
            @match app.decision() {
                Some(Decision::Permitted { period, expiry, decided_on, status }) => {
                    @let status = status.or(form.stay.as_ref().map(|s| s.status));
                    dt { (ctx.tr("結果", "Decision")) }
                    dd { (ctx.tr("許可", "Permitted")) " " (decided_on.to_string()) @if let Some(status) = status { (ctx.tr("：", ": ")) (tr(lang, status.info().name_ja, status.info().name_en)) } (ctx.tr("、在留期間 ", ", period ")) (period.words(ctx.lang)) (ctx.tr("、満了日 ", ", until ")) (expiry.to_string()) }
                }
                Some(Decision::Issued { decided_on }) => {
                    dt { (ctx.tr("結果", "Decision")) }
                    dd {
                        @if app.electronic_certificate().is_some() {
                            (ctx.tr("交付（電子）", "Issued (electronic)"))
                        } @else {
                            (ctx.tr("交付", "Certificate to be issued"))
                        }
                        " " (decided_on.to_string())
                    }
                    // An electronic certificate: its code, and the page where the office may withdraw it.
                    @if let Some(code) = app.electronic_certificate() {
                        dt { (ctx.tr("電子の証明書", "Electronic certificate")) }
                        dd {
                            (code.grouped())
                            form method="post" action="/office/certificates" {
                                input type="hidden" name="csrf" value=(ctx.csrf.as_deref().unwrap_or_default());
                                input type="hidden" name="code" value=(code.as_str());
                                button.secondary type="submit" { (ctx.tr("証明書を表示する", "Show the certificate")) }
                            }
                        }
                    }
                }
                Some(Decision::Denied { decided_on }) => {
                    dt { (ctx.tr("結果", "Decision")) } dd { (ctx.tr("不許可", "Denied")) " " (decided_on.to_string()) }
                }
                None => {}
            }
            @if let Some(fees) = app.fees_due() {
                dt { (ctx.tr("手数料", "Fee")) } dd { (fees.words(lang)) }
            }
            @if app.status() == ApplicationStatus::WaitingForIssuance {
                @let docs = app.post_documents();
                dt { (ctx.tr("郵送で届いたもの", "Received by post")) }
                dd {
                    (yes_no(ctx, docs.fee_notice_received)) " " (ctx.tr("手数料納付書", "fee payment notice")) "、"
                    (yes_no(ctx, docs.fee_notice_signed)) " " (ctx.tr("申請人の署名", "signed by the applicant"))
                    @if app.procedure().issues_card() {
                        "、" (yes_no(ctx, docs.old_card_returned)) " " (ctx.tr("在留カード", "the current card"))
                    }
                }
            }
            @if let Some(d) = app.card_dispatched_on() {
                dt { (ctx.tr("発送日", "Posted on")) } dd { (d.to_string()) }
            }
            @if let Some(d) = app.card_delivered_on() {
                dt { (ctx.tr("配達日", "Delivered on")) } dd { (d.to_string()) }
            }
            @if let Some(d) = app.card_handed_over_on() {
                dt { (ctx.tr("窓口での交付日", "Handed over at the counter on")) } dd { (d.to_string()) }
            }
            @if !app.withdrawn_attachments().is_empty() {
                dt { (ctx.tr("取り下げた申請", "Withdrawn with it")) }
                dd { (app.withdrawn_attachments().iter().map(|a| attachment_label(ctx, *a)).collect::<Vec<_>>().join(ctx.tr("、", ", "))) }
            }
        }

        h2 #actions { (ctx.tr("この申請で行える処理", "What you can do with this application")) }
        @if steps.is_empty() {
            p { (ctx.tr("あなたの役割で、この申請状況で行える処理はありません。", "Your roles allow nothing more with this application in this status.")) }
        }
        @for step in &steps { (step_form(ctx, app, *step, posted, examination.today())) }

        // A certificate's application carries no photo.
        @if app.procedure().needs_photo() {
            h2 { (ctx.tr("顔写真", "Facial photo")) }
            @if app.photo().is_some() {
                p { img src=(format!("/office/applications/{}/photo.jpg", app.id())) alt=(ctx.tr("申請人の顔写真", "The applicant's facial photo")) width="150"; }
            } @else {
                p { (ctx.tr("顔写真はありません。", "There is no photo.")) }
            }
        }

        h2 #documents { (ctx.tr("立証資料", "Documents of proof")) }
        @if documents.is_empty() {
            p { (ctx.tr("提出された立証資料はありません。", "No document of proof has been submitted.")) }
        } @else {
            (data_table(ctx, ctx.tr("提出された立証資料（古い順）", "Documents submitted, oldest first"),
                &[("資料の内容", "What it proves"), ("形式", "Kind"), ("提出", "Submitted"), ("提出した利用者", "By")],
                html! {
                    @for d in &documents {
                        @if let Some(info) = d.accepted() {
                            tr {
                                th scope="row" {
                                    a href=(format!("/office/applications/{}/documents/{}", app.id(), d.id())) download {
                                        (d.title().as_str())
                                    }
                                }
                                td {
                                    @match ctx.lang {
                                        Lang::Ja => (format!("{}、{}ページ、{}KB", info.kind.name(), info.pages, info.bytes.div_ceil(1024))),
                                        Lang::En => (format!("{}, {} page{}, {} KB", info.kind.name(), info.pages, if info.pages == 1 { "" } else { "s" }, info.bytes.div_ceil(1024))),
                                    }
                                }
                                td {
                                    (jst(d.created_at()))
                                    @if d.after_request() > 0 { br; (ctx.tr("（資料提出の求めに応じて）", "(as requested)")) }
                                }
                                td { (who(ctx, d.uploaded_by().as_str(), &people)) }
                            }
                        }
                    }
                }))
            p.hint { (ctx.tr("資料名を押すとファイルをダウンロードします。開いた記録は履歴に残ります。", "Choose a document to download it; each opening is recorded in the history.")) }
        }

        h2 { (ctx.tr("申請内容", "The application")) }
        (super::form_facts::form_facts(ctx, app))

        h2 { (ctx.tr("照合した所属機関等に所属する外国人一覧の情報", "The entry of the List of Affiliated Foreign Nationals it was checked against")) }
        @if let Some(p) = app.checked_against() {
            dl.facts {
                dt { (ctx.tr("氏名", "Name")) } dd { (p.name.to_string()) }
                dt { (ctx.tr("在留カード番号", "Residence card number")) } dd { (p.card_number.to_string()) }
                dt { (ctx.tr("国籍・地域", "Nationality or region")) } dd { (p.nationality.to_string()) }
                dt { (ctx.tr("生年月日", "Date of birth")) } dd { (p.birth_date.to_string()) }
                dt { (ctx.tr("在留資格", "Status of residence")) } dd { (tr(lang, p.status.info().name_ja, p.status.info().name_en)) }
                dt { (ctx.tr("在留期間", "Period of stay")) } dd { (p.period_of_stay.words(ctx.lang)) }
                dt { (ctx.tr("満了日", "Expiry date")) } dd { (p.expiry.to_string()) }
            }
        } @else if !app.procedure().applicant().is_listed() {
            // A person on no list: checked by passport against every list when filed, and on none.
            p { (ctx.tr("この申請の方は一覧に記載されていません（旅券で照合し、いずれの一覧にもないことを確認しています）。",
                        "This person is on no list: the passport was checked against every list when filed, and is on none.")) }
        } @else {
            p { (ctx.tr("申請前のため、照合はまだ行われていません。", "Not yet filed: not yet checked.")) }
        }

        h2 { (ctx.tr("履歴", "History")) }
        @let parts: HashMap<String, String> =
            documents.iter().map(|d| (format!("document:{}", d.id()), d.title().as_str().to_owned())).collect();
        (history_table(ctx, &history, &people, &parts, app.procedure().issues_card()))
        p { a href=(format!("/office?status={}", app.status().code())) { (ctx.tr("申請の処理へ戻る", "Back to the applications to process")) } }
    };
    Ok(Page(status, layout(ctx, ctx.tr("申請", "Application"), body)).into_response())
}

pub(in crate::web) fn office_name(lang: Lang, o: zairyu_domain::office::Office) -> &'static str {
    tr(lang, o.info().name_ja, o.info().name_en)
}

pub(super) fn yes_no(ctx: &PageCtx, b: bool) -> &'static str {
    if b { ctx.tr("あり", "Yes:") } else { ctx.tr("なし", "No:") }
}

pub(super) fn attachment_label(ctx: &PageCtx, a: Attachment) -> &'static str {
    match a {
        Attachment::ReEntry => ctx.tr("再入国許可", "re-entry permission"),
        Attachment::ActivityOutsideStatus => ctx.tr("資格外活動許可", "permission for activity outside status"),
    }
}

/// What one event of an application's history says: what is posted or handed over is the certificate
/// where no card is made.
fn event_words(lang: Lang, a: AuditAction, card: bool) -> &'static str {
    match (a, card) {
        (AuditAction::IssueCardByPost, false) => tr(lang, "証明書を発送", "certificate posted"),
        (AuditAction::HandOverAtCounter, false) => tr(lang, "窓口で証明書を交付", "certificate handed over"),
        _ => action_label(lang, a),
    }
}

/// What one audit event says, in words (every action has its words: no code is ever shown).
pub(super) fn action_label(lang: Lang, a: AuditAction) -> &'static str {
    use AuditAction as A;
    let (ja, en) = match a {
        A::ApplicationCreate => ("入力", "entered"),
        A::ApplicationCorrect => ("一括入力の行を修正", "blanket row corrected"),
        A::ApplicationChange => ("入力内容を変更", "entry changed"),
        A::ApplicationDiscard => ("入力を破棄", "entry discarded"),
        A::ApplicationPhoto => ("顔写真を添付", "photo attached"),
        A::ApplicationSubmit => ("申請", "filed"),
        A::ApplicationReceiptMethod => ("受領方法を変更", "receipt method changed"),
        A::ApplicationReceiptNumber => ("受付番号を取得", "receipt number given"),
        A::StartExamination => ("審査を開始", "examination started"),
        A::RequestDocuments => ("資料の提出を求めた", "documents requested"),
        A::Permit => ("許可", "permitted"),
        A::IssueCertificate => ("証明書の交付を決定", "certificate to be issued"),
        A::Deny => ("不許可", "denied"),
        A::RecordPostDocuments => ("郵送で届いたものを記録", "post received recorded"),
        A::IssueCardByPost => ("在留カードを発送", "card posted"),
        A::RedirectToCounter => ("窓口での受領に変更", "card redirected to the counter"),
        A::RecordDelivery => ("配達を記録", "delivery recorded"),
        A::HandOverAtCounter => ("窓口で在留カードを交付", "card handed over"),
        A::Withdraw => ("取下げ", "withdrawn"),
        A::WithdrawAttachment => ("同時申請を取下げ", "attached permission withdrawn"),
        A::ReplacePhoto => ("顔写真を差替え", "photo replaced"),
        A::ApplicationDocument => ("立証資料を提出", "document submitted"),
        A::OpenDocument => ("立証資料を開いた", "document opened"),
        A::PurgeApplication => ("保存期間の経過により削除", "deleted at the end of its retention period"),
        A::PurgeUser => {
            ("保存期間の経過により利用者情報を消去", "user information erased at the end of its retention period")
        }
        A::Access => ("参照を拒否", "access refused"),
        A::Login => ("ログイン", "logged in"),
        A::Logout => ("ログアウト", "logged out"),
        A::Lockout => ("パスワードの誤りによりロック", "locked after wrong passwords"),
        A::PasswordChange => ("パスワードを変更", "password changed"),
        A::EmailChange => ("メールアドレスを変更", "e-mail address changed"),
        A::PasswordLink => ("パスワード設定用のリンクを送信", "password link sent"),
        A::PasswordResetRequest => ("パスワードの再設定を依頼", "password reset requested"),
        A::PasswordSetFromLink => ("リンクからパスワードを設定", "password set from the link"),
        A::NotificationRejected => ("メールが届かなかった", "e-mail not delivered"),
        A::BlanketStart => ("一括入力を開始", "blanket upload started"),
        A::BlanketRefused => ("一括入力のファイルを受け付けなかった", "blanket file refused"),
        A::BlanketRegistered => ("一括入力を登録", "blanket file registered"),
        A::RegisterOrganization => ("所属機関を登録", "organization registered"),
        A::ChangeOrganization => ("所属機関の情報を変更", "organization changed"),
        A::PublishNotice => ("お知らせを掲載", "notice published"),
        A::WithdrawNotice => ("お知らせを取下げ", "notice withdrawn"),
        A::WithdrawCertificate => ("在留資格認定証明書を取消し", "certificate of eligibility withdrawn"),
        A::RecordRequestForUse => ("利用申出を記録", "request for use recorded"),
        A::ApproveRequestForUse => ("利用申出を承認", "request for use approved"),
        A::DenyRequestForUse => ("利用申出を不承認", "request for use denied"),
        A::PutForeignNational => ("所属外国人名簿に登録", "put on the list of foreign nationals"),
        A::RemoveForeignNational => ("所属外国人名簿から削除", "removed from the list of foreign nationals"),
        A::ApprovePeriodicReport => ("定期報告を承認", "periodic report approved"),
        A::DenyPeriodicReport => ("定期報告を不承認", "periodic report denied"),
        A::SuspendUser => ("利用を停止", "use suspended"),
        A::ResumeUser => ("利用を再開", "use resumed"),
        A::CancelUser => ("利用を取消し", "use cancelled"),
        A::DeleteAgent => ("取次者の情報を削除", "agent's information deleted"),
        A::ResetPassword => ("パスワードを再設定", "password reset at the counter"),
        A::LiftLockout => ("ロックを解除", "lock lifted"),
        A::CreateOfficer => ("職員を登録", "officer created"),
        A::PasswordReminder => ("パスワードの有効期限をお知らせ", "password expiry reminded"),
        A::PeriodicReportReminder => ("定期報告の期限をお知らせ", "periodic report reminded"),
        A::SuspendOrganization => ("所属機関の利用を停止", "organization's use suspended"),
        A::PassportReminder => ("旅券の有効期限をお知らせ", "passport expiry reminded"),
    };
    tr(lang, ja, en)
}

/// Who did something, as an officer reads it: the user's name with the user ID they log in with, or the
/// system for what it does on its own.
fn who(ctx: &PageCtx, actor: &str, names: &HashMap<UserId, String>) -> String {
    if actor == "system" {
        return ctx.tr("システム（自動処理）", "The system (automatic)").to_owned();
    }
    match UserId::parse(actor).ok().and_then(|id| names.get(&id)) {
        Some(name) => format!("{name} ({actor})"),
        None => actor.to_owned(),
    }
}

/// `parts`: the words of the parts events name (a document's title by `document:{id}`).
pub(super) fn history_table(
    ctx: &PageCtx,
    events: &[AuditEvent],
    names: &HashMap<UserId, String>,
    parts: &HashMap<String, String>,
    card: bool,
) -> Markup {
    data_table(
        ctx,
        ctx.tr("履歴（古い順）", "History, oldest first"),
        &[("日時（日本時間）", "When (Japan time)"), ("利用者", "Who"), ("処理", "What")],
        html! {
            @for e in events {
                tr {
                    td { (jst(e.at)) }
                    td { (who(ctx, &e.actor, names)) }
                    td {
                        (event_words(ctx.lang, e.action, card))
                        @if let Some(part) = e.part.as_ref().and_then(|p| parts.get(p)) { (ctx.tr("：", ": ")) (part) }
                        @if e.action == AuditAction::ApplicationDocument && matches!(e.outcome, zairyu_domain::audit::Outcome::Refused(_)) {
                            (ctx.tr("（受け付けず）", " (refused)"))
                        }
                    }
                }
            }
        },
    )
}

/// One step posted: done, then the application's page again (303); refused, the page with what was typed
/// and why, each error beside its field (422).
pub(super) async fn act(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let app = examination.office_view(&v.caller, &id).await.map_err(refused_by(&v))?;
    let step = OfficeStep::parse(fields.get("step"));
    let refuse = async |errors: Vec<(String, String)>| -> PageResult {
        let app = examination.office_view(&v.caller, &id).await.map_err(refused_by(&v))?;
        let posted = Posted { step, fields: &fields, errors: &errors };
        application_page(&examination, &v, StatusCode::UNPROCESSABLE_ENTITY, &app, "", Some(&posted)).await
    };
    let action = match action_of(&fields, lang, &app, examination.today()) {
        Ok(a) => a,
        Err(errors) => return refuse(errors).await,
    };
    match examination.office_act(&v.caller, &id, action).await {
        Ok(_) => Ok(see_other(&format!("/office/applications/{id}?done={}", encode(fields.get("step"))))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_) | ServiceError::Conflict)) => {
            let p = Problem::from(e);
            let beside = |field: String| match (field.as_str(), step) {
                // The API's names for what the form asks as a choice.
                ("expiry_date" | "period_of_stay", _) => "period".to_owned(),
                ("", Some(step)) => Posted::anchor(step),
                ("", None) => "actions".to_owned(),
                _ => field,
            };
            refuse(messages(lang, &p).into_iter().map(|(f, m)| (beside(f), m)).collect()).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

/// Opens one document of proof: to a link of the store valid for a minute (the opening in the trail first).
pub(super) async fn open_document(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path((id, doc)): Path<(String, String)>,
) -> PageResult {
    let url = examination.open_document(&v.caller, &id, &doc).await.map_err(refused_by(&v))?;
    Ok(see_other(&url))
}

/// A refused photo replacement: the application's page again, the error beside the file (422).
async fn photo_refused(examination: &Examination, v: &Visit, id: &str, errors: &[(String, String)]) -> PageResult {
    let app = examination.office_view(&v.caller, id).await.map_err(refused_by(v))?;
    let none = Fields::default();
    let posted = Posted { step: Some(OfficeStep::ReplacePhoto), fields: &none, errors };
    application_page(examination, v, StatusCode::UNPROCESSABLE_ENTITY, &app, "", Some(&posted)).await
}

pub(super) async fn photo_file(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
) -> PageResult {
    photo_response(v.lang(), examination.office_photo(&v.caller, &id).await)
}

/// Q63: the office replaces a wrongly attached photo (a multipart form: the token, then the file).
pub(super) async fn replace_photo(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    Path(id): Path<String>,
    multipart: MultipartResult,
) -> PageResult {
    let lang = v.lang();
    // After the form token, whether this officer may see the application: otherwise not found.
    let may_see = async { examination.office_view(&v.caller, &id).await.map_err(refused_by(&v)) };
    let (upload, _) = photo_upload(&v, multipart, may_see).await?;
    let Some(bytes) = upload.file else {
        let none =
            vec![("photo-file".to_owned(), tr_owned(lang, "写真ファイルを選んでください。", "Choose a photo file."))];
        return photo_refused(&examination, &v, &id, &none).await;
    };
    match examination.office_replace_photo(&v.caller, &id, bytes).await {
        Ok(_) => Ok(see_other(&format!("/office/applications/{id}?done=replace_photo"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Application(_) | ServiceError::Conflict)) => {
            let p = Problem::from(e);
            let errors: Vec<_> = messages(lang, &p).into_iter().map(|(_, m)| ("photo-file".to_owned(), m)).collect();
            photo_refused(&examination, &v, &id, &errors).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_audit_action_reads_as_words_in_both_languages_never_as_its_code() {
        for a in AuditAction::ALL {
            let (ja, en) = (action_label(Lang::Ja, a), action_label(Lang::En, a));
            assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{a:?}");
            for label in [ja, en] {
                assert!(label != a.code() && !label.contains('.') && !label.contains('_'), "{a:?}: {label}");
            }
        }
    }
}
