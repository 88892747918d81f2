//! No panics on any input: pseudo-random byte soup, broken UTF-8 repaired lossily, and
//! adversarial fragments built from the gazetteers' own vocabulary, through the whole Enricher.

use newswire_enrich::Enricher;
use newswire_model::Article;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "S-400",
    "S400s",
    "F-35A",
    "Su-35S",
    "Patriot",
    "Act",
    "sanctions",
    "sanctioned",
    "on",
    "against",
    "Russia",
    "Turkey's",
    "Western",
    "the West",
    "EU",
    "U.S.",
    "not",
    "n't",
    "joined",
    "imposed",
    "lifted",
    "evade",
    "condemned",
    "the measures",
    "833/2014",
    "resolution 1718",
    "CAATSA",
    ",",
    ";",
    ".",
    "\n",
    "’s",
    "-",
    "—",
    "é",
    "Türkiye",
    "\u{201c}",
    "\u{201d}",
    "'",
    "FIFA-sanctioned",
    "by",
    "which",
    "but",
    "G-7",
    "M1",
    "T-72B3M",
    "Buk-M2",
    "K9",
    "Mi 8",
    " ",
    "  ",
    "\t",
    "Iran",
    "sanctions-hit",
    "no",
    "could",
    "would",
    "if",
    "Brussels",
    "Ankara",
];

#[test]
fn fragments_from_the_vocabulary_never_panic() {
    let enricher = Enricher::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1500 {
        let n = (rng.next() % 40) as usize;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(rng.pick(PIECES));
            if rng.next().is_multiple_of(3) {
                text.push(' ');
            }
        }
        let title: String = text.chars().take(30).collect();
        let out = enricher.enrich(Article::from_text("x", title.clone(), text.clone()));
        for w in &out.weapons {
            for m in &w.mentions {
                let field = if m.field == newswire_model::Field::Title {
                    &title
                } else {
                    &text
                };
                assert_eq!(&field[m.start..m.end], m.text);
            }
        }
        for e in &out.sanctions {
            let field = if e.evidence.field == newswire_model::Field::Title {
                &title
            } else {
                &text
            };
            assert!(field.get(e.evidence.start..e.evidence.end).is_some());
        }
    }
}

#[test]
fn byte_soup_never_panics() {
    let enricher = Enricher::new();
    let mut rng = Rng(42);
    for _ in 0..500 {
        let n = (rng.next() % 300) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next() % 256) as u8).collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = enricher.enrich(Article::from_text("x", text.clone(), text));
    }
}
