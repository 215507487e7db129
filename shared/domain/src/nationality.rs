//! Nationalities and regions as people write them: a table of the names (Japanese and English, and the
//! other ways they are commonly written) and their ISO 3166-1 alpha-3 codes (Kosovo's is the code in
//! common use, XKX; stateless is ICAO's XXA). A nationality typed in a blanket row in Japanese
//! (「ベトナム」) is the list's "Viet Nam": both read to the same code. A name not in the table is compared
//! as written (without regard to case or runs of spaces).

use crate::error::Language;

/// One nationality or region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-3.
    pub code: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
    also: &'static [&'static str],
}

impl Country {
    pub fn name(&self, lang: Language) -> &'static str {
        match lang {
            Language::Ja => self.ja,
            Language::En => self.en,
        }
    }

    fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.code, self.ja, self.en].into_iter().chain(self.also.iter().copied())
    }
}

/// Sorted by code.
pub const COUNTRIES: &[Country] = &[
    Country { code: "AFG", ja: "アフガニスタン", en: "Afghanistan", also: &[] },
    Country { code: "AGO", ja: "アンゴラ", en: "Angola", also: &[] },
    Country { code: "ALB", ja: "アルバニア", en: "Albania", also: &[] },
    Country { code: "AND", ja: "アンドラ", en: "Andorra", also: &[] },
    Country { code: "ARE", ja: "アラブ首長国連邦", en: "United Arab Emirates", also: &["UAE"] },
    Country { code: "ARG", ja: "アルゼンチン", en: "Argentina", also: &[] },
    Country { code: "ARM", ja: "アルメニア", en: "Armenia", also: &[] },
    Country { code: "ATG", ja: "アンティグア・バーブーダ", en: "Antigua and Barbuda", also: &[] },
    Country { code: "AUS", ja: "オーストラリア", en: "Australia", also: &["豪州"] },
    Country { code: "AUT", ja: "オーストリア", en: "Austria", also: &[] },
    Country { code: "AZE", ja: "アゼルバイジャン", en: "Azerbaijan", also: &[] },
    Country { code: "BDI", ja: "ブルンジ", en: "Burundi", also: &[] },
    Country { code: "BEL", ja: "ベルギー", en: "Belgium", also: &[] },
    Country { code: "BEN", ja: "ベナン", en: "Benin", also: &[] },
    Country { code: "BFA", ja: "ブルキナファソ", en: "Burkina Faso", also: &[] },
    Country { code: "BGD", ja: "バングラデシュ", en: "Bangladesh", also: &["バングラディシュ"] },
    Country { code: "BGR", ja: "ブルガリア", en: "Bulgaria", also: &[] },
    Country { code: "BHR", ja: "バーレーン", en: "Bahrain", also: &[] },
    Country { code: "BHS", ja: "バハマ", en: "Bahamas", also: &["The Bahamas"] },
    Country { code: "BIH", ja: "ボスニア・ヘルツェゴビナ", en: "Bosnia and Herzegovina", also: &[] },
    Country { code: "BLR", ja: "ベラルーシ", en: "Belarus", also: &[] },
    Country { code: "BLZ", ja: "ベリーズ", en: "Belize", also: &[] },
    Country { code: "BOL", ja: "ボリビア", en: "Bolivia", also: &["Plurinational State of Bolivia"] },
    Country { code: "BRA", ja: "ブラジル", en: "Brazil", also: &[] },
    Country { code: "BRB", ja: "バルバドス", en: "Barbados", also: &[] },
    Country { code: "BRN", ja: "ブルネイ", en: "Brunei Darussalam", also: &["Brunei"] },
    Country { code: "BTN", ja: "ブータン", en: "Bhutan", also: &[] },
    Country { code: "BWA", ja: "ボツワナ", en: "Botswana", also: &[] },
    Country {
        code: "CAF", ja: "中央アフリカ", en: "Central African Republic", also: &["中央アフリカ共和国"]
    },
    Country { code: "CAN", ja: "カナダ", en: "Canada", also: &[] },
    Country { code: "CHE", ja: "スイス", en: "Switzerland", also: &[] },
    Country { code: "CHL", ja: "チリ", en: "Chile", also: &[] },
    Country {
        code: "CHN", ja: "中国", en: "China", also: &["中華人民共和国", "People's Republic of China", "PRC"]
    },
    Country {
        code: "CIV", ja: "コートジボワール", en: "Côte d'Ivoire", also: &["Cote d'Ivoire", "Ivory Coast"]
    },
    Country { code: "CMR", ja: "カメルーン", en: "Cameroon", also: &[] },
    Country {
        code: "COD", ja: "コンゴ民主共和国", en: "Democratic Republic of the Congo", also: &["DR Congo"]
    },
    Country { code: "COG", ja: "コンゴ共和国", en: "Congo", also: &["Republic of the Congo"] },
    Country { code: "COL", ja: "コロンビア", en: "Colombia", also: &[] },
    Country { code: "COM", ja: "コモロ", en: "Comoros", also: &[] },
    Country { code: "CPV", ja: "カーボベルデ", en: "Cabo Verde", also: &["Cape Verde"] },
    Country { code: "CRI", ja: "コスタリカ", en: "Costa Rica", also: &[] },
    Country { code: "CUB", ja: "キューバ", en: "Cuba", also: &[] },
    Country { code: "CYP", ja: "キプロス", en: "Cyprus", also: &[] },
    Country { code: "CZE", ja: "チェコ", en: "Czechia", also: &["Czech Republic", "チェコ共和国"] },
    Country { code: "DEU", ja: "ドイツ", en: "Germany", also: &[] },
    Country { code: "DJI", ja: "ジブチ", en: "Djibouti", also: &[] },
    Country { code: "DMA", ja: "ドミニカ国", en: "Dominica", also: &[] },
    Country { code: "DNK", ja: "デンマーク", en: "Denmark", also: &[] },
    Country { code: "DOM", ja: "ドミニカ共和国", en: "Dominican Republic", also: &[] },
    Country { code: "DZA", ja: "アルジェリア", en: "Algeria", also: &[] },
    Country { code: "ECU", ja: "エクアドル", en: "Ecuador", also: &[] },
    Country { code: "EGY", ja: "エジプト", en: "Egypt", also: &[] },
    Country { code: "ERI", ja: "エリトリア", en: "Eritrea", also: &[] },
    Country { code: "ESP", ja: "スペイン", en: "Spain", also: &[] },
    Country { code: "EST", ja: "エストニア", en: "Estonia", also: &[] },
    Country { code: "ETH", ja: "エチオピア", en: "Ethiopia", also: &[] },
    Country { code: "FIN", ja: "フィンランド", en: "Finland", also: &[] },
    Country { code: "FJI", ja: "フィジー", en: "Fiji", also: &[] },
    Country { code: "FRA", ja: "フランス", en: "France", also: &[] },
    Country {
        code: "FSM",
        ja: "ミクロネシア",
        en: "Micronesia",
        also: &["Federated States of Micronesia", "ミクロネシア連邦"],
    },
    Country { code: "GAB", ja: "ガボン", en: "Gabon", also: &[] },
    Country {
        code: "GBR",
        ja: "英国",
        en: "United Kingdom",
        also: &["UK", "Great Britain", "イギリス", "United Kingdom of Great Britain and Northern Ireland"],
    },
    Country { code: "GEO", ja: "ジョージア", en: "Georgia", also: &["グルジア"] },
    Country { code: "GHA", ja: "ガーナ", en: "Ghana", also: &[] },
    Country { code: "GIN", ja: "ギニア", en: "Guinea", also: &[] },
    Country { code: "GMB", ja: "ガンビア", en: "Gambia", also: &["The Gambia"] },
    Country { code: "GNB", ja: "ギニアビサウ", en: "Guinea-Bissau", also: &[] },
    Country { code: "GNQ", ja: "赤道ギニア", en: "Equatorial Guinea", also: &[] },
    Country { code: "GRC", ja: "ギリシャ", en: "Greece", also: &["ギリシア"] },
    Country { code: "GRD", ja: "グレナダ", en: "Grenada", also: &[] },
    Country { code: "GTM", ja: "グアテマラ", en: "Guatemala", also: &[] },
    Country { code: "GUY", ja: "ガイアナ", en: "Guyana", also: &[] },
    Country { code: "HKG", ja: "香港", en: "Hong Kong", also: &["Hong Kong SAR", "中国（香港）"] },
    Country { code: "HND", ja: "ホンジュラス", en: "Honduras", also: &[] },
    Country { code: "HRV", ja: "クロアチア", en: "Croatia", also: &[] },
    Country { code: "HTI", ja: "ハイチ", en: "Haiti", also: &[] },
    Country { code: "HUN", ja: "ハンガリー", en: "Hungary", also: &[] },
    Country { code: "IDN", ja: "インドネシア", en: "Indonesia", also: &[] },
    Country { code: "IND", ja: "インド", en: "India", also: &[] },
    Country { code: "IRL", ja: "アイルランド", en: "Ireland", also: &[] },
    Country { code: "IRN", ja: "イラン", en: "Iran", also: &["Islamic Republic of Iran"] },
    Country { code: "IRQ", ja: "イラク", en: "Iraq", also: &[] },
    Country { code: "ISL", ja: "アイスランド", en: "Iceland", also: &[] },
    Country { code: "ISR", ja: "イスラエル", en: "Israel", also: &[] },
    Country { code: "ITA", ja: "イタリア", en: "Italy", also: &[] },
    Country { code: "JAM", ja: "ジャマイカ", en: "Jamaica", also: &[] },
    Country { code: "JOR", ja: "ヨルダン", en: "Jordan", also: &[] },
    Country { code: "KAZ", ja: "カザフスタン", en: "Kazakhstan", also: &[] },
    Country { code: "KEN", ja: "ケニア", en: "Kenya", also: &[] },
    Country { code: "KGZ", ja: "キルギス", en: "Kyrgyzstan", also: &["Kyrgyz Republic"] },
    Country { code: "KHM", ja: "カンボジア", en: "Cambodia", also: &[] },
    Country { code: "KIR", ja: "キリバス", en: "Kiribati", also: &[] },
    Country {
        code: "KNA", ja: "セントクリストファー・ネービス", en: "Saint Kitts and Nevis", also: &[]
    },
    Country { code: "KOR", ja: "韓国", en: "Republic of Korea", also: &["Korea", "South Korea", "大韓民国"] },
    Country { code: "KWT", ja: "クウェート", en: "Kuwait", also: &[] },
    Country { code: "LAO", ja: "ラオス", en: "Lao People's Democratic Republic", also: &["Laos"] },
    Country { code: "LBN", ja: "レバノン", en: "Lebanon", also: &[] },
    Country { code: "LBR", ja: "リベリア", en: "Liberia", also: &[] },
    Country { code: "LBY", ja: "リビア", en: "Libya", also: &[] },
    Country { code: "LCA", ja: "セントルシア", en: "Saint Lucia", also: &[] },
    Country { code: "LIE", ja: "リヒテンシュタイン", en: "Liechtenstein", also: &[] },
    Country { code: "LKA", ja: "スリランカ", en: "Sri Lanka", also: &[] },
    Country { code: "LSO", ja: "レソト", en: "Lesotho", also: &[] },
    Country { code: "LTU", ja: "リトアニア", en: "Lithuania", also: &[] },
    Country { code: "LUX", ja: "ルクセンブルク", en: "Luxembourg", also: &[] },
    Country { code: "LVA", ja: "ラトビア", en: "Latvia", also: &[] },
    Country { code: "MAC", ja: "マカオ", en: "Macao", also: &["Macau", "中国（マカオ）"] },
    Country { code: "MAR", ja: "モロッコ", en: "Morocco", also: &[] },
    Country { code: "MCO", ja: "モナコ", en: "Monaco", also: &[] },
    Country { code: "MDA", ja: "モルドバ", en: "Moldova", also: &["Republic of Moldova"] },
    Country { code: "MDG", ja: "マダガスカル", en: "Madagascar", also: &[] },
    Country { code: "MDV", ja: "モルディブ", en: "Maldives", also: &[] },
    Country { code: "MEX", ja: "メキシコ", en: "Mexico", also: &[] },
    Country { code: "MHL", ja: "マーシャル諸島", en: "Marshall Islands", also: &[] },
    Country { code: "MKD", ja: "北マケドニア", en: "North Macedonia", also: &["Macedonia"] },
    Country { code: "MLI", ja: "マリ", en: "Mali", also: &[] },
    Country { code: "MLT", ja: "マルタ", en: "Malta", also: &[] },
    Country { code: "MMR", ja: "ミャンマー", en: "Myanmar", also: &["Burma", "ビルマ"] },
    Country { code: "MNE", ja: "モンテネグロ", en: "Montenegro", also: &[] },
    Country { code: "MNG", ja: "モンゴル", en: "Mongolia", also: &[] },
    Country { code: "MOZ", ja: "モザンビーク", en: "Mozambique", also: &[] },
    Country { code: "MRT", ja: "モーリタニア", en: "Mauritania", also: &[] },
    Country { code: "MUS", ja: "モーリシャス", en: "Mauritius", also: &[] },
    Country { code: "MWI", ja: "マラウイ", en: "Malawi", also: &[] },
    Country { code: "MYS", ja: "マレーシア", en: "Malaysia", also: &[] },
    Country { code: "NAM", ja: "ナミビア", en: "Namibia", also: &[] },
    Country { code: "NER", ja: "ニジェール", en: "Niger", also: &[] },
    Country { code: "NGA", ja: "ナイジェリア", en: "Nigeria", also: &[] },
    Country { code: "NIC", ja: "ニカラグア", en: "Nicaragua", also: &[] },
    Country { code: "NLD", ja: "オランダ", en: "Netherlands", also: &["The Netherlands", "Holland"] },
    Country { code: "NOR", ja: "ノルウェー", en: "Norway", also: &[] },
    Country { code: "NPL", ja: "ネパール", en: "Nepal", also: &[] },
    Country { code: "NRU", ja: "ナウル", en: "Nauru", also: &[] },
    Country { code: "NZL", ja: "ニュージーランド", en: "New Zealand", also: &[] },
    Country { code: "OMN", ja: "オマーン", en: "Oman", also: &[] },
    Country { code: "PAK", ja: "パキスタン", en: "Pakistan", also: &[] },
    Country { code: "PAN", ja: "パナマ", en: "Panama", also: &[] },
    Country { code: "PER", ja: "ペルー", en: "Peru", also: &[] },
    Country { code: "PHL", ja: "フィリピン", en: "Philippines", also: &["The Philippines", "比国"] },
    Country { code: "PLW", ja: "パラオ", en: "Palau", also: &[] },
    Country { code: "PNG", ja: "パプアニューギニア", en: "Papua New Guinea", also: &[] },
    Country { code: "POL", ja: "ポーランド", en: "Poland", also: &[] },
    Country {
        code: "PRK",
        ja: "北朝鮮",
        en: "Democratic People's Republic of Korea",
        also: &["North Korea", "朝鮮民主主義人民共和国"],
    },
    Country { code: "PRT", ja: "ポルトガル", en: "Portugal", also: &[] },
    Country { code: "PRY", ja: "パラグアイ", en: "Paraguay", also: &[] },
    Country { code: "PSE", ja: "パレスチナ", en: "Palestine", also: &["State of Palestine"] },
    Country { code: "QAT", ja: "カタール", en: "Qatar", also: &[] },
    Country { code: "ROU", ja: "ルーマニア", en: "Romania", also: &[] },
    Country { code: "RUS", ja: "ロシア", en: "Russian Federation", also: &["Russia", "ロシア連邦"] },
    Country { code: "RWA", ja: "ルワンダ", en: "Rwanda", also: &[] },
    Country { code: "SAU", ja: "サウジアラビア", en: "Saudi Arabia", also: &[] },
    Country { code: "SDN", ja: "スーダン", en: "Sudan", also: &[] },
    Country { code: "SEN", ja: "セネガル", en: "Senegal", also: &[] },
    Country { code: "SGP", ja: "シンガポール", en: "Singapore", also: &[] },
    Country { code: "SLB", ja: "ソロモン諸島", en: "Solomon Islands", also: &[] },
    Country { code: "SLE", ja: "シエラレオネ", en: "Sierra Leone", also: &[] },
    Country { code: "SLV", ja: "エルサルバドル", en: "El Salvador", also: &[] },
    Country { code: "SMR", ja: "サンマリノ", en: "San Marino", also: &[] },
    Country { code: "SOM", ja: "ソマリア", en: "Somalia", also: &[] },
    Country { code: "SRB", ja: "セルビア", en: "Serbia", also: &[] },
    Country { code: "SSD", ja: "南スーダン", en: "South Sudan", also: &[] },
    Country { code: "STP", ja: "サントメ・プリンシペ", en: "Sao Tome and Principe", also: &[] },
    Country { code: "SUR", ja: "スリナム", en: "Suriname", also: &[] },
    Country { code: "SVK", ja: "スロバキア", en: "Slovakia", also: &["Slovak Republic"] },
    Country { code: "SVN", ja: "スロベニア", en: "Slovenia", also: &[] },
    Country { code: "SWE", ja: "スウェーデン", en: "Sweden", also: &[] },
    Country { code: "SWZ", ja: "エスワティニ", en: "Eswatini", also: &["Swaziland"] },
    Country { code: "SYC", ja: "セーシェル", en: "Seychelles", also: &[] },
    Country { code: "SYR", ja: "シリア", en: "Syrian Arab Republic", also: &["Syria"] },
    Country { code: "TCD", ja: "チャド", en: "Chad", also: &[] },
    Country { code: "TGO", ja: "トーゴ", en: "Togo", also: &[] },
    Country { code: "THA", ja: "タイ", en: "Thailand", also: &[] },
    Country { code: "TJK", ja: "タジキスタン", en: "Tajikistan", also: &[] },
    Country { code: "TKM", ja: "トルクメニスタン", en: "Turkmenistan", also: &[] },
    Country { code: "TLS", ja: "東ティモール", en: "Timor-Leste", also: &["East Timor"] },
    Country { code: "TON", ja: "トンガ", en: "Tonga", also: &[] },
    Country { code: "TTO", ja: "トリニダード・トバゴ", en: "Trinidad and Tobago", also: &[] },
    Country { code: "TUN", ja: "チュニジア", en: "Tunisia", also: &[] },
    Country { code: "TUR", ja: "トルコ", en: "Türkiye", also: &["Turkey", "Turkiye", "トルコ共和国"] },
    Country { code: "TUV", ja: "ツバル", en: "Tuvalu", also: &[] },
    Country { code: "TWN", ja: "台湾", en: "Taiwan", also: &[] },
    Country { code: "TZA", ja: "タンザニア", en: "Tanzania", also: &["United Republic of Tanzania"] },
    Country { code: "UGA", ja: "ウガンダ", en: "Uganda", also: &[] },
    Country { code: "UKR", ja: "ウクライナ", en: "Ukraine", also: &[] },
    Country { code: "URY", ja: "ウルグアイ", en: "Uruguay", also: &[] },
    Country {
        code: "USA",
        ja: "米国",
        en: "United States",
        also: &["United States of America", "USA", "US", "アメリカ", "アメリカ合衆国"],
    },
    Country { code: "UZB", ja: "ウズベキスタン", en: "Uzbekistan", also: &[] },
    Country { code: "VAT", ja: "バチカン", en: "Holy See", also: &["Vatican", "Vatican City"] },
    Country {
        code: "VCT",
        ja: "セントビンセント及びグレナディーン諸島",
        en: "Saint Vincent and the Grenadines",
        also: &[],
    },
    Country { code: "VEN", ja: "ベネズエラ", en: "Venezuela", also: &["Bolivarian Republic of Venezuela"] },
    Country { code: "VNM", ja: "ベトナム", en: "Viet Nam", also: &["Vietnam", "越南", "ヴェトナム"] },
    Country { code: "VUT", ja: "バヌアツ", en: "Vanuatu", also: &[] },
    Country { code: "WSM", ja: "サモア", en: "Samoa", also: &[] },
    Country { code: "XKX", ja: "コソボ", en: "Kosovo", also: &[] },
    Country { code: "XXA", ja: "無国籍", en: "Stateless", also: &[] },
    Country { code: "YEM", ja: "イエメン", en: "Yemen", also: &[] },
    Country { code: "ZAF", ja: "南アフリカ", en: "South Africa", also: &["南アフリカ共和国"] },
    Country { code: "ZMB", ja: "ザンビア", en: "Zambia", also: &[] },
    Country { code: "ZWE", ja: "ジンバブエ", en: "Zimbabwe", also: &[] },
];

/// A name as compared: full-width letters made half-width, capitals, one space between words, without
/// a leading "THE".
fn normal(s: &str) -> String {
    let s = crate::jst::half_width(s).to_uppercase();
    let words: Vec<&str> = s.split_whitespace().collect();
    let words = match words.split_first() {
        Some((&"THE", rest)) if !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.join(" ")
}

/// The nationality or region a name is of, written in any of its ways.
pub fn find(typed: &str) -> Option<&'static Country> {
    let typed = normal(typed);
    if typed.is_empty() {
        return None;
    }
    COUNTRIES.iter().find(|c| c.names().any(|n| normal(n) == typed))
}

/// Whether two names are of the same nationality: the same country, or (where either is not in the table)
/// the same words.
pub fn same(a: &str, b: &str) -> bool {
    match (find(a), find(b)) {
        (Some(x), Some(y)) => x.code == y.code,
        _ => normal(a) == normal(b),
    }
}

/// A nationality as pages show it: the table's name in the reader's language, or as written.
pub fn shown(written: &str, lang: Language) -> String {
    find(written).map_or_else(|| written.trim().to_owned(), |c| c.name(lang).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_three_capitals() {
        for pair in COUNTRIES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} {}", pair[0].code, pair[1].code);
        }
        for c in COUNTRIES {
            assert!(c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", c.code);
        }
    }

    /// Both ways: every name of every country reads to that country and no other.
    #[test]
    fn every_name_reads_to_its_own_country() {
        for c in COUNTRIES {
            for n in c.names() {
                assert_eq!(find(n).map(|x| x.code), Some(c.code), "{n}");
            }
            assert_eq!(find(&c.code.to_lowercase()).map(|x| x.code), Some(c.code));
        }
    }

    #[test]
    fn names_as_hr_departments_write_them() {
        for (a, b) in [
            ("ベトナム", "Viet Nam"),
            ("VIETNAM", "viet  nam"),
            ("中国", "CHINA"),
            ("フィリピン", "The Philippines"),
            ("ＵＳＡ", "United States of America"),
            ("韓国", "Republic of Korea"),
            ("ネパール", "NEPAL"),
            ("インドネシア", "IDN"),
            ("Unknownland", "UNKNOWNLAND"),
        ] {
            assert!(same(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("中国", "台湾"),
            ("韓国", "北朝鮮"),
            ("ギニア", "ギニアビサウ"),
            ("Niger", "Nigeria"),
            ("Unknownland", "Otherland"),
        ] {
            assert!(!same(a, b), "{a} {b}");
        }
        assert_eq!(shown("ベトナム", Language::En), "Viet Nam");
        assert_eq!(shown("viet nam", Language::Ja), "ベトナム");
        assert_eq!(shown(" Atlantis ", Language::Ja), "Atlantis");
    }
}
