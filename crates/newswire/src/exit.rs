//! Exit codes, from sysexits(3), so scripts can tell failures apart.

/// The input data was bad (an unparseable feed, bad JSON lines).
pub const DATA: u8 = 65;
/// The configuration is invalid.
pub const CONFIG: u8 = 78;
/// A service the config names (broker, database) cannot be reached.
pub const UNAVAILABLE: u8 = 69;
