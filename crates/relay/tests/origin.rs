//! The `Origin` check of `/relay`, end to end.

mod common;

use common::{EchoServer, Relay, TestResult, config_allowing};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, client::IntoClientRequest, http::HeaderValue},
};
use webimap_relay::policy::{MissingOrigin, OriginPolicy};

/// Connects with an optional `Origin`; returns the HTTP status (101 on success).
async fn status_with_origin(url: &str, origin: Option<&str>) -> Result<u16, WsError> {
    let mut request = url.into_client_request()?;
    if let Some(origin) = origin {
        let value =
            HeaderValue::from_str(origin).map_err(|e| WsError::Io(std::io::Error::other(e)))?;
        request.headers_mut().insert("origin", value);
    }
    match connect_async(request).await {
        Ok((_ws, response)) => Ok(response.status().as_u16()),
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            if response.status() == 403 {
                assert_eq!(
                    String::from_utf8_lossy(&body),
                    "forbidden: origin not allowed\n"
                );
            }
            Ok(response.status().as_u16())
        }
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn listed_origins_only() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_allowing(&[echo.addr.to_string()]);
    config.policy = config.policy.with_origins(OriginPolicy {
        allowed: vec!["https://mail.example.com".parse()?],
        missing: MissingOrigin::Deny,
    });
    let relay = Relay::start(config).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());

    assert_eq!(
        status_with_origin(&url, Some("https://evil.example")).await?,
        403
    );
    assert_eq!(status_with_origin(&url, Some("null")).await?, 403);
    assert_eq!(status_with_origin(&url, None).await?, 403);
    assert_eq!(
        echo.accepted(),
        0,
        "refused origins must not cause a connect"
    );
    assert_eq!(
        status_with_origin(&url, Some("https://mail.example.com")).await?,
        101
    );
    Ok(())
}

#[tokio::test]
async fn default_is_same_origin_and_missing_allowed() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = Relay::start(config_allowing(&[echo.addr.to_string()])).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let own = format!("http://{}", relay.addr);

    assert_eq!(
        status_with_origin(&url, Some("https://evil.example")).await?,
        403
    );
    assert_eq!(echo.accepted(), 0);
    assert_eq!(status_with_origin(&url, Some(&own)).await?, 101);
    assert_eq!(status_with_origin(&url, None).await?, 101);
    Ok(())
}
