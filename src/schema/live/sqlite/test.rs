use super::*;

#[test]
fn urls_name_files() {
    assert_eq!(
        url_path("sqlite:///tmp/x.db").unwrap(),
        PathBuf::from("/tmp/x.db")
    );
    assert_eq!(url_path("sqlite://x.db").unwrap(), PathBuf::from("x.db"));
    assert_eq!(
        url_path("sqlite:x.db?mode=ro").unwrap(),
        PathBuf::from("x.db")
    );
    assert!(url_path("sqlite://").is_err());
    assert!(is_sqlite_url("sqlite:///a") && !is_sqlite_url("postgres://x/y"));
}

#[test]
fn create_table_text_gives_what_pragmas_do_not() {
    let p = parse_create_table(
        "CREATE TABLE \"t\" (id INTEGER PRIMARY KEY AUTOINCREMENT, \
         name TEXT COLLATE NOCASE CHECK (length(name) > 0), \
         a int REFERENCES b(id) DEFERRABLE INITIALLY DEFERRED, \
         g int GENERATED ALWAYS AS (a * 2) STORED, \
         CONSTRAINT pos CHECK (a >= 0), CONSTRAINT ab UNIQUE (a, name)) STRICT",
    );
    assert!(p.columns[0].autoincrement);
    assert_eq!(p.columns[1].collation.as_deref(), Some("NOCASE"));
    assert_eq!(
        p.checks[0],
        (None, "length(name) > 0".into(), Some("name".into()))
    );
    assert_eq!(p.checks[1], (Some("pos".into()), "a >= 0".into(), None));
    assert!(p.foreign_keys[0].deferrable && p.foreign_keys[0].initially_deferred);
    assert_eq!(p.columns[3].generated.as_deref(), Some("a * 2"));
    assert_eq!(
        p.uniques[0],
        (Some("ab".into()), vec!["a".into(), "name".into()])
    );
    assert!(p.strict && !p.without_rowid);
}

#[test]
fn framework_configs_name_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::write(
        root.join("config/database.yml"),
        "default: &default\n  adapter: sqlite3\n\ndevelopment:\n  <<: *default\n  database: storage/development.sqlite3\n\ntest:\n  <<: *default\n  database: storage/test.sqlite3\n",
    )
    .unwrap();
    assert_eq!(
        framework_database(root, "rails"),
        Some(root.join("storage/development.sqlite3"))
    );
    std::fs::create_dir_all(root.join("mysite")).unwrap();
    std::fs::write(root.join("manage.py"), "").unwrap();
    std::fs::write(
        root.join("mysite/settings.py"),
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}\n",
    )
    .unwrap();
    assert_eq!(
        framework_database(root, "django"),
        Some(root.join("db.sqlite3"))
    );
    std::fs::write(
        root.join("mysite/settings.py"),
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.path.join(BASE_DIR, 'app.db')}}\n",
    )
    .unwrap();
    assert_eq!(
        framework_database(root, "django"),
        Some(root.join("app.db"))
    );
}

#[test]
fn text_detection_is_conservative() {
    assert!(looks_like_sqlite_text(
        "CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT);"
    ));
    assert!(!looks_like_sqlite_text(
        "CREATE TABLE x (id int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;"
    ));
    assert!(!looks_like_sqlite_text(
        "CREATE TABLE public.x (id bigserial);"
    ));
}
