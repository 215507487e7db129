//! The List of Affiliated Foreign Nationals as an office keeps it in a spreadsheet (#18 item 3, Q80), saved
//! as CSV (UTF-8, as spreadsheet programs save "CSV UTF-8"): a header row naming the columns of
//! [`COLUMNS`] in their order, then one person a row. Read whole before anything is stored, with bounds on
//! its size, rows and cells, so that no file can exhaust memory; every refusal names the row and the column.

use zairyu_domain::error::{Collector, Localized, Violations};
use zairyu_domain::organization::ForeignNational;

use super::ForeignNationalInput;

/// The columns of the file, in their order: the field, its Japanese and its English header.
pub const COLUMNS: [(&str, &str, &str); 12] = [
    ("residence_card_number", "在留カード番号", "Residence card number"),
    ("name", "氏名", "Name"),
    ("nationality", "国籍・地域", "Nationality"),
    ("birth_date", "生年月日", "Date of birth"),
    ("sex", "性別", "Sex"),
    ("status_of_residence", "在留資格", "Status of residence"),
    ("period_of_stay", "在留期間", "Period of stay"),
    ("expiry_date", "在留期間の満了日", "Expiry date"),
    ("passport_number", "旅券番号", "Passport number"),
    ("passport_expiry", "旅券の有効期限", "Passport expiry date"),
    ("email", "メールアドレス", "E-mail address"),
    ("kanji_name_on_card", "漢字氏名の併記", "Kanji name on the card"),
];

/// A file of at most this many bytes.
pub const MAX_BYTES: usize = 1 << 20;
/// At most this many people in one file.
pub const MAX_ROWS: usize = 1_000;
/// No cell of the list is longer than this many characters.
const MAX_CELL: usize = 200;

/// Why a file is refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListFileError {
    #[error("the file is larger than 1 MB")]
    TooLarge,
    #[error("the file is not text in UTF-8: save it from the spreadsheet program as \"CSV UTF-8\"")]
    NotUtf8,
    #[error("the file is empty: the first row names the columns, each row after it is one person")]
    Empty,
    #[error("the first row must name the columns, in this order: {0}")]
    Header(String),
    #[error("the file has more than 1,000 people; split it")]
    TooManyRows,
    #[error("row {0} has a quotation mark that is never closed")]
    UnclosedQuote(usize),
    #[error("row {row} has {found} columns; the list has {expected}")]
    Columns { row: usize, found: usize, expected: usize },
    #[error("row {0} has a cell longer than 200 characters")]
    CellTooLong(usize),
}

impl Localized for ListFileError {
    fn rule(&self) -> &'static str {
        match self {
            Self::TooLarge => "list_file.too_large",
            Self::NotUtf8 => "list_file.not_utf8",
            Self::Empty => "list_file.empty",
            Self::Header(_) => "list_file.header",
            Self::TooManyRows => "list_file.too_many_rows",
            Self::UnclosedQuote(_) => "list_file.unclosed_quote",
            Self::Columns { .. } => "list_file.columns",
            Self::CellTooLong(_) => "list_file.cell_too_long",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::TooLarge => "ファイルが1MBを超えています。".into(),
            Self::NotUtf8 => {
                "UTF-8のテキストではありません。表計算ソフトから「CSV UTF-8（コンマ区切り）」で保存してください。"
                    .into()
            }
            Self::Empty => "ファイルが空です。1行目に列名、2行目から1行に1人を記載してください。".into(),
            Self::Header(_) => format!("1行目には列名を次の順に記載してください：{}", header_ja()),
            Self::TooManyRows => "1つのファイルに記載できるのは1,000人までです。分けてください。".into(),
            Self::UnclosedQuote(row) => format!("{row}行目に閉じられていない引用符（\"）があります。"),
            Self::Columns { row, found, expected } => {
                format!("{row}行目の列の数が{found}です。一覧の列は{expected}です。")
            }
            Self::CellTooLong(row) => format!("{row}行目に200文字を超えるセルがあります。"),
        }
    }
}

fn header_ja() -> String {
    COLUMNS.iter().map(|(_, ja, _)| *ja).collect::<Vec<_>>().join(",")
}

/// The header row in English, for the message and the template.
pub fn header_en() -> String {
    COLUMNS.iter().map(|(_, _, en)| *en).collect::<Vec<_>>().join(",")
}

/// The file an office fills in: a byte-order mark (so that spreadsheet programs read it as UTF-8), the
/// header row in Japanese and in English (either is read back), and no person.
pub fn template() -> Vec<u8> {
    format!("\u{feff}{}\r\n", header_ja()).into_bytes()
}

/// The list as a file of this same form, to keep or to compare a blanket file with: the header in the
/// reader's language, then one person a row with every field of the card, each written as the reader
/// reads it back (dates `YYYY-MM-DD`, the status and the period in words). A cell that a spreadsheet
/// would take for a formula is written as text (a leading apostrophe).
pub fn file(people: &[ForeignNational], lang: zairyu_domain::error::Language) -> Vec<u8> {
    use zairyu_domain::error::Language;
    use zairyu_domain::form::field::Kind;
    let header: Vec<&str> = COLUMNS.iter().map(|(_, ja, en)| if lang == Language::Ja { *ja } else { *en }).collect();
    let mut out = format!("\u{feff}{}\r\n", header.join(","));
    for p in people {
        let sex = match p.sex {
            zairyu_domain::form::Sex::Male => "male",
            zairyu_domain::form::Sex::Female => "female",
        };
        let cells = [
            p.card_number.to_string(),
            p.name.to_string(),
            p.nationality.to_string(),
            p.birth_date.to_string(),
            Kind::Sex.answer(sex, lang),
            Kind::Status.answer(p.status.code(), lang),
            p.period_of_stay.words(lang),
            p.expiry.to_string(),
            p.passport_number.as_ref().map(ToString::to_string).unwrap_or_default(),
            p.passport_expiry.map(|d| d.to_string()).unwrap_or_default(),
            p.email.as_ref().map(ToString::to_string).unwrap_or_default(),
            Kind::YesNo.answer(if p.kanji_name_on_card { "yes" } else { "no" }, lang),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One cell of CSV: quoted where it holds a comma, a quote or a line break; a leading `=`, `+`, `-`, `@`
/// (a formula to a spreadsheet) made text by an apostrophe.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// A cell as written by [`csv_cell`]: the apostrophe that kept a formula as text is not part of it.
fn unescaped(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// A `yes`/`no` cell (はい/いいえ, 有/無, ○, 1/0, true/false; empty is no).
#[derive(Debug, thiserror::Error)]
#[error("enter yes or no")]
struct YesNo;

impl Localized for YesNo {
    fn rule(&self) -> &'static str {
        "list_file.yes_no"
    }
    fn message_ja(&self) -> String {
        "「はい」か「いいえ」を入力してください。".into()
    }
}

fn yes_no(cell: &str) -> Result<bool, YesNo> {
    if cell.trim().is_empty() {
        return Ok(false);
    }
    match zairyu_domain::choice::find(zairyu_domain::choice::YES_NO, cell) {
        Some(c) => Ok(c.code == "yes"),
        None => Err(YesNo),
    }
}

/// The rows of CSV text: cells split at commas outside quotes, `""` a quote inside them, a line ending
/// (LF or CRLF) outside quotes ending the row. Each row with the line it starts on.
fn rows(text: &str) -> Result<Vec<(usize, Vec<String>)>, ListFileError> {
    let mut out = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let (mut line, mut starts, mut quoted) = (1usize, 1usize, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c);
            }
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                row.push(std::mem::take(&mut cell));
                push_row(&mut out, starts, std::mem::take(&mut row));
                line += 1;
                starts = line;
            }
            (false, c) => cell.push(c),
        }
        if cell.chars().count() > MAX_CELL {
            return Err(ListFileError::CellTooLong(starts));
        }
        if out.len() > MAX_ROWS + 1 {
            return Err(ListFileError::TooManyRows);
        }
    }
    if quoted {
        return Err(ListFileError::UnclosedQuote(starts));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        push_row(&mut out, starts, row);
    }
    Ok(out)
}

/// A row kept, unless its cells are all empty: a blank line (a spreadsheet's trailing lines) is no person,
/// and counts towards no limit.
fn push_row(out: &mut Vec<(usize, Vec<String>)>, starts: usize, row: Vec<String>) {
    if row.iter().any(|c| !c.trim().is_empty()) {
        out.push((starts, row));
    }
}

/// One person's row as typed: its line, the fields, and the kanji column's cell (read as yes or no with
/// the rest of the row's fields, so that its error is one more of the row's).
struct TypedRow {
    row: usize,
    input: ForeignNationalInput,
    kanji: String,
}

/// The rows of a list file, checked as a whole (size, encoding, header, rows and columns).
fn read(bytes: &[u8]) -> Result<Vec<TypedRow>, ListFileError> {
    if bytes.len() > MAX_BYTES {
        return Err(ListFileError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ListFileError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = rows(text)?.into_iter();
    let (_, header) = rows.next().ok_or(ListFileError::Empty)?;
    let typed: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let named = |pick: fn(&(&'static str, &'static str, &'static str)) -> &'static str| {
        typed.len() == COLUMNS.len() && typed.iter().zip(&COLUMNS).all(|(t, c)| *t == pick(c).to_lowercase())
    };
    if !(named(|c| c.1) || named(|c| c.2) || named(|c| c.0)) {
        return Err(ListFileError::Header(header_en()));
    }
    let people: Vec<_> = rows.collect();
    if people.is_empty() {
        return Err(ListFileError::Empty);
    }
    if people.len() > MAX_ROWS {
        return Err(ListFileError::TooManyRows);
    }
    people
        .into_iter()
        .map(|(row, cells)| {
            let cells: Vec<String> = cells.into_iter().map(|c| unescaped(&c)).collect();
            let [card, name, nationality, birth, sex, status, period, expiry, passport, passport_expiry, email, kanji] =
                <[String; COLUMNS.len()]>::try_from(cells).map_err(|cells| ListFileError::Columns {
                    row,
                    found: cells.len(),
                    expected: COLUMNS.len(),
                })?;
            let input = ForeignNationalInput {
                residence_card_number: card,
                name,
                nationality,
                birth_date: birth,
                sex,
                status_of_residence: status,
                period_of_stay: period,
                expiry_date: expiry,
                passport_number: passport,
                passport_expiry,
                email,
                kanji_name_on_card: false,
            };
            Ok(TypedRow { row, input, kanji })
        })
        .collect()
}

/// The people of a list file, or why not: the file as a whole (`Err(Err(_))`), or every error of every row,
/// each field named `row N: field` (`Err(Ok(_))`). Nothing is stored unless every row reads; a card
/// number twice in one file is an error of its second row.
pub fn parse(bytes: &[u8]) -> Result<Vec<ForeignNational>, Result<Violations, ListFileError>> {
    let typed = read(bytes).map_err(Err)?;
    let mut c = Collector::new();
    let mut people = Vec::with_capacity(typed.len());
    let mut seen = std::collections::HashSet::new();
    for TypedRow { row, mut input, kanji } in typed {
        input.kanji_name_on_card = c.take(format!("row {row}: kanji_name_on_card"), yes_no(&kanji)).unwrap_or(false);
        match input.parse() {
            Ok(person) if !seen.insert(person.card_number.clone()) => {
                c.push(format!("row {row}: residence_card_number"), &Repeated);
            }
            Ok(person) => people.push(person),
            Err(v) => c.extend(&format!("row {row}: "), v),
        }
    }
    c.finish(|| Some(people)).map_err(Ok)
}

/// A person twice in one file.
#[derive(Debug, thiserror::Error)]
#[error("this residence card number is on an earlier row of the file too")]
struct Repeated;

impl Localized for Repeated {
    fn rule(&self) -> &'static str {
        "list_file.repeated"
    }
    fn message_ja(&self) -> String {
        "この在留カード番号は、ファイルの前の行にもあります。".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "在留カード番号,氏名,国籍・地域,生年月日,性別,在留資格,在留期間,在留期間の満了日,旅券番号,旅券の有効期限,メールアドレス,漢字氏名の併記";

    fn file(rows: &[&str]) -> Vec<u8> {
        let mut s = format!("\u{feff}{HEADER}\r\n");
        for r in rows {
            s.push_str(r);
            s.push_str("\r\n");
        }
        s.into_bytes()
    }

    /// The list written as a file reads back as the same people, in either language.
    #[test]
    fn the_list_as_a_file_reads_back() {
        let people = parse(&file(&[OKAFOR, "YZ34567890AB,\"DIALLO,SEKOU\",=cmd,1991-02-03,女,留学,1年6か月,2027-01-31,C1234567,2030-01-01,d@example.com,はい"])).unwrap();
        for lang in [zairyu_domain::error::Language::Ja, zairyu_domain::error::Language::En] {
            let written = super::file(&people, lang);
            assert_eq!(parse(&written).unwrap(), people, "{}", String::from_utf8_lossy(&written));
        }
        let en = String::from_utf8(super::file(&people, zairyu_domain::error::Language::En)).unwrap();
        assert!(en.contains("\"OKAFOR,CHIDI\",Nigeria,1990-02-28,Male,Engineer/Specialist in Humanities/International Services,3 years,2027-01-31"), "{en}");
        assert!(en.contains(",'=cmd,"), "a formula is written as text: {en}");
    }

    const OKAFOR: &str =
        "QR12345678ST,\"OKAFOR,CHIDI\",Nigeria,1990/02/28,男,技術・人文知識・国際業務,3Y,2027-01-31,,,,いいえ";

    #[test]
    fn a_file_saved_as_csv_utf_8_reads_with_quotes_and_either_header() {
        let people = parse(&file(&[OKAFOR, ",,,,,,,,,,,"])).unwrap();
        assert_eq!(people.len(), 1, "the empty trailing row is no person");
        assert_eq!(people[0].name.to_string(), "OKAFOR,CHIDI");
        assert!(!people[0].kanji_name_on_card);
        let english = format!("{}\n{}\n", header_en(), OKAFOR.replace("いいえ", "yes"));
        let people = parse(english.as_bytes()).unwrap();
        assert!(people[0].kanji_name_on_card);
        let quoted = format!(
            "{HEADER}\n\"QR12345678ST\",\"OKAFOR,\"\"CHIDI\"\"\",Nigeria,19900228,male,engineer_humanities_international,3Y,2027-01-31,,,,\n"
        );
        let err = parse(quoted.as_bytes()).unwrap_err().unwrap();
        assert!(err.iter().any(|v| v.field == "row 2: name"), "a quote is no letter of a name: {err:?}");
    }

    #[test]
    fn every_error_of_every_row_is_named_and_nothing_is_parsed() {
        let bad =
            "QR12345678ST,\"OKAFOR,CHIDI\",Nigeria,1990-02-30,X,技術・人文知識・国際業務,3 decades,2027-01-31,,,,maybe";
        let err = parse(&file(&[OKAFOR, bad, OKAFOR])).unwrap_err().unwrap();
        let fields: Vec<&str> = err.iter().map(|v| v.field.as_str()).collect();
        for f in [
            "row 3: birth_date",
            "row 3: sex",
            "row 3: period_of_stay",
            "row 3: kanji_name_on_card",
            "row 4: residence_card_number",
        ] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
    }

    #[test]
    fn a_file_that_is_not_the_list_is_refused_whole() {
        let refused = |bytes: &[u8]| parse(bytes).unwrap_err().unwrap_err();
        assert_eq!(refused(b""), ListFileError::Empty);
        assert_eq!(refused(format!("{HEADER}\n").as_bytes()), ListFileError::Empty);
        assert!(matches!(refused(b"card,name\nQR12345678ST,X\n"), ListFileError::Header(_)));
        // Shift_JIS, as a Japanese spreadsheet program saves plain "CSV".
        assert_eq!(refused(&[0x8d, 0xdd, 0x97, 0xaf, b',', b'\n']), ListFileError::NotUtf8);
        assert_eq!(refused(&file(&["QR12345678ST,\"OKAFOR"])), ListFileError::UnclosedQuote(2));
        assert!(matches!(refused(&file(&["QR12345678ST,OKAFOR"])), ListFileError::Columns { row: 2, found: 2, .. }));
        assert_eq!(refused(&file(&[&"x".repeat(201)])), ListFileError::CellTooLong(2));
        assert_eq!(refused(&vec![b'a'; MAX_BYTES + 1]), ListFileError::TooLarge);
        let many: Vec<&str> = std::iter::repeat_n(OKAFOR, MAX_ROWS + 1).collect();
        assert_eq!(refused(&file(&many)), ListFileError::TooManyRows);
        let exactly: Vec<&str> = std::iter::repeat_n(OKAFOR, MAX_ROWS).collect();
        assert!(matches!(parse(&file(&exactly)), Err(Ok(_))), "1,000 rows are read (then refused as repeated)");
        // Blank lines (a spreadsheet's trailing rows, or ",,,,") are no people, and count towards no limit.
        let mut padded = exactly.clone();
        padded.extend(std::iter::repeat_n(",,,,,,,,,,,", 50));
        padded.extend(std::iter::repeat_n("", 50));
        assert!(matches!(parse(&file(&padded)), Err(Ok(_))), "read as the same 1,000 rows");
    }

    #[test]
    fn cells_read_as_a_spreadsheet_program_writes_them() {
        // A quote doubled inside quotes is one quote; a quote inside an unquoted cell is a letter; a line
        // break inside quotes is part of the cell and the rows after it keep their line numbers.
        let quoted = "QR12345678ST,\"OKAFOR,CHIDI\",\"Republic of \"\"X\"\"\",1990/02/28,男,技術・人文知識・国際業務,3Y,2027-01-31,,,,";
        let unquoted =
            "UV23456789WX,\"MENSAH,AMA\",Cote d\"Ivoire,1992-07-01,女,技術・人文知識・国際業務,1Y,2027-03-31,,,,";
        let people = parse(&file(&[quoted, unquoted])).unwrap();
        assert_eq!(people[0].nationality.as_str(), "Republic of \"X\"");
        assert_eq!(people[1].nationality.as_str(), "Cote d\"Ivoire");
        let two_lines =
            "QR12345678ST,\"OKAFOR,\nCHIDI\",Nigeria,1990/02/28,男,技術・人文知識・国際業務,3Y,2027-01-31,,,,";
        let wrong_birth = unquoted.replace("1992-07-01", "1992-02-30");
        let err = parse(&file(&[two_lines, &wrong_birth])).unwrap_err().unwrap();
        let fields: Vec<&str> = err.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["row 2: name", "row 4: birth_date"]);
        // Rows ended by CR alone (an old spreadsheet program), and a last row with no line ending.
        let cr = format!("{HEADER}\r{OKAFOR}\r{}", unquoted.replace("Cote d\"Ivoire", "Ghana"));
        assert_eq!(parse(cr.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn the_bounds_hold_at_their_edges() {
        let refused = |bytes: &[u8]| parse(bytes).unwrap_err().unwrap_err();
        // Exactly 1 MB is read (and refused for its one long cell), a byte more is not read at all.
        assert_eq!(refused(&vec![b'a'; MAX_BYTES]), ListFileError::CellTooLong(1));
        // A cell of exactly 200 characters is read, and then refused by its field's own rule.
        let long = OKAFOR.replace("Nigeria", &"N".repeat(MAX_CELL));
        let err = parse(&file(&[&long])).unwrap_err().unwrap();
        assert_eq!(err.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), ["row 2: nationality"]);
        // The header: one column more, or twelve columns of other names, is not the list.
        assert!(matches!(refused(format!("{HEADER},extra\n{OKAFOR}\n").as_bytes()), ListFileError::Header(_)));
        // A last row of one cell and no line ending is still a row.
        let one = refused(format!("{HEADER}\nQR12345678ST").as_bytes());
        assert_eq!(one, ListFileError::Columns { row: 2, found: 1, expected: COLUMNS.len() });
        let other = vec!["column"; COLUMNS.len()].join(",");
        assert!(matches!(refused(format!("{other}\n{OKAFOR}\n").as_bytes()), ListFileError::Header(_)));
    }

    #[test]
    fn every_refusal_has_its_own_rule_and_says_it_in_japanese_too() {
        let all = [
            ListFileError::TooLarge,
            ListFileError::NotUtf8,
            ListFileError::Empty,
            ListFileError::Header(header_en()),
            ListFileError::TooManyRows,
            ListFileError::UnclosedQuote(7),
            ListFileError::Columns { row: 7, found: 3, expected: 12 },
            ListFileError::CellTooLong(7),
        ];
        let rules: std::collections::HashSet<_> = all.iter().map(Localized::rule).collect();
        assert_eq!(rules.len(), all.len());
        assert!(rules.iter().all(|r| r.starts_with("list_file.")));
        for e in &all {
            let ja = e.message_ja();
            assert!(ja.ends_with('。') || ja.contains("：在留カード番号,"), "{ja}");
        }
        assert!(ListFileError::Header(header_en()).message_ja().contains(HEADER));
        for e in &all[5..] {
            assert!(e.message_ja().starts_with("7行目"), "{e:?}");
        }
        let bad = OKAFOR.replace("いいえ", "maybe");
        let err = parse(&file(&[OKAFOR, &bad])).unwrap_err().unwrap();
        let rules: Vec<_> = err.iter().map(|v| (v.rule, v.message_ja.as_str())).collect();
        assert_eq!(
            rules,
            [
                ("list_file.yes_no", "「はい」か「いいえ」を入力してください。"),
                ("list_file.repeated", "この在留カード番号は、ファイルの前の行にもあります。"),
            ]
        );
    }

    #[test]
    fn the_template_is_the_header_the_reader_asks_for() {
        let t = template();
        assert!(t.starts_with("\u{feff}".as_bytes()));
        assert_eq!(parse(&t).unwrap_err().unwrap_err(), ListFileError::Empty);
    }
}
