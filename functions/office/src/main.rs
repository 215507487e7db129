//! Wires adapters from the environment to the router and hands it to the Lambda runtime.

use zairyu_http::{AppState, Function, HttpConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    zairyu_runtime::init_tracing();
    // Only the services (and AWS clients) of this function's routes are built.
    let ports = zairyu_aws::AwsPorts::from_env()?;
    let state = AppState::for_functions(&[Function::Office], &ports, HttpConfig::from_env()?)?;
    let app = zairyu_office::handler(state);
    lambda_http::run(app).await
}
