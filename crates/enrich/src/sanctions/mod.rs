//! Sanctions events: who sanctions whom, how, and whether it happened.
//!
//! Rules over sentences and clauses, driven by plain lexicons under `data/sanctions/`:
//!
//! 1. **Triggers** per sentence: "sanctions", "embargo", "asset freeze", "blacklist", "SDN list",
//!    "Entity List", "price cap", "visa ban", named programmes (CAATSA, EU Regulation 833/2014, UN
//!    resolution numbers). Export bans and controls count only when framed as punishment (a
//!    country target or a punitive verb). "Sanctioned" in the approval sense ("a FIFA-sanctioned
//!    match", "sanctioned the merger") and sentences about sport do not count. "The measures",
//!    "the penalties" count only right after an event and inherit its roles.
//! 2. **Action**: the action cue nearest the trigger (impose, threaten, lift, evade, oppose,
//!    join); a modal before an impose cue makes a threat; **negation** shortly before the cue
//!    sets `negated`, except that a negated "join" ("has not joined") is an oppose event.
//! 3. **Roles** from the actors in the clause: country mentions from the country recogniser
//!    (names, demonyms, capitals, seats, so metonyms resolve) plus blocs and agencies from
//!    `actors.tsv` (EU, UN, G7, ECOWAS, AFRICAN_UNION, WEST for "Western"/"the West", OFAC -> US).
//!    * `by X` -> imposer; `on/against/targeting X` -> target; a premodifier ("U.S. sanctions",
//!      "Western sanctions", "EU's sanctions") -> imposer, but a bare country name ("Iran
//!      sanctions") -> target; the object of "sanctioned/blacklisted/targeted X" -> target;
//!    * the subject (nearest eligible actor before the cue) -> imposer, or target after a
//!      passive marker ("Russia faces", "Iran was hit");
//!    * for evade the subject is who evades (`targets`) and the premodifier whose sanctions
//!      (`imposers`); for oppose the subject is the opposer (`imposers`), the sanctions' target is
//!      `targets`, and the sanctions regime itself is also reported as an impose event.
//! 4. **Sectors** named with a target ("Turkey's defence industry", "Russian oil"), **programs**
//!    named in the clause, or inferred: CAATSA for US sanctions on the defence industry of a
//!    country other than Russia in an article about Russia.
//! 5. Events with the same roles, action and negation are merged (sectors and programs united;
//!    the first evidence kept).

mod data;
mod discourse;
pub mod entities;
mod lexicon;
mod structure;
mod tokens;
mod words;

use std::collections::BTreeSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use newswire_model::{
    CountryTag, Evidence, Field, MentionKind, SanctionAction, SanctionsEvent, TargetEntity,
};

use crate::sentences::Fields;
use lexicon::{Cue, Entry, PhraseTable, TriggerKind};
use tokens::{tokenize, words as token_words, Tok};
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

/// One event before merging, with the sentence it came from.
#[derive(Debug, Clone)]
struct Draft {
    imposers: Vec<String>,
    targets: Vec<String>,
    action: SanctionAction,
    negated: bool,
    sectors: Vec<String>,
    programs: Vec<String>,
    evidence: Evidence,
    /// Byte range of the field where the relation's objects are written: from the trigger or
    /// its verb, whichever comes first, to the end of the clause.
    region: (usize, usize),
    target_entities: Vec<TargetEntity>,
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
        let mut sentence_no = 0usize;
        let mut memory = discourse::Memory::default();
        for field in [Field::Title, Field::Body] {
            let text = fields.text(field);
            if text.is_empty() {
                continue;
            }
            // One prefilter pass: where the sanctions-like stems are.
            let stems: Vec<usize> = self.prefilter.find_iter(text).map(|m| m.start()).collect();
            // Nothing sanctions-like in the field and no event to refer back to: skip it.
            if last.is_none() && stems.is_empty() {
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
                    let right_after = last.is_some_and(|(n, _)| n + 1 == sentence_no);
                    if let Some(d) = last
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
                for d in &mut found {
                    memory.fill(d);
                    memory.remember(d);
                }
                if !found.is_empty() {
                    last = Some((sentence_no, drafts.len() + found.len() - 1));
                }
                drafts.extend(found);
            }
        }
        discourse::Memory::forward_oppose_targets(&mut drafts);
        infer_caatsa(&mut drafts, countries);
        merge(drafts)
    }

    /// The events of one sentence `text[s..e]`.
    #[allow(clippy::too_many_arguments)]
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
        let passive = structure::passive_tokens(&text[s..e], s, &toks);
        let mut ranges = Vec::new();
        for (c0, c1) in clauses(&words) {
            ranges.extend(split_at_second_trigger(&all_hits, &words, c0, c1));
        }
        for (c0, c1) in ranges {
            let clause_actors: Vec<&Actor> = actors
                .iter()
                .filter(|a| a.first >= c0 && a.last <= c1)
                .collect();
            let clause_programs: Vec<(String, String)> = programs
                .iter()
                .filter(|(_, start, _)| *start >= toks[c0].start && *start < toks[c1 - 1].end)
                .map(|(p, _, imp)| (p.clone(), imp.clone()))
                .collect();
            let found = self.clause(
                &toks,
                &words,
                &all_hits,
                c0,
                c1,
                &clause_actors,
                &clause_programs,
                programs
                    .iter()
                    .map(|(_, start, _)| *start)
                    .find(|&start| start >= toks[c0].start && start < toks[c1 - 1].end),
                prev.map_or(previous, |i| out.get(i)),
                &evidence,
                &passive,
            );
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
        if !matches!(
            d.action,
            SanctionAction::Impose | SanctionAction::Threaten | SanctionAction::Lift
        ) {
            return;
        }
        let toks = tokenize(&text[s..e], s);
        let actors = actors_in(text, s, e, &toks, spans);
        let mut one = [d.clone()];
        one[0].region = (s, e);
        one[0].target_entities.clear();
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
        let countries: Vec<(std::ops::Range<usize>, &str)> = actors
            .iter()
            .map(|a| (toks[a.first].start..toks[a.last - 1].end, a.code))
            .collect();
        let found = entities::EntityRecognizer::shared().find(sentence, base, &countries);
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
        // EU regulations: "Regulation 833/2014", "EU regulation No 269/2014".
        let bytes = sentence.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'/'
                && i + 5 <= bytes.len()
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
                i += 5;
                continue;
            }
            i += 1;
        }
        out
    }

    /// The events of one clause `toks[c0..c1]`.
    #[allow(clippy::too_many_arguments)]
    fn clause(
        &self,
        toks: &[Tok],
        words: &[&str],
        all_hits: &[(usize, usize, &Entry)],
        c0: usize,
        c1: usize,
        actors: &[&Actor],
        programs: &[(String, String)],
        program_start: Option<usize>,
        previous: Option<&Draft>,
        evidence: &Evidence,
        passive: &[bool],
    ) -> Vec<Draft> {
        // Lexicon hits in the clause: (token, length, entry).
        let hits: Vec<(usize, usize, &Entry)> = all_hits
            .iter()
            .copied()
            .filter(|&(i, len, _)| i >= c0 && i + len <= c1)
            .collect();

        // 1. Triggers.
        let mut trigger: Option<(usize, usize, TriggerKind)> = None;
        let mut anaphoric = false;
        for &(t, len, entry) in &hits {
            let Entry::Trigger(kind) = entry else {
                continue;
            };
            let ok = match kind {
                TriggerKind::Core => true,
                TriggerKind::Verb => self.verb_trigger_counts(toks, words, t, c1, actors),
                TriggerKind::Conditional => {
                    let punitive = hits.iter().any(|(_, _, e)| {
                        matches!(
                            e,
                            Entry::Action(Cue::Act(
                                SanctionAction::Impose
                                    | SanctionAction::Lift
                                    | SanctionAction::Threaten
                                    | SanctionAction::Evade
                            ))
                        )
                    });
                    let bloc_before = actors
                        .iter()
                        .any(|a| a.kind == ActorKind::Bloc && a.last == t);
                    let target_after = actors.iter().any(|a| {
                        a.first >= t + len
                            && a.first <= t + len + 3
                            && is(TargetPrep, words[prev_word(words, a.first, c0)])
                    });
                    punitive || target_after || bloc_before
                }
                TriggerKind::Anaphor => {
                    previous.is_some()
                        && t > c0
                        && matches!(words[t - 1], "the" | "these" | "those" | "such" | "similar")
                }
            };
            if ok {
                if *kind == TriggerKind::Anaphor {
                    if trigger.is_none() {
                        trigger = Some((t, len, *kind));
                        anaphoric = true;
                    }
                } else if trigger.is_none() || anaphoric {
                    trigger = Some((t, len, *kind));
                    anaphoric = false;
                }
            }
        }
        if trigger.is_none() && !programs.is_empty() {
            // A programme named alone ("designated under CAATSA") is a trigger at the clause's
            // first action cue or its start.
            // At the programme's own position, so that "on X" right after it is a target.
            let at = program_start
                .map(|start| toks.partition_point(|t| t.end <= start))
                .filter(|&i| i >= c0 && i < c1)
                .unwrap_or(c0);
            trigger = Some((at, 1, TriggerKind::Core));
        }
        let Some((t, tlen, tkind)) = trigger else {
            return Vec::new();
        };
        // "the sanctions" right after an event refers back to it too.
        let definite =
            t > c0 && matches!(words[t - 1], "the" | "these" | "those" | "such" | "similar");
        anaphoric |= definite && previous.is_some();

        // 2. Action cue nearest the trigger.
        let mut cue: Option<(usize, usize, Cue)> = None;
        let mut best = usize::MAX;
        for &(p, len, entry) in &hits {
            let Entry::Action(c) = entry else { continue };
            if p >= t && p < t + tlen {
                continue;
            }
            let dist = if p < t {
                t - (p + len - 1)
            } else {
                p - (t + tlen - 1)
            };
            // Prefer cues before the trigger on ties.
            let score = dist * 2 + usize::from(p > t);
            if dist <= 12 && score < best {
                best = score;
                cue = Some((p, len, *c));
            }
        }
        if cue.is_none() && tkind == TriggerKind::Verb {
            cue = Some((t, tlen, Cue::Act(SanctionAction::Impose)));
        }
        let anchor = match cue {
            Some((p, _, _)) if p < t => p,
            _ => t,
        };
        let cue_pos = cue.map(|(p, _, _)| p).unwrap_or(t);
        let window_start = cue_pos.saturating_sub(4).max(c0);
        // Negation shortly before the cue, or right before the trigger ("no new sanctions").
        let negated = hits.iter().any(|&(p, _, e)| {
            *e == Entry::Negation
                && ((p >= window_start && p < cue_pos) || (p < t && p + 3 >= t && words[p] == "no"))
        });
        let conditional = words[c0..c1].iter().any(|w| matches!(*w, "if" | "unless"));
        let modal = hits.iter().any(|&(p, _, e)| {
            *e == Entry::Modal
                && p + 3 >= cue_pos
                && p < cue_pos
                && (words[p] != "would" || conditional)
        });
        // "threatened to impose", "plans to impose": an infinitive impose governed by a threat.
        let governed_threat = matches!(cue, Some((p, _, Cue::Act(SanctionAction::Impose)))
        if p > c0 && words[p - 1] == "to" && hits.iter().any(|&(q, len, e)| {
            *e == Entry::Action(Cue::Act(SanctionAction::Threaten)) && q + len <= p && q + 12 >= p
        }));

        // "resisted pressure to align with", "blocked moves to join": an oppose cue before the
        // join cue makes it a refusal.
        let refused = matches!(cue, Some((p, _, Cue::Join)) if hits.iter().any(|&(q, _, e)| {
            *e == Entry::Action(Cue::Act(SanctionAction::Oppose)) && q < p && q + 8 >= p
        }));
        let (mut action, mut negated_out) = match cue {
            Some((_, _, Cue::Join)) => {
                if negated || refused {
                    (SanctionAction::Oppose, false)
                } else {
                    (SanctionAction::Impose, false)
                }
            }
            Some((_, _, Cue::Act(a))) => (a, negated),
            None => (SanctionAction::Impose, negated),
        };
        let is_join = matches!(cue, Some((_, _, Cue::Join)));
        if action == SanctionAction::Impose
            && (modal || governed_threat)
            && !negated_out
            && !is_join
        {
            action = SanctionAction::Threaten;
        }
        if action == SanctionAction::Oppose && matches!(cue, Some((_, _, Cue::Join))) {
            negated_out = false;
        }

        // 3. Roles.
        let mut regime_imposers: Vec<String> = Vec::new();
        let mut targets: Vec<String> = Vec::new();
        let mut sectors: Vec<String> = Vec::new();
        let mut used = vec![false; actors.len()];
        let passive_between = |from: usize, to: usize| {
            hits.iter()
                .any(|&(p, _, e)| *e == Entry::Passive && p >= from && p < to)
        };

        for (ai, a) in actors.iter().enumerate() {
            let before = prev_word(words, a.first, c0);
            let before_word = if before < a.first { words[before] } else { "" };
            // by X, right after the trigger or an action verb ("sanctions imposed by X", "was
            // sanctioned by X"), not any "by" ("drones used by Russia").
            let by_agent = before_word == "by"
                && (before >= t && before <= t + tlen + 2
                    || hits.iter().any(|&(p, len, e)| {
                        matches!(e, Entry::Action(_) | Entry::Trigger(_) | Entry::Passive)
                            && p + len <= before
                            && p + len + 1 >= before
                    }));
            if by_agent {
                push(&mut regime_imposers, a.code);
                used[ai] = true;
                continue;
            }
            // sanctions from X
            if before_word == "from" && before == t + tlen {
                push(&mut regime_imposers, a.code);
                used[ai] = true;
                continue;
            }
            // on / against X; "the assets of X", "a package of sanctions of"... right after the
            // trigger
            let of_after_trigger = before_word == "of" && before == t + tlen;
            // "called on X to lift", "relied on X": a phrasal verb, not a target.
            let phrasal = before_word == "on" && before > c0 && is(PhrasalOn, words[before - 1]);
            // The preposition belongs to the sanctions phrase: near the trigger ("sanctions on
            // Friday on eight Iranian companies") or right after an action verb ("imposed on
            // X"), not "supplying drones for the war against Ukraine" further on.
            let near_trigger = before + 1 >= t && before <= t + tlen + 6;
            let after_cue = hits.iter().any(|&(p, len, e)| {
                matches!(e, Entry::Action(_) | Entry::Object)
                    && p + len <= before
                    && p + len + 3 >= before
            });
            if (is(TargetPrep, before_word) || of_after_trigger)
                && before < a.first
                && !phrasal
                && (near_trigger || after_cue || before < t)
            {
                push(&mut targets, a.code);
                self.sector_after(words, a, c1, &mut sectors);
                used[ai] = true;
                continue;
            }
            // X sanctions (premodifier)
            if tkind != TriggerKind::Verb && a.last <= t && self.only_premods(words, a.last, t) {
                // "Canada sanctions Russian officials": the trigger is a verb with an object,
                // and the actor before it its subject.
                let mut after = t + tlen;
                while after < c1 && skippable(words[after]) {
                    after += 1;
                }
                let verb_use = a.last == t
                    && words[t] == "sanctions"
                    && actors.iter().any(|b| b.first == after);
                if verb_use {
                    continue;
                }
                let target_like = a.kind == ActorKind::Name && !a.possessive;
                let has_prep_target = actors
                    .iter()
                    .any(|b| b.first > t && is(TargetPrep, words[prev_word(words, b.first, c0)]));
                if target_like && !has_prep_target {
                    push(&mut targets, a.code);
                } else {
                    push(&mut regime_imposers, a.code);
                }
                used[ai] = true;
                continue;
            }
            // sanctioned X / blacklisted X / sanctions-hit X
            if before < a.first
                && hits
                    .iter()
                    .any(|&(p, len, e)| *e == Entry::Object && p + len == before + 1)
                && (a.kind != ActorKind::Demonym || self.followed_by_noun(words, a, c1))
            {
                push(&mut targets, a.code);
                self.sector_after(words, a, c1, &mut sectors);
                used[ai] = true;
                continue;
            }
        }
        // "despite sanctions", "amid sanctions": without an action cue the clause's subject is
        // not the sanctions' actor.
        let in_phrase = {
            let mut j = t;
            while j > c0 && self.only_premods(words, j - 1, t) {
                j -= 1;
            }
            j > c0 && matches!(words[j - 1], "despite" | "amid" | "because" | "to" | "for")
        };
        // Subject: nearest eligible actor before the anchor.
        let mut subject: Vec<String> = Vec::new();
        let mut subject_passive = false;
        let mut chosen: Option<usize> = None;
        // A relative clause: ", which imposed..." takes the actor right before the comma.
        let relative = (c0 + 1..anchor)
            .rev()
            .find(|&j| matches!(words[j], "which" | "who") && words[j - 1] == ",");
        if let Some(w) = relative {
            chosen = actors
                .iter()
                .position(|a| a.last + 1 == w && !used_at(&used, actors, a));
        }
        // A reporting verb between a candidate and the anchor, with no action verb after it,
        // makes the candidate the speaker ("the Kremlin said new U.S. sanctions...").
        let reported_after = |from: usize| {
            hits.iter().any(|&(r, _, e)| {
                *e == Entry::Report
                    && r >= from
                    && r < anchor
                    && !matches!(cue, Some((p, _, _)) if p > r && p <= t + tlen + 3)
            })
        };
        if chosen.is_none() {
            for (ai, a) in actors.iter().enumerate().rev() {
                if a.last > anchor || used[ai] || (in_phrase && cue.is_none()) {
                    continue;
                }
                if self.subject_eligible_in(words, a, c0, c1, actors, 0) {
                    if !reported_after(a.last) {
                        chosen = Some(ai);
                    }
                    break;
                }
            }
        }
        if let Some(ai) = chosen {
            let a = actors[ai];
            subject.push(a.code.to_string());
            // A passive marker after the subject, with no other actor in between ("Russia
            // faces", "the Kremlin would face", not "Britain warned China it could face").
            let next_actor = actors
                .iter()
                .map(|b| b.first)
                .filter(|&f| f >= a.last)
                .min()
                .unwrap_or(usize::MAX);
            // A passive verb group after the subject ("A Kyrgyz company was blacklisted").
            let parsed_passive = [cue_pos, t]
                .iter()
                .any(|&p| p > a.last && p < next_actor && passive.get(p) == Some(&true));
            subject_passive = parsed_passive
                || passive_between(a.last, t.max(anchor).min(next_actor))
                // Headline passive: "Russia sanctioned over grain deal".
                || (tkind == TriggerKind::Verb
                    && a.last == t
                    && words[t] == "sanctioned"
                    && matches!(words.get(t + 1), Some(&("for" | "over" | "by" | "after" | "in"))));
            let mut k = a.first;
            used[ai] = true;
            // Coordinated subjects: "The US, the EU and Britain imposed". The whole chain must
            // start where a subject can ("its borders with China and Pakistan, and Washington
            // has not" is no chain).
            let mut chain: Vec<usize> = Vec::new();
            for (bi, b) in actors.iter().enumerate().rev() {
                if b.last > k || used[bi] {
                    continue;
                }
                let gap: Vec<&str> = words[b.last..k]
                    .iter()
                    .copied()
                    .filter(|w| !is(Determiner, w) && *w != "'s")
                    .collect();
                if gap
                    .iter()
                    .all(|w| matches!(*w, "and" | "," | "or" | "as" | "well"))
                    && !gap.is_empty()
                {
                    chain.push(bi);
                    k = b.first;
                } else {
                    break;
                }
            }
            let head_ok = chain
                .last()
                .is_none_or(|&h| self.subject_eligible(words, actors[h], c0, c1));
            if head_ok {
                for bi in chain {
                    if !subject.iter().any(|c| c == actors[bi].code) {
                        subject.push(actors[bi].code.to_string());
                    }
                    used[bi] = true;
                }
            }
        }
        // A passive verb with no eligible subject: the actor named in the subject phrase is
        // the target ("A Kyrgyz company was recently blacklisted by Washington").
        let verb_at = cue_pos.min(t);
        if chosen.is_none() && passive.get(verb_at) == Some(&true) {
            let subj = actors.iter().enumerate().rev().find(|(ai, a)| {
                let before = prev_word(words, a.first, c0);
                !used[*ai]
                    && a.last <= verb_at
                    && (before == a.first || !is(Preposition, words[before]))
            });
            if let Some((ai, a)) = subj {
                push(&mut targets, a.code);
                used[ai] = true;
            }
        }
        // Coordinated targets after the first: "on Russia and Belarus".
        extend_coordination(actors, words, &mut used, &mut targets, c1);
        // The region where the relation's objects are written: from the trigger or its verb
        // to the clause's end, or to a reporting verb ("..., the ministry said").
        let obj_from = anchor.min(cue_pos).min(t);
        let obj_stop = hits
            .iter()
            .filter(|&&(p, _, e)| *e == Entry::Report && p > obj_from)
            .map(|&(p, _, _)| p)
            .min()
            .unwrap_or(c1);
        let np_stop = obj_stop.min(clause_turn(words, cue_pos.max(t) + 1, c1));
        if matches!(
            action,
            SanctionAction::Impose | SanctionAction::Threaten | SanctionAction::Lift
        ) {
            let known: Vec<String> = subject.iter().chain(&regime_imposers).cloned().collect();
            self.np_targets(
                words,
                actors,
                &mut used,
                &mut targets,
                &known,
                (c0, obj_from, np_stop),
            );
        }

        let program_names: Vec<String> = programs.iter().map(|(p, _)| p.clone()).collect();
        for &(p, len, e) in &hits {
            if let Entry::Sector(sec) = e {
                // "arms embargo", "oil price cap": a sector word right before the trigger.
                let before_trigger = p + len == t;
                // "sanctions on the oil sector": after a target preposition.
                let after_prep =
                    (p > c0 && is(TargetPrep, words[prev_word(words, p, c0)])) && p > t;
                // "asset freezes on 22 oil tankers", "a ban on steel imports": inside the
                // object of the relation, before the clause turns to something else.
                let in_object = p >= obj_from && p + len <= np_stop;
                if before_trigger || after_prep || in_object {
                    push(&mut sectors, sec);
                }
            }
        }
        if let Some(sec) = trigger_sector(words, t, tlen) {
            push(&mut sectors, sec);
        }

        let mut out = Vec::new();
        match action {
            SanctionAction::Evade => {
                // Whose sanctions: the regime named with the trigger, a programme's owner, or
                // the regime of the event just read ("to get around the cap").
                let mut whose = regime_imposers.clone();
                if whose.is_empty() {
                    whose = programs.iter().map(|(_, imp)| imp.clone()).collect();
                    dedup(&mut whose);
                }
                if whose.is_empty() {
                    if let Some(p) = previous {
                        whose = p.imposers.clone();
                    }
                }
                let mut evaders = subject;
                evaders.extend(targets.iter().cloned());
                evaders.retain(|c| !whose.contains(c));
                dedup(&mut evaders);
                // Who evades, unnamed: the parties the last event hit ("the network ... had
                // blended oil to skirt sanctions").
                if evaders.is_empty() {
                    if let Some(p) = previous {
                        evaders = p.targets.clone();
                        evaders.retain(|c| !whose.contains(c));
                    }
                }
                let _ = subject_passive;
                out.push(self.draft(
                    whose,
                    evaders,
                    action,
                    negated_out,
                    sectors,
                    program_names,
                    evidence,
                ));
            }
            SanctionAction::Oppose => {
                let mut t_codes = targets.clone();
                if t_codes.is_empty() && anaphoric {
                    if let Some(p) = previous {
                        t_codes = p.targets.clone();
                    }
                }
                let mut opposers = subject.clone();
                opposers.retain(|c| !regime_imposers.contains(c));
                if !opposers.is_empty() {
                    out.push(self.draft(
                        opposers,
                        t_codes.clone(),
                        SanctionAction::Oppose,
                        negated_out,
                        sectors.clone(),
                        program_names.clone(),
                        evidence,
                    ));
                }
                if !regime_imposers.is_empty() {
                    out.push(self.draft(
                        regime_imposers,
                        t_codes,
                        SanctionAction::Impose,
                        false,
                        sectors,
                        program_names,
                        evidence,
                    ));
                }
            }
            _ => {
                let mut imp = regime_imposers.clone();
                let subject_distinct =
                    !subject.is_empty() && subject.iter().all(|c| !regime_imposers.contains(c));
                if subject_passive
                    || (subject_distinct && !imp.is_empty() && targets.is_empty() && !is_join)
                {
                    // "Russia faces new sanctions"; "Iran demanded the lifting of U.S.
                    // sanctions": the subject is who the sanctions are on.
                    for c in subject {
                        push(&mut targets, &c);
                    }
                } else if subject_distinct && !imp.is_empty() && action == SanctionAction::Threaten
                {
                    // "Greece called for EU sanctions against Turkey": the sanctions are the
                    // regime's, and only threatened.
                } else if subject_distinct && !imp.is_empty() {
                    // "Turkey will not enforce Western sanctions on Russia": the regime stands;
                    // the subject's own act is a separate event.
                    out.push(self.draft(
                        imp.clone(),
                        targets.clone(),
                        SanctionAction::Impose,
                        false,
                        sectors.clone(),
                        program_names.clone(),
                        evidence,
                    ));
                    imp = subject;
                } else {
                    for c in subject {
                        push(&mut imp, &c);
                    }
                }
                if imp.is_empty() {
                    for (_, i) in programs {
                        push(&mut imp, i);
                    }
                }
                if anaphoric {
                    if let Some(p) = previous {
                        if imp.is_empty() {
                            imp = p.imposers.clone();
                        }
                        if targets.is_empty() {
                            targets = p.targets.clone();
                            for s in &p.sectors {
                                push(&mut sectors, s);
                            }
                        }
                    }
                }
                imp.retain(|c| !targets.contains(c));
                out.push(self.draft(
                    imp,
                    targets,
                    action,
                    negated_out,
                    sectors,
                    program_names,
                    evidence,
                ));
            }
        }
        out.retain(|d| !d.imposers.is_empty() || !d.targets.is_empty());
        let from = toks[obj_from].start;
        let to = toks[obj_stop.max(obj_from + 1) - 1].end;
        for d in &mut out {
            d.region = (from, to);
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn draft(
        &self,
        imposers: Vec<String>,
        targets: Vec<String>,
        action: SanctionAction,
        negated: bool,
        sectors: Vec<String>,
        programs: Vec<String>,
        evidence: &Evidence,
    ) -> Draft {
        let mut programs = programs;
        dedup(&mut programs);
        Draft {
            imposers,
            targets,
            action,
            negated,
            sectors,
            programs,
            evidence: evidence.clone(),
            region: (evidence.start, evidence.end),
            target_entities: Vec::new(),
        }
    }

    /// A verb-form trigger ("sanctioned", "sanction") counts unless it has the approval
    /// reading: a hyphen compound whose first part is not a state ("FIFA-sanctioned"), or an
    /// object like "the merger".
    fn verb_trigger_counts(
        &self,
        toks: &[Tok],
        words: &[&str],
        t: usize,
        c1: usize,
        actors: &[&Actor],
    ) -> bool {
        if toks[t].hyphen_before {
            // "U.S.-sanctioned" counts, "FIFA-sanctioned"/"state-sanctioned" does not.
            let by_state = t > 0 && actors.iter().any(|a| a.last == t);
            let approval_next = words.get(t + 1).is_some_and(|w| self.is_approval(w));
            return by_state && !approval_next;
        }
        // Object: skip determiners.
        let mut j = t + 1;
        while j < c1 && is(Determiner, words[j]) {
            j += 1;
        }
        if j < c1 && self.is_approval(words[j]) {
            return false;
        }
        // Need a state somewhere in the clause.
        !actors.is_empty()
    }

    fn is_approval(&self, word: &str) -> bool {
        self.phrases.single_is(word, |e| *e == Entry::Approval)
    }

    /// Only premodifier words (and possessive marks) between `from` and `to`.
    fn only_premods(&self, words: &[&str], from: usize, to: usize) -> bool {
        if to < from || to - from > 4 {
            return false;
        }
        words[from..to]
            .iter()
            .all(|w| *w == "'s" || *w == "s" || self.phrases.single_is(w, |e| *e == Entry::Premod))
    }

    fn followed_by_noun(&self, words: &[&str], a: &Actor, c1: usize) -> bool {
        a.last < c1 && !words[a.last].starts_with(|c: char| c.is_ascii_punctuation())
    }

    /// Can this actor be the subject of the clause's verb?
    fn subject_eligible(&self, words: &[&str], a: &Actor, c0: usize, c1: usize) -> bool {
        self.subject_eligible_in(words, a, c0, c1, &[], 0)
    }

    /// As [`Self::subject_eligible`]; a coordinated actor ("in the UAE and Kazakhstan") is
    /// eligible only if the head of its coordination is.
    fn subject_eligible_in(
        &self,
        words: &[&str],
        a: &Actor,
        c0: usize,
        c1: usize,
        actors: &[&Actor],
        depth: usize,
    ) -> bool {
        let before = prev_word(words, a.first, c0);
        if depth < 4 && before < a.first && matches!(words[before], "and" | "or" | ",") {
            // Only a tight coordination ("the UAE and Kazakhstan"); ", and" usually joins
            // clauses ("..., and Washington has not").
            let head = actors.iter().find(|b| b.last == before);
            if let Some(h) = head {
                return self.subject_eligible_in(words, h, c0, c1, actors, depth + 1);
            }
        }
        let phrasal = words[before] == "on" && before > c0 && is(PhrasalOn, words[before - 1]);
        if before < a.first && is(Preposition, words[before]) && !phrasal {
            return false;
        }
        let next = {
            let mut j = a.last;
            if words.get(j) == Some(&"'s") {
                j += 1;
            }
            words.get(j).copied().filter(|_| j < c1)
        };
        let agentive = next.is_some_and(|w| is(Agentive, w));
        match a.kind {
            ActorKind::Demonym => agentive,
            _ if a.possessive => agentive,
            _ => true,
        }
    }

    /// Targets written inside the object noun phrase: "on 12 Chinese companies", "entities in
    /// China and Turkey", "imports from Japan", "chip tools to Russia". `region` is the token
    /// range `from..stop` after the trigger or its verb in the clause starting at `c0`; agents ("by X") are left alone.
    fn np_targets(
        &self,
        words: &[&str],
        actors: &[&Actor],
        used: &mut [bool],
        targets: &mut Vec<String>,
        imposers: &[String],
        (c0, from, stop): (usize, usize, usize),
    ) {
        let region = (from, stop);
        for (ai, a) in actors.iter().enumerate() {
            if used[ai] || a.first < region.0 || a.last > region.1 {
                continue;
            }
            let before = prev_word(words, a.first, c0);
            let bw = if before < a.first { words[before] } else { "" };
            if bw == "by" {
                continue;
            }
            let head_prep = |w: &str| {
                matches!(
                    w,
                    "on" | "against" | "targeting" | "from" | "to" | "including"
                )
            };
            // "in"/"of" only after a noun for the targeted parties ("companies in China").
            let party_in =
                matches!(bw, "in" | "of") && before > c0 && is(PartyNoun, words[before - 1]);
            let inside = head_prep(bw) || party_in;
            // A demonym or possessive heading the object: "on 12 Chinese companies",
            // "blacklisted 13 Chinese firms", "on four extremist Israeli settlers"; not "parts
            // for Iranian drones".
            let lead = before + 1 == a.first && before <= region.0 + 1
                || head_prep(bw)
                || (before > c0 && head_prep(words[prev_word(words, before, c0)]));
            let modifier =
                matches!(a.kind, ActorKind::Demonym | ActorKind::Abbreviation) || a.possessive;
            let modifier = modifier && lead && self.followed_by_noun(words, a, region.1);
            if (inside || modifier) && !imposers.iter().any(|c| c == a.code) {
                push(targets, a.code);
                used[ai] = true;
            }
        }
    }

    /// A sector phrase within three words after a target actor ("Turkey's defence industry").
    fn sector_after(&self, words: &[&str], a: &Actor, c1: usize, sectors: &mut Vec<String>) {
        let mut j = a.last;
        if words.get(j) == Some(&"'s") {
            j += 1;
        }
        let end = (j + 3).min(c1);
        while j < end {
            for (_, e) in self.phrases.at(words, j) {
                if let Entry::Sector(s) = e {
                    push(sectors, s);
                    return;
                }
            }
            j += 1;
        }
    }
}

/// Splits a clause holding two triggers far apart ("imposed sanctions on X, which help Y
/// evade the price cap"; "..., and the EU announced similar measures") at the first comma
/// between them, so that each trigger gets its own roles.
fn split_at_second_trigger(
    hits: &[(usize, usize, &Entry)],
    words: &[&str],
    c0: usize,
    c1: usize,
) -> Vec<(usize, usize)> {
    let mut triggers: Vec<usize> = hits
        .iter()
        .filter(|&&(i, len, e)| {
            i >= c0 && i + len <= c1 && matches!(e, Entry::Trigger(k) if *k != TriggerKind::Verb)
        })
        .map(|&(i, _, _)| i)
        .collect();
    triggers.dedup();
    let mut out = Vec::new();
    let mut start = c0;
    let mut last_trigger: Option<usize> = None;
    for t in triggers {
        if let Some(prev) = last_trigger {
            if t >= prev + 4 {
                let split = (prev + 1..t).find(|&j| words[j] == ",").or_else(|| {
                    (prev + 1..t).find(|&j| {
                        matches!(words[j], "after" | "because")
                            || (words[j] == "in"
                                && matches!(
                                    words.get(j + 1),
                                    Some(&"retaliation") | Some(&"response")
                                ))
                    })
                });
                if let Some(comma) = split {
                    if comma > start {
                        out.push((start, comma));
                        start = comma + 1;
                    }
                }
            }
        }
        last_trigger = Some(t);
    }
    if start < c1 {
        out.push((start, c1));
    }
    out
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

/// Clause ranges of a sentence: split at semicolons and at "but", "while", "whereas",
/// "although".
fn clauses(words: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, w) in words.iter().enumerate() {
        let split =
            *w == ";" || (i > start + 2 && matches!(*w, "but" | "while" | "whereas" | "although"));
        if split {
            if i > start {
                out.push((start, i));
            }
            start = i + usize::from(*w == ";");
        }
    }
    if start < words.len() {
        out.push((start, words.len()));
    }
    out
}

/// Where the clause turns from the relation to something else after token `from`: a
/// subordinate clause ("after Iran sent", "as Stockholm's bid advanced", "with Russia
/// abstaining"), a participle after a comma (", banning"), or ", and" / "and the" joining a new
/// clause; `c1` when there is none.
fn clause_turn(words: &[&str], from: usize, c1: usize) -> usize {
    (from..c1)
        .find(|&j| {
            let w = words[j];
            let next = words.get(j + 1).copied().unwrap_or("");
            is(ClauseTurn, w)
                || (w == "," && (next.ends_with("ing") || next == "and"))
                || (w == "and" && matches!(next, "the" | "it" | "its" | "they"))
        })
        .unwrap_or(c1)
}

/// Extends targets over coordinated actors: "on Russia and Belarus", "against Iran, Syria".
fn extend_coordination(
    actors: &[&Actor],
    words: &[&str],
    used: &mut [bool],
    targets: &mut Vec<String>,
    _c1: usize,
) {
    for i in 1..actors.len() {
        if used[i] || !used[i - 1] || !targets.iter().any(|c| c == actors[i - 1].code) {
            continue;
        }
        let gap: Vec<&str> = words[actors[i - 1].last..actors[i].first]
            .iter()
            .copied()
            .filter(|w| !is(Determiner, w) && *w != "'s")
            .collect();
        if !gap.is_empty() && gap.iter().all(|w| matches!(*w, "and" | "," | "or")) {
            push(targets, actors[i].code);
            used[i] = true;
        }
    }
}

/// Sectors carried by the trigger phrase itself.
fn trigger_sector(words: &[&str], t: usize, len: usize) -> Option<&'static str> {
    let phrase = &words[t..t + len];
    if phrase.first() == Some(&"arms") {
        Some("arms")
    } else if phrase.first() == Some(&"oil") {
        Some("oil")
    } else {
        None
    }
}

fn push(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// CAATSA, inferred: the United States sanctioning the defence industry of a country other than
/// Russia, in an article that mentions Russia, is CAATSA section 231 (the law that punishes
/// significant transactions with Russia's defence sector).
fn infer_caatsa(drafts: &mut [Draft], countries: &[CountryTag]) {
    let mentions_russia = countries.iter().any(|c| c.code == "RU");
    if !mentions_russia {
        return;
    }
    for d in drafts.iter_mut() {
        if d.action == SanctionAction::Impose
            && d.imposers.iter().any(|c| c == "US")
            && !d.targets.is_empty()
            && d.targets.iter().all(|c| c != "RU")
            && d.sectors.iter().any(|s| s == "defence industry")
            && !d.programs.iter().any(|p| p == "CAATSA")
        {
            d.programs.push("CAATSA".to_string());
        }
    }
}

/// Merges drafts with the same roles, action and negation; keeps text order of first evidence.
/// A partial event (no imposers, or no targets) is dropped when a fuller event with the same
/// action and negation covers it: a headline's "EU adopts sanctions package" is the body's
/// "EU adopted sanctions against Russia".
fn merge(drafts: Vec<Draft>) -> Vec<SanctionsEvent> {
    let merged = merge_same(drafts);
    let covered = |e: &SanctionsEvent| {
        merged.iter().any(|f| {
            !std::ptr::eq(e, f)
                && f.action == e.action
                && f.negated == e.negated
                && !f.imposers.is_empty()
                && !f.targets.is_empty()
                && ((e.targets.is_empty() && e.imposers.iter().all(|c| f.imposers.contains(c)))
                    || (e.imposers.is_empty() && e.targets.iter().all(|c| f.targets.contains(c))))
        })
    };
    let keep: Vec<bool> = merged.iter().map(|e| !covered(e)).collect();
    let events = merged
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect::<Vec<_>>();
    drop_targetless(events)
}

/// An event that names no imposer or no target (and no target entity), in an article where
/// other events name both, is most often a passing mention read as a relation ("U.S. sanctions
/// officials said"); it is dropped. An article whose events are all partial keeps them, so that
/// it still reports sanctions, and evade events are kept (who evades may be unnamed).
fn drop_targetless(events: Vec<SanctionsEvent>) -> Vec<SanctionsEvent> {
    let weak = |e: &SanctionsEvent| {
        (e.imposers.is_empty() || e.targets.is_empty() && e.target_entities.is_empty())
            && e.action != SanctionAction::Evade
    };
    if events.iter().all(weak) {
        return events;
    }
    events.into_iter().filter(|e| !weak(e)).collect()
}

fn merge_same(drafts: Vec<Draft>) -> Vec<SanctionsEvent> {
    let mut out: Vec<SanctionsEvent> = Vec::new();
    for d in drafts {
        let mut imposers = d.imposers;
        let mut targets = d.targets;
        imposers.sort();
        targets.sort();
        if let Some(ev) = out.iter_mut().find(|e| {
            e.imposers == imposers
                && e.targets == targets
                && e.action == d.action
                && e.negated == d.negated
        }) {
            for s in d.sectors {
                push(&mut ev.sectors, &s);
            }
            for p in d.programs {
                push(&mut ev.programs, &p);
            }
            for t in d.target_entities {
                if !ev.target_entities.iter().any(|x| x.text == t.text) {
                    ev.target_entities.push(t);
                }
            }
            continue;
        }
        out.push(SanctionsEvent {
            imposers,
            targets,
            action: d.action,
            negated: d.negated,
            sectors: d.sectors,
            programs: d.programs,
            evidence: d.evidence,
            target_entities: d.target_entities,
        });
    }
    out
}
