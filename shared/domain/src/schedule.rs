//! The system's daily duties, run on a schedule in Japan time (EventBridge in production, an in-process
//! scheduler locally). The job is named in the scheduled event's `detail`: `{"job": "<code>"}`.

use serde::{Deserialize, Serialize};

use crate::jst::JstDate;
use crate::notification::PASSPORT_NOTICE_MONTHS;

crate::codes! {
    /// The daily duties.
    pub enum ScheduledJob {
        /// Q73: e-mail every user of organizations whose approval expires in two months.
        PeriodicReportReminders => "periodic_report_reminders",
        /// Q76: suspend organizations past their expiry without an approved periodic report.
        SuspendExpiredOrganizations => "suspend_expired_organizations",
        /// Q97: e-mail users whose password expires in 30 or 7 days.
        PasswordExpiryReminders => "password_expiry_reminders",
        /// Q86: e-mail users about applicants whose passport expires soon.
        PassportExpiryReminders => "passport_expiry_reminders",
        /// Q33: give official receipt numbers to the applications received the day before.
        OfficialReceiptNumbers => "official_receipt_numbers",
        /// #34: delete the applications ended a retention period ago, with their photos and documents, and erase
        /// the users cancelled a retention period ago.
        PurgeEndedRecords => "purge_ended_records",
    }
}

crate::codes! {
    /// What falls due on a day, written beside the record that makes it due and read by a daily job.
    pub enum DueTask {
        /// Q33: an application filed the day before wants its official number.
        ReceiptNumber => "RECEIPT",
        /// Q73: an organization's approval expires in two months.
        ReportReminder => "REPORT_REMINDER",
        /// Q76: an organization's approval ended.
        Suspension => "SUSPEND",
        /// Q97: a password expires in 30 days.
        Password30 => "PWD30",
        /// Q97: a password expires in 7 days.
        Password7 => "PWD7",
        /// Q86: a passport expires in three months.
        Passport => "PASSPORT",
        /// #34: an application ended on this day (read a retention period later).
        Purge => "PURGE",
        /// #34: a user was cancelled on this day (read a retention period later).
        PurgeUser => "PURGE_USER",
    }
}

impl ScheduledJob {
    /// The hour of the day (JST) the job runs at. Receipt numbers come first thing, so the official number
    /// reaches users on the day after filing (Q33).
    pub fn hour_jst(self) -> u32 {
        match self {
            Self::OfficialReceiptNumbers => 0,
            Self::SuspendExpiredOrganizations => 1,
            // At night, after the numbers and before the daily backup at 03:00.
            Self::PurgeEndedRecords => 2,
            Self::PeriodicReportReminders | Self::PasswordExpiryReminders | Self::PassportExpiryReminders => 8,
        }
    }
}

/// The `detail` of a scheduled event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduledJobDetail {
    pub job: ScheduledJob,
}

/// Q86: the day a passport-expiry notice is due (three months before the passport expires).
pub fn passport_notice_on(passport_expiry: JstDate) -> JstDate {
    passport_expiry.sub_months(PASSPORT_NOTICE_MONTHS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn job_detail_round_trips_and_refuses_unknown_jobs() {
        for job in ScheduledJob::ALL {
            let json = serde_json::to_string(&ScheduledJobDetail { job }).unwrap();
            assert_eq!(serde_json::from_str::<ScheduledJobDetail>(&json).unwrap().job, job);
            assert!(job.hour_jst() < 24);
        }
        assert!(serde_json::from_str::<ScheduledJobDetail>(r#"{"job":"feed_the_cat"}"#).is_err());
        assert!(serde_json::from_str::<ScheduledJobDetail>(r#"{"job":"official_receipt_numbers","x":1}"#).is_err());
    }

    #[test]
    fn q86_passport_notice_three_months_before() {
        assert_eq!(passport_notice_on(d("2027-05-31")), d("2027-02-28"));
    }
}
