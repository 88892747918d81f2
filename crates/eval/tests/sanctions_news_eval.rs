//! The realistic sanctions dev set (`crates/enrich/dev/sanctions-news/`) loads under the strict
//! loader, and the figures on it hold their floors. Floors only go up.

use newswire_eval::sanctions_news::{batch_files, load};

#[test]
fn every_batch_loads_strictly() {
    let dir = newswire_eval::dev_dir();
    let mut urls = std::collections::BTreeSet::new();
    for f in batch_files(&dir).expect("batch dir readable") {
        for p in load(&f).unwrap_or_else(|e| panic!("{e}")) {
            assert!(
                urls.insert(p.source_url.clone()),
                "{}: source_url {} also used by another batch",
                p.id,
                p.source_url
            );
        }
    }
}
