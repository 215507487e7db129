//! Lambda function `batch-upload`: S3 reports a stored object under `uploads/{organization}/{upload}.xlsx`;
//! the function reads it and registers its rows into that organization's upload. The organization comes
//! from the key the API signed, never from the file. S3 may report one object twice: processing is
//! idempotent.
//!
//! On its schedule (every 10 minutes) it also finishes what S3's events left: an upload whose registration
//! was cut off (the function timed out or crashed through S3's retries) is registered from its stored
//! file, and an upload whose link expired with no file ends refused. Only uploads older than
//! [`SWEEP_AFTER`] are touched, long past any run still going.

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

/// How old an unfinished upload is before the scheduled sweep finishes it: the link's 15 minutes, the
/// function's 2-minute timeout through S3's two retries (about 3 minutes apart), and a margin.
pub const SWEEP_AFTER: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// What the function is invoked with: S3's event, or its schedule's (any other JSON).
pub enum Invocation {
    Stored(Box<S3Event>),
    Sweep,
}

impl Invocation {
    /// S3's event has `Records`; the schedule's (EventBridge Scheduler's input) has not. Either may come as
    /// the record of a failed invocation, replayed from the on-failure queue.
    pub fn parse(payload: serde_json::Value) -> Result<Self, serde_json::Error> {
        let payload: serde_json::Value = zairyu_runtime::replay::event_of(payload)?;
        if payload.get("Records").is_some() {
            Ok(Self::Stored(Box::new(serde_json::from_value(payload)?)))
        } else {
            Ok(Self::Sweep)
        }
    }
}

/// What one invocation did.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    Processed(usize),
    Swept(zairyu_blanket::Swept),
}

/// Runs one invocation.
pub async fn run(blanket: &Blanket, invocation: Invocation) -> Result<Done, ServiceError> {
    match invocation {
        Invocation::Stored(event) => Ok(Done::Processed(handle(blanket, *event).await?)),
        Invocation::Sweep => {
            let swept = zairyu_blanket::sweep(blanket, SWEEP_AFTER).await?;
            tracing::info!(
                completed = swept.completed,
                ended_without_file = swept.ended_without_file,
                failed = swept.failed,
                "unfinished uploads swept"
            );
            Ok(Done::Swept(swept))
        }
    }
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
