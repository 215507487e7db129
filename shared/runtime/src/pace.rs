//! Sending e-mail no faster than the mail service lets the account send, and slowing down when it says so.
//!
//! SES gives an account a sending rate (14 e-mails a second for a new production account); the `notify`
//! function runs up to `NotifyConcurrency` batches at once, so each instance keeps to its share of the rate
//! ([`Paced::new`]). Should SES still ask to slow down (another sender on the account, a lower quota than
//! configured), the e-mail is tried again after a growing pause, a few times, before the job goes back to the
//! queue. So a burst — April's official receipt numbers at midnight, tens of thousands of e-mails — drains at
//! the account's rate instead of burning every job's deliveries on refusals and landing in the dead-letter
//! queue (`tests/notify.rs`, the 20,000-e-mail burst).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Mutex;
use tokio::time::Instant;
use zairyu_app::ports::{Email, MailError, Mailer};

/// Pauses after a refusal to slow down: 0.5 s, 1 s, 2 s, 4 s (7.5 s in all, inside notify's 20 s timeout
/// with a batch of ten); then the job goes back to the queue.
const BACKOFF: [Duration; 4] =
    [Duration::from_millis(500), Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)];

/// A [`Mailer`] that hands at most `per_second` e-mails a second to the one it wraps.
pub struct Paced {
    inner: Arc<dyn Mailer>,
    interval: Duration,
    /// The earliest moment the next e-mail may go.
    next: Mutex<Instant>,
}

impl Paced {
    /// `account_rate` e-mails a second shared by `instances` senders at once: each takes its share.
    pub fn new(inner: Arc<dyn Mailer>, account_rate: f64, instances: u32) -> Self {
        let per_second = (account_rate / f64::from(instances.max(1))).max(0.01);
        Self { inner, interval: Duration::from_secs_f64(1.0 / per_second), next: Mutex::new(Instant::now()) }
    }

    /// The sending rate of this instance (e-mails a second).
    pub fn per_second(&self) -> f64 {
        1.0 / self.interval.as_secs_f64()
    }

    /// Waits for this e-mail's turn: turns are handed out `interval` apart, in the order asked.
    async fn turn(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[async_trait]
impl Mailer for Paced {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        let mut pauses = BACKOFF.iter();
        loop {
            self.turn().await;
            match self.inner.send(email).await {
                Err(MailError::Throttled(e)) => match pauses.next() {
                    Some(pause) => tokio::time::sleep(*pause).await,
                    None => return Err(MailError::Throttled(e)),
                },
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use zairyu_domain::values::EmailAddress;

    fn email() -> Email {
        let a = EmailAddress::parse("tanaka@sakura.example.jp").unwrap();
        Email { from: a.clone(), to: vec![a], subject: "s".into(), text: "t".into(), html: None }
    }

    /// Records when each e-mail reached it; refuses the first `throttle` with "slow down".
    struct Recorder {
        at: std::sync::Mutex<Vec<Instant>>,
        throttle: AtomicUsize,
    }

    #[async_trait]
    impl Mailer for Recorder {
        async fn send(&self, _: &Email) -> Result<String, MailError> {
            self.at.lock().unwrap().push(Instant::now());
            if self.throttle.load(Ordering::SeqCst) > 0 {
                self.throttle.fetch_sub(1, Ordering::SeqCst);
                return Err(MailError::throttled("slow down"));
            }
            Ok("id".into())
        }
    }

    fn recorder(throttle: usize) -> Arc<Recorder> {
        Arc::new(Recorder { at: std::sync::Mutex::new(Vec::new()), throttle: AtomicUsize::new(throttle) })
    }

    #[tokio::test(start_paused = true)]
    async fn each_instance_keeps_to_its_share_of_the_account_s_rate() {
        let inner = recorder(0);
        // 14 a second shared by 10 instances: 1.4 a second here.
        let paced = Arc::new(Paced::new(inner.clone(), 14.0, 10));
        assert!((paced.per_second() - 1.4).abs() < 1e-9);
        let start = Instant::now();
        let tasks: Vec<_> = (0..15)
            .map(|_| {
                let p = Arc::clone(&paced);
                tokio::spawn(async move { p.send(&email()).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let at = inner.at.lock().unwrap().clone();
        assert_eq!(at.len(), 15);
        // The first at once, then one every 1/1.4 s: 14 intervals.
        let span = at.iter().max().unwrap().duration_since(start).as_secs_f64();
        assert!((span - 14.0 / 1.4).abs() < 0.01, "{span}");
        let mut sorted = at;
        sorted.sort();
        for pair in sorted.windows(2) {
            // The timer ticks by the millisecond.
            assert!(pair[1].duration_since(pair[0]).as_secs_f64() >= 1.0 / 1.4 - 0.002);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_to_slow_down_is_tried_again_after_growing_pauses_then_given_back() {
        let inner = recorder(2);
        let paced = Paced::new(inner.clone(), 1000.0, 1);
        paced.send(&email()).await.unwrap();
        assert_eq!(inner.at.lock().unwrap().len(), 3, "sent on the third try");
        let at = inner.at.lock().unwrap().clone();
        assert!(at[1].duration_since(at[0]) >= Duration::from_millis(500));
        assert!(at[2].duration_since(at[1]) >= Duration::from_secs(1));

        // Refused every time: four pauses, five tries, then the error (the job goes back to the queue).
        let always = recorder(usize::MAX / 2);
        let paced = Paced::new(always.clone(), 1000.0, 1);
        assert!(matches!(paced.send(&email()).await, Err(MailError::Throttled(_))));
        assert_eq!(always.at.lock().unwrap().len(), 5);
        // Other errors are not retried here.
        struct Down;
        #[async_trait]
        impl Mailer for Down {
            async fn send(&self, _: &Email) -> Result<String, MailError> {
                Err(MailError::unavailable("down"))
            }
        }
        assert!(matches!(Paced::new(Arc::new(Down), 10.0, 1).send(&email()).await, Err(MailError::Unavailable(_))));
    }
}
