//! Reading a vendor configuration object (the JS `config`) with clear errors.

use crate::core::error::{Error, Result};
use crate::core::json::Json;

/// A config object being read. Errors are `config` and name the field, never its value.
#[derive(Debug, Clone, Copy)]
pub struct ConfigReader<'a> {
    obj: &'a Json,
    vendor: &'static str,
}

impl<'a> ConfigReader<'a> {
    /// Wraps a config value, which must be an object.
    pub fn new(obj: &'a Json, vendor: &'static str) -> Result<Self> {
        if obj.as_object().is_none() {
            return Err(Error::config("config must be an object").with_vendor(vendor));
        }
        Ok(ConfigReader { obj, vendor })
    }

    /// An optional string field; empty strings count as absent.
    pub fn opt(&self, name: &str) -> Result<Option<String>> {
        match self.obj.get_present(name) {
            None => Ok(None),
            Some(Json::String(s)) if s.is_empty() => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(Json::Number(n)) => Ok(Some(n.clone())),
            Some(_) => {
                Err(Error::config(format!("`{name}` must be a string")).with_vendor(self.vendor))
            }
        }
    }

    /// A required string field.
    pub fn req(&self, name: &str) -> Result<String> {
        self.opt(name)?.ok_or_else(|| {
            Error::config(format!("`{name}` is required for {}", self.vendor))
                .with_vendor(self.vendor)
        })
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.obj.get_present(name) {
            None => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(_) => {
                Err(Error::config(format!("`{name}` must be true or false"))
                    .with_vendor(self.vendor))
            }
        }
    }

    /// An optional base URL: must be http(s); a trailing `/` is dropped.
    pub fn base_url(&self, default: Option<&str>) -> Result<String> {
        let url = match self.opt("baseUrl")? {
            Some(u) => u,
            None => default.map(str::to_string).ok_or_else(|| {
                Error::config(format!("`baseUrl` is required for {}", self.vendor))
                    .with_vendor(self.vendor)
            })?,
        };
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.bytes().any(|b| matches!(b, b'?' | b'#' | b' '))
        {
            return Err(Error::config(
                "`baseUrl` must be an http(s) URL without query or fragment",
            )
            .with_vendor(self.vendor));
        }
        // Trailing `/`s dropped (`trim_end_matches('/')`).
        let mut end = url.len();
        while end > 0 && url.as_bytes().get(end - 1) == Some(&b'/') {
            end -= 1;
        }
        Ok(url.get(..end).unwrap_or_default().to_string())
    }
}

/// Whether a base URL points at this machine (for dev-only switches).
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or("");
    let host_port = rest.split('/').next().unwrap_or("");
    // User-info (`localhost:1@evil.example`) would make the text before its
    // `@` look like the host: never loopback. (A backslash that ends the
    // authority early only makes the host read here longer: never a false yes.)
    if host_port.contains('@') {
        return false;
    }
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost" || host == "::1" || is_ipv4_loopback(host)
}

/// Whether `host` is a dotted-quad IPv4 address in 127.0.0.0/8, read as
/// `Ipv4Addr::from_str` reads it (four decimal octets ≤ 255, no leading zeros)
/// without pulling the standard library's address parser into the wasm.
fn is_ipv4_loopback(host: &str) -> bool {
    let mut octets = 0;
    for part in host.split('.') {
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && !(part.len() > 1 && part.starts_with('0'))
            && part.parse::<u64>().ok().is_some_and(|n| n <= 255);
        if !ok || (octets == 0 && part != "127") {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        assert!(is_loopback_url("http://127.0.0.1:8787/freemud"));
        assert!(is_loopback_url("http://localhost/x"));
        assert!(is_loopback_url("http://[::1]:80/"));
        assert!(!is_loopback_url("https://open-store.sandload.cn/openapi"));
        assert!(!is_loopback_url("http://127.0.0.1.evil.com/"));
        assert!(!is_loopback_url("http://localhost:1@evil.com/"));
    }

    #[test]
    fn ipv4_loopback_reads_like_std() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "127.255.255.255",
            "127.0.0.01",
            "127.0.0",
            "127.0.0.1.",
            "127..0.1",
            "127.0.0.256",
            "128.0.0.1",
            "0127.0.0.1",
            "127.0.0.+1",
            "",
            "1.2.3.4",
            "127.0.0.1000",
            "localhost",
        ] {
            let want = host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|a| a.is_loopback());
            assert_eq!(is_ipv4_loopback(host), want, "{host}");
        }
    }
}
