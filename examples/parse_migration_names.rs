//! Reads migration file names (one per line on stdin, e.g. `20160223165723_add_url_to_statuses.rb`)
//! and runs each name — without its timestamp and extension — through migsmith's description
//! reader (`intent::interpret`, no schema). Prints one line per name (`ok`/`no`, the name, what
//! it was read as or why not) and a summary. Used by `scripts/real-migration-names.sh`.

use migsmith::intent::{interpret, Intent};
use std::io::BufRead;

fn kind(i: &Intent) -> String {
    let v = serde_json::to_value(i).unwrap_or_default();
    v["intent"].as_str().unwrap_or("?").to_string()
}

fn main() {
    let (mut total, mut parsed, mut verb_total, mut verb_parsed) = (0, 0, 0, 0);
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let file = line.trim().rsplit('/').next().unwrap_or("").to_string();
        // `…_add_x_to_y.maintenance_tasks.rb` (an engine's migration): the name is before the dot.
        let stem = file.split('.').next().unwrap_or("");
        let name = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
        if name.is_empty() {
            continue;
        }
        total += 1;
        let verb = ["add_", "remove_", "create_", "drop_", "rename_", "delete_"]
            .iter()
            .any(|v| name.starts_with(v));
        verb_total += usize::from(verb);
        match interpret(name, &[]) {
            Ok(r) if !r.intents.is_empty() => {
                parsed += 1;
                verb_parsed += usize::from(verb);
                let kinds: Vec<String> = r.intents.iter().map(kind).collect();
                let read = r.notes.first().cloned().unwrap_or_default();
                println!("ok\t{name}\t{}\t{read}", kinds.join(","));
            }
            Ok(_) => println!("no\t{name}\t(nothing)"),
            Err(e) => println!("no\t{name}\t{e}"),
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "summary\t{parsed}/{total} names parse into an operation ({:.1}%); \
         of the {verb_total} that start with add_/remove_/create_/drop_/rename_/delete_: {verb_parsed} ({:.1}%)",
        pct(parsed, total),
        pct(verb_parsed, verb_total)
    );
}
