//! Expand-contract forms: which phases a rewriting type change and a phased rename get, that
//! every phase has a down, and when the strategy refuses and why.

use super::{build_with, RenameStrategy, StrategyOptions};
use crate::plan::{resolve, Plan};
use crate::schema::sizes::{RowCounts, RowSpec};

const SCHEMA: &str = "CREATE TABLE accounts (id bigserial PRIMARY KEY);
CREATE TABLE users (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id),
  email text, name text NOT NULL DEFAULT 'someone', score integer NOT NULL DEFAULT 0,
  code text, nick varchar(20));
CREATE INDEX users_score_idx ON users (score);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE keyless (a integer, b integer);";

fn plan_with(description: &str, rows: u64, renames: RenameStrategy) -> Plan {
    let mut schema = crate::schema::sql::load_str(SCHEMA, "test").unwrap();
    RowCounts::from_specs(&[RowSpec::All(rows)]).apply(&mut schema);
    let intents = crate::intent::parse(description).unwrap();
    let resolved = resolve(&intents, &schema).unwrap();
    let opts = StrategyOptions {
        renames,
        ..Default::default()
    };
    build_with(description, &schema, resolved, &opts)
}

fn plan(description: &str, rows: u64) -> Plan {
    plan_with(description, rows, RenameStrategy::Plain)
}

fn names(p: &Plan) -> Vec<&str> {
    p.phases.iter().map(|p| p.name.as_str()).collect()
}

fn all_sql(steps: &[crate::plan::Step]) -> String {
    steps
        .iter()
        .map(|s| s.statement.sql.as_str())
        .collect::<Vec<_>>()
        .join(";\n")
}

fn every_phase_reversible(p: &Plan) {
    for phase in &p.phases {
        if phase.name.starts_with("backfill") {
            continue; // the expand's down drops what the backfill wrote
        }
        assert!(!phase.down.is_empty(), "{}: no down", phase.name);
    }
}

#[test]
fn rewriting_type_change_on_a_large_table_is_expand_contract() {
    let p = plan("change type of users.score to bigint", 1_000_000);
    assert_eq!(
        names(&p),
        [
            "expand",
            "backfill",
            "concurrent_indexes",
            "validate",
            "swap",
            "contract"
        ]
    );
    every_phase_reversible(&p);
    let expand = all_sql(&p.phases[0].up);
    assert!(expand.contains("ADD COLUMN score_new bigint"), "{expand}");
    assert!(
        expand.contains("NEW.score_new := NEW.score::bigint;"),
        "{expand}"
    );
    assert!(expand.contains("BEFORE INSERT OR UPDATE ON users FOR EACH ROW"));
    assert!(expand.contains("CHECK (score_new IS NOT NULL) NOT VALID"));
    let fill = &p.phases[1].up[0].statement.sql;
    assert!(fill.contains("SET score_new = score::bigint"), "{fill}");
    assert!(fill.contains("score_new IS DISTINCT FROM (score::bigint)"));
    assert_eq!(
        p.phases[2].up[0].statement.sql,
        "CREATE INDEX CONCURRENTLY users_score_idx_new ON users (score_new)"
    );
    let swap = all_sql(&p.phases[4].up);
    for expected in [
        "DROP TRIGGER IF EXISTS users_score_sync_new ON users",
        "ALTER TABLE users RENAME COLUMN score TO score_old",
        "ALTER TABLE users RENAME COLUMN score_new TO score",
        "ALTER TABLE users ALTER COLUMN score SET DEFAULT 0",
        "ALTER INDEX users_score_idx RENAME TO users_score_idx_old",
        "ALTER INDEX users_score_idx_new RENAME TO users_score_idx",
        "NEW.score_old := NEW.score::integer",
    ] {
        assert!(swap.contains(expected), "missing {expected}:\n{swap}");
    }
    assert!(p.phases[4].transactional);
    let swap_down = all_sql(&p.phases[4].down);
    assert!(swap_down.contains("RENAME COLUMN score_old TO score"));
    assert!(swap_down.contains("NEW.score_new := NEW.score::bigint"));
    let contract = &p.phases[5];
    assert!(!contract.transactional);
    assert!(all_sql(&contract.up).contains("DROP COLUMN IF EXISTS score_old"));
    let contract_down = all_sql(&contract.down);
    assert!(contract_down.contains("ADD COLUMN IF NOT EXISTS score_old integer"));
    assert!(contract_down.contains("SET score_old = score::integer"));
    assert!(contract_down.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_score_idx_old"));
    assert!(contract_down.contains("VALIDATE CONSTRAINT"));
    assert!(p
        .phases
        .iter()
        .all(|ph| !ph.deploy.is_empty() || ph.name != "swap"));
}

#[test]
fn the_trigger_uses_the_plans_using_expression() {
    let p = plan(
        "change type of users.code to integer using nullif(code, '')::integer",
        1_000_000,
    );
    let expand = all_sql(&p.phases[0].up);
    assert!(
        expand.contains("(SELECT NULLIF(code, '')::integer FROM (SELECT NEW.*) AS migsmith_row)")
            || expand.contains("FROM (SELECT NEW.*) AS migsmith_row)"),
        "{expand}"
    );
}

#[test]
fn small_tables_and_binary_coercible_casts_stay_in_place() {
    let p = plan("change type of users.score to bigint", 100);
    assert_eq!(p.phases.len(), 1);
    let p = plan("change type of users.nick to varchar(200)", 1_000_000);
    assert_eq!(p.phases.len(), 1);
}

#[test]
fn keys_and_references_keep_the_in_place_form_and_say_why() {
    let p = plan("change type of accounts.id to integer", 1_000_000);
    assert_eq!(p.phases.len(), 1);
    assert!(
        p.decisions
            .iter()
            .any(|d| d.contains("primary key") && d.contains("in place")),
        "{:?}",
        p.decisions
    );
    let p = plan("change type of users.account_id to integer", 1_000_000);
    assert_eq!(p.phases.len(), 1);
    assert!(
        p.decisions.iter().any(|d| d.contains("foreign key")),
        "{:?}",
        p.decisions
    );
    let p = plan("change type of keyless.a to bigint", 1_000_000);
    assert_eq!(p.phases.len(), 1);
}

#[test]
fn plain_renames_stay_one_statement() {
    let p = plan("rename users.name to full_name", 1_000_000);
    assert_eq!(p.phases.len(), 1);
    let p = plan("rename table users to members", 1_000_000);
    assert_eq!(p.phases.len(), 1);
}

#[test]
fn expand_contract_column_rename_syncs_both_ways() {
    let p = plan_with(
        "rename users.name to full_name",
        1_000_000,
        RenameStrategy::ExpandContract,
    );
    assert_eq!(
        names(&p),
        [
            "expand",
            "backfill",
            "concurrent_indexes",
            "validate",
            "contract"
        ]
    );
    every_phase_reversible(&p);
    let expand = all_sql(&p.phases[0].up);
    assert!(expand.contains("ADD COLUMN full_name text"), "{expand}");
    assert!(expand.contains("NEW.full_name := NEW.name"));
    assert!(expand.contains("NEW.name := NEW.full_name"));
    let contract = all_sql(&p.phases[4].up);
    assert!(contract.contains("DROP COLUMN IF EXISTS name"));
    assert!(contract.contains("ALTER INDEX users_name_idx_new RENAME TO users_name_idx"));
    assert!(contract.contains("ALTER COLUMN full_name SET DEFAULT 'someone'"));
    let down = all_sql(&p.phases[4].down);
    assert!(down.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name)"));
    assert!(p.phases[4].deploy[0].contains("no longer reads or writes"));
}

#[test]
fn expand_contract_table_rename_keeps_a_view() {
    let p = plan_with(
        "rename table users to members",
        10,
        RenameStrategy::ExpandContract,
    );
    assert_eq!(names(&p), ["expand", "contract"]);
    let expand = all_sql(&p.phases[0].up);
    assert!(expand.contains("ALTER TABLE users RENAME TO members"));
    assert!(expand.contains("CREATE VIEW users AS SELECT * FROM members"));
    assert_eq!(
        all_sql(&p.phases[0].down),
        "DROP VIEW IF EXISTS users;\nALTER TABLE members RENAME TO users"
    );
    assert_eq!(all_sql(&p.phases[1].up), "DROP VIEW IF EXISTS users");
    assert_eq!(
        all_sql(&p.phases[1].down),
        "CREATE VIEW users AS SELECT * FROM members"
    );
}

#[test]
fn expand_contract_rename_of_a_key_column_is_plain() {
    let p = plan_with(
        "rename users.account_id to owner_id",
        1_000_000,
        RenameStrategy::ExpandContract,
    );
    assert_eq!(p.phases.len(), 1);
    assert!(
        p.decisions.iter().any(|d| d.contains("plain RENAME")),
        "{:?}",
        p.decisions
    );
}

#[test]
fn expand_contract_rename_without_an_integer_key_is_plain_and_says_so() {
    let p = plan_with(
        "rename column a to c in keyless",
        1_000_000,
        RenameStrategy::ExpandContract,
    );
    assert_eq!(p.phases.len(), 1);
    assert!(
        p.decisions.iter().any(|d| d.contains("plain RENAME")),
        "{:?}",
        p.decisions
    );
}
