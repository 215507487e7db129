//! Lambda function `batch-upload`: S3 reports a stored object under `uploads/{organization}/{upload}.xlsx`;
//! the function reads it and registers its rows into that organization's upload. The organization comes
//! from the key the API signed, never from the file. S3 may report one object twice: processing is
//! idempotent.

use aws_lambda_events::event::s3::S3Event;
use zairyu_app::services::blanket::parse_upload_key;
use zairyu_app::{Blanket, ServiceError};

/// S3 event keys are URL-encoded, with `+` for a space.
pub fn decode_key(key: &str) -> String {
    let bytes = key.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Processes every blanket file the event names; returns how many were processed.
pub async fn handle(blanket: &Blanket, event: S3Event) -> Result<usize, ServiceError> {
    let mut done = 0;
    for record in event.records {
        let Some(raw) = record.s3.object.key.as_deref() else { continue };
        let key = decode_key(raw);
        let Some((org, upload)) = parse_upload_key(&key) else {
            tracing::warn!(key = %key, "not a blanket upload key; ignored");
            continue;
        };
        let Some(bytes) = blanket.uploaded_file(&key).await? else {
            tracing::warn!(key = %key, "the object is gone; nothing to process");
            continue;
        };
        let result = zairyu_blanket::process(blanket, &org, &upload, &bytes).await?;
        tracing::info!(upload = %upload, state = ?result.state(), registered = result.rows_registered(), failed = result.rows_failed(), "blanket file processed");
        done += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::decode_key;

    #[test]
    fn s3_keys_are_decoded() {
        assert_eq!(decode_key("uploads/org-1/01J%2BX.xlsx"), "uploads/org-1/01J+X.xlsx");
        assert_eq!(decode_key("a+b%20c"), "a b c");
        assert_eq!(decode_key("100%"), "100%");
        assert_eq!(decode_key("bad%zz"), "bad%zz");
    }
}
