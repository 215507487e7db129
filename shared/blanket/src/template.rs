//! The blanket input template (Q40, Q41): one workbook per procedure type and input-screen group. It explains
//! itself: an instructions sheet (Japanese and English) with every column's rule, a header row in Japanese
//! and in English, a rules row marking the required columns, an input message on every column, lists for
//! every closed choice (prefectures included), an example sheet the reader never reads, and header rows
//! protected against deletion (the applicant cells stay open). Room for exactly 300 applicants.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatBorder, Formula, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};
use zairyu_domain::blanket::MAX_ROWS;
use zairyu_domain::form::PREFECTURES;
use zairyu_domain::office::OFFICE_TABLE;
use zairyu_domain::status_of_residence::ScreenGroup;

use crate::columns::{Column, Kind, Need, columns_of};
use zairyu_domain::procedure::Procedure;
use zairyu_domain::status_of_residence::StatusOfResidence;

pub const INSTRUCTIONS_SHEET: &str = "説明 Instructions";
pub const EXAMPLE_SHEET: &str = "記入例 Example";
pub const DATA_SHEET: &str = "申請 Applications";
pub const LISTS_SHEET: &str = "lists";
pub const META_SHEET: &str = "meta";
/// Rows 1–3 (1-based) are the headers and the rules; applicants start on row 4.
pub const FIRST_DATA_ROW: u32 = 3;
/// The procedure this template enters (decided with its columns).
pub use crate::columns::PROCEDURE;
/// 2: instructions, required marks, input messages, the example sheet, the prefecture list, protection.
/// 3: the form's labels (one registry with the page): the street is 町名・番地・建物名, the relatives'
/// question names the people living together too.
pub const TEMPLATE_VERSION: &str = "3";

/// A column's header (Japanese, English) in templates before version 3, where it differs from today's:
/// files made from them are still read.
pub fn earlier_header(key: &str) -> Option<(&'static str, &'static str)> {
    match key {
        "street" => Some(("町名・番地", "Street")),
        "relatives_in_japan" => Some(("在日親族の有無", "Relatives in Japan")),
        _ => None,
    }
}

/// The words a closed choice's list offers in the template, as the choice itself names them.
fn template_words(kind: Kind) -> Vec<&'static str> {
    kind.choices().iter().map(|c| c.template).collect()
}

/// The rule of a column as the template's third header row states it.
pub fn rule(kind: Kind) -> String {
    match kind {
        Kind::Text(n) => format!("{n}文字以内 / up to {n} characters"),
        Kind::Date => "例 1995/02/18、平成7年2月18日 / e.g. 1995/02/18".into(),
        // The words of its list (the reader takes them, and the page's words too).
        Kind::YesNo | Kind::Sex | Kind::ReceiptMethod | Kind::Delivery | Kind::Cause | Kind::ReEntry => {
            template_words(kind).join(" / ")
        }
        Kind::Status => "一覧から選択 / choose from the list".into(),
        Kind::Period => "例 1年6月、3年、90日 / e.g. 1年6月 (1Y6M)".into(),
        Kind::Office => "一覧から選択 / choose from the list".into(),
        Kind::CardNumber => "英字2桁+数字8桁+英字2桁 / AB12345678CD".into(),
        Kind::Email => "半角 / half-width".into(),
        Kind::Phone => "半角数字10〜11桁 / 10-11 digits".into(),
        Kind::Postcode => "半角数字7桁 / 7 digits".into(),
        Kind::Prefecture => "例 東京都 / e.g. 東京都".into(),
        // Chosen by the template itself, or the API's lists: never a column.
        Kind::Procedure | Kind::Procedures | Kind::Relatives => String::new(),
    }
}

/// The mark the rules row puts before a column's rule ("" for an optional column).
pub fn mark(need: Need) -> &'static str {
    match need {
        Need::Required => "【必須 required】",
        Need::OneOfPhones => "【電話番号か携帯電話番号のいずれか必須 telephone or mobile】",
        Need::IfYes(_) => "【「有」の場合必須 required if 有】",
        Need::Optional => "",
    }
}

/// A column's cell in the rules row: its mark if it must be filled, then its rule.
pub fn rules_row_text(column: &Column) -> String {
    format!("{}{}", mark(column.need()), rule(column.kind))
}

/// The rule the first templates stated where it differs from today's: files made from them are still read.
pub fn earlier_rule(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Date => Some("YYYYMMDD"),
        Kind::Period => Some("例 1Y, 6M, 90D / e.g. 1Y, 6M, 90D"),
        _ => None,
    }
}

/// The template for extensions of period of stay of one input-screen group, as xlsx bytes.
pub fn template(group: ScreenGroup) -> Result<Vec<u8>, XlsxError> {
    template_for(PROCEDURE, group)
}

/// The template of a procedure for one input-screen group (of the status held for an extension, of the
/// status asked for for a change), as xlsx bytes.
pub fn template_for(procedure: Procedure, group: ScreenGroup) -> Result<Vec<u8>, XlsxError> {
    workbook_for(procedure, group, &[])
}

/// An extension's template with applicant rows already in it ([`workbook_for`]).
pub fn workbook(group: ScreenGroup, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    workbook_for(PROCEDURE, group, rows)
}

/// The statuses a column of a procedure's template lists: the group's for the status that decides the
/// input screen (those a change may ask for, for a change), and for a change's status held every status a
/// change may be filed from.
fn listed_statuses(procedure: Procedure, group: ScreenGroup, field: &str) -> Vec<StatusOfResidence> {
    let screen = zairyu_domain::form::Field::deciding_screen(procedure).key() == field;
    StatusOfResidence::ALL
        .into_iter()
        .filter(|s| match (procedure, screen) {
            (_, true) => procedure.screen_statuses(group).contains(s),
            (Procedure::Extension | Procedure::WorkCertificate, false) => s.screen_group() == Some(group),
            (Procedure::ChangeOfStatus, false) => procedure.in_online_scope(*s),
            // A person abroad holds no status: no other status column.
            (Procedure::CertificateOfEligibility | Procedure::Acquisition, false) => false,
        })
        .collect()
}

/// The template with applicant rows already in it (cells in column order): what a user saves after
/// filling it in, and how a list of applications is handed back as a blanket file.
pub fn workbook_for(procedure: Procedure, group: ScreenGroup, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let cols = columns_of(procedure);
    let names = |list: Vec<StatusOfResidence>| -> Vec<&'static str> { list.iter().map(|s| s.info().name_ja).collect() };
    let statuses =
        names(listed_statuses(procedure, group, zairyu_domain::form::Field::deciding_screen(procedure).key()));
    // Lists column D: a change's status held (any a change may be filed from); unused by an extension's.
    let held: Vec<&str> = match procedure {
        Procedure::Extension
        | Procedure::WorkCertificate
        | Procedure::CertificateOfEligibility
        | Procedure::Acquisition => Vec::new(),
        Procedure::ChangeOfStatus => names(listed_statuses(procedure, group, "status_of_residence")),
    };
    let offices: Vec<&str> = OFFICE_TABLE.iter().map(|o| o.name_ja).collect();
    let prefectures: Vec<&str> = PREFECTURES.iter().map(|(ja, _)| *ja).collect();

    instructions(wb.add_worksheet(), procedure, group, cols, &statuses)?;
    {
        let ws = wb.add_worksheet();
        ws.set_name(DATA_SHEET)?;
        headers(ws, cols)?;
        // Every cell text: what the clerk types stays as typed (a telephone number's leading 0, a postcode).
        let open = Format::new().set_unlocked().set_num_format("@");
        for (c, column) in cols.iter().enumerate() {
            let c = column_index(c)?;
            ws.set_column_format(c, &open)?;
            let v = validation(procedure, column, [statuses.len(), offices.len(), prefectures.len(), held.len()])?;
            ws.add_data_validation(FIRST_DATA_ROW, c, LAST_DATA_ROW, c, &v)?;
        }
        for (r, cells) in rows.iter().enumerate() {
            let r = FIRST_DATA_ROW + u32::try_from(r).map_err(|_| XlsxError::ParameterError("too many rows".into()))?;
            for (c, value) in cells.iter().enumerate() {
                if !value.is_empty() {
                    ws.write_string_with_format(r, column_index(c)?, value, &open)?;
                }
            }
        }
        // The header rows cannot be deleted, changed or moved by accident; the applicant cells stay open.
        ws.protect_with_options(&ProtectionOptions {
            format_columns: true,
            format_rows: true,
            use_autofilter: true,
            ..ProtectionOptions::default()
        });
        ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
        ws.set_active(!rows.is_empty());
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(EXAMPLE_SHEET)?;
        ws.set_tab_color(Color::Gray);
        headers(ws, cols)?;
        for (c, column) in cols.iter().enumerate() {
            ws.write_string(FIRST_DATA_ROW, column_index(c)?, example(&column.field))?;
        }
        ws.write_string(
            FIRST_DATA_ROW + 1,
            0,
            "このシートは読み込まれません。「申請 Applications」シートに入力してください。 / This sheet is never read: enter applicants on the sheet \"申請 Applications\".",
        )?;
        ws.protect();
        ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    }
    {
        let lists = wb.add_worksheet();
        lists.set_name(LISTS_SHEET)?;
        for (column, items) in [&statuses, &offices, &prefectures, &held].into_iter().enumerate() {
            for (i, item) in items.iter().enumerate() {
                lists.write_string(i as u32, column_index(column)?, *item)?;
            }
        }
        lists.set_hidden(true);
    }
    {
        let meta = wb.add_worksheet();
        meta.set_name(META_SHEET)?;
        for (i, (k, v)) in
            [("procedure", procedure.template_code()), ("screen_group", group.code()), ("version", TEMPLATE_VERSION)]
                .iter()
                .enumerate()
        {
            meta.write_string(i as u32, 0, *k)?;
            meta.write_string(i as u32, 1, *v)?;
        }
        meta.set_hidden(true);
    }
    wb.save_to_buffer()
}

/// The last row (0-based) an applicant may be on.
const LAST_DATA_ROW: u32 = FIRST_DATA_ROW + MAX_ROWS as u32 - 1;

fn column_index(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))
}

/// The three header rows: Japanese, English, and the rules with the required marks (required columns
/// shaded as well).
fn headers(ws: &mut Worksheet, cols: &[Column]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin);
    let required = bold.clone().set_background_color(Color::RGB(0xFCE4D6));
    let rules = Format::new().set_text_wrap().set_font_size(9).set_border(FormatBorder::Thin);
    let rules_required = rules.clone().set_background_color(Color::RGB(0xFCE4D6)).set_font_color(Color::RGB(0xC00000));
    for (c, column) in cols.iter().enumerate() {
        let must = column.need() != Need::Optional;
        let c = column_index(c)?;
        ws.write_string_with_format(0, c, &column.ja, if must { &required } else { &bold })?;
        ws.write_string_with_format(1, c, &column.en, if must { &required } else { &bold })?;
        ws.write_string_with_format(2, c, rules_row_text(column), if must { &rules_required } else { &rules })?;
        ws.set_column_width(c, 18)?;
    }
    ws.set_row_height(2, 48)?;
    Ok(())
}

/// A column's validation: its list where the choice is closed, and in every case an input message with the
/// column's rule (shown when a cell is selected).
/// `lengths`: of the lists sheet's columns A (statuses of the screen), B (offices), C (prefectures), D (a
/// change's statuses held).
fn validation(procedure: Procedure, column: &Column, lengths: [usize; 4]) -> Result<DataValidation, XlsxError> {
    let [statuses, offices, prefectures, held] = lengths;
    let screen = zairyu_domain::form::Field::deciding_screen(procedure).key() == column.field;
    let list = |items: &[&str]| DataValidation::new().allow_list_strings(items);
    let range = |letter: char, n: usize| {
        DataValidation::new().allow_list_formula(Formula::new(format!("={LISTS_SHEET}!${letter}$1:${letter}${n}")))
    };
    let v = match column.kind {
        Kind::YesNo | Kind::Sex | Kind::ReceiptMethod | Kind::Delivery | Kind::Cause | Kind::ReEntry => {
            list(&template_words(column.kind))?
        }
        Kind::Status if screen || procedure == Procedure::Extension => range('A', statuses),
        Kind::Status => range('D', held),
        Kind::Office => range('B', offices),
        // A prefecture typed another way (Tokyo, 東京) is still read: a warning, not a stop.
        Kind::Prefecture => range('C', prefectures).set_error_style(DataValidationErrorStyle::Warning),
        _ => DataValidation::new().allow_any_value(),
    };
    let title: String = column.en.chars().take(32).collect();
    let mut message = format!("{}\n{}{}", column.ja, mark(column.need()), rule(column.kind));
    if message.encode_utf16().count() > 255 {
        message = message.chars().take(120).collect();
    }
    v.set_input_title(title)?.set_input_message(message)
}

/// The instructions sheet, in Japanese and English: how to fill the file in, and every column's rule.
fn instructions(
    ws: &mut Worksheet,
    procedure: Procedure,
    group: ScreenGroup,
    cols: &[Column],
    statuses: &[&str],
) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 34)?;
    ws.set_column_width(2, 34)?;
    ws.set_column_width(3, 22)?;
    ws.set_column_width(4, 48)?;
    ws.write_string_with_format(
        0,
        0,
        format!("{} 一括入力テンプレート（{}）", procedure.label_ja(), group.name_ja()),
        &title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!("Blanket input template: {} ({})", procedure.label_en().to_lowercase(), group.name_en()),
        &title,
    )?;
    let steps: [(&str, String); 10] = [
        (
            "「申請 Applications」シートの4行目から、1行に1人ずつ入力してください（1ファイル300人まで、303行目まで）。",
            "On the sheet \"申請 Applications\", enter one applicant per row from row 4 (at most 300 per file, up to row 303).".into(),
        ),
        (
            "1〜3行目の見出しは変更・削除しないでください（シートは保護されています）。見出しが変更されたファイルは受け付けられません。",
            "Do not change or delete the header rows 1–3 (the sheet is protected): a file whose headers were changed is refused.".into(),
        ),
        (
            "3行目に【必須】とある列は必ず入力してください。電話番号と携帯電話番号はいずれか一つを、「有」の場合必須の列は該当する場合に入力してください。",
            "Fill every column marked 【必須 required】; telephone or mobile, at least one; the columns \"required if 有\" when their yes/no column says 有.".into(),
        ),
        (
            "一覧から選ぶ列は、セルを選ぶと出る▼から選択してください。セルを選ぶと入力のしかたが表示されます。",
            "Where a column has a list, choose from the ▼ of the cell. Selecting a cell shows how to fill it in.".into(),
        ),
        (
            "日付は 1995/02/18、1995-02-18、19950218、平成7年2月18日、H7.2.18 のいずれの形でも入力できます。",
            "Dates may be typed as 1995/02/18, 1995-02-18, 19950218, 平成7年2月18日 or H7.2.18 (Excel date cells too).".into(),
        ),
        (
            "在留期間は「1年6月」「3年」「90日」のように入力してください。",
            "Periods of stay are written 1年6月, 3年, 90日 (1Y6M is accepted too).".into(),
        ),
        (
            match procedure {
                Procedure::Extension | Procedure::WorkCertificate => "1ファイルには、この入力画面の在留資格の人だけを入力してください（一覧のとおり）。",
                Procedure::ChangeOfStatus | Procedure::CertificateOfEligibility | Procedure::Acquisition => "1ファイルには、希望する在留資格がこの入力画面の在留資格である人だけを入力してください（一覧のとおり）。",
            },
            match procedure {
                Procedure::Extension | Procedure::WorkCertificate => format!("One file holds only people with a status of this input screen: {}.", statuses.join("、")),
                Procedure::ChangeOfStatus | Procedure::CertificateOfEligibility | Procedure::Acquisition => format!("One file holds only people asking for a status of this input screen: {}.", statuses.join("、")),
            },
        ),
        (
            "記入例は「記入例 Example」シートにあります。このシートと記入例は読み込まれません。",
            "An example row is on the sheet \"記入例 Example\"; it and this sheet are never read.".into(),
        ),
        (
            "Excelブック（.xlsx）形式で保存し、5MB以下のファイルをアップロードしてください。",
            "Save as an Excel workbook (.xlsx) of at most 5 MB and upload it.".into(),
        ),
        (
            "結果はメールと一括入力の画面でお知らせします。エラーのあった行は申請情報一覧に「エラー（一括登録）」として表示され、一件ずつ修正できます。すでに入力済みの同じ人の申請は、新しく作られず更新されます。",
            "The result comes by e-mail and on the blanket input screen. Rows with errors appear in the application list as \"Error (blanket registration)\" and are corrected one by one. A person who already has an entered application gets it updated, never a second one.".into(),
        ),
    ];
    let mut r = 3;
    ws.write_string_with_format(r, 0, "入力のしかた / How to fill it in", &bold)?;
    r += 1;
    for (i, (ja, en)) in steps.iter().enumerate() {
        ws.write_string(r, 0, format!("{}.", i + 1))?;
        ws.merge_range(r, 1, r, 4, ja, &wrap)?;
        ws.merge_range(r + 1, 1, r + 1, 4, en, &wrap)?;
        ws.set_row_height(r, 30)?;
        ws.set_row_height(r + 1, 30)?;
        r += 2;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "列ごとの入力のしかた / Every column", &bold)?;
    r += 1;
    for (c, text) in ["列 Col.", "見出し", "Header", "必須 Required", "入力のしかた / Rule"].iter().enumerate()
    {
        ws.write_string_with_format(r, column_index(c)?, *text, &bold)?;
    }
    r += 1;
    for (i, column) in cols.iter().enumerate() {
        let need = match column.need() {
            Need::Required => "必須 required",
            Need::OneOfPhones => "いずれか either",
            Need::IfYes(_) => "「有」なら if 有",
            Need::Optional => "任意 optional",
        };
        ws.write_string(r, 0, crate::columns::letters(i))?;
        ws.write_string(r, 1, &column.ja)?;
        ws.write_string(r, 2, &column.en)?;
        ws.write_string(r, 3, need)?;
        ws.write_string_with_format(r, 4, rule(column.kind), &wrap)?;
        r += 1;
    }
    ws.protect();
    ws.set_active(true);
    Ok(())
}

/// The example row's value of a column: one applicant as a clerk would type them.
fn example(field: &str) -> &'static str {
    match field {
        "re_entry" => "なし",
        "activity_outside_status" => "無",
        "nationality" => "ベトナム",
        "birth_date" => "1995/04/12",
        "name" => "NGUYEN,VAN,AN",
        "sex" => "男",
        "married" => "無",
        "occupation" => "システムエンジニア",
        "home_country_address" => "Ha Noi, Viet Nam",
        "postcode" => "1000013",
        "prefecture" => "東京都",
        "city" => "千代田区",
        "street" => "霞が関1-1-1",
        "mobile" => "09012345678",
        "passport_number" => "C1234567",
        "passport_expiry" => "2030/01/01",
        "status_of_residence" => "技術・人文知識・国際業務",
        "desired_status_of_residence" => "経営・管理",
        "period_of_stay" => "1年",
        "expiry_date" => "2027/01/20",
        "residence_card_number" => "AB12345678CD",
        "desired_period_of_stay" => "3年",
        "reason" => "引き続き同社で勤務するため",
        "work_activity" => "株式会社さくらシステムズ（東京都千代田区）でシステム開発に従事",
        "work_from" => "2027/01/04",
        "work_until" => "2027/01/20",
        "entry_date" => "2027/04/01",
        "port_of_entry" => "成田空港",
        "visa_post" => "在ベトナム日本国大使館",
        "acquisition_cause" => "出生",
        "acquisition_date" => "2026/11/10",
        "criminal_record" => "無",
        "relatives_in_japan" => "無",
        "receipt_method" => "郵送",
        "receiving_office" => "東京出入国在留管理局",
        "notice_email" => "an.nguyen@example.com",
        "kanji_name_petition" => "無",
        "in_japan" => "有",
        "applicant_requested" => "有",
        _ => "",
    }
}
