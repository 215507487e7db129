//! Wires the AWS adapters from the environment to the S3 event handler.

use std::sync::Arc;

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    let ports = Arc::new(zairyu_aws::ports_from_env().await?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<S3Event>| {
        let ports = Arc::clone(&ports);
        async move { Ok::<_, Error>(zairyu_batch_upload::handle(&ports, event.payload).await?) }
    }))
    .await
}
