//! Running newswire's stages: everything the `newswire` binary's commands are made of, so the
//! binary itself is only its command line.
//!
//! # Layout
//!
//! - [`config`]: the TOML config file, its environment overrides and its validation.
//! - [`kafka`]: the `[kafka]` section, topic creation, statistics export.
//! - [`stage`]: the stage loops (poll, enrich, sink) over the bus traits, and what they share:
//!   wire encoding, dead letters, counters.
//! - [`failure`]: what kind of failure an error is, for the exit status.
//! - [`service`]: the lifecycle every service process shares: start, health, drain, flush.
//! - [`feed_state`]: where the poller keeps feed state (the compacted topic or a directory).
//! - [`telemetry`]: the Prometheus metrics.
//! - [`health`]: the state of each component of a service, which readiness derives from.
//! - [`events`]: telemetry as named events, each logged and counted by one `emit()`.
//! - [`http`]: the operator's listener, `/livez`, `/readyz`, `/metrics`.
//! - [`lag`]: the consumer-lag gauge, measured in the background.
//! - [`shutdown`]: SIGTERM/SIGINT into a drain, a second signal exits.
//! - [`logging`]: the tracing subscriber on stderr, and rate limits for floods of one event.
//! - [`workers`]: the thread pool that enriches on every core, with ordered, bounded results.

pub mod config;
pub mod events;
pub mod failure;
pub mod feed_state;
pub mod health;
pub mod http;
pub mod kafka;
pub mod lag;
pub mod logging;
pub mod service;
pub mod shutdown;
pub mod stage;
pub mod telemetry;
pub mod workers;
