//! The TOML configuration: types (kebab-case, unknown keys rejected), lookup, validation and
//! secrets.
//!
//! Lookup order: `--config`, `$COBRADOR_CONFIG`, `./cobrador.toml`, `/etc/cobrador/config.toml`;
//! with none of them, the embedded example (the demo's business) is used. Relative paths in
//! the file are relative to the file's directory. Secrets are never inline: `password-env`
//! names an environment variable, `password-file` a file (works with systemd's
//! `LoadCredential=`).

mod planner;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::Deserialize;

pub use crate::policy::ladder::{
    DiscountOffer, Reminders, SegmentLadder, Stage, default_ladder, message_stage,
};
pub use planner::calendar_for;

/// The example configuration, embedded so `demo` and a first `init` work anywhere.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// SQLite database path. Default: `cobrador.db`. Relative paths (this and `email.outbox-dir`)
    /// resolve next to the config file, or in `$STATE_DIRECTORY` when systemd sets it.
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// A directory whose templates replace the defaults of the same name. Default: none.
    pub templates_dir: Option<PathBuf>,
    /// Who is collecting.
    pub business: Business,
    /// The reminder ladder and its rules.
    #[serde(default)]
    pub reminders: Reminders,
    /// Email: outgoing (SMTP or a directory) and incoming (IMAP).
    #[serde(default)]
    pub email: Email,
    /// Telegram bot: reminders with buttons to linked chats, and their answers. Default: disabled.
    pub telegram: Option<Telegram>,
    /// Contact rules for every client (days, hours, gaps, caps), clipped to each country's
    /// legal limits. Default: the country profiles.
    #[serde(default)]
    pub contact: crate::policy::ContactRulesConfig,
    /// Per-country overrides of `[contact]`, e.g. `[countries.CL.contact]`, and holidays.
    #[serde(default)]
    pub countries: std::collections::BTreeMap<String, CountrySettings>,
    /// The long-running daemon (`cobrador run`).
    #[serde(default)]
    pub daemon: Daemon,
    /// Safety limits: the largest amount accepted, how long a failing message is retried.
    #[serde(default)]
    pub limits: Limits,
    /// Ley 3/2004 rates published after this release: `[[interest.rates]]`. Default: none.
    #[serde(default)]
    pub interest: crate::policy::interest::configured::InterestConfig,
    /// The owner's morning digest, e.g. `[digest] hour = "08:00"`. Default: none.
    pub digest: Option<DigestConfig>,
    /// Where this configuration came from (not read from the file).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[digest]`: the morning digest to the owner. Default: none (no digest).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DigestConfig {
    /// Local time (business time zone) from which the day's digest goes, `HH:MM`. Default: 08:00.
    #[serde(default = "default_hour", deserialize_with = "hour_of_day")]
    pub hour: chrono::NaiveTime,
}

fn default_hour() -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(chrono::NaiveTime::MIN)
}

fn hour_of_day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<chrono::NaiveTime, D::Error> {
    let s = <String as Deserialize>::deserialize(d)?;
    chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
        serde::de::Error::custom(format!(
            "{s:?} is not a time of day: write it as HH:MM, e.g. \"08:00\""
        ))
    })
}

/// Settings of `cobrador run`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Daemon {
    /// Seconds between two planning passes when nothing changes. Default: 300. A payment, a
    /// reply or any other change to the database triggers a pass at once anyway.
    #[serde(default = "default_plan_interval")]
    pub plan_interval_secs: u64,
    /// Seconds between two looks for changes made by other processes (`cobrador invoice pay`,
    /// an import). Default: 5.
    #[serde(default = "default_change_poll")]
    pub change_poll_secs: u64,
    /// Days without any payment recorded or imported, while invoices are open, after which
    /// `check` and the daemon warn that clients who already paid may be reminded. Default: 7.
    #[serde(default = "default_payments_stale")]
    pub payments_stale_days: u32,
}

impl Default for Daemon {
    fn default() -> Self {
        Daemon {
            plan_interval_secs: default_plan_interval(),
            change_poll_secs: default_change_poll(),
            payments_stale_days: default_payments_stale(),
        }
    }
}

/// Bounds that keep one bad row or one bad day from breaking everything else.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Limits {
    /// The largest amount an import or `invoice pay` accepts (any currency). Default:
    /// 1000000000000 (10^12): far above any real invoice, far below where sums could overflow.
    #[serde(default = "default_max_amount", with = "rust_decimal::serde::str")]
    pub max_amount: Decimal,
    /// How long a message that keeps failing transiently (server down, 4xx) is retried before
    /// it is given up as dead and the owner is told, like an MTA's queue lifetime. Default: 96
    /// (four days).
    #[serde(default = "default_retry_for_hours")]
    pub retry_for_hours: u32,
    /// How long after a message died its stage may be planned again (on another channel when
    /// the client has one). Default: 24.
    #[serde(default = "default_retry_stage_after_hours")]
    pub retry_stage_after_hours: u32,
    /// How many threads read and plan the book in `plan` and in the tick's queueing pass, each
    /// a range of clients through its own connection to the database (1: all on one thread).
    /// The result is the same for any number. Default: 2; at most 16.
    #[serde(default = "default_planning_threads")]
    pub planning_threads: usize,
}

fn default_max_amount() -> Decimal {
    Decimal::from(1_000_000_000_000i64)
}
fn default_retry_for_hours() -> u32 {
    96
}
fn default_retry_stage_after_hours() -> u32 {
    24
}
fn default_planning_threads() -> usize {
    2
}

impl Limits {
    /// Positive, and small enough that sums of bounded amounts can never overflow.
    pub fn validate(&self) -> Result<()> {
        let ceiling = Decimal::from(1_000_000_000_000_000_000i64);
        if self.max_amount <= Decimal::ZERO || self.max_amount > ceiling {
            bail!(
                "limits.max-amount: {} must be above 0 and at most 10^18 (default 10^12)",
                self.max_amount
            );
        }
        if self.retry_for_hours == 0 {
            bail!("limits.retry-for-hours: must be at least 1 (default 96)");
        }
        if !(1..=16).contains(&self.planning_threads) {
            bail!(
                "limits.planning-threads: {} must be from 1 to 16 (default 2; 1 reads and plans \
                 on one thread)",
                self.planning_threads
            );
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_amount: default_max_amount(),
            retry_for_hours: default_retry_for_hours(),
            retry_stage_after_hours: default_retry_stage_after_hours(),
            planning_threads: default_planning_threads(),
        }
    }
}

fn default_plan_interval() -> u64 {
    300
}

fn default_change_poll() -> u64 {
    5
}

fn default_payments_stale() -> u32 {
    7
}

/// systemd's `StateDirectory=` (the first one), where relative data paths resolve under the
/// service manager.
pub fn state_directory() -> Option<PathBuf> {
    let dirs = std::env::var_os("STATE_DIRECTORY")?;
    let first = dirs.to_str()?.split(':').next()?.to_owned();
    (!first.is_empty()).then(|| PathBuf::from(first))
}

fn default_database() -> PathBuf {
    PathBuf::from("cobrador.db")
}

/// The creditor's identity, printed in every message.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Business {
    /// Trading name used in greetings and signatures.
    pub name: String,
    /// Registered legal name (required in formal letters).
    pub legal_name: String,
    /// NIF/CIF, RFC, NIT... (required in formal letters).
    pub tax_id: String,
    /// Postal address for the letterhead.
    #[serde(default)]
    pub address: String,
    /// The address reminders come from and replies go to.
    pub email: String,
    /// A phone number clients can call. Default: none.
    pub phone: Option<String>,
    /// The named person clients can talk to.
    pub contact_person: String,
    /// Country code (ES, MX, CO, CL, PE, AR).
    pub country: String,
    /// The business's time zone (IANA name). Default for clients without one.
    pub time_zone: Tz,
    /// Default currency (ISO 4217).
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Locale for formatting money and dates: es-ES, es-MX, es-CO, es-CL, es-PE, es-AR.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// IBAN for transfers. Default: none.
    pub iban: Option<String>,
    /// Other ways to pay, one line each, in Spanish. Default: none.
    #[serde(default)]
    pub payment_methods: Vec<String>,
    /// A payment page. Default: none.
    pub payment_link: Option<String>,
    /// Where owner alerts (disputes, replies to review, hand-overs) go. Default: `email`.
    pub owner_email: Option<String>,
    /// How a client imported without a `trato` value is addressed. Default: usted.
    #[serde(default)]
    pub form_of_address: FormOfAddress,
}

/// Usted or tú: how the business addresses its clients unless a client's row says otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum FormOfAddress {
    /// «Le recordamos…» (the default).
    #[default]
    #[serde(rename = "usted")]
    Usted,
    /// «Te recordamos…».
    #[serde(rename = "tú", alias = "tu")]
    Tu,
}

fn default_currency() -> String {
    "EUR".into()
}
fn default_locale() -> String {
    "es-ES".into()
}

/// Email settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Email {
    /// SMTP server. Default: none, messages are written to `outbox-dir` instead.
    pub smtp: Option<Smtp>,
    /// Directory for the file channel (`.eml`/`.txt`). Default: `outbox` next to the config.
    pub outbox_dir: Option<PathBuf>,
    /// IMAP server to read replies. Default: none.
    pub imap: Option<Imap>,
}

/// How a connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Security {
    /// Implicit TLS (SMTP 465, IMAP 993).
    Tls,
    /// STARTTLS (SMTP 587, IMAP 143).
    Starttls,
    /// No encryption: only when written explicitly, e.g. a relay on localhost.
    Plaintext,
}

/// An SMTP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Smtp {
    /// Host name.
    pub host: String,
    /// Port. Default: 587 (465 for `tls`, 25 for `plaintext`).
    pub port: Option<u16>,
    /// tls, starttls or plaintext. Default: starttls.
    #[serde(default = "default_security")]
    pub security: Security,
    /// Login name. Default: no authentication.
    pub username: Option<String>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// File holding the password.
    pub password_file: Option<PathBuf>,
    /// Seconds before a stalled send is abandoned. Default: 30.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Extra CA certificate (PEM) to trust, e.g. a test server's. Default: none.
    pub ca_file: Option<PathBuf>,
    /// Connections kept open and messages sent at once. Default: 2.
    #[serde(default = "default_pool_size")]
    pub pool_size: usize,
}

fn default_pool_size() -> usize {
    2
}

fn default_security() -> Security {
    Security::Starttls
}
fn default_timeout() -> u64 {
    30
}

/// An IMAP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Imap {
    /// Host name.
    pub host: String,
    /// Port. Default: 993 (143 for starttls/plaintext).
    pub port: Option<u16>,
    /// tls, starttls or plaintext. Default: tls.
    #[serde(default = "default_imap_security")]
    pub security: Security,
    /// Login name.
    pub username: String,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// File holding the password.
    pub password_file: Option<PathBuf>,
    /// Mailbox to read replies from. Default: INBOX.
    #[serde(default = "default_inbox")]
    pub mailbox: String,
    /// Sent mailbox, used to resolve uncertain sends. Default: none.
    pub sent_mailbox: Option<String>,
    /// Append a copy of every message sent by SMTP to `sent-mailbox` (for servers that do not
    /// keep one themselves). Default: false.
    #[serde(default)]
    pub save_sent: bool,
    /// Extra CA certificate (PEM) to trust, e.g. a test server's. Default: none.
    pub ca_file: Option<PathBuf>,
    /// Move each processed message to this mailbox (it must exist). Default: none (messages
    /// stay in `mailbox`, flagged \Seen).
    pub processed_mailbox: Option<String>,
    /// A message larger than this is recorded for review without being parsed. Default:
    /// 10000000 (10 MB).
    #[serde(default = "default_max_message_bytes")]
    pub max_message_bytes: u64,
    /// Seconds between checks when the server has no IDLE. Default: 60.
    #[serde(default = "default_poll_secs")]
    pub poll_secs: u64,
}

fn default_max_message_bytes() -> u64 {
    10_000_000
}
fn default_poll_secs() -> u64 {
    60
}

fn default_imap_security() -> Security {
    Security::Tls
}
fn default_inbox() -> String {
    "INBOX".into()
}

/// The Telegram bot.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Telegram {
    /// Environment variable holding the bot token.
    pub token_env: Option<String>,
    /// File holding the bot token.
    pub token_file: Option<PathBuf>,
    /// Bot API base URL. Default: `https://api.telegram.org` (a self-hosted Bot API server, or a
    /// test server, goes here).
    pub api_url: Option<String>,
    /// The bot's username, for deep links.
    pub bot_username: String,
    /// Hours a `telegram link` deep link stays valid. Default: 72.
    #[serde(default = "default_link_valid_hours")]
    pub link_valid_hours: u32,
    /// Seconds `getUpdates` waits for news (long polling). Default: 25.
    #[serde(default = "default_poll_timeout")]
    pub poll_timeout_secs: u64,
    /// Seconds any other Bot API call may take. Default: 20.
    #[serde(default = "default_telegram_timeout")]
    pub timeout_secs: u64,
    /// The longest `retry_after` (seconds) a send waits out in place after a 429; longer ones
    /// leave the message for a later pass. Default: 30.
    #[serde(default = "default_max_retry_after")]
    pub max_retry_after_secs: u64,
    /// The owner's own chat: owner alerts are also sent there. Default: none (email only).
    pub owner_chat_id: Option<i64>,
    /// An extra CA certificate (PEM) to trust for `api-url` (a self-hosted Bot API server
    /// behind a private CA). Default: the system's roots only.
    pub ca_file: Option<PathBuf>,
}

fn default_link_valid_hours() -> u32 {
    72
}
fn default_poll_timeout() -> u64 {
    25
}
fn default_telegram_timeout() -> u64 {
    20
}
fn default_max_retry_after() -> u64 {
    30
}

impl Telegram {
    /// The Bot API base URL without a trailing slash.
    pub fn api_base(&self) -> &str {
        self.api_url
            .as_deref()
            .unwrap_or("https://api.telegram.org")
            .trim_end_matches('/')
    }

    /// The bot token, from `token-env` or `token-file`; the error names the setting.
    pub fn token(&self) -> Result<String> {
        read_secret(
            "telegram token",
            self.token_env.as_deref(),
            self.token_file.as_deref(),
        )
    }
}

/// Settings for the clients of one country.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CountrySettings {
    /// Contact rules overriding `[contact]` for this country. Default: none.
    #[serde(default)]
    pub contact: crate::policy::ContactRulesConfig,
    /// The owner's extra closing days (`YYYY-MM-DD`) for clients in this country. Default: none.
    #[serde(default)]
    pub extra_holidays: Vec<chrono::NaiveDate>,
    /// How clients in this country pay, instead of the business's `iban`, `payment-methods`
    /// and `payment-link`. Default: the business's, but only when the business's currency is
    /// this country's (no Spanish IBAN or Bizum for a client in Mexico).
    #[serde(default)]
    pub payment: Option<PaymentSettings>,
}

/// Ways to pay offered to the clients of one country.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PaymentSettings {
    /// Account for transfers (IBAN, CLABE, account number), if any. Default: none.
    pub iban: Option<String>,
    /// Other ways to pay, one sentence each. Default: none.
    #[serde(default)]
    pub payment_methods: Vec<String>,
    /// A payment page, if any. Default: none.
    pub payment_link: Option<String>,
}

/// Reads a secret from an environment variable or a file; the error says which and how.
pub fn read_secret(what: &str, env: Option<&str>, file: Option<&Path>) -> Result<String> {
    match (env, file) {
        (Some(var), _) => std::env::var(var).with_context(|| {
            format!(
                "{what}: environment variable {var} is not set (set it, or use a *-file setting)"
            )
        }),
        (None, Some(path)) => Ok(std::fs::read_to_string(path)
            .with_context(|| format!("{what}: cannot read secret file {}", path.display()))?
            .trim_end_matches(['\n', '\r'])
            .to_owned()),
        (None, None) => bail!("{what}: set password-env or password-file"),
    }
}

impl Config {
    /// Finds and loads the configuration following the lookup order; `None` paths fall back to
    /// the embedded example.
    pub fn discover(explicit: Option<&Path>) -> Result<Config> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        for candidate in [
            Path::new("cobrador.toml"),
            Path::new("/etc/cobrador/config.toml"),
        ] {
            if candidate.exists() {
                return Config::load(candidate);
            }
        }
        Config::parse(EXAMPLE, "config.example.toml (embedded)")
    }

    /// Whether a real file was found by [`Config::discover`].
    pub fn has_file(&self) -> bool {
        self.source.is_some()
    }

    /// Loads and validates one file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read config file {}: create it with `cobrador init`",
                path.display()
            )
        })?;
        let mut config = Config::parse(&text, &path.display().to_string())?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        // Under systemd the configuration directory is read-only: data goes to the state directory.
        let data = state_directory().unwrap_or_else(|| base.clone());
        config.database = data.join(&config.database);
        config.templates_dir = config.templates_dir.map(|d| base.join(d));
        config.email.outbox_dir = config.email.outbox_dir.map(|d| data.join(d));
        if let Some(smtp) = &mut config.email.smtp {
            smtp.ca_file = smtp.ca_file.take().map(|f| base.join(f));
            smtp.password_file = smtp.password_file.take().map(|f| base.join(f));
        }
        if let Some(imap) = &mut config.email.imap {
            imap.ca_file = imap.ca_file.take().map(|f| base.join(f));
            imap.password_file = imap.password_file.take().map(|f| base.join(f));
        }
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses and validates TOML text; errors read `FILE:LINE: key: reason`.
    pub fn parse(text: &str, name: &str) -> Result<Config> {
        let de = toml::Deserializer::parse(text)
            .map_err(|e| anyhow::anyhow!(located(name, text, &e)))?;
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let line = inner.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            anyhow::anyhow!("{name}:{line}: {key}: {}", inner.message().trim())
        })?;
        config
            .validate()
            .map_err(|e| anyhow::anyhow!("{name}: {e:#}"))?;
        Ok(config)
    }

    /// Checks what types alone cannot.
    pub fn validate(&self) -> Result<()> {
        check_ladder("reminders.ladder", &self.reminders.ladder)?;
        for seg in &self.reminders.segments {
            if !["regular", "new", "late"].contains(&seg.segment.as_str()) {
                bail!(
                    "reminders.segments: unknown segment {:?}: use regular, new or late",
                    seg.segment
                );
            }
            check_ladder(
                &format!("reminders.segments[{}].ladder", seg.segment),
                &seg.ladder,
            )?;
        }
        if let Some(first) = &self.reminders.first_stage {
            let ok = self
                .reminders
                .ladder
                .iter()
                .any(|s| &s.name == first && s.offset_days >= 0 && !s.handover);
            if !ok {
                bail!(
                    "reminders.first-stage: {first:?} is not a stage of reminders.ladder on or after \
                     the due date (and not the hand-over): use e.g. \"early\""
                );
            }
        }
        if let Some(code) = self.reminders.minimum_amounts.keys().find(|c| {
            !crate::domain::CURRENCIES
                .iter()
                .any(|(known, _)| known.eq_ignore_ascii_case(c))
        }) {
            bail!(
                "reminders.minimum-amounts: {code:?} is not a currency cobrador knows: use EUR, MXN, COP, CLP, ARS, PEN or USD"
            );
        }
        if !["ES", "MX", "CO", "CL", "PE", "AR"].contains(&self.business.country.as_str()) {
            bail!(
                "business.country: {:?} is not supported: use ES, MX, CO, CL, PE or AR",
                self.business.country
            );
        }
        let links = std::iter::once((
            "business.payment-link".to_owned(),
            &self.business.payment_link,
        ))
        .chain(self.countries.iter().filter_map(|(code, c)| {
            c.payment.as_ref().map(|p| {
                (
                    format!("countries.{code}.payment.payment-link"),
                    &p.payment_link,
                )
            })
        }));
        for (key, link) in links {
            if let Some(token) = link
                .as_deref()
                .and_then(crate::domain::links::unknown_placeholder)
            {
                bail!(
                    "{key}: unknown placeholder {token}: use {{numero}}, {{importe}}, {{moneda}} or {{cliente}}"
                );
            }
        }
        if !["es-ES", "es-MX", "es-CO", "es-CL", "es-PE", "es-AR"]
            .contains(&self.business.locale.as_str())
        {
            bail!(
                "business.locale: {:?} is not supported: use es-ES, es-MX, es-CO, es-CL, es-PE or es-AR",
                self.business.locale
            );
        }
        if self.business.currency.len() != 3
            || !self
                .business
                .currency
                .chars()
                .all(|c| c.is_ascii_uppercase())
        {
            bail!(
                "business.currency: {:?} is not an ISO 4217 code such as EUR or MXN",
                self.business.currency
            );
        }
        self.limits.validate()?;
        for code in self.countries.keys() {
            code.parse::<crate::policy::Country>()
                .map_err(|e| anyhow::anyhow!("countries.{code}: {e}"))?;
        }
        for country in crate::policy::Country::ALL {
            crate::policy::ContactRules::resolve(country, &self.contact_config(country.code()))
                .map_err(|e| anyhow::anyhow!("contact ({}): {e}", country.code()))?;
        }
        if let Some(smtp) = &self.email.smtp {
            if smtp.username.is_some()
                && smtp.password_env.is_none()
                && smtp.password_file.is_none()
            {
                bail!("email.smtp: username is set but neither password-env nor password-file");
            }
            if smtp.timeout_secs == 0 {
                bail!("email.smtp.timeout-secs: must be at least 1");
            }
            if smtp.pool_size == 0 {
                bail!("email.smtp.pool-size: must be at least 1");
            }
        }
        if let Some(imap) = &self.email.imap
            && imap.save_sent
            && imap.sent_mailbox.is_none()
        {
            bail!("email.imap.save-sent: set sent-mailbox too (e.g. \"Sent\")");
        }
        if let Some(imap) = &self.email.imap
            && imap.poll_secs == 0
        {
            bail!("email.imap.poll-secs: must be at least 1");
        }
        if let Some(tg) = &self.telegram
            && tg.token_env.is_none()
            && tg.token_file.is_none()
        {
            bail!(
                "telegram: set token-env or token-file (the token is never written in the config)"
            );
        }
        Ok(())
    }

    /// The ladder for a segment (falling back to the default ladder).
    pub fn ladder_for(&self, segment: Option<&str>) -> &[Stage] {
        segment
            .and_then(|s| self.reminders.segments.iter().find(|l| l.segment == s))
            .map(|l| l.ladder.as_slice())
            .unwrap_or(&self.reminders.ladder)
    }

    /// The `[contact]` table with the country's overrides applied.
    pub fn contact_config(&self, country: &str) -> crate::policy::ContactRulesConfig {
        match self.countries.get(country) {
            Some(c) => self.contact.overlay(&c.contact),
            None => self.contact.clone(),
        }
    }

    /// Where owner alerts go.
    pub fn owner_email(&self) -> &str {
        self.business
            .owner_email
            .as_deref()
            .unwrap_or(&self.business.email)
    }

    /// The file channel's directory.
    pub fn outbox_dir(&self) -> PathBuf {
        self.email.outbox_dir.clone().unwrap_or_else(|| {
            self.database
                .parent()
                .map(|p| p.join("outbox"))
                .unwrap_or_else(|| PathBuf::from("outbox"))
        })
    }
}

fn check_ladder(key: &str, ladder: &[Stage]) -> Result<()> {
    if ladder.is_empty() {
        bail!("{key}: the ladder has no stages");
    }
    for pair in ladder.windows(2) {
        if pair[1].offset_days <= pair[0].offset_days {
            bail!(
                "{key}: stage {:?} (offset {}) must come after {:?} (offset {}): sort by offset-days",
                pair[1].name,
                pair[1].offset_days,
                pair[0].name,
                pair[0].offset_days
            );
        }
    }
    let mut names: Vec<&str> = ladder.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    if let Some(dup) = names.windows(2).find(|w| w[0] == w[1]) {
        bail!("{key}: stage name {:?} appears twice", dup[0]);
    }
    for s in ladder {
        if let Some(d) = &s.discount {
            let positive = |v: &Option<Decimal>| v.is_some_and(|x| x > Decimal::ZERO);
            if positive(&d.percent) == positive(&d.amount) {
                bail!(
                    "{key}: stage {:?}: discount needs exactly one positive percent or amount",
                    s.name
                );
            }
            if d.percent.is_some_and(|p| p >= Decimal::from(100)) {
                bail!(
                    "{key}: stage {:?}: discount percent must be below 100",
                    s.name
                );
            }
        }
        if s.channels.is_empty() && !s.handover {
            bail!("{key}: stage {:?} allows no channel", s.name);
        }
        if s.handover != (s.name == crate::domain::HANDOVER_STAGE) {
            bail!(
                "{key}: stage {:?}: the stage that hands a client over to you must be named \"{}\" \
                 and be the only one with handover = true (rename it, or move handover = true)",
                s.name,
                crate::domain::HANDOVER_STAGE
            );
        }
        if crate::domain::is_reserved_kind(&s.name) {
            bail!(
                "{key}: stage name {:?} is reserved for messages outside the ladder \
                 (acknowledgements, owner alerts, the digest, receipts, plans): choose another name",
                s.name
            );
        }
        if s.name.is_empty()
            || !s
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            bail!(
                "{key}: stage name {:?} must be letters, digits, '-' or '_'",
                s.name
            );
        }
    }
    Ok(())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn located(name: &str, text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    format!("{name}:{line}: {}", e.message().trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_valid() {
        let c = Config::parse(EXAMPLE, "example").unwrap();
        assert_eq!(c.reminders.ladder.len(), 8);
        assert_eq!(c.business.time_zone, chrono_tz::Europe::Madrid);
    }

    /// One minimum cannot suit pesos chilenos and soles: `minimum-amounts` sets it per
    /// currency, `minimum-amount` stays the rest's (a walker's 5000 held every Peruvian invoice).
    #[test]
    fn a_minimum_amount_per_currency() {
        let text = EXAMPLE.replacen(
            "minimum-amount = \"20.00\"",
            "minimum-amount = \"20.00\"\nminimum-amounts = { CLP = \"5000\", pen = \"15\" }",
            1,
        );
        let c = Config::parse(&text, "example").unwrap();
        let m = |cur: &str| c.reminders.minimum_for(cur).to_string();
        assert_eq!(
            (m("CLP"), m("PEN"), m("EUR")),
            ("5000".into(), "15".into(), "20.00".into())
        );
        // A typo is an error naming the fix, not a minimum silently ignored.
        let typo = text.replace("CLP = ", "CPL = ");
        let err = format!("{:#}", Config::parse(&typo, "example").unwrap_err());
        assert!(err.contains("\"CPL\" is not a currency"), "{err}");
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let bad = EXAMPLE.replacen(
            "time-zone = \"Europe/Madrid\"",
            "time-zone = \"Europe/Madird\"",
            1,
        );
        let err = Config::parse(&bad, "cobrador.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cobrador.toml:"), "{err}");
        assert!(err.contains("business.time-zone"), "{err}");
        let line = bad
            .lines()
            .position(|l| l.contains("Europe/Madird"))
            .unwrap()
            + 1;
        assert!(
            err.contains(&format!(":{line}:")),
            "{err} (want line {line})"
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let bad = EXAMPLE.replacen("[business]", "[business]\nnmae = \"typo\"", 1);
        let err = Config::parse(&bad, "c.toml").unwrap_err().to_string();
        assert!(err.contains("nmae"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let text = format!("{EXAMPLE}\n[email.smtp]\nhost = \"x\"\nport = \"veinticinco\"\n");
        let err = Config::parse(&text, "c.toml").unwrap_err().to_string();
        assert!(err.contains("email.smtp.port"), "{err}");
    }

    #[test]
    fn first_stage_must_be_an_overdue_stage_of_the_ladder() {
        let ok = EXAMPLE.replacen("# first-stage = \"early\"", "first-stage = \"second\"", 1);
        assert_eq!(
            Config::parse(&ok, "c")
                .unwrap()
                .reminders
                .first_stage
                .as_deref(),
            Some("second")
        );
        for bad in ["preventive", "handover", "sexto"] {
            let text = EXAMPLE.replacen(
                "# first-stage = \"early\"",
                &format!("first-stage = \"{bad}\""),
                1,
            );
            let err = format!("{:#}", Config::parse(&text, "c").unwrap_err());
            assert!(err.contains("reminders.first-stage"), "{bad}: {err}");
        }
    }

    #[test]
    fn handover_and_reserved_stage_names_are_checked() {
        let renamed = EXAMPLE.replacen("name = \"handover\"", "name = \"traspaso\"", 1);
        assert_ne!(renamed, EXAMPLE, "the example names its handover stage");
        let err = format!("{:#}", Config::parse(&renamed, "c").unwrap_err());
        assert!(err.contains("must be named \"handover\""), "{err}");
        let reserved = EXAMPLE.replacen("name = \"second\"", "name = \"ack_second\"", 1);
        assert_ne!(reserved, EXAMPLE, "the example names its second stage");
        let err = format!("{:#}", Config::parse(&reserved, "c").unwrap_err());
        assert!(err.contains("reserved"), "{err}");
    }

    #[test]
    fn unsorted_ladder_is_rejected() {
        let text = EXAMPLE.replacen("offset-days = 7", "offset-days = 1", 1);
        let err = Config::parse(&text, "c.toml").unwrap_err().to_string();
        assert!(err.contains("sort by offset-days"), "{err}");
    }

    #[test]
    fn secrets_come_from_env_or_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "s3cret\n").unwrap();
        assert_eq!(read_secret("smtp", None, Some(&file)).unwrap(), "s3cret");
        let err = read_secret("smtp", Some("COBRADOR_TEST_UNSET_VAR"), None).unwrap_err();
        assert!(err.to_string().contains("COBRADOR_TEST_UNSET_VAR"));
    }
}
