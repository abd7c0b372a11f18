//! `migsmith completions SHELL` and `migsmith man`: generated from the clap definitions, so
//! they always match the binary.

use anyhow::{anyhow, Context, Result};
use clap_complete::Shell;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Write one page per command into this directory (migsmith.1, migsmith-generate.1, …)
    /// instead of printing migsmith.1 on stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<()> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "migsmith", &mut out);
    std::io::stdout()
        .write_all(&out)
        .context("cannot write the completion script")
}

pub fn man(args: ManArgs) -> Result<()> {
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    match &args.dir {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            std::io::stdout()
                .write_all(&out)
                .context("cannot write the man page")
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let mut pages = vec![cmd.clone()];
            pages.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
            let pages: Vec<_> = pages.into_iter().map(clap_mangen::Man::new).collect();
            // Every target is checked before anything is written.
            for man in &pages {
                refuse_foreign(&dir.join(man.get_filename()))?;
            }
            for man in pages {
                let path = dir.join(man.get_filename());
                let mut out = Vec::new();
                man.render(&mut out)?;
                std::fs::write(&path, out)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!("{}", path.display());
            }
            Ok(())
        }
    }
}

/// A page from an earlier `migsmith man --dir` is replaced; any other file is left alone.
fn refuse_foreign(path: &Path) -> Result<()> {
    match std::fs::read_to_string(path) {
        Err(_) => Ok(()),
        Ok(text) if text.contains(".TH migsmith") => Ok(()),
        Ok(_) => Err(anyhow!(
            "{} exists and is not a migsmith man page; refusing to overwrite it (choose another --dir)",
            path.display()
        )),
    }
}
