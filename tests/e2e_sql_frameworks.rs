//! End-to-end: every SQL-file framework's generated migrations run on the real PostgreSQL
//! server, up then down, for each kind of change.
//!
//! For each framework and change: load `tests/fixtures/app.sql` (with rows) into a throwaway
//! database, generate with `--framework NAME`, write the files into a fresh project, apply them
//! up in the framework's own order and its own way of sending SQL (respecting its transaction
//! opt-outs), require the catalog to equal the one migsmith's raw SQL (proven by
//! `pg_roundtrip.rs`) produces, apply the downs in reverse order, and require the catalog to
//! equal the starting one.
//!
//! dbmate and Liquibase run here, so their real CLIs do the applying (installed by
//! `scripts/install-sql-frameworks.sh` into `.e2e/sql-frameworks/`). Flyway, golang-migrate,
//! goose, Prisma, diesel and sqlx cannot run here (no offline install, or a 4–10 minute build):
//! their files are applied the way each tool sends them — per statement (Flyway, goose), or
//! one query string per file (golang-migrate, Prisma, diesel, sqlx, which PostgreSQL runs as
//! one implicit transaction). Outside CI a missing CLI skips its test with a message; under CI
//! it fails.

mod common;

use chrono::TimeZone;
use common::{assert_same_schema, TestDb};
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::render::{write_files, RenderedFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The changes every framework is run with: the list, plus multi-phase plans (a
/// concurrent index after a schema change, three phases, and two concurrent indexes in one
/// phase, which frameworks that send a file as one query must split).
const CHANGES: &[&str] = &[
    "add column phone varchar(20) to users",
    "remove bio from users",
    "rename column old_name to display_name in users",
    "change type of users.age to bigint",
    "add index on users.age",
    "add foreign key from comments.post_id to posts.id on delete cascade",
    "create table tags with name:string post:references",
    "drop table comments",
    "add is_vip to users and add index on users.is_vip",
    "add reference to users on products",
    "add index on users.age and add unique index on products(sku)",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fixture_db(tag: &str) -> Option<TestDb> {
    let db = TestDb::create(tag)?;
    db.psql_file(&fixture("app.sql")).expect("fixture loads");
    db.psql_file(&fixture("app_data.sql"))
        .expect("fixture rows load");
    Some(db)
}

fn generate_into(project: &Path, description: &str, framework: &str) -> Vec<RenderedFile> {
    generate_sized(project, description, framework, &[])
}

/// [`generate_into`] with table sizes (`--rows TABLE=N`), which select the zero-downtime forms.
fn generate_sized(
    project: &Path,
    description: &str,
    framework: &str,
    rows: &[&str],
) -> Vec<RenderedFile> {
    let specs: Vec<_> = rows.iter().map(|r| r.parse().unwrap()).collect();
    let opts = GenerateOptions {
        framework: Some(framework.into()),
        rows: migsmith::schema::sizes::RowCounts::from_specs(&specs),
        now: chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap(),
        ..GenerateOptions::new(description, SchemaSource::Dump(fixture("app.sql")), project)
    };
    let g = generate(&opts).unwrap_or_else(|e| panic!("{framework}: {description}: {e}"));
    write_files(project, &g.files).unwrap();
    g.files
}

/// The catalog after migsmith's raw SQL up files, applied with psql (cached per change).
fn reference_after(description: &str) -> Option<Vec<String>> {
    static CACHE: Mutex<Option<HashMap<String, Vec<String>>>> = Mutex::new(None);
    if let Some(hit) = CACHE
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .get(description)
    {
        return Some(hit.clone());
    }
    let db = fixture_db("reference")?;
    let project = tempfile::tempdir().unwrap();
    for f in generate_into(project.path(), description, "sql") {
        if f.path.ends_with(".up.sql") {
            db.psql_file(&project.path().join(&f.path)).unwrap();
        }
    }
    let snap = db.snapshot();
    CACHE
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .insert(description.into(), snap.clone());
    Some(snap)
}

/// Catalog lines of the frameworks' own history tables, which stay after a rollback.
fn without_history(snapshot: Vec<String>) -> Vec<String> {
    snapshot
        .into_iter()
        .filter(|l| !l.contains("databasechangelog") && !l.contains("schema_migrations"))
        .collect()
}

/// How a framework applies and rolls back `files` (written under `project`) on `db`.
type Runner = fn(&TestDb, &Path, &[RenderedFile], Direction) -> Result<(), String>;

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Up,
    Down,
}

fn roundtrip(framework: &str, run: Runner) {
    for description in CHANGES {
        let Some(expected) = reference_after(description) else {
            return;
        };
        let Some(db) = fixture_db(framework) else {
            return;
        };
        let before = db.snapshot();
        let project = tempfile::tempdir().unwrap();
        let files = generate_into(project.path(), description, framework);
        let show = || {
            files
                .iter()
                .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
                .collect::<String>()
        };
        run(&db, project.path(), &files, Direction::Up)
            .unwrap_or_else(|e| panic!("{framework}: {description}: up: {e}\n{}", show()));
        assert_same_schema(
            &format!("{framework}: {description}: after up (vs raw SQL)"),
            &expected,
            &without_history(db.snapshot()),
        );
        run(&db, project.path(), &files, Direction::Down)
            .unwrap_or_else(|e| panic!("{framework}: {description}: down: {e}\n{}", show()));
        assert_same_schema(
            &format!("{framework}: {description}: after down"),
            &before,
            &without_history(db.snapshot()),
        );
    }
}

/// Run a query string as one simple query (what golang-migrate, Prisma, diesel and sqlx do
/// with a file), in an explicit transaction when `transactional`.
fn one_query(db: &TestDb, sql: &str, transactional: bool) -> Result<(), String> {
    let mut client = db.client();
    let result = if transactional {
        client.transaction().and_then(|mut tx| {
            tx.batch_execute(sql)?;
            tx.commit()
        })
    } else {
        client.batch_execute(sql)
    };
    result.map_err(|e| {
        format!(
            "{e}: {}",
            e.as_db_error().map(|d| d.message()).unwrap_or("")
        )
    })
}

/// Run statements one by one (what Flyway and goose do), in one transaction when
/// `transactional`.
fn per_statement(db: &TestDb, statements: &[String], transactional: bool) -> Result<(), String> {
    let mut client = db.client();
    let err = |e: postgres::Error| format!("{e}: {:?}", e.as_db_error().map(|d| d.message()));
    if transactional {
        let mut tx = client.transaction().map_err(err)?;
        for s in statements {
            tx.batch_execute(s).map_err(err)?;
        }
        tx.commit().map_err(err)
    } else {
        for s in statements {
            client.batch_execute(s).map_err(err)?;
        }
        Ok(())
    }
}

fn read(project: &Path, path: &str) -> String {
    std::fs::read_to_string(project.join(path)).unwrap()
}

/// Files with `suffix`, in the order the framework applies them in `direction` (name order up,
/// reverse down).
fn ordered<'f>(
    files: &'f [RenderedFile],
    suffix: &str,
    direction: Direction,
) -> Vec<&'f RenderedFile> {
    let mut chosen: Vec<&RenderedFile> =
        files.iter().filter(|f| f.path.ends_with(suffix)).collect();
    chosen.sort_by(|a, b| a.path.cmp(&b.path));
    if direction == Direction::Down {
        chosen.reverse();
    }
    chosen
}

fn flyway(db: &TestDb, project: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    let prefix = if d == Direction::Up { "/V" } else { "/U" };
    let mut scripts: Vec<(u64, &RenderedFile)> = files
        .iter()
        .filter(|f| f.path.contains(prefix) && f.path.ends_with(".sql"))
        .map(|f| {
            let name = f.path.rsplit('/').next().unwrap();
            (name[1..name.find("__").unwrap()].parse().unwrap(), f)
        })
        .collect();
    scripts.sort_by_key(|(v, _)| *v);
    if d == Direction::Down {
        scripts.reverse();
    }
    for (_, f) in scripts {
        let conf = project.join(format!("{}.conf", f.path));
        let transactional =
            !std::fs::read_to_string(conf).is_ok_and(|c| c.contains("executeInTransaction=false"));
        let text = read(project, &f.path);
        let statements: Vec<String> = pg_query::split_with_parser(&text)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(str::to_string)
            .collect();
        per_statement(db, &statements, transactional)?;
    }
    Ok(())
}

fn golang_migrate(
    db: &TestDb,
    p: &Path,
    files: &[RenderedFile],
    d: Direction,
) -> Result<(), String> {
    let suffix = if d == Direction::Up {
        ".up.sql"
    } else {
        ".down.sql"
    };
    for f in ordered(files, suffix, d) {
        one_query(db, &read(p, &f.path), false)?;
    }
    Ok(())
}

fn sqlx(db: &TestDb, p: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    let suffix = if d == Direction::Up {
        ".up.sql"
    } else {
        ".down.sql"
    };
    for f in ordered(files, suffix, d) {
        let text = read(p, &f.path);
        one_query(db, &text, !text.starts_with("-- no-transaction"))?;
    }
    Ok(())
}

fn diesel(db: &TestDb, p: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    let suffix = if d == Direction::Up {
        "/up.sql"
    } else {
        "/down.sql"
    };
    for f in ordered(files, suffix, d) {
        let folder = f.path.rsplit_once('/').unwrap().0;
        let transactional = !std::fs::read_to_string(p.join(folder).join("metadata.toml"))
            .is_ok_and(|m| m.contains("run_in_transaction = false"));
        one_query(db, &read(p, &f.path), transactional)?;
    }
    Ok(())
}

fn prisma(db: &TestDb, p: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    let suffix = if d == Direction::Up {
        "/migration.sql"
    } else {
        "/down.sql"
    };
    for f in ordered(files, suffix, d) {
        one_query(db, &read(p, &f.path), false)?;
    }
    Ok(())
}

/// goose's parser: the `Up` or `Down` section, statements ending at a line ending in `;`
/// unless inside StatementBegin/End; `NO TRANSACTION` anywhere opts out.
fn goose(db: &TestDb, p: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    for f in ordered(files, ".sql", d) {
        let text = read(p, &f.path);
        let transactional = !text.contains("-- +goose NO TRANSACTION");
        let wanted = if d == Direction::Up {
            "-- +goose Up"
        } else {
            "-- +goose Down"
        };
        let (mut inside, mut block) = (false, false);
        let (mut statements, mut buf) = (vec![], String::new());
        for line in text.lines() {
            match line.trim() {
                l if l == "-- +goose Up" || l == "-- +goose Down" => inside = l == wanted,
                "-- +goose StatementBegin" if inside => block = true,
                "-- +goose StatementEnd" if inside => {
                    block = false;
                    statements.push(std::mem::take(&mut buf));
                }
                _ if !inside || line.starts_with("-- +goose") => {}
                l => {
                    buf.push_str(line);
                    buf.push('\n');
                    if !block && l.ends_with(';') {
                        statements.push(std::mem::take(&mut buf));
                    }
                }
            }
        }
        per_statement(db, &statements, transactional)?;
    }
    Ok(())
}

fn cli(name: &str) -> Option<PathBuf> {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join(".e2e/sql-frameworks/node_modules");
    let path = match name {
        // The npm package bundles the real Liquibase CLI (and its JDBC drivers).
        "liquibase" => modules.join("liquibase/dist/liquibase/liquibase"),
        _ => modules.join(".bin").join(name),
    };
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI: {} is required; run scripts/install-sql-frameworks.sh",
            path.display()
        );
    }
    eprintln!(
        "SKIPPING the {name} end-to-end test: {} is missing (run scripts/install-sql-frameworks.sh)",
        path.display()
    );
    None
}

fn run_cli(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn dbmate(db: &TestDb, p: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    let bin = cli("dbmate").expect("checked by the test");
    let dir = files[0].path.rsplit_once('/').unwrap().0;
    let url = format!("{}?sslmode=disable", db.url);
    let base = |action: &str| {
        let mut c = Command::new(&bin);
        c.current_dir(p).args([
            "--no-dump-schema",
            "--url",
            &url,
            "--migrations-dir",
            dir,
            action,
        ]);
        c
    };
    match d {
        Direction::Up => run_cli(&mut base("up")),
        Direction::Down => {
            for _ in files {
                run_cli(&mut base("rollback"))?;
            }
            Ok(())
        }
    }
}

fn liquibase(db: &TestDb, p: &Path, files: &[RenderedFile], d: Direction) -> Result<(), String> {
    let bin = cli("liquibase").expect("checked by the test");
    let changelog = &files[0].path;
    let count = files[0]
        .contents
        .matches("\n--changeset ")
        .count()
        .to_string();
    let mut c = Command::new(bin);
    c.current_dir(p).args([
        &format!("--url=jdbc:postgresql://127.0.0.1:5432/{}", db.name),
        "--username=postgres",
        &format!("--changelog-file={changelog}"),
        "--show-banner=false",
    ]);
    match d {
        Direction::Up => c.arg("update"),
        Direction::Down => c.args(["rollback-count", &format!("--count={count}")]),
    };
    run_cli(&mut c)
}

#[test]
fn flyway_files_applied_in_flyways_order() {
    roundtrip("flyway", flyway);
}

#[test]
fn golang_migrate_files_applied_as_golang_migrate_sends_them() {
    roundtrip("golang-migrate", golang_migrate);
}

#[test]
fn goose_sections_applied_as_goose_splits_them() {
    roundtrip("goose", goose);
}

#[test]
fn prisma_migrations_and_down_sql_applied_as_prisma_sends_them() {
    roundtrip("prisma", prisma);
}

#[test]
fn diesel_migrations_applied_as_diesel_sends_them() {
    roundtrip("diesel", diesel);
}

#[test]
fn sqlx_migrations_applied_as_sqlx_sends_them() {
    roundtrip("sqlx", sqlx);
}

#[test]
fn dbmate_cli_migrates_up_and_rolls_back() {
    if cli("dbmate").is_some() {
        roundtrip("dbmate", dbmate);
    }
}

#[test]
fn liquibase_cli_updates_and_rolls_back() {
    if cli("liquibase").is_some() {
        roundtrip("liquibase", liquibase);
    }
}

/// Regression: Liquibase splits a changeset on `;` and cut the batched backfill's
/// `DO $migsmith$ … COMMIT; … $migsmith$` block at its first inner `;`. The block now has a
/// changeset of its own with `splitStatements:false`; the real CLI runs it up (outside a
/// transaction block, so its COMMITs work) and rolls the whole plan back.
#[test]
fn liquibase_cli_runs_a_dollar_quoted_backfill_whole() {
    let description = "add column x uuid default gen_random_uuid() to users";
    if cli("liquibase").is_none() {
        return;
    }
    let Some(db) = fixture_db("liquibase_backfill") else {
        return;
    };
    let before = db.snapshot();
    let project = tempfile::tempdir().unwrap();
    let files = generate_sized(project.path(), description, "liquibase", &["users=1000000"]);
    let changelog = &files[0].contents;
    assert!(
        changelog.contains("splitStatements:false\n") && changelog.contains("DO $migsmith$"),
        "the plan has no batched backfill in its own changeset:\n{changelog}"
    );
    let reference = tempfile::tempdir().unwrap();
    let Some(expected_db) = fixture_db("liquibase_backfill_ref") else {
        return;
    };
    for f in generate_sized(reference.path(), description, "sql", &["users=1000000"]) {
        if f.path.ends_with(".up.sql") {
            expected_db
                .psql_file(&reference.path().join(&f.path))
                .unwrap();
        }
    }
    liquibase(&db, project.path(), &files, Direction::Up)
        .unwrap_or_else(|e| panic!("up: {e}\n{changelog}"));
    assert_same_schema(
        "liquibase backfill: after up (vs raw SQL)",
        &expected_db.snapshot(),
        &without_history(db.snapshot()),
    );
    assert!(
        db.query_bool("SELECT count(*) > 0 AND count(*) = count(x) AS ok FROM users"),
        "the backfill left rows without x"
    );
    liquibase(&db, project.path(), &files, Direction::Down)
        .unwrap_or_else(|e| panic!("down: {e}\n{changelog}"));
    assert_same_schema(
        "liquibase backfill: after rollback",
        &before,
        &without_history(db.snapshot()),
    );
}
