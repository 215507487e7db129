//! The OpenAPI 3.1 document, generated from the route tables of [`RESOURCES`](crate::RESOURCES) and the
//! problem format.

use serde_json::{Map, Value, json};

use crate::routes::{BodyKind, RESOURCES};

fn status_text(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No content",
        400 => "Malformed request (problem+json)",
        401 => "Not logged in, or log-in refused (problem+json)",
        403 => "Refused: CSRF token, lockout, suspension, or access from outside Japan (problem+json)",
        404 => "Not found, or not yours (problem+json)",
        409 => "Not possible in the current status, or changed meanwhile (problem+json)",
        413 => "Body too large (problem+json)",
        415 => "Wrong content type (problem+json)",
        422 => "The input breaks a rule; every failing field is listed (problem+json)",
        _ => "See the problem document",
    }
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (resource, spec) in RESOURCES.iter().flat_map(|r| r.routes.iter().map(move |s| (r.name, s))) {
        let mut op = Map::new();
        op.insert("summary".into(), json!(spec.summary));
        op.insert("operationId".into(), json!(format!("{} {}", spec.method, spec.path)));
        op.insert("tags".into(), json!([resource]));
        op.insert("x-function".into(), json!(spec.function.crate_dir()));
        if spec.session {
            op.insert("security".into(), json!([{ "session": [], "csrf": [] }]));
        }
        let params: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        match spec.body {
            BodyKind::None => {}
            BodyKind::Json(schema) => {
                op.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "application/json": { "schema": { "title": schema, "type": "object" } } } }),
                );
            }
            BodyKind::Jpeg => {
                op.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "image/jpeg": { "schema": { "type": "string", "contentMediaType": "image/jpeg", "maxLength": zairyu_domain::photo::MAX_PHOTO_BYTES } } } }),
                );
            }
        }
        let mut responses = Map::new();
        for code in spec.responses {
            let content = if *code >= 400 {
                json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } })
            } else if *code == 204 || *code == 202 {
                json!({})
            } else {
                json!({ "application/json": { "schema": { "type": "object" } } })
            };
            responses.insert(code.to_string(), json!({ "description": status_text(*code), "content": content }));
        }
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(spec.path.to_owned()).or_insert_with(|| json!({}));
        if let Value::Object(m) = entry {
            m.insert(spec.method.to_lowercase(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "zairyu — Online Residence Application System API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The users' side of the Online Residence Application System. Errors are RFC 9457 problem details with messages in English and Japanese."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE },
                "csrf": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token" }
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail", "detail_ja", "rule"],
                    "properties": {
                        "type": { "type": "string", "format": "uri" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "detail": { "type": "string" },
                        "detail_ja": { "type": "string" },
                        "rule": { "type": "string" },
                        "errors": { "type": "array", "items": { "type": "object", "required": ["field", "rule", "message_en", "message_ja"],
                            "properties": { "field": { "type": "string" }, "rule": { "type": "string" }, "message_en": { "type": "string" }, "message_ja": { "type": "string" } } } }
                    }
                }
            }
        }
    })
}
