//! Exit codes, from sysexits(3), so scripts and orchestrators can tell failures apart. Every
//! command of the binary ends through this module; the exit-code table of the operator docs
//! lists the same codes, and `tests/exit_codes.rs` checks it against the binary.

use std::process::ExitCode;

use newswire_pipeline::failure::{self, FailureKind};

/// Everything worked.
pub const OK: u8 = 0;
/// The command line is wrong: an unknown flag, a bad value, a missing argument.
pub const USAGE: u8 = 64;
/// The input data was bad (an unparseable feed, bad JSON lines).
pub const DATA: u8 = 65;
/// An input file does not exist or cannot be read.
pub const NOINPUT: u8 = 66;
/// A dependency cannot be reached: the Kafka brokers, the database, every feed.
pub const UNAVAILABLE: u8 = 69;
/// An internal error: a bug, or a stage that ended on its own.
pub const SOFTWARE: u8 = 70;
/// An output cannot be created (the JSON Lines directory).
pub const CANTCREAT: u8 = 73;
/// Reading or writing local state (the feed state directory) failed.
pub const IOERR: u8 = 74;
/// Part of the work failed and a later run will do it: some feeds failed, records were not
/// acknowledged, the drain was cut short by the deadline.
pub const TEMPFAIL: u8 = 75;
/// The configuration is invalid (the file, a setting, a missing setting).
pub const CONFIG: u8 = 78;
/// A second SIGTERM/SIGINT: the process exited without draining (128 + SIGINT, as shells do).
/// The signal handler exits with it directly; it is here so the table is complete.
#[allow(dead_code)]
pub const INTERRUPTED: u8 = 130;

/// The code for a kind of failure.
pub fn code(kind: FailureKind) -> u8 {
    match kind {
        FailureKind::Usage => USAGE,
        FailureKind::Data => DATA,
        FailureKind::NoInput => NOINPUT,
        FailureKind::Unavailable => UNAVAILABLE,
        FailureKind::CantCreate => CANTCREAT,
        FailureKind::Io => IOERR,
        FailureKind::TempFail => TEMPFAIL,
        FailureKind::Config => CONFIG,
    }
}

/// The code for an error: its kind's, else [`SOFTWARE`].
pub fn code_for(err: &anyhow::Error) -> u8 {
    failure::kind_of(err).map_or(SOFTWARE, code)
}

/// Logs `err` with its causes and returns its exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let code = code_for(err);
    tracing::error!(exit_code = code, "{err:#}");
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use newswire_pipeline::failure::Failure;

    #[test]
    fn every_kind_has_its_own_code_and_unknown_errors_are_internal() {
        let kinds = [
            FailureKind::Usage,
            FailureKind::Data,
            FailureKind::NoInput,
            FailureKind::Unavailable,
            FailureKind::CantCreate,
            FailureKind::Io,
            FailureKind::TempFail,
            FailureKind::Config,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|k| code(*k)).collect();
        assert_eq!(codes, [64, 65, 66, 69, 73, 74, 75, 78]);
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        let err = anyhow::Error::new(Failure::unavailable("x")).context("starting");
        assert_eq!(code_for(&err), UNAVAILABLE);
        assert_eq!(code_for(&anyhow::anyhow!("a bug")), SOFTWARE);
        assert_eq!(INTERRUPTED, newswire_pipeline::shutdown::EXIT_INTERRUPTED);
    }
}
