//! No panics on any input; offsets always on char boundaries and equal to the mention text;
//! salience within 0..=1 and sorted.

use newswire_enrich::countries::CountryMatcher;
use newswire_model::{CountryTag, Field};

#[track_caller]
fn check(m: &CountryMatcher, title: &str, body: &str) -> Vec<CountryTag> {
    let tags = m.extract(title, body);
    for w in tags.windows(2) {
        assert!(w[0].salience >= w[1].salience);
    }
    for t in &tags {
        assert!((0.0..=1.0).contains(&t.salience), "{}", t.salience);
        assert!(!t.mentions.is_empty());
        for mention in &t.mentions {
            let text = if mention.field == Field::Title {
                title
            } else {
                body
            };
            assert!(text.is_char_boundary(mention.start) && text.is_char_boundary(mention.end));
            assert_eq!(&text[mention.start..mention.end], mention.text);
        }
    }
    tags
}

/// A small deterministic generator (xorshift), so the test needs no extra dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn edge_inputs() {
    let m = CountryMatcher::new();
    for (title, body) in [
        ("", ""),
        (" ", "\n\n\n"),
        ("—", "–"),
        ("(", ")"),
        ("U.S.", "U.S"),
        ("'s", "’s"),
        ("LONDON", "LONDON"),
        ("", "LONDON,"),
        ("", "LONDON (Reuters) -"),
        ("", "LONDON (Reuters"),
        ("", "A (B) - "),
        ("Türkiye", "ÜÜÜÜ Türkiye’"),
        ("", "\u{feff}Turkey\u{200b}Russia\u{a0}Iran"),
        ("", "Georgia"),
        ("", "Jordan"),
        ("", "Michael Jordan"),
        ("", "Congo"),
        ("", "Korea"),
        ("", "Paris, "),
        ("", "Washington state"),
        ("", "Turkey's"),
        ("", "China"),
    ] {
        check(&m, title, body);
    }
}

#[test]
fn random_unicode_never_panics() {
    let m = CountryMatcher::new();
    let alphabet: Vec<char> =
        "ab TurkeyRusia.,'’–—-()\n ÜüçğİıéĐ中国тест🙂\u{301}USAGeorgiaJordanChad"
            .chars()
            .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..500 {
        let len = (rng.next() % 200) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        let split = (rng.next() % (s.chars().count() as u64 + 1)) as usize;
        let title: String = s.chars().take(split).collect();
        check(&m, &title, &s);
    }
}

#[test]
fn huge_text() {
    let m = CountryMatcher::new();
    let para =
        "Turkey and Russia signed a deal in Ankara, the Kremlin said. Michael Jordan wasn’t \
                there. LONDON, Aug 16 (Reuters) – Georgia’s governor in Atlanta said 🙂 ";
    let body = para.repeat(20_000); // about 3 MB
    let tags = check(&m, "", &body);
    let mut codes: Vec<&str> = tags.iter().map(|t| t.code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["GB", "RU", "TR", "US"]);
}

#[test]
fn matcher_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CountryMatcher>();
    let m = std::sync::Arc::new(CountryMatcher::new());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || m.extract("Turkey and Russia", "Ankara said.").len())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 2);
    }
}
