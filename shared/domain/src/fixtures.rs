//! Valid example inputs for tests across the workspace (enabled by the `fixtures` feature).

use crate::error::Text;
use crate::form::{ApplicationInput, Flag, RelativeInput, Sex};
use crate::jst::JstDate;
use crate::organization::ForeignNational;
use crate::period::PeriodOfStay;
use crate::status_of_residence::StatusOfResidence;
use crate::values::{NameOnCard, ResidenceCardNumber};

/// A complete, valid application for NGUYEN,VAN,AN (Engineer/Specialist in Humanities/International
/// Services, 1 year, expiring 2027-01-20): inside the filing window from 2026-10-20 to 2027-01-19.
pub fn application_input() -> ApplicationInput {
    ApplicationInput {
        procedures: vec!["extension".into()],
        nationality: "Viet Nam".into(),
        birth_date: "19950412".into(),
        name: "NGUYEN,VAN,AN".into(),
        sex: "男".into(),
        married: Flag::Text("無".into()),
        occupation: "Software engineer".into(),
        home_country_address: "12 Tran Hung Dao, Hoan Kiem, Ha Noi".into(),
        postcode: "100-0013".into(),
        prefecture: "東京都".into(),
        city: "千代田区".into(),
        street: "霞が関1-1-1".into(),
        telephone: String::new(),
        mobile: "090-1234-5678".into(),
        email: "an.nguyen@example.com".into(),
        passport_number: "C1234567".into(),
        passport_expiry: "20300101".into(),
        status_of_residence: "技術・人文知識・国際業務".into(),
        period_of_stay: "1Y".into(),
        expiry_date: "20270120".into(),
        residence_card_number: "AB12345678CD".into(),
        desired_period_of_stay: "3Y".into(),
        reason: "Continuing employment with Sakura Systems K.K.".into(),
        criminal_record: Flag::Bool(false),
        criminal_record_details: String::new(),
        relatives_in_japan: Flag::Bool(false),
        relatives: Vec::<RelativeInput>::new(),
        receipt_method: "post".into(),
        receiving_office: "tokyo".into(),
        notice_email: "an.nguyen@example.com".into(),
        kanji_name_petition: Flag::Bool(false),
        in_japan: Flag::Bool(true),
        applicant_requested: Flag::Bool(true),
    }
}

/// The List of Affiliated Foreign Nationals entry of NGUYEN,VAN,AN as the residence card shows it, written
/// out on its own (not copied from a form), so that a test edits the form and the list independently and
/// catches a rule that reads the wrong one. It matches [`application_input`] field by field.
pub fn list_entry() -> ForeignNational {
    fn ok<T, E>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|_| unreachable!("the fixture's values are valid"))
    }
    ForeignNational {
        card_number: ok(ResidenceCardNumber::parse("AB12345678CD")),
        name: ok(NameOnCard::parse("NGUYEN,VAN,AN")),
        nationality: ok(Text::parse("VIET NAM")),
        birth_date: ok(JstDate::parse("1995-04-12")),
        sex: Sex::Male,
        status: StatusOfResidence::EngineerHumanitiesInternational,
        period_of_stay: ok(PeriodOfStay::parse("1年")),
        expiry: ok(JstDate::parse("2027-01-20")),
        passport_number: None,
        passport_expiry: None,
        email: None,
        kanji_name_on_card: false,
    }
}

/// A valid relative in Japan.
pub fn relative_input() -> RelativeInput {
    RelativeInput {
        relationship: "Spouse".into(),
        name: "TRAN,THI,BINH".into(),
        birth_date: "1996-03-02".into(),
        nationality: "Viet Nam".into(),
        living_together: Flag::Text("有".into()),
        workplace_or_school: String::new(),
        residence_card_number: "CD87654321EF".into(),
    }
}
