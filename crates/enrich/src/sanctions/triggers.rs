//! Trigger stage: which clauses of a trigger sentence are read, and where. The prefilter stems
//! (`words.tsv`, class `prefilter`) pick the sentences; the lexicon's trigger phrases pick the
//! clauses; a clause holding two distant triggers is split so each gets its own roles.

use super::lexicon::{Entry, TriggerKind};
use super::words::{is, Class::ClauseTurn};

/// Splits a clause holding two triggers far apart ("imposed sanctions on X, which help Y
/// evade the price cap"; "..., and the EU announced similar measures") at the first comma
/// between them, so that each trigger gets its own roles.
pub(super) fn split_at_second_trigger(
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
                                    Some(&"retaliation") | Some(&"response") | Some(&"reply")
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

/// Clause ranges of a sentence: split at semicolons and at "but", "while", "whereas",
/// "although".
pub(super) fn clauses(words: &[&str]) -> Vec<(usize, usize)> {
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
pub(super) fn clause_turn(words: &[&str], from: usize, c1: usize) -> usize {
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

/// Sectors carried by the trigger phrase itself.
pub(super) fn trigger_sector(words: &[&str], t: usize, len: usize) -> Option<&'static str> {
    let phrase = &words[t..t + len];
    if phrase.first() == Some(&"arms") {
        Some("arms")
    } else if phrase.first() == Some(&"oil") {
        Some("oil")
    } else {
        None
    }
}
