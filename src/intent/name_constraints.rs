//! Migration names that change a column's nullability or type, or add a NOT NULL check:
//! `MakeSlugNullableOnReferralLinks`, `AllowNullForPayeeLegalEntity`,
//! `ChangeOrganizationIdToNullableForBarcodeItem`, `RemoveNotNullOnActiveStorageBlobsChecksum`,
//! `ChangeItemValueToInteger`, `AddEventAasmStateNotNullCheckConstraint`,
//! `AddStatusNotNullCheckToLedgerItems` — each in canonical form. Called by
//! `migration_names` with the name's words (verb first, lower case).
//!
//! A name that does not say which way (`ChangeUsersEmailNull`: to null, or to not null?) is
//! left alone.

use super::migration_names::table_and_columns;

/// Table and the one column from words naming both: `<cols> on|for|in|to <table>`, or a known
/// table followed by the column.
fn table_column(words: &[String], tables: &[String]) -> Option<(String, String)> {
    let sep = words
        .iter()
        .position(|w| ["on", "for", "in", "to", "of"].contains(&w.as_str()));
    let (table, cols) = match sep {
        Some(k) if k > 0 && k + 1 < words.len() => {
            // `<column> on <table>`, or `for <table> <column>` when the cut is the first word.
            let t = super::migration_names::table_named(&words[k + 1..], tables);
            match t {
                Some(t) => (t, vec![words[..k].join("_")]),
                None => table_and_columns(&words[k + 1..], tables).filter(|_| k == 0)?,
            }
        }
        Some(0) => table_and_columns(&words[1..], tables)?,
        _ => table_and_columns(words, tables)?,
    };
    match cols.as_slice() {
        [c] if !c.is_empty() && c != "and" => Some((table, c.clone())),
        _ => None,
    }
}

fn strip<'a>(words: &'a [String], tail: &[&str]) -> Option<&'a [String]> {
    let n = tail.len();
    (words.len() > n
        && words[words.len() - n..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b))
    .then(|| &words[..words.len() - n])
}

const TYPES: &[&str] = &[
    "integer", "bigint", "text", "string", "boolean", "decimal", "float", "date", "datetime",
    "json", "jsonb", "uuid", "citext", "numeric",
];

pub(super) fn canonical(words: &[String], tables: &[String], specs: &[&str]) -> Option<String> {
    if !specs.is_empty() {
        return None;
    }
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let rest = &words[1..];
    let nullable = |t: &str, c: &str| format!("make {t}.{c} nullable");
    let not_null = |t: &str, c: &str| format!("make {t}.{c} not null");
    match w[0] {
        // `MakeSlugNullableOnReferralLinks`, `MakeUsersEmailRequired`
        "make" => {
            let k = rest
                .iter()
                .position(|x| ["nullable", "optional", "required", "not"].contains(&x.as_str()))?;
            let not = matches!(rest[k].as_str(), "required" | "not");
            let mut cut: Vec<String> = rest[..k].to_vec();
            let after = &rest[k + 1..];
            let after = if rest[k] == "not" {
                after.strip_prefix(&["null".to_string()][..])?
            } else {
                after
            };
            cut.extend(after.iter().cloned());
            let (t, c) = table_column(&cut, tables)?;
            Some(if not {
                not_null(&t, &c)
            } else {
                nullable(&t, &c)
            })
        }
        // `AllowNullForPayeeLegalEntity`, `AllowNullOnUsersEmail`
        "allow" => {
            let r = rest.strip_prefix(&["null".to_string()][..])?;
            let (t, c) = table_column(r, tables)?;
            Some(nullable(&t, &c))
        }
        // `ChangeOrganizationIdToNullableForBarcodeItem`, `ChangeItemValueToInteger`,
        // `ChangeEventOnOrganizerPositionInviteToNotNull`
        "change" => {
            let to = rest.iter().rposition(|x| x == "to")?;
            let target: Vec<&str> = rest[to + 1..].iter().map(String::as_str).collect();
            // The words without `to <target>`, but keeping a `for/on <table>` after it.
            let (target_len, kind) = match target.as_slice() {
                ["nullable", ..] | ["null", ..] | ["optional", ..] => (1, "null"),
                ["not", "null", ..] | ["required", ..] => {
                    (if target[0] == "not" { 2 } else { 1 }, "not_null")
                }
                [ty, ..] if TYPES.contains(ty) => (1, "type"),
                _ => return None,
            };
            let mut cut: Vec<String> = rest[..to].to_vec();
            cut.extend(rest[to + 1 + target_len..].iter().cloned());
            let (t, c) = table_column(&cut, tables)?;
            Some(match kind {
                "null" => nullable(&t, &c),
                "not_null" => not_null(&t, &c),
                _ => format!("change type of {t}.{c} to {}", target[0]),
            })
        }
        // `RemoveNotNullOnActiveStorageBlobsChecksum`, `RemoveNotNullFromUsersEmail`
        "remove" | "drop" if rest.starts_with(&["not".to_string(), "null".to_string()]) => {
            let r = &rest[2..];
            let r = strip(r, &["constraint"]).unwrap_or(r);
            let (t, c) = table_column(r, tables)?;
            Some(nullable(&t, &c))
        }
        // `AddEventAasmStateNotNullCheckConstraint`, `AddStatusNotNullCheckToLedgerItems`,
        // `AddNullCheckConstraintToUsersEmail`
        "add" => {
            let i = w.iter().position(|x| *x == "null")?;
            let check = w.get(i + 1) == Some(&"check");
            if !check {
                return None;
            }
            let not_at = if i >= 2 && w[i - 1] == "not" {
                i - 1
            } else {
                i
            };
            let mut after = i + 2;
            if w.get(after) == Some(&"constraint") {
                after += 1;
            }
            let mut cut: Vec<String> = words[1..not_at].to_vec();
            cut.extend(words[after..].iter().cloned());
            let (t, c) = table_column(&cut, tables)?;
            Some(format!("add check constraint {c} is not null on {t}"))
        }
        _ => None,
    }
}
