//! The HTTP router: the tunnel endpoint, health, metrics and the web app.

use std::sync::Arc;

use axum::{
    Router, extract::State, http::header, middleware, response::IntoResponse, routing::get,
};
use tower_http::services::{ServeDir, ServeFile};

use crate::{assets::Assets, state::AppState, tunnel};

/// The relay's router:
///
/// - `GET /relay?host=HOST&port=PORT`: WebSocket tunnel to an allowed IMAP server (403 if
///   not allowed, 400 if malformed);
/// - `GET /healthz`: `200 ok`;
/// - `GET /metrics` (if enabled): counters in Prometheus text format;
/// - with a static directory, every other path serves the web app (`index.html` for `/`
///   and for unknown paths), with `.br`/`.gz` siblings when the browser accepts them,
///   immutable caching for content-hashed names, `no-cache` otherwise, and a strict
///   Content-Security-Policy on HTML (see [`crate::assets`]).
///
/// For the client address in logs, serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` (as [`crate::run`] does).
pub fn app(state: AppState) -> Router {
    let router = Router::new()
        .route("/relay", get(tunnel::handle_connect))
        .route("/healthz", get(healthz));
    let router = if state.config().metrics {
        router.route("/metrics", get(metrics))
    } else {
        router
    };
    let router = match &state.config().static_dir {
        Some(dir) => {
            let index = ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip();
            let files = ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(index);
            let assets = Arc::new(Assets::new(dir));
            router
                .fallback_service(files)
                .layer(middleware::from_fn_with_state(
                    assets,
                    crate::assets::headers,
                ))
        }
        None => router,
    };
    router.with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(),
    )
}
