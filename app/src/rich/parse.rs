//! Markdown source → the safe tree (server only). Anything outside the subset is kept as
//! plain text: raw HTML shows as typed, images as their description, headings as bold.

use super::{Block, Inline};
use crate::ids::UserId;
use pulldown_cmark::{Event, Options, Parser, Tag};

/// Nesting deeper than this (quotes in lists in quotes…) is flattened.
const MAX_DEPTH: usize = 12;

#[derive(Debug)]
enum Kind {
    Root,
    Paragraph,
    Heading,
    Quote,
    CodeBlock,
    List(Option<u64>),
    Item,
    Strong,
    Emphasis,
    Strike,
    Link(String),
    /// Unsupported or too deep: its content joins the parent.
    Transparent,
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    items: Vec<Vec<Block>>,
}

impl Frame {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Loose inline content (a tight list item's text) becomes a paragraph before a block.
    fn flush_inlines(&mut self) {
        if !self.inlines.is_empty() {
            let inlines = std::mem::take(&mut self.inlines);
            self.blocks.push(Block::Paragraph(inlines));
        }
    }

    fn push_block(&mut self, block: Block) {
        self.flush_inlines();
        self.blocks.push(block);
    }

    fn into_blocks(mut self) -> Vec<Block> {
        self.flush_inlines();
        self.blocks
    }
}

/// Parses Markdown into the safe tree.
pub fn parse(source: &str) -> Vec<Block> {
    let mut stack = vec![Frame::new(Kind::Root)];
    for event in Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => {
                let kind = if stack.len() > MAX_DEPTH {
                    Kind::Transparent
                } else {
                    kind_of(tag)
                };
                stack.push(Frame::new(kind));
            }
            Event::End(_) => {
                if stack.len() > 1
                    && let Some(frame) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    close(frame, parent);
                }
            }
            Event::Text(text) => {
                let in_link = stack.iter().any(|f| matches!(f.kind, Kind::Link(_)));
                let in_code = stack.iter().any(|f| matches!(f.kind, Kind::CodeBlock));
                if let Some(top) = stack.last_mut() {
                    if in_link || in_code {
                        push_text(&mut top.inlines, &text);
                    } else {
                        linkify(&mut top.inlines, &text);
                    }
                }
            }
            Event::Code(code) => {
                if let Some(top) = stack.last_mut() {
                    top.inlines.push(Inline::Code(code.into_string()));
                }
            }
            // Raw HTML is shown as the text it is, never interpreted.
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(top) = stack.last_mut() {
                    push_text(&mut top.inlines, &html);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = stack.last_mut() {
                    top.inlines.push(Inline::Break);
                }
            }
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(frame) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            close(frame, parent);
        }
    }
    stack.pop().map(Frame::into_blocks).unwrap_or_default()
}

fn kind_of(tag: Tag<'_>) -> Kind {
    match tag {
        Tag::Paragraph => Kind::Paragraph,
        Tag::Heading { .. } => Kind::Heading,
        Tag::BlockQuote(_) => Kind::Quote,
        Tag::CodeBlock(_) => Kind::CodeBlock,
        Tag::List(start) => Kind::List(start),
        Tag::Item => Kind::Item,
        Tag::Strong => Kind::Strong,
        Tag::Emphasis => Kind::Emphasis,
        Tag::Strikethrough => Kind::Strike,
        Tag::Link { dest_url, .. } => Kind::Link(dest_url.into_string()),
        _ => Kind::Transparent,
    }
}

fn close(frame: Frame, parent: &mut Frame) {
    match frame.kind {
        Kind::Root => {}
        Kind::Paragraph => {
            if !frame.inlines.is_empty() {
                parent.push_block(Block::Paragraph(frame.inlines));
            }
        }
        Kind::Heading => parent.push_block(Block::Paragraph(vec![Inline::Strong(frame.inlines)])),
        Kind::Quote => {
            let blocks = frame.into_blocks();
            parent.push_block(Block::Quote(blocks));
        }
        Kind::CodeBlock => {
            let code: String = frame
                .inlines
                .into_iter()
                .map(|i| match i {
                    Inline::Text(t) => t,
                    _ => String::new(),
                })
                .collect();
            parent.push_block(Block::Code(code.trim_end_matches('\n').to_owned()));
        }
        Kind::List(start) => parent.push_block(Block::List {
            ordered: start.is_some(),
            start: start.unwrap_or(1),
            items: frame.items,
        }),
        Kind::Item => {
            let blocks = frame.into_blocks();
            if matches!(parent.kind, Kind::List(_)) {
                parent.items.push(blocks);
            } else {
                parent.blocks.extend(blocks);
            }
        }
        Kind::Strong => parent.inlines.push(Inline::Strong(frame.inlines)),
        Kind::Emphasis => parent.inlines.push(Inline::Emphasis(frame.inlines)),
        Kind::Strike => parent.inlines.push(Inline::Strike(frame.inlines)),
        Kind::Link(href) => close_link(href, frame.inlines, parent),
        Kind::Transparent => {
            let Frame {
                blocks, inlines, ..
            } = frame;
            for block in blocks {
                parent.push_block(block);
            }
            parent.inlines.extend(inlines);
        }
    }
}

/// `[Name](user:42)` is a mention (the `@` before it is dropped); web and mail links and
/// paths inside Agora are links; anything else (`javascript:` …) is just its text.
fn close_link(href: String, children: Vec<Inline>, parent: &mut Frame) {
    if let Some(id) = href.strip_prefix("user:").and_then(|id| id.parse().ok()) {
        if let Some(Inline::Text(before)) = parent.inlines.last_mut()
            && before.ends_with('@')
        {
            before.pop();
            if before.is_empty() {
                parent.inlines.pop();
            }
        }
        let name = super::plain_text(&[Block::Paragraph(children)], 200);
        parent.inlines.push(Inline::Mention {
            user: UserId(id),
            name,
        });
    } else if is_safe_href(&href) {
        parent.inlines.push(Inline::Link { href, children });
    } else {
        parent.inlines.extend(children);
    }
}

/// Web and mail links, and paths inside Agora. Browsers drop tabs and line breaks from a URL
/// and read `\` as `/`, so `/\evil.com` or `/<tab>/evil.com` would leave the site while looking
/// like a path: any control character, space or backslash makes a link plain text.
pub fn is_safe_href(href: &str) -> bool {
    if href
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return false;
    }
    let lower = href.to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

fn push_text(inlines: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(last)) = inlines.last_mut() {
        last.push_str(text);
    } else {
        inlines.push(Inline::Text(text.to_owned()));
    }
}

/// Makes bare web addresses in text clickable.
fn linkify(inlines: &mut Vec<Inline>, text: &str) {
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        let (before, from_url) = rest.split_at(start);
        let end = from_url
            .find(|c: char| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\\')
            })
            .unwrap_or(from_url.len());
        let url = from_url[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        push_text(inlines, before);
        inlines.push(Inline::Link {
            href: url.to_owned(),
            children: vec![Inline::Text(url.to_owned())],
        });
        rest = &from_url[url.len()..];
    }
    if !rest.is_empty() {
        push_text(inlines, rest);
    }
}

fn find_url(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    [lower.find("https://"), lower.find("http://")]
        .into_iter()
        .flatten()
        .min()
        .filter(|&i| {
            // A scheme with nothing after it is not a link.
            text[i..].split("://").nth(1).is_some_and(|r| {
                r.chars()
                    .next()
                    .is_some_and(|c| !c.is_whitespace() && c != '<')
            })
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_owned())
    }

    #[test]
    fn the_subset_is_parsed() {
        let blocks = parse(
            "**bold** *it* ~~gone~~ `x`\n\n> quoted\n\n- one\n- two\n\n1. first\n\n```\nlet a = 1;\n```",
        );
        assert_eq!(
            blocks[0],
            Block::Paragraph(vec![
                Inline::Strong(vec![text("bold")]),
                text(" "),
                Inline::Emphasis(vec![text("it")]),
                text(" "),
                Inline::Strike(vec![text("gone")]),
                text(" "),
                Inline::Code("x".into()),
            ])
        );
        assert_eq!(
            blocks[1],
            Block::Quote(vec![Block::Paragraph(vec![text("quoted")])])
        );
        assert_eq!(
            blocks[2],
            Block::List {
                ordered: false,
                start: 1,
                items: vec![
                    vec![Block::Paragraph(vec![text("one")])],
                    vec![Block::Paragraph(vec![text("two")])]
                ]
            }
        );
        assert!(matches!(blocks[3], Block::List { ordered: true, .. }));
        assert_eq!(blocks[4], Block::Code("let a = 1;".into()));
    }

    #[test]
    fn html_stays_text_and_unsafe_links_lose_their_target() {
        let blocks = parse("<script>alert(1)</script>\n\n[click](javascript:alert(1)) <b>x</b>");
        let all = format!("{blocks:?}");
        assert!(all.contains("<script>alert(1)</script>"));
        assert!(!all.contains("Link"));
        assert_eq!(blocks[1], Block::Paragraph(vec![text("click <b>x</b>")]));
    }

    #[test]
    fn links_that_would_leave_the_site_while_looking_like_paths_are_text() {
        for href in [
            "/\\evil.com",
            "/\t/evil.com",
            "/\n/evil.com",
            "/%0A/ok-but-\u{7f}",
            "//evil.com",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "https://ok.example/\\x",
        ] {
            assert!(!is_safe_href(href), "{href:?}");
        }
        for href in ["/tasks/7", "https://example.com/a?b=c", "mailto:a@b.c"] {
            assert!(is_safe_href(href), "{href:?}");
        }
        let blocks = parse("[home](</\\evil.com>) and [x](<https://a.example/\\evil>)");
        let Block::Paragraph(inlines) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert!(
            inlines
                .iter()
                .all(|i| !matches!(i, Inline::Link { href, .. } if href.contains("evil"))),
            "{inlines:?}"
        );
    }

    #[test]
    fn mentions_and_bare_links() {
        let blocks = parse("Hi @[Jane Doe](user:42), see https://example.com/a?b=1.");
        assert_eq!(
            blocks[0],
            Block::Paragraph(vec![
                text("Hi "),
                Inline::Mention {
                    user: UserId(42),
                    name: "Jane Doe".into()
                },
                text(", see "),
                Inline::Link {
                    href: "https://example.com/a?b=1".into(),
                    children: vec![text("https://example.com/a?b=1")]
                },
                text("."),
            ])
        );
        assert_eq!(super::super::mentions(&blocks), vec![UserId(42)]);
    }

    #[test]
    fn deep_nesting_is_flattened_not_overflowed() {
        let deep = ">".repeat(5000) + " deep";
        let blocks = parse(&deep);
        assert!(format!("{blocks:?}").contains("deep"));
    }
}
