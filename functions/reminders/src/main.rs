//! Wires the AWS adapters from the environment to the scheduled-job handler.

use std::sync::Arc;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use zairyu_domain::schedule::ScheduledJobDetail;

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    let ports = Arc::new(zairyu_aws::ports_from_env().await?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<EventBridgeEvent<ScheduledJobDetail>>| {
        let ports = Arc::clone(&ports);
        async move { Ok::<_, Error>(zairyu_reminders::handle(&ports, event.payload).await?) }
    }))
    .await
}
