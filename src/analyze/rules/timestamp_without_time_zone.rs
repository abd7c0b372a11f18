//! `timestamp-without-time-zone`: `timestamp` instead of `timestamptz`.

use super::{column_specs, Hit, Level, Rule, Stmt};
use crate::dialect::postgres::spell_type_name;

pub static RULE: Rule = Rule {
    id: "timestamp-without-time-zone",
    level: Level::Warning,
    title: "timestamp without time zone",
    why: "`timestamp` stores a wall-clock reading with no zone: the same instant written from servers or \
          sessions in different time zones compares wrong, and daylight-saving changes create duplicates and gaps.",
    alternative: "`timestamptz` (`timestamp with time zone`): it stores an instant and converts on output.",
    bad: include_str!("examples/timestamp-without-time-zone.bad.sql"),
    good: include_str!("examples/timestamp-without-time-zone.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    column_specs(s)
        .iter()
        .filter(|c| {
            let ty = spell_type_name(c.type_name);
            ty == "timestamp" || ty.starts_with("timestamp(") && !ty.ends_with("with time zone")
        })
        .map(|c| Hit {
            message: format!(
                "`{}.{}` is timestamp without time zone; use timestamptz",
                c.table, c.name
            ),
            table: Some(c.table.clone()),
            level: None,
        })
        .collect()
}
