//! An ephemeral PostgreSQL cluster: `initdb` into a fresh temp directory, `pg_ctl start` on a
//! free port bound to 127.0.0.1, stopped (`-m immediate`) and its directory deleted afterwards —
//! on success, failure or interruption. Run as root, the server binaries run as the `postgres`
//! user (PostgreSQL refuses to run as root) and the directory is chowned to it.

use super::cleanup::{self, CleanupGuard};
use super::scratch::Server;
use super::VerifyError;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Prefix of every cluster directory (tests look for leftovers with it).
pub const DIR_PREFIX: &str = "migsmith_verify_";

/// A running throwaway cluster.
pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    pub version: String,
    _guard: CleanupGuard,
}

/// The directory holding `initdb` and `pg_ctl`: `$MIGSMITH_PG_BINDIR`, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian/Ubuntu), else `pg_config --bindir`, else `$PATH`.
pub fn find_bindir() -> Result<PathBuf, VerifyError> {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("MIGSMITH_PG_BINDIR").map(PathBuf::from) {
        return if has_tools(&dir) {
            Ok(dir)
        } else {
            Err(VerifyError::NoServerBinaries(format!(
                "MIGSMITH_PG_BINDIR={} has no initdb/pg_ctl",
                dir.display()
            )))
        };
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_tools(&bin).then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Ok(dir);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_tools(&dir) {
            return Ok(dir);
        }
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if has_tools(&dir) {
            return Ok(dir);
        }
    }
    Err(VerifyError::NoServerBinaries(
        "no initdb/pg_ctl in /usr/lib/postgresql/*/bin, `pg_config --bindir` or $PATH".into(),
    ))
}

/// uid and gid of a user, from /etc/passwd.
fn user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 3 && fields[0] == name)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16, VerifyError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| VerifyError::Cluster(format!("cannot find a free port: {e}")))
}

/// How to run the server binaries: as ourselves, or (as root) as `postgres`.
#[derive(Clone, Copy)]
struct RunAs(Option<(u32, u32)>);

impl RunAs {
    fn command(self, program: PathBuf, dir: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(dir)
            .env("LC_ALL", "C")
            // Keep Ctrl-C in the terminal away from the server: we stop it ourselves.
            .process_group(0);
        if let Some((uid, gid)) = self.0 {
            cmd.uid(uid).gid(gid).env("HOME", dir);
        }
        cmd
    }
}

fn run(mut cmd: Command, what: &str) -> Result<(), VerifyError> {
    let out = cmd
        .output()
        .map_err(|e| VerifyError::Cluster(format!("cannot run {what}: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(VerifyError::Cluster(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        )))
    }
}

impl Cluster {
    /// initdb + pg_ctl start; ready to accept connections when this returns.
    pub fn start() -> Result<Cluster, VerifyError> {
        let bindir = find_bindir()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let is_root = unsafe { libc::geteuid() } == 0;
        let run_as = if is_root {
            RunAs(Some(user_ids("postgres").ok_or_else(|| {
                VerifyError::Cluster(
                    "running as root, and there is no `postgres` user to run the server as \
                     (PostgreSQL refuses to run as root): create one, or run as an ordinary user"
                        .into(),
                )
            })?))
        } else {
            RunAs(None)
        };
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| VerifyError::Cluster(format!("cannot create a temp directory: {e}")))?
            .keep();
        // From here on the directory exists: register its removal before anything can fail.
        let port = free_port()?;
        let (stop_bindir, stop_dir) = (bindir.clone(), dir.clone());
        let guard = cleanup::register(move || stop_and_remove(&stop_bindir, &stop_dir, run_as));
        if let Some((uid, gid)) = run_as.0 {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| {
                VerifyError::Cluster(format!("cannot chown {} to postgres: {e}", dir.display()))
            })?;
        }
        let data = dir.join("data");
        let mut initdb = run_as.command(bindir.join("initdb"), &dir);
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ]);
        run(initdb, "initdb")?;
        let mut pg_ctl = run_as.command(bindir.join("pg_ctl"), &dir);
        pg_ctl
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .arg("-o")
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                dir.display()
            ))
            .args(["-w", "-t", "60", "start"]);
        run(pg_ctl, "pg_ctl start").map_err(|e| {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            VerifyError::Cluster(format!("{e}\nserver log:\n{log}"))
        })?;
        let version = std::fs::read_to_string(data.join("PG_VERSION"))
            .unwrap_or_default()
            .trim()
            .to_string();
        Ok(Cluster {
            dir,
            port,
            version,
            _guard: guard,
        })
    }

    /// The cluster as a server to create scratch databases on.
    pub fn server(&self) -> Server {
        Server::local(self.port, "postgres")
    }
}

fn stop_and_remove(bindir: &Path, dir: &Path, run_as: RunAs) {
    let data = dir.join("data");
    if data.join("postmaster.pid").exists() {
        let mut pg_ctl = run_as.command(bindir.join("pg_ctl"), dir);
        pg_ctl
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"]);
        if let Err(e) = run(pg_ctl, "pg_ctl stop") {
            eprintln!(
                "warning: could not stop the ephemeral cluster in {}: {e}",
                dir.display()
            );
        }
    }
    if let Err(e) = std::fs::remove_dir_all(dir) {
        eprintln!(
            "warning: could not remove {}: {e}; remove it by hand",
            dir.display()
        );
    }
}
