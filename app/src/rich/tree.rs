//! The tree itself and what is read from it. Pure (no Leptos, no database), so the fuzz targets
//! compile this file and `parse.rs` on their own (`fuzz/src/lib.rs`).

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "c")]
pub enum Block {
    Paragraph(Vec<Inline>),
    Quote(Vec<Block>),
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Code(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "c")]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Strike(Vec<Inline>),
    Code(String),
    Link { href: String, children: Vec<Inline> },
    Mention { user: UserId, name: String },
    Break,
}

/// The people mentioned in a text, in order of first mention.
pub fn mentions(blocks: &[Block]) -> Vec<UserId> {
    fn inlines(items: &[Inline], out: &mut Vec<UserId>) {
        for item in items {
            match item {
                Inline::Mention { user, .. } => out.push(*user),
                Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) => inlines(c, out),
                Inline::Link { children, .. } => inlines(children, out),
                _ => {}
            }
        }
    }
    fn blocks_into(items: &[Block], out: &mut Vec<UserId>) {
        for block in items {
            match block {
                Block::Paragraph(i) => inlines(i, out),
                Block::Quote(b) => blocks_into(b, out),
                Block::List { items, .. } => items.iter().for_each(|b| blocks_into(b, out)),
                Block::Code(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    blocks_into(blocks, &mut out);
    // First mentions only, in order, without a quadratic scan.
    let mut seen = std::collections::HashSet::new();
    out.retain(|user| seen.insert(*user));
    out
}

/// The text without formatting, cut to `max` characters (for notifications and previews).
pub fn plain_text(blocks: &[Block], max: usize) -> String {
    fn inlines(items: &[Inline], out: &mut String) {
        for item in items {
            match item {
                Inline::Text(t) | Inline::Code(t) => out.push_str(t),
                Inline::Mention { name, .. } => {
                    out.push('@');
                    out.push_str(name);
                }
                Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) => inlines(c, out),
                Inline::Link { children, .. } => inlines(children, out),
                Inline::Break => out.push(' '),
            }
        }
    }
    fn blocks_into(items: &[Block], out: &mut String) {
        for block in items {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            match block {
                Block::Paragraph(i) => inlines(i, out),
                Block::Quote(b) => blocks_into(b, out),
                Block::List { items, .. } => items.iter().for_each(|b| blocks_into(b, out)),
                Block::Code(c) => out.push_str(c),
            }
        }
    }
    let mut out = String::new();
    blocks_into(blocks, &mut out);
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > max {
        let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}
