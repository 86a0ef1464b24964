//! The CA and the server certificate Dovecot presents (SAN `localhost` and `127.0.0.1`).

use std::{fs, path::Path};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

use crate::error::{TestkitError, io_context};

/// PEM files of one instance: the CA that tests trust, and the server's chain and key.
#[derive(Clone)]
pub(crate) struct TlsFiles {
    pub(crate) ca_pem: String,
    pub(crate) server_cert_pem: String,
    pub(crate) server_key_pem: String,
}

impl std::fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsFiles")
            .field("ca_pem", &"<PEM>")
            .field("server_cert_pem", &"<PEM>")
            .field("server_key_pem", &"<redacted>")
            .finish()
    }
}

pub(crate) const CA_FILE: &str = "ca.pem";
pub(crate) const CERT_FILE: &str = "server.pem";
pub(crate) const KEY_FILE: &str = "server.key";

impl TlsFiles {
    /// A fresh CA and a leaf signed by it.
    pub(crate) fn generate() -> Result<Self, TestkitError> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "webimap testkit CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params.not_before = date_time_ymd(2024, 1, 1);
        ca_params.not_after = date_time_ymd(2099, 12, 31);
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca_params.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let mut leaf_params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.not_before = date_time_ymd(2024, 1, 1);
        leaf_params.not_after = date_time_ymd(2099, 12, 31);
        let leaf_key = KeyPair::generate()?;
        let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer)?;

        Ok(Self {
            ca_pem: ca_cert.pem(),
            server_cert_pem: leaf_cert.pem(),
            server_key_pem: leaf_key.serialize_pem(),
        })
    }

    /// The files left by an earlier start in `dir`, if all three are there.
    pub(crate) fn load(dir: &Path) -> Option<Self> {
        let read = |name: &str| fs::read_to_string(dir.join(name)).ok();
        Some(Self {
            ca_pem: read(CA_FILE)?,
            server_cert_pem: read(CERT_FILE)?,
            server_key_pem: read(KEY_FILE)?,
        })
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<(), TestkitError> {
        fs::create_dir_all(dir).map_err(io_context("creating", dir))?;
        for (name, text) in [
            (CA_FILE, &self.ca_pem),
            (CERT_FILE, &self.server_cert_pem),
            (KEY_FILE, &self.server_key_pem),
        ] {
            let path = dir.join(name);
            fs::write(&path, text).map_err(io_context("writing", &path))?;
        }
        Ok(())
    }
}
