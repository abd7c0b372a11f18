//! `migsmith schema` in text form: one block per table, as a person reads a schema.

use migsmith::dialect::postgres::quote_ident;
use migsmith::schema::{IndexKey, RowsSource, Schema};
use std::fmt::Write;

pub fn render(schema: &Schema, from: &str) -> String {
    let mut out = format!("-- {from}\n");
    for (key, t) in &schema.tables {
        let size = t.stats.map(stats_text).unwrap_or_default();
        let _ = writeln!(out, "\ntable {key}{size}");
        if let Some(c) = &t.comment {
            let _ = writeln!(out, "  -- {c}");
        }
        let o = &t.options;
        let engine_options: Vec<String> = [
            o.engine.as_ref().map(|e| format!("ENGINE={e}")),
            o.charset.as_ref().map(|c| format!("CHARSET={c}")),
            o.collation.as_ref().map(|c| format!("COLLATE={c}")),
            o.row_format.as_ref().map(|r| format!("ROW_FORMAT={r}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !engine_options.is_empty() {
            let _ = writeln!(out, "  -- {}", engine_options.join(" "));
        }
        let width = t.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &t.columns {
            let mut line = format!("  {:width$}  {}", c.name, c.data_type);
            if let Some(id) = c.identity {
                let _ = write!(
                    line,
                    " identity ({})",
                    if id == migsmith::schema::Identity::Always {
                        "always"
                    } else {
                        "by default"
                    }
                );
            }
            let o = &c.options;
            if let Some(cs) = &o.charset {
                let _ = write!(line, " CHARACTER SET {cs}");
            }
            if let Some(co) = &o.collation {
                let _ = write!(line, " COLLATE {co}");
            }
            if let Some(g) = &o.generated {
                let kind = if g.stored { "STORED" } else { "VIRTUAL" };
                let _ = write!(line, " GENERATED ALWAYS AS ({}) {kind}", g.expression);
            }
            if !c.nullable {
                line.push_str(" NOT NULL");
            }
            if let Some(d) = &c.default {
                let _ = write!(line, " DEFAULT {d}");
            }
            if let Some(u) = &o.on_update {
                let _ = write!(line, " ON UPDATE {u}");
            }
            if o.auto_increment {
                line.push_str(" AUTO_INCREMENT");
            }
            if let Some(cm) = &c.comment {
                let _ = write!(line, "  -- {cm}");
            }
            let _ = writeln!(out, "{line}");
        }
        if let Some(pk) = &t.primary_key {
            let _ = writeln!(out, "  primary key {} ({})", pk.name, pk.columns.join(", "));
        }
        for u in &t.unique_constraints {
            let _ = writeln!(out, "  unique {} ({})", u.name, u.columns.join(", "));
        }
        for c in &t.check_constraints {
            let _ = writeln!(
                out,
                "  check {} ({}){}",
                c.name,
                c.expression,
                if c.validated { "" } else { " NOT VALID" }
            );
        }
        for x in &t.exclusion_constraints {
            let elems: Vec<String> = x
                .elements
                .iter()
                .map(|e| format!("{} with {}", key_text(&e.key), e.operator))
                .collect();
            let _ = writeln!(
                out,
                "  exclude {} using {} ({}){}",
                x.name,
                x.method,
                elems.join(", "),
                x.predicate
                    .as_ref()
                    .map(|p| format!(" where {p}"))
                    .unwrap_or_default()
            );
        }
        for fk in &t.foreign_keys {
            let _ = writeln!(
                out,
                "  foreign key {} ({}) → {} ({}) on delete {}",
                fk.name,
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", "),
                fk.on_delete.sql().to_lowercase()
            );
        }
        for i in &t.indexes {
            let keys: Vec<String> = i
                .columns
                .iter()
                .map(|k| match k {
                    IndexKey::Column(c) => match i.prefix_lengths.get(c) {
                        Some(n) => format!("{}({n})", quote_ident(c)),
                        None => quote_ident(c),
                    },
                    IndexKey::Expression { expression } => format!("({expression})"),
                })
                .collect();
            let _ = writeln!(
                out,
                "  {}index {} using {} ({}){}{}",
                if i.unique { "unique " } else { "" },
                i.name,
                i.method,
                keys.join(", "),
                i.predicate
                    .as_ref()
                    .map(|p| format!(" where {p}"))
                    .unwrap_or_default(),
                if t.invalid_indexes.contains(&i.name) {
                    "  -- INVALID: rebuild or drop it"
                } else {
                    ""
                }
            );
        }
    }
    for (key, e) in &schema.enums {
        let _ = writeln!(out, "\nenum {key}: {}", e.values.join(", "));
    }
    if !schema.dependencies.is_empty() {
        let _ = writeln!(
            out,
            "\n-- used by (checked when a column or table is dropped):"
        );
        for d in &schema.dependencies {
            let columns = if d.columns.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.columns.join(", "))
            };
            let may = if d.certain() { "uses" } else { "may use" };
            let _ = writeln!(
                out,
                "--   {} {may} {}{columns}",
                d.describe().replace('`', ""),
                d.table
            );
        }
    }
    if !schema.notes.is_empty() {
        let _ = writeln!(out, "\n-- not modelled:");
        for n in &schema.notes {
            let _ = writeln!(out, "--   {n}");
        }
    }
    out
}

fn key_text(k: &IndexKey) -> String {
    match k {
        IndexKey::Column(c) => quote_ident(c),
        IndexKey::Expression { expression } => format!("({expression})"),
    }
}

/// ` (~1200 rows, 96 kB table + 32 kB indexes)`: rows and, from a live database, sizes.
fn stats_text(s: migsmith::schema::TableStats) -> String {
    let approx = match s.rows_source {
        Some(RowsSource::Statistics) => "~",
        Some(RowsSource::SizeGuess) => "~",
        _ => "",
    };
    let mut text = format!(" ({approx}{} rows", s.rows);
    if s.rows_source == Some(RowsSource::SizeGuess) {
        text.push_str(", never analyzed: guessed from its size");
    }
    if let (Some(heap), Some(index)) = (s.heap_bytes, s.index_bytes) {
        let _ = write!(text, ", {} table + {} indexes", bytes(heap), bytes(index));
    }
    text.push(')');
    text
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}
