//! When Telegram is not enough: formal stages (tone `formal`: the formal notice and the final
//! notice) sent by Telegram also go by email, a written record the client keeps
//! ([`email_record`]). The twin has its own outbox key (`<key>|email`), so it is queued at
//! most once.
//!
//! (A reminder that dies in a blocked chat needs nothing here: the chat is marked unreachable,
//! its contact prefers email, and when the sender releases the dead message's stage the
//! planner sends that stage again, by email.)

use crate::config::Config;
use crate::domain::{Channel, ContactRole};
use crate::policy::planner::{ClientFile, PlannedMessage};

/// The email twin of a planned Telegram message: same stage and invoices, to the client's
/// billing email (any contact's when there is no billing one), under the key `<key>|email`.
/// `None` when no contact has an email.
pub fn email_twin(
    config: &Config,
    file: &ClientFile,
    m: &PlannedMessage,
) -> Option<PlannedMessage> {
    let reachable: Vec<_> = file
        .contacts
        .iter()
        .filter(|c| !c.opted_out && c.email.is_some())
        .collect();
    let billing: Vec<String> = reachable
        .iter()
        .filter(|c| c.role == ContactRole::Billing)
        .filter_map(|c| c.email.clone())
        .collect();
    let to = if billing.is_empty() {
        reachable
            .iter()
            .filter_map(|c| c.email.clone())
            .take(1)
            .collect()
    } else {
        billing
    };
    if to.is_empty() {
        return None;
    }
    let copy_roles: Vec<String> = config
        .ladder_for(m.segment.as_deref())
        .iter()
        .find(|s| s.name == m.stage)
        .map(|s| s.copy_roles.clone())
        .unwrap_or_default();
    let cc = reachable
        .iter()
        .filter(|c| copy_roles.iter().any(|r| r == c.role.as_str()))
        .filter_map(|c| c.email.clone())
        .filter(|e| !to.contains(e))
        .collect();
    Some(PlannedMessage {
        dedup_key: format!("{}|email", m.dedup_key),
        channel: Channel::Email,
        recipients: to,
        cc,
        ..m.clone()
    })
}

/// For a formal stage planned by Telegram, its email twin (a written record); else `None`.
pub fn email_record(
    config: &Config,
    file: &ClientFile,
    m: &PlannedMessage,
) -> Option<PlannedMessage> {
    let formal = config
        .ladder_for(m.segment.as_deref())
        .iter()
        .chain(config.reminders.ladder.iter())
        .find(|s| s.name == m.stage)
        .is_some_and(|s| s.tone == "formal");
    if m.channel != Channel::Telegram || m.handover || m.plan.is_some() || !formal {
        return None;
    }
    email_twin(config, file, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Client, ClientKind, Contact};

    fn file() -> ClientFile {
        let contact = |id, email: &str, role| Contact {
            id,
            client_id: "C1".into(),
            name: None,
            email: Some(email.into()),
            telegram_chat_id: (id == 1).then_some(5001),
            role,
            preferred_channel: Channel::Telegram,
            opted_out: false,
        };
        ClientFile {
            client: Client {
                id: "C1".into(),
                name: "Café".into(),
                legal_name: None,
                tax_id: None,
                country: "ES".into(),
                region: None,
                time_zone: chrono_tz::Europe::Madrid,
                kind: ClientKind::B2b,
                segment: None,
                language: "es".into(),
                tuteo: false,
                on_hold: false,
                awaiting_answer_until: None,
                notes: None,
            },
            contacts: vec![
                contact(1, "pagos@cafe.example", ContactRole::Billing),
                contact(2, "finanzas@cafe.example", ContactRole::Finance),
            ],
            invoices: vec![],
            payments: vec![],
            promises: vec![],
            messages: vec![],
            plans: vec![],
            history: None,
            in_favour: vec![],
        }
    }

    fn planned(stage: &str) -> PlannedMessage {
        PlannedMessage {
            client: "C1".into(),
            stage: stage.into(),
            template: stage.into(),
            cycle: "F-1".into(),
            dedup_key: format!("C1|{stage}|F-1"),
            channel: Channel::Telegram,
            recipients: vec!["5001".into()],
            cc: vec![],
            invoices: vec!["F-1".into()],
            reached: vec!["F-1".into()],
            send_at: chrono::Utc::now(),
            due_now: true,
            why: String::new(),
            waiting: None,
            handover: false,
            broken_promise: None,
            broken_plan: None,
            deadline: None,
            segment: None,
            plan: None,
        }
    }

    #[test]
    fn formal_stages_by_telegram_also_go_by_email() {
        let config = Config::parse(crate::config::EXAMPLE, "example").unwrap();
        let twin = email_record(&config, &file(), &planned("formal")).unwrap();
        assert_eq!(twin.channel, Channel::Email);
        assert_eq!(twin.dedup_key, "C1|formal|F-1|email");
        assert_eq!(twin.recipients, ["pagos@cafe.example"]);
        assert_eq!(twin.cc, ["finanzas@cafe.example"], "the stage's copy roles");
        assert!(email_record(&config, &file(), &planned("final")).is_some());
        assert!(email_record(&config, &file(), &planned("early")).is_none());
        let mut by_email = planned("formal");
        by_email.channel = Channel::Email;
        assert!(email_record(&config, &file(), &by_email).is_none());
    }
}
