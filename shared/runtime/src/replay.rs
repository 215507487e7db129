//! Replaying an asynchronous invocation that failed: Lambda sends an event whose retries were exhausted to
//! the function's on-failure destination (a queue) as a record with the event in `requestPayload`. The
//! scheduled and S3-triggered functions take that record as it is, so a failed event is replayed by
//! invoking the function with the queue message's body (infra/README.md).

use serde::de::DeserializeOwned;

/// The event an invocation carries: the payload itself, or the original event of a Lambda destination
/// record (`requestContext` and `requestPayload`).
pub fn event_of<T: DeserializeOwned>(payload: serde_json::Value) -> Result<T, serde_json::Error> {
    match payload {
        serde_json::Value::Object(mut record)
            if record.contains_key("requestContext") && record.contains_key("requestPayload") =>
        {
            let original = record.remove("requestPayload").unwrap_or_default();
            tracing::info!("replaying an event from the on-failure destination");
            serde_json::from_value(original)
        }
        other => serde_json::from_value(other),
    }
}

#[cfg(test)]
mod tests {
    use super::event_of;
    use serde_json::json;

    #[test]
    fn a_destination_record_gives_its_original_event_and_any_other_payload_is_the_event() {
        let event = json!({ "detail": { "job": "official_receipt_numbers" } });
        let record = json!({
            "version": "1.0",
            "requestContext": { "condition": "RetriesExhausted", "approximateInvokeCount": 3 },
            "requestPayload": event.clone(),
            "responsePayload": { "errorMessage": "timed out" }
        });
        assert_eq!(event_of::<serde_json::Value>(record).unwrap(), event);
        assert_eq!(event_of::<serde_json::Value>(event.clone()).unwrap(), event);
        // A payload that merely has one of the two keys is an event of its own.
        let odd = json!({ "requestPayload": 1 });
        assert_eq!(event_of::<serde_json::Value>(odd.clone()).unwrap(), odd);
    }
}
