//! One module per subcommand.

pub mod config;
pub mod docs;
pub mod enrich;
pub mod enrich_lines;
pub mod feed;
pub mod poll;
pub mod run;
pub mod sink;
