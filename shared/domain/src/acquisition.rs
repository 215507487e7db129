//! Acquisition of status of residence (在留資格取得許可申請, `oras-today.md` §2): a person who becomes a
//! foreign national in Japan without landing — born here, or having lost Japanese nationality — and stays
//! longer than sixty days files within thirty days of the event (Immigration Control Act, art. 22-2). Online,
//! a filing after the thirtieth day is refused with the reason: the counter takes it, and the stay since the
//! sixtieth day is the office's to weigh.

use crate::error::Localized;
use crate::jst::JstDate;

/// The days after the event within which the application is filed (art. 22-2 (2)).
pub const FILING_DAYS: u64 = 30;

crate::codes! {
    /// Why the person has no status of residence yet.
    pub enum AcquisitionCause {
        /// Born in Japan (出生).
        Birth => "birth",
        /// Lost Japanese nationality (日本国籍の離脱等).
        LossOfJapaneseNationality => "loss_of_japanese_nationality",
        /// Another cause of the article (e.g. leaving a position of diplomatic status while staying).
        Other => "other",
    }
}

impl AcquisitionCause {
    /// As typed: its code or any of its words (the page's choice, a template's word).
    pub fn parse_typed(input: &str) -> Option<Self> {
        Self::parse(crate::choice::find(crate::choice::ACQUISITION_CAUSE, input)?.code)
    }

    pub fn words(self, lang: crate::error::Language) -> &'static str {
        use crate::error::Language::{En, Ja};
        match (self, lang) {
            (Self::Birth, Ja) => "出生",
            (Self::Birth, En) => "Birth in Japan",
            (Self::LossOfJapaneseNationality, Ja) => "日本国籍の離脱等",
            (Self::LossOfJapaneseNationality, En) => "Loss of Japanese nationality",
            (Self::Other, Ja) => "その他の事由",
            (Self::Other, En) => "Another cause",
        }
    }
}

/// The last day an acquisition may be filed for an event on `event`: thirty days counted as the Civil Code
/// counts them (art. 140: the day of the event not counted) — born on 1 November, filed by 1 December.
pub fn last_filing_day(event: JstDate) -> JstDate {
    event.add_days(FILING_DAYS)
}

/// Why an acquisition cannot be filed online on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AcquisitionRefused {
    #[error("the date of the event is after today")]
    EventInFuture,
    #[error(
        "an acquisition is filed within 30 days of the event; the last day was {last_day}: file it at the regional immigration office"
    )]
    TooLate { last_day: JstDate },
}

impl Localized for AcquisitionRefused {
    fn rule(&self) -> &'static str {
        match self {
            Self::EventInFuture => "acquisition.event_in_future",
            Self::TooLate { .. } => "acquisition.too_late",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::EventInFuture => "事由の生じた日が今日より後の日付になっています。".into(),
            Self::TooLate { last_day } => format!(
                "在留資格取得許可申請は事由が生じた日から30日以内に行います（期限は{last_day}でした）。地方出入国在留管理官署の窓口で申請してください。"
            ),
        }
    }
}

/// Whether an acquisition for an event on `event` may be filed online on `today` (JST).
pub fn check_filing(event: JstDate, today: JstDate) -> Result<(), AcquisitionRefused> {
    if event > today {
        return Err(AcquisitionRefused::EventInFuture);
    }
    let last_day = last_filing_day(event);
    if today > last_day {
        return Err(AcquisitionRefused::TooLate { last_day });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    /// From the spec's side: born on 1 November, the thirtieth day after is 1 December — filed that day, it
    /// is taken; on the thirty-first day it is refused, naming the last day; the day of birth itself is fine.
    #[test]
    fn an_acquisition_is_filed_within_thirty_days_of_the_event() {
        let born = d("2026-11-01");
        assert_eq!(last_filing_day(born), d("2026-12-01"));
        assert_eq!(check_filing(born, born), Ok(()));
        assert_eq!(check_filing(born, d("2026-12-01")), Ok(()), "day 30");
        let late = check_filing(born, d("2026-12-02")).unwrap_err();
        assert_eq!(late, AcquisitionRefused::TooLate { last_day: d("2026-12-01") }, "day 31");
        assert!(late.to_string().contains("2026-12-01") && late.message_ja().contains("2026-12-01"));
        assert_eq!(late.rule(), "acquisition.too_late");
        assert_eq!(check_filing(born, d("2026-10-31")), Err(AcquisitionRefused::EventInFuture));
        // Across a month's end and a leap day: thirty days are thirty days.
        assert_eq!(last_filing_day(d("2028-02-10")), d("2028-03-11"));
        assert_eq!(AcquisitionCause::Birth.words(crate::error::Language::Ja), "出生");
        assert_eq!(
            AcquisitionCause::LossOfJapaneseNationality.words(crate::error::Language::En),
            "Loss of Japanese nationality"
        );
        for cause in AcquisitionCause::ALL {
            assert_eq!(AcquisitionCause::parse(cause.code()), Some(cause));
            for lang in [crate::error::Language::Ja, crate::error::Language::En] {
                assert!(!cause.words(lang).is_empty());
            }
        }
    }
}
