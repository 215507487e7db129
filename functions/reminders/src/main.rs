//! Wires the AWS adapters from the environment to the scheduled-job handler.

use std::sync::Arc;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use zairyu_domain::schedule::ScheduledJobDetail;

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    use zairyu_app::ServiceSource;
    let daily = Arc::new(zairyu_aws::AwsPorts::from_env().await.daily()?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<EventBridgeEvent<ScheduledJobDetail>>| {
        let daily = Arc::clone(&daily);
        async move { Ok::<_, Error>(zairyu_reminders::handle(&daily, event.payload).await?) }
    }))
    .await
}
