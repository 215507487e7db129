//! Errors that users see: every rule violation names its field, a stable rule code, and a message in
//! English and in Japanese (Q84).
//!
//! Each value type has its own `thiserror` enum; [`Localized`] gives each variant its stable code and its
//! Japanese text, and [`Violation`] carries one failed rule for one field to whoever renders it (the HTTP
//! layer as RFC 9457 problem details, the blanket upload as a row error with its cell reference).

use std::fmt;

use serde::Serialize;

/// A language the system speaks to its users (Q84).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ja,
    En,
}

/// An error that can explain itself to a user in both languages.
///
/// `Display` is the English message; `message_ja` the Japanese one; `rule` a stable, dotted code
/// (e.g. `password.missing_symbol`) that clients may match on and that never changes with wording.
pub trait Localized: fmt::Display {
    fn rule(&self) -> &'static str;
    fn message_ja(&self) -> String;

    fn message(&self, language: Language) -> String {
        match language {
            Language::En => self.to_string(),
            Language::Ja => self.message_ja(),
        }
    }
}

/// One failed rule for one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Violation {
    /// Path of the field in the input, e.g. `applicant.name` or `relatives[2].birth_date`.
    pub field: String,
    /// Stable rule code, e.g. `name_on_card.lowercase`.
    pub rule: &'static str,
    pub message_en: String,
    pub message_ja: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, error: &dyn Localized) -> Self {
        Self { field: field.into(), rule: error.rule(), message_en: error.to_string(), message_ja: error.message_ja() }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.field, self.message_en, self.rule)
    }
}

/// All the violations found in one input, in the order of the form. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[error("{} field(s) failed validation: {}", .0.len(), first(.0))]
pub struct Violations(pub Vec<Violation>);

fn first(v: &[Violation]) -> String {
    v.first().map(ToString::to_string).unwrap_or_default()
}

impl Violations {
    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter()
    }

    /// The violations of one field (tests and renderers use this).
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Violation> + 'a {
        self.0.iter().filter(move |v| v.field == field)
    }
}

/// Collects violations while a whole input is parsed, so that every error is reported at once.
#[derive(Debug, Default)]
pub struct Collector {
    violations: Vec<Violation>,
}

impl Collector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error, if any, and hands back the value, if any.
    pub fn take<T, E: Localized>(&mut self, field: impl Into<String>, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.violations.push(Violation::new(field, &error));
                None
            }
        }
    }

    pub fn push(&mut self, field: impl Into<String>, error: &dyn Localized) {
        self.violations.push(Violation::new(field, error));
    }

    pub fn extend(&mut self, prefix: &str, other: Violations) {
        for mut v in other.0 {
            v.field = format!("{prefix}{}", v.field);
            self.violations.push(v);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// `Ok(value)` when nothing failed; otherwise every violation collected.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Violations> {
        if self.violations.is_empty() {
            // Every field parsed, so every `Option` the builder unwraps is `Some`.
            if let Some(v) = value() {
                return Ok(v);
            }
            return Err(Violations(vec![Violation::new("", &Incomplete)]));
        }
        Err(Violations(self.violations))
    }
}

/// Guard for a builder that found a missing value although no violation was recorded (a bug in the
/// caller's bookkeeping); reported as a violation instead of a panic.
#[derive(Debug, thiserror::Error)]
#[error("the input could not be read completely")]
struct Incomplete;

impl Localized for Incomplete {
    fn rule(&self) -> &'static str {
        "input.incomplete"
    }
    fn message_ja(&self) -> String {
        "入力内容を読み取れませんでした。".into()
    }
}

/// Text field limits shared by many form fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("this field is required")]
    Required,
    #[error("must be at most {max} characters (got {got})")]
    TooLong { max: usize, got: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must not contain invisible formatting characters (direction overrides, zero-width spaces)")]
    InvisibleCharacter,
}

/// A character that changes how text around it is shown without being seen itself: the direction
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the direction marks (U+200E, U+200F,
/// U+061C), the zero-width space, the word joiner and the byte-order mark. Text that holds one reads
/// otherwise than it is stored (`gpj.exe` shown as `exe.jpg`). The zero-width joiner and non-joiner stay
/// allowed: scripts such as Persian and Devanagari spell words with them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}'
    )
}

impl Localized for TextError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Required => "text.required",
            Self::TooLong { .. } => "text.too_long",
            Self::ControlCharacter => "text.control_character",
            Self::InvisibleCharacter => "text.invisible_character",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Required => "必須項目です。".into(),
            Self::TooLong { max, got } => format!("{max}文字以内で入力してください（{got}文字）。"),
            Self::ControlCharacter => "制御文字は使用できません。".into(),
            Self::InvisibleCharacter => {
                "文字の向きを変える記号やゼロ幅スペースなど、見えない書式文字は使用できません。".into()
            }
        }
    }
}

/// A trimmed, non-empty text of at most `MAX` characters without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Text{MAX}"))]
#[serde(try_from = "String", into = "String")]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    pub fn parse(input: &str) -> Result<Self, TextError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(TextError::Required);
        }
        if t.chars().any(|c| c.is_control()) {
            return Err(TextError::ControlCharacter);
        }
        if t.chars().any(is_invisible_format) {
            return Err(TextError::InvisibleCharacter);
        }
        let got = t.chars().count();
        if got > MAX {
            return Err(TextError::TooLong { max: MAX, got });
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> TryFrom<String> for Text<MAX> {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl<const MAX: usize> From<Text<MAX>> for String {
    fn from(value: Text<MAX>) -> Self {
        value.0
    }
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// English text as a sentence: a capital first letter and a full stop.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.is_empty() && !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_holds_nothing_invisible_that_changes_how_it_reads() {
        for c in
            ['\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{2060}', '\u{FEFF}']
        {
            assert_eq!(Text::<20>::parse(&format!("ab{c}cd")), Err(TextError::InvisibleCharacter), "{c:?}");
        }
        // Joiners spell words in some scripts (Persian: می‌خواهم).
        assert!(Text::<20>::parse("می\u{200C}خواهم").is_ok());
        assert!(Text::<20>::parse("a\u{200D}b").is_ok());
    }

    #[test]
    fn text_is_trimmed_and_required() {
        assert_eq!(Text::<5>::parse("  abc ").unwrap().as_str(), "abc");
        assert_eq!(Text::<5>::parse("   "), Err(TextError::Required));
    }

    #[test]
    fn text_counts_characters_not_bytes() {
        assert!(Text::<3>::parse("東京都").is_ok());
        assert_eq!(Text::<3>::parse("東京都庁"), Err(TextError::TooLong { max: 3, got: 4 }));
    }

    #[test]
    fn text_refuses_control_characters() {
        assert_eq!(Text::<9>::parse("a\u{0}b"), Err(TextError::ControlCharacter));
    }

    #[test]
    fn collector_reports_every_violation_with_field_and_both_languages() {
        let mut c = Collector::new();
        let a = c.take("a", Text::<2>::parse("abc"));
        let b = c.take("b", Text::<2>::parse(""));
        assert!(a.is_none() && b.is_none());
        let err = c.finish(|| Some(())).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert_eq!(err.0[0].field, "a");
        assert_eq!(err.0[0].rule, "text.too_long");
        assert_eq!(err.0[1].rule, "text.required");
        assert!(!err.0[1].message_ja.is_empty());
    }

    #[test]
    fn collector_without_violations_returns_the_value() {
        let c = Collector::new();
        assert_eq!(c.finish(|| Some(7)), Ok(7));
    }
}
