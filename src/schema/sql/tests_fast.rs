//! The fast path (`fast`) against `pg_query`: every statement it accepts has the tree
//! `pg_query` gives (source locations aside), and loading with and without it gives the same
//! schema (or the same error), for every SQL fixture in tests/ and for generated dumps.

use super::chunks::chunk_starts;
use super::fast::Fast;
use super::lines::strip_meta_commands;
use super::{load_str, load_str_reference};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// `Debug` of a tree with the source positions (`location`, `list_start`, `list_end`)
/// zeroed.
fn without_locations(debug: &str) -> String {
    debug
        .lines()
        .map(|line| {
            let t = line.trim_start();
            let field = t.split(": ").next().unwrap_or("");
            let positional = t.contains(": ")
                && ["location", "list_start", "list_end"]
                    .iter()
                    .any(|f| field.ends_with(f));
            match t.find(": ") {
                Some(p) if positional => format!("{}: 0,", &line[..line.len() - t.len() + p]),
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Check `text` statement by statement and as a whole; returns how many statements the fast
/// path took.
fn check_text(text: &str, origin: &str) -> usize {
    let stripped = strip_meta_commands(text);
    let starts = chunk_starts(&stripped, 0);
    let mut fast = Fast::default();
    let mut taken = 0;
    for (k, &from) in starts.iter().enumerate() {
        let to = starts.get(k + 1).copied().unwrap_or(stripped.len());
        let piece = &stripped[from..to];
        let Some(node) = fast.statement(piece) else {
            continue;
        };
        taken += 1;
        let parsed = pg_query::parse(piece, 0).unwrap_or_else(|e| {
            panic!("{origin}: the fast path took a statement pg_query rejects ({e}): {piece}")
        });
        let stmts = &parsed.protobuf.stmts;
        assert_eq!(stmts.len(), 1, "{origin}: {piece}");
        let expected = stmts[0]
            .stmt
            .as_ref()
            .and_then(|s| s.node.as_ref())
            .unwrap();
        let (got, want) = (
            without_locations(&format!("{node:#?}")),
            without_locations(&format!("{expected:#?}")),
        );
        if got != want {
            let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
            let at = g
                .iter()
                .zip(&w)
                .position(|(a, b)| a != b)
                .unwrap_or(g.len().min(w.len()));
            let lo = at.saturating_sub(12);
            panic!(
                "{origin}: the fast path's tree differs from pg_query's for: {piece}\n--- fast:\n{}\n--- pg_query:\n{}",
                g[lo..(at + 3).min(g.len())].join("\n"),
                w[lo..(at + 3).min(w.len())].join("\n")
            );
        }
    }
    let fast = load_str(text, origin);
    let reference = load_str_reference(text, origin);
    match (fast, reference) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{origin}: the models differ"),
        // A syntax error: `pg_query` alone reports it before interpreting the statements
        // before it that share its chunk, the fast path after them, so the first error
        // reported may be another one; both must fail.
        (Err(a), Err(b)) if b.message.starts_with("syntax error") => {
            let _ = a;
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{origin}: the errors differ"),
        (a, b) => panic!("{origin}: fast {:?} but pg_query {:?}", a.err(), b.err()),
    }
    taken
}

fn sql_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sql_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "sql") {
            out.push(p);
        }
    }
}

#[test]
fn every_sql_fixture_loads_the_same_with_and_without_the_fast_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    sql_files(&root, &mut files);
    files.sort();
    assert!(files.len() > 30, "found only {} SQL files", files.len());
    let mut taken = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        taken += check_text(&text, &f.display().to_string());
    }
    assert!(taken > 300, "the fast path took only {taken} statements");
}

#[test]
fn a_real_pg_dump_goes_through_the_fast_path() {
    // tests/fixtures/pg_dump_scale.sql: pg_dump 15 of the scale benchmark's tables (20 of
    // them, with owners) and a few other objects.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pg_dump_scale.sql");
    let text = std::fs::read_to_string(path).unwrap();
    let taken = check_text(&text, "pg_dump_scale.sql");
    // Per table: CREATE TABLE, COMMENT, CREATE SEQUENCE, OWNED BY, SET DEFAULT, OWNER TO ×2,
    // PRIMARY KEY, CREATE INDEX (and every tenth table a foreign key).
    assert!(
        taken >= 20 * 9,
        "the fast path took only {taken} statements"
    );
}

#[test]
fn names_the_fast_path_must_leave_to_pg_query() {
    let mut fast = Fast::default();
    for stmt in [
        "CREATE TABLE select (a int);",
        "CREATE TABLE t (order int);",
        "CREATE TABLE t (a int) garbage;",
        "CREATE TABLE t (a int,, b int);",
        &format!("CREATE TABLE {} (a int);", "x".repeat(64)),
        "CREATE TABLE t (a text DEFAULT E'\\n');",
        "CREATE TABLE t (a text DEFAULT $$x$$);",
        "CREATE TABLE t (a int /* c */);",
        "COMMENT ON COLUMN t.a IS 'a' 'b';",
        "ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES p (a), ADD COLUMN b int;",
        "CREATE INDEX ON t (a);",
        "CREATE TABLE IF NOT EXISTS t (a int);",
    ] {
        assert!(fast.statement(stmt).is_none(), "took {stmt}");
    }
}

/// A name: plain, upper case, quoted with odd characters, a keyword (quoted or not), long.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,8}",
        "[A-Z][A-Za-z]{0,5}",
        Just("\"Mixed Case\"".to_string()),
        Just("\"with \"\"quote\"\"\"".to_string()),
        Just("\"user\"".to_string()),
        Just("user".to_string()),
        Just("name".to_string()),
        Just("type".to_string()),
        Just("\"order\"".to_string()),
        Just(format!("n{}", "x".repeat(62))),
        Just(format!("n{}", "x".repeat(63))),
    ]
}

fn column() -> impl Strategy<Value = String> {
    let ty = prop_oneof![
        Just("integer"),
        Just("bigint"),
        Just("text"),
        Just("character varying(20)"),
        Just("numeric(12,2)"),
        Just("timestamp with time zone"),
        Just("boolean"),
        Just("text[]"),
        Just("jsonb"),
        Just("public.mood"),
        Just("bigserial"),
    ];
    let tail = prop_oneof![
        Just(""),
        Just(" NOT NULL"),
        Just(" DEFAULT 0 NOT NULL"),
        Just(" DEFAULT ''::character varying"),
        Just(" DEFAULT 'it''s'::text"),
        Just(" DEFAULT -1"),
        Just(" DEFAULT now()"),
        Just(" DEFAULT true NOT NULL"),
        Just(" CHECK ((length(x) > 0))"),
        Just(" PRIMARY KEY"),
        Just(" UNIQUE"),
        Just(" COLLATE \"C\""),
        Just(" GENERATED ALWAYS AS IDENTITY"),
        Just(" DEFAULT nextval('public.s_seq'::regclass)"),
    ];
    (name(), ty, tail).prop_map(|(n, t, tail)| format!("{n} {t}{tail}"))
}

/// A statement of the kinds pg_dump writes (most of them through the fast path), over
/// tables `tables`.
fn statement(tables: Vec<String>) -> impl Strategy<Value = String> {
    let pick = proptest::sample::select(tables);
    prop_oneof![
        (pick.clone(), proptest::collection::vec(column(), 1..5), proptest::option::of(name())).prop_map(
            |(t, cols, check)| {
                let mut els = cols;
                if let Some(c) = check {
                    els.push(format!("CONSTRAINT {c} CHECK ((1 > 0))"));
                }
                format!("CREATE TABLE public.{t} (\n    {}\n);", els.join(",\n    "))
            }
        ),
        (pick.clone(), name(), name()).prop_map(|(t, c, col)| format!(
            "ALTER TABLE ONLY public.{t}\n    ADD CONSTRAINT {c} PRIMARY KEY ({col});"
        )),
        (pick.clone(), name(), name(), pick.clone()).prop_map(|(t, c, col, p)| format!(
            "ALTER TABLE ONLY public.{t}\n    ADD CONSTRAINT {c} FOREIGN KEY ({col}) REFERENCES public.{p}({col}) ON DELETE CASCADE;"
        )),
        (pick.clone(), name()).prop_map(|(t, col)| format!(
            "ALTER TABLE ONLY public.{t} ALTER COLUMN {col} SET DEFAULT nextval('public.{t}_seq'::regclass);"
        )),
        (pick.clone(), name()).prop_map(|(t, col)| format!(
            "ALTER TABLE {t} ALTER {col} SET DEFAULT 'x';"
        )),
        pick.clone().prop_map(|t| format!("ALTER TABLE public.{t} OWNER TO postgres;")),
        (name(), pick.clone(), name()).prop_map(|(i, t, col)| format!(
            "CREATE INDEX {i} ON public.{t} USING btree (lower({col})) WHERE ({col} IS NOT NULL);"
        )),
        (name(), pick.clone(), name()).prop_map(|(i, t, col)| format!(
            "CREATE UNIQUE INDEX {i} ON ONLY {t} ({col} DESC);"
        )),
        (pick.clone(), name(), "[a-z '\\\\;]{0,12}").prop_map(|(t, col, text)| format!(
            "COMMENT ON COLUMN public.{t}.{col} IS '{}';",
            text.replace('\'', "''")
        )),
        (pick.clone(), "[a-z ']{0,12}").prop_map(|(t, text)| format!(
            "COMMENT ON TABLE {t} IS '{}';",
            text.replace('\'', "''")
        )),
        pick.clone().prop_map(|t| format!(
            "CREATE SEQUENCE public.{t}_seq\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;"
        )),
        (pick.clone(), name()).prop_map(|(t, col)| format!(
            "ALTER SEQUENCE public.{t}_seq OWNED BY public.{t}.{col};"
        )),
        Just("SET statement_timeout = 0;".to_string()),
        Just("SELECT pg_catalog.set_config('search_path', '', false);".to_string()),
        Just("CREATE TYPE public.mood AS ENUM ('a', 'b');".to_string()),
    ]
}

fn dump() -> impl Strategy<Value = String> {
    proptest::collection::vec(name(), 1..4).prop_flat_map(|tables| {
        proptest::collection::vec(statement(tables), 1..25).prop_map(|s| s.join("\n\n"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn generated_dumps_load_the_same_with_and_without_the_fast_path(text in dump()) {
        check_text(&text, "generated");
    }
}
