//! A framework's schema file that changes together with its migrations (Prisma's
//! `schema.prisma`): the file's path, its text before and after, a unified diff for the report,
//! notes on what the file cannot express, and the atomic in-place write of `--write-schema`.

use super::{write_files, RenderedFile, WriteError};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The change to one schema file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaFileChange {
    /// Relative to the project root (`prisma/schema.prisma`).
    pub path: String,
    /// Unified diff (`--- a/…`, `+++ b/…`), empty when the plan does not change the file.
    pub diff: String,
    /// The whole file after the change.
    pub contents: String,
    /// What the file cannot express, or why it is not changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The text read (to refuse writing over a file that changed since).
    #[serde(skip)]
    pub original: String,
}

impl SchemaFileChange {
    /// A change from `original` to `contents`, with its diff.
    pub fn new(path: String, original: String, contents: String, notes: Vec<String>) -> Self {
        let diff = if original == contents {
            String::new()
        } else {
            similar::TextDiff::from_lines(&original, &contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string()
        };
        SchemaFileChange {
            path,
            diff,
            contents,
            notes,
            original,
        }
    }
}

/// Errors of `--write-schema`.
#[derive(Debug, thiserror::Error)]
pub enum SchemaWriteError {
    #[error("{0}")]
    Files(#[from] WriteError),
    #[error("{path} changed since migsmith read it; nothing was written — run again")]
    Changed { path: PathBuf },
    #[error("cannot update {path}: {source}; nothing was written")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Write the migration files, then replace each schema file atomically (a temporary file in
/// the same directory, renamed over it). All or nothing: schema files are checked first, and
/// when one cannot be replaced the migration files just written are removed again.
pub fn write_with_schema(
    root: &Path,
    files: &[RenderedFile],
    schema: &[SchemaFileChange],
) -> Result<Vec<PathBuf>, SchemaWriteError> {
    for change in schema {
        let path = root.join(&change.path);
        let now = std::fs::read_to_string(&path).map_err(|source| SchemaWriteError::Io {
            path: path.clone(),
            source,
        })?;
        if now != change.original {
            return Err(SchemaWriteError::Changed { path });
        }
    }
    let written = write_files(root, files)?;
    for change in schema.iter().filter(|c| !c.diff.is_empty()) {
        let path = root.join(&change.path);
        if let Err(source) = replace_atomically(&path, &change.contents) {
            for done in &written {
                let _ = std::fs::remove_file(done);
            }
            return Err(SchemaWriteError::Io { path, source });
        }
    }
    Ok(written)
}

fn replace_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod test {
    use super::*;

    fn change(original: &str, contents: &str) -> SchemaFileChange {
        SchemaFileChange::new(
            "prisma/schema.prisma".into(),
            original.into(),
            contents.into(),
            vec![],
        )
    }

    #[test]
    fn diff_is_unified_and_empty_without_change() {
        let c = change("a\nb\n", "a\nb\nc\n");
        assert!(c
            .diff
            .starts_with("--- a/prisma/schema.prisma\n+++ b/prisma/schema.prisma\n@@"));
        assert!(c.diff.contains("+c\n"));
        assert!(change("a\n", "a\n").diff.is_empty());
    }

    #[test]
    fn writes_schema_after_files_and_refuses_a_changed_schema() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("prisma")).unwrap();
        let schema = dir.path().join("prisma/schema.prisma");
        std::fs::write(&schema, "a\n").unwrap();
        let files = vec![RenderedFile {
            path: "prisma/migrations/1_x/migration.sql".into(),
            contents: "SELECT 1;\n".into(),
        }];
        let stale = change("other\n", "a\nb\n");
        assert!(matches!(
            write_with_schema(dir.path(), &files, &[stale]),
            Err(SchemaWriteError::Changed { .. })
        ));
        assert!(!dir.path().join(&files[0].path).exists());
        write_with_schema(dir.path(), &files, &[change("a\n", "a\nb\n")]).unwrap();
        assert_eq!(std::fs::read_to_string(&schema).unwrap(), "a\nb\n");
        // The migration exists now: a second run writes neither.
        let again = write_with_schema(dir.path(), &files, &[change("a\nb\n", "a\nb\nc\n")]);
        assert!(matches!(again, Err(SchemaWriteError::Files(_))));
        assert_eq!(std::fs::read_to_string(&schema).unwrap(), "a\nb\n");
    }
}
