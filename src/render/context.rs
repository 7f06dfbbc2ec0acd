//! The data a template sees: the contract between the planner and the templates.
//!
//! The planner builds a [`RenderContext`] from the database; the renderer serialises it to JSON
//! (dates as `YYYY-MM-DD`, amounts as decimal strings) and adds a computed [`Summary`] under
//! `summary`. Every field is always present (optional ones as `null`), so strict mode can tell a
//! typo in a template from a value that is simply absent. `docs/templates.md` documents each
//! field with an example.
//!
//! The texts a message repeats from the client's file and the configuration (names, invoice
//! numbers, currencies, stages) are `Cow<'a, str>`: the engine lends them for the one render
//! instead of copying a score of strings per message, and the JSON is the same either way.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::iso;

/// Everything a message template can refer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderContext<'a> {
    /// The creditor: the business sending the reminders. Shared: the same for every message
    /// to a country, it is built once per thread and country (`engine::context`), not copied
    /// string by string per message.
    pub business: Arc<Business>,
    /// The client who owes the invoices.
    pub client: Client<'a>,
    /// The person the message is addressed to.
    pub contact: Contact<'a>,
    /// Address the client as "tú" instead of the default "usted".
    pub tuteo: bool,
    /// Locale for formatting money and numbers: `es-ES`, `es-MX`, `es-CO`, `es-CL`, `es-AR`, `es-PE`.
    pub locale: Cow<'a, str>,
    /// The day the message is written, in the client's time zone.
    #[serde(serialize_with = "iso::date")]
    pub today: NaiveDate,
    /// The part of the day the message goes in, in the client's time zone: the greeting
    /// («Buenos días», «Buenas tardes», «Buenas noches») follows it.
    #[serde(default)]
    pub part_of_day: PartOfDay,
    /// The collection stage this message belongs to.
    pub stage: Stage<'a>,
    /// The client's open invoices covered by this message, oldest first.
    pub invoices: Vec<InvoiceLine<'a>>,
    /// Totals per currency, in the order currencies first appear in `invoices`.
    pub totals: Vec<CurrencyTotal<'a>>,
    /// Date by which payment (or an answer) is asked for (`formal`, `final`).
    #[serde(serialize_with = "iso::opt_date")]
    pub deadline: Option<NaiveDate>,
    /// Date the matter passes to a person or an adviser (`final`).
    #[serde(serialize_with = "iso::opt_date")]
    pub handover_date: Option<NaiveDate>,
    /// A promised payment date that passed without payment, or null.
    #[serde(serialize_with = "iso::opt_date")]
    pub broken_promise: Option<NaiveDate>,
    /// The broken promise named a period, not a day («a finales de marzo», whose last day is
    /// `broken_promise`), never confirmed: the message says «hacia el…», not «el…».
    pub broken_promise_approx: bool,
    /// The hours the client asked to be written to within, in words («a partir de las
    /// 11:00»; `ack_hours`), or empty.
    #[serde(default)]
    pub own_hours: String,
    /// A part of the promised payment came in after the promise was made, not all of it: the
    /// message thanks for the part and asks for the rest, never «todavía no nos consta».
    #[serde(default)]
    pub broken_promise_part_paid: bool,
    /// The due date of the missed instalment of a payment plan that broke since the last
    /// reminder, or null: the message that resumes the reminders says why.
    #[serde(serialize_with = "iso::opt_date")]
    pub broken_plan: Option<NaiveDate>,
    /// The promise being acknowledged (`ack_promise`).
    pub promise: Option<Promise>,
    /// An agreed payment plan (`plan_confirmation`, `instalment`).
    pub plan: Option<PlanTerms>,
    /// A discount offered for paying by a date, or null.
    pub discount: Option<Discount>,
    /// How the client can answer this message.
    pub reply: Reply<'a>,
    /// What the owner must look at (`owner_alert`, `handover`).
    pub owner_alert: Option<OwnerAlert>,
    /// What really happened before this message: earlier reminders of this cycle, promises,
    /// broken plans. A template may only say "pese a nuestros recordatorios" inside
    /// `{{#if history.reminders}}` (the linter checks it).
    #[serde(default)]
    pub history: History<'a>,
    /// The due date of the oldest invoice as the client lived it (`due` stage): how many days
    /// ago, and whether it fell on a weekend or holiday; null when no invoice is overdue.
    #[serde(default)]
    pub due: Option<DueDay>,
    /// Invoices covered by the message but not listed in it: a Telegram message holds 4,096
    /// characters, and a client with dozens of open invoices gets the oldest that fit and this
    /// count (the totals still cover them all). 0 when every invoice is listed.
    #[serde(default)]
    pub more_invoices: usize,
    /// What the client's reply gave, for an acknowledgement's wording.
    #[serde(default)]
    pub said: ClientSaid,
    /// The answers of a reply answered per invoice, acknowledged in one message
    /// (`ack_answers`): the most important first. Empty for every other message.
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// Money the client has in its favour (invoices paid beyond their amount): a reminder says
    /// so and offers to deduct or refund it (walk28 S07c: a formal notice went while we held
    /// 726 € of theirs). Empty for most clients.
    #[serde(default)]
    pub in_favour: Vec<CreditLine>,
}

/// The part of the day as a greeting names it (`morning`, `afternoon`, `evening`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartOfDay {
    /// «Buenos días»: until lunch.
    #[default]
    Morning,
    /// «Buenas tardes».
    Afternoon,
    /// «Buenas noches»: once it is dark.
    Evening,
}

impl PartOfDay {
    /// The part of the day at `local` time in `country`: in Spain the morning lasts until
    /// lunch at two and the afternoon until nine; in Latin America «buenas tardes» begins at
    /// noon and «buenas noches» at seven.
    pub fn at(local: chrono::NaiveTime, country: &str) -> PartOfDay {
        use chrono::Timelike;
        let (afternoon, evening) = if country == "ES" { (14, 21) } else { (12, 19) };
        match local.hour() {
            h if h < afternoon => PartOfDay::Morning,
            h if h < evening => PartOfDay::Afternoon,
            _ => PartOfDay::Evening,
        }
    }
}

/// What invoices received beyond their amount, in one currency (see
/// [`RenderContext::in_favour`]). The invoices are not named: a reminder names only what is
/// owed, and the client may ask which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditLine {
    /// How many invoices were paid beyond their amount.
    pub invoices: usize,
    /// By how much in all.
    #[serde(serialize_with = "iso::decimal")]
    pub amount: Decimal,
    /// The currency.
    pub currency: String,
}

/// One answer of a reply answered per invoice («la A-101 ya está pagada, la A-115 se la pago
/// el viernes»), as `ack_answers` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// What the answer is acknowledged as: `ack_promise`, `ack_paid`, `ack_dispute`, `ack_plan`.
    pub kind: String,
    /// The invoices it is about, as running text: `F-1`, `F-1 y F-2`.
    pub numbers: String,
    /// How many invoices it is about.
    pub invoice_count: usize,
    /// Its acknowledgement: the kind's own part (`_ack_promise.txt` and the ways to pay,
    /// `_ack_paid.txt`, `_ack_dispute.txt`, `_ack_plan.txt`) rendered for its invoices alone.
    pub text: String,
}

/// What a client's reply gave that its acknowledgement must not ask for again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSaid {
    /// Sums or days for paying (`ack_plan`: «le mando 500 el viernes y el resto el 30»): the
    /// acknowledgement passes the proposal on instead of inviting one.
    pub proposal: bool,
    /// The payment's reference, or the receipt sent with the reply where a person sees it
    /// (`ack_paid`: «referencia 4471220», «le adjunto el comprobante» by email or to a bot
    /// with an owner's chat): the acknowledgement thanks for it instead of asking for it.
    pub proof: bool,
}

/// The client's real history with us, for honest wording.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History<'a> {
    /// Reminders of this cycle that reached the client (status sent), oldest first.
    pub reminders: Vec<PastReminder<'a>>,
    /// Promises the client made about these invoices, oldest first.
    pub promises: Vec<PastPromise>,
    /// Days on which a payment plan covering these invoices broke, oldest first.
    #[serde(serialize_with = "iso::dates")]
    pub broken_plans: Vec<NaiveDate>,
    /// We read the client as saying these invoices were paid (acknowledged with «lo
    /// comprobaremos»; the owner may since have read it otherwise), the owner found nothing
    /// (the claim lifted, nothing paid since) and no reminder has told the client yet: say so
    /// as what we understood, never «si ya pagó, ignore este mensaje».
    #[serde(default)]
    pub claim_not_found: bool,
    /// The client disputed these invoices (acknowledged: «lo revisamos»), the owner resolved
    /// it, and no reminder has gone since: say it was looked into, never «puede que se trate
    /// de un olvido».
    #[serde(default)]
    pub dispute_resolved: bool,
}

/// One earlier reminder that reached the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastReminder<'a> {
    /// Stage name: `early`, `second`, ...
    pub stage: Cow<'a, str>,
    /// Local day it was sent.
    #[serde(serialize_with = "iso::date")]
    pub date: NaiveDate,
    /// `email` or `telegram`.
    pub channel: Cow<'a, str>,
}

/// One promise the client made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastPromise {
    /// The date promised.
    #[serde(serialize_with = "iso::date")]
    pub date: NaiveDate,
    /// The day it was made.
    #[serde(serialize_with = "iso::date")]
    pub made_on: NaiveDate,
    /// `pending`, `kept` or `broken`.
    pub status: String,
}

/// The oldest invoice's due date, as it was for the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueDay {
    /// The due date written on the invoice.
    #[serde(serialize_with = "iso::date")]
    pub date: NaiveDate,
    /// Days since then (0 = today).
    pub days_ago: i64,
    /// Why it was not a business day in the client's calendar (`domingo`, `festivo: Día de la
    /// Constitución`), or null.
    pub closed: Option<String>,
}

/// The creditor business (from the configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Business {
    /// Trade name, as clients know it: `Estudio Lumen`.
    pub name: String,
    /// Legal name: `Lumen Diseño y Comunicación, S.L.`.
    pub legal_name: String,
    /// Tax id (NIF, RFC, NIT, RUT, CUIT, RUC).
    pub tax_id: String,
    /// Postal address, one line.
    pub address: String,
    /// Contact email shown to clients.
    pub email: String,
    /// Contact phone, if any.
    pub phone: Option<String>,
    /// The named person clients can talk to: `Marta Ruiz`.
    pub contact_person: String,
    /// IBAN (or CLABE, account number) for transfers, if any.
    pub iban: Option<String>,
    /// Other ways to pay, one sentence each: `Bizum al 600 000 000`.
    pub payment_methods: Vec<String>,
    /// A payment page, if any.
    pub payment_link: Option<String>,
}

/// The client who owes the invoices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client<'a> {
    /// Name used in messages: `Talleres Pérez`.
    pub name: Cow<'a, str>,
    /// Legal name, for letters: `Talleres Pérez e Hijos, S.L.`.
    pub legal_name: Option<Cow<'a, str>>,
    /// Tax id, for letters.
    pub tax_id: Option<Cow<'a, str>>,
    /// A business (true) or a consumer (false): Ley 3/2004 interest and the 40 EUR are B2B only.
    pub b2b: bool,
    /// ISO 3166 country code: `ES`, `MX`, ...
    pub country: Cow<'a, str>,
    /// Postal address, for letters.
    pub address: Option<String>,
}

/// The person a message is addressed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact<'a> {
    /// First name or full name, or null when unknown (the greeting then uses the client's name).
    pub name: Option<Cow<'a, str>>,
}

/// The stage of the collection ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage<'a> {
    /// Stage name: `preventive`, `due`, `early`, `second`, `firm`, `formal`, `final`, `handover`.
    pub name: Cow<'a, str>,
    /// Tone from the ladder config: `amable`, `cordial`, `firme`, `formal`.
    pub tone: Cow<'a, str>,
    /// Days from the due date when this stage fires (negative: before).
    pub day_offset: i64,
}

/// One open invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLine<'a> {
    /// Invoice number: `F-2026-0142`.
    pub number: Cow<'a, str>,
    /// Issue date.
    #[serde(serialize_with = "iso::date")]
    pub issue_date: NaiveDate,
    /// Due date.
    #[serde(serialize_with = "iso::date")]
    pub due_date: NaiveDate,
    /// ISO 4217 currency: `EUR`, `MXN`, ...
    pub currency: Cow<'a, str>,
    /// Invoice total.
    #[serde(serialize_with = "iso::decimal")]
    pub amount: Decimal,
    /// Already paid.
    #[serde(serialize_with = "iso::decimal")]
    pub paid: Decimal,
    /// Still owed (`amount - paid`).
    #[serde(serialize_with = "iso::decimal")]
    pub balance: Decimal,
    /// Part of it is paid (`paid` is not zero): the message names the amount received and
    /// what remains, never the balance as if it were the invoice's amount.
    pub partly_paid: bool,
    /// Days since the due date (negative: not yet due).
    pub days_overdue: i64,
    /// True when this invoice is old enough for the message's stage; false when it is listed
    /// only as "also pending".
    pub reached_stage: bool,
    /// Late-payment interest and fixed costs (Spain, B2B, from `firm`), or null.
    pub interest: Option<Interest>,
    /// This invoice's payment page (from a `business.payment-link` template with `{numero}`,
    /// `{importe}`...), or null.
    #[serde(default)]
    pub payment_link: Option<String>,
    /// A payment the bank returned that nothing has made good since, or null: the messages
    /// say so («el banco nos devolvió el pago…») instead of «no nos consta el pago».
    #[serde(default)]
    pub returned: Option<ReturnedPayment>,
}

/// A payment of an invoice that the bank returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnedPayment {
    /// Day of the return.
    #[serde(serialize_with = "iso::date")]
    pub on: NaiveDate,
    /// Amount returned.
    #[serde(serialize_with = "iso::decimal")]
    pub amount: Decimal,
}

/// Late-payment interest on one invoice (Ley 3/2004), computed half-year by half-year, and
/// between partial payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interest {
    /// Sum of the periods' interest.
    #[serde(serialize_with = "iso::decimal")]
    pub total: Decimal,
    /// One entry per half-year rate, split where a partial payment lowered the principal.
    pub periods: Vec<InterestPeriod>,
    /// Some period accrued on another principal than the balance the message states (a
    /// partial payment lowered it meanwhile): a template listing periods then names each
    /// period's `principal`, or the reader would take the interest as computed on the balance.
    #[serde(default)]
    pub principal_changed: bool,
    /// Fixed recovery costs (40 EUR per invoice, art. 8).
    #[serde(serialize_with = "iso::decimal")]
    pub fixed_costs: Decimal,
}

/// Interest accrued in one period at one legal rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterestPeriod {
    /// First day of accrual, inclusive.
    #[serde(serialize_with = "iso::date")]
    pub from: NaiveDate,
    /// Last day of accrual, inclusive.
    #[serde(serialize_with = "iso::date")]
    pub to: NaiveDate,
    /// Days in the period.
    pub days: i64,
    /// What was owed on each of those days (the invoice's amount less the payments made
    /// before them).
    #[serde(serialize_with = "iso::decimal")]
    pub principal: Decimal,
    /// Annual rate in percent: `10.15`.
    #[serde(serialize_with = "iso::decimal")]
    pub rate: Decimal,
    /// BOE resolution publishing the rate: `BOE-A-2025-27201`.
    pub boe_id: String,
    /// Interest for the period.
    #[serde(serialize_with = "iso::decimal")]
    pub amount: Decimal,
}

/// Totals for one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrencyTotal<'a> {
    /// ISO 4217 currency.
    pub currency: Cow<'a, str>,
    /// Sum of the balances.
    #[serde(serialize_with = "iso::decimal")]
    pub balance: Decimal,
    /// Sum of the interest.
    #[serde(serialize_with = "iso::decimal")]
    pub interest: Decimal,
    /// Sum of the fixed costs.
    #[serde(serialize_with = "iso::decimal")]
    pub fixed_costs: Decimal,
    /// `balance + interest + fixed_costs`.
    #[serde(serialize_with = "iso::decimal")]
    pub grand_total: Decimal,
    /// True when some interest could not be computed yet (a half-year's legal rate is not
    /// published in the BOE): templates then say so instead of showing a figure.
    pub interest_pending: bool,
}

/// A promise to pay being acknowledged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promise {
    /// The promised date.
    #[serde(serialize_with = "iso::date")]
    pub date: NaiveDate,
    /// The promised amount, if the client named one.
    #[serde(serialize_with = "iso::opt_decimal")]
    pub amount: Option<Decimal>,
    /// Currency of `amount`.
    pub currency: String,
    /// True when the date was read with doubt and must be confirmed.
    pub ambiguous: bool,
    /// The promise is of what is left («ya te deposité 10 mil, el resto el 8 de enero»): its
    /// sum is not stated (the part paid may not be recorded yet).
    pub rest: bool,
}

/// An agreed payment plan's terms as templates see them (the stored agreement is
/// `domain::PaymentPlan`; the planner's output is `planner::Plan`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTerms {
    /// Currency of the plan.
    pub currency: String,
    /// All instalments, in order.
    pub instalments: Vec<Instalment>,
    /// The instalment this message is about (the next one, or the one just missed).
    pub next: Option<Instalment>,
    /// Amount still to pay under the plan.
    #[serde(serialize_with = "iso::decimal")]
    pub remaining: Decimal,
    /// True the day after `next` was missed.
    pub missed: bool,
}

/// One instalment of a payment plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1-based position in the plan.
    pub number: u32,
    /// Due date.
    #[serde(serialize_with = "iso::date")]
    pub due_date: NaiveDate,
    /// Amount due.
    #[serde(serialize_with = "iso::decimal")]
    pub amount: Decimal,
    /// Amount already paid.
    #[serde(serialize_with = "iso::decimal")]
    pub paid: Decimal,
    /// `pending`, `paid`, `partial` or `missed`.
    pub status: String,
}

/// A discount for paying by a date: offered (a reminder), or taken (a receipt).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discount {
    /// What is offered: `Si abona antes del 30 de noviembre, no le aplicaremos el recargo`.
    pub description: String,
    /// Currency of the amounts.
    pub currency: String,
    /// Amount taken off.
    #[serde(serialize_with = "iso::decimal")]
    pub amount: Decimal,
    /// Total to pay with the discount.
    #[serde(serialize_with = "iso::decimal")]
    pub discounted_total: Decimal,
    /// Last day of the offer; null in a receipt (the discount was taken: see `taken_on`).
    #[serde(serialize_with = "iso::opt_date")]
    pub valid_until: Option<NaiveDate>,
    /// The day the discount was taken (the day of the payment that settled the invoice), in a
    /// receipt; null in an offer.
    #[serde(default, serialize_with = "iso::opt_date")]
    pub taken_on: Option<NaiveDate>,
    /// The invoices the offer is about («F26-105», «F-1 y F-2») when the message lists others
    /// beside them (younger ones, also pending), or null: «4.704,00 € en total» read as the
    /// whole debt.
    pub only_of: Option<String>,
    /// How many invoices `only_of` names (0 when null).
    pub only_of_count: usize,
}

/// How the client can answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply<'a> {
    /// Address that reaches cobrador (replying to the email works too), or null.
    pub email: Option<Cow<'a, str>>,
    /// True when the message goes by Telegram, where answering in the chat works.
    pub telegram: bool,
    /// A photo or a file sent in answer reaches a person: always by email; by Telegram only
    /// with `telegram.owner-chat-id` (without it the bot asks for the file by email). Messages
    /// that ask for a receipt offer "una foto o un PDF" only then.
    #[serde(default)]
    pub files: bool,
}

/// What an owner notification is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OwnerAlert {
    /// `dispute`, `paid`, `plan`, `needs_review`, `question`, `contact_left`, `handover`, `stop`,
    /// `dead`, `bounced`, `refused`, `address`, `plan_broken`, `uncertain` or `unknown_sender`.
    pub kind: String,
    /// The client's words, quoted as received (empty for `handover`).
    pub client_words: String,
    /// Invoice numbers concerned.
    pub invoice_numbers: Vec<String>,
    /// The message the alert is about (`dead`, `uncertain`) went by Telegram: the wording is
    /// Telegram's (a chat that refused it), not a mail server's.
    #[serde(default)]
    pub telegram: bool,
    /// The client's automatic reminders wait for this alert's answer until this day (the
    /// client's), or null.
    #[serde(default, serialize_with = "iso::opt_date")]
    pub reminders_wait_until: Option<NaiveDate>,
    /// Who sent the words (`unknown_sender`: an address or a chat that is not the client's
    /// contact); empty otherwise.
    #[serde(default)]
    pub sender: String,
    /// The hours the client is written to within, in words (`hours_set`: «a partir de las
    /// 11:00»); empty otherwise.
    #[serde(default)]
    pub hours: String,
    /// The client's code (for the commands an alert names).
    #[serde(default)]
    pub client_id: String,
}

/// Values computed from a [`RenderContext`], available to templates as `summary`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of invoices the message covers (listed, and `more_invoices`).
    pub invoice_count: usize,
    /// The message covers more than one invoice.
    pub several_invoices: bool,
    /// Invoices listed that are also pending but younger than the stage.
    pub also_pending_count: usize,
    /// Amounts in more than one currency.
    pub several_currencies: bool,
    /// Late-payment interest or fixed costs apply (B2B Spain, from `firm`).
    pub has_interest: bool,
    /// Invoice numbers as Spanish running text: `F-1`, `F-1 y F-2`, `F-1, F-2 y F-3`.
    pub numbers: String,
    /// The sender can be reached by phone.
    pub has_phone: bool,
    /// Some way to pay is configured for this client (account, link or method).
    pub has_payment_method: bool,
    /// Part of some invoice listed is paid: what is missing is the whole payment, not any
    /// (the reminders say "no nos consta el pago completo").
    pub partly_paid: bool,
    /// The bank returned a payment of some invoice listed (see [`InvoiceLine::returned`]):
    /// the client did pay, so the message does not say «si ya ha realizado el pago, ignore
    /// este mensaje».
    pub returned: bool,
}

impl RenderContext<'_> {
    /// Computes the [`Summary`] templates see under `summary`.
    pub fn summary(&self) -> Summary {
        // `F-1`, `F-1 y F-2`, `F-1, F-2 y F-3`, written into one string; with invoices left
        // out of a Telegram message, `F-1, F-2 y otras 40`, so no text names only some.
        let mut numbers = String::with_capacity(self.invoices.len() * 16);
        let last = match self.more_invoices {
            0 => self.invoices.len().saturating_sub(1),
            _ => usize::MAX,
        };
        for (i, invoice) in self.invoices.iter().enumerate() {
            if i > 0 {
                numbers.push_str(if i == last { " y " } else { ", " });
            }
            numbers.push_str(&invoice.number);
        }
        if self.more_invoices > 0 {
            numbers.push_str(&format!(" y otras {}", self.more_invoices));
        }
        // Those left out of a Telegram list count as the message's too.
        let invoice_count = self.invoices.len() + self.more_invoices;
        Summary {
            invoice_count,
            several_invoices: invoice_count > 1,
            also_pending_count: self.invoices.iter().filter(|i| !i.reached_stage).count(),
            several_currencies: self.totals.len() > 1,
            has_interest: self
                .totals
                .iter()
                .any(|t| !t.interest.is_zero() || !t.fixed_costs.is_zero()),
            numbers,
            has_phone: self.business.phone.is_some(),
            has_payment_method: self.business.iban.is_some()
                || self.business.payment_link.is_some()
                || self.invoices.iter().any(|i| i.payment_link.is_some())
                || !self.business.payment_methods.is_empty(),
            partly_paid: self.invoices.iter().any(|i| !i.paid.is_zero()),
            returned: self.invoices.iter().any(|i| i.returned.is_some()),
        }
    }

    /// The JSON value a template renders against: the context plus `summary`.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("summary".to_owned(), serde_json::to_value(self.summary())?);
        }
        Ok(value)
    }
}
