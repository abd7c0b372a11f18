//! A throwaway database (`migsmith_verify_<random>`) on a PostgreSQL server: created for one
//! verification, dropped afterwards (`DROP DATABASE … WITH (FORCE)`) on success, failure or
//! interruption. The user's own databases are only ever connected to, never written.

use super::cleanup::{self, CleanupGuard};
use super::VerifyError;
use crate::schema::live::redact_url;
use postgres::{Client, Config, NoTls};
use std::str::FromStr;

/// Prefix of every scratch database name (tests look for leftovers with it).
pub const PREFIX: &str = "migsmith_verify_";

/// Where scratch databases are created: a server and the credentials to reach it.
#[derive(Clone)]
pub struct Server {
    config: Config,
    /// How to show this server to people (password removed).
    pub display: String,
}

impl Server {
    /// A server from a connection URL (`postgres://user:pass@host:port/db`) or key=value string.
    pub fn from_url(url: &str) -> Result<Server, VerifyError> {
        let config = Config::from_str(url).map_err(|e| VerifyError::BadUrl {
            url: redact_url(url),
            message: e.to_string(),
        })?;
        Ok(Server {
            config,
            display: redact_url(url),
        })
    }

    /// A server on 127.0.0.1:`port` reached as `user` without a password (an ephemeral cluster).
    pub fn local(port: u16, user: &str) -> Server {
        let mut config = Config::new();
        config
            .host("127.0.0.1")
            .port(port)
            .user(user)
            .dbname("postgres");
        Server {
            config,
            display: format!("postgres://{user}@127.0.0.1:{port}/postgres"),
        }
    }

    /// Connect to the database named in the URL (the administrative connection).
    pub fn connect_admin(&self) -> Result<Client, VerifyError> {
        self.connect_to(None)
    }

    /// Connect to `database` on this server (or to the URL's database with `None`).
    pub fn connect_to(&self, database: Option<&str>) -> Result<Client, VerifyError> {
        let mut config = self.config.clone();
        if let Some(db) = database {
            config.dbname(db);
        }
        config.application_name("migsmith verify");
        config.connect(NoTls).map_err(|e| VerifyError::Connect {
            target: self.display.clone(),
            message: super::db_message(&e),
        })
    }
}

/// A scratch database; dropped when this value is dropped or the process is interrupted.
pub struct ScratchDb {
    pub server: Server,
    pub name: String,
    _guard: CleanupGuard,
}

/// A fresh random-enough suffix: time, pid and a counter, hashed.
fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

impl ScratchDb {
    /// `CREATE DATABASE migsmith_verify_<random>` on `server`.
    pub fn create(server: &Server) -> Result<ScratchDb, VerifyError> {
        let name = format!("{PREFIX}{}", random_suffix());
        let mut admin = server.connect_admin()?;
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .map_err(|e| VerifyError::Scratch(format!(
                "cannot create the scratch database `{name}` on {}: {} (the user needs the CREATEDB privilege)",
                server.display,
                super::db_message(&e)
            )))?;
        let (drop_server, drop_name) = (server.clone(), name.clone());
        let guard = cleanup::register(move || drop_database(&drop_server, &drop_name));
        Ok(ScratchDb {
            server: server.clone(),
            name,
            _guard: guard,
        })
    }

    pub fn connect(&self) -> Result<Client, VerifyError> {
        self.server.connect_to(Some(&self.name))
    }
}

fn drop_database(server: &Server, name: &str) {
    match server.connect_admin() {
        Ok(mut admin) => {
            if let Err(e) =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            {
                eprintln!(
                    "warning: could not drop the scratch database `{name}` on {}: {}; drop it by hand",
                    server.display,
                    super::db_message(&e)
                );
            }
        }
        Err(e) => eprintln!(
            "warning: could not reconnect to drop the scratch database `{name}`: {e}; drop it by hand"
        ),
    }
}
