//! Periods of stay and the filing window of an extension (Q26–Q28).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;
use crate::jst::JstDate;

/// A period of stay as granted: years, months and days (e.g. 5 years, 6 months, 90 days, 3 years 3
/// months). At least 15 days and at most 5 years, the shortest and longest periods the law grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PeriodOfStay {
    years: u8,
    months: u8,
    days: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("must be written like 1 year, 6 months, 1 year 6 months or 90 days (or 1年, 6か月, 1Y6M)")]
    Format,
    #[error("must be at least 15 days and at most 5 years")]
    Range,
}

impl Localized for PeriodError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Format => "period_of_stay.format",
            Self::Range => "period_of_stay.range",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Format => "1年、6か月、1年6か月、90日（または 1Y6M）のように入力してください。".into(),
            Self::Range => "15日以上5年以内で入力してください。".into(),
        }
    }
}

impl PeriodOfStay {
    pub fn new(years: u8, months: u8, days: u16) -> Result<Self, PeriodError> {
        let total_months = u32::from(years) * 12 + u32::from(months);
        if (total_months == 0 && days < 15) || total_months + u32::from(days) / 28 > 60 || months >= 12 {
            return Err(PeriodError::Range);
        }
        Ok(Self { years, months, days })
    }

    pub fn months(months: u8) -> Result<Self, PeriodError> {
        Self::new(months / 12, months % 12, 0)
    }

    pub fn days(days: u16) -> Result<Self, PeriodError> {
        Self::new(0, 0, days)
    }

    /// Parses `5Y`, `3Y3M`, `6M`, `90D`, `15D` and the Japanese `5年`, `3年3月`, `6月`/`6ヶ月`, `90日`.
    pub fn parse(input: &str) -> Result<Self, PeriodError> {
        let s = crate::jst::half_width(input.trim())
            .to_ascii_uppercase()
            .split_whitespace()
            .collect::<String>()
            .replace("YEARS", "Y")
            .replace("YEAR", "Y")
            .replace("MONTHS", "M")
            .replace("MONTH", "M")
            .replace("DAYS", "D")
            .replace("DAY", "D")
            .replace("ヶ月", "月")
            .replace("か月", "月")
            .replace("カ月", "月")
            .replace("ケ月", "月");
        let (mut years, mut months, mut days) = (None::<u32>, None::<u32>, None::<u32>);
        let mut number = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let slot = match c {
                'Y' | '年' => &mut years,
                'M' | '月' => &mut months,
                'D' | '日' => &mut days,
                _ => return Err(PeriodError::Format),
            };
            if number.is_empty() || slot.is_some() {
                return Err(PeriodError::Format);
            }
            *slot = Some(number.parse().map_err(|_| PeriodError::Format)?);
            number.clear();
        }
        if !number.is_empty() || (years, months, days) == (None, None, None) {
            return Err(PeriodError::Format);
        }
        let y = u8::try_from(years.unwrap_or(0)).map_err(|_| PeriodError::Range)?;
        let m = months.unwrap_or(0);
        let d = u16::try_from(days.unwrap_or(0)).map_err(|_| PeriodError::Range)?;
        // 18M is read as 1 year 6 months.
        let y = y.checked_add(u8::try_from(m / 12).map_err(|_| PeriodError::Range)?).ok_or(PeriodError::Range)?;
        Self::new(y, (m % 12) as u8, d)
    }

    fn total_months(self) -> u32 {
        u32::from(self.years) * 12 + u32::from(self.months)
    }

    /// Whether this is "a period of stay of 3 months or less" (Q27, Q53); 90 days counts as 3 months.
    pub fn is_three_months_or_less(self) -> bool {
        // A month counts as 30 days: 3M, 2M30D, 1M60D and 90D are all "3 months".
        u32::from(self.days) + self.total_months() * 30 <= 90
    }

    /// The period in words, as pages show it: 1年6か月, "1 year 6 months" (read back by [`Self::parse`]).
    pub fn words(self, lang: crate::error::Language) -> String {
        let parts = [
            (u32::from(self.years), "年", "year"),
            (u32::from(self.months), "か月", "month"),
            (u32::from(self.days), "日", "day"),
        ];
        let parts = parts.into_iter().filter(|(n, ..)| *n > 0);
        match lang {
            crate::error::Language::Ja => parts.map(|(n, ja, _)| format!("{n}{ja}")).collect(),
            crate::error::Language::En => parts
                .map(|(n, _, en)| format!("{n} {en}{}", if n == 1 { "" } else { "s" }))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The first day of a period of stay of this length that ends on `expiry` (its last day).
    pub fn first_day(self, expiry: JstDate) -> JstDate {
        expiry.succ().sub_months(self.total_months()).sub_days(u64::from(self.days))
    }

    /// The periods most statuses are granted (the Enforcement Regulations' Annex 2: five years, three years,
    /// one year, six months, three months), longest first: what an office is offered to choose from besides
    /// the period asked for.
    pub fn commonly_granted() -> [Self; 5] {
        [(5, 0), (3, 0), (1, 0), (0, 6), (0, 3)].map(|(years, months)| Self { years, months, days: 0 })
    }

    /// The last day of a period of stay of this length that begins on (and counts) `first`, as the Civil
    /// Code computes periods (Art. 143): 3 years from 21 January 2027 end on 20 January 2030; 1 year from
    /// 1 March 2027 ends on 29 February 2028; 1 month from 31 January ends on the last day of February.
    pub fn last_day(self, first: JstDate) -> JstDate {
        let months = self.total_months();
        let days = u64::from(self.days);
        if months == 0 {
            return first.add_days(days.saturating_sub(1));
        }
        first.period_end(months).add_days(days)
    }
}

impl fmt::Display for PeriodOfStay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.years > 0 {
            write!(f, "{}Y", self.years)?;
        }
        if self.months > 0 {
            write!(f, "{}M", self.months)?;
        }
        if self.days > 0 {
            write!(f, "{}D", self.days)?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PeriodOfStay {
    type Error = PeriodError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PeriodOfStay> for String {
    fn from(value: PeriodOfStay) -> Self {
        value.to_string()
    }
}

/// The days on which an extension may be filed online: `opens..=closes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FilingWindow {
    pub opens: JstDate,
    pub closes: JstDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingWindowError {
    #[error(
        "an application can be filed from {opens} (3 months before the expiry of the period of stay, or halfway through a period of 3 months or less)"
    )]
    TooEarly { opens: JstDate },
    #[error(
        "an application cannot be filed online on the day the period of stay expires; please apply at the nearest regional immigration office today"
    )]
    OnExpiryDay,
    #[error(
        "the period of stay expired on {expiry}; an online application is not possible, please go promptly to the nearest regional immigration office"
    )]
    Expired { expiry: JstDate },
}

impl Localized for FilingWindowError {
    fn rule(&self) -> &'static str {
        match self {
            Self::TooEarly { .. } => "filing_window.too_early",
            Self::OnExpiryDay => "filing_window.expiry_day",
            Self::Expired { .. } => "filing_window.expired",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::TooEarly { opens } => format!(
                "{opens}から申請できます（在留期間満了日の3か月前から。在留期間が3か月以下の場合はおおむね在留期間の半分が経過した日から）。"
            ),
            Self::OnExpiryDay => "在留期間満了日当日はオンラインで申請できません。本日中に最寄りの地方出入国在留管理官署で申請してください。".into(),
            Self::Expired { expiry } => format!(
                "在留期間は{expiry}に満了しています。オンライン申請はできませんので、速やかに最寄りの地方出入国在留管理官署にお越しください。"
            ),
        }
    }
}

impl FilingWindow {
    /// Q27: from 3 months before the expiry to the day before it; for a period of 3 months or less, from
    /// halfway through the period. Q26, Q28: never on or after the expiry date.
    pub fn for_stay(expiry: JstDate, period: PeriodOfStay) -> Self {
        let opens = if period.is_three_months_or_less() {
            let first = period.first_day(expiry);
            let length = first.days_until(expiry) + 1;
            first.add_days(u64::try_from(length / 2).unwrap_or(0))
        } else {
            expiry.sub_months(3)
        };
        Self { opens, closes: expiry.pred() }
    }

    /// A change of status (and any procedure filed "from the cause until the expiry"): from the first day
    /// of the current period of stay to the day before its expiry (online never on the last day: the
    /// counter then).
    pub fn while_stay_runs(expiry: JstDate, period: PeriodOfStay) -> Self {
        Self { opens: period.first_day(expiry), closes: expiry.pred() }
    }

    pub fn check(self, today: JstDate) -> Result<(), FilingWindowError> {
        let expiry = self.closes.succ();
        if today > expiry {
            Err(FilingWindowError::Expired { expiry })
        } else if today == expiry {
            Err(FilingWindowError::OnExpiryDay)
        } else if today < self.opens {
            Err(FilingWindowError::TooEarly { opens: self.opens })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;
    use chrono::Datelike;
    use proptest::prelude::*;

    /// A period is shown in words and read back from them, in either language, as from its code.
    #[test]
    fn words_are_read_back() {
        use crate::error::Language::{En, Ja};
        for (code, ja, en) in [
            ("1Y", "1年", "1 year"),
            ("1Y6M", "1年6か月", "1 year 6 months"),
            ("6M", "6か月", "6 months"),
            ("90D", "90日", "90 days"),
            ("5Y", "5年", "5 years"),
        ] {
            let period = p(code);
            assert_eq!(period.words(Ja), ja);
            assert_eq!(period.words(En), en);
            assert_eq!(p(ja), period);
            assert_eq!(p(en), period);
        }
        assert_eq!(p("1 Year 6 Months"), p("1Y6M"));
        assert_eq!(p("１年６ヶ月"), p("1Y6M"));
        assert!(PeriodOfStay::parse("1 yearly").is_err());
        assert!(PeriodOfStay::parse("year").is_err());
    }

    fn p(s: &str) -> PeriodOfStay {
        PeriodOfStay::parse(s).unwrap()
    }

    #[test]
    fn periods_parse_in_both_notations() {
        assert_eq!(p("5Y"), p("5年"));
        assert_eq!(p("3y3m"), p("3年3月"));
        assert_eq!(p("6M"), p("6ヶ月"));
        assert_eq!(p("90D"), p("90日"));
        assert_eq!(p("18M"), p("1Y6M"));
        assert_eq!(p("1年6月"), p("1Y6M"));
        assert_eq!(p("１年６月"), p("1Y6M"), "full-width digits");
        assert_eq!(p("６ケ月"), p("6M"));
        assert_eq!(p("６カ月"), p("6M"));
        assert_eq!(p("3Y3M").to_string(), "3Y3M");
        for bad in ["", "5", "Y", "5X", "5Y5Y", "M3", "1.5Y"] {
            assert_eq!(PeriodOfStay::parse(bad), Err(PeriodError::Format), "{bad}");
        }
        assert_eq!(PeriodOfStay::parse("0M"), Err(PeriodError::Range));
        assert_eq!(PeriodOfStay::parse("6Y"), Err(PeriodError::Range));
        assert_eq!(PeriodOfStay::parse("14D"), Err(PeriodError::Range));
        assert!(PeriodOfStay::parse("15D").is_ok());
    }

    #[test]
    fn three_months_or_less() {
        for short in ["3M", "90D", "15D", "30D", "2M", "1M15D"] {
            assert!(p(short).is_three_months_or_less(), "{short}");
        }
        for long in ["4M", "3M1D", "6M", "1Y", "91D"] {
            assert!(!p(long).is_three_months_or_less(), "{long}");
        }
    }

    #[test]
    fn q27_window_opens_three_months_before_expiry() {
        let w = FilingWindow::for_stay(d("2027-01-15"), p("1Y"));
        assert_eq!(w.opens, d("2026-10-15"));
        assert_eq!(w.check(d("2026-10-14")), Err(FilingWindowError::TooEarly { opens: d("2026-10-15") }));
        assert_eq!(w.check(d("2026-10-15")), Ok(()));
    }

    #[test]
    fn q27_window_closes_the_day_before_expiry() {
        let w = FilingWindow::for_stay(d("2027-01-15"), p("3Y"));
        assert_eq!(w.closes, d("2027-01-14"));
        assert_eq!(w.check(d("2027-01-14")), Ok(()));
    }

    #[test]
    fn q26_not_on_the_expiry_day() {
        let w = FilingWindow::for_stay(d("2027-01-15"), p("3Y"));
        assert_eq!(w.check(d("2027-01-15")), Err(FilingWindowError::OnExpiryDay));
    }

    #[test]
    fn q28_not_after_expiry() {
        let w = FilingWindow::for_stay(d("2027-01-15"), p("3Y"));
        assert_eq!(w.check(d("2027-01-16")), Err(FilingWindowError::Expired { expiry: d("2027-01-15") }));
    }

    #[test]
    fn q27_window_from_the_end_of_a_month_clamps() {
        // 3 months before 31 May is 28 February (there is no 31 February).
        assert_eq!(FilingWindow::for_stay(d("2027-05-31"), p("1Y")).opens, d("2027-02-28"));
    }

    #[test]
    fn q27_short_stay_opens_halfway() {
        // A 3-month stay from 1 January to 31 March 2026 (90 days): halfway is 15 February.
        let w = FilingWindow::for_stay(d("2026-03-31"), p("3M"));
        assert_eq!(p("3M").first_day(d("2026-03-31")), d("2026-01-01"));
        assert_eq!(w.opens, d("2026-02-15"));
        assert!(w.check(d("2026-02-14")).is_err());
        assert_eq!(w.check(d("2026-02-15")), Ok(()));
        assert_eq!(w.closes, d("2026-03-30"));
        // A 30-day stay from 1 to 30 June: from 16 June.
        assert_eq!(FilingWindow::for_stay(d("2026-06-30"), p("30D")).opens, d("2026-06-16"));
    }

    fn any_period() -> impl Strategy<Value = PeriodOfStay> {
        (0u8..=5, 0u8..12, 0u16..=120).prop_filter_map("valid period", |(y, m, dd)| PeriodOfStay::new(y, m, dd).ok())
    }

    /// A new period's last day, counted as the Civil Code counts (Art. 143), month ends included.
    #[test]
    fn a_period_s_last_day_is_counted_as_the_civil_code_counts() {
        for (period, first, last) in [
            ("3Y", "2027-01-21", "2030-01-20"),
            ("1Y", "2027-03-01", "2028-02-29"),
            ("1Y", "2028-02-29", "2029-02-28"),
            ("1M", "2027-01-31", "2027-02-28"),
            ("6M", "2027-08-31", "2028-02-29"),
            ("1Y6M", "2027-01-01", "2028-06-30"),
            ("90D", "2027-01-01", "2027-03-31"),
            ("15D", "2027-01-01", "2027-01-15"),
        ] {
            assert_eq!(p(period).last_day(d(first)), d(last), "{period} from {first}");
        }
        let common = PeriodOfStay::commonly_granted();
        assert_eq!(common.map(|c| c.to_string()), ["5Y", "3Y", "1Y", "6M", "3M"].map(String::from));
        assert!(common.iter().all(|c| PeriodOfStay::parse(&c.to_string()) == Ok(*c)), "each a valid period");
    }

    proptest! {
        /// Counting a period of months (or of days) forward and back returns to its first day wherever that
        /// day exists in the last month (the 1st to the 28th), and its last day is never before its first.
        #[test]
        fn last_day_and_first_day_are_inverse(offset in 0u64..20_000, period in any_period()) {
            let first = d("2000-01-01").add_days(offset);
            let last = period.last_day(first);
            prop_assert!(last >= first);
            if period.days == 0 && first.naive().day() <= 28 || period.total_months() == 0 {
                prop_assert_eq!(period.first_day(last), first);
            }
        }

        #[test]
        fn q26_q28_never_on_or_after_expiry(offset in 0u64..20_000, period in any_period(), after in 0u64..400) {
            let expiry = d("2000-01-01").add_days(offset);
            let w = FilingWindow::for_stay(expiry, period);
            prop_assert!(w.check(expiry.add_days(after)).is_err());
        }

        #[test]
        fn q27_window_is_never_open_before_three_months_and_always_open_the_day_before(
            offset in 100u64..20_000, period in any_period()
        ) {
            let expiry = d("2000-01-01").add_days(offset);
            let w = FilingWindow::for_stay(expiry, period);
            prop_assert!(w.opens >= expiry.sub_months(3));
            prop_assert!(w.opens <= w.closes);
            prop_assert_eq!(w.check(expiry.pred()), Ok(()));
            prop_assert!(w.check(w.opens.pred()).is_err());
            prop_assert_eq!(w.check(w.opens), Ok(()));
        }

        #[test]
        fn q27_every_day_inside_the_window_is_accepted(offset in 0u64..20_000, period in any_period(), k in 0u64..200) {
            let expiry = d("2000-01-01").add_days(offset);
            let w = FilingWindow::for_stay(expiry, period);
            let day = w.opens.add_days(k);
            prop_assert_eq!(w.check(day).is_ok(), day <= w.closes);
        }

        #[test]
        fn q27_short_stays_open_halfway(offset in 0u64..20_000, days in 15u16..=90) {
            let expiry = d("2000-01-01").add_days(offset);
            let period = PeriodOfStay::days(days).unwrap();
            let w = FilingWindow::for_stay(expiry, period);
            let first = period.first_day(expiry);
            let elapsed = first.days_until(w.opens);
            prop_assert_eq!(elapsed, i64::from(days) / 2);
        }
    }

    #[test]
    fn q27_q53_three_months_is_ninety_days_however_written() {
        let p = |y, m, d| PeriodOfStay::new(y, m, d).unwrap();
        for (period, short) in [
            (p(0, 3, 0), true),
            (p(0, 2, 30), true),
            (p(0, 1, 60), true),
            (p(0, 0, 90), true),
            (p(0, 1, 61), false),
            (p(0, 3, 1), false),
            (p(0, 4, 0), false),
            (p(1, 0, 0), false),
        ] {
            assert_eq!(period.is_three_months_or_less(), short, "{period}");
        }
    }

    #[test]
    fn periods_in_months_and_as_written() {
        assert_eq!(PeriodOfStay::months(15), PeriodOfStay::new(1, 3, 0));
        assert_eq!(PeriodOfStay::months(11), PeriodOfStay::new(0, 11, 0));
        assert_eq!(PeriodOfStay::months(24), PeriodOfStay::new(2, 0, 0));
        for (written, shown) in [("6M", "6M"), ("3Y", "3Y"), ("90D", "90D"), ("3年3月", "3Y3M"), ("1Y15D", "1Y15D")] {
            assert_eq!(String::from(PeriodOfStay::parse(written).unwrap()), shown, "{written}");
        }
    }

    #[test]
    fn period_and_window_refusals_explain_themselves_in_japanese() {
        assert_eq!(
            (PeriodError::Format.rule(), PeriodError::Range.rule()),
            ("period_of_stay.format", "period_of_stay.range")
        );
        assert!(PeriodError::Format.message_ja().contains("1年6か月"));
        assert!(PeriodError::Range.message_ja().contains("15日以上5年以内"));
        let opens = d("2027-03-30");
        assert!(FilingWindowError::TooEarly { opens }.message_ja().starts_with("2027-03-30から申請できます"));
        assert!(FilingWindowError::OnExpiryDay.message_ja().contains("満了日当日"));
        assert!(FilingWindowError::Expired { expiry: opens }.message_ja().contains("2027-03-30に満了"));
    }
}
