//! Random descriptions for property tests: clause templates with slots filled from the
//! fixture's real table and column names and from names that do not exist, so plans and errors
//! both come up.

use proptest::prelude::*;

const TABLES: &[&str] = &["users", "posts", "products", "comments"];
const COLUMNS: &[&str] = &[
    "email",
    "old_name",
    "age",
    "status",
    "bio",
    "user_id",
    "title",
    "slug",
    "price",
    "sku",
    "body",
    "post_id",
    "author_id",
    "confirmed_at",
    "email_verified",
    "created_at",
    "id",
];
const NEW_COLUMNS: &[&str] = &[
    "is_admin",
    "nickname",
    "team_id",
    "last_seen_at",
    "score",
    "notes_count",
];
const TYPES: &[&str] = &[
    "bigint",
    "text",
    "varchar(300)",
    "integer",
    "numeric(12,2)",
    "boolean",
    "jsonb",
];
const VALUES: &[&str] = &["0", "'x'", "true", "now()", "NULL"];

/// One clause from a template, with slots filled from real and made-up names.
pub fn clause() -> impl Strategy<Value = String> {
    let t = prop::sample::select(TABLES);
    let c = prop::sample::select(COLUMNS);
    let n = prop::sample::select(NEW_COLUMNS);
    let ty = prop::sample::select(TYPES);
    let v = prop::sample::select(VALUES);
    (0..17usize, t, c, n, ty, v).prop_map(|(k, t, c, n, ty, v)| match k {
        0 => format!("add {n} to {t}"),
        1 => format!("add {n} {ty} to {t}"),
        2 => format!("remove {c} from {t}"),
        3 => format!("rename column {c} to {n} in {t}"),
        4 => format!("change type of {t}.{c} to {ty}"),
        5 => format!("make {t}.{c} not null"),
        6 => format!("make {t}.{c} nullable"),
        7 => format!("set default of {t}.{c} to {v}"),
        8 => format!("remove default from {t}.{c}"),
        9 => format!("add index on {t}.{c}"),
        10 => format!("add unique index on {t}({c})"),
        11 => format!("drop table {t}"),
        12 => format!("create table {n}s with {c}:{ty} {t}:references"),
        13 => format!("add foreign key from {t}.{c} to users.id"),
        14 => format!("add check constraint {c} is not null on {t}"),
        15 => format!("rename table {t} to {n}s"),
        _ => format!("add unique constraint on {t}.{c}"),
    })
}
