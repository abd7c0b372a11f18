use super::*;

const SCHEMA: &str = r#"
ActiveRecord::Schema[7.1].define(version: 2024_01_02_000000) do
  enable_extension "plpgsql"

  create_table "posts", force: :cascade do |t|
    t.string "title", limit: 200, null: false
    t.bigint "user_id", null: false
    t.decimal "price", precision: 10, scale: 2
    t.datetime "created_at", null: false
    t.index ["user_id"], name: "index_posts_on_user_id"
  end

  create_table "users", force: :cascade do |t|
    t.string "email", null: false
    t.boolean "admin", default: false, null: false
    t.string "status", default: "active"
  end

  add_index "users", ["email"], name: "index_users_on_email", unique: true
  add_foreign_key "posts", "users", on_delete: :cascade
end
"#;

fn schema(body: &str) -> Schema {
    let text = format!("ActiveRecord::Schema[8.0].define(version: 1) do\n{body}\nend\n");
    load(&text, "db/schema.rb").unwrap_or_else(|e| panic!("{e}\n{}", to_sql(&text)))
}

#[test]
fn tables_columns_indexes_and_foreign_keys() {
    let s = load(SCHEMA, "db/schema.rb").unwrap();
    let users = &s.tables["users"];
    let cols: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["id", "email", "admin", "status"]);
    assert_eq!(users.columns[0].data_type, "bigint");
    assert!(!users.columns[2].nullable);
    assert!(users
        .indexes
        .iter()
        .any(|i| i.name == "index_users_on_email" && i.unique));
    let posts = &s.tables["posts"];
    assert_eq!(posts.columns[1].data_type, "varchar(200)");
    assert_eq!(posts.columns[3].data_type, "numeric(10,2)");
    assert_eq!(posts.columns[4].data_type, "timestamp(6)");
    assert_eq!(posts.foreign_keys.len(), 1);
    assert_eq!(posts.foreign_keys[0].columns, ["user_id"]);
    // ActiveRecord's own name for an unnamed foreign key: fk_rails_ + SHA-256("posts_user_id_fk").
    assert_eq!(posts.foreign_keys[0].name, "fk_rails_5b5ddfd518");
}

#[test]
fn the_sql_keeps_the_line_numbers_of_the_ruby() {
    let sql = to_sql(SCHEMA);
    let line = |n: usize| sql.lines().nth(n - 1).unwrap_or("");
    assert!(line(5).starts_with("CREATE TABLE \"posts\" ("), "{sql}");
    assert!(
        line(9).contains("\"created_at\" timestamp(6) NOT NULL );"),
        "{sql}"
    );
    assert!(
        line(10).starts_with("CREATE INDEX \"index_posts_on_user_id\""),
        "{sql}"
    );
    assert!(line(19).starts_with("CREATE UNIQUE INDEX"), "{sql}");
    // An error names the schema.rb line.
    let bad = SCHEMA.replace("t.index [\"user_id\"]", "t.index [\"usr_id\"]");
    let e = load(&bad, "db/schema.rb").unwrap_err();
    assert_eq!(e.line, 10, "{e}");
}

#[test]
fn expression_partial_opclass_order_include_indexes() {
    let s = schema(
        r#"
  create_table "accounts", force: :cascade do |t|
    t.string "username", default: "", null: false
    t.string "domain"
    t.string "url"
    t.datetime "last_status_at", precision: nil
    t.index "lower((username)::text), COALESCE(lower((domain)::text), ''::text)", name: "index_accounts_on_username_and_domain_lower", unique: true
    t.index "(to_tsvector('simple'::regconfig, (username)::text))", name: "search_index", using: :gin
    t.index ["url"], name: "index_accounts_on_url", opclass: :text_pattern_ops, where: "(url IS NOT NULL)"
    t.index ["last_status_at", "id"], name: "by_last", order: { last_status_at: "DESC NULLS LAST" }
    t.index ["domain"], name: "by_domain", order: :desc, include: ["username", "url"]
  end"#,
    );
    let t = &s.tables["accounts"];
    let i = t
        .index("index_accounts_on_username_and_domain_lower")
        .unwrap();
    assert!(i.unique);
    assert_eq!(i.columns.len(), 2);
    assert_eq!(i.columns[0].column(), None);
    assert_eq!(t.index("search_index").unwrap().method, "gin");
    let url = t.index("index_accounts_on_url").unwrap();
    assert_eq!(url.predicate.as_deref(), Some("url IS NOT NULL"));
    assert!(format!("{:?}", url.columns).contains("text_pattern_ops"));
    let last = t.index("by_last").unwrap();
    assert!(format!("{:?}", last.columns[0]).contains("DESC NULLS LAST"));
    assert_eq!(last.columns[1].column(), Some("id"));
    assert_eq!(t.index("by_domain").unwrap().include, ["username", "url"]);
}

#[test]
fn id_options_and_composite_keys() {
    let s = schema(
        r#"
  create_table "accounts", id: :bigint, default: -> { "timestamp_id('accounts'::text)" }, force: :cascade do |t|
    t.string "username"
  end
  create_table "accounts_tags", primary_key: ["tag_id", "account_id"], force: :cascade do |t|
    t.bigint "account_id", null: false
    t.bigint "tag_id", null: false
  end
  create_table "families", id: :uuid, default: -> { "gen_random_uuid()" }, force: :cascade do |t|
    t.string "name"
  end
  create_table "sessions", id: :uuid, force: :cascade do |t|
  end
  create_table "tags", id: :serial, force: :cascade do |t|
  end
  create_table "codes", primary_key: "code", id: :string, force: :cascade do |t|
  end
  create_table "plain", id: :bigint, default: nil, force: :cascade do |t|
  end
  create_table "joins", id: false, force: :cascade do |t|
    t.bigint "a"
  end"#,
    );
    let accounts = &s.tables["accounts"];
    assert_eq!(
        accounts.columns[0].default.as_deref(),
        Some("timestamp_id('accounts'::text)")
    );
    assert_eq!(
        s.tables["accounts_tags"]
            .primary_key
            .as_ref()
            .unwrap()
            .columns,
        ["tag_id", "account_id"]
    );
    assert_eq!(s.tables["families"].columns[0].data_type, "uuid");
    assert_eq!(
        s.tables["sessions"].columns[0].default.as_deref(),
        Some("gen_random_uuid()")
    );
    assert_eq!(s.tables["tags"].columns[0].data_type, "integer");
    assert!(s.tables["tags"].columns[0].serial_sequence.is_some());
    assert_eq!(
        s.tables["codes"].primary_key.as_ref().unwrap().columns,
        ["code"]
    );
    assert_eq!(s.tables["codes"].columns[0].data_type, "varchar");
    assert_eq!(s.tables["plain"].columns[0].default, None);
    assert!(s.tables["joins"].primary_key.is_none());
}

#[test]
fn enums_virtual_columns_checks_and_comments() {
    let s = schema(
        r#"
  create_enum "account_status", ["ok", "syncing", "error"]
  create_table "accounts", comment: "Money accounts", force: :cascade do |t|
    t.enum "status", default: "ok", null: false, enum_type: "account_status"
    t.decimal "a", precision: 19, scale: 4, comment: "cash"
    t.virtual "b", type: :decimal, precision: 19, scale: 4, as: "(a + 1)", stored: true
    t.string "tags", default: [], array: true
    t.jsonb "settings", default: {}, null: false
    t.check_constraint "a >= 0", name: "a_positive"
    t.check_constraint "a < 100"
  end"#,
    );
    assert_eq!(s.enums["account_status"].values, ["ok", "syncing", "error"]);
    let t = &s.tables["accounts"];
    assert_eq!(t.comment.as_deref(), Some("Money accounts"));
    assert_eq!(t.columns[1].data_type, "account_status");
    assert_eq!(t.columns[2].comment.as_deref(), Some("cash"));
    assert_eq!(t.columns[3].data_type, "numeric(19,4)");
    assert!(
        s.notes.iter().any(|n| n.contains("GENERATED")),
        "{:?}",
        s.notes
    );
    assert_eq!(t.columns[4].default.as_deref(), Some("'{}'::varchar[]"));
    assert_eq!(t.columns[5].default.as_deref(), Some("'{}'::jsonb"));
    let names: Vec<&str> = t
        .check_constraints
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert!(names.contains(&"a_positive"), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("chk_rails_")),
        "{names:?}"
    );
}

#[test]
fn references_timestamps_and_foreign_key_options() {
    let s = schema(
        r#"
  create_table "users", force: :cascade do |t|
  end
  create_table "comments", force: :cascade do |t|
    t.references "user", null: false, foreign_key: true
    t.references "commentable", polymorphic: true
    t.bigint "author_id"
    t.timestamps
  end
  add_foreign_key "comments", "users", column: "author_id", name: "fk_author", on_delete: :nullify, on_update: :cascade, deferrable: :deferred, validate: false"#,
    );
    let t = &s.tables["comments"];
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        cols,
        [
            "id",
            "user_id",
            "commentable_type",
            "commentable_id",
            "author_id",
            "created_at",
            "updated_at"
        ]
    );
    assert!(!t.columns[1].nullable);
    assert!(t.index("index_comments_on_user_id").is_some());
    assert!(t.index("index_comments_on_commentable").is_some());
    let fk = t
        .foreign_keys
        .iter()
        .find(|f| f.name == "fk_author")
        .unwrap();
    assert_eq!(fk.on_delete, crate::schema::FkAction::SetNull);
    assert_eq!(fk.on_update, crate::schema::FkAction::Cascade);
    assert!(fk.deferrable && fk.initially_deferred && !fk.validated);
    assert!(t
        .foreign_keys
        .iter()
        .any(|f| f.columns == ["user_id"] && f.ref_table == "users"));
}

#[test]
fn old_files_heredocs_and_unknown_statements() {
    let text = r#"ActiveRecord::Schema.define(version: 20150101000000) do
  create_table "users", :force => true do |t|
    t.string   "email",      :default => "", :null => false
    t.datetime "created_at"
  end
  add_index "users", ["email"], :name => "index_users_on_email", :unique => true
  create_view "user_emails", sql_definition: <<-SQL
      SELECT users.email
     FROM users;
  SQL
  add_index "user_emails", ["email"], name: "index_user_emails_on_email", unique: true
  create_virtual_table "users_fts", "fts5", ["email"]
end
"#;
    let s = load(text, "db/schema.rb").unwrap();
    let users = &s.tables["users"];
    // Before Rails 7.0, a datetime without precision: has none.
    assert_eq!(users.columns[2].data_type, "timestamp");
    assert!(users.index("index_users_on_email").unwrap().unique);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("VIEW") && n.contains("line 7")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("create_virtual_table") && n.contains("line 12")),
        "{:?}",
        s.notes
    );
}

#[test]
fn qualified_tables_schemas_and_exclusion_constraints() {
    let s = schema(
        r#"
  create_schema "audit"
  enable_extension "btree_gist"
  create_table "audit.events", force: :cascade do |t|
    t.bigint "room_id"
    t.tsrange "during"
    t.exclusion_constraint "room_id WITH =, during WITH &&", using: :gist, name: "no_overlap"
    t.unique_constraint ["room_id"], deferrable: :immediate, name: "one_room"
  end"#,
    );
    let t = &s.tables["audit.events"];
    assert_eq!(t.exclusion_constraints[0].name, "no_overlap");
    assert_eq!(t.unique_constraints[0].name, "one_room");
}

#[test]
fn hstore_and_hash_defaults() {
    let s = schema(
        r#"
  create_table "gems", force: :cascade do |t|
    t.hstore "metadata", default: {}, null: false
    t.hstore "flags", default: { "a" => "1" }
    t.jsonb "config", default: { "retries" => 3 }
    t.jsonb "capabilities", default: [], null: false
  end"#,
    );
    let t = &s.tables["gems"];
    assert_eq!(t.columns[1].default.as_deref(), Some("''::hstore"));
    assert_eq!(
        t.columns[2].default.as_deref(),
        Some("'\"a\"=>\"1\"'::hstore")
    );
    assert_eq!(
        t.columns[3].default.as_deref(),
        Some("'{\"retries\":3}'::jsonb")
    ); // mastodon's `t.jsonb "capabilities", default: []`: a JSON array, not a PostgreSQL one.
    assert_eq!(t.columns[4].default.as_deref(), Some("'[]'::jsonb"));
}

/// An old lobsters `schema.rb` (MySQL): a MySQL-only default and view are noted, the rest loads.
#[test]
fn sql_postgresql_refuses_is_noted_not_fatal() {
    let s = schema(
        r#"
  create_table "story_texts", charset: "utf8mb4", force: :cascade do |t|
    t.string "title", limit: 150, default: "", null: false
    t.timestamp "created_at", default: -> { "current_timestamp() ON UPDATE current_timestamp()" }, null: false
    t.index ["title"], name: "index_story_texts_on_title", type: :fulltext
  end
  create_view "replying_comments", sql_definition: <<-SQL
      select `story_texts`.`title` AS `title` from `story_texts`
  SQL"#,
    );
    let t = &s.tables["story_texts"];
    assert_eq!(t.columns[2].default, None);
    assert!(t.index("index_story_texts_on_title").is_some());
    let notes = s.notes.join("\n");
    assert!(
        notes.contains("ignored the default of story_texts.created_at"),
        "{notes}"
    );
    assert!(
        notes.contains("ignored `CREATE VIEW \"replying_comments\" AS"),
        "{notes}"
    );
}

/// `force: :cascade` drops a table of the same name first (a bad merge once left human-essentials'
/// schema.rb with `users` twice; Rails loads it, the later definition winning).
#[test]
fn a_table_created_twice_with_force_keeps_the_later_definition() {
    let s = schema(
        r#"
  create_table "users", force: :cascade do |t|
    t.string "email"
  end
  create_table "users", force: :cascade do |t|
    t.string "email"
    t.string "name"
  end"#,
    );
    assert_eq!(s.tables["users"].columns.len(), 3);
    assert!(
        s.notes.iter().any(|n| n.contains("created twice")),
        "{:?}",
        s.notes
    );
}

/// Found by `fuzz_schema_rb_reader`: garbled literals (a `]` inside a hash, a `)` or `}` inside
/// an array) made the reader hang or run out of memory; it now reads to the end.
#[test]
fn stray_closers_inside_literals_do_not_hang() {
    let text = "ActiveRecord::Schema[8.0].define(version: 1) do\n  create_table \"t\" do |t|\n    t.jsonb \"m\", default: { ] }\n    t.text \"a\", default: [ ) ], array: true\n    t.text \"b\", default: [}\n  end\nend\n";
    let _ = load(text, "db/schema.rb");
    for cut in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        let _ = load(&text[..cut], "db/schema.rb");
    }
}
