//! Files in the browser, for every tool: the attach button that uploads while one writes, the
//! files waiting to be sent, and attached files shown — pictures as an album of thumbnails
//! with a full-size viewer, other files as a download list.

use super::types::Attachment;
use crate::error::AppError;
use leptos::prelude::*;

/// Human-readable size: "820 KB", "4.2 MB".
pub fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", b / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The 📎 button: uploads the chosen files one by one and adds them to `files`.
#[component]
pub fn AttachButton(
    files: RwSignal<Vec<Attachment>>,
    uploading: RwSignal<usize>,
    error: RwSignal<Option<AppError>>,
    max: usize,
    #[prop(default = "Attach files")] label: &'static str,
) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(list) = input.files() else { return };
            let chosen: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            input.set_value("");
            let room = max.saturating_sub(files.with_untracked(Vec::len));
            if chosen.len() > room {
                error.set(Some(AppError::invalid(format!(
                    "Attach at most {max} files."
                ))));
            }
            for file in chosen.into_iter().take(room) {
                uploading.update(|n| *n += 1);
                leptos::task::spawn_local(async move {
                    match upload(&file).await {
                        Ok(attachment) => files.update(|f| f.push(attachment)),
                        Err(e) => error.set(Some(e)),
                    }
                    uploading.update(|n| *n = n.saturating_sub(1));
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, max, files, uploading, error);
    };
    view! {
        <label class="tool attach" title=label>
            <crate::ui::icons::Icon name="attach"/>{label}
            <input type="file" multiple class="sr-only" aria-label=label on:change=on_change/>
        </label>
    }
}

/// Sends one file to `/uploads/attachment`.
#[cfg(feature = "hydrate")]
pub(crate) async fn upload(file: &web_sys::File) -> Result<Attachment, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let transport = |_| AppError::Transport("the upload did not reach the server".into());
    let form = web_sys::FormData::new().map_err(transport)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(transport)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let request =
        web_sys::Request::new_with_str_and_init("/uploads/attachment", &init).map_err(transport)?;
    request
        .headers()
        .set("accept", "application/json")
        .map_err(transport)?;
    let window = web_sys::window().ok_or(AppError::Internal)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(transport)?
        .dyn_into()
        .map_err(transport)?;
    let text = JsFuture::from(response.text().map_err(transport)?)
        .await
        .map_err(transport)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::Internal)
    } else {
        Err(
            serde_json::from_str(&text).unwrap_or_else(|_| match response.status() {
                413 => AppError::TooLarge("100 MB".into()),
                _ => AppError::Internal,
            }),
        )
    }
}

/// Files chosen for a post or comment that is being written.
#[component]
pub fn PendingFiles(files: RwSignal<Vec<Attachment>>, uploading: RwSignal<usize>) -> impl IntoView {
    view! {
        <Show when=move || { !files.with(Vec::is_empty) || uploading.get() > 0 }>
            <ul class="pending-files">
                {move || files.get().into_iter().map(|f| {
                    let id = f.file_id;
                    view! {
                        <li class="pending-file">
                            {match f.thumb_url.clone() {
                                Some(thumb) => view! { <img src=thumb alt=""/> }.into_any(),
                                None => view! { <span class="file-icon" aria-hidden="true">"📄"</span> }.into_any(),
                            }}
                            <span class="pending-name">{f.name.clone()}</span>
                            <span class="muted small">{size_label(f.size)}</span>
                            <button type="button" class="icon-btn" aria-label=format!("Remove {}", f.name)
                                on:click=move |_| files.update(|l| l.retain(|x| x.file_id != id))>"×"</button>
                        </li>
                    }
                }).collect_view()}
                <Show when=move || { uploading.get() > 0 }>
                    <li class="pending-file muted">{move || format!("Uploading {}…", uploading.get())}</li>
                </Show>
            </ul>
        </Show>
    }
}

/// Attachments as shown on a post or comment.
#[component]
pub fn AttachmentView(files: Vec<Attachment>) -> impl IntoView {
    let (pictures, others): (Vec<Attachment>, Vec<Attachment>) =
        files.into_iter().partition(Attachment::is_picture);
    let open = RwSignal::new(None::<usize>);
    let count = pictures.len();
    // While the viewer is open, Escape closes it and the arrow keys move through the album,
    // wherever the focus is. Every album on the page hears every key: one whose post is gone
    // must stay quiet rather than read its disposed state (a panic stops the whole page).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(Some(i)) = open.try_get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "Escape" => open.set(None),
            "ArrowRight" if i + 1 < count => open.set(Some(i + 1)),
            "ArrowLeft" if i > 0 => open.set(Some(i - 1)),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let album = StoredValue::new(pictures.clone());
    let class = match count {
        0 => "",
        1 => "album album-1",
        2 => "album album-2",
        _ => "album album-many",
    };
    view! {
        {(count > 0).then(|| view! {
            <div class=class>
                {pictures.into_iter().enumerate().take(6).map(|(i, p)| {
                    let more = (i == 5 && count > 6).then(|| view! { <span class="album-more">{format!("+{}", count - 6)}</span> });
                    view! {
                        <button type="button" class="album-item" aria-label=format!("Open {}", p.name) on:click=move |_| open.set(Some(i))>
                            <img src=p.thumb_url.clone().unwrap_or_default() alt=p.name.clone() loading="lazy"
                                width=p.width.map(|w| w.min(640)) height=p.height.map(|h| h.min(640))/>
                            {more}
                        </button>
                    }
                }).collect_view()}
            </div>
        })}
        {(!others.is_empty()).then(|| view! {
            <ul class="file-list">
                {others.into_iter().map(|f| view! {
                    <li>
                        <span class="file-icon" aria-hidden="true">"📄"</span>
                        <a href=f.url() download=f.name.clone()>{f.name.clone()}</a>
                        <span class="muted small">{size_label(f.size)}</span>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {move || open.get().and_then(|i| album.with_value(|a| a.get(i).cloned())).map(|p| {
            let i = open.get_untracked().unwrap_or(0);
            // Focus the viewer so Escape and the arrow keys work at once.
            let frame = NodeRef::<leptos::html::Div>::new();
            Effect::new(move |_| {
                if let Some(el) = frame.get() {
                    let _ = el.focus();
                }
            });
            view! {
                <div class="lightbox" node_ref=frame role="dialog" aria-modal="true" aria-label=p.name.clone() tabindex="-1"
                    on:click=move |_| open.set(None)>
                    <img src=p.url() alt=p.name.clone() on:click=|ev| ev.stop_propagation()/>
                    <div class="lightbox-bar" on:click=|ev| ev.stop_propagation()>
                        <button type="button" class="btn btn-small" disabled={ i == 0 } on:click=move |_| open.set(Some(i - 1))>"‹ Previous"</button>
                        <span>{format!("{} / {count} · {}", i + 1, p.name)}</span>
                        <a class="btn btn-small" href=p.url() download=p.name.clone()>"Download"</a>
                        <button type="button" class="btn btn-small" disabled={ i + 1 >= count } on:click=move |_| open.set(Some(i + 1))>"Next ›"</button>
                        <button type="button" class="btn btn-small" on:click=move |_| open.set(None)>"Close"</button>
                    </div>
                </div>
            }
        })}
    }
}
