//! Storing a facial photo with the application that shows it (Q23, Q63): shared by the user's attaching and
//! the office's replacing.

use zairyu_domain::application::{Application, ApplicationError, ApplicationId, PhotoRef};
use zairyu_domain::audit::{AuditAction, Outcome};
use zairyu_domain::photo::check_photo;

use super::{Caller, Core};
use crate::error::{ServiceError, invalid};
use crate::ports::BlobStore;
use crate::store::{PhotoMark, Stored, UnitOfWork};

/// Stores a new photo (checked: JPEG by content, ≤ 50 KB, Q23), sets it with `set`, and saves the
/// application with its audit event. No object is left that no application shows, whatever call fails: the
/// new object is marked before it is stored and the mark goes with the save; the old one is marked in the
/// save and deleted after it. A mark left behind (a failed save, a failed delete) is settled by
/// [`sweep_photos`] — the object deleted unless its application shows it.
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
    let application = app.id().as_str().to_owned();

    let mut marking = UnitOfWork::new(core.now());
    let new_mark = marking.mark_photo(&application, &key);
    core.store().commit(marking).await?;
    photos.put(&key, bytes, "image/jpeg").await?;

    let subject = format!("application:{}", app.id());
    let event = core.event(caller.user_id.as_str(), action, subject, caller.from.clone(), Outcome::Success);
    let mut change = core.change(&event)?;
    change.save(&app)?;
    change.settle_photo(&new_mark);
    let old_mark = old.as_ref().map(|old| change.mark_photo(&application, &old.key));
    if let Err(e) = core.commit(change).await {
        // Certainly not saved (a condition failed): the new object goes now. Otherwise the save may have
        // happened after all, and the sweep decides by what the application shows.
        if matches!(e, ServiceError::Conflict) {
            settle(core, photos, &new_mark).await;
        }
        return Err(e);
    }
    if let Some(mark) = old_mark {
        settle(core, photos, &mark).await;
    }
    Ok(app.into_inner())
}

/// Deletes a marked object that is not shown, then its mark; a failure is logged and left to the sweep.
async fn settle(core: &Core, photos: &dyn BlobStore, mark: &PhotoMark) {
    let done = async {
        photos.delete(&mark.object).await?;
        core.store().photo_marks().settled(mark).await?;
        Ok::<_, ServiceError>(())
    };
    if let Err(e) = done.await {
        tracing::warn!(error = %e.log_chain(), "a photo object was not removed yet; the sweep will");
    }
}

/// Settles every photo mark at least [`OUTBOX_GRACE`](super::OUTBOX_GRACE) old (no save is still under
/// way): an object its application shows is kept, any other deleted. Returns the objects deleted.
pub(crate) async fn sweep_photos(core: &Core, photos: &dyn BlobStore) -> Result<usize, ServiceError> {
    let store = core.store();
    let mut deleted = 0;
    for mark in store.photo_marks().due(core.now() - super::OUTBOX_GRACE, 100).await? {
        let shown = match ApplicationId::parse(&mark.application) {
            Ok(id) => {
                store.applications().get(&id).await?.is_some_and(|a| a.photo().is_some_and(|p| p.key == mark.object))
            }
            Err(_) => false,
        };
        if !shown {
            photos.delete(&mark.object).await?;
            deleted += 1;
        }
        store.photo_marks().settled(&mark).await?;
    }
    if deleted > 0 {
        tracing::info!(deleted, "unused photo objects were deleted");
    }
    Ok(deleted)
}
