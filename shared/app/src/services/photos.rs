//! Storing a facial photo with the application that shows it (Q23, Q63): shared by the user's attaching and
//! the office's replacing.

use zairyu_domain::application::{Application, ApplicationError, PhotoRef};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::photo::check_photo;

use super::{Caller, Core};
use crate::error::{ServiceError, invalid};
use crate::ports::BlobStore;
use crate::store::Stored;

/// Stores a new photo (checked: JPEG by content, ≤ 50 KB, Q23), sets it with `set`, and saves the
/// application with its audit event. The new object is removed again if the save fails, the old one once
/// it succeeds; an object that cannot be removed is logged (an orphan to clean, never a lost photo).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_with_photo(
    core: &Core,
    photos: &dyn BlobStore,
    caller: &Caller,
    mut app: Stored<Application>,
    bytes: Vec<u8>,
    file_name: Option<&str>,
    action: AuditAction,
    set: impl FnOnce(&mut Application, PhotoRef) -> Result<(), ApplicationError>,
) -> Result<Application, ServiceError> {
    let info = check_photo(&bytes, file_name).map_err(|e| invalid("photo", &e))?;
    let key = format!("photos/{}/{}/{}.jpg", app.organization_id(), app.id(), core.new_id());
    let old = app.photo().cloned();
    set(&mut app, PhotoRef { key: key.clone(), info })?;
    photos.put(&key, bytes, "image/jpeg").await?;
    let subject = format!("application:{}", app.id());
    let event = core.event(caller.user_id.as_str(), action, subject, caller.from.clone(), Outcome::Success);
    let saved = async {
        let mut change = core.change(&event)?;
        change.save(&app)?;
        core.commit(change).await
    };
    if let Err(e) = saved.await {
        if let Err(orphan) = photos.delete(&key).await {
            tracing::warn!(error = %ServiceError::from(orphan).log_chain(), "a photo of a failed save could not be removed");
        }
        return Err(e);
    }
    if let Some(old) = old
        && let Err(orphan) = photos.delete(&old.key).await
    {
        tracing::warn!(error = %ServiceError::from(orphan).log_chain(), "a replaced photo could not be removed");
    }
    Ok(app.into_inner())
}
