//! Wires adapters from the environment to the router and hands it to the Lambda runtime.

use std::sync::Arc;

use zairyu_http::{AppState, HttpConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    zairyu_runtime::init_tracing();
    let services = zairyu_app::Services::new(zairyu_aws::wiring_from_env().await?);
    let config = HttpConfig::from_env()?;
    let app = zairyu_submit::handler(AppState { services, config: Arc::new(config) });
    lambda_http::run(app).await
}
