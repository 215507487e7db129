//! Japan's statuses of residence (Immigration Control Act, Annexed Tables I and II), as data: for each, its
//! names, whether the online procedure covers it (Q21, Q29, Q70), whether it has a period of stay that can
//! be extended, and the input-screen group the blanket template groups it by (Q40).
//!
//! This table is the one place the scope of the online procedure lives; widening the scope (as the agency
//! did when it added Specified Skilled Worker) is an edit of one line here.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;

/// The input screen an application uses. Applications of one blanket file share one group (Q40). The
/// grouping follows the agency's separate templates for work statuses, students, dependents, technical
/// interns, highly skilled professionals and "Official" (an inference from its published templates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScreenGroup {
    Work,
    HighlySkilled,
    TechnicalIntern,
    Student,
    Dependent,
    Official,
}

impl ScreenGroup {
    pub const ALL: [ScreenGroup; 6] =
        [Self::Work, Self::HighlySkilled, Self::TechnicalIntern, Self::Student, Self::Dependent, Self::Official];

    pub fn code(self) -> &'static str {
        match self {
            Self::Work => "work",
            Self::HighlySkilled => "highly_skilled",
            Self::TechnicalIntern => "technical_intern",
            Self::Student => "student",
            Self::Dependent => "dependent",
            Self::Official => "official",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Work => "Work statuses",
            Self::HighlySkilled => "Highly Skilled Professional",
            Self::TechnicalIntern => "Technical Intern Training",
            Self::Student => "Student",
            Self::Dependent => "Dependent",
            Self::Official => "Official",
        }
    }

    pub fn name_ja(self) -> &'static str {
        match self {
            Self::Work => "就労資格",
            Self::HighlySkilled => "高度専門職",
            Self::TechnicalIntern => "技能実習",
            Self::Student => "留学",
            Self::Dependent => "家族滞在",
            Self::Official => "公用",
        }
    }

    /// The statuses of residence entered on this screen.
    pub fn statuses(self) -> impl Iterator<Item = StatusOfResidence> {
        StatusOfResidence::ALL.into_iter().filter(move |s| s.info().screen_group == Some(self))
    }
}

/// What the table says of one status of residence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusInfo {
    pub status: StatusOfResidence,
    /// Stable code used in the API, the blanket files and the store.
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_ja: &'static str,
    /// Whether an extension of period of stay for this status may be filed online.
    pub online: bool,
    /// `false` for statuses without a period of stay to extend (permanent residents, HSP (ii)).
    pub has_period_of_stay: bool,
    /// The input screen; `Some` exactly for statuses the online procedure covers.
    pub screen_group: Option<ScreenGroup>,
}

macro_rules! statuses {
    ($($variant:ident => $code:literal, $en:literal, $ja:literal, online: $online:literal, period: $period:literal, group: $group:expr;)+) => {
        /// A status of residence.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(try_from = "String", into = "String")]
        pub enum StatusOfResidence { $($variant),+ }

        /// The table, in the order of the Act's Annexed Tables.
        pub const STATUS_TABLE: &[StatusInfo] = &[
            $(StatusInfo {
                status: StatusOfResidence::$variant,
                code: $code,
                name_en: $en,
                name_ja: $ja,
                online: $online,
                has_period_of_stay: $period,
                screen_group: $group,
            }),+
        ];

        impl StatusOfResidence {
            pub const ALL: [StatusOfResidence; [$(stringify!($variant)),+].len()] = [$(Self::$variant),+];
        }
    };
}

use ScreenGroup as G;

statuses! {
    // Annexed Table I (1)
    Diplomat => "diplomat", "Diplomat", "外交", online: false, period: true, group: None;
    Official => "official", "Official", "公用", online: true, period: true, group: Some(G::Official);
    Professor => "professor", "Professor", "教授", online: true, period: true, group: Some(G::Work);
    Artist => "artist", "Artist", "芸術", online: true, period: true, group: Some(G::Work);
    ReligiousActivities => "religious_activities", "Religious Activities", "宗教", online: true, period: true, group: Some(G::Work);
    Journalist => "journalist", "Journalist", "報道", online: true, period: true, group: Some(G::Work);
    // Annexed Table I (2)
    HighlySkilledProfessional1a => "highly_skilled_professional_1a", "Highly Skilled Professional (i)(a)", "高度専門職1号イ", online: true, period: true, group: Some(G::HighlySkilled);
    HighlySkilledProfessional1b => "highly_skilled_professional_1b", "Highly Skilled Professional (i)(b)", "高度専門職1号ロ", online: true, period: true, group: Some(G::HighlySkilled);
    HighlySkilledProfessional1c => "highly_skilled_professional_1c", "Highly Skilled Professional (i)(c)", "高度専門職1号ハ", online: true, period: true, group: Some(G::HighlySkilled);
    HighlySkilledProfessional2 => "highly_skilled_professional_2", "Highly Skilled Professional (ii)", "高度専門職2号", online: false, period: false, group: None;
    BusinessManager => "business_manager", "Business Manager", "経営・管理", online: true, period: true, group: Some(G::Work);
    LegalAccountingServices => "legal_accounting_services", "Legal/Accounting Services", "法律・会計業務", online: true, period: true, group: Some(G::Work);
    MedicalServices => "medical_services", "Medical Services", "医療", online: true, period: true, group: Some(G::Work);
    Researcher => "researcher", "Researcher", "研究", online: true, period: true, group: Some(G::Work);
    Instructor => "instructor", "Instructor", "教育", online: true, period: true, group: Some(G::Work);
    EngineerHumanitiesInternational => "engineer_humanities_international", "Engineer/Specialist in Humanities/International Services", "技術・人文知識・国際業務", online: true, period: true, group: Some(G::Work);
    IntraCompanyTransferee => "intra_company_transferee", "Intra-company Transferee", "企業内転勤", online: true, period: true, group: Some(G::Work);
    NursingCare => "nursing_care", "Nursing Care", "介護", online: true, period: true, group: Some(G::Work);
    Entertainer => "entertainer", "Entertainer", "興行", online: true, period: true, group: Some(G::Work);
    SkilledLabor => "skilled_labor", "Skilled Labor", "技能", online: true, period: true, group: Some(G::Work);
    // Not covered by the online procedure (Q29).
    SpecifiedSkilledWorker1 => "specified_skilled_worker_1", "Specified Skilled Worker (i)", "特定技能1号", online: false, period: true, group: None;
    SpecifiedSkilledWorker2 => "specified_skilled_worker_2", "Specified Skilled Worker (ii)", "特定技能2号", online: false, period: true, group: None;
    TechnicalInternTraining1a => "technical_intern_training_1a", "Technical Intern Training (i)(a)", "技能実習1号イ", online: true, period: true, group: Some(G::TechnicalIntern);
    TechnicalInternTraining1b => "technical_intern_training_1b", "Technical Intern Training (i)(b)", "技能実習1号ロ", online: true, period: true, group: Some(G::TechnicalIntern);
    TechnicalInternTraining2a => "technical_intern_training_2a", "Technical Intern Training (ii)(a)", "技能実習2号イ", online: true, period: true, group: Some(G::TechnicalIntern);
    TechnicalInternTraining2b => "technical_intern_training_2b", "Technical Intern Training (ii)(b)", "技能実習2号ロ", online: true, period: true, group: Some(G::TechnicalIntern);
    TechnicalInternTraining3a => "technical_intern_training_3a", "Technical Intern Training (iii)(a)", "技能実習3号イ", online: true, period: true, group: Some(G::TechnicalIntern);
    TechnicalInternTraining3b => "technical_intern_training_3b", "Technical Intern Training (iii)(b)", "技能実習3号ロ", online: true, period: true, group: Some(G::TechnicalIntern);
    // Annexed Table I (3)
    CulturalActivities => "cultural_activities", "Cultural Activities", "文化活動", online: false, period: true, group: None;
    TemporaryVisitor => "temporary_visitor", "Temporary Visitor", "短期滞在", online: false, period: true, group: None;
    // Annexed Table I (4)
    Student => "student", "Student", "留学", online: true, period: true, group: Some(G::Student);
    Trainee => "trainee", "Trainee", "研修", online: false, period: true, group: None;
    Dependent => "dependent", "Dependent", "家族滞在", online: true, period: true, group: Some(G::Dependent);
    // Annexed Table I (5)
    DesignatedActivities => "designated_activities", "Designated Activities", "特定活動", online: false, period: true, group: None;
    // Annexed Table II
    PermanentResident => "permanent_resident", "Permanent Resident", "永住者", online: false, period: false, group: None;
    SpouseOrChildOfJapaneseNational => "spouse_or_child_of_japanese_national", "Spouse or Child of Japanese National", "日本人の配偶者等", online: false, period: true, group: None;
    SpouseOrChildOfPermanentResident => "spouse_or_child_of_permanent_resident", "Spouse or Child of Permanent Resident", "永住者の配偶者等", online: false, period: true, group: None;
    LongTermResident => "long_term_resident", "Long-Term Resident", "定住者", online: false, period: true, group: None;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a status of residence")]
pub struct UnknownStatus(pub String);

impl Localized for UnknownStatus {
    fn rule(&self) -> &'static str {
        "status_of_residence.unknown"
    }
    fn message_ja(&self) -> String {
        format!("「{}」は在留資格として認識できません。", self.0)
    }
}

/// What work a status of residence allows (Immigration Control Act, art. 19 and its Annexed Tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Any work (Annexed Table II: permanent residents, spouses and children, long-term residents).
    Unrestricted,
    /// The work of the status's own activities (Annexed Table I (1), (2)).
    WithinStatus,
    /// None without a permission for activity outside status (Annexed Table I (3), (4)).
    NotAllowed,
    /// What the Minister designated for the person (Designated Activities): the designation decides.
    AsDesignated,
}

impl StatusOfResidence {
    /// What work the status allows.
    pub fn work(self) -> Work {
        match self {
            Self::PermanentResident
            | Self::SpouseOrChildOfJapaneseNational
            | Self::SpouseOrChildOfPermanentResident
            | Self::LongTermResident => Work::Unrestricted,
            Self::CulturalActivities | Self::TemporaryVisitor | Self::Student | Self::Trainee | Self::Dependent => {
                Work::NotAllowed
            }
            Self::DesignatedActivities => Work::AsDesignated,
            Self::Diplomat
            | Self::Official
            | Self::Professor
            | Self::Artist
            | Self::ReligiousActivities
            | Self::Journalist
            | Self::HighlySkilledProfessional1a
            | Self::HighlySkilledProfessional1b
            | Self::HighlySkilledProfessional1c
            | Self::HighlySkilledProfessional2
            | Self::BusinessManager
            | Self::LegalAccountingServices
            | Self::MedicalServices
            | Self::Researcher
            | Self::Instructor
            | Self::EngineerHumanitiesInternational
            | Self::IntraCompanyTransferee
            | Self::NursingCare
            | Self::Entertainer
            | Self::SkilledLabor
            | Self::SpecifiedSkilledWorker1
            | Self::SpecifiedSkilledWorker2
            | Self::TechnicalInternTraining1a
            | Self::TechnicalInternTraining1b
            | Self::TechnicalInternTraining2a
            | Self::TechnicalInternTraining2b
            | Self::TechnicalInternTraining3a
            | Self::TechnicalInternTraining3b => Work::WithinStatus,
        }
    }

    /// Supervising-organization type technical intern training (the "(b)" / ロ statuses): the organization
    /// of affiliation is the supervising organization, not the implementing one (Q1, Q17).
    pub fn is_supervised_intern_training(self) -> bool {
        matches!(
            self,
            Self::TechnicalInternTraining1b | Self::TechnicalInternTraining2b | Self::TechnicalInternTraining3b
        )
    }

    pub fn info(self) -> &'static StatusInfo {
        // The table is generated from the same list as the enum, in the same order.
        &STATUS_TABLE[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn is_online(self) -> bool {
        self.info().online
    }

    pub fn screen_group(self) -> Option<ScreenGroup> {
        self.info().screen_group
    }

    /// Reads a status from its code, its English name or its Japanese name (blanket files carry the
    /// Japanese name).
    pub fn parse(input: &str) -> Result<Self, UnknownStatus> {
        let s = input.trim();
        STATUS_TABLE
            .iter()
            .find(|i| i.code == s || i.name_ja == s || i.name_en.eq_ignore_ascii_case(s))
            .map(|i| i.status)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

impl fmt::Display for StatusOfResidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for StatusOfResidence {
    type Error = UnknownStatus;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<StatusOfResidence> for String {
    fn from(value: StatusOfResidence) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_and_the_enum_agree() {
        for (i, s) in StatusOfResidence::ALL.iter().enumerate() {
            assert_eq!(STATUS_TABLE[i].status, *s);
            assert_eq!(s.info().status, *s);
        }
        let codes: HashSet<_> = STATUS_TABLE.iter().map(|i| i.code).collect();
        let ja: HashSet<_> = STATUS_TABLE.iter().map(|i| i.name_ja).collect();
        assert_eq!(codes.len(), STATUS_TABLE.len());
        assert_eq!(ja.len(), STATUS_TABLE.len());
    }

    #[test]
    fn q29_specified_skilled_worker_is_not_covered() {
        assert!(!StatusOfResidence::SpecifiedSkilledWorker1.is_online());
        assert!(!StatusOfResidence::SpecifiedSkilledWorker2.is_online());
    }

    #[test]
    fn q70_official_is_covered() {
        assert!(StatusOfResidence::Official.is_online());
        assert_eq!(StatusOfResidence::Official.screen_group(), Some(ScreenGroup::Official));
    }

    #[test]
    fn never_covered_diplomat_temporary_visitor_and_statuses_without_a_period() {
        for s in [
            StatusOfResidence::Diplomat,
            StatusOfResidence::TemporaryVisitor,
            StatusOfResidence::PermanentResident,
            StatusOfResidence::HighlySkilledProfessional2,
        ] {
            assert!(!s.is_online(), "{s}");
        }
    }

    #[test]
    fn q40_covered_statuses_have_exactly_one_screen_group_and_others_none() {
        for info in STATUS_TABLE {
            assert_eq!(info.online, info.screen_group.is_some(), "{}", info.code);
            if info.online {
                assert!(info.has_period_of_stay, "{}", info.code);
            }
        }
        for g in ScreenGroup::ALL {
            assert!(g.statuses().count() > 0, "{g:?}");
        }
        assert!(ScreenGroup::Work.statuses().any(|s| s == StatusOfResidence::EngineerHumanitiesInternational));
        assert!(!ScreenGroup::Work.statuses().any(|s| s == StatusOfResidence::Student));
    }

    #[test]
    fn parse_by_code_english_or_japanese_name() {
        assert_eq!(StatusOfResidence::parse("student"), Ok(StatusOfResidence::Student));
        assert_eq!(StatusOfResidence::parse("留学"), Ok(StatusOfResidence::Student));
        assert_eq!(StatusOfResidence::parse("nursing care"), Ok(StatusOfResidence::NursingCare));
        assert!(StatusOfResidence::parse("astronaut").is_err());
        let json = serde_json::to_string(&StatusOfResidence::Official).unwrap();
        assert_eq!(json, "\"official\"");
    }

    #[test]
    fn q40_screen_groups_are_named_and_coded_and_an_unknown_status_is_named() {
        let codes: HashSet<&str> = ScreenGroup::ALL.iter().map(|g| g.code()).collect();
        assert_eq!(codes.len(), ScreenGroup::ALL.len());
        assert_eq!(
            (ScreenGroup::Work.code(), ScreenGroup::Work.name_en(), ScreenGroup::Work.name_ja()),
            ("work", "Work statuses", "就労資格")
        );
        for g in ScreenGroup::ALL {
            assert!(!g.name_en().is_empty() && !g.name_ja().is_ascii(), "{g:?}");
        }
        let e = UnknownStatus("Wizard".into());
        assert_eq!(e.rule(), "status_of_residence.unknown");
        assert!(e.message_ja().contains("Wizard"), "{}", e.message_ja());
        assert_eq!(StatusOfResidence::Student.to_string(), "student");
    }
}
