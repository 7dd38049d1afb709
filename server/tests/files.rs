//! Uploads and downloads: limits, quota, safe headers, isolation; local folder and S3 (Garage).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::Client;
use reqwest::StatusCode;

/// A real 3×2 RGB picture (decodable, so it gets a thumbnail).
const PICTURE: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x38\x21\x27\x07\x41\x0c\x70\x16\x00\x41\x00\x06\x19\x3c\x45\x41\x96\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

async fn upload(client: &Client, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    client
        .http
        .post(format!("{}{path}", client.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn photo_round_trip(server: &common::TestServer) {
    let admin = server.sign_up("acme", "ann@acme.test").await;
    let res = upload(
        &admin,
        "/uploads/photo",
        "../../etc/passwd <me>.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
    let me = admin.ok("session", &[]).await;
    let url = me["me"]["photo_url"].as_str().unwrap().to_owned();
    let got = admin.get(&url).await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    let disposition = got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("inline; filename=\"") && !disposition.contains('/'),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);
    // The user's file name is only metadata; the stored key is ours.
    let key: String = sqlx::query_scalar("SELECT storage_key FROM files")
        .fetch_one(&server.state.db.reader)
        .await
        .unwrap();
    assert!(key.starts_with("f/") && !key.contains(".."), "{key}");
    assert_eq!(
        server.scalar("SELECT storage_used FROM portals").await,
        PNG.len() as i64
    );
    // Another portal cannot fetch it, even knowing the id.
    let beta = server.sign_up("beta", "bob@beta.test").await;
    assert_eq!(beta.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        server.client("localhost").get(&url).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

both_backends!(
    photo_upload_and_download_locally,
    |server: common::TestServer| async move {
        photo_round_trip(&server).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_upload_and_download_on_s3() {
    let s3 = common::s3_config()
        .expect("S3 test server: run scripts/start-garage.sh and source its env");
    let server = common::TestServer::start_with(common::Backend::Sqlite, |c| {
        c.files = app::ssr::config::FilesConfig::S3(s3);
    })
    .await;
    photo_round_trip(&server).await;
}

both_backends!(
    bad_uploads_are_refused_and_change_nothing,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let big = [PNG.to_vec(), vec![0u8; 6 * 1024 * 1024]].concat();
        // The server answers 413 as soon as the limit is passed; the client may still be
        // sending and then sees the connection closed instead. Either way nothing is kept.
        let part = reqwest::multipart::Part::bytes(big).file_name("big.png".to_owned());
        let sent = admin
            .http
            .post(format!("{}/uploads/photo", admin.base))
            // Never back in the pool: a connection cut mid-body would fail the next request.
            .header("connection", "close")
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await;
        if let Ok(res) = sent {
            assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        }
        assert_eq!(server.scalar("SELECT COUNT(*) FROM files").await, 0);
        let res = upload(&admin, "/uploads/photo", "notes.txt", b"just text".to_vec()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = upload(&admin, "/uploads/photo", "empty.png", Vec::new()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        // A full quota refuses before anything is kept.
        server
            .sql("UPDATE plans SET max_storage_bytes = 50 WHERE code = 'free'")
            .await;
        let res = upload(&admin, "/uploads/photo", "ok.png", PNG.to_vec()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.unwrap().contains("LimitReached"));
        assert_eq!(server.scalar("SELECT COUNT(*) FROM files").await, 0);
        assert_eq!(server.scalar("SELECT storage_used FROM portals").await, 0);
        // Employees cannot change the logo.
        server
            .sql("UPDATE plans SET max_storage_bytes = 5368709120 WHERE code = 'free'")
            .await;
        let eve = common::accept(
            &server,
            &common::invite(&admin, "eve@acme.test", "employee").await,
            "Eve",
        )
        .await;
        assert_eq!(
            upload(&eve, "/uploads/logo", "l.png", PNG.to_vec())
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            upload(&admin, "/uploads/logo", "l.png", PNG.to_vec())
                .await
                .status(),
            StatusCode::OK
        );
    }
);

both_backends!(
    attachment_uploads_refuse_outsiders,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let guest = common::accept(
            &server,
            &common::invite(&admin, "guest@partner.test", "extranet").await,
            "Guest",
        )
        .await;
        let foreign = server.sign_up("beta", "bob@beta.test").await;
        let forged = server.client_with_cookie(&admin.host(), &foreign.session_token());
        let anonymous = server.client(&admin.host());
        for (who, client, status) in [
            ("an anonymous visitor", &anonymous, StatusCode::UNAUTHORIZED),
            (
                "another portal's session",
                &forged,
                StatusCode::UNAUTHORIZED,
            ),
            ("an extranet user", &guest, StatusCode::FORBIDDEN),
        ] {
            let res = upload(client, "/uploads/attachment", "a.txt", b"hello".to_vec()).await;
            assert_eq!(res.status(), status, "{who}");
        }
        assert_eq!(server.scalar("SELECT COUNT(*) FROM files").await, 0);
        // An attachment of this portal cannot be fetched from another portal's host by id.
        let res = upload(&admin, "/uploads/attachment", "a.txt", b"hello".to_vec()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let id = res.json::<serde_json::Value>().await.unwrap()["file_id"].clone();
        assert_eq!(foreign.get(&format!("/files/{id}")).await.status(), 404);
        assert_eq!(forged.get(&format!("/files/{id}")).await.status(), 401);
        assert_eq!(admin.get(&format!("/files/{id}")).await.status(), 200);
    }
);

both_backends!(
    a_file_is_claimed_once_and_read_by_its_owners_rule,
    |server: common::TestServer| async move {
        use serde_json::json;
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let eve = common::accept(
            &server,
            &common::invite(&admin, "eve@acme.test", "employee").await,
            "Eve",
        )
        .await;
        let carl = common::accept(
            &server,
            &common::invite(&admin, "carl@acme.test", "employee").await,
            "Carl",
        )
        .await;
        let ann_id = admin.me_id().await;
        let owner_of =
            |id: i64| format!("SELECT COUNT(*) FROM files WHERE id = {id} AND owner_kind IS NULL");

        // A fresh upload is nobody's yet: its uploader alone reads it.
        let file = eve.upload_attachment("plan.txt", b"plan".to_vec()).await["file_id"]
            .as_i64()
            .unwrap();
        assert_eq!(server.scalar(&owner_of(file)).await, 1);
        assert_eq!(carl.get(&format!("/files/{file}")).await.status(), 404);
        assert_eq!(eve.get(&format!("/files/{file}")).await.status(), 200);

        // Two posts racing for the same upload: exactly one gets it.
        let to_ann = json!({ "everyone": false, "departments": [], "people": [ann_id] });
        let post = |body: &'static str| {
            eve.call_json(
                "create_post",
                json!({ "kind": "post", "body": body, "recipients": to_ann.clone(), "attachments": [file] }),
            )
        };
        let (first, second) = tokio::join!(post("one"), post("two"));
        let won = [&first, &second]
            .iter()
            .filter(|(status, _)| status.is_success())
            .count();
        assert_eq!(won, 1, "{first:?} {second:?}");
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM files WHERE id = {file} AND owner_kind = 'post'"
                ))
                .await,
            1
        );
        // The post's rule now: Ann, to whom it is addressed, reads it; Carl does not.
        assert_eq!(admin.get(&format!("/files/{file}")).await.status(), 200);
        assert_eq!(carl.get(&format!("/files/{file}")).await.status(), 404);
        // Nor can it go on a task or a message afterwards.
        let task = eve
            .ok_json("create_task", json!({ "form": { "title": "Plan" } }))
            .await;
        eve.refused_json(
            "attach_task_files",
            json!({ "id": task, "files": [file] }),
            "Invalid",
        )
        .await;

        // On a task: whoever sees the task; taken off it, its uploader's alone again.
        let spec = eve.upload_attachment("spec.txt", b"spec".to_vec()).await["file_id"]
            .as_i64()
            .unwrap();
        eve.ok_json("attach_task_files", json!({ "id": task, "files": [spec] }))
            .await;
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM files WHERE id = {spec} AND owner_kind = 'task' AND owner_ref = {task}"
                ))
                .await,
            1
        );
        assert_eq!(carl.get(&format!("/files/{spec}")).await.status(), 404);
        eve.ok_json("remove_task_file", json!({ "id": task, "file": spec }))
            .await;
        assert_eq!(server.scalar(&owner_of(spec)).await, 1);
        assert_eq!(eve.get(&format!("/files/{spec}")).await.status(), 200);

        // A thumbnail follows its picture: it cannot be attached on its own.
        let picture = eve.upload_attachment("team.png", PICTURE.to_vec()).await;
        let thumb: i64 = picture["thumb_url"]
            .as_str()
            .expect("a picture gets a thumbnail")
            .trim_start_matches("/files/")
            .parse()
            .unwrap();
        eve.refused_json(
            "attach_task_files",
            json!({ "id": task, "files": [thumb] }),
            "Invalid",
        )
        .await;
        eve.ok_json(
            "attach_task_files",
            json!({ "id": task, "files": [picture["file_id"]] }),
        )
        .await;
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM files WHERE id = {thumb} AND owner_kind = 'task'"
                ))
                .await,
            1
        );
        // Deleting the task deletes its files, thumbnails too, and frees their space.
        let before = server.scalar("SELECT COUNT(*) FROM files").await;
        eve.ok_json("delete_task", json!({ "id": task })).await;
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM files").await,
            before - 2
        );
        assert_eq!(
            eve.get(&format!("/files/{}", picture["file_id"]))
                .await
                .status(),
            404
        );

        // Photos and logos belong to their person and portal.
        let res = upload(&admin, "/uploads/photo", "me.png", PNG.to_vec()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM files WHERE owner_kind = 'photo' AND owner_ref = {ann_id}"
                ))
                .await,
            1
        );
        let photo = server
            .scalar("SELECT id FROM files WHERE owner_kind = 'photo'")
            .await;
        assert_eq!(carl.get(&format!("/files/{photo}")).await.status(), 200);
        let res = upload(&admin, "/uploads/logo", "logo.png", PNG.to_vec()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM files WHERE owner_kind = 'logo'")
                .await,
            1
        );
    }
);
