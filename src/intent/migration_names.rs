//! Migration names as descriptions: `AddDueOnToProjects`, `add_x_and_y_to_t`, `RemoveXFromY`,
//! `AddIndexToTasksState`, `AddXIndexToY`, `AddIndexOnTOnC`, `CreateJoinTableUsersProjects`,
//! `CreateWidgets`, `DropWidgets`, `RenameXToYInT`, CamelCase or snake_case, optionally
//! followed by Rails' generator arguments (`AddDueOnToProjects due_on:date`) — each turned into
//! its canonical phrasing. A name that does not say the change (`add_missing_indexes`,
//! `remove_empty_pod`, `add_null_constraint_to_t`) is not a migration name here.

use super::lexer::{Kind, Token};
use super::vocabulary::join_table_text;
use crate::plan::resolve::names::{plural, singular};

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
    let mut words = words;
    // `DeviseCreateUsers`, `ClearanceCreateUsers`: a gem's generator names its migration so.
    if words.len() > 2 && verb_base(&words[0]).is_none() && words[1] == "create" {
        words.remove(0);
    }
    if let Some(base) = words.first().and_then(|w| verb_base(w)) {
        words[0] = base.to_string();
    }
    (words.len() >= 2).then_some(words)
}

/// `add`, `adds`, `adding` → `add`; the verbs a migration name starts with.
fn verb_base(w: &str) -> Option<&'static str> {
    const VERBS: &[&str] = &[
        "add", "remove", "drop", "delete", "create", "rename", "make", "allow", "change",
    ];
    VERBS.iter().copied().find(|v| {
        w == *v
            || w.strip_prefix(v).is_some_and(|r| r == "s" || r == "es")
            || w == format!("{}ing", v.trim_end_matches('e'))
    })
}

/// The table that `words` name, when exactly one does: the table itself, its plural or
/// singular, or — Django — the one table `<app label>_<model>` whose model they name
/// (`page` → `wagtailcore_page`).
pub(super) fn table_named(words: &[String], tables: &[String]) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    let joined = words.join("_");
    let forms = [joined.clone(), plural(&joined), singular(&joined)];
    if let Some(t) = tables.iter().find(|t| forms.contains(t)) {
        return Some(t.clone());
    }
    let suffixes: Vec<String> = forms.iter().map(|f| format!("_{f}")).collect();
    let mut found = tables.iter().filter(|t| {
        suffixes.iter().any(|s| {
            t.strip_suffix(s.as_str())
                .is_some_and(|label| !label.is_empty() && !label.contains('_'))
        })
    });
    match (found.next(), found.next()) {
        (Some(t), None) => Some(t.clone()),
        _ => None,
    }
}

/// The table that `words` name, or the words joined (for `plan::resolve` to check and
/// suggest). A trailing `table` word is not part of it (`AddXToUsersTable`).
fn table_text(words: &[String], tables: &[String]) -> String {
    let mut w = words;
    if w.len() > 1 && w.last().is_some_and(|x| x == "table") && table_named(w, tables).is_none() {
        w = &w[..w.len() - 1];
    }
    table_named(w, tables).unwrap_or_else(|| w.join("_"))
}

/// Words cut into a table and the rest, where exactly one cut has a known table before it
/// (`account mode` → `accounts`, `[mode]`) or after it (`last synced at institution`).
fn split_table(words: &[String], tables: &[String]) -> Option<(String, Vec<String>)> {
    let mut cuts = vec![];
    for k in 1..words.len() {
        if let Some(t) = table_named(&words[..k], tables) {
            cuts.push((t, words[k..].to_vec()));
        }
        if let Some(t) = table_named(&words[k..], tables) {
            cuts.push((t, words[..k].to_vec()));
        }
    }
    cuts.dedup();
    (cuts.len() == 1).then(|| cuts.remove(0))
}

/// A new table's name as the schema names its tables: when (nearly) all of them are plural —
/// Rails' convention — a singular name is made plural (`CreateGemDownload` → `gem_downloads`).
fn conventional_table(name: &str, tables: &[String]) -> String {
    let plural_tables = tables.iter().filter(|t| t.ends_with('s')).count();
    let rails_like = tables.len() >= 3 && plural_tables * 10 >= tables.len() * 8;
    if rails_like && !name.ends_with('s') && !tables.iter().any(|t| t == name) {
        plural(name)
    } else {
        name.to_string()
    }
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
pub(super) fn table_and_columns(
    words: &[String],
    tables: &[String],
) -> Option<(String, Vec<String>)> {
    if let Some(k) = words.iter().position(|w| w == "on" || w == "by") {
        return Some((table_text(&words[..k], tables), columns_of(&words[k + 1..])));
    }
    let k = (1..words.len())
        .rev()
        .find(|&k| table_named(&words[..k], tables).is_some())
        .unwrap_or(1);
    (k < words.len()).then(|| (table_text(&words[..k], tables), columns_of(&words[k..])))
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
    if verb_base(&words[0]).is_none() {
        return django_field(&words, tables, &specs);
    }
    if let Some(c) = super::name_constraints::canonical(&words, tables, &specs) {
        return Some(c);
    }
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
    // `key`, `check`, `limit`, `cache` end real column names too (`display_key`,
    // `scheduled_check`): vague alone or after `foreign`/`primary`/`unique`/`null`/`counter`.
    const ALSO_COLUMN_ENDS: &[&str] = &["key", "keys", "check", "limit", "cache", "caches"];
    const QUALIFIERS: &[&str] = &["foreign", "primary", "unique", "null", "counter", "not"];
    let vague = |cols: &[String]| {
        let n = cols.len();
        cols.last().is_some_and(|w| {
            NOT_A_COLUMN.contains(&w.as_str())
                && (!ALSO_COLUMN_ENDS.contains(&w.as_str())
                    || n == 1
                    || QUALIFIERS.contains(&cols[n - 2].as_str()))
        })
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
            let Some(i) = find("to").or_else(|| find("for")) else {
                // `AddAccountMode`: no `to`, the table is among the words.
                let (table, cols) = split_table(&words[1..], tables)?;
                if vague(&cols) || cols.first().is_some_and(|w| w == "index") {
                    return None;
                }
                return Some(format!("add {} to {table}", specs_or(columns_of(&cols))));
            };
            let (cols, table) = (&words[1..i], &words[i + 1..]);
            if table.is_empty() || (cols.is_empty() && specs.is_empty()) {
                return None;
            }
            let has_index = cols.iter().any(|w| w == "index");
            let unique = has_index && cols.first().is_some_and(|w| w == "unique" || w == "uniq");
            let cols = &cols[usize::from(unique)..];
            // `AddTransactionMemoUniqueIndexToX`: `unique` just before the closing `index`.
            let n = cols.len();
            let (unique, cols) = if n >= 3
                && cols[n - 1] == "index"
                && (cols[n - 2] == "unique" || cols[n - 2] == "uniq")
            {
                let mut v = cols[..n - 2].to_vec();
                v.push("index".into());
                (true, v)
            } else {
                (unique, cols.to_vec())
            };
            let cols = &cols[..];
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
            // `AddSlugToCasaOrgsAndCasaCases`: the same columns on each known table.
            let parts: Vec<&[String]> = table.split(|w| w == "and").collect();
            if parts.len() > 1 && parts.iter().all(|p| table_named(p, tables).is_some()) {
                let cols = specs_or(columns_of(cols));
                let each: Vec<String> = parts
                    .iter()
                    .map(|p| format!("add {cols} to {}", table_text(p, tables)))
                    .collect();
                return Some(each.join(" and "));
            }
            let table = table_text(table, tables);
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
            // `AddUserToEvents` (Rails' `add_reference`): the column names a table.
            if specs.is_empty() && !cols.contains(&"and".to_string()) {
                if let Some(target) = table_named(cols, tables) {
                    if !tables.contains(&cols.join("_")) || target != cols.join("_") {
                        return Some(format!(
                            "add reference to {target} on {table} as {}_id",
                            cols.join("_")
                        ));
                    }
                }
            }
            Some(format!("add {} to {table}", specs_or(columns_of(cols))))
        }
        "remove" | "drop" | "delete" => match find("from").or_else(|| find("on")) {
            Some(i) => {
                let (cols, table) = (&words[1..i], &words[i + 1..]);
                if cols.is_empty() || table.is_empty() {
                    return None;
                }
                if cols.first().is_some_and(|w| w == "index") {
                    let after: Vec<String> = cols[1..]
                        .iter()
                        .skip_while(|w| *w == "on" || *w == "for")
                        .cloned()
                        .collect();
                    let (table, columns) = if after.is_empty() {
                        table_and_columns(table, tables)?
                    } else {
                        (table_text(table, tables), columns_of(&after))
                    };
                    return Some(format!("remove index on {table}({})", columns.join(", ")));
                }
                if cols.len() > 1 && cols.last().is_some_and(|w| w == "index") {
                    // `RemoveKeyIndexFromApiKeys`
                    let columns = columns_of(&cols[..cols.len() - 1]);
                    let table = table_text(table, tables);
                    return Some(format!("remove index on {table}({})", columns.join(", ")));
                }
                let table = table_text(table, tables);
                if cols == ["timestamps"] {
                    return Some(format!("remove created_at and updated_at from {table}"));
                }
                let mut cols = cols;
                if cols.len() > 1 && cols.last().is_some_and(|w| w == "column" || w == "columns") {
                    cols = &cols[..cols.len() - 1];
                }
                Some(format!(
                    "remove {} from {table}",
                    specs_or(columns_of(cols))
                ))
            }
            None if specs.is_empty() => {
                let mut t = &words[1..];
                if t.last().is_some_and(|w| w == "table") {
                    t = &t[..t.len() - 1];
                }
                if t.is_empty() {
                    return None;
                }
                // `RemoveAnnouncements` / `remove_menu_json_content` (Django): a known table,
                // or a known table and the columns of it.
                if let Some(table) = table_named(t, tables) {
                    return Some(format!("drop table {table}"));
                }
                if let Some((table, cols)) = split_table(t, tables) {
                    if !vague(&cols) && cols.first().is_some_and(|w| w != "index") {
                        return Some(format!(
                            "remove {} from {table}",
                            columns_of(&cols).join(" and ")
                        ));
                    }
                }
                (words[0] == "drop").then(|| format!("drop table {}", t.join("_")))
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
            let table = conventional_table(&t.join("_"), tables);
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
            let in_at = after.iter().position(|w| w == "in" || w == "on");
            // `RenameImportRawCsvStrToRawFileStr`: a known table, then the column.
            if in_at.is_none() && table_named(&words[1..i], tables).is_none() {
                let k = (2..i)
                    .rev()
                    .find(|&k| table_named(&words[1..k], tables).is_some());
                if let Some(k) = k {
                    let table = table_named(&words[1..k], tables)?;
                    return Some(format!(
                        "rename column {} to {} in {table}",
                        words[k..i].join("_"),
                        after.join("_")
                    ));
                }
            }
            if in_at.is_none() {
                let to = conventional_table(&after.join("_"), tables);
                return Some(format!("rename table {from} to {to}"));
            }
            match in_at {
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

/// A name without a verb, as Django's `makemigrations` writes for one added field:
/// `<model>_<field>` (`page_draft_title` → "add draft_title to wagtailcore_page"), where the
/// model names exactly one table; `_and_more` (Django's "and other operations") is dropped.
fn django_field(words: &[String], tables: &[String], specs: &[&str]) -> Option<String> {
    let mut w = words;
    if w.ends_with(&["and".to_string(), "more".to_string()]) {
        w = &w[..w.len() - 2];
    }
    if !specs.is_empty() || w.len() < 2 {
        return None;
    }
    let k = (1..w.len()).find(|&k| table_named(&w[..k], tables).is_some())?;
    let table = table_named(&w[..k], tables)?;
    let column = w[k..].join("_");
    // `<model>_<index name>` (AddIndex) and `<model>_<constraint>` are not fields.
    const NOT_FIELDS: &[&str] = &[
        "idx",
        "index",
        "unique",
        "uniq",
        "constraint",
        "options",
        "managers",
        "table",
        "together",
    ];
    if w[k..].iter().any(|x| NOT_FIELDS.contains(&x.as_str())) {
        return None;
    }
    Some(format!("add {column} to {table}"))
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

    /// Forms met in the real-name corpus (BENCHMARKS.md, "Real migration names against what
    /// their files do").
    #[test]
    fn real_app_name_forms() {
        let t = &[
            "users",
            "accounts",
            "versions",
            "rubygems",
            "announcements",
            "casa_orgs",
            "casa_cases",
            "partners",
            "api_keys",
            "referral_links",
            "ledger_items",
            "wagtailcore_page",
            "wagtailcore_site",
            "menu_menu",
        ];
        for (name, want) in [
            ("page_draft_title", "add draft_title to wagtailcore_page"),
            ("webhook_identifier_and_more", "none"),
            (
                "remove_menu_json_content",
                "remove json_content from menu_menu",
            ),
            ("add_site_name", "add name to wagtailcore_site"),
            ("AddAccountMode", "add mode to accounts"),
            ("AddsIssuedAtToUsers", "add issued_at to users"),
            (
                "AddNotesAndQuotaForPartners",
                "add notes and quota to partners",
            ),
            ("RemoveAnnouncements", "drop table announcements"),
            ("RemoveRubygemsDownloads", "remove downloads from rubygems"),
            (
                "AddUserToAccounts",
                "add reference to users on accounts as user_id",
            ),
            (
                "AddSlugToCasaOrgsAndCasaCases",
                "add slug to casa_orgs and add slug to casa_cases",
            ),
            ("AddDisplayKeyToApiKeys", "add display_key to api_keys"),
            ("DeviseCreateUsers", "create table users"),
            ("RemoveKeyIndexFromApiKeys", "remove index on api_keys(key)"),
            (
                "MakeSlugNullableOnReferralLinks",
                "make referral_links.slug nullable",
            ),
            (
                "ChangeUsersEmailToText",
                "change type of users.email to text",
            ),
            (
                "AddStatusNotNullCheckToLedgerItems",
                "add check constraint status is not null on ledger_items",
            ),
        ] {
            let got = canonical(name, t).unwrap_or_else(|| "none".into());
            assert_eq!(got, want, "{name}");
        }
        // Rails' plural tables: a new table follows them; not when the schema's are singular.
        let rails = &["users", "accounts", "versions"];
        assert_eq!(
            canonical("CreateGemDownload", rails).as_deref(),
            Some("create table gem_downloads")
        );
        let django = &["blog_post", "blog_page", "auth_user"];
        assert_eq!(
            canonical("CreateGemDownload", django).as_deref(),
            Some("create table gem_download")
        );
        // Two cuts fit (`rubygems.version`, `versions.rubygems_version`): not read.
        assert_eq!(canonical("AddRubygemsVersion", t), None);
    }
}
