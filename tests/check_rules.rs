//! Every lint rule against its own examples: the bad example is flagged by the rule, the good
//! example passes every rule and really runs on PostgreSQL (on the schema of
//! `tests/fixtures/check/schema.sql`); and the committed rule docs (`docs/rules/*.md`, the
//! rule table of `docs/check.md`) are exactly what the rule data renders. `MIGSMITH_UPDATE_DOCS=1` rewrites them.

mod common;

use common::TestDb;
use migsmith::analyze::rules::{docs, Level, RULES};
use migsmith::check::{check_sql, mysql_rules, CheckOptions};
use std::path::Path;

const FIXTURE: &str = include_str!("fixtures/check/schema.sql");

fn options(pg_version: u32) -> CheckOptions {
    CheckOptions {
        pg_version,
        schema: Some(
            migsmith::schema::sql::load_str(FIXTURE, "schema.sql").expect("fixture loads"),
        ),
        ..CheckOptions::default()
    }
}

#[test]
fn every_bad_example_is_flagged_by_its_rule() {
    for rule in RULES {
        let findings = check_sql(rule.bad, "bad.sql", &options(rule.examples_on));
        let own: Vec<_> = findings.iter().filter(|f| f.rule == rule.id).collect();
        assert!(
            !own.is_empty(),
            "{}: the bad example is not flagged: {findings:#?}",
            rule.id
        );
        assert!(
            own.iter().all(|f| f.level == rule.level),
            "{}: flagged at another level: {own:#?}",
            rule.id
        );
        assert!(
            pg_query::parse(rule.bad, 0).is_ok(),
            "{}: bad example does not parse",
            rule.id
        );
    }
}

#[test]
fn every_good_example_passes_every_rule() {
    for rule in RULES {
        let findings = check_sql(rule.good, "good.sql", &options(rule.examples_on));
        assert!(
            findings.is_empty(),
            "{}: the good example is flagged: {findings:#?}",
            rule.id
        );
    }
}

#[test]
fn every_good_example_runs_on_postgres() {
    for rule in RULES {
        let Some(db) = TestDb::create(&format!("rule_{}", rule.id)) else {
            return;
        };
        db.psql(FIXTURE).expect("fixture");
        db.psql(rule.good)
            .unwrap_or_else(|e| panic!("{}: the good example fails on PostgreSQL: {e}", rule.id));
    }
}

#[test]
fn rule_docs_match_the_rule_data() {
    let update = std::env::var_os("MIGSMITH_UPDATE_DOCS").is_some();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut stale = vec![];
    for rule in RULES {
        let path = dir.join(format!("{}.md", rule.id));
        let want = docs::page(rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    for rule in mysql_rules::MYSQL_RULES
        .iter()
        .filter(|r| !mysql_rules::shared(r.id))
    {
        let path = dir.join(format!("{}.md", rule.id));
        let want = mysql_rules::page(rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if update {
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let id = name.trim_end_matches(".md");
        assert!(
            RULES.iter().any(|r| r.id == id) || mysql_rules::by_id(id).is_some(),
            "docs/rules/{name} documents no rule: remove it"
        );
    }
    let page_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check.md");
    for (marker, table) in [
        ("rules", docs::table()),
        ("mysql-rules", mysql_rules::table()),
    ] {
        let page = std::fs::read_to_string(&page_path).unwrap();
        let (start, end) = (
            format!("<!-- {marker}:start -->\n"),
            format!("<!-- {marker}:end -->"),
        );
        let (Some(a), Some(b)) = (page.find(&start), page.find(&end)) else {
            panic!("docs/check.md lacks the {start:?} … {end:?} markers of the rule table");
        };
        if page[a + start.len()..b] != table {
            if update {
                let new = format!("{}{table}{}", &page[..a + start.len()], &page[b..]);
                std::fs::write(&page_path, new).unwrap();
            } else {
                stale.push(format!("docs/check.md ({marker} table)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs, regenerate with `MIGSMITH_UPDATE_DOCS=1 cargo test --test check_rules`: {stale:?}"
    );
}

#[test]
fn levels_are_errors_or_warnings() {
    assert!(RULES.iter().all(|r| r.level != Level::Note));
}
