//! `Seal` on a KMS asymmetric key (key spec `ECC_NIST_P256`, usage `SIGN_VERIFY`): the public key read once
//! per instance (`GetPublicKey`), each message signed with `ECDSA_SHA_256` as a raw message (`Sign`; KMS
//! hashes it). The private key never leaves KMS; the function's role may sign with this key and nothing else.

use async_trait::async_trait;
use aws_sdk_kms::Client;
use aws_sdk_kms::error::ProvideErrorMetadata;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MessageType, SigningAlgorithmSpec};
use tokio::sync::OnceCell;
use zairyu_app::ports::{MAX_SEAL_MESSAGE, Seal, SealError};

#[derive(Debug)]
pub struct KmsSeal {
    client: Client,
    key_id: String,
    public_key: OnceCell<Vec<u8>>,
}

impl KmsSeal {
    pub fn new(client: Client, key_id: impl Into<String>) -> Self {
        Self { client, key_id: key_id.into(), public_key: OnceCell::new() }
    }
}

/// KMS's failure as the port's, by its error code alone (its message names the key).
fn failed<E: ProvideErrorMetadata>(e: E) -> SealError {
    let code = e.code().filter(|c| c.chars().all(|c| c.is_ascii_alphanumeric())).unwrap_or("Unknown").to_owned();
    tracing::warn!(code = %code, "KMS refused or failed");
    SealError::unavailable(format!("KMS {code}"))
}

#[async_trait]
impl Seal for KmsSeal {
    async fn public_key_info(&self) -> Result<Vec<u8>, SealError> {
        let key = self
            .public_key
            .get_or_try_init(|| async {
                let out = self.client.get_public_key().key_id(&self.key_id).send().await.map_err(failed)?;
                out.public_key.map(Blob::into_inner).ok_or_else(|| SealError::unavailable("KMS returned no public key"))
            })
            .await?;
        Ok(key.clone())
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError> {
        if message.len() > MAX_SEAL_MESSAGE {
            return Err(SealError::TooLong(message.len()));
        }
        let out = self
            .client
            .sign()
            .key_id(&self.key_id)
            .message(Blob::new(message))
            .message_type(MessageType::Raw)
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
            .send()
            .await
            .map_err(failed)?;
        out.signature.map(Blob::into_inner).ok_or_else(|| SealError::unavailable("KMS returned no signature"))
    }
}
