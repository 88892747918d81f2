//! Prints precision, recall and F1 of the extractors on the labelled dev sets.
//!
//! `cargo run -p newswire-enrich --example eval [DEV_DIR]` (default: the crate's `dev/`).

use std::path::PathBuf;

use newswire_enrich::eval;

fn main() {
    let dev_dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/dev")));
    print!("{}", eval::countries::report(&dev_dir));
    print!("{}", eval::weapons::report(&dev_dir));
    print!("{}", eval::sanctions::report(&dev_dir));
}
