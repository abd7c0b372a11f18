//! Which form each change gets at which size, and what every phase starts with.

use super::{build_with, StrategyOptions};
use crate::plan::{resolve, Plan};
use crate::schema::sizes::{RowCounts, RowSpec};

const SCHEMA: &str = "CREATE TABLE accounts (id bigserial PRIMARY KEY);
CREATE TABLE users (id bigserial PRIMARY KEY, account_id bigint, email text, score integer);";

fn plan(description: &str, rows: Option<u64>) -> Plan {
    let mut schema = crate::schema::sql::load_str(SCHEMA, "test").unwrap();
    if let Some(n) = rows {
        RowCounts::from_specs(&[RowSpec::All(n)]).apply(&mut schema);
    }
    let intents = crate::intent::parse(description).unwrap();
    let resolved = resolve(&intents, &schema).unwrap();
    build_with(description, &schema, resolved, &StrategyOptions::default())
}

fn sql(plan: &Plan) -> Vec<Vec<String>> {
    plan.phases
        .iter()
        .map(|p| p.up.iter().map(|s| s.statement.sql.clone()).collect())
        .collect()
}

#[test]
fn small_tables_get_the_simple_form_and_the_reason() {
    let p = plan("make users.email not null", Some(500));
    assert_eq!(p.phases.len(), 1);
    assert!(sql(&p)[0][0].ends_with("SET NOT NULL"));
    assert!(
        p.decisions.iter().any(|d| d.contains("simple form")),
        "{:?}",
        p.decisions
    );
}

#[test]
fn unknown_sizes_are_assumed_large_and_said_so() {
    let p = plan("make users.email not null", None);
    assert_eq!(p.phases.len(), 2);
    assert!(sql(&p)[0][0].contains("NOT VALID"));
    assert!(sql(&p)[1][0].contains("VALIDATE CONSTRAINT"));
    assert!(
        p.decisions.iter().any(|d| d.contains("assumed large")),
        "{:?}",
        p.decisions
    );
}

#[test]
fn foreign_keys_validate_in_a_later_migration() {
    let p = plan(
        "add foreign key from users.account_id to accounts.id",
        Some(1_000_000),
    );
    let s = sql(&p);
    assert!(s[0][0].ends_with("NOT VALID"), "{s:?}");
    assert_eq!(
        s[1],
        vec!["ALTER TABLE users VALIDATE CONSTRAINT users_account_id_fkey"]
    );
    let validate = &p.phases[1].up[0].statement;
    assert!(validate
        .locks
        .iter()
        .any(|l| l.object == "table accounts (referenced)"));
}

#[test]
fn unique_constraints_attach_a_concurrent_index() {
    let p = plan("add unique constraint on users.email", Some(1_000_000));
    assert!(!p.phases[0].transactional);
    let s = sql(&p);
    assert!(
        s[0][0].starts_with("CREATE UNIQUE INDEX CONCURRENTLY"),
        "{s:?}"
    );
    assert!(s[0][1].contains("USING INDEX"), "{s:?}");
    let down = &p.phases[0].down;
    assert!(down.last().unwrap().statement.sql.contains("IF EXISTS"));
}

#[test]
fn volatile_defaults_are_backfilled_in_batches_then_made_not_null() {
    let p = plan(
        "add token uuid default gen_random_uuid() not null to users",
        Some(1_000_000),
    );
    let names: Vec<&str> = p.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["schema", "backfill", "not_null_check", "validate"]);
    let fill = &p.phases[1].up[0].statement;
    assert!(fill.sql.starts_with("DO $migsmith$") && fill.sql.contains("COMMIT;"));
    assert!(
        fill.sql.contains("LIMIT 10000) AS batch")
            && fill.sql.contains("id <= batch_end AND token IS NULL"),
        "{}",
        fill.sql
    );
    assert!(!fill.transactional);
}

#[test]
fn constant_defaults_stay_one_catalog_only_statement() {
    let p = plan(
        "add level integer default 0 not null to users",
        Some(1_000_000),
    );
    assert_eq!(p.phases.len(), 1);
    assert_eq!(p.phases[0].up[0].statement.min_version, Some(11));
    assert!(!p.phases[0].up[0].statement.rewrites_table);
}

#[test]
fn every_phase_sets_lock_timeout_and_a_fitting_statement_timeout() {
    let p = plan("make users.email not null", None);
    for phase in &p.phases {
        assert_eq!(phase.settings[0], "SET lock_timeout = '5s'");
    }
    assert_eq!(p.phases[0].settings[1], "SET statement_timeout = '30s'");
    assert_eq!(p.phases[1].settings[1], "SET statement_timeout = 0");
}

#[test]
fn estimates_show_their_inputs() {
    let p = plan("make users.email not null", Some(2_000_000));
    let validate = &p.phases[1].up[0];
    let c = crate::plan::cost::CostTable::default();
    // `users` of the test schema: ~80 bytes a row from its column types.
    assert_eq!(
        validate.estimate_inputs.as_deref(),
        Some(
            format!(
                "2,000,000 rows × {} s/1M rows (validation scan) + 0.160 GB (~80 bytes/row from \
                 the column types) × {} s/GB (heap read) + {} s",
                c.validation_scan, c.read_per_gb, c.metadata_seconds
            )
            .as_str()
        )
    );
    let expected = 2.0 * c.validation_scan + 0.16 * c.read_per_gb + c.metadata_seconds;
    assert!((validate.estimated_seconds - expected).abs() < 1e-9);
}

/// Regression (found by the random-description property test): a CHECK added NOT VALID with
/// its VALIDATE in a later migration, and the table dropped in the same plan, left the VALIDATE
/// to run against a table that no longer existed.
#[test]
fn a_table_dropped_later_in_the_plan_gets_the_simple_form_first() {
    let p = plan(
        "add check constraint score is not null on users and drop table users",
        None,
    );
    assert_eq!(p.phases.len(), 1, "{:?}", sql(&p));
    let statements = &sql(&p)[0];
    let check = statements.iter().position(|s| s.contains("ADD CONSTRAINT"));
    let drop = statements.iter().position(|s| s.starts_with("DROP TABLE"));
    assert!(check < drop, "{statements:?}");
    assert!(!statements.iter().any(|s| s.contains("NOT VALID")));
    assert!(p.decisions.iter().any(|d| d.contains("a later change")));
}
