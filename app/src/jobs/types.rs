//! Jobs as the browser sees them.

use crate::ids::JobId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    /// Still waiting or working: it may be cancelled, and its progress may move.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// The file formats an export can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Xlsx,
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [Self::Xlsx, Self::Csv];

    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Xlsx => "Excel (XLSX)",
            Self::Csv => "CSV",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A job of the caller's, as lists, progress bars and live events show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub id: JobId,
    pub title: String,
    pub state: JobState,
    /// Items done so far, of `total` (0 while the total is not known yet).
    pub done: i64,
    pub total: i64,
    /// Why it failed, in words the person can act on.
    pub error: Option<String>,
    /// Once done: the file's name and size, downloaded from `download_url`.
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

impl JobView {
    /// Progress in percent, 0–100.
    pub fn percent(&self) -> i64 {
        match self.state {
            JobState::Done => 100,
            _ if self.total > 0 => (self.done.clamp(0, self.total) * 100) / self.total,
            _ => 0,
        }
    }

    pub fn download_url(&self) -> Option<String> {
        (self.state == JobState::Done).then(|| download_url(self.id))
    }
}

/// The jobs' live events, to the job's owner only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JobEvent {
    /// One of the receiver's jobs moved on: progress, done, failed or cancelled.
    Job { job: JobView },
}

impl crate::realtime::LiveMessage for JobEvent {
    const DOMAIN: &'static str = "jobs";
}

/// Where the owner downloads a finished job's file.
pub fn download_url(id: JobId) -> String {
    format!("/jobs/{id}/file")
}

/// Jobs listed on the exports page.
pub const RECENT_JOBS: i64 = 30;
/// Jobs one person may have waiting or running at once.
pub const MAX_ACTIVE_JOBS: i64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_bounded() {
        let mut job = JobView {
            id: JobId(1),
            title: "Tasks".into(),
            state: JobState::Running,
            done: 0,
            total: 0,
            error: None,
            file_name: None,
            file_size: None,
            created_at: 0,
            finished_at: None,
        };
        assert_eq!(job.percent(), 0);
        job.total = 3;
        job.done = 1;
        assert_eq!(job.percent(), 33);
        job.done = 7;
        assert_eq!(job.percent(), 100);
        job.state = JobState::Done;
        job.total = 0;
        assert_eq!(job.percent(), 100);
        assert_eq!(job.download_url().as_deref(), Some("/jobs/1/file"));
    }
}
