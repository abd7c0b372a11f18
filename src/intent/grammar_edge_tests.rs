//! Tests of the description grammar: index, foreign key and constraint forms, several
//! clauses, quoted names, errors, and properties (plain names survive intact; nothing panics).

use super::grammar_tests::{add, col, one, s, same, strs, typed};
use super::{parse, ConstraintTarget, FkActionSpec, IndexTarget, Intent};
use proptest::prelude::*;

#[test]
fn indexes() {
    let index =
        |table: &str, cols: &[&str], unique: bool, name: Option<&str>, method: Option<&str>| {
            Intent::AddIndex {
                table: s(table),
                columns: strs(cols),
                unique,
                name: name.map(s),
                method: method.map(s),
            }
        };
    same(
        &[
            "add index on users.email",
            "create index on users.email",
            "add an index on email in users",
        ],
        index("users", &["email"], false, None, None),
    );
    same(
        &["add unique index on users(email)"],
        index("users", &["email"], true, None, None),
    );
    same(
        &["add index on posts(user_id, created_at)"],
        index("posts", &["user_id", "created_at"], false, None, None),
    );
    same(
        &[
            "add index idx_users_email on users(email)",
            "add index on users(email) named idx_users_email",
        ],
        index("users", &["email"], false, Some("idx_users_email"), None),
    );
    same(
        &[
            "add gin index on posts(tags)",
            "add index on posts using gin (tags)",
        ],
        index("posts", &["tags"], false, None, Some("gin")),
    );
    same(
        &[
            "remove index on users.email",
            "drop index on users(email)",
            "drop index users.email",
        ],
        Intent::DropIndex(IndexTarget::Columns {
            table: s("users"),
            columns: strs(&["email"]),
        }),
    );
    same(
        &[
            "drop index idx_users_email",
            "drop index idx_users_email on users",
        ],
        Intent::DropIndex(IndexTarget::Name(s("idx_users_email"))),
    );
}

#[test]
fn foreign_keys_and_references() {
    let fk = |ref_columns: &[&str], on_delete, on_update| Intent::AddForeignKey {
        table: s("posts"),
        columns: strs(&["user_id"]),
        ref_table: s("users"),
        ref_columns: strs(ref_columns),
        on_delete,
        on_update,
    };
    same(
        &["add foreign key from posts.user_id to users.id on delete cascade"],
        fk(&["id"], Some(FkActionSpec::Cascade), None),
    );
    same(
        &["add foreign key from posts.user_id to users"],
        fk(&[], None, None),
    );
    same(
        &["add foreign key on posts(user_id) references users(id)"],
        fk(&["id"], None, None),
    );
    same(
        &["add fk posts.user_id references users on update no action on delete set null"],
        fk(
            &[],
            Some(FkActionSpec::SetNull),
            Some(FkActionSpec::NoAction),
        ),
    );
    same(
        &["add foreign key from posts.user_id to users on delete set default"],
        fk(&[], Some(FkActionSpec::SetDefault), None),
    );
    same(
        &["add foreign key from posts.user_id to users on delete restrict"],
        fk(&[], Some(FkActionSpec::Restrict), None),
    );
    let reference = |column: Option<&str>, on_delete| Intent::AddReference {
        table: s("posts"),
        ref_table: s("users"),
        column: column.map(s),
        on_delete,
    };
    same(
        &[
            "add reference to users on posts",
            "add references users to posts",
            "add a reference from posts to users",
        ],
        reference(None, None),
    );
    same(
        &["add reference to users on posts as author_id on delete cascade"],
        reference(Some("author_id"), Some(FkActionSpec::Cascade)),
    );
    same(
        &[
            "remove foreign key posts.user_id",
            "drop foreign key on posts(user_id)",
        ],
        Intent::DropForeignKey(ConstraintTarget::Columns {
            table: s("posts"),
            columns: strs(&["user_id"]),
        }),
    );
    same(
        &["drop foreign key fk_posts_user on posts"],
        Intent::DropForeignKey(ConstraintTarget::Name {
            table: s("posts"),
            name: s("fk_posts_user"),
        }),
    );
}

#[test]
fn constraints() {
    let unique = |cols: &[&str], name: Option<&str>| Intent::AddUniqueConstraint {
        table: s("users"),
        columns: strs(cols),
        name: name.map(s),
    };
    same(
        &[
            "add unique constraint on users.email",
            "make users.email unique",
        ],
        unique(&["email"], None),
    );
    same(
        &["add unique constraint on users(a, b)"],
        unique(&["a", "b"], None),
    );
    same(
        &[
            "add unique constraint users_email_key on users(email)",
            "add constraint users_email_key unique on users(email)",
        ],
        unique(&["email"], Some("users_email_key")),
    );
    let check = |expr: &str, name: Option<&str>| Intent::AddCheckConstraint {
        table: s("products"),
        expression: s(expr),
        name: name.map(s),
    };
    same(
        &[
            "add check constraint price >= 0 on products",
            "add check price >= 0 on products",
            "add check (price >= 0) on products",
            "add check on products price >= 0",
        ],
        check("price >= 0", None),
    );
    same(
        &[
            "add check constraint positive_price (price >= 0) on products",
            "add check constraint price >= 0 on products named positive_price",
            "add constraint positive_price check (price >= 0) on products",
        ],
        check("price >= 0", Some("positive_price")),
    );
    same(
        &["add check lower(sku) = sku on products"],
        check("lower(sku) = sku", None),
    );
    let dropped = Intent::DropConstraint {
        table: s("users"),
        name: s("users_email_key"),
    };
    same(
        &[
            "drop constraint users_email_key on users",
            "drop constraint users_email_key from users",
        ],
        dropped,
    );
}

#[test]
fn several_clauses() {
    let all = parse("add email_verified to users and add unique index on users.email").unwrap();
    assert_eq!(all.len(), 2);
    assert!(matches!(all[1], Intent::AddIndex { unique: true, .. }));
    let all = parse("add a to t, add b to t; drop c from t").unwrap();
    assert_eq!(
        all,
        [
            add("t", col("a")),
            add("t", col("b")),
            Intent::DropColumn {
                table: s("t"),
                column: s("c")
            }
        ]
    );
    assert_eq!(
        parse("add check constraint a > 0 and b > 0 on t").unwrap(),
        [Intent::AddCheckConstraint {
            table: s("t"),
            expression: s("a > 0 and b > 0"),
            name: None
        }]
    );
    assert_eq!(
        parse("create enum s with a, b and c").unwrap(),
        [Intent::CreateEnum {
            name: s("s"),
            values: strs(&["a", "b", "c"])
        }]
    );
    let all = parse("add index on posts(user_id, created_at) and drop table x").unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1], Intent::DropTable { table: s("x") });
    let all =
        parse("backfill t.x with 1 where a = 1 and b = 2, and then make t.x not null").unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        matches!(&all[0], Intent::Backfill { condition: Some(c), .. } if c == "a = 1 and b = 2")
    );
}

#[test]
fn quoted_names() {
    same(
        &[r#"add "Weird Name" text to "My Table""#],
        add("My Table", typed("Weird Name", "text")),
    );
    same(&[r#"add "a""b" to users"#], add("users", col("a\"b")));
    same(&[r#"add "index" to users"#], add("users", col("index")));
}

fn error(src: &str) -> super::ParseError {
    let err = parse(src).expect_err(src);
    assert!(
        (2..=4).contains(&err.suggestions.len()),
        "{src}: {:?}",
        err.suggestions
    );
    err
}

#[test]
fn errors() {
    let e = error("frobnicate users");
    assert_eq!(e.fragment, "frobnicate users");
    assert!(e.hint.unwrap().contains("frobnicate"));
    let e = error("remvoe x from users");
    assert!(e.hint.unwrap().contains("did you mean `remove`"));
    assert_eq!(e.suggestions[0], "remove email_verified from users");
    let e = error("add email_verified to");
    assert_eq!(e.fragment, "add email_verified to");
    assert!(e.hint.unwrap().contains("table name"));
    let e = error("add x foo( to users");
    assert!(e.hint.unwrap().contains("`foo(`"), "bad type is quoted");
    let e = error("add x text default 1; drop table users to users");
    assert_eq!(e.fragment, "add x text default 1");
    let e = error("add x text default (1; drop table users) to users");
    assert!(e.hint.unwrap().contains("not a valid SQL expression"));
    error("backfill users.x with 1; drop table users where true");
    error("add check 1) on t");
    error("add x default 1 -- to users");
    let e = error("");
    assert_eq!(e.fragment, "");
    error("  please ");
    let e = error("rename users.a");
    assert_eq!(
        e.suggestions[0],
        "rename column old_name to new_name in users"
    );
    error("add index on users");
    error("add foreign key from posts.user_id");
    error("make users.email purple");
    error("add x text not null null to users");
    error("create enum e");
    error("drop foreign key fk");
    error("add index on users(email) using wat");
    error("add x to users and frobnicate y");
    error("rename column a to");
    // A column without its table is left to the schema (`plan::resolve` finds the one table).
    assert_eq!(
        parse("rename column a to b").unwrap(),
        [Intent::RenameColumn {
            table: s(""),
            from: s("a"),
            to: s("b")
        }]
    );
}

/// Words the grammar reads as keywords somewhere; generated names among them are quoted.
const KEYWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "column",
    "field",
    "new",
    "please",
    "table",
    "to",
    "from",
    "into",
    "in",
    "on",
    "of",
    "for",
    "with",
    "where",
    "using",
    "and",
    "as",
    "then",
    "also",
    "add",
    "remove",
    "drop",
    "delete",
    "rename",
    "change",
    "alter",
    "modify",
    "make",
    "set",
    "allow",
    "disallow",
    "create",
    "backfill",
    "update",
    "index",
    "indexes",
    "unique",
    "foreign",
    "fk",
    "reference",
    "references",
    "check",
    "constraint",
    "value",
    "label",
    "enum",
    "type",
    "nullable",
    "optional",
    "required",
    "mandatory",
    "null",
    "not",
    "default",
    "primary",
    "key",
    "named",
    "called",
    "btree",
    "hash",
    "gist",
    "spgist",
    "gin",
    "brin",
    "is",
];

fn spelled(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

proptest! {
    #[test]
    fn names_survive(
        table in "[a-z_][a-z0-9_]{0,20}",
        a in "[a-z_][a-z0-9_]{0,20}",
        b in "[a-z_][a-z0-9_]{0,20}",
    ) {
        let (t, ca, cb) = (spelled(&table), spelled(&a), spelled(&b));
        prop_assert_eq!(
            parse(&format!("add {ca} text to {t}")).unwrap(),
            vec![add(&table, typed(&a, "text"))]
        );
        prop_assert_eq!(
            parse(&format!("rename {t}.{ca} to {cb}")).unwrap(),
            vec![Intent::RenameColumn { table: table.clone(), from: a.clone(), to: b.clone() }]
        );
        prop_assert_eq!(
            parse(&format!("drop index {ca}")).unwrap(),
            vec![Intent::DropIndex(IndexTarget::Name(a.clone()))]
        );
        // Quoted, any name survives, whatever it spells.
        prop_assert_eq!(
            parse(&format!("add \"{a}\" text to \"{table}\"")).unwrap(),
            vec![add(&table, typed(&a, "text"))]
        );
    }
}

/// Pieces a random description is made of: keywords, names, SQL bits, punctuation.
pub(super) fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(KEYWORDS).prop_map(str::to_string),
        "[a-z_][a-z0-9_]{0,6}",
        proptest::sample::select(
            &[
                "(",
                ")",
                ",",
                ";",
                ".",
                ":",
                "::",
                "'x'",
                "\"Q\"",
                "1",
                ">=",
                "=",
                "[",
                "]",
                "'",
                "\"",
                "-",
                "*",
                "text",
                "varchar(20)",
                "users",
                "users.email",
                "now()",
            ][..]
        )
        .prop_map(str::to_string),
    ]
}

proptest! {
    #[test]
    fn never_panics(pieces in proptest::collection::vec(piece(), 0..14)) {
        let src = pieces.join(" ");
        if let Err(e) = parse(&src) {
            prop_assert!((2..=4).contains(&e.suggestions.len()), "{src}: {e:?}");
            prop_assert!(src.contains(&e.fragment), "{src}: {e:?}");
        }
    }
}

/// Issue 13 §1 at the grammar level: lists, timestamps, index and reference forms, `from` types,
/// foreign keys between tables, and columns whose table is left to the schema.
#[test]
fn free_grammar_forms() {
    let all = |src: &str| parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    assert_eq!(
        all("add started_at and finished_at timestamp to tasks"),
        [
            add("tasks", col("started_at")),
            add("tasks", typed("finished_at", "timestamp"))
        ]
    );
    assert_eq!(
        all("add a, b and c to t"),
        [add("t", col("a")), add("t", col("b")), add("t", col("c"))]
    );
    // A verb after `and` still starts a new change.
    assert_eq!(
        all("add x to a and add y to b"),
        [add("a", col("x")), add("b", col("y"))]
    );
    let drop = |t: &str, c: &str| Intent::DropColumn {
        table: s(t),
        column: s(c),
    };
    assert_eq!(
        all("remove a and b from t"),
        [drop("t", "a"), drop("t", "b")]
    );
    assert_eq!(all("drop x"), [drop("", "x")]);
    assert_eq!(
        all("add timestamps to posts"),
        [Intent::AddTimestamps { table: s("posts") }]
    );
    let index = |t: &str, cols: &[&str], unique: bool| Intent::AddIndex {
        table: s(t),
        columns: strs(cols),
        unique,
        name: None,
        method: None,
    };
    same(
        &[
            "add index to tasks state",
            "add index on tasks by state",
            "index tasks by state",
            "add state index to tasks",
            "add tasks state index",
        ],
        match one("add index to tasks state") {
            i @ Intent::AddIndex { .. } => i,
            other => panic!("{other:?}"),
        },
    );
    assert_eq!(
        one("add task state index"),
        index("task", &["state"], false)
    );
    assert_eq!(
        one("add unique email index to users"),
        index("users", &["email"], true)
    );
    assert_eq!(
        one("add index to tasks on state and priority"),
        index("tasks", &["state", "priority"], false)
    );
    assert_eq!(
        one("add reviewer reference to tasks referencing members"),
        Intent::AddReference {
            table: s("tasks"),
            ref_table: s("members"),
            column: Some(s("reviewer_id")),
            on_delete: None,
        }
    );
    assert_eq!(
        one("change events.data from jsonb to text"),
        Intent::ChangeColumnType {
            table: s("events"),
            column: s("data"),
            to_type: s("text"),
            using: None,
            from_type: Some(s("jsonb")),
        }
    );
    assert_eq!(
        one("remove the foreign key from tasks to members"),
        Intent::DropForeignKey(ConstraintTarget::References {
            table: s("tasks"),
            ref_table: s("members"),
        })
    );
    assert_eq!(
        one("make display_name required"),
        Intent::SetNotNull {
            table: s(""),
            column: s("display_name"),
        }
    );
}
