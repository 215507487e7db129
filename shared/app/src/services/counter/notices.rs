//! The notices published on the top page.

use zairyu_domain::audit::AuditAction;
use zairyu_domain::notice::{Notice, NoticeInput};

use super::Counter;
use crate::error::ServiceError;
use crate::services::Caller;

impl Counter {
    /// Q25: an admin publishes a notice for the top screen, with a planned maintenance window if it
    /// announces one (applications are not accepted during it).
    #[tracing::instrument(skip_all)]
    pub async fn publish_notice(&self, caller: &Caller, input: &NoticeInput) -> Result<Notice, ServiceError> {
        if !Self::is_admin(caller) {
            return Err(ServiceError::Forbidden);
        }
        let notice = Notice::parse(self.core.new_id(), input, self.core.now())?;
        let event = self.counter_event(caller, AuditAction::PublishNotice, format!("notice:{}", notice.id));
        let mut change = self.core.change(&event)?;
        change.add(&notice)?;
        self.core.commit(change).await?;
        self.core.forget_notices();
        Ok(notice)
    }

    /// Q25: the notices shown on the top page now, for the office's notices page.
    #[tracing::instrument(skip_all)]
    pub async fn office_notices(&self, caller: &Caller) -> Result<Vec<Notice>, ServiceError> {
        caller.officer()?;
        self.core.current_notices().await
    }

    /// Q25: an admin withdraws a notice (a maintenance called off ends its refusals).
    #[tracing::instrument(skip_all)]
    pub async fn withdraw_notice(&self, caller: &Caller, id: &str) -> Result<(), ServiceError> {
        if !Self::is_admin(caller) {
            return Err(ServiceError::Forbidden);
        }
        let found = self.core.store().notices().find(id, 200).await?.ok_or(ServiceError::NotFound)?;
        let event = self.counter_event(caller, AuditAction::WithdrawNotice, format!("notice:{}", found.notice.id));
        let mut change = self.core.change(&event)?;
        change.remove_notice(&found);
        let done = self.core.commit(change).await.map_err(|e| match e {
            ServiceError::Conflict => ServiceError::NotFound,
            e => e,
        });
        self.core.forget_notices();
        done
    }
}
