//! Counters for `/metrics`, rendered in the Prometheus text exposition format.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
};

/// Refusal labels shown even while zero, so dashboards see every series.
const KNOWN_REFUSALS: &[&str] = &[
    "bad_request",
    "target_not_allowed",
    "address_not_allowed",
    "address_forbidden",
    "no_address",
    "origin_not_allowed",
    "too_many_connections",
    "too_many_connections_per_ip",
    "token_missing",
    "token_invalid",
    "too_many_http_connections",
];

/// The relay's counters. All updates are lock-free except refusals (rare).
#[derive(Debug, Default)]
pub struct Metrics {
    open: AtomicU64,
    opened: AtomicU64,
    upstream_failures: AtomicU64,
    bytes_to_upstream: AtomicU64,
    bytes_to_client: AtomicU64,
    refused: Mutex<BTreeMap<&'static str, u64>>,
}

impl Metrics {
    pub(crate) fn refused(&self, label: &'static str) {
        let mut map = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry(label).or_insert(0) += 1;
    }

    pub(crate) fn upstream_failed(&self) {
        self.upstream_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a tunnel as open until the guard drops.
    pub(crate) fn tunnel_opened(&self) -> OpenTunnel<'_> {
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.open.fetch_add(1, Ordering::Relaxed);
        OpenTunnel(self)
    }

    pub(crate) fn add_to_upstream(&self, n: usize) {
        self.bytes_to_upstream
            .fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn add_to_client(&self, n: usize) {
        self.bytes_to_client.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The Prometheus text format (version 0.0.4).
    #[must_use]
    pub fn render(&self) -> String {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        metric(
            "webimap_relay_tunnels_open",
            "gauge",
            "Tunnels currently open.",
            &[(String::new(), load(&self.open))],
        );
        metric(
            "webimap_relay_tunnels_total",
            "counter",
            "Tunnels opened (WebSocket upgraded) since start.",
            &[(String::new(), load(&self.opened))],
        );
        metric(
            "webimap_relay_upstream_failures_total",
            "counter",
            "Tunnels whose upstream could not be resolved or connected.",
            &[(String::new(), load(&self.upstream_failures))],
        );
        let refused = {
            let map = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
            let mut all: BTreeMap<&str, u64> = KNOWN_REFUSALS.iter().map(|l| (*l, 0)).collect();
            all.extend(map.iter().map(|(k, v)| (*k, *v)));
            all.into_iter()
                .map(|(label, n)| (format!("{{reason=\"{label}\"}}"), n))
                .collect::<Vec<_>>()
        };
        metric(
            "webimap_relay_refused_total",
            "counter",
            "Tunnel requests refused before the upgrade, by reason.",
            &refused,
        );
        metric(
            "webimap_relay_bytes_total",
            "counter",
            "Bytes relayed, by direction.",
            &[
                (
                    "{direction=\"to_upstream\"}".to_owned(),
                    load(&self.bytes_to_upstream),
                ),
                (
                    "{direction=\"to_client\"}".to_owned(),
                    load(&self.bytes_to_client),
                ),
            ],
        );
        out
    }
}

/// An open tunnel, counted in [`Metrics`] until dropped.
#[derive(Debug)]
pub(crate) struct OpenTunnel<'m>(&'m Metrics);

impl Drop for OpenTunnel<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.refused("origin_not_allowed");
        m.refused("origin_not_allowed");
        m.add_to_client(10);
        m.add_to_upstream(3);
        let open = m.tunnel_opened();
        let text = m.render();
        assert!(
            text.contains(
                "# TYPE webimap_relay_tunnels_open gauge\nwebimap_relay_tunnels_open 1\n"
            ),
            "{text}"
        );
        assert!(text.contains("webimap_relay_refused_total{reason=\"origin_not_allowed\"} 2\n"));
        assert!(text.contains("webimap_relay_refused_total{reason=\"target_not_allowed\"} 0\n"));
        assert!(text.contains("webimap_relay_bytes_total{direction=\"to_client\"} 10\n"));
        assert!(text.contains("webimap_relay_bytes_total{direction=\"to_upstream\"} 3\n"));
        drop(open);
        assert!(m.render().contains("webimap_relay_tunnels_open 0\n"));
        assert!(m.render().contains("webimap_relay_tunnels_total 1\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').unwrap_or_default();
            assert!(value.parse::<u64>().is_ok(), "bad sample line {line:?}");
        }
    }
}
