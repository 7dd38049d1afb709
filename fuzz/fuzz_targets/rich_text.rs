//! The rich-text parser on any input: it never panics, never nests deeper than its limit, and
//! every link it keeps is one the page may carry (no `javascript:`, no `/\evil.com`).
#![no_main]

use agora_fuzz::rich::{Block, Inline, is_safe_href, mentions, parse, plain_text};
use libfuzzer_sys::fuzz_target;

fn check_inlines(inlines: &[Inline], depth: usize) {
    assert!(depth < 64, "nesting too deep");
    for inline in inlines {
        match inline {
            Inline::Link { href, children } => {
                assert!(is_safe_href(href), "unsafe link kept: {href:?}");
                check_inlines(children, depth + 1);
            }
            Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) => {
                check_inlines(c, depth + 1)
            }
            _ => {}
        }
    }
}

fn check_blocks(blocks: &[Block], depth: usize) {
    assert!(depth < 64, "nesting too deep");
    for block in blocks {
        match block {
            Block::Paragraph(inlines) => check_inlines(inlines, depth + 1),
            Block::Quote(inner) => check_blocks(inner, depth + 1),
            Block::List { items, .. } => items.iter().for_each(|b| check_blocks(b, depth + 1)),
            Block::Code(_) => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let blocks = parse(source);
    check_blocks(&blocks, 0);
    let _ = mentions(&blocks);
    let text = plain_text(&blocks, 200);
    assert!(text.chars().count() <= 201, "{text:?}");
});
