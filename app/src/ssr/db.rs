//! The database: SQLite or MySQL/MariaDB through `sqlx::Any`, chosen by the URL scheme.
//! Queries are shared (`?` placeholders work in both); the few dialect differences live here.
//!
//! Reads and writes go through different types, `Reader` and `Writer`, so a function's
//! signature says which it does. The reader's connections are read-only in the database itself
//! (SQLite `query_only`, a MySQL read-only session), so a write sent through it fails at once,
//! in the tests, instead of quietly bypassing the SQLite writer queue.

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use sqlx::any::{AnyPoolOptions, AnyQueryResult, AnyRow, AnyTypeInfo, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Either, Execute, Executor};
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
    /// Reads: a pool of read-only connections.
    pub reader: Reader,
    /// Writes. On SQLite a pool of one connection: SQLite lets one writer in at a time, and
    /// writers queued here are served in turn, where writers racing for the file lock sleep in
    /// SQLite's busy handler (up to 100 ms a nap) and can be overtaken again and again. On
    /// MySQL a pool of its own beside the reader's.
    pub writer: Writer,
    pub backend: Backend,
}

/// The read pool. It runs queries like any executor (`.fetch_all(&state.db.reader)`), but its
/// connections refuse writes: "attempt to write a readonly database" on SQLite, "Cannot
/// execute statement in a READ ONLY transaction" on MySQL.
#[derive(Clone, Debug)]
pub struct Reader(AnyPool);

/// The write pool: writes outside a transaction (`.execute(&state.db.writer)`), and
/// transactions through `Db::begin`.
#[derive(Clone, Debug)]
pub struct Writer(AnyPool);

impl Reader {
    /// One connection for several reads in a row (it refuses writes as the pool does).
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Any>, sqlx::Error> {
        self.0.acquire().await
    }

    /// A read transaction: every read in it sees the database as it was at the first one, so
    /// a job walking thousands of pages (an export) neither skips nor repeats a row that
    /// someone edits meanwhile. Dropping it ends it. Keep it to one job's reads: a long one
    /// holds old row versions (MariaDB) or the WAL (SQLite) until it ends.
    pub async fn snapshot(&self) -> Result<sqlx::Transaction<'static, Any>, sqlx::Error> {
        self.0.begin().await
    }
}

/// Both pools run queries exactly as `&AnyPool` does.
macro_rules! executor_for {
    ($pool:ty) => {
        impl<'p> Executor<'p> for &'_ $pool {
            type Database = Any;

            fn fetch_many<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
            where
                'p: 'e,
                E: 'q + Execute<'q, Any>,
            {
                (&self.0).fetch_many(query)
            }

            fn fetch_optional<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
            where
                'p: 'e,
                E: 'q + Execute<'q, Any>,
            {
                (&self.0).fetch_optional(query)
            }

            fn prepare_with<'e, 'q: 'e>(
                self,
                sql: &'q str,
                parameters: &'e [AnyTypeInfo],
            ) -> BoxFuture<'e, Result<sqlx::any::AnyStatement<'q>, sqlx::Error>>
            where
                'p: 'e,
            {
                (&self.0).prepare_with(sql, parameters)
            }

            fn describe<'e, 'q: 'e>(
                self,
                sql: &'q str,
            ) -> BoxFuture<'e, Result<sqlx::Describe<Any>, sqlx::Error>>
            where
                'p: 'e,
            {
                (&self.0).describe(sql)
            }
        }
    };
}

executor_for!(Reader);
executor_for!(Writer);

impl Db {
    /// Closes both pools, waiting for connections in use to come back (a node stopping).
    pub async fn close(&self) {
        self.writer.0.close().await;
        self.reader.0.close().await;
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
        let (reader, writer) = match backend {
            Backend::Sqlite => {
                create_sqlite_parent(&url);
                let url = if url.contains('?') {
                    url
                } else {
                    format!("{url}?mode=rwc")
                };
                // The writer first: it creates the file and sets WAL before readers open it.
                let writer = sqlite_pool(1, "").connect(&url).await?;
                let reader = sqlite_pool(8, " PRAGMA query_only = ON;")
                    .connect(&url)
                    .await?;
                (reader, writer)
            }
            Backend::MySql => {
                create_mysql_database(&url).await?;
                let reader = AnyPoolOptions::new()
                    .max_connections(32)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("SET SESSION TRANSACTION READ ONLY").await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?;
                let writer = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(&url)
                    .await?;
                (reader, writer)
            }
        };
        Ok(Self {
            reader: Reader(reader),
            writer: Writer(writer),
            backend,
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.writer.0).await,
            Backend::MySql => MYSQL_MIGRATIONS.run(&self.writer.0).await,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later fails with
    /// "database is locked" when another writer got in between, instead of waiting its turn.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.0.begin_with("BEGIN IMMEDIATE").await,
            Backend::MySql => self.writer.0.begin().await,
        }
    }

    /// A connection for a few writes outside a transaction (see `writer`).
    pub async fn write(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.writer.0.acquire().await
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

    /// ` FORCE INDEX (index)` on MariaDB, nothing on SQLite: for a keyset page whose index
    /// both orders and bounds the rows. With `ORDER BY … LIMIT`, MariaDB may pick `ref` on the
    /// index's first column and read backwards from the top, filtering the cursor's bound
    /// row by row, so page n reads every row before it (an export of 100,000 tasks read
    /// 90,000 rows for one page of 500); the hint makes it seek to the cursor (`range`).
    /// SQLite already seeks.
    pub fn seek_index(conn: &sqlx::AnyConnection, index: &'static str) -> String {
        if conn.backend_name().eq_ignore_ascii_case("mysql") {
            format!(" FORCE INDEX ({index})")
        } else {
            String::new()
        }
    }

    /// ` FOR UPDATE` on MariaDB, nothing on SQLite: locks the rows a transaction reads so
    /// that a second one touching them waits. SQLite needs nothing: its writer transactions
    /// (`BEGIN IMMEDIATE`) already run one at a time.
    pub fn for_update(conn: &sqlx::AnyConnection) -> &'static str {
        if conn.backend_name().eq_ignore_ascii_case("mysql") {
            " FOR UPDATE"
        } else {
            ""
        }
    }

    /// Case-insensitive "contains" for search boxes, the same in both dialects; use with
    /// `LIKE ? ESCAPE '!'` (a backslash means different things to MySQL and SQLite).
    pub fn like_pattern(term: &str) -> String {
        format!("%{}%", Self::like_escaped(term))
    }

    /// Case-insensitive "starts with", for ranking what starts with the term first; use
    /// like `like_pattern`.
    pub fn like_prefix(term: &str) -> String {
        format!("{}%", Self::like_escaped(term))
    }

    fn like_escaped(term: &str) -> String {
        term.replace('!', "!!")
            .replace('%', "!%")
            .replace('_', "!_")
            .to_lowercase()
    }
}

/// `extra_pragmas` ends the connection's set-up (the reader's `query_only`).
fn sqlite_pool(connections: u32, extra_pragmas: &'static str) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        // Writers wait in the writer pool's queue, which is fair, rather than in the busy handler.
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let pragmas = format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;{extra_pragmas}"
                );
                conn.execute(pragmas.as_str()).await?;
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
