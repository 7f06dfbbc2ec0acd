//! Payment links per invoice, from a URL template: `business.payment-link =
//! "https://pagos.example/{numero}?importe={importe}"`.
//!
//! Why a template and not one link: a payment page that already knows the invoice and the amount
//! is one click for the client, and the payment arrives with the right reference. A link without
//! placeholders stays one link for the whole business, shown once per message as before.

pub use crate::domain::links::{PLACEHOLDERS, is_template, unknown_placeholder};

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The link for one invoice: placeholders replaced (the amount as `1234.56`, a dot and the
/// currency's decimals, as payment pages expect); `None` when `link` is not a template.
pub fn for_invoice(
    link: &str,
    number: &str,
    balance: rust_decimal::Decimal,
    currency: &str,
    client: &str,
) -> Option<String> {
    if !is_template(link) {
        return None;
    }
    let decimals = crate::render::money::currency_decimals(currency).unwrap_or(2);
    let amount = format!(
        "{:.prec$}",
        balance.round_dp(decimals),
        prec = decimals as usize
    );
    Some(
        link.replace("{numero}", &encode(number))
            .replace("{importe}", &amount)
            .replace("{moneda}", &encode(currency))
            .replace("{cliente}", &encode(client)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let t = "https://pagos.example/{numero}?importe={importe}&moneda={moneda}&c={cliente}";
        assert_eq!(
            for_invoice(t, "F 2026/7", d("1234.5"), "EUR", "C001").as_deref(),
            Some("https://pagos.example/F%202026%2F7?importe=1234.50&moneda=EUR&c=C001")
        );
        assert_eq!(
            for_invoice("https://x.example/{numero}", "A-1", d("9990.4"), "CLP", "C").as_deref(),
            Some("https://x.example/A-1")
        );
        assert_eq!(
            for_invoice(
                "https://x.example/p?i={importe}",
                "A",
                d("9990.4"),
                "CLP",
                "C"
            )
            .as_deref(),
            Some("https://x.example/p?i=9990")
        );
        assert_eq!(
            for_invoice("https://x.example/pagar", "A", d("1"), "EUR", "C"),
            None
        );
    }

    #[test]
    fn unknown_placeholders_are_found() {
        assert_eq!(unknown_placeholder("https://x/{numero}"), None);
        assert_eq!(
            unknown_placeholder("https://x/{number}?a={importe}").as_deref(),
            Some("{number}")
        );
    }
}
