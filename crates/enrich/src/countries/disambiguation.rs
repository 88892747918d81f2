//! Disambiguation from context: deciding, for each matched name, whether it means the country,
//! another country, or something else. Each rule is tested below; the context words live in
//! `data/countries/cues.tsv`.
//!
//! | rule | example | outcome |
//! |---|---|---|
//! | person names | "Michael Jordan", "Chad Smith", "Israel Katz"; then "Jordan scored" (a surname seen once is a surname everywhere; a first name too, unless the article names the country another way) | dropped |
//! | people contexts | "his friend Chad", "her son Israel", "a boy named Jordan" | dropped |
//! | Georgia, the US state | "Atlanta", "Ga.", "Gov. Brian Kemp", "state senator" | US (city) |
//! | turkey, the bird | "roast Turkey", "Turkey sandwich", "Thanksgiving" and no Turkish cue | dropped |
//! | china, the porcelain | "bone China", "China cabinet", "porcelain" and no Chinese cue | dropped |
//! | Korea | bare "Korea"/"Korean" with only North cues (DPRK, Pyongyang) | KP, else KR |
//! | Congo | bare "Congo"/"Congolese" with more Brazzaville than Kinshasa cues | CG, else CD |
//! | Washington | "Washington state" | US (city) |
//! | places elsewhere | "Paris, Texas", "Moscow, Idaho", "Tripoli, Lebanon" | dropped |
//! | "US" in capitals | "LET US GO" | dropped |
//! | Brussels for the EU | "Brussels proposed sanctions" with EU cues and no other Belgian cue (but not "in Brussels") | dropped |
//!
//! Phrases that are never the country ("New Mexico", "guinea pig", "Washington Post",
//! "George Washington", "Indian Ocean") are blocked earlier, in matching, by `blocks.tsv`.

use std::collections::HashSet;

use newswire_model::{Field, MentionKind};

use super::gazetteer::{Gazetteer, Target};
use super::matching::{Candidate, Matcher};
use crate::text::{at_sentence_start, char_at, is_capitalised, next_word, prev_word, window};

/// A matched mention on its way to the output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// Title or body, as the mention will be reported.
    pub field: Field,
    /// Byte offset where the mention starts in its field.
    pub start: usize,
    /// Byte offset just past the mention's end.
    pub end: usize,
    /// Index of the country in [`Gazetteer::countries`].
    pub country: usize,
    /// How the country is named (name, demonym, capital, ...).
    pub kind: MentionKind,
    /// Index of the pattern that matched.
    pub pattern: usize,
}

/// Which part of a person's name a country word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamePart {
    /// "Chad Smith", "Israel Katz".
    FirstName,
    /// "Michael Jordan", "Denzel Washington".
    Surname,
}

/// Cue groups counted over the whole article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    UsGeorgiaStrong,
    UsGeorgiaLocal,
    GeorgiaCountry,
    GeorgiaCountryWeak,
    TurkeyBird,
    TurkeyCountry,
    ChinaPorcelainDoc,
    KoreaNorth,
    KoreaSouth,
    CongoBrazzaville,
    CongoKinshasa,
    WashingtonState,
    EuMetonym,
}

const GROUPS: &[(Group, &str)] = &[
    (Group::UsGeorgiaStrong, "us_georgia_strong"),
    (Group::UsGeorgiaLocal, "us_georgia_local"),
    (Group::GeorgiaCountry, "georgia_country"),
    (Group::GeorgiaCountryWeak, "georgia_country_weak"),
    (Group::TurkeyBird, "turkey_bird"),
    (Group::TurkeyCountry, "turkey_country"),
    (Group::ChinaPorcelainDoc, "china_porcelain_doc"),
    (Group::KoreaNorth, "korea_north"),
    (Group::KoreaSouth, "korea_south"),
    (Group::CongoBrazzaville, "congo_brazzaville"),
    (Group::CongoKinshasa, "congo_kinshasa"),
    (Group::WashingtonState, "washington_state"),
    (Group::EuMetonym, "eu_metonym"),
];

/// The cue groups whose words the matcher searches for in the text.
pub fn scanned_groups() -> Vec<&'static str> {
    GROUPS.iter().map(|(_, name)| *name).collect()
}

/// Where one cue was found.
#[derive(Debug, Clone, Copy)]
struct CueHit {
    field: Field,
    start: usize,
    group: Group,
}

/// Cue hits of one article, computed only when a rule needs them.
struct DocCues {
    /// Hits in (field, start) order.
    hits: Vec<CueHit>,
    counts: [usize; GROUPS.len()],
}

impl DocCues {
    fn count(&self, group: Group) -> usize {
        GROUPS
            .iter()
            .position(|(g, _)| *g == group)
            .map_or(0, |i| self.counts[i])
    }
    fn count_near(&self, group: Group, field: Field, pos: usize, radius: usize) -> usize {
        let lo = (field, pos.saturating_sub(radius));
        let first = self.hits.partition_point(|h| (h.field, h.start) < lo);
        self.hits[first..]
            .iter()
            .take_while(|h| h.field == field && h.start <= pos.saturating_add(radius))
            .filter(|h| h.group == group)
            .count()
    }
}

/// The compiled rules.
pub struct Rules {
    /// For each cue group of the gazetteer, the rule group it feeds.
    group_of: Vec<Option<Group>>,
    /// Per pattern: its alias is also a common given name or surname.
    person_prone: Vec<bool>,
    person_not_before: HashSet<&'static str>,
    person_not_after: HashSet<&'static str>,
    places_elsewhere: Vec<&'static str>,
    china_before: HashSet<String>,
    china_after: HashSet<String>,
    us: Option<usize>,
    kp: Option<usize>,
    cg: Option<usize>,
}

/// Words that, right before a name, make it a person's given name ("his friend Chad").
const PEOPLE_BEFORE: &[&str] = &[
    "friend",
    "friends",
    "son",
    "daughter",
    "wife",
    "husband",
    "brother",
    "sister",
    "father",
    "mother",
    "dad",
    "mum",
    "mom",
    "boyfriend",
    "girlfriend",
    "partner",
    "fiance",
    "fiancé",
    "fiancee",
    "fiancée",
    "nephew",
    "niece",
    "cousin",
    "uncle",
    "aunt",
    "grandson",
    "granddaughter",
    "grandmother",
    "grandfather",
    "baby",
    "named",
    "called",
    "teammate",
    "captain",
    "skipper",
    "midfielder",
    "striker",
    "defender",
    "quarterback",
    "forward",
    "guard",
    "pitcher",
    "actor",
    "actress",
    "singer",
    "rapper",
];

const TURKEY_BIRD_BEFORE: &[&str] = &[
    "wild",
    "roast",
    "roasted",
    "smoked",
    "thanksgiving",
    "christmas",
    "sliced",
    "whole",
    "frozen",
    "stuffed",
    "brined",
    "carved",
    "deep-fried",
];
const TURKEY_BIRD_AFTER: &[&str] = &[
    "sandwich",
    "sandwiches",
    "breast",
    "breasts",
    "burger",
    "burgers",
    "dinner",
    "dinners",
    "leg",
    "legs",
    "farm",
    "farms",
    "farmer",
    "farmers",
    "hunting",
    "hunters",
    "vulture",
    "vultures",
    "meat",
    "slices",
    "gravy",
    "feathers",
    "trot",
    "pardon",
    "pardoning",
    "prices",
    "producers",
    "flock",
    "flocks",
    "eggs",
    "poults",
];

impl Rules {
    /// Compiles the rules against this gazetteer's countries and cue groups.
    pub fn new(g: &Gazetteer) -> Rules {
        let group_of = g
            .cue_groups
            .iter()
            .map(|name| GROUPS.iter().find(|(_, n)| n == name).map(|(grp, _)| *grp))
            .collect();
        let set = |name: &str| g.cues(name).iter().copied().collect::<HashSet<_>>();
        let lower = |name: &str| {
            g.cues(name)
                .iter()
                .map(|s| s.to_lowercase())
                .collect::<HashSet<_>>()
        };
        let idx = |code: &str| g.country_index(code);
        Rules {
            group_of,
            person_prone: {
                let names = set("person_prone");
                g.patterns.iter().map(|p| names.contains(p.alias)).collect()
            },
            person_not_before: set("person_not_before"),
            person_not_after: set("person_not_after"),
            places_elsewhere: g.cues("us_states").to_vec(),
            china_before: lower("china_porcelain_before"),
            china_after: lower("china_porcelain_after"),
            us: idx("US"),
            kp: idx("KP"),
            cg: idx("CG"),
        }
    }

    fn doc_cues(&self, g: &Gazetteer, matcher: &Matcher, title: &str, body: &str) -> DocCues {
        let mut cue_hits: Vec<(Field, Candidate)> = Vec::new();
        let mut found = Vec::new();
        for (field, text) in [(Field::Title, title), (Field::Body, body)] {
            found.clear();
            matcher.find_cues(text, &mut found);
            cue_hits.extend(found.iter().map(|c| (field, *c)));
        }
        let hits: Vec<CueHit> = cue_hits
            .iter()
            .filter_map(|(field, c)| match g.patterns.get(c.pattern)?.target {
                Target::Cue(i) => Some(CueHit {
                    field: *field,
                    start: c.start,
                    group: (*self.group_of.get(i)?)?,
                }),
                _ => None,
            })
            .collect();
        let mut counts = [0; GROUPS.len()];
        for h in &hits {
            if let Some(i) = GROUPS.iter().position(|(g, _)| *g == h.group) {
                counts[i] += 1;
            }
        }
        DocCues { hits, counts }
    }

    /// Applies every rule to `found` (in text order per field), dropping or re-targeting
    /// mentions in place.
    ///
    /// The context words are searched for (once, with `matcher`) only when a rule needs them.
    pub fn apply(
        &self,
        g: &Gazetteer,
        matcher: &Matcher,
        title: &str,
        body: &str,
        found: &mut Vec<Found>,
    ) {
        let text_of = |f: Field| if f == Field::Title { title } else { body };
        let title_case = is_title_case(title);
        let mut cues: Option<DocCues> = None;
        let mut dc: Option<bool> = None;
        let mut person_aliases: Vec<&str> = Vec::new();
        // Every name seen as part of a person's name, for the title below.
        let mut first_names: Vec<&str> = Vec::new();
        // Names seen in the name of an office holder ("Defence Minister Israel Katz").
        let mut officials: Vec<&str> = Vec::new();
        let mut keep = vec![true; found.len()];
        // "Does the article name this country in another way than `alias`?", computed once per
        // (country, alias) so that rules stay linear in the number of mentions.
        let mut other_ways: Vec<(usize, &str, bool)> = Vec::new();
        let mut names_otherwise = |country: usize, alias: &'static str, found: &[Found]| -> bool {
            if let Some(&(_, _, v)) = other_ways
                .iter()
                .find(|(c, a, _)| *c == country && *a == alias)
            {
                return v;
            }
            let v = found
                .iter()
                .any(|o| o.country == country && g.patterns[o.pattern].alias != alias);
            other_ways.push((country, alias, v));
            v
        };

        for i in 0..found.len() {
            let f = found[i];
            let text = text_of(f.field);
            let alias = g.patterns[f.pattern].alias;
            let in_title_case = f.field == Field::Title && title_case;

            // Person names.
            if self.person_prone.get(f.pattern).copied().unwrap_or(false) && !in_title_case {
                if let Some(part) = self.person_name_part(text, f.start, f.end) {
                    keep[i] = false;
                    // "Defence Minister Israel Katz": an office holder's name keeps the country
                    // in play, so the given name alone elsewhere may still be the country.
                    if after_office(text, f.start) && !officials.contains(&alias) {
                        officials.push(alias);
                    }
                    // A surname is how the person is named again ("Michael Jordan ... Jordan
                    // scored"); a first name is not ("Israel Katz ... Katz said ... Israel").
                    if part == NamePart::Surname && !person_aliases.contains(&alias) {
                        person_aliases.push(alias);
                    }
                    if !first_names.contains(&alias) {
                        first_names.push(alias);
                    }
                    continue;
                }
            }

            // A place followed by ", <US state or province>" or ", <another country>".
            if matches!(f.kind, MentionKind::City | MentionKind::Capital)
                && self.place_is_elsewhere(text, f, found.get(i + 1))
            {
                keep[i] = false;
                continue;
            }

            let code = g.countries[f.country].code;
            match (code, alias) {
                ("GE", "Georgia" | "Georgian") => {
                    let cues = cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                    if georgia_is_us_state(cues, f) {
                        match (alias, self.us) {
                            ("Georgia", Some(us)) => {
                                found[i].country = us;
                                found[i].kind = MentionKind::City;
                            }
                            _ => keep[i] = false,
                        }
                    }
                }
                ("TR", "Turkey") => {
                    // Local evidence first; the article's cues are searched only when needed.
                    let other_tr = names_otherwise(f.country, "Turkey", found);
                    let bird = turkey_bird_nearby(text, f)
                        || (!other_tr && !is_possessive(text, f.end) && {
                            let cues =
                                cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                            cues.count(Group::TurkeyBird) > 0
                                && cues.count(Group::TurkeyCountry) == 0
                        });
                    if bird {
                        keep[i] = false;
                    }
                }
                ("CN", "China") => {
                    let other_cn = names_otherwise(f.country, "China", found);
                    let porcelain = self.china_porcelain_nearby(text, f)
                        || (!other_cn && {
                            let cues =
                                cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                            cues.count(Group::ChinaPorcelainDoc) > 0
                        });
                    if porcelain {
                        keep[i] = false;
                    }
                }
                ("KR", "Korea" | "Korean") => {
                    let cues = cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                    if cues.count(Group::KoreaNorth) > 0 && cues.count(Group::KoreaSouth) == 0 {
                        if let Some(kp) = self.kp {
                            found[i].country = kp;
                        }
                    }
                }
                ("CD", "Congo" | "Congolese") => {
                    let cues = cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                    if cues.count(Group::CongoBrazzaville) > cues.count(Group::CongoKinshasa) {
                        if let Some(cg) = self.cg {
                            found[i].country = cg;
                        }
                    }
                }
                ("US", "Washington") => {
                    let state = next_word(text, f.end)
                        .is_some_and(|(s, e)| matches!(&text[s..e], "state" | "State"));
                    let state = state
                        || (!*dc.get_or_insert_with(|| mentions_dc(body)) && {
                            let cues =
                                cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                            cues.count(Group::WashingtonState) > 0
                        });
                    if state {
                        found[i].kind = MentionKind::City;
                    }
                }
                ("US", "US") if shouting(text, f.start, f.end) => keep[i] = false,
                ("BE", "Brussels") => {
                    let belgium = names_otherwise(f.country, "Brussels", found);
                    if !belgium && !after_in_or_at(text, f.start) && {
                        let cues =
                            cues.get_or_insert_with(|| self.doc_cues(g, matcher, title, body));
                        cues.count(Group::EuMetonym) > 0
                    } {
                        keep[i] = false;
                    }
                }
                _ => {}
            }
        }

        // A name seen as a person once is a person everywhere in the article ("Jordan scored");
        // a given name too ("Chad Daybell ... Chad married"), unless the article names the
        // country another way ("Israel Katz ... Israeli troops ... Israel").
        if !person_aliases.is_empty() || !first_names.is_empty() {
            for (i, f) in found.iter().enumerate() {
                let alias = g.patterns[f.pattern].alias;
                let given = first_names.contains(&alias)
                    && !officials.contains(&alias)
                    && !names_otherwise(f.country, alias, found);
                if person_aliases.contains(&alias) || given {
                    keep[i] = false;
                }
            }
        }
        // A title in title case gives no case clues ("Jordan Peterson To Tour Europe"): there,
        // any name the body showed to be a person's is a person's.
        if title_case && !first_names.is_empty() {
            for (i, f) in found.iter().enumerate() {
                if f.field == Field::Title && first_names.contains(&g.patterns[f.pattern].alias) {
                    keep[i] = false;
                }
            }
        }
        let mut k = keep.iter();
        found.retain(|_| *k.next().unwrap_or(&true));
    }

    /// "Michael Jordan", "Chad Smith": a capitalised word right before (that does not start a
    /// sentence and is not a title or geographic word), or right after (that is not an
    /// institution word such as "Times" or "Defense").
    fn person_name_part(&self, text: &str, start: usize, end: usize) -> Option<NamePart> {
        if let Some((s, e)) = prev_word(text, start) {
            let w = &text[s..e];
            let adjacent = text.get(e..start).is_some_and(|gap| gap == " ");
            if adjacent && PEOPLE_BEFORE.contains(&w) {
                return Some(NamePart::FirstName);
            }
            // At the start of a sentence the word before may be an adverb or adjective
            // ("Landlocked Chad", "Meanwhile Jordan"), so only a plain word counts there.
            let plain = !at_sentence_start(text, s)
                || !["ly", "ing", "ed", "ful", "ous", "ern", "ese", "ian", "ish"]
                    .iter()
                    .any(|suffix| w.ends_with(suffix));
            if adjacent && is_capitalised(w) && plain && !self.person_not_before.contains(w) {
                return Some(NamePart::Surname);
            }
        }
        if char_at(text, end) == Some(' ') {
            // Name particles: "Chad le Clos", "Georgia van Dijk".
            if let Some((s, e)) = next_word(text, end) {
                let particle = matches!(
                    &text[s..e],
                    "le" | "la" | "de" | "da" | "di" | "du" | "del" | "van" | "von" | "der" | "bin"
                );
                if particle
                    && char_at(text, e) == Some(' ')
                    && next_word(text, e).is_some_and(|(s2, e2)| is_capitalised(&text[s2..e2]))
                {
                    return Some(NamePart::FirstName);
                }
            }
            if let Some((s, e)) = next_word(text, end) {
                let w = text[s..e].trim_end_matches('.');
                let w_dot = &text[s..e];
                if is_capitalised(w)
                    && !self.person_not_after.contains(w)
                    && !self.person_not_after.contains(w_dot)
                    && !w.ends_with("'s")
                    && !w.ends_with("’s")
                {
                    return Some(NamePart::FirstName);
                }
            }
        }
        None
    }

    /// "Paris, Texas", "Moscow, Idaho", "Tripoli, Lebanon".
    fn place_is_elsewhere(&self, text: &str, f: Found, next: Option<&Found>) -> bool {
        let Some(after) = text.get(f.end..) else {
            return false;
        };
        let Some(rest) = after.strip_prefix(", ") else {
            return false;
        };
        let state = self.places_elsewhere.iter().any(|s| {
            rest.starts_with(s)
                && !rest[s.len()..]
                    .chars()
                    .next()
                    .is_some_and(crate::text::is_word_char)
        });
        let other_country = next.is_some_and(|n| {
            n.field == f.field
                && n.start == f.end + 2
                && n.country != f.country
                && matches!(n.kind, MentionKind::Name | MentionKind::Abbreviation)
        });
        state || other_country
    }

    /// "bone China", "China cabinet".
    fn china_porcelain_nearby(&self, text: &str, f: Found) -> bool {
        let before = prev_word(text, f.start)
            .is_some_and(|(s, e)| self.china_before.contains(&text[s..e].to_lowercase()));
        let after = next_word(text, f.end)
            .is_some_and(|(s, e)| self.china_after.contains(&text[s..e].to_lowercase()));
        before || after
    }
}

/// Georgia the US state. Cues near the mention (within [`NEAR`] bytes: Atlanta, "Ga.", Gov.
/// Kemp, governor, state senator, county) are weighed against the country's cues near it
/// (Tbilisi, Abkhazia, Georgian Dream, the Caucasus weigh two; Russia, the Black Sea one); when they tie (usually: none), the same
/// weighing over the whole article decides. Ties there too mean the country.
fn georgia_is_us_state(cues: &DocCues, f: Found) -> bool {
    let near = |g| cues.count_near(g, f.field, f.start, NEAR);
    let local_us = 2 * near(Group::UsGeorgiaStrong) + near(Group::UsGeorgiaLocal);
    let local_country = 2 * near(Group::GeorgiaCountry) + near(Group::GeorgiaCountryWeak);
    if local_us != local_country {
        return local_us > local_country;
    }
    let us = 2 * cues.count(Group::UsGeorgiaStrong) + local_us;
    let country = 2 * cues.count(Group::GeorgiaCountry) + cues.count(Group::GeorgiaCountryWeak);
    us > country
}

/// How far around a mention its own context reaches, in bytes (about a sentence).
const NEAR: usize = 80;

/// "roast Turkey", "Turkey sandwich". (Elsewhere, bird cues such as Thanksgiving or poultry
/// count only when nothing points to the country: no other name of it, no "Turkey's".)
fn turkey_bird_nearby(text: &str, f: Found) -> bool {
    let before = prev_word(text, f.start)
        .is_some_and(|(s, e)| TURKEY_BIRD_BEFORE.contains(&text[s..e].to_lowercase().as_str()));
    let after = next_word(text, f.end)
        .is_some_and(|(s, e)| TURKEY_BIRD_AFTER.contains(&text[s..e].to_lowercase().as_str()));
    before || after
}

/// "Turkey's parliament": a possessive is the country's, whatever the season.
fn is_possessive(text: &str, end: usize) -> bool {
    text.get(end..)
        .is_some_and(|rest| rest.starts_with("'s") || rest.starts_with("’s"))
}

/// Titles of office that, right before a person's name, tie the person to a state.
const OFFICES: &[&str] = &[
    "Minister",
    "President",
    "Premier",
    "Chancellor",
    "Secretary",
    "Ambassador",
    "Envoy",
    "General",
    "Gen.",
    "Commander",
    "Chief",
    "Spokesman",
    "Spokeswoman",
    "Speaker",
    "Senator",
    "Governor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Sheikh",
    "Emir",
    "Mayor",
    "Justice",
    "Judge",
];

/// A title of office right before the name ("Minister Israel Katz").
fn after_office(text: &str, start: usize) -> bool {
    prev_word(text, start).is_some_and(|(s, e)| {
        text.get(e..start) == Some(" ") && text.get(s..e).is_some_and(|w| OFFICES.contains(&w))
    })
}

/// "in Brussels", "at Brussels": the place, not the institution.
fn after_in_or_at(text: &str, start: usize) -> bool {
    prev_word(text, start).is_some_and(|(s, e)| {
        text.get(e..start) == Some(" ") && matches!(&text[s..e], "in" | "at" | "In" | "At")
    })
}

fn mentions_dc(body: &str) -> bool {
    [
        "D.C.",
        "White House",
        "Congress",
        "Capitol",
        "Pentagon",
        "federal government",
    ]
    .iter()
    .any(|s| body.contains(s))
}

/// "US" amid words in capitals ("LET US GO") is the pronoun.
fn shouting(text: &str, start: usize, end: usize) -> bool {
    let around = window(text, start.saturating_sub(24), end.saturating_add(24));
    let letters: Vec<char> = around.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 12 && letters.iter().all(|c| c.is_uppercase())
}

/// A headline in title case ("Israel Says Jordan Must Act"): most longer words capitalised.
fn is_title_case(title: &str) -> bool {
    let words: Vec<&str> = title
        .split_whitespace()
        .filter(|w| w.chars().count() >= 4 && w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    words.len() >= 3
        && words
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count()
            * 10
            >= words.len() * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_detection() {
        assert!(is_title_case("Israel Says Jordan Must Act Now"));
        assert!(!is_title_case(
            "Turkish official casts doubt on report of new Russian sale"
        ));
        assert!(!is_title_case(""));
    }

    #[test]
    fn shouting_us() {
        let t = "PLEASE LET US KNOW WHAT YOU THINK";
        let i = t.find("US").unwrap();
        assert!(shouting(t, i, i + 2));
        let t = "The US and Turkey met";
        assert!(!shouting(t, 4, 6));
    }

    #[test]
    fn targets_are_countries() {
        // Rules re-target only to existing countries.
        let g = Gazetteer::load();
        let r = Rules::new(&g);
        for i in [r.us, r.kp, r.cg] {
            assert!(i.is_some());
        }
        assert!(g.patterns.iter().any(|p| p.target == Target::Block));
    }
}
