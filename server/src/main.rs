//! `agora`: the Agora server and its command line.
#![forbid(unsafe_code)]
#![recursion_limit = "512"]

use clap::Parser;
use server::cli;

/// mimalloc gives freed memory back to the system; with glibc's malloc, the 19 MiB blocks of
/// password hashing stayed resident (1.2–1.4 GiB after 1,000 sign-ups, docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    init_tracing(cli.log_json);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("agora: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("AGORA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,aws=warn,hyper=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
