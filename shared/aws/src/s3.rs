//! `BlobStore` on an S3 bucket, with server-side encryption requested on every write and presigned PUTs
//! for uploads that go straight from the browser to S3 (of the declared length, once).

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, ServerSideEncryption};
use chrono::{DateTime, Utc};
use zairyu_app::ports::{BlobError, BlobStore, PresignedUpload, check_blob_key};

/// An S3 client built at its first use: building one costs a good part of a function's start, and most of
/// the requests of the functions that hold a bucket (office, status) never touch it.
pub type LazyClient = Arc<LazyLock<Client, Box<dyn FnOnce() -> Client + Send>>>;

/// A [`LazyClient`] that builds its client from `config` with [`crate::s3_client`].
pub fn lazy_client(config: aws_config::SdkConfig) -> LazyClient {
    Arc::new(LazyLock::new(Box::new(move || crate::s3_client(&config))))
}

#[derive(Clone, Debug)]
pub struct S3Blobs {
    client: LazyClient,
    bucket: String,
    /// A customer-managed KMS key; `None` uses the bucket's default key for `aws:kms`.
    kms_key_id: Option<String>,
}

fn unavailable<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: &SdkError<E, R>) -> BlobError {
    match e {
        SdkError::ServiceError(s) => BlobError::unavailable(format!(
            "{}: {}",
            s.err().code().unwrap_or("Unknown"),
            s.err().message().unwrap_or_default()
        )),
        other => BlobError::unavailable(format!("{other:?}")),
    }
}

impl S3Blobs {
    /// A PutObject of `key` with server-side encryption requested: for writes and presigned uploads alike.
    fn put_request(
        &self,
        key: &str,
        content_type: &str,
    ) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .set_ssekms_key_id(self.kms_key_id.clone())
    }

    pub fn new(client: Client, bucket: impl Into<String>, kms_key_id: Option<String>) -> Self {
        Self::on(Arc::new(LazyLock::new(Box::new(move || client))), bucket, kms_key_id)
    }

    /// A bucket on a client built at its first use (shared by the buckets of one function).
    pub fn on(client: LazyClient, bucket: impl Into<String>, kms_key_id: Option<String>) -> Self {
        Self { client, bucket: bucket.into(), kms_key_id }
    }

    /// Creates the bucket, for emulators and tests (in AWS the template creates it).
    pub async fn create(client: &Client, bucket: &str) -> Result<(), BlobError> {
        let mut req = client.create_bucket().bucket(bucket);
        // Outside us-east-1, S3 wants the bucket's region stated.
        if let Some(region) = client.config().region().map(|r| r.as_ref().to_owned())
            && region != "us-east-1"
        {
            let location = BucketLocationConstraint::from(region.as_str());
            req = req.create_bucket_configuration(
                CreateBucketConfiguration::builder().location_constraint(location).build(),
            );
        }
        req.send().await.map_err(|e| unavailable(&e))?;
        Ok(())
    }
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        check_blob_key(key)?;
        self.put_request(key, content_type).body(ByteStream::from(bytes)).send().await.map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        check_blob_key(key)?;
        match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(out) => {
                let data = out.body.collect().await.map_err(|e| BlobError::unavailable(e.to_string()))?;
                Ok(Some(data.into_bytes().to_vec()))
            }
            Err(e) => match e.as_service_error() {
                Some(se) if se.is_no_such_key() => Ok(None),
                _ => Err(unavailable(&e)),
            },
        }
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_blob_key(key)?;
        self.client.delete_object().bucket(&self.bucket).key(key).send().await.map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: Duration,
    ) -> Result<PresignedUpload, BlobError> {
        check_blob_key(key)?;
        let config = PresigningConfig::expires_in(expires_in).map_err(|e| BlobError::unavailable(e.to_string()))?;
        let length = i64::try_from(length).map_err(|e| BlobError::unavailable(e.to_string()))?;
        // Both headers are signed: S3 takes exactly `length` bytes, and only while the key is free.
        let req = self
            .put_request(key, content_type)
            .content_length(length)
            .if_none_match("*")
            .presigned(config)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(PresignedUpload {
            url: req.uri().to_owned(),
            method: req.method().to_owned(),
            headers: req.headers().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            expires_at: DateTime::<Utc>::from(std::time::SystemTime::now() + expires_in),
        })
    }
}
