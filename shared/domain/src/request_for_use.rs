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

/// A request for use recorded at the counter. Its fields are read through the accessors and its state
/// changes only by [`RequestForUse::approve`] or [`RequestForUse::deny`], once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestForUse {
    id: String,
    organization_id: OrganizationId,
    kind: RequestKind,
    requester_name: Text<80>,
    requester_email: EmailAddress,
    /// An attorney or certified administrative procedures legal specialist (Q17).
    is_agent: bool,
    /// Q55, Q56: an agent's office of affiliation, where a card received by post is sent.
    #[serde(default)]
    agent_office_address: Option<Text<200>>,
    /// For an agent: the organization's written request, stamped by its representative, is on file (Q18).
    written_request_on_file: bool,
    state: RequestState,
    recorded_by: UserId,
    recorded_at: DateTime<Utc>,
    /// Issued on approval (Q14).
    issued_user_id: Option<UserId>,
    /// The language the requester reads: the approval (or denial) e-mail is written in it, and it is the
    /// new user's language (#32 item 3). Requests recorded before it was asked are Japanese.
    #[serde(default)]
    language: crate::error::Language,
}

/// What a request for use says when the counter records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub id: String,
    pub organization_id: OrganizationId,
    pub kind: RequestKind,
    pub requester_name: Text<80>,
    pub requester_email: EmailAddress,
    pub is_agent: bool,
    /// Required for an agent (Q56); none for a staff member.
    pub agent_office_address: Option<Text<200>>,
    pub written_request_on_file: bool,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    pub language: crate::error::Language,
}

/// A request for use can be decided once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this request for use has already been decided")]
pub struct AlreadyDecided;

impl crate::error::Localized for AlreadyDecided {
    fn rule(&self) -> &'static str {
        "request_for_use.already_decided"
    }
    fn message_ja(&self) -> String {
        "この利用申出は既に処理されています。".into()
    }
}

impl RequestForUse {
    /// A request recorded at the counter, pending.
    pub fn record(new: NewRequest) -> Self {
        Self {
            id: new.id,
            organization_id: new.organization_id,
            kind: new.kind,
            requester_name: new.requester_name,
            requester_email: new.requester_email,
            is_agent: new.is_agent,
            agent_office_address: new.agent_office_address,
            written_request_on_file: new.written_request_on_file,
            state: RequestState::Pending,
            recorded_by: new.recorded_by,
            recorded_at: new.recorded_at,
            issued_user_id: None,
            language: new.language,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization_id
    }
    pub fn kind(&self) -> RequestKind {
        self.kind
    }
    pub fn requester_name(&self) -> &Text<80> {
        &self.requester_name
    }
    pub fn requester_email(&self) -> &EmailAddress {
        &self.requester_email
    }
    /// The language the requester reads (the e-mails about the request, the new user's pages).
    pub fn language(&self) -> crate::error::Language {
        self.language
    }
    pub fn is_agent(&self) -> bool {
        self.is_agent
    }

    /// Q56: the agent's office of affiliation as given in the request.
    pub fn agent_office_address(&self) -> Option<&Text<200>> {
        self.agent_office_address.as_ref()
    }
    pub fn written_request_on_file(&self) -> bool {
        self.written_request_on_file
    }
    pub fn state(&self) -> RequestState {
        self.state
    }
    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    pub fn issued_user_id(&self) -> Option<&UserId> {
        self.issued_user_id.as_ref()
    }

    /// Q12–Q14: approved, with the user ID issued for it.
    pub fn approve(&mut self, user: UserId) -> Result<(), AlreadyDecided> {
        if self.state != RequestState::Pending {
            return Err(AlreadyDecided);
        }
        self.state = RequestState::Approved;
        self.issued_user_id = Some(user);
        Ok(())
    }

    /// Q12: denied.
    pub fn deny(&mut self) -> Result<(), AlreadyDecided> {
        if self.state != RequestState::Pending {
            return Err(AlreadyDecided);
        }
        self.state = RequestState::Denied;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Localized;

    fn request(is_agent: bool) -> RequestForUse {
        RequestForUse::record(NewRequest {
            id: "rfu-1".into(),
            organization_id: OrganizationId::parse("org-1").unwrap(),
            kind: RequestKind::Additional,
            requester_name: Text::parse("Gyosei Taro").unwrap(),
            requester_email: EmailAddress::parse("taro@gyosei.example.jp").unwrap(),
            is_agent,
            agent_office_address: is_agent.then(|| Text::parse("3-3-3 Toranomon").unwrap()),
            written_request_on_file: is_agent,
            recorded_by: UserId::parse("CLERK01").unwrap(),
            recorded_at: chrono::DateTime::UNIX_EPOCH,
            language: crate::error::Language::En,
        })
    }

    #[test]
    fn q12_a_request_is_recorded_pending_and_decided_once() {
        let mut r = request(true);
        assert_eq!((r.id(), r.state(), r.issued_user_id()), ("rfu-1", RequestState::Pending, None));
        assert!(r.is_agent() && r.written_request_on_file());
        assert_eq!(r.agent_office_address().map(Text::as_str), Some("3-3-3 Toranomon"));
        let user = UserId::parse("U000000001").unwrap();
        r.approve(user.clone()).unwrap();
        assert_eq!((r.state(), r.issued_user_id()), (RequestState::Approved, Some(&user)));
        assert_eq!(r.approve(user.clone()), Err(AlreadyDecided));
        assert_eq!(r.deny(), Err(AlreadyDecided));
        assert_eq!(r.state(), RequestState::Approved);
        let mut staff = request(false);
        assert!(!staff.is_agent() && !staff.written_request_on_file());
        staff.deny().unwrap();
        assert_eq!(staff.state(), RequestState::Denied);
        assert_eq!(staff.deny(), Err(AlreadyDecided));
        assert_eq!(staff.approve(user), Err(AlreadyDecided));
        assert_eq!(AlreadyDecided.rule(), "request_for_use.already_decided");
        assert!(AlreadyDecided.message_ja().contains("既に処理"));
    }
}
