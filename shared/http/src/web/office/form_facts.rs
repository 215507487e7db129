//! What an application's form says, as the office reads it: the common part, then its procedure's own.

use crate::web::PageCtx;
use crate::web::tr;
use maud::{Markup, html};
use zairyu_domain::application::Application;
use zairyu_domain::form::field::Field;

/// The whole form as filed.
pub(super) fn form_facts(ctx: &PageCtx, app: &Application) -> Markup {
    let (f, lang) = (app.form(), ctx.lang);
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    html! {
        dl.facts {
            dt { (ctx.tr("申請の種類", "Procedures")) }
            dd {
                (app.procedure().label(lang))
                @if app.re_entry().is_some() { (ctx.tr("、再入国許可", ", re-entry permission")) }
                @if app.activity_outside_status() { (ctx.tr("、資格外活動許可", ", activity permission")) }
            }
            dt { (ctx.tr("氏名", "Name")) } dd { (f.name.to_string()) }
            dt { (ctx.tr("国籍・地域", "Nationality or region")) } dd { (f.nationality.to_string()) }
            dt { (ctx.tr("生年月日", "Date of birth")) } dd { (f.birth_date.to_string()) }
            dt { (ctx.tr("性別", "Sex")) } dd { (match f.sex { zairyu_domain::form::Sex::Male => ctx.tr("男", "Male"), zairyu_domain::form::Sex::Female => ctx.tr("女", "Female") }) }
            @if let Some(p) = f.stay_part() {
                dt { (ctx.tr("配偶者の有無", "Married")) } dd { (if p.married { ctx.tr("有", "Yes") } else { ctx.tr("無", "No") }) }
                dt { (ctx.tr("職業", "Occupation")) } dd { (p.occupation.to_string()) }
                dt { (ctx.tr("本国における居住地", "Address in the home country")) } dd { (p.home_country_address.to_string()) }
            }
            @let (addr_ja, addr_en) = zairyu_domain::form::field::Section::Address.title_for(app.procedure());
            dt { (if app.procedure().applicant().in_japan() { ctx.tr("住居地", "Address in Japan") } else { ctx.tr(addr_ja, addr_en) }) } dd { (f.address.postcode.to_string()) " " (f.address.prefecture.as_str()) (f.address.city.to_string()) (f.address.street.to_string()) }
            dt { (ctx.tr("電話番号", "Telephone")) } dd { (opt(f.telephone.as_ref().map(|p| p.as_str().to_owned()))) }
            dt { (ctx.tr("携帯電話番号", "Mobile")) } dd { (opt(f.mobile.as_ref().map(|p| p.as_str().to_owned()))) }
            dt { (ctx.tr("旅券番号・有効期限", "Passport and its expiry")) } dd { (f.passport_number.to_string()) " / " (f.passport_expiry.to_string()) }
            @if let Some(stay) = &f.stay {
                dt { (ctx.tr("在留カード番号", "Residence card number")) } dd { (stay.card_number.to_string()) }
                dt { (ctx.tr("現に有する在留資格", "Current status of residence")) } dd { (tr(lang, stay.status.info().name_ja, stay.status.info().name_en)) }
                dt { (ctx.tr("在留期間・満了日", "Period of stay and expiry")) } dd { (stay.period.words(ctx.lang)) " / " (stay.expiry.to_string()) }
            }
            @if let Some(asked) = f.desired_status() {
                @let (ja, en) = Field::DesiredStatusOfResidence.label_for(app.procedure());
                dt { (ctx.tr(ja, en)) } dd { (tr(lang, asked.info().name_ja, asked.info().name_en)) }
            }
            @if let Some(period) = f.desired_period() {
                @let (ja, en) = Field::DesiredPeriodOfStay.label_for(app.procedure());
                dt { (ctx.tr(ja, en)) } dd { (period.words(ctx.lang)) }
            }
            @if let Some(a) = f.stay_part().and_then(|p| p.acquisition) {
                @let label = |field: Field| { let (ja, en) = field.label_for(app.procedure()); ctx.tr(ja, en) };
                dt { (label(Field::AcquisitionCause)) } dd { (a.cause.words(lang)) }
                dt { (label(Field::AcquisitionDate)) } dd { (a.event_date.to_string()) }
            }
            @if let Some(e) = f.entry() {
                @let label = |field: Field| { let (ja, en) = field.label_for(app.procedure()); ctx.tr(ja, en) };
                dt { (label(Field::EntryDate)) } dd { (e.entry_date.to_string()) }
                dt { (label(Field::PortOfEntry)) } dd { (e.port_of_entry.to_string()) }
                dt { (label(Field::Companions)) } dd { (opt(e.companions.as_ref().map(ToString::to_string))) }
                dt { (label(Field::VisaPost)) } dd { (e.visa_post.to_string()) }
                dt { (label(Field::PastEntries)) } dd { (opt(e.past_entries.as_ref().map(ToString::to_string))) }
                dt { (label(Field::WorkActivity)) } dd { (e.activity.to_string()) }
            }
            @if let Some(w) = f.work_part() {
                @let (ja, en) = Field::WorkActivity.label_for(app.procedure());
                dt { (ctx.tr(ja, en)) } dd { (w.work_activity.to_string()) }
                dt { (ctx.tr("就労する期間", "Period of the work")) } dd { (w.work_from.to_string()) " – " (w.work_until.to_string()) }
            }
            @let (reason_ja, reason_en) = Field::Reason.label_for(app.procedure());
            dt { (ctx.tr(reason_ja, reason_en)) } dd { (f.reason.to_string()) }
            @if let Some(p) = f.stay_part() {
                dt { (ctx.tr("犯罪を理由とする処分", "Criminal record")) } dd { (opt(p.criminal_record.as_ref().map(ToString::to_string))) }
                dt { (ctx.tr("在日親族・同居者", "Relatives in Japan")) }
                dd {
                    @if p.relatives.is_empty() { "—" }
                    @for r in &p.relatives {
                        (r.relationship.to_string()) " " (r.name.to_string()) " (" (r.birth_date.to_string()) ", " (r.nationality.to_string()) ")" br;
                    }
                }
            }
            dt { (ctx.tr("通知先メールアドレス", "E-mail for the receipt numbers")) } dd { (f.notice_email.to_string()) }
            @if let Some(p) = f.stay_part().filter(|_| app.procedure().issues_card()) {
                dt { (ctx.tr("漢字氏名の併記の申出", "Petition for the kanji name")) } dd { (if p.kanji_name_petition { ctx.tr("有", "Yes") } else { ctx.tr("無", "No") }) }
            }
        }
    }
}
