//! The digest's wording: pure, Spanish, plain text that reads well in a mail client and in a
//! Telegram chat. Every section says "nada" when empty, so the owner knows it was looked at.

use std::fmt::Write as _;

use super::{DigestData, UndeliveredFix};
use crate::domain::Intent;
use crate::render::context::PartOfDay;
use crate::render::dates::{date_day, date_long};
use crate::store::clients::OPTED_OUT_LISTED as LISTED;

/// A composed digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestMessage {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// How an intent reads in the digest.
pub fn intent_words(intent: Intent) -> &'static str {
    match intent {
        Intent::Promise => "promete pagar",
        Intent::Paid => "dice que ya ha pagado",
        Intent::Dispute => "no está de acuerdo con la factura",
        Intent::Plan => "pide pagar a plazos",
        Intent::Stop => "pide que no le escribamos más",
        Intent::Question => "hace una pregunta",
        Intent::AutoReply => "respuesta automática",
        Intent::Other | Intent::Bounce => "mensaje sin clasificar",
    }
}

/// How a stage reads in the digest.
pub fn stage_words(stage: &str) -> String {
    match stage {
        "preventive" => "aviso previo al vencimiento".into(),
        "due" => "aviso del día de vencimiento".into(),
        "early" => "primer recordatorio".into(),
        "second" => "segundo recordatorio".into(),
        "firm" => "recordatorio firme".into(),
        "formal" => "requerimiento formal".into(),
        "final" => "último aviso".into(),
        "instalment" => "aviso de plazo".into(),
        "instalment_missed" => "aviso de plazo no pagado".into(),
        "receipt" => "agradecimiento por el pago".into(),
        "plan_confirmation" => "confirmación del plan de pagos".into(),
        s if s.starts_with("ack_") => "acuse de recibo de su respuesta".into(),
        other => format!("mensaje «{other}»"),
    }
}

/// The substance of a reply's visible text in at most `max` characters, cut between words:
/// its lines after the greeting, quotes and attribution lines left out, joined into one.
///
/// The owner checks at a glance what cobrador read; «Buenos días:» or «El 01/10/26 …
/// escribió:» tell them nothing. A reply that is nothing but a greeting is quoted as it is.
pub fn excerpt(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('>') && !is_attribution(l))
        .collect();
    let start = lines.iter().position(|l| !is_greeting(l));
    let words = start
        .map_or(&lines[..lines.len().min(1)], |i| &lines[i..])
        .join(" ");
    if words.chars().count() <= max {
        return words;
    }
    let cut: String = words.chars().take(max).collect();
    // Between words when there is a space in the second half of the cut, else where it falls.
    let at = cut
        .rfind(' ')
        .filter(|&i| i >= cut.len() / 2)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([' ', ',', ';', ':']))
}

/// Words a Spanish greeting line opens with («Buenos días:», «Estimados señores:», «Hola,
/// Ana:»), without accents.
const GREETING_OPENERS: [&str; 16] = [
    "hola",
    "buenos",
    "buenas",
    "buen",
    "estimado",
    "estimada",
    "estimados",
    "estimadas",
    "querido",
    "querida",
    "apreciado",
    "apreciada",
    "apreciados",
    "senor",
    "senora",
    "senores",
];

/// A line that only greets: a few words opening with a greeting, or a bare name and a colon
/// («Ana:»). «Hola, le pago el viernes» says something and is kept.
fn is_greeting(line: &str) -> bool {
    let folded = crate::understand::fold_str(line);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        return true;
    };
    let ends = line.ends_with([':', ',', '.', '!']) || line.chars().all(char::is_alphabetic);
    let short = words.len() <= 4 && !line.chars().any(|c| c.is_ascii_digit());
    short && ends && (GREETING_OPENERS.contains(first) || (words.len() <= 2 && line.ends_with(':')))
}

/// "El 01/10/26 a las 10:00, Negocio Demo <cobros@…> escribió:" left by a mail client above
/// the quote.
fn is_attribution(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["escribió:", "escribio:", "wrote:"]
        .iter()
        .any(|w| lower.ends_with(w))
}

/// ` (factura F-1)`, ` (facturas F-1, F-2)` for a list joined with `, `; empty for none.
fn invoice_suffix(invoice: &Option<String>) -> String {
    invoice
        .as_deref()
        .map(|n| {
            let word = if n.contains(", ") {
                "facturas"
            } else {
                "factura"
            };
            format!(" ({word} {n})")
        })
        .unwrap_or_default()
}

/// Composes the digest. `locale` is the business's (kept for amounts; dates are the same).
pub fn compose(d: &DigestData, locale: &str) -> DigestMessage {
    let today = d.today;
    let attention = d.disputes.len()
        + d.handovers.len()
        + d.opted_out.len()
        + d.paid_claims.len()
        + d.plan_requests.len()
        + d.in_favour.len()
        + d.to_review
        + d.undeliverable.len()
        + usize::from(d.telegram_problem.is_some())
        + usize::try_from(d.outbox.uncertain).unwrap_or(0);
    let subject = if attention > 0 {
        format!(
            "Resumen de cobros del {}: {attention} {} su atención",
            crate::render::dates::date_text(today),
            if attention == 1 {
                "asunto espera"
            } else {
                "asuntos esperan"
            }
        )
    } else {
        format!(
            "Resumen de cobros del {}",
            crate::render::dates::date_text(today)
        )
    };
    let mut b = String::new();
    let hello = match d.part_of_day {
        PartOfDay::Morning => "Buenos días",
        PartOfDay::Afternoon => "Buenas tardes",
        PartOfDay::Evening => "Buenas noches",
    };
    let _ = writeln!(b, "{hello}. Resumen de cobros del {}.", date_long(today));
    if let Some(since) = d.since {
        let _ = match since_yesterday(d) {
            true => writeln!(
                b,
                "Periodo: desde ayer a las {} hasta ahora.",
                since.format("%H:%M")
            ),
            false => writeln!(
                b,
                "Periodo: desde el último resumen, del {} a las {}, hasta ahora.",
                date_long(since.date()),
                since.format("%H:%M")
            ),
        };
    }
    section_waiting(&mut b, d, locale);
    section_sent(&mut b, d);
    section_replies(&mut b, d);
    section_promises(&mut b, d);
    section_delivery(&mut b, d);
    section_payments(&mut b, d);
    let _ = writeln!(
        b,
        "\nMás detalle: `cobrador status`, `cobrador responses --review`, `cobrador outbox`.\n\
         Este resumen se envía una vez al día (sección [digest] de la configuración)."
    );
    DigestMessage { subject, body: b }
}

fn heading(b: &mut String, title: &str) {
    let _ = writeln!(b, "\n{title}\n{}", "-".repeat(title.chars().count()));
}

fn section_waiting(b: &mut String, d: &DigestData, locale: &str) {
    heading(b, "Esperan a una persona");
    if d.disputes.is_empty()
        && d.handovers.is_empty()
        && d.opted_out.is_empty()
        && d.paid_claims.is_empty()
        && d.plan_requests.is_empty()
        && d.in_favour.is_empty()
        && d.to_review == 0
    {
        let _ = writeln!(b, "Nada: ningún asunto espera su decisión.");
        return;
    }
    for w in &d.disputes {
        let _ = writeln!(
            b,
            "- {}: factura {} en disputa; los recordatorios están parados hasta que usted la resuelva (`cobrador invoice resolve {}`).",
            w.client, w.invoice, w.invoice
        );
    }
    for w in &d.handovers {
        let _ = writeln!(
            b,
            "- {}: factura {} pasada a usted{}: cobrador ya no le escribe sobre ella; la gestión sigue en sus manos (ver el aviso de traspaso).",
            w.client,
            w.invoice,
            w.since
                .map(|s| format!(" el {}", date_day(s, d.today)))
                .unwrap_or_default()
        );
    }
    for o in d.opted_out.iter().take(LISTED) {
        let _ = writeln!(
            b,
            "- {}: pidió no recibir más mensajes y debe {} {}; cobrador ya no le escribe: la gestión sigue en sus manos.",
            o.name,
            if o.invoices.len() == 1 {
                "la factura"
            } else {
                "las facturas"
            },
            o.invoices.join(", ")
        );
    }
    if d.opted_out.len() > LISTED {
        let _ = writeln!(
            b,
            "- Y {} clientes más que pidieron no recibir mensajes y deben facturas (`cobrador status --json`).",
            d.opted_out.len() - LISTED
        );
    }
    for w in &d.paid_claims {
        let since = w
            .since
            .map(|s| format!(" desde el {}", date_day(s, d.today)))
            .unwrap_or_default();
        let _ = writeln!(
            b,
            "- {}: dice que ya pagó la factura {}{since}; compruebe el banco y registre el pago (`cobrador invoice pay {} IMPORTE`) o, si no está, `cobrador invoice resolve {}` (se le dirá que no lo encontramos).",
            w.client, w.invoice, w.invoice, w.invoice
        );
    }
    for w in &d.plan_requests {
        let when = w
            .since
            .map(|s| format!("el {} ", date_day(s, d.today)))
            .unwrap_or_default();
        let _ = writeln!(
            b,
            "- {}: {when}pidió pagar la factura {} a plazos; los recordatorios están parados hasta que usted le proponga un calendario y lo registre (`cobrador agreement plan --invoice {} …`) o los reanude (`cobrador invoice unhold {}`).",
            w.client, w.invoice, w.invoice, w.invoice
        );
    }
    for f in &d.in_favour {
        let (client, invoice, plain) = (&f.client, &f.invoice, f.over.0);
        let shown = crate::render::money::format_money(plain, &f.currency, locale)
            .unwrap_or_else(|_| format!("{plain} {}", f.currency));
        let _ = writeln!(
            b,
            "- {client}: tiene {shown} a su favor (la factura {invoice} está pagada por encima de su importe); sus recordatorios se lo dicen y le ofrecen descontarlo o devolvérselo. Si se lo devuelve, regístrelo (`cobrador invoice pay {invoice} -{plain}`); si lo aplica a otra factura, eso y `cobrador invoice pay OTRA {plain}`."
        );
    }
    if d.to_review > 0 {
        let _ = writeln!(
            b,
            "- {} sin entender del todo, por revisar (`cobrador responses --review`; {}, `cobrador responses --done ID`).",
            if d.to_review == 1 {
                "1 respuesta".to_owned()
            } else {
                format!("{} respuestas", d.to_review)
            },
            if d.to_review == 1 {
                "una vez atendida"
            } else {
                "cada una, una vez atendida"
            }
        );
    }
}

/// Whether the digest's period began yesterday (otherwise it began at the last digest, days ago
/// after an outage, or earlier today).
fn since_yesterday(d: &DigestData) -> bool {
    d.since
        .is_none_or(|since| (d.today - since.date()).num_days() == 1)
}

fn section_sent(b: &mut String, d: &DigestData) {
    heading(
        b,
        if since_yesterday(d) {
            "Enviado desde ayer"
        } else {
            "Enviado desde el último resumen"
        },
    );
    if d.sent.is_empty() {
        let _ = writeln!(b, "Nada.");
    }
    if let Some(n) = &d.next {
        let day = if n.at.date() == d.today {
            "hoy".to_owned()
        } else {
            format!("el {}", date_day(n.at.date(), d.today))
        };
        // Only a wait for contact hours is one a cron tick can miss day after day; a weekend,
        // a holiday or the days between two reminders end by themselves.
        let why = if n.hours {
            ", cuando lo permite el horario de contacto del cliente. Si ejecuta `cobrador tick` desde cron, hágalo también dentro de ese horario: un tick fuera de él no envía nada."
        } else {
            "."
        };
        let _ = writeln!(
            b,
            "Próximo recordatorio: {} ({}), {day} a partir de las {}{why}",
            n.client,
            stage_words(&n.stage),
            n.at.format("%H:%M")
        );
    }
    for s in &d.sent {
        let _ = writeln!(
            b,
            "- {}: {} ({})",
            s.client,
            stage_words(&s.stage),
            if s.channel == "telegram" {
                "Telegram"
            } else {
                "correo"
            }
        );
    }
}

fn section_replies(b: &mut String, d: &DigestData) {
    heading(b, "Respuestas recibidas");
    if d.replies.is_empty() {
        let _ = writeln!(b, "Ninguna.");
        return;
    }
    for r in &d.replies {
        let date = r
            .promised_date
            .map(|p| format!(" el {}", date_day(p, d.today)))
            .unwrap_or_default();
        let review = if r.needs_review { " [por revisar]" } else { "" };
        let _ = writeln!(
            b,
            "- {}: {}{date}{review}. «{}»",
            r.client,
            intent_words(r.intent),
            r.excerpt
        );
    }
}

fn section_promises(b: &mut String, d: &DigestData) {
    heading(b, "Promesas de pago");
    if d.promises_today.is_empty()
        && d.promises_broken.is_empty()
        && d.plans_broken.is_empty()
        && d.plans_restored.is_empty()
    {
        let _ = writeln!(b, "Ninguna vence hoy y ninguna se ha incumplido.");
        return;
    }
    for p in &d.promises_today {
        let _ = writeln!(
            b,
            "- Vence hoy: {}{}.",
            p.client,
            invoice_suffix(&p.invoice)
        );
    }
    for p in &d.promises_broken {
        let _ = writeln!(
            b,
            "- Incumplida: {}{}, prometida para el {}; los recordatorios se reanudan.",
            p.client,
            invoice_suffix(&p.invoice),
            date_day(p.date, d.today)
        );
    }
    // A plan the owner agreed is a promise too: its break is told the same way (and the next
    // reminder tells the client, `_broken_plan`).
    for p in &d.plans_broken {
        let _ = writeln!(
            b,
            "- Plan de pagos incumplido: {}{}, no consta el pago del plazo que vencía el {}; los recordatorios se reanudan.",
            p.client,
            invoice_suffix(&p.invoice),
            date_day(p.date, d.today)
        );
    }
    for p in &d.plans_restored {
        let _ = writeln!(
            b,
            "- Plan de pagos en marcha de nuevo: {}{}; el pago registrado después cubre el plazo a tiempo, así que los recordatorios vuelven a esperar a los plazos.",
            p.client,
            invoice_suffix(&p.invoice)
        );
    }
}

fn section_delivery(b: &mut String, d: &DigestData) {
    heading(b, "Entrega de mensajes");
    if let Some((since, words)) = &d.telegram_problem {
        let _ = writeln!(
            b,
            "- Telegram, desde el {}: {words}",
            date_day(*since, d.today)
        );
    }
    let h = d.outbox;
    if d.undeliverable.is_empty()
        && d.telegram_problem.is_none()
        && h.dead == 0
        && h.uncertain == 0
        && h.failed == 0
    {
        let _ = writeln!(
            b,
            "Todo en orden: ningún mensaje fallido ni dudoso ({} en cola).",
            h.queued
        );
        return;
    }
    for u in &d.undeliverable {
        let _ = writeln!(
            b,
            "- {}: no se pudo entregar a {} ({}). {}",
            u.client,
            u.recipients,
            if u.error.is_empty() {
                "sin respuesta del servidor".to_owned()
            } else {
                excerpt(&u.error, 120)
            },
            match u.fix {
                UndeliveredFix::Address => "Corrija la dirección del cliente.",
                UndeliveredFix::Sending => {
                    "El servidor del cliente rechazó el mensaje en sí, no la dirección: revise \
                     la configuración de envío de su dominio (SPF, DKIM, DMARC) o pida al cliente \
                     que acepte sus correos. cobrador volverá a intentarlo."
                }
                UndeliveredFix::None => {
                    "La dirección se conserva: cobrador volverá a intentarlo más adelante."
                }
            }
        );
    }
    let _ = writeln!(
        b,
        "Bandeja de salida: {} no entregables, {} dudosos (no se reenvían solos: compruebe si llegaron), {} pendientes de reintento, {} en cola.",
        h.dead, h.uncertain, h.failed, h.queued
    );
}

fn section_payments(b: &mut String, d: &DigestData) {
    heading(b, "Datos de pagos");
    let stale = i64::from(d.payments_stale_days);
    let fix = "importe sus pagos (`cobrador import payments FICHERO`) o regístrelos (`cobrador invoice pay`) para no recordar a quien ya pagó";
    let _ = match d.payments_age {
        None => writeln!(b, "No hay facturas abiertas."),
        Some(None) => writeln!(
            b,
            "Atención: nunca se ha registrado ni importado un pago; {fix}."
        ),
        Some(Some(days)) if days > stale => writeln!(
            b,
            "Atención: el último pago registrado o importado es de hace {days} días; {fix}."
        ),
        Some(Some(..=0)) => writeln!(b, "Al día: hoy se han registrado o importado pagos."),
        Some(Some(1)) => writeln!(b, "Al día: el último pago se registró ayer."),
        Some(Some(days)) => writeln!(b, "Al día: el último pago se registró hace {days} días."),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::digest::{
        NextLine, OutboxHealth, PromiseLine, ReplyLine, SentLine, WaitingLine,
    };
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_quiet_day_says_nothing_waits_and_each_section_was_looked_at() {
        let d = DigestData {
            today: day("2026-11-25"),
            payments_age: Some(Some(2)),
            payments_stale_days: 7,
            next: None,
            ..Default::default()
        };
        let m = compose(&d, "es-ES");
        assert!(
            m.body.starts_with("Buenos días. Resumen de cobros"),
            "{}",
            m.body
        );
        // Written in the afternoon (a later digest hour, a catch-up after an outage).
        let late = DigestData {
            part_of_day: PartOfDay::Afternoon,
            ..d.clone()
        };
        let body = compose(&late, "es-ES").body;
        assert!(
            body.starts_with("Buenas tardes. Resumen de cobros"),
            "{body}"
        );
        assert_eq!(m.subject, "Resumen de cobros del 25 de noviembre de 2026");
        assert!(
            m.body.contains("miércoles, 25 de noviembre de 2026"),
            "{}",
            m.body
        );
        assert!(m.body.contains("Nada: ningún asunto espera"), "{}", m.body);
        assert!(m.body.contains("hace 2 días"), "{}", m.body);
        assert!(!m.body.contains("Atención"), "{}", m.body);
    }

    /// The next reminder is named; the cron advice only when it waits for contact hours (a
    /// holiday or the days between two reminders end by themselves).
    #[test]
    fn the_next_reminder_gets_the_cron_advice_only_when_it_waits_for_hours() {
        let next = |hours: bool| NextLine {
            client: "Hotel Levante".into(),
            stage: "second".into(),
            at: day("2026-11-25").and_hms_opt(10, 0, 0).unwrap(),
            hours,
        };
        let body = |hours: bool| {
            let d = DigestData {
                today: day("2026-11-25"),
                next: Some(next(hours)),
                ..Default::default()
            };
            compose(&d, "es-ES").body
        };
        let waits = body(true);
        assert!(
            waits.contains("Próximo recordatorio: Hotel Levante"),
            "{waits}"
        );
        assert!(waits.contains("desde cron"), "{waits}");
        let holiday = body(false);
        assert!(holiday.contains("hoy a partir de las 10:00."), "{holiday}");
        assert!(!holiday.contains("horario"), "{holiday}");
    }

    /// The first digest after days without one (an outage) says what it covers: not «desde ayer».
    #[test]
    fn a_catch_up_digest_does_not_say_since_yesterday() {
        let at = |d: &str| day(d).and_hms_opt(8, 0, 0);
        let mut d = DigestData {
            today: day("2026-11-25"),
            since: at("2026-11-18"),
            ..Default::default()
        };
        let body = compose(&d, "es-ES").body;
        assert!(!body.contains("ayer"), "{body}");
        assert!(body.contains("Enviado desde el último resumen"), "{body}");
        assert!(body.contains("del miércoles, 18 de noviembre"), "{body}");
        d.since = at("2026-11-24");
        let body = compose(&d, "es-ES").body;
        assert!(body.contains("Enviado desde ayer"), "{body}");
        assert!(body.contains("Periodo: desde ayer a las 08:00"), "{body}");
    }

    /// A book with hundreds of clients who opted out names ten and counts the rest (the 100k
    /// bench book has 314: every digest would list them all, every day).
    #[test]
    fn a_long_list_of_opted_out_clients_names_ten() {
        let owing = |n: usize| crate::store::clients::OptedOutOwing {
            client_id: format!("C{n}"),
            name: format!("Cliente {n}"),
            invoices: vec![format!("F{n}")],
        };
        let d = DigestData {
            today: day("2026-11-25"),
            opted_out: (0..12).map(owing).collect(),
            ..Default::default()
        };
        let body = compose(&d, "es-ES").body;
        assert!(
            body.contains("- Cliente 9: pidió no recibir más mensajes"),
            "{body}"
        );
        assert!(!body.contains("- Cliente 10:"), "{body}");
        assert!(
            body.contains("- Y 2 clientes más que pidieron no recibir mensajes"),
            "{body}"
        );
    }

    #[test]
    fn a_busy_day_lists_every_item_and_counts_what_waits() {
        let d = DigestData {
            today: day("2026-11-25"),
            sent: vec![SentLine {
                client: "Café La Latina".into(),
                stage: "early".into(),
                channel: "email".into(),
            }],
            replies: vec![ReplyLine {
                client: "Construcciones Ebro".into(),
                intent: Intent::Promise,
                promised_date: Some(day("2026-11-27")),
                needs_review: false,
                excerpt: "Le pago el viernes".into(),
            }],
            promises_broken: vec![PromiseLine {
                client: "Laura Pérez".into(),
                invoice: Some("F2026-131".into()),
                date: day("2026-11-20"),
            }],
            disputes: vec![WaitingLine {
                client: "Ferretería Hidalgo".into(),
                invoice: "F2026-140".into(),
                since: None,
            }],
            outbox: OutboxHealth {
                dead: 1,
                ..Default::default()
            },
            payments_age: Some(Some(10)),
            payments_stale_days: 7,
            next: None,
            ..Default::default()
        };
        let m = compose(&d, "es-ES");
        assert!(
            m.subject.ends_with("1 asunto espera su atención"),
            "{}",
            m.subject
        );
        for want in [
            "Café La Latina: primer recordatorio (correo)",
            "Construcciones Ebro: promete pagar el viernes 27 de noviembre. «Le pago el viernes»",
            "Incumplida: Laura Pérez (factura F2026-131), prometida para el viernes 20 de noviembre",
            "factura F2026-140 en disputa",
            "1 no entregables",
            "Atención: el último pago registrado o importado es de hace 10 días",
        ] {
            assert!(m.body.contains(want), "missing {want:?} in\n{}", m.body);
        }
    }

    #[test]
    fn excerpts_quote_the_substance_not_the_greeting_or_the_quote() {
        let cases: [(&str, usize, &str); 10] = [
            (
                "\n> cita\nHola, pago mañana\nfirma",
                50,
                "Hola, pago mañana firma",
            ),
            ("abcdefghij", 4, "abcd…"),
            // Walk 2, fault 8: a top-posted reply opening with its greeting…
            (
                "Buenos días:\n\nLa factura G-501 ya está pagada, hicimos la transferencia el martes pasado.",
                120,
                "La factura G-501 ya está pagada, hicimos la transferencia el martes pasado.",
            ),
            // …and a bottom-posted one opening with the attribution of its quote.
            (
                "El 01/10/26 a las 10:00, Negocio Demo <cobros@negocio.test> escribió:\n\
                 > Le recordamos la factura N-401.\nBuenas tardes:\nLa pagaremos el 15 de octubre sin falta.",
                120,
                "La pagaremos el 15 de octubre sin falta.",
            ),
            (
                "Hola, Ana:\nLe pago el viernes.",
                120,
                "Le pago el viernes.",
            ),
            (
                "Estimados señores,\nNo reconocemos la factura.",
                120,
                "No reconocemos la factura.",
            ),
            ("Lucía:\nYa está pagada.", 120, "Ya está pagada."),
            (
                "Buenas tardes, le pago el viernes.",
                120,
                "Buenas tardes, le pago el viernes.",
            ),
            ("Buenos días:", 120, "Buenos días:"),
            (
                "Buenos días:\nEste mes tenemos la caja muy apretada. ¿Sería posible pagar la factura en tres parcialidades mensuales?",
                60,
                "Este mes tenemos la caja muy apretada. ¿Sería posible pagar…",
            ),
        ];
        for (text, max, want) in cases {
            assert_eq!(excerpt(text, max), want, "{text:?}");
        }
    }
}
