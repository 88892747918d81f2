//! Arbitrary (lossily UTF-8) text through `html_to_text`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newswire_feeds::html_to_text;
use newswire_fuzz::is_collapsed_line;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let text = html_to_text(&html);
    if text.is_empty() {
        return;
    }
    // Documented: paragraphs separated by "\n\n", each non-empty with whitespace collapsed.
    for paragraph in text.split("\n\n") {
        assert!(!paragraph.is_empty(), "empty paragraph in {text:?}");
        assert!(
            is_collapsed_line(paragraph),
            "paragraph not collapsed: {paragraph:?}"
        );
    }
});
