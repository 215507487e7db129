//! Wires the AWS adapters from the environment to the scheduled-job handler.

use std::sync::Arc;

use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    use zairyu_app::ServiceSource;
    let daily = Arc::new(zairyu_aws::AwsPorts::from_env()?.daily()?);
    // The schedule's event, or the record of one that failed, replayed from the on-failure queue.
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let daily = Arc::clone(&daily);
        async move {
            let event = zairyu_reminders::event(event.payload)?;
            Ok::<_, Error>(zairyu_reminders::handle(&daily, event).await?)
        }
    }))
    .await
}
