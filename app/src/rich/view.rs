//! Renders the safe tree with ordinary views: every piece of user text is escaped.

use super::{Block, Inline};
use leptos::prelude::*;

/// Shows rich text (posts, comments, descriptions, messages).
#[component]
pub fn RichText(blocks: Vec<Block>) -> impl IntoView {
    view! { <div class="rich">{blocks_view(blocks)}</div> }
}

fn blocks_view(blocks: Vec<Block>) -> Vec<AnyView> {
    blocks.into_iter().map(block_view).collect()
}

fn block_view(block: Block) -> AnyView {
    match block {
        Block::Paragraph(inlines) => view! { <p>{inlines_view(inlines)}</p> }.into_any(),
        Block::Quote(blocks) => view! { <blockquote>{blocks_view(blocks)}</blockquote> }.into_any(),
        Block::Code(code) => view! { <pre><code>{code}</code></pre> }.into_any(),
        Block::List {
            ordered: true,
            start,
            items,
        } => view! { <ol start=start>{items_view(items)}</ol> }.into_any(),
        Block::List { items, .. } => view! { <ul>{items_view(items)}</ul> }.into_any(),
    }
}

fn items_view(items: Vec<Vec<Block>>) -> Vec<AnyView> {
    items
        .into_iter()
        .map(|blocks| view! { <li>{blocks_view(blocks)}</li> }.into_any())
        .collect()
}

fn inlines_view(inlines: Vec<Inline>) -> Vec<AnyView> {
    inlines.into_iter().map(inline_view).collect()
}

fn inline_view(inline: Inline) -> AnyView {
    match inline {
        Inline::Text(text) => text.into_any(),
        Inline::Strong(c) => view! { <strong>{inlines_view(c)}</strong> }.into_any(),
        Inline::Emphasis(c) => view! { <em>{inlines_view(c)}</em> }.into_any(),
        Inline::Strike(c) => view! { <s>{inlines_view(c)}</s> }.into_any(),
        Inline::Code(code) => view! { <code>{code}</code> }.into_any(),
        Inline::Break => view! { <br/> }.into_any(),
        Inline::Link { href, children } => {
            // Links leaving Agora open in a new tab and pass nothing about the reader.
            let external = !href.starts_with('/');
            view! {
                <a
                    href=href
                    target=external.then_some("_blank")
                    rel=external.then_some("noopener noreferrer nofollow ugc")
                >
                    {inlines_view(children)}
                </a>
            }
            .into_any()
        }
        Inline::Mention { user, name } => view! {
            <a class="mention" href=format!("/people/{user}")>"@"{name}</a>
        }
        .into_any(),
    }
}
