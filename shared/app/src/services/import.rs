//! Records written as they are, without the use case that would make each: the local server's demo data,
//! the worlds tests and benchmarks run in, a migration. The due tasks each record implies are written with
//! it, as the use cases write them.

use zairyu_domain::account::User;
use zairyu_domain::application::OrganizationId;
use zairyu_domain::organization::{ForeignNational, Organization};

use super::{Core, approval_due, passport_due, password_due};
use crate::error::ServiceError;
use crate::store::UnitOfWork;

/// What to import, in one transaction (at most 100 writes with the due tasks).
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// Import only if no import under this name happened before.
    pub once: Option<String>,
    pub organizations: Vec<Organization>,
    pub users: Vec<User>,
    /// People on an organization's List of Affiliated Foreign Nationals.
    pub people: Vec<(OrganizationId, ForeignNational)>,
    /// Electronic certificates of eligibility as issued.
    pub certificates: Vec<zairyu_domain::certificate::Certificate>,
}

impl Core {
    /// Imports new records; `false` when an import of the same `once` name was done before (nothing is
    /// written then).
    #[tracing::instrument(skip_all)]
    pub async fn import(&self, import: Import) -> Result<bool, ServiceError> {
        let mut change = UnitOfWork::new(self.now());
        if let Some(name) = &import.once {
            change.mark_once(name);
        }
        for org in &import.organizations {
            change.add(org)?;
            approval_due(&mut change, org);
        }
        for user in &import.users {
            change.add(user)?;
            password_due(&mut change, user);
        }
        for (org, person) in &import.people {
            change.put_person(org, person)?;
            passport_due(&mut change, org, person);
        }
        for certificate in &import.certificates {
            change.add(certificate)?;
        }
        match self.store().commit(change).await {
            Ok(_) => Ok(true),
            Err(crate::ports::StoreError::ConditionFailed) if import.once.is_some() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
