//! What a name or class phrase means when it is not a weapon: business and sports copy, and
//! the names of single ships.
//!
//! | rule | example | applies to |
//! |---|---|---|
//! | ticker | `(NYSE: HOT)`, `<XON>` | every named system |
//! | credit rating | "rated B-2 by Moody's", "cut to B1" | grade-shaped designations ("B-2", "P-3", "F2") in a sentence about ratings |
//! | ship's name | "USS Patriot", "HMS Tiger", "the frigate Hetman" | every named system after a ship prefix; ambiguous names after a ship type |
//! | team | "the Patriots' defense", "Raptors 112, Rockets 108" | capitalised plurals of ambiguous names in an article about sport |
//! | product or title | "Chevrolet Corvette", "Blue Bombers" | class phrases written with a capital mid-sentence |

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::text::on_word_boundaries;

/// Exchange prefixes that introduce a ticker.
const EXCHANGES: &[&str] = &[
    "NYSE:",
    "NASDAQ:",
    "Nasdaq:",
    "AMEX:",
    "LSE:",
    "TSX:",
    "ASX:",
    "TSE:",
    "HKEX:",
    "OTC:",
    "Euronext:",
    "NYSE Arca:",
    "BSE:",
    "NSE:",
];

/// A ticker: `<XON>`, or a symbol right after an exchange prefix (`NYSE: RTX`).
pub(crate) fn ticker_at(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let bracketed =
        start > 0 && bytes.get(start - 1) == Some(&b'<') && bytes.get(end) == Some(&b'>');
    let before = text.get(..start).unwrap_or("").trim_end();
    bracketed || EXCHANGES.iter().any(|x| before.ends_with(x))
}

/// Prefixes of ships' names.
const SHIP_PREFIXES: &[&str] = &[
    "USS", "USNS", "HMS", "HMCS", "HMAS", "HMNZS", "INS", "JS", "ROKS", "TCG", "FS", "CNS", "RFS",
    "ITS", "ESPS", "HNLMS", "HDMS", "HNoMS", "KRI", "BNS", "PNS", "IRIS", "NRP", "ARA", "BAP",
    "HTMS", "RSS", "KD", "SNS", "MV",
];

/// Ship types that, right before a capitalised name, introduce a ship ("the cruiser Varyag").
const SHIP_TYPES: &[&str] = &[
    "cruiser",
    "destroyer",
    "frigate",
    "corvette",
    "carrier",
    "submarine",
    "warship",
    "flagship",
    "battleship",
    "battlecruiser",
    "ship",
    "vessel",
    "tanker",
    "icebreaker",
];

/// The word right before `start`, if only a space separates them.
fn word_before(text: &str, start: usize) -> Option<&str> {
    let before = text.get(..start)?.strip_suffix(' ')?;
    let from = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map_or(0, |i| i + 1);
    before.get(from..).filter(|w| !w.is_empty())
}

/// After a ship prefix ("USS"), any name is a ship's; after a ship type ("the cruiser"), an
/// ambiguous one is.
pub(crate) fn ship_name_at(text: &str, start: usize, ambiguous: bool) -> bool {
    let Some(w) = word_before(text, start) else {
        return false;
    };
    // Prefixes are short and start and end with a capital: other words skip the look-up.
    let b = w.as_bytes();
    let prefix_shaped = b.len() <= 5
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.last().is_some_and(u8::is_ascii_uppercase);
    (prefix_shaped && SHIP_PREFIXES.contains(&w)) || (ambiguous && SHIP_TYPES.contains(&w))
}

/// A designation shaped like a credit grade: a capital, maybe a small letter, maybe a hyphen,
/// one digit from 1 to 3 ("B-2", "B1", "P-3", "F2").
pub(crate) fn grade_shaped(mention: &str) -> bool {
    let b = mention.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let rest = &b[letters..];
    let rest = rest.strip_prefix(b"-").unwrap_or(rest);
    (1..=2).contains(&letters) && b[0].is_ascii_uppercase() && matches!(rest, [b'1'..=b'3'])
}

/// Words of a sentence about credit ratings.
const RATING_WORDS: &[&str] = &[
    "Moody's",
    "Moody’s",
    "Fitch",
    "S&P",
    "Standard & Poor's",
    "Standard and Poor's",
    "S and P",
    "Duff and Phelps",
    "Duff & Phelps",
    "debentures",
    "commercial paper",
    "preferred stock",
    "subordinated",
    "CreditWatch",
    "creditwatch",
    "rating",
    "ratings",
    "rated",
    "downgrade",
    "downgraded",
    "upgrade",
    "upgraded",
    "outlook",
    "notch",
    "notches",
    "investment grade",
    "investment-grade",
    "junk",
];

/// Words of an article about sport.
const SPORTS_WORDS: &[&str] = &[
    "touchdown",
    "touchdowns",
    "quarterback",
    "field goal",
    "overtime",
    "halftime",
    "half-time",
    "scored",
    "goals",
    "assists",
    "rebounds",
    "innings",
    "playoff",
    "playoffs",
    "NFL",
    "NBA",
    "NHL",
    "MLB",
    "WNBA",
    "Premier League",
    "Championship",
    "striker",
    "midfielder",
    "defenseman",
    "goaltender",
    "goalie",
    "power play",
    "shootout",
    "pitcher",
    "home run",
    "hat trick",
    "free throws",
    "three-pointer",
    "penalty kick",
    "kick-off",
    "stadium",
    "the league",
];

/// Context word lists compiled once.
pub(crate) struct Contexts {
    rating: AhoCorasick,
    sports: AhoCorasick,
}

impl Contexts {
    /// Compiles the word lists.
    pub(crate) fn new() -> Contexts {
        let build = |words: &[&str]| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(words)
                .expect("context word automaton builds")
        };
        Contexts {
            rating: build(RATING_WORDS),
            sports: build(SPORTS_WORDS),
        }
    }

    /// Heap bytes held.
    pub(crate) fn memory_usage(&self) -> usize {
        self.rating.memory_usage() + self.sports.memory_usage()
    }

    /// The 150 bytes around a mention speak of credit ratings.
    pub(crate) fn about_ratings(&self, text: &str, start: usize, end: usize) -> bool {
        let window = crate::text::window(text, start.saturating_sub(150), end.saturating_add(150));
        self.rating
            .find_iter(window)
            .any(|m| on_word_boundaries(window, m.start(), m.end()))
    }

    /// The title and body hold at least two words only sport uses.
    pub(crate) fn about_sport(&self, title: &str, body: &str) -> bool {
        let count = |t: &str| {
            self.sports
                .find_iter(t)
                .filter(|m| on_word_boundaries(t, m.start(), m.end()))
                .take(2)
                .count()
        };
        count(title) + count(body) >= 2
    }
}

/// Weather words and titles that are also names of systems ("Typhoon", "Tornado", the Senator
/// armoured vehicle).
const STORMS: &[&str] = &["Typhoon", "Tornado", "Hurricane", "Cyclone", "Senator"];

/// A storm's or a person's name: a weather word or title followed by a capitalised name
/// ("Typhoon Haiyan", "Senator Bill Bradley").
pub(crate) fn storm_at(text: &str, start: usize, end: usize) -> bool {
    let word = text.get(start..end).unwrap_or("");
    let next = text
        .get(end..)
        .and_then(|r| r.strip_prefix(' '))
        .unwrap_or("");
    let name: &str = next
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    STORMS.contains(&word)
        && name.chars().next().is_some_and(char::is_uppercase)
        && name.chars().skip(1).any(char::is_lowercase)
}

/// An ambiguous name right after a weather word is the storm's name ("Cyclone Dana",
/// "Typhoon Danas", "Storm Ciara"), whatever the sentence says about the army.
pub(crate) fn after_storm_word(text: &str, start: usize) -> bool {
    word_before(text, start).is_some_and(|w| STORMS.contains(&w) || w == "Storm")
}

/// Capitalised words that may follow a system's name without making it a person's or a
/// club's ("Harpoon Block II", "Spike Mk 2", "Typhoon Tranche 3").
const MODEL_WORDS: &[&str] = &[
    "Block",
    "Mk",
    "Mark",
    "Increment",
    "Batch",
    "Tranche",
    "Variant",
    "Series",
    "Missile",
    "Missiles",
    "System",
    "Systems",
    "Tank",
    "Tanks",
    "Battery",
    "Batteries",
    "Launcher",
    "Launchers",
    "Drone",
    "Drones",
    "Helicopter",
    "Helicopters",
    "Jet",
    "Jets",
    "Fighter",
    "Fighters",
    "Air",
    "Anti",
    "Rocket",
    "Rockets",
    "Howitzer",
    "Howitzers",
    "Vehicle",
    "Vehicles",
    "Armoured",
    "Armored",
    "Infantry",
    "Programme",
    "Program",
    "Interceptor",
    "Interceptors",
    "Coastal",
];

/// An ambiguous one-word name followed by a capitalised word that is not a model word reads as
/// a person's, club's or place's name ("Spike Lee", "Derby County", "Milan Kundera",
/// "Prithvi Shaw").
pub(crate) fn name_continues_at(text: &str, start: usize, end: usize) -> bool {
    let word = text.get(start..end).unwrap_or("");
    if !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let Some(next) = text.get(end..).and_then(|r| r.strip_prefix(' ')) else {
        return false;
    };
    let name = next
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    name.chars().next().is_some_and(char::is_uppercase)
        && name.chars().skip(1).any(char::is_lowercase)
        && !MODEL_WORDS.contains(&name)
}

/// A mention that reads as a team's name: capitalised and made plural by the match ("Patriots"
/// from "Patriot").
pub(crate) fn team_shaped(mention: &str, plural: bool) -> bool {
    plural && mention.chars().next().is_some_and(char::is_uppercase)
}

/// A class phrase written with a capital in mid-sentence ("Chevrolet Corvette", "the Blue
/// Bombers") names a product, team or title, not a kind of weapon. Acronyms ("SAM site", "IED")
/// and phrases at the start of a sentence or a quote are not affected.
pub(crate) fn proper_name_at(text: &str, start: usize, end: usize) -> bool {
    let phrase = text.get(start..end).unwrap_or("");
    let first_word = phrase.split([' ', '-']).next().unwrap_or("");
    let capitalised = first_word.chars().next().is_some_and(char::is_uppercase);
    let stem = first_word.strip_suffix('s').unwrap_or(first_word);
    let acronym = stem.len() > 1 && stem.chars().all(|c| !c.is_lowercase());
    if !capitalised || acronym {
        return false;
    }
    let before = text.get(..start).unwrap_or("").trim_end();
    !(before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '“', '(', '\n', '-']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickers() {
        let t = "Starwood (NYSE: HOT) and Exxon <XON> rose.";
        let at = |w: &str| t.find(w).unwrap();
        assert!(ticker_at(t, at("HOT"), at("HOT") + 3));
        assert!(ticker_at(t, at("XON"), at("XON") + 3));
        assert!(!ticker_at("the HOT missile", 4, 7));
    }

    #[test]
    fn ships() {
        let t = "USS Patriot and the cruiser Varyag met the Patriot battery.";
        assert!(ship_name_at(t, 4, false));
        assert!(ship_name_at(t, t.find("Varyag").unwrap(), true));
        assert!(!ship_name_at(t, t.rfind("Patriot").unwrap(), true));
    }

    #[test]
    fn storms() {
        let t = "Typhoon Haiyan hit the Philippines; Typhoon FGR4 jets flew.";
        assert!(storm_at(t, 0, 7));
        assert!(!storm_at(
            t,
            t.rfind("Typhoon").unwrap(),
            t.rfind("Typhoon").unwrap() + 7
        ));
    }

    #[test]
    fn storm_names_after_a_weather_word() {
        let text = "Cyclone Dana forced army units to move inland.";
        assert!(after_storm_word(text, 8));
        let text = "The army fired its Dana howitzers.";
        assert!(!after_storm_word(text, 19));
    }

    #[test]
    fn names_that_continue() {
        let t = "Spike Lee met Derby County fans; the Spike Block 2 and Spike missiles.";
        assert!(name_continues_at(t, 0, 5));
        let d = t.find("Derby").unwrap();
        assert!(name_continues_at(t, d, d + 5));
        let b = t.find("Spike Block").unwrap();
        assert!(!name_continues_at(t, b, b + 5));
        let m = t.rfind("Spike").unwrap();
        assert!(!name_continues_at(t, m, m + 5));
    }

    #[test]
    fn grades() {
        for g in ["B-2", "B1", "P-3", "F2", "Ba1"] {
            assert!(grade_shaped(g), "{g}");
        }
        for g in ["B-52", "F-35", "S-400", "b-2", "K9"] {
            assert!(!grade_shaped(g), "{g}");
        }
    }

    #[test]
    fn contexts() {
        let c = Contexts::new();
        let t = "The notes were rated B-2 by Moody's.";
        assert!(c.about_ratings(t, 21, 24));
        assert!(!c.about_ratings("Two B-2 bombers flew to Guam.", 4, 7));
        assert!(c.about_sport(
            "",
            "The Patriots beat the Jets; Brady scored late in overtime."
        ));
        assert!(!c.about_sport("", "Ukraine received two more Patriots from Germany."));
    }

    #[test]
    fn proper_names() {
        let t = "He drove a Chevrolet Corvette. Corvettes and a corvette sailed.";
        assert!(proper_name_at(t, 21, 29));
        assert!(!proper_name_at(t, 31, 40));
        assert!(!proper_name_at(
            t,
            t.rfind("corvette").unwrap(),
            t.len() - 8
        ));
        assert!(!proper_name_at("Russia moved a SAM site.", 15, 23));
    }
}
