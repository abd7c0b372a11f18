//! Every renderer migsmith has, by name (`--framework NAME`).

use super::alembic::Alembic;
use super::django::Django;
use super::knex::Knex;
use super::laravel::Laravel;
use super::rails::Rails;
use super::sequelize::Sequelize;
use super::sql::RawSql;
use super::typeorm::TypeOrm;
use super::Renderer;
use super::{
    dbmate::Dbmate, diesel::Diesel, flyway::Flyway, golang_migrate::GolangMigrate, goose::Goose,
    liquibase::Liquibase, prisma::Prisma, sqlx::Sqlx,
};

/// All renderers, raw SQL first.
pub fn all() -> Vec<&'static dyn Renderer> {
    vec![
        &RawSql,
        &Flyway,
        &Prisma,
        &Liquibase,
        &Dbmate,
        &GolangMigrate,
        &Goose,
        &Diesel,
        &Sqlx,
        &Sequelize,
        &TypeOrm,
        &Django,
        &Rails,
        &Knex,
        &Alembic,
        &Laravel,
    ]
}

/// The renderer called `name` (its [`Renderer::name`]).
pub fn by_name(name: &str) -> Option<&'static dyn Renderer> {
    all().into_iter().find(|r| r.name() == name)
}

/// Names of every renderer, for error messages and `--help`.
pub fn names() -> Vec<&'static str> {
    all().into_iter().map(|r| r.name()).collect()
}
