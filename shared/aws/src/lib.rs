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

use std::sync::Arc;

use zairyu_app::Wiring;

/// A required setting is missing or wrong.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

fn env(name: &str) -> Result<String, ConfigError> {
    std::env::var(name).map_err(|_| ConfigError(format!("{name} is not set")))
}

/// Every port on AWS, from the environment the template sets:
/// `ZAIRYU_TABLE`, `ZAIRYU_PHOTOS_BUCKET`, `ZAIRYU_UPLOADS_BUCKET`, `ZAIRYU_TEMPLATES_BUCKET`, `ZAIRYU_QUEUE_URL`, `ZAIRYU_DEAD_LETTER_URL`, `ZAIRYU_PUBLIC_URL`
/// and, optionally, `ZAIRYU_KMS_KEY_ID`. Clients are built once per cold start and shared.
pub async fn wiring_from_env() -> Result<Wiring, ConfigError> {
    let config = sdk_config().await;
    let table = DynamoTable::new(aws_sdk_dynamodb::Client::new(&config), env("ZAIRYU_TABLE")?);
    let s3 = s3_client(&config);
    let kms = std::env::var("ZAIRYU_KMS_KEY_ID").ok();
    let blobs = S3Blobs::new(s3.clone(), env("ZAIRYU_PHOTOS_BUCKET")?, kms.clone());
    let uploads = S3Blobs::new(s3.clone(), env("ZAIRYU_UPLOADS_BUCKET")?, kms.clone());
    let templates = S3Blobs::new(s3, env("ZAIRYU_TEMPLATES_BUCKET")?, kms);
    let queue =
        SqsQueue::new(aws_sdk_sqs::Client::new(&config), env("ZAIRYU_QUEUE_URL")?, env("ZAIRYU_DEAD_LETTER_URL")?);
    let hasher = zairyu_runtime::Argon2Hasher::new().map_err(|e| ConfigError(e.to_string()))?;
    Ok(Wiring {
        table: Arc::new(table),
        photos: Arc::new(blobs),
        uploads: Arc::new(uploads),
        templates: Arc::new(templates),
        queue: Arc::new(queue),
        clock: Arc::new(zairyu_runtime::SystemClock),
        ids: Arc::new(zairyu_runtime::RandomIds::<zairyu_runtime::SystemClock>::default()),
        hasher: Arc::new(hasher),
        public_url: env("ZAIRYU_PUBLIC_URL")?,
    })
}
