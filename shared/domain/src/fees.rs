//! Fees, as dated data (domain notes: 4,000 yen in the era of the Q&A (Q55); from 2025-04-01 6,000 yen at
//! the counter and 5,500 yen online). Paid by revenue stamp, never electronically (Q64).

use crate::jst::JstDate;

/// How the application was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Counter,
    Online,
}

/// (first day in force, counter fee, online fee), in yen, oldest first.
const EXTENSION_FEES: &[((i32, u32, u32), u32, u32)] = &[((2019, 1, 1), 4_000, 4_000), ((2025, 4, 1), 6_000, 5_500)];

/// The fee for a permission for extension of period of stay on the given day, in yen. A change of status
/// of residence costs the same (the agency's table since 2025-04-01, and 4,000 yen before it).
pub fn extension_fee(on: JstDate, channel: Channel) -> u32 {
    EXTENSION_FEES
        .iter()
        .rev()
        .find(|((y, m, d), _, _)| JstDate::from_ymd(*y, *m, *d).is_some_and(|from| on >= from))
        .or(EXTENSION_FEES.first())
        .map(|(_, counter, online)| match channel {
            Channel::Counter => *counter,
            Channel::Online => *online,
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn q55_fee_in_the_era_of_the_q_and_a() {
        assert_eq!(extension_fee(d("2019-07-25"), Channel::Online), 4_000);
        assert_eq!(extension_fee(d("2025-03-31"), Channel::Counter), 4_000);
    }

    #[test]
    fn fee_from_april_2025() {
        assert_eq!(extension_fee(d("2025-04-01"), Channel::Counter), 6_000);
        assert_eq!(extension_fee(d("2026-11-27"), Channel::Online), 5_500);
    }
}
