//! Detection on the fixture trees under `tests/fixtures/frameworks/`: one tiny project per
//! framework, a monorepo, two frameworks at once, an empty project, and migsmith's own raw SQL.

use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/frameworks")
        .join(name)
}

const KNOWN: &[&str] = &["sql", "flyway", "prisma"];

fn run(name: &str, chosen: Option<&str>) -> Result<Detection, DetectError> {
    detect(&fixture(name), chosen, KNOWN, |n| {
        PathBuf::from(format!("default/{n}"))
    })
}

#[test]
fn every_framework_is_found_with_its_directory_and_dialect() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("sequelize", "migrations", Some("postgresql")),
        ("typeorm", "src/migrations", Some("postgresql")),
        ("prisma", "prisma/migrations", Some("postgresql")),
        ("django", "blog/migrations", Some("postgresql")),
        ("rails", "db/migrate", Some("postgresql")),
        ("flyway", "db/migration", Some("postgresql")),
        ("knex", "migrations", Some("postgresql")),
        ("alembic", "alembic/versions", Some("postgresql")),
        ("liquibase", "db/changelog", Some("postgresql")),
        ("dbmate", "db/migrations", Some("postgresql")),
        ("golang-migrate", "migrations", None),
        ("goose", "migrations", None),
        ("diesel", "migrations", Some("postgresql")),
        ("sqlx", "migrations", Some("postgresql")),
        ("laravel", "database/migrations", Some("postgresql")),
    ];
    for &(name, dir, dialect) in cases {
        let d = run(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.framework, name, "{name}: {d:?}");
        assert_eq!(d.migrations_dir, PathBuf::from(dir), "{name}");
        assert_eq!(d.dialect.as_ref().map(|d| d.name), dialect, "{name}");
        assert!(!d.evidence.is_empty(), "{name}");
        assert!(
            d.reason().starts_with("detected from "),
            "{name}: {}",
            d.reason()
        );
    }
    assert_eq!(cases.len(), FRAMEWORKS.len(), "a fixture per framework");
}

#[test]
fn the_reason_names_the_files() {
    let d = run("prisma", None).unwrap();
    assert_eq!(
        d.reason(),
        "detected from prisma/schema.prisma, prisma/migrations/"
    );
    let d = run("dbmate", None).unwrap();
    assert!(d
        .reason()
        .contains("db/migrations/20240101000000_init.sql (-- migrate:up)"));
}

#[test]
fn a_monorepo_finds_the_nested_project_and_skips_node_modules() {
    let d = run("monorepo", None).unwrap();
    assert_eq!(d.framework, "flyway");
    assert_eq!(d.root, PathBuf::from("services/api"));
    assert_eq!(d.migrations_dir, PathBuf::from("services/api/db/migration"));
    assert!(
        d.reason().contains("services/api/flyway.conf"),
        "{}",
        d.reason()
    );
}

#[test]
fn two_frameworks_are_an_error_listing_both() {
    let e = run("two", None).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("prisma (detected from services/a/prisma/schema.prisma)"),
        "{text}"
    );
    assert!(
        text.contains("dbmate (detected from services/b/db/migrations/"),
        "{text}"
    );
    assert!(text.contains("--framework"), "{text}");
    let d = run("two", Some("dbmate")).unwrap();
    assert_eq!(d.migrations_dir, PathBuf::from("services/b/db/migrations"));
    assert!(d.chosen);
}

#[test]
fn an_empty_project_is_raw_sql() {
    let d = run("empty", None).unwrap();
    assert_eq!(d.framework, "sql");
    assert_eq!(d.migrations_dir, PathBuf::from("default/sql"));
    assert_eq!(d.reason(), "no framework detected: plain SQL files");
}

#[test]
fn migsmith_raw_sql_pairs_are_not_golang_migrate() {
    assert_eq!(run("raw", None).unwrap().framework, "sql");
}

#[test]
fn framework_flag_overrides_and_unknown_names_are_listed() {
    let d = run("empty", Some("flyway")).unwrap();
    assert_eq!(d.framework, "flyway");
    assert_eq!(d.migrations_dir, PathBuf::from("default/flyway"));
    assert_eq!(d.reason(), "chosen with --framework");
    let d = run("rails", Some("prisma")).unwrap();
    assert_eq!(d.framework, "prisma");
    match run("empty", Some("hibernate")).unwrap_err() {
        DetectError::UnknownFramework { name, known } => {
            assert_eq!(name, "hibernate");
            assert!(known.contains(&"flyway".to_string()));
            assert!(known.contains(&"django".to_string()));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn the_dialect_comes_from_the_config() {
    let d = run("rails_mysql", None).unwrap();
    assert_eq!(d.framework, "rails");
    let dialect = d.dialect.unwrap();
    assert_eq!(dialect.name, "mysql");
    assert_eq!(dialect.source, "config/database.yml");
    assert!(!dialect.is_postgres());
}

/// `config/database.yml`, its `.sample` copy, the Gemfile, and the (dialect, source) wanted.
type RailsCase<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    Option<(&'a str, &'a str)>,
);

#[test]
fn rails_database_from_erb_url_sample_copy_or_gemfile() {
    let cases: &[RailsCase] = &[
        (
            Some("development:\n  adapter: <%= ENV.fetch(\"DB_ADAPTER\") { \"postgresql\" } %>\n"),
            None,
            "gem \"rails\"\n",
            Some(("postgresql", "config/database.yml")),
        ),
        (
            Some("production:\n  url: <%= ENV[\"DATABASE_URL\"] %>\ndevelopment:\n  url: mysql2://root@localhost/app\n"),
            None,
            "gem \"rails\"\n",
            Some(("mysql", "config/database.yml")),
        ),
        (
            Some("default: &default\n  adapter: trilogy\n"),
            None,
            "gem \"rails\"\n",
            Some(("mysql", "config/database.yml")),
        ),
        (
            None,
            Some("development:\n  primary:\n    adapter: sqlite3\n"),
            "gem \"rails\"\n",
            Some(("sqlite", "config/database.yml.sample")),
        ),
        (
            Some("<%= ERB.new(File.read(config_path)).result %>\n"),
            None,
            "gem \"rails\"\ngem \"pg\", \"~> 1.5\"\n",
            Some(("postgresql", "Gemfile")),
        ),
        (None, None, "gem 'rails'\ngem 'pg'\ngem 'sqlite3'\n", None),
    ];
    for (yml, sample, gemfile, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("Gemfile"), gemfile).unwrap();
        if let Some(t) = yml {
            std::fs::write(dir.path().join("config/database.yml"), t).unwrap();
        }
        if let Some(t) = sample {
            std::fs::write(dir.path().join("config/database.yml.sample"), t).unwrap();
        }
        let d = detect(dir.path(), None, KNOWN, |n| PathBuf::from(n)).unwrap();
        assert_eq!(d.framework, "rails");
        let got = d.dialect.map(|x| (x.name, x.source));
        let want = want.map(|(n, s)| (n, s.to_string()));
        assert_eq!(got, want, "{yml:?} {sample:?} {gemfile:?}");
    }
}

/// Regression: a project with `manage.py` at the root and its apps inside a package
/// (`<pkg>/<app>/migrations/`, settings in `<pkg>/settings/base.py`) was not seen as Django.
#[test]
fn django_apps_inside_a_package_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let write = |p: &str, t: &str| {
        let p = r.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
    };
    write(
        "manage.py",
        "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings.dev\")\n",
    );
    write("proj/settings/__init__.py", "");
    write("proj/settings/dev.py", "from .base import *\n");
    write(
        "proj/settings/base.py",
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n",
    );
    write(
        "proj/shop/migrations/0001_initial.py",
        "from django.db import migrations\n",
    );
    let d = detect(r, None, KNOWN, |n| PathBuf::from(n)).unwrap();
    assert_eq!(d.framework, "django");
    assert_eq!(d.migrations_dir, PathBuf::from("proj/shop/migrations"));
    let dialect = d.dialect.unwrap();
    assert_eq!(
        (dialect.name, dialect.source.as_str()),
        ("postgresql", "proj/settings/base.py")
    );
    assert!(
        d.evidence.contains(&"proj/shop/migrations/".to_string()),
        "{:?}",
        d.evidence
    );
}
