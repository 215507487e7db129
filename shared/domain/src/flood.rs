//! Flood limits: every log-in attempt and every password-reset request is counted per user ID (as typed),
//! and per client address — for log-ins only those that failed — in fixed windows, and refused once a window
//! is full. The lockout (Q96) counts the wrong passwords of one account; these bound the attempts themselves —
//! guesses spread over many user IDs from one address, e-mail floods through reset requests, a locked account
//! hammered all day.
//!
//! An address may be a whole office or a large organization behind one gateway: its staff logging in at nine
//! must not use up one another's attempts, so a log-in counts against the address only when it fails (a
//! guesser's attempts nearly all fail; a clerk's nearly all succeed). The edge's WAF gives such gateways a
//! higher limit of their own (`TrustedEgressCidrs`, infra/README.md).

use chrono::{DateTime, Duration, Utc};

use crate::error::Localized;

/// What is counted, and by what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flood {
    LoginPerUser,
    LoginPerAddress,
    ResetPerUser,
    ResetPerAddress,
    /// Codes that name no certificate, typed or opened at the verification page, per client address (a
    /// visa office checks many certificates through one gateway: only the codes that fail count).
    VerifyPerAddress,
}

impl Flood {
    pub const ALL: [Self; 5] =
        [Self::LoginPerUser, Self::LoginPerAddress, Self::ResetPerUser, Self::ResetPerAddress, Self::VerifyPerAddress];

    /// The stable code (also part of the counter's key).
    pub fn code(self) -> &'static str {
        match self {
            Self::LoginPerUser => "login_user",
            Self::LoginPerAddress => "login_address",
            Self::ResetPerUser => "reset_user",
            Self::ResetPerAddress => "reset_address",
            Self::VerifyPerAddress => "verify_address",
        }
    }

    /// Whether only failed attempts count (log-ins per address), or every attempt.
    pub fn counts_failures_only(self) -> bool {
        matches!(self, Self::LoginPerAddress | Self::VerifyPerAddress)
    }

    /// Attempts allowed in one window. An address may be a whole office behind one gateway, so it is allowed
    /// far more than one user ID.
    pub fn max(self) -> u32 {
        match self {
            Self::LoginPerUser => 20,
            Self::LoginPerAddress => 300,
            Self::ResetPerUser => 5,
            Self::ResetPerAddress => 30,
            // 2^80 codes: at 20 failures an hour an address would need far longer than any certificate lives.
            Self::VerifyPerAddress => 20,
        }
    }

    pub fn window(self) -> Duration {
        match self {
            Self::LoginPerUser | Self::LoginPerAddress => Duration::minutes(10),
            Self::ResetPerUser | Self::ResetPerAddress | Self::VerifyPerAddress => Duration::hours(1),
        }
    }

    /// The window `now` falls in: its start and its end (windows are aligned to the epoch).
    pub fn window_of(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let len = self.window().num_seconds();
        let start = now.timestamp().div_euclid(len) * len;
        let start = DateTime::from_timestamp(start, 0).unwrap_or(now);
        (start, start + self.window())
    }

    /// After the `count`-th attempt of the window `now` falls in: refused beyond the maximum, with the
    /// seconds until the window ends.
    pub fn check(self, count: u32, now: DateTime<Utc>) -> Result<(), TooManyAttempts> {
        if count <= self.max() {
            return Ok(());
        }
        let (_, end) = self.window_of(now);
        let seconds = u32::try_from((end - now).num_seconds().max(1)).unwrap_or(u32::MAX);
        Err(TooManyAttempts { flood: self, retry_after_seconds: seconds })
    }
}

/// Too many attempts in a window: try again after `retry_after_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many attempts from here or for this user ID; try again in {retry_after_seconds} seconds")]
pub struct TooManyAttempts {
    pub flood: Flood,
    pub retry_after_seconds: u32,
}

impl Localized for TooManyAttempts {
    fn rule(&self) -> &'static str {
        match self.flood {
            Flood::LoginPerUser | Flood::LoginPerAddress => "flood.login",
            Flood::ResetPerUser | Flood::ResetPerAddress => "flood.password_reset",
            Flood::VerifyPerAddress => "flood.verify",
        }
    }
    fn message_ja(&self) -> String {
        format!("試行回数が多すぎます。{}秒後にもう一度お試しください。", self.retry_after_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, m, s).unwrap()
    }

    #[test]
    fn the_limits_and_their_windows() {
        let got: Vec<_> = Flood::ALL.iter().map(|f| (f.code(), f.max(), f.window().num_minutes())).collect();
        assert_eq!(
            got,
            [
                ("login_user", 20, 10),
                ("login_address", 300, 10),
                ("reset_user", 5, 60),
                ("reset_address", 30, 60),
                ("verify_address", 20, 60)
            ]
        );
    }

    #[test]
    fn windows_are_aligned_and_the_maximum_itself_is_allowed() {
        let now = at(1, 23, 45);
        assert_eq!(Flood::LoginPerUser.window_of(now), (at(1, 20, 0), at(1, 30, 0)));
        assert_eq!(Flood::ResetPerUser.window_of(now), (at(1, 0, 0), at(2, 0, 0)));
        assert_eq!(Flood::LoginPerUser.window_of(at(1, 30, 0)).0, at(1, 30, 0), "a window starts at its second");
        for flood in Flood::ALL {
            assert_eq!(flood.check(flood.max(), now), Ok(()), "{flood:?}");
            let e = flood.check(flood.max() + 1, now).unwrap_err();
            assert_eq!(e.flood, flood);
        }
        let e = Flood::LoginPerUser.check(21, now).unwrap_err();
        assert_eq!(e.retry_after_seconds, 6 * 60 + 15);
        assert_eq!(Flood::LoginPerUser.check(21, at(1, 29, 59)).unwrap_err().retry_after_seconds, 1);
        assert_eq!(Flood::ResetPerAddress.check(31, now).unwrap_err().retry_after_seconds, 36 * 60 + 15);
    }

    #[test]
    fn refusals_explain_themselves_in_both_languages() {
        let login = TooManyAttempts { flood: Flood::LoginPerAddress, retry_after_seconds: 30 };
        let reset = TooManyAttempts { flood: Flood::ResetPerUser, retry_after_seconds: 600 };
        assert_eq!((login.rule(), reset.rule()), ("flood.login", "flood.password_reset"));
        assert_eq!(Flood::LoginPerUser.check(99, at(0, 0, 0)).unwrap_err().rule(), "flood.login");
        assert_eq!(Flood::ResetPerAddress.check(99, at(0, 0, 0)).unwrap_err().rule(), "flood.password_reset");
        assert!(login.message_ja().contains("30秒後") && login.to_string().contains("30 seconds"));
    }
}
