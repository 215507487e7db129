//! Valid example inputs for tests across the workspace (enabled by the `fixtures` feature).

use crate::form::{ApplicationInput, Flag, RelativeInput};

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

/// The List of Affiliated Foreign Nationals entry of the person a form is for, exactly as the form says.
/// Built from the form, it cannot catch a rule that compares the form with the list: a test of such a rule
/// builds its list entry on its own (the rules issue replaces these uses).
pub fn listed_as(form: &crate::form::ApplicationForm) -> crate::organization::ForeignNational {
    crate::organization::ForeignNational {
        card_number: form.stay.card_number.clone(),
        name: form.name.clone(),
        nationality: crate::error::Text::parse("Viet Nam").unwrap_or_else(|_| unreachable!()),
        birth_date: form.birth_date,
        status: form.stay.status,
        period_of_stay: form.stay.period,
        expiry: form.stay.expiry,
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
