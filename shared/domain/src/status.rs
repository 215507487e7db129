//! The one state machine of an application's status (Q51), and who may move it.
//!
//! Every change of status is a named [`Transition`]; [`Transition::apply`] says whether the actor may make
//! it and from which statuses, and returns the new status or a typed error. Nothing else in the system
//! changes a status.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;

/// How the new residence card is received (Q53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptMethod {
    /// At the counter of a regional immigration office (Q54).
    Counter,
    /// By post (Q55).
    Post,
    /// By e-mail: an electronic certificate of eligibility, sent to the notice address on issue.
    Email,
}

impl ReceiptMethod {
    /// The stable code (as serialized).
    pub fn code(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Post => "post",
            Self::Email => "email",
        }
    }

    /// The ways what `procedure` issues may be received: a card or a work certificate at the counter or by
    /// post; a certificate of eligibility by e-mail or by post (the person is abroad: no counter).
    pub fn choices(procedure: crate::procedure::Procedure) -> &'static [crate::choice::Choice] {
        match procedure.applicant() {
            // A card: at the counter or by post.
            crate::procedure::Applicant::Resident | crate::procedure::Applicant::WithoutStatus => {
                crate::choice::RECEIPT_METHOD
            }
            crate::procedure::Applicant::Abroad => crate::choice::CERTIFICATE_DELIVERY,
        }
    }

    /// Whether `procedure` offers this way of receiving.
    pub fn offered_for(self, procedure: crate::procedure::Procedure) -> bool {
        Self::choices(procedure).iter().any(|c| c.code == self.code())
    }

    /// As typed, among the ways `procedure` offers.
    pub fn parse_for(input: &str, procedure: crate::procedure::Procedure) -> Option<Self> {
        Self::parse_code(crate::choice::find(Self::choices(procedure), input)?.code)
    }

    /// The way of receiving in the words the pages offer it (and e-mails say it).
    pub fn words(self, lang: crate::error::Language) -> &'static str {
        let lists = [crate::choice::RECEIPT_METHOD, crate::choice::CERTIFICATE_DELIVERY];
        lists.iter().flat_map(|l| l.iter()).find(|c| c.code == self.code()).map_or(self.code(), |c| c.words(lang))
    }

    /// The way in a word or two, as a list or a summary shows it.
    pub fn short_words(self, lang: crate::error::Language) -> &'static str {
        let (ja, en) = match self {
            Self::Post => ("郵送", "By post"),
            Self::Counter => ("窓口", "At the counter"),
            Self::Email => ("メール", "By e-mail"),
        };
        match lang {
            crate::error::Language::Ja => ja,
            crate::error::Language::En => en,
        }
    }

    /// As typed, any way (whether the procedure offers it is [`Self::parse_for`]'s to say).
    pub fn parse(input: &str) -> Option<Self> {
        let lists = [crate::choice::RECEIPT_METHOD, crate::choice::CERTIFICATE_DELIVERY];
        lists.iter().find_map(|l| crate::choice::find(l, input)).and_then(|c| Self::parse_code(c.code))
    }

    fn parse_code(code: &str) -> Option<Self> {
        match code {
            "counter" => Some(Self::Counter),
            "post" => Some(Self::Post),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

/// The status shown in the application information list (Q51), plus the two ends an application can
/// come to besides completion: denied and withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 入力完了: entered, not yet filed.
    InputCompleted,
    /// 申請完了: received.
    ApplicationCompleted,
    /// 審査中.
    UnderExamination,
    /// 追完待ち: the office asked for more documents; they have not come yet (today's ORAS; not in Q51).
    AwaitingDocuments,
    /// 交付待ち: receipt by post, examined, card not yet issued.
    WaitingForIssuance,
    /// 審査完了: receipt at the counter, examined, card not yet handed over.
    ExaminationCompleted,
    /// 完了: the card was issued (post) or handed over (counter).
    Completed,
    /// エラー（一括登録）: a row of a blanket file could not be registered.
    ErrorBlanketRegistration,
    /// エラー（受付番号取得エラー）: the official receipt number could not be acquired.
    ErrorReceiptNumber,
    /// 不許可.
    Denied,
    /// 取下げ.
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 11] = [
        Self::InputCompleted,
        Self::ApplicationCompleted,
        Self::UnderExamination,
        Self::AwaitingDocuments,
        Self::WaitingForIssuance,
        Self::ExaminationCompleted,
        Self::Completed,
        Self::ErrorBlanketRegistration,
        Self::ErrorReceiptNumber,
        Self::Denied,
        Self::Withdrawn,
    ];

    /// The status of a stable code ([`Self::code`]).
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the application information list shows both under the same label (Q51 calls two states
    /// "Completed"): a list filtered by one shows the other too, as its user reads them alike.
    pub fn shown_alike(self, other: Self) -> bool {
        self.label_en() == other.label_en()
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::InputCompleted => "input_completed",
            Self::ApplicationCompleted => "application_completed",
            Self::UnderExamination => "under_examination",
            Self::AwaitingDocuments => "awaiting_documents",
            Self::WaitingForIssuance => "waiting_for_issuance",
            Self::ExaminationCompleted => "examination_completed",
            Self::Completed => "completed",
            Self::ErrorBlanketRegistration => "error_blanket_registration",
            Self::ErrorReceiptNumber => "error_receipt_number",
            Self::Denied => "denied",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The status as the application information list shows it to users (Q51). Q51 calls both the card
    /// issued (post) and the card awaiting collection after the examination (counter) "Completed"; the
    /// office's finer label is [`Self::office_label_en`]. "Denied" and "Withdrawn" are not in Q51: they are
    /// this system's names for the two other ends (README, rule map).
    pub fn label_en(self) -> &'static str {
        match self {
            Self::InputCompleted => "Input completed",
            Self::ApplicationCompleted => "Application completed",
            Self::UnderExamination => "Under examination",
            Self::AwaitingDocuments => "Awaiting documents",
            Self::WaitingForIssuance => "Waiting for issuance",
            Self::ExaminationCompleted | Self::Completed => "Completed",
            Self::ErrorBlanketRegistration => "Error (blanket registration)",
            Self::ErrorReceiptNumber => "Error (application receipt number acquisition error)",
            Self::Denied => "Denied",
            Self::Withdrawn => "Withdrawn",
        }
    }

    /// [`Self::label_en`] in Japanese, as the agency's screens say it.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::InputCompleted => "入力完了",
            Self::ApplicationCompleted => "申請完了",
            Self::UnderExamination => "審査中",
            Self::AwaitingDocuments => "追完待ち",
            Self::WaitingForIssuance => "交付待ち",
            Self::ExaminationCompleted | Self::Completed => "完了",
            Self::ErrorBlanketRegistration => "エラー（一括登録）",
            Self::ErrorReceiptNumber => "エラー（受付番号取得エラー）",
            Self::Denied => "不許可",
            Self::Withdrawn => "取下げ",
        }
    }

    /// The office's label: where Q51's "Completed" covers two states, it says which.
    pub fn office_label_en(self) -> &'static str {
        match self {
            Self::ExaminationCompleted => "Examination completed (awaiting collection at the counter)",
            Self::Completed => "Completed (issued)",
            other => other.label_en(),
        }
    }

    pub fn office_label_ja(self) -> &'static str {
        match self {
            Self::ExaminationCompleted => "審査完了（窓口交付待ち）",
            Self::Completed => "完了（交付済み）",
            other => other.label_ja(),
        }
    }

    /// The application has been received and its examination has not ended (Q79: an agent's user
    /// information cannot be deleted while this holds for one of its applications).
    pub fn examination_pending(self) -> bool {
        matches!(
            self,
            Self::ApplicationCompleted | Self::ErrorReceiptNumber | Self::UnderExamination | Self::AwaitingDocuments
        )
    }

    /// The application's life has ended: no transition leaves this status.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Denied | Self::Withdrawn)
    }
}

impl ReceiptMethod {
    pub const ALL: [ReceiptMethod; 2] = [Self::Counter, Self::Post];
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What an officer of a regional office does (DESIGN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfficerRole {
    /// Requests for use, periodic reports, user management, withdrawals at the counter.
    Counter,
    /// Examination of applications.
    Examiner,
    /// Residence cards.
    Issuance,
    /// Every office action, in every office.
    Admin,
}

impl OfficerRole {
    pub const ALL: [OfficerRole; 4] = [Self::Counter, Self::Examiner, Self::Issuance, Self::Admin];

    /// The role's stable code, as its JSON names it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Examiner => "examiner",
            Self::Issuance => "issuance",
            Self::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code.trim())
    }
}

/// Who asks for a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "role")]
pub enum Actor {
    /// An organization's staff member or its registered agent.
    OrganizationUser,
    Officer(OfficerRole),
    /// The system's own jobs (blanket processing, receipt numbers).
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OrganizationUser => f.write_str("an organization user"),
            Self::Officer(r) => write!(f, "an officer ({r:?})"),
            Self::System => f.write_str("the system"),
        }
    }
}

/// Every change of an application's status, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// A corrected row of a blanket file replaces an erroneous one (Q42).
    CorrectBlanketEntry,
    /// The user changes what it entered, before filing (the check page's "change").
    ChangeEntry,
    /// The user discards what it entered, before filing: the entry ends, and with it its claim on the person.
    Discard,
    /// The user files the application (Q32).
    Submit,
    /// The official receipt number could not be acquired (Q51).
    FailReceiptNumber,
    /// The official receipt number is given; also the way out of the receipt-number error (Q33).
    AssignOfficialReceiptNumber,
    StartExamination,
    /// More documents are asked for (Q22): the application awaits them (追完待ち).
    RequestDocuments,
    /// The filer uploads a document of proof: with the application before its examination ends, and the
    /// documents asked for bring it back under examination.
    SubmitDocument,
    /// Permission: waiting for issuance (post) or examination completed (counter).
    Permit,
    Deny,
    /// Receipt by post: the card is issued and dispatched (Q55, Q69, Q71).
    IssueCardByPost,
    /// Receipt at the counter: the card is handed to the applicant or the user (Q54, Q67).
    HandOverAtCounter,
    /// The whole application is withdrawn (Q47, Q48).
    Withdraw,
    /// Only the attached re-entry permission or activity permission is withdrawn (Q49).
    WithdrawAttached,
    /// The user changes how the card is received (Q53).
    ChangeReceiptMethod,
    /// A wrongly attached facial photo is replaced by the office (Q63).
    ReplacePhoto,
    /// On the day of issuance post is no longer possible (Q53): the card waits at the counter instead.
    RedirectToCounter,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{actor} may not {op} an application")]
    ActorNotPermitted { op: Transition, actor: Actor },
    #[error("an application whose status is \"{}\" cannot {op}", from.label_en())]
    NotFromStatus { op: Transition, from: ApplicationStatus },
}

impl Localized for TransitionError {
    fn rule(&self) -> &'static str {
        match self {
            Self::ActorNotPermitted { .. } => "status.actor_not_permitted",
            Self::NotFromStatus { .. } => "status.not_from_status",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::ActorNotPermitted { op, .. } => {
                format!("この操作（{}）を行う権限がありません。", op.label_ja())
            }
            Self::NotFromStatus { op, from } => {
                format!("申請状況が「{}」の申請には、この操作（{}）を行えません。", from.label_ja(), op.label_ja())
            }
        }
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_en())
    }
}

impl Transition {
    pub const ALL: [Transition; 18] = [
        Self::CorrectBlanketEntry,
        Self::ChangeEntry,
        Self::Discard,
        Self::Submit,
        Self::FailReceiptNumber,
        Self::AssignOfficialReceiptNumber,
        Self::StartExamination,
        Self::RequestDocuments,
        Self::SubmitDocument,
        Self::Permit,
        Self::Deny,
        Self::IssueCardByPost,
        Self::HandOverAtCounter,
        Self::Withdraw,
        Self::WithdrawAttached,
        Self::ChangeReceiptMethod,
        Self::ReplacePhoto,
        Self::RedirectToCounter,
    ];

    pub fn label_en(self) -> &'static str {
        match self {
            Self::CorrectBlanketEntry => "correct a blanket entry of",
            Self::ChangeEntry => "change the entry of",
            Self::Discard => "discard",
            Self::Submit => "submit",
            Self::FailReceiptNumber => "record a receipt-number error for",
            Self::AssignOfficialReceiptNumber => "assign an official receipt number to",
            Self::StartExamination => "start the examination of",
            Self::RequestDocuments => "request documents for",
            Self::SubmitDocument => "submit a document for",
            Self::Permit => "permit",
            Self::Deny => "deny",
            Self::IssueCardByPost => "issue the residence card by post for",
            Self::HandOverAtCounter => "hand over the residence card at the counter for",
            Self::Withdraw => "withdraw",
            Self::WithdrawAttached => "withdraw the attached permission of",
            Self::ChangeReceiptMethod => "change the receipt method of",
            Self::ReplacePhoto => "replace the photo of",
            Self::RedirectToCounter => "redirect to the counter the residence card of",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::CorrectBlanketEntry => "一括登録の訂正",
            Self::ChangeEntry => "入力内容の変更",
            Self::Discard => "入力の破棄",
            Self::Submit => "申請",
            Self::FailReceiptNumber => "受付番号取得エラーの記録",
            Self::AssignOfficialReceiptNumber => "正式な受付番号の付与",
            Self::StartExamination => "審査開始",
            Self::RequestDocuments => "資料提出通知",
            Self::SubmitDocument => "立証資料の提出",
            Self::Permit => "許可",
            Self::Deny => "不許可",
            Self::IssueCardByPost => "在留カードの交付（郵送）",
            Self::HandOverAtCounter => "在留カードの交付（窓口）",
            Self::Withdraw => "取下げ",
            Self::WithdrawAttached => "同時申請分の取下げ",
            Self::ChangeReceiptMethod => "受領方法の変更",
            Self::ReplacePhoto => "写真の差替え",
            Self::RedirectToCounter => "窓口受領への切替え",
        }
    }

    /// Whether `actor` may make this transition at all (office jurisdiction is checked where the
    /// officer's office is known).
    pub fn permits(self, actor: Actor) -> bool {
        use OfficerRole::*;
        match self {
            Self::CorrectBlanketEntry
            | Self::ChangeEntry
            | Self::Discard
            | Self::Submit
            | Self::SubmitDocument
            | Self::ChangeReceiptMethod => actor == Actor::OrganizationUser,
            Self::FailReceiptNumber | Self::AssignOfficialReceiptNumber => actor == Actor::System,
            Self::StartExamination | Self::RequestDocuments | Self::Permit | Self::Deny | Self::ReplacePhoto => {
                matches!(actor, Actor::Officer(Examiner | Admin))
            }
            Self::IssueCardByPost | Self::RedirectToCounter => matches!(actor, Actor::Officer(Issuance | Admin)),
            Self::HandOverAtCounter => matches!(actor, Actor::Officer(Issuance | Counter | Admin)),
            Self::Withdraw | Self::WithdrawAttached => {
                matches!(actor, Actor::Officer(Counter | Examiner | Admin))
            }
        }
    }

    /// The status this transition leads to from `from`, or `None` where it is not allowed. Only `Permit`
    /// depends on the receipt method.
    pub fn target(self, from: ApplicationStatus, method: ReceiptMethod) -> Option<ApplicationStatus> {
        use ApplicationStatus::*;
        match (self, from) {
            (Self::CorrectBlanketEntry, ErrorBlanketRegistration) => Some(InputCompleted),
            (Self::ChangeEntry, InputCompleted) => Some(InputCompleted),
            (Self::Discard, InputCompleted) => Some(Withdrawn),
            (Self::Submit, InputCompleted) => Some(ApplicationCompleted),
            (Self::FailReceiptNumber, ApplicationCompleted) => Some(ErrorReceiptNumber),
            (Self::AssignOfficialReceiptNumber, ApplicationCompleted | ErrorReceiptNumber) => {
                Some(ApplicationCompleted)
            }
            (Self::StartExamination, ApplicationCompleted) => Some(UnderExamination),
            (Self::RequestDocuments, UnderExamination | AwaitingDocuments) => Some(AwaitingDocuments),
            (Self::SubmitDocument, AwaitingDocuments) => Some(UnderExamination),
            (
                Self::SubmitDocument,
                s @ (InputCompleted | ApplicationCompleted | ErrorReceiptNumber | UnderExamination),
            ) => Some(s),
            (Self::Permit, UnderExamination | AwaitingDocuments) => Some(match method {
                ReceiptMethod::Post => WaitingForIssuance,
                ReceiptMethod::Counter => ExaminationCompleted,
                // An electronic certificate is e-mailed as it is issued: nothing waits.
                ReceiptMethod::Email => Completed,
            }),
            (Self::Deny, UnderExamination | AwaitingDocuments) => Some(Denied),
            (Self::IssueCardByPost, WaitingForIssuance) if method == ReceiptMethod::Post => Some(Completed),
            (Self::RedirectToCounter, WaitingForIssuance) if method == ReceiptMethod::Post => {
                Some(ExaminationCompleted)
            }
            (Self::HandOverAtCounter, ExaminationCompleted) if method == ReceiptMethod::Counter => Some(Completed),
            // An officer withdraws any application whose life has not ended (Q47, Q48).
            (
                Self::Withdraw,
                InputCompleted | ApplicationCompleted | ErrorReceiptNumber | UnderExamination | AwaitingDocuments
                | WaitingForIssuance | ExaminationCompleted,
            ) => Some(Withdrawn),
            (
                Self::WithdrawAttached | Self::ChangeReceiptMethod | Self::ReplacePhoto,
                s @ (ApplicationCompleted | UnderExamination | AwaitingDocuments),
            ) => Some(s),
            _ => None,
        }
    }

    /// Checks the actor, then the status; the new status.
    pub fn apply(
        self,
        actor: Actor,
        from: ApplicationStatus,
        method: ReceiptMethod,
    ) -> Result<ApplicationStatus, TransitionError> {
        if !self.permits(actor) {
            return Err(TransitionError::ActorNotPermitted { op: self, actor });
        }
        self.target(from, method).ok_or(TransitionError::NotFromStatus { op: self, from })
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationStatus::*;
    use super::OfficerRole::*;
    use super::ReceiptMethod::{Counter as AtCounter, Post};
    use super::Transition as T;
    use super::*;

    /// #35: each way of receiving in a word or two, in both languages; the ways each procedure offers.
    #[test]
    fn each_way_of_receiving_has_its_short_words_and_its_procedures() {
        use crate::error::Language::{En, Ja};
        use crate::procedure::Procedure;
        let words: Vec<_> =
            [AtCounter, Post, ReceiptMethod::Email].iter().map(|m| (m.short_words(Ja), m.short_words(En))).collect();
        assert_eq!(words, [("窓口", "At the counter"), ("郵送", "By post"), ("メール", "By e-mail")]);
        let codes = |p: Procedure| ReceiptMethod::choices(p).iter().map(|c| c.code).collect::<Vec<_>>();
        assert_eq!(codes(Procedure::Extension), ["counter", "post"]);
        assert_eq!(codes(Procedure::Acquisition), ["counter", "post"]);
        assert_eq!(codes(Procedure::CertificateOfEligibility), ["email", "post"]);
        assert_eq!(ReceiptMethod::parse_for("email", Procedure::Extension), None);
        assert_eq!(ReceiptMethod::parse_for("窓口", Procedure::CertificateOfEligibility), None);
        assert_eq!(ReceiptMethod::parse("メール"), Some(ReceiptMethod::Email), "any way, whatever the procedure");
    }

    /// The transition table written out by hand, independently of `Transition::target`.
    fn expected(t: Transition, from: ApplicationStatus, m: ReceiptMethod) -> Option<ApplicationStatus> {
        let table: &[(Transition, ApplicationStatus, Option<ReceiptMethod>, ApplicationStatus)] = &[
            (T::CorrectBlanketEntry, ErrorBlanketRegistration, None, InputCompleted),
            (T::ChangeEntry, InputCompleted, None, InputCompleted),
            (T::Discard, InputCompleted, None, Withdrawn),
            (T::Submit, InputCompleted, None, ApplicationCompleted),
            (T::FailReceiptNumber, ApplicationCompleted, None, ErrorReceiptNumber),
            (T::AssignOfficialReceiptNumber, ApplicationCompleted, None, ApplicationCompleted),
            (T::AssignOfficialReceiptNumber, ErrorReceiptNumber, None, ApplicationCompleted),
            (T::StartExamination, ApplicationCompleted, None, UnderExamination),
            (T::RequestDocuments, UnderExamination, None, AwaitingDocuments),
            (T::RequestDocuments, AwaitingDocuments, None, AwaitingDocuments),
            (T::SubmitDocument, InputCompleted, None, InputCompleted),
            (T::SubmitDocument, ApplicationCompleted, None, ApplicationCompleted),
            (T::SubmitDocument, ErrorReceiptNumber, None, ErrorReceiptNumber),
            (T::SubmitDocument, UnderExamination, None, UnderExamination),
            (T::SubmitDocument, AwaitingDocuments, None, UnderExamination),
            (T::Permit, UnderExamination, Some(Post), WaitingForIssuance),
            (T::Permit, UnderExamination, Some(AtCounter), ExaminationCompleted),
            (T::Permit, AwaitingDocuments, Some(Post), WaitingForIssuance),
            (T::Permit, AwaitingDocuments, Some(AtCounter), ExaminationCompleted),
            (T::Deny, UnderExamination, None, Denied),
            (T::Deny, AwaitingDocuments, None, Denied),
            (T::IssueCardByPost, WaitingForIssuance, Some(Post), Completed),
            (T::RedirectToCounter, WaitingForIssuance, Some(Post), ExaminationCompleted),
            (T::HandOverAtCounter, ExaminationCompleted, Some(AtCounter), Completed),
            (T::Withdraw, InputCompleted, None, Withdrawn),
            (T::Withdraw, WaitingForIssuance, None, Withdrawn),
            (T::Withdraw, ExaminationCompleted, None, Withdrawn),
            (T::Withdraw, ApplicationCompleted, None, Withdrawn),
            (T::Withdraw, ErrorReceiptNumber, None, Withdrawn),
            (T::Withdraw, UnderExamination, None, Withdrawn),
            (T::Withdraw, AwaitingDocuments, None, Withdrawn),
            (T::WithdrawAttached, ApplicationCompleted, None, ApplicationCompleted),
            (T::WithdrawAttached, UnderExamination, None, UnderExamination),
            (T::WithdrawAttached, AwaitingDocuments, None, AwaitingDocuments),
            (T::ChangeReceiptMethod, ApplicationCompleted, None, ApplicationCompleted),
            (T::ChangeReceiptMethod, UnderExamination, None, UnderExamination),
            (T::ChangeReceiptMethod, AwaitingDocuments, None, AwaitingDocuments),
            (T::ReplacePhoto, ApplicationCompleted, None, ApplicationCompleted),
            (T::ReplacePhoto, UnderExamination, None, UnderExamination),
            (T::ReplacePhoto, AwaitingDocuments, None, AwaitingDocuments),
        ];
        table.iter().find(|(tt, f, mm, _)| *tt == t && *f == from && mm.is_none_or(|x| x == m)).map(|row| row.3)
    }

    fn all_actors() -> Vec<Actor> {
        vec![
            Actor::OrganizationUser,
            Actor::System,
            Actor::Officer(Counter),
            Actor::Officer(Examiner),
            Actor::Officer(Issuance),
            Actor::Officer(Admin),
        ]
    }

    #[test]
    fn q51_exhaustive_transition_table() {
        for t in Transition::ALL {
            for from in ApplicationStatus::ALL {
                for m in ReceiptMethod::ALL {
                    assert_eq!(t.target(from, m), expected(t, from, m), "{t:?} from {from:?} by {m:?}");
                }
            }
        }
    }

    #[test]
    fn exhaustive_actor_table() {
        let allowed = |t: Transition| -> Vec<Actor> {
            match t {
                T::CorrectBlanketEntry
                | T::ChangeEntry
                | T::Discard
                | T::Submit
                | T::SubmitDocument
                | T::ChangeReceiptMethod => {
                    vec![Actor::OrganizationUser]
                }
                T::FailReceiptNumber | T::AssignOfficialReceiptNumber => vec![Actor::System],
                T::StartExamination | T::RequestDocuments | T::Permit | T::Deny | T::ReplacePhoto => {
                    vec![Actor::Officer(Examiner), Actor::Officer(Admin)]
                }
                T::IssueCardByPost | T::RedirectToCounter => vec![Actor::Officer(Issuance), Actor::Officer(Admin)],
                T::HandOverAtCounter => {
                    vec![Actor::Officer(Counter), Actor::Officer(Issuance), Actor::Officer(Admin)]
                }
                T::Withdraw | T::WithdrawAttached => {
                    vec![Actor::Officer(Counter), Actor::Officer(Examiner), Actor::Officer(Admin)]
                }
            }
        };
        for t in Transition::ALL {
            for a in all_actors() {
                assert_eq!(t.permits(a), allowed(t).contains(&a), "{t:?} by {a:?}");
            }
        }
    }

    #[test]
    fn apply_checks_the_actor_before_the_status() {
        assert_eq!(
            T::Permit.apply(Actor::OrganizationUser, Completed, Post),
            Err(TransitionError::ActorNotPermitted { op: T::Permit, actor: Actor::OrganizationUser })
        );
        assert_eq!(
            T::Permit.apply(Actor::Officer(Examiner), ApplicationCompleted, Post),
            Err(TransitionError::NotFromStatus { op: T::Permit, from: ApplicationCompleted })
        );
        assert_eq!(T::Permit.apply(Actor::Officer(Examiner), UnderExamination, Post), Ok(WaitingForIssuance));
    }

    #[test]
    fn q51_full_life_by_post_and_at_the_counter() {
        let run = |m: ReceiptMethod, steps: &[(Transition, Actor)]| {
            steps.iter().try_fold(InputCompleted, |s, (t, a)| t.apply(*a, s, m))
        };
        let common = [
            (T::Submit, Actor::OrganizationUser),
            (T::AssignOfficialReceiptNumber, Actor::System),
            (T::StartExamination, Actor::Officer(Examiner)),
            (T::RequestDocuments, Actor::Officer(Examiner)),
            (T::Permit, Actor::Officer(Examiner)),
        ];
        let mut post = common.to_vec();
        post.push((T::IssueCardByPost, Actor::Officer(Issuance)));
        assert_eq!(run(Post, &post), Ok(Completed));
        let mut counter = common.to_vec();
        counter.push((T::HandOverAtCounter, Actor::Officer(Counter)));
        assert_eq!(run(AtCounter, &counter), Ok(Completed));
        // The wrong final step for the method is refused.
        assert!(T::HandOverAtCounter.apply(Actor::Officer(Counter), WaitingForIssuance, Post).is_err());
    }

    #[test]
    fn q53_receipt_method_changes_only_while_completed_or_under_examination() {
        for from in ApplicationStatus::ALL {
            let ok = T::ChangeReceiptMethod.apply(Actor::OrganizationUser, from, Post).is_ok();
            assert_eq!(ok, matches!(from, ApplicationCompleted | UnderExamination | AwaitingDocuments), "{from:?}");
        }
    }

    #[test]
    fn error_statuses_have_a_way_out() {
        assert_eq!(
            T::CorrectBlanketEntry.apply(Actor::OrganizationUser, ErrorBlanketRegistration, Post),
            Ok(InputCompleted)
        );
        assert_eq!(
            T::AssignOfficialReceiptNumber.apply(Actor::System, ErrorReceiptNumber, Post),
            Ok(ApplicationCompleted)
        );
    }

    #[test]
    fn final_statuses_have_no_way_out_and_the_others_have_one() {
        for s in ApplicationStatus::ALL {
            let leaves = Transition::ALL
                .iter()
                .any(|t| ReceiptMethod::ALL.iter().any(|m| t.target(s, *m).is_some_and(|to| to != s)));
            assert_eq!(s.is_final(), !leaves, "{s:?}");
        }
    }

    #[test]
    fn q79_examination_pending() {
        let pending: Vec<_> = ApplicationStatus::ALL.into_iter().filter(|s| s.examination_pending()).collect();
        assert_eq!(pending, vec![ApplicationCompleted, UnderExamination, AwaitingDocuments, ErrorReceiptNumber]);
    }

    #[test]
    fn a_status_reads_back_from_its_code_and_two_are_shown_alike() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.code()), Some(s));
            assert!(s.shown_alike(s));
        }
        assert_eq!(ApplicationStatus::parse("completed_or_not"), None);
        // Q51 calls both "Completed": a list filtered by one shows the other too; no other two are alike.
        assert!(Completed.shown_alike(ExaminationCompleted) && ExaminationCompleted.shown_alike(Completed));
        let alike = |a: ApplicationStatus| ApplicationStatus::ALL.into_iter().filter(|b| a.shown_alike(*b)).count();
        assert_eq!(alike(UnderExamination), 1);
        assert_eq!(alike(Completed), 2);
    }

    #[test]
    fn every_status_has_labels_in_both_languages() {
        for s in ApplicationStatus::ALL {
            assert!(!s.label_en().is_empty() && !s.label_ja().is_empty() && !s.code().is_empty());
            assert!(!s.office_label_en().is_empty() && !s.office_label_ja().is_empty());
        }
        let e = TransitionError::NotFromStatus { op: T::Submit, from: Completed };
        assert_eq!(e.rule(), "status.not_from_status");
        assert!(e.message_ja().contains("完了"));
    }

    /// Q51's list, word for word, and the two ends it does not list (this system's additions).
    #[test]
    fn q51_the_status_a_user_sees_is_worded_as_the_spec_lists_it() {
        let q51 = [
            (InputCompleted, "Input completed", "入力完了"),
            (ApplicationCompleted, "Application completed", "申請完了"),
            (UnderExamination, "Under examination", "審査中"),
            // Not in Q51: today's list shows it when the office has asked for more documents.
            (AwaitingDocuments, "Awaiting documents", "追完待ち"),
            (WaitingForIssuance, "Waiting for issuance", "交付待ち"),
            // "Completed: in the case of receipt by post, the issuance of the residence card has been completed;
            // in the case of receipt at the counter, the examination has been completed but the card not issued."
            (Completed, "Completed", "完了"),
            (ExaminationCompleted, "Completed", "完了"),
            (ErrorBlanketRegistration, "Error (blanket registration)", "エラー（一括登録）"),
            (
                ErrorReceiptNumber,
                "Error (application receipt number acquisition error)",
                "エラー（受付番号取得エラー）",
            ),
            (Denied, "Denied", "不許可"),
            (Withdrawn, "Withdrawn", "取下げ"),
        ];
        assert_eq!(q51.len(), ApplicationStatus::ALL.len());
        for (status, en, ja) in q51 {
            assert_eq!((status.label_en(), status.label_ja()), (en, ja), "{status:?}");
        }
        // The office tells the two "Completed" apart.
        assert_ne!(ExaminationCompleted.office_label_en(), Completed.office_label_en());
        assert_ne!(ExaminationCompleted.office_label_ja(), Completed.office_label_ja());
        assert_eq!(UnderExamination.office_label_en(), "Under examination");
        assert_eq!(UnderExamination.office_label_ja(), "審査中");
    }

    #[test]
    fn officer_roles_read_as_their_json_names() {
        for r in OfficerRole::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.code());
            assert_eq!(OfficerRole::parse(r.code()), Some(r));
        }
        assert_eq!(OfficerRole::parse("chief"), None);
    }

    #[test]
    fn codes_and_labels_are_stable_and_shown() {
        assert_eq!((ReceiptMethod::Counter.code(), ReceiptMethod::Post.code()), ("counter", "post"));
        let codes: std::collections::HashSet<&str> = ApplicationStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes.len(), ApplicationStatus::ALL.len());
        assert_eq!(UnderExamination.code(), "under_examination");
        assert_eq!(UnderExamination.to_string(), "under_examination");
        assert_eq!(Actor::Officer(Examiner).to_string(), "an officer (Examiner)");
        assert_eq!(Actor::OrganizationUser.to_string(), "an organization user");
        assert_eq!(T::Permit.to_string(), "permit");
        let labels: std::collections::HashSet<&str> = Transition::ALL.iter().map(|t| t.label_en()).collect();
        assert_eq!(labels.len(), Transition::ALL.len());
        let labels_ja: std::collections::HashSet<&str> = Transition::ALL.iter().map(|t| t.label_ja()).collect();
        assert_eq!(labels_ja.len(), Transition::ALL.len());
        assert_eq!((T::Withdraw.label_en(), T::Withdraw.label_ja()), ("withdraw", "取下げ"));
        let e = TransitionError::NotFromStatus { op: T::Permit, from: Completed };
        assert!(e.to_string().contains("\"Completed\" cannot permit"), "{e}");
    }
}
