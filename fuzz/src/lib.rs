//! Helpers shared by the fuzz targets.

use std::backtrace::Backtrace;
use std::panic;

/// Lets a panic raised under feed-rs (in it or in quick-xml below it) unwind instead of
/// aborting the fuzzer.
///
/// `parse_document` isolates feed-rs behind `catch_unwind` by design and reports such a panic
/// as `ParseError::Panicked`; that is an upstream bug it survives, not one of ours. Every other
/// panic still goes to the hook libFuzzer installed, which aborts and records a crash. The
/// backtrace (file paths from the line tables) tells which: only called on a panic.
pub fn tolerate_feed_rs_panics() {
    let abort_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let trace = Backtrace::force_capture().to_string();
        if !trace.contains("/feed-rs-") {
            abort_hook(info);
        }
    }));
}

/// A one-line text as newswire's normaliser promises it: no whitespace but single spaces
/// between words, none at either end.
pub fn is_collapsed_line(s: &str) -> bool {
    s.trim() == s && !s.contains("  ") && !s.chars().any(|c| c.is_whitespace() && c != ' ')
}
