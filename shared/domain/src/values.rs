//! Value types parsed once at the edge: user IDs, e-mail addresses, passwords, residence card numbers,
//! corporate numbers, passport numbers and names as written on the residence card. A value of one of
//! these types is valid by construction.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;

macro_rules! string_newtype {
    ($name:ident, $err:ty) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = $err;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl std::str::FromStr for $name {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

macro_rules! localized {
    ($err:ty { $($pat:pat => ($rule:expr, $ja:expr)),+ $(,)? }) => {
        impl Localized for $err {
            fn rule(&self) -> &'static str {
                #[allow(unused_variables)]
                match self { $($pat => $rule),+ }
            }
            fn message_ja(&self) -> String {
                match self { $($pat => $ja.into()),+ }
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------------
// User ID (Q16, Q91)

/// The ID issued to one user on approval of a request for use; never changed (Q91). Half-width capital
/// letters and digits, 6–20 characters, starting with a letter. Lower-case input is read as upper case, so
/// a user need not remember the case of an ID printed in capitals.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserIdError {
    #[error("a user ID has 6 to 20 characters (got {0})")]
    Length(usize),
    #[error("a user ID has only half-width letters and digits")]
    Character,
    #[error("a user ID starts with a letter")]
    FirstCharacter,
}

localized!(UserIdError {
    Self::Length(n) => ("user_id.length", format!("利用者IDは6文字以上20文字以内です（{n}文字）。")),
    Self::Character => ("user_id.character", "利用者IDは半角英数字のみです。"),
    Self::FirstCharacter => ("user_id.first_character", "利用者IDは英字で始まります。"),
});

impl UserId {
    pub const MIN_LEN: usize = 6;
    pub const MAX_LEN: usize = 20;

    pub fn parse(input: &str) -> Result<Self, UserIdError> {
        let s = input.trim();
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(UserIdError::Character);
        }
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len()) {
            return Err(UserIdError::Length(s.chars().count()));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(UserIdError::FirstCharacter);
        }
        Ok(Self(s.to_ascii_uppercase()))
    }
}
string_newtype!(UserId, UserIdError);

// ---------------------------------------------------------------------------------------------------
// E-mail address (Q85, Q98)

/// An e-mail address the system can send to: `local@domain`, half-width, at most 254 characters, a local
/// part of at most 64, a domain of at least two labels. The domain is kept in lower case. Not unique: one
/// agent has several user IDs with one address (Q20).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("an e-mail address is required")]
    Required,
    #[error("an e-mail address is written in half-width characters without spaces")]
    Character,
    #[error("an e-mail address has exactly one @ with text on both sides")]
    At,
    #[error("an e-mail address has at most 254 characters, 64 before the @")]
    Length,
    #[error(
        "the part before the @ starts with a letter, a digit or a symbol other than a dot, and holds no characters such as ( ) , : ; < > [ ]"
    )]
    LocalPart,
    #[error("the part after the @ must be a domain such as example.co.jp")]
    Domain,
}

localized!(EmailError {
    Self::Required => ("email.required", "メールアドレスを入力してください。"),
    Self::Character => ("email.character", "メールアドレスは空白を含まない半角文字で入力してください。"),
    Self::At => ("email.at", "メールアドレスには @ を1つだけ含め、その前後に文字が必要です。"),
    Self::Length => ("email.length", "メールアドレスは254文字以内（@の前は64文字以内）です。"),
    Self::LocalPart => ("email.local_part", "@の前の部分はドット以外の文字で始め、( ) , : ; < > [ ] などの文字を含めないでください。"),
    Self::Domain => ("email.domain", "@の後ろは example.co.jp のようなドメイン名にしてください。"),
});

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Required);
        }
        if !s.chars().all(|c| c.is_ascii_graphic()) {
            return Err(EmailError::Character);
        }
        let (local, domain) = match s.split_once('@') {
            Some((l, d)) if !l.is_empty() && !d.is_empty() && !d.contains('@') => (l, d),
            _ => return Err(EmailError::At),
        };
        if s.len() > 254 || local.len() > 64 {
            return Err(EmailError::Length);
        }
        // Q98: dots as Japanese mobile carriers issued them — two together, or last before the @
        // (`taro..yamada.@docomo.ne.jp`) — are accepted (they are delivered); a dot first is not.
        const LOCAL_SYMBOLS: &str = "!#$%&'*+-/=?^_`{|}~.";
        if local.starts_with('.') || !local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(c)) {
            return Err(EmailError::LocalPart);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let tld_ok = labels.last().is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
        if labels.len() < 2 || !labels.iter().all(label_ok) || !tld_ok {
            return Err(EmailError::Domain);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}
string_newtype!(EmailAddress, EmailError);

// ---------------------------------------------------------------------------------------------------
// Password (Q88)

/// A new password that meets Q88: 8–32 half-width characters mixing letters, digits and symbols (any of
/// the 32 half-width symbols: Q88 names no list), case-sensitive, not containing the user ID. Never printed, serialized or logged: only
/// [`Password::expose`] gives the text, to the hasher.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password has 8 to 32 characters (got {0})")]
    Length(usize),
    #[error("a password may contain only half-width letters, digits and symbols (no spaces)")]
    Character,
    #[error("a password must contain at least one half-width letter")]
    MissingLetter,
    #[error("a password must contain at least one half-width digit")]
    MissingDigit,
    #[error("a password must contain at least one half-width symbol, such as . ! # $ % & or ?")]
    MissingSymbol,
    #[error("a password must not contain the user ID")]
    ContainsUserId,
}

localized!(PasswordError {
    Self::Length(n) => ("password.length", format!("パスワードは8文字以上32文字以内です（{n}文字）。")),
    Self::Character => ("password.character", "パスワードに使えるのは半角英字・半角数字・半角記号のみです（空白は使えません）。"),
    Self::MissingLetter => ("password.missing_letter", "パスワードには半角英字を1文字以上含めてください。"),
    Self::MissingDigit => ("password.missing_digit", "パスワードには半角数字を1文字以上含めてください。"),
    Self::MissingSymbol => ("password.missing_symbol", "パスワードには半角記号（. ! # $ % & ? など）を1文字以上含めてください。"),
    Self::ContainsUserId => ("password.contains_user_id", "パスワードに利用者IDを含めることはできません。"),
});

impl Password {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 32;
    /// Whether `c` is a half-width symbol (ASCII punctuation: `!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`).
    pub fn is_symbol(c: char) -> bool {
        c.is_ascii_punctuation()
    }

    /// Checks a password chosen by (or for) `user`. The user-ID check ignores case, so that `Abc123` and
    /// `ABC123` count as the same ID inside a password.
    pub fn parse(user: &UserId, input: &str) -> Result<Self, PasswordError> {
        let n = input.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&n) {
            return Err(PasswordError::Length(n));
        }
        if !input.chars().all(|c| c.is_ascii_alphanumeric() || Self::is_symbol(c)) {
            return Err(PasswordError::Character);
        }
        if !input.chars().any(|c| c.is_ascii_alphabetic()) {
            return Err(PasswordError::MissingLetter);
        }
        if !input.chars().any(|c| c.is_ascii_digit()) {
            return Err(PasswordError::MissingDigit);
        }
        if !input.chars().any(Self::is_symbol) {
            return Err(PasswordError::MissingSymbol);
        }
        if input.to_ascii_uppercase().contains(user.as_str()) {
            return Err(PasswordError::ContainsUserId);
        }
        Ok(Self(input.to_owned()))
    }

    /// The text, for the password hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

// ---------------------------------------------------------------------------------------------------
// Residence card number

/// Residence card number: 2 capital letters, 8 digits, 2 capital letters (e.g. `AB12345678CD`). There is
/// no published check digit; validity is checked against the agency's register, which we do not have.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ResidenceCardNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidenceCardNumberError {
    #[error("a residence card number is required")]
    Required,
    #[error("a residence card number is written in half-width characters")]
    FullWidth,
    #[error("a residence card number has 12 characters (got {0})")]
    Length(usize),
    #[error("letters in a residence card number are capitals, as on the card")]
    Lowercase,
    #[error("a residence card number is 2 letters, 8 digits and 2 letters, e.g. AB12345678CD")]
    Pattern,
}

localized!(ResidenceCardNumberError {
    Self::Required => ("residence_card_number.required", "在留カード番号を入力してください。"),
    Self::FullWidth => ("residence_card_number.full_width", "在留カード番号は半角で入力してください。"),
    Self::Length(n) => ("residence_card_number.length", format!("在留カード番号は12文字です（{n}文字）。")),
    Self::Lowercase => ("residence_card_number.lowercase", "在留カード番号の英字は在留カードのとおり大文字で入力してください。"),
    Self::Pattern => ("residence_card_number.pattern", "在留カード番号は英字2文字・数字8桁・英字2文字です（例：AB12345678CD）。"),
});

impl ResidenceCardNumber {
    pub fn parse(input: &str) -> Result<Self, ResidenceCardNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ResidenceCardNumberError::Required);
        }
        if !s.is_ascii() {
            return Err(ResidenceCardNumberError::FullWidth);
        }
        if s.len() != 12 {
            return Err(ResidenceCardNumberError::Length(s.len()));
        }
        if s.bytes().any(|b| b.is_ascii_lowercase()) {
            return Err(ResidenceCardNumberError::Lowercase);
        }
        let b = s.as_bytes();
        let letters = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_uppercase);
        if !(letters(0..2) && b[2..10].iter().all(u8::is_ascii_digit) && letters(10..12)) {
            return Err(ResidenceCardNumberError::Pattern);
        }
        Ok(Self(s.to_owned()))
    }
}
string_newtype!(ResidenceCardNumber, ResidenceCardNumberError);

// ---------------------------------------------------------------------------------------------------
// Corporate number (Q15)

/// Japanese corporate number (法人番号): 13 digits, the first a check digit over the other 12
/// (9 − Σ(Pₙ × Qₙ) mod 9, Pₙ the n-th digit from the right of the 12, Qₙ = 1 for odd n and 2 for even n).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CorporateNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorporateNumberError {
    #[error("a corporate number is 13 half-width digits")]
    Format,
    #[error("the check digit of this corporate number is wrong: please check for a typing error")]
    CheckDigit,
}

localized!(CorporateNumberError {
    Self::Format => ("corporate_number.format", "法人番号は半角数字13桁です。"),
    Self::CheckDigit => ("corporate_number.check_digit", "法人番号のチェックデジットが一致しません。入力誤りがないか確認してください。"),
});

impl CorporateNumber {
    pub fn parse(input: &str) -> Result<Self, CorporateNumberError> {
        let s = input.trim();
        if s.len() != 13 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CorporateNumberError::Format);
        }
        let digits: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        if digits[0] != Self::check_digit(&digits[1..]) {
            return Err(CorporateNumberError::CheckDigit);
        }
        Ok(Self(s.to_owned()))
    }

    /// The check digit of a 12-digit base.
    fn check_digit(base: &[u32]) -> u32 {
        let sum: u32 = base.iter().rev().enumerate().map(|(i, d)| d * if i % 2 == 0 { 1 } else { 2 }).sum();
        9 - sum % 9
    }
}
string_newtype!(CorporateNumber, CorporateNumberError);

// ---------------------------------------------------------------------------------------------------
// Passport number

/// Passport number: 5–20 half-width capital letters and digits. Formats differ by issuing country, so
/// nothing stricter is assumed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PassportNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassportNumberError {
    #[error("a passport number has 5 to 20 characters (got {0})")]
    Length(usize),
    #[error("a passport number has only half-width capital letters and digits, as in the passport")]
    Character,
}

localized!(PassportNumberError {
    Self::Length(n) => ("passport_number.length", format!("旅券番号は5文字以上20文字以内です（{n}文字）。")),
    Self::Character => ("passport_number.character", "旅券番号は旅券のとおり半角の大文字英字と数字で入力してください。"),
});

impl PassportNumber {
    pub fn parse(input: &str) -> Result<Self, PassportNumberError> {
        let s = input.trim();
        if !s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return Err(PassportNumberError::Character);
        }
        if !(5..=20).contains(&s.len()) {
            return Err(PassportNumberError::Length(s.len()));
        }
        Ok(Self(s.to_owned()))
    }
}
string_newtype!(PassportNumber, PassportNumberError);

// ---------------------------------------------------------------------------------------------------
// Name as on the residence card (Q39)

/// A name exactly as printed on the residence card: half-width capital letters, a half-width comma in
/// place of each space (Q39), at most 80 characters. Hyphens, apostrophes and full stops, which some
/// names carry, are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct NameOnCard(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameOnCardError {
    #[error("the name is required, as given on the residence card")]
    Required,
    #[error("enter the name as given on the residence card in half-width characters")]
    FullWidth,
    #[error("enter the name in half-width capital letters, as given on the residence card")]
    Lowercase,
    #[error("use a half-width comma (,) in place of a space, e.g. SMITH,JOHN")]
    Space,
    #[error("the name may contain only capital letters A-Z, commas, hyphens, apostrophes and full stops")]
    Character,
    #[error("a comma separates parts of the name: not at the start or end, and not two together")]
    Comma,
    #[error("the name has at most 80 characters (got {0})")]
    Length(usize),
}

localized!(NameOnCardError {
    Self::Required => ("name_on_card.required", "在留カードに記載のとおり氏名を入力してください。"),
    Self::FullWidth => ("name_on_card.full_width", "氏名は在留カードに記載のとおり半角で入力してください。"),
    Self::Lowercase => ("name_on_card.lowercase", "氏名は在留カードに記載のとおり半角大文字で入力してください。"),
    Self::Space => ("name_on_card.space", "空白の代わりに半角カンマ（,）を使用してください（例：SMITH,JOHN）。"),
    Self::Character => ("name_on_card.character", "氏名に使用できるのは半角大文字英字、カンマ、ハイフン、アポストロフィ、ピリオドのみです。"),
    Self::Comma => ("name_on_card.comma", "カンマは氏名の区切りにのみ使用し、先頭・末尾や連続では使用できません。"),
    Self::Length(n) => ("name_on_card.length", format!("氏名は80文字以内です（{n}文字）。")),
});

impl NameOnCard {
    pub const MAX_LEN: usize = 80;

    pub fn parse(input: &str) -> Result<Self, NameOnCardError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(NameOnCardError::Required);
        }
        if !s.is_ascii() {
            return Err(NameOnCardError::FullWidth);
        }
        if s.bytes().any(|b| b.is_ascii_lowercase()) {
            return Err(NameOnCardError::Lowercase);
        }
        if s.contains(' ') {
            return Err(NameOnCardError::Space);
        }
        if !s.bytes().all(|b| b.is_ascii_uppercase() || b",-.'".contains(&b)) {
            return Err(NameOnCardError::Character);
        }
        if s.starts_with(',') || s.ends_with(',') || s.contains(",,") {
            return Err(NameOnCardError::Comma);
        }
        if s.len() > Self::MAX_LEN {
            return Err(NameOnCardError::Length(s.len()));
        }
        Ok(Self(s.to_owned()))
    }
}
string_newtype!(NameOnCard, NameOnCardError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn uid(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    #[test]
    fn user_id_rules() {
        assert_eq!(uid("ab12cd34").as_str(), "AB12CD34");
        assert_eq!(UserId::parse("ab1"), Err(UserIdError::Length(3)));
        assert_eq!(UserId::parse("A".repeat(21).as_str()), Err(UserIdError::Length(21)));
        assert_eq!(UserId::parse("12ABCDEF"), Err(UserIdError::FirstCharacter));
        assert_eq!(UserId::parse("AB-12345"), Err(UserIdError::Character));
        assert_eq!(UserId::parse("ＡＢ１２３４５６"), Err(UserIdError::Character));
    }

    #[test]
    fn q85_email_rules() {
        assert_eq!(EmailAddress::parse(" Tanaka.K+oras@Sakura.CO.JP ").unwrap().as_str(), "Tanaka.K+oras@sakura.co.jp");
        // Q98: addresses as Japanese carriers issued them.
        for carrier in ["taro..yamada.@docomo.ne.jp", "hanako.@ezweb.ne.jp", "a..b@softbank.ne.jp"] {
            assert_eq!(EmailAddress::parse(carrier).unwrap().as_str(), carrier);
        }
        let cases = [
            ("", EmailError::Required),
            ("tanaka@@example.jp", EmailError::At),
            ("tanaka.example.jp", EmailError::At),
            ("@example.jp", EmailError::At),
            ("tanaka@", EmailError::At),
            ("tan aka@example.jp", EmailError::Character),
            ("田中@example.jp", EmailError::Character),
            (".tanaka@example.jp", EmailError::LocalPart),
            ("tanaka(x)@example.jp", EmailError::LocalPart),
            ("tanaka@localhost", EmailError::Domain),
            ("tanaka@-example.jp", EmailError::Domain),
            ("tanaka@example..jp", EmailError::Domain),
            ("tanaka@example.j", EmailError::Domain),
            ("tanaka@example.123", EmailError::Domain),
        ];
        for (input, want) in cases {
            assert_eq!(EmailAddress::parse(input), Err(want), "{input:?}");
        }
        let long_local = format!("{}@example.jp", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long_local), Err(EmailError::Length));
        let long_total = format!("a@{}.jp", "b".repeat(60).repeat(5).chars().collect::<String>());
        assert!(EmailAddress::parse(&long_total).is_err());
        // The limits themselves: 64 characters before the @, 254 in all.
        let local_64 = format!("{}@example.jp", "a".repeat(64));
        assert!(EmailAddress::parse(&local_64).is_ok());
        let domain =
            |first: usize| format!("{}.{}.{}.{}.jp", "b".repeat(first), "c".repeat(61), "d".repeat(61), "e".repeat(61));
        let total_254 = format!("{}@{}", "a".repeat(62), domain(2));
        assert_eq!(total_254.len(), 254);
        assert!(EmailAddress::parse(&total_254).is_ok());
        let total_255 = format!("{}@{}", "a".repeat(62), domain(3));
        assert_eq!(EmailAddress::parse(&total_255), Err(EmailError::Length));
        // Hyphens inside a domain label are allowed, other symbols are not.
        assert!(EmailAddress::parse("tanaka@sakura-kogyo.co.jp").is_ok());
        assert_eq!(EmailAddress::parse("tanaka@sakura_kogyo.co.jp"), Err(EmailError::Domain));
        // The domain, lower-cased (the free-mail rule reads it, Q98).
        assert_eq!(EmailAddress::parse("Tanaka@Sakura.CO.JP").unwrap().domain(), "sakura.co.jp");
    }

    #[test]
    fn q88_password_accepts_a_mix_of_letters_digits_and_symbols() {
        let p = Password::parse(&uid("TANAKA01"), "Sakura#2026").unwrap();
        assert_eq!(p.expose(), "Sakura#2026");
        // Any half-width symbol: Q88 names no list (`Sakura.2026` was refused once).
        for sym in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".chars() {
            assert!(Password::parse(&uid("TANAKA01"), &format!("abcd123{sym}")).is_ok(), "{sym}");
        }
        assert!(Password::parse(&uid("TANAKA01"), "Sakura.2026").is_ok());
    }

    #[test]
    fn q88_password_length_is_8_to_32() {
        let u = uid("TANAKA01");
        assert_eq!(Password::parse(&u, "Ab1#567"), Err(PasswordError::Length(7)));
        assert!(Password::parse(&u, "Ab1#5678").is_ok());
        assert!(Password::parse(&u, &format!("Ab1#{}", "x".repeat(28))).is_ok());
        assert_eq!(Password::parse(&u, &format!("Ab1#{}", "x".repeat(29))), Err(PasswordError::Length(33)));
    }

    #[test]
    fn q88_password_needs_all_three_kinds() {
        let u = uid("TANAKA01");
        assert_eq!(Password::parse(&u, "12345678#"), Err(PasswordError::MissingLetter));
        assert_eq!(Password::parse(&u, "abcdefgh#"), Err(PasswordError::MissingDigit));
        assert_eq!(Password::parse(&u, "abcdefgh1"), Err(PasswordError::MissingSymbol));
    }

    #[test]
    fn q88_password_refuses_other_characters() {
        let u = uid("TANAKA01");
        assert_eq!(Password::parse(&u, "abc 1234#"), Err(PasswordError::Character));
        assert_eq!(Password::parse(&u, "abc1234#\t"), Err(PasswordError::Character));
        assert_eq!(Password::parse(&u, "abc1234#é"), Err(PasswordError::Character));
        assert_eq!(Password::parse(&u, "abc1234＃x"), Err(PasswordError::Character), "a full-width symbol");
        assert_eq!(Password::parse(&u, "ａｂｃ1234#x"), Err(PasswordError::Character));
    }

    #[test]
    fn q88_password_must_not_contain_the_user_id_in_any_case() {
        let u = uid("TANAKA01");
        assert_eq!(Password::parse(&u, "xTANAKA01#"), Err(PasswordError::ContainsUserId));
        assert_eq!(Password::parse(&u, "tanaka01#x"), Err(PasswordError::ContainsUserId));
        assert!(Password::parse(&u, "tanaka02#x").is_ok());
    }

    #[test]
    fn q88_password_is_case_sensitive_and_never_printed() {
        let u = uid("TANAKA01");
        let a = Password::parse(&u, "Sakura#2026").unwrap();
        let b = Password::parse(&u, "sakura#2026").unwrap();
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Password(<redacted>)");
    }

    #[test]
    fn residence_card_number_rules() {
        assert_eq!(ResidenceCardNumber::parse(" AB12345678CD ").unwrap().as_str(), "AB12345678CD");
        let cases = [
            ("", ResidenceCardNumberError::Required),
            ("ＡＢ12345678CD", ResidenceCardNumberError::FullWidth),
            ("AB1234567CD", ResidenceCardNumberError::Length(11)),
            ("ab12345678cd", ResidenceCardNumberError::Lowercase),
            ("A112345678CD", ResidenceCardNumberError::Pattern),
            ("AB1234567XCD", ResidenceCardNumberError::Pattern),
            ("AB123456789D", ResidenceCardNumberError::Pattern),
        ];
        for (input, want) in cases {
            assert_eq!(ResidenceCardNumber::parse(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn q15_corporate_number_check_digit() {
        // Published numbers: the National Tax Agency and a listed company.
        assert!(CorporateNumber::parse("7000012050002").is_ok());
        assert!(CorporateNumber::parse("1180301018771").is_ok());
        assert_eq!(CorporateNumber::parse("8000012050002"), Err(CorporateNumberError::CheckDigit));
        assert_eq!(CorporateNumber::parse("700001205000"), Err(CorporateNumberError::Format));
        assert_eq!(CorporateNumber::parse("70000120500O2"), Err(CorporateNumberError::Format));
    }

    proptest! {
        #[test]
        fn corporate_number_accepts_exactly_one_check_digit(base in "[0-9]{12}") {
            let valid = (0..=9).filter(|c| CorporateNumber::parse(&format!("{c}{base}")).is_ok()).count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        fn q88_any_length_outside_8_to_32_is_refused(n in 0usize..64) {
            let body: String = "a1#".chars().cycle().take(n).collect();
            let ok = Password::parse(&uid("TANAKA01"), &body).is_ok();
            prop_assert_eq!(ok, (8..=32).contains(&n));
        }

        #[test]
        fn residence_card_numbers_of_the_right_shape_parse(s in "[A-Z]{2}[0-9]{8}[A-Z]{2}") {
            prop_assert!(ResidenceCardNumber::parse(&s).is_ok());
        }
    }

    #[test]
    fn passport_number_rules() {
        assert!(PassportNumber::parse("TK1234567").is_ok());
        assert_eq!(PassportNumber::parse("TK12"), Err(PassportNumberError::Length(4)));
        assert_eq!(PassportNumber::parse("tk1234567"), Err(PassportNumberError::Character));
        assert_eq!(PassportNumber::parse("TK-234567"), Err(PassportNumberError::Character));
        assert_eq!(PassportNumber::parse(&"A".repeat(21)), Err(PassportNumberError::Length(21)));
    }

    #[test]
    fn q39_name_as_on_the_residence_card() {
        assert_eq!(NameOnCard::parse("NGUYEN,VAN,AN").unwrap().as_str(), "NGUYEN,VAN,AN");
        assert!(NameOnCard::parse("O'NEILL,MARY-JANE").is_ok());
        let cases = [
            ("", NameOnCardError::Required),
            ("ＮＧＵＹＥＮ", NameOnCardError::FullWidth),
            ("Nguyen,Van,An", NameOnCardError::Lowercase),
            ("NGUYEN VAN AN", NameOnCardError::Space),
            ("NGUYEN;VAN", NameOnCardError::Character),
            ("NGUYEN2", NameOnCardError::Character),
            (",NGUYEN", NameOnCardError::Comma),
            ("NGUYEN,", NameOnCardError::Comma),
            ("NGUYEN,,AN", NameOnCardError::Comma),
        ];
        for (input, want) in cases {
            assert_eq!(NameOnCard::parse(input), Err(want), "{input:?}");
        }
        assert!(NameOnCard::parse(&"A".repeat(80)).is_ok());
        assert_eq!(NameOnCard::parse(&"A".repeat(81)), Err(NameOnCardError::Length(81)));
    }

    #[test]
    fn every_error_has_a_rule_code_and_a_japanese_message() {
        let errors: Vec<Box<dyn Localized>> = vec![
            Box::new(UserIdError::Character),
            Box::new(EmailError::Domain),
            Box::new(PasswordError::ContainsUserId),
            Box::new(ResidenceCardNumberError::Pattern),
            Box::new(CorporateNumberError::CheckDigit),
            Box::new(PassportNumberError::Character),
            Box::new(NameOnCardError::Space),
        ];
        for e in errors {
            assert!(e.rule().contains('.'));
            assert!(!e.message_ja().is_empty() && !e.to_string().is_empty());
        }
    }

    #[test]
    fn values_round_trip_through_json_and_refuse_bad_json() {
        let n: ResidenceCardNumber = serde_json::from_str("\"AB12345678CD\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"AB12345678CD\"");
        assert!(serde_json::from_str::<ResidenceCardNumber>("\"ab12345678cd\"").is_err());
    }
}
