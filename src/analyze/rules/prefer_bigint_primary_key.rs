//! `prefer-bigint-primary-key`: integer/serial primary keys run out at 2^31.

use super::{column_specs, has_constraint, Hit, Level, Rule, Stmt};
use crate::dialect::postgres::{locks::constraints, spell_type_name};
use pg_query::protobuf::ConstrType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "prefer-bigint-primary-key",
    level: Level::Warning,
    title: "integer or serial primary key",
    why: "An `integer`/`serial` key runs out after 2,147,483,647 rows (inserts then fail), and widening \
          it later is a full rewrite of the table and of every referencing foreign key.",
    alternative: "`id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY` (or `bigserial`).",
    bad: include_str!("examples/prefer-bigint-primary-key.bad.sql"),
    good: include_str!("examples/prefer-bigint-primary-key.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

const SMALL: &[&str] = &["integer", "smallint", "serial", "smallserial"];

fn check(s: &Stmt) -> Vec<Hit> {
    let specs = column_specs(s);
    let mut keys: Vec<String> = specs
        .iter()
        .filter(|c| has_constraint(c.def, ConstrType::ConstrPrimary))
        .map(|c| c.name.clone())
        .collect();
    if let NodeEnum::CreateStmt(c) = s.node {
        for con in constraints(&c.table_elts).chain(constraints(&c.constraints)) {
            if con.contype == ConstrType::ConstrPrimary as i32 {
                keys.extend(con.keys.iter().filter_map(|k| match k.node.as_ref() {
                    Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                }));
            }
        }
    }
    specs
        .iter()
        .filter(|c| keys.contains(&c.name))
        .filter_map(|c| {
            let ty = spell_type_name(c.type_name);
            SMALL.contains(&ty.as_str()).then(|| Hit {
                message: format!(
                    "primary key `{}.{}` is {ty}: it runs out at 2^31 values; use bigint (GENERATED ALWAYS AS IDENTITY)",
                    c.table, c.name
                ),
                table: Some(c.table.clone()),
                level: None,
            })
        })
        .collect()
}
