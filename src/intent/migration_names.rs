//! Migration names as descriptions: `AddDueOnToProjects`, `add_x_and_y_to_t`, `RemoveXFromY`,
//! `AddIndexToTasksState`, `AddXIndexToY`, `AddIndexOnTOnC`, `CreateJoinTableUsersProjects`,
//! `CreateWidgets`, `DropWidgets`, `RenameXToYInT`, CamelCase or snake_case, optionally
//! followed by Rails' generator arguments (`AddDueOnToProjects due_on:date`) — each turned into
//! its canonical phrasing. A name that does not say the change (`add_missing_indexes`,
//! `remove_empty_pod`, `add_null_constraint_to_t`) is not a migration name here.

use super::lexer::{Kind, Token};
use super::vocabulary::join_table_text;
use crate::plan::resolve::names::plural;

/// The words of a migration name: `AddDueOnToProjects` / `add_due_on_to_projects` →
/// `add due on to projects`. `None` when `word` is not in either spelling.
fn name_words(word: &str) -> Option<Vec<String>> {
    let words: Vec<String> = if word.contains('_') {
        word.split('_')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    } else {
        let chars: Vec<char> = word.chars().collect();
        if !chars.first()?.is_uppercase() || chars.iter().skip(1).all(|c| !c.is_uppercase()) {
            return None;
        }
        let mut out: Vec<String> = Vec::new();
        for (i, &ch) in chars.iter().enumerate() {
            let boundary = i > 0
                && ch.is_uppercase()
                && (!chars[i - 1].is_uppercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
            if i == 0 || boundary {
                out.push(String::new());
            }
            out.last_mut()?.extend(ch.to_lowercase());
        }
        out
    };
    const VERBS: &[&str] = &["add", "remove", "drop", "delete", "create", "rename"];
    (words.len() >= 2 && VERBS.contains(&words[0].as_str())).then_some(words)
}

/// Words joined as one identifier, columns split at `and`: `[due, on, and, title]` →
/// `["due_on", "title"]`.
fn columns_of(words: &[String]) -> Vec<String> {
    words
        .split(|w| w == "and")
        .filter(|p| !p.is_empty())
        .map(|p| p.join("_"))
        .collect()
}

/// Table and columns from words that hold both (`users email`, `tasks on project id`): at
/// `on`, else after the longest prefix that names a known table (singular or plural), else
/// after the first word.
fn table_and_columns(words: &[String], tables: &[String]) -> Option<(String, Vec<String>)> {
    if let Some(k) = words.iter().position(|w| w == "on" || w == "by") {
        return Some((words[..k].join("_"), columns_of(&words[k + 1..])));
    }
    let known = |t: &str| tables.iter().any(|k| k == t || *k == plural(t));
    let k = (1..words.len())
        .rev()
        .find(|&k| known(&words[..k].join("_")))
        .unwrap_or(1);
    (k < words.len()).then(|| (words[..k].join("_"), columns_of(&words[k..])))
}

/// A description that is a migration name (one word), optionally followed by Rails generator
/// arguments (`name:type` pieces), in canonical form.
pub(super) fn canonical(description: &str, toks: &[Token], tables: &[String]) -> Option<String> {
    let first = toks.first().filter(|t| t.kind == Kind::Word)?;
    let rest = description[first.span.end..].trim();
    let specs: Vec<&str> = rest.split_whitespace().collect();
    if specs.iter().any(|s| !s.contains(':')) {
        return None;
    }
    let words = name_words(&first.text)?;
    let find = |w: &str| words.iter().rposition(|x| x == w).filter(|&i| i >= 1);
    let specs_or = |cols: Vec<String>| {
        if specs.is_empty() {
            cols.join(" and ")
        } else {
            specs.join(" and ")
        }
    };
    // Words that end what is not a column (`add_null_constraint_to_x`, `add_foo_fk_to_y`): the
    // name alone does not say the change.
    const NOT_A_COLUMN: &[&str] = &[
        "constraint",
        "constraints",
        "collation",
        "default",
        "defaults",
        "trigger",
        "check",
        "limit",
        "key",
        "keys",
        "fk",
        "fks",
        "indexes",
        "indices",
        "cache",
        "caches",
    ];
    let vague = |cols: &[String]| {
        cols.last()
            .is_some_and(|w| NOT_A_COLUMN.contains(&w.as_str()))
    };
    match words[0].as_str() {
        "add" if find("to").is_none() && words.get(1).is_some_and(|w| w == "index") => {
            // `AddIndexOnMentionsStatusId`: table and columns after `on`.
            let on = words.iter().position(|w| w == "on" || w == "for")?;
            if on != 2 {
                return None;
            }
            let (table, columns) = table_and_columns(&words[3..], tables)?;
            Some(format!("add index on {table}({})", columns.join(", ")))
        }
        "add" => {
            let i = find("to")?;
            let (cols, table) = (&words[1..i], &words[i + 1..]);
            if table.is_empty() || (cols.is_empty() && specs.is_empty()) {
                return None;
            }
            let unique = cols.first().is_some_and(|w| w == "unique");
            let cols = &cols[usize::from(unique)..];
            let unique = if unique { "unique " } else { "" };
            if cols.first().is_some_and(|w| w == "index") {
                let after: Vec<String> = cols[1..]
                    .iter()
                    .skip_while(|w| *w == "on" || *w == "for")
                    .cloned()
                    .collect();
                let (table, columns) = if after.is_empty() {
                    table_and_columns(table, tables)?
                } else {
                    (table.join("_"), columns_of(&after))
                };
                return Some(format!(
                    "add {unique}index on {table}({})",
                    columns.join(", ")
                ));
            }
            if vague(cols) {
                return None;
            }
            let mut cols = cols;
            if cols.last().is_some_and(|w| w == "column" || w == "columns") {
                cols = &cols[..cols.len() - 1];
            }
            let table = table.join("_");
            if cols.last().is_some_and(|w| w == "index") {
                let columns = columns_of(&cols[..cols.len() - 1]);
                return Some(format!(
                    "add {unique}index on {table}({})",
                    columns.join(", ")
                ));
            }
            if cols
                .last()
                .is_some_and(|w| ["reference", "ref", "references"].contains(&w.as_str()))
            {
                return Some(format!(
                    "add {} reference to {table}",
                    cols[..cols.len() - 1].join("_")
                ));
            }
            if cols == ["timestamps"] {
                return Some(format!("add timestamps to {table}"));
            }
            Some(format!("add {} to {table}", specs_or(columns_of(cols))))
        }
        "remove" | "drop" | "delete" => match find("from") {
            Some(i) => {
                let (cols, table) = (&words[1..i], &words[i + 1..]);
                if cols.is_empty() || table.is_empty() {
                    return None;
                }
                if cols.first().is_some_and(|w| w == "index") {
                    let (table, columns) = if cols.len() == 1 {
                        table_and_columns(table, tables)?
                    } else {
                        (table.join("_"), columns_of(&cols[1..]))
                    };
                    return Some(format!("remove index on {table}({})", columns.join(", ")));
                }
                let table = table.join("_");
                Some(format!(
                    "remove {} from {table}",
                    specs_or(columns_of(cols))
                ))
            }
            None if specs.is_empty() && words[0] == "drop" => {
                let mut t = &words[1..];
                if t.last().is_some_and(|w| w == "table") {
                    t = &t[..t.len() - 1];
                }
                (!t.is_empty()).then(|| format!("drop table {}", t.join("_")))
            }
            None => None,
        },
        "create" => {
            let mut t = &words[1..];
            if t.starts_with(&["join".to_string(), "table".to_string()]) {
                let t = &t[2..];
                let (a, b) = match t {
                    [a, b] => (a.clone(), b.clone()),
                    _ => {
                        let k = (1..t.len()).find(|&k| {
                            let known = |s: &str| tables.iter().any(|x| x == s || *x == plural(s));
                            known(&t[..k].join("_")) && known(&t[k..].join("_"))
                        })?;
                        (t[..k].join("_"), t[k..].join("_"))
                    }
                };
                return Some(join_table_text(&a, &b, tables));
            }
            if t.ends_with(&["join".to_string(), "table".to_string()]) {
                // `create_statuses_tags_join_table`
                let (a, b) = match &t[..t.len() - 2] {
                    [a, b] => (a.clone(), b.clone()),
                    _ => return None,
                };
                return Some(join_table_text(&a, &b, tables));
            }
            if t.last().is_some_and(|w| w == "table") {
                t = &t[..t.len() - 1];
            }
            if t.is_empty() || t[0] == "index" || vague(t) {
                return None;
            }
            let table = t.join("_");
            Some(if specs.is_empty() {
                format!("create table {table}")
            } else {
                format!("create table {table} with {}", specs.join(" "))
            })
        }
        "rename" => {
            let i = words.iter().position(|w| w == "to")?;
            let from = words[1..i].join("_");
            let after = &words[i + 1..];
            if from.is_empty() || after.is_empty() || !specs.is_empty() {
                return None;
            }
            match after.iter().position(|w| w == "in" || w == "on") {
                Some(k) if k > 0 && k + 1 < after.len() => Some(format!(
                    "rename column {from} to {} in {}",
                    after[..k].join("_"),
                    after[k + 1..].join("_")
                )),
                Some(_) => None,
                None => Some(format!("rename table {from} to {}", after.join("_"))),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use crate::intent::lexer;

    fn canonical(name: &str, tables: &[&str]) -> Option<String> {
        let tables: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
        let toks = lexer::lex(name).unwrap();
        super::canonical(name, &toks, &tables)
    }

    #[test]
    fn migration_names() {
        let t = &["users", "user_profiles", "tasks", "projects"];
        for (name, want) in [
            ("AddDueOnToProjects", "add due_on to projects"),
            ("add_last_seen_at_to_members", "add last_seen_at to members"),
            ("add_reply_to_id_to_comments", "add reply_to_id to comments"),
            (
                "AddStartedAtAndFinishedAtToTasks",
                "add started_at and finished_at to tasks",
            ),
            ("RemoveEmailFromUsers", "remove email from users"),
            ("AddIndexToUsersEmail", "add index on users(email)"),
            (
                "AddIndexToUserProfilesEmail",
                "add index on user_profiles(email)",
            ),
            (
                "AddIndexToTasksOnProjectIdAndState",
                "add index on tasks(project_id, state)",
            ),
            ("AddEmailIndexToUsers", "add index on users(email)"),
            (
                "AddUniqueIndexOnEmailToUsers",
                "add unique index on users(email)",
            ),
            ("AddTimestampsToTasks", "add timestamps to tasks"),
            ("AddUserRefToTasks", "add user reference to tasks"),
            ("CreateWidgets", "create table widgets"),
            ("DropWidgetsTable", "drop table widgets"),
            (
                "RenameTitleToNameInProjects",
                "rename column title to name in projects",
            ),
            ("AddURLToUsers", "add url to users"),
            (
                "AddIndexOnMentionsStatusId",
                "add index on mentions(status_id)",
            ),
            (
                "add_public_email_column_to_users",
                "add public_email to users",
            ),
            (
                "AddDueOnToProjects due_on:date",
                "add due_on:date to projects",
            ),
        ] {
            assert_eq!(canonical(name, t).as_deref(), Some(want), "{name}");
        }
        assert!(canonical("CreateJoinTableUsersProjects", t)
            .unwrap()
            .starts_with("create table projects_users (project_id"));
        assert!(canonical("create_statuses_tags_join_table", t)
            .unwrap()
            .starts_with("create table statuses_tags (status_id"));
        for not_a_name in [
            "users",
            "Users",
            "frobnicate",
            "add",
            "AddStuff",
            "add x to users",
            "remove_empty_pod",
            "add_null_constraint_to_keystores_id",
            "add_reblog_of_id_foreign_key_to_statuses",
            "create_index_good_jobs_for_lookup",
        ] {
            assert_eq!(canonical(not_a_name, t), None, "{not_a_name}");
        }
    }
}
