//! The intents and the payment statements ("le pago", "ya le transferí", "voy a pagarle")
//! found by conjugation, tense, negation and context.
//!
//! Fixed phrases live in `lexicon`; this file handles the verbs, whose many forms
//! (present, future, preterite, perfect, periphrasis, clitics) would not fit a phrase list.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::understand::normalise::{Kind, Token};

mod statements;
mod verbs;

pub(crate) use statements::statements;

/// What the client means by the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Will pay, with or without a date.
    Promise,
    /// Says the invoice is already paid.
    Paid,
    /// Contests the invoice, the amount or the work.
    Dispute,
    /// Asks for instalments or a delay, or proposes partial payments.
    Plan,
    /// Asks not to be contacted any more.
    Stop,
    /// Asks for a copy, bank details or an explanation.
    Question,
    /// An automatic reply (out of office, acknowledgement).
    AutoReply,
    /// None of the above.
    Other,
}

impl Intent {
    /// Every intent, in the order of precedence used when several are present.
    pub const ALL: [Intent; 8] = [
        Intent::AutoReply,
        Intent::Dispute,
        Intent::Paid,
        Intent::Stop,
        Intent::Plan,
        Intent::Promise,
        Intent::Question,
        Intent::Other,
    ];

    /// The stable snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Promise => "promise",
            Intent::Paid => "paid",
            Intent::Dispute => "dispute",
            Intent::Plan => "plan",
            Intent::Stop => "stop",
            Intent::Question => "question",
            Intent::AutoReply => "auto_reply",
            Intent::Other => "other",
        }
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a string that names no intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownIntent(pub String);

impl fmt::Display for UnknownIntent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown intent {:?}: expected promise, paid, dispute, plan, stop, question, auto_reply or other",
            self.0
        )
    }
}

impl std::error::Error for UnknownIntent {}

impl FromStr for Intent {
    type Err = UnknownIntent;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| UnknownIntent(s.to_owned()))
    }
}

/// A payment statement found in the text.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    /// Promise (future) or Paid (past).
    pub kind: StatementKind,
    /// First token (including "ya" and pronouns before the verb).
    pub start: usize,
    /// One past the verb (and its money object when one was required).
    pub end: usize,
    /// Clause number.
    pub clause: usize,
    /// "no le pago", "todavía no he pagado".
    pub negated: bool,
    /// "espero pagarle", "le pagaría", "intentaré pagar".
    pub hedged: bool,
    /// "pagamos" without "ya" or a date: tense guessed.
    pub guessed: bool,
}

/// The direction of a payment statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementKind {
    /// Will pay.
    Promise,
    /// Has paid.
    Paid,
    /// Asks how/where/when to pay ("¿cómo le pago?").
    Asks,
}

/// Splits tokens into clauses: sentence punctuation, line breaks and "pero"/"sino" end one.
/// Returns the clause of every token and, per clause, whether it is a question.
pub(crate) fn clauses(toks: &[Token<'_>]) -> (Vec<usize>, Vec<bool>) {
    let mut ids = Vec::with_capacity(toks.len());
    let mut questions = vec![false];
    let mut id = 0;
    for (i, t) in toks.iter().enumerate() {
        let opens = t.kind == Kind::Punct && matches!(t.text, "¿" | "¡")
            || t.kind == Kind::Word && matches!(t.text, "pero" | "sino" | "aunque");
        if opens && i > 0 && ids.last() == Some(&id) {
            id += 1;
            questions.push(false);
        }
        ids.push(id);
        if t.text == "¿" || t.text == "?" {
            questions[id] = true;
        }
        let decimal_dot = t.text == "."
            && t.glued
            && toks.get(i + 1).is_some_and(|n| n.glued && n.is_num())
            && i > 0
            && toks[i - 1].is_num();
        let closes = t.kind == Kind::Punct
            && matches!(t.text, "." | "!" | "?" | ";" | "\n" | ":")
            && !decimal_dot;
        if closes {
            id += 1;
            questions.push(false);
        }
    }
    (ids, questions)
}
