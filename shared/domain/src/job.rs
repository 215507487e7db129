//! Notification jobs: what the services queue and the notify function renders and sends, once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Language;
use crate::notification::NotificationKind;
use crate::values::EmailAddress;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Addressee {
    pub email: EmailAddress,
    pub language: Language,
}

/// One e-mail to send. The JSON body of a queued job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NotificationJob {
    /// Identifies the job; also the key under which its sending is recorded, so a second delivery of the
    /// same job sends nothing (SQS delivers at least once).
    pub idempotency_key: String,
    pub kind: NotificationKind,
    pub to: Vec<Addressee>,
    /// The values the template fills in (receipt numbers, dates, links). No more personal data than the
    /// e-mail needs.
    pub data: BTreeMap<String, String>,
}

impl NotificationJob {
    pub fn new(kind: NotificationKind, idempotency_key: impl Into<String>, to: Vec<Addressee>) -> Self {
        Self { idempotency_key: idempotency_key.into(), kind, to, data: BTreeMap::new() }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.data.insert(key.to_owned(), value.into());
        self
    }

    /// A job about an application of `procedure`: its e-mail names the procedure (in both languages).
    pub fn about(self, procedure: crate::procedure::Procedure) -> Self {
        self.with("procedure_ja", procedure.label_ja()).with("procedure_en", procedure.label_en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_body_round_trips_as_json() {
        let job = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            "application:1:temporary_receipt_number",
            vec![Addressee { email: EmailAddress::parse("tanaka@example.jp").unwrap(), language: Language::Ja }],
        )
        .with("receipt_number", "TMP-20261127-00000000");
        let json = serde_json::to_string(&job).unwrap();
        assert!(json.contains("\"kind\":\"temporary_receipt_number\""));
        assert_eq!(serde_json::from_str::<NotificationJob>(&json).unwrap(), job);
    }
}

/// A queued body that is not a notification job (it can only end in the dead-letter queue).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the queued body is not a notification job: {0}")]
pub struct MalformedJob(pub String);

impl crate::error::Localized for MalformedJob {
    fn rule(&self) -> &'static str {
        "job.malformed"
    }
    fn message_ja(&self) -> String {
        "キューの内容が通知ジョブとして読み取れません。".into()
    }
}

/// One e-mail template: the values it needs and its body in each language (`{key}` is replaced by the
/// job's value). One per notification kind; a test holds every kind to having one, and every placeholder to
/// being among the values the kind's jobs carry.
pub struct Template {
    pub kind: NotificationKind,
    pub keys: &'static [&'static str],
    pub ja: &'static str,
    pub en: &'static str,
}

use NotificationKind as K;

pub const TEMPLATES: &[Template] = &[
    Template {
        kind: K::RequestForUseApproved,
        keys: &["user_id", "link", "expires_at"],
        ja: "在留申請オンラインシステムの利用申出が承認されました。\n利用者ID: {user_id}\n次のリンクからパスワードを設定してください（有効期限 {expires_at}、一度限り）。\n{link}",
        en: "Your request for use of the Online Residence Application System has been approved.\nUser ID: {user_id}\nSet your password from this link (valid until {expires_at}, once only):\n{link}",
    },
    Template {
        kind: K::RequestForUseDenied,
        keys: &[],
        ja: "在留申請オンラインシステムの利用申出は承認されませんでした。詳しくは申出をした地方出入国在留管理官署にお問い合わせください。",
        en: "Your request for use of the Online Residence Application System was not approved. Please ask the regional immigration office where you made the request.",
    },
    Template {
        kind: K::ApplicationReceiptError,
        keys: &["procedure_ja", "procedure_en", "receipt_date"],
        ja: "【{procedure_ja}】{receipt_date}に受け付けた申請の受付番号を取得できませんでした（申請状況「エラー（受付番号取得エラー）」）。申請は受け付けられており、再度申請する必要はありません。受付番号は取得でき次第お知らせします。",
        en: "{procedure_en}: The receipt number of the application received on {receipt_date} could not be acquired (status \"Error (application receipt number acquisition error)\"). The application has been received and need not be filed again; the receipt number follows as soon as it is acquired.",
    },
    Template {
        kind: K::BlanketUploadCompleted,
        keys: &["file_name", "rows_registered", "rows_updated"],
        ja: "一括入力ファイル「{file_name}」の登録が完了しました。{rows_registered}件が「入力完了」になりました（うち{rows_updated}件は入力済みの申請を更新）。",
        en: "The blanket input file \"{file_name}\" has been registered: {rows_registered} applications are now \"Input completed\" ({rows_updated} of them updated an application already entered).",
    },
    Template {
        kind: K::BlanketUploadFailed,
        keys: &["file_name", "rows_registered", "rows_updated", "rows_failed"],
        ja: "一括入力ファイル「{file_name}」にエラーがありました。{rows_registered}件は登録され（うち{rows_updated}件は入力済みの申請を更新）、{rows_failed}件はエラーです。ログインして申請情報一覧の「エラー（一括登録）」の申請を確認し、修正してください。",
        en: "The blanket input file \"{file_name}\" has errors: {rows_registered} rows were registered ({rows_updated} of them updated an application already entered), {rows_failed} failed. Log in and correct the applications whose status in the application information list is \"Error (blanket registration)\".",
    },
    Template {
        kind: K::BlanketUploadRefused,
        keys: &["file_name", "reason_ja", "reason_en"],
        ja: "一括入力ファイル「{file_name}」は受け付けられませんでした。申請は1件も登録されていません。理由: {reason_ja}\nファイルを修正し、新しくアップロードしてください。",
        en: "The blanket input file \"{file_name}\" was not accepted; no application was registered. Reason: {reason_en}\nCorrect the file and upload it again as a new upload.",
    },
    Template {
        kind: K::TemporaryReceiptNumber,
        keys: &["procedure_ja", "procedure_en", "receipt_number", "receipt_date"],
        ja: "【{procedure_ja}】申請を受け付けました。\n仮受付番号: {receipt_number}\n受付日: {receipt_date}\n正式な受付番号は翌日お知らせします。",
        en: "{procedure_en}: The application has been received.\nTemporary receipt number: {receipt_number}\nDate of receipt: {receipt_date}\nThe official receipt number follows the next day.",
    },
    Template {
        kind: K::OfficialReceiptNumber,
        keys: &[
            "procedure_ja",
            "procedure_en",
            "receipt_number",
            "receipt_date",
            "applicant_name",
            "temporary_receipt_number",
        ],
        ja: "【{procedure_ja}】申請の正式な受付番号をお知らせします。\n申請人: {applicant_name}\n受付番号: {receipt_number}\n仮受付番号: {temporary_receipt_number}\n受付日: {receipt_date}",
        en: "{procedure_en}: The official receipt number of the application:\nApplicant: {applicant_name}\nReceipt number: {receipt_number}\nTemporary receipt number: {temporary_receipt_number}\nDate of receipt: {receipt_date}",
    },
    Template {
        kind: K::DocumentsRequested,
        keys: &["procedure_ja", "procedure_en", "receipt_number", "link"],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の申請について、資料の提出をお願いします。詳しくは地方出入国在留管理官署からの案内をご確認ください。\n資料は在留申請オンラインシステムの申請情報から提出できます（ログインが必要です）。\n{link}",
        en: "{procedure_en}: For the application {receipt_number}, please submit additional documents as the regional immigration office instructs.\nSubmit them from the application in the Online Residence Application System (log in first):\n{link}",
    },
    Template {
        kind: K::ExaminationCompleted,
        keys: &[
            "procedure_ja",
            "procedure_en",
            "receipt_number",
            "receipt_method_ja",
            "receipt_method_en",
            "details_ja",
            "details_en",
            "issued_ja",
            "issued_en",
        ],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の審査が完了しました。{issued_ja}の受領方法: {receipt_method_ja}。{details_ja}",
        en: "{procedure_en}: The examination of application {receipt_number} is complete. Receipt of the {issued_en}: {receipt_method_en}. {details_en}",
    },
    Template {
        kind: K::ApplicationDenied,
        keys: &["procedure_ja", "procedure_en", "receipt_number"],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の申請は認められませんでした。詳しくは、申請人の住居地を管轄する地方出入国在留管理官署にお問い合わせください。",
        en: "{procedure_en}: The application {receipt_number} was not granted. For details, please contact the regional immigration office with jurisdiction over the applicant's place of residence.",
    },
    Template {
        kind: K::ResidenceCardIssued,
        keys: &["procedure_ja", "procedure_en", "receipt_number"],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の在留カードを交付しました。郵送の場合、許可の効力は到達時に生じます。",
        en: "{procedure_en}: The residence card for application {receipt_number} has been issued. By post, the permission takes effect on delivery.",
    },
    Template {
        kind: K::CertificateIssued,
        keys: &["procedure_ja", "procedure_en", "receipt_number", "receipt_method_ja", "receipt_method_en"],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の証明書を交付しました（受領方法: {receipt_method_ja}）。",
        en: "{procedure_en}: The certificate for application {receipt_number} has been issued (received: {receipt_method_en}).",
    },
    Template {
        kind: K::ElectronicCertificateIssued,
        keys: &[
            "procedure_ja",
            "procedure_en",
            "receipt_number",
            "code",
            "valid_until",
            "certificate_link",
            "verify_link",
        ],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の在留資格認定証明書を電子で交付しました。\n証明書（PDF）: {certificate_link}\n証明書番号: {code}（{valid_until} まで有効）\nこのメールを申請人に転送してください。査証の申請と上陸の際に、スマートフォン等で証明書を提示できます。証明書が有効かどうかは、どなたでも次のページで確かめられます: {verify_link}",
        en: "{procedure_en}: The certificate of eligibility for application {receipt_number} has been issued electronically.\nThe certificate (PDF): {certificate_link}\nCertificate number: {code} (valid until {valid_until})\nForward this e-mail to the applicant, who shows the certificate on a phone or on paper when applying for the visa and at landing. Anyone can check that it is valid on this page: {verify_link}",
    },
    Template {
        kind: K::ReceiptMethodChanged,
        keys: &["procedure_ja", "procedure_en", "receipt_method_ja", "receipt_method_en"],
        ja: "【{procedure_ja}】在留カードの受領方法を「{receipt_method_ja}」に変更しました。",
        en: "{procedure_en}: The way the residence card is received was changed to \"{receipt_method_en}\".",
    },
    Template {
        kind: K::ApplicationWithdrawn,
        keys: &["procedure_ja", "procedure_en", "receipt_number"],
        ja: "【{procedure_ja}】受付番号 {receipt_number} の申請（又はその同時申請分）の取下げを受け付けました。",
        en: "{procedure_en}: The withdrawal of application {receipt_number} (or of its attached permission) has been recorded.",
    },
    Template {
        kind: K::PeriodicReportReminder,
        keys: &["expires_on", "report_due_by"],
        ja: "利用承認の有効期限は {expires_on} です。継続して利用する場合は、{report_due_by} までに定期報告を提出してください。",
        en: "The approval of use expires on {expires_on}. To continue, submit the periodic report by {report_due_by}.",
    },
    Template {
        kind: K::PeriodicReportApproved,
        keys: &["expires_on"],
        ja: "定期報告を確認しました。利用承認の有効期限は {expires_on} まで延長されました。",
        en: "The periodic report has been approved: the approval of use now runs until {expires_on}.",
    },
    Template {
        kind: K::PeriodicReportDenied,
        keys: &[],
        ja: "定期報告の確認の結果、継続利用は承認されませんでした。地方出入国在留管理官署にお問い合わせください。",
        en: "The periodic report was not approved for continued use. Please ask the regional immigration office.",
    },
    Template {
        kind: K::EmailAddressChanged,
        keys: &["user_id"],
        ja: "利用者ID {user_id} のメールアドレスが変更されました。このお知らせは変更前と変更後の両方のアドレスに送っています。心当たりがない場合は、すぐに最寄りの地方出入国在留管理官署の窓口またはヘルプデスクにご連絡ください（窓口で利用の停止とパスワードの再設定ができます）。",
        en: "The e-mail address of user ID {user_id} was changed. This notice goes to both the old and the new address. If you did not make this change, tell the counter of the nearest regional immigration office or the help desk at once (the counter can suspend the use and reset the password).",
    },
    Template {
        kind: K::PasswordSetupLink,
        keys: &["user_id", "link", "expires_at"],
        ja: "利用者ID {user_id} のパスワードを次のリンクから設定してください（有効期限 {expires_at}、一度限り）。\n{link}",
        en: "Set the password of user ID {user_id} from this link (valid until {expires_at}, once only):\n{link}",
    },
    Template {
        kind: K::PasswordResetLink,
        keys: &["user_id", "link", "expires_at"],
        ja: "利用者ID {user_id} のパスワード再設定の依頼を受け付けました。次のリンクから再設定してください（有効期限 {expires_at}、一度限り）。\n{link}",
        en: "A password reset was asked for user ID {user_id}. Reset it from this link (valid until {expires_at}, once only):\n{link}",
    },
    Template {
        kind: K::PasswordRegistered,
        keys: &["user_id"],
        ja: "利用者ID {user_id} のパスワードを登録しました。",
        en: "The password of user ID {user_id} has been registered.",
    },
    Template {
        kind: K::PasswordChanged,
        keys: &["user_id"],
        ja: "利用者ID {user_id} のパスワードを変更しました。心当たりがない場合はヘルプデスクへご連絡ください。",
        en: "The password of user ID {user_id} was changed. If you did not do this, tell the help desk.",
    },
    Template {
        kind: K::PasswordReset,
        keys: &["user_id"],
        ja: "利用者ID {user_id} のパスワードを再設定しました。",
        en: "The password of user ID {user_id} has been reset.",
    },
    Template {
        kind: K::PasswordExpiry30Days,
        keys: &["user_id", "expires_on"],
        ja: "利用者ID {user_id} のパスワードは30日後の {expires_on} に有効期限を迎えます。それまでに変更してください。",
        en: "The password of user ID {user_id} expires in 30 days, on {expires_on}. Please change it before then.",
    },
    Template {
        kind: K::PasswordExpiry7Days,
        keys: &["user_id", "expires_on"],
        ja: "利用者ID {user_id} のパスワードは7日後の {expires_on} に有効期限を迎えます。それまでに変更してください。",
        en: "The password of user ID {user_id} expires in 7 days, on {expires_on}. Please change it before then.",
    },
    Template {
        kind: K::PassportExpiryImminent,
        keys: &["name", "passport_expiry"],
        ja: "所属外国人 {name} の旅券の有効期限（{passport_expiry}）が近づいています。",
        en: "The passport of {name}, on your list of affiliated foreign nationals, expires on {passport_expiry}.",
    },
    Template {
        kind: K::UseSuspended,
        keys: &[],
        ja: "在留申請オンラインシステムの利用が停止されました。定期報告を提出すると再開できます。",
        en: "Use of the Online Residence Application System has been suspended. Submitting a periodic report resumes it.",
    },
    Template {
        kind: K::UseResumed,
        keys: &[],
        ja: "在留申請オンラインシステムの利用が再開されました。",
        en: "Use of the Online Residence Application System has been resumed.",
    },
    Template {
        kind: K::UserUseSuspended,
        keys: &["user_id"],
        ja: "利用者ID {user_id} による在留申請オンラインシステムの利用が停止されました。",
        en: "Use of the Online Residence Application System by user ID {user_id} has been suspended.",
    },
    Template {
        kind: K::UserUseResumed,
        keys: &["user_id"],
        ja: "利用者ID {user_id} による在留申請オンラインシステムの利用が再開されました。",
        en: "Use of the Online Residence Application System by user ID {user_id} has been resumed.",
    },
    Template {
        kind: K::UserUseCancelled,
        keys: &["user_id"],
        ja: "利用者ID {user_id} による在留申請オンラインシステムの利用が取り消されました。",
        en: "Use of the Online Residence Application System by user ID {user_id} has been cancelled.",
    },
];

pub fn template(kind: NotificationKind) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.kind == kind)
}

fn fill(text: &str, data: &BTreeMap<String, String>) -> Result<String, MalformedJob> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').ok_or_else(|| MalformedJob("unclosed placeholder".into()))?;
        let key = &after[..end];
        out.push_str(data.get(key).ok_or_else(|| MalformedJob(format!("the job has no value for {key}")))?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One e-mail as the mailer sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub from: EmailAddress,
    pub to: Vec<EmailAddress>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// The e-mails of a job: one per language among its addressees, from its kind's template, each saying
/// that replies are not read and where the help desk is.
pub fn render(job: &NotificationJob, from: &EmailAddress, help_desk: &str) -> Result<Vec<Email>, MalformedJob> {
    let t = template(job.kind).ok_or_else(|| MalformedJob(format!("no template for {}", job.kind.code())))?;
    // A job about an application queued before e-mails named the procedure is an extension's (the one
    // procedure there was).
    let mut data = job.data.clone();
    if t.keys.contains(&"procedure_ja") && !data.contains_key("procedure_ja") {
        let extension = crate::procedure::Procedure::Extension;
        data.insert("procedure_ja".into(), extension.label_ja().into());
        data.insert("procedure_en".into(), extension.label_en().into());
    }
    // An examination completed queued before it named what is issued: a residence card (all there was).
    if t.keys.contains(&"issued_ja") && !data.contains_key("issued_ja") {
        data.insert("issued_ja".into(), "在留カード".into());
        data.insert("issued_en".into(), "residence card".into());
    }
    // A request for documents queued before it carried the upload page's address: the text says where.
    if t.keys.contains(&"link") && !data.contains_key("link") {
        data.insert("link".into(), String::new());
    }
    let mut out = Vec::new();
    // One e-mail per addressee, in the addressee's language: no recipient sees another's address.
    for addressee in &job.to {
        let (language, to) = (addressee.language, vec![addressee.email.clone()]);
        let (subject, body, footer) = match language {
            Language::Ja => (
                job.kind.subject_ja(),
                fill(t.ja, &data)?,
                format!(
                    "このメールは送信専用です。返信されても確認できません。\nお問い合わせは在留申請オンラインシステムヘルプデスク（{help_desk}）へお願いします。\n心当たりのないメールを受信した場合も、ヘルプデスクへご連絡ください。"
                ),
            ),
            Language::En => (
                job.kind.subject_en(),
                fill(t.en, &data)?,
                format!(
                    "This e-mail was sent from a no-reply address; replies are not read.\nFor inquiries, contact the Online Residence Application System help desk ({help_desk}).\nIf you did not expect this e-mail, please tell the help desk."
                ),
            ),
        };
        let text = format!("{body}\n\n--\n{footer}\n");
        out.push(Email { from: from.clone(), to, subject: subject.to_owned(), text, html: None });
    }
    Ok(out)
}

#[cfg(test)]
mod render_tests {
    use super::*;

    fn sample_value(key: &str) -> String {
        format!("<{key}>")
    }

    #[test]
    fn q86_every_kind_has_one_template_whose_placeholders_it_carries() {
        for kind in NotificationKind::ALL {
            let matching = TEMPLATES.iter().filter(|t| t.kind == kind).count();
            assert_eq!(matching, 1, "{kind:?}");
            let t = template(kind).unwrap();
            let data: BTreeMap<String, String> = t.keys.iter().map(|k| ((*k).to_owned(), sample_value(k))).collect();
            // A key ending in _ja or _en is text in that language, used by that language's template only.
            for (text, own, other) in [(t.ja, "_ja", "_en"), (t.en, "_en", "_ja")] {
                let filled = fill(text, &data).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                for k in t.keys {
                    let used = filled.contains(&sample_value(k));
                    if k.ends_with(other) {
                        assert!(!used, "{kind:?}: {k} in the {own} text");
                    } else {
                        assert!(used, "{kind:?} does not use {k}");
                    }
                }
            }
        }
    }

    /// #33: every e-mail about an application names its procedure; one queued before they did (no
    /// procedure in its data) is an extension's.
    #[test]
    fn e_mails_about_an_application_name_its_procedure() {
        let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
        let to = vec![
            Addressee { email: EmailAddress::parse("ja@example.jp").unwrap(), language: Language::Ja },
            Addressee { email: EmailAddress::parse("en@example.com").unwrap(), language: Language::En },
        ];
        let job = |p: Option<crate::procedure::Procedure>| {
            let j =
                NotificationJob::new(NotificationKind::ApplicationDenied, "k", to.clone()).with("receipt_number", "1");
            match p {
                Some(p) => j.about(p),
                None => j,
            }
        };
        let change = render(&job(Some(crate::procedure::Procedure::ChangeOfStatus)), &from, "x").unwrap();
        assert!(change[0].text.starts_with("【在留資格変更許可申請】"), "{}", change[0].text);
        assert!(change[1].text.starts_with("Change of status of residence: "), "{}", change[1].text);
        let older = render(&job(None), &from, "x").unwrap();
        assert!(
            older[0].text.starts_with("【在留期間更新許可申請】")
                && older[1].text.starts_with("Extension of the period of stay: ")
        );
        let about_applications = TEMPLATES.iter().filter(|t| t.keys.contains(&"receipt_number")).count();
        let naming = TEMPLATES.iter().filter(|t| t.keys.contains(&"procedure_ja")).count();
        assert!(naming >= about_applications, "every e-mail with a receipt number names the procedure");
    }

    #[test]
    fn q84_every_kind_renders_in_both_languages_with_its_data() {
        let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
        for kind in NotificationKind::ALL {
            let t = template(kind).unwrap();
            let mut job = NotificationJob::new(
                kind,
                "k",
                vec![
                    Addressee { email: EmailAddress::parse("ja@example.jp").unwrap(), language: Language::Ja },
                    Addressee { email: EmailAddress::parse("en@example.com").unwrap(), language: Language::En },
                ],
            );
            for k in t.keys {
                job = job.with(k, sample_value(k));
            }
            let mails = render(&job, &from, "0570-000-000").unwrap();
            assert_eq!(mails.len(), 2, "{kind:?}");
            assert_eq!(mails[0].subject, kind.subject_ja());
            assert!(mails[0].text.contains("返信されても確認できません") && mails[0].text.contains("0570-000-000"));
            assert!(mails[1].text.contains("replies are not read"));
        }
    }

    #[test]
    fn every_addressee_gets_an_e_mail_of_its_own_in_its_language() {
        let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
        let to = |e: &str, language| Addressee { email: EmailAddress::parse(e).unwrap(), language };
        let job = NotificationJob::new(
            NotificationKind::UseSuspended,
            "k",
            vec![to("a@example.jp", Language::Ja), to("b@example.com", Language::En), to("c@example.jp", Language::Ja)],
        );
        let mails = render(&job, &from, "x").unwrap();
        let got: Vec<(Vec<&str>, &str)> =
            mails.iter().map(|m| (m.to.iter().map(|e| e.as_str()).collect(), m.subject.as_str())).collect();
        let (ja, en) = (NotificationKind::UseSuspended.subject_ja(), NotificationKind::UseSuspended.subject_en());
        assert_eq!(got, [(vec!["a@example.jp"], ja), (vec!["b@example.com"], en), (vec!["c@example.jp"], ja)]);
    }

    #[test]
    fn a_job_missing_a_value_is_malformed() {
        let job = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            "k",
            vec![Addressee { email: EmailAddress::parse("a@example.jp").unwrap(), language: Language::Ja }],
        );
        assert!(render(&job, &EmailAddress::parse("no-reply@oras.example.jp").unwrap(), "x").is_err());
    }
}
