//! The columns of the blanket template, once: the writer lays them out, the reader maps cells back to
//! the same `ApplicationInput` fields that single entry fills, so both go through one parser.

use zairyu_domain::form::{ApplicationInput, Flag, RelativeInput};

/// What a column accepts; the writer turns it into a rule text and, where Excel can, a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text(usize),
    Date,
    YesNo,
    Sex,
    Status,
    Period,
    Office,
    ReceiptMethod,
    ReEntry,
    CardNumber,
    Email,
    Phone,
    Postcode,
    Prefecture,
}

/// Whether a column must be filled: what the template marks and the instructions explain. Held to the
/// parser of single entry by a test (a required column left empty fails that column, an optional one
/// does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    /// Telephone or mobile: at least one of the two.
    OneOfPhones,
    /// Required when the yes/no column of this field (criminal record, relatives in Japan) says 有.
    IfYes(&'static str),
    Optional,
}

impl Need {
    /// The mark the rules row puts before a column's rule ("" for an optional column).
    pub fn mark(self) -> &'static str {
        match self {
            Self::Required => "【必須 required】",
            Self::OneOfPhones => "【電話番号か携帯電話番号のいずれか必須 telephone or mobile】",
            Self::IfYes(_) => "【「有」の場合必須 required if 有】",
            Self::Optional => "",
        }
    }
}

pub struct Column {
    /// The `ApplicationInput` field (or `relatives[i].field`), as violations name it.
    pub field: String,
    pub ja: String,
    pub en: String,
    pub kind: Kind,
}

fn col(field: &str, ja: &str, en: &str, kind: Kind) -> Column {
    Column { field: field.into(), ja: ja.into(), en: en.into(), kind }
}

pub const RELATIVES: usize = 6;

/// Every column, in the order of the agency's form.
/// Built once per process and shared: a file's reading, each of its rows and each error look them up.
pub fn columns() -> &'static [Column] {
    static COLUMNS: std::sync::OnceLock<Vec<Column>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(build_columns)
}

fn build_columns() -> Vec<Column> {
    use Kind::*;
    let mut c = vec![
        col("re_entry", "再入国許可（同時申請）", "Re-entry permission (with the extension)", ReEntry),
        col("activity_outside_status", "資格外活動許可（同時申請）", "Permission for activity outside status", YesNo),
        col("nationality", "国籍・地域", "Nationality/region", Text(60)),
        col("birth_date", "生年月日", "Date of birth", Date),
        col("name", "氏名（在留カードのとおり）", "Name (as on the residence card)", Text(80)),
        col("sex", "性別", "Sex", Sex),
        col("married", "配偶者の有無", "Married", YesNo),
        col("occupation", "職業", "Occupation", Text(60)),
        col("home_country_address", "本国における居住地", "Address in home country", Text(120)),
        col("postcode", "郵便番号", "Postcode", Postcode),
        col("prefecture", "都道府県", "Prefecture", Prefecture),
        col("city", "市区町村", "City", Text(120)),
        col("street", "町名・番地", "Street", Text(120)),
        col("telephone", "電話番号", "Telephone", Phone),
        col("mobile", "携帯電話番号", "Mobile", Phone),
        col("email", "メールアドレス", "E-mail", Email),
        col("passport_number", "旅券番号", "Passport number", Text(20)),
        col("passport_expiry", "旅券有効期限", "Passport expiry", Date),
        col("status_of_residence", "現に有する在留資格", "Current status of residence", Status),
        col("period_of_stay", "在留期間", "Period of stay", Period),
        col("expiry_date", "在留期間の満了日", "Expiry of the period of stay", Date),
        col("residence_card_number", "在留カード番号", "Residence card number", CardNumber),
        col("desired_period_of_stay", "希望する在留期間", "Desired period of stay", Period),
        col("reason", "更新の理由", "Reason for the extension", Text(1000)),
        col("criminal_record", "犯罪を理由とする処分の有無", "Criminal record", YesNo),
        col("criminal_record_details", "犯罪を理由とする処分の内容", "Criminal record details", Text(400)),
        col("relatives_in_japan", "在日親族の有無", "Relatives in Japan", YesNo),
    ];
    for i in 0..RELATIVES {
        let n = i + 1;
        let f = |name: &str| format!("relatives[{i}].{name}");
        c.push(Column {
            field: f("relationship"),
            ja: format!("在日親族{n} 続柄"),
            en: format!("Relative {n}: relationship"),
            kind: Kind::Text(20),
        });
        c.push(Column {
            field: f("name"),
            ja: format!("在日親族{n} 氏名"),
            en: format!("Relative {n}: name"),
            kind: Kind::Text(80),
        });
        c.push(Column {
            field: f("birth_date"),
            ja: format!("在日親族{n} 生年月日"),
            en: format!("Relative {n}: date of birth"),
            kind: Kind::Date,
        });
        c.push(Column {
            field: f("nationality"),
            ja: format!("在日親族{n} 国籍・地域"),
            en: format!("Relative {n}: nationality"),
            kind: Kind::Text(60),
        });
        c.push(Column {
            field: f("living_together"),
            ja: format!("在日親族{n} 同居の有無"),
            en: format!("Relative {n}: living together"),
            kind: Kind::YesNo,
        });
        c.push(Column {
            field: f("workplace_or_school"),
            ja: format!("在日親族{n} 勤務先・通学先"),
            en: format!("Relative {n}: workplace or school"),
            kind: Kind::Text(120),
        });
        c.push(Column {
            field: f("residence_card_number"),
            ja: format!("在日親族{n} 在留カード番号"),
            en: format!("Relative {n}: residence card number"),
            kind: Kind::CardNumber,
        });
    }
    c.extend([
        col("receipt_method", "在留カードの受領方法", "Receipt of the residence card", ReceiptMethod),
        col("receiving_office", "受領官署", "Receiving office", Office),
        col("notice_email", "通知先メールアドレス（申請人）", "Applicant's e-mail for notices", Email),
        col("kanji_name_petition", "漢字氏名併記の申出", "Petition to add the kanji name", YesNo),
        col("in_japan", "申請人が日本に在留している", "The applicant is in Japan", YesNo),
        col("applicant_requested", "申請人からの依頼", "Requested by the applicant", YesNo),
    ]);
    c
}

impl Column {
    /// Whether the column must be filled.
    pub fn need(&self) -> Need {
        match self.field.as_str() {
            "re_entry" | "activity_outside_status" | "email" | "kanji_name_petition" => Need::Optional,
            "telephone" | "mobile" => Need::OneOfPhones,
            "criminal_record_details" => Need::IfYes("criminal_record"),
            f if f.starts_with("relatives[") => Need::IfYes("relatives_in_japan"),
            _ => Need::Required,
        }
    }
}

/// The Excel column letters of a 0-based index (0 → A, 26 → AA).
pub fn letters(mut index: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.iter().rev().collect()
}

/// Reads a row's cells (by column) into the input single entry uses.
pub fn row_input(cells: &[String]) -> ApplicationInput {
    let mut input = ApplicationInput { relatives: Vec::new(), ..ApplicationInput::default() };
    let mut relatives = vec![RelativeInput::default(); RELATIVES];
    let mut re_entry = String::new();
    let mut activity = String::new();
    for (column, value) in columns().iter().zip(cells.iter().chain(std::iter::repeat(&String::new()))) {
        let v = value.trim().to_owned();
        let flag = || Flag::Text(v.clone());
        match column.field.as_str() {
            "re_entry" => re_entry = v,
            "activity_outside_status" => activity = v,
            "nationality" => input.nationality = v,
            "birth_date" => input.birth_date = v,
            "name" => input.name = v,
            "sex" => input.sex = v,
            "married" => input.married = flag(),
            "occupation" => input.occupation = v,
            "home_country_address" => input.home_country_address = v,
            "postcode" => input.postcode = v,
            "prefecture" => input.prefecture = v,
            "city" => input.city = v,
            "street" => input.street = v,
            "telephone" => input.telephone = v,
            "mobile" => input.mobile = v,
            "email" => input.email = v,
            "passport_number" => input.passport_number = v,
            "passport_expiry" => input.passport_expiry = v,
            "status_of_residence" => input.status_of_residence = v,
            "period_of_stay" => input.period_of_stay = v,
            "expiry_date" => input.expiry_date = v,
            "residence_card_number" => input.residence_card_number = v,
            "desired_period_of_stay" => input.desired_period_of_stay = v,
            "reason" => input.reason = v,
            "criminal_record" => input.criminal_record = flag(),
            "criminal_record_details" => input.criminal_record_details = v,
            "relatives_in_japan" => input.relatives_in_japan = flag(),
            "receipt_method" => input.receipt_method = v,
            "receiving_office" => input.receiving_office = v,
            "notice_email" => input.notice_email = v,
            "kanji_name_petition" => input.kanji_name_petition = flag(),
            "in_japan" => input.in_japan = flag(),
            "applicant_requested" => input.applicant_requested = flag(),
            other => {
                if let Some((i, name)) = other.strip_prefix("relatives[").and_then(|r| r.split_once("].")) {
                    let r = &mut relatives[i.parse::<usize>().unwrap_or(0).min(RELATIVES - 1)];
                    match name {
                        "relationship" => r.relationship = v,
                        "name" => r.name = v,
                        "birth_date" => r.birth_date = v,
                        "nationality" => r.nationality = v,
                        "living_together" => r.living_together = flag(),
                        "workplace_or_school" => r.workplace_or_school = v,
                        _ => r.residence_card_number = v,
                    }
                }
            }
        }
    }
    input.relatives = relatives.into_iter().filter(|r| *r != RelativeInput::default()).collect();
    input.procedures = vec!["extension".into()];
    match re_entry.as_str() {
        "一回限り" | "single" => input.procedures.push("re_entry_single".into()),
        "数次" | "multiple" => input.procedures.push("re_entry_multiple".into()),
        "" | "なし" | "none" => {}
        other => input.procedures.push(other.to_owned()),
    }
    match Flag::Text(activity.clone()).parse() {
        Ok(true) => input.procedures.push("activity_outside_status".into()),
        Ok(false) => {}
        // Named as typed, so the procedures error says what was not understood.
        Err(_) if !activity.is_empty() => input.procedures.push(format!("activity_outside_status={activity}")),
        Err(_) => {}
    }
    input
}

fn flag_text(f: &Flag) -> String {
    match f {
        Flag::Bool(true) => "有".into(),
        Flag::Bool(false) => "無".into(),
        Flag::Text(t) => t.clone(),
    }
}

/// The cells of a row for an input: the inverse of [`row_input`].
pub fn input_cells(input: &ApplicationInput) -> Vec<String> {
    columns()
        .iter()
        .map(|c| match c.field.as_str() {
            "re_entry" => {
                if input.procedures.iter().any(|p| p == "re_entry_single") {
                    "一回限り".into()
                } else if input.procedures.iter().any(|p| p == "re_entry_multiple") {
                    "数次".into()
                } else {
                    "なし".into()
                }
            }
            "activity_outside_status" => {
                if input.procedures.iter().any(|p| p == "activity_outside_status") {
                    "有".into()
                } else {
                    "無".into()
                }
            }
            "nationality" => input.nationality.clone(),
            "birth_date" => input.birth_date.clone(),
            "name" => input.name.clone(),
            "sex" => input.sex.clone(),
            "married" => flag_text(&input.married),
            "occupation" => input.occupation.clone(),
            "home_country_address" => input.home_country_address.clone(),
            "postcode" => input.postcode.clone(),
            "prefecture" => input.prefecture.clone(),
            "city" => input.city.clone(),
            "street" => input.street.clone(),
            "telephone" => input.telephone.clone(),
            "mobile" => input.mobile.clone(),
            "email" => input.email.clone(),
            "passport_number" => input.passport_number.clone(),
            "passport_expiry" => input.passport_expiry.clone(),
            "status_of_residence" => input.status_of_residence.clone(),
            "period_of_stay" => input.period_of_stay.clone(),
            "expiry_date" => input.expiry_date.clone(),
            "residence_card_number" => input.residence_card_number.clone(),
            "desired_period_of_stay" => input.desired_period_of_stay.clone(),
            "reason" => input.reason.clone(),
            "criminal_record" => flag_text(&input.criminal_record),
            "criminal_record_details" => input.criminal_record_details.clone(),
            "relatives_in_japan" => flag_text(&input.relatives_in_japan),
            "receipt_method" => match input.receipt_method.as_str() {
                "post" => "郵送".into(),
                "counter" => "窓口".into(),
                other => other.to_owned(),
            },
            "receiving_office" => input.receiving_office.clone(),
            "notice_email" => input.notice_email.clone(),
            "kanji_name_petition" => flag_text(&input.kanji_name_petition),
            "in_japan" => flag_text(&input.in_japan),
            "applicant_requested" => flag_text(&input.applicant_requested),
            other => other
                .strip_prefix("relatives[")
                .and_then(|r| r.split_once("]."))
                .and_then(|(i, name)| {
                    let r = input.relatives.get(i.parse::<usize>().ok()?)?;
                    Some(match name {
                        "relationship" => r.relationship.clone(),
                        "name" => r.name.clone(),
                        "birth_date" => r.birth_date.clone(),
                        "nationality" => r.nationality.clone(),
                        "living_together" => flag_text(&r.living_together),
                        "workplace_or_school" => r.workplace_or_school.clone(),
                        _ => r.residence_card_number.clone(),
                    })
                })
                .unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
    }

    /// The marks say what the parser of single entry requires: a valid row with a required column emptied
    /// fails on that column (on telephone when both phones are empty), with an optional one it passes.
    #[test]
    fn required_marks_are_the_parser_s_rules() {
        use zairyu_domain::form::ApplicationForm;
        use zairyu_domain::jst::JstDate;
        let today = JstDate::parse("2026-11-27").unwrap();
        let mut input = zairyu_domain::fixtures::application_input();
        input.expiry_date = "20270115".into();
        input.telephone = String::new();
        let base = input_cells(&input);
        assert!(ApplicationForm::parse(&row_input(&base), today).is_ok());
        let failing = |cells: &[String]| -> Vec<String> {
            ApplicationForm::parse(&row_input(cells), today)
                .err()
                .map(|v| v.0.iter().map(|x| x.field.clone()).collect())
                .unwrap_or_default()
        };
        let cols = columns();
        for (i, c) in cols.iter().enumerate() {
            let mut cells = base.clone();
            cells[i] = String::new();
            match c.need() {
                Need::Required => assert_eq!(failing(&cells), vec![c.field.clone()], "{} is required", c.field),
                Need::OneOfPhones if c.field == "mobile" => {
                    assert_eq!(failing(&cells), vec!["telephone".to_owned()], "no phone at all")
                }
                Need::Optional | Need::OneOfPhones => {
                    assert!(failing(&cells).is_empty(), "{} is optional: {:?}", c.field, failing(&cells))
                }
                Need::IfYes(flag) => {
                    // Empty while its flag says 無: fine. Said 有 with nothing filled: that fails.
                    assert!(failing(&cells).is_empty(), "{}", c.field);
                    let mut yes = base.clone();
                    yes[cols.iter().position(|f| f.field == flag).unwrap()] = "有".into();
                    assert!(!failing(&yes).is_empty(), "{flag} = 有 needs {}", c.field);
                }
            }
        }
    }

    #[test]
    fn fields_are_unique() {
        let cols = columns();
        let mut names: Vec<_> = cols.iter().map(|c| c.field.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), cols.len());
    }
}
