-- Durable background jobs: long work a person starts (exports now; imports and big reports
-- later). A node claims a job by setting `claimed_by` and a lease it keeps renewing; a job
-- whose lease ran out belonged to a node that died, and another node takes it over.
-- The result is a file in the portal's storage under `result_key`, downloadable by the owner
-- only; it is not a `files` row (not shared, not counted in the quota, gone after some days).

CREATE TABLE jobs (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    -- The owner's role when they started it: the file is theirs only while it is the same
    -- (an admin's export of every task is not for the employee they became).
    owner_role VARCHAR(16) NOT NULL,
    -- The registered kind that runs it, e.g. `tasks.export`.
    kind VARCHAR(64) NOT NULL,
    -- What the person sees, e.g. "Tasks (XLSX)".
    title VARCHAR(200) COLLATE utf8mb4_unicode_ci NOT NULL,
    -- The kind's parameters, as JSON.
    params VARCHAR(8000) NOT NULL,
    -- queued | running | done | failed | cancelled
    state VARCHAR(16) NOT NULL,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    -- Claims so far: a job that keeps killing its node is failed after a few.
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_by VARCHAR(64),
    lease_until BIGINT,
    result_key VARCHAR(200),
    result_name VARCHAR(255) COLLATE utf8mb4_unicode_ci,
    result_type VARCHAR(100),
    result_size BIGINT,
    error VARCHAR(1000) COLLATE utf8mb4_unicode_ci,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX jobs_owner ON jobs(portal_id, owner_id, id);
-- The workers' claim across portals: queued jobs, and running ones by lease.
CREATE INDEX jobs_claim ON jobs(state, lease_until);
