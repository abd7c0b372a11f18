//! Bad schema files through the CLI: binary, not UTF-8, truncated mid-statement, and larger
//! than the input limit (a real 100 MB file) each give a clear error and exit 2, write
//! nothing, and never panic or run out of memory.

use std::path::Path;
use std::process::{Command, Output};

fn migsmith(dir: &Path, schema: &str, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(["generate", "add nickname to members", "--schema", schema])
        .args(["--framework", "sql"])
        .env("MIGSMITH_NOW", "2026-12-03T12:00:00Z")
        .env_remove("MIGSMITH_MAX_INPUT_BYTES")
        .envs(env.iter().copied())
        .output()
        .expect("run migsmith")
}

fn refused(dir: &Path, schema: &str, env: &[(&str, &str)], says: &[&str]) {
    let out = migsmith(dir, schema, env);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{schema}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for s in says {
        assert!(err.contains(s), "{schema}: `{s}` not in {err}");
    }
    assert!(!dir.join("migrations").exists(), "nothing is written");
}

const SAAS: &str = include_str!("../examples/saas.sql");

#[test]
fn binary_and_non_utf8_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut binary = SAAS.as_bytes()[..200].to_vec();
    binary.extend_from_slice(&[0, 1, 2, 0xff, 0]);
    std::fs::write(dir.path().join("binary.sql"), &binary).unwrap();
    refused(
        dir.path(),
        "binary.sql",
        &[],
        &[
            "binary.sql",
            "binary, not a text schema",
            "NUL byte at byte 200",
        ],
    );
    let mut latin1 = SAAS.as_bytes().to_vec();
    latin1.extend_from_slice(b"COMMENT ON TABLE members IS 'caf\xe9';\n");
    std::fs::write(dir.path().join("latin1.sql"), &latin1).unwrap();
    refused(
        dir.path(),
        "latin1.sql",
        &[],
        &["not UTF-8 text", &format!("at byte {}", SAAS.len() + 32)],
    );
}

#[test]
fn a_file_truncated_mid_statement_is_a_syntax_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cut = SAAS.find("CREATE TABLE tasks").expect("tasks in saas.sql") + 40;
    std::fs::write(dir.path().join("cut.sql"), &SAAS[..cut]).unwrap();
    let line = SAAS[..cut].lines().count();
    refused(
        dir.path(),
        "cut.sql",
        &[],
        &[&format!("cut.sql:{line}"), "syntax error"],
    );
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // A real 100 MB dump: the schema, then comments.
    let path = dir.path().join("huge.sql");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(SAAS.as_bytes()).unwrap();
        let line = format!("-- {}\n", "x".repeat(1020));
        for _ in 0..100 * 1024 {
            f.write_all(line.as_bytes()).unwrap();
        }
    }
    assert!(std::fs::metadata(&path).unwrap().len() > 100 << 20);
    refused(
        dir.path(),
        "huge.sql",
        &[],
        &[
            "huge.sql",
            "100.0 MiB",
            "64.0 MiB limit",
            "MIGSMITH_MAX_INPUT_BYTES",
        ],
    );
    // The limit is configurable, both ways.
    std::fs::write(dir.path().join("saas.sql"), SAAS).unwrap();
    refused(
        dir.path(),
        "saas.sql",
        &[("MIGSMITH_MAX_INPUT_BYTES", "1K")],
        &["1.5 KiB", "1.0 KiB limit"],
    );
    let out = migsmith(
        dir.path(),
        "saas.sql",
        &[("MIGSMITH_MAX_INPUT_BYTES", "2048")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn schema_cmd(dir: &Path, framework: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(["schema", "--framework", framework])
        .env_remove("MIGSMITH_MAX_INPUT_BYTES")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith")
}

/// `schema.rb` and `schema.prisma` cut off inside a block: an error naming the open block,
/// not a schema that silently lacks the rest; a binary one is refused like a dump.
#[test]
fn truncated_and_binary_schema_rb_and_schema_prisma_are_clear_errors() {
    let rb = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/schema.rb"),
    )
    .unwrap();
    let prisma = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/prisma/schema.prisma"),
    )
    .unwrap();
    let cases: [(&str, &str, &str, &str, &str); 2] = [
        (
            "rails",
            "db/schema.rb",
            rb.as_str(),
            "t.decimal \"price\"",
            "create_table \"posts\"",
        ),
        (
            "prisma",
            "prisma/schema.prisma",
            prisma.as_str(),
            "title ",
            "model posts {",
        ),
    ];
    for (framework, file, full, cut_before, open) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, full).unwrap();
        let whole = schema_cmd(dir.path(), framework);
        assert!(
            whole.status.success(),
            "{}",
            String::from_utf8_lossy(&whole.stderr)
        );
        let cut = full.find(cut_before).unwrap();
        std::fs::write(&path, &full[..cut]).unwrap();
        let out = schema_cmd(dir.path(), framework);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains(open) && err.contains("it looks truncated"),
            "{file}: {err}"
        );
        std::fs::write(&path, [full.as_bytes(), b"\0\x01"].concat()).unwrap();
        let out = schema_cmd(dir.path(), framework);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains("binary"), "{file}: {err}");
    }
}

/// A Django migration file that is binary (or over the limit) stops the static reader with
/// the file named: leaving it out would give a schema the project does not have.
#[test]
fn a_binary_or_oversized_django_migration_is_a_clear_error() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/django/nested");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture, dir.path());
    let whole = schema_cmd(dir.path(), "django");
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    let migration = dir
        .path()
        .join("shopproj/catalog/migrations/0002_changes.py");
    let text = std::fs::read(&migration).unwrap();
    std::fs::write(&migration, [text.as_slice(), b"\0\x01"].concat()).unwrap();
    let out = schema_cmd(dir.path(), "django");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("0002_changes.py") && err.contains("binary"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    std::fs::write(&migration, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir.path())
        .args(["schema", "--framework", "django"])
        .env("MIGSMITH_MAX_INPUT_BYTES", "64")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("MIGSMITH_MAX_INPUT_BYTES"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
