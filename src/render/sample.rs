//! Sample contexts: fixtures for tests, data for the linter and for `cobrador preview`.
//!
//! Each [`Sample`] is a realistic client (a Spanish company with late-payment interest, a
//! Spanish consumer, a Mexican company, a Chilean client, a client in Mexico with euro and
//! dollar invoices). [`RenderContext::sample`] fills in the stage and the optional parts a given
//! template kind needs, with dates relative to a fixed `today` (Monday 16 February 2026).

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::render::context::{
    Answer, Business, Client, Contact, CreditLine, CurrencyTotal, Discount, DueDay, History,
    Instalment, Interest, InterestPeriod, InvoiceLine, OwnerAlert, PastPromise, PastReminder,
    PlanTerms, Promise, RenderContext, Reply, ReturnedPayment, Stage,
};

/// A sample client profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Spanish company (B2B): several invoices in EUR, late-payment interest from `firm`.
    B2bSpain,
    /// Spanish consumer (B2C): one invoice, no interest or fixed costs.
    B2cSpain,
    /// Mexican company, es-MX, one invoice in MXN, contact name unknown.
    Mexico,
    /// Chilean client, es-CL, two invoices in CLP (no decimals).
    Chile,
    /// A client in Mexico (es-MX) of a Spanish business, invoices in EUR and USD.
    SeveralCurrencies,
}

impl Sample {
    /// Every sample, in a fixed order.
    pub const ALL: [Sample; 5] = [
        Sample::B2bSpain,
        Sample::B2cSpain,
        Sample::Mexico,
        Sample::Chile,
        Sample::SeveralCurrencies,
    ];

    /// A short name for reports: `b2b-es`.
    pub fn name(self) -> &'static str {
        match self {
            Sample::B2bSpain => "b2b-es",
            Sample::B2cSpain => "b2c-es",
            Sample::Mexico => "mx",
            Sample::Chile => "cl",
            Sample::SeveralCurrencies => "mx-eur-usd",
        }
    }
}

/// The ladder's stages with their default day offsets and tones.
pub const STAGES: [(&str, i64, &str); 8] = [
    ("preventive", -3, "amable"),
    ("due", 0, "amable"),
    ("early", 3, "cordial"),
    ("second", 7, "cordial"),
    ("firm", 15, "firme"),
    ("formal", 30, "formal"),
    ("final", 60, "formal"),
    ("handover", 90, "formal"),
];

/// The fixed "today" of every sample: Monday 16 February 2026.
pub fn sample_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 16).unwrap_or_default()
}

fn money(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn spanish_business() -> Business {
    Business {
        name: "Estudio Lumen".into(),
        legal_name: "Lumen Diseño y Comunicación, S.L.".into(),
        tax_id: "B12345678".into(),
        address: "Calle del Pez 12, 28004 Madrid".into(),
        email: "cobros@estudiolumen.es".into(),
        phone: Some("+34 910 000 000".into()),
        contact_person: "Marta Ruiz".into(),
        iban: Some("ES91 2100 0418 4502 0005 1332".into()),
        payment_methods: vec!["Bizum al 600 000 000 indicando el número de factura".into()],
        payment_link: Some("https://pagos.estudiolumen.es/f".into()),
    }
}

fn mexican_business() -> Business {
    Business {
        name: "Servicios Alba".into(),
        legal_name: "Servicios Alba, S.A. de C.V.".into(),
        tax_id: "SAL010203AB1".into(),
        address: "Av. Insurgentes Sur 1000, Col. del Valle, 03100 Ciudad de México".into(),
        email: "cobranza@serviciosalba.mx".into(),
        phone: None,
        contact_person: "Jorge Méndez".into(),
        iban: Some("CLABE 002180700000000019".into()),
        payment_methods: vec!["Depósito en OXXO con la referencia de la factura".into()],
        payment_link: None,
    }
}

fn chilean_business() -> Business {
    Business {
        name: "Imprenta Austral".into(),
        legal_name: "Imprenta Austral SpA".into(),
        tax_id: "76.123.456-7".into(),
        address: "Av. Providencia 1234, Providencia, Santiago".into(),
        email: "pagos@imprentaaustral.cl".into(),
        phone: Some("+56 2 2000 0000".into()),
        contact_person: "Carolina Soto".into(),
        iban: None,
        payment_methods: vec![
            "Transferencia a la cuenta corriente 12345678 del Banco Ejemplo, RUT 76.123.456-7"
                .into(),
        ],
        payment_link: Some("https://imprentaaustral.cl/pagar".into()),
    }
}

/// One invoice `age` days overdue at `today`, with interest when `with_interest`.
fn invoice(
    number: &str,
    currency: &str,
    amount: &str,
    paid: &str,
    age: i64,
    stage_offset: i64,
    with_interest: bool,
) -> InvoiceLine<'static> {
    let today = sample_today();
    let due = today - Duration::days(age);
    let amount = money(amount);
    let paid = money(paid);
    let balance = amount - paid;
    InvoiceLine {
        number: number.to_owned().into(),
        issue_date: due - Duration::days(30),
        due_date: due,
        currency: currency.to_owned().into(),
        amount,
        paid,
        balance,
        partly_paid: !paid.is_zero(),
        returned: None,
        days_overdue: age,
        reached_stage: age >= stage_offset,
        interest: (with_interest && age > 0).then(|| {
            let part = (!paid.is_zero()).then_some((due + Duration::days(10), paid));
            sample_interest(amount, part, due, today)
        }),
        payment_link: None,
    }
}

/// Ley 3/2004 interest on `amount` split by half-year, with the two published rates the
/// samples need, and at a partial payment `(day, amount)` (the principal is lower from the day
/// after it).
///
/// Sample data only: the real computation lives with the policy (rates table with BOE ids).
fn sample_interest(
    amount: Decimal,
    paid: Option<(NaiveDate, Decimal)>,
    due: NaiveDate,
    today: NaiveDate,
) -> Interest {
    let start_2026 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let rate = money("10.15");
    let first = due + Duration::days(1);
    let after_payment = paid.map(|(day, _)| day + Duration::days(1));
    let mut starts: Vec<NaiveDate> = [Some(first), Some(start_2026), after_payment]
        .into_iter()
        .flatten()
        .filter(|d| *d >= first && *d <= today)
        .collect();
    starts.sort();
    starts.dedup();
    let balance = amount - paid.map_or(Decimal::ZERO, |(_, part)| part);
    let mut periods = Vec::new();
    for (i, &from) in starts.iter().enumerate() {
        let to = starts
            .get(i + 1)
            .map_or(today, |next| *next - Duration::days(1));
        let principal = match after_payment {
            Some(day) if from >= day => balance,
            _ => amount,
        };
        let days = (to - from).num_days() + 1;
        periods.push(InterestPeriod {
            from,
            to,
            days,
            principal,
            rate,
            boe_id: if from < start_2026 {
                "BOE-A-2025-13217"
            } else {
                "BOE-A-2025-27201"
            }
            .into(),
            amount: (principal * rate / Decimal::from(100) * Decimal::from(days)
                / Decimal::from(365))
            .round_dp(2),
        });
    }
    Interest {
        total: periods.iter().map(|p| p.amount).sum(),
        principal_changed: periods.iter().any(|p| p.principal != balance),
        periods,
        fixed_costs: money("40"),
    }
}

/// Totals per currency, in order of first appearance.
pub fn compute_totals<'a>(invoices: &[InvoiceLine<'a>]) -> Vec<CurrencyTotal<'a>> {
    let mut totals: Vec<CurrencyTotal<'a>> = Vec::new();
    for inv in invoices {
        let (interest, fixed) = inv
            .interest
            .as_ref()
            .map_or((Decimal::ZERO, Decimal::ZERO), |i| (i.total, i.fixed_costs));
        let pos = match totals.iter().position(|t| t.currency == inv.currency) {
            Some(pos) => pos,
            None => {
                totals.push(CurrencyTotal {
                    currency: inv.currency.clone(),
                    balance: Decimal::ZERO,
                    interest: Decimal::ZERO,
                    fixed_costs: Decimal::ZERO,
                    grand_total: Decimal::ZERO,
                    interest_pending: false,
                });
                totals.len() - 1
            }
        };
        let t = &mut totals[pos];
        // Saturating: amounts are bounded at import, and a total must never panic a tick.
        t.balance = t.balance.saturating_add(inv.balance);
        t.interest = t.interest.saturating_add(interest);
        t.fixed_costs = t.fixed_costs.saturating_add(fixed);
        t.grand_total = t
            .balance
            .saturating_add(t.interest)
            .saturating_add(t.fixed_costs);
        t.interest_pending |= inv.interest.as_ref().is_some_and(|i| i.periods.is_empty());
    }
    totals
}

/// The stage a template kind is sampled at (non-stage messages use a plausible one).
fn stage_for(kind: &str) -> (&'static str, i64, &'static str) {
    let name = match kind {
        "plan_confirmation" | "instalment" => "firm",
        "ack_promise" | "ack_paid" | "ack_dispute" | "ack_plan" | "ack_stop" | "ack_question"
        | "ack_hours" | "ack_answers" | "owner_alert" | "receipt" => "second",
        other => other,
    };
    STAGES
        .iter()
        .copied()
        .find(|(n, _, _)| *n == name)
        .unwrap_or(STAGES[3])
}

impl RenderContext<'static> {
    /// A complete context for template `kind` (a stage or message name) and client `sample`.
    ///
    /// Usted form; set `tuteo` on the result for the tú variant.
    pub fn sample(sample: Sample, kind: &str) -> RenderContext<'static> {
        let today = sample_today();
        let (stage_name, offset, tone) = stage_for(kind);
        let age = offset.max(-3);
        let late_stage = offset >= 15;
        let per_invoice = offset <= 0;
        let (business, client, contact, locale, invoices) = match sample {
            Sample::B2bSpain => {
                let mut invoices = vec![invoice(
                    "F-2026-0142",
                    "EUR",
                    "1210.00",
                    "0",
                    age,
                    offset,
                    late_stage,
                )];
                if !per_invoice {
                    invoices.push(invoice(
                        "F-2026-0177",
                        "EUR",
                        "484.00",
                        "0",
                        2,
                        offset,
                        late_stage,
                    ));
                }
                let client = Client {
                    name: "Talleres Pérez".into(),
                    legal_name: Some("Talleres Pérez e Hijos, S.L.".into()),
                    tax_id: Some("B87654321".into()),
                    b2b: true,
                    country: "ES".into(),
                    address: Some("Polígono Sur, nave 4, 41005 Sevilla".into()),
                };
                let contact = Contact {
                    name: Some("Luis".into()),
                };
                (spanish_business(), client, contact, "es-ES", invoices)
            }
            Sample::B2cSpain => {
                let invoices = vec![invoice(
                    "F-2026-0150",
                    "EUR",
                    "350.00",
                    "100.00",
                    age,
                    offset,
                    false,
                )];
                let client = Client {
                    name: "Ana García López".into(),
                    legal_name: None,
                    tax_id: None,
                    b2b: false,
                    country: "ES".into(),
                    address: Some("Calle Mayor 3, 2.º B, 28013 Madrid".into()),
                };
                let contact = Contact {
                    name: Some("Ana".into()),
                };
                (spanish_business(), client, contact, "es-ES", invoices)
            }
            Sample::Mexico => {
                let invoices = vec![invoice(
                    "A-1187", "MXN", "15080.00", "0", age, offset, false,
                )];
                let client = Client {
                    name: "Comercializadora del Bajío".into(),
                    legal_name: Some("Comercializadora del Bajío, S. de R.L. de C.V.".into()),
                    tax_id: Some("CBA990101XY2".into()),
                    b2b: true,
                    country: "MX".into(),
                    address: None,
                };
                let contact = Contact { name: None };
                (mexican_business(), client, contact, "es-MX", invoices)
            }
            Sample::Chile => {
                let mut invoices = vec![invoice("3051", "CLP", "1250000", "0", age, offset, false)];
                if !per_invoice {
                    invoices.push(invoice("3102", "CLP", "380000", "0", 5, offset, false));
                }
                let client = Client {
                    name: "Café Los Andes".into(),
                    legal_name: Some("Comercial Los Andes Limitada".into()),
                    tax_id: Some("77.654.321-K".into()),
                    b2b: true,
                    country: "CL".into(),
                    address: Some("Merced 456, Santiago".into()),
                };
                let contact = Contact {
                    name: Some("Pedro Fuentes".into()),
                };
                (chilean_business(), client, contact, "es-CL", invoices)
            }
            Sample::SeveralCurrencies => {
                let mut invoices = vec![invoice(
                    "F-2026-0099",
                    "EUR",
                    "2420.00",
                    "0",
                    age,
                    offset,
                    false,
                )];
                if !per_invoice {
                    invoices.push(invoice(
                        "F-2026-0131",
                        "USD",
                        "900.00",
                        "0",
                        1,
                        offset,
                        false,
                    ));
                }
                let client = Client {
                    name: "Grupo Editorial Mixteca".into(),
                    legal_name: Some("Grupo Editorial Mixteca, S.A. de C.V.".into()),
                    tax_id: Some("GEM050505AA1".into()),
                    b2b: true,
                    country: "MX".into(),
                    address: Some("Calle Durango 200, Col. Roma, 06700 Ciudad de México".into()),
                };
                let contact = Contact {
                    name: Some("Lucía Hernández".into()),
                };
                // A Spanish business's IBAN and Bizum are no use in Mexico: with no payment
                // settings for MX, the message asks the client to write for the details.
                let mut business = spanish_business();
                business.iban = None;
                business.payment_methods = Vec::new();
                business.payment_link = None;
                (business, client, contact, "es-MX", invoices)
            }
        };
        let totals = compute_totals(&invoices);
        let currency = invoices
            .first()
            .map_or_else(|| "EUR".to_owned(), |i| i.currency.to_string());
        let first_balance = invoices.first().map_or(Decimal::ZERO, |i| i.balance);
        let mut ctx = RenderContext {
            business: std::sync::Arc::new(business),
            client,
            contact,
            tuteo: false,
            locale: locale.into(),
            today,
            part_of_day: super::context::PartOfDay::Morning,
            stage: Stage {
                name: stage_name.into(),
                tone: tone.into(),
                day_offset: offset,
            },
            invoices,
            totals,
            deadline: (offset >= 30).then(|| today + Duration::days(10)),
            handover_date: (offset >= 60).then(|| today + Duration::days(30)),
            broken_promise: None,
            broken_promise_approx: false,
            own_hours: String::new(),
            broken_promise_part_paid: false,
            broken_plan: None,
            promise: None,
            plan: None,
            discount: None,
            reply: Reply {
                email: Some(format!("respuestas+{}@cobrador.example", sample.name()).into()),
                telegram: false,
                files: true,
            },
            owner_alert: None,
            history: History::default(),
            due: None,
            more_invoices: 0,
            said: Default::default(),
            answers: Vec::new(),
            in_favour: Vec::new(),
        };
        ctx.due = ctx
            .invoices
            .iter()
            .map(|i| i.due_date)
            .min()
            .filter(|d| *d <= today)
            .map(|date| DueDay {
                date,
                days_ago: (today - date).num_days(),
                closed: None,
            });
        match kind {
            "ack_promise" => {
                ctx.promise = Some(Promise {
                    date: next_weekday(today, chrono::Weekday::Fri),
                    amount: Some(first_balance),
                    currency,
                    ambiguous: false,
                    rest: false,
                });
            }
            "ack_answers" => {
                // Each answer's text is its own acknowledgement's part, rendered by the engine
                // (`_ack_paid.txt`, `_ack_promise.txt`…); a sample gives plain sentences.
                let answer = |kind: &str, numbers: Vec<&str>, text: &str| Answer {
                    kind: kind.into(),
                    numbers: numbers.join(" y "),
                    invoice_count: numbers.len(),
                    text: text.into(),
                };
                let numbers: Vec<&str> = ctx.invoices.iter().map(|i| &*i.number).collect();
                let (first, rest) = numbers
                    .split_first()
                    .map_or((None, &[][..]), |(f, r)| (Some(*f), r));
                ctx.answers = first
                    .map(|f| answer("ack_paid", vec![f], "Comprobaremos el pago en el banco en los próximos días."))
                    .into_iter()
                    .chain((!rest.is_empty()).then(|| {
                        answer(
                            "ack_promise",
                            rest.to_vec(),
                            "Anotado: el pago, el viernes. Hasta esa fecha no habrá más recordatorios.",
                        )
                    }))
                    .collect();
            }
            "plan_confirmation" | "instalment" => ctx.plan = Some(sample_plan(&ctx, &currency)),
            "owner_alert" => {
                ctx.owner_alert = Some(OwnerAlert {
                    kind: "dispute".into(),
                    client_words: "No reconozco la segunda factura, el pedido llegó incompleto."
                        .into(),
                    invoice_numbers: ctx.invoices.iter().map(|i| i.number.to_string()).collect(),
                    telegram: false,
                    reminders_wait_until: None,
                    sender: String::new(),
                    ..Default::default()
                });
            }
            "handover" => {
                ctx.owner_alert = Some(OwnerAlert {
                    kind: "handover".into(),
                    client_words: String::new(),
                    invoice_numbers: ctx.invoices.iter().map(|i| i.number.to_string()).collect(),
                    telegram: false,
                    reminders_wait_until: None,
                    sender: String::new(),
                    ..Default::default()
                });
            }
            _ => {}
        }
        ctx
    }

    /// The contexts the tests render a template `kind` with: every sample client, in usted
    /// without the optional parts, then in usted and tú with them (`(sample, extras, ctx)`).
    pub fn variants(kind: &str) -> impl Iterator<Item = (Sample, bool, RenderContext<'static>)> {
        Sample::ALL.into_iter().flat_map(move |sample| {
            [(false, false), (true, false), (true, true)].map(|(extras, tuteo)| {
                let mut ctx = RenderContext::sample(sample, kind);
                if extras {
                    ctx = ctx.with_extras();
                }
                ctx.tuteo = tuteo;
                (sample, extras, ctx)
            })
        })
    }

    /// Adds the optional parts a template must cope with: a broken promise, a «ya pagué» not
    /// found, a discount, and a
    /// partial payment on the oldest invoice with interest (periods on two principals).
    pub fn with_extras(mut self) -> RenderContext<'static> {
        let today = self.today;
        // Earlier reminders really sent (without extras there are none: a first contact),
        // and a due date that fell on a holiday.
        self.history.reminders = vec![
            PastReminder {
                stage: "early".into(),
                date: today - Duration::days(14),
                channel: "email".into(),
            },
            PastReminder {
                stage: "second".into(),
                date: today - Duration::days(7),
                channel: "telegram".into(),
            },
        ];
        self.history.promises = vec![PastPromise {
            date: today - Duration::days(4),
            made_on: today - Duration::days(10),
            status: "broken".into(),
        }];
        if let Some(due) = &mut self.due {
            due.closed = Some("festivo (Día de Andalucía)".into());
        }
        self.broken_promise = Some(today - Duration::days(4));
        self.history.claim_not_found = true;
        self.history.dispute_resolved = true;
        // The bank returned a payment of the newest invoice three days ago.
        if let Some(line) = self.invoices.last_mut() {
            line.returned = Some(ReturnedPayment {
                on: today - Duration::days(3),
                amount: line.balance,
            });
        }
        // An older invoice paid twice over in part: money in the client's favour.
        if let Some(total) = self.totals.first() {
            self.in_favour = vec![CreditLine {
                invoices: 1,
                amount: Decimal::new(12_050, 2),
                currency: total.currency.to_string(),
            }];
        }
        // A part of the oldest invoice with interest paid ten days after it fell due: the
        // interest is stated on what was owed before and after.
        if let Some(line) = self
            .invoices
            .iter_mut()
            .find(|l| l.interest.as_ref().is_some_and(|i| !i.periods.is_empty()))
            .filter(|l| l.due_date + Duration::days(10) < today)
        {
            let part = (line.amount / Decimal::from(4)).round_dp(2);
            line.paid += part;
            line.balance -= part;
            line.partly_paid = true;
            let paid = Some((line.due_date + Duration::days(10), line.paid));
            line.interest = Some(sample_interest(line.amount, paid, line.due_date, today));
            self.totals = compute_totals(&self.invoices);
        }
        self.broken_plan = Some(today - Duration::days(12));
        if let Some(total) = self.totals.first() {
            let amount = (total.balance / Decimal::from(20)).round_dp(0);
            self.discount = Some(Discount {
                description: "un descuento por pronto pago del 5 %".into(),
                currency: total.currency.to_string(),
                amount,
                discounted_total: total.balance - amount,
                valid_until: Some(today + Duration::days(7)),
                taken_on: None,
                only_of: None,
                only_of_count: 0,
            });
        }
        if let Some(p) = &mut self.promise {
            p.ambiguous = true;
            p.amount = None;
        }
        if let Some(plan) = &mut self.plan {
            plan.missed = true;
            if let Some(next) = &mut plan.next {
                next.due_date = today - Duration::days(1);
                next.status = "missed".into();
                if let Some(i) = plan
                    .instalments
                    .iter_mut()
                    .find(|i| i.number == next.number)
                {
                    *i = next.clone();
                }
            }
        }
        self
    }
}

fn next_weekday(from: NaiveDate, day: chrono::Weekday) -> NaiveDate {
    let mut d = from + Duration::days(1);
    while d.weekday() != day {
        d += Duration::days(1);
    }
    d
}

fn sample_plan(ctx: &RenderContext, currency: &str) -> PlanTerms {
    let total = ctx.totals.first().map_or(Decimal::ZERO, |t| t.grand_total);
    let dp = if matches!(currency, "CLP" | "COP") {
        0
    } else {
        2
    };
    let share = (total / Decimal::from(3)).round_dp(dp);
    let last = total - share - share;
    let start = ctx.today - Duration::days(28);
    let instalments: Vec<Instalment> = [share, share, last]
        .iter()
        .enumerate()
        .map(|(i, amount)| {
            let number = u32::try_from(i).unwrap_or(0) + 1;
            Instalment {
                number,
                due_date: start + Duration::days(30 * i64::from(number - 1)),
                amount: *amount,
                paid: if i == 0 { *amount } else { Decimal::ZERO },
                status: if i == 0 { "paid" } else { "pending" }.into(),
            }
        })
        .collect();
    PlanTerms {
        currency: currency.into(),
        next: instalments.get(1).cloned(),
        remaining: total - share,
        instalments,
        missed: false,
    }
}
