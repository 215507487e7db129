//! The services' ports watched call by call: each call to the table, a blob store's objects or the queue's
//! sends is told to a [`Watch`] first, which may fail it (fault injection, `faults.rs`) or count it
//! (`port_calls.rs`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use zairyu_app::ports::*;

/// A read of many keys goes through the port's default, one watched `get` per key (finer fault points; a count
/// above DynamoDB's one BatchGetItem).
/// Told of every watched call (`"table.transact"`, `"photos.put"`, …); `true` fails it as a dependency that
/// could not be reached.
pub trait Watch: Send + Sync + 'static {
    fn call(&self, what: &'static str) -> bool;
}

fn injected() -> BoxError {
    "injected fault: the dependency could not be reached".into()
}

pub struct WatchedTable<W>(pub Arc<dyn Table>, pub Arc<W>);

#[async_trait]
impl<W: Watch> Table for WatchedTable<W> {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        if self.1.call("table.get") {
            return Err(StoreError::Unavailable(injected()));
        }
        self.0.get(key).await
    }
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        if self.1.call("table.put") {
            return Err(StoreError::Unavailable(injected()));
        }
        self.0.put(item, condition).await
    }
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        if self.1.call("table.delete") {
            return Err(StoreError::Unavailable(injected()));
        }
        self.0.delete(key, condition).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        if self.1.call("table.query") {
            return Err(StoreError::Unavailable(injected()));
        }
        self.0.query(query).await
    }
    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        if self.1.call("table.increment") {
            return Err(StoreError::Unavailable(injected()));
        }
        self.0.increment(key, attribute, by, expires_at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        if self.1.call("table.transact") {
            return Err(StoreError::Unavailable(injected()));
        }
        self.0.transact(writes).await
    }
}

/// The blob store watched on its objects' put, get and delete (named by the three names); presigning is the
/// signer's own arithmetic, not a call.
pub struct WatchedBlobs<W>(pub Arc<dyn BlobStore>, pub Arc<W>, pub &'static str, pub &'static str, pub &'static str);

#[async_trait]
impl<W: Watch> BlobStore for WatchedBlobs<W> {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        if self.1.call(self.2) {
            return Err(BlobError::unavailable(injected()));
        }
        self.0.put(key, bytes, content_type).await
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        if self.1.call(self.3) {
            return Err(BlobError::unavailable(injected()));
        }
        self.0.get(key).await
    }
    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        if self.1.call(self.4) {
            return Err(BlobError::unavailable(injected()));
        }
        self.0.delete(key).await
    }
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: Duration,
    ) -> Result<PresignedUpload, BlobError> {
        self.0.presign_put(key, content_type, length, expires_in).await
    }
    async fn presign_form(
        &self,
        key: &str,
        content_type: &str,
        max_length: u64,
        expires_in: Duration,
        redirect: &str,
    ) -> Result<zairyu_app::ports::PresignedForm, BlobError> {
        self.0.presign_form(key, content_type, max_length, expires_in, redirect).await
    }
    async fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        file_name: &str,
        expires_in: Duration,
    ) -> Result<String, BlobError> {
        self.0.presign_get(key, content_type, file_name, expires_in).await
    }
}

/// The queue watched on its sends (receiving and acknowledging are the consumer's, not the services').
pub struct WatchedQueue<W>(pub Arc<dyn JobQueue>, pub Arc<W>);

#[async_trait]
impl<W: Watch> JobQueue for WatchedQueue<W> {
    async fn send(&self, body: &str) -> Result<(), QueueError> {
        if self.1.call("queue.send") {
            return Err(QueueError::unavailable(injected()));
        }
        self.0.send(body).await
    }
    async fn receive(&self, max: u32) -> Result<Vec<Delivery>, QueueError> {
        self.0.receive(max).await
    }
    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        self.0.ack(receipt).await
    }
    async fn release(&self, receipt: &str) -> Result<(), QueueError> {
        self.0.release(receipt).await
    }
    async fn dead_letters(&self, max: u32) -> Result<Vec<String>, QueueError> {
        self.0.dead_letters(max).await
    }
}
