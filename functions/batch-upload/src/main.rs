//! Wires the AWS adapters from the environment to the S3 event handler.

use std::sync::Arc;

use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    use zairyu_app::ServiceSource;
    let blanket = Arc::new(zairyu_aws::AwsPorts::from_env()?.blanket()?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let blanket = Arc::clone(&blanket);
        async move {
            let invocation = zairyu_batch_upload::Invocation::parse(event.payload)?;
            Ok::<_, Error>(zairyu_batch_upload::run(&blanket, invocation).await?)
        }
    }))
    .await
}
