//! The report page: HTML5, inline CSS and SVG, Spanish labels, numbers in the business's locale.
//! Nothing here loads anything: no `src`, no `href` outside the page, no web font.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::svg::{self, Bar, COLORS};
use super::{BUCKETS, ReportData};
use crate::domain::Intent;
use crate::render::money::{Locale, format_money, format_number, format_percent};

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#222;background:#f6f5f2;margin:0}
main{max-width:900px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 12px;color:#2f4f5f}
.meta{color:#666;margin:0 0 20px}
section{background:#fff;border-radius:8px;padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:6px 8px;border-bottom:1px solid #e4e2dc;text-align:left}
th{background:#f0eee9;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;max-width:100%;height:auto;margin:4px 0 12px}
.chart .lbl{font-size:13px;fill:#333}
.chart .val{font-size:13px;fill:#222;font-weight:600}
.chart .small{font-size:11px;fill:#444}
.chart .axis{stroke:#999;stroke-width:1}
.empty{color:#777;font-style:italic}
.note{color:#666;font-size:13px}
";

/// Formats numbers for the report's locale.
struct Fmt<'a> {
    locale: &'a str,
}

impl Fmt<'_> {
    fn money(&self, amount: Decimal, currency: &str) -> String {
        format_money(amount, currency, self.locale)
            .unwrap_or_else(|_| format!("{amount} {currency}"))
    }
    fn number(&self, n: Decimal, decimals: u32) -> String {
        match Locale::find(self.locale) {
            Ok(l) => format_number(n, l, decimals),
            Err(_) => n.to_string(),
        }
    }
    fn percent(&self, part: usize, whole: usize) -> String {
        if whole == 0 {
            return "—".into();
        }
        let rate = Decimal::from(part as i64) * Decimal::from(100) / Decimal::from(whole as i64);
        // Whole percentages read better in a table: "33 %", not "33,33 %".
        let text =
            format_percent(rate.round_dp(0), self.locale).unwrap_or_else(|_| rate.to_string());
        text.replace(",00", "").replace(".00", "")
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The whole page.
pub fn page(d: &ReportData) -> String {
    let fmt = Fmt { locale: &d.locale };
    let mut b = String::new();
    let generated = d
        .generated
        .map(|g| {
            format!(
                "{} a las {}",
                crate::render::dates::date_long(g.date()),
                g.format("%H:%M")
            )
        })
        .unwrap_or_default();
    let _ = write!(
        b,
        "<!DOCTYPE html>\n<html lang=\"es\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Informe de cobros · {name}</title><style>{STYLE}</style></head><body><main>\
         <h1>Informe de cobros</h1><p class=\"meta\">{name} · {generated}</p>",
        name = esc(&d.business),
    );
    section_attention(&mut b, d);
    section_aging(&mut b, d, &fmt);
    section_weekly(&mut b, d, &fmt);
    section_promises(&mut b, d, &fmt);
    section_intents(&mut b, d, &fmt);
    section_stages(&mut b, d, &fmt);
    b.push_str(
        "<p class=\"note\">Generado por cobrador. Esta página no carga nada de internet: \
         puede guardarla o reenviarla tal cual.</p></main></body></html>\n",
    );
    b
}

fn section_attention(b: &mut String, d: &ReportData) {
    b.push_str("<section id=\"atencion\"><h2>Clientes que necesitan a una persona</h2>");
    if d.attention.is_empty() {
        b.push_str("<p class=\"empty\">Ninguno: nada espera su decisión.</p></section>");
        return;
    }
    b.push_str("<table><tr><th>Cliente</th><th>Código</th><th>Motivo</th></tr>");
    for a in &d.attention {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.client),
            esc(&a.id),
            esc(&a.reason)
        );
    }
    b.push_str("</table></section>");
}

fn section_aging(b: &mut String, d: &ReportData, fmt: &Fmt<'_>) {
    b.push_str("<section id=\"antiguedad\"><h2>Saldos pendientes por antigüedad</h2>");
    if d.aging.is_empty() {
        b.push_str("<p class=\"empty\">No hay facturas pendientes.</p></section>");
        return;
    }
    for row in &d.aging {
        let bars: Vec<Bar> = BUCKETS
            .iter()
            .zip(row.buckets.iter())
            .enumerate()
            .map(|(i, (label, amount))| Bar {
                label: (*label).to_owned(),
                size: f(*amount),
                text: fmt.money(*amount, &row.currency),
                color: COLORS[if i == 0 { 0 } else { (i + 1).min(5) }],
            })
            .collect();
        let _ = write!(
            b,
            "<h3>{} · total {} en {} {}</h3>{}",
            esc(&row.currency),
            esc(&fmt.money(row.total, &row.currency)),
            row.invoices,
            if row.invoices == 1 {
                "factura"
            } else {
                "facturas"
            },
            svg::horizontal(
                &format!("Antigüedad de saldos en {}", row.currency),
                &bars,
                820
            )
        );
    }
    b.push_str("</section>");
}

fn section_weekly(b: &mut String, d: &ReportData, fmt: &Fmt<'_>) {
    b.push_str("<section id=\"cobrado\"><h2>Cobrado por semana</h2>");
    let currencies: std::collections::BTreeSet<&String> =
        d.weekly.iter().flat_map(|(_, m)| m.keys()).collect();
    if currencies.is_empty() {
        b.push_str("<p class=\"empty\">Ningún cobro en las últimas 12 semanas.</p></section>");
        return;
    }
    for currency in currencies {
        let bars: Vec<Bar> = d
            .weekly
            .iter()
            .map(|(monday, sums)| {
                let amount = sums.get(currency).copied().unwrap_or_default();
                Bar {
                    label: monday.format("%d/%m").to_string(),
                    size: f(amount),
                    text: fmt.money(amount, currency),
                    color: COLORS[1],
                }
            })
            .collect();
        let total: Decimal = d.weekly.iter().filter_map(|(_, m)| m.get(currency)).sum();
        let _ = write!(
            b,
            "<h3>{} · {} en 12 semanas</h3>{}<p class=\"note\">Cada columna es la semana que empieza ese lunes.</p>",
            esc(currency),
            esc(&fmt.money(total, currency)),
            svg::vertical(&format!("Cobrado por semana en {currency}"), &bars, 840)
        );
    }
    b.push_str("</section>");
}

fn section_promises(b: &mut String, d: &ReportData, fmt: &Fmt<'_>) {
    b.push_str("<section id=\"promesas\"><h2>Promesas de pago: cumplidas e incumplidas</h2>");
    let get = |k: &str| d.promises.get(k).copied().unwrap_or(0);
    let (kept, broken, pending) = (get("kept"), get("broken"), get("pending"));
    if kept + broken + pending == 0 {
        b.push_str("<p class=\"empty\">Todavía no hay promesas de pago.</p></section>");
        return;
    }
    let n = |v: usize| fmt.number(Decimal::from(v as i64), 0);
    let parts = [
        Bar {
            label: "Cumplidas".into(),
            size: kept as f64,
            text: n(kept),
            color: COLORS[1],
        },
        Bar {
            label: "Incumplidas".into(),
            size: broken as f64,
            text: n(broken),
            color: COLORS[4],
        },
        Bar {
            label: "Pendientes".into(),
            size: pending as f64,
            text: n(pending),
            color: COLORS[2],
        },
    ];
    let _ = write!(
        b,
        "{}<p>Cumplidas sobre las ya vencidas: <strong>{}</strong>.</p></section>",
        svg::stacked("Promesas de pago", &parts, 820),
        fmt.percent(kept, kept + broken)
    );
}

/// How an intent is named in the report.
pub fn intent_label(intent: Intent) -> &'static str {
    match intent {
        Intent::Promise => "Promete pagar",
        Intent::Paid => "Dice que ya pagó",
        Intent::Dispute => "No está de acuerdo",
        Intent::Plan => "Pide pagar a plazos",
        Intent::Stop => "Pide no recibir más",
        Intent::Question => "Pregunta",
        Intent::AutoReply => "Respuesta automática",
        // Two bars both called «Otras» told the owner nothing: a reply nobody could read
        // waits for a person; a bounce is an address that does not work.
        Intent::Other => "Sin entender",
        Intent::Bounce => "Correo no entregado",
    }
}

fn section_intents(b: &mut String, d: &ReportData, fmt: &Fmt<'_>) {
    b.push_str("<section id=\"respuestas\"><h2>Respuestas por intención</h2>");
    if d.intents.is_empty() {
        b.push_str("<p class=\"empty\">Todavía no hay respuestas de clientes.</p></section>");
        return;
    }
    let bars: Vec<Bar> = d
        .intents
        .iter()
        .enumerate()
        .map(|(i, (intent, n))| Bar {
            label: intent_label(*intent).into(),
            size: *n as f64,
            text: fmt.number(Decimal::from(*n as i64), 0),
            color: COLORS[i % COLORS.len()],
        })
        .collect();
    b.push_str(&svg::horizontal("Respuestas por intención", &bars, 820));
    b.push_str("</section>");
}

fn section_stages(b: &mut String, d: &ReportData, fmt: &Fmt<'_>) {
    b.push_str(
        "<section id=\"etapas\"><h2>Respuesta y días hasta el pago, por etapa y plantilla</h2>",
    );
    if d.stages.is_empty() {
        b.push_str(
            "<p class=\"empty\">Todavía no se ha enviado ningún recordatorio.</p></section>",
        );
        return;
    }
    b.push_str(
        "<table><tr><th>Etapa</th><th>Plantilla</th><th class=\"n\">Enviados</th>\
         <th class=\"n\">Con respuesta</th><th class=\"n\">Tasa de respuesta</th>\
         <th class=\"n\">Facturas pagadas</th><th class=\"n\">Días hasta el pago (media)</th></tr>",
    );
    for s in &d.stages {
        let n = |v: usize| fmt.number(Decimal::from(v as i64), 0);
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&capitalized(&crate::engine::digest::text::stage_words(
                &s.stage
            ))),
            esc(&s.template),
            n(s.sent),
            n(s.answered),
            fmt.percent(s.answered, s.sent),
            n(s.paid),
            s.days_to_pay
                .map(|v| fmt.number(v, 1))
                .unwrap_or_else(|| "—".into())
        );
    }
    b.push_str(
        "</table><p class=\"note\">Con respuesta: el cliente contestó a ese mensaje o escribió \
         en los 14 días siguientes. Días hasta el pago: desde el mensaje hasta el último pago de \
         cada factura que nombraba, ya pagada.</p></section>",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{AgingRow, AttentionRow, StageRow};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn data(locale: &str) -> ReportData {
        ReportData {
            business: "Taller <Hidalgo> & Hijos".into(),
            locale: locale.into(),
            aging: vec![AgingRow {
                currency: "MXN".into(),
                buckets: [d("0"), d("18500"), d("0"), d("0"), d("1234.5")],
                total: d("19734.5"),
                invoices: 2,
            }],
            stages: vec![StageRow {
                stage: "early".into(),
                template: "early".into(),
                sent: 3,
                answered: 1,
                paid: 2,
                days_to_pay: Some(d("12.5")),
            }],
            attention: vec![AttentionRow {
                client: "Ana \"la\" <b>".into(),
                id: "C9".into(),
                reason: "Respuesta por revisar".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn amounts_follow_the_business_locale() {
        let mx = page(&data("es-MX"));
        assert!(mx.contains("total $19,734.50 en 2 facturas"), "{mx}");
        assert!(mx.contains(">12.5<") && mx.contains(">33%<"), "{mx}");
        let es = page(&data("es-ES"));
        assert!(es.contains("total 19.734,50 MXN en 2 facturas"), "{es}");
        assert!(es.contains(">12,5<") && es.contains(">33 %<"), "{es}");
    }

    #[test]
    fn names_are_text_never_markup() {
        let p = page(&data("es-ES"));
        assert!(p.contains("Taller &lt;Hidalgo&gt; &amp; Hijos"));
        assert!(p.contains("Ana &quot;la&quot; &lt;b&gt;"));
        assert!(!p.contains("<b>"));
    }

    #[test]
    fn every_intent_has_a_label_of_its_own() {
        let labels: std::collections::BTreeSet<&str> =
            Intent::ALL.iter().map(|i| intent_label(*i)).collect();
        assert_eq!(labels.len(), Intent::ALL.len(), "{labels:?}");
        let p = page(&ReportData {
            locale: "es-ES".into(),
            intents: vec![(Intent::Other, 1), (Intent::Bounce, 1)],
            ..Default::default()
        });
        assert!(p.contains(">Sin entender<"), "{p}");
        assert!(p.contains(">Correo no entregado<"), "{p}");
    }

    #[test]
    fn empty_sections_say_so() {
        let p = page(&ReportData {
            locale: "es-ES".into(),
            ..Default::default()
        });
        for want in [
            "Ninguno: nada espera su decisión.",
            "No hay facturas pendientes.",
            "Ningún cobro en las últimas 12 semanas.",
            "Todavía no hay promesas de pago.",
        ] {
            assert!(p.contains(want), "missing {want:?}");
        }
    }
}
