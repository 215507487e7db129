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
use zairyu_app::ports::{BlobError, BlobStore, PresignedForm, PresignedUpload, check_blob_key};

/// An S3 client built at its first use: building one costs a good part of a function's start, and most of
/// the requests of the functions that hold a bucket (office, status) never touch it. Cheap to clone; clones
/// share the client.
#[derive(Clone)]
pub struct LazyClient {
    client: Arc<LazyLock<Client, Box<dyn FnOnce() -> Client + Send>>>,
    /// The credentials the client signs with, for what the SDK does not sign itself (a form's POST policy);
    /// the client's own configuration does not give them back.
    credentials: Option<aws_sdk_s3::config::SharedCredentialsProvider>,
}

impl std::ops::Deref for LazyClient {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::fmt::Debug for LazyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyClient").finish_non_exhaustive()
    }
}

/// A [`LazyClient`] that builds its client from `config` with [`crate::s3_client`].
pub fn lazy_client(config: aws_config::SdkConfig) -> LazyClient {
    let credentials = config.credentials_provider();
    LazyClient { client: Arc::new(LazyLock::new(Box::new(move || crate::s3_client(&config)))), credentials }
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

    /// A bucket on a client of its own (it presigns no form: the client does not give its credentials back).
    pub fn new(client: Client, bucket: impl Into<String>, kms_key_id: Option<String>) -> Self {
        let client = LazyClient { client: Arc::new(LazyLock::new(Box::new(move || client))), credentials: None };
        Self::on(client, bucket, kms_key_id)
    }

    /// A bucket on a client built at its first use (shared by the buckets of one function).
    pub fn on(client: LazyClient, bucket: impl Into<String>, kms_key_id: Option<String>) -> Self {
        Self { client, bucket: bucket.into(), kms_key_id }
    }

    /// The address of the bucket itself (a form posts there): the one the SDK resolves for an object, less the
    /// object's key (our keys need no escaping, `check_blob_key`). Virtual-hosted in AWS, path-style on an
    /// emulator.
    async fn bucket_url(&self) -> Result<String, BlobError> {
        const PROBE: &str = "probe";
        let config =
            PresigningConfig::expires_in(Duration::from_secs(60)).map_err(|e| BlobError::unavailable(e.to_string()))?;
        let req = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(PROBE)
            .presigned(config)
            .await
            .map_err(|e| unavailable(&e))?;
        let url = req.uri().split('?').next().unwrap_or_default();
        url.strip_suffix(PROBE)
            .map(str::to_owned)
            .ok_or_else(|| BlobError::unavailable(format!("an object's address that does not end in its key: {url}")))
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

    async fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        file_name: &str,
        expires_in: Duration,
    ) -> Result<String, BlobError> {
        check_blob_key(key)?;
        let config = PresigningConfig::expires_in(expires_in).map_err(|e| BlobError::unavailable(e.to_string()))?;
        // The answer's type and name are signed into the link (S3's response-* parameters).
        let req = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_type(content_type)
            .response_content_disposition(zairyu_app::ports::content_disposition(file_name))
            .presigned(config)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(req.uri().to_owned())
    }

    /// A POST policy (AWS Signature Version 4) that S3 holds the form to: this bucket and key, the content
    /// type, 1 to `max_length` bytes, encryption with the bucket's KMS key as every write of ours, the
    /// redirect, and the signer's credentials (with the session token of a Lambda role). S3 checks each
    /// condition against the posted fields and refuses the whole post if one fails.
    async fn presign_form(
        &self,
        key: &str,
        content_type: &str,
        max_length: u64,
        expires_in: Duration,
        redirect: &str,
    ) -> Result<PresignedForm, BlobError> {
        use aws_sdk_s3::config::ProvideCredentials;
        check_blob_key(key)?;
        let config = self.client.config();
        let region =
            config.region().map(|r| r.as_ref().to_owned()).ok_or_else(|| BlobError::unavailable("no region"))?;
        let credentials = self
            .client
            .credentials
            .as_ref()
            .ok_or_else(|| BlobError::unavailable("no credentials to sign the form with"))?
            .provide_credentials()
            .await
            .map_err(|e| BlobError::unavailable(e.to_string()))?;
        let now = std::time::SystemTime::now();
        let expires_at = DateTime::<Utc>::from(now + expires_in);
        let at = DateTime::<Utc>::from(now);
        let scope = format!("{}/{region}/s3/aws4_request", at.format("%Y%m%d"));
        let mut fields: Vec<(String, String)> = vec![
            ("key".into(), key.into()),
            ("Content-Type".into(), content_type.into()),
            ("success_action_redirect".into(), redirect.into()),
            ("x-amz-server-side-encryption".into(), "aws:kms".into()),
        ];
        if let Some(kms) = &self.kms_key_id {
            fields.push(("x-amz-server-side-encryption-aws-kms-key-id".into(), kms.clone()));
        }
        fields.push(("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into()));
        fields.push(("x-amz-credential".into(), format!("{}/{scope}", credentials.access_key_id())));
        fields.push(("x-amz-date".into(), at.format("%Y%m%dT%H%M%SZ").to_string()));
        if let Some(token) = credentials.session_token() {
            fields.push(("x-amz-security-token".into(), token.into()));
        }
        // Every field but the policy and signature is a condition of the policy, word for word.
        let mut conditions = vec![serde_json::json!({ "bucket": self.bucket })];
        conditions.extend(fields.iter().map(|(name, value)| serde_json::json!({ name: value })));
        conditions.push(serde_json::json!(["content-length-range", 1, max_length]));
        let policy = serde_json::json!({
            "expiration": expires_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "conditions": conditions,
        });
        let policy = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(policy.to_string())
        };
        let signature = post_policy_signature(credentials.secret_access_key(), now, &region, &policy);
        fields.push(("policy".into(), policy));
        fields.push(("x-amz-signature".into(), signature));
        Ok(PresignedForm { url: self.bucket_url().await?, fields, expires_at })
    }
}

/// The signature of a POST policy (AWS Signature Version 4): the base64 policy itself is the string to
/// sign, with the key derived from the secret, the day of `at`, the region and `s3`.
pub fn post_policy_signature(secret: &str, at: std::time::SystemTime, region: &str, policy_base64: &str) -> String {
    let key = aws_sigv4::sign::v4::generate_signing_key(secret, at, region, "s3");
    aws_sigv4::sign::v4::calculate_signature(key, policy_base64.as_bytes())
}

#[cfg(test)]
mod tests {
    /// The worked example of AWS's documentation ("Example: Browser-Based Upload using HTTP POST (Using AWS
    /// Signature Version 4)"): its policy, credentials and day give its signature.
    #[test]
    fn a_post_policy_is_signed_as_aws_documents() {
        let policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
        let day = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_451_347_200); // 2015-12-29T00:00:00Z
        assert_eq!(
            super::post_policy_signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", day, "us-east-1", policy),
            "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
        );
    }
}
