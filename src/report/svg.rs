//! Inline SVG bar charts: no script, no external font, readable printed in black and white
//! (every bar carries its value as text, so colour is never the only carrier of meaning).
//!
//! Geometry uses `f64`; the numbers printed are the exact, locale-formatted texts passed in.

use std::fmt::Write as _;

use super::html::esc;

/// One bar: its label, its size (any unit; only ratios matter) and the text of its value.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Label shown beside (or below) the bar.
    pub label: String,
    /// Size, for the geometry.
    pub size: f64,
    /// Value as printed.
    pub text: String,
    /// Fill colour.
    pub color: &'static str,
}

/// The palette: calm, distinguishable, dark enough for white text nowhere needed.
pub const COLORS: [&str; 6] = [
    "#2f6f8f", "#4f9d69", "#d9a441", "#d9733f", "#b8433f", "#7a5c99",
];

fn scale(bars: &[Bar]) -> f64 {
    bars.iter().map(|b| b.size).fold(0.0, f64::max).max(1e-9)
}

/// A horizontal bar chart (one row per bar), `width` pixels wide.
pub fn horizontal(title: &str, bars: &[Bar], width: u32) -> String {
    let row = 28.0;
    let label_w = 170.0;
    let value_w = 130.0;
    let w = f64::from(width);
    let plot = (w - label_w - value_w).max(50.0);
    let h = row * bars.len() as f64 + 8.0;
    let max = scale(bars);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><title>{}</title>"#,
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let len = (b.size / max * plot).max(if b.size > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" class="lbl">{label}</text><rect x="{label_w}" y="{ry}" width="{len:.1}" height="{bh}" rx="3" fill="{c}"/><text x="{vx:.1}" y="{ty}" class="val">{text}</text>"#,
            lx = label_w - 8.0,
            ty = y + row / 2.0 + 4.0,
            label = esc(&b.label),
            ry = y + 4.0,
            bh = row - 8.0,
            c = b.color,
            vx = label_w + len + 6.0,
            text = esc(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}

/// A vertical bar chart (one column per bar, labels below), `width` pixels wide.
pub fn vertical(title: &str, bars: &[Bar], width: u32) -> String {
    let h = 220.0;
    let top = 22.0;
    let bottom = 36.0;
    let w = f64::from(width);
    let col = w / bars.len().max(1) as f64;
    let plot = h - top - bottom;
    let max = scale(bars);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><title>{}</title><line x1="0" y1="{base}" x2="{w}" y2="{base}" class="axis"/>"#,
        esc(title),
        base = top + plot
    );
    for (i, b) in bars.iter().enumerate() {
        let x = col * i as f64;
        let len = b.size / max * plot;
        let y = top + plot - len;
        let cx = x + col / 2.0;
        let _ = write!(
            s,
            r#"<rect x="{rx:.1}" y="{y:.1}" width="{bw:.1}" height="{len:.1}" rx="2" fill="{c}"/>"#,
            rx = x + col * 0.15,
            bw = col * 0.7,
            c = b.color,
        );
        if b.size > 0.0 {
            // Kept inside the picture: a long value over the first or last column is not cut.
            let tx = cx.clamp(50.0, (w - 50.0).max(50.0));
            let _ = write!(
                s,
                r#"<text x="{tx:.1}" y="{ty:.1}" text-anchor="middle" class="small">{}</text>"#,
                esc(&b.text),
                ty = y - 5.0
            );
        }
        let _ = write!(
            s,
            r#"<text x="{cx:.1}" y="{ly:.1}" text-anchor="middle" class="small">{}</text>"#,
            esc(&b.label),
            ly = top + plot + 16.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One bar split in parts (e.g. promises kept / broken / pending), with a legend.
pub fn stacked(title: &str, parts: &[Bar], width: u32) -> String {
    let w = f64::from(width);
    let total: f64 = parts.iter().map(|p| p.size).sum::<f64>().max(1e-9);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" width="{w}" height="70" viewBox="0 0 {w} 70"><title>{}</title>"#,
        esc(title)
    );
    let mut x = 0.0;
    for p in parts {
        let len = p.size / total * w;
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="4" width="{len:.1}" height="26" fill="{}"/>"#,
            p.color
        );
        x += len;
    }
    let step = w / parts.len().max(1) as f64;
    for (i, p) in parts.iter().enumerate() {
        let lx = step * i as f64;
        let _ = write!(
            s,
            r#"<rect x="{lx:.1}" y="46" width="12" height="12" fill="{c}"/><text x="{tx:.1}" y="57" class="lbl">{label}: {text}</text>"#,
            c = p.color,
            tx = lx + 17.0,
            label = esc(&p.label),
            text = esc(&p.text),
        );
    }
    s.push_str("</svg>");
    s
}
