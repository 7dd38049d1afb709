#!/usr/bin/env python3
"""Writes, as SQL on stdout, the data of Agora's task benchmark (bench/src/taskgen.rs) in
Redmine 5.0's tables, for scripts/bench-redmine.sh. The database must have Redmine's schema
and default data (`rake db:migrate redmine:load_default_data`) and nothing else: ids are given
here, after the rows the migrations made (looked up by name: a server may step ids by 2).

The shape follows taskgen:
  - people: the administrator (Redmine's `admin`) and user1..user<N-1> (login `userN`, e-mail
    `userN@tasks.bench`, password `correct-horse-1`, as Agora's generated people);
  - projects: "Gantt 1000" (identifier `gantt`) then "Project 001"…, a third of them public,
    each with 10 members (its owner as Manager, the others as Developer); the reader (user7) is
    in the first one's team, and is also a Developer in every other project, so that every
    issue is visible to it (Agora's tasks without a project are put in a random project here);
  - issues: the big project's `--big` first (dated around today, a dependency between every
    third pair: `precedes`; subtasks as taskgen really writes them, see `gantt_issue`), then the
    others over two years, oldest first, 90 % in a random project's team and 10 % given to
    anyone (Agora's tasks without a project), with the same status, priority, start and
    deadline odds; Agora's co-executors and observers become watchers;
  - the 101st issue of the big project (the one the benchmarks open) gets five journals.
Nested sets are written consistent: projects are flat, ordered by name (as Redmine orders
siblings), and each issue tree has its own root_id/lft/rgt.

  gen.py --users 200 --projects 500 --issues 100000 --big 10000 | mariadb redmine_bench
"""
import argparse
import hashlib
import subprocess
import sys
import time
from datetime import datetime, timezone

DAY = 86_400_000
WORDS = (
    "team project release customer meeting office plan budget design review launch sales "
    "support quarter goal update thanks welcome deadline report idea training lunch feedback "
    "roadmap hiring demo partner contract invoice server mobile website campaign event summer "
    "holiday policy security question answer great work everyone today tomorrow next week "
    "please check"
).split()
PASSWORD = "correct-horse-1"
# Agora's statuses as Redmine's default ones (redmine:load_default_data, English).
STATUS_NAMES = {"new": "New", "in_progress": "In Progress", "review": "Resolved", "done": "Closed",
                "deferred": "Rejected"}
CLOSED = {"done", "deferred"}
# Setting.default_projects_modules: what a new project gets.
MODULES = ("issue_tracking", "time_tracking", "news", "documents", "files", "wiki",
           "repository", "boards", "calendar", "gantt")


class Rng:
    """taskgen's xorshift (bench/src/fill.rs)."""

    def __init__(self, seed):
        self.x = max(seed, 1)

    def below(self, n):
        x = self.x
        x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 7
        x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
        self.x = x
        return x % max(n, 1)


def sentence(rng, words):
    return " ".join(WORDS[rng.below(len(WORDS))] for _ in range(words)) + "."


def ts(ms):
    return "'" + datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S") + "'"


def date(ms):
    return "'" + datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d") + "'"


def sql(v):
    if v is None:
        return "NULL"
    if isinstance(v, str) and not v.startswith("'"):
        return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'"
    return str(v)


class Out:
    """Multi-row INSERTs of `batch` rows."""

    def __init__(self, batch):
        self.batch = batch
        self.w = sys.stdout.write

    def insert(self, table, columns, rows):
        for i in range(0, len(rows), self.batch):
            chunk = rows[i:i + self.batch]
            self.w(f"INSERT INTO {table} ({columns}) VALUES\n")
            self.w(",\n".join("(" + ",".join(sql(v) for v in r) + ")" for r in chunk))
            self.w(";\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=200, help="people in all, the administrator included")
    p.add_argument("--projects", type=int, default=500)
    p.add_argument("--members", type=int, default=10, help="members of each project, its owner included")
    p.add_argument("--issues", type=int, default=100_000)
    p.add_argument("--big", type=int, default=10_000, help="issues of the first project")
    p.add_argument("--reader", type=int, default=7)
    p.add_argument("--batch", type=int, default=1000, help="rows per INSERT")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--database", default="redmine_bench", help="read for the ids of Redmine's default data")
    a = p.parse_args()
    # Redmine's default data, by name: ids need not be 1, 2, 3… (a server may step them by 2).
    ids = lookup(a.database)
    global TRACKERS, STATUS, NORMAL, HIGH, MANAGER, DEVELOPER
    TRACKERS = tuple(ids["trackers"][n] for n in ("Bug", "Feature", "Support"))
    STATUS = {k: ids["issue_statuses"][n] for k, n in STATUS_NAMES.items()}
    NORMAL, HIGH = ids["enumerations"]["Normal"], ids["enumerations"]["High"]
    MANAGER, DEVELOPER = ids["roles"]["Manager"], ids["roles"]["Developer"]
    admin, first_user_id = ids["admin"], ids["next_user"]
    started = time.time()
    rng = Rng(a.seed)
    now = int(time.time() * 1000)
    two_years = 2 * 365 * DAY
    out = Out(a.batch)
    w = out.w
    w("SET autocommit=0, unique_checks=0, foreign_key_checks=0;\n")

    # People: Agora's people[0] is the administrator, here Redmine's admin (id 1).
    salt = hashlib.md5(b"agora-bench").hexdigest()
    hashed = hashlib.sha1((salt + hashlib.sha1(PASSWORD.encode()).hexdigest()).encode()).hexdigest()
    people = [admin]
    users, mails = [], []
    for u in range(1, a.users):
        uid = first_user_id + u - 1
        people.append(uid)
        users.append((uid, f"user{u}", hashed, salt, "Person", f"{u:04}", 0, 1, "en", ts(now - two_years),
                      ts(now - two_years), "User", "only_my_events", 0, ts(now - two_years)))
        mails.append((uid, f"user{u}@tasks.bench", 1, 0, ts(now - two_years), ts(now - two_years)))
    out.insert("users", "id, login, hashed_password, salt, firstname, lastname, admin, status, language, "
               "created_on, updated_on, type, mail_notification, must_change_passwd, passwd_changed_on", users)
    out.insert("email_addresses", "user_id, address, is_default, notify, created_on, updated_on", mails)
    reader = people[a.reader] if a.reader < len(people) else people[0]

    # Projects, flat; nested set in name order.
    names = ["Gantt 1000" if i == 0 else f"Project {i:03}" for i in range(a.projects)]
    order = sorted(range(a.projects), key=lambda i: names[i].lower())
    lft = {i: 2 * k + 1 for k, i in enumerate(order)}
    projects = list(range(1, a.projects + 1))
    rows, members = [], []
    for i in range(a.projects):
        rows.append((projects[i], names[i], sentence(rng, 8), "", 1 if i % 3 == 0 else 0,
                     "gantt" if i == 0 else f"project-{i:03}", 1, lft[i], lft[i] + 1, 0,
                     ts(now - two_years), ts(now - two_years)))
        team = [reader] if i == 0 else []
        while len(team) < min(a.members, len(people)):
            person = people[rng.below(len(people))]
            if person not in team:
                team.append(person)
        members.append(team)
    out.insert("projects", "id, name, description, homepage, is_public, identifier, status, lft, rgt, "
               "inherit_members, created_on, updated_on", rows)
    out.insert("projects_trackers", "project_id, tracker_id", [(pid, t) for pid in projects for t in TRACKERS])
    out.insert("enabled_modules", "project_id, name", [(pid, m) for pid in projects for m in MODULES])
    mrows, mroles = [], []
    for i, team in enumerate(members):
        everyone = team + ([] if reader in team else [reader])
        for k, person in enumerate(everyone):
            mid = len(mrows) + 1
            mrows.append((mid, person, projects[i], ts(now - two_years), 0))
            mroles.append((mid, MANAGER if k == 0 else DEVELOPER))
    out.insert("members", "id, user_id, project_id, created_on, mail_notification", mrows)
    out.insert("member_roles", "member_id, role_id", mroles)
    w("COMMIT;\n")
    print(f"{len(people)} people, {len(projects)} projects, {len(mrows)} memberships", file=sys.stderr)

    # Issues. A draft is a dict until its tree is known; ids are 1.. in order.
    total = max(a.issues, a.big)
    drafts = []
    for i in range(total):
        if i < a.big:
            drafts.append(gantt_issue(rng, members[0], i, now))
        else:
            k = i - a.big
            created = now - two_years + (two_years // max(total - a.big, 1)) * k
            group = 1 + rng.below(len(projects) - 1) if len(projects) > 1 and rng.below(10) != 0 else None
            team = people if group is None else members[group]
            d = other_issue(rng, team, people, created, now)
            # Agora's tasks without a project go to any project but the big one.
            d["project"] = projects[group if group is not None else (1 + rng.below(len(projects) - 1) if len(projects) > 1 else 0)]
            drafts.append(d)
        drafts[-1]["subject"] = sentence(rng, 3 + rng.below(6))
        drafts[-1]["priority"] = HIGH if rng.below(10) == 0 else NORMAL
        drafts[-1]["tracker"] = TRACKERS[rng.below(3)]
    # Trees: parents come before their children; root_id/lft/rgt by a depth-first walk.
    children = {}
    for n, d in enumerate(drafts):
        if d["parent"] is not None:
            children.setdefault(d["parent"], []).append(n)
    for n in sorted(children, reverse=True):  # derived dates, children first
        kids = [drafts[c] for c in children[n]]
        starts = [k["start"] for k in kids if k["start"] is not None]
        dues = [k["due"] for k in kids if k["due"] is not None]
        drafts[n]["start"] = min(starts) if starts else None
        drafts[n]["due"] = max(dues) if dues else None
    for n, d in enumerate(drafts):
        if d["parent"] is None:
            counter = [1]

            def walk(m, root):
                drafts[m]["root"], drafts[m]["lft"] = root, counter[0]
                counter[0] += 1
                for c in children.get(m, ()):
                    walk(c, root)
                drafts[m]["rgt"] = counter[0]
                counter[0] += 1

            walk(n, n + 1)
    rows, watchers = [], []
    for n, d in enumerate(drafts):
        closed = d["status"] in CLOSED
        rows.append((n + 1, d["tracker"], d["project"], d["subject"], STATUS[d["status"]], d["responsible"],
                     d["priority"], d["creator"], ts(d["created"]), ts(d["activity"]),
                     date(d["start"]) if d["start"] is not None else None,
                     date(d["due"]) if d["due"] is not None else None,
                     100 if closed else 0, None if d["parent"] is None else d["parent"] + 1,
                     d["root"], d["lft"], d["rgt"], 0, ts(d["activity"]) if closed else None))
        for person in d["watchers"]:
            watchers.append(("Issue", n + 1, person))
        if len(rows) >= a.batch * 10 or n + 1 == len(drafts):
            out.insert("issues", "id, tracker_id, project_id, subject, status_id, assigned_to_id, priority_id, "
                       "author_id, created_on, updated_on, start_date, due_date, done_ratio, parent_id, "
                       "root_id, lft, rgt, is_private, closed_on", rows)
            out.insert("watchers", "watchable_type, watchable_id, user_id", watchers)
            w("COMMIT;\n")
            rows, watchers = [], []
            if (n + 1) % 100_000 < a.batch * 10:
                print(f"{n + 1} issues ({time.time() - started:.0f} s)", file=sys.stderr)

    # Dependencies in the big project: each third issue precedes the next one (taskgen's task_links).
    rels = [(f + 1, f + 2, "precedes", 0) for f in range(0, max(a.big - 1, 0), 3)]
    out.insert("issue_relations", "issue_from_id, issue_to_id, relation_type, delay", rels)

    # The issue the benchmark opens (the big project's 101st, as bench-pages.sh picks its task):
    # three comments, a status change and a reassignment.
    target = min(101, total)
    team = members[0]
    t = drafts[target - 1]["created"]
    journals = [(1, team[1 % len(team)], sentence(rng, 25), t + DAY, None),
                (2, team[2 % len(team)], sentence(rng, 40), t + 2 * DAY, None),
                (3, team[0], "", t + 3 * DAY, ("attr", "status_id", "1", "2")),
                (4, reader, sentence(rng, 12), t + 4 * DAY, ("attr", "assigned_to_id", str(team[1 % len(team)]), str(drafts[target - 1]["responsible"]))),
                (5, team[1 % len(team)], sentence(rng, 60), t + 5 * DAY, None)]
    out.insert("journals", "id, journalized_id, journalized_type, user_id, notes, created_on, private_notes",
               [(j, target, "Issue", u, notes, ts(at), 0) for j, u, notes, at, _ in journals])
    out.insert("journal_details", "journal_id, property, prop_key, old_value, value",
               [(j, *d) for j, _, _, _, d in journals if d])
    w("COMMIT;\n")
    w("ANALYZE TABLE users, email_addresses, projects, members, member_roles, issues, watchers, "
      "issue_relations, journals, journal_details, enabled_modules, projects_trackers;\n")
    print(f"done: {len(people)} people, {len(projects)} projects, {total} issues (big project {projects[0]}: "
          f"{min(a.big, total)} issues, {sum(1 for d in drafts if d['parent'] is not None)} subtasks, "
          f"{len(rels)} relations) written in {time.time() - started:.1f} s", file=sys.stderr)


def lookup(database):
    """The ids of Redmine's default data and of its administrator, read with the mariadb client."""
    query = ("SELECT 'trackers', name, id FROM trackers UNION ALL SELECT 'issue_statuses', name, id FROM issue_statuses "
             "UNION ALL SELECT 'enumerations', name, id FROM enumerations WHERE type = 'IssuePriority' "
             "UNION ALL SELECT 'roles', name, id FROM roles WHERE builtin = 0 "
             "UNION ALL SELECT 'admin', login, id FROM users WHERE login = 'admin' "
             "UNION ALL SELECT 'next_user', 'next', MAX(id) + 1 FROM users "
             "UNION ALL SELECT 'projects', 'count', COUNT(*) FROM projects "
             "UNION ALL SELECT 'issues', 'count', COUNT(*) FROM issues")
    rows = subprocess.run(["mariadb", "-uroot", "-h127.0.0.1", "-N", "-B", database, "-e", query],
                          check=True, capture_output=True, text=True).stdout
    ids = {}
    for line in rows.splitlines():
        table, name, value = line.split("\t")
        ids.setdefault(table, {})[name] = int(value)
    if ids["projects"]["count"] or ids["issues"]["count"]:
        sys.exit(f"{database} has projects or issues already: this generator fills a new Redmine")
    ids["admin"], ids["next_user"] = ids["admin"]["admin"], ids["next_user"]["next"]
    return ids


def gantt_issue(rng, team, i, now):
    """taskgen's gantt_task: dated around today. taskgen draws a parent for a fifth of them
    after the tenth, among the ten before, but writes it only when the parent is in an earlier
    batch of 400 rows (it needs the parent's id): that is kept here, so the trees match."""
    start = now - 60 * DAY + (i % 180) * DAY + rng.below(5) * DAY
    length = (1 + rng.below(20)) * DAY
    status = ("done",) * 3 + ("in_progress",) * 3 + ("review",) + ("new",) * 3
    status = status[rng.below(10)]
    responsible = team[rng.below(len(team))]
    parent = i - 1 - rng.below(min(10, i)) if i > 10 and rng.below(5) == 0 else None
    if parent is not None and parent >= i // 400 * 400:
        parent = None
    if rng.below(2) == 0:
        rng.below(5)  # taskgen's deadline, which Redmine has no field for besides the due date
    created = min(start - 7 * DAY, now - DAY)
    return {"project": 1, "parent": parent, "creator": team[0], "responsible": responsible,
            "status": status, "start": start, "due": start + length, "created": created,
            "activity": created, "watchers": []}


def other_issue(rng, team, people, created, now):
    """taskgen's task: any other, created at `created`."""
    recent = now - created < 60 * DAY
    roll = rng.below(100)
    if recent:
        status = "new" if roll < 40 else "in_progress" if roll < 70 else "review" if roll < 80 else "done"
    else:
        status = "done" if roll < 85 else "deferred" if roll < 90 else "new" if roll < 95 else "in_progress"
    responsible = team[rng.below(len(team))]
    creator = responsible if rng.below(2) == 0 else team[rng.below(len(team))]
    deadline = created + (1 + rng.below(30)) * DAY if rng.below(4) != 0 else None
    start = created if rng.below(2) == 0 else None
    if rng.below(3) == 0:
        rng.below(8)  # checklist, which Redmine has not
    watchers = []
    for _ in range(2):  # co-executor and observer
        if rng.below(4) == 0:
            person = people[rng.below(len(people))]
            if person != responsible and person not in watchers:
                watchers.append(person)
    return {"parent": None, "creator": creator, "responsible": responsible, "status": status,
            "start": start, "due": deadline, "created": created,
            "activity": min(created + rng.below(7 * 24) * 3_600_000, now), "watchers": watchers}


if __name__ == "__main__":
    sys.setrecursionlimit(100_000)
    main()
