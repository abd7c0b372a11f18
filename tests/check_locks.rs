//! The static lock classifier (`dialect::postgres::locks`) against the real server: each
//! statement runs in a transaction on a throwaway database, `pg_locks` is read for the own
//! backend before rolling back, and the strongest lock PostgreSQL holds on every table of the
//! fixture must equal the lock the classifier predicts (NONE when it predicts none).

mod common;

use common::TestDb;
use migsmith::dialect::postgres::locks::{classify, Known};
use migsmith::dialect::LockMode;
use std::collections::BTreeMap;

const FIXTURE: &str = "
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), name text, score int);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
CREATE TYPE mood AS ENUM ('happy', 'sad');
ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_score_check CHECK (score >= 0) NOT VALID;
INSERT INTO users VALUES (1, 'a@example.com', 'a', 1);
";

/// What the fixture's catalog says, for statements whose locks depend on it.
struct Fixture;
impl Known for Fixture {
    fn column_type(&self, table: &str, column: &str) -> Option<String> {
        match (table, column) {
            ("users", "email") => Some("varchar(50)".into()),
            ("users", "score") => Some("integer".into()),
            ("users", "name") | ("posts", "title") => Some("text".into()),
            _ => None,
        }
    }
    fn index_table(&self, index: &str) -> Option<String> {
        (index == "posts_title_idx").then(|| "posts".into())
    }
    fn referenced_tables(&self, table: &str) -> Vec<String> {
        match table {
            "posts" => vec!["users".into()],
            _ => vec![],
        }
    }
}

const STATEMENTS: &[&str] = &[
    "ALTER TABLE users ADD COLUMN bio text",
    "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true",
    "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
    "ALTER TABLE users ADD COLUMN team_id bigint REFERENCES users (id)",
    "ALTER TABLE users DROP COLUMN name",
    "ALTER TABLE users RENAME COLUMN name TO full_name",
    "ALTER TABLE users RENAME TO members",
    "ALTER TABLE users ALTER COLUMN email TYPE varchar(100)",
    "ALTER TABLE users ALTER COLUMN score TYPE bigint",
    "ALTER TABLE users ALTER COLUMN name SET NOT NULL",
    "ALTER TABLE users ALTER COLUMN email DROP NOT NULL",
    "ALTER TABLE users ALTER COLUMN score SET DEFAULT 0",
    "ALTER TABLE users ALTER COLUMN score DROP DEFAULT",
    "ALTER TABLE users ALTER COLUMN score SET STATISTICS 500",
    "ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (name <> '')",
    "ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (name <> '') NOT VALID",
    "ALTER TABLE users VALIDATE CONSTRAINT users_score_check",
    "ALTER TABLE users DROP CONSTRAINT users_score_check",
    "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
    "ALTER TABLE posts ADD CONSTRAINT posts_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id)",
    "ALTER TABLE posts ADD CONSTRAINT posts_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID",
    "ALTER TABLE posts DISABLE TRIGGER ALL",
    "ALTER TABLE users SET (fillfactor = 90)",
    "ALTER TABLE users SET (autovacuum_vacuum_scale_factor = 0.01, toast.autovacuum_enabled = false)",
    "ALTER TABLE users SET (user_catalog_table = true)",
    "ALTER TABLE users RESET (fillfactor)",
    "CREATE INDEX users_email_idx ON users (email)",
    "CREATE UNIQUE INDEX users_email_idx ON users (email)",
    "DROP INDEX posts_title_idx",
    "DROP TABLE posts",
    "TRUNCATE posts",
    "CLUSTER users USING users_pkey",
    "REINDEX TABLE posts",
    "REINDEX INDEX posts_title_idx",
    "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE",
    "CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint REFERENCES posts (id))",
    "CREATE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
    "ALTER TYPE mood ADD VALUE 'meh'",
    "UPDATE users SET score = 0",
    "DELETE FROM posts WHERE id = 1",
    "INSERT INTO posts (id, user_id, title) VALUES (2, 1, 't')",
];

fn lock_mode(name: &str) -> LockMode {
    match name {
        "AccessShareLock" => LockMode::AccessShare,
        "RowShareLock" => LockMode::RowShare,
        "RowExclusiveLock" => LockMode::RowExclusive,
        "ShareUpdateExclusiveLock" => LockMode::ShareUpdateExclusive,
        "ShareLock" => LockMode::Share,
        "ShareRowExclusiveLock" => LockMode::ShareRowExclusive,
        "ExclusiveLock" => LockMode::Exclusive,
        "AccessExclusiveLock" => LockMode::AccessExclusive,
        other => panic!("unknown lock mode {other}"),
    }
}

#[test]
fn classifier_matches_pg_locks() {
    let Some(db) = TestDb::create("check_locks") else {
        return;
    };
    db.psql(FIXTURE).expect("fixture");
    let mut client = db.client();
    let tables: BTreeMap<u32, String> = client
        .query(
            "SELECT c.oid, c.relname::text FROM pg_class c \
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get::<_, u32>(0), r.get::<_, String>(1)))
        .collect();
    let version: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap()
        .get(0);
    let mut failures = vec![];
    for sql in STATEMENTS {
        let parsed = pg_query::parse(sql, 0).unwrap();
        let node = parsed.protobuf.stmts[0]
            .stmt
            .as_ref()
            .unwrap()
            .node
            .as_ref()
            .unwrap();
        let effect = classify(node, version as u32, &Fixture);
        assert!(
            effect.transactional,
            "{sql}: test only transactional statements"
        );
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: the server refused it: {e}"));
        let held: Vec<(u32, String)> = tx
            .query(
                "SELECT relation, mode FROM pg_locks \
                 WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get::<_, u32>(0), r.get::<_, String>(1)))
            .collect();
        tx.rollback().unwrap();
        for (oid, table) in &tables {
            let actual = held
                .iter()
                .filter(|(o, _)| o == oid)
                .map(|(_, m)| lock_mode(m))
                .max()
                .unwrap_or(LockMode::None);
            let predicted = effect.lock_on(table);
            if actual != predicted {
                failures.push(format!(
                    "{sql}\n    on {table}: classifier {} but PostgreSQL holds {}",
                    predicted.name(),
                    actual.name()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn non_transactional_statements_are_refused_in_a_transaction_block() {
    let Some(db) = TestDb::create("check_locks_nt") else {
        return;
    };
    db.psql(FIXTURE).expect("fixture");
    let mut client = db.client();
    for sql in [
        "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)",
        "DROP INDEX CONCURRENTLY posts_title_idx",
        "VACUUM FULL users",
        "REINDEX TABLE CONCURRENTLY posts",
    ] {
        let parsed = pg_query::parse(sql, 0).unwrap();
        let node = parsed.protobuf.stmts[0]
            .stmt
            .as_ref()
            .unwrap()
            .node
            .as_ref()
            .unwrap();
        let effect = classify(node, 150000, &Fixture);
        assert!(!effect.transactional, "{sql}");
        let mut tx = client.transaction().unwrap();
        let err = tx.batch_execute(sql).expect_err(sql);
        assert!(
            err.to_string()
                .contains("cannot run inside a transaction block")
                || format!("{err:?}").contains("25001"),
            "{sql}: {err}"
        );
        tx.rollback().unwrap();
        // …and outside one it runs.
        client
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}
