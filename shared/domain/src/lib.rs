//! The domain of zairyu: every rule of the Online Residence Application System (the agency's Q&A, cited
//! as Q1…Q103), as types and pure functions. No I/O, no clock reads, no AWS types.

pub mod account;
pub mod acquisition;
pub mod application;
pub mod audit;
pub mod blanket;
pub mod certificate;
pub mod choice;
pub mod code;
pub mod document;
pub mod eligibility;
pub mod error;
pub mod fees;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod flood;
pub mod form;
pub mod job;
pub mod jst;
pub mod nationality;
pub mod notice;
pub mod notification;
pub mod office;
pub mod organization;
pub mod period;
pub mod photo;
pub mod prefecture;
pub mod procedure;
pub mod receipt_number;
pub mod request_for_use;
pub mod retention;
pub mod schedule;
pub mod status;
pub mod status_of_residence;
pub mod values;
pub mod work_certificate;
