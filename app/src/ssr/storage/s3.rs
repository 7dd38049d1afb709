//! S3-compatible object storage (AWS S3, Garage, MinIO): one bucket per portal.

use super::{Storage, StorageError, StoredObject, is_valid_key};
use crate::ids::PortalId;
use crate::ssr::config::S3Config;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::primitives::ByteStream as S3Body;
use futures::StreamExt;
use std::path::Path;

pub struct S3Storage {
    client: Client,
    bucket_prefix: String,
}

impl S3Storage {
    pub fn new(cfg: &S3Config) -> Self {
        let creds = Credentials::new(&cfg.access_key, &cfg.secret_key, None, None, "agora");
        let mut builder = aws_sdk_s3::config::Builder::new()
            .behavior_version_latest()
            .region(Region::new(cfg.region.clone()))
            .credentials_provider(creds)
            .force_path_style(cfg.path_style)
            // S3-compatible servers (Garage, older MinIO) reject the SDK's default streaming
            // checksums; send them only when an operation requires one.
            .request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            )
            .response_checksum_validation(
                aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired,
            );
        if let Some(endpoint) = &cfg.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Self {
            client: Client::from_conf(builder.build()),
            bucket_prefix: cfg.bucket_prefix.clone(),
        }
    }

    /// The portal's bucket, e.g. `agora-p42`.
    pub fn bucket(&self, portal: PortalId) -> String {
        format!("{}{}", self.bucket_prefix, portal.0)
    }
}

fn remote(err: impl std::fmt::Display) -> StorageError {
    StorageError::Remote(err.to_string())
}

#[async_trait::async_trait]
impl Storage for S3Storage {
    async fn create_space(&self, portal: PortalId) -> Result<(), StorageError> {
        let bucket = self.bucket(portal);
        if self
            .client
            .head_bucket()
            .bucket(&bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        match self.client.create_bucket().bucket(&bucket).send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let service = e.as_service_error();
                if service.is_some_and(|s| {
                    s.is_bucket_already_owned_by_you() || s.is_bucket_already_exists()
                }) {
                    Ok(())
                } else {
                    Err(remote(aws_sdk_s3::error::DisplayErrorContext(e)))
                }
            }
        }
    }

    async fn put_file(&self, portal: PortalId, key: &str, file: &Path) -> Result<(), StorageError> {
        if !is_valid_key(key) {
            return Err(StorageError::NotFound);
        }
        let body = S3Body::from_path(file).await.map_err(remote)?;
        self.client
            .put_object()
            .bucket(self.bucket(portal))
            .key(key)
            .body(body)
            .send()
            .await
            .map_err(|e| remote(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    async fn get(&self, portal: PortalId, key: &str) -> Result<StoredObject, StorageError> {
        if !is_valid_key(key) {
            return Err(StorageError::NotFound);
        }
        let out = self
            .client
            .get_object()
            .bucket(self.bucket(portal))
            .key(key)
            .send()
            .await;
        let out = match out {
            Ok(o) => o,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => {
                return Err(StorageError::NotFound);
            }
            Err(e) => return Err(remote(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
        let size = out.content_length().unwrap_or_default().max(0) as u64;
        let reader = out.body.into_async_read();
        let body = tokio_util::io::ReaderStream::new(reader).boxed();
        Ok(StoredObject { size, body })
    }

    async fn delete(&self, portal: PortalId, key: &str) -> Result<(), StorageError> {
        if !is_valid_key(key) {
            return Err(StorageError::NotFound);
        }
        self.client
            .delete_object()
            .bucket(self.bucket(portal))
            .key(key)
            .send()
            .await
            .map_err(|e| remote(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }
}
