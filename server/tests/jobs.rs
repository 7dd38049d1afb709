//! Durable jobs: two nodes claim a job once; a job whose node died is resumed elsewhere, and
//! one that keeps killing its node fails; cancelling stops a job; old jobs and their files are
//! cleaned up; progress and the end reach the owner's tabs live, with a notification.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::ids::{JobId, PortalId};
use app::jobs::ssr::{repo, runner};
use common::TestServer;
use common::exports::*;
use serde_json::json;

fn no_job_worker(config: &mut app::ssr::config::Config) {
    config.workers_off = vec!["jobs".into()];
}

both_backends!(
    two_nodes_racing_claim_a_job_once,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        for _ in 0..5 {
            let job = export_tasks(&eve, json!({}), "csv").await;
            let db = server.state.db.clone();
            let lease = runner::LEASE.as_millis() as i64;
            let now = app::ssr::now_ms();
            let (a, b) = tokio::join!(
                repo::claim(&db, "node-a", now, lease),
                repo::claim(&db, "node-b", now, lease)
            );
            let claimed: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
            assert_eq!(claimed.len(), 1, "claimed by both or neither");
            assert_eq!(claimed[0].id, JobId(job));
            assert_eq!(claimed[0].attempts, 1);
            // Claimed: nobody else gets it while the lease holds.
            assert!(
                repo::claim(&db, "node-c", now, lease)
                    .await
                    .unwrap()
                    .is_none()
            );
            eve.ok_json("cancel_job", json!({ "id": job })).await;
        }
    }
);

both_backends!(
    a_job_whose_node_died_is_resumed_elsewhere,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        let job = export_tasks(&eve, json!({ "section": "all" }), "xlsx").await;
        let now = app::ssr::now_ms();
        // A node took it and is still alive (its lease holds): nobody takes it over.
        server
            .sql(&format!(
                "UPDATE jobs SET state = 'running', claimed_by = 'node-dead', attempts = 1, \
                 lease_until = {} WHERE id = {job}",
                now + 60_000
            ))
            .await;
        assert!(!runner::run_next(&server.state, "node-b").await.unwrap());
        // It died: its lease ran out.
        server
            .sql(&format!(
                "UPDATE jobs SET lease_until = {} WHERE id = {job}",
                now - 1000
            ))
            .await;
        assert!(runner::run_next(&server.state, "node-b").await.unwrap());
        let view = eve.ok_json("job", json!({ "id": job })).await;
        assert_eq!(view["state"], "done", "{view}");
        assert_eq!(
            server
                .scalar(&format!("SELECT attempts FROM jobs WHERE id = {job}"))
                .await,
            2
        );
        assert_eq!(
            read_xlsx(&download(&eve, job).await.1)["rows"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        // A job that keeps killing its node is failed, not retried for ever.
        let job = export_tasks(&eve, json!({}), "csv").await;
        server
            .sql(&format!(
                "UPDATE jobs SET state = 'running', claimed_by = 'node-dead', attempts = 3, \
                 lease_until = {} WHERE id = {job}",
                now - 1000
            ))
            .await;
        assert!(runner::run_next(&server.state, "node-b").await.unwrap());
        let view = eve.ok_json("job", json!({ "id": job })).await;
        assert_eq!(view["state"], "failed");
        assert!(view["error"].as_str().unwrap().contains("several times"));
    }
);

both_backends!(
    cancelling_stops_a_job,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        // Waiting: it never starts.
        let job = export_tasks(&eve, json!({}), "csv").await;
        let view = eve.ok_json("cancel_job", json!({ "id": job })).await;
        assert_eq!(view["state"], "cancelled");
        assert!(!runner::run_next(&server.state, "node-a").await.unwrap());
        // Cancelling twice is fine; cancelling a finished one is refused.
        eve.ok_json("cancel_job", json!({ "id": job })).await;
        let done = export_tasks(&eve, json!({}), "csv").await;
        assert!(runner::run_next(&server.state, "node-a").await.unwrap());
        eve.refused_json("cancel_job", json!({ "id": done }), "Invalid")
            .await;
        // Running on a node: the node loses it, and its next progress report stops the work.
        let job = export_tasks(&eve, json!({}), "csv").await;
        let db = server.state.db.clone();
        let row = repo::claim(&db, "node-a", app::ssr::now_ms(), 60_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.id, JobId(job));
        eve.ok_json("cancel_job", json!({ "id": job })).await;
        assert!(
            !repo::store_progress(&db.writer, row.portal_id, row.id, "node-a", 1, 3)
                .await
                .unwrap()
        );
        assert!(
            !repo::renew(&db.writer, &row, "node-a", app::ssr::now_ms() + 60_000)
                .await
                .unwrap()
        );
        assert_eq!(
            eve.ok_json("job", json!({ "id": job })).await["state"],
            "cancelled"
        );
        assert_eq!(eve.get(&format!("/jobs/{job}/file")).await.status(), 404);
    }
);

both_backends!(
    old_jobs_and_their_files_are_cleaned_up,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        let old = export_tasks(&eve, json!({}), "csv").await;
        let recent = export_tasks(&eve, json!({}), "csv").await;
        for job in [old, recent] {
            assert_eq!(wait_done(&eve, job).await["state"], "done");
        }
        let portal = PortalId(
            server
                .scalar(&format!("SELECT portal_id FROM jobs WHERE id = {old}"))
                .await,
        );
        let stored = |job: i64| {
            let state = server.state.clone();
            async move {
                state
                    .storage
                    .get(portal, &runner::result_key(JobId(job)))
                    .await
                    .is_ok()
            }
        };
        assert!(stored(old).await);
        let long_ago = app::ssr::now_ms() - 8 * DAY_MS;
        server
            .sql(&format!(
                "UPDATE jobs SET finished_at = {long_ago} WHERE id = {old}"
            ))
            .await;
        runner::clean_up(&server.state).await.unwrap();
        // The old one is gone with its stored file; the recent one is kept with its file.
        assert_eq!(
            server
                .scalar(&format!("SELECT COUNT(*) FROM jobs WHERE id = {old}"))
                .await,
            0
        );
        assert!(!stored(old).await, "the old export's file is still stored");
        assert_eq!(eve.get(&format!("/jobs/{old}/file")).await.status(), 404);
        assert!(stored(recent).await);
        assert_eq!(eve.get(&format!("/jobs/{recent}/file")).await.status(), 200);
    }
);

both_backends!(
    the_active_jobs_limit_holds_against_requests_sent_at_once,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        let answers = futures::future::join_all(
            (0..10).map(|_| eve.call_json("export_tasks", json!({ "query": {}, "format": "csv" }))),
        )
        .await;
        let started = answers
            .iter()
            .filter(|(status, _)| status.is_success())
            .count();
        assert_eq!(started, 5, "{answers:?}");
        for (_, body) in answers.iter().filter(|(status, _)| !status.is_success()) {
            assert_eq!(body["error"], "LimitReached", "{body}");
        }
        assert_eq!(server.scalar("SELECT COUNT(*) FROM jobs").await, 5);
    }
);

both_backends!(
    an_export_is_no_longer_its_owners_once_their_role_changed,
    |server: TestServer| async move {
        let (ann, eve, _) = people_and_tasks(&server).await;
        // Ann exports every task as an admin, then becomes an employee: the file, which holds
        // tasks she can no longer open, is not hers to download any more.
        let job = export_tasks(&ann, json!({ "section": "all", "status": "any" }), "csv").await;
        assert_eq!(wait_done(&ann, job).await["state"], "done");
        assert_eq!(ann.get(&format!("/jobs/{job}/file")).await.status(), 200);
        let ann_id = ann.me_id().await;
        server
            .sql(&format!(
                "UPDATE users SET role = 'employee' WHERE id = {ann_id}"
            ))
            .await;
        assert_eq!(ann.get(&format!("/jobs/{job}/file")).await.status(), 404);
        // Nor is it anyone else's.
        assert_eq!(eve.get(&format!("/jobs/{job}/file")).await.status(), 404);
    }
);

both_backends!(
    progress_and_the_end_reach_the_owner_live,
    no_job_worker,
    |server: TestServer| async move {
        let (ann, eve, _) = people_and_tasks(&server).await;
        let mut eve_socket = common::websocket(&eve).await.unwrap();
        let mut ann_socket = common::websocket(&ann).await.unwrap();
        common::drain(&mut eve_socket, 300).await;
        common::drain(&mut ann_socket, 300).await;
        let job = export_tasks(&eve, json!({ "section": "all" }), "xlsx").await;
        assert!(runner::run_next(&server.state, "node-a").await.unwrap());
        // The owner's tab hears the job start, then end, and the notification that says so.
        let mut states = Vec::new();
        let mut notified = None;
        while states.last().map(String::as_str) != Some("done") {
            let event = common::next_event(&mut eve_socket, 5).await;
            match event["type"].as_str().unwrap() {
                "job" => {
                    assert_eq!(event["domain"], "jobs", "{event}");
                    assert_eq!(event["job"]["id"], job);
                    states.push(event["job"]["state"].as_str().unwrap().to_owned());
                    if event["job"]["state"] == "done" {
                        assert_eq!(event["job"]["done"], event["job"]["total"], "{event}");
                        assert!(event["job"]["file_size"].as_i64().unwrap() > 0);
                    }
                }
                "notification" => notified = Some(event),
                _ => {}
            }
        }
        assert_eq!(
            states.first().map(String::as_str),
            Some("running"),
            "{states:?}"
        );
        let notified = notified.expect("a notification that the export is ready");
        assert!(
            notified["title"]
                .as_str()
                .unwrap()
                .starts_with("Your export is ready"),
            "{notified}"
        );
        assert_eq!(notified["link"], "/exports");
        // Nobody else hears of it.
        common::assert_no_event(&mut ann_socket, "job").await;
        common::assert_no_event(&mut ann_socket, "notification").await;
    }
);
