//! Ley 3/2004 rates the owner adds in the configuration, for half-years published after this
//! release:
//!
//! ```toml
//! [[interest.rates]]
//! half = "2026-H2"
//! rate = "10.15"           # the BOE's "tipo legal de interés de demora", ECB + 8 points
//! boe = "BOE-A-2026-12345" # the resolution that published it
//! ```
//!
//! Why in the configuration: the rate changes every half-year and the BOE publishes it weeks
//! before it applies; waiting for a new release would leave formal notices without interest.
//! A configured rate carries its BOE id (shown in every interest breakdown), so it counts as
//! verified; a built-in rate for the same half-year wins (`check` says the line is ignored).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{HalfYear, PublishedRate};

/// `[interest]`: rates added by the owner. Default: none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InterestConfig {
    /// One entry per half-year: `half = "2026-H2"`, `rate = "10.15"`, `boe = "BOE-A-..."`.
    #[serde(default)]
    pub rates: Vec<ConfiguredRate>,
}

impl InterestConfig {
    /// The configured rates, as the interest functions take them.
    pub fn published(&self) -> Vec<PublishedRate> {
        self.rates.iter().map(|r| r.0).collect()
    }
}

/// One `[[interest.rates]]` entry, validated.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "RawRate")]
pub struct ConfiguredRate(pub PublishedRate);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRate {
    half: String,
    rate: String,
    boe: String,
}

/// Parses `2026-H2` (also `2026-h2`, `2H 2026`).
pub fn parse_half(s: &str) -> Option<HalfYear> {
    let s = s.trim().to_ascii_uppercase();
    let (year, half) = if let Some((y, h)) = s.split_once("-H") {
        (y.to_owned(), h.to_owned())
    } else if let Some((h, y)) = s.split_once("H ") {
        (y.to_owned(), h.to_owned())
    } else {
        return None;
    };
    let year: i32 = year.trim().parse().ok()?;
    let half: u8 = half.trim().parse().ok()?;
    ((1..=2).contains(&half) && (2000..=2100).contains(&year)).then_some(HalfYear { year, half })
}

fn valid_boe(boe: &str) -> bool {
    let mut parts = boe.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("BOE"), Some("A"), Some(y), Some(n), None)
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
                && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    )
}

impl TryFrom<RawRate> for ConfiguredRate {
    type Error = String;

    fn try_from(raw: RawRate) -> Result<Self, String> {
        let half_year = parse_half(&raw.half).ok_or_else(|| {
            format!("half {:?}: write the half-year as \"2026-H2\" (H1: January-June, H2: July-December)", raw.half)
        })?;
        let rate: Decimal = raw.rate.trim().replace(',', ".").parse().map_err(|_| {
            format!(
                "rate {:?}: write the annual percentage, e.g. \"10.15\"",
                raw.rate
            )
        })?;
        let eight = Decimal::from(8);
        if rate < eight || rate > Decimal::from(30) {
            return Err(format!(
                "rate {rate}: the legal late-payment rate is the ECB rate plus 8 points (e.g. \"10.15\"), \
                 as the BOE publishes it; check that you did not copy the ECB rate alone"
            ));
        }
        let boe = raw.boe.trim();
        if !valid_boe(boe) {
            return Err(format!(
                "boe {:?}: the BOE resolution id, e.g. \"BOE-A-2026-12345\" (shown in every interest breakdown)",
                raw.boe
            ));
        }
        // The interest tables hold `&'static str` BOE ids; a configuration is read once per start
        // or reload, so keeping these few bytes for the life of the process is the simple price.
        let boe: &'static str = Box::leak(boe.to_owned().into_boxed_str());
        Ok(ConfiguredRate(PublishedRate {
            half_year,
            ecb_rate: rate - eight,
            rate,
            boe_id: Some(boe),
            verified: true,
        }))
    }
}

/// The warning `check` prints about interest rates at `today`, if any: the current half-year
/// has no rate (built in or configured), or a configured rate repeats a built-in one.
pub fn warnings(config: &InterestConfig, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    for r in &config.rates {
        if let Some(built_in) = super::rate_for(r.0.half_year) {
            out.push(format!(
                "interest: [[interest.rates]] for {} is ignored: this release already has {} % ({})",
                r.0.half_year,
                built_in.rate,
                built_in.boe_id.unwrap_or("no BOE id")
            ));
        }
    }
    let now = HalfYear::containing(today);
    if super::rate_in(&config.published(), now).is_none() {
        out.push(format!(
            "interest: no Ley 3/2004 late-payment rate for {now}: formal and final notices to Spanish \
             businesses state the 40 EUR of costs but no interest; when the BOE publishes the rate, add \
             [[interest.rates]] half = \"{}-H{}\", rate = \"...\", boe = \"BOE-A-...\" to the configuration",
            now.year, now.half
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<InterestConfig, String> {
        toml::from_str(toml_text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_rate_is_read_with_its_boe_id() {
        let c =
            parse("[[rates]]\nhalf = \"2026-H2\"\nrate = \"10,15\"\nboe = \"BOE-A-2026-13999\"\n")
                .unwrap();
        let r = c.published()[0];
        assert_eq!(
            r.half_year,
            HalfYear {
                year: 2026,
                half: 2
            }
        );
        assert_eq!(r.rate, "10.15".parse::<Decimal>().unwrap());
        assert_eq!(r.boe_id, Some("BOE-A-2026-13999"));
        assert!(r.verified);
    }

    #[test]
    fn mistakes_are_named() {
        for (text, want) in [
            (
                "half = \"2026-2\"\nrate = \"10.15\"\nboe = \"BOE-A-2026-1\"",
                "2026-H2",
            ),
            (
                "half = \"2026-H2\"\nrate = \"2.15\"\nboe = \"BOE-A-2026-1\"",
                "ECB rate plus 8",
            ),
            (
                "half = \"2026-H2\"\nrate = \"10.15\"\nboe = \"2026-1\"",
                "BOE-A-2026-12345",
            ),
        ] {
            let err = parse(&format!("[[rates]]\n{text}\n")).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn check_warns_about_a_missing_current_half_and_a_needless_line() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let none = InterestConfig::default();
        let w = warnings(&none, d("2099-11-28"));
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("no Ley 3/2004 late-payment rate for 2H 2099"),
            "{w:?}"
        );
        assert!(w[0].contains("half = \"2099-H2\""), "{w:?}");
        assert!(warnings(&none, d("2025-03-01")).is_empty());
        let c = parse(
            "[[rates]]\nhalf = \"2099-H2\"\nrate = \"10.15\"\nboe = \"BOE-A-2099-1\"\n\
             [[rates]]\nhalf = \"2025-H1\"\nrate = \"11.15\"\nboe = \"BOE-A-2024-27618\"\n",
        )
        .unwrap();
        let w = warnings(&c, d("2099-11-28"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("for 1H 2025 is ignored"), "{w:?}");
    }
}
