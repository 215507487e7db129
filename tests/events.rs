//! Every sample event in `events/` parses into the shape its handler reads, so a sample that drifts from
//! the code fails CI. (The handlers themselves feed these files to their Lambda entry points in their own
//! tests as they land.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

use std::path::{Path, PathBuf};

use serde::Deserialize;
use zairyu_domain::schedule::{ScheduledJob, ScheduledJobDetail};

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

/// The envelope the reminders function receives from its EventBridge schedules.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)] // fields are read by serde to prove the shape
struct ScheduledEvent {
    version: String,
    id: String,
    detail_type: String,
    source: String,
    time: chrono::DateTime<chrono::Utc>,
    region: String,
    detail: ScheduledJobDetail,
}

#[test]
fn every_sample_event_is_valid_json() {
    let mut count = 0;
    for dir in std::fs::read_dir(events_dir()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
        }
    }
    assert!(count >= ScheduledJob::ALL.len());
}

#[test]
fn there_is_one_schedule_sample_per_job_and_each_names_its_job_at_its_hour() {
    for job in ScheduledJob::ALL {
        let code = serde_json::to_value(job).unwrap();
        let path = events_dir().join("schedule").join(format!("{}.json", code.as_str().unwrap()));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let event: ScheduledEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(event.detail.job, job);
        assert_eq!(event.detail_type, "Scheduled Event");
        let jst_hour = (event.time + chrono::Duration::hours(9)).format("%H").to_string();
        assert_eq!(jst_hour.parse::<u32>().unwrap(), job.hour_jst(), "{job:?}");
    }
}
