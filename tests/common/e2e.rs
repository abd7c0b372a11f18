//! What every framework end-to-end suite shares (`tests/e2e_*_frameworks.rs`): where the
//! project-local CLIs are, running one in a fixture project with the database's URL, copying
//! a fixture project, and listing the files a `generate` wrote.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where `scripts/install-code-frameworks.sh` puts the npm and pip CLIs.
pub const NODE_BIN: &str = ".e2e/node/node_modules/.bin";
pub const VENV_BIN: &str = ".e2e/venv/bin";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `PATH` with the project-local CLIs first.
pub fn search_path() -> std::ffi::OsString {
    let mut dirs = vec![repo().join(NODE_BIN), repo().join(VENV_BIN)];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}

/// The executables of `needs` found nowhere on [`search_path`].
pub fn missing_tools(needs: &[&str]) -> Vec<String> {
    let path = search_path();
    needs
        .iter()
        .filter(|tool| !std::env::split_paths(&path).any(|d| d.join(tool).is_file()))
        .map(|t| t.to_string())
        .collect()
}

/// Run `argv` (with `{n}` replaced by `n`) in `project`, `DATABASE_URL` set to `url`; its
/// stdout, or a panic showing both outputs.
pub fn run(project: &Path, url: &str, env: &[(&str, &str)], argv: &[&str], n: usize) -> String {
    let argv: Vec<String> = argv
        .iter()
        .map(|a| a.replace("{n}", &n.to_string()))
        .collect();
    let out = Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(project)
        .env("PATH", search_path())
        .env("DATABASE_URL", url)
        .env_remove("NODE_OPTIONS")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", argv[0]));
    if !out.status.success() {
        panic!(
            "`{}` failed in {}:\n{}\n{}",
            argv.join(" "),
            project.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|es| {
            es.filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default()
}

/// [`generate`] for `--dialect DIALECT --now NOW --schema SCHEMA` (the engine suites' fixture).
pub fn generate_for(
    dialect: &str,
    schema: &Path,
    project: &Path,
    framework: &str,
    dir: &str,
    description: &str,
    now: &str,
) -> Vec<PathBuf> {
    let schema = schema.to_str().unwrap();
    let args = ["--dialect", dialect, "--now", now, "--schema", schema];
    generate(project, framework, dir, description, &args)
}

/// `migsmith generate DESCRIPTION --framework FRAMEWORK --migrations-dir DIR` into `project`,
/// with `args` after them (`--schema`, `--dialect`, `--now`, …) and no `DATABASE_URL`; the
/// files it wrote, sorted. Panics when it fails or writes nothing.
pub fn generate(
    project: &Path,
    framework: &str,
    dir: &str,
    description: &str,
    args: &[&str],
) -> Vec<PathBuf> {
    let before = files_in(&project.join(dir));
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(["generate", description, "--framework", framework])
        .args(["--migrations-dir", dir])
        .arg("--project-dir")
        .arg(project)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "generate {description:?} --framework {framework} {}: failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut new: Vec<PathBuf> = files_in(&project.join(dir))
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    new.sort();
    assert!(
        !new.is_empty(),
        "generate {description:?} wrote no file in {dir}"
    );
    new
}

/// The changes each framework carries up and back down on MySQL/MariaDB and on SQLite (the
/// PostgreSQL suite has its own, with multi-phase and table-size variants).
pub const ENGINE_SCENARIOS: &[&str] = &[
    "add last_login_at to users",
    "add status varchar(20) default 'active' not null to users",
    "remove legacy_flag from users",
    // Indexed: the index goes with the column (on SQLite a rebuild); the down brings it back.
    "remove title from posts",
    "rename users.name to full_name",
    "rename table audit_log to events",
    "create table tags with name:string",
    "drop table audit_log",
    "add index on users(email)",
    "add unique index on users(email)",
    "drop index posts_title_idx",
    // SQLite: rebuilds from here on.
    "change type of users.age to bigint",
    "make users.email not null",
    "make users.name nullable",
    "set default of users.age to 0",
    "add foreign key from posts.author_id to users.id",
    "add foreign key from posts.author_id to users.id on delete cascade",
];
