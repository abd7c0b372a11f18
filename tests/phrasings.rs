//! Every phrasing `docs/phrasings.md` lists, verbatim, produces the right operations (the JSON
//! `operations`) against a small schema of its own; and every error case fails with a clear
//! message. Fast and database-free: `pg_roundtrip.rs` proves the SQL runs.

use migsmith::intent;
use migsmith::plan::{self, PlanError};
use migsmith::schema::sql::load_str;
use serde_json::{json, Value};

const USERS: &str = "CREATE TABLE users (id bigserial PRIMARY KEY, email text, old_name text, \
    age integer, status varchar(20), x text, confirmed_at timestamptz, email_verified boolean);";
const POSTS: &str = "CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, title text, \
    created_at timestamptz); CREATE TABLE products (id bigserial PRIMARY KEY, price numeric(10,2));";

fn operations(schema_sql: &str, description: &str) -> Result<Vec<Value>, String> {
    let schema = load_str(schema_sql, "inline").expect("schema loads");
    let intents = intent::parse(description).map_err(|e| e.to_string())?;
    let resolved = plan::resolve(&intents, &schema).map_err(|e| e.to_string())?;
    Ok(resolved
        .operations
        .iter()
        .map(|op| serde_json::to_value(op).unwrap())
        .collect())
}

/// `expected` lists, per operation, fields that must match (a subset of the op's JSON).
fn assert_ops(schema_sql: &str, description: &str, expected: Value) {
    let ops = operations(schema_sql, description).unwrap_or_else(|e| panic!("{description}: {e}"));
    let expected = expected.as_array().unwrap();
    assert_eq!(ops.len(), expected.len(), "{description}: {ops:#?}");
    for (op, want) in ops.iter().zip(expected) {
        assert_subset(description, op, want, "");
    }
}

/// Every field of `want` (recursively, for objects) equals the same field of `got`.
fn assert_subset(description: &str, got: &Value, want: &Value, path: &str) {
    match want.as_object() {
        Some(fields) => {
            for (key, value) in fields {
                assert_subset(description, &got[key], value, &format!("{path}.{key}"));
            }
        }
        None => assert_eq!(got, want, "{description}: field `{path}`"),
    }
}

fn schema(parts: &[&str]) -> String {
    parts.concat()
}

#[test]
fn add_column_phrasings() {
    let s = USERS.replace(", email_verified boolean", "");
    let boolean =
        json!({"name": "email_verified", "type": "boolean", "nullable": false, "default": "false"});
    assert_ops(
        &s,
        "add email_verified to users",
        json!([{"op": "add_column", "table": "users", "column": boolean}]),
    );
    assert_ops(
        &s,
        "add email_verified boolean default false not null to users",
        json!([{"op": "add_column", "column": boolean}]),
    );
    assert_ops(
        &s,
        "add column phone varchar(20) to users",
        json!([{"op": "add_column", "column": {"name": "phone", "type": "varchar(20)", "nullable": true}}]),
    );
    assert_ops(
        &s,
        "add users.bio:text",
        json!([{"op": "add_column", "column": {"name": "bio", "type": "text", "nullable": true}}]),
    );
    assert_ops(
        &s,
        "add a nullable last_login_at timestamp to users",
        json!([{"op": "add_column", "column": {"name": "last_login_at", "type": "timestamp", "nullable": true}}]),
    );
    assert_ops(
        &s,
        "add last_seen_at to users",
        json!([{"op": "add_column", "column": {"type": "timestamptz", "nullable": true}}]),
    );
    assert_ops(
        &s,
        "add comments_count to users",
        json!([{"op": "add_column", "column": {"type": "integer", "nullable": false, "default": "0"}}]),
    );
    assert_ops(
        &s,
        "add settings to users",
        json!([{"op": "add_column", "column": {"type": "jsonb"}}]),
    );
    assert_ops(
        &s,
        "add Please the new column nickname to users",
        json!([{"op": "add_column", "column": {"name": "nickname", "type": "text"}}]),
    );
}

#[test]
fn id_columns_become_references_when_the_table_exists() {
    let s = schema(&[USERS, "CREATE TABLE teams (id bigserial PRIMARY KEY);"]);
    assert_ops(
        &s,
        "add team_id to users",
        json!([
            {"op": "add_column", "column": {"name": "team_id", "type": "bigint", "nullable": true}},
            {"op": "add_index", "name": "users_team_id_idx", "columns": ["team_id"], "concurrently": true},
            {"op": "add_foreign_key", "name": "users_team_id_fkey", "columns": ["team_id"], "ref_table": "teams", "ref_columns": ["id"]},
        ]),
    );
    assert_ops(
        &s,
        "add legacy_id to users",
        json!([{"op": "add_column", "column": {"type": "bigint"}}]),
    );
}

#[test]
fn remove_and_rename_column_phrasings() {
    for d in [
        "remove email_verified from users",
        "drop column email_verified from users",
        "drop users.email_verified",
    ] {
        assert_ops(
            USERS,
            d,
            json!([{"op": "drop_column", "table": "users", "column": "email_verified"}]),
        );
    }
    for d in [
        "rename column old_name to new_name in users",
        "rename users.old_name to new_name",
    ] {
        assert_ops(
            USERS,
            d,
            json!([{"op": "rename_column", "table": "users", "from": "old_name", "to": "new_name"}]),
        );
    }
}

#[test]
fn change_type_phrasings() {
    for d in [
        "change type of users.age to bigint",
        "change users.age to bigint",
    ] {
        assert_ops(
            USERS,
            d,
            json!([{"op": "change_column_type", "column": "age", "from_type": "integer", "to_type": "bigint", "using": "age::bigint"}]),
        );
    }
    assert_ops(
        USERS,
        "alter column age in users to text",
        json!([{"op": "change_column_type", "column": "age", "to_type": "text"}]),
    );
}

#[test]
fn nullability_and_default_phrasings() {
    assert_ops(
        USERS,
        "make users.email not null",
        json!([{"op": "set_not_null", "table": "users", "column": "email"}]),
    );
    let not_null = USERS.replace("email text", "email text NOT NULL");
    for d in ["make users.email nullable", "allow null in users.email"] {
        assert_ops(
            &not_null,
            d,
            json!([{"op": "drop_not_null", "column": "email"}]),
        );
    }
    assert_ops(
        USERS,
        "set default of users.status to 'active'",
        json!([{"op": "set_default", "column": "status", "default": "'active'"}]),
    );
    let with_default = USERS.replace("status varchar(20)", "status varchar(20) DEFAULT 'active'");
    assert_ops(
        &with_default,
        "remove default from users.status",
        json!([{"op": "drop_default", "column": "status", "previous": "'active'::varchar"}]),
    );
}

#[test]
fn table_phrasings() {
    let users = "CREATE TABLE users (id bigserial PRIMARY KEY, email text);";
    let ops = operations(users, "create posts table").unwrap();
    assert_eq!(ops[0]["op"], "create_table");
    let cols: Vec<&str> = ops[0]["definition"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols, ["id", "created_at", "updated_at"]);
    assert_eq!(ops[0]["definition"]["columns"][0]["identity"], "by_default");

    let ops = operations(
        users,
        "create table posts with title:string body:text user:references",
    )
    .unwrap();
    let def = &ops[0]["definition"];
    let cols: Vec<(&str, &str)> = def["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        cols,
        [
            ("id", "bigint"),
            ("title", "text"),
            ("body", "text"),
            ("user_id", "bigint")
        ]
    );
    assert_eq!(def["foreign_keys"][0]["ref_table"], "users");
    assert_eq!(def["indexes"][0]["columns"][0], "user_id");

    let ops = operations(
        users,
        "create posts (title varchar(200) not null, body text)",
    )
    .unwrap();
    let def = &ops[0]["definition"];
    assert_eq!(
        def["columns"][1],
        json!({"name": "title", "type": "varchar(200)", "nullable": false})
    );
    assert_eq!(def["columns"][2]["name"], "body");

    let posts = schema(&[users, "CREATE TABLE posts (id bigserial PRIMARY KEY);"]);
    assert_ops(
        &posts,
        "drop table posts",
        json!([{"op": "drop_table", "table": "posts"}]),
    );
    assert_ops(
        &posts,
        "rename table posts to articles",
        json!([{"op": "rename_table", "from": "posts", "to": "articles"}]),
    );
}

#[test]
fn index_phrasings() {
    let s = schema(&[USERS, POSTS]);
    assert_ops(
        &s,
        "add index on users.email",
        json!([{"op": "add_index", "table": "users", "name": "users_email_idx", "columns": ["email"], "unique": false, "concurrently": true}]),
    );
    assert_ops(
        &s,
        "add unique index on users(email)",
        json!([{"op": "add_index", "name": "users_email_key", "columns": ["email"], "unique": true}]),
    );
    assert_ops(
        &s,
        "add index on posts(user_id, created_at)",
        json!([{"op": "add_index", "columns": ["user_id", "created_at"]}]),
    );
    assert_ops(
        &s,
        "add gin index on posts(title)",
        json!([{"op": "add_index", "method": "gin"}]),
    );
    assert_ops(
        &s,
        "add index on users(email) named idx_x",
        json!([{"op": "add_index", "name": "idx_x"}]),
    );
    let indexed = schema(&[USERS, "CREATE INDEX idx_users_email ON users (email);"]);
    assert_ops(
        &indexed,
        "remove index on users.email",
        json!([{"op": "drop_index", "name": "idx_users_email", "concurrently": true}]),
    );
    assert_ops(
        &indexed,
        "drop index idx_users_email",
        json!([{"op": "drop_index", "name": "idx_users_email", "columns": ["email"]}]),
    );
}

#[test]
fn foreign_key_and_reference_phrasings() {
    let s = schema(&[USERS, POSTS]);
    assert_ops(
        &s,
        "add foreign key from posts.user_id to users.id on delete cascade",
        json!([{"op": "add_foreign_key", "table": "posts", "columns": ["user_id"], "ref_table": "users", "ref_columns": ["id"], "on_delete": "cascade"}]),
    );
    let no_user_id = s.replace("user_id bigint, ", "");
    assert_ops(
        &no_user_id,
        "add reference to users on posts",
        json!([
            {"op": "add_column", "table": "posts", "column": {"name": "user_id", "type": "bigint"}},
            {"op": "add_index", "columns": ["user_id"]},
            {"op": "add_foreign_key", "columns": ["user_id"], "ref_table": "users"},
        ]),
    );
    let with_fk = s.replace("user_id bigint", "user_id bigint REFERENCES users");
    assert_ops(
        &with_fk,
        "remove foreign key posts.user_id",
        json!([{"op": "drop_foreign_key", "name": "posts_user_id_fkey", "columns": ["user_id"]}]),
    );
}

#[test]
fn constraint_data_and_enum_phrasings() {
    let s = schema(&[USERS, POSTS]);
    assert_ops(
        &s,
        "add unique constraint on users.email",
        json!([{"op": "add_unique_constraint", "name": "users_email_key", "columns": ["email"]}]),
    );
    assert_ops(
        &s,
        "add check constraint price >= 0 on products",
        json!([{"op": "add_check_constraint", "table": "products", "name": "products_price_check", "expression": "price >= 0"}]),
    );
    assert_ops(
        &s,
        "backfill users.email_verified with true where confirmed_at is not null",
        json!([{"op": "backfill", "column": "email_verified", "value": "true", "condition": "confirmed_at IS NOT NULL"}]),
    );
    assert_ops(
        &s,
        "create enum post_status with draft, published",
        json!([{"op": "create_enum", "name": "post_status", "values": ["draft", "published"]}]),
    );
    let with_enum = schema(&[
        &s,
        "CREATE TYPE post_status AS ENUM ('draft', 'published');",
    ]);
    assert_ops(
        &with_enum,
        "add value archived to enum post_status",
        json!([{"op": "add_enum_value", "name": "post_status", "value": "archived"}]),
    );
}

#[test]
fn several_changes_in_one_description() {
    let s = schema(&[USERS, POSTS]).replace(", email_verified boolean", "");
    assert_ops(
        &s,
        "add email_verified to users and add unique index on users.email",
        json!([
            {"op": "add_column", "column": {"name": "email_verified"}},
            {"op": "add_index", "unique": true},
        ]),
    );
    // A later clause sees what an earlier one added.
    assert_ops(
        &s,
        "add nickname to users, add index on users.nickname; drop users.x",
        json!([
            {"op": "add_column"}, {"op": "add_index", "columns": ["nickname"]}, {"op": "drop_column", "column": "x"},
        ]),
    );
}

fn plan_error(schema_sql: &str, description: &str) -> PlanError {
    let schema = load_str(schema_sql, "inline").unwrap();
    let intents = intent::parse(description).unwrap();
    plan::resolve(&intents, &schema).expect_err(description)
}

#[test]
fn errors_say_what_is_wrong_and_what_was_meant() {
    // (`user` is read as `users`: see tests/interpret.rs.)
    let e = plan_error(USERS, "add bio to usres");
    assert_eq!(
        e.to_string(),
        "table `usres` does not exist (did you mean `users`?)"
    );
    let e = plan_error(USERS, "remove emial from users");
    assert_eq!(e.suggestions(), ["email"]);
    let e = plan_error(USERS, "add email to users");
    assert!(
        e.to_string()
            .contains("column `users.email` already exists"),
        "{e}"
    );
    let e = plan_error(USERS, "make users.email nullable");
    assert_eq!(
        e.to_string(),
        "nothing to do: `users.email` is already nullable"
    );
    let e = plan_error(USERS, "add code text not null to users");
    assert!(
        e.to_string()
            .contains("cannot be added NOT NULL without a default"),
        "{e}"
    );
    let with_default = USERS.replace("status varchar(20)", "status varchar(20) DEFAULT 'active'");
    let e = plan_error(&with_default, "set default of users.status to 'active'");
    assert_eq!(
        e.to_string(),
        "nothing to do: `users.status` already defaults to 'active'::varchar"
    );
    let e = plan_error(USERS, "set default of users.status to null");
    assert!(e.to_string().contains("has no default"), "{e}");
    assert_ops(
        &with_default,
        "set default of users.status to null",
        json!([{"op": "drop_default", "previous": "'active'::varchar"}]),
    );
    let fk = schema(&[
        USERS,
        "CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);",
    ]);
    let e = plan_error(&fk, "change type of posts.user_id to text");
    assert!(
        e.to_string().contains("foreign key `posts_user_id_fkey`"),
        "{e}"
    );
    let e = plan_error(&fk, "change type of users.id to uuid");
    assert!(e.to_string().contains("`posts.user_id` (bigint)"), "{e}");
    assert!(operations(&fk, "change type of posts.user_id to integer").is_ok());
    let e = plan_error(USERS, "set default of users.age to 'x'");
    assert_eq!(
        e.to_string(),
        "default of `users.age`: 'x' is not a valid integer"
    );
    let e = plan_error(USERS, "add level integer default true to users");
    assert!(e.to_string().contains("is a boolean"), "{e}");
    let e = plan_error(USERS, "backfill users.email_verified with 'perhaps'");
    assert!(e.to_string().contains("not a valid boolean"), "{e}");
    let e = plan_error(USERS, "add foreign key from users.email to users.id");
    assert!(
        e.to_string()
            .contains("cannot reference `users.id` (bigint)"),
        "{e}"
    );
    let e = plan_error(USERS, "add foreign key from users.old_name to users.email");
    assert!(
        e.to_string().contains("is not a primary key or unique"),
        "{e}"
    );
    let e = plan_error(USERS, "change type of users.confirmed_at to integer");
    assert!(
        e.to_string()
            .contains("no cast from timestamptz to integer"),
        "{e}"
    );
    assert!(operations(USERS, "change type of users.confirmed_at to integer using extract(epoch from confirmed_at)::integer").is_ok());
    let e = plan_error(&with_default, "change type of users.status to integer");
    assert!(
        e.to_string()
            .contains("cannot be converted to integer automatically"),
        "{e}"
    );
    assert_ops(
        &with_default,
        "remove default from users.status and change type of users.status to integer",
        json!([{"op": "drop_default"}, {"op": "change_column_type", "to_type": "integer"}]),
    );
    let enum_schema = schema(&[USERS, "CREATE TYPE post_status AS ENUM ('draft');"]);
    let e = plan_error(&enum_schema, "add value archived to enum post_statu");
    assert_eq!(e.suggestions(), ["post_status"]);
    let e = plan_error(USERS, "add unique constraint on users.id");
    assert_eq!(
        e.to_string(),
        "nothing to do: `users` (id) is already unique: `users_pkey` makes it so"
    );
    let e = plan_error(USERS, "drop index idx_nope");
    assert_eq!(e.kind(), "unknown_index");
    let e = plan_error(USERS, "add x2 mood to users");
    assert!(e.to_string().contains("type `mood` does not exist"), "{e}");
    let e = intent::parse("add email_verified to").unwrap_err();
    assert!(!e.suggestions.is_empty());
}
