//! How long each class of record is kept (#34). Japan's personal-information law (APPI, art. 22) asks that
//! personal data be kept no longer than its purpose needs and erased without delay after; the agency's own
//! periods for residence files are not published, so the periods here are ours, each with its reason (the
//! README's rule table and `infra/README.md` say which). Each is a stack parameter; these are the defaults.

use crate::jst::JstDate;

/// A class of record the service deletes by itself, a period after its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordClass {
    /// An application — its record, photo, documents of proof and lookups — after its final status: five
    /// years (ours: the longest period of stay is five years, and the office examining the same person's
    /// next application may look at this one).
    Applications,
    /// The audit trail (Q102): seven years (ours: longer than the records it tells of, so that a question
    /// about who saw or changed a record can be answered after the record is gone).
    Audit,
    /// A blanket upload's record and its row errors (Q42), after its last change: 90 days (ours: time to
    /// correct a file and send it again, and to ask about it; the applications filed from it are kept as
    /// applications, and the file itself goes from its bucket after 30 days).
    Uploads,
    /// A user cancelled (Q95): a year after the cancellation its name, e-mail address and lookups are erased,
    /// its user ID kept so that it is never given to anyone else (ours: a question about what the user did
    /// within the year can still be answered with a name; after it, the audit trail names the ID).
    Users,
}

impl RecordClass {
    pub const ALL: [RecordClass; 4] = [Self::Applications, Self::Audit, Self::Uploads, Self::Users];

    /// The least period a stack may set for the class.
    pub fn min_days(self) -> u32 {
        match self {
            // An application can be asked about, and its fee questioned, within a year; so can the trail.
            Self::Applications | Self::Audit => 365,
            // An upload's result is read within days; a month at least.
            Self::Uploads | Self::Users => 30,
        }
    }

    pub fn default_days(self) -> u32 {
        match self {
            Self::Applications => 1_827,
            Self::Audit => 2_557,
            Self::Uploads => 90,
            Self::Users => 365,
        }
    }

    /// The stack parameter that sets the period.
    pub fn parameter(self) -> &'static str {
        match self {
            Self::Applications => "ApplicationRetentionDays",
            Self::Audit => "AuditRecordRetentionDays",
            Self::Uploads => "UploadRetentionDays",
            Self::Users => "UserRetentionDays",
        }
    }

    /// The environment variable a function reads it from.
    pub fn variable(self) -> &'static str {
        match self {
            Self::Applications => "ZAIRYU_RETENTION_APPLICATION_DAYS",
            Self::Audit => "ZAIRYU_RETENTION_AUDIT_DAYS",
            Self::Uploads => "ZAIRYU_RETENTION_UPLOAD_DAYS",
            Self::Users => "ZAIRYU_RETENTION_USER_DAYS",
        }
    }
}

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
    /// The most any period may be: ten years (the due task that purges a record lives this long).
    pub const MAX: u32 = 3_653;

    /// A period for `class`, within its bounds.
    pub fn parse(class: RecordClass, text: &str) -> Result<Self, RetentionError> {
        match text.trim().parse::<u32>() {
            Ok(days) if (class.min_days()..=Self::MAX).contains(&days) => Ok(Self(days)),
            _ => Err(RetentionError { given: text.to_owned(), min: class.min_days(), max: Self::MAX }),
        }
    }

    pub fn days(self) -> u32 {
        self.0
    }
}

/// The retention of each class of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub applications: RetentionDays,
    pub audit: RetentionDays,
    pub uploads: RetentionDays,
    pub users: RetentionDays,
}

impl Default for Retention {
    fn default() -> Self {
        let d = |c: RecordClass| RetentionDays(c.default_days());
        Self {
            applications: d(RecordClass::Applications),
            audit: d(RecordClass::Audit),
            uploads: d(RecordClass::Uploads),
            users: d(RecordClass::Users),
        }
    }
}

impl Retention {
    pub fn of(self, class: RecordClass) -> RetentionDays {
        match class {
            RecordClass::Applications => self.applications,
            RecordClass::Audit => self.audit,
            RecordClass::Uploads => self.uploads,
            RecordClass::Users => self.users,
        }
    }

    /// The same retention with `class` kept `days`.
    pub fn with(mut self, class: RecordClass, days: RetentionDays) -> Self {
        *match class {
            RecordClass::Applications => &mut self.applications,
            RecordClass::Audit => &mut self.audit,
            RecordClass::Uploads => &mut self.uploads,
            RecordClass::Users => &mut self.users,
        } = days;
        self
    }

    /// The day whose ended records of `class` are purged on `today`.
    pub fn ended_on(self, class: RecordClass, today: JstDate) -> JstDate {
        today.sub_days(u64::from(self.of(class).days()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn periods_are_whole_days_within_their_class_s_bounds_and_ten_years() {
        use RecordClass::*;
        assert_eq!(RetentionDays::parse(Applications, "1827").unwrap().days(), 1827);
        assert_eq!(RetentionDays::parse(Applications, " 365 ").unwrap().days(), 365);
        assert_eq!(RetentionDays::parse(Audit, "3653").unwrap().days(), 3653);
        assert_eq!(RetentionDays::parse(Uploads, "30").unwrap().days(), 30);
        for bad in ["364", "3654", "", "-1", "1.5", "five years"] {
            assert!(RetentionDays::parse(Applications, bad).is_err(), "{bad}");
        }
        assert!(RetentionDays::parse(Users, "29").is_err() && RetentionDays::parse(Uploads, "3654").is_err());
        let d = Retention::default();
        assert!(d.audit > d.applications && d.audit > d.users, "the trail outlives what it tells of");
        for class in RecordClass::ALL {
            assert!((class.min_days()..=RetentionDays::MAX).contains(&class.default_days()), "{class:?}");
            assert_eq!(d.with(class, RetentionDays(400)).of(class).days(), 400);
        }
    }

    #[test]
    fn a_record_ended_a_period_ago_today_is_purged_today() {
        let r = Retention::default();
        assert_eq!(r.ended_on(RecordClass::Applications, d("2031-11-28")), d("2026-11-27"));
        assert_eq!(r.ended_on(RecordClass::Users, d("2027-12-07")), d("2026-12-07"));
    }
}
