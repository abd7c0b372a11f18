//! `migsmith completions` and `migsmith man` as users install them: every shell's script is
//! generated, parses in that shell and completes the subcommands; the man pages render with
//! man/groff without a warning. The shells and man tools are installed by scripts/setup.sh;
//! outside CI a missing one skips its check, under CI it fails.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const SUBCOMMANDS: &[&str] = &[
    "generate",
    "schema",
    "verify",
    "calibrate",
    "detect",
    "check",
    "config",
    "completions",
    "man",
];

fn migsmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .output()
        .expect("run migsmith")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether `tool` can run (else skip, or fail under CI).
fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("CI: {tool} is required (scripts/setup.sh installs it)");
        }
        eprintln!("skipping: {tool} is not installed");
    }
    found
}

/// Run `shell_args` with `script` written to a file, returning stdout+stderr and success.
fn run_with_file(program: &str, args: &[&str], script: &str, file: &Path) -> (bool, String) {
    std::fs::write(file, script).unwrap();
    let out = Command::new(program).args(args).arg(file).output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = migsmith(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = stdout(&out);
        assert!(script.len() > 1000, "{shell}: {script}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} script lacks `{sub}`");
        }
        assert!(script.contains("lock-timeout"), "{shell}: flags missing");
    }
    let out = migsmith(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn bash_script_parses_and_completes() {
    if !have("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = stdout(&migsmith(&["completions", "bash"]));
    let file = dir.path().join("migsmith.bash");
    let (ok, text) = run_with_file("bash", &["-n"], &script, &file);
    assert!(ok, "bash -n: {text}");
    // Complete `migsmith gen` and `migsmith generate --lock` as bash would.
    let probe = format!(
        "source {}\n\
         COMP_WORDS=(migsmith gen); COMP_CWORD=1; _migsmith migsmith gen migsmith; echo \"1:${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(migsmith generate --lock); COMP_CWORD=2; _migsmith migsmith --lock generate; echo \"2:${{COMPREPLY[*]}}\"\n",
        file.display()
    );
    let (ok, text) = run_with_file("bash", &[], &probe, &dir.path().join("probe.bash"));
    assert!(ok, "{text}");
    assert!(text.contains("1:generate"), "{text}");
    assert!(text.contains("2:--lock-timeout"), "{text}");
}

#[test]
fn zsh_script_parses() {
    if !have("zsh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = stdout(&migsmith(&["completions", "zsh"]));
    let (ok, text) = run_with_file("zsh", &["-n"], &script, &dir.path().join("_migsmith"));
    assert!(ok, "zsh -n: {text}");
    assert!(script.starts_with("#compdef migsmith"), "{script}");
}

#[test]
fn fish_script_parses_and_completes() {
    if !have("fish") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = stdout(&migsmith(&["completions", "fish"]));
    let file = dir.path().join("migsmith.fish");
    let (ok, text) = run_with_file("fish", &["--no-execute"], &script, &file);
    assert!(ok, "fish --no-execute: {text}");
    let probe = format!(
        "source {}; complete -C 'migsmith ge'; complete -C 'migsmith check --for'",
        file.display()
    );
    let out = Command::new("fish").args(["-c", &probe]).output().unwrap();
    let text = stdout(&out);
    assert!(text.contains("generate\t"), "{text}");
    assert!(text.contains("--format"), "{text}");
}

#[test]
fn man_page_renders_without_warnings() {
    let out = migsmith(&["man"]);
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH migsmith 1"),
        "{page}"
    );
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("migsmith\\-{sub}")),
            "man page lacks {sub}"
        );
    }
    // The exit codes are documented in the page itself.
    assert!(page.contains("database unreachable"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("migsmith.1");
    std::fs::write(&file, &page).unwrap();
    if have("groff") {
        let out = Command::new("groff")
            .args(["-k", "-man", "-Tutf8", "-z", "-ww"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.is_empty(), "groff: {warnings}");
    }
    if have("man") {
        let out = Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = stdout(&out);
        assert!(text.contains("NAME"), "{text}");
        assert!(text.contains("--config"), "{text}");
    }
}

#[test]
fn man_dir_writes_one_page_per_command_and_keeps_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    for sub in SUBCOMMANDS {
        let page = dir.path().join(format!("migsmith-{sub}.1"));
        let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("{page:?}"));
        assert!(text.contains(&format!(".TH migsmith-{sub} 1")), "{text}");
    }
    assert!(dir.path().join("migsmith.1").is_file());
    // A second run replaces its own pages; a file that is not one of them is never overwritten.
    assert!(migsmith(&["man", "--dir", dir.path().to_str().unwrap()])
        .status
        .success());
    std::fs::write(dir.path().join("migsmith-check.1"), "my notes\n").unwrap();
    let out = migsmith(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("migsmith-check.1")).unwrap(),
        "my notes\n"
    );
}

fn doc(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("docs/{name}: {e}"))
}

#[test]
fn configuration_page_documents_every_key_with_its_flag() {
    let page = doc("configuration.md");
    for key in migsmith::config::keys::KEYS {
        let row = page
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", key.name)))
            .unwrap_or_else(|| panic!("docs/configuration.md has no row for `{}`", key.name));
        if let Some(flag) = key.flag {
            assert!(row.contains(&format!("`{flag}`")), "{row}");
        }
    }
}

#[test]
fn cli_page_documents_global_flags_exit_codes_and_shells() {
    let page = doc("cli.md");
    // The global flags, as `migsmith --help` lists them.
    let help = stdout(&migsmith(&["--help"]));
    for flag in ["--config", "--no-config", "--color", "--quiet", "--verbose"] {
        assert!(help.contains(flag), "--help lacks {flag}");
        assert!(
            page.contains(&format!("`{flag}")),
            "docs/cli.md lacks {flag}"
        );
    }
    for code in ["0", "1", "2", "3", "130", "141"] {
        assert!(
            page.contains(&format!("\n| {code} |")),
            "docs/cli.md lacks exit code {code}"
        );
        assert!(
            help.contains(&format!("  {code}  ")),
            "--help lacks exit code {code}"
        );
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            page.contains(&format!("migsmith completions {shell}")),
            "{shell}"
        );
    }
    assert!(page.contains("migsmith man --dir"));
}
