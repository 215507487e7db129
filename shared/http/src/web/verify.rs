//! The public verification page of electronic certificates of eligibility (#35): a visa officer, an
//! immigration inspector or the person themself opens it from the certificate's QR code (`/verify/{code}`)
//! or types the code (`/verify?code=…`), and reads whether the certificate is valid, expired or withdrawn,
//! with only what they compare with the passport in front of them. Nobody logs in; the page is never
//! cached (a withdrawal shows at once) and never indexed.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use zairyu_app::ServiceError;
use zairyu_app::services::certificates::{VERIFY_PATH, Verification, Verified};
use zairyu_domain::certificate::Validity;
use zairyu_domain::error::Language as Lang;

use super::Audience;
use crate::extract::ClientIp;
use crate::function::Function;
use crate::web::{Field, Page, PageCtx, PageError, PageResult, PageSpec, error_summary, layout};
use crate::{Problem, Wired};

pub const PAGES: &[PageSpec] = &[
    PageSpec {
        function: Function::Status,
        audience: Audience::Public,
        method: "GET",
        path: VERIFY_PATH,
        handler: || get(typed),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Public,
        method: "GET",
        path: "/verify/{code}",
        handler: || get(linked),
    },
    PageSpec {
        function: Function::Status,
        audience: Audience::Public,
        method: "GET",
        path: "/verify/{code}/certificate.pdf",
        handler: || get(signed_pdf),
    },
];

#[derive(Deserialize, Default)]
struct Typed {
    #[serde(default)]
    code: String,
}

fn visitor(headers: &HeaderMap) -> PageCtx {
    PageCtx::visitor_at(headers, VERIFY_PATH)
}

/// The page with its form; with `?code=`, the answer for the code typed.
async fn typed(
    Wired(verification): Wired<Verification>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
) -> PageResult {
    let ctx = visitor(&headers);
    let args: Typed = crate::web::page::query(&uri, ctx.lang)?;
    if args.code.trim().is_empty() {
        return Ok(page(&ctx, StatusCode::OK, "", None, &[]));
    }
    answer(&verification, &ctx, &args.code, ip).await
}

/// The address a certificate's QR code holds.
async fn linked(
    Wired(verification): Wired<Verification>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> PageResult {
    let ctx = visitor(&headers);
    answer(&verification, &ctx, &code, ip).await
}

/// The certificate's signed PDF, as its e-mail links to it; where there is none to hand out (an unknown
/// code, a withdrawn certificate), the page says why.
async fn signed_pdf(
    Wired(verification): Wired<Verification>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> PageResult {
    let ctx = visitor(&headers);
    match verification.pdf(&code, ip.map(|i| i.to_string()).as_deref()).await {
        Ok(bytes) => {
            let mut response = crate::download::pdf(bytes, "certificate-of-eligibility.pdf");
            response.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
            Ok(response)
        }
        // Withdrawn: the page's verdict says so (the code is a good one: asking again counts nothing).
        Err(ServiceError::Invalid(v)) if v.0.iter().any(|x| x.rule == "certificate.withdrawn") => {
            answer(&verification, &ctx, &code, ip).await
        }
        Err(e) => failure(&ctx, &code, e),
    }
}

async fn answer(verification: &Verification, ctx: &PageCtx, code: &str, ip: Option<std::net::IpAddr>) -> PageResult {
    match verification.verify(code, ip.map(|i| i.to_string()).as_deref()).await {
        Ok(verified) => Ok(page(ctx, StatusCode::OK, code, Some(&verified), &[])),
        Err(e) => failure(ctx, code, e),
    }
}

/// The page for a code that answers nothing: unknown, or not a code.
fn failure(ctx: &PageCtx, code: &str, e: ServiceError) -> PageResult {
    match e {
        ServiceError::NotFound => {
            let message = ctx.tr(
                "この証明書番号の証明書はありません。QRコードの下に印字された番号と照らし合わせてください。",
                "No certificate has this code. Compare it with the code printed under the QR code.",
            );
            Ok(page(ctx, StatusCode::NOT_FOUND, code, None, &[("code".into(), message.into())]))
        }
        ServiceError::Invalid(v) => {
            let errors: Vec<(String, String)> =
                v.0.iter().map(|x| (x.field.clone(), message_of(ctx.lang, x))).collect();
            Ok(page(ctx, StatusCode::UNPROCESSABLE_ENTITY, code, None, &errors))
        }
        e => Err(PageError::Problem(ctx.lang, Box::new(Problem::from(e)))),
    }
}

fn page(
    ctx: &PageCtx,
    status: StatusCode,
    typed: &str,
    verified: Option<&Verified>,
    errors: &[(String, String)],
) -> Response {
    let title = ctx.tr("在留資格認定証明書の確認", "Check a certificate of eligibility");
    let body = html! {
        (error_summary(ctx.lang, errors))
        @if let Some(v) = verified {
            (verdict(ctx, v))
        } @else {
            p.lead { (ctx.tr(
                "電子メールで交付された在留資格認定証明書が有効かどうかを確認できます。証明書のQRコードを読み取るか、証明書番号を入力してください。",
                "Check whether a certificate of eligibility issued by e-mail is valid: scan its QR code, or enter its certificate code."
            )) }
        }
        form method="get" action=(VERIFY_PATH) novalidate {
            (Field {
                id: "code",
                label: ctx.tr("証明書番号", "Certificate code"),
                kind: "text",
                value: if verified.is_some() { "" } else { typed },
                required: true,
                hint: Some(ctx.tr("QRコードの下に印字された英数字16文字（例：7KQ2-M9XD-4HTR-0BCE）", "16 letters and digits, as printed under the QR code (for example 7KQ2-M9XD-4HTR-0BCE)")),
                error: errors.iter().find(|(f, _)| f == "code").map(|(_, m)| m.as_str()),
                autocomplete: "off",
            }
            .render(ctx.lang))
            button type="submit" { (if verified.is_some() { ctx.tr("別の証明書を確認する", "Check another certificate") } else { ctx.tr("確認する", "Check") }) }
        }
    };
    let mut response = Page(status, layout(ctx, title, body)).into_response();
    response.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    response
}

/// The answer: the state first, in words, then the facts to compare with the passport.
fn verdict(ctx: &PageCtx, v: &Verified) -> Markup {
    let lang = ctx.lang;
    let c = &v.certified;
    let status = c.status.info();
    let (class, headline, advice) = match v.validity {
        Validity::Valid => (
            "valid",
            crate::web::certificate_state_words(v.validity, lang).1.to_owned(),
            ctx.tr(
                "次の内容が旅券と一致することを確認してください。",
                "Check that the passport shows the same person.",
            )
            .to_owned(),
        ),
        Validity::Expired => (
            "expired",
            crate::web::certificate_state_words(v.validity, lang).1.to_owned(),
            match lang {
                Lang::Ja => format!("有効期限は{}でした。", crate::web::date_words(lang, c.valid_until)),
                Lang::En => format!("It was valid until {}.", crate::web::date_words(lang, c.valid_until)),
            },
        ),
        Validity::Withdrawn { on } => (
            "withdrawn",
            crate::web::certificate_state_words(v.validity, lang).1.to_owned(),
            match lang {
                Lang::Ja => {
                    format!(
                        "{}に出入国在留管理庁が取り消しました。この証明書は使用できません。",
                        crate::web::date_words(lang, on)
                    )
                }
                Lang::En => {
                    format!(
                        "The Immigration Services Agency withdrew it on {}. It cannot be used.",
                        crate::web::date_words(lang, on)
                    )
                }
            },
        ),
    };
    html! {
        section.verdict.(class) role="status" aria-labelledby="verdict-title" {
            h2 #verdict-title { (headline) }
            p { (advice) }
        }
        dl.facts {
            dt { (ctx.tr("氏名", "Name")) } dd { (c.name.to_string()) }
            dt { (ctx.tr("国籍・地域", "Nationality / Region")) } dd { (zairyu_domain::nationality::shown(c.nationality.as_str(), lang)) }
            dt { (ctx.tr("生年月日", "Date of birth")) } dd { (crate::web::date_words(lang, c.birth_date)) }
            dt { (ctx.tr("在留資格", "Status of residence")) } dd { (match lang { Lang::Ja => status.name_ja, Lang::En => status.name_en }) }
            dt { (ctx.tr("交付年月日", "Date of issue")) } dd { (crate::web::date_words(lang, c.issued_on)) }
            dt { (ctx.tr("有効期限", "Valid until")) } dd { (crate::web::date_words(lang, c.valid_until)) }
        }
    }
}

fn message_of(lang: Lang, v: &zairyu_domain::error::Violation) -> String {
    match lang {
        Lang::Ja => v.message_ja.clone(),
        Lang::En => v.message_en.clone(),
    }
}
