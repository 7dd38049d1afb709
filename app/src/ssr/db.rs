//! The database: one `sqlx::AnyPool` for SQLite or MySQL/MariaDB, chosen by the URL scheme.
//! Queries are shared (`?` placeholders work in both); the few dialect differences live here.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/mysql");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
}

#[derive(Clone, Debug)]
pub struct Db {
    /// Reads, and on MySQL writes too.
    pub pool: AnyPool,
    /// Writes. On SQLite a pool of one connection: SQLite lets one writer in at a time, and
    /// writers queued here are served in turn, where writers racing for the file lock sleep in
    /// SQLite's busy handler (up to 100 ms a nap) and can be overtaken again and again. On
    /// MySQL the same pool as `pool`.
    pub writer: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// Closes both pools, waiting for connections in use to come back (a node stopping).
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// Connects, creating the SQLite file (and its folder) or the MySQL database if missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Backend::MySql
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or mysql:".into(),
            ));
        };
        let url = url.replacen("mariadb:", "mysql:", 1);
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                create_sqlite_parent(&url);
                let url = if url.contains('?') {
                    url
                } else {
                    format!("{url}?mode=rwc")
                };
                let pool = sqlite_pool(8).connect(&url).await?;
                let writer = sqlite_pool(1).connect(&url).await?;
                (pool, writer)
            }
            Backend::MySql => {
                create_mysql_database(&url).await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(32)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(&url)
                    .await?;
                (pool.clone(), pool)
            }
        };
        Ok(Self {
            pool,
            writer,
            backend,
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::MySql => MYSQL_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later fails with
    /// "database is locked" when another writer got in between, instead of waiting its turn.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::MySql => self.writer.begin().await,
        }
    }

    /// A connection for a few writes outside a transaction (see `writer`).
    pub async fn write(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.writer.acquire().await
    }

    /// Whether the error is a unique-key violation (a taken address, a duplicate e-mail).
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::Database(db) => {
                matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation)
                    || db.code().as_deref() == Some("23000")
                    || db.message().contains("UNIQUE constraint failed")
                    || db.message().contains("Duplicate entry")
            }
            _ => false,
        }
    }

    /// Case-insensitive "contains" for search boxes, the same in both dialects; use with
    /// `LIKE ? ESCAPE '!'` (a backslash means different things to MySQL and SQLite).
    pub fn like_pattern(term: &str) -> String {
        let escaped = term
            .replace('!', "!!")
            .replace('%', "!%")
            .replace('_', "!_");
        format!("%{}%", escaped.to_lowercase())
    }
}

fn sqlite_pool(connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        // Writers wait in the writer pool's queue, which is fair, rather than in the busy handler.
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                )
                .await?;
                Ok(())
            })
        })
}

fn create_sqlite_parent(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        let _ = std::fs::create_dir_all(parent);
    }
}

async fn create_mysql_database(url: &str) -> Result<(), sqlx::Error> {
    use sqlx::migrate::MigrateDatabase;
    if !sqlx::Any::database_exists(url).await? {
        sqlx::Any::create_database(url).await?;
    }
    Ok(())
}

/// Runs an INSERT and returns the new row's id. MySQL reports it with the result; SQLite
/// through the Any driver does not, so it is read back on the same connection.
pub async fn insert_id<'q>(
    conn: &mut sqlx::AnyConnection,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<i64, sqlx::Error> {
    let result = query.execute(&mut *conn).await?;
    if let Some(id) = result.last_insert_id() {
        return Ok(id);
    }
    sqlx::query_scalar("SELECT last_insert_rowid()")
        .fetch_one(&mut *conn)
        .await
}
