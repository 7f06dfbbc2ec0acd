//! After the days are found: negations, corrections, references to documents and places,
//! alternatives and past markers, read from the words around each day.

use super::{DateMention, Parser};

impl Parser<'_, '_> {
    /// True when token `i` is a preterite by its final accent: "llegó", "recibí", "mandé"
    /// (not the futures "pagaré", "estaré", nor "aquí", "allí").
    pub(super) fn preterite(&self, i: usize) -> bool {
        let Some(t) = self.t.get(i) else {
            return false;
        };
        let w = t.text;
        t.accent_final
            && w.len() >= 4
            && (w.ends_with('o')
                || (w.ends_with('e') && !w.ends_with("re"))
                || (w.ends_with('i') && !matches!(w, "aqui" | "alli" | "ahi" | "asi")))
    }

    /// "la recibí el lunes" (right before), "pagué la mitad el lunes" (a payment verb among
    /// the three words before `start`, in the same part of the sentence; "quedé con el
    /// banco el lunes" arranges a day to come).
    fn preterite_before(&self, start: usize) -> bool {
        const PAYING: [&str; 10] = [
            "pag", "transf", "trasf", "deposit", "ingres", "abon", "hic", "mand", "envi", "consign",
        ];
        (1..=3.min(start))
            .map(|b| start - b)
            .take_while(|&i| {
                !matches!(
                    self.w(i),
                    "," | "." | ";" | ":" | "\n" | "y" | "pero" | "sino" | "que" | "porque"
                )
            })
            .any(|i| {
                let paying = PAYING.iter().any(|p| self.w(i).starts_with(p));
                self.preterite(i) && (i + 1 == start || paying) || paying && self.ya_preterite(i)
            })
    }

    /// «ya pagamos», «ya les transferimos»: "ya" makes the "-amos"/"-imos" form, present and
    /// preterite alike, the preterite.
    fn ya_preterite(&self, i: usize) -> bool {
        let w = self.w(i);
        let clitic =
            |k: usize| matches!(self.w(k), "le" | "les" | "te" | "os" | "se" | "lo" | "la");
        (w.ends_with("amos") || w.ends_with("imos"))
            && (i >= 1 && self.w(i - 1) == "ya"
                || i >= 2 && clitic(i - 1) && self.w(i - 2) == "ya"
                || i >= 3 && clitic(i - 1) && clitic(i - 2) && self.w(i - 3) == "ya")
    }

    /// "el martes me es imposible", "el viernes no puedo", "el 15 no llego": the words after
    /// a day rule it out (up to a comma or the end of the clause).
    fn ruled_out_after(&self, end: usize) -> bool {
        // "el lunes porque el viernes no puedo": a reason starts a new part; so does a new
        // sentence ("¿te puedo pagar el lunes? Hoy no llego al banco").
        // "te pago el lunes, que ahora no puedo": the reason is about now, not the day.
        // "te lo pago el jueves, que hoy no llego": so does a reason about another day.
        let reason_now = |i: usize| {
            matches!(self.w(i), "que" | "q")
                && matches!(self.w(i + 1), "ahora" | "ahorita" | "hoy" | "manana")
        };
        let words: Vec<&str> = (end..end + 5)
            .take_while(|&i| !reason_now(i))
            .map(|i| self.w(i))
            .take_while(|w| {
                !matches!(
                    *w,
                    "" | ","
                        | "."
                        | ";"
                        | "\n"
                        | "?"
                        | "!"
                        | "¿"
                        | "¡"
                        | "y"
                        | "pero"
                        | "sino"
                        | "porque"
                        | "pues"
                        | "ya"
                )
            })
            .collect();
        // "mañana es feriado", "el lunes es fiesta": a day closed is a reason, not the day.
        let closed = words.windows(2).any(|p| {
            matches!(p[0], "es" | "sera" | "cae")
                && matches!(
                    p[1],
                    "feriado" | "festivo" | "fiesta" | "inhabil" | "puente"
                )
        });
        words.contains(&"imposible")
            || closed
            || words.windows(2).any(|p| {
                p[0] == "no"
                    && matches!(
                        p[1],
                        "puedo"
                            | "podemos"
                            | "podre"
                            | "podremos"
                            | "llego"
                            | "llegamos"
                            | "llegare"
                            | "alcanzo"
                            | "alcanzamos"
                            | "voy"
                            | "vamos"
                            | "me"
                            | "nos"
                            | "va"
                            | "sera"
                            | "es"
                            | "puede"
                    )
            })
    }

    /// "no llego al 15", "en vez del lunes", "no será el viernes", "lo del lunes": the words
    /// before a day rule it out.
    fn ruled_out_before(&self, start: usize) -> bool {
        let back = |n: usize| if start >= n { self.w(start - n) } else { "" };
        let replaced = (back(2) == "en" && matches!(back(1), "vez" | "lugar"))
            || (back(3) == "en" && matches!(back(2), "vez" | "lugar") && back(1) == "de");
        let missed = back(2) == "no"
            && matches!(
                back(1),
                "llego"
                    | "llegamos"
                    | "llegare"
                    | "alcanzo"
                    | "alcanzamos"
                    | "sera"
                    | "es"
                    | "puedo"
                    | "podemos"
                    | "fue"
                    | "era"
                    | "dije"
                    | "dijimos"
                    | "dijo"
            );
        // "lo del lunes lo pasamos al viernes", "lo de mañana no va a poder ser".
        let the_old_one = back(1) == "lo" && matches!(self.w(start), "del" | "de");
        replaced || missed || the_old_one
    }

    /// Marks negations, corrections, references, alternatives and past markers.
    pub(super) fn annotate(&self, ms: &mut [DateMention]) {
        for m in ms.iter_mut() {
            let after = self.w(m.end);
            // "el viernes no (puedo)"; "el viernes no falla" is Mexican for "surely".
            // "de mañana no pasa": no later than that day.
            if after == "no" && !matches!(self.w(m.end + 1), "falla" | "falta" | "pasa" | "pasara")
            {
                m.negated = true;
            }
            if self.ruled_out_after(m.end) || self.ruled_out_before(m.start) {
                m.negated = true;
            }
            // "hasta el lunes no tengo", "no puedo hasta el lunes", "no será antes del 15":
            // the day the client can pay from.
            // «hasta después de Reyes no puedo»: «hasta» before «después de».
            let head = match self.w(m.start) {
                "despues" if m.start > 0 && self.w(m.start - 1) == "hasta" => "hasta",
                w => w,
            };
            if (head == "hasta"
                && (self.cannot_pay_after(m.end)
                    || self.negated_before(m.start)
                    || self.can_pay_after(m.end)))
                || (head == "antes" && self.negated_before(m.start))
            {
                m.negated = false;
                m.from_on = true;
            } else if head == "antes" && self.cannot_pay_after(m.end) {
                // "antes del 15 no puedo": from the 15th, not the day before it.
                m.negated = false;
                m.from_on = true;
                if !m.period {
                    m.date = m.date.map(|d| crate::understand::calendar::add_days(d, 1));
                }
            }
            // "hasta diciembre no tengo", "¿me espera hasta enero?", "no será antes de la
            // semana que viene": the client can start paying when the period starts, so its
            // first day is promised (one day, vague), never its last.
            if (head == "hasta" || m.from_on)
                && let Some((first, _)) = m.range
            {
                m.date = Some(first);
                m.range = None;
                m.vague = true;
            }
            if matches!(after, "pasado" | "pasada") {
                m.past = true;
            }
            // "el pedido llegó el viernes", "la recibí el lunes": a preterite right next to
            // the day puts it in the past.
            // «el pago se programó para el 11», «quedó para el viernes»: a day something was
            // set for is ahead, whatever the tense of the setting.
            if (head != "para" && self.preterite_before(m.start)) || self.preterite(m.end) {
                m.past = true;
            }
            let before = |back: usize| self.word_before(m.start, back);
            // "no el viernes, sino el lunes"; "no, el lunes" answers us and negates nothing.
            if before(1) == "no" {
                m.negated = true;
            }
            if matches!(before(1), "mejor" | "sino" | "digo" | "decir" | "sea")
                || matches!(before(2), "mejor" | "decir" | "sino")
                || (before(2) == "o" && before(1) == "sea")
            {
                m.preferred = true;
            }
            // "está abonada desde el día 10", "pagado desde el lunes": since a day gone, not
            // the next one.
            if before(1) == "desde" {
                m.past = true;
            }
            // "¡Feliz Navidad!", "buen lunes", "feliz año nuevo": a wish, not a day to pay.
            if self.names_a_document_or_place(m.start)
                || matches!(
                    before(1),
                    "feliz"
                        | "felices"
                        | "buen"
                        | "buena"
                        | "buenos"
                        | "buenas"
                        | "bonito"
                        | "bonita"
                        | "lindo"
                        | "linda"
                        | "prospero"
                        | "excelente"
                        | "gran"
                )
            {
                m.reference = true;
            }
        }
        self.mark_alternatives(ms);
        self.mark_second_thoughts(ms);
        self.mark_joined_to_ruled_out(ms);
    }

    /// "mañana es feriado y el miércoles también", "el lunes no puedo y el martes tampoco": a
    /// day joined to one ruled out shares its fate.
    fn mark_joined_to_ruled_out(&self, ms: &mut [DateMention]) {
        for k in 1..ms.len() {
            let gap = ms[k - 1].end..ms[k].start;
            let joined = gap.len() <= 6
                && self.word_before(ms[k].start, 1) == "y"
                && !gap
                    .clone()
                    .any(|i| matches!(self.w(i), "." | ";" | "\n" | "pero" | "sino"))
                && matches!(self.w(ms[k].end), "tambien" | "tampoco");
            if joined && ms[k - 1].negated {
                ms[k].negated = true;
            }
        }
    }

    /// A day after another one, introduced by "bueno" ("le pago el jueves, bueno, el viernes
    /// 27", "mañana, bueno no, pasado mañana"), replaces it; "el 27, que es quincena" only
    /// describes the day before it.
    fn mark_second_thoughts(&self, ms: &mut [DateMention]) {
        for k in 1..ms.len() {
            let start = ms[k].start;
            let words: Vec<&str> = (ms[k - 1].end..start)
                .rev()
                .map(|i| self.w(i))
                .filter(|w| !matches!(*w, "," | "." | "..." | "…" | ";" | "-"))
                .take(2)
                .collect();
            // "el lunes 6, bueno no, que es fiesta, el martes": "bueno" opens a short aside.
            let gap: Vec<&str> = (ms[k - 1].end..start)
                .map(|i| self.w(i))
                .filter(|w| !matches!(*w, "," | "." | "..." | "…" | ";" | "-"))
                .collect();
            let aside = gap.len() <= 6 && gap.first() == Some(&"bueno");
            if aside || matches!(words.as_slice(), ["bueno", ..] | ["no", "bueno"]) {
                ms[k].preferred = true;
            }
            if matches!(words.as_slice(), ["es" | "cae" | "seria", "que"]) {
                ms[k].reference = true;
            }
        }
    }

    /// "no (puedo / tengo / será) hasta el lunes": a "no" among the four words before
    /// `start`, with only words about being able to pay between them.
    pub(super) fn negated_before(&self, start: usize) -> bool {
        // Six words: "no creo que pueda pagar antes del 20".
        for b in 1..=6 {
            match self.word_before(start, b) {
                "no" => return true,
                w if PAY_ABILITY.contains(&w) => {}
                _ => return false,
            }
        }
        false
    }

    /// "(hasta el lunes) no tengo", "no puedo pagar", "no me pagan": after `end`, a "no"
    /// and only words about being able to pay, up to the end of the sentence part.
    fn cannot_pay_after(&self, end: usize) -> bool {
        self.w(end) == "no"
            && (end + 1..end + 7)
                .map(|i| self.w(i))
                .take_while(|w| !matches!(*w, "" | "," | "." | ";" | "\n" | "y" | "pero" | "sino"))
                .all(|w| PAY_ABILITY.contains(&w))
    }

    /// "hasta el mes que entra puedo" (Mexico: not before then): after `end`, only an
    /// affirmed ability to pay, up to the end of the sentence part.
    fn can_pay_after(&self, end: usize) -> bool {
        let words: Vec<&str> = (end..end + 5)
            .map(|i| self.w(i))
            .take_while(|w| !matches!(*w, "" | "," | "." | ";" | "\n" | "y" | "pero" | "sino"))
            .collect();
        !words.is_empty()
            && words.len() < 5
            && matches!(words[0], "puedo" | "podemos" | "podre" | "podremos")
            && words.iter().all(|w| PAY_ABILITY.contains(w))
    }

    /// The word `back` words before `start` ("" before the text).
    fn word_before(&self, start: usize, back: usize) -> &str {
        if start >= back {
            self.w(start - back)
        } else {
            ""
        }
    }

    /// "la factura del 15 de octubre", "con fecha 15/10", "que vence el 30", "Calle 15 de
    /// Mayo": the day at `start` names a document or a place, not a payment.
    fn names_a_document_or_place(&self, start: usize) -> bool {
        let before = |back: usize| self.word_before(start, back);
        let of = matches!(self.w(start), "del" | "de");
        (of && DOCUMENTS.contains(&before(1)))
            || (1..=3).any(|b| {
                // "la fecha de pago al 2 de diciembre" names the payment's day; "un pagaré
                // con vencimiento 30/01/2027", "un cheque que vence el 15" the day it is paid.
                ALWAYS_REFERENCE.contains(&before(b))
                    && !(1..b).any(|n| matches!(before(n), "pago" | "pagos"))
                    && !(1..b + 3).any(|n| {
                        matches!(
                            before(n),
                            "pagare" | "pagares" | "cheque" | "cheques" | "confirming"
                        )
                    })
            })
    }

    /// "el viernes o el lunes", "entre el 10 y el 15", "el 10 o 15": alternatives; "mejor el
    /// miércoles que el viernes": the second is the one turned down.
    fn mark_alternatives(&self, ms: &mut [DateMention]) {
        for k in 1..ms.len() {
            let (a_end, b_start) = (ms[k - 1].end, ms[k].start);
            let between: Vec<&str> = (a_end..b_start).map(|i| self.w(i)).collect();
            let alt = matches!(
                between.as_slice(),
                ["o"] | ["u"] | ["o", "bien"] | [",", "o"] | ["y", "/", "o"]
            );
            let range = matches!(between.as_slice(), ["y"] | ["a"])
                && ms[k - 1].start > 0
                && self.w(ms[k - 1].start.saturating_sub(1)) == "entre";
            if alt || range {
                ms[k - 1].alternative = true;
                ms[k].alternative = true;
                // "el lunes o el miércoles", "entre el lunes y el miércoles" (said on a
                // Tuesday): the second weekday is the one after the first, not tomorrow.
                let weekday = super::cal::weekday_named(self.w(ms[k].end.saturating_sub(1)), false);
                if let (Some(_), Some(a), Some(b)) = (weekday, ms[k - 1].date, ms[k].date)
                    && b < a
                    && (a - b).num_days() < 7
                {
                    ms[k].date = Some(super::cal::add_days(b, 7));
                }
            }
            // "mejor el miércoles que el viernes": the second is the one turned down.
            if matches!(between.as_slice(), ["que"]) && ms[k - 1].preferred {
                ms[k].negated = true;
                ms[k].preferred = false;
            }
        }
    }
}

/// Words before "del"/"de" + a day that make the day a document's: "la factura del 15".
const DOCUMENTS: [&str; 12] = [
    "factura",
    "facturas",
    "recibo",
    "nota",
    "pedido",
    "presupuesto",
    "correo",
    "mensaje",
    "email",
    "albaran",
    "cargo",
    "cuota",
];

/// Words up to three before a day that make it a document's date or a place's name.
const ALWAYS_REFERENCE: [&str; 17] = [
    "fecha",
    "fechada",
    "emitida",
    "emision",
    "vencimiento",
    "vence",
    "vencio",
    "vencida",
    "vencia",
    "calle",
    "avenida",
    "av",
    "plaza",
    "colonia",
    "carrera",
    "calle",
    "c",
];

/// Words of "no puedo pagar", "no tengo el dinero", "no me pagan", "no va a poder ser":
/// around a day, they make it the first day the client can pay.
const PAY_ABILITY: [&str; 77] = [
    "posible",
    "puedo",
    "podemos",
    "podre",
    "podremos",
    "podria",
    "tengo",
    "tenemos",
    "tendre",
    "tendremos",
    "voy",
    "vamos",
    "va",
    "a",
    "poder",
    "ser",
    "sera",
    "es",
    "pagar",
    "abonar",
    "transferir",
    "depositar",
    "hacer",
    "ingresar",
    "liquidar",
    "cubrir",
    "le",
    "te",
    "les",
    "lo",
    "la",
    "el",
    "me",
    "nos",
    "mi",
    "pagan",
    "depositan",
    "cobro",
    "cobramos",
    "hay",
    "llego",
    "llegamos",
    "alcanza",
    "pago",
    "dinero",
    "plata",
    "lana",
    "fondos",
    "liquidez",
    "nada",
    "con",
    "feria",
    "seguro",
    "transferencia",
    "ingreso",
    "deposito",
    "efectivo",
    "varo",
    "para",
    "os",
    "tener",
    "que",
    // "no creo que pueda pagar antes del 20".
    "creo",
    "creemos",
    "pueda",
    "podamos",
    // «hasta enero no tengo ni un duro / un peso / un mango».
    "ni",
    "un",
    "una",
    "duro",
    "duros",
    "peso",
    "quinto",
    "mango",
    "luca",
    "centavo",
    "euro",
];
