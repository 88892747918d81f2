//! A "lemma-ish" base form for verbs and auxiliaries: an irregular table and suffix rules
//! (imposed -> impose, froze -> freeze, lifted -> lift, imposing -> impose, banned -> ban).
//! Good enough to match a verb against a word list; not a morphological analyser.

use std::borrow::Cow;

/// Irregular forms (lowercase) and their base form, sorted by form for binary search.
const IRREGULAR: &[(&str, &str)] = &[
    ("'d", "would"),
    ("'ll", "will"),
    ("'m", "be"),
    ("'re", "be"),
    ("'s", "be"),
    ("'ve", "have"),
    ("added", "add"),
    ("adding", "add"),
    ("am", "be"),
    ("are", "be"),
    ("ate", "eat"),
    ("became", "become"),
    ("been", "be"),
    ("began", "begin"),
    ("begun", "begin"),
    ("being", "be"),
    ("bought", "buy"),
    ("broke", "break"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("ca", "can"),
    ("came", "come"),
    ("caught", "catch"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("could", "could"),
    ("dealt", "deal"),
    ("did", "do"),
    ("died", "die"),
    ("does", "do"),
    ("done", "do"),
    ("drawn", "draw"),
    ("drew", "draw"),
    ("driven", "drive"),
    ("drove", "drive"),
    ("dying", "die"),
    ("fallen", "fall"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("fled", "flee"),
    ("forbade", "forbid"),
    ("forbidden", "forbid"),
    ("forgave", "forgive"),
    ("fought", "fight"),
    ("found", "find"),
    ("froze", "freeze"),
    ("frozen", "freeze"),
    ("gave", "give"),
    ("given", "give"),
    ("goes", "go"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("had", "have"),
    ("has", "have"),
    ("having", "have"),
    ("heard", "hear"),
    ("held", "hold"),
    ("is", "be"),
    ("kept", "keep"),
    ("knew", "know"),
    ("known", "know"),
    ("laid", "lay"),
    ("led", "lead"),
    ("left", "leave"),
    ("lent", "lend"),
    ("lied", "lie"),
    ("lost", "lose"),
    ("lying", "lie"),
    ("made", "make"),
    ("meant", "mean"),
    ("met", "meet"),
    ("might", "might"),
    ("paid", "pay"),
    ("ran", "run"),
    ("risen", "rise"),
    ("rose", "rise"),
    ("said", "say"),
    ("sang", "sing"),
    ("sat", "sit"),
    ("saw", "see"),
    ("seen", "see"),
    ("sent", "send"),
    ("sha", "shall"),
    ("shook", "shake"),
    ("shot", "shoot"),
    ("should", "should"),
    ("sold", "sell"),
    ("sought", "seek"),
    ("spent", "spend"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("stood", "stand"),
    ("struck", "strike"),
    ("taken", "take"),
    ("taught", "teach"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("tied", "tie"),
    ("told", "tell"),
    ("took", "take"),
    ("tying", "tie"),
    ("understood", "understand"),
    ("undertook", "undertake"),
    ("upheld", "uphold"),
    ("was", "be"),
    ("went", "go"),
    ("were", "be"),
    ("withdrawn", "withdraw"),
    ("withdrew", "withdraw"),
    ("withheld", "withhold"),
    ("wo", "will"),
    ("won", "win"),
    ("would", "would"),
    ("written", "write"),
    ("wrote", "write"),
];

/// The base form of a verb or auxiliary (lowercased).
pub fn lemma(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_uppercase) {
        return Cow::Owned(lemma(&word.to_lowercase()).into_owned());
    }
    if let Ok(i) = IRREGULAR.binary_search_by(|(form, _)| (*form).cmp(word)) {
        return Cow::Borrowed(IRREGULAR[i].1);
    }
    if word.contains('’') {
        return Cow::Owned(lemma(&word.replace('’', "'")).into_owned());
    }
    regular(word)
}

/// Suffix rules for regular verbs.
fn regular(word: &str) -> Cow<'_, str> {
    let n = word.len();
    if n > 4 && (word.ends_with("ied") || word.ends_with("ies")) {
        return Cow::Owned(format!("{}y", &word[..n - 3]));
    }
    if let Some(stem) = word
        .strip_suffix("ing")
        .filter(|s| s.len() >= 2 && has_vowel(s))
    {
        return restore(stem);
    }
    if word.ends_with("eed") {
        let agreed = ["agreed", "freed", "guaranteed", "decreed", "disagreed"].contains(&word);
        return Cow::Borrowed(if agreed { &word[..n - 1] } else { word });
    }
    if let Some(stem) = word
        .strip_suffix("ed")
        .filter(|s| s.len() >= 2 && has_vowel(s))
    {
        return restore(stem);
    }
    for sibilant in ["sses", "shes", "ches", "xes", "zzes"] {
        if word.ends_with(sibilant) {
            return Cow::Borrowed(&word[..n - 2]);
        }
    }
    let plain_s = word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && n > 3;
    if plain_s {
        return Cow::Borrowed(&word[..n - 1]);
    }
    Cow::Borrowed(word)
}

fn has_vowel(s: &str) -> bool {
    s.bytes().any(|b| b"aeiouy".contains(&b))
}

fn is_vowel(b: u8) -> bool {
    b"aeiou".contains(&b)
}

/// Undoes consonant doubling ("bann" -> "ban") or restores a dropped final e ("impos" -> "impose").
fn restore(stem: &str) -> Cow<'_, str> {
    let b = stem.as_bytes();
    let n = b.len();
    let (last, prev) = (b[n - 1], b[n - 2]);
    if last == b'e' && prev == b'e' {
        return Cow::Borrowed(stem);
    }
    if last == prev && b"bdgmnprt".contains(&last) {
        return Cow::Borrowed(&stem[..n - 1]);
    }
    if needs_e(b) {
        return Cow::Owned(format!("{stem}e"));
    }
    Cow::Borrowed(stem)
}

/// Whether a stem lost a final e before -ed/-ing, by its last letters.
fn needs_e(b: &[u8]) -> bool {
    let n = b.len();
    let last = b[n - 1];
    let prev = b[n - 2];
    let third = if n >= 3 { b[n - 3] } else { b'a' };
    let consonant = |c: u8| !is_vowel(c) && c != b'y';
    match last {
        b'e' | b'v' | b'z' | b'u' => true,
        b'c' => prev != b'c',
        b's' => prev != b's',
        b'g' => prev != b'n' || third == b'a',
        b'l' => consonant(prev) && prev != b'l' && prev != b'r',
        b'd' | b'r' | b't' | b'k' | b'm' | b'p' | b'n' => {
            let v = matches!(
                (last, prev),
                (b'd', b'a' | b'i' | b'o' | b'u')
                    | (b'r', b'a' | b'i' | b'u')
                    | (b't', b'a' | b'o' | b'u')
                    | (b'k', b'a' | b'o')
                    | (b'm', b'a' | b'o')
                    | (b'p', b'a')
                    | (b'n', b'i')
            );
            v && consonant(third) || b.ends_with(b"stor") || b.ends_with(b"gnor")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irregular_table_is_sorted() {
        assert!(IRREGULAR.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn sanctions_verbs() {
        let cases = [
            ("imposed", "impose"),
            ("froze", "freeze"),
            ("lifted", "lift"),
            ("imposing", "impose"),
            ("Imposes", "impose"),
            ("banned", "ban"),
            ("banning", "ban"),
            ("sanctioned", "sanction"),
            ("targets", "target"),
            ("eased", "ease"),
            ("announced", "announce"),
            ("seized", "seize"),
            ("applied", "apply"),
            ("agreed", "agree"),
            ("evading", "evade"),
            ("evaded", "evade"),
            ("dodging", "dodge"),
            ("revoked", "revoke"),
            ("designated", "designate"),
            ("were", "be"),
            ("extends", "extend"),
            ("passes", "pass"),
            ("restoring", "restore"),
            ("declared", "declare"),
            ("calling", "call"),
            ("threatened", "threaten"),
            ("barred", "bar"),
            ("wo", "will"),
            ("n't", "n't"),
            ("added", "add"),
            ("’s", "be"),
            ("combined", "combine"),
            ("voted", "vote"),
            ("need", "need"),
            ("proceeded", "proceed"),
            ("seeing", "see"),
            ("agreeing", "agree"),
            ("died", "die"),
            ("bring", "bring"),
            ("been", "be"),
            ("played", "play"),
            ("joined", "join"),
        ];
        for (form, base) in cases {
            assert_eq!(lemma(form), base, "{form}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        for w in [
            "", "e", "ed", "ing", "ies", "s", "ü", "ßed", "ǅing", "’", "''", "xxed",
        ] {
            let _ = lemma(w);
        }
    }
}
