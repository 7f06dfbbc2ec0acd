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

use rust_decimal::Decimal;

use super::Movement;
use crate::domain::{Invoice, InvoiceStatus, Money};

/// A client as the matcher knows it.
#[derive(Debug, Clone)]
pub struct Payer {
    /// Client id.
    pub id: String,
    /// Trade and legal names.
    pub names: Vec<String>,
    /// Accounts it pays from (normalised).
    pub ibans: Vec<String>,
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
pub fn decide(m: &Movement, invoices: &[Invoice], payers: &[Payer]) -> Outcome {
    let text = format!("{} {}", m.concept, m.reference.as_deref().unwrap_or(""));
    let named: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| mentions(&text, &i.number))
        .collect();
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
    let open: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| {
            i.status == InvoiceStatus::Open && !i.balance.is_settled() && i.currency == m.currency
        })
        .collect();
    let known: Vec<(&Payer, &'static str)> = payers
        .iter()
        .filter_map(|p| {
            if m.payer_iban
                .as_ref()
                .is_some_and(|iban| p.ibans.contains(iban))
            {
                Some((p, "amount+iban"))
            } else if p.names.iter().any(|n| names_client(m, n)) {
                Some((p, "amount+name"))
            } else {
                None
            }
        })
        .collect();
    let mut fits = Vec::new();
    for (payer, rule) in &known {
        let mut theirs: Vec<&Invoice> = open
            .iter()
            .copied()
            .filter(|i| i.client_id == payer.id)
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
pub fn pointed_invoices<'a>(
    m: &Movement,
    invoices: &'a [Invoice],
    payers: &[Payer],
) -> Vec<&'a Invoice> {
    let text = format!("{} {}", m.concept, m.reference.as_deref().unwrap_or(""));
    let named: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| mentions(&text, &i.number))
        .collect();
    if !named.is_empty() {
        return named;
    }
    let from: Vec<&str> = payers
        .iter()
        .filter(|p| {
            m.payer_iban
                .as_ref()
                .is_some_and(|iban| p.ibans.contains(iban))
                || p.names.iter().any(|n| names_client(m, n))
        })
        .map(|p| p.id.as_str())
        .collect();
    invoices
        .iter()
        .filter(|i| i.currency == m.currency && from.contains(&i.client_id.as_str()))
        .collect()
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
    let boundary =
        |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/');
    let whole = lower.match_indices(&needle).any(|(pos, _)| {
        boundary(lower[..pos].chars().next_back())
            && boundary(lower[pos + needle.len()..].chars().next())
    });
    if whole {
        return true;
    }
    let compact = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    let n = compact(&needle);
    if n.chars().count() < 6 || !n.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':')
        .any(|word| compact(word) == n)
}

/// Whether the payer's name, or the concept when the bank gives no name, is the client's.
fn names_client(m: &Movement, client_name: &str) -> bool {
    let client = normalise_name(client_name);
    if client.len() < 4 {
        return false;
    }
    match &m.payer_name {
        Some(payer) => {
            let payer = normalise_name(payer);
            payer == client || (payer.len() >= 12 && client.starts_with(&payer))
        }
        None => {
            let concept = format!(" {} ", normalise_name(&m.concept));
            client.len() >= 6 && concept.contains(&format!(" {client} "))
        }
    }
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
        let payers = [
            Payer {
                id: "C1".into(),
                names: vec!["Uno Servicios S.L.".into()],
                ibans: vec![],
            },
            Payer {
                id: "C2".into(),
                names: vec!["Dos Talleres".into()],
                ibans: vec![],
            },
        ];
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
