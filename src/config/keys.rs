//! Every key `migsmith.toml` accepts, in one list: its name, the flag that overrides it, the
//! commands that read it and what it means. Unknown-key suggestions, `migsmith config`'s
//! listing and the documentation test all read this list.

/// One `migsmith.toml` key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    /// The command-line flag that wins over it (`None`: no flag).
    pub flag: Option<&'static str>,
    /// The commands that read it.
    pub commands: &'static str,
    /// An example value, in TOML.
    pub example: &'static str,
    pub help: &'static str,
}

pub const KEYS: &[Key] = &[
    Key {
        name: "framework",
        flag: Some("--framework"),
        commands: "generate, schema, detect",
        example: "\"rails\"",
        help: "the migration framework to write for, instead of detecting it",
    },
    Key {
        name: "dialect",
        flag: Some("--dialect"),
        commands: "generate",
        example: "\"postgres\"",
        help: "the database engine: postgres, mysql, mariadb or sqlite (default: the \
               --database-url scheme, else the framework's config, else postgres; only \
               postgres generates today)",
    },
    Key {
        name: "migrations_dir",
        flag: Some("--migrations-dir"),
        commands: "generate, schema, verify",
        example: "\"db/migrate\"",
        help: "the migrations directory (default: the framework's own)",
    },
    Key {
        name: "schema",
        flag: Some("--schema"),
        commands: "generate, schema, verify, check",
        example: "\"db/structure.sql\"",
        help: "a schema dump to read the current schema from (default: replay the migrations)",
    },
    Key {
        name: "lock_timeout",
        flag: Some("--lock-timeout"),
        commands: "generate",
        example: "\"5s\"",
        help: "SET lock_timeout at the top of every migration",
    },
    Key {
        name: "statement_timeout",
        flag: Some("--statement-timeout"),
        commands: "generate",
        example: "\"30s\"",
        help: "SET statement_timeout of migrations that only change the catalog (those that \
               scan, build or backfill set 0)",
    },
    Key {
        name: "batch_size",
        flag: Some("--batch-size"),
        commands: "generate",
        example: "10000",
        help: "rows per committed batch in backfills",
    },
    Key {
        name: "small_table_rows",
        flag: Some("--small-table-rows"),
        commands: "generate, check",
        example: "10000",
        help:
            "at or below this many rows a table gets the simple form (check: findings become notes)",
    },
    Key {
        name: "strategy",
        flag: Some("--strategy"),
        commands: "generate",
        example: "\"expand-contract\"",
        help: "form of renames: plain or expand-contract",
    },
    Key {
        name: "rows",
        flag: Some("--rows"),
        commands: "generate, check",
        example: "{ users = 2000000, events = 50000000 }",
        help: "table sizes for planning, overriding statistics: N for every table, or TABLE = N",
    },
    Key {
        name: "costs",
        flag: Some("--costs"),
        commands: "generate, verify, calibrate",
        example: "\"ci/costs.toml\"",
        help: "the per-row cost table (calibrate: where to save it)",
    },
    Key {
        name: "pg_version",
        flag: Some("--pg-version"),
        commands: "generate, check",
        example: "16",
        help: "the target PostgreSQL version (default: the live server's, else 15)",
    },
    Key {
        name: "assume_transaction",
        flag: Some("--assume-transaction"),
        commands: "check",
        example: "true",
        help: "files without BEGIN run inside one transaction (Rails, Django, Flyway, sqlx…)",
    },
];

/// The key called `name`.
pub fn by_name(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// The key names, in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|k| k.name)
}
