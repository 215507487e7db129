//! The least a `lambda_http` function does: answer every request with a fixed text. `benches/cold_start.rs`
//! starts it beside each of ours, so that their start-up is read as a ratio to this one's on the same machine.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_: Request| async { Ok::<_, Error>(Response::new(Body::from("hello"))) })).await
}
