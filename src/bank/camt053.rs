//! ISO 20022 camt.053 (BankToCustomerStatement): the XML statement of SEPA banks.
//!
//! Read with a streaming reader by element paths, whatever the schema version (`.001.02` to
//! `.001.13`) and namespace prefix. Per `Stmt`: the account (`Acct/Id/IBAN`). Per `Ntry`
//! booked (`Sts` = `BOOK`) with `CdtDbtInd` = `CRDT`: `Amt` and its `Ccy`, `BookgDt`, `ValDt`,
//! the bank's reference (`AcctSvcrRef`, else `NtryRef`), and from its `TxDtls` the payer
//! (`RltdPties/Dbtr/Nm` or `Dbtr/Pty/Nm`), the payer's account (`DbtrAcct/Id/IBAN`), and the
//! remittance text (`RmtInf/Ustrd`, `RmtInf/Strd/CdtrRefInf/Ref`, `AddtlTxInf`,
//! `AddtlNtryInf`). Pending entries and debits are skipped. An entry batching several
//! transactions (a "remesa" of direct debits, a batch of transfers) whose amounts add up to
//! the entry's is read as one credit per transaction, each matched on its own; otherwise the
//! entry is one credit.

use std::str::FromStr;

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::Event;
use rust_decimal::Decimal;

use super::{BankError, Format, Movement, Statement, number_duplicates};

#[derive(Default)]
struct Entry {
    line: u64,
    amount: Option<String>,
    currency: Option<String>,
    credit: Option<bool>,
    status: Option<String>,
    booked: Option<String>,
    value: Option<String>,
    svcr_ref: Option<String>,
    ntry_ref: Option<String>,
    end_to_end: Option<String>,
    payer_name: Option<String>,
    payer_iban: Option<String>,
    concept: Vec<String>,
    /// The entry's own text (`AddtlNtryInf`), shared by its transactions.
    info: Vec<String>,
    /// One per `TxDtls`: a batch (a SEPA direct-debit collection, "remesa") has several.
    txs: Vec<Tx>,
}

/// One transaction of an entry.
#[derive(Default)]
struct Tx {
    amount: Option<String>,
    end_to_end: Option<String>,
    payer_name: Option<String>,
    payer_iban: Option<String>,
    concept: Vec<String>,
}

/// Parses a camt.053 document.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Statement, BankError> {
    let text = std::str::from_utf8(bytes).map_err(|e| BankError::File {
        file: name.to_owned(),
        reason: format!(
            "not UTF-8 XML (byte {}): download the statement again",
            e.valid_up_to()
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let line_of = |pos: u64| {
        text.as_bytes()[..(pos as usize).min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
            + 1
    };
    let mut reader = Reader::from_str(text);
    // The text of the element being read, entities resolved: `Talleres &amp; Hijos` is one name.
    let mut buf = String::new();
    let mut path: Vec<String> = Vec::new();
    let mut account = String::new();
    let mut entry: Option<Entry> = None;
    let mut credits = Vec::new();
    let mut debits = 0;
    let mut saw_statement = false;
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| BankError::Line {
            file: name.to_owned(),
            line: line_of(reader.error_position()),
            reason: format!("not well-formed XML: {e}"),
        })?;
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                if local == "Stmt" {
                    saw_statement = true;
                    account.clear();
                }
                if local == "TxDtls"
                    && let Some(en) = entry.as_mut()
                {
                    en.txs.push(Tx::default());
                }
                if local == "Ntry" {
                    entry = Some(Entry {
                        line: line_of(pos),
                        ..Entry::default()
                    });
                }
                if local == "Amt"
                    && path.last().is_some_and(|p| p == "Ntry")
                    && let Some(en) = entry.as_mut()
                    && let Ok(Some(ccy)) = e.try_get_attribute("Ccy")
                {
                    en.currency = Some(ccy.value.trim().to_owned());
                }
                path.push(local);
                buf.clear();
            }
            Event::End(_) => {
                if !buf.trim().is_empty() {
                    store_text(&path, buf.trim(), &mut account, entry.as_mut());
                }
                buf.clear();
                let closed = path.pop().unwrap_or_default();
                if closed == "Ntry"
                    && let Some(en) = entry.take()
                {
                    match finish(name, &account, en)? {
                        Some(ms) => credits.extend(ms),
                        None => debits += 1,
                    }
                }
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => buf.push(c),
                _ => buf.push_str(match r.xml10_content().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "apos" => "'",
                    "quot" => "\"",
                    _ => "",
                }),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_statement {
        return Err(BankError::File {
            file: name.to_owned(),
            reason: "XML without a camt.053 statement (BkToCstmrStmt/Stmt): download the \
                     account statement as camt.053"
                .into(),
        });
    }
    number_duplicates(&mut credits);
    Ok(Statement {
        format: Format::Camt053,
        credits,
        debits,
    })
}

/// The path below the innermost `Ntry`, as `a/b/c`.
fn below_entry(path: &[String]) -> Option<String> {
    let at = path.iter().rposition(|p| p == "Ntry")?;
    Some(path[at + 1..].join("/"))
}

fn store_text(path: &[String], value: &str, account: &mut String, entry: Option<&mut Entry>) {
    let joined = path.join("/");
    if joined.ends_with("Stmt/Acct/Id/IBAN")
        || (account.is_empty() && joined.ends_with("Stmt/Acct/Id/Othr/Id"))
    {
        *account = value.to_owned();
        return;
    }
    let (Some(en), Some(rel)) = (entry, below_entry(path)) else {
        return;
    };
    let set = |slot: &mut Option<String>| {
        if slot.is_none() {
            *slot = Some(value.to_owned());
        }
    };
    if let Some(tx_rel) = rel.strip_prefix("NtryDtls/TxDtls/")
        && let Some(tx) = en.txs.last_mut()
    {
        match tx_rel {
            "Amt" | "AmtDtls/TxAmt/Amt" | "AmtDtls/InstdAmt/Amt" => set(&mut tx.amount),
            "Refs/EndToEndId" if value != "NOTPROVIDED" => set(&mut tx.end_to_end),
            "RltdPties/Dbtr/Nm" | "RltdPties/Dbtr/Pty/Nm" => set(&mut tx.payer_name),
            "RltdPties/DbtrAcct/Id/IBAN" => set(&mut tx.payer_iban),
            r if r.ends_with("RmtInf/Ustrd")
                || r.ends_with("CdtrRefInf/Ref")
                || r == "AddtlTxInf" =>
            {
                tx.concept.push(value.to_owned());
            }
            _ => {}
        }
    }
    match rel.as_str() {
        "Amt" => set(&mut en.amount),
        "CdtDbtInd" => en.credit = Some(value == "CRDT"),
        "Sts" | "Sts/Cd" => set(&mut en.status),
        "BookgDt/Dt" | "BookgDt/DtTm" => set(&mut en.booked),
        "ValDt/Dt" | "ValDt/DtTm" => set(&mut en.value),
        "AcctSvcrRef" => set(&mut en.svcr_ref),
        "NtryRef" => set(&mut en.ntry_ref),
        "AddtlNtryInf" => en.info.push(value.to_owned()),
        r if r.ends_with("TxDtls/Refs/EndToEndId") && value != "NOTPROVIDED" => {
            set(&mut en.end_to_end)
        }
        r if r.ends_with("RltdPties/Dbtr/Nm") || r.ends_with("RltdPties/Dbtr/Pty/Nm") => {
            set(&mut en.payer_name)
        }
        r if r.ends_with("RltdPties/DbtrAcct/Id/IBAN") => set(&mut en.payer_iban),
        r if r.ends_with("RmtInf/Ustrd")
            || r.ends_with("CdtrRefInf/Ref")
            || r.ends_with("TxDtls/AddtlTxInf") =>
        {
            en.concept.push(value.to_owned());
        }
        _ => {}
    }
}

/// A finished entry: `Some` credits (one per transaction of a batch whose amounts add up to
/// the entry's), `None` when it is a debit or not booked.
fn finish(name: &str, account: &str, en: Entry) -> Result<Option<Vec<Movement>>, BankError> {
    let err = |reason: String| BankError::Line {
        file: name.to_owned(),
        line: en.line,
        reason,
    };
    if en.credit != Some(true) || en.status.as_deref().is_some_and(|s| s != "BOOK") {
        return Ok(None);
    }
    let amount_text = en
        .amount
        .clone()
        .ok_or_else(|| err("entry without Amt".into()))?;
    let amount = Decimal::from_str(&amount_text)
        .map_err(|_| err(format!("Amt {amount_text:?} is not an amount")))?;
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
    };
    let booked_on =
        day(&en.booked).ok_or_else(|| err("entry without a booking date (BookgDt)".into()))?;
    let currency = en
        .currency
        .clone()
        .ok_or_else(|| err("Amt without its currency (Ccy)".into()))?;
    let reference = en
        .svcr_ref
        .clone()
        .or_else(|| en.ntry_ref.clone())
        .or_else(|| en.end_to_end.clone());
    let concept = en
        .info
        .iter()
        .chain(&en.concept)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let key = match en.svcr_ref.as_ref().or(en.ntry_ref.as_ref()) {
        Some(r) => format!("camt|{account}|{r}"),
        None => format!(
            "camt|{account}|{booked_on}|{amount}|{}|{}",
            en.end_to_end.as_deref().unwrap_or(""),
            concept
        ),
    };
    let iban = |i: &Option<String>| i.as_deref().map(crate::store::bank::normalise_iban);
    let one = Movement {
        key: key.clone(),
        account: account.to_owned(),
        line: en.line,
        booked_on,
        value_on: day(&en.value),
        amount,
        currency,
        reference,
        concept,
        payer_name: en.payer_name.clone(),
        payer_iban: iban(&en.payer_iban),
    };
    let parts: Option<Vec<Decimal>> = en
        .txs
        .iter()
        .map(|t| t.amount.as_deref().and_then(|a| Decimal::from_str(a).ok()))
        .collect();
    let Some(parts) = parts.filter(|p| p.len() > 1 && p.iter().sum::<Decimal>() == amount) else {
        return Ok(Some(vec![one]));
    };
    Ok(Some(
        en.txs
            .iter()
            .zip(parts)
            .enumerate()
            .map(|(i, (tx, part))| Movement {
                key: format!("{key}|tx{}", i + 1),
                amount: part,
                reference: tx.end_to_end.clone().or_else(|| one.reference.clone()),
                concept: en
                    .info
                    .iter()
                    .chain(&tx.concept)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
                payer_name: tx.payer_name.clone(),
                payer_iban: iban(&tx.payer_iban),
                ..one.clone()
            })
            .collect(),
    ))
}
