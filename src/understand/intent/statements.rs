//! Payment statements: a payment verb, its tense read in context (auxiliaries, governing
//! verbs, "ya", days in the same clause), its object when the verb needs one, and negation.
//! One pass over the tokens; the days of each clause are summarised once beforehand.

use super::verbs::{
    DEBT_NOUNS, DETERMINERS, Family, MONEY_NOUNS, PRONOUNS, PROOF_NOUNS, Tense, VERBS,
};
use super::{Statement, StatementKind};
use crate::understand::calendar as cal;
use crate::understand::dates::DateMention;
use crate::understand::normalise::{Kind, Token};

/// What the days of each clause say about tense.
struct ClauseDays {
    /// A past day, or a day-month that passed less than 60 days ago ("pagamos el 10/11"), or
    /// a bare day of this month gone by ("pagadas el día 9" on the 14th).
    past: Vec<bool>,
    /// A future day that did not roll over to next year.
    future: Vec<bool>,
    /// The same, and not a weak "ahora".
    future_firm: Vec<bool>,
    /// A future day other than "hoy": "pagamos hoy" may be done or still to do.
    future_not_today: Vec<bool>,
    /// Every future day of the clause is a weekday named alone ("el lunes", not "el lunes
    /// 30" nor "el próximo lunes"): after a bare participle it is the one just gone
    /// ("Pagada el lunes", said on Tuesday).
    bare_weekday: Vec<bool>,
}

impl ClauseDays {
    fn of(toks: &[Token<'_>], n_clauses: usize, clause: &[usize], dates: &[DateMention]) -> Self {
        let mut d = Self {
            past: vec![false; n_clauses],
            future: vec![false; n_clauses],
            future_firm: vec![false; n_clauses],
            future_not_today: vec![false; n_clauses],
            bare_weekday: vec![true; n_clauses],
        };
        for m in dates {
            let Some(&c) = clause.get(m.start) else {
                continue;
            };
            if c >= n_clauses {
                continue;
            }
            d.past[c] |= m.past || m.rolled_days_ago.is_some_and(|a| a <= 60) || m.month_rolled;
            let future = m.is_future_day() && m.rolled_days_ago.is_none() && !m.month_rolled;
            d.future[c] |= future;
            d.future_firm[c] |= future && !m.weak;
            let w = |k: usize| toks.get(k).map_or("", |t| t.text);
            let today = w(m.start) == "hoy"
                || (w(m.start) == "esta" && matches!(w(m.start + 1), "manana" | "tarde"));
            d.future_not_today[c] |= future && !today;
            let words: Vec<&str> = (m.start..m.end).map(w).filter(|t| *t != "el").collect();
            let weekday =
                matches!(words.as_slice(), [day] if cal::weekday_named(day, false).is_some());
            d.bare_weekday[c] &= !future || weekday;
        }
        d
    }
}

/// The words around one verb.
struct Around<'s> {
    /// Up to five words before it in its clause, nearest first.
    back: Vec<&'s str>,
    /// The same without pronouns and particles: the governing words.
    governing: Vec<&'s str>,
}

/// Finds payment statements.
pub(crate) fn statements(
    toks: &[Token<'_>],
    clause: &[usize],
    is_question: &[bool],
    dates: &[DateMention],
) -> Vec<Statement> {
    let n_clauses = clause.last().map_or(0, |c| c + 1).max(is_question.len());
    let days = ClauseDays::of(toks, n_clauses, clause, dates);
    (0..toks.len())
        .filter_map(|i| statement_at(toks, clause, is_question, &days, i))
        .collect()
}

fn statement_at(
    toks: &[Token<'_>],
    clause: &[usize],
    is_question: &[bool],
    days: &ClauseDays,
    i: usize,
) -> Option<Statement> {
    let t = toks[i];
    if t.kind != Kind::Word {
        return None;
    }
    let &(family, mut tense) = VERBS.get(t.text)?;
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    let prev = if i > 0 { w(i - 1) } else { "" };
    // "pagó", "depositó": the accent tells the preterite from "pago", "deposito".
    if tense == Tense::Present && t.accent_final {
        tense = Tense::Past;
    }
    // "ya se pago", "se mando el deposito": after an impersonal "se", the -o form is the
    // preterite typed without its accent ("se lo pago" has "lo" in between).
    if tense == Tense::Present && t.text.ends_with('o') && i > 0 && toks[i - 1].text == "se" {
        tense = Tense::Past;
    }
    // Rioplatense «ya está paga», «está todo pago», «quedó paga desde el 30»: after "está" or
    // "quedó" the form is an adjective, the invoice paid.
    let estar = |k: usize| ADJECTIVE_AFTER.contains(&w(k));
    if tense == Tense::Present
        && matches!(t.text, "paga" | "pago" | "pagas" | "pagos")
        && (estar(i.wrapping_sub(1))
            || (i >= 2 && matches!(prev, "todo" | "toda" | "todas" | "todos") && estar(i - 2)))
    {
        tense = Tense::Participle;
    }
    // "ya está en proceso", "en un solo pago", "el único pago": a noun after these.
    let noun_after_adjective = matches!(prev, "solo" | "unico" | "mismo")
        && i >= 2
        && matches!(
            w(i - 2),
            "un" | "una" | "el" | "la" | "del" | "al" | "su" | "mi"
        );
    if matches!(tense, Tense::Present | Tense::Participle)
        && (DETERMINERS.contains(&prev) || prev == "en" || noun_after_adjective)
    {
        return None;
    }
    let around = look_back(toks, clause, i);
    // "me paga el 15", "cuando nos paguen": money coming to the client, not to us.
    // "pagó" (accented) is the third person's preterite, "pago" the first's present.
    let first_person = (t.text.ends_with('o') && !(tense == Tense::Past && t.accent_final))
        || t.text.ends_with("mos")
        || (tense == Tense::Past && t.text.ends_with('e'));
    let third_person = !first_person;
    if third_person && matches!(around.back.first().copied(), Some("me" | "nos")) {
        return None;
    }
    let c = clause[i];
    let dated = days.future.get(c).copied().unwrap_or(false);
    if not_the_writers_payment(toks, i, (family, tense), &around, dated)
        || supposed_for_a_request(toks, clause, i, tense, &around, is_question)
    {
        return None;
    }
    let (kind, hedged, guessed) = classify(&t, tense, prev, &around, days, c)?;
    let end = object_end(toks, clause, i, family, tense, &around)?;
    let back = &around.back;
    // "a ver si el viernes puedo pagarle": a hope, in the payment's own clause.
    let hedged = hedged || back.windows(2).any(|p| p == ["si", "ver"]);
    let negator = |b: &&str| matches!(*b, "no" | "nunca" | "tampoco" | "ni" | "jamas" | "sin");
    // Four words back; or further through clitics and carrying verbs ("no te lo voy a poder
    // pagar"), not past another verb ("no te preocupes que te pago").
    let negated = back.iter().take(4).any(negator)
        || back
            .iter()
            .find(|b| !PRONOUNS.contains(b) && !CARRIERS.contains(b))
            .is_some_and(negator);
    let asks = is_question.get(c).copied().unwrap_or(false)
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
    Some(Statement {
        kind: if asks { StatementKind::Asks } else { kind },
        start,
        end,
        clause: c,
        negated,
        hedged,
        guessed,
    })
}

/// The words before token `i` in its clause, for the governing verb and the pronouns.
fn look_back<'s>(toks: &[Token<'s>], clause: &[usize], i: usize) -> Around<'s> {
    let mut back: Vec<&str> = Vec::new();
    let mut k = i;
    // Five words, clitics not counted ("no te lo voy a poder pagar").
    let mut words = 0;
    while k > 0 && words < 5 {
        k -= 1;
        if clause.get(k) != clause.get(i) || toks[k].kind == Kind::Punct {
            break;
        }
        back.push(toks[k].text);
        words += usize::from(!PRONOUNS.contains(&toks[k].text));
    }
    let governing = back
        .iter()
        .copied()
        .filter(|b| !PRONOUNS.contains(b) && !matches!(*b, "ya" | "a" | "de" | "que"))
        .collect();
    Around { back, governing }
}

/// A payment form that states nothing of the writer's: "ya veré cuándo pago" (left open),
/// "el pago lo hace mi empresa" (someone else's), "Dios le pague" (thanks), "si ya la ha
/// pagado" ([`hypothetical_payment`]), «la paga mi socio» with no day in its clause
/// (`dated`: [`who_pays`]).
fn not_the_writers_payment(
    toks: &[Token<'_>],
    i: usize,
    (family, tense): (Family, Tense),
    around: &Around<'_>,
    dated: bool,
) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    let left_open = around.back.first() == Some(&"cuando")
        && around.back.get(1).is_some_and(|b| {
            matches!(
                *b,
                "vere" | "veremos" | "sabre" | "sabremos" | "se" | "sabemos" | "ver"
            )
        });
    // «el pago lo hace mi empresa»; «… lo hace el área de cuentas por pagar» unless a day
    // is said with it («el pago lo hace el lunes»).
    let someone_elses = family == Family::Make
        && matches!(
            w(i),
            "hace" | "hacen" | "realiza" | "realizan" | "efectua" | "efectuan"
        )
        && (POSSESSIVES.contains(&w(i + 1))
            || !dated
                && matches!(around.back.first().copied(), Some("lo" | "la"))
                && matches!(w(i + 1), "el" | "la" | "los" | "las"));
    let thanks = around.back.iter().take(3).any(|b| *b == "dios");
    left_open
        || someone_elses
        || thanks
        || hypothetical_payment(toks, i, tense, around)
        || (!dated && who_pays(toks, i, family, tense, &around.back))
}

/// The possessives that make the noun after a payment verb its subject («el pago lo hace mi
/// empresa», «la paga mi socio»).
const POSSESSIVES: [&str; 8] = [
    "mi", "mis", "su", "sus", "nuestra", "nuestro", "nuestros", "nuestras",
];

/// «La factura la paga mi socio», «esto lo paga el seguro», «las paga mi empresa»: who pays,
/// not when. A third person's present with its subject after it (a possessive, or an article
/// once a clitic has given the object: «la paga la gestoría», not «paga la factura»). With a
/// day in its clause it is that person's promise («la paga mi socio el viernes»).
fn who_pays(toks: &[Token<'_>], i: usize, family: Family, tense: Tense, back: &[&str]) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    let clitic = matches!(back.first().copied(), Some("lo" | "la" | "los" | "las"));
    family == Family::Pay
        && tense == Tense::Present
        && !toks[i].accent_final
        && (w(i).ends_with('a') || w(i).ends_with("an"))
        && (POSSESSIVES.contains(&w(i + 1))
            || (clitic && matches!(w(i + 1), "el" | "la" | "los" | "las")))
}

/// «¿Me pueden condonar los intereses si pago hoy?», «Si pago el viernes, ¿me quitan el
/// recargo?»: a payment supposed, the condition of a question (probe31b C04: read as a
/// promise for today, the request never reached a person). Only beside a question: «si le
/// pago el viernes» alone is a «sí» typed without its accent.
fn supposed_for_a_request(
    toks: &[Token<'_>],
    clause: &[usize],
    i: usize,
    tense: Tense,
    around: &Around<'_>,
    is_question: &[bool],
) -> bool {
    const CONCESSIONS: [&str; 9] = [
        "condon", "quit", "perdon", "descuent", "rebaj", "bonific", "elimin", "anul", "exoner",
    ];
    if matches!(tense, Tense::Past | Tense::Participle) {
        return false;
    }
    let c = clause[i];
    let asked = |k: usize| is_question.get(k).copied().unwrap_or(false);
    let first_word = around.back.iter().position(|b| !PRONOUNS.contains(b));
    // What is asked in return: «¿le parece bien si le pago el 30?» proposes the payment itself.
    let in_return = toks.iter().enumerate().any(|(k, t)| {
        clause.get(k).is_some_and(|&q| q + 1 >= c && q <= c + 1)
            && CONCESSIONS.iter().any(|w| t.text.starts_with(w))
    });
    first_word.is_some_and(|n| around.back[n] == "si" && !toks[i - 1 - n].accent_final)
        && (asked(c) || asked(c + 1))
        && in_return
}

/// "Si ya la ha pagado, le rogamos...", "si ya lo pagó, ignore este aviso": a payment
/// supposed, not claimed (what a reminder says, so a quote that slips through says it too).
/// An unaccented "si" before a past payment by someone else than the writer; "si, ya lo
/// pagué" and "sí, ya lo hemos pagado" are the writer saying yes.
fn hypothetical_payment(toks: &[Token<'_>], i: usize, tense: Tense, around: &Around<'_>) -> bool {
    if !matches!(tense, Tense::Past | Tense::Participle) {
        return false;
    }
    let supposed = around
        .back
        .iter()
        .enumerate()
        .any(|(n, b)| *b == "si" && !toks[i - 1 - n].accent_final);
    let writer = around
        .back
        .iter()
        .any(|b| matches!(*b, "he" | "hemos" | "habia" | "habiamos"))
        || (tense == Tense::Past && {
            // "pagué", "transferí", "pagamos"; not "pagaste" (the reader).
            let v = toks[i].text;
            (v.ends_with('e') || v.ends_with('i') || v.ends_with("mos")) && !v.ends_with("ste")
        });
    supposed && !writer
}

/// Verbs and words between a "no" and the payment verb they carry ("no voy a poder pagar").
const CARRIERS: [&str; 14] = [
    "voy",
    "vamos",
    "va",
    "van",
    "a",
    "poder",
    "puedo",
    "podemos",
    "podre",
    "podremos",
    "podria",
    "podriamos",
    "pienso",
    "pensamos",
];

/// Promise or paid, from the tense and its context; `None` when the form is not a statement
/// ("que le pague", a bare infinitive). Also says whether it is hedged or its tense guessed.
fn classify(
    t: &Token<'_>,
    tense: Tense,
    prev: &str,
    around: &Around<'_>,
    days: &ClauseDays,
    c: usize,
) -> Option<(StatementKind, bool, bool)> {
    let back = &around.back;
    let at = |v: &Vec<bool>| v.get(c).copied().unwrap_or(false);
    let kind = match tense {
        Tense::Present | Tense::Future => StatementKind::Promise,
        Tense::Conditional => return Some((StatementKind::Promise, true, false)),
        Tense::Past => {
            // "que le pague", "cuando deposite": the -e forms are also subjunctive; after
            // "puede que", "ojalá", "quizás" they are a hedged promise.
            // "hice" is only a preterite (the subjunctive is "haga").
            let unaccented_e = t.text.ends_with('e') && !t.accent_final && t.text != "hice";
            let trigger = back
                .iter()
                .position(|b| matches!(*b, "que" | "cuando" | "apenas" | "si" | "cuanto"))
                // "que ya le pague": "ya" marks the preterite, typed without its accent.
                .filter(|&p| !back[..p].contains(&"ya"))
                .map(|p| (back[p], back.get(p + 1).copied().unwrap_or("")));
            let maybe = back
                .iter()
                .any(|b| matches!(*b, "ojala" | "quizas" | "quiza" | "vez"));
            match trigger {
                Some(("que", "puede" | "posible" | "probable")) if unaccented_e => {
                    return Some((StatementKind::Promise, true, false));
                }
                Some(_) if unaccented_e => return None,
                _ if unaccented_e && maybe => return Some((StatementKind::Promise, true, false)),
                _ => {}
            }
            StatementKind::Paid
        }
        Tense::Ambiguous => {
            let ya = back.iter().take(3).any(|b| *b == "ya");
            if ya || at(&days.past) {
                StatementKind::Paid
            } else {
                return Some((StatementKind::Promise, false, !at(&days.future_not_today)));
            }
        }
        // "pagado hoy" is done: a day to come is one after today.
        // "Pagada el lunes" (a bare participle, said on Tuesday): the Monday gone by.
        Tense::Participle => participle_kind(
            prev,
            around,
            at(&days.future_firm)
                && at(&days.future_not_today)
                && !(around.governing.is_empty() && at(&days.bare_weekday)),
        ),
        Tense::Infinitive => return infinitive_kind(&around.governing),
    };
    Some((kind, false, false))
}

/// The verbs after which «paga», «pago» are adjectives: «está paga», «quedó paga».
const ADJECTIVE_AFTER: [&str; 6] = ["esta", "estan", "quedo", "quedaron", "estaba", "estaban"];

/// "he pagado", "está pagada" are paid; "estará pagado", "el viernes queda pagado" promise.
fn participle_kind(prev: &str, around: &Around<'_>, firm_future_day: bool) -> StatementKind {
    let aux = around.governing.first().copied().unwrap_or("");
    let later = firm_future_day && !around.back.contains(&"ya");
    match aux {
        // "antes de fin de mes está pagado": it will be, by then.
        "esta" | "estan" if later => StatementKind::Promise,
        "he" | "hemos" | "ha" | "han" | "habia" | "habiamos" | "esta" | "estan" | "quedo"
        | "quedaron" | "fue" | "fueron" | "sido" | "estaba" | "deje" => StatementKind::Paid,
        // "tendrá la transferencia hecha": a future of "tener" or "estar" before the money
        // and its participle is a result to come.
        _ if MONEY_NOUNS.contains(&prev)
            && around
                .governing
                .iter()
                .skip(1)
                .take(2)
                .any(|g| FUTURE_HAVE.contains(g)) =>
        {
            StatementKind::Promise
        }
        // "la transferencia realizada hoy": an adjective, so a past payment.
        _ if MONEY_NOUNS.contains(&prev) => StatementKind::Paid,
        "estara" | "quedara" | "sera" | "estaran" | "seran" | "tiene" | "tendra" | "tendran"
        | "tendras" | "tienes" | "teneis" | "tenes" | "tendreis" => StatementKind::Promise,
        // "antes de Navidad lo tiene pagado", "el viernes queda pagado".
        _ if later => StatementKind::Promise,
        // A bare participle ("Pagado.", "ya pagada", "hecha la transferencia") claims
        // payment; Make/Send still need their money object.
        _ => StatementKind::Paid,
    }
}

/// Futures of "tener" and "quedar" that make a participle a result to come ("tendrá la
/// transferencia hecha", "quedará el pago realizado").
const FUTURE_HAVE: [&str; 8] = [
    "tendra",
    "tendran",
    "tendras",
    "tendreis",
    "tendre",
    "tendremos",
    "quedara",
    "quedaran",
];

/// An infinitive needs a governing verb: "voy a pagar", "espero pagarle", "acabo de pagar".
fn infinitive_kind(governing: &[&str]) -> Option<(StatementKind, bool, bool)> {
    let gov = governing.first().copied().unwrap_or("");
    let gov2 = governing.get(1).copied().unwrap_or("");
    let promise = Some((StatementKind::Promise, false, false));
    match gov {
        "voy" | "vamos" | "va" | "van" | "puedo" | "podemos" | "podre" | "podremos" | "pienso"
        | "pensamos" | "quiero" | "queremos" | "procedo" | "procedemos" | "procedere"
        | "procederemos" | "debo" | "debemos" | "comprometo" | "comprometemos" | "ire"
        | "iremos" | "vengo" | "tengo" | "tenemos" | "poder" | "vuelvo" | "volvemos"
        | "volvere" | "volveremos" | "estoy" | "estamos" | "estare" | "estaremos" => promise,
        // "déjame pagarte el lunes": asked, as a promise that waits for a yes.
        "dejame" | "dejeme" | "dejenme" | "permitame" | "permiteme" | "permitanme" => {
            Some((StatementKind::Promise, true, false))
        }
        "espero" | "esperamos" | "intentare" | "intentaremos" | "tratare" | "trataremos"
        | "intento" | "podria" | "podriamos" | "quisiera" | "quisieramos" | "gustaria"
        | "puede" | "pueda" | "podamos" => Some((StatementKind::Promise, true, false)),
        // "haré lo posible por pagarle el viernes".
        "por" | "para" if gov2 == "posible" => Some((StatementKind::Promise, true, false)),
        "acabo" | "acabamos" | "acaba" => Some((StatementKind::Paid, false, false)),
        _ if gov2 == "voy" || gov2 == "vamos" => promise,
        _ => None,
    }
}

/// A number that can be a sum of money: 10 or more, or written with thousands ("2.000").
fn is_sum(toks: &[Token<'_>], k: usize) -> bool {
    toks[k].is_num() && (toks[k].num >= 10 || thousands(toks, k))
}

/// "2.000", "1,500": the number at `k` goes on with a separator and three digits.
fn thousands(toks: &[Token<'_>], k: usize) -> bool {
    toks.get(k + 1)
        .is_some_and(|t| t.glued && matches!(t.text, "." | ","))
        && toks.get(k + 2).is_some_and(|t| t.glued && t.is_num())
}

/// What one cancels without paying it: a service, a contract, an order.
const CANCELLED_NOT_PAID: [&str; 10] = [
    "servicio",
    "servicios",
    "contrato",
    "suscripcion",
    "pedido",
    "poliza",
    "orden",
    "linea",
    "reserva",
    "plan",
];

/// A participle governed by a verb, not after "haber" («ya quedó cancelada», not «ya habíamos
/// cancelado el servicio»: probe29, a dispute read as paid; that active verb's object decides).
fn passive(tense: Tense, around: &Around<'_>) -> bool {
    tense == Tense::Participle && around.governing.first().is_some_and(|g| !HABER.contains(g))
}

/// The forms of "haber" that make a compound tense («hemos cancelado»).
const HABER: [&str; 24] = [
    "he",
    "has",
    "ha",
    "hemos",
    "habeis",
    "han",
    "habia",
    "habias",
    "habiamos",
    "habiais",
    "habian",
    "hube",
    "hubo",
    "hubimos",
    "habre",
    "habra",
    "habremos",
    "habran",
    "haya",
    "hayamos",
    "hayan",
    "hubiera",
    "hubieramos",
    "hubieran",
];

/// [`object_end`] of "cancelar": paying with a pronoun or a debt as object.
fn cancel_object_end(
    toks: &[Token<'_>],
    clause: &[usize],
    i: usize,
    back: &[&str],
) -> Option<usize> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    // «Ese servicio lo cancelamos hace meses»: the pronoun stands for what was cancelled.
    let pronoun = back.iter().take(2).any(|b| PRONOUNS.contains(b))
        && !back.iter().take(3).any(|b| CANCELLED_NOT_PAID.contains(b));
    let object = (i + 1..(i + 4).min(toks.len()))
        .find(|&k| clause.get(k) == clause.get(i) && DEBT_NOUNS.contains(&w(k)))
        .or_else(|| numbered_object(toks, clause, i));
    match (pronoun, object) {
        (_, Some(o)) => Some(o + 1),
        (true, None) => Some(i + 1),
        (false, None) => None,
    }
}

/// «Ya cancelamos la CO-2026-318»: an invoice named by its number right after the verb or its
/// article is a debt too («cancelamos el pedido 4521» is not). Its position, if so.
fn numbered_object(toks: &[Token<'_>], clause: &[usize], i: usize) -> Option<usize> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    let article = usize::from(matches!(w(i + 1), "la" | "el" | "las" | "los"));
    let digits = |k: usize| w(k).chars().any(|c| c.is_ascii_digit());
    // "co-2026-318" comes as "co", "-", "2026"...: glued to what follows.
    let glued = |k: usize| toks.get(k).is_some_and(|t| t.glued);
    Some(i + 1 + article).filter(|&k| {
        clause.get(k) == clause.get(i)
            && (digits(k) || (1..=2).any(|n| (1..=n).all(|j| glued(k + j)) && digits(k + n)))
    })
}

/// Where the statement ends: after the verb, or after the money or debt it needs as object
/// ("hago la transferencia", "cancelo la factura"); `None` when that object is missing.
fn object_end(
    toks: &[Token<'_>],
    clause: &[usize],
    i: usize,
    family: Family,
    tense: Tense,
    around: &Around<'_>,
) -> Option<usize> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    let same_clause = |k: usize| clause.get(k) == clause.get(i);
    let back = &around.back;
    let text = toks[i].text;
    match family {
        Family::Pay => Some(i + 1),
        // "ya quedó cancelada": the debt is the subject.
        Family::Cancel if passive(tense, around) => Some(i + 1),
        Family::Cancel => cancel_object_end(toks, clause, i, back),
        // Rioplatense and Chilean "te giro", "le giré": with a dative pronoun right before
        // it and no object after it, girar is paying; with an object ("le giro su consulta",
        // "te giro la plata") the object decides, as for "mandar".
        Family::Send
            if text.starts_with("gir")
                && back
                    .first()
                    .is_some_and(|b| matches!(*b, "te" | "le" | "les" | "os"))
                && !OBJECT_STARTS.contains(&w(i + 1)) =>
        {
            Some(i + 1)
        }
        // "le mando el comprobante": proof of a payment, read by the lexicon.
        Family::Send if (i + 1..(i + 5).min(toks.len())).any(|k| PROOF_NOUNS.contains(&w(k))) => {
            None
        }
        // "ahorita se lo mando" after "se me olvidó mandarle el comprobante": the proof.
        Family::Send
            if back.first().is_some_and(|b| matches!(*b, "lo" | "la"))
                && proof_named_last(toks, i) =>
        {
            None
        }
        // "mañana te lo paso", "se lo mando el viernes": the debt as pronoun; "se lo paso a
        // contabilidad" forwards the invoice instead.
        // "150 pavos te los paso el viernes": a plural pronoun for a sum named before it;
        // "las otras dos te las paso el 5", "te los paso el 5": for the invoices, unless
        // documents were named last ("los comprobantes te los paso mañana").
        Family::Send if pronoun_for_the_debt(toks, clause, i, back, tense) => Some(i + 1),
        // "el lunes le mando lo que falta / el resto / la mitad": the rest of the debt, a share.
        Family::Send if rest_of_debt(toks, i).is_some() => rest_of_debt(toks, i),
        // "todavía no he pagado, lo haré el lunes": "lo" is the payment named before it;
        // before the governing verb too ("me la devolvieron; la vuelvo a hacer mañana").
        Family::Make
            if (back.first().is_some_and(|b| matches!(*b, "lo" | "la"))
                || tense == Tense::Infinitive
                    && back.iter().take(3).any(|b| matches!(*b, "lo" | "la")))
                && tense != Tense::Participle
                && payment_named_before(toks, i) =>
        {
            Some(i + 1)
        }
        Family::Make | Family::Send => {
            // "hace un rato", "hace dos días": "hace" before a duration means "ago", so only
            // money right after it makes it "does".
            let ago = matches!(text, "hace" | "hacen");
            let reach = if ago { 3 } else { 5 };
            let after = (i + 1..(i + reach).min(toks.len())).find(|&k| {
                same_clause(k)
                    && (MONEY_NOUNS.contains(&w(k)) || (family == Family::Send && is_sum(toks, k)))
            });
            // "el pago de la factura N° 0045 se realizará", "el pago de las facturas PE-2201 y
            // PE-2214 se realizará", "el pago de la factura N° 3321 será realizado": the
            // passive's subject may be further back.
            let passive = back.first().is_some_and(|b| {
                matches!(
                    *b,
                    "se" | "sera" | "seran" | "fue" | "fueron" | "sido" | "quedara" | "quedaran"
                )
            });
            let reach_back = if passive { 16 } else { 4 };
            let before = (i.saturating_sub(reach_back)..i)
                .rev()
                .any(|k| !ago && same_clause(k) && MONEY_NOUNS.contains(&w(k)));
            match (after, before) {
                (Some(a), _) if thousands(toks, a) => Some(a + 3),
                (Some(a), _) => Some(a + 1),
                (None, true) => Some(i + 1),
                (None, false) => None,
            }
        }
    }
}

/// Whether the last money or proof noun before token `i` (within 15 tokens) is a proof.
fn proof_named_last(toks: &[Token<'_>], i: usize) -> bool {
    toks[i.saturating_sub(15)..i]
        .iter()
        .rev()
        .find(|t| MONEY_NOUNS.contains(&t.text) || PROOF_NOUNS.contains(&t.text))
        .is_some_and(|t| PROOF_NOUNS.contains(&t.text) && !MONEY_NOUNS.contains(&t.text))
}

/// See `object_end`: «te lo paso», «te los paso» with the debt as the pronoun.
fn pronoun_for_the_debt(
    toks: &[Token<'_>],
    clause: &[usize],
    i: usize,
    back: &[&str],
    tense: Tense,
) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    let same_clause = |k: usize| clause.get(k) == clause.get(i);
    (back.first().is_some_and(|b| matches!(*b, "lo" | "la"))
        || back.first().is_some_and(|b| matches!(*b, "los" | "las"))
            && ((i.saturating_sub(6)..i)
                .any(|k| same_clause(k) && (is_sum(toks, k) || MONEY_NOUNS.contains(&w(k))))
                || !documents_named_last(toks, i)))
        && !matches!(w(i + 1), "a" | "al")
        && tense != Tense::Participle
        && !(tense == Tense::Past && w(i).ends_with('e') && handed_on_inside(toks, i))
}

/// «Eso lo lleva contabilidad, ya se lo pasé»: a part of the client's own firm named just
/// before the writer's own past «se lo pasé / mandé / envié» is who the matter went to, not us
/// (probe31 W02: read as paid, the client was thanked for a payment and asked for its
/// reference). «Ya se lo pasé» alone stays paid, and so does «contabilidad ya se lo pasó».
fn handed_on_inside(toks: &[Token<'_>], i: usize) -> bool {
    const INSIDE: [&str; 17] = [
        "contabilidad",
        "administracion",
        "tesoreria",
        "finanzas",
        "contador",
        "contadora",
        "contable",
        "jefe",
        "jefa",
        "gerente",
        "gerencia",
        "compras",
        "direccion",
        "socio",
        "socia",
        "encargado",
        "encargada",
    ];
    (i.saturating_sub(12)..i).any(|k| toks.get(k).is_some_and(|t| INSIDE.contains(&t.text)))
}

/// Whether the last money, proof or document noun before token `i` (within 15 tokens), in
/// the singular or the plural, is a proof or a document: what a plural pronoun ("te los paso")
/// then stands for.
fn documents_named_last(toks: &[Token<'_>], i: usize) -> bool {
    const DOCUMENTS: [&str; 7] = [
        "datos",
        "documentos",
        "papeles",
        "archivos",
        "adjuntos",
        "pdf",
        "pdfs",
    ];
    let document = |w: &str| {
        DOCUMENTS.contains(&w)
            || [
                w,
                w.strip_suffix('s').unwrap_or(w),
                w.strip_suffix("es").unwrap_or(w),
            ]
            .iter()
            .any(|s| PROOF_NOUNS.contains(s))
    };
    toks[i.saturating_sub(15)..i]
        .iter()
        .rev()
        .find(|t| MONEY_NOUNS.contains(&t.text) || document(t.text))
        .is_some_and(|t| !MONEY_NOUNS.contains(&t.text))
}

/// "lo que falta", "el resto" right after a sending verb: the end of that object.
fn rest_of_debt(toks: &[Token<'_>], i: usize) -> Option<usize> {
    let w = |k: usize| toks.get(k).map_or("", |t| t.text);
    if w(i + 1) == "lo"
        && w(i + 2) == "que"
        && matches!(w(i + 3), "falta" | "queda" | "resta" | "debo" | "debemos")
    {
        return Some(i + 4);
    }
    // "te mando la mitad", "le mando la otra mitad": a share of the debt.
    if w(i + 1) == "la" && w(i + 2) == "otra" && matches!(w(i + 3), "mitad" | "parte") {
        return Some(i + 4);
    }
    if w(i + 1) == "la" && w(i + 2) == "mitad" {
        return Some(i + 3);
    }
    (matches!(w(i + 1), "el" | "lo")
        && matches!(w(i + 2), "resto" | "restante" | "saldo" | "demas"))
    .then_some(i + 3)
}

/// Whether a payment was named before token `i` (a money noun, or a paying or making verb).
fn payment_named_before(toks: &[Token<'_>], i: usize) -> bool {
    toks[..i.saturating_sub(1)].iter().any(|t| {
        MONEY_NOUNS.contains(&t.text)
            || VERBS
                .get(t.text)
                .is_some_and(|(f, _)| matches!(f, Family::Pay | Family::Make))
    })
}

/// Words that open an object after "te giro" ("le giro su consulta", "te giro la plata"):
/// the object then decides whether it is a payment.
const OBJECT_STARTS: [&str; 14] = [
    "su", "sus", "tu", "tus", "el", "la", "los", "las", "este", "esta", "un", "una", "a", "al",
];
