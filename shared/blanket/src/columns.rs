//! The columns of the blanket template: the form's fields (`zairyu_domain::form::field`) in the agency's
//! order, each relative's fields once per row. The writer lays them out; the reader maps cells back through
//! the same registry to the `ApplicationInput` single entry fills, so both go through one parser.

use zairyu_domain::form::field::Spec;
pub use zairyu_domain::form::field::{Kind, Need};
use zairyu_domain::form::{ApplicationForm, ApplicationInput, Field, RelativeField};
use zairyu_domain::procedure::Procedure;

/// Which field of the form a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Field(Field),
    Relative(usize, RelativeField),
}

pub struct Column {
    /// The field's key (`relatives[i].field` for a relative's), as violations name it.
    pub field: String,
    pub ja: String,
    pub en: String,
    pub kind: Kind,
    pub source: Source,
}

/// Rows of relatives the template has: as many as the form takes.
pub const RELATIVES: usize = ApplicationForm::MAX_RELATIVES;

/// The procedure of the templates made before a template named others: an extension's.
pub const PROCEDURE: Procedure = Procedure::Extension;

/// Every column of an extension's template, in the order of the agency's form.
pub fn columns() -> &'static [Column] {
    columns_of(PROCEDURE)
}

/// Every column of a procedure's template (its fields as `Field::entered_for` says), in the order of the
/// agency's form. Built once per process and procedure, and shared: a file's reading, each of its rows and
/// each error look them up.
pub fn columns_of(procedure: Procedure) -> &'static [Column] {
    static COLUMNS: [std::sync::OnceLock<Vec<Column>>; Procedure::ALL.len()] =
        [const { std::sync::OnceLock::new() }; Procedure::ALL.len()];
    let i = Procedure::ALL.iter().position(|p| *p == procedure).unwrap_or(0);
    COLUMNS[i].get_or_init(|| build_columns(procedure))
}

fn build_columns(procedure: Procedure) -> Vec<Column> {
    let column = |field: Field| {
        // The kind the procedure's form gives it (a certificate of eligibility's e-mail or post).
        let Spec { key, kind, .. } = field.spec_for(procedure);
        let (ja, en) = field.label_for(procedure);
        Column { field: key.into(), ja: ja.into(), en: en.into(), kind, source: Source::Field(field) }
    };
    let mut c = Vec::new();
    for field in Field::entered_for(procedure) {
        c.push(column(field));
        if field == Field::RelativesInJapan {
            for i in 0..RELATIVES {
                let n = i + 1;
                for f in RelativeField::ALL {
                    let Spec { ja, en, kind, .. } = f.spec();
                    c.push(Column {
                        field: f.key(i),
                        ja: format!("在日親族{n} {ja}"),
                        en: format!("Relative {n}: {}", en.to_lowercase()),
                        kind,
                        source: Source::Relative(i, f),
                    });
                }
            }
        }
    }
    c
}

impl Column {
    /// Whether the column must be filled (a relative's, when relatives in Japan says 有).
    pub fn need(&self) -> Need {
        match self.source {
            Source::Field(f) => f.spec().need,
            Source::Relative(..) => Need::IfYes(Field::RelativesInJapan),
        }
    }

    /// The column of an extension's template of the field a violation names.
    pub fn of_violation(field: &str) -> Option<usize> {
        Self::of_violation_in(PROCEDURE, field)
    }

    /// The column of a procedure's template of the field a violation names (the API's list of permissions
    /// is the re-entry column).
    pub fn of_violation_in(procedure: Procedure, field: &str) -> Option<usize> {
        let key = Field::of_key(field).map_or(field, |f| f.entered_as().key());
        columns_of(procedure).iter().position(|c| c.field == key)
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

/// Reads a row of an extension's template into the input single entry uses.
pub fn row_input(cells: &[String]) -> ApplicationInput {
    row_input_of(PROCEDURE, cells)
}

/// Reads a row's cells (by column of the procedure's template) into the input single entry uses, for the
/// template's procedure.
pub fn row_input_of(procedure: Procedure, cells: &[String]) -> ApplicationInput {
    let cols = columns_of(procedure);
    let cell = |key: &str| {
        if key == Field::Procedure.key() {
            return Some(procedure.code().to_owned());
        }
        let i = cols.iter().position(|c| c.field == key)?;
        Some(cells.get(i)?.trim().to_owned())
    };
    ApplicationInput::from_entered(|key| cell(key).unwrap_or_default(), RELATIVES)
}

/// How the template writes a value of this kind: an answer of a question as its list's word (the one table
/// of answers, `zairyu_domain::choice`), anything else as it is.
fn cell_text(kind: Kind, value: String) -> String {
    zairyu_domain::choice::find(kind.choices(), &value).map_or(value, |c| c.template.to_owned())
}

/// The cells of a row of an extension's template for an input: the inverse of [`row_input`].
pub fn input_cells(input: &ApplicationInput) -> Vec<String> {
    input_cells_of(PROCEDURE, input)
}

/// The cells of a row of a procedure's template for an input: the inverse of [`row_input_of`].
pub fn input_cells_of(procedure: Procedure, input: &ApplicationInput) -> Vec<String> {
    columns_of(procedure)
        .iter()
        .map(|c| match c.source {
            Source::Field(f) => cell_text(c.kind, input.value(f)),
            Source::Relative(i, f) => input.relatives.get(i).map(|r| cell_text(c.kind, r.value(f))).unwrap_or_default(),
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
                    yes[cols.iter().position(|f| f.field == flag.key()).unwrap()] = "有".into();
                    assert!(!failing(&yes).is_empty(), "{flag:?} = 有 needs {}", c.field);
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

#[cfg(test)]
mod registry {
    use super::*;

    /// Every column is a field of the form's registry, with that field's kind (so its limit is the parser's,
    /// held by the registry's own test) and its label.
    #[test]
    fn every_column_is_a_registry_field() {
        for c in columns() {
            let spec = match c.source {
                Source::Field(f) => {
                    assert_eq!(Field::of_key(&c.field), Some(f));
                    f.spec()
                }
                Source::Relative(i, f) => {
                    assert_eq!(RelativeField::of_key(&c.field), Some((i, f)));
                    f.spec()
                }
            };
            assert_eq!(c.kind, spec.kind, "{}", c.field);
            assert!(c.ja.ends_with(spec.ja), "{}", c.field);
        }
        let entered = Field::entered_for(PROCEDURE).count();
        assert_eq!(columns().len(), entered + RELATIVES * RelativeField::ALL.len());
        // A violation of the API's lists lands on the column where they are entered.
        assert_eq!(Column::of_violation("procedures"), Column::of_violation("re_entry"));
        assert_eq!(Column::of_violation("relatives"), Column::of_violation("relatives_in_japan"));
        assert!(Column::of_violation("relatives[2].name").is_some());
        assert_eq!(Column::of_violation("organization"), None);
    }
}
