//! Without a database: for each description, applying the inverse operations to the planned
//! schema gives back the original schema (columns compared by name: PostgreSQL appends a
//! re-added column, so position is the one thing a down migration cannot restore). And random
//! identifiers survive description → plan → SQL intact.

use common::clauses::clause;
use migsmith::intent;
use migsmith::plan::{self, Operation};
use migsmith::schema::sql::load_str;
use migsmith::schema::{Column, Schema, Table};
use proptest::prelude::*;

mod common;

fn fixture() -> Schema {
    let sql = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/app.sql"
    ))
    .unwrap();
    load_str(&sql, "app.sql").unwrap()
}

fn normalized(mut s: Schema) -> Schema {
    s.notes.clear();
    for t in s.tables.values_mut() {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

const DESCRIPTIONS: &[&str] = &[
    "add is_admin to users",
    "add users.nickname:string and add index on users.nickname",
    "remove bio from users",
    "drop column email from users",
    "drop posts.slug",
    "rename column old_name to display_name in users",
    "change type of users.age to bigint",
    "make users.old_name not null",
    "make users.email nullable",
    "set default of users.status to 'pending'",
    "remove default from users.status",
    "create articles table",
    "create table tags with name:string post:references",
    "drop table users",
    "rename table products to items",
    "remove index on posts(user_id, created_at)",
    "drop index users_lower_email_idx",
    "add foreign key from comments.post_id to posts.id on delete cascade",
    "add reference to users on products",
    "remove foreign key posts.user_id",
    "add unique constraint on users.email",
    "add check constraint price >= 0 on products",
    "drop constraint products_name_check on products",
    "create enum mood with happy, sad",
    "add value archived to enum post_status",
    "rename column email to address in users and drop index users_email_idx",
];

#[test]
fn inverses_restore_the_schema() {
    let before = fixture();
    for description in DESCRIPTIONS {
        let intents = intent::parse(description).unwrap_or_else(|e| panic!("{description}: {e}"));
        let resolved =
            plan::resolve(&intents, &before).unwrap_or_else(|e| panic!("{description}: {e}"));
        let mut schema = resolved.after.clone();
        for op in resolved
            .operations
            .iter()
            .rev()
            .flat_map(Operation::inverse)
        {
            op.apply(&mut schema)
                .unwrap_or_else(|e| panic!("{description}: inverse {} fails: {e}", op.name()));
        }
        assert_eq!(
            normalized(schema),
            normalized(before.clone()),
            "{description}"
        );
    }
}

fn schema_with(table: &str, column: &str) -> Schema {
    let mut t = Table::new(table);
    t.columns.push(Column {
        nullable: false,
        ..Column::new("id", "bigint")
    });
    t.columns.push(Column::new(column, "text"));
    let mut s = Schema::default();
    s.tables.insert(table.to_string(), t);
    s
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The relation and column names in a one-statement ALTER TABLE, as PostgreSQL parses them.
fn altered(sql: &str) -> (String, Vec<String>) {
    let parsed = pg_query::parse(sql, 0).unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(parsed.protobuf.stmts.len(), 1, "{sql}");
    let node = parsed.protobuf.stmts[0]
        .stmt
        .as_ref()
        .unwrap()
        .node
        .as_ref()
        .unwrap();
    let pg_query::NodeEnum::AlterTableStmt(alter) = node else {
        panic!("not an ALTER TABLE: {sql}")
    };
    let table = alter.relation.as_ref().unwrap().relname.clone();
    let mut names = vec![];
    for cmd in &alter.cmds {
        if let Some(pg_query::NodeEnum::AlterTableCmd(c)) = cmd.node.as_ref() {
            if !c.name.is_empty() {
                names.push(c.name.clone());
            }
            if let Some(pg_query::NodeEnum::ColumnDef(cd)) =
                c.def.as_ref().and_then(|d| d.node.as_ref())
            {
                names.push(cd.colname.clone());
            }
        }
    }
    (table, names)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn identifiers_survive_description_to_sql(
        table in "[A-Za-z_][A-Za-z0-9_ \"$-]{0,20}",
        column in "[A-Za-z_][A-Za-z0-9_ \";-]{0,20}",
        new_column in "[a-z_][a-z0-9_]{0,20}",
    ) {
        prop_assume!(column != "id" && new_column != "id" && new_column != column);
        let schema = schema_with(&table, &column);
        for (description, expect) in [
            (format!("add {} text to {}", quoted(&new_column), quoted(&table)), new_column.clone()),
            (format!("remove {} from {}", quoted(&column), quoted(&table)), column.clone()),
        ] {
            let intents = intent::parse(&description).unwrap_or_else(|e| panic!("{description}: {e}"));
            let resolved = plan::resolve(&intents, &schema).unwrap_or_else(|e| panic!("{description}: {e}"));
            let sql = &resolved.operations[0].statements()[0].sql;
            let (t, names) = altered(sql);
            prop_assert_eq!(&t, &table);
            prop_assert_eq!(names, vec![expect]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the description, the pipeline answers with a plan or an error, never a panic;
    /// and whenever it plans, the inverses restore the schema.
    #[test]
    fn any_description_plans_or_errors_and_plans_are_reversible(clauses in prop::collection::vec(clause(), 1..4)) {
        let description = clauses.join(" and ");
        let before = fixture();
        let intents = intent::parse(&description)
            .map_err(|e| TestCaseError::fail(format!("{description}: every template parses: {e}")))?;
        let Ok(resolved) = plan::resolve(&intents, &before) else { return Ok(()) };
        let built = plan::build(&description, &before, resolved.clone());
        let _ = migsmith::analyze::analyze(&built, &Default::default());
        // The zero-downtime forms, replayed through the DDL interpreter: all ups give the
        // planned schema, and all downs (last migration first) give the schema back.
        let mut replay = before.clone();
        for step in built.phases.iter().flat_map(|p| &p.up) {
            migsmith::schema::sql::apply_str(&mut replay, &step.statement.sql, "up")
                .map_err(|e| TestCaseError::fail(format!("{description}: up `{}`: {e}", step.statement.sql)))?;
        }
        prop_assert_eq!(normalized(replay.clone()), normalized(resolved.after.clone()), "{} (phased up)", description);
        for step in built.phases.iter().rev().flat_map(|p| &p.down) {
            migsmith::schema::sql::apply_str(&mut replay, &step.statement.sql, "down")
                .map_err(|e| TestCaseError::fail(format!("{description}: down `{}`: {e}", step.statement.sql)))?;
        }
        prop_assert_eq!(normalized(replay), normalized(before.clone()), "{} (phased down)", description);
        let mut schema = resolved.after.clone();
        for op in resolved.operations.iter().rev().flat_map(Operation::inverse) {
            op.apply(&mut schema).map_err(|e| TestCaseError::fail(format!("{description}: inverse {}: {e}", op.name())))?;
        }
        prop_assert_eq!(normalized(schema), normalized(before), "{}", description);
    }
}
