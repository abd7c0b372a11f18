//! Unit tests of the cost function (`estimate_with`, `phase_overhead`), the table shape and the
//! cost table.

use super::*;
use crate::dialect::LockMode;
use crate::plan::ops::Statement;

/// Round figures, so each expected value can be worked out by hand.
fn costs() -> CostTable {
    CostTable {
        statement_seconds: 0.0001,
        metadata_seconds: 0.001,
        commit_seconds: 0.002,
        read_per_gb: 0.5,
        validation_scan: 0.1,
        check_scan: 0.2,
        fk_validation: 0.3,
        fk_validation_parent: 1.0,
        churned_scan: 0.4,
        churned_per_gb: 2.0,
        index_build_text: 1.5,
        index_build_text_sorted: 0.7,
        index_build_integer: 0.4,
        index_build_integer_sorted: 0.2,
        // The shapes below have 1M rows: the build figures apply unscaled.
        sort_rows: 1_000_000,
        concurrent_text: 0.3,
        concurrent_integer: 0.1,
        rewrite: 1.0,
        rewrite_per_gb: 4.0,
        rewrite_per_index: 0.6,
        full_update: 5.0,
        update_per_gb: 3.0,
        update_per_index: 2.0,
        batched_backfill: 6.0,
        backfill_per_gb: 3.5,
        batch_commit: 0.005,
        backfill_per_index: 1.5,
        uuid_generation: 1.2,
        ..CostTable::default()
    }
}

/// 1M rows of 200 bytes (0.2 GB), one index.
fn shape() -> TableShape {
    TableShape {
        rows: 1_000_000,
        indexes: 1,
        width: Some(Width {
            bytes: 200.0,
            measured: true,
        }),
        ..TableShape::default()
    }
}

fn statement(sql: &str, lock: LockMode) -> Statement {
    Statement::metadata(sql.into(), lock, "users")
}

fn rewrite() -> Statement {
    statement(
        "ALTER TABLE users ALTER COLUMN age TYPE bigint",
        LockMode::AccessExclusive,
    )
    .rewriting()
}

fn scan(sql: &str) -> Statement {
    statement(sql, LockMode::ShareUpdateExclusive).scanning()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_rewrite_costs_its_rows_its_bytes_and_every_further_index() {
    let one = estimate_with(&costs(), &rewrite(), &shape());
    // 1M × 1.0 s/1M + 0.2 GB × 4 s/GB + the statement.
    assert!(close(one.seconds, 1.0 + 0.8 + 0.001), "{one:?}");
    assert!(
        one.inputs
            .contains("0.200 GB (200 bytes/row) × 4 s/GB (heap written)"),
        "{}",
        one.inputs
    );
    let three = estimate_with(
        &costs(),
        &rewrite(),
        &TableShape {
            indexes: 3,
            ..shape()
        },
    );
    assert!(close(three.seconds, one.seconds + 2.0 * 0.6), "{three:?}");
    assert!(
        three.inputs.contains("2 more indexes × 0.6 s/1M rows"),
        "{}",
        three.inputs
    );
}

#[test]
fn wider_rows_cost_a_rewrite_its_written_bytes_and_a_scan_its_read_bytes() {
    let wide = TableShape {
        width: Some(Width {
            bytes: 600.0,
            measured: true,
        }),
        ..shape()
    };
    let rewrite_more = estimate_with(&costs(), &rewrite(), &wide).seconds
        - estimate_with(&costs(), &rewrite(), &shape()).seconds;
    assert!(close(rewrite_more, 0.4 * 4.0), "{rewrite_more}");
    let validate = scan("ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null");
    let fresh = estimate_with(&costs(), &validate, &shape());
    assert!(close(fresh.seconds, 0.1 + 0.2 * 0.5 + 0.001), "{fresh:?}");
    let scan_more = estimate_with(&costs(), &validate, &wide).seconds - fresh.seconds;
    assert!(close(scan_more, 0.4 * 0.5), "{scan_more}");
}

#[test]
fn without_statistics_the_width_comes_from_the_column_types() {
    let schema = crate::schema::sql::load_str(
        "CREATE TYPE mood AS ENUM ('ok');
         CREATE TABLE users (id bigint, ok boolean, m mood, code varchar(10), bio text,
                             nick varchar(100));",
        "test",
    )
    .unwrap();
    let validate = scan("ALTER TABLE users VALIDATE CONSTRAINT users_bio_check");
    let s = TableShape::of(&schema, &validate, 1_000_000);
    // 28 (header, line pointer) + 8 + 1 + 4 + (10 + 1) + 32 + (32 + 68 / 2).
    let w = s.width.unwrap();
    assert!(!w.measured && close(w.bytes, 28.0 + 8.0 + 1.0 + 4.0 + 11.0 + 32.0 + 66.0));
    let e = estimate_with(&costs(), &validate, &s);
    assert!(
        e.inputs.contains("~150 bytes/row from the column types"),
        "{}",
        e.inputs
    );
    // Measured statistics win: heap bytes over rows.
    let mut schema = schema;
    schema.tables.get_mut("users").unwrap().stats = Some(crate::schema::TableStats {
        rows: 1_000,
        heap_bytes: Some(241_000),
        ..Default::default()
    });
    let w = TableShape::of(&schema, &validate, 5).width.unwrap();
    assert!(w.measured && close(w.bytes, 241.0));
}

#[test]
fn an_index_build_sorts_by_key_type_and_order_and_reads_the_heap() {
    let build = |fixed, correlation| TableShape {
        key: Some(KeyShape { fixed, correlation }),
        ..shape()
    };
    let plain = statement("CREATE INDEX users_a ON users (a)", LockMode::Share).scanning();
    let text = estimate_with(&costs(), &plain, &build(false, None));
    assert!(close(text.seconds, 1.5 + 0.2 * 0.5 + 0.001), "{text:?}");
    // A key's correlation c moves its figure c² of the way to the sorted one, either sign:
    // text …
    let ordered_text = estimate_with(&costs(), &plain, &build(false, Some(0.9)));
    assert!(
        close(ordered_text.seconds, 1.5 - 0.8 * 0.81 + 0.1 + 0.001),
        "{ordered_text:?}"
    );
    assert!(
        ordered_text
            .inputs
            .contains("1.5 + (0.7 − 1.5) × correlation² (0.90²"),
        "{}",
        ordered_text.inputs
    );
    // … and fixed-width keys.
    let ordered = estimate_with(&costs(), &plain, &build(true, Some(-0.5)));
    assert!(close(ordered.seconds, 0.35 + 0.1 + 0.001), "{ordered:?}");
    assert!(
        ordered
            .inputs
            .contains("0.4 + (0.2 − 0.4) × correlation² (-0.50²"),
        "{}",
        ordered.inputs
    );
    // No statistics: random order, the slower figure.
    let unknown = estimate_with(&costs(), &plain, &build(true, None));
    assert!(close(unknown.seconds, 0.4 + 0.1 + 0.001), "{unknown:?}");
    assert!(unknown.inputs.contains("random order assumed"));
    // CONCURRENTLY: its validation pass per row, and the heap read twice.
    let concurrently = statement(
        "CREATE INDEX CONCURRENTLY users_a ON users (a)",
        LockMode::ShareUpdateExclusive,
    )
    .scanning()
    .non_transactional();
    let c = estimate_with(&costs(), &concurrently, &build(true, Some(1.0)));
    assert!(close(c.seconds, 0.2 + 0.1 + 2.0 * 0.1 + 0.001), "{c:?}");
    assert!(c.inputs.contains("heap read twice"), "{}", c.inputs);
    let c = estimate_with(&costs(), &concurrently, &build(false, None));
    assert!(close(c.seconds, 1.5 + 0.3 + 2.0 * 0.1 + 0.001), "{c:?}");
    // Figures measured on fewer rows: a sort's per-row work grows with log₂ n.
    let measured_small = CostTable {
        sort_rows: 1_000,
        ..costs()
    };
    let scaled = estimate_with(&measured_small, &plain, &build(false, None));
    let scale = 1e6f64.log2() / 1e3f64.log2();
    assert!(
        close(scaled.seconds, 1.5 * scale + 0.2 * 0.5 + 0.001),
        "{scaled:?}"
    );
    assert!(
        scaled
            .inputs
            .contains("= (1.5 (random order assumed: no column statistics)) × 2.00 (log₂ 1,000,000 / log₂ 1,000: a sort is n log n)"),
        "{}",
        scaled.inputs
    );
    let c = estimate_with(&measured_small, &concurrently, &build(false, None));
    assert!(
        c.inputs
            .contains("+ 0.3 (CONCURRENTLY's validation pass)) × 2.00"),
        "{}",
        c.inputs
    );
    assert!(
        close(c.seconds, (1.5 + 0.3) * scale + 2.0 * 0.1 + 0.001),
        "{c:?}"
    );
    // Scans do not sort: unscaled.
    let validate = statement(
        "ALTER TABLE users VALIDATE CONSTRAINT users_a_not_null",
        LockMode::ShareUpdateExclusive,
    )
    .scanning();
    assert_eq!(
        estimate_with(&measured_small, &validate, &shape()).seconds,
        estimate_with(&costs(), &validate, &shape()).seconds
    );
}

#[test]
fn the_shape_reads_index_count_key_type_and_order_from_the_schema() {
    let mut schema = crate::schema::sql::load_str(
        "CREATE TABLE users (id bigint PRIMARY KEY, age integer, email text UNIQUE,
                             seen_at timestamptz);
         CREATE INDEX users_email_lower ON users (lower(email));",
        "test",
    )
    .unwrap();
    schema
        .tables
        .get_mut("users")
        .unwrap()
        .column_correlations
        .insert("email".into(), 0.8);
    let on = |sql: &str| TableShape::of(&schema, &scan(sql), 10);
    let age = on("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)");
    assert_eq!(age.indexes, 3);
    assert_eq!(
        age.key,
        Some(KeyShape {
            fixed: true,
            correlation: None
        })
    );
    let seen = on("CREATE INDEX CONCURRENTLY users_seen ON users (seen_at, age)").key;
    assert_eq!(seen.map(|k| k.fixed), Some(true));
    let email = on("ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)").key;
    assert_eq!(
        email,
        Some(KeyShape {
            fixed: false,
            correlation: Some(0.8)
        })
    );
    let expression = on("CREATE INDEX CONCURRENTLY e ON users (lower(email))").key;
    assert_eq!(
        expression.map(|k| (k.fixed, k.correlation)),
        Some((false, None))
    );
    // Builds no index.
    assert_eq!(on("ALTER TABLE users VALIDATE CONSTRAINT c").key, None);
    assert_eq!(
        on("ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX i").key,
        None
    );
}

#[test]
fn a_batched_backfill_costs_its_rows_bytes_and_a_commit_and_a_pause_per_batch() {
    let sql = "DO $migsmith$ BEGIN WHILE next_key IS NOT NULL LOOP SELECT max(id) INTO batch_end FROM (SELECT id FROM users WHERE id >= next_key ORDER BY id LIMIT 10000) AS batch; UPDATE users SET a = 1 WHERE id >= next_key AND id <= batch_end AND a IS NULL; COMMIT; PERFORM pg_sleep(0.05); SELECT min(id) INTO next_key FROM users WHERE id > batch_end; END LOOP; END $migsmith$";
    let fill = statement(sql, LockMode::RowExclusive).scanning();
    let e = estimate_with(&costs(), &fill, &shape());
    let expected = 0.001 + 6.0 + 0.2 * 3.5 + 100.0 * (0.005 + 0.05);
    assert!(close(e.seconds, expected), "{e:?}");
    assert!(
        e.inputs
            .contains("100 batches × (0.005 s commit + 0.05 s pause)"),
        "{}",
        e.inputs
    );
    // A partial last batch is still a batch; further indexes use the batched figure.
    let three = estimate_with(
        &costs(),
        &fill,
        &TableShape {
            rows: 1_000_001,
            indexes: 3,
            ..shape()
        },
    );
    let expected = 0.001 + (6.0 + 2.0 * 1.5) * 1.000001 + 0.2000002 * 3.5 + 101.0 * (0.005 + 0.05);
    assert!(close(three.seconds, expected), "{three:?}");
}

#[test]
fn a_new_uuid_per_row_adds_its_generation() {
    let update = |sql: &str| statement(sql, LockMode::RowExclusive).scanning();
    let constant = estimate_with(&costs(), &update("UPDATE users SET a = 1"), &shape());
    let uuid = estimate_with(
        &costs(),
        &update("UPDATE users SET a = gen_random_uuid()"),
        &shape(),
    );
    assert!(close(uuid.seconds - constant.seconds, 1.2), "{uuid:?}");
    assert!(
        uuid.inputs.contains("= 5 + 1.2 (a new uuid per row)"),
        "{}",
        uuid.inputs
    );
    // A volatile default's rewrite too.
    let add = statement(
        "ALTER TABLE users ADD COLUMN t uuid DEFAULT uuid_generate_v4()",
        LockMode::AccessExclusive,
    )
    .rewriting();
    let e = estimate_with(&costs(), &add, &shape());
    assert!(close(e.seconds, 1.0 + 1.2 + 0.8 + 0.001), "{e:?}");
}

#[test]
fn a_foreign_key_costs_its_referencing_rows_plus_its_referenced_rows() {
    let fk = statement(
        "ALTER TABLE users VALIDATE CONSTRAINT users_account_fk",
        LockMode::ShareUpdateExclusive,
    )
    .scanning()
    .also_locks("table accounts (referenced)".into(), LockMode::RowShare);
    let small = estimate_with(
        &costs(),
        &fk,
        &TableShape {
            parent_rows: Some(1_000),
            ..shape()
        },
    );
    assert!(
        close(small.seconds, 0.001 + 0.3 + 0.2 * 0.5 + 1.0 * 0.001),
        "{small:?}"
    );
    assert!(
        small.inputs.contains("1,000 referenced rows × 1 s/1M rows"),
        "{}",
        small.inputs
    );
    // A parent of unknown size counts as large as the child.
    let unknown = estimate_with(&costs(), &fk, &shape());
    assert!(close(unknown.seconds, small.seconds + 0.999), "{unknown:?}");
}

#[test]
fn the_shape_reads_the_referenced_tables_rows() {
    let mut schema = crate::schema::sql::load_str(
        "CREATE TABLE accounts (id bigint PRIMARY KEY);
         CREATE TABLE users (id bigint PRIMARY KEY, account_id bigint);",
        "test",
    )
    .unwrap();
    let fk = scan("ALTER TABLE users VALIDATE CONSTRAINT users_account_fk")
        .also_locks("table accounts (referenced)".into(), LockMode::RowShare);
    assert_eq!(TableShape::of(&schema, &fk, 10).parent_rows, None);
    schema.tables.get_mut("accounts").unwrap().stats = Some(crate::schema::TableStats {
        rows: 1_000,
        ..Default::default()
    });
    assert_eq!(TableShape::of(&schema, &fk, 10).parent_rows, Some(1_000));
}

#[test]
fn a_scan_after_a_full_update_in_the_same_plan_costs_the_churned_figures() {
    let fill = statement(
        "UPDATE users SET token = gen_random_uuid()",
        LockMode::RowExclusive,
    )
    .scanning();
    let check = scan("ALTER TABLE users VALIDATE CONSTRAINT users_token_not_null");
    let other = Statement::metadata(
        "ALTER TABLE accounts VALIDATE CONSTRAINT a_not_null".into(),
        LockMode::ShareUpdateExclusive,
        "accounts",
    )
    .scanning();
    assert!(updates_every_row(&fill) && !updates_every_row(&check));
    // Before the update: not churned; after it, on its table only.
    let mut shapes = vec![shape(); 4];
    mark_plan_order(
        [&check, &fill, &check, &other]
            .into_iter()
            .zip(shapes.iter_mut()),
    );
    let churned: Vec<bool> = shapes.iter().map(|s| s.churned).collect();
    assert_eq!(churned, [false, false, true, false]);
    let after = estimate_with(&costs(), &check, &shapes[2]);
    assert!(close(after.seconds, 0.001 + 0.4 + 0.2 * 2.0), "{after:?}");
    assert!(after.inputs.contains("updated in full"), "{}", after.inputs);
}

#[test]
fn a_migration_adds_its_control_statements_and_commits() {
    // BEGIN + 2 settings, one COMMIT.
    let t = phase_overhead(&costs(), true, 2, 3);
    assert!(close(t.seconds, 3.0 * 0.0001 + 0.002), "{t:?}");
    assert_eq!(
        t.inputs,
        "3 control statements × 0.0001 s + 1 commit × 0.002 s"
    );
    // Outside a transaction every statement commits on its own.
    let n = phase_overhead(&costs(), false, 2, 3);
    assert!(close(n.seconds, 2.0 * 0.0001 + 3.0 * 0.002), "{n:?}");
}

#[test]
fn a_catalog_change_costs_its_fixed_figure() {
    let add = statement(
        "ALTER TABLE users ADD COLUMN a integer",
        LockMode::AccessExclusive,
    );
    let e = estimate_with(&costs(), &add, &shape());
    assert!(close(e.seconds, 0.001) && e.inputs == "catalog-only: 0.001 s");
}

#[test]
fn a_cost_file_of_an_older_model_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    std::fs::write(&old, "rewrite = 3.0\nfull_update = 9.0\nrow_bytes = 60.0\n").unwrap();
    let table = CostTable::load(&old).unwrap();
    assert_eq!(table.rewrite, CostTable::default().rewrite);
    assert!(
        table.source.contains("run `migsmith calibrate` again"),
        "{}",
        table.source
    );
    // The current model's file loads; missing fields keep the built-in figures.
    let new = dir.path().join("new.toml");
    std::fs::write(&new, format!("model = {MODEL}\nrewrite = 3.0\n")).unwrap();
    let table = CostTable::load(&new).unwrap();
    assert_eq!(table.rewrite, 3.0);
    assert_eq!(table.read_per_gb, CostTable::default().read_per_gb);
    assert!(table.source.starts_with("calibrated figures from"));
    // Calibrated before sorted text was measured: its random text figure, order not counted on.
    assert_eq!(table.index_build_text_sorted, table.index_build_text);
    let text = dir.path().join("text.toml");
    std::fs::write(&text, format!("model = {MODEL}\nindex_build_text = 2.5\n")).unwrap();
    assert_eq!(CostTable::load(&text).unwrap().index_build_text_sorted, 2.5);
    // What calibrate saves loads back the same.
    let saved = dir.path().join("saved.toml");
    std::fs::write(&saved, costs().to_toml()).unwrap();
    assert_eq!(
        CostTable::load(&saved).unwrap(),
        CostTable {
            source: CostTable::load(&saved).unwrap().source,
            ..costs()
        }
    );
}

#[test]
fn a_check_costs_a_plain_scan_unless_it_calls_a_function() {
    assert_eq!(CheckExpr::of("score >= 0"), CheckExpr::Comparison);
    assert_eq!(
        CheckExpr::of("status IN ('a', 'b') AND NOT (x IS NULL)"),
        CheckExpr::Comparison
    );
    assert_eq!(CheckExpr::of("note <> 'f(x)'"), CheckExpr::Comparison);
    assert_eq!(
        CheckExpr::of("char_length(name) <= 50"),
        CheckExpr::FunctionCall
    );
    assert_eq!(
        CheckExpr::of("lower (email) = email"),
        CheckExpr::FunctionCall
    );
    let schema = crate::schema::sql::load_str("CREATE TABLE users (score int);", "t").unwrap();
    let add = |sql: &str| {
        statement(sql, LockMode::AccessExclusive)
            .scanning()
            .also_locks("table users".into(), LockMode::AccessExclusive)
    };
    // Added and validated at once: the expression is in the statement.
    let inline = add("ALTER TABLE users ADD CONSTRAINT users_score_check CHECK (score >= 0)");
    let s = TableShape::of(&schema, &inline, 1_000_000);
    assert_eq!(s.check, Some(CheckExpr::Comparison));
    let e = estimate_with(
        &costs(),
        &inline,
        &TableShape {
            check: s.check,
            ..shape()
        },
    );
    assert!(close(e.seconds, 0.1 + 0.2 * 0.5 + 0.001), "{e:?}");
    // NOT VALID, then VALIDATE in a later step: the plan order carries the expression over.
    let not_valid = statement(
        "ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (char_length(name) <= 5) NOT VALID",
        LockMode::AccessExclusive,
    );
    let validate = scan("ALTER TABLE users VALIDATE CONSTRAINT users_name_check");
    let mut shapes =
        [not_valid.clone(), validate.clone()].map(|s| TableShape::of(&schema, &s, 1_000_000));
    assert_eq!(shapes[1].check, None);
    mark_plan_order([&not_valid, &validate].into_iter().zip(shapes.iter_mut()));
    assert_eq!(shapes[1].check, Some(CheckExpr::FunctionCall));
    let e = estimate_with(
        &costs(),
        &validate,
        &TableShape {
            check: shapes[1].check,
            ..shape()
        },
    );
    assert!(close(e.seconds, 0.2 + 0.2 * 0.5 + 0.001), "{e:?}");
    assert!(e.inputs.contains("with a function call"), "{}", e.inputs);
}
