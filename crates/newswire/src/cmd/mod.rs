//! One module per subcommand.

pub mod config;
pub mod enrich;
pub mod run;
