//! The Markdown report, in the layout users know from the `/generate-migration` command.

use super::checks;
use super::Report;
use crate::analyze::human_seconds;
use crate::plan::ops::{DataLoss, Operation};
use std::fmt::Write;

/// Render the whole report.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    header(&mut out, r);
    summary(&mut out, r);
    impact(&mut out, r);
    files(&mut out, r);
    out.push_str(&super::schema_file::section(r));
    testing(&mut out, r);
    rollback(&mut out, r);
    verification(&mut out, r);
    if let Some(v) = r.verification {
        out.push_str(&super::verified::section(v));
    }
    monitoring(&mut out, r);
    next_steps(&mut out, r);
    out
}

fn title_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Add Column", "Add Column + Add Index".
fn change_types(r: &Report) -> String {
    let mut kinds: Vec<String> = vec![];
    for op in &r.plan.operations {
        let name = op
            .name()
            .split('_')
            .map(title_case)
            .collect::<Vec<_>>()
            .join(" ");
        if !kinds.contains(&name) {
            kinds.push(name);
        }
    }
    kinds.join(" + ")
}

fn sizes_note(r: &Report) -> String {
    let known: Vec<String> = r
        .analysis
        .locks
        .iter()
        .filter_map(|l| l.rows.map(|n| format!("{n} rows in `{}`", l.table)))
        .collect();
    known.join(", ")
}

fn header(out: &mut String, r: &Report) {
    let _ = writeln!(out, "# Migration: {}\n", title_case(&r.plan.description));
    let _ = writeln!(
        out,
        "**Generated**: {}  ",
        r.generated_at.format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(out, "**Type**: {}  ", change_types(r));
    let _ = writeln!(
        out,
        "**Framework**: {} ({})  ",
        r.framework_display, r.framework_reason
    );
    let _ = writeln!(out, "**Database**: {}  ", r.dialect_display);
    let _ = writeln!(out, "**Schema source**: {}  ", r.schema_source);
    let estimate = if r.analysis.rows_known {
        let sizes = sizes_note(r);
        format!(
            "{}{}",
            human_seconds(r.analysis.estimated_seconds),
            if sizes.is_empty() {
                String::new()
            } else {
                format!(" ({sizes})")
            }
        )
    } else {
        "unknown: table sizes are not known (the schema came without statistics)".to_string()
    };
    let _ = writeln!(out, "**Estimated Time**: {estimate}\n\n---\n");
}

fn summary(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "{}.\n", title_case(&r.plan.description));
    if !r.plan.decisions.is_empty() {
        let _ = writeln!(out, "Decided on your behalf:");
        for d in &r.plan.decisions {
            let _ = writeln!(out, "- {d}");
        }
        out.push('\n');
    }
    if !r.plan.already_true.is_empty() {
        let _ = writeln!(out, "Already true (nothing generated):");
        for a in &r.plan.already_true {
            let _ = writeln!(out, "- {}", a.message);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "### Changes:");
    for (i, op) in r.plan.operations.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, op.summary());
    }
    if r.plan.phases.len() > 1 {
        let _ = writeln!(
            out,
            "\nThe change is split into {} migrations, applied in order:",
            r.plan.phases.len()
        );
        for (i, phase) in r.plan.phases.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. `{}`: {}{}",
                i + 1,
                phase.name,
                if phase.transactional {
                    "in one transaction"
                } else {
                    "outside a transaction"
                },
                phase
                    .reason
                    .as_ref()
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "\n---\n");
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes ✓"
    } else {
        "No ✗"
    }
}

fn impact(out: &mut String, r: &Report) {
    let a = r.analysis;
    let _ = writeln!(out, "## Impact Assessment\n\n### Risk Analysis");
    let _ = writeln!(
        out,
        "- **Risk Level**: {} — {}",
        title_case(a.risk.as_str()),
        a.risk_reasons.join("; ")
    );
    let locks: Vec<String> = a
        .locks
        .iter()
        .map(|l| {
            let blocks = match (l.blocks_reads, l.blocks_writes) {
                (true, _) => "blocks reads and writes",
                (false, true) => "blocks writes",
                _ if !l.existing => "new table, blocks no one",
                _ => "blocks no reads or writes",
            };
            let held = if !l.existing || !l.blocks_writes {
                String::new()
            } else if l.blocking_work {
                match l.rows {
                    Some(_) => format!(
                        ", held ~{} while it {} the table",
                        human_seconds(l.estimated_blocking_seconds),
                        if l.rewrites_table {
                            "rewrites"
                        } else {
                            "scans"
                        }
                    ),
                    None => format!(
                        ", held while it {} the table (size unknown)",
                        if l.rewrites_table {
                            "rewrites"
                        } else {
                            "scans"
                        }
                    ),
                }
            } else {
                ", catalog-only: held for milliseconds once acquired".to_string()
            };
            format!("`{}` {} ({blocks}{held})", l.table, l.lock_text)
        })
        .collect();
    let _ = writeln!(
        out,
        "- **Table Lock**: {}",
        if locks.is_empty() {
            "none".to_string()
        } else {
            locks.join("; ")
        }
    );
    let _ = writeln!(
        out,
        "- **Affected Rows**: {}",
        if a.rows_known {
            format!("~{}", a.affected_rows)
        } else {
            "unknown (no table statistics)".to_string()
        }
    );
    let _ = writeln!(
        out,
        "- **Downtime Required**: {}",
        if a.downtime == "none" {
            "None (zero-downtime migration)".to_string()
        } else {
            title_case(&a.downtime)
        }
    );
    let _ = writeln!(
        out,
        "- **Reversible**: {} — {}",
        yes_no(a.reversible),
        a.reversibility
    );
    let _ = writeln!(
        out,
        "- **Data Loss Potential**: {}",
        match a.data_loss {
            DataLoss::None => "None ✓".to_string(),
            DataLoss::Possible => "Possible ⚠️ (values can be changed or truncated)".to_string(),
            DataLoss::Certain => "Certain ⚠️ (data is deleted; back it up first)".to_string(),
        }
    );
    if !a.warnings.is_empty() {
        let _ = writeln!(out, "\n### Warnings");
        for w in &a.warnings {
            let _ = writeln!(out, "- **{}**: {}", w.rule, w.message);
        }
    }
    super::safety::performance(out, r);
}

fn fence_lang(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("sql") => "sql",
        Some("js") => "javascript",
        Some("ts") => "typescript",
        Some("py") => "python",
        Some("rb") => "ruby",
        Some("php") => "php",
        _ => "",
    }
}

fn files(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Generated Migration Files\n");
    if !r.written {
        let _ = writeln!(out, "_Dry run: nothing was written._\n");
    }
    for f in r.files {
        let _ = writeln!(
            out,
            "### File: `{}`\n\n```{}\n{}```\n",
            f.path,
            fence_lang(&f.path),
            f.contents
        );
    }
    let _ = writeln!(out, "---\n");
}

fn touched_tables(r: &Report) -> Vec<String> {
    let mut tables: Vec<String> = r
        .plan
        .operations
        .iter()
        .filter_map(|op| op.table().map(str::to_string))
        .collect();
    tables.sort();
    tables.dedup();
    tables
}

/// Whether the change removes or renames something running application code may still use,
/// so the code must change before the migration runs.
fn breaks_running_code(r: &Report) -> bool {
    r.plan.operations.iter().any(|op| {
        matches!(
            op,
            Operation::DropColumn(_)
                | Operation::DropTable(_)
                | Operation::RenameColumn(_)
                | Operation::RenameTable(_)
        )
    })
}

fn testing(out: &mut String, r: &Report) {
    let apply = r.commands.apply.join("\n");
    let rollback = r.commands.rollback.join("\n");
    let describe: Vec<String> = touched_tables(r)
        .iter()
        .filter(|t| r.plan.after.table(t).is_some())
        .map(|t| crate::analyze::engine_text::describe_table(r.plan.before.engine, t))
        .collect();
    let _ = writeln!(
        out,
        "## Testing Guide\n\n### Step 1: Development Environment\n"
    );
    let _ = writeln!(
        out,
        "```bash\n# 1. Apply\n{apply}\n\n# 2. Inspect the result\n{}\n\n# 3. Run the verification queries below (each must return ok = {})\n\n# 4. Roll back, check the schema is as before, then re-apply\n{rollback}\n{apply}\n```\n",
        describe.join("\n"),
        ok_true(r)
    );
    let _ = writeln!(
        out,
        "### Step 2: Staging Environment\n\n```bash\n# 1. Back up\n{}\n\n# 2. Apply with staging's data volume, and time it\ntime ({})\n\n# 3. Run the application's test suite and the verification queries\n\n# 4. If anything is wrong, roll back\n{}\n```\n",
        crate::analyze::engine_text::backup_database(r.plan.before.engine),
        r.commands.apply.join(" && ").replace("$DATABASE_URL", "$STAGING_DATABASE_URL"),
        rollback.replace("$DATABASE_URL", "$STAGING_DATABASE_URL")
    );
    let _ = writeln!(
        out,
        "### Step 3: Production Deployment\n\nPre-deployment checklist:"
    );
    let mut items = vec![
        "Tested on development (up, down, up again)".to_string(),
        "Tested on staging with production-sized data".to_string(),
        "Database backup taken and restorable".to_string(),
    ];
    let breaking = breaks_running_code(r);
    let phased = r.plan.phases.iter().any(|p| !p.deploy.is_empty());
    if breaking && phased {
        items.push(
            "Application deploys placed between the migrations as the Deployment Order says".into(),
        );
    } else if breaking {
        items.push("Application code that no longer uses the old names/columns is deployed BEFORE this migration".into());
    } else {
        items.push(
            "Migration runs before the application code that uses the new schema is deployed"
                .into(),
        );
    }
    if r.analysis.downtime != "none" {
        items.push(format!(
            "Maintenance window or low-traffic period scheduled: {}",
            r.analysis.downtime
        ));
    }
    if r.plan.phases.iter().any(|p| !p.transactional) {
        items.push("The non-transactional migration is run by a client that does not wrap it in a transaction".into());
    }
    items.push("Rollback commands ready (see Rollback Procedures)".into());
    for item in items {
        let _ = writeln!(out, "- [ ] {item}");
    }
    let _ = writeln!(
        out,
        "\n```bash\n{}\n{apply}\n```\n\n---\n",
        crate::analyze::engine_text::fail_fast(r.plan.before.engine)
    );
}

fn rollback(out: &mut String, r: &Report) {
    let _ = writeln!(
        out,
        "## Rollback Procedures\n\n### Immediate Rollback (nothing written to the new schema yet)\n\n```bash\n{}\n```\n",
        r.commands.rollback.join("\n")
    );
    let _ = writeln!(out, "### Delayed Rollback (data may exist)\n");
    let caveats: Vec<&String> = r.plan.phases.iter().flat_map(|p| &p.down_caveats).collect();
    // What the down migration destroys: columns and tables created by the up migration.
    let mut saves = vec![];
    if r.plan.before.engine == crate::schema::Engine::Postgres {
        for op in &r.plan.operations {
            match op {
                Operation::AddColumn(a) => {
                    let key = r
                        .plan
                        .after
                        .table(&a.table)
                        .and_then(|t| t.primary_key.as_ref())
                        .map(|pk| pk.columns.join(", "))
                        .unwrap_or_else(|| "ctid".into());
                    saves.push(format!(
                        "CREATE TABLE {} AS SELECT {key}, {} FROM {};",
                        crate::plan::ops::sql::ident(&format!(
                            "migsmith_backup_{}_{}",
                            crate::plan::ops::sql::bare_name(&a.table),
                            a.column.name
                        )),
                        crate::plan::ops::sql::ident(&a.column.name),
                        crate::plan::ops::sql::table(&a.table)
                    ));
                }
                Operation::CreateTable(c) => saves.push(format!(
                    "CREATE TABLE {} AS TABLE {};",
                    crate::plan::ops::sql::ident(&format!(
                        "migsmith_backup_{}",
                        crate::plan::ops::sql::bare_name(&c.table)
                    )),
                    crate::plan::ops::sql::table(&c.table)
                )),
                _ => {}
            }
        }
    } else {
        saves = engine_saves(r);
    }
    if saves.is_empty() && caveats.is_empty() {
        let _ = writeln!(
            out,
            "The down migration loses no data written after deployment; the immediate rollback applies unchanged.\n"
        );
    }
    if !saves.is_empty() {
        let _ = writeln!(
            out,
            "Rolling back drops what this migration added, with any data written to it since. To keep that data, save it first:\n\n```sql\n{}\n```\n",
            saves.join("\n")
        );
    }
    for c in caveats {
        let _ = writeln!(out, "- Note: {c}");
    }
    let _ = writeln!(out, "\n---\n");
}

/// The backup statements of the delayed rollback on MySQL/MariaDB and SQLite.
fn engine_saves(r: &Report) -> Vec<String> {
    use crate::plan::ops::sql::bare_name;
    let d = crate::dialect::for_engine(r.plan.before.engine);
    let mut saves = vec![];
    for op in &r.plan.operations {
        match op {
            Operation::AddColumn(a) => {
                let key = r
                    .plan
                    .after
                    .table(&a.table)
                    .and_then(|t| t.primary_key.as_ref())
                    .map(|pk| {
                        pk.columns
                            .iter()
                            .map(|c| d.ident(c))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|| "rowid".into());
                saves.push(format!(
                    "CREATE TABLE {} AS SELECT {key}, {} FROM {};",
                    d.ident(&format!(
                        "migsmith_backup_{}_{}",
                        bare_name(&a.table),
                        a.column.name
                    )),
                    d.ident(&a.column.name),
                    d.ident(bare_name(&a.table))
                ));
            }
            Operation::CreateTable(c) => saves.push(format!(
                "CREATE TABLE {} AS SELECT * FROM {};",
                d.ident(&format!("migsmith_backup_{}", bare_name(&c.table))),
                d.ident(bare_name(&c.table))
            )),
            _ => {}
        }
    }
    saves
}

fn verification(out: &mut String, r: &Report) {
    let _ = writeln!(
        out,
        "## Verification Queries\n\nEach query returns one row; `ok` must be `{}` after the migration.\n\n```sql",
        ok_true(r)
    );
    for (i, c) in checks::final_checks_for(r.plan.before.engine, &r.plan.operations, &r.plan.after)
    {
        let _ = writeln!(out, "-- {}. {}\n{};\n", i + 1, c.description, c.sql);
    }
    let _ = writeln!(out, "```\n\n---\n");
}

/// How a true `ok` prints: `t` in psql, `1` in mysql and sqlite3.
fn ok_true(r: &Report) -> &'static str {
    if r.plan.before.engine == crate::schema::Engine::Postgres {
        "t"
    } else {
        "1"
    }
}

fn monitoring(out: &mut String, r: &Report) {
    let tables = touched_tables(r);
    if r.plan.before.engine != crate::schema::Engine::Postgres {
        let indexes = r
            .plan
            .operations
            .iter()
            .any(|op| matches!(op, Operation::AddIndex(_)));
        let _ = writeln!(out, "## Monitoring After Deployment\n");
        let queries =
            crate::analyze::engine_text::monitoring(r.plan.before.engine, &tables, indexes);
        for (i, (title, sql)) in queries.iter().enumerate() {
            let _ = writeln!(out, "{}. **{title}**\n```sql\n{sql};\n```\n", i + 1);
        }
        let _ = writeln!(
            out,
            "Watch the application's error rate and response times for errors that mention {} right after deploying.\n\n---\n",
            tables
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return;
    }
    let in_list = tables
        .iter()
        .map(|t| crate::dialect::postgres::quote_literal(crate::plan::ops::sql::bare_name(t)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "## Monitoring After Deployment\n\n1. **Sessions waiting on locks** (run while the migration runs; rows here mean queries are queued behind it)\n```sql\nSELECT pid, now() - query_start AS waiting, left(query, 80) AS query\nFROM pg_stat_activity\nWHERE wait_event_type = 'Lock'\nORDER BY waiting DESC;\n```\n"
    );
    if !in_list.is_empty() {
        let _ = writeln!(
            out,
            "2. **Table size**\n```sql\nSELECT relname, pg_size_pretty(pg_total_relation_size(relid)) AS total, n_live_tup, n_dead_tup\nFROM pg_stat_user_tables\nWHERE relname IN ({in_list});\n```\n"
        );
    }
    if r.plan
        .operations
        .iter()
        .any(|op| matches!(op, Operation::AddIndex(_)))
    {
        let _ = writeln!(
            out,
            "3. **Index usage and validity** (an index left INVALID by a failed concurrent build shows `indisvalid = f`)\n```sql\nSELECT s.indexrelname, s.idx_scan, i.indisvalid\nFROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid\nWHERE s.relname IN ({in_list});\n```\n"
        );
    }
    let _ = writeln!(
        out,
        "Watch the application's error rate and response times for errors that mention {} right after deploying.\n\n---\n",
        tables
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn next_steps(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## Next Steps\n");
    let mut steps = vec![(
        r.written,
        format!(
            "Migration files {}",
            if r.written {
                "written"
            } else {
                "reviewed (dry run: run again without --dry-run to write them)"
            }
        ),
    )];
    steps.push((
        false,
        "Test on a development database (up, down, up)".into(),
    ));
    steps.push((false, "Test on staging with production-sized data".into()));
    let breaking = breaks_running_code(r);
    if breaking {
        steps.push((false, "Deploy application code that no longer depends on what this migration removes or renames".into()));
        steps.push((false, "Run the production migration".into()));
    } else {
        steps.push((false, "Run the production migration".into()));
        steps.push((
            false,
            "Deploy the application code that uses the new schema".into(),
        ));
    }
    steps.push((false, "Monitor and run the verification queries".into()));
    for (i, (done, s)) in steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {} {s}", i + 1, if *done { "✓" } else { "⏳" });
    }
}
