use super::*;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("database/migrations");
    std::fs::create_dir_all(&m).unwrap();
    for (name, text) in files {
        std::fs::write(m.join(name), text).unwrap();
    }
    dir
}

fn load(files: &[(&str, &str)]) -> Schema {
    let dir = dir_with(files);
    replay_dir(&dir.path().join("database/migrations"))
        .unwrap()
        .0
}

const USERS: &str = r#"<?php
use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up(): void
    {
        Schema::create('users', function (Blueprint $table) {
            $table->id();
            $table->string('name');
            $table->string('email', 100)->unique();
            $table->boolean('active')->default(true);
            $table->decimal('balance', 10, 2)->default(0);
            $table->enum('role', ['user', 'admin'])->default('user');
            $table->json('settings')->nullable(); // trailing comment
            $table->rememberToken();
            $table->timestamps();
            $table->softDeletes();
        });
    }

    public function down(): void
    {
        Schema::dropIfExists('users');
    }
};
"#;

const POSTS: &str = r#"<?php
return new class extends Migration {
    public function up()
    {
        Schema::create('posts', function (Blueprint $t) {
            $t->bigIncrements('id');
            $t->foreignId('user_id')->constrained()->cascadeOnDelete();
            $t->unsignedInteger('category_id')->nullable();
            $t->string('title');
            $t->timestamp('published_at')->nullable()->index();
            $t->morphs('owner');
            $t->index(['user_id', 'title']);
            $t->foreign('category_id')->references('id')->on('categories')->onDelete('set null');
            $t->fullText('title');
        });
        DB::statement('CREATE INDEX posts_lower_title ON posts (lower(title))');
        DB::table('posts')->insert(['title' => 'x']);
    }
};
"#;

const ALTER: &str = r#"<?php
class AlterThings extends Migration {
    public function up() {
        Schema::table('users', function (Blueprint $table) {
            $table->string('name', 200)->nullable()->change();
            $table->renameColumn('email', 'mail');
            $table->dropColumn(['settings', 'remember_token']);
            $table->integer('age')->nullable()->comment('years');
            $table->frobnicate('x');
        });
        Schema::table('posts', function (Blueprint $table) {
            $table->dropForeign(['user_id']);
            $table->dropIndex(['user_id', 'title']);
        });
        Schema::rename('posts', 'articles');
        Schema::drop('categories');
    }
    public function down() {
        Schema::create('never', function (Blueprint $table) { $table->id(); });
    }
}
"#;

const CATEGORIES: &str = r#"<?php
return new class extends Migration {
    public function up(): void {
        Schema::create('categories', function (Blueprint $table) {
            $table->increments('id');
            $table->string("name");
        });
    }
};
"#;

#[test]
fn create_types_defaults_and_keys_follow_the_pgsql_grammar() {
    let s = load(&[("2014_10_12_000000_create_users_table.php", USERS)]);
    let u = &s.tables["users"];
    let col = |n: &str| u.column(n).unwrap_or_else(|| panic!("{n}: {u:?}"));
    assert_eq!(col("id").data_type, "bigint");
    assert!(col("id").serial_sequence.is_some());
    assert_eq!(u.primary_key.as_ref().unwrap().columns, ["id"]);
    assert_eq!(col("name").data_type, "varchar(255)");
    assert!(!col("name").nullable);
    assert_eq!(col("email").data_type, "varchar(100)");
    assert_eq!(u.unique_constraints[0].name, "users_email_unique");
    assert_eq!(col("active").default.as_deref(), Some("true"));
    assert_eq!(col("balance").data_type, "numeric(10,2)");
    assert_eq!(col("role").data_type, "varchar(255)");
    assert_eq!(u.check_constraints[0].name, "users_role_check");
    assert!(col("settings").nullable);
    assert_eq!(col("remember_token").data_type, "varchar(100)");
    assert_eq!(col("created_at").data_type, "timestamp(0)");
    assert_eq!(col("deleted_at").data_type, "timestamp(0)");
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    assert!(!s.tables.contains_key("never"));
}

#[test]
fn foreign_ids_morphs_indexes_statements_and_notes() {
    let s = load(&[
        ("2014_10_12_000000_create_users_table.php", USERS),
        ("2015_01_01_000000_create_categories.php", CATEGORIES),
        ("2015_01_02_000000_create_posts.php", POSTS),
    ]);
    let p = &s.tables["posts"];
    let fk = |n: &str| {
        p.foreign_keys
            .iter()
            .find(|f| f.name == n)
            .unwrap_or_else(|| panic!("{n}: {:?}", p.foreign_keys))
    };
    assert_eq!(fk("posts_user_id_foreign").ref_table, "users");
    assert_eq!(
        fk("posts_user_id_foreign").on_delete,
        crate::schema::FkAction::Cascade
    );
    assert_eq!(
        fk("posts_category_id_foreign").on_delete,
        crate::schema::FkAction::SetNull
    );
    let idx: Vec<&str> = p.indexes.iter().map(|i| i.name.as_str()).collect();
    for n in [
        "posts_published_at_index",
        "posts_owner_type_owner_id_index",
        "posts_user_id_title_index",
        "posts_lower_title",
    ] {
        assert!(idx.contains(&n), "{n}: {idx:?}");
    }
    assert_eq!(p.column("owner_id").unwrap().data_type, "bigint");
    let ft = p
        .index("posts_title_fulltext")
        .expect("fullText is a GIN index");
    assert_eq!(ft.method, "gin");
    // A call migsmith does not know is a note naming the file and line.
    let m = "<?php\nreturn new class extends Migration {\n    public function up() {\n        Schema::table('posts', function (Blueprint $t) {\n            $t->spatialIndex('title');\n        });\n    }\n};\n";
    let s = load(&[
        ("2014_10_12_000000_create_users_table.php", USERS),
        ("2015_01_01_000000_create_categories.php", CATEGORIES),
        ("2015_01_02_000000_create_posts.php", POSTS),
        ("2015_01_03_000000_spatial.php", m),
    ]);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("2015_01_03_000000_spatial.php:5") && n.contains("spatialIndex")),
        "{:?}",
        s.notes
    );
}

#[test]
fn table_changes_renames_and_drops_replay_in_order() {
    let s = load(&[
        ("2014_10_12_000000_create_users_table.php", USERS),
        ("2015_01_01_000000_create_categories.php", CATEGORIES),
        ("2015_01_02_000000_create_posts.php", POSTS),
        ("2016_01_01_000000_alter_things.php", ALTER),
    ]);
    let u = &s.tables["users"];
    let name = u.column("name").unwrap();
    assert_eq!(
        (name.data_type.as_str(), name.nullable),
        ("varchar(200)", true)
    );
    assert!(u.column("mail").is_some() && u.column("email").is_none());
    assert!(u.column("settings").is_none() && u.column("remember_token").is_none());
    assert_eq!(u.column("age").unwrap().comment.as_deref(), Some("years"));
    assert!(
        s.notes.iter().any(|n| n.contains("frobnicate")),
        "{:?}",
        s.notes
    );
    assert!(!s.tables.contains_key("posts") && !s.tables.contains_key("categories"));
    let a = &s.tables["articles"];
    assert!(a
        .foreign_keys
        .iter()
        .all(|f| f.name != "posts_user_id_foreign"));
    assert!(a
        .indexes
        .iter()
        .all(|i| i.name != "posts_user_id_title_index"));
}

/// What the interpreter refuses (here a MySQL-only statement) is a note naming the file and
/// line, and the replay goes on.
#[test]
fn refused_statements_become_notes() {
    let m = r#"<?php
return new class extends Migration {
    public function up(): void {
        DB::statement('ALTER TABLE users MODIFY name VARCHAR(10)');
        Schema::table('users', function (Blueprint $table) { $table->string('x')->nullable(); });
    }
};
"#;
    let s = load(&[
        ("2014_10_12_000000_create_users_table.php", USERS),
        ("2020_01_01_000000_mysql.php", m),
    ]);
    assert!(s.tables["users"].column("x").is_some());
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("2020_01_01_000000_mysql.php:4: skipped")),
        "{:?}",
        s.notes
    );
}

/// `schema:dump` output is read first; the migrations it lists are not replayed again.
#[test]
fn a_pgsql_schema_dump_is_read_first() {
    let dir = dir_with(&[
        ("2014_10_12_000000_create_users_table.php", USERS),
        ("2015_01_01_000000_create_categories.php", CATEGORIES),
    ]);
    let schema_dir = dir.path().join("database/schema");
    std::fs::create_dir_all(&schema_dir).unwrap();
    std::fs::write(
        schema_dir.join("pgsql-schema.sql"),
        "CREATE TABLE public.users (id bigint NOT NULL, legacy text);\n\
         CREATE TABLE public.migrations (id integer NOT NULL, migration varchar(255) NOT NULL, batch integer NOT NULL);\n\
         INSERT INTO public.migrations VALUES (1, '2014_10_12_000000_create_users_table', 1);\n",
    )
    .unwrap();
    let (s, used) = replay_dir(&dir.path().join("database/migrations")).unwrap();
    assert_eq!(used.len(), 2, "{used:?}");
    assert!(s.tables["users"].column("legacy").is_some());
    assert!(s.tables.contains_key("categories"));
}

#[test]
fn literals_and_plurals() {
    assert_eq!(lit("'it\\'s'"), Lit::Str("it's".into()));
    assert_eq!(lit("[ 'a', \"b\" ]").names(), ["a", "b"]);
    assert_eq!(lit("DB::raw('now()')"), Lit::Raw("now()".into()));
    assert_eq!(lit("length: 20"), Lit::Num("20".into()));
    assert_eq!(plural("category"), "categories");
    assert_eq!(plural("user"), "users");
    assert_eq!(plural("day"), "days");
}

/// Branches for other drivers are not read; literal variables fill table names and
/// interpolations.
#[test]
fn driver_branches_and_literal_variables() {
    let m = r#"<?php
return new class extends Migration {
    public function up(): void {
        $t = 'users';
        $prefix = DB::getTablePrefix();
        Schema::table($t, function (Blueprint $table) {
            if (DB::getDriverName() === 'mysql') {
                $table->string('only_mysql');
            } else {
                $table->string('not_mysql')->nullable();
            }
            if (DB::getDriverName() !== 'sqlite') {
                $table->string('not_sqlite')->nullable();
            }
        });
        DB::statement("CREATE INDEX users_name_idx ON {$prefix}users (name)");
    }
};
"#;
    let s = load(&[
        ("2014_10_12_000000_create_users_table.php", USERS),
        ("2020_01_01_000000_drivers.php", m),
    ]);
    let u = &s.tables["users"];
    assert!(u.column("only_mysql").is_none());
    assert!(u.column("not_mysql").is_some() && u.column("not_sqlite").is_some());
    assert!(u.index("users_name_idx").is_some(), "{:?}", s.notes);
    assert_eq!(driver_test("DB::getDriverName() === 'pgsql'"), Some(true));
    assert_eq!(driver_test("'sqlite' !== DB::getDriverName()"), Some(true));
    assert_eq!(driver_test("$x === 1"), None);
}
