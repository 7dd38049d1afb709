-- Workgroups and projects: named teams with members in roles (owner, moderator, member).
-- Open groups are visible to every employee, who may join them; closed groups only to their
-- members (and administrators). Extranet users reach only groups they were added to.

CREATE TABLE workgroups (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    name VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
    description VARCHAR(4000) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
    -- A project has a time line (tasks on a Gantt chart); a group is just a team.
    is_project BIGINT NOT NULL DEFAULT 0,
    -- open | closed
    visibility VARCHAR(16) NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    archived_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX workgroups_portal ON workgroups(portal_id, name);

CREATE TABLE workgroup_members (
    group_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    -- owner | moderator | member
    role VARCHAR(16) NOT NULL,
    added_by BIGINT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX workgroup_members_user ON workgroup_members(portal_id, user_id, group_id);
