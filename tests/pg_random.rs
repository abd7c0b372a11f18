//! Random descriptions against the real server: whatever plan migsmith makes for the fixture
//! (empty tables, so every down can restore the schema exactly), up applies, down brings the
//! catalog back exactly, and up again gives the same catalog as the first time.

mod common;

use chrono::TimeZone;
use common::clauses::clause;
use common::{assert_same_schema, TestDb};
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::render::write_files;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn run(description: &str) -> Result<(), TestCaseError> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql");
    let project = tempfile::tempdir().unwrap();
    let opts = GenerateOptions {
        migrations_dir: PathBuf::from("migrations"),
        now: chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap(),
        ..GenerateOptions::new(
            description,
            SchemaSource::Dump(fixture.clone()),
            project.path(),
        )
    };
    let Ok(generated) = generate(&opts) else {
        return Ok(());
    };
    let Some(db) = TestDb::create("random") else {
        return Ok(());
    };
    db.psql_file(&fixture).unwrap();
    let before = db.snapshot();
    write_files(project.path(), &generated.files).unwrap();
    let files = |suffix: &str| -> Vec<PathBuf> {
        generated
            .files
            .iter()
            .filter(|f| f.path.ends_with(suffix))
            .map(|f| project.path().join(&f.path))
            .collect()
    };
    let (ups, mut downs) = (files(".up.sql"), files(".down.sql"));
    downs.reverse();
    let apply = |paths: &[PathBuf], what: &str| -> Result<(), TestCaseError> {
        for p in paths {
            db.psql_file(p)
                .map_err(|e| TestCaseError::fail(format!("{description}: {what}: {e}")))?;
        }
        Ok(())
    };
    apply(&ups, "up")?;
    let after_up = db.snapshot();
    apply(&downs, "down")?;
    assert_same_schema(
        &format!("{description}: after down"),
        &before,
        &db.snapshot(),
    );
    apply(&ups, "up again")?;
    assert_same_schema(
        &format!("{description}: up again"),
        &after_up,
        &db.snapshot(),
    );
    Ok(())
}

/// A fixed seed keeps CI deterministic; `PROPTEST_RNG_SEED=<n> PROPTEST_CASES=<n>` explores.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(48);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(20261122);
    }
    config
}

proptest! {
    // Each case that plans costs a throwaway database and a few psql runs (~0.3 s).
    #![proptest_config(config())]

    #[test]
    fn random_plans_round_trip_on_postgres(clauses in prop::collection::vec(clause(), 1..4)) {
        run(&clauses.join(" and "))?;
    }
}
