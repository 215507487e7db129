//! The counter's work for organizations: registering them, requests for use and their approval, changes of
//! name or location, and periodic reports.

use serde::Deserialize;
use zairyu_domain::account::{User, UserKind};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::audit::AuditAction;
use zairyu_domain::error::{Collector, Language, Text};
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::office::Office;
use zairyu_domain::organization::{Organization, OrganizationError, OrganizationKind, OrganizationProfile, UseState};
use zairyu_domain::request_for_use::{NewRequest, RequestForUse, RequestKind, RequestState};
use zairyu_domain::values::{CorporateNumber, EmailAddress, UserId};

use super::{Counter, CounterError, at_counter};
use crate::error::{ServiceError, invalid};
use crate::ports::Cursor;
use crate::services::{Caller, approval_due};
use crate::store::{LinkPurpose, Records};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    pub kind: OrganizationKind,
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub corporate_number: String,
    pub office: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestForUseInput {
    pub kind: RequestKind,
    pub requester_name: String,
    pub requester_email: String,
    #[serde(default)]
    pub is_agent: bool,
    #[serde(default)]
    pub written_request_on_file: bool,
    /// Q56: an agent's office of affiliation (where cards received by post are sent); required for an
    /// agent, not given for a staff member.
    #[serde(default)]
    pub office_address: String,
    /// The language the requester reads (Japanese unless told): the e-mails about the request are written
    /// in it, and the user made on approval sees the pages in it.
    #[serde(default)]
    pub language: Language,
}

/// The counter's page of an organization: see [`Counter::organization_file`].
#[derive(Debug, Clone)]
pub struct OrganizationFile {
    pub organization: Organization,
    pub requests: Vec<RequestForUse>,
    pub users: Vec<User>,
}

impl Counter {
    /// Q1–Q3, Q15: registers an organization of affiliation at the office with jurisdiction over it.
    #[tracing::instrument(skip_all)]
    pub async fn register_organization(
        &self,
        caller: &Caller,
        input: &OrganizationInput,
    ) -> Result<Organization, ServiceError> {
        let office = Office::parse(&input.office).map_err(|e| invalid("office", &e))?;
        at_counter(caller, office).map_err(|e| match e {
            ServiceError::NotFound => ServiceError::Forbidden,
            e => e,
        })?;
        let profile =
            OrganizationProfile::parse(input.kind, &input.name, &input.location, &input.corporate_number, office)?;
        let id = OrganizationId::parse(&self.core.new_id()).map_err(|e| invalid("id", &e))?;
        let org = Organization::register(id, profile);
        let registered = || invalid("corporate_number", &OrganizationError::CorporateNumberRegistered);
        let organizations = self.core.store().organizations();
        if let Some(number) = &org.profile().corporate_number
            && organizations.corporate_number_registered(number).await?
        {
            return Err(registered());
        }
        let event = self.counter_event(caller, AuditAction::RegisterOrganization, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.add(&org)?;
        match self.core.commit(change).await {
            // Registered by someone else meanwhile: the claim of the number failed.
            Err(ServiceError::Conflict) => Err(registered()),
            other => other.map(|()| org),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn office_organization(&self, caller: &Caller, id: &str) -> Result<Organization, ServiceError> {
        Ok(self.counter_organization(caller, id).await?.into_inner())
    }

    /// The organization of the officer's office registered with this corporate number (what an
    /// organization tells the counter): not found when none is, or when it is another office's.
    #[tracing::instrument(skip_all)]
    pub async fn office_organization_by_corporate_number(
        &self,
        caller: &Caller,
        number: &str,
    ) -> Result<Organization, ServiceError> {
        caller.officer()?;
        let number = CorporateNumber::parse(number).map_err(|_| ServiceError::NotFound)?;
        let id = self.core.store().organizations().by_corporate_number(&number).await?.ok_or(ServiceError::NotFound)?;
        self.office_organization(caller, id.as_str()).await
    }

    /// Q78: a change of the organization's name or location.
    #[tracing::instrument(skip_all)]
    pub async fn change_organization(
        &self,
        caller: &Caller,
        id: &str,
        name: Option<&str>,
        location: Option<&str>,
    ) -> Result<Organization, ServiceError> {
        let mut org = self.counter_organization(caller, id).await?;
        let mut c = Collector::new();
        if let Some(n) = name
            && let Some(v) = c.take("name", Text::<120>::parse(n))
        {
            org.rename(v);
        }
        if let Some(l) = location
            && let Some(v) = c.take("location", Text::<200>::parse(l))
        {
            org.relocate(v);
        }
        c.finish(|| Some(()))?;
        let event = self.counter_event(caller, AuditAction::ChangeOrganization, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.save(&org)?;
        self.core.commit(change).await?;
        Ok(org.into_inner())
    }

    /// Q3, Q10, Q16–Q20: records a request for use made at the counter.
    #[tracing::instrument(skip_all)]
    pub async fn record_request_for_use(
        &self,
        caller: &Caller,
        org_id: &str,
        input: &RequestForUseInput,
    ) -> Result<RequestForUse, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let mut c = Collector::new();
        let name = c.take("requester_name", Text::<80>::parse(&input.requester_name));
        let email = c.take("requester_email", EmailAddress::parse(&input.requester_email));
        if input.is_agent && !input.written_request_on_file {
            c.push("written_request_on_file", &CounterError::WrittenRequestMissing);
        }
        let office_address = match (input.is_agent, input.office_address.trim().is_empty()) {
            (true, _) => c.take("office_address", Text::<200>::parse(&input.office_address)).map(Some),
            (false, true) => Some(None),
            (false, false) => {
                c.push("office_address", &CounterError::OfficeAddressOfStaff);
                None
            }
        };
        match (input.kind, org.approval().is_some()) {
            (RequestKind::New, true) => c.push("kind", &CounterError::AlreadyApproved),
            (RequestKind::Additional, false) => c.push("kind", &CounterError::NotYetApproved),
            _ => {}
        }
        let (name, email, agent_office_address) = c.finish(|| Some((name?, email?, office_address?)))?;
        let req = RequestForUse::record(NewRequest {
            id: self.core.new_id(),
            organization_id: org.id().clone(),
            kind: input.kind,
            requester_name: name,
            requester_email: email,
            is_agent: input.is_agent,
            agent_office_address,
            written_request_on_file: input.written_request_on_file,
            recorded_by: caller.user_id.clone(),
            recorded_at: self.core.now(),
            language: input.language,
        });
        let event = self.counter_event(caller, AuditAction::RecordRequestForUse, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.add_request_for_use(&req, org.profile().office)?;
        self.core.commit(change).await?;
        Ok(req)
    }

    /// Q12–Q14, Q88: approves (a user ID, the approval dates for a new request, an e-mail with the one-time
    /// link to set the password) or denies (an e-mail saying so) a request for use.
    #[tracing::instrument(skip_all)]
    pub async fn decide_request_for_use(
        &self,
        caller: &Caller,
        org_id: &str,
        request_id: &str,
        approve: bool,
    ) -> Result<RequestForUse, ServiceError> {
        let mut org = self.counter_organization(caller, org_id).await?;
        let mut req = self
            .core
            .store()
            .organizations()
            .request_for_use(org.id(), request_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let requester = vec![Addressee { email: req.requester_email().clone(), language: req.language() }];
        let subject = format!("organization:{}", org.id());
        if !approve {
            req.deny().map_err(|e| invalid("request", &e))?;
            let event = self.counter_event(caller, AuditAction::DenyRequestForUse, subject);
            let job = NotificationJob::new(
                NotificationKind::RequestForUseDenied,
                format!("request_for_use_denied:{}", req.id()),
                requester,
            );
            let mut change = self.core.change(&event)?;
            change.save_request_for_use(&req, org.profile().office)?;
            self.core.enqueue(&mut change, &job)?;
            self.core.commit(change).await?;
            return Ok(req.into_inner());
        }
        let event = self.counter_event(caller, AuditAction::ApproveRequestForUse, subject);
        let mut change = self.core.change(&event)?;
        if req.kind() == RequestKind::New {
            org.grant_approval(self.core.today());
            change.save(&org)?;
            approval_due(&mut change, &org);
        }
        // A user ID nobody has: guarded by the write's only-if-absent condition.
        let user_id = UserId::parse(&format!("U{:09}", self.core.random() % 1_000_000_000))
            .map_err(|e| invalid("user_id", &e))?;
        let user = match req.agent_office_address() {
            Some(office) if req.is_agent() => User::agent(
                user_id.clone(),
                org.id().clone(),
                req.requester_name().clone(),
                req.requester_email().clone(),
                office.clone(),
                req.language(),
            ),
            _ => User::new(
                user_id.clone(),
                if req.is_agent() { UserKind::Agent } else { UserKind::OrganizationStaff },
                Some(org.id().clone()),
                req.requester_name().clone(),
                req.requester_email().clone(),
                req.language(),
            ),
        };
        change.add(&user)?;
        req.approve(user_id.clone()).map_err(|e| invalid("request", &e))?;
        change.save_request_for_use(&req, org.profile().office)?;
        let (token, expires_at) = self.links.add(&mut change, &user, LinkPurpose::SetPassword)?;
        let job = self.links.job(
            NotificationKind::RequestForUseApproved,
            format!("request_for_use_approved:{}", req.id()),
            requester,
            &user_id,
            &token,
            expires_at,
        );
        self.core.enqueue(&mut change, &job)?;
        self.core.commit(change).await?;
        Ok(req.into_inner())
    }

    /// What the counter's page of an organization shows, the organization read once: the organization, its
    /// requests for use (Q3, Q10; the newest first, its latest hundred) and its users (those whose name
    /// contains `user_name` when given, Q93).
    #[tracing::instrument(skip_all)]
    pub async fn organization_file(
        &self,
        caller: &Caller,
        org_id: &str,
        user_name: Option<&str>,
    ) -> Result<OrganizationFile, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let organizations = self.core.store().organizations();
        let mut requests = organizations.requests_of_organization(org.id(), 100).await?;
        requests.sort_by(|a, b| b.recorded_at().cmp(&a.recorded_at()).then_with(|| b.id().cmp(a.id())));
        let users = self.users_named(org.id(), user_name).await?;
        Ok(OrganizationFile { organization: org.into_inner(), requests, users })
    }

    /// Q12: the requests for use the officer's office has yet to decide, the newest first.
    #[tracing::instrument(skip_all)]
    pub async fn pending_requests(
        &self,
        caller: &Caller,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<RequestForUse>, ServiceError> {
        let (office, _) = caller.officer()?;
        at_counter(caller, office)?;
        Ok(self.core.store().organizations().requests_of_office(office, RequestState::Pending, after, limit).await?)
    }

    /// The officer's office's organizations whose names begin as `name` does, however typed (every one for
    /// an empty text), by name: the counter's list of the organizations it looks after, with their state.
    #[tracing::instrument(skip_all)]
    pub async fn office_organizations(
        &self,
        caller: &Caller,
        name: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Organization>, ServiceError> {
        let (office, _) = caller.officer()?;
        at_counter(caller, office)?;
        Ok(self.core.store().organizations().of_office(office, name, after, limit).await?)
    }

    /// Q72–Q76: records the decision on a periodic report. Approval extends the approval to the old expiry
    /// + 1 year and resumes a suspended organization; every user is told (Q74).
    #[tracing::instrument(skip_all)]
    pub async fn decide_periodic_report(
        &self,
        caller: &Caller,
        org_id: &str,
        approve: bool,
    ) -> Result<Organization, ServiceError> {
        let mut org = self.counter_organization(caller, org_id).await?;
        let approval = org.approval().ok_or_else(|| invalid("organization", &CounterError::NotYetApproved))?;
        let to = self.org_addressees(org.id()).await?;
        let subject = format!("organization:{}", org.id());
        let mut jobs = Vec::new();
        let action = if approve { AuditAction::ApprovePeriodicReport } else { AuditAction::DenyPeriodicReport };
        let event = self.counter_event(caller, action, subject);
        let mut change = self.core.change(&event)?;
        if approve {
            let was = org.approve_periodic_report().unwrap_or(org.use_state());
            let (state, extended) = (org.use_state(), org.approval().unwrap_or(approval));
            approval_due(&mut change, &org);
            jobs.push(
                NotificationJob::new(
                    NotificationKind::PeriodicReportApproved,
                    format!("periodic_report_approved:{}:{}", org.id(), extended.expires_on),
                    to.clone(),
                )
                .with("expires_on", extended.expires_on.to_string()),
            );
            if was == UseState::Suspended && state == UseState::Active {
                jobs.push(NotificationJob::new(
                    NotificationKind::UseResumed,
                    format!("use_resumed:{}:{}", org.id(), extended.expires_on),
                    to,
                ));
            }
        } else {
            jobs.push(NotificationJob::new(
                NotificationKind::PeriodicReportDenied,
                format!("periodic_report_denied:{}:{}", org.id(), approval.expires_on),
                to,
            ));
        }
        change.save(&org)?;
        for job in jobs.iter().filter(|j| !j.to.is_empty()) {
            self.core.enqueue(&mut change, job)?;
        }
        self.core.commit(change).await?;
        Ok(org.into_inner())
    }
}
