-- Foundation: plans, portals, people, sessions, invitations, mail outbox, notifications, files.
-- Times are unix milliseconds (UTC). Flags are 0/1 integers (the same in both backends).

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    max_users BIGINT NOT NULL,
    max_storage_bytes BIGINT NOT NULL
);

CREATE TABLE portals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    time_zone TEXT NOT NULL,
    language TEXT NOT NULL,
    logo_file_id BIGINT,
    storage_used BIGINT NOT NULL DEFAULT 0,
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL REFERENCES portals(id),
    name TEXT NOT NULL,
    parent_id BIGINT,
    head_user_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX departments_portal ON departments(portal_id, parent_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL REFERENCES portals(id),
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    department_id BIGINT,
    position TEXT NOT NULL DEFAULT '',
    manager_id BIGINT,
    phone TEXT NOT NULL DEFAULT '',
    about TEXT NOT NULL DEFAULT '',
    photo_file_id BIGINT,
    is_active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_portal_email ON users(portal_id, email);
CREATE INDEX users_portal_department ON users(portal_id, department_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    remember BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(portal_id, user_id);

CREATE TABLE login_handoffs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    department_id BIGINT,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX invitations_portal ON invitations(portal_id, created_at);

CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX login_attempts_lookup ON login_attempts(portal_id, email, created_at);

CREATE TABLE outbox_emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox_emails(sent_at, id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(portal_id, user_id, read_at);

CREATE TABLE files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX files_portal ON files(portal_id, owner_id);

INSERT INTO plans (code, name, max_users, max_storage_bytes) VALUES
    ('free', 'Free', 12, 5368709120),
    ('standard', 'Standard', 100, 107374182400),
    ('enterprise', 'Enterprise', 5000, 1099511627776);
