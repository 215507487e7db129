//! Users and their credentials: kinds of user (Q16–Q20), password validity (Q97), lockout (Q96), the
//! session idle limit (Q44), deletion of an agent (Q79), and the decision at log-in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Localized;
use crate::jst::JstDate;
use crate::office::Office;
use crate::organization::UseState;
use crate::status::OfficerRole;

/// Who a user is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum UserKind {
    /// A staff member of one organization (Q16).
    OrganizationStaff,
    /// A registered attorney or certified administrative procedures legal specialist: one user ID per
    /// organization served (Q19, Q20).
    Agent,
    /// An officer of a regional office.
    Officer { office: Office, roles: Vec<OfficerRole> },
}

/// Whether the user may log in at all (Q95, Q96, DESIGN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserState {
    Active,
    Suspended,
    Cancelled,
}

/// Q97: a password is valid for one year from the day it was registered or last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PasswordAge {
    pub set_on: JstDate,
}

/// Which password-expiry reminder is due (Q97).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PasswordReminder {
    ThirtyDays,
    SevenDays,
}

impl PasswordReminder {
    pub fn days_before(self) -> u64 {
        match self {
            Self::ThirtyDays => 30,
            Self::SevenDays => 7,
        }
    }
}

impl PasswordAge {
    /// The first day the password no longer works: its first anniversary.
    pub fn expires_on(self) -> JstDate {
        self.set_on.add_years(1)
    }

    pub fn is_expired(self, today: JstDate) -> bool {
        today >= self.expires_on()
    }

    /// The day a reminder is due (30 and 7 days before the expiry), as the daily job's due tasks are kept.
    pub fn reminder_on(self, reminder: PasswordReminder) -> JstDate {
        self.expires_on().sub_days(reminder.days_before())
    }
}

/// Failed log-ins and the lock they lead to (Q96).
///
/// Wrong passwords are not counted here but in an atomic counter kept beside the user, one per *round*, so
/// that parallel guesses all count (a count written back with the user would lose the guesses that raced
/// it). A round ends when the account is locked or its failures are cleared; the next starts from zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoginGuard {
    /// The round whose counter takes the next wrong password.
    #[serde(default)]
    pub round: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl LoginGuard {
    /// Consecutive wrong passwords that lock an account.
    pub const MAX_FAILED_ATTEMPTS: u32 = 5;

    pub fn lock_duration() -> Duration {
        Duration::hours(24)
    }

    pub fn is_locked(self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// After a wrong password that made `failures` in `round`: the fifth (or any later one of a round that is
    /// still open) locks the account for 24 hours and starts a new round. A count from a round that has
    /// ended (the account was locked or cleared meanwhile) changes nothing, nor does a guess while the
    /// account is locked; once a lock has run out, counting starts afresh (a lock leaves no failures behind).
    pub fn after_failures(self, round: u32, failures: u32, now: DateTime<Utc>) -> Self {
        if round != self.round || self.is_locked(now) || failures < Self::MAX_FAILED_ATTEMPTS {
            return self;
        }
        Self { round: self.round.wrapping_add(1), locked_until: Some(now + Self::lock_duration()) }
    }

    /// After a correct password, a password set from a link, or when an officer lifts the lock (Q96): no
    /// lock, and a new round with no failures.
    pub fn cleared(self) -> Self {
        Self { round: self.round.wrapping_add(1), locked_until: None }
    }
}

/// Why a log-in is refused. Each reason is told honestly and separately (Q96, Q97, Q76), except that a
/// wrong user ID and a wrong password read the same.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginRefusal {
    #[error("the user ID or the password is wrong")]
    InvalidCredentials,
    /// As [`Self::InvalidCredentials`], with the warning that the next wrong password locks the user ID
    /// (told alike for a user ID nobody has: its failures are counted the same way).
    #[error("the user ID or the password is wrong; one more wrong password locks the user ID for 24 hours")]
    LastTry,
    #[error(
        "too many wrong passwords: the account is locked until {until} (24 hours); an officer at a regional office can lift the lock"
    )]
    Locked { until: DateTime<Utc> },
    #[error(
        "the password expired on {expired_on} (one year after it was set); reset it with \"If you have forgotten your password\""
    )]
    PasswordExpired { expired_on: JstDate },
    #[error("this user's use of the system is suspended")]
    UserSuspended,
    #[error("this user's use of the system has been cancelled")]
    UserCancelled,
    #[error(
        "the organization's use of the system is suspended because no periodic report was approved by the expiry of the approval; submit a periodic report to the regional office"
    )]
    OrganizationSuspended,
    #[error("the organization's use of the system has been cancelled")]
    OrganizationCancelled,
}

impl Localized for LoginRefusal {
    fn rule(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "login.invalid_credentials",
            Self::LastTry => "login.last_try",
            Self::Locked { .. } => "login.locked",
            Self::PasswordExpired { .. } => "login.password_expired",
            Self::UserSuspended => "login.user_suspended",
            Self::UserCancelled => "login.user_cancelled",
            Self::OrganizationSuspended => "login.organization_suspended",
            Self::OrganizationCancelled => "login.organization_cancelled",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::InvalidCredentials => "利用者IDまたはパスワードが正しくありません。".into(),
            Self::LastTry => "利用者IDまたはパスワードが正しくありません。あと1回間違えると、この利用者IDは24時間ロックされます。".into(),
            Self::Locked { until } => format!(
                "パスワードを複数回誤って入力したため、{}までロックされています（24時間）。お急ぎの場合は地方出入国在留管理官署の窓口で解除を申し出てください。",
                crate::jst::minute(*until)
            ),
            Self::PasswordExpired { expired_on } => format!(
                "パスワードの有効期限（設定から1年）が{expired_on}に切れました。「パスワードを忘れた方」から再設定してください。"
            ),
            Self::UserSuspended => "この利用者のシステム利用は停止されています。".into(),
            Self::UserCancelled => "この利用者のシステム利用は取り消されています。".into(),
            Self::OrganizationSuspended => "有効期限までに定期報告が承認されなかったため、所属機関のシステム利用が停止されています。地方出入国在留管理官署に定期報告を提出してください。".into(),
            Self::OrganizationCancelled => "所属機関のシステム利用は取り消されています。".into(),
        }
    }
}

/// What the log-in service knows of a user once the password has been verified.
#[derive(Debug, Clone, Copy)]
pub struct LoginFacts {
    pub user_state: UserState,
    pub password: PasswordAge,
    /// `None` for officers, who belong to no organization.
    pub organization: Option<UseState>,
}

/// Q96: checked before the password is verified, so that a locked account learns nothing from a guess.
pub fn check_not_locked(guard: LoginGuard, now: DateTime<Utc>) -> Result<(), LoginRefusal> {
    match guard.locked_until {
        Some(until) if guard.is_locked(now) => Err(LoginRefusal::Locked { until }),
        _ => Ok(()),
    }
}

/// After a correct password: may this user have a session?
pub fn check_login_allowed(facts: LoginFacts, now: DateTime<Utc>) -> Result<(), LoginRefusal> {
    match facts.user_state {
        UserState::Active => {}
        UserState::Suspended => return Err(LoginRefusal::UserSuspended),
        UserState::Cancelled => return Err(LoginRefusal::UserCancelled),
    }
    match facts.organization {
        Some(UseState::Suspended) => return Err(LoginRefusal::OrganizationSuspended),
        Some(UseState::Cancelled) => return Err(LoginRefusal::OrganizationCancelled),
        Some(UseState::Active) | None => {}
    }
    if facts.password.is_expired(JstDate::of_instant(now)) {
        return Err(LoginRefusal::PasswordExpired { expired_on: facts.password.expires_on() });
    }
    Ok(())
}

/// Q44: a session ends after 30 minutes without a request.
pub fn session_idle_limit() -> Duration {
    Duration::minutes(30)
}

/// Whether a session last used at `last_seen` is still alive at `now`.
pub fn session_is_alive(last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= last_seen && now - last_seen < session_idle_limit()
}

/// How long a one-time link to set or reset a password stays valid.
pub fn password_link_validity() -> Duration {
    Duration::hours(24)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentDeletionError {
    #[error(
        "the agent's user information cannot be deleted while the examination of one of its applications is not complete"
    )]
    ExaminationPending,
    #[error("only an agent's user information is deleted this way")]
    NotAnAgent,
}

impl Localized for AgentDeletionError {
    fn rule(&self) -> &'static str {
        match self {
            Self::ExaminationPending => "agent_deletion.examination_pending",
            Self::NotAnAgent => "agent_deletion.not_an_agent",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::ExaminationPending => {
                "審査が完了していない申請があるため、取次者の利用者情報は削除できません。".into()
            }
            Self::NotAnAgent => "この方法で削除できるのは取次者の利用者情報のみです。".into(),
        }
    }
}

/// Q79: an agent's user information may be deleted only when none of its applications awaits the end of
/// its examination (`examination_pending`: one of them is in a status where
/// [`crate::status::ApplicationStatus::examination_pending`] holds — the store keeps a lookup of exactly those).
pub fn check_agent_deletion(kind: &UserKind, examination_pending: bool) -> Result<(), AgentDeletionError> {
    if *kind != UserKind::Agent {
        return Err(AgentDeletionError::NotAnAgent);
    }
    if examination_pending {
        return Err(AgentDeletionError::ExaminationPending);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, dd: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, dd, h, min, 0).unwrap()
    }

    #[test]
    fn q97_password_valid_one_year_refused_on_the_anniversary() {
        let age = PasswordAge { set_on: d("2025-12-01") };
        assert_eq!(age.expires_on(), d("2026-12-01"));
        assert!(!age.is_expired(d("2026-11-30")));
        assert!(age.is_expired(d("2026-12-01")));
    }

    #[test]
    fn q97_reminders_30_and_7_days_before() {
        let age = PasswordAge { set_on: d("2025-12-01") };
        assert_eq!(age.reminder_on(PasswordReminder::ThirtyDays), d("2026-11-01"));
        assert_eq!(age.reminder_on(PasswordReminder::SevenDays), d("2026-11-24"));
    }

    /// The guard after `n` wrong passwords counted one by one in its current round.
    fn failed(g: LoginGuard, n: u32, now: DateTime<Utc>) -> LoginGuard {
        let round = g.round;
        (1..=n).fold(g, |g, k| g.after_failures(round, k, now))
    }

    #[test]
    fn q96_five_wrong_passwords_lock_for_24_hours() {
        let now = at(2026, 11, 27, 1, 0);
        let g = LoginGuard::default();
        for n in 1..5 {
            assert_eq!(g.after_failures(0, n, now), g, "{n} failures do not lock");
        }
        let g = failed(g, 5, now);
        assert_eq!(g, LoginGuard { round: 1, locked_until: Some(now + Duration::hours(24)) });
        assert!(g.is_locked(now));
        assert!(g.is_locked(now + Duration::hours(24) - Duration::seconds(1)));
        assert!(!g.is_locked(now + Duration::hours(24)));
        assert_eq!(check_not_locked(g, now), Err(LoginRefusal::Locked { until: now + Duration::hours(24) }));
        assert_eq!(check_not_locked(g, now + Duration::hours(25)), Ok(()));
        // After the lock has run out, counting starts afresh in the new round: four more do not lock.
        let later = now + Duration::hours(25);
        assert_eq!(failed(g, 4, later), g);
        assert!(failed(g, 5, later).is_locked(later));
    }

    #[test]
    fn q96_parallel_guesses_lock_once_and_a_stale_count_changes_nothing() {
        let now = at(2026, 11, 27, 1, 0);
        let g = LoginGuard { round: 7, locked_until: None };
        // Twenty guesses raced: the sixth to the twentieth arrive after the fifth locked.
        let locked = g.after_failures(7, 5, now);
        assert_eq!(locked, LoginGuard { round: 8, locked_until: Some(now + Duration::hours(24)) });
        for n in 6..=20 {
            assert_eq!(locked.after_failures(7, n, now), locked, "a count of an ended round");
        }
        // A later count of the same open round locks too (the fifth's request may have failed).
        assert_eq!(g.after_failures(7, 9, now), locked);
        // A count of the current round while locked changes nothing either.
        assert_eq!(locked.after_failures(8, 5, now + Duration::hours(1)), locked);
        // Cleared: a new round, no lock.
        assert_eq!(locked.cleared(), LoginGuard { round: 9, locked_until: None });
        assert_eq!(LoginGuard { round: u32::MAX, locked_until: None }.cleared().round, 0);
    }

    #[test]
    fn login_refusals_are_distinct_and_ordered() {
        let now = at(2026, 11, 27, 1, 0);
        let ok = LoginFacts {
            user_state: UserState::Active,
            password: PasswordAge { set_on: d("2026-06-01") },
            organization: Some(UseState::Active),
        };
        assert_eq!(check_login_allowed(ok, now), Ok(()));
        let officer = LoginFacts { organization: None, ..ok };
        assert_eq!(check_login_allowed(officer, now), Ok(()));
        let cases = [
            (LoginFacts { user_state: UserState::Suspended, ..ok }, "login.user_suspended"),
            (LoginFacts { user_state: UserState::Cancelled, ..ok }, "login.user_cancelled"),
            (LoginFacts { organization: Some(UseState::Suspended), ..ok }, "login.organization_suspended"),
            (LoginFacts { organization: Some(UseState::Cancelled), ..ok }, "login.organization_cancelled"),
            (LoginFacts { password: PasswordAge { set_on: d("2025-11-27") }, ..ok }, "login.password_expired"),
        ];
        for (facts, rule) in cases {
            assert_eq!(check_login_allowed(facts, now).unwrap_err().rule(), rule);
        }
    }

    #[test]
    fn q44_session_ends_after_30_idle_minutes() {
        let t = at(2026, 11, 27, 1, 0);
        assert!(session_is_alive(t, t + Duration::minutes(29) + Duration::seconds(59)));
        assert!(!session_is_alive(t, t + Duration::minutes(30)));
        assert!(!session_is_alive(t, t - Duration::seconds(1)));
    }

    #[test]
    fn q96_a_guess_during_the_lock_does_not_lift_it() {
        let now = at(2026, 11, 27, 1, 0);
        let locked = failed(LoginGuard::default(), 5, now);
        let again = failed(locked, 5, now + Duration::hours(1));
        assert_eq!(again, locked);
        assert!(again.is_locked(now + Duration::hours(23)));
    }

    fn staff() -> User {
        use crate::error::{Language, Text};
        User::new(
            crate::values::UserId::parse("TANAKA01").unwrap(),
            UserKind::OrganizationStaff,
            Some(crate::application::OrganizationId::parse("org-1").unwrap()),
            Text::parse("Tanaka Hanako").unwrap(),
            crate::values::EmailAddress::parse("tanaka@example.jp").unwrap(),
            Language::En,
        )
    }

    #[test]
    fn a_user_s_life_through_its_named_methods() {
        let now = at(2026, 11, 27, 1, 0);
        let mut u = staff();
        assert_eq!(u.id().as_str(), "TANAKA01");
        assert_eq!(u.organization_id().map(|o| o.as_str()), Some("org-1"));
        assert_eq!(u.name().as_str(), "Tanaka Hanako");
        assert_eq!(u.language(), crate::error::Language::En);
        u.choose_language(crate::error::Language::Ja);
        assert_eq!(u.language(), crate::error::Language::Ja, "Q84: the language switch");
        u.choose_language(crate::error::Language::En);
        assert_eq!((u.password_hash(), u.password(), u.state()), (None, None, UserState::Active));
        // Q88: the first password, from the approval's link.
        assert_eq!(u.password_generation(), 0);
        u.set_password_from_link("hash-1".into(), d("2026-11-27"));
        assert_eq!(u.password_hash(), Some("hash-1"));
        assert_eq!(u.password_generation(), 1, "a link issued before the first password no longer works");
        assert_eq!(u.password(), Some(PasswordAge { set_on: d("2026-11-27") }));
        // Q96: failures count per round (setting the password began round 1); a right password clears them
        // (and says whether anything changed).
        assert_eq!(u.guard(), LoginGuard { round: 1, locked_until: None });
        assert!(!u.clear_failures(0), "nothing to clear");
        assert!(!u.fail_login(1, 1, now), "one failure changes nothing on the user");
        assert!(u.clear_failures(1));
        assert_eq!(u.guard(), LoginGuard { round: 2, locked_until: None });
        assert!(!u.fail_login(1, 5, now), "a count of an ended round");
        assert!(u.fail_login(2, 5, now));
        assert!(u.guard().is_locked(now));
        assert!(!u.fail_login(3, 5, now), "no count while locked");
        u.lift_lockout();
        assert_eq!(u.guard(), LoginGuard { round: 4, locked_until: None });
        assert!(u.fail_login(4, 5, now));
        u.set_password_from_link("hash-2".into(), d("2026-12-01"));
        assert_eq!(u.guard(), LoginGuard { round: 6, locked_until: None }, "a reset lifts the lock (Q96)");
        // A lock that has run out is cleared by the next right password, even with no new failure.
        assert!(u.fail_login(6, 5, now));
        assert!(u.clear_failures(0));
        assert_eq!(u.guard(), LoginGuard { round: 8, locked_until: None });
        // Re-hashed with newer parameters: the same password, the same age and sessions.
        let (age, generation) = (u.password(), u.session_generation());
        let passwords = u.password_generation();
        u.rehash_password("hash-2b".into());
        assert_eq!((u.password_hash(), u.password(), u.session_generation()), (Some("hash-2b"), age, generation));
        assert_eq!(u.password_generation(), passwords, "the same password: its links still work");
        // Q90: a password changed; Q89: an address changed.
        u.change_password("hash-3".into(), d("2026-12-02"));
        assert_eq!(u.password_generation(), passwords + 1);
        assert_eq!((u.password_hash(), u.password().map(|p| p.set_on)), (Some("hash-3"), Some(d("2026-12-02"))));
        u.change_email(crate::values::EmailAddress::parse("hanako@example.jp").unwrap());
        assert_eq!(u.email().as_str(), "hanako@example.jp");
        // Q95: suspended, resumed, cancelled at the counter. A new password, a suspension and a cancellation
        // each end every session (a new generation); a resumption, an address or a lock lifted do not.
        let g = u.session_generation();
        assert_eq!(g, 3, "a new user starts in generation 0; three passwords were set since");
        u.change_email(crate::values::EmailAddress::parse("hanako2@example.jp").unwrap());
        u.lift_lockout();
        assert_eq!(u.session_generation(), g);
        u.suspend();
        assert_eq!((u.state(), u.session_generation()), (UserState::Suspended, g + 1));
        u.resume();
        assert_eq!((u.state(), u.session_generation()), (UserState::Active, g + 1));
        u.cancel();
        assert_eq!((u.state(), u.session_generation()), (UserState::Cancelled, g + 2));
        // Q79: only an agent is deleted this way, and not while an examination is pending.
        let mut staff = staff();
        assert_eq!(staff.delete_agent(false), Err(AgentDeletionError::NotAnAgent));
        assert_eq!((staff.state(), staff.session_generation()), (UserState::Active, 0));
    }

    #[test]
    fn login_guard_starts_in_round_zero_unlocked() {
        assert_eq!(LoginGuard::default(), LoginGuard { round: 0, locked_until: None });
        assert_eq!(password_link_validity(), Duration::hours(24));
    }

    #[test]
    fn account_refusals_explain_themselves_in_japanese_with_stable_rules() {
        let errors: [&dyn Localized; 2] = [&AgentDeletionError::ExaminationPending, &AgentDeletionError::NotAnAgent];
        let rules: Vec<&str> = errors.iter().map(|e| e.rule()).collect();
        assert_eq!(rules, ["agent_deletion.examination_pending", "agent_deletion.not_an_agent"]);
        for e in errors {
            assert!(e.message_ja().contains("取次者"), "{}", e.message_ja());
        }
        let now = at(2026, 11, 27, 1, 0);
        for refusal in [LoginRefusal::InvalidCredentials, LoginRefusal::Locked { until: now }] {
            let ja = refusal.message_ja();
            assert!(!ja.is_empty() && !ja.is_ascii(), "{refusal:?}: {ja}");
        }
    }

    #[test]
    fn q56_the_card_goes_to_the_organization_for_staff_and_to_the_agent_s_office() {
        use crate::error::{Language, Text};
        use crate::values::{EmailAddress, UserId};
        let org = crate::application::OrganizationId::parse("org-1").unwrap();
        let location = Text::<200>::parse("1-1-1 Kasumigaseki, Tokyo").unwrap();
        let office = Text::<200>::parse("3-3-3 Toranomon, Tokyo").unwrap();
        let (name, email) = (Text::parse("A").unwrap(), EmailAddress::parse("a@example.jp").unwrap());
        let staff = User::new(
            UserId::parse("STAFF001").unwrap(),
            UserKind::OrganizationStaff,
            Some(org.clone()),
            name.clone(),
            email.clone(),
            Language::Ja,
        );
        assert_eq!(staff.return_address(&location), Some(&location));
        let agent = User::agent(
            UserId::parse("AGENT001").unwrap(),
            org.clone(),
            name.clone(),
            email.clone(),
            office.clone(),
            Default::default(),
        );
        assert_eq!(agent.kind(), &UserKind::Agent);
        assert_eq!(agent.return_address(&location), Some(&office));
        let unknown = User::new(
            UserId::parse("AGENT002").unwrap(),
            UserKind::Agent,
            Some(org),
            name.clone(),
            email.clone(),
            Language::Ja,
        );
        assert_eq!(unknown.return_address(&location), None);
        let officer = User::new(
            UserId::parse("OFFICER1").unwrap(),
            UserKind::Officer { office: crate::office::Office::Tokyo, roles: vec![] },
            None,
            name,
            email,
            Language::Ja,
        );
        assert_eq!(officer.return_address(&location), None);
    }

    #[test]
    fn q79_agent_deletion_refused_while_an_examination_is_pending() {
        use crate::status::ApplicationStatus::{self, *};
        // "Pending" is received and not yet decided: the statuses written out from Q79 and Q51 (and today's 追完待ち).
        for status in ApplicationStatus::ALL {
            let pending =
                matches!(status, ApplicationCompleted | UnderExamination | AwaitingDocuments | ErrorReceiptNumber);
            assert_eq!(status.examination_pending(), pending, "{status:?}");
        }
        assert_eq!(check_agent_deletion(&UserKind::Agent, false), Ok(()));
        assert_eq!(check_agent_deletion(&UserKind::Agent, true), Err(AgentDeletionError::ExaminationPending));
        assert_eq!(check_agent_deletion(&UserKind::OrganizationStaff, false), Err(AgentDeletionError::NotAnAgent));
        use crate::error::Text;
        let mut agent = User::agent(
            crate::values::UserId::parse("GYOSEI01").unwrap(),
            crate::application::OrganizationId::parse("org-1").unwrap(),
            Text::parse("Sato Ichiro").unwrap(),
            crate::values::EmailAddress::parse("sato@gyosei.example.jp").unwrap(),
            Text::parse("Chiyoda-ku, Tokyo").unwrap(),
            crate::error::Language::En,
        );
        assert_eq!(agent.delete_agent(true), Err(AgentDeletionError::ExaminationPending));
        assert_eq!((agent.state(), agent.session_generation()), (UserState::Active, 0));
        assert_eq!(agent.delete_agent(false), Ok(()));
        assert_eq!((agent.state(), agent.session_generation()), (UserState::Cancelled, 1), "its sessions end");
    }

    proptest! {
        #[test]
        fn q97_expired_exactly_from_the_anniversary(offset in 0u64..20_000, after in 0u64..800) {
            let age = PasswordAge { set_on: d("2000-01-01").add_days(offset) };
            let day = age.set_on.add_days(after);
            prop_assert_eq!(age.is_expired(day), day >= age.set_on.add_years(1));
            prop_assert!(age.set_on.days_until(age.expires_on()) >= 365);
        }

        #[test]
        fn q96_fewer_than_five_failures_never_lock(n in 0u32..5, round in 0u32..1000) {
            let now = at(2026, 1, 1, 0, 0);
            let g = failed(LoginGuard { round, locked_until: None }, n, now);
            prop_assert!(!g.is_locked(now));
            prop_assert_eq!(g.round, round);
        }
    }
}

/// A user of the system: organization staff, an agent (one per organization served), or an officer. Its
/// fields are its own: read through the accessors, changed only by the named methods below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    id: crate::values::UserId,
    kind: UserKind,
    /// The one organization a staff member or agent acts for (Q16, Q19); `None` for officers.
    organization_id: Option<crate::application::OrganizationId>,
    name: crate::error::Text<80>,
    /// Not unique: an agent has one address for several user IDs (Q20).
    email: crate::values::EmailAddress,
    language: crate::error::Language,
    /// argon2id PHC string; `None` until the password is set from the approval link (Q88).
    password_hash: Option<String>,
    password: Option<PasswordAge>,
    guard: LoginGuard,
    state: UserState,
    /// Q55, Q56: an agent's office of affiliation as registered in the request for use.
    #[serde(default)]
    office_address: Option<crate::error::Text<200>>,
    /// The generation of the user's sessions: a session started under an earlier one has ended. A new
    /// password, a suspension or a cancellation starts a new generation, which ends every session at once.
    #[serde(default)]
    sessions: u32,
    /// The generation of the user's password: every password set or changed starts a new one, and a
    /// one-time link issued under an earlier one no longer works (a link outlives no password change).
    #[serde(default)]
    passwords: u32,
}

impl User {
    /// A new, active user without a password: it sets one from the link it is sent (Q88).
    pub fn new(
        id: crate::values::UserId,
        kind: UserKind,
        organization_id: Option<crate::application::OrganizationId>,
        name: crate::error::Text<80>,
        email: crate::values::EmailAddress,
        language: crate::error::Language,
    ) -> Self {
        Self {
            id,
            kind,
            organization_id,
            name,
            email,
            language,
            password_hash: None,
            password: None,
            guard: LoginGuard::default(),
            state: UserState::Active,
            office_address: None,
            sessions: 0,
            passwords: 0,
        }
    }

    /// An agent (a registered attorney or gyoseishoshi) of an organization, with the office of affiliation
    /// given in the request for use (Q17, Q56).
    pub fn agent(
        id: crate::values::UserId,
        organization_id: crate::application::OrganizationId,
        name: crate::error::Text<80>,
        email: crate::values::EmailAddress,
        office_address: crate::error::Text<200>,
        language: crate::error::Language,
    ) -> Self {
        let mut user = Self::new(id, UserKind::Agent, Some(organization_id), name, email, language);
        user.office_address = Some(office_address);
        user
    }

    /// Q56: where a card received by post is sent when this user files: the organization's location for its
    /// staff (`organization_location`), the agent's office of affiliation for an agent; `None` for an agent
    /// with no office on record, and for officers.
    pub fn return_address<'a>(
        &'a self,
        organization_location: &'a crate::error::Text<200>,
    ) -> Option<&'a crate::error::Text<200>> {
        match self.kind {
            UserKind::OrganizationStaff => Some(organization_location),
            UserKind::Agent => self.office_address.as_ref(),
            UserKind::Officer { .. } => None,
        }
    }

    pub fn id(&self) -> &crate::values::UserId {
        &self.id
    }

    pub fn kind(&self) -> &UserKind {
        &self.kind
    }

    pub fn organization_id(&self) -> Option<&crate::application::OrganizationId> {
        self.organization_id.as_ref()
    }

    pub fn name(&self) -> &crate::error::Text<80> {
        &self.name
    }

    pub fn email(&self) -> &crate::values::EmailAddress {
        &self.email
    }

    pub fn language(&self) -> crate::error::Language {
        self.language
    }

    /// The stored argon2id hash, `None` until a password is set.
    pub fn password_hash(&self) -> Option<&str> {
        self.password_hash.as_deref()
    }

    /// When the password was set (Q97), `None` until it is.
    pub fn password(&self) -> Option<PasswordAge> {
        self.password
    }

    pub fn guard(&self) -> LoginGuard {
        self.guard
    }

    pub fn state(&self) -> UserState {
        self.state
    }

    /// The generation a session must have been started in to be alive (see the field).
    pub fn session_generation(&self) -> u32 {
        self.sessions
    }

    /// Ends every session of the user (the one that caused it may be started again in the new generation).
    fn end_sessions(&mut self) {
        self.sessions = self.sessions.wrapping_add(1);
    }

    /// Q96: the `failures`-th wrong password counted in `round` (see [`LoginGuard`]); `true` if it locked the
    /// account (so the record changed).
    pub fn fail_login(&mut self, round: u32, failures: u32, now: DateTime<Utc>) -> bool {
        let before = self.guard;
        self.guard = self.guard.after_failures(round, failures, now);
        self.guard != before
    }

    /// A right password after `failures` wrong ones in the current round clears them; `true` if there was
    /// anything to clear (failures, or a lock that has run out), so the record changed.
    pub fn clear_failures(&mut self, failures: u32) -> bool {
        if failures == 0 && self.guard.locked_until.is_none() {
            return false;
        }
        self.guard = self.guard.cleared();
        true
    }

    /// Q90: a new password chosen by the user (its hash), valid a year from `today` (Q97). Every session
    /// started with the old password ends.
    pub fn change_password(&mut self, hash: String, today: JstDate) {
        self.password_hash = Some(hash);
        self.password = Some(PasswordAge { set_on: today });
        self.passwords = self.passwords.wrapping_add(1);
        self.end_sessions();
    }

    /// The generation of the password (see the field): a one-time link works only in the one it was
    /// issued in.
    pub fn password_generation(&self) -> u32 {
        self.passwords
    }

    /// The same password hashed again with current parameters (after a right password): neither its age
    /// (Q97) nor the sessions change.
    pub fn rehash_password(&mut self, hash: String) {
        self.password_hash = Some(hash);
    }

    /// Q88, Q92, Q96: a password set from a one-time link; it also lifts a lockout.
    pub fn set_password_from_link(&mut self, hash: String, today: JstDate) {
        self.change_password(hash, today);
        self.guard = self.guard.cleared();
    }

    /// Q89: a new e-mail address.
    pub fn change_email(&mut self, email: crate::values::EmailAddress) {
        self.email = email;
    }

    /// Q84: the language the user reads the pages and e-mails in, as chosen with the language switch.
    pub fn choose_language(&mut self, language: crate::error::Language) {
        self.language = language;
    }

    /// Q95: use suspended at the counter; every session ends (a resumption does not bring them back).
    pub fn suspend(&mut self) {
        self.state = UserState::Suspended;
        self.end_sessions();
    }

    /// Use resumed at the counter.
    pub fn resume(&mut self) {
        self.state = UserState::Active;
    }

    /// Q95: use cancelled at the counter; every session ends.
    pub fn cancel(&mut self) {
        self.state = UserState::Cancelled;
        self.end_sessions();
    }

    /// Q79: an agent's user information deleted, once nothing it filed is being examined.
    pub fn delete_agent(&mut self, examination_pending: bool) -> Result<(), AgentDeletionError> {
        check_agent_deletion(&self.kind, examination_pending)?;
        self.cancel();
        Ok(())
    }

    /// Q96: a lockout lifted at the counter.
    pub fn lift_lockout(&mut self) {
        self.guard = self.guard.cleared();
    }
}
