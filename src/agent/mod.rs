//! `migsmith agent install`: the `/generate-migration` command file for Claude Code, and the
//! MCP configuration snippets for the common clients.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The command file, driving `migsmith` through detect, schema, generate (dry run), review,
/// write and verify.
pub const COMMAND: &str = include_str!("generate-migration.md");

/// Where the command file goes, relative to the project.
pub const COMMAND_PATH: &str = ".claude/commands/generate-migration.md";

/// A file is already there and `--force` was not given.
#[derive(Debug, thiserror::Error)]
#[error("{} already exists; pass --force to overwrite it", .0.display())]
pub struct Exists(pub PathBuf);

/// Write the command file under `dir`; refuse to replace an existing file unless `force`.
/// Returns the path written.
pub fn install(dir: &Path, force: bool) -> Result<PathBuf> {
    let path = if dir == Path::new(".") {
        PathBuf::from(COMMAND_PATH)
    } else {
        dir.join(COMMAND_PATH)
    };
    if path.exists() && !force {
        return Err(Exists(path).into());
    }
    let parent = path.parent().expect("the path has a parent");
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    std::fs::write(&path, COMMAND).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The MCP configuration for the common clients.
pub fn mcp_config() -> String {
    let json = r#"{
  "mcpServers": {
    "migsmith": {
      "command": "migsmith",
      "args": ["mcp"]
    }
  }
}"#;
    format!(
        "MCP server (tools: detect, schema, generate, verify, check, explain_rule):\n\n\
         Claude Code:\n  claude mcp add migsmith -- migsmith mcp\n\n\
         .mcp.json (Claude Code, per project), claude_desktop_config.json (Claude Desktop),\n\
         .cursor/mcp.json or ~/.cursor/mcp.json (Cursor):\n{}\n",
        indent(json)
    )
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `migsmith agent …`
#[derive(clap::Args)]
pub struct AgentArgs {
    #[command(subcommand)]
    command: AgentCommand,
}

#[derive(clap::Subcommand)]
enum AgentCommand {
    /// Write .claude/commands/generate-migration.md (the /generate-migration command for Claude
    /// Code) and print the MCP server configuration for Claude Code, Claude Desktop and Cursor.
    Install {
        /// The project to install into.
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Overwrite an existing command file.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: AgentArgs) -> Result<()> {
    match args.command {
        AgentCommand::Install { dir, force } => {
            let path = install(&dir, force)?;
            println!(
                "wrote {}: in Claude Code, run /generate-migration <change>\n",
                path.display()
            );
            print!("{}", mcp_config());
            Ok(())
        }
    }
}
