//! `jixiao serve` (feature `serve`): the evaluator's form page and the JSON API it uses.
//!
//! A thin shell over [`Session`]: one session for the server's life, shared by every request;
//! each request's work (loading, scoring, reviewing, workbooks) runs on tokio's blocking pool.
//! What the API takes and gives is in `docs/api.md`.
//!
//! Limits: a body limit ([`Config::max_body`]), a limit on the forms of one request
//! ([`Config::max_forms`]), a timeout per request ([`Config::timeout`]). Bad input gets a 4xx
//! with the located messages the command line prints, never a 500. No request reaches the file
//! system, except `--data DIR` (saved forms): names there are plain file names, checked, written
//! atomically and never over an existing file unless the request says `overwrite=true`.
//!
//! ```no_run
//! use jixiao::serve::{Config, Server};
//! let session = jixiao::Session::builtin().expect("the shipped rulesets load");
//! let server = Server::start(session, Config::default())?;
//! println!("{}", server.url());
//! server.wait()?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod api;
mod assets;
mod error;
mod input;
mod saved;

use crate::app::Session;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Where the server listens unless told otherwise: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8720";
/// Request bodies larger than this are refused (413).
pub const DEFAULT_MAX_BODY: usize = 16 << 20;
/// Forms (files, and the tables of workbooks) in one request.
pub const DEFAULT_MAX_FORMS: usize = 500;
/// The longest one request may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Where forms are saved and listed; `None`: nothing is stored.
    pub data: Option<PathBuf>,
    pub max_body: usize,
    pub max_forms: usize,
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8720)),
            data: None,
            max_body: DEFAULT_MAX_BODY,
            max_forms: DEFAULT_MAX_FORMS,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// What every request shares.
pub(crate) struct AppState {
    pub session: Session,
    pub config: Config,
}

pub(crate) type Shared = Arc<AppState>;

/// The routes: the page and its assets, and the API.
pub fn router(session: Session, config: Config) -> std::io::Result<Router> {
    let mut config = config;
    if let Some(dir) = &config.data {
        std::fs::create_dir_all(dir)?;
        config.data = Some(std::fs::canonicalize(dir)?);
    }
    let max_body = config.max_body;
    let timeout = config.timeout;
    let state: Shared = Arc::new(AppState { session, config });
    let api = Router::new()
        .route("/api/score", post(api::score))
        .route("/api/review", post(api::review))
        .route("/api/import", post(api::import))
        .route("/api/export", post(api::export))
        .route("/api/rulesets", get(api::rulesets))
        .route("/api/template", get(api::template))
        .route("/api/examples", get(api::examples))
        .route("/api/examples/{id}", get(api::example))
        .route("/api/saved", get(saved::list))
        .route("/api/saved/{name}", get(saved::read).post(saved::save))
        .fallback(api::not_found)
        .with_state(Arc::clone(&state));
    Ok(assets::routes()
        .merge(api)
        .layer(axum::middleware::from_fn(error::same_origin))
        .layer(axum::middleware::from_fn_with_state(
            timeout,
            error::time_limit,
        ))
        .layer(DefaultBodyLimit::max(max_body)))
}

/// A running server: its own runtime, stopped when the value is dropped.
pub struct Server {
    runtime: Option<tokio::runtime::Runtime>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    addr: SocketAddr,
}

impl Server {
    /// Bind `config.listen` (port 0: any free port) and serve on background threads.
    pub fn start(session: Session, config: Config) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind(config.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let app = router(session, config)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(16)
            .thread_name("jixiao-serve")
            .enable_io()
            .enable_time()
            .build()?;
        let task = runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, app).await
        });
        Ok(Server {
            runtime: Some(runtime),
            task: Some(task),
            addr,
        })
    }

    /// The address bound (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:8720/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Block until the server stops (it stops only on an error of its listener).
    pub fn wait(mut self) -> std::io::Result<()> {
        let (Some(runtime), Some(task)) = (self.runtime.take(), self.task.take()) else {
            return Ok(());
        };
        let result = runtime
            .block_on(task)
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        runtime.shutdown_background();
        result
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Whether an address is loopback only (127.0.0.0/8, ::1): anything else is reachable from
/// other machines, which `jixiao serve` warns about.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}
