//! The regional immigration services bureaus and district offices, as data. Each has the character that
//! opens its official receipt numbers (`福オンＥＮ25001878`, Q33) and whether it accepts requests for use:
//! the airport district offices do not (Q7).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Localized;
use crate::prefecture::Prefecture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeInfo {
    pub office: Office,
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_ja: &'static str,
    /// First character of the office's receipt numbers.
    pub receipt_char: char,
    pub accepts_requests_for_use: bool,
}

macro_rules! offices {
    ($($variant:ident => $code:literal, $en:literal, $ja:literal, $ch:literal, requests: $req:literal;)+) => {
        /// A regional bureau or district office of the Immigration Services Agency.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(try_from = "String", into = "String")]
        pub enum Office { $($variant),+ }

        pub const OFFICE_TABLE: &[OfficeInfo] = &[
            $(OfficeInfo { office: Office::$variant, code: $code, name_en: $en, name_ja: $ja, receipt_char: $ch, accepts_requests_for_use: $req }),+
        ];

        impl Office {
            pub const ALL: [Office; [$(stringify!($variant)),+].len()] = [$(Self::$variant),+];
        }
    };
}

offices! {
    Sapporo => "sapporo", "Sapporo Regional Immigration Services Bureau", "札幌出入国在留管理局", '札', requests: true;
    Sendai => "sendai", "Sendai Regional Immigration Services Bureau", "仙台出入国在留管理局", '仙', requests: true;
    Tokyo => "tokyo", "Tokyo Regional Immigration Services Bureau", "東京出入国在留管理局", '東', requests: true;
    Yokohama => "yokohama", "Yokohama District Immigration Services Office", "東京出入国在留管理局横浜支局", '横', requests: true;
    NaritaAirport => "narita_airport", "Narita Airport District Immigration Services Office", "東京出入国在留管理局成田空港支局", '成', requests: false;
    HanedaAirport => "haneda_airport", "Haneda Airport District Immigration Services Office", "東京出入国在留管理局羽田空港支局", '羽', requests: false;
    Nagoya => "nagoya", "Nagoya Regional Immigration Services Bureau", "名古屋出入国在留管理局", '名', requests: true;
    ChubuAirport => "chubu_airport", "Chubu Airport District Immigration Services Office", "名古屋出入国在留管理局中部空港支局", '中', requests: false;
    Osaka => "osaka", "Osaka Regional Immigration Services Bureau", "大阪出入国在留管理局", '大', requests: true;
    Kobe => "kobe", "Kobe District Immigration Services Office", "大阪出入国在留管理局神戸支局", '神', requests: true;
    KansaiAirport => "kansai_airport", "Kansai Airport District Immigration Services Office", "大阪出入国在留管理局関西空港支局", '関', requests: false;
    Hiroshima => "hiroshima", "Hiroshima Regional Immigration Services Bureau", "広島出入国在留管理局", '広', requests: true;
    Takamatsu => "takamatsu", "Takamatsu Regional Immigration Services Bureau", "高松出入国在留管理局", '高', requests: true;
    Fukuoka => "fukuoka", "Fukuoka Regional Immigration Services Bureau", "福岡出入国在留管理局", '福', requests: true;
    Naha => "naha", "Naha District Immigration Services Office", "福岡出入国在留管理局那覇支局", '那', requests: true;
}

/// Which office has jurisdiction over which prefectures (by their Japanese names, as [`Prefecture`] keeps
/// them). Every prefecture is in exactly one row (a test holds it).
const JURISDICTION: &[(Office, &[&str])] = &[
    (Office::Sapporo, &["北海道"]),
    (Office::Sendai, &["青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"]),
    (Office::Tokyo, &["茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "新潟県", "山梨県", "長野県"]),
    (Office::Yokohama, &["神奈川県"]),
    (Office::Nagoya, &["富山県", "石川県", "福井県", "岐阜県", "静岡県", "愛知県", "三重県"]),
    (Office::Osaka, &["滋賀県", "京都府", "大阪府", "奈良県", "和歌山県"]),
    (Office::Kobe, &["兵庫県"]),
    (Office::Hiroshima, &["鳥取県", "島根県", "岡山県", "広島県", "山口県"]),
    (Office::Takamatsu, &["徳島県", "香川県", "愛媛県", "高知県"]),
    (Office::Fukuoka, &["福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県"]),
    (Office::Naha, &["沖縄県"]),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an immigration office")]
pub struct UnknownOffice(pub String);

impl Localized for UnknownOffice {
    fn rule(&self) -> &'static str {
        "office.unknown"
    }
    fn message_ja(&self) -> String {
        format!("「{}」は地方出入国在留管理官署として認識できません。", self.0)
    }
}

impl Office {
    pub fn info(self) -> &'static OfficeInfo {
        &OFFICE_TABLE[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn parse(input: &str) -> Result<Self, UnknownOffice> {
        let s = input.trim();
        OFFICE_TABLE
            .iter()
            .find(|i| i.code == s || i.name_ja == s)
            .map(|i| i.office)
            .ok_or_else(|| UnknownOffice(s.to_owned()))
    }

    /// The office with jurisdiction over a prefecture: where a resident there applies, and the office that
    /// examines an application from there (Q46–Q49). The district offices of Yokohama, Kobe and Naha have
    /// Kanagawa, Hyogo and Okinawa; the airport offices have no area of residence.
    pub fn with_jurisdiction_over(prefecture: &Prefecture) -> Self {
        let p = prefecture.as_str();
        JURISDICTION.iter().find(|(_, prefectures)| prefectures.contains(&p)).map_or(Self::Tokyo, |(o, _)| *o)
    }

    pub fn from_receipt_char(c: char) -> Option<Self> {
        OFFICE_TABLE.iter().find(|i| i.receipt_char == c).map(|i| i.office)
    }
}

impl fmt::Display for Office {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Office {
    type Error = UnknownOffice;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Office> for String {
    fn from(value: Office) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefecture::PREFECTURES;
    use std::collections::HashSet;

    #[test]
    fn table_and_enum_agree_and_receipt_characters_are_unique() {
        for (i, o) in Office::ALL.iter().enumerate() {
            assert_eq!(OFFICE_TABLE[i].office, *o);
            assert_eq!(Office::from_receipt_char(o.info().receipt_char), Some(*o));
        }
        let chars: HashSet<_> = OFFICE_TABLE.iter().map(|i| i.receipt_char).collect();
        assert_eq!(chars.len(), OFFICE_TABLE.len());
    }

    #[test]
    fn q7_airport_offices_do_not_accept_requests_for_use() {
        for o in [Office::NaritaAirport, Office::HanedaAirport, Office::ChubuAirport, Office::KansaiAirport] {
            assert!(!o.info().accepts_requests_for_use);
        }
        assert!(Office::Fukuoka.info().accepts_requests_for_use);
    }

    #[test]
    fn parse_office() {
        assert_eq!(Office::parse("fukuoka"), Ok(Office::Fukuoka));
        assert_eq!(Office::parse("福岡出入国在留管理局"), Ok(Office::Fukuoka));
        assert!(Office::parse("atlantis").is_err());
    }

    #[test]
    fn q46_every_prefecture_is_in_exactly_one_office_s_jurisdiction() {
        for (ja, en) in PREFECTURES {
            let rows = JURISDICTION.iter().filter(|(_, ps)| ps.contains(&ja)).count();
            assert_eq!(rows, 1, "{ja}");
            let p = Prefecture::parse(en).unwrap();
            assert!(Office::with_jurisdiction_over(&p).info().accepts_requests_for_use, "{en}: not an airport");
        }
        assert_eq!(JURISDICTION.iter().map(|(_, ps)| ps.len()).sum::<usize>(), PREFECTURES.len());
        let office = |name: &str| Office::with_jurisdiction_over(&Prefecture::parse(name).unwrap());
        assert_eq!(office("東京都"), Office::Tokyo);
        assert_eq!(office("Kanagawa"), Office::Yokohama);
        assert_eq!(office("大阪府"), Office::Osaka);
        assert_eq!(office("Hyogo"), Office::Kobe);
        assert_eq!(office("福岡県"), Office::Fukuoka);
        assert_eq!(office("Okinawa"), Office::Naha);
        assert_eq!(office("北海道"), Office::Sapporo);
        assert_eq!(office("Niigata"), Office::Tokyo);
        assert_eq!(office("Shizuoka"), Office::Nagoya);
    }

    #[test]
    fn an_office_is_written_by_its_code_and_an_unknown_one_is_named() {
        assert_eq!(Office::Fukuoka.to_string(), "fukuoka");
        assert_eq!(String::from(Office::NaritaAirport), "narita_airport");
        let e = Office::parse("atlantis").unwrap_err();
        assert_eq!(e.rule(), "office.unknown");
        assert!(e.message_ja().contains("「atlantis」"), "{}", e.message_ja());
    }
}
