//! Wires the AWS adapters from the environment to the outbox sweep.

use std::sync::Arc;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    use zairyu_app::ServiceSource;
    let jobs = Arc::new(zairyu_aws::AwsPorts::from_env()?.daily()?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<EventBridgeEvent<serde_json::Value>>| {
        let jobs = Arc::clone(&jobs);
        async move { Ok::<_, Error>(zairyu_outbox::handle(&jobs, event.payload).await?) }
    }))
    .await
}
