//! `cobrador send-test ADDRESS`: one sample Spanish message through the configured SMTP server.

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Context;
use super::outbox::runtime;
use crate::channel::SmtpChannel;
use crate::channel::smtp::sample_message;

/// Sends the sample and prints the server's answer.
pub fn run(ctx: &Context, address: &str) -> Result<ExitCode> {
    let Some(smtp) = &ctx.config.email.smtp else {
        bail!(
            "email.smtp is not configured: add an [email.smtp] section to {} (see config.example.toml)",
            ctx.config
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "cobrador.toml".into())
        );
    };
    let channel = SmtpChannel::new(smtp, &ctx.config.business, None)?;
    let message = sample_message(&ctx.config.business, address)?;
    let response = runtime()?.block_on(async {
        let result = channel.send_message(&message).await;
        channel.shutdown().await;
        result
    })?;
    let text: Vec<&str> = response.message().collect();
    println!(
        "{} accepted the message for {address}: {} {}",
        channel.server(),
        response.code(),
        text.join(" ")
    );
    Ok(ExitCode::SUCCESS)
}
