//! The columns each kind of file may have (English and Spanish aliases per field), and the
//! check that refuses a column nobody reads, with the nearest known name as a hint.

use super::{Kind, Row};

/// The row's identity within its file (client id, invoice number); payments have none.
pub(super) fn row_id(kind: Kind, row: &Row) -> Option<String> {
    match kind {
        Kind::Clients => row.get(CLIENT_ID).map(str::to_owned),
        Kind::Invoices => row.get(INVOICE_NO).map(str::to_owned),
        Kind::Payments => None,
    }
}

/// Every column name a kind of file may have, each field with its aliases.
pub(super) fn known_columns(kind: Kind) -> Vec<&'static [&'static str]> {
    match kind {
        Kind::Clients => vec![
            CLIENT_ID,
            NAME,
            COUNTRY,
            TIME_ZONE,
            CLIENT_KIND,
            TUTEO,
            SEGMENT,
            LEGAL_NAME,
            TAX_ID,
            REGION,
            NOTES,
            PREFERRED,
            CONTACT_NAME,
            EMAIL,
            FINANCE_NAME,
            FINANCE_EMAIL,
            IBAN,
            HOURS,
        ],
        Kind::Invoices => vec![
            INVOICE_NO,
            CLIENT_ID,
            ISSUE_DATE,
            DUE_DATE,
            INVOICE_AMOUNT,
            CURRENCY,
            PDF,
            DESCRIPTION,
        ],
        Kind::Payments => vec![INVOICE_NO, PAID_ON, PAID_AMOUNT, REFERENCE],
    }
}

/// One error per header the importer does not know, with the nearest known name.
pub(super) fn unknown_headers(name: &str, headers: &[String], kind: Kind) -> Vec<String> {
    let known: Vec<&str> = known_columns(kind).into_iter().flatten().copied().collect();
    let mut errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() || known.contains(&h.as_str()) {
            continue;
        }
        let nearest = known
            .iter()
            .map(|k| (edit_distance(h, k), *k))
            .min()
            .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < h.len().max(1));
        let hint = match nearest {
            Some((_, k)) => format!("did you mean {k}?"),
            None => format!(
                "the {} columns are: {}",
                format!("{kind:?}").to_lowercase(),
                known_columns(kind)
                    .iter()
                    .map(|aliases| aliases[0])
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        errors.push(format!(
            "{name}:1: unknown column {h:?} (column {}): {hint} (its values would be lost; rename or remove the column)",
            i + 1
        ));
    }
    errors
}

pub(super) use crate::domain::edit_distance;

pub(super) const NAME: &[&str] = &["name", "nombre", "nombre_comercial"];
pub(super) const COUNTRY: &[&str] = &["country", "pais"];
pub(super) const TIME_ZONE: &[&str] = &["time_zone", "timezone", "zona_horaria", "tz"];
pub(super) const CLIENT_KIND: &[&str] = &["kind", "tipo", "type"];
pub(super) const TUTEO: &[&str] = &["tuteo", "trato", "tu"];
pub(super) const SEGMENT: &[&str] = &["segment", "segmento"];
pub(super) const LEGAL_NAME: &[&str] = &["legal_name", "razon_social"];
pub(super) const TAX_ID: &[&str] = &["tax_id", "nif", "cif", "rfc", "nit", "rut", "cuit", "ruc"];
pub(super) const REGION: &[&str] = &["region", "comunidad", "provincia"];
pub(super) const NOTES: &[&str] = &["notes", "notas", "observaciones"];
pub(super) const PREFERRED: &[&str] = &["preferred_channel", "canal"];
pub(super) const CONTACT_NAME: &[&str] = &["contact_name", "contacto", "nombre_contacto"];
pub(super) const EMAIL: &[&str] = &["email", "correo", "emails", "email_facturacion"];
pub(super) const FINANCE_NAME: &[&str] = &["finance_name", "contacto_finanzas"];
pub(super) const FINANCE_EMAIL: &[&str] = &["finance_email", "email_finanzas", "correo_finanzas"];
pub(super) const IBAN: &[&str] = &["iban", "cuenta", "cuenta_bancaria"];
pub(super) const HOURS: &[&str] = &["contact_hours", "horario", "horario_contacto", "horas"];
pub(super) const ISSUE_DATE: &[&str] = &[
    "issue_date",
    "fecha",
    "fecha_emision",
    "fecha_factura",
    "emision",
];
pub(super) const DUE_DATE: &[&str] = &[
    "due_date",
    "vencimiento",
    "fecha_vencimiento",
    "fecha_de_vencimiento",
];
pub(super) const INVOICE_AMOUNT: &[&str] = &["amount", "importe", "total", "importe_total"];
pub(super) const CURRENCY: &[&str] = &["currency", "moneda", "divisa"];
pub(super) const PDF: &[&str] = &["pdf", "pdf_path", "fichero"];
pub(super) const DESCRIPTION: &[&str] = &["description", "concepto", "descripcion"];
pub(super) const PAID_ON: &[&str] = &["date", "fecha", "fecha_pago", "paid_on"];
pub(super) const PAID_AMOUNT: &[&str] = &["amount", "importe", "pagado", "importe_pagado"];
pub(super) const REFERENCE: &[&str] = &["reference", "referencia", "ref", "concepto"];

pub(super) const CLIENT_ID: &[&str] = &[
    "id",
    "client",
    "client_id",
    "cliente",
    "codigo",
    "codigo_cliente",
    "id_cliente",
];
pub(super) const INVOICE_NO: &[&str] = &[
    "number",
    "invoice",
    "numero",
    "factura",
    "num_factura",
    "n_factura",
    "numero_factura",
];
