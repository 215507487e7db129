//! argon2id password hashing with the OWASP minimum parameters (19 MiB, t=2, p=1: the argon2 crate's
//! defaults), run on tokio's blocking pool — a bounded number at a time, each in work memory that is kept
//! and reused.
//!
//! Every check needs 19 MiB. Left alone, a burst of log-ins (no account needed) runs as many checks at once
//! as there are requests, and the allocator keeps what they took: 100 parallel log-ins grew the local server
//! to 3.2 GB for good. Here at most `workers` checks run at once, each in one of `workers` preallocated
//! memories; up to `queue` more wait their turn, and any beyond that are refused at once as busy (`429`
//! with `Retry-After` over HTTP) instead of queueing without bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::{Output, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use async_trait::async_trait;
use tokio::sync::Semaphore;
use zairyu_app::ports::{HashError, PasswordHasher};
use zairyu_domain::values::Password;

/// The memory cost a stored hash may ask for, at most (KiB): a hash is ours, but a record that asks for
/// gigabytes must not take the process down.
const MAX_MEMORY_KIB: u32 = 256 * 1024;

#[derive(Clone)]
pub struct Argon2Hasher {
    /// The parameters of new hashes; a stored hash with others is re-hashed at the next log-in.
    params: Params,
    /// A hash of a random password, verified against when the user does not exist.
    dummy: String,
    gate: Arc<Gate>,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher").field("params", &self.params).finish_non_exhaustive()
    }
}

/// Who may hash now, who waits, and the work memories.
struct Gate {
    permits: Arc<Semaphore>,
    /// One work memory per permit, returned after each use.
    memories: Mutex<Vec<Vec<Block>>>,
    /// Checks admitted and not yet finished (running or waiting).
    admitted: AtomicUsize,
    /// How many may be admitted at once: the workers and the queue.
    limit: usize,
}

/// Leaves the gate when dropped (finished, failed or cancelled).
struct Admission(Arc<Gate>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Argon2Hasher {
    /// The default parameters; as many checks at once as the machine has cores, and 16 waiting per core.
    pub fn new() -> Result<Self, HashError> {
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::with(Params::default(), workers, 16 * workers)
    }

    /// Given parameters, `workers` checks at once and up to `queue` waiting.
    pub fn with(params: Params, workers: usize, queue: usize) -> Result<Self, HashError> {
        let workers = workers.max(1);
        let gate = Arc::new(Gate {
            permits: Arc::new(Semaphore::new(workers)),
            memories: Mutex::new(Vec::with_capacity(workers)),
            admitted: AtomicUsize::new(0),
            limit: workers + queue,
        });
        let dummy = dummy_phc(&params)?;
        Ok(Self { params, dummy, gate })
    }

    /// Runs `work` with a work memory once a worker is free; `Busy` when too many are admitted already.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let gate = Arc::clone(&self.gate);
        if gate.admitted.fetch_add(1, Ordering::SeqCst) >= gate.limit {
            gate.admitted.fetch_sub(1, Ordering::SeqCst);
            return Err(HashError::Busy);
        }
        let admission = Admission(Arc::clone(&gate));
        let permit = Arc::clone(&gate.permits).acquire_owned().await.map_err(HashError::failed)?;
        tokio::task::spawn_blocking(move || {
            // The permit and the memory stay with the work even if the request that asked is gone.
            let _permit = permit;
            let _admission = admission;
            let mut memory =
                gate.memories.lock().map_err(|e| HashError::failed(e.to_string()))?.pop().unwrap_or_default();
            let result = work(&mut memory);
            gate.memories.lock().map_err(|e| HashError::failed(e.to_string()))?.push(memory);
            result
        })
        .await
        .map_err(HashError::failed)?
    }
}

/// Hashes `password` with `params` and a new random salt into a PHC string, in `memory`.
fn phc(params: &Params, password: &[u8], memory: &mut Vec<Block>) -> Result<String, HashError> {
    let salt_bytes: [u8; 16] = crate::random_bytes();
    let salt = Salt::new(&salt_bytes).map_err(HashError::failed)?;
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    compute(Algorithm::Argon2id, Version::V0x13, params, password, &salt, &mut out, memory)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: params.try_into().map_err(HashError::failed)?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(HashError::failed)?),
    };
    Ok(hash.to_string())
}

/// A stored-hash string with `params`, a random salt and a random output: verifying any password against
/// it costs what verifying against a real hash with `params` costs (the whole argon2 computation, then a
/// comparison no password can pass), and making it costs nothing — no password is hashed at start-up
/// (#15: that was half of a function's cold start).
fn dummy_phc(params: &Params) -> Result<String, HashError> {
    let salt_bytes: [u8; 16] = crate::random_bytes();
    let out: [u8; Params::DEFAULT_OUTPUT_LEN] = crate::random_bytes();
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN).min(out.len());
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: params.try_into().map_err(HashError::failed)?,
        salt: Some(Salt::new(&salt_bytes).map_err(HashError::failed)?),
        hash: Some(Output::new(&out[..len]).map_err(HashError::failed)?),
    };
    Ok(hash.to_string())
}

/// Computes an argon2 output into `out`, growing `memory` to the blocks `params` need (never shrinking it:
/// the memory is reused by the next hash).
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), HashError> {
    if params.m_cost() > MAX_MEMORY_KIB {
        return Err(HashError::failed(format!("a stored hash asks for {} KiB", params.m_cost())));
    }
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
        .map_err(HashError::failed)
}

/// Whether `candidate` gives the stored `hash`, computed in `memory`.
fn verify_in(candidate: &[u8], hash: &str, memory: &mut Vec<Block>) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(hash).map_err(HashError::failed)?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(HashError::failed)?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(HashError::failed)?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(HashError::failed)?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(HashError::failed("a stored hash without its salt or output"));
    };
    let mut out = vec![0u8; expected.len()];
    compute(algorithm, version, &params, candidate, salt, &mut out, memory)?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&out).map_err(HashError::failed)? == *expected)
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<String, HashError> {
        let (text, params) = (password.expose().to_owned(), self.params.clone());
        self.run(move |memory| phc(&params, text.as_bytes(), memory)).await
    }

    async fn verify(&self, candidate: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy).to_owned();
        let candidate = candidate.to_owned();
        let ok = self.run(move |memory| verify_in(candidate.as_bytes(), &hash, memory)).await?;
        Ok(ok && known)
    }

    fn needs_rehash(&self, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return true;
        };
        let current = (Algorithm::Argon2id.ident(), Some(Version::V0x13.into()));
        (parsed.algorithm, parsed.version) != current
            || Params::try_from(&parsed).map_or(true, |p| {
                (p.m_cost(), p.t_cost(), p.p_cost())
                    != (self.params.m_cost(), self.params.t_cost(), self.params.p_cost())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zairyu_domain::values::UserId;

    fn password() -> Password {
        Password::parse(&UserId::parse("TANAKA01").unwrap(), "Sakura#2026").unwrap()
    }

    #[tokio::test]
    async fn the_dummy_hash_is_a_hash_of_the_parameters_that_nothing_passes() {
        let hasher = Argon2Hasher::new().unwrap();
        let parsed = PasswordHash::new(&hasher.dummy).unwrap();
        let costs = |p: &Params| (p.m_cost(), p.t_cost(), p.p_cost());
        assert_eq!(costs(&Params::try_from(&parsed).unwrap()), costs(&Params::default()), "it costs a real check");
        assert_eq!(parsed.hash.unwrap().len(), Params::DEFAULT_OUTPUT_LEN);
        assert!(!hasher.verify(password().expose(), None).await.unwrap());
        assert!(!hasher.verify("", None).await.unwrap());
        // Made fresh, with no password hashed, for every hasher: two hashers have two dummies.
        assert_ne!(Argon2Hasher::new().unwrap().dummy, hasher.dummy);
        let cheap = Params::new(8, 1, 1, None).unwrap();
        let other = Argon2Hasher::with(cheap.clone(), 1, 1).unwrap();
        assert_eq!(costs(&Params::try_from(&PasswordHash::new(&other.dummy).unwrap()).unwrap()), costs(&cheap));
    }

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let h = Argon2Hasher::new().unwrap();
        let hash = h.hash(&password()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(h.verify("Sakura#2026", Some(&hash)).await.unwrap());
        assert!(!h.verify("sakura#2026", Some(&hash)).await.unwrap());
        assert!(!h.verify("Sakura#2026", None).await.unwrap());
        assert_ne!(hash, h.hash(&password()).await.unwrap(), "salted");
        assert!(!h.needs_rehash(&hash));
    }

    #[tokio::test]
    async fn hashes_of_the_argon2_crate_verify_here_and_ours_there() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let h = Argon2Hasher::new().unwrap();
        let theirs = Argon2::default().hash_password(b"Sakura#2026").unwrap().to_string();
        assert!(h.verify("Sakura#2026", Some(&theirs)).await.unwrap());
        let ours = h.hash(&password()).await.unwrap();
        assert!(Argon2::default().verify_password(b"Sakura#2026", ours.as_str()).is_ok());
    }

    #[tokio::test]
    async fn q96_older_parameters_need_a_new_hash_and_still_verify() {
        let old = Argon2Hasher::with(Params::new(8 * 1024, 1, 1, None).unwrap(), 1, 1).unwrap();
        let hash = old.hash(&password()).await.unwrap();
        let current = Argon2Hasher::new().unwrap();
        assert!(current.verify("Sakura#2026", Some(&hash)).await.unwrap());
        assert!(current.needs_rehash(&hash));
        assert!(!old.needs_rehash(&hash));
        assert!(current.needs_rehash("not a hash"));
    }

    #[tokio::test]
    async fn a_stored_hash_that_asks_for_too_much_memory_fails_instead_of_allocating() {
        let h = Argon2Hasher::new().unwrap();
        let greedy = "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(matches!(h.verify("x", Some(greedy)).await, Err(HashError::Failed(_))));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn too_many_at_once_are_refused_as_busy_and_the_rest_all_run() {
        let h = Argon2Hasher::with(Params::default(), 2, 3).unwrap();
        let hash = h.hash(&password()).await.unwrap();
        let mut checks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (h, hash) = (h.clone(), hash.clone());
            checks.spawn(async move { h.verify("Sakura#2026", Some(&hash)).await });
        }
        let (mut ok, mut busy) = (0, 0);
        while let Some(r) = checks.join_next().await {
            match r.unwrap() {
                Ok(true) => ok += 1,
                Err(HashError::Busy) => busy += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(ok >= 5 && ok + busy == 20 && busy > 0, "ok {ok}, busy {busy}");
        // The gate is empty again, and at most two work memories were ever made.
        assert_eq!(h.gate.admitted.load(Ordering::SeqCst), 0);
        assert!(h.gate.memories.lock().unwrap().len() <= 2);
        assert!(h.verify("Sakura#2026", Some(&hash)).await.unwrap());
    }
}
