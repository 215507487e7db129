//! The residence procedures filed online, and everything that differs between them, answered in one
//! place: when a person may file it, which statuses it is filed for online, the letters of its receipt
//! numbers, its fee, the blanket template it is entered with, and which open applications it excludes.
//! Extension of the period of stay (Q4) is the first; every match here is exhaustive, so adding the next
//! procedure is a list the compiler writes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;
use crate::fees::Channel;
use crate::jst::JstDate;
use crate::period::{FilingWindow, FilingWindowError, PeriodOfStay};
use crate::status_of_residence::StatusOfResidence;

/// A procedure filed online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// Extension of the period of stay (在留期間更新許可申請, Q4), with re-entry and activity permission
    /// alongside.
    #[default]
    Extension,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a procedure filed online: use extension")]
pub struct UnknownProcedure(pub String);

impl Localized for UnknownProcedure {
    fn rule(&self) -> &'static str {
        "procedure.unknown"
    }
    fn message_ja(&self) -> String {
        "オンラインで申請できる手続ではありません。".into()
    }
}

impl Procedure {
    pub const ALL: [Procedure; 1] = [Self::Extension];

    /// The stable code, as the API and the blanket template name it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Extension => "extension",
        }
    }

    /// From its code; an empty text is an extension (what every client sent before procedures had a name).
    pub fn parse(input: &str) -> Result<Self, UnknownProcedure> {
        let s = input.trim();
        if s.is_empty() {
            return Ok(Self::Extension);
        }
        Self::ALL.into_iter().find(|p| p.code() == s).ok_or_else(|| UnknownProcedure(s.to_owned()))
    }

    /// The procedure's name in one language.
    pub fn label(self, lang: crate::error::Language) -> &'static str {
        match lang {
            crate::error::Language::Ja => self.label_ja(),
            crate::error::Language::En => self.label_en(),
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Extension => "在留期間更新許可申請",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Extension => "Extension of the period of stay",
        }
    }

    /// The two full-width letters of its official receipt numbers (Q33: `福オンＥＮ25001878`).
    pub fn receipt_letters(self) -> &'static str {
        match self {
            Self::Extension => "ＥＮ",
        }
    }

    /// The days a person whose stay ends on `expiry` may file it online (for an extension, the window before
    /// the expiry, not on its last day).
    pub fn filing_window(self, expiry: JstDate, period: PeriodOfStay) -> FilingWindow {
        match self {
            Self::Extension => FilingWindow::for_stay(expiry, period),
        }
    }

    /// Whether the person whose stay is listed so may file it online on `today`.
    pub fn check_filing_window(
        self,
        expiry: JstDate,
        period: PeriodOfStay,
        today: JstDate,
    ) -> Result<(), FilingWindowError> {
        self.filing_window(expiry, period).check(today)
    }

    /// Whether a person of this status may file it online (Q21, Q29).
    pub fn in_online_scope(self, status: StatusOfResidence) -> bool {
        match self {
            Self::Extension => status.is_online(),
        }
    }

    /// The fee due for a permission decided on `on`, in yen; `None` where the procedure has none.
    pub fn fee(self, on: JstDate, channel: Channel) -> Option<u32> {
        match self {
            Self::Extension => Some(crate::fees::extension_fee(on, channel)),
        }
    }

    /// The last day of a new period of stay of `period` permitted to a person whose stay ends on
    /// `current_expiry`: an extension's new period runs on from the day after the current expiry (the
    /// Civil Code's count, [`PeriodOfStay::last_day`]), whenever the decision is made — nothing is left for
    /// the office to choose.
    pub fn permitted_expiry(self, current_expiry: JstDate, period: PeriodOfStay) -> JstDate {
        match self {
            Self::Extension => period.last_day(current_expiry.succ()),
        }
    }

    /// The procedure a blanket template is for, as its meta sheet names it.
    pub fn template_code(self) -> &'static str {
        self.code()
    }

    /// The open applications this one excludes for the same person: one open application per person
    /// whatever the procedure (an office examines one request about a stay at a time; a second is withdrawn
    /// or waits), so every procedure shares one claim — its name in the store, which is the first
    /// procedure's for the claims already held.
    pub fn claim_scope(self) -> &'static str {
        match self {
            Self::Extension => "extension",
        }
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn every_procedure_reads_back_from_its_code() {
        for p in Procedure::ALL {
            assert_eq!(Procedure::parse(p.code()), Ok(p));
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(p.code()));
            assert!(!p.label_ja().is_empty() && !p.label_en().is_empty());
        }
        assert_eq!(Procedure::parse(""), Ok(Procedure::Extension), "what clients sent before");
        let unknown = Procedure::parse("change").unwrap_err();
        assert_eq!(unknown.rule(), "procedure.unknown");
        assert!(unknown.message_ja().ends_with('。') && !unknown.message_ja().is_ascii());
    }

    #[test]
    fn an_extension_answers_as_the_extension_s_rules_do() {
        let p = Procedure::Extension;
        let period = PeriodOfStay::parse("1Y").unwrap();
        assert_eq!(p.check_filing_window(d("2027-01-20"), period, d("2026-11-27")), Ok(()));
        assert!(p.check_filing_window(d("2027-01-20"), period, d("2027-01-20")).is_err(), "not on the last day");
        assert_eq!(p.fee(d("2026-11-27"), Channel::Online), Some(5_500));
        assert!(p.in_online_scope(StatusOfResidence::parse("engineer_humanities_international").unwrap()));
        assert_eq!(p.receipt_letters(), "ＥＮ");
        assert_eq!(p.template_code(), "extension");
        assert_eq!((p.label_ja(), p.label_en()), ("在留期間更新許可申請", "Extension of the period of stay"));
        assert_eq!(p.to_string(), "extension");
        assert_eq!(p.permitted_expiry(d("2027-01-20"), period), d("2028-01-20"), "runs on from the day after");
        assert_eq!(p.permitted_expiry(d("2028-02-28"), period), d("2029-02-28"));
        // The claim already held by every open application in the store.
        assert_eq!(p.claim_scope(), "extension");
    }
}
