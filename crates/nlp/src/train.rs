//! Training and evaluation of the tagger (Collins 2002 averaged perceptron, greedy decoding
//! with the tagger's own previous guesses as context, as in Honnibal 2013). Deterministic:
//! the same corpus and options give the same model bytes.

use crate::conllu::TreebankSentence;
use crate::features::{features, lower_hash, word_hashes, Lexicon, WordHashes, N_FEATURES};
use crate::model::encode;
use crate::tagger::{argmax, Tagger, START1, START2};
use crate::tags::{class_of, N_CLASSES};
use std::collections::{BTreeMap, HashMap};

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainOptions {
    /// log2 of the number of hashed feature rows (18: 262,144 rows).
    pub log2_buckets: u8,
    /// Passes over the training data; the pass with the best dev accuracy is kept.
    pub max_iterations: usize,
    /// Seed of the shuffle between passes.
    pub seed: u64,
    /// A word enters the tag dictionary when seen this often ...
    pub dict_min_count: usize,
    /// ... with one class in at least this share of its occurrences, in thousandths.
    pub dict_min_share_permille: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            log2_buckets: 18,
            max_iterations: 10,
            seed: 0x6e77_7300,
            dict_min_count: 20,
            dict_min_share_permille: 970,
        }
    }
}

/// Accuracy counts of a tagger on gold-tokenised sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accuracy {
    /// Words tagged.
    pub words: usize,
    /// Words whose UPOS is right.
    pub upos_correct: usize,
    /// Words whose gold UPOS is VERB or AUX.
    pub verbs: usize,
    /// Of those, words whose verb form is right.
    pub form_correct: usize,
}

impl Accuracy {
    /// UPOS accuracy in [0, 1].
    pub fn upos(&self) -> f64 {
        self.upos_correct as f64 / self.words.max(1) as f64
    }
    /// Verb-form accuracy over gold VERB and AUX words, in [0, 1].
    pub fn verb_form(&self) -> f64 {
        self.form_correct as f64 / self.verbs.max(1) as f64
    }
}

/// Tags every sentence with its gold tokens and counts agreement with the gold tags.
pub fn evaluate(tagger: &Tagger, sentences: &[TreebankSentence]) -> Accuracy {
    let mut acc = Accuracy::default();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let (upos, forms) = tagger.tag(&words);
        for ((w, u), f) in s.words.iter().zip(upos).zip(forms) {
            acc.words += 1;
            acc.upos_correct += (w.upos == u) as usize;
            if matches!(w.upos, crate::Upos::Verb | crate::Upos::Aux) {
                acc.verbs += 1;
                acc.form_correct += (w.verb_form() == f) as usize;
            }
        }
    }
    acc
}

/// What training did: dev accuracy after each pass and the pass kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrainReport {
    /// Dev accuracy of the averaged model after each pass.
    pub dev: Vec<Accuracy>,
    /// 1-based pass whose model was kept.
    pub best_iteration: usize,
    /// Entries in the tag dictionary.
    pub dict_words: usize,
}

/// Trains on `train`, picks the pass by UPOS accuracy on `dev`, returns the model file bytes.
pub fn train(
    train: &[TreebankSentence],
    dev: &[TreebankSentence],
    opts: &TrainOptions,
) -> (Vec<u8>, TrainReport) {
    let dict = tag_dictionary(train, opts);
    let lookup: HashMap<&str, u8> = dict.iter().map(|(w, c)| (w.as_str(), *c)).collect();
    let lexicon = lexicon(train);
    let lex: Lexicon = lexicon.iter().map(|(w, m)| (lower_hash(w), *m)).collect();
    let data: Vec<Example> = train.iter().map(|s| Example::new(s, &lex)).collect();
    let mut p = Perceptron::new(opts.log2_buckets);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = opts.seed | 1;
    let mut report = TrainReport {
        dict_words: dict.len(),
        ..TrainReport::default()
    };
    let mut best: Option<(usize, Vec<u8>)> = None;
    for iteration in 1..=opts.max_iterations {
        for &i in &order {
            p.learn_sentence(&data[i], &lookup);
        }
        let bytes = encode(opts.log2_buckets, &p.quantised(), &dict, &lexicon);
        let acc = match Tagger::from_bytes(&bytes) {
            Ok(t) => evaluate(&t, dev),
            Err(_) => Accuracy::default(),
        };
        report.dev.push(acc);
        if best.as_ref().is_none_or(|(c, _)| acc.upos_correct > *c) {
            best = Some((acc.upos_correct, bytes));
            report.best_iteration = iteration;
        }
        shuffle(&mut order, &mut rng);
    }
    (best.map(|(_, b)| b).unwrap_or_default(), report)
}

/// Frequent words seen (almost) always with one class, sorted by word.
fn tag_dictionary(train: &[TreebankSentence], opts: &TrainOptions) -> Vec<(String, u8)> {
    let mut counts: BTreeMap<&str, [usize; N_CLASSES]> = BTreeMap::new();
    for w in train.iter().flat_map(|s| &s.words) {
        counts.entry(&w.form).or_insert([0; N_CLASSES])
            [class_of(w.upos, w.verb_form()) as usize] += 1;
    }
    counts
        .into_iter()
        .filter_map(|(word, c)| {
            let total: usize = c.iter().sum();
            let best = argmax(&c);
            let share = c[best as usize] * 1000;
            let keep = total >= opts.dict_min_count
                && share >= opts.dict_min_share_permille * total
                && word.len() <= 255;
            keep.then(|| (word.to_string(), best))
        })
        .collect()
}

/// Lowercased words seen at least 3 times (rarer ones look unknown, as new words will), with
/// the classes seen in at least 5% of their occurrences.
fn lexicon(train: &[TreebankSentence]) -> Vec<(String, u32)> {
    let mut counts: BTreeMap<String, [usize; N_CLASSES]> = BTreeMap::new();
    for w in train.iter().flat_map(|s| &s.words) {
        let starts_with_digit = w.form.starts_with(|c: char| c.is_ascii_digit());
        if w.form.len() <= 255 && !starts_with_digit {
            let c = counts
                .entry(w.form.to_lowercase())
                .or_insert([0; N_CLASSES]);
            c[class_of(w.upos, w.verb_form()) as usize] += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(w, c)| c.iter().sum::<usize>() >= 3 && w.len() <= 255)
        .map(|(w, c)| {
            let total: usize = c.iter().sum();
            let mask = (0..N_CLASSES)
                .filter(|&i| c[i] * 20 >= total)
                .fold(0u32, |m, i| m | 1 << i);
            (w, mask)
        })
        .collect()
}

/// A training sentence reduced to what the learner reads.
struct Example<'a> {
    words: Vec<&'a str>,
    hashes: Vec<WordHashes>,
    gold: Vec<u8>,
}

impl<'a> Example<'a> {
    fn new(s: &'a TreebankSentence, lexicon: &Lexicon) -> Self {
        Example {
            words: s.words.iter().map(|w| w.form.as_str()).collect(),
            hashes: s
                .words
                .iter()
                .map(|w| word_hashes(&w.form, lexicon))
                .collect(),
            gold: s
                .words
                .iter()
                .map(|w| class_of(w.upos, w.verb_form()))
                .collect(),
        }
    }
}

/// Dense hashed weights with lazy averaging (each weight's running total and last update).
struct Perceptron {
    shift: u32,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    now: u32,
}

impl Perceptron {
    fn new(log2_buckets: u8) -> Self {
        let n = (1usize << log2_buckets) * N_CLASSES;
        Perceptron {
            shift: 64 - log2_buckets as u32,
            weights: vec![0.0; n],
            totals: vec![0.0; n],
            stamps: vec![0; n],
            now: 0,
        }
    }

    fn rows(&self, feats: &[u64; N_FEATURES]) -> [usize; N_FEATURES] {
        feats.map(|f| (f >> self.shift) as usize * N_CLASSES)
    }

    fn learn_sentence(&mut self, ex: &Example<'_>, dict: &HashMap<&str, u8>) {
        let (mut p1, mut p2) = (START1, START2);
        for i in 0..ex.words.len() {
            let guess = match dict.get(ex.words[i]) {
                Some(&c) => c,
                None => {
                    let rows = self.rows(&features(&ex.hashes, i, p1, p2));
                    let guess = self.predict(&rows);
                    self.now += 1;
                    if guess != ex.gold[i] {
                        self.update(&rows, ex.gold[i], guess);
                    }
                    guess
                }
            };
            (p2, p1) = (p1, guess);
        }
    }

    fn predict(&self, rows: &[usize; N_FEATURES]) -> u8 {
        let mut scores = [0f32; N_CLASSES];
        for &r in rows {
            for (s, w) in scores.iter_mut().zip(&self.weights[r..r + N_CLASSES]) {
                *s += w;
            }
        }
        argmax(&scores)
    }

    fn update(&mut self, rows: &[usize; N_FEATURES], truth: u8, guess: u8) {
        for &r in rows {
            self.bump(r + truth as usize, 1.0);
            self.bump(r + guess as usize, -1.0);
        }
    }

    fn bump(&mut self, i: usize, delta: f32) {
        self.totals[i] += (self.now - self.stamps[i]) as f64 * self.weights[i] as f64;
        self.stamps[i] = self.now;
        self.weights[i] += delta;
    }

    /// The averaged weights scaled so the largest is +-32000, rounded to i16.
    fn quantised(&self) -> Vec<i16> {
        let now = self.now.max(1) as f64;
        let avg: Vec<f64> = (0..self.weights.len())
            .map(|i| {
                (self.totals[i] + (self.now - self.stamps[i]) as f64 * self.weights[i] as f64) / now
            })
            .collect();
        let max = avg.iter().fold(0f64, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { 32000.0 / max } else { 0.0 };
        avg.iter().map(|w| (w * scale).round() as i16).collect()
    }
}

/// Fisher-Yates with xorshift64: the same seed gives the same order on every machine.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        order.swap(i, (*state % (i as u64 + 1)) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::parse;

    fn corpus() -> Vec<TreebankSentence> {
        let mut doc = String::new();
        for _ in 0..30 {
            doc.push_str("1\tSanctions\t_\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n2\twere\t_\tAUX\tVBD\t_\t3\taux\t_\t_\n");
            doc.push_str("3\timposed\t_\tVERB\tVBN\t_\t0\troot\t_\t_\n4\t.\t_\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n");
            doc.push_str("1\tThey\t_\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n2\timposed\t_\tVERB\tVBD\t_\t0\troot\t_\t_\n");
            doc.push_str("3\tbans\t_\tNOUN\tNNS\t_\t2\tobj\t_\t_\n\n");
        }
        parse(&doc).unwrap()
    }

    #[test]
    fn learns_a_toy_corpus_deterministically() {
        let data = corpus();
        let opts = TrainOptions {
            log2_buckets: 18,
            max_iterations: 3,
            ..TrainOptions::default()
        };
        let (a, report) = train(&data, &data, &opts);
        let (b, _) = train(&data, &data, &opts);
        assert_eq!(a, b);
        assert_eq!(report.dev.len(), 3);
        let t = Tagger::from_bytes(&a).unwrap();
        let acc = evaluate(&t, &data);
        assert_eq!(acc.upos_correct, acc.words);
        assert_eq!(acc.form_correct, acc.verbs);
    }
}
