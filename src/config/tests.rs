use super::*;
use crate::plan::strategy::RenameStrategy;
use crate::schema::sizes::RowSpec;
use std::path::{Path, PathBuf};

fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
    ConfigFile::parse(text, Path::new("migsmith.toml"))
}

fn resolve(file: Option<&ConfigFile>, flags: &Values, env_url: Option<&str>) -> Settings {
    Settings::resolve(&Inputs {
        file,
        flags,
        project_dir: None,
        env_database_url: env_url.map(str::to_string),
        cwd: Path::new("/work/app"),
    })
}

#[test]
fn every_key_is_read_with_its_type() {
    let f = parse(
        r#"
framework = "rails"
dialect = "postgresql"
migrations_dir = "db/migrate"
schema = "db/structure.sql"
lock_timeout = "2s"
statement_timeout = 90
batch_size = 500
small_table_rows = "1_000"
strategy = "expand-contract"
rows = { users = 2000000 }
costs = "ci/costs.toml"
pg_version = "16.2"
assume_transaction = true
"#,
    )
    .unwrap();
    let v = &f.values;
    assert_eq!(v.framework.as_deref(), Some("rails"));
    assert_eq!(v.dialect, Some(DialectChoice::Postgres));
    assert_eq!(v.migrations_dir, Some(PathBuf::from("db/migrate")));
    assert_eq!(v.lock_timeout_ms, Some(2000));
    assert_eq!(v.statement_timeout_ms, Some(90_000));
    assert_eq!(v.batch_size, Some(500));
    assert_eq!(v.small_table_rows, Some(1000));
    assert_eq!(v.strategy, Some(RenameStrategy::ExpandContract));
    assert_eq!(
        v.rows,
        Some(vec![RowSpec::Table("users".into(), 2_000_000)])
    );
    assert_eq!(v.pg_version, Some(160002));
    assert_eq!(v.assume_transaction, Some(true));
    assert_eq!(f.lines["framework"], 2);
    assert_eq!(f.lines["assume_transaction"], 14);
    // Every key of the registry was exercised above.
    assert_eq!(f.lines.len(), keys::KEYS.len());
}

#[test]
fn rows_take_a_number_a_spec_or_a_list() {
    let rows = |t: &str| parse(t).unwrap().values.rows.unwrap();
    assert_eq!(rows("rows = 1000"), vec![RowSpec::All(1000)]);
    assert_eq!(
        rows(r#"rows = ["users=5", "70"]"#),
        vec![RowSpec::Table("users".into(), 5), RowSpec::All(70)]
    );
}

#[test]
fn an_unknown_key_is_named_with_its_line_and_the_closest_key() {
    let e = parse("framework = \"sql\"\nlock_timout = \"1s\"\n").unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("migsmith.toml:2: unknown key `lock_timout`"),
        "{text}"
    );
    assert!(text.contains("did you mean `lock_timeout`?"), "{text}");
    // Dashes, as on the command line, are pointed at the key.
    let text = parse("batch-size = 5\n").unwrap_err().to_string();
    assert!(text.contains("did you mean `batch_size`?"), "{text}");
    let text = parse("database_url = \"postgres://x\"\n")
        .unwrap_err()
        .to_string();
    assert!(text.contains("DATABASE_URL"), "{text}");
}

#[test]
fn bad_values_name_file_line_and_key() {
    let cases = [
        (
            "\n\nbatch_size = \"many\"\n",
            "migsmith.toml:3: `batch_size`: expected a whole number",
        ),
        (
            "lock_timeout = \"5 parsecs\"\n",
            "migsmith.toml:1: `lock_timeout`: unknown unit `parsecs`",
        ),
        (
            "strategy = \"fast\"\n",
            "`strategy`: unknown strategy `fast`",
        ),
        ("framework = \"railz\"\n", "did you mean \"rails\"?"),
        ("pg_version = 9\n", "migsmith plans for PostgreSQL 12 to 17"),
        ("assume_transaction = \"yes\"\n", "expected true or false"),
        ("small_table_rows = -1\n", "0 or more"),
        ("schema = \"\"\n", "not an empty string"),
        ("dialect = \"postgress\"\n", "did you mean \"postgres\"?"),
    ];
    for (text, wanted) in cases {
        let e = parse(text).unwrap_err().to_string();
        assert!(e.contains(wanted), "{text:?}: {e}");
    }
}

#[test]
fn an_unknown_engine_is_refused_naming_the_ones_that_generate() {
    let e = parse("dialect = \"oracle\"\n").unwrap_err();
    assert_eq!(e.kind(), "unsupported_dialect");
    assert!(e.to_string().contains("Oracle"), "{e}");
    assert!(e.to_string().contains("SQLite only"), "{e}");
}

#[test]
fn broken_toml_is_an_error_at_its_line() {
    let e = parse("framework = \"sql\"\nrows = [1,\n").unwrap_err();
    assert!(
        matches!(e, ConfigError::Syntax { line, .. } if line >= 2),
        "{e}"
    );
}

#[test]
fn flags_beat_the_file_which_beats_the_defaults() {
    let f = parse("lock_timeout = \"2s\"\nbatch_size = 10\n").unwrap();
    let flags = Values {
        lock_timeout_ms: Some(750),
        ..Values::default()
    };
    let s = resolve(Some(&f), &flags, None);
    assert_eq!(s.lock_timeout_ms.value, 750);
    assert_eq!(s.lock_timeout_ms.origin, Origin::Flag("--lock-timeout"));
    assert_eq!(s.batch_size.value, 10);
    assert_eq!(
        s.batch_size.origin,
        Origin::File {
            path: "migsmith.toml".into(),
            line: 2
        }
    );
    assert_eq!(s.small_table_rows.value, 10_000);
    assert_eq!(s.small_table_rows.origin, Origin::Default);
    assert_eq!(s.project_dir.value, PathBuf::from("."));
}

#[test]
fn database_url_from_the_environment_beats_the_files_schema_but_not_the_flag() {
    let f = parse("schema = \"db/structure.sql\"\n").unwrap();
    let none = Values::default();
    let s = resolve(Some(&f), &none, Some("postgres://db/app"));
    assert_eq!(s.schema_choice(), SchemaChoice::Live("postgres://db/app"));
    let s = resolve(Some(&f), &none, None);
    assert_eq!(
        s.schema_choice(),
        SchemaChoice::Dump(Path::new("db/structure.sql"))
    );
    let flag = Values {
        schema: Some("other.sql".into()),
        ..Values::default()
    };
    let s = resolve(Some(&f), &flag, Some("postgres://db/app"));
    assert_eq!(
        s.schema_choice(),
        SchemaChoice::Dump(Path::new("other.sql"))
    );
    let both = Values {
        schema: Some("other.sql".into()),
        database_url: Some("postgres://x/y".into()),
        ..Values::default()
    };
    assert_eq!(
        resolve(None, &both, None).schema_choice(),
        SchemaChoice::Both
    );
    // An empty DATABASE_URL is unset.
    assert_eq!(
        resolve(None, &none, Some("")).schema_choice(),
        SchemaChoice::Neither
    );
}

#[test]
fn paths_in_the_file_are_relative_to_its_directory() {
    let f = ConfigFile::parse(
        "migrations_dir = \"db/migrate\"\ncosts = \"ci/costs.toml\"\n",
        Path::new("../../migsmith.toml"),
    )
    .unwrap();
    assert_eq!(f.dir, PathBuf::from("../.."));
    let s = resolve(Some(&f), &Values::default(), None);
    // The project directory defaults to the file's, so migrations_dir reads as written…
    assert_eq!(s.project_dir.value, PathBuf::from("../.."));
    assert_eq!(s.migrations_dir.value, Some(PathBuf::from("db/migrate")));
    // …and costs, read from the working directory, points back up.
    assert_eq!(s.costs.value, Some(PathBuf::from("../../ci/costs.toml")));
    // With --project-dir elsewhere, migrations_dir still means the file's db/migrate.
    let s = Settings::resolve(&Inputs {
        file: Some(&f),
        flags: &Values::default(),
        project_dir: Some(".".into()),
        env_database_url: None,
        cwd: Path::new("/work/app/sub/dir"),
    });
    assert_eq!(
        s.migrations_dir.value,
        Some(PathBuf::from("../../db/migrate"))
    );
}

#[test]
fn a_named_file_is_settings_only_and_the_project_stays_here() {
    let mut f =
        ConfigFile::parse("schema = \"../app/db.sql\"\n", Path::new("../conf/ci.toml")).unwrap();
    f.marks_project = false;
    let s = resolve(Some(&f), &Values::default(), None);
    assert_eq!(s.project_dir.value, PathBuf::from("."));
    assert_eq!(s.project_dir.origin, Origin::Default);
    // cwd is /work/app: ../conf/../app/db.sql is ./db.sql.
    assert_eq!(s.schema.value, Some(PathBuf::from("db.sql")));
}

#[test]
fn discovery_walks_up_to_the_nearest_file() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    let deep = root.join("app/models/concerns");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir_all(root.join("app/.git")).unwrap();
    std::fs::write(root.join(FILE_NAME), "").unwrap();
    assert_eq!(
        discover(&deep, &deep),
        Some(PathBuf::from("../../../migsmith.toml"))
    );
    // A nearer file wins; a .git directory on the way is no boundary.
    std::fs::write(root.join("app/models").join(FILE_NAME), "").unwrap();
    assert_eq!(
        discover(&deep, &deep),
        Some(PathBuf::from("../migsmith.toml"))
    );
    assert_eq!(
        discover(Path::new("models/concerns"), &root.join("app")),
        Some(PathBuf::from("models/migsmith.toml"))
    );
}

#[test]
fn a_named_file_must_exist() {
    let e = load(&Which::Named("nope.toml".into()), Path::new("/")).unwrap_err();
    assert!(e.to_string().contains("nope.toml"), "{e}");
    assert!(load(&Which::Ignore, Path::new("/")).unwrap().is_none());
}

#[test]
fn the_listing_shows_values_and_origins() {
    let f = parse("framework = \"rails\"\n").unwrap();
    let s = resolve(
        Some(&f),
        &Values::default(),
        Some("postgres://u:secret@h/db"),
    );
    let text = show_text(&s, &|o| o.to_string());
    assert!(text.starts_with("config file: migsmith.toml\n"), "{text}");
    let line = |k: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{k} ")))
            .unwrap_or_else(|| panic!("{k} missing:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("framework"), "framework rails migsmith.toml:1");
    assert_eq!(line("lock_timeout"), "lock_timeout 5s default");
    assert_eq!(
        line("database_url"),
        "database_url postgres://u:***@h/db environment DATABASE_URL"
    );
    assert!(!text.contains("secret"));
    let json = show_json(&s);
    assert_eq!(json["settings"]["framework"]["source"], "file");
    assert_eq!(json["settings"]["framework"]["line"], 1);
    assert_eq!(json["settings"]["batch_size"]["value"], 10000);
    assert_eq!(json["settings"]["database_url"]["variable"], "DATABASE_URL");
    for key in keys::names() {
        assert!(json["settings"].get(key).is_some(), "{key} not listed");
    }
}

#[test]
fn durations_print_as_they_are_read() {
    for ms in [250, 5000, 120_000, 90_500] {
        assert_eq!(parse_duration_ms(&duration_text(ms)), Ok(ms));
    }
}
