//! `migsmith agent install`: the command file is written, never overwritten without --force,
//! and the MCP snippets are printed; the command file's steps are real `migsmith` commands and
//! flags, and its flow (detect, schema, dry run, write the reviewed plan) works on a project.

use std::path::Path;
use std::process::{Command, Output};

const COMMAND_FILE: &str = ".claude/commands/generate-migration.md";

fn migsmith(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn install_writes_the_command_file_and_prints_the_mcp_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(dir.path(), &["agent", "install"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("wrote {COMMAND_FILE}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("claude mcp add migsmith -- migsmith mcp"),
        "{stdout}"
    );
    // The JSON snippet parses and names the server.
    let start = stdout.find('{').unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout[start..]).unwrap();
    assert_eq!(
        json["mcpServers"]["migsmith"],
        serde_json::json!({"command": "migsmith", "args": ["mcp"]})
    );
    let written = std::fs::read_to_string(dir.path().join(COMMAND_FILE)).unwrap();
    assert!(written.starts_with("---\ndescription: "), "front matter");
    assert!(written.contains("$ARGUMENTS"));
}

#[test]
fn install_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("app");
    std::fs::create_dir_all(project.join(".claude/commands")).unwrap();
    let file = project.join(COMMAND_FILE);
    std::fs::write(&file, "my own command\n").unwrap();
    let out = migsmith(
        dir.path(),
        &["agent", "install", "--dir", project.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already exists; pass --force"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my own command\n");

    let out = migsmith(
        dir.path(),
        &[
            "agent",
            "install",
            "--dir",
            project.to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("## Execution Flow"));
}

/// The `migsmith …` lines of the command file's ```bash blocks.
fn command_lines() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    assert!(migsmith(dir.path(), &["agent", "install"]).status.success());
    let doc = std::fs::read_to_string(dir.path().join(COMMAND_FILE)).unwrap();
    let mut lines = vec![];
    let mut in_bash = false;
    for line in doc.lines() {
        match line.trim() {
            "```bash" => in_bash = true,
            "```" => in_bash = false,
            l if in_bash && l.starts_with("migsmith ") => lines.push(l.to_string()),
            _ => {}
        }
    }
    lines
}

#[test]
fn the_command_file_uses_real_commands_and_flags() {
    let lines = command_lines();
    assert!(lines.len() >= 6, "{lines:?}");
    let dir = tempfile::tempdir().unwrap();
    for step in ["detect", "schema", "generate", "verify", "check"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("migsmith {step} "))),
            "no `migsmith {step}` step in {lines:?}"
        );
    }
    for line in &lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        let help = text(&migsmith(dir.path(), &[words[1], "--help"]));
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "`{line}`: `migsmith {}` has no {flag}",
                words[1]
            );
        }
    }
}

#[test]
fn the_command_file_flow_works_on_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    std::fs::create_dir_all(project.join("migrations")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/saas.sql"),
        project.join("migrations/20260101000000_init.up.sql"),
    )
    .unwrap();
    let plan = project.join("plan.json");
    let report = project.join("report.md");
    let (plan_s, report_s) = (plan.to_str().unwrap(), report.to_str().unwrap());
    // 1. detect, 2. schema
    let detected = migsmith(project, &["detect", "--format", "json"]);
    let detected: serde_json::Value = serde_json::from_slice(&detected.stdout).unwrap();
    assert_eq!(detected["framework"], "sql");
    let schema = migsmith(project, &["schema", "--format", "json"]);
    assert!(
        String::from_utf8_lossy(&schema.stdout).contains("\"members\""),
        "{}",
        text(&schema)
    );
    // 3. dry run, with the report saved for review
    let dry = migsmith(
        project,
        &[
            "generate",
            "add email_verified to members",
            "--dry-run",
            "--format",
            "json",
            "--report",
            report_s,
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    std::fs::write(&plan, &dry.stdout).unwrap();
    // 4. the report to show
    let markdown = std::fs::read_to_string(&report).unwrap();
    assert!(markdown.starts_with("# Migration: Add email_verified to members"));
    let before: Vec<_> = std::fs::read_dir(project.join("migrations"))
        .unwrap()
        .collect();
    assert_eq!(before.len(), 1, "the dry run wrote nothing");
    // 5. write the reviewed plan
    let write = migsmith(project, &["generate", "--ops", plan_s]);
    assert_eq!(write.status.code(), Some(0), "{}", text(&write));
    let reviewed: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    for f in reviewed["files"].as_array().unwrap() {
        let on_disk = std::fs::read_to_string(project.join(f["path"].as_str().unwrap()))
            .expect("the reviewed file was written");
        assert_eq!(on_disk, f["contents"].as_str().unwrap());
    }
    // Lint what was written.
    let check = migsmith(project, &["check", "migrations/"]);
    assert!(
        matches!(check.status.code(), Some(0 | 1)),
        "{}",
        text(&check)
    );
}
