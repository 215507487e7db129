//! What the organization's pages show of a stored line of the application list (the JSON of an
//! `ApplicationView`): read once here for every page that lists applications.

use serde::Deserialize;
use zairyu_app::lines::Line;
use zairyu_domain::error::Language as Lang;

use crate::Problem;
use crate::web::PageError;

#[derive(Deserialize)]
pub struct Row {
    pub id: String,
    pub status: RowStatus,
    pub name: String,
    pub residence_card_number: String,
    pub temporary_receipt_number: Option<String>,
    pub official_receipt_number: Option<String>,
    pub receipt_date: Option<String>,
    pub photo_attached: bool,
    pub blanket: Option<RowBlanket>,
    /// Lines stored before they named it are an extension's.
    #[serde(default)]
    pub procedure: zairyu_domain::procedure::Procedure,
}

impl Row {
    /// The application waits for the photo its procedure needs.
    pub fn photo_waiting(&self) -> bool {
        !self.photo_attached && self.procedure.needs_photo()
    }
}

#[derive(Deserialize)]
pub struct RowStatus {
    pub code: String,
    pub label_en: String,
    pub label_ja: String,
}

#[derive(Deserialize)]
pub struct RowBlanket {
    pub row: u32,
}

/// The rows of these lines; a line that does not read as one is our bug (500).
pub fn rows_of(lines: &[Line], lang: Lang) -> Result<Vec<Row>, PageError> {
    lines.iter().map(|line| serde_json::from_str::<Row>(line.json())).collect::<Result<Vec<_>, _>>().map_err(|e| {
        tracing::error!(error = %e, "a stored line does not read as a line");
        PageError::Problem(lang, Box::new(Problem::internal()))
    })
}
