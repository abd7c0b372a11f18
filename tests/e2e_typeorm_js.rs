//! TypeORM in a JavaScript (CommonJS) project: the `.js` migrations migsmith writes there — with
//! `require("typeorm")` for the classes its calls use, and no TypeScript syntax — run up with
//! the real `typeorm migration:run`, reach the catalog of the plain SQL files, and revert to the
//! start. (`tests/e2e_code_frameworks.rs` covers TypeScript projects with every scenario.)
//!
//! Needs `.e2e/node` from `scripts/install-code-frameworks.sh` and PostgreSQL; without them the
//! test says so and returns — except under CI, where it fails.

mod common;

use common::{assert_same_schema, TestDb};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Operations whose TypeORM calls differ most between TypeScript and JavaScript: classes
/// (`TableColumn`, `Table`, `TableIndex`) and `changeColumn` on a loaded column.
const SCENARIOS: &[&str] = &[
    "add status:varchar(20) not null default 'active' to users",
    "set default of users.age to 0",
    "make users.name nullable",
    "drop table audit_log",
    "add published_at to posts and add index on posts(published_at)",
];

const DATA_SOURCE: &str = r#"const { DataSource } = require("typeorm");
module.exports = new DataSource({
    type: "postgres",
    url: process.env.DATABASE_URL,
    migrations: [__dirname + "/migrations/*.js"],
    migrationsTransactionMode: "each",
});
"#;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn typeorm(project: &Path, url: &str, args: &[&str]) {
    let cli = repo().join(".e2e/node/node_modules/.bin/typeorm");
    let out = Command::new(&cli)
        .args(args)
        .args(["-d", "data-source.js"])
        .current_dir(project)
        .env("DATABASE_URL", url)
        .env_remove("NODE_OPTIONS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "typeorm {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn generate(project: &Path, framework: &str, description: &str, now: &str) -> Vec<PathBuf> {
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(["generate", description, "--framework", framework])
        .args([
            "--migrations-dir",
            "migrations",
            "--now",
            now,
            "--format",
            "json",
        ])
        .arg("--project-dir")
        .arg(project)
        .arg("--schema")
        .arg(repo().join("tests/fixtures/e2e/schema.sql"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "generate {description:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| project.join(f["path"].as_str().unwrap()))
        .collect()
}

#[test]
fn typeorm_javascript_project() {
    let cli = repo().join(".e2e/node/node_modules/.bin/typeorm");
    if !cli.is_file() {
        let msg = "typeorm: missing .e2e/node — run scripts/install-code-frameworks.sh";
        if std::env::var_os("CI").is_some() {
            panic!("CI: {msg}");
        }
        eprintln!("SKIPPED (not run!) {msg}");
        return;
    }
    let Some(db) = TestDb::create("e2e_typeorm_js") else {
        return;
    };
    let schema = repo().join("tests/fixtures/e2e/schema.sql");
    db.psql_file(&schema).unwrap();
    let work = tempfile::tempdir().unwrap();
    let project = work.path();
    std::fs::write(project.join("package.json"), "{}\n").unwrap();
    std::fs::write(project.join("data-source.js"), DATA_SOURCE).unwrap();
    std::os::unix::fs::symlink(
        repo().join(".e2e/node/node_modules"),
        project.join("node_modules"),
    )
    .unwrap();
    let history = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .filter(|l| !l.contains("public.migrations") && !l.contains("PK_"))
            .collect()
    };
    let start = history(db.snapshot());
    for (i, description) in SCENARIOS.iter().enumerate() {
        let now = format!("2026112212{i:02}00");
        let reference = TestDb::create("e2e_typeorm_js_ref").expect("reference database");
        reference.psql_file(&schema).unwrap();
        let sql_dir = tempfile::tempdir().unwrap();
        for f in generate(sql_dir.path(), "sql", description, &now) {
            if f.to_string_lossy().ends_with(".up.sql") {
                reference.psql_file(&f).unwrap();
            }
        }

        let files = generate(project, "typeorm", description, &now);
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            assert!(f.extension().is_some_and(|e| e == "js"), "{}", f.display());
            assert!(text.contains("module.exports = class"), "{text}");
        }
        typeorm(project, &db.url, &["migration:run"]);
        assert_same_schema(
            &format!("typeorm js `{description}` up"),
            &reference.snapshot(),
            &history(db.snapshot()),
        );
        for f in files.iter().rev() {
            let text = std::fs::read_to_string(f).unwrap();
            if text.contains("transaction = false") {
                typeorm(project, &db.url, &["migration:revert", "-t", "none"]);
            } else {
                typeorm(project, &db.url, &["migration:revert"]);
            }
        }
        assert_same_schema(
            &format!("typeorm js `{description}` down"),
            &start,
            &history(db.snapshot()),
        );
        for f in files {
            std::fs::remove_file(f).unwrap();
        }
    }
}
