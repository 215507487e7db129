//! Blanket input (Q40–Q43): the Excel template written in code and the reader of filled files.

pub mod columns;
pub mod process;
pub mod reader;
pub mod template;

pub use process::{Swept, process, sweep};
pub use reader::{Blanket, FileError, Row, read, row_errors};
pub use template::template;
