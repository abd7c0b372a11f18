//! The reader on `tests/fixtures/django/nested`: two apps inside a package, a swapped user
//! model, relations, renames, a check and a RunSQL. `tests/django_static.rs` compares the same
//! fixture with what `manage.py migrate` builds on PostgreSQL.

use super::*;
use crate::schema::IndexKey;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/django/nested")
}

#[test]
fn apps_are_replayed_in_dependency_order_across_apps() {
    let (schema, used) = load(&fixture()).unwrap();
    let used: Vec<String> = used
        .iter()
        .map(|p| p.strip_prefix(fixture()).unwrap().display().to_string())
        .collect();
    assert_eq!(
        used,
        [
            "shopproj/accounts/migrations/0001_initial.py",
            "shopproj/catalog/migrations/0001_initial.py",
            "shopproj/catalog/migrations/0002_changes.py",
            "shopproj/catalog/migrations/0003_drop.py",
        ]
    );
    let tables: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
    assert_eq!(
        tables,
        [
            "accounts_customer",
            "accounts_customer_groups",
            "auth_group",
            "auth_group_permissions",
            "auth_permission",
            "catalog_category",
            "catalog_product",
            "catalog_product_labels",
            "catalog_product_related",
            "catalog_tags",
            "django_content_type",
        ]
    );
}

#[test]
fn columns_types_and_names_are_djangos() {
    let (schema, _) = load(&fixture()).unwrap();
    let p = &schema.tables["catalog_product"];
    let cols: Vec<(&str, &str, bool)> = p
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
        .collect();
    assert_eq!(
        cols,
        [
            ("id", "bigint", false),
            ("title", "varchar(200)", false),
            ("price", "numeric(10,2)", false),
            ("stock", "bigint", true),
            ("created_at", "timestamptz", false),
            ("category_id", "varchar(20)", false),
            ("owner_id", "bigint", true),
            ("stock_code", "varchar(40)", false),
        ]
    );
    // The FK to the swapped user model, named as Django names it; the AlterField's
    // PositiveIntegerField check is gone; the deferred index follows the column's rename.
    assert!(p.foreign_keys.iter().any(|f| f.name
        == "catalog_product_owner_id_3142d196_fk_accounts_customer_id"
        && f.ref_table == "accounts_customer"
        && f.deferrable));
    let checks: Vec<&str> = p
        .check_constraints
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(checks, ["price_not_negative"]);
    assert!(p.index("catalog_product_stock_code_4c646cf3").is_some());
    assert_eq!(
        p.index("catalog_pro_created_idx").unwrap().columns[1],
        IndexKey::Column("title".into())
    );
    // Self-referential many-to-many: from_/to_ columns.
    let related = &schema.tables["catalog_product_related"];
    let names: Vec<&str> = related.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "from_product_id", "to_product_id"]);
    assert!(schema.tables["catalog_tags"]
        .index("catalog_tags_label_c37b9980_like")
        .is_some());
    assert!(
        schema.notes.iter().any(|n| n.contains("RunPython")),
        "{:?}",
        schema.notes
    );
    assert!(
        schema
            .notes
            .iter()
            .any(|n| n.contains("Django's own apps (auth, contenttypes)")),
        "{:?}",
        schema.notes
    );
}

/// Django's own apps with the stock user model: `auth_user` exists, the project's foreign key
/// to `settings.AUTH_USER_MODEL` references it, and a RunSQL built in Python is a note.
#[test]
fn stock_user_model_and_admin_come_from_django_itself() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let write = |p: &str, t: &str| {
        let p = r.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
    };
    write(
        "manage.py",
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
    );
    write(
        "site/settings.py",
        "INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'notes']\n",
    );
    write(
        "notes/migrations/0001_initial.py",
        "from django.db import migrations, models\nfrom django.conf import settings\n\nclass Migration(migrations.Migration):\n    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]\n    operations = [\n        migrations.CreateModel(name='Note', fields=[\n            ('id', models.AutoField(primary_key=True, serialize=False)),\n            ('author', models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)),\n        ]),\n        migrations.RunSQL(make_sql()),\n    ]\n",
    );
    let (schema, _) = load(r).unwrap();
    for t in [
        "auth_user",
        "auth_user_groups",
        "django_admin_log",
        "django_content_type",
    ] {
        assert!(
            schema.tables.contains_key(t),
            "{t}: {:?}",
            schema.tables.keys()
        );
    }
    let note = &schema.tables["notes_note"];
    assert_eq!(note.columns[1].data_type, "integer");
    assert_eq!(note.foreign_keys[0].ref_table, "auth_user");
    // md5("notes_note" "author_id")[:8] = e9645357, as Django's names_digest computes it.
    assert_eq!(
        note.foreign_keys[0].name,
        "notes_note_author_id_e9645357_fk_auth_user_id"
    );
    assert!(
        schema
            .notes
            .iter()
            .any(|n| n.contains("computed in Python")),
        "{:?}",
        schema.notes
    );
}

/// tests/fuzz_corpus/django_oom2.py (found by `fuzz_django_migration_reader`): a `]` spliced
/// into `AlterField(…)`'s arguments made the call-argument loop stand still, pushing empty
/// arguments until the allocation aborted the process. It is now read (and applied) to the end.
#[test]
fn a_stray_bracket_in_operation_arguments_does_not_run_out_of_memory() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/django_oom2.py");
    let text = std::fs::read_to_string(path).unwrap();
    let m = graph::read(
        "catalog",
        "catalog/migrations/0002_changes.py".into(),
        &text,
        "auth",
    );
    assert!(!m.operations.is_empty());
    let mut e = editor::Editor::new(editor::Settings {
        use_tz: true,
        user_model: ("auth".into(), "user".into()),
        default_auto_field: "AutoField".into(),
        app_auto_field: Default::default(),
        texts: vec![],
    });
    e.migrate(&m);
    let _ = e.finish();
}
