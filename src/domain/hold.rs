//! Why the planner sends nothing today for a client or an invoice ([`HoldKind`]). The planner's
//! `Held` carries one beside its human-readable reason, so that callers (the demo's pauses,
//! the report) tell holds apart by type instead of by the words of the reason.

use super::vocabulary::vocabulary;

vocabulary! {
    /// The kind of a planner hold.
    pub enum HoldKind ("hold kind") {
        /// The owner put the whole client on hold.
        ClientOnHold => "client_on_hold",
        /// The client has no contact at all.
        NoContact => "no_contact",
        /// Every contact asked for no automatic reminders.
        OptedOut => "opted_out",
        /// A payment promise pauses reminders until its date.
        Promise => "promise",
        /// A reply of the client's waits for a person's answer (a question, words not
        /// understood): reminders wait a few days for it.
        AwaitingAnswer => "awaiting_answer",
        /// The invoice is disputed: a person must resolve it.
        Disputed => "disputed",
        /// The owner put the invoice on hold.
        InvoiceOnHold => "invoice_on_hold",
        /// The client says it was paid: the bank must be checked.
        PaidClaim => "paid_claim",
        /// In a payment plan whose next instalment is not due.
        PlanInstalment => "plan_instalment",
        /// In a payment plan whose instalments are paid, a balance remaining.
        PlanBalance => "plan_balance",
        /// The balance is below the minimum amount chased.
        BelowMinimum => "below_minimum",
        /// An earlier message of the cycle is still on its way.
        MessagePending => "message_pending",
        /// The configured ladder has no overdue stage.
        NoOverdueStage => "no_overdue_stage",
        /// Not yet old enough for the first overdue stage.
        NotYetDue => "not_yet_due",
        /// Handed over to a person: no more automatic reminders.
        HandedOver => "handed_over",
        /// The last stage was sent.
        LadderFinished => "ladder_finished",
        /// One step at a time: the next stage waits for its earliest day.
        NextStep => "next_step",
        /// No contact can be reached by the channels the stage allows.
        NoReachableContact => "no_reachable_contact",
        /// No moment allowed to send (contact rules, caps).
        NoMoment => "no_moment",
        /// A preventive reminder skipped: the first free day is not before the due date.
        SkippedBeforeDue => "skipped_before_due",
        /// An instalment notice skipped: the first free day is after the instalment's day.
        SkippedAfterInstalment => "skipped_after_instalment",
        /// A preventive reminder skipped: the client's overdue invoices are being chased (the
        /// invoice is listed beside them once due).
        SkippedWhileChased => "skipped_while_chased",
    }
}
