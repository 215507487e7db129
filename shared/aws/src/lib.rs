//! The AWS adapters of the ports, on the official AWS SDK for Rust (rustls, no OpenSSL). Configuration
//! comes from the environment the standard AWS way (`aws-config`); `AWS_ENDPOINT_URL` points every client
//! at an emulator such as moto, with no test-only branch in this code.

pub mod dynamodb;
pub mod s3;
pub mod ses;
pub mod sqs;

pub use dynamodb::DynamoTable;
pub use s3::S3Blobs;
pub use ses::SesMailer;
pub use sqs::SqsQueue;

/// The SDK configuration from the environment (region, credentials, endpoint override).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::load_from_env().await
}

/// An S3 client; path-style addressing when an endpoint override is set (emulators need it).
pub fn s3_client(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let path_style = config.endpoint_url().is_some();
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(path_style).build())
}
