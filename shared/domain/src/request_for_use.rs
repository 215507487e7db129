//! Requests for use (Q3, Q10, Q16–Q20), recorded by an officer at the counter.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::application::OrganizationId;
use crate::error::Text;
use crate::values::{EmailAddress, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// The organization's first request (Q3).
    New,
    /// Another staff member or an agent of an organization already using the system (Q3, Q16).
    Additional,
}

crate::codes! {
    /// Where a request for use stands.
    pub enum RequestState {
        Pending => "pending",
        Approved => "approved",
        Denied => "denied",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestForUse {
    pub id: String,
    pub organization_id: OrganizationId,
    pub kind: RequestKind,
    pub requester_name: Text<80>,
    pub requester_email: EmailAddress,
    /// An attorney or certified administrative procedures legal specialist (Q17).
    pub is_agent: bool,
    /// For an agent: the organization's written request, stamped by its representative, is on file (Q18).
    pub written_request_on_file: bool,
    pub state: RequestState,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    /// Issued on approval (Q14).
    pub issued_user_id: Option<UserId>,
}
