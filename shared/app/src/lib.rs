//! The use cases of zairyu, over the rules of `zairyu-domain`:
//!
//! - [`ports`]: what the use cases need from the world, as traits (each with an AWS adapter in `zairyu-aws`
//!   and an embedded one in `zairyu-embedded`, held to one behaviour by `zairyu-contract`);
//! - [`store`]: the single-table key design and one repository per aggregate — the only code that touches
//!   the table; records come back with their version and go back only through a unit of work;
//! - [`services`]: the services, grouped by who uses them, each holding only the ports it needs;
//! - [`lines`]: the read models lists show, rendered at each write and stored beside their records;
//! - [`error`]: one error model for all of them.

pub mod access;
pub mod error;
pub mod lines;
pub mod ports;
pub mod services;
pub mod store;

use std::sync::Arc;

pub use error::{ErrorKind, ServiceError};
pub use services::accounts::{Accounts, Login, PasswordLinks};
pub use services::applications::Applications;
pub use services::blanket::Blanket;
pub use services::certificates::Verification;
pub use services::counter::Counter;
pub use services::daily::{DailyJobs, RunReport};
pub use services::examination::Examination;
pub use services::notifications::{Delivered, Notifications};
pub use services::{Caller, Core};

use ports::{BlobStore, Clock, Ids, JobQueue, PasswordHasher, Table};

/// Bytes as lower-case hexadecimal, in one allocation (a token's hash is taken at every request).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Lower- or upper-case hexadecimal as bytes; `None` for anything else.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

/// Whether two secrets (tokens, signatures or their hashes) are equal, compared in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod hex_tests {
    #[test]
    fn bytes_are_written_as_two_lower_case_digits_each() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff, 0x10]), "000fa5ff10");
        assert_eq!(super::hex(&[]), "");
    }
}
use store::Store;

/// Every port, for a process that serves every use case (the local server, the tests).
#[derive(Clone)]
pub struct Wiring {
    pub table: Arc<dyn Table>,
    /// Facial photos.
    pub photos: Arc<dyn BlobStore>,
    /// Blanket files, uploaded by presigned link.
    pub uploads: Arc<dyn BlobStore>,
    /// Generated blanket templates.
    pub templates: Arc<dyn BlobStore>,
    pub queue: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub hasher: Arc<dyn PasswordHasher>,
    /// Where users open links from e-mails (e.g. `https://oras.example.jp`).
    pub public_url: String,
}

/// Every service over one wiring (a Lambda function builds only the ones it serves).
#[derive(Clone)]
pub struct Services {
    pub core: Core,
    pub accounts: Accounts,
    pub applications: Applications,
    pub blanket: Blanket,
    pub examination: Examination,
    pub counter: Counter,
    pub daily: DailyJobs,
    pub verification: Verification,
}

impl Services {
    pub fn new(w: Wiring) -> Self {
        let core = Core::new(Store::new(w.table), w.queue, w.clock, w.ids);
        let links = PasswordLinks::new(core.clone(), w.public_url.clone());
        Self {
            accounts: Accounts::new(core.clone(), w.hasher, links.clone()),
            applications: Applications::new(core.clone(), Arc::clone(&w.photos)),
            blanket: Blanket::new(core.clone(), w.uploads, w.templates),
            examination: Examination::new(core.clone(), Arc::clone(&w.photos), w.public_url),
            counter: Counter::new(core.clone(), links),
            daily: DailyJobs::new(core.clone(), Arc::clone(&w.photos)),
            verification: Verification::new(core.clone(), w.photos),
            core,
        }
    }
}

/// Where a process's services come from, each built when asked for: a function asks only for the services
/// its work uses, so it builds only their ports (and, in AWS, their clients).
pub trait ServiceSource {
    fn accounts(&self) -> Result<Accounts, ports::BoxError>;
    fn applications(&self) -> Result<Applications, ports::BoxError>;
    fn blanket(&self) -> Result<Blanket, ports::BoxError>;
    fn examination(&self) -> Result<Examination, ports::BoxError>;
    fn counter(&self) -> Result<Counter, ports::BoxError>;
    fn daily(&self) -> Result<DailyJobs, ports::BoxError>;
    fn verification(&self) -> Result<Verification, ports::BoxError>;
}

impl ServiceSource for Services {
    fn accounts(&self) -> Result<Accounts, ports::BoxError> {
        Ok(self.accounts.clone())
    }
    fn applications(&self) -> Result<Applications, ports::BoxError> {
        Ok(self.applications.clone())
    }
    fn blanket(&self) -> Result<Blanket, ports::BoxError> {
        Ok(self.blanket.clone())
    }
    fn examination(&self) -> Result<Examination, ports::BoxError> {
        Ok(self.examination.clone())
    }
    fn counter(&self) -> Result<Counter, ports::BoxError> {
        Ok(self.counter.clone())
    }
    fn daily(&self) -> Result<DailyJobs, ports::BoxError> {
        Ok(self.daily.clone())
    }
    fn verification(&self) -> Result<Verification, ports::BoxError> {
        Ok(self.verification.clone())
    }
}
