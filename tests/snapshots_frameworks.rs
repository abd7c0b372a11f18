//! One snapshot per code-based framework of the files it writes for a two-phase change (a
//! column, then its index built concurrently), rendered against the framework's e2e fixture
//! project so the chaining (Django dependencies, Alembic down_revision) shows. A snapshot shows a
//! reviewer what changed; the proof that these files run is `tests/e2e_code_frameworks.rs`.

use chrono::TimeZone;
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use std::path::{Path, PathBuf};

fn files(framework: &str, migrations_dir: &str) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e");
    let opts = GenerateOptions {
        migrations_dir: PathBuf::from(migrations_dir),
        framework: Some(framework.into()),
        now: chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap(),
        ..GenerateOptions::new(
            "add published_at to posts and add index on posts(published_at)",
            SchemaSource::Dump(fixtures.join("schema.sql")),
            &fixtures.join(framework),
        )
    };
    let g = generate(&opts).unwrap();
    let mut out: String = g
        .files
        .iter()
        .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
        .collect();
    out.push_str(&format!(
        "==> commands <==\napply: {:?}\nrollback: {:?}\n",
        g.commands.apply, g.commands.rollback
    ));
    out
}

macro_rules! framework_snapshots {
    ($($name:ident: $dir:expr;)*) => {
        $(#[test]
        fn $name() {
            insta::assert_snapshot!(files(stringify!($name), $dir));
        })*
    };
}

framework_snapshots! {
    sequelize: "migrations";
    typeorm: "migrations";
    django: "shop/migrations";
    rails: "db/migrate";
    knex: "migrations";
    alembic: "alembic/versions";
    laravel: "database/migrations";
}
