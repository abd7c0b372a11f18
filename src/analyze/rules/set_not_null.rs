//! `set-not-null-with-scan`: SET NOT NULL that reads the whole table under ACCESS EXCLUSIVE.

use super::{cmds_of, Hit, Level, Rule, Stmt};
use pg_query::protobuf::AlterTableType;

pub static RULE: Rule = Rule {
    id: "set-not-null-with-scan",
    level: Level::Error,
    title: "SET NOT NULL that scans the table",
    why: "`ALTER COLUMN … SET NOT NULL` reads every row while holding ACCESS EXCLUSIVE: no reads, \
          no writes (126 ms at 1M rows, 574 ms at 5M here, more on cold caches and wider tables). \
          From PostgreSQL 12 the scan is skipped when a validated `CHECK (col IS NOT NULL)` exists.",
    alternative: "`ADD CONSTRAINT c_not_null CHECK (col IS NOT NULL) NOT VALID`; then \
                  `VALIDATE CONSTRAINT c_not_null` (SHARE UPDATE EXCLUSIVE: reads and writes continue); \
                  then `SET NOT NULL` (no scan, PostgreSQL 12+); then drop the check.",
    bad: include_str!("examples/set-not-null-with-scan.bad.sql"),
    good: include_str!("examples/set-not-null-with-scan.good.sql"),
    size_sensitive: true,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, cmds)) = s.altered_existing_table() else {
        return vec![];
    };
    if !s.effect.scans {
        return vec![];
    }
    cmds_of(cmds, AlterTableType::AtSetNotNull)
        .flat_map(|cmd| {
            let extra = if s.pg_version < 120000 {
                " (before PostgreSQL 12 there is no way to skip it: consider keeping a validated CHECK instead)"
            } else {
                ""
            };
            Hit::on(
                table,
                format!(
                    "SET NOT NULL on `{table}.{}` reads every row under ACCESS EXCLUSIVE{extra}",
                    cmd.name
                ),
            )
        })
        .collect()
}
