use super::types::{Department, DirectoryPage, PersonChoice, Profile};
use crate::error::AppError;
use crate::ids::UserId;
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "departments")]
pub async fn departments() -> Result<Vec<Department>, AppError> {
    let caller = caller().await?;
    caller.require_employee()?;
    super::ssr::departments(&state()?.db.reader, &caller).await
}

#[server(prefix = "/api", endpoint = "save_department")]
pub async fn save_department(
    #[server(default)] id: Option<String>,
    name: String,
    #[server(default)] parent_id: Option<String>,
    #[server(default)] head_user_id: Option<String>,
) -> Result<(), AppError> {
    let caller = caller().await?;
    caller.require_admin()?;
    super::ssr::save_department(&state()?.db, &caller, id, &name, parent_id, head_user_id).await
}

#[server(prefix = "/api", endpoint = "delete_department")]
pub async fn delete_department(id: i64) -> Result<(), AppError> {
    let caller = caller().await?;
    caller.require_admin()?;
    super::ssr::delete_department(&state()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "directory")]
pub async fn directory(
    #[server(default)] search: String,
    #[server(default)] department_id: Option<String>,
    #[server(default)] cursor: Option<String>,
) -> Result<DirectoryPage, AppError> {
    let caller = caller().await?;
    caller.require_employee()?;
    super::ssr::directory(
        &state()?.db.reader,
        &caller,
        &search,
        department_id,
        cursor.as_deref(),
    )
    .await
}

/// Exports the directory as the caller filters it, as a background job.
#[server(prefix = "/api", endpoint = "export_directory", input = server_fn::codec::Json)]
pub async fn export_directory(
    #[server(default)] search: String,
    #[server(default)] department_id: Option<String>,
    format: crate::jobs::types::ExportFormat,
) -> Result<crate::jobs::types::JobView, AppError> {
    let caller = caller().await?;
    super::ssr::export::start(&state()?, &caller, &search, department_id, format).await
}

#[server(prefix = "/api", endpoint = "get_profile")]
pub async fn get_profile(user_id: UserId) -> Result<Profile, AppError> {
    let caller = caller().await?;
    super::ssr::profile(&state()?.db.reader, &caller, user_id).await
}

pub use profile_form::*;

/// The profile form's fields, one argument each (an `ActionForm` posts them by name): more
/// than clippy likes, in their own module to allow it (the server macro's generated code
/// carries no attribute of the function's).
#[allow(clippy::too_many_arguments)]
mod profile_form {
    use super::*;

    #[server(prefix = "/api", endpoint = "update_profile")]
    pub async fn update_profile(
        user_id: UserId,
        name: String,
        #[server(default)] position: String,
        #[server(default)] phone: String,
        #[server(default)] about: String,
        #[server(default)] time_zone: Option<String>,
        #[server(default)] department_id: Option<String>,
        #[server(default)] manager_id: Option<String>,
    ) -> Result<(), AppError> {
        let caller = caller().await?;
        let update = crate::hr::ssr::ProfileUpdate {
            name,
            position,
            phone,
            about,
            time_zone,
            department_id,
            manager_id,
        };
        crate::hr::ssr::update_profile(&state()?.db, &caller, user_id, update).await?;
        leptos_axum::redirect(&format!("/people/{user_id}"));
        Ok(())
    }
}

/// People whose name contains `query`, for pickers: at most 12, those whose name or one of
/// its words starts with it first. Employees only; a query over 100 characters is refused.
#[server(prefix = "/api", endpoint = "search_people", input = server_fn::codec::Json)]
pub async fn search_people(query: String) -> Result<Vec<PersonChoice>, AppError> {
    let caller = caller().await?;
    super::ssr::choices::search(&state()?.db.reader, &caller, &query).await
}

/// The people among `ids` a picker may show (at most 100 ids), to name those already chosen;
/// anyone the caller may not pick is left out.
#[server(prefix = "/api", endpoint = "people_by_ids", input = server_fn::codec::Json)]
pub async fn people_by_ids(ids: Vec<UserId>) -> Result<Vec<PersonChoice>, AppError> {
    let caller = caller().await?;
    super::ssr::choices::by_ids(&state()?.db.reader, &caller, &ids).await
}
