//! Phrases about paying: plans and delays, inability to pay, partial amounts.

use super::Cue;

/// Phrases, folded (no accents, lower case); see `lexicon` for the pattern syntax.
pub(super) const PAYMENTS: &[(Cue, &str)] = &[
    // Payment plans and delays.
    (
        Cue::Plan,
        "cuota|cuotas|plazos|mensualidades|parcialidades|abonos|fraccionamiento",
    ),
    (
        Cue::Plan,
        "fraccionar|fraccionado|fraccionada|fraccionarlo|aplazar|aplazamiento|aplazado|prorroga|prorrogar|refinanciar|financiar|financiacion|financiamiento",
    ),
    (Cue::Plan, "plan|convenio|acuerdo de pago|pagos"),
    (Cue::Plan, "en|por partes"),
    (Cue::Plan, "pagos|pago|abono|abonos parciales|parcial"),
    (
        Cue::Plan,
        "en dos|tres|cuatro|cinco|seis|varios|2|3|4|5|6 pagos|partes|veces|meses|plazos|exhibiciones",
    ),
    (Cue::Plan, "mas tiempo|plazo"),
    (Cue::Plan, "un|otro|nuevo plazo"),
    (Cue::Plan, "un poco mas de tiempo|plazo"),
    (
        Cue::Plan,
        "ampliar|ampliacion|extender|extension ?el|del plazo",
    ),
    (
        Cue::Plan,
        "me|nos puede|pueden|podria|podrian|puedes|podes esperar|aguantar",
    ),
    (Cue::Plan, "esperar me|nos"),
    (Cue::Plan, "me|nos esperan|espera|esperas|esperais"),
    (Cue::Plan, "espereme|esperenme|esperame|aguanteme|aguantame"),
    (Cue::Plan, "unos|algunos|pocos dias|dias mas"),
    (Cue::Plan, "una|otra semana mas"),
    (Cue::Plan, "dias|semana|periodo de gracia"),
    (Cue::Plan, "dar ?me|nos un|mas tiempo|plazo"),
    (Cue::Plan, "poco a poco"),
    // "50 y 50", "mitad y mitad": two halves.
    (Cue::Plan, "50|cincuenta y|/ 50|cincuenta"),
    (Cue::Plan, "mitad y mitad"),
    (
        Cue::Plan,
        "dos|tres|cuatro|cinco|seis|varios|2|3|4|5|6 pagos|cuotas|plazos|abonos|mensualidades|partes|exhibiciones",
    ),
    (
        Cue::Plan,
        "retrasar|posponer|postergar|aplazar|demorar el|mi|nuestro pago",
    ),
    (
        Cue::Plan,
        "deme|dame|denme|deneme|regaleme|regalame chance|plazo|tiempo|hasta|unos",
    ),
    (
        Cue::Plan,
        "me|nos podria|podrian|puede|pueden|puedes|podes dar|conceder|regalar|dejar hasta|plazo|tiempo|unos|mas|chance",
    ),
    (
        Cue::Plan,
        "me|nos da|dan|daria|darian|das|deja|dejan|dejaria|regala chance|plazo|tiempo|hasta|unos",
    ),
    (Cue::Plan, "al|por|cada mes|semana|quincena"),
    (
        Cue::Plan,
        "mensuales|semanales|quincenales|mensualmente|semanalmente",
    ),
    (Cue::Plan, "de a poco"),
    (Cue::Plan, "dividir|dividirlo|repartir"),
    (
        Cue::Plan,
        "ir|vaya|voy|vamos|ire abonando|pagando|depositando|dando|transfiriendo|consignando|cancelando",
    ),
    (
        Cue::PlanRequest,
        "propongo|proponemos|propondria|propondriamos|quisiera|quisieramos",
    ),
    (Cue::PlanRequest, "seria|es posible"),
    (Cue::PlanRequest, "habria|hay opcion|posibilidad"),
    (
        Cue::PlanRequest,
        "me|nos dejan|deja|dejaria|permite|permiten|aceptan|acepta",
    ),
    (Cue::PlanRequest, "les|le parece"),
    (
        Cue::CantPay,
        "no puedo|podemos|podre|podremos|pude|podria pagar|abonar|cancelar|transferir|depositar|hacer|con",
    ),
    (Cue::CantPay, "no voy|vamos a poder"),
    (
        Cue::CantPay,
        "no le|te|les|os puedo|podemos|podre|podremos|pude pagar|abonar|depositar|transferir",
    ),
    (Cue::CantPay, "no me|nos alcanza|llega"),
    (
        Cue::CantPay,
        "no tengo|tenemos ?el dinero|plata|fondos|liquidez|lana|efectivo",
    ),
    (
        Cue::CantPay,
        "no cuento|contamos con ?el dinero|plata|fondos|liquidez|efectivo",
    ),
    (
        Cue::CantPay,
        "ando|estoy|estamos|andamos corto|cortos|justo|justos|apretado|apretados",
    ),
    (Cue::CantPay, "sin dinero|plata|trabajo|liquidez|fondos"),
    (
        Cue::CantPay,
        "situacion|momento dificil|complicada|complicado|delicada",
    ),
    (Cue::CantPay, "problemas economicos|financieros"),
    (Cue::CantPay, "problemas de liquidez|dinero"),
    (Cue::CantPay, "me es|resulta imposible"),
    (Cue::CantPay, "imposible pagar"),
    (Cue::Partial, "una|otra parte|porcion"),
    (
        Cue::Partial,
        "parte del|de pago|importe|monto|total|dinero|deuda|saldo|la",
    ),
    (Cue::Partial, "un adelanto|anticipo|abono"),
    (Cue::Partial, "a cuenta"),
    (Cue::Partial, "la|otra mitad"),
    (Cue::Partial, "el resto|restante"),
    (Cue::Partial, "lo que falta|queda|pueda|podamos"),
];
