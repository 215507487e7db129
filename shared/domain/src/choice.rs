//! The answers of the questions that offer choices, decided once: each answer's code (the API's and the
//! page's value), its words on the page in Japanese and English, the blanket template's word for it, and
//! the other ways people write it. The page offers these words, the check page shows them, the template
//! writes its word, and every reader (the form's parser, the page, a blanket row) understands any of them.

use crate::error::Language;

/// One answer a question offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The value the API takes and the page posts.
    pub code: &'static str,
    /// The words the page shows for it.
    pub ja: &'static str,
    pub en: &'static str,
    /// The word the blanket template's list offers (and writes in its example).
    pub template: &'static str,
    /// Other ways people write it, read as the same answer (compared without case).
    also: &'static [&'static str],
}

impl Choice {
    const fn new(code: &'static str, ja: &'static str, en: &'static str, template: &'static str) -> Choice {
        Choice { code, ja, en, template, also: &[] }
    }

    const fn or(self, also: &'static [&'static str]) -> Choice {
        Choice { also, ..self }
    }

    /// The page's words in one language.
    pub fn words(&self, lang: Language) -> &'static str {
        match lang {
            Language::Ja => self.ja,
            Language::En => self.en,
        }
    }

    /// `typed` as [`find`] makes it: half-width, lower case; each word made so too (メール's long vowel mark
    /// reads as a hyphen on both sides).
    fn is(&self, typed: &str) -> bool {
        let same = |w: &str| crate::jst::half_width(w).to_lowercase() == typed;
        same(self.code) || same(self.ja) || same(self.en) || same(self.template) || self.also.iter().any(|w| same(w))
    }
}

/// Yes or no (the template's 有/無).
pub const YES_NO: &[Choice] = &[
    Choice::new("yes", "はい", "Yes", "有").or(&["y", "true", "1", "あり", "○", "〇"]),
    Choice::new("no", "いいえ", "No", "無").or(&["n", "false", "0", "なし", "×"]),
];

pub const SEX: &[Choice] =
    &[Choice::new("male", "男", "Male", "男").or(&["m"]), Choice::new("female", "女", "Female", "女").or(&["f"])];

/// Re-entry permission filed with the application: none, single or multiple.
pub const RE_ENTRY: &[Choice] = &[
    Choice::new("none", "申請しない", "Not applied for", "なし").or(&["無"]),
    Choice::new("single", "1回限り", "Single", "一回限り"),
    Choice::new("multiple", "数次", "Multiple", "数次"),
];

/// How the new residence card is received.
pub const RECEIPT_METHOD: &[Choice] = &[
    Choice::new(
        "counter",
        "地方出入国在留管理官署の窓口で受け取る",
        "Collect it at the regional immigration office's counter",
        "窓口",
    )
    .or(&["窓口で受け取る", "at the counter"]),
    Choice::new("post", "郵送で受け取る", "Receive it by post", "郵送").or(&["by post"]),
];

/// Why a person in Japan asks for a first status (an acquisition's cause, art. 22-2).
pub const ACQUISITION_CAUSE: &[Choice] = &[
    Choice::new("birth", "出生", "Birth in Japan", "出生").or(&["born in japan"]),
    Choice::new("loss_of_japanese_nationality", "日本国籍の離脱等", "Loss of Japanese nationality", "国籍離脱")
        .or(&["日本国籍の喪失", "国籍喪失"]),
    Choice::new("other", "その他の事由", "Another cause", "その他"),
];

/// How a certificate of eligibility is received: as an electronic certificate by e-mail (the filer's notice
/// address), or on paper by post.
pub const CERTIFICATE_DELIVERY: &[Choice] = &[
    Choice::new(
        "email",
        "メールで受け取る（電子の証明書）",
        "Receive it by e-mail (an electronic certificate)",
        "メール",
    )
    .or(&["by e-mail", "e-mail", "電子メール"]),
    Choice::new("post", "郵送で受け取る（紙の証明書）", "Receive it by post (on paper)", "郵送").or(&[
        "by post",
        "郵送で受け取る",
        "receive it by post",
    ]),
];

/// The answer typed, in any of its ways (white space around it, full-width letters and digits, any case).
pub fn find(choices: &'static [Choice], typed: &str) -> Option<&'static Choice> {
    let typed = crate::jst::half_width(typed.trim()).to_lowercase();
    choices.iter().find(|c| c.is(&typed))
}

/// The page's words of every answer, quoted and joined as a sentence lists them: 「はい」か「いいえ」,
/// "Yes or No".
pub fn listed(choices: &[Choice], lang: Language) -> String {
    listed_words(choices.iter().map(|c| c.words(lang)).collect(), lang)
}

/// The template's words of every answer, listed as [`listed`] does.
pub fn listed_template(choices: &[Choice], lang: Language) -> String {
    listed_words(choices.iter().map(|c| c.template).collect(), lang)
}

fn listed_words(words: Vec<&str>, lang: Language) -> String {
    match lang {
        Language::Ja => words.iter().map(|w| format!("「{w}」")).collect::<Vec<_>>().join("か"),
        Language::En => match words.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_writing_an_answer_is_read() {
        for (list, typed, code) in [
            (YES_NO, "有", "yes"),
            (YES_NO, " はい ", "yes"),
            (YES_NO, "YES", "yes"),
            (YES_NO, "Ｙ", "yes"),
            (YES_NO, "1", "yes"),
            (YES_NO, "無", "no"),
            (YES_NO, "いいえ", "no"),
            (YES_NO, "False", "no"),
            (SEX, "女", "female"),
            (SEX, "M", "male"),
            (RE_ENTRY, "一回限り", "single"),
            (RE_ENTRY, "1回限り", "single"),
            (RE_ENTRY, "なし", "none"),
            (RE_ENTRY, "数次", "multiple"),
            (RECEIPT_METHOD, "郵送", "post"),
            (RECEIPT_METHOD, "Counter", "counter"),
            (RECEIPT_METHOD, "郵送で受け取る", "post"),
            (CERTIFICATE_DELIVERY, "メール", "email"),
            (CERTIFICATE_DELIVERY, "ＥＭＡＩＬ", "email"),
        ] {
            assert_eq!(find(list, typed).map(|c| c.code), Some(code), "{typed}");
        }
        for (list, typed) in [(YES_NO, "maybe"), (YES_NO, ""), (SEX, "x"), (RE_ENTRY, "twice"), (RECEIPT_METHOD, "fax")]
        {
            assert_eq!(find(list, typed), None, "{typed}");
        }
    }

    /// Every word a list shows or writes reads back as its own answer, and no two answers share one.
    #[test]
    fn each_answer_s_words_are_its_own() {
        for list in [YES_NO, SEX, RE_ENTRY, RECEIPT_METHOD] {
            for c in list {
                for w in [c.code, c.ja, c.en, c.template].into_iter().chain(c.also.iter().copied()) {
                    assert_eq!(find(list, w), Some(c), "{w}");
                }
            }
        }
    }

    #[test]
    fn answers_are_listed_as_a_sentence_lists_them() {
        assert_eq!(listed(YES_NO, Language::Ja), "「はい」か「いいえ」");
        assert_eq!(listed(YES_NO, Language::En), "Yes or No");
        assert_eq!(listed(RE_ENTRY, Language::En), "Not applied for, Single or Multiple");
        assert_eq!(listed_template(YES_NO, Language::Ja), "「有」か「無」");
    }
}
