//! The stages of the pipeline and how records pass between them.
//!
//! Each stage is a loop over the bus interface (`newswire_bus::{Producer, Consumer}`), so the
//! same code runs over the in-memory bus (`newswire run`) and over Kafka. Acknowledgements chain
//! backwards: the sink acknowledges an enriched record once written, which resolves the enrich
//! stage's receipt, which acknowledges the raw record, which resolves the poller's receipt, and
//! only then does the poller mark the article as delivered.

pub mod codec;
pub mod dead_letter;
pub mod enrich;
pub mod poll;
pub mod sink;
pub mod stats;
