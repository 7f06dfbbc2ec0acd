//! The intents and the payment statements ("le pago", "ya le transferí", "voy a pagarle")
//! found by conjugation, tense, negation and context.
//!
//! Fixed phrases live in `lexicon`; this file handles the verbs, whose many forms
//! (present, future, preterite, perfect, periphrasis, clitics) would not fit a phrase list.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::Serialize;

use crate::understand::dates::DateMention;
use crate::understand::normalise::{Kind, Token};

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

/// Which payment verb a form belongs to; some need an object to mean "pay".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// pagar, transferir, depositar, consignar, abonar, ingresar, liquidar, saldar.
    Pay,
    /// cancelar: "pay" in Latin America only with a pronoun or a debt as object.
    Cancel,
    /// hacer, realizar, efectuar: with "el pago", "la transferencia", "un bizum".
    Make,
    /// enviar, mandar, pasar, girar: with money as object ("te paso la plata").
    Send,
}

/// Tense as far as it matters here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    /// "pago", "transfiero", "hago": present for future.
    Present,
    /// "pagaré", "haremos".
    Future,
    /// "pagaría": a softer promise.
    Conditional,
    /// "pagué", "transferí", "hicimos", "pagó" (accented).
    Past,
    /// "pagamos", "transferimos": present or preterite; context decides.
    Ambiguous,
    /// "pagado", "hecha".
    Participle,
    /// "pagar": needs a governing verb ("voy a pagar", "puedo pagar").
    Infinitive,
}

static VERBS: LazyLock<HashMap<String, (Family, Tense)>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    // Regular -ar verbs: stem, first person preterite, family.
    let regular: [(&str, &str, Family); 24] = [
        ("pag", "pague", Family::Pay),
        ("deposit", "deposite", Family::Pay),
        ("consign", "consigne", Family::Pay),
        ("abon", "abone", Family::Pay),
        ("ingres", "ingrese", Family::Pay),
        ("liquid", "liquide", Family::Pay),
        ("sald", "salde", Family::Pay),
        ("cancel", "cancele", Family::Cancel),
        ("realiz", "realice", Family::Make),
        ("efectu", "efectue", Family::Make),
        ("envi", "envie", Family::Send),
        ("mand", "mande", Family::Send),
        ("pas", "pase", Family::Send),
        ("gir", "gire", Family::Send),
        // Local words for paying: "te bizumeo", "le yapeé", "te plineo".
        ("bizume", "bizumee", Family::Pay),
        ("yape", "yapee", Family::Pay),
        ("pline", "plinee", Family::Pay),
        // A company's payment run: "tesorería ejecuta la transferencia el lunes".
        ("ejecut", "ejecute", Family::Make),
        ("proces", "procese", Family::Make),
        ("curs", "curse", Family::Make),
        ("tramit", "tramite", Family::Make),
        ("orden", "ordene", Family::Make),
        ("acredit", "acredite", Family::Make),
        ("liber", "libere", Family::Make),
    ];
    for (stem, past, fam) in regular {
        let mut add = |suffix: &str, t: Tense| {
            m.insert(format!("{stem}{suffix}"), (fam, t));
        };
        add("o", Tense::Present);
        // "mi esposo le paga el viernes", "tesorería realiza el pago": third persons.
        // "pasa", "manda" mean paying only with money as object, checked below.
        add("a", Tense::Present);
        add("an", Tense::Present);
        add("amos", Tense::Ambiguous);
        for f in ["are", "aremos", "ara", "aran"] {
            add(f, Tense::Future);
        }
        for c in ["aria", "ariamos"] {
            add(c, Tense::Conditional);
        }
        add("ar", Tense::Infinitive);
        add("ando", Tense::Infinitive);
        // "pasado" means "last" ("el viernes pasado"), never "paid".
        if stem != "pas" {
            for p in ["ado", "ada", "ados", "adas"] {
                add(p, Tense::Participle);
            }
        }
        m.insert(past.to_owned(), (fam, Tense::Past));
    }
    let irregular: [(&str, Family, Tense); 25] = [
        ("transfiero", Family::Pay, Tense::Present),
        ("transferimos", Family::Pay, Tense::Ambiguous),
        ("transferire", Family::Pay, Tense::Future),
        ("transferiremos", Family::Pay, Tense::Future),
        ("transferira", Family::Pay, Tense::Future),
        ("transferiria", Family::Pay, Tense::Conditional),
        ("transferi", Family::Pay, Tense::Past),
        ("transfirio", Family::Pay, Tense::Past),
        ("transferido", Family::Pay, Tense::Participle),
        ("transferida", Family::Pay, Tense::Participle),
        ("transferir", Family::Pay, Tense::Infinitive),
        ("transfiriendo", Family::Pay, Tense::Infinitive),
        ("hago", Family::Make, Tense::Present),
        ("hacemos", Family::Make, Tense::Present),
        ("hare", Family::Make, Tense::Future),
        ("haremos", Family::Make, Tense::Future),
        ("hara", Family::Make, Tense::Future),
        ("haria", Family::Make, Tense::Conditional),
        ("hice", Family::Make, Tense::Past),
        ("hicimos", Family::Make, Tense::Past),
        ("hizo", Family::Make, Tense::Past),
        ("hecho", Family::Make, Tense::Participle),
        ("hecha", Family::Make, Tense::Participle),
        ("hacer", Family::Make, Tense::Infinitive),
        ("haciendo", Family::Make, Tense::Infinitive),
    ];
    for (w, f, t) in irregular {
        m.insert(w.to_owned(), (f, t));
    }
    // transferir and its common misspellings ("trasferir", "tranferir").
    for stem in ["transf", "trasf", "tranf"] {
        let forms: [(&str, Tense); 15] = [
            ("iero", Tense::Present),
            ("iere", Tense::Present),
            ("ieren", Tense::Present),
            ("erimos", Tense::Ambiguous),
            ("erire", Tense::Future),
            ("eriremos", Tense::Future),
            ("erira", Tense::Future),
            ("eriran", Tense::Future),
            ("eriria", Tense::Conditional),
            ("eri", Tense::Past),
            ("irio", Tense::Past),
            ("erido", Tense::Participle),
            ("erida", Tense::Participle),
            ("erir", Tense::Infinitive),
            ("iriendo", Tense::Infinitive),
        ];
        for (suffix, t) in forms {
            m.entry(format!("{stem}{suffix}"))
                .or_insert((Family::Pay, t));
        }
    }
    // emitir (a transfer, a cheque): needs money as object like "hacer".
    let emitir: [(&str, Tense); 10] = [
        ("emito", Tense::Present),
        ("emite", Tense::Present),
        ("emiten", Tense::Present),
        ("emitimos", Tense::Ambiguous),
        ("emitire", Tense::Future),
        ("emitiremos", Tense::Future),
        ("emitira", Tense::Future),
        ("emiti", Tense::Past),
        ("emitio", Tense::Past),
        ("emitido", Tense::Participle),
    ];
    for (w, t) in emitir {
        m.insert(w.to_owned(), (Family::Make, t));
    }
    for (w, t) in [
        ("hace", Tense::Present),
        ("hacen", Tense::Present),
        ("haran", Tense::Future),
    ] {
        m.insert(w.to_owned(), (Family::Make, t));
    }
    m
});

/// Nouns that make "hacer/enviar/pasar" mean paying.
const MONEY_NOUNS: [&str; 38] = [
    "pago",
    "pagos",
    "transferencia",
    "transfe",
    "transferencias",
    "deposito",
    "ingreso",
    "consignacion",
    "abono",
    "bizum",
    "giro",
    "dinero",
    "plata",
    "lana",
    "guita",
    "importe",
    "monto",
    "efectivo",
    "cheque",
    "sinpe",
    "yape",
    "plin",
    "spei",
    "oxxo",
    "nequi",
    "daviplata",
    "pse",
    "efecty",
    "trasferencia",
    "tranferencia",
    "transferecia",
    "transfer",
    "ficha",
    "fondos",
    "abonos",
    "depositos",
    "ingresos",
    "remesa",
];

/// Proofs of payment: sending one is not itself a payment.
const PROOF_NOUNS: [&str; 14] = [
    "comprobante",
    "justificante",
    "captura",
    "voucher",
    "constancia",
    "soporte",
    "recibo",
    "foto",
    "pantallazo",
    "screenshot",
    "ficha",
    "boleta",
    "resguardo",
    "papeleta",
];

/// Objects that make "cancelar" mean paying a debt.
const DEBT_NOUNS: [&str; 9] = [
    "factura", "facturas", "cuenta", "deuda", "saldo", "total", "monto", "valor", "importe",
];

/// Words that turn a following "pago"/"envío"/"depósito" into a noun.
/// "Mercado Pago" and "por pago de" name the service or the noun, not the verb.
const DETERMINERS: [&str; 26] = [
    "el", "un", "del", "al", "su", "mi", "tu", "nuestro", "este", "ese", "otro", "primer",
    "segundo", "ultimo", "cada", "ningun", "de", "dicho", "aquel", "cuyo", "algun", "sin",
    "mercado", "por", "con", "para",
];

/// Object pronouns and particles skipped when looking around a verb.
const PRONOUNS: [&str; 11] = [
    "le", "te", "les", "os", "se", "lo", "la", "los", "las", "me", "nos",
];

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

/// Finds payment statements.
pub(crate) fn statements(
    toks: &[Token<'_>],
    clause: &[usize],
    is_question: &[bool],
    dates: &[DateMention],
) -> Vec<Statement> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Word {
            continue;
        }
        let Some(&(family, mut tense)) = VERBS.get(t.text) else {
            continue;
        };
        let w = |k: usize| toks.get(k).map_or("", |t| t.text);
        let same_clause = |k: usize| clause.get(k) == clause.get(i);
        let prev = if i > 0 { w(i - 1) } else { "" };
        // "pagó", "depositó": the accent tells the preterite from "pago", "deposito".
        if tense == Tense::Present && t.accent_final {
            tense = Tense::Past;
        }
        if matches!(tense, Tense::Present | Tense::Participle) && DETERMINERS.contains(&prev) {
            continue;
        }
        // Look back over pronouns for the governing words.
        let mut k = i;
        let mut back: Vec<&str> = Vec::new();
        while k > 0 && back.len() < 5 {
            k -= 1;
            if !same_clause(k) || toks[k].kind == Kind::Punct {
                break;
            }
            back.push(w(k));
        }
        let before_pronouns: Vec<&str> = back
            .iter()
            .copied()
            .filter(|b| !PRONOUNS.contains(b) && !matches!(*b, "ya" | "a" | "de" | "que"))
            .collect();
        // "me paga el 15", "cuando nos paguen": money coming to the client, not to us.
        let third_person = !t.text.ends_with('o')
            && !t.text.ends_with("mos")
            && !(tense == Tense::Past && t.text.ends_with('e'));
        if third_person && matches!(back.first().copied(), Some("me" | "nos")) {
            continue;
        }
        let mut hedged = tense == Tense::Conditional;
        let mut guessed = false;
        let kind = match tense {
            Tense::Present | Tense::Future | Tense::Conditional => StatementKind::Promise,
            Tense::Past => {
                // "que le pague", "cuando deposite": the -e forms are also subjunctive.
                let subjunctive = t.text.ends_with('e')
                    && !t.accent_final
                    && back
                        .iter()
                        .find(|b| !PRONOUNS.contains(b) && **b != "ya")
                        .is_some_and(|b| {
                            matches!(*b, "que" | "cuando" | "apenas" | "si" | "cuanto")
                        });
                if subjunctive {
                    continue;
                }
                StatementKind::Paid
            }
            Tense::Ambiguous => {
                let ya = back.iter().take(3).any(|b| *b == "ya");
                let past_date = dates.iter().any(|d| {
                    same_clause(d.start) && (d.past || d.rolled_days_ago.is_some_and(|a| a <= 60))
                });
                let future_date = dates.iter().any(|d| {
                    same_clause(d.start) && d.is_future_day() && d.rolled_days_ago.is_none()
                });
                if ya || past_date {
                    StatementKind::Paid
                } else {
                    guessed = !future_date;
                    StatementKind::Promise
                }
            }
            Tense::Participle => {
                let aux = before_pronouns.first().copied().unwrap_or("");
                match aux {
                    "he" | "hemos" | "ha" | "han" | "habia" | "habiamos" | "esta" | "estan"
                    | "quedo" | "quedaron" | "fue" | "fueron" | "sido" | "estaba" | "deje" => {
                        StatementKind::Paid
                    }
                    // "la transferencia realizada hoy": an adjective, so a past payment.
                    _ if MONEY_NOUNS.contains(&prev) => StatementKind::Paid,
                    "estara" | "quedara" | "sera" | "estaran" | "seran" | "tiene" | "tendra"
                    | "tendran" | "tendras" | "tienes" => StatementKind::Promise,
                    // "antes de Navidad lo tiene pagado", "el viernes queda pagado".
                    _ if dates.iter().any(|d| {
                        same_clause(d.start)
                            && d.is_future_day()
                            && d.rolled_days_ago.is_none()
                            && !d.weak
                    }) && !back.contains(&"ya") =>
                    {
                        StatementKind::Promise
                    }
                    // A bare participle ("Pagado.", "ya pagada", "hecha la transferencia")
                    // claims payment; Make/Send still need their money object below.
                    _ => StatementKind::Paid,
                }
            }
            Tense::Infinitive => {
                let gov = before_pronouns.first().copied().unwrap_or("");
                let gov2 = before_pronouns.get(1).copied().unwrap_or("");
                match gov {
                    "voy" | "vamos" | "va" | "van" | "puedo" | "podemos" | "podre" | "podremos"
                    | "pienso" | "pensamos" | "quiero" | "queremos" | "procedo" | "procedemos"
                    | "procedere" | "procederemos" | "debo" | "debemos" | "comprometo"
                    | "comprometemos" | "ire" | "iremos" | "vengo" => StatementKind::Promise,
                    "tengo" | "tenemos" | "poder" => StatementKind::Promise,
                    "espero" | "esperamos" | "intentare" | "intentaremos" | "tratare"
                    | "trataremos" | "intento" | "podria" | "podriamos" | "quisiera"
                    | "quisieramos" | "gustaria" | "puede" | "pueda" | "podamos" => {
                        hedged = true;
                        StatementKind::Promise
                    }
                    "acabo" | "acabamos" | "acaba" => StatementKind::Paid,
                    _ if gov2 == "voy" || gov2 == "vamos" => StatementKind::Promise,
                    _ => continue,
                }
            }
        };
        // Verbs that need an object to mean paying.
        let mut end = i + 1;
        match family {
            Family::Pay => {}
            // "ya quedó cancelada": the debt is the subject.
            Family::Cancel if tense == Tense::Participle && !before_pronouns.is_empty() => {}
            Family::Cancel => {
                let pronoun = back.iter().take(2).any(|b| PRONOUNS.contains(b));
                let object = (i + 1..(i + 4).min(toks.len()))
                    .find(|&k| same_clause(k) && DEBT_NOUNS.contains(&w(k)));
                match (pronoun, object) {
                    (_, Some(o)) => end = o + 1,
                    (true, None) => {}
                    (false, None) => continue,
                }
            }
            // "le mando el comprobante": proof of a payment, read by the lexicon.
            Family::Send
                if (i + 1..(i + 5).min(toks.len())).any(|k| PROOF_NOUNS.contains(&w(k))) =>
            {
                continue;
            }
            // "mañana te lo paso", "se lo mando el viernes": the debt as pronoun; "se lo
            // paso a contabilidad" forwards the invoice instead.
            Family::Send
                if back.first().is_some_and(|b| matches!(*b, "lo" | "la"))
                    && !matches!(w(i + 1), "a" | "al")
                    && tense != Tense::Participle => {}
            Family::Make | Family::Send => {
                let reach = if matches!(t.text, "hace" | "hacen") {
                    3
                } else {
                    5
                };
                let after = (i + 1..(i + reach).min(toks.len())).find(|&k| {
                    same_clause(k)
                        && (MONEY_NOUNS.contains(&w(k))
                            || (family == Family::Send && toks[k].is_num() && toks[k].num >= 10))
                });
                // "hace un rato", "hace dos días": "hace" before a duration means "ago",
                // so only money after it makes it "does".
                let ago = matches!(t.text, "hace" | "hacen");
                let before = (i.saturating_sub(4)..i)
                    .rev()
                    .find(|&k| !ago && same_clause(k) && MONEY_NOUNS.contains(&w(k)));
                match (after, before) {
                    (Some(a), _) => end = a + 1,
                    (None, Some(_)) => {}
                    (None, None) => continue,
                }
            }
        }
        let negated = back
            .iter()
            .take(4)
            .any(|b| matches!(*b, "no" | "nunca" | "tampoco" | "ni" | "jamas" | "sin"));
        let asks = is_question.get(clause[i]).copied().unwrap_or(false)
            && back.iter().take(4).any(|b| {
                matches!(
                    *b,
                    "como" | "donde" | "cuando" | "cuanto" | "cual" | "adonde" | "quien"
                )
            });
        let mut start = i;
        for (n, b) in back.iter().enumerate() {
            if PRONOUNS.contains(b) || *b == "ya" {
                start = i - n - 1;
            } else {
                break;
            }
        }
        out.push(Statement {
            kind: if asks { StatementKind::Asks } else { kind },
            start,
            end,
            clause: clause[i],
            negated,
            hedged,
            guessed,
        });
    }
    out
}
