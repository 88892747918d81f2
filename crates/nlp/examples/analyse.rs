//! Prints the tokens, tags and chunks of each argument (or each line of stdin) as one sentence.
//!
//! `cargo run -p newswire-nlp --example analyse -- "Sanctions were imposed on Iran."`

use newswire_nlp::{analyse, ChunkKind};
use std::io::BufRead;

fn show(text: &str) {
    let s = analyse(text);
    for i in 0..s.tokens.len() {
        print!("{}/{}", s.word(i), s.upos[i].as_str());
        if s.forms[i] != newswire_nlp::VerbForm::None {
            print!(":{:?}", s.forms[i]);
        }
        print!(" ");
    }
    println!();
    for (k, c) in s.chunks.iter().enumerate() {
        let kind = match c.kind {
            ChunkKind::Noun => "NP",
            ChunkKind::Verb => "VG",
            ChunkKind::Prep => "PP",
        };
        print!(
            "  {k:2} {kind} [{}] head={}",
            s.chunk_text(k),
            s.word(c.head)
        );
        if let Some(p) = c.possessor {
            print!(" possessor={p}");
        }
        if let (Some(o), Some(a)) = (c.object, c.attachment) {
            print!(" object={o} attaches={a}");
        }
        if let Some(l) = c.coordination {
            print!(" list={l}");
        }
        if c.kind == ChunkKind::Verb {
            print!(" lemma={} {:?}", s.lemma(c.head), c.verb);
        }
        println!();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            show(&line);
        }
    } else {
        args.iter().for_each(|a| show(a));
    }
}
