//! golang-migrate: `<version>_<title>.up.sql` / `.down.sql`. The version is a timestamp, or the
//! next sequence number when the directory already uses `migrate create -seq` numbers
//! (`000007_x.up.sql`). golang-migrate sends a file as one query, so every statement of a
//! non-transactional phase (`CREATE INDEX CONCURRENTLY`) is alone in its file.

use super::sql_files::{files_dir, next_timestamps, units, up_down_pair, Batching};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;
use std::path::Path;

/// golang-migrate's up/down file pairs.
pub struct GolangMigrate;

impl Renderer for GolangMigrate {
    fn name(&self) -> &'static str {
        "golang-migrate"
    }

    fn display_name(&self) -> &'static str {
        "golang-migrate"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "migrations"
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let units = units(plan, Batching::OneQuery);
        let versions = match sequence(&cx.project_dir.join(&cx.migrations_dir)) {
            Some((last, width)) => (1..=units.len() as u64)
                .map(|k| format!("{:0width$}", last + k))
                .collect(),
            None => next_timestamps(cx, units.len()),
        };
        units
            .iter()
            .zip(versions)
            .flat_map(|(unit, version)| {
                up_down_pair(plan, unit, cx, &format!("{version}_{}", unit.name), None)
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let n = files.iter().filter(|f| f.path.ends_with(".up.sql")).count();
        let location = files_dir(files);
        FrameworkCommands {
            apply: vec![format!(
                "migrate -path {location} -database \"$DATABASE_URL\" up {n}"
            )],
            rollback: vec![format!(
                "migrate -path {location} -database \"$DATABASE_URL\" down {n}"
            )],
        }
    }
}

/// `(highest, width)` when the directory's versions are sequence numbers (shorter than a
/// timestamp), e.g. `000007_x.up.sql` → `(7, 6)`.
fn sequence(dir: &Path) -> Option<(u64, usize)> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut best: Option<(u64, usize)> = None;
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((version, _)) = name.split_once('_') else {
            continue;
        };
        if version.is_empty() || version.len() >= 14 || !version.bytes().all(|b| b.is_ascii_digit())
        {
            continue;
        }
        let n: u64 = version.parse().ok()?;
        if best.is_none_or(|(b, _)| n > b) {
            best = Some((n, version.len()));
        }
    }
    best
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn sequence_numbers_keep_their_width() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(sequence(dir.path()), None);
        std::fs::write(dir.path().join("000002_b.up.sql"), "").unwrap();
        std::fs::write(dir.path().join("000001_a.up.sql"), "").unwrap();
        assert_eq!(sequence(dir.path()), Some((2, 6)));
    }
}
