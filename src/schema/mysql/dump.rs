//! Loading a MySQL/MariaDB schema script: `mysqldump --no-data` output (with or without
//! comments), `SHOW CREATE TABLE` text, or hand-written DDL, parsed statement by statement with
//! sqlparser's `MySqlDialect` (see [`super::split`] for how statements are cut).
//!
//! Modelled: `CREATE TABLE` (columns, keys, FKs, CHECKs, table options: [`super::table`]),
//! `ALTER TABLE` adding, changing and dropping columns, keys and constraints
//! ([`super::alter`]), `CREATE [UNIQUE] INDEX`, `DROP TABLE`. Session boilerplate (`SET`, `LOCK TABLES`,
//! `USE`…) is skipped. Views, triggers, routines and events become one note each; any other
//! statement, and any statement that does not parse, becomes a note with its line. Loading
//! never fails on content: bad input yields notes, not errors.

use super::finish;
use super::split::{split, Statement};
use super::table::{create_index, create_table, last_part};
use crate::schema::{Engine, Schema};
use sqlparser::ast::Statement as Ast;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

/// Whether a schema file is MySQL rather than PostgreSQL: executable comments (`/*!40101`),
/// a backquoted `CREATE TABLE`, or an `ENGINE=` table option.
pub fn looks_like_mysql(text: &str) -> bool {
    let head: String = text.chars().take(1 << 16).collect();
    head.contains("/*!4")
        || head.contains("/*!5")
        || head.contains("/*M!")
        || head.contains("-- MySQL dump")
        || head.contains("-- MariaDB dump")
        || head.contains("CREATE TABLE `")
        || head.contains("create table `")
        || head.contains(") ENGINE=")
}

/// The note for an object the model does not hold (the live reader writes the same).
pub fn object_note(kind: &str, name: &str) -> String {
    format!("{kind} `{name}`: not modelled")
}

/// Load a MySQL/MariaDB script (see the module documentation). `origin` names it in notes.
pub fn load_str(text: &str, origin: &str) -> Schema {
    let mut schema = Schema {
        engine: engine_of(text),
        ..Schema::default()
    };
    for statement in split(text) {
        apply(&mut schema, &statement, origin);
    }
    finish(&mut schema);
    schema.notes.sort();
    schema.notes.dedup();
    schema
}

/// MariaDB when the dump says so (its header, `/*M!` comments, or `current_timestamp()` with
/// parentheses, MariaDB's spelling); MySQL otherwise.
fn engine_of(text: &str) -> Engine {
    let head: String = text.chars().take(1 << 16).collect();
    if let Some(at) = head.find("-- Server version") {
        let version = head[at + "-- Server version".len()..]
            .lines()
            .next()
            .unwrap_or("")
            .trim();
        return super::server_flavour(version).0;
    }
    if head.contains("/*M!") || head.contains("MariaDB") || text.contains("current_timestamp()") {
        Engine::Mariadb
    } else {
        Engine::Mysql
    }
}

/// First words of statements that only set up the session or the load.
const BOILERPLATE: &[&str] = &[
    "SET",
    "LOCK",
    "UNLOCK",
    "USE",
    "START",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "DROP VIEW",
    "DROP TRIGGER",
    "DROP PROCEDURE",
    "DROP FUNCTION",
    "DROP EVENT",
    "CREATE DATABASE",
    "CREATE SCHEMA",
    "INSERT",
    "SELECT",
];

/// Apply one statement of a script to `schema` (what `migsmith check` replays file by file).
pub fn apply(schema: &mut Schema, s: &Statement, origin: &str) {
    let words = upper_words(&s.text, 12);
    let starts = |prefix: &str| {
        let p: Vec<&str> = prefix.split(' ').collect();
        words.len() >= p.len() && words[..p.len()] == p[..]
    };
    if starts("ALTER TABLE") && words.iter().any(|w| w == "DISABLE" || w == "ENABLE") {
        return;
    }
    if let Some((kind, name)) = other_object(&s.text, &words) {
        schema.notes.push(object_note(kind, &name));
        return;
    }
    if BOILERPLATE.iter().any(|p| starts(p)) {
        return;
    }
    let dialect = MySqlDialect {};
    let parsed = Parser::new(&dialect)
        .try_with_sql(&s.text)
        .and_then(|mut p| p.parse_statement());
    match parsed {
        Ok(Ast::CreateTable(ct)) => {
            let table = create_table(&ct);
            schema.tables.insert(table.name.clone(), table);
        }
        Ok(Ast::CreateIndex(ci)) => {
            if let Err(why) = create_index(schema, &ci) {
                schema.notes.push(format!("{origin}:{}: {why}", s.line));
            }
        }
        Ok(Ast::AlterTable(at)) => {
            for note in super::alter::apply(schema, &at) {
                schema.notes.push(format!("{origin}:{}: {note}", s.line));
            }
        }
        Ok(Ast::Drop { names, .. }) if starts("DROP TABLE") => {
            for n in names {
                schema.tables.remove(&last_part(&n));
            }
        }
        Ok(_) => schema.notes.push(format!(
            "{origin}:{}: not modelled: {}",
            s.line,
            preview(&s.text)
        )),
        Err(e) => schema.notes.push(format!(
            "{origin}:{}: not understood ({e}): {}",
            s.line,
            preview(&s.text)
        )),
    }
}

/// The first `n` words, upper-cased, without MySQL's `DEFINER=…`, `ALGORITHM=…`, `SQL
/// SECURITY …` and `OR REPLACE` noise between `CREATE` and the object kind.
fn upper_words(text: &str, n: usize) -> Vec<String> {
    text.split_whitespace()
        .take(n)
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

/// `CREATE … VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT name` → (kind, name).
fn other_object(text: &str, words: &[String]) -> Option<(&'static str, String)> {
    if words.first().map(String::as_str) != Some("CREATE") {
        return None;
    }
    let kinds = [
        ("VIEW", "view"),
        ("TRIGGER", "trigger"),
        ("PROCEDURE", "procedure"),
        ("FUNCTION", "function"),
        ("EVENT", "event"),
    ];
    let raw: Vec<&str> = text.split_whitespace().take(16).collect();
    for (i, w) in words.iter().enumerate().skip(1) {
        if matches!(
            w.as_str(),
            "TABLE" | "INDEX" | "UNIQUE" | "FULLTEXT" | "SPATIAL"
        ) {
            return None;
        }
        if let Some((_, kind)) = kinds.iter().find(|(k, _)| k == w) {
            let mut j = i + 1;
            while raw
                .get(j)
                .is_some_and(|w| matches!(w.to_ascii_uppercase().as_str(), "IF" | "NOT" | "EXISTS"))
            {
                j += 1;
            }
            let name = raw.get(j).map(|n| ident_text(n)).unwrap_or_default();
            return Some((kind, name));
        }
    }
    None
}

/// `` `db`.`name`(… `` → `name`.
fn ident_text(word: &str) -> String {
    let word = word.split('(').next().unwrap_or(word);
    let last = word.rsplit("`.`").next().unwrap_or(word);
    let last = last.rsplit_once('.').map(|(_, n)| n).unwrap_or(last);
    last.trim_matches('`').trim_matches('"').replace("``", "`")
}

fn preview(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::schema::IndexKey;

    #[test]
    fn show_create_table_text_loads() {
        let s = load_str(
            "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'x',\n  `n` varchar(40) GENERATED ALWAYS AS (lcase(`name`)) VIRTUAL,\n  PRIMARY KEY (`id`),\n  KEY `p` (`name`(10),`id`),\n  FULLTEXT KEY `f` (`name`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='hi'",
            "t.sql",
        );
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        let t = &s.tables["t"];
        assert_eq!(t.columns[0].data_type, "int(11)");
        assert!(t.columns[0].options.auto_increment);
        assert_eq!(
            t.columns[1].options.collation.as_deref(),
            Some("utf8mb4_bin")
        );
        assert_eq!(t.columns[1].options.charset, None);
        assert_eq!(t.columns[1].default.as_deref(), Some("'x'"));
        assert_eq!(
            t.columns[2]
                .options
                .generated
                .as_ref()
                .map(|g| g.expression.as_str()),
            Some("lcase(`name`)")
        );
        assert_eq!(t.indexes[1].prefix_lengths.get("name"), Some(&10));
        assert_eq!(t.indexes[0].method, "fulltext");
        assert_eq!(t.options.engine.as_deref(), Some("InnoDB"));
        assert_eq!(t.comment.as_deref(), Some("hi"));
    }

    #[test]
    fn garbage_becomes_notes() {
        let s = load_str(
            "CREATE TABLE (;\nFROB x;\nCREATE TABLE a (id int);",
            "g.sql",
        );
        assert_eq!(s.notes.len(), 2, "{:?}", s.notes);
        assert!(s.tables.contains_key("a"));
    }

    #[test]
    fn detects_mysql_dumps() {
        assert!(looks_like_mysql("/*!40101 SET NAMES utf8 */;"));
        assert!(looks_like_mysql("CREATE TABLE `a` (id int)"));
        assert!(!looks_like_mysql("CREATE TABLE public.a (id integer);"));
    }

    #[test]
    fn phpmyadmin_export_adds_keys_with_alter_table() {
        let s = load_str(
            "CREATE TABLE `posts` (\n  `id` int(11) NOT NULL,\n  `user_id` int(11) NOT NULL,\n  `title` varchar(200) NOT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n\
             CREATE TABLE `users` (`id` int(11) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n\
             ALTER TABLE `posts`\n  ADD PRIMARY KEY (`id`),\n  ADD KEY `posts_user_id_foreign` (`user_id`),\n  ADD UNIQUE KEY `posts_title_unique` (`title`(50));\n\
             ALTER TABLE `users` ADD PRIMARY KEY (`id`);\n\
             ALTER TABLE `posts`\n  MODIFY `id` int(11) NOT NULL AUTO_INCREMENT, AUTO_INCREMENT=5;\n\
             ALTER TABLE `posts`\n  ADD CONSTRAINT `posts_user_id_foreign` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n\
             ALTER TABLE `posts` ADD COLUMN `body` text AFTER `user_id`, CHANGE `title` `headline` varchar(200) NOT NULL;",
            "export.sql",
        );
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        let p = &s.tables["posts"];
        assert_eq!(p.primary_key.as_ref().unwrap().columns, ["id"]);
        assert!(p.columns[0].options.auto_increment);
        let names: Vec<&str> = p.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "user_id", "body", "headline"]);
        let u = p.index("posts_title_unique").unwrap();
        assert!(u.unique);
        assert_eq!(u.columns, [IndexKey::Column("headline".into())]);
        assert_eq!(u.prefix_lengths.get("headline"), Some(&50));
        assert_eq!(
            p.foreign_keys[0].on_delete,
            crate::schema::FkAction::Cascade
        );
        assert_eq!(p.indexes.len(), 2, "the FK reuses posts_user_id_foreign");
    }

    #[test]
    fn mysql8_dump_spelling() {
        let s = load_str(
            "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n-- Server version\t8.0.36\n\
             CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */;\nUSE `shop`;\n\
             CREATE TABLE `users` (\n  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n  `email` varchar(255) NOT NULL,\n  `score` int NOT NULL DEFAULT '0',\n  `token` char(36) DEFAULT (uuid()),\n  `seen` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  PRIMARY KEY (`id`),\n  KEY `users_lower_email` ((lower(`email`))),\n  CONSTRAINT `users_score_chk` CHECK ((`score` >= 0))\n) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;",
            "mysql8.sql",
        );
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert_eq!(s.engine, Engine::Mysql);
        let t = &s.tables["users"];
        assert_eq!(t.columns[0].data_type, "bigint unsigned");
        assert_eq!(t.columns[2].default.as_deref(), Some("'0'"));
        assert_eq!(t.columns[3].default.as_deref(), Some("(uuid())"));
        assert_eq!(
            t.columns[4].options.on_update.as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            t.index("users_lower_email").unwrap().columns,
            [IndexKey::Expression {
                expression: "lower(`email`)".into()
            }]
        );
        assert_eq!(t.check_constraints[0].expression, "(`score` >= 0)");
        assert_eq!(t.options.collation.as_deref(), Some("utf8mb4_0900_ai_ci"));
    }
}
