//! Users (log-in by user ID; every user of an organization, Q73), their sessions (Q44) and one-time links
//! (Q88, Q92). Tokens are stored only as their hashes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zairyu_domain::account::{LoginGuard, User};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::values::{EmailAddress, UserId};

use super::{Projection, Record, Records, Store, Stored, UnitOfWork, decode, encode, s, token_hash};
use crate::ports::{Attr, Condition, Cursor, Index, Key, Query, SortKey, StoreError, Table, Write, attr};

pub struct Users<'a>(pub(super) &'a dyn Table);

fn key(id: &UserId) -> Key {
    Key::new(format!("USER#{id}"), "USER")
}

/// The user ID taken for good: claimed with the user, and kept when the purge erases the user a retention
/// period after its cancellation (#34), so the ID is never given to anyone else.
fn taken_key(id: &UserId) -> Key {
    Key::new(format!("USER#{id}"), "TAKEN")
}

/// The lookup of users by e-mail address (case-insensitively): many users may share one.
fn email_partition(email: &EmailAddress) -> String {
    format!("EMAIL#{}", email.as_str().to_lowercase())
}

/// The counter of wrong passwords of one round of a user's log-in guard (Q96), beside the user.
fn failures_key(id: &UserId, round: u32) -> Key {
    Key::new(format!("USER#{id}"), format!("FAILURES#{round:010}"))
}

/// Where what is tried for a user ID that no one has is kept: its log-in guard and failures counters, apart
/// from any user's (a user created later with that ID starts afresh).
fn unknown_key(id: &UserId) -> Key {
    Key::new(format!("NOUSER#{id}"), "GUARD")
}

fn unknown_failures_key(id: &UserId, round: u32) -> Key {
    Key::new(format!("NOUSER#{id}"), format!("FAILURES#{round:010}"))
}

/// The counted attribute of a failures counter.
const FAILURES: &str = "n";

fn session_key(token: &str) -> Key {
    Key::new(format!("SESSION#{}", token_hash(token)), "SESSION")
}

/// A session token: the user's ID masked with a key only the token's own secret gives, a dot, and the
/// secret. The cookie names no one to anyone without the whole token (and the whole token is the session
/// anyway), while authentication unmasks the ID to read the session and the user together.
pub fn session_token(user: &UserId, secret: &str) -> String {
    let mut id = [0u8; UserId::MAX_LEN];
    id[..user.as_str().len()].copy_from_slice(user.as_str().as_bytes());
    let masked: Vec<u8> = id.iter().zip(id_mask(secret)).map(|(b, m)| b ^ m).collect();
    format!("{}.{secret}", crate::hex(&masked))
}

/// The mask of a token's user ID: a hash of its secret (32 bytes, more than an ID's 20).
fn id_mask(secret: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::new().chain_update(b"zairyu-session-user\0").chain_update(secret.as_bytes()).finalize().into()
}

/// The user a session token names, if it is of that form.
fn user_of_token(token: &str) -> Option<UserId> {
    let (masked, secret) = token.split_once('.')?;
    if masked.len() != 2 * UserId::MAX_LEN || !masked.is_ascii() {
        return None;
    }
    let mask = id_mask(secret);
    let mut id = Vec::with_capacity(UserId::MAX_LEN);
    for (i, pair) in masked.as_bytes().chunks(2).enumerate() {
        let byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        id.push(byte ^ mask[i]);
    }
    let end = id.iter().position(|b| *b == 0).unwrap_or(id.len());
    UserId::parse(std::str::from_utf8(&id[..end]).ok()?).ok()
}

fn link_key(token: &str) -> Key {
    Key::new(format!("LINK#{}", token_hash(token)), "LINK")
}

impl Record for User {
    fn key(&self) -> Key {
        key(self.id())
    }

    fn index(&self, _: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
        match &self.organization_id() {
            Some(org) => {
                vec![(attr::GSI1_PK, s(format!("ORG#{org}"))), (attr::GSI1_SK, s(format!("USER#{}", self.id())))]
            }
            None => vec![],
        }
    }

    fn projections(&self) -> Vec<Projection> {
        vec![Projection::new(Key::new(email_partition(self.email()), format!("USER#{}", self.id())), true)]
    }

    fn claims(&self) -> Vec<Key> {
        vec![taken_key(self.id())]
    }

    /// Q95: a cancelled user is erased a retention period later (#34).
    fn ended(&self) -> Option<zairyu_domain::schedule::DueTask> {
        (self.state() == zairyu_domain::account::UserState::Cancelled)
            .then_some(zairyu_domain::schedule::DueTask::PurgeUser)
    }
}

/// A session as stored: the token and the CSRF token only as hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: UserId,
    /// The user's session generation when it started: a session of an earlier generation has ended
    /// (`User::session_generation`).
    #[serde(default)]
    pub generation: u32,
    pub csrf_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    SetPassword,
    ResetPassword,
}

/// A one-time link to set or reset a password, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub user_id: UserId,
    pub purpose: LinkPurpose,
    pub expires_at: DateTime<Utc>,
    /// The user's password generation when the link was issued ([`User::password_generation`]).
    #[serde(default)]
    pub password_generation: u32,
}

impl Link {
    /// Whether the link still works for its user at `now`: not expired, and no password was set or changed
    /// since it was issued (by the user, by a reset, or by another link). Decided here alone.
    pub fn works_for(&self, user: &User, now: DateTime<Utc>) -> bool {
        self.expires_at > now && user.id() == &self.user_id && user.password_generation() == self.password_generation
    }
}

impl Users<'_> {
    pub async fn get(&self, id: &UserId) -> Result<Option<Stored<User>>, StoreError> {
        Store::get_stored(self.0, &key(id)).await
    }

    /// Whether a user has the ID, or had it before it was erased (the ID is never given again).
    pub async fn is_taken(&self, id: &UserId) -> Result<bool, StoreError> {
        Ok(self.0.get_many(&[key(id), taken_key(id)]).await?.iter().any(Option::is_some))
    }

    /// The keys of a user's counters of wrong passwords (at most two, see [`UnitOfWork::save_user`]).
    pub async fn failure_counters(&self, id: &UserId) -> Result<Vec<Key>, StoreError> {
        let q = Query::partition(Index::Primary, format!("USER#{id}")).sort(SortKey::Prefix("FAILURES#".into()));
        let page = self.0.query(&q).await?;
        Ok(page.items.iter().filter_map(Key::of).collect())
    }

    /// The names of these users, in one batched read (an ID nobody has is left out).
    pub async fn names(&self, ids: &[UserId]) -> Result<std::collections::HashMap<UserId, String>, StoreError> {
        super::names_of(self.0, ids, key, |u: &User| (u.id().clone(), u.name().to_string())).await
    }

    pub async fn of_organization(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<User>, StoreError> {
        let q = Query::partition(Index::Gsi1, format!("ORG#{org}"))
            .sort(SortKey::Prefix("USER#".into()))
            .limit(limit)
            .after(after);
        super::decode_page(self.0.query(&q).await?)
    }

    /// Every user of an organization, all pages.
    pub async fn all_of_organization(&self, org: &OrganizationId) -> Result<Vec<User>, StoreError> {
        let mut users = Vec::new();
        let mut after = None;
        loop {
            let page = self.of_organization(org, after, 100).await?;
            users.extend(page.items);
            match page.next {
                Some(c) => after = Some(c),
                None => return Ok(users),
            }
        }
    }

    /// The users with this e-mail address (Q93, Q94), a page at a time. A lookup left behind by an earlier
    /// address is verified away: only users whose address is this one now are returned.
    pub async fn by_email(
        &self,
        email: &EmailAddress,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<User>, StoreError> {
        let q = Query::partition(Index::Primary, email_partition(email)).limit(limit).after(after);
        Store::follow(self.0, &q, |user: &User| user.email().as_str().eq_ignore_ascii_case(email.as_str())).await
    }

    /// Q96: counts one more wrong password in `round`, atomically (parallel guesses all count), and returns
    /// the round's count.
    pub async fn count_failure(&self, id: &UserId, round: u32) -> Result<u32, StoreError> {
        let n = self.0.increment(&failures_key(id, round), FAILURES, 1, None).await?;
        u32::try_from(n).map_err(StoreError::corrupt)
    }

    /// The wrong passwords counted in `round` so far.
    pub async fn failures(&self, id: &UserId, round: u32) -> Result<u32, StoreError> {
        let Some(item) = self.0.get(&failures_key(id, round)).await? else {
            return Ok(0);
        };
        let n = item
            .get(FAILURES)
            .and_then(Attr::as_n)
            .ok_or_else(|| StoreError::corrupt("a failures counter without its count"))?;
        u32::try_from(n).map_err(StoreError::corrupt)
    }

    /// The log-in guard of a user ID that no one has: wrong passwords lock it as they lock a user's (Q96),
    /// so that the answers do not tell which IDs exist.
    pub async fn unknown_guard(&self, id: &UserId) -> Result<LoginGuard, StoreError> {
        Ok(self.0.get(&unknown_key(id)).await?.as_ref().map(decode).transpose()?.unwrap_or_default())
    }

    /// [`Self::count_failure`] for a user ID that no one has; the counter expires at `expires_at`.
    pub async fn count_unknown_failure(&self, id: &UserId, round: u32, expires_at: i64) -> Result<u32, StoreError> {
        let n = self.0.increment(&unknown_failures_key(id, round), FAILURES, 1, Some(expires_at)).await?;
        u32::try_from(n).map_err(StoreError::corrupt)
    }

    pub async fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        self.0.get(&session_key(token)).await?.as_ref().map(decode).transpose()
    }

    /// The session of a token and the user it belongs to. A token names its user, masked ([`session_token`]),
    /// so both are read in one batch (one round trip); a token of another form costs a second read. `None` when there is no such session, or when it is not the named user's.
    pub async fn session_and_user(&self, token: &str) -> Result<Option<(Session, Option<Stored<User>>)>, StoreError> {
        let Some(named) = user_of_token(token) else {
            let Some(session) = self.session(token).await? else {
                return Ok(None);
            };
            let user = self.get(&session.user_id).await?;
            return Ok(Some((session, user)));
        };
        let mut items = self.0.get_many(&[session_key(token), key(&named)]).await?.into_iter();
        let (Some(session), user) = (items.next().flatten(), items.next().flatten()) else {
            return Ok(None);
        };
        let session: Session = decode(&session)?;
        if session.user_id != named {
            return Ok(None);
        }
        Ok(Some((session, user.as_ref().map(super::decode_stored).transpose()?)))
    }

    pub async fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.0.delete(&session_key(token), Condition::None).await
    }

    pub async fn link(&self, token: &str) -> Result<Option<Link>, StoreError> {
        self.0.get(&link_key(token)).await?.as_ref().map(decode).transpose()
    }
}

impl UnitOfWork {
    /// Stores a session under its token's hash, expiring `idle_limit` after it was last seen.
    pub fn put_session(
        &mut self,
        token: &str,
        session: &Session,
        idle_limit: chrono::Duration,
    ) -> Result<(), StoreError> {
        self.write_session(token, session, idle_limit, Condition::None)
    }

    /// #34: erases a cancelled user a retention period after its cancellation: its record (name, e-mail
    /// address, password hash) with its e-mail lookup, and its counters of wrong passwords; its ID stays taken.
    pub fn erase_user(&mut self, user: &Stored<User>, failure_counters: Vec<Key>) -> Result<(), StoreError> {
        self.remove(user)?;
        for key in failure_counters {
            self.push(Write::Delete { key, condition: Condition::None });
        }
        // A user created before IDs were claimed has no claim yet.
        self.push(super::claim_write(taken_key(user.id()), &key(user.id()), Condition::None)?);
        Ok(())
    }

    /// Keeps the log-in guard of a user ID that no one has until `expires_at`.
    pub fn put_unknown_guard(&mut self, id: &UserId, guard: LoginGuard, expires_at: i64) -> Result<(), StoreError> {
        let item = encode(unknown_key(id), &guard, 1, vec![(attr::TTL, Attr::N(expires_at))])?;
        self.push(Write::Put { item, condition: Condition::None });
        Ok(())
    }

    fn write_session(
        &mut self,
        token: &str,
        session: &Session,
        idle_limit: chrono::Duration,
        condition: Condition,
    ) -> Result<(), StoreError> {
        let expires = (session.last_seen_at + idle_limit).timestamp();
        let item = encode(session_key(token), session, 1, vec![(attr::TTL, Attr::N(expires))])?;
        self.push(Write::Put { item, condition });
        Ok(())
    }

    /// Saves a user read while its log-in guard was in `round_read`. When the guard has moved on since (the
    /// account was locked or cleared), the failures counter of the round before `round_read` is dropped. The
    /// counter of `round_read` itself stays: guesses that raced the end still add to it, and a counter
    /// deleted under them would start again from one and answer them as if the account were not locked. So
    /// a user keeps at most two counters.
    pub fn save_user(&mut self, user: &Stored<User>, round_read: u32) -> Result<(), StoreError> {
        self.save(user)?;
        if user.guard().round != round_read
            && let Some(before) = round_read.checked_sub(1)
        {
            self.push(Write::Delete { key: failures_key(user.id(), before), condition: Condition::None });
        }
        Ok(())
    }

    /// Refreshes the idle clock of a session that still exists: the change fails if it has ended meanwhile
    /// (a log-out racing a request must not bring the session back).
    pub fn refresh_session(
        &mut self,
        token: &str,
        session: &Session,
        idle_limit: chrono::Duration,
    ) -> Result<(), StoreError> {
        self.write_session(token, session, idle_limit, Condition::Exists)
    }

    pub fn end_session(&mut self, token: &str) {
        self.push(Write::Delete { key: session_key(token), condition: Condition::None });
    }

    /// Stores a new one-time link under its token's hash, expiring with it.
    pub fn add_link(&mut self, token: &str, link: &Link) -> Result<(), StoreError> {
        let item = encode(link_key(token), link, 1, vec![(attr::TTL, Attr::N(link.expires_at.timestamp()))])?;
        self.push(Write::Put { item, condition: Condition::Absent });
        Ok(())
    }

    /// Uses a link up: the change fails if it is already gone (so a link works once, even when two requests
    /// race).
    pub fn use_link(&mut self, token: &str) {
        self.push(Write::Delete { key: link_key(token), condition: Condition::Exists });
    }
}

#[cfg(test)]
mod token_tests {
    use super::*;

    /// The cookie's value does not show whose it is; the store reads the user back from the whole token only.
    #[test]
    fn a_session_token_names_its_user_only_to_its_holder() {
        for id in ["TANAKA01", "A00001", "ABCDEFGHIJKLMNOPQRST"] {
            let user = UserId::parse(id).unwrap();
            let token = session_token(&user, "s3cret-part");
            assert!(!token.to_ascii_uppercase().contains(id), "{token}");
            assert!(!token.starts_with(id));
            assert_eq!(token.split_once('.').unwrap().0.len(), 40, "every ID the same length");
            assert_eq!(user_of_token(&token), Some(user.clone()));
            // Another secret unmasks something else: not this user.
            let (masked, _) = token.split_once('.').unwrap();
            assert_ne!(user_of_token(&format!("{masked}.other-secret")), Some(user));
        }
        let a = session_token(&UserId::parse("TANAKA01").unwrap(), "one");
        let b = session_token(&UserId::parse("TANAKA01").unwrap(), "two");
        assert_ne!(a.split_once('.').unwrap().0, b.split_once('.').unwrap().0, "no mask repeats");
        for other in ["TANAKA01.secret", "", ".", "zz.secret", &format!("{}.x", "g".repeat(40)), "\u{e9}\u{e9}.x"] {
            assert_eq!(user_of_token(other), None, "{other:?}");
        }
    }
}
