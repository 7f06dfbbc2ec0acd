//! Client rows: the client, its contacts and the account it pays from. A column the file
//! lacks keeps the stored value; a client new to cobrador gets the defaults.

use std::str::FromStr;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use super::columns::*;
use super::table::Row;
use super::{Change, Defaults, audit, default_time_zone};
use crate::domain::{Channel, Client, ClientKind, ContactRole, EventKind};
use crate::store::{self, clients::ContactInput};

/// Creates or updates the client of one row, with its contacts and IBAN.
pub(super) fn client_row(
    conn: &Connection,
    row: &Row,
    defaults: &Defaults,
    now: DateTime<Utc>,
) -> Result<Change> {
    let id = row.require(CLIENT_ID)?.to_owned();
    let existing = store::clients::get(conn, &id)?;
    let client = client_fields(row, &id, existing.as_ref(), defaults)?;
    let contacts = contact_inputs(conn, row, &id)?;
    let existed = existing.is_some();
    let mut changed = store::clients::upsert(conn, &client, now)?;
    if let Some(contacts) = contacts {
        changed |= store::clients::sync_imported_contacts(conn, &id, &contacts)?;
    }
    // The account the client pays from, for matching bank credits (see `bank`).
    if let Some(iban) = row.get(IBAN) {
        changed |= store::bank::add_client_iban(conn, &id, iban, now)?;
    }
    if let Some(hours) = row.get(HOURS) {
        changed |= own_hours(conn, &client, hours, now)?;
    }
    if changed {
        let kind = if existed {
            EventKind::ClientUpdated
        } else {
            EventKind::ClientCreated
        };
        audit(conn, now, kind, Some(&id), None, serde_json::json!({}))?;
    }
    Ok(match (existed, changed) {
        (false, _) => Change::Created,
        (true, true) => Change::Updated,
        (true, false) => Change::Unchanged,
    })
}

/// The client a row describes: its values, or the stored ones (`old`) where the file has
/// no such column.
fn client_fields(row: &Row, id: &str, old: Option<&Client>, defaults: &Defaults) -> Result<Client> {
    let name = match old {
        Some(c) if !row.has(NAME) => c.name.clone(),
        _ => row.require(NAME)?.to_owned(),
    };
    let country = row
        .or_keep(COUNTRY, old.map(|c| c.country.clone()), str::to_owned)
        .unwrap_or_else(|| defaults.country.clone())
        .to_ascii_uppercase();
    // An unsupported country would stop the planner for every client: refuse it here.
    country.parse::<crate::policy::Country>().map_err(|_| {
        anyhow::anyhow!("country {country:?} is not supported: use ES, MX, CO, CL, PE or AR")
    })?;
    let time_zone = time_zone_field(row, old, &country)?;
    let kind = match row.get(CLIENT_KIND) {
        Some(k) => ClientKind::from_str(k).map_err(anyhow::Error::msg)?,
        None => old
            .filter(|_| !row.has(CLIENT_KIND))
            .map_or(ClientKind::B2b, |c| c.kind),
    };
    let tuteo = tuteo_field(row, old, defaults.tuteo)?;
    let region = region_field(row, old, &country)?;
    let segment = row.or_keep(
        SEGMENT,
        old.and_then(|c| c.segment.clone()),
        str::to_lowercase,
    );
    if let Some(s) = &segment
        && !["regular", "new", "late"].contains(&s.as_str())
    {
        anyhow::bail!("segment {s:?}: use regular, new or late (or leave empty to derive it)");
    }
    let keep = |aliases: &[&str], stored: Option<&Option<String>>| {
        row.or_keep(aliases, stored.cloned().flatten(), str::to_owned)
    };
    Ok(Client {
        id: id.to_owned(),
        name,
        legal_name: keep(LEGAL_NAME, old.map(|c| &c.legal_name)),
        tax_id: keep(TAX_ID, old.map(|c| &c.tax_id)),
        country,
        region,
        time_zone,
        kind,
        segment,
        language: "es".into(),
        tuteo,
        on_hold: old.is_some_and(|c| c.on_hold),
        awaiting_answer_until: None,
        notes: keep(NOTES, old.map(|c| &c.notes)),
    })
}

/// The row's region, as its code: in Spain one the holiday calendar knows (by code, or by
/// the community's or a province's name: a region it does not know would stop the planner
/// for every client); elsewhere it is only informative and kept as written.
fn region_field(row: &Row, old: Option<&Client>, country: &str) -> Result<Option<String>> {
    let region = row.or_keep(
        REGION,
        old.and_then(|c| c.region.clone()),
        str::to_uppercase,
    );
    let spain = crate::policy::Country::Spain;
    match (region, country.parse::<crate::policy::Country>()) {
        (Some(r), Ok(c)) if c == spain => {
            let calendar = crate::policy::HolidayCalendar::new(c, Some(&r), &[])?;
            Ok(calendar.region().map(str::to_owned))
        }
        (region, _) => Ok(region),
    }
}

/// The row's time zone: its column, else the stored one (unless the country changed), else
/// the country's usual one.
fn time_zone_field(row: &Row, old: Option<&Client>, country: &str) -> Result<Tz> {
    if let Some(tz) = row.get(TIME_ZONE) {
        return Tz::from_str(tz).map_err(|_| {
            anyhow::anyhow!("unknown time zone {tz:?}: use an IANA name such as Europe/Madrid or America/Mexico_City")
        });
    }
    match old {
        // The stored zone stays unless the country changed (or the column says otherwise).
        Some(c) if !row.has(TIME_ZONE) && c.country == country => Ok(c.time_zone),
        _ => default_time_zone(country).with_context(|| {
            format!("country {country:?} is not supported: use ES, MX, CO, CL, PE or AR, or give a time_zone")
        }),
    }
}

/// The hours the client is written to within (`client hours`), from the row's `horario`
/// (`HH:MM-HH:MM`, the client's time): the part the law of its country allows, as `client
/// hours` keeps; hours it never allows are refused, naming the legal ones. An empty cell keeps
/// what is stored (hours a client asked for in a reply are not lost to an export that never
/// had them); `client hours ID --clear` clears them. Whether they changed.
fn own_hours(conn: &Connection, client: &Client, text: &str, now: DateTime<Utc>) -> Result<bool> {
    let asked: crate::policy::TimeRange = text
        .parse()
        .map_err(|e: String| anyhow::anyhow!("horario: {e}"))?;
    let country: crate::policy::Country =
        client.country.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let kept = crate::policy::lawful_own_hours(country, asked)
        .map_err(|e| anyhow::anyhow!("horario: {e}"))?;
    let stored = store::clients::own_hours(conn, &client.id)?;
    if stored.is_some_and(|own| own.hours == kept) {
        return Ok(false);
    }
    store::clients::set_own_hours(conn, &client.id, Some(kept), None, now)?;
    audit(
        conn,
        now,
        EventKind::ClientHoursSet,
        Some(&client.id),
        None,
        serde_json::json!({ "hours": kept, "import": true }),
    )?;
    Ok(true)
}

/// `tú` or `usted`, as the row says (in the owner's words), else as stored when the file has
/// no such column, else the business's form of address (`tuteo`).
fn tuteo_field(row: &Row, old: Option<&Client>, tuteo: bool) -> Result<bool> {
    Ok(match row.get(TUTEO).map(str::to_lowercase) {
        None => match old {
            Some(c) if !row.has(TUTEO) => c.tuteo,
            _ => tuteo,
        },
        Some(v) => match v.as_str() {
            "tu" | "tú" | "si" | "sí" | "yes" | "true" | "1" => true,
            "usted" | "no" | "false" | "0" => false,
            other => anyhow::bail!("trato {other:?}: use usted or tú"),
        },
    })
}

/// The row's email contacts; `None` when the file has no contact columns at all (the stored
/// contacts stay). A role whose columns are absent keeps its stored contacts.
fn contact_inputs(conn: &Connection, row: &Row, id: &str) -> Result<Option<Vec<ContactInput>>> {
    let billing_cols = [EMAIL, CONTACT_NAME, PREFERRED];
    let finance_cols = [FINANCE_EMAIL, FINANCE_NAME];
    let has_billing = billing_cols.iter().any(|c| row.has(c));
    let has_finance = finance_cols.iter().any(|c| row.has(c));
    if !has_billing && !has_finance {
        return Ok(None);
    }
    let stored = store::clients::for_client(conn, id)?;
    let keep = |role: ContactRole| -> Vec<ContactInput> {
        stored
            .iter()
            .filter(|c| c.role == role)
            .filter_map(|c| {
                Some(ContactInput {
                    name: c.name.clone(),
                    email: c.email.clone()?,
                    role,
                    preferred_channel: c.preferred_channel,
                })
            })
            .collect()
    };
    let mut contacts = Vec::new();
    if has_billing && row.has(EMAIL) {
        let preferred = match row.get(PREFERRED) {
            Some(c) => Channel::from_str(c).map_err(anyhow::Error::msg)?,
            None => Channel::Email,
        };
        contacts.extend(row_contacts(
            row,
            (EMAIL, CONTACT_NAME),
            ContactRole::Billing,
            preferred,
        )?);
    } else {
        contacts.extend(keep(ContactRole::Billing));
    }
    if has_finance && row.has(FINANCE_EMAIL) {
        contacts.extend(row_contacts(
            row,
            (FINANCE_EMAIL, FINANCE_NAME),
            ContactRole::Finance,
            Channel::Email,
        )?);
    } else {
        contacts.extend(keep(ContactRole::Finance));
    }
    Ok(Some(contacts))
}

/// One contact per address in the row's `(email, name)` columns, all with that name.
fn row_contacts(
    row: &Row,
    (emails, name): (&[&str], &[&str]),
    role: ContactRole,
    preferred_channel: Channel,
) -> Result<Vec<ContactInput>> {
    let name = row.get(name).map(str::to_owned);
    Ok(split_emails(row.get(emails).unwrap_or(""))?
        .into_iter()
        .map(|email| ContactInput {
            name: name.clone(),
            email,
            role,
            preferred_channel,
        })
        .collect())
}

/// Splits `a@x.es; b@y.es` (or commas, spaces) and checks each address: a plain address
/// (`local@domain.tld`, as lettre parses it), never a display name, angle brackets, line breaks
/// or other control characters, which could smuggle headers into a message.
fn split_emails(field: &str) -> Result<Vec<String>> {
    if let Some(c) = field
        .chars()
        .find(|c| c.is_control() || ['<', '>', '"'].contains(c))
    {
        anyhow::bail!(
            "email {field:?} contains {c:?}: write only the address, e.g. pagos@empresa.es"
        );
    }
    field
        .split([';', ',', ' ', '|'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let s = s.trim().to_owned();
            let ok = s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && lettre::Address::from_str(&s).is_ok();
            if ok {
                Ok(s)
            } else {
                Err(anyhow::anyhow!("not an email address: {s:?}"))
            }
        })
        .collect()
}
