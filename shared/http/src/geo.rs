//! Q52: the system is used only from Japan. At the edge a CloudFront/WAF geo rule refuses other countries
//! (see `infra/`); this layer checks again inside: the `CloudFront-Viewer-Country` header, or an IP
//! allow-list of Japanese address ranges. Off on the local default.

use std::net::IpAddr;

/// An IP network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(s: &str) -> Option<Self> {
        let (addr, prefix) = s.trim().split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Self { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |a: IpAddr| -> (u128, u8) {
            match a {
                IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
                IpAddr::V6(v) => (u128::from(v), 128),
            }
        };
        let ((net, width), (addr, width2)) = (bits(self.addr), bits(ip));
        if width != width2 {
            return false;
        }
        if self.prefix == 0 {
            return true;
        }
        let shift = u32::from(width - self.prefix);
        (net >> shift) == (addr >> shift)
    }
}

/// Whether and how requests from outside Japan are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GeoPolicy {
    /// No check (the local default).
    #[default]
    Off,
    /// Allow a request marked as from Japan by CloudFront, or from an address in one of these networks.
    JapanOnly { allow: Vec<IpNet> },
}

impl GeoPolicy {
    /// From configuration: `off`, or `japan` with an optional comma-separated list of CIDR networks.
    pub fn from_config(mode: &str, allow: &str) -> Result<Self, String> {
        match mode.trim() {
            "" | "off" => Ok(Self::Off),
            "japan" => {
                let nets = allow
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| IpNet::parse(s).ok_or_else(|| format!("{s:?} is not a CIDR network")))
                    .collect::<Result<_, _>>()?;
                Ok(Self::JapanOnly { allow: nets })
            }
            other => Err(format!("{other:?}: the geo policy is `off` or `japan`")),
        }
    }

    pub fn allows(&self, country: Option<&str>, ip: Option<IpAddr>) -> bool {
        match self {
            Self::Off => true,
            Self::JapanOnly { allow } => {
                country.is_some_and(|c| c.trim().eq_ignore_ascii_case("JP"))
                    || ip.is_some_and(|ip| allow.iter().any(|n| n.contains(ip)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_matching() {
        let n = IpNet::parse("133.0.0.0/8").unwrap();
        assert!(n.contains("133.5.6.7".parse().unwrap()));
        assert!(!n.contains("134.0.0.1".parse().unwrap()));
        assert!(!n.contains("::1".parse().unwrap()));
        let v6 = IpNet::parse("2400:4000::/22").unwrap();
        assert!(v6.contains("2400:4050::1".parse().unwrap()));
        assert!(IpNet::parse("1.2.3.4/33").is_none());
        assert!(IpNet::parse("1.2.3.4").is_none());
    }

    #[test]
    fn q52_policy() {
        let p = GeoPolicy::from_config("japan", "133.0.0.0/8").unwrap();
        assert!(p.allows(Some("JP"), None));
        assert!(p.allows(None, Some("133.1.1.1".parse().unwrap())));
        assert!(!p.allows(Some("US"), Some("8.8.8.8".parse().unwrap())));
        assert!(!p.allows(None, None));
        assert!(GeoPolicy::Off.allows(Some("US"), None));
        assert!(GeoPolicy::from_config("mars", "").is_err());
        assert!(GeoPolicy::from_config("japan", "nonsense").is_err());
    }
}
