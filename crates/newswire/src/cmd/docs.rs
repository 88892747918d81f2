//! `newswire completions <shell>` and `newswire man`: shell completions and the man page,
//! generated from the same command-line definition clap parses, so they never drift.

use std::io::Write;
use std::process::ExitCode;

use clap_complete::Shell;
use newswire_pipeline::failure::{Failure, FailureKind};

/// `newswire completions <shell>`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    newswire completions bash > /etc/bash_completion.d/newswire\n  \
    newswire completions zsh > \"${fpath[1]}/_newswire\"\n  \
    newswire completions fish > ~/.config/fish/completions/newswire.fish")]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script for `args.shell` to stdout.
pub fn completions(args: CompletionsArgs, mut cli: clap::Command) -> anyhow::Result<ExitCode> {
    let name = cli.get_name().to_string();
    clap_complete::generate(args.shell, &mut cli, name, &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// `newswire man [--dir DIR]`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    newswire man | man -l -\n  \
    newswire man --dir /usr/local/share/man/man1 && mandb")]
pub struct ManArgs {
    /// Write newswire.1 and one newswire-COMMAND.1 per command into DIR instead of printing
    /// the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

/// The man pages (roff, section 1): the main page on stdout, or every page into `--dir`.
pub fn man(args: ManArgs, cli: clap::Command) -> anyhow::Result<ExitCode> {
    let cli = cli.version(crate::VERSION);
    let Some(dir) = args.dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(cli).render(&mut out)?;
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(&out).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
            other => other.map(|()| ExitCode::SUCCESS).map_err(Into::into),
        };
    };
    std::fs::create_dir_all(&dir).map_err(|e| cant_create(&dir, e))?;
    let mut pages = vec![(cli.get_name().to_string(), cli.clone())];
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{}-{}", cli.get_name(), sub.get_name());
        // clap wants a 'static name; a handful of short strings once per process.
        let page = sub.clone().name(&*Box::leak(name.clone().into_boxed_str()));
        pages.push((name, page));
    }
    for (name, page) in pages {
        let path = dir.join(format!("{name}.1"));
        let mut out = Vec::new();
        clap_mangen::Man::new(page).render(&mut out)?;
        std::fs::write(&path, out).map_err(|e| cant_create(&path, e))?;
        tracing::info!(page = %path.display(), "man page written");
    }
    Ok(ExitCode::SUCCESS)
}

fn cant_create(path: &std::path::Path, e: std::io::Error) -> anyhow::Error {
    Failure::new(FailureKind::CantCreate, format!("{}: {e}", path.display())).into()
}
