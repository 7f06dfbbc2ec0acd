//! The placeholders of a payment-link template (`business.payment-link`), shared by the
//! configuration's check and the renderer that fills them (`engine::links`).

/// The placeholders a payment link may use.
pub const PLACEHOLDERS: &[&str] = &["{numero}", "{importe}", "{moneda}", "{cliente}"];

/// Whether `link` is a template (has any placeholder), i.e. one link per invoice.
pub fn is_template(link: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| link.contains(p))
}

/// The first `{...}` in `link` that is not a known placeholder, for `check`.
pub fn unknown_placeholder(link: &str) -> Option<String> {
    let mut rest = link;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let token = &rest[start..end];
        if !PLACEHOLDERS.contains(&token) {
            return Some(token.to_owned());
        }
        rest = &rest[end..];
    }
    None
}
