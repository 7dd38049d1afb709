//! `agora`: the Agora server and its command line.
#![forbid(unsafe_code)]
#![recursion_limit = "512"]

use clap::Parser;
use server::cli;

/// mimalloc gives freed memory back to the system; with glibc's malloc, the 19 MiB blocks of
/// password hashing stayed resident (1.2–1.4 GiB after 1,000 sign-ups, docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack for each runtime thread. Rendering a page walks its view tree recursively, and a deep
/// page (a group's feed: the group, its tabs, the feed, each post with its comments) overflowed
/// the default 2 MiB in a debug build, which aborts the whole process.
const THREAD_STACK: usize = 16 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK)
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("agora: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run())
}

async fn run() -> std::process::ExitCode {
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
