//! Random schema × random operation on real SQLite files (rusqlite's bundled SQLite), like
//! tests/pg_random.rs for PostgreSQL: a random small schema (tests/random_common) is created in
//! a temporary database file and read back; a random description clause on its names is parsed
//! and resolved as the CLI does; each operation's up, down and predicted model come from the
//! SQLite dialect. Up applies and the loaded model equals the prediction; down gives back the
//! start model; up again gives the first up's model.

mod random_common;
#[allow(dead_code)] // the catalog module serves several suites
#[path = "common/sqlite.rs"]
mod sqlite_catalog;

use migsmith::dialect::sqlite::{self as dialect, down_statements, statements};
use migsmith::intent;
use migsmith::plan;
use proptest::prelude::*;
use random_common::{clause_spec, default_for, describe, schema_spec, ClauseSpec, SchemaSpec};
use rusqlite::Connection;
use sqlite_catalog::{difference, load};

/// The schema as SQLite DDL.
fn schema_sql(spec: &SchemaSpec) -> String {
    let mut out = String::from("PRAGMA foreign_keys=ON;\n");
    for t in &spec.tables {
        let mut lines = vec!["id INTEGER PRIMARY KEY".to_string()];
        for c in &t.columns {
            let mut l = format!("{} {}", c.name, c.ty);
            if c.not_null {
                l.push_str(" NOT NULL");
            }
            if c.default {
                l.push_str(&format!(" DEFAULT {}", default_for(c.ty)));
            }
            lines.push(l);
        }
        if let (Some(fk), Some(r)) = (t.fk_column(&spec.tables), t.references) {
            lines.push(format!(
                "{fk} integer REFERENCES {}(id) ON DELETE CASCADE",
                spec.tables[r].name
            ));
        }
        if t.check {
            lines.push(format!("CONSTRAINT {}_id_check CHECK (id > 0)", t.name));
        }
        out.push_str(&format!(
            "CREATE TABLE {} (\n  {}\n);\n",
            t.name,
            lines.join(",\n  ")
        ));
        if let Some((i, unique)) = t.index {
            let c = t.columns[i].name;
            out.push_str(&format!(
                "CREATE {}INDEX {}_{c}_idx ON {} ({c});\n",
                if unique { "UNIQUE " } else { "" },
                t.name,
                t.name
            ));
        }
        if let Some(fk) = t.fk_column(&spec.tables) {
            out.push_str(&format!(
                "CREATE INDEX {}_{fk}_idx ON {} ({fk});\n",
                t.name, t.name
            ));
        }
    }
    out
}

fn run(spec: &SchemaSpec, clauses: &[ClauseSpec]) -> Result<(), TestCaseError> {
    let description = clauses
        .iter()
        .map(|c| describe(c, spec))
        .collect::<Vec<_>>()
        .join(" and ");
    let ddl = schema_sql(spec);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&ddl)
        .unwrap_or_else(|e| panic!("start schema: {e}\n{ddl}"));
    let m0 = load(&conn);
    let Ok(intents) = intent::parse(&description) else {
        return Ok(());
    };
    let Ok(resolved) = plan::resolve(&intents, &m0) else {
        return Ok(());
    };
    if resolved.operations.is_empty() {
        return Ok(());
    }
    let ctx = |what: &str| format!("{description}: {what}\n--- start\n{ddl}");

    // Each operation against the model before it, as the SQLite plan does.
    let (mut ups, mut downs) = (vec![], vec![]);
    let mut model = m0.clone();
    for op in &resolved.operations {
        let up = statements(op, &model).map_err(|e| TestCaseError::fail(ctx(&e.to_string())))?;
        let down =
            down_statements(op, &model).map_err(|e| TestCaseError::fail(ctx(&e.to_string())))?;
        model = dialect::apply(op, &model).map_err(|e| TestCaseError::fail(ctx(&e.to_string())))?;
        ups.push(up.into_iter().map(|s| s.sql).collect::<Vec<_>>());
        downs.push(down.into_iter().map(|s| s.sql).collect::<Vec<_>>());
    }
    let predicted = model;
    let up: Vec<String> = ups.concat();
    let down: Vec<String> = downs.into_iter().rev().flatten().collect();
    let fail = |what: &str, e: String| {
        TestCaseError::fail(format!(
            "{}: {e}\n--- up\n{}\n--- down\n{}",
            ctx(what),
            up.join("\n"),
            down.join("\n")
        ))
    };

    dialect::run(&conn, &up).map_err(|e| fail("up", e))?;
    let m1 = load(&conn);
    if let Some(d) = difference(&m1, &predicted) {
        return Err(fail("after up, the model differs from the prediction", d));
    }
    dialect::run(&conn, &down).map_err(|e| fail("down", e))?;
    if let Some(d) = difference(&load(&conn), &m0) {
        return Err(fail("after down, the model differs from the start", d));
    }
    dialect::run(&conn, &up).map_err(|e| fail("up again", e))?;
    if let Some(d) = difference(&load(&conn), &m1) {
        return Err(fail(
            "after up again, the model differs from the first up",
            d,
        ));
    }
    let fks: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    prop_assert_eq!(fks, 1, "{}: foreign keys are on again", description);
    Ok(())
}

/// A fixed seed keeps CI deterministic; `PROPTEST_RNG_SEED=<n> PROPTEST_CASES=<n>` explores.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(40);
    let mut config = ProptestConfig::with_cases(cases);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(20261203);
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_schema_and_operations_round_trip_on_sqlite(
        spec in schema_spec(),
        clauses in prop::collection::vec(clause_spec(), 1..3),
    ) {
        run(&spec, &clauses)?;
    }
}

/// The property above is not vacuous: most random clauses plan against their schema.
#[test]
fn most_random_clauses_plan() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (schema_spec(), prop::collection::vec(clause_spec(), 1..3));
    let mut planned = 0;
    for _ in 0..100 {
        let (spec, clauses) = strategy.new_tree(&mut runner).unwrap().current();
        let description = clauses
            .iter()
            .map(|c| describe(c, &spec))
            .collect::<Vec<_>>()
            .join(" and ");
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&schema_sql(&spec)).unwrap();
        let m0 = load(&conn);
        if let Ok(intents) = intent::parse(&description) {
            if plan::resolve(&intents, &m0).is_ok_and(|r| !r.operations.is_empty()) {
                planned += 1;
            }
        }
    }
    assert!(planned >= 40, "only {planned} of 100 random cases plan");
}
