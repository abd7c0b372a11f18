//! Trimmed real projects (under `tests/fixtures/real/<app>/`, with their attribution) keep
//! loading from their own files: BookStack's Laravel migrations (read statically) and
//! papermark's multi-file Prisma schema (`prisma/schema/*.prisma`). For each, the DDL the reader
//! translates the files to is run on a real PostgreSQL; the catalog read back must be the
//! schema migsmith loaded from the files; then a generated migration is applied to that
//! database and the catalog must be the plan's model of the result.

mod common;

use common::TestDb;
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::render::sql_files::{statements, Direction};
use migsmith::schema::Schema;
use std::path::{Path, PathBuf};

fn fixture(app: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(app)
}

/// Tables, columns (type, nullability), primary keys, unique constraints, indexes and foreign
/// keys by name: what the file readers promise to get right.
fn shape(s: &Schema) -> Vec<String> {
    let mut out = vec![];
    for t in s.tables.values() {
        for c in &t.columns {
            out.push(format!(
                "{}.{} {}{}",
                t.name,
                c.name,
                c.data_type,
                if c.nullable { "" } else { " NOT NULL" }
            ));
        }
        if let Some(pk) = &t.primary_key {
            out.push(format!("{} pk {}", t.name, pk.columns.join(",")));
        }
        for u in &t.unique_constraints {
            out.push(format!(
                "{} unique {} {}",
                t.name,
                u.name,
                u.columns.join(",")
            ));
        }
        for i in &t.indexes {
            out.push(format!("{} index {} unique={}", t.name, i.name, i.unique));
        }
        for f in &t.foreign_keys {
            out.push(format!(
                "{} fk {} -> {}({}) {:?}",
                t.name,
                f.name,
                f.ref_table,
                f.ref_columns.join(","),
                f.on_delete
            ));
        }
    }
    out.sort();
    out
}

fn live(db: &TestDb) -> Schema {
    migsmith::schema::live::postgres::load(
        &db.url,
        migsmith::schema::live::postgres::Options {
            schema_name: Some("public"),
            exact_counts: false,
        },
    )
    .expect("live schema loads")
}

/// Load `app` from its files, build a database from the translated DDL, compare, generate
/// `description`, apply it and compare again.
fn check(app: &str, framework: &str, ddl: Vec<String>, description: &str, tables: usize) {
    let project = tempfile::tempdir().unwrap();
    copy_dir(&fixture(app), project.path());
    let opts = GenerateOptions {
        framework: Some(framework.to_string()),
        ..GenerateOptions::new(description, SchemaSource::Migrations, project.path())
    };
    let generated = generate(&opts).unwrap_or_else(|e| panic!("{app}: {e}"));
    let before = &generated.plan.before;
    assert_eq!(
        before.tables.len(),
        tables,
        "{app}: {:?}",
        before.tables.keys()
    );
    assert_eq!(generated.detection.framework, framework);

    let Some(db) = TestDb::create(&format!("real_{app}")) else {
        return;
    };
    for stmt in &ddl {
        db.psql(stmt)
            .unwrap_or_else(|e| panic!("{app}: the translated DDL runs: {e}\n{stmt}"));
    }
    assert_eq!(shape(&live(&db)), shape(before), "{app}: files vs catalog");

    for phase in &generated.plan.phases {
        for stmt in statements(phase, Direction::Up) {
            db.psql(&stmt)
                .unwrap_or_else(|e| panic!("{app}: {description}: {e}\n{stmt}"));
        }
    }
    assert_eq!(
        shape(&live(&db)),
        shape(&generated.plan.after),
        "{app}: after `{description}`"
    );

    // migsmith's own Laravel migrations (`DB::unprepared('…')`) replay with the app's.
    if framework == "laravel" {
        migsmith::render::write_files(project.path(), &generated.files).unwrap();
        let (again, _) = migsmith::generate::load_project_schema(
            &SchemaSource::Migrations,
            project.path(),
            Path::new("database/migrations"),
            framework,
        )
        .unwrap();
        assert_eq!(
            shape(&again),
            shape(&generated.plan.after),
            "{app}: replayed"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn bookstack_laravel_migrations() {
    let dir = fixture("bookstack/database/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut ddl = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut notes = vec![];
        ddl.extend(
            migsmith::schema::laravel_schema::translate(&text, &mut |l, n| notes.push((l, n)))
                .into_iter()
                .map(|(_, s)| s),
        );
        // Only BookStack's `->indexed()` (which Laravel ignores too) is not modelled.
        assert!(
            notes.iter().all(|(_, n)| n.contains("->indexed()")),
            "{}: {notes:?}",
            f.display()
        );
    }
    check(
        "bookstack",
        "laravel",
        ddl,
        "add column reading_time integer to pages and add index on pages.book_id",
        7,
    );
}

#[test]
fn papermark_prisma_schema_folder() {
    let dir = fixture("papermark/prisma/schema");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let text: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap() + "\n")
        .collect();
    let ddl = vec![migsmith::schema::prisma_schema::to_sql(&text)];
    check(
        "papermark",
        "prisma",
        ddl,
        "add column archived boolean default false to \"Document\" and add index on \"Link\".\"createdAt\"",
        7,
    );
}
