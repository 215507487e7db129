use crate::AppState;
use crate::Problem;
use crate::Wired;
use crate::web::PageResult;
use crate::web::counter::people::PeopleArgs;
use crate::web::counter::people::RowError;
use crate::web::counter::people::people_page;
use crate::web::encode;
use crate::web::file_upload;
use crate::web::messages;
use crate::web::office::{OfficerVisit, refused_by};
use crate::web::see_other;
use crate::web::tr;
use crate::web::tr_owned;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use zairyu_app::Counter;
use zairyu_app::ServiceError;
use zairyu_app::services::counter::ForeignNationalInput;
use zairyu_app::services::list_file::{self, COLUMNS};
use zairyu_domain::error::Language as Lang;

/// The header row of the list file, to fill in.
pub(super) async fn list_template(OfficerVisit(_): OfficerVisit) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"foreign-nationals.csv\""),
        ],
        list_file::template(),
    )
        .into_response()
}

pub(super) async fn list_file(
    State(s): State<AppState>,
    Wired(counter): Wired<Counter>,
    OfficerVisit(v): OfficerVisit,
    Path(org): Path<String>,
    multipart: crate::web::MultipartResult,
) -> PageResult {
    let lang = v.lang();
    // After the form token, whether this counter serves the organization: otherwise not found.
    let serves = async { counter.office_organization(&v.caller, &org).await.map_err(refused_by(&v)) };
    let (upload, _) = file_upload(&v, multipart, "file", crate::limits::LIST_FILE, serves).await?;
    let refuse = async |errors: Vec<(String, String)>, rows: Vec<RowError>| -> PageResult {
        let (args, typed) = (PeopleArgs::default(), ForeignNationalInput::default());
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        people_page(&s, &counter, &v, &org, &args, status, false, &typed, &errors, &rows).await
    };
    let Some(bytes) = upload.file else {
        let message = tr_owned(lang, "ファイルを選んでください。", "Choose a file.");
        return refuse(vec![("list-file".into(), message)], Vec::new()).await;
    };
    match counter.import_list_file(&v.caller, &org, &bytes).await {
        Ok(_) => Ok(see_other(&format!("/office/organizations/{}/foreign-nationals?done=file", encode(&org)))),
        Err(e @ ServiceError::Invalid(_)) => {
            let mut rows = Vec::new();
            let mut file = Vec::new();
            for (field, message) in messages(lang, &Problem::from(e)) {
                match field.strip_prefix("row ").and_then(|r| r.split_once(": ")) {
                    Some((row, name)) => {
                        let column = COLUMNS.iter().find(|c| c.0 == name).map_or("", |c| tr(lang, c.1, c.2));
                        rows.push(RowError { row: row.to_owned(), column, message });
                    }
                    None => file.push(message),
                }
            }
            let summary = match (file.is_empty(), rows.len()) {
                (false, _) => file.join(" "),
                (true, n) => match lang {
                    Lang::Ja => format!("ファイルに{n}件の誤りがあります。何も登録していません。"),
                    Lang::En => format!("The file has {n} errors; nothing is stored."),
                },
            };
            refuse(vec![("list-file".into(), summary)], rows).await
        }
        Err(e) => Err(refused_by(&v)(e)),
    }
}
