use leptos::prelude::*;

/// A round photo, or the person's initials on a colour derived from their name.
#[component]
pub fn Avatar(
    #[prop(into)] name: String,
    #[prop(default = None)] photo: Option<String>,
    #[prop(default = "md")] size: &'static str,
) -> impl IntoView {
    let class = format!("avatar avatar-{size}");
    match photo {
        Some(url) => {
            view! { <img class=class src=url alt=name.clone() loading="lazy"/> }.into_any()
        }
        None => {
            let initials: String = name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .flat_map(char::to_uppercase)
                .collect();
            let hue = name
                .bytes()
                .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
                % 360;
            let style = format!("--avatar-hue:{hue}");
            view! { <span class=class style=style aria-label=name.clone() role="img">{initials}</span> }.into_any()
        }
    }
}
