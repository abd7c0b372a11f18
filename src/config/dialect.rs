//! The `dialect` setting: which database engine to generate for. The one typed place an engine
//! is chosen by name; a new engine adds its variant to [`DialectChoice`] and its names to
//! [`DialectChoice::parse`], and drops them from [`NOT_YET`].

use serde::Serialize;

/// A database engine migsmith can generate for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DialectChoice {
    /// PostgreSQL 12–17 (`postgres`, also spelled `postgresql` or `pg`).
    #[default]
    Postgres,
}

/// Engines people name that this build cannot generate for yet, with their display names.
const NOT_YET: &[(&str, &str)] = &[
    ("mysql", "MySQL"),
    ("mariadb", "MariaDB"),
    ("sqlite", "SQLite"),
    ("sqlite3", "SQLite"),
    ("sqlserver", "SQL Server"),
    ("mssql", "SQL Server"),
    ("oracle", "Oracle"),
];

/// Why a dialect name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialectError {
    /// A real engine this build does not generate for (the "PostgreSQL only" refusal).
    NotSupported { display: &'static str },
    /// Not an engine name at all.
    Unknown { suggestion: Option<String> },
}

impl DialectChoice {
    /// Every engine this build generates for.
    pub const ALL: &'static [DialectChoice] = &[DialectChoice::Postgres];

    /// The name in reports, JSON and `migsmith.toml`.
    pub fn name(self) -> &'static str {
        match self {
            DialectChoice::Postgres => "postgres",
        }
    }

    pub fn display(self) -> &'static str {
        match self {
            DialectChoice::Postgres => "PostgreSQL",
        }
    }

    /// A dialect from its name (any case).
    pub fn parse(text: &str) -> Result<DialectChoice, DialectError> {
        let name = text.trim().to_ascii_lowercase();
        match name.as_str() {
            "postgres" | "postgresql" | "pg" => return Ok(DialectChoice::Postgres),
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
    fn other_engines_are_refused_by_name_and_typos_get_a_suggestion() {
        assert_eq!(
            DialectChoice::parse("mysql"),
            Err(DialectError::NotSupported { display: "MySQL" })
        );
        assert_eq!(
            DialectChoice::parse("postgress"),
            Err(DialectError::Unknown {
                suggestion: Some("postgres".into())
            })
        );
    }
}
