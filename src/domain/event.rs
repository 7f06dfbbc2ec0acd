//! The audit log's words: who acted ([`Actor`]) and what happened ([`EventKind`]).
//!
//! Every change a person or cobrador makes is one row in `events`; `client show`, the report
//! and the tests read its `actor` and `kind` columns as text. The spellings below are those
//! rows: never rename one (old databases hold them), add a variant for a new event.

use super::vocabulary::vocabulary;

vocabulary! {
    /// Who made a change (the `events.actor` column; also a payment's `source`).
    pub enum Actor ("audit event actor") {
        /// A person at the command line.
        Cli => "cli",
        /// The invoice and client import.
        Import => "import",
        /// A payments file imported: the payment's source.
        Csv => "csv",
        /// The planner's pass (reminders, promises kept or broken, plans, receipts, digest).
        Planner => "planner",
        /// The outbox sender.
        Sender => "sender",
        /// A client's reply read from the inbox (or Telegram words applied as a reply).
        Inbox => "inbox",
        /// The Telegram bot's conversations.
        Telegram => "telegram",
        /// The business owner deciding something cobrador asked about.
        Owner => "owner",
        /// A bank statement.
        Bank => "bank",
        /// The payments ledger itself (an offered discount taken by a payment).
        Payments => "payments",
        /// The demo's simulated people.
        Demo => "demo",
    }
}

vocabulary! {
    /// What happened (the `events.kind` column), `subject.verb`.
    pub enum EventKind ("audit event kind") {
        /// Imported: a new client.
        ClientCreated => "client.created",
        /// Imported: a client's data changed.
        ClientUpdated => "client.updated",
        /// The client asked for no automatic reminders.
        ClientOptedOut => "client.opted_out",
        /// A person held every reminder to the client.
        ClientHeld => "client.held",
        /// A person lifted the client's hold.
        ClientUnheld => "client.unheld",
        /// The hours the client asked to be written to within were set or cleared.
        ClientHoursSet => "client.hours_set",
        /// A bounce: the contact's address no longer receives mail.
        ContactUndeliverable => "contact.undeliverable",
        /// Imported: a new invoice.
        InvoiceCreated => "invoice.created",
        /// Imported: an invoice's data changed.
        InvoiceUpdated => "invoice.updated",
        /// The client contests the invoice.
        InvoiceDisputed => "invoice.disputed",
        /// A dispute was settled.
        InvoiceDisputeResolved => "invoice.dispute_resolved",
        /// The client says it is paid ("ya pagué").
        InvoicePaidClaimed => "invoice.paid_claimed",
        /// A person settled a "ya pagué" claim.
        InvoicePaidClaimResolved => "invoice.paid_claim_resolved",
        /// A bank credit confirmed a "ya pagué" claim.
        InvoicePaidClaimConfirmed => "invoice.paid_claim_confirmed",
        /// A person held the invoice.
        InvoiceHeld => "invoice.held",
        /// Held while the client's request for a plan is answered.
        InvoiceHeldForPlan => "invoice.held_for_plan",
        /// A person lifted the invoice's hold.
        InvoiceUnheld => "invoice.unheld",
        /// Cancelled (a credit note).
        InvoiceCancelled => "invoice.cancelled",
        /// Given up as uncollectable.
        InvoiceWrittenOff => "invoice.written_off",
        /// A payment recorded.
        PaymentRecorded => "payment.recorded",
        /// A payment the bank returned (a negative payment): the invoice is due again.
        PaymentReturned => "payment.returned",
        /// A payment reported again by another source (the export and the bank statement):
        /// linked to the one recorded first, not added (see `policy::payment_match`).
        PaymentRepeated => "payment.repeated",
        /// A payment that may repeat one of several recorded ones: not added; the owner decides.
        PaymentDoubtful => "payment.doubtful",
        /// A payment took the prompt-payment discount offered.
        DiscountTaken => "discount.taken",
        /// A payment promise recorded (from a reply or by the owner).
        PromiseRecorded => "promise.recorded",
        /// A promise kept.
        PromiseKept => "promise.kept",
        /// A promise broken.
        PromiseBroken => "promise.broken",
        /// A pending promise taken back: the client disputed what it had promised to pay.
        PromiseWithdrawn => "promise.withdrawn",
        /// A payment plan agreed.
        PlanAgreed => "plan.agreed",
        /// A payment plan completed.
        PlanCompleted => "plan.completed",
        /// A payment plan broken.
        PlanBroken => "plan.broken",
        /// A payment plan found broken runs again (the instalment was paid in time after all).
        PlanRestored => "plan.restored",
        /// A payment plan cancelled by a person.
        PlanCancelled => "plan.cancelled",
        /// A reminder queued in the outbox.
        ReminderQueued => "reminder.queued",
        /// A hand-over to the owner queued.
        HandoverQueued => "handover.queued",
        /// A payment receipt queued.
        ReceiptQueued => "receipt.queued",
        /// The owner's morning digest queued.
        DigestQueued => "digest.queued",
        /// A message may or may not have gone out.
        OutboxUncertain => "outbox.uncertain",
        /// A message failed for good.
        OutboxDead => "outbox.dead",
        /// A dead message's stage may be planned again.
        OutboxStageReleased => "outbox.stage_released",
        /// An uncertain message was settled.
        OutboxResolved => "outbox.resolved",
        /// A person sent a dead message again.
        OutboxRequeued => "outbox.requeued",
        /// A message withdrawn before sending: something was recorded for its client after it
        /// was planned (a payment, a dispute, a promise...); its stage is planned again.
        OutboxCancelled => "outbox.cancelled",
        /// A reply stored.
        ReplyReceived => "reply.received",
        /// A reply no client could be matched to.
        ReplyNeedsReview => "reply.needs_review",
        /// The owner read a reply again.
        ReplyReclassified => "reply.reclassified",
        /// A bank statement imported.
        BankImported => "bank.imported",
        /// An invoices, clients or payments file imported.
        ImportFile => "import.file",
        /// A Telegram link issued to a contact.
        TelegramLinkIssued => "telegram.link_issued",
        /// A chat linked to a contact.
        TelegramLinked => "telegram.linked",
        /// A link token refused.
        TelegramLinkRefused => "telegram.link_refused",
        /// A chat unlinked.
        TelegramUnlinked => "telegram.unlinked",
        /// The bot was blocked.
        TelegramUnreachable => "telegram.unreachable",
        /// The bot was unblocked: the chat is used again.
        TelegramReachable => "telegram.reachable",
        /// A request refused.
        TelegramRefused => "telegram.refused",
        /// A client asked to stop by Telegram.
        TelegramStopWords => "telegram.stop_words",
        /// A vague promise: the bot asked for the date.
        TelegramAskedBack => "telegram.asked_back",
        /// A client sent a photo or a file (a payment receipt, often): passed to the owner.
        TelegramAttachment => "telegram.attachment",
        /// A client's photo or file could not be passed to the owner (the owner's chat
        /// refused it): the client was asked to send it by email.
        TelegramAttachmentNotPassed => "telegram.attachment_not_passed",
        /// The owner's group chat became a supergroup, with a new id: followed.
        TelegramChatMigrated => "telegram.chat_migrated",
    }
}

impl EventKind {
    /// Whether an event of this kind, recorded by someone else after a message was planned,
    /// may make what the message says untrue or its sending wrong: money received or claimed,
    /// a dispute, a hold, a promise or plan, a stop, changed amounts, dates or addresses.
    /// Not: a reply as such (its effect has its own event), an auto-reply or a question, a
    /// Telegram link issued, the outbox's own bookkeeping.
    pub fn changes_a_planned_message(self) -> bool {
        use EventKind::*;
        matches!(
            self,
            ClientUpdated
                | ClientOptedOut
                | ClientHeld
                | ContactUndeliverable
                | InvoiceUpdated
                | InvoiceDisputed
                | InvoicePaidClaimed
                | InvoicePaidClaimConfirmed
                | InvoiceHeld
                | InvoiceHeldForPlan
                | InvoiceCancelled
                | InvoiceWrittenOff
                | PaymentRecorded
                | PaymentReturned
                | DiscountTaken
                | PromiseRecorded
                | PlanAgreed
                | PlanCancelled
                | TelegramStopWords
        )
    }

    /// [`EventKind::changes_a_planned_message`] of a stored kind; a kind this version does not
    /// know (written by a newer one) counts as a change, to be safe.
    pub fn stored_changes_a_planned_message(kind: &str) -> bool {
        kind.parse::<EventKind>()
            .map_or(true, EventKind::changes_a_planned_message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The strings the code wrote before the vocabulary was typed (grepped from every
    /// `events::append` call): old databases hold exactly these; kinds added since are added
    /// here on purpose (`payment.repeated`, `payment.doubtful`, `telegram.attachment`,
    /// `promise.withdrawn`, `payment.returned`).
    const KINDS_BEFORE: &[&str] = &[
        "bank.imported",
        "client.created",
        "client.held",
        "client.hours_set",
        "client.opted_out",
        "client.unheld",
        "client.updated",
        "contact.undeliverable",
        "digest.queued",
        "discount.taken",
        "handover.queued",
        "import.file",
        "invoice.cancelled",
        "invoice.created",
        "invoice.dispute_resolved",
        "invoice.disputed",
        "invoice.held",
        "invoice.held_for_plan",
        "invoice.paid_claim_confirmed",
        "invoice.paid_claim_resolved",
        "invoice.paid_claimed",
        "invoice.unheld",
        "invoice.updated",
        "invoice.written_off",
        "outbox.cancelled",
        "outbox.dead",
        "outbox.requeued",
        "outbox.resolved",
        "outbox.stage_released",
        "outbox.uncertain",
        "payment.doubtful",
        "payment.recorded",
        "payment.repeated",
        "payment.returned",
        "plan.agreed",
        "plan.broken",
        "plan.cancelled",
        "plan.completed",
        "plan.restored",
        "promise.broken",
        "promise.kept",
        "promise.recorded",
        "promise.withdrawn",
        "receipt.queued",
        "reminder.queued",
        "reply.needs_review",
        "reply.received",
        "reply.reclassified",
        "telegram.asked_back",
        "telegram.attachment",
        "telegram.attachment_not_passed",
        "telegram.chat_migrated",
        "telegram.link_issued",
        "telegram.link_refused",
        "telegram.linked",
        "telegram.reachable",
        "telegram.refused",
        "telegram.stop_words",
        "telegram.unlinked",
        "telegram.unreachable",
    ];

    /// Actors before: the literal actors, `decide`'s callers (`cli`, `demo`) and the payment
    /// sources used as actors (`csv`, `cli`, `demo`, `bank`, `owner`).
    const ACTORS_BEFORE: &[&str] = &[
        "bank", "cli", "csv", "demo", "import", "inbox", "owner", "payments", "planner", "sender",
        "telegram",
    ];

    /// Every word parses back to itself, and the set of spellings is exactly `before`.
    fn same_words_as_before<T>(all: &[T], as_str: fn(&T) -> &'static str, before: &[&str])
    where
        T: std::str::FromStr + PartialEq + std::fmt::Debug,
        T::Err: std::fmt::Debug,
    {
        for w in all {
            assert_eq!(&as_str(w).parse::<T>().unwrap(), w);
        }
        let now: BTreeSet<&str> = all.iter().map(as_str).collect();
        assert_eq!(now.len(), all.len(), "two words share a spelling");
        assert_eq!(now, before.iter().copied().collect::<BTreeSet<&str>>());
    }

    #[test]
    fn every_kind_round_trips_and_the_set_is_the_one_stored_before() {
        same_words_as_before(EventKind::ALL, |k| k.as_str(), KINDS_BEFORE);
    }

    #[test]
    fn every_actor_round_trips_and_the_set_is_the_one_stored_before() {
        same_words_as_before(Actor::ALL, |a| a.as_str(), ACTORS_BEFORE);
    }

    #[test]
    fn an_unknown_stored_kind_is_named() {
        let e = "invoice.paid_clamed".parse::<EventKind>().unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unknown audit event kind \"invoice.paid_clamed\""),
            "{e}"
        );
    }
}
