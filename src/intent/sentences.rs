//! Sentences about a table or a column, read as canonical clauses (part of the vocabulary
//! layer, see `vocabulary`): `<t> needs a column called <c>`, `<t.c> should default to <v>`,
//! `<t.c> is required`, `<t> belongs to <u>`, `<t> should reference <u>`, `<t.c> should be
//! <type>`. Each rule returns the canonical text, or `None` when the clause is not its form.

use super::lexer;
use super::vocabulary::{Clause, ARTICLES, TYPE_WORDS};

/// Sentences about a table start with a table (or column) name, not a verb.
pub(super) fn starts_with_subject(c: &Clause) -> Option<usize> {
    let mut i = 0;
    while c.is(i, ARTICLES) && c.is_name(i + 1) {
        i += 1;
    }
    (c.is_name(i) && !c.is(i, lexer::VERBS)).then_some(i)
}

/// The subject of a sentence about a table: its start, its end, and where the verb starts
/// (after an optional `table`: `the members table needs …`).
pub(super) fn table_subject(c: &Clause) -> Option<(usize, usize, usize)> {
    let s = starts_with_subject(c)?;
    let end = s + c.dotted_len(s);
    Some((s, end, end + usize::from(c.is(end, &["table"]))))
}

/// Words that begin a column modifier; a `,` before one is only punctuation.
const MODIFIER_WORDS: &[&str] = &[
    "default",
    "not",
    "null",
    "nullable",
    "optional",
    "required",
    "unique",
    "references",
];

/// `<t> need(s)/should have/gets [a new column called] <c> [, <type>|of type <type>] …` →
/// `add <c> <type> … to <t>`; `<t> needs an index on <c>` → `add index to <t> on <c>`;
/// `we need …` → `add …`.
pub(super) fn needs_column(c: &Clause, _: &[String]) -> Option<String> {
    let (s, n_end, k) = table_subject(c)?;
    let verb_len = if c.is(k, &["need", "needs", "gets", "wants", "want", "requires"]) {
        1
    } else if c.is(k, &["should", "must", "will", "shall"]) && c.is(k + 1, &["have", "get"]) {
        2
    } else if c.is(k, &["has", "have"]) && !c.is(k + 1, &["many", "no", "to"]) {
        1
    } else {
        return None;
    };
    let table = c.text(s, n_end);
    let mut i = k + verb_len;
    if c.is(s, &["we", "i", "you", "they"]) && n_end == s + 1 {
        return (i < c.len()).then(|| format!("add {}", c.text(i, c.len())));
    }
    while c.is(i, ARTICLES) || c.is(i, &["column", "field", "columns", "fields"]) {
        i += 1;
    }
    if c.is(i, &["index"]) || c.seq(i, &["unique", "index"]) {
        let unique = if c.is(i, &["unique"]) { "unique " } else { "" };
        let at = i + 1 + unique.len().min(1);
        return Some(
            format!("add {unique}index to {table} {}", c.text(at, c.len()))
                .trim_end()
                .to_string(),
        );
    }
    if c.is(i, &["called", "named"]) {
        i += 1;
    }
    if !c.is_name(i) || c.is(i, &["to", "be", "not", "no"]) {
        return None;
    }
    let name = c.text(i, i + 1);
    let mut j = i + 1;
    if c.is(j, &["column", "field"]) {
        j += 1;
    }
    if c.punct(j, ",") && c.is_name(j + 1) && super::infer::sql_type(&c.w(j + 1)).is_ok() {
        j += 1;
    }
    if c.seq(j, &["of", "type"]) || c.seq(j, &["with", "type"]) {
        j += 2;
    } else if c.is(j, &["type"]) {
        j += 1;
    }
    // `…, integer, default 0, not null`: commas before a modifier are punctuation.
    let mut parts = Vec::new();
    let mut from = j;
    for p in j..c.len() {
        if c.punct(p, ",") && c.is(p + 1, MODIFIER_WORDS) {
            parts.push(c.text(from, p));
            from = p + 1;
        }
    }
    parts.push(c.text(from, c.len()));
    let rest = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Some(
        [format!("add {name}"), rest, format!("to {table}")]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Where a column reference ends and a sentence's verb begins: the first word in `verbs`.
fn subject_end(c: &Clause, verbs: &[&str]) -> Option<usize> {
    let s = starts_with_subject(c)?;
    (s + 1..c.len())
        .find(|&k| c.is(k, verbs))
        .map(|k| (s, k))
        .map(|(_, k)| k)
}

/// `<t.c> should default to <v>`, `<t.c> defaults to <v>`, `<t.c> should have no default`.
pub(super) fn should_default(c: &Clause, _: &[String]) -> Option<String> {
    let k = subject_end(
        c,
        &["should", "must", "will", "shall", "defaults", "default"],
    )?;
    let s = starts_with_subject(c)?;
    let column = c.text(s, k);
    let value_at = if c.is(k, &["defaults"]) && c.is(k + 1, &["to", "as"]) {
        k + 2
    } else if c.is(k + 1, &["default"]) && c.is(k + 2, &["to", "as"]) {
        k + 3
    } else if c.seq(k + 1, &["have", "no", "default"])
        || c.seq(k + 1, &["not", "have", "a", "default"])
    {
        return (k + 4 >= c.len() || c.is(k + 3, &["default"]))
            .then(|| format!("remove default from {column}"));
    } else {
        return None;
    };
    (value_at < c.len())
        .then(|| format!("set default of {column} to {}", c.text(value_at, c.len())))
}

/// `<t.c> is required / optional / unique`, `… should be nullable`, `… is no longer required`,
/// `… can be null`, `… cannot be null`, `… must not be null` → `make <t.c> …`.
pub(super) fn nullability_sentence(c: &Clause, _: &[String]) -> Option<String> {
    let k = subject_end(
        c,
        &[
            "is", "should", "must", "will", "needs", "has", "can", "may", "cannot", "becomes",
        ],
    )?;
    let s = starts_with_subject(c)?;
    let column = c.text(s, k);
    let mut i = k + 1;
    let mut negated = false;
    let can = c.is(k, &["can", "may"]);
    let cannot = c.is(k, &["cannot"]);
    if c.is(k, &["needs", "has"]) {
        if !c.seq(i, &["to", "be"]) {
            return None;
        }
        i += 2;
    } else if c.is(k, &["should", "must", "will", "can", "may", "cannot"]) {
        if c.is(i, &["not", "never"]) {
            negated = true;
            i += 1;
        }
        if !c.is(i, &["be"]) {
            return None;
        }
        i += 1;
    } else if c.is(k, &["is"]) {
        if c.is(i, &["not"]) && !c.is(i + 1, &["null"]) {
            negated = true;
            i += 1;
        } else if c.seq(i, &["no", "longer"]) {
            negated = true;
            i += 2;
        }
    }
    if i + 1 != c.len() && !c.seq(i, &["not", "null"]) && !c.seq(i, &["allowed", "to", "be"]) {
        return None;
    }
    let state = if c.seq(i, &["not", "null"]) {
        Some(true)
    } else if c.seq(i, &["allowed", "to", "be"]) && c.is(i + 3, &["null", "empty"]) {
        Some(false)
    } else if c.is(i, &["required", "mandatory"]) {
        Some(true)
    } else if c.is(i, &["optional", "nullable"]) {
        Some(false)
    } else if c.is(i, &["null", "empty", "blank", "missing"]) && (can || cannot || negated) {
        Some(cannot || negated)
    } else if c.is(i, &["unique"]) && !negated && !can && !cannot {
        return Some(format!("make {column} unique"));
    } else {
        return None;
    };
    let is_null_word = c.is(i, &["null", "empty", "blank", "missing"]);
    let not_null = match state {
        Some(v) if is_null_word => v,
        Some(v) => v != negated,
        None => return None,
    };
    Some(format!(
        "make {column} {}",
        if not_null { "not null" } else { "nullable" }
    ))
}

/// `<t> belongs to [a] <u> [on delete …]` → `add reference to <u> on <t> …`; `<t> has many <u>`
/// → `add reference to <t> on <u>`.
pub(super) fn belongs_to(c: &Clause, _: &[String]) -> Option<String> {
    let (s, end, k) = table_subject(c)?;
    let table = c.text(s, end);
    let (many, mut i) = if c.is(k, &["belongs", "belong"]) && c.is(k + 1, &["to"]) {
        (false, k + 2)
    } else if c.is(k, &["has", "have"]) && c.is(k + 1, &["many"]) {
        (true, k + 2)
    } else {
        return None;
    };
    while c.is(i, ARTICLES) && c.is_name(i + 1) {
        i += 1;
    }
    let n = c.dotted_len(i);
    if n == 0 {
        return None;
    }
    let other = c.text(i, i + n);
    let rest = c.text(i + n, c.len());
    let canonical = if many {
        format!("add reference to {table} on {other}")
    } else {
        format!("add reference to {other} on {table}")
    };
    Some(if rest.is_empty() {
        canonical
    } else {
        format!("{canonical} {rest}")
    })
}

/// `tasks should reference members` → `add reference to members on tasks`;
/// `tasks.assignee_id should reference members` → `add foreign key from tasks.assignee_id to
/// members`.
pub(super) fn should_reference(c: &Clause, _: &[String]) -> Option<String> {
    let (s, end, k) = table_subject(c)?;
    let verb = if c.is(k, &["should", "must", "will"]) && c.is(k + 1, &["reference", "point"]) {
        k + 2
    } else if c.is(k, &["references", "points"]) {
        k + 1
    } else {
        return None;
    };
    let at = verb + usize::from(c.is(verb, &["to", "at"]));
    let n = c.dotted_len(at);
    if n == 0 {
        return None;
    }
    let (subject, target, rest) = (c.text(s, end), c.text(at, at + n), c.text(at + n, c.len()));
    let canonical = if end - s >= 3 {
        format!("add foreign key from {subject} to {target}")
    } else {
        format!("add reference to {target} on {subject}")
    };
    Some(format!("{canonical} {rest}").trim_end().to_string())
}

/// `events.data should be text` → `change events.data to text` (a type word after `be`).
pub(super) fn should_be_type(c: &Clause, _: &[String]) -> Option<String> {
    let (s, end, k) = table_subject(c)?;
    if end - s < 3 {
        return None;
    }
    let at = if c.is(k, &["should", "must"]) && c.is(k + 1, &["be", "become"]) {
        k + 2
    } else if c.is(k, &["becomes"]) {
        k + 1
    } else {
        return None;
    };
    let at = at + usize::from(c.is(at, &["a", "an"]));
    let word = c.w(at);
    let head = word.split('(').next().unwrap_or("");
    (TYPE_WORDS.contains(&head) && at < c.len())
        .then(|| format!("change {} to {}", c.text(s, end), c.text(at, c.len())))
}
