//! Stage 5 of the clause reader: the sectors the sanctions cover -- a sector word before the
//! trigger, after a target preposition, inside the object region, or within the trigger
//! itself ("oil price cap").

use super::super::events::push;
use super::super::lexicon::Entry;
use super::super::prev_word;
use super::super::triggers::trigger_sector;
use super::super::words::{is, Class::*};
use super::targets::Region;
use super::trigger::Trigger;
use super::ClauseCtx;

/// Adds the clause's sectors to `sectors`.
pub(super) fn clause_sectors(
    cx: &ClauseCtx<'_>,
    tr: Trigger,
    region: Region,
    sectors: &mut Vec<String>,
) {
    let (words, c0, t) = (cx.words, cx.c0, tr.t);
    for &(p, len, e) in &cx.hits {
        if let Entry::Sector(sec) = e {
            // "arms embargo", "oil price cap": a sector word right before the trigger.
            let before_trigger = p + len == t;
            // "sanctions on the oil sector": after a target preposition.
            let after_prep = (p > c0 && is(TargetPrep, words[prev_word(words, p, c0)])) && p > t;
            // "asset freezes on 22 oil tankers", "a ban on steel imports", "froze the assets
            // of two banks and their shipping arm": after the trigger or its verb in the
            // clause, before a reporting verb.
            let in_object = p >= region.from && p + len <= region.stop;
            if before_trigger || after_prep || in_object {
                push(sectors, sec);
            }
        }
    }
    if let Some(sec) = trigger_sector(words, t, tr.len) {
        push(sectors, sec);
    }
}
