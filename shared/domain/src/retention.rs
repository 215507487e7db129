//! How long each class of record is kept (#34). Japan's personal-information law (APPI, art. 22) asks that
//! personal data be kept no longer than its purpose needs and erased without delay after; the agency's own
//! periods for residence files are not published, so the periods here are ours, each with its reason (the
//! README's rule table and `infra/README.md` say which). Each is a stack parameter; these are the defaults.

use crate::jst::JstDate;

/// A retention period in whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetentionDays(u32);

/// Why a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a retention period is a whole number of days from {min} to {max}: {given:?}")]
pub struct RetentionError {
    pub given: String,
    pub min: u32,
    pub max: u32,
}

impl RetentionDays {
    /// The least an application is kept after its end: a year (an application can be asked about, and
    /// its fee questioned, within it).
    pub const MIN: u32 = 365;
    /// The most any period may be: ten years (the due task that purges an application lives this long).
    pub const MAX: u32 = 3_653;

    pub fn parse(text: &str) -> Result<Self, RetentionError> {
        match text.trim().parse::<u32>() {
            Ok(days) if (Self::MIN..=Self::MAX).contains(&days) => Ok(Self(days)),
            _ => Err(RetentionError { given: text.to_owned(), min: Self::MIN, max: Self::MAX }),
        }
    }

    pub fn days(self) -> u32 {
        self.0
    }
}

/// The retention of each class of record the service deletes by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// An application — its record, photo, documents of proof and lookups — after its final status: five
    /// years (ours: the longest period of stay is five years, and the office examining the same person's
    /// next application may look at this one).
    pub applications: RetentionDays,
    /// The audit trail (Q102): seven years (ours: longer than the records it tells of, so that a question
    /// about who saw or changed a record can be answered after the record is gone).
    pub audit: RetentionDays,
}

impl Default for Retention {
    fn default() -> Self {
        Self { applications: RetentionDays(1_827), audit: RetentionDays(2_557) }
    }
}

impl Retention {
    /// The day whose ended applications are purged on `today`.
    pub fn applications_ended_on(self, today: JstDate) -> JstDate {
        today.sub_days(u64::from(self.applications.days()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn periods_are_whole_days_within_a_year_and_ten() {
        assert_eq!(RetentionDays::parse("1827").unwrap().days(), 1827);
        assert_eq!(RetentionDays::parse(" 365 ").unwrap().days(), 365);
        assert_eq!(RetentionDays::parse("3653").unwrap().days(), 3653);
        for bad in ["364", "3654", "", "-1", "1.5", "five years"] {
            assert!(RetentionDays::parse(bad).is_err(), "{bad}");
        }
        let d = Retention::default();
        assert!(d.audit > d.applications, "the trail outlives what it tells of");
    }

    #[test]
    fn an_application_ended_five_years_ago_today_is_purged_today() {
        let r = Retention::default();
        assert_eq!(r.applications_ended_on(d("2031-11-28")), d("2026-11-27"));
    }
}
