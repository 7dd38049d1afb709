//! Mentions show the person's name as it is in the portal now, never the text typed in the
//! link (`[The CEO](user:7)` shows user 7's real name); a mention of someone who is not in the
//! portal is plain text, without a link.

use super::{Block, Inline};
use crate::error::AppResult;
use crate::ids::{PortalId, UserId};
use sqlx::{Any, QueryBuilder};
use std::collections::{HashMap, HashSet};

/// Replaces the names of the mentions in `bodies` with the people's names, in one query.
/// (A plain Vec, not an iterator: closures in a future's state trip up `Send` inference.)
pub async fn resolve(
    executor: impl sqlx::Executor<'_, Database = Any>,
    portal: PortalId,
    mut bodies: Vec<&mut Vec<Block>>,
) -> AppResult<()> {
    let mut ids = HashSet::new();
    for body in &bodies {
        ids.extend(super::mentions(body));
    }
    if ids.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<Any>::new("SELECT id, name FROM users WHERE portal_id = ");
    qb.push_bind(portal).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in &ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let names: HashMap<UserId, String> = qb
        .build_query_as::<(UserId, String)>()
        .fetch_all(executor)
        .await?
        .into_iter()
        .collect();
    for body in &mut bodies {
        rename_blocks(body, &names);
    }
    Ok(())
}

fn rename_blocks(blocks: &mut [Block], names: &HashMap<UserId, String>) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) => rename_inlines(inlines, names),
            Block::Quote(inner) => rename_blocks(inner, names),
            Block::List { items, .. } => items.iter_mut().for_each(|b| rename_blocks(b, names)),
            Block::Code(_) => {}
        }
    }
}

fn rename_inlines(inlines: &mut [Inline], names: &HashMap<UserId, String>) {
    for inline in inlines {
        match inline {
            Inline::Mention { user, name } => match names.get(user) {
                Some(real) => *name = real.clone(),
                None => *inline = Inline::Text(format!("@{name}")),
            },
            Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) => rename_inlines(c, names),
            Inline::Link { children, .. } => rename_inlines(children, names),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_take_the_real_name_and_strangers_become_text() {
        let mut blocks = vec![Block::Paragraph(vec![
            Inline::Mention {
                user: UserId(7),
                name: "The CEO".into(),
            },
            Inline::Strong(vec![Inline::Mention {
                user: UserId(9),
                name: "Nobody".into(),
            }]),
        ])];
        let names = HashMap::from([(UserId(7), "Ann Admin".to_owned())]);
        rename_blocks(&mut blocks, &names);
        assert_eq!(
            blocks,
            vec![Block::Paragraph(vec![
                Inline::Mention {
                    user: UserId(7),
                    name: "Ann Admin".into()
                },
                Inline::Strong(vec![Inline::Text("@Nobody".into())]),
            ])]
        );
    }
}
