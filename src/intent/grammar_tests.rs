//! Tests of the description grammar: column, table, default, data and enum forms → their
//! exact `Intent` (keys, clauses, errors and properties are in `grammar_edge_tests`).

use super::{parse, ColumnSpec, Intent};

pub(super) fn one(src: &str) -> Intent {
    let mut all = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    assert_eq!(all.len(), 1, "{src}: {all:?}");
    all.remove(0)
}

/// Every description in `srcs` parses to exactly `want`.
pub(super) fn same(srcs: &[&str], want: Intent) {
    for src in srcs {
        assert_eq!(one(src), want, "{src}");
    }
}

pub(super) fn s(x: &str) -> String {
    x.to_string()
}

pub(super) fn strs(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| s(x)).collect()
}

pub(super) fn col(name: &str) -> ColumnSpec {
    ColumnSpec {
        name: s(name),
        ..ColumnSpec::default()
    }
}

pub(super) fn typed(name: &str, ty: &str) -> ColumnSpec {
    ColumnSpec {
        data_type: Some(s(ty)),
        ..col(name)
    }
}

pub(super) fn add(table: &str, column: ColumnSpec) -> Intent {
    Intent::AddColumn {
        table: s(table),
        column,
    }
}

#[test]
fn add_column_forms() {
    same(
        &[
            "add email_verified to users",
            "Add Email_Verified TO Users",
            "please add the email_verified column to the users table",
            "add users.email_verified",
            "add email_verified in users",
        ],
        add("users", col("email_verified")),
    );
    same(
        &[
            "add column phone varchar(20) to users",
            "add phone varchar(20) to table users",
        ],
        add("users", typed("phone", "varchar(20)")),
    );
    same(
        &[
            "add email_verified boolean default false not null to users",
            "add email_verified not null boolean default false to users",
            "add email_verified boolean to users default false not null",
        ],
        add(
            "users",
            ColumnSpec {
                nullable: Some(false),
                default: Some(s("false")),
                ..typed("email_verified", "boolean")
            },
        ),
    );
    same(
        &[
            "add users.bio:text",
            "add bio:text to users",
            "add bio text to users",
            "add bio as text to users.",
        ],
        add("users", typed("bio", "text")),
    );
    same(
        &[
            "add a nullable last_login_at timestamp to users",
            "add last_login_at timestamp null to users",
            "add an optional last_login_at timestamp to users",
        ],
        add(
            "users",
            ColumnSpec {
                nullable: Some(true),
                ..typed("last_login_at", "timestamp")
            },
        ),
    );
    same(
        &[
            "add column age integer not null default 0 to users",
            "add users.age:integer:not_null default 0",
        ],
        add(
            "users",
            ColumnSpec {
                nullable: Some(false),
                default: Some(s("0")),
                ..typed("age", "integer")
            },
        ),
    );
    same(&["add users.age"], add("users", col("age")));
    same(
        &["add unique email to users", "add email unique to users"],
        add(
            "users",
            ColumnSpec {
                unique: true,
                ..col("email")
            },
        ),
    );
    same(
        &["add column status post_status default 'draft' to posts"],
        add(
            "posts",
            ColumnSpec {
                default: Some(s("'draft'")),
                ..typed("status", "post_status")
            },
        ),
    );
    let user_ref = ColumnSpec {
        references: Some(s("users")),
        ..col("user_id")
    };
    same(
        &[
            "add user_id references users to posts",
            "add posts.user:references",
        ],
        add("posts", user_ref),
    );
    same(
        &["add created timestamp with time zone default now() not null to events"],
        add(
            "events",
            ColumnSpec {
                nullable: Some(false),
                default: Some(s("now()")),
                ..typed("created", "timestamp with time zone")
            },
        ),
    );
    same(
        &["add id bigint primary key to audit.events"],
        add(
            "audit.events",
            ColumnSpec {
                primary_key: true,
                ..typed("id", "bigint")
            },
        ),
    );
    same(
        &["add score double precision to t"],
        add("t", typed("score", "double precision")),
    );
    same(
        &["add price decimal(10,2) to t"],
        add("t", typed("price", "decimal(10,2)")),
    );
    same(
        &["add name character varying(20) default 'x' || 'y' to t"],
        add(
            "t",
            ColumnSpec {
                default: Some(s("'x' || 'y'")),
                ..typed("name", "character varying(20)")
            },
        ),
    );
}

#[test]
fn drop_and_rename_columns() {
    let dropped = Intent::DropColumn {
        table: s("users"),
        column: s("x"),
    };
    same(
        &[
            "remove x from users",
            "drop column x from users",
            "drop users.x",
            "delete column x from users",
            "remove the x column from the users table",
        ],
        dropped,
    );
    let renamed = Intent::RenameColumn {
        table: s("users"),
        from: s("old_name"),
        to: s("new_name"),
    };
    same(
        &[
            "rename column old_name to new_name in users",
            "rename users.old_name to new_name",
            "rename old_name to new_name in users",
            "rename column users.old_name to new_name",
            "rename old_name in users to new_name",
            "rename users.old_name to users.new_name",
        ],
        renamed,
    );
}

#[test]
fn change_type_and_nullability() {
    let change = |to: &str, using: Option<&str>| Intent::ChangeColumnType {
        table: s("users"),
        column: s("age"),
        to_type: s(to),
        using: using.map(s),
        from_type: None,
    };
    same(
        &[
            "change type of users.age to bigint",
            "change users.age to bigint",
            "alter users.age type bigint",
            "change the type of column age in users to bigint",
            "alter table users alter column age type bigint",
            "modify users.age set data type bigint",
            "change age to bigint in users",
        ],
        change("bigint", None),
    );
    same(&["alter column age in users to text"], change("text", None));
    same(
        &["change age in users to bigint using age::bigint"],
        change("bigint", Some("age::bigint")),
    );
    same(
        &["change column type of users.age to varchar(50)"],
        change("varchar(50)", None),
    );
    let not_null = Intent::SetNotNull {
        table: s("users"),
        column: s("email"),
    };
    same(
        &[
            "make users.email not null",
            "make users.email required",
            "make email in users not null",
            "set users.email not null",
            "set not null on users.email",
            "disallow nulls in users.email",
            "alter table users alter column email set not null",
        ],
        not_null,
    );
    let nullable = Intent::DropNotNull {
        table: s("users"),
        column: s("email"),
    };
    same(
        &[
            "make users.email nullable",
            "make users.email optional",
            "allow null in users.email",
            "allow nulls on users.email",
            "allow users.email to be null",
            "drop not null from users.email",
            "change users.email to nullable",
        ],
        nullable,
    );
}

#[test]
fn defaults() {
    let set = Intent::SetDefault {
        table: s("users"),
        column: s("status"),
        default: s("'active'"),
    };
    same(
        &[
            "set default of users.status to 'active'",
            "set users.status default to 'active'",
            "set default 'active' on users.status",
            "set default for status in users to 'active'",
            "change default of users.status to 'active'",
        ],
        set,
    );
    let dropped = Intent::DropDefault {
        table: s("users"),
        column: s("status"),
    };
    same(
        &[
            "remove default from users.status",
            "drop default of users.status",
            "drop default on users.status",
        ],
        dropped,
    );
}

#[test]
fn tables() {
    let empty = Intent::CreateTable {
        table: s("posts"),
        columns: vec![],
    };
    same(
        &[
            "create posts table",
            "create table posts",
            "create a new table posts",
        ],
        empty,
    );
    let rails = Intent::CreateTable {
        table: s("posts"),
        columns: vec![
            typed("title", "string"),
            typed("body", "text"),
            ColumnSpec {
                references: Some(s("users")),
                ..col("user_id")
            },
        ],
    };
    same(
        &[
            "create table posts with title:string body:text user:references",
            "create table posts with title:string, body:text, user:references",
            "create posts table with title:string and body:text and user_id:references",
        ],
        rails,
    );
    let sql = Intent::CreateTable {
        table: s("posts"),
        columns: vec![
            ColumnSpec {
                nullable: Some(false),
                ..typed("title", "varchar(200)")
            },
            typed("body", "text"),
            ColumnSpec {
                default: Some(s("0")),
                ..typed("price", "decimal(10,2)")
            },
        ],
    };
    same(
        &[
            "create posts (title varchar(200) not null, body text, price decimal(10,2) default 0)",
            "create table posts (title varchar(200) not null, body text, price decimal(10,2) default 0)",
        ],
        sql,
    );
    let drop = Intent::DropTable { table: s("posts") };
    same(
        &[
            "drop table posts",
            "delete table posts",
            "remove table posts",
            "drop the posts table",
        ],
        drop,
    );
    let renamed = Intent::RenameTable {
        from: s("posts"),
        to: s("articles"),
    };
    same(
        &["rename table posts to articles", "rename posts to articles"],
        renamed,
    );
}

#[test]
fn data_and_enums() {
    same(
        &[
            "backfill users.email_verified with true where confirmed_at is not null",
            "set users.email_verified to true where confirmed_at is not null",
            "update users set email_verified = true where confirmed_at is not null",
        ],
        Intent::Backfill {
            table: s("users"),
            column: s("email_verified"),
            value: s("true"),
            condition: Some(s("confirmed_at is not null")),
        },
    );
    same(
        &["backfill email_verified in users with false"],
        Intent::Backfill {
            table: s("users"),
            column: s("email_verified"),
            value: s("false"),
            condition: None,
        },
    );
    same(
        &["backfill users.x = 1"],
        Intent::Backfill {
            table: s("users"),
            column: s("x"),
            value: s("1"),
            condition: None,
        },
    );
    let create = |values: &[&str]| Intent::CreateEnum {
        name: s("post_status"),
        values: strs(values),
    };
    same(
        &["create enum post_status with draft, published"],
        create(&["draft", "published"]),
    );
    same(
        &[
            "create enum post_status (draft, published, archived)",
            "create type post_status as enum ('draft', 'published', 'archived')",
            "create post_status enum with draft, published and archived",
        ],
        create(&["draft", "published", "archived"]),
    );
    same(
        &["create enum type post_status with values 'Draft', 'published'"],
        create(&["Draft", "published"]),
    );
    let value = Intent::AddEnumValue {
        name: s("post_status"),
        value: s("archived"),
    };
    same(
        &[
            "add value archived to enum post_status",
            "add value 'archived' to post_status enum",
            "add archived to enum post_status",
        ],
        value,
    );
}
