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
    #[error("must be a date such as 19950218, 1995-02-18, 1995/02/18, 1995年2月18日, 平成7年2月18日 or H7.2.18")]
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
            Self::Format => "日付は 19950218、1995-02-18、1995/02/18、1995年2月18日、平成7年2月18日、H7.2.18 のように入力してください。".into(),
            Self::NotACalendarDay(s) => format!("{s} は存在しない日付です。"),
        }
    }
}

/// An instant as every page and e-mail shows it: the day and the minute in Japan, `2026-12-20 01:00` (one
/// form for every time shown, as [`JstDate`] is for every day).
pub fn minute(instant: DateTime<Utc>) -> String {
    instant.with_timezone(&JST).format("%Y-%m-%d %H:%M").to_string()
}

/// A day and a minute in Japan as people type them: the day in any form [`JstDate::parse`] reads
/// (`2026-12-20`, `2026/12/20`, `2026年12月20日`), white space, then the time as `1:00`, `01:00` or `1時00分`
/// (full-width digits too). `None` for anything else.
pub fn parse_minute(typed: &str) -> Option<DateTime<Utc>> {
    let typed = half_width(typed.trim()).replace('：', ":").replace('\u{3000}', " ");
    let (day, time) = typed.rsplit_once(' ')?;
    let day = JstDate::parse(day.trim()).ok()?;
    let time = time.trim().trim_end_matches('分').replace('時', ":");
    let (h, m) = time.split_once(':')?;
    let ok = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let at = day.naive().and_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)?;
    at.and_local_timezone(JST).single().map(|t| t.with_timezone(&Utc))
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

    /// Parses a date as people write it: `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY.MM.DD` (month and
    /// day of one or two digits), `YYYY年M月D日`, and Japanese era dates — 令和 / 平成 / 昭和 / 大正, written out
    /// (`平成7年2月18日`, `令和元年5月1日`) or abbreviated R / H / S / T (`H7.2.18`, `h07/02/18`). Full-width
    /// digits and separators count as half-width ones. An era date must fall within its era.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        let shown = input.trim();
        let s = half_width(shown);
        let (era, rest) = match ERAS.iter().find_map(|e| e.strip(&s).map(|rest| (e, rest))) {
            Some((e, rest)) => (Some(e), rest),
            None => (None, s.as_str()),
        };
        let [y, m, d] = match era {
            Some(_) => split_written(rest, true)?,
            None if rest.len() == 8 && rest.bytes().all(|b| b.is_ascii_digit()) => {
                let num = |r: std::ops::Range<usize>| rest[r].parse::<u32>().map_err(|_| DateError::Format);
                [num(0..4)?, num(4..6)?, num(6..8)?]
            }
            None => split_written(rest, false)?,
        };
        let calendar_day = |year: u32| {
            i32::try_from(year)
                .ok()
                .and_then(|year| Self::from_ymd(year, m, d))
                .ok_or_else(|| DateError::NotACalendarDay(shown.to_owned()))
        };
        match era {
            None => calendar_day(y),
            Some(era) => {
                let day = calendar_day(era.first_year + y - 1)?;
                if y == 0 || day < era.start() || era.end().is_some_and(|end| day > end) {
                    return Err(DateError::NotACalendarDay(shown.to_owned()));
                }
                Ok(day)
            }
        }
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

/// A Japanese era: its names, and its first day.
struct Era {
    name: &'static str,
    letter: char,
    first_year: u32,
    first_month: u32,
    first_day: u32,
}

/// The eras a living person's dates fall in, newest first; each ends the day before the next begins.
const ERAS: [Era; 4] = [
    Era { name: "令和", letter: 'R', first_year: 2019, first_month: 5, first_day: 1 },
    Era { name: "平成", letter: 'H', first_year: 1989, first_month: 1, first_day: 8 },
    Era { name: "昭和", letter: 'S', first_year: 1926, first_month: 12, first_day: 25 },
    Era { name: "大正", letter: 'T', first_year: 1912, first_month: 7, first_day: 30 },
];

impl Era {
    /// The rest of `s` after this era's name or letter (the letter followed by a digit or 元).
    fn strip<'a>(&self, s: &'a str) -> Option<&'a str> {
        if let Some(rest) = s.strip_prefix(self.name) {
            return Some(rest.trim_start());
        }
        let mut chars = s.chars();
        let first = chars.next()?;
        let rest = chars.as_str();
        (first.eq_ignore_ascii_case(&self.letter) && rest.starts_with(|c: char| c.is_ascii_digit() || c == '元'))
            .then_some(rest)
    }

    fn start(&self) -> JstDate {
        JstDate::from_ymd(self.first_year as i32, self.first_month, self.first_day).unwrap_or(JstDate(NaiveDate::MIN))
    }

    /// The last day: the day before the next era's first.
    fn end(&self) -> Option<JstDate> {
        let index = ERAS.iter().position(|e| e.name == self.name)?;
        index.checked_sub(1).map(|newer| ERAS[newer].start().pred())
    }
}

/// Full-width digits, letters and separators as their half-width forms; everything else as it is.
pub(crate) fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '／' | '－' | '．' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            '‐' | '−' | 'ー' => '-',
            _ => c,
        })
        .collect()
}

/// Year, month and day of `Y-M-D`, `Y/M/D`, `Y.M.D` (one separator throughout) or `Y年M月D日`. A Gregorian
/// year has four digits; an era year one or two (or 元, the first year). Month and day have one or two.
fn split_written(s: &str, era: bool) -> Result<[u32; 3], DateError> {
    let kanji = s.contains('年');
    let parts: Vec<&str> = if kanji {
        let (y, rest) = s.split_once('年').ok_or(DateError::Format)?;
        let (m, rest) = rest.split_once('月').ok_or(DateError::Format)?;
        let d = rest.strip_suffix('日').ok_or(DateError::Format)?;
        vec![y.trim(), m.trim(), d.trim()]
    } else {
        let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.')).ok_or(DateError::Format)?;
        s.split(sep).collect()
    };
    let [y, m, d] = parts.as_slice() else { return Err(DateError::Format) };
    let number = |p: &str, widths: std::ops::RangeInclusive<usize>| {
        if widths.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse::<u32>().map_err(|_| DateError::Format)
        } else {
            Err(DateError::Format)
        }
    };
    let year = match (era, *y) {
        (true, "元") => 1,
        (true, y) => number(y, 1..=2)?,
        (false, y) => number(y, 4..=4)?,
    };
    Ok([year, number(m, 1..=2)?, number(d, 1..=2)?])
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
    #[test]
    fn a_minute_is_read_as_people_type_it() {
        let want = super::parse_minute("2026-12-20 01:00").unwrap();
        assert_eq!(super::minute(want), "2026-12-20 01:00");
        for typed in ["2026/12/20 1:00", "2026年12月20日 1時00分", "２０２６－１２－２０　１：００", " 20261220 01:00 "]
        {
            assert_eq!(super::parse_minute(typed), Some(want), "{typed}");
        }
        for wrong in ["2026-12-20", "2026-12-20 25:00", "2026-12-20 1:60", "2026-12-20 1", "2026-12-20 1:000", "x 1:00"]
        {
            assert_eq!(super::parse_minute(wrong), None, "{wrong}");
        }
    }

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
        for bad in ["27-11-2026", "", "2026112", "2026-11-2x", "26-11-27", "2026-11", "2026-11-27-01", "11/27"] {
            assert_eq!(JstDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        // One separator throughout, in its places: a dash moved or missing is no written form of a date.
        for bad in ["2026-11270", "2026111127", "202611-270", "20261-1270", "2026-11/27", "2026/11.27"] {
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
    fn dates_as_people_type_them() {
        let feb18 = d("1995-02-18");
        for typed in [
            "19950218",
            "1995-02-18",
            "1995/02/18",
            "1995/2/18",
            "1995.2.18",
            " 1995-2-18 ",
            "1995年2月18日",
            "1995年02月18日",
            "１９９５／０２／１８",
            "１９９５０２１８",
            "１９９５年２月１８日",
            "1995−02−18",
            "平成7年2月18日",
            "平成07年02月18日",
            "平成 7年2月18日",
            "H7.2.18",
            "h7.2.18",
            "H07/02/18",
            "H7-2-18",
            "Ｈ７．２．１８",
        ] {
            assert_eq!(JstDate::parse(typed), Ok(feb18), "{typed}");
        }
        assert_eq!(JstDate::parse("令和元年5月1日"), Ok(d("2019-05-01")));
        assert_eq!(JstDate::parse("R1.5.1"), Ok(d("2019-05-01")));
        assert_eq!(JstDate::parse("R元.5.1"), Ok(d("2019-05-01")));
        assert_eq!(JstDate::parse("令和8年11月27日"), Ok(d("2026-11-27")));
        assert_eq!(JstDate::parse("昭和64年1月7日"), Ok(d("1989-01-07")));
        assert_eq!(JstDate::parse("平成元年1月8日"), Ok(d("1989-01-08")));
        assert_eq!(JstDate::parse("S45.3.15"), Ok(d("1970-03-15")));
        assert_eq!(JstDate::parse("昭和元年12月25日"), Ok(d("1926-12-25")));
        assert_eq!(JstDate::parse("大正15年12月24日"), Ok(d("1926-12-24")));
        assert_eq!(JstDate::parse("T1.7.30"), Ok(d("1912-07-30")));
    }

    #[test]
    fn an_era_date_falls_within_its_era() {
        for outside in [
            "平成31年5月1日",
            "H31.5.1",
            "昭和64年1月8日",
            "令和元年4月30日",
            "平成元年1月7日",
            "T1.7.29",
            "昭和0年1月1日",
            "大正15年12月25日",
        ] {
            assert!(matches!(JstDate::parse(outside), Err(DateError::NotACalendarDay(_))), "{outside}");
        }
        assert_eq!(JstDate::parse("平成31年4月30日"), Ok(d("2019-04-30")));
        assert!(
            matches!(JstDate::parse("平成7年2月30日"), Err(DateError::NotACalendarDay(s)) if s == "平成7年2月30日")
        );
        for bad in [
            "平成7年2月",
            "平成7年2月18",
            "平成年2月18日",
            "H123.2.18",
            "H.2.18",
            "X7.2.18",
            "平成七年二月十八日",
            "H7.2.18.1",
            "H7年2.18",
        ] {
            assert_eq!(JstDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        // A letter that is an era's only when a year follows: "Heisei" spelt out is no date.
        assert_eq!(JstDate::parse("Heisei 7.2.18"), Err(DateError::Format));
    }

    #[test]
    fn only_digits_in_their_places_are_a_date() {
        for bad in [
            "1995+412",
            "1995-04/12",
            "1995/04-12",
            "19950412x",
            "1995/004/12",
            "1995/04/123",
            "995/04/12",
            "01995/4/12",
        ] {
            assert_eq!(JstDate::parse(bad), Err(DateError::Format), "{bad}");
        }
        assert_eq!(JstDate::parse("19950230"), Err(DateError::NotACalendarDay("19950230".into())));
        assert_eq!(String::from(JstDate::parse("19950412").unwrap()), "1995-04-12");
        assert_eq!(
            (DateError::Format.rule(), DateError::NotACalendarDay(String::new()).rule()),
            ("date.format", "date.not_a_calendar_day")
        );
        assert!(DateError::Format.message_ja().contains("平成7年2月18日"));
        assert!(DateError::Format.to_string().contains("H7.2.18"));
        assert!(DateError::NotACalendarDay("19950230".into()).message_ja().contains("19950230 は存在しない"));
    }
}
