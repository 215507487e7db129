//! The use-case services over the embedded adapters, with the clock in the test's hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may panic

use std::sync::Arc;
use zairyu_app::access::Role;

use async_trait::async_trait;
use chrono::{Duration, TimeZone, Utc};
use zairyu_app::ports::*;
use zairyu_app::{Caller, ServiceError};
use zairyu_domain::account::LoginRefusal;
use zairyu_domain::application::OrganizationId;
use zairyu_domain::error::Localized;
use zairyu_domain::fixtures::application_input;
use zairyu_domain::jst::JstDate;
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::office::Office;
use zairyu_domain::status::{ApplicationStatus, ReceiptMethod};
use zairyu_domain::values::{EmailAddress, UserId};
use zairyu_embedded::SqliteTable;
use zairyu_runtime::RandomIds;

#[macro_use]
mod support;
use support::*;

on_both_tables!(
    login_creates_a_session_stored_only_as_a_hash_and_audits_it,
    q96_five_wrong_passwords_lock_for_24_hours_even_the_right_one,
    q96_twenty_parallel_wrong_passwords_all_count_and_lock_once,
    q96_a_user_id_no_one_has_is_answered_and_locked_as_a_user_s,
    q96_twenty_parallel_guesses_at_an_id_no_one_has_lock_it_once,
    a_log_out_racing_twenty_requests_stays_a_log_out,
    a_hash_with_older_parameters_is_replaced_at_the_next_log_in,
    flood_limits_bound_log_ins_per_user_id_and_reset_requests_per_user_id_and_address,
    a_new_password_ends_every_other_session_and_a_reset_or_suspension_ends_them_all,
    q32_q33_create_photo_submit_list,
    double_submission_gives_one_application_and_one_number,
    q16_another_organizations_application_is_not_found_on_every_path,
    q33_official_numbers_under_concurrency_are_consecutive_without_gaps,
    a_job_delivered_twice_is_sent_once_and_a_failed_send_is_retried,
    one_open_application_per_foreign_national,
    twenty_parallel_filings_for_one_passport_or_one_certificate_make_one,
    an_office_queue_counts_each_status_and_lists_oldest_first,
    an_office_queue_of_one_procedure_lists_its_own_a_page_at_a_time,
    twenty_parallel_creations_of_one_officer_make_one,
    a_day_s_official_numbers_are_given_in_blocks_per_series_each_once,
    an_application_ended_a_retention_period_ago_is_purged_with_its_files_and_lookups,
    a_cancelled_user_is_erased_a_retention_period_later_and_its_id_stays_taken,
    a_blanket_upload_and_its_row_errors_expire_a_retention_period_after_its_last_change,
);

async fn login_creates_a_session_stored_only_as_a_hash_and_audits_it(w: World) {
    let login = w.svc.accounts.login("tanaka01", PASSWORD, Some("203.0.113.9".into())).await.unwrap();
    assert_eq!(login.user.id().as_str(), "TANAKA01");
    let (caller, _, _) = w.svc.accounts.authenticate(&login.session_token, None).await.unwrap();
    assert_eq!(caller.organization_id.unwrap().as_str(), "org1");
    let stored = w
        .table
        .get(&Key::new(format!("SESSION#{}", zairyu_app::store::token_hash(&login.session_token)), "SESSION"))
        .await
        .unwrap()
        .unwrap();
    let raw = format!("{stored:?}");
    assert!(
        !raw.contains(&login.session_token) && !raw.contains(&login.csrf_token),
        "tokens are stored only as hashes"
    );
    assert!(stored.contains_key(attr::TTL));
    let trail = w.audit("user:TANAKA01").await;
    assert_eq!(trail.last().unwrap().action.code(), "login");
    assert_eq!(trail.last().unwrap().from.as_deref(), Some("203.0.113.9"));
}

async fn q96_five_wrong_passwords_lock_for_24_hours_even_the_right_one(w: World) {
    for _ in 0..4 {
        let e = w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await.unwrap_err();
        assert!(matches!(e, ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)), "{:?}", e);
    }
    let e = w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::Locked { .. })), "{e:?}");
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::Locked { .. })), "{e:?}");
    w.clock.advance(Duration::hours(24));
    w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    let refused =
        w.audit("user:TANAKA01").await.iter().filter(|e| e.outcome != zairyu_domain::audit::Outcome::Success).count();
    assert_eq!(refused, 6);
}

/// #31 item 10: the lockout does not tell which IDs exist. Five wrong passwords for an ID no one has lock it
/// as they lock a user's, until the same time; the lock runs out alike, and nothing of it reaches a user
/// made later with that ID.
async fn q96_a_user_id_no_one_has_is_answered_and_locked_as_a_user_s(w: World) {
    let login = |id: &'static str, password: &'static str| {
        let accounts = w.svc.accounts.clone();
        async move { accounts.login(id, password, None).await.map(|_| ()) }
    };
    let locked_until = |r: Result<(), ServiceError>| match r {
        Err(ServiceError::Login(LoginRefusal::Locked { until })) => Some(until),
        Err(ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)) => None,
        other => panic!("{other:?}"),
    };
    for _ in 0..4 {
        for id in ["TANAKA01", "NOBODY01"] {
            assert_eq!(locked_until(login(id, "Wrong#pass1").await), None, "{id}");
        }
    }
    let known = locked_until(login("TANAKA01", "Wrong#pass1").await).expect("locked");
    let unknown = locked_until(login("NOBODY01", "Wrong#pass1").await).expect("locked alike");
    assert_eq!(known, unknown);
    w.clock.advance(Duration::hours(1));
    assert_eq!(locked_until(login("TANAKA01", PASSWORD).await), Some(known), "still locked, until the same time");
    assert_eq!(locked_until(login("NOBODY01", PASSWORD).await), Some(unknown));
    w.clock.advance(Duration::hours(23));
    login("TANAKA01", PASSWORD).await.unwrap();
    assert_eq!(locked_until(login("NOBODY01", "Wrong#pass1").await), None, "the lock ran out alike");
    // A malformed ID is never anyone's: wrong, however often (the rules of IDs are no secret).
    for _ in 0..6 {
        assert_eq!(locked_until(login("x", "Wrong#pass1").await), None);
    }
    w.clock.advance(Duration::minutes(10));
}

/// Twenty wrong passwords for `id` at once: how many were told "wrong" and how many "locked".
async fn twenty_parallel_guesses(w: &World, id: &'static str) -> (usize, usize) {
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let accounts = w.svc.accounts.clone();
        guesses.spawn(async move { accounts.login(id, "Wrong#pass1", None).await });
    }
    let (mut invalid, mut locked) = (0, 0);
    while let Some(r) = guesses.join_next().await {
        match r.unwrap() {
            Err(ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)) => invalid += 1,
            Err(ServiceError::Login(LoginRefusal::Locked { .. })) => locked += 1,
            other => panic!("a parallel guess answered {other:?}"),
        }
    }
    (invalid, locked)
}

async fn q96_twenty_parallel_guesses_at_an_id_no_one_has_lock_it_once(w: World) {
    // As for a user's ID: four wrong, then locked.
    assert_eq!(twenty_parallel_guesses(&w, "NOBODY01").await, (4, 16));
    w.clock.advance(Duration::minutes(10));
    let e = w.svc.accounts.login("NOBODY01", PASSWORD, None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::Locked { .. })), "{e:?}");
}

async fn q96_twenty_parallel_wrong_passwords_all_count_and_lock_once(w: World) {
    // The first four counted are wrong passwords; the fifth locks, and every later one finds the lock.
    assert_eq!(twenty_parallel_guesses(&w, "TANAKA01").await, (4, 16));
    // (The next window of the flood limit: 20 attempts were all one user ID may make in ten minutes.)
    w.clock.advance(Duration::minutes(10));
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::Locked { .. })), "{e:?}");
    let trail = w.audit("user:TANAKA01").await;
    use zairyu_domain::audit::{AuditAction, Outcome};
    let refused = trail.iter().filter(|e| e.action == AuditAction::Login && e.outcome != Outcome::Success).count();
    assert_eq!(refused, 21, "every guess is audited");
    assert_eq!(trail.iter().filter(|e| e.action == AuditAction::Lockout).count(), 1, "locked once");
    // After the lock, counting starts afresh, and a right password clears what was counted.
    w.clock.advance(Duration::hours(24) - Duration::minutes(10));
    for _ in 0..4 {
        w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await.unwrap_err();
    }
    w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    for _ in 0..4 {
        let e = w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await.unwrap_err();
        assert!(matches!(e, ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)), "{e:?}");
    }
    w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    // Rounds 0 (the lock), 1 and 2 (each cleared) have ended, and round 3 has counted nothing: the counters
    // of all but the last ended round are gone.
    let counter = |round: u32| Key::new("USER#TANAKA01", format!("FAILURES#{round:010}"));
    for (round, kept) in [(0, false), (1, false), (2, true), (3, false)] {
        assert_eq!(w.table.get(&counter(round)).await.unwrap().is_some(), kept, "round {round}");
    }
}

async fn a_log_out_racing_twenty_requests_stays_a_log_out(w: World) {
    for round in 0..3 {
        let login = w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
        let (caller, _, _) = w.svc.accounts.authenticate(&login.session_token, None).await.unwrap();
        // Idle for over a minute: every request below wants to refresh the session's clock.
        w.clock.advance(Duration::minutes(2));
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..21 {
            let (accounts, token, caller) = (w.svc.accounts.clone(), login.session_token.clone(), caller.clone());
            requests.spawn(async move {
                if i == 10 {
                    accounts.logout(&token, &caller).await.map(|_| ())
                } else {
                    match accounts.authenticate(&token, None).await {
                        Ok(_) | Err(ServiceError::Unauthenticated) => Ok(()),
                        Err(e) => Err(e),
                    }
                }
            });
        }
        while let Some(r) = requests.join_next().await {
            r.unwrap().unwrap();
        }
        let e = w.svc.accounts.authenticate(&login.session_token, None).await.unwrap_err();
        assert!(matches!(e, ServiceError::Unauthenticated), "round {round}: {e:?}");
        let key = Key::new(format!("SESSION#{}", zairyu_app::store::token_hash(&login.session_token)), "SESSION");
        assert_eq!(w.table.get(&key).await.unwrap(), None, "round {round}: the session came back");
    }
}

async fn a_hash_with_older_parameters_is_replaced_at_the_next_log_in(w: World) {
    use zairyu_app::ports::PasswordHasher as _;
    use zairyu_runtime::{Argon2Hasher, Argon2Params};
    let store = w.svc.core.store();
    let id = zairyu_domain::values::UserId::parse("TANAKA01").unwrap();
    let old = Argon2Hasher::with(Argon2Params::new(8 * 1024, 1, 1, None).unwrap(), 1, 1).unwrap();
    let password = zairyu_domain::values::Password::parse(&id, PASSWORD).unwrap();
    let mut user = store.users().get(&id).await.unwrap().unwrap();
    user.rehash_password(old.hash(&password).await.unwrap());
    let mut change = zairyu_app::store::UnitOfWork::new(start());
    change.save(&user).unwrap();
    store.commit(change).await.unwrap();
    let (set_on, generation) = (user.password(), user.session_generation());
    // A wrong password changes nothing; the right one logs in and replaces the hash.
    w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await.unwrap_err();
    let stored = store.users().get(&id).await.unwrap().unwrap();
    assert!(stored.password_hash().unwrap().starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
    w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    let stored = store.users().get(&id).await.unwrap().unwrap();
    let hash = stored.password_hash().unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    assert_eq!((stored.password(), stored.session_generation()), (set_on, generation), "the same password");
    w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    assert_eq!(store.users().get(&id).await.unwrap().unwrap().password_hash(), Some(hash), "hashed once");
}

async fn flood_limits_bound_log_ins_per_user_id_and_reset_requests_per_user_id_and_address(w: World) {
    let too_many = |r: Result<(), ServiceError>, rule: &str| match r {
        Err(ServiceError::TooManyAttempts(e)) => assert_eq!(e.rule(), rule),
        other => panic!("{other:?}"),
    };
    // Log-in: 20 attempts per user ID in ten minutes, however it is spelled, whoever exists.
    for i in 0..20 {
        let id = if i % 2 == 0 { "nobody99" } else { " NOBODY99 " };
        let e = w.svc.accounts.login(id, PASSWORD, Some(format!("203.0.113.{i}"))).await.unwrap_err();
        // Wrong four times (the fourth warning of the lock), then locked: as a user's ID would be (it tells no
        // one which IDs exist).
        match i {
            0..3 => assert!(matches!(e, ServiceError::Login(LoginRefusal::InvalidCredentials)), "{e:?}"),
            3 => assert!(matches!(e, ServiceError::Login(LoginRefusal::LastTry)), "{e:?}"),
            _ => assert!(matches!(e, ServiceError::Login(LoginRefusal::Locked { .. })), "{e:?}"),
        }
    }
    too_many(w.svc.accounts.login("NOBODY99", PASSWORD, None).await.map(|_| ()), "flood.login");
    // Other user IDs are not held up by it.
    w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    w.clock.advance(Duration::minutes(10));
    w.svc.accounts.login("NOBODY99", PASSWORD, None).await.unwrap_err();
    // Reset requests: 5 per user ID an hour, answered alike whether the ID exists or not...
    for id in ["TANAKA01", "NOBODY99"] {
        for _ in 0..5 {
            w.svc.accounts.request_password_reset(id, "tanaka@sakura.example.jp", None).await.unwrap();
        }
        too_many(
            w.svc.accounts.request_password_reset(id, "tanaka@sakura.example.jp", None).await,
            "flood.password_reset",
        );
    }
    let links = w.jobs().await.into_iter().filter(|j| j.kind == NotificationKind::PasswordResetLink).count();
    assert_eq!(links, 5, "no more than five e-mails");
    // ...and 30 per client address an hour, over any user IDs.
    let from = || Some("198.51.100.7".to_owned());
    for i in 0..30 {
        w.svc.accounts.request_password_reset(&format!("GUESS{i:03}"), "x@example.jp", from()).await.unwrap();
    }
    too_many(w.svc.accounts.request_password_reset("GUESS999", "x@example.jp", from()).await, "flood.password_reset");
    w.svc.accounts.request_password_reset("GUESS999", "x@example.jp", Some("198.51.100.8".into())).await.unwrap();
    w.clock.advance(Duration::hours(1));
    w.svc.accounts.request_password_reset("GUESS999", "x@example.jp", from()).await.unwrap();
}

async fn a_new_password_ends_every_other_session_and_a_reset_or_suspension_ends_them_all(w: World) {
    let alive = |token: String| {
        let accounts = w.svc.accounts.clone();
        async move { accounts.authenticate(&token, None).await.is_ok() }
    };
    // Two browsers; the password is changed in the first: the second is logged out, the first goes on.
    let (first, caller) = w.login("TANAKA01").await;
    let (second, _) = w.login("TANAKA01").await;
    w.svc.accounts.change_password(&caller, &first, PASSWORD, "Kaede#2027x").await.unwrap();
    assert!(alive(first.clone()).await, "the session the password was changed in");
    assert!(!alive(second.clone()).await, "another session");
    w.clock.advance(Duration::minutes(2));
    assert!(alive(first.clone()).await, "still alive after a refresh");
    // A reset from a link (Q92): nobody stays logged in.
    let (third, _) = {
        let login = w.svc.accounts.login("TANAKA01", "Kaede#2027x", None).await.unwrap();
        (login.session_token, ())
    };
    w.svc.accounts.request_password_reset("TANAKA01", "tanaka@sakura.example.jp", None).await.unwrap();
    let link = w.jobs().await.into_iter().find(|j| j.kind == NotificationKind::PasswordResetLink).unwrap();
    let token = link.data["link"].split("token=").nth(1).unwrap().to_owned();
    w.svc.accounts.set_password_from_link(&token, "Momiji#2028x", None).await.unwrap();
    assert!(!alive(first).await && !alive(third).await, "a reset ends every session");
    // Suspended at the counter (Q95): the sessions end, and a resumption does not bring them back.
    let (fourth, _) = {
        let login = w.svc.accounts.login("TANAKA01", "Momiji#2028x", None).await.unwrap();
        (login.session_token, ())
    };
    let (_, clerk) = w.login("CLERK01").await;
    use zairyu_app::services::counter::UserAction;
    w.svc.counter.office_user_action(&clerk, "TANAKA01", UserAction::Suspend).await.unwrap();
    w.svc.counter.office_user_action(&clerk, "TANAKA01", UserAction::Resume).await.unwrap();
    assert!(!alive(fourth).await, "a suspension ends every session");
    w.svc.accounts.login("TANAKA01", "Momiji#2028x", None).await.unwrap();
}

/// Guesses spread over many user IDs from one address: 300 in ten minutes, then refused (flood limits).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_limits_bound_log_ins_per_address_over_many_user_ids() {
    let w = World::new().await;
    let from = || Some("198.51.100.7".to_owned());
    for i in 0..300 {
        let e = w.svc.accounts.login(&format!("GUESS{i:03}"), "Guess#1234", from()).await.unwrap_err();
        assert!(
            matches!(e, ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)),
            "{i}: {e:?}"
        );
    }
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, from()).await.unwrap_err();
    assert!(matches!(&e, ServiceError::TooManyAttempts(t) if t.rule() == "flood.login"), "{e:?}");
    // Another address is not held up, nor this one in the next window.
    w.svc.accounts.login("TANAKA01", PASSWORD, Some("198.51.100.8".into())).await.unwrap();
    w.clock.advance(Duration::minutes(10));
    w.svc.accounts.login("TANAKA01", PASSWORD, from()).await.unwrap();
}

/// #30 item 3: an office behind one address — its staff's log-ins that succeed do not count against the
/// address, so colleagues never use up one another's attempts; failed ones still do (299 failures, then the
/// staff log in as often as they need, and the guesser's 301st attempt is refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_s_staff_behind_one_address_do_not_use_up_one_another_s_log_ins() {
    let w = World::new().await;
    let office = || Some("203.0.113.50".to_owned());
    for i in 0..299 {
        w.svc.accounts.login(&format!("GUESS{i:03}"), "Guess#1234", office()).await.unwrap_err();
    }
    // Under a count of every attempt the address would be full after the first of these.
    for _ in 0..10 {
        w.svc.accounts.login("TANAKA01", PASSWORD, office()).await.unwrap();
    }
    let e = w.svc.accounts.login("GUESS299", "Guess#1234", office()).await.unwrap_err();
    assert!(
        matches!(e, ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)),
        "the 300th failure is still heard: {e:?}"
    );
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, office()).await.unwrap_err();
    assert!(matches!(&e, ServiceError::TooManyAttempts(t) if t.rule() == "flood.login"), "{e:?}");
}

#[tokio::test]
async fn unknown_user_ids_and_wrong_passwords_read_the_same() {
    let w = World::new().await;
    let unknown = w.svc.accounts.login("NOBODY99", PASSWORD, None).await.unwrap_err();
    let wrong = w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await.unwrap_err();
    assert_eq!(unknown.to_string(), wrong.to_string());
    assert!(
        matches!(unknown, ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)),
        "{unknown:?}"
    );
    let bad_form = w.svc.accounts.login("x", PASSWORD, None).await.unwrap_err();
    assert!(
        matches!(bad_form, ServiceError::Login(LoginRefusal::InvalidCredentials | LoginRefusal::LastTry)),
        "{bad_form:?}"
    );
}

#[tokio::test]
async fn q97_an_expired_password_is_refused_with_its_own_reason() {
    let w = World::new().await;
    w.clock.set(Utc.with_ymd_and_hms(2027, 6, 1, 1, 0, 0).unwrap());
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::PasswordExpired { .. })), "{e:?}");
}

#[tokio::test]
async fn q76_a_suspended_organization_cannot_log_in() {
    let w = World::new().await;
    let store = w.svc.core.store();
    let mut org = store.organizations().get(&OrganizationId::parse("org1").unwrap()).await.unwrap().unwrap();
    assert!(org.suspend_if_expired(JstDate::parse("2027-06-01").unwrap()));
    let mut change = zairyu_app::store::UnitOfWork::new(start());
    change.save(&org).unwrap();
    store.commit(change).await.unwrap();
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::OrganizationSuspended)), "{:?}", e);
}

#[tokio::test]
async fn q44_a_session_ends_after_30_idle_minutes_and_logout_ends_it_at_once() {
    let w = World::new().await;
    let (token, caller) = w.login("TANAKA01").await;
    w.clock.advance(Duration::minutes(29));
    w.svc.accounts.authenticate(&token, None).await.unwrap();
    w.clock.advance(Duration::minutes(29));
    w.svc.accounts.authenticate(&token, None).await.unwrap();
    w.clock.advance(Duration::minutes(30));
    assert!(
        matches!(w.svc.accounts.authenticate(&token, None).await.unwrap_err(), ServiceError::Unauthenticated),
        "{:?}",
        w.svc.accounts.authenticate(&token, None).await.unwrap_err()
    );

    let (token, _) = w.login("TANAKA01").await;
    w.svc.accounts.logout(&token, &caller).await.unwrap();
    assert!(
        matches!(w.svc.accounts.authenticate(&token, None).await.unwrap_err(), ServiceError::Unauthenticated),
        "{:?}",
        w.svc.accounts.authenticate(&token, None).await.unwrap_err()
    );
}

#[tokio::test]
async fn q90_change_password_checks_the_current_one_and_the_rules() {
    let w = World::new().await;
    let (_, caller) = w.login("TANAKA01").await;
    let e = w.svc.accounts.change_password(&caller, "no-session", "Wrong#pass1", "Kaede#2027x").await.unwrap_err();
    assert_eq!(e.rule(), "login.invalid_credentials");
    let e = w.svc.accounts.change_password(&caller, "no-session", PASSWORD, "tanaka01#X9").await.unwrap_err();
    assert_eq!(e.rule(), "password.contains_user_id");
    w.svc.accounts.change_password(&caller, "no-session", PASSWORD, "Kaede#2027x").await.unwrap();
    assert!(w.svc.accounts.login("TANAKA01", "Kaede#2027x", None).await.is_ok());
    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind).collect();
    assert_eq!(kinds, vec![NotificationKind::PasswordChanged]);
}

#[tokio::test]
async fn q92_reset_by_a_one_time_link_that_works_once_and_lifts_a_lock() {
    let w = World::new().await;
    for _ in 0..5 {
        let _ = w.svc.accounts.login("TANAKA01", "Wrong#pass1", None).await;
    }
    w.svc.accounts.request_password_reset("TANAKA01", "someone@else.example.jp", None).await.unwrap();
    assert!(w.jobs().await.is_empty(), "a wrong address gets nothing, and is told nothing");
    w.svc.accounts.request_password_reset("TANAKA01", "Tanaka@Sakura.example.jp", None).await.unwrap();
    let jobs = w.jobs().await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, NotificationKind::PasswordResetLink);
    let link = &jobs[0].data["link"];
    let token = link.split("token=").nth(1).unwrap();
    assert_eq!(
        w.svc.accounts.set_password_from_link(token, "short", None).await.unwrap_err().rule(),
        "password.length"
    );
    w.svc.accounts.set_password_from_link(token, "Momiji#2027", None).await.unwrap();
    assert!(
        matches!(
            w.svc.accounts.set_password_from_link(token, "Momiji#2028", None).await.unwrap_err(),
            ServiceError::InvalidLink
        ),
        "{:?}",
        w.svc.accounts.set_password_from_link(token, "Momiji#2028", None).await.unwrap_err()
    );
    w.svc.accounts.login("TANAKA01", "Momiji#2027", None).await.unwrap();
    assert_eq!(w.jobs().await[0].kind, NotificationKind::PasswordReset);
}

/// A link outlives no password change: links issued before the password is changed by the user, set by
/// another link, or reset, stop working at once (not after their 24 hours).
#[tokio::test]
async fn every_outstanding_link_ends_when_the_password_changes() {
    let w = World::new().await;
    async fn reset(w: &World) -> String {
        w.svc.accounts.request_password_reset("TANAKA01", "tanaka@sakura.example.jp", None).await.unwrap();
        let jobs = w.jobs().await;
        let job = jobs.iter().find(|j| j.kind == NotificationKind::PasswordResetLink).unwrap();
        job.data["link"].split("token=").nth(1).unwrap().to_owned()
    }
    // Changed by the user: the link issued before no longer works.
    let before = reset(&w).await;
    assert!(w.svc.accounts.link_is_valid(&before).await.unwrap());
    let (session, caller) = w.login("TANAKA01").await;
    w.svc.accounts.change_password(&caller, &session, PASSWORD, "Momiji#2027").await.unwrap();
    assert!(!w.svc.accounts.link_is_valid(&before).await.unwrap());
    let e = w.svc.accounts.set_password_from_link(&before, "Kaede#20270", None).await.unwrap_err();
    assert!(matches!(e, ServiceError::InvalidLink), "{e:?}");
    // Set by another link: the first one ends with it.
    w.clock.advance(Duration::hours(1));
    let (first, second) = (reset(&w).await, reset(&w).await);
    w.svc.accounts.set_password_from_link(&second, "Kaede#20270", None).await.unwrap();
    let e = w.svc.accounts.set_password_from_link(&first, "Ume#2027xyz", None).await.unwrap_err();
    assert!(matches!(e, ServiceError::InvalidLink), "{e:?}");
    w.svc.accounts.login("TANAKA01", "Kaede#20270", None).await.unwrap();
    // A link issued after the change works.
    let after = reset(&w).await;
    w.svc.accounts.set_password_from_link(&after, "Ume#2027xyz", None).await.unwrap();
}

#[tokio::test]
async fn reset_links_expire_after_24_hours() {
    let w = World::new().await;
    w.svc.accounts.request_password_reset("TANAKA01", "tanaka@sakura.example.jp", None).await.unwrap();
    let jobs = w.jobs().await;
    let token = jobs[0].data["link"].split("token=").nth(1).unwrap().to_owned();
    w.clock.advance(Duration::hours(24));
    assert!(
        matches!(
            w.svc.accounts.set_password_from_link(&token, "Momiji#2027", None).await.unwrap_err(),
            ServiceError::InvalidLink
        ),
        "{:?}",
        w.svc.accounts.set_password_from_link(&token, "Momiji#2027", None).await.unwrap_err()
    );
}

async fn q32_q33_create_photo_submit_list(w: World) {
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    assert_eq!(app.status(), ApplicationStatus::InputCompleted);
    let e = w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap_err();
    assert_eq!(e.rule(), "application.photo_missing");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    assert_eq!(
        w.svc.applications.attach_photo(&caller, app.id().as_str(), png, Some("face.jpg")).await.unwrap_err().rule(),
        "photo.not_jpeg"
    );
    let with_photo =
        w.svc.applications.attach_photo(&caller, app.id().as_str(), jpeg(), Some("face.jpg")).await.unwrap();
    let key = with_photo.photo().as_ref().unwrap().key.clone();
    assert_eq!(w.wiring.photos.get(&key).await.unwrap(), Some(jpeg()));

    let filed = w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
    assert_eq!(filed.status(), ApplicationStatus::ApplicationCompleted);
    assert_eq!(filed.receipt_date(), Some(JstDate::parse("2026-11-27").unwrap()));
    let number = filed.temporary_receipt_number().unwrap().clone();

    let jobs = w.jobs().await;
    let kinds: Vec<_> = jobs.iter().map(|j| j.kind).collect();
    // One e-mail per filed application: the temporary receipt number says it was received (#32 item 10).
    assert_eq!(kinds, vec![NotificationKind::TemporaryReceiptNumber]);
    let to: Vec<_> = jobs[0].to.iter().map(|a| a.email.as_str().to_owned()).collect();
    assert_eq!(to, vec!["tanaka@sakura.example.jp", "an.nguyen@example.com"]);
    assert_eq!(jobs[0].data["receipt_number"], number.as_str());

    let due = w
        .svc
        .core
        .store()
        .due_tasks()
        .all(JstDate::parse("2026-11-28").unwrap(), zairyu_domain::schedule::DueTask::ReceiptNumber)
        .await
        .unwrap();
    assert_eq!(due, vec![app.id().to_string()]);

    let list = w.lines(&caller, 10).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].temporary_receipt_number.as_deref(), Some(number.as_str()));
    let actions: Vec<_> =
        w.audit(&format!("application:{}", app.id())).await.into_iter().map(|e| e.action.code()).collect();
    assert_eq!(actions, vec!["application.create", "application.photo", "application.submit"]);
}

async fn double_submission_gives_one_application_and_one_number(w: World) {
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    w.svc.applications.attach_photo(&caller, app.id().as_str(), jpeg(), None).await.unwrap();
    let (p1, p2) = (w.svc.applications.clone(), w.svc.applications.clone());
    let (c1, c2) = (caller.clone(), caller.clone());
    let (id1, id2) = (app.id().to_string(), app.id().to_string());
    let (a, b) = tokio::join!(
        tokio::spawn(async move { p1.submit(&c1, &id1).await }),
        tokio::spawn(async move { p2.submit(&c2, &id2).await })
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_eq!(a.temporary_receipt_number(), b.temporary_receipt_number());
    let jobs = w.jobs().await;
    assert_eq!(jobs.iter().filter(|j| j.kind == NotificationKind::TemporaryReceiptNumber).count(), 1);
    let again = w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
    assert_eq!(again.temporary_receipt_number(), a.temporary_receipt_number());
}

#[tokio::test]
async fn q80_refused_applications_store_nothing_and_name_the_rule() {
    let w = World::new().await;
    let (_, caller) = w.login("TANAKA01").await;
    let mut input = application_input();
    input.residence_card_number = "ZZ99999999ZZ".into();
    let e = w.svc.applications.create_application(&caller, &input).await.unwrap_err();
    let ServiceError::Invalid(v) = e else { panic!("{e:?}") };
    assert!(v.iter().any(|x| x.field == "residence_card_number" && x.rule == "eligibility.not_on_list"));
    assert!(w.lines(&caller, 10).await.is_empty());
    let trail = w.audit("organization:org1").await;
    assert_eq!(trail.last().unwrap().outcome, zairyu_domain::audit::Outcome::Refused("eligibility.not_on_list".into()));
}

async fn q16_another_organizations_application_is_not_found_on_every_path(w: World) {
    let (_, tanaka) = w.login("TANAKA01").await;
    let (_, suzuki) = w.login("SUZUKI02").await;
    let app = w.svc.applications.create_application(&tanaka, &application_input()).await.unwrap();
    let id = app.id().as_str();
    assert!(
        matches!(w.svc.applications.application(&suzuki, id).await.unwrap_err(), ServiceError::NotFound),
        "{:?}",
        w.svc.applications.application(&suzuki, id).await.unwrap_err()
    );
    assert!(
        matches!(w.svc.applications.attach_photo(&suzuki, id, jpeg(), None).await.unwrap_err(), ServiceError::NotFound),
        "{:?}",
        w.svc.applications.attach_photo(&suzuki, id, jpeg(), None).await.unwrap_err()
    );
    assert!(
        matches!(w.svc.applications.submit(&suzuki, id).await.unwrap_err(), ServiceError::NotFound),
        "{:?}",
        w.svc.applications.submit(&suzuki, id).await.unwrap_err()
    );
    assert!(
        matches!(
            w.svc.applications.change_receipt_method(&suzuki, id, ReceiptMethod::Counter).await.unwrap_err(),
            ServiceError::NotFound
        ),
        "{:?}",
        w.svc.applications.change_receipt_method(&suzuki, id, ReceiptMethod::Counter).await.unwrap_err()
    );
    assert!(w.lines(&suzuki, 10).await.is_empty());
    assert!(
        matches!(w.svc.applications.application(&tanaka, "no-such-app").await.unwrap_err(), ServiceError::NotFound),
        "{:?}",
        w.svc.applications.application(&tanaka, "no-such-app").await.unwrap_err()
    );
}

#[tokio::test]
async fn q53_receipt_method_changes_after_filing_only() {
    let w = World::new().await;
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    let e =
        w.svc.applications.change_receipt_method(&caller, app.id().as_str(), ReceiptMethod::Counter).await.unwrap_err();
    assert_eq!(e.rule(), "status.not_from_status");
    w.svc.applications.attach_photo(&caller, app.id().as_str(), jpeg(), None).await.unwrap();
    w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
    w.jobs().await;
    let changed =
        w.svc.applications.change_receipt_method(&caller, app.id().as_str(), ReceiptMethod::Counter).await.unwrap();
    assert_eq!(changed.form().receipt_method, ReceiptMethod::Counter);
    assert_eq!(w.jobs().await[0].kind, NotificationKind::ReceiptMethodChanged);
}

/// A table whose transactions fail, as a store outage would.
struct BrokenTable(Arc<dyn Table>);

#[async_trait]
impl Table for BrokenTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.0.get(key).await
    }
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        self.0.put(item, condition).await
    }
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        self.0.delete(key, condition).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.0.query(query).await
    }
    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        self.0.increment(key, attribute, by, expires_at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        // Seeding goes through; everything after the users exist fails.
        if writes.iter().any(|w| matches!(w, Write::Put { item, .. } if item.get(attr::PK).and_then(Attr::as_s).is_some_and(|p| p.starts_with("APP#")))) {
            return Err(StoreError::Unavailable("simulated outage".into()));
        }
        self.0.transact(writes).await
    }
}

#[tokio::test]
async fn a_store_failure_is_never_a_success_and_leaves_nothing_behind() {
    let inner: Arc<dyn Table> = Arc::new(SqliteTable::in_memory().unwrap());
    let w = World::with_table(Arc::new(BrokenTable(Arc::clone(&inner)))).await;
    let (_, caller) = w.login("TANAKA01").await;
    let e = w.svc.applications.create_application(&caller, &application_input()).await.unwrap_err();
    assert!(matches!(e, ServiceError::Store(StoreError::Unavailable(_))), "{e:?}");
    assert!(w.lines(&caller, 10).await.is_empty());
    assert!(w.audit("organization:org1").await.is_empty());
}

async fn filed_applications(w: &World, caller: &Caller, n: usize) -> Vec<zairyu_domain::application::ApplicationId> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let app = w.svc.applications.create_application(caller, &w.another_person().await).await.unwrap();
        w.svc.applications.attach_photo(caller, app.id().as_str(), jpeg(), None).await.unwrap();
        w.svc.applications.submit(caller, app.id().as_str()).await.unwrap();
        ids.push(app.id().clone());
    }
    ids
}

async fn q33_official_numbers_under_concurrency_are_consecutive_without_gaps(w: World) {
    let (_, caller) = w.login("TANAKA01").await;
    let ids = filed_applications(&w, &caller, 20).await;
    w.jobs().await;
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let (ports, id) = (w.as_role(Role::Reminders).daily, id.clone());
            tokio::spawn(async move { ports.assign_official_receipt_number(&id).await })
        })
        .collect();
    let mut serials = Vec::new();
    for t in tasks {
        let n = t.await.unwrap().unwrap();
        assert_eq!(n.to_string().chars().next(), Some('東'));
        serials.push(n.serial());
    }
    serials.sort_unstable();
    assert_eq!(serials, (1..=20).collect::<Vec<_>>());
    // Again for a numbered application: the same number, no new e-mail.
    let first = w.as_role(Role::Reminders).daily.assign_official_receipt_number(&ids[0]).await.unwrap();
    assert_eq!(
        w.svc.applications.application(&caller, ids[0].as_str()).await.unwrap().official_receipt_number(),
        Some(first)
    );
    let jobs = w.jobs().await;
    assert_eq!(jobs.iter().filter(|j| j.kind == NotificationKind::OfficialReceiptNumber).count(), 20);
    assert_eq!(jobs[0].to.len(), 2, "the user and the applicant (Q33)");
}

/// #34 item 1: the official-number job numbers a day's applications a block at a time, one series per lane
/// (here: 45 extensions and 23 changes of status, two series), each series 1, 2, 3, … in the order the
/// applications fell due; every task it did is removed with its number; each e-mail once; and a second run
/// finds nothing to do.
async fn a_day_s_official_numbers_are_given_in_blocks_per_series_each_once(w: World) {
    let on = JstDate::of_instant(w.clock.now());
    let extensions = w.seed_filed("ext", 45, false, on).await;
    let changes = w.seed_filed("chg", 23, true, on).await;
    w.clock.advance(Duration::hours(24));
    let report = w
        .as_role(Role::Reminders)
        .daily
        .run_scheduled(zairyu_domain::schedule::ScheduledJob::OfficialReceiptNumbers)
        .await
        .unwrap();
    assert_eq!((report.tasks, report.acted, report.retried), (68, 68, 0), "{report:?}");
    let (_, caller) = w.login("TANAKA01").await;
    for (ids, letters) in [(&extensions, "ＥＮ"), (&changes, "ＣＨ")] {
        let mut serials = Vec::new();
        for id in ids.iter() {
            let app = w.svc.applications.application(&caller, id).await.unwrap();
            let number = app.official_receipt_number().unwrap();
            assert!(number.to_string().contains(letters), "{number}");
            serials.push(number.serial());
        }
        assert_eq!(serials, (1..=u32::try_from(ids.len()).unwrap()).collect::<Vec<_>>(), "in the order they fell due");
    }
    let due =
        w.svc.core.store().due_tasks().all(on.succ(), zairyu_domain::schedule::DueTask::ReceiptNumber).await.unwrap();
    assert!(due.is_empty(), "every task done is removed: {due:?}");
    let jobs = w.jobs().await;
    let numbered: Vec<_> = jobs.iter().filter(|j| j.kind == NotificationKind::OfficialReceiptNumber).collect();
    assert_eq!(numbered.len(), 68);
    let keys: std::collections::BTreeSet<_> = numbered.iter().map(|j| j.idempotency_key.clone()).collect();
    assert_eq!(keys.len(), 68, "one e-mail per application");
    let again = w
        .as_role(Role::Reminders)
        .daily
        .run_scheduled(zairyu_domain::schedule::ScheduledJob::OfficialReceiptNumbers)
        .await
        .unwrap();
    assert_eq!((again.tasks, again.acted), (0, 0), "{again:?}");
}

/// #34 item 3, with time travel on both tables: an application withdrawn on day D is deleted on D + five years
/// (the default retention) at the nightly purge, not a day before — its record, its lookups (receipt numbers,
/// card), its documents' records, and its photo's and documents' files — with the purge in the trail; an
/// application still open, and one ended a day later, are left; running the purge again changes nothing. Audit
/// records expire seven years after they are written.
async fn an_application_ended_a_retention_period_ago_is_purged_with_its_files_and_lookups(w: World) {
    use zairyu_app::ports::{Attr, Index, Query, attr};
    use zairyu_app::services::examination::OfficeAction;
    use zairyu_domain::schedule::ScheduledJob::PurgeEndedRecords as Purge;
    let (_, caller) = w.login("TANAKA01").await;
    let ids = filed_applications(&w, &caller, 3).await;
    let (ended, open, later) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    // A document of proof for the first, its file in the photos' store.
    let docs = w.svc.applications.documents();
    let doc = docs.start_document(&caller, &ended, "雇用契約書", Some("contract.pdf"), None).await.unwrap();
    let app = w.svc.core.store().applications().get(&ids[0]).await.unwrap().unwrap();
    let doc_key = zairyu_app::services::documents::document_key(&app, doc.id());
    let pdf =
        zairyu_domain::fixtures::pdf(&["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]);
    w.wiring.photos.put(&doc_key, pdf, "application/pdf").await.unwrap();
    assert!(docs.receive_document(&caller, &ended, doc.id().as_str()).await.unwrap().is_some());
    let photo_key = app.photo().unwrap().key.clone();
    let temporary = app.temporary_receipt_number().unwrap().to_string();
    let officer = w.login("OFFICER1").await.1;
    w.svc.examination.office_act(&officer, &ended, OfficeAction::Withdraw).await.unwrap();
    w.clock.advance(Duration::days(1));
    let officer = w.login("OFFICER1").await.1;
    w.svc.examination.office_act(&officer, &later, OfficeAction::Withdraw).await.unwrap();
    // A certificate of eligibility ended the same day: a person abroad's lookup is the passport's.
    let abroad =
        w.svc.applications.create_application(&caller, &zairyu_domain::fixtures::eligibility_input()).await.unwrap();
    w.svc.examination.office_act(&officer, abroad.id().as_str(), OfficeAction::Withdraw).await.unwrap();
    let passport_lookup = || {
        let q = Query::partition(Index::Primary, "PASSAPP#VNM#C7654321").limit(10);
        let table = w.table.clone();
        async move { table.query(&q).await.unwrap().items.len() }
    };
    assert_eq!(passport_lookup().await, 1, "its passport's lookup");
    let audit_item = w
        .table
        .query(&Query::partition(Index::Primary, format!("AUDIT#application:{later}")).limit(10))
        .await
        .unwrap()
        .items
        .pop()
        .unwrap();
    let expires = audit_item.get(attr::TTL).and_then(Attr::as_n).unwrap();
    let written = w.clock.now().timestamp();
    assert!((expires - written - 2557 * 86_400).abs() < 60, "the trail is kept seven years");

    let exists = |id: String| {
        let store = w.svc.core.store().clone();
        async move {
            store
                .applications()
                .get(&zairyu_domain::application::ApplicationId::parse(&id).unwrap())
                .await
                .unwrap()
                .is_some()
        }
    };
    // The day before five years are out: nothing goes.
    w.clock.advance(Duration::days(1825));
    let report = w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap();
    assert_eq!(report.acted, 0, "{report:?}");
    assert!(exists(ended.clone()).await);
    // Five years after its end: the first goes, whole.
    w.clock.advance(Duration::days(1));
    let report = w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap();
    assert_eq!(report.acted, 1, "{report:?}");
    assert!(!exists(ended.clone()).await && exists(open.clone()).await && exists(later.clone()).await);
    let partition =
        w.table.query(&Query::partition(Index::Primary, format!("APP#{ended}")).limit(100)).await.unwrap().items;
    assert!(partition.is_empty(), "no record of it or its documents is left: {partition:?}");
    assert!(w.wiring.photos.get(&photo_key).await.unwrap().is_none(), "its photo");
    assert!(w.wiring.photos.get(&doc_key).await.unwrap().is_none(), "its document's file");
    assert!(
        w.table.get(&zairyu_app::ports::Key::new(format!("RCPT#{temporary}"), "RCPT")).await.unwrap().is_none(),
        "its receipt number's lookup"
    );
    let card = app.form().card().unwrap().to_string();
    let by_card = w.table.query(&Query::partition(Index::Primary, format!("CARDAPP#{card}")).limit(10)).await.unwrap();
    assert!(by_card.items.is_empty(), "its card's lookup");
    let trail = w.audit(&format!("application:{ended}")).await;
    assert!(
        trail.iter().any(|e| e.action == zairyu_domain::audit::AuditAction::PurgeApplication && e.actor == "system")
    );
    // The next night the two ended a day later; the open one stays; again, nothing more.
    w.clock.advance(Duration::days(1));
    assert_eq!(w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap().acted, 2);
    assert!(!exists(later.clone()).await && exists(open.clone()).await);
    assert!(!exists(abroad.id().to_string()).await);
    assert_eq!(passport_lookup().await, 0, "its passport's lookup goes with it");
    assert_eq!(w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap().acted, 0);
}

#[tokio::test]
async fn q33_an_application_not_yet_filed_gets_no_official_number() {
    let w = World::new().await;
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    let e = w.as_role(Role::Reminders).daily.assign_official_receipt_number(app.id()).await.unwrap_err();
    assert_eq!(e.rule(), "status.not_from_status");
}

struct FlakyMailer {
    inner: Arc<dyn Mailer>,
    fail_next: std::sync::atomic::AtomicBool,
}

#[async_trait]
impl Mailer for FlakyMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if self.fail_next.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Err(MailError::unavailable("simulated outage"));
        }
        self.inner.send(email).await
    }
}

async fn a_job_delivered_twice_is_sent_once_and_a_failed_send_is_retried(w: World) {
    let dir = tempfile::tempdir().unwrap();
    let clock = SharedClock(Arc::clone(&w.clock));
    let outbox =
        zairyu_embedded::OutboxMailer::new(dir.path(), clock.clone(), Arc::new(RandomIds::with_clock(clock))).unwrap();
    let mailer = Arc::new(FlakyMailer { inner: Arc::new(outbox.clone()), fail_next: true.into() });
    let notifications = zairyu_app::Notifications::new(
        w.svc.core.clone(),
        mailer,
        EmailAddress::parse("no-reply@oras.example.jp").unwrap(),
        "0570-000-000",
    );
    let email = Email {
        from: EmailAddress::parse("no-reply@oras.example.jp").unwrap(),
        to: vec![EmailAddress::parse("tanaka@sakura.example.jp").unwrap()],
        subject: "仮受付番号のお知らせ".into(),
        text: "TMP-20261127-00000000".into(),
        html: None,
    };
    let key = "temporary_receipt_number:app-1";
    assert!(notifications.send_once(key, &email).await.is_err());
    assert!(outbox.messages().unwrap().is_empty());
    assert!(notifications.send_once(key, &email).await.unwrap(), "the retry sends");
    assert!(!notifications.send_once(key, &email).await.unwrap(), "the duplicate does not");
    assert_eq!(outbox.messages().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_log_ins_of_one_user_all_succeed() {
    let w = World::new().await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let ports = w.svc.accounts.clone();
            tokio::spawn(async move { ports.login("TANAKA01", PASSWORD, None).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

/// #14 item 2: one open application per foreign national, across organizations, and under a race.
async fn one_open_application_per_foreign_national(w: World) {
    use zairyu_domain::application::ApplicationError;
    let (_, tanaka) = w.login("TANAKA01").await;
    let first = w.svc.applications.create_application(&tanaka, &application_input()).await.unwrap();
    let again = w.svc.applications.create_application(&tanaka, &application_input()).await.unwrap_err();
    assert!(
        matches!(&again, ServiceError::Application(ApplicationError::AlreadyOpen(Some(id))) if id == first.id()),
        "{again:?}"
    );
    // Another organization with the same person on its list is refused without the ID.
    let org2 = OrganizationId::parse("org2").unwrap();
    let import = zairyu_app::services::import::Import {
        people: vec![(org2, zairyu_domain::fixtures::list_entry())],
        ..Default::default()
    };
    assert!(w.svc.core.import(import).await.unwrap());
    let (_, suzuki) = w.login("SUZUKI02").await;
    let other = w.svc.applications.create_application(&suzuki, &application_input()).await.unwrap_err();
    assert!(matches!(other, ServiceError::Application(ApplicationError::AlreadyOpen(None))), "{other:?}");

    // Two at once for a new person: one application.
    w.blanket_people(1).await;
    let mut input = application_input();
    input.residence_card_number = blanket_card(0);
    let (a, b) = tokio::join!(
        w.svc.applications.create_application(&tanaka, &input),
        w.svc.applications.create_application(&tanaka, &input)
    );
    assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{a:?} {b:?}");
    let card = zairyu_domain::values::ResidenceCardNumber::parse(&blanket_card(0)).unwrap();
    let person = zairyu_domain::form::PersonKey::Card(card);
    assert_eq!(w.svc.core.store().applications().by_person(&person, None, 10).await.unwrap().items.len(), 1);
}

/// #35: twenty entries at once of a certificate of eligibility for one passport make one application (the
/// passport's claim), and twenty of one person's work certificate make one (its own claim); the others are
/// refused as open, nothing half-written.
async fn twenty_parallel_filings_for_one_passport_or_one_certificate_make_one(w: World) {
    use zairyu_domain::application::ApplicationError;
    let (_, tanaka) = w.login("TANAKA01").await;
    w.blanket_people(1).await;
    let mut work = zairyu_domain::fixtures::work_certificate_input();
    work.residence_card_number = blanket_card(0);
    for (input, person) in [
        (
            zairyu_domain::fixtures::eligibility_input(),
            zairyu_domain::form::PersonKey::passport(
                "Viet Nam",
                &zairyu_domain::values::PassportNumber::parse("C7654321").unwrap(),
            ),
        ),
        (
            work,
            zairyu_domain::form::PersonKey::Card(
                zairyu_domain::values::ResidenceCardNumber::parse(&blanket_card(0)).unwrap(),
            ),
        ),
    ] {
        let tries = (0..20).map(|_| w.svc.applications.create_application(&tanaka, &input));
        let results = futures::future::join_all(tries).await;
        let made = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(made, 1, "{results:?}");
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                matches!(r, ServiceError::Application(ApplicationError::AlreadyOpen(_)) | ServiceError::Conflict),
                "{r:?}"
            );
        }
        let apps = w.svc.core.store().applications().by_person(&person, None, 50).await.unwrap().items;
        assert_eq!(apps.len(), 1, "one application and one lookup: {apps:?}");
    }
}

/// Q50, Q51: the list filtered by a status, page after page, gives every application in that status once and
/// no other, however the matching ones are spread over the list (pages may be shorter than asked for).
#[tokio::test]
async fn the_list_filtered_by_status_pages_through_every_match_once() {
    use zairyu_domain::status::ApplicationStatus;
    let w = World::new().await;
    let (_, caller) = w.login("TANAKA01").await;
    let mut entered = Vec::new();
    let mut filed = Vec::new();
    for i in 0..7 {
        let input = w.another_person().await;
        let app = w.svc.applications.create_application(&caller, &input).await.unwrap();
        let id = app.id().as_str().to_owned();
        if i % 3 == 0 {
            w.svc.applications.attach_photo(&caller, &id, jpeg(), None).await.unwrap();
            w.svc.applications.submit(&caller, &id).await.unwrap();
            filed.push(id);
        } else {
            entered.push(id);
        }
    }
    for (status, want) in
        [(ApplicationStatus::InputCompleted, &entered), (ApplicationStatus::ApplicationCompleted, &filed)]
    {
        let (mut seen, mut after, mut pages) = (Vec::new(), None, 0);
        loop {
            let page = w.svc.applications.applications_in(&caller, status, after, 2).await.unwrap();
            assert!(page.items.len() <= 3, "a page reads two at a time and keeps what matched");
            for line in &page.items {
                assert_eq!(line.status(), Some(status));
                let id: serde_json::Value = serde_json::from_str(line.json()).unwrap();
                seen.push(id["id"].as_str().unwrap().to_owned());
            }
            pages += 1;
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let (mut seen_sorted, mut want_sorted) = (seen.clone(), want.clone());
        seen_sorted.sort();
        want_sorted.sort();
        assert_eq!(seen_sorted, want_sorted, "{status:?}: each once ({pages} pages)");
    }
}

/// #18 item 1: the office's queue counts each status it acts in (keys read to the cap, which it says it
/// reached) and lists a status oldest receipt first for the pages, newest first for the API; another
/// office's officer counts none of them.
async fn an_office_queue_counts_each_status_and_lists_oldest_first(w: World) {
    use zairyu_app::store::QueueOrder;
    use zairyu_domain::status::ApplicationStatus as S;
    let (_, caller) = w.login("TANAKA01").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.extend(filed_applications(&w, &caller, 1).await);
        w.clock.advance(chrono::Duration::minutes(1));
    }
    let (_, officer) = w.login("OFFICER1").await;
    let exam = &w.svc.examination;
    exam.office_act(&officer, ids[1].as_str(), zairyu_app::services::examination::OfficeAction::StartExamination)
        .await
        .unwrap();
    let counts = exam.office_queue_counts(&officer, 100).await.unwrap();
    let count = |s: S| counts.iter().find(|(c, ..)| *c == s).map(|(_, n, more)| (*n, *more)).unwrap();
    assert_eq!(count(S::ApplicationCompleted), (2, false));
    assert_eq!(count(S::UnderExamination), (1, false));
    assert_eq!(count(S::WaitingForIssuance), (0, false));
    assert!(counts.iter().all(|(s, ..)| zairyu_app::store::office_acts_on(*s)), "only the statuses it acts in");
    assert_eq!(
        exam.office_queue_counts(&officer, 1).await.unwrap()[0],
        (S::ApplicationCompleted, 1, true),
        "1 or more"
    );
    assert_eq!(exam.office_queue_counts(&officer, 2).await.unwrap()[0], (S::ApplicationCompleted, 2, false));
    let officer = &officer;
    let queue = |order| async move {
        let queue = zairyu_app::services::examination::QueueView {
            office: None,
            status: S::ApplicationCompleted,
            procedure: None,
            order,
        };
        let page = exam.office_queue(officer, queue, None, 10).await.unwrap();
        page.items.iter().map(|a| a.id().clone()).collect::<Vec<_>>()
    };
    assert_eq!(queue(QueueOrder::OldestFirst).await, vec![ids[0].clone(), ids[2].clone()]);
    assert_eq!(queue(QueueOrder::NewestFirst).await, vec![ids[2].clone(), ids[0].clone()]);
    let (_, osaka) = w.login("OSAKA01").await;
    assert!(exam.office_queue_counts(&osaka, 100).await.unwrap().iter().all(|(_, n, _)| *n == 0));
}

/// #35 item 4: the queue of one procedure lists that procedure's applications only, oldest first, a page at
/// a time with each once, however the others lie between them; read in pages of the missing lines, at
/// most `QUEUE_READS` reads a page (then the cursor to read on).
async fn an_office_queue_of_one_procedure_lists_its_own_a_page_at_a_time(w: World) {
    use zairyu_app::services::examination::{QUEUE_READS, QueueView};
    use zairyu_app::store::QueueOrder;
    use zairyu_domain::procedure::Procedure;
    use zairyu_domain::status::ApplicationStatus as S;
    let (_, caller) = w.login("TANAKA01").await;
    // Seven extensions, then a work certificate, then seven more, then two certificates.
    let mut certificates = Vec::new();
    for round in 0..2 {
        filed_applications(&w, &caller, 7).await;
        for _ in 0..=round {
            w.clock.advance(chrono::Duration::minutes(1));
            let app =
                w.svc.applications.create_application(&caller, &w.another_work_certificate().await).await.unwrap();
            w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
            certificates.push(app.id().clone());
        }
    }
    let (_, officer) = w.login("OFFICER1").await;
    let exam = &w.svc.examination;
    let queue = |procedure| QueueView {
        office: None,
        status: S::ApplicationCompleted,
        procedure,
        order: QueueOrder::OldestFirst,
    };
    // Pages of two: every certificate once, in order, nothing else.
    let (mut seen, mut after, mut pages) = (Vec::new(), None, 0);
    loop {
        let page = exam.office_queue(&officer, queue(Some(Procedure::WorkCertificate)), after, 2).await.unwrap();
        assert!(page.items.len() <= 2 && page.items.iter().all(|a| a.procedure() == Procedure::WorkCertificate));
        seen.extend(page.items.iter().map(|a| a.id().clone()));
        pages += 1;
        after = page.next;
        if after.is_none() || pages > 20 {
            break;
        }
    }
    assert_eq!(seen, certificates, "each once, oldest first");
    // A page of one read in lines of one: the bound stops the reads with a cursor to read on.
    let first = exam.office_queue(&officer, queue(Some(Procedure::WorkCertificate)), None, 1).await.unwrap();
    assert!(first.items.is_empty() && first.next.is_some(), "{QUEUE_READS} extensions read, none of its own yet");
    let extensions = exam.office_queue(&officer, queue(Some(Procedure::Extension)), None, 50).await.unwrap();
    assert_eq!(extensions.items.len(), 14);
    let all = exam.office_queue(&officer, queue(None), None, 50).await.unwrap();
    assert_eq!(all.items.len(), 17);
}

/// #18 item 7: twenty parallel requests to create the same officer create one; the rest are told the ID is
/// taken, and one set-password e-mail goes out.
async fn twenty_parallel_creations_of_one_officer_make_one(w: World) {
    use zairyu_domain::status::OfficerRole;
    w.seed_officer("ADMIN01", zairyu_domain::office::Office::Tokyo, vec![OfficerRole::Admin]).await;
    let (_, admin) = w.login("ADMIN01").await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (counter, admin) = (w.svc.counter.clone(), admin.clone());
            tokio::spawn(async move {
                counter
                    .office_create_officer(
                        &admin,
                        "EXAM02",
                        "Suzuki",
                        "suzuki@immi.example.jp",
                        vec![OfficerRole::Examiner],
                    )
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => assert_eq!(e.rule(), "user_id.taken", "{e:?}"),
        }
    }
    assert_eq!(created, 1);
    let setup = NotificationKind::PasswordSetupLink;
    assert_eq!(w.jobs().await.iter().filter(|j| j.kind == setup && j.data["user_id"] == "EXAM02").count(), 1);
}

/// One decision of who may take which office step: for applications in every status an office meets, and
/// officers of every role at the office with jurisdiction, at the office where the card is collected and at
/// neither, each step the service offers ([`Examination::office_steps`]) is accepted when taken with valid
/// values, and each step it does not offer is refused — by the same service, on a fresh application each time.
#[tokio::test]
async fn every_office_step_offered_is_accepted_and_every_other_is_refused() {
    use zairyu_app::services::examination::OfficeAction;
    use zairyu_domain::application::{Collector, OfficeStep};
    use zairyu_domain::office::Office;
    use zairyu_domain::period::PeriodOfStay;
    use zairyu_domain::status::OfficerRole::*;
    let w = World::new().await;
    w.seed_officer("EXAM01", Office::Tokyo, vec![Examiner]).await;
    w.seed_officer("ISSUE01", Office::Tokyo, vec![Issuance]).await;
    w.seed_officer("ADMIN01", Office::Osaka, vec![Admin]).await;
    let (_, tanaka) = w.login("TANAKA01").await;
    let (_, driver) = w.login("OFFICER1").await;
    let mut officers = Vec::new();
    // CLERK01 counter at Tokyo; OSAKA01 every role but admin at Osaka, where the counter cards are collected.
    for id in ["CLERK01", "EXAM01", "ISSUE01", "OFFICER1", "ADMIN01", "OSAKA01"] {
        officers.push((id, w.login(id).await.1));
    }
    let today = JstDate::parse("2026-11-27").unwrap();
    let valid = |step: OfficeStep| match step {
        OfficeStep::StartExamination => OfficeAction::StartExamination,
        OfficeStep::RequestDocuments => OfficeAction::RequestDocuments,
        OfficeStep::Decide => OfficeAction::Permit {
            period_of_stay: PeriodOfStay::parse("1Y").unwrap(),
            expiry_date: Some(JstDate::parse("2028-01-20").unwrap()),
        },
        OfficeStep::RecordPostDocuments => OfficeAction::RecordPostDocuments {
            fee_notice_received: true,
            fee_notice_signed: true,
            old_card_returned: true,
        },
        OfficeStep::IssueCardByPost => OfficeAction::IssueCardByPost { dispatched_on: today },
        OfficeStep::RedirectToCounter => OfficeAction::RedirectToCounter,
        OfficeStep::RecordDelivery => OfficeAction::RecordDelivery { delivered_on: today },
        OfficeStep::HandOverAtCounter => {
            OfficeAction::HandOverAtCounter { collector: Collector::Applicant, fee_notice_signed: true }
        }
        OfficeStep::WithdrawAttachment(attachment) => OfficeAction::WithdrawAttachment { attachment },
        OfficeStep::Withdraw => OfficeAction::Withdraw,
        OfficeStep::ReplacePhoto => unreachable!("a multipart upload of its own"),
    };
    let post = |s| valid(s);
    // (state, card collected at the Osaka counter, the steps that lead there)
    let states: Vec<(&str, bool, Vec<OfficeAction>)> = vec![
        ("filed", false, vec![]),
        ("examining", false, vec![post(OfficeStep::StartExamination)]),
        ("permitted", false, vec![post(OfficeStep::StartExamination), post(OfficeStep::Decide)]),
        (
            "fee notice in",
            false,
            vec![post(OfficeStep::StartExamination), post(OfficeStep::Decide), post(OfficeStep::RecordPostDocuments)],
        ),
        (
            "posted",
            false,
            vec![
                post(OfficeStep::StartExamination),
                post(OfficeStep::Decide),
                post(OfficeStep::RecordPostDocuments),
                post(OfficeStep::IssueCardByPost),
            ],
        ),
        ("denied", false, vec![post(OfficeStep::StartExamination), OfficeAction::Deny]),
        ("withdrawn", false, vec![post(OfficeStep::Withdraw)]),
        ("counter, filed", true, vec![]),
        ("counter, permitted", true, vec![post(OfficeStep::StartExamination), post(OfficeStep::Decide)]),
    ];
    let mut accepted_somewhere = std::collections::HashSet::new();
    for (state, at_osaka, path) in &states {
        for (officer_id, officer) in &officers {
            for step in OfficeStep::ALL {
                let ctx = format!("{state}, {officer_id}, {step:?}");
                let mut input = w.another_person().await;
                input.procedures.extend(["re_entry_single".to_owned(), "activity_outside_status".to_owned()]);
                if *at_osaka {
                    input.receipt_method = "counter".into();
                    input.receiving_office = "osaka".into();
                }
                let app = w.svc.applications.create_application(&tanaka, &input).await.unwrap();
                let id = app.id().as_str();
                w.svc.applications.attach_photo(&tanaka, id, jpeg(), None).await.unwrap();
                w.svc.applications.submit(&tanaka, id).await.unwrap();
                for action in path {
                    w.svc.examination.office_act(&driver, id, action.clone()).await.unwrap();
                }
                let offered = match w.svc.examination.office_view(officer, id).await {
                    Ok(app) => w.svc.examination.office_steps(officer, &app).unwrap(),
                    Err(ServiceError::NotFound) => Vec::new(),
                    Err(e) => panic!("{ctx}: {e:?}"),
                };
                let taken = match step {
                    OfficeStep::ReplacePhoto => {
                        w.svc.examination.office_replace_photo(officer, id, jpeg()).await.map(|_| ())
                    }
                    _ => w.svc.examination.office_act(officer, id, valid(step)).await.map(|_| ()),
                };
                assert_eq!(taken.is_ok(), offered.contains(&step), "{ctx}: offered {offered:?}, taken {taken:?}");
                if taken.is_ok() {
                    accepted_somewhere.insert(step);
                }
            }
        }
    }
    // Every step but the Q53 redirect (a child's card on the day post becomes impossible) is taken somewhere.
    let missing: Vec<_> = OfficeStep::ALL.into_iter().filter(|s| !accepted_somewhere.contains(s)).collect();
    assert_eq!(missing, [OfficeStep::RedirectToCounter]);
}

/// The official number's e-mail says which application it numbers: the applicant's name and the temporary
/// number the user had the day before.
#[tokio::test]
async fn q33_the_official_number_e_mail_names_the_applicant_and_the_temporary_number() {
    use zairyu_domain::schedule::ScheduledJob;
    let w = World::new().await;
    let (_, tanaka) = w.login("TANAKA01").await;
    let id = filed_applications(&w, &tanaka, 1).await.remove(0);
    let app = w.svc.applications.application(&tanaka, id.as_str()).await.unwrap();
    let temporary = app.temporary_receipt_number().as_ref().unwrap().to_string();
    w.jobs().await;
    w.clock.advance(Duration::days(1));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    let jobs = w.jobs().await;
    let job = jobs.iter().find(|j| j.kind == NotificationKind::OfficialReceiptNumber).unwrap();
    let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
    for email in zairyu_domain::job::render(job, &from, "0570-000-000").unwrap() {
        let name = app.form().name.to_string();
        assert!(email.text.contains(&name) && email.text.contains(&temporary), "{}", email.text);
    }
}

/// #34 item 3 (Q95), with time travel on both tables: a user cancelled at the counter keeps its record a year
/// (the default retention), then the nightly purge erases it — its record with its name and address, its
/// e-mail lookup, its counters of wrong passwords — with the purge in the trail; its user ID stays taken (an
/// officer cannot be created under it); a user not cancelled is left; a second run changes nothing.
async fn a_cancelled_user_is_erased_a_retention_period_later_and_its_id_stays_taken(w: World) {
    use zairyu_app::ports::{Index, Query};
    use zairyu_app::services::counter::UserAction;
    use zairyu_domain::schedule::ScheduledJob::PurgeEndedRecords as Purge;
    let suzuki = UserId::parse("SUZUKI02").unwrap();
    // A wrong password leaves a counter beside the user.
    assert!(w.svc.accounts.login("SUZUKI02", "Wrong#12345", None).await.is_err());
    let clerk = w.login("CLERK01").await.1;
    // SUZUKI02's organization is under another office; its user is cancelled at any office's counter.
    w.svc.counter.office_user_action(&clerk, "SUZUKI02", UserAction::Cancel).await.unwrap();
    let store = w.svc.core.store().clone();
    let user_partition = || {
        let table = Arc::clone(&w.table);
        async move { table.query(&Query::partition(Index::Primary, "USER#SUZUKI02").limit(10)).await.unwrap().items }
    };
    let email_lookup = || {
        let table = Arc::clone(&w.table);
        async move {
            table
                .query(&Query::partition(Index::Primary, "EMAIL#suzuki@kaede.example.jp").limit(10))
                .await
                .unwrap()
                .items
        }
    };
    assert!(user_partition().await.len() >= 2 && !email_lookup().await.is_empty());

    w.clock.advance(Duration::days(364));
    let report = w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap();
    assert_eq!(report.acted, 0, "not before the year is out: {report:?}");
    assert!(store.users().get(&suzuki).await.unwrap().is_some());

    w.clock.advance(Duration::days(1));
    let report = w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap();
    assert_eq!(report.acted, 1, "{report:?}");
    assert!(store.users().get(&suzuki).await.unwrap().is_none(), "its record is erased");
    assert!(email_lookup().await.is_empty(), "its e-mail lookup");
    let left: Vec<String> = user_partition().await.iter().map(|i| Key::of(i).unwrap().sk).collect();
    assert_eq!(left, vec!["TAKEN".to_owned()], "only the taken ID is left (no counter, no name)");
    assert!(store.users().get(&UserId::parse("TANAKA01").unwrap()).await.unwrap().is_some(), "others stay");
    let trail = w.audit("user:SUZUKI02").await;
    assert!(trail.iter().any(|e| e.action == zairyu_domain::audit::AuditAction::PurgeUser && e.actor == "system"));
    assert_eq!(w.as_role(Role::Reminders).daily.run_scheduled(Purge).await.unwrap().acted, 0);
    // The ID is never given again.
    let again = w
        .svc
        .counter
        .create_officer("operator", "SUZUKI02", "Suzuki Hanako", "hanako@example.jp", Office::Tokyo, vec![])
        .await;
    assert!(again.is_err(), "{again:?}");
    assert!(store.users().get(&suzuki).await.unwrap().is_none());
}

/// #34 item 3 (Q42), on both tables: a blanket upload's record and its row errors carry their expiry (the
/// table's TTL deletes them): 90 days (the default) after the upload's last change, set again when it changes.
async fn a_blanket_upload_and_its_row_errors_expire_a_retention_period_after_its_last_change(w: World) {
    use zairyu_app::ports::{Attr, Index, Query, attr};
    use zairyu_blanket::template::workbook;
    use zairyu_domain::status_of_residence::ScreenGroup;
    let org = OrganizationId::parse("org1").unwrap();
    let tanaka = UserId::parse("TANAKA01").unwrap();
    let upload = w.svc.blanket.start_blanket_upload(&org, &tanaka).await.unwrap();
    let ttl_of = |pk: String, sk: Option<String>| {
        let table = Arc::clone(&w.table);
        async move {
            let q = Query::partition(Index::Primary, pk).limit(100);
            let items = table.query(&q).await.unwrap().items;
            let mine: Vec<_> =
                items.iter().filter(|i| sk.as_ref().is_none_or(|sk| Key::of(i).unwrap().sk == *sk)).collect();
            assert!(!mine.is_empty());
            mine.iter().map(|i| i.get(attr::TTL).and_then(Attr::as_n).unwrap()).collect::<Vec<i64>>()
        }
    };
    let record = || ttl_of("ORG#org1".into(), Some(format!("UPLOAD#{}", upload.id())));
    let started = w.clock.now().timestamp();
    assert_eq!(record().await, vec![started + 90 * 86_400]);
    // A day later the file arrives with two rows of one person: the record's expiry moves, the errors get theirs.
    w.clock.advance(Duration::days(1));
    let mut rows = w.blanket_people(3).await;
    rows.push(rows[1].clone());
    let bytes = workbook(ScreenGroup::Work, &rows).unwrap();
    let done = zairyu_blanket::process(&w.svc.blanket, &org, upload.id(), &bytes).await.unwrap();
    assert!(done.rows_failed() > 0);
    let processed = w.clock.now().timestamp();
    assert_eq!(record().await, vec![processed + 90 * 86_400]);
    let errors = ttl_of(format!("UPLOAD#{}", upload.id()), None).await;
    assert!(errors.len() >= 2 && errors.iter().all(|t| *t == processed + 90 * 86_400), "{errors:?}");
}
