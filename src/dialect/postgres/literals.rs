//! Whether a constant fits a column type, for the types whose input syntax is certain
//! (integers, numeric, boolean, uuid, enums). A constant that cannot fit is caught when the
//! plan is made instead of when the migration runs; anything else is left to PostgreSQL.

use super::parse_expr;
use pg_query::protobuf::a_const::Val;
use pg_query::NodeEnum;

/// Why `expr` cannot be stored in a column of canonical type `data_type`, if it cannot.
/// `enum_values` are the labels when the type is an enum.
pub fn literal_mismatch(
    data_type: &str,
    expr: &str,
    enum_values: Option<&[String]>,
) -> Option<String> {
    let node = parse_expr(expr).ok()?;
    if let Some(result) = known_result_type(&node) {
        return (!super::casts::assignable(result, data_type))
            .then(|| format!("{expr} returns {result}; {data_type} cannot hold it"));
    }
    let NodeEnum::AConst(constant) = node else {
        return None;
    };
    let value = constant.val.as_ref()?;
    let base = data_type.split('(').next().unwrap_or(data_type);
    if data_type.ends_with("[]") {
        return None;
    }
    let integer_range = match base {
        "smallint" => Some((i16::MIN as i64, i16::MAX as i64)),
        "integer" => Some((i32::MIN as i64, i32::MAX as i64)),
        "bigint" => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    let bad = |what: &str| Some(format!("{expr} is not a valid {data_type}{what}"));
    match value {
        Val::Sval(s) => {
            let text = s.sval.trim();
            if let Some((lo, hi)) = integer_range {
                return match text.parse::<i64>() {
                    Ok(n) if (lo..=hi).contains(&n) => None,
                    Ok(_) => bad(" (out of range)"),
                    Err(_) => bad(""),
                };
            }
            match base {
                "numeric" | "real" | "double precision" => {
                    let ok = text.parse::<f64>().is_ok()
                        || ["nan", "infinity", "-infinity"].contains(&text.to_lowercase().as_str());
                    if ok {
                        None
                    } else {
                        bad("")
                    }
                }
                "boolean" => {
                    const WORDS: &[&str] = &[
                        "t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0",
                    ];
                    if WORDS.contains(&text.to_lowercase().as_str()) {
                        None
                    } else {
                        bad("")
                    }
                }
                "date" | "timestamp" | "timestamptz" | "time" | "timetz" => {
                    if looks_like_datetime(text) {
                        None
                    } else {
                        bad("")
                    }
                }
                "uuid" => {
                    let hex: String = text.chars().filter(|c| *c != '-').collect();
                    if hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                        None
                    } else {
                        bad("")
                    }
                }
                _ => match enum_values {
                    Some(values) if !values.iter().any(|v| v == &s.sval) => Some(format!(
                        "{expr} is not a value of enum {data_type} ({})",
                        values.join(", ")
                    )),
                    _ => None,
                },
            }
        }
        Val::Boolval(_) => match base {
            "boolean" | "text" | "varchar" | "char" => None,
            _ => Some(format!("{expr} is a boolean; {data_type} cannot hold it")),
        },
        Val::Ival(_) | Val::Fval(_) => match base {
            "boolean" | "uuid" | "date" | "timestamp" | "timestamptz" | "json" | "jsonb" => {
                Some(format!("{expr} is a number; {data_type} cannot hold it"))
            }
            _ if enum_values.is_some() => Some(format!(
                "{expr} is a number; enum {data_type} cannot hold it"
            )),
            _ => match (integer_range, value) {
                (Some((lo, hi)), Val::Ival(i)) if !(lo..=hi).contains(&(i.ival as i64)) => {
                    bad(" (out of range)")
                }
                _ => None,
            },
        },
        Val::Bsval(_) => None,
    }
}

/// A conservative test for date/time input: digits first, a month or weekday name, or one of
/// PostgreSQL's special values. It only rejects what is clearly not a date (`'x'`).
fn looks_like_datetime(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "now",
        "today",
        "tomorrow",
        "yesterday",
        "epoch",
        "infinity",
        "-infinity",
        "allballs",
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ];
    let lower = text.to_lowercase();
    lower.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
        || WORDS.iter().any(|w| lower.starts_with(w))
}

/// The result type of common functions used as defaults.
fn known_result_type(node: &NodeEnum) -> Option<&'static str> {
    match node {
        NodeEnum::FuncCall(call) => {
            let name = call.funcname.last().and_then(|n| match n.node.as_ref() {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            })?;
            Some(match name {
                "now" | "clock_timestamp" | "statement_timestamp" | "transaction_timestamp" => {
                    "timestamptz"
                }
                "gen_random_uuid" | "uuid_generate_v4" => "uuid",
                "random" => "double precision",
                _ => return None,
            })
        }
        NodeEnum::SqlvalueFunction(f) => {
            use pg_query::protobuf::SqlValueFunctionOp as Op;
            Some(match Op::try_from(f.op).ok()? {
                Op::SvfopCurrentDate => "date",
                Op::SvfopCurrentTimestamp | Op::SvfopCurrentTimestampN => "timestamptz",
                Op::SvfopLocaltimestamp | Op::SvfopLocaltimestampN => "timestamp",
                _ => return None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::literal_mismatch;

    #[test]
    fn catches_constants_that_cannot_fit() {
        let labels = vec!["draft".to_string(), "published".to_string()];
        for (ty, expr, enums) in [
            ("bigint", "'x'", None),
            ("integer", "'99999999999'", None),
            ("smallint", "70000", None),
            ("boolean", "'maybe'", None),
            ("boolean", "1", None),
            ("integer", "true", None),
            ("uuid", "'not-a-uuid'", None),
            ("numeric(10,2)", "'abc'", None),
            ("jsonb", "0", None),
            ("post_status", "'archived'", Some(labels.as_slice())),
            ("boolean", "now()", None),
            ("timestamptz", "'x'", None),
            ("integer", "gen_random_uuid()", None),
            ("boolean", "CURRENT_DATE", None),
        ] {
            assert!(literal_mismatch(ty, expr, enums).is_some(), "{ty} {expr}");
        }
        for (ty, expr, enums) in [
            ("bigint", "'42'", None),
            ("bigint", "0", None),
            ("boolean", "'yes'", None),
            ("boolean", "false", None),
            ("text", "0", None),
            ("text", "true", None),
            ("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", None),
            ("numeric(10,2)", "'1.5'", None),
            ("timestamptz", "now()", None),
            ("date", "now()", None),
            ("timestamptz", "'2026-01-01 10:00'", None),
            ("date", "'Jan 8 1999'", None),
            ("date", "'today'", None),
            ("text", "now()", None),
            ("uuid", "gen_random_uuid()", None),
            ("integer", "NULL", None),
            ("post_status", "'draft'", Some(labels.as_slice())),
        ] {
            assert_eq!(literal_mismatch(ty, expr, enums), None, "{ty} {expr}");
        }
    }
}
