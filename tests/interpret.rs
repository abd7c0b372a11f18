//! Schema-aware interpretation (issue 13 §1): every free phrasing — free English, Rails and
//! Django words, migration names, names the schema completes — gives exactly the `operations`
//! JSON of its canonical phrasing on `examples/saas.sql`; ambiguity is an error listing the
//! candidates; what was inferred is in "Decided on your behalf" (Markdown and JSON).
//! Database-free; `pg_roundtrip.rs` (`interpret_*`) applies some of these on PostgreSQL.

use migsmith::intent;
use migsmith::plan::{self, PlanError};
use migsmith::schema::sql::load_str;
use migsmith::schema::Schema;
use serde_json::Value;
use std::process::Command;

const SAAS: &str = include_str!("../examples/saas.sql");

fn saas() -> Schema {
    load_str(SAAS, "saas.sql").expect("example schema loads")
}

fn table_names(schema: &Schema) -> Vec<String> {
    schema.tables.values().map(|t| t.name.clone()).collect()
}

/// Operations (JSON) and decisions for a description read by the full interpreter.
fn read(schema: &Schema, description: &str) -> Result<(Value, Vec<String>), PlanError> {
    let reading = intent::interpret(description, &table_names(schema))
        .unwrap_or_else(|e| panic!("{description}: {e}"));
    let resolved = plan::resolve(&reading.intents, schema)?;
    let mut decisions = reading.notes;
    decisions.extend(resolved.decisions);
    Ok((
        serde_json::to_value(&resolved.operations).unwrap(),
        decisions,
    ))
}

/// Operations of a canonical phrasing, read by the grammar alone (no vocabulary layer).
fn canonical(schema: &Schema, description: &str) -> Value {
    let intents = intent::parse(description)
        .unwrap_or_else(|e| panic!("canonical `{description}` must parse: {e}"));
    let resolved = plan::resolve(&intents, schema).unwrap_or_else(|e| panic!("{description}: {e}"));
    serde_json::to_value(&resolved.operations).unwrap()
}

/// (free phrasing, its canonical phrasing). Issue 13's examples first, then phrasings written
/// for this test that are in none of the docs' examples.
const SAME: &[(&str, &str)] = &[
    // Rails / Django vocabulary
    ("add timestamps to events", "add updated_at timestamptz not null default now() to events"),
    ("add started_at and finished_at to tasks", "add started_at to tasks and add finished_at to tasks"),
    (
        "add the reviewed_at, shipped_on and points integer columns to tasks",
        "add reviewed_at to tasks, add shipped_on to tasks and add points integer to tasks",
    ),
    ("remove priority and due_on from tasks", "drop tasks.priority and drop tasks.due_on"),
    ("AddDueOnToProjects", "add due_on to projects"),
    ("add_last_seen_at_to_members", "add last_seen_at to members"),
    ("AddArchivedAtAndArchivedByToProjects", "add archived_at to projects and add archived_by to projects"),
    ("AddDueOnToProjects due_on:date", "add projects.due_on:date"),
    ("RemoveDescriptionFromProjects", "remove description from projects"),
    ("remove_invited_at_from_members", "remove invited_at from members"),
    ("AddIndexToTasksState", "add index on tasks(state)"),
    ("AddIndexToTasksOnProjectIdAndState", "add index on tasks(project_id, state)"),
    ("AddPriorityIndexToTasks", "add index on tasks(priority)"),
    ("AddTimestampsToAccounts", "add updated_at timestamptz not null default now() to accounts"),
    ("CreateLabels", "create labels table"),
    ("RenameTitleToNameInProjects", "rename column title to name in projects"),
    (
        "CreateJoinTableMembersProjects",
        "create table members_projects (member_id bigint not null primary key references members, project_id bigint not null primary key references projects)",
    ),
    (
        "create a join table between projects and members",
        "create table members_projects (member_id bigint not null primary key references members, project_id bigint not null primary key references projects)",
    ),
    ("add reviewer reference to tasks referencing members", "add reference to members on tasks as reviewer_id"),
    ("add member reference to events", "add reference to members on events"),
    ("events belong to a member", "add reference to members on events"),
    ("each task belongs to a member on delete cascade", "add reference to members on tasks on delete cascade"),
    ("projects have many events", "add reference to projects on events"),
    // Names the schema completes
    ("add color to project", "add color to projects"),
    ("add color to Projects", "add color to projects"),
    ("add nickname text to Member", "add nickname text to members"),
    ("rename estimate_hours to estimated_hours", "rename column estimate_hours to estimated_hours in tasks"),
    ("make display_name required", "make members.display_name not null"),
    ("drop invited_at", "drop members.invited_at"),
    ("set default of role to 'viewer'", "set default of members.role to 'viewer'"),
    ("add index to tasks state", "add index on tasks(state)"),
    ("add task assignee index", "add index on tasks(assignee_id)"),
    ("add index to tasks on state and priority", "add index on tasks(state, priority)"),
    ("index tasks by due_on", "add index on tasks(due_on)"),
    ("add state index to tasks", "add index on tasks(state)"),
    ("add unique email index to member", "add unique index on members(email)"),
    ("remove foreign key task.assignee", "remove foreign key tasks.assignee_id"),
    // Free English
    ("projects need a column called budget, numeric", "add budget numeric to projects"),
    ("members should have a timezone, text", "add timezone text to members"),
    ("accounts need a new field named billing_email", "add billing_email to accounts"),
    ("project gets a column called color of type varchar(7)", "add color varchar(7) to projects"),
    ("get rid of the data column on events", "drop events.data"),
    ("drop the data column from events", "drop events.data"),
    ("eliminate the description column on projects", "drop projects.description"),
    ("tasks.state should default to 'todo'", "set default of tasks.state to 'todo'"),
    ("events.kind defaults to 'info'", "set default of events.kind to 'info'"),
    ("accounts.plan should have no default", "remove default from accounts.plan"),
    ("members.display_name is required", "make members.display_name not null"),
    ("the display_name of members must not be null", "make members.display_name not null"),
    ("tasks.title is no longer required", "make tasks.title nullable"),
    ("tasks.title can be null", "make tasks.title nullable"),
    ("tasks.priority cannot be empty", "make tasks.priority not null"),
    ("projects.title must be unique", "add unique constraint on projects(title)"),
    ("change events.kind from text to varchar(40)", "change events.kind to varchar(40)"),
    ("store a json blob of settings on accounts", "add settings jsonb to accounts"),
    ("store preferences as jsonb on members", "add preferences jsonb to members"),
    (
        "add kind enum to tasks with values bug, feature",
        "create enum task_kind with bug, feature and add kind task_kind to tasks",
    ),
    (
        "add enum status to projects with values active, paused and done",
        "create enum project_status with active, paused, done and add status project_status to projects",
    ),
    ("remove the foreign key from tasks to members", "remove foreign key tasks.assignee_id"),
    ("drop the fk from members to account", "remove foreign key members.account_id"),
    ("please add an index on tasks for state", "add index on tasks(state)"),
    ("we need an index on tasks.due_on", "add index on tasks(due_on)"),
    ("tasks need an index on state", "add index on tasks(state)"),
    ("the members table needs a column called avatar_url", "add avatar_url to members"),
    (
        "tasks need a points column, integer, default 0, not null",
        "add points integer default 0 not null to tasks",
    ),
    ("make tasks.state default to 'todo'", "set default of tasks.state to 'todo'"),
    ("remove tasks.priority, tasks.due_on", "drop tasks.priority and drop tasks.due_on"),
    ("delete the invited_at and role columns from members", "drop members.invited_at and drop members.role"),
    ("Tasks.Priority is required", "make tasks.priority not null"),
    ("RemoveIndexFromTasksProjectId", "remove index on tasks(project_id)"),
    ("add_index_to_members_email", "add index on members(email)"),
    ("AddProjectRefToEvents", "add reference to projects on events"),
    ("Add Column Nickname To Members", "add nickname to members"),
    ("add nickname CharField(max_length=40) to members", "add nickname varchar(40) to members"),
    ("add is_public BooleanField to projects", "add is_public boolean to projects"),
    ("add member_id to events referencing members", "add reference to members on events"),
    ("add member ForeignKey to events", "add member:references to events"),
    ("tasks should reference members", "add reference to members on tasks"),
    ("events.account_id should reference accounts", "add foreign key from events.account_id to accounts"),
    ("add created_by to tasks as a reference to members", "add created_by bigint references members to tasks"),
    ("i want to drop the archived column from projects", "drop projects.archived"),
    ("we need to add a color column to projects", "add color to projects"),
    ("make tasks.priority and tasks.due_on required", "make tasks.priority not null and make tasks.due_on not null"),
    ("events.kind should be varchar(40)", "change events.kind to varchar(40)"),
    ("add a description text column to accounts", "add description text to accounts"),
    ("remove timestamps from tasks", "remove created_at and updated_at from tasks"),
    ("add index on state to tasks", "add index on tasks(state)"),
    ("add a foreign key from events to accounts", "add foreign key from events.account_id to accounts"),
    ("drop the projects archived column", "drop projects.archived"),
    // Mixed with canonical clauses
    (
        "add x to tasks and tasks.state should default to 'todo'",
        "add x to tasks and set default of tasks.state to 'todo'",
    ),
];

#[test]
fn free_phrasings_give_the_operations_of_their_canonical_phrasing() {
    let schema = saas();
    let mut failures = vec![];
    for (free, canon) in SAME {
        let want = canonical(&schema, canon);
        match read(&schema, free) {
            Ok((got, _)) if got == want => {}
            Ok((got, _)) => failures.push(format!(
                "{free}\n  got  {got}\n  want {want} (from `{canon}`)"
            )),
            Err(e) => failures.push(format!("{free}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_free_forms_are_not_canonical_already() {
    // Guard against a test that cannot fail: the grammar alone refuses (or reads differently)
    // the forms the vocabulary layer rewrites, so it is that layer that makes them equal.
    let schema = saas();
    for free in [
        "AddDueOnToProjects",
        "projects need a column called budget, numeric",
        "get rid of the data column on events",
        "tasks.state should default to 'todo'",
        "members.display_name is required",
        "add kind enum to tasks with values bug, feature",
    ] {
        let differs = match intent::parse(free) {
            Err(_) => true,
            Ok(intents) => {
                plan::resolve(&intents, &schema)
                    .map(|r| serde_json::to_value(&r.operations).unwrap())
                    .ok()
                    != read(&schema, free).ok().map(|(ops, _)| ops)
            }
        };
        assert!(differs, "{free}: the grammar alone already reads it");
    }
}

fn decisions(description: &str) -> Vec<String> {
    read(&saas(), description)
        .unwrap_or_else(|e| panic!("{description}: {e}"))
        .1
}

#[test]
fn what_was_inferred_is_said() {
    let has = |description: &str, needle: &str| {
        let d = decisions(description);
        assert!(
            d.iter().any(|x| x.contains(needle)),
            "{description}: no decision mentions {needle:?}: {d:#?}"
        );
    };
    has(
        "add color to project",
        "there is no table `project`: read as `projects`",
    );
    has(
        "rename estimate_hours to estimated_hours",
        "read as `tasks.estimate_hours`, the only table with that column",
    );
    has("add task assignee index", "read as `assignee_id`");
    has(
        "AddDueOnToProjects",
        "read the migration name `AddDueOnToProjects` as \"add due_on to projects\"",
    );
    has(
        "add timestamps to events",
        "`events` already has `created_at`, which is kept",
    );
    has(
        "add kind enum to tasks with values bug, feature",
        "create enum task_kind",
    );
    has(
        "remove the foreign key from tasks to members",
        "is `tasks_assignee_id_fkey`",
    );
    has(
        "get rid of the data column on events",
        "read \"get rid of the data column on events\" as \"drop the data column on events\"",
    );
    // A canonical phrasing that needs no reading says nothing of the sort.
    assert!(decisions("add color to projects")
        .iter()
        .all(|d| !d.contains("read")));
}

#[test]
fn ambiguity_is_an_error_listing_the_candidates() {
    let schema = saas();
    // `title` is in projects and tasks.
    for description in ["rename title to name", "make title required", "drop title"] {
        let e = read(&schema, description).expect_err(description);
        assert!(
            matches!(e, PlanError::Ambiguous { .. }),
            "{description}: {e}"
        );
        assert_eq!(e.kind(), "ambiguous");
        assert_eq!(
            e.suggestions(),
            ["projects.title", "tasks.title"],
            "{description}"
        );
        assert!(e.to_string().contains("2 tables have it"), "{e}");
    }
    // Two foreign keys from one table to another.
    let two = load_str(
        "CREATE TABLE people (id bigint PRIMARY KEY); \
         CREATE TABLE loans (id bigint PRIMARY KEY, lender_id bigint REFERENCES people, \
         borrower_id bigint REFERENCES people, item_id bigint, note text); \
         CREATE TABLE items (id bigint PRIMARY KEY, note text);",
        "two",
    )
    .unwrap();
    let e = read(&two, "remove the foreign key from loans to people").unwrap_err();
    assert_eq!(e.kind(), "ambiguous");
    assert_eq!(e.suggestions().len(), 2, "{e}");
    assert!(e.to_string().contains("loans_lender_id_fkey"), "{e}");
    assert!(e.to_string().contains("loans_borrower_id_fkey"), "{e}");
    let twins = load_str(
        "CREATE TABLE status (id int PRIMARY KEY); CREATE TABLE statuses (id int PRIMARY KEY);",
        "twins",
    )
    .unwrap();
    let e = read(&twins, "add x to \"Status\"").unwrap_err();
    assert_eq!(e.kind(), "ambiguous");
    assert_eq!(e.suggestions(), ["status", "statuses"], "{e}");
    let (ops, _) = read(&two, "add a foreign key from loans to items").unwrap();
    assert_eq!(ops[0]["columns"], serde_json::json!(["item_id"]), "{ops}");
    // A foreign key with no column named: `account_id` names `accounts`, so it is not taken for
    // a key to `members`.
    let e = read(&schema, "add a foreign key from events to members").unwrap_err();
    assert!(e.to_string().contains("say which"), "{e}");
    let e = read(&two, "note is optional").unwrap_err();
    assert_eq!(e.suggestions(), ["items.note", "loans.note"]);
    // No fit at all keeps the usual errors.
    let e = read(&schema, "drop estimate_hour").unwrap_err();
    assert_eq!(e.suggestions(), ["tasks.estimate_hours"], "{e}");
    let e = read(&schema, "add color to projcts").unwrap_err();
    assert_eq!(
        e.to_string(),
        "table `projcts` does not exist (did you mean `projects`?)"
    );
    let e = read(&schema, "remove the foreign key from events to members").unwrap_err();
    assert!(
        e.to_string()
            .contains("foreign key `from events to members` does not exist"),
        "{e}"
    );
    let e = read(&schema, "add timestamps to tasks").unwrap_err();
    assert_eq!(
        e.to_string(),
        "nothing to do: `tasks` already has `created_at` and `updated_at`"
    );
    let e = read(&schema, "change events.data from json to jsonb").unwrap_err();
    assert!(e.to_string().contains("changes nothing"), "{e}");
    let e = read(&schema, "change events.kind from integer to text").unwrap_err();
    assert!(e.to_string().contains("is text, not integer"), "{e}");
}

#[test]
fn an_error_in_a_free_form_quotes_it_and_says_how_it_was_read() {
    let e = intent::interpret("tasks.state should default to (1", &[]).unwrap_err();
    assert_eq!(e.fragment, "tasks.state should default to (1");
    let hint = e.hint.unwrap();
    assert!(
        hint.starts_with("read as \"set default of tasks.state to (1\", which fails:"),
        "{hint}"
    );
}

#[test]
fn nonsense_still_gets_the_clear_error() {
    for nonsense in [
        "frobnicate the members",
        "AddStuff",
        "members should frobnicate",
    ] {
        let e = intent::interpret(nonsense, &table_names(&saas())).unwrap_err();
        assert!((2..=4).contains(&e.suggestions.len()), "{nonsense}: {e}");
    }
}

fn cli(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
        .output()
        .expect("run migsmith");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[test]
fn decisions_are_in_the_markdown_and_json_reports() {
    let description = "add task assignee index and add color to project";
    let base = [
        "generate",
        description,
        "--schema",
        "examples/saas.sql",
        "--dry-run",
    ];
    let (code, md) = cli(&base);
    assert_eq!(code, Some(0), "{md}");
    let section = md
        .split("Decided on your behalf:")
        .nth(1)
        .unwrap_or_else(|| panic!("no decisions section: {md}"));
    assert!(
        section.contains("- there is no table `task`: read as `tasks`"),
        "{md}"
    );
    assert!(section.contains("read as `assignee_id`"), "{md}");
    assert!(
        section.contains("there is no table `project`: read as `projects`"),
        "{md}"
    );

    let (code, json) = cli(&[&base[..], &["--format", "json"]].concat());
    assert_eq!(code, Some(0), "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let d: Vec<&str> = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        d.iter().any(|x| x.contains("read as `assignee_id`")),
        "{d:?}"
    );
    assert!(d.iter().any(|x| x.contains("read as `projects`")), "{d:?}");

    let (code, json) = cli(&[
        "generate",
        "rename title to name",
        "--schema",
        "examples/saas.sql",
        "--dry-run",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["error"]["kind"], "ambiguous");
    assert_eq!(
        v["error"]["suggestions"],
        serde_json::json!(["projects.title", "tasks.title"])
    );
}
