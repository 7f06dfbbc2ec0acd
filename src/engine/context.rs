//! Building the [`RenderContext`] a template sees from the database, the configuration and a
//! planned message.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::interest::{accrues_interest, interest_for, stage_states_interest};
use crate::config::{Config, Stage};
use crate::domain::{Channel, Client, ClientKind, Contact, ContactRole, Invoice, Payment};
use crate::policy::interest::PublishedRate;
use crate::render::context as rc;
use crate::render::{RenderContext, compute_totals};

/// The part of the day at `at` where `client` is, which its greeting follows.
pub fn part_of_day(client: &Client, at: DateTime<Utc>) -> rc::PartOfDay {
    rc::PartOfDay::at(at.with_timezone(&client.time_zone).time(), &client.country)
}

/// When a message to `client` queued for `at` goes: the first moment from then on that its
/// contact rules (its own hours, if it asked for some) allow, as the sender holds it
/// (`sender::windows`); `at` when they allow none or cannot be built (the sender then sends
/// at once, too).
pub fn first_moment(
    conn: &rusqlite::Connection,
    config: &Config,
    client: &Client,
    at: DateTime<Utc>,
) -> DateTime<Utc> {
    let own = crate::store::clients::own_hours(conn, &client.id)
        .ok()
        .flatten()
        .map(|own| (client.id.clone(), client.country.clone(), own.hours));
    let Ok(settings) = crate::policy::planner::Settings::for_clients(config, [client]) else {
        return at;
    };
    let settings = settings.with_client_hours(own);
    let Ok((rules, calendar)) = crate::policy::planner::rules_for(&settings, client) else {
        return at;
    };
    crate::policy::next_send_moment(at, client.time_zone, rules, calendar, &[])
        .map_or(at, |moment| moment.at)
}

/// The business block, from the configuration.
pub fn business(config: &Config) -> rc::Business {
    business_with(config, None)
}

/// The business block with the payment details `payment` instead of the business's own
/// (`Some(None)`: none), each string copied once.
fn business_with(
    config: &Config,
    payment: Option<Option<&crate::config::PaymentSettings>>,
) -> rc::Business {
    let b = &config.business;
    let (iban, payment_methods, payment_link) = payment_parts(config, payment);
    rc::Business {
        name: b.name.clone(),
        legal_name: b.legal_name.clone(),
        tax_id: b.tax_id.clone(),
        address: b.address.clone(),
        email: b.email.clone(),
        phone: b.phone.clone(),
        contact_person: b.contact_person.clone(),
        iban: iban.map(str::to_owned),
        payment_methods: payment_methods.to_vec(),
        payment_link: payment_link.map(str::to_owned),
    }
}

/// The IBAN, other ways to pay and payment link of `payment` (see [`business_with`]).
fn payment_parts<'c>(
    config: &'c Config,
    payment: Option<Option<&'c crate::config::PaymentSettings>>,
) -> (Option<&'c str>, &'c [String], Option<&'c str>) {
    let b = &config.business;
    match payment {
        None => (
            b.iban.as_deref(),
            &b.payment_methods,
            b.payment_link.as_deref(),
        ),
        Some(Some(p)) => (
            p.iban.as_deref(),
            &p.payment_methods,
            p.payment_link.as_deref(),
        ),
        Some(None) => (None, &[], None),
    }
}

/// [`business_for`], shared: each thread keeps the blocks it built (one per country in
/// practice) and hands out the one equal to what `business_for` would build, so a message
/// costs a few comparisons instead of a dozen copied strings (and as many freed).
fn shared_business_for(config: &Config, client: &Client) -> Arc<rc::Business> {
    thread_local! {
        static BLOCKS: RefCell<Vec<Arc<rc::Business>>> = const { RefCell::new(Vec::new()) };
    }
    let payment = country_payment(config, client);
    let build = || Arc::new(business_for(config, client));
    BLOCKS
        .try_with(|blocks| {
            let mut blocks = blocks.borrow_mut();
            if let Some(b) = blocks.iter().find(|b| is_block_for(b, config, payment)) {
                return Arc::clone(b);
            }
            let b = build();
            if blocks.len() >= 8 {
                blocks.remove(0);
            }
            blocks.push(Arc::clone(&b));
            b
        })
        .unwrap_or_else(|_| build())
}

/// Whether `b` is exactly the block [`business_for`] builds for `payment`'s details.
fn is_block_for(
    b: &rc::Business,
    config: &Config,
    payment: Option<Option<&crate::config::PaymentSettings>>,
) -> bool {
    let c = &config.business;
    let (iban, methods, link) = payment_parts(config, payment);
    // A link template is not the business's link (see `business_for`).
    let link = link.filter(|l| !super::links::is_template(l));
    // Every field named (no `..`): a field added to the block stops the build here until it
    // is compared too.
    let rc::Business {
        name,
        legal_name,
        tax_id,
        address,
        email,
        phone,
        contact_person,
        iban: b_iban,
        payment_methods,
        payment_link,
    } = b;
    *name == c.name
        && *legal_name == c.legal_name
        && *tax_id == c.tax_id
        && *address == c.address
        && *email == c.email
        && *phone == c.phone
        && *contact_person == c.contact_person
        && b_iban.as_deref() == iban
        && payment_methods.as_slice() == methods
        && payment_link.as_deref() == link
}

/// The currency of a country, to tell whether the business's own payment details make sense
/// for its clients there.
pub fn country_currency(country: &str) -> Option<&'static str> {
    Some(match country {
        "ES" => "EUR",
        "MX" => "MXN",
        "CO" => "COP",
        "CL" => "CLP",
        "PE" => "PEN",
        "AR" => "ARS",
        _ => return None,
    })
}

/// The business block for a message to `client`: the payment details of the client's country
/// (`[countries.XX.payment]`), else the business's own when its currency is the country's,
/// else none (the templates then ask the client to write for the details).
pub fn business_for(config: &Config, client: &Client) -> rc::Business {
    let mut b = payment_details_for(config, client);
    // A link template is one link per invoice (see `invoice_links`), not one for the business.
    if b.payment_link
        .as_deref()
        .is_some_and(super::links::is_template)
    {
        b.payment_link = None;
    }
    b
}

/// Fills each invoice's own payment link when the client's payment link is a template.
pub fn invoice_links(config: &Config, client: &Client, lines: &mut [rc::InvoiceLine<'_>]) {
    // Borrowed: most links are not templates, and this runs for every message.
    let Some(link) = country_payment(config, client).map_or_else(
        || config.business.payment_link.as_deref(),
        |p| p.and_then(|p| p.payment_link.as_deref()),
    ) else {
        return;
    };
    for line in lines {
        line.payment_link =
            super::links::for_invoice(link, &line.number, line.balance, &line.currency, &client.id);
    }
}

/// Whose payment details a message to `client` gives: `None` for the business's own,
/// `Some(Some(p))` for its country's `[countries.XX.payment]`, `Some(None)` for none (the
/// business's own currency is not the country's).
fn country_payment<'c>(
    config: &'c Config,
    client: &Client,
) -> Option<Option<&'c crate::config::PaymentSettings>> {
    let own_currency =
        country_currency(&client.country).is_none_or(|c| c == config.business.currency);
    match config
        .countries
        .get(&client.country)
        .and_then(|c| c.payment.as_ref())
    {
        Some(p) => Some(Some(p)),
        None if own_currency => None,
        None => Some(None),
    }
}

/// The business block with the payment details for `client`'s country, link as configured.
fn payment_details_for(config: &Config, client: &Client) -> rc::Business {
    business_with(config, country_payment(config, client))
}

/// The locale for a client: its country's Spanish; for a business of another currency, a
/// dollar-sign country's with its code after the home currency's amounts
/// ([`crate::render::money::CODED_LOCALES`]: `$1.150.000 CLP` from a Mexican firm).
pub fn locale_for<'c>(client: &Client, config: &'c Config) -> &'c str {
    let own = match client.country.as_str() {
        "ES" => "es-ES",
        "MX" => "es-MX",
        "CO" => "es-CO",
        "CL" => "es-CL",
        "PE" => "es-PE",
        "AR" => "es-AR",
        _ => return config.business.locale.as_str(),
    };
    let home = crate::render::money::Locale::find(own).map(|l| l.home_currency);
    if home.is_ok_and(|h| !h.eq_ignore_ascii_case(&config.business.currency)) {
        let coded = crate::render::money::CODED_LOCALES
            .iter()
            .find(|(tag, _)| *tag == own);
        if let Some((_, coded)) = coded {
            return coded;
        }
    }
    own
}

/// One invoice line; interest is computed (on what was owed each day, lowered by `payments`)
/// when `with_interest` and the law applies.
pub fn invoice_line<'a>(
    inv: &'a Invoice,
    client: &Client,
    today: NaiveDate,
    reached: bool,
    with_interest: bool,
    payments: &[Payment],
    rates: &[PublishedRate],
) -> rc::InvoiceLine<'a> {
    let days = inv.days_overdue(today);
    let interest = (with_interest && accrues_interest(inv, client, today))
        .then(|| interest_for(inv, payments, today, rates));
    rc::InvoiceLine {
        number: Cow::Borrowed(&inv.number),
        issue_date: inv.issue_date,
        due_date: inv.due_date,
        currency: Cow::Borrowed(&inv.currency),
        amount: inv.amount.0,
        paid: inv.paid.0,
        balance: inv.balance.0,
        partly_paid: !inv.paid.0.is_zero(),
        days_overdue: days,
        reached_stage: reached,
        interest,
        payment_link: None,
        returned: inv.returned.as_ref().map(|r| rc::ReturnedPayment {
            on: r.on,
            amount: r.amount.0,
        }),
    }
}

/// What the client has in its favour, as the templates read it: summed per currency.
pub fn credit_lines(credits: &[crate::domain::Credit]) -> Vec<rc::CreditLine> {
    let mut lines: Vec<rc::CreditLine> = Vec::new();
    for c in credits {
        match lines.iter_mut().find(|l| l.currency == c.currency) {
            Some(line) => {
                line.invoices += 1;
                line.amount += c.over.0;
            }
            None => lines.push(rc::CreditLine {
                invoices: 1,
                amount: c.over.0,
                currency: c.currency.clone(),
            }),
        }
    }
    lines
}

/// The context for a message to `client` (or to the owner, for hand-overs and alerts). Its
/// texts are borrowed from the arguments, for the one render (see `render::context`).
/// `payments` are those known of `invoices` (or more): for a stage that states interest, all
/// those of each partly paid invoice (`super::interest::complete_payments`); any may be empty
/// for the others.
#[allow(clippy::too_many_arguments)]
pub fn build<'a>(
    config: &'a Config,
    client: &'a Client,
    contacts: &'a [Contact],
    stage: &'a Stage,
    invoices: &[&'a Invoice],
    payments: &[Payment],
    reached: &[String],
    today: NaiveDate,
    channel: Channel,
) -> RenderContext<'a> {
    let with_interest = stage_states_interest(config, stage);
    // The rates are copied out of the configuration only for a stage that states interest.
    let rates = if with_interest {
        config.interest.published()
    } else {
        Vec::new()
    };
    let mut lines: Vec<rc::InvoiceLine<'a>> = invoices
        .iter()
        .map(|i| {
            let reached = reached.contains(&i.number);
            invoice_line(i, client, today, reached, with_interest, payments, &rates)
        })
        .collect();
    invoice_links(config, client, &mut lines);
    let totals = compute_totals(&lines);
    let contact_name = contacts
        .iter()
        .find(|c| c.role == ContactRole::Billing && !c.opted_out)
        .or(contacts.first())
        .and_then(|c| c.name.as_deref())
        .map(Cow::Borrowed);
    RenderContext {
        business: shared_business_for(config, client),
        client: rc::Client {
            name: Cow::Borrowed(&client.name),
            legal_name: client.legal_name.as_deref().map(Cow::Borrowed),
            tax_id: client.tax_id.as_deref().map(Cow::Borrowed),
            b2b: client.kind == ClientKind::B2b,
            country: Cow::Borrowed(&client.country),
            address: None,
        },
        contact: rc::Contact { name: contact_name },
        tuteo: client.tuteo,
        // The owner reads amounts as the business writes them: «850.000,00 ARS» beside
        // pesos chilenos, not an Argentine «$ 850.000,00».
        locale: Cow::Borrowed(if crate::domain::is_owner_facing(&stage.name) {
            config.business.locale.as_str()
        } else {
            locale_for(client, config)
        }),
        today,
        // The callers set it from the moment the message goes.
        part_of_day: rc::PartOfDay::Morning,
        stage: rc::Stage {
            name: Cow::Borrowed(&stage.name),
            tone: Cow::Borrowed(&stage.tone),
            day_offset: i64::from(stage.offset_days),
        },
        invoices: lines,
        totals,
        deadline: None,
        handover_date: None,
        broken_promise: None,
        broken_promise_approx: false,
        own_hours: String::new(),
        broken_promise_part_paid: false,
        broken_plan: None,
        promise: None,
        plan: None,
        discount: None,
        reply: rc::Reply {
            email: Some(Cow::Borrowed(&config.business.email)),
            telegram: channel == Channel::Telegram,
            files: channel != Channel::Telegram
                || config
                    .telegram
                    .as_ref()
                    .is_some_and(|t| t.owner_chat_id.is_some()),
        },
        owner_alert: None,
        history: rc::History::default(),
        due: None,
        more_invoices: 0,
        said: Default::default(),
        answers: Vec::new(),
        in_favour: Vec::new(),
    }
}

/// The client's real history for a message of `cycle` about `numbers`: reminders that reached
/// the client (status sent) in the cycle or that the planner goes on from
/// (`planner::message_about`), except the stages `before_due` names (courtesy notes sent
/// before the due date), promises about those invoices, broken plans.
pub fn history<'a>(
    file: &'a crate::policy::planner::ClientFile,
    cycle: &str,
    numbers: &[String],
    before_due: impl Fn(&str) -> bool,
) -> rc::History<'a> {
    use crate::store::{OutboxStatus, agreements::PlanStatus};
    let tz = file.client.time_zone;
    let mut reminders: Vec<rc::PastReminder<'a>> = file
        .messages
        .iter()
        .filter(|m| {
            m.status == OutboxStatus::Sent
                && (same_text(&m.message.cycle, cycle)
                    || crate::policy::planner::message_about(file, m, cycle))
        })
        .filter(|m| {
            crate::policy::planner::is_client_facing(&m.message.stage)
                && !m.message.stage.starts_with("ack_")
                && !before_due(&m.message.stage)
        })
        .map(|m| rc::PastReminder {
            stage: Cow::Borrowed(&m.message.stage),
            date: m
                .sent_at
                .unwrap_or(m.message.send_at)
                .with_timezone(&tz)
                .date_naive(),
            channel: Cow::Borrowed(m.message.channel.as_str()),
        })
        .collect();
    reminders.sort_by_key(|r| r.date);
    let concerns = |n: &Option<String>| n.as_ref().is_none_or(|n| numbers.contains(n));
    let mut promises: Vec<rc::PastPromise> = file
        .promises
        .iter()
        .filter(|p| concerns(&p.invoice_number))
        .map(|p| rc::PastPromise {
            date: p.promised_date,
            made_on: p.created_at.with_timezone(&tz).date_naive(),
            status: p.status.as_str().to_owned(),
        })
        .collect();
    promises.sort_by_key(|p| p.made_on);
    let mut broken_plans: Vec<NaiveDate> = file
        .plans
        .iter()
        .filter(|p| {
            p.status == PlanStatus::Broken && p.invoices.iter().any(|n| numbers.contains(n))
        })
        .filter_map(|p| p.resolved_at.map(|r| r.with_timezone(&tz).date_naive()))
        .collect();
    broken_plans.sort();
    rc::History {
        reminders,
        promises,
        broken_plans,
        claim_not_found: claim_not_found(file, numbers),
        dispute_resolved: dispute_resolved(file, numbers),
    }
}

/// Whether a «ya pagué» about `numbers` was acknowledged and then not found: the claim lifted
/// (`invoice resolve`, or the reply read otherwise) with nothing paid on them since the
/// acknowledgement, and no reminder about them sent after it (that one said so already).
fn claim_not_found(file: &crate::policy::planner::ClientFile, numbers: &[String]) -> bool {
    let Some(ack) = acknowledged_untold(file, numbers, "ack_paid") else {
        return false;
    };
    let still_claimed = file
        .invoices
        .iter()
        .any(|i| numbers.contains(&i.number) && i.paid_claimed_on.is_some());
    let paid_since = file
        .payments
        .iter()
        .any(|p| numbers.contains(&p.invoice_number) && p.recorded_at > ack);
    !still_claimed && !paid_since
}

/// Whether a dispute about `numbers` was acknowledged («lo revisamos») and has been resolved by
/// the owner since, with no reminder about them sent after the acknowledgement: the next one
/// says the matter was looked into, never «puede que se trate de un olvido».
fn dispute_resolved(file: &crate::policy::planner::ClientFile, numbers: &[String]) -> bool {
    acknowledged_untold(file, numbers, "ack_dispute").is_some()
        && !file.invoices.iter().any(|i| {
            numbers.contains(&i.number) && i.status == crate::domain::InvoiceStatus::Disputed
        })
}

/// When the last acknowledgement of kind `ack` about `numbers` went, if no reminder about them
/// has gone since.
fn acknowledged_untold(
    file: &crate::policy::planner::ClientFile,
    numbers: &[String],
    ack: &str,
) -> Option<chrono::DateTime<chrono::Utc>> {
    use crate::store::OutboxStatus;
    let about = |m: &&crate::store::OutboxMessage| {
        m.status == OutboxStatus::Sent
            && m.message.invoices.iter().any(|(n, _)| numbers.contains(n))
    };
    let at = |m: &crate::store::OutboxMessage| m.sent_at.unwrap_or(m.message.send_at);
    let acked = file
        .messages
        .iter()
        .filter(about)
        .filter(|m| m.message.stage == ack)
        .map(at)
        .max()?;
    let told_since = file.messages.iter().filter(about).any(|m| {
        crate::policy::planner::is_client_facing(&m.message.stage)
            && !m.message.stage.starts_with("ack_")
            && at(m) > acked
    });
    (!told_since).then_some(acked)
}

/// `a == b`, the last bytes compared first: cycles are invoice numbers, which mostly differ
/// there, and a client's file is scanned for every message (no `memcmp` call per message).
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// The oldest overdue invoice's due day as the client lived it: days since, and whether it
/// fell on a weekend or a holiday of the client's calendar.
pub fn due_day(
    invoices: &[&Invoice],
    today: NaiveDate,
    calendar: &crate::policy::HolidayCalendar,
) -> Option<rc::DueDay> {
    use chrono::{Datelike, Weekday};
    let date = invoices
        .iter()
        .map(|i| i.due_date)
        .filter(|d| *d <= today)
        .min()?;
    let shut = |d: NaiveDate| {
        calendar.is_holiday(d).is_some() || matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    };
    // «como ese día era sábado, le escribimos hoy, primer día hábil» only when today is: not
    // weeks later, with business days in between.
    let first_open_day = date
        .iter_days()
        .skip(1)
        .take_while(|d| *d < today)
        .all(shut);
    // A holiday on a weekend is told as the weekend day (a client knows it was Saturday).
    let closed = match (calendar.is_holiday(date), date.weekday()) {
        _ if !first_open_day => None,
        (_, Weekday::Sat) => Some("sábado".to_owned()),
        (_, Weekday::Sun) => Some("domingo".to_owned()),
        (Some(name), _) => Some(holiday_words(name)),
        _ => None,
    };
    Some(rc::DueDay {
        date,
        days_ago: (today - date).num_days(),
        closed,
    })
}

/// How a holiday is named to a client: «festivo (Navidad)», not the calendar's official
/// «Natividad del Señor»; the business's own closing day is just «festivo» (its label is the
/// owner's); Colombia's Monday holidays, named «… (observado)» in the data, are «festivo (Día
/// de los Reyes Magos, trasladado)», not nested parentheses and an anglicism.
fn holiday_words(name: &str) -> String {
    if name == crate::policy::holidays::OWNER_HOLIDAY {
        return "festivo".to_owned();
    }
    let (base, moved) = match name.strip_suffix(" (observado)") {
        Some(base) => (base, true),
        None => (name, false),
    };
    let said = match base {
        "Natividad del Señor" | "Navidad del Señor" => "Navidad",
        "Epifanía del Señor" => "Día de Reyes",
        "Fiesta del Trabajo" => "Día del Trabajo",
        other => other,
    };
    if moved {
        format!("festivo ({said}, trasladado)")
    } else {
        format!("festivo ({said})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EXAMPLE;

    fn client(country: &str) -> Client {
        Client {
            id: "C1".into(),
            name: "Cliente".into(),
            legal_name: None,
            tax_id: None,
            country: country.into(),
            region: None,
            time_zone: chrono_tz::Europe::Madrid,
            kind: ClientKind::B2b,
            segment: None,
            language: "es".into(),
            tuteo: false,
            on_hold: false,
            awaiting_answer_until: None,
            notes: None,
        }
    }

    /// A message to the owner writes amounts in the business's locale (a Chilean owner read an
    /// Argentine client's «$ 850.000,00» as pesos chilenos); the client's own, in its own.
    #[test]
    fn owner_messages_use_the_business_locale() {
        let config = Config::parse(EXAMPLE, "example").unwrap();
        let argentine = client("AR");
        let locale = |stage: &str| {
            let stage = crate::policy::ladder::message_stage(stage);
            let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
            build(
                &config,
                &argentine,
                &[],
                &stage,
                &[],
                &[],
                &[],
                today,
                Channel::Email,
            )
            .locale
            .into_owned()
        };
        // A Spanish business: the Argentine client's pesos say so (walk30 G8b).
        assert_eq!(locale("early"), "es-AR-x-coded");
        assert_eq!(
            crate::render::money::format_money(
                rust_decimal::Decimal::new(85_000_000, 2),
                "ARS",
                &locale("early")
            )
            .unwrap(),
            "$ 850.000,00 ARS"
        );
        assert_eq!(locale("owner_alert"), config.business.locale);
        assert_eq!(locale("handover"), config.business.locale);
        assert_ne!(config.business.locale, "es-AR");
        // A business of the client's own currency writes its pesos as the client does.
        let mut argentine_firm = config.clone();
        argentine_firm.business.currency = "ARS".into();
        assert_eq!(locale_for(&argentine, &argentine_firm), "es-AR");
        assert_eq!(locale_for(&client("ES"), &config), "es-ES");
    }

    /// «como ese día era sábado, le escribimos hoy, primer día hábil» is said on the first
    /// business day after the due day only: a due-day message sent 33 days later said it (an
    /// outside walk over months).
    #[test]
    fn the_due_day_was_closed_only_when_today_is_the_first_open_day_after_it() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let invoice = Invoice {
            number: "F-1".into(),
            client_id: "C1".into(),
            issue_date: day("2026-11-05"),
            due_date: day("2026-12-05"),
            currency: "EUR".into(),
            amount: "100".parse().unwrap(),
            paid: crate::domain::Money::ZERO,
            balance: "100".parse().unwrap(),
            status: crate::domain::InvoiceStatus::Open,
            paid_claimed_on: None,
            returned: None,
            pdf_path: None,
            description: None,
        };
        // Saturday 5, Sunday 6, Monday 7 (the Constitution's day moved in Madrid), Tuesday 8
        // (Inmaculada): Wednesday 9 is the first open day.
        let calendar =
            crate::policy::HolidayCalendar::new(crate::policy::Country::Spain, Some("MD"), &[])
                .unwrap();
        let closed = |today: &str| due_day(&[&invoice], day(today), &calendar).unwrap().closed;
        assert_eq!(closed("2026-12-09").as_deref(), Some("sábado"));
        // Colombia's Reyes moved to Monday 11 January 2027.
        let colombia =
            crate::policy::HolidayCalendar::new(crate::policy::Country::Colombia, None, &[])
                .unwrap();
        let reyes = Invoice {
            due_date: day("2027-01-11"),
            ..invoice.clone()
        };
        assert_eq!(
            due_day(&[&reyes], day("2027-01-12"), &colombia)
                .unwrap()
                .closed
                .as_deref(),
            Some("festivo (Día de los Reyes Magos, trasladado)")
        );
        assert_eq!(closed("2026-12-10"), None);
        assert_eq!(closed("2027-01-07"), None);
        // Christmas by the name clients use; a holiday on a Saturday is the Saturday (an
        // outside walker read «festivo (Natividad del Señor)» and, for San Isidro on Saturday
        // 15 May 2027, «festivo (festivo del negocio)»).
        let on = |due: &str, today: &str, calendar: &crate::policy::HolidayCalendar| {
            let i = Invoice {
                due_date: day(due),
                ..invoice.clone()
            };
            due_day(&[&i], day(today), calendar).unwrap().closed
        };
        assert_eq!(
            on("2026-12-25", "2026-12-28", &calendar).as_deref(),
            Some("festivo (Navidad)")
        );
        let owner = crate::policy::HolidayCalendar::new(
            crate::policy::Country::Spain,
            Some("MD"),
            &[day("2027-05-15"), day("2027-05-14")],
        )
        .unwrap();
        assert_eq!(
            on("2027-05-15", "2027-05-17", &owner).as_deref(),
            Some("sábado")
        );
        assert_eq!(
            on("2027-05-14", "2027-05-17", &owner).as_deref(),
            Some("festivo")
        );
    }

    /// The shared block is always the one `business_for` builds, also when the configuration
    /// changes between messages (another business, other payment details).
    #[test]
    fn shared_business_blocks_are_the_built_ones() {
        let mut config = Config::parse(EXAMPLE, "example").unwrap();
        for round in 0..3 {
            for country in ["ES", "MX", "CO", "XX", "ES"] {
                let c = client(country);
                assert_eq!(
                    *shared_business_for(&config, &c),
                    business_for(&config, &c),
                    "{country} in round {round}"
                );
            }
            match round {
                0 => config.business.name = "Otra Empresa".into(),
                _ => config.business.iban = None,
            }
        }
    }

    #[test]
    fn payment_methods_follow_the_clients_country() {
        // Issue 13, point 10: no Spanish IBAN or Bizum for clients in Mexico or Colombia.
        let config = Config::parse(EXAMPLE, "example").unwrap();
        let es = business_for(&config, &client("ES"));
        assert!(es.iban.as_deref().unwrap().starts_with("ES"));
        assert!(es.payment_methods[0].contains("Bizum"));
        let mx = business_for(&config, &client("MX"));
        assert_eq!(mx.iban, None);
        assert!(mx.payment_methods.is_empty());
        assert_eq!(
            mx.payment_link.as_deref(),
            Some("https://pagos.example/reformasprado/mx")
        );
        let co = business_for(&config, &client("CO"));
        assert_eq!(
            (co.iban, co.payment_methods.len(), co.payment_link),
            (None, 0, None)
        );
    }
}
