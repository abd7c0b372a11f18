//! `migsmith.toml` as users keep it: settings honoured by generate and check, flags and
//! DATABASE_URL winning over the file, unknown keys and bad values named with file and line,
//! discovery from a subdirectory, `--config`, `--no-config`, and `migsmith config`'s listing
//! of where every value came from.

mod common;

use common::TestDb;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-22T12:00:00Z";
const CLOSED: &str = "postgres://postgres@127.0.0.1:1/nowhere";

fn migsmith(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migsmith"));
    cmd.current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", NOW)
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    migsmith(dir, args).output().expect("run migsmith")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A project: db/schema.sql (users, posts, …) and `migsmith.toml` with `config`.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql"),
        dir.path().join("db/schema.sql"),
    )
    .unwrap();
    std::fs::write(dir.path().join("migsmith.toml"), config).unwrap();
    dir
}

/// The generated files under `dir`, sorted, with their contents.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

const SETTINGS: &str = r#"# the team's defaults
framework = "sql"
schema = "db/schema.sql"
migrations_dir = "db/sql"
lock_timeout = "2s"
statement_timeout = "45s"
batch_size = 777
rows = { users = 5000000 }
strategy = "expand-contract"
"#;

#[test]
fn settings_in_the_file_shape_the_generated_migrations_and_they_run() {
    let p = project(SETTINGS);
    let o = run(p.path(), &["generate", "rename users.bio to biography"]);
    assert!(o.status.success(), "{}", err(&o));
    let written = files(&p.path().join("db/sql"));
    let names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
    // strategy = "expand-contract": expand, backfill, contract, each with its down.
    assert_eq!(written.len(), 6, "{names:?}");
    assert!(
        names.iter().any(|n| n.ends_with("_expand.up.sql")),
        "{names:?}"
    );
    let (_, expand) = written
        .iter()
        .find(|(n, _)| n.ends_with("_expand.up.sql"))
        .unwrap();
    assert!(expand.contains("SET lock_timeout = '2s';"), "{expand}");
    assert!(
        expand.contains("SET statement_timeout = '45s';"),
        "{expand}"
    );
    // rows (5M users, past small_table_rows) and batch_size shape the backfill.
    let (_, backfill) = written
        .iter()
        .find(|(n, _)| n.ends_with("_backfill.up.sql"))
        .unwrap();
    assert!(backfill.contains("LIMIT 777"), "{backfill}");
    assert!(
        out(&o).contains("expand-contract") || out(&o).contains("Expand"),
        "{}",
        out(&o)
    );

    // The files run on a real server, in order, with the settings in them.
    let Some(db) = TestDb::create("config_settings") else {
        return;
    };
    db.psql_file(&p.path().join("db/schema.sql")).unwrap();
    for (name, _) in written.iter().filter(|(n, _)| n.ends_with(".up.sql")) {
        db.psql_file(&p.path().join("db/sql").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(db.query_bool(
        "SELECT count(*) = 1 AS ok FROM information_schema.columns \
         WHERE table_name = 'users' AND column_name = 'biography'"
    ));
}

#[test]
fn a_flag_beats_the_file() {
    let p = project("framework = \"sql\"\nschema = \"db/schema.sql\"\nlock_timeout = \"2s\"\n");
    let o = run(
        p.path(),
        &[
            "generate",
            "add bio2 to users",
            "--lock-timeout",
            "750ms",
            "--dry-run",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("SET lock_timeout = '750ms';"),
        "{}",
        out(&o)
    );
    assert!(!out(&o).contains("SET lock_timeout = '2s';"));
    // And without the flag, the file's value.
    let o = run(p.path(), &["generate", "add bio2 to users", "--dry-run"]);
    assert!(out(&o).contains("SET lock_timeout = '2s';"), "{}", out(&o));
}

#[test]
fn database_url_in_the_environment_beats_the_files_schema() {
    let p = project("schema = \"db/schema.sql\"\n");
    // The file's dump would do; DATABASE_URL wins, and its server is down: exit 3.
    let o = migsmith(p.path(), &["generate", "add bio2 to users", "--dry-run"])
        .env("DATABASE_URL", CLOSED)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(err(&o).contains("cannot connect to"), "{}", err(&o));
    // --schema (a flag) beats DATABASE_URL in turn.
    let o = migsmith(
        p.path(),
        &[
            "generate",
            "add bio2 to users",
            "--dry-run",
            "--schema",
            "db/schema.sql",
        ],
    )
    .env("DATABASE_URL", CLOSED)
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", err(&o));

    // With a real server: the live schema (a table the dump does not have) is the one read.
    let Some(db) = TestDb::create("config_env") else {
        return;
    };
    db.psql("CREATE TABLE widgets (id bigint PRIMARY KEY);")
        .unwrap();
    let o = migsmith(p.path(), &["generate", "add color to widgets", "--dry-run"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("live database"), "{}", out(&o));
    let o = run(p.path(), &["generate", "add color to widgets", "--dry-run"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "the dump has no widgets: {}",
        err(&o)
    );
}

#[test]
fn an_unknown_key_is_an_error_naming_it_and_the_closest_key() {
    let p = project("framework = \"sql\"\nlock_timout = \"2s\"\n");
    let o = run(p.path(), &["generate", "add bio2 to users", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("migsmith.toml:2: unknown key `lock_timout`"),
        "{e}"
    );
    assert!(e.contains("did you mean `lock_timeout`?"), "{e}");
    // The same in JSON mode, as the JSON error document.
    let o = run(
        p.path(),
        &[
            "generate",
            "add bio2 to users",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["error"]["kind"], "config");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("lock_timout"));
    // Every command reads the file, check too.
    std::fs::write(p.path().join("m.sql"), "SELECT 1;\n").unwrap();
    assert_eq!(run(p.path(), &["check", "m.sql"]).status.code(), Some(2));
}

#[test]
fn a_bad_value_names_file_line_and_key() {
    let p = project("framework = \"sql\"\n\nbatch_size = \"many\"\n");
    let o = run(p.path(), &["config"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("migsmith.toml:3: `batch_size`: expected a whole number"),
        "{}",
        err(&o)
    );
    let p = project("dialect = \"oracle\"\n");
    let o = run(
        p.path(),
        &["generate", "add x to users", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["error"]["kind"], "unsupported_dialect");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SQLite only"),
        "{v}"
    );
}

#[test]
fn the_file_is_found_from_a_subdirectory_and_marks_the_project_root() {
    let p = project("framework = \"sql\"\nschema = \"db/schema.sql\"\nlock_timeout = \"3s\"\n");
    let deep = p.path().join("app/models/concerns");
    std::fs::create_dir_all(&deep).unwrap();
    let o = run(&deep, &["generate", "add bio2 to users"]);
    assert!(o.status.success(), "{}", err(&o));
    // Written at the project root (the file's directory), not in the subdirectory.
    let written = files(&p.path().join("migrations"));
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written[0].1.contains("SET lock_timeout = '3s';"));
    assert!(!deep.join("migrations").exists());
    // The report shows the paths from the project root.
    assert!(
        out(&o).contains("migrations/20261122120000_add_bio2_to_users.up.sql"),
        "{}",
        out(&o)
    );
    let o = run(&deep, &["config"]);
    assert!(
        out(&o).starts_with("config file: ../../../migsmith.toml\n"),
        "{}",
        out(&o)
    );
}

#[test]
fn config_names_a_file_and_no_config_ignores_them() {
    let root = tempfile::tempdir().unwrap();
    let app = project("lock_timeout = \"9s\"\n");
    let conf = root.path().join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    // Paths in a named file are relative to its own directory.
    let schema = app.path().join("db/schema.sql");
    let rel = format!("{}", schema.display()); // (absolute paths are kept as they are)
    std::fs::write(
        conf.join("ci.toml"),
        format!("schema = \"{rel}\"\nlock_timeout = \"4s\"\ncosts = \"costs.toml\"\n"),
    )
    .unwrap();
    let ci = conf.join("ci.toml");
    let ci = ci.to_str().unwrap();
    let o = run(app.path(), &["--config", ci, "config", "--format", "json"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["config_file"], ci);
    assert_eq!(v["settings"]["lock_timeout"]["value"], "4s");
    // costs = "costs.toml" means conf/costs.toml, shown from the working directory.
    let costs = app
        .path()
        .join(v["settings"]["costs"]["value"].as_str().unwrap());
    std::fs::write(conf.join("costs.toml"), "").unwrap();
    assert_eq!(
        costs.canonicalize().unwrap(),
        conf.join("costs.toml").canonicalize().unwrap()
    );
    // A named file is settings only: the project stays the working directory.
    assert_eq!(v["settings"]["project_dir"]["value"], ".");
    let o = run(
        app.path(),
        &[
            "--config",
            ci,
            "generate",
            "add bio2 to users",
            "--framework",
            "sql",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(files(&app.path().join("migrations"))[0]
        .1
        .contains("SET lock_timeout = '4s';"));
    // A missing named file is an error; --no-config reads none.
    let o = run(app.path(), &["--config", "nope.toml", "config"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("nope.toml"), "{}", err(&o));
    let o = run(app.path(), &["--no-config", "config"]);
    assert!(out(&o).contains("config file: none"), "{}", out(&o));
    assert!(out(&o).contains("lock_timeout        5s"), "{}", out(&o));
}

#[test]
fn config_lists_every_setting_with_its_origin() {
    let p = project("framework = \"sql\"\nsmall_table_rows = 500\n");
    let sub = p.path().join("db");
    let o = migsmith(&sub, &["config", "--lock-timeout", "1s"])
        .env("DATABASE_URL", "postgres://app:s3cret@db.internal/app")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    let line = |key: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no {key}:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("framework"), "framework sql ../migsmith.toml:1");
    assert_eq!(
        line("small_table_rows"),
        "small_table_rows 500 ../migsmith.toml:2"
    );
    assert_eq!(line("lock_timeout"), "lock_timeout 1s flag --lock-timeout");
    assert_eq!(
        line("database_url"),
        "database_url postgres://app:***@db.internal/app environment DATABASE_URL"
    );
    assert_eq!(line("batch_size"), "batch_size 10000 default");
    assert_eq!(
        line("project_dir"),
        "project_dir .. directory of ../migsmith.toml"
    );
    assert!(!text.contains("s3cret"));
    // JSON: the same facts for tools.
    let o = migsmith(
        &sub,
        &["config", "--format", "json", "--lock-timeout", "1s"],
    )
    .output()
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let s = &v["settings"];
    assert_eq!(s["framework"]["source"], "file");
    assert_eq!(s["framework"]["file"], "../migsmith.toml");
    assert_eq!(s["framework"]["line"], 1);
    assert_eq!(s["lock_timeout"]["source"], "flag");
    assert_eq!(s["lock_timeout"]["flag"], "--lock-timeout");
    assert_eq!(s["strategy"]["source"], "default");
    assert_eq!(s["strategy"]["value"], "plain");
    for key in migsmith::config::keys::names() {
        assert!(s.get(key).is_some(), "{key} missing from {v}");
    }
}

#[test]
fn check_reads_sizes_and_transactions_from_the_file() {
    let p = project("");
    let sql = "CREATE INDEX users_bio_idx ON users (bio);\n";
    std::fs::write(p.path().join("m.sql"), sql).unwrap();
    // Without settings: an error-level finding.
    assert_eq!(run(p.path(), &["check", "m.sql"]).status.code(), Some(1));
    // A small table (rows below small_table_rows) makes it a note: exit 0.
    std::fs::write(
        p.path().join("migsmith.toml"),
        "rows = { users = 100 }\nsmall_table_rows = 1000\n",
    )
    .unwrap();
    let o = run(p.path(), &["check", "m.sql"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(
        out(&o).contains("note[create-index-non-concurrently]"),
        "{}",
        out(&o)
    );
    // The flag wins over the file.
    let o = run(p.path(), &["check", "m.sql", "--rows", "users=1000000"]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    // assume_transaction: CONCURRENTLY inside the migration tool's transaction is an error.
    std::fs::write(
        p.path().join("c.sql"),
        "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY users_bio_idx ON users (bio);\n",
    )
    .unwrap();
    let plain = run(p.path(), &["--no-config", "check", "c.sql"]);
    std::fs::write(
        p.path().join("migsmith.toml"),
        "assume_transaction = true\n",
    )
    .unwrap();
    let assumed = run(p.path(), &["check", "c.sql"]);
    assert_ne!(
        out(&plain),
        out(&assumed),
        "assume_transaction changed nothing"
    );
    assert!(out(&assumed).contains("transaction"), "{}", out(&assumed));
}

/// `--dialect`, the `dialect` key and the URL scheme choose the engine the files are written
/// for (a PostgreSQL dump planned as MySQL or SQLite SQL), an unknown engine is refused naming
/// the ones there are, a URL's engine is tried (and its connection failure reported, nothing
/// written). `--dialect postgres` wins over the key, and the report says the engine.
#[test]
fn the_dialect_flag_key_and_url_choose_the_engine() {
    let p = project("framework = \"sql\"\nschema = \"db/schema.sql\"\n");
    let chosen: [(&str, &str, &str); 2] = [
        ("mysql", "mysql", "`nickname`"),
        ("MariaDB", "mariadb", "`nickname`"),
    ];
    for (flag, engine, spelled) in chosen {
        let args = [
            "generate",
            "add nickname to users",
            "--format",
            "json",
            "--dry-run",
            "--dialect",
            flag,
        ];
        let o = run(p.path(), &args);
        assert!(o.status.success(), "{flag}: {}", err(&o));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(v["dialect"], engine, "{flag}");
        assert!(out(&o).contains(spelled), "{flag}: {}", out(&o));
        assert!(!out(&o).contains("ACCESS EXCLUSIVE"), "{flag}: {}", out(&o));
    }
    // A PostgreSQL dump is not a SQLite catalog: refused, naming both and what chose SQLite.
    let o = run(
        p.path(),
        &[
            "generate",
            "add nickname to users",
            "--format",
            "json",
            "--dialect",
            "sqlite3",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["error"]["kind"], "engine_mismatch");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("PostgreSQL") && message.contains("SQLite"),
        "{message}"
    );
    assert!(message.contains("--dialect"), "{message}");
    assert!(!p.path().join("migrations").exists(), "wrote files");
    // From the scheme alone: nothing listens on port 1, so it is MySQL's connection that fails.
    let o = run(
        p.path(),
        &[
            "generate",
            "add nickname to users",
            "--database-url",
            "mysql://root@127.0.0.1:1/app",
        ],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(err(&o).contains("127.0.0.1:1"), "{}", err(&o));
    assert!(!p.path().join("migrations").exists(), "wrote files");
    let o = run(
        p.path(),
        &["generate", "add nickname to users", "--dialect", "oracle"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("the engines are postgres, mysql, mariadb, sqlite"),
        "{}",
        err(&o)
    );

    let p = project("framework = \"sql\"\nschema = \"db/schema.sql\"\ndialect = \"mysql\"\n");
    let o = run(
        p.path(),
        &[
            "generate",
            "add nickname to users",
            "--format",
            "json",
            "--dry-run",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["dialect"], "mysql");
    assert!(!p.path().join("migrations").exists());
    let o = run(
        p.path(),
        &[
            "generate",
            "add nickname to users",
            "--dialect",
            "postgres",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["dialect"], "postgres");
    assert_eq!(files(&p.path().join("migrations")).len(), 2);
}
