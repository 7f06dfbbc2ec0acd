//! The ladder: the stages a reminder climbs (offset from the due date, tone, channels, who is
//! copied), the segment ladders, and the rules around them. Read from `[reminders]` in the
//! configuration; interpreted by the planner.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::Channel;

/// The ladder and the rules around it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Reminders {
    /// Balances below this (per invoice currency) are never chased. Default: 0.
    #[serde(default, with = "rust_decimal::serde::str")]
    pub minimum_amount: Decimal,
    /// Per currency, instead of `minimum_amount` (`{ CLP = "5000", PEN = "20" }`): one figure
    /// cannot suit pesos chilenos and soles. Default: none.
    #[serde(default)]
    pub minimum_amounts: std::collections::BTreeMap<String, Decimal>,
    /// Business days after a promised date before the promise counts as broken. Default: 2.
    #[serde(default = "default_grace")]
    pub promise_grace_days: u32,
    /// Days before each instalment of a payment plan that a reminder goes out. Default: 3.
    #[serde(default = "default_instalment_notice")]
    pub instalment_notice_days: u32,
    /// The stage of the first message in a cycle whose invoice is already late (e.g. just
    /// imported 100 days overdue): escalation then goes one step at a time from there.
    /// Default: the first stage after the due date (`early`).
    #[serde(default)]
    pub first_stage: Option<String>,
    /// The default ladder. Default: -3, 0, +3, +7, +15, +30, +60, +90 (hand-over).
    #[serde(default = "default_ladder")]
    pub ladder: Vec<Stage>,
    /// Gentler or firmer ladders per client segment (`regular`, `new`, `late`). Default: none.
    #[serde(default)]
    pub segments: Vec<SegmentLadder>,
    /// Share of invoices paid late in the last 12 months from which a client is `late`.
    /// Default: 0.5.
    #[serde(default = "default_late_share", with = "rust_decimal::serde::str")]
    pub late_payer_share: Decimal,
    /// Thank the client, once per invoice, when an invoice they were reminded of is paid.
    /// Default: true.
    #[serde(default = "default_receipts")]
    pub receipts: bool,
}

fn default_receipts() -> bool {
    true
}

fn default_grace() -> u32 {
    2
}
fn default_instalment_notice() -> u32 {
    3
}
fn default_late_share() -> Decimal {
    Decimal::new(5, 1)
}

impl Reminders {
    /// The smallest balance chased in `currency`.
    pub fn minimum_for(&self, currency: &str) -> Decimal {
        self.minimum_amounts
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(currency))
            .map_or(self.minimum_amount, |(_, m)| *m)
    }
}

impl Default for Reminders {
    fn default() -> Self {
        Reminders {
            minimum_amount: Decimal::ZERO,
            minimum_amounts: Default::default(),
            promise_grace_days: default_grace(),
            instalment_notice_days: default_instalment_notice(),
            first_stage: None,
            ladder: default_ladder(),
            segments: Vec::new(),
            late_payer_share: default_late_share(),
            receipts: default_receipts(),
        }
    }
}

/// One step of a ladder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Stage {
    /// Stage name; also the default template name.
    pub name: String,
    /// Days from the due date (negative = before).
    pub offset_days: i32,
    /// Template base name. Default: the stage name.
    pub template: Option<String>,
    /// Tone, for the owner's reading: friendly, helpful, firm, formal.
    #[serde(default = "default_tone")]
    pub tone: String,
    /// Channels allowed at this stage. Default: email and telegram.
    #[serde(default = "default_channels")]
    pub channels: Vec<Channel>,
    /// Contact roles copied besides billing (e.g. `finance`). Default: none.
    #[serde(default)]
    pub copy_roles: Vec<String>,
    /// A task for a person instead of a message to the client. Default: false.
    #[serde(default)]
    pub handover: bool,
    /// A prompt-payment discount this stage offers (not in a message that follows a broken
    /// promise or plan). Default: none.
    pub discount: Option<DiscountOffer>,
}

/// A discount for paying by a date, offered by a stage.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DiscountOffer {
    /// Percentage of the balance, e.g. "2". Exactly one of `percent` and `amount`.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub percent: Option<Decimal>,
    /// A fixed amount per message, in the invoices' currency.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
    /// Days the offer is valid, counted from the day the message is sent. Default: 7.
    #[serde(default = "default_discount_days")]
    pub valid_days: u32,
}

fn default_discount_days() -> u32 {
    7
}

fn default_tone() -> String {
    "friendly".into()
}
fn default_channels() -> Vec<Channel> {
    vec![Channel::Email, Channel::Telegram]
}

impl Stage {
    /// The template this stage renders.
    pub fn template_name(&self) -> &str {
        self.template.as_deref().unwrap_or(&self.name)
    }
}

/// A ladder for one client segment.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SegmentLadder {
    /// Segment name: `regular` (good history), `new`, `late` (habitual late payer).
    pub segment: String,
    /// The ladder for that segment.
    pub ladder: Vec<Stage>,
}

fn stage(name: &str, offset: i32, tone: &str, copy_finance: bool, handover: bool) -> Stage {
    Stage {
        name: name.into(),
        offset_days: offset,
        template: None,
        tone: tone.into(),
        channels: default_channels(),
        copy_roles: if copy_finance {
            vec!["finance".into()]
        } else {
            Vec::new()
        },
        handover,
        discount: None,
    }
}

/// The stage of a message outside the ladder (acknowledgements, owner alerts, instalment
/// reminders): due-day offset, helpful tone, any channel.
pub fn message_stage(name: &str) -> Stage {
    stage(name, 0, "helpful", false, false)
}

/// The default ladder from the collections guidance: -3, 0, +3, +7, +15, +30, +60, +90.
pub fn default_ladder() -> Vec<Stage> {
    vec![
        stage("preventive", -3, "friendly", false, false),
        stage("due", 0, "friendly", false, false),
        stage("early", 3, "helpful", false, false),
        stage("second", 7, "helpful", false, false),
        stage("firm", 15, "firm", false, false),
        stage("formal", 30, "formal", true, false),
        stage("final", 60, "formal", true, false),
        stage("handover", 90, "formal", false, true),
    ]
}
