-- A person's own time zone (a tz database name); NULL follows the portal's. Pages show every
-- date in it, and date filters and schedules read days in it.
ALTER TABLE users ADD COLUMN time_zone TEXT NULL;
