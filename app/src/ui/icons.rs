//! Inline SVG icons (24px grid, stroke = currentColor).
use leptos::prelude::*;

/// An icon by name; unknown names render nothing.
#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    let path = match name {
        "feed" => "M4 5h16M4 12h16M4 19h10",
        "tasks" => "M9 11l3 3 8-8M20 12v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h9",
        "chat" => "M21 12a8 8 0 0 1-11.6 7.1L4 21l1.9-5.4A8 8 0 1 1 21 12z",
        "crm" => "M3 20V10M9 20V4M15 20v-7M21 20V8",
        "calendar" => "M4 6h16v14H4zM4 10h16M8 3v4M16 3v4",
        "drive" => "M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z",
        "company" => "M12 3v6M5 21v-6h14v6M12 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM5 15v-2h14v2",
        "people" => "M16 11a4 4 0 1 0-8 0M3 21a9 9 0 0 1 18 0M12 7a4 4 0 1 0 0 8",
        "reports" => "M4 20h16M6 16l4-5 4 3 5-7",
        "like" => {
            "M7 11l4-9a3 3 0 0 1 3 3v4h5.7a2 2 0 0 1 2 2.3l-1.4 9a2 2 0 0 1-2 1.7H7zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3"
        }
        "smile" => {
            "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01"
        }
        "bell" => "M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 21h4",
        "download" => "M12 4v11M7 10l5 5 5-5M5 20h14",
        "search" => "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
        "settings" => {
            "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-2-4-2 1-2-1V5h-4v2l-2 1-2-1-2 4 2 1v0l-2 1 2 4 2-1 2 1v2h4v-2l2-1 2 1 2-4z"
        }
        "menu" => "M4 6h16M4 12h16M4 18h16",
        "invite" => "M15 19a6 6 0 0 0-12 0M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM19 8v6M16 11h6",
        "logout" => "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10",
        "attach" => {
            "M21.4 11l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"
        }
        _ => "",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            <path d=path/>
        </svg>
    }
}
