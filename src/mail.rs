//! What a received email says, without any I/O: MIME parsing ([`mime`]), the class of the
//! message ([`classify`]: a person's reply, an auto-reply or a bounce, with [`bounce`] reading
//! delivery failure notices in every common form), HTML read as text ([`html`]), the visible
//! words without quoted history and signature ([`trim`]), a message forwarded inside another
//! ([`forward`]), the writer's own words in a subject ([`subject`]), and the reading of a
//! person's email as the inbox and `parse-reply` make it ([`reading`]).

pub mod bounce;
pub mod classify;
pub mod forward;
pub mod html;
pub mod mime;
pub mod reading;
pub mod subject;
pub mod trim;
