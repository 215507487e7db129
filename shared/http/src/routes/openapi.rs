//! The OpenAPI 3.1 document, generated from the route tables of [`RESOURCES`](crate::RESOURCES): every
//! request and response body is described by the JSON Schema (2020-12, OpenAPI 3.1's own dialect) of the Rust
//! type the handler reads or writes, generated from that type, so the document cannot drift from the code.

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::routes::{BodyKind, RESOURCES, Reply};

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

/// The schema of the answer of `GET /api/openapi.json`.
pub fn document_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "description": "An OpenAPI 3.1 document",
        "required": ["openapi", "info", "paths"],
        "properties": { "openapi": { "type": "string" }, "info": { "type": "object" }, "paths": { "type": "object" } }
    })
}

/// The document.
pub fn document() -> Value {
    let mut generator = SchemaGenerator::new(
        SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into()),
    );
    let problem = generator.subschema_for::<crate::Problem>();
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
        let mut params: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        // The query the handler reads: each of its fields a parameter, required where the type requires it.
        if let Some(query) = spec.query {
            let schema = query(&mut generator);
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (name, property) in properties {
                    // An absent parameter is the `None` of an optional field: a query has no null.
                    let mut property = property.clone();
                    if let Some(Value::Array(types)) = property.get_mut("type") {
                        types.retain(|t| t != "null");
                        if let [only] = types.as_slice() {
                            let only = only.clone();
                            property["type"] = only;
                        }
                    }
                    params.push(json!({
                        "name": name,
                        "in": "query",
                        "required": required.contains(&name.as_str()),
                        "schema": property
                    }));
                }
            }
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        match spec.body {
            BodyKind::None => {}
            BodyKind::Json(schema) => {
                let schema = schema(&mut generator);
                op.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "application/json": { "schema": schema } } }),
                );
            }
            BodyKind::Jpeg => {
                op.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "image/jpeg": { "schema": { "type": "string", "contentMediaType": "image/jpeg", "maxLength": zairyu_domain::photo::MAX_PHOTO_BYTES } } } }),
                );
            }
        }
        // Every route behind the session answers 401 without one and 403 to another audience (an officer on
        // an organization's route, a user on the office's, a role that may not) or without the CSRF token.
        let mut codes: Vec<u16> = spec.responses.to_vec();
        if spec.session {
            codes.extend([401, 403]);
        }
        // A query is refused 400 when it is not the route's (an unknown parameter, not a number) and 422 when
        // a well-formed value names nothing usable (a page cursor not ours, a status no application has).
        if spec.query.is_some() {
            codes.extend([400, 422]);
        }
        // A body is refused 415 in another type, 400 when it is not the route's JSON and 422 when a value
        // breaks a rule; a photo 413 over its size.
        match spec.body {
            BodyKind::None => {}
            BodyKind::Json(_) => codes.extend([400, 415, 422]),
            BodyKind::Jpeg => codes.extend([413, 415, 422]),
        }
        codes.sort_unstable();
        codes.dedup();
        let mut responses = Map::new();
        for code in &codes {
            let mut response = json!({ "description": status_text(*code) });
            let content = if *code >= 400 {
                Some(json!({ "application/problem+json": { "schema": problem } }))
            } else {
                match spec.reply {
                    Reply::Empty => None,
                    Reply::Json(schema) => Some(json!({ "application/json": { "schema": schema(&mut generator) } })),
                    Reply::File(media) => {
                        Some(json!({ media: { "schema": { "type": "string", "contentMediaType": media } } }))
                    }
                }
            };
            if let (Some(content), Value::Object(r)) = (content, &mut response) {
                r.insert("content".into(), content);
            }
            responses.insert(code.to_string(), response);
        }
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(spec.path.to_owned()).or_insert_with(|| json!({}));
        if let Value::Object(m) = entry {
            m.insert(spec.method.to_lowercase(), Value::Object(op));
        }
    }
    let schemas: Map<String, Value> = generator.take_definitions(true);
    let mut doc = json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "zairyu — Online Residence Application System API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The Online Residence Application System: organizations' users and the regional immigration offices. Errors are RFC 9457 problem details with messages in English and Japanese."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE },
                "csrf": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token" }
            },
            "schemas": schemas
        }
    });
    with_integer_bounds(&mut doc);
    doc
}

/// Every integer of a fixed width states its range as numbers (`format: uint32` alone says it to no
/// validator): a value outside it is not one the API can take, and the document says so.
fn with_integer_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let bounds = match map.get("format").and_then(Value::as_str) {
                Some("uint8") => Some((0, u64::from(u8::MAX))),
                Some("uint16") => Some((0, u64::from(u16::MAX))),
                Some("uint32") => Some((0, u64::from(u32::MAX))),
                Some("uint64" | "uint") => Some((0, u64::MAX)),
                _ => None,
            };
            if let Some((min, max)) = bounds {
                map.entry("minimum").or_insert(json!(min));
                map.entry("maximum").or_insert(json!(max));
            }
            map.values_mut().for_each(with_integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(with_integer_bounds),
        _ => {}
    }
}
