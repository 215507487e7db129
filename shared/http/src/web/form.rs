use super::tr;
use crate::Problem;
use crate::web::PageCtx;
use maud::{Markup, html};
use zairyu_domain::error::Language as Lang;

/// The error summary at the top of a form: each message links to its field (Q36–Q39).
pub fn error_summary(lang: Lang, errors: &[(String, String)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (tr(lang, "入力内容に誤りがあります", "There is a problem")) }
                ul {
                    @for (field, message) in errors {
                        li { a href=(format!("#{field}")) { (message) } }
                    }
                }
            }
        }
    }
}

/// A labelled text field with its hint, its error and its required mark in words.
pub struct Field<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub autocomplete: &'a str,
}

impl Field<'_> {
    pub fn render(&self, lang: Lang) -> Markup {
        let hint_id = format!("{}-hint", self.id);
        let error_id = format!("{}-error", self.id);
        let mut described = Vec::new();
        if self.hint.is_some() {
            described.push(hint_id.as_str());
        }
        if self.error.is_some() {
            described.push(error_id.as_str());
        }
        let described = described.join(" ");
        html! {
            div.field.invalid[self.error.is_some()] {
                label for=(self.id) {
                    (self.label)
                    @if self.required { span.req { (tr(lang, "必須", "Required")) } }
                }
                @if let Some(hint) = self.hint { span.hint id=(hint_id) { (hint) } }
                @if let Some(error) = self.error {
                    span.field-error id=(error_id) {
                        span.visually-hidden { (tr(lang, "エラー：", "Error: ")) } (error)
                    }
                }
                input type=(self.kind) id=(self.id) name=(self.id) value=(self.value)
                    autocomplete=(self.autocomplete)
                    required[self.required]
                    aria-invalid=[self.error.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
            }
        }
    }
}

/// The questions of a form, with what the page knows of their errors: text fields and choices.
#[cfg(any(feature = "submit", feature = "office"))]
pub struct Form<'a> {
    pub ctx: &'a PageCtx,
    pub errors: &'a [(String, String)],
}

#[cfg(any(feature = "submit", feature = "office"))]
impl Form<'_> {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        id: &str,
        ja: &'static str,
        en: &'static str,
        value: &str,
        required: bool,
        hint: Option<(&'static str, &'static str)>,
    ) -> Markup {
        Field {
            id,
            label: self.ctx.tr(ja, en),
            kind: "text",
            value,
            required,
            hint: hint.map(|(ja, en)| self.ctx.tr(ja, en)),
            error: self.error(id),
            autocomplete: "off",
        }
        .render(self.ctx.lang)
    }

    /// A field of the application form as the form's registry describes it: label, hint, required mark.
    #[cfg(feature = "submit")]
    pub fn entry(&self, id: &str, spec: zairyu_domain::form::field::Spec, value: &str) -> Markup {
        Field {
            id,
            label: self.ctx.tr(spec.ja, spec.en),
            kind: "text",
            value,
            required: spec.required(),
            hint: spec.hint.map(|(ja, en)| self.ctx.tr(ja, en)),
            error: self.error(id),
            autocomplete: "off",
        }
        .render(self.ctx.lang)
    }

    /// A question of the application form answered by one of its choices, as the registry describes it;
    /// the answer typed (in any of its ways: 有, yes, はい) is shown chosen.
    #[cfg(feature = "submit")]
    pub fn pick(&self, spec: zairyu_domain::form::field::Spec, typed: &str) -> Markup {
        let choices = spec.kind.choices();
        let value = zairyu_domain::choice::find(choices, typed).map_or("", |c| c.code);
        let options: Vec<(&str, &'static str, &'static str)> = choices.iter().map(|c| (c.code, c.ja, c.en)).collect();
        self.choice_with(spec.key, (spec.ja, spec.en), spec.required(), value, &options, spec.hint)
    }

    /// A question answered by one of several choices (radio buttons in a fieldset).
    pub fn choice(
        &self,
        id: &str,
        legend: (&'static str, &'static str),
        value: &str,
        options: &[(&str, &'static str, &'static str)],
        hint: Option<(&'static str, &'static str)>,
    ) -> Markup {
        self.choice_with(id, legend, true, value, options, hint)
    }

    fn choice_with(
        &self,
        id: &str,
        legend: (&'static str, &'static str),
        required: bool,
        value: &str,
        options: &[(&str, &'static str, &'static str)],
        hint: Option<(&'static str, &'static str)>,
    ) -> Markup {
        let ctx = self.ctx;
        let options: Vec<(String, String)> =
            options.iter().map(|(code, ja, en)| ((*code).to_owned(), ctx.tr(ja, en).to_owned())).collect();
        self.options(id, ctx.tr(legend.0, legend.1), required, value, &options, hint.map(|(ja, en)| ctx.tr(ja, en)))
    }

    /// The box ticked to confirm a step that cannot be undone (`confirm=yes`), its error beside it.
    pub fn confirm(&self, id: &str, checked: bool) -> Markup {
        let ctx = self.ctx;
        let error = self.error(id);
        html! {
            div.field.invalid[error.is_some()] {
                @if let Some(e) = error {
                    span.field-error id=(format!("{id}-error")) { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) }
                }
                div.choice {
                    input type="checkbox" id=(id) name="confirm" value="yes" checked[checked]
                        aria-invalid=[error.map(|_| "true")];
                    label for=(id) { (ctx.tr("この処理は取り消せないことを確認しました", "I understand this cannot be undone")) }
                }
            }
        }
    }

    /// A question answered by one of several choices whose words the page composed (code, words).
    pub fn options(
        &self,
        id: &str,
        legend: &str,
        required: bool,
        value: &str,
        options: &[(String, String)],
        hint: Option<&str>,
    ) -> Markup {
        let ctx = self.ctx;
        let error = self.error(id);
        html! {
            div.field.invalid[error.is_some()] id=(id) tabindex="-1" {
                fieldset {
                    legend.label {
                        (legend)
                        @if required { span.req { (ctx.tr("必須", "Required")) } }
                    }
                    @if let Some(hint) = hint { span.hint { (hint) } }
                    @if let Some(e) = error { span.field-error { span.visually-hidden { (ctx.tr("エラー：", "Error: ")) } (e) } }
                    @for (code, words) in options {
                        @let option_id = format!("{id}-{code}");
                        div.choice {
                            input type="radio" id=(option_id) name=(id) value=(code) checked[value == code];
                            label for=(option_id) { (words) }
                        }
                    }
                }
            }
        }
    }
}

/// The error of a step that cannot be undone posted without its box ticked ([`Form::confirm`]).
#[cfg(any(feature = "submit", feature = "office"))]
pub fn confirm_missing(lang: Lang, id: String) -> (String, String) {
    let message = crate::web::tr_owned(
        lang,
        "取り消せない処理です。確認の欄にチェックを入れてください。",
        "This cannot be undone: tick the box to confirm it.",
    );
    (id, message)
}

/// Messages of a problem by field, in `lang` (a problem about no one field goes under `""`).
pub fn messages(lang: Lang, p: &Problem) -> Vec<(String, String)> {
    if p.errors.is_empty() {
        let detail = match lang {
            Lang::Ja => p.detail_ja.clone(),
            Lang::En => p.detail.clone(),
        };
        return vec![(String::new(), detail)];
    }
    p.errors
        .iter()
        .map(|v| {
            let m = match lang {
                Lang::Ja => v.message_ja.clone(),
                Lang::En => v.message_en.clone(),
            };
            (v.field.clone(), m)
        })
        .collect()
}
