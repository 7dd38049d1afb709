//! The feed as the browser sees it.

use crate::ids::{CommentId, DepartmentId, PollOptionId, PostId, UserId};
use crate::rich::Block;
use serde::{Deserialize, Serialize};

pub use crate::files::types::Attachment;
pub use crate::social::{Author, Reaction};

/// Longest post text, in characters (documented in docs/FEED.md).
pub const MAX_POST_CHARS: usize = 10_000;
/// Longest comment text, in characters.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// At most this many files per post, and per comment.
pub const MAX_POST_ATTACHMENTS: usize = 10;
pub const MAX_COMMENT_ATTACHMENTS: usize = 5;
/// A poll has 2 to this many options.
pub const MAX_POLL_OPTIONS: usize = 10;
/// Longest poll question and option, in characters.
pub const MAX_POLL_QUESTION: usize = 300;
pub const MAX_POLL_OPTION: usize = 150;
/// Posts per page of the feed.
pub const PAGE_SIZE: usize = 20;
/// Newest comments shown under a post in the feed (the rest load on demand).
pub const PREVIEW_COMMENTS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    Post,
    Announcement,
    Appreciation,
    /// Published by another tool or the portal itself through the feed-entry API.
    Entry,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Post => "post",
            PostKind::Announcement => "announcement",
            PostKind::Appreciation => "appreciation",
            PostKind::Entry => "entry",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "post" => Some(Self::Post),
            "announcement" => Some(Self::Announcement),
            "appreciation" => Some(Self::Appreciation),
            "entry" => Some(Self::Entry),
            _ => None,
        }
    }
}

/// Who a post is for, as chosen in the composer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recipients {
    pub everyone: bool,
    pub departments: Vec<DepartmentId>,
    pub people: Vec<UserId>,
    /// Workgroups the author belongs to; their members (extranet ones too) read the post.
    #[serde(default)]
    pub groups: Vec<crate::ids::GroupId>,
}

/// One addressee, as shown on a post ("All employees", "Sales", "Jane Doe").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Addressee {
    Everyone,
    Department(DepartmentId, String),
    Person(UserId, String),
    Group(crate::ids::GroupId, String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReactionSummary {
    pub total: i64,
    /// The reaction kinds used, most used first.
    pub top: Vec<Reaction>,
    pub mine: Option<Reaction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: CommentId,
    pub post_id: PostId,
    pub author: Author,
    pub body: Vec<Block>,
    /// The source text, for the author's edit box.
    pub source: Option<String>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub reactions: ReactionSummary,
    pub can_edit: bool,
    pub can_delete: bool,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostView {
    pub id: PostId,
    pub kind: PostKind,
    pub author: Author,
    pub body: Vec<Block>,
    /// The source text, for the author's edit box.
    pub source: Option<String>,
    /// What an entry published by another tool says ("joined the portal"), with its link.
    pub entry: Option<EntryView>,
    pub addressees: Vec<Addressee>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub pinned: bool,
    pub reactions: ReactionSummary,
    pub comment_count: i64,
    /// The newest comments, oldest first.
    pub comments: Vec<CommentView>,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_pin: bool,
    pub attachments: Vec<Attachment>,
    pub poll: Option<PollView>,
    /// For announcements: whether the viewer has confirmed, and how many have.
    pub announcement: Option<AnnouncementView>,
    pub appreciation: Option<AppreciationView>,
}

/// A poll to create with a post.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewPoll {
    pub question: String,
    pub options: Vec<String>,
    pub multiple: bool,
    pub anonymous: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollView {
    pub question: String,
    pub multiple: bool,
    pub anonymous: bool,
    pub options: Vec<PollOptionView>,
    /// People who voted (each counted once, whatever the number of options they chose).
    pub voters: i64,
    pub voted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollOptionView {
    pub id: PollOptionId,
    pub label: String,
    pub votes: i64,
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub confirmed_by_me: bool,
    pub confirmed: i64,
    /// Whether the viewer must confirm (a recipient who is not the author).
    pub must_confirm: bool,
    /// Whether the viewer may see who has and hasn't confirmed (the author, admins).
    pub can_see_readers: bool,
}

/// Who has and hasn't confirmed an announcement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadersView {
    pub confirmed: Vec<Author>,
    pub pending: Vec<Author>,
}

/// Badges to thank a colleague with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    Thanks,
    Teamwork,
    Hero,
    Idea,
    Mentor,
    Star,
}

impl Badge {
    pub const ALL: [Badge; 6] = [
        Badge::Thanks,
        Badge::Teamwork,
        Badge::Hero,
        Badge::Idea,
        Badge::Mentor,
        Badge::Star,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Badge::Thanks => "thanks",
            Badge::Teamwork => "teamwork",
            Badge::Hero => "hero",
            Badge::Idea => "idea",
            Badge::Mentor => "mentor",
            Badge::Star => "star",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Badge::Thanks => "🙏",
            Badge::Teamwork => "🤝",
            Badge::Hero => "🦸",
            Badge::Idea => "💡",
            Badge::Mentor => "🎓",
            Badge::Star => "⭐",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Badge::Thanks => "Thank you",
            Badge::Teamwork => "Great teamwork",
            Badge::Hero => "Saved the day",
            Badge::Idea => "Great idea",
            Badge::Mentor => "Great mentor",
            Badge::Star => "Star performer",
        }
    }
}

/// An appreciation to create with a post: the badge and who is thanked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAppreciation {
    pub badge: Badge,
    pub people: Vec<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppreciationView {
    pub badge: Badge,
    pub people: Vec<Author>,
}

/// An appreciation someone received, for their profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceivedAppreciation {
    pub post_id: PostId,
    pub badge: Badge,
    pub from: Author,
    pub created_at: i64,
}

/// An entry of another tool, rendered by its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryView {
    pub entry_type: String,
    pub text: String,
    pub link: Option<String>,
}

/// What narrows the feed; every part is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedQuery {
    pub author: Option<UserId>,
    pub kind: Option<PostKind>,
    pub mentions_me: bool,
    /// Posts addressed to this department.
    pub department: Option<DepartmentId>,
    /// Posts addressed to this workgroup.
    #[serde(default)]
    pub group: Option<crate::ids::GroupId>,
    /// Posted at or after / before these times (unix ms).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Words that must all occur in the post or one of its comments.
    pub search: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostsPage {
    pub posts: Vec<PostView>,
    /// Pinned posts, shown above the feed on the first page only.
    pub pinned: Vec<PostView>,
    /// Announcements the viewer has yet to confirm (first page only), shown on top.
    pub to_confirm: Vec<PostView>,
    pub next_cursor: Option<PostId>,
}

/// Who reacted, for the "who liked" list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReactionEntry {
    pub author: Author,
    pub reaction: Reaction,
}

/// Whom a post can go to, matching what the author typed (a few of each).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RecipientOptions {
    pub departments: Vec<(DepartmentId, String)>,
    /// Workgroups the author belongs to.
    pub groups: Vec<(crate::ids::GroupId, String)>,
    pub people: Vec<MentionCandidate>,
}

/// Someone to @mention, for the composer's autocomplete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionCandidate {
    pub id: UserId,
    pub name: String,
    pub position: String,
    pub photo_url: Option<String>,
}

/// The feed's live events (each carries only ids: the receiver fetches what it may see).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedEvent {
    /// A post the receiver may see was published (fetch it to show it).
    FeedPosted { post_id: PostId, author_id: UserId },
    /// A post changed: edited, commented, reacted to, pinned (fetch it again).
    FeedChanged { post_id: PostId },
    /// A post was deleted.
    FeedRemoved { post_id: PostId },
}

impl crate::realtime::LiveMessage for FeedEvent {
    const DOMAIN: &'static str = "feed";
}

/// The feed's menu counter in the page (`crate::counters`): unread posts.
pub const COUNTER: &str = "feed";
