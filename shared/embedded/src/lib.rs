//! The embedded default: every port on this machine, in one data folder, without AWS or Docker.

pub mod blobs;
pub mod outbox;
pub mod queue;
pub mod seal;
pub mod table;

pub use blobs::{CheckedDownload, CheckedForm, CheckedLink, FolderBlobs, UploadError};
pub use outbox::{OutboxMailer, OutboxMessage};
pub use queue::SqliteQueue;
pub use seal::LocalSeal;
pub use table::SqliteTable;
