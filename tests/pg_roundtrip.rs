//! For every operation kind: load the fixture into a throwaway PostgreSQL database, generate the
//! migration, apply `up` with psql, check the catalog changed as promised (every verification
//! query returns true, and the model's schema equals the generated SQL replayed by the loader),
//! apply `down`, require the catalog to be exactly as before, apply `up` again and require the
//! same result as the first time.

mod common;

use chrono::TimeZone;
use common::{assert_same_schema, TestDb};
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::render::write_files;
use migsmith::report::checks;
use migsmith::schema::sql::load_str;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Whether the fixture tables hold rows during the round trip.
#[derive(Clone, Copy, PartialEq)]
enum Data {
    Rows,
    /// For changes whose down migration can only restore the schema exactly on empty tables
    /// (see `destructive_down_fails_atomically_on_tables_with_rows`).
    Empty,
}

fn roundtrip(tag: &str, description: &str, expected_ops: &[&str], data: Data) {
    let Some(db) = TestDb::create(tag) else {
        return;
    };
    let fixture_path = fixture("app.sql");
    db.psql_file(&fixture_path).expect("fixture loads");
    if data == Data::Rows {
        db.psql_file(&fixture("app_data.sql"))
            .expect("fixture rows load");
    }
    let before = db.snapshot();

    let project = tempfile::tempdir().unwrap();
    let opts = GenerateOptions {
        migrations_dir: PathBuf::from("migrations"),
        now: chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap(),
        ..GenerateOptions::new(
            description,
            SchemaSource::Dump(fixture_path.clone()),
            project.path(),
        )
    };
    let generated = generate(&opts).unwrap_or_else(|e| panic!("{description}: {e}"));
    let names: Vec<String> = generated.plan.operations.iter().map(|o| o.name()).collect();
    assert_eq!(names, expected_ops, "{description}: operations");
    write_files(project.path(), &generated.files).unwrap();
    let path = |f: &migsmith::render::RenderedFile| project.path().join(&f.path);
    let ups: Vec<PathBuf> = generated
        .files
        .iter()
        .filter(|f| f.path.ends_with(".up.sql"))
        .map(path)
        .collect();
    let downs: Vec<PathBuf> = generated
        .files
        .iter()
        .rev()
        .filter(|f| f.path.ends_with(".down.sql"))
        .map(path)
        .collect();
    let apply = |files: &[PathBuf]| {
        for f in files {
            db.psql_file(f).unwrap_or_else(|e| {
                panic!(
                    "{description}: {e}\n{}",
                    std::fs::read_to_string(f).unwrap()
                )
            });
        }
    };

    apply(&ups);
    let after_up = db.snapshot();
    let data_only = names.iter().all(|n| n == "backfill");
    assert!(
        data_only || after_up != before,
        "{description}: up changed nothing"
    );
    for (_, check) in checks::final_checks(&generated.plan.operations) {
        assert!(
            db.query_bool(&check.sql),
            "{description}: after up, expected {}\n{}",
            check.description,
            check.sql
        );
    }
    // The planner's model of the result equals the generated SQL replayed by the loader.
    let mut replay = std::fs::read_to_string(&fixture_path).unwrap();
    for f in &ups {
        replay.push_str(&std::fs::read_to_string(f).unwrap());
    }
    let mut replayed = load_str(&replay, "replay").expect("generated SQL replays");
    replayed.notes.clear();
    let mut modelled = generated.plan.after.clone();
    modelled.notes.clear();
    assert_eq!(replayed, modelled, "{description}: model vs replayed SQL");

    apply(&downs);
    assert_same_schema(
        &format!("{description}: after down"),
        &before,
        &db.snapshot(),
    );
    let inverses: Vec<_> = generated
        .plan
        .operations
        .iter()
        .rev()
        .flat_map(|o| o.inverse())
        .collect();
    for (_, check) in checks::final_checks(&inverses) {
        assert!(
            db.query_bool(&check.sql),
            "{description}: after down, expected {}",
            check.description
        );
    }

    apply(&ups);
    assert_same_schema(
        &format!("{description}: up again"),
        &after_up,
        &db.snapshot(),
    );
}

macro_rules! cases {
    ($($name:ident: $description:expr => [$($op:expr),* $(,)?] $(on $data:ident)?;)*) => {
        $(#[test]
        fn $name() {
            #[allow(unused_mut, unused_assignments)]
            let mut data = Data::Rows;
            $(data = Data::$data;)?
            roundtrip(stringify!($name), $description, &[$($op),*], data);
        })*
    };
}

cases! {
    add_inferred_boolean: "add is_admin to users" => ["add_column"];
    add_typed_varchar: "add column phone varchar(20) to users" => ["add_column"];
    add_rails_style: "add users.nickname:string" => ["add_column"];
    add_nullable_timestamp: "add a nullable last_login_at timestamp to users" => ["add_column"];
    add_not_null_with_default: "add score integer default 0 not null to users" => ["add_column"];
    add_column_and_index: "add is_vip to users and add index on users.is_vip" => ["add_column", "add_index"];
    drop_commented_column: "remove bio from users" => ["drop_column"];
    drop_indexed_column: "drop column email from users" => ["drop_column"] on Empty;
    drop_unique_column: "drop posts.slug" => ["drop_column"];
    rename_column: "rename column old_name to display_name in users" => ["rename_column"];
    change_type_rewrite: "change type of users.age to bigint" => ["change_column_type"];
    change_type_in_place: "change users.old_name to varchar(200)" => ["change_column_type"];
    set_not_null: "make users.old_name not null" => ["set_not_null"];
    drop_not_null: "make users.email nullable" => ["drop_not_null"];
    set_default: "set default of users.status to 'pending'" => ["set_default"];
    drop_default: "remove default from users.status" => ["drop_default"];
    create_default_table: "create articles table" => ["create_table"];
    create_table_with_reference: "create table tags with name:string post:references" => ["create_table"];
    create_table_sql_style: "create invoices (number varchar(40) not null, total numeric(12,2), paid_at timestamptz)" => ["create_table"];
    drop_table: "drop table comments" => ["drop_table"];
    drop_referenced_table: "drop table users" => ["drop_foreign_key", "drop_foreign_key", "drop_table"] on Empty;
    rename_table: "rename table products to items" => ["rename_table"];
    drop_table_with_renamed_serial: "rename column id to uid in comments and drop table comments" => ["rename_column", "drop_table"] on Empty;
    add_index: "add index on users.age" => ["add_index"];
    add_unique_index: "add unique index on products(sku)" => ["add_index"];
    drop_index_by_columns: "remove index on posts(user_id, created_at)" => ["drop_index"];
    drop_partial_expression_index: "drop index users_lower_email_idx" => ["drop_index"];
    add_foreign_key: "add foreign key from comments.post_id to posts.id on delete cascade" => ["add_foreign_key"];
    add_reference: "add reference to users on products" => ["add_column", "add_index", "add_foreign_key"];
    drop_foreign_key: "remove foreign key posts.user_id" => ["drop_foreign_key"];
    add_unique_constraint: "add unique constraint on users.email" => ["add_unique_constraint"];
    add_check_constraint: "add check constraint price >= 0 on products" => ["add_check_constraint"];
    drop_check_constraint: "drop constraint products_name_check on products" => ["drop_constraint"];
    drop_unique_constraint: "drop constraint posts_slug_key on posts" => ["drop_constraint"];
    backfill: "backfill users.email_verified with true where confirmed_at is not null" => ["backfill"];
    create_enum: "create enum mood with happy, sad" => ["create_enum"];
    add_enum_value: "add value archived to enum post_status" => ["add_enum_value"];
    // Free phrasings (docs/phrasings.md, "Free English and framework vocabulary").
    interpret_timestamps: "add timestamps to comments" => ["add_column", "add_column"];
    interpret_column_list: "add started_at and finished_at to product" => ["add_column", "add_column"];
    interpret_migration_name: "AddIndexToUsersAge" => ["add_index"];
    interpret_enum_with_values: "add kind enum to products with values physical, digital" => ["create_enum", "add_column"];
    interpret_fk_between_tables: "remove the foreign key from comments to users" => ["drop_foreign_key"];
    interpret_join_table: "CreateJoinTableUsersProducts" => ["create_table"];
    interpret_belongs_to: "each product belongs to a user" => ["add_column", "add_index", "add_foreign_key"];
    interpret_sentences: "products.sku should default to 'none' and users.bio is required" => ["set_default", "set_not_null"] on Empty;
    interpret_change_from: "change users.old_name from varchar(100) to text" => ["change_column_type"];
    interpret_fk_column_from_schema: "add a foreign key from comments to posts" => ["add_foreign_key"];
    interpret_drop_list: "remove bio and age from users" => ["drop_column", "drop_column"];
    interpret_django_types: "add nickname CharField(max_length=40) and is_public BooleanField default false not null to users" => ["add_column", "add_column"];
}

/// Once a NOT NULL column or a referenced table is dropped from tables that hold rows, its
/// values are gone and no down migration can restore the schema exactly. The down must then
/// fail as a whole — one transaction — and leave the schema as the up left it.
#[test]
fn destructive_down_fails_atomically_on_tables_with_rows() {
    for (tag, description) in [
        ("down_col", "drop column email from users"),
        ("down_tbl", "drop table users"),
    ] {
        let Some(db) = TestDb::create(tag) else {
            return;
        };
        db.psql_file(&fixture("app.sql")).unwrap();
        db.psql_file(&fixture("app_data.sql")).unwrap();
        let project = tempfile::tempdir().unwrap();
        let opts = GenerateOptions {
            migrations_dir: PathBuf::from("migrations"),
            now: chrono::Utc
                .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
                .unwrap(),
            ..GenerateOptions::new(
                description,
                SchemaSource::Dump(fixture("app.sql")),
                project.path(),
            )
        };
        let generated = generate(&opts).unwrap();
        write_files(project.path(), &generated.files).unwrap();
        let file = |suffix: &str| {
            project.path().join(
                &generated
                    .files
                    .iter()
                    .find(|f| f.path.ends_with(suffix))
                    .unwrap()
                    .path,
            )
        };
        db.psql_file(&file(".up.sql")).unwrap();
        let after_up = db.snapshot();
        let down = std::fs::read_to_string(file(".down.sql")).unwrap();
        assert!(
            down.contains("-- Note:"),
            "{description}: the down file explains\n{down}"
        );
        assert!(
            db.psql_file(&file(".down.sql")).is_err(),
            "{description}: down should fail"
        );
        assert_same_schema(description, &after_up, &db.snapshot());
    }
}
