//! Phrases about everything around the payment: opt-outs, questions, agreement and hedges, promises and proofs without a payment verb, rescheduling, actions that are not payments, corrections.

use super::Cue;

/// Phrases, folded (no accents, lower case); see `lexicon` for the pattern syntax.
pub(super) const TALK: &[(Cue, &str)] = &[
    // Opt-out.
    (
        Cue::Stop,
        "no me|nos sigan|siga|sigas|escriba|escriban|escribas|escribais|contacte|contacten|contactes|llame|llamen|llames|molesten|moleste|molestes|manden|mande|mandes|envien|envie|envies|vuelvan|vuelva|vuelvas|fastidien|fastidie|fastidies|sigais|contacteis|llameis|molesteis|mandeis|envieis|volvais|fastidieis",
    ),
    // "no vuelvan a contactarme", "les solicito no volver a contactarme".
    (
        Cue::Stop,
        "no vuelvan|vuelva|vuelvas|volvais|volver a escribir|contactar|llamar|molestar|mandar|enviar|insistir|marcar",
    ),
    // "si me vuelven a escribir los denuncio": a threat that asks for silence (the
    // complaint it threatens is not a dispute of the invoice, see `decide::prepare`).
    (
        Cue::Stop,
        "si ?me|nos vuelven|vuelve|vuelves|volveis a escribir|contactar|llamar|molestar|mandar|enviar|insistir|marcar",
    ),
    // Spain's threatening "como": "como me vuelvan a escribir os denuncio".
    (
        Cue::Stop,
        "como ?me|nos vuelvan|vuelva|vuelvas|volvais a escribir|contactar|llamar|molestar|mandar|enviar|insistir|marcar",
    ),
    (
        Cue::Stop,
        "como ?me|nos sigan|siga|sigas|sigais escribiendo|llamando|molestando|mandando|enviando|contactando|acosando|insistiendo|marcando",
    ),
    (
        Cue::Stop,
        "si ?me|nos siguen|sigue|sigues|seguis escribiendo|llamando|molestando|mandando|enviando|contactando|acosando|insistiendo|marcando",
    ),
    (
        Cue::Stop,
        "dejen|deje|deja|dejad|dejes de escribir|molestar|enviar|mandar|contactar|llamar|insistir|acosar|escribirme|molestarme|joder|jodernos|joderme|hinchar|fastidiar",
    ),
    (Cue::Stop, "dar ?me|nos de baja"),
    // Mexico's «ya no me estén mandando mensajes».
    (
        Cue::Stop,
        "no ?me|nos esten|este|estes|anden|ande|andes mandando|enviando|escribiendo|llamando|marcando",
    ),
    // «Por favor, no sigan enviando estos correos», «dejen de mandarme mensajes».
    (
        Cue::Stop,
        "no sigan|sigas|siga|continuen|continues|continue enviando|mandando|escribiendo|enviandome|mandandome|escribiendome|enviandonos|mandandonos",
    ),
    (
        Cue::Stop,
        "dejen|deje|deja|dejad de enviar|mandar|escribir|enviarme|mandarme|escribirme|enviarnos|mandarnos|escribirnos",
    ),
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
        "borren|eliminen|supriman|cancelen|borre|elimine|suprima|cancele|borrad|eliminad|suprimid|borra|elimina|borrar|eliminar|suprimir ?todos mis|nuestros datos",
    ),
    // "solicito la supresión de mis datos", the Latin American "derechos ARCO".
    (
        Cue::Stop,
        "supresion|eliminacion|borrado|cancelacion de ?todos mis|nuestros datos",
    ),
    (Cue::Stop, "derechos|derecho arco"),
    // "bórrenme de esta lista".
    (
        Cue::Stop,
        "borrenme|borreme|borrame|eliminenme|quitenme|sacame|saquenme|borradme|quitadme de ?la|esta|su|vuestra|vuestras|sus lista|listas|base",
    ),
    // "borren mi número" (on Telegram, WhatsApp): stop writing to me.
    (
        Cue::Stop,
        "borren|eliminen|quiten|borrad|eliminad|quitad|borra|elimina|quita|borrar|eliminar|quitar|borrame|borreme|eliminame|elimineme mi|mis|nuestro|nuestros|este numero|telefono|contacto|correo|email|datos",
    ),
    (
        Cue::Stop,
        "quitenme|saquenme|eliminenme|borrenme|quitame|sacame|borrame de ?la|su|sus|tu|tus lista|listas|base|envios|correos|contactos|mailing|sistema",
    ),
    (
        Cue::Stop,
        "quitar|sacar|eliminar|borrar me|nos de ?la|su|sus lista|listas|base",
    ),
    (Cue::Stop, "no me|nos interesa"),
    // Rioplatense "no me jodan más", "no me hinches más": only with "más" ("¡no me jodas!"
    // alone is surprise).
    (Cue::Stop, "no me|nos jodan|jodas|hinchen|hinches mas"),
    // "solicito que nos retiren de su lista de envíos".
    (
        Cue::Stop,
        "retiren|retirenme|retirenos|excluyan|excluyanme|retirar|excluir ?me|nos de ?la|su|sus|vuestra lista|listas|base|envios|mailing|sistema",
    ),
    // Mexican "favor de no ...", "no enviar más".
    (
        Cue::Stop,
        "favor de ?ya no escribir|contactar|llamar|molestar|insistir|seguir|volver",
    ),
    (
        Cue::Stop,
        "favor de ?ya no estar|andar mandando|enviando|escribiendo|llamando|molestando|marcando",
    ),
    // Mexico: «ya no me estén molestando», «no me anden marcando».
    (
        Cue::Stop,
        "no me|nos esten|este|estes|esteis|anden|ande|andes|andeis molestando|escribiendo|llamando|marcando|mandando|enviando|fastidiando|acosando|insistiendo",
    ),
    (
        Cue::Stop,
        "favor de ?ya no enviar|mandar ?me|nos ?mas recordatorios|mensajes|correos|avisos|emails|mails|notificaciones|whatsapps|cobros|comunicaciones|requerimientos|sms|nada",
    ),
    // "basta ya de correos", "ya basta de mensajes".
    (
        Cue::Stop,
        "basta|suficiente ?ya de mensajes|correos|recordatorios|llamadas|avisos|emails|mails|whatsapps|notificaciones",
    ),
    // "ya está bien de correos", "ya está bien de mandarme mensajes".
    (
        Cue::Stop,
        "ya esta bien de mandar|enviar|escribir|mandarme|enviarme|escribirme|mensajes|correos|recordatorios|avisos|llamadas|emails|mails|whatsapps",
    ),
    // "no quiero más mensajes", "no queremos recibir más correos".
    (
        Cue::Stop,
        "no quiero|queremos|deseo|deseamos ?recibir mas mensajes|correos|recordatorios|llamadas|avisos|emails|mails|whatsapps|notificaciones|sms|comunicaciones",
    ),
    // "dejad de darme la lata", "deje de darnos la tabarra": the idioms for pestering.
    (
        Cue::Stop,
        "dejen|deje|deja|dejad|dejes de dar ?me|nos|le|les la lata|tabarra|brasa|murga|paliza|vara",
    ),
    (
        Cue::Stop,
        "no enviar|mandar|escribir|contactar|llamar|molestar ?me|nos|le|les mas recordatorios|mensajes|correos|avisos|emails|mails|notificaciones|whatsapps|cobros|comunicaciones|requerimientos|sms",
    ),
    (
        Cue::Stop,
        "borren|eliminen|quiten|saquen|supriman|borrar|eliminar|quitar|sacar mi|nuestro|nuestra|nuestros|mis|este|esta correo|correos|email|mail|numero|telefono|contacto|direccion de|del ?la|su|sus|vuestra lista|listas|base|sistema|registro|registros|envios",
    ),
    (
        Cue::Stop,
        "acoso|acosando|hostigamiento|hostigando|hostigar",
    ),
    (Cue::Stop, "proteccion de datos"),
    (Cue::Stop, "derecho de oposicion"),
    // Questions.
    // A person asked for: "quiero hablar con una persona", "que me llame alguien de
    // administración", "llámenme". Not an opt-out (they want more contact, not less) and not
    // a dispute: the owner's review, where questions go, is where a person answers.
    (
        Cue::Question,
        "quiero|queremos|quisiera|quisieramos|necesito|necesitamos|quiere|quieren|desea|deseo|deseamos|prefiero|preferimos|prefiere|podria|podemos|puedo hablar|comunicarme|comunicarnos|tratarlo|verlo ?directamente|personalmente con ?un|una|el|la|alguna|algun|su|alguien persona|humano|asesor|asesora|encargado|encargada|responsable|dueno|duena|gerente|ejecutivo|ejecutiva|agente|operador|operadora|titular|jefe|jefa|administracion|contabilidad|cobranza|cobranzas|cobros",
    ),
    (
        Cue::Question,
        "prefiero|preferimos|prefiere|prefieren|quiero|queremos|quiere|quieren|necesito|necesitamos|pido|pedimos|solicito|solicitamos|favor|mejor|ruego|rogamos|agradeceria|agradeceriamos ?, que ?por ?favor me|nos|la|lo|le llame|llamen|llameis|marque|marquen|telefonee|telefoneen|contacte|contacten",
    ),
    (
        Cue::Question,
        "que por favor me|nos|la|lo|le llame|llamen|llameis|marque|marquen|telefonee|telefoneen|contacte|contacten",
    ),
    (
        Cue::Question,
        "me|nos puede|pueden|podria|podrian|podeis|puedes|podes llamar|marcar|telefonear",
    ),
    (
        Cue::Question,
        "llamen|llame|llamad|llama|marquen|marque me|nos",
    ),
    (
        Cue::Question,
        "llamenme|llameme|llamadme|llamame|marquenme|marqueme|marcame|llamenos|llamennos",
    ),
    // Mexico's written request «Favor de enviar la factura en PDF y XML», «favor de
    // confirmarme el monto» (a held-out tester): asks a person for something.
    (
        Cue::Question,
        "favor de enviar|enviarme|enviarnos|mandar|mandarme|mandarnos|reenviar|reenviarme|reenviarnos|remitir|remitirme|remitirnos|compartir|compartirme|compartirnos|confirmar|confirmarme|confirmarnos|proporcionar|proporcionarme|proporcionarnos|indicar|indicarme|indicarnos|aclarar|aclararme|aclararnos|revisar|corregir",
    ),
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
    (Cue::Question, "a que corresponde|corresponden"),
    (Cue::Question, "a que se debe|refiere"),
    (Cue::Question, "de que es|son"),
    (Cue::Question, "por que ?me|nos|se cobran|cobra|debo|es"),
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
    // «La factura electrónica no me ha llegado», «quedo atento a la factura» (Colombia's
    // "I am waiting for it"): the invoice is asked for.
    (
        Cue::Question,
        "factura|facturas ?electronica|electronicas no me|nos ha|han llegado",
    ),
    (
        Cue::Question,
        "factura|facturas ?electronica|electronicas no me|nos llego|llegaron",
    ),
    (
        Cue::Question,
        "quedo|quedamos atento|atenta|atentos|atentas a|al ?la|el|los|las|su factura|facturas|cfdi|xml",
    ),
    // Mexico's tax papers a company asks its supplier for: «el complemento de pago», «su
    // constancia de situación fiscal», «la opinión de cumplimiento».
    (Cue::Question, "complemento|complementos de pago"),
    (Cue::Question, "constancia de situacion fiscal"),
    (Cue::Question, "opinion de cumplimiento"),
    // Mexico's electronic invoice: «no me ha llegado el CFDI», «reenvíeme el XML».
    (
        Cue::Question,
        "no me|nos ha|han llegado ?el|los|ningun cfdi|cfdis|xml|xmls",
    ),
    (
        Cue::Question,
        "no me|nos llego|llegaron ?el|los|ningun cfdi|cfdis|xml|xmls",
    ),
    (
        Cue::Question,
        "no he|hemos recibido|recibi|recibimos ?el|los|ningun cfdi|cfdis|xml|xmls",
    ),
    (
        Cue::Question,
        "mandar|enviar|pasar|reenviar|mandame|enviame|pasame|mandeme|envieme|paseme|reenvieme|reenviame|mandenme|envienme|reenvienme me|nos ?el|los cfdi|cfdis|xml|xmls",
    ),
    // «Sin la factura no puedo pagar», «sin el CFDI no podemos»: the invoice is asked for.
    (
        Cue::Question,
        "sin ?la|el|los|las|su factura|facturas|cfdi|cfdis|xml no ?le|te|les ?puedo|podemos|pago|pagamos",
    ),
    (Cue::Question, "no recibi|recibimos ?la|ninguna factura"),
    (
        Cue::Question,
        "mandar|enviar|pasar|reenviar|facilitar me|nos ?la|el|una|los|las|un factura|copia|detalle|desglose|datos|recibo|numero|cuenta|iban|clabe|cbu|alias|facturas",
    ),
    (
        Cue::Question,
        "mandame|enviame|pasame|mandeme|envieme|paseme|reenvieme|reenviame|facilitame|facliteme|faciliteme|envienme|mandenme|pasenme|reenvienme|facilitenme|enviadme|mandadme|pasadme|reenviadme|facilitadme ?la|el|una|los|las|un factura|copia|detalle|desglose|datos|recibo|numero|cuenta|iban|clabe|cbu|alias|facturas",
    ),
    (
        Cue::Question,
        "me|nos manda|envia|pasa|mandan|envian|pasan|mandas|envias|pasas|facilita|puede|pueden|podria|podrian|puedes|podes ?mandar|enviar|pasar|reenviar|facilitar ?la|el|una|los|un factura|copia|detalle|desglose|datos|recibo|numero|cuenta",
    ),
    // "¿nos la pueden enviar?", "¿me la podría reenviar?": the invoice, as a pronoun.
    (
        Cue::Question,
        "me|nos la|las|lo|los puede|pueden|podria|podrian|podeis|puedes|podes ?volver ?a enviar|mandar|reenviar|pasar|remitir",
    ),
    // "esa factura no la tenemos registrada": not received, so not in the books.
    (
        Cue::Question,
        "no la|las|lo|los tenemos|tengo registrada|registradas|registrado|registrados|contabilizada|contabilizadas",
    ),
    // "le pido el favor de que me envíe la factura": a request for a document, asked or not.
    (
        Cue::Question,
        "que me|nos envie|envien|mande|manden|pase|pasen|reenvie|reenvien|facilite|faciliten|comparta|compartan ?la|el|una|los|las|un factura|facturas|copia|detalle|desglose|datos|recibo|numero|cuenta|estado",
    ),
    (
        Cue::Question,
        "que me|nos hagan|haga llegar ?la|el|una|los|las|un factura|facturas|copia|detalle|desglose|datos|recibo|numero|cuenta|estado",
    ),
    // Agreement and strength.
    (
        Cue::Agree,
        "vale|ok|perfecto|entendido|listo|dale|okey|genial|sale|conforme|correcto|hecho|claro",
    ),
    (Cue::Agree, "de acuerdo"),
    (Cue::Agree, "esta bien"),
    (Cue::Sure, "sin falta|falla"),
    // "ya os dije que el viernes": a day said before, said again.
    (
        Cue::Sure,
        "ya ?te|os|le|les|se ?lo dije|dijimos|comente|comentamos|avise|avisamos|indique",
    ),
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
        Cue::Disclaim,
        "no ?le|te|les|os prometo|prometemos|aseguro|aseguramos|garantizo|garantizamos nada",
    ),
    (Cue::Disclaim, "sin compromiso"),
    (
        Cue::Disclaim,
        "no se|sabemos si llego|llegamos|alcanzo|alcanzamos",
    ),
    (
        Cue::Hedge,
        "espero|esperamos|intentare|intentaremos|tratare|trataremos|quizas|quiza|ojala|posiblemente|probablemente",
    ),
    (Cue::Hedge, "creo|creemos que"),
    (Cue::Hedge, "tal vez"),
    (Cue::Hedge, "a lo mejor"),
    (Cue::Hedge, "si puedo|podemos|cobro|cobramos"),
    (Cue::Hedge, "si todo va bien"),
    (Cue::Hedge, "hare|haremos|hago|hacemos lo posible"),
    (Cue::Hedge, "si me|nos alcanza"),
    (Cue::Hedge, "si dios quiere"),
    (Cue::Hedge, "si me|nos pagan|depositan"),
    // «No sé si el viernes podré pagar», «si me llega el dinero el viernes le pago»: a day
    // hoped for, to be confirmed.
    (
        Cue::Hedge,
        "no se|sabemos si ?el|este|esta|la ?lunes|martes|miercoles|jueves|viernes|sabado|domingo|semana|quincena ?le|les|te|lo|la podre|podremos|podria|pueda|podamos|llegare|alcanzare|alcanzo|tendre|tendremos|pagare|pagaremos|pago|pagamos",
    ),
    (
        Cue::Hedge,
        "si me|nos llega|entra|cae|ingresan|transfieren ?el|la dinero|plata|pago|transferencia|nomina|feria",
    ),
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
    // «quedamos pendientes de pagar la CO-301 el viernes 23» (Colombia): a payment to come.
    (
        Cue::PromisePhrase,
        "quedamos|quedo|quedamos pendientes|pendiente de pagar|pagarle|pagarles|cancelar|cancelarle",
    ),
    (
        Cue::PromisePhrase,
        "tendra|tendran|tendras|recibira|recibiran|recibiras el|su|tu pago|dinero|transferencia|deposito|importe",
    ),
    // «Pasaré por el banco el lunes a pagar», «el lunes voy al banco a hacer el ingreso»: only
    // with a day to come (see `decide::prepare`).
    (
        Cue::PromisePhrase,
        "pasare|pasaremos|paso|pasamos|ire|iremos|voy|vamos|acudire|acudiremos por|al|a ?el banco|cajero|oxxo|sucursal",
    ),
    // "el viernes lo tienes (en la cuenta)": only with a day to come (see `decide::prepare`).
    (
        Cue::PromisePhrase,
        "lo tienes|tiene|tienen|teneis|tendras|tendra|tendran|tendreis",
    ),
    // "hasta que lo arreglen", "hasta que no arreglen el formulario": payment held until the
    // work is put right.
    (
        Cue::Dispute,
        "hasta que ?no ?lo|la|los|las|me|nos|le|les arreglen|arregleis|arregles|arregle|solucionen|soluciones|solucioneis|reparen|repares|repareis|corrijan|corrijais|corrijas",
    ),
    // "ya está hecho", "mira el banco": done, look at the account.
    (Cue::PaidProof, "ya esta hecho|hecha|hechito"),
    // «La AR-41 ya está.», «ya quedó»: done (only at the end of a clause: see `reread`).
    (Cue::PaidProof, "ya esta|estan|quedo|quedaron"),
    // Rioplatense «la AR-48 ya está paga», «ya está todo pago», «quedó paga desde el 30».
    (
        Cue::PaidProof,
        "esta|estan|quedo|quedaron|estaba|estaban ?todo|toda|todas|todos paga|pagas|pago|pagos",
    ),
    (
        Cue::PaidProof,
        "mira|mire|miren|mirad|revisa|revise|revisen|revisad|checa|cheque|chequea|chequee el|tu|su|vuestra banco|cuenta",
    ),
    // "se lo haré llegar el viernes": the money, as a pronoun.
    (
        Cue::PromisePhrase,
        "se|te|le|les|os lo|la hare|haremos|hago|hacemos|haria|hariamos llegar",
    ),
    (
        Cue::PromisePhrase,
        "le|te|les llega|llegara|llegaran|cae|caera|entra|entrara el|la|su|tu pago|dinero|transferencia|deposito|plata|feria|varo|varos|billete",
    ),
    (
        Cue::PromisePhrase,
        "procedere|procederemos|procedemos|procedo al|a pago|abono|ingreso|pagar|abonar|transferir",
    ),
    // «Procederemos con el pago esta semana» (Peru, Colombia: formal treasury wording).
    (
        Cue::PromisePhrase,
        "procedere|procederemos|procedemos|procedo con ?el|la pago|abono|ingreso|transferencia|deposito|cancelacion|consignacion",
    ),
    (
        Cue::PromisePhrase,
        "quedara|estara pagado|pagada|saldado|saldada|cubierto|cubierta|abonado|abonada",
    ),
    // «El día 10 queda cubierto»: the present for a day to come.
    (
        Cue::PromisePhrase,
        "queda|quedan|quedaria|quedarian cubierto|cubierta|cubiertos|cubiertas",
    ),
    // A company's «atenderemos el pago el día 15», «la factura se atenderá a su vencimiento»,
    // «les regularizo la situación el viernes».
    (
        Cue::PromisePhrase,
        "atendere|atenderemos|atendera|atenderan|atiendo|atendemos ?el|la|los|las|su|sus pago|pagos|factura|facturas|importe|recibo|recibos|deuda|vencimiento|cargo",
    ),
    (Cue::PromisePhrase, "se atendera|atenderan|atiende|atienden"),
    (
        Cue::PromisePhrase,
        "regularizo|regularizamos|regularizare|regularizaremos|regularizara ?la|el|su situacion|deuda|factura|pago|saldo|importe|cuenta",
    ),
    // «el pago de la factura se hace el 28», «el pago de las facturas será el viernes».
    (
        Cue::PromisePhrase,
        "pago|abono|transferencia|consignacion|deposito de ?la|las|el|los|su|sus|esta|estas factura|facturas|cuenta|cuentas|saldo|importe ?se hara|hace|realizara|realiza|efectuara|efectua|sera|haran|realizaran|efectuaran",
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
        "tienen|tiene|tendran|tendra|tendras|tienes|tenes|teneis|tendreis el|la|su|tu|vuestro|vuestra dinero|pago|ingreso|importe|transferencia|deposito|plata|abono|lana|feria|varo|varos|billete|pagos",
    ),
    (
        Cue::PromisePhrase,
        "entra|entrara|entran|incluida|incluido|incluidas|incluidos|considerado|considerada|contemplado|contemplada|va|ira|van|iran|metemos|meto|incluimos|incluyo|incluira|incluiran|incluiremos|incluire|incluye|incluyen en la|el ?proxima|proximo|siguiente remesa|relacion|corrida|programacion|lote|tanda|ronda|ciclo|calendario|cronograma|nomina|pago|pagos|corte|cierre|transferencia",
    ),
    (
        Cue::PromisePhrase,
        "programado|programada|programados|programadas|programamos|programo|programa|programan|programe|programaremos|programare|agendado|agendada|agendados|agendadas|agendamos|agendo|agendan|calendarizado|calendarizada|calendarizados|calendarizadas|calendarizamos",
    ),
    (
        Cue::PromisePhrase,
        "libera|liberara|liberamos|liberaremos|liberan|liberaran el|la ?pago|transferencia|deposito|cheque|factura|fondos",
    ),
    // A supplier portal's «registrada con fecha de pago 18/12/2026», «fecha de pago prevista:
    // 15/01»: the day the company has set.
    (
        Cue::PromisePhrase,
        "con|tiene|tienen|asignada|asignado|asignamos ?una|la fecha de pago",
    ),
    (
        Cue::PromisePhrase,
        "fecha|dia de pago|abono|transferencia programada|programado|prevista|previsto|estimada|estimado|asignada|asignado",
    ),
    (
        Cue::PromisePhrase,
        "para que ?se lo|la|le|les|te|me|nos haga|pague|abone|transfiera|deposite|ingrese|consigne|cancele|liquide",
    ),
    (
        Cue::PromisePhrase,
        "le|te|les llega|llegara|llegaran|cae|caera|entra|entrara el|la|su|tu abono|ingreso|bizum|importe|lana|consignacion|giro|cheque|yape|yappy|sinpe|nequi|plin|daviplata",
    ),
    (
        Cue::PromisePhrase,
        "orden|ordenes de pago|transferencia|abono para",
    ),
    (
        Cue::PromisePhrase,
        "caigo|caemos|caere|caeremos con ?la|el|su|tu lana|plata|dinero|pago|feria|varo",
    ),
    (
        Cue::PromisePhrase,
        "le|te|les tengo|tendre|tendremos|tenemos el|la|su|tu dinero|lana|pago|plata|importe|feria",
    ),
    (
        Cue::PaidProof,
        "importe|dinero|pago|transferencia|deposito|ingreso|abono|plata|fondos ya se|esta|estan|aparece|aparecen|figura|figuran|deberia|deberian|debe|encuentra|encuentran",
    ),
    (
        Cue::PaidProof,
        "procedido|procedimos|procedi al|a pago|abono|ingreso|pagar|abonar|transferir|liquidar",
    ),
    (
        Cue::PaidProof,
        "ya lo|la tienes|tienen|tiene|teneis|tenes|tendrias|tendria|tendrian",
    ),
    (
        Cue::PaidProof,
        "pago|abono|ingreso|transferencia|deposito|dinero|plata|importe|cheque|giro|spei|bizum|yape|yappy|sinpe|nequi|lana|fondos|transfer ?ya salio|salieron",
    ),
    // On its way: paid unless a payment verb promises it ("le transfiero hoy, debería verse
    // reflejado mañana"). "Se verá reflejado el jueves" alone stays a promise.
    (Cue::InTransit, "en camino|transito|proceso|tramite"),
    (Cue::InTransit, "va|van|iba para|pa alla|alli|aca"),
    (
        Cue::PaidProof,
        "salio|salieron ?ya ?el|la|los|las|su|tu|mi|nuestro|nuestra pago|transferencia|deposito|dinero|spei|abono|ingreso|cheque|giro|bizum|lana|pagos",
    ),
    (
        Cue::InTransit,
        "en reflejarse|acreditarse|verse|aparecer|reflejar|acreditar",
    ),
    (
        Cue::InTransit,
        "deberia|deberian|deberias|debe|deben|debera|deberan ?de verse|reflejarse|aparecer|acreditarse|tener|recibir|llegar|caer|reflejar",
    ),
    (Cue::Departs, "sale|saldra|salen|saldran|saldria|saldrian"),
    (
        Cue::Reschedule,
        "dejamos|dejemos|dejo|pasamos|pasemos|movemos|movamos|muevo|mover|cambiamos|aplazamos|aplazo|posponemos|pospongo|retrasamos|reprogramo|reprogramamos|recorremos|recorro|retrasa|pospone|aplaza|queda|quedaria|dejar|pasar|mover|cambiar|sera|seria",
    ),
    (
        Cue::PaidProof,
        "pago|abono|ingreso|transferencia|deposito|dinero|plata|importe|cheque|giro|consignacion|bizum|monto|factura|cuenta|deuda|spei ?ya se ?le|les|nos emitio|realizo|efectuo|hizo|envio|mando|ejecuto|proceso|curso|acredito|abono|ingreso|giro|pago|transfirio|deposito|cancelo|liquido|tramito|ordeno|libero|hicieron|realizaron|emitieron|enviaron|mandaron",
    ),
    (
        Cue::PaidProof,
        "ya quedo|quedaron|salio|cayo|entro|llego|esta|estan|fue ?el|la|tu|su|mi|los spei|pago|transferencia|deposito|bizum|yape|yappy|plin|nequi|sinpe|daviplata|ingreso|abono|giro|consignacion|dinero|plata|lana|efectivo|transfer|transfe|importe|cheque|pagos|depositos",
    ),
    (
        Cue::PaidProof,
        "ya tienen|tiene|teneis|tienes|tenes|tendrian|tendrias|tendria el|la|su|tu|vuestro|vuestra dinero|pago|ingreso|importe|transferencia|deposito|plata|abono",
    ),
    // «La transferencia está emitida», «el pago fue ordenado ayer».
    (
        Cue::PaidProof,
        "pago|transferencia|deposito|ingreso|giro|cheque|spei|abono ?ya esta|estan|quedo|fue emitida|emitido|ordenada|ordenado|realizada|realizado|efectuada|efectuado|cursada|cursado|tramitada|tramitado",
    ),
    (
        Cue::PaidProof,
        "ya deberian|deberia|deberias tener el|la|su|tu|vuestro|vuestra dinero|pago|ingreso|importe|transferencia|deposito|plata|abono",
    ),
    (
        Cue::PromisePhrase,
        "lo|la tendra|tendran|tendras|tendreis|tiene|tienen|tendria|tendrian",
    ),
    // Chile's «me pongo al día el viernes»: the debt brought up to date.
    (
        Cue::PromisePhrase,
        "me|nos pongo|ponemos|pondre|pondremos|estare|estaremos al dia",
    ),
    // «Quedo en pagarle el 05-01-2027», «le quedo de pagar el viernes» (Mexico): the client's
    // word given for a day.
    (
        Cue::PromisePhrase,
        "quedo|quedamos en|de pagar|pagarle|pagarte|pagarles|pagaros|pagarlo|pagarla|transferir|transferirle|transferirte|depositar|depositarle|depositarte|consignar|consignarle|consignarte|abonar|abonarle|ingresar|ingresarle|ingresaros|liquidar|liquidarle|cubrir|hacer|hacerle|hacerte",
    ),
    // «ya tengo autorizado su pago para el viernes»: the payment approved for a day.
    (
        Cue::PromisePhrase,
        "tengo|tenemos|tiene autorizado|autorizada|aprobado|aprobada ?el|la|su|tu|vuestro|vuestra pago|transferencia|abono|deposito|ingreso|giro",
    ),
    // "transferencia prevista para el 20".
    (
        Cue::PromisePhrase,
        "pago|transferencia|deposito|ingreso|abono|bizum|giro previsto|prevista para",
    ),
    // "lo tengo apuntado para el día 20": the payment noted down for a day.
    (
        Cue::PromisePhrase,
        "lo|la tengo|tenemos apuntado|apuntada|anotado|anotada|agendado|agendada|programado|programada",
    ),
    // "el pago lo tendremos listo para el viernes 27".
    (
        Cue::PromisePhrase,
        "lo|la tendre|tendremos|tengo|tenemos listo|lista",
    ),
    (
        Cue::PaidProof,
        "aqui|ahi|alli esta|va|tiene|tienes|tienen|les|le|te|dejo ?el|la|un|una|su|tu|los ?foto|copia comprobante|comprobantes|justificante|voucher|constancia|captura|soporte|recibo|pantallazo|ficha|boleta|resguardo",
    ),
    // "se lo di en mano a su repartidor", "le entregué el efectivo": cash handed over.
    (
        Cue::PaidProof,
        "se|le|les|te|os lo|la|los|las di|dimos|dio|entregue|entregamos|entrego|deje|dejamos en mano|efectivo|persona",
    ),
    // "te mandé el comprobante", "ya le envié la captura": a proof already sent.
    (
        Cue::PaidProof,
        "le|te|les|os mande|envie|pase|adjunte|reenvie|enviamos|mandamos ?el|la|un|una|los|las ?foto|copia comprobante|comprobantes|justificante|voucher|constancia|captura|recibo|pantallazo|ficha|boleta|resguardo",
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
    // «te pago el lunes, el viernes estoy de viaje»: the day of an absence is not the
    // payment's.
    (
        Cue::NonPay,
        "estoy|estare|estamos|estaremos|ando|andamos|salgo|saldre|salimos|saldremos de viaje|vacaciones",
    ),
    (
        Cue::NonPay,
        "me|nos voy|vamos|ire|iremos de viaje|vacaciones",
    ),
    (
        Cue::NonPay,
        "estoy|estare|estamos|estaremos fuera|cerrado|cerrados|cerrada",
    ),
    (
        Cue::Correction,
        "mejor|perdon|perdone|disculpe|corrijo|rectifico|corrigiendo",
    ),
    (Cue::Correction, "quise decir"),
    // "te dije el viernes pero va a ser el lunes"; "el 15, ah no, el 16".
    (Cue::Correction, "pero va|iba a ser"),
    (Cue::Correction, "pero sera"),
    (Cue::Correction, "ah|ay|uy no"),
    // «No, el miércoles»: the day that replaces the one said before (ours asked back, or the
    // client's own a message earlier: tg30 «le pago el viernes» … «no, el miércoles»).
    (Cue::Correction, "no ,|. el"),
    (Cue::Correction, "o sea"),
    (Cue::Correction, "que sea"),
    (Cue::Correction, "en vez|lugar de|del"),
];
