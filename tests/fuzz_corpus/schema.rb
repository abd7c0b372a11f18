# This file is auto-generated from the current state of the database.
ActiveRecord::Schema[7.1].define(version: 2024_01_02_000000) do
  # These are extensions that must be enabled in order to support this database
  enable_extension "plpgsql"

  create_enum "status", ["active", "archived"]

  create_table "posts", force: :cascade do |t|
    t.string "title", limit: 200, null: false
    t.bigint "user_id", null: false
    t.decimal "price", precision: 10, scale: 2
    t.text "tags", default: [], array: true
    t.jsonb "meta", default: {}
    t.enum "state", default: "active", null: false, enum_type: "status"
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
    t.index ["user_id", "created_at"], name: "index_posts_on_user_id_and_created_at"
    t.index ["title"], name: "index_posts_on_title", where: "(price > (0)::numeric)"
    t.check_constraint "price >= 0", name: "price_non_negative"
  end

  create_table "users", id: :uuid, default: -> { "gen_random_uuid()" }, force: :cascade do |t|
    t.string "email", null: false
    t.boolean "admin", default: false, null: false
    t.string "status", default: "active"
    t.integer "age", limit: 2
    t.references "account"
  end

  add_index "users", ["email"], name: "index_users_on_email", unique: true
  add_foreign_key "posts", "users", on_delete: :cascade
end
