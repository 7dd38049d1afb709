-- Tasks: who does what by when. A task belongs to the portal, optionally to a workgroup or
-- project (group_id) and to a parent task (subtasks). The people on it are in task_members;
-- the list sections, counters and visibility all read that table through its indexes.

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    group_id BIGINT,
    parent_id BIGINT,
    -- A column of the project's Kanban board (task_stages), when the project has stages.
    stage_id BIGINT,
    title TEXT NOT NULL,
    -- Rich text, the same markup as feed posts.
    description TEXT NOT NULL DEFAULT '',
    creator_id BIGINT NOT NULL,
    responsible_id BIGINT NOT NULL,
    -- new | in_progress | review | done | deferred
    status TEXT NOT NULL,
    -- low | normal | high
    priority TEXT NOT NULL,
    -- Completion by anyone but the creator waits in "review" until the creator accepts it.
    require_review BIGINT NOT NULL DEFAULT 0,
    start_at BIGINT,
    end_at BIGINT,
    deadline BIGINT,
    estimate_minutes BIGINT,
    -- Denormalised for the list: checklist progress and time spent.
    checklist_total BIGINT NOT NULL DEFAULT 0,
    checklist_done BIGINT NOT NULL DEFAULT 0,
    spent_seconds BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    -- The last change of any kind (the list's default order).
    activity_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX tasks_portal_activity ON tasks(portal_id, activity_at, id);
CREATE INDEX tasks_group ON tasks(portal_id, group_id, id);
CREATE INDEX tasks_parent ON tasks(portal_id, parent_id);

-- One row per person and role on a task: responsible, accomplice (co-executor), auditor
-- (observer), creator (only when the creator is not also the responsible: the "I assigned"
-- section). The task's open flag, deadline and activity are copied here so a section's page
-- and its counters are range scans of one index.
CREATE TABLE task_members (
    task_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    is_open BIGINT NOT NULL,
    deadline BIGINT,
    activity_at BIGINT NOT NULL,
    -- Something changed that this person has not looked at yet.
    unseen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, user_id, role)
);
CREATE INDEX task_members_section ON task_members(portal_id, user_id, role, is_open, activity_at, task_id);
CREATE INDEX task_members_counters ON task_members(portal_id, user_id, is_open, role, deadline, unseen);

CREATE TABLE task_tags (
    task_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (task_id, tag)
);
CREATE INDEX task_tags_tag ON task_tags(portal_id, tag, task_id);

-- Checklist items, in named sections ('' = the default one), ticked by someone at some time.
CREATE TABLE task_checklist (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    section TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    done_by BIGINT,
    done_at BIGINT
);
CREATE INDEX task_checklist_task ON task_checklist(portal_id, task_id, position);

CREATE TABLE task_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT
);
CREATE INDEX task_comments_task ON task_comments(portal_id, task_id, id);

CREATE TABLE task_files (
    task_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    file_id BIGINT NOT NULL,
    added_by BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (task_id, file_id)
);
CREATE INDEX task_files_file ON task_files(portal_id, file_id);

-- Every change: who, when, which field, from what to what (as shown to people).
CREATE TABLE task_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_history_task ON task_history(portal_id, task_id, id);

-- Dependencies: `successor` waits on `predecessor`. kind: fs (finish-to-start), ss
-- (start-to-start), ff (finish-to-finish).
CREATE TABLE task_links (
    portal_id BIGINT NOT NULL,
    predecessor_id BIGINT NOT NULL,
    successor_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX task_links_successor ON task_links(portal_id, successor_id);

-- Time spent: a running timer has no stopped_at; manual entries are entered as spans.
CREATE TABLE task_time (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    stopped_at BIGINT,
    seconds BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_time_task ON task_time(portal_id, task_id, id);
CREATE INDEX task_time_running ON task_time(portal_id, user_id, stopped_at);

-- Kanban columns of a project.
CREATE TABLE task_stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX task_stages_group ON task_stages(portal_id, group_id, position);

-- A person's saved list filters (JSON of the filter form).
CREATE TABLE task_filters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX task_filters_user ON task_filters(portal_id, user_id, id);
