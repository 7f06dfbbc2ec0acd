//! Throughput of `understand` over a mixed corpus, on one thread.
//!
//! Run with `cargo bench --bench understand`. Prints replies per second.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cobrador::understand::understand;

/// A mix of short chat replies, e-mails with quoted history and signatures, auto-replies.
const CORPUS: &[&str] = &[
    "Le pago el viernes",
    "te pago el viernes che",
    "Ya le transferí ayer, le adjunto el comprobante",
    "No puedo pagar ahora, ¿me deja en cuotas?",
    "No voy a pagar, el trabajo está mal hecho",
    "¿Me puede mandar la factura?",
    "MAÑANA SIN FALTA",
    "Le pago la mitad ahora y el resto a fin de mes",
    "Te transfiero $2,500 el lunes que viene",
    "Por favor, no me escriban más",
    "Gracias por el aviso",
    "Estoy fuera de la oficina hasta el 30 de noviembre. Para asuntos urgentes contacte con María.",
    "Hola, buenos días.\n\nDisculpe el retraso. Esta semana hemos tenido problemas con el banco, pero \
     le confirmo que el pago se realizará el próximo lunes 23 sin falta.\n\nUn saludo,\nJuan García\n\
     Gerente\nTel. 600 123 456\nC/ Mayor 15, 28013 Madrid\n\nEl mar, 17 nov 2026 a las 9:15, Cobrador \
     <facturas@taller.es> escribió:\n> Estimado cliente:\n> Le recordamos que la factura F-2026-0012 \
     por importe de 1.234,56 € venció el 10 de noviembre.\n> Puede pagar por transferencia a ES12 \
     3456 7890 1234 5678 9012.\n> Atentamente,\n> Taller Pérez",
    "Ok, le pago el lunes\n\nDe: Cobranza <cobranza@x.mx>\nEnviado: miércoles, 18 de noviembre de 2026 \
     9:00\nPara: Pedro\nAsunto: Factura vencida\n\nSu factura venció el 10 de noviembre.",
    "Le cancelo la factura el próximo martes",
    "¿A qué cuenta le deposito? Ahorita no tengo la CLABE",
    "Después de la quincena le deposito 2 mil pesos y el resto la otra semana",
    "Ya quedó cancelada, le envío el soporte por WhatsApp",
];

fn main() {
    // `cargo test --all-targets` also runs bench targets: measure only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("understand benchmark: run it with `cargo bench --bench understand`");
        return;
    }
    let now: DateTime<Utc> = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let tz = chrono_tz::Europe::Madrid;
    // Warm up the lexicon and the caches.
    for t in CORPUS {
        black_box(understand(t, now, tz));
    }
    let mut n: u64 = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        for t in CORPUS {
            black_box(understand(black_box(t), now, tz));
            n += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let bytes: usize = CORPUS.iter().map(|t| t.len()).sum();
    println!(
        "understand: {n} replies in {secs:.2} s = {:.0} replies/s (one thread; corpus of {} replies, mean {} bytes)",
        n as f64 / secs,
        CORPUS.len(),
        bytes / CORPUS.len()
    );
}
