//! Sanctions events: who sanctions whom, how, and whether it happened.
//!
//! [`SanctionsExtractor`] runs these stages per article, with the country mentions already
//! found by the country recogniser (names, demonyms, capitals and seats resolve to states) and
//! the blocs and agencies of `actors.tsv`:
//!
//! 1. `triggers`: the prefilter stems of `words.tsv` pick the sentences worth reading (most
//!    have none, and only these reach the linguistic layer); the lexicon's trigger phrases
//!    ("sanctions", "embargo", "asset freeze", "Entity List", programmes such as CAATSA) pick
//!    the clauses; two distant triggers split a clause.
//! 2. `structure`: trigger sentences are analysed by `newswire_nlp::analyse` (tags and chunks);
//!    its passive verb groups are mapped onto the sanctions tokens.
//! 3. `roles` (action and roles): the action cue nearest the trigger, with modality ("could
//!    face", "is considering" make a threat; a proposed or vetoed package is a threat) and
//!    negation scope (a negated join is an oppose); then imposers from agent phrases ("by X
//!    and Y"), premodifiers and possessors ("the EU's planned package of sanctions"), the
//!    subject of a relative clause on the trigger ("the sanctions that X keeps imposing") and
//!    the subject; targets from the object phrase (lists and demonyms inside it, "anti-X"), a
//!    passive subject or who joins a list, and, when the imposer is known but no rule named a
//!    target, the first actor of the object region (not an agent, a reason or the place of a
//!    war). Coordination extends both sides. Sectors anywhere in the relation's clause;
//!    programmes. Evade and oppose keep their own role conventions (see the dev set's README):
//!    whose sanctions are evaded may be a bloc among the parties or a subject acting on the
//!    evaders. One clause can give two relations: "ended the ban it had imposed" (lift and
//!    impose), "has not joined Western sanctions" (oppose and the regime), a clause "in
//!    reply/response/retaliation to" sanctions (their target is the retaliator).
//! 4. Target entities: the [`entities::EntityRecognizer`] names in the relation's region and in
//!    the sentence right after it (also when that sentence has a trigger but states no
//!    relation); their countries join the targets.
//! 5. `discourse`: an unnamed side is the actor last named in that role in the article
//!    ("It also blacklisted ...", "The measures target ...").
//! 6. `events`: drafts merge into events; partial ones give way to complete ones; CAATSA is
//!    inferred where the law applies.
//!
//! Every word list is a data file under `data/sanctions/` read by the strict loader of `data`.

mod data;
mod discourse;
pub mod entities;
mod events;
mod lexicon;
mod roles;
mod structure;
mod tokens;
mod triggers;
mod words;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use newswire_model::{
    CountryTag, Evidence, Field, MentionKind, SanctionAction, SanctionsEvent, TargetEntity,
};

use crate::sentences::Fields;
use events::{infer_caatsa, merge, push, Draft};
use lexicon::{Entry, PhraseTable};
use tokens::{tokenize, words as token_words, Tok};
use triggers::{clauses, split_at_second_trigger};
use words::{is, Class::*};

pub use data::DataError;

/// Data files compiled into this module: `(name, contents)`.
pub const DATA_FILES: &[(&str, &str)] = &[
    ("sanctions/lexicon.tsv", lexicon::LEXICON_TSV),
    ("sanctions/sectors.tsv", lexicon::SECTORS_TSV),
    ("sanctions/actors.tsv", lexicon::ACTORS_TSV),
    ("sanctions/programs.tsv", lexicon::PROGRAMS_TSV),
    ("sanctions/words.tsv", words::WORDS_TSV),
];

fn skippable(word: &str) -> bool {
    is(Determiner, word)
        || is(Quantity, word)
        || (!word.is_empty() && word.bytes().all(|b| b.is_ascii_digit() || b == b','))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActorKind {
    Name,
    Abbreviation,
    Demonym,
    Metonym,
    Bloc,
}

#[derive(Debug, Clone)]
struct Actor<'a> {
    /// Borrowed from the country tags or the actor lexicon: no copy per sentence.
    code: &'a str,
    kind: ActorKind,
    /// Token range `[first, last)`.
    first: usize,
    last: usize,
    possessive: bool,
}

/// Extracts sanctions events. Build once; immutable and shareable.
pub struct SanctionsExtractor {
    phrases: PhraseTable,
    prefilter: AhoCorasick,
    actors: AhoCorasick,
    actor_codes: Vec<(String, bool)>,
    programs: AhoCorasick,
    program_info: Vec<(String, String)>,
    /// Words that can refer back to an earlier event (the anaphor triggers of the lexicon).
    anaphora: AhoCorasick,
}

impl Default for SanctionsExtractor {
    fn default() -> Self {
        Self::new()
    }
}

impl SanctionsExtractor {
    /// Builds the lexicons and automata compiled into the crate.
    pub fn new() -> Self {
        // The shipped files are checked by unit tests; they cannot fail here.
        let phrases = lexicon::load().expect("the shipped lexicon loads");
        let prefilter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(words::words().prefilter())
            .expect("prefilter builds");
        let mut actor_patterns = Vec::new();
        let mut actor_codes = Vec::new();
        let actor_rows = lexicon::data_rows("sanctions/actors.tsv", lexicon::ACTORS_TSV, 3, 3)
            .expect("the shipped actors.tsv loads");
        for (_, cols) in actor_rows {
            actor_patterns.push(cols[0].to_string());
            actor_codes.push((cols[1].to_string(), cols[2] == "bloc"));
        }
        let actors = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&actor_patterns)
            .expect("actor automaton builds");
        let mut program_patterns = Vec::new();
        let mut program_info = Vec::new();
        let program_rows =
            lexicon::data_rows("sanctions/programs.tsv", lexicon::PROGRAMS_TSV, 3, 3)
                .expect("the shipped programs.tsv loads");
        for (_, cols) in program_rows {
            program_patterns.push(cols[0].to_string());
            program_info.push((cols[1].to_string(), cols[2].to_string()));
        }
        let programs = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&program_patterns)
            .expect("program automaton builds");
        let anaphor_words: Vec<String> =
            lexicon::data_rows("sanctions/lexicon.tsv", lexicon::LEXICON_TSV, 2, 3)
                .expect("the shipped lexicon loads")
                .into_iter()
                .filter(|(_, c)| c[0] == "trigger" && c.get(2) == Some(&"anaphor"))
                .map(|(_, c)| c[1].to_string())
                .collect();
        let anaphora = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&anaphor_words)
            .expect("anaphora automaton builds");
        // The entity recogniser is built here, once, rather than inside the first article's
        // enrichment (it is shared by every extractor of the process).
        entities::EntityRecognizer::shared();
        SanctionsExtractor {
            anaphora,
            phrases,
            prefilter,
            actors,
            actor_codes,
            programs,
            program_info,
        }
    }

    /// Sanctions events in an article, in text order. `countries` are the article's country
    /// tags; their mentions give the actors. Never panics.
    pub fn extract(
        &self,
        title: &str,
        body: &str,
        countries: &[CountryTag],
    ) -> Vec<SanctionsEvent> {
        self.extract_fields(&Fields::new(title, body), countries)
    }

    /// As [`Self::extract`], on sentences that may already be split.
    pub(crate) fn extract_fields(
        &self,
        fields: &Fields<'_>,
        countries: &[CountryTag],
    ) -> Vec<SanctionsEvent> {
        let mut drafts: Vec<Draft> = Vec::new();
        // The sentence counter of the last event and its index in `drafts`, for anaphora.
        let mut last: Option<(usize, usize)> = None;
        // The same for the last event that can take the names of the next sentence (impose,
        // threaten, lift: "The list includes X and Y"), which may not be the last event read.
        let mut named: Option<(usize, usize)> = None;
        let mut sentence_no = 0usize;
        let mut memory = discourse::Memory::default();
        for field in [Field::Title, Field::Body] {
            let text = fields.text(field);
            if text.is_empty() {
                continue;
            }
            // One prefilter pass: which sentences hold a sanctions-like stem.
            let mut stems = self.prefilter.find_iter(text).map(|m| m.start()).peekable();
            // Nothing sanctions-like in the field and no event to refer back to: skip it.
            if last.is_none() && stems.peek().is_none() {
                continue;
            }
            let spans = fields.sentences(field);
            let mut hot = vec![false; spans.len()];
            for start in stems {
                let i = spans.partition_point(|&(_, e)| e <= start);
                if let Some(h) = hot.get_mut(i) {
                    *h = true;
                }
            }
            let spans_all = self.field_actors(text, field, countries);
            for (si, &(s, e)) in spans.iter().enumerate() {
                sentence_no += 1;
                let recent = last
                    .as_ref()
                    .is_some_and(|(n, _)| sentence_no.saturating_sub(*n) <= 3);
                // Right after an event, a sentence without a trigger still counts when it refers
                // back ("The measures were lifted").
                if !hot[si] && (!recent || self.anaphora.find(&text[s..e]).is_none()) {
                    // The sentence right after an event often lists whom it hit ("Among those
                    // named are X and Y"): its names join that event.
                    let right_after = named.is_some_and(|(n, _)| n + 1 == sentence_no);
                    if let Some(d) = named
                        .filter(|_| right_after)
                        .and_then(|(_, i)| drafts.get_mut(i))
                    {
                        self.follow_up_entities(text, field, s, e, &spans_all, d);
                    }
                    continue;
                }
                let found = self.sentence(
                    text,
                    field,
                    s,
                    e,
                    &spans_all,
                    last.filter(|_| recent).and_then(|(_, i)| drafts.get(i)),
                );
                let mut found = found;
                // A trigger sentence that states no relation of its own can still list whom
                // the last one hit ("... a list of officials barred from entering, among them X").
                if found.is_empty() && named.is_some_and(|(n, _)| n + 1 == sentence_no) {
                    if let Some(d) = named.and_then(|(_, i)| drafts.get_mut(i)) {
                        self.follow_up_entities(text, field, s, e, &spans_all, d);
                    }
                }
                for d in &mut found {
                    memory.fill(d);
                    memory.remember(d);
                }
                // Targets given by the opposer are remembered too (in order, as above).
                if discourse::Memory::self_targeted(&mut found) {
                    found.iter().for_each(|d| memory.remember(d));
                }
                if !found.is_empty() {
                    last = Some((sentence_no, drafts.len() + found.len() - 1));
                }
                named = found
                    .iter()
                    .rposition(|d| takes_names(d.action))
                    .map(|i| (sentence_no, drafts.len() + i))
                    .or(named);
                drafts.extend(found);
            }
        }
        discourse::Memory::forward_oppose_targets(&mut drafts);
        infer_caatsa(&mut drafts, countries);
        merge(drafts)
    }

    /// The events of one sentence `text[s..e]`.
    fn sentence(
        &self,
        text: &str,
        field: Field,
        s: usize,
        e: usize,
        field_actors: &[ActorSpan<'_>],
        previous: Option<&Draft>,
    ) -> Vec<Draft> {
        let toks = tokenize(&text[s..e], s);
        if toks.is_empty() {
            return Vec::new();
        }
        let lower = text[s..e].to_ascii_lowercase();
        let words: Vec<&str> = token_words(&toks, &lower, s);
        // Every lexicon hit of the sentence, once: (token, length, entry).
        let mut all_hits: Vec<(usize, usize, &Entry)> = Vec::new();
        for i in 0..words.len() {
            for (len, entry) in self.phrases.at(&words, i) {
                all_hits.push((i, len, entry));
            }
        }
        // Sport sentences are not about state sanctions.
        if all_hits.iter().any(|(_, _, e)| **e == Entry::Sport) {
            return Vec::new();
        }
        let actors = actors_in(text, s, e, &toks, field_actors);
        let programs = self.programs_in(&text[s..e], &lower, s);
        let evidence = Evidence {
            field,
            start: s,
            end: e,
        };
        let mut out = Vec::new();
        // The event the next clause may refer back to: `previous`, or one of `out` by index.
        let mut prev: Option<usize> = None;
        let parse = structure::Parse::new(&text[s..e], s, &toks, &words);
        let mut ranges = Vec::new();
        for (c0, c1) in clauses(&words) {
            ranges.extend(split_at_second_trigger(&all_hits, &words, c0, c1));
        }
        for (c0, c1) in ranges {
            let c0 = relative_antecedent(&words, &actors, c0);
            let clause_actors: Vec<&Actor> = actors
                .iter()
                .filter(|a| a.first >= c0 && a.last <= c1)
                .collect();
            let clause_programs: Vec<(String, String)> = programs
                .iter()
                .filter(|(_, start, _)| *start >= toks[c0].start && *start < toks[c1 - 1].end)
                .map(|(p, _, imp)| (p.clone(), imp.clone()))
                .collect();
            let found = self.clause(&roles::ClauseCtx {
                toks: &toks,
                words: &words,
                hits: all_hits
                    .iter()
                    .copied()
                    .filter(|&(i, len, _)| i >= c0 && i + len <= c1)
                    .collect(),
                c0,
                c1,
                actors: &clause_actors,
                programs: &clause_programs,
                program_start: programs
                    .iter()
                    .map(|(_, start, _)| *start)
                    .find(|&start| start >= toks[c0].start && start < toks[c1 - 1].end),
                previous: prev.map_or(previous, |i| out.get(i)),
                evidence: &evidence,
                parse: &parse,
            });
            let mut found = found;
            if let Some(answerer) = prev.and_then(|i| out.get(i)) {
                answered_targets(&words, c0, &answerer.imposers, &mut found);
            }
            let pick = found
                .iter()
                .position(|d| d.action == SanctionAction::Impose)
                .or((!found.is_empty()).then_some(0));
            if let Some(p) = pick {
                prev = Some(out.len() + p);
            }
            out.extend(found);
        }
        if !out.is_empty() {
            self.attach_entities(&text[s..e], field, s, &actors, &toks, &mut out);
        }
        out
    }

    /// Adds the named entities of the trigger-less sentence `text[s..e]` that follows `d`'s
    /// sentence to `d` (impose, threaten and lift only), with their countries as targets.
    fn follow_up_entities(
        &self,
        text: &str,
        field: Field,
        s: usize,
        e: usize,
        spans: &[ActorSpan<'_>],
        d: &mut Draft,
    ) {
        if !takes_names(d.action) {
            return;
        }
        let toks = tokenize(&text[s..e], s);
        let actors = actors_in(text, s, e, &toks, spans);
        // attach_entities reads only the action, the imposers and the region, and whatever it
        // adds is merged into `d` below: a copy of the imposers is all it needs.
        let mut one = [Draft {
            imposers: d.imposers.clone(),
            targets: Vec::new(),
            action: d.action,
            negated: d.negated,
            sectors: Vec::new(),
            programs: Vec::new(),
            evidence: d.evidence.clone(),
            region: (s, e),
            target_entities: Vec::new(),
            outsider: d.outsider,
        }];
        self.attach_entities(&text[s..e], field, s, &actors, &toks, &mut one);
        let [extra] = one;
        for c in extra.targets {
            push(&mut d.targets, &c);
        }
        for t in extra.target_entities {
            if !d.target_entities.iter().any(|x| x.text == t.text) {
                d.target_entities.push(t);
            }
        }
    }

    /// A name right before a reporting verb is who speaks, not a target ("..., President X
    /// said").
    fn speaker(&self, sentence: &str, base: usize, m: &entities::EntityMention) -> bool {
        let rest = sentence.get(m.span.end - base..).unwrap_or("").trim_start();
        let next: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        self.phrases.single_is(&next, |e| *e == Entry::Report)
    }

    /// Fills each draft's target entities from the named entities written in its region, and
    /// adds their countries to its targets ("designated Sovcomflot" targets Russia).
    fn attach_entities(
        &self,
        sentence: &str,
        field: Field,
        base: usize,
        actors: &[Actor<'_>],
        toks: &[Tok],
        drafts: &mut [Draft],
    ) {
        // Only the text from the first relation's region on can hold its entities (speed).
        let from = drafts
            .iter()
            .map(|d| d.region.0)
            .min()
            .unwrap_or(base)
            .clamp(base, base + sentence.len());
        let Some(rest) = sentence.get(from - base..) else {
            return;
        };
        // The country mentions from there on, as byte ranges: one Vec.
        let countries: Vec<(std::ops::Range<usize>, &str)> = actors
            .iter()
            .map(|a| (toks[a.first].start..toks[a.last - 1].end, a.code))
            .filter(|(r, _)| r.start >= from)
            .collect();
        // No capitalised word outside the country mentions: no name to find (speed).
        let named = toks.iter().filter(|t| t.start >= from).any(|t| {
            let capital = sentence
                .get(t.start - base..)
                .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()));
            capital && !countries.iter().any(|(r, _)| r.contains(&t.start))
        });
        if !named {
            return;
        }
        let found = entities::EntityRecognizer::shared().find(rest, from, &countries);
        for d in drafts.iter_mut() {
            if d.action == SanctionAction::Oppose {
                continue;
            }
            // Names after the trigger anywhere in the sentence are the relation's targets
            // ("..., among them X and Y"); their countries count only inside the clause.
            for m in found
                .iter()
                .filter(|m| m.span.start >= d.region.0 && !self.speaker(sentence, base, m))
            {
                let inside = m.span.end <= d.region.1;
                if let Some(c) = m.country.as_ref().filter(|_| inside) {
                    if !d.imposers.contains(c) && d.action != SanctionAction::Evade {
                        push(&mut d.targets, c);
                    }
                }
                d.target_entities.push(TargetEntity {
                    text: sentence
                        .get(m.span.start - base..m.span.end - base)
                        .unwrap_or("")
                        .to_string(),
                    kind: m.kind,
                    country: m.country.clone(),
                    field,
                    start: m.span.start,
                    end: m.span.end,
                });
            }
        }
    }

    /// Country, bloc and agency mentions of a field, sorted by position: blocs and agencies
    /// from `actors.tsv`, then country mentions not covered by one ("Brussels" is the EU, "U.S.
    /// Treasury" an agency).
    fn field_actors<'a>(
        &'a self,
        text: &str,
        field: Field,
        countries: &'a [CountryTag],
    ) -> Vec<ActorSpan<'a>> {
        let mut spans: Vec<ActorSpan<'a>> = Vec::new();
        for m in self.actors.find_iter(text) {
            let (bs, be) = (m.start(), m.end());
            if !crate::text::on_word_boundaries(text, bs, be) {
                continue;
            }
            let (code, _) = &self.actor_codes[m.pattern().as_usize()];
            if code == "WEST" && !west_is_bloc(text, be) {
                continue;
            }
            spans.push((bs, be, code.as_str(), ActorKind::Bloc));
        }
        let blocs = spans.len();
        for c in countries {
            for m in &c.mentions {
                if m.field != field || m.end > text.len() || m.start >= m.end {
                    continue;
                }
                let kind = match m.kind {
                    MentionKind::Name | MentionKind::FormerName => ActorKind::Name,
                    MentionKind::Abbreviation => ActorKind::Abbreviation,
                    MentionKind::Demonym => ActorKind::Demonym,
                    MentionKind::Capital | MentionKind::Seat => ActorKind::Metonym,
                    _ => continue,
                };
                if spans[..blocs]
                    .iter()
                    .any(|(bs, be, _, _)| *bs < m.end && m.start < *be)
                {
                    continue;
                }
                spans.push((m.start, m.end, c.code.as_str(), kind));
            }
        }
        spans.sort_by_key(|x| (x.0, x.1));
        bloc_references(text, &mut spans);
        spans
    }

    /// Programmes named in a sentence that starts at byte `base` of its field:
    /// `(canonical, byte start in the field, implied imposer)`.
    fn programs_in(
        &self,
        sentence: &str,
        lower: &str,
        base: usize,
    ) -> Vec<(String, usize, String)> {
        let mut out = Vec::new();
        for m in self.programs.find_iter(sentence) {
            if crate::text::on_word_boundaries(sentence, m.start(), m.end()) {
                let (canon, imp) = &self.program_info[m.pattern().as_usize()];
                out.push((canon.clone(), base + m.start(), imp.clone()));
            }
        }
        // UN Security Council resolution numbers: "resolution 1718", "Resolution 2231".
        let mut from = 0;
        while let Some(p) = lower[from..].find("resolution") {
            let at = from + p;
            from = at + "resolution".len();
            let rest = &lower[from..];
            let trimmed = rest.trim_start_matches(['s', ' ']);
            let digits: String = trimmed.chars().take_while(|c| c.is_ascii_digit()).collect();
            if (3..=4).contains(&digits.len()) {
                out.push((format!("UNSCR {digits}"), base + at, "UN".to_string()));
            }
        }
        // EU regulations: "Regulation 833/2014", "EU regulation No 269/2014". Only the
        // slashes are visited (a memchr search, not a test of every byte); the four digits
        // after a slash cannot hold another one.
        let bytes = sentence.as_bytes();
        for (i, _) in sentence.match_indices('/') {
            if i + 5 <= bytes.len()
                && bytes[i + 1..i + 5].iter().all(u8::is_ascii_digit)
                && (i + 5 == bytes.len() || !bytes[i + 5].is_ascii_digit())
            {
                let mut j = i;
                while j > 0 && bytes[j - 1].is_ascii_digit() {
                    j -= 1;
                }
                let mut lo = j.saturating_sub(40);
                while !lower.is_char_boundary(lo) {
                    lo -= 1;
                }
                let context = &lower[lo..j];
                if (2..=4).contains(&(i - j))
                    && (context.contains("regulation") || context.contains("eu "))
                {
                    let name = format!(
                        "EU Regulation {}/{}",
                        &sentence[j..i],
                        &sentence[i + 1..i + 5]
                    );
                    out.push((name, base + j, "EU".to_string()));
                }
            }
        }
        out
    }
}

/// "X barred Y's officials, in reply to Y's sanctions": the sanctions a retaliation answers hit
/// the retaliator. A clause opening with "in reply/response/retaliation to" gives its drafts
/// without a target the imposers of the clause before it (`answerer`).
fn answered_targets(words: &[&str], c0: usize, answerer: &[String], found: &mut [Draft]) {
    if !opens_reply(words, c0) {
        return;
    }
    for d in found.iter_mut().filter(|d| d.targets.is_empty()) {
        for c in answerer.iter().filter(|c| !d.imposers.contains(c)) {
            push(&mut d.targets, c);
        }
    }
}

/// Whether the clause starting at `c0` opens with "in reply/response/retaliation": it names
/// the sanctions a retaliation answers.
pub(super) fn opens_reply(words: &[&str], c0: usize) -> bool {
    // The clause split may have left "in" out of the clause.
    let from = if words.get(c0) == Some(&"in") {
        c0 + 1
    } else {
        c0
    };
    matches!(
        words.get(from),
        Some(&("reply" | "response" | "retaliation"))
    ) && (from == c0 + 1 || c0.checked_sub(1).and_then(|i| words.get(i)) == Some(&"in"))
}

/// A clause split off at ", which"/", who" starts at the actor the relative clause hangs on
/// ("... authorises Venezuela, which has been under sanctions since 2019"), so that it keeps
/// its subject.
fn relative_antecedent(words: &[&str], actors: &[Actor], c0: usize) -> usize {
    if c0 < 2 || !matches!(words.get(c0), Some(&("which" | "who"))) || words[c0 - 1] != "," {
        return c0;
    }
    actors
        .iter()
        .find(|a| a.last + 1 == c0)
        .map_or(c0, |a| a.first)
}

/// Whether an event of `action` takes the names of the sentence after it as its targets.
fn takes_names(action: SanctionAction) -> bool {
    matches!(
        action,
        SanctionAction::Impose | SanctionAction::Threaten | SanctionAction::Lift
    )
}

/// An actor mention in a field: `(start, end, code, kind)`.
type ActorSpan<'a> = (usize, usize, &'a str, ActorKind);

/// The actors inside the sentence `text[s..e]`, as token ranges.
fn actors_in<'a>(
    text: &str,
    s: usize,
    e: usize,
    toks: &[Tok],
    spans: &[ActorSpan<'a>],
) -> Vec<Actor<'a>> {
    let from = spans.partition_point(|a| a.0 < s);
    let mut out = Vec::new();
    for &(ms, me, code, kind) in &spans[from..] {
        if ms >= e {
            break;
        }
        if me > e {
            continue;
        }
        let first = toks.partition_point(|t| t.end <= ms);
        let mut last = first;
        while last < toks.len() && toks[last].start < me {
            last += 1;
        }
        if first >= last {
            continue;
        }
        let rest = text.get(me..).unwrap_or("");
        let possessive = toks.get(last).is_some_and(|t| t.special == Some("'s"))
            || rest.starts_with("s'")
            || (rest.starts_with('\'') && code.ends_with('S'));
        out.push(Actor {
            code,
            kind,
            first,
            last,
            possessive,
        });
    }
    out
}

/// "The bloc imposed ...", "the 27-nation bloc's package": the word "bloc" refers to the bloc
/// last named before it in the field (the EU, ECOWAS, ...), as a reader resolves it. Adds those
/// references to the sorted `spans`, which stay sorted.
fn bloc_references<'a>(text: &str, spans: &mut Vec<ActorSpan<'a>>) {
    let mut found: Vec<ActorSpan<'a>> = Vec::new();
    for (at, _) in text.match_indices("bloc") {
        let end = at + "bloc".len();
        if !crate::text::on_word_boundaries(text, at, end) {
            continue;
        }
        let covered = spans.iter().any(|&(s, e, _, _)| s < end && at < e);
        let last = spans
            .iter()
            .rev()
            .find(|&&(s, _, c, k)| s < at && k == ActorKind::Bloc && c != "WEST");
        if let (false, Some(&(_, _, code, _))) = (covered, last) {
            found.push((at, end, code, ActorKind::Bloc));
        }
    }
    if !found.is_empty() {
        spans.extend(found);
        spans.sort_by_key(|x| (x.0, x.1));
    }
}

/// "Western" and "the West" are the bloc unless a place name follows ("Western Sahara", "the
/// West Bank").
fn west_is_bloc(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches(' ');
    !rest.starts_with(|c: char| c.is_uppercase())
}

fn used_at(used: &[bool], actors: &[&Actor], a: &Actor) -> bool {
    actors
        .iter()
        .position(|b| std::ptr::eq(*b, a))
        .is_some_and(|i| used[i])
}

/// Index of the word before token `i`, skipping determiners and quantities; `i` itself when
/// there is none.
fn prev_word(words: &[&str], i: usize, c0: usize) -> usize {
    let mut j = i;
    while j > c0 {
        j -= 1;
        if !skippable(words[j]) {
            return j;
        }
    }
    i
}

/// Whether a word of the gap between two actors joins them into a list.
fn joins(word: &str) -> bool {
    matches!(word, "and" | "," | "or")
}

/// Extends a side over coordinated actors: "on Russia and Belarus", "against Iran, Syria",
/// "27 Australians and 36 New Zealanders", "by Canberra and Wellington". Determiners and
/// quantities inside the list do not break it.
fn extend_coordination(
    actors: &[&Actor],
    words: &[&str],
    used: &mut [bool],
    side: &mut Vec<String>,
) {
    for i in 1..actors.len() {
        if used[i] || !used[i - 1] || !side.iter().any(|c| c == actors[i - 1].code) {
            continue;
        }
        // "500 Americans and dozens of Britons": "of" after a quantity is part of it.
        let span = &words[actors[i - 1].last..actors[i].first];
        let quantity_of = |k: usize| span[k] == "of" && k > 0 && is(Quantity, span[k - 1]);
        let in_gap = |k: usize| {
            span[k] == "," || (!skippable(span[k]) && span[k] != "'s" && !quantity_of(k))
        };
        // The words that count in the gap must all be "and", "or" or commas, and there must be
        // one: stop at the first that is not (no Vec, and no word look-ups past it).
        let mut gap = (0..span.len()).filter(|&k| in_gap(k)).map(|k| span[k]);
        let joined = gap.next().is_some_and(joins) && gap.all(joins);
        if joined {
            push(side, actors[i].code);
            used[i] = true;
        }
    }
}
