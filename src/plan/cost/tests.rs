//! Unit tests of the cost function (`estimate_with`) and the cost table.

use super::*;
use crate::dialect::LockMode;

fn rewrite() -> Statement {
    Statement::metadata(
        "ALTER TABLE users ALTER COLUMN age TYPE bigint".into(),
        LockMode::AccessExclusive,
        "users",
    )
    .rewriting()
}

#[test]
fn more_indexes_make_a_longer_rewrite_and_update() {
    let costs = CostTable::default();
    let shape = |indexes| TableShape {
        rows: 1_000_000,
        indexes,
        integer_key: false,
        bytes: None,
        ..TableShape::default()
    };
    let one = estimate_with(&costs, &rewrite(), &shape(1));
    let three = estimate_with(&costs, &rewrite(), &shape(3));
    assert!((one.seconds - 1.31).abs() < 1e-9, "{one:?}");
    assert!(
        (three.seconds - (1.31 + 2.0 * 0.6)).abs() < 1e-9,
        "{three:?}"
    );
    assert!(
        three.inputs.contains("2 more indexes × 0.6 s/1M rows"),
        "{}",
        three.inputs
    );
    let update = Statement::metadata(
        "UPDATE users SET a = 1".into(),
        LockMode::RowExclusive,
        "users",
    )
    .scanning();
    assert!(
        estimate_with(&costs, &update, &shape(4)).seconds
            > estimate_with(&costs, &update, &shape(1)).seconds + 2.9
    );
}

#[test]
fn an_integer_index_uses_the_integer_figure() {
    let costs = CostTable::default();
    let build = Statement::metadata(
        "CREATE INDEX CONCURRENTLY users_age_idx ON users (age)".into(),
        LockMode::ShareUpdateExclusive,
        "users",
    )
    .scanning()
    .non_transactional();
    let shape = |integer_key| TableShape {
        rows: 1_000_000,
        indexes: 1,
        integer_key,
        bytes: None,
        ..TableShape::default()
    };
    let int = estimate_with(&costs, &build, &shape(true));
    let text = estimate_with(&costs, &build, &shape(false));
    assert!((int.seconds - (0.01 + 0.5 * 1.2)).abs() < 1e-9, "{int:?}");
    assert!(
        (text.seconds - (0.01 + 1.75 * 1.2)).abs() < 1e-9,
        "{text:?}"
    );
    assert!(int.inputs.contains("integer"), "{}", int.inputs);
}

#[test]
fn the_shape_reads_index_count_and_key_type_from_the_schema() {
    let schema = crate::schema::sql::load_str(
        "CREATE TABLE users (id bigint PRIMARY KEY, age integer, email text UNIQUE);
         CREATE INDEX users_email_lower ON users (lower(email));",
        "test",
    )
    .unwrap();
    let on = |sql: &str| {
        TableShape::of(
            &schema,
            &Statement::metadata(sql.into(), LockMode::ShareUpdateExclusive, "users"),
            10,
        )
    };
    let age = on("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)");
    assert_eq!((age.indexes, age.integer_key), (3, true));
    assert!(!on("CREATE INDEX CONCURRENTLY users_e ON users (email)").integer_key);
    assert!(!on("CREATE INDEX CONCURRENTLY users_e ON users (lower(email))").integer_key);
}

#[test]
fn a_batched_backfill_costs_its_rows_plus_a_commit_and_a_pause_per_batch() {
    let costs = CostTable::default();
    let sql = "DO $migsmith$ BEGIN WHILE next_key IS NOT NULL LOOP SELECT max(id) INTO batch_end FROM (SELECT id FROM users WHERE id >= next_key ORDER BY id LIMIT 10000) AS batch; UPDATE users SET a = 1 WHERE id >= next_key AND id <= batch_end AND a IS NULL; COMMIT; PERFORM pg_sleep(0.05); SELECT min(id) INTO next_key FROM users WHERE id > batch_end; END LOOP; END $migsmith$";
    let fill = Statement::metadata(sql.into(), LockMode::RowExclusive, "users").scanning();
    let shape = |rows, indexes| TableShape {
        rows,
        indexes,
        integer_key: false,
        bytes: None,
        ..TableShape::default()
    };
    let e = estimate_with(&costs, &fill, &shape(1_000_000, 1));
    assert!(
        (e.seconds - (0.01 + 3.9 + 100.0 * (0.005 + 0.05))).abs() < 1e-9,
        "{e:?}"
    );
    assert!(
        e.inputs
            .contains("100 batches × (0.005 s commit + 0.05 s pause)"),
        "{}",
        e.inputs
    );
    // A partial last batch is still a batch; further indexes use the batched figure.
    let three = estimate_with(&costs, &fill, &shape(1_000_001, 3));
    let expected = 0.01 + (3.9 + 2.0 * costs.backfill_per_index) * 1.000001 + 101.0 * 0.055;
    assert!((three.seconds - expected).abs() < 1e-9, "{three:?}");
}

#[test]
fn wider_rows_make_a_longer_rewrite_but_not_a_longer_index_build() {
    let costs = CostTable::default();
    let scan = rewrite();
    let shape = |bytes| TableShape {
        rows: 1_000_000,
        indexes: 1,
        integer_key: false,
        bytes,
        ..TableShape::default()
    };
    let narrow = estimate_with(&costs, &scan, &shape(None));
    let wide = estimate_with(&costs, &scan, &shape(Some(222_000_000)));
    assert!((wide.seconds - (0.01 + 2.6)).abs() < 1e-9, "{wide:?}");
    assert!(wide.seconds > narrow.seconds);
    assert!(
        wide.inputs.contains("row width 222 / 111 bytes"),
        "{}",
        wide.inputs
    );
    let build = Statement::metadata(
        "CREATE INDEX users_a ON users (a)".into(),
        LockMode::Share,
        "users",
    )
    .scanning();
    assert_eq!(
        estimate_with(&costs, &build, &shape(Some(222_000_000))).seconds,
        estimate_with(&costs, &build, &shape(None)).seconds
    );
}

#[test]
fn an_update_grows_with_row_width_by_its_share_only() {
    let costs = CostTable::default();
    let update = Statement::metadata(
        "UPDATE users SET a = 1".into(),
        LockMode::RowExclusive,
        "users",
    )
    .scanning();
    let shape = TableShape {
        rows: 1_000_000,
        indexes: 1,
        integer_key: false,
        bytes: Some(333_000_000),
        ..TableShape::default()
    };
    // 333 / 111 bytes = 3×: a quarter of the cost triples.
    let e = estimate_with(&costs, &update, &shape);
    assert!((e.seconds - (0.01 + 4.4 * 1.5)).abs() < 1e-9, "{e:?}");
    assert!(
        e.inputs.contains("0.25 of the cost per byte"),
        "{}",
        e.inputs
    );
}

#[test]
fn an_old_cost_file_keeps_the_built_in_per_index_figures() {
    let t: CostTable = toml::from_str("rewrite = 3.0\nfull_update = 9.0\n").unwrap();
    assert_eq!(t.rewrite, 3.0);
    assert_eq!(t.rewrite_per_index, CostTable::default().rewrite_per_index);
    assert_eq!(t.update_per_index, CostTable::default().update_per_index);
}

fn shape(rows: u64) -> TableShape {
    TableShape {
        rows,
        indexes: 1,
        ..TableShape::default()
    }
}

fn validate(sql: &str, referenced: bool) -> Statement {
    let s = Statement::metadata(sql.into(), LockMode::ShareUpdateExclusive, "users").scanning();
    if referenced {
        s.also_locks("table accounts (referenced)".into(), LockMode::RowShare)
    } else {
        s
    }
}

#[test]
fn a_foreign_key_costs_its_referencing_rows_plus_its_referenced_rows() {
    let costs = CostTable::default();
    let fk = validate(
        "ALTER TABLE users VALIDATE CONSTRAINT users_account_fk",
        true,
    );
    let small = estimate_with(
        &costs,
        &fk,
        &TableShape {
            parent_rows: Some(1_000),
            ..shape(1_000_000)
        },
    );
    assert!(
        (small.seconds - (0.01 + 0.5 + 1.1 * 0.001)).abs() < 1e-9,
        "{small:?}"
    );
    assert!(
        small
            .inputs
            .contains("1,000 referenced rows × 1.1 s/1M rows"),
        "{}",
        small.inputs
    );
    // A parent of unknown size counts as large as the child: the old 1.6 s/1M.
    let unknown = estimate_with(&costs, &fk, &shape(1_000_000));
    assert!((unknown.seconds - (0.01 + 1.6)).abs() < 1e-9, "{unknown:?}");
}

#[test]
fn the_shape_reads_the_referenced_tables_rows() {
    let mut schema = crate::schema::sql::load_str(
        "CREATE TABLE accounts (id bigint PRIMARY KEY);
         CREATE TABLE users (id bigint PRIMARY KEY, account_id bigint);",
        "test",
    )
    .unwrap();
    let fk = validate(
        "ALTER TABLE users VALIDATE CONSTRAINT users_account_fk",
        true,
    );
    assert_eq!(TableShape::of(&schema, &fk, 10).parent_rows, None);
    schema.tables.get_mut("accounts").unwrap().stats = Some(crate::schema::TableStats {
        rows: 1_000,
        ..Default::default()
    });
    assert_eq!(TableShape::of(&schema, &fk, 10).parent_rows, Some(1_000));
}

#[test]
fn a_scan_after_a_full_update_in_the_same_plan_costs_the_churned_figure() {
    let costs = CostTable::default();
    let fill = Statement::metadata(
        "UPDATE users SET token = gen_random_uuid()".into(),
        LockMode::RowExclusive,
        "users",
    )
    .scanning();
    let check = validate(
        "ALTER TABLE users VALIDATE CONSTRAINT users_token_not_null",
        false,
    );
    let other = Statement::metadata(
        "ALTER TABLE accounts VALIDATE CONSTRAINT a_not_null".into(),
        LockMode::ShareUpdateExclusive,
        "accounts",
    )
    .scanning();
    assert!(updates_every_row(&fill) && !updates_every_row(&check));
    // Before the update: not churned; after it, on its table only.
    let mut shapes = vec![shape(1_000_000); 4];
    mark_churned(
        [&check, &fill, &check, &other]
            .into_iter()
            .zip(shapes.iter_mut()),
    );
    let churned: Vec<bool> = shapes.iter().map(|s| s.churned).collect();
    assert_eq!(churned, [false, false, true, false]);
    let fresh = estimate_with(&costs, &check, &shapes[0]);
    let after = estimate_with(&costs, &check, &shapes[2]);
    assert!((fresh.seconds - (0.01 + 0.1)).abs() < 1e-9, "{fresh:?}");
    assert!((after.seconds - (0.01 + 1.0)).abs() < 1e-9, "{after:?}");
    assert!(after.inputs.contains("updated in full"), "{}", after.inputs);
    // All of it per byte: twice the calibration's row width, twice the time.
    let wide = TableShape {
        bytes: Some(222_000_000),
        ..shapes[2]
    };
    let e = estimate_with(&costs, &check, &wide);
    assert!((e.seconds - (0.01 + 2.0)).abs() < 1e-9, "{e:?}");
}
