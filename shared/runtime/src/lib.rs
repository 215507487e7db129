//! The real clock and the real source of randomness, behind the domain's `Clock` and `Ids` ports.

pub mod hasher;
pub mod pace;
pub mod replay;

/// Logs through `tracing`: JSON in Lambda (each line with the request's span and its request ID), compact
/// text elsewhere unless `AWS_LAMBDA_LOG_FORMAT=JSON` asks for JSON; the levels from `RUST_LOG` (default
/// `info`; `target=level` pairs as `tracing_subscriber`'s `Targets` reads them: no regular expressions, so
/// no regex engine in every binary). Never log passwords, tokens, photos or an applicant's personal data.
pub fn init_tracing() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = levels(std::env::var("RUST_LOG").ok().as_deref());
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"))
        || std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let layer = tracing_subscriber::fmt::layer().with_target(false);
    let done = if json {
        let layer = layer.json().with_current_span(true).with_span_list(true).without_time();
        tracing_subscriber::registry().with(layer).with(filter).try_init()
    } else {
        tracing_subscriber::registry().with(layer.compact()).with(filter).try_init()
    };
    if let Err(e) = done {
        // Nothing else can log yet; a second initialisation (in tests) is the only way here.
        eprintln!("logging was already set up: {e}");
    }
}

/// The levels `RUST_LOG` asks for; `info` when it is unset or does not read.
fn levels(setting: Option<&str>) -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    setting.and_then(|s| s.parse::<Targets>().ok()).unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

#[cfg(test)]
mod level_tests {
    use tracing::Level;

    #[test]
    fn rust_log_sets_the_levels_and_info_is_the_default() {
        let default = super::levels(None);
        assert!(default.would_enable("zairyu_app", &Level::INFO) && !default.would_enable("zairyu_app", &Level::DEBUG));
        let set = super::levels(Some("warn,zairyu_app=debug"));
        assert!(set.would_enable("zairyu_app::services", &Level::DEBUG));
        assert!(!set.would_enable("hyper", &Level::INFO) && set.would_enable("hyper", &Level::WARN));
        let unreadable = super::levels(Some("zairyu_app=loud"));
        assert!(unreadable.would_enable("x", &Level::INFO) && !unreadable.would_enable("x", &Level::DEBUG));
    }
}

pub use argon2::Params as Argon2Params;
pub use hasher::Argon2Hasher;

use base64::Engine;
use chrono::{DateTime, Utc};
use zairyu_app::ports::{Clock, Ids};

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random identifiers from the operating system's generator. IDs are monotonic ULIDs: within one
/// millisecond (or if the clock steps back) the next ID is the previous one plus one, so IDs made by one
/// process sort in the order they were made.
#[derive(Debug, Default)]
pub struct RandomIds<C: Clock = SystemClock> {
    clock: C,
    last: std::sync::Mutex<u128>,
}

impl<C: Clock> RandomIds<C> {
    pub fn with_clock(clock: C) -> Self {
        Self { clock, last: std::sync::Mutex::new(0) }
    }
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The operating system's generator does not fail on the platforms we run on; if it ever did, a
    // panic is right: an ID or token must never be predictable.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
    buf
}

/// A ULID's 128 bits: 48 bits of milliseconds since the epoch, then 80 random bits.
fn ulid_value(millis: u64, random: [u8; 10]) -> u128 {
    let mut value: u128 = u128::from(millis & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    value
}

fn ulid_text(value: u128) -> String {
    (0..26).rev().map(|i| char::from(CROCKFORD[((value >> (5 * i)) & 31) as usize])).collect()
}

/// A ULID in Crockford base 32.
pub fn ulid(millis: u64, random: [u8; 10]) -> String {
    ulid_text(ulid_value(millis, random))
}

impl<C: Clock> Ids for RandomIds<C> {
    fn id(&self) -> String {
        let millis = u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0);
        let fresh = ulid_value(millis, random_bytes());
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let value = if fresh >> 80 > *last >> 80 { fresh } else { last.wrapping_add(1) };
        *last = value;
        ulid_text(value)
    }

    fn token(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    }

    fn random(&self) -> u64 {
        u64::from_le_bytes(random_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_sortable_and_26_characters() {
        let ids = RandomIds::<SystemClock>::default();
        let many: Vec<String> = (0..1000).map(|_| ids.id()).collect();
        assert!(many.iter().all(|i| i.len() == 26));
        assert_eq!(many.iter().collect::<HashSet<_>>().len(), 1000);
        assert!(ulid(1, [0; 10]) < ulid(2, [0xFF; 10]));
        assert_eq!(ulid(0, [0; 10]), "0".repeat(26));
        let mut sorted = many.clone();
        sorted.sort();
        assert_eq!(sorted, many, "monotonic");
    }

    #[test]
    fn tokens_are_32_random_bytes() {
        let ids = RandomIds::<SystemClock>::default();
        let t = ids.token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, ids.token());
        assert_ne!(ids.random(), ids.random());
    }
}
