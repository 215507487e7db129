//! Fees, as dated data: what each procedure and permission costs, at the counter and online, by the day the
//! application was received (`oras-today.md` §2; domain notes). In the era of the Q&A 4,000 yen for an
//! extension (Q55), re-entry 3,000 (single) / 6,000 (multiple), no online discount; applications received
//! from 2025-04-01 pay the new fees, online cheaper: an extension or a change 5,500 online / 6,000 at the
//! counter, re-entry 3,500 / 4,000 (single) and 6,500 / 7,000 (multiple); permission for activity outside
//! status is free. Those received before keep the old fee. Paid by revenue stamp on the fee payment notice,
//! never electronically (Q64).

use crate::error::Language;
use crate::jst::JstDate;

/// How the application was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Counter,
    Online,
}

impl Channel {
    /// "the fee for filing online" as the e-mail and the pages say it.
    pub fn words(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Self::Online, Language::Ja) => "オンライン申請の手数料",
            (Self::Online, Language::En) => "the fee for filing online",
            (Self::Counter, Language::Ja) => "窓口申請の手数料",
            (Self::Counter, Language::En) => "the fee for filing at the counter",
        }
    }
}

/// What a fee is charged for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// A permission for extension of period of stay.
    Extension,
    /// A permission for change of status of residence (the same fee as an extension).
    ChangeOfStatus,
    /// A re-entry permit for one journey.
    ReEntrySingle,
    /// A re-entry permit for any number of journeys.
    ReEntryMultiple,
    /// A permission for activity outside the status: free.
    ActivityOutsideStatus,
    /// A certificate of authorized employment (就労資格証明書, `oras-today.md` §2): 1,200 yen under the
    /// old schedule; 2,000 yen at the counter and 1,600 online from 1 April 2025.
    WorkCertificate,
}

/// (first day in force, counter fee, online fee), in yen, oldest first.
type Table = &'static [((i32, u32, u32), u32, u32)];

const EXTENSION: Table = &[((2019, 1, 1), 4_000, 4_000), ((2025, 4, 1), 6_000, 5_500)];
const RE_ENTRY_SINGLE: Table = &[((2019, 1, 1), 3_000, 3_000), ((2025, 4, 1), 4_000, 3_500)];
const RE_ENTRY_MULTIPLE: Table = &[((2019, 1, 1), 6_000, 6_000), ((2025, 4, 1), 7_000, 6_500)];
const FREE: Table = &[((2019, 1, 1), 0, 0)];
const WORK_CERTIFICATE: Table = &[((2019, 1, 1), 1_200, 1_200), ((2025, 4, 1), 2_000, 1_600)];

impl Charge {
    fn table(self) -> Table {
        match self {
            Self::Extension | Self::ChangeOfStatus => EXTENSION,
            Self::ReEntrySingle => RE_ENTRY_SINGLE,
            Self::ReEntryMultiple => RE_ENTRY_MULTIPLE,
            Self::ActivityOutsideStatus => FREE,
            Self::WorkCertificate => WORK_CERTIFICATE,
        }
    }

    /// The fee, in yen, of an application received on `received_on`, filed by `channel`.
    pub fn fee(self, received_on: JstDate, channel: Channel) -> u32 {
        let table = self.table();
        table
            .iter()
            .rev()
            .find(|((y, m, d), _, _)| JstDate::from_ymd(*y, *m, *d).is_some_and(|from| received_on >= from))
            .or(table.first())
            .map(|(_, counter, online)| match channel {
                Channel::Counter => *counter,
                Channel::Online => *online,
            })
            .unwrap_or(0)
    }

    /// What is charged for, as the fee payment notice and the e-mail name it.
    pub fn words(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Self::Extension, Language::Ja) => "在留期間更新許可",
            (Self::Extension, Language::En) => "Extension of period of stay",
            (Self::ChangeOfStatus, Language::Ja) => "在留資格変更許可",
            (Self::ChangeOfStatus, Language::En) => "Change of status of residence",
            (Self::ReEntrySingle, Language::Ja) => "再入国許可（1回限り）",
            (Self::ReEntrySingle, Language::En) => "Re-entry permit (single)",
            (Self::ReEntryMultiple, Language::Ja) => "再入国許可（数次）",
            (Self::ReEntryMultiple, Language::En) => "Re-entry permit (multiple)",
            (Self::ActivityOutsideStatus, Language::Ja) => "資格外活動許可",
            (Self::ActivityOutsideStatus, Language::En) => "Permission for activity outside status",
            (Self::WorkCertificate, Language::Ja) => "就労資格証明書",
            (Self::WorkCertificate, Language::En) => "Certificate of authorized employment",
        }
    }
}

/// The fees of one application: each permission granted with its fee, filed by `channel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeDue {
    pub lines: Vec<(Charge, u32)>,
    pub channel: Channel,
}

impl FeeDue {
    /// The fees of `charges` for an application received on `received_on`.
    pub fn of(charges: &[Charge], received_on: JstDate, channel: Channel) -> Self {
        Self { lines: charges.iter().map(|c| (*c, c.fee(received_on, channel))).collect(), channel }
    }

    /// The sum, in yen: the revenue stamps on the fee payment notice.
    pub fn total(&self) -> u32 {
        self.lines.iter().map(|(_, yen)| yen).sum()
    }

    /// The fee in words: each permission with its fee (a free one said free), and the sum when there are
    /// several.
    pub fn words(&self, lang: Language) -> String {
        let yen = |n: u32| match lang {
            Language::Ja if n == 0 => "無料".to_owned(),
            Language::Ja => format!("{}円", grouped(n)),
            Language::En if n == 0 => "free".to_owned(),
            Language::En => format!("{} yen", grouped(n)),
        };
        let parts: Vec<String> = self
            .lines
            .iter()
            .map(|(c, n)| match lang {
                Language::Ja => format!("{} {}", c.words(lang), yen(*n)),
                Language::En => format!("{}: {}", c.words(lang), yen(*n)),
            })
            .collect();
        let (sep, total) = match lang {
            Language::Ja => ("、", format!("合計{}（{}）", yen(self.total()), self.channel.words(lang))),
            Language::En => ("; ", format!("in all {} ({})", yen(self.total()), self.channel.words(lang))),
        };
        if self.lines.len() == 1 {
            return match lang {
                Language::Ja => format!("{}（{}）", yen(self.total()), self.channel.words(lang)),
                Language::En => format!("{} ({})", yen(self.total()), self.channel.words(lang)),
            };
        }
        format!("{}{sep}{total}", parts.join(sep))
    }
}

/// 12000 → "12,000".
fn grouped(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn q55_fee_in_the_era_of_the_q_and_a() {
        assert_eq!(Charge::Extension.fee(d("2019-07-25"), Channel::Online), 4_000);
        assert_eq!(Charge::Extension.fee(d("2025-03-31"), Channel::Counter), 4_000);
        assert_eq!(Charge::ReEntrySingle.fee(d("2025-03-31"), Channel::Online), 3_000);
        assert_eq!(Charge::ReEntryMultiple.fee(d("2025-03-31"), Channel::Counter), 6_000);
        assert_eq!(Charge::WorkCertificate.fee(d("2025-03-31"), Channel::Online), 1_200, "received the day before");
    }

    /// The agency's table from 2025-04-01 (`oras-today.md` §2), written out: online, then the counter.
    #[test]
    fn every_charge_from_april_2025_online_and_at_the_counter() {
        let table = [
            (Charge::Extension, 5_500, 6_000),
            (Charge::ChangeOfStatus, 5_500, 6_000),
            (Charge::ReEntrySingle, 3_500, 4_000),
            (Charge::ReEntryMultiple, 6_500, 7_000),
            (Charge::ActivityOutsideStatus, 0, 0),
            (Charge::WorkCertificate, 1_600, 2_000),
        ];
        for (charge, online, counter) in table {
            for day in ["2025-04-01", "2026-11-27"] {
                assert_eq!(charge.fee(d(day), Channel::Online), online, "{charge:?} {day}");
                assert_eq!(charge.fee(d(day), Channel::Counter), counter, "{charge:?} {day}");
            }
        }
        // Before the first day of the table: its oldest fee.
        assert_eq!(Charge::Extension.fee(d("2018-12-31"), Channel::Online), 4_000);
    }

    #[test]
    fn the_fee_in_words_each_permission_and_the_sum() {
        let due = FeeDue::of(
            &[Charge::Extension, Charge::ReEntryMultiple, Charge::ActivityOutsideStatus],
            d("2026-11-27"),
            Channel::Online,
        );
        assert_eq!(due.total(), 12_000);
        assert_eq!(
            due.words(Language::Ja),
            "在留期間更新許可 5,500円、再入国許可（数次） 6,500円、資格外活動許可 無料、合計12,000円（オンライン申請の手数料）"
        );
        assert_eq!(
            due.words(Language::En),
            "Extension of period of stay: 5,500 yen; Re-entry permit (multiple): 6,500 yen; Permission for activity outside status: free; in all 12,000 yen (the fee for filing online)"
        );
        let one = FeeDue::of(&[Charge::ChangeOfStatus], d("2025-03-31"), Channel::Counter);
        assert_eq!(one.words(Language::Ja), "4,000円（窓口申請の手数料）");
        assert_eq!(one.words(Language::En), "4,000 yen (the fee for filing at the counter)");
        assert_eq!(
            (grouped(0), grouped(999), grouped(1_000), grouped(1_234_567)),
            ("0".into(), "999".into(), "1,000".into(), "1,234,567".into())
        );
    }
}
