//! The messenger's pages.
