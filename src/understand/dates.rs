//! Spanish date expressions, found in the token stream and resolved against the reply's day.
//!
//! The recognisers are hand-written over tokens (no regex): each looks at a head word
//! ("viernes", "15", "semana", "fin", "quincena", ...) and the few words around it. The
//! conventions for vague expressions are documented in the module docs of `understand`.

use chrono::{Datelike, NaiveDate};

mod annotate;
mod days;
mod ellipsis;
mod periods;

use periods::Part;

use crate::understand::calendar as cal;
use crate::understand::normalise::{Kind, Token, number_words};

/// One date expression found in the reply.
#[derive(Debug, Clone)]
pub(crate) struct DateMention {
    /// First token of the expression.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The resolved day, when the expression names one.
    pub date: Option<NaiveDate>,
    /// The expression is about the past ("ayer", "el viernes pasado", "hace dos días").
    pub past: bool,
    /// A period or approximation ("a principios de diciembre", "la semana que viene").
    pub vague: bool,
    /// "ahora", "ahorita": a date only when it sits next to a payment statement.
    pub weak: bool,
    /// A day-month date that already passed this year, this many days ago, and was moved
    /// to next year; recent ones often mean the past ("pagamos el 10/11").
    pub rolled_days_ago: Option<i64>,
    /// The day of month rolled to next month or had to be clamped ("el 31" in November).
    pub shifted: bool,
    /// A bare day of the month already gone by this month, moved to next month ("el día 9"
    /// on the 14th): after a past verb it is this month's ("pagadas el día 9").
    pub month_rolled: bool,
    /// Followed or preceded by a negation ("el viernes no").
    pub negated: bool,
    /// Introduced by a correction ("mejor el lunes", "sino el lunes").
    pub preferred: bool,
    /// A part of the day alone ("en la noche"): today, unless it follows another day.
    pub day_part: bool,
    /// Names a document or an address, not a payment ("la factura del 15 de octubre").
    pub reference: bool,
    /// Offered as one of several ("el viernes o el lunes", "entre el 10 y el 15").
    pub alternative: bool,
    /// The first day the client can pay: "hasta el lunes no tengo", "no será antes del
    /// 15" (a promise from that day on, never a day turned down).
    pub from_on: bool,
    /// Names the end of a period ("fin de mes"): "antes de" keeps its day.
    pub period: bool,
    /// For periods ("a mediados de mes", "la semana que viene"): the first and last day
    /// it covers; `date` is then the last day, never before today.
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// A day its month never has ("el 30 de febrero"): no date, and a promise made for it
    /// is a joke (see `decide::mocked`).
    pub impossible: bool,
    /// The 31st of a month of thirty days ("el 31 de noviembre"): a slip, not a joke; no
    /// date, and a promise made for it asks which day was meant.
    pub slip: bool,
}

impl DateMention {
    fn new(start: usize, end: usize, date: Option<NaiveDate>) -> Self {
        Self {
            start,
            end,
            date,
            past: false,
            vague: false,
            weak: false,
            rolled_days_ago: None,
            shifted: false,
            month_rolled: false,
            negated: false,
            preferred: false,
            day_part: false,
            reference: false,
            alternative: false,
            from_on: false,
            period: false,
            range: None,
            impossible: false,
            slip: false,
        }
    }

    /// A period from `first` to `last`: promised on its last day (the planner waits until
    /// the promised date, so it waits for the whole period; a month's start and middle are
    /// then moved to the 5th and the 15th, see `periods`), vague, and never starting before
    /// `today`.
    fn span(start: usize, end: usize, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Self {
        let mut m = Self::new(start, end, Some(last));
        m.range = Some((first.max(today).min(last), last));
        m.vague = true;
        m.period = true;
        m.past = last < today;
        m
    }

    /// A future (or today) day that can be a promise.
    pub fn is_future_day(&self) -> bool {
        !self.past && self.date.is_some()
    }
}

/// How a prefix changes the day named after it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    /// "antes del 15": the day before (periods keep their day).
    Before,
    /// "después del 15": the day after, vague.
    After,
    /// "a partir del 15": that day, vague.
    From,
}

/// Words skipped in front of a head word; they belong to the expression.
const FILLERS: [&str; 21] = [
    "el",
    "la",
    "los",
    "las",
    "este",
    "esta",
    "del",
    "al",
    "de",
    "a",
    "en",
    "dia",
    "para",
    "hasta",
    "proximo",
    "proxima",
    "otro",
    "otra",
    "siguiente",
    "misma",
    "mismo",
];

/// Scans the tokens and returns every date expression, resolved against `today`.
/// `region` decides holidays and long weekends ("el puente", "Fiestas Patrias"), and in the
/// United States numeric dates are month first when the other reading is impossible
/// ("7/30").
pub(crate) fn find_dates(
    toks: &[Token<'_>],
    today: NaiveDate,
    region: cal::Region,
) -> Vec<DateMention> {
    let p = Parser {
        t: toks,
        today,
        month_first: region == cal::Region::UnitedStates,
        region,
    };
    let mut out: Vec<DateMention> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // Dates start at words or numbers only.
        if toks[i].kind == Kind::Punct {
            i += 1;
            continue;
        }
        match p.parse_at(i) {
            // "el lunes en la noche", "mañana por la tarde": the part of the day already named.
            Some(m) if m.day_part && out.last().is_some_and(|l| l.end == i) => {
                i = m.end.max(i + 1);
            }
            Some(m) => {
                i = m.end.max(i + 1);
                out.push(m);
            }
            None => i += 1,
        }
    }
    p.anchor_weekdays(&mut out);
    p.day_after(&mut out);
    p.annotate(&mut out);
    p.elliptic_repeats(&mut out);
    p.end_on_a_working_day(&mut out);
    out
}

struct Parser<'t, 'a> {
    t: &'t [Token<'a>],
    today: NaiveDate,
    /// "7/30" is 30 July (see [`find_dates`]).
    month_first: bool,
    /// The client's country, for holidays.
    region: cal::Region,
}

impl Parser<'_, '_> {
    /// «Le pago en febrero», «a finales de mes»: a period is promised on its last day, and when
    /// that is a weekend or a holiday, on its last working day (probe31: «¿Confirmamos el
    /// domingo 28 de febrero?» asked of a client who said February). A day named is kept, and
    /// so is «a fin de mes» (a day, not a period).
    fn end_on_a_working_day(&self, out: &mut [DateMention]) {
        let open = |d: NaiveDate| cal::is_working_day(d, self.region);
        for m in out.iter_mut().filter(|m| m.period) {
            let (Some(date), Some((first, last))) = (m.date, m.range) else {
                continue;
            };
            if date != last || open(last) {
                continue;
            }
            let mut d = last;
            while d > first && !open(d) {
                d = cal::sub_days(d, 1);
            }
            if open(d) {
                m.date = Some(d);
            }
        }
    }

    /// "el lunes después de Acción de Gracias", "el viernes antes del puente": a weekday
    /// right before "después de / antes de" another day is the first such weekday after it
    /// (the last before it); the two are one expression.
    fn anchor_weekdays(&self, out: &mut Vec<DateMention>) {
        let mut k = 0;
        while k + 1 < out.len() {
            let (a, b) = (&out[k], &out[k + 1]);
            let wd = cal::weekday_named(self.w(a.end.saturating_sub(1)), true);
            let head = self.w(b.start);
            let anchored = match (wd, a.past, b.date, head) {
                (Some(wd), false, Some(d), "despues") if b.start == a.end => {
                    Some(cal::next_weekday(cal::sub_days(d, 1), wd))
                }
                (Some(wd), false, Some(d), "antes") if b.start == a.end => {
                    Some(cal::sub_days(cal::next_weekday(d, wd), 7))
                }
                _ => None,
            };
            if let Some(date) = anchored.filter(|d| *d >= self.today) {
                let end = out[k + 1].end;
                out[k].date = Some(date);
                out[k].end = end;
                out[k].range = None;
                out.remove(k + 1);
            }
            k += 1;
        }
    }

    /// «Cobro el 10, te pago al día siguiente», «le pago el día siguiente al 10», «el viernes
    /// cobro y le deposito al otro día»: the day after another day said, that one named
    /// right after it («al 10») or else the last one before it. Alone («le pago al día
    /// siguiente») it names no day.
    fn day_after(&self, out: &mut Vec<DateMention>) {
        let mut i = 0;
        while i + 2 < self.t.len() {
            let end = match (self.w(i), self.w(i + 1), self.w(i + 2)) {
                ("al" | "el", "dia", "siguiente") => i + 3,
                ("al", "otro", "dia") => i + 3,
                _ => {
                    i += 1;
                    continue;
                }
            };
            // «el día siguiente al 10» read as one expression naming the 10th: the day after.
            if let Some(m) = out.iter_mut().find(|m| m.start <= i && i < m.end) {
                if m.end > end && matches!(self.w(end), "al" | "del") {
                    m.date = m.date.map(|d| cal::add_days(d, 1));
                }
                i = m.end;
                continue;
            }
            let firm =
                |m: &DateMention| m.date.is_some() && !m.weak && !m.past && m.range.is_none();
            // «el día siguiente al 10», «del 10».
            let named_after = out.iter().position(|m| {
                matches!(self.w(end), "al" | "del" | "de")
                    && (m.start == end + 1 || m.start == end)
                    && firm(m)
            });
            let before = out.iter().rposition(|m| m.end <= i && firm(m));
            let (anchor, span_end) = match (named_after, before) {
                (Some(k), _) => (k, out[k].end),
                (None, Some(k)) => (k, end),
                (None, None) => {
                    i = end;
                    continue;
                }
            };
            let Some(day) = out[anchor].date else {
                i = end;
                continue;
            };
            let m = DateMention::new(i, span_end, Some(cal::add_days(day, 1)));
            if named_after.is_some() {
                out[anchor] = m;
            } else {
                let at = out.iter().position(|x| x.start > i).unwrap_or(out.len());
                out.insert(at, m);
            }
            i = span_end;
        }
    }

    /// Text of token `i`, or "" past the end.
    fn w(&self, i: usize) -> &str {
        self.t.get(i).map_or("", |t| t.text)
    }

    fn num(&self, i: usize) -> Option<u64> {
        self.t
            .get(i)
            .filter(|t| t.kind == Kind::Number)
            .map(|t| t.num)
    }

    /// Matches a fixed word sequence at `i`; returns the index after it.
    fn seq(&self, i: usize, words: &[&str]) -> Option<usize> {
        words
            .iter()
            .enumerate()
            .all(|(k, w)| self.w(i + k) == *w)
            .then_some(i + words.len())
    }

    fn parse_at(&self, i: usize) -> Option<DateMention> {
        let (mut modifier, j) = self.modifier(i);
        // "no será antes del 15", "no puedo antes del lunes": from that day on.
        if modifier == Modifier::Before && self.negated_before(i) {
            modifier = Modifier::From;
        }
        if let Some(m) = self.relative(j) {
            return Some(self.apply_modifier(i, m, modifier));
        }
        // Skip articles and prepositions, remembering the ones that change the meaning.
        let mut k = j;
        let mut fillers: Vec<&str> = Vec::new();
        while k < self.t.len() && FILLERS.contains(&self.w(k)) && fillers.len() < 4 {
            fillers.push(self.w(k));
            k += 1;
        }
        // "antes del 25": the modifier already said "del".
        if modifier != Modifier::None && fillers.is_empty() {
            fillers.push("del");
        }
        if k > j
            && let Some(m) = self.relative(k)
        {
            return Some(self.apply_modifier(i, m, modifier));
        }
        let m = self.head(k, &fillers)?;
        Some(self.apply_modifier(i, m, modifier))
    }

    /// Prefixes that shift the day: "antes de(l)", "después de(l)", "a partir de(l)".
    fn modifier(&self, i: usize) -> (Modifier, usize) {
        // "antes de que acabe el mes" is read whole by `relative`.
        if self.seq(i, &["antes", "de", "que"]).is_some() {
            return (Modifier::None, i);
        }
        let pairs: [(&[&str], Modifier); 18] = [
            (&["antes", "del"], Modifier::Before),
            // "a la vuelta del puente", "a la vuelta de Reyes": once back, after it.
            (&["a", "la", "vuelta", "del"], Modifier::After),
            (&["a", "la", "vuelta", "de"], Modifier::After),
            (&["tras", "el"], Modifier::After),
            (&["tras", "la"], Modifier::After),
            (&["antes", "de"], Modifier::Before),
            (&["despues", "del"], Modifier::After),
            (&["despues", "de"], Modifier::After),
            (&["luego", "del"], Modifier::After),
            (&["luego", "de"], Modifier::After),
            (&["pasando", "el"], Modifier::After),
            // "pasado el puente", "pasada la quincena", "pasado Reyes": once it is over.
            (&["pasado", "el"], Modifier::After),
            (&["pasada", "la"], Modifier::After),
            (&["pasados", "los"], Modifier::After),
            (&["pasadas", "las"], Modifier::After),
            (&["pasado"], Modifier::After),
            (&["a", "partir", "del"], Modifier::From),
            (&["a", "partir", "de"], Modifier::From),
        ];
        for (words, m) in pairs {
            if let Some(j) = self.seq(i, words) {
                // "antes de ayer" is a day of its own; so are "pasado mañana" and "pasado"
                // alone after it was named ("mañana no puedo, pasado sí").
                let bare = words.len() == 1
                    && matches!(
                        self.w(j),
                        "si" | "," | "." | "" | "!" | "\n" | "te" | "le" | "os"
                    );
                if (m == Modifier::Before && self.w(j) == "ayer") || self.w(j) == "manana" || bare {
                    return (Modifier::None, i);
                }
                return (m, j);
            }
        }
        (Modifier::None, i)
    }

    fn apply_modifier(&self, start: usize, mut m: DateMention, modifier: Modifier) -> DateMention {
        m.start = start;
        let Some(d) = m.date else { return m };
        match modifier {
            Modifier::None => {}
            Modifier::Before => {
                if let Some((first, _)) = m.range.take() {
                    // "antes de mediados de mes": before the period starts.
                    m.date = Some(cal::sub_days(first, 1).max(self.today));
                } else if !m.vague && !m.period {
                    // A period's end already names the latest day ("antes de fin de mes").
                    m.date = Some(cal::sub_days(d, 1).max(self.today));
                }
            }
            // «después de Año Nuevo», «después del 18»: the first working day after it (a
            // Saturday 2 January was asked to be confirmed, then held against the client).
            Modifier::After => {
                m.range = None;
                m.date = Some(cal::add_working_days(d, 1, self.region));
                m.vague = true;
            }
            Modifier::From => m.vague = true,
        }
        m
    }

    /// Expressions that depend on their first word: "mañana", "hoy", "en diez días",
    /// "dentro de dos semanas", "hace tres días", "pasado mañana".
    fn relative(&self, i: usize) -> Option<DateMention> {
        let today = self.today;
        let w = self.w(i);
        let day = |end: usize, d: NaiveDate| Some(DateMention::new(i, end, Some(d)));
        if let Some(m) = self
            .counted_from_today(i)
            .or_else(|| self.days_ago(i))
            .or_else(|| self.right_away(i))
            .or_else(|| self.the_next_one(i))
        {
            return Some(m);
        }
        match w {
            "hoy" => {
                let mut end = i + 1;
                if self.w(end) == "mismo" {
                    end += 1;
                }
                // "hoy viernes" is today, not next Friday.
                if cal::weekday_named(self.w(end), false).is_some() {
                    end += 1;
                }
                return day(end, today);
            }
            "manana" => {
                let prev = if i > 0 { self.w(i - 1) } else { "" };
                if prev == "esta" {
                    return day(i + 1, today);
                }
                // "por la mañana", "de la mañana": the morning, not tomorrow; but "de
                // mañana no pasa" is tomorrow at the latest.
                let at_latest = prev == "de"
                    && self.w(i + 1) == "no"
                    && matches!(self.w(i + 2), "pasa" | "pasara");
                if matches!(prev, "la" | "por" | "de" | "en" | "las") && !at_latest {
                    return None;
                }
                let mut end = i + 1;
                if self.w(end) == "mismo" {
                    end += 1;
                }
                if cal::weekday_named(self.w(end), false).is_some() {
                    end += 1;
                }
                return day(end, cal::add_days(today, 1));
            }
            "pasado" if self.w(i + 1) == "manana" => return day(i + 2, cal::add_days(today, 2)),
            // "mañana no puedo, pasado sí": the day after tomorrow, its noun left out.
            "pasado"
                if matches!(
                    self.w(i + 1),
                    "si" | "," | "." | "" | "!" | "\n" | "te" | "le" | "os"
                ) && (i.saturating_sub(8)..i).any(|k| self.w(k) == "manana") =>
            {
                return day(i + 1, cal::add_days(today, 2));
            }
            // "por ahora", "hasta ahora": for the time being, not a day.
            "ahora" | "ahorita" if i > 0 && matches!(self.w(i - 1), "por" | "hasta") => {
                return None;
            }
            // "le yapeo en la noche", "te transfiero por la tarde": later today, next to a
            // payment only; "el lunes en la noche" is read with its day (see `find_dates`).
            "en" | "por" | "a"
                if self.w(i + 1) == "la" && matches!(self.w(i + 2), "tarde" | "noche") =>
            {
                let mut m = DateMention::new(i, i + 3, Some(today));
                m.weak = true;
                m.day_part = true;
                return Some(m);
            }
            "esta" if matches!(self.w(i + 1), "tarde" | "noche") => return day(i + 2, today),
            // "esta misma tarde / noche / mañana": today.
            "esta"
                if self.w(i + 1) == "misma"
                    && matches!(self.w(i + 2), "tarde" | "noche" | "manana") =>
            {
                return day(i + 3, today);
            }
            _ => {}
        }
        self.duration(i)
    }

    /// "ahora", "ahorita", "enseguida", "ya mismo", "al tiro" / "altiro" (Chile), "al toque"
    /// (Argentina, Uruguay, Peru): right away, today (a weak day: it counts next to a payment).
    /// Not "por ahora", "hasta ahora" (for the time being), nor a reason that begins with it
    /// ("te pago el lunes, que ahora (mismo) ando fatal": now is when they cannot), unless a
    /// pronoun follows ("que ahora mismo le pago").
    fn right_away(&self, i: usize) -> Option<DateMention> {
        let before = if i > 0 { self.w(i - 1) } else { "" };
        let next = i + 1 + usize::from(self.w(i + 1) == "mismo");
        let reason = matches!(before, "que" | "q" | "porque" | "pq" | "xq" | "pues")
            && !matches!(
                self.w(next),
                "le" | "te" | "les" | "os" | "se" | "lo" | "la" | "me" | "nos"
            );
        let end = match self.w(i) {
            "ahora" | "ahorita" if matches!(before, "por" | "hasta") || reason => return None,
            "ahora" | "ahorita" | "ahoritita" | "ahoritica" | "orita" | "horita" | "enseguida"
            | "inmediatamente" => i + 1 + usize::from(self.w(i + 1) == "mismo"),
            "al" if matches!(self.w(i + 1), "tiro" | "toque" | "rato" | "ratito") => i + 2,
            // "a la de ya" (Spain): right now.
            "a" if self.w(i + 1) == "la" && self.w(i + 2) == "de" && self.w(i + 3) == "ya" => i + 4,
            "altiro" => i + 1,
            "ya" if self.w(i + 1) == "mismo" => i + 2,
            _ => return None,
        };
        let mut m = DateMention::new(i, end, Some(self.today));
        m.weak = true;
        Some(m)
    }

    /// "el último día del mes", "el último día hábil de diciembre": the month's end; "el
    /// primer día hábil de enero", "el primer día laborable del mes que viene": its first
    /// working day.
    fn edge_day(&self, k: usize) -> Option<DateMention> {
        let working = matches!(self.w(k + 2), "habil" | "laborable");
        let j = if working { k + 3 } else { k + 2 };
        if self.w(k) == "ultimo" {
            return self.period(j, Part::End);
        }
        matches!(self.w(j), "de" | "del")
            .then(|| self.first_day(k, j + 1, working))
            .flatten()
    }

    /// The first day (`working`: working day, the client's holidays counted) of the month
    /// named at `j`, next year's when this year's has gone.
    fn first_day(&self, k: usize, j: usize, working: bool) -> Option<DateMention> {
        let (first, end, roll) = self.month_ref(j)?;
        let pick = |first: NaiveDate| {
            if working {
                cal::add_working_days(cal::sub_days(first, 1), 1, self.region)
            } else {
                first
            }
        };
        let mut d = pick(first);
        if d < self.today
            && let Some(r) = roll
        {
            d = pick(cal::add_months(first, r));
        }
        let mut m = DateMention::new(k, end, Some(d));
        m.past = d < self.today;
        Some(m)
    }

    /// "ayer", "anoche", "anteayer", "antier", "antes de ayer": past days.
    fn days_ago(&self, i: usize) -> Option<DateMention> {
        let (end, back) = match self.w(i) {
            "ayer" | "anoche" => (i + 1, 1),
            "anteayer" | "antier" => (i + 1, 2),
            "antes" if self.seq(i, &["antes", "de", "ayer"]).is_some() => (i + 3, 2),
            _ => return None,
        };
        let mut m = DateMention::new(i, end, Some(cal::sub_days(self.today, back)));
        m.past = true;
        Some(m)
    }

    /// "la otra", "el siguiente", "el que viene" with no noun, after the period or weekday
    /// they replace: "esta semana no puedo, la otra le pago" (next week); "el viernes no
    /// puedo, el siguiente sí" (that weekday a week later); "este mes no puedo, el que viene"
    /// (next month).
    fn the_next_one(&self, i: usize) -> Option<DateMention> {
        let n = self.the_other(i)?;
        let end = i + 1 + n;
        match self.w(i) {
            "la" if self.other_period(i, n, "esta", "semana") => {
                Some(self.next_or_this_week(i, end, true))
            }
            // "la próxima semana no, la siguiente": the week after that one.
            "la" if self.other_period(i, n, "proxima", "semana") => {
                let (mon, fri) = (chrono::Weekday::Mon, chrono::Weekday::Fri);
                let first = cal::add_days(cal::weekday_next_week(self.today, mon), 7);
                let last = cal::add_days(cal::weekday_next_week(self.today, fri), 7);
                Some(DateMention::span(i, end, first, last, self.today))
            }
            "el" => {
                if let Some(wd) = self.other_weekday(i, n) {
                    let d = cal::add_days(cal::next_weekday(self.today, wd), 7);
                    return Some(DateMention::new(i, end, Some(d)));
                }
                if !self.other_period(i, n, "este", "mes") {
                    return None;
                }
                let first = cal::first_of_next_month(self.today);
                Some(DateMention::span(
                    i,
                    end,
                    first,
                    cal::last_of_month(first),
                    self.today,
                ))
            }
            _ => None,
        }
    }

    /// After the article at `i`, "otro/a", "próximo/a", "siguiente" or "que viene/entra" with
    /// no noun after it: how many words that is.
    fn the_other(&self, i: usize) -> Option<usize> {
        const NO_NOUN: [&str; 14] = [
            "", ",", ".", ";", "!", "\n", "le", "te", "les", "os", "lo", "se", "sin", "si",
        ];
        let n = match (self.w(i + 1), self.w(i + 2)) {
            ("otro" | "otra" | "proximo" | "proxima" | "siguiente", _) => 1,
            ("que", "viene" | "entra") => 2,
            _ => return None,
        };
        NO_NOUN.contains(&self.w(i + 1 + n)).then_some(n)
    }

    /// Whether "esta semana" / "este mes" was said in the dozen words before `i` ("esta semana
    /// no puedo, la otra le pago"; "este mes no puedo, el que viene le pago"): then "la otra" /
    /// "el que viene" (`n` words after the article) is the other one of that period, the next.
    fn other_period(&self, i: usize, n: usize, this: &str, unit: &str) -> bool {
        n > 0 && (i.saturating_sub(12)..i).any(|k| self.w(k) == this && self.w(k + 1) == unit)
    }

    /// The weekday refused in the dozen words before `i` ("el viernes no puedo, el
    /// siguiente sí", "este viernes no, el otro"): "el siguiente" is that weekday a week after
    /// it. Not after "que viene" (`n` = 2: "el lunes no, el que viene" is ambiguous).
    fn other_weekday(&self, i: usize, n: usize) -> Option<chrono::Weekday> {
        if n != 1 {
            return None;
        }
        (i.saturating_sub(12)..i).rev().find_map(|k| {
            let wd = cal::weekday_named(self.w(k + 1), false)?;
            (matches!(self.w(k), "el" | "este") && (k + 2..i).any(|j| self.w(j) == "no"))
                .then_some(wd)
        })
    }

    /// "de hoy en ocho (días)": a week from today ("de mañana en ocho": from tomorrow); "antes de que acabe el mes / la semana /
    /// el año": its last (working) day.
    fn counted_from_today(&self, i: usize) -> Option<DateMention> {
        let today = self.today;
        let day = |end: usize, d: NaiveDate| Some(DateMention::new(i, end, Some(d)));
        match self.w(i) {
            // "de hoy en ocho (días)": a week from today; "de hoy en quince": two.
            // "de mañana en quince": two weeks from tomorrow.
            "de" if matches!(self.w(i + 1), "hoy" | "manana") && self.w(i + 2) == "en" => {
                let from = u64::from(self.w(i + 1) == "manana");
                let n = from
                    + match self.w(i + 3) {
                        "ocho" | "8" => 7,
                        "quince" | "15" => 14,
                        _ => return None,
                    };
                let end = if self.w(i + 4) == "dias" {
                    i + 5
                } else {
                    i + 4
                };
                day(end, cal::add_days(today, n))
            }
            // "antes de que acabe el mes / la semana / el año": its last (working) day.
            "antes"
                if self.seq(i, &["antes", "de", "que"]).is_some()
                    && matches!(
                        self.w(i + 3),
                        "acabe" | "termine" | "finalice" | "se" | "cierre" | "empiece" | "llegue"
                    ) =>
            {
                let mut j = i + 4;
                if self.w(i + 3) == "se" {
                    j += 1;
                }
                let this_friday = cal::weekday_this_week(today, chrono::Weekday::Fri).max(today);
                let (d, end) = match (self.w(j), self.w(j + 1)) {
                    ("el", "mes") => (cal::last_of_month(today), j + 2),
                    ("la", "semana") => (this_friday, j + 2),
                    ("el", "ano") => (NaiveDate::from_ymd_opt(today.year(), 12, 31)?, j + 2),
                    _ => return None,
                };
                day(end, d)
            }
            _ => None,
        }
    }

    /// Durations: "en 10 días", "dentro de dos semanas", "de aquí a un mes", "hace 3 días",
    /// "dame una semana".
    fn duration(&self, i: usize) -> Option<DateMention> {
        let today = self.today;
        let w = self.w(i);
        let (j, past) = if let Some(j) = self.seq(i, &["dentro", "de"]) {
            (j, false)
        } else if let Some(j) = self.seq(i, &["de", "aqui", "a"]) {
            (j, false)
        } else if let Some(j) = self
            .seq(i, &["en", "el", "plazo", "de"])
            .or_else(|| self.seq(i, &["en", "un", "plazo", "de"]))
            .or_else(|| self.seq(i, &["en", "un", "plazo", "maximo", "de"]))
            .or_else(|| self.seq(i, &["en", "el", "plazo", "maximo", "de"]))
        {
            (j, false)
        } else if matches!(w, "en" | "a") {
            (i + 1, false)
        } else if matches!(
            w,
            "dame" | "deme" | "denme" | "dadme" | "danos" | "denos" | "dennos"
        ) {
            // "dame una semana y te pago": the time asked for, from today.
            (i + 1, false)
        } else if w == "hace" {
            (i + 1, true)
        } else {
            return None;
        };
        let j = if matches!(self.w(j), "los" | "las")
            && matches!(self.w(j + 1), "proximos" | "proximas")
        {
            j + 2
        } else {
            j
        };
        // "hace semanas", "hace tiempo": some time ago, no day.
        if past
            && matches!(
                self.w(j),
                "dias" | "semanas" | "meses" | "tiempo" | "mucho" | "rato" | "anos" | "ratito"
            )
        {
            let mut m = DateMention::new(i, j + 1, None);
            m.vague = true;
            m.past = true;
            return Some(m);
        }
        // «en semana y media»: one, and a half.
        let and_a_half = |k: usize| self.w(k) == "y" && matches!(self.w(k + 1), "media" | "medio");
        let (n, vague, k) = match self.count(j) {
            Some(c) => c,
            None if and_a_half(j + 1) && matches!(self.w(j), "semana" | "mes") => {
                (Some(1), false, j)
            }
            None => return None,
        };
        let unit = self.w(k);
        let mut end = k + 1;
        let working = matches!(self.w(end), "habiles" | "laborables" | "laborales");
        if working {
            end += 1;
        }
        // «dentro de una semana y media», «en un mes y medio»: half a unit more, rounded up
        // (the reminder must not come before the day meant), and only roughly meant.
        let half = and_a_half(end) && matches!(unit, "semana" | "semanas" | "mes" | "meses");
        if half {
            end += 2;
        }
        let date = self.after_units(unit, n, working)?;
        let date = match (half, unit) {
            (true, "semana" | "semanas") => date.map(|d| cal::add_days(d, 4)),
            (true, _) => date.map(|d| cal::add_days(d, 15)),
            (false, _) => date,
        };
        // "hace tres días" mirrors "en tres días" into the past.
        let date = if past {
            date.map(|d| cal::sub_days(today, (d - today).num_days().unsigned_abs()))
        } else {
            date
        };
        // «Pagamos a 60 días fecha factura»: a payment term counted from the invoice, not
        // from today; which day it makes is for a person to agree.
        let date = if w == "a" && self.is_payment_term(unit, n, end) {
            None
        } else {
            date
        };
        let mut m = DateMention::new(i, end, date);
        m.vague = vague || half || date.is_none();
        m.past = past;
        Some(m)
    }

    /// The day `n` units (days, working days, weeks, months, hours) after today: `None` when
    /// `unit` is not a unit, `Some(None)` when no count was given ("unos días").
    fn after_units(&self, unit: &str, n: Option<u64>, working: bool) -> Option<Option<NaiveDate>> {
        let today = self.today;
        Some(match (unit, n) {
            ("dia" | "dias", Some(n)) if working => {
                Some(cal::add_working_days(today, n, self.region))
            }
            ("dia" | "dias", Some(n)) => Some(cal::add_days(today, n)),
            ("semana" | "semanas", Some(n)) => Some(cal::add_days(today, n * 7)),
            ("mes" | "meses", Some(n)) => Some(cal::add_months(today, u32::try_from(n).ok()?)),
            ("hora" | "horas" | "horitas" | "rato" | "h" | "hs" | "hrs", Some(n)) => {
                Some(cal::add_days(today, n / 24))
            }
            ("dia" | "dias" | "semana" | "semanas" | "mes" | "meses" | "hora" | "horas", None) => {
                None
            }
            _ => return None,
        })
    }

    /// «a 60 días fecha factura», «a 30 días de la recepción», «pagamos a 90 días»: days
    /// counted from the invoice (or its receipt), or a term long enough to be one.
    fn is_payment_term(&self, unit: &str, n: Option<u64>, end: usize) -> bool {
        if !matches!(unit, "dia" | "dias" | "mes" | "meses") {
            return false;
        }
        let from = |k: usize| {
            matches!(
                self.w(k),
                "fecha" | "ff" | "factura" | "emision" | "recepcion" | "recibida" | "vista"
            )
        };
        let named = from(end)
            || matches!(self.w(end), "de" | "desde" | "tras")
                && (from(end + 1) || matches!(self.w(end + 1), "la" | "su") && from(end + 2));
        named || unit.starts_with("dia") && n.is_some_and(|n| n >= 30)
    }

    /// A count before a unit: digits, number words, "un par de", "unos".
    fn count(&self, j: usize) -> Option<(Option<u64>, bool, usize)> {
        if let Some(n) = self.num(j) {
            return (n <= 400).then_some((Some(n), false, j + 1));
        }
        if let Some(k) = self.seq(j, &["un", "par", "de"]) {
            return Some((Some(2), true, k));
        }
        if matches!(
            self.w(j),
            "unos" | "unas" | "algunos" | "algunas" | "pocos" | "pocas"
        ) {
            return Some((None, true, j + 1));
        }
        let (n, used) = number_words(self.t, j)?;
        Some((Some(n), false, j + used))
    }

    /// Head words after the fillers.
    fn head(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let w = self.w(k);
        if let Some(m) = self.weekday(k, fillers) {
            return Some(m);
        }
        if self.t.get(k).is_some_and(Token::is_num) {
            return self.numeric(k, fillers);
        }
        match w {
            "primero" => return self.day_number(k, 1, k + 1, fillers),
            "semana" if self.w(k + 1) == "santa" => return self.holy_week(k),
            "semana" => return self.week(k, fillers),
            "mes" => return self.month_word(k, fillers),
            "quincena" => return self.quincena(k, fillers),
            "principio" | "principios" | "inicio" | "inicios" | "comienzo" | "comienzos" => {
                return self.period(k + 1, Part::Start);
            }
            // Spain: "a primeros de mes", "los primeros días de enero", "te lo pago a primeros".
            "primeros" => return self.primeros(k),
            "mediados" | "mitad" => return self.period(k + 1, Part::Middle),
            "fin" | "final" | "finales" | "fines" | "cierre" => {
                if self.w(k + 1) == "de" && self.w(k + 2) == "semana" {
                    return Some(self.weekend(k, k + 3));
                }
                let part = if matches!(w, "fin" | "cierre") {
                    Part::End
                } else {
                    Part::Late
                };
                return self.period(k + 1, part);
            }
            "ultimos" if self.w(k + 1) == "dias" => return self.period(k + 2, Part::LastDays),
            "ultimo" if self.w(k + 1) == "dia" => return self.edge_day(k),
            "primer"
                if self.w(k + 1) == "dia"
                    && matches!(self.w(k + 2), "habil" | "laborable" | "de" | "del") =>
            {
                return self.edge_day(k);
            }
            "finde" | "findes" => return Some(self.weekend(k, k + 1)),
            "puente" => return self.bridge(k),
            "fiestas" if self.w(k + 1) == "patrias" => return self.national_days(k, k + 2),
            "verano" => return self.summer(k),
            "paga" | "nomina" | "sueldo" | "salario" if self.w(k + 1) == "de" => {
                return self.payroll_of(k);
            }
            "thanksgiving" => return self.thanksgiving(k, k + 1),
            "accion" if self.seq(k + 1, &["de", "gracias"]).is_some() => {
                return self.thanksgiving(k, k + 3);
            }
            "navidad" | "navidades" | "nochebuena" => {
                let day = if w == "nochebuena" { 24 } else { 25 };
                return self.fixed_day(k, k + 1, 12, day);
            }
            "nochevieja" => return self.fixed_day(k, k + 1, 12, 31),
            "reyes" => return self.fixed_day(k, k + 1, 1, 6),
            "san" if self.w(k + 1) == "juan" => return self.fixed_day(k, k + 2, 6, 24),
            "ano" if self.w(k + 1) == "nuevo" => return self.fixed_day(k, k + 2, 1, 1),
            "ano" => return self.next_year(k, fillers),
            _ => {}
        }
        // "la próxima" alone (Argentina, Spain): next week.
        if fillers.ends_with(&["la", "proxima"])
            && (self.t.get(k).is_none_or(|t| t.kind == Kind::Punct)
                || matches!(
                    w,
                    "le" | "te" | "les" | "os" | "sin" | "y" | "seguro" | "lo"
                ))
        {
            return Some(self.next_or_this_week(k.saturating_sub(1), k, true));
        }
        if let Some(m) = self.month_day(k) {
            return Some(m);
        }
        if let Some(m) = self.number_word_day(k, fillers) {
            return Some(m);
        }
        // A month alone: "en diciembre", "para enero", "hasta marzo".
        if let Some(month) = cal::month_number(w, false)
            && fillers
                .iter()
                .any(|f| matches!(*f, "en" | "para" | "hasta" | "a"))
        {
            let first = cal::month_start_not_before(self.today, month, true);
            let last = cal::last_of_month(first).max(self.today);
            let mut m = DateMention::span(k, k + 1, first, last, self.today);
            // "lo pagamos en octubre", said in December: that October, weeks ago, not the
            // next one (as a day and month that passed, see `full_date`).
            if first.year() > self.today.year() {
                let ended = cal::last_of_month(cal::in_year(first, self.today.year()));
                m.rolled_days_ago = Some((self.today - ended).num_days());
            }
            return Some(m);
        }
        None
    }
}
