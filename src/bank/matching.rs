//! Which open invoices a credit pays, decided from the statement alone (pure: no store).
//!
//! Rules, in order; the first that decides wins (see the table in the `bank` module doc):
//! 1. `reference`: the concept names invoices (whole word, or the number without its
//!    separators when that is 6 characters or more, `F2026001` for `F-2026-001`), all of one
//!    client and currency: the amount pays their balances exactly, or part of a single one
//!    (when its number has 4 characters or more). A concept naming a paid, disputed, held or
//!    cancelled invoice goes to review: a second payment or a refund is a person's call.
//! 2. `amount+iban` / `amount+name`: the payer is known (IBAN on file, or the payer's name or
//!    the concept names the client: legal forms, accents and case ignored, a name cut short by
//!    the bank accepted from 12 characters) and the amount is an open invoice's balance (the
//!    oldest when several are equal) or all of the client's open balances together.
//! 3. `claim`: the amount is the balance of the only invoice whose client said it was paid.
//!
//! Anything else is for a person: the reason says what was found.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Movement;
use crate::domain::{Invoice, InvoiceStatus, Money};

/// A client as the matcher knows it.
#[derive(Debug, Clone)]
pub struct Payer {
    /// Client id.
    pub id: String,
    /// Trade and legal names, as [`normalise_name`] makes them (once, not per credit).
    names: Vec<String>,
    /// Accounts it pays from (normalised).
    pub ibans: Vec<String>,
}

impl Payer {
    /// A client with its trade and legal names, and its accounts (normalised).
    pub fn new(id: String, names: impl IntoIterator<Item = String>, ibans: Vec<String>) -> Payer {
        Payer {
            id,
            names: names.into_iter().map(|n| normalise_name(&n)).collect(),
            ibans,
        }
    }

    /// Whether the credit (`said`) comes from this client: its IBAN, or its name.
    fn rule_for(&self, m: &Movement, said: &Said) -> Option<&'static str> {
        if m.payer_iban
            .as_ref()
            .is_some_and(|iban| self.ibans.contains(iban))
        {
            Some("amount+iban")
        } else if self.names.iter().any(|n| said.names(n)) {
            Some("amount+name")
        } else {
            None
        }
    }
}

/// Every client a credit may come from, indexed by what a credit says of its payer: accounts,
/// whole names, and the rarest word of each name. [`Payers::of`] finds exactly the clients that
/// comparing the credit with each one finds ([`Payer`]'s rule), in the same order, without
/// comparing it with each one (13 ms a credit on a book of 100,000 clients, twice).
pub struct Payers {
    all: Vec<Payer>,
    by_iban: HashMap<String, Vec<usize>>,
    /// Each name ([`normalise_name`]) with its payer, sorted: whole names and prefixes.
    names: Vec<(String, usize)>,
    /// Payers by the rarest word of each of their names.
    by_word: HashMap<String, Vec<usize>>,
}

impl Payers {
    /// Indexes `all` (their order is kept: it is the order [`Payers::of`] gives).
    pub fn new(all: Vec<Payer>) -> Payers {
        let mut by_iban: HashMap<String, Vec<usize>> = HashMap::new();
        let mut names = Vec::new();
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for (i, p) in all.iter().enumerate() {
            for iban in &p.ibans {
                by_iban.entry(iban.clone()).or_default().push(i);
            }
            for name in p.names.iter().filter(|n| !n.is_empty()) {
                names.push((name.clone(), i));
                for word in name.split(' ') {
                    *uses.entry(word).or_default() += 1;
                }
            }
        }
        // A name is found by its rarest word: a concept naming it has all its words, and many
        // clients' names begin with the same word ("talleres", "comercial").
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in all.iter().enumerate() {
            for name in p.names.iter().filter(|n| !n.is_empty()) {
                let rarest = name.split(' ').min_by_key(|w| uses[w]).unwrap_or_default();
                by_word.entry(rarest.to_owned()).or_default().push(i);
            }
        }
        names.sort_unstable();
        Payers {
            all,
            by_iban,
            names,
            by_word,
        }
    }

    /// The clients `m` comes from, with the rule that says so, in the order of [`Payers::new`].
    fn of(&self, m: &Movement, said: &Said) -> Vec<(&Payer, &'static str)> {
        let mut candidates: Vec<usize> = Vec::new();
        if let Some(iban) = &m.payer_iban {
            candidates.extend(self.by_iban.get(iban).into_iter().flatten());
        }
        match &said.payer {
            // A name equal to the payer's, or starting with it ([`Said::names`]).
            Some(payer) => {
                let from = self
                    .names
                    .partition_point(|(n, _)| n.as_str() < payer.as_str());
                candidates.extend(
                    self.names[from..]
                        .iter()
                        .take_while(|(n, _)| n.starts_with(payer.as_str()))
                        .map(|&(_, i)| i),
                );
            }
            // A name whose words are words of the concept: its rarest word is one.
            None => {
                for word in said.concept.split(' ') {
                    candidates.extend(self.by_word.get(word).into_iter().flatten());
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|i| {
                let p = &self.all[i];
                Some((p, p.rule_for(m, said)?))
            })
            .collect()
    }
}

/// What a credit says of who paid, normalised once per credit ([`normalise_name`]).
struct Said {
    /// The payer's name, when the bank gives one.
    payer: Option<String>,
    /// Otherwise the concept, between spaces.
    concept: String,
}

impl Said {
    fn of(m: &Movement) -> Said {
        let payer = m.payer_name.as_deref().map(normalise_name);
        let concept = match payer {
            Some(_) => String::new(),
            None => format!(" {} ", normalise_name(&m.concept)),
        };
        Said { payer, concept }
    }

    /// Whether it names the client of normalised name `client`.
    fn names(&self, client: &str) -> bool {
        if client.len() < 4 {
            return false;
        }
        match &self.payer {
            Some(payer) => {
                payer == client || (payer.len() >= 12 && client.starts_with(payer.as_str()))
            }
            // `concept` contains " {client} " (without making that string for every client).
            None => {
                client.len() >= 6
                    && self.concept.match_indices(client).any(|(at, _)| {
                        self.concept[..at].ends_with(' ')
                            && self.concept[at + client.len()..].starts_with(' ')
                    })
            }
        }
    }
}

/// The invoices a statement's credits are matched against, with their numbers and clients
/// indexed: the invoices a concept names are looked up by its words, and a known payer's by its
/// id, not found by reading every invoice for every credit (0.3 s per credit naming an invoice,
/// 50 ms per credit naming a client, on a book of 500,000 invoices).
pub struct Ledger {
    invoices: Vec<Invoice>,
    /// Each client's invoices, in the ledger's order.
    by_client: HashMap<String, Vec<usize>>,
    /// Lower-case numbers made of letters, digits, `-` and `/` only: a concept names one
    /// as a whole word when one of its longest runs of those characters is equal to it.
    whole: HashMap<String, Vec<usize>>,
    /// Numbers of six characters or more with a digit, without separators ([`mentions`]).
    compact: HashMap<String, Vec<usize>>,
    /// Numbers with other characters (a space, a dot): read one by one with [`mentions`].
    odd: Vec<usize>,
}

impl Ledger {
    /// The invoices (in the order the matcher prefers among equals), indexed.
    pub fn new(invoices: Vec<Invoice>) -> Ledger {
        let mut ledger = Ledger {
            by_client: HashMap::new(),
            whole: HashMap::with_capacity(invoices.len()),
            compact: HashMap::new(),
            odd: Vec::new(),
            invoices,
        };
        for (i, inv) in ledger.invoices.iter().enumerate() {
            match ledger.by_client.get_mut(&inv.client_id) {
                Some(theirs) => theirs.push(i),
                None => {
                    ledger.by_client.insert(inv.client_id.clone(), vec![i]);
                }
            }
            let lower = inv.number.to_lowercase();
            if lower.is_empty() || !lower.chars().all(in_a_number) {
                ledger.odd.push(i);
                continue;
            }
            if let Some(key) = compact_key(&lower) {
                ledger.compact.entry(key).or_default().push(i);
            }
            ledger.whole.entry(lower).or_default().push(i);
        }
        ledger
    }

    /// Every invoice.
    pub fn invoices(&self) -> &[Invoice] {
        &self.invoices
    }

    /// Puts `invoice` in place of the one with its number (after a payment); false when the
    /// ledger has none.
    pub fn update(&mut self, invoice: Invoice) -> bool {
        let same = self
            .whole
            .get(&invoice.number.to_lowercase())
            .into_iter()
            .flatten()
            .chain(&self.odd)
            .copied()
            .find(|&i| self.invoices[i].number == invoice.number);
        match same {
            Some(i) => {
                self.invoices[i] = invoice;
                true
            }
            None => false,
        }
    }

    /// The invoices of these clients, in the ledger's order.
    pub fn of_clients<'c>(&self, clients: impl IntoIterator<Item = &'c str>) -> Vec<&Invoice> {
        let mut hits: Vec<usize> = clients
            .into_iter()
            .filter_map(|id| self.by_client.get(id))
            .flatten()
            .copied()
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(|i| &self.invoices[i]).collect()
    }

    /// The invoices `text` names (see [`mentions`]), in the ledger's order.
    pub fn named(&self, text: &str) -> Vec<&Invoice> {
        let lower = text.to_lowercase();
        let mut hits: Vec<usize> = lower
            .split(|c: char| !in_a_number(c))
            .filter_map(|run| self.whole.get(run))
            .chain(
                lower
                    .split(is_word_break)
                    .filter_map(|word| self.compact.get(&compact(word))),
            )
            .flatten()
            .copied()
            .chain(
                self.odd
                    .iter()
                    .copied()
                    .filter(|&i| mentions(text, &self.invoices[i].number)),
            )
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(|i| &self.invoices[i]).collect()
    }
}

/// Letters, digits and the separators a whole invoice number may hold.
fn in_a_number(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '/'
}

/// Where a concept's words end, for numbers read without their separators.
fn is_word_break(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';' || c == ':'
}

/// Letters and digits only.
fn compact(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A lower-case number without its separators, when long enough to be read so (six
/// characters or more, a digit among them).
fn compact_key(lower: &str) -> Option<String> {
    let n = compact(lower);
    (n.chars().count() >= 6 && n.chars().any(|c| c.is_ascii_digit())).then_some(n)
}

/// What to do with a credit.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Record these payments.
    Pay {
        /// `reference`, `amount+iban`, `amount+name` or `claim`.
        rule: &'static str,
        /// Invoice and amount, oldest first.
        allocations: Vec<(String, Money)>,
    },
    /// Leave it for the owner.
    Review {
        /// Why, for the review list.
        reason: String,
        /// Nothing on the statement points anywhere (no invoice named, no known payer with
        /// that amount): a later "ya pagué" of that exact amount may explain it.
        unmatched: bool,
    },
}

/// Decides a credit against all invoices (only open ones, in its currency, take payments
/// automatically: a disputed, held or already paid invoice is a person's call).
pub fn decide(m: &Movement, ledger: &Ledger, payers: &Payers) -> Outcome {
    let named = ledger.named(&said_text(m));
    if let Some(closed) = named
        .iter()
        .find(|i| i.status != InvoiceStatus::Open || i.balance.is_settled())
    {
        return doubt(format!(
            "names {}, which is {} (balance {}): a second payment or a refund?",
            closed.number, closed.status, closed.balance
        ));
    }
    if !named.is_empty() {
        return by_reference(m, &named);
    }
    let takes_it = |i: &Invoice| {
        i.status == InvoiceStatus::Open && !i.balance.is_settled() && i.currency == m.currency
    };
    let said = Said::of(m);
    let known = payers.of(m, &said);
    let mut fits = Vec::new();
    for (payer, rule) in &known {
        let mut theirs: Vec<&Invoice> = ledger
            .of_clients([payer.id.as_str()])
            .into_iter()
            .filter(|i| takes_it(i))
            .collect();
        theirs.sort_by_key(|i| (i.due_date, i.number.clone()));
        if let Some(one) = theirs.iter().find(|i| i.balance.0 == m.amount) {
            fits.push((*rule, vec![(one.number.clone(), one.balance)]));
        } else if theirs.len() > 1
            && theirs.iter().map(|i| i.balance.0).sum::<Decimal>() == m.amount
        {
            fits.push((
                *rule,
                theirs
                    .iter()
                    .map(|i| (i.number.clone(), i.balance))
                    .collect(),
            ));
        }
    }
    if fits.len() == 1 {
        let (rule, allocations) = fits.remove(0);
        return Outcome::Pay { rule, allocations };
    }
    if fits.len() > 1 {
        return doubt(format!(
            "the amount fits invoices of {} clients",
            fits.len()
        ));
    }
    // No payer's invoice fits: the whole book's open ones, only now.
    let open: Vec<&Invoice> = ledger.invoices().iter().filter(|i| takes_it(i)).collect();
    let claimed: Vec<&Invoice> = open
        .iter()
        .copied()
        .filter(|i| i.paid_claimed_on.is_some() && i.balance.0 == m.amount)
        .collect();
    if let [one] = claimed.as_slice() {
        return Outcome::Pay {
            rule: "claim",
            allocations: vec![(one.number.clone(), one.balance)],
        };
    }
    let same: Vec<&str> = open
        .iter()
        .filter(|i| i.balance.0 == m.amount)
        .map(|i| i.number.as_str())
        .collect();
    let reason = match (known.is_empty(), same.as_slice()) {
        (_, []) if !known.is_empty() => format!(
            "from {}, but no open invoice of {} {}",
            known[0].0.id, m.amount, m.currency
        ),
        (_, []) => "no open invoice of this amount, and the concept names none".to_owned(),
        (true, s) => format!("payer unknown; same amount as {}", s.join(", ")),
        (false, s) => format!("same amount as {}, but of another client", s.join(", ")),
    };
    Outcome::Review {
        reason,
        unmatched: true,
    }
}

/// The invoices a credit points at, whatever their balance: those its concept names, or else
/// those of the clients it is from (IBAN on file, or name), in its currency. A credit that
/// points nowhere cannot be told to repeat a recorded payment.
pub fn pointed_invoices<'a>(m: &Movement, ledger: &'a Ledger, payers: &Payers) -> Vec<&'a Invoice> {
    let named = ledger.named(&said_text(m));
    if !named.is_empty() {
        return named;
    }
    let said = Said::of(m);
    let from: Vec<&str> = payers
        .of(m, &said)
        .into_iter()
        .map(|(p, _)| p.id.as_str())
        .collect();
    ledger
        .of_clients(from)
        .into_iter()
        .filter(|i| i.currency == m.currency)
        .collect()
}

/// What a credit's concept and reference say, where invoice numbers are looked for.
fn said_text(m: &Movement) -> String {
    format!("{} {}", m.concept, m.reference.as_deref().unwrap_or(""))
}

/// A credit for review because the evidence is contradictory or ambiguous.
fn doubt(reason: String) -> Outcome {
    Outcome::Review {
        reason,
        unmatched: false,
    }
}

fn by_reference(m: &Movement, named: &[&Invoice]) -> Outcome {
    let numbers: Vec<&str> = named.iter().map(|i| i.number.as_str()).collect();
    if named.iter().any(|i| i.client_id != named[0].client_id) {
        return doubt(format!(
            "names invoices of different clients: {}",
            numbers.join(", ")
        ));
    }
    if named.iter().any(|i| i.currency != m.currency) {
        return doubt(format!(
            "names {} but the credit is in {}",
            numbers.join(", "),
            m.currency
        ));
    }
    let total: Decimal = named.iter().map(|i| i.balance.0).sum();
    let mut sorted = named.to_vec();
    sorted.sort_by_key(|i| (i.due_date, i.number.clone()));
    if m.amount == total {
        return Outcome::Pay {
            rule: "reference",
            allocations: sorted
                .iter()
                .map(|i| (i.number.clone(), i.balance))
                .collect(),
        };
    }
    // A part payment needs a number that cannot be a stray figure of the concept.
    if let [one] = named
        && m.amount < one.balance.0
        && one
            .number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .count()
            >= 4
    {
        return Outcome::Pay {
            rule: "reference",
            allocations: vec![(one.number.clone(), Money(m.amount))],
        };
    }
    doubt(format!(
        "names {} but {} {} is not the balance due ({total})",
        numbers.join(", "),
        m.amount,
        m.currency
    ))
}

/// Whether `text` names invoice `number`: as a whole word, or, for numbers of six characters
/// or more, with separators dropped on both sides (`FRA 2026/001` for `2026-001` is not enough).
pub fn mentions(text: &str, number: &str) -> bool {
    let lower = text.to_lowercase();
    let needle = number.to_lowercase();
    let boundary = |c: Option<char>| !c.is_some_and(in_a_number);
    let whole = lower.match_indices(&needle).any(|(pos, _)| {
        boundary(lower[..pos].chars().next_back())
            && boundary(lower[pos + needle.len()..].chars().next())
    });
    if whole {
        return true;
    }
    let Some(n) = compact_key(&needle) else {
        return false;
    };
    lower.split(is_word_break).any(|word| compact(word) == n)
}

/// Lower case, no accents or punctuation, legal forms (`S.L.`, `S.A. de C.V.`...) dropped.
pub fn normalise_name(name: &str) -> String {
    const FORMS: &[&str] = &[
        "sl", "sa", "slu", "sll", "slne", "sau", "scoop", "coop", "cb", "sc", "de", "cv", "sapi",
        "sas", "ltda", "srl", "spa", "s", "l", "a", "u", "c", "v",
    ];
    let plain: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ì' | 'ï' => 'i',
            'ó' | 'ò' | 'ö' => 'o',
            'ú' | 'ù' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    // Legal forms only at the end: "Banco de Sabadell" keeps its "de".
    let mut end = words.len();
    while end > 1 && FORMS.contains(&words[end - 1]) {
        end -= 1;
    }
    words[..end].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn invoice(number: &str, client: &str, balance: &str, status: InvoiceStatus) -> Invoice {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let b = Money(Decimal::from_str(balance).unwrap());
        Invoice {
            number: number.into(),
            client_id: client.into(),
            issue_date: day,
            due_date: day,
            currency: "EUR".into(),
            amount: Money(Decimal::from(1000)),
            paid: Money(Decimal::from(1000)) - b,
            balance: b,
            status,
            paid_claimed_on: None,
            returned: None,
            pdf_path: None,
            description: None,
        }
    }

    fn credit(amount: &str, concept: &str, name: Option<&str>) -> Movement {
        Movement {
            key: "k".into(),
            account: "a".into(),
            line: 1,
            booked_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            value_on: None,
            amount: Decimal::from_str(amount).unwrap(),
            currency: "EUR".into(),
            reference: None,
            concept: concept.into(),
            payer_name: name.map(str::to_owned),
            payer_iban: None,
        }
    }

    #[test]
    fn each_rule_and_each_doubt() {
        use InvoiceStatus::*;
        let invoices = [
            invoice("F-0001", "C1", "0", Paid),
            invoice("F-0002", "C1", "300", Open),
            invoice("F-0003", "C1", "300", Open),
            invoice("F-0004", "C2", "300", Open),
            invoice("F-0005", "C2", "450", Disputed),
        ];
        let invoices = Ledger::new(invoices.to_vec());
        let payers = Payers::new(vec![
            Payer::new("C1".into(), ["Uno Servicios S.L.".into()], vec![]),
            Payer::new("C2".into(), ["Dos Talleres".into()], vec![]),
        ]);
        let pay = |rule, list: &[(&str, &str)]| Outcome::Pay {
            rule,
            allocations: list
                .iter()
                .map(|(n, a)| (n.to_string(), Money(Decimal::from_str(a).unwrap())))
                .collect(),
        };
        let review = |m: &Movement| match decide(m, &invoices, &payers) {
            Outcome::Review { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        // Two invoices named, their balances together.
        assert_eq!(
            decide(
                &credit("600", "FRAS F-0002 Y F-0003", None),
                &invoices,
                &payers
            ),
            pay("reference", &[("F-0002", "300"), ("F-0003", "300")])
        );
        // Part of one.
        assert_eq!(
            decide(&credit("100", "A CUENTA F-0003", None), &invoices, &payers),
            pay("reference", &[("F-0003", "100")])
        );
        // Same amount twice for one client: the oldest (by due date, then number).
        assert_eq!(
            decide(
                &credit("300", "TRANSFERENCIA", Some("UNO SERVICIOS SL")),
                &invoices,
                &payers
            ),
            pay("amount+name", &[("F-0002", "300")])
        );
        // An invoice already paid or disputed named again: a person decides.
        assert!(
            review(&credit("300", "F-0001", Some("UNO SERVICIOS SL")))
                .contains("F-0001, which is paid")
        );
        assert!(review(&credit("450", "F-0005", None)).contains("which is disputed"));
        // More than the balance named.
        assert!(review(&credit("350", "F-0004", None)).contains("is not the balance due"));
        // Unknown payer, amount of invoices of two clients.
        assert!(review(&credit("300", "PAGO", Some("OTRA EMPRESA"))).contains("payer unknown"));
    }

    /// The ledger's index finds the invoices a text names exactly as reading every number
    /// with `mentions` does, in the same order: whole words, numbers without separators,
    /// case, and numbers with spaces or dots (read one by one).
    #[test]
    fn the_index_finds_what_reading_every_number_finds() {
        let numbers = [
            "F-2026-001",
            "F-2026-0010",
            "F2026001",
            "2026/17",
            "A1",
            "1-2",
            "12",
            "FRA 7781",
            "F.2026.55",
            "Ñ-000123",
            "f-2026-002",
            "INV_0042",
            "000123",
        ];
        let ledger = Ledger::new(
            numbers
                .iter()
                .map(|n| invoice(n, "C1", "10", InvoiceStatus::Open))
                .collect(),
        );
        let texts = [
            "PAGO FRA F-2026-001 TALLERES",
            "PAGO FRA F2026001",
            "pago fra f-2026-0010, f-2026-002; 2026/17",
            "PAGO 12 Y 1-2/3 A1",
            "FRA 7781 Y F.2026.55",
            "ñ-000123: inv_0042 000123",
            "F-2026-001-B F-2026-001/ X-F-2026-002",
            "",
        ];
        for text in texts {
            let read: Vec<&str> = ledger
                .invoices()
                .iter()
                .filter(|i| mentions(text, &i.number))
                .map(|i| i.number.as_str())
                .collect();
            let found: Vec<&str> = ledger
                .named(text)
                .iter()
                .map(|i| i.number.as_str())
                .collect();
            assert_eq!(found, read, "{text:?}");
        }
        // A paid invoice put in place of its open self, by its exact number.
        let mut ledger = ledger;
        for number in ["f-2026-002", "F.2026.55"] {
            assert!(ledger.update(invoice(number, "C1", "0", InvoiceStatus::Paid)));
            let named = ledger.named(number);
            assert_eq!(named.len(), 1, "{number}");
            assert_eq!(named[0].status, InvoiceStatus::Paid);
        }
        assert!(!ledger.update(invoice("F-9999", "C1", "0", InvoiceStatus::Paid)));
        assert_eq!(ledger.invoices().len(), numbers.len());
    }

    /// The payers' index finds exactly the clients that comparing a credit with every client
    /// finds, in the same order and with the same rule: for payer names given whole, cut short
    /// by the bank, or absent (the concept then), for IBANs, and for names that share words.
    #[test]
    fn the_payers_index_finds_what_comparing_with_every_client_finds() {
        let names = [
            "Talleres Mecánicos Hermanos García S.L.",
            "Talleres García",
            "García Talleres SA",
            "Hermanos García",
            "Construcciones y Reformas del Norte SL",
            "Construcciones Norte",
            "Reformas del Norte",
            "Panadería La Espiga",
            "La Espiga",
            "Espiga",
            "Bar Ñandú",
            "Ana",
            "Distribuciones Alimentarias del Sur S.A. de C.V.",
            "Distribuciones Alimentarias",
        ];
        let all: Vec<Payer> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let legal =
                    (i % 3 == 0).then(|| format!("{} Holding", names[(i + 5) % names.len()]));
                let ibans = vec![format!("ES{:02}", i % 4)];
                Payer::new(
                    format!("C{i}"),
                    std::iter::once(n.to_string()).chain(legal),
                    ibans,
                )
            })
            .collect();
        let payers = Payers::new(all.clone());
        let mut said_names: Vec<Option<String>> = vec![None];
        for n in names {
            said_names.push(Some(n.to_uppercase()));
            let cut: String = n.chars().take(14).collect();
            said_names.push(Some(cut));
            said_names.push(Some(n.chars().take(5).collect()));
        }
        let concepts = [
            "TRANSF TALLERES GARCIA FRA NOV",
            "PAGO HERMANOS GARCIA",
            "LA ESPIGA PANADERIA",
            "CONSTRUCCIONES Y REFORMAS DEL NORTE S.L. PAGO",
            "REFORMAS DEL NORTE",
            "DISTRIBUCIONES ALIMENTARIAS DEL SUR",
            "BAR NANDU",
            "nada que ver",
            "",
        ];
        let mut checked = 0;
        for name in &said_names {
            for concept in concepts {
                for iban in [None, Some("ES01"), Some("ES99")] {
                    let mut m = credit("10", concept, name.as_deref());
                    m.payer_iban = iban.map(str::to_owned);
                    let said = Said::of(&m);
                    let linear: Vec<(&str, &str)> = all
                        .iter()
                        .filter_map(|p| Some((p.id.as_str(), p.rule_for(&m, &said)?)))
                        .collect();
                    let indexed: Vec<(&str, &str)> = payers
                        .of(&m, &said)
                        .into_iter()
                        .map(|(p, rule)| (p.id.as_str(), rule))
                        .collect();
                    assert_eq!(indexed, linear, "{name:?} {concept:?} {iban:?}");
                    checked += usize::from(!linear.is_empty());
                }
            }
        }
        // Not an empty comparison: many credits came from someone.
        assert!(checked > 100, "{checked}");
    }

    /// A client's invoices, found by its id, in the ledger's order; several clients together
    /// keep that order too.
    #[test]
    fn the_index_finds_each_clients_invoices_in_order() {
        let ledger = Ledger::new(vec![
            invoice("A-1", "C2", "10", InvoiceStatus::Open),
            invoice("A-2", "C1", "10", InvoiceStatus::Open),
            invoice("A-3", "C2", "10", InvoiceStatus::Paid),
            invoice("A-4", "C3", "10", InvoiceStatus::Open),
        ]);
        let numbers = |clients: &[&str]| -> Vec<String> {
            ledger
                .of_clients(clients.iter().copied())
                .iter()
                .map(|i| i.number.clone())
                .collect()
        };
        assert_eq!(numbers(&["C2"]), ["A-1", "A-3"]);
        assert_eq!(numbers(&["C3", "C2", "C2"]), ["A-1", "A-3", "A-4"]);
        assert!(numbers(&["C9"]).is_empty());
    }

    #[test]
    fn invoice_numbers_and_names_are_read_loosely_but_not_wrongly() {
        assert!(mentions("PAGO FRA F-2026-001 TALLERES", "F-2026-001"));
        assert!(mentions("PAGO FRA F2026001", "F-2026-001"));
        assert!(!mentions("PAGO FRA F-2026-0010", "F-2026-001"));
        assert!(!mentions("PAGO 12", "1-2"));
        assert_eq!(
            normalise_name("Talleres Peña e Hijos, S.L."),
            "talleres pena e hijos"
        );
        assert_eq!(
            normalise_name("Comercial Azteca S.A. de C.V."),
            "comercial azteca"
        );
        assert_eq!(normalise_name("Banco de Sabadell"), "banco de sabadell");
    }
}
