//! The electronic certificate of eligibility (電子的な在留資格認定証明書): what it certifies, its code, its
//! validity, and its PDF signed with the service's key. The person abroad shows it on a phone at the visa
//! office and at landing; whoever checks it opens the verification page at the address its QR code holds
//! (or types its code there) and reads, from the service itself, whether it is valid, expired or withdrawn.

pub mod cms;
pub mod der;
pub mod pdf;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;
use crate::error::Text;
use crate::jst::JstDate;
use crate::office::Office;
use crate::status_of_residence::StatusOfResidence;
use crate::values::NameOnCard;

/// Crockford's base 32: no I, L, O or U, so that a code read aloud or typed from a screen has no look-alikes.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LEN: usize = 16;

/// The code of one electronic certificate: 16 characters of Crockford's base 32 (80 random bits), shown in
/// four groups of four (`7KQ2-M9XD-…`). Unguessable: the verification page answers only for a code it
/// issued, and a client that guesses is stopped by the page's flood limit long before it finds one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CertificateCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a certificate code is 16 letters and digits, as printed under the QR code")]
pub struct CertificateCodeError;

impl Localized for CertificateCodeError {
    fn rule(&self) -> &'static str {
        "certificate.code_format"
    }
    fn message_ja(&self) -> String {
        "証明書番号は、QRコードの下に印字された英数字16文字です。".into()
    }
}

impl CertificateCode {
    /// A code from 80 of `random`'s bits.
    pub fn from_random(random: u128) -> Self {
        let code = (0..CODE_LEN).map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize] as char).collect();
        Self(code)
    }

    /// As typed or read from the QR code: case, spaces and hyphens are ignored, and the look-alikes Crockford
    /// admits are read as the digits they resemble (I and L as 1, O as 0).
    pub fn parse(input: &str) -> Result<Self, CertificateCodeError> {
        if input.len() > 64 {
            return Err(CertificateCodeError);
        }
        let mut code = String::with_capacity(CODE_LEN);
        for c in input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | 'ー' | '－')) {
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return Err(CertificateCodeError),
            };
            code.push(c);
        }
        if code.len() == CODE_LEN { Ok(Self(code)) } else { Err(CertificateCodeError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// In four groups of four, as the certificate prints it.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
    }
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CertificateCode {
    type Error = CertificateCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CertificateCode> for String {
    fn from(value: CertificateCode) -> Self {
        value.0
    }
}

/// A certificate of eligibility is valid for three months from its issue (the agency: 交付日から3か月):
/// counted as the Civil Code counts a period from a day (Art. 140, 143: the day of issue not counted), its
/// last day is the day of the third month after that corresponds to the day of issue. Our reading: the
/// agency's pages give "three months", not the day (UNCONFIRMED; README's rule table).
pub const VALID_MONTHS: u32 = 3;

/// The last day a certificate issued on `issued_on` is valid.
pub fn last_valid_day(issued_on: JstDate) -> JstDate {
    issued_on.succ().period_end(VALID_MONTHS)
}

/// What one certificate certifies: the facts a visa officer or an immigration inspector compares with the
/// passport in front of them, and no more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Certified {
    pub name: NameOnCard,
    pub nationality: Text<60>,
    pub birth_date: JstDate,
    pub status: StatusOfResidence,
    pub issued_on: JstDate,
    pub valid_until: JstDate,
}

/// An issued electronic certificate as the service keeps it: its code, what it certifies, and whether the
/// office withdrew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Certificate {
    code: CertificateCode,
    certified: Certified,
    /// The office that issued it (and alone may withdraw it).
    issued_by: Office,
    withdrawn_on: Option<JstDate>,
}

/// What the verification page says of a certificate on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Validity {
    /// Issued and not withdrawn, and today is on or before its last valid day.
    Valid,
    /// Past its last valid day.
    Expired,
    /// Withdrawn by the office on that day (whatever its validity had been).
    Withdrawn { on: JstDate },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the certificate was already withdrawn")]
pub struct AlreadyWithdrawn;

impl Localized for AlreadyWithdrawn {
    fn rule(&self) -> &'static str {
        "certificate.already_withdrawn"
    }
    fn message_ja(&self) -> String {
        "この証明書は既に取り消されています。".into()
    }
}

impl Certificate {
    /// A certificate issued by `office` on `issued_on` (valid three months from it) with `code`.
    #[allow(clippy::too_many_arguments)]
    pub fn issue(
        code: CertificateCode,
        office: Office,
        name: NameOnCard,
        nationality: Text<60>,
        birth_date: JstDate,
        status: StatusOfResidence,
        issued_on: JstDate,
    ) -> Self {
        let valid_until = last_valid_day(issued_on);
        Self {
            code,
            certified: Certified { name, nationality, birth_date, status, issued_on, valid_until },
            issued_by: office,
            withdrawn_on: None,
        }
    }

    pub fn code(&self) -> &CertificateCode {
        &self.code
    }

    pub fn certified(&self) -> &Certified {
        &self.certified
    }

    pub fn issued_by(&self) -> Office {
        self.issued_by
    }

    pub fn withdrawn_on(&self) -> Option<JstDate> {
        self.withdrawn_on
    }

    /// The office withdraws it (取消し): from that day the verification page says so.
    pub fn withdraw(&mut self, on: JstDate) -> Result<(), AlreadyWithdrawn> {
        if self.withdrawn_on.is_some() {
            return Err(AlreadyWithdrawn);
        }
        self.withdrawn_on = Some(on);
        Ok(())
    }

    /// Whether it is valid on `today` (JST).
    pub fn validity(&self, today: JstDate) -> Validity {
        match self.withdrawn_on {
            Some(on) => Validity::Withdrawn { on },
            None if today > self.certified.valid_until => Validity::Expired,
            None => Validity::Valid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jst::d;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let code = CertificateCode::from_random(0x1234_5678_9ABC_DEF0_1122_3344_5566_7788);
        assert_eq!(code.as_str().len(), 16);
        assert_eq!(CertificateCode::parse(code.as_str()), Ok(code.clone()));
        assert_eq!(CertificateCode::parse(&code.grouped()), Ok(code.clone()));
        assert_eq!(CertificateCode::parse(&code.grouped().to_lowercase()), Ok(code.clone()));
        assert_eq!(code.grouped().len(), 19);
        assert_eq!(CertificateCode::parse("oooo iiii llll 0000").map(|c| c.0), Ok("0000111111110000".into()));
        for bad in
            ["", "ABCD", "ABCD-EFGH-JKMN-PQRU", "ABCD-EFGH-JKMN-PQRSX", "ＡＢＣＤ-EFGH-JKMN-PQRS", &"A".repeat(65)]
        {
            assert_eq!(CertificateCode::parse(bad), Err(CertificateCodeError), "{bad}");
        }
        assert_ne!(CertificateCode::from_random(1), CertificateCode::from_random(2));
        // Five bits a character, the lowest first.
        assert_eq!(CertificateCode::from_random(1).as_str(), "1000000000000000");
        assert_eq!(CertificateCode::from_random(32 * 31).as_str(), "0Z00000000000000");
        assert_eq!(code.to_string(), code.as_str());
        assert_eq!(String::from(code.clone()), code.as_str());
        assert_eq!(serde_json::to_value(&code).unwrap(), serde_json::json!(code.as_str()));
        // At most 64 characters typed (a code and its spaces): 64 is read, 65 refused before reading.
        let padded = |n: usize| format!("{}{}", code.as_str(), " ".repeat(n - 16));
        assert_eq!(CertificateCode::parse(&padded(64)), Ok(code.clone()));
        assert_eq!(CertificateCode::parse(&padded(65)), Err(CertificateCodeError));
        assert_eq!(CertificateCodeError.rule(), "certificate.code_format");
        assert!(CertificateCodeError.message_ja().contains("16文字"));
        assert_eq!(CertificateCode::from_random(1 << 80), CertificateCode::from_random(0), "80 bits, no more");
    }

    #[test]
    fn a_certificate_is_valid_three_months_from_its_issue_until_withdrawn() {
        assert_eq!(last_valid_day(d("2026-12-07")), d("2027-03-07"));
        assert_eq!(last_valid_day(d("2026-11-30")), d("2027-02-28"), "no 30 February: the month's last day");
        assert_eq!(last_valid_day(d("2027-01-31")), d("2027-04-30"));
        let mut c = Certificate::issue(
            CertificateCode::from_random(7),
            Office::Tokyo,
            NameOnCard::parse("NGUYEN,VAN,AN").unwrap(),
            Text::parse("Viet Nam").unwrap(),
            d("2001-04-02"),
            StatusOfResidence::EngineerHumanitiesInternational,
            d("2026-12-07"),
        );
        assert_eq!(c.validity(d("2026-12-07")), Validity::Valid);
        assert_eq!(c.validity(d("2027-03-07")), Validity::Valid, "its last day");
        assert_eq!(c.validity(d("2027-03-08")), Validity::Expired);
        c.withdraw(d("2026-12-20")).unwrap();
        assert_eq!(c.validity(d("2026-12-21")), Validity::Withdrawn { on: d("2026-12-20") });
        assert_eq!(c.validity(d("2027-04-01")), Validity::Withdrawn { on: d("2026-12-20") });
        assert_eq!(c.withdraw(d("2026-12-21")), Err(AlreadyWithdrawn));
        assert_eq!(AlreadyWithdrawn.rule(), "certificate.already_withdrawn");
        assert!(AlreadyWithdrawn.message_ja().contains("取り消されています"));
        assert_eq!(c.withdrawn_on(), Some(d("2026-12-20")));
    }
}
