-- Workgroups and projects: named teams with members in roles (owner, moderator, member).
-- Open groups are visible to every employee, who may join them; closed groups only to their
-- members (and administrators). Extranet users reach only groups they were added to.

CREATE TABLE workgroups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- A project has a time line (tasks on a Gantt chart); a group is just a team.
    is_project BIGINT NOT NULL DEFAULT 0,
    -- open | closed
    visibility TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE INDEX workgroups_portal ON workgroups(portal_id, name);

CREATE TABLE workgroup_members (
    group_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    -- owner | moderator | member
    role TEXT NOT NULL,
    added_by BIGINT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX workgroup_members_user ON workgroup_members(portal_id, user_id, group_id);
