//! `BlobStore` on a folder. Presigned uploads are URLs of the local server, signed with HMAC-SHA256 and
//! checked by [`FolderBlobs::accept_upload`], which the local server's upload route calls; presigned forms
//! post to the local server's form route, which checks their fields with [`FolderBlobs::check_form`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zairyu_app::ports::{BlobError, BlobStore, Clock, PresignedForm, PresignedUpload, check_blob_key};

/// The path of the local server's upload route.
pub const UPLOAD_ROUTE: &str = "/local-upload/";

/// The path the local server takes a presigned form's post at (S3's is the bucket's address).
pub const FORM_ROUTE: &str = "/local-upload-form";

/// The path of the local server's download route (presigned GETs).
pub const DOWNLOAD_ROUTE: &str = "/local-download/";

#[derive(Clone)]
pub struct FolderBlobs<C: Clock> {
    root: PathBuf,
    base_url: String,
    secret: Vec<u8>,
    clock: C,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload link is malformed")]
    Malformed,
    #[error("the upload link's signature does not match")]
    BadSignature,
    #[error("the upload link has expired")]
    Expired,
    #[error("the upload's content type differs from the one the link was made for")]
    ContentType,
    #[error("the upload's length differs from the one the link was made for")]
    Length,
    #[error("the link was used: its object is already stored")]
    Used,
    #[error(transparent)]
    Store(#[from] BlobError),
}

fn unavailable(e: impl std::fmt::Display) -> BlobError {
    BlobError::unavailable(e.to_string())
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl<C: Clock + 'static> FolderBlobs<C> {
    /// Objects live under `root`; upload links point at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(root: &Path, base_url: &str, secret: &[u8], clock: C) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root).map_err(unavailable)?;
        Ok(Self {
            root: root.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            secret: secret.to_vec(),
            clock,
        })
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        check_blob_key(key)?;
        Ok(self.root.join(key))
    }

    fn signature(&self, key: &str, expires: i64, content_type: &str, length: u64) -> String {
        // HMAC accepts keys of any length.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(format!("{key}\n{expires}\n{content_type}\n{length}").as_bytes());
        zairyu_app::hex(&mac.finalize().into_bytes())
    }

    /// Checks an upload to a link made by `presign_put` (`path_and_query` as the request carried it) and
    /// stores the bytes. Returns the object key.
    pub async fn accept_upload(
        &self,
        path_and_query: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<String, UploadError> {
        let link = self.check_upload(path_and_query, content_type)?;
        if u64::try_from(bytes.len()).ok() != Some(link.length) {
            return Err(UploadError::Length);
        }
        self.put(&link.key, bytes, content_type).await?;
        Ok(link.key)
    }

    /// Checks a link made by `presign_put` (signature, expiry, content type, and that its object is not
    /// stored yet) before any body is read: the key and the length the body must have.
    pub fn check_upload(&self, path_and_query: &str, content_type: &str) -> Result<CheckedLink, UploadError> {
        let rest = path_and_query.strip_prefix(UPLOAD_ROUTE).ok_or(UploadError::Malformed)?;
        let (key, query) = rest.split_once('?').ok_or(UploadError::Malformed)?;
        let key = decode(key).ok_or(UploadError::Malformed)?;
        let (mut expires, mut ct, mut sig, mut length) = (None, None, None, None);
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse::<i64>().ok(),
                Some(("length", v)) => length = v.parse::<u64>().ok(),
                Some(("content_type", v)) => ct = decode(v),
                Some(("signature", v)) => sig = Some(v.to_owned()),
                _ => return Err(UploadError::Malformed),
            }
        }
        let (expires, ct, sig, length) = (
            expires.ok_or(UploadError::Malformed)?,
            ct.ok_or(UploadError::Malformed)?,
            sig.ok_or(UploadError::Malformed)?,
            length.ok_or(UploadError::Malformed)?,
        );
        let want = self.signature(&key, expires, &ct, length);
        if !zairyu_app::same_secret(&sig, &want) {
            return Err(UploadError::BadSignature);
        }
        if self.clock.now().timestamp() > expires {
            return Err(UploadError::Expired);
        }
        if content_type != ct {
            return Err(UploadError::ContentType);
        }
        // As S3 with `If-None-Match: *`: a link stores its object once.
        if self.path(&key)?.exists() {
            return Err(UploadError::Used);
        }
        Ok(CheckedLink { key, length })
    }
}

impl<C: Clock + 'static> FolderBlobs<C> {
    fn form_signature(&self, key: &str, expires: i64, content_type: &str, max_length: u64, redirect: &str) -> String {
        self.signature(&format!("form\n{key}\n{redirect}"), expires, content_type, max_length)
    }

    /// Checks the fields a presigned form posted before its file (as S3 checks a POST policy: each field as
    /// signed, the form not expired, and its object not stored yet, as a link stores its object once).
    pub fn check_form(&self, fields: &[(String, String)]) -> Result<CheckedForm, UploadError> {
        let field =
            |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).ok_or(UploadError::Malformed);
        let (key, content_type, redirect) = (field("key")?, field("Content-Type")?, field("success_action_redirect")?);
        let expires = field("expires")?.parse::<i64>().map_err(|_| UploadError::Malformed)?;
        let max_length = field("max_length")?.parse::<u64>().map_err(|_| UploadError::Malformed)?;
        let want = self.form_signature(key, expires, content_type, max_length, redirect);
        if !zairyu_app::same_secret(field("signature")?, &want) {
            return Err(UploadError::BadSignature);
        }
        if self.clock.now().timestamp() > expires {
            return Err(UploadError::Expired);
        }
        if self.path(key)?.exists() {
            return Err(UploadError::Used);
        }
        Ok(CheckedForm {
            key: key.to_owned(),
            content_type: content_type.to_owned(),
            max_length,
            redirect: redirect.to_owned(),
        })
    }
}

/// What a checked form allows: one object at `key` of 1 to `max_length` bytes of `content_type`, after which
/// the browser goes to `redirect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedForm {
    pub key: String,
    pub content_type: String,
    pub max_length: u64,
    pub redirect: String,
}

/// What a checked download link gives: the object at `key`, answered as `content_type` with this
/// `Content-Disposition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDownload {
    pub key: String,
    pub content_type: String,
    pub disposition: String,
}

impl<C: Clock + 'static> FolderBlobs<C> {
    fn download_signature(&self, key: &str, expires: i64, content_type: &str, file_name: &str) -> String {
        self.signature(&format!("get\n{key}\n{file_name}"), expires, content_type, 0)
    }

    /// Checks a link made by `presign_get` (signature, expiry): what it reads and how it is answered.
    pub fn check_download(&self, path_and_query: &str) -> Result<CheckedDownload, UploadError> {
        let rest = path_and_query.strip_prefix(DOWNLOAD_ROUTE).ok_or(UploadError::Malformed)?;
        let (key, query) = rest.split_once('?').ok_or(UploadError::Malformed)?;
        let key = decode(key).ok_or(UploadError::Malformed)?;
        let (mut expires, mut ct, mut name, mut sig) = (None, None, None, None);
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse::<i64>().ok(),
                Some(("content_type", v)) => ct = decode(v),
                Some(("name", v)) => name = decode(v),
                Some(("signature", v)) => sig = Some(v.to_owned()),
                _ => return Err(UploadError::Malformed),
            }
        }
        let (expires, ct, name, sig) = (
            expires.ok_or(UploadError::Malformed)?,
            ct.ok_or(UploadError::Malformed)?,
            name.ok_or(UploadError::Malformed)?,
            sig.ok_or(UploadError::Malformed)?,
        );
        if !zairyu_app::same_secret(&sig, &self.download_signature(&key, expires, &ct, &name)) {
            return Err(UploadError::BadSignature);
        }
        if self.clock.now().timestamp() > expires {
            return Err(UploadError::Expired);
        }
        check_blob_key(&key)?;
        Ok(CheckedDownload { key, content_type: ct, disposition: zairyu_app::ports::content_disposition(&name) })
    }
}

/// What a checked upload link allows: one object at `key` of exactly `length` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLink {
    pub key: String,
    pub length: u64,
}

#[async_trait]
impl<C: Clock + 'static> BlobStore for FolderBlobs<C> {
    async fn put(&self, key: &str, bytes: Vec<u8>, _content_type: &str) -> Result<(), BlobError> {
        let path = self.path(key)?;
        tokio::task::spawn_blocking(move || {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Write then rename, so a reader never sees half a file.
            let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &path)
        })
        .await
        .map_err(unavailable)?
        .map_err(unavailable)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let path = self.path(key)?;
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: Duration,
    ) -> Result<PresignedUpload, BlobError> {
        check_blob_key(key)?;
        let expires_at: DateTime<Utc> = self.clock.now()
            + chrono::Duration::from_std(expires_in).map_err(|e| BlobError::unavailable(e.to_string()))?;
        let expires = expires_at.timestamp();
        let url = format!(
            "{}{UPLOAD_ROUTE}{}?expires={expires}&content_type={}&length={length}&signature={}",
            self.base_url,
            key.split('/').map(encode).collect::<Vec<_>>().join("/"),
            encode(content_type),
            self.signature(key, expires, content_type, length)
        );
        Ok(PresignedUpload {
            url,
            method: "PUT".into(),
            // As S3's link: the object is stored only while the key is free.
            headers: vec![("content-type".into(), content_type.into()), ("if-none-match".into(), "*".into())],
            expires_at,
        })
    }

    async fn presign_form(
        &self,
        key: &str,
        content_type: &str,
        max_length: u64,
        expires_in: Duration,
        redirect: &str,
    ) -> Result<PresignedForm, BlobError> {
        check_blob_key(key)?;
        let expires_at: DateTime<Utc> = self.clock.now()
            + chrono::Duration::from_std(expires_in).map_err(|e| BlobError::unavailable(e.to_string()))?;
        let expires = expires_at.timestamp();
        let signature = self.form_signature(key, expires, content_type, max_length, redirect);
        let fields = [
            ("key", key.to_owned()),
            ("Content-Type", content_type.to_owned()),
            ("success_action_redirect", redirect.to_owned()),
            ("expires", expires.to_string()),
            ("max_length", max_length.to_string()),
            ("signature", signature),
        ];
        Ok(PresignedForm {
            url: format!("{}{FORM_ROUTE}", self.base_url),
            fields: fields.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
            expires_at,
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
        let expires_at: DateTime<Utc> = self.clock.now()
            + chrono::Duration::from_std(expires_in).map_err(|e| BlobError::unavailable(e.to_string()))?;
        let expires = expires_at.timestamp();
        Ok(format!(
            "{}{DOWNLOAD_ROUTE}{}?expires={expires}&content_type={}&name={}&signature={}",
            self.base_url,
            key.split('/').map(encode).collect::<Vec<_>>().join("/"),
            encode(content_type),
            encode(file_name),
            self.download_signature(key, expires, content_type, file_name)
        ))
    }
}
