//! The real-migration-name corpus: build it from checked-out Rails and Django applications,
//! or score it. Run through `scripts/migration-corpus.sh`.
//!
//! ```text
//! cargo bench --bench migration_corpus -- build OUT.jsonl rails:NAME=DIR… django:NAME=DIR…
//! cargo bench --bench migration_corpus -- score CORPUS.jsonl [--details]
//! ```
//! Rails: DIR holds `db/migrate/*.rb`, read in file-name (timestamp) order. Django: DIR is the
//! directory of `manage.py` (or the repository root), replayed with migsmith's static reader.

mod corpus;
mod django;
mod rails;

use corpus::Entry;
use std::path::Path;

fn rails_entries(app: &str, dir: &Path) -> Vec<Entry> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("db/migrate"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "rb"));
    files.sort();
    files
        .iter()
        .filter_map(|p| {
            let src = std::fs::read_to_string(p).ok()?;
            let (class, ops) = rails::read(&src);
            let stem = p.file_stem()?.to_string_lossy().to_string();
            let stem = stem.split('.').next().unwrap_or(&stem).to_string();
            let name = class.unwrap_or_else(|| {
                stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_')
                    .to_string()
            });
            Some(Entry {
                app: app.into(),
                framework: "rails".into(),
                label: String::new(),
                name,
                ops,
            })
        })
        .collect()
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("build") => {
            let out = &args[1];
            let mut lines = String::new();
            for spec in &args[2..] {
                let (fw, rest) = spec
                    .split_once(':')
                    .expect("rails:NAME=DIR or django:NAME=DIR");
                let (app, dir) = rest.split_once('=').expect("NAME=DIR");
                let entries = match fw {
                    "rails" => rails_entries(app, Path::new(dir)),
                    "django" => django::entries(app, Path::new(dir)),
                    other => panic!("unknown framework {other}"),
                };
                eprintln!("{app}: {} migrations", entries.len());
                for e in entries {
                    lines.push_str(&serde_json::to_string(&e).expect("json"));
                    lines.push('\n');
                }
            }
            std::fs::write(out, lines).expect("write corpus");
        }
        Some("score") => {
            let text = std::fs::read_to_string(&args[1]).expect("read corpus");
            let details = args.iter().any(|a| a == "--details");
            let entries = corpus::read_jsonl(&text);
            let scored = corpus::score(&entries);
            if details {
                for s in &scored {
                    let verdict = match (&s.informative, s.grade.column) {
                        (Err(_), _) => "uninf",
                        (Ok(_), true) => "right",
                        (Ok(_), false) => "WRONG",
                    };
                    let truth =
                        serde_json::to_string(&corpus::main_ops(&s.entry.ops)).unwrap_or_default();
                    let got = match &s.predicted {
                        Ok(p) => serde_json::to_string(&corpus::main_ops(p)).unwrap_or_default(),
                        Err(e) => format!("error: {e}"),
                    };
                    let why = s.informative.as_ref().err().cloned().unwrap_or_default();
                    println!(
                        "{verdict}\t{}\t{}\t{}\t{why}\ttruth={truth}\tgot={got}",
                        s.entry.app, s.kind, s.entry.name
                    );
                }
            }
            println!("| kind | names | informative | op right | table right | column right |");
            println!("|---|---:|---:|---:|---:|---:|");
            let rows = corpus::table(&scored);
            for (k, r) in rows
                .iter()
                .filter(|(k, _)| *k != "all")
                .chain(rows.iter().filter(|(k, _)| *k == "all"))
            {
                println!(
                    "| {k} | {} | {} | {} ({}) | {} ({}) | {} ({}) |",
                    r.names,
                    r.informative,
                    r.op,
                    pct(r.op, r.informative),
                    r.table,
                    pct(r.table, r.informative),
                    r.column,
                    pct(r.column, r.informative)
                );
            }
        }
        _ => eprintln!(
            "usage: migration_corpus build OUT rails:NAME=DIR… | score CORPUS [--details]"
        ),
    }
}
