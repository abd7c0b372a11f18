//! The `dialect` setting (`--dialect`, the `dialect` key): which database engine to generate
//! for. The one typed place an engine is chosen by name. Every engine of the schema model
//! ([`Engine`]) can be named here; whether this build generates for it is the dialect's
//! business (`dialect::generates_for`; today PostgreSQL, MySQL, MariaDB and SQLite all
//! generate). [`NOT_YET`] lists engines the model does not know at all.

use crate::schema::Engine;
use serde::Serialize;

/// A database engine migsmith can generate for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DialectChoice {
    /// PostgreSQL 12–17 (`postgres`, also spelled `postgresql` or `pg`).
    #[default]
    Postgres,
    /// MySQL 8 (`mysql`).
    Mysql,
    /// MariaDB 10.11+ (`mariadb`).
    Mariadb,
    /// SQLite 3 (`sqlite`, also `sqlite3`).
    Sqlite,
}

/// Engines people name that this build cannot generate for yet, with their display names.
const NOT_YET: &[(&str, &str)] = &[
    ("sqlserver", "SQL Server"),
    ("mssql", "SQL Server"),
    ("oracle", "Oracle"),
];

/// Why a dialect name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialectError {
    /// A real engine this build does not generate for (refused when the file is read).
    NotSupported { display: &'static str },
    /// Not an engine name at all.
    Unknown { suggestion: Option<String> },
}

impl DialectChoice {
    /// Every engine that can be named.
    pub const ALL: &'static [DialectChoice] = &[
        DialectChoice::Postgres,
        DialectChoice::Mysql,
        DialectChoice::Mariadb,
        DialectChoice::Sqlite,
    ];

    /// The name in reports, JSON and `migsmith.toml`.
    pub fn name(self) -> &'static str {
        self.engine().name()
    }

    pub fn display(self) -> &'static str {
        self.engine().display()
    }

    /// The schema model's engine.
    pub fn engine(self) -> Engine {
        match self {
            DialectChoice::Postgres => Engine::Postgres,
            DialectChoice::Mysql => Engine::Mysql,
            DialectChoice::Mariadb => Engine::Mariadb,
            DialectChoice::Sqlite => Engine::Sqlite,
        }
    }

    /// The engine a connection URL's scheme names (`postgres://`, `postgresql://`,
    /// `mysql://`, `mariadb://`, `sqlite://`, `sqlite:///abs/path`, `sqlite:file`).
    pub fn from_url(url: &str) -> Option<DialectChoice> {
        let (scheme, _) = url.trim().split_once(':')?;
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(DialectChoice::Postgres),
            "mysql" | "mysql2" | "mysqlx" => Some(DialectChoice::Mysql),
            "mariadb" => Some(DialectChoice::Mariadb),
            "sqlite" | "sqlite3" => Some(DialectChoice::Sqlite),
            _ => None,
        }
    }

    /// A dialect from its name (any case).
    pub fn parse(text: &str) -> Result<DialectChoice, DialectError> {
        let name = text.trim().to_ascii_lowercase();
        match name.as_str() {
            "postgres" | "postgresql" | "pg" => return Ok(DialectChoice::Postgres),
            "mysql" => return Ok(DialectChoice::Mysql),
            "mariadb" => return Ok(DialectChoice::Mariadb),
            "sqlite" | "sqlite3" => return Ok(DialectChoice::Sqlite),
            _ => {}
        }
        if let Some((_, display)) = NOT_YET.iter().find(|(n, _)| *n == name) {
            return Err(DialectError::NotSupported { display });
        }
        let known = DialectChoice::ALL
            .iter()
            .map(|d| d.name())
            .chain(NOT_YET.iter().map(|(n, _)| *n));
        Err(DialectError::Unknown {
            suggestion: super::closest(&name, known),
        })
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn postgres_under_its_usual_names() {
        for name in ["postgres", "PostgreSQL", "pg"] {
            assert_eq!(DialectChoice::parse(name), Ok(DialectChoice::Postgres));
        }
    }

    #[test]
    fn the_model_engines_parse_under_their_names() {
        let cases = [
            ("mysql", DialectChoice::Mysql),
            ("MariaDB", DialectChoice::Mariadb),
            ("sqlite", DialectChoice::Sqlite),
            ("sqlite3", DialectChoice::Sqlite),
        ];
        for (name, want) in cases {
            assert_eq!(DialectChoice::parse(name), Ok(want), "{name}");
        }
        assert_eq!(DialectChoice::Mariadb.engine(), Engine::Mariadb);
        assert_eq!(DialectChoice::Sqlite.name(), "sqlite");
    }

    #[test]
    fn a_url_scheme_names_its_engine() {
        let cases = [
            ("postgres://u@h/db", Some(DialectChoice::Postgres)),
            ("postgresql://h/db", Some(DialectChoice::Postgres)),
            (
                "mysql://root@127.0.0.1:3306/app",
                Some(DialectChoice::Mysql),
            ),
            ("mariadb://root@h/app", Some(DialectChoice::Mariadb)),
            ("sqlite:///abs/app.db", Some(DialectChoice::Sqlite)),
            ("sqlite://app.db", Some(DialectChoice::Sqlite)),
            ("app.db", None),
            ("http://x", None),
        ];
        for (url, want) in cases {
            assert_eq!(DialectChoice::from_url(url), want, "{url}");
        }
    }

    #[test]
    fn other_engines_are_refused_by_name_and_typos_get_a_suggestion() {
        assert_eq!(
            DialectChoice::parse("oracle"),
            Err(DialectError::NotSupported { display: "Oracle" })
        );
        assert_eq!(
            DialectChoice::parse("postgress"),
            Err(DialectError::Unknown {
                suggestion: Some("postgres".into())
            })
        );
    }
}
