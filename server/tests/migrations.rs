//! Migrations that reshape data already there: run on a database holding rows written the
//! old way, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use app::ssr::db::Db;

/// Runs the backend's migrations whose file names sort from `from` to before `before`.
async fn migrate_range(db: &Db, folder: &str, from: &str, before: &str) {
    let mut files: Vec<_> = std::fs::read_dir(format!("../migrations/{folder}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name >= from && name < before
        })
        .collect();
    files.sort();
    for file in files {
        let sql = std::fs::read_to_string(&file).unwrap();
        sqlx::raw_sql(&sql)
            .execute(&db.writer)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&db.reader)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// 0010 gives every existing file the owner that pointed at it, thumbnails their picture's.
async fn files_get_their_owners(db: Db, folder: &str) {
    migrate_range(&db, folder, "0000", "0010").await;
    let rows = [
        "INSERT INTO portals (id, slug, name, plan_id, time_zone, language, created_at, logo_file_id) \
         VALUES (7, 'acme', 'Acme', 1, 'UTC', 'en', 0, 16)",
        "INSERT INTO users (id, portal_id, email, password_hash, name, role, created_at, photo_file_id) \
         VALUES (3, 7, 'a@acme.test', 'x', 'Ann', 'admin', 0, 14)",
        "INSERT INTO chats (id, portal_id, kind, activity_at, created_by, created_at, avatar_file_id) \
         VALUES (5, 7, 'group', 0, 3, 0, 12)",
        "INSERT INTO chat_messages (id, portal_id, chat_id, seq, sender_id, kind, body, client_key, created_at, changed_at) \
         VALUES (9, 7, 5, 1, 3, 'text', '', 'k', 0, 0)",
        "INSERT INTO chat_files (message_id, portal_id, file_id) VALUES (9, 7, 10)",
        "INSERT INTO task_files (task_id, portal_id, file_id, added_by, added_at) VALUES (4, 7, 8, 3, 0)",
        "INSERT INTO feed_attachments (portal_id, post_id, comment_id, file_id, thumb_file_id, position) \
         VALUES (7, 2, 0, 2, 4, 0)",
        "INSERT INTO file_previews (file_id, portal_id, thumb_file_id, width, height) VALUES (2, 7, 4, 3, 2)",
        "INSERT INTO file_previews (file_id, portal_id, thumb_file_id, width, height) VALUES (10, 7, 18, 3, 2)",
    ];
    for sql in rows {
        sqlx::query(sql)
            .execute(&db.writer)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    // Files 2 (a post's picture) and 4 (its thumbnail), 8 (a task's), 10 (a message's) and
    // 18 (its thumbnail), 12 (a chat's picture), 14 (a photo), 16 (the logo), 20 (nobody's).
    for id in [2, 4, 8, 10, 12, 14, 16, 18, 20] {
        sqlx::query(
            "INSERT INTO files (id, portal_id, owner_id, storage_key, file_name, content_type, size_bytes, created_at, purpose) \
             VALUES (?, 7, 3, 'k', 'f', 'image/png', 1, 0, 'attachment')",
        )
        .bind(id)
        .execute(&db.writer)
        .await
        .unwrap();
    }
    migrate_range(&db, folder, "0010", "0011").await;
    let owner = |id: i64| {
        format!(
            "SELECT COUNT(*) FROM files WHERE id = {id} AND portal_id = 7 AND {}",
            "owner_kind = '{kind}' AND owner_ref = {of}"
        )
    };
    for (id, kind, of) in [
        (2, "post", 2),
        (4, "post", 2),
        (8, "task", 4),
        (10, "chat", 5),
        (18, "chat", 5),
        (12, "chat", 5),
        (14, "photo", 3),
        (16, "logo", 7),
    ] {
        let sql = owner(id)
            .replace("{kind}", kind)
            .replace("{of}", &of.to_string());
        assert_eq!(
            scalar(&db, &sql).await,
            1,
            "file {id} should belong to {kind} {of}"
        );
    }
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM files WHERE id = 20 AND owner_kind IS NULL AND owner_ref IS NULL"
        )
        .await,
        1
    );
    // Thumbnails can no longer be attached on their own.
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM files WHERE purpose = 'thumbnail'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn file_owners_are_filled_in_on_sqlite() {
    let dir = common::temp_dir();
    let db = Db::connect(&format!("sqlite://{}/agora.db", dir.display()))
        .await
        .unwrap();
    files_get_their_owners(db, "sqlite").await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn file_owners_are_filled_in_on_mariadb() {
    let url = common::fresh_mysql_url();
    let db = Db::connect(&url).await.unwrap();
    let name = url.rsplit('/').next().unwrap().to_owned();
    files_get_their_owners(db.clone(), "mysql").await;
    sqlx::raw_sql(&format!("DROP DATABASE `{name}`"))
        .execute(&db.writer)
        .await
        .unwrap();
}
