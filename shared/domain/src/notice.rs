//! "Information for notification" on the top screen (Q25): what the office publishes for every user, in
//! Japanese and English, and the planned maintenance windows during which applications are not accepted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Collector, Localized, Text, Violations};
use crate::jst::JstDate;

/// A notice as the office typed it. The window, when given, is two instants in RFC 3339
/// (`2026-12-05T22:00:00+09:00`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NoticeInput {
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    /// The start of a planned maintenance, if the notice announces one.
    pub maintenance_from: String,
    /// Its end.
    pub maintenance_until: String,
}

/// A planned time when the system does not accept applications (Q25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MaintenanceWindow {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl MaintenanceWindow {
    /// Whether `now` falls in the window (its start counted, its end not).
    pub fn covers(self, now: DateTime<Utc>) -> bool {
        self.from <= now && now < self.until
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("give the time as in 2026-12-05 22:00 (Japan time) or 2026-12-05T22:00:00+09:00")]
    Instant,
    #[error("give both the start and the end of the maintenance, or neither")]
    HalfWindow,
    #[error("the maintenance must end after it starts")]
    EndBeforeStart,
}

impl Localized for NoticeError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Instant => "notice.instant",
            Self::HalfWindow => "notice.half_window",
            Self::EndBeforeStart => "notice.end_before_start",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Instant => {
                "日時は 2026-12-05 22:00（日本時間）または 2026-12-05T22:00:00+09:00 の形式で入力してください。".into()
            }
            Self::HalfWindow => "メンテナンスの開始と終了は両方入力するか、どちらも入力しないでください。".into(),
            Self::EndBeforeStart => "メンテナンスの終了は開始より後にしてください。".into(),
        }
    }
}

/// Q25: applications are not accepted during a planned maintenance; the refusal names the window (in JST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the system is under planned maintenance from {} to {} (JST) and does not accept applications now; please file again after it ends",
    jst(self.0.from),
    jst(self.0.until)
)]
pub struct UnderMaintenance(pub MaintenanceWindow);

fn jst(t: DateTime<Utc>) -> String {
    crate::jst::minute(t)
}

impl Localized for UnderMaintenance {
    fn rule(&self) -> &'static str {
        "maintenance.in_progress"
    }
    fn message_ja(&self) -> String {
        format!(
            "システムメンテナンス中（{}から{}まで）のため、現在は申請を受け付けていません。終了後に改めて申請してください。",
            jst(self.0.from),
            jst(self.0.until)
        )
    }
}

/// One published notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Notice {
    pub id: String,
    pub title_ja: Text<120>,
    pub title_en: Text<120>,
    pub body_ja: Text<2000>,
    pub body_en: Text<2000>,
    pub published_at: DateTime<Utc>,
    pub maintenance: Option<MaintenanceWindow>,
}

fn instant(s: &str) -> Result<Option<DateTime<Utc>>, NoticeError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    // As an officer types it on the page: Japan time, to the minute.
    crate::jst::parse_minute(s).map(Some).ok_or(NoticeError::Instant)
}

impl Notice {
    /// Parses a notice published now, every field checked at once.
    pub fn parse(id: String, input: &NoticeInput, now: DateTime<Utc>) -> Result<Self, Violations> {
        let mut c = Collector::new();
        let title_ja = c.take("title_ja", Text::parse(&input.title_ja));
        let title_en = c.take("title_en", Text::parse(&input.title_en));
        let body_ja = c.take("body_ja", Text::parse(&input.body_ja));
        let body_en = c.take("body_en", Text::parse(&input.body_en));
        let from = c.take("maintenance_from", instant(&input.maintenance_from));
        let until = c.take("maintenance_until", instant(&input.maintenance_until));
        let maintenance = match (from, until) {
            (Some(Some(from)), Some(Some(until))) if until > from => Some(Some(MaintenanceWindow { from, until })),
            (Some(Some(_)), Some(Some(_))) => {
                c.push("maintenance_until", &NoticeError::EndBeforeStart);
                None
            }
            (Some(None), Some(None)) => Some(None),
            (Some(_), Some(_)) => {
                c.push("maintenance_until", &NoticeError::HalfWindow);
                None
            }
            _ => None,
        };
        c.finish(|| {
            Some(Self {
                id,
                title_ja: title_ja?,
                title_en: title_en?,
                body_ja: body_ja?,
                body_en: body_en?,
                published_at: now,
                maintenance: maintenance?,
            })
        })
    }

    /// Whether the notice still matters on `today`: a maintenance notice until its window has passed; any
    /// other for 30 days after it was published.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        match self.maintenance {
            Some(w) => now < w.until,
            None => JstDate::of_instant(now) <= JstDate::of_instant(self.published_at).add_days(30),
        }
    }
}

/// Q25: refuses an application made while one of `notices` announces a maintenance covering `now`.
pub fn check_not_under_maintenance<'a>(
    notices: impl IntoIterator<Item = &'a Notice>,
    now: DateTime<Utc>,
) -> Result<(), UnderMaintenance> {
    match notices.into_iter().filter_map(|n| n.maintenance).find(|w| w.covers(now)) {
        Some(w) => Err(UnderMaintenance(w)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 2026-12-05 in UTC; +9 h is JST.
        Utc.with_ymd_and_hms(2026, 12, 5, h, m, 0).unwrap()
    }

    fn input(from: &str, until: &str) -> NoticeInput {
        NoticeInput {
            title_ja: "メンテナンスのお知らせ".into(),
            title_en: "Planned maintenance".into(),
            body_ja: "システムを停止します。".into(),
            body_en: "The system will be stopped.".into(),
            maintenance_from: from.into(),
            maintenance_until: until.into(),
        }
    }

    #[test]
    fn q25_a_notice_with_a_window_and_one_without() {
        let n = Notice::parse("n1".into(), &input("2026-12-05T22:00:00+09:00", "2026-12-06T06:00:00+09:00"), at(0, 0))
            .unwrap();
        assert_eq!(n.maintenance, Some(MaintenanceWindow { from: at(13, 0), until: at(21, 0) }));
        // As typed on the office's page: Japan time, to the minute.
        let typed = Notice::parse("n3".into(), &input("2026-12-05 22:00", "2026-12-06 06:00"), at(0, 0)).unwrap();
        assert_eq!(typed.maintenance, n.maintenance);
        let plain = Notice::parse("n2".into(), &input("", ""), at(0, 0)).unwrap();
        assert_eq!(plain.maintenance, None);
    }

    #[test]
    fn q25_bad_windows_are_refused_by_field() {
        let rules = |from: &str, until: &str| -> Vec<(String, &'static str)> {
            Notice::parse("n".into(), &input(from, until), at(0, 0))
                .unwrap_err()
                .iter()
                .map(|v| (v.field.clone(), v.rule))
                .collect()
        };
        assert_eq!(rules("5 Dec 2026 22:00", ""), vec![("maintenance_from".into(), "notice.instant")]);
        assert_eq!(rules("2026-12-05 22:00", ""), vec![("maintenance_until".into(), "notice.half_window")]);
        assert_eq!(rules("2026-12-05T22:00:00+09:00", ""), vec![("maintenance_until".into(), "notice.half_window")]);
        assert_eq!(
            rules("2026-12-05T22:00:00+09:00", "2026-12-05T22:00:00+09:00"),
            vec![("maintenance_until".into(), "notice.end_before_start")]
        );
        let mut empty = input("", "");
        empty.title_en = String::new();
        assert!(Notice::parse("n".into(), &empty, at(0, 0)).is_err());
    }

    #[test]
    fn q25_applications_are_refused_inside_the_window_only_and_the_refusal_names_it() {
        let w = MaintenanceWindow { from: at(13, 0), until: at(21, 0) };
        let n = Notice {
            id: "n".into(),
            title_ja: Text::parse("t").unwrap(),
            title_en: Text::parse("t").unwrap(),
            body_ja: Text::parse("b").unwrap(),
            body_en: Text::parse("b").unwrap(),
            published_at: at(0, 0),
            maintenance: Some(w),
        };
        assert_eq!(check_not_under_maintenance([&n], at(12, 59)), Ok(()));
        assert_eq!(check_not_under_maintenance([&n], at(13, 0)), Err(UnderMaintenance(w)));
        assert_eq!(check_not_under_maintenance([&n], at(20, 59)), Err(UnderMaintenance(w)));
        assert_eq!(check_not_under_maintenance([&n], at(21, 0)), Ok(()));
        let e = UnderMaintenance(w);
        assert!(e.to_string().contains("2026-12-05 22:00") && e.to_string().contains("2026-12-06 06:00"), "{e}");
        assert!(e.message_ja().contains("2026-12-05 22:00から2026-12-06 06:00まで"), "{}", e.message_ja());
        assert!(n.is_current(at(20, 59)) && !n.is_current(at(21, 0)));
    }

    #[test]
    fn q25_a_plain_notice_is_shown_for_thirty_days() {
        let n = Notice::parse("n".into(), &input("", ""), at(0, 0)).unwrap();
        assert!(n.is_current(Utc.with_ymd_and_hms(2027, 1, 4, 14, 59, 0).unwrap()));
        assert!(!n.is_current(Utc.with_ymd_and_hms(2027, 1, 4, 15, 0, 0).unwrap()));
    }

    #[test]
    fn notice_refusals_explain_themselves_in_japanese() {
        assert!(NoticeError::Instant.message_ja().contains("2026-12-05T22:00:00+09:00"));
        assert!(NoticeError::HalfWindow.message_ja().contains("開始と終了"));
        assert!(NoticeError::EndBeforeStart.message_ja().contains("開始より後"));
        let w = MaintenanceWindow { from: at(13, 0), until: at(21, 0) };
        assert_eq!(UnderMaintenance(w).rule(), "maintenance.in_progress");
    }
}
