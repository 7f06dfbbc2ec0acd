//! Phrases only automatic replies write (out of office, acknowledgements, unattended mailboxes), in Spanish and the languages clients' servers answer in.

use super::Cue;

/// Phrases, folded (no accents, lower case); see `lexicon` for the pattern syntax.
pub(super) const AUTO: &[(Cue, &str)] = &[
    (
        Cue::AutoStrong,
        "respuesta|mensaje|correo|contestacion automatica|automatico",
    ),
    (Cue::AutoStrong, "mensaje|correo generado automaticamente"),
    (Cue::AutoStrong, "contestador automatico"),
    // Absence notices without the word "automático".
    (Cue::AutoWeak, "no me encuentro|encontrare disponible"),
    (Cue::AutoWeak, "no me encuentro|encontrare en la oficina"),
    (Cue::AutoWeak, "estoy de licencia|permiso|baja hasta"),
    (
        Cue::AutoStrong,
        "te|le|les contestamos|responderemos|respondemos|contestaremos en cuanto podamos",
    ),
    (
        Cue::AutoStrong,
        "te|le|les contestamos|responderemos|respondemos|contestaremos lo antes posible",
    ),
    // WhatsApp Business and help desks: "En este momento no podemos atenderte".
    (
        Cue::AutoStrong,
        "en este momento no podemos|puedo atender|atenderte|atenderle ?te|le|lo|la|los|les",
    ),
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
    // Not "no conteste": folded, it is also the person's "no contesté".
    (Cue::AutoStrong, "no responda"),
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
    (Cue::AutoStrong, "am on holiday|vacation|leave"),
    (Cue::AutoStrong, "solo para envios|envio|notificaciones"),
    (
        Cue::AutoStrong,
        "no se revisan|leen|atienden|responden|contestan ?las|los respuestas|mensajes|correos",
    ),
    (Cue::AutoWeak, "ya no pertenece|pertenecen|forma"),
    (Cue::AutoWeak, "persona destinataria"),
    (Cue::AutoWeak, "no access to ?my ?email"),
    (Cue::AutoStrong, "do not reply"),
    (Cue::AutoStrong, "noreply"),
    (Cue::AutoStrong, "away from ?the office"),
    (Cue::AutoStrong, "on annual|sick|parental leave"),
    (Cue::AutoStrong, "limited access to ?my email|e-mail"),
    (
        Cue::AutoWeak,
        "estare|estaremos|estoy|estamos ausente|ausentes|fuera",
    ),
    (Cue::AutoWeak, "me encuentro ausente|fuera"),
    (Cue::AutoWeak, "me encuentro de vacaciones"),
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
    // Holiday closures: "Nuestras oficinas permanecerán cerradas del 24 de diciembre al 6
    // de enero. Atenderemos su consulta a partir del 7."
    (
        Cue::AutoWeak,
        "oficina|oficinas|empresa|tienda|despacho|establecimiento|local permanecera|permaneceran|estara|estaran cerrada|cerradas|cerrado|cerrados",
    ),
    (
        Cue::AutoWeak,
        "atenderemos|responderemos|contestaremos|gestionaremos su|tu consulta|solicitud|mensaje|correo|peticion",
    ),
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
];
