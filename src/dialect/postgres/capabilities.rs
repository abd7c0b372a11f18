//! Which PostgreSQL version a statement's lock and cost behaviour depends on. migsmith targets
//! PostgreSQL 12–17 (`--pg-version`); each fact below names the first major version where the
//! cheap behaviour holds, so a statement can carry `min_version` and the planner can ask
//! `version.has(FACT)` instead of comparing numbers in many places.
//!
//! This file holds facts about statements migsmith generates; it does not classify SQL text.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The oldest and newest major versions migsmith plans for.
pub const SUPPORTED: std::ops::RangeInclusive<u32> = 12..=17;

/// The version assumed without `--pg-version` and without a live server.
pub const DEFAULT_MAJOR: u32 = 15;

/// A behaviour that depends on the server version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// What becomes cheap (for reports).
    pub what: &'static str,
    /// The first major version where it holds.
    pub since: u32,
}

/// `ADD COLUMN … DEFAULT <non-volatile>` stores the default in the catalog: no rewrite.
pub const FAST_DEFAULT: Capability = Capability {
    what: "ADD COLUMN with a non-volatile default is catalog-only",
    since: 11,
};
/// `SET NOT NULL` skips its full-table scan when a validated `CHECK (c IS NOT NULL)` proves it.
pub const NOT_NULL_FROM_CHECK: Capability = Capability {
    what: "SET NOT NULL skips the scan when a validated CHECK (c IS NOT NULL) exists",
    since: 12,
};
/// `ALTER TYPE … ADD VALUE` may run inside a transaction block.
pub const ENUM_VALUE_IN_TRANSACTION: Capability = Capability {
    what: "ALTER TYPE … ADD VALUE can run inside a transaction block",
    since: 12,
};
/// `varchar(n)` → `varchar(m ≥ n)` / `text`, numeric precision increase: no rewrite.
pub const BINARY_COERCIBLE_TYPE_CHANGE: Capability = Capability {
    what: "binary-coercible ALTER COLUMN TYPE (varchar growth, varchar→text, numeric precision increase) keeps the table",
    since: 9,
};
/// `ADD CONSTRAINT … NOT VALID` for foreign keys and checks, then `VALIDATE CONSTRAINT` under
/// SHARE UPDATE EXCLUSIVE.
pub const VALIDATE_CONSTRAINT: Capability = Capability {
    what: "VALIDATE CONSTRAINT takes only SHARE UPDATE EXCLUSIVE",
    since: 9,
};
/// `COMMIT` inside a `DO` block run outside a transaction block (batched backfills).
pub const COMMIT_IN_DO: Capability = Capability {
    what: "COMMIT inside a DO block (batched backfill, each batch committed)",
    since: 11,
};

/// A PostgreSQL major version within [`SUPPORTED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PgVersion(u32);

impl PgVersion {
    /// A supported major version, or an error that says which ones are.
    pub fn new(major: u32) -> Result<Self, UnsupportedVersion> {
        if SUPPORTED.contains(&major) {
            Ok(PgVersion(major))
        } else {
            Err(UnsupportedVersion(major.to_string()))
        }
    }

    pub fn major(self) -> u32 {
        self.0
    }

    /// Whether the capability holds on this version.
    pub fn has(self, capability: Capability) -> bool {
        self.0 >= capability.since
    }
}

impl Default for PgVersion {
    fn default() -> Self {
        PgVersion(DEFAULT_MAJOR)
    }
}

impl fmt::Display for PgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgreSQL {}", self.0)
    }
}

/// A `--pg-version` outside 12–17.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PostgreSQL version `{0}` is not supported: migsmith plans for PostgreSQL 12 to 17 (pass e.g. --pg-version 15)")]
pub struct UnsupportedVersion(pub String);

impl FromStr for PgVersion {
    type Err = UnsupportedVersion;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let major = text
            .trim()
            .split('.')
            .next()
            .and_then(|m| m.parse::<u32>().ok())
            .ok_or_else(|| UnsupportedVersion(text.to_string()))?;
        PgVersion::new(major).map_err(|_| UnsupportedVersion(text.to_string()))
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn parses_supported_versions_only() {
        assert_eq!("15".parse::<PgVersion>().unwrap().major(), 15);
        assert_eq!("12.4".parse::<PgVersion>().unwrap().major(), 12);
        assert!("11".parse::<PgVersion>().is_err());
        assert!("18".parse::<PgVersion>().is_err());
        let e = "nine".parse::<PgVersion>().unwrap_err().to_string();
        assert!(e.contains("12 to 17"), "{e}");
    }

    #[test]
    fn every_supported_version_has_the_cheap_forms_the_strategies_use() {
        for major in SUPPORTED {
            let v = PgVersion::new(major).unwrap();
            assert!(v.has(FAST_DEFAULT) && v.has(NOT_NULL_FROM_CHECK) && v.has(COMMIT_IN_DO));
        }
    }
}
