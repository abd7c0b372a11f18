//! One probe per framework: given a candidate root, the evidence that the framework lives
//! there, its migrations directory (relative to the root) and the database its config names.
//! Probes only read small files; each returns `None` when its framework is not there.

use super::Dialect;
use std::path::{Path, PathBuf};

/// What a probe found.
pub struct Found {
    pub evidence: Vec<String>,
    pub migrations_dir: PathBuf,
    pub dialect: Option<Dialect>,
}

/// A candidate root: reads files relative to it, reports paths relative to the project.
pub struct Root {
    abs: PathBuf,
    rel: PathBuf,
}

/// Files larger than this are not read (configs and migrations are small).
const MAX_READ: u64 = 256 * 1024;

impl Root {
    pub fn new(project_dir: &Path, rel: &Path) -> Root {
        Root {
            abs: project_dir.join(rel),
            rel: rel.to_path_buf(),
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.abs.join(path).exists()
    }

    fn is_dir(&self, path: &str) -> bool {
        self.abs.join(path).is_dir()
    }

    /// A file's text, when it exists and is small.
    fn read(&self, path: &str) -> Option<String> {
        let p = self.abs.join(path);
        let meta = std::fs::metadata(&p).ok()?;
        if !meta.is_file() || meta.len() > MAX_READ {
            return None;
        }
        std::fs::read_to_string(p).ok()
    }

    /// Names of the entries of a directory, sorted.
    fn list(&self, dir: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.abs.join(dir))
            .map(|es| {
                es.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// `path` as the user sees it (relative to the project directory).
    fn show(&self, path: &str) -> String {
        let p = self.rel.join(path);
        p.to_string_lossy().replace('\\', "/")
    }

    fn first_existing<'a>(&self, paths: &[&'a str]) -> Option<&'a str> {
        paths.iter().copied().find(|p| self.exists(p))
    }

    /// The first file of `dir` whose name passes `name_ok` and whose text contains `needle`.
    fn file_containing(
        &self,
        dir: &str,
        name_ok: impl Fn(&str) -> bool,
        needle: &str,
    ) -> Option<String> {
        self.list(dir)
            .into_iter()
            .filter(|n| name_ok(n))
            .find(|n| {
                self.read(&format!("{dir}/{n}"))
                    .is_some_and(|t| t.contains(needle))
            })
            .map(|n| format!("{dir}/{n}"))
    }

    fn dialect(&self, name: Option<&'static str>, file: &str) -> Option<Dialect> {
        name.map(|name| Dialect {
            name,
            source: self.show(file),
        })
    }
}

type Probe = fn(&Root) -> Option<Found>;

/// Every probe, by framework name (the order of [`super::FRAMEWORKS`]).
pub const PROBES: &[(&str, Probe)] = &[
    ("sequelize", sequelize),
    ("typeorm", typeorm),
    ("prisma", prisma),
    ("django", django),
    ("rails", rails),
    ("flyway", flyway),
    ("knex", knex),
    ("alembic", alembic),
    ("liquibase", liquibase),
    ("dbmate", dbmate),
    ("golang-migrate", golang_migrate),
    ("goose", goose),
    ("diesel", diesel),
    ("sqlx", sqlx),
    ("laravel", laravel),
];

/// The database named by a URL scheme, JDBC URL, driver or adapter name found in `text`.
fn dialect_in(text: &str) -> Option<&'static str> {
    let t = text.to_ascii_lowercase();
    let table: &[(&[&str], &'static str)] = &[
        (
            &[
                "postgres",
                "pgsql",
                "\"pg\"",
                "'pg'",
                "psycopg",
                "jdbc:postgresql",
            ],
            "postgresql",
        ),
        (&["mysql"], "mysql"),
        (&["mariadb"], "mariadb"),
        (&["sqlite"], "sqlite"),
        (&["sqlserver", "mssql"], "sqlserver"),
        (&["oracle"], "oracle"),
    ];
    table
        .iter()
        .filter_map(|(needles, name)| {
            needles
                .iter()
                .filter_map(|n| t.find(n))
                .min()
                .map(|at| (at, *name))
        })
        .min()
        .map(|(_, name)| name)
}

/// The value after `key` on the first line that starts with it (`key = value`, `key: value`).
fn setting<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(key)?;
        let rest = rest.trim_start().strip_prefix(['=', ':'])?;
        Some(rest.trim().trim_matches(['"', '\'', ',']))
    })
}

fn package_json_has(root: &Root, dep: &str) -> bool {
    root.read("package.json")
        .is_some_and(|t| t.contains(&format!("\"{dep}\"")))
}

fn found(evidence: Vec<String>, dir: &str, dialect: Option<Dialect>) -> Option<Found> {
    Some(Found {
        evidence,
        migrations_dir: PathBuf::from(dir),
        dialect,
    })
}

fn sequelize(r: &Root) -> Option<Found> {
    let mut ev = vec![];
    if r.exists(".sequelizerc") {
        ev.push(r.show(".sequelizerc"));
    }
    for dep in ["sequelize-cli", "sequelize"] {
        if package_json_has(r, dep) {
            ev.push(format!("{} depends on {dep}", r.show("package.json")));
            break;
        }
    }
    if let Some(f) = r.file_containing("migrations", |n| n.ends_with(".js"), "queryInterface") {
        ev.push(r.show(&f));
    }
    if ev.is_empty() {
        return None;
    }
    let config = "config/config.json";
    let dialect = r.read(config).and_then(|t| setting_dialect(&t));
    found(ev, "migrations", r.dialect(dialect, config))
}

/// `"dialect": "postgres"` in a Sequelize config.
fn setting_dialect(text: &str) -> Option<&'static str> {
    text.lines()
        .find(|l| l.contains("\"dialect\""))
        .and_then(dialect_in)
}

fn typeorm(r: &Root) -> Option<Found> {
    if !package_json_has(r, "typeorm") {
        return None;
    }
    let mut ev = vec![format!("{} depends on typeorm", r.show("package.json"))];
    let sources = [
        "src/data-source.ts",
        "src/data-source.js",
        "data-source.ts",
        "data-source.js",
        "ormconfig.json",
        "ormconfig.js",
        "ormconfig.ts",
    ];
    let source = r.first_existing(&sources);
    let mut dialect = None;
    if let Some(s) = source {
        ev.push(r.show(s));
        dialect = r.read(s).and_then(|t| {
            t.lines()
                .find(|l| {
                    let l = l.trim_start();
                    l.starts_with("type") || l.starts_with("\"type\"")
                })
                .and_then(dialect_in)
        });
    }
    let dir = r
        .first_existing(&["src/migration", "src/migrations", "migration", "migrations"])
        .unwrap_or("src/migrations");
    found(ev, dir, source.and_then(|s| r.dialect(dialect, s)))
}

/// The schema path a Prisma project configures: `"prisma": {"schema": …}` in package.json, or
/// a string literal `schema: "…"` in prisma.config.ts.
fn prisma_configured(r: &Root) -> Option<(String, String)> {
    if let Some(t) = r.read("package.json") {
        let block = &t[t.find("\"prisma\": {").or_else(|| t.find("\"prisma\":{"))?..];
        let block = &block[..block.find('}').unwrap_or(block.len())];
        if let Some(v) = setting(block, "\"schema\"") {
            return Some((v.trim_matches('"').to_string(), r.show("package.json")));
        }
    }
    let t = r.read("prisma.config.ts")?;
    let v = setting(&t, "schema")?;
    let v = v
        .strip_prefix(['"', '\'', '`'])?
        .trim_end_matches(['"', '\'', '`', ',']);
    (!v.is_empty()).then(|| (v.to_string(), r.show("prisma.config.ts")))
}

fn prisma(r: &Root) -> Option<Found> {
    let configured = prisma_configured(r);
    let folder_file = |dir: &str| {
        r.list(dir)
            .into_iter()
            .find(|n| n.ends_with(".prisma"))
            .map(|n| format!("{dir}/{n}"))
    };
    // The file that names the datasource, and the directory its migrations live in.
    let (schema, migrations, mut ev) = match &configured {
        Some((path, from)) if r.is_dir(path) => {
            let dir = path.trim_end_matches('/').to_string();
            let file = r
                .file_containing(&dir, |n| n.ends_with(".prisma"), "datasource")
                .or_else(|| folder_file(&dir))?;
            let ev = vec![format!("{from} (schema {dir}/)"), r.show(&file)];
            (file, format!("{dir}/migrations"), ev)
        }
        Some((path, from)) if r.exists(path) => {
            let parent = Path::new(path).parent().unwrap_or(Path::new(""));
            let ev = vec![format!("{from} (schema {path})"), r.show(path)];
            (
                path.clone(),
                parent.join("migrations").display().to_string(),
                ev,
            )
        }
        _ => {
            if let Some(s) = r.first_existing(&["prisma/schema.prisma", "schema.prisma"]) {
                (
                    s.to_string(),
                    "prisma/migrations".to_string(),
                    vec![r.show(s)],
                )
            } else {
                // The `prismaSchemaFolder` layout: prisma/schema/*.prisma.
                let file = r
                    .file_containing("prisma/schema", |n| n.ends_with(".prisma"), "datasource")
                    .or_else(|| folder_file("prisma/schema"))?;
                let ev = vec![r.show(&file), r.show("prisma/schema/")];
                (file, "prisma/migrations".to_string(), ev)
            }
        }
    };
    // Migrations sit next to the datasource file in the folder layout (Prisma 6.6+).
    let migrations = [
        migrations.clone(),
        Path::new(&schema)
            .parent()
            .unwrap_or(Path::new(""))
            .join("migrations")
            .display()
            .to_string(),
    ]
    .into_iter()
    .find(|d| r.is_dir(d))
    .unwrap_or(migrations);
    if r.is_dir(&migrations) {
        ev.push(r.show(&format!("{migrations}/")));
    }
    let dialect = r.read(&schema).and_then(|t| {
        let block = &t[t.find("datasource")?..];
        setting(
            block.lines().find(|l| l.trim().starts_with("provider"))?,
            "provider",
        )
        .and_then(dialect_in)
    });
    found(ev, &migrations, r.dialect(dialect, &schema))
}

fn django(r: &Root) -> Option<Found> {
    use crate::schema::django::apps;
    if !r.exists("manage.py") {
        return None;
    }
    // Apps at any depth: `blog/migrations/`, `<pkg>/<app>/migrations/`, `src/<pkg>/…`.
    let found = apps::find_apps(&r.abs);
    let app = found.first()?;
    let mut ev = vec![r.show("manage.py")];
    ev.extend(
        found
            .iter()
            .map(|a| r.show(&format!("{}/", a.migrations_dir.to_string_lossy()))),
    );
    // The settings module manage.py names (a `settings/` package's `base.py`… too), else any
    // `settings.py`; the first line naming a database ENGINE (or a database URL) says which.
    let settings = apps::settings_files(&r.abs);
    let dialect = settings.iter().find_map(|s| {
        let text = r.read(&s.to_string_lossy())?;
        let line = text
            .lines()
            .find(|l| l.contains("ENGINE"))
            .or_else(|| text.lines().find(|l| l.contains("://")))?;
        Some((dialect_in(line)?, s.to_string_lossy().into_owned()))
    });
    let dialect = dialect.and_then(|(d, s)| r.dialect(Some(d), &s));
    Some(Found {
        evidence: ev,
        migrations_dir: app.migrations_dir.clone(),
        dialect,
    })
}

fn rails(r: &Root) -> Option<Found> {
    let gemfile = r
        .read("Gemfile")
        .filter(|t| t.contains("'rails'") || t.contains("\"rails\"") || t.contains("activerecord"));
    let mut ev = vec![];
    if gemfile.is_some() {
        ev.push(format!("{} requires rails/activerecord", r.show("Gemfile")));
    }
    if r.list("db/migrate").iter().any(|n| n.ends_with(".rb")) {
        ev.push(r.show("db/migrate/"));
    }
    for f in ["db/schema.rb", "db/structure.sql"] {
        if r.exists(f) && !ev.is_empty() {
            ev.push(r.show(f));
        }
    }
    if ev.is_empty() {
        return None;
    }
    let dialect = rails_database(r, gemfile.as_deref());
    found(ev, "db/migrate", dialect)
}

/// The database named by a Rails adapter or URL (`trilogy` is MySQL's, `postgis` PostgreSQL's).
fn rails_adapter(text: &str) -> Option<&'static str> {
    let t = text.to_ascii_lowercase();
    if t.contains("trilogy") {
        return Some("mysql");
    }
    if t.contains("postgis") {
        return Some("postgresql");
    }
    dialect_in(&t)
}

/// The database a Rails app uses: the first `adapter:` of `config/database.yml` (or, when the
/// app ships none, of its `.sample`/`.example` copy), read through ERB
/// (`adapter: <%= ENV.fetch("DB_ADAPTER", "postgresql") %>`), else its first `url:` that names
/// a scheme (`url: postgres://…`), else the one database gem of the Gemfile (`pg`, `mysql2`,
/// `trilogy`, `sqlite3`; none when it has several).
fn rails_database(r: &Root, gemfile: Option<&str>) -> Option<Dialect> {
    let configs = [
        "config/database.yml",
        "config/database.yml.sample",
        "config/database.yml.example",
    ];
    if let Some((config, text)) = configs.iter().find_map(|c| r.read(c).map(|t| (*c, t))) {
        let value = |key: &str| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
                .find_map(rails_adapter)
        };
        if let Some(d) = value("adapter").or_else(|| value("url")) {
            return r.dialect(Some(d), config);
        }
    }
    let mut gems: Vec<&'static str> = gemfile?
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("gem "))
        .filter_map(|l| {
            let name = l.split([',', ' ']).next()?.trim_matches(['"', '\'']);
            match name {
                "pg" | "activerecord-postgis-adapter" => Some("postgresql"),
                "mysql2" | "trilogy" => Some("mysql"),
                "sqlite3" => Some("sqlite"),
                _ => None,
            }
        })
        .collect();
    gems.sort_unstable();
    gems.dedup();
    match gems[..] {
        [one] => r.dialect(Some(one), "Gemfile"),
        _ => None,
    }
}

fn flyway(r: &Root) -> Option<Found> {
    let config = r.first_existing(&["flyway.conf", "flyway.toml", "conf/flyway.conf"]);
    let mut dir = None;
    let mut dialect = None;
    let mut ev = vec![];
    if let Some(c) = config {
        ev.push(r.show(c));
        if let Some(text) = r.read(c) {
            dir = text.lines().find_map(|l| {
                let at = l.find("filesystem:")? + "filesystem:".len();
                let rest = &l[at..];
                let end = rest.find(['"', ',', ']', ' ']).unwrap_or(rest.len());
                Some(rest[..end].trim_end_matches('/').to_string())
            });
            dialect = text
                .lines()
                .find(|l| l.contains("jdbc:"))
                .and_then(dialect_in);
        }
    }
    let places = [
        "db/migration",
        "src/main/resources/db/migration",
        "sql",
        "migrations",
    ];
    for place in places {
        if let Some(v) = r.list(place).into_iter().find(|n| is_flyway_file(n)) {
            ev.push(r.show(&format!("{place}/{v}")));
            dir.get_or_insert(place.to_string());
            break;
        }
    }
    if ev.is_empty() {
        return None;
    }
    let dir = dir.unwrap_or_else(|| "db/migration".into());
    found(ev, &dir, config.and_then(|c| r.dialect(dialect, c)))
}

/// `V1__init.sql`, `V1.2__x.sql`.
fn is_flyway_file(name: &str) -> bool {
    name.strip_prefix('V')
        .and_then(|rest| rest.split_once("__"))
        .is_some_and(|(v, d)| {
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
                && d.ends_with(".sql")
        })
}

fn knex(r: &Root) -> Option<Found> {
    let file = r.first_existing(&["knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs"])?;
    let text = r.read(file).unwrap_or_default();
    let dialect = text
        .lines()
        .find(|l| l.contains("client"))
        .and_then(dialect_in);
    let dir = setting(
        text.lines().find(|l| l.contains("directory")).unwrap_or(""),
        "directory",
    )
    .map(|d| d.trim_start_matches("./").to_string())
    .filter(|d| !d.is_empty())
    .unwrap_or_else(|| "migrations".into());
    found(vec![r.show(file)], &dir, r.dialect(dialect, file))
}

fn alembic(r: &Root) -> Option<Found> {
    let text = r.read("alembic.ini")?;
    let location = setting(&text, "script_location").unwrap_or("alembic");
    let location = location.replace("%(here)s/", "");
    let dialect = setting(&text, "sqlalchemy.url").and_then(dialect_in);
    found(
        vec![r.show("alembic.ini")],
        &format!("{location}/versions"),
        r.dialect(dialect, "alembic.ini"),
    )
}

fn liquibase(r: &Root) -> Option<Found> {
    let mut ev = vec![];
    let mut dialect = None;
    if let Some(text) = r.read("liquibase.properties") {
        ev.push(r.show("liquibase.properties"));
        dialect = text
            .lines()
            .find(|l| l.contains("jdbc:"))
            .and_then(dialect_in);
    }
    let places = [
        "db/changelog",
        "src/main/resources/db/changelog",
        "changelog",
        "db",
        "",
    ];
    let mut dir = None;
    for place in places {
        let changelog = r.list(place).into_iter().find(|n| {
            let lower = n.to_ascii_lowercase();
            lower.contains("changelog")
                && [".xml", ".yaml", ".yml", ".json", ".sql"]
                    .iter()
                    .any(|e| lower.ends_with(e))
        });
        let formatted =
            || r.file_containing(place, |n| n.ends_with(".sql"), "--liquibase formatted sql");
        let hit = match changelog {
            Some(c) if place.is_empty() => Some(c),
            Some(c) => Some(format!("{place}/{c}")),
            None => formatted(),
        };
        if let Some(h) = hit {
            ev.push(r.show(&h));
            dir = Some(if place.is_empty() {
                "db/changelog"
            } else {
                place
            });
            break;
        }
    }
    if ev.is_empty() {
        return None;
    }
    let d = r.dialect(dialect, "liquibase.properties");
    found(ev, dir.unwrap_or("db/changelog"), d)
}

fn dotenv_dialect(r: &Root, key: &str) -> Option<Dialect> {
    let text = r.read(".env")?;
    let value = setting(&text, key)?;
    r.dialect(dialect_in(value), ".env")
}

fn dbmate(r: &Root) -> Option<Found> {
    let file = r.file_containing("db/migrations", |n| n.ends_with(".sql"), "-- migrate:up")?;
    found(
        vec![format!("{} (-- migrate:up)", r.show(&file))],
        "db/migrations",
        dotenv_dialect(r, "DATABASE_URL"),
    )
}

fn is_migsmith_raw_sql(r: &Root, path: &str) -> bool {
    r.read(path).is_some_and(|t| t.contains("-- Undo with: "))
}

fn golang_migrate(r: &Root) -> Option<Found> {
    let go_mod = r
        .read("go.mod")
        .is_some_and(|t| t.contains("golang-migrate/migrate"));
    let sqlx = r.read("Cargo.toml").is_some_and(|t| t.contains("sqlx"));
    for place in ["migrations", "db/migrations"] {
        let names = r.list(place);
        let pair = names.iter().find(|n| {
            n.strip_suffix(".up.sql")
                .is_some_and(|stem| names.contains(&format!("{stem}.down.sql")))
        });
        if let Some(up) = pair {
            let path = format!("{place}/{up}");
            // migsmith's own raw SQL has the same layout: any file of it means raw SQL.
            let raw = names
                .iter()
                .filter(|n| n.ends_with(".up.sql"))
                .take(200)
                .any(|n| is_migsmith_raw_sql(r, &format!("{place}/{n}")));
            if sqlx || (!go_mod && raw) {
                return None;
            }
            let mut ev = vec![format!("{} with its .down.sql", r.show(&path))];
            if go_mod {
                ev.insert(0, format!("{} requires golang-migrate", r.show("go.mod")));
            }
            return found(ev, place, None);
        }
    }
    go_mod.then(|| Found {
        evidence: vec![format!("{} requires golang-migrate", r.show("go.mod"))],
        migrations_dir: PathBuf::from("migrations"),
        dialect: None,
    })
}

fn goose(r: &Root) -> Option<Found> {
    for place in [
        "migrations",
        "db/migrations",
        "sql/schema",
        "sql/migrations",
    ] {
        if let Some(f) = r.file_containing(place, |n| n.ends_with(".sql"), "-- +goose Up") {
            return found(vec![format!("{} (-- +goose Up)", r.show(&f))], place, None);
        }
    }
    None
}

fn cargo_dialect(r: &Root, krate: &str) -> Option<Dialect> {
    let text = r.read("Cargo.toml")?;
    let line = text.lines().find(|l| l.trim_start().starts_with(krate))?;
    r.dialect(dialect_in(line), "Cargo.toml")
}

fn diesel(r: &Root) -> Option<Found> {
    let text = r.read("diesel.toml")?;
    let dir = text
        .split("[migrations_directory]")
        .nth(1)
        .and_then(|s| setting(s, "dir"))
        .unwrap_or("migrations")
        .to_string();
    found(
        vec![r.show("diesel.toml")],
        &dir,
        cargo_dialect(r, "diesel"),
    )
}

fn sqlx(r: &Root) -> Option<Found> {
    let cargo = r.read("Cargo.toml")?;
    if !cargo.lines().any(|l| l.trim_start().starts_with("sqlx")) || r.exists("diesel.toml") {
        return None;
    }
    let names = r.list("migrations");
    let file = names.iter().find(|n| {
        n.ends_with(".sql")
            && n.split('_')
                .next()
                .is_some_and(|v| v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()))
    })?;
    found(
        vec![
            format!("{} depends on sqlx", r.show("Cargo.toml")),
            r.show(&format!("migrations/{file}")),
        ],
        "migrations",
        cargo_dialect(r, "sqlx"),
    )
}

fn laravel(r: &Root) -> Option<Found> {
    let php = r
        .list("database/migrations")
        .into_iter()
        .find(|n| n.ends_with(".php"));
    let mut ev = vec![];
    if r.exists("artisan") {
        ev.push(r.show("artisan"));
    }
    if let Some(f) = php {
        ev.push(r.show(&format!("database/migrations/{f}")));
    }
    if ev.is_empty() {
        return None;
    }
    found(
        ev,
        "database/migrations",
        dotenv_dialect(r, "DB_CONNECTION"),
    )
}
