//! Fixed phrases that signal an intent, written folded (no accents, lower case).
//!
//! A phrase is a space-separated list of elements; `a|b` is a choice, a leading `?` makes
//! the element optional. Phrases are indexed by every choice of their first element, so each
//! token costs one hash lookup.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::understand::normalise::Token;

/// What a phrase signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cue {
    /// Only automatic replies say this ("respuesta automática", "fuera de la oficina").
    AutoStrong,
    /// Typical of automatic replies; two are needed.
    AutoWeak,
    /// Contests the invoice, the amount or the work.
    Dispute,
    /// Refuses or denies the debt without a reason ("no debo nada", "no voy a pagar").
    DisputeWeak,
    /// Asks for instalments, a delay, or offers partial payments.
    Plan,
    /// Says they cannot pay now (an implicit request for time).
    CantPay,
    /// A part of the amount ("la mitad", "una parte", "un adelanto").
    Partial,
    /// Asks not to be contacted.
    Stop,
    /// Asks for a copy, bank details, an explanation.
    Question,
    /// Agrees ("vale", "de acuerdo", "perfecto").
    Agree,
    /// Strengthens a promise ("sin falta", "a más tardar", "se lo aseguro").
    Sure,
    /// Weakens a promise ("espero", "intentaré", "cuando cobre").
    Hedge,
    /// A promise without a payment verb ("cuente con el pago", "le llega el dinero").
    PromisePhrase,
    /// Proof of payment ("adjunto comprobante", "le paso el justificante").
    PaidProof,
    /// A future action that is not a payment ("le llamo el lunes", "lo reviso").
    NonPay,
    /// A correction: the later statement replaces the earlier one.
    Correction,
    /// Moves a payment to a new day ("lo dejamos para el 22", "pospongo el pago al viernes"):
    /// a promise for the day right after it.
    Reschedule,
    /// Asks or proposes rather than commits ("les propongo", "¿sería posible?"): a plan
    /// request names no promised day.
    PlanRequest,
}

/// A compiled phrase.
pub(crate) struct Phrase {
    /// Elements: the choices for each position and whether it may be skipped.
    elems: Vec<(Vec<&'static str>, bool)>,
    /// What the phrase signals.
    pub cue: Cue,
}

const PHRASES: &[(Cue, &str)] = &[
    (
        Cue::AutoStrong,
        "respuesta|mensaje|correo|contestacion automatica|automatico",
    ),
    (Cue::AutoStrong, "mensaje|correo generado automaticamente"),
    (Cue::AutoStrong, "contestador automatico"),
    (Cue::AutoStrong, "fuera de ?la oficina"),
    (Cue::AutoStrong, "out of ?the office"),
    (Cue::AutoStrong, "automatic reply"),
    (Cue::AutoStrong, "auto ?- reply|respuesta"),
    (Cue::AutoStrong, "autoreply|autorespuesta|autorespondedor"),
    (Cue::AutoStrong, "acuse de recibo"),
    (
        Cue::AutoStrong,
        "no responda|conteste|responder a|al este correo|mensaje|remitente",
    ),
    (Cue::AutoStrong, "buzon no monitorizado|vigilado|atendido"),
    (Cue::AutoStrong, "cuenta no monitorizada"),
    (
        Cue::AutoStrong,
        "buzon|correo|cuenta|direccion no se atiende|atienden|revisa|monitoriza|vigila|lee",
    ),
    (Cue::AutoStrong, "buzon no revisado|supervisado"),
    (
        Cue::AutoStrong,
        "no admite|acepta|recibe respuestas|respuesta",
    ),
    (Cue::AutoStrong, "solo envio|salida"),
    (Cue::AutoStrong, "no responda|conteste"),
    (
        Cue::AutoStrong,
        "ya no esta activa|activo|operativa|operativo",
    ),
    (
        Cue::AutoStrong,
        "resposta|mensagem|reponse automatica|automatique",
    ),
    (Cue::AutoStrong, "automatische antwort"),
    (Cue::AutoStrong, "abwesenheitsnotiz"),
    (Cue::AutoStrong, "nicht im buro"),
    (Cue::AutoStrong, "absent|absente du bureau"),
    (Cue::AutoStrong, "fora do escritorio"),
    (Cue::AutoStrong, "not monitored"),
    (Cue::AutoStrong, "do not reply"),
    (Cue::AutoStrong, "noreply"),
    (Cue::AutoStrong, "away from ?the office"),
    (Cue::AutoStrong, "on annual|sick|parental leave"),
    (Cue::AutoStrong, "limited access to ?my email|e-mail"),
    (
        Cue::AutoWeak,
        "estare|estaremos|estoy|estamos ausente|ausentes|fuera",
    ),
    (Cue::AutoWeak, "me encuentro ausente|fuera|de vacaciones"),
    (Cue::AutoWeak, "ausente hasta"),
    (Cue::AutoWeak, "de vacaciones"),
    (Cue::AutoWeak, "sin acceso a|al ?mi correo|email"),
    (Cue::AutoWeak, "acceso limitado"),
    (Cue::AutoWeak, "no estare disponible"),
    (
        Cue::AutoWeak,
        "regresare|volvere|reincorporare|reincorporo|regresaremos|volveremos",
    ),
    (Cue::AutoWeak, "a mi regreso|vuelta"),
    (Cue::AutoWeak, "para asuntos|temas urgentes"),
    (Cue::AutoWeak, "en caso de urgencia"),
    (
        Cue::AutoWeak,
        "hemos recibido su|tu correo|mensaje|consulta|solicitud",
    ),
    (
        Cue::AutoWeak,
        "le|te responderemos|contestaremos|atenderemos",
    ),
    (Cue::AutoWeak, "a la mayor brevedad ?posible"),
    (Cue::AutoWeak, "gracias por su|tu mensaje|correo|email"),
    (Cue::AutoWeak, "pongase en contacto"),
    (Cue::AutoWeak, "contacte|contactar con"),
    (
        Cue::AutoWeak,
        "de baja medica|laboral|maternal|maternidad|paternidad|enfermedad",
    ),
    (
        Cue::AutoWeak,
        "de baja por maternidad|paternidad|enfermedad|incapacidad",
    ),
    (
        Cue::AutoWeak,
        "permanecere|permaneceremos fuera|ausente|ausentes",
    ),
    (Cue::AutoWeak, "ausente|ausentes por"),
    (Cue::AutoWeak, "pondremos|pondre en contacto"),
    (
        Cue::AutoWeak,
        "ha sido recibido|recibida|registrado|registrada",
    ),
    (
        Cue::AutoWeak,
        "sera|seran atendido|atendida|atendidos|atendidas|respondido|respondida|respondidos|respondidas|contestado|contestada",
    ),
    (Cue::AutoWeak, "le|te|les respondera|contestara|atendera"),
    (Cue::AutoWeak, "en breve"),
    (Cue::AutoWeak, "numero de ticket|caso|incidencia|solicitud"),
    (Cue::AutoWeak, "horario de atencion|oficina"),
    (Cue::AutoWeak, "siguiente|proximo dia habil|laborable"),
    (
        Cue::AutoWeak,
        "gracias por escribirnos|escribir|contactarnos|contactar|contactarte|contactarse|comunicarte|comunicarse|comunicarnos|ponerse|ponerte",
    ),
    (Cue::AutoWeak, "durante|en mi|nuestra ausencia"),
    (Cue::AutoWeak, "ya no labora|trabaja en ?la|esta empresa"),
    (Cue::AutoWeak, "thank you for your email|message"),
    (Cue::AutoWeak, "i will reply|respond|be back"),
    (Cue::AutoWeak, "currently out"),
    // Disputes.
    (Cue::Dispute, "no reconozco|reconocemos"),
    (Cue::Dispute, "desconozco|desconocemos"),
    (Cue::Dispute, "no me|nos corresponde|corresponden"),
    (Cue::Dispute, "no corresponde|corresponden"),
    (Cue::Dispute, "no es|son mia|mias|nuestra|nuestras|mio"),
    (
        Cue::Dispute,
        "esta|estan mal ?hecho|hecha|hechos|calculada|calculado|facturado|facturada",
    ),
    (
        Cue::Dispute,
        "mal hecho|hecha|facturado|facturada|calculado|calculada|cobrado",
    ),
    (
        Cue::Dispute,
        "hay|tiene|existe|tienen un|algun error|errores",
    ),
    (Cue::Dispute, "hay|tiene|tienen errores"),
    (
        Cue::Dispute,
        "error en ?la|el factura|importe|monto|cantidad|cobro|precio|total",
    ),
    (
        Cue::Dispute,
        "factura|importe|monto|cobro erronea|erroneo|equivocada|equivocado|incorrecta|incorrecto|duplicada|duplicado",
    ),
    (
        Cue::Dispute,
        "es|son|esta|estan incorrecta|incorrecto|erronea|erroneo|equivocada|equivocado|duplicada",
    ),
    (
        Cue::Dispute,
        "se equivocaron|equivocan|equivoco|equivocaran",
    ),
    (Cue::Dispute, "se han|ha equivocado"),
    (Cue::Dispute, "no estoy|estamos de acuerdo"),
    (
        Cue::Dispute,
        "no estoy|estamos|quedamos|quede conforme|conformes|satisfecho|satisfechos|satisfecha",
    ),
    (
        Cue::Dispute,
        "disconforme|disconformes|inconforme|inconformes|disconformidad",
    ),
    (Cue::Dispute, "reclamo|reclamacion|queja|impugno|impugnar"),
    (
        Cue::Dispute,
        "defectuoso|defectuosa|defectuosos|defectuosas",
    ),
    (Cue::Dispute, "no funciona|funcionaba|sirve|servia"),
    (
        Cue::Dispute,
        "nunca llego|llegaron|recibi|recibimos|hicieron|terminaron",
    ),
    (
        Cue::Dispute,
        "no recibi|recibimos|llego|llegaron ?el|la|los|las|ningun|ninguna pedido|producto|productos|mercancia|material|servicio|trabajo|mercaderia|equipo|envio",
    ),
    (
        Cue::Dispute,
        "no hicieron|terminaron|entregaron|completaron",
    ),
    (Cue::Dispute, "no se termino|hizo|entrego|completo"),
    (Cue::Dispute, "quedo|quedaron mal"),
    (Cue::Dispute, "incompleto|incompleta|inacabado|inacabada"),
    (Cue::Dispute, "cobro|cargo indebido"),
    (
        Cue::Dispute,
        "cobrado|cobraron|cobran|cobrando|cobra|cobro de mas",
    ),
    (Cue::Dispute, "no es|fue lo acordado|pactado|presupuestado"),
    (Cue::Dispute, "lo acordado|pactado era|fue|fueron"),
    (Cue::Dispute, "el presupuesto era|fue|decia"),
    (
        Cue::Dispute,
        "no encargue|encargamos|pedi|pedimos|contrate|contratamos|solicite|solicitamos|autorice|autorizamos",
    ),
    (
        Cue::Dispute,
        "fraude|estafa|estafadores|abogado|abogada|abogados|denuncia|denunciar|demanda|profeco|sernac|omic|condusef",
    ),
    (
        Cue::Dispute,
        "el trabajo|servicio|producto esta|estuvo|quedo mal",
    ),
    (
        Cue::Dispute,
        "no cuadra|cuadran|coincide|coinciden|concuerda|concuerdan",
    ),
    (
        Cue::Dispute,
        "ir|emitirse|emitir|emitida|emitido|estar|hacerse|hacer|hecha|salir|venir|facturar|facturarse a nombre",
    ),
    (Cue::Dispute, "a nombre de otra|otro"),
    (
        Cue::Dispute,
        "falta|faltan ?aplicar|descontar ?el|la|los descuento|descuentos|bonificacion|rebaja|anticipo|nota",
    ),
    (
        Cue::Dispute,
        "no es|era|son ?el|lo|la|los que pactamos|acordamos|quedamos|hablamos|cotizaron|presupuestaron|pactaron|acordaron",
    ),
    (
        Cue::Dispute,
        "nunca ?nos|me|le|les|lo|la vino|vinieron|aparecio|aparecieron|prestaron|presto|entregaron|instalaron|hicieron|contratamos|contrate|pedimos|pedi|solicitamos|solicite|encargamos|encargue|compre|compramos|recibimos|recibi",
    ),
    (
        Cue::Dispute,
        "no se hicieron|realizaron|prestaron|presto|realizo|instalo|instalaron|entregaron|terminaron|completaron",
    ),
    (
        Cue::Dispute,
        "precio|importe|monto|valor|cobro distinto|diferente|superior|mayor|excesivo",
    ),
    (
        Cue::Dispute,
        "solo|solamente llego|llegaron|recibimos|recibi|entregaron|vinieron|vino",
    ),
    (
        Cue::Dispute,
        "no se ha|han|habia descontado|aplicado|restado|tenido|considerado",
    ),
    (Cue::Dispute, "nota de credito|abono"),
    (
        Cue::Dispute,
        "factura|facturas rectificativa|rectificativas",
    ),
    (Cue::Dispute, "factura|facturas de abono"),
    (Cue::Dispute, "rectificar ?la factura"),
    (
        Cue::Dispute,
        "equivocasteis|equivocaste|equivocado|equivocada de empresa|persona|cliente|destinatario|direccion|correo|factura",
    ),
    (Cue::Dispute, "equivocasteis|equivocaste"),
    (Cue::Dispute, "ha|han|has equivocado|equivocada"),
    (Cue::Dispute, "no somos|soy cliente|clientes|clienta"),
    (
        Cue::Dispute,
        "devolvimos|devolvi|devolvieron|devolvemos|devolveremos",
    ),
    (
        Cue::Dispute,
        "regrese|regresamos|retorne|retornamos ?el|la|los|las|su producto|productos|mercancia|mercaderia|pedido|material|equipo|articulo|articulos|compra",
    ),
    (
        Cue::Dispute,
        "facturaron|facturado|facturan|facturando|cargaron|cargado de mas",
    ),
    (
        Cue::Dispute,
        "siguen|sigue cobrando|facturando|cargando|cobrandome|cobrandonos",
    ),
    (Cue::Dispute, "di|dimos|dio de baja"),
    (
        Cue::Dispute,
        "cancelacion|baja del|de ?mi|el|la servicio|contrato|suscripcion|linea",
    ),
    (
        Cue::Dispute,
        "llego|llegaron|vino|vinieron|entregaron|recibimos|recibi danado|danada|danados|danadas|roto|rota|rotos|rotas|estropeado|estropeada|estropeados|estropeadas|incompleto|incompleta|mal",
    ),
    (Cue::Dispute, "danado|danada|danados|danadas"),
    (
        Cue::Dispute,
        "factura|importe|monto|cobro|cargo repetida|repetido",
    ),
    (
        Cue::Dispute,
        "es|son|esta|estan repetida|repetido|repetidas|repetidos",
    ),
    (
        Cue::Dispute,
        "cobraron|cobrado|cobran|facturaron|facturado|cargaron|cargado|pagado|pague|pagamos|cobro|cargo dos veces",
    ),
    (
        Cue::Dispute,
        "cobraron|cobrado|cobran|facturaron|facturado|cargaron|cargado|cobro|cargo doble",
    ),
    (Cue::Dispute, "doble cobro|cargo|facturacion"),
    (Cue::Dispute, "fue|esta|estaba|quedo anulada|anulado"),
    (Cue::Dispute, "factura anulada"),
    (
        Cue::Dispute,
        "quedo|quedaron|esta|estan|dejaron|dejo a medias",
    ),
    (
        Cue::Dispute,
        "no esta|estan terminado|terminada|terminados|acabado|acabada|completo|completa",
    ),
    (Cue::DisputeWeak, "no debo|debemos ?nada"),
    (Cue::DisputeWeak, "no le|te|les|os debo|debemos"),
    (Cue::DisputeWeak, "no tengo|tenemos nada que pagar"),
    (Cue::DisputeWeak, "no pienso|pensamos pagar|pagarle|pagar"),
    (Cue::DisputeWeak, "no voy|vamos a pagar"),
    (Cue::DisputeWeak, "no pagare|pagaremos"),
    (Cue::DisputeWeak, "me niego|nos negamos"),
    (Cue::DisputeWeak, "no procede"),
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
        "en dos|tres|cuatro|cinco|seis|varios|2|3|4|5|6 pagos|partes|veces|meses|plazos",
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
    (
        Cue::CantPay,
        "problemas economicos|financieros|de liquidez|de dinero",
    ),
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
    // Opt-out.
    (
        Cue::Stop,
        "no me|nos escriba|escriban|escribas|escribais|contacte|contacten|contactes|llame|llamen|llames|molesten|moleste|molestes|manden|mande|mandes|envien|envie|envies|vuelvan|vuelva|vuelvas",
    ),
    (
        Cue::Stop,
        "dejen|deje|deja|dejad|dejes de escribir|molestar|enviar|mandar|contactar|llamar|insistir|acosar|escribirme|molestarme",
    ),
    (Cue::Stop, "dar ?me|nos de baja"),
    (Cue::Stop, "de baja"),
    (
        Cue::Stop,
        "unsubscribe|desuscribir|desuscribirme|desuscribirse",
    ),
    (
        Cue::Stop,
        "no quiero|queremos|deseo|deseamos recibir|seguir",
    ),
    (
        Cue::Stop,
        "no quiero|queremos que me|nos escriban|contacten|llamen|molesten|manden|envien|sigan",
    ),
    (
        Cue::Stop,
        "borren|eliminen|supriman|borrar|eliminar|suprimir ?todos mis|nuestros datos",
    ),
    (
        Cue::Stop,
        "quitenme|saquenme|eliminenme|borrenme de ?la|su|sus lista|listas|base",
    ),
    (
        Cue::Stop,
        "quitar|sacar|eliminar|borrar me|nos de ?la|su|sus lista|listas|base",
    ),
    (Cue::Stop, "no me|nos interesa"),
    (
        Cue::Stop,
        "acoso|acosando|hostigamiento|hostigando|hostigar",
    ),
    (Cue::Stop, "proteccion de datos"),
    (Cue::Stop, "derecho de oposicion"),
    // Questions.
    (Cue::Question, "copia|duplicado|desglose"),
    (Cue::Question, "reenviar|reenvie|reenvien|reenvia|reenvias"),
    (
        Cue::Question,
        "numero|n|nro|no|datos de ?la ?su cuenta|cuentas",
    ),
    (Cue::Question, "datos bancarios"),
    (
        Cue::Question,
        "datos de|para ?el|la pago|transferencia|deposito|consignacion|pagar|transferir|depositar|consignar",
    ),
    (Cue::Question, "cuenta bancaria|corriente"),
    (Cue::Question, "iban|clabe|cbu|cvu|swift|bic|alias"),
    (Cue::Question, "a que cuenta|nombre"),
    (Cue::Question, "a nombre de quien"),
    (
        Cue::Question,
        "como|donde ?le|te|les ?se pago|paga|puedo|podemos|hago|realizo|deposito|transfiero",
    ),
    (
        Cue::Question,
        "que es|son ?este|ese|esta|esa|el|la cargo|concepto|importe|cobro|recargo|factura|monto",
    ),
    (
        Cue::Question,
        "a que corresponde|corresponden|se debe|se refiere",
    ),
    (Cue::Question, "de que es|son"),
    (
        Cue::Question,
        "por que ?me|nos cobran|cobra|se cobra|debo|es",
    ),
    (
        Cue::Question,
        "cuanto es|debo|seria|queda|sale|falta|debemos",
    ),
    (Cue::Question, "cuanto le|te|les debo|debemos|pago"),
    (
        Cue::Question,
        "cual es|seria el|la monto|importe|saldo|total|numero|cuenta|cantidad",
    ),
    (Cue::Question, "que|cual factura|facturas"),
    (
        Cue::Question,
        "no me|nos ha|han llegado ?la|ninguna factura|facturas",
    ),
    (
        Cue::Question,
        "no me|nos llego|llegaron ?la|ninguna factura|facturas",
    ),
    (Cue::Question, "no he|hemos recibido ?la|ninguna factura"),
    (Cue::Question, "no recibi|recibimos ?la|ninguna factura"),
    (
        Cue::Question,
        "mandar|enviar|pasar|reenviar|facilitar me|nos ?la|el|una|los|las|un factura|copia|detalle|desglose|datos|recibo|numero|cuenta|iban|clabe|cbu|alias|facturas",
    ),
    (
        Cue::Question,
        "mandame|enviame|pasame|mandeme|envieme|paseme|reenvieme|reenviame|facilitame|facliteme ?la|el|una|los|las|un factura|copia|detalle|desglose|datos|recibo|numero|cuenta|iban|clabe|cbu|alias|facturas",
    ),
    (
        Cue::Question,
        "me|nos manda|envia|pasa|mandan|envian|pasan|mandas|envias|pasas|facilita|puede|pueden|podria|podrian|puedes|podes ?mandar|enviar|pasar|reenviar|facilitar ?la|el|una|los|un factura|copia|detalle|desglose|datos|recibo|numero|cuenta",
    ),
    // Agreement and strength.
    (
        Cue::Agree,
        "vale|ok|perfecto|entendido|listo|dale|okey|genial|sale|conforme|correcto|hecho|claro",
    ),
    (Cue::Agree, "de acuerdo"),
    (Cue::Agree, "esta bien"),
    (Cue::Sure, "sin falta|falla"),
    (Cue::Sure, "seguro|seguramente|seguro que"),
    (Cue::Sure, "le|te|les|se ?lo|la aseguro|prometo|garantizo"),
    (Cue::Sure, "cuente|cuenta|cuenten con ?ello|eso"),
    (Cue::Sure, "a mas tardar"),
    (Cue::Sure, "como maximo|mucho|muy tarde"),
    (Cue::Sure, "de todas maneras|formas"),
    (Cue::Sure, "lo antes posible"),
    (Cue::Sure, "cuanto antes"),
    (Cue::Sure, "a la brevedad"),
    (Cue::Sure, "me comprometo|nos comprometemos"),
    (
        Cue::Hedge,
        "espero|esperamos|intentare|intentaremos|tratare|trataremos|quizas|quiza|ojala|posiblemente|probablemente",
    ),
    (Cue::Hedge, "creo|creemos que"),
    (Cue::Hedge, "tal vez"),
    (Cue::Hedge, "a lo mejor"),
    (Cue::Hedge, "si puedo|podemos|cobro|cobramos"),
    (Cue::Hedge, "si todo va bien"),
    (Cue::Hedge, "si dios quiere"),
    (Cue::Hedge, "si me|nos pagan|depositan"),
    (Cue::Hedge, "primero|si dios"),
    (Cue::Hedge, "en principio"),
    (
        Cue::Hedge,
        "cuando|apenas ?me|nos|yo cobre|cobremos|paguen|depositen|transfieran|llegue|entre|cobro",
    ),
    (
        Cue::Hedge,
        "en cuanto ?me|nos|yo cobre|cobremos|paguen|depositen|transfieran|llegue|entre|cobro",
    ),
    (
        Cue::Hedge,
        "una vez que ?me|nos|yo cobre|cobremos|paguen|depositen|transfieran|cobro",
    ),
    (
        Cue::PromisePhrase,
        "cuente|cuenta|cuenten con el|su|tu pago|dinero|importe|transferencia|deposito",
    ),
    (
        Cue::PromisePhrase,
        "tendra|tendran|tendras|recibira|recibiran|recibiras el|su|tu pago|dinero|transferencia|deposito|importe",
    ),
    (
        Cue::PromisePhrase,
        "le|te|les llega|llegara|llegaran|cae|caera|entra|entrara el|la|su|tu pago|dinero|transferencia|deposito|plata",
    ),
    (
        Cue::PromisePhrase,
        "procedere|procederemos|procedemos|procedo al|a pago|abono|ingreso|pagar|abonar|transferir",
    ),
    (
        Cue::PromisePhrase,
        "quedara|estara pagado|pagada|saldado|saldada|cubierto|cubierta|abonado|abonada",
    ),
    (
        Cue::PromisePhrase,
        "pago|abono|ingreso|transferencia|deposito|dinero|plata|importe|cheque|giro|consignacion|bizum|monto|orden|lana|fondos|cargo ?se|le|te|les|lo|la|nos ?le|te|les|se hara|realizara|realiza|efectuara|efectua|emitira|emite|ejecutara|ejecuta|procesara|procesa|enviara|envia|cursara|cursa|acreditara|acredita|abonara|abona|ingresara|ingresa|girara|gira|llegara|llega|entrara|entra|saldra|sale|caera|cae|estara|ira|vera|reflejara|refleja|liberara|libera|tramitara|tramita|haran|realizaran|efectuaran|llegaran|saldran|estaran|sera",
    ),
    (
        Cue::PromisePhrase,
        "pago|abono|ingreso|transferencia|deposito|consignacion|bizum|giro se hace|hacen",
    ),
    (
        Cue::PromisePhrase,
        "tienen|tiene|tendran|tendra|tendras|tienes|tenes|teneis|tendreis el|la|su|tu|vuestro|vuestra dinero|pago|ingreso|importe|transferencia|deposito|plata|abono",
    ),
    (
        Cue::PromisePhrase,
        "entra|entrara|entran|incluida|incluido|incluidas|incluidos|considerado|considerada|contemplado|contemplada|va|ira|van|iran|metemos|meto|incluimos|incluyo en la|el ?proxima|proximo|siguiente remesa|relacion|corrida|programacion|lote|tanda|ronda|ciclo|calendario|cronograma|nomina",
    ),
    (
        Cue::PromisePhrase,
        "programado|programada|programamos|programo|programa|programe|programaremos|programare|agendado|agendada|agendamos|agendo|calendarizado|calendarizada|calendarizamos",
    ),
    (
        Cue::PromisePhrase,
        "libera|liberara|liberamos|liberaremos|liberan|liberaran el|la ?pago|transferencia|deposito|cheque|factura|fondos",
    ),
    (
        Cue::PromisePhrase,
        "para que ?se lo|la|le|me haga|pague|abone|transfiera|deposite|ingrese|consigne|cancele|liquide",
    ),
    (
        Cue::PromisePhrase,
        "le|te|les llega|llegara|llegaran|cae|caera|entra|entrara el|la|su|tu abono|ingreso|bizum|importe|lana|consignacion|giro|cheque|yape",
    ),
    (
        Cue::PromisePhrase,
        "orden|ordenes de pago|transferencia|abono para",
    ),
    (
        Cue::PromisePhrase,
        "caigo|caemos|caere|caeremos con ?la|el lana|plata|dinero|pago|feria",
    ),
    (
        Cue::PaidProof,
        "ya lo|la tienes|tienen|tiene|teneis|tenes|tendrias|tendria|tendrian",
    ),
    (
        Cue::Reschedule,
        "dejamos|dejemos|dejo|pasamos|pasemos|movemos|movamos|muevo|mover|cambiamos|aplazamos|aplazo|posponemos|pospongo|retrasamos|reprogramo|reprogramamos|recorremos|recorro|retrasa|pospone|aplaza|queda|quedaria",
    ),
    (
        Cue::PaidProof,
        "pago|abono|ingreso|transferencia|deposito|dinero|plata|importe|cheque|giro|consignacion|bizum|monto|factura|cuenta|deuda|spei ?ya se ?le|les|nos emitio|realizo|efectuo|hizo|envio|mando|ejecuto|proceso|curso|acredito|abono|ingreso|giro|pago|transfirio|deposito|cancelo|liquido|tramito|ordeno|libero|hicieron|realizaron|emitieron|enviaron|mandaron",
    ),
    (
        Cue::PaidProof,
        "ya quedo|quedaron|salio|cayo|entro|llego|esta|estan|fue ?el|la|tu|su|mi|los spei|pago|transferencia|deposito|bizum|yape|plin|nequi|ingreso|abono|giro|consignacion|dinero|plata|lana|efectivo|transfer|transfe|importe|cheque|pagos|depositos",
    ),
    (
        Cue::PaidProof,
        "ya tienen|tiene|teneis|tienes|tenes|tendrian|tendrias|tendria el|la|su|tu|vuestro|vuestra dinero|pago|ingreso|importe|transferencia|deposito|plata|abono",
    ),
    (
        Cue::PaidProof,
        "ya deberian|deberia|deberias tener el|la|su|tu|vuestro|vuestra dinero|pago|ingreso|importe|transferencia|deposito|plata|abono",
    ),
    (
        Cue::PromisePhrase,
        "lo|la tendra|tendran|tendras|tendreis|tiene|tienen|tendria|tendrian",
    ),
    (
        Cue::PaidProof,
        "aqui|ahi|alli esta|va|tiene|tienes|tienen|les|le|te|dejo ?el|la|un|una|su|tu|los ?foto|copia comprobante|comprobantes|justificante|voucher|constancia|captura|soporte|recibo|pantallazo|ficha|boleta|resguardo",
    ),
    (
        Cue::PaidProof,
        "comprobante|justificante|voucher|pantallazo|captura|ficha ?esta|va|queda|van adjunto|adjunta|anexo|anexa|adjuntos",
    ),
    (
        Cue::PaidProof,
        "ficha|boleta|resguardo|papeleta de deposito|pago|transferencia|ingreso",
    ),
    (
        Cue::PaidProof,
        "adjunto|adjuntamos|anexo|envio|mando|paso|aqui|ahi|remito|va|comparto ?el|la|les|le|te|un|una ?su|foto comprobante|justificante|voucher|constancia|captura|soporte|recibo|pantallazo|del",
    ),
    (
        Cue::PaidProof,
        "comprobante|justificante|voucher|constancia de pago|transferencia|deposito",
    ),
    (
        Cue::PaidProof,
        "comprobante|justificante|voucher|pantallazo|captura adjunto|adjunta",
    ),
    (
        Cue::NonPay,
        "le|te|lo|la|les llamo|llamare|aviso|avisare|escribo|escribire|contesto|respondo|comento|digo|comentare|dire|confirmo|confirmare|confirmamos|marco|marcare|contare|cuento|envio|mando|paso|enviare|mandare|pasare|enviamos|mandamos",
    ),
    (
        Cue::NonPay,
        "lo|la vemos|veremos|charlo|charlamos|hablo|hablamos|hablare|comento|consulto|consultamos|reviso|revisamos",
    ),
    (
        Cue::NonPay,
        "lo reviso|miro|veo|consulto|checo|chequeo|reviso",
    ),
    (Cue::NonPay, "lo|la revisare|revisamos|consultare"),
    (Cue::NonPay, "hablamos"),
    (Cue::NonPay, "nos vemos"),
    (Cue::NonPay, "paso por"),
    (
        Cue::Correction,
        "mejor|perdon|perdone|disculpe|corrijo|rectifico|corrigiendo",
    ),
    (Cue::Correction, "quise decir"),
    (Cue::Correction, "o sea"),
    (Cue::Correction, "que sea"),
    (Cue::Correction, "en vez|lugar de|del"),
];

fn compile(pattern: &'static str, cue: Cue) -> Phrase {
    let elems = pattern
        .split(' ')
        .map(|e| {
            let (opt, body) = match e.strip_prefix('?') {
                Some(b) => (true, b),
                None => (false, e),
            };
            (body.split('|').collect(), opt)
        })
        .collect();
    Phrase { elems, cue }
}

/// Phrases indexed by the words their first element accepts.
static INDEX: LazyLock<HashMap<&'static str, Vec<Phrase>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<Phrase>> = HashMap::new();
    for (cue, pattern) in PHRASES {
        let first = pattern.split(' ').next().unwrap_or("");
        for word in first.trim_start_matches('?').split('|') {
            map.entry(word).or_default().push(compile(pattern, *cue));
        }
    }
    map
});

/// A phrase found in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CueHit {
    /// What it signals.
    pub cue: Cue,
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
}

/// Tries to match `elems` at token `i`; returns the end of the longest match.
fn match_at(elems: &[(Vec<&'static str>, bool)], toks: &[Token<'_>], i: usize) -> Option<usize> {
    let Some(((choices, optional), rest)) = elems.split_first() else {
        return Some(i);
    };
    let here = toks
        .get(i)
        .filter(|t| choices.contains(&t.text))
        .and_then(|_| match_at(rest, toks, i + 1));
    if here.is_some() {
        return here;
    }
    if *optional {
        return match_at(rest, toks, i);
    }
    None
}

/// Every phrase in the text; overlapping matches of different cues are all kept.
pub(crate) fn find_cues(toks: &[Token<'_>]) -> Vec<CueHit> {
    let mut hits = Vec::new();
    for i in 0..toks.len() {
        let Some(phrases) = INDEX.get(toks[i].text) else {
            continue;
        };
        for p in phrases {
            if let Some(end) = match_at(&p.elems, toks, i) {
                hits.push(CueHit {
                    cue: p.cue,
                    start: i,
                    end,
                });
            }
        }
    }
    hits
}
