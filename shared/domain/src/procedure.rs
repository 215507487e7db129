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
use crate::status_of_residence::{ScreenGroup, StatusOfResidence};

/// A procedure filed online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// Extension of the period of stay (在留期間更新許可申請, Q4), with re-entry and activity permission
    /// alongside.
    #[default]
    Extension,
    /// Change of status of residence (在留資格変更許可申請): a resident asks for another status (a student
    /// who graduates into a job), at any time while the current period of stay runs.
    ChangeOfStatus,
    /// A certificate of authorized employment (就労資格証明書交付申請, `oras-today.md` §2): a resident allowed
    /// to work asks the office to certify the work they may do. It changes nothing of the stay: the office
    /// issues a certificate, no card.
    WorkCertificate,
    /// A certificate of eligibility (在留資格認定証明書交付申請, `oras-today.md` §2): filed in Japan by the
    /// organization (or its agent) for a person **abroad**, with no residence card, before they come. The
    /// office issues a certificate — electronic (e-mailed, verified by anyone on the verification page) or
    /// on paper by post — which the person shows for the visa and at landing.
    CertificateOfEligibility,
    /// Acquisition of status of residence (在留資格取得許可申請, `oras-today.md` §2): a person who became a
    /// foreign national in Japan without landing — born here, or having lost Japanese nationality — asks for
    /// a status within thirty days of the event; no card yet, on no List; a card when permitted.
    Acquisition,
}

/// Statuses the online change of status does not take, as the agency's scope names them (`oras-today.md`
/// §2, its 2024-08-07 scope): held, or asked for. Each with the first day it applies (the online change of
/// status itself began in March 2020; the day is ours, the agency's page gives the month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeExclusion {
    pub status: StatusOfResidence,
    /// Refused as the status held (it cannot be changed from online).
    pub held: bool,
    /// Refused as the status asked for (it cannot be changed to online).
    pub asked: bool,
    pub since: (i32, u32, u32),
}

/// The statuses excluded from the online change of status (Diplomat, Temporary Visitor and Designated
/// Activities — the agency excludes the latter's "preparation for departure" only; a designated activity
/// is not in the 2019 online scope at all, so every one is excluded here).
pub const CHANGE_EXCLUSIONS: [ChangeExclusion; 3] = [
    ChangeExclusion { status: StatusOfResidence::Diplomat, held: true, asked: true, since: (2020, 3, 1) },
    ChangeExclusion { status: StatusOfResidence::TemporaryVisitor, held: true, asked: true, since: (2020, 3, 1) },
    ChangeExclusion { status: StatusOfResidence::DesignatedActivities, held: true, asked: true, since: (2020, 3, 1) },
];

/// Why a status cannot be changed from, or to, online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChangeScopeError {
    #[error("a change from this status cannot be filed online; file it at the regional immigration office")]
    HeldExcluded(StatusOfResidence),
    #[error("a change to this status cannot be filed online; file it at the regional immigration office")]
    AskedExcluded(StatusOfResidence),
    #[error("the status asked for is the one held: file an extension of the period of stay instead")]
    SameStatus,
}

impl Localized for ChangeScopeError {
    fn rule(&self) -> &'static str {
        match self {
            Self::HeldExcluded(_) => "change_of_status.held_excluded",
            Self::AskedExcluded(_) => "change_of_status.asked_excluded",
            Self::SameStatus => "change_of_status.same_status",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::HeldExcluded(s) => format!(
                "在留資格「{}」からの変更はオンラインで申請できません。地方出入国在留管理官署で申請してください。",
                s.info().name_ja
            ),
            Self::AskedExcluded(s) => format!(
                "在留資格「{}」への変更はオンラインで申請できません。地方出入国在留管理官署で申請してください。",
                s.info().name_ja
            ),
            Self::SameStatus => {
                "希望する在留資格が現在の在留資格と同じです。在留期間更新許可申請をしてください。".into()
            }
        }
    }
}

/// Where the person a procedure is filed for is, and so how they are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicant {
    /// In Japan with a residence card, on the organization's List of Affiliated Foreign Nationals: known by
    /// the card, their stay read from the List.
    Resident,
    /// Abroad, with no card and on no List: known by the passport.
    Abroad,
    /// In Japan without a status of residence yet (born here, or no longer Japanese): no card, on no List;
    /// known by the passport.
    WithoutStatus,
}

impl Applicant {
    /// On the organization's List, known by the card, their stay read from the List.
    pub fn is_listed(self) -> bool {
        match self {
            Self::Resident => true,
            Self::Abroad | Self::WithoutStatus => false,
        }
    }

    /// In Japan (Q35 is asked of them).
    pub fn in_japan(self) -> bool {
        match self {
            Self::Resident | Self::WithoutStatus => true,
            Self::Abroad => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a procedure filed online: use extension")]
pub struct UnknownProcedure(pub String);

/// An input screen none of whose statuses files this procedure online (no template for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no status of residence of this input screen can file this procedure online: choose another input screen")]
pub struct ScreenWithoutProcedure(pub Procedure, pub ScreenGroup);

impl Localized for ScreenWithoutProcedure {
    fn rule(&self) -> &'static str {
        "screen_group.without_procedure"
    }
    fn message_ja(&self) -> String {
        format!(
            "この入力画面の在留資格では{}をオンラインで申請できません。別の入力画面を選んでください。",
            self.0.label_ja()
        )
    }
}

impl Localized for UnknownProcedure {
    fn rule(&self) -> &'static str {
        "procedure.unknown"
    }
    fn message_ja(&self) -> String {
        "オンラインで申請できる手続ではありません。".into()
    }
}

impl Procedure {
    pub const ALL: [Procedure; 5] = [
        Self::Extension,
        Self::ChangeOfStatus,
        Self::WorkCertificate,
        Self::CertificateOfEligibility,
        Self::Acquisition,
    ];

    /// The procedures a filer may choose: through the API, the pages and blanket input alike.
    pub const OFFERED: [Procedure; 5] = [
        Self::Extension,
        Self::ChangeOfStatus,
        Self::WorkCertificate,
        Self::CertificateOfEligibility,
        Self::Acquisition,
    ];

    /// The stable code, as the API and the blanket template name it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Extension => "extension",
            Self::ChangeOfStatus => "change_of_status",
            Self::WorkCertificate => "work_certificate",
            Self::CertificateOfEligibility => "certificate_of_eligibility",
            Self::Acquisition => "acquisition",
        }
    }

    /// From its code; an empty text is an extension (what every client sent before procedures had a name).
    pub fn parse(input: &str) -> Result<Self, UnknownProcedure> {
        Self::parse_among(input, &Self::OFFERED)
    }

    /// From its code, among `procedures` (the form's rules of a procedure not yet offered are tested so).
    pub fn parse_among(input: &str, procedures: &[Procedure]) -> Result<Self, UnknownProcedure> {
        let s = input.trim();
        if s.is_empty() {
            return Ok(Self::Extension);
        }
        procedures.iter().copied().find(|p| p.code() == s).ok_or_else(|| UnknownProcedure(s.to_owned()))
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
            Self::ChangeOfStatus => "在留資格変更許可申請",
            Self::WorkCertificate => "就労資格証明書交付申請",
            Self::CertificateOfEligibility => "在留資格認定証明書交付申請",
            Self::Acquisition => "在留資格取得許可申請",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Extension => "Extension of the period of stay",
            Self::ChangeOfStatus => "Change of status of residence",
            Self::WorkCertificate => "Certificate of authorized employment",
            Self::CertificateOfEligibility => "Certificate of eligibility",
            Self::Acquisition => "Acquisition of status of residence",
        }
    }

    /// The two full-width letters of its official receipt numbers (Q33: `福オンＥＮ25001878`): ours to
    /// choose (the agency's own are not published) — ＥＮ for an extension, ＣＨ for a change of status, ＷＣ
    /// for a work certificate, ＣＥ for a certificate of eligibility, ＡＱ for an acquisition.
    pub fn receipt_letters(self) -> &'static str {
        match self {
            Self::Extension => "ＥＮ",
            Self::ChangeOfStatus => "ＣＨ",
            Self::WorkCertificate => "ＷＣ",
            Self::CertificateOfEligibility => "ＣＥ",
            Self::Acquisition => "ＡＱ",
        }
    }

    /// Who it is filed for: a resident with a card (on the organization's List), or a person abroad.
    pub fn applicant(self) -> Applicant {
        match self {
            Self::Extension | Self::ChangeOfStatus | Self::WorkCertificate => Applicant::Resident,
            Self::CertificateOfEligibility => Applicant::Abroad,
            Self::Acquisition => Applicant::WithoutStatus,
        }
    }

    /// The procedures blanket input takes: every one offered (a file holds one; its rows are read against
    /// the List by card, or by passport for a person on no list).
    pub fn by_blanket() -> impl Iterator<Item = Procedure> {
        Self::OFFERED.into_iter()
    }

    /// The procedures a person of the List may have filed (what the List page offers for each person).
    pub fn for_residents() -> impl Iterator<Item = Procedure> {
        Self::OFFERED.into_iter().filter(|p| p.applicant() == Applicant::Resident)
    }

    /// The days a person whose stay ends on `expiry` may file it online (for an extension, the window before
    /// the expiry, not on its last day); `None` for a procedure filed for a person abroad, which has no stay
    /// to time it by (a certificate of eligibility is asked for any day before entry).
    pub fn filing_window(self, expiry: JstDate, period: PeriodOfStay) -> Option<FilingWindow> {
        match self {
            Self::Extension => Some(FilingWindow::for_stay(expiry, period)),
            // A certificate is asked for when it is needed (`oras-today.md` §2): while the stay runs.
            Self::ChangeOfStatus | Self::WorkCertificate => Some(FilingWindow::while_stay_runs(expiry, period)),
            // An acquisition's thirty days run from its event (`acquisition::check_filing`, on the form's date).
            Self::CertificateOfEligibility | Self::Acquisition => None,
        }
    }

    /// Whether the person whose stay is listed so may file it online on `today` (any day, where no stay
    /// times it).
    pub fn check_filing_window(
        self,
        expiry: JstDate,
        period: PeriodOfStay,
        today: JstDate,
    ) -> Result<(), FilingWindowError> {
        self.filing_window(expiry, period).map_or(Ok(()), |w| w.check(today))
    }

    /// Whether a person of this status may file it online (Q21, Q29; for a change, a status it may be
    /// changed from — [`Self::check_change`] also checks the status asked for).
    pub fn in_online_scope(self, status: StatusOfResidence) -> bool {
        match self {
            Self::Extension => status.is_online(),
            Self::ChangeOfStatus => status.is_online() && !excluded(status, None, |e| e.held),
            Self::WorkCertificate => crate::work_certificate::check_status(status).is_ok(),
            // The status sought: one a change may ask for (the same exclusions, `oras-today.md` §2).
            Self::CertificateOfEligibility | Self::Acquisition => Self::may_ask(status),
        }
    }

    /// What the office issues when it grants it: a residence card, or the certificate (Japanese, English).
    pub fn issued(self) -> (&'static str, &'static str) {
        match self {
            Self::Extension | Self::ChangeOfStatus | Self::Acquisition => ("在留カード", "residence card"),
            Self::WorkCertificate => ("就労資格証明書", "certificate of authorized employment"),
            Self::CertificateOfEligibility => ("在留資格認定証明書", "certificate of eligibility"),
        }
    }

    /// Why a person of `status` cannot file it online, in words (Japanese, English); `None` where they can.
    /// A work certificate says its own reason (no work to certify, the designation decides).
    pub fn why_not_online(self, status: StatusOfResidence) -> Option<(String, String)> {
        if self.in_online_scope(status) {
            return None;
        }
        if let (Self::WorkCertificate, Err(e)) = (self, crate::work_certificate::check_status(status)) {
            return Some((e.message_ja(), crate::error::sentence(&e.to_string())));
        }
        Some((
            "この在留資格はオンライン申請の対象ではありません。".to_owned(),
            "This status of residence cannot be filed online.".to_owned(),
        ))
    }

    /// Whether it is filed with the applicant's facial photo (Q23): the photo is the new card's, and the
    /// certificate of eligibility's (the visa and the landing compare it with the person); a work
    /// certificate carries none.
    pub fn needs_photo(self) -> bool {
        match self {
            Self::Extension | Self::ChangeOfStatus | Self::CertificateOfEligibility | Self::Acquisition => true,
            Self::WorkCertificate => false,
        }
    }

    /// Whether the office's answer is a new residence card (a permission of a stay) or a certificate that
    /// changes nothing of the stay.
    pub fn issues_card(self) -> bool {
        match self {
            Self::Extension | Self::ChangeOfStatus | Self::Acquisition => true,
            Self::WorkCertificate | Self::CertificateOfEligibility => false,
        }
    }

    /// A change from `held` to `asked` filed online on `today`: both in the online scope, neither excluded
    /// (as the exclusions in force that day say), and not the same status (that is an extension).
    pub fn check_change(
        held: StatusOfResidence,
        asked: StatusOfResidence,
        today: JstDate,
    ) -> Result<(), ChangeScopeError> {
        check_change_on(held, asked, Some(today))
    }

    /// Whether this procedure's form offers, and its parser accepts, `sought` as the status asked for: for a
    /// person abroad or without a status yet, a status in the online scope not excluded as asked for (the same
    /// dated data as a change's); for a resident's change, one a change from `held` takes (before the status
    /// held is known, any a change may ask for). `on`: the day whose exclusions apply — the filing day when an
    /// application is read; `None` counts every one, as a page offers before the day is known.
    pub fn may_seek(self, held: Option<StatusOfResidence>, sought: StatusOfResidence, on: Option<JstDate>) -> bool {
        match self.applicant() {
            Applicant::Abroad | Applicant::WithoutStatus => askable(sought, on),
            Applicant::Resident => held.map_or(askable(sought, on), |h| check_change_on(h, sought, on).is_ok()),
        }
    }

    /// Whether a change to `asked` is one the online procedure takes, whatever the status held (what a
    /// change's blanket template lists).
    pub fn may_ask(asked: StatusOfResidence) -> bool {
        askable(asked, None)
    }

    /// The statuses of input screen `group` that decide the screen of an application of this procedure (an
    /// extension's and a work certificate's the status held, a change's the one asked for): what its
    /// template lists, empty where the procedure has no template for the screen.
    pub fn screen_statuses(self, group: ScreenGroup) -> Vec<StatusOfResidence> {
        group
            .statuses()
            .filter(|s| match self {
                Self::Extension => true,
                Self::ChangeOfStatus | Self::CertificateOfEligibility | Self::Acquisition => Self::may_ask(*s),
                Self::WorkCertificate => self.in_online_scope(*s),
            })
            .collect()
    }

    /// [`Self::screen_statuses`], refused where there are none.
    pub fn check_screen(self, group: ScreenGroup) -> Result<(), ScreenWithoutProcedure> {
        if self.screen_statuses(group).is_empty() { Err(ScreenWithoutProcedure(self, group)) } else { Ok(()) }
    }

    /// The fee due for a permission decided on `on`, in yen; `None` where the procedure has none.
    pub fn fee(self, on: JstDate, channel: Channel) -> Option<u32> {
        self.charge().map(|c| c.fee(on, channel))
    }

    /// What its permission is charged as; `None` for a certificate of eligibility, which is free (S15).
    pub fn charge(self) -> Option<crate::fees::Charge> {
        match self {
            Self::Extension => Some(crate::fees::Charge::Extension),
            Self::ChangeOfStatus => Some(crate::fees::Charge::ChangeOfStatus),
            Self::WorkCertificate => Some(crate::fees::Charge::WorkCertificate),
            // Free (S15, P17).
            Self::CertificateOfEligibility | Self::Acquisition => None,
        }
    }

    /// The last day of a new period of stay of `period` permitted on `decided_on` to a person whose stay
    /// ends on `current_expiry`: an extension's new period runs on from the day after the current expiry
    /// (the Civil Code's count, [`PeriodOfStay::last_day`]), whenever the decision is made; a change's
    /// from the day of the decision — nothing is left for the office to choose. A certificate leaves the
    /// stay as it is.
    pub fn permitted_expiry(
        self,
        current_expiry: Option<JstDate>,
        period: PeriodOfStay,
        decided_on: JstDate,
    ) -> Option<JstDate> {
        match self {
            Self::WorkCertificate | Self::CertificateOfEligibility => current_expiry,
            Self::Extension => Some(period.last_day(current_expiry?.succ())),
            // A first status: its period runs from the day it is permitted, as a change's.
            Self::Acquisition => Some(period.last_day(decided_on)),
            // The new status's period runs from the day it is permitted (our decision: the day of the
            // decision, which the card and the e-mail state; the agency's practice counts from the
            // permission, its exact day UNCONFIRMED).
            Self::ChangeOfStatus => Some(period.last_day(decided_on)),
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
            // A change pending makes an extension moot (a permitted change gives a new period) and an
            // extension pending leaves a change to wait: the office takes one request about a stay at a time,
            // so a second is refused until the first ends or is withdrawn (our decision).
            Self::Extension | Self::ChangeOfStatus => "extension",
            // A certificate asks nothing of the stay: it may be filed while an extension or change is
            // examined, but one at a time (our decision).
            Self::WorkCertificate => "work_certificate",
            // A person abroad has no other application open here (none may be filed for them but this):
            // one certificate of eligibility at a time per passport (our decision).
            Self::CertificateOfEligibility => "certificate_of_eligibility",
            // One request about a stay at a time: a person without a status has no other (our decision).
            Self::Acquisition => "extension",
        }
    }
}

fn check_change_on(
    held: StatusOfResidence,
    asked: StatusOfResidence,
    on: Option<JstDate>,
) -> Result<(), ChangeScopeError> {
    if held == asked {
        return Err(ChangeScopeError::SameStatus);
    }
    if !held.is_online() || excluded(held, on, |e| e.held) {
        return Err(ChangeScopeError::HeldExcluded(held));
    }
    if !askable(asked, on) {
        return Err(ChangeScopeError::AskedExcluded(asked));
    }
    Ok(())
}

/// A status in the online scope that no exclusion in force `on` (every one, for `None`) keeps from being asked for.
fn askable(asked: StatusOfResidence, on: Option<JstDate>) -> bool {
    asked.is_online() && !excluded(asked, on, |e| e.asked)
}

/// Whether an exclusion in force on `on` (every one, for a question asked without a day) names `status` as
/// `which` says.
fn excluded(status: StatusOfResidence, on: Option<JstDate>, which: impl Fn(&ChangeExclusion) -> bool) -> bool {
    CHANGE_EXCLUSIONS.iter().any(|e| {
        e.status == status
            && which(e)
            && on.is_none_or(|day| JstDate::from_ymd(e.since.0, e.since.1, e.since.2).is_some_and(|from| day >= from))
    })
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
        for p in Procedure::OFFERED {
            assert_eq!(Procedure::parse(p.code()), Ok(p));
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(p.code()));
            assert!(!p.label_ja().is_empty() && !p.label_en().is_empty());
        }
        assert_eq!(Procedure::parse(""), Ok(Procedure::Extension), "what clients sent before");
        let unknown = Procedure::parse("change").unwrap_err();
        assert_eq!(unknown.rule(), "procedure.unknown");
        assert!(unknown.message_ja().ends_with('。') && !unknown.message_ja().is_ascii());
        for p in Procedure::ALL {
            assert!(!p.label_ja().is_empty() && !p.label_en().is_empty() && p.receipt_letters().chars().count() == 2);
        }
        let letters: std::collections::HashSet<_> = Procedure::ALL.iter().map(|p| p.receipt_letters()).collect();
        assert_eq!(letters.len(), Procedure::ALL.len(), "each procedure's numbers are its own");
    }

    /// A change of status: any day while the current period runs, never on its last day online; the fee of
    /// an extension; the new period from the day it is permitted; one open application with an extension.
    #[test]
    fn a_change_of_status_answers_as_its_rules_do() {
        use crate::period::FilingWindowError;
        let p = Procedure::ChangeOfStatus;
        let one_year = PeriodOfStay::parse("1Y").unwrap();
        // The period 2026-01-21 to 2027-01-20: a year before the expiry is fine (no three-month window).
        assert_eq!(p.check_filing_window(d("2027-01-20"), one_year, d("2026-01-21")), Ok(()));
        assert_eq!(p.check_filing_window(d("2027-01-20"), one_year, d("2027-01-19")), Ok(()));
        assert_eq!(
            p.check_filing_window(d("2027-01-20"), one_year, d("2027-01-20")),
            Err(FilingWindowError::OnExpiryDay)
        );
        assert!(matches!(
            p.check_filing_window(d("2027-01-20"), one_year, d("2027-01-21")),
            Err(FilingWindowError::Expired { .. })
        ));
        assert!(matches!(
            p.check_filing_window(d("2027-01-20"), one_year, d("2026-01-20")),
            Err(FilingWindowError::TooEarly { .. })
        ));
        assert_eq!(p.fee(d("2026-11-27"), Channel::Online), Some(5_500));
        assert_eq!(p.fee(d("2026-11-27"), Channel::Counter), Some(6_000));
        assert_eq!(p.fee(d("2025-03-31"), Channel::Online), Some(4_000), "received before April 2025");
        let three = PeriodOfStay::parse("3Y").unwrap();
        assert_eq!(
            p.permitted_expiry(Some(d("2027-01-20")), three, d("2026-12-10")),
            Some(d("2029-12-09")),
            "from the decision"
        );
        assert_eq!(
            Procedure::Extension.permitted_expiry(Some(d("2027-01-20")), three, d("2026-12-10")),
            Some(d("2030-01-20"))
        );
        assert_eq!(p.claim_scope(), Procedure::Extension.claim_scope(), "one open application with an extension");
        assert_eq!((p.receipt_letters(), p.code()), ("ＣＨ", "change_of_status"));
    }

    /// The exclusions are dated: none before the day they apply from, each one on and after it; a question
    /// without a day counts them all. A status outside the 2019 online scope is never one a change starts
    /// from, and every procedure is named in the reader's language.
    #[test]
    fn a_change_s_exclusions_apply_from_their_day() {
        use StatusOfResidence as S;
        let held = |e: &ChangeExclusion| e.held;
        assert!(!excluded(S::Diplomat, Some(d("2020-02-29")), held), "not before its day");
        assert!(excluded(S::Diplomat, Some(d("2020-03-01")), held), "from its day");
        assert!(excluded(S::Diplomat, None, held));
        assert!(!excluded(S::Student, None, held), "a status not in the table");
        assert!(!Procedure::ChangeOfStatus.in_online_scope(S::PermanentResident), "outside the 2019 scope");
        assert!(Procedure::ChangeOfStatus.in_online_scope(S::Student));
        for p in Procedure::ALL {
            assert_eq!(p.label(crate::error::Language::Ja), p.label_ja());
            assert_eq!(p.label(crate::error::Language::En), p.label_en());
        }
    }

    /// The statuses a change cannot come from or go to online, as dated data; the same status is an
    /// extension, not a change.
    #[test]
    fn the_statuses_a_change_of_status_takes_online() {
        use StatusOfResidence as S;
        let today = d("2026-12-07");
        assert_eq!(Procedure::check_change(S::Student, S::EngineerHumanitiesInternational, today), Ok(()));
        let change = Procedure::ChangeOfStatus;
        assert!(change.may_seek(Some(S::Student), S::EngineerHumanitiesInternational, None));
        assert!(
            !change.may_seek(Some(S::Student), S::TemporaryVisitor, None)
                && !change.may_seek(Some(S::Student), S::Student, None)
        );
        assert!(change.may_seek(None, S::Student, None), "offered before the status held is known");
        assert!(!change.may_seek(Some(S::Diplomat), S::Student, Some(today)), "from an excluded status");
        assert_eq!(Procedure::check_change(S::Student, S::Student, today), Err(ChangeScopeError::SameStatus));
        for excluded in [S::TemporaryVisitor, S::Diplomat, S::DesignatedActivities] {
            assert_eq!(
                Procedure::check_change(excluded, S::Student, today),
                Err(ChangeScopeError::HeldExcluded(excluded))
            );
            assert_eq!(
                Procedure::check_change(S::Student, excluded, today),
                Err(ChangeScopeError::AskedExcluded(excluded))
            );
            assert!(!Procedure::ChangeOfStatus.in_online_scope(excluded));
        }
        // Outside the 2019 online scope (Q29) either way.
        assert_eq!(
            Procedure::check_change(S::PermanentResident, S::Student, today),
            Err(ChangeScopeError::HeldExcluded(S::PermanentResident))
        );
        assert_eq!(
            Procedure::check_change(S::Student, S::SpecifiedSkilledWorker1, today),
            Err(ChangeScopeError::AskedExcluded(S::SpecifiedSkilledWorker1))
        );
        for e in [
            ChangeScopeError::SameStatus,
            ChangeScopeError::HeldExcluded(S::Diplomat),
            ChangeScopeError::AskedExcluded(S::Diplomat),
        ] {
            assert!(e.rule().starts_with("change_of_status.") && e.message_ja().ends_with('。'));
        }
    }

    /// #35 item 5: each procedure's template lists the statuses of its screen that file it online: every one
    /// for an extension, those a change may ask for, those that can work for a work certificate — and a
    /// screen with none (students, dependants) has no work certificate template, said in words.
    #[test]
    fn each_procedure_s_template_lists_the_statuses_that_file_it() {
        use StatusOfResidence as S;
        for g in ScreenGroup::ALL {
            assert_eq!(Procedure::Extension.screen_statuses(g), g.statuses().collect::<Vec<_>>());
            assert!(Procedure::ChangeOfStatus.screen_statuses(g).iter().all(|s| Procedure::may_ask(*s)));
        }
        // The procedures that ask a status list those of their screens that may be asked online, and take no
        // other: a permanent resident's status, or designated activities, is never sought online.
        let all = |p: Procedure| ScreenGroup::ALL.into_iter().flat_map(|g| p.screen_statuses(g)).collect::<Vec<_>>();
        for p in [Procedure::ChangeOfStatus, Procedure::CertificateOfEligibility, Procedure::Acquisition] {
            let listed = all(p);
            assert!(listed.contains(&S::EngineerHumanitiesInternational) && listed.contains(&S::Student), "{p:?}");
            assert!(p.in_online_scope(S::Student), "{p:?}");
            for never in [S::PermanentResident, S::DesignatedActivities] {
                assert!(!listed.contains(&never) && !p.may_seek(None, never, None), "{p:?} {never:?}");
            }
        }
        for p in [Procedure::CertificateOfEligibility, Procedure::Acquisition] {
            assert!(!p.in_online_scope(S::PermanentResident) && !p.in_online_scope(S::DesignatedActivities));
        }
        let work = Procedure::WorkCertificate.screen_statuses(ScreenGroup::Work);
        assert!(work.contains(&S::EngineerHumanitiesInternational) && work.contains(&S::NursingCare));
        assert!(work.iter().all(|s| crate::work_certificate::check_status(*s).is_ok()));
        assert_eq!(Procedure::WorkCertificate.check_screen(ScreenGroup::Work), Ok(()));
        let e = Procedure::WorkCertificate.check_screen(ScreenGroup::Student).unwrap_err();
        assert_eq!(e, ScreenWithoutProcedure(Procedure::WorkCertificate, ScreenGroup::Student));
        assert_eq!(e.rule(), "screen_group.without_procedure");
        assert!(e.message_ja().contains("就労資格証明書交付申請") && e.to_string().contains("another input screen"));
        assert_eq!(Procedure::Extension.check_screen(ScreenGroup::Student), Ok(()));
    }

    /// A work certificate: filed while the stay runs, for a status that can work, its own fee and numbers and
    /// claim; it leaves the stay as it is and issues no card, so takes no photo.
    /// #35: who each procedure is for, and so which the List offers and blanket input takes; a status sought
    /// from abroad or as a first status is one in the online scope, not excluded on the day.
    #[test]
    fn each_procedure_knows_who_it_is_for_and_what_may_be_sought() {
        use crate::status_of_residence::StatusOfResidence as S;
        let residents: Vec<_> = Procedure::for_residents().collect();
        assert_eq!(residents, [Procedure::Extension, Procedure::ChangeOfStatus, Procedure::WorkCertificate]);
        assert_eq!(Procedure::by_blanket().collect::<Vec<_>>(), Procedure::OFFERED);
        assert_eq!(Procedure::CertificateOfEligibility.applicant(), Applicant::Abroad);
        assert_eq!(Procedure::Acquisition.applicant(), Applicant::WithoutStatus);
        assert!(
            Applicant::Resident.is_listed() && !Applicant::Abroad.is_listed() && !Applicant::WithoutStatus.is_listed()
        );
        assert!(Applicant::Resident.in_japan() && !Applicant::Abroad.in_japan() && Applicant::WithoutStatus.in_japan());
        let today = d("2026-11-27");
        for p in [Procedure::CertificateOfEligibility, Procedure::Acquisition] {
            // Nothing is held: the status held is not asked, whatever a form says of it.
            let held = Some(S::EngineerHumanitiesInternational);
            assert!(p.may_seek(None, S::EngineerHumanitiesInternational, Some(today)));
            assert!(p.may_seek(held, S::EngineerHumanitiesInternational, Some(today)), "{p:?}");
            assert!(!p.may_seek(None, S::TemporaryVisitor, Some(today)), "excluded");
            assert!(!p.may_seek(None, S::TemporaryVisitor, None), "excluded, on any day");
            assert!(!p.may_seek(None, S::PermanentResident, Some(today)), "outside the online scope");
            // Before an exclusion was in force, it did not apply (the scope is dated).
            assert!(p.may_seek(None, S::TemporaryVisitor, Some(d("2020-02-29"))) == S::TemporaryVisitor.is_online());
            assert_eq!(p.filing_window(d("2027-01-20"), PeriodOfStay::parse("1Y").unwrap()), None, "no stay times it");
            assert_eq!(p.fee(today, Channel::Online), None, "free");
        }
    }

    #[test]
    fn a_work_certificate_answers_as_its_rules_do() {
        let p = Procedure::WorkCertificate;
        let one_year = PeriodOfStay::parse("1Y").unwrap();
        assert_eq!(p.check_filing_window(d("2027-01-20"), one_year, d("2026-01-21")), Ok(()));
        assert!(p.check_filing_window(d("2027-01-20"), one_year, d("2027-01-20")).is_err());
        assert!(p.in_online_scope(StatusOfResidence::NursingCare) && !p.in_online_scope(StatusOfResidence::Student));
        assert_eq!(p.fee(d("2026-11-27"), Channel::Online), Some(1_600));
        assert_eq!(p.permitted_expiry(Some(d("2027-01-20")), one_year, d("2026-12-10")), Some(d("2027-01-20")));
        assert_ne!(p.claim_scope(), Procedure::Extension.claim_scope());
        assert!(!p.issues_card() && !p.needs_photo() && Procedure::Extension.needs_photo());
        // Why not online, in words: a student has no work to certify; a status outside the scope is that.
        let (ja, en) = p.why_not_online(StatusOfResidence::Student).unwrap();
        assert!(ja.contains("就労が認められていない") && en.starts_with("This status") && en.ends_with('.'), "{en}");
        assert_eq!(p.why_not_online(StatusOfResidence::NursingCare), None);
        let (_, en) = Procedure::Extension.why_not_online(StatusOfResidence::SpecifiedSkilledWorker1).unwrap();
        assert_eq!(en, "This status of residence cannot be filed online.");
        assert_eq!(Procedure::Extension.why_not_online(StatusOfResidence::Student), None);
        assert_eq!(p.issued(), ("就労資格証明書", "certificate of authorized employment"));
        assert_eq!(Procedure::ChangeOfStatus.issued(), ("在留カード", "residence card"));
        assert_eq!(
            (p.receipt_letters(), p.code(), p.template_code()),
            ("ＷＣ", "work_certificate", "work_certificate")
        );
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
        assert_eq!(
            p.permitted_expiry(Some(d("2027-01-20")), period, d("2026-12-10")),
            Some(d("2028-01-20")),
            "from the day after"
        );
        assert_eq!(p.permitted_expiry(Some(d("2028-02-28")), period, d("2026-12-10")), Some(d("2029-02-28")));
        // The claim already held by every open application in the store.
        assert_eq!(p.claim_scope(), "extension");
    }
}
