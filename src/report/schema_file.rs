//! The report section for a framework's schema file that changes with the migration (Prisma's
//! `schema.prisma`): a unified diff, what the file cannot express, and whether it was written.

use super::Report;
use std::fmt::Write;

/// `## schema.prisma change` sections, one per schema file (empty when there is none).
pub fn section(r: &Report) -> String {
    let mut out = String::new();
    for change in r.schema_changes {
        let file = change.path.rsplit('/').next().unwrap_or(&change.path);
        let _ = writeln!(out, "## {file} change\n");
        if change.diff.is_empty() {
            let _ = writeln!(out, "`{}` needs no change.\n", change.path);
        } else {
            let state = if r.schema_written {
                "Written (`--write-schema`)".to_string()
            } else {
                format!(
                    "Not written: run again with `--write-schema` to apply it to `{}`, or apply it by hand",
                    change.path
                )
            };
            let _ = writeln!(out, "{state}.\n\n```diff\n{}```\n", change.diff);
        }
        for note in &change.notes {
            let _ = writeln!(out, "- Note: {note}");
        }
        if !change.notes.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "---\n");
    }
    out
}
