//! Every operation kind on the real MariaDB: create the starting tables, apply the up, read
//! the catalog, apply the down, assert it equals the start, apply the up again and assert it
//! equals the first up. The `ALGORITHM=` each statement states is checked by the server
//! itself (it refuses an algorithm it cannot honour), and the expected algorithm per change is
//! pinned so the online-DDL table in `dialect::mysql::online` cannot drift.

mod mysql_common;

use migsmith::dialect::mysql::{file_sql, Algorithm, Mysql, Version};
use migsmith::plan::ops::*;
use migsmith::schema::{
    CheckConstraint, Column, EnumType, FkAction, ForeignKey, Index, IndexKey, PrimaryKey, Schema,
    Table, TableOptions,
};
use mysql::prelude::Queryable;
use mysql_common::MyDb;

fn col(name: &str, ty: &str, nullable: bool, default: Option<&str>) -> Column {
    let mut c = Column::new(name, ty);
    c.nullable = nullable;
    c.default = default.map(str::to_string);
    c
}

fn pk(table: &str) -> Option<PrimaryKey> {
    Some(PrimaryKey {
        name: format!("{table}_pkey"),
        columns: vec!["id".into()],
    })
}

fn id() -> Column {
    let mut c = col("id", "bigint", false, None);
    c.options.auto_increment = true;
    c
}

fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    Index {
        name: name.into(),
        columns: columns
            .iter()
            .map(|c| IndexKey::Column(c.to_string()))
            .collect(),
        unique,
        method: "btree".into(),
        predicate: None,
        include: vec![],
        prefix_lengths: Default::default(),
    }
}

fn fk(name: &str, columns: &[&str], ref_table: &str, on_delete: FkAction) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ref_table: ref_table.into(),
        ref_columns: vec!["id".into()],
        on_delete,
        on_update: FkAction::NoAction,
        deferrable: false,
        initially_deferred: false,
        validated: true,
    }
}

/// users (enum status, comment, collation, check), posts (FK + its index, other collation),
/// audit_log (no keys but the PK, a hostile column name).
fn start() -> Schema {
    let mut s = Schema::default();
    s.enums.insert(
        "user_status".into(),
        EnumType {
            schema: "public".into(),
            name: "user_status".into(),
            values: vec!["active".into(), "banned".into()],
        },
    );
    s.enums.insert(
        "legacy_kind".into(),
        EnumType {
            schema: "public".into(),
            name: "legacy_kind".into(),
            values: vec!["x".into()],
        },
    );
    let mut users = Table::new("users");
    let mut name = col("name", "varchar(50)", true, Some("'anon'"));
    name.comment = Some("display name, it's shown".into());
    let mut email = col("email", "varchar(100)", false, None);
    email.options.collation = Some("utf8mb4_bin".into());
    users.columns = vec![
        id(),
        email,
        name,
        col("nickname", "varchar(20)", true, None),
        col("status", "user_status", false, Some("'active'")),
        col("score", "int", false, Some("0")),
        col(
            "created_at",
            "datetime(6)",
            false,
            Some("CURRENT_TIMESTAMP(6)"),
        ),
    ];
    users.primary_key = pk("users");
    users.indexes = vec![index("users_email_idx", &["email"], false)];
    users.check_constraints = vec![CheckConstraint {
        name: "users_score_check".into(),
        expression: "score >= 0".into(),
        validated: true,
    }];
    users.options = TableOptions {
        engine: Some("InnoDB".into()),
        charset: Some("utf8mb4".into()),
        collation: Some("utf8mb4_unicode_ci".into()),
        ..TableOptions::default()
    };
    let mut posts = Table::new("posts");
    posts.columns = vec![
        id(),
        col("user_id", "bigint", false, None),
        col("title", "varchar(200)", false, None),
        col("body", "text", true, None),
    ];
    posts.primary_key = pk("posts");
    posts.indexes = vec![index("posts_user_id_idx", &["user_id"], false)];
    posts.foreign_keys = vec![fk(
        "posts_user_id_fkey",
        &["user_id"],
        "users",
        FkAction::Cascade,
    )];
    posts.options = TableOptions {
        engine: Some("InnoDB".into()),
        charset: Some("utf8mb4".into()),
        collation: Some("utf8mb4_bin".into()),
        ..TableOptions::default()
    };
    let mut audit = Table::new("audit_log");
    audit.columns = vec![
        id(),
        col("user_id", "bigint", true, None),
        col("we`ird name", "text", true, None),
    ];
    audit.primary_key = pk("audit_log");
    // One row known: above a small-table threshold of 0 (the `_large` cases), below 10,000.
    audit.stats = Some(migsmith::schema::TableStats {
        rows: 1,
        ..Default::default()
    });
    s.tables.insert("users".into(), users);
    s.tables.insert("posts".into(), posts);
    s.tables.insert("audit_log".into(), audit);
    s
}

const SEED: &str = "INSERT INTO `users` (`email`, `name`, `nickname`) VALUES ('a@x', 'Ann', 'ann'), ('b@x', 'Bob', 'bob');\n\
INSERT INTO `posts` (`user_id`, `title`) VALUES (1, 'hello'), (2, 'world');\n\
INSERT INTO `audit_log` (`user_id`, `we``ird name`) VALUES (1, 'x');\n";

/// One case: a name, the operations, and the algorithm the first up statement must use.
fn cases(s: &Schema) -> Vec<(&'static str, Vec<Operation>, Option<Algorithm>)> {
    let users = s.table("users").unwrap();
    let posts = s.table("posts").unwrap();
    let audit = s.table("audit_log").unwrap();
    let mut tags = Table::new("tags");
    tags.columns = vec![id(), col("label", "character varying(40)", false, None)];
    tags.primary_key = pk("tags");
    tags.unique_constraints = vec![migsmith::schema::UniqueConstraint {
        name: "tags_label_key".into(),
        columns: vec!["label".into()],
    }];
    let users_col = |n: &str| users.column(n).unwrap().clone();
    let status_cols = vec![EnumColumn {
        table: "users".into(),
        column: "status".into(),
        default: Some("'active'".into()),
    }];
    vec![
        (
            "create_table",
            vec![CreateTable {
                table: "tags".into(),
                definition: tags,
            }
            .into()],
            None,
        ),
        (
            "drop_table",
            vec![DropTable {
                table: "audit_log".into(),
                definition: audit.clone(),
                dependents: vec![],
                cascade: false,
            }
            .into()],
            None,
        ),
        (
            "rename_table",
            vec![RenameTable {
                table: "audit_log".into(),
                from: "audit_log".into(),
                to: "audit_events".into(),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "add_column",
            vec![AddColumn {
                table: "users".into(),
                column: col("email_verified", "boolean", false, Some("false")),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "add_column_timestamptz",
            vec![AddColumn {
                table: "users".into(),
                column: col("verified_at", "timestamptz", true, Some("now()")),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "drop_column",
            vec![DropColumn::bare("users", users_col("nickname")).into()],
            Some(Algorithm::Instant),
        ),
        (
            "drop_indexed_column",
            vec![DropColumn {
                indexes: vec![users.indexes[0].clone()],
                ..DropColumn::bare("users", users_col("email"))
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "rename_column",
            vec![RenameColumn {
                table: "users".into(),
                from: "name".into(),
                to: "display_name".into(),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "change_column_type_widen",
            vec![ChangeColumnType {
                table: "users".into(),
                column: "nickname".into(),
                from_type: "varchar(20)".into(),
                to_type: "varchar(40)".into(),
                using: None,
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "change_column_type_copy",
            vec![ChangeColumnType {
                table: "users".into(),
                column: "score".into(),
                from_type: "int".into(),
                to_type: "bigint".into(),
                using: None,
            }
            .into()],
            Some(Algorithm::Copy),
        ),
        (
            "set_not_null",
            vec![SetNotNull {
                table: "users".into(),
                column: "nickname".into(),
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "drop_not_null",
            vec![DropNotNull {
                table: "users".into(),
                column: "email".into(),
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "set_default",
            vec![SetDefault {
                table: "users".into(),
                column: "score".into(),
                default: "10".into(),
                previous: Some("0".into()),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "drop_default",
            vec![DropDefault {
                table: "users".into(),
                column: "name".into(),
                previous: "'anon'".into(),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "add_index",
            vec![AddIndex {
                table: "users".into(),
                index: index("users_name_idx", &["name"], false),
                concurrently: true,
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "add_prefix_index",
            vec![AddIndex {
                table: "posts".into(),
                index: Index {
                    prefix_lengths: [("title".to_string(), 10)].into(),
                    ..index("posts_title_idx", &["title"], false)
                },
                concurrently: false,
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "drop_index",
            vec![DropIndex {
                table: "users".into(),
                index: users.indexes[0].clone(),
                concurrently: true,
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "add_foreign_key",
            vec![AddForeignKey {
                table: "audit_log".into(),
                foreign_key: fk(
                    "audit_log_user_id_fkey",
                    &["user_id"],
                    "users",
                    FkAction::SetNull,
                ),
            }
            .into()],
            Some(Algorithm::Copy),
        ),
        (
            "add_foreign_key_large",
            vec![AddForeignKey {
                table: "audit_log".into(),
                foreign_key: fk(
                    "audit_log_user_id_fkey",
                    &["user_id"],
                    "users",
                    FkAction::SetNull,
                ),
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "drop_foreign_key",
            vec![DropForeignKey {
                table: "posts".into(),
                foreign_key: posts.foreign_keys[0].clone(),
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "add_unique_constraint",
            vec![AddUniqueConstraint {
                table: "users".into(),
                name: "users_email_key".into(),
                columns: vec!["email".into()],
            }
            .into()],
            Some(Algorithm::Inplace),
        ),
        (
            "add_check_constraint",
            vec![AddCheckConstraint {
                table: "posts".into(),
                name: "posts_title_check".into(),
                expression: "char_length(title) > 0".into(),
            }
            .into()],
            Some(Algorithm::Copy),
        ),
        (
            "drop_constraint",
            vec![DropConstraint {
                table: "users".into(),
                name: "users_score_check".into(),
                definition: ConstraintDefinition::Check {
                    expression: "score >= 0".into(),
                },
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "backfill",
            vec![Backfill {
                table: "users".into(),
                column: "nickname".into(),
                value: "'x'::character varying".into(),
                condition: Some("nickname IS NULL".into()),
            }
            .into()],
            None,
        ),
        (
            "create_enum",
            vec![CreateEnum {
                name: "post_kind".into(),
                values: vec!["a".into(), "b".into()],
            }
            .into()],
            None,
        ),
        (
            "drop_enum",
            vec![DropEnum {
                name: "legacy_kind".into(),
                values: vec!["x".into()],
            }
            .into()],
            None,
        ),
        (
            "add_enum_value",
            vec![AddEnumValue {
                name: "user_status".into(),
                value: "pending".into(),
                after: None,
                existing: vec!["active".into(), "banned".into()],
                columns: status_cols.clone(),
            }
            .into()],
            Some(Algorithm::Instant),
        ),
        (
            "add_enum_value_middle",
            vec![AddEnumValue {
                name: "user_status".into(),
                value: "pending".into(),
                after: Some("active".into()),
                existing: vec!["active".into(), "banned".into()],
                columns: status_cols.clone(),
            }
            .into()],
            Some(Algorithm::Copy),
        ),
        (
            "remove_enum_value",
            vec![RemoveEnumValue {
                name: "user_status".into(),
                value: "banned".into(),
                after: Some("active".into()),
                remaining: vec!["active".into()],
                columns: status_cols,
            }
            .into()],
            Some(Algorithm::Copy),
        ),
    ]
}

fn server_version(db: &MyDb) -> Version {
    let v: String = db.conn().query_first("SELECT VERSION()").unwrap().unwrap();
    Version::parse(&v).expect("server version")
}

#[test]
fn every_operation_kind_round_trips_on_mariadb() {
    let Some(probe) = MyDb::create("probe") else {
        return;
    };
    let version = server_version(&probe);
    drop(probe);
    let dialect = Mysql::new(version);
    let schema = start();
    let kinds: std::collections::BTreeSet<String> = cases(&schema)
        .iter()
        .flat_map(|(_, ops, _)| ops.iter().map(|o| o.name()))
        .collect();
    assert_eq!(kinds.len(), 23, "every op kind has a case: {kinds:?}");
    let mut failures = vec![];
    for (name, ops, expected) in cases(&schema) {
        let Some(db) = MyDb::create(name) else { return };
        // users before the tables that reference it
        let empty = Schema {
            tables: Default::default(),
            ..schema.clone()
        };
        let mut setup = vec![];
        for (k, t) in schema.tables.iter().rev() {
            let op = Operation::from(CreateTable {
                table: k.clone(),
                definition: t.clone(),
            });
            setup.extend(
                dialect
                    .statements(&op, &empty, None, 10_000)
                    .expect("setup plan"),
            );
        }
        db.run_file(&file_sql(&setup, 5000)).expect("setup");
        db.run_file(SEED).expect("seed");
        let result = (|| -> Result<(), String> {
            let m = dialect
                .migration(
                    &ops,
                    &schema,
                    if name.ends_with("_large") { 0 } else { 10_000 },
                )
                .map_err(|e| e.to_string())?;
            if let Some(want) = expected {
                let got = m.up.iter().find_map(|s| s.online).map(|o| o.algorithm);
                if got != Some(want) {
                    return Err(format!("expected {want:?}, planned {got:?}: {:?}", m.up));
                }
            }
            let up = file_sql(&m.up, 5000);
            let down = file_sql(&m.down, 5000);
            assert!(up.starts_with("SET SESSION lock_wait_timeout = 5;\n"));
            let start = db.catalog();
            db.run_file(&up).map_err(|e| format!("up: {e}"))?;
            let first = db.catalog();
            db.run_file(&down).map_err(|e| format!("down: {e}"))?;
            let back = db.catalog();
            if back != start {
                return Err(format!("down did not restore the start\n--- start\n{start}\n--- after down\n{back}\n--- up\n{up}\n--- down\n{down}"));
            }
            db.run_file(&up).map_err(|e| format!("up again: {e}"))?;
            let again = db.catalog();
            if again != first {
                return Err(format!(
                    "second up differs\n--- first\n{first}\n--- again\n{again}"
                ));
            }
            Ok(())
        })();
        if let Err(e) = result {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `SHOW CREATE TABLE` of every table, as `mysqldump --no-data` would give it to `--schema`.
fn dump(db: &MyDb) -> String {
    let mut conn = db.conn();
    let tables: Vec<String> = conn.query("SHOW TABLES").unwrap();
    let mut out = String::new();
    for t in tables {
        let (_, create): (String, String) = conn
            .query_first(format!("SHOW CREATE TABLE `{}`", t.replace('`', "``")))
            .unwrap()
            .unwrap();
        out.push_str(&create);
        out.push_str(";\n");
    }
    out
}

/// Generator and checker agree: every up and down file migsmith writes for MySQL, for every
/// operation kind, checks against the real server's schema dump without an error-level
/// finding (`migsmith check --dialect mariadb --schema dump.sql`).
#[test]
fn every_generated_file_checks_without_errors() {
    use migsmith::analyze::rules::Level;
    use migsmith::check::{check_sql, CheckDialect, CheckOptions};
    let Some(probe) = MyDb::create("chkgen") else {
        return;
    };
    let version = server_version(&probe);
    drop(probe);
    let dialect = Mysql::new(version);
    let schema = start();
    let empty = Schema {
        tables: Default::default(),
        ..schema.clone()
    };
    let mut setup = vec![];
    for (k, t) in schema.tables.iter().rev() {
        let op = Operation::from(CreateTable {
            table: k.clone(),
            definition: t.clone(),
        });
        setup.extend(dialect.statements(&op, &empty, None, 10_000).unwrap());
    }
    let mut failures = vec![];
    let mut checked = 0;
    for (name, ops, _) in cases(&schema) {
        let Some(db) = MyDb::create("chkgen") else {
            return;
        };
        db.run_file(&file_sql(&setup, 5000)).expect("setup");
        let m = dialect
            .migration(
                &ops,
                &schema,
                if name.ends_with("_large") { 0 } else { 10_000 },
            )
            .unwrap();
        let (up, down) = (file_sql(&m.up, 5000), file_sql(&m.down, 5000));
        let before = migsmith::schema::mysql::load_str(&dump(&db), "before.sql");
        db.run_file(&up).expect("up");
        let after = migsmith::schema::mysql::load_str(&dump(&db), "after.sql");
        for (file, sql, schema) in [("up", &up, before), ("down", &down, after)] {
            let opts = CheckOptions {
                schema: Some(schema),
                dialect: CheckDialect::Mysql(version),
                ..CheckOptions::default()
            };
            let findings = check_sql(sql, &format!("{name}.{file}.sql"), &opts);
            checked += 1;
            // The down of a widening narrows back: rows written since the up may not fit, and
            // the checker says so. That is the one error a generated file may carry.
            let narrowing_down = |f: &&migsmith::check::Finding| {
                file == "down"
                    && f.rule == "type-change-rewrites"
                    && f.message.starts_with("narrows")
            };
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.level == Level::Error && !narrowing_down(f))
                .collect();
            if !errors.is_empty() {
                failures.push(format!("{name} {file}:\n{sql}\n{errors:#?}"));
            }
        }
    }
    assert_eq!(checked, 2 * cases(&schema).len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
