//! Generated enriched articles for the PostgreSQL sink's tests, crash writer and benchmark.
//!
//! Deterministic: the same (seed, index, now) gives the same record, so a restarted writer
//! regenerates exactly what it wrote before. Every field of `EnrichedArticle` varies,
//! optional ones are sometimes absent, and text carries non-ASCII characters, quotes,
//! backslashes and tabs. Within one record, country codes, weapon names and the imposers and
//! targets of an event are distinct (as the enricher emits them), so the expected row counts
//! follow from the record alone.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use newswire_model::{
    Article, CountryTag, EnrichedArticle, EnrichmentMeta, EntityKind, Evidence, Field, Mention,
    MentionKind, SanctionAction, SanctionsEvent, TargetEntity, WeaponClassTag, WeaponTag,
};

/// splitmix64: small, fast, good enough to vary test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// k distinct items, in random order.
    pub fn distinct<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        for i in (1..idx.len()).rev() {
            let j = self.below(i + 1);
            idx.swap(i, j);
        }
        idx.into_iter()
            .take(k.min(items.len()))
            .map(|i| items[i].clone())
            .collect()
    }
}

const COUNTRIES: &[(&str, &str)] = &[
    ("TR", "Turkey"),
    ("RU", "Russia"),
    ("US", "United States"),
    ("UA", "Ukraine"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("CN", "China"),
    ("IR", "Iran"),
    ("IN", "India"),
    ("GB", "United Kingdom"),
    ("IL", "Israel"),
    ("KP", "North Korea"),
    ("BY", "Belarus"),
    ("PL", "Poland"),
    ("CI", "Côte d'Ivoire"),
    ("SE", "Sweden"),
];

const WEAPONS: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("S-400", "air_defence", Some("RU"), Some("Almaz-Antey")),
    ("F-35", "fighter", Some("US"), Some("Lockheed Martin")),
    ("Patriot", "air_defence", Some("US"), Some("Raytheon")),
    ("Bayraktar TB2", "drone", Some("TR"), Some("Baykar")),
    ("HIMARS", "rocket_artillery", Some("US"), None),
    ("Shahed-136", "drone", Some("IR"), None),
    ("Leopard 2", "tank", Some("DE"), Some("KNDS")),
    ("Unknown \"X\" system", "other", None, None),
];

const CLASSES: &[&str] = &[
    "air defence system",
    "drone",
    "fighter jet",
    "ballistic missile",
];
const IMPOSERS: &[&str] = &["US", "EU", "GB", "UN", "G7", "CA", "JP"];
const TARGETS: &[&str] = &["RU", "IR", "BY", "KP", "TR", "CN"];
const ACTIONS: &[SanctionAction] = &[
    SanctionAction::Impose,
    SanctionAction::Threaten,
    SanctionAction::Lift,
    SanctionAction::Evade,
    SanctionAction::Oppose,
];
const SECTORS: &[&str] = &[
    "defence industry",
    "energy",
    "banking",
    "aviation",
    "shipping",
];
const PROGRAMS: &[&str] = &["CAATSA", "EU Regulation 833/2014", "IEEPA", "UNSCR 2231"];
const ENTITIES: &[(&str, EntityKind, Option<&str>)] = &[
    ("Sberbank", EntityKind::Bank, Some("RU")),
    ("Rosoboronexport", EntityKind::Company, Some("RU")),
    ("Ramzan Kadyrov", EntityKind::Person, Some("RU")),
    ("Adrian Darya 1", EntityKind::Vessel, Some("IR")),
    (
        "Islamic Revolutionary Guard Corps",
        EntityKind::Agency,
        Some("IR"),
    ),
    ("Hezbollah", EntityKind::Group, Some("LB")),
    ("Babylon Navigation DMCC", EntityKind::Company, None),
    ("Türk \"Şirket\" A.Ş.", EntityKind::Company, Some("TR")),
];
const KINDS: &[MentionKind] = &[
    MentionKind::Name,
    MentionKind::Abbreviation,
    MentionKind::Demonym,
    MentionKind::Capital,
    MentionKind::Seat,
    MentionKind::City,
    MentionKind::Dateline,
    MentionKind::FormerName,
];
const WORDS: &[&str] = &[
    "the",
    "ministry",
    "said",
    "on",
    "Tuesday",
    "that",
    "talks",
    "over",
    "delivery",
    "of",
    "air-defence",
    "systems",
    "would",
    "continue",
    "despite",
    "warnings",
    "from",
    "Washington",
    "Ankara",
    "Moscow",
    "«officials»",
    "\"quoted\"",
    "sanctions",
    "naïve",
    "café",
    "Zürich",
    "back\\slash",
    "tab\tseparated",
    "über",
    "€1.2bn",
    "—",
    "日本",
    "Київ",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick::<&str>(WORDS));
    }
    s.push('.');
    s
}

fn mentions(rng: &mut Rng, text: &str, title_len: usize, body_len: usize) -> Vec<Mention> {
    let n = 1 + rng.below(4);
    (0..n)
        .map(|_| {
            let (field, len) = if title_len > 0 && rng.chance(20) {
                (Field::Title, title_len)
            } else {
                (Field::Body, body_len)
            };
            let start = rng.below(len.max(1));
            Mention {
                text: text.to_string(),
                field,
                start,
                end: start + text.len(),
                kind: *rng.pick(KINDS),
            }
        })
        .collect()
}

/// Article number `index` of the stream `seed`; times are relative to `now`.
pub fn article(seed: u64, index: u64, now: DateTime<Utc>) -> EnrichedArticle {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(index));
    let feed = rng.below(12);
    let title_words = 6 + rng.below(8);
    let title = sentence(&mut rng, title_words);
    let paragraphs = 3 + rng.below(6);
    let body = (0..paragraphs)
        .map(|_| {
            let n = 2 + rng.below(4);
            (0..n)
                .map(|_| {
                    let words = 8 + rng.below(14);
                    sentence(&mut rng, words)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let url = format!("https://news.example/{feed}/story-{seed}-{index}?utm_source=x#frag");
    // Up to 20 days back, with nanoseconds, so the typed columns (microseconds) and the record
    // (exact) can be told apart.
    let age = Duration::seconds(rng.below(20 * 86_400) as i64)
        + Duration::nanoseconds(rng.below(1_000_000_000) as i64);
    let published_at = if rng.chance(90) {
        Some(now - age)
    } else {
        None
    };
    let updated_at = match published_at {
        Some(p) if rng.chance(30) => Some(p + Duration::minutes(rng.below(600) as i64)),
        _ => None,
    };
    let fetched_at = now - Duration::seconds(rng.below(3_600) as i64);
    let n_categories = rng.below(4);
    let article = Article {
        id: format!("gen-{seed}-{index}"),
        feed_id: format!("feed-{feed}"),
        feed_url: format!("https://feeds.example/{feed}.xml"),
        url: if rng.chance(95) {
            Some(url.clone())
        } else {
            None
        },
        canonical_url: if rng.chance(90) {
            Some(format!("https://news.example/{feed}/story-{seed}-{index}"))
        } else {
            None
        },
        title: title.clone(),
        summary: if rng.chance(70) {
            Some(sentence(&mut rng, 12))
        } else {
            None
        },
        body: body.clone(),
        authors: (0..rng.below(3))
            .map(|i| format!("Reporter {i} Ünal"))
            .collect(),
        categories: rng
            .distinct(&["World", "Defence", "Europe", "Markets"], n_categories)
            .into_iter()
            .map(str::to_string)
            .collect(),
        language: match rng.below(4) {
            0 => None,
            1 => Some("tr".to_string()),
            _ => Some("en".to_string()),
        },
        published_at,
        updated_at,
        fetched_at,
        duplicate_of: rng
            .chance(10)
            .then(|| format!("nw1-{:032x}", seed.wrapping_mul(31).wrapping_add(index))),
    };

    let n_countries = 1 + rng.below(6);
    let n_primary = 1 + rng.below(2);
    let countries = rng
        .distinct(COUNTRIES, n_countries)
        .into_iter()
        .enumerate()
        .map(|(i, (code, name))| CountryTag {
            code: code.to_string(),
            name: name.to_string(),
            salience: 1.0 / (1.0 + i as f64 + rng.below(1000) as f64 / 997.0),
            primary: i < n_primary,
            mentions: mentions(&mut rng, name, title.len(), body.len()),
        })
        .collect();

    let n_weapons = rng.below(4);
    let weapons = rng
        .distinct(WEAPONS, n_weapons)
        .into_iter()
        .map(|(name, category, origin, manufacturer)| WeaponTag {
            name: name.to_string(),
            category: category.to_string(),
            origin: origin.map(str::to_string),
            manufacturer: manufacturer.map(str::to_string),
            mentions: mentions(&mut rng, name, title.len(), body.len()),
        })
        .collect();
    let n_classes = rng.below(3);
    let weapon_classes = rng
        .distinct(CLASSES, n_classes)
        .into_iter()
        .map(|name| WeaponClassTag {
            name: name.to_string(),
            mentions: mentions(&mut rng, name, title.len(), body.len()),
        })
        .collect();

    let n_events = rng.below(4);
    let sanctions = (0..n_events)
        .map(|_| {
            let n_imp = rng.below(4);
            let n_tgt = rng.below(3);
            let start = rng.below(body.len().max(1));
            SanctionsEvent {
                imposers: rng
                    .distinct(IMPOSERS, n_imp)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                targets: rng
                    .distinct(TARGETS, n_tgt)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                action: *rng.pick(ACTIONS),
                negated: rng.chance(10),
                sectors: {
                    let k = rng.below(3);
                    rng.distinct(SECTORS, k)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                },
                programs: {
                    let k = rng.below(3);
                    rng.distinct(PROGRAMS, k)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                },
                evidence: Evidence {
                    field: if rng.chance(15) {
                        Field::Title
                    } else {
                        Field::Body
                    },
                    start,
                    end: start + 1 + rng.below(200),
                },
                target_entities: target_entities(&mut rng, body.len()),
            }
        })
        .collect();

    EnrichedArticle {
        article,
        countries,
        weapons,
        weapon_classes,
        sanctions,
        enrichment: EnrichmentMeta {
            engine_version: "gen".to_string(),
            gazetteer_version: format!("gen-{seed}"),
            took_us: rng.next_u64() >> 40,
        },
    }
}

/// Zero to three distinct named entities, at random places in the body.
fn target_entities(rng: &mut Rng, body_len: usize) -> Vec<TargetEntity> {
    let k = rng.below(4);
    rng.distinct(ENTITIES, k)
        .into_iter()
        .map(|(text, kind, country)| {
            let start = rng.below(body_len.max(1));
            TargetEntity {
                text: text.to_string(),
                kind,
                country: country.map(str::to_string),
                field: Field::Body,
                start,
                end: start + text.len(),
            }
        })
        .collect()
}

/// Articles `range` of the stream `seed`.
pub fn articles(
    seed: u64,
    range: std::ops::Range<u64>,
    now: DateTime<Utc>,
) -> Vec<EnrichedArticle> {
    range.map(|i| article(seed, i, now)).collect()
}

/// Rows one record occupies in each table (articles, countries, weapons, sanctions pairs,
/// target entities), for records whose lists hold no duplicates (as generated here).
pub fn expected_rows(rec: &EnrichedArticle) -> [usize; 5] {
    let pairs = rec
        .sanctions
        .iter()
        .map(|e| e.imposers.len().max(1) * e.targets.len().max(1))
        .sum();
    let entities = rec.sanctions.iter().map(|e| e.target_entities.len()).sum();
    [1, rec.countries.len(), rec.weapons.len(), pairs, entities]
}
