//! End-to-end proof of the `schema.prisma` edit (`--write-schema`): for each kind of change,
//! a Prisma project whose database is exactly its `schema.prisma` (the DDL Prisma Migrate
//! would create for it, via migsmith's `prisma_schema` reader) gets a migration; the
//! migration.sql files are applied to that database the way Prisma sends them; then the edited
//! `schema.prisma`, loaded through the same reader into a second fresh database, must give the
//! same catalog (tables, columns, types, nullability, defaults, indexes, constraints, foreign
//! keys, enums) as the migrated one.
//!
//! Each edited file is also run through the real `prisma validate` (the Prisma CLI installed
//! by `scripts/install-sql-frameworks.sh` into `.e2e/prisma/`, or `$MIGSMITH_PRISMA`). Its
//! validation runs on the CLI's bundled WebAssembly engine; the native engines, which cannot be
//! downloaded here, are pointed at placeholders. Outside CI a missing CLI skips that step with a
//! message; under CI it fails.
//!
//! Two spellings are compared as equal, because Prisma has one word for each pair and
//! `prisma db pull` prints the same schema for both: an identity column and a serial column
//! (`@default(autoincrement())`), and `DEFAULT now()` and `DEFAULT CURRENT_TIMESTAMP`
//! (`@default(now())`).

mod common;

use chrono::TimeZone;
use common::{assert_same_schema, TestDb};
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::render::schema_file::write_with_schema;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHANGES: &[&str] = &[
    "add column phone varchar(20) to users",
    "remove bio from users",
    "rename column old_name to display_name in users",
    "rename column confirmed_at to verified_at in users",
    "change type of users.age to bigint",
    "make users.age not null",
    "add index on users.age",
    "add foreign key from comments.post_id to posts.id on delete cascade",
    "create table tags with name:string post:references",
    "drop table comments",
    "add is_vip to users and add index on users.is_vip",
    "add reference to users on products",
    "add index on users.age and add unique index on products(sku)",
    "add column x uuid default gen_random_uuid() to users",
];

fn fixture() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/prisma/schema.prisma"),
    )
    .unwrap()
}

/// A database holding exactly what `schema` describes.
fn database_of(tag: &str, schema: &str) -> Option<TestDb> {
    let db = TestDb::create(tag)?;
    db.psql(&migsmith::schema::prisma_schema::to_sql(schema))
        .unwrap_or_else(|e| panic!("{e}\n{schema}"));
    Some(db)
}

/// The equivalences of the module doc, applied to a catalog snapshot.
fn as_prisma_sees_it(snapshot: Vec<String>) -> Vec<String> {
    snapshot
        .into_iter()
        .map(|l| {
            let l = l
                .replace(" IDENTITY BY DEFAULT", " AUTOINCREMENT")
                .replace(" IDENTITY ALWAYS", " AUTOINCREMENT")
                .replace(" DEFAULT now()", " DEFAULT CURRENT_TIMESTAMP");
            match l.find(" DEFAULT nextval(") {
                Some(at) => format!("{} AUTOINCREMENT", &l[..at]),
                None => l,
            }
        })
        .collect()
}

fn prisma_cli() -> Option<PathBuf> {
    let path = std::env::var_os("MIGSMITH_PRISMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".e2e/prisma/node_modules/.bin/prisma")
        });
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
        "SKIPPING `prisma validate`: {} is missing (run scripts/install-sql-frameworks.sh)",
        path.display()
    );
    None
}

/// `prisma validate --schema FILE`, offline.
fn prisma_validate(cli: &Path, schema: &Path) -> Result<(), String> {
    let placeholders = tempfile::tempdir().unwrap();
    let engine = placeholders.path().join("schema-engine");
    std::fs::write(&engine, "#!/bin/sh\nexit 1\n").unwrap();
    let library = placeholders.path().join("libquery_engine.so.node");
    std::fs::write(&library, "").unwrap();
    let out = Command::new(cli)
        .args(["validate", "--schema"])
        .arg(schema)
        .env("PRISMA_SCHEMA_ENGINE_BINARY", &engine)
        .env("PRISMA_QUERY_ENGINE_LIBRARY", &library)
        .env("PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING", "1")
        .env("PRISMA_HIDE_UPDATE_MESSAGE", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env(
            "DATABASE_URL",
            "postgresql://postgres@127.0.0.1:5432/postgres",
        )
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && text.contains("is valid") {
        Ok(())
    } else {
        Err(text)
    }
}

#[test]
fn the_fixture_is_a_valid_prisma_schema() {
    if let Some(cli) = prisma_cli() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/prisma/prisma/schema.prisma");
        prisma_validate(&cli, &path).unwrap();
    }
}

#[test]
fn edited_schema_prisma_equals_the_migrated_database() {
    let original = fixture();
    let cli = prisma_cli();
    for description in CHANGES {
        let Some(db) = database_of("prisma_schema", &original) else {
            return;
        };
        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir(project.path().join("prisma")).unwrap();
        std::fs::write(project.path().join("prisma/schema.prisma"), &original).unwrap();
        let opts = GenerateOptions {
            framework: Some("prisma".into()),
            now: chrono::Utc
                .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
                .unwrap(),
            ..GenerateOptions::new(description, SchemaSource::Migrations, project.path())
        };
        let before = as_prisma_sees_it(db.snapshot());
        let g = generate(&opts).unwrap_or_else(|e| panic!("{description}: {e}"));
        assert_eq!(g.schema_changes.len(), 1, "{description}");
        assert!(
            !g.schema_changes[0].diff.is_empty(),
            "{description}: no edit"
        );
        write_with_schema(project.path(), &g.files, &g.schema_changes).unwrap();
        let mut migrations: Vec<&str> = g
            .files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| p.ends_with("/migration.sql"))
            .collect();
        migrations.sort();
        for m in migrations {
            let sql = std::fs::read_to_string(project.path().join(m)).unwrap();
            db.client()
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{description}: {m}: {e}\n{sql}"));
        }
        let schema_path = project.path().join("prisma/schema.prisma");
        let edited = std::fs::read_to_string(&schema_path).unwrap();
        if let Some(cli) = &cli {
            prisma_validate(cli, &schema_path).unwrap_or_else(|e| {
                panic!(
                    "{description}: prisma validate:\n{e}\n{}",
                    g.schema_changes[0].diff
                )
            });
        }
        let Some(from_schema) = database_of("prisma_schema_ref", &edited) else {
            return;
        };
        let after = as_prisma_sees_it(db.snapshot());
        assert_ne!(
            before, after,
            "{description}: the migration changed nothing"
        );
        assert_same_schema(
            &format!(
                "{description}: edited schema.prisma (-) vs migrated database (+)\n{}",
                g.schema_changes[0].diff
            ),
            &as_prisma_sees_it(from_schema.snapshot()),
            &after,
        );
    }
}
