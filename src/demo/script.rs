//! The demo's cast: varied sample clients and what each of them does.

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;

use crate::domain::{Channel, Client, ClientKind, ContactRole};
use crate::store::clients::ContactInput;

/// The first simulated day (a Monday).
pub fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 5).unwrap_or_default()
}

/// One sample client, its invoice and its story.
pub struct Character {
    /// The client.
    pub client: Client,
    /// Its billing contact.
    pub contact: ContactInput,
    /// A Telegram chat linked to the billing contact.
    pub telegram: Option<i64>,
    /// Invoice number, days from the start to its due date, amount, currency.
    pub invoice: (&'static str, u64, &'static str, &'static str),
    /// What the client (or the owner) does, and when.
    pub story: Vec<Step>,
    /// One line for the timeline's header.
    pub role: &'static str,
}

/// When a step happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// On day N of the simulation, at 15:00 UTC.
    Day(u64),
    /// N hours after the client received its first message of this stage.
    AfterStage(&'static str, i64),
    /// On the date the client promised, at 12:00 UTC.
    OnPromisedDate,
}

/// What happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The client replies (through the channel of its last message).
    Reply(&'static str),
    /// A payment arrives; `None` = the whole balance.
    Pay(Option<&'static str>),
    /// The owner resolves the dispute or the "ya pagué" claim.
    Resolve,
    /// The owner puts the invoice on hold.
    Hold,
    /// The owner lifts the hold.
    Unhold,
    /// The owner records an agreed payment plan: (day of the simulation, amount) per instalment.
    AgreePlan(Vec<(u64, &'static str)>),
    /// The client presses «Pagaré el…» under its last Telegram message, then the Nth business
    /// day offered (0 = the first).
    PressDay(usize),
}

/// A step of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// When.
    pub when: When,
    /// What.
    pub action: Action,
}

fn step(when: When, action: Action) -> Step {
    Step { when, action }
}

#[allow(clippy::too_many_arguments)]
fn character(
    id: &str,
    name: &str,
    country: &str,
    tz: Tz,
    kind: ClientKind,
    tuteo: bool,
    contact: (&str, &str),
    invoice: (&'static str, u64, &'static str, &'static str),
    role: &'static str,
    story: Vec<Step>,
) -> Character {
    Character {
        client: Client {
            id: id.into(),
            name: name.into(),
            legal_name: None,
            tax_id: None,
            country: country.into(),
            region: (country == "ES").then(|| "MD".into()),
            time_zone: tz,
            kind,
            segment: None,
            language: "es".into(),
            tuteo,
            on_hold: false,
            awaiting_answer_until: None,
            notes: None,
        },
        contact: ContactInput {
            name: Some(contact.0.into()),
            email: contact.1.into(),
            role: ContactRole::Billing,
            preferred_channel: Channel::Email,
        },
        telegram: None,
        invoice,
        story,
        role,
    }
}

/// The cast, in the order the timeline introduces them.
pub fn cast() -> Vec<Character> {
    use Action::*;
    use When::*;
    let madrid = chrono_tz::Europe::Madrid;
    let b2b = ClientKind::B2b;
    let mut cast = vec![
        character(
            "SOL",
            "Papelería Sol",
            "ES",
            madrid,
            b2b,
            false,
            ("Carmen", "carmen@papeleriasol.example"),
            ("SOL-101", 6, "640,00", "EUR"),
            "a good payer: pays after the preventive reminder",
            vec![step(AfterStage("preventive", 30), Pay(None))],
        ),
        character(
            "RUIZ",
            "Talleres Ruiz",
            "ES",
            madrid,
            b2b,
            false,
            ("Antonio", "antonio@talleresruiz.example"),
            ("RUIZ-201", 5, "1.180,00", "EUR"),
            "on Telegram: picks a payment date with a button under the second reminder, pays that day",
            vec![
                step(AfterStage("second", 3), PressDay(1)),
                step(OnPromisedDate, Pay(None)),
            ],
        ),
        character(
            "BODEGA",
            "Bodega Martín",
            "ES",
            madrid,
            b2b,
            false,
            ("Rosa", "rosa@bodegamartin.example"),
            ("BOD-301", 2, "2.350,00", "EUR"),
            "promises a date and pays on it",
            vec![
                step(
                    AfterStage("early", 6),
                    Reply(
                        "Buenas tardes, disculpe el retraso. Le pago el viernes sin falta.\n\nUn saludo,\nRosa Martín\nTel. 600 111 222",
                    ),
                ),
                step(OnPromisedDate, Pay(None)),
            ],
        ),
        character(
            "VEGA",
            "Construcciones Vega",
            "ES",
            madrid,
            b2b,
            false,
            ("Jorge", "jorge@construccionesvega.example"),
            ("VEGA-401", 1, "3.850,00", "EUR"),
            "promises, breaks the promise and never pays: up to the hand-over",
            vec![step(
                AfterStage("second", 5),
                Reply("Le hago la transferencia el lunes que viene, estamos esperando un cobro."),
            )],
        ),
        character(
            "NORTE",
            "Clínica Dental Norte",
            "ES",
            madrid,
            b2b,
            false,
            ("Elena", "elena@dentalnorte.example"),
            ("NOR-501", 3, "1.200,00", "EUR"),
            "disputes the amount; the owner resolves it and she pays",
            vec![
                step(
                    AfterStage("early", 4),
                    Reply(
                        "No reconozco este importe: el presupuesto aprobado era de 900 €, no de 1.200 €.",
                    ),
                ),
                step(Day(30), Resolve),
                step(Day(41), Pay(None)),
            ],
        ),
        character(
            "ANDINA",
            "Distribuidora Andina",
            "CO",
            chrono_tz::America::Bogota,
            b2b,
            false,
            ("Camilo", "camilo@andina.example"),
            ("AND-601", 8, "4.500.000", "COP"),
            "in Colombia: Ley 2300 hours, never on Sundays or holidays; pays after the firm reminder",
            vec![step(AfterStage("firm", 30), Pay(None))],
        ),
        character(
            "LAURA",
            "Laura Pérez",
            "ES",
            madrid,
            ClientKind::B2c,
            true,
            ("Laura", "laura.perez@correo.example"),
            ("LAU-701", 10, "420,00", "EUR"),
            "a consumer spoken to as tú; the owner holds her invoice for two weeks",
            vec![
                step(Day(16), Hold),
                step(Day(30), Unhold),
                step(Day(36), Pay(None)),
            ],
        ),
        character(
            "MAR",
            "Hostal Mar Azul",
            "ES",
            madrid,
            b2b,
            false,
            ("Pilar", "pilar@hostalmarazul.example"),
            ("MAR-801", 4, "980,00", "EUR"),
            "says it is paid; the owner checks the bank and records it",
            vec![
                step(
                    AfterStage("due", 20),
                    Reply(
                        "Ya está pagado, hicimos la transferencia ayer. Les adjunto el justificante.",
                    ),
                ),
                step(Day(12), Pay(None)),
            ],
        ),
        character(
            "ORTEGA",
            "Gestoría Ortega",
            "ES",
            madrid,
            b2b,
            false,
            ("Pedro", "pedro@gestoriaortega.example"),
            ("ORT-901", 2, "310,00", "EUR"),
            "asks not to receive automatic reminders",
            vec![step(
                AfterStage("early", 3),
                Reply("Por favor, no me envíen más correos automáticos. Prefiero que me llamen."),
            )],
        ),
        character(
            "HIDALGO",
            "Ferretería Hidalgo",
            "MX",
            chrono_tz::America::Mexico_City,
            b2b,
            false,
            ("Guadalupe", "lupita@ferreteriahidalgo.example"),
            ("HID-1001", 12, "18.500,00", "MXN"),
            "in Mexico: pays half, then the rest",
            vec![
                step(Day(30), Pay(Some("9.250,00"))),
                step(Day(48), Pay(None)),
            ],
        ),
        character(
            "GOMEZ",
            "Imprenta Gómez",
            "ES",
            madrid,
            b2b,
            false,
            ("Ramón", "ramon@imprentagomez.example"),
            ("GOM-1101", 4, "3.000,00", "EUR"),
            "agrees a payment plan of three instalments; pays one late, within grace",
            vec![
                step(
                    Day(25),
                    AgreePlan(vec![(35, "1.000,00"), (49, "1.000,00"), (63, "1.000,00")]),
                ),
                step(Day(35), Pay(Some("1.000,00"))),
                step(Day(51), Pay(Some("1.000,00"))),
                step(Day(63), Pay(Some("1.000,00"))),
            ],
        ),
        character(
            "RIVAS",
            "Estudio Rivas",
            "ES",
            madrid,
            b2b,
            false,
            ("Irene", "irene@estudiorivas.example"),
            ("RIV-1201", 20, "1.500,00", "EUR"),
            "takes the 2 % prompt-payment discount offered with the second reminder",
            vec![step(AfterStage("second", 50), Pay(Some("1.470,00")))],
        ),
    ];
    if let Some(ruiz) = cast.iter_mut().find(|c| c.client.id == "RUIZ") {
        ruiz.telegram = Some(7_001_234);
        ruiz.contact.preferred_channel = Channel::Telegram;
    }
    cast
}

/// The day `n` days after the start.
pub fn day(n: u64) -> NaiveDate {
    start() + Days::new(n)
}
