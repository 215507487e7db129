//! The 47 prefectures of Japan, by their Japanese and English names: an address's prefecture, and what
//! decides which regional office has jurisdiction over it.

use serde::{Deserialize, Serialize};

use crate::error::Localized;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a prefecture of Japan")]
pub struct PrefectureError(pub String);

impl Localized for PrefectureError {
    fn rule(&self) -> &'static str {
        "prefecture.unknown"
    }
    fn message_ja(&self) -> String {
        format!("「{}」は都道府県名として認識できません。", self.0)
    }
}

/// The 47 prefectures, Japanese and English names.
pub const PREFECTURES: [(&str, &str); 47] = [
    ("北海道", "Hokkaido"),
    ("青森県", "Aomori"),
    ("岩手県", "Iwate"),
    ("宮城県", "Miyagi"),
    ("秋田県", "Akita"),
    ("山形県", "Yamagata"),
    ("福島県", "Fukushima"),
    ("茨城県", "Ibaraki"),
    ("栃木県", "Tochigi"),
    ("群馬県", "Gunma"),
    ("埼玉県", "Saitama"),
    ("千葉県", "Chiba"),
    ("東京都", "Tokyo"),
    ("神奈川県", "Kanagawa"),
    ("新潟県", "Niigata"),
    ("富山県", "Toyama"),
    ("石川県", "Ishikawa"),
    ("福井県", "Fukui"),
    ("山梨県", "Yamanashi"),
    ("長野県", "Nagano"),
    ("岐阜県", "Gifu"),
    ("静岡県", "Shizuoka"),
    ("愛知県", "Aichi"),
    ("三重県", "Mie"),
    ("滋賀県", "Shiga"),
    ("京都府", "Kyoto"),
    ("大阪府", "Osaka"),
    ("兵庫県", "Hyogo"),
    ("奈良県", "Nara"),
    ("和歌山県", "Wakayama"),
    ("鳥取県", "Tottori"),
    ("島根県", "Shimane"),
    ("岡山県", "Okayama"),
    ("広島県", "Hiroshima"),
    ("山口県", "Yamaguchi"),
    ("徳島県", "Tokushima"),
    ("香川県", "Kagawa"),
    ("愛媛県", "Ehime"),
    ("高知県", "Kochi"),
    ("福岡県", "Fukuoka"),
    ("佐賀県", "Saga"),
    ("長崎県", "Nagasaki"),
    ("熊本県", "Kumamoto"),
    ("大分県", "Oita"),
    ("宮崎県", "Miyazaki"),
    ("鹿児島県", "Kagoshima"),
    ("沖縄県", "Okinawa"),
];

/// A prefecture, kept by its Japanese name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Prefecture(String);

impl Prefecture {
    pub fn parse(input: &str) -> Result<Self, PrefectureError> {
        let s = input.trim();
        PREFECTURES
            .iter()
            .find(|(ja, en)| *ja == s || en.eq_ignore_ascii_case(s))
            .map(|(ja, _)| Self((*ja).to_owned()))
            .ok_or_else(|| PrefectureError(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefecture_is_read_in_either_language_and_anything_else_refused_by_name() {
        assert_eq!(Prefecture::parse(" Osaka ").unwrap().as_str(), "大阪府");
        assert_eq!(Prefecture::parse("東京都").unwrap().as_str(), "東京都");
        let e = Prefecture::parse("Kansai").unwrap_err();
        assert_eq!(e.rule(), "prefecture.unknown");
        assert!(e.message_ja().contains("「Kansai」"));
        assert!(e.to_string().contains("\"Kansai\""));
        assert_eq!(PREFECTURES.len(), 47);
    }
}
