//! Full text: fetch an article's page and extract its main text, readability-style; and the
//! SSRF guard that keeps such fetches away from private, loopback and link-local addresses.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::fetch::FetchError;
use crate::text::{collapse_ws, is_clutter};

/// Whether an address is private, loopback, link-local or otherwise not on the public internet.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_non_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_non_public_v4(v4);
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local
                || (seg[0] & 0xffc0) == 0xfe80 // link-local
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1)
        }
    }
}

fn is_non_public_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (64..128).contains(&o[1])) // carrier-grade NAT
        || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) // benchmarking
        || o[0] >= 240
}

/// Refuses URLs whose host is, or resolves to, a non-public address.
pub async fn check_public(url: &Url) -> Result<(), FetchError> {
    let host = url
        .host()
        .ok_or_else(|| FetchError::Refused("URL has no host".into()))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<IpAddr> = match host {
        url::Host::Ipv4(ip) => vec![IpAddr::V4(ip)],
        url::Host::Ipv6(ip) => vec![IpAddr::V6(ip)],
        url::Host::Domain(d) => {
            if d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
            {
                return Err(FetchError::Refused(format!("{d} is a local host name")));
            }
            tokio::net::lookup_host((d, port))
                .await
                .map_err(|e| FetchError::Other(format!("cannot resolve {d}: {e}")))?
                .map(|sa| sa.ip())
                .collect()
        }
    };
    if let Some(bad) = addrs.iter().find(|ip| is_non_public(**ip)) {
        return Err(FetchError::Refused(format!(
            "{} resolves to the non-public address {bad}",
            url.host_str().unwrap_or("")
        )));
    }
    Ok(())
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

/// Extracts the main text of an article page: the container whose paragraphs hold the most
/// prose wins; its paragraphs are returned separated by blank lines. Empty when nothing looks
/// like an article.
pub fn extract_main_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let (Some(p_sel), Some(bad_sel)) = (
        sel("p, pre, blockquote, li"),
        sel("script, style, noscript, nav, header, footer, aside, form"),
    ) else {
        return String::new();
    };
    let bad: std::collections::HashSet<NodeId> = doc.select(&bad_sel).map(|e| e.id()).collect();
    let inside_bad =
        |e: &ElementRef<'_>| e.ancestors().any(|a| bad.contains(&a.id())) || bad.contains(&e.id());
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let mut paras: Vec<(NodeId, String)> = Vec::new();
    for p in doc.select(&p_sel) {
        if inside_bad(&p) {
            continue;
        }
        let text = collapse_ws(&p.text().collect::<String>());
        if text.len() < 25 || is_clutter(&text) {
            continue;
        }
        let link_chars: usize = p
            .select(&sel("a").unwrap_or_else(|| p_sel.clone()))
            .map(|a| a.text().map(str::len).sum::<usize>())
            .sum();
        if link_chars * 2 > text.len() {
            continue;
        }
        let score = 1.0 + text.matches(',').count() as f64 + (text.len() as f64 / 100.0).min(3.0);
        if let Some(parent) = p.parent() {
            *scores.entry(parent.id()).or_default() += score;
            if let Some(grand) = parent.parent() {
                *scores.entry(grand.id()).or_default() += score / 2.0;
            }
        }
        paras.push((p.id(), text));
    }
    let Some((best, _)) = scores.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return String::new();
    };
    let mut out = Vec::new();
    for (id, text) in paras {
        let within = doc
            .tree
            .get(id)
            .map(|n| n.ancestors().any(|a| a.id() == best))
            .unwrap_or(false);
        if within && !out.contains(&text) {
            out.push(text);
        }
    }
    out.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "fd00::1",
            "100.64.0.1",
            "0.0.0.0",
        ] {
            assert!(is_non_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "2001:4860:4860::8888", "151.101.1.1"] {
            assert!(!is_non_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn guard_refuses_loopback_urls() {
        for u in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://[::1]/",
            "http://169.254.169.254/latest",
        ] {
            let url = Url::parse(u).unwrap();
            assert!(
                matches!(check_public(&url).await, Err(FetchError::Refused(_))),
                "{u}"
            );
        }
    }

    #[test]
    fn extracts_the_article_not_the_chrome() {
        let html = r#"<html><head><title>x</title><script>var a=1;</script></head><body>
            <nav><p>Home, World, Business, Markets, Sustainability, Legal, More sections here</p></nav>
            <div class="sidebar"><p><a href="/a">Most read: a story about something else entirely</a></p></div>
            <article><h1>Headline</h1>
              <p>ANKARA, Aug 16 (Reuters) - Turkey said on Tuesday it had no new contract with Russia, adding that talks continued.</p>
              <p>The official added that technical talks on the second batch, including local production, were ongoing.</p>
              <p>Register now for free unlimited access to Reuters.com</p>
            </article>
            <footer><p>All quotes delayed a minimum of 15 minutes, see here for a list of exchanges.</p></footer>
            </body></html>"#;
        let text = extract_main_text(html);
        assert!(text.starts_with("ANKARA, Aug 16"), "{text}");
        assert!(text.contains("\n\nThe official added"));
        assert!(
            !text.contains("Register now")
                && !text.contains("Most read")
                && !text.contains("quotes delayed")
        );
    }
}
