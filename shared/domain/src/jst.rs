//! Calendar dates in Japan Standard Time.
//!
//! Every rule of the service is evaluated on the calendar of Japan (UTC+9, no daylight saving). An instant
//! (`DateTime<Utc>`) becomes a [`JstDate`] only through [`JstDate::of_instant`], so no rule can silently use
//! the server's or UTC's calendar day.

use std::fmt;

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Localized;

/// Japan Standard Time, UTC+9.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

/// A calendar day in Japan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct JstDate(NaiveDate);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("must be a date written as YYYYMMDD or YYYY-MM-DD")]
    Format,
    #[error("{0} is not a day of the calendar")]
    NotACalendarDay(String),
}

impl Localized for DateError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Format => "date.format",
            Self::NotACalendarDay(_) => "date.not_a_calendar_day",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Format => "日付は YYYYMMDD または YYYY-MM-DD の形式で入力してください。".into(),
            Self::NotACalendarDay(s) => format!("{s} は存在しない日付です。"),
        }
    }
}

impl JstDate {
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// The day in Japan at the given instant.
    pub fn of_instant(instant: DateTime<Utc>) -> Self {
        Self(instant.with_timezone(&JST).date_naive())
    }

    /// The first instant of this day in Japan (00:00 JST).
    pub fn start_instant(self) -> DateTime<Utc> {
        let local = self.0.and_time(NaiveTime::MIN);
        match JST.from_local_datetime(&local).single() {
            Some(t) => t.with_timezone(&Utc),
            // A fixed offset has exactly one mapping for every local time.
            None => Utc.from_utc_datetime(&local),
        }
    }

    /// Parses `YYYYMMDD` (blanket files) or `YYYY-MM-DD` (API). Half-width digits only.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        let s = input.trim();
        let digits: String = match s.len() {
            8 if s.bytes().all(|b| b.is_ascii_digit()) => s.to_owned(),
            10 if s.as_bytes()[4] == b'-'
                && s.as_bytes()[7] == b'-'
                && s.bytes().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit()) =>
            {
                s.replace('-', "")
            }
            _ => return Err(DateError::Format),
        };
        let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().map_err(|_| DateError::Format);
        let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
        let year = i32::try_from(y).map_err(|_| DateError::Format)?;
        Self::from_ymd(year, m, d).ok_or_else(|| DateError::NotACalendarDay(s.to_owned()))
    }

    pub fn naive(self) -> NaiveDate {
        self.0
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn succ(self) -> Self {
        self.add_days(1)
    }

    pub fn pred(self) -> Self {
        self.sub_days(1)
    }

    pub fn add_days(self, days: u64) -> Self {
        Self(self.0.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX))
    }

    pub fn sub_days(self, days: u64) -> Self {
        Self(self.0.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN))
    }

    /// The same day `n` months later; the last day of the month where that day does not exist
    /// (31 January + 1 month = 28/29 February).
    pub fn add_months(self, n: u32) -> Self {
        Self(self.0.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX))
    }

    /// The same day `n` months earlier, clamped like [`Self::add_months`].
    pub fn sub_months(self, n: u32) -> Self {
        Self(self.0.checked_sub_months(Months::new(n)).unwrap_or(NaiveDate::MIN))
    }

    pub fn add_years(self, n: u32) -> Self {
        self.add_months(n.saturating_mul(12))
    }

    /// The last day of a period of `months` that starts on (and counts) this day, computed as the Civil
    /// Code (Art. 143) computes periods: the day before the corresponding day of the last month, or that
    /// month's last day when it has no corresponding day. 25 July 2019 + 1 year → 24 July 2020 (Q14).
    pub fn period_end(self, months: u32) -> Self {
        let corresponding = self.add_months(months);
        if corresponding.0.day() == self.0.day() { corresponding.pred() } else { corresponding }
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Self) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// `YYYYMMDD`, the form of the blanket files.
    pub fn compact(self) -> String {
        self.0.format("%Y%m%d").to_string()
    }
}

impl fmt::Display for JstDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl TryFrom<String> for JstDate {
    type Error = DateError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<JstDate> for String {
    fn from(value: JstDate) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
pub(crate) fn d(s: &str) -> JstDate {
    JstDate::parse(s).expect("test date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_both_written_forms() {
        assert_eq!(JstDate::parse("20261127"), JstDate::parse("2026-11-27"));
        assert_eq!(JstDate::parse("2026-11-27").unwrap().to_string(), "2026-11-27");
        assert_eq!(JstDate::parse("2026-11-27").unwrap().compact(), "20261127");
    }

    #[test]
    fn refuses_other_forms_and_impossible_days() {
        for bad in ["2026/11/27", "27-11-2026", "２０２６１１２７", "2026-1-27", "", "2026112", "2026-11-2x"] {
            assert_eq!(JstDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        // Both dashes, in their places, or none: one dash moved or missing is no written form of a date.
        for bad in ["2026-11270", "2026111127", "202611-270", "20261-1270"] {
            assert_eq!(JstDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        assert!(matches!(JstDate::parse("20250229"), Err(DateError::NotACalendarDay(_))));
        assert!(matches!(JstDate::parse("2026-13-01"), Err(DateError::NotACalendarDay(_))));
        assert!(JstDate::parse("20240229").is_ok());
    }

    #[test]
    fn the_day_changes_at_midnight_japan_time_not_utc() {
        // 14:59:59 UTC is 23:59:59 JST; 15:00 UTC is already the next day in Japan.
        let before = Utc.with_ymd_and_hms(2026, 11, 27, 14, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap();
        assert_eq!(JstDate::of_instant(before), d("2026-11-27"));
        assert_eq!(JstDate::of_instant(after), d("2026-11-28"));
        assert_eq!(d("2026-11-28").start_instant(), after);
    }

    #[test]
    fn q14_period_of_one_year_ends_the_day_before_the_anniversary() {
        assert_eq!(d("2019-07-25").period_end(12), d("2020-07-24"));
        // No 29 February in 2025: the period ends on the last day of February.
        assert_eq!(d("2024-02-29").period_end(12), d("2025-02-28"));
        assert_eq!(d("2026-01-31").period_end(1), d("2026-02-28"));
        assert_eq!(d("2026-03-01").period_end(1), d("2026-03-31"));
    }

    #[test]
    fn months_clamp_to_the_end_of_short_months() {
        assert_eq!(d("2027-05-31").sub_months(3), d("2027-02-28"));
        assert_eq!(d("2024-02-29").add_years(1), d("2025-02-28"));
    }

    proptest! {
        #[test]
        fn compact_and_display_round_trip(days in 0u64..100_000) {
            let day = d("1970-01-01").add_days(days);
            prop_assert_eq!(JstDate::parse(&day.compact()).unwrap(), day);
            prop_assert_eq!(JstDate::parse(&day.to_string()).unwrap(), day);
        }

        #[test]
        fn a_period_of_months_is_at_least_28_days_per_month(days in 0u64..40_000, months in 1u32..=36) {
            let start = d("2000-01-01").add_days(days);
            let end = start.period_end(months);
            let len = start.days_until(end) + 1;
            prop_assert!(len >= 28 * i64::from(months) && len <= 31 * i64::from(months));
            // The next period starts the day after the end.
            prop_assert!(end < start.add_months(months) || start.add_months(months).naive().day() != start.naive().day());
        }
    }

    #[test]
    fn only_half_width_digits_in_their_places_are_a_date() {
        for bad in ["1995+412", "1995-04/12", "1995/04-12", "1995/04/12", "１９９５０４１２", "19950412x"] {
            assert_eq!(JstDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        assert_eq!(JstDate::parse("19950230"), Err(DateError::NotACalendarDay("19950230".into())));
        assert_eq!(String::from(JstDate::parse("19950412").unwrap()), "1995-04-12");
        assert_eq!(
            (DateError::Format.rule(), DateError::NotACalendarDay(String::new()).rule()),
            ("date.format", "date.not_a_calendar_day")
        );
        assert!(DateError::Format.message_ja().contains("YYYYMMDD"));
        assert!(DateError::NotACalendarDay("19950230".into()).message_ja().contains("19950230 は存在しない"));
    }
}
