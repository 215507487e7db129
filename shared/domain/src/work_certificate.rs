//! The certificate of authorized employment (就労資格証明書交付申請, `oras-today.md` §2): a resident allowed
//! to work asks the office to certify the work they may do — the activity, for a period, for a purpose (a new
//! employer's, say). Its fee is [`crate::fees::Charge::WorkCertificate`]; the certificate is posted, or handed
//! over at the counter.

use crate::error::Localized;
use crate::status_of_residence::{StatusOfResidence, Work};

/// Why a certificate of authorized employment cannot be asked for online by a person of a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkCertificateRefused {
    #[error(
        "this status of residence does not allow work, so there is no work to certify; work under a permission for activity outside status is certified at the regional immigration office"
    )]
    CannotWork(StatusOfResidence),
    #[error("the work of designated activities is what the designation names: ask at the regional immigration office")]
    AsDesignated,
    #[error(
        "a certificate for this status of residence cannot be asked for online; ask at the regional immigration office"
    )]
    NotOnline(StatusOfResidence),
}

impl Localized for WorkCertificateRefused {
    fn rule(&self) -> &'static str {
        match self {
            Self::CannotWork(_) => "work_certificate.cannot_work",
            Self::AsDesignated => "work_certificate.as_designated",
            Self::NotOnline(_) => "work_certificate.not_online",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::CannotWork(s) => format!(
                "在留資格「{}」は就労が認められていないため、証明する活動がありません。資格外活動許可による活動の証明は、地方出入国在留管理官署の窓口で申請してください。",
                s.info().name_ja
            ),
            Self::AsDesignated => {
                "特定活動で就労できる活動は指定書によります。地方出入国在留管理官署の窓口で申請してください。".into()
            }
            Self::NotOnline(s) => format!(
                "在留資格「{}」の方の就労資格証明書はオンラインで申請できません。地方出入国在留管理官署の窓口で申請してください。",
                s.info().name_ja
            ),
        }
    }
}

/// Whether a person of `status` may ask for the certificate online: a status that allows work (within its
/// activities or any), in the online scope (Q29, as for the other procedures; our decision).
pub fn check_status(status: StatusOfResidence) -> Result<(), WorkCertificateRefused> {
    match status.work() {
        Work::NotAllowed => Err(WorkCertificateRefused::CannotWork(status)),
        Work::AsDesignated => Err(WorkCertificateRefused::AsDesignated),
        Work::Unrestricted | Work::WithinStatus if !status.is_online() => {
            Err(WorkCertificateRefused::NotOnline(status))
        }
        Work::Unrestricted | Work::WithinStatus => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StatusOfResidence as S;

    /// From the spec's side: a student or a dependent cannot work, so has nothing to certify online; an
    /// engineer can; designated activities go to the counter; a status outside the online scope too.
    #[test]
    fn a_work_certificate_is_for_a_status_that_can_work() {
        assert_eq!(check_status(S::EngineerHumanitiesInternational), Ok(()));
        assert_eq!(check_status(S::NursingCare), Ok(()));
        for cannot in [S::Student, S::Dependent, S::TemporaryVisitor, S::CulturalActivities, S::Trainee] {
            let e = check_status(cannot).unwrap_err();
            assert_eq!(e, WorkCertificateRefused::CannotWork(cannot));
            assert_eq!(e.rule(), "work_certificate.cannot_work");
            assert!(e.message_ja().contains(cannot.info().name_ja));
        }
        assert_eq!(check_status(S::DesignatedActivities), Err(WorkCertificateRefused::AsDesignated));
        assert_eq!(
            check_status(S::SpecifiedSkilledWorker1),
            Err(WorkCertificateRefused::NotOnline(S::SpecifiedSkilledWorker1))
        );
        assert_eq!(check_status(S::PermanentResident), Err(WorkCertificateRefused::NotOnline(S::PermanentResident)));
        // Every status allowed online is one that can work, and every refusal says why in both languages.
        for s in StatusOfResidence::ALL {
            match check_status(s) {
                Ok(()) => assert!(s.is_online() && matches!(s.work(), Work::WithinStatus | Work::Unrestricted)),
                Err(e) => assert!(e.message_ja().ends_with('。') && !e.to_string().is_empty()),
            }
        }
    }

    /// The statuses of Annexed Table II allow any work; those of Table I (3) and (4), none.
    #[test]
    fn what_work_each_status_allows() {
        assert_eq!(S::LongTermResident.work(), Work::Unrestricted);
        assert_eq!(S::Student.work(), Work::NotAllowed);
        assert_eq!(S::SkilledLabor.work(), Work::WithinStatus);
        assert_eq!(S::DesignatedActivities.work(), Work::AsDesignated);
    }
}
