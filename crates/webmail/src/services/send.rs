//! Sending: one submission connection per message, through the relay with TLS in the
//! browser (`webimap_client::submission`), and learning the outgoing server's size limit
//! before anything is uploaded.

use std::time::Duration;

use futures::FutureExt;
use webimap_client::{
    client::{Credentials, Security as ClientSecurity},
    compose::Built,
    submission::{OnRefused, Progress, Submission, SubmitError, SubmitOptions},
    time,
};

use crate::state::{
    outgoing::{Outgoing, Password},
    send_error::{describe, too_big},
    settings::Security,
};

/// How long opening a submission (connect, TLS, EHLO, AUTH) may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);

async fn open(
    out: &Outgoing,
    password: &Password,
) -> Result<Submission<super::Transport>, SubmitError> {
    let stream = webimap_client::transport::ws::connect(&out.relay_url, &out.host, out.port)
        .map_err(|_| SubmitError::Closed)?;
    let security = match out.security {
        Security::Tls => ClientSecurity::Tls,
        Security::StartTls => ClientSecurity::StartTls,
        Security::None => ClientSecurity::None,
    };
    let mut options = SubmitOptions::new(out.host.clone(), out.port, security);
    if let Some(pem) = &out.ca_pem {
        options.tls = Some(
            webimap_client::tls::client_config(Some(pem)).map_err(|e| match e {
                webimap_client::ClientError::Tls(t) => SubmitError::Tls(t),
                _ => SubmitError::Protocol,
            })?,
        );
    }
    let credentials = Credentials::Password {
        username: out.username.clone(),
        password: password.expose().to_string(),
    };
    let opening = Submission::open(stream, &options, &credentials).fuse();
    let late = time::sleep(OPEN_TIMEOUT).fuse();
    futures::pin_mut!(opening, late);
    futures::select! {
        opened = opening => opened,
        () = late => Err(SubmitError::Timeout),
    }
}

/// The largest message the outgoing server takes (its SIZE), learned by signing in and
/// out; `None` when it names none. The error is in words.
pub(crate) async fn size_limit(out: &Outgoing, password: &Password) -> Result<Option<u64>, String> {
    let submission = open(out, password)
        .await
        .map_err(|e| describe(&e, &out.address()))?;
    let limit = submission.max_size();
    submission.quit().await;
    Ok(limit)
}

/// Sends `built` from `from`, telling `progress` how much has left; on success the server
/// has it. The error is in words (the compose stays open with it). A message bigger than
/// the server's SIZE is refused here, before any of it is uploaded.
pub(crate) async fn send(
    out: &Outgoing,
    password: &Password,
    from: &str,
    built: &Built,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), String> {
    let server = out.address();
    let mut submission = open(out, password)
        .await
        .map_err(|e| describe(&e, &server))?;
    if let Some(why) = too_big(built.for_sending.len() as u64, submission.max_size()) {
        submission.quit().await;
        return Err(why);
    }
    let result = submission
        .send_with_progress(
            from,
            &built.recipients,
            &built.for_sending,
            OnRefused::Abort,
            progress,
        )
        .await;
    match result {
        Ok(_) => {
            submission.quit().await;
            Ok(())
        }
        Err(e) => Err(describe(&e, &server)),
    }
}
