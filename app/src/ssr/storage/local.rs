//! Files in a local folder: `<root>/<portal id>/<key>`.

use super::{Storage, StorageError, StoredObject, is_valid_key};
use crate::ids::PortalId;
use futures::StreamExt;
use std::path::{Path, PathBuf};
use tokio_util::io::ReaderStream;

pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, portal: PortalId, key: &str) -> Result<PathBuf, StorageError> {
        if !is_valid_key(key) {
            return Err(StorageError::NotFound);
        }
        Ok(self.root.join(portal.0.to_string()).join(key))
    }
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    async fn create_space(&self, portal: PortalId) -> Result<(), StorageError> {
        tokio::fs::create_dir_all(self.root.join(portal.0.to_string())).await?;
        Ok(())
    }

    async fn put_file(&self, portal: PortalId, key: &str, file: &Path) -> Result<(), StorageError> {
        let dest = self.path(portal, key)?;
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Rename when on the same filesystem, copy otherwise.
        if tokio::fs::rename(file, &dest).await.is_err() {
            tokio::fs::copy(file, &dest).await?;
        }
        Ok(())
    }

    async fn get(&self, portal: PortalId, key: &str) -> Result<StoredObject, StorageError> {
        let path = self.path(portal, key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StorageError::NotFound);
            }
            Err(e) => return Err(e.into()),
        };
        let size = file.metadata().await?.len();
        Ok(StoredObject {
            size,
            body: ReaderStream::new(file).boxed(),
        })
    }

    async fn delete(&self, portal: PortalId, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(portal, key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
