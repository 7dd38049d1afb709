-- Task templates: a task to create again and again, by hand or on a schedule. `form` holds
-- the task's fields as JSON; its dates are offsets from when the task is created.
CREATE TABLE task_templates (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    -- Whose template it is; recurring tasks are created in their name.
    owner_id BIGINT NOT NULL,
    name VARCHAR(250) COLLATE utf8mb4_unicode_ci NOT NULL,
    form VARCHAR(16000) COLLATE utf8mb4_unicode_ci NOT NULL,
    -- daily | weekly | monthly, or NULL when it does not repeat.
    repeat_every VARCHAR(16),
    -- The first due time: later ones keep its time of day (and day of the month).
    repeat_anchor BIGINT,
    -- When the next recurring task is due; NULL when nothing is scheduled.
    next_run_at BIGINT,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX task_templates_owner ON task_templates(portal_id, owner_id, id);
CREATE INDEX task_templates_due ON task_templates(next_run_at);

-- One row per template and due time: the claim that makes a recurring task appear exactly
-- once, whichever node's scheduler gets there first (the key refuses a second claim).
CREATE TABLE task_template_runs (
    template_id BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    -- The task created; NULL when it could not be (the owner was told why).
    task_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (template_id, due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
