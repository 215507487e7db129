//! The AWS adapters of the ports, on the official AWS SDK for Rust (rustls, no OpenSSL). A Lambda function's
//! configuration comes from the variables Lambda sets ([`lambda_config`]); a command on a workstation's from
//! the standard AWS chain of profiles, SSO and instance roles ([`profile_config`], feature `profiles`).
//! `AWS_ENDPOINT_URL` points every client at an emulator such as moto, with no test-only branch in this code.

//! Each function links only the SDK clients it uses: S3 behind the feature `s3` (every function but
//! `login`), SES behind `ses` (`notify`), KMS signing behind `kms` (the function that seals electronic
//! certificates); DynamoDB and SQS always (every change may hand jobs to the queue).

pub mod dynamodb;
#[cfg(feature = "kms")]
pub mod kms;
#[cfg(feature = "s3")]
pub mod s3;
#[cfg(feature = "ses")]
pub mod ses;
pub mod sqs;

pub use dynamodb::DynamoTable;
#[cfg(feature = "kms")]
pub use kms::KmsSeal;
#[cfg(feature = "s3")]
pub use s3::S3Blobs;
#[cfg(feature = "ses")]
pub use ses::SesMailer;
pub use sqs::SqsQueue;

/// A Lambda function's SDK configuration, from the variables Lambda sets: `AWS_REGION`, the execution role's
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (and `AWS_ENDPOINT_URL` when set),
/// with the HTTP client of [`http_client`].
///
/// Why not `aws_config::defaults().load()`: in Lambda the credentials are always these variables, and the
/// standard chain builds every provider it might fall back to (profile files, SSO, web identity, the
/// container and instance metadata clients) at every cold start, and links them all into every function.
pub fn lambda_config() -> Result<aws_config::SdkConfig, ConfigError> {
    config_from(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// [`lambda_config`] from variables looked up by `var` (the contract tests give moto's).
pub fn config_from(var: impl Fn(&str) -> Option<String>) -> Result<aws_config::SdkConfig, ConfigError> {
    use aws_sdk_dynamodb::config::{Credentials, Region, SharedCredentialsProvider};
    let need = |name: &str| var(name).ok_or_else(|| ConfigError(format!("{name} is not set")));
    let credentials = Credentials::new(
        need("AWS_ACCESS_KEY_ID")?,
        need("AWS_SECRET_ACCESS_KEY")?,
        var("AWS_SESSION_TOKEN"),
        None,
        "lambda-environment",
    );
    let mut config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(Region::new(need("AWS_REGION")?))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .http_client(http_client());
    if let Some(url) = var("AWS_ENDPOINT_URL") {
        config = config.endpoint_url(url);
    }
    Ok(config.build())
}

/// The SDK configuration the standard AWS way (environment, profiles, SSO, instance roles), for a command run
/// on a workstation (`zairyu-local create-officer --aws`).
#[cfg(feature = "profiles")]
pub async fn profile_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http_client()).load().await
}

#[cfg(test)]
mod config_tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<aws_config::SdkConfig, super::ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        super::config_from(|name| vars.get(name).cloned())
    }

    #[tokio::test]
    async fn a_function_s_configuration_is_what_lambda_sets() {
        use aws_sdk_dynamodb::config::ProvideCredentials;
        let lambda = [
            ("AWS_REGION", "ap-northeast-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
        ];
        let lambda_only = config(&lambda).unwrap();
        assert_eq!(lambda_only.region().map(|r| r.as_ref()), Some("ap-northeast-1"));
        assert_eq!(lambda_only.endpoint_url(), None);
        let credentials = lambda_only.credentials_provider().unwrap().provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(credentials.session_token(), Some("token"));
        let moto = config(&[lambda.as_slice(), &[("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")]].concat()).unwrap();
        assert_eq!(moto.endpoint_url(), Some("http://127.0.0.1:5000"));
        for missing in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let without: Vec<_> = lambda.iter().copied().filter(|(k, _)| *k != missing).collect();
            assert!(config(&without).unwrap_err().0.contains(missing));
        }
    }
}

/// The one HTTP client of every AWS client of a process: rustls on *ring*, trusting the
/// Mozilla root certificates compiled into the binary (`webpki-root-certs`) instead of the system's store, and
/// built at the first connection rather than at start.
///
/// Why compiled-in roots: the system store is read from the file system at the first TLS connection of every
/// cold start (`rustls-native-certs` reads the bundle file and then every file of the certificate directory:
/// about 150 files on Debian), so a Lambda function pays for it in its first request's latency; the
/// compiled-in roots cost no I/O, and their PEM text is written at build time (`build.rs`), so no start
/// encodes them. They are as current as our last build, which we redeploy far more often than the CA set
/// changes; every AWS endpoint chains to the Amazon Trust Services roots, which the set holds (a test checks).
///
/// Why *ring*, not the SDK's default aws-lc: a function's zipped binary has to stay within 4 MB (issue 15) and
/// aws-lc's C library is much larger than *ring* (measured on `status`'s arm64 zip: 4,075,561 B on aws-lc,
/// 3,902,998 B on *ring*); *ring* gives the same TLS 1.2/1.3 suites and the certificate checks of rustls. What is
/// given up is aws-lc's post-quantum key exchange (X25519MLKEM768) towards the AWS endpoints, which are reached
/// inside AWS's network from Lambda.
///
/// Why at the first connection: a function's start (its init, measured by the cold-start bench) then builds
/// no TLS configuration at all; the first request that calls AWS, which opens a TLS connection anyway, builds
/// it once for the process.
pub fn http_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    aws_sdk_dynamodb::config::SharedHttpClient::new(OnFirstConnection::default())
}

/// The PEM text of the compiled-in roots (`build.rs`).
const ROOTS_PEM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/roots.pem"));

fn bundled_roots_pem() -> Vec<u8> {
    ROOTS_PEM.to_vec()
}

/// The HTTP client of [`http_client`]: built when the SDK first asks for a connector.
#[derive(Debug, Default)]
struct OnFirstConnection(OnceLock<aws_sdk_dynamodb::config::SharedHttpClient>);

impl OnFirstConnection {
    fn client(&self) -> &aws_sdk_dynamodb::config::SharedHttpClient {
        self.0.get_or_init(|| {
            use aws_smithy_http_client::tls;
            let trust = tls::TrustStore::empty().with_native_roots(false).with_pem_certificate(bundled_roots_pem());
            let context = match tls::TlsContext::builder().with_trust_store(trust).build() {
                Ok(context) => context,
                // Building the context checks nothing today; should it ever refuse, the SDK's own default stands.
                Err(e) => {
                    tracing::warn!(error = %e, "the bundled trust store was refused; the system's store is used");
                    tls::TlsContext::default()
                }
            };
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
                .tls_context(context)
                .build_https()
        })
    }
}

impl aws_sdk_dynamodb::config::HttpClient for OnFirstConnection {
    fn http_connector(
        &self,
        settings: &aws_smithy_runtime_api::client::http::HttpConnectorSettings,
        components: &aws_sdk_dynamodb::config::RuntimeComponents,
    ) -> aws_smithy_runtime_api::client::http::SharedHttpConnector {
        self.client().http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.client().connector_metadata()
    }
}

#[cfg(test)]
mod trust_tests {
    #![allow(clippy::unwrap_used)]
    use base64::Engine;

    /// The roots AWS endpoints chain to (Amazon Trust Services, and the Starfield root that cross-signs them).
    #[test]
    fn the_bundled_roots_hold_amazon_trust_services() {
        let certs = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        for name in [
            "Amazon Root CA 1",
            "Amazon Root CA 2",
            "Amazon Root CA 3",
            "Amazon Root CA 4",
            "Starfield Services Root Certificate Authority - G2",
        ] {
            assert!(certs.iter().any(|c| c.as_ref().windows(name.len()).any(|w| w == name.as_bytes())), "{name}");
        }
        assert!(certs.len() > 100, "{}", certs.len());
    }

    /// The PEM text holds every root, byte for byte.
    #[test]
    fn the_pem_text_is_every_root() {
        let pem = String::from_utf8(super::bundled_roots_pem()).unwrap();
        let decoded: Vec<Vec<u8>> = pem
            .split("-----BEGIN CERTIFICATE-----\n")
            .skip(1)
            .map(|block| {
                let body = block.split("-----END CERTIFICATE-----").next().unwrap();
                assert!(body.lines().all(|l| l.len() <= 64));
                base64::engine::general_purpose::STANDARD.decode(body.replace('\n', "")).unwrap()
            })
            .collect();
        let roots: Vec<&[u8]> = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().map(|c| c.as_ref()).collect();
        assert_eq!(decoded, roots);
    }
}

/// An S3 client; path-style addressing when an endpoint override is set (emulators need it).
#[cfg(feature = "s3")]
pub fn s3_client(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let path_style = config.endpoint_url().is_some();
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(path_style).build())
}

use std::sync::{Arc, OnceLock};

use zairyu_app::ports::{BlobStore, BoxError, PasswordHasher};
use zairyu_app::store::Store;
use zairyu_app::{
    Accounts, Applications, Blanket, Core, Counter, DailyJobs, Examination, PasswordLinks, ServiceSource, Verification,
};

/// A required setting is missing or wrong.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

fn env(name: &str) -> Result<String, ConfigError> {
    std::env::var(name).map_err(|_| ConfigError(format!("{name} is not set")))
}

/// The retention of each class of record, from the stack's parameters (each class's
/// `RecordClass::variable`, e.g. `ZAIRYU_RETENTION_APPLICATION_DAYS`); a period not set keeps its default, one
/// set wrong stops the function at start.
pub fn retention_from_env() -> Result<zairyu_domain::retention::Retention, ConfigError> {
    use zairyu_domain::retention::{RecordClass, Retention, RetentionDays};
    let mut retention = Retention::default();
    for class in RecordClass::ALL {
        if let Ok(text) = std::env::var(class.variable()) {
            let days =
                RetentionDays::parse(class, &text).map_err(|e| ConfigError(format!("{}: {e}", class.variable())))?;
            retention = retention.with(class, days);
        }
    }
    Ok(retention)
}

/// The ports on AWS, each built when first asked for, from the environment the template sets
/// (`ZAIRYU_TABLE`, `ZAIRYU_PHOTOS_BUCKET`, `ZAIRYU_UPLOADS_BUCKET`, `ZAIRYU_TEMPLATES_BUCKET`,
/// `ZAIRYU_QUEUE_URL`, `ZAIRYU_DEAD_LETTER_URL`, `ZAIRYU_PUBLIC_URL` and, optionally, `ZAIRYU_KMS_KEY_ID`), so
/// that a function builds only the clients its services use. Each client is built once and shared.
pub struct AwsPorts {
    config: aws_config::SdkConfig,
    core: OnceLock<Core>,
    #[cfg(feature = "s3")]
    s3: OnceLock<s3::LazyClient>,
}

impl AwsPorts {
    /// The ports of a Lambda function ([`lambda_config`]).
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self::with_config(lambda_config()?))
    }

    /// The ports over a given SDK configuration.
    pub fn with_config(config: aws_config::SdkConfig) -> Self {
        Self {
            config,
            core: OnceLock::new(),
            #[cfg(feature = "s3")]
            s3: OnceLock::new(),
        }
    }

    /// The SDK configuration the ports were built from, for a client of a function's own.
    pub fn sdk_config(&self) -> &aws_config::SdkConfig {
        &self.config
    }

    /// The table, the job queue, the clock and the IDs every service shares.
    pub fn core(&self) -> Result<Core, ConfigError> {
        if let Some(core) = self.core.get() {
            return Ok(core.clone());
        }
        let table = DynamoTable::new(aws_sdk_dynamodb::Client::new(&self.config), env("ZAIRYU_TABLE")?);
        let queue = SqsQueue::new(
            aws_sdk_sqs::Client::new(&self.config),
            env("ZAIRYU_QUEUE_URL")?,
            env("ZAIRYU_DEAD_LETTER_URL")?,
        );
        let core = Core::new(
            Store::new(Arc::new(table)).with_retention(retention_from_env()?),
            Arc::new(queue),
            Arc::new(zairyu_runtime::SystemClock),
            Arc::new(zairyu_runtime::RandomIds::<zairyu_runtime::SystemClock>::default()),
        );
        Ok(self.core.get_or_init(|| core).clone())
    }

    #[cfg(feature = "s3")]
    fn bucket(&self, variable: &str) -> Result<Arc<dyn BlobStore>, ConfigError> {
        let s3 = self.s3.get_or_init(|| s3::lazy_client(self.config.clone())).clone();
        Ok(Arc::new(S3Blobs::on(s3, env(variable)?, std::env::var("ZAIRYU_KMS_KEY_ID").ok())))
    }

    /// A function built without S3 asked for a bucket: our bug, reported at start-up.
    #[cfg(not(feature = "s3"))]
    fn bucket(&self, variable: &str) -> Result<Arc<dyn BlobStore>, ConfigError> {
        Err(ConfigError(format!("{variable}: this function was built without S3 (feature `s3` of zairyu-aws)")))
    }

    pub fn photos(&self) -> Result<Arc<dyn BlobStore>, ConfigError> {
        self.bucket("ZAIRYU_PHOTOS_BUCKET")
    }

    pub fn uploads(&self) -> Result<Arc<dyn BlobStore>, ConfigError> {
        self.bucket("ZAIRYU_UPLOADS_BUCKET")
    }

    pub fn templates(&self) -> Result<Arc<dyn BlobStore>, ConfigError> {
        self.bucket("ZAIRYU_TEMPLATES_BUCKET")
    }

    fn links(&self) -> Result<PasswordLinks, ConfigError> {
        Ok(PasswordLinks::new(self.core()?, env("ZAIRYU_PUBLIC_URL")?))
    }

    fn hasher(&self) -> Result<Arc<dyn PasswordHasher>, ConfigError> {
        Ok(Arc::new(zairyu_runtime::Argon2Hasher::new().map_err(|e| ConfigError(e.to_string()))?))
    }
}

impl ServiceSource for AwsPorts {
    fn accounts(&self) -> Result<Accounts, BoxError> {
        Ok(Accounts::new(self.core()?, self.hasher()?, self.links()?))
    }
    fn applications(&self) -> Result<Applications, BoxError> {
        Ok(Applications::new(self.core()?, self.photos()?))
    }
    fn blanket(&self) -> Result<Blanket, BoxError> {
        Ok(Blanket::new(self.core()?, self.uploads()?, self.templates()?))
    }
    fn examination(&self) -> Result<Examination, BoxError> {
        Ok(Examination::new(self.core()?, self.photos()?, env("ZAIRYU_PUBLIC_URL")?))
    }
    fn counter(&self) -> Result<Counter, BoxError> {
        Ok(Counter::new(self.core()?, self.links()?))
    }
    fn daily(&self) -> Result<DailyJobs, BoxError> {
        Ok(DailyJobs::new(self.core()?, self.photos()?))
    }
    fn verification(&self) -> Result<Verification, BoxError> {
        Ok(Verification::new(self.core()?, self.photos()?))
    }
}
