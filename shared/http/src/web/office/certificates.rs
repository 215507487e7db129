//! Electronic certificates of eligibility at the office (#35 item 4): an officer finds one the office issued
//! by its code — posted, never in an address — sees what the verification page says of it, and an examiner
//! or an admin withdraws it (取消し), confirmed in words; the verification page says so at once.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use zairyu_app::{Examination, ServiceError};
use zairyu_domain::certificate::{Certificate, Validity};
use zairyu_domain::error::Language as Lang;

use super::OfficerVisit;
use super::refused_by;
use crate::Problem;
use crate::Wired;
use crate::web::{Field, FormResult, Page, PageResult, Visit, date_words, error_summary, layout, messages, tr_owned};

pub(super) async fn certificates(OfficerVisit(v): OfficerVisit) -> PageResult {
    Ok(page(&v, StatusCode::OK, "", None, "", &[]))
}

/// A code posted from the form: the certificate, or why none is shown.
pub(super) async fn find(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    form: FormResult,
) -> PageResult {
    let fields = v.posted(form)?;
    let code = fields.get("code");
    match examination.certificate(&v.caller, code).await {
        Ok(found) => Ok(page(&v, StatusCode::OK, code, Some(&found), "", &[])),
        Err(e) => refused(&v, code, e),
    }
}

/// Withdraws the certificate posted, once the officer confirmed it.
pub(super) async fn withdraw(
    Wired(examination): Wired<Examination>,
    OfficerVisit(v): OfficerVisit,
    form: FormResult,
) -> PageResult {
    let lang = v.lang();
    let fields = v.posted(form)?;
    let code = fields.get("code");
    if fields.get("confirm") != "yes" {
        let found = examination.certificate(&v.caller, code).await;
        let errors = vec![(
            "confirm".to_owned(),
            tr_owned(
                lang,
                "取り消す場合は、確認の欄にチェックを入れてください。",
                "Tick the box to confirm the withdrawal.",
            ),
        )];
        return match found {
            Ok(found) => Ok(page(&v, StatusCode::UNPROCESSABLE_ENTITY, code, Some(&found), "", &errors)),
            Err(e) => refused(&v, code, e),
        };
    }
    match examination.withdraw_certificate(&v.caller, code).await {
        Ok(withdrawn) => Ok(page(&v, StatusCode::OK, code, Some(&withdrawn), "withdrawn", &[])),
        Err(e) => refused(&v, code, e),
    }
}

/// A code that names nothing the office issued, or a certificate already withdrawn: said on the form.
fn refused(v: &Visit, code: &str, e: ServiceError) -> PageResult {
    match e {
        ServiceError::NotFound => {
            let message = tr_owned(
                v.lang(),
                "この官署が交付した、この証明書番号の証明書はありません。",
                "This office issued no certificate with this code.",
            );
            Ok(page(v, StatusCode::NOT_FOUND, code, None, "", &[("code".into(), message)]))
        }
        e @ ServiceError::Invalid(_) => {
            let p = Problem::from(e);
            Ok(page(v, StatusCode::UNPROCESSABLE_ENTITY, code, None, "", &messages(v.lang(), &p)))
        }
        e => Err(refused_by(v)(e)),
    }
}

fn page(
    v: &Visit,
    status: StatusCode,
    typed: &str,
    found: Option<&(Certificate, Validity)>,
    done: &str,
    errors: &[(String, String)],
) -> Response {
    let (ctx, lang) = (&v.page, v.lang());
    let csrf = ctx.csrf.as_deref().unwrap_or_default();
    let body = html! {
        (error_summary(lang, errors))
        @if done == "withdrawn" {
            div.notice role="status" { p { (ctx.tr("証明書を取り消しました。確認ページには、取り消されたと表示されます。", "The certificate is withdrawn: its verification page says so.")) } }
        }
        p { (ctx.tr("電子メールで交付した在留資格認定証明書を、証明書番号で探します。", "Find a certificate of eligibility issued by e-mail by its certificate code.")) }
        form method="post" action="/office/certificates" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            (Field {
                id: "code",
                label: ctx.tr("証明書番号", "Certificate code"),
                kind: "text",
                value: typed,
                required: true,
                hint: Some(ctx.tr("英数字16文字（例：7KQ2-M9XD-4HTR-0BCE）", "16 letters and digits (for example 7KQ2-M9XD-4HTR-0BCE)")),
                error: errors.iter().find(|(f, _)| f == "code").map(|(_, m)| m.as_str()),
                autocomplete: "off",
            }
            .render(lang))
            div.actions { button.secondary type="submit" { (ctx.tr("探す", "Find")) } }
        }
        @if let Some((c, state)) = found {
            @let facts = c.certified();
            h2 { (ctx.tr("証明書", "The certificate")) }
            dl.facts {
                dt { (ctx.tr("状態", "State")) }
                dd {
                    strong { (crate::web::certificate_state_words(*state, lang).0) }
                    @if let Validity::Withdrawn { on } = state {
                        " " (ctx.tr("（", "(")) (date_words(lang, *on)) (ctx.tr("）", ")"))
                    }
                }
                dt { (ctx.tr("氏名", "Name")) } dd { (facts.name.to_string()) }
                dt { (ctx.tr("国籍・地域", "Nationality / Region")) } dd { (zairyu_domain::nationality::shown(facts.nationality.as_str(), lang)) }
                dt { (ctx.tr("生年月日", "Date of birth")) } dd { (date_words(lang, facts.birth_date)) }
                dt { (ctx.tr("在留資格", "Status of residence")) } dd { (match lang { Lang::Ja => facts.status.info().name_ja, Lang::En => facts.status.info().name_en }) }
                dt { (ctx.tr("交付年月日", "Date of issue")) } dd { (date_words(lang, facts.issued_on)) }
                dt { (ctx.tr("有効期限", "Valid until")) } dd { (date_words(lang, facts.valid_until)) }
            }
            @if c.withdrawn_on().is_none() {
                h2 { (ctx.tr("証明書を取り消す", "Withdraw the certificate")) }
                form method="post" action="/office/certificates/withdraw" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="code" value=(c.code().as_str());
                    div.choice {
                        input type="checkbox" #confirm name="confirm" value="yes";
                        label for="confirm" { (ctx.tr("取り消すと元に戻せないことを確認しました", "I confirm the withdrawal; it cannot be undone")) }
                    }
                    div.actions { button.warning type="submit" { (ctx.tr("この証明書を取り消す", "Withdraw this certificate")) } }
                }
            }
        }
    };
    Page(status, layout(ctx, ctx.tr("在留資格認定証明書", "Certificates of eligibility"), body)).into_response()
}
