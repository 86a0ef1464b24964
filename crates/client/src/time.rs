//! Waiting for a while, on whichever runtime the engine runs in: the browser's timers in
//! wasm, tokio's natively (the `tcp` feature), a sleeping thread otherwise. The engine's
//! only clock: the protocol crates take time as an input.

use std::time::Duration;

/// Completes after `duration`.
pub async fn sleep(duration: Duration) {
    #[cfg(target_arch = "wasm32")]
    {
        let millis = u32::try_from(duration.as_millis()).unwrap_or(u32::MAX);
        gloo_timers::future::TimeoutFuture::new(millis).await;
    }
    #[cfg(all(not(target_arch = "wasm32"), feature = "tcp"))]
    {
        tokio::time::sleep(duration).await;
    }
    #[cfg(all(not(target_arch = "wasm32"), not(feature = "tcp")))]
    {
        let (done, wait) = futures_channel::oneshot::channel::<()>();
        std::thread::spawn(move || {
            std::thread::sleep(duration);
            let _ = done.send(());
        });
        let _ = wait.await;
    }
}
