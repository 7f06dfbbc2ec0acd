//! The payment verbs in every form that matters (tense, person, clitics, misspellings) and
//! the nouns that decide whether "hacer", "enviar" or "cancelar" mean paying.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Which payment verb a form belongs to; some need an object to mean "pay".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    /// pagar, transferir, depositar, consignar, abonar, ingresar, liquidar, saldar.
    Pay,
    /// cancelar: "pay" in Latin America only with a pronoun or a debt as object.
    Cancel,
    /// hacer, realizar, efectuar: with "el pago", "la transferencia", "un bizum".
    Make,
    /// enviar, mandar, pasar, girar, dar: with money as object ("te paso la plata").
    Send,
}

/// Tense as far as it matters here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tense {
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

pub(super) static VERBS: LazyLock<HashMap<String, (Family, Tense)>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    // Regular -ar verbs: stem, first person preterite, family.
    let regular: [(&str, &str, Family); 25] = [
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
        // «Le dejé el cheque en recepción», «te dejo el efectivo el viernes».
        ("dej", "deje", Family::Send),
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
        // «se pagaron ayer», «ya las abonaron»: the third person plural preterite ("me
        // pagaron", money to the client, is told apart where the forms are read).
        add("aron", Tense::Past);
        m.insert(past.to_owned(), (fam, Tense::Past));
    }
    let irregular: [(&str, Family, Tense); 40] = [
        ("transfiero", Family::Pay, Tense::Present),
        ("transferimos", Family::Pay, Tense::Ambiguous),
        ("transferire", Family::Pay, Tense::Future),
        ("transferiremos", Family::Pay, Tense::Future),
        ("transferira", Family::Pay, Tense::Future),
        ("transferiria", Family::Pay, Tense::Conditional),
        ("transferi", Family::Pay, Tense::Past),
        ("transfirio", Family::Pay, Tense::Past),
        ("transfirieron", Family::Pay, Tense::Past),
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
        ("hicieron", Family::Make, Tense::Past),
        ("hecho", Family::Make, Tense::Participle),
        ("hecha", Family::Make, Tense::Participle),
        ("hacer", Family::Make, Tense::Infinitive),
        ("haciendo", Family::Make, Tense::Infinitive),
        // dar: "te doy 500 el viernes", "le daremos el importe": like "pasar", money as
        // object ("di", "da", "dan" are left out: "dime si son 500", "me da pena").
        ("doy", Family::Send, Tense::Present),
        ("damos", Family::Send, Tense::Ambiguous),
        ("dare", Family::Send, Tense::Future),
        ("daremos", Family::Send, Tense::Future),
        ("dara", Family::Send, Tense::Future),
        ("daran", Family::Send, Tense::Future),
        ("daria", Family::Send, Tense::Conditional),
        ("dariamos", Family::Send, Tense::Conditional),
        ("dar", Family::Send, Tense::Infinitive),
        ("dando", Family::Send, Tense::Infinitive),
        ("dio", Family::Send, Tense::Past),
        ("dimos", Family::Send, Tense::Past),
        ("dado", Family::Send, Tense::Participle),
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
pub(crate) const MONEY_NOUNS: [&str; 46] = [
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
    // Payment apps of Panama ("le hago el Yappy"), Cuba ("por Transfermóvil"), Argentina
    // and Mexico ("por Mercadopago"), beside Bizum, Sinpe, Yape, Plin, Nequi, Daviplata.
    "yappy",
    "transfermovil",
    "mercadopago",
    // United States: "le mando un Zelle", "ya le mandé el Venmo".
    "zelle",
    "venmo",
    "cashapp",
    "paypal",
    "cash",
];

/// Proofs of payment: sending one is not itself a payment.
pub(super) const PROOF_NOUNS: [&str; 14] = [
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
pub(super) const DEBT_NOUNS: [&str; 9] = [
    "factura", "facturas", "cuenta", "deuda", "saldo", "total", "monto", "valor", "importe",
];

/// Words that turn a following "pago"/"envío"/"depósito" into a noun.
/// "Mercado Pago" and "por pago de" name the service or the noun, not the verb.
pub(super) const DETERMINERS: [&str; 26] = [
    "el", "un", "del", "al", "su", "mi", "tu", "nuestro", "este", "ese", "otro", "primer",
    "segundo", "ultimo", "cada", "ningun", "de", "dicho", "aquel", "cuyo", "algun", "sin",
    "mercado", "por", "con", "para",
];

/// Object pronouns and particles skipped when looking around a verb.
pub(super) const PRONOUNS: [&str; 11] = [
    "le", "te", "les", "os", "se", "lo", "la", "los", "las", "me", "nos",
];
