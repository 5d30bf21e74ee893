//! Layer 5: reports. [`Report`] is the plain-data model (records as a tree,
//! the heap summary, run metadata); [`advice`] is one explicit pass over
//! it; each output format is a module that writes a report into
//! `impl Write` ([`export()`] picks one by name), and every file is written
//! atomically through [`io::atomic_write`](crate::io::atomic_write).
//!
//! This file only gathers the parts; each lives in its own module.

pub mod advice;
mod columns;
pub mod compare;
pub mod dhat;
pub mod export;
mod files;
pub mod folded;
pub mod html;
pub mod json;
mod legacy;
pub mod lines;
mod merge;
pub mod model;
mod output;
pub mod pprof;
pub mod ranks;
pub mod svg;
pub mod text;
pub mod timeline_svg;
pub mod trace;

pub use advice::{advise, AdviceOptions};
pub use compare::Comparison;
pub use export::{export, Format};
pub use files::{write_bytes, write_text};
pub use folded::{folded, Metric};
pub use model::{Advice, Repeat, Report};
pub use text::table;
