//! The MySQL/MariaDB rules of `migsmith check --dialect mysql`, as data: id, level, why, the fix
//! and a bad/good example each. The checks themselves are in [`super::mysql`] (they need the
//! statement, the schema before it and the online-DDL model of `dialect::mysql::online`).
//!
//! Where a PostgreSQL rule means the same thing (`drop-column`, `drop-table`, `rename-column`,
//! `rename-table`, `type-change-rewrites`, `missing-lock-timeout`) the id is shared: its page
//! gets a "MySQL and MariaDB" section ([`section`]) instead of a page of its own.

use crate::analyze::rules::{Level, RULES};

/// One MySQL rule.
pub struct MysqlRule {
    pub id: &'static str,
    pub level: Level,
    pub title: &'static str,
    pub why: &'static str,
    pub alternative: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
    /// Whether a table known to be small turns the finding into a note.
    pub size_sensitive: bool,
}

pub const COPY_ALTER: &str = "mysql-copy-alter";
pub const NO_ALGORITHM: &str = "mysql-alter-without-algorithm";
pub const LOCK_TIMEOUT: &str = "missing-lock-timeout";
pub const FK_WITHOUT_INDEX: &str = "foreign-key-without-index";
pub const SEVERAL_DDL: &str = "several-ddl-in-one-file";
pub const DROP_COLUMN: &str = "drop-column";
pub const DROP_TABLE: &str = "drop-table";
pub const RENAME_COLUMN: &str = "rename-column";
pub const RENAME_TABLE: &str = "rename-table";
pub const TYPE_CHANGE: &str = "type-change-rewrites";
pub const NOT_UNDERSTOOD: &str = "not-understood";

/// Every MySQL rule, in documentation order.
pub static MYSQL_RULES: &[MysqlRule] = &[
    MysqlRule {
        id: COPY_ALTER,
        level: Level::Error,
        title: "ALTER TABLE that runs as ALGORITHM=COPY on this server version",
        why: "With ALGORITHM=COPY the server copies the table row by row into a new one and holds a \
              lock that blocks every write (LOCK=SHARED) for the whole copy: minutes to hours on a large \
              table. Which changes are COPY depends on the engine and version (migsmith's online-DDL model, \
              `--mysql-version` or the live server's); adding a FOREIGN KEY with `foreign_key_checks=1`, a \
              CHECK constraint, most type changes and dropping the primary key are COPY. An explicit \
              `ALGORITHM=COPY` is reported as a warning (it was chosen).",
        alternative: "Use the INSTANT or INPLACE form when one exists (e.g. add the foreign key with \
                      `SET SESSION foreign_key_checks = 0` and `ALGORITHM=INPLACE, LOCK=NONE`, then verify the \
                      rows with a query), or run the change with gh-ost or pt-online-schema-change, which copy \
                      the table in the background without blocking writes.",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `orders` ADD CONSTRAINT `orders_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);\n",
        good: "SET SESSION lock_wait_timeout = 5;\nSET SESSION foreign_key_checks = 0;\nALTER TABLE `orders` ADD CONSTRAINT `orders_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`), ALGORITHM=INPLACE, LOCK=NONE;\nSET SESSION foreign_key_checks = 1;\n",
        size_sensitive: true,
    },
    MysqlRule {
        id: NO_ALGORITHM,
        level: Level::Warning,
        title: "ALTER TABLE without an explicit ALGORITHM= clause",
        why: "Without `ALGORITHM=`, the server picks the best algorithm it can and silently falls back to \
              COPY (a full table copy that blocks writes) when the change, the table (a FULLTEXT index, \
              ROW_FORMAT=COMPRESSED) or the server version does not allow INSTANT or INPLACE. With the \
              clause, the server refuses the statement instead (ERROR 1845/1846) and nothing is blocked.",
        alternative: "Append the algorithm the change should run with, e.g. `, ALGORITHM=INSTANT` or \
                      `, ALGORITHM=INPLACE, LOCK=NONE` (the finding says which one migsmith expects).",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN `nickname` varchar(40) NULL;\n",
        good: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN `nickname` varchar(40) NULL, ALGORITHM=INSTANT;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: LOCK_TIMEOUT,
        level: Level::Warning,
        title: "DDL without SET lock_wait_timeout",
        why: "Every ALTER, DROP and RENAME takes an exclusive metadata lock, at least briefly. It waits \
              behind any open transaction that touched the table, and every new query on the table queues \
              behind it; the default `lock_wait_timeout` is one year.",
        alternative: "Start the file with `SET SESSION lock_wait_timeout = 5;` (seconds) so the statement \
                      fails fast (ERROR 1205) instead of stalling the table, and retry.",
        bad: "ALTER TABLE `users` ADD COLUMN `nickname` varchar(40) NULL, ALGORITHM=INSTANT;\n",
        good: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN `nickname` varchar(40) NULL, ALGORITHM=INSTANT;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: FK_WITHOUT_INDEX,
        level: Level::Warning,
        title: "FOREIGN KEY whose columns have no index",
        why: "InnoDB needs an index whose leading columns are the foreign key's. Without one, MySQL \
              builds it implicitly as part of the ALTER (on a large table, a full index build nobody \
              planned), and the index then belongs to the constraint: a later `DROP INDEX` fails \
              (ERROR 1553) or, once the constraint is dropped, leaves an index nobody declared.",
        alternative: "Create the index first, on its own (`CREATE INDEX … ALGORITHM=INPLACE, LOCK=NONE`), \
                      then add the foreign key.",
        bad: "SET SESSION lock_wait_timeout = 5;\n-- payments has no index on (user_id)\nSET SESSION foreign_key_checks = 0;\nALTER TABLE `payments` ADD CONSTRAINT `payments_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`), ALGORITHM=INPLACE, LOCK=NONE;\nSET SESSION foreign_key_checks = 1;\n",
        good: "SET SESSION lock_wait_timeout = 5;\n-- orders has an index on (user_id) already (orders_user_id_idx)\nSET SESSION foreign_key_checks = 0;\nALTER TABLE `orders` ADD CONSTRAINT `orders_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`), ALGORITHM=INPLACE, LOCK=NONE;\nSET SESSION foreign_key_checks = 1;\n",
        size_sensitive: true,
    },
    MysqlRule {
        id: SEVERAL_DDL,
        level: Level::Warning,
        title: "several DDL statements in one file",
        why: "MySQL and MariaDB have no transactional DDL: each ALTER, CREATE, DROP and RENAME commits \
              on its own. If the second statement of a file fails, the first stays applied and the \
              migration tool records the file as failed: a half-applied migration to finish or undo by hand.",
        alternative: "One DDL statement per migration file, or several changes to one table in a single \
                      `ALTER TABLE … , …` (which is atomic).",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN `nickname` varchar(40) NULL, ALGORITHM=INSTANT;\nALTER TABLE `users` ADD COLUMN `bio` text NULL, ALGORITHM=INSTANT;\n",
        good: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN `nickname` varchar(40) NULL, ADD COLUMN `bio` text NULL, ALGORITHM=INSTANT;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: DROP_COLUMN,
        level: Level::Warning,
        title: "DROP COLUMN",
        why: "Even when INSTANT, the drop deletes the column's data for good and breaks running code that \
              still reads or writes it.",
        alternative: "Deploy code that no longer uses the column first, then drop it; acknowledge with \
                      `-- migsmith:ignore drop-column`.",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` DROP COLUMN `name`, ALGORITHM=INSTANT;\n",
        good: "SET SESSION lock_wait_timeout = 5;\n-- migsmith:ignore drop-column\nALTER TABLE `users` DROP COLUMN `name`, ALGORITHM=INSTANT;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: DROP_TABLE,
        level: Level::Warning,
        title: "DROP TABLE",
        why: "The data is gone for good and running code that uses the table fails; the drop also waits \
              for the metadata lock like any DDL.",
        alternative: "Stop using the table in a release first, keep a backup; acknowledge with \
                      `-- migsmith:ignore drop-table`.",
        bad: "SET SESSION lock_wait_timeout = 5;\nDROP TABLE `orders`;\n",
        good: "SET SESSION lock_wait_timeout = 5;\n-- migsmith:ignore drop-table\nDROP TABLE `orders`;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: RENAME_COLUMN,
        level: Level::Warning,
        title: "RENAME COLUMN / CHANGE with a new name",
        why: "The rename is INSTANT or INPLACE, but every running instance of the application that uses \
              the old name fails from that moment.",
        alternative: "Expand and contract: add the new column, write both, backfill, switch reads, then \
                      drop the old one; or acknowledge with `-- migsmith:ignore rename-column`.",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` RENAME COLUMN `name` TO `full_name`, ALGORITHM=INSTANT;\n",
        good: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN `full_name` varchar(80) NULL, ALGORITHM=INSTANT;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: RENAME_TABLE,
        level: Level::Warning,
        title: "RENAME TABLE",
        why: "Metadata only, but code that uses the old name fails from that moment.",
        alternative: "Deploy code that reads both names (or a view under the old name) first; acknowledge \
                      with `-- migsmith:ignore rename-table`.",
        bad: "SET SESSION lock_wait_timeout = 5;\nRENAME TABLE `orders` TO `purchases`;\n",
        good: "SET SESSION lock_wait_timeout = 5;\n-- migsmith:ignore rename-table\nRENAME TABLE `orders` TO `purchases`;\n",
        size_sensitive: false,
    },
    MysqlRule {
        id: TYPE_CHANGE,
        level: Level::Error,
        title: "column type change that copies the table or narrows the column",
        why: "Apart from widening a `varchar` within its length byte and appending `enum` values, a type \
              change is ALGORITHM=COPY: the table is copied while writes wait. A narrowing change \
              (`varchar(80)` → `varchar(40)`, `bigint` → `int`) also fails on, or in non-strict mode \
              silently truncates, the rows that do not fit. Without the column's current type \
              (`--schema` or `--database-url`), and for a widening change whose statement asks for \
              `ALGORITHM=COPY` itself (a copy chosen, e.g. by `migsmith generate` for a small table), \
              the finding is a warning.",
        alternative: "Expand and contract: add a column of the new type, backfill it in batches, switch the \
                      code, drop the old one; or run the change with gh-ost / pt-online-schema-change.",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` MODIFY COLUMN `name` varchar(40) NULL, ALGORITHM=COPY;\n",
        good: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` MODIFY COLUMN `name` varchar(60) NULL, ALGORITHM=INPLACE, LOCK=NONE;\n",
        size_sensitive: true,
    },
    MysqlRule {
        id: NOT_UNDERSTOOD,
        level: Level::Warning,
        title: "a statement migsmith cannot parse as MySQL",
        why: "migsmith parses MySQL with sqlparser's MySQL dialect; a statement it cannot parse is not \
              checked at all (it may still be valid on your server).",
        alternative: "Check the statement by hand; if it is valid, acknowledge it with \
                      `-- migsmith:ignore not-understood` and report the syntax to migsmith.",
        bad: "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` FROBNICATE;\n",
        good: "SET SESSION lock_wait_timeout = 5;\n-- migsmith:ignore not-understood\nALTER TABLE `users` FROBNICATE;\n",
        size_sensitive: false,
    },
];

/// The MySQL rule with this id.
pub fn by_id(id: &str) -> Option<&'static MysqlRule> {
    MYSQL_RULES.iter().find(|r| r.id == id)
}

/// Whether a PostgreSQL rule has this id (then the MySQL rule is a section of its page).
pub fn shared(id: &str) -> bool {
    RULES.iter().any(|r| r.id == id)
}

fn body(r: &MysqlRule, heading: &str) -> String {
    let level = match r.level {
        Level::Error => "error (makes `migsmith check` exit 1)",
        _ => "warning",
    };
    let size = if r.size_sensitive {
        "\nOn a table known to be small (fewer rows than `--small-table-rows`, from `--rows` or \
         `--database-url`) the finding becomes a note that says so.\n"
    } else {
        ""
    };
    format!(
        "{heading} Why\n\nLevel: {level}.\n\n{why}\n{size}\n\
         {heading} Instead\n\n{alternative}\n\n\
         {heading} Flagged\n\n```sql\n{bad}```\n\n\
         {heading} Passes\n\n```sql\n{good}```\n",
        why = r.why,
        alternative = r.alternative,
        bad = r.bad,
        good = r.good,
    )
}

/// The page of a MySQL-only rule (`docs/rules/<id>.md`).
pub fn page(r: &MysqlRule) -> String {
    format!(
        "<!-- Generated from src/check/mysql_rules.rs by `MIGSMITH_UPDATE_DOCS=1 cargo test --test check_rules`; do not edit. -->\n\
         # `{id}`: {title}\n\nEngine: MySQL 8.0 and MariaDB 10.11 (`migsmith check --dialect mysql`).\n\n{body}\n\
         Silence one finding with `-- migsmith:ignore {id}` on the line before the statement, or for the \
         whole file at its top.\n",
        id = r.id,
        title = r.title,
        body = body(r, "##"),
    )
}

/// The "MySQL and MariaDB" section appended to a shared rule's PostgreSQL page.
pub fn section(id: &str) -> String {
    match by_id(id) {
        Some(r) => format!(
            "\n## MySQL and MariaDB\n\nWith `--dialect mysql`: {title}.\n\n{body}",
            title = r.title,
            body = body(r, "###")
        ),
        None => String::new(),
    }
}

/// The MySQL rule table of `docs/check.md`.
pub fn table() -> String {
    let mut out = String::from("| rule | level | catches |\n|---|---|---|\n");
    for r in MYSQL_RULES {
        out.push_str(&format!(
            "| [`{id}`](rules/{id}.md) | {level} | {title} |\n",
            id = r.id,
            level = r.level.as_str(),
            title = r.title
        ));
    }
    out
}
