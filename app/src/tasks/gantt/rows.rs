//! The chart's rows: each task under its parent, siblings by start date, the subtasks of a
//! folded task left out; and what one window of those rows holds. The server works this out
//! for the whole chart from light data (ids, parents, dates: no titles) at each request, so
//! every window is cut from the same order, and an arrow to a row out of the window knows
//! where that row is.

use super::{GanttLink, LinkEnd};
use crate::ids::TaskId;
use crate::tasks::types::LinkKind;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// What the order of the rows needs of a task: its id, its parent, and its bar's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GanttNode {
    pub id: TaskId,
    pub parent: Option<TaskId>,
    pub span: (i64, i64),
}

/// A row of the chart as shown: which task (its index in the nodes), how deep under its
/// parents, and whether it has subtasks (and so a fold button).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub index: usize,
    pub depth: usize,
    pub has_children: bool,
}

/// The rows in tree order: each task under its parent (when the parent is on the chart),
/// siblings by start date; the subtasks of a folded task are left out.
pub fn visible_rows(nodes: &[GanttNode], folded: &HashSet<TaskId>) -> Vec<Row> {
    let by_id: HashMap<TaskId, usize> = nodes.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let parent = node
            .parent
            .and_then(|p| by_id.get(&p).copied())
            .filter(|p| *p != i);
        children.entry(parent).or_default().push(i);
    }
    for siblings in children.values_mut() {
        siblings.sort_by_key(|i| (nodes[*i].span.0, nodes[*i].id));
    }
    let mut rows = Vec::with_capacity(nodes.len());
    let mut seen = vec![false; nodes.len()];
    // Depth-first, without recursion: a stack of (task, depth), pushed in reverse order.
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|i| (*i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let kids = children.get(&Some(i));
        rows.push(Row {
            index: i,
            depth,
            has_children: kids.is_some(),
        });
        if let Some(kids) = kids
            && !folded.contains(&nodes[i].id)
        {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    rows
}

/// The rows a window holds: `count` rows from `first`, moved back from the end so that a
/// window asked for past the last row (after a fold) still shows the last rows.
pub fn window_range(total: usize, first: usize, count: usize) -> Range<usize> {
    let first = first.min(total.saturating_sub(count));
    first..(first + count).min(total)
}

/// The dependencies whose arrows cross the rows `window`: both ends are shown (not folded
/// away), and one end is in the window or the arrow passes through it on its way from a row
/// above to a row below. Each end says its row and its bar's span, so the arrow is drawn to
/// where a row out of the window would be.
pub fn links_across(
    links: &[(TaskId, TaskId, LinkKind)],
    nodes: &[GanttNode],
    rows: &[Row],
    window: &Range<usize>,
) -> Vec<GanttLink> {
    let row_of: HashMap<TaskId, usize> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| (nodes[row.index].id, r))
        .collect();
    let end = |id: TaskId| -> Option<LinkEnd> {
        let row = *row_of.get(&id)?;
        let span = nodes[rows[row].index].span;
        Some(LinkEnd {
            task: id,
            row: row as u32,
            start: span.0,
            end: span.1,
        })
    };
    let mut out: Vec<GanttLink> = links
        .iter()
        .filter_map(|(predecessor, successor, kind)| {
            let (from, to) = (end(*predecessor)?, end(*successor)?);
            let (top, bottom) = (from.row.min(to.row) as usize, from.row.max(to.row) as usize);
            (top < window.end && bottom >= window.start).then_some(GanttLink {
                predecessor: from,
                successor: to,
                kind: *kind,
            })
        })
        .collect();
    out.sort_by_key(|l| (l.predecessor.row, l.successor.row));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, start: i64) -> GanttNode {
        GanttNode {
            id: TaskId(id),
            parent: parent.map(TaskId),
            span: (start, start + 1),
        }
    }

    #[test]
    fn subtasks_sit_under_parents_and_fold_away() {
        let nodes = [
            node(1, None, 5),
            node(2, Some(1), 2),
            node(3, None, 1),
            node(4, Some(2), 0),
            node(5, Some(99), 3),
        ];
        let order = |folded: &HashSet<TaskId>| -> Vec<(i64, usize)> {
            visible_rows(&nodes, folded)
                .into_iter()
                .map(|r| (nodes[r.index].id.0, r.depth))
                .collect()
        };
        // Roots by start (3, then 5 whose parent is not on the chart, then 1); 2 under 1, 4 under 2.
        assert_eq!(
            order(&HashSet::new()),
            vec![(3, 0), (5, 0), (1, 0), (2, 1), (4, 2)]
        );
        assert_eq!(
            order(&HashSet::from([TaskId(1)])),
            vec![(3, 0), (5, 0), (1, 0)]
        );
        let rows = visible_rows(&nodes, &HashSet::new());
        assert!(rows[2].has_children && !rows[0].has_children);
    }

    #[test]
    fn a_window_past_the_end_shows_the_last_rows() {
        assert_eq!(window_range(100, 0, 30), 0..30);
        assert_eq!(window_range(100, 50, 30), 50..80);
        assert_eq!(window_range(100, 90, 30), 70..100);
        assert_eq!(window_range(20, 5, 30), 0..20);
        assert_eq!(window_range(0, 5, 30), 0..0);
    }

    #[test]
    fn arrows_crossing_the_window_are_sent_with_both_rows() {
        // Ten roots in start order (ids 1..=10), and 11 under 5.
        let mut nodes: Vec<GanttNode> = (1..=10).map(|i| node(i, None, i * 10)).collect();
        nodes.push(node(11, Some(5), 55));
        let rows = visible_rows(&nodes, &HashSet::new());
        let fs = LinkKind::FinishToStart;
        let links = [
            (TaskId(1), TaskId(2), fs),   // rows 0 → 1: above the window
            (TaskId(2), TaskId(10), fs),  // rows 1 → 10: passes through it
            (TaskId(4), TaskId(5), fs),   // rows 3 → 4: into it
            (TaskId(11), TaskId(9), fs),  // rows 5 → 9: in it, then below
            (TaskId(10), TaskId(99), fs), // to a task not on the chart
        ];
        let sent = links_across(&links, &nodes, &rows, &(4..7));
        let pairs: Vec<(u32, u32)> = sent
            .iter()
            .map(|l| (l.predecessor.row, l.successor.row))
            .collect();
        assert_eq!(pairs, vec![(1, 10), (3, 4), (5, 9)]);
        assert_eq!(sent[0].successor.task, TaskId(10));
        assert_eq!(sent[0].successor.start, 100);
        // Folding 5 hides 11: its arrow goes, and the rows below move up one.
        let rows = visible_rows(&nodes, &HashSet::from([TaskId(5)]));
        let sent = links_across(&links, &nodes, &rows, &(4..7));
        let pairs: Vec<(u32, u32)> = sent
            .iter()
            .map(|l| (l.predecessor.row, l.successor.row))
            .collect();
        assert_eq!(pairs, vec![(1, 9), (3, 4)]);
    }
}
