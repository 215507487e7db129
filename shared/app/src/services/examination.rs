//! Examination: the immigration officers' side of an application (Q22, Q34, Q46–Q49, Q51, Q53–Q71): the office's queue,
//! examination, the residence card and withdrawals. An officer acts only on applications of the office's
//! own jurisdiction (over the applicant's area of residence, Q46–Q49), unless an admin; the office the card
//! is collected at sees it and hands the card over; another office's application reads as missing, as
//! another organization's does for users.

use std::sync::Arc;

use serde::Deserialize;
use zairyu_domain::application::{
    Application, ApplicationId, Collector, OfficeRelation, OfficeStep, PostDocuments, StepRefused,
};
use zairyu_domain::audit::{AuditAction, AuditEvent, Outcome};
use zairyu_domain::error::Language;
use zairyu_domain::form::Attachment;
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::jst::JstDate;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::office::Office;
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::status::{Actor, ApplicationStatus, OfficerRole, ReceiptMethod};
use zairyu_domain::values::ResidenceCardNumber;

use super::{Caller, Core, photos, user_addressee};
use crate::error::{ServiceError, invalid};
use crate::ports::{BlobStore, Cursor};
use crate::store::{QueueOrder, office_acts_on};
use crate::store::{Records, Stored};

/// The most events an application's history page shows (a whole life takes about a dozen).
pub const HISTORY_LIMIT: u32 = 200;

/// What an officer does to an application.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "action", deny_unknown_fields)]
pub enum OfficeAction {
    StartExamination,
    /// Q22: documents of proof, asked for individually.
    RequestDocuments,
    /// The new period of stay; its expiry is computed by the procedure's rule. An `expiry_date` given too
    /// must be that day (a check for clients that compute it themselves).
    Permit {
        period_of_stay: PeriodOfStay,
        #[serde(default)]
        expiry_date: Option<JstDate>,
    },
    Deny,
    /// A certificate (of authorized employment) is issued: nothing of the stay changes.
    IssueCertificate,
    /// Q55: what arrived by post for a card to be posted.
    RecordPostDocuments {
        fee_notice_received: bool,
        fee_notice_signed: bool,
        old_card_returned: bool,
    },
    /// Q69, Q71: the card is issued and posted on this day.
    IssueCardByPost {
        dispatched_on: JstDate,
    },
    /// Q53: on the day of issuance post is no longer possible (e.g. the 16th birthday is now less than six
    /// months away): the card waits at the counter instead, and the user is told.
    RedirectToCounter,
    /// Q71: the posted card was delivered on this day (from the postal record); the permission took effect.
    RecordDelivery {
        delivered_on: JstDate,
    },
    /// Q54, Q58, Q67: handed over at the counter.
    HandOverAtCounter {
        collector: Collector,
        fee_notice_signed: bool,
    },
    /// Q47, Q48.
    Withdraw,
    /// Q49.
    WithdrawAttachment {
        attachment: Attachment,
    },
}

impl OfficeAction {
    /// The office step the action takes ([`Application::office_step`] decides whether it may).
    pub fn step(&self) -> OfficeStep {
        match self {
            Self::StartExamination => OfficeStep::StartExamination,
            Self::RequestDocuments => OfficeStep::RequestDocuments,
            Self::Permit { .. } | Self::Deny | Self::IssueCertificate => OfficeStep::Decide,
            Self::RecordPostDocuments { .. } => OfficeStep::RecordPostDocuments,
            Self::IssueCardByPost { .. } => OfficeStep::IssueCardByPost,
            Self::RedirectToCounter => OfficeStep::RedirectToCounter,
            Self::RecordDelivery { .. } => OfficeStep::RecordDelivery,
            Self::HandOverAtCounter { .. } => OfficeStep::HandOverAtCounter,
            Self::Withdraw => OfficeStep::Withdraw,
            Self::WithdrawAttachment { attachment } => OfficeStep::WithdrawAttachment(*attachment),
        }
    }

    fn audit_action(&self) -> AuditAction {
        match self {
            Self::StartExamination => AuditAction::StartExamination,
            Self::RequestDocuments => AuditAction::RequestDocuments,
            Self::Permit { .. } => AuditAction::Permit,
            Self::IssueCertificate => AuditAction::IssueCertificate,
            Self::Deny => AuditAction::Deny,
            Self::RecordPostDocuments { .. } => AuditAction::RecordPostDocuments,
            Self::IssueCardByPost { .. } => AuditAction::IssueCardByPost,
            Self::HandOverAtCounter { .. } => AuditAction::HandOverAtCounter,
            Self::RedirectToCounter => AuditAction::RedirectToCounter,
            Self::RecordDelivery { .. } => AuditAction::RecordDelivery,
            Self::Withdraw => AuditAction::Withdraw,
            Self::WithdrawAttachment { .. } => AuditAction::WithdrawAttachment,
        }
    }
}

/// The e-mail of what was issued being handed over or posted: a card's, or a certificate's.
fn issued_kind(app: &Application) -> NotificationKind {
    if app.procedure().issues_card() {
        NotificationKind::ResidenceCardIssued
    } else {
        NotificationKind::CertificateIssued
    }
}

/// What the user does next, as the "Notification on examination completion" says it (Q54–Q56): the fee
/// and, by post, where the return envelope is addressed; in Japanese and English.
fn next_steps(app: &Application) -> (String, String) {
    let Some(fees) = app.fees_due() else {
        return next_steps_free(app);
    };
    let fee = fees.total();
    let (fee_ja, fee_en) = (
        format!("手数料の内訳: {}", fees.words(zairyu_domain::error::Language::Ja)),
        format!("The fee: {}.", fees.words(zairyu_domain::error::Language::En)),
    );
    let (ja, en) = next_steps_paying(app, fee);
    (format!("{ja}\n{fee_ja}"), format!("{en}\n{fee_en}"))
}

/// What to send or bring when nothing is charged (an acquisition, a paper certificate of eligibility): no fee
/// notice; by post the return envelope, at the counter the passport.
fn next_steps_free(app: &Application) -> (String, String) {
    match (app.form().receipt_method, app.return_address()) {
        (ReceiptMethod::Post, Some(address)) => (
            format!("手数料は不要です。返信用封筒（宛先: {address}）を簡易書留で送付してください。"),
            format!("No fee is due. Send a return envelope addressed to {address} by simplified registered mail."),
        ),
        (ReceiptMethod::Post, None) => (
            "手数料は不要です。返信用封筒を送付してください。宛先は地方出入国在留管理官署にお問い合わせください。"
                .into(),
            "No fee is due. Send a return envelope; ask the regional immigration office which address it takes.".into(),
        ),
        (ReceiptMethod::Counter, _) => (
            "手数料は不要です。旅券とこのメールを持参して窓口にお越しください。".into(),
            "No fee is due. Bring the passport and this e-mail to the counter.".into(),
        ),
        // Sent as it is issued (its own e-mail): nothing to send or bring.
        (ReceiptMethod::Email, _) => (String::new(), String::new()),
    }
}

/// What to send or bring, with the fee's total.
fn next_steps_paying(app: &Application, fee: u32) -> (String, String) {
    // A certificate changes no card: none is sent back with the fee notice.
    let (card_ja, card_en) = if app.procedure().issues_card() {
        ("、現在の在留カード", ", the current residence card")
    } else {
        ("", "")
    };
    match (app.form().receipt_method, app.return_address()) {
        (ReceiptMethod::Post, Some(address)) => (
            format!(
                "手数料{fee}円分の収入印紙を貼付した手数料納付書（申請人の署名のあるもの）{card_ja}及び返信用封筒（宛先: {address}）を簡易書留で送付してください。"
            ),
            format!(
                "Send the fee payment notice with revenue stamps for {fee} yen, signed by the applicant{card_en} and a return envelope addressed to {address} by simplified registered mail."
            ),
        ),
        (ReceiptMethod::Post, None) => (
            format!(
                "手数料{fee}円分の収入印紙を貼付した手数料納付書を送付してください。返信用封筒の宛先は地方出入国在留管理官署にお問い合わせください。"
            ),
            format!(
                "Send the fee payment notice with revenue stamps for {fee} yen; ask the regional immigration office which address the return envelope takes."
            ),
        ),
        (ReceiptMethod::Counter, _) => (
            format!(
                "旅券、在留カード、手数料{fee}円分の収入印紙を貼付した手数料納付書及びこのメールを持参して窓口にお越しください。"
            ),
            format!(
                "Bring the passport, the residence card, the fee payment notice with revenue stamps for {fee} yen and this e-mail to the counter."
            ),
        ),
        // An electronic certificate is e-mailed as it is issued; nothing is sent or brought.
        (ReceiptMethod::Email, _) => (
            format!("手数料{fee}円は、地方出入国在留管理官署の案内に従って納付してください。"),
            format!("Pay the fee of {fee} yen as the regional immigration office tells you."),
        ),
    }
}

/// The reads of one page of a queue filtered by procedure, at most.
pub const QUEUE_READS: usize = 5;

/// Which queue an officer reads: an office's (the officer's own when none), one status, of one procedure or
/// all, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueView {
    pub office: Option<Office>,
    pub status: ApplicationStatus,
    pub procedure: Option<zairyu_domain::procedure::Procedure>,
    pub order: QueueOrder,
}

/// The officers' work on applications.
/// A certificate and what the verification page says of it today.
pub type ShownCertificate = (zairyu_domain::certificate::Certificate, zairyu_domain::certificate::Validity);

#[derive(Clone)]
pub struct Examination {
    core: Core,
    photos: Arc<dyn BlobStore>,
    /// Where users open links from e-mails (the documents a request asks for are uploaded there).
    public_url: String,
}

impl Examination {
    /// An electronic certificate of eligibility by its code, with what the verification page says of it
    /// today, for an officer of the office that issued it (an admin's of any office); another office's is
    /// not found.
    #[tracing::instrument(skip_all)]
    pub async fn certificate(&self, caller: &Caller, code: &str) -> Result<ShownCertificate, ServiceError> {
        let found = self.issued_certificate(caller, code).await?.into_inner();
        let validity = found.validity(self.core.today());
        Ok((found, validity))
    }

    async fn issued_certificate(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<crate::store::Stored<zairyu_domain::certificate::Certificate>, ServiceError> {
        let (own, roles) = caller.officer()?;
        let code =
            zairyu_domain::certificate::CertificateCode::parse(code).map_err(|e| crate::error::invalid("code", &e))?;
        let found = self.core.store().certificates().find(&code).await?.ok_or(ServiceError::NotFound)?;
        if found.issued_by() != own && !roles.contains(&OfficerRole::Admin) {
            return Err(ServiceError::NotFound);
        }
        Ok(found)
    }

    /// The office withdraws a certificate it issued (取消し; an examiner or an admin): from that moment the
    /// verification page says it is withdrawn. Recorded in the audit trail.
    #[tracing::instrument(skip_all)]
    pub async fn withdraw_certificate(&self, caller: &Caller, code: &str) -> Result<ShownCertificate, ServiceError> {
        let (_, roles) = caller.officer()?;
        if !roles.iter().any(|r| matches!(r, OfficerRole::Examiner | OfficerRole::Admin)) {
            return Err(ServiceError::Forbidden);
        }
        let mut found = self.issued_certificate(caller, code).await?;
        found.withdraw(self.core.today()).map_err(|e| crate::error::invalid("code", &e))?;
        let mut event = self.core.event(
            caller.user_id.as_str(),
            zairyu_domain::audit::AuditAction::WithdrawCertificate,
            format!("certificate:{}", found.code()),
            caller.from.clone(),
            zairyu_domain::audit::Outcome::Success,
        );
        event.office = Some(found.issued_by());
        let mut change = self.core.change(&event)?;
        change.save(&found)?;
        self.core.commit(change).await?;
        let validity = found.validity(self.core.today());
        Ok((found.into_inner(), validity))
    }

    pub fn new(core: Core, photos: Arc<dyn BlobStore>, public_url: impl Into<String>) -> Self {
        Self { core, photos, public_url: public_url.into().trim_end_matches('/').to_owned() }
    }

    /// An application for an officer, with how the office stands to it: of the office with jurisdiction
    /// over the applicant's residence (Q46–Q49), or of the office the card is collected at (it sees the
    /// application and hands the card over); another office's application reads as missing.
    async fn office_application(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(Stored<Application>, OfficeRelation), ServiceError> {
        let (office, roles) = caller.officer()?;
        let id = ApplicationId::parse(id).map_err(|_| ServiceError::NotFound)?;
        let Some(app) = self.core.store().applications().get(&id).await? else {
            return Err(ServiceError::NotFound);
        };
        self.visible(caller, office, roles, app).await
    }

    /// The application if this officer may see it ([`Application::office_relation`]); otherwise it reads
    /// as missing.
    async fn visible(
        &self,
        caller: &Caller,
        office: Office,
        roles: &[OfficerRole],
        app: Stored<Application>,
    ) -> Result<(Stored<Application>, OfficeRelation), ServiceError> {
        match app.office_relation(office, roles) {
            Some(relation) => Ok((app, relation)),
            None => Err(self.refused_as_missing(caller, &app).await),
        }
    }

    async fn refused_as_missing(&self, caller: &Caller, app: &Application) -> ServiceError {
        match self.core.refuse_as_missing(caller, format!("application:{}", app.id()), "jurisdiction").await {
            Ok(e) | Err(e) => e,
        }
    }

    /// The actor `step` is taken as, by the one decision of [`Application::office_step`]: a step of another
    /// office reads as missing, one of another role is forbidden, one the application cannot take now says why.
    async fn actor_for(
        &self,
        caller: &Caller,
        app: &Application,
        relation: OfficeRelation,
        step: OfficeStep,
    ) -> Result<Actor, ServiceError> {
        let (_, roles) = caller.officer()?;
        match app.office_step(step, roles, relation, self.core.today()) {
            Ok(actor) => Ok(actor),
            Err(StepRefused::NotThisOffice) => Err(self.refused_as_missing(caller, app).await),
            Err(StepRefused::Role) => Err(ServiceError::Forbidden),
            Err(StepRefused::Now(e)) => Err(e.into()),
        }
    }

    /// The names of these organizations, for an officer's lists (names, not IDs, before users).
    #[tracing::instrument(skip_all)]
    pub async fn organization_names(
        &self,
        caller: &Caller,
        ids: &[zairyu_domain::application::OrganizationId],
    ) -> Result<std::collections::HashMap<zairyu_domain::application::OrganizationId, String>, ServiceError> {
        self.core.organization_names(caller, ids).await
    }

    /// Today in Japan, as the office's rules count days (the expiry a permission gives is shown by it).
    pub fn today(&self) -> zairyu_domain::jst::JstDate {
        self.core.today()
    }

    /// The names of the users who filed and acted on applications (names, not IDs, on the office's pages).
    pub async fn user_names(
        &self,
        caller: &Caller,
        ids: &[zairyu_domain::values::UserId],
    ) -> Result<std::collections::HashMap<zairyu_domain::values::UserId, String>, ServiceError> {
        self.core.user_names(caller, ids).await
    }

    /// Q33, Q46: an application found by its temporary or official receipt number, for an officer who may
    /// see it.
    #[tracing::instrument(skip_all)]
    pub async fn find_by_receipt_number(&self, caller: &Caller, number: &str) -> Result<Application, ServiceError> {
        let (office, roles) = caller.officer()?;
        let number = zairyu_domain::receipt_number::as_printed(number);
        let found = self.core.store().applications().by_receipt_number(&number).await?;
        let app = found.ok_or(ServiceError::NotFound)?;
        Ok(self.visible(caller, office, roles, app).await?.0.into_inner())
    }

    /// The applications for the holder of a residence card that this officer may see, newest page first.
    #[tracing::instrument(skip_all)]
    pub async fn find_by_card(
        &self,
        caller: &Caller,
        card: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, ServiceError> {
        let (office, roles) = caller.officer()?;
        let card = ResidenceCardNumber::parse(card).map_err(|e| invalid("residence_card_number", &e))?;
        let person = zairyu_domain::form::PersonKey::Card(card);
        let mut page = self.core.store().applications().by_person(&person, after, limit).await?;
        page.items.retain(|a| a.office_relation(office, roles).is_some());
        Ok(page)
    }

    /// The office's applications in one status, in `queue.order`, a page at a time (no scans); of one
    /// procedure only when `queue.procedure` names one — read from the status's queue, each read asking for
    /// the lines still missing, at most [`QUEUE_READS`] reads a page (a page of a rare procedure may then
    /// hold fewer than `limit`, with the cursor to read on).
    #[tracing::instrument(skip_all)]
    pub async fn office_queue(
        &self,
        caller: &Caller,
        queue: QueueView,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Application>, ServiceError> {
        let (own, roles) = caller.officer()?;
        let office = match queue.office {
            Some(o) if o != own && !roles.contains(&OfficerRole::Admin) => return Err(ServiceError::Forbidden),
            Some(o) => o,
            None => own,
        };
        let store = self.core.store();
        let Some(procedure) = queue.procedure else {
            return Ok(store.applications().office_queue(office, queue.status, queue.order, after, limit).await?);
        };
        let (mut items, mut after) = (Vec::new(), after);
        for _ in 0..QUEUE_READS {
            let missing = limit.saturating_sub(u32::try_from(items.len()).unwrap_or(u32::MAX));
            let page = store.applications().office_queue(office, queue.status, queue.order, after, missing).await?;
            items.extend(page.items.into_iter().filter(|a| a.procedure() == procedure));
            after = page.next;
            if after.is_none() || items.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(Records { items, next: after })
    }

    /// How many applications wait in each status of the office's queue (Q51's statuses in which the office
    /// acts), each counted up to `cap`.
    #[tracing::instrument(skip_all)]
    pub async fn office_queue_counts(
        &self,
        caller: &Caller,
        cap: usize,
    ) -> Result<Vec<(ApplicationStatus, usize, bool)>, ServiceError> {
        let (office, _) = caller.officer()?;
        let mut counts = Vec::new();
        for status in ApplicationStatus::ALL.into_iter().filter(|s| office_acts_on(*s)) {
            let (n, more) = self.core.store().applications().office_queue_count(office, status, cap).await?;
            counts.push((status, n, more));
        }
        Ok(counts)
    }

    /// What the officer can do next with `app` today ([`Application::office_steps`] for the officer's roles
    /// and office): exactly the steps [`Self::office_act`] accepts.
    pub fn office_steps(&self, caller: &Caller, app: &Application) -> Result<Vec<OfficeStep>, ServiceError> {
        let (office, roles) = caller.officer()?;
        Ok(match app.office_relation(office, roles) {
            Some(relation) => app.office_steps(roles, relation, self.core.today()),
            None => Vec::new(),
        })
    }

    /// The facial photo of one application of the office (to be seen before it is replaced, Q63).
    #[tracing::instrument(skip_all)]
    pub async fn office_photo(&self, caller: &Caller, id: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        let (app, _) = self.office_application(caller, id).await?;
        match app.photo() {
            Some(photo) => Ok(self.photos.get(&photo.key).await?),
            None => Ok(None),
        }
    }

    /// The accepted documents of proof of one application of the office, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn office_documents(
        &self,
        caller: &Caller,
        app: &Application,
    ) -> Result<Vec<zairyu_domain::application::Document>, ServiceError> {
        let (app, _) = self.office_application(caller, app.id().as_str()).await?;
        super::documents::accepted_documents(&self.core, &app).await
    }

    /// A short-lived link that downloads one accepted document of an application of the office; the
    /// opening is written to the trail first (who opened which document, when).
    #[tracing::instrument(skip_all)]
    pub async fn open_document(&self, caller: &Caller, id: &str, doc_id: &str) -> Result<String, ServiceError> {
        let (app, _) = self.office_application(caller, id).await?;
        super::documents::open_document(&self.core, self.photos.as_ref(), caller, &app, doc_id).await
    }

    /// What happened to an application the officer was shown ([`Self::office_view`]), oldest first (Q102's
    /// trail): who did what, when.
    #[tracing::instrument(skip_all)]
    pub async fn office_history(&self, caller: &Caller, app: &Application) -> Result<Vec<AuditEvent>, ServiceError> {
        caller.officer()?;
        Ok(self.core.store().audit().trail(&format!("application:{}", app.id()), HISTORY_LIMIT).await?)
    }

    /// One application, for an officer of its office.
    #[tracing::instrument(skip_all)]
    pub async fn office_view(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        Ok(self.office_application(caller, id).await?.0.into_inner())
    }

    /// Applies one office action, with its audit event and the e-mail it causes (Q86), in one transaction.
    #[tracing::instrument(skip_all)]
    pub async fn office_act(
        &self,
        caller: &Caller,
        id: &str,
        action: OfficeAction,
    ) -> Result<Application, ServiceError> {
        let (mut app, relation) = self.office_application(caller, id).await?;
        let actor = self.actor_for(caller, &app, relation, action.step()).await?;
        let today = self.core.today();
        // An electronic certificate issued by this action (a certificate of eligibility asked by e-mail).
        let mut electronic = None;
        let kind = match &action {
            OfficeAction::StartExamination => {
                app.start_examination(actor)?;
                None
            }
            OfficeAction::RequestDocuments => {
                app.request_documents(actor)?;
                Some(NotificationKind::DocumentsRequested)
            }
            OfficeAction::Permit { period_of_stay, expiry_date } => {
                app.permit(actor, *period_of_stay, *expiry_date, today)?;
                Some(NotificationKind::ExaminationCompleted)
            }
            OfficeAction::IssueCertificate => {
                let random = (u128::from(self.core.random()) << 64) | u128::from(self.core.random());
                let code = zairyu_domain::certificate::CertificateCode::from_random(random);
                electronic = app.issue_certificate(actor, today, code)?;
                Some(if electronic.is_some() {
                    NotificationKind::ElectronicCertificateIssued
                } else {
                    NotificationKind::ExaminationCompleted
                })
            }
            OfficeAction::Deny => {
                app.deny(actor, today)?;
                Some(NotificationKind::ApplicationDenied)
            }
            OfficeAction::RecordPostDocuments { fee_notice_received, fee_notice_signed, old_card_returned } => {
                let docs = PostDocuments {
                    fee_notice_received: *fee_notice_received,
                    fee_notice_signed: *fee_notice_signed,
                    old_card_returned: *old_card_returned,
                };
                app.record_post_documents(actor, docs)?;
                None
            }
            OfficeAction::IssueCardByPost { dispatched_on } => {
                app.issue_card_by_post(actor, *dispatched_on)?;
                Some(issued_kind(&app))
            }
            OfficeAction::RedirectToCounter => {
                app.redirect_to_counter(actor, today)?;
                Some(NotificationKind::ReceiptMethodChanged)
            }
            OfficeAction::RecordDelivery { delivered_on } => {
                app.record_delivery(actor, *delivered_on)?;
                None
            }
            OfficeAction::HandOverAtCounter { collector, fee_notice_signed } => {
                app.hand_over_at_counter(actor, *collector, *fee_notice_signed, today)?;
                Some(issued_kind(&app))
            }
            OfficeAction::Withdraw => {
                app.withdraw(actor)?;
                Some(NotificationKind::ApplicationWithdrawn)
            }
            OfficeAction::WithdrawAttachment { attachment } => {
                app.withdraw_attachment(actor, *attachment)?;
                Some(NotificationKind::ApplicationWithdrawn)
            }
        };
        let subject = format!("application:{}", app.id());
        let event = self.core.event(
            caller.user_id.as_str(),
            action.audit_action(),
            subject,
            caller.from.clone(),
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        if let Some(kind) = kind {
            let user = self.core.store().users().get(app.created_by()).await?;
            let number = app
                .official_receipt_number()
                .map(|n| n.to_string())
                .or_else(|| app.temporary_receipt_number().as_ref().map(ToString::to_string))
                .unwrap_or_default();
            let method = app.form().receipt_method;
            let mut to: Vec<_> = user.iter().map(|u| user_addressee(u)).collect();
            if electronic.is_some() {
                // The certificate goes to the person abroad too, at the address the form gives for notices.
                to.push(Addressee { email: app.form().notice_email.clone(), language: Language::En });
            }
            let (details_ja, details_en) = next_steps(&app);
            let (issued_ja, issued_en) = app.procedure().issued();
            let job = NotificationJob::new(kind, format!("{}:{}:{}", kind.code(), app.id(), event.id), to)
                .about(app.procedure())
                .with("receipt_number", number)
                .with("receipt_method_ja", method.words(zairyu_domain::error::Language::Ja))
                .with("receipt_method_en", method.words(zairyu_domain::error::Language::En))
                .with("details_ja", details_ja)
                .with("details_en", details_en)
                .with("issued_ja", issued_ja)
                .with("issued_en", issued_en)
                .with("link", format!("{}/applications/{}/documents", self.public_url, app.id()));
            let job = match &electronic {
                Some(c) => job
                    .with("code", c.code().grouped())
                    .with("valid_until", c.certified().valid_until.to_string())
                    .with("certificate_link", super::certificates::pdf_url(&self.public_url, c.code()))
                    .with("verify_link", super::certificates::verify_url(&self.public_url, c.code())),
                None => job,
            };
            self.core.enqueue(&mut change, &job)?;
        }
        if let Some(c) = &electronic {
            change.add(c)?;
        }
        change.save(&app)?;
        self.core.commit(change).await?;
        Ok(app.into_inner())
    }

    /// Q63: the office replaces a wrongly attached photo.
    #[tracing::instrument(skip_all)]
    pub async fn office_replace_photo(
        &self,
        caller: &Caller,
        id: &str,
        bytes: Vec<u8>,
    ) -> Result<Application, ServiceError> {
        let (app, relation) = self.office_application(caller, id).await?;
        let actor = self.actor_for(caller, &app, relation, OfficeStep::ReplacePhoto).await?;
        photos::save_with_photo(
            &self.core,
            self.photos.as_ref(),
            caller,
            app,
            bytes,
            None,
            AuditAction::ReplacePhoto,
            |app, photo| app.replace_photo(actor, photo),
        )
        .await
    }
}
