//! A message forwarded inside a text ("---------- Forwarded message ---------", "Mensaje
//! reenviado", Apple Mail's "Begin forwarded message:"): who wrote it, its subject, and where
//! its own words start, below its header fields.
//!
//! [`super::trim`] drops such a block as history, and usually it is (our reminder passed on
//! inside a company). Two readers look inside it: [`super::mime`], when a colleague of the
//! writer wrote it (their manager's answer passed on: the client's words too), and
//! [`super::bounce`], when a mail system did (a delivery notice passed on by our own side).

use super::bounce::addresses_in;
use super::trim::{FROM_FIELDS, OTHER_FIELDS, clean, header_block_at, is_forward_separator};

/// The first forwarded message of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded<'a> {
    /// Its sender's address, lower case.
    pub from: Option<String>,
    /// Its sender's display name, lower case ("mail delivery subsystem").
    pub name: Option<String>,
    /// Its subject.
    pub subject: Option<String>,
    /// Its text: everything below its header fields (with what it quotes in turn).
    pub body: &'a str,
}

/// Subject fields of a header block, cleaned ([`clean`]).
pub(super) const SUBJECT_FIELDS: [&str; 7] = [
    "subject:",
    "asunto:",
    "assumpte:",
    "assunto:",
    "objet :",
    "objet:",
    "betreff:",
];

/// The first forwarded message in `text`: below a forward separator, or, as Outlook forwards,
/// a header block (`De:` and two more fields). Only for a message that is a forward (its
/// subject says so): in a reply, the first header block is the quoted history.
pub fn first(text: &str) -> Option<Forwarded<'_>> {
    let all: Vec<&str> = text.split_inclusive('\n').collect();
    let plain: Vec<&str> = text.lines().collect();
    let at = (0..all.len()).find_map(|i| {
        if is_forward_separator(all[i]) {
            Some(i + 1)
        } else {
            header_block_at(&plain, i).then_some(i)
        }
    })?;
    let mut offset: usize = all[..at].iter().map(|l| l.len()).sum();
    let lines = all[at..].iter().copied();
    let mut found = Forwarded {
        from: None,
        name: None,
        subject: None,
        body: "",
    };
    let mut fields = 0;
    for line in lines {
        let l = clean(line);
        if l.trim().is_empty() {
            if fields > 0 {
                offset += line.len();
                break;
            }
        } else if FROM_FIELDS.iter().any(|f| l.starts_with(f)) {
            found.from = addresses_in(line).into_iter().next();
            found.name = display_name(line);
            fields += 1;
        } else if let Some(f) = SUBJECT_FIELDS.iter().find(|f| l.starts_with(*f)) {
            let value = line.trim().trim_start_matches(['*', '_']);
            found.subject = value.get(f.len()..).map(|s| s.trim().to_owned());
            fields += 1;
        } else if OTHER_FIELDS.iter().any(|f| l.starts_with(f))
            || ["cc:", "bcc:", "cco:"].iter().any(|f| l.starts_with(f))
        {
            fields += 1;
        } else {
            break;
        }
        offset += line.len();
    }
    (fields > 0).then(|| Forwarded {
        body: &text[offset.min(text.len())..],
        ..found
    })
}

/// The display name of a `From:` line ("De: Mail Delivery Subsystem <mailer-daemon@x>").
fn display_name(line: &str) -> Option<String> {
    let (_, value) = line.split_once(':')?;
    let name = value
        .split('<')
        .next()?
        .trim()
        .trim_matches(['"', '\'', ' ']);
    (!name.is_empty() && !name.contains('@')).then(|| name.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::first;

    #[test]
    fn reads_the_header_fields_and_finds_the_words() {
        let t = "Les reenvío la respuesta.\n\n---------- Mensaje reenviado ---------\n\
                 De: Carlos Ortega <Carlos@Ortega.example>\nFecha: mar, 10 mar 2026\n\
                 Asunto: RE: Factura F-1\nPara: Marta <marta@ortega.example>\n\n\
                 La pagamos el día 25.\n";
        let f = first(t).expect("a forward");
        assert_eq!(f.from.as_deref(), Some("carlos@ortega.example"));
        assert_eq!(f.name.as_deref(), Some("carlos ortega"));
        assert_eq!(f.subject.as_deref(), Some("RE: Factura F-1"));
        assert_eq!(f.body, "La pagamos el día 25.\n");
        assert_eq!(first("Sin reenvío.\n-- \nAna\n"), None);
        // Outlook: a rule, then the header block.
        let t = "Te lo reenvío.\n\n________________________________\n\
                 De: Carlos Ortega <carlos@ortega.example>\nEnviado: martes\n\
                 Para: Marta\nAsunto: RE: Factura F-1\n\nLa pagamos el 25.\n";
        let f = first(t).expect("a forward");
        assert_eq!(f.from.as_deref(), Some("carlos@ortega.example"));
        assert_eq!(f.body, "La pagamos el 25.\n");
    }
}
