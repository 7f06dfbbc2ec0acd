//! Planned reminders' bodies, packed (see `schema_outbox_packed.sql`).
//!
//! Most of a reminder is its stage's template. The pass that queues a first tick's thousands
//! of reminders stores the first body of each stage and channel as it is, and each later one
//! as LZ4 against it (about 15x smaller: a 6 KB notice in 0.4 KB), when that saves at least a
//! quarter. Reading unpacks ([`Unpacker`]): nothing outside `store::outbox` sees a packed body.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::NewOutboxMessage;
use crate::store::clients::conversion;

/// The dictionaries of one queueing pass: the first body stored raw for each stage and
/// channel, by its outbox id. A pass writes in one transaction at a time and stops at the
/// first error, so a dictionary it stored is there for every later row (the foreign key
/// refuses a row whose dictionary is gone: an error, never an unreadable body).
#[derive(Default)]
pub struct Packer {
    dicts: HashMap<(String, &'static str), (i64, Vec<u8>)>,
    joined: Vec<u8>,
}

impl Packer {
    /// Stores the body of message `id` (just inserted): packed against its stage's
    /// dictionary, or raw (and then the dictionary of the stage's later bodies, if the first).
    pub(super) fn store(
        &mut self,
        conn: &Connection,
        id: i64,
        msg: &NewOutboxMessage,
    ) -> Result<()> {
        self.joined.clear();
        self.joined.extend_from_slice(msg.body_text.as_bytes());
        self.joined
            .extend_from_slice(msg.body_html.as_deref().unwrap_or("").as_bytes());
        let key = (msg.stage.clone(), msg.channel.as_str());
        let Some((dict, dict_bytes)) = self.dicts.get(&key) else {
            store_raw(conn, id, msg)?;
            self.dicts.insert(key, (id, self.joined.clone()));
            return Ok(());
        };
        let packed = lz4_flex::block::compress_with_dict(&self.joined, dict_bytes);
        if packed.len() * 4 > self.joined.len() * 3 {
            return store_raw(conn, id, msg);
        }
        conn.prepare_cached(
            "INSERT INTO outbox_bodies (outbox_id, text, html, packed, dict, text_len, html_len)
             VALUES (?1, '', NULL, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            packed,
            dict,
            msg.body_text.len() as i64,
            msg.body_html.as_ref().map(|h| h.len() as i64)
        ])?;
        Ok(())
    }
}

/// Stores a body as it is.
pub(super) fn store_raw(conn: &Connection, id: i64, msg: &NewOutboxMessage) -> Result<()> {
    conn.prepare_cached("INSERT INTO outbox_bodies (outbox_id, text, html) VALUES (?1, ?2, ?3)")?
        .execute(params![id, msg.body_text, msg.body_html])?;
    Ok(())
}

/// The columns [`Unpacker::unpack`] reads, in this order.
macro_rules! packed_columns {
    () => {
        "outbox_bodies.packed, outbox_bodies.dict, outbox_bodies.text_len, outbox_bodies.html_len"
    };
}
pub(super) use packed_columns;

/// Unpacks bodies, keeping the dictionaries it read (a group of messages shares a few).
#[derive(Default)]
pub(super) struct Unpacker {
    dicts: HashMap<i64, Vec<u8>>,
}

impl Unpacker {
    /// The text and HTML of a row whose [`packed_columns`] begin at column `at`, if packed
    /// (`None`: the row's own text and HTML are the body).
    pub(super) fn unpack(
        &mut self,
        conn: &Connection,
        r: &Row<'_>,
        at: usize,
    ) -> rusqlite::Result<Option<(String, Option<String>)>> {
        let Some(packed) = r.get_ref(at)?.as_blob_or_null()? else {
            return Ok(None);
        };
        let dict: i64 = r.get(at + 1)?;
        let size = |i: usize| -> rusqlite::Result<Option<usize>> {
            r.get::<_, Option<i64>>(at + i)?
                .map(|n| usize::try_from(n).map_err(|e| conversion(at + i, e)))
                .transpose()
        };
        let (text_len, html_len) = (size(2)?.unwrap_or(0), size(3)?);
        let dict_bytes = match self.dicts.entry(dict) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(raw_body(conn, dict)?),
        };
        let size = text_len + html_len.unwrap_or(0);
        let mut text = lz4_flex::block::decompress_with_dict(packed, size, dict_bytes)
            .map_err(|e| conversion(at, e))?;
        // (A split inside a character fails the UTF-8 check of both halves.)
        if text.len() != size {
            return Err(conversion(at, DamagedBody(dict)));
        }
        let html = text.split_off(text_len);
        let utf8 = |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|e| conversion(at, e));
        Ok(Some((
            utf8(text)?,
            html_len.map(|_| utf8(html)).transpose()?,
        )))
    }
}

/// A dictionary: a raw body's text and HTML, joined.
fn raw_body(conn: &Connection, id: i64) -> rusqlite::Result<Vec<u8>> {
    let found: Option<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT text, html FROM outbox_bodies WHERE outbox_id = ?1 AND packed IS NULL",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (text, html) = found.ok_or_else(|| conversion(0, DamagedBody(id)))?;
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(html.as_deref().unwrap_or("").as_bytes());
    Ok(bytes)
}

#[derive(Debug, thiserror::Error)]
#[error("a packed message body does not unpack against outbox body {0}")]
struct DamagedBody(i64);

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::Channel;
    use crate::store::{Store, outbox};

    fn message(key: &str, stage: &str, text: &str, html: Option<&str>) -> NewOutboxMessage {
        NewOutboxMessage {
            dedup_key: key.into(),
            client_id: "C1".into(),
            stage: stage.into(),
            cycle: "1".into(),
            channel: Channel::Email,
            recipients: vec!["pagos@cliente.example".into()],
            cc: vec![],
            subject: Some("Factura pendiente".into()),
            body_text: text.into(),
            body_html: html.map(Into::into),
            attachment: None,
            message_id: None,
            in_reply_to: None,
            references: None,
            send_at: Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap(),
            invoices: vec![],
        }
    }

    fn letter(n: usize) -> String {
        format!(
            "Buenos días, Administración:\n\nLe escribimos por la factura F-{n}, de {n}.200,50 €, \
             que venció el día {n}. {}\nAtentamente,\nLucía Martín\n",
            "Puede pagar por transferencia bancaria o por Bizum, con el número en el concepto. "
                .repeat(8)
        )
    }

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
                 VALUES ('C1', 'Cliente', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x')",
                [],
            )
            .unwrap();
        store
    }

    fn packed(store: &Store, id: i64) -> bool {
        store
            .conn()
            .query_row(
                "SELECT packed IS NOT NULL FROM outbox_bodies WHERE outbox_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn a_stages_later_bodies_are_packed_against_its_first_and_read_back_whole() {
        let store = store();
        let (conn, now) = (store.conn(), Utc::now());
        let mut packer = Packer::default();
        let html = |n: usize| format!("<p>{}</p><p>Ñandú «€»</p>", letter(n));
        let written = [
            message("a", "early", &letter(1), Some(&html(1))),
            message("b", "early", &letter(2), Some(&html(2))),
            message("c", "early", &letter(3), None),
            message("d", "early", &letter(4), Some("")),
            message("e", "due", &letter(5), Some(&html(5))),
            message("f", "due", "Hola", None),
        ];
        let ids: Vec<i64> = written
            .iter()
            .map(|m| {
                outbox::insert_planned(conn, m, now, 0, &mut packer)
                    .unwrap()
                    .unwrap()
            })
            .collect();
        // The first of each stage is raw (the dictionary), so is a body too short to gain.
        let stored: Vec<bool> = ids.iter().map(|id| packed(&store, *id)).collect();
        assert_eq!(stored, [false, true, true, true, false, false]);
        for (id, m) in ids.iter().zip(&written) {
            let read = outbox::get(conn, *id).unwrap().unwrap();
            assert_eq!(&read.message, m, "message {id}");
        }
        let group = outbox::get_many(conn, &ids).unwrap();
        let bodies: Vec<_> = group.iter().map(|m| &m.message).collect();
        assert_eq!(bodies, written.iter().collect::<Vec<_>>());
        // The same words are found packed too (and others are not).
        conn.execute("UPDATE outbox SET status = 'sent' WHERE id = ?1", [ids[1]])
            .unwrap();
        let since = now - chrono::Duration::days(1);
        assert!(outbox::same_words_since(conn, &written[1], since).unwrap());
        let other = message("x", "early", &letter(9), None);
        assert!(!outbox::same_words_since(conn, &other, since).unwrap());
        let cancelled: i64 = conn
            .query_row(
                "SELECT count(*) FROM outbox WHERE status = 'cancelled'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(cancelled, 0);
    }

    #[test]
    fn a_damaged_packed_body_is_an_error_not_other_words() {
        let store = store();
        let (conn, now) = (store.conn(), Utc::now());
        let mut packer = Packer::default();
        for key in ["a", "b"] {
            let m = message(key, "early", &letter(1), None);
            outbox::insert_planned(conn, &m, now, 0, &mut packer).unwrap();
        }
        conn.execute(
            "UPDATE outbox_bodies SET text_len = text_len + 1 WHERE packed IS NOT NULL",
            [],
        )
        .unwrap();
        let id: i64 = conn
            .query_row(
                "SELECT outbox_id FROM outbox_bodies WHERE packed IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let e = outbox::get(conn, id).unwrap_err().to_string();
        assert!(
            e.contains("does not unpack") || e.contains("decompress"),
            "{e}"
        );
    }
}
