//! Unit tests for the date rules at month, year and time-zone boundaries, the stripping of
//! quotes and signatures, the JSON shape. The case tables run in `case_table.rs`.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::understand::{
    Intent, PromisedAmount, looks_like_auto_reply, strip_quotes_and_signature, understand,
};

const DEFAULT_AT: &str = "2026-11-18T15:00:00Z";

pub(super) fn tz_of(code: &str) -> Tz {
    match code {
        "MX" => chrono_tz::America::Mexico_City,
        "CO" => chrono_tz::America::Bogota,
        "AR" => chrono_tz::America::Argentina::Buenos_Aires,
        "CL" => chrono_tz::America::Santiago,
        "PE" => chrono_tz::America::Lima,
        "UY" => chrono_tz::America::Montevideo,
        "VE" => chrono_tz::America::Caracas,
        "EC" => chrono_tz::America::Guayaquil,
        "DO" => chrono_tz::America::Santo_Domingo,
        "US" => chrono_tz::America::New_York,
        "GT" => chrono_tz::America::Guatemala,
        "HN" => chrono_tz::America::Tegucigalpa,
        "SV" => chrono_tz::America::El_Salvador,
        "NI" => chrono_tz::America::Managua,
        "CR" => chrono_tz::America::Costa_Rica,
        "PA" => chrono_tz::America::Panama,
        "CU" => chrono_tz::America::Havana,
        "PR" => chrono_tz::America::Puerto_Rico,
        "PY" => chrono_tz::America::Asuncion,
        "BO" => chrono_tz::America::La_Paz,
        "ES-CN" => chrono_tz::Atlantic::Canary,
        _ => chrono_tz::Europe::Madrid,
    }
}

pub(super) fn at(s: &str) -> DateTime<Utc> {
    let s = if s.is_empty() { DEFAULT_AT } else { s };
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("bad test time {s}: {e}"))
}

pub(super) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad test date {s}: {e}"))
}

fn read(text: &str, when: &str, country: &str) -> crate::understand::Reading {
    understand(text, at(when), tz_of(country))
}

fn date_of(text: &str, when: &str) -> Option<NaiveDate> {
    read(text, when, "ES").promised_date
}

#[test]
fn day_of_month_rolls_into_next_year() {
    // Thursday 31 December 2026.
    let when = "2026-12-31T10:00:00Z";
    assert_eq!(date_of("le pago el 2", when), Some(day("2027-01-02")));
    assert_eq!(date_of("le pago el 31", when), Some(day("2026-12-31")));
    assert_eq!(date_of("le pago el 15/12", when), Some(day("2027-12-15")));
    assert_eq!(
        date_of("le pago a fin de mes", when),
        Some(day("2026-12-31"))
    );
    assert_eq!(date_of("le pago mañana", when), Some(day("2027-01-01")));
    assert_eq!(date_of("le pago el lunes", when), Some(day("2027-01-04")));
    assert_eq!(
        date_of("le pago a principios de enero", when),
        Some(day("2027-01-05"))
    );
}

#[test]
fn day_of_month_in_short_months() {
    // Tuesday 10 February 2026: "el 30" is clamped to the end of February and ambiguous.
    let r = read("le pago el 30", "2026-02-10T10:00:00Z", "ES");
    assert_eq!(r.promised_date, Some(day("2026-02-28")));
    assert!(r.ambiguous);
    // Saturday 31 January 2026: "el 31" is today; "el 30" is 30 days ahead... clamped.
    assert_eq!(
        date_of("le pago el 31", "2026-01-31T10:00:00Z"),
        Some(day("2026-01-31"))
    );
    assert_eq!(
        date_of("le pago el 30", "2026-01-31T10:00:00Z"),
        Some(day("2026-02-28"))
    );
    // The 20th: "el 15" is next month's and ambiguous.
    let r = read("le pago el 15", "2026-11-20T10:00:00Z", "ES");
    assert_eq!(r.promised_date, Some(day("2026-12-15")));
    assert!(r.ambiguous);
    // "el 31 de noviembre" is a slip: a promise whose day the client is asked for ("el 30
    // de febrero" is a joke, see the case tables).
    let r = read("Le pago el 31 de noviembre", "2026-11-18T15:00:00Z", "ES");
    assert_eq!((r.intent, r.promised_date), (Intent::Promise, None));
    assert!(r.ambiguous);
    // Leap years.
    assert_eq!(
        date_of("le pago el 29 de febrero", "2027-11-18T10:00:00Z"),
        Some(day("2028-02-29"))
    );
}

#[test]
fn weekday_on_the_same_weekday_is_next_week() {
    // Friday 20 November 2026.
    let when = "2026-11-20T10:00:00Z";
    assert_eq!(date_of("le pago el viernes", when), Some(day("2026-11-27")));
    assert_eq!(
        date_of("le pago hoy viernes", when),
        Some(day("2026-11-20"))
    );
    assert_eq!(date_of("le pago hoy", when), Some(day("2026-11-20")));
    assert_eq!(
        date_of("le pago el próximo viernes", when),
        Some(day("2026-11-27"))
    );
    assert_eq!(
        date_of("le pago el viernes de la semana que viene", when),
        Some(day("2026-11-27"))
    );
    // Sunday 29 November 2026: "la semana que viene" is the Friday of 30 Nov – 6 Dec.
    assert_eq!(
        date_of("le pago la semana que viene", "2026-11-29T10:00:00Z"),
        Some(day("2026-12-04"))
    );
}

#[test]
fn next_weekday_conventions() {
    // Wednesday 18 November 2026.
    let when = "2026-11-18T10:00:00Z";
    assert_eq!(
        date_of("le pago el próximo viernes", when),
        Some(day("2026-11-20"))
    );
    assert_eq!(
        date_of("le pago el viernes que viene", when),
        Some(day("2026-11-20"))
    );
    assert_eq!(
        date_of("le pago el viernes de la semana que viene", when),
        Some(day("2026-11-27"))
    );
    assert_eq!(
        date_of("le pago este viernes", when),
        Some(day("2026-11-20"))
    );
    assert_eq!(date_of("le pago el lunes", when), Some(day("2026-11-23")));
    assert_eq!(date_of("le pago el martes", when), Some(day("2026-11-24")));
    assert_eq!(
        date_of("le pago el miércoles", when),
        Some(day("2026-11-25"))
    );
    assert!(read("le pago el próximo viernes", when, "ES").ambiguous);
    assert!(!read("le pago el viernes", when, "ES").ambiguous);
}

/// A hope is not a commitment: the promise is recorded and the acknowledgement asks to confirm
/// the day. A hope about something else beside a firm promise does not weaken it.
/// A payment told beside a promise makes it doubtful («ya pagué, le pago el viernes»: which
/// is it?); a part paid and the rest promised for a day is one story, the day firm (mail29:
/// «Ya pagué la mitad, el resto el viernes 18» asked the client to confirm the day they named).
#[test]
fn the_rest_promised_after_a_part_paid_is_firm() {
    let when = "2026-12-08T08:15:00Z";
    for (t, day) in [
        ("Ya pagué la mitad, el resto el viernes 18", "2026-12-18"),
        (
            "Ya les transferí 500 euros, el resto se lo pago el viernes 18",
            "2026-12-18",
        ),
        (
            "Hoy he pagado una parte; el resto se lo pago el lunes 14",
            "2026-12-14",
        ),
    ] {
        let r = read(t, when, "ES");
        assert_eq!(r.intent, Intent::Promise, "{t}");
        assert_eq!(r.promised_date, Some(day.parse().unwrap()), "{t}");
        assert!(!r.ambiguous, "{t}: {r:?}");
    }
    let r = read("Ya pagué, le pago el viernes", when, "ES");
    assert!(r.ambiguous, "{r:?}");
}

#[test]
fn hopes_are_hedged_promises() {
    let when = "2026-11-24T17:00:00Z";
    for t in [
        "A ver si el viernes puedo pagarle",
        "Haré lo posible por pagar el viernes",
        "Haremos todo lo posible para pagarle esta semana",
        "Si me alcanza, el viernes le pago",
        "no sé si el viernes podré pagar",
        "si me llega el dinero el viernes le pago",
    ] {
        let r = read(t, when, "ES");
        assert_eq!(r.intent, Intent::Promise, "{t}");
        assert!(r.promised_date.is_some() && r.ambiguous, "{t}: {r:?}");
    }
    let r = read(
        "El viernes le pago, a ver si así nos ponemos al día",
        when,
        "ES",
    );
    assert_eq!(r.intent, Intent::Promise);
    assert!(!r.ambiguous, "{r:?}");
    // «No sé si…» about something else is no hope about the day.
    let r = read(
        "No sé si me explico: le pago el viernes sin falta",
        when,
        "ES",
    );
    assert_eq!(r.intent, Intent::Promise);
    assert!(!r.ambiguous, "{r:?}");
}

#[test]
fn time_zone_decides_the_day() {
    // 23:30 UTC on Friday 27 November: still Friday in Mexico City, already Saturday in Madrid.
    let when = "2026-11-27T23:30:00Z";
    assert_eq!(
        read("le pago mañana", when, "MX").promised_date,
        Some(day("2026-11-28"))
    );
    assert_eq!(
        read("le pago mañana", when, "ES").promised_date,
        Some(day("2026-11-29"))
    );
    assert_eq!(
        read("le pago hoy", when, "MX").promised_date,
        Some(day("2026-11-27"))
    );
    assert_eq!(
        read("le pago hoy", when, "ES").promised_date,
        Some(day("2026-11-28"))
    );
    // "el viernes" said on Friday in Mexico is next week's; in Madrid (Saturday) it is 4 Dec too.
    assert_eq!(
        read("le pago el viernes", when, "MX").promised_date,
        Some(day("2026-12-04"))
    );
    assert_eq!(
        read("le pago el lunes", when, "ES").promised_date,
        Some(day("2026-11-30"))
    );
}

#[test]
fn periods() {
    // Wednesday 18 November 2026.
    let when = "2026-11-18T10:00:00Z";
    assert_eq!(
        date_of("le pago a fin de mes", when),
        Some(day("2026-11-30"))
    );
    assert_eq!(
        date_of("le pago a fin de mes", "2026-11-30T10:00:00Z"),
        Some(day("2026-11-30"))
    );
    assert_eq!(
        date_of("le pago a finales del mes que viene", when),
        Some(day("2026-12-31"))
    );
    assert_eq!(
        date_of("le pago a mediados de mes", when),
        Some(day("2026-11-20"))
    );
    assert_eq!(
        date_of("le pago a mediados de mes", "2026-11-23T10:00:00Z"),
        Some(day("2026-12-15"))
    );
    assert_eq!(
        date_of("le pago a mediados de mes", "2026-11-03T10:00:00Z"),
        Some(day("2026-11-16"))
    );
    assert_eq!(
        date_of("le pago a principios de diciembre", when),
        Some(day("2026-12-07"))
    );
    assert_eq!(
        date_of("le pago a principios de mes", when),
        Some(day("2026-12-07"))
    );
}

#[test]
fn periods_carry_their_range() {
    let when = "2026-11-18T10:00:00Z";
    // Periods carry their range; the promised day is the range's last day (a month's start and
    // middle: the 5th and the 15th, or the working day after, unless said after them).
    let r = read("le pago a mediados de mes", when, "ES");
    assert_eq!(
        r.promised_range,
        Some((day("2026-11-18"), day("2026-11-20")))
    );
    let r = read("durante la segunda semana de enero le pago", when, "ES");
    assert_eq!(
        r.promised_range,
        Some((day("2027-01-08"), day("2027-01-14")))
    );
    assert_eq!(r.promised_date, Some(day("2027-01-14")));
    let r = read("le pago en la segunda quincena de diciembre", when, "MX");
    assert_eq!(
        r.promised_range,
        Some((day("2026-12-16"), day("2026-12-31")))
    );
    let r = read("a primeros del mes que viene le pago", when, "ES");
    assert_eq!(
        r.promised_range,
        Some((day("2026-12-01"), day("2026-12-10")))
    );
    assert!(r.ambiguous);
    assert_eq!(
        read("le pago a fin de mes", when, "ES").promised_range,
        None
    );
    assert_eq!(
        date_of("le pago antes de Navidad", when),
        Some(day("2026-12-24"))
    );
    assert_eq!(
        date_of("le pago antes de fin de mes", when),
        Some(day("2026-11-30"))
    );
    assert_eq!(
        date_of("le pago antes del 25", when),
        Some(day("2026-11-24"))
    );
    assert_eq!(
        date_of("le pago después del 25", when),
        Some(day("2026-11-26"))
    );
    assert_eq!(
        date_of("le deposito después de la quincena", when),
        Some(day("2026-12-01"))
    );
    assert_eq!(
        date_of("le deposito después de la quincena", "2026-11-05T18:00:00Z"),
        Some(day("2026-11-16"))
    );
    assert_eq!(
        date_of("le deposito en la quincena", "2026-11-05T18:00:00Z"),
        Some(day("2026-11-15"))
    );
    assert_eq!(
        date_of("le pago el mes que viene", when),
        Some(day("2026-12-31"))
    );
    assert_eq!(date_of("le pago en enero", when), Some(day("2027-01-29")));
    assert_eq!(
        date_of("le pago después de Reyes", when),
        Some(day("2027-01-07"))
    );
    assert!(read("le pago a principios de diciembre", when, "ES").ambiguous);
    assert!(!read("le pago a fin de mes", when, "ES").ambiguous);
}

#[test]
fn relative_days_and_numbers_in_words() {
    let when = "2026-11-18T10:00:00Z";
    assert_eq!(
        date_of("le pago pasado mañana", when),
        Some(day("2026-11-20"))
    );
    assert_eq!(
        date_of("le pago en diez días", when),
        Some(day("2026-11-28"))
    );
    assert_eq!(
        date_of("le pago dentro de dos semanas", when),
        Some(day("2026-12-02"))
    );
    assert_eq!(
        date_of("le pago en 3 días hábiles", when),
        Some(day("2026-11-23"))
    );
    assert_eq!(date_of("le pago en un mes", when), Some(day("2026-12-18")));
    assert_eq!(
        date_of("le pago el veintiuno", when),
        Some(day("2026-11-21"))
    );
    assert_eq!(
        date_of("le pago el día treinta y uno de diciembre", when),
        Some(day("2026-12-31"))
    );
    assert_eq!(
        date_of("le pago el primero de diciembre", when),
        Some(day("2026-12-01"))
    );
    assert_eq!(
        date_of("LE PAGO EL MIERCOLES", when),
        Some(day("2026-11-25"))
    );
}

#[test]
fn full_dates() {
    let when = "2026-11-18T10:00:00Z";
    assert_eq!(
        date_of("le pago el 15-12-2026", when),
        Some(day("2026-12-15"))
    );
    assert_eq!(date_of("le pago el 5/1/27", when), Some(day("2027-01-05")));
    assert_eq!(
        date_of("le pago el 2026-12-15", when),
        Some(day("2026-12-15"))
    );
    assert_eq!(
        date_of("le pago el 1º de diciembre de 2026", when),
        Some(day("2026-12-01"))
    );
    assert_eq!(date_of("le pago el 15 dic", when), Some(day("2026-12-15")));
    // A past day with a year is never promised.
    assert_eq!(date_of("le pago el 15/10/2026", when), None);
    // "15/11" passed three days ago: next year, ambiguous.
    let r = read("le pago el 15/11", when, "ES");
    assert_eq!(r.promised_date, Some(day("2027-11-15")));
    assert!(r.ambiguous);
}

#[test]
fn amounts() {
    let when = "2026-11-18T10:00:00Z";
    let money = |s: &str| -> Option<PromisedAmount> { read(s, when, "ES").promised_amount };
    let eur = |v: &str| PromisedAmount::Money {
        amount: Decimal::from_str(v).unwrap_or_default(),
        currency: Some("EUR".into()),
    };
    let local = |v: &str| PromisedAmount::Money {
        amount: Decimal::from_str(v).unwrap_or_default(),
        currency: None,
    };
    assert_eq!(money("le pago 500 € el viernes"), Some(eur("500")));
    assert_eq!(
        money("le pago 1.234,56 euros el viernes"),
        Some(eur("1234.56"))
    );
    assert_eq!(money("te pago $2,500 el lunes"), Some(local("2500")));
    assert_eq!(money("le deposito 2 mil pesos mañana"), Some(local("2000")));
    assert_eq!(money("le pago 300 el viernes"), Some(local("300")));
    assert_eq!(
        money("le transfiero quinientos euros el lunes"),
        Some(eur("500"))
    );
    // A part now and the rest on a day: the day's payment is the rest.
    assert_eq!(
        money("le pago la mitad ahora y el resto el 30"),
        Some(PromisedAmount::Remainder)
    );
    assert_eq!(
        money("le pago la mitad el viernes y el resto el 30"),
        Some(PromisedAmount::Fraction {
            numerator: 1,
            denominator: 2
        })
    );
    assert_eq!(
        money("ya le pagué una parte, el resto se lo pago el viernes"),
        Some(PromisedAmount::Remainder)
    );
    // The sum already paid is not the one promised.
    assert_eq!(
        money("Os he pagado 300 €, el resto el viernes"),
        Some(PromisedAmount::Remainder)
    );
    assert_eq!(
        money("Os he pagado 300 €, los otros 300 a final de mes"),
        Some(local("300"))
    );
    assert_eq!(
        money("He pagado 300, el resto el viernes."),
        Some(PromisedAmount::Remainder)
    );
    assert_eq!(
        money("He pagado 300, los otros el viernes."),
        Some(PromisedAmount::Remainder)
    );
    assert_eq!(
        money("Te pago el viernes, los otros clientes esperan"),
        None
    );
    assert_eq!(money("te pago 200k el viernes"), Some(local("200000")));
    assert_eq!(money("le pago el viernes"), None);
    // Counts of instalments or invoices are not sums.
    assert_eq!(money("te lo pago en 2 quincenas"), None);
    assert_eq!(money("Le pago en 3 plazos"), None);
    assert_eq!(money("Le pago 2 facturas el lunes"), None);
    assert_eq!(money("le pago 300 en 2 plazos"), Some(local("300")));
}

#[test]
fn stripping_quotes_and_signatures() {
    let gmail = "Le pago el lunes.\n\nEl vie, 20 nov 2026 a las 9:15, Cobrador <f@x.es> escribió:\n> Vence el 15 de diciembre.";
    assert_eq!(strip_quotes_and_signature(gmail), "Le pago el lunes.");
    let wrapped = "Ok, el lunes.\n\nEl vie, 20 nov 2026 a las 9:15, Cobrador\n<facturas@x.es> escribió:\n> hola";
    assert_eq!(strip_quotes_and_signature(wrapped), "Ok, el lunes.");
    let outlook = "Pagado ayer.\n\n________________________________\nDe: Cobrador <f@x.es>\nEnviado: viernes, 20 de noviembre de 2026 9:15\nPara: Ana\nAsunto: Factura 12";
    assert_eq!(strip_quotes_and_signature(outlook), "Pagado ayer.");
    let original = "Le pago el 30\n-----Mensaje original-----\nDe: x\nEl 15 de diciembre vence";
    assert_eq!(strip_quotes_and_signature(original), "Le pago el 30");
    let sig =
        "Le pago el viernes.\n\nSaludos,\nJuan Pérez\nTel. 600 123 456\nCalle 15 de Mayo 3, Madrid";
    assert_eq!(strip_quotes_and_signature(sig), "Le pago el viernes.");
    let dashes = "Pagaré mañana\n-- \nAna\n+34 91 123 45 67";
    assert_eq!(strip_quotes_and_signature(dashes), "Pagaré mañana");
    let iphone = "Le pago el viernes\n\nEnviado desde mi iPhone";
    assert_eq!(strip_quotes_and_signature(iphone), "Le pago el viernes");
    let english = "Te pago el lunes\n\nOn Fri, Nov 20, 2026 at 9:15 AM Cobrador <f@x.es> wrote:\n> due 15 Dec";
    assert_eq!(strip_quotes_and_signature(english), "Te pago el lunes");
    let ps = "Un saludo.\nAna\nPD: le pago el viernes";
    assert_eq!(
        strip_quotes_and_signature(&format!("Hola\n{ps}")),
        "Hola\nPD: le pago el viernes"
    );
}

#[test]
fn auto_replies_are_recognised() {
    assert!(looks_like_auto_reply(
        "Estoy fuera de la oficina hasta el 30 de noviembre."
    ));
    assert!(looks_like_auto_reply(
        "Respuesta automática: gracias por su mensaje"
    ));
    assert!(looks_like_auto_reply("Out of office until Monday"));
    assert!(!looks_like_auto_reply("Le pago el viernes"));
}

#[test]
fn json_shape() {
    let r = read("Le pago 500 € el viernes", "", "ES");
    let v = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-11-20");
    assert_eq!(v["promised_amount"]["kind"], "money");
    assert_eq!(v["promised_amount"]["amount"], "500");
    assert_eq!(v["promised_amount"]["currency"], "EUR");
    assert_eq!(v["confidence"], "high");
    let r = read("No reconozco esta factura", "", "ES");
    let v = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(v["intent"], "dispute");
    assert!(v["promised_date"].is_null());
    for i in Intent::ALL {
        assert_eq!(Intent::from_str(i.as_str()), Ok(*i));
        assert_eq!(serde_json::to_value(i).unwrap_or_default(), i.as_str());
    }
    assert!(Intent::from_str("promesa").is_err());
}

#[test]
fn evidence_names_the_deciding_words() {
    let r = read("Hola, le pago el viernes sin falta. Gracias", "", "ES");
    assert_eq!(r.evidence, vec!["le pago", "el viernes"]);
    assert!(!r.ambiguous);
}

#[test]
fn long_weekends_by_country() {
    use crate::understand::calendar::{Region, monday_holidays, thanksgiving};
    let days = |r, y| -> Vec<String> {
        monday_holidays(r, y)
            .iter()
            .map(|d| d.format("%m-%d").to_string())
            .collect()
    };
    // Mexico, Ley Federal del Trabajo art. 74.
    assert_eq!(days(Region::Mexico, 2027), ["02-01", "03-15", "11-15"]);
    // Colombia, Ley 51 de 1983 (Easter 2027 is 28 March).
    assert_eq!(
        days(Region::Colombia, 2027),
        [
            "01-11", "03-22", "05-10", "05-31", "06-07", "07-05", "08-16", "10-18", "11-01",
            "11-15"
        ]
    );
    assert!(days(Region::Spain, 2027).is_empty());
    assert_eq!(thanksgiving(2027), Some(day("2027-11-25")));
    assert_eq!(thanksgiving(2026), Some(day("2026-11-26")));
}

/// A closed mailbox or a contact gone is told to the owner as such (probe26, mail26): «ya no
/// está en uso», «esta cuenta ha sido dada de baja»; an invoice «dada de baja» is not.
#[test]
fn a_closed_mailbox_is_a_contact_gone() {
    for t in [
        "Esta dirección de correo ya no está en uso. Por favor escriba a x@y.es",
        "Esta cuenta de correo ha sido dada de baja. Para facturas escriba a a@b.es",
        "This mailbox is no longer monitored.",
        "Ya no trabajo en esa empresa, escríbale a pagos@xyz.co",
    ] {
        assert!(crate::understand::says_contact_left(t), "{t}");
    }
    for t in [
        "esa factura ya fue dada de baja en el SAT",
        "le pago el viernes",
        "la dirección de entrega ya no es la misma",
    ] {
        assert!(!crate::understand::says_contact_left(t), "{t}");
    }
}

/// «Pongo en copia a administración» copies a colleague: it asks for no copy of the invoice.
#[test]
fn a_carbon_copy_asks_nothing() {
    let r = read(
        "Pagaremos mañana sin falta. Pongo en copia a administración.",
        "2026-12-03T10:25:00Z",
        "ES",
    );
    assert_eq!(r.intent, Intent::Promise);
    assert!(r.also.is_empty(), "{:?}", r.also);
}

/// «El viernes sin falta» said on Friday 18 December is Christmas Day: the day is read, and
/// asked to confirm (banks are shut), not taken as firm (walk28 P3); a working day stays firm.
#[test]
fn a_promised_day_that_is_a_national_holiday_is_asked_to_confirm() {
    let r = read("Le pago el viernes sin falta", "2026-12-18T10:40:00Z", "ES");
    assert_eq!(r.intent, Intent::Promise);
    assert_eq!(r.promised_date, NaiveDate::from_ymd_opt(2026, 12, 25));
    assert!(r.ambiguous, "{r:?}");
    let r = read("Le pago el viernes sin falta", "2026-12-11T10:40:00Z", "ES");
    assert_eq!(r.promised_date, NaiveDate::from_ymd_opt(2026, 12, 18));
    assert!(!r.ambiguous, "{r:?}");
    // Mexico's 16 September, a Wednesday in 2026.
    let r = read("Le deposito el miércoles", "2026-09-14T16:00:00Z", "MX");
    assert_eq!(r.promised_date, NaiveDate::from_ymd_opt(2026, 9, 16));
    assert!(r.ambiguous, "{r:?}");
}
