//! Applications of an organization (Q4, Q21–Q35, Q45, Q50–Q53): entered, a photo attached, filed with a
//! temporary receipt number, listed, and their receipt method changed.

use std::sync::Arc;

use zairyu_domain::application::{Application, ApplicationId};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::blanket::BlanketEntry;
use zairyu_domain::eligibility::{Filer, check_eligibility, with_eligibility};
use zairyu_domain::error::{Language, Localized};
use zairyu_domain::form::{ApplicationForm, ApplicationInput, PersonKey};
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::organization::{ForeignNational, Organization};
use zairyu_domain::period::FilingWindow;
use zairyu_domain::procedure::Procedure;
use zairyu_domain::receipt_number::TemporaryReceiptNumber;
use zairyu_domain::schedule::DueTask;
use zairyu_domain::status::{Actor, ApplicationStatus, ReceiptMethod};

use super::{Caller, Core, photos, user_addressee};
use crate::error::{ServiceError, invalid};
use crate::ports::{BlobStore, Cursor};
use crate::store::{Listed, Records, Stored};

/// A person of the List of Affiliated Foreign Nationals with what can be filed for them (Q26–Q29).
#[derive(Debug, Clone)]
pub struct Affiliated {
    pub person: ForeignNational,
    /// Each procedure offered, in its order, with its window and whether it can be filed today.
    pub filings: Vec<Filing>,
}

/// One procedure for one listed person: its filing window, and whether it can be filed online today (and why
/// not); whether the person's status files it online at all is `Procedure::why_not_online`'s to say.
#[derive(Debug, Clone)]
pub struct Filing {
    pub procedure: Procedure,
    pub window: FilingWindow,
    pub today: Result<(), zairyu_domain::period::FilingWindowError>,
}

#[derive(Clone)]
pub struct Applications {
    core: Core,
    photos: Arc<dyn BlobStore>,
}

/// The most lines one page of a filtered list reads (the rest on the next page).
pub const FILTER_READ_LIMIT: usize = 500;

impl Applications {
    pub fn new(core: Core, photos: Arc<dyn BlobStore>) -> Self {
        Self { core, photos }
    }

    /// Documents of proof of the organization's applications.
    pub fn documents(&self) -> super::documents::Documents<'_> {
        super::documents::Documents::new(&self.core, self.photos.as_ref())
    }

    async fn own_application(&self, caller: &Caller, id: &str) -> Result<Stored<Application>, ServiceError> {
        self.core.own_application(caller, id).await
    }

    async fn own_organization(&self, caller: &Caller) -> Result<Organization, ServiceError> {
        let org = caller.organization()?;
        Ok(self.core.store().organizations().get(org).await?.ok_or(ServiceError::NotFound)?.into_inner())
    }

    /// Parses and checks an application against the organization's list, the window and every rule.
    async fn checked_form(
        &self,
        org: &Organization,
        input: &ApplicationInput,
    ) -> Result<ApplicationForm, ServiceError> {
        let today = self.core.today();
        let persons = self.core.store().organizations();
        match ApplicationForm::parse_with_facts(input, today) {
            Ok(form) => {
                let listed = persons.listed(org.id(), &form.person_key()).await?;
                check_eligibility(Filer::of(org), listed.as_ref(), &form, today)?;
                Ok(form)
            }
            // Q36–Q39: every error at once, the eligibility rules on what did read with the form's own.
            Err(rejected) => {
                let (violations, facts) = *rejected;
                let listed = match facts.person_key() {
                    Some(person) => persons.listed(org.id(), &person).await?,
                    None => None,
                };
                Err(with_eligibility(violations, Filer::of(org), listed.as_ref(), &facts, today).into())
            }
        }
    }

    /// Enters an application ("Input completed") for a foreign national on the organization's list.
    #[tracing::instrument(skip_all)]
    pub async fn create_application(
        &self,
        caller: &Caller,
        input: &ApplicationInput,
    ) -> Result<Application, ServiceError> {
        let org = self.own_organization(caller).await?;
        let form = match self.checked_form(&org, input).await {
            Ok(f) => f,
            Err(e) => {
                let event = self.core.event(
                    caller.user_id.as_str(),
                    AuditAction::ApplicationCreate,
                    format!("organization:{}", org.id()),
                    caller.from.clone(),
                    Outcome::Refused(e.rule().into()),
                );
                self.core.audit_only(event).await?;
                return Err(e);
            }
        };
        self.refuse_if_open(&org, &form.person_key(), form.procedure).await?;
        let id = ApplicationId::parse(&self.core.new_id()).map_err(|e| invalid("id", &e))?;
        let app = Application::new(id, org.id().clone(), caller.user_id.clone(), form);
        let event = self.core.event(
            caller.user_id.as_str(),
            AuditAction::ApplicationCreate,
            format!("application:{}", app.id()),
            caller.from.clone(),
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        change.add(&app)?;
        self.commit_claiming(change, &org, &app).await?;
        Ok(app)
    }

    /// One open application per foreign national: refused with the open one, named if it is this
    /// organization's (another organization's is never confirmed by its ID).
    async fn refuse_if_open(
        &self,
        org: &Organization,
        person: &PersonKey,
        procedure: Procedure,
    ) -> Result<(), ServiceError> {
        match self.core.store().applications().open_for(person, procedure).await? {
            None => Ok(()),
            Some(open) => Err(open.refuses_another_for(org.id()).into()),
        }
    }

    /// Commits a change that adds `app`; if its open claim was taken meanwhile, the refusal names the
    /// application that took it.
    async fn commit_claiming(
        &self,
        change: crate::store::UnitOfWork,
        org: &Organization,
        app: &Application,
    ) -> Result<(), ServiceError> {
        match self.core.commit(change).await {
            Err(ServiceError::Conflict) => {
                self.refuse_if_open(org, &app.form().person_key(), app.procedure()).await?;
                Err(ServiceError::Conflict)
            }
            other => other,
        }
    }

    /// Changes what was entered, before filing (the check page's "change"): parsed and checked as a new
    /// entry, for the same person.
    #[tracing::instrument(skip_all)]
    pub async fn change_entry(
        &self,
        caller: &Caller,
        id: &str,
        input: &ApplicationInput,
    ) -> Result<Application, ServiceError> {
        let mut app = self.own_application(caller, id).await?;
        let org = self.own_organization(caller).await?;
        let form = self.checked_form(&org, input).await?;
        app.change_entry(Actor::OrganizationUser, form)?;
        self.save_audited(caller, &app, AuditAction::ApplicationChange).await?;
        Ok(app.into_inner())
    }

    /// Discards what was entered, before filing: the entry ends (withdrawn), and another application for
    /// the person may be entered, here or by another organization.
    #[tracing::instrument(skip_all)]
    pub async fn discard(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        let mut app = self.own_application(caller, id).await?;
        app.discard(Actor::OrganizationUser)?;
        self.save_audited(caller, &app, AuditAction::ApplicationDiscard).await?;
        Ok(app.into_inner())
    }

    /// The entry (not yet filed) of this organization for a person, if there is one: where the form for
    /// that person returns to (browser back after saving keeps the answers).
    #[tracing::instrument(skip_all)]
    pub async fn open_entry_for(
        &self,
        caller: &Caller,
        card: &str,
        procedure: Procedure,
    ) -> Result<Option<Application>, ServiceError> {
        let org = caller.organization()?;
        let Ok(card) = zairyu_domain::values::ResidenceCardNumber::parse(card) else {
            return Ok(None);
        };
        let open = self.core.store().applications().open_for(&PersonKey::Card(card), procedure).await?;
        Ok(open
            .filter(|a| a.organization_id() == org && a.status() == ApplicationStatus::InputCompleted)
            .map(Stored::into_inner))
    }

    async fn save_audited(
        &self,
        caller: &Caller,
        app: &Stored<Application>,
        action: AuditAction,
    ) -> Result<(), ServiceError> {
        let event = self.core.event(
            caller.user_id.as_str(),
            action,
            format!("application:{}", app.id()),
            caller.from.clone(),
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        change.save(app)?;
        self.core.commit(change).await
    }

    /// Q23: attaches the facial photo (JPEG by content, ≤ 50 KB) to an application not yet filed.
    #[tracing::instrument(skip_all)]
    pub async fn attach_photo(
        &self,
        caller: &Caller,
        id: &str,
        bytes: Vec<u8>,
        file_name: Option<&str>,
    ) -> Result<Application, ServiceError> {
        let app = self.own_application(caller, id).await?;
        photos::save_with_photo(
            &self.core,
            self.photos.as_ref(),
            caller,
            app,
            bytes,
            file_name,
            AuditAction::ApplicationPhoto,
            |app, photo| app.attach_photo(Actor::OrganizationUser, photo),
        )
        .await
    }

    /// Q32, Q33: files the application: "Application completed", receipt date today, a temporary receipt
    /// number e-mailed to the user and the applicant. Submitting twice (a double click, a retry after a
    /// time-out) gives the one application and its one number.
    #[tracing::instrument(skip_all)]
    pub async fn submit(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        let mut app = self.own_application(caller, id).await?;
        if app.temporary_receipt_number().is_some() {
            return Ok(app.into_inner());
        }
        self.core.accepting_applications().await?;
        let org = self.own_organization(caller).await?;
        let today = self.core.today();
        let store = self.core.store();
        let listed = store.organizations().listed(org.id(), &app.form().person_key()).await?;
        let eligible = check_eligibility(Filer::of(&org), listed.as_ref(), app.form(), today)?;
        let number = TemporaryReceiptNumber::new(today, self.core.random());
        let user = store.users().get(&caller.user_id).await?.ok_or(ServiceError::NotFound)?;
        let return_address = user.return_address(&org.profile().location).cloned();
        app.submit(Actor::OrganizationUser, &eligible, number.clone(), return_address)?;
        let event = self.core.event(
            caller.user_id.as_str(),
            AuditAction::ApplicationSubmit,
            format!("application:{}", app.id()),
            caller.from.clone(),
            Outcome::Success,
        );
        let applicant = Addressee { email: app.form().notice_email.clone(), language: Language::En };
        let numbered = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            format!("temporary_receipt_number:{}", app.id()),
            vec![user_addressee(&user), applicant],
        )
        .about(app.procedure())
        .with("receipt_number", number.as_str())
        .with("receipt_date", today.to_string());
        let mut change = self.core.change(&event)?;
        change.save(&app)?;
        // The official number comes the next day (Q33).
        change.due(today.succ(), DueTask::ReceiptNumber, app.id().as_str());
        self.core.enqueue(&mut change, &numbered)?;
        match self.core.commit(change).await {
            Ok(()) => Ok(app.into_inner()),
            // A concurrent submit of the same application won: answer with its result.
            Err(ServiceError::Conflict) => match self.own_application(caller, id).await? {
                stored if stored.temporary_receipt_number().is_some() => Ok(stored.into_inner()),
                _ => Err(ServiceError::Conflict),
            },
            Err(e) => Err(e),
        }
    }

    /// Submits many applications in one request: each gets its own result, and one failure does not stop
    /// the others.
    #[tracing::instrument(skip_all)]
    pub async fn submit_many(
        &self,
        caller: &Caller,
        ids: &[String],
    ) -> Vec<(String, Result<Application, ServiceError>)> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push((id.clone(), self.submit(caller, id).await));
        }
        out
    }

    /// Q50, Q51: the organization's application information list with status, receipt numbers and dates,
    /// newest first; the rows of blanket files that could not be registered are in it, in "Error (blanket
    /// registration)" (Q42).
    #[tracing::instrument(skip_all)]
    pub async fn applications(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<crate::lines::Line>, ServiceError> {
        let org = caller.organization()?;
        Ok(self.core.store().applications().of_organization(org, after, limit).await?)
    }

    /// Q50, Q51: the application information list filtered by status as the list shows it (a status shown
    /// under the same label as `status` is in too), newest first. The list is read page by page until `limit`
    /// lines match, the list ends, or [`FILTER_READ_LIMIT`] lines were read; a page may hold fewer lines than
    /// `limit` (or none) and still have a next one, and every page ends where the list was read to, so no line
    /// is skipped or shown twice.
    #[tracing::instrument(skip_all)]
    pub async fn applications_in(
        &self,
        caller: &Caller,
        status: ApplicationStatus,
        mut after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<crate::lines::Line>, ServiceError> {
        let org = caller.organization()?;
        let store = self.core.store();
        let (mut items, mut read) = (Vec::new(), 0usize);
        loop {
            let page = store.applications().of_organization(org, after, limit).await?;
            read += page.items.len();
            items.extend(page.items.into_iter().filter(|line| line.status().is_some_and(|s| s.shown_alike(status))));
            after = page.next;
            if after.is_none() || items.len() >= limit as usize || read >= FILTER_READ_LIMIT {
                return Ok(Records { items, next: after });
            }
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn application(&self, caller: &Caller, id: &str) -> Result<Application, ServiceError> {
        Ok(self.own_application(caller, id).await?.into_inner())
    }

    /// One item of the list: an application, or a blanket entry with its errors (Q42).
    #[tracing::instrument(skip_all)]
    pub async fn list_item(&self, caller: &Caller, id: &str) -> Result<Listed, ServiceError> {
        match self.own_application(caller, id).await {
            Ok(app) => Ok(Listed::Application(Box::new(app.into_inner()))),
            Err(ServiceError::NotFound) => {
                Ok(Listed::BlanketEntry(Box::new(self.own_entry(caller, id).await?.into_inner())))
            }
            Err(e) => Err(e),
        }
    }

    async fn own_entry(&self, caller: &Caller, id: &str) -> Result<Stored<BlanketEntry>, ServiceError> {
        let org = caller.organization()?;
        let id = ApplicationId::parse(id).map_err(|_| ServiceError::NotFound)?;
        match self.core.store().applications().entry(&id).await? {
            Some(entry) if entry.organization_id() == org => Ok(entry),
            Some(entry) => {
                Err(self.core.refuse_as_missing(caller, format!("application:{}", entry.id()), "not_found").await?)
            }
            None => Err(ServiceError::NotFound),
        }
    }

    /// Q42: a row of a blanket file that could not be registered, corrected on the single-entry path: parsed
    /// and checked as any single entry, it becomes the application ("Input completed") in its place.
    #[tracing::instrument(skip_all)]
    pub async fn correct_blanket_entry(
        &self,
        caller: &Caller,
        id: &str,
        input: &ApplicationInput,
    ) -> Result<Application, ServiceError> {
        let stored = self.own_entry(caller, id).await?;
        let org = self.own_organization(caller).await?;
        let form = self.checked_form(&org, input).await?;
        self.refuse_if_open(&org, &form.person_key(), form.procedure).await?;
        let app = stored.clone().into_inner().correct(Actor::OrganizationUser, form)?;
        let event = self.core.event(
            caller.user_id.as_str(),
            AuditAction::ApplicationCorrect,
            format!("application:{}", app.id()),
            caller.from.clone(),
            Outcome::Success,
        );
        let mut change = self.core.change(&event)?;
        change.replace(&stored, &app)?;
        self.commit_claiming(change, &org, &app).await?;
        Ok(app)
    }

    /// Q53: changes how the card is received, while "Application completed" or "Under examination".
    #[tracing::instrument(skip_all)]
    pub async fn change_receipt_method(
        &self,
        caller: &Caller,
        id: &str,
        method: ReceiptMethod,
    ) -> Result<Application, ServiceError> {
        let mut app = self.own_application(caller, id).await?;
        app.change_receipt_method(Actor::OrganizationUser, method, self.core.today())?;
        let user = self.core.store().users().get(&caller.user_id).await?.ok_or(ServiceError::NotFound)?;
        let event = self.core.event(
            caller.user_id.as_str(),
            AuditAction::ApplicationReceiptMethod,
            format!("application:{}", app.id()),
            caller.from.clone(),
            Outcome::Success,
        );
        let job = NotificationJob::new(
            NotificationKind::ReceiptMethodChanged,
            format!("receipt_method_changed:{}:{}", app.id(), event.id),
            vec![user_addressee(&user)],
        )
        .about(app.procedure())
        .with("receipt_method_ja", method.words(Language::Ja))
        .with("receipt_method_en", method.words(Language::En));
        let mut change = self.core.change(&event)?;
        change.save(&app)?;
        self.core.enqueue(&mut change, &job)?;
        self.core.commit(change).await?;
        Ok(app.into_inner())
    }

    /// One person of the organization's list, by residence card number (a new application starts from them).
    #[tracing::instrument(skip_all)]
    pub async fn listed_person(&self, caller: &Caller, card: &str) -> Result<ForeignNational, ServiceError> {
        let org = caller.organization()?;
        let card = zairyu_domain::values::ResidenceCardNumber::parse(card).map_err(|_| ServiceError::NotFound)?;
        self.core.store().organizations().person(org, &card).await?.ok_or(ServiceError::NotFound)
    }

    /// Q23: the facial photo of one of the organization's applications, to show it back.
    #[tracing::instrument(skip_all)]
    pub async fn photo(&self, caller: &Caller, id: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        let app = self.own_application(caller, id).await?;
        match app.photo() {
            Some(photo) => Ok(self.photos.get(&photo.key).await?),
            None => Ok(None),
        }
    }

    /// Q21, Q26–Q29: the List of Affiliated Foreign Nationals as a page shows it: each person with the days
    /// an extension can be filed online and whether it can be today (and, if not, why).
    #[tracing::instrument(skip_all)]
    pub async fn affiliated(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Affiliated>, ServiceError> {
        let page = self.foreign_nationals(caller, after, limit).await?;
        let today = self.core.today();
        let items = page
            .items
            .into_iter()
            .map(|person| {
                let filings = Procedure::for_residents()
                    .filter_map(|procedure| {
                        let window = procedure.filing_window(person.expiry, person.period_of_stay)?;
                        Some(Filing { procedure, window, today: window.check(today) })
                    })
                    .collect();
                Affiliated { filings, person }
            })
            .collect();
        Ok(Records { items, next: page.next })
    }

    pub async fn foreign_nationals(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<ForeignNational>, ServiceError> {
        let org = caller.organization()?;
        Ok(self.core.store().organizations().people(org, after, limit).await?)
    }
}
