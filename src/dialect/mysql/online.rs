//! The online-DDL model: which `ALGORITHM` and `LOCK` each change gets, per engine and version.
//!
//! | change | MySQL 8.0 | MariaDB 10.11 |
//! |---|---|---|
//! | add column (last, not auto-increment) | INSTANT (8.0.12+; any position 8.0.29+) | INSTANT (10.3.2+; any position 10.4+) |
//! | drop column | INSTANT 8.0.29+, else INPLACE rebuild LOCK=NONE | INSTANT (10.4+) |
//! | drop an indexed column | INPLACE, LOCK=NONE (the index is dropped with it) | INPLACE, LOCK=NONE |
//! | rename column | INSTANT 8.0.28+, else INPLACE LOCK=NONE | INSTANT |
//! | set / drop default | INSTANT | INSTANT |
//! | widen `varchar` within its length byte (≤255 or >255 bytes both sides) | INPLACE, LOCK=NONE | INSTANT |
//! | append values to an `enum` (same storage size) | INSTANT | INSTANT |
//! | other type change | COPY, LOCK=SHARED | COPY, LOCK=SHARED |
//! | make column NOT NULL | INPLACE rebuild, LOCK=NONE (strict mode: fails on NULLs) | INPLACE rebuild, LOCK=NONE |
//! | make column NULL | INPLACE rebuild, LOCK=NONE | INPLACE, LOCK=NONE (INSTANT only for ROW_FORMAT=REDUNDANT) |
//! | add secondary / unique index | INPLACE, LOCK=NONE | INPLACE (NOCOPY), LOCK=NONE |
//! | add FULLTEXT / SPATIAL index | INPLACE, LOCK=SHARED | INPLACE, LOCK=SHARED |
//! | drop index | INPLACE, LOCK=NONE (metadata only) | INPLACE (NOCOPY), LOCK=NONE |
//! | add foreign key | COPY, LOCK=SHARED (INPLACE only with `foreign_key_checks=0`) | same |
//! | drop foreign key | INPLACE, LOCK=NONE | INPLACE, LOCK=NONE |
//! | add CHECK | COPY, LOCK=SHARED (validates every row) | COPY, LOCK=SHARED |
//! | drop CHECK | INSTANT (8.0.16+) | INSTANT |
//! | rename table | `RENAME TABLE`, metadata only | same |
//!
//! Every row that says INSTANT or INPLACE is asserted against the real MariaDB 10.11 by
//! `tests/mysql_ddl.rs` (the server refuses an `ALGORITHM` it cannot honour, so a wrong entry
//! fails the test). The MySQL column is from the manual; it is not run here.
//!
//! Sources: MySQL 8.0 Reference Manual 17.12.1 "Online DDL Operations"
//! (<https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html>); MariaDB
//! "InnoDB Online DDL Operations with the INSTANT Alter Algorithm", "… INPLACE …", "… NOCOPY …"
//! (<https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/>).
//! Not instant in either: tables with a FULLTEXT index (hidden `FTS_DOC_ID`) and
//! `ROW_FORMAT=COMPRESSED` get INPLACE/COPY instead.

use crate::schema::{Engine, Table};

/// How the server carries out an `ALTER TABLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    /// Metadata only: a brief exclusive metadata lock at the start and the end.
    Instant,
    /// Built in place; concurrent reads and writes continue (with `LOCK=NONE`).
    Inplace,
    /// The table is copied row by row; writes wait for the whole copy.
    Copy,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Instant => "INSTANT",
            Algorithm::Inplace => "INPLACE",
            Algorithm::Copy => "COPY",
        }
    }
}

/// The `LOCK=` clause: what concurrent sessions may do while the change runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Concurrency {
    /// `LOCK=NONE`: reads and writes continue.
    None,
    /// `LOCK=SHARED`: reads continue, writes wait.
    Shared,
    /// `LOCK=EXCLUSIVE`: reads and writes wait.
    Exclusive,
}

/// The algorithm and lock one statement runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Online {
    pub algorithm: Algorithm,
    pub concurrency: Concurrency,
    /// Whether the table is rebuilt (every row rewritten).
    pub rebuilds: bool,
}

impl Online {
    pub const INSTANT: Online = Online {
        algorithm: Algorithm::Instant,
        concurrency: Concurrency::None,
        rebuilds: false,
    };
    pub const INPLACE: Online = Online {
        algorithm: Algorithm::Inplace,
        concurrency: Concurrency::None,
        rebuilds: false,
    };
    pub const REBUILD: Online = Online {
        algorithm: Algorithm::Inplace,
        concurrency: Concurrency::None,
        rebuilds: true,
    };
    pub const COPY: Online = Online {
        algorithm: Algorithm::Copy,
        concurrency: Concurrency::Shared,
        rebuilds: true,
    };

    /// `, ALGORITHM=…[, LOCK=…]` appended to an `ALTER TABLE`.
    pub fn clause(self) -> String {
        match (self.algorithm, self.concurrency) {
            (Algorithm::Instant, _) => ", ALGORITHM=INSTANT".into(),
            (a, Concurrency::None) => format!(", ALGORITHM={}, LOCK=NONE", a.name()),
            (a, Concurrency::Shared) => format!(", ALGORITHM={}, LOCK=SHARED", a.name()),
            (a, Concurrency::Exclusive) => format!(", ALGORITHM={}, LOCK=EXCLUSIVE", a.name()),
        }
    }

    pub fn blocks_writes(self) -> bool {
        self.algorithm == Algorithm::Copy || self.concurrency != Concurrency::None
    }

    pub fn blocks_reads(self) -> bool {
        self.concurrency == Concurrency::Exclusive
    }

    /// One line for the report.
    pub fn describe(self) -> String {
        match (self.algorithm, self.concurrency) {
            (Algorithm::Instant, _) => "ALGORITHM=INSTANT: metadata only; a brief exclusive metadata lock, reads and writes continue".into(),
            (Algorithm::Inplace, Concurrency::None) if self.rebuilds => "ALGORITHM=INPLACE, LOCK=NONE: the table is rebuilt in place while reads and writes continue; exclusive metadata lock only at start and end".into(),
            (Algorithm::Inplace, Concurrency::None) => "ALGORITHM=INPLACE, LOCK=NONE: built in place while reads and writes continue; exclusive metadata lock only at start and end".into(),
            (Algorithm::Inplace, Concurrency::Shared) => "ALGORITHM=INPLACE, LOCK=SHARED: reads continue, writes wait until it finishes".into(),
            (Algorithm::Copy, Concurrency::Shared) => "ALGORITHM=COPY, LOCK=SHARED: the table is copied; reads continue, writes wait for the whole copy".into(),
            (a, _) => format!("ALGORITHM={}, LOCK=EXCLUSIVE: reads and writes wait until it finishes", a.name()),
        }
    }
}

/// Engine and version the SQL is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub engine: Engine,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    /// MySQL 8.0.35 / MariaDB 10.11.6 when the server is not known.
    pub fn default_for(engine: Engine) -> Version {
        match engine {
            Engine::Mariadb => Version::new(Engine::Mariadb, 10, 11, 6),
            _ => Version::new(Engine::Mysql, 8, 0, 35),
        }
    }

    pub const fn new(engine: Engine, major: u32, minor: u32, patch: u32) -> Version {
        Version {
            engine,
            major,
            minor,
            patch,
        }
    }

    /// From `SELECT VERSION()`: `8.0.35`, `10.11.6-MariaDB-0+deb12u1`.
    pub fn parse(version: &str) -> Option<Version> {
        let engine = if version.to_ascii_lowercase().contains("mariadb") {
            Engine::Mariadb
        } else {
            Engine::Mysql
        };
        let head: String = version
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts = head.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        Some(Version::new(engine, major, minor, patch))
    }

    fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        (self.major, self.minor, self.patch) >= (major, minor, patch)
    }

    fn mariadb(&self) -> bool {
        self.engine == Engine::Mariadb
    }

    /// Whether an instant change is possible on this table at all.
    fn instant_table(&self, table: &Table) -> bool {
        let fulltext = table
            .indexes
            .iter()
            .any(|i| i.method.eq_ignore_ascii_case("fulltext"));
        let compressed = table
            .options
            .row_format
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("compressed"));
        !fulltext && !compressed
    }

    /// `positioned`: added with `AFTER`/`FIRST` rather than last.
    pub fn add_column(&self, table: &Table, auto_increment: bool, positioned: bool) -> Online {
        if auto_increment {
            return Online {
                concurrency: Concurrency::Shared,
                ..Online::REBUILD
            };
        }
        let instant = self.instant_table(table)
            && match (self.mariadb(), positioned) {
                (true, false) => self.at_least(10, 3, 2),
                (true, true) => self.at_least(10, 4, 0),
                (false, false) => self.at_least(8, 0, 12),
                (false, true) => self.at_least(8, 0, 29),
            };
        if instant {
            Online::INSTANT
        } else {
            Online::REBUILD
        }
    }

    pub fn drop_column(&self, table: &Table, indexed: bool) -> Online {
        let instant = !indexed
            && self.instant_table(table)
            && if self.mariadb() {
                self.at_least(10, 4, 0)
            } else {
                self.at_least(8, 0, 29)
            };
        if instant {
            Online::INSTANT
        } else {
            Online::REBUILD
        }
    }

    pub fn rename_column(&self, referenced_by_fk: bool) -> Online {
        if !referenced_by_fk && (self.mariadb() || self.at_least(8, 0, 28)) {
            Online::INSTANT
        } else {
            Online::INPLACE
        }
    }

    pub fn set_default(&self) -> Online {
        Online::INSTANT
    }

    /// A type change from `from` to `to` (MySQL spellings, lower case), character set of the
    /// column `max_bytes_per_char`.
    pub fn change_type(&self, table: &Table, from: &str, to: &str, bytes_per_char: u32) -> Online {
        if let (Some(a), Some(b)) = (varchar_len(from), varchar_len(to)) {
            let same_length_byte = (a * bytes_per_char < 256) == (b * bytes_per_char < 256);
            if b >= a && same_length_byte {
                return if self.mariadb() && self.instant_table(table) {
                    Online::INSTANT
                } else {
                    Online::INPLACE
                };
            }
        }
        if let (Some(a), Some(b)) = (enum_values(from), enum_values(to)) {
            let appended = b.len() >= a.len() && b[..a.len()] == a[..];
            let same_size = (a.len() <= 255) == (b.len() <= 255);
            if appended && same_size {
                return Online::INSTANT;
            }
        }
        Online::COPY
    }

    pub fn set_not_null(&self) -> Online {
        Online::REBUILD
    }

    pub fn drop_not_null(&self) -> Online {
        Online::REBUILD
    }

    pub fn add_index(&self, method: &str) -> Online {
        if method.eq_ignore_ascii_case("fulltext") || method.eq_ignore_ascii_case("spatial") {
            Online {
                concurrency: Concurrency::Shared,
                ..Online::INPLACE
            }
        } else {
            Online::INPLACE
        }
    }

    pub fn drop_index(&self) -> Online {
        Online::INPLACE
    }

    /// With `foreign_key_checks` on, only COPY validates existing rows.
    pub fn add_foreign_key(&self, checks_off: bool) -> Online {
        if checks_off {
            Online::INPLACE
        } else {
            Online::COPY
        }
    }

    pub fn drop_foreign_key(&self) -> Online {
        Online::INPLACE
    }

    pub fn add_check(&self) -> Online {
        Online::COPY
    }

    pub fn drop_check(&self) -> Online {
        Online::INSTANT
    }
}

/// `varchar(80)` → 80.
pub fn varchar_len(ty: &str) -> Option<u32> {
    let rest = ty.trim().to_ascii_lowercase();
    let rest = rest.strip_prefix("varchar(")?;
    rest.split(')').next()?.trim().parse().ok()
}

/// `enum('a','b')` → `["a", "b"]` (quotes undone).
pub fn enum_values(ty: &str) -> Option<Vec<String>> {
    let t = ty.trim();
    if !t.to_ascii_lowercase().starts_with("enum(") || !t.ends_with(')') {
        return None;
    }
    let inner = &t[5..t.len() - 1];
    let mut out = vec![];
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    let mut in_quote = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if in_quote && chars.peek() == Some(&'\'') => {
                cur.push('\'');
                chars.next();
            }
            '\\' if in_quote => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '\'' => {
                if in_quote {
                    out.push(std::mem::take(&mut cur));
                }
                in_quote = !in_quote;
            }
            _ if in_quote => cur.push(c),
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_decide_instant_drop() {
        let maria = Version::parse("10.11.6-MariaDB-0+deb12u1").unwrap();
        assert_eq!(maria.engine, Engine::Mariadb);
        assert_eq!((maria.major, maria.minor), (10, 11));
        let t = Table::new("t");
        assert_eq!(maria.drop_column(&t, false), Online::INSTANT);
        let old = Version::parse("8.0.28").unwrap();
        assert_eq!(old.drop_column(&t, false), Online::REBUILD);
        assert_eq!(
            Version::parse("8.0.29").unwrap().drop_column(&t, false),
            Online::INSTANT
        );
    }

    #[test]
    fn varchar_widening_within_the_length_byte_is_online() {
        let t = Table::new("t");
        let maria = Version::default_for(Engine::Mariadb);
        assert_eq!(
            maria.change_type(&t, "varchar(20)", "varchar(40)", 4),
            Online::INSTANT
        );
        assert_eq!(
            maria.change_type(&t, "varchar(20)", "varchar(100)", 4),
            Online::COPY
        );
        assert_eq!(
            enum_values("enum('a','it''s')").unwrap(),
            vec!["a".to_string(), "it's".to_string()]
        );
    }
}
