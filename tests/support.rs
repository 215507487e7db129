//! The world the service stories and the benchmarks run in: the services over real adapters, two seeded
//! organizations, and a clock in the caller's hand.

#![allow(dead_code, unused_macros, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // shared by several targets

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, TimeZone, Utc};
use zairyu_app::ports::*;
use zairyu_app::services::import::Import;
use zairyu_app::{Caller, Services, Wiring};
use zairyu_domain::account::{User, UserKind};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::error::{Language, Text};
use zairyu_domain::fixtures::application_input;
use zairyu_domain::job::NotificationJob;
use zairyu_domain::jst::JstDate;
use zairyu_domain::office::Office;
use zairyu_domain::organization::{
    ApprovalOfUse, ForeignNational, Organization, OrganizationKind, OrganizationProfile,
};
use zairyu_domain::values::{EmailAddress, Password, ResidenceCardNumber, UserId};
use zairyu_embedded::{FolderBlobs, SqliteQueue, SqliteTable};
use zairyu_runtime::{Argon2Hasher, RandomIds};

/// Runs a story twice: on the embedded table and on DynamoDB (moto server, see `scripts/test.sh`).
macro_rules! on_both_tables {
    ($($name:ident),+ $(,)?) => {
        mod embedded {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                super::$name(super::World::new().await).await
            })+
        }
        mod dynamodb {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                super::$name(super::World::on_dynamodb().await).await
            })+
        }
    };
}

pub const PASSWORD: &str = "Sakura#2026";

/// 2026-11-27 10:00 JST.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 1, 0, 0).unwrap()
}

#[derive(Clone)]
pub struct SharedClock(pub Arc<ManualClock>);

impl Clock for SharedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }
}

pub struct World {
    pub svc: Services,
    pub wiring: Wiring,
    pub clock: Arc<ManualClock>,
    pub table: Arc<dyn Table>,
    pub queue: Arc<dyn JobQueue>,
    /// While set, the services' queue refuses every send (as SQS does when it cannot be reached).
    pub queue_down: Arc<std::sync::atomic::AtomicBool>,
    pub dir: tempfile::TempDir,
}

/// The queue as the services see it: `inner`, except that sends fail while `down` is set.
pub struct FlakyQueue {
    pub inner: Arc<dyn JobQueue>,
    pub down: Arc<std::sync::atomic::AtomicBool>,
}

#[async_trait::async_trait]
impl JobQueue for FlakyQueue {
    async fn send(&self, body: &str) -> Result<(), QueueError> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(QueueError::unavailable("injected: the queue cannot be reached"));
        }
        self.inner.send(body).await
    }
    async fn receive(&self, max: u32) -> Result<Vec<Delivery>, QueueError> {
        self.inner.receive(max).await
    }
    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        self.inner.ack(receipt).await
    }
    async fn release(&self, receipt: &str) -> Result<(), QueueError> {
        self.inner.release(receipt).await
    }
    async fn dead_letters(&self, max: u32) -> Result<Vec<String>, QueueError> {
        self.inner.dead_letters(max).await
    }
}

impl World {
    pub async fn new() -> Self {
        Self::with_table(Arc::new(SqliteTable::in_memory().unwrap())).await
    }

    /// The same world with its records in a fresh DynamoDB table on moto server.
    pub async fn on_dynamodb() -> Self {
        Self::with_table(Self::dynamodb_table().await).await
    }

    /// A fresh DynamoDB table on moto server (`ZAIRYU_MOTO_URL`).
    pub async fn dynamodb_table() -> Arc<dyn Table> {
        let url = std::env::var("ZAIRYU_MOTO_URL").unwrap_or_else(|_| {
            panic!("ZAIRYU_MOTO_URL is not set: run the suite with scripts/test.sh, which starts moto server")
        });
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .test_credentials()
            .region("ap-northeast-1")
            // The HTTP client the functions use (bundled trust store).
            .http_client(zairyu_aws::http_client())
            .endpoint_url(url)
            .load()
            .await;
        let client = aws_sdk_dynamodb::Client::new(&config);
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        // Unique across runs against one long-lived moto server too.
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let name = format!("services-{started}-{}", N.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
        zairyu_aws::DynamoTable::create(&client, &name).await.unwrap();
        Arc::new(zairyu_aws::DynamoTable::new(client, name))
    }

    /// A world whose services go through `seen` (a table that counts or records), over `table`, which the
    /// world keeps for its checks.
    pub async fn seen_through(table: Arc<dyn Table>, seen: Arc<dyn Table>) -> Self {
        Self::wrapped(table, |mut wiring| {
            wiring.table = seen;
            wiring
        })
        .await
    }

    pub async fn with_table(table: Arc<dyn Table>) -> Self {
        Self::wrapped(table, |w| w).await
    }

    /// A world whose services see the ports `wrap` makes of the usual ones (e.g. to inject faults); the
    /// world's own `table` and `queue` stay the unwrapped ones, for the test's checks.
    pub async fn wrapped(table: Arc<dyn Table>, wrap: impl FnOnce(Wiring) -> Wiring) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(start()));
        let shared = SharedClock(Arc::clone(&clock));
        let queue: Arc<dyn JobQueue> =
            Arc::new(SqliteQueue::in_memory("notifications", 5, StdDuration::from_secs(60), shared.clone()).unwrap());
        let queue_down = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let wiring = Wiring {
            table: Arc::clone(&table),
            photos: Arc::new(
                FolderBlobs::new(&dir.path().join("photos"), "http://127.0.0.1:8080", b"k", shared.clone()).unwrap(),
            ),
            uploads: Arc::new(
                FolderBlobs::new(&dir.path().join("uploads"), "http://127.0.0.1:8080", b"k", shared.clone()).unwrap(),
            ),
            templates: Arc::new(
                FolderBlobs::new(&dir.path().join("templates"), "http://127.0.0.1:8080", b"k", shared.clone()).unwrap(),
            ),
            queue: Arc::new(FlakyQueue { inner: Arc::clone(&queue), down: Arc::clone(&queue_down) }),
            clock: Arc::new(shared.clone()),
            ids: Arc::new(RandomIds::with_clock(shared)),
            hasher: Arc::new(Argon2Hasher::new().unwrap()),
            public_url: "https://oras.example.jp".into(),
        };
        let wiring = wrap(wiring);
        let world = Self { svc: Services::new(wiring.clone()), wiring, clock, table, queue, queue_down, dir };
        world.seed("org1", "TANAKA01", "tanaka@sakura.example.jp", "7000012050002").await;
        world.seed("org2", "SUZUKI02", "suzuki@kaede.example.jp", "6000012050003").await;
        use zairyu_domain::status::OfficerRole::*;
        world.seed_officer("OFFICER1", Office::Tokyo, vec![Counter, Examiner, Issuance]).await;
        world.seed_officer("CLERK01", Office::Tokyo, vec![Counter]).await;
        world.seed_officer("OSAKA01", Office::Osaka, vec![Examiner, Issuance, Counter]).await;
        world
    }

    /// The services as a deployed function builds them, over the table as its role reaches it (`Reaching`).
    pub fn as_role(&self, role: zairyu_app::access::Role) -> Services {
        Services::new(Reaching::wiring(&self.wiring, role))
    }

    /// An active organization with one person on its list and one staff user with a password.
    pub async fn seed(&self, org: &str, user: &str, email: &str, corporate_number: &str) {
        let org_id = OrganizationId::parse(org).unwrap();
        let profile = OrganizationProfile::parse(
            OrganizationKind::Corporation,
            "Sakura Systems K.K.",
            "Tokyo",
            corporate_number,
            Office::Tokyo,
        )
        .unwrap();
        let organization = Organization::approved(
            org_id.clone(),
            profile,
            ApprovalOfUse::granted(JstDate::parse("2026-06-01").unwrap()),
        );
        let person = ForeignNational {
            passport_expiry: Some(JstDate::parse("2027-03-15").unwrap()),
            ..zairyu_domain::fixtures::list_entry()
        };
        let id = UserId::parse(user).unwrap();
        let hash = self.wiring.hasher.hash(&Password::parse(&id, PASSWORD).unwrap()).await.unwrap();
        let mut u = User::new(
            id,
            UserKind::OrganizationStaff,
            Some(org_id.clone()),
            Text::parse("Tanaka Hanako").unwrap(),
            EmailAddress::parse(email).unwrap(),
            Language::Ja,
        );
        u.change_password(hash, JstDate::parse("2026-06-01").unwrap());
        let import = Import {
            organizations: vec![organization],
            users: vec![u],
            people: vec![(org_id, person)],
            ..Import::default()
        };
        assert!(self.svc.core.import(import).await.unwrap());
    }

    /// An officer of an office with a password (set later than the staff's, so that its expiry reminders
    /// fall on other days).
    pub async fn seed_officer(&self, user: &str, office: Office, roles: Vec<zairyu_domain::status::OfficerRole>) {
        let id = UserId::parse(user).unwrap();
        let hash = self.wiring.hasher.hash(&Password::parse(&id, PASSWORD).unwrap()).await.unwrap();
        let mut u = User::new(
            id,
            UserKind::Officer { office, roles },
            None,
            Text::parse("Officer").unwrap(),
            EmailAddress::parse("officer@immi.example.jp").unwrap(),
            Language::Ja,
        );
        u.change_password(hash, JstDate::parse("2026-11-01").unwrap());
        assert!(self.svc.core.import(Import { users: vec![u], ..Import::default() }).await.unwrap());
    }

    /// `n` people on org1's list (cards `BL00000000KT`…), and a blanket row for each.
    pub async fn blanket_people(&self, n: usize) -> Vec<Vec<String>> {
        let org = OrganizationId::parse("org1").unwrap();
        let mut people = Vec::new();
        let mut rows = Vec::new();
        for i in 0..n {
            let person = ForeignNational {
                card_number: ResidenceCardNumber::parse(&blanket_card(i)).unwrap(),
                ..zairyu_domain::fixtures::list_entry()
            };
            people.push((org.clone(), person));
            if people.len() == 90 {
                let import = Import { people: std::mem::take(&mut people), ..Import::default() };
                assert!(self.svc.core.import(import).await.unwrap());
            }
            let mut input = application_input();
            input.residence_card_number = blanket_card(i);
            rows.push(zairyu_blanket::columns::input_cells(&input));
        }
        if !people.is_empty() {
            assert!(self.svc.core.import(Import { people, ..Import::default() }).await.unwrap());
        }
        rows
    }

    /// `n` applications filed on `on` for org1 (extensions, or changes of status), written as filing writes them
    /// (the record with its lookups and the next day's due task), without filing each; their IDs in order.
    pub async fn seed_filed(&self, prefix: &str, n: usize, change: bool, on: JstDate) -> Vec<String> {
        static CARDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let now = zairyu_app::ports::Clock::now(self.clock.as_ref());
        let mut ids = Vec::new();
        let mut unit = zairyu_app::store::UnitOfWork::new(now);
        for i in 0..n {
            let id = format!("{prefix}{i:06}");
            let card = format!("FL{:08}XY", CARDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
            let app = filed_application(&id, "org1", "TANAKA01", &card, change, on);
            unit.add(&app).unwrap();
            unit.due(on.succ(), zairyu_domain::schedule::DueTask::ReceiptNumber, &id);
            ids.push(id);
            if unit.write_count() > 80 {
                let full = std::mem::replace(&mut unit, zairyu_app::store::UnitOfWork::new(now));
                self.svc.core.store().commit(full).await.unwrap();
            }
        }
        self.svc.core.store().commit(unit).await.unwrap();
        ids
    }

    /// The fixture's application for another foreign national, put on org1's list first: a card number of
    /// its own (one open application per person).
    pub async fn another_person(&self) -> zairyu_domain::form::ApplicationInput {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let card = format!("NP{:08}KT", N.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
        let person = ForeignNational {
            card_number: ResidenceCardNumber::parse(&card).unwrap(),
            ..zairyu_domain::fixtures::list_entry()
        };
        let import = Import { people: vec![(OrganizationId::parse("org1").unwrap(), person)], ..Import::default() };
        assert!(self.svc.core.import(import).await.unwrap());
        let mut input = application_input();
        input.residence_card_number = card;
        input
    }

    /// A certificate of authorized employment for another foreign national on org1's list (#35).
    pub async fn another_work_certificate(&self) -> zairyu_domain::form::ApplicationInput {
        let card = self.another_person().await.residence_card_number;
        zairyu_domain::form::ApplicationInput {
            residence_card_number: card,
            ..zairyu_domain::fixtures::work_certificate_input()
        }
    }

    /// The caller's application list (Q50) as the API shows it, parsed.
    pub async fn lines(&self, caller: &Caller, limit: u32) -> Vec<Line> {
        let page = self.svc.applications.applications(caller, None, limit).await.unwrap();
        page.items.iter().map(|line| serde_json::from_str(line.json()).unwrap()).collect()
    }

    pub async fn login(&self, user: &str) -> (String, Caller) {
        let login = self.svc.accounts.login(user, PASSWORD, Some("203.0.113.9".into())).await.unwrap();
        let (caller, _, _) = self.svc.accounts.authenticate(&login.session_token, None).await.unwrap();
        (login.session_token, caller)
    }

    /// Sends up to `max` queued notification jobs through `mailer`, as the notify function does.
    pub async fn deliver(
        &self,
        mailer: Arc<dyn Mailer>,
        from: EmailAddress,
        max: u32,
    ) -> Result<usize, zairyu_app::ServiceError> {
        let notifications = zairyu_app::Notifications::new(self.svc.core.clone(), mailer, from, "0570-000-000");
        notifications.deliver(self.queue.as_ref(), max).await
    }

    pub async fn jobs(&self) -> Vec<NotificationJob> {
        let mut out = Vec::new();
        loop {
            let got = self.queue.receive(10).await.unwrap();
            if got.is_empty() {
                return out;
            }
            for d in got {
                out.push(serde_json::from_str(&d.body).unwrap());
                self.queue.ack(&d.receipt).await.unwrap();
            }
        }
    }

    /// An organization as stored now.
    pub async fn organization(&self, id: &str) -> Organization {
        let id = OrganizationId::parse(id).unwrap();
        self.svc.core.store().organizations().get(&id).await.unwrap().unwrap().into_inner()
    }

    pub async fn audit(&self, subject: &str) -> Vec<zairyu_domain::audit::AuditEvent> {
        self.svc.core.store().audit().trail(subject, 1000).await.unwrap()
    }
}

/// The card number of the `i`-th person of [`World::blanket_people`].
pub fn blanket_card(i: usize) -> String {
    format!("BL{i:08}KT")
}

pub fn jpeg() -> Vec<u8> {
    zairyu_domain::fixtures::jpeg(240, 320, 0)
}

/// A table that counts its round trips (reads and writes apart) and records the partition of every item read
/// or written, for tests of what a use case touches.
pub struct ObservedTable {
    inner: Arc<dyn Table>,
    pub reads: std::sync::atomic::AtomicUsize,
    pub writes: std::sync::atomic::AtomicUsize,
    pub partitions: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// Per partition key: the reads (a get, a query) and the item writes (each item of a transaction) it took;
    /// an item written with index keys counts as a write of its index partitions too (`gsi1 ORG#…`).
    pub per_partition: std::sync::Mutex<std::collections::BTreeMap<String, (usize, usize)>>,
}

impl ObservedTable {
    pub fn new(inner: Arc<dyn Table>) -> Self {
        Self {
            inner,
            reads: Default::default(),
            writes: Default::default(),
            partitions: Default::default(),
            per_partition: Default::default(),
        }
    }

    fn saw_index_writes(&self, items: &[Item]) {
        let mut per = self.per_partition.lock().unwrap();
        for item in items {
            for (index, attribute) in [("gsi1", "gsi1pk"), ("gsi2", "gsi2pk")] {
                if let Some(Attr::S(pk)) = item.get(attribute) {
                    per.entry(format!("{index} {pk}")).or_default().1 += 1;
                }
            }
        }
    }

    /// The reads and item writes each partition key took so far.
    pub fn by_partition(&self) -> std::collections::BTreeMap<String, (usize, usize)> {
        self.per_partition.lock().unwrap().clone()
    }

    /// (reads, writes) so far.
    pub fn counts(&self) -> (usize, usize) {
        use std::sync::atomic::Ordering::SeqCst;
        (self.reads.load(SeqCst), self.writes.load(SeqCst))
    }

    fn saw(&self, counter: &std::sync::atomic::AtomicUsize, pks: &[&str]) {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.partitions.lock().unwrap().extend(pks.iter().map(|pk| (*pk).to_owned()));
        let write = std::ptr::eq(counter, &self.writes);
        let mut per = self.per_partition.lock().unwrap();
        for pk in pks {
            let e = per.entry((*pk).to_owned()).or_default();
            if write { e.1 += 1 } else { e.0 += 1 }
        }
    }

    /// A world whose services go through an observed table (the world keeps the bare one for its checks).
    pub async fn world() -> (World, Arc<ObservedTable>) {
        let inner: Arc<dyn Table> = Arc::new(SqliteTable::in_memory().unwrap());
        let observed = Arc::new(ObservedTable::new(Arc::clone(&inner)));
        (World::seen_through(inner, observed.clone()).await, observed)
    }
}

#[async_trait::async_trait]
impl Table for ObservedTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.saw(&self.reads, &[&key.pk]);
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.saw(&self.reads, &keys.iter().map(|k| k.pk.as_str()).collect::<Vec<_>>());
        self.inner.get_many(keys).await
    }
    async fn put(&self, item: Item, c: Condition) -> Result<(), StoreError> {
        self.saw(&self.writes, &[&Key::of(&item).unwrap().pk]);
        self.saw_index_writes(std::slice::from_ref(&item));
        self.inner.put(item, c).await
    }
    async fn delete(&self, key: &Key, c: Condition) -> Result<(), StoreError> {
        self.saw(&self.writes, &[&key.pk]);
        self.inner.delete(key, c).await
    }
    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        // An index's partition is counted as the writes of its items are: `gsi1 ORG#…`.
        let partition = match q.index {
            Index::Primary => q.partition.clone(),
            Index::Gsi1 => format!("gsi1 {}", q.partition),
            Index::Gsi2 => format!("gsi2 {}", q.partition),
        };
        self.saw(&self.reads, &[&partition]);
        self.inner.query(q).await
    }
    async fn increment(&self, key: &Key, a: &str, by: i64, at: Option<i64>) -> Result<i64, StoreError> {
        self.saw(&self.writes, &[&key.pk]);
        self.inner.increment(key, a, by, at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let keys: Vec<Key> = writes
            .iter()
            .map(|w| match w {
                Write::Put { item, .. } => Key::of(item).unwrap(),
                Write::Delete { key, .. } | Write::Check { key, .. } => key.clone(),
            })
            .collect();
        self.saw(&self.writes, &keys.iter().map(|k| k.pk.as_str()).collect::<Vec<_>>());
        let items: Vec<Item> = writes
            .iter()
            .filter_map(|w| if let Write::Put { item, .. } = w { Some(item.clone()) } else { None })
            .collect();
        self.saw_index_writes(&items);
        self.inner.transact(writes).await
    }
}

/// Appends `line` to the file at `path`, once per process (several processes append to one file).
fn append_once(path: &str, line: &str) {
    use std::io::Write as _;
    static WRITTEN: std::sync::Mutex<Option<std::collections::HashSet<String>>> = std::sync::Mutex::new(None);
    let mut written = WRITTEN.lock().unwrap();
    if written.get_or_insert_with(Default::default).insert(line.to_owned()) {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
        f.write_all(line.as_bytes()).unwrap();
    }
}

/// IAM's twin for the table: a function's code, run through it, reaches only what its role reaches
/// (`zairyu_app::access::Role::reach`, the template's `dynamodb:LeadingKeys`); anything else fails the test where
/// it happens, as the call would be refused in AWS. With `ZAIRYU_REACH_LEARN=<file>` set, each call out of reach
/// is written to the file instead (role, kind, prefix), to draft the reach of new code in one run.
pub struct Reaching {
    inner: Arc<dyn Table>,
    role: zairyu_app::access::Role,
}

impl Reaching {
    pub fn new(inner: Arc<dyn Table>, role: zairyu_app::access::Role) -> Self {
        Self { inner, role }
    }

    /// `wiring` with its table seen through `role`.
    pub fn wiring(wiring: &Wiring, role: zairyu_app::access::Role) -> Wiring {
        let mut scoped = wiring.clone();
        scoped.table = Arc::new(Self::new(Arc::clone(&wiring.table), role));
        scoped
    }

    fn check<'a>(
        &self,
        what: &str,
        allowed: impl Fn(&zairyu_app::access::Reach, &str) -> bool,
        pks: impl IntoIterator<Item = &'a str>,
    ) {
        let reach = self.role.reach();
        for pk in pks {
            let line = format!("{:?} {what} {}\n", self.role, zairyu_app::access::prefix_of(pk));
            if !allowed(&reach, pk) {
                if let Ok(path) = std::env::var("ZAIRYU_REACH_LEARN") {
                    append_once(&path, &line);
                    continue;
                }
                panic!("the {:?} function's role may not {what} {pk} (zairyu_app::access::Role::reach)", self.role);
            }
            // What each role was seen to use, for the check that it reaches nothing its code never uses
            // (scripts/test.sh, `tests/infra.rs::every_partition_a_role_reaches_is_used_by_its_code`).
            if let Ok(path) = std::env::var("ZAIRYU_REACH_SEEN") {
                append_once(&path, &line);
            }
        }
    }
    fn reads<'a>(&self, pks: impl IntoIterator<Item = &'a str>) {
        self.check("read", |r, pk| r.may_read(pk), pks)
    }
    fn writes<'a>(&self, pks: impl IntoIterator<Item = &'a str>) {
        self.check("write", |r, pk| r.may_write(pk), pks)
    }
}

#[async_trait::async_trait]
impl Table for Reaching {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.reads([key.pk.as_str()]);
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.reads(keys.iter().map(|k| k.pk.as_str()));
        self.inner.get_many(keys).await
    }
    async fn put(&self, item: Item, c: Condition) -> Result<(), StoreError> {
        self.writes([Key::of(&item).unwrap().pk.as_str()]);
        self.inner.put(item, c).await
    }
    async fn delete(&self, key: &Key, c: Condition) -> Result<(), StoreError> {
        self.writes([key.pk.as_str()]);
        self.inner.delete(key, c).await
    }
    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        match q.index {
            zairyu_app::ports::Index::Primary => self.reads([q.partition.as_str()]),
            _ => self.check("index", |r, pk| r.may_query_index(pk), [q.partition.as_str()]),
        }
        self.inner.query(q).await
    }
    async fn increment(&self, key: &Key, a: &str, by: i64, at: Option<i64>) -> Result<i64, StoreError> {
        self.writes([key.pk.as_str()]);
        self.inner.increment(key, a, by, at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        for w in &writes {
            match w {
                Write::Put { item, .. } => self.writes([Key::of(item).unwrap().pk.as_str()]),
                Write::Delete { key, .. } => self.writes([key.pk.as_str()]),
                Write::Check { key, .. } => self.reads([key.pk.as_str()]),
            }
        }
        self.inner.transact(writes).await
    }
}

/// A line of the application list as the API shows it (the parts the tests look at).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Line {
    pub id: String,
    pub status: LineStatus,
    pub residence_card_number: String,
    pub photo_attached: bool,
    pub temporary_receipt_number: Option<String>,
    pub receipt_date: Option<String>,
    pub blanket: Option<LineBlanket>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct LineStatus {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct LineBlanket {
    pub upload_id: String,
    pub row: u32,
    pub input: zairyu_domain::form::ApplicationInput,
}

/// A filed application ("Application completed", received on `on`) of the fixture's foreign national under
/// the residence card `card`, by `user` of `org`, with a photo stored under its ID: for tests and benches
/// that need many filed applications without filing each (an extension, or a change of status to business
/// manager when `change`).
pub fn filed_application(
    id: &str,
    org: &str,
    user: &str,
    card: &str,
    change: bool,
    on: JstDate,
) -> zairyu_domain::application::Application {
    use zairyu_domain::application::{Application, ApplicationId, OrganizationId, PhotoRef};
    use zairyu_domain::form::ApplicationForm;
    let mut input = zairyu_domain::fixtures::application_input();
    input.residence_card_number = card.into();
    if change {
        input.procedure = "change_of_status".into();
        input.desired_status_of_residence = "business_manager".into();
    }
    let form = ApplicationForm::parse_offering(&input, on, &zairyu_domain::procedure::Procedure::ALL)
        .unwrap_or_else(|e| panic!("the fixture's form: {e:?}"));
    let parse = |what: &str, ok: bool| assert!(ok, "the fixture's {what}");
    let (Ok(id), Ok(org), Ok(by)) =
        (ApplicationId::parse(id), OrganizationId::parse(org), zairyu_domain::values::UserId::parse(user))
    else {
        panic!("the fixture's identifiers")
    };
    let mut a = Application::new(id.clone(), org, by, form);
    let photo = PhotoRef {
        key: format!("photos/{id}.jpg"),
        info: zairyu_domain::photo::PhotoInfo { width: 240, height: 320, bytes: 9000 },
    };
    parse("photo", a.attach_photo(zairyu_domain::status::Actor::OrganizationUser, photo).is_ok());
    let Ok(card) = zairyu_domain::values::ResidenceCardNumber::parse(card) else { panic!("the fixture's card number") };
    let listed =
        zairyu_domain::organization::ForeignNational { card_number: card, ..zairyu_domain::fixtures::list_entry() };
    let filer = zairyu_domain::eligibility::Filer {
        use_state: zairyu_domain::organization::UseState::Active,
        kind: zairyu_domain::organization::OrganizationKind::Corporation,
    };
    let eligible = zairyu_domain::eligibility::check_eligibility(filer, Some(&listed), a.form(), on)
        .unwrap_or_else(|e| panic!("the fixture's eligibility: {e:?}"));
    // A temporary number of its own (its eight characters from the ID's hash).
    let random =
        id.as_str().bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let number = zairyu_domain::receipt_number::TemporaryReceiptNumber::new(on, random);
    parse("filing", a.submit(zairyu_domain::status::Actor::OrganizationUser, &eligible, number, None).is_ok());
    a
}
