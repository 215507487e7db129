//! Any bytes given to the blanket reader are refused or read; never a panic, a hang or unbounded memory.
//! Every row it reads goes through the form parser too.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(blanket) = zairyu_blanket::read(data) {
        let today = zairyu_domain::jst::JstDate::from_ymd(2026, 11, 27).unwrap_or_else(|| unreachable!());
        for row in &blanket.rows {
            let _ = zairyu_domain::form::ApplicationForm::parse(&row.input, today);
        }
    }
});
