//! Application receipt numbers (Q33): a temporary number at filing, an official number the next day.
//!
//! The official number, as seen on a real notice (`福オンＥＮ25001878`), reads: the office's character,
//! "オン" (online), two full-width letters for the procedure, the two-digit year and a six-digit serial.
//! Official numbers are unique and consecutive per office and year: the serial comes from one counter per
//! [`ReceiptSeries`]. The agency does not publish a format for temporary numbers; ours is `TMP-` + the
//! filing day + 8 random characters of Crockford's base 32.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;
use crate::jst::JstDate;
use crate::office::Office;
use crate::procedure::Procedure;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptNumberError {
    #[error("{0:?} is not a receipt number")]
    Format(String),
    #[error("the receipt numbers of {office} for 20{year:02} are used up")]
    SeriesExhausted { office: Office, year: u8 },
}

impl Localized for ReceiptNumberError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Format(_) => "receipt_number.format",
            Self::SeriesExhausted { .. } => "receipt_number.series_exhausted",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Format(s) => format!("「{s}」は受付番号として認識できません。"),
            Self::SeriesExhausted { office, year } => {
                format!("{}の20{year:02}年の受付番号が上限に達しました。", office.info().name_ja)
            }
        }
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The temporary receipt number e-mailed at filing to the user and the applicant (Q33).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct TemporaryReceiptNumber(String);

impl TemporaryReceiptNumber {
    /// From the filing day and 40 random bits.
    pub fn new(filed_on: JstDate, random: u64) -> Self {
        let tail: String = (0..8).rev().map(|i| char::from(CROCKFORD[((random >> (i * 5)) & 31) as usize])).collect();
        Self(format!("TMP-{}-{tail}", filed_on.compact()))
    }

    pub fn parse(input: &str) -> Result<Self, ReceiptNumberError> {
        let s = input.trim();
        let bad = || ReceiptNumberError::Format(s.to_owned());
        let rest = s.strip_prefix("TMP-").ok_or_else(bad)?;
        let (day, tail) = rest.split_once('-').ok_or_else(bad)?;
        JstDate::parse(day).map_err(|_| bad())?;
        if day.len() != 8 || tail.len() != 8 || !tail.bytes().all(|b| CROCKFORD.contains(&b)) {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TemporaryReceiptNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TemporaryReceiptNumber {
    type Error = ReceiptNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TemporaryReceiptNumber> for String {
    fn from(value: TemporaryReceiptNumber) -> Self {
        value.0
    }
}

/// One series of official numbers: one office, one procedure, one year (of the receipt date, JST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceiptSeries {
    pub office: Office,
    #[serde(default)]
    pub procedure: Procedure,
    /// Two-digit year.
    pub year: u8,
}

impl ReceiptSeries {
    pub const MAX_SERIAL: u32 = 999_999;

    pub fn for_receipt(office: Office, procedure: Procedure, receipt_date: JstDate) -> Self {
        Self { office, procedure, year: u8::try_from(receipt_date.year().rem_euclid(100)).unwrap_or(0) }
    }

    /// The name of this series' counter in the store (an extension's as it was before procedures had a
    /// name, so that its serials go on).
    pub fn counter_name(self) -> String {
        match self.procedure {
            Procedure::Extension => format!("receipt-number#{}#{:02}", self.office.code(), self.year),
            other => format!("receipt-number#{}#{}#{:02}", other.code(), self.office.code(), self.year),
        }
    }

    /// The official number with this serial (the counter's value after its increment: 1, 2, 3, …).
    pub fn number(self, serial: u64) -> Result<OfficialReceiptNumber, ReceiptNumberError> {
        match u32::try_from(serial) {
            Ok(s) if (1..=Self::MAX_SERIAL).contains(&s) => Ok(OfficialReceiptNumber { series: self, serial: s }),
            _ => Err(ReceiptNumberError::SeriesExhausted { office: self.office, year: self.year }),
        }
    }
}

/// The official application receipt number (Q33), e.g. `福オンＥＮ25001878`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct OfficialReceiptNumber {
    series: ReceiptSeries,
    serial: u32,
}

impl OfficialReceiptNumber {
    pub fn series(self) -> ReceiptSeries {
        self.series
    }

    pub fn serial(self) -> u32 {
        self.serial
    }

    /// Reads the number as printed; half-width letters and full-width digits are accepted too.
    pub fn parse(input: &str) -> Result<Self, ReceiptNumberError> {
        let s = input.trim();
        let bad = || ReceiptNumberError::Format(s.to_owned());
        let mut chars = s.chars();
        let office = chars.next().and_then(Office::from_receipt_char).ok_or_else(bad)?;
        let rest: String = chars.map(to_half_width).collect();
        let rest = rest.strip_prefix("オン").ok_or_else(bad)?;
        let letters: String = rest.chars().take(2).collect();
        let procedure = procedure_of_letters(&letters).ok_or_else(bad)?;
        let rest = &rest[letters.len()..];
        if rest.len() != 8 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: u8 = rest[..2].parse().map_err(|_| bad())?;
        let serial: u64 = rest[2..].parse().map_err(|_| bad())?;
        ReceiptSeries { office, procedure, year }.number(serial).map_err(|_| bad())
    }
}

/// A receipt number as an officer types it, in the form it is stored and printed: letters in either width
/// and either case (東オンen, 東オンＥＮ, tmp-20261127-…), full-width digits; anything that reads as no
/// receipt number is left as typed (it finds nothing).
pub fn as_printed(typed: &str) -> String {
    let upper: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            'ａ'..='ｚ' => char::from_u32(c as u32 - 0x20).unwrap_or(c),
            '－' | '‐' | '−' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    if let Ok(n) = OfficialReceiptNumber::parse(&upper) {
        return n.to_string();
    }
    let half: String = upper.chars().map(to_half_width).collect();
    TemporaryReceiptNumber::parse(&half).map_or_else(|_| typed.trim().to_owned(), |t| t.to_string())
}

/// The procedure whose receipt-number letters these are (full- or half-width).
fn procedure_of_letters(letters: &str) -> Option<Procedure> {
    let half = |s: &str| s.chars().map(to_half_width).collect::<String>();
    Procedure::ALL.into_iter().find(|p| half(p.receipt_letters()) == half(letters))
}

/// A full-width capital letter or digit as its half-width one (receipt numbers are read either way).
fn to_half_width(c: char) -> char {
    match c {
        'Ａ'..='Ｚ' | '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        other => other,
    }
}

impl fmt::Display for OfficialReceiptNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}オン{}{:02}{:06}",
            self.series.office.info().receipt_char,
            self.series.procedure.receipt_letters(),
            self.series.year,
            self.serial
        )
    }
}

impl TryFrom<String> for OfficialReceiptNumber {
    type Error = ReceiptNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OfficialReceiptNumber> for String {
    fn from(value: OfficialReceiptNumber) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    /// #32 item 7: a number typed in either width and either case finds the number as printed.
    #[test]
    fn a_number_is_read_as_printed_however_it_is_typed() {
        let printed = ReceiptSeries { office: Office::Tokyo, procedure: Procedure::Extension, year: 26 }
            .number(123)
            .unwrap()
            .to_string();
        let ascii: String = printed.chars().map(to_half_width).collect();
        for typed in [printed.clone(), ascii.clone(), ascii.to_lowercase(), format!("  {printed} ")] {
            assert_eq!(as_printed(&typed), printed, "{typed}");
        }
        let temporary = TemporaryReceiptNumber::new(d("2026-11-27"), 12345).to_string();
        assert_eq!(as_printed(&temporary.to_lowercase()), temporary);
        let wide: String = temporary
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
            .collect();
        assert_eq!(as_printed(&wide), temporary);
        assert_eq!(as_printed(" nothing "), "nothing");
    }

    use super::*;
    use crate::jst::d;
    use proptest::prelude::*;

    #[test]
    fn every_procedure_reads_back_from_its_letters() {
        for p in Procedure::ALL {
            assert_eq!(procedure_of_letters(p.receipt_letters()), Some(p));
        }
        assert_eq!(procedure_of_letters("EN"), Some(Procedure::Extension), "half-width too");
        assert_eq!(procedure_of_letters("ＸＸ"), None);
    }

    #[test]
    fn q33_official_number_reads_like_the_agencys() {
        let n = OfficialReceiptNumber::parse("福オンＥＮ25001878").unwrap();
        assert_eq!(n.series(), ReceiptSeries { office: Office::Fukuoka, procedure: Procedure::Extension, year: 25 });
        assert_eq!(n.serial(), 1878);
        assert_eq!(n.to_string(), "福オンＥＮ25001878");
        assert_eq!(String::from(n), "福オンＥＮ25001878");
        assert_eq!(OfficialReceiptNumber::parse("福オンEN２５001878"), Ok(n));
        for bad in ["福オンＥＮ2500187", "X オンＥＮ25001878", "福オフＥＮ25001878", "福オンＥＮ25000000", ""]
        {
            assert!(OfficialReceiptNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn q33_series_per_office_and_year_of_receipt() {
        let s = ReceiptSeries::for_receipt(Office::Tokyo, Procedure::Extension, d("2026-12-31"));
        assert_eq!(s, ReceiptSeries { office: Office::Tokyo, procedure: Procedure::Extension, year: 26 });
        assert_eq!(s.counter_name(), "receipt-number#tokyo#26", "an extension's serials go on in the counter they had");
        assert_ne!(
            s.counter_name(),
            ReceiptSeries::for_receipt(Office::Tokyo, Procedure::Extension, d("2027-01-01")).counter_name()
        );
        assert_ne!(
            s.counter_name(),
            ReceiptSeries::for_receipt(Office::Osaka, Procedure::Extension, d("2026-12-31")).counter_name()
        );
        assert_eq!(s.number(1).unwrap().to_string(), "東オンＥＮ26000001");
        assert!(matches!(s.number(0), Err(ReceiptNumberError::SeriesExhausted { .. })));
        assert!(matches!(s.number(1_000_000), Err(ReceiptNumberError::SeriesExhausted { .. })));
    }

    #[test]
    fn q33_consecutive_serials_give_consecutive_distinct_numbers() {
        let s = ReceiptSeries::for_receipt(Office::Osaka, Procedure::Extension, d("2026-11-27"));
        let numbers: Vec<String> = (1..=20).map(|i| s.number(i).unwrap().to_string()).collect();
        let mut sorted = numbers.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, numbers);
    }

    #[test]
    fn temporary_numbers() {
        let t = TemporaryReceiptNumber::new(d("2026-11-27"), 0x12_3456_789A);
        assert!(t.as_str().starts_with("TMP-20261127-"));
        assert_eq!(TemporaryReceiptNumber::parse(t.as_str()), Ok(t.clone()));
        assert!(TemporaryReceiptNumber::parse("TMP-20261127-ILOU0000").is_err());
        assert!(TemporaryReceiptNumber::parse("TMP-20261332-00000000").is_err());
    }

    proptest! {
        #[test]
        fn official_numbers_round_trip(office in 0usize..Office::ALL.len(), year in 0u8..100, serial in 1u64..=999_999) {
            let n = ReceiptSeries { office: Office::ALL[office], procedure: Procedure::Extension, year }.number(serial).unwrap();
            prop_assert_eq!(OfficialReceiptNumber::parse(&n.to_string()).unwrap(), n);
        }

        #[test]
        fn temporary_numbers_round_trip(random in any::<u64>(), days in 0u64..30_000) {
            let t = TemporaryReceiptNumber::new(d("2000-01-01").add_days(days), random);
            prop_assert_eq!(TemporaryReceiptNumber::parse(t.as_str()).unwrap(), t);
        }
    }

    #[test]
    fn q33_a_temporary_number_is_exactly_as_given_out() {
        let n = TemporaryReceiptNumber::new(d("2026-11-27"), 0x12_3456_789A);
        assert_eq!(TemporaryReceiptNumber::parse(&n.to_string()), Ok(n.clone()));
        assert_eq!(String::from(n.clone()), n.as_str());
        for bad in ["TMP-2026-11-27-ABCDEFGH", "TMP-20261127-ABCDEFG", "TMP-20261127-ABCDEFGI", "X-20261127-ABCDEFGH"] {
            assert_eq!(TemporaryReceiptNumber::parse(bad), Err(ReceiptNumberError::Format(bad.into())), "{bad}");
        }
        let e = ReceiptNumberError::Format("x".into());
        assert_eq!(e.rule(), "receipt_number.format");
        assert!(e.message_ja().contains("「x」"));
        let full = ReceiptNumberError::SeriesExhausted { office: Office::Fukuoka, year: 26 };
        assert_eq!(full.rule(), "receipt_number.series_exhausted");
        assert!(full.message_ja().contains("福岡出入国在留管理局の2026年"), "{}", full.message_ja());
    }
}
