//! Phrases about paying: plans and delays, inability to pay, partial amounts.

use super::Cue;

/// Phrases, folded (no accents, lower case); see `lexicon` for the pattern syntax.
pub(super) const PAYMENTS: &[(Cue, &str)] = &[
    // Payment plans: instalments, parts, schedules.
    (
        Cue::Plan,
        "cuota|cuotas|plazos|mensualidades|parcialidades|abonos|fraccionamiento",
    ),
    (
        Cue::Plan,
        "fraccionar|fraccionado|fraccionada|fraccionarlo|refinanciar|financiar|financiacion|financiamiento",
    ),
    (Cue::Plan, "plan|convenio|acuerdo de pago|pagos"),
    // "¿podemos hacer un cronograma de pagos?"; "según el cronograma de pagos a proveedores"
    // is the client's own payment run.
    (
        Cue::Plan,
        "un|hacer|armar|acordar|establecer|elaborar|nuevo cronograma|calendario|esquema de pago|pagos",
    ),
    (Cue::Plan, "en|por partes"),
    // "¿me lo dejan a meses sin intereses?" (Mexico), "¿me da facilidades de pago?".
    (Cue::Plan, "meses sin intereses"),
    (Cue::Plan, "msi"),
    (Cue::Plan, "a meses"),
    (
        Cue::Plan,
        "facilidades|facilidad de|para ?el pago|pagar|pagos",
    ),
    (Cue::Plan, "pagos|pago|abono|abonos parciales|parcial"),
    (
        Cue::Plan,
        "en dos|tres|cuatro|cinco|seis|varios|2|3|4|5|6 pagos|partes|veces|meses|plazos|exhibiciones",
    ),
    (Cue::Delay, "mas tiempo|plazo"),
    (Cue::Delay, "un|otro|nuevo plazo"),
    (Cue::Delay, "un poco mas de tiempo|plazo"),
    (
        Cue::Delay,
        "ampliar|ampliacion|extender|extension ?el|del plazo",
    ),
    (
        Cue::Delay,
        "me|nos puede|pueden|podria|podrian|puedes|podes esperar|aguantar",
    ),
    (Cue::Delay, "esperar me|nos"),
    // «¿Pueden esperar hasta fin de mes?», «¿Podéis esperar al viernes?».
    (
        Cue::Delay,
        "pueden|podeis|podrian|podriais|puede|podria|puedes|podes|podrias esperar|aguantar",
    ),
    (Cue::Delay, "me|nos esperan|espera|esperas|esperais"),
    (Cue::Delay, "me|nos aguantan|aguanta|aguantas|aguantais"),
    (
        Cue::Delay,
        "espereme|esperenme|esperame|aguanteme|aguantame",
    ),
    (Cue::Delay, "unos|algunos|pocos dias|dias mas"),
    // "en cuanto pueda", "cuando pueda": no day, time asked for.
    (Cue::Delay, "en cuanto|cuando pueda|podamos"),
    // "¿podríamos hablar para buscar una solución?"
    (
        Cue::Plan,
        "buscar|encontrar ?le|les una|un solucion|arreglo|acuerdo",
    ),
    (Cue::Plan, "llegar a una|un solucion|arreglo|acuerdo"),
    // "¿me da un mes más?", "una semana más de plazo".
    (
        Cue::Delay,
        "un|una|otro|otra|unos|unas|dos|quince mes|meses|semana|semanas|dias|quincena mas",
    ),
    // "¿puedo pagarlo más adelante?", "le pago más adelante": later, no day.
    (
        Cue::Delay,
        "pagar|abonar|pago|pagamos ?lo|la|le|te|les mas adelante|tarde",
    ),
    (Cue::Delay, "una|otra semana mas"),
    (Cue::Delay, "dias|semana|periodo de gracia"),
    (Cue::Delay, "dar ?me|nos un|mas tiempo|plazo"),
    (Cue::Plan, "poco a poco"),
    // "50 y 50", "mitad y mitad": two halves.
    (Cue::Plan, "50|cincuenta y|/ 50|cincuenta"),
    (Cue::Plan, "mitad y mitad"),
    (
        Cue::Plan,
        "dos|tres|cuatro|cinco|seis|varios|2|3|4|5|6 pagos|cuotas|plazos|abonos|mensualidades|partes|exhibiciones",
    ),
    (
        Cue::Delay,
        "retrasar|posponer|postergar|aplazar|demorar el|mi|nuestro pago",
    ),
    (
        Cue::Delay,
        "deme|dame|denme|deneme|regaleme|regalame chance|plazo|tiempo|hasta|unos",
    ),
    (
        Cue::Delay,
        "me|nos podria|podrian|puede|pueden|puedes|podes dar|conceder|regalar|dejar hasta|plazo|tiempo|unos|mas|chance",
    ),
    (
        Cue::Delay,
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
    // Requests for time: a plan unless they name the day the whole invoice is paid.
    (
        Cue::Delay,
        "aplazar|aplazamiento|aplazado|prorroga|prorrogar",
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
    (
        Cue::CantPay,
        "no ?me|te|le|les|os|nos|se ?lo|la|los|las voy|vamos a poder",
    ),
    (
        Cue::CantPay,
        "no le|te|les|os|se ?lo|la|los|las puedo|podemos|podre|podremos|pude pagar|abonar|depositar|transferir",
    ),
    (Cue::CantPay, "no me|nos alcanza|llega"),
    // «No, el viernes tampoco puedo»: another day refused, not offered (beside «No, el …»,
    // which corrects a day, it was read as a promise for Friday).
    (
        Cue::CantPay,
        "tampoco ?le|te|les|os|se ?lo|la|los|las puedo|podemos|podre|podremos|podria|podriamos|pude|pago|pagamos",
    ),
    // «No podemos hasta después de Reyes»: the day the client can pay from.
    (
        Cue::CantPay,
        "no puedo|podemos|podre|podremos|podria|podriamos hasta|antes",
    ),
    // "ahora no puedo, en cuanto pueda os pago".
    (Cue::CantPay, "ahora|ahorita no puedo|podemos"),
    (
        Cue::CantPay,
        "no tengo|tenemos ?el dinero|plata|fondos|liquidez|lana|efectivo",
    ),
    // "no traigo nada de lana ahorita", "no hay plata".
    (
        Cue::CantPay,
        "no tengo|tenemos|traigo|traemos|hay ?nada ?de dinero|plata|fondos|liquidez|lana|feria|varo|efectivo|guita",
    ),
    // Spain's «no tengo un duro», Mexico's «ni un quinto», Argentina's «ni un mango», Chile's
    // «ni una luca».
    (
        Cue::CantPay,
        "no tengo|tenemos|hay ?ni un|una duro|duros|peso|quinto|mango|luca|centavo|euro|clavo|chavo",
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
    // "no es que no quiera pagar, es que no puedo": hardship, not refusal.
    (Cue::CantPay, "es que no puedo|podemos"),
    (Cue::CantPay, "no es que no quiera|queramos"),
    (Cue::CantPay, "imposible pagar"),
    (
        Cue::CantPay,
        "no puedo|podemos|podre|podremos|podriamos atender ?el|la|los|las|su|sus pago|factura|facturas|importe|recibo",
    ),
    (
        Cue::CantPay,
        "no he|hemos podido pagar|pagarle|pagarte|pagarles|pagaros|pagarlo|pagarla|abonar|transferir|depositar|ingresar|consignar|cancelar|hacer|realizar|efectuar|todavia|aun",
    ),
    // «no sé cuándo voy a poder pagar», «no te puedo asegurar cuándo pagaré», «dudo que
    // pueda pagar antes de enero»: no day can be promised.
    (
        Cue::CantPay,
        "no se|sabemos|sabria|sabriamos|sabe ?todavia|aun|bien|exactamente|muy cuando",
    ),
    (
        Cue::CantPay,
        "no ?le|te|les|os puedo|podemos|podria|podriamos asegurar|garantizar|prometer|decir|confirmar cuando",
    ),
    (
        Cue::CantPay,
        "no creo|creemos|pienso que ?le|te|les|os|se ?lo|la|los|las pueda|podamos|vaya|vayamos|alcance|alcancemos",
    ),
    (Cue::CantPay, "no creo|creemos poder"),
    (
        Cue::CantPay,
        "dudo|dudamos que ?le|te|les|os|se ?lo|la|los|las pueda|podamos|vaya|vayamos|alcance|alcancemos",
    ),
    (Cue::Partial, "una|otra parte|porcion"),
    (
        Cue::Partial,
        "parte del|de pago|importe|monto|total|dinero|deuda|saldo|la",
    ),
    (Cue::Partial, "un adelanto|anticipo|abono"),
    (Cue::Partial, "a cuenta"),
    (Cue::Partial, "la|otra mitad"),
    (Cue::Partial, "el resto|restante"),
    // «100 lucas el viernes y el saldo el 15»: after a first share, the balance is the rest
    // (alone, «le pago el saldo el 15» is all of it).
    (Cue::Partial, "y el saldo"),
    (Cue::Partial, "saldo|lo restante"),
    (Cue::Partial, "lo demas"),
    // "os he pagado 300 €, los otros 300 a final de mes".
    (Cue::Partial, "los|las otros|otras|demas"),
    (Cue::Partial, "lo que falta|queda|pueda|podamos"),
];
